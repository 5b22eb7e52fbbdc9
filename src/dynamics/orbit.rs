//! Enclosed algorithm orbits for quadratic objectives f(x) = ½xᵀQx − bᵀx (∇f = Qx − b) with exact
//! rational Q, b, x₀ and parameters: gradient descent, scheme (7) of Kovachki–Stuart (004; heavy
//! ball a = 0, Nesterov a = λ, general a), and the Orvieto–Lucchi heavy ball (000, Prop. 2).
//!
//! Two different objects (DESIGN.md rule 5), both here:
//! * the **exact-arithmetic orbit** (what the theorems are about): [`gd`], [`scheme7`],
//!   [`ol_heavy_ball`] return a [`Tube`] that encloses it;
//! * the **plain `f64` orbit** a user's code computes: [`GdF64::step`] and [`TwoStepF64`] are those
//!   loops (with the nearest doubles of the data); [`gd_f64`] returns the tube whose midpoints are
//!   the user's GD orbit and whose radii bound its distance to the exact orbit. The momentum tubes
//!   are centered on the user's loop too.
//!
//! # Maps
//! * GD: xₖ₊₁ = xₖ − h(Qxₖ − b).
//! * Scheme (7), f = −∇f: uₙ₊₁ = uₙ + λ(uₙ − uₙ₋₁) − h(Q(uₙ + a(uₙ − uₙ₋₁)) − b), u₁ = u₀ − h(Qu₀ − b);
//!   on the state (uₙ, uₙ₋₁) ∈ ℝ²ᵈ the matrix [[(1 + λ)I − h(1 + a)Q, −λI + haQ], [I, 0]].
//! * Orvieto–Lucchi heavy ball, η = h², β = 1 − hα: zₖ₊₁ = zₖ + β(zₖ − zₖ₋₁) − η(Qzₖ − b), with the
//!   initialization **z₁ = z₀ − η∇f(z₀)** (a first GD step, as (7) does); matrix
//!   [[(1 + β)I − ηQ, −βI], [I, 0]].
//!
//! The first step u₁ (z₁) is computed exactly in rationals.
//!
//! Enclosure: rigorous. Wrapping control: midpoint–radius (`tube.rs`); [`gd`] steps a compensated
//! (double-double) midpoint, the others the user's plain loop. For GD the norm is the
//! Euclidean one and θ = max(|1 − hλ_min|, |1 − hλ_max|) = ‖I − hQ‖₂, with λ_min, λ_max bounded
//! rigorously (`spectrum.rs`; ≤ 1 when 0 ≤ hλ ≤ 2). The momentum matrices are not contractions in
//! ‖·‖₂; they use a verified Lyapunov norm built from 2×2 blocks in an eigenbasis of Q (`norm.rs`),
//! with θ just above the largest block spectral radius.
//! Tightness: radius ≈ (per-step rounding bound)·min(k, 1/(1 − θ))·k_in·k_out; see
//! `examples/bench_trajectories.rs` for d = 100, 10⁵ steps.

use super::ivec::{norm2_sup, point, rat_vec, sqrt_sum_sq_sup, IMat};
use super::norm::ContractionNorm;
use super::spectrum::sym_eig_bounds;
use super::tube::{nearest, propagate, AffineStep, Defect, Start, Step, Tube};
use crate::enclose::rat_to_interval;
use crate::enclose::rounding::gamma;
use crate::exact::{Rat, RatMatrix};
use crate::objective::quadratic::gradient;
use crate::spec::{Method, Objective, Spec};
use inari::Interval;
use nalgebra::{DMatrix, SymmetricEigen};
use num_traits::{One, Zero};

/// The plain `f64` gradient-descent loop a user's code runs, with its rigorous defect against the
/// exact map x ↦ x − h(Qx − b).
#[derive(Clone, Debug)]
pub struct GdF64 {
    d: usize,
    q: Vec<f64>,
    b: Vec<f64>,
    h: f64,
    defect: Defect,
}

