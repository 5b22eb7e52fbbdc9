//! The constants the theorems assume — (H1), (H2) of 000, Assumption 1 of 004, the spectral gap
//! of 000 Thm 3 — decided exactly for quadratic objectives ([`quadratic`]) and by rigorous interval
//! enclosures for the others ([`general`]), on the spec's domain box.
//!
//! A declared constant is `verified` when an exact inequality proves it and `refuted` when one
//! disproves it; the record always carries an enclosure of the true (best) value. An undeclared
//! constant that a theorem needs is *derived*: the tool uses a certified rational bound on the safe
//! side (an upper bound for L, ℓ, B₀, B₁; a lower bound for μ, γ) and says so.
//!
//! Enclosure: exact. Eigenvalue facts are inertia counts of shifted matrices
//! (`crate::exact::inertia`); eigenvalue brackets come from deterministic bisection, so a checker
//! recomputes them bit for bit.

use crate::enclose::search::cover;
use crate::enclose::symmetric::{largest_negative, neg_smallest_nonnegative, NO_EIGENVALUE};
use crate::enclose::{rat_interval_to_interval, rat_to_interval};
use crate::exact::{eig_enclosure, Rat, RatInterval, RatMatrix};
use crate::objective::Quantity;
use inari::Interval;
use shadowcert_checker::interval::IMat;
use shadowcert_checker::theorems::general::{self, Covering, Derivatives};
use std::collections::BTreeMap;

pub use shadowcert_checker::theorems::constants::{
    count, finish_with_l_phi, saddle_mode, Constants, Decision, QuadraticConstants, Spectrum,
};

/// Bits of the eigenvalue brackets reported as the true values.
pub const EIG_BITS: u32 = 40;

/// The eigenvalue brackets the constants of Q need ([`Spectrum::needed`]), by deterministic dyadic
/// bisection on inertia counts (`crate::exact::eig_enclosure`): the search whose result the
/// certificate stores and the checker verifies.
pub fn spectrum(q: &RatMatrix, declared: &BTreeMap<String, Rat>, extra: &[usize]) -> Spectrum {
    let mut k = Spectrum::needed(q, declared);
    k.extend_from_slice(extra);
    Spectrum { brackets: k.into_iter().map(|k| (k, eig_enclosure(q, k, EIG_BITS))).collect() }
}

/// Every constant claim of a quadratic objective (the checker's exact statements, on the brackets
/// of [`spectrum`]).
pub fn quadratic(q: &RatMatrix, b: &[Rat], domain: &[(Rat, Rat)], declared: &BTreeMap<String, Rat>) -> Constants {
    quadratic_on(q, b, domain, declared, &spectrum(q, declared, &[]))
}

/// [`quadratic`] on given brackets.
pub fn quadratic_on(
    q: &RatMatrix,
    b: &[Rat],
    domain: &[(Rat, Rat)],
    declared: &BTreeMap<String, Rat>,
    spectrum: &Spectrum,
) -> Constants {
    shadowcert_checker::theorems::constants::quadratic(&QuadraticConstants { q, b, domain, declared, spectrum })
}

/// The spectral hint for a box (the engine's search, verified by the checker's `general::bound`):
/// from the interval Hessian H = M ± R, σ = max|λ(M)| + ρ (‖∇²f‖₂) or −λ_min(M) + ρ (−λ_min), ρ the
/// largest row sum of the radii, raised a little; +∞ when f is not smooth on the box or no raised σ
/// verifies.
fn spectral_bound(o: &(dyn Derivatives + Sync), q: Quantity, x: &[Interval]) -> f64 {
    let Some(h) = o.hessian(x) else { return general::bound(o, q, x, 0.0).unwrap_or(f64::INFINITY) };
    let d = x.len();
    let m = nalgebra::DMatrix::from_fn(d, d, |i, j| h.at(i, j).mid());
    let rho = (0..d).map(|i| (0..d).map(|j| h.at(i, j).rad()).sum::<f64>()).fold(0.0, f64::max);
    if !m.iter().all(|v| v.is_finite()) || !rho.is_finite() {
        return f64::INFINITY;
    }
    let ev = m.symmetric_eigenvalues();
    let base = match q {
        Quantity::HessNorm => ev.iter().fold(0.0_f64, |a, v| a.max(v.abs())),
        _ => -ev.iter().copied().fold(f64::INFINITY, f64::min),
    };
    // Four shifts, each raised a little more; the first that verifies, else the last bound.
    let mut sigma = base + rho;
    let mut hints = Vec::with_capacity(4);
    for _ in 0..4 {
        sigma += sigma.abs() * 1e-12 + 4.0 * f64::EPSILON * (base.abs() + rho) + f64::MIN_POSITIVE;
        hints.push(sigma);
        sigma += sigma.abs() * 1e-9;
    }
    let Some(bounds) = general::spectral_bounds(o, q, x, &hints) else { return f64::INFINITY };
    bounds.iter().zip(&hints).find(|(b, s)| b <= s).map_or(bounds[3], |(b, _)| *b)
}

