//! Orvieto & Lucchi (000), "Shadowing properties of optimization algorithms": Prop. 1, Thm 2,
//! Thm 3 and Prop. 2 as exact statements.
//!
//! # Hypotheses checked here
//! * (H1): ‖∇²f‖ ≤ L and ‖∇f‖ ≤ ℓ — checked by the caller (`constants.L`, `constants.ell`) on the
//!   spec's domain box; these functions receive only verified constants.
//! * Thm 2: μ > 0 ((H2), checked by the caller) and 0 < h ≤ 1/L (checked here).
//! * Thm 3: min{γ/2, μ} − 4L_φ > 0 and h ≤ min{ε(min{γ/2, μ} − 4L_φ)/(2ℓL), 1/L} (checked here).
//!
//! Enclosure: exact (every quantity is a rational function of the inputs).

use crate::claim::{Claim, Rel};
use crate::exact::{rat, Rat};
use num_traits::{One, Zero};

/// Prop. 1: the sampled gradient flow is a δ-pseudo-orbit of GD with δ = ℓL h²/2.
pub fn prop1(h: &Rat, ell: &Rat, l: &Rat) -> Claim {
    let mut c = Claim::new(
        "ol.prop1",
        "Orvieto–Lucchi (000) Prop. 1: under (H1) the flow samples y_k form a δ-pseudo-orbit of GD, δ = ℓL h²/2",
    );
    let delta = ell * l * h * h / rat(2);
    c.value("delta", delta);
    c.decide()
}

/// Thm 2: for μ-strongly convex f and 0 < h ≤ 1/L, every GD orbit started within ε of y₀
/// ε-shadows the flow samples, ε = hℓL/(2μ). With a requested `epsilon`, also checks ε ≤ epsilon.
pub fn thm2(h: &Rat, ell: &Rat, l: &Rat, mu: &Rat, epsilon: Option<&Rat>) -> Claim {
    let mut c = Claim::new(
        "ol.thm2",
        "Orvieto–Lucchi (000) Thm 2: under (H1), (H2) and 0 < h ≤ 1/L, GD ε-shadows the gradient flow with ε = hℓL/(2μ)",
    );
    if mu.is_zero() {
        return c.not_applicable("(H2) needs μ > 0");
    }
    let eps = h * ell * l / (rat(2) * mu);
    c.value("epsilon", eps.clone());
    c.check("0 < h <= 1/L: h <= 1/L", h.clone(), Rel::Le, Rat::one() / l);
    if let Some(req) = epsilon {
        c.value("epsilon_requested", req.clone());
        c.check("epsilon <= requested epsilon", eps, Rel::Le, req.clone());
    }
    c.decide()
}

/// Thm 3 (saddle): with no eigenvalue of the Hessian in (−γ, μ) and φ L_φ-smooth, GD on f + φ
/// ε-shadows the flow when h ≤ h_max = min{ε(min{γ/2, μ} − 4L_φ)/(2ℓL), 1/L}.
pub fn thm3(h: &Rat, ell: &Rat, l: &Rat, gamma: &Rat, mu: &Rat, l_phi: &Rat, epsilon: Option<&Rat>) -> Claim {
    let mut c = Claim::new(
        "ol.thm3",
        "Orvieto–Lucchi (000) Thm 3: no Hessian eigenvalue in (−γ, μ), φ L_φ-smooth: if h ≤ min{ε(min{γ/2, μ} − 4L_φ)/(2ℓL), 1/L}, the flow samples are ε-shadowed by a GD orbit (from a perturbed x₀) over the horizon",
    );
    let Some(eps) = epsilon else {
        return c.not_applicable("Thm 3 needs the shadowing radius: set \"epsilon\" in the spec");
    };
    let half_gamma = gamma / rat(2);
    let gap = if &half_gamma < mu { half_gamma } else { mu.clone() };
    let margin = &gap - rat(4) * l_phi;
    c.value("epsilon", eps.clone());
    c.value("gap", margin.clone());
    if !c.check("min{γ/2, μ} − 4L_φ > 0", Rat::zero(), Rel::Lt, margin.clone()) {
        return c.decide();
    }
    // ℓL > 0 here: L > 0 is checked by the caller, and ℓ = 0 (∇f = 0 on the domain) leaves only 1/L.
    let inv_l = Rat::one() / l;
    let h_max = if ell.is_zero() {
        inv_l
    } else {
        let from_eps = eps * &margin / (rat(2) * ell * l);
        if from_eps < inv_l {
            from_eps
        } else {
            inv_l
        }
    };
    c.value("h_max", h_max.clone());
    c.check("h <= h_max", h.clone(), Rel::Le, h_max);
    c.decide()
}

