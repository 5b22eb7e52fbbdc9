//! Rounding-error constants of floating-point arithmetic, enclosed, for the rigorous `f64` bounds
//! built on them (the dot products of `objective::dataset`, the tubes and norms of `dynamics`).

use inari::Interval;

/// γₙ = nu/(1 − nu) with u = 2⁻⁵³, enclosed (Higham, Accuracy and Stability, §3.1): a quantity
/// computed with at most n roundings, each (1 + δ) with |δ| ≤ u, is the exact one times (1 + θ)
/// with |θ| ≤ γₙ. Panics when nu ≥ 1.
///
/// Enclosure: rigorous.
pub fn gamma(n: usize) -> Interval {
    let point = |x: f64| Interval::try_from((x, x)).unwrap_or(Interval::ENTIRE);
    let nu = point(n as f64) * point(f64::EPSILON / 2.0);
    assert!(nu.sup() < 1.0, "gamma({n}): nu must be below 1");
    nu / (point(1.0) - nu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_encloses_nu_over_one_minus_nu() {
        let u = f64::EPSILON / 2.0;
        // γ₁ = u/(1 − u) lies strictly between u and 2u; γₙ grows with n.
        assert!(gamma(1).inf() > u * 0.999 && gamma(1).sup() < 2.0 * u);
        assert!(gamma(10).inf() >= 10.0 * u && gamma(10).sup() < gamma(11).inf());
    }

    #[test]
    #[should_panic(expected = "nu must be below 1")]
    fn gamma_panics_when_nu_reaches_one() {
        let _ = gamma(1 << 53);
    }
}
