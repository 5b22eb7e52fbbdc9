//! The constants of expression objectives — (H1), (H2) of 000, Assumption 1 of 004, the spectral
//! gap of 000 Thm 3 — from coverings of the domain box: sup ‖∇f‖ (ℓ, B₀), sup ‖∇²f‖₂ (L, B₁),
//! sup −λ_min(∇²f) (−μ), sup ‖D³f‖ (B₂), and in the saddle reading (γ declared) the two edges of
//! the gap, sup λ₋(∇²f) (−γ) and sup −λ₊(∇²f) (−μ).
//!
//! # Evidence: a covering per quantity
//! The engine searches by bisection; the certificate stores the result ([`Covering`]): the bisection
//! tree in pre-order (−1 a leaf, k ≥ 0 a split of coordinate k at the exact midpoint, so the leaves
//! cover the box by construction), a bound per leaf, and a witness point (with, for the eigenvalue
//! quantities, a vector). The checker evaluates each leaf once with its own automatic differentiation
//! (`crate::expression`), without subdivision:
//! * ‖∇f‖, ‖D³f‖: the interval value on the leaf must be below the stored bound (‖D³f‖ by the
//!   Frobenius norm, which bounds the trilinear form's operator norm);
//! * ‖∇²f‖₂ ≤ σ and −λ_min(∇²f) ≤ σ: the Gershgorin bound of the interval Hessian H (exact where
//!   H is diagonal), or, with H = M ± R on the leaf and ρ ≥ ‖R‖₂ (largest row sum of the radii),
//!   (σ − ρ)I ∓ M ≻ 0, resp. M + (σ − ρ)I ≻ 0, by interval Cholesky (Weyl: every symmetric member
//!   has its spectrum within ρ of M's).
//! * λ₋ ≤ b (the largest negative eigenvalue) and −λ₊ ≤ b (λ₊ the smallest non-negative one): no
//!   eigenvalue in (b, 0), resp. [0, −b): every Gershgorin disc of H avoids that interval, or the
//!   inertia counts of the interval matrices H − bI and H (resp. H and H + bI) agree, both regular
//!   ([`IMat::inertia`]). b = [`NO_EIGENVALUE`] says that there is no eigenvalue on that side of 0
//!   at all, shown by Gershgorin discs or the inertia count at 0.
//!
//! The supremum is then at most the largest stored bound; at the witness point it is at least the
//! lower end of ‖∇f(x*)‖, of |vᵀ∇²f(x*)v|/vᵀv (resp. −vᵀ∇²f(x*)v/vᵀv) or of maxᵢ |∂³f/∂xᵢ³(x*)|,
//! and, for the gap edges, the stored `level` w when the inertia counts at w and 0 (resp. 0 and −w)
//! of ∇²f(x*) differ: an eigenvalue lies in [w, 0), resp. [0, −w).
//! An objective not defined and smooth on a leaf has no bound there: the constant is inconclusive.
//!
//! Enclosure: rigorous.

use super::constants::{Constants, Decision};
use crate::claim::{Claim, Rel};
use crate::exact::{fmt_rat, parse_rat, rat, Rat, RatInterval};
use crate::expression::{Expression, Ival};
use crate::interval::{as_f64, exact, norm2, point, rat_interval_to_interval, rat_to_interval, IMat};
use inari::Interval;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;

/// A quantity whose supremum over the domain a constant bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quantity {
    /// ‖∇f(x)‖ (ℓ, B₀).
    GradNorm,
    /// ‖∇²f(x)‖₂ (L, B₁).
    HessNorm,
    /// −λ_min(∇²f(x)) (−μ).
    NegLambdaMin,
    /// ‖D³f(x)‖ (B₂).
    ThirdNorm,
    /// max(λ₋(∇²f(x)), [`NO_EIGENVALUE`]), λ₋ the largest negative eigenvalue (−γ, saddle reading).
    GapLower,
    /// max(−λ₊(∇²f(x)), [`NO_EIGENVALUE`]), λ₊ the smallest non-negative eigenvalue (−μ, saddle
    /// reading).
    GapUpper,
}

/// Stands for "no such eigenvalue" in the gap edges: a finite value at or below every other, so
/// that a covering can carry it.
pub const NO_EIGENVALUE: f64 = -f64::MAX;

impl Quantity {
    /// The quantities whose coverings the constants of `declared` read: with γ declared (the saddle
    /// reading) the gap edges replace −λ_min.
    pub fn needed(declared: &BTreeMap<String, Rat>) -> Vec<Quantity> {
        let mut q = vec![Quantity::GradNorm, Quantity::HessNorm];
        if declared.contains_key("gamma") {
            q.extend([Quantity::GapLower, Quantity::GapUpper]);
        } else {
            q.push(Quantity::NegLambdaMin);
        }
        q.push(Quantity::ThirdNorm);
        q
    }

