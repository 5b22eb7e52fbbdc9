//! Rational enclosures of square roots, by integer square roots (deterministic, exact).

use super::{Rat, RatInterval};
use num_bigint::BigInt;
use num_traits::{Signed, Zero};

/// Bits after the binary point used by [`sqrt_enclosure`] (relative to the denominator).
pub const SQRT_BITS: u32 = 64;

/// `[lo, hi]` with `lo² ≤ x ≤ hi²`, `0 ≤ lo`, and `hi − lo ≤ 1/(q·2^SQRT_BITS)` where `x = p/q`.
///
/// Enclosure: rigorous (checked by squaring). Deterministic: a certificate checker recomputes it.
/// Panics on negative `x` (programmer error: callers pass squared norms and discriminants ≥ 0).
pub fn sqrt_enclosure(x: &Rat) -> RatInterval {
    assert!(!x.is_negative(), "sqrt_enclosure of a negative number {x}");
    if x.is_zero() {
        return RatInterval::new(x.clone(), x.clone());
    }
    // sqrt(p/q) = sqrt(p·q)/q; scale by 2^SQRT_BITS.
    let pq = x.numer() * x.denom();
    let scaled = (pq << (2 * SQRT_BITS as usize)).magnitude().clone();
    let r = scaled.sqrt();
    let exact = &r * &r == scaled;
    let den = x.denom() << (SQRT_BITS as usize);
    let lo = Rat::new(BigInt::from(r.clone()), den.clone());
    let hi = if exact { lo.clone() } else { Rat::new(BigInt::from(r + 1u32), den) };
    debug_assert!(&lo * &lo <= *x && *x <= &hi * &hi);
    RatInterval::new(lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::{parse_rat, rat};

    #[test]
    fn encloses_and_is_tight() {
        for s in ["2", "1/3", "1e-30", "123456789/7", "4", "9/16"] {
            let x = parse_rat(s).unwrap();
            let e = sqrt_enclosure(&x);
            assert!(&e.lo * &e.lo <= x && x <= &e.hi * &e.hi, "{s}");
            assert!(&e.hi - &e.lo <= Rat::new(1.into(), x.denom() << 60usize), "{s}");
        }
        // Perfect squares are exact.
        let e = sqrt_enclosure(&parse_rat("9/16").unwrap());
        assert_eq!(e.lo, parse_rat("3/4").unwrap());
        assert_eq!(e.hi, e.lo);
        // sqrt(2) = 1.41421356237309504880... (hand value), to 18 digits.
        let e = sqrt_enclosure(&rat(2));
        let s2_lo = parse_rat("1.414213562373095048").unwrap();
        let s2_hi = parse_rat("1.414213562373095049").unwrap();
        assert!(s2_lo <= e.lo && e.hi <= s2_hi);
    }
}
