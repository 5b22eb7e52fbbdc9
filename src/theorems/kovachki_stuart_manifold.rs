//! Kovachki & Stuart (004), Section 4: the invariant manifold of (15), exactly, for quadratics with a
//! diagonal positive-definite Q, and **Theorem 5 along an orbit** (004 Fig. 5): the distance eₙ of
//! the orbit of (15) to the invariant manifold against the attraction bound of Theorem 5, printed
//! and corrected (proofs/ERRATA.md §3).
//!
//! # The exact manifold (quadratics with diagonal positive-definite Q)
//! For Φ = ½uᵀQu − bᵀu with Q = diag(q₁, …, q_d), qᵢ > 0, each coordinate of yₙ = uₙ − u* (u* = Q⁻¹b)
//! obeys the two-step recursion yₙ₊₁ = Tᵢyₙ − Dᵢyₙ₋₁, Tᵢ = 1 + λ − h(1 + a)qᵢ, Dᵢ = λ − haqᵢ. When
//! ρ² − Tᵢρ + Dᵢ has two real roots and Tᵢ > 0, the invariant manifold of (15) near v = λ̄f(u) is the
//! eigenline of the larger root ρᵢ = (Tᵢ + √(Tᵢ² − 4Dᵢ))/2 (ρᵢ = 1 − λ̄hqᵢ + O(h²); the other root,
//! ≈ λ, is the attraction rate, proofs/ERRATA.md §3), i.e. vₙ = (1 − 1/ρᵢ)yₙ/h. Started on it
//! (u₋₁ = u₀ − hv₀ in place of u₁ = u₀ + hf(u₀)), the orbit is exactly yₙ = ρᵢⁿy₀. Expanding,
//! log ρᵢ = −hλ̄qᵢ − h²λ̄²(λ̄ − a − ½)qᵢ² + O(h³), which matches the exponent −hλ̄qᵢ(1 + hcqᵢ) of (20)
//! exactly when c = λ̄(λ̄ − a − ½): the corrected constant, and Δ → 2. For a non-diagonal Q the
//! manifold needs the eigenvectors of Q (irrational in general): not implemented, and the record
//! is left out (the statement says why), as it is when the roots are not real (h too large).
//!
//! # Distances along the orbit (004 Fig. 5)
//! (15) is run from v₀ = 0, i.e. u₋₁ = u₀: this is (7)'s u₁ = u₀ + hf(u₀), the start of 004's Fig. 5.
//! With vₙ = (uₙ − uₙ₋₁)/h (14), two distances are enclosed for n = 0..=N:
//!
//! * **to the exact manifold**, ẽₙ = |vₙ − w_g(uₙ)|, the quantity of Theorem 5. Coordinatewise
//!   w_g(u)ᵢ = (1 − 1/ρ₁,ᵢ)yᵢ/h, so hẽₙ,ᵢ = yₙ,ᵢ/ρ₁,ᵢ − yₙ₋₁,ᵢ = (yₙ,ᵢ − ρ₁,ᵢyₙ₋₁,ᵢ)/ρ₁,ᵢ; and since
//!   Tᵢ = ρ₁,ᵢ + ρ₂,ᵢ, Dᵢ = ρ₁,ᵢρ₂,ᵢ, yₙ₊₁ − ρ₁yₙ = (T − ρ₁)yₙ − Dyₙ₋₁ = ρ₂(yₙ − ρ₁yₙ₋₁). Hence
//!
//!   ẽₙ,ᵢ = ρ₂,ᵢⁿ ẽ₀,ᵢ,   ẽ₀,ᵢ = y₀,ᵢ(1 − ρ₁,ᵢ)/(hρ₁,ᵢ)   (with y₋₁ = y₀),            (M1)
//!
//!   and |ẽₙ| ≤ (maxᵢ|ρ₂,ᵢ|)ⁿ|ẽ₀| along every orbit, with equality when ẽ₀ lies in the coordinate of
//!   the largest |ρ₂,ᵢ|: [`offmanifold_factor`] encloses maxᵢ|ρ₂,ᵢ| exactly. Enclosed from (M1) with
//!   ρ₁, ρ₂ from exact square roots and inari products (relative width about n·2⁻⁵², no absolute
//!   radius: the enclosure follows ẽₙ down to the subnormal range, about 10⁻³⁰⁸; the norm is taken
//!   after scaling by a power of two, so squares do not underflow);
//! * **to the leading-order manifold** (33), eₙ of (34): eₙ = |vₙ + λ̄(I + hλ̄(λ̄ − a)Q)(Quₙ − b)|,
//!   what 004 plots. It is affine in (uₙ, uₙ₋₁): eₙ = |A uₙ − uₙ₋₁/h − Mb| with
//!   M = λ̄(I + hλ̄(λ̄ − a)Q), A = I/h + MQ, evaluated on the enclosed orbit tube of (7) (any
//!   symmetric Q, real roots or not): interval arithmetic at the tube's midpoints plus
//!   (1/h + ‖MQ‖_F)rₙ + rₙ₋₁/h for its radii rₙ (‖A‖₂ ≤ 1/h + ‖MQ‖_F).
//!
//! Theorem 5 as printed bounds ẽₙ by (λ + h²λδ)ⁿẽ₀ (004 Fig. 5 draws that curve with e₀ of (34)); the
//! corrected statement by rateⁿẽ₀, rate = (λ + haB₁)(1 + hK₂) (both from `ks.thm5`). Since
//! maxᵢ|ρ₂,ᵢ| ≤ rate is an exact inequality, the corrected bound holds along every orbit; the
//! printed one fails along Fig. 5's orbit at a step recorded as `printed_bound_broken_at` (the first
//! n ≤ N with ẽₙ/((λ + h²λδ)ⁿẽ₀) certainly above 1, the ratio evaluated as |(ẽ₀,ᵢ(ρ₂,ᵢ/p)ⁿ)ᵢ|/|ẽ₀| so
//! that nothing underflows). These records go on
//! `ks.thm2` (see [`record`]): `ks.thm5` itself is a closed-form step-size claim that
//! `certify admissible` reproduces from h alone.

