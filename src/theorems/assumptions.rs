//! The constants the theorems assume — (H1), (H2) of 000, Assumption 1 of 004, the spectral gap
//! of 000 Thm 3 — decided exactly for quadratic objectives on the spec's domain box.
//!
//! A declared constant is `verified` when an exact inequality proves it and `refuted` when one
//! disproves it; the record always carries an enclosure of the true (best) value. An undeclared
//! constant that a theorem needs is *derived*: the tool uses a certified rational bound on the safe
//! side (an upper bound for L, ℓ, B₀, B₁; a lower bound for μ, γ) and says so.
//!
//! Enclosure: exact. Eigenvalue facts are inertia counts of shifted matrices
//! (`crate::exact::inertia`); eigenvalue brackets come from deterministic bisection, so a checker
//! recomputes them bit for bit.

use crate::claim::{Claim, Rel, Status};
use crate::exact::{eig_enclosure, rat, sqrt_enclosure, Rat, RatInterval, RatMatrix};
use crate::objective::quadratic::{count_at_most, count_below, grad_norm_sq_sup};
use num_traits::{Signed, Zero};
use std::collections::BTreeMap;

/// Bits of the eigenvalue brackets reported as the true values.
pub const EIG_BITS: u32 = 40;

/// Outcome of the constants step: the claims, and the constants theorems may use.
#[derive(Clone, Debug)]
pub struct Constants {
    /// One claim per constant, in `CLAIM_IDS` order.
    pub claims: Vec<Claim>,
    /// Usable value of each constant, or why it cannot be used (refuted, not applicable).
    pub used: BTreeMap<String, Result<Rat, String>>,
}

impl Constants {
    /// The usable value of `name`, or the reason it is unusable.
    pub fn get(&self, name: &str) -> Result<&Rat, String> {
        match self.used.get(name) {
            Some(Ok(v)) => Ok(v),
            Some(Err(e)) => Err(e.clone()),
            None => Err(format!("constants.{name} was not evaluated")),
        }
    }
}

/// Inputs of the constants step for a quadratic objective.
pub struct QuadraticConstants<'a> {
    /// Hessian Q (symmetric).
    pub q: &'a RatMatrix,
    /// Linear term b of f = ½xᵀQx − bᵀx.
    pub b: &'a [Rat],
    /// Domain box.
    pub domain: &'a [(Rat, Rat)],
    /// Declared constants.
    pub declared: &'a BTreeMap<String, Rat>,
}

fn abs_interval(i: &RatInterval) -> RatInterval {
    if !i.lo.is_positive() && !i.hi.is_negative() {
        RatInterval::new(Rat::zero(), i.lo.abs().max(i.hi.abs()))
    } else {
        let (a, b) = (i.lo.abs(), i.hi.abs());
        RatInterval::new(a.clone().min(b.clone()), a.max(b))
    }
}