impl GdF64 {
    /// The loop with the nearest doubles of `q` (symmetric, row-major rows), `b` and `h`.
    ///
    /// Enclosure: rigorous defect: rounding ≤ u‖m‖ + γ_{d+4}·ĥ(‖|Q̂|‖₂‖m‖ + ‖b̂‖) + d²·2⁻¹⁰⁷⁴ (each
    /// term of an entry is rounded at most d + 4 times, the mᵢ term once), plus the data error
    /// ‖mag(hQ − ĥQ̂)‖_F‖m‖ + ‖mag(hb − ĥb̂)‖ (exact products enclosed by `rat_to_interval`).
    pub fn new(q: &RatMatrix, b: &[Rat], h: &Rat) -> Self {
        let d = b.len();
        assert!(q.len() == d && q.iter().all(|r| r.len() == d), "GdF64::new: Q must be d×d");
        let qf: Vec<f64> = q.iter().flatten().map(nearest).collect();
        let bf: Vec<f64> = b.iter().map(nearest).collect();
        let hf = nearest(h);
        let (hp, u, g) = (point(hf), point(f64::EPSILON / 2.0), gamma(d + 4));
        let q_abs = IMat::from_f64(&DMatrix::from_row_slice(d, d, &qf)).abs_norm2_sup();
        let b_norm = norm2_sup(&bf.iter().map(|&x| point(x)).collect::<Vec<_>>());
        let dq: Vec<Interval> =
            q.iter().flatten().zip(&qf).map(|(x, &xf)| rat_to_interval(&(h * x)) - hp * point(xf)).collect();
        let db: Vec<Interval> = b.iter().zip(&bf).map(|(x, &xf)| rat_to_interval(&(h * x)) - hp * point(xf)).collect();
        let tiny = point((d * d) as f64) * point(f64::from_bits(1));
        let per_norm = u + g * hp * point(q_abs) + point(norm2_sup(&dq));
        let constant = g * hp * point(b_norm) + point(norm2_sup(&db)) + tiny;
        GdF64 { d, q: qf, b: bf, h: hf, defect: Defect { per_norm: per_norm.sup(), constant: constant.sup() } }
    }

    /// One plain step: g = Q̂m − b̂ (row by row), out = m − ĥg. This is the user's loop.
    pub fn step(&self, m: &[f64], out: &mut [f64]) {
        for (i, o) in out.iter_mut().enumerate() {
            let row = &self.q[i * self.d..(i + 1) * self.d];
            let g = row.iter().zip(m).fold(0.0, |s, (a, x)| s + a * x) - self.b[i];
            *o = m[i] - self.h * g;
        }
    }
}

impl Step for GdF64 {
    fn dim(&self) -> usize {
        self.d
    }

    /// A plain step: `lo` must be zero (as [`Start::plain`] and this step leave it).
    fn apply(&self, m: &[f64], lo: &[f64], out: &mut [f64], out_lo: &mut [f64]) -> f64 {
        assert!(lo.iter().all(|&x| x == 0.0), "GdF64 is a plain step: lo must be zero");
        self.step(m, out);
        out_lo.fill(0.0);
        self.defect.bound(m)
    }
}

/// ‖I − hQ‖₂ = max over the spectrum of |1 − hλ|, attained at an end (1 − hλ is monotone in λ).
///
/// Enclosure: rigorous upper bound.
fn gd_contraction(q: &RatMatrix, h: &Rat) -> f64 {
    let eb = sym_eig_bounds(&IMat::from_rat(q));
    let hi = rat_to_interval(h);
    (point(1.0) - hi * point(eb.lo)).abs().sup().max((point(1.0) - hi * point(eb.hi)).abs().sup())
}

