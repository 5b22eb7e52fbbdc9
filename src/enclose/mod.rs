//! Interval evaluation with inari: rigorous `f64` enclosures, the fast path for searches and
//! step-size sweeps.
//!
//! Nothing here decides a claim: a verdict is what the exact statements in `crate::theorems`
//! say about certified numbers. The certificate checker imports nothing from this module.

pub mod convert;
pub mod kovachki_stuart;
pub mod rounding;
pub mod search;
pub mod symmetric;

pub use convert::{interval_contains_rat, interval_meets_rat_interval, rat_interval_to_interval, rat_to_interval};
