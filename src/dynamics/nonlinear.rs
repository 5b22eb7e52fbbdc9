//! Enclosed trajectories of non-quadratic objectives (`expression`, `dataset`: any
//! [`BoxObjective`]): the exact-arithmetic GD orbit and the gradient flow (or its rescaling, the flow
//! (8) of 004) by the checker's functions (`shadowcert_checker::nonlinear`: the mean-value GD step;
//! an interval Taylor method with Picard a-priori enclosures, Taylor-mode coefficients and a
//! one-sided Lipschitz bound, the engine choosing the substeps, [`gd`], [`gradient_flow`]); the
//! two-step orbits (scheme (7) of 004 and the Orvieto–Lucchi heavy ball, [`two_step`]: mean-value
//! form in a 2×2-block norm, see [`TwoStepNorm`], or an energy norm fitted to the interval Hessian);
//! and the second-order flows q̈ + c₁q̇ = −c₂∇f(q) ([`second_order_flow`]: the Orvieto–Lucchi
//! heavy-ball ODE and the damped flow (11), through `dynamics::damped_flow_of`) by the same Taylor
//! method on (q, q̇) with a 2×2-block norm. All as midpoint–radius [`Tube`]s like the quadratic ones.
//!
//! Enclosure: rigorous. Tightness: for a contracting flow the radius stays near
//! (per-substep width)/(1 − e^{sν}); for expanding directions it grows like e^{νt} — the true
//! sensitivity of the flow when ν is the real log norm, more when the Hessian enclosure on Y is loose.
//! Measured (`examples/bench_nonlinear.rs`): `specs/expression_2d.json` (T = 10) flow radius ≤ 1.2e-14
//! in 17 ms; `specs/digits_sigmoid_gd.json` (d = 65, T = 100, 8 substeps per sample) final flow radius
//! 3.3e-10 in about 11 s of CPU, GD orbit radius 5.3e-13 in about 1 s.

use super::ivec::{point, IMat};
use super::norm::lyapunov_matrix;
use super::spectrum::is_psd;
use super::tube::{Start, Tube};
use crate::enclose::rat_to_interval;
use crate::exact::Rat;
use crate::objective::{ball_box, BoxObjective, Smooth};
use inari::Interval;
use num_traits::One;
use shadowcert_checker::elementary::Elementary;
use shadowcert_checker::nonlinear::{
    self as checked, center, gd_step, picard, Retry, Substeps, MAX_SUBSTEPS, ORDER, TOLERANCE,
};

/// Steps over which a change to an energy norm must pay off ([`two_step`]).
const ENERGY_HORIZON: u32 = 64;

/// Largest dimension for which [`two_step`] tries energy norms: each try costs O(d³) interval
/// operations on 2d × 2d matrices and the interval Hessian over a box (a data set's is loose at
/// d = 65, where a try per step made `specs/digits_sigmoid_hb.json` six times slower for nothing).
const MAX_ENERGY_DIM: usize = 16;

/// The exact GD orbit xₖ₊₁ = xₖ − h∇f(xₖ), k = 0..=steps, of the checker's reading of an objective
/// (`spec::Objective::as_smooth`), enclosed in mean-value form by the checker's step (`shadowcert_checker::nonlinear::gd_orbit`).
///
/// Enclosure: rigorous; the radius is +∞ from the first step where an enclosure is unbounded.
/// Tightness: rₖ ≈ Σⱼ (Πᵢ ρᵢ) wⱼ, wⱼ a few ulps of ‖xⱼ‖ + h‖∇f‖.
pub fn gd(objective: &dyn Smooth, x0: &[Rat], h: &Rat, steps: usize) -> Tube {
    let (run, _) = checked::gd_orbit(objective, x0, h, steps, None, usize::MAX).expect("nothing to verify");
    tube_of(&run, x0.len())
}

/// The solution of ẏ = −c∇f(y), y(0) = y₀ (exact), sampled at y(kτ), k = 0..=steps, by the
/// checker's Taylor method with the engine's choice of substeps
/// (`shadowcert_checker::nonlinear::gradient_flow`): c = 1 is the gradient flow, c = (1 − λ)⁻¹ the
/// rescaled flow (8) of 004. c and τ must be positive.
///
/// Enclosure: rigorous; the radius is +∞ from the first sample that fails.
pub fn gradient_flow(objective: &dyn Smooth, y0: &[Rat], c: &Rat, tau: &Rat, steps: usize) -> Tube {
    let mut counts = Vec::new();
    let (run, _) =
        checked::gradient_flow(objective, y0, c, tau, steps, Substeps::Adaptive(&mut counts), None, usize::MAX)
            .expect("c and τ are positive");
    tube_of(&run, y0.len())
}

/// A checker's run as a [`Tube`] (a failed segment is the whole space).
pub fn tube_of(run: &checked::Run, dim: usize) -> Tube {
    let mut tube = Tube::new(dim);
    for (k, b) in run.balls.iter().enumerate() {
        if k > 0 {
            if let Some(seg) = run.segments.get(k - 1) {
                tube.push_segment(seg.as_deref().unwrap_or(&vec![Interval::ENTIRE; dim]));
            }
        }
        tube.push(&b.centre, b.radius);
    }
    tube
}

fn points(m: &[f64]) -> Vec<Interval> {
    m.iter().map(|&x| point(x)).collect()
}

/// An interval containing the local error of 000 Prop. 2 along the heavy-ball ODE,
/// ‖qₖ₊₁ − (1 + β)qₖ + βqₖ₋₁ + η∇f(qₖ)‖₂ (η = h², β = 1 − hα: the heavy-ball step from the state
/// (qₖ, qₖ₋₁), whose second component is exact), for every three points with ‖qⱼ − mⱼ‖₂ ≤ rⱼ
/// (three consecutive samples of a flow tube): the residual at the centres (∇f(mₖ) enclosed at the
/// point) ± (rₖ₊₁ + ρrₖ + |β|rₖ₋₁), with ρ = max(|1 + β − ηλ_lo|, |1 + β − ηλ_hi|) ≥
/// ‖(1 + β)I − η∇²f(x)‖₂ on the ball around mₖ (mean-value theorem; the averaged Hessian along a
/// segment of the ball has its spectrum in [λ_lo, λ_hi] too). `None` when unbounded.
///
/// Enclosure: rigorous. Tightness: width 2(rₖ₊₁ + ρrₖ + |β|rₖ₋₁) plus the width of the residual.
pub fn heavy_ball_local_error(
    objective: &dyn BoxObjective,
    [(m0, r0), (m1, r1), (m2, r2)]: [(&[f64], f64); 3],
    h: &Rat,
    alpha: &Rat,
) -> Option<Interval> {
    if ![r0, r1, r2].iter().all(|r| r.is_finite()) {
        return None;
    }
    let eta = rat_to_interval(&(h * h));
    let beta = rat_to_interval(&(Rat::one() - h * alpha));
    let one_beta = point(1.0) + beta;
    let g = objective.gradient(&points(m1));
    let n = (0..m1.len())
        .fold(point(0.0), |s, i| s + (point(m2[i]) - one_beta * point(m1[i]) + beta * point(m0[i]) + eta * g[i]).sqr())
        .sqrt();
    let rho = if r1 == 0.0 {
        point(0.0)
    } else {
        let (lo, hi) = objective.hessian_range_ball(m1, r1);
        (one_beta - eta * point(lo)).abs().convex_hull((one_beta - eta * point(hi)).abs())
    };
    let spread = point(r2) + rho * point(r1) + beta.abs() * point(r0);
    let (lo, up) = ((n - spread).inf().max(0.0), (n + spread).sup());
    up.is_finite().then(|| Interval::try_from((lo, up)).expect("lo <= up"))
}

