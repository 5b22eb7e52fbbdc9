//! Rigorous `f64` kernels: rounding-error constants of floating-point arithmetic, enclosed, and
//! linear forms summed in plain `f64` around midpoints with a proved rounding bound ([`CentredSum`]:
//! the dot products of `objective::dataset`, the congruences of `enclose::symmetric`), for the
//! bounds built on them (also the tubes and norms of `dynamics`).

use inari::{const_interval, Interval};

pub use shadowcert_checker::interval::gamma;

/// One rounding to nearest, bounded outward: if x̂ (not NaN) is the round-to-nearest result of an
/// exact operation with value x, then `dn(x̂) ≤ x ≤ up(x̂)` (x̂ is within half an ulp of x; on
/// overflow x̂ = ±∞ and |x| > f64::MAX). The f64 kernels below ([`mid_rad`], [`CentredSum`]) bound
/// each operation this way, using monotonicity.
pub(crate) fn up(x: f64) -> f64 {
    x.next_up()
}

/// See [`up`].
pub(crate) fn dn(x: f64) -> f64 {
    x.next_down()
}

/// x ⊆ [m − r, m + r]: the midpoint m of x and r = max(up(m − inf x), up(sup x − m)) (not finite for
/// an unbounded or empty x). Enclosure: rigorous.
pub fn mid_rad(x: Interval) -> (f64, f64) {
    let (m, lo, hi) = (x.mid(), x.inf(), x.sup());
    (m, up(m - lo).max(up(hi - m)))
}

/// A linear form Σⱼ aⱼxⱼ (aⱼ, xⱼ intervals) summed in plain f64 around the midpoints, with a
/// rigorous rounding bound: a centred form, with a few flops per term instead of an outward-rounded
/// interval multiply-add.
///
/// The terms have aⱼ ⊆ [âⱼ − αⱼ, âⱼ + αⱼ] and xⱼ ⊆ [cⱼ − rⱼ, cⱼ + rⱼ] ([`mid_rad`]), all four finite
/// (the callers check), k in all. In round-to-nearest, in any order (several partial sums may be
/// added at the end), ŝ = fl(Σ fl(âⱼcⱼ)); Ê = fl(Σ |σ̂ᵢ|) over the results σ̂ᵢ of the additions
/// that form ŝ (a running error bound); t̂ = fl(Σ |fl(âⱼcⱼ)|); R̂ = fl(Σ q̂ⱼ) with
/// q̂ⱼ = fl(fl(|âⱼ|rⱼ) + fl(αⱼ·fl(|cⱼ| + rⱼ))). Then
///
///   Σⱼ aⱼxⱼ ∈ ŝ + [−h, h],  h = (1 + κ)(R̂ + u(Ê + t̂)) + 2⁻¹⁰²²,  κ = 1.25·(k + 2)·u,  u = 2⁻⁵³,
///
/// with h bounded above operation by operation ([`up`]; κ is exact).
///
/// Proof (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §2.1, Lemmas 3.1
/// and 3.3, and the running error bound of §3.1). Rust's f64 is IEEE binary64 in round-to-nearest
/// with gradual underflow, and these operations are neither fused nor reassociated. If ŝ, Ê, t̂, R̂
/// are finite nothing overflowed (an infinity never returns to a finite value); otherwise the result
/// is the whole line. So fl(ab) = ab(1 + δ) + η with |δ| ≤ u, |η| ≤ 2⁻¹⁰⁷⁵, and
/// fl(a ± b) = (a ± b)(1 + δ) = (a ± b)/(1 + δ′), |δ|, |δ′| ≤ u. Let pⱼ = âⱼcⱼ, p̂ⱼ = fl(pⱼ),
/// P̂ = Σ|p̂ⱼ|, γₘ = mu/(1 − mu). At most k + 1 additions form ŝ.
/// 1. |aⱼxⱼ − pⱼ| = |âⱼ(xⱼ − cⱼ) + (aⱼ − âⱼ)xⱼ| ≤ |âⱼ|rⱼ + αⱼ(|cⱼ| + rⱼ) =: Rⱼ; R := Σ Rⱼ.
/// 2. Each addition σ̂ᵢ = fl(x + y) errs by |σ̂ᵢ − (x + y)| ≤ u|σ̂ᵢ|, so |ŝ − Σp̂ⱼ| ≤ uE,
///    E = Σ|σ̂ᵢ| ≤ Ê/(1 − γₖ) (Lemma 3.1 on the ≤ k + 1 non-negative terms, the first addition exact).
/// 3. |p̂ⱼ − pⱼ| ≤ u|pⱼ| + 2⁻¹⁰⁷⁵ ≤ (u|p̂ⱼ| + 2⁻¹⁰⁷⁵)/(1 − u), and P̂ ≤ t̂/(1 − γₖ₋₁) (Lemma 3.1);
///    with (1 − u)(1 − γₖ₋₁) ≥ 1 − γₖ (Lemma 3.3): Σ|p̂ⱼ − pⱼ| ≤ u·t̂/(1 − γₖ) + k·2⁻¹⁰⁷⁴.
/// 4. q̂ⱼ ≥ (1 − u)³Rⱼ − 2·2⁻¹⁰⁷⁵ ≥ (1 − γ₃)Rⱼ − 2⁻¹⁰⁷⁴ and R̂ ≥ (1 − γₖ₋₁)Σq̂ⱼ, with
///    (1 − γₖ₋₁)(1 − γ₃) ≥ 1 − γₖ₊₂ (Lemma 3.3), so R ≤ R̂/(1 − γₖ₊₂) + 2k·2⁻¹⁰⁷⁴.
/// 5. k < 2³² (a `u32`), so (k + 2)u ≤ 1/10 and 1/(1 − γₖ) ≤ 1/(1 − γₖ₊₂) = 1 + (k + 2)u/(1 − 2(k + 2)u)
///    ≤ 1 + κ, and 3k·2⁻¹⁰⁷⁴ ≤ 2⁻¹⁰²²: |Σ aⱼxⱼ − ŝ| ≤ R + uE + Σ|p̂ⱼ − pⱼ| ≤ h.
///
/// Enclosure: rigorous. Tightness: the range of the linear form is Σ âⱼcⱼ ± R (exactly so for
/// point coefficients); the rest is the rounding bound u(Ê + t̂), close to the width interval
/// arithmetic accumulates (one ulp of each partial sum).
#[derive(Clone, Copy, Default)]
pub struct CentredSum {
    s: f64,
    e: f64,
    t: f64,
    r: f64,
    k: u32,
}

