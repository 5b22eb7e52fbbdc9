//! The constants of expression objectives — (H1), (H2) of 000, Assumption 1 of 004 — from
//! coverings of the domain box: sup ‖∇f‖ (ℓ, B₀), sup ‖∇²f‖₂ (L, B₁), sup −λ_min(∇²f) (−μ) and
//! sup ‖D³f‖ (B₂).
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
//!
//! The supremum is then at most the largest stored bound; at the witness point it is at least the
//! lower end of ‖∇f(x*)‖, of |vᵀ∇²f(x*)v|/vᵀv (resp. −vᵀ∇²f(x*)v/vᵀv) or of maxᵢ |∂³f/∂xᵢ³(x*)|.
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
}

impl Quantity {
    /// Every quantity, in evidence order.
    pub const ALL: [Quantity; 4] =
        [Quantity::GradNorm, Quantity::HessNorm, Quantity::NegLambdaMin, Quantity::ThirdNorm];

    /// The evidence key.
    pub fn key(self) -> &'static str {
        match self {
            Quantity::GradNorm => "grad_norm",
            Quantity::HessNorm => "hess_norm",
            Quantity::NegLambdaMin => "neg_lambda_min",
            Quantity::ThirdNorm => "third_norm",
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Quantity::GradNorm => "‖∇f‖",
            Quantity::HessNorm => "‖∇²f‖₂",
            Quantity::NegLambdaMin => "−λ_min(∇²f)",
            Quantity::ThirdNorm => "‖D³f‖",
        }
    }

    /// Whether a leaf bound is a proposed shift verified by Cholesky (else computed directly).
    pub fn is_spectral(self) -> bool {
        matches!(self, Quantity::HessNorm | Quantity::NegLambdaMin)
    }
}