/// The exact two-step orbit uₙ₊₁ = uₙ + p(uₙ − uₙ₋₁) − g∇f(uₙ + a(uₙ − uₙ₋₁)), u₁ = u₀ − g∇f(u₀),
/// n = 0..=steps: scheme (7) of 004 with (p, g, a) = (λ, h, a), the Orvieto–Lucchi heavy ball with
/// (β, η, 0) = (1 − hα, h², 0). Mean-value form on the state z = (uₙ, uₙ₋₁): the error ball in the
/// norm of the step grows by that norm of the mean-value matrix per step, plus the width of the
/// step enclosed at the center. The norm is a [`TwoStepNorm`] re-fitted to each step's curvature
/// range, or, for d ≤ 16 when no such norm contracts, an energy norm fitted to the step's interval
/// Hessian (one 2×2 Stein block per eigendirection, `dynamics::norm::lyapunov_matrix`).
///
/// Enclosure: rigorous; the radius is +∞ from the first step where an enclosure is unbounded.
/// Tightness: rₙ ≈ Σ (Π θ) wⱼ with θ the step's contraction in the chosen norm (≥ the largest
/// |eigenvalue| of the 2×2 blocks, equal to it at the reference curvature). Measured on
/// Rosenbrock's function, h = 1/1000, λ = 9/10 from (6/5, 6/5): Nesterov's orbit stays within
/// 10⁻¹⁰ for 10⁴ steps; heavy ball's transient, whose tangent products reach norm 19 before they
/// decay, still makes the radius +∞ by k ≈ 100 (no norm re-fitted step by step follows it).
pub fn two_step(objective: &dyn BoxObjective, u0: &[Rat], p: &Rat, g: &Rat, a: &Rat, steps: usize) -> Tube {
    two_step_from(objective, u0, None, p, g, a, steps)
}

/// [`two_step`] from the state (u₀, u₋₁) when `prev` gives an exact u₋₁ (the first step is then
/// the two-step map itself, e.g. from a point of the invariant manifold of (15)); from the GD start
/// u₁ = u₀ − g∇f(u₀) when `prev` is `None`.
///
/// Enclosure: rigorous (as [`two_step`]).
pub fn two_step_from(
    objective: &dyn BoxObjective,
    u0: &[Rat],
    prev: Option<&[Rat]>,
    p: &Rat,
    g: &Rat,
    a: &Rat,
    steps: usize,
) -> Tube {
    let start = Start::plain(u0);
    let (m0, r0) = (start.hi, start.err);
    let (pi, gi, ai) = (rat_to_interval(p), rat_to_interval(g), rat_to_interval(a));
    let mut tube = Tube::new(u0.len());
    tube.push(&m0, r0);
    if steps == 0 {
        return tube;
    }
    // The norm: first fitted to the curvature range at u₀, then re-fitted step by step.
    let (mu_lo, mu_hi) = objective.hessian_range_ball(&m0, r0);
    let mut norm = StepNorm::Block(two_step_norm(pi, gi, ai, 0.5 * (mu_lo + mu_hi)));
    // The state (uₙ, uₙ₋₁) the loop starts from, and the steps already pushed.
    let ((mut mu, mut mw, r_u, r_w), done) = match prev {
        Some(prev) => {
            let before = Start::plain(prev);
            ((m0.clone(), before.hi, r0, before.err), 0)
        }
        None => {
            let Some((m1, r1)) = gd_step(objective, &m0, r0, gi) else {
                for _ in 0..steps {
                    tube.push(&m0, f64::INFINITY);
                }
                return tube;
            };
            tube.push(&m1, r1);
            ((m1, m0, r1, r0), 1)
        }
    };
    let mut r = (point(norm.k_in()) * (point(r_u).sqr() + point(r_w).sqr()).sqrt()).sup();
    for _ in done..steps {
        if r.is_finite() {
            match two_step_step(objective, &norm, &mu, &mw, r, (pi, gi, ai)) {
                Some((next, r_next, chosen)) => {
                    mw = std::mem::replace(&mut mu, next);
                    (r, norm) = (r_next, chosen);
                }
                None => r = f64::INFINITY,
            }
        }
        tube.push(&mu, (point(norm.k_out()) * point(r)).sup());
    }
    tube
}

/// The norm of the two-step error state z = (u, w) ∈ ℝ²ᵈ: a 2×2 block norm fitted to one
/// curvature ([`TwoStepNorm`]), or an energy norm fitted to the whole interval Hessian of a step
/// ([`EnergyNorm`]), which a step adopts when no block norm contracts: one 2×2 L cannot fit two
/// curvatures far apart (Rosenbrock's valley: about 0.4 and 10³), an energy norm fits each
/// eigendirection of the Hessian with its own 2×2 block.
#[derive(Clone, Debug)]
enum StepNorm {
    Block(TwoStepNorm),
    Energy(EnergyNorm),
}

/// ‖z‖_P = √(zᵀPz) with P a symmetric `f64` matrix (exact), λ_max(P) ≤ k_in², λ_min(P) ≥ k_out⁻².
#[derive(Clone, Debug)]
struct EnergyNorm {
    p: IMat,
    k_in: f64,
    k_out: f64,
}

impl StepNorm {
    /// ≥ sup ‖z‖/‖z‖₂.
    fn k_in(&self) -> f64 {
        match self {
            StepNorm::Block(n) => n.k_in,
            StepNorm::Energy(e) => e.k_in,
        }
    }

    /// ≥ sup ‖z‖₂/‖z‖.
    fn k_out(&self) -> f64 {
        match self {
            StepNorm::Block(n) => n.k_out,
            StepNorm::Energy(e) => e.k_out,
        }
    }

    /// The matrix P of the norm on ℝ²ᵈ (state order (u, w)): for a block norm ‖(L ⊗ I)z‖₂,
    /// P = LᵀL ⊗ I. Enclosure: rigorous.
    fn matrix(&self, d: usize) -> IMat {
        match self {
            StepNorm::Energy(e) => e.p.clone(),
            StepNorm::Block(n) => {
                let l = n.l.map(|row| row.map(point));
                let ltl = |i: usize, j: usize| l[0][i] * l[0][j] + l[1][i] * l[1][j];
                let mut p = IMat::zeros(2 * d, 2 * d);
                for k in 0..d {
                    for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                        p.set(i * d + k, j * d + k, ltl(i, j));
                    }
                }
                p
            }
        }
    }
}

/// The smallest θ found with θ²P − JᵀPJ ⪰ 0 for every J in `j` (so ‖Jz‖_P ≤ θ‖z‖_P): the `f64`
/// estimate ‖RJR⁻¹‖₂ (P = RᵀR at the midpoints), raised until the interval test passes; +∞ when
/// it does not.
///
/// Enclosure: rigorous (the test, `spectrum::is_psd`, is a proof).
fn energy_theta(p: &IMat, j: &IMat) -> f64 {
    let Some(ch) = p.mid().cholesky() else { return f64::INFINITY };
    let r = ch.l().transpose();
    let Some(r_inv) = r.clone().try_inverse() else { return f64::INFINITY };
    let est = (&r * j.mid() * r_inv).singular_values().max();
    verified_factor(est, |t| is_psd(&p.scale(t * t).sub(&j.transpose().mul(p).mul(j))))
}

/// The smallest c found with c²P_old − P_new ⪰ 0 (so ‖z‖_new ≤ c‖z‖_old): the `f64` estimate
/// √λ_max(R⁻ᵀP_newR⁻¹), P_old = RᵀR, raised until the interval test passes; +∞ when it does not.
///
/// Enclosure: rigorous.
fn change_cost(old: &IMat, new: &IMat) -> f64 {
    let Some(ch) = old.mid().cholesky() else { return f64::INFINITY };
    let Some(r_inv) = ch.l().transpose().try_inverse() else { return f64::INFINITY };
    let est = (r_inv.transpose() * new.mid() * &r_inv).symmetric_eigenvalues().max().max(0.0).sqrt();
    verified_factor(est, |c| is_psd(&old.scale(c * c).sub(new)))
}

