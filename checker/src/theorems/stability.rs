//! Classical step-size conditions (not from the seed papers, which assume them): the descent lemma
//! of gradient descent, and the linear stability of every method over the curvatures [μ, L], with
//! the rate it gives. They answer "is this step size safe for my objective and method?".
//!
//! # Linear stability (`step.stable`)
//! On f(x) = ½qx², q ∈ [μ, L] — the linearization at a minimizer of any f with μ ≤ ∇²f ≤ L, and
//! every eigen-direction of a quadratic with spectrum in [μ, L] — each method is a linear
//! recursion. GD: x⁺ = (1 − hq)x, spectral radius |1 − hq|. Two-step methods: xₖ₊₁ = T(q)xₖ −
//! D(q)xₖ₋₁ with characteristic polynomial z² − Tz + D:
//! * scheme (7) of 004: T = 1 + λ − hq(1 + a), D = λ − hqa;
//! * the heavy ball of 000 (η = h², β = 1 − hα): T = 1 + β − ηq, D = β.
//!
//! **Jury (Schur–Cohn) for real quadratics.** Both roots of z² − Tz + D lie in the open unit disk
//! iff |D| < 1 and |T| < 1 + D. Scaling z = rw: both roots have modulus < r (r > 0) iff
//! |D| < r² and |T|r < r² + D.
//!
//! **Every curvature at once.** T and D are affine in q, so each of these inequalities, at fixed
//! h and r, holds on [μ, L] iff it holds at q = μ and q = L. Hence the conditions below are exact
//! (necessary and sufficient) for spectral radius < 1 at every q ∈ [μ, L], and a rate r verified at
//! both ends bounds the spectral radius on the whole interval (so the max is at an end).
//! * GD: |1 − hq| < 1 on [μ, L] ⟺ μ > 0 and hL < 2; rate max(|1 − hμ|, |1 − hL|), exact.
//! * Scheme (7): with q > 0, T < 1 + D ⟺ hq > 0; D < 1 ⟺ λ − hqa < 1 (λ < 1); T > −(1 + D) ⟺
//!   hq(1 + 2a) < 2(1 + λ); D > −1 ⟺ hqa < 1 + λ, implied by the previous one (2a < 1 + 2a).
//!   So: μ > 0 and hL(1 + 2a) < 2(1 + λ). (a = 0, λ → 0: GD's hL < 2.)
//! * Heavy ball of 000: |β| < 1 ⟺ 0 < hα < 2; T < 1 + D ⟺ ηq > 0; T > −(1 + D) ⟺
//!   h²q < 2(1 + β) = 4 − 2hα. So: μ > 0, hα < 2 and h²L + 2hα < 4.
//!
//! Every left side grows with h and every right side is fixed (the admissible set is (0, h*)).
//!
//! Enclosure: exact (rationals; the two-step rate is an exact rational upper bound of the spectral
//! radius, verified by the scaled Jury conditions). Tightness of that rate: within about 2⁻⁴⁰
//! relative of the true maximum.

use crate::claim::{Claim, Rel};
use crate::exact::{rat, round_up_dyadic, sqrt_enclosure, Rat};
use crate::inputs::Method;
use num_traits::{One, Signed, Zero};

/// Statement of `step.descent`.
pub const DESCENT: &str = "Descent lemma (GD): ‖∇²f‖₂ ≤ L on the box and h·L < 2 give f(x − h∇f(x)) ≤ \
     f(x) − c‖∇f(x)‖², c = h(1 − hL/2) > 0, for every step whose segment lies in the box";

/// Statement of `step.stable`.
pub const STABLE: &str = "Linear stability: at every curvature q ∈ [μ, L] (a quadratic's eigen-directions, \
     the linearization at a minimizer) the iteration's spectral radius is ≤ rate < 1 (Jury at q = μ, L)";

