//! Validated trajectories of the momentum methods on non-quadratic objectives: the exact two-step
//! orbits (scheme (7) of 004 and the Orvieto–Lucchi heavy ball) in mean-value form, and the
//! second-order flows q̈ + c₁q̇ = −c₂∇f(q) (the heavy-ball ODE of 000, the damped flow (11) of 004)
//! by the interval Taylor method of [`crate::nonlinear`] on the state (q, q̇). Both carry their
//! error ball in a norm on the state z = (u, w) ∈ ℝ²ᵈ fitted to the curvature, and are verified
//! from checkpoints that store the norm with the centre and the radius.
//!
//! # Two-step orbit: mean-value form in a fitted norm
//! uₙ₊₁ = uₙ + p(uₙ − uₙ₋₁) − g∇f(uₙ + a(uₙ − uₙ₋₁)), from u₀ and u₁ = u₀ − g∇f(u₀) (or an exact
//! u₋₁): scheme (7) is (p, g, a) = (λ, h, a), the heavy ball of 000 (β, η, 0) = (1 − hα, h², 0).
//! With the state zₙ = (uₙ, uₙ₋₁), ‖zₙ − ẑₙ‖ ≤ rₙ:
//! * the step at the centre is enclosed in interval arithmetic; ẑₙ₊₁ is the midpoint of its first
//!   half, w its Euclidean radius;
//! * the error maps by the mean-value matrix J̄ = [[(1 + p)I − g(1 + a)H̄, −pI + gaH̄], [I, 0]], H̄
//!   the Hessian averaged on a segment of the ball B(ŷ, ρ) around the look-ahead point (ρ =
//!   (1 + 2a)·k_out·r plus the look-ahead's own radius), so ‖J̄e‖_new ≤ θ‖e‖_old; hence
//!   rₙ₊₁ = θrₙ + k_in(new)·w.
//!
//! The norms:
//! * **block norms** ‖(L ⊗ I)z‖₂, L a 2×2 matrix of exact `f64`s ([`BlockNorm`]): in an orthonormal
//!   eigenbasis of H̄ (which L ⊗ I commutes with) J̄ splits into the 2×2 blocks
//!   M(μ) = [[1 + p − g(1 + a)μ, −p + gaμ], [1, 0]], so θ = max over the spectrum of
//!   ‖LM(μ)L⁻¹‖₂ ≤ max(‖LM(μ_lo)L⁻¹‖₂, ‖LM(μ_hi)L⁻¹‖₂) (the norm of an affine function of μ is
//!   convex), with [μ_lo, μ_hi] ∋ spec ∇²f on the ball ([`Smooth::hessian_range_ball`]). Each step
//!   keeps its norm or moves to the one fitted to its curvature range (L = T⁻¹ for the real Jordan
//!   basis T of M at the midpoint of the range), whichever gives the lower θ·‖L′L⁻¹‖₂: a
//!   closed-form rule that engine and checker both run.
//! * **energy norms** ‖z‖_P = √(zᵀPz) (d ≤ [`MAX_ENERGY_DIM`]), when no block norm contracts (one
//!   2×2 L cannot fit two curvatures far apart, as in Rosenbrock's valley). The engine proposes P
//!   ([`EnergyFit`]: one 2×2 Stein block per eigendirection of the interval Hessian's midpoint);
//!   the certificate stores, per step in an energy norm, θ and, where the norm is adopted, P, k_in,
//!   k_out and the cost c of the change ([`EnergyEvent`]). Every one is verified here by interval
//!   Cholesky: θ²P − J̄ᵀPJ̄ ≻ 0 over the interval mean-value matrix of the step's box, k_in²I − P ≻ 0,
//!   P − k_out⁻²I ≻ 0 and c²P_old − P ≻ 0 (so ‖z‖_P ≤ c‖z‖_old).
//!
//! # Second-order flow
//! q̇ = v, v̇ = −c₁v − c₂∇f(q), sampled at t = kτ, nₖ substeps per sample (the engine's choice, stored
//! as for the gradient flow): a-priori box Y of the state by the Picard test, Taylor coefficients
//! qₖ₊₁ = vₖ/(k+1), vₖ₊₁ = −(c₁vₖ + c₂[∇f(q)]ₖ)/(k+1) at the centre and the Lagrange remainder on
//! Y. The error ball is in a block norm fitted to K(μ) = [[0, 1], [−c₂μ, −c₁]] and grows by e^{sν},
//! ν the logarithmic norm of the Jacobian [[0, I], [−c₂H̄, −c₁I]] on Y in that norm: the largest
//! over the spectrum of λ_max of the symmetric part of LK(μ)L⁻¹, convex in μ, so at an end of
//! [μ_lo, μ_hi]. Each substep keeps its norm or moves to the one fitted to Y, as the orbit does.
//!
//! Enclosure: rigorous. Tightness: rₙ ≈ Σ (Π θ) wⱼ; θ is the largest |eigenvalue| of the 2×2
//! blocks at the reference curvature, more elsewhere in the range.

use crate::elementary::Elementary;
use crate::exact::Rat;
use crate::interval::{dominates, norm2, norm_p, point, pt, rat_to_interval, IMat};
use crate::nonlinear::{
    ball_box, center, gd_step, picard, reaches, run_flow, run_tube, start, taylor_enclosure, Next, Retry, Run, Smooth,
    State, Substeps, MAX_TOTAL_SUBSTEPS, ORDER, TOLERANCE,
};
use crate::tube::{Adoption, Ball, Checkpoint, EnergyEvent, StateNorm};
use inari::Interval;
use num_traits::{One, Zero};
use std::sync::{Arc, Mutex};

/// Largest dimension d for which the two-step orbit tries energy norms (each try costs O(d³)
/// interval operations on 2d × 2d matrices).
pub const MAX_ENERGY_DIM: usize = 16;

/// Steps over which the change to an energy norm must pay off.
const ENERGY_HORIZON: i32 = 64;

/// Whether x is finite and positive (a factor stored in a certificate).
fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

type M2 = [[Interval; 2]; 2];

fn m2(l: [[f64; 2]; 2]) -> M2 {
    l.map(|r| r.map(pt))
}

fn mat2(a: M2, b: M2) -> M2 {
    let e = |i: usize, j: usize| a[i][0] * b[0][j] + a[i][1] * b[1][j];
    [[e(0, 0), e(0, 1)], [e(1, 0), e(1, 1)]]
}

/// An upper bound of ‖B‖₂ for every B in the 2×2 interval matrix: ‖B‖₂² = (F + √(F² − 4det²))/2,
/// F = ‖B‖_F², increasing in F and decreasing in det²; +∞ when unbounded.
///
/// Enclosure: rigorous.
fn norm2x2(b: M2) -> f64 {
    let f = (b[0][0].sqr() + b[0][1].sqr() + b[1][0].sqr() + b[1][1].sqr()).sup();
    let det2 = (b[0][0] * b[1][1] - b[0][1] * b[1][0]).sqr().inf();
    if !f.is_finite() || det2.is_nan() {
        return f64::INFINITY;
    }
    let (f, d2) = (point(f), point(det2));
    let disc = (f.sqr() - point(4.0) * d2).sup().max(0.0);
    let n = ((f + pt(disc).sqrt()) / point(2.0)).sqrt().sup();
    if n.is_nan() {
        f64::INFINITY
    } else {
        n
    }
}

