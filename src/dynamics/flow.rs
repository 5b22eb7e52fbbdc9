//! Enclosed flows of quadratic objectives (∇f = Qy − b, exact rational Q, b, y₀ and parameters),
//! sampled at t = kτ: the gradient flow ẏ = −∇f, the rescaled flow (8), the modified flow (20)–(21)
//! with the corrected constant c = λ̄(λ̄ − a − ½) (proofs/ERRATA.md §4), the damped flow (11) with
//! u′(0) from (12), and the Orvieto–Lucchi heavy-ball ODE q̈ + αq̇ = −∇f.
//!
//! # Method
//! Every flow here is linear: ż = Kz + g. The exact sampling map over one step τ is
//! z ↦ e^{τK}z + ∫₀^τ e^{sK}g ds, read off the exponential of the augmented matrix
//! τ·[[K, g], [0, 0]] (`expm.rs`: Taylor series with remainder bound, scaling and squaring, in
//! interval arithmetic). The samples are then propagated in midpoint–radius form (`tube.rs`):
//! mₖ₊₁ = mₖ + (D̂mₖ + ĉ) in `f64`, with D̂, ĉ the midpoints of the enclosures of e^{τK} − I and of
//! the affine part, and one scalar error bound.
//!
//! Enclosure: rigorous. Wrapping control: midpoint–radius in a contracting norm, not Lohner's QR
//! method: for first-order flows K = −Q' is symmetric and ‖e^{−τQ'}‖₂ = e^{−τλ_min(Q')} ≤ e^{−τλ_lo}
//! with λ_lo a rigorous lower bound (`spectrum.rs`); for the second-order flows (state (u, u̇)) a
//! Lyapunov norm verified against the enclosure of e^{τK} (`norm.rs`). No product of interval
//! matrices is iterated, so the enclosure does not wrap.
//! Tightness: radius ≈ (width of the one-step enclosure + rounding)·‖m‖·min(k, 1/(1 − θ)).

use super::expm::expm1;
use super::ivec::{point, IMat};
use super::nonlinear;
use super::norm::ContractionNorm;
use super::spectrum::sym_eig_bounds;
use super::tube::{propagate, AffineStep, Start, Tube};
use crate::enclose::rat_to_interval;
use crate::exact::{Rat, RatMatrix};
use crate::objective::quadratic::gradient;
use crate::spec::{Method, Objective, Spec};
use inari::Interval;
use nalgebra::SymmetricEigen;
use num_traits::{One, Zero};
use shadowcert_checker::elementary::Elementary;

/// The one-step map's enclosures (e^{τK} − I, affine part) from the augmented exponential of τ·[[K, g], [0, 0]].
fn sampling_map(k: &RatMatrix, g: &[Rat], tau: &Rat) -> (IMat, Vec<Interval>) {
    let n = g.len();
    let mut x: RatMatrix = k.iter().zip(g).map(|(row, gi)| row.iter().chain([gi]).map(|v| tau * v).collect()).collect();
    x.push(vec![Rat::zero(); n + 1]);
    let f = expm1(&IMat::from_rat(&x));
    let c = (0..n).map(|i| f.get(i, n)).collect();
    (f.block(0, 0, n, n), c)
}

/// The gradient flow ẏ = −(Qy − b), y(0) = y₀, sampled at y(kτ), k = 0..=steps (Q symmetric).
///
/// Enclosure: rigorous. Tightness: see the module documentation.
pub fn gradient_flow(q: &RatMatrix, b: &[Rat], y0: &[Rat], tau: &Rat, steps: usize) -> Tube {
    let neg_q: RatMatrix = q.iter().map(|r| r.iter().map(|v| -v).collect()).collect();
    let (d, c) = sampling_map(&neg_q, b, tau);
    let lo = sym_eig_bounds(&IMat::from_rat(q)).lo;
    let theta = (-(rat_to_interval(tau) * point(lo))).exp().sup();
    let mut tube = Tube::new(b.len());
    propagate(&mut tube, &AffineStep::new(&d, &c), &ContractionNorm::euclidean(theta), Start::compensated(y0), steps);
    tube
}