/// The first of a few factors at or above `est` that `holds` (a rigorous test at the point
/// interval of the factor); +∞ when none does.
fn verified_factor(est: f64, holds: impl Fn(Interval) -> bool) -> f64 {
    if !est.is_finite() {
        return f64::INFINITY;
    }
    let gap = (1.0 - est).max(0.0);
    [est * (1.0 + 1e-12), est + gap / 64.0, est + gap / 8.0, est * 1.01, est * 1.1]
        .into_iter()
        .find(|&t| t.is_finite() && holds(point(t)))
        .unwrap_or(f64::INFINITY)
}

/// The interval mean-value matrix of the two-step map over the Hessians `h` (d × d):
/// J̄ = [[(1 + p)I − g(1 + a)H̄, −pI + gaH̄], [I, 0]]. Enclosure: rigorous.
fn two_step_matrix(h: &[Vec<Interval>], (p, g, a): (Interval, Interval, Interval)) -> IMat {
    let d = h.len();
    let one = point(1.0);
    let mut j = IMat::zeros(2 * d, 2 * d);
    for (r, row) in h.iter().enumerate() {
        for (c, &hrc) in row.iter().enumerate() {
            let id = if r == c { one } else { point(0.0) };
            j.set(r, c, (one + p) * id - g * (one + a) * hrc);
            j.set(r, d + c, -p * id + g * a * hrc);
            j.set(d + r, c, id);
        }
    }
    j
}

/// The energy norm fitted to the interval Hessian `h` of a step ([`lyapunov_matrix`] in the
/// eigenbasis of its midpoint), with its verified contraction θ; `None` when it does not verify.
fn fitted_energy(h: &[Vec<Interval>], j: &IMat) -> Option<(EnergyNorm, f64)> {
    let d = h.len();
    let hm = nalgebra::DMatrix::from_fn(d, d, |r, c| {
        let (x, y) = (h[r][c].mid(), h[c][r].mid());
        0.5 * (x + y)
    });
    if !hm.iter().all(|x| x.is_finite()) {
        return None;
    }
    let w = hm.symmetric_eigen().eigenvectors;
    let (cn, pm) = lyapunov_matrix(j, &w)?;
    Some((EnergyNorm { p: IMat::from_f64(&pm), k_in: cn.k_in, k_out: cn.k_out }, cn.theta))
}

/// A norm ‖z‖ = ‖(L ⊗ I)z‖₂ on the state z = (u, w) ∈ ℝ²ᵈ, L a 2×2 matrix, with ‖L‖₂ ≤ k_in and
/// ‖L⁻¹‖₂ ≤ k_out.
///
/// # Why one 2×2 L suffices
/// The mean-value matrix of the two-step map is J̄ = [[(1 + p)I − g(1 + a)H̄, −pI + gaH̄], [I, 0]]
/// with H̄ = ∫∇²f on the segment, symmetric with spectrum in [μ_lo, μ_hi]. In an orthonormal
/// eigenbasis of H̄ (which L ⊗ I commutes with) J̄ splits into the 2×2 blocks
/// M(μ) = [[1 + p − g(1 + a)μ, −p + gaμ], [1, 0]], so ‖J̄‖ = max over eigenvalues μ of
/// ‖LM(μ)L⁻¹‖₂ ≤ max(‖LM(μ_lo)L⁻¹‖₂, ‖LM(μ_hi)L⁻¹‖₂) (the norm of an affine function of μ is convex).
/// L = T⁻¹ for the real Jordan basis T of M(μ*) at the reference curvature μ* (complex eigenvalues
/// α ± iβ: T = [Re v, Im v]; real ones: the eigenvectors), so that ‖LM(μ*)L⁻¹‖₂ is its spectral
/// radius; the identity when that basis is ill-conditioned. [`two_step`] starts from μ* at u₀ and,
/// at each step, switches to the norm fitted to that step's curvature range when the contraction
/// there times the cost ‖L′L⁻¹‖₂ of the change beats the current norm's contraction.
#[derive(Clone, Copy, Debug)]
pub struct TwoStepNorm {
    l: [[f64; 2]; 2],
    l_inv: [[Interval; 2]; 2],
    /// ≥ ‖L‖₂.
    pub k_in: f64,
    /// ≥ ‖L⁻¹‖₂.
    pub k_out: f64,
}

/// Upper bound of the spectral norm of every matrix in a 2×2 interval matrix:
/// ‖B‖₂² = (F + √(F² − 4det²))/2, F = ‖B‖_F², increasing in F and decreasing in det².
fn norm2x2(b: [[Interval; 2]; 2]) -> f64 {
    let f = b[0][0].sqr() + b[0][1].sqr() + b[1][0].sqr() + b[1][1].sqr();
    let det = b[0][0] * b[1][1] - b[0][1] * b[1][0];
    let (f, d2) = (point(f.sup()), point(det.sqr().inf()));
    let disc = (f.sqr() - point(4.0) * d2).sup().max(0.0);
    ((f + point(disc).sqrt()) / point(2.0)).sqrt().sup()
}

fn mat2(a: [[Interval; 2]; 2], b: [[Interval; 2]; 2]) -> [[Interval; 2]; 2] {
    let e = |i: usize, j: usize| a[i][0] * b[0][j] + a[i][1] * b[1][j];
    [[e(0, 0), e(0, 1)], [e(1, 0), e(1, 1)]]
}

/// The norm of [`TwoStepNorm`] for the parameters (p, g, a) at the reference curvature `mu`.
///
/// Enclosure: rigorous k_in, k_out (L is an exact `f64` matrix, L⁻¹ enclosed).
pub fn two_step_norm(p: Interval, g: Interval, a: Interval, mu: f64) -> TwoStepNorm {
    let mu = if mu.is_finite() { mu } else { 0.0 };
    let (p, g, a) = (p.mid(), g.mid(), a.mid());
    let (m00, m01) = (1.0 + p - g * (1.0 + a) * mu, -p + g * a * mu);
    // Eigenvalues of [[m00, m01], [1, 0]]: z² − m00 z − m01 = 0; eigenvector (z, 1).
    let disc = m00 * m00 + 4.0 * m01;
    let t = if disc < 0.0 {
        let (re, im) = (m00 / 2.0, (-disc).sqrt() / 2.0);
        [[re, im], [1.0, 0.0]]
    } else {
        let (z1, z2) = ((m00 + disc.sqrt()) / 2.0, (m00 - disc.sqrt()) / 2.0);
        [[z1, z2], [1.0, 1.0]]
    };
    TwoStepNorm::from_basis(t, 1e-6 * (t[0][0].abs() + t[0][1].abs() + 1.0))
}

