//! The constants the theorems assume — (H1), (H2) of 000, Assumption 1 of 004, the spectral gap
//! of 000 Thm 3 — decided exactly for quadratic objectives, on the spec's domain box.
//!
//! A declared constant is `verified` when an exact inequality proves it and `refuted` when one
//! disproves it; the record always carries an enclosure of the true (best) value. An undeclared
//! constant that a theorem needs is *derived*: a certified rational bound on the safe side (an upper
//! bound for L, ℓ, B₀, B₁; a lower bound for μ, γ), and the record says so.
//!
//! # Evidence
//! Eigenvalue facts are inertia counts of shifted matrices (`crate::exact::inertia`, exact LDLᵀ).
//! The brackets of the eigenvalues the records report come from the certificate ([`Spectrum`]: the
//! engine finds them by bisection); the checker verifies each by two inertia counts and never
//! searches. Everything else is a closed form: sup ‖Qx − b‖ on the box at its vertices
//! (`crate::quadratic::grad_norm_sq_sup`), D³f = 0.
//!
//! Enclosure: exact.

use crate::claim::{Claim, Rel, Status, Value, CLAIM_IDS};
use crate::exact::{fmt_rat, rat, sqrt_enclosure, Rat, RatInterval, RatMatrix};
use crate::quadratic::{count_at_most, count_below, grad_norm_sq_sup};
use num_traits::{Signed, Zero};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// Brackets of eigenvalues of Q, by index in ascending order: λ_k(Q) ∈ `brackets[k]`.
///
/// Evidence: verified exactly by [`Spectrum::verify`] (#{λ < lo} ≤ k < #{λ ≤ hi}).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Spectrum {
    /// Index → bracket.
    pub brackets: BTreeMap<usize, RatInterval>,
}

impl Spectrum {
    /// The indices whose brackets the constants of Q read: the extremes and, in the saddle reading,
    /// the eigenvalues on both sides of 0.
    pub fn needed(q: &RatMatrix, declared: &BTreeMap<String, Rat>) -> Vec<usize> {
        let n = q.len();
        let mut k = vec![0, n - 1];
        if saddle_mode(q, declared) {
            let below = count_below(q, &Rat::zero());
            k.extend((below > 0).then(|| below - 1));
            k.extend((below < n).then_some(below));
        }
        k.sort_unstable();
        k.dedup();
        k
    }

    /// The bracket of λ_k, or why it is missing.
    pub fn bracket(&self, k: usize) -> Result<RatInterval, String> {
        self.brackets.get(&k).cloned().ok_or_else(|| format!("evidence/eigenvalues: no bracket for λ_{k}"))
    }

    /// The bracket of λ_k, which [`Spectrum::verify`] guaranteed (programmer error otherwise).
    fn get(&self, k: usize) -> RatInterval {
        self.brackets.get(&k).cloned().unwrap_or_else(|| panic!("Spectrum: no bracket for λ_{k} after verify"))
    }

    /// Verifies that the [`Spectrum::needed`] brackets are present, that every bracket is of an
    /// index of Q and holds its eigenvalue: #{λ < lo} ≤ k < #{λ ≤ hi} (inertia of Q − lo·I, Q − hi·I).
    pub fn verify(&self, q: &RatMatrix, declared: &BTreeMap<String, Rat>) -> Result<(), String> {
        if let Some(k) = Spectrum::needed(q, declared).into_iter().find(|k| !self.brackets.contains_key(k)) {
            return Err(format!("no bracket for λ_{k}, which the constants need"));
        }
        for (&k, b) in &self.brackets {
            if !(count_below(q, &b.lo) <= k && k < count_at_most(q, &b.hi)) {
                return Err(format!("λ_{k}(Q) is not in {}", b.to_string_exact()));
            }
        }
        Ok(())
    }

    /// `{"k": "[lo, hi]", …}`.
    pub fn to_json(&self) -> Json {
        Json::Object(self.brackets.iter().map(|(k, b)| (k.to_string(), Json::String(b.to_string_exact()))).collect())
    }

    /// Inverse of [`Spectrum::to_json`].
    pub fn from_json(v: &Json) -> Result<Spectrum, String> {
        let m: &Map<String, Json> = v.as_object().ok_or("expected an object of brackets")?;
        let mut brackets = BTreeMap::new();
        for (k, b) in m {
            let i: usize = k.parse().map_err(|_| format!("bad eigenvalue index {k:?}"))?;
            let s = b.as_str().ok_or("a bracket is a string \"[lo, hi]\"")?;
            let iv = RatInterval::parse(s).filter(|iv| iv.to_string_exact() == s);
            let iv = iv.ok_or_else(|| format!("bad bracket {s:?} (expected \"[lo, hi]\" in canonical form)"))?;
            brackets.insert(i, iv);
        }
        Ok(Spectrum { brackets })
    }
}