/// The engine's enclosure of a gap edge (`largest_negative`, `neg_smallest_nonnegative`) over the
/// interval Hessian `h`, with the eigenvalue enclosures it comes from.
fn gap_edge(h: &IMat, q: Quantity) -> (Vec<Interval>, Interval) {
    let rows: Vec<Vec<Interval>> = (0..h.rows).map(|i| (0..h.cols).map(|j| h.at(i, j)).collect()).collect();
    let ev = crate::enclose::symmetric::eig_enclosures(&rows);
    let edge = if q == Quantity::GapLower { largest_negative(&ev) } else { neg_smallest_nonnegative(&ev) };
    (ev, edge)
}

/// The bound of a gap edge on a box (the engine's search, verified by the checker's
/// `general::gap_bound` on the same interval Hessian): the upper end b of the engine's enclosure of
/// the edge (shown by Gershgorin discs), else b raised a little or halfway to the next eigenvalue
/// enclosure (so that the inertia counts at the two shifts are regular); 0 (nothing shown) when
/// none verifies, +∞ where f is not smooth on the box.
fn gap_bound(o: &(dyn Derivatives + Sync), q: Quantity, x: &[Interval]) -> f64 {
    let Some(h) = o.hessian(x) else { return f64::INFINITY };
    let (ev, edge) = gap_edge(&h, q);
    let b = edge.sup();
    if b <= NO_EIGENVALUE {
        return general::gap_bound(&h, q, b);
    }
    // The nearest end of an eigenvalue enclosure beyond b, on the edge's scale (λ for λ₋, −λ for
    // −λ₊), capped at 0.
    let next = ev
        .iter()
        .map(|v| if q == Quantity::GapLower { v.inf() } else { -v.sup() })
        .filter(|&v| v > b)
        .fold(0.0_f64, f64::min);
    let raised = b + b.abs() * 1e-12 + 4.0 * f64::EPSILON * b.abs() + f64::MIN_POSITIVE;
    [b, raised, b + (next - b) / 2.0]
        .into_iter()
        .find(|&hint| hint < 0.0 && general::gap_bound(&h, q, hint) == hint)
        .unwrap_or(0.0)
}

/// The level the engine proposes for a gap edge at the point `p`: the lower end w of its enclosure
/// of the edge there, lowered a little (`None` for other quantities, or with no eigenvalue on that
/// side). The checker's `general::lower_at` decides whether it holds.
fn gap_level(o: &(dyn Derivatives + Sync), q: Quantity, p: &[Rat]) -> Option<Rat> {
    if !q.is_gap() {
        return None;
    }
    let x: Vec<Interval> = p.iter().map(rat_to_interval).collect();
    let (_, edge) = gap_edge(&o.hessian(&x)?, q);
    let w = edge.inf();
    if w <= NO_EIGENVALUE || !w.is_finite() {
        return None;
    }
    Rat::from_float(w - w.abs() * 1e-12 - 4.0 * f64::EPSILON * w.abs() - f64::MIN_POSITIVE)
}

