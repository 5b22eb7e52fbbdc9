//! Rigorous bounds on the extreme eigenvalues of interval symmetric matrices.
//!
//! # Method
//! Let 𝐀 be an interval matrix and V the (floating-point) eigenvectors of its midpoint, from
//! nalgebra. For every symmetric A ∈ 𝐀, B = VᵀAV lies in the interval matrix 𝐁 = Vᵀ𝐀V (computed
//! with outward rounding) and, by Ostrowski's theorem, λ_k(B) = θ_k λ_k(A) with θ_k between the
//! extreme eigenvalues of G = VᵀV. Gershgorin's theorem on 𝐁 (nearly diagonal, since V nearly
//! diagonalizes A) bounds λ_min(B) and λ_max(B); Gershgorin on 𝐆 (nearly the identity) gives
//! θ ∈ [1 − g, 1 + g]; dividing the two intervals bounds λ_min(A) and λ_max(A). The diagonal of 𝐁
//! gives the other sides (λ_max(B) ≥ B_ii ≥ λ_min(B) for a symmetric B).
//!
//! ## Reference
//! A. M. Ostrowski, "A quantitative formulation of Sylvester's law of inertia", PNAS 45 (1959).
//!
//! Enclosure: rigorous. Tightness: for a point matrix, about n·‖A‖·ε_mach; for radii R, about
//! the Gershgorin radius of |V|ᵀR|V| (close to ‖R‖₂ when V is near the identity, up to n·‖R‖ otherwise).

use inari::{const_interval, Interval};
use nalgebra::DMatrix;

/// A dense interval matrix, row-major.
pub type IMatrix = Vec<Vec<Interval>>;

/// Enclosures of the extreme eigenvalues, valid for every symmetric matrix in an interval matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EigBounds {
    /// Contains λ_min(A) for every symmetric A in the interval matrix.
    pub min: Interval,
    /// Contains λ_max(A) for every symmetric A in the interval matrix.
    pub max: Interval,
}

impl EigBounds {
    /// Both bounds unknown.
    pub const ENTIRE: EigBounds = EigBounds { min: Interval::ENTIRE, max: Interval::ENTIRE };

    /// Contains ‖A‖₂ = max(λ_max, −λ_min) for every symmetric A in the interval matrix.
    ///
    /// Enclosure: rigorous.
    pub fn norm(&self) -> Interval {
        let lo = self.max.inf().max(-self.min.sup()).max(0.0);
        let hi = self.max.sup().max(-self.min.inf());
        Interval::try_from((lo, hi)).unwrap_or(Interval::ENTIRE)
    }
}

fn mag(x: Interval) -> Interval {
    let m = x.mag();
    Interval::try_from((m, m)).unwrap_or(Interval::ENTIRE)
}

/// Bounds λ_min and λ_max over the symmetric matrices of `a` (square; only the symmetric members
/// count). Returns [`EigBounds::ENTIRE`] when an entry is unbounded or the midpoint's eigenvectors
/// are too far from orthogonal to certify anything.
///
/// Enclosure: rigorous. Tightness: see the module documentation.
#[allow(clippy::needless_range_loop)] // (k, l) index pairs of symmetric matrices read best as indices
pub fn eig_bounds(a: &IMatrix) -> EigBounds {
    let n = a.len();
    assert!(a.iter().all(|r| r.len() == n), "eig_bounds needs a square matrix");
    if n == 0 || a.iter().flatten().any(|x| x.is_empty() || !x.inf().is_finite() || !x.sup().is_finite()) {
        return EigBounds::ENTIRE;
    }
    let mid = DMatrix::from_fn(n, n, |i, j| {
        let (p, q) = (i.min(j), i.max(j));
        a[p][q].mid()
    });
    let eig = nalgebra::SymmetricEigen::new(mid);
    let v: Vec<Vec<Interval>> = (0..n)
        .map(|i| (0..n).map(|k| point(eig.eigenvectors[(i, k)])).collect::<Option<Vec<_>>>())
        .collect::<Option<_>>()
        .unwrap_or_default();
    if v.len() != n {
        return EigBounds::ENTIRE;
    }
    // 𝐁 = Vᵀ 𝐀 V and 𝐆 = VᵀV.
    let av: IMatrix = (0..n).map(|i| (0..n).map(|k| dot((0..n).map(|j| (a[i][j], v[j][k])))).collect()).collect();
    let b: IMatrix = (0..n).map(|k| (0..n).map(|l| dot((0..n).map(|i| (v[i][k], av[i][l])))).collect()).collect();
    let g: IMatrix = (0..n).map(|k| (0..n).map(|l| dot((0..n).map(|i| (v[i][k], v[i][l])))).collect()).collect();
    const ONE: Interval = const_interval!(1.0, 1.0);
    let mut g_rad = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
    for k in 0..n {
        let mut r = mag(g[k][k] - ONE);
        for l in (0..n).filter(|&l| l != k) {
            r += mag(g[k][l]);
        }
        if r.sup() > g_rad.sup() {
            g_rad = r;
        }
    }
    let g = g_rad.sup();
    if g.is_nan() || g >= 0.5 {
        return EigBounds::ENTIRE;
    }
    let theta = Interval::try_from(((ONE - point_or_entire(g)).inf(), (ONE + point_or_entire(g)).sup()))
        .expect("1 ± g with g < 1/2 is a positive interval");
    let (mut bmax_lo, mut bmax_hi) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let (mut bmin_lo, mut bmin_hi) = (f64::INFINITY, f64::INFINITY);
    for k in 0..n {
        let mut r = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
        for l in (0..n).filter(|&l| l != k) {
            r += mag(b[k][l]);
        }
        let hi = (b[k][k] + r).sup();
        let lo = (b[k][k] - r).inf();
        bmax_hi = bmax_hi.max(hi);
        bmax_lo = bmax_lo.max(b[k][k].inf());
        bmin_lo = bmin_lo.min(lo);
        bmin_hi = bmin_hi.min(b[k][k].sup());
    }
    let (Ok(bmax), Ok(bmin)) = (Interval::try_from((bmax_lo, bmax_hi)), Interval::try_from((bmin_lo, bmin_hi))) else {
        return EigBounds::ENTIRE;
    };
    EigBounds { min: bmin / theta, max: bmax / theta }
}