/// The norm ‖(L ⊗ I)z‖₂ on z = (u, w) ∈ ℝ²ᵈ: L a 2×2 matrix of exact `f64`s, with L⁻¹ enclosed,
/// k_in ≥ ‖L‖₂ and k_out ≥ ‖L⁻¹‖₂, so ‖z‖ ≤ k_in‖z‖₂ and ‖z‖₂ ≤ k_out‖z‖.
#[derive(Clone, Copy, Debug)]
pub struct BlockNorm {
    l: [[f64; 2]; 2],
    l_inv: M2,
    k_in: f64,
    k_out: f64,
}

impl BlockNorm {
    /// The norm of L; `None` unless L is certainly invertible and both bounds are finite.
    ///
    /// Enclosure: rigorous.
    pub fn of(l: [[f64; 2]; 2]) -> Option<BlockNorm> {
        if l.iter().flatten().any(|x| !x.is_finite()) {
            return None;
        }
        let li = m2(l);
        let det = li[0][0] * li[1][1] - li[0][1] * li[1][0];
        if det.contains(0.0) || det.is_empty() {
            return None;
        }
        let l_inv = [[li[1][1] / det, -li[0][1] / det], [-li[1][0] / det, li[0][0] / det]];
        let (k_in, k_out) = (norm2x2(li), norm2x2(l_inv));
        (k_in.is_finite() && k_out.is_finite()).then_some(BlockNorm { l, l_inv, k_in, k_out })
    }

    fn identity() -> BlockNorm {
        BlockNorm::of([[1.0, 0.0], [0.0, 1.0]]).expect("I is invertible")
    }

    /// L = T⁻¹ (in `f64`), or the identity when |det T| ≤ `min_det` or L does not verify.
    fn from_basis(t: [[f64; 2]; 2], min_det: f64) -> BlockNorm {
        let det = t[0][0] * t[1][1] - t[0][1] * t[1][0];
        if det.is_finite() && det.abs() > min_det {
            let l = [[t[1][1] / det, -t[0][1] / det], [-t[1][0] / det, t[0][0] / det]];
            if let Some(n) = BlockNorm::of(l) {
                return n;
            }
        }
        BlockNorm::identity()
    }

    /// The norm fitted to the two-step block M(μ) for (p, g, a) at the curvature `mu` (the real
    /// Jordan basis of M(μ): real and imaginary parts of an eigenvector, or two eigenvectors).
    pub fn two_step((p, g, a): (Interval, Interval, Interval), mu: f64) -> BlockNorm {
        let mu = if mu.is_finite() { mu } else { 0.0 };
        let (p, g, a) = (p.mid(), g.mid(), a.mid());
        let (m00, m01) = (1.0 + p - g * (1.0 + a) * mu, -p + g * a * mu);
        // Eigenvalues of [[m00, m01], [1, 0]]: z² − m00·z − m01 = 0, eigenvector (z, 1).
        let disc = m00 * m00 + 4.0 * m01;
        let t = if disc < 0.0 {
            [[m00 / 2.0, (-disc).sqrt() / 2.0], [1.0, 0.0]]
        } else {
            [[(m00 + disc.sqrt()) / 2.0, (m00 - disc.sqrt()) / 2.0], [1.0, 1.0]]
        };
        BlockNorm::from_basis(t, 1e-6 * (t[0][0].abs() + t[0][1].abs() + 1.0))
    }

    /// The norm fitted to K(μ) = [[0, 1], [−c₂μ, −c₁]] of the second-order flow at `mu`.
    fn second_order(c1: f64, c2: f64, mu: f64) -> BlockNorm {
        let mu = if mu.is_finite() { mu } else { 0.0 };
        let disc = c1 * c1 - 4.0 * c2 * mu;
        let t = if disc < 0.0 {
            [[1.0, 0.0], [-c1 / 2.0, (-disc).sqrt() / 2.0]]
        } else {
            [[1.0, 1.0], [(-c1 + disc.sqrt()) / 2.0, (-c1 - disc.sqrt()) / 2.0]]
        };
        let scale = t.iter().flatten().fold(0.0f64, |a, x| a.max(x.abs()));
        BlockNorm::from_basis(t, 1e-6 * scale * scale)
    }

    /// θ ≥ ‖LM(μ)L⁻¹‖₂ for every μ in [lo, hi] (the larger of the two ends).
    ///
    /// Enclosure: rigorous.
    fn two_step_factor(&self, (p, g, a): (Interval, Interval, Interval), (lo, hi): (f64, f64)) -> f64 {
        let one = point(1.0);
        let at = |m: f64| {
            let m = pt(m);
            let block = [[one + p - g * (one + a) * m, -p + g * a * m], [one, point(0.0)]];
            norm2x2(mat2(mat2(m2(self.l), block), self.l_inv))
        };
        at(lo).max(at(hi))
    }

    /// ν ≥ λ_max of the symmetric part of LK(μ)L⁻¹ for every μ in [lo, hi] (the larger end).
    ///
    /// Enclosure: rigorous.
    fn log_norm(&self, (c1, c2): (Interval, Interval), (lo, hi): (f64, f64)) -> f64 {
        let at = |mu: f64| {
            let k = [[point(0.0), point(1.0)], [-(c2 * pt(mu)), -c1]];
            let b = mat2(mat2(m2(self.l), k), self.l_inv);
            let (s00, s11, s01) = (b[0][0], b[1][1], (b[0][1] + b[1][0]) / point(2.0));
            let half = (s00 - s11) / point(2.0);
            let nu = ((s00 + s11) / point(2.0) + (half.sqr() + s01.sqr()).sqrt()).sup();
            if nu.is_nan() {
                f64::INFINITY
            } else {
                nu
            }
        };
        at(lo).max(at(hi))
    }

    /// c ≥ ‖L′L⁻¹‖₂, so that ‖z‖_to ≤ c‖z‖_self.
    fn change_to(&self, to: &BlockNorm) -> f64 {
        norm2x2(mat2(m2(to.l), self.l_inv))
    }

    /// ‖(L ⊗ I)v‖₂ for v = (v_u, v_w). Enclosure: rigorous.
    fn apply(&self, v: &[Interval]) -> Interval {
        let (d, l) = (v.len() / 2, m2(self.l));
        let w: Vec<Interval> =
            (0..d).flat_map(|i| [l[0][0] * v[i] + l[0][1] * v[d + i], l[1][0] * v[i] + l[1][1] * v[d + i]]).collect();
        norm2(&w)
    }