/// `step.descent` at step size `h` with (H1)'s `l`.
pub fn descent(h: &Rat, l: &Rat) -> Claim {
    let mut c = Claim::new("step.descent", DESCENT);
    let hl = h * l;
    c.value("h_L", hl.clone());
    c.value("decrease", h * (Rat::one() - &hl / rat(2)));
    c.check("h·L < 2", hl, Rel::Lt, rat(2));
    c.decide()
}

/// The conditions of `step.stable` (module doc), each `lhs < rhs`: stability at every q ∈ (0, L].
pub fn stable_conditions(method: &Method, h: &Rat, l: &Rat) -> Vec<(&'static str, Rat, Rat)> {
    let one = Rat::one();
    match method {
        Method::Gd => vec![("h·L < 2", h * l, rat(2))],
        Method::Scheme7 { lambda, a, .. } => {
            // D < 1 and D > −1 (module doc) need λ < 1 and a ≥ 0, which validation guarantees.
            debug_assert!(lambda < &one && !a.is_negative(), "scheme (7) with λ = {lambda}, a = {a}");
            vec![("h·L·(1 + 2a) < 2(1 + λ)", h * l * (&one + rat(2) * a), rat(2) * (&one + lambda))]
        }
        Method::HeavyBallOl { alpha } => {
            let ha = h * alpha;
            vec![("h·α < 2 (|β| < 1)", ha.clone(), rat(2)), ("h²L + 2hα < 4", h * h * l + rat(2) * &ha, rat(4))]
        }
    }
}

/// `step.stable` of `method` at step size `h` over the curvatures [`mu`, `l`].
pub fn stable(method: &Method, h: &Rat, mu: &Rat, l: &Rat) -> Claim {
    let mut c = Claim::new("step.stable", STABLE);
    if !mu.is_positive() {
        return c.not_applicable("needs μ > 0 (H2): at curvature 0 every method's iteration has the eigenvalue 1");
    }
    let one = Rat::one();
    if !matches!(method, Method::HeavyBallOl { .. }) {
        c.value("h_L", h * l);
    }
    for (name, lhs, rhs) in stable_conditions(method, h, l) {
        c.check(name, lhs, Rel::Lt, rhs);
    }
    // (T, D) of the characteristic polynomial z² − Tz + D at q = μ and q = L.
    let ends: [(Rat, Rat); 2] = match method {
        Method::Gd => {
            let (a, b) = ((&one - h * mu).abs(), (&one - h * l).abs());
            c.value("rate", if a > b { a } else { b });
            return c.decide();
        }
        Method::Scheme7 { lambda, a, .. } => [mu, l].map(|q| (&one + lambda - h * q * (&one + a), lambda - h * q * a)),
        Method::HeavyBallOl { alpha } => {
            let (beta, eta) = (&one - h * alpha, h * h);
            [mu, l].map(|q| (&one + &beta - &eta * q, beta.clone()))
        }
    };
    let c = c.decide();
    if c.status != crate::claim::Status::Verified {
        return c;
    }
    match rate_bound(&ends) {
        Some(r) => {
            let mut c = c;
            for ((t, d), q) in ends.iter().zip(["μ", "L"]) {
                let r2 = &r * &r;
                c.check(format!("rate at q = {q}: D < rate²"), d.clone(), Rel::Lt, r2.clone());
                c.check(format!("rate at q = {q}: −D < rate²"), -d, Rel::Lt, r2.clone());
                c.check(format!("rate at q = {q}: |T|·rate < rate² + D"), t.abs() * &r, Rel::Lt, &r2 + d);
            }
            c.value("rate", r);
            c.decide()
        }
        None => {
            let mut c = c;
            c.reason = Some(
                "stable; no rate below 1 is recorded: the spectral radius is within the precision of \
                             its square-root brackets of 1"
                    .into(),
            );
            c
        }
    }
}