/// The rescaled flow (8) of 004, u̇ = −(1 − λ)⁻¹(Qu − b), u(0) = u₀, sampled at kτ; λ ∈ (0, 1).
///
/// Enclosure: rigorous. Tightness: as [`gradient_flow`].
pub fn rescaled_flow(q: &RatMatrix, b: &[Rat], u0: &[Rat], lambda: &Rat, tau: &Rat, steps: usize) -> Tube {
    let lbar = Rat::one() / (Rat::one() - lambda);
    gradient_flow(&scale_matrix(q, &lbar), &scale_vec(b, &lbar), u0, tau, steps)
}

/// The modified flow (20)–(21) of 004: u̇ = −λ̄∇Φ_h(u), Φ_h = Φ + ½hc|∇Φ|², λ̄ = (1 − λ)⁻¹, with the
/// corrected c = λ̄(λ̄ − a − ½) (proofs/ERRATA.md §4). For Φ = f quadratic, ∇Φ_h = (I + hcQ)(Qu − b),
/// so the flow is the gradient flow of Q' = λ̄(Q + hcQ²), b' = λ̄(b + hcQb); sampled at kτ.
///
/// Enclosure: rigorous. Tightness: as [`gradient_flow`].
#[allow(clippy::too_many_arguments)]
pub fn modified_flow(
    q: &RatMatrix,
    b: &[Rat],
    u0: &[Rat],
    h: &Rat,
    lambda: &Rat,
    a: &Rat,
    tau: &Rat,
    steps: usize,
) -> Tube {
    let (lbar, c) = modified_constants(lambda, a);
    let hc = h * &c;
    let d = b.len();
    let q2: RatMatrix =
        (0..d).map(|i| (0..d).map(|j| (0..d).fold(Rat::zero(), |s, k| s + &q[i][k] * &q[k][j])).collect()).collect();
    let qp: RatMatrix = (0..d).map(|i| (0..d).map(|j| &lbar * (&q[i][j] + &hc * &q2[i][j])).collect()).collect();
    let qb = gradient(q, &vec![Rat::zero(); d], b);
    let bp: Vec<Rat> = (0..d).map(|i| &lbar * (&b[i] + &hc * &qb[i])).collect();
    gradient_flow(&qp, &bp, u0, tau, steps)
}

/// The damped flow (11) of 004, hα ü + (1 − λ)u̇ = −(Qu − b), u(0) = u₀, with α = ½(1 + λ − 2a(1 − λ))
/// (must be positive) and u̇(0) from (12): (1 − 2α)/(2α − λ + 1)·f(u₀), f = −∇f; sampled at kτ.
///
/// Enclosure: rigorous. Tightness: see the module documentation.
#[allow(clippy::too_many_arguments)]
pub fn damped_flow(
    q: &RatMatrix,
    b: &[Rat],
    u0: &[Rat],
    h: &Rat,
    lambda: &Rat,
    a: &Rat,
    tau: &Rat,
    steps: usize,
) -> Tube {
    let (alpha, factor) = damping(lambda, a);
    let v0: Vec<Rat> = gradient(q, b, u0).iter().map(|g| -(&factor * g)).collect();
    second_order_flow(q, b, &(h * &alpha), &(Rat::one() - lambda), u0, &v0, tau, steps)
}

/// α = ½(1 + λ − 2a(1 − λ)) of (11), exactly (the flow is damped when it is positive).
pub fn damping_alpha(lambda: &Rat, a: &Rat) -> Rat {
    let (one, two) = (Rat::one(), Rat::from_integer(2.into()));
    (&one + lambda - &two * a * (&one - lambda)) / &two
}

/// λ̄ = (1 − λ)⁻¹ and the corrected constant c = λ̄(λ̄ − a − ½) of the modified flow (19)–(21)
/// (proofs/ERRATA.md §4), exactly.
pub fn modified_constants(lambda: &Rat, a: &Rat) -> (Rat, Rat) {
    let lbar = Rat::one() / (Rat::one() - lambda);
    let c = &lbar * (&lbar - a - Rat::new(1.into(), 2.into()));
    (lbar, c)
}