use super::trajectories::exact;
use crate::claim::{Claim, Rel};
use crate::dynamics::ivec::{point, IMat};
use crate::dynamics::Tube;
use crate::enclose::{rat_interval_to_interval, rat_to_interval};
use crate::exact::{Rat, RatInterval, RatMatrix};
use crate::spec::{Method, Objective, Spec};
use inari::Interval;
use num_traits::{One, Zero};

/// The roots (Tᵢ, Dᵢ, Tᵢ² − 4Dᵢ) of the two-step recursion of coordinate i of scheme (7) on a diagonal
/// positive-definite Q (see the module documentation), or why the exact invariant manifold is not
/// available: Q not diagonal, not positive definite, or a pair of roots not real with T > 0.
pub fn manifold_roots(q: &RatMatrix, h: &Rat, lambda: &Rat, a: &Rat) -> Result<Vec<(Rat, Rat, Rat)>, String> {
    let d = q.len();
    if (0..d).any(|i| (0..d).any(|j| i != j && !q[i][j].is_zero())) {
        return Err(
            "Q is not diagonal; the exact invariant manifold needs the eigenvectors of Q (not implemented)".into()
        );
    }
    let one = Rat::one();
    (0..d)
        .map(|i| {
            let qi = &q[i][i];
            if qi <= &Rat::zero() {
                return Err(format!(
                    "Q is not positive definite (Q[{i}][{i}] = {qi}); the manifold start needs a minimizer"
                ));
            }
            let t = &one + lambda - h * (&one + a) * qi;
            let det = lambda - h * a * qi;
            let disc = &t * &t - Rat::from_integer(4.into()) * &det;
            if t <= Rat::zero() || disc <= Rat::zero() {
                return Err(format!(
                    "at h = {h}, coordinate {i}: ρ² − Tρ + D (T = {t}, D = {det}) has no two real roots with T > 0, \
                     so (15) has no real invariant line (h too large)"
                ));
            }
            Ok((t, det, disc))
        })
        .collect()
}

/// For scheme (7) on a quadratic with diagonal positive-definite Q whose roots are real (see
/// `manifold_roots`): an exact enclosure of maxᵢ |ρ₂,ᵢ|, ρ₂,ᵢ = (Tᵢ − √(Tᵢ² − 4Dᵢ))/2 the smaller root.
/// Off the exact invariant manifold the distance eₙ = vₙ − w_g(uₙ) of Theorem 5 is, coordinatewise,
/// exactly eₙ = ρ₂,ᵢⁿe₀ (the fast eigen-component of the linear map (15); proofs/ERRATA.md §3), so this
/// is the true attraction factor that Theorem 5's rate must bound: the valid `rate` of `ks.thm5` is ≥
/// it, the printed λ + h²λδ is not (for a = 0). `None` for other specs.
///
/// Enclosure: exact (rational square roots, `exact::sqrt_enclosure`). Tightness: width about
/// 2⁻¹⁹²/denominator.
pub fn offmanifold_factor(spec: &Spec) -> Option<RatInterval> {
    let (Method::Scheme7 { lambda, a, .. }, Objective::Quadratic { q, .. }) = (&spec.algorithm.method, &spec.objective)
    else {
        return None;
    };
    let abs = |r: RatInterval| -> (Rat, Rat) {
        if r.lo >= Rat::zero() {
            (r.lo, r.hi)
        } else if r.hi <= Rat::zero() {
            (-r.hi, -r.lo)
        } else {
            (Rat::zero(), (-r.lo).max(r.hi))
        }
    };
    manifold_roots(q, &spec.algorithm.h, lambda, a)
        .ok()?
        .into_iter()
        .map(|(t, _, disc)| abs(roots(&t, &disc).1))
        .reduce(|(l1, h1), (l2, h2)| (l1.max(l2), h1.max(h2)))
        .map(|(lo, hi)| RatInterval::new(lo, hi))
}

/// Exact enclosures of the roots ρ₁ = (T + √disc)/2 > ρ₂ = (T − √disc)/2 of ρ² − Tρ + D, disc = T² − 4D > 0.
///
/// Enclosure: exact. √disc = √(disc·4¹²⁸)/2¹²⁸ carries 128 more bits than `sqrt_enclosure` gives by
/// itself (the valid rate of Thm 5 can exceed ρ₂ by as little as 10⁻²⁴, proofs/ERRATA.md §3).
/// Tightness: width about 2⁻¹⁹²/denominator.
fn roots(t: &Rat, disc: &Rat) -> (RatInterval, RatInterval) {
    let two = Rat::from_integer(2.into());
    let scale = Rat::from_integer(num_bigint::BigInt::one() << 128usize);
    let s = crate::exact::sqrt_enclosure(&(disc * &scale * &scale));
    let (s_lo, s_hi) = (&s.lo / &scale, &s.hi / &scale);
    (RatInterval::new((t + &s_lo) / &two, (t + &s_hi) / &two), RatInterval::new((t - &s_hi) / &two, (t - &s_lo) / &two))
}