/// An upper bound r < 1 of the spectral radius of z² − Tz + D at each `(T, D)`, with the strict
/// scaled Jury conditions |D| < r², |T|r < r² + D verified at every point (so r bounds the radius
/// strictly): the largest radius bracket `top` widened by min(top·2⁻⁴⁰, (1 − top)/4), a 48-bit
/// dyadic when that stays below 1 − (1 − top)/2. `None` when no such r is found (the radius within
/// the square roots' precision of 1).
fn rate_bound(points: &[(Rat, Rat)]) -> Option<Rat> {
    let radius_upper = |(t, d): &(Rat, Rat)| -> Rat {
        let disc = t * t - rat(4) * d;
        if disc.is_negative() {
            // Complex pair: |z|² = D.
            sqrt_enclosure(d).hi
        } else {
            (t.abs() + sqrt_enclosure(&disc).hi) / rat(2)
        }
    };
    let top = points.iter().map(radius_upper).fold(Rat::zero(), |m, x| if x > m { x } else { m });
    let one = Rat::one();
    if top >= one {
        return None;
    }
    let holds = |r: &Rat| {
        let r2 = r * r;
        points.iter().all(|(t, d)| d < &r2 && (-d).lt(&r2) && t.abs() * r < &r2 + d)
    };
    let gap = (&one - &top) / rat(4);
    let relative = &top / Rat::from_integer((1u64 << 40).into());
    let mut r = &top + if relative < gap { relative } else { gap.clone() };
    let short = round_up_dyadic(&r, 48);
    if short < &one - rat(2) * &gap {
        r = short;
    }
    // Deterministic: a few widenings toward 1 (the exact radius may sit on the bound), never to 1.
    for _ in 0..4 {
        if r.is_positive() && r < one && holds(&r) {
            return Some(r);
        }
        r = &r + (&one - &r) / rat(4);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Status;
    use crate::exact::parse_rat;
    use crate::inputs::Scheme7Kind;
    use num_traits::ToPrimitive;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    fn hb(lambda: &str) -> Method {
        Method::Scheme7 { kind: Scheme7Kind::HeavyBall, lambda: q(lambda), a: Rat::zero() }
    }

    /// The spectral radius of [[T, −D], [1, 0]] by brute force: the largest |z| of the two roots,
    /// from f64 (an independent value for a loose comparison).
    fn radius_f64(t: f64, d: f64) -> f64 {
        let disc = t * t - 4.0 * d;
        if disc < 0.0 {
            d.sqrt()
        } else {
            (t.abs() + disc.sqrt()) / 2.0
        }
    }

    #[test]
    fn descent_hand_values() {
        // h = 1/10, L = 4: hL = 2/5, c = (1/10)(1 − 1/5) = 2/25.
        let c = descent(&q("1/10"), &q("4"));
        assert_eq!(c.status, Status::Verified);
        assert_eq!(c.values["decrease"].to_text(), "2/25");
        // h = 1/2, L = 4: hL = 2, not < 2 (the decrease is 0).
        let c = descent(&q("1/2"), &q("4"));
        assert_eq!(c.status, Status::Refuted);
        assert_eq!(c.values["decrease"].to_text(), "0");
    }

    #[test]
    fn gd_rate_is_the_classical_factor() {
        // μ = 1, L = 2, h = 1/100: max(99/100, 98/100) = 99/100; h = 2/3: max(1/3, 1/3) = 1/3,
        // the optimal h = 2/(μ + L).
        let c = stable(&Method::Gd, &q("1/100"), &q("1"), &q("2"));
        assert_eq!((c.status, c.values["rate"].to_text()), (Status::Verified, "99/100".to_string()));
        let c = stable(&Method::Gd, &q("2/3"), &q("1"), &q("2"));
        assert_eq!(c.values["rate"].to_text(), "1/3");
        // h = 1 = 2/L: |1 − hL| = 1, not stable.
        assert_eq!(stable(&Method::Gd, &q("1"), &q("1"), &q("2")).status, Status::Refuted);
        assert_eq!(stable(&Method::Gd, &q("1/100"), &q("0"), &q("2")).status, Status::NotApplicable);
    }

    #[test]
    fn heavy_ball_region_and_rate() {
        // Heavy ball λ = 9/10, L = 5: stable iff h < 2(1.9)/5 = 19/25.
        assert_eq!(stable(&hb("9/10"), &q("0.759"), &q("1"), &q("5")).status, Status::Verified);
        assert_eq!(stable(&hb("9/10"), &q("19/25"), &q("1"), &q("5")).status, Status::Refuted);
        // Its rate at h = 1/1000, μ = 1, L = 5, against f64 roots at both ends and inside.
        let c = stable(&hb("9/10"), &q("1/1000"), &q("1"), &q("5"));
        let rf = c.values["rate"].hi().to_f64().unwrap();
        let worst = (0..=100)
            .map(|i| 1.0 + 4.0 * i as f64 / 100.0)
            .map(|q| radius_f64(1.9 - q / 1000.0, 0.9))
            .fold(0.0f64, f64::max);
        // (1.899 + √(1.899² − 3.6))/2 at q = 1: the maximum is at the end μ.
        assert!((worst - radius_f64(1.899, 0.9)).abs() < 1e-15);
        assert!(rf >= worst - 1e-15 && rf - worst < 1e-9, "rate {rf} vs {worst}");
    }

    /// Heavy ball λ = 9/10, μ = 10⁻³, h = 10⁻¹¹: 1 − ρ ≈ hμ/(1 − λ) = 10⁻¹³, below the relative
    /// widening of 2⁻⁴⁰ ≈ 9·10⁻¹³ that once pushed the recorded rate to 1 or above.
    #[test]
    fn a_rate_next_to_one_stays_below_one() {
        let c = stable(&hb("9/10"), &q("1e-11"), &q("1e-3"), &q("5"));
        assert_eq!(c.status, Status::Verified);
        let r = c.values.get("rate").expect("a rate below 1 is recorded");
        assert!(r.hi() < &Rat::one(), "rate {}", r.to_text());
        assert!(Rat::one() - r.hi() < q("1e-12"), "rate {} is not tight", r.to_text());
    }

    #[test]
    fn nesterov_and_ol_heavy_ball_regions() {
        // Nesterov a = λ = 1/2, L = 1: h(1 + 1) < 3 ⟺ h < 3/2.
        let nag = Method::Scheme7 { kind: Scheme7Kind::Nesterov, lambda: q("1/2"), a: q("1/2") };
        assert_eq!(stable(&nag, &q("1.49"), &q("1/10"), &q("1")).status, Status::Verified);
        assert_eq!(stable(&nag, &q("3/2"), &q("1/10"), &q("1")).status, Status::Refuted);
        // At h = 1.49, q = 1: T = 1.5 − 2.235 = −0.735, D = 0.5 − 0.745 = −0.245: radius < 1 by f64.
        assert!(radius_f64(-0.735, -0.245) < 1.0);
        // Heavy ball of 000, α = 3/10, L = 1: h²L + 2hα < 4 ⟺ h < (−0.3 + √4.09) ≈ 1.7224.
        let ol = Method::HeavyBallOl { alpha: q("3/10") };
        assert_eq!(stable(&ol, &q("1.72"), &q("1/10"), &q("1")).status, Status::Verified);
        assert_eq!(stable(&ol, &q("1.73"), &q("1/10"), &q("1")).status, Status::Refuted);
        let c = stable(&ol, &q("1"), &q("1/10"), &q("1"));
        // h = 1: β = 7/10; q = 1: T = 0.7, D = 0.7 (complex, √0.7); q = 0.1: T = 1.6, D = 0.7, real.
        let worst = radius_f64(1.6, 0.7).max(radius_f64(0.7, 0.7));
        let rf = c.values["rate"].hi().to_f64().unwrap();
        assert!(rf >= worst - 1e-15 && rf - worst < 1e-9, "{rf} vs {worst}");
    }
}
