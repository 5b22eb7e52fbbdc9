//! Norms in which a linear step map contracts: the Euclidean norm for symmetric maps (GD, e^{−τQ}),
//! a verified Lyapunov (energy) norm N(x) = √(xᵀPx) for the 2d×2d momentum and second-order maps.
//!
//! # Lyapunov norm for maps built from Q
//! The momentum maps (scheme (7), Orvieto–Lucchi heavy ball) and the sampled second-order flows act
//! on (u, w) ∈ ℝ²ᵈ by a 2×2 block matrix whose four d×d blocks are functions of Q. In an eigenbasis
//! Q = W diag(qᵢ) Wᵀ they split into 2×2 blocks Bᵢ. For θ above the spectral radius of every Bᵢ,
//! the Stein equation Pᵢ − (Bᵢ/θ)ᵀPᵢ(Bᵢ/θ) = I has an SPD solution, and BᵢᵀPᵢBᵢ = θ²(Pᵢ − I) ⪯ θ²Pᵢ.
//! Assembled with the floating-point W, P is just some symmetric floating-point matrix: nothing
//! above needs to be exact, because the inequality θ²P − AᵀPA ⪰ 0 is then *verified* for every A
//! in the interval enclosure of the step matrix (`spectrum::is_psd`), and λ_min(P), λ_max(P) are
//! bounded rigorously. The margin θ²·(block identity) makes the verification robust.
//!
//! Enclosure: rigorous (every constant is verified). When verification fails (θ is raised a few
//! times first) the fallback is the Euclidean norm with θ ≥ ‖A‖₂ bounded by √(‖A‖₁‖A‖_∞): still
//! sound, but then errors may grow.

use super::ivec::{point, IMat};
use super::spectrum::{is_psd, sym_eig_bounds};
use crate::exact::{Rat, RatMatrix};
use nalgebra::{DMatrix, Matrix2, Matrix3, Vector3};
use num_traits::One;
use shadowcert_checker::tube::{Affine, Norm};

/// A norm N with N(Ax) ≤ θ·N(x) for the exact step matrix A, and equivalence constants with ‖·‖₂:
/// ‖x‖₂ ≤ `k_out`·N(x) and N(x) ≤ `k_in`·‖x‖₂.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ContractionNorm {
    /// Upper bound of the step matrix's operator norm in N.
    pub theta: f64,
    /// N(x) ≤ k_in·‖x‖₂.
    pub k_in: f64,
    /// ‖x‖₂ ≤ k_out·N(x).
    pub k_out: f64,
}

impl ContractionNorm {
    /// The Euclidean norm, for a step matrix whose 2-norm is at most `theta` (the caller's proof).
    pub fn euclidean(theta: f64) -> Self {
        ContractionNorm { theta, k_in: 1.0, k_out: 1.0 }
    }

    /// A verified Lyapunov norm for a 2d×2d step matrix enclosed by `a`, whose d×d blocks are
    /// (nearly) diagonalized by `w` (eigenvectors of Q, as columns); see the module documentation.
    ///
    /// Enclosure: rigorous. Tightness: θ = ρ + (1 − ρ)/8 with ρ the largest spectral radius of the
    /// 2×2 blocks when ρ < 1 (so errors are damped at nearly the true rate); k_in·k_out is the
    /// condition number of P, large when a block is nearly defective.
    pub fn lyapunov(a: &IMat, w: &DMatrix<f64>) -> Self {
        match lyapunov_matrix(a, w) {
            Some((n, _)) => n,
            None => {
                let (n1, ninf) = (a.transpose().norm_inf_sup(), a.norm_inf_sup());
                ContractionNorm::euclidean((point(n1) * point(ninf)).sqrt().sup())
            }
        }
    }
}

/// The verified Lyapunov norm of [`ContractionNorm::lyapunov`] with its matrix P (the evidence a
/// certificate stores), or `None` when no θ in the tried range verifies.
pub fn lyapunov_matrix(a: &IMat, w: &DMatrix<f64>) -> Option<(ContractionNorm, DMatrix<f64>)> {
    {
        let d = w.nrows();
        assert_eq!((a.rows(), a.cols()), (2 * d, 2 * d), "ContractionNorm::lyapunov: shapes differ");
        let am = a.mid();
        let wt = w.transpose();
        // Bᵢ[p][q] = wᵢᵀ A_pq wᵢ: the diagonals of WᵀA_pqW.
        let proj: Vec<Vec<f64>> = (0..4)
            .map(|k| {
                let (p, q) = (k / 2, k % 2);
                let blk = am.view((p * d, q * d), (d, d)).into_owned();
                (&wt * blk * w).diagonal().iter().copied().collect()
            })
            .collect();
        let blocks: Vec<Matrix2<f64>> =
            (0..d).map(|i| Matrix2::new(proj[0][i], proj[1][i], proj[2][i], proj[3][i])).collect();
        let rho = blocks.iter().map(spectral_radius).fold(0.0, f64::max);
        let mut theta = if rho < 1.0 { rho + (1.0 - rho) / 8.0 } else { rho * 1.01 };
        for _ in 0..4 {
            if let Some(n) = verify(a, w, &blocks, theta) {
                return Some(n);
            }
            theta = if theta < 1.0 { (theta + 1.0) / 2.0 } else { theta * 1.1 };
        }
        None
    }
}