    /// P = LᵀL ⊗ I on ℝ²ᵈ (state order (u, w)). Enclosure: rigorous.
    fn matrix(&self, d: usize) -> IMat {
        let l = m2(self.l);
        let ltl = |i: usize, j: usize| l[0][i] * l[0][j] + l[1][i] * l[1][j];
        let n = 2 * d;
        let mut p = IMat { rows: n, cols: n, a: vec![point(0.0); n * n] };
        for k in 0..d {
            for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                p.a[(i * d + k) * n + j * d + k] = ltl(i, j);
            }
        }
        p
    }
}

/// A verified energy norm ‖z‖_P = √(zᵀPz): k_in²I − P ≻ 0 and P − k_out⁻²I ≻ 0, adopted at step
/// `from` (what a checkpoint names).
#[derive(Debug)]
pub struct EnergyNorm {
    p: IMat,
    k_in: f64,
    k_out: f64,
    from: usize,
}

impl EnergyNorm {
    /// Verifies the norm of an adoption at step `from` on ℝⁿ: P an n × n symmetric matrix of finite
    /// `f64`s with k_in²I − P ≻ 0 and P − k_out⁻²I ≻ 0 (interval Cholesky).
    fn verified(a: &Adoption, n: usize, from: usize) -> Result<EnergyNorm, String> {
        if a.p.len() != n * n || a.p.iter().any(|x| !x.is_finite()) {
            return Err(format!("P is not a {n} × {n} matrix of finite numbers"));
        }
        if (0..n).any(|i| (0..i).any(|j| a.p[i * n + j] != a.p[j * n + i])) {
            return Err("P is not symmetric".into());
        }
        let p = IMat { rows: n, cols: n, a: a.p.iter().map(|&x| point(x)).collect() };
        let bounded = |k: f64| k.is_finite() && k > 0.0;
        if !(bounded(a.k_in) && bounded(a.k_out)) {
            return Err("k_in and k_out must be positive".into());
        }
        if !bounded_above(&p, pt(a.k_in)) {
            return Err(format!("k_in²I − P ≻ 0 does not verify at k_in = {}", a.k_in));
        }
        if !bounded_below(&p, pt(a.k_out)) {
            return Err(format!("P − k_out⁻²I ≻ 0 does not verify at k_out = {}", a.k_out));
        }
        Ok(EnergyNorm { p, k_in: a.k_in, k_out: a.k_out, from })
    }
}

/// The norm of a two-step or second-order state.
#[derive(Clone, Debug)]
enum StepNorm {
    Block(BlockNorm),
    Energy(Arc<EnergyNorm>),
}

impl StepNorm {
    fn k_in(&self) -> f64 {
        match self {
            StepNorm::Block(n) => n.k_in,
            StepNorm::Energy(e) => e.k_in,
        }
    }

    fn k_out(&self) -> f64 {
        match self {
            StepNorm::Block(n) => n.k_out,
            StepNorm::Energy(e) => e.k_out,
        }
    }

    /// The norm's matrix on ℝ²ᵈ.
    fn matrix(&self, d: usize) -> IMat {
        match self {
            StepNorm::Block(n) => n.matrix(d),
            StepNorm::Energy(e) => e.p.clone(),
        }
    }

    /// ‖v‖ in this norm. Enclosure: rigorous.
    fn of(&self, v: &[Interval]) -> Interval {
        match self {
            StepNorm::Block(n) => n.apply(v),
            StepNorm::Energy(e) => norm_p(Some(&e.p), v),
        }
    }

    /// As a checkpoint stores it.
    fn stored(&self) -> StateNorm {
        match self {
            StepNorm::Block(n) => StateNorm::Block([n.l[0][0], n.l[0][1], n.l[1][0], n.l[1][1]]),
            StepNorm::Energy(e) => StateNorm::Energy(e.from),
        }
    }
}

/// A state ‖z − m‖ ≤ r on ℝ²ᵈ in its norm: the two-step state (uₙ, uₙ₋₁) or the second-order state
/// (q, q̇). Its sample is the first half.
#[derive(Clone, Debug)]
pub struct Normed {
    m: Vec<f64>,
    r: f64,
    norm: StepNorm,
}

impl Normed {
    fn unbounded(&self) -> Normed {
        Normed { r: f64::INFINITY, ..self.clone() }
    }
}

impl State for Normed {
    /// ‖u − m_u‖₂ ≤ ‖z − m‖₂ ≤ k_out·r.
    fn ball(&self) -> Ball {
        let d = self.m.len() / 2;
        let radius = if self.r.is_finite() { (point(self.norm.k_out()) * point(self.r)).sup() } else { f64::INFINITY };
        Ball { centre: self.m[..d].to_vec(), radius }
    }

    fn bounded(&self) -> bool {
        self.r.is_finite()
    }

    fn checkpoint(&self, k: usize) -> Option<Checkpoint> {
        self.r.is_finite().then(|| Checkpoint {
            k,
            centre: self.m.clone(),
            radius: self.r,
            norm: Some(self.norm.stored()),
        })
    }

    /// The same norm, and ‖m − c‖ + r ≤ r_c in it.
    fn within(&self, c: &Checkpoint) -> bool {
        c.norm == Some(self.norm.stored()) && reaches(&self.m, self.r, c, |v| self.norm.of(v))
    }
}

/// What the engine proposes for the energy norms of a two-step orbit (it has the floating-point
/// eigensolvers the checker does without); every proposal is an estimate that the orbit verifies
/// (module documentation).
pub trait EnergyFit: Sync {
    /// A symmetric P (2d × 2d, row-major) fitted to the d × d interval Hessian `h` of a step whose
    /// mean-value matrices `j` encloses, with an estimate of its contraction θ; `None` when none is
    /// found.
    fn fit(&self, h: &IMat, j: &IMat) -> Option<(Vec<f64>, f64)>;

    /// An estimate of the smallest θ with θ²P − JᵀPJ ⪰ 0 for the members J of `j`.
    fn theta(&self, p: &IMat, j: &IMat) -> f64;

    /// An estimate of the smallest c with c²P_old − P_new ⪰ 0.
    fn cost(&self, old: &IMat, new: &IMat) -> f64;

    /// Estimates of √λ_max(P) and 1/√λ_min(P).
    fn equivalence(&self, p: &IMat) -> (f64, f64);
}

/// Where a two-step orbit's energy norms come from.
pub enum Energies<'a> {
    /// Block norms only.
    None,
    /// The engine's proposals, verified and recorded as the orbit runs (sequentially).
    Fit(&'a dyn EnergyFit, Mutex<Vec<EnergyEvent>>),
    /// A certificate's events, by increasing step.
    Stored(&'a [EnergyEvent]),
}

impl Energies<'_> {
    /// The recorded events (empty unless fitting).
    pub fn events(self) -> Vec<EnergyEvent> {
        match self {
            Energies::Fit(_, events) => events.into_inner().unwrap_or_else(|e| e.into_inner()),
            _ => Vec::new(),
        }
    }

    fn stored(&self, k: usize) -> Option<&EnergyEvent> {
        match self {
            Energies::Stored(events) => events.binary_search_by_key(&k, |e| e.k).ok().map(|i| &events[i]),
            _ => None,
        }
    }

    fn record(&self, e: EnergyEvent) {
        if let Energies::Fit(_, events) = self {
            events.lock().unwrap_or_else(|e| e.into_inner()).push(e);
        }
    }
}