/// The exact orbit of scheme (7) started on the invariant manifold of (15), for diagonal positive-definite Q:
/// uₙ = u* + ρⁿ(u₀ − u*) coordinatewise, n = 0..=steps (see the module documentation), or why it is not
/// computed.
///
/// Enclosure: rigorous (interval √ and products, rounded outward). Tightness: relative radius about n·2⁻⁵².
pub(crate) fn manifold_orbit(
    q: &RatMatrix,
    b: &[Rat],
    x0: &[Rat],
    h: &Rat,
    lambda: &Rat,
    a: &Rat,
    steps: usize,
) -> Result<Tube, String> {
    let d = b.len();
    let mut rho = Vec::with_capacity(d);
    let mut star = Vec::with_capacity(d);
    let mut y: Vec<Interval> = Vec::with_capacity(d);
    for (i, (t, _, disc)) in manifold_roots(q, h, lambda, a)?.into_iter().enumerate() {
        rho.push((rat_to_interval(&t) + rat_to_interval(&disc).sqrt()) / point(2.0));
        let s = &b[i] / &q[i][i];
        y.push(rat_to_interval(&(&x0[i] - &s)));
        star.push(rat_to_interval(&s));
    }
    let mut tube = Tube::new(d);
    let mut mid = vec![0.0; d];
    for _ in 0..=steps {
        let u: Vec<Interval> = star.iter().zip(&y).map(|(s, yi)| *s + *yi).collect();
        mid.iter_mut().zip(&u).for_each(|(m, ui)| *m = ui.mid());
        let rad = u.iter().zip(&mid).fold(point(0.0), |acc, (ui, &m)| acc + point((*ui - point(m)).mag()).sqr());
        tube.push(&mid, rad.sqrt().sup());
        y.iter_mut().zip(&rho).for_each(|(yi, r)| *yi *= *r);
    }
    Ok(tube)
}

/// The exact invariant manifold of (15) seen from the orbit started at v₀ = 0 (diagonal
/// positive-definite Q, real roots): per coordinate, ẽ₀,ᵢ and the fast root ρ₂,ᵢ of (M1).
#[derive(Clone, Debug)]
pub struct ExactManifold {
    /// ẽ₀,ᵢ = y₀,ᵢ(1 − ρ₁,ᵢ)/(hρ₁,ᵢ).
    e0: Vec<Interval>,
    /// ρ₂,ᵢ.
    rho2: Vec<Interval>,
}

impl ExactManifold {
    /// The manifold of `spec`, or why it is not available (`manifold_roots`; scheme (7) on a
    /// quadratic objective only).
    ///
    /// Enclosure: rigorous (exact roots, converted outward).
    pub fn new(spec: &Spec) -> Result<Self, String> {
        let (Method::Scheme7 { lambda, a, .. }, Objective::Quadratic { q, b }) =
            (&spec.algorithm.method, &spec.objective)
        else {
            return Err("the exact invariant manifold is computed for scheme (7) on quadratic objectives".into());
        };
        let h = &spec.algorithm.h;
        let one = Rat::one();
        let (mut e0, mut rho2) = (Vec::new(), Vec::new());
        for (i, (t, _, disc)) in manifold_roots(q, h, lambda, a)?.into_iter().enumerate() {
            let (r1, r2) = roots(&t, &disc);
            // (1 − ρ₁)/ρ₁ = 1/ρ₁ − 1 decreases in ρ₁ > 0 (ρ₁ > ρ₂ and ρ₁ + ρ₂ = T > 0).
            let f = RatInterval::new(&one / &r1.hi - &one, &one / &r1.lo - &one);
            let s = (&spec.x0[i] - &b[i] / &q[i][i]) / h;
            let e = if s >= Rat::zero() {
                RatInterval::new(&f.lo * &s, &f.hi * &s)
            } else {
                RatInterval::new(&f.hi * &s, &f.lo * &s)
            };
            e0.push(rat_interval_to_interval(&e));
            rho2.push(rat_interval_to_interval(&r2));
        }
        Ok(ExactManifold { e0, rho2 })
    }

    /// ẽₙ = |vₙ − w_g(uₙ)| for n = 0..=`steps` by (M1).
    ///
    /// Enclosure: rigorous. Tightness: relative width about n·2⁻⁵² until ẽₙ reaches the subnormal
    /// range (about 10⁻³⁰⁸), below which f64 keeps fewer digits; 0 is a lower end only there.
    pub fn distances(&self, steps: usize) -> Vec<Interval> {
        geometric_norms(&self.e0, &self.rho2, steps)
    }

    /// |ẽₙ|/((`rate`)ⁿ|ẽ₀|) for n = 0..=`steps`: how far ẽₙ exceeds the bound rateⁿẽ₀, as
    /// |Σ… (ρ₂,ᵢ/rate)ⁿẽ₀,ᵢ…|/|ẽ₀| (ratios first, so that neither side underflows); `None` when ẽ₀ = 0.
    ///
    /// Enclosure: rigorous.
    pub fn excess(&self, rate: &Rat, steps: usize) -> Option<Vec<Interval>> {
        let r = rat_to_interval(rate);
        let ratios: Vec<Interval> = self.rho2.iter().map(|&x| x / r).collect();
        let e0 = euclidean(&self.e0);
        if e0.inf() <= 0.0 {
            return None;
        }
        Some(geometric_norms(&self.e0, &ratios, steps).into_iter().map(|w| w / e0).collect())
    }
}

/// |(xᵢfᵢⁿ)ᵢ|₂ for n = 0..=`steps`.
fn geometric_norms(x0: &[Interval], f: &[Interval], steps: usize) -> Vec<Interval> {
    let mut x = x0.to_vec();
    let mut out = Vec::with_capacity(steps + 1);
    for _ in 0..=steps {
        out.push(euclidean(&x));
        x.iter_mut().zip(f).for_each(|(xi, fi)| *xi *= *fi);
    }
    out
}

/// ẽₙ for n = 0..=`steps` ([`ExactManifold::distances`]), or why the manifold is not available.
///
/// Enclosure: rigorous.
pub fn exact_distances(spec: &Spec, steps: usize) -> Result<Vec<Interval>, String> {
    Ok(ExactManifold::new(spec)?.distances(steps))
}

