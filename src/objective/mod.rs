//! Objectives and their derivatives over boxes.
//!
//! * `quadratic`: f(x) = ½xᵀQx − bᵀx, whose constants are decided in exact arithmetic.
//! * `expression`: a closed-form expression (the checker's parse) with derivative programs built
//!   by reverse-mode differentiation, evaluated with inari.
//! * `dataset`: empirical risk of a logistic or sigmoid loss on a CSV data set, bounded through
//!   its structure (Hessian = (1/n)Xᵀ diag(ℓ″) X + l2·I).
//!
//! The non-quadratic objectives implement [`BoxObjective`]: enclosures, over a box, of the
//! quantities the theorems' constants bound.

pub mod dataset;
pub mod expression;
pub use shadowcert_checker::quadratic;

use crate::enclose::symmetric::{eig_bounds, eig_enclosures, largest_negative, neg_smallest_nonnegative, EigBounds};
use inari::Interval;
pub use shadowcert_checker::nonlinear::{ball_box, Smooth};
use shadowcert_checker::taylor::SeriesMap;

pub use shadowcert_checker::theorems::general::Quantity;

/// An objective whose derivatives can be enclosed over boxes: what the constants and the claims
/// read, beyond what the validated trajectories read ([`Smooth`], the checker's).
pub trait BoxObjective: Sync {
    /// Encloses f(x) for every x in the box (the loss curves of 000's experiment). Enclosure: rigorous.
    fn value(&self, x: &[Interval]) -> Interval;

    /// Contains `q(x)` for every x in the box. Enclosure: rigorous.
    fn enclose(&self, q: Quantity, x: &[Interval]) -> Interval;

    /// Encloses ∇²f(x) for every x in the box, as a full symmetric interval matrix (what
    /// `shadow.finite` perturbs around a reference Hessian). Enclosure: rigorous.
    fn hessian(&self, x: &[Interval]) -> Vec<Vec<Interval>>;

    /// Enclosures of the eigenvalues of ∇²f in ascending order: λ_k(∇²f(x)) ∈ `result[k]` for
    /// every x in the box (the spectral gap of 000 Thm 3).
    ///
    /// Enclosure: rigorous.
    fn hessian_eigenvalues(&self, x: &[Interval]) -> Vec<Interval>;
}

/// √(Σ xᵢ²) over a box. Enclosure: rigorous.
pub fn norm(v: &[Interval]) -> Interval {
    let mut s = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
    for x in v {
        s += x.sqr();
    }
    s.sqrt()
}

/// The checker's programs ([`shadowcert_checker::program`]): the engine's trajectories and the
/// checker's verification of them evaluate the same enclosures.
impl Smooth for expression::Expression {
    fn dim(&self) -> usize {
        expression::Expression::dim(self)
    }

    fn gradient(&self, x: &[Interval]) -> Vec<Interval> {
        self.gradient_box(x)
    }

    fn gradient_series(&self) -> Box<dyn SeriesMap + '_> {
        Box::new(expression::Expression::gradient_series(self))
    }

    fn hessian_range(&self, x: &[Interval]) -> (f64, f64) {
        self.programs().hessian_range(x)
    }

    fn hessian_matrix(&self, x: &[Interval]) -> shadowcert_checker::interval::IMat {
        self.programs().hessian_matrix(x)
    }

    fn third_norm_sup(&self, x: &[Interval]) -> f64 {
        self.programs().third_norm_sup(x)
    }

    fn lambda_min_sup(&self, x: &[Interval]) -> f64 {
        self.programs().lambda_min_sup(x)
    }
}

impl BoxObjective for expression::Expression {
    fn value(&self, x: &[Interval]) -> Interval {
        self.value_box(x)
    }

    fn hessian(&self, x: &[Interval]) -> Vec<Vec<Interval>> {
        self.hessian_box(x)
    }

    /// `ThirdNorm` is enclosed by [max_i |∂³f/∂x_i³|, ‖D³f‖_F]: the Frobenius norm bounds the
    /// operator norm of the trilinear form from above (Tightness: up to a factor √d per mode).
    fn enclose(&self, q: Quantity, x: &[Interval]) -> Interval {
        match q {
            Quantity::GradNorm => norm(&self.gradient_box(x)),
            Quantity::HessNorm => self.eig(x).norm(),
            Quantity::NegLambdaMin => -self.eig(x).min,
            Quantity::ThirdNorm => {
                let mut frob = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
                let mut lower = 0.0f64;
                for (t, mult, diagonal) in self.third_box(x) {
                    frob += t.sqr() * Interval::try_from((f64::from(mult), f64::from(mult))).expect("finite");
                    if diagonal {
                        lower = lower.max(t.mig());
                    }
                }
                let hi = frob.sqrt().sup();
                Interval::try_from((lower.min(hi), hi)).unwrap_or(Interval::ENTIRE)
            }
            Quantity::GapLower => largest_negative(&self.hessian_eigenvalues(x)),
            Quantity::GapUpper => neg_smallest_nonnegative(&self.hessian_eigenvalues(x)),
        }
    }

    /// Every eigenvalue of the interval Hessian ([`eig_enclosures`]). Tightness: width about twice
    /// the norm of the Hessian's radius matrix over the box.
    fn hessian_eigenvalues(&self, x: &[Interval]) -> Vec<Interval> {
        eig_enclosures(&self.hessian_box(x))
    }
}

impl expression::Expression {
    fn eig(&self, x: &[Interval]) -> EigBounds {
        eig_bounds(&self.hessian_box(x))
    }
}