/// The exact GD orbit xₖ₊₁ = xₖ − h(Qxₖ − b), k = 0..=steps, enclosed around a compensated
/// (double-double) floating-point orbit: the map is x + (Dx + c) with D = −hQ, c = hb enclosed
/// from the exact rationals ([`AffineStep`]).
///
/// Enclosure: rigorous. Tightness: per step ≈ γ_{d+1}‖h|Q|‖‖x‖ (the increment's rounding), so
/// ≈ 1e-10 after 10⁵ steps in d = 100 with ‖x‖ ≈ 10² (`examples/bench_trajectories.rs`).
pub fn gd(q: &RatMatrix, b: &[Rat], x0: &[Rat], h: &Rat, steps: usize) -> Tube {
    let dm: RatMatrix = q.iter().map(|r| r.iter().map(|v| -(h * v)).collect()).collect();
    let c: Vec<Interval> = b.iter().map(|v| rat_to_interval(&(h * v))).collect();
    let step = AffineStep::new(&IMat::from_rat(&dm), &c);
    let mut tube = Tube::new(b.len());
    propagate(&mut tube, &step, &ContractionNorm::euclidean(gd_contraction(q, h)), Start::compensated(x0), steps);
    tube
}

/// The plain `f64` GD orbit of [`GdF64`] (a user's loop, from the nearest doubles of x₀), with a
/// rigorous bound of its distance to the exact orbit: `tube.mid(k)` is the user's xₖ and
/// ‖xₖ(exact) − tube.mid(k)‖₂ ≤ `tube.rad(k)`.
///
/// Enclosure: rigorous. Tightness: per step ≈ u‖x‖ (the final rounding of x − ĥ∇ is genuinely
/// there), so ≈ 1e-9 after 10⁵ steps with ‖x‖ ≈ 10².
pub fn gd_f64(q: &RatMatrix, b: &[Rat], x0: &[Rat], h: &Rat, steps: usize) -> Tube {
    let mut tube = Tube::new(b.len());
    propagate(
        &mut tube,
        &GdF64::new(q, b, h),
        &ContractionNorm::euclidean(gd_contraction(q, h)),
        Start::plain(x0),
        steps,
    );
    tube
}

/// The exact orbit a spec asks about (`algorithm`, `h`, `x0`, `horizon.steps`), for every method:
/// for quadratic objectives as below, for the others in mean-value form (`dynamics::nonlinear`:
/// [`super::nonlinear::gd`], [`super::nonlinear::two_step`] for scheme (7) and the Orvieto–Lucchi
/// heavy ball). `None` only when the objective has no box enclosures.
///
/// Enclosure: rigorous.
pub fn spec_orbit(spec: &Spec) -> Option<Tube> {
    let (h, x0) = (&spec.algorithm.h, &spec.x0);
    let steps = usize::try_from(spec.steps).expect("horizon.steps fits in usize");
    let Objective::Quadratic { q, b } = &spec.objective else {
        use super::nonlinear;
        let objective = spec.objective.as_smooth()?;
        return Some(match &spec.algorithm.method {
            Method::Gd => nonlinear::gd(objective, x0, h, steps),
            Method::Scheme7 { lambda, a, .. } => nonlinear::two_step(objective, x0, lambda, h, a, steps),
            Method::HeavyBallOl { alpha } => {
                nonlinear::two_step(objective, x0, &(Rat::one() - h * alpha), &(h * h), &Rat::zero(), steps)
            }
        });
    };
    Some(match &spec.algorithm.method {
        Method::Gd => gd(q, b, x0, h, steps),
        Method::Scheme7 { lambda, a, .. } => scheme7(q, b, x0, h, lambda, a, steps),
        Method::HeavyBallOl { alpha } => ol_heavy_ball(q, b, x0, h, alpha, steps),
    })
}

