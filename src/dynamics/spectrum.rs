//! Rigorous semidefiniteness tests and extreme-eigenvalue bounds for symmetric interval matrices,
//! fast enough for d = 100 (the exact inertia of `crate::exact` is the trusted but slow path).
//!
//! # Method
//! Let 𝐒 be an interval matrix and X the floating-point eigenvectors of its midpoint (nalgebra).
//! If ‖XᵀX − I‖_∞ < 1 (checked in interval arithmetic) X is nonsingular, so by Sylvester's law of
//! inertia every symmetric S ∈ 𝐒 is positive semidefinite as soon as XᵀSX is. XᵀSX lies in the
//! interval matrix Xᵀ𝐒X, which is nearly diagonal; if each of its rows is diagonally dominant with a
//! non-negative diagonal, Gershgorin's theorem makes XᵀSX positive semidefinite. Shifts give the
//! eigenvalue bounds: λ_min(S) ≥ t iff S − tI ⪰ 0, congruent to XᵀSX − t·XᵀX.
//!
//! (`src/enclose/symmetric.rs`, by another engineer, bounds extreme eigenvalues by Ostrowski's
//! theorem; this file also needs the semidefiniteness test itself, for the Lyapunov norms of
//! `norm.rs`.)
//!
//! Enclosure: rigorous (sufficient tests: a `false` means "not certified", never "indefinite").

use super::ivec::{point, IMat};
use nalgebra::{DMatrix, SymmetricEigen};

/// The congruence data of a square interval matrix: 𝐒 (symmetrized), Xᵀ𝐒X and XᵀX.
struct Congruence {
    s: IMat,
    xsx: IMat,
    xx: IMat,
    /// Eigenvalues of the midpoint of 𝐒, ascending.
    eig: Vec<f64>,
}

impl Congruence {
    /// `None` when 𝐒 has an empty or unbounded entry or X is not certified nonsingular.
    fn new(m: &IMat) -> Option<Congruence> {
        let n = m.rows();
        assert_eq!(n, m.cols(), "spectrum: the matrix must be square");
        // A symmetric S ∈ m has S_ij = S_ji ∈ m_ij ∩ m_ji.
        let mut s = m.clone();
        for i in 0..n {
            for j in 0..n {
                let x = m.get(i, j).intersection(m.get(j, i));
                if x.is_empty() || !x.inf().is_finite() || !x.sup().is_finite() {
                    return None;
                }
                s.set(i, j, x);
            }
        }
        let mid = s.mid();
        let mid = (&mid + mid.transpose()) * 0.5;
        let e = SymmetricEigen::new(mid);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| e.eigenvalues[a].total_cmp(&e.eigenvalues[b]));
        let x = DMatrix::from_fn(n, n, |i, j| e.eigenvectors[(i, order[j])]);
        let eig = order.iter().map(|&k| e.eigenvalues[k]).collect();
        let x = IMat::from_f64(&x);
        let xt = x.transpose();
        let xx = xt.mul(&x);
        if xx.sub(&IMat::identity(n)).norm_inf_sup() >= 1.0 {
            return None;
        }
        let xsx = xt.mul(&s).mul(&x);
        Some(Congruence { s, xsx, xx, eig })
    }

    /// Whether every symmetric S ∈ 𝐒 satisfies S − tI ⪰ 0 (sufficient test).
    fn shifted_is_psd(&self, t: f64) -> bool {
        let g = self.xsx.sub(&self.xx.scale(point(t)));
        (0..g.rows()).all(|i| {
            let off = (0..g.cols()).filter(|&j| j != i).fold(point(0.0), |acc, j| acc + point(g.get(i, j).mag()));
            (g.get(i, i) - off).inf() >= 0.0
        })
    }
}

/// Whether every symmetric matrix in `m` is positive semidefinite (sufficient test).
///
/// Enclosure: rigorous (`true` is a proof). Tightness: succeeds when the smallest eigenvalue
/// exceeds about n·ε_mach·‖S‖ plus the radii's Gershgorin spread; `false` otherwise.
pub fn is_psd(m: &IMat) -> bool {
    Congruence::new(m).is_some_and(|c| c.shifted_is_psd(0.0))
}

/// Bounds valid for every symmetric matrix S in an interval matrix: `lo ≤ λ_min(S)` and
/// `λ_max(S) ≤ hi`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EigBounds {
    /// Lower bound of the smallest eigenvalue.
    pub lo: f64,
    /// Upper bound of the largest eigenvalue.
    pub hi: f64,
}