fn point(x: f64) -> Option<Interval> {
    Interval::try_from((x, x)).ok()
}

fn point_or_entire(x: f64) -> Interval {
    point(x).unwrap_or(Interval::ENTIRE)
}

/// Σ xᵢyᵢ with outward rounding. Enclosure: rigorous.
pub fn dot(terms: impl Iterator<Item = (Interval, Interval)>) -> Interval {
    let mut s = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
    for (x, y) in terms {
        s = x.mul_add(y, s);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enclose::{interval_contains_rat, rat_to_interval};
    use crate::exact::{rat, Rat};

    fn q(n: i64, d: i64) -> Rat {
        Rat::new(n.into(), d.into())
    }

    /// R·diag(d)·Rᵀ with R a product of exact rational rotations (3/5, 4/5): eigenvalues exactly d.
    fn rotated(d: &[Rat]) -> Vec<Vec<Rat>> {
        let n = d.len();
        let mut r: Vec<Vec<Rat>> = (0..n).map(|i| (0..n).map(|j| rat(i64::from(i == j))).collect()).collect();
        for p in 0..n - 1 {
            let (c, s) = (q(3, 5), q(4, 5));
            for row in r.iter_mut() {
                let (a, b) = (row[p].clone(), row[p + 1].clone());
                row[p] = &c * &a - &s * &b;
                row[p + 1] = &s * &a + &c * &b;
            }
        }
        (0..n)
            .map(|i| (0..n).map(|j| (0..n).fold(rat(0), |acc, k| acc + &r[i][k] * &d[k] * &r[j][k])).collect())
            .collect()
    }

    #[test]
    fn exact_eigenvalues_are_enclosed_tightly() {
        for d in [vec![q(-3, 1), q(1, 3), q(7, 2)], vec![q(1, 1), q(1, 1)], vec![q(-1, 7), q(0, 1), q(2, 9), q(5, 1)]] {
            let a = rotated(&d);
            let ai: IMatrix = a.iter().map(|r| r.iter().map(rat_to_interval).collect()).collect();
            let e = eig_bounds(&ai);
            let (min, max) = (d.iter().min().unwrap(), d.iter().max().unwrap());
            assert!(interval_contains_rat(&e.min, min), "{:?} vs {min}", e.min);
            assert!(interval_contains_rat(&e.max, max), "{:?} vs {max}", e.max);
            assert!(e.min.wid() < 1e-12 && e.max.wid() < 1e-12, "{e:?}");
            let norm = max.clone().max(-min.clone());
            assert!(interval_contains_rat(&e.norm(), &norm));
        }
    }

    #[test]
    fn interval_radii_cover_every_member() {
        // [[2 ± 0.1, 1 ± 0.1], [1 ± 0.1, 2 ± 0.1]]: members diag(1.9..2.1) with off-diagonal 0.9..1.1;
        // λ_max ranges over [2.8, 3.2] and λ_min over [0.8, 1.2] (2 ± 0.1 ± (1 ± 0.1)).
        let iv = |a: f64, b: f64| Interval::try_from((a, b)).unwrap();
        let a = vec![vec![iv(1.9, 2.1), iv(0.9, 1.1)], vec![iv(0.9, 1.1), iv(1.9, 2.1)]];
        let e = eig_bounds(&a);
        assert!(e.max.inf() <= 2.8 && e.max.sup() >= 3.2 && e.max.sup() < 3.5, "{e:?}");
        assert!(e.min.inf() <= 0.8 && e.min.sup() >= 1.2 && e.min.inf() > 0.5, "{e:?}");
        // A false claim is not enclosed: 3.3 > every λ_max.
        assert!(e.max.inf() < 3.3);
        let unbounded = vec![vec![Interval::ENTIRE]];
        assert_eq!(eig_bounds(&unbounded), EigBounds::ENTIRE);
    }
}