/// Spectral radius of a real 2×2 matrix (floating point; only used to choose θ).
fn spectral_radius(b: &Matrix2<f64>) -> f64 {
    let (t, det) = (b.trace(), b.determinant());
    let disc = t * t / 4.0 - det;
    if disc < 0.0 {
        det.abs().sqrt()
    } else {
        (t / 2.0).abs() + disc.sqrt()
    }
}

/// The Stein solution P − (B/θ)ᵀP(B/θ) = I (SPD when ρ(B) < θ): BᵀPB = θ²(P − I) ⪯ θ²P.
fn stein(b: &Matrix2<f64>, theta: f64) -> Option<Matrix2<f64>> {
    let c = b / theta;
    let (c11, c12, c21, c22) = (c[(0, 0)], c[(0, 1)], c[(1, 0)], c[(1, 1)]);
    // p − L(p) = (1, 0, 1) for p = (p11, p12, p22), L(p) = CᵀPC.
    let l = Matrix3::new(
        c11 * c11,
        2.0 * c11 * c21,
        c21 * c21,
        c11 * c12,
        c11 * c22 + c12 * c21,
        c21 * c22,
        c12 * c12,
        2.0 * c12 * c22,
        c22 * c22,
    );
    let p = (Matrix3::identity() - l).lu().solve(&Vector3::new(1.0, 0.0, 1.0))?;
    Some(Matrix2::new(p[0], p[1], p[1], p[2])).filter(|m| m.iter().all(|x| x.is_finite()))
}

/// P = S⁻ᵀS⁻¹ for S the (real) eigenvector basis of B: BᵀPB ⪯ ρ(B)²P, usually much better
/// conditioned than the Stein solution when B has a slow and a fast mode.
fn eigen_basis(b: &Matrix2<f64>) -> Option<Matrix2<f64>> {
    let (t, disc) = (b.trace(), b.trace() * b.trace() / 4.0 - b.determinant());
    // An eigenvector for μ: (b12, μ − b11) or (μ − b22, b21), whichever is longer; for complex μ
    // = t/2 ± iω its real and imaginary parts (the real Jordan basis).
    let vec_for = |re: f64, im: f64| {
        let v1 = [(b[(0, 1)], 0.0), (re - b[(0, 0)], im)];
        let v2 = [(re - b[(1, 1)], im), (b[(1, 0)], 0.0)];
        let n = |v: &[(f64, f64); 2]| v.iter().map(|(r, i)| r * r + i * i).sum::<f64>();
        if n(&v1) >= n(&v2) {
            v1
        } else {
            v2
        }
    };
    let s = if disc < 0.0 {
        let v = vec_for(t / 2.0, (-disc).sqrt());
        Matrix2::new(v[0].0, v[0].1, v[1].0, v[1].1)
    } else {
        let (m1, m2) = (t / 2.0 + disc.sqrt(), t / 2.0 - disc.sqrt());
        let (v1, v2) = (vec_for(m1, 0.0), vec_for(m2, 0.0));
        let s = Matrix2::new(v1[0].0, v2[0].0, v1[1].0, v2[1].0);
        let (c1, c2) = (s.column(0).norm(), s.column(1).norm());
        if c1 == 0.0 || c2 == 0.0 {
            return None;
        }
        Matrix2::from_columns(&[s.column(0) / c1, s.column(1) / c2])
    };
    let si = s.try_inverse()?;
    Some(si.transpose() * si).filter(|m| m.iter().all(|x| x.is_finite()))
}

/// λ_max/λ_min of a symmetric 2×2 matrix (+∞ unless positive definite).
fn condition(p: &Matrix2<f64>) -> f64 {
    let e = p.symmetric_eigenvalues();
    let (lo, hi) = (e.min(), e.max());
    if lo > 0.0 {
        hi / lo
    } else {
        f64::INFINITY
    }
}

