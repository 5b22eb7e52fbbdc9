//! Trajectories, enclosed: algorithm orbits and ODE flows of quadratic objectives
//! f(x) = ½xᵀQx − bᵀx with exact rational data (DESIGN.md, `src/dynamics/`), and of the other
//! objectives (`nonlinear`).
//!
//! * `orbit`: the exact-arithmetic orbits of GD, scheme (7) (heavy ball, Nesterov, general a) and
//!   the Orvieto–Lucchi heavy ball, enclosed; the plain `f64` orbit a user's code computes, with a
//!   rigorous bound of its distance to the exact orbit; the naive interval iteration for comparison.
//! * `flow`: the gradient flow, the rescaled flow (8), the modified flow (20)–(21), the damped flow
//!   (11)–(12) and the Orvieto–Lucchi heavy-ball ODE, sampled at t = kτ, by a rigorous matrix
//!   exponential (`expm`); the damped flow of any objective (`damped_flow_of`).
//! * `tube`: the midpoint–radius representation and its propagation; `norm`: the norms in which the
//!   step maps contract; `spectrum`: rigorous eigenvalue bounds and semidefiniteness tests;
//!   `ivec`: interval vectors and matrices.
//! * `nonlinear`: for any `objective::BoxObjective` (expressions, data sets), the two-step orbits in
//!   mean-value form and the second-order flows by an interval Taylor method; the GD orbit and the
//!   gradient flow (and rescaled flow (8)) are the checker's (`shadowcert_checker::nonlinear`:
//!   mean-value form; Picard a-priori enclosures, Taylor-mode coefficients and a one-sided
//!   Lipschitz bound on the a-priori box), which also verifies them from a certificate's checkpoints.
//!
//! Enclosure: rigorous throughout. Wrapping control: midpoint–radius with one scalar error bound in
//! a norm in which the exact step map contracts (Euclidean for the symmetric maps, a verified
//! Lyapunov norm for the momentum and second-order maps); see `tube.rs`. Lohner's QR method is not
//! used: for linear maps with a contracting norm the scalar bound is both cheaper (one `f64` step
//! per iteration) and at least as tight.

pub mod expm;
pub mod flow;
pub mod ivec;
pub mod nonlinear;
pub mod norm;
pub mod orbit;
pub mod spectrum;
pub mod tube;

pub use flow::{
    damped_flow, damped_flow_of, damping_alpha, gradient_flow, modified_constants, modified_flow, ol_heavy_ball_flow,
    rescaled_flow, spec_flow,
};
pub use orbit::{gd, gd_f64, gd_naive_interval, ol_heavy_ball, scheme7, spec_orbit, GdF64, TwoStepF64};
pub use tube::Tube;
