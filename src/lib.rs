//! shadowcert: certified numbers for the theory linking optimization algorithms to ODEs.
//!
//! Data flows one way (DESIGN.md): `spec` (exact inputs) → `theorems` (exact statements, with
//! constants from `objective`) → `claim`s → `certificate` (writer, `check`, `regress`).
//! `exact` is the trusted base; `enclose` is the interval engine (inari), never used by `check`.
#![deny(missing_docs)]

pub mod admissible;
pub mod certificate;
pub mod certify;
pub mod dynamics;
pub mod enclose;
pub mod error;
pub mod objective;
pub mod plot;
pub mod spec;
pub mod theorems;
pub mod trace;

pub use error::{Error, Result};
pub use shadowcert_checker::{claim, exact};