/// Builds P from the Stein solutions of the blocks and verifies θ²P − AᵀPA ⪰ 0 over `a`.
fn verify(a: &IMat, w: &DMatrix<f64>, blocks: &[Matrix2<f64>], theta: f64) -> Option<(ContractionNorm, DMatrix<f64>)> {
    let d = w.nrows();
    let mut p11 = Vec::with_capacity(d);
    let mut p12 = Vec::with_capacity(d);
    let mut p22 = Vec::with_capacity(d);
    for b in blocks {
        let p = [stein(b, theta), eigen_basis(b)]
            .into_iter()
            .flatten()
            .min_by(|x, y| condition(x).total_cmp(&condition(y)))?;
        // Scale to λ_min(Pᵢ) = 1: the blocks' inequalities are scale-invariant, so cond(P) = max cond(Pᵢ).
        let p = p / p.symmetric_eigenvalues().min();
        p11.push(p[(0, 0)]);
        p12.push(p[(0, 1)]);
        p22.push(p[(1, 1)]);
    }
    let wdw = |v: &[f64]| w * DMatrix::from_diagonal(&nalgebra::DVector::from_column_slice(v)) * w.transpose();
    let mut pm = DMatrix::zeros(2 * d, 2 * d);
    pm.view_mut((0, 0), (d, d)).copy_from(&wdw(&p11));
    pm.view_mut((0, d), (d, d)).copy_from(&wdw(&p12));
    pm.view_mut((d, 0), (d, d)).copy_from(&wdw(&p12).transpose());
    pm.view_mut((d, d), (d, d)).copy_from(&wdw(&p22));
    // Exactly symmetric: fl(a + b) = fl(b + a).
    let pm = (&pm + pm.transpose()) * 0.5;
    let p = IMat::from_f64(&pm);
    let th = point(theta);
    let lhs = p.scale(th * th).sub(&a.transpose().mul(&p).mul(a));
    if !is_psd(&lhs) {
        return None;
    }
    let eb = sym_eig_bounds(&p);
    if eb.lo <= 0.0 || !eb.hi.is_finite() {
        return None;
    }
    let norm =
        ContractionNorm { theta, k_in: point(eb.hi).sqrt().sup(), k_out: (point(1.0) / point(eb.lo).sqrt()).sup() };
    Some((norm, pm))
}

/// The norm a certificate stores for a tube of a quadratic objective's affine `map` (the engine's
/// search; the checker verifies it, `shadowcert_checker::tube::Norm::verify`): for a d × d map
/// (symmetric: GD, sampled first-order flows) the Euclidean norm with θ just above the largest
/// |eigenvalue| (rigorous bounds, `spectrum::sym_eig_bounds`); for a 2d × 2d map the Lyapunov norm
/// of [`lyapunov_matrix`] with κ ≥ 1/√λ_min(P). θ and κ are raised until the checker's own test
/// passes; the fallback is P = I with θ above the Frobenius norm (sound, but errors may grow).
pub fn evidence_norm(q: &RatMatrix, map: &Affine) -> Norm {
    let n = map.dim();
    let a = IMat::from_intervals(n, n, &map.a.a);
    let exact = |x: f64| Rat::from_float(x).unwrap_or_else(Rat::one);
    let attempt = |p: Option<&DMatrix<f64>>, theta: f64, kappa: f64| -> Option<Norm> {
        (1..=6).find_map(|i| {
            let f = 1.0 + 1e-12 * 10f64.powi(2 * i);
            let p = p.map(|p| (0..n).map(|r| (0..n).map(|c| exact(p[(r, c)])).collect()).collect());
            let norm = Norm { p, theta: exact(theta * f), kappa: exact(kappa * f) };
            norm.verify(map).is_ok().then_some(norm)
        })
    };
    let found = if n == q.len() {
        let eb = sym_eig_bounds(&a);
        attempt(None, eb.lo.abs().max(eb.hi.abs()), 1.0)
    } else {
        let w = nalgebra::SymmetricEigen::new(IMat::from_rat(q).mid()).eigenvectors;
        lyapunov_matrix(&a, &w).and_then(|(norm, p)| attempt(Some(&p), norm.theta, norm.k_out))
    };
    // ‖A‖₂ ≤ the Frobenius bound; kept above 2⁻⁵⁰⁰ so that θ² does not underflow (A ≈ 0 for a
    // strongly damped flow over a long step).
    let theta = (a.frobenius_sup() * (1.0 + 1e-9)).max(2f64.powi(-500));
    found.unwrap_or_else(|| Norm { p: None, theta: exact(theta), kappa: Rat::one() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The heavy-ball map for Q = diag(1, 1/10), λ = 9/10, h = 1/10: not contracting in ‖·‖₂, yet the
    /// verified norm has θ < 1; and every power's action is bounded by k_out·k_in·θᵏ (checked on
    /// the midpoint map for 200 steps, a property of the norm).
    #[test]
    fn momentum_map_contracts_in_the_lyapunov_norm() {
        let (l, h) = (0.9, 0.1);
        let qs = [1.0, 0.1];
        let d = 2;
        let mut a = DMatrix::zeros(4, 4);
        for i in 0..d {
            a[(i, i)] = 1.0 + l - h * qs[i];
            a[(i, d + i)] = -l;
            a[(d + i, i)] = 1.0;
        }
        assert!(a.norm() > 1.0);
        let n = ContractionNorm::lyapunov(&IMat::from_f64(&a), &DMatrix::identity(2, 2));
        assert!(n.theta < 1.0, "{n:?}");
        let mut x = nalgebra::DVector::from_vec(vec![1.0, -1.0, 0.5, 2.0]);
        let x0 = x.norm();
        for k in 1..200 {
            x = &a * x;
            assert!(x.norm() <= n.k_out * n.k_in * n.theta.powi(k) * x0 * (1.0 + 1e-9), "step {k}");
        }
    }
}