/// Rigorous bounds of the extreme eigenvalues of the symmetric matrices in `m` (square).
///
/// Enclosure: rigorous. Tightness: each side within about n·ε_mach·‖S‖ (plus the radii's
/// Gershgorin spread) of the true value, by shifting the midpoint's eigenvalues outward until the
/// congruence test succeeds; when it cannot, the Gershgorin bounds ±‖𝐒‖_∞ (always valid).
pub fn sym_eig_bounds(m: &IMat) -> EigBounds {
    let fallback = m.norm_inf_sup();
    let Some(c) = Congruence::new(m) else {
        return EigBounds { lo: -fallback, hi: fallback };
    };
    let n = c.eig.len();
    let scale = c.s.norm_inf_sup().max(f64::MIN_POSITIVE);
    let search = |start: f64, dir: f64, ok: &dyn Fn(f64) -> bool| {
        let mut tau = scale * 1e-15 * (n as f64);
        for _ in 0..60 {
            let t = start + dir * tau;
            if ok(t) {
                return Some(t);
            }
            tau *= 4.0;
        }
        None
    };
    let lo = search(c.eig[0], -1.0, &|t| c.shifted_is_psd(t)).unwrap_or(-fallback).max(-fallback);
    // λ_max(S) ≤ t iff tI − S ⪰ 0 iff −S − (−t)I ⪰ 0.
    let neg = Congruence { s: c.s.scale(point(-1.0)), xsx: c.xsx.scale(point(-1.0)), xx: c.xx.clone(), eig: vec![] };
    let hi = search(c.eig[n - 1], 1.0, &|t| neg.shifted_is_psd(-t)).unwrap_or(fallback).min(fallback);
    EigBounds { lo, hi }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::{eig_max_enclosure, eig_min_enclosure, parse_rat, shift, Rat, RatMatrix};

    #[allow(clippy::needless_range_loop)]
    fn random_sym(n: usize, seed: u64) -> RatMatrix {
        let mut s = seed;
        let mut next = move || {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((s >> 33) % 41) as i64 - 20
        };
        let mut m = vec![vec![Rat::from_integer(0.into()); n]; n];
        for i in 0..n {
            for j in 0..=i {
                let x = Rat::new(next().into(), 7.into());
                m[i][j] = x.clone();
                m[j][i] = x;
            }
        }
        m
    }

    #[test]
    fn bounds_bracket_exact_eigenvalues() {
        for seed in 0..20 {
            let m = random_sym(5, seed);
            let b = sym_eig_bounds(&IMat::from_rat(&m));
            let lo = eig_min_enclosure(&m, 60);
            let hi = eig_max_enclosure(&m, 60);
            let (blo, bhi) = (Rat::from_float(b.lo).unwrap(), Rat::from_float(b.hi).unwrap());
            // Exactly: Q − lo·I ⪰ 0 and hi·I − Q ⪰ 0 (shift(m, t) = tI − m).
            let minus = |m: &RatMatrix| m.iter().map(|r| r.iter().map(|v| -v).collect()).collect::<RatMatrix>();
            assert!(crate::exact::is_psd(&minus(&shift(&m, &blo))), "seed {seed}: lo {} above λ_min", b.lo);
            assert!(crate::exact::is_psd(&shift(&m, &bhi)), "seed {seed}: hi {} below λ_max", b.hi);
            // Tight: within 1e-12 of the exact values.
            assert!(Rat::from_float(b.lo + 1e-12).unwrap() > lo.hi, "seed {seed}: loose");
            assert!(Rat::from_float(b.hi - 1e-12).unwrap() < hi.lo, "seed {seed}: loose");
        }
    }

    #[test]
    fn psd_test_is_sound_and_useful() {
        let q = |s: &str| parse_rat(s).unwrap();
        // [[1, 1], [1, 1]] is PSD with a zero eigenvalue: shifted by +1e-9 it is certified, by −1e-9 not.
        let m = [[q("1"), q("1")], [q("1"), q("1")]];
        let shifted =
            |t: &str| IMat::from_rat(&[vec![&m[0][0] + q(t), m[0][1].clone()], vec![m[1][0].clone(), &m[1][1] + q(t)]]);
        assert!(is_psd(&shifted("1e-9")));
        assert!(!is_psd(&shifted("-1e-9")));
        for seed in 0..20 {
            let m = random_sym(4, 100 + seed);
            let exact = crate::exact::is_psd(&m);
            if is_psd(&IMat::from_rat(&m)) {
                assert!(exact, "seed {seed}: certified an indefinite matrix");
            }
        }
    }
}
