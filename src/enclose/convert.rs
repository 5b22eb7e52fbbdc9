//! Exact rationals to `f64` intervals and back: the only door between [`Rat`] and inari.
//!
//! Every finite `f64` is a dyadic rational, so comparisons here go through
//! `Rat::from_float` and are exact; the conversion never trusts the rounding of `to_f64`.

use crate::exact::{Rat, RatInterval};
use inari::Interval;

pub use shadowcert_checker::interval::{rat_interval_to_interval, rat_to_interval};

fn exact(f: f64) -> Rat {
    Rat::from_float(f).expect("a finite f64 is a dyadic rational")
}

/// Whether `r ∈ x`, decided exactly (an empty `x` contains nothing).
pub fn interval_contains_rat(x: &Interval, r: &Rat) -> bool {
    if x.is_empty() {
        return false;
    }
    let (lo, hi) = (x.inf(), x.sup());
    (lo == f64::NEG_INFINITY || exact(lo) <= *r) && (hi == f64::INFINITY || *r <= exact(hi))
}

/// Whether `x` and the rational interval `y` share a point, decided exactly.
pub fn interval_meets_rat_interval(x: &Interval, y: &RatInterval) -> bool {
    if x.is_empty() {
        return false;
    }
    let (lo, hi) = (x.inf(), x.sup());
    (lo == f64::NEG_INFINITY || exact(lo) <= y.hi) && (hi == f64::INFINITY || y.lo <= exact(hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::{parse_rat, rat};
    use num_bigint::BigInt;
    use num_traits::One;

    type I = Interval;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// `x` encloses `r`, and its endpoints are equal or adjacent floats.
    fn assert_tight(x: I, r: &Rat) {
        assert!(interval_contains_rat(&x, r), "{x:?} must contain {r}");
        let (lo, hi) = (x.inf(), x.sup());
        assert!(lo == hi || lo.next_up() == hi, "{x:?} is not tight around {r}");
        if lo == hi {
            assert_eq!(exact(lo), *r);
        } else {
            assert!(exact(lo) < *r && *r < exact(hi));
        }
    }

    #[test]
    fn one_tenth_and_thirds() {
        // 0.1 is not a dyadic: the interval has two adjacent endpoints around 1/10.
        let x = rat_to_interval(&q("1/10"));
        assert_tight(x, &q("1/10"));
        assert!(x.contains(0.1));
        assert_tight(rat_to_interval(&q("1/3")), &q("1/3"));
        assert_tight(rat_to_interval(&q("-1/3")), &q("-1/3"));
        assert_eq!(rat_to_interval(&q("-1/3")), -rat_to_interval(&q("1/3")));
    }

    #[test]
    fn dyadics_are_points() {
        for s in ["0", "1", "-1", "1/2", "3/1024", "-12345/4096", "1e300"] {
            let r = q(s);
            let x = rat_to_interval(&r);
            if s == "1e300" {
                // 10^300 is not a dyadic rational.
                assert_tight(x, &r);
            } else {
                assert!(x.is_singleton(), "{s}: {x:?}");
                assert_eq!(exact(x.inf()), r);
            }
        }
        let two_53_plus_1 = Rat::from_integer(BigInt::from((1u64 << 53) + 1));
        assert_tight(rat_to_interval(&two_53_plus_1), &two_53_plus_1);
    }

    #[test]
    fn tiny_numbers() {
        // 2^-1074 is the least positive subnormal: a point.
        let min_sub = Rat::new(BigInt::one(), BigInt::one() << 1074usize);
        let x = rat_to_interval(&min_sub);
        assert_eq!((x.inf(), x.sup()), (f64::from_bits(1), f64::from_bits(1)));
        // 2^-1076 lies strictly between 0 and 2^-1074.
        let below = Rat::new(BigInt::one(), BigInt::one() << 1076usize);
        let x = rat_to_interval(&below);
        assert_eq!((x.inf(), x.sup()), (0.0, f64::from_bits(1)));
        let x = rat_to_interval(&-below);
        assert_eq!((x.inf(), x.sup()), (-f64::from_bits(1), 0.0));
        // 3·2^-1076 = 0.75·2^-1074.
        let r = Rat::new(BigInt::from(3), BigInt::one() << 1076usize);
        assert_tight(rat_to_interval(&r), &r);
    }

    #[test]
    fn huge_numbers() {
        let max = exact(f64::MAX);
        assert!(rat_to_interval(&max).is_singleton());
        let beyond = &max + rat(1);
        let x = rat_to_interval(&beyond);
        assert_eq!((x.inf(), x.sup()), (f64::MAX, f64::INFINITY));
        let x = rat_to_interval(&-&beyond);
        assert_eq!((x.inf(), x.sup()), (f64::NEG_INFINITY, f64::MIN));
        let far = Rat::from_integer(BigInt::one() << 2000usize);
        let x = rat_to_interval(&far);
        assert_eq!((x.inf(), x.sup()), (f64::MAX, f64::INFINITY));
        assert!(interval_contains_rat(&x, &far));
        assert!(interval_contains_rat(&x, &max) && !interval_contains_rat(&x, &(&max - rat(1))));
    }

    #[test]
    fn containment_is_exact() {
        let x = I::try_from((0.1, 0.2)).unwrap();
        // 0.1 as a double is 0.1000000000000000055511151231257827..., above 1/10.
        assert!(!interval_contains_rat(&x, &q("1/10")));
        assert!(interval_contains_rat(&x, &exact(0.1)));
        assert!(interval_contains_rat(&x, &q("0.15")));
        assert!(!interval_contains_rat(&I::EMPTY, &rat(0)));
        assert!(interval_contains_rat(&I::ENTIRE, &rat(-7)));
        let y = RatInterval::new(q("0.2"), q("0.3"));
        // The double 0.2 is 0.200000000000000011102230246251565..., above 1/5.
        assert!(interval_meets_rat_interval(&x, &y));
        assert!(!interval_meets_rat_interval(
            &I::try_from((0.3, 0.4)).unwrap(),
            &RatInterval::new(q("0.1"), q("0.29"))
        ));
        let z = rat_interval_to_interval(&y);
        assert!(interval_contains_rat(&z, &y.lo) && interval_contains_rat(&z, &y.hi));
    }
}