/// The first of a few factors at or above the estimate `est` that `holds` (a rigorous test at the
/// point interval of the factor); +∞ when none does.
fn verified_factor(est: f64, holds: impl Fn(Interval) -> bool) -> f64 {
    if !est.is_finite() || est < 0.0 {
        return f64::INFINITY;
    }
    let gap = (1.0 - est).max(0.0);
    [est * (1.0 + 1e-12), est + gap / 64.0, est + gap / 8.0, est * 1.01, est * 1.1]
        .into_iter()
        .find(|&t| t.is_finite() && t > 0.0 && holds(point(t)))
        .unwrap_or(f64::INFINITY)
}

/// Whether θ²P − JᵀPJ ≻ 0 for every J in `j` (so ‖Jz‖_P ≤ θ‖z‖_P). Enclosure: rigorous.
fn contracts(p: &IMat, j: &IMat, theta: Interval) -> bool {
    dominates(p, &j.transpose().mul(p).mul(j), theta)
}

/// Whether k_in²I − P ≻ 0 (‖z‖_P ≤ k_in‖z‖₂). Enclosure: rigorous.
fn bounded_above(p: &IMat, k_in: Interval) -> bool {
    dominates(&IMat::identity(p.rows), p, k_in)
}

/// Whether P − k_out⁻²I ≻ 0 (‖z‖₂ ≤ k_out‖z‖_P). Enclosure: rigorous.
fn bounded_below(p: &IMat, k_out: Interval) -> bool {
    p.combine(point(1.0), &IMat::identity(p.rows), -(point(1.0) / k_out.sqr())).is_positive_definite()
}

/// The interval mean-value matrix of the two-step map over the Hessians `h` (d × d):
/// J̄ = [[(1 + p)I − g(1 + a)H̄, −pI + gaH̄], [I, 0]]. Enclosure: rigorous.
fn two_step_matrix(h: &IMat, (p, g, a): (Interval, Interval, Interval)) -> IMat {
    let d = h.rows;
    let n = 2 * d;
    let one = point(1.0);
    let mut j = IMat { rows: n, cols: n, a: vec![point(0.0); n * n] };
    for r in 0..d {
        for c in 0..d {
            let id = if r == c { one } else { point(0.0) };
            let hrc = h.at(r, c);
            j.a[r * n + c] = (one + p) * id - g * (one + a) * hrc;
            j.a[r * n + d + c] = -p * id + g * a * hrc;
            j.a[(d + r) * n + c] = id;
        }
    }
    j
}

/// The two-step map of an orbit, its parameters and where its energy norms come from.
struct TwoStep<'a> {
    o: &'a dyn Smooth,
    pga: (Interval, Interval, Interval),
    energies: &'a Energies<'a>,
}