    /// The evidence key.
    pub fn key(self) -> &'static str {
        match self {
            Quantity::GradNorm => "grad_norm",
            Quantity::HessNorm => "hess_norm",
            Quantity::NegLambdaMin => "neg_lambda_min",
            Quantity::ThirdNorm => "third_norm",
            Quantity::GapLower => "gap_lower",
            Quantity::GapUpper => "gap_upper",
        }
    }

    /// The quantity as a formula.
    pub fn symbol(self) -> &'static str {
        match self {
            Quantity::GradNorm => "‖∇f‖",
            Quantity::HessNorm => "‖∇²f‖₂",
            Quantity::NegLambdaMin => "−λ_min(∇²f)",
            Quantity::ThirdNorm => "‖D³f‖",
            Quantity::GapLower => "λ₋(∇²f)",
            Quantity::GapUpper => "−λ₊(∇²f)",
        }
    }

    /// The constants a search of this quantity decides.
    pub fn decides(self) -> &'static [&'static str] {
        match self {
            Quantity::GradNorm => &["ell", "B0"],
            Quantity::HessNorm => &["L", "B1"],
            Quantity::NegLambdaMin | Quantity::GapUpper => &["mu"],
            Quantity::ThirdNorm => &["B2"],
            Quantity::GapLower => &["gamma"],
        }
    }

    /// The thresholds of a search of this quantity: the declared constants it decides, on its scale
    /// (negated for −λ_min and the gap edges).
    pub fn thresholds(self, declared: &BTreeMap<String, Rat>) -> Vec<Rat> {
        let negated = matches!(self, Quantity::NegLambdaMin | Quantity::GapLower | Quantity::GapUpper);
        let on_scale = |v: &Rat| if negated { -v.clone() } else { v.clone() };
        self.decides().iter().filter_map(|n| declared.get(*n)).map(on_scale).collect()
    }

    /// Whether a leaf bound is a proposed shift verified by Cholesky (else computed directly).
    pub fn is_spectral(self) -> bool {
        matches!(self, Quantity::HessNorm | Quantity::NegLambdaMin)
    }

    /// Whether this is an edge of the spectral gap (a leaf bound verified by inertia counts, a
    /// witness with its level).
    pub fn is_gap(self) -> bool {
        matches!(self, Quantity::GapLower | Quantity::GapUpper)
    }

    /// The shifts [s, t) that a bound or level b of a gap edge speaks of: [b, 0) for λ₋, [0, −b)
    /// for −λ₊.
    fn gap_shifts(self, b: f64) -> (f64, f64) {
        match self {
            Quantity::GapLower => (b, 0.0),
            _ => (0.0, -b),
        }
    }
}

/// Whether every Gershgorin disc of H (every eigenvalue of every member lies in their union) avoids
/// the gap an edge bound speaks of: (s, 0) for λ₋ (b = s), [0, t) for −λ₊ (b = −t). Enclosure:
/// rigorous.
fn gershgorin_avoids(h: &IMat, q: Quantity, s: f64, t: f64) -> bool {
    (0..h.rows).all(|i| {
        let (lo, hi) = disc(h, i);
        match q {
            Quantity::GapLower => hi <= s || lo >= 0.0,
            _ => hi < 0.0 || lo >= t,
        }
    })
}

/// Whether no member of H has an eigenvalue in (s, 0) (λ₋, s = b), resp. [0, t) (−λ₊, t = −b),
/// by the counts at both ends. Enclosure: rigorous.
fn gap_free(h: &IMat, q: Quantity, s: f64, t: f64) -> bool {
    let (Some((below_s, at_most_s)), Some(below_t)) = (counts(h, s), below(h, t)) else { return false };
    match q {
        Quantity::GapLower => at_most_s == below_t,
        _ => below_s == below_t,
    }
}

/// The i-th Gershgorin disc of H (every entry bounded), as an interval's ends. Enclosure: rigorous.
fn disc(h: &IMat, i: usize) -> (f64, f64) {
    let r = (0..h.rows).filter(|&j| j != i).fold(point(0.0), |acc, j| acc + point(h.at(i, j).mag()));
    ((point(h.at(i, i).inf()) - r).inf(), (point(h.at(i, i).sup()) + r).sup())
}

/// Whether no member of H has an eigenvalue on the side of 0 that the edge `q` reads: none
/// negative (λ₋) or none non-negative (−λ₊), by Gershgorin discs or the inertia count at 0 (H
/// regular). Enclosure: rigorous.
fn none_on_its_side(h: &IMat, q: Quantity) -> bool {
    let n = h.rows;
    match q {
        Quantity::GapLower => (0..n).all(|i| disc(h, i).0 >= 0.0) || below(h, 0.0) == Some(0),
        _ => (0..n).all(|i| disc(h, i).1 < 0.0) || below(h, 0.0) == Some(n),
    }
}

/// The numbers of eigenvalues below s and at or below s, the same for every member of H; `None`
/// when not shown. A row and column of H − sI whose entries are all exactly 0 give the eigenvalue
/// s to every member (A = P diag(A′, 0) Pᵀ, so In(A) = In(A′) + one zero: an objective that does
/// not depend on a variable); the rest must be regular ([`IMat::inertia`]). Enclosure: rigorous.
fn counts(h: &IMat, s: f64) -> Option<(usize, usize)> {
    let n = h.rows;
    let a: Vec<Interval> = (0..n * n).map(|k| if k / n == k % n { h.a[k] - point(s) } else { h.a[k] }).collect();
    let zero = |x: &Interval| x.is_singleton() && x.inf() == 0.0;
    let keep: Vec<usize> = (0..n).filter(|&i| !(0..n).all(|j| zero(&a[i * n + j]))).collect();
    let rest = keep.iter().flat_map(|&i| keep.iter().map(move |&j| (i, j))).map(|(i, j)| a[i * n + j]).collect();
    let (neg, _) = IMat { rows: keep.len(), cols: keep.len(), a: rest }.inertia()?;
    Some((neg, neg + n - keep.len()))
}

/// The number of eigenvalues below s of every member of H ([`counts`]).
fn below(h: &IMat, s: f64) -> Option<usize> {
    counts(h, s).map(|c| c.0)
}

/// What the constants read of an objective on a box: the enclosures each quantity's bound and
/// witness come from. Expressions give them by automatic differentiation, datasets by their
/// structure (`crate::dataset`).
pub trait Derivatives {
    /// An enclosure of ‖∇f(x)‖ over the box (`None` where f is not smooth on it).
    fn grad_norm(&self, x: &[Interval]) -> Option<Interval>;

    /// [lo, hi] with hi ≥ ‖D³f(x)‖ (the trilinear form's operator norm) at every x in the box and
    /// lo ≤ maxⱼ |∂³f/∂xⱼ³(x)| at every x in it (at a point, a lower bound of the norm); `None`
    /// where f is not smooth on the box.
    fn third_norm(&self, x: &[Interval]) -> Option<Interval>;

