//! Objectives and their derivatives over boxes.
//!
//! `quadratic`: f(x) = ½xᵀQx − bᵀx, whose constants are decided in exact arithmetic.

pub mod quadratic;