/// The exact scheme-(7) orbit uₙ, n = 0..=steps (λ ∈ (0, 1), a ≥ 0; u₁ = u₀ − h(Qu₀ − b)), enclosed
/// around the plain `f64` orbit of [`TwoStepF64`] started from the nearest doubles of u₁, u₀.
///
/// Enclosure: rigorous. Tightness: see the module documentation.
pub fn scheme7(q: &RatMatrix, b: &[Rat], u0: &[Rat], h: &Rat, lambda: &Rat, a: &Rat, steps: usize) -> Tube {
    two_step(q, b, u0, lambda, h, a, steps)
}

/// The exact Orvieto–Lucchi heavy-ball orbit zₖ, k = 0..=steps, with η = h², β = 1 − hα and
/// z₁ = z₀ − η(Qz₀ − b), enclosed around the plain `f64` orbit of [`TwoStepF64`].
///
/// Enclosure: rigorous. Tightness: see the module documentation.
pub fn ol_heavy_ball(q: &RatMatrix, b: &[Rat], z0: &[Rat], h: &Rat, alpha: &Rat, steps: usize) -> Tube {
    two_step(q, b, z0, &(Rat::one() - h * alpha), &(h * h), &Rat::zero(), steps)
}

/// The plain `f64` two-step loop uₙ₊₁ = uₙ + p(uₙ − uₙ₋₁) − g(Q(uₙ + a(uₙ − uₙ₋₁)) − b) on the state
/// (uₙ, uₙ₋₁): scheme (7) with (p, g, a) = (λ, h, a), the Orvieto–Lucchi heavy ball with (β, η, 0).
/// As a user writes it: δ = u − w, y = u + âδ, ∇ = Q̂y − b̂, u′ = (u + p̂δ) − ĝ∇, w′ = u.
#[derive(Clone, Debug)]
pub struct TwoStepF64 {
    d: usize,
    q: Vec<f64>,
    b: Vec<f64>,
    p: f64,
    g: f64,
    a: f64,
    /// Upper bounds: ‖|Q̂|‖₂, ‖b̂‖, |p − p̂|, ‖gaQ − ĝâQ̂‖_F, ‖gQ − ĝQ̂‖_F, ‖gb − ĝb̂‖.
    q_abs: f64,
    b_norm: f64,
    dp: f64,
    dgaq: f64,
    dgq: f64,
    dgb: f64,
}

impl TwoStepF64 {
    /// The loop with the nearest doubles of the exact data.
    pub fn new(q: &RatMatrix, b: &[Rat], p: &Rat, g: &Rat, a: &Rat) -> Self {
        let d = b.len();
        assert!(q.len() == d && q.iter().all(|r| r.len() == d), "TwoStepF64::new: Q must be d×d");
        let qf: Vec<f64> = q.iter().flatten().map(nearest).collect();
        let bf: Vec<f64> = b.iter().map(nearest).collect();
        let (pf, gf, af) = (nearest(p), nearest(g), nearest(a));
        let (gp, ap) = (point(gf), point(af));
        let err = |exact: &Rat, approx: Interval| rat_to_interval(exact) - approx;
        let dgaq: Vec<Interval> =
            q.iter().flatten().zip(&qf).map(|(x, &xf)| err(&(g * a * x), gp * ap * point(xf))).collect();
        let dgq: Vec<Interval> = q.iter().flatten().zip(&qf).map(|(x, &xf)| err(&(g * x), gp * point(xf))).collect();
        let dgb: Vec<Interval> = b.iter().zip(&bf).map(|(x, &xf)| err(&(g * x), gp * point(xf))).collect();
        TwoStepF64 {
            d,
            q_abs: IMat::from_f64(&DMatrix::from_row_slice(d, d, &qf)).abs_norm2_sup(),
            b_norm: norm2_sup(&bf.iter().map(|&x| point(x)).collect::<Vec<_>>()),
            dp: err(p, point(pf)).mag(),
            dgaq: norm2_sup(&dgaq),
            dgq: norm2_sup(&dgq),
            dgb: norm2_sup(&dgb),
            q: qf,
            b: bf,
            p: pf,
            g: gf,
            a: af,
        }
    }
}