    /// The interval Hessian on the box, every entry bounded (`None` where f is not smooth on it or
    /// an entry overflows).
    fn hessian(&self, x: &[Interval]) -> Option<IMat>;

    /// [lo, hi] holding every eigenvalue of ∇²f(x), x in the box, from the objective's structure
    /// (by default nothing: the whole line).
    fn eigen_hull(&self, _x: &[Interval]) -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }
}

impl Derivatives for Expression {
    /// ‖interval ∇f‖₂ by forward-mode automatic differentiation.
    fn grad_norm(&self, x: &[Interval]) -> Option<Interval> {
        let xs: Vec<Ival> = x.iter().map(|&v| Ival::new(v)).collect();
        let g = self.gradient(&xs);
        g.iter().all(|v| v.defined).then(|| norm2(&g.iter().map(|v| v.iv).collect::<Vec<_>>()))
    }

    /// Upper end: the Frobenius norm of the interval third derivative; lower end: the largest
    /// mignitude of a diagonal entry ∂³f/∂xⱼ³.
    fn third_norm(&self, x: &[Interval]) -> Option<Interval> {
        let xs: Vec<Ival> = x.iter().map(|&v| Ival::new(v)).collect();
        let t = self.third(&xs);
        if !t.iter().all(|p| p.value.defined) {
            return None;
        }
        let hi = t.iter().fold(point(0.0), |s, p| s + p.value.iv.sqr() * point(f64::from(p.multiplicity))).sqrt().sup();
        let diag = t.iter().filter(|p| p.index.0 == p.index.1 && p.index.1 == p.index.2);
        let lo = diag.fold(0.0f64, |m, p| m.max(p.value.iv.mig()));
        Interval::try_from((lo.min(hi), hi)).ok()
    }

    /// The interval Hessian by forward-mode automatic differentiation.
    fn hessian(&self, x: &[Interval]) -> Option<IMat> {
        let xs: Vec<Ival> = x.iter().map(|&v| Ival::new(v)).collect();
        let h = Expression::hessian(self, &xs);
        let d = x.len();
        h.iter().flatten().all(|v| v.defined && v.iv.is_common_interval()).then(|| IMat {
            rows: d,
            cols: d,
            a: h.iter().flatten().map(|v| v.iv).collect(),
        })
    }
}

/// M = mid H and ρ ≥ ‖H − M‖₂ (the largest row sum of the radii, rounded up).
fn split(h: &IMat) -> (IMat, f64) {
    let m = IMat { rows: h.rows, cols: h.cols, a: h.a.iter().map(|x| point(x.mid())).collect() };
    let rho =
        (0..h.rows).map(|i| (0..h.cols).fold(point(0.0), |s, j| s + point(h.at(i, j).rad())).sup()).fold(0.0, f64::max);
    (m, rho)
}

/// σ·I + s·M ≻ 0 (s = ±1), every entry of M a point. Enclosure: rigorous.
fn shifted_pd(m: &IMat, sigma: Interval, s: f64) -> bool {
    let n = m.rows;
    let a = (0..n * n).map(|k| point(s) * m.a[k] + if k / n == k % n { sigma } else { point(0.0) }).collect();
    IMat { rows: n, cols: n, a }.is_positive_definite()
}

/// A bound of the spectral quantity `q` (‖∇²f‖₂ or −λ_min) over the interval Hessian `h`: the
/// smaller of its Gershgorin bound and the proposed `hint` σ when it verifies (Weyl and Cholesky).
/// Enclosure: rigorous.
fn spectral_bound(h: &IMat, q: Quantity, hint: f64) -> f64 {
    // Gershgorin on the interval matrix itself (exact where H is diagonal) …
    let gershgorin = (0..h.rows)
        .map(|i| {
            let (lo, hi) = disc(h, i);
            if q == Quantity::HessNorm {
                hi.max(-lo)
            } else {
                -lo
            }
        })
        .fold(f64::NEG_INFINITY, f64::max);
    // … or the proposed σ, by Weyl and Cholesky.
    let (m, rho) = split(h);
    let margin = point(hint) - point(rho);
    let ok = hint.is_finite()
        && match q {
            Quantity::HessNorm => shifted_pd(&m, margin, -1.0) && shifted_pd(&m, margin, 1.0),
            _ => shifted_pd(&m, margin, 1.0),
        };
    if ok {
        gershgorin.min(hint)
    } else {
        gershgorin
    }
}

/// A bound of `q` on the box `x`: computed for ‖∇f‖ and ‖D³f‖; for the spectral quantities the
/// smallest of the structural bound ([`Derivatives::eigen_hull`]), the Gershgorin bound of the
/// interval Hessian and the proposed `hint` σ when it verifies; for the gap edges the proposed
/// `hint` b when the inertia counts at its two shifts agree, else 0 (both edges are ≤ 0). `None`
/// when f is not smooth on the box.
///
/// Enclosure: rigorous (an upper bound of q at every point of the box).
pub fn bound(o: &dyn Derivatives, q: Quantity, x: &[Interval], hint: f64) -> Option<f64> {
    match q {
        Quantity::GradNorm => o.grad_norm(x).map(|v| v.sup()),
        Quantity::ThirdNorm => o.third_norm(x).map(|v| v.sup()),
        Quantity::HessNorm | Quantity::NegLambdaMin => spectral_bounds(o, q, x, &[hint]).map(|b| b[0]),
        Quantity::GapLower | Quantity::GapUpper => Some(gap_bound(&o.hessian(x)?, q, hint)),
    }
}