/// Outcome of the constants step: the claims, and the constants theorems may use.
#[derive(Clone, Debug)]
pub struct Constants {
    /// One claim per constant, in `CLAIM_IDS` order.
    pub claims: Vec<Claim>,
    /// Usable value of each constant, or why it cannot be used (refuted, not applicable).
    pub used: BTreeMap<String, Result<Rat, String>>,
    /// For a derived constant known only up to an enclosure: the value at the favourable end
    /// (lower for L, ℓ, B₀, B₁; upper for μ, γ). A theorem refuted with the derived value but not
    /// with this one is inconclusive, not refuted (the true constant lies in between).
    pub favourable: BTreeMap<String, Rat>,
}

impl Constants {
    /// No constants yet.
    pub fn empty() -> Constants {
        Constants { claims: Vec::new(), used: BTreeMap::new(), favourable: BTreeMap::new() }
    }

    /// Records a decided constant claim `constants.<name>`: a verified claim makes its `declared`
    /// or `derived` value usable (and its `favourable` value, when recorded, the favourable end);
    /// any other status makes the constant unusable, and says why.
    pub fn record(&mut self, c: Claim) {
        let name = c.id.strip_prefix("constants.").unwrap_or(&c.id).to_string();
        let value = c.values.get("declared").or_else(|| c.values.get("derived"));
        let used = match (c.status, value) {
            (Status::Verified, Some(Value::Exact(v))) => Ok(v.clone()),
            (Status::NotApplicable, _) => {
                Err(format!("{} is not applicable: {}", c.id, c.reason.clone().unwrap_or_default()))
            }
            (status, _) => Err(format!("{} is {status}", c.id)),
        };
        if let (Ok(_), Some(Value::Exact(f))) = (&used, c.values.get("favourable")) {
            self.favourable.insert(name.clone(), f.clone());
        }
        self.used.insert(name, used);
        self.claims.push(c);
    }

    /// The constants of decided claims (the inverse of recording them one by one).
    pub fn from_records(claims: &[Claim]) -> Constants {
        let mut out = Constants::empty();
        for c in claims.iter().filter(|c| c.id.starts_with("constants.")) {
            out.record(c.clone());
        }
        out
    }

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
    /// Brackets of the eigenvalues of Q that the claims read ([`Spectrum::needed`]), verified.
    pub spectrum: &'a Spectrum,
}

fn abs_interval(i: &RatInterval) -> RatInterval {
    if !i.lo.is_positive() && !i.hi.is_negative() {
        RatInterval::new(Rat::zero(), i.lo.abs().max(i.hi.abs()))
    } else {
        let (a, b) = (i.lo.abs(), i.hi.abs());
        RatInterval::new(a.clone().min(b.clone()), a.max(b))
    }
}

/// Whether the spec is read in saddle mode (000 Thm 3): γ declared, or Q indefinite. Then `mu`
/// is the upper side of the spectral gap, not the strong-convexity constant of (H2).
pub fn saddle_mode(q: &RatMatrix, declared: &BTreeMap<String, Rat>) -> bool {
    declared.contains_key("gamma") || count_below(q, &Rat::zero()) > 0
}

/// One constant being decided: its claim, the value used, and the favourable end when derived.
pub struct Decision {
    /// The claim being built.
    pub claim: Claim,
    /// The value the theorems will use (declared or derived).
    pub used: Rat,
    favourable: Option<Rat>,
}

impl Decision {
    /// Starts the claim for `name`: the declared value, or `derived` (with `favourable` recorded
    /// when it differs from the derived value).
    pub fn new(
        name: &'static str,
        statement: String,
        declared: &BTreeMap<String, Rat>,
        derived: impl FnOnce() -> (Rat, Rat),
    ) -> Self {
        let mut claim = Claim::new(&format!("constants.{name}"), statement);
        let (used, favourable) = match declared.get(name) {
            Some(v) => {
                claim.value("declared", v.clone());
                (v.clone(), None)
            }
            None => {
                let (v, fav) = derived();
                claim.value("derived", v.clone());
                let fav = (fav != v).then_some(fav);
                (v, fav)
            }
        };
        Decision { claim, used, favourable }
    }

    /// Decides the claim by its inequalities and records it.
    pub fn finish(self, out: &mut Constants) {
        let c = self.claim.clone().decide();
        self.push(out, c);
    }

    /// Records the claim as inconclusive: the enclosure `[lo, hi]` of `what` straddles `name`.
    pub fn too_wide(self, out: &mut Constants, what: &str, lo: &Rat, hi: &Rat, name: &str, boxes: usize) {
        let mut c = self.claim.clone();
        c.reason = Some(format!(
            "enclosure too wide: {what} ∈ [{}, {}] straddles {name} after {boxes} boxes (raise budget.max_boxes)",
            fmt_rat(lo),
            fmt_rat(hi)
        ));
        self.push(out, c);
    }

