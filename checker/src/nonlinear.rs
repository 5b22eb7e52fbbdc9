//! Validated trajectories of non-quadratic objectives (`expression`, `dataset`): the exact GD orbit
//! in mean-value form and the gradient flow by an interval Taylor method, as midpoint–radius tubes
//! ‖xₖ − mₖ‖₂ ≤ rₖ, verified from stored checkpoints. The engine runs these same functions to
//! write its tubes; `check` runs them again between the checkpoints the certificate stores.
//!
//! # GD orbit: mean-value form
//! xₖ₊₁ = Ψ(xₖ) = xₖ − h∇f(xₖ) from the spec's exact x₀ and h. With ‖xₖ − mₖ‖₂ ≤ rₖ:
//! * Ψ(mₖ) is enclosed by interval arithmetic at the point mₖ; mₖ₊₁ is the midpoint of that box
//!   and wₖ its Euclidean radius (rounded up);
//! * Ψ(xₖ) − Ψ(mₖ) = ∫₀¹ (I − h∇²f(mₖ + θ(xₖ − mₖ))) dθ (xₖ − mₖ); every ∇²f on the segment is
//!   symmetric with spectrum in [λ_lo, λ_hi] ([`Smooth::hessian_range_ball`]), so
//!   ‖Ψ(xₖ) − Ψ(mₖ)‖₂ ≤ ρₖrₖ with ρₖ = max(|1 − hλ_lo|, |1 − hλ_hi|).
//!
//! Hence rₖ₊₁ = ρₖrₖ + wₖ.
//!
//! # Gradient flow: interval Taylor method with an a-priori enclosure
//! ẏ = −c∇f(y) (c = 1: the gradient flow; c = (1 − λ)⁻¹: the rescaled flow (8) of 004), sampled
//! at t = kτ. Sample interval k is cut into nₖ equal substeps of exact length s = τ/nₖ (enclosed
//! from the rational). One substep from (m, r), ‖y − m‖₂ ≤ r:
//! 1. **A-priori enclosure** (Picard–Lindelöf, as in Lohner's and Nedialkov's methods): with B the
//!    box hull of the ball, Y is accepted when B + [0, s]·(−c∇f(Y)) ⊆ Y (ε-inflation, a fixed
//!    number of rounds). Every solution from B exists on [0, s] and stays in that left side.
//! 2. **Taylor enclosure of φ_s(m)** at the point m: the coefficients y₀ = m,
//!    yₖ₊₁ = −c[∇f(y)]ₖ/(k+1), k < p, in Taylor mode ([`Smooth::gradient_series`]), and the Lagrange
//!    remainder y_{p+1}(Y)·s^{p+1}, the (p+1)-th coefficient of the solutions from the a-priori box
//!    (the ODE is autonomous). p = [`ORDER`]. m′ is the midpoint of the enclosure, w its radius.
//! 3. **Wrapping control: a one-sided Lipschitz bound** (the logarithmic norm of −c∇²f): for two
//!    solutions in the convex box Y, d/dt ½‖x − z‖² ≤ ν‖x − z‖² with
//!    ν ≥ c·sup_Y(−λ_min(∇²f)) ([`Smooth::neg_lambda_min_sup`]), so ‖φ_s(x) − φ_s(m)‖ ≤ e^{sν}r.
//!    Hence r′ = e^{sν}r + w.
//!
//! **Substeps.** The engine chooses nₖ ([`Substeps::Adaptive`]: doubled when an a-priori enclosure
//! fails, a coefficient is unbounded or a remainder exceeds max(4u, s·[`TOLERANCE`])·(1 + ‖m‖∞);
//! halved after a sample whose remainders were all 2^{p+3} times smaller; beyond [`MAX_SUBSTEPS`]
//! the radius is +∞ from that sample on) and the certificate stores them; the checker runs the
//! stored nₖ ([`Substeps::Stored`]) and searches nothing.
//!
//! # Checkpoints
//! The certificate stores (k, mₖ, rₖ) at a stride. The checker starts from the exact start,
//! recomputes every step, and at each checkpoint requires the stored ball to hold its own:
//! ‖m − c‖₂ + r ≤ r_c; it then restarts from the checkpoint. A radius that is +∞ (an enclosure
//! that failed) cannot be held by any checkpoint, so none may follow it.
//!
//! Enclosure: rigorous. Tightness: for a contracting flow the radius stays near (per-substep
//! width)/(1 − e^{sν}); for expanding directions it grows like e^{νt}.

use crate::elementary::Elementary;
use crate::exact::Rat;
use crate::interval::{exact, norm2, point, pt, rat_to_interval, IMat};
use crate::taylor::SeriesMap;
use crate::tube::{Ball, Checkpoint};
use inari::Interval;
use num_traits::{ToPrimitive, Zero};

/// Order p of the Taylor polynomial of one substep. (Measured on the digits objective, d = 65: the
/// remainder on the a-priori box, not the series itself, limits the substep; p = 16 allows twice the
/// substep of p = 12 there at 4/3 the cost per substep.)
pub const ORDER: usize = 16;

/// Remainder allowed per unit time, relative to 1 + ‖m‖∞ (the engine's choice of substeps).
pub const TOLERANCE: f64 = 1.0 / (1u64 << 36) as f64;

/// Largest number of substeps per sample (stored counts beyond it are refused).
pub const MAX_SUBSTEPS: usize = 1 << 14;

/// Largest number of substeps of a whole flow: what a certificate may make the checker compute
/// (the engine gives up, radius +∞, where it would need more).
pub const MAX_TOTAL_SUBSTEPS: usize = 1 << 20;

/// Rounds of ε-inflation tried for one a-priori enclosure.
const PICARD_ROUNDS: usize = 12;

/// What the validated trajectories read of an objective: ∇f over boxes and along Taylor series, and
/// the spectrum of ∇²f over boxes and balls.
pub trait Smooth: Sync {
    /// Dimension.
    fn dim(&self) -> usize;

    /// Encloses ∇f(x) for every x in the box. Enclosure: rigorous.
    fn gradient(&self, x: &[Interval]) -> Vec<Interval>;

    /// ∇f along a Taylor series y(t) = Σ yₖtᵏ, one coefficient per call: call k of
    /// [`SeriesMap::push`] takes yₖ and returns coefficient k of ∇f(y(t)). Enclosure: rigorous.
    fn gradient_series(&self) -> Box<dyn SeriesMap + '_>;

    /// [λ_lo, λ_hi] holding the spectrum of ∇²f(x) for every x in the box (infinite ends when
    /// unbounded). Enclosure: rigorous.
    fn hessian_range(&self, x: &[Interval]) -> (f64, f64);

    /// [`Smooth::hessian_range`] over the Euclidean ball ‖x − m‖₂ ≤ r: by default on its box hull.
    ///
    /// Enclosure: rigorous.
    fn hessian_range_ball(&self, m: &[f64], r: f64) -> (f64, f64) {
        self.hessian_range(&ball_box(m, r))
    }

    /// The interval Hessian over the box (`shadow.finite`'s reference Hessian and its deviation).
    /// Enclosure: rigorous (entries may be unbounded).
    fn hessian_matrix(&self, x: &[Interval]) -> IMat;