/// A unit-ish vector along the eigenvalue of ∇²f(p) that `q` reads (largest |λ| or λ_min), as exact
/// rationals: the Rayleigh witness of a spectral covering.
fn spectral_vector(o: &(dyn Derivatives + Sync), q: Quantity, p: &[Rat]) -> Option<Vec<Rat>> {
    let x: Vec<Interval> = p.iter().map(rat_to_interval).collect();
    let h = o.hessian(&x)?;
    let d = p.len();
    let m = nalgebra::DMatrix::from_fn(d, d, |i, j| h.at(i, j).mid());
    if !m.iter().all(|v| v.is_finite()) {
        return None;
    }
    let eig = nalgebra::SymmetricEigen::new(m);
    let k = (0..d).fold(0, |k, i| {
        let better = match q {
            Quantity::HessNorm => eig.eigenvalues[i].abs() > eig.eigenvalues[k].abs(),
            _ => eig.eigenvalues[i] < eig.eigenvalues[k],
        };
        if better {
            i
        } else {
            k
        }
    });
    eig.eigenvectors.column(k).iter().map(|&v| Rat::from_float(v)).collect()
}

/// The constants of an expression or dataset objective: one covering search per quantity the
/// declared constants need (`Quantity::needed`: with γ declared, the edges of the spectral gap;
/// `enclose::search::cover`, the checker's bounds as the oracle), the claims by the checker's
/// statements (`shadowcert_checker::theorems::general`; `third` says what bounds ‖D³f‖), and the
/// coverings the certificate carries.
pub fn covered_constants(
    o: &(dyn Derivatives + Sync),
    domain: &[(Rat, Rat)],
    declared: &BTreeMap<String, Rat>,
    max_boxes: usize,
    third: &str,
) -> (Constants, BTreeMap<String, Covering>) {
    let mut searches = BTreeMap::new();
    let mut coverings = BTreeMap::new();
    for q in Quantity::needed(declared) {
        let (search, covering) = cover_quantity(o, q, domain, declared, max_boxes);
        searches.insert(q, search);
        coverings.insert(q.key().to_string(), covering);
    }
    (general::constants(declared, &searches, third), coverings)
}

