//! Enclosed trajectories in midpoint–radius form, and the propagation that builds them.
//!
//! # Wrapping control
//! A trajectory of an exact affine map F(x) = Ax + c is enclosed as a floating-point midpoint
//! orbit mₖ (one `f64` step per iteration) plus one scalar error bound rₖ ≥ N(xₖ − mₖ) in a norm N
//! in which A contracts (`norm.rs`). With the defect δₖ = F(mₖ) − mₖ₊₁ (the rounding of the `f64`
//! step plus the difference between the exact and the floating-point data),
//!
//! N(xₖ₊₁ − mₖ₊₁) = N(A(xₖ − mₖ) + δₖ) ≤ θ·rₖ + k_in·‖δₖ‖₂ =: rₖ₊₁,
//!
//! and ‖xₖ − mₖ‖₂ ≤ k_out·rₖ. Each [`Step`] bounds ‖δₖ‖₂ by standard floating-point error analysis
//! (Higham's γₙ), from norms of the step's own vectors and constants computed once with outward
//! rounding, so a step costs one `f64` step plus a few norms and scalar interval operations. There
//! is no wrapping effect: the error set is never re-boxed, and its bound grows at the rate θ of the
//! exact map (for a contraction, rₖ stays below r₀ + k_in·sup‖δ‖/(1 − θ)). The naive interval
//! iteration, by contrast, grows at the rate ‖|A|‖_∞ ≥ ‖A‖₂.
//!
//! A midpoint may be a double-double hi + lo ([`AffineStep`] adds each increment with TwoSum), so
//! that the per-step rounding is relative to the increment rather than to ‖x‖; the tube stores hi
//! with radius k_out·rₖ + ‖lo‖.
//!
//! Enclosure: rigorous. Tightness: the radius is a worst-case accumulation of per-step rounding
//! bounds, not a statistical estimate.

use super::ivec::{norm2_sup, norm2_sup_f64, point, sqrt_sum_sq_sup, IMat};
use super::norm::ContractionNorm;
use crate::enclose::rounding::gamma;
use crate::enclose::{interval_contains_rat, rat_to_interval};
use crate::exact::Rat;
use inari::Interval;
use num_traits::ToPrimitive;
use std::sync::atomic::{AtomicU64, Ordering};

/// An a priori defect bound α₁‖m‖₂ + α₀ of a floating-point step against its exact map.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Defect {
    /// α₁, the coefficient of ‖m‖₂.
    pub per_norm: f64,
    /// α₀, the constant term.
    pub constant: f64,
}

impl Defect {
    /// α₁‖m‖₂ + α₀, rounded up (+∞ when m is not finite). Enclosure: rigorous.
    pub fn bound(&self, m: &[f64]) -> f64 {
        (point(self.per_norm) * point(norm2_sup_f64(m)) + point(self.constant)).sup()
    }
}

/// One floating-point step of an exact map F on states represented as `hi + lo` (an unevaluated
/// sum of two `f64` vectors; `lo` is zero for plain, uncompensated steps).
pub trait Step {
    /// Dimension of the state.
    fn dim(&self) -> usize;
    /// Writes the floating-point image of `hi + lo` into `out_hi + out_lo` (all of length
    /// [`Step::dim`]) and returns an upper bound of ‖F(hi + lo) − (out_hi + out_lo)‖₂ (+∞ when it
    /// cannot bound it, e.g. for non-finite input).
    fn apply(&self, hi: &[f64], lo: &[f64], out_hi: &mut [f64], out_lo: &mut [f64]) -> f64;
}

/// Knuth's TwoSum: s + e = a + b exactly, s = fl(a + b) (round to nearest, no overflow).
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    (s, (a - (s - bb)) + (b - bb))
}

/// A starting state `hi + lo` and an upper bound `err` of its distance to the exact state.
#[derive(Clone, Debug, PartialEq)]
pub struct Start {
    /// Leading part.
    pub hi: Vec<f64>,
    /// Trailing part (zero for plain steps).
    pub lo: Vec<f64>,
    /// ‖x₀ − (hi + lo)‖₂ ≤ err.
    pub err: f64,
}

impl Start {
    /// The nearest doubles of `x` (what a user's code starts from), `lo = 0`.
    ///
    /// Enclosure: rigorous `err`.
    pub fn plain(x: &[Rat]) -> Self {
        let hi: Vec<f64> = x.iter().map(nearest).collect();
        let err = residual(x, &hi, &vec![0.0; x.len()]);
        Start { lo: vec![0.0; x.len()], hi, err }
    }