    /// An upper bound of ‖D³f(x)‖ (the trilinear form's norm) over the box, +∞ when unbounded.
    /// Enclosure: rigorous.
    fn third_norm_sup(&self, x: &[Interval]) -> f64;

    /// An upper bound of λ_min(∇²f(x)) valid at every x in the box (+∞ when none is known): a
    /// lower bound of −λ_min, what the lower end of `ec.thm1`'s ∫λ₋ reads. Enclosure: rigorous.
    fn lambda_min_sup(&self, _x: &[Interval]) -> f64 {
        f64::INFINITY
    }

    /// An upper bound of −λ_min(∇²f(x)) over the box (+∞ when unbounded). Enclosure: rigorous.
    fn neg_lambda_min_sup(&self, x: &[Interval]) -> f64 {
        let lo = self.hessian_range(x).0;
        if lo.is_nan() {
            f64::INFINITY
        } else {
            -lo
        }
    }
}

/// The box hull of the ball B(m, r): coordinate i in [mᵢ − r, mᵢ + r] (outward; unbounded where an
/// end is not finite). Enclosure: rigorous.
pub fn ball_box(m: &[f64], r: f64) -> Vec<Interval> {
    let r = Interval::try_from((-r, r)).unwrap_or(Interval::ENTIRE);
    m.iter().map(|&x| pt(x) + r).collect()
}

fn points(m: &[f64]) -> Vec<Interval> {
    m.iter().map(|&x| point(x)).collect()
}

/// The midpoint of a box and an upper bound of the Euclidean distance from it to any point of the
/// box; `None` when a coordinate is unbounded or empty.
pub fn center(b: &[Interval]) -> Option<(Vec<f64>, f64)> {
    let mut mid = Vec::with_capacity(b.len());
    let mut rad = Vec::with_capacity(b.len());
    for x in b {
        if x.is_empty() || !x.inf().is_finite() || !x.sup().is_finite() {
            return None;
        }
        let m = x.mid();
        rad.push(point((point(x.sup()) - point(m)).sup().max((point(m) - point(x.inf())).sup())));
        mid.push(m);
    }
    let w = norm2(&rad).sup();
    w.is_finite().then_some((mid, w))
}

/// The start of a tube: the nearest `f64`s m₀ of the exact x₀ and r₀ ≥ ‖x₀ − m₀‖₂.
///
/// Enclosure: rigorous (the residuals x₀ − m₀ are exact rationals, enclosed outward).
pub fn start(x0: &[Rat]) -> (Vec<f64>, f64) {
    let m: Vec<f64> = x0.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)).collect();
    let res: Vec<Interval> =
        x0.iter().zip(&m).map(|(v, &c)| exact(c).map_or(Interval::ENTIRE, |c| rat_to_interval(&(v - c)))).collect();
    (m, norm2(&res).sup())
}

/// [λ_lo, λ_hi] holding every eigenvalue of every symmetric member of the interval matrix `h`:
/// d = 1 the entry; d = 2 the closed form (a + c)/2 ± √(((a − c)/2)² + b²) in interval arithmetic
/// (intersected with the Gershgorin discs); larger d the Gershgorin discs, tightened at shifts σ =
/// (an `f64` Jacobi estimate of the midpoint's extreme eigenvalue) + a margin, verified by interval
/// Cholesky: on the midpoint matrix M (margins from rounding size to 10⁻⁶‖M‖_F), then widened by
/// Weyl's ρ ≥ ‖S − M‖₂ for every member S; or on the interval matrix itself at margins ρ/16, ρ/4
/// when that is tighter. (−∞, ∞) when an entry is unbounded.
///
/// Enclosure: rigorous. Tightness: exact up to rounding for d ≤ 2 on point matrices; within the
/// first verified margin beyond.
pub fn spectrum_hull(h: &IMat) -> (f64, f64) {
    let n = h.rows;
    if h.a.iter().any(|x| x.is_empty() || !x.inf().is_finite() || !x.sup().is_finite()) {
        return (f64::NEG_INFINITY, f64::INFINITY);
    }
    match n {
        0 => (0.0, 0.0),
        1 => (h.a[0].inf(), h.a[0].sup()),
        2 => {
            let (a, b, c) = (h.at(0, 0), h.at(0, 1), h.at(1, 1));
            let half = point(0.5);
            let (m, e) = ((a + c) * half, (a - c) * half);
            let disc = (e.sqr() + b.sqr()).sqrt();
            let (lo, hi) = ((m - disc).inf(), (m + disc).sup());
            // Gershgorin: tighter on wide boxes, where the closed form repeats a and c.
            let r = point(b.mag());
            let glo = (a - r).inf().min((c - r).inf());
            let ghi = (a + r).sup().max((c + r).sup());
            if lo.is_nan() || hi.is_nan() {
                (f64::NEG_INFINITY, f64::INFINITY)
            } else {
                (lo.max(glo), hi.min(ghi))
            }
        }
        _ => {
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for i in 0..n {
                let r = (0..n).filter(|&j| j != i).fold(point(0.0), |s, j| s + point(h.at(i, j).mag()));
                lo = lo.min((h.at(i, i) - r).inf());
                hi = hi.max((h.at(i, i) + r).sup());
            }
            // The symmetric midpoint M and radius matrix R of the lower triangle (what the symmetric
            // members share): every member S has |S − M| ≤ R entrywise.
            let low = |i: usize, j: usize| h.at(i.max(j), i.min(j));
            let mid: Vec<f64> = (0..n * n).map(|k| low(k / n, k % n).mid()).collect();
            let rad: Vec<Interval> = (0..n * n).map(|k| point(low(k / n, k % n).rad())).collect();
            let (est_lo, est_hi) = jacobi_extremes(&mid, n);
            // ρ ≥ ‖S − M‖₂ for every member: min(‖R‖_∞, ‖R‖_F).
            let rows = (0..n).map(|i| rad[i * n..(i + 1) * n].iter().fold(point(0.0), |s, &x| s + x).sup());
            let rho = rows.fold(0.0, f64::max).min(norm2(&rad).sup());
            let tiny = |x: f64| 1e-12 * (1.0 + x.abs()) + 4.0 * f64::EPSILON * frobenius(&mid);
            let scale = frobenius(&mid);
            // s·A + σI ≻ 0 by interval Cholesky.
            let shifted = |a: &[Interval], sigma: f64, s: f64| {
                let a = (0..n * n)
                    .map(|k| point(s) * a[k] + if k / n == k % n { point(sigma) } else { point(0.0) })
                    .collect();
                IMat { rows: n, cols: n, a }.is_positive_definite()
            };
            let m: Vec<Interval> = mid.iter().map(|&x| point(x)).collect();
            // An end σ of M's spectrum, verified on the point matrix M (margins at rounding size, then
            // 10⁻⁹ and 10⁻⁶ of ‖M‖_F: a multiple eigenvalue leaves M − σI nearly singular), widened
            // by ρ (Weyl); or σ of the interval matrix itself at margins ρ/16, ρ/4, when tighter.
            // `s` = −1 for the upper end (σI − H ≻ 0), +1 for the lower (H + σI ≻ 0 at σ = −λ).
            let end = |est: f64, s: f64, bound: f64| -> f64 {
                let sigma = |p: f64| -s * est + tiny(est) + p;
                let mut best = [0.0, 1e-9 * scale, 1e-6 * scale]
                    .into_iter()
                    .map(sigma)
                    .find(|&g| g.is_finite() && shifted(&m, g, s))
                    .map_or(bound, |g| bound.min((point(g) + pt(rho)).sup()));
                if rho > 0.0 {
                    if let Some(g) = [rho / 16.0, rho / 4.0]
                        .into_iter()
                        .map(sigma)
                        .find(|&g| g.is_finite() && g < best && shifted(&h.a, g, s))
                    {
                        best = g;
                    }
                }
                best
            };
            let up = end(est_hi, -1.0, hi);
            let down = end(est_lo, 1.0, -lo);
            (-down, up)
        }
    }
}