/// [`bound`] of a spectral quantity (‖∇²f‖₂, −λ_min) at each proposed shift of `hints`, the
/// interval Hessian and the structural bound computed once. `None` when f is not smooth on the box.
///
/// Enclosure: rigorous (each an upper bound of q at every point of the box).
pub fn spectral_bounds(o: &dyn Derivatives, q: Quantity, x: &[Interval], hints: &[f64]) -> Option<Vec<f64>> {
    let (lo, hi) = o.eigen_hull(x);
    let structural = if q == Quantity::HessNorm { hi.max(-lo) } else { -lo };
    match o.hessian(x) {
        Some(h) => Some(hints.iter().map(|&s| spectral_bound(&h, q, s).min(structural)).collect()),
        None => structural.is_finite().then(|| vec![structural; hints.len()]),
    }
}

/// The bound of the gap edge `q` over the interval Hessian `h` of a box: the proposed `hint` b when
/// it holds (no eigenvalue in (b, 0), resp. [0, −b), by Gershgorin discs or the counts at both
/// ends; for b = [`NO_EIGENVALUE`], none on that side of 0), else 0 (both edges are ≤ 0).
///
/// Enclosure: rigorous (an upper bound of q at every member).
pub fn gap_bound(h: &IMat, q: Quantity, hint: f64) -> f64 {
    if hint <= NO_EIGENVALUE {
        return if none_on_its_side(h, q) { NO_EIGENVALUE } else { 0.0 };
    }
    let (s, t) = q.gap_shifts(hint);
    let shown = hint < 0.0 && (gershgorin_avoids(h, q, s, t) || gap_free(h, q, s, t));
    if shown {
        hint
    } else {
        0.0
    }
}

/// A lower bound of `q` at the exact point `p` (for the spectral quantities with the vector `v`: a
/// Rayleigh quotient; for the gap edges the level `w`, returned when the inertia counts of ∇²f(p)
/// at its two shifts differ), −∞ when not enclosed. Enclosure: rigorous.
pub fn lower_at(o: &dyn Derivatives, q: Quantity, p: &[Rat], v: Option<&[Rat]>, w: Option<&Rat>) -> f64 {
    let x: Vec<Interval> = p.iter().map(rat_to_interval).collect();
    let value = match q {
        Quantity::GradNorm => o.grad_norm(&x),
        Quantity::ThirdNorm => o.third_norm(&x).map(|t| point(t.inf())),
        Quantity::HessNorm | Quantity::NegLambdaMin => (|| {
            let h = o.hessian(&x)?;
            let v: Vec<Interval> = v.filter(|v| v.len() == h.rows)?.iter().map(rat_to_interval).collect();
            let hv = h.mul_vec(&v);
            let num = v.iter().zip(&hv).fold(point(0.0), |s, (&a, &b)| s + a * b);
            let den = v.iter().fold(point(0.0), |s, a| s + a.sqr());
            let r = num / den;
            Some(if q == Quantity::HessNorm { r.abs() } else { -r })
        })(),
        Quantity::GapLower | Quantity::GapUpper => (|| {
            let h = o.hessian(&x)?;
            let w = as_f64(w?)?;
            let (s, t) = q.gap_shifts(w);
            (w < 0.0 && below(&h, s)? < below(&h, t)?).then(|| point(w))
        })(),
    };
    value.filter(|v| !v.is_empty()).map_or(f64::NEG_INFINITY, |v| v.inf())
}

/// The evidence of one search: the bisection tree, a bound per leaf, a witness point (and vector).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Covering {
    /// Pre-order: −1 a leaf, k ≥ 0 a split of coordinate k at the exact midpoint.
    pub tree: Vec<i64>,
    /// One bound per leaf, in pre-order (exact `f64`s); `None` (JSON `null`) where the engine found
    /// none (f not smooth on the leaf), which makes the supremum unbounded.
    pub bounds: Vec<Option<Rat>>,
    /// The witness point x* in the domain.
    pub witness: Vec<Rat>,
    /// For the spectral quantities: v with the Rayleigh quotient at x*.
    pub vector: Option<Vec<Rat>>,
    /// For the gap edges: the level w (an exact `f64`) that x* proves, an eigenvalue of ∇²f(x*) in
    /// [w, 0), resp. [0, −w).
    pub level: Option<Rat>,
}

impl Covering {
    /// As JSON.
    pub fn to_json(&self) -> Json {
        let v = |x: &[Rat]| Json::Array(x.iter().map(|r| json!(fmt_rat(r))).collect());
        let mut m = serde_json::Map::new();
        m.insert("tree".into(), json!(self.tree));
        let bounds = self.bounds.iter().map(|b| b.as_ref().map_or(Json::Null, |r| json!(fmt_rat(r)))).collect();
        m.insert("bounds".into(), Json::Array(bounds));
        m.insert("witness".into(), v(&self.witness));
        if let Some(x) = &self.vector {
            m.insert("vector".into(), v(x));
        }
        if let Some(w) = &self.level {
            m.insert("level".into(), json!(fmt_rat(w)));
        }
        Json::Object(m)
    }

    /// Inverse of [`Covering::to_json`].
    pub fn from_json(j: &Json) -> Result<Covering, String> {
        let keys = ["tree", "bounds", "witness", "vector", "level"];
        if let Some(k) = j.as_object().ok_or("expected an object")?.keys().find(|k| !keys.contains(&k.as_str())) {
            return Err(format!("unknown field {k}"));
        }
        let rats = |k: &str| -> Result<Vec<Rat>, String> {
            j[k].as_array()
                .ok_or(format!("missing {k}"))?
                .iter()
                .map(|x| x.as_str().and_then(|s| parse_rat(s).ok()).ok_or(format!("{k}: bad number {x}")))
                .collect()
        };
        let tree = j["tree"]
            .as_array()
            .ok_or("missing tree")?
            .iter()
            .map(|t| t.as_i64().ok_or("tree: not an integer"))
            .collect::<Result<_, _>>()?;
        let vector = if j.get("vector").is_some() { Some(rats("vector")?) } else { None };
        let level = match j.get("level") {
            None => None,
            Some(x) => Some(x.as_str().and_then(|s| parse_rat(s).ok()).ok_or(format!("level: bad number {x}"))?),
        };
        let bounds = j["bounds"]
            .as_array()
            .ok_or("missing bounds")?
            .iter()
            .map(|x| match x {
                Json::Null => Ok(None),
                _ => x.as_str().and_then(|s| parse_rat(s).ok()).map(Some).ok_or(format!("bounds: bad number {x}")),
            })
            .collect::<Result<_, String>>()?;
        Ok(Covering { tree, bounds, witness: rats("witness")?, vector, level })
    }
}