/// One mean-value step of the two-step map from the state center (mu, mw) with ‖e‖ ≤ r in `norm`.
///
/// The error e = z − ẑ of the state maps to J̄e plus the rounding of the centre, J̄ the mean-value
/// matrix ([`two_step_matrix`]) with H̄ = ∫∇²f on the segment from the centre's look-ahead point ŷ
/// to the exact one y, inside the ball B(ŷ, ρ). A block norm is kept or changed for the block norm
/// fitted to this step's curvature range, whichever bounds θ·(cost of the change,
/// ‖z‖_new ≤ c‖z‖_old) lower; an energy norm is kept. When the result does not contract, the energy
/// norm fitted to this step's interval Hessian is adopted if it pays off over [`ENERGY_HORIZON`]
/// steps.
fn two_step_step(
    objective: &dyn BoxObjective,
    norm: &StepNorm,
    mu: &[f64],
    mw: &[f64],
    r: f64,
    (p, g, a): (Interval, Interval, Interval),
) -> Option<(Vec<f64>, f64, StepNorm)> {
    let y: Vec<Interval> = mu.iter().zip(mw).map(|(&u, &w)| point(u) + a * (point(u) - point(w))).collect();
    let grad = objective.gradient(&y);
    let next: Vec<Interval> =
        mu.iter().zip(mw).zip(&grad).map(|((&u, &w), &gr)| point(u) + p * (point(u) - point(w)) - g * gr).collect();
    let (next, w) = center(&next)?;
    if r == 0.0 {
        return Some((next, (point(norm.k_in()) * point(w)).sup(), norm.clone()));
    }
    // ‖y − ŷ‖₂ ≤ (1 + 2a)‖e‖₂ ≤ (1 + 2a)k_out·r.
    // The ball B(ŷ, ρ) lies in the ball around y's midpoint widened by y's own radius.
    let rho = ((point(1.0) + point(2.0) * a) * point(norm.k_out()) * point(r)).sup();
    let (y_mid, y_rad) = center(&y)?;
    let radius = (point(rho) + point(y_rad)).sup();
    let (mu_lo, mu_hi) = objective.hessian_range_ball(&y_mid, radius);
    let theta = |n: &TwoStepNorm| {
        let l = n.l.map(|row| row.map(point));
        let block = |m: f64| {
            let (one, m) = (point(1.0), point(m));
            let mm = [[one + p - g * (one + a) * m, -p + g * a * m], [one, point(0.0)]];
            norm2x2(mat2(mat2(l, mm), n.l_inv))
        };
        block(mu_lo).max(block(mu_hi))
    };
    let d = mu.len();
    // The interval Hessian over the ball's box, for the energy norms (built on first need).
    let region: std::cell::OnceCell<(Vec<Vec<Interval>>, IMat)> = std::cell::OnceCell::new();
    let jbar = || {
        region.get_or_init(|| {
            let h = objective.hessian(&ball_box(&y_mid, radius));
            let j = two_step_matrix(&h, (p, g, a));
            (h, j)
        })
    };
    let keep = match norm {
        StepNorm::Block(n) => theta(n),
        StepNorm::Energy(e) => energy_theta(&e.p, &jbar().1),
    };
    // A block norm may give way to a better-fitted block norm. An energy norm is kept (re-fitted
    // below when it stops contracting): leaving it for a block norm gains one step and pays the
    // change back when the block norm stops contracting again, back and forth.
    let (mut factor, mut chosen) = (keep, norm.clone());
    if let StepNorm::Block(n) = norm {
        let fitted = two_step_norm(p, g, a, 0.5 * (mu_lo + mu_hi));
        // ‖L′e‖ ≤ ‖L′L⁻¹‖₂‖Le‖.
        let change = norm2x2(mat2(fitted.l.map(|row| row.map(point)), n.l_inv));
        let switched = (point(theta(&fitted)) * point(change)).sup();
        if switched < keep {
            (factor, chosen) = (switched, StepNorm::Block(fitted));
        }
    }
    if factor.partial_cmp(&1.0) != Some(std::cmp::Ordering::Less) && d <= MAX_ENERGY_DIM {
        // The change to an energy norm costs once (its condition number, often 10 or more) and
        // pays every step after: adopted when it wins over [`ENERGY_HORIZON`] steps,
        // cost·θᴺ < factorᴺ.
        let (h, j) = jbar();
        if let Some((e, th)) = fitted_energy(h, j) {
            let cost = change_cost(&norm.matrix(d), &e.p);
            let n = ENERGY_HORIZON as f64;
            if th < 1.0 && cost.is_finite() && cost.ln() + n * th.ln() < n * factor.ln() {
                (factor, chosen) = ((point(th) * point(cost)).sup(), StepNorm::Energy(e));
            }
        }
    }
    let r_next = (point(factor) * point(r) + point(chosen.k_in()) * point(w)).sup();
    r_next.is_finite().then_some((next, r_next, chosen))
}

/// The hull of two boxes.
fn hull(a: &[Interval], b: &[Interval]) -> Vec<Interval> {
    a.iter().zip(b).map(|(x, y)| x.convex_hull(*y)).collect()
}

/// A norm ‖(L ⊗ I)z‖₂ on z = (q, v) for the second-order flow q̈ + c₁q̇ = −c₂∇f(q), fitted to the
/// 2×2 block K(μ) = [[0, 1], [−c₂μ, −c₁]] at a reference curvature μ* (real Jordan basis, as
/// [`TwoStepNorm`]). The logarithmic norm of the Jacobian [[0, I], [−c₂H̄, −c₁I]] in it is the
/// largest over the spectrum of H̄ of λ_max of the symmetric part of LK(μ)L⁻¹, a convex function of
/// μ: its maximum over [μ_lo, μ_hi] is at an end.
fn second_order_norm(c1: f64, c2: f64, mu: f64) -> TwoStepNorm {
    let mu = if mu.is_finite() { mu } else { 0.0 };
    let disc = c1 * c1 - 4.0 * c2 * mu;
    let t = if disc < 0.0 {
        [[1.0, 0.0], [-c1 / 2.0, (-disc).sqrt() / 2.0]]
    } else {
        [[1.0, 1.0], [(-c1 + disc.sqrt()) / 2.0, (-c1 - disc.sqrt()) / 2.0]]
    };
    let scale = t.iter().flatten().fold(0.0f64, |a, x| a.max(x.abs()));
    TwoStepNorm::from_basis(t, 1e-6 * scale * scale)
}

impl TwoStepNorm {
    /// L = T⁻¹ (the identity when T is ill-conditioned: |det T| ≤ `min_det`), with rigorous k_in,
    /// k_out and L⁻¹.
    fn from_basis(t: [[f64; 2]; 2], min_det: f64) -> TwoStepNorm {
        let det = t[0][0] * t[1][1] - t[0][1] * t[1][0];
        let l = if det.is_finite() && det.abs() > min_det {
            [[t[1][1] / det, -t[0][1] / det], [-t[1][0] / det, t[0][0] / det]]
        } else {
            [[1.0, 0.0], [0.0, 1.0]]
        };
        let li = l.map(|r| r.map(point));
        let ldet = li[0][0] * li[1][1] - li[0][1] * li[1][0];
        let l_inv = [[li[1][1] / ldet, -li[0][1] / ldet], [-li[1][0] / ldet, li[0][0] / ldet]];
        let (k_in, k_out) = (norm2x2(li), norm2x2(l_inv));
        if !(k_in.is_finite() && k_out.is_finite()) || ldet.contains(0.0) {
            let one = [[point(1.0), point(0.0)], [point(0.0), point(1.0)]];
            return TwoStepNorm { l: [[1.0, 0.0], [0.0, 1.0]], l_inv: one, k_in: 1.0, k_out: 1.0 };
        }
        TwoStepNorm { l, l_inv, k_in, k_out }
    }

    /// An upper bound of λ_max of the symmetric part of L·K·L⁻¹ for K = [[0, 1], [−c₂μ, −c₁]].
    fn log_norm(&self, c1: Interval, c2: Interval, mu: f64) -> f64 {
        let l = self.l.map(|row| row.map(point));
        let k = [[point(0.0), point(1.0)], [-(c2 * point(mu)), -c1]];
        let b = mat2(mat2(l, k), self.l_inv);
        let (s00, s11, s01) = (b[0][0], b[1][1], (b[0][1] + b[1][0]) / point(2.0));
        let half = (s00 - s11) / point(2.0);
        ((s00 + s11) / point(2.0) + (half.sqr() + s01.sqr()).sqrt()).sup()
    }
}