    /// Records `c` (decided by the caller) as the claim of this constant; a verified derived
    /// constant also records its `favourable` end.
    pub fn push(self, out: &mut Constants, mut c: Claim) {
        if let (Status::Verified, Some(f)) = (c.status, self.favourable) {
            c.value("favourable", f);
        }
        out.record(c);
    }
}

/// `n` as a rational.
pub fn count(n: usize) -> Rat {
    rat(n as i64)
}

/// Evaluates every constant claim for a quadratic objective.
pub fn quadratic(inp: &QuadraticConstants) -> Constants {
    let q = inp.q;
    let n = q.len();
    let mut out = Constants::empty();
    let saddle = saddle_mode(q, inp.declared);
    let lam_min = inp.spectrum.get(0);
    let lam_max = inp.spectrum.get(n - 1);
    let (a, b) = (abs_interval(&lam_min), abs_interval(&lam_max));
    let norm = RatInterval::new(a.lo.clone().max(b.lo.clone()), a.hi.clone().max(b.hi.clone()));
    let below_zero = count_below(q, &Rat::zero());

    // L and B₁: ‖Q‖₂ ≤ v ⟺ v·I − Q ⪰ 0 and v·I + Q ⪰ 0.
    for (name, what) in [("L", "(H1) of 000"), ("B1", "Assumption 1 of 004 (‖D²Φ‖ ≤ B₁)")] {
        let statement = format!("{what}: ‖∇²f‖₂ = ‖Q‖₂ ≤ {name} (exact: {name}·I ∓ Q ⪰ 0)");
        let mut d = Decision::new(name, statement, inp.declared, || (norm.hi.clone(), norm.lo.clone()));
        d.claim.enclosed("true", norm.clone());
        let v = d.used.clone();
        d.claim.check(
            format!("negative eigenvalues of {name}·I − Q = 0"),
            count(n - count_at_most(q, &v)),
            Rel::Le,
            Rat::zero(),
        );
        d.claim.check(
            format!("negative eigenvalues of {name}·I + Q = 0"),
            count(count_below(q, &-v)),
            Rel::Le,
            Rat::zero(),
        );
        d.finish(&mut out);
    }

    // γ: lower side of the spectral gap of Thm 3, no eigenvalue in (−γ, 0).
    let top_neg = (below_zero > 0).then(|| inp.spectrum.get(below_zero - 1));
    let gamma = if saddle {
        let statement = "Thm 3 of 000: no eigenvalue of Q in (−γ, 0) (lower side of the spectral gap)".to_string();
        let mut d = match &top_neg {
            // The bracket of the largest negative eigenvalue is strictly negative (eig_enclosure).
            Some(t) => Decision::new("gamma", statement, inp.declared, || (-t.hi.clone(), -t.lo.clone())),
            None => Decision::new("gamma", statement, inp.declared, || (Rat::zero(), Rat::zero())),
        };
        if let Some(t) = &top_neg {
            d.claim.enclosed("true", RatInterval::new(-t.hi.clone(), -t.lo.clone()));
        }
        let g = d.used.clone();
        // #{−γ < λ < 0} = #{λ < 0} − #{λ ≤ −γ} (0 when γ = 0).
        let inside = below_zero.saturating_sub(count_at_most(q, &-g.clone()));
        d.claim.check("eigenvalues of Q in (−γ, 0) = 0", count(inside), Rel::Le, Rat::zero());
        d.finish(&mut out);
        Some(g)
    } else {
        None
    };

    // μ: (H2) Q − μI ⪰ 0; in saddle mode, the upper side of the gap of Thm 3.
    if saddle {
        let statement = "Thm 3 of 000: no eigenvalue of Q in [0, μ) (upper side of the spectral gap)".to_string();
        let first_nonneg = (below_zero < n).then(|| inp.spectrum.get(below_zero));
        let half_gamma = gamma.clone().unwrap_or_else(Rat::zero) / rat(2);
        let mut d = match &first_nonneg {
            Some(t) => Decision::new("mu", statement, inp.declared, || (t.lo.clone(), t.hi.clone())),
            // No eigenvalue ≥ 0: every μ works; Thm 3 uses min{γ/2, μ}, so μ = γ/2 loses nothing.
            None => Decision::new("mu", statement, inp.declared, || (half_gamma.clone(), half_gamma.clone())),
        };
        if let Some(t) = &first_nonneg {
            d.claim.enclosed("true", t.clone());
        }
        let v = d.used.clone();
        let inside = count_below(q, &v).saturating_sub(below_zero);
        d.claim.check("eigenvalues of Q in [0, μ) = 0", count(inside), Rel::Le, Rat::zero());
        d.finish(&mut out);
    } else if !inp.declared.contains_key("mu") && count_at_most(q, &Rat::zero()) > 0 {
        let mut c = Claim::new("constants.mu", "(H2) of 000: f is μ-strongly convex, ∇²f = Q ⪰ μ·I");
        c.enclosed("true", lam_min.clone());
        out.record(c.not_applicable("Q has a zero eigenvalue: f is not strongly convex"));
    } else {
        let statement = "(H2) of 000: f is μ-strongly convex, ∇²f = Q ⪰ μ·I (exact: Q − μ·I ⪰ 0)".to_string();
        let mut d = Decision::new("mu", statement, inp.declared, || (lam_min.lo.clone(), lam_min.hi.clone()));
        d.claim.enclosed("true", lam_min.clone());
        let v = d.used.clone();
        d.claim.check("negative eigenvalues of Q − μ·I = 0", count(count_below(q, &v)), Rel::Le, Rat::zero());
        d.finish(&mut out);
    }

    // ℓ and B₀: sup over the domain of ‖∇f‖ = ‖Qx − b‖ (a maximum at a vertex).
    let sup = grad_norm_sq_sup(q, inp.b, inp.domain);
    let true_sup = RatInterval::new(sqrt_enclosure(&sup.lower).lo, sqrt_enclosure(&sup.upper).hi);
    for (name, what) in [("ell", "(H1) of 000: ‖∇f‖ ≤ ℓ"), ("B0", "Assumption 1 of 004: ‖DΦ‖ ≤ B₀")]
    {
        let statement = format!("{what} on the domain box (sup of the convex ‖Qx − b‖² is at a vertex)");
        let mut d = Decision::new(name, statement, inp.declared, || (true_sup.hi.clone(), true_sup.lo.clone()));
        d.claim.enclosed("true", true_sup.clone());
        for (i, x) in sup.vertex.iter().enumerate() {
            d.claim.witness(&format!("vertex_{i}"), x.clone());
        }
        let v2 = &d.used * &d.used;
        if sup.exact {
            d.claim.check(format!("max over vertices of ‖Qx − b‖² <= {name}²"), sup.upper.clone(), Rel::Le, v2);
        } else if sup.upper <= v2 {
            d.claim.check(format!("Σᵢ (max over the box of |(Qx − b)ᵢ|)² <= {name}²"), sup.upper.clone(), Rel::Le, v2);
        } else if sup.lower <= v2 {
            let mut c = d.claim.clone().decide();
            c.status = Status::Inconclusive;
            c.reason = Some(format!(
                "enclosure too wide: sup ‖∇f‖² ∈ [{}, {}] straddles {name}²",
                fmt_rat(&sup.lower),
                fmt_rat(&sup.upper)
            ));
            d.push(&mut out, c);
            continue;
        } else {
            d.claim.check(format!("‖Qx* − b‖² at the witness vertex <= {name}²"), sup.lower.clone(), Rel::Le, v2);
        }
        d.finish(&mut out);
    }

    // B₂: D³Φ = 0 for a quadratic.
    let statement = "Assumption 1 of 004: ‖D³Φ‖ ≤ B₂; D³Φ = 0 for a quadratic".to_string();
    let mut d = Decision::new("B2", statement, inp.declared, || (Rat::zero(), Rat::zero()));
    d.claim.value("true", Rat::zero());
    let v = d.used.clone();
    d.claim.check("‖D³Φ‖ = 0 <= B2", Rat::zero(), Rel::Le, v);
    d.finish(&mut out);

    // L_φ: the objective is the quadratic itself, φ = 0.
    let why = "φ = 0 for a quadratic objective";
    finish_with_l_phi(out, inp.declared, saddle || inp.declared.contains_key("L_phi"), why)
}

/// Adds the `constants.L_phi` claim when `wanted` (the objective is f itself, so φ = 0 and every
/// L_φ ≥ 0 holds; `why` says so in the statement) and puts the claims in `CLAIM_IDS` order.
pub fn finish_with_l_phi(mut out: Constants, declared: &BTreeMap<String, Rat>, wanted: bool, why: &str) -> Constants {
    if wanted {
        let statement = format!("Thm 3 of 000: the perturbation φ is L_φ-smooth; {why}");
        let mut d = Decision::new("L_phi", statement, declared, || (Rat::zero(), Rat::zero()));
        let v = d.used.clone();
        d.claim.check("‖∇²φ‖ = 0 <= L_phi", Rat::zero(), Rel::Le, v);
        d.finish(&mut out);
    }
    out.claims.sort_by_key(|c| CLAIM_IDS.iter().position(|id| *id == c.id));
    out
}