impl Step for TwoStepF64 {
    fn dim(&self) -> usize {
        2 * self.d
    }

    /// The defect bound, with δ, y, ℓ = p̂δ, s = u + ℓ, t = ĝ∇ the computed vectors and u = 2⁻⁵³:
    /// rounding ≤ u(‖u′‖ + ‖s‖ + ‖ℓ‖ + ‖t‖) + p̂γ₁‖δ‖ + ĝγ_{d+2}(‖|Q̂|‖₂‖y‖ + ‖b̂‖) +
    /// ĝ‖|Q̂|‖₂(u‖y‖ + (u + γ₁)â‖δ‖) + d(d + 4)·2⁻¹⁰⁷⁴ (each operation rounds once relative to its
    /// computed result; the dot product's terms at most d + 2 times; fl(u − w) is off by ≤ γ₁|δ|),
    /// plus the data error (|p − p̂| + ‖gaQ − ĝâQ̂‖_F)(1 + γ₁)‖δ‖ + ‖gQ − ĝQ̂‖_F‖u‖ + ‖gb − ĝb̂‖.
    ///
    /// `lo` must be zero: a plain step.
    fn apply(&self, m: &[f64], lo: &[f64], out: &mut [f64], out_lo: &mut [f64]) -> f64 {
        assert!(lo.iter().all(|&x| x == 0.0), "TwoStepF64 is a plain step: lo must be zero");
        out_lo.fill(0.0);
        let d = self.d;
        let (u, w) = m.split_at(d);
        let delta: Vec<f64> = u.iter().zip(w).map(|(x, z)| x - z).collect();
        let y: Vec<f64> = u.iter().zip(&delta).map(|(x, dl)| x + self.a * dl).collect();
        let (mut s_out, mut s_s, mut s_l, mut s_t) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..d {
            let row = &self.q[i * d..(i + 1) * d];
            let grad = row.iter().zip(&y).fold(0.0, |acc, (qij, yj)| acc + qij * yj) - self.b[i];
            let t = self.g * grad;
            let l = self.p * delta[i];
            let s = u[i] + l;
            let next = s - t;
            out[i] = next;
            (s_out, s_s, s_l, s_t) = (s_out + next * next, s_s + s * s, s_l + l * l, s_t + t * t);
        }
        out[d..].copy_from_slice(u);
        let nrm = |x: f64| point(sqrt_sum_sq_sup(x, d));
        let sq = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>();
        let (n_delta, n_y, n_u) = (nrm(sq(&delta)), nrm(sq(&y)), nrm(sq(u)));
        let uu = point(f64::EPSILON / 2.0);
        let g1 = gamma(1);
        let (pp, gp, ap, qa) = (point(self.p.abs()), point(self.g.abs()), point(self.a.abs()), point(self.q_abs));
        let rounding = uu * (nrm(s_out) + nrm(s_s) + nrm(s_l) + nrm(s_t))
            + pp * g1 * n_delta
            + gp * gamma(d + 2) * (qa * n_y + point(self.b_norm))
            + gp * qa * (uu * n_y + (uu + g1) * ap * n_delta)
            + point((d * (d + 4)) as f64) * point(f64::from_bits(1));
        let data =
            (point(self.dp) + point(self.dgaq)) * (point(1.0) + g1) * n_delta + point(self.dgq) * n_u + point(self.dgb);
        (rounding + data).sup()
    }
}