/// The covering search of one quantity (`enclose::search::cover`, the checker's bounds as the
/// oracle), deciding the declared values of the constants it bounds: what it establishes and the
/// covering a certificate carries.
pub fn cover_quantity(
    o: &(dyn Derivatives + Sync),
    q: Quantity,
    domain: &[(Rat, Rat)],
    declared: &BTreeMap<String, Rat>,
    max_boxes: usize,
) -> (general::Search, Covering) {
    let boxes = |b: &[(Rat, Rat)]| -> Vec<Interval> {
        b.iter().map(|(l, h)| rat_interval_to_interval(&RatInterval::new(l.clone(), h.clone()))).collect()
    };
    let thresholds = q.thresholds(declared);
    let upper = |b: &[(Rat, Rat)]| -> f64 {
        let x = boxes(b);
        if q.is_spectral() {
            spectral_bound(o, q, &x)
        } else if q.is_gap() {
            gap_bound(o, q, &x)
        } else {
            general::bound(o, q, &x, 0.0).unwrap_or(f64::INFINITY)
        }
    };
    let lower = |p: &[Rat]| -> f64 {
        let v = if q.is_spectral() { spectral_vector(o, q, p) } else { None };
        if q.is_spectral() && v.is_none() {
            return f64::NEG_INFINITY;
        }
        general::lower_at(o, q, p, v.as_deref(), gap_level(o, q, p).as_ref())
    };
    let c = cover(&upper, &lower, domain, &thresholds, max_boxes);
    let vector = if q.is_spectral() { spectral_vector(o, q, &c.search.witness) } else { None };
    let level = gap_level(o, q, &c.search.witness);
    let bounds = c.bounds.iter().map(|&b| Rat::from_float(b)).collect();
    let lower_at_witness = general::lower_at(o, q, &c.search.witness, vector.as_deref(), level.as_ref());
    // A level the counts do not show is not stored (the checker would reject it).
    let level = level.filter(|_| lower_at_witness > f64::NEG_INFINITY);
    let covering = Covering { tree: c.tree, bounds, witness: c.search.witness.clone(), vector, level };
    let s = &c.search;
    (general::Search { upper: s.upper, lower: lower_at_witness, witness: s.witness.clone(), boxes: s.boxes }, covering)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::{Claim, Status};
    use crate::exact::{parse_rat, rat};

    fn m(rows: &[&[&str]]) -> RatMatrix {
        rows.iter().map(|r| r.iter().map(|s| parse_rat(s).unwrap()).collect()).collect()
    }

    fn run(q: &RatMatrix, b: &[Rat], dom: &[(Rat, Rat)], decl: &[(&str, &str)]) -> Constants {
        let declared: BTreeMap<String, Rat> =
            decl.iter().map(|(k, v)| (k.to_string(), parse_rat(v).unwrap())).collect();
        quadratic(q, b, dom, &declared)
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
        // Indefinite: the saddle reading, μ and γ are the sides of the gap (−3, 1).
        assert_eq!(claim(&c, "constants.mu").values["derived"].to_text(), "1");
        assert_eq!(claim(&c, "constants.gamma").values["derived"].to_text(), "3");
        assert_eq!(claim(&c, "constants.gamma").values["true"].to_text(), "[3, 3]");
    }

    #[test]
    fn singular_and_degenerate_cases_do_not_panic() {
        // Q = diag(0, 1): no μ > 0 (not applicable); γ declared 0 and a zero eigenvalue.
        let q = m(&[&["0", "0"], &["0", "1"]]);
        let dom = [(rat(-1), rat(1)), (rat(-1), rat(1))];
        let c = run(&q, &[rat(0), rat(0)], &dom, &[]);
        assert_eq!(claim(&c, "constants.mu").status, Status::NotApplicable);
        let c = run(&q, &[rat(0), rat(0)], &dom, &[("gamma", "0")]);
        assert_eq!(claim(&c, "constants.gamma").status, Status::Verified);
        // All eigenvalues negative, saddle reading without μ: μ = γ/2 is derived.
        let q = m(&[&["-2", "0"], &["0", "-1"]]);
        let c = run(&q, &[rat(0), rat(0)], &dom, &[]);
        assert_eq!(claim(&c, "constants.mu").values["derived"].to_text(), "1/2");
        // Tiny positive definite: μ is certified positive (relative eigenvalue brackets).
        let q = m(&[&["1e-13", "0"], &["0", "1"]]);
        let c = run(&q, &[rat(0), rat(0)], &dom, &[]);
        assert_eq!(claim(&c, "constants.mu").values["derived"].to_text(), "1/10000000000000");
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

#[cfg(test)]
mod gap_tests {
    //! The spectral gap of non-quadratic objectives against hand-derived spectra.
    use super::*;
    use crate::claim::{Claim, Status};
    use crate::exact::{parse_rat, rat};
    use crate::objective::expression::Expression;
    use num_traits::Signed;

    /// The constants by the coverings a certificate stores (`covered_constants`), after checking
    /// that the checker verifies every covering and derives the same records from them.
    fn run(f: &str, half_width: &str, decl: &[(&str, &str)], max_boxes: usize) -> Constants {
        let obj = Expression::new(vec!["x".into(), "y".into()], f).unwrap();
        let w = parse_rat(half_width).unwrap();
        let domain = vec![(-w.clone(), w.clone()), (-w.clone(), w)];
        let declared: BTreeMap<String, Rat> =
            decl.iter().map(|(k, v)| (k.to_string(), parse_rat(v).unwrap())).collect();
        let e = obj.checked().unwrap();
        let (consts, coverings) = covered_constants(e, &domain, &declared, max_boxes, "the Frobenius norm");
        let searches = Quantity::needed(&declared)
            .into_iter()
            .map(|q| (q, general::verify(e, q, &domain, &coverings[q.key()]).unwrap()))
            .collect();
        assert_eq!(general::constants(&declared, &searches, "the Frobenius norm").claims, consts.claims);
        consts
    }

    fn claim<'a>(c: &'a Constants, id: &str) -> &'a Claim {
        c.claims.iter().find(|x| x.id == id).unwrap_or_else(|| panic!("no {id}"))
    }

    fn status(c: &Constants, name: &str) -> Status {
        claim(c, &format!("constants.{name}")).status
    }

    /// The refuted claim's witness point, and whether it lies in the box [−w, w]².
    fn witness_in_box(c: &Claim, w: &str) -> bool {
        let w = parse_rat(w).unwrap();
        (0..2).all(|i| c.witnesses.get(&format!("point_{i}")).is_some_and(|p| p.abs() <= w))
    }

    /// Exact rationals at or below and at or above cos t for |t| ≤ 1: consecutive partial sums of the
    /// alternating series Σ (−1)ᵏ t²ᵏ/(2k)! (terms decreasing), to t²⁶ (error below 1e-27).
    fn cos_bracket(t: &Rat) -> (Rat, Rat) {
        let t2 = t * t;
        let (mut term, mut sum, mut prev) = (rat(1), rat(1), rat(1));
        for k in 1..=13i64 {
            term = -term * &t2 / rat((2 * k - 1) * (2 * k));
            prev = sum.clone();
            sum += &term;
        }
        // The last term (k = 13) is negative: sum ≤ cos t ≤ prev.
        (sum, prev)
    }

    const DIAGONAL: &str = "0.5*x^2 + cos(y)";

    #[test]
    fn diagonal_saddle_gap_is_verified_and_refuted_with_witnesses() {
        // ∇²f = diag(1, −cos y), y ∈ [−1/2, 1/2]: eigenvalues 1 and −cos y ∈ [−1, −cos ½], so no
        // eigenvalue lies in (−cos ½, 1): γ* = cos ½ = 0.87758…, μ* = 1.
        let (cos_lo, cos_hi) = cos_bracket(&parse_rat("1/2").unwrap());
        assert!(cos_lo > parse_rat("0.877").unwrap() && cos_hi < parse_rat("0.878").unwrap());
        let ok = run(DIAGONAL, "1/2", &[("gamma", "0.87"), ("mu", "1"), ("L_phi", "0")], 20_000);
        assert_eq!(status(&ok, "gamma"), Status::Verified);
        assert_eq!(status(&ok, "mu"), Status::Verified);
        assert_eq!(ok.get("gamma"), Ok(&parse_rat("0.87").unwrap()));
        // The true γ* is enclosed: [proved, witness] ∋ cos ½, and narrowly.
        let t = &claim(&ok, "constants.gamma").values["true"];
        assert!(t.lo() <= &cos_lo && &cos_hi <= t.hi(), "{}", t.to_text());
        assert!(t.hi() - t.lo() < parse_rat("1e-9").unwrap());
        // γ = 0.88 > cos ½ and μ = 1.01 > 1 are refuted at a point of the box.
        let bad = run(DIAGONAL, "1/2", &[("gamma", "0.88"), ("mu", "1.01")], 20_000);
        for name in ["gamma", "mu"] {
            let c = claim(&bad, &format!("constants.{name}"));
            assert_eq!(c.status, Status::Refuted, "{name}");
            assert!(witness_in_box(c, "1/2"), "{name}: {c:?}");
        }
        // The γ witness is a point where cos y < 0.88, i.e. |y| > 0.49: check by hand (|y| = 1/2).
        let c = claim(&bad, "constants.gamma");
        let y = c.witnesses["point_1"].abs();
        assert!(cos_bracket(&y).1 < parse_rat("0.88").unwrap());
        assert!(bad.get("gamma").is_err() && bad.get("mu").is_err());
    }

    #[test]
    fn derived_mu_is_the_proved_side_and_half_gamma_without_non_negative_eigenvalues() {
        // Undeclared μ: derived at or below μ* = 1 and close to it.
        let c = run(DIAGONAL, "1/2", &[("gamma", "0.87")], 20_000);
        let mu = c.get("mu").unwrap().clone();
        assert!(mu <= rat(1) && mu > parse_rat("0.999").unwrap(), "{mu}");
        // cos x + cos y: eigenvalues −cos x, −cos y < 0 everywhere; μ = γ/2 (as for quadratics).
        let c = run("cos(x) + cos(y)", "1/2", &[("gamma", "0.87")], 20_000);
        assert_eq!(status(&c, "gamma"), Status::Verified);
        assert_eq!(claim(&c, "constants.mu").values["derived"].to_text(), "87/200");
    }

    #[test]
    fn an_unread_variable_is_an_exact_zero_eigenvalue() {
        // f = cos x reads no y: ∇²f = diag(−cos x, 0). No eigenvalue in (−γ, 0) for γ = 1/2 < cos ½,
        // and 0 lies in [0, μ) for every μ > 0: refuted at a witness (its level by the checker's
        // counts, which set the exact zero row aside).
        let c = run("cos(x)", "1/2", &[("gamma", "1/2"), ("mu", "3/10")], 20_000);
        assert_eq!(status(&c, "gamma"), Status::Verified);
        assert_eq!(status(&c, "mu"), Status::Refuted);
        assert!(claim(&c, "constants.mu").values["boxes"].to_text().parse::<usize>().unwrap() < 100);
    }

    #[test]
    fn rotated_saddle_exercises_off_diagonal_entries() {
        // u = (3x + 4y)/5, v = (3y − 4x)/5 (an exact rotation): f = u² + cos v has ∇²f = 2∇u∇uᵀ − cos v ∇v∇vᵀ,
        // with unit ∇u ⊥ ∇v, so eigenvalues 2 and −cos v, and every entry depends on v. On [−1/2, 1/2]²,
        // |v| ≤ 7/10 (at x = −y = ∓1/2): γ* = cos(7/10) = 0.76484…, μ* = 2.
        let f = "(3*x + 4*y)^2/25 + cos((3*y - 4*x)/5)";
        let (cos_lo, cos_hi) = cos_bracket(&parse_rat("7/10").unwrap());
        assert!(cos_lo > parse_rat("0.764").unwrap() && cos_hi < parse_rat("0.766").unwrap());
        let ok = run(f, "1/2", &[("gamma", "0.76"), ("mu", "1.99")], 20_000);
        assert_eq!(status(&ok, "gamma"), Status::Verified);
        assert_eq!(status(&ok, "mu"), Status::Verified);
        let t = &claim(&ok, "constants.gamma").values["true"];
        assert!(t.lo() <= &cos_lo && &cos_hi <= t.hi(), "{}", t.to_text());
        let bad = run(f, "1/2", &[("gamma", "0.77"), ("mu", "2.01")], 20_000);
        assert_eq!(status(&bad, "gamma"), Status::Refuted);
        assert_eq!(status(&bad, "mu"), Status::Refuted);
        // The γ witness has |v| large enough that cos v < 0.77, by hand.
        let c = claim(&bad, "constants.gamma");
        let (x, y) = (&c.witnesses["point_0"], &c.witnesses["point_1"]);
        let v = (rat(3) * y - rat(4) * x) / rat(5);
        assert!(cos_bracket(&v.abs()).1 < parse_rat("0.77").unwrap(), "v = {v}");
    }

    #[test]
    fn a_tiny_budget_leaves_a_close_claim_inconclusive() {
        // γ = 0.8775825618903 < cos ½ = 0.87758256189037… holds (by 8e-15): whatever one box
        // proves, the claim must not be refuted.
        let (cos_lo, _) = cos_bracket(&parse_rat("1/2").unwrap());
        assert!(parse_rat("0.8775825618903").unwrap() < cos_lo);
        let c = run(DIAGONAL, "1/2", &[("gamma", "0.8775825618903"), ("mu", "1")], 1);
        assert_ne!(claim(&c, "constants.gamma").status, Status::Refuted);
        // A coupled objective with a straddling enclosure on the root box: inconclusive, not a verdict.
        let f = "(3*x + 4*y)^2/25 + cos((3*y - 4*x)/5)";
        let c = run(f, "1/2", &[("gamma", "0.7648"), ("mu", "1.9999")], 1);
        assert_eq!(status(&c, "mu"), Status::Inconclusive);
        assert!(claim(&c, "constants.mu").reason.as_deref().unwrap().contains("enclosure too wide"));
    }
}