/// Evaluates every constant claim for a quadratic objective.
pub fn quadratic(inp: &QuadraticConstants) -> Constants {
    let q = inp.q;
    let n = q.len();
    let mut out = Constants { claims: Vec::new(), used: BTreeMap::new() };
    let saddle_mode = inp.declared.contains_key("gamma");
    let lam_min = eig_enclosure(q, 0, EIG_BITS);
    let lam_max = eig_enclosure(q, n - 1, EIG_BITS);
    let (a, b) = (abs_interval(&lam_min), abs_interval(&lam_max));
    let norm = RatInterval::new(a.lo.clone().max(b.lo.clone()), a.hi.clone().max(b.hi.clone()));

    // L and B₁: ‖Q‖₂ ≤ v ⟺ v·I − Q ⪰ 0 and v·I + Q ⪰ 0.
    for (name, what) in [("L", "(H1) of 000"), ("B1", "Assumption 1 of 004 (‖D²Φ‖ ≤ B₁)")] {
        let mut c = Claim::new(
            &format!("constants.{name}"),
            format!("{what}: ‖∇²f‖₂ = ‖Q‖₂ ≤ {name} (exact: {name}·I ∓ Q ⪰ 0)"),
        );
        let v = declared_or(&mut c, inp.declared, name, || norm.hi.clone());
        c.enclosed("true", norm.clone());
        c.check(
            format!("negative eigenvalues of {name}·I − Q = 0"),
            rat((n - count_at_most(q, &v)) as i64),
            Rel::Le,
            Rat::zero(),
        );
        let neg_plus = count_below(q, &-v.clone());
        c.check(format!("negative eigenvalues of {name}·I + Q = 0"), rat(neg_plus as i64), Rel::Le, Rat::zero());
        finish(&mut out, c, name, v);
    }

    // μ: (H2) Q − μI ⪰ 0; in saddle mode (γ declared), the upper side of the gap of Thm 3.
    {
        let below_zero = count_below(q, &Rat::zero());
        let mut c;
        if saddle_mode {
            c = Claim::new(
                "constants.mu",
                "Thm 3 of 000: no eigenvalue of Q in [0, μ) (upper side of the spectral gap)",
            );
            if below_zero < n {
                c.enclosed("true", eig_enclosure(q, below_zero, EIG_BITS));
            }
            let v = inp.declared["mu"].clone();
            c.value("declared", v.clone());
            c.check(
                "eigenvalues of Q in [0, μ) = 0",
                rat((count_below(q, &v) - below_zero) as i64),
                Rel::Le,
                Rat::zero(),
            );
            finish(&mut out, c, "mu", v);
        } else {
            c = Claim::new("constants.mu", "(H2) of 000: f is μ-strongly convex, ∇²f = Q ⪰ μ·I (exact: Q − μ·I ⪰ 0)");
            c.enclosed("true", lam_min.clone());
            if !inp.declared.contains_key("mu") && !lam_min.lo.is_positive() {
                let c = c.not_applicable("Q is not positive definite: no μ > 0 is certified");
                out.used.insert("mu".into(), Err("constants.mu: Q is not positive definite".into()));
                out.claims.push(c);
            } else {
                let v = declared_or(&mut c, inp.declared, "mu", || lam_min.lo.clone());
                c.check("negative eigenvalues of Q − μ·I = 0", rat(count_below(q, &v) as i64), Rel::Le, Rat::zero());
                finish(&mut out, c, "mu", v);
            }
        }
    }

    // ℓ and B₀: sup over the domain of ‖∇f‖ = ‖Qx − b‖ (a maximum at a vertex).
    let sup = grad_norm_sq_sup(q, inp.b, inp.domain);
    let true_sup = RatInterval::new(sqrt_enclosure(&sup.lower).lo, sqrt_enclosure(&sup.upper).hi);
    for (name, what) in [("ell", "(H1) of 000: ‖∇f‖ ≤ ℓ"), ("B0", "Assumption 1 of 004: ‖DΦ‖ ≤ B₀")]
    {
        let mut c = Claim::new(
            &format!("constants.{name}"),
            format!("{what} on the domain box (sup of the convex ‖Qx − b‖² is at a vertex)"),
        );
        let v = declared_or(&mut c, inp.declared, name, || true_sup.hi.clone());
        c.enclosed("true", true_sup.clone());
        for (i, x) in sup.vertex.iter().enumerate() {
            c.witness(&format!("vertex_{i}"), x.clone());
        }
        let v2 = &v * &v;
        if sup.exact {
            c.check(format!("max over vertices of ‖Qx − b‖² <= {name}²"), sup.upper.clone(), Rel::Le, v2);
        } else if sup.upper <= v2 {
            c.check(format!("Σᵢ (max over the box of |(Qx − b)ᵢ|)² <= {name}²"), sup.upper.clone(), Rel::Le, v2);
        } else if !c.check(format!("‖Qx* − b‖² at the witness vertex <= {name}²"), sup.lower.clone(), Rel::Le, v2)
        {
            // refuted by the witness vertex
        } else {
            let mut c = c.decide();
            c.status = Status::Inconclusive;
            c.reason = Some(format!(
                "enclosure too wide: sup ‖∇f‖² ∈ [{}, {}] straddles {name}²",
                crate::exact::fmt_rat(&sup.lower),
                crate::exact::fmt_rat(&sup.upper)
            ));
            out.used.insert(name.into(), Err(format!("constants.{name} is inconclusive")));
            out.claims.push(c);
            continue;
        }
        finish(&mut out, c, name, v);
    }

    // B₂: D³Φ = 0 for a quadratic.
    {
        let mut c = Claim::new("constants.B2", "Assumption 1 of 004: ‖D³Φ‖ ≤ B₂; D³Φ = 0 for a quadratic");
        let v = declared_or(&mut c, inp.declared, "B2", Rat::zero);
        c.value("true", Rat::zero());
        c.check("‖D³Φ‖ = 0 <= B2", Rat::zero(), Rel::Le, v.clone());
        finish(&mut out, c, "B2", v);
    }

    // γ: lower side of the spectral gap of Thm 3 (no eigenvalue in (−γ, 0)).
    let below_zero = count_below(q, &Rat::zero());
    if saddle_mode || below_zero > 0 {
        let mut c = Claim::new(
            "constants.gamma",
            "Thm 3 of 000: no eigenvalue of Q in (−γ, 0) (lower side of the spectral gap)",
        );
        if below_zero > 0 {
            let top_neg = eig_enclosure(q, below_zero - 1, EIG_BITS);
            c.enclosed("true", RatInterval::new(-top_neg.hi.clone(), -top_neg.lo.clone()));
            let v = declared_or(&mut c, inp.declared, "gamma", || -top_neg.hi.clone());
            c.check(
                "eigenvalues of Q in (−γ, 0) = 0",
                rat((below_zero - count_at_most(q, &-v.clone())) as i64),
                Rel::Le,
                Rat::zero(),
            );
            finish(&mut out, c, "gamma", v);
        } else {
            let v = inp.declared["gamma"].clone();
            c.value("declared", v.clone());
            c.check("eigenvalues of Q in (−γ, 0) = 0", Rat::zero(), Rel::Le, Rat::zero());
            finish(&mut out, c, "gamma", v);
        }
    }

    // L_φ: the objective is the quadratic itself, φ = 0.
    if inp.declared.contains_key("L_phi") || below_zero > 0 {
        let mut c = Claim::new(
            "constants.L_phi",
            "Thm 3 of 000: the perturbation φ is L_φ-smooth; φ = 0 for a quadratic objective",
        );
        let v = declared_or(&mut c, inp.declared, "L_phi", Rat::zero);
        c.check("‖∇²φ‖ = 0 <= L_phi", Rat::zero(), Rel::Le, v.clone());
        finish(&mut out, c, "L_phi", v);
    }
    out
}