/// α of [`damping_alpha`] and the factor (1 − 2α)/(2α − λ + 1) of u̇(0) = factor·f(u₀) in (12),
/// exactly; panics unless α > 0 (the callers check it).
pub fn damping(lambda: &Rat, a: &Rat) -> (Rat, Rat) {
    let (one, two) = (Rat::one(), Rat::from_integer(2.into()));
    let alpha = damping_alpha(lambda, a);
    assert!(alpha > Rat::zero(), "the damped flow (11) needs α = ½(1 + λ − 2a(1 − λ)) > 0, got {alpha}");
    let factor = (&one - &two * &alpha) / (&two * &alpha - lambda + &one);
    (alpha, factor)
}

/// The damped flow (11) of 004 for any objective (α = ½(1 + λ − 2a(1 − λ)) must be positive): for
/// quadratics [`damped_flow`]; for expression and dataset objectives the interval Taylor method
/// `nonlinear::second_order_flow` on ü + ((1 − λ)/(hα))u̇ = −(hα)⁻¹∇f(u), with u̇(0) of (12)
/// enclosed from ∇f on the point box of u₀. `None` when the objective has no box enclosures.
///
/// Enclosure: rigorous.
#[allow(clippy::too_many_arguments)]
pub fn damped_flow_of(
    objective: &Objective,
    u0: &[Rat],
    h: &Rat,
    lambda: &Rat,
    a: &Rat,
    tau: &Rat,
    steps: usize,
) -> Option<Tube> {
    if let Objective::Quadratic { q, b } = objective {
        return Some(damped_flow(q, b, u0, h, lambda, a, tau, steps));
    }
    let f = objective.as_smooth()?;
    let (alpha, factor) = damping(lambda, a);
    let (one, factor) = (Rat::one(), rat_to_interval(&factor));
    let g = f.gradient(&super::ivec::rat_vec(u0));
    let v0: Vec<Interval> = g.iter().map(|&gi| -(factor * gi)).collect();
    let mass = h * &alpha;
    Some(nonlinear::second_order_flow(f, u0, &v0, &((&one - lambda) / &mass), &(&one / &mass), tau, steps))
}

/// The Orvieto–Lucchi heavy-ball ODE q̈ + αq̇ = −(Qq − b), q(0) = q₀, q̇(0) = 0, sampled at kτ (time is
/// scaled by √η = h, so τ = h matches the heavy-ball iterates zₖ ≈ q(kh)).
///
/// Enclosure: rigorous. Tightness: see the module documentation.
pub fn ol_heavy_ball_flow(q: &RatMatrix, b: &[Rat], q0: &[Rat], alpha: &Rat, tau: &Rat, steps: usize) -> Tube {
    second_order_flow(q, b, &Rat::one(), alpha, q0, &vec![Rat::zero(); b.len()], tau, steps)
}

/// m ü + γ u̇ = −(Qu − b) as ż = Kz + g on z = (u, u̇): K = [[0, I], [−Q/m, −(γ/m)I]], g = (0, b/m).
#[allow(clippy::too_many_arguments)]
fn second_order_flow(
    q: &RatMatrix,
    b: &[Rat],
    mass: &Rat,
    friction: &Rat,
    u0: &[Rat],
    v0: &[Rat],
    tau: &Rat,
    steps: usize,
) -> Tube {
    let d = b.len();
    let mut k = vec![vec![Rat::zero(); 2 * d]; 2 * d];
    for i in 0..d {
        k[i][d + i] = Rat::one();
        for j in 0..d {
            k[d + i][j] = -&q[i][j] / mass;
        }
        k[d + i][d + i] = -friction / mass;
    }
    let g: Vec<Rat> = std::iter::repeat_n(Rat::zero(), d).chain(b.iter().map(|v| v / mass)).collect();
    let (dm, c) = sampling_map(&k, &g, tau);
    let w = SymmetricEigen::new(IMat::from_rat(q).mid()).eigenvectors;
    let norm = ContractionNorm::lyapunov(&dm.add(&IMat::identity(2 * d)), &w);
    let z0: Vec<Rat> = u0.iter().chain(v0).cloned().collect();
    let mut tube = Tube::new(d);
    propagate(&mut tube, &AffineStep::new(&dm, &c), &norm, Start::compensated(&z0), steps);
    tube
}