impl CentredSum {
    /// Adds a·x for a ⊆ â ± α and x ⊆ c ± r (all four finite): `(â, α)`, `(c, r)`.
    pub fn add(&mut self, (a, alpha): (f64, f64), (c, r): (f64, f64)) {
        let p = a * c;
        self.s += p;
        self.e += self.s.abs();
        self.t += p.abs();
        self.r += a.abs() * r + alpha * (c.abs() + r);
        self.k += 1;
    }

    /// The sum of the terms of both.
    pub fn merge(&self, o: &CentredSum) -> CentredSum {
        let s = self.s + o.s;
        CentredSum { s, e: self.e + o.e + s.abs(), t: self.t + o.t, r: self.r + o.r, k: self.k + o.k }
    }

    /// An interval holding the sum of the terms added (module proof; the whole line when a
    /// partial result is not finite). Enclosure: rigorous.
    pub fn enclosure(&self) -> Interval {
        if self.k == 0 {
            return const_interval!(0.0, 0.0);
        }
        if !(self.s.is_finite() && self.e.is_finite() && self.t.is_finite() && self.r.is_finite()) {
            return Interval::ENTIRE;
        }
        const U: f64 = f64::EPSILON / 2.0;
        let kappa = 1.25 * f64::from(self.k + 2) * U;
        let h = up(up(up(1.0 + kappa) * up(self.r + up(U * up(self.e + self.t)))) + f64::MIN_POSITIVE);
        Interval::try_from((dn(self.s - h), up(self.s + h))).unwrap_or(Interval::ENTIRE)
    }
}