/// The second-order flow q̈ + c₁q̇ = −c₂∇f(q), q(0) = q₀ (exact), q̇(0) ∈ `v0` (a box), sampled at
/// q(kτ), k = 0..=steps: the Orvieto–Lucchi heavy-ball ODE is c₁ = α, c₂ = 1. The interval Taylor
/// method of [`gradient_flow`] on the state (q, v) (q̇ = v, v̇ = −c₁v − c₂∇f(q): qₖ₊₁ = vₖ/(k+1),
/// vₖ₊₁ = −(c₁vₖ + c₂[∇f(q)]ₖ)/(k+1)), with the error ball in the norm of `second_order_norm`
/// (re-fitted per substep when cheaper after the change of norm, as [`two_step`] does) and the
/// logarithmic norm of the flow on the a-priori box for its growth.
///
/// Enclosure: rigorous; the radius is +∞ from the first sample that fails.
pub fn second_order_flow(
    objective: &dyn BoxObjective,
    q0: &[Rat],
    v0: &[Interval],
    c1: &Rat,
    c2: &Rat,
    tau: &Rat,
    steps: usize,
) -> Tube {
    let d = q0.len();
    let start = Start::plain(q0);
    let (c1i, c2i) = (rat_to_interval(c1), rat_to_interval(c2));
    let mut tube = Tube::new(d);
    let Some((mv, wv)) = center(v0) else {
        tube.push(&start.hi, f64::INFINITY);
        for _ in 0..steps {
            tube.push_segment(&vec![Interval::ENTIRE; d]);
            tube.push(&start.hi, f64::INFINITY);
        }
        return tube;
    };
    let (lo, hi) = objective.hessian_range_ball(&start.hi, start.err);
    let mut norm = second_order_norm(c1i.mid(), c2i.mid(), 0.5 * (lo + hi));
    let mut m: Vec<f64> = start.hi.iter().chain(&mv).copied().collect();
    let mut r = (point(norm.k_in) * (point(start.err).sqr() + point(wv).sqr()).sqrt()).sup();
    tube.push(&m[..d], start.err);
    let mut n = 1usize;
    for _ in 0..steps {
        let mut segment = vec![Interval::ENTIRE; d];
        while r.is_finite() {
            let s = rat_to_interval(&(tau / Rat::from_integer(n.into())));
            let mut state = (m.clone(), r, norm);
            let mut outcome = Ok(true);
            let mut swept: Option<Vec<Interval>> = None;
            for _ in 0..n {
                match second_order_substep(objective, &state.0, state.1, &state.2, (c1i, c2i), s) {
                    Ok(Substep { next, radius: r_next, norm: chosen, remainder: rem, swept: y }) => {
                        swept = Some(swept.map_or_else(|| y[..d].to_vec(), |w| hull(&w, &y[..d])));
                        let scale = state.0.iter().fold(0.0f64, |a, x| a.max(x.abs()));
                        let tol = (2.0 * f64::EPSILON).max(TOLERANCE * s.sup()) * (1.0 + scale);
                        if rem > tol {
                            outcome = Err(Retry::Smaller);
                            break;
                        }
                        outcome = outcome.map(|easy| easy && rem <= tol / 2f64.powi(ORDER as i32 + 3));
                        state = (next, r_next, chosen);
                    }
                    Err(e) => {
                        outcome = Err(e);
                        break;
                    }
                }
            }
            match outcome {
                Ok(easy) => {
                    (m, r, norm) = state;
                    segment = swept.expect("n ≥ 1 substeps");
                    if easy && n > 1 {
                        n /= 2;
                    }
                    break;
                }
                Err(Retry::Smaller) if n < MAX_SUBSTEPS => n *= 2,
                Err(_) => r = f64::INFINITY,
            }
        }
        tube.push_segment(&segment);
        tube.push(&m[..d], (point(norm.k_out) * point(r)).sup());
    }
    tube
}

/// The Taylor coefficients of (q, v) for q̈ + c₁q̇ = −c₂∇f(q) from the box `z0` = (q₀, v₀).
fn second_order_coefficients(
    objective: &dyn BoxObjective,
    z0: &[Interval],
    (c1, c2): (Interval, Interval),
    order: usize,
) -> Vec<Vec<Interval>> {
    let d = z0.len() / 2;
    let mut grad = objective.gradient_series();
    let mut coefs = vec![z0.to_vec()];
    for k in 0..order {
        let gk = grad.push(&coefs[k][..d]);
        let div = point((k + 1) as f64);
        let next: Vec<Interval> = (0..d)
            .map(|i| coefs[k][d + i] / div)
            .chain((0..d).map(|i| -(c1 * coefs[k][d + i] + c2 * gk[i]) / div))
            .collect();
        coefs.push(next);
    }
    coefs
}

/// One substep of the second-order flow.
struct Substep {
    /// New centre.
    next: Vec<f64>,
    /// Radius, in `norm`.
    radius: f64,
    /// The norm chosen for the new ball.
    norm: TwoStepNorm,
    /// The Taylor remainder's magnitude.
    remainder: f64,
    /// The a-priori box of the state over the substep.
    swept: Vec<Interval>,
}

/// One substep of the second-order flow (see [`Substep`]).
fn second_order_substep(
    objective: &dyn BoxObjective,
    m: &[f64],
    r: f64,
    norm: &TwoStepNorm,
    (c1, c2): (Interval, Interval),
    s: Interval,
) -> Result<Substep, Retry> {
    let d = m.len() / 2;
    let b = ball_box(m, (point(norm.k_out) * point(r)).sup());
    let t = Interval::try_from((0.0, s.sup())).map_err(|_| Retry::Fail)?;
    let image = |y: &[Interval]| -> Vec<Interval> {
        let g = objective.gradient(&y[..d]);
        (0..d)
            .map(|i| b[i] + t * y[d + i])
            .chain((0..d).map(|i| b[d + i] + t * (-(c1 * y[d + i] + c2 * g[i]))))
            .collect()
    };
    let y = picard(&b, &image).ok_or(Retry::Smaller)?;
    let (mu_lo, mu_hi) = objective.hessian_range(&y[..d]);
    let nu = |n: &TwoStepNorm| n.log_norm(c1, c2, mu_lo).max(n.log_norm(c1, c2, mu_hi));
    let growth = |n: &TwoStepNorm| (s * point(nu(n))).exp().sup();
    let keep = growth(norm);
    let fitted = second_order_norm(c1.mid(), c2.mid(), 0.5 * (mu_lo + mu_hi));
    let change = norm2x2(mat2(fitted.l.map(|row| row.map(point)), norm.l_inv));
    let switched = (point(growth(&fitted)) * point(change)).sup();
    let (factor, chosen) = if switched < keep { (switched, fitted) } else { (keep, *norm) };
    if !factor.is_finite() {
        return Err(Retry::Smaller);
    }
    let coefs = second_order_coefficients(objective, &points(m), (c1, c2), ORDER);
    let rem = second_order_coefficients(objective, &y, (c1, c2), ORDER + 1).pop().expect("ORDER + 2 coefficients");
    let (enclosure, rem_mag) = checked::taylor_enclosure(&coefs, &rem, s)?;
    let (next, w) = center(&enclosure).ok_or(Retry::Fail)?;
    let r_next = (point(factor) * point(r) + point(chosen.k_in) * point(w)).sup();
    if !r_next.is_finite() {
        return Err(Retry::Fail);
    }
    Ok(Substep { next, radius: r_next, norm: chosen, remainder: rem_mag, swept: y })
}