/// An upper bound of λ_min of every symmetric member of `h`: the smallest upper end of a diagonal
/// entry (Rayleigh quotients at the coordinate vectors), and for d = 2 the closed form's. +∞ when
/// not finite. Enclosure: rigorous.
pub fn lambda_min_sup(h: &IMat) -> f64 {
    let n = h.rows;
    let mut best = (0..n).map(|i| h.at(i, i).sup()).fold(f64::INFINITY, f64::min);
    if n == 2 {
        let (a, b, c) = (h.at(0, 0), h.at(0, 1), h.at(1, 1));
        let half = point(0.5);
        let low = (a + c) * half - (((a - c) * half).sqr() + b.sqr()).sqrt();
        if !low.sup().is_nan() {
            best = best.min(low.sup());
        }
    }
    if best.is_nan() {
        f64::INFINITY
    } else {
        best
    }
}

fn frobenius(a: &[f64]) -> f64 {
    a.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// Estimates of the smallest and largest eigenvalues of the symmetric `f64` matrix `a` (row-major,
/// n × n) by cyclic Jacobi rotations (at most 12 sweeps). Not an enclosure: [`spectrum_hull`]
/// verifies what it uses.
fn jacobi_extremes(a: &[f64], n: usize) -> (f64, f64) {
    let mut a = a.to_vec();
    for _ in 0..12 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j].powi(2))
            .sum();
        // Converged, or not a number (then the estimates are only not used).
        if off.is_nan() || off <= 1e-30 * frobenius(&a).powi(2) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
            }
        }
    }
    (0..n).map(|i| a[i * n + i]).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), d| (lo.min(d), hi.max(d)))
}

// ---------------------------------------------------------------------------------------------
// GD orbit
// ---------------------------------------------------------------------------------------------

/// One mean-value GD step from (m, r); `None` when an enclosure is unbounded.
///
/// Enclosure: rigorous (module documentation, "GD orbit").
pub fn gd_step(o: &dyn Smooth, m: &[f64], r: f64, h: Interval) -> Option<(Vec<f64>, f64)> {
    let g = o.gradient(&points(m));
    let psi: Vec<Interval> = m.iter().zip(&g).map(|(&x, &gx)| point(x) - h * gx).collect();
    let (next, w) = center(&psi)?;
    let r_next = (gd_spread(o, m, r, h) + point(w)).sup();
    r_next.is_finite().then_some((next, r_next))
}

/// ρ·r ≥ sup ‖Ψ(x) − Ψ(m)‖₂ over the ball ‖x − m‖₂ ≤ r, Ψ(x) = x − h∇f(x), ρ of [`gd_contraction`].
fn gd_spread(o: &dyn Smooth, m: &[f64], r: f64, h: Interval) -> Interval {
    if r == 0.0 {
        return point(0.0);
    }
    let rho = gd_contraction(o, m, r, h);
    if !rho.is_finite() || !r.is_finite() {
        return Interval::ENTIRE;
    }
    point(rho) * point(r)
}

/// ρ ≥ ‖I − h∇²f(x)‖₂ for every x in the ball ‖x − m‖₂ ≤ r: ρ = max(|1 − hλ_lo|, |1 − hλ_hi|). Since
/// the ball is convex, ρ also bounds ‖∫₀¹ (I − h∇²f(x + θ(z − x))) dθ‖₂ for two points of it. +∞
/// when unbounded.
///
/// Enclosure: rigorous (an upper bound).
pub fn gd_contraction(o: &dyn Smooth, m: &[f64], r: f64, h: Interval) -> f64 {
    let (lo, hi) = o.hessian_range_ball(m, r);
    let one = point(1.0);
    let ends = |l: f64| Interval::try_from((l, l)).map_or(f64::INFINITY, |l| (one - h * l).abs().sup());
    let rho = ends(lo).max(ends(hi));
    if rho.is_nan() {
        f64::INFINITY
    } else {
        rho
    }
}

/// An interval containing the GD local error ‖yₖ₊₁ − Ψ(yₖ)‖₂, Ψ(y) = y − h∇f(y), for every pair of
/// points with ‖yₖ − mₖ‖₂ ≤ rₖ and ‖yₖ₊₁ − mₖ₊₁‖₂ ≤ rₖ₊₁ (two samples of a flow tube):
/// ‖mₖ₊₁ − Ψ(mₖ)‖₂ ± (rₖ₊₁ + ρrₖ), ρ of [`gd_contraction`]. `None` when unbounded.
///
/// Enclosure: rigorous. Tightness: width 2(rₖ₊₁ + ρrₖ) plus the width of Ψ(mₖ).
pub fn gd_local_error(
    o: &dyn Smooth,
    (m, r): (&[f64], f64),
    (m_next, r_next): (&[f64], f64),
    h: &Rat,
) -> Option<Interval> {
    if !r.is_finite() || !r_next.is_finite() {
        return None;
    }
    let hi = rat_to_interval(h);
    let g = o.gradient(&points(m));
    let d: Vec<Interval> =
        m.iter().zip(&g).zip(m_next).map(|((&x, &gx), &y)| point(y) - (point(x) - hi * gx)).collect();
    let n = norm2(&d);
    let spread = gd_spread(o, m, r, hi) + point(r_next);
    let (lo, up) = ((n - spread).inf().max(0.0), (n + spread).sup());
    Interval::try_from((lo, up)).ok().filter(|_| up.is_finite())
}

// ---------------------------------------------------------------------------------------------
// Gradient flow
// ---------------------------------------------------------------------------------------------

/// The Taylor coefficients y₀..y_order of the solutions of ẏ = −c∇f(y) from y(0) ∈ `y0` (a box).
///
/// Enclosure: rigorous (module documentation, step 2).
pub fn taylor_coefficients(o: &dyn Smooth, y0: &[Interval], c: Interval, order: usize) -> Vec<Vec<Interval>> {
    let mut grad = o.gradient_series();
    let mut coefs = vec![y0.to_vec()];
    for k in 0..order {
        let gk = grad.push(&coefs[k]);
        let div = point((k + 1) as f64);
        coefs.push(gk.iter().map(|&g| -(c * g) / div).collect());
    }
    coefs
}

