//! Exact rational arithmetic: the trusted base of every verdict.
//!
//! Everything here is exact (`num-rational` `BigRational`); nothing imports
//! floating point or the interval engine, so `certificate::check` can rely on
//! this module alone.

mod linalg;
mod rat;
mod sqrt;

pub use linalg::{
    eig_enclosure, eig_max_enclosure, eig_min_enclosure, exact_inertia, inertia, is_psd, shift, Inertia, RatMatrix,
};
pub use rat::{fmt_rat, parse_rat, rat, round_down_dyadic, round_up_dyadic, Rat, RatParseError};
pub use sqrt::{sqrt_enclosure, SQRT_BITS};

/// A closed interval `[lo, hi]` with exact rational endpoints.
///
/// Enclosure: exact (a value is stored only when it provably lies inside).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatInterval {
    /// Lower endpoint.
    pub lo: Rat,
    /// Upper endpoint.
    pub hi: Rat,
}

impl RatInterval {
    /// The interval `[lo, hi]`; panics when `lo > hi` (programmer error).
    pub fn new(lo: Rat, hi: Rat) -> Self {
        assert!(lo <= hi, "RatInterval::new needs lo <= hi, got [{lo}, {hi}]");
        RatInterval { lo, hi }
    }

    /// Whether `x` lies in the interval.
    pub fn contains(&self, x: &Rat) -> bool {
        &self.lo <= x && x <= &self.hi
    }

    /// `"[lo, hi]"` with exact rational endpoints.
    pub fn to_string_exact(&self) -> String {
        format!("[{}, {}]", fmt_rat(&self.lo), fmt_rat(&self.hi))
    }

    /// Parses `"[lo, hi]"`.
    pub fn parse(s: &str) -> Option<Self> {
        let inner = s.trim().strip_prefix('[')?.strip_suffix(']')?;
        let (a, b) = inner.split_once(',')?;
        let lo = parse_rat(a.trim()).ok()?;
        let hi = parse_rat(b.trim()).ok()?;
        (lo <= hi).then_some(RatInterval { lo, hi })
    }
}