/// The flow a spec's orbit is compared with, sampled at t = kh, k = 0..=`horizon.steps`, with its
/// name: `gd` — the gradient flow ẏ = −∇f (000); scheme (7) — the rescaled flow (8) of 004,
/// u̇ = −(1 − λ)⁻¹∇f (Thm 2: uₙ = u(nh) + O(h)); `heavy_ball_ol` — the Orvieto–Lucchi heavy-ball
/// ODE q̈ + αq̇ = −∇f with q̇(0) = 0 (time scaled by √η = h). Non-quadratic objectives: the same flows
/// by the interval Taylor method of `dynamics::nonlinear`; `None` only when the objective has no
/// box enclosures.
///
/// Enclosure: rigorous.
pub fn spec_flow(spec: &Spec) -> Option<(Tube, &'static str)> {
    let (h, x0) = (&spec.algorithm.h, &spec.x0);
    let steps = usize::try_from(spec.steps).expect("horizon.steps fits in usize");
    let Objective::Quadratic { q, b } = &spec.objective else {
        let smooth = spec.objective.as_smooth()?;
        return match &spec.algorithm.method {
            Method::Gd => Some((nonlinear::gradient_flow(smooth, x0, &Rat::one(), h, steps), GRADIENT_FLOW)),
            Method::Scheme7 { lambda, .. } => {
                Some((nonlinear::gradient_flow(smooth, x0, &nonlinear::rescaling(lambda), h, steps), RESCALED_FLOW))
            }
            Method::HeavyBallOl { alpha } => {
                let v0 = vec![Interval::try_from((0.0, 0.0)).expect("0 is an interval"); x0.len()];
                Some((nonlinear::second_order_flow(smooth, x0, &v0, alpha, &Rat::one(), h, steps), HEAVY_BALL_ODE))
            }
        };
    };
    Some(match &spec.algorithm.method {
        Method::Gd => (gradient_flow(q, b, x0, h, steps), GRADIENT_FLOW),
        Method::Scheme7 { lambda, .. } => (rescaled_flow(q, b, x0, lambda, h, steps), RESCALED_FLOW),
        Method::HeavyBallOl { alpha } => (ol_heavy_ball_flow(q, b, x0, alpha, h, steps), HEAVY_BALL_ODE),
    })
}

/// Name of the gradient flow in [`spec_flow`].
const GRADIENT_FLOW: &str = "gradient flow ẏ = −∇f(y)";

/// Name of the Orvieto–Lucchi heavy-ball ODE in [`spec_flow`].
const HEAVY_BALL_ODE: &str = "heavy-ball ODE q̈ + αq̇ = −∇f(q), q̇(0) = 0";

/// Name of the rescaled flow (8) in [`spec_flow`].
const RESCALED_FLOW: &str = "rescaled flow (8) u̇ = −(1 − λ)⁻¹∇f(u)";

fn scale_matrix(q: &RatMatrix, s: &Rat) -> RatMatrix {
    q.iter().map(|r| r.iter().map(|v| v * s).collect()).collect()
}