/// An a-priori enclosure Y of every solution of ẏ = −c∇f(y) from the box `b` over [0, s]:
/// b + [0, s]·(−c∇f(Y)) ⊆ Y, by ε-inflation; returns that left side, or `None`.
///
/// Enclosure: rigorous (Picard–Lindelöf: the Picard operator maps the continuous functions with
/// values in Y into themselves, so a solution exists in Y; it is unique since ∇f is C¹ on Y).
pub fn a_priori(o: &dyn Smooth, b: &[Interval], c: Interval, s: Interval) -> Option<Vec<Interval>> {
    let t = Interval::try_from((0.0, s.sup())).ok()?;
    let image = |y: &[Interval]| -> Vec<Interval> {
        o.gradient(y).iter().zip(b).map(|(&g, &bi)| bi + t * (-(c * g))).collect()
    };
    picard(b, &image)
}

/// The ε-inflation iteration for an a-priori enclosure: `image(Y)` = b + [0, s]·F(Y); returns
/// image(Y) once image(Y) ⊆ Y for the inflated Y.
pub fn picard(b: &[Interval], image: &dyn Fn(&[Interval]) -> Vec<Interval>) -> Option<Vec<Interval>> {
    let mut y = image(b);
    for _ in 0..PICARD_ROUNDS {
        if y.iter().any(|x| x.is_empty() || !x.inf().is_finite() || !x.sup().is_finite()) {
            return None;
        }
        // A width that rounds up to +∞ (ends of opposite signs near f64::MAX) gives up.
        if y.iter().any(|x| !x.wid().is_finite()) {
            return None;
        }
        let inflated: Vec<Interval> = y
            .iter()
            .map(|&x| {
                let e =
                    (point(0.2) * point(x.wid()) + point(2f64.powi(-45)) * point(x.mag())).sup() + f64::MIN_POSITIVE;
                x + Interval::try_from((-e, e)).unwrap_or(Interval::ENTIRE)
            })
            .collect();
        let z = image(&inflated);
        if z.iter().zip(&inflated).all(|(zi, yi)| !zi.is_empty() && zi.subset(*yi)) {
            return Some(z);
        }
        y = z;
    }
    None
}

/// Why a sample was not enclosed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Try again with more substeps.
    Smaller,
    /// Give up (overflow).
    Fail,
}

/// The Taylor polynomial Σₖ yₖsᵏ (coefficients `coefs` at the point) plus the Lagrange remainder
/// `rem`·s^{p+1} (coefficient p + 1 over the a-priori box), by Horner, and the remainder's magnitude;
/// `Retry::Smaller` when the remainder is unbounded. Enclosure: rigorous.
pub fn taylor_enclosure(coefs: &[Vec<Interval>], rem: &[Interval], s: Interval) -> Result<(Vec<Interval>, f64), Retry> {
    let sp = s.powi(coefs.len() as i32);
    let mut rem_mag = 0.0f64;
    let mut enclosure = Vec::with_capacity(rem.len());
    for (i, &ri) in rem.iter().enumerate() {
        rem_mag = rem_mag.max((ri * sp).mag());
        enclosure.push(coefs.iter().rev().fold(ri, |acc, ck| acc * s + ck[i]));
    }
    if rem_mag.is_finite() {
        Ok((enclosure, rem_mag))
    } else {
        Err(Retry::Smaller)
    }
}

/// One substep of length s from (m, r): the new (m′, r′), the remainder's magnitude and the
/// a-priori box of the path over the substep.
fn substep(
    o: &dyn Smooth,
    m: &[f64],
    r: f64,
    c: Interval,
    s: Interval,
) -> Result<(Vec<f64>, f64, f64, Vec<Interval>), Retry> {
    let b = ball_box(m, r);
    let y = a_priori(o, &b, c, s).ok_or(Retry::Smaller)?;
    let nl = o.neg_lambda_min_sup(&y);
    let nu = if nl.is_finite() { (c * point(nl)).sup() } else { f64::INFINITY };
    if !nu.is_finite() {
        return Err(Retry::Smaller);
    }
    let coefs = taylor_coefficients(o, &points(m), c, ORDER);
    let rem = taylor_coefficients(o, &y, c, ORDER + 1).pop().expect("ORDER + 2 coefficients");
    let (enclosure, rem_mag) = taylor_enclosure(&coefs, &rem, s)?;
    let (next, w) = center(&enclosure).ok_or(Retry::Fail)?;
    let r_next = ((s * point(nu)).exp() * point(r) + point(w)).sup();
    if !r_next.is_finite() {
        return Err(Retry::Fail);
    }
    Ok((next, r_next, rem_mag, y))
}

/// One sample interval [kτ, (k+1)τ] from (m, r) in `n` equal substeps: the new (m, r), whether
/// every remainder was far below the tolerance (`easy`: the engine may try half as many next), and
/// the hull of the substeps' a-priori boxes (it holds the path over the interval).
///
/// Enclosure: rigorous.
pub fn sample(
    o: &dyn Smooth,
    (m, r): (&[f64], f64),
    c: Interval,
    tau: &Rat,
    n: usize,
) -> Result<(Vec<f64>, f64, bool, Vec<Interval>), Retry> {
    let s = rat_to_interval(&(tau / Rat::from_integer(n.into())));
    let (mut m, mut r) = (m.to_vec(), r);
    let mut easy = true;
    let mut swept: Option<Vec<Interval>> = None;
    for _ in 0..n {
        let (next, r_next, rem, y) = substep(o, &m, r, c, s)?;
        swept = Some(match swept {
            None => y,
            Some(w) => w.iter().zip(&y).map(|(a, b)| a.convex_hull(*b)).collect(),
        });
        let scale = m.iter().fold(0.0f64, |a, x| a.max(x.abs()));
        let tol = (2.0 * f64::EPSILON).max(TOLERANCE * s.sup()) * (1.0 + scale);
        if rem > tol {
            return Err(Retry::Smaller);
        }
        easy &= rem <= tol / 2f64.powi(ORDER as i32 + 3);
        (m, r) = (next, r_next);
    }
    Ok((m, r, easy, swept.expect("n ≥ 1 substeps")))
}