/// What a verified covering establishes about sup q over the domain.
#[derive(Clone, Debug, PartialEq)]
pub struct Search {
    /// sup ≤ `upper` (+∞ when a leaf has no bound).
    pub upper: f64,
    /// q at `witness` ≥ `lower`.
    pub lower: f64,
    /// The witness point.
    pub witness: Vec<Rat>,
    /// Boxes evaluated (the tree's nodes).
    pub boxes: usize,
}

/// Walks the tree over the domain, calling `leaf(box, index)` on each leaf in pre-order. `Err`
/// when the tree is malformed (a coordinate out of range, a split of a degenerate side, leaves
/// missing or left over).
pub fn leaves(
    tree: &[i64],
    domain: &[(Rat, Rat)],
    mut leaf: impl FnMut(&[(Rat, Rat)], usize) -> Result<(), String>,
) -> Result<usize, String> {
    let mut stack: Vec<Vec<(Rat, Rat)>> = vec![domain.to_vec()];
    let (mut pos, mut count) = (0usize, 0usize);
    while let Some(b) = stack.pop() {
        let &node = tree.get(pos).ok_or("the tree ends before every box is a leaf")?;
        pos += 1;
        if node < 0 {
            leaf(&b, count)?;
            count += 1;
            continue;
        }
        let k = usize::try_from(node).ok().filter(|&k| k < b.len()).ok_or(format!("split of coordinate {node}"))?;
        if b[k].0 >= b[k].1 {
            return Err(format!("split of a degenerate side (coordinate {k})"));
        }
        let mid = (&b[k].0 + &b[k].1) / rat(2);
        let (mut lo, mut hi) = (b.clone(), b);
        lo[k].1 = mid.clone();
        hi[k].0 = mid;
        stack.push(hi);
        stack.push(lo);
    }
    if pos != tree.len() {
        return Err("the tree has nodes beyond its leaves".into());
    }
    Ok(count)
}

/// Verifies a covering of `q` over `domain` and returns what it establishes.
pub fn verify(o: &dyn Derivatives, q: Quantity, domain: &[(Rat, Rat)], c: &Covering) -> Result<Search, String> {
    let leaves_n = leaves(&c.tree, domain, |b, i| {
        let Some(stored) = c.bounds.get(i).ok_or("fewer bounds than leaves")? else { return Ok(()) };
        let x: Vec<Interval> =
            b.iter().map(|(l, h)| rat_interval_to_interval(&RatInterval::new(l.clone(), h.clone()))).collect();
        let s = as_f64(stored).ok_or(format!("bound {i} is not an f64"))?;
        match bound(o, q, &x, s) {
            Some(v) if v <= s => Ok(()),
            _ => Err(format!("the bound {} of leaf {i} does not hold ({})", fmt_rat(stored), q.key())),
        }
    })?;
    if leaves_n != c.bounds.len() {
        return Err("more bounds than leaves".into());
    }
    if c.witness.len() != domain.len() || c.witness.iter().zip(domain).any(|(x, (l, h))| x < l || x > h) {
        return Err("the witness point is not in the domain".into());
    }
    // A spectral covering without a vector (the Hessian not enclosed at the witness) proves no
    // lower end.
    if !q.is_spectral() && c.vector.is_some() {
        return Err("a witness vector goes with the spectral quantities only".into());
    }
    if c.vector.as_ref().is_some_and(|v| v.len() != domain.len()) {
        return Err(format!("the witness vector needs {} entries", domain.len()));
    }
    if !q.is_gap() && c.level.is_some() {
        return Err("a witness level goes with the gap edges only".into());
    }
    let upper =
        c.bounds.iter().map(|b| b.as_ref().and_then(as_f64).unwrap_or(f64::INFINITY)).fold(f64::NEG_INFINITY, f64::max);
    let lower = lower_at(o, q, &c.witness, c.vector.as_deref(), c.level.as_ref());
    if c.level.is_some() && lower == f64::NEG_INFINITY {
        return Err("the witness level is not shown at the witness point (inertia counts)".into());
    }
    Ok(Search { upper, lower, witness: c.witness.clone(), boxes: c.tree.len() })
}

/// What a statement adds for constants enclosed on a covering.
const COVERED: &str = "interval enclosure on a covering of the domain box by bisection; the certificate stores the \
                       covering, a bound per box and the witness, and check evaluates every box once";

fn witness_point(c: &mut Claim, p: &[Rat]) {
    for (i, x) in p.iter().enumerate() {
        c.witness(&format!("point_{i}"), x.clone());
    }
}

/// Records the claim on `name` as inconclusive: its quantity has no bound on some box.
fn unbounded(out: &mut Constants, declared: &BTreeMap<String, Rat>, name: &str, statement: String, boxes: usize) {
    let mut c = Claim::new(&format!("constants.{name}"), statement);
    if let Some(v) = declared.get(name) {
        c.value("declared", v.clone());
    }
    c.reason =
        Some(format!("enclosure unbounded after {boxes} boxes: the objective may not be smooth on the domain box"));
    out.record(c);
}

