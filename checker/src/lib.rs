//! shadowcert-checker: the trusted base of shadowcert.
//!
//! A certificate written by `certify` is checked here, by code that imports nothing of the engine
//! that produced it (its `Cargo.toml` is the proof: exact rationals, serde_json, sha2 and inari).
//! This crate owns
//! * `exact`: exact rational arithmetic, inertia of symmetric rational matrices, square-root brackets;
//! * `expression`: the parser of expression objectives and their rigorous box evaluation (value and
//!   derivatives to third order by forward-mode automatic differentiation over inari intervals);
//!   `program`: their derivative programs (reverse mode on the program) over boxes and in Taylor
//!   mode (`taylor`), which the validated trajectories run;
//! * `nonlinear`: validated trajectories of non-quadratic objectives (the GD orbit in mean-value form,
//!   the gradient flow by an interval Taylor method), verified from checkpoints; `momentum`: the
//!   two-step orbits and second-order flows of the momentum methods, in norms fitted to the
//!   curvature; `tube`: the tubes of the exact affine maps of quadratics, and the evidence format;
//! * `dataset`: the CSV reader of dataset objectives, their exact Gram bound and structural box
//!   enclosures;
//! * `quadratic`: exact facts about f(x) = ½xᵀQx − bᵀx (gradients, eigenvalue counts, sup ‖∇f‖ on a box);
//! * `claim`: the claim record (status, values, witnesses, atomic inequalities);
//! * `theorems`: the exact statement of every theorem of the seed papers, which the engine calls to
//!   produce its claims and the checker calls to verify them.
#![deny(missing_docs)]

pub mod admissibility;
pub mod certificate;
pub mod check;
pub mod claim;
pub mod dataset;
pub mod elementary;
pub mod error;
pub mod exact;
pub mod expression;
pub mod inputs;
pub mod interval;
pub mod momentum;
pub mod nonlinear;
pub mod program;
pub mod quadratic;
pub mod taylor;
pub mod theorems;
pub mod tube;

pub use error::{Error, Result};