/// The two-step orbit from u₀, u₁ = u₀ − g(Qu₀ − b), in the Lyapunov norm of the exact state matrix
/// [[(1 + p)I − g(1 + a)Q, −pI + gaQ], [I, 0]].
fn two_step(q: &RatMatrix, b: &[Rat], u0: &[Rat], p: &Rat, g: &Rat, a: &Rat, steps: usize) -> Tube {
    let d = b.len();
    let step = TwoStepF64::new(q, b, p, g, a);
    let g0 = gradient(q, b, u0);
    let u1: Vec<Rat> = u0.iter().zip(&g0).map(|(x, gr)| x - g * gr).collect();
    let delta = |i: usize, j: usize| if i == j { Rat::one() } else { Rat::zero() };
    let (ga, g1a) = (g * a, g * (Rat::one() + a));
    let mut am = vec![vec![Rat::zero(); 2 * d]; 2 * d];
    for i in 0..d {
        for j in 0..d {
            am[i][j] = (Rat::one() + p) * delta(i, j) - &g1a * &q[i][j];
            am[i][d + j] = -p * delta(i, j) + &ga * &q[i][j];
        }
        am[d + i][i] = Rat::one();
    }
    let w = SymmetricEigen::new(IMat::from_rat(q).mid()).eigenvectors;
    let norm = ContractionNorm::lyapunov(&IMat::from_rat(&am), &w);
    let mut tube = Tube::new(d);
    let start0 = Start::plain(u0);
    tube.push(&start0.hi, start0.err);
    if steps > 0 {
        let s1: Vec<Rat> = u1.into_iter().chain(u0.iter().cloned()).collect();
        let mut rest = Tube::new(d);
        propagate(&mut rest, &step, &norm, Start::plain(&s1), steps - 1);
        for n in 0..rest.len() {
            tube.push(rest.mid(n), rest.rad(n));
        }
    }
    tube
}