/// eₙ of (34), the distance of the orbit of (7) (from u₁ = u₀ + hf(u₀), i.e. v₀ = 0) to the
/// leading-order manifold (33), for every sample of the enclosed orbit tube `orbit`; `None` for a
/// method other than scheme (7), a non-quadratic objective, or a tube radius that is not finite.
///
/// Enclosure: rigorous (module documentation). Tightness: about (1/h + ‖MQ‖_F)rₙ + rₙ₋₁/h absolute,
/// i.e. twice the tube's radius divided by h.
pub fn leading_order_distances(spec: &Spec, orbit: &Tube) -> Option<Vec<Interval>> {
    let (Method::Scheme7 { lambda, a, .. }, Objective::Quadratic { q, b }) = (&spec.algorithm.method, &spec.objective)
    else {
        return None;
    };
    let (h, d, one) = (&spec.algorithm.h, b.len(), Rat::one());
    let lb = &one / (&one - lambda);
    let c = h * &lb * (&lb - a);
    // M = λ̄(I + cQ), A = I/h + MQ, g = Mb, all exact.
    let m: RatMatrix = (0..d)
        .map(|i| (0..d).map(|j| &lb * (if i == j { one.clone() } else { Rat::zero() } + &c * &q[i][j])).collect())
        .collect();
    let mq: RatMatrix =
        (0..d).map(|i| (0..d).map(|j| (0..d).map(|k| &m[i][k] * &q[k][j]).sum::<Rat>()).collect()).collect();
    let a_mat: RatMatrix =
        (0..d).map(|i| (0..d).map(|j| &mq[i][j] + if i == j { &one / h } else { Rat::zero() }).collect()).collect();
    let g: Vec<Interval> = (0..d).map(|i| rat_to_interval(&(0..d).map(|k| &m[i][k] * &b[k]).sum::<Rat>())).collect();
    let a_iv = IMat::from_rat(&a_mat);
    let inv_h = rat_to_interval(&(&one / h));
    // ‖A‖₂ ≤ 1/h + ‖MQ‖_F.
    let a_norm = inv_h + point(IMat::from_rat(&mq).frobenius_sup());
    let mid = |k: usize| -> Vec<Interval> { orbit.mid(k).iter().map(|&x| point(x)).collect() };
    (0..orbit.len())
        .map(|n| {
            let prev = n.saturating_sub(1);
            let au = a_iv.mul_vec(&mid(n));
            let e: Vec<Interval> = au.iter().zip(mid(prev)).zip(&g).map(|((x, p), gi)| *x - p * inv_h - *gi).collect();
            let r = (a_norm * point(orbit.rad(n)) + point(orbit.rad(prev)) * inv_h).sup();
            let centre = euclidean(&e);
            if !r.is_finite() || !centre.sup().is_finite() {
                return None;
            }
            Interval::try_from((
                (point(centre.inf()) - point(r)).inf().max(0.0),
                (point(centre.sup()) + point(r)).sup(),
            ))
            .ok()
        })
        .collect()
}

/// |x|₂ of an interval vector, scaled by a power of two before squaring (no underflow of tiny
/// vectors, no overflow of huge ones).
fn euclidean(x: &[Interval]) -> Interval {
    let big = x.iter().map(|xi| xi.mag()).fold(0.0f64, f64::max);
    if big == 0.0 || !big.is_finite() {
        return if big == 0.0 { point(0.0) } else { Interval::ENTIRE };
    }
    // 2ᵏ ≈ big, k clamped to the normal exponents (2ᵏ and 2⁻ᵏ finite): dividing and multiplying by it is
    // exact up to subnormal results, which inari rounds outward.
    let k = (big.log2().ceil() as i32).clamp(-1022, 1023);
    let scale = point(2f64.powi(k));
    x.iter().fold(point(0.0), |acc, &xi| acc + (xi / scale).sqr()).sqrt() * scale
}

/// The rates of a verified `ks.thm5`: `rate` (corrected) and `rate_printed` (λ + h²λδ).
#[derive(Clone, Debug, PartialEq)]
pub struct Thm5Rates {
    /// (λ + haB₁)(1 + hK₂), the corrected attraction rate.
    pub rate: Rat,
    /// λ + h²λδ, the rate as printed.
    pub printed: Rat,
}

/// The rates of `c` when it is a verified `ks.thm5` record.
pub fn thm5_rates(c: &Claim) -> Option<Thm5Rates> {
    if c.id != "ks.thm5" || c.status != crate::claim::Status::Verified {
        return None;
    }
    let exact_value = |name: &str| match c.values.get(name)? {
        crate::claim::Value::Exact(r) => Some(r.clone()),
        _ => None,
    };
    Some(Thm5Rates { rate: exact_value("rate")?, printed: exact_value("rate_printed")? })
}

/// Records on `c` (the `ks.thm2` record) what Fig. 5 shows: `manifold_distance_0` ∋ ẽ₀ and
/// `manifold_distance_final` ∋ ẽ_N (from `exact`), `leading_order_distance_0` ∋ e₀ and
/// `leading_order_distance_final` ∋ e_N of (34) (`leading`); with the rates of a verified `ks.thm5`
/// and the exact manifold, the inequality `offmanifold_factor` ≤ rate (so ẽₙ ≤ rateⁿẽ₀ along every
/// orbit; a consistency check between two claims, it does not decide `ks.thm2`: should it fail, the
/// statement says so) and, when the printed bound fails, `printed_bound_broken_at`, the first
/// n ≤ N where ẽₙ > (λ + h²λδ)ⁿẽ₀ certainly, and `printed_bound_excess_final` ∋ ẽ_N/((λ + h²λδ)ᴺẽ₀).
///
/// Enclosure: rigorous.
pub fn record(
    c: &mut Claim,
    exact: Option<(&ExactManifold, usize)>,
    factor: Option<&RatInterval>,
    leading: Option<&[Interval]>,
    thm5: Option<&Thm5Rates>,
) {
    let exact_d = exact.map(|(m, n)| m.distances(n));
    for (tag, series) in [("manifold_distance", exact_d.as_deref()), ("leading_order_distance", leading)] {
        if let (Some(first), Some(last)) = (series.and_then(<[_]>::first), series.and_then(<[_]>::last)) {
            put(c, &format!("{tag}_0"), *first);
            put(c, &format!("{tag}_final"), *last);
        }
    }
    let (Some((m, n)), Some(f), Some(r)) = (exact, factor, thm5) else {
        return;
    };
    let holds = c.check(
        "Thm 5 (corrected) along every orbit: offmanifold_factor upper end <= rate of ks.thm5",
        f.hi.clone(),
        Rel::Le,
        r.rate.clone(),
    );
    if !holds {
        c.statement
            .push_str(" [consistency check failed: the exact attraction factor exceeds the corrected rate of ks.thm5]");
    }
    let Some(excess) = m.excess(&r.printed, n) else {
        return;
    };
    if let Some(k) = excess.iter().position(|x| x.inf() > 1.0) {
        c.value("printed_bound_broken_at", Rat::from_integer(k.into()));
        put(c, "printed_bound_excess_final", excess[excess.len() - 1]);
    }
}