/// Whether every input (c, r) of [`mid_rad`] is finite with r ≤ 10⁻⁶: then a [`CentredSum`] is used.
/// Over wide inputs its a-priori factor 1 + κ on the radius sum (κ ≈ 1.25·k·2⁻⁵³, up to ~10⁻¹³) makes
/// it slightly wider than interval arithmetic, whose rounding of each end profits from cancellation;
/// both are rigorous.
pub fn narrow(inputs: &[(f64, f64)]) -> bool {
    inputs.iter().all(|&(c, r)| c.is_finite() && r <= 1e-6)
}

/// The interval m ± r (the whole line if m or r is not finite). Enclosure: rigorous.
pub fn ball((m, r): (f64, f64)) -> Interval {
    match (Interval::try_from((m, m)), Interval::try_from((-r, r))) {
        (Ok(m), Ok(r)) => m + r,
        _ => Interval::ENTIRE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::enclose::interval_contains_rat;
    use crate::exact::{rat, Rat};

    type I = Interval;

    fn pt(x: f64) -> I {
        I::try_from((x, x)).unwrap()
    }

    fn exact(x: f64) -> Rat {
        Rat::from_float(x).unwrap()
    }

    /// Whether the interval holds all of [lo, hi] (decided exactly).
    fn holds(iv: &I, lo: &Rat, hi: &Rat) -> bool {
        interval_contains_rat(iv, lo) && interval_contains_rat(iv, hi)
    }

    /// A fixed-seed generator of values in [−1, 1).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        }
    }

    #[test]
    fn centred_sums_contain_the_exact_range_of_linear_forms() {
        // Σ aⱼxⱼ over a ∈ â ± α, x ∈ c ± r: the exact range is Σ [min, max] of the four corner
        // products of each term; both ends must lie in the enclosure.
        let mut g = Lcg(5);
        for case in 0..200 {
            let k = 1 + (case % 40);
            let scale = [1.0, 1e-160, 1e150, 3.0][case % 4];
            let mut acc = CentredSum::default();
            let (mut lo, mut hi) = (rat(0), rat(0));
            let mut width_bound = rat(0);
            for _ in 0..k {
                let a = (8.0 * g.next()).round() / 16.0;
                let alpha = if case % 3 == 0 { 1e-17 * g.next().abs() } else { 0.0 };
                let c = scale * g.next();
                let r = if case % 5 == 0 { 0.0 } else { scale * 1e-8 * g.next().abs() };
                acc.add((a, alpha), (c, r));
                let corners = [(a - alpha, c - r), (a - alpha, c + r), (a + alpha, c - r), (a + alpha, c + r)]
                    .map(|(p, q)| exact(p) * exact(q));
                lo += corners.iter().min().unwrap();
                hi += corners.iter().max().unwrap();
                width_bound += exact(a.abs()) * exact(r) + exact(alpha) * (exact(c.abs()) + exact(r));
            }
            let e = acc.enclosure();
            assert!(holds(&e, &lo, &hi), "case {case}: {e:?}");
            // Tightness: width ≤ 2R + 4u·(k + 1)·Σ|âc| + tiny.
            let rounding = 4.0 * f64::EPSILON * (k + 1) as f64 * acc.t + 1e-300;
            assert!(exact(e.wid()) <= rat(2) * width_bound + exact(rounding), "case {case}");
        }
        // Rounding the sum: fl(1e16 + 1 − 1e16) = 0, the exact value is 1; a product that underflows.
        let mut acc = CentredSum::default();
        for c in [1e16, 1.0, -1e16] {
            acc.add((1.0, 0.0), (c, 0.0));
        }
        assert_eq!(acc.s, 0.0);
        assert!(acc.enclosure().contains(1.0));
        let mut acc = CentredSum::default();
        acc.add((1e-200, 0.0), (1e-200, 0.0));
        assert_eq!(acc.s, 0.0);
        assert!(interval_contains_rat(&acc.enclosure(), &(exact(1e-200) * exact(1e-200))));
        assert!(acc.enclosure().inf() < 0.0 || acc.enclosure().sup() > 0.0);
        assert_eq!(CentredSum::default().enclosure(), pt(0.0));
    }
}