/// The naive interval iteration x̃ ← x̃ − h̃(Q̃x̃ − b̃) for GD (for comparison only): the final box
/// after `steps` steps, or all-unbounded as soon as a coordinate becomes unbounded.
///
/// Enclosure: rigorous. Tightness: poor: the wrapping effect makes its width grow like ‖|I − hQ|‖_∞ᵏ,
/// exponentially whenever Q has off-diagonal entries.
pub fn gd_naive_interval(q: &RatMatrix, b: &[Rat], x0: &[Rat], h: &Rat, steps: usize) -> Vec<Interval> {
    let (qi, bi, hi) = (IMat::from_rat(q), rat_vec(b), rat_to_interval(h));
    let mut x = rat_vec(x0);
    for _ in 0..steps {
        let g = qi.mul_vec(&x);
        x = x.iter().zip(g.iter().zip(&bi)).map(|(&xi, (&gi, &bi))| xi - hi * (gi - bi)).collect();
        if x.iter().any(|v| !v.inf().is_finite() || !v.sup().is_finite()) {
            return vec![Interval::ENTIRE; x.len()];
        }
    }
    x
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::exact::parse_rat;

    pub(crate) fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// A small deterministic generator (LCG) for rationals with small denominators.
    pub(crate) struct Lcg(pub u64);

    impl Lcg {
        pub(crate) fn next(&mut self, range: i64) -> i64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) % (2 * range as u64 + 1)) as i64 - range
        }

        pub(crate) fn rat(&mut self, range: i64, den: i64) -> Rat {
            Rat::new(self.next(range).into(), den.into())
        }

        /// A random SPD matrix Q = MᵀM/d + I/10 with small denominators.
        pub(crate) fn spd(&mut self, d: usize) -> RatMatrix {
            let m: Vec<Vec<Rat>> = (0..d).map(|_| (0..d).map(|_| self.rat(4, 3)).collect()).collect();
            (0..d)
                .map(|i| {
                    (0..d)
                        .map(|j| {
                            let s =
                                (0..d).fold(Rat::zero(), |s, k| s + &m[k][i] * &m[k][j]) / Rat::from_integer(d.into());
                            if i == j {
                                s + q("1/10")
                            } else {
                                s
                            }
                        })
                        .collect()
                })
                .collect()
        }
    }

    /// Every exact point is in the tube, and a point `shift` away from it is not.
    fn check_tube(tube: &Tube, exact: &[Vec<Rat>], shift: &str, what: &str) {
        assert_eq!(tube.len(), exact.len(), "{what}: length");
        for (k, x) in exact.iter().enumerate() {
            assert!(tube.contains_exact(k, x), "{what}: step {k} not enclosed (rad {})", tube.rad(k));
            let shifted: Vec<Rat> =
                x.iter().enumerate().map(|(i, v)| if i == 0 { v + q(shift) } else { v.clone() }).collect();
            assert!(
                !tube.contains_exact(k, &shifted),
                "{what}: step {k}: a value shifted by {shift} is enclosed (rads {:?})",
                (0..tube.len()).step_by(10).map(|j| tube.rad(j)).collect::<Vec<_>>()
            );
        }
    }

    fn l_max(q_: &RatMatrix) -> Rat {
        crate::exact::eig_max_enclosure(q_, 8).hi
    }

    #[test]
    fn gd_orbit_contains_exact_rational_orbit() {
        let mut g = Lcg(7);
        for trial in 0..6 {
            let d = 2 + trial % 3;
            let qm = g.spd(d);
            let b: Vec<Rat> = (0..d).map(|_| g.rat(5, 4)).collect();
            let x0: Vec<Rat> = (0..d).map(|_| g.rat(9, 7)).collect();
            // h = 1/(2⌈L⌉ + 1) (not a dyadic: the data error of ĥ counts) or ≈ (39/40)·2/L (a dyadic;
            // oscillating, barely stable).
            let l = l_max(&qm);
            let h = if trial % 2 == 0 {
                Rat::one() / (q("2") * Rat::from_integer(l.ceil().to_integer()) + Rat::one())
            } else {
                crate::exact::round_down_dyadic(&(q("39/20") / &l), 12)
            };
            let steps = 300;
            let tube = gd(&qm, &b, &x0, &h, steps);
            let mut x = x0.clone();
            let mut exact = vec![x.clone()];
            for _ in 0..steps {
                let gr = gradient(&qm, &b, &x);
                x = x.iter().zip(&gr).map(|(xi, gi)| xi - &h * gi).collect();
                exact.push(x.clone());
            }
            check_tube(&tube, &exact, "1e-12", &format!("gd trial {trial}"));
            // The user's plain loop: its orbit is the midpoint and the exact orbit is within the radius.
            let tube = gd_f64(&qm, &b, &x0, &h, steps);
            check_tube(&tube, &exact, "1e-12", &format!("gd_f64 trial {trial}"));
            let plain = GdF64::new(&qm, &b, &h);
            let mut m: Vec<f64> = x0.iter().map(nearest).collect();
            let mut next = vec![0.0; d];
            for _ in 0..steps {
                plain.step(&m, &mut next);
                std::mem::swap(&mut m, &mut next);
            }
            assert_eq!(tube.mid(steps), &m[..]);
        }
    }

    /// The Orvieto–Lucchi recursion written out: z₁ = z₀ − η∇f(z₀), zₖ₊₁ = zₖ + β(zₖ − zₖ₋₁) − η∇f(zₖ).
    fn exact_ol(qm: &RatMatrix, b: &[Rat], z0: &[Rat], beta: &Rat, eta: &Rat, steps: usize) -> Vec<Vec<Rat>> {
        let g0 = gradient(qm, b, z0);
        let mut out = vec![z0.to_vec(), z0.iter().zip(&g0).map(|(x, g)| x - eta * g).collect()];
        for k in 1..steps {
            let gk = gradient(qm, b, &out[k]);
            let next = (0..b.len()).map(|i| &out[k][i] + beta * (&out[k][i] - &out[k - 1][i]) - eta * &gk[i]).collect();
            out.push(next);
        }
        out
    }

    #[test]
    fn momentum_orbits_contain_exact_rational_orbits() {
        let mut g = Lcg(11);
        for trial in 0..6 {
            let d = 2 + trial % 2;
            let qm = g.spd(d);
            let b: Vec<Rat> = (0..d).map(|_| g.rat(5, 4)).collect();
            let u0: Vec<Rat> = (0..d).map(|_| g.rat(9, 7)).collect();
            let h = crate::exact::round_down_dyadic(&(Rat::one() / (q("4") * l_max(&qm))), 10);
            let steps = 200;
            let (lambda, a) = (
                q("9/10"),
                if trial % 3 == 0 {
                    q("0")
                } else if trial % 3 == 1 {
                    q("9/10")
                } else {
                    q("1/3")
                },
            );
            // Scheme (7), checked against the recursion written out directly.
            let tube = scheme7(&qm, &b, &u0, &h, &lambda, &a, steps);
            let mut exact = vec![u0.clone()];
            let g0 = gradient(&qm, &b, &u0);
            exact.push(u0.iter().zip(&g0).map(|(x, gr)| x - &h * gr).collect());
            for n in 1..steps {
                let (un, um) = (&exact[n], &exact[n - 1]);
                let y: Vec<Rat> = un.iter().zip(um).map(|(x, z)| x + &a * (x - z)).collect();
                let gy = gradient(&qm, &b, &y);
                exact.push((0..d).map(|i| &un[i] + &lambda * (&un[i] - &um[i]) - &h * &gy[i]).collect());
            }
            // Lyapunov norms with cond(P) up to ~10²: radii up to ≈ 1.2e-12 here, so shift by 1e-11.
            check_tube(&tube, &exact, "1e-11", &format!("scheme7 trial {trial}"));
            // Orvieto–Lucchi heavy ball.
            let alpha = q("3/10");
            let tube = ol_heavy_ball(&qm, &b, &u0, &h, &alpha, steps);
            let exact = exact_ol(&qm, &b, &u0, &(Rat::one() - &h * &alpha), &(&h * &h), steps);
            // Near-defective 2×2 blocks (β ≈ 0.97) give cond(P) ≈ 400 and radii ≈ 1.1e-12: shift by 1e-11.
            check_tube(&tube, &exact, "1e-11", &format!("ol trial {trial}"));
        }
    }

    #[test]
    fn spec_orbit_dispatches_on_the_method() {
        let text = r#"{"name": "t", "objective": {"type": "quadratic", "Q": [["2", "0"], ["0", "1"]], "b": ["1", "0"]},
            "domain": [["-2", "2"], ["-2", "2"]], "algorithm": {"method": "heavy_ball", "h": "1/10", "lambda": "0.9"},
            "x0": ["1", "1"], "horizon": {"steps": 50}}"#;
        let spec = crate::spec::parse_spec_str(text).unwrap();
        let tube = spec_orbit(&spec).unwrap();
        let Objective::Quadratic { q: qm, b } = &spec.objective else { unreachable!() };
        let direct = scheme7(qm, b, &spec.x0, &q("1/10"), &q("9/10"), &q("0"), 50);
        assert_eq!(tube, direct);
    }

    #[test]
    fn naive_interval_iteration_contains_but_widens() {
        let mut g = Lcg(3);
        let d = 4;
        let qm = g.spd(d);
        let b: Vec<Rat> = (0..d).map(|_| g.rat(5, 4)).collect();
        let x0: Vec<Rat> = (0..d).map(|_| g.rat(9, 7)).collect();
        let h = crate::exact::round_down_dyadic(&(Rat::one() / l_max(&qm)), 10);
        let naive = gd_naive_interval(&qm, &b, &x0, &h, 100);
        let tube = gd(&qm, &b, &x0, &h, 100);
        let mut x = x0.clone();
        for _ in 0..100 {
            let gr = gradient(&qm, &b, &x);
            x = x.iter().zip(&gr).map(|(xi, gi)| xi - &h * gi).collect();
        }
        assert!(naive.iter().zip(&x).all(|(box_, v)| crate::enclose::interval_contains_rat(box_, v)));
        assert!(naive.iter().map(|v| v.rad()).fold(0.0, f64::max) > 100.0 * tube.rad(100));
    }
}