/// Prop. 2: heavy ball with η = h², β = 1 − hα: the sampled heavy-ball ODE is a δ-pseudo-orbit,
/// δ = ℓ(α + 1 + L)h².
pub fn prop2(h: &Rat, alpha: &Rat, ell: &Rat, l: &Rat) -> Claim {
    let mut c = Claim::new(
        "ol.prop2",
        "Orvieto–Lucchi (000) Prop. 2: under (H1) the heavy-ball ODE samples form a δ-pseudo-orbit of HB (η = h², β = 1 − hα), δ = ℓ(α + 1 + L)h²",
    );
    let delta = ell * (alpha + Rat::one() + l) * h * h;
    c.value("delta", delta);
    c.decide()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Status;
    use crate::exact::parse_rat;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    #[test]
    fn hand_values() {
        // h = 1/10, ℓ = 4, L = 2: δ = 4·2·(1/100)/2 = 1/25.
        assert_eq!(prop1(&q("1/10"), &q("4"), &q("2")).values["delta"].to_text(), "1/25");
        // μ = 1: ε = (1/10)·4·2/2 = 2/5; h ≤ 1/L = 1/2 holds.
        let c = thm2(&q("1/10"), &q("4"), &q("2"), &q("1"), None);
        assert_eq!(c.status, Status::Verified);
        assert_eq!(c.values["epsilon"].to_text(), "2/5");
        // Prop. 2 with α = 3/10, ℓ = 4, L = 2, h = 1/10: 4·(3/10 + 3)/100 = 33/250.
        assert_eq!(prop2(&q("1/10"), &q("3/10"), &q("4"), &q("2")).values["delta"].to_text(), "33/250");
    }

    #[test]
    fn wrong_inputs_are_refuted() {
        // h = 1 > 1/L = 1/2.
        assert_eq!(thm2(&q("1"), &q("4"), &q("2"), &q("1"), None).status, Status::Refuted);
        // Requested ε = 1/10 < 2/5.
        let c = thm2(&q("1/10"), &q("4"), &q("2"), &q("1"), Some(&q("1/10")));
        assert_eq!(c.status, Status::Refuted);
        assert_eq!(c.reason.as_deref(), Some("fails: epsilon <= requested epsilon"));
        assert_eq!(thm2(&q("1/10"), &q("4"), &q("2"), &q("0"), None).status, Status::NotApplicable);
    }

    #[test]
    fn saddle_step_bound() {
        // γ = 2, μ = 1, L_φ = 0, ε = 1/20, ℓ = 4, L = 2: min{1, 1} = 1, h_max = min{(1/20)/16, 1/2} = 1/320.
        let c = thm3(&q("1/400"), &q("4"), &q("2"), &q("2"), &q("1"), &q("0"), Some(&q("1/20")));
        assert_eq!(c.values["h_max"].to_text(), "1/320");
        assert_eq!(c.status, Status::Verified);
        let c = thm3(&q("1/100"), &q("4"), &q("2"), &q("2"), &q("1"), &q("0"), Some(&q("1/20")));
        assert_eq!(c.status, Status::Refuted);
        // 4L_φ ≥ the gap: refuted before any step size is considered.
        let c = thm3(&q("1/400"), &q("4"), &q("2"), &q("2"), &q("1"), &q("1/4"), Some(&q("1/20")));
        assert_eq!(c.status, Status::Refuted);
        assert!(!c.values.contains_key("h_max"));
    }
}
