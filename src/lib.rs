//! shadowcert: certified numbers for the theory linking optimization algorithms to ODEs.
//!
//! The modules are layered one way, lowest first; each uses only its own layer and lower ones
//! (`tests/architecture.rs` enforces it): `error`, `exact`, `claim`, `elementary` (the last three
//! from the trusted crate `shadowcert_checker`, which depends on nothing of the engine) < `enclose`
//! (the interval engine, inari) < `objective` < `spec` (a validated spec holds its parsed objective) < `dynamics`
//! < `theorems` < `certificate` < `certify` < `admissible` < `plot` < `trace` < `report`. The
//! `certify` binary (`src/main.rs`, `src/cli/`) and the Python binding (`python/`) sit on top.
#![deny(missing_docs)]

pub mod admissible;
pub mod certificate;
pub mod certify;
pub mod dynamics;
pub mod enclose;
pub mod error;
pub mod objective;
pub mod plot;
pub mod report;
pub mod spec;
pub mod theorems;
pub mod trace;

pub use error::{Error, Result};
pub use shadowcert_checker::{claim, elementary, exact};