/// The declared value (recorded as `declared`), or the derived one (recorded as `derived`).
fn declared_or(c: &mut Claim, declared: &BTreeMap<String, Rat>, name: &str, derive: impl FnOnce() -> Rat) -> Rat {
    match declared.get(name) {
        Some(v) => {
            c.value("declared", v.clone());
            v.clone()
        }
        None => {
            let v = derive();
            c.value("derived", v.clone());
            v
        }
    }
}

fn finish(out: &mut Constants, c: Claim, name: &str, v: Rat) {
    let c = c.decide();
    let used = match c.status {
        Status::Verified => Ok(v),
        _ => Err(format!("constants.{name} is {}", c.status)),
    };
    out.used.insert(name.into(), used);
    out.claims.push(c);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;

    fn m(rows: &[&[&str]]) -> RatMatrix {
        rows.iter().map(|r| r.iter().map(|s| parse_rat(s).unwrap()).collect()).collect()
    }

    fn run(q: &RatMatrix, b: &[Rat], dom: &[(Rat, Rat)], decl: &[(&str, &str)]) -> Constants {
        let declared: BTreeMap<String, Rat> =
            decl.iter().map(|(k, v)| (k.to_string(), parse_rat(v).unwrap())).collect();
        quadratic(&QuadraticConstants { q, b, domain: dom, declared: &declared })
    }

    fn claim<'a>(c: &'a Constants, id: &str) -> &'a Claim {
        c.claims.iter().find(|x| x.id == id).unwrap_or_else(|| panic!("no {id}"))
    }

    #[test]
    fn hand_values_and_refutations() {
        // Q = [[2,1],[1,2]]: eigenvalues 1 and 3 (hand: trace 4, det 3). Box [-1,1]²:
        // sup ‖Qx‖² at (1,1): 9 + 9 = 18.
        let q = m(&[&["2", "1"], &["1", "2"]]);
        let b = [rat(0), rat(0)];
        let dom = [(rat(-1), rat(1)), (rat(-1), rat(1))];
        let ok = run(&q, &b, &dom, &[("L", "3"), ("mu", "1"), ("ell", "4.25"), ("B1", "3")]);
        for id in ["constants.L", "constants.mu", "constants.ell", "constants.B1", "constants.B2"] {
            assert_eq!(claim(&ok, id).status, Status::Verified, "{id}");
        }
        assert_eq!(claim(&ok, "constants.L").values["true"].to_text(), "[3, 3]");
        // √18 = 4.242640687…: 4.24 is too small, and its refutation names the vertex inequality.
        let bad = run(&q, &b, &dom, &[("L", "2.999"), ("mu", "1.001"), ("ell", "4.24")]);
        for id in ["constants.L", "constants.mu", "constants.ell"] {
            assert_eq!(claim(&bad, id).status, Status::Refuted, "{id}");
        }
        let ell = claim(&bad, "constants.ell");
        let (lo, hi) = (ell.values["true"].lo(), ell.values["true"].hi());
        assert!(lo * lo <= rat(18) && rat(18) <= hi * hi, "the enclosure must contain √18");
        assert!(hi - lo < parse_rat("1e-15").unwrap());
        assert!(bad.get("L").is_err() && bad.get("B1").is_ok());
        // Derived constants are on the safe side: L ≥ 3, μ ≤ 1.
        let derived = run(&q, &b, &dom, &[]);
        assert!(derived.get("L").unwrap() >= &rat(3));
        assert!(derived.get("mu").unwrap() <= &rat(1));
        assert!(derived.get("mu").unwrap() > &rat(0));
    }

    #[test]
    fn norm_bound_sees_negative_eigenvalues() {
        // Q = diag(1, −3): ‖Q‖₂ = 3. L = 2 satisfies L·I − Q ⪰ 0 but not ‖Q‖ ≤ L.
        let q = m(&[&["1", "0"], &["0", "-3"]]);
        let c = run(&q, &[rat(0), rat(0)], &[(rat(-1), rat(1)), (rat(-1), rat(1))], &[("L", "2")]);
        let l = claim(&c, "constants.L");
        assert_eq!(l.status, Status::Refuted);
        assert_eq!(l.reason.as_deref(), Some("fails: negative eigenvalues of L·I + Q = 0"));
        // Not positive definite: no μ is certified, and the saddle constants appear.
        assert_eq!(claim(&c, "constants.mu").status, Status::NotApplicable);
        assert_eq!(claim(&c, "constants.gamma").values["true"].to_text(), "[3, 3]");
    }

    #[test]
    fn spectral_gap_of_a_saddle() {
        // Q = diag(2, −1): no eigenvalue in (−1, 2). γ = 1, μ = 2 hold; γ = 1.01 or μ = 2.01 fail.
        let q = m(&[&["2", "0"], &["0", "-1"]]);
        let dom = [(rat(-1), rat(1)), (rat(-1), rat(1))];
        let b = [rat(0), rat(0)];
        let ok = run(&q, &b, &dom, &[("gamma", "1"), ("mu", "2")]);
        assert_eq!(claim(&ok, "constants.gamma").status, Status::Verified);
        assert_eq!(claim(&ok, "constants.mu").status, Status::Verified);
        let bad = run(&q, &b, &dom, &[("gamma", "1.01"), ("mu", "2.01")]);
        assert_eq!(claim(&bad, "constants.gamma").status, Status::Refuted);
        assert_eq!(claim(&bad, "constants.mu").status, Status::Refuted);
    }
}
