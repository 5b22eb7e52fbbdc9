//! shadowcert: certified numbers for the theory linking optimization algorithms to ODEs.
#![deny(missing_docs)]

pub mod claim;
pub mod exact;