fn scale_vec(b: &[Rat], s: &Rat) -> Vec<Rat> {
    b.iter().map(|v| v * s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics::expm::tests::exact_expm_apply;
    use crate::dynamics::orbit::tests::{q, Lcg};
    use num_traits::ToPrimitive;

    /// The exact sample z(t) = e^{tK}z₀ + ∫₀ᵗ e^{sK}g ds of ż = Kz + g, as a rational box (center,
    /// radius) from the exact Taylor series of the augmented system (independent of `expm.rs`).
    fn exact_sample(k: &RatMatrix, g: &[Rat], z0: &[Rat], t: &Rat) -> (Vec<Rat>, Rat) {
        let n = g.len();
        let mut x: RatMatrix =
            k.iter().zip(g).map(|(row, gi)| row.iter().chain([gi]).map(|v| t * v).collect()).collect();
        x.push(vec![Rat::zero(); n + 1]);
        let z: Vec<Rat> = z0.iter().cloned().chain([Rat::one()]).collect();
        let nu = x.iter().map(|r| r.iter().fold(Rat::zero(), |s, v| s + num_traits::Signed::abs(v))).max().unwrap();
        let order = 40 + 4 * nu.ceil().to_integer().to_usize().unwrap();
        let (c, rho) = exact_expm_apply(&x, &z, order);
        assert!(rho < q("1e-30"), "test helper: raise the order");
        (c[..n].to_vec(), rho)
    }

    /// Every corner of the exact box (first `d` coordinates) lies in the tube's ball at `k`, and a
    /// point `shift` away from the center does not.
    fn check(tube: &Tube, k: usize, c: &[Rat], rho: &Rat, shift: &str, what: &str) {
        let d = tube.dim();
        for corner in 0..(1usize << d) {
            let x: Vec<Rat> = (0..d).map(|i| if corner >> i & 1 == 1 { &c[i] + rho } else { &c[i] - rho }).collect();
            assert!(tube.contains_exact(k, &x), "{what}: sample {k} not enclosed (rad {})", tube.rad(k));
        }
        let mut off = c[..d].to_vec();
        off[0] += q(shift);
        assert!(
            !tube.contains_exact(k, &off),
            "{what}: sample {k}: a value {shift} off is enclosed (rad {})",
            tube.rad(k)
        );
    }

    fn neg(m: &RatMatrix) -> RatMatrix {
        m.iter().map(|r| r.iter().map(|v| -v).collect()).collect()
    }

    #[test]
    fn first_order_flows_contain_exact_series() {
        let mut g = Lcg(17);
        for trial in 0..4 {
            let d = 2 + trial % 2;
            let qm = g.spd(d);
            let b: Vec<Rat> = (0..d).map(|_| g.rat(5, 4)).collect();
            let y0: Vec<Rat> = (0..d).map(|_| g.rat(9, 7)).collect();
            let tau = q("1/4");
            let steps = 12;
            let lambda = q("1/2");
            let h = q("1/10");
            let a = q("1/5");
            let lbar = q("2");
            // Modified flow at λ = 0, a = 0 is GD's modified equation Φ + (h/4)|∇Φ|²: Q' = Q + (h/2)Q².
            let q2: RatMatrix = (0..d)
                .map(|i| (0..d).map(|j| (0..d).fold(Rat::zero(), |s, k| s + &qm[i][k] * &qm[k][j])).collect())
                .collect();
            let qmod: RatMatrix =
                (0..d).map(|i| (0..d).map(|j| &qm[i][j] + &h / q("2") * &q2[i][j]).collect()).collect();
            let bmod: Vec<Rat> =
                (0..d).map(|i| &b[i] + &h / q("2") * (0..d).fold(Rat::zero(), |s, k| s + &qm[i][k] * &b[k])).collect();
            let cases: Vec<(&str, Tube, RatMatrix, Vec<Rat>)> = vec![
                ("gradient", gradient_flow(&qm, &b, &y0, &tau, steps), neg(&qm), b.clone()),
                (
                    "rescaled",
                    rescaled_flow(&qm, &b, &y0, &lambda, &tau, steps),
                    neg(&scale_matrix(&qm, &lbar)),
                    scale_vec(&b, &lbar),
                ),
                ("modified", modified_flow(&qm, &b, &y0, &h, &q("0"), &q("0"), &tau, steps), neg(&qmod), bmod),
            ];
            for (what, tube, k, gv) in &cases {
                assert_eq!(tube.len(), steps + 1);
                for s in [0, 1, 2, 5, 12] {
                    let (c, rho) = exact_sample(k, gv, &y0, &(&tau * Rat::from_integer(s.into())));
                    check(tube, s, &c, &rho, "1e-12", &format!("{what} trial {trial}"));
                }
            }
            // The corrected constant at λ = 1/2, a = 1/5: c = 2(2 − 1/5 − 1/2) = 13/5 (printed (19): 23/5).
            let tube = modified_flow(&qm, &b, &y0, &h, &lambda, &a, &tau, 3);
            let hc = &h * q("13/5");
            let qp: RatMatrix =
                (0..d).map(|i| (0..d).map(|j| &lbar * (&qm[i][j] + &hc * &q2[i][j])).collect()).collect();
            let bp: Vec<Rat> = (0..d)
                .map(|i| &lbar * (&b[i] + &hc * (0..d).fold(Rat::zero(), |s, k| s + &qm[i][k] * &b[k])))
                .collect();
            let (c, rho) = exact_sample(&neg(&qp), &bp, &y0, &(&tau * q("3")));
            check(&tube, 3, &c, &rho, "1e-12", "modified λ = 1/2");
        }
    }

    #[test]
    fn second_order_flows_contain_exact_series() {
        let mut g = Lcg(23);
        for trial in 0..4 {
            let d = 2 + trial % 2;
            let qm = g.spd(d);
            let b: Vec<Rat> = (0..d).map(|_| g.rat(5, 4)).collect();
            let u0: Vec<Rat> = (0..d).map(|_| g.rat(9, 7)).collect();
            let (h, lambda, a) = (q("1/10"), q("9/10"), if trial % 2 == 0 { q("0") } else { q("9/10") });
            let steps = 10;
            // Damped flow (11): α = ½(1 + λ − 2a(1 − λ)), u̇(0) from (12).
            let alpha = (q("1") + &lambda - q("2") * &a * (q("1") - &lambda)) / q("2");
            let mass = &h * &alpha;
            let fac = (q("1") - q("2") * &alpha) / (q("2") * &alpha - &lambda + q("1"));
            let v0: Vec<Rat> = gradient(&qm, &b, &u0).iter().map(|gr| -(&fac * gr)).collect();
            let system = |mass: &Rat, fr: &Rat| {
                let mut k = vec![vec![Rat::zero(); 2 * d]; 2 * d];
                for i in 0..d {
                    k[i][d + i] = q("1");
                    for j in 0..d {
                        k[d + i][j] = -&qm[i][j] / mass;
                    }
                    k[d + i][d + i] = -fr / mass;
                }
                let gv: Vec<Rat> = (0..d).map(|_| Rat::zero()).chain(b.iter().map(|v| v / mass)).collect();
                (k, gv)
            };
            let tube = damped_flow(&qm, &b, &u0, &h, &lambda, &a, &h, steps);
            let (k, gv) = system(&mass, &(q("1") - &lambda));
            let z0: Vec<Rat> = u0.iter().chain(&v0).cloned().collect();
            for s in [0, 1, 3, 10] {
                let (c, rho) = exact_sample(&k, &gv, &z0, &(&h * Rat::from_integer(s.into())));
                // Lyapunov norms (condition up to ~10²): shift by 1e-10.
                check(&tube, s, &c, &rho, "1e-10", &format!("damped trial {trial}"));
            }
            // Orvieto–Lucchi heavy-ball ODE, q̇(0) = 0.
            let al = q("3/10");
            let tube = ol_heavy_ball_flow(&qm, &b, &u0, &al, &q("1/4"), 16);
            let (k, gv) = system(&q("1"), &al);
            let z0: Vec<Rat> = u0.iter().cloned().chain((0..d).map(|_| Rat::zero())).collect();
            for s in [0, 1, 7, 16] {
                let (c, rho) = exact_sample(&k, &gv, &z0, &(q("1/4") * Rat::from_integer(s.into())));
                check(&tube, s, &c, &rho, "1e-10", &format!("ol flow trial {trial}"));
            }
        }
    }
}