/// A constant bounded by sup q over the domain (ℓ, B₀, L, B₁, B₂).
fn sup_constant(
    out: &mut Constants,
    declared: &BTreeMap<String, Rat>,
    (name, what): (&'static str, &str),
    q: Quantity,
    s: &Search,
    how: &str,
) {
    let statement = format!("{what} on the domain box ({how})");
    let (Some(upper), Some(lower)) = (exact(s.upper), exact(s.lower.max(0.0))) else {
        return unbounded(out, declared, name, statement, s.boxes);
    };
    let mut d = Decision::new(name, statement, declared, || (upper.clone(), lower.clone()));
    let lower = lower.min(upper.clone());
    d.claim.enclosed("true", RatInterval::new(lower.clone(), upper.clone()));
    d.claim.value("boxes", rat(s.boxes as i64));
    let v = d.used.clone();
    let sym = q.symbol();
    if upper <= v {
        d.claim.check(format!("sup over the domain of {sym} (enclosure) <= {name}"), upper, Rel::Le, v);
    } else if lower > v {
        witness_point(&mut d.claim, &s.witness);
        d.claim.check(
            format!("{sym} at the witness point x* (lower end of its enclosure) <= {name}"),
            lower,
            Rel::Le,
            v,
        );
    } else {
        return d.too_wide(out, &format!("sup {sym}"), &lower, &upper, name, s.boxes);
    }
    d.finish(out);
}

/// μ of (H2): inf λ_min(∇²f) over the domain ≥ μ, from the search of −λ_min.
fn mu_constant(out: &mut Constants, declared: &BTreeMap<String, Rat>, s: &Search, how: &str) {
    let statement = format!("(H2) of 000: f is μ-strongly convex on the domain box, λ_min(∇²f) ≥ μ ({how})");
    let (Some(inf_lo), Some(at_witness)) = (exact(-s.upper), exact(-s.lower)) else {
        let mut c = Claim::new("constants.mu", statement);
        if let Some(v) = declared.get("mu") {
            c.value("declared", v.clone());
        }
        c.reason = Some(format!("enclosure unbounded after {} boxes", s.boxes));
        out.record(c);
        return;
    };
    let at_witness = at_witness.max(inf_lo.clone());
    let truth = RatInterval::new(inf_lo.clone(), at_witness.clone());
    let zero = Rat::from_integer(0.into());
    if !declared.contains_key("mu") && inf_lo <= zero {
        let mut c = Claim::new("constants.mu", statement);
        c.enclosed("true", truth);
        c.value("boxes", rat(s.boxes as i64));
        if at_witness <= zero {
            witness_point(&mut c, &s.witness);
            let why = format!(
                "f is not strongly convex on the domain: λ_min(∇²f(x*)) <= {} at the witness point",
                fmt_rat(&at_witness)
            );
            out.record(c.not_applicable(why));
        } else {
            c.reason = Some("enclosure too wide to show inf λ_min(∇²f) > 0 (raise budget.max_boxes)".into());
            out.record(c);
        }
        return;
    }
    let mut d = Decision::new("mu", statement, declared, || (inf_lo.clone(), at_witness.clone()));
    d.claim.enclosed("true", truth);
    d.claim.value("boxes", rat(s.boxes as i64));
    let v = d.used.clone();
    if v <= inf_lo {
        d.claim.check("mu <= inf over the domain of λ_min(∇²f) (enclosure)", v, Rel::Le, inf_lo);
    } else if at_witness < v {
        witness_point(&mut d.claim, &s.witness);
        d.claim.check("mu <= λ_min(∇²f(x*)) at the witness point (upper end of its enclosure)", v, Rel::Le, at_witness);
    } else {
        return d.too_wide(out, "inf λ_min(∇²f)", &inf_lo, &at_witness, "mu", s.boxes);
    }
    d.finish(out);
}

/// The two sides of the spectral gap of 000 Thm 3 (the saddle reading, γ declared): no eigenvalue
/// of ∇²f(x) in (−γ, 0) (`constants.gamma`) nor in [0, μ) (`constants.mu`) at any x of the domain
/// box. With λ₋(x) the largest negative and λ₊(x) the smallest non-negative eigenvalue of ∇²f(x),
/// the best constants are
///
/// > γ* = inf_x (−λ₋(x)) = −sup λ₋,  μ* = inf_x λ₊(x) = −sup(−λ₊),  (E)
///
/// bracketed by the gap coverings: the lower ends are proved (γ*, μ* ≥ 0 by definition), the upper
/// ends come from the witness x* with its level. An undeclared μ is derived as the proved lower
/// end; when no eigenvalue is ≥ 0 anywhere every μ works and, as for quadratics, μ = γ/2 is
/// derived (Thm 3 uses min{γ/2, μ}).
fn gap_constants(out: &mut Constants, declared: &BTreeMap<String, Rat>, (lower, upper): (&Search, &Search), how: &str) {
    let gamma = declared.get("gamma").cloned().unwrap_or_else(|| rat(0));
    for (name, s) in [("gamma", lower), ("mu", upper)] {
        let (side, interval, edge) = match name {
            "gamma" => ("lower", "(−γ, 0)", "−λ₋(∇²f)"),
            _ => ("upper", "[0, μ)", "λ₊(∇²f)"),
        };
        let statement =
            format!("Thm 3 of 000: no eigenvalue of ∇²f in {interval} on the domain box ({side} side of the spectral gap; {how})");
        let Some(sup) = exact(s.upper) else {
            unbounded(out, declared, name, statement, s.boxes);
            continue;
        };
        // No eigenvalue on that side of 0 anywhere: every value works (μ = γ/2 when derived).
        if s.upper <= NO_EIGENVALUE {
            let half_gamma = &gamma / rat(2);
            let mut d = Decision::new(name, statement, declared, || (half_gamma.clone(), half_gamma.clone()));
            d.claim.value("boxes", rat(s.boxes as i64));
            let which = if name == "gamma" { "negative" } else { "non-negative" };
            d.claim.check(format!("boxes where ∇²f may have a {which} eigenvalue = 0"), rat(0), Rel::Le, rat(0));
            d.finish(out);
            continue;
        }
        // (E): the best constant is at least −sup (and at least 0), at most −level (the witness).
        let proved = (-sup).max(rat(0));
        let at_witness = (s.lower > NO_EIGENVALUE).then(|| exact(-s.lower)).flatten().map(|w| w.max(proved.clone()));
        // Favourable end of a derived μ: the witness, else γ/2 (Thm 3 does not see μ beyond γ/2).
        let favourable = at_witness.clone().unwrap_or_else(|| (&gamma / rat(2)).max(proved.clone()));
        let mut d = Decision::new(name, statement, declared, || (proved.clone(), favourable.clone()));
        if let Some(w) = &at_witness {
            d.claim.enclosed("true", RatInterval::new(proved.clone(), w.clone()));
        }
        d.claim.value("boxes", rat(s.boxes as i64));
        let v = d.used.clone();
        if v <= proved {
            d.claim.check(format!("{name} <= inf over the domain of {edge} (enclosure)"), v, Rel::Le, proved);
        } else if let Some(w) = at_witness.clone().filter(|w| w < &v) {
            witness_point(&mut d.claim, &s.witness);
            d.claim.check(
                format!("{name} <= {edge} at the witness point x* (an eigenvalue of ∇²f(x*) lies in {interval})"),
                v,
                Rel::Le,
                w,
            );
        } else {
            match at_witness {
                Some(w) => {
                    d.too_wide(out, &format!("inf {edge}"), &proved, &w, name, s.boxes);
                    continue;
                }
                None => {
                    let mut c = d.claim.clone();
                    c.reason = Some(format!(
                        "enclosure too wide: inf {edge} >= {} does not reach {name}, and no point with an eigenvalue \
                         certainly in {interval} was found after {} boxes (raise budget.max_boxes)",
                        fmt_rat(&proved),
                        s.boxes
                    ));
                    d.push(out, c);
                    continue;
                }
            }
        }
        d.finish(out);
    }
}

/// Every constant claim of a non-quadratic objective, from the verified coverings of the
/// quantities [`Quantity::needed`] names (`third` says what bounds the operator norm of D³f).
pub fn constants(declared: &BTreeMap<String, Rat>, s: &BTreeMap<Quantity, Search>, third: &str) -> Constants {
    let mut out = Constants::empty();
    let saddle = declared.contains_key("gamma");
    let (g, h, t) = (&s[&Quantity::GradNorm], &s[&Quantity::HessNorm], &s[&Quantity::ThirdNorm]);
    sup_constant(&mut out, declared, ("L", "(H1) of 000: ‖∇²f‖₂ ≤ L"), Quantity::HessNorm, h, COVERED);
    sup_constant(&mut out, declared, ("B1", "Assumption 1 of 004: ‖D²Φ‖ ≤ B₁"), Quantity::HessNorm, h, COVERED);
    if saddle {
        gap_constants(&mut out, declared, (&s[&Quantity::GapLower], &s[&Quantity::GapUpper]), COVERED);
    } else {
        mu_constant(&mut out, declared, &s[&Quantity::NegLambdaMin], COVERED);
    }
    sup_constant(&mut out, declared, ("ell", "(H1) of 000: ‖∇f‖ ≤ ℓ"), Quantity::GradNorm, g, COVERED);
    sup_constant(&mut out, declared, ("B0", "Assumption 1 of 004: ‖DΦ‖ ≤ B₀"), Quantity::GradNorm, g, COVERED);
    let third = format!("Assumption 1 of 004: ‖D³Φ‖ ≤ B₂ (operator norm, bounded by {third})");
    sup_constant(&mut out, declared, ("B2", &third), Quantity::ThirdNorm, t, COVERED);
    let why = "φ = 0, the objective is f itself";
    super::constants::finish_with_l_phi(out, declared, saddle || declared.contains_key("L_phi"), why)
}

/// Why an expression is not shown smooth (C³) on the whole domain box by its `third_norm`
/// covering (every leaf bounded means f, ∇f, ∇²f and D³f are defined and continuous on it), or
/// `None` when it is.
pub fn not_smooth(third: &Covering) -> Option<String> {
    let unbounded = third.bounds.iter().any(|b| b.as_ref().and_then(as_f64).is_none_or(|x| !x.is_finite()));
    unbounded.then(|| {
        format!(
            "the objective is not shown defined and smooth on the whole domain box (its third derivative is \
             not enclosed on some box of a {}-box covering)",
            third.tree.len()
        )
    })
}

/// An exact upper bound of |∇f(x₀)|² (`None` when not enclosed).
pub fn grad0_sq_upper(o: &dyn Derivatives, x0: &[Rat]) -> Option<Rat> {
    let x: Vec<Interval> = x0.iter().map(rat_to_interval).collect();
    let g = o.grad_norm(&x)?.sup();
    let s = if g.is_finite() { point(g).sqr().sup() } else { f64::INFINITY };
    s.is_finite().then(|| exact(s)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;

    fn expr(f: &str) -> Expression {
        Expression::parse(&["x".to_string(), "y".to_string()], f).unwrap()
    }

    fn square(w: f64) -> Vec<Interval> {
        vec![Interval::try_from((-w, w)).unwrap(); 2]
    }

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    #[test]
    fn gap_bounds_of_a_diagonal_saddle() {
        // ∇²f = diag(1, −cos y); on |y| ≤ 1/2, −cos y ∈ [−1, −0.87758…].
        let e = expr("x^2/2 + cos(y)");
        let b = |q, hint| bound(&e, q, &square(0.5), hint);
        assert_eq!(b(Quantity::GapLower, -0.87), Some(-0.87));
        // −cos(1/2) = −0.8776 lies in (−0.9, 0).
        assert_eq!(b(Quantity::GapLower, -0.9), Some(0.0));
        // No eigenvalue in [0, 1) (1 itself is one: Gershgorin, no regular shift needed), but one in [0, 1.01).
        assert_eq!(b(Quantity::GapUpper, -1.0), Some(-1.0));
        assert_eq!(b(Quantity::GapUpper, -1.01), Some(0.0));
        // No negative eigenvalue at all for x² + y² (the sentinel), but no claim about a non-negative one.
        let e = expr("x^2 + y^2");
        assert_eq!(bound(&e, Quantity::GapLower, &square(1.0), NO_EIGENVALUE), Some(NO_EIGENVALUE));
        assert_eq!(bound(&e, Quantity::GapUpper, &square(1.0), NO_EIGENVALUE), Some(0.0));
        let e = expr("-(x^2 + y^2)");
        assert_eq!(bound(&e, Quantity::GapUpper, &square(1.0), NO_EIGENVALUE), Some(NO_EIGENVALUE));
        assert_eq!(bound(&e, Quantity::GapLower, &square(1.0), NO_EIGENVALUE), Some(0.0));
    }

    #[test]
    fn the_sentinel_is_no_eigenvalue_at_all_not_one_at_minus_f64_max() {
        // ∇²f = ∓M·I with M = f64::MAX: the eigenvalue ∓M is at the sentinel's level, yet it is one.
        let m = exact(f64::MAX).unwrap().to_integer().to_string();
        let e = expr(&format!("-({m}/2)*(x^2 + y^2)"));
        assert_eq!(bound(&e, Quantity::GapLower, &square(1.0), NO_EIGENVALUE), Some(0.0));
        let e = expr(&format!("({m}/2)*(x^2 + y^2)"));
        assert_eq!(bound(&e, Quantity::GapUpper, &square(1.0), NO_EIGENVALUE), Some(0.0));
    }

    #[test]
    fn an_overflowing_hessian_has_no_bound_and_no_panic() {
        // ∂²/∂x² exp(exp(x)) = exp(exp(x) + x)(exp(x) + 1) overflows on x ∈ [7, 8].
        let e = expr("exp(exp(x)) + y^2");
        let x = vec![Interval::try_from((7.0, 8.0)).unwrap(), Interval::try_from((0.0, 1.0)).unwrap()];
        for q in [Quantity::HessNorm, Quantity::NegLambdaMin, Quantity::GapLower, Quantity::GapUpper] {
            assert_eq!(bound(&e, q, &x, -1.0), None, "{q:?}");
        }
    }

    #[test]
    fn gap_bounds_of_a_rotated_saddle_need_the_inertia_counts() {
        // u = (3x + 4y)/5, v = (3y − 4x)/5: ∇²f = 2∇u∇uᵀ − cos v ∇v∇vᵀ, eigenvalues 2 and −cos v. On
        // |x|, |y| ≤ 1/20, |v| ≤ 7/100 and cos v ≥ 1 − v²/2 ≥ 0.99755: −cos v ∈ [−1, −0.99755].
        let e = expr("(3*x + 4*y)^2/25 + cos((3*y - 4*x)/5)");
        let x = square(0.05);
        // Every Gershgorin disc meets the gap: only the counts can show it.
        let h = Derivatives::hessian(&e, &x).unwrap();
        assert!(!gershgorin_avoids(&h, Quantity::GapLower, -0.99, 0.0));
        assert_eq!(bound(&e, Quantity::GapLower, &x, -0.99), Some(-0.99));
        assert_eq!(bound(&e, Quantity::GapUpper, &x, -1.99), Some(-1.99));
        // cos(0.07) = 0.99755 < 0.999: an eigenvalue lies in (−0.999, 0); 2 lies in [0, 2.01).
        assert_eq!(bound(&e, Quantity::GapLower, &x, -0.999), Some(0.0));
        assert_eq!(bound(&e, Quantity::GapUpper, &x, -2.01), Some(0.0));
    }

    #[test]
    fn a_variable_the_objective_does_not_read_gives_an_exact_zero_eigenvalue() {
        // f = cos x on |x|, |y| ≤ 1/2: ∇²f = diag(−cos x, 0), eigenvalues in [−1, −0.877] and exactly 0.
        let e = expr("cos(x)");
        let x = square(0.5);
        let h = Derivatives::hessian(&e, &x).unwrap();
        assert_eq!(counts(&h, 0.0), Some((1, 2)));
        // No eigenvalue in (−0.87, 0) (0 itself is not in it); one in [0, 1/10) (the exact 0).
        assert_eq!(bound(&e, Quantity::GapLower, &x, -0.87), Some(-0.87));
        assert_eq!(bound(&e, Quantity::GapUpper, &x, -0.1), Some(0.0));
        // At a point, the level −1/1024 of −λ₊ is shown (λ₊ = 0 < 1/1024), so any μ > 0 is refuted.
        let o = [q("1/4"), q("0")];
        assert_eq!(lower_at(&e, Quantity::GapUpper, &o, None, Some(&q("-1/1024"))), -1.0 / 1024.0);
    }

    #[test]
    fn gap_levels_at_a_point() {
        // At the origin the eigenvalues are exactly 2 and −1.
        let e = expr("(3*x + 4*y)^2/25 + cos((3*y - 4*x)/5)");
        let o = [q("0"), q("0")];
        let at = |qty, w: f64| lower_at(&e, qty, &o, None, Some(&exact(w).unwrap()));
        assert_eq!(at(Quantity::GapLower, -1.0001), -1.0001);
        assert_eq!(at(Quantity::GapLower, -0.9999), f64::NEG_INFINITY);
        assert_eq!(at(Quantity::GapUpper, -2.0001), -2.0001);
        assert_eq!(at(Quantity::GapUpper, -1.9999), f64::NEG_INFINITY);
        // A level that is not an exact f64 is not read.
        assert_eq!(lower_at(&e, Quantity::GapLower, &o, None, Some(&q("-1.0001"))), f64::NEG_INFINITY);
        assert_eq!(lower_at(&e, Quantity::GapLower, &o, None, None), f64::NEG_INFINITY);
    }
}
