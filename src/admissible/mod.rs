//! Certified step-size admissibility: which step sizes h (and momenta λ) make each theorem
//! applicable, proved with exact rationals (`certify admissible`), and the grids behind
//! `certify sweep` and `certify map`.
//!
//! * [`claims`]: the step-size claims of a spec as exact functions of h (the part-1 statements)
//!   and their closed-form suprema — exact only: this is what `certify check` uses.
//! * [`fast`]: rigorous verdicts from the interval path where decisive, for searches and grids.
//! * [`range`]: certified admissible ranges — components with witnesses, h_lo, the refutation at
//!   h_hi, and the monotonicity argument in h that makes one exact evaluation certify an interval.
//! * [`grid`]: sweeps and maps over h, λ, a or a constant, shards and their merge, CSV.
//! * [`plot`]: the SVG heat map of a map with the certified boundary.
//! * [`certificate`]: the writer of admissibility certificates (`"kind": "admissibility"`).
//! * [`verdict`]: every step-size claim at one h, and whether that h is safe.

pub mod certificate;
pub mod claims;
pub mod fast;
pub mod grid;
pub mod plot;
pub mod range;
pub mod verdict;

pub use claims::{closed_form_supremum, step_claims, StepClaims, Supremum, Verdict, STEP_CLAIMS};
pub use fast::FastClaims;
pub use range::{admissible, claim_range, ClaimRange, Component, Refutation, Request};
pub use verdict::{verdict_at, StepVerdict, STABILITY_CLAIMS};