/// Boxes covering the exact solution of ẏ = −c∇f(y) between consecutive samples of a flow tube
/// (`balls`, sampled every τ): for the interval [kτ, (k + 1)τ], `pieces` boxes cover [kτ, kτ + τ/2],
/// each a time piece of length τ/(2·pieces), by a-priori enclosures chained forward from the box of
/// sample k, and as many cover [kτ + τ/2, (k + 1)τ] backward from the box of sample k + 1 (the
/// time-reversed flow ẏ = +c∇f). Returns, per interval, the piece length and the 2·pieces boxes;
/// `pieces` doubles (from 1, at most to 64, never back) until every enclosure of the interval
/// verifies — a deterministic computation, the same in engine and checker. `None` when a radius is
/// +∞ or no enclosure verifies (what `ec.thm1` integrates λ₋ over).
///
/// Enclosure: rigorous (each box is a Picard–Lindelöf a-priori enclosure, [`a_priori`]: the
/// solution through any point of the starting box stays in it over the piece; chaining from the
/// previous box covers the solution through the sample ball).
pub fn flow_cover(o: &dyn Smooth, balls: &[Ball], c: &Rat, tau: &Rat) -> Option<Vec<(Interval, Vec<Vec<Interval>>)>> {
    let ci = rat_to_interval(c);
    let mut out = Vec::with_capacity(balls.len().saturating_sub(1));
    let mut pieces = 1usize;
    for w in balls.windows(2) {
        if !w[0].radius.is_finite() || !w[1].radius.is_finite() {
            return None;
        }
        let (start, end) = (ball_box(&w[0].centre, w[0].radius), ball_box(&w[1].centre, w[1].radius));
        loop {
            let s = rat_to_interval(&(tau / Rat::from_integer((2 * pieces).into())));
            let chain = |from: &[Interval], c: Interval| -> Option<Vec<Vec<Interval>>> {
                let mut boxes: Vec<Vec<Interval>> = Vec::with_capacity(pieces);
                for _ in 0..pieces {
                    let y = a_priori(o, boxes.last().map_or(from, |b| b.as_slice()), c, s)?;
                    boxes.push(y);
                }
                Some(boxes)
            };
            if let (Some(mut fwd), Some(bwd)) = (chain(&start, ci), chain(&end, -ci)) {
                fwd.extend(bwd);
                out.push((s, fwd));
                break;
            }
            if pieces >= 64 {
                return None;
            }
            pieces *= 2;
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Tubes from checkpoints
// ---------------------------------------------------------------------------------------------

/// How many substeps each sample of a flow takes.
pub enum Substeps<'a> {
    /// The engine's choice (module documentation), recorded as it goes.
    Adaptive(&'a mut Vec<u32>),
    /// The counts a certificate stores, one per sample.
    Stored(&'a [u32]),
}

/// A verified tube: the ball of every sample and, for a flow, the box holding the path between
/// consecutive samples (`None` past a failed enclosure).
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// Ball k holds the exact state k (radius +∞ from the first failed step on).
    pub balls: Vec<Ball>,
    /// Box k holds the exact path between samples k and k + 1 (flows only).
    pub segments: Vec<Option<Vec<Interval>>>,
}

/// The state of a tube at a step, as a checkpoint stores it.
pub trait State: Clone + Send {
    /// The Euclidean ball of the sample.
    fn ball(&self) -> Ball;

    /// Whether the radius is finite (not past a failed step).
    fn bounded(&self) -> bool;

    /// The checkpoint of this state at step `k`; `None` past a failed step.
    fn checkpoint(&self, k: usize) -> Option<Checkpoint>;

    /// Whether every point this state holds lies in the checkpoint's set (`false` past a failed
    /// step and on NaN). Enclosure: rigorous.
    fn within(&self, c: &Checkpoint) -> bool;
}

/// A state ‖x − m‖₂ ≤ r of a first-order tube.
#[derive(Clone, Debug)]
pub struct Plain {
    /// Centre.
    pub m: Vec<f64>,
    /// Euclidean radius (+∞ past a failed step).
    pub r: f64,
}

impl State for Plain {
    fn ball(&self) -> Ball {
        Ball { centre: self.m.clone(), radius: self.r }
    }

    fn bounded(&self) -> bool {
        self.r.is_finite()
    }

    fn checkpoint(&self, k: usize) -> Option<Checkpoint> {
        self.r.is_finite().then(|| Checkpoint { k, centre: self.m.clone(), radius: self.r, norm: None })
    }

    /// ‖m − c‖₂ + r ≤ r_c.
    fn within(&self, c: &Checkpoint) -> bool {
        c.norm.is_none() && reaches(&self.m, self.r, c, norm2)
    }
}

/// Whether ‖m − c‖ + r ≤ r_c for the checkpoint c, in the norm `norm` of the difference (`false`
/// when r is +∞, a centre is not finite or the dimensions differ). Enclosure: rigorous.
pub fn reaches(m: &[f64], r: f64, c: &Checkpoint, norm: impl Fn(&[Interval]) -> Interval) -> bool {
    let radius_ok = r.is_finite() && r >= 0.0;
    if !radius_ok || m.len() != c.centre.len() || m.iter().chain(&c.centre).any(|x| !x.is_finite()) {
        return false;
    }
    let d: Vec<Interval> = m.iter().zip(&c.centre).map(|(&a, &b)| point(a) - point(b)).collect();
    let reach = (norm(&d) + point(r)).sup();
    matches!(reach.partial_cmp(&c.radius), Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal))
}

/// A step of a tube: from state k, state k + 1 and, for a flow, the box of the path between
/// (radius +∞ when an enclosure fails; a step from radius +∞ gives +∞).
pub type Next<S> = (S, Option<Vec<Interval>>);

/// Runs a tube from state `k0` (`start`) to `steps`: verifying the stored `checkpoints` when
/// given (`verify_segments`), otherwise sequentially, writing a checkpoint every `stride` steps
/// and at the last finite state.
pub fn run_tube<S: State>(
    (k0, start): (usize, S),
    steps: usize,
    (checkpoints, stride): (Option<&[Checkpoint]>, usize),
    restart: &(dyn Fn(&Checkpoint) -> Result<S, String> + Sync),
    step: &(dyn Fn(usize, &S) -> Next<S> + Sync),
) -> Result<(Run, Vec<Checkpoint>), String> {
    if let Some(cps) = checkpoints {
        return verify_segments(cps, (k0, start), steps, restart, step).map(|run| (run, Vec::new()));
    }
    let (mut s, mut run, mut written) = (start, Run::default(), Vec::new());
    for k in k0..=steps {
        if k % stride.max(1) == 0 || k == steps || k == k0 {
            written.extend(s.checkpoint(k));
        }
        run.balls.push(s.ball());
        if k < steps {
            let (next, segment) = step(k, &s);
            run.segments.push(segment);
            s = next;
        }
    }
    Ok((run, written))
}

/// Verifies stored checkpoints (module documentation, "Checkpoints"): the first, at k₀, must hold
/// the exact start; from each checkpoint the steps run to the next, which must hold the result. A
/// start whose radius is +∞ takes no checkpoint, and every state after it is unbounded. The
/// segments restart from their checkpoints, so they are independent: they run on the available
/// cores, and the run is the same, ball for ball, as one sequential pass.
fn verify_segments<S: State>(
    cps: &[Checkpoint],
    (k0, start): (usize, S),
    steps: usize,
    restart: &(dyn Fn(&Checkpoint) -> Result<S, String> + Sync),
    step: &(dyn Fn(usize, &S) -> Next<S> + Sync),
) -> Result<Run, String> {
    if !start.bounded() {
        if !cps.is_empty() {
            return Err(format!("a checkpoint follows the unbounded state at k = {k0}"));
        }
        // Every step from an unbounded state is unbounded.
        let (mut s, mut run) = (start, Run::default());
        for k in k0..=steps {
            run.balls.push(s.ball());
            if k < steps {
                let (next, segment) = step(k, &s);
                run.segments.push(segment);
                s = next;
            }
        }
        return Ok(run);
    }
    if cps.first().is_none_or(|c| c.k != k0) {
        return Err(format!("no checkpoint at k = {k0}"));
    }
    if cps.windows(2).any(|w| w[1].k <= w[0].k) || cps.last().is_some_and(|c| c.k > steps) {
        return Err("checkpoints out of order or beyond the horizon".into());
    }
    if !start.within(&cps[0]) {
        return Err(format!("the checkpoint at k = {k0} does not contain the step's enclosure"));
    }
    // Segment i: from checkpoint i to checkpoint i + 1 (the last one to the horizon).
    let segment = |i: usize| -> Result<Run, String> {
        let end = cps.get(i + 1).map_or(steps, |c| c.k);
        let mut s = restart(&cps[i]).map_err(|e| format!("checkpoint at k = {}: {e}", cps[i].k))?;
        let mut run = Run::default();
        for k in cps[i].k..end {
            run.balls.push(s.ball());
            let (next, seg) = step(k, &s);
            run.segments.push(seg);
            s = next;
        }
        match cps.get(i + 1) {
            Some(c) if !s.within(c) => {
                Err(format!("the checkpoint at k = {} does not contain the step's enclosure", c.k))
            }
            Some(_) => Ok(run),
            None => {
                run.balls.push(s.ball());
                Ok(run)
            }
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8).min(cps.len());
    let chunk = cps.len().div_ceil(threads);
    let parts: Vec<Vec<Result<Run, String>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let segment = &segment;
                s.spawn(move || (t * chunk..((t + 1) * chunk).min(cps.len())).map(segment).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    let mut out = Run::default();
    for part in parts.into_iter().flatten() {
        let part = part?;
        out.balls.extend(part.balls);
        out.segments.extend(part.segments);
    }
    Ok(out)
}

/// A Euclidean checkpoint's state (no norm, the tube's dimension).
fn plain_restart(d: usize) -> impl Fn(&Checkpoint) -> Result<Plain, String> + Sync {
    move |c: &Checkpoint| {
        if c.norm.is_some() || c.centre.len() != d || c.radius < 0.0 {
            return Err("a Euclidean checkpoint of the tube's dimension with a radius ≥ 0 expected".into());
        }
        Ok(Plain { m: c.centre.clone(), r: c.radius })
    }
}

/// The exact GD orbit xₖ₊₁ = xₖ − h∇f(xₖ), k = 0..=steps, from x₀: verifying the stored
/// `checkpoints`, or, without them, writing one every `stride` steps and at the last finite
/// state. Fails, naming the step, when a checkpoint does not verify.
///
/// Enclosure: rigorous (module documentation); radius +∞ from the first unbounded step.
pub fn gd_orbit(
    o: &dyn Smooth,
    x0: &[Rat],
    h: &Rat,
    steps: usize,
    checkpoints: Option<&[Checkpoint]>,
    stride: usize,
) -> Result<(Run, Vec<Checkpoint>), String> {
    let hi = rat_to_interval(h);
    let (m, r) = start(x0);
    let step = |_: usize, s: &Plain| -> Next<Plain> {
        match Some(s).filter(|s| s.r.is_finite()).and_then(|s| gd_step(o, &s.m, s.r, hi)) {
            Some((m, r)) => (Plain { m, r }, None),
            None => (Plain { m: s.m.clone(), r: f64::INFINITY }, None),
        }
    };
    let restart = plain_restart(x0.len());
    // An orbit has no path between its points.
    run_tube((0, Plain { m, r }), steps, (checkpoints, stride), &restart, &step)
        .map(|(run, cps)| (Run { segments: Vec::new(), ..run }, cps))
}

/// The solution of ẏ = −c∇f(y), y(0) = y₀ (exact), sampled at y(kτ), k = 0..=steps (c = 1: the
/// gradient flow; c = (1 − λ)⁻¹: the rescaled flow (8)), with `substeps` per sample, verifying or
/// writing checkpoints as [`gd_orbit`]. c and τ must be positive.
///
/// Enclosure: rigorous (module documentation); radius +∞ from the first sample that fails.
#[allow(clippy::too_many_arguments)]
pub fn gradient_flow(
    o: &dyn Smooth,
    y0: &[Rat],
    c: &Rat,
    tau: &Rat,
    steps: usize,
    substeps: Substeps,
    checkpoints: Option<&[Checkpoint]>,
    stride: usize,
) -> Result<(Run, Vec<Checkpoint>), String> {
    flow_within(o, (y0, c, tau, steps), substeps, (checkpoints, stride), MAX_TOTAL_SUBSTEPS)
}

/// [`gradient_flow`] with `budget` substeps in all.
fn flow_within(
    o: &dyn Smooth,
    (y0, c, tau, steps): (&[Rat], &Rat, &Rat, usize),
    substeps: Substeps,
    tubes: (Option<&[Checkpoint]>, usize),
    budget: usize,
) -> Result<(Run, Vec<Checkpoint>), String> {
    if !(c > &Rat::zero() && tau > &Rat::zero()) {
        return Err("c and τ must be positive".into());
    }
    let ci = rat_to_interval(c);
    let (m, r) = start(y0);
    let sample = |s: &Plain, n: usize| {
        sample(o, (&s.m, s.r), ci, tau, n).map(|(m, r, easy, swept)| (Plain { m, r }, easy, swept))
    };
    let unbounded = |s: &Plain| Plain { m: s.m.clone(), r: f64::INFINITY };
    run_flow(Plain { m, r }, steps, substeps, tubes, budget, &plain_restart(y0.len()), &sample, &unbounded)
}

/// One sample interval of a flow from a state in `n` substeps: the next state, whether every
/// remainder was far below the tolerance, and the box of the path over the interval.
pub type Sampler<'a, S> = dyn Fn(&S, usize) -> Result<(S, bool, Vec<Interval>), Retry> + Sync + 'a;

/// A flow of `steps` samples from `start` (state 0) with `substeps` per sample and `budget`
/// substeps in all, verifying or writing checkpoints ([`run_tube`]). A sample that fails, or would
/// exceed the budget, is unbounded (`unbounded` of the state before), in both modes.
#[allow(clippy::too_many_arguments)]
pub fn run_flow<S: State>(
    start: S,
    steps: usize,
    mut substeps: Substeps,
    (checkpoints, stride): (Option<&[Checkpoint]>, usize),
    mut budget: usize,
    restart: &(dyn Fn(&Checkpoint) -> Result<S, String> + Sync),
    sample: &Sampler<S>,
    unbounded: &(dyn Fn(&S) -> S + Sync),
) -> Result<(Run, Vec<Checkpoint>), String> {
    if let Substeps::Stored(counts) = &substeps {
        if counts.len() != steps || counts.iter().any(|&k| k == 0 || k as usize > MAX_SUBSTEPS) {
            return Err(format!("substeps: expected {steps} counts in 1..={MAX_SUBSTEPS}"));
        }
        // What is left before sample k (the samples before it computed: no checkpoint follows a
        // failure).
        let left: Vec<usize> = counts
            .iter()
            .scan(budget, |b, &n| {
                let before = *b;
                *b = b.saturating_sub(n as usize);
                Some(before)
            })
            .collect();
        let step = |k: usize, s: &S| -> Next<S> {
            let n = counts[k] as usize;
            if !s.bounded() || n > left[k] {
                return (unbounded(s), None);
            }
            match sample(s, n) {
                Ok((next, _, swept)) => (next, Some(swept)),
                Err(_) => (unbounded(s), None),
            }
        };
        return run_tube((0, start), steps, (checkpoints, stride), restart, &step);
    }
    let Substeps::Adaptive(record) = &mut substeps else { unreachable!("stored counts run above") };
    let (mut s, mut n) = (start, 1usize);
    let step = |k: usize, s: &S, n: &mut usize, budget: &mut usize, record: &mut Vec<u32>| -> Next<S> {
        let mut out = None;
        while s.bounded() {
            if *n > *budget {
                // Beyond the budget: this sample fails (so it does when checked).
                record.push(*n as u32);
                break;
            }
            match sample(s, *n) {
                Ok((next, easy, swept)) => {
                    // The recorded counts are charged (the retries are the engine's own cost).
                    record.push(*n as u32);
                    *budget -= *n;
                    out = Some((next, Some(swept)));
                    if easy && *n > 1 {
                        *n /= 2;
                    }
                    break;
                }
                Err(Retry::Smaller) if *n < MAX_SUBSTEPS => *n *= 2,
                Err(_) => {
                    record.push(*n as u32);
                    *budget -= *n;
                    break;
                }
            }
        }
        // Samples after a failure are not computed: any count, 1.
        if record.len() <= k {
            record.push(1);
        }
        out.unwrap_or_else(|| (unbounded(s), None))
    };
    let (mut run, mut written) = (Run::default(), Vec::new());
    for k in 0..=steps {
        if k % stride.max(1) == 0 || k == steps {
            written.extend(s.checkpoint(k));
        }
        run.balls.push(s.ball());
        if k < steps {
            let (next, segment) = step(k, &s, &mut n, &mut budget, record);
            run.segments.push(segment);
            s = next;
        }
    }
    Ok((run, written))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::exact::{parse_rat, rat};
    use crate::expression::Expression;
    use crate::program::Programs;
    use num_traits::Signed;

    pub(crate) fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    pub(crate) fn programs(vars: &[&str], f: &str) -> Programs {
        let vars: Vec<String> = vars.iter().map(|s| s.to_string()).collect();
        Programs::of(Expression::parse(&vars, f).unwrap().tape(), vars.len()).unwrap()
    }

    /// ‖x − centre‖₂² ≤ radius², exactly.
    pub(crate) fn holds(b: &Ball, x: &[Rat]) -> bool {
        let d2 = b.centre.iter().zip(x).fold(rat(0), |s, (&c, v)| {
            let e = v - exact(c).unwrap();
            s + &e * &e
        });
        b.radius.is_finite() && d2 <= exact(b.radius).unwrap().pow(2)
    }

    /// Symmetric matrices with known spectra: 2 × 2 [[2, 1], [1, 2]] (1, 3); the 3 × 3 second
    /// difference matrix tridiag(−1, 2, −1) (2 − √2, 2, 2 + √2); diag(−1, 0, 4, 7) plus a rank-one
    /// perturbation that stays diagonal in the 4 × 4 case. Each hull contains the spectrum and is
    /// tight to 1e-9; a widened interval matrix gets a wider hull that still contains it.
    #[test]
    fn spectrum_hulls_contain_known_spectra() {
        let m = |n: usize, a: &[f64]| IMat { rows: n, cols: n, a: a.iter().map(|&x| point(x)).collect() };
        let (lo, hi) = spectrum_hull(&m(2, &[2.0, 1.0, 1.0, 2.0]));
        assert!(lo <= 1.0 && hi >= 3.0 && 1.0 - lo < 1e-12 && hi - 3.0 < 1e-12, "{lo} {hi}");
        let (lo, hi) = spectrum_hull(&m(3, &[2.0, -1.0, 0.0, -1.0, 2.0, -1.0, 0.0, -1.0, 2.0]));
        let s = std::f64::consts::SQRT_2;
        assert!(lo <= 2.0 - s && hi >= 2.0 + s, "{lo} {hi}");
        assert!((2.0 - s) - lo < 1e-9 && hi - (2.0 + s) < 1e-9, "{lo} {hi}");
        let (lo, hi) =
            spectrum_hull(&m(4, &[-1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 0.0, 0.0, 0.0, 0.0, 7.0]));
        assert!(lo <= -1.0 && hi >= 7.0 && lo > -1.0 - 1e-9 && hi < 7.0 + 1e-9, "{lo} {hi}");
        // Entries ± 1/10: the spectra of the members lie within Weyl's 3/10 (row sums of the radii).
        let mut wide = m(3, &[2.0, -1.0, 0.0, -1.0, 2.0, -1.0, 0.0, -1.0, 2.0]);
        wide.a.iter_mut().for_each(|x| *x += Interval::try_from((-0.1, 0.1)).unwrap());
        let (lo, hi) = spectrum_hull(&wide);
        assert!(lo <= 2.0 - s - 0.3 + 1e-12 && hi >= 2.0 + s + 0.3 - 1e-12, "{lo} {hi}");
        // The member with every off-diagonal entry −1.1 and diagonal 2.1: its largest eigenvalue is
        // 2.1 + 1.1·√2 (the second difference matrix's eigenvector), inside the hull.
        assert!(hi >= 2.1 + 1.1 * s);
        // Finite entries whose radii overflow ρ: a valid hull, not a panic.
        let wide = Interval::try_from((-1e308, 1e308)).unwrap();
        let (lo, hi) = spectrum_hull(&IMat { rows: 3, cols: 3, a: vec![wide; 9] });
        assert!(lo <= -1e308 && hi >= 1e308, "{lo} {hi}");
        let unbounded = IMat { rows: 2, cols: 2, a: vec![Interval::ENTIRE, point(0.0), point(0.0), point(1.0)] };
        assert_eq!(spectrum_hull(&unbounded), (f64::NEG_INFINITY, f64::INFINITY));
    }

    /// GD on f = x⁴/4 from x₀ = 1/2 with h = 1/4: xₖ₊₁ = xₖ − hxₖ³ in exact rationals (9 steps, the
    /// numerators grow like 3ᵏ digits). Every ball holds xₖ and is tight; the checkpoints written
    /// verify; a shrunk, moved, missing or extra checkpoint is rejected.
    #[test]
    fn gd_orbits_hold_the_exact_orbit_and_reject_bad_checkpoints() {
        let o = programs(&["x"], "x^4/4");
        let (x0, h, steps) = (q("1/2"), q("1/4"), 9);
        let (run, cps) = gd_orbit(&o, std::slice::from_ref(&x0), &h, steps, None, 4).unwrap();
        let mut x = x0.clone();
        for (k, b) in run.balls.iter().enumerate() {
            assert!(holds(b, std::slice::from_ref(&x)), "k = {k}: {b:?}");
            assert!(b.radius < 1e-15, "k = {k}: {}", b.radius);
            x = &x - &h * x.pow(3);
        }
        assert_eq!(cps.iter().map(|c| c.k).collect::<Vec<_>>(), vec![0, 4, 8, 9]);
        let check = |c: &[Checkpoint]| gd_orbit(&o, std::slice::from_ref(&x0), &h, steps, Some(c), 1);
        let (again, _) = check(&cps).unwrap();
        assert_eq!(again.balls, run.balls);
        let mut bad = cps.clone();
        bad[1].radius /= 2.0;
        assert!(check(&bad).unwrap_err().contains("k = 4"));
        let mut moved = cps.clone();
        moved[2].centre[0] += 1e-12;
        assert!(check(&moved).unwrap_err().contains("k = 8"));
        assert!(check(&cps[1..]).unwrap_err().contains("k = 0"));
        let mut extra = cps.clone();
        extra.push(Checkpoint { k: 10, centre: vec![0.0], radius: 1.0, norm: None });
        assert!(check(&extra).unwrap_err().contains("beyond the horizon"));
    }

    /// A GD step of f = −x²/2 from 1 with h = 10¹⁷⁰: the iterates overflow; the radius is +∞ from
    /// there on, and no checkpoint may follow.
    #[test]
    fn an_overflowing_orbit_is_unbounded_and_takes_no_checkpoint() {
        let o = programs(&["x"], "-x^2/2");
        let h = rat(10).pow(170);
        let (run, cps) = gd_orbit(&o, &[rat(1)], &h, 3, None, 1).unwrap();
        assert!(run.balls[3].radius.is_infinite());
        assert!(cps.iter().all(|c| c.radius.is_finite()));
        let mut forged = cps.clone();
        forged.push(Checkpoint { k: 3, centre: vec![0.0], radius: f64::MAX, norm: None });
        assert!(gd_orbit(&o, &[rat(1)], &h, 3, Some(&forged), 1).is_err());
    }

    /// Hostile step sizes (found by review): a step factor |1 − hλ| that overflows (f = 10x², h =
    /// 10³⁰⁸) and an a-priori box whose width overflows (s = 10³⁰⁸) give an unbounded radius or no
    /// enclosure, never a panic.
    #[test]
    fn overflowing_factors_and_widths_are_unbounded_not_panics() {
        let o = programs(&["x"], "10*x^2");
        let (run, _) = gd_orbit(&o, &[q("1/3")], &rat(10).pow(308), 3, None, 1).unwrap();
        assert!(run.balls[3].radius.is_infinite());
        let b = [Interval::try_from((-1.0, 1.0)).unwrap()];
        assert!(a_priori(&programs(&["x"], "x^2/2"), &b, point(1.0), point(1e308)).is_none());
        let (run, _) =
            gradient_flow(&o, &[q("1/3")], &rat(1), &rat(10).pow(300), 2, Substeps::Stored(&[1, 1]), None, 1).unwrap();
        assert!(run.balls[2].radius.is_infinite());
    }

    /// A stored count beyond what is left of the budget fails that sample, as the engine's choice
    /// would: the radius is +∞ from there.
    #[test]
    fn the_substep_budget_is_charged_alike() {
        let o = programs(&["x"], "x^2/2");
        let (one, tau) = (rat(1), q("1/100"));
        let flow =
            |sub: Substeps| flow_within(&o, (std::slice::from_ref(&one), &one, &tau, 6), sub, (None, 1), 10).unwrap().0;
        // Counts 4, 4, 4: the third exceeds the 2 substeps left of 10 and fails.
        let run = flow(Substeps::Stored(&[4, 4, 4, 1, 1, 1]));
        assert!(run.balls[2].radius.is_finite() && run.balls[3].radius.is_infinite());
        // The engine's choice (1 per sample here) fits, and checks.
        let mut counts = Vec::new();
        let run = flow(Substeps::Adaptive(&mut counts));
        assert!(run.balls[6].radius.is_finite());
        assert_eq!(flow(Substeps::Stored(&counts)).balls, run.balls);
    }

    /// The gradient flow of f = x⁴/4, ẏ = −y³: y(t)² = y₀²/(1 + 2y₀²t), a rational at rational t, so
    /// each sample ball is checked exactly (y > 0: the ball [m − r, m + r] holds y iff (m − r)² ≤ y²
    /// ≤ (m + r)² with m − r > 0). The stored substeps reproduce the run; a count that does not
    /// reach the tolerance (one substep per sample) fails the checkpoints; a wrong number of counts
    /// is refused.
    #[test]
    fn flows_hold_the_closed_form_and_verify_from_stored_substeps() {
        let o = programs(&["x"], "x^4/4");
        let (y0, tau, steps) = (q("3/4"), q("1/10"), 60);
        let mut counts = Vec::new();
        let (run, cps) = gradient_flow(
            &o,
            std::slice::from_ref(&y0),
            &rat(1),
            &tau,
            steps,
            Substeps::Adaptive(&mut counts),
            None,
            8,
        )
        .unwrap();
        assert_eq!(counts.len(), steps);
        for (k, b) in run.balls.iter().enumerate() {
            let t = &tau * rat(k as i64);
            let y2 = y0.pow(2) / (rat(1) + rat(2) * y0.pow(2) * &t);
            let (m, r) = (exact(b.centre[0]).unwrap(), exact(b.radius).unwrap());
            assert!((&m - &r).is_positive() && (&m - &r).pow(2) <= y2 && y2 <= (&m + &r).pow(2), "k = {k}: {b:?}");
            assert!(b.radius < 1e-13, "k = {k}: {}", b.radius);
        }
        // Each segment box holds the path: y decreases, so [y((k+1)τ), y(kτ)] ⊆ box k.
        for (k, s) in run.segments.iter().enumerate() {
            let s = s.as_ref().unwrap()[0];
            assert!(s.inf() <= run.balls[k + 1].centre[0] && s.sup() >= run.balls[k].centre[0], "segment {k}");
        }
        let verify = |n: &[u32], c: &[Checkpoint]| {
            gradient_flow(&o, std::slice::from_ref(&y0), &rat(1), &tau, steps, Substeps::Stored(n), Some(c), 1)
        };
        assert_eq!(verify(&counts, &cps).unwrap().0.balls, run.balls);
        let ones = vec![1; steps];
        if ones != counts {
            assert!(verify(&ones, &cps).is_err());
        }
        assert!(verify(&counts[1..], &cps).unwrap_err().contains("substeps"));
        let mut shrunk = cps.clone();
        shrunk[3].radius *= 0.5;
        assert!(verify(&counts, &shrunk).unwrap_err().contains("k = 24"));
    }

    /// The local error of GD along the flow of f = x²/2 (ẏ = −y, y(kτ) = y₀e^{−kτ}):
    /// |y((k+1)τ) − (1 − τ)y(kτ)| = y(kτ)·|e^{−τ} − 1 + τ|, inside the enclosure at k = 0.
    #[test]
    fn local_errors_enclose_the_closed_form() {
        let o = programs(&["x"], "x^2/2");
        let (y0, tau) = (q("1"), q("1/4"));
        let (run, _) =
            gradient_flow(&o, &[y0], &rat(1), &tau, 4, Substeps::Adaptive(&mut Vec::new()), None, 1).unwrap();
        let ball = |k: usize| (run.balls[k].centre.as_slice(), run.balls[k].radius);
        let e = gd_local_error(&o, ball(0), ball(1), &tau).unwrap();
        // e^{−1/4} − 1 + 1/4 = 0.028800783071…
        let truth = (-0.25f64).exp() - 0.75;
        assert!(e.inf() <= truth && truth <= e.sup() && e.wid() < 1e-14, "{e:?}");
        assert!(!e.contains(truth * (1.0 + 1e-9)));
    }
}