    /// `x` in double-double: hi = nearest(x), lo = nearest(x − hi).
    ///
    /// Enclosure: rigorous `err` (about 2⁻¹⁰⁶‖x‖).
    pub fn compensated(x: &[Rat]) -> Self {
        let hi: Vec<f64> = x.iter().map(nearest).collect();
        let lo: Vec<f64> = x.iter().zip(&hi).map(|(v, &h)| nearest(&(v - exact(h)))).collect();
        let err = residual(x, &hi, &lo);
        Start { hi, lo, err }
    }
}

fn exact(f: f64) -> Rat {
    Rat::from_float(f).expect("finite f64")
}

/// The nearest `f64` of a rational (what a user's code gets from the literal).
pub(super) fn nearest(r: &Rat) -> f64 {
    r.to_f64().expect("a rational converts to f64")
}

/// An upper bound of ‖x − (hi + lo)‖₂, through [`crate::enclose::rat_to_interval`] of the exact residuals.
fn residual(x: &[Rat], hi: &[f64], lo: &[f64]) -> f64 {
    let r: Vec<Interval> =
        x.iter().zip(hi.iter().zip(lo)).map(|(v, (&h, &l))| rat_to_interval(&(v - exact(h) - exact(l)))).collect();
    norm2_sup(&r)
}

/// The exact affine map x ↦ x + (Dx + c) stepped in compensated floating point: with D̂, ĉ the
/// midpoints of interval enclosures of D = A − I and c, the increment t = D̂·hi + ĉ is computed in
/// `f64` and added to the double-double state hi + lo with TwoSum, so the rounding is relative to the
/// small increment (about γ‖D̂‖‖x‖), not to ‖x‖.
#[derive(Clone, Debug)]
pub struct AffineStep {
    n: usize,
    d: Vec<f64>,
    c: Vec<f64>,
    /// Upper bound of ‖|D̂|‖₂.
    d_abs: f64,
    /// Rounding of t = D̂·hi + ĉ: γ_{k+1}(‖|D̂|‖₂‖hi‖ + ‖ĉ‖) + n²·2⁻¹⁰⁷⁴.
    round: Defect,
    /// Data error: ‖mag(𝐝 − D̂)‖_F·‖x‖ + ‖mag(𝐜 − ĉ)‖.
    data: Defect,
}

impl AffineStep {
    /// From enclosures `d ∋ A − I` (n×n) and `c` (length n) of the exact map.
    ///
    /// Enclosure: rigorous defect (see [`Step::apply`] for [`AffineStep`]).
    pub fn new(d: &IMat, c: &[Interval]) -> Self {
        let n = d.rows();
        assert!(d.cols() == n && c.len() == n, "AffineStep::new: shapes differ");
        let dm = d.mid();
        let dp = IMat::from_f64(&dm);
        let nnz = (0..n).map(|i| (0..n).filter(|&j| dm[(i, j)] != 0.0).count()).max().unwrap_or(0);
        let cm: Vec<f64> = c.iter().map(|x| x.mid()).collect();
        let cp: Vec<Interval> = cm.iter().map(|&x| point(x)).collect();
        let dc: Vec<Interval> = c.iter().zip(&cp).map(|(&a, &b)| a - b).collect();
        let g = gamma(nnz + 1);
        let tiny = point((n * n) as f64) * point(f64::from_bits(1));
        AffineStep {
            n,
            d: (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).map(|(i, j)| dm[(i, j)]).collect(),
            c: cm,
            d_abs: dp.abs_norm2_sup(),
            round: Defect {
                per_norm: (g * point(dp.abs_norm2_sup())).sup(),
                constant: (g * point(norm2_sup(&cp)) + tiny).sup(),
            },
            data: Defect { per_norm: d.sub(&dp).frobenius_sup(), constant: norm2_sup(&dc) },
        }
    }
}

impl Step for AffineStep {
    fn dim(&self) -> usize {
        self.n
    }