/// Records `x` on `c` as the enclosure `name` (nothing when an end is not finite).
fn put(c: &mut Claim, name: &str, x: Interval) {
    if let (Some(lo), Some(hi)) = (exact(x.inf()), exact(x.sup())) {
        c.enclosed(name, RatInterval::new(lo, hi));
    }
}

/// The series of `trace::fig5_chart` for `spec`: eₙ of (34) on the enclosed orbit of (7) over the horizon,
/// and ẽₙ when the exact manifold exists; `None` for other specs (or a horizon beyond
/// `theorems::MAX_TRAJECTORY_STEPS`).
///
/// Enclosure: rigorous.
pub fn fig5_series(spec: &Spec) -> Option<(Vec<Interval>, Option<Vec<Interval>>)> {
    let quadratic_scheme7 =
        matches!((&spec.algorithm.method, &spec.objective), (Method::Scheme7 { .. }, Objective::Quadratic { .. }));
    if !quadratic_scheme7 || spec.steps > super::MAX_TRAJECTORY_STEPS {
        return None;
    }
    let orbit = crate::dynamics::spec_orbit(spec)?;
    let leading = leading_order_distances(spec, &orbit)?;
    Some((leading, exact_distances(spec, usize::try_from(spec.steps).ok()?).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::{Status, Value};
    use crate::exact::parse_rat;
    use crate::spec::parse_spec_value;
    use num_traits::Signed;
    use serde_json::json;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    fn enclosure(c: &Claim, name: &str) -> RatInterval {
        match c.values.get(name).or_else(|| c.measured.get(name)) {
            Some(Value::Enclosed(r)) => r.clone(),
            v => panic!("{name} must be an enclosure, got {v:?} in {c:?}"),
        }
    }

    /// A scheme-(7) spec with λ = 9/10 on ½uᵀQu − bᵀu, domain [−r, r]ᵈ.
    fn spec(
        method: &str,
        qm: serde_json::Value,
        b: serde_json::Value,
        x0: serde_json::Value,
        h: &str,
        steps: u64,
        r: &str,
    ) -> Spec {
        let d = x0.as_array().unwrap().len();
        let neg = format!("-{r}");
        parse_spec_value(&json!({
            "name": "t",
            "objective": {"type": "quadratic", "Q": qm, "b": b},
            "domain": vec![[neg.as_str(), r]; d],
            "algorithm": {"method": method, "h": h, "lambda": "9/10"},
            "x0": x0,
            "horizon": {"steps": steps}
        }))
        .unwrap()
    }

    /// The exact orbit u₀, u₁, … of (7) (u₁ = u₀ + hf(u₀)) in rationals, f = b − Qu.
    fn exact_orbit(qm: &[Vec<Rat>], b: &[Rat], x0: &[Rat], h: &Rat, lambda: &Rat, a: &Rat, n: usize) -> Vec<Vec<Rat>> {
        let d = b.len();
        let f = |u: &[Rat]| -> Vec<Rat> {
            (0..d).map(|i| &b[i] - (0..d).map(|j| &qm[i][j] * &u[j]).sum::<Rat>()).collect()
        };
        let mut us = vec![x0.to_vec()];
        let f0 = f(x0);
        us.push((0..d).map(|i| &x0[i] + h * &f0[i]).collect());
        while us.len() <= n {
            let (u, p) = (&us[us.len() - 1], &us[us.len() - 2]);
            let w: Vec<Rat> = (0..d).map(|i| &u[i] + a * (&u[i] - &p[i])).collect();
            let fw = f(&w);
            let next = (0..d).map(|i| &u[i] + lambda * (&u[i] - &p[i]) + h * &fw[i]).collect();
            us.push(next);
        }
        us.truncate(n + 1);
        us
    }

    fn contains_sq(x: &Interval, sq: &Rat) -> bool {
        // x ∋ √sq ⟺ lo² ≤ sq ≤ hi² (x ≥ 0).
        let lo = exact(x.inf()).unwrap();
        let hi = exact(x.sup()).unwrap();
        (!lo.is_positive() || &(&lo * &lo) <= sq) && sq <= &(&hi * &hi)
    }

    #[test]
    fn exact_manifold_distance_matches_a_rational_oracle() {
        // Rational roots (independent of the code's square roots): heavy ball, λ = 9/10, hq = 1/380 gives
        // T = 1.9 − 1/380, D = 9/10: ρ₁ = 19/20, ρ₂ = 18/19 (ρ₁ + ρ₂ = 721/380 = T, ρ₁ρ₂ = 9/10); hq = 1/400 gives
        // ρ₁ = 24/25, ρ₂ = 15/16 (sum 1.8975, product 0.9). Nesterov (a = λ): T = 1.9(1 − hq), D = 0.9(1 − hq);
        // hq = 1/362 gives ρ₁ = 19/20 (0.95² − 1.9·0.95(1 − hq) + 0.9(1 − hq) = −0.0025 + 0.905hq = 0).
        let cases = [
            ("heavy_ball", "0", json!([["1", "0"], ["0", "19/20"]]), json!(["1/2", "-1"]), "1/380", ["19/20", "24/25"]),
            ("nesterov", "9/10", json!([["1"]]), json!(["1/3"]), "1/362", ["19/20", ""]),
        ];
        for (method, a, qm, b, h, rho1) in cases {
            let d = b.as_array().unwrap().len();
            let x0 = json!(vec!["1"; d]);
            let n = 300;
            let s = spec(method, qm, b, x0, h, n as u64, "4");
            let Objective::Quadratic { q: qq, b: bb } = &s.objective else { unreachable!() };
            let got = exact_distances(&s, n).unwrap();
            let (hr, lam, ar) = (q(h), q("9/10"), q(a));
            let orbit = exact_orbit(qq, bb, &s.x0, &hr, &lam, &ar, n);
            let star: Vec<Rat> = (0..d).map(|i| &bb[i] / &qq[i][i]).collect();
            for k in 0..=n {
                let prev = &orbit[k.saturating_sub(1)];
                // ẽₖ,ᵢ = vₖ,ᵢ − (1 − 1/ρ₁,ᵢ)yₖ,ᵢ/h, vₖ = (uₖ − uₖ₋₁)/h (v₀ = 0).
                let sq: Rat = (0..d)
                    .map(|i| {
                        let v = (&orbit[k][i] - &prev[i]) / &hr;
                        let r1 = q(rho1[i]);
                        let e = v - (Rat::one() - Rat::one() / r1) * (&orbit[k][i] - &star[i]) / &hr;
                        &e * &e
                    })
                    .sum();
                assert!(contains_sq(&got[k], &sq), "{method} n = {k}: {:?} misses √{sq}", got[k]);
                let rel = (got[k].sup() - got[k].inf()) / got[k].sup();
                assert!(rel < 1e-11, "{method} n = {k}: relative width {rel}");
            }
            assert!(got[n].sup() < 1e-6 * got[0].inf(), "the distance decays like ρ₂ⁿ");
        }
    }

    /// The root of p(ρ) = ρ² − Tρ + D in [lo, hi] (p changes sign there), bracketed by 200 bisections.
    fn bisect(t: &Rat, d: &Rat, mut lo: Rat, mut hi: Rat) -> (Rat, Rat) {
        let p = |r: &Rat| r * r - t * r + d;
        let rising = p(&lo) < Rat::zero();
        assert!(rising == (p(&hi) > Rat::zero()), "no sign change");
        for _ in 0..200 {
            let mid = (&lo + &hi) / q("2");
            if (p(&mid) > Rat::zero()) == rising {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        (lo, hi)
    }

    #[test]
    fn irrational_roots_and_distances_far_below_one() {
        // Heavy ball, q = 1, h = 1/1000, λ = 9/10: T = 1.899, D = 9/10, T² − 4D = 0.006201 is not a square.
        // ρ₁ ∈ (0.95, 1) (p(0.95) = −0.00155, p(1) = 0.001), ρ₂ ∈ (0.9, 0.95) (p(0.9) = 0.0009), bracketed by
        // bisection; ẽₙ = vₙ − (1 − 1/ρ₁)yₙ/h is monotone in ρ₁, so the two brackets' ends bound it.
        let (t, d) = (q("1.899"), q("9/10"));
        let r1 = bisect(&t, &d, q("0.95"), q("1"));
        let r2 = bisect(&t, &d, q("0.9"), q("0.95"));
        let s = spec("heavy_ball", json!([["1"]]), json!(["0"]), json!(["1"]), "1/1000", 5000, "2");
        let m = ExactManifold::new(&s).unwrap();
        let got = m.distances(5000);
        let h = q("1/1000");
        let orbit = exact_orbit(&[vec![q("1")]], &[q("0")], &[q("1")], &h, &d, &Rat::zero(), 150);
        let within = |x: &Interval, v: &Rat| {
            let (lo, hi) = (exact(x.inf()).unwrap(), exact(x.sup()).unwrap());
            &lo <= v && v <= &hi
        };
        for k in 0..=150 {
            let v = (&orbit[k][0] - &orbit[k.saturating_sub(1)][0]) / &h;
            for r in [&r1.0, &r1.1] {
                let e = (&v - (Rat::one() - Rat::one() / r) * &orbit[k][0] / &h).abs();
                assert!(within(&got[k], &e), "n = {k}: {:?} misses {}", got[k], crate::exact::fmt_rat(&e));
            }
        }
        // ẽ₅₀₀₀ = ẽ₀ρ₂⁵⁰⁰⁰ ≈ 10⁻²⁰⁴: squaring it would underflow; the enclosure keeps it to ~12 digits.
        let e0 = |r: &Rat| (Rat::one() - r) / (&h * r);
        let (lo, hi) = (e0(&r1.1) * r2.0.pow(5000), e0(&r1.0) * r2.1.pow(5000));
        let last = got[5000];
        assert!(within(&last, &lo) && within(&last, &hi), "{last:?}");
        assert!(last.inf() > 0.0 && (last.sup() - last.inf()) / last.sup() < 1e-10, "{last:?}");
        // The excess over a rate is taken as a ratio: (ρ₂/p)ⁿ stays representable when both sides underflow.
        let p = q("9/10");
        let excess = m.excess(&p, 5000).unwrap();
        let (lo, hi) = ((&r2.0 / &p).pow(5000), (&r2.1 / &p).pow(5000));
        assert!(within(&excess[5000], &lo) && within(&excess[5000], &hi), "{:?}", excess[5000]);
        assert!(excess[5000].inf() > 1e14);
    }

    #[test]
    fn euclidean_norm_of_tiny_and_huge_vectors() {
        let iv = |x: f64| Interval::try_from((x, x)).unwrap();
        // 3·2⁻¹⁰⁶⁰ and 4·2⁻¹⁰⁶⁰ (subnormal): |(3, 4)|·2⁻¹⁰⁶⁰ = 5·2⁻¹⁰⁶⁰, exactly representable.
        let t = 2f64.powi(-1000) * 2f64.powi(-60);
        let n = euclidean(&[iv(3.0 * t), iv(4.0 * t)]);
        assert!(n.inf() <= 5.0 * t && 5.0 * t <= n.sup() && n.sup() <= 6.0 * t, "{n:?}");
        // The smallest subnormal, and a vector whose squares overflow.
        let m = euclidean(&[iv(f64::from_bits(1))]);
        assert!(m.contains(f64::from_bits(1)) && m.sup().is_finite(), "{m:?}");
        let big = euclidean(&[iv(3e300), iv(4e300)]);
        assert!(big.contains(5e300) && big.sup() < 5.0001e300, "{big:?}");
        assert_eq!(euclidean(&[iv(0.0), iv(0.0)]), iv(0.0));
    }

    #[test]
    fn leading_order_distance_matches_a_rational_oracle() {
        // eₙ of (34) from the exact rational orbit, for a non-diagonal Q (no exact manifold needed) and for
        // heavy ball with complex roots (hq beyond (1 − √λ)²).
        let cases = [
            ("nesterov", "9/10", json!([["1", "1/5"], ["1/5", "1/2"]]), json!(["1/4", "0"]), "1/100", 150),
            ("heavy_ball", "0", json!([["20"]]), json!(["0"]), "1/64", 120),
        ];
        for (method, a, qm, b, h, n) in cases {
            let d = b.as_array().unwrap().len();
            let s = spec(method, qm, b, json!(vec!["1"; d]), h, n as u64, "4");
            let Objective::Quadratic { q: qq, b: bb } = &s.objective else { unreachable!() };
            let orbit_tube = crate::dynamics::spec_orbit(&s).unwrap();
            let got = leading_order_distances(&s, &orbit_tube).unwrap();
            let (hr, lam, ar) = (q(h), q("9/10"), q(a));
            let lb = Rat::one() / (Rat::one() - &lam);
            let c = &hr * &lb * (&lb - &ar);
            let orbit = exact_orbit(qq, bb, &s.x0, &hr, &lam, &ar, n);
            for k in 0..=n {
                let prev = &orbit[k.saturating_sub(1)];
                let u = &orbit[k];
                // ∇Φ = Qu − b; eₖ = vₖ + λ̄(∇Φ + cQ∇Φ).
                let g: Vec<Rat> = (0..d).map(|i| (0..d).map(|j| &qq[i][j] * &u[j]).sum::<Rat>() - &bb[i]).collect();
                let sq: Rat = (0..d)
                    .map(|i| {
                        let qg: Rat = (0..d).map(|j| &qq[i][j] * &g[j]).sum();
                        let e = (&u[i] - &prev[i]) / &hr + &lb * (&g[i] + &c * qg);
                        &e * &e
                    })
                    .sum();
                assert!(contains_sq(&got[k], &sq), "{method} n = {k}: {:?} misses √{sq}", got[k]);
                assert!(got[k].sup() - got[k].inf() < 1e-9, "{method} n = {k}: {:?}", got[k]);
            }
        }
    }

    #[test]
    fn fig5_records_the_printed_breach_and_the_corrected_bound() {
        // Heavy ball, q = 1, h = 1/380: one coordinate, ẽₙ = ρ₂ⁿẽ₀ with ρ₂ = 18/19 exactly, so the printed
        // bound's excess at N is (ρ₂/(λ + h²λδ))ᴺ, computed here in rationals.
        let n = 200;
        let s = spec("heavy_ball", json!([["1"]]), json!(["0"]), json!(["1"]), "1/380", n, "1");
        let all = crate::theorems::evaluate(&s);
        let get = |id: &str| all.iter().find(|c| c.id == id).unwrap().clone();
        let (t2, t5) = (get("ks.thm2"), get("ks.thm5"));
        assert_eq!(t5.status, Status::Verified, "{t5:?}");
        let rates = thm5_rates(&t5).unwrap();
        // The exact attraction factor lies below the corrected rate (Thm 5 holds along every orbit).
        assert!(t2.measured["offmanifold_factor"].hi() <= &rates.rate);
        // ρ₂ = 18/19 > printed: broken at the first step.
        assert!(rates.printed < q("18/19") && q("18/19") <= rates.rate);
        assert_eq!(t2.measured["printed_bound_broken_at"], Value::Exact(q("1")));
        let excess = (q("18/19") / &rates.printed).pow(n as i32);
        let got = enclosure(&t2, "printed_bound_excess_final");
        assert!(got.contains(&excess), "{} ∌ {}", got.to_string_exact(), crate::exact::fmt_rat(&excess));
        assert!((&got.hi - &got.lo) < &excess * q("1e-10"));
        // ẽ₀ = y₀(1 − ρ₁)/(hρ₁) = 380·(1/20)/(19/20) = 20.
        assert!(enclosure(&t2, "manifold_distance_0").contains(&q("20")));
        assert!(enclosure(&t2, "manifold_distance_final").contains(&(q("20") * q("18/19").pow(n as i32))));
        // Without a verified ks.thm5 nothing about the rates is recorded.
        let mut c = Claim::new("ks.thm2", "");
        let m = ExactManifold::new(&s).unwrap();
        record(&mut c, Some((&m, 10)), offmanifold_factor(&s).as_ref(), None, None);
        assert!(c.inequalities.is_empty() && !c.values.contains_key("printed_bound_broken_at"));
        assert!(c.values.contains_key("manifold_distance_final") && !c.values.contains_key("leading_order_distance_0"));
    }

    #[test]
    fn verified_thm5_implies_a_real_manifold_below_its_rate() {
        // Independent computations must agree: whenever ks.thm5 (Appendix C constants) is verified on a
        // diagonal quadratic, the exact manifold exists (real roots) and its factor is below the corrected rate.
        let mut verified = 0;
        for method in ["heavy_ball", "nesterov"] {
            for h in ["1/64", "1/256", "1/1024", "1/4096", "1/16384"] {
                for qv in ["1", "5", "20"] {
                    let s =
                        spec(method, json!([["1", "0"], ["0", qv]]), json!(["0", "0"]), json!(["1", "1"]), h, 16, "2");
                    let all = crate::theorems::evaluate(&s);
                    let t5 = all.iter().find(|c| c.id == "ks.thm5").unwrap();
                    let Some(r) = thm5_rates(t5) else { continue };
                    verified += 1;
                    let f = offmanifold_factor(&s).unwrap_or_else(|| panic!("{method} h = {h} q = {qv}: no manifold"));
                    assert!(f.hi <= r.rate, "{method} h = {h} q = {qv}");
                    assert!(exact_distances(&s, 16).is_ok());
                }
            }
        }
        assert!(verified >= 6, "only {verified} verified ks.thm5 claims");
    }

    #[test]
    fn fig5_series_has_the_exact_distances_only_with_the_manifold() {
        let s = spec("heavy_ball", json!([["1"]]), json!(["0"]), json!(["1"]), "1/380", 400, "1");
        let (leading, exact_d) = fig5_series(&s).unwrap();
        assert_eq!((leading.len(), exact_d.map(|e| e.len())), (401, Some(401)));
        // No manifold (complex roots): only eₙ of (34).
        let c = spec("heavy_ball", json!([["20"]]), json!(["0"]), json!(["1"]), "1/64", 50, "4");
        let (leading, exact_d) = fig5_series(&c).unwrap();
        assert!(exact_d.is_none() && leading.len() == 51);
        // Not scheme (7).
        let mut g = s.clone();
        g.algorithm.method = Method::Gd;
        assert!(fig5_series(&g).is_none());
    }

    #[test]
    fn offmanifold_factor_is_the_fast_root_and_breaks_the_printed_rate() {
        // ERRATA §3: Φ = u²/2, λ = 9/10, a = 0, h = 1/1000: ρ₂ = 0.9101267857… (trace 1.899, determinant 0.9;
        // ρ₂ = (1.899 − √(1.899² − 3.6))/2, √0.006201 = 0.0787464285…).
        let s = crate::spec::load_spec(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/heavy_ball.json"))
            .unwrap();
        let f = offmanifold_factor(&s).unwrap();
        assert!(
            f.lo > q("0.91012678") && f.hi < q("0.91012679") && &f.hi - &f.lo < q("1e-55"),
            "{}",
            f.to_string_exact()
        );
        // ρ₂ solves ρ² − 1.899ρ + 0.9 = 0: the polynomial changes sign across the enclosure (ρ₂ < ρ₁).
        let poly = |r: &Rat| r * r - q("1.899") * r + q("0.9");
        assert!(poly(&f.lo) > Rat::zero() && poly(&f.hi) < Rat::zero());
        let all = crate::theorems::evaluate(&s);
        let get = |id: &str| all.iter().find(|c| c.id == id).unwrap().clone();
        let (t2, t5) = (get("ks.thm2"), get("ks.thm5"));
        assert_eq!(t2.measured["offmanifold_factor"], Value::Enclosed(f.clone()));
        assert_eq!(t5.status, Status::Verified);
        assert!(t5.values["rate"].lo() >= &f.hi, "the valid rate bounds the true factor");
        assert!(t5.values["rate_printed"].hi() < &f.lo, "the printed rate is violated");
        // N = 10⁴: ẽ_N ≈ 10⁻⁴¹⁰ underflows f64, the excess (ρ₂/p)ᴺ ≈ e^99.4 does not.
        let excess = enclosure(&t2, "printed_bound_excess_final");
        assert!(excess.lo > q("1e43") && excess.hi < q("1e44"), "{}", excess.to_string_exact());
        // Across parameters, the factor lies below the rate of a verified ks.thm5 (the margin can be 10⁻²⁴), and
        // the printed rate is violated for heavy ball.
        let mut seen = 0;
        for (method, h) in
            [("heavy_ball", "1/2000"), ("heavy_ball", "1/5000"), ("nesterov", "1/1000"), ("nesterov", "1/5000")]
        {
            let sp = spec(method, json!([["1"]]), json!(["0"]), json!(["1"]), h, 10, "1");
            let all = crate::theorems::evaluate(&sp);
            let get = |id: &str| all.iter().find(|c| c.id == id).unwrap().clone();
            let (t2, t5) = (get("ks.thm2"), get("ks.thm5"));
            if t5.status != Status::Verified {
                continue;
            }
            seen += 1;
            let f = enclosure(&t2, "offmanifold_factor");
            assert!(t5.values["rate"].lo() >= &f.hi, "{method} h = {h}: rate below the factor");
            if method == "heavy_ball" {
                assert!(t5.values["rate_printed"].hi() < &f.lo, "{method} h = {h}");
            }
        }
        assert!(seen >= 3, "only {seen} verified ks.thm5 claims");
        // Not for gd, nor for a non-diagonal Q.
        let mut g = s.clone();
        g.algorithm.method = Method::Gd;
        assert_eq!(offmanifold_factor(&g), None);
        let mut nd = s;
        nd.objective =
            Objective::Quadratic { q: vec![vec![q("1"), q("1/10")], vec![q("1/10"), q("1/5")]], b: vec![q("0"); 2] };
        assert_eq!(offmanifold_factor(&nd), None);
    }
}
