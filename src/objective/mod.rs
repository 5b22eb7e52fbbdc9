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
use crate::enclose::taylor::SeriesMap;
use inari::Interval;

pub use shadowcert_checker::theorems::general::Quantity;

/// An objective whose derivatives can be enclosed over boxes.
pub trait BoxObjective: Sync {
    /// Dimension of the domain.
    fn dim(&self) -> usize;

    /// Encloses f(x) for every x in the box (the loss curves of 000's experiment). Enclosure: rigorous.
    fn value(&self, x: &[Interval]) -> Interval;

    /// Encloses ∇f(x) for every x in the box. Enclosure: rigorous.
    fn gradient(&self, x: &[Interval]) -> Vec<Interval>;

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

    /// ∇f along a Taylor series y(t) = Σ yₖtᵏ, one coefficient per call (Taylor mode,
    /// `enclose::taylor`): call k of [`SeriesMap::push`] takes yₖ (one interval per coordinate) and
    /// returns the coefficient k of ∇f(y(t)). The validated flows (`dynamics::nonlinear`) feed the
    /// solution's coefficients back in order by order, so p orders cost O(p²), not O(p³).
    ///
    /// Enclosure: rigorous.
    fn gradient_series(&self) -> Box<dyn SeriesMap + '_>;

    /// An upper bound of −λ_min(∇²f(x)) over the box (the one-sided Lipschitz constant of −∇f, which
    /// the validated flows use as a logarithmic norm): by default the upper end of
    /// [`Quantity::NegLambdaMin`]; an objective may return a tighter bound. +∞ when unbounded.
    ///
    /// Enclosure: rigorous (an upper bound).
    fn neg_lambda_min_sup(&self, x: &[Interval]) -> f64 {
        self.enclose(Quantity::NegLambdaMin, x).sup()
    }

    /// [λ_lo, λ_hi] holding the spectrum of ∇²f(x) for every x in the box (what the mean-value
    /// forms and the logarithmic norms of `dynamics::nonlinear` use): by default
    /// (−[`BoxObjective::neg_lambda_min_sup`], upper end of [`Quantity::HessNorm`]) — ‖∇²f‖₂ ≥ λ_max,
    /// and when it exceeds λ_max it equals −λ_min, so nothing is lost for |1 − hλ| — an objective
    /// may compute both at once. Infinite ends when unbounded.
    ///
    /// Enclosure: rigorous.
    fn hessian_range(&self, x: &[Interval]) -> (f64, f64) {
        (-self.neg_lambda_min_sup(x), self.enclose(Quantity::HessNorm, x).sup())
    }

    /// [`BoxObjective::hessian_range`] over the Euclidean ball ‖x − m‖₂ ≤ r (the regions of the
    /// mean-value forms of `dynamics::nonlinear`): by default on the ball's box hull; a data set
    /// bounds its margins on the ball itself.
    ///
    /// Enclosure: rigorous.
    fn hessian_range_ball(&self, m: &[f64], r: f64) -> (f64, f64) {
        self.hessian_range(&ball_box(m, r))
    }
}

/// The box hull of the ball B(m, r): coordinate i in [mᵢ − r, mᵢ + r] (outward; unbounded where an
/// end is not finite). Enclosure: rigorous.
pub fn ball_box(m: &[f64], r: f64) -> Vec<Interval> {
    let r = Interval::try_from((-r, r)).unwrap_or(Interval::ENTIRE);
    m.iter().map(|&x| Interval::try_from((x, x)).unwrap_or(Interval::ENTIRE) + r).collect()
}

/// √(Σ xᵢ²) over a box. Enclosure: rigorous.
pub fn norm(v: &[Interval]) -> Interval {
    let mut s = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
    for x in v {
        s += x.sqr();
    }
    s.sqrt()
}

impl BoxObjective for expression::Expression {
    fn dim(&self) -> usize {
        expression::Expression::dim(self)
    }

    fn value(&self, x: &[Interval]) -> Interval {
        self.value_box(x)
    }

    fn gradient(&self, x: &[Interval]) -> Vec<Interval> {
        self.gradient_box(x)
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

    /// Both ends from one enclosure of the Hessian: the values of the default (λ_min's lower end and
    /// ‖∇²f‖₂'s upper end) without evaluating the Hessian twice (the mean-value forms call this once
    /// per step).
    fn hessian_range(&self, x: &[Interval]) -> (f64, f64) {
        let e = self.eig(x);
        (e.min.inf(), e.norm().sup())
    }

    /// Every eigenvalue of the interval Hessian ([`eig_enclosures`]). Tightness: width about twice
    /// the norm of the Hessian's radius matrix over the box.
    fn hessian_eigenvalues(&self, x: &[Interval]) -> Vec<Interval> {
        eig_enclosures(&self.hessian_box(x))
    }

    fn gradient_series(&self) -> Box<dyn SeriesMap + '_> {
        Box::new(expression::Expression::gradient_series(self))
    }
}

impl expression::Expression {
    fn eig(&self, x: &[Interval]) -> EigBounds {
        eig_bounds(&self.hessian_box(x))
    }
}