    /// The defect bound: with t̂ᵢ = fl(ĉᵢ + Σⱼ D̂ᵢⱼhiⱼ) (each non-zero term rounded at most k + 1
    /// times, k the most non-zeros in a row of D̂; zero terms are exact), (s, e) = TwoSum(hiᵢ, t̂ᵢ)
    /// (exact), e₂ = fl(e + loᵢ) (off by ≤ u|e₂|) and (hi′ᵢ, lo′ᵢ) = TwoSum(s, e₂) (exact):
    /// ‖F(hi + lo) − (hi′ + lo′)‖ ≤ γ_{k+1}(‖|D̂|‖₂‖hi‖ + ‖ĉ‖) + ‖|D̂|‖₂‖lo‖ + u‖e₂‖ +
    /// ‖mag(𝐝 − D̂)‖_F(‖hi‖ + ‖lo‖) + ‖mag(𝐜 − ĉ)‖ + n²·2⁻¹⁰⁷⁴ (underflowing products).
    fn apply(&self, hi: &[f64], lo: &[f64], out_hi: &mut [f64], out_lo: &mut [f64]) -> f64 {
        let mut e2_sq = 0.0;
        for i in 0..self.n {
            let row = &self.d[i * self.n..(i + 1) * self.n];
            let t = row.iter().zip(hi).fold(self.c[i], |s, (a, x)| s + a * x);
            let (s, e) = two_sum(hi[i], t);
            let e2 = e + lo[i];
            e2_sq += e2 * e2;
            (out_hi[i], out_lo[i]) = two_sum(s, e2);
        }
        let (n_hi, n_lo) = (point(norm2_sup_f64(hi)), point(norm2_sup_f64(lo)));
        let u = point(f64::EPSILON / 2.0);
        let bound = point(self.round.bound(hi))
            + point(self.d_abs) * n_lo
            + u * point(sqrt_sum_sq_sup(e2_sq, self.n))
            + point(self.data.per_norm) * (n_hi + n_lo)
            + point(self.data.constant);
        bound.sup()
    }
}

/// Points appended to any [`Tube`] in this process: a progress counter for long horizons (the
/// command line's progress display reads it; it decides nothing).
static POINTS: AtomicU64 = AtomicU64::new(0);

/// The number of points appended to tubes so far in this process (all threads).
pub fn points_enclosed() -> u64 {
    POINTS.load(Ordering::Relaxed)
}

/// An enclosed trajectory: points k = 0, 1, …, each a floating-point midpoint and a Euclidean
/// radius with ‖xₖ − mₖ‖₂ ≤ rₖ for the exact point xₖ; for flows, also boxes holding the path
/// between consecutive points.
#[derive(Clone, Debug, PartialEq)]
pub struct Tube {
    dim: usize,
    mid: Vec<f64>,
    rad: Vec<f64>,
    /// Box k (`dim` intervals) holds the path between points k and k + 1.
    segments: Vec<Interval>,
}

impl Tube {
    /// An empty tube of points in ℝ^`dim`.
    pub fn new(dim: usize) -> Self {
        Tube { dim, mid: Vec::new(), rad: Vec::new(), segments: Vec::new() }
    }

    /// Appends the box holding the path from the last point to the next: the caller proves that
    /// the exact path lies in it (its first `dim` coordinates are kept).
    pub fn push_segment(&mut self, x: &[Interval]) {
        assert!(x.len() >= self.dim, "Tube::push_segment: dimension");
        self.segments.extend_from_slice(&x[..self.dim]);
    }

    /// The boxes holding the path between consecutive points, when every one is known.
    pub fn segments(&self) -> Option<Vec<Vec<Interval>>> {
        let n = self.segments.len() / self.dim.max(1);
        (n + 1 == self.len()).then(|| self.segments.chunks(self.dim).map(<[Interval]>::to_vec).collect())
    }

    /// The points as the checker's balls.
    pub fn balls(&self) -> Vec<shadowcert_checker::tube::Ball> {
        (0..self.len())
            .map(|k| shadowcert_checker::tube::Ball { centre: self.mid(k).to_vec(), radius: self.rad(k) })
            .collect()
    }

    /// Appends a point: the caller proves ‖x − mid‖₂ ≤ rad for the exact point x.
    pub fn push(&mut self, mid: &[f64], rad: f64) {
        assert_eq!(mid.len(), self.dim, "Tube::push: dimension");
        self.mid.extend_from_slice(mid);
        self.rad.push(if mid.iter().all(|x| x.is_finite()) && !rad.is_nan() { rad } else { f64::INFINITY });
        POINTS.fetch_add(1, Ordering::Relaxed);
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.rad.len()
    }

    /// Whether the tube has no points.
    pub fn is_empty(&self) -> bool {
        self.rad.is_empty()
    }

    /// Dimension of the points.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// The midpoint of point `k` (for orbits: the plain `f64` orbit itself, see `orbit.rs`).
    pub fn mid(&self, k: usize) -> &[f64] {
        &self.mid[k * self.dim..(k + 1) * self.dim]
    }