impl TwoStep<'_> {
    /// One step from state k (module documentation); unbounded when an enclosure fails.
    fn step(&self, k: usize, s: &Normed) -> Normed {
        self.try_step(k, s).unwrap_or_else(|| s.unbounded())
    }

    fn try_step(&self, k: usize, s: &Normed) -> Option<Normed> {
        if !s.r.is_finite() {
            return None;
        }
        let (p, g, a) = self.pga;
        let d = s.m.len() / 2;
        let (mu, mw) = s.m.split_at(d);
        let y: Vec<Interval> = (0..d).map(|i| point(mu[i]) + a * (point(mu[i]) - point(mw[i]))).collect();
        let grad = self.o.gradient(&y);
        let next: Vec<Interval> =
            (0..d).map(|i| point(mu[i]) + p * (point(mu[i]) - point(mw[i])) - g * grad[i]).collect();
        let (next, w) = center(&next)?;
        let state = |r: f64, norm: StepNorm| {
            (r.is_finite() && r >= 0.0).then(|| Normed { m: next.iter().chain(mu).copied().collect(), r, norm })
        };
        if s.r == 0.0 {
            return state((point(s.norm.k_in()) * point(w)).sup(), s.norm.clone());
        }
        // ‖y − ŷ‖₂ ≤ (1 + 2|a|)‖e‖₂ ≤ (1 + 2|a|)·k_out·r: the ball B(ŷ, ρ) lies in the ball around the
        // look-ahead's midpoint widened by its own radius.
        let rho = ((point(1.0) + point(2.0) * a.abs()) * point(s.norm.k_out()) * point(s.r)).sup();
        let (y_mid, y_rad) = center(&y)?;
        let radius = (pt(rho) + point(y_rad)).sup();
        let range = self.o.hessian_range_ball(&y_mid, radius);
        // The interval mean-value matrix over the ball's box, for the energy norms (on first need).
        let region = std::cell::OnceCell::new();
        let jbar = || {
            region.get_or_init(|| {
                let h = self.o.hessian_matrix(&ball_box(&y_mid, radius));
                let j = two_step_matrix(&h, self.pga);
                (h, j)
            })
        };
        let keep = match &s.norm {
            StepNorm::Block(n) => n.two_step_factor(self.pga, range),
            StepNorm::Energy(e) => self.kept_theta(k, e, &jbar().1),
        };
        let (mut factor, mut chosen) = (keep, s.norm.clone());
        if let StepNorm::Block(n) = &s.norm {
            let fitted = BlockNorm::two_step(self.pga, 0.5 * (range.0 + range.1));
            let switched = (pt(fitted.two_step_factor(self.pga, range)) * pt(n.change_to(&fitted))).sup();
            if switched < keep {
                (factor, chosen) = (switched, StepNorm::Block(fitted));
            }
        }
        match self.adoption(k, factor, &s.norm, d, &jbar) {
            Some(adopted) => (factor, chosen) = adopted,
            // A kept energy norm's verified θ is what a certificate stores for the step.
            None if matches!(s.norm, StepNorm::Energy(_)) && keep.is_finite() => {
                self.energies.record(EnergyEvent { k, theta: keep, adopt: None })
            }
            None => {}
        }
        state((pt(factor) * point(s.r) + point(chosen.k_in()) * point(w)).sup(), chosen)
    }

    /// θ of a kept energy norm: the stored one, verified; or, fitting, the engine's estimate made
    /// a verified factor (recorded unless the step adopts another norm). +∞ when none verifies.
    fn kept_theta(&self, k: usize, e: &EnergyNorm, j: &IMat) -> f64 {
        match self.energies {
            Energies::Stored(_) => match self.energies.stored(k) {
                Some(ev) if ev.adopt.is_none() && positive(ev.theta) && contracts(&e.p, j, pt(ev.theta)) => ev.theta,
                _ => f64::INFINITY,
            },
            Energies::Fit(fit, _) => verified_factor(fit.theta(&e.p, j), |t| contracts(&e.p, j, t)),
            Energies::None => f64::INFINITY,
        }
    }

    /// The energy norm step k adopts, with its factor θ·c: the stored adoption, verified (a
    /// stored one that does not verify makes the step unbounded); or, fitting, the engine's
    /// proposal when the step's `factor` does not contract (d ≤ [`MAX_ENERGY_DIM`]) and the
    /// proposal pays off over [`ENERGY_HORIZON`] steps, cost·θᴺ < factorᴺ.
    fn adoption<'r>(
        &self,
        k: usize,
        factor: f64,
        old: &StepNorm,
        d: usize,
        jbar: &dyn Fn() -> &'r (IMat, IMat),
    ) -> Option<(f64, StepNorm)> {
        let n = 2 * d;
        match self.energies {
            Energies::None => None,
            Energies::Stored(_) => {
                let ev = self.energies.stored(k)?;
                let a = ev.adopt.as_ref()?;
                let failed = Some((f64::INFINITY, old.clone()));
                let Ok(e) = EnergyNorm::verified(a, n, k) else { return failed };
                let j = &jbar().1;
                // θ and c enter the radius as factors: positive, not only of positive square.
                let finite = positive(ev.theta) && positive(a.cost);
                if !(finite && contracts(&e.p, j, pt(ev.theta)) && dominates(&old.matrix(d), &e.p, pt(a.cost))) {
                    return failed;
                }
                Some(((pt(ev.theta) * pt(a.cost)).sup(), StepNorm::Energy(Arc::new(e))))
            }
            Energies::Fit(fit, _) => {
                if factor.partial_cmp(&1.0) == Some(std::cmp::Ordering::Less) || d > MAX_ENERGY_DIM {
                    return None;
                }
                let (h, j) = jbar();
                let (p, est) = fit.fit(h, j)?;
                if p.len() != n * n || p.iter().any(|x| !x.is_finite()) {
                    return None;
                }
                let pm = IMat { rows: n, cols: n, a: p.iter().map(|&x| point(x)).collect() };
                let (ki, ko) = fit.equivalence(&pm);
                let k_in = verified_factor(ki, |t| bounded_above(&pm, t));
                let k_out = verified_factor(ko, |t| bounded_below(&pm, t));
                let theta = verified_factor(est, |t| contracts(&pm, j, t));
                let old_m = old.matrix(d);
                let cost = verified_factor(fit.cost(&old_m, &pm), |c| dominates(&old_m, &pm, c));
                let adoption = Adoption { p, k_in, k_out, cost };
                let e = EnergyNorm::verified(&adoption, n, k).ok()?;
                let horizon = f64::from(ENERGY_HORIZON);
                if !(theta < 1.0 && cost.is_finite() && cost.ln() + horizon * theta.ln() < horizon * factor.ln()) {
                    return None;
                }
                self.energies.record(EnergyEvent { k, theta, adopt: Some(adoption) });
                Some(((point(theta) * point(cost)).sup(), StepNorm::Energy(Arc::new(e))))
            }
        }
    }

    /// The start: z₀ = (u₀, u₋₁) for an exact u₋₁ (`prev`), else z₁ = (u₁, u₀) after the GD step
    /// u₁ = u₀ − g∇f(u₀), in the block norm fitted at u₀'s curvature; with the balls of the
    /// samples before it and the Euclidean ball of its own sample (u₀'s, or the GD step's).
    fn start(&self, u0: &[Rat], prev: Option<&[Rat]>) -> (usize, Normed, Vec<Ball>, Ball) {
        let (m0, r0) = start(u0);
        let range = self.o.hessian_range_ball(&m0, r0);
        let norm = StepNorm::Block(BlockNorm::two_step(self.pga, 0.5 * (range.0 + range.1)));
        let ball0 = Ball { centre: m0.clone(), radius: r0 };
        let (k0, (m1, r1), (mw, rw), before) = match prev {
            Some(prev) => (0, (m0, r0), start(prev), vec![]),
            None => {
                let b1 = if r0.is_finite() { gd_step(self.o, &m0, r0, self.pga.1) } else { None }
                    .unwrap_or((m0.clone(), f64::INFINITY));
                (1, b1, (m0, r0), vec![ball0])
            }
        };
        let own = Ball { centre: m1.clone(), radius: r1 };
        let r = (point(norm.k_in()) * (pt(r1).sqr() + pt(rw).sqr()).sqrt()).sup();
        let r = if r.is_nan() { f64::INFINITY } else { r };
        (k0, Normed { m: m1.iter().chain(&mw).copied().collect(), r, norm }, before, own)
    }
}

/// The exact two-step orbit uₙ₊₁ = uₙ + p(uₙ − uₙ₋₁) − g∇f(uₙ + a(uₙ − uₙ₋₁)), n = 0..=steps, from
/// u₀ and u₁ = u₀ − g∇f(u₀), or from (u₀, u₋₁) when `prev` gives an exact u₋₁ (module
/// documentation): verifying the stored `checkpoints` (whose first is at the first two-step state,
/// k = 1 or 0), or writing one every `stride` steps. The balls are Euclidean: the start's own and
/// the GD step's, then k_out·rₙ. Fails, naming the step, when a checkpoint does not verify.
///
/// Enclosure: rigorous; the radius is +∞ from the first step where an enclosure fails.
#[allow(clippy::too_many_arguments)]
pub fn two_step_orbit(
    o: &dyn Smooth,
    u0: &[Rat],
    prev: Option<&[Rat]>,
    (p, g, a): (&Rat, &Rat, &Rat),
    steps: usize,
    energies: &Energies,
    checkpoints: Option<&[Checkpoint]>,
    stride: usize,
) -> Result<(Run, Vec<Checkpoint>), String> {
    if let Energies::Stored(events) = energies {
        if events.windows(2).any(|w| w[1].k <= w[0].k) {
            return Err("energy steps out of order".into());
        }
        if !events.is_empty() && u0.len() > MAX_ENERGY_DIM {
            return Err(format!("energy norms are for dimensions up to {MAX_ENERGY_DIM}"));
        }
    }
    let map = TwoStep { o, pga: (rat_to_interval(p), rat_to_interval(g), rat_to_interval(a)), energies };
    let (k0, first, before, own) = map.start(u0, prev);
    if steps < k0 {
        // No two-step state within the horizon: the start alone.
        if checkpoints.is_some_and(|c| !c.is_empty()) {
            return Err("a checkpoint beyond the horizon".into());
        }
        return Ok((Run { balls: before, segments: Vec::new() }, Vec::new()));
    }
    let d = u0.len();
    let restart = |c: &Checkpoint| -> Result<Normed, String> {
        if c.centre.len() != 2 * d || c.radius < 0.0 {
            return Err(format!("a state of dimension {} and a radius ≥ 0 expected", 2 * d));
        }
        let norm = match c.norm {
            Some(StateNorm::Block(l)) => {
                StepNorm::Block(BlockNorm::of([[l[0], l[1]], [l[2], l[3]]]).ok_or("L is not certainly invertible")?)
            }
            Some(StateNorm::Energy(from)) => {
                let adoption =
                    energies.stored(from).and_then(|e| e.adopt.as_ref()).ok_or("no energy norm adopted there")?;
                StepNorm::Energy(Arc::new(EnergyNorm::verified(adoption, 2 * d, from)?))
            }
            None => return Err("no norm".into()),
        };
        Ok(Normed { m: c.centre.clone(), r: c.radius, norm })
    };
    let step = |k: usize, s: &Normed| -> Next<Normed> { (map.step(k, s), None) };
    let (run, cps) = run_tube((k0, first), steps, (checkpoints, stride), &restart, &step)?;
    // The first state's sample keeps its Euclidean ball (both bound it).
    let mut balls = before;
    balls.push(own);
    balls.extend(run.balls.into_iter().skip(1));
    Ok((Run { balls, segments: Vec::new() }, cps))
}

