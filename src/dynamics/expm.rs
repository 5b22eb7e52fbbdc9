//! Rigorous enclosure of the matrix exponential e^X (as e^X − I) of an interval matrix, by a Taylor polynomial
//! with a rigorous remainder bound and scaling and squaring, all in interval arithmetic.
//!
//! # Method
//! With ν ≥ ‖X‖_∞ for every X in the enclosure, pick s with ν/2ˢ ≤ ½ and Y = X/2ˢ. Then
//! e^Y = Σ_{j≤N} Yʲ/j! + R with ‖R‖_∞ ≤ ν_s^{N+1}/(N + 1)! · 1/(1 − ν_s/(N + 2)) (geometric tail,
//! ν_s = ν/2ˢ), so every entry of R lies in [−ρ, ρ] for that bound ρ. The polynomial is evaluated
//! by Horner's rule in interval arithmetic (I + Y(I + Y/2(I + …))), ρ is added entrywise, and the
//! result is squared s times: e^X = (e^Y)^{2ˢ}, as F ← F² + 2F on F = e^Y − I. N is the least order with ρ ≤ 2⁻⁶⁴.
//!
//! Why this rather than an eigendecomposition: it needs no symmetry (the damped and heavy-ball
//! systems are not symmetric) and no eigenvector error analysis, and the augmented matrix
//! [[A, c], [0, 0]] gives the affine part ∫₀^τ e^{sA}c ds in the same pass.
//!
//! Enclosure: rigorous (for every X in the input, e^X lies in the output). Tightness: widths about
//! N·n·u·‖e^Y‖ after the Taylor sum, then roughly doubled (times ‖e^Y‖) per squaring; s = 0 for
//! ‖X‖_∞ ≤ ½, the usual case for one sampling step.

use super::ivec::{point, IMat};