/// The interval Hessian on a box as an interval matrix, or `None` where f is not smooth there.
fn hessian(e: &Expression, x: &[Interval]) -> Option<IMat> {
    let xs: Vec<Ival> = x.iter().map(|&v| Ival::new(v)).collect();
    let h = e.hessian(&xs);
    let d = x.len();
    h.iter().flatten().all(|v| v.defined).then(|| IMat {
        rows: d,
        cols: d,
        a: h.iter().flatten().map(|v| v.iv).collect(),
    })
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

/// A bound of `q` on the box `x`: computed for ‖∇f‖ and ‖D³f‖; for the spectral quantities the
/// smaller of the Gershgorin bound of the interval Hessian and the proposed `hint` σ when it
/// verifies. `None` when f is not smooth on the box.
///
/// Enclosure: rigorous (an upper bound of q at every point of the box).
pub fn bound(e: &Expression, q: Quantity, x: &[Interval], hint: f64) -> Option<f64> {
    let xs: Vec<Ival> = x.iter().map(|&v| Ival::new(v)).collect();
    match q {
        Quantity::GradNorm => {
            let g = e.gradient(&xs);
            g.iter().all(|v| v.defined).then(|| norm2(&g.iter().map(|v| v.iv).collect::<Vec<_>>()).sup())
        }
        Quantity::ThirdNorm => {
            let t = e.third(&xs);
            t.iter().all(|p| p.value.defined).then(|| {
                t.iter().fold(point(0.0), |s, p| s + p.value.iv.sqr() * point(f64::from(p.multiplicity))).sqrt().sup()
            })
        }
        Quantity::HessNorm | Quantity::NegLambdaMin => {
            let h = hessian(e, x)?;
            // Gershgorin on the interval matrix itself (exact where H is diagonal) …
            let d = h.rows;
            let off = |i: usize| (0..d).filter(|&j| j != i).fold(point(0.0), |s, j| s + point(h.at(i, j).mag()));
            let gershgorin = (0..d)
                .map(|i| match q {
                    Quantity::HessNorm => (point(h.at(i, i).mag()) + off(i)).sup(),
                    _ => (off(i) - point(h.at(i, i).inf())).sup(),
                })
                .fold(f64::NEG_INFINITY, f64::max);
            // … or the proposed σ, by Weyl and Cholesky.
            let (m, rho) = split(&h);
            let margin = point(hint) - point(rho);
            let ok = hint.is_finite()
                && match q {
                    Quantity::HessNorm => shifted_pd(&m, margin, -1.0) && shifted_pd(&m, margin, 1.0),
                    _ => shifted_pd(&m, margin, 1.0),
                };
            Some(if ok { gershgorin.min(hint) } else { gershgorin })
        }
    }
}

/// A lower bound of `q` at the exact point `p` (for the spectral quantities with the vector `v`: a
/// Rayleigh quotient), −∞ when not enclosed. Enclosure: rigorous.
pub fn lower_at(e: &Expression, q: Quantity, p: &[Rat], v: Option<&[Rat]>) -> f64 {
    let x: Vec<Interval> = p.iter().map(rat_to_interval).collect();
    let xs: Vec<Ival> = x.iter().map(|&v| Ival::new(v)).collect();
    let value = match q {
        Quantity::GradNorm => {
            let g = e.gradient(&xs);
            g.iter().all(|v| v.defined).then(|| norm2(&g.iter().map(|v| v.iv).collect::<Vec<_>>()))
        }
        Quantity::ThirdNorm => {
            let t = e.third(&xs);
            let diag = t.iter().filter(|p| p.index.0 == p.index.1 && p.index.1 == p.index.2);
            t.iter().all(|p| p.value.defined).then(|| diag.fold(point(0.0), |m, p| m.max(point(p.value.iv.mig()))))
        }
        Quantity::HessNorm | Quantity::NegLambdaMin => (|| {
            let h = hessian(e, &x)?;
            let v: Vec<Interval> = v?.iter().map(rat_to_interval).collect();
            let hv = h.mul_vec(&v);
            let num = v.iter().zip(&hv).fold(point(0.0), |s, (&a, &b)| s + a * b);
            let den = v.iter().fold(point(0.0), |s, a| s + a.sqr());
            let r = num / den;
            Some(if q == Quantity::HessNorm { r.abs() } else { -r })
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
        Json::Object(m)
    }

    /// Inverse of [`Covering::to_json`].
    pub fn from_json(j: &Json) -> Result<Covering, String> {
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
        let bounds = j["bounds"]
            .as_array()
            .ok_or("missing bounds")?
            .iter()
            .map(|x| match x {
                Json::Null => Ok(None),
                _ => x.as_str().and_then(|s| parse_rat(s).ok()).map(Some).ok_or(format!("bounds: bad number {x}")),
            })
            .collect::<Result<_, String>>()?;
        Ok(Covering { tree, bounds, witness: rats("witness")?, vector })
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
pub fn verify(e: &Expression, q: Quantity, domain: &[(Rat, Rat)], c: &Covering) -> Result<Search, String> {
    let leaves_n = leaves(&c.tree, domain, |b, i| {
        let Some(stored) = c.bounds.get(i).ok_or("fewer bounds than leaves")? else { return Ok(()) };
        let x: Vec<Interval> =
            b.iter().map(|(l, h)| rat_interval_to_interval(&RatInterval::new(l.clone(), h.clone()))).collect();
        let s = as_f64(stored).ok_or(format!("bound {i} is not an f64"))?;
        match bound(e, q, &x, s) {
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
    if q.is_spectral() != c.vector.is_some() {
        return Err("a witness vector goes with the spectral quantities only".into());
    }
    let upper =
        c.bounds.iter().map(|b| b.as_ref().and_then(as_f64).unwrap_or(f64::INFINITY)).fold(f64::NEG_INFINITY, f64::max);
    let lower = lower_at(e, q, &c.witness, c.vector.as_deref());
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

/// A constant bounded by sup q over the domain (ℓ, B₀, L, B₁, B₂).
fn sup_constant(
    out: &mut Constants,
    declared: &BTreeMap<String, Rat>,
    name: &'static str,
    what: &str,
    q: Quantity,
    s: &Search,
) {
    let statement = format!("{what} on the domain box ({COVERED})");
    let (Some(upper), Some(lower)) = (exact(s.upper), exact(s.lower.max(0.0))) else {
        let mut c = Claim::new(&format!("constants.{name}"), statement);
        if let Some(v) = declared.get(name) {
            c.value("declared", v.clone());
        }
        c.reason = Some(format!(
            "enclosure unbounded after {} boxes: the objective may not be smooth on the domain box",
            s.boxes
        ));
        out.record(c);
        return;
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
fn mu_constant(out: &mut Constants, declared: &BTreeMap<String, Rat>, s: &Search) {
    let statement = format!("(H2) of 000: f is μ-strongly convex on the domain box, λ_min(∇²f) ≥ μ ({COVERED})");
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

/// Every constant claim of a non-quadratic objective outside the saddle reading (γ not declared),
/// from the searches of the four quantities.
pub fn constants(declared: &BTreeMap<String, Rat>, s: &BTreeMap<Quantity, Search>) -> Constants {
    let mut out = Constants::empty();
    let (g, h, m, t) =
        (&s[&Quantity::GradNorm], &s[&Quantity::HessNorm], &s[&Quantity::NegLambdaMin], &s[&Quantity::ThirdNorm]);
    sup_constant(&mut out, declared, "L", "(H1) of 000: ‖∇²f‖₂ ≤ L", Quantity::HessNorm, h);
    sup_constant(&mut out, declared, "B1", "Assumption 1 of 004: ‖D²Φ‖ ≤ B₁", Quantity::HessNorm, h);
    mu_constant(&mut out, declared, m);
    sup_constant(&mut out, declared, "ell", "(H1) of 000: ‖∇f‖ ≤ ℓ", Quantity::GradNorm, g);
    sup_constant(&mut out, declared, "B0", "Assumption 1 of 004: ‖DΦ‖ ≤ B₀", Quantity::GradNorm, g);
    sup_constant(
        &mut out,
        declared,
        "B2",
        "Assumption 1 of 004: ‖D³Φ‖ ≤ B₂ (operator norm, bounded by the Frobenius norm)",
        Quantity::ThirdNorm,
        t,
    );
    super::constants::finish_with_l_phi(
        out,
        declared,
        declared.contains_key("L_phi"),
        "φ = 0, the objective is f itself",
    )
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

/// An exact upper bound of |∇f(x₀)|² for an expression (`None` when not enclosed).
pub fn grad0_sq_upper(e: &Expression, x0: &[Rat]) -> Option<Rat> {
    let x: Vec<Ival> = x0.iter().map(|v| Ival::new(rat_to_interval(v))).collect();
    let g = e.gradient(&x);
    if !g.iter().all(|v| v.defined) {
        return None;
    }
    let s = norm2(&g.iter().map(|v| v.iv).collect::<Vec<_>>()).sqr().sup();
    s.is_finite().then(|| exact(s)).flatten()
}