/// The Taylor coefficients of (q, v) for q̈ + c₁q̇ = −c₂∇f(q) from the box `z0` = (q₀, v₀).
///
/// Enclosure: rigorous (module documentation).
fn second_order_coefficients(
    o: &dyn Smooth,
    z0: &[Interval],
    (c1, c2): (Interval, Interval),
    order: usize,
) -> Vec<Vec<Interval>> {
    let d = z0.len() / 2;
    let mut grad = o.gradient_series();
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

/// One substep of length `sub` of the second-order flow from the state `s` (module
/// documentation): the next state, the remainder's magnitude and the a-priori box of the state.
fn second_order_substep(
    o: &dyn Smooth,
    s: &Normed,
    (c1, c2): (Interval, Interval),
    sub: Interval,
) -> Result<(Normed, f64, Vec<Interval>), Retry> {
    let StepNorm::Block(norm) = &s.norm else { return Err(Retry::Fail) };
    let d = s.m.len() / 2;
    let b = ball_box(&s.m, (point(norm.k_out) * pt(s.r)).sup());
    let t = Interval::try_from((0.0, sub.sup())).map_err(|_| Retry::Fail)?;
    let image = |y: &[Interval]| -> Vec<Interval> {
        let g = o.gradient(&y[..d]);
        (0..d)
            .map(|i| b[i] + t * y[d + i])
            .chain((0..d).map(|i| b[d + i] + t * (-(c1 * y[d + i] + c2 * g[i]))))
            .collect()
    };
    let y = picard(&b, &image).ok_or(Retry::Smaller)?;
    let range = o.hessian_range(&y[..d]);
    let growth = |n: &BlockNorm| (sub * pt(n.log_norm((c1, c2), range))).exp().sup();
    let keep = growth(norm);
    let fitted = BlockNorm::second_order(c1.mid(), c2.mid(), 0.5 * (range.0 + range.1));
    let switched = (pt(growth(&fitted)) * pt(norm.change_to(&fitted))).sup();
    let (factor, chosen) = if switched < keep { (switched, fitted) } else { (keep, *norm) };
    if !factor.is_finite() {
        return Err(Retry::Smaller);
    }
    let centre: Vec<Interval> = s.m.iter().map(|&x| point(x)).collect();
    let coefs = second_order_coefficients(o, &centre, (c1, c2), ORDER);
    let rem = second_order_coefficients(o, &y, (c1, c2), ORDER + 1).pop().expect("ORDER + 2 coefficients");
    let (enclosure, rem_mag) = taylor_enclosure(&coefs, &rem, sub)?;
    let (next, w) = center(&enclosure).ok_or(Retry::Fail)?;
    let r_next = (point(factor) * pt(s.r) + point(chosen.k_in) * point(w)).sup();
    if !r_next.is_finite() {
        return Err(Retry::Fail);
    }
    Ok((Normed { m: next, r: r_next, norm: StepNorm::Block(chosen) }, rem_mag, y))
}

/// The second-order flow q̈ + c₁q̇ = −c₂∇f(q), q(0) = q₀ (exact), q̇(0) ∈ `v0` (a box), sampled at
/// q(kτ), k = 0..=steps, with `substeps` per sample and at most [`MAX_TOTAL_SUBSTEPS`] in all,
/// verifying or writing checkpoints as [`two_step_orbit`] (module documentation): the heavy-ball
/// ODE of 000 is (c₁, c₂) = (α, 1). τ must be positive. The ball of q(0) is the start's own; the
/// boxes between samples hold q(t).
///
/// Enclosure: rigorous; the radius is +∞ from the first sample that fails.
#[allow(clippy::too_many_arguments)]
pub fn second_order_flow(
    o: &dyn Smooth,
    q0: &[Rat],
    v0: &[Interval],
    (c1, c2): (&Rat, &Rat),
    tau: &Rat,
    steps: usize,
    substeps: Substeps,
    (checkpoints, stride): (Option<&[Checkpoint]>, usize),
) -> Result<(Run, Vec<Checkpoint>), String> {
    if tau <= &Rat::zero() || v0.len() != q0.len() {
        return Err("τ must be positive and q̇(0) of q(0)'s dimension".into());
    }
    let d = q0.len();
    let (c1i, c2i) = (rat_to_interval(c1), rat_to_interval(c2));
    let (qm, qerr) = start(q0);
    let range = o.hessian_range_ball(&qm, qerr);
    let norm = BlockNorm::second_order(c1i.mid(), c2i.mid(), 0.5 * (range.0 + range.1));
    let (first, own) = match center(v0) {
        Some((mv, wv)) => {
            let r = (point(norm.k_in) * (pt(qerr).sqr() + point(wv).sqr()).sqrt()).sup();
            let r = if r.is_nan() { f64::INFINITY } else { r };
            let m = qm.iter().chain(&mv).copied().collect();
            (Normed { m, r, norm: StepNorm::Block(norm) }, Ball { centre: qm, radius: qerr })
        }
        None => {
            let m = qm.iter().copied().chain(std::iter::repeat_n(0.0, d)).collect();
            (Normed { m, r: f64::INFINITY, norm: StepNorm::Block(norm) }, Ball { centre: qm, radius: f64::INFINITY })
        }
    };
    let restart = |c: &Checkpoint| -> Result<Normed, String> {
        match c.norm {
            Some(StateNorm::Block(l)) if c.centre.len() == 2 * d && c.radius >= 0.0 => {
                let n = BlockNorm::of([[l[0], l[1]], [l[2], l[3]]]).ok_or("L is not certainly invertible")?;
                Ok(Normed { m: c.centre.clone(), r: c.radius, norm: StepNorm::Block(n) })
            }
            _ => Err(format!("a block norm, a state of dimension {} and a radius ≥ 0 expected", 2 * d)),
        }
    };
    let sample = |s: &Normed, n: usize| -> Result<(Normed, bool, Vec<Interval>), Retry> {
        let sub = rat_to_interval(&(tau / Rat::from_integer(n.into())));
        let (mut state, mut easy, mut swept) = (s.clone(), true, None::<Vec<Interval>>);
        for _ in 0..n {
            let (next, rem, y) = second_order_substep(o, &state, (c1i, c2i), sub)?;
            swept = Some(match swept {
                None => y[..d].to_vec(),
                Some(w) => w.iter().zip(&y[..d]).map(|(a, b)| a.convex_hull(*b)).collect(),
            });
            let scale = state.m.iter().fold(0.0f64, |a, x| a.max(x.abs()));
            let tol = (2.0 * f64::EPSILON).max(TOLERANCE * sub.sup()) * (1.0 + scale);
            if rem > tol {
                return Err(Retry::Smaller);
            }
            easy &= rem <= tol / 2f64.powi(ORDER as i32 + 3);
            state = next;
        }
        Ok((state, easy, swept.expect("n ≥ 1 substeps")))
    };
    let (mut run, cps) = run_flow(
        first,
        steps,
        substeps,
        (checkpoints, stride),
        MAX_TOTAL_SUBSTEPS,
        &restart,
        &sample,
        &Normed::unbounded,
    )?;
    run.balls[0] = own;
    Ok((run, cps))
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
pub fn heavy_ball_local_error(o: &dyn Smooth, balls: [&Ball; 3], h: &Rat, alpha: &Rat) -> Option<Interval> {
    let [b0, b1, b2] = balls;
    if !balls.iter().all(|b| b.radius.is_finite()) {
        return None;
    }
    let eta = rat_to_interval(&(h * h));
    let beta = rat_to_interval(&(Rat::one() - h * alpha));
    let one_beta = point(1.0) + beta;
    let centre: Vec<Interval> = b1.centre.iter().map(|&x| point(x)).collect();
    let g = o.gradient(&centre);
    let n = norm2(
        &(0..centre.len())
            .map(|i| point(b2.centre[i]) - one_beta * centre[i] + beta * point(b0.centre[i]) + eta * g[i])
            .collect::<Vec<_>>(),
    );
    let rho = if b1.radius == 0.0 {
        point(0.0)
    } else {
        let (lo, hi) = o.hessian_range_ball(&b1.centre, b1.radius);
        (one_beta - eta * pt(lo)).abs().convex_hull((one_beta - eta * pt(hi)).abs())
    };
    let spread = point(b2.radius) + rho * point(b1.radius) + beta.abs() * point(b0.radius);
    let (lo, up) = ((n - spread).inf().max(0.0), (n + spread).sup());
    Interval::try_from((lo, up)).ok().filter(|_| up.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::rat;
    use crate::nonlinear::tests::{holds, programs, q};

    /// q(t) of q̈ + (3/10)q̇ = −q, q(0) = 1, q̇(0) = 0: e^{−γt}(cos ωt + (γ/ω) sin ωt), γ = 3/20,
    /// ω = √(1 − γ²), enclosed with inari.
    fn damped_oscillator(t: Interval) -> Interval {
        let gamma = point(0.15);
        let omega = (point(1.0) - gamma.sqr()).sqrt();
        (-(gamma * t)).exp() * ((omega * t).cos() + gamma / omega * (omega * t).sin())
    }

    /// The exact two-step orbit of f = x⁴/4 + xy/4 + y²/2 (∇f = (x³ + y/4, x/4 + y): polynomial, so the
    /// orbit is rational), from u₀ with u₁ = u₀ − g∇f(u₀).
    fn exact_orbit(u0: &[Rat], (p, g, a): (&Rat, &Rat, &Rat), steps: usize) -> Vec<Vec<Rat>> {
        let grad = |u: &[Rat]| vec![u[0].pow(3) + &u[1] / rat(4), &u[0] / rat(4) + &u[1]];
        let mut out = vec![u0.to_vec()];
        let g0 = grad(u0);
        out.push(u0.iter().zip(&g0).map(|(x, d)| x - g * d).collect());
        while out.len() <= steps {
            let (u, w) = (&out[out.len() - 1], &out[out.len() - 2]);
            let y: Vec<Rat> = u.iter().zip(w).map(|(x, z)| x + a * (x - z)).collect();
            let gy = grad(&y);
            let next = (0..2).map(|i| &u[i] + p * (&u[i] - &w[i]) - g * &gy[i]).collect();
            out.push(next);
        }
        out
    }

    /// Heavy ball (a = 0) and Nesterov (a = p) on a polynomial objective: every ball holds the
    /// exact rational orbit and is tight; the checkpoints written verify and give the same balls; a
    /// shrunk radius, a moved centre, another norm, or an energy norm nobody adopted is rejected.
    #[test]
    fn two_step_orbits_hold_the_exact_orbit_and_reject_bad_checkpoints() {
        let o = programs(&["x", "y"], "x^4/4 + x*y/4 + y^2/2");
        let u0 = [q("3/5"), q("-1/3")];
        let (p, g, steps) = (q("7/10"), q("1/5"), 7);
        for a in [q("0"), q("7/10")] {
            let pga = (&p, &g, &a);
            let (run, cps) = two_step_orbit(&o, &u0, None, pga, steps, &Energies::None, None, 3).unwrap();
            let exact = exact_orbit(&u0, pga, steps);
            assert_eq!(run.balls.len(), steps + 1);
            for (k, (b, x)) in run.balls.iter().zip(&exact).enumerate() {
                assert!(holds(b, x), "a = {a}, k = {k}: {b:?}");
                assert!(b.radius < 1e-14, "a = {a}, k = {k}: radius {}", b.radius);
            }
            // The first two-step state is at k = 1 (after the GD step).
            assert_eq!(cps.iter().map(|c| c.k).collect::<Vec<_>>(), vec![1, 3, 6, 7]);
            let check =
                |c: &[Checkpoint]| two_step_orbit(&o, &u0, None, pga, steps, &Energies::Stored(&[]), Some(c), 1);
            assert_eq!(check(&cps).unwrap().0.balls, run.balls);
            let mut bad = cps.clone();
            bad[1].radius /= 2.0;
            assert!(check(&bad).unwrap_err().contains("k = 3"), "{:?}", check(&bad));
            let mut moved = cps.clone();
            moved[2].centre[3] += 1e-13;
            assert!(check(&moved).unwrap_err().contains("k = 6"));
            let mut other = cps.clone();
            other[2].norm = Some(StateNorm::Block([1.0, 0.0, 0.0, 1.0]));
            assert!(check(&other).is_err());
            let mut energy = cps.clone();
            energy[1].norm = Some(StateNorm::Energy(2));
            assert!(check(&energy).is_err());
            assert!(check(&cps[1..]).unwrap_err().contains("k = 1"));
        }
    }

    /// q̈ + (3/10)q̇ = −q, q(0) = 1, q̇(0) = 0 (f = x²/2): q(t) = e^{−γt}(cos ωt + (γ/ω) sin ωt), γ = 3/20,
    /// ω = √(1 − γ²), evaluated with inari. Every ball meets the closed form and is tight, a value
    /// 10⁻¹⁰ off is excluded, the stored substeps and checkpoints verify, and a shrunk checkpoint or a
    /// wrong substep count is rejected.
    #[test]
    fn second_order_flows_hold_the_closed_form() {
        let o = programs(&["x"], "x^2/2");
        let (alpha, tau, steps) = (q("3/10"), q("1/4"), 40);
        let v0 = [point(0.0)];
        let mut counts = Vec::new();
        let (run, cps) = second_order_flow(
            &o,
            &[q("1")],
            &v0,
            (&alpha, &Rat::one()),
            &tau,
            steps,
            Substeps::Adaptive(&mut counts),
            (None, 8),
        )
        .unwrap();
        let closed = damped_oscillator;
        for (k, b) in run.balls.iter().enumerate() {
            let t = rat_to_interval(&tau) * point(k as f64);
            let v = closed(t);
            let (m, r) = (point(b.centre[0]), point(b.radius));
            assert!((v - m).mig() <= r.sup(), "k = {k}: {v:?} misses {b:?}");
            assert!(b.radius < 1e-12, "k = {k}: radius {}", b.radius);
            if k == steps {
                assert!(((v + point(1e-10)) - m).mig() > r.sup(), "a value 1e-10 off is enclosed");
            }
        }
        // The boxes between samples hold the path.
        for (k, seg) in run.segments.iter().enumerate() {
            let seg = seg.as_ref().expect("every sample is enclosed");
            let t = rat_to_interval(&tau) * point(k as f64 + 0.5);
            assert!(!seg[0].disjoint(closed(t)), "segment {k}");
        }
        let check = |counts: &[u32], c: &[Checkpoint]| {
            second_order_flow(
                &o,
                &[q("1")],
                &v0,
                (&alpha, &Rat::one()),
                &tau,
                steps,
                Substeps::Stored(counts),
                (Some(c), 1),
            )
        };
        assert_eq!(check(&counts, &cps).unwrap().0.balls, run.balls);
        let mut bad = cps.clone();
        bad[2].radius /= 4.0;
        assert!(check(&counts, &bad).unwrap_err().contains(&format!("k = {}", bad[2].k)));
        let mut fewer = counts.clone();
        fewer[0] = 0;
        assert!(check(&fewer, &cps).is_err());
    }

    /// The heavy-ball local error of 000 Prop. 2 along q̈ + αq̇ = −q (f = x²/2), from the closed form
    /// at three consecutive samples: the enclosure holds the exact residual and is tight.
    #[test]
    fn heavy_ball_local_error_holds_the_closed_form() {
        let o = programs(&["x"], "x^2/2");
        let (h, alpha) = (q("1/10"), q("3/10"));
        let closed = damped_oscillator;
        let (eta, beta) = (point(0.01), point(0.97));
        let mut largest = 0.0f64;
        for k in 1..20 {
            let t = |j: usize| rat_to_interval(&h) * point(j as f64);
            let (a, b, c) = (closed(t(k - 1)), closed(t(k)), closed(t(k + 1)));
            // The residual q₊ − (1 + β)q + βq₋ + ηq (∇f(q) = q), enclosed from the closed form.
            let res = (c - (point(1.0) + beta) * b + beta * a + eta * b).abs();
            let ball = |v: Interval| Ball { centre: vec![v.mid()], radius: v.rad() };
            let e = heavy_ball_local_error(&o, [&ball(a), &ball(b), &ball(c)], &h, &alpha).unwrap();
            assert!(
                !e.disjoint(res) && res.inf() >= e.inf() - 1e-15 && res.sup() <= e.sup() + 1e-15,
                "k = {k}: {e:?} vs {res:?}"
            );
            assert!(e.wid() < 1e-14, "k = {k}: width {}", e.wid());
            largest = largest.max(res.inf());
        }
        // −(α/2)h³q̈ + O(h⁴): about 1.5·10⁻⁴ near t = 0, not zero.
        assert!(largest > 1e-4, "{largest}");
    }

    /// Hostile inputs are refused or unbounded, never a panic: a start beyond f64 (x₀ = 10⁴⁰⁰),
    /// energy steps for a dimension above [`MAX_ENERGY_DIM`], a negative radius at a checkpoint.
    #[test]
    fn hostile_inputs_are_refused_or_unbounded() {
        let o = programs(&["x"], "x^4/4");
        let huge = [Rat::from_integer(num_bigint::BigInt::from(10).pow(400))];
        let (p, g, a) = (q("7/10"), q("1/5"), q("0"));
        let (run, cps) = two_step_orbit(&o, &huge, None, (&p, &g, &a), 3, &Energies::None, None, 1).unwrap();
        assert!(run.balls.iter().all(|b| b.radius.is_infinite()) && cps.is_empty());
        let mut counts = Vec::new();
        let (run, _) = second_order_flow(
            &o,
            &huge,
            &[point(0.0)],
            (&p, &Rat::one()),
            &g,
            3,
            Substeps::Adaptive(&mut counts),
            (None, 1),
        )
        .unwrap();
        assert!(run.balls.iter().all(|b| b.radius.is_infinite()));
        let (run, _) = crate::nonlinear::gd_orbit(&o, &huge, &g, 3, None, 1).unwrap();
        assert!(run.balls.iter().all(|b| b.radius.is_infinite()));
        // d = 17: no energy steps.
        let vars: Vec<String> = (0..17).map(|i| format!("x{i}")).collect();
        let names: Vec<&str> = vars.iter().map(String::as_str).collect();
        let f = vars.iter().map(|v| format!("{v}^2")).collect::<Vec<_>>().join(" + ");
        let big = programs(&names, &f);
        let x0 = vec![q("1/2"); 17];
        let events = [EnergyEvent { k: 1, theta: 0.5, adopt: None }];
        let r = two_step_orbit(&big, &x0, None, (&p, &g, &a), 3, &Energies::Stored(&events), Some(&[]), 1);
        assert!(r.unwrap_err().contains("energy norms are for dimensions up to 16"));
        // A negative radius at a checkpoint is not a state.
        let u0 = [q("1/2")];
        let (_, mut cps) = two_step_orbit(&o, &u0, None, (&p, &g, &a), 6, &Energies::None, None, 2).unwrap();
        cps[1].radius = -1.0;
        let r = two_step_orbit(&o, &u0, None, (&p, &g, &a), 6, &Energies::Stored(&[]), Some(&cps), 1);
        assert!(r.is_err());
    }
}