/// Encloses e^X − I for every X in the square interval matrix `x` (finite entries). The identity
/// is kept out so that the widths stay relative to the increment, which is small for one sampling
/// step (e^X itself is `expm1(x) + I`).
///
/// Enclosure: rigorous. Tightness: see the module documentation.
pub fn expm1(x: &IMat) -> IMat {
    let n = x.rows();
    assert_eq!(n, x.cols(), "expm1 needs a square matrix");
    let nu = x.norm_inf_sup();
    assert!(nu.is_finite(), "expm1 needs finite entries");
    let mut s = 0i32;
    while (point(nu) / point(2f64.powi(s))).sup() > 0.5 {
        s += 1;
    }
    let scale = point(2f64.powi(-s));
    let y = x.scale(scale);
    let nu_s = point(nu) * scale;
    // ρ_N = ν_s^{N+1}/(N+1)! / (1 − ν_s/(N+2)); term = ν_s^{N+1}/(N+1)!.
    let mut order = 1usize;
    let mut term = nu_s * nu_s / point(2.0);
    let rho = loop {
        let rho = term / (point(1.0) - nu_s / point((order + 2) as f64));
        if rho.sup() <= 2f64.powi(-64) || order >= 60 {
            break rho.sup();
        }
        order += 1;
        term = term * nu_s / point((order + 1) as f64);
    };
    // e^Y − I = Y(I + Y/2(I + Y/3(… (I + Y/N)))) + R.
    let id = IMat::identity(n);
    let mut h = id.clone();
    for j in (1..order).rev() {
        h = id.add(&y.mul(&h).scale(point(1.0) / point((j + 1) as f64)));
    }
    let mut f = y.mul(&h);
    let r = inari::Interval::try_from((-rho, rho)).expect("finite remainder bound");
    for i in 0..n {
        for j in 0..n {
            f.set(i, j, f.get(i, j) + r);
        }
    }
    // e^{2Z} − I = (e^Z − I)² + 2(e^Z − I).
    for _ in 0..s {
        f = f.mul(&f).add(&f.scale(point(2.0)));
    }
    f
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::enclose::{interval_contains_rat, rat_to_interval};
    use crate::exact::{parse_rat, Rat, RatMatrix};
    use num_traits::{One, Signed, Zero};
    use shadowcert_checker::elementary::Elementary;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// e^{X}z for an exact rational X and z, as a rational center c and a rational radius ρ with
    /// |e^{X}z − c|_i ≤ ρ for every i: the Taylor sum to order N, with the tail bounded by
    /// ν^{N+1}/(N+1)!·‖z‖_∞/(1 − ν/(N+2)), ν = ‖X‖_∞ (needs ν < N + 2). Independent of the code under
    /// test: exact rationals only.
    #[allow(clippy::needless_range_loop)]
    pub(crate) fn exact_expm_apply(x: &RatMatrix, z: &[Rat], order: usize) -> (Vec<Rat>, Rat) {
        let n = z.len();
        let nu = x.iter().map(|r| r.iter().fold(Rat::zero(), |s, v| s + v.abs())).max().unwrap_or_else(Rat::zero);
        let zinf = z.iter().map(|v| v.abs()).max().unwrap_or_else(Rat::zero);
        assert!(nu < Rat::from_integer((order + 2).into()), "order too small for the remainder bound");
        let mut term = z.to_vec();
        let mut sum = z.to_vec();
        for j in 1..=order {
            let jj = Rat::from_integer(j.into());
            term = (0..n).map(|i| (0..n).fold(Rat::zero(), |s, k| s + &x[i][k] * &term[k]) / &jj).collect();
            for i in 0..n {
                sum[i] += &term[i];
            }
        }
        let mut tail = zinf;
        for j in 1..=order + 1 {
            tail = tail * &nu / Rat::from_integer(j.into());
        }
        let rho = tail / (Rat::one() - nu / Rat::from_integer((order + 2).into()));
        (sum, rho)
    }

    /// Every entry [c − ρ, c + ρ] of the exact Taylor enclosure lies inside the interval entry.
    fn assert_encloses(e: &IMat, x: &RatMatrix, order: usize) {
        let n = x.len();
        for j in 0..n {
            let z: Vec<Rat> = (0..n).map(|i| if i == j { Rat::one() } else { Rat::zero() }).collect();
            let (c, rho) = exact_expm_apply(x, &z, order);
            assert!(rho < q("1e-30"), "test helper: raise the order");
            for (i, ci) in c.iter().enumerate() {
                let ent = e.get(i, j);
                assert!(
                    interval_contains_rat(&ent, &(ci - &rho)) && interval_contains_rat(&ent, &(ci + &rho)),
                    "entry ({i}, {j}): {ent:?} misses {ci}"
                );
                assert!(!interval_contains_rat(&ent, &(ci + q("1e-12"))), "entry ({i}, {j}) too wide: {ent:?}");
            }
        }
    }

    #[test]
    fn taylor_scaling_squaring_contains_exact_series() {
        let mut g = crate::dynamics::orbit::tests::Lcg(5);
        for (trial, scale) in ["1/8", "1/2", "1", "3", "6"].iter().enumerate() {
            let n = 2 + trial % 3;
            let x: RatMatrix = (0..n).map(|_| (0..n).map(|_| g.rat(9, 7) * q(scale) / q("3")).collect()).collect();
            let e = expm1(&IMat::from_rat(&x)).add(&IMat::identity(x.len()));
            assert_encloses(&e, &x, 120);
        }
    }

    #[test]
    fn rotation_has_closed_form() {
        // e^{t[[0, −1], [1, 0]]} = [[cos t, −sin t], [sin t, cos t]], t = 3/2; the elementary module's cos/sin enclose.
        let t = q("3/2");
        let x = vec![vec![Rat::zero(), -t.clone()], vec![t.clone(), Rat::zero()]];
        let e = expm1(&IMat::from_rat(&x)).add(&IMat::identity(x.len()));
        let ti = rat_to_interval(&t);
        let (c, s) = (ti.cos(), ti.sin());
        for (got, want) in [(e.get(0, 0), c), (e.get(0, 1), -s), (e.get(1, 0), s), (e.get(1, 1), c)] {
            assert!(!got.intersection(want).is_empty(), "{got:?} vs {want:?}");
            assert!(got.wid() < 1e-13);
        }
    }
}