    /// The Euclidean radius of point `k`: ‖xₖ − mₖ‖₂ ≤ rad(k). Enclosure: rigorous.
    pub fn rad(&self, k: usize) -> f64 {
        self.rad[k]
    }

    /// The largest radius over the tube.
    pub fn max_rad(&self) -> f64 {
        self.rad.iter().copied().fold(0.0, f64::max)
    }

    /// Point `k` as a box: coordinate i in [mₖᵢ − rₖ, mₖᵢ + rₖ] (outward).
    ///
    /// Enclosure: rigorous. Tightness: the ball's bounding box.
    pub fn point(&self, k: usize) -> Vec<Interval> {
        let r = self.rad(k);
        if !r.is_finite() {
            return vec![Interval::ENTIRE; self.dim];
        }
        let r = Interval::try_from((-r, r)).expect("finite radius");
        self.mid(k).iter().map(|&m| point(m) + r).collect()
    }

    /// Whether the exact vector `x` lies in the ball of point `k`, decided exactly (‖x − mₖ‖₂² ≤ rₖ²
    /// in rationals); also true when every coordinate box contains x and the radius is infinite.
    pub fn contains_exact(&self, k: usize, x: &[Rat]) -> bool {
        assert_eq!(x.len(), self.dim, "Tube::contains_exact: dimension");
        let r = self.rad(k);
        if !r.is_finite() {
            return self.point(k).iter().zip(x).all(|(b, v)| interval_contains_rat(b, v));
        }
        let exact = |f: f64| Rat::from_float(f).expect("finite");
        let dist2 = self.mid(k).iter().zip(x).fold(exact(0.0), |s, (&m, v)| {
            let e = v - exact(m);
            s + &e * &e
        });
        dist2 <= exact(r) * exact(r)
    }
}

/// Iterates `step` from `start`, pushing `steps + 1` points (the first `tube.dim()` coordinates of
/// each state's leading part, with radius k_out·rₖ + ‖loₖ‖) onto `tube`.
///
/// Enclosure: rigorous when `norm` is valid for the exact step matrix (see the module doc).
pub fn propagate(tube: &mut Tube, step: &impl Step, norm: &ContractionNorm, start: Start, steps: usize) {
    let n = step.dim();
    assert!(start.hi.len() == n && start.lo.len() == n && tube.dim() <= n, "propagate: dimensions");
    let keep = tube.dim();
    tube.mid.reserve(keep * (steps + 1));
    tube.rad.reserve(steps + 1);
    let (theta, k_in, k_out) = (point(norm.theta), point(norm.k_in), point(norm.k_out));
    let Start { hi: mut m, mut lo, err } = start;
    let (mut next, mut next_lo) = (vec![0.0; n], vec![0.0; n]);
    let mut r = (k_in * point(err)).sup();
    let rad = |r: f64, lo: &[f64]| (k_out * point(r) + point(norm2_sup_f64(lo))).sup();
    tube.push(&m[..keep], rad(r, &lo));
    for _ in 0..steps {
        let delta = step.apply(&m, &lo, &mut next, &mut next_lo);
        std::mem::swap(&mut m, &mut next);
        std::mem::swap(&mut lo, &mut next_lo);
        r = if delta.is_finite() && r.is_finite() {
            (theta * point(r) + k_in * point(delta)).sup()
        } else {
            f64::INFINITY
        };
        tube.push(&m[..keep], rad(r, &lo));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::{parse_rat, Rat};

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// x ↦ x + (−x/3 + 1/10) in 1-D: exact orbit xₖ = 3/10 + (2/3)ᵏ(x₀ − 3/10), compared exactly.
    #[test]
    fn scalar_affine_map_is_enclosed_and_tight() {
        let d = IMat::from_rat(&[vec![q("-1/3")]]);
        let c = [crate::enclose::rat_to_interval(&q("1/10"))];
        let step = AffineStep::new(&d, &c);
        let mut tube = Tube::new(1);
        let theta = ContractionNorm::euclidean((point(2.0) / point(3.0)).sup());
        propagate(&mut tube, &step, &theta, Start::compensated(&[q("1")]), 300);
        let mut x = q("1");
        for k in 0..=300 {
            assert!(tube.contains_exact(k, &[x.clone()]), "step {k}");
            assert!(!tube.contains_exact(k, &[&x + q("1e-12")]), "step {k}: not tight");
            x = &x + (-&x / q("3") + q("1/10"));
        }
        assert!(tube.max_rad() < 1e-15);
    }
}