/// The rescaling factor (1 − λ)⁻¹ of the flow (8) of 004.
pub fn rescaling(lambda: &Rat) -> Rat {
    Rat::one() / (Rat::one() - lambda)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;
    use crate::objective::expression::Expression;
    use shadowcert_checker::taylor::SeriesMap;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    fn expr(vars: &[&str], f: &str) -> Expression {
        Expression::new(vars.iter().map(|s| s.to_string()).collect(), f).unwrap()
    }

    /// The ball of sample k meets the enclosure `x` of the exact value (1-D), and its radius is below
    /// `tight`. (The enclosures of the closed forms are a few ulps wide, like the balls: containment
    /// of the whole interval cannot be asked for; the tests on rational orbits check it exactly.)
    fn meets_1d(tube: &Tube, k: usize, x: Interval, tight: f64, what: &str) {
        let (m, r) = (tube.mid(k)[0], tube.rad(k));
        assert!(
            (point(x.inf()) - point(m)).inf() <= r && (point(m) - point(x.sup())).inf() <= r,
            "{what}: sample {k}: {x:?} misses [{m} ± {r}]"
        );
        assert!(r <= tight, "{what}: sample {k}: radius {r} above {tight}");
    }

    #[test]
    fn closed_form_flows_are_enclosed() {
        // f = x²/2: y = y₀e^{−t}. f = x⁴/4: ẏ = −y³, y = y₀/√(1 + 2y₀²t). f = log(eˣ + e⁻ˣ)
        // (= log cosh x + log 2): ẏ = −tanh y, sinh y = sinh(y₀)e^{−t}. Values by inari (MPFR).
        let tau = q("1/10");
        let ti = rat_to_interval(&tau);
        let y0 = q("3/4");
        let yi = rat_to_interval(&y0);
        let steps = 200;
        type Exact = Box<dyn Fn(Interval) -> Interval>;
        let cases: Vec<(&str, Exact)> = vec![
            ("0.5*x^2", Box::new(move |t: Interval| yi * (-t).exp())),
            ("x^4/4", Box::new(move |t: Interval| yi / (point(1.0) + point(2.0) * yi.sqr() * t).sqrt())),
            ("log(exp(x) + exp(-x))", Box::new(move |t: Interval| (yi.sinh() * (-t).exp()).asinh())),
        ];
        for (f, exact) in &cases {
            let e = expr(&["x"], f);
            let tube = gradient_flow(&e, std::slice::from_ref(&y0), &Rat::one(), &tau, steps);
            for k in 0..=steps {
                let t = ti * point(k as f64);
                meets_1d(&tube, k, exact(t), 1e-13, f);
            }
            // The a-priori boxes hold the path between samples, and not much more.
            let segments = tube.segments().expect("a flow keeps its segments");
            for (k, seg) in segments.iter().enumerate() {
                let t = ti * point(k as f64);
                for s in [0.0, 0.25, 0.5, 0.75, 1.0] {
                    let v = exact(t + ti * point(s));
                    assert!(v.inf() <= seg[0].sup() && v.sup() >= seg[0].inf(), "{f}: segment {k} misses t + {s}τ");
                }
                let step = (exact(t + ti) - exact(t)).mag();
                assert!(seg[0].wid() <= step + 1e-2, "{f}: segment {k} of width {} for a step of {step}", seg[0].wid());
            }
            // A wrong value is excluded: the test can fail.
            let k = steps / 2;
            let off = exact(ti * point(k as f64)) + point(1e-12);
            assert!(
                (point(off.inf()) - point(tube.mid(k)[0])).inf() > tube.rad(k),
                "{f}: a value 1e-12 off is enclosed"
            );
        }
    }

    #[test]
    fn rescaled_flow_is_the_time_change() {
        // ẏ = −2y (c = 2, f = y²/2): y = y₀e^{−2t}.
        let e = expr(&["x"], "x^2/2");
        let tube = gradient_flow(&e, &[q("1")], &q("2"), &q("1/4"), 40);
        for k in 0..=40 {
            let exact = (-(point(0.5) * point(k as f64))).exp();
            meets_1d(&tube, k, exact, 1e-13, "rescaled");
        }
    }

    #[test]
    fn quadratic_expression_matches_the_exact_quadratic_tube() {
        // f = ½xᵀQx − bᵀx with Q = [[2, 1/2], [1/2, 1]], b = (1/3, −1), written as an expression.
        let e = expr(&["x", "y"], "x^2 + x*y/2 + y^2/2 - x/3 + y");
        let qm = vec![vec![q("2"), q("1/2")], vec![q("1/2"), q("1")]];
        let b = vec![q("1/3"), q("-1")];
        let (x0, h, steps) = (vec![q("7/5"), q("-2/3")], q("1/10"), 1000);
        let pairs = [
            (gradient_flow(&e, &x0, &Rat::one(), &h, steps), crate::dynamics::gradient_flow(&qm, &b, &x0, &h, steps)),
            (gd(&e, &x0, &h, steps), crate::dynamics::gd(&qm, &b, &x0, &h, steps)),
        ];
        for (what, (ours, exact)) in ["flow", "gd"].iter().zip(&pairs) {
            assert_eq!(ours.len(), steps + 1);
            for k in 0..=steps {
                let d = ours
                    .mid(k)
                    .iter()
                    .zip(exact.mid(k))
                    .fold(point(0.0), |s, (a, b)| s + (point(*a) - point(*b)).sqr());
                assert!(d.sqrt().inf() <= ours.rad(k) + exact.rad(k), "{what}: sample {k}: balls disjoint");
                assert!(ours.rad(k) <= 1e-9, "{what}: sample {k}: radius {}", ours.rad(k));
            }
        }
    }

    #[test]
    fn gd_orbit_contains_the_exact_rational_orbit() {
        // f = x⁴/4 + xy/4 + y²/2: Ψ is polynomial, so the exact orbit is rational.
        let e = expr(&["x", "y"], "x^4/4 + x*y/4 + y^2/2");
        let h = q("1/5");
        let steps = 7;
        let tube = gd(&e, &[q("9/10"), q("-1/3")], &h, steps);
        let (mut x, mut y) = (q("9/10"), q("-1/3"));
        for k in 0..=steps {
            assert!(tube.contains_exact(k, &[x.clone(), y.clone()]), "step {k}");
            assert!(!tube.contains_exact(k, &[&x + q("1e-12"), y.clone()]), "step {k}: not tight");
            let gx = &x * &x * &x + &y / q("4");
            let gy = &x / q("4") + &y;
            (x, y) = (&x - &h * gx, &y - &h * gy);
        }
    }

    #[test]
    fn two_step_from_an_exact_previous_point_contains_the_exact_rational_orbit() {
        // Scheme (7), uₙ₊₁ = uₙ + λ(uₙ − uₙ₋₁) − h∇f(uₙ + a(uₙ − uₙ₋₁)), on a polynomial f from a given
        // exact u₋₁ (the first step is the two-step map, not the GD start): the orbit is rational.
        let e = expr(&["x", "y"], "x^4/4 + x*y/4 + y^2/2");
        let (h, lambda, a) = (q("1/10"), q("9/10"), q("9/10"));
        let steps = 7;
        let (u0, prev) = (vec![q("3/5"), q("-1/3")], vec![q("5/8"), q("-3/10")]);
        let tube = two_step_from(&e, &u0, Some(&prev), &lambda, &h, &a, steps);
        assert_eq!(tube.len(), steps + 1);
        let grad = |v: &[Rat]| vec![&v[0] * &v[0] * &v[0] + &v[1] / q("4"), &v[0] / q("4") + &v[1]];
        let (mut u, mut w) = (u0, prev);
        for k in 0..=steps {
            assert!(tube.contains_exact(k, &u), "step {k}");
            assert!(!tube.contains_exact(k, &[&u[0] + q("1e-11"), u[1].clone()]), "step {k}: not tight");
            let y: Vec<Rat> = (0..2).map(|i| &u[i] + &a * (&u[i] - &w[i])).collect();
            let g = grad(&y);
            let next: Vec<Rat> = (0..2).map(|i| &u[i] + &lambda * (&u[i] - &w[i]) - &h * &g[i]).collect();
            (w, u) = (u, next);
        }
        // Without u₋₁ the first step is GD: u₁ = u₀ − h∇f(u₀), a different orbit.
        let gd_start = two_step(&e, &[q("3/5"), q("-1/3")], &lambda, &h, &a, 1);
        let g0 = grad(&[q("3/5"), q("-1/3")]);
        assert!(gd_start.contains_exact(1, &[q("3/5") - &h * &g0[0], q("-1/3") - &h * &g0[1]]));
        assert!(!tube.contains_exact(1, &[q("3/5") - &h * &g0[0], q("-1/3") - &h * &g0[1]]));
    }

    #[test]
    fn blow_up_gives_an_infinite_radius() {
        // f = −x⁴: ẏ = 4y³ blows up at t = 1/(8y₀²) = 1/2 for y₀ = 1/2.
        let e = expr(&["x"], "-x^4");
        let tube = gradient_flow(&e, &[q("1/2")], &Rat::one(), &q("1/10"), 10);
        assert!(tube.rad(4).is_finite() && tube.rad(4) < 1e-10, "before the blow-up: {}", tube.rad(4));
        assert!(tube.rad(5).is_infinite() && tube.rad(10).is_infinite());
        // GD with a huge step overflows.
        let tube = gd(&e, &[q("1/2")], &q("1000"), 20);
        assert!(tube.rad(20).is_infinite());
        // log outside its domain: unbounded from the start.
        let e = expr(&["x"], "log(x)");
        let tube = gradient_flow(&e, &[q("1/1000")], &Rat::one(), &q("1"), 3);
        assert!(tube.rad(3).is_infinite());
    }
    #[test]
    fn spec_orbit_and_flow_handle_expression_objectives() {
        let text = r#"{"name": "t", "objective": {"type": "expression", "vars": ["x", "y"], "f": "0.5*x^2 + cos(y) + 2*y^2"},
            "domain": [["-1", "1"], ["-1", "1"]], "algorithm": {"method": "gd", "h": "1/10"},
            "x0": ["1/2", "1/2"], "horizon": {"steps": 30}}"#;
        let spec = crate::spec::parse_spec_str(text).unwrap();
        let objective = spec.objective.as_box().unwrap();
        let orbit = crate::dynamics::spec_orbit(&spec).unwrap();
        assert_eq!(orbit, gd(objective, &spec.x0, &q("1/10"), 30));
        let (flow, name) = crate::dynamics::spec_flow(&spec).unwrap();
        assert!(name.starts_with("gradient flow"));
        assert_eq!(flow, gradient_flow(objective, &spec.x0, &Rat::one(), &q("1/10"), 30));
        assert!(flow.max_rad() < 1e-13 && orbit.max_rad() < 1e-13, "{} {}", flow.max_rad(), orbit.max_rad());
        // The flow is strongly convex here (∇²f ⪰ diag(1, 3)): GD and the flow stay O(h) apart.
        let d = (0..=30).map(|k| (orbit.mid(k)[0] - flow.mid(k)[0]).hypot(orbit.mid(k)[1] - flow.mid(k)[1]));
        assert!(d.fold(0.0, f64::max) < 0.1);
        let hb = text.replace(r#""method": "gd""#, r#""method": "heavy_ball_ol", "alpha": "3/10""#);
        let spec = crate::spec::parse_spec_str(&hb).unwrap();
        let (flow, name) = crate::dynamics::spec_flow(&spec).unwrap();
        assert!(name.starts_with("heavy-ball ODE") && flow.max_rad() < 1e-12, "{}", flow.max_rad());
        assert!(crate::dynamics::spec_orbit(&spec).unwrap().max_rad() < 1e-12);
    }
    #[test]
    fn dataset_and_its_expression_give_intersecting_tubes() {
        // The same empirical risk as a `dataset` (structure, midpoint–radius passes) and as an
        // `expression` (symbolic gradient, series tape): independent code paths, both rigorous, so
        // their balls must meet at every sample. Radii: the remainder tolerance allows about
        // 1.5e-11 per unit time (T = 20 here).
        use crate::objective::dataset::{Dataset, Loss};
        let csv = "label,a,b\n1,1,2\n-1,3,0\n1,0,1\n-1,2,2\n";
        let rows = [(1, "1*a + 2*b + c"), (-1, "3*a + c"), (1, "b + c"), (-1, "2*a + 2*b + c")];
        for (loss, term) in [(Loss::Sigmoid, "(1 - sigma(Z))"), (Loss::Logistic, "log(1 + exp(-(Z)))")] {
            let ds = Dataset::new("t.csv", csv.as_bytes(), "t.csv", loss, q("1/10"), true, q("1/2")).unwrap();
            let sum: Vec<String> =
                rows.iter().map(|(y, z)| term.replace('Z', &format!("{y}*(({z})/2 + c/2)"))).collect();
            // x̃ = (x/2, 1): the bias is not scaled, (xa + c)/2 + c/2 = xa/2 + c.
            let f = format!("({})/4 + (1/20)*(a^2 + b^2 + c^2)", sum.join(" + "));
            let e = expr(&["a", "b", "c"], &f);
            let (x0, h, steps) = (vec![q("1/2"), q("-1/3"), q("1/5")], q("1/2"), 40);
            let pairs = [
                (gradient_flow(&ds, &x0, &Rat::one(), &h, steps), gradient_flow(&e, &x0, &Rat::one(), &h, steps)),
                (gd(&ds, &x0, &h, steps), gd(&e, &x0, &h, steps)),
            ];
            for (what, (a, b)) in ["flow", "gd"].iter().zip(&pairs) {
                for k in 0..=steps {
                    let d =
                        a.mid(k).iter().zip(b.mid(k)).fold(point(0.0), |s, (x, y)| s + (point(*x) - point(*y)).sqr());
                    assert!(d.sqrt().inf() <= a.rad(k) + b.rad(k), "{loss:?} {what}: sample {k}: balls disjoint");
                    assert!(
                        a.rad(k) < 1e-9 && b.rad(k) < 1e-9,
                        "{loss:?} {what}: sample {k}: radii {} {}",
                        a.rad(k),
                        b.rad(k)
                    );
                }
                // The trajectory moves: the comparison is not trivial.
                assert!((a.mid(steps)[0] - a.mid(0)[0]).abs() > 1e-3, "{loss:?} {what}");
            }
        }
    }
    #[test]
    fn expression_series_match_gradient_and_hessian() {
        // Along y(t) = y₀ + tv the gradient's series starts ∇f(y₀) + t∇²f(y₀)v: coefficients 0 and 1
        // of the Taylor-mode tape against the box evaluation of the symbolic gradient and Hessian
        // (an independent code path), at pseudo-random points; every function and a negative power.
        let e = expr(
            &["x", "y"],
            "tanh(x)*sqrt(2 + y) + x^-2*sin(y) + log(3 + cos(x*y)) + sigma(x - y)/(1 + exp(y)) + x^3*y",
        );
        let mut seed = 5u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            0.2 + ((seed >> 11) as f64 / (1u64 << 53) as f64) * 0.8
        };
        for _ in 0..50 {
            let (y0, v) = ([next(), next() - 0.5], [next() - 0.6, next()]);
            let mut map = e.gradient_series();
            let c0 = map.push(&y0.map(point));
            let c1 = map.push(&v.map(point));
            let c2 = map.push(&[point(0.0); 2]);
            let g = e.gradient_box(&y0.map(point));
            let hv: Vec<Interval> =
                e.hessian_box(&y0.map(point)).iter().map(|row| row[0] * point(v[0]) + row[1] * point(v[1])).collect();
            for i in 0..2 {
                for (what, a, b) in [("gradient", c0[i], g[i]), ("Hessian·v", c1[i], hv[i])] {
                    assert!(!a.intersection(b).is_empty(), "{what} {i} at {y0:?}: {a:?} vs {b:?}");
                    let tight = 1e-12 * a.mag().max(1.0);
                    assert!(a.wid() < tight && b.wid() < tight, "{what} {i}: {a:?} {b:?}");
                }
                assert!(c2[i].wid() < 1e-12 * c2[i].mag().max(1.0), "{:?}", c2[i]);
            }
        }
    }
    #[test]
    fn two_step_orbits_contain_the_exact_rational_orbits() {
        // f = x⁴/4 + xy/4 + y²/2 (polynomial: exact rational orbits). Heavy ball λ = 9/10, Nesterov
        // (a = λ) and the Orvieto–Lucchi heavy ball (β = 1 − hα, η = h²), u₁ = u₀ − g∇f(u₀).
        let e = expr(&["x", "y"], "x^4/4 + x*y/4 + y^2/2");
        let grad = |u: &[Rat]| vec![&u[0] * &u[0] * &u[0] + &u[1] / q("4"), &u[0] / q("4") + &u[1]];
        let u0 = vec![q("4/5"), q("-1/3")];
        let (h, alpha) = (q("1/4"), q("3/10"));
        let cases = [
            ("heavy ball", q("9/10"), h.clone(), q("0")),
            ("nesterov", q("9/10"), h.clone(), q("9/10")),
            ("ol", Rat::one() - &h * &alpha, &h * &h, q("0")),
        ];
        let steps = 7;
        for (what, p, g, a) in &cases {
            let tube = two_step(&e, &u0, p, g, a, steps);
            assert_eq!(tube.len(), steps + 1);
            let mut prev = u0.clone();
            let g0 = grad(&u0);
            let mut u: Vec<Rat> = u0.iter().zip(&g0).map(|(x, d)| x - g * d).collect();
            assert!(tube.contains_exact(0, &u0), "{what}: step 0");
            for n in 1..=steps {
                assert!(tube.contains_exact(n, &u), "{what}: step {n} (radius {})", tube.rad(n));
                let mut off = u.clone();
                off[0] += q("1e-10");
                assert!(!tube.contains_exact(n, &off), "{what}: step {n}: not tight ({})", tube.rad(n));
                let y: Vec<Rat> = u.iter().zip(&prev).map(|(x, w)| x + a * (x - w)).collect();
                let gy = grad(&y);
                let next: Vec<Rat> = (0..2).map(|i| &u[i] + p * (&u[i] - &prev[i]) - g * &gy[i]).collect();
                prev = std::mem::replace(&mut u, next);
            }
        }
        // A large step overflows: an infinite radius, no panic.
        let tube = two_step(&e, &u0, &q("9/10"), &q("1000"), &q("0"), 30);
        assert!(tube.rad(30).is_infinite());
    }

    /// The exact orbit of scheme (7) on Rosenbrock's function, to within 10⁻⁸⁰: exact rational
    /// steps rounded to the grid 2⁻³⁰⁰ (the rounding, carried by tangent products of norm below 20
    /// along this orbit, stays below 10⁴·20·2⁻³⁰⁰).
    fn rosenbrock_orbit(u0: &[Rat], h: &Rat, lambda: &Rat, a: &Rat, steps: usize) -> Vec<Vec<Rat>> {
        let scale = num_bigint::BigInt::from(1) << 300u32;
        let round = |x: Rat| Rat::new((x * &scale).floor().to_integer(), scale.clone());
        let grad = |u: &[Rat]| {
            let w = &u[1] - &u[0] * &u[0];
            vec![q("-2") * (q("1") - &u[0]) - q("400") * &u[0] * &w, q("200") * w]
        };
        let g0 = grad(u0);
        let mut out = vec![u0.to_vec(), u0.iter().zip(&g0).map(|(x, d)| round(x - h * d)).collect()];
        while out.len() <= steps {
            let (u, prev) = (&out[out.len() - 1], &out[out.len() - 2]);
            let y: Vec<Rat> = u.iter().zip(prev).map(|(x, w)| x + a * (x - w)).collect();
            let gy = grad(&y);
            let next = (0..2).map(|i| round(&u[i] + lambda * (&u[i] - &prev[i]) - h * &gy[i])).collect();
            out.push(next);
        }
        out
    }

    #[test]
    fn nesterov_on_rosenbrock_stays_bounded_for_ten_thousand_steps() {
        // Rosenbrock's valley has curvatures about 0.4 and 10³ at once: no 2×2 block norm fitted to
        // one curvature contracts (the tube grew by about 1.5 per step and was +∞ by k = 100); the
        // energy norm fitted to the interval Hessian does. The tube must contain the exact orbit at
        // every step (to 10⁻⁸⁰: the ball is widened by 10⁻⁷⁰).
        let e = expr(&["x", "y"], "(1 - x)^2 + 100*(y - x^2)^2");
        let (u0, h, lambda) = (vec![q("6/5"), q("6/5")], q("1/1000"), q("9/10"));
        let steps = 10_000;
        let tube = two_step(&e, &u0, &lambda, &h, &lambda, steps);
        let exact = rosenbrock_orbit(&u0, &h, &lambda, &lambda, steps);
        let slack = q("1e-70");
        for (k, x) in exact.iter().enumerate() {
            let r = tube.rad(k);
            assert!(r < 1e-9, "step {k}: radius {r:e}");
            let rr = Rat::from_float(r).unwrap() + &slack;
            let d2 = tube.mid(k).iter().zip(x).fold(q("0"), |s, (&m, v)| {
                let e = v - Rat::from_float(m).unwrap();
                s + &e * &e
            });
            assert!(d2 <= &rr * &rr, "step {k}: the exact orbit is outside the ball (radius {r:e})");
        }
        // Not vacuous: a point 10⁻⁸ away is outside at the end.
        let mut off = exact[steps].clone();
        off[0] += q("1e-8");
        assert!(!tube.contains_exact(steps, &off));
        // Heavy ball (a = 0) on the same orbit: its transient (tangent products up to about 19) is
        // not followed by any norm tried yet; while finite, the tube still contains the orbit.
        let tube = two_step(&e, &u0, &lambda, &h, &q("0"), 60);
        let exact = rosenbrock_orbit(&u0, &h, &lambda, &q("0"), 60);
        for (k, x) in exact.iter().enumerate().filter(|(k, _)| tube.rad(*k).is_finite()) {
            let rr = Rat::from_float(tube.rad(k)).unwrap() + &slack;
            let d2 = tube.mid(k).iter().zip(x).fold(q("0"), |s, (&m, v)| {
                let e = v - Rat::from_float(m).unwrap();
                s + &e * &e
            });
            assert!(d2 <= &rr * &rr, "heavy ball step {k}: outside (radius {:e})", tube.rad(k));
        }
    }
    #[test]
    fn heavy_ball_ode_matches_the_exact_quadratic_tube() {
        // q̈ + αq̇ = −(Qq − b) as an expression vs the rigorous matrix exponential of `flow.rs`.
        let e = expr(&["x", "y"], "x^2 + x*y/2 + y^2/2 - x/3 + y");
        let qm = vec![vec![q("2"), q("1/2")], vec![q("1/2"), q("1")]];
        let b = vec![q("1/3"), q("-1")];
        let (q0, alpha, tau, steps) = (vec![q("7/5"), q("-2/3")], q("3/10"), q("1/4"), 200);
        let ours = second_order_flow(&e, &q0, &[point(0.0); 2], &alpha, &Rat::one(), &tau, steps);
        let exact = crate::dynamics::ol_heavy_ball_flow(&qm, &b, &q0, &alpha, &tau, steps);
        for k in 0..=steps {
            let d =
                ours.mid(k).iter().zip(exact.mid(k)).fold(point(0.0), |s, (a, b)| s + (point(*a) - point(*b)).sqr());
            assert!(d.sqrt().inf() <= ours.rad(k) + exact.rad(k), "sample {k}: balls disjoint");
            assert!(ours.rad(k) <= 1e-9, "sample {k}: radius {}", ours.rad(k));
        }
        assert!((ours.mid(steps)[0] - ours.mid(0)[0]).abs() > 0.1);
    }
}
