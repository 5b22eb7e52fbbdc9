//! shadowcert: certified numbers for the theory linking optimization algorithms to ODEs.
#![deny(missing_docs)]

pub mod claim;
pub mod error;
pub mod exact;

pub use error::{Error, Result};
