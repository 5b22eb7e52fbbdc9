//! Kovachki & Stuart (004), "Continuous time analysis of momentum methods": Thm 3 and Lemma 8
//! (damped flow (11)), Appendix C (Lemmas 9, 10, Assumption 11, eqs. (38)–(44)), Thm 5 (attractive
//! invariant manifold) and Thm 6 (modified flow (20)–(21)) as exact statements about scheme (7)
//! with momentum λ, look-ahead a and step size h.
//!
//! Every function here is pure and deterministic and uses exact rationals only: the certificate
//! checker calls these same functions to re-verify a certificate.
//!
//! # Hypotheses checked here
//! * λ ∈ (0, 1), a ≥ 0, h > 0, B₀ > 0, B₁ > 0, B₂ ≥ 0 are guaranteed by the caller (asserted);
//!   B₀–B₂ are the bounds of Assumption 1 on the spec's domain box (rigor rule 4), checked by the
//!   caller (`constants.B0` … `constants.B2`). B₂ = 0 is valid (quadratic objectives).
//! * Thm 3 / Lemma 8: α = ½(1 + λ − 2a(1 − λ)) > 0 and h ≤ (1 − λ)²/(2αB₁).
//! * Lemma 9: λ + hB₁(a + λλ̄) < 1. Lemma 10: α₁ < 0 and α₁² > 4α₂α₀ of (39) at γ = τ₁.
//! * Assumption 11: the above, (40) at δ, c < 1 (41), Q₃ < 1 and μ < 1 (43), λ + h²λδ < 1 (44).
//!
//! # Witnesses
//! γ = τ₁ of Lemma 9 (exact) and δ = `round_up_dyadic(ζ₋⁺, 64)` where ζ₋⁺ is the upper end of the
//! exact enclosure of the smaller root ζ₋ of (40), computed cancellation-free as
//! ζ₋ = 2α₀/(−α₁ + √D), D = α₁² − 4α₂α₀.
//!
//! **Monotonicity (why these witnesses are optimal).** Write K₁ = λ̄B₀ + hγ, K₃ = B₀ + λK₁ and
//! K₂ = λ̄B₁ + hδ. Every quantity of (39) and (41)–(44) is a polynomial with non-negative
//! coefficients in γ (through K₁, K₃) and in δ (through K₂ and the terms λδ, h²λδ), because
//! λ, a, h, B₀, B₁, B₂ ≥ 0; the two exceptions are α₁, which is λ − 1 plus such a polynomial, and
//! the factor 1/(1 − Q₃) of μ, which increases with Q₃ while Q₃ < 1. α₂ = h²(λ + haB₁) depends on
//! neither γ nor δ. Checked term by term against (39) and (42): α₀, α₁, K₁, K₃ increase with γ;
//! c = Q₃ and λ + h²λδ depend on δ only and increase with it; Q₁ increases with γ and δ; Q₂ with γ
//! only; μ with both (while Q₃ < 1). No term breaks the claim. Hence, for δ ≥ 0, the parabola
//! p_γ(δ) = α₂δ² + α₁δ + α₀ of (40) increases pointwise with γ, so the admissible set
//! {δ > 0 : p_γ(δ) ≤ 0} = [ζ₋(γ), ζ₊(γ)] shrinks as γ grows: ζ₋ increases with γ (α₀ > 0 makes
//! ζ₋ > 0, so τ₂⁻ = max{0, ζ₋} = ζ₋), and if α₁ < 0, D > 0 fails at τ₁ it fails for every γ ≥ τ₁.
//! Therefore γ = τ₁ (the least γ allowed by (38)) and δ as small as (40) allows (δ ↓ ζ₋(τ₁)) make
//! every later condition easiest: if one fails at (τ₁, ζ₋(τ₁)) it fails for every admissible
//! (γ, δ). Since ζ₋(τ₁) is irrational in general, a failure is confirmed at
//! δ_lo = `round_down_dyadic(ζ₋⁻, 64)` ≤ ζ₋(τ₁) (`delta_lower`), which is below every admissible δ.
//!
//! **(40) already implies (41), (43), (44) and the corrected Thm 5 rate.** (40) is, by the proof
//! of Lemma 14, Q₁ ≤ δ(1 − c) with Q₁ ≥ λδ > 0, so c = Q₃ < 1. It also gives
//! α₂δ ≤ −α₁ − α₀/δ, and h²(λ + haB₁)Q₁/(1 − Q₃) ≤ α₂δ, so
//! μ ≤ λ + Q₂ − α₁ − α₀/δ = 1 − hλ̄B₁(1 + haB₁) − α₀/δ < 1 (the h-terms of α₁ exceed Q₂ by exactly
//! hλ̄B₁(1 + haB₁)); λ + h²λδ ≤ λ + α₂δ < λ − α₁ ≤ 1; and
//! (λ + haB₁)(1 + hK₂) = λ + haB₁ + hλλ̄B₁ + h²aλ̄B₁² + α₂δ ≤ 1 − hλ̄B₁ − α₀/δ − (non-negative) < 1.
//! So at an admissible δ these checks cannot fail; they are still evaluated exactly (they are the
//! paper's statement), and the `delta_lower` fallback is a safety net that confirms a failure
//! only if one is ever seen.
//!
//! # Corrections to the printed statements (the proof wins; see proofs/ERRATA.md)
//! * Lemma 9: τ₁'s denominator is 1 − λ − hB₁(a + λλ̄) (printed with +); `tau1_printed` records
//!   the printed value, at which (38) fails.
//! * Lemma 8: the proof sets "C₁⁽²⁾" twice; the second is C₂⁽²⁾ = β₁/α.
//! * Thm 5: the valid rate is (λ + haB₁)(1 + hK₂) (`rate`); the printed λ + h²λδ
//!   (`rate_printed`) uses f(uₙ + havₙ) = f(uₙ) + haI⁽¹⁾_g(uₙ), true only on the manifold.
//! * Thm 6 / (19): c = λ̄(λ̄ − a − ½) (`c`); printed λ̄(λ̄ − a + ½) (`c_printed`), slides (001)
//!   λ̄(λ̄ − a + 1) (`c_slides`).
//!
//! Enclosure: exact (rational), except `C1_2`, `C1` (via √|∇Φ(u₀)|²) and τ₂± (via √D), which are
//! exact-endpoint enclosures from [`sqrt_enclosure`].

use crate::claim::{Claim, Inequality, Rel, Status};
use crate::exact::{rat, round_down_dyadic, round_up_dyadic, sqrt_enclosure, Rat, RatInterval};
use num_traits::{One, Signed, Zero};

/// Bits kept by the dyadic witnesses δ and δ_lo.
const WITNESS_BITS: u32 = 64;

/// Inputs of the Kovachki–Stuart statements: scheme (7) with momentum λ, look-ahead a, step
/// size h, and the bounds B₀, B₁, B₂ of Assumption 1.
///
/// The caller guarantees λ ∈ (0, 1), a ≥ 0, h > 0, B₀ > 0, B₁ > 0, B₂ ≥ 0 (asserted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KsParams {
    /// Momentum λ ∈ (0, 1).
    pub lambda: Rat,
    /// Look-ahead a ≥ 0 (heavy ball a = 0, Nesterov a = λ).
    pub a: Rat,
    /// Step size h > 0.
    pub h: Rat,
    /// B₀ ≥ sup |∇Φ| on the domain (Assumption 1).
    pub b0: Rat,
    /// B₁ ≥ sup ‖∇²Φ‖ on the domain.
    pub b1: Rat,
    /// B₂ ≥ sup ‖∇³Φ‖ on the domain (0 for quadratics).
    pub b2: Rat,
}

impl KsParams {
    /// λ̄ = 1/(1 − λ).
    pub fn lambda_bar(&self) -> Rat {
        Rat::one() / (Rat::one() - &self.lambda)
    }

    /// α = ½(1 + λ − 2a(1 − λ)) of Thm 3.
    pub fn alpha(&self) -> Rat {
        (Rat::one() + &self.lambda - rat(2) * &self.a * (Rat::one() - &self.lambda)) / rat(2)
    }

    /// Panics (programmer error) when the caller broke the documented ranges.
    fn assert_ranges(&self) {
        assert!(
            self.lambda.is_positive() && self.lambda < Rat::one(),
            "KsParams needs λ in (0, 1), got {}",
            self.lambda
        );
        assert!(!self.a.is_negative(), "KsParams needs a >= 0, got {}", self.a);
        assert!(self.h.is_positive(), "KsParams needs h > 0, got {}", self.h);
        assert!(self.b0.is_positive(), "KsParams needs B0 > 0, got {}", self.b0);
        assert!(self.b1.is_positive(), "KsParams needs B1 > 0, got {}", self.b1);
        assert!(!self.b2.is_negative(), "KsParams needs B2 >= 0, got {}", self.b2);
    }
}

/// The quantities of (39), (40), (41)–(44) and Thm 5 at given witnesses γ, δ, all exact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtWitnesses {
    /// γ (bound on g).
    pub gamma: Rat,
    /// δ (Lipschitz constant of g).
    pub delta: Rat,
    /// K₁ = λ̄B₀ + hγ.
    pub k1: Rat,
    /// K₂ = λ̄B₁ + hδ.
    pub k2: Rat,
    /// K₃ = B₀ + λK₁.
    pub k3: Rat,
    /// α₂ of (39).
    pub alpha2: Rat,
    /// α₁ of (39).
    pub alpha1: Rat,
    /// α₀ of (39).
    pub alpha0: Rat,
    /// α₂δ² + α₁δ + α₀, the left side of (40).
    pub eq40: Rat,
    /// c = h(λK₂ + B₁(1 + haK₂)) of (41).
    pub c: Rat,
    /// Q₁ of (42).
    pub q1: Rat,
    /// Q₂ of (42).
    pub q2: Rat,
    /// Q₃ of (42) (equal to c).
    pub q3: Rat,
    /// μ of (42); `None` when Q₃ ≥ 1 (μ undefined).
    pub mu: Option<Rat>,
    /// λ + h²λδ, the left side of (44) and the rate printed in Thm 5.
    pub eq44: Rat,
    /// (λ + haB₁)(1 + hK₂), the valid attraction rate of Thm 5.
    pub rate: Rat,
}

/// K₁, K₃, α₂, α₁, α₀ of (39) at γ.
fn coefficients39(p: &KsParams, gamma: &Rat) -> (Rat, Rat, Rat, Rat, Rat) {
    let one = Rat::one();
    let lb = p.lambda_bar();
    let (l, a, h, b0, b1, b2) = (&p.lambda, &p.a, &p.h, &p.b0, &p.b1, &p.b2);
    let ha = h * a;
    // K₁ := λ̄B₀ + hγ, K₃ := B₀ + λK₁.
    let k1 = &lb * b0 + h * gamma;
    let k3 = b0 + l * &k1;
    // B₁ + hB₂K₃ (Lemma 12: Lipschitz factor of I⁽²⁾).
    let i2 = b1 + h * b2 * &k3;
    // (39) α₂ := h²(λ + haB₁).
    let alpha2 = h * h * (l + &ha * b1);
    // (39) α₁ := λ − 1 + h(B₁(λ̄ + a(1 + hλ̄B₁)) + λλ̄(B₁ + hB₂K₃) + ha(aB₂K₁ + B₁λ̄(B₁ + hB₂K₃))).
    let alpha1 =
        l - &one + h * (b1 * (&lb + a * (&one + h * &lb * b1)) + l * &lb * &i2 + &ha * (a * b2 * &k1 + b1 * &lb * &i2));
    // (39) α₀ := aB₂K₁(1 + haλ̄B₁) + λ̄(aB₁² + B₂K₃) + λ̄²B₁(1 + haB₁)(B₁ + hB₂K₃).
    let alpha0 = a * b2 * &k1 * (&one + &ha * &lb * b1)
        + &lb * (a * b1 * b1 + b2 * &k3)
        + &lb * &lb * b1 * (&one + &ha * b1) * &i2;
    (k1, k3, alpha2, alpha1, alpha0)
}

/// Every quantity of (39)–(44) and Thm 5 at the witnesses (γ, δ), exactly as printed in
/// Appendix C (with the corrected Thm 5 rate added).
///
/// Enclosure: exact.
pub fn at_witnesses(p: &KsParams, gamma: &Rat, delta: &Rat) -> AtWitnesses {
    p.assert_ranges();
    let one = Rat::one();
    let lb = p.lambda_bar();
    let (l, a, h, b1, b2) = (&p.lambda, &p.a, &p.h, &p.b1, &p.b2);
    let ha = h * a;
    let (k1, k3, alpha2, alpha1, alpha0) = coefficients39(p, gamma);
    // (40) left side.
    let eq40 = &alpha2 * delta * delta + &alpha1 * delta + &alpha0;
    // K₂ := λ̄B₁ + hδ (Assumption 11).
    let k2 = &lb * b1 + h * delta;
    // λK₂ + B₁(1 + haK₂): Lipschitz constant of z_g (Lemma 12).
    let z_lip = l * &k2 + b1 * (&one + &ha * &k2);
    // B₁ + hB₂K₃, λ + haB₁.
    let i2 = b1 + h * b2 * &k3;
    let l_ha_b1 = l + &ha * b1;
    // (41) c := h(λK₂ + B₁(1 + haK₂)).
    let c = h * &z_lip;
    // (42) Q₁ := λδ + a(B₁K₂ + B₂K₁(1 + haK₂)) + λ̄((B₁ + hB₂K₃)(λK₂ + B₁(1 + haK₂)) + B₂K₃).
    let q1 = l * delta + a * (b1 * &k2 + b2 * &k1 * (&one + &ha * &k2)) + &lb * (&i2 * &z_lip + b2 * &k3);
    // (42) Q₂ := h(a(B₁ + haB₂K₁) + λ̄(λ + haB₁)(B₁ + hB₂K₃)).
    let q2 = h * (a * (b1 + &ha * b2 * &k1) + &lb * &l_ha_b1 * &i2);
    // (42) Q₃ := h(λK₂ + B₁(1 + haK₂)).
    let q3 = h * &z_lip;
    // (42) μ := λ + Q₂ + h²(λ + haB₁)Q₁/(1 − Q₃), defined while Q₃ < 1.
    let mu = (q3 < one).then(|| l + &q2 + h * h * &l_ha_b1 * &q1 / (&one - &q3));
    // (44) left side; also the rate printed in Thm 5.
    let eq44 = l + h * h * l * delta;
    // Thm 5, corrected: |e_{n+1}| ≤ (λ + haB₁)(1 + hK₂)|e_n|.
    let rate = &l_ha_b1 * (&one + h * &k2);
    AtWitnesses {
        gamma: gamma.clone(),
        delta: delta.clone(),
        k1,
        k2,
        k3,
        alpha2,
        alpha1,
        alpha0,
        eq40,
        c,
        q1,
        q2,
        q3,
        mu,
        eq44,
        rate,
    }
}

/// The roots of (40) at γ = τ₁ and the quantities at the witnesses δ and δ_lo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lemma10Roots {
    /// Enclosure of √D.
    pub sqrt_disc: RatInterval,
    /// Enclosure of ζ₋ = 2α₀/(−α₁ + √D) (cancellation-free form of (−α₁ − √D)/(2α₂)).
    pub zeta_minus: RatInterval,
    /// Enclosure of ζ₊ = (−α₁ + √D)/(2α₂).
    pub zeta_plus: RatInterval,
    /// Enclosure of τ₂⁻ = max{0, ζ₋}.
    pub tau2_minus: RatInterval,
    /// Enclosure of τ₂⁺ = ζ₊.
    pub tau2_plus: RatInterval,
    /// The witness δ = `round_up_dyadic(zeta_minus.hi, 64)`.
    pub delta: Rat,
    /// δ_lo = `round_down_dyadic(zeta_minus.lo, 64)` ≤ ζ₋(τ₁) ≤ every admissible δ.
    pub delta_lower: Rat,
    /// Everything at (τ₁, δ).
    pub at_delta: AtWitnesses,
    /// Everything at (τ₁, δ_lo) (used only to confirm failures, by monotonicity).
    pub at_delta_lower: AtWitnesses,
}

/// Lemma 10's data at γ = τ₁.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lemma10Data {
    /// τ₁ = λ̄B₀B₁(a + λ̄)/(1 − λ − hB₁(a + λλ̄)), the witness γ.
    pub tau1: Rat,
    /// Left side of (38) at γ = τ₁ (equal to τ₁).
    pub eq38_lhs: Rat,
    /// K₁ at γ = τ₁.
    pub k1: Rat,
    /// K₃ at γ = τ₁.
    pub k3: Rat,
    /// α₂ of (39).
    pub alpha2: Rat,
    /// α₁ of (39) at γ = τ₁.
    pub alpha1: Rat,
    /// α₀ of (39) at γ = τ₁.
    pub alpha0: Rat,
    /// D = α₁² − 4α₂α₀.
    pub disc: Rat,
    /// `Some` iff Lemma 10's hypothesis α₁ < 0, D > 0 holds.
    pub roots: Option<Lemma10Roots>,
}

/// All quantities of Appendix C, shared by the claim functions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppendixC {
    /// λ̄ = 1/(1 − λ).
    pub lambda_bar: Rat,
    /// λ + hB₁(a + λλ̄): Lemma 9 needs it < 1.
    pub lemma9_factor: Rat,
    /// λ̄B₀B₁(a + λ̄), the constant term of (38).
    pub lemma9_const: Rat,
    /// τ₁ as printed, λ̄B₀B₁(a + λ̄)/(1 − λ + hB₁(a + λλ̄)) (sign typo).
    pub tau1_printed: Rat,
    /// `Some` iff Lemma 9's hypothesis holds.
    pub lemma10: Option<Lemma10Data>,
}

/// Computes every quantity of Appendix C at the witnesses γ = τ₁ and δ (see the module doc).
///
/// Enclosure: exact, except the roots ζ± (exact-endpoint enclosures via [`sqrt_enclosure`]).
pub fn appendix_c(p: &KsParams) -> AppendixC {
    p.assert_ranges();
    let one = Rat::one();
    let lb = p.lambda_bar();
    let (l, a, h, b0, b1) = (&p.lambda, &p.a, &p.h, &p.b0, &p.b1);
    let lemma9_factor = l + h * b1 * (a + l * &lb);
    let lemma9_const = &lb * b0 * b1 * (a + &lb);
    let tau1_printed = &lemma9_const / (&one - l + h * b1 * (a + l * &lb));
    let lemma10 = (lemma9_factor < one).then(|| {
        // (38): (λ + hB₁(a + λλ̄))γ + λ̄B₀B₁(a + λ̄) ≤ γ ⟺ γ ≥ λ̄B₀B₁(a + λ̄)/(1 − λ − hB₁(a + λλ̄)).
        let tau1 = &lemma9_const / (&one - &lemma9_factor);
        let eq38_lhs = &lemma9_factor * &tau1 + &lemma9_const;
        let (k1, k3, alpha2, alpha1, alpha0) = coefficients39(p, &tau1);
        let disc = &alpha1 * &alpha1 - rat(4) * &alpha2 * &alpha0;
        let roots = (alpha1.is_negative() && disc.is_positive()).then(|| {
            let s = sqrt_enclosure(&disc);
            let minus_a1 = -&alpha1;
            // −α₁ + √D > 0 and α₀ > 0, α₂ > 0: endpoints map monotonically.
            let zeta_minus =
                RatInterval::new(rat(2) * &alpha0 / (&minus_a1 + &s.hi), rat(2) * &alpha0 / (&minus_a1 + &s.lo));
            let zeta_plus =
                RatInterval::new((&minus_a1 + &s.lo) / (rat(2) * &alpha2), (&minus_a1 + &s.hi) / (rat(2) * &alpha2));
            let tau2_minus = RatInterval::new(max0(&zeta_minus.lo), max0(&zeta_minus.hi));
            let delta = round_up_dyadic(&zeta_minus.hi, WITNESS_BITS);
            let delta_lower = round_down_dyadic(&zeta_minus.lo, WITNESS_BITS);
            let at_delta = at_witnesses(p, &tau1, &delta);
            let at_delta_lower = at_witnesses(p, &tau1, &delta_lower);
            Lemma10Roots {
                sqrt_disc: s,
                tau2_plus: zeta_plus.clone(),
                zeta_minus,
                zeta_plus,
                tau2_minus,
                delta,
                delta_lower,
                at_delta,
                at_delta_lower,
            }
        });
        Lemma10Data { tau1, eq38_lhs, k1, k3, alpha2, alpha1, alpha0, disc, roots }
    });
    AppendixC { lambda_bar: lb, lemma9_factor, lemma9_const, tau1_printed, lemma10 }
}

fn max0(x: &Rat) -> Rat {
    if x.is_negative() {
        Rat::zero()
    } else {
        x.clone()
    }
}

fn with_status(mut c: Claim, status: Status, reason: impl Into<String>) -> Claim {
    c.status = status;
    c.reason = Some(reason.into());
    c
}

const THM3_ALPHA: &str = "Thm 3: 0 < alpha";
const THM3_H: &str = "Thm 3: h <= h_max = (1-λ)²/(2αB₁)";
const LEMMA9_HYP: &str = "Lemma 9: λ + hB₁(a + λλ̄) < 1";
const EQ38: &str = "(38) at γ = τ₁: (λ + hB₁(a + λλ̄))γ + λ̄B₀B₁(a + λ̄) <= γ";
const LEMMA10_A1: &str = "Lemma 10: alpha1 < 0";
const LEMMA10_D: &str = "Lemma 10: 4·alpha2·alpha0 < alpha1²";
const EQ40: &str = "(40) alpha2·δ² + alpha1·δ + alpha0 <= 0";
const EQ41: &str = "(41) c < 1";
const EQ43_Q3: &str = "(43) Q3 < 1";
const EQ43_MU: &str = "(43) mu < 1";
const EQ44: &str = "(44) λ + h²λδ < 1";
const THM5_RATE: &str = "Thm 5 (corrected): rate = (λ + haB₁)(1 + hK₂) < 1";

/// The monotone conditions (41), (43), (44) at `at` (μ only when defined).
fn monotone_conditions(at: &AtWitnesses) -> Vec<Inequality> {
    let one = Rat::one();
    let mut v = vec![
        Inequality::new(EQ41, at.c.clone(), Rel::Lt, one.clone()),
        Inequality::new(EQ43_Q3, at.q3.clone(), Rel::Lt, one.clone()),
    ];
    if let Some(mu) = &at.mu {
        v.push(Inequality::new(EQ43_MU, mu.clone(), Rel::Lt, one.clone()));
    }
    v.push(Inequality::new(EQ44, at.eq44.clone(), Rel::Lt, one));
    v
}

/// The single claim `id` of this file for `p` (cheaper than [`claims`] when only one is needed).
/// Panics on an id that is not a Kovachki–Stuart claim (programmer error).
pub fn claim(p: &KsParams, grad0_sq: &Rat, id: &str) -> Claim {
    match id {
        "ks.thm3" => thm3(p),
        "ks.lemma8" => lemma8(p, grad0_sq),
        "ks.lemma9" => lemma9(p),
        "ks.lemma10" => lemma10(p),
        "ks.assumption11" => assumption11(p),
        "ks.thm5" => thm5(p),
        "ks.thm6" => thm6(p),
        _ => panic!("{id} is not a Kovachki–Stuart claim"),
    }
}

/// Every claim of this file for `p`, in claim-table order, computing Appendix C once.
pub fn claims(p: &KsParams, grad0_sq: &Rat) -> Vec<Claim> {
    let ac = appendix_c(p);
    let a11 = assumption11_in(&ac);
    let thm5 = thm5_in(&ac, &a11);
    let thm6 = thm6_in(p, &a11);
    vec![thm3(p), lemma8(p, grad0_sq), lemma9_in(&ac), lemma10_in(&ac), a11, thm5, thm6]
}

/// Thm 3: scheme (7) is O(h)-close to the damped flow (11) when α > 0 and h ≤ (1 − λ)²/(2αB₁).
///
/// Values `alpha`, `h_max` (when α > 0). Not applicable when α ≤ 0 (a hypothesis on a and λ);
/// otherwise verified iff h ≤ h_max, refuted if not.
pub fn thm3(p: &KsParams) -> Claim {
    p.assert_ranges();
    let mut c = Claim::new(
        "ks.thm3",
        "Kovachki–Stuart (004) Thm 3: scheme (7) is O(h)-close to the damped flow (11) when α > 0 and \
         h ≤ (1−λ)²/(2αB₁) (Assumption 1 on the spec's domain)",
    );
    let alpha = p.alpha();
    c.value("alpha", alpha.clone());
    if !c.check(THM3_ALPHA, Rat::zero(), Rel::Lt, alpha.clone()) {
        // α > 0 is a hypothesis on the method (a too large for λ), not a step-size condition.
        return c.not_applicable(format!("hypothesis {THM3_ALPHA} fails: a is too large for λ"));
    }
    let one_minus = Rat::one() - &p.lambda;
    let h_max = &one_minus * &one_minus / (rat(2) * &alpha * &p.b1);
    c.value("h_max", h_max.clone());
    c.check(THM3_H, p.h.clone(), Rel::Le, h_max);
    c.decide()
}

/// Lemma 8: bounds on the derivatives of the solution of (11), with u'(0) = v₀ from (12).
///
/// `grad0_sq` is |∇Φ(u₀)|², exact. Values: `alpha`, `beta1` = 2λ̄²αB₀B₁, `C2_2` = β₁/α (the
/// proof's second "C₁⁽²⁾"), enclosed `C1_2` = |(1−λ)v₀ − f(u₀)|/α and `C1` = λ̄(|w(0)| + hβ₁ + B₀),
/// |w(0)| = α·C1_2. Not applicable unless Thm 3's hypotheses hold.
pub fn lemma8(p: &KsParams, grad0_sq: &Rat) -> Claim {
    p.assert_ranges();
    assert!(!grad0_sq.is_negative(), "lemma8 needs |∇Φ(u0)|² >= 0, got {grad0_sq}");
    let mut c = Claim::new(
        "ks.lemma8",
        "Kovachki–Stuart (004) Lemma 8: under Thm 3's step-size condition the solution of (11) with u'(0) from (12) \
         has |u̇| ≤ C⁽¹⁾ and |ü(t)| ≤ C₁⁽²⁾/h·exp(−(1−λ)t/(2hα)) + C₂⁽²⁾ (Assumption 1 on the spec's domain)",
    );
    let t3 = thm3(p);
    c.inequalities = t3.inequalities.clone();
    if t3.status != Status::Verified {
        let alpha_fails = c.inequalities.iter().any(|i| i.name == THM3_ALPHA && !i.holds);
        let reason = if alpha_fails {
            "ks.thm3 hypothesis α = ½(1 + λ − 2a(1 − λ)) > 0 fails"
        } else {
            "ks.thm3 step-size condition h <= (1-λ)²/(2αB₁) fails"
        };
        return c.not_applicable(reason);
    }
    let one = Rat::one();
    let lb = p.lambda_bar();
    let alpha = p.alpha();
    // β₁ := 2λ̄²αB₀B₁ (proof of Lemma 8).
    let beta1 = rat(2) * &lb * &lb * &alpha * &p.b0 * &p.b1;
    let c2_2 = &beta1 / &alpha;
    // (12): v₀ = (1 − 2α)/(2α − λ + 1)·f(u₀); 2α − λ + 1 > 1 − λ > 0 since α > 0.
    // |w(0)| = |(1 − λ)v₀ − f(u₀)| = κ|∇Φ(u₀)|, κ = |(1 − λ)(1 − 2α)/(2α − λ + 1) − 1|.
    let kappa = ((&one - &p.lambda) * (&one - rat(2) * &alpha) / (rat(2) * &alpha - &p.lambda + &one) - &one).abs();
    let s = sqrt_enclosure(grad0_sq);
    let c1_2 = RatInterval::new(&kappa * &s.lo / &alpha, &kappa * &s.hi / &alpha);
    // C⁽¹⁾ = λ̄(|w(0)| + hβ₁ + B₀).
    let tail = &p.h * &beta1 + &p.b0;
    let c1 = RatInterval::new(&lb * (&kappa * &s.lo + &tail), &lb * (&kappa * &s.hi + &tail));
    if let Some(h_max) = t3.values.get("h_max") {
        c.values.insert("h_max".to_string(), h_max.clone());
    }
    c.value("alpha", alpha);
    c.value("beta1", beta1);
    c.value("C2_2", c2_2);
    c.enclosed("C1_2", c1_2);
    c.enclosed("C1", c1);
    c.decide()
}

/// Records Lemma 9's hypothesis (and (38) with the witness γ = τ₁ when it holds).
fn record_lemma9(c: &mut Claim, ac: &AppendixC) -> Option<Lemma10Data> {
    let holds = c.check(LEMMA9_HYP, ac.lemma9_factor.clone(), Rel::Lt, Rat::one());
    if !holds {
        return None;
    }
    let l10 = ac.lemma10.clone().expect("Lemma 9 holds, so appendix_c computed τ₁");
    c.value("tau1", l10.tau1.clone());
    c.witness("gamma", l10.tau1.clone());
    c.check(EQ38, l10.eq38_lhs.clone(), Rel::Le, l10.tau1.clone());
    Some(l10)
}

/// Lemma 9: λ + hB₁(a + λλ̄) < 1 gives γ = τ₁ satisfying (38).
///
/// Values `tau1` (corrected denominator 1 − λ − hB₁(a + λλ̄)) and `tau1_printed`; witness
/// `gamma` = τ₁. Refuted when the hypothesis fails.
pub fn lemma9(p: &KsParams) -> Claim {
    lemma9_in(&appendix_c(p))
}

fn lemma9_in(ac: &AppendixC) -> Claim {
    let mut c = Claim::new(
        "ks.lemma9",
        "Kovachki–Stuart (004) Lemma 9: λ + hB₁(a + λλ̄) < 1 gives γ = τ₁ = λ̄B₀B₁(a + λ̄)/(1 − λ − hB₁(a + λλ̄)) \
         satisfying (38) (denominator printed with + : typo)",
    );
    c.value("tau1_printed", ac.tau1_printed.clone());
    record_lemma9(&mut c, ac);
    let c = c.decide();
    if c.status == Status::Refuted {
        let reason = format!("fails: {LEMMA9_HYP} (no γ ≥ 0 satisfies (38))");
        return with_status(c, Status::Refuted, reason);
    }
    c
}

/// Records Lemma 10 at γ = τ₁: the values, the hypothesis and, when it holds, τ₂±, δ and (40).
/// Returns the roots when the hypothesis holds.
fn record_lemma10(c: &mut Claim, l10: &Lemma10Data) -> Option<Lemma10Roots> {
    c.value("K1", l10.k1.clone());
    c.value("K3", l10.k3.clone());
    c.value("alpha2", l10.alpha2.clone());
    c.value("alpha1", l10.alpha1.clone());
    c.value("alpha0", l10.alpha0.clone());
    let a1_ok = c.check(LEMMA10_A1, l10.alpha1.clone(), Rel::Lt, Rat::zero());
    let d_ok = c.check(LEMMA10_D, rat(4) * &l10.alpha2 * &l10.alpha0, Rel::Lt, &l10.alpha1 * &l10.alpha1);
    if !(a1_ok && d_ok) {
        return None;
    }
    let roots = l10.roots.clone().expect("α₁ < 0 and D > 0, so appendix_c computed the roots");
    c.enclosed("tau2_minus", roots.tau2_minus.clone());
    c.enclosed("tau2_plus", roots.tau2_plus.clone());
    c.witness("delta", roots.delta.clone());
    c.check(EQ40, roots.at_delta.eq40.clone(), Rel::Le, Rat::zero());
    Some(roots)
}

const MONOTONE_IN_GAMMA: &str = "for every γ ≥ τ₁: α₀, α₁ increase with γ, so the parabola (40) only rises";
const WIDE_40: &str = "enclosure too wide: (40) fails at the rounded witness δ (ζ₋ ≈ ζ₊)";

/// Lemma 10: α₁ < 0 and α₁² > 4α₂α₀ of (39) at γ = τ₁ give δ ∈ (τ₂⁻, τ₂⁺] satisfying (40).
///
/// Not applicable when Lemma 9's hypothesis fails; refuted when α₁ ≥ 0 or D ≤ 0 (for every
/// γ ≥ τ₁, by monotonicity); inconclusive when (40) fails at the rounded δ.
pub fn lemma10(p: &KsParams) -> Claim {
    lemma10_in(&appendix_c(p))
}

fn lemma10_in(ac: &AppendixC) -> Claim {
    let mut c = Claim::new(
        "ks.lemma10",
        "Kovachki–Stuart (004) Lemma 10: α₁ < 0 and α₁² > 4α₂α₀ of (39) at γ = τ₁ give δ ∈ (τ₂⁻, τ₂⁺] satisfying (40)",
    );
    let Some(l10) = record_lemma9(&mut c, ac) else {
        return c.not_applicable(format!("ks.lemma9 hypothesis fails: {LEMMA9_HYP}"));
    };
    let roots = record_lemma10(&mut c, &l10);
    let c = c.decide();
    match (c.status, roots) {
        (Status::Refuted, None) => {
            let first = c.reason.clone().unwrap_or_default();
            with_status(c, Status::Refuted, format!("{first} ({MONOTONE_IN_GAMMA})"))
        }
        (Status::Refuted, Some(_)) => with_status(c, Status::Inconclusive, WIDE_40),
        _ => c,
    }
}

/// Records Assumption 11 into `c` and returns the status and reason it decides.
fn record_assumption11(c: &mut Claim, ac: &AppendixC) -> (Status, Option<String>) {
    let Some(l10) = record_lemma9(c, ac) else {
        return (Status::Refuted, Some(format!("fails: {LEMMA9_HYP} (no γ ≥ 0 satisfies (38))")));
    };
    let Some(roots) = record_lemma10(c, &l10) else {
        let bad = c.inequalities.iter().find(|i| !i.holds).map(|i| i.name.clone()).unwrap_or_default();
        return (Status::Refuted, Some(format!("fails: {bad} ({MONOTONE_IN_GAMMA})")));
    };
    let at = &roots.at_delta;
    c.value("K2", at.k2.clone());
    c.value("c", at.c.clone());
    c.value("Q1", at.q1.clone());
    c.value("Q2", at.q2.clone());
    c.value("Q3", at.q3.clone());
    if let Some(mu) = &at.mu {
        c.value("mu", mu.clone());
    }
    let conds = monotone_conditions(at);
    let failing: Vec<String> = conds.iter().filter(|i| !i.holds).map(|i| i.name.clone()).collect();
    c.inequalities.extend(conds);
    let eq40_holds = roots.at_delta.eq40 <= Rat::zero();
    if eq40_holds && failing.is_empty() {
        return (Status::Verified, None);
    }
    if failing.is_empty() {
        return (Status::Inconclusive, Some(WIDE_40.to_string()));
    }
    // Monotonicity: confirm each failure at δ_lo ≤ ζ₋(τ₁) ≤ every admissible δ.
    c.witness("delta_lower", roots.delta_lower.clone());
    let lower = monotone_conditions(&roots.at_delta_lower);
    let mut confirmed = Vec::new();
    for name in &failing {
        if let Some(i) = lower.iter().find(|i| &i.name == name) {
            let at_lower = Inequality::new(format!("{name} at delta_lower"), i.lhs.clone(), i.rel, i.rhs.clone());
            if !at_lower.holds {
                confirmed.push(name.clone());
            }
            c.inequalities.push(at_lower);
        }
    }
    if let Some(first) = confirmed.first() {
        (
            Status::Refuted,
            Some(format!(
                "fails for every admissible (γ, δ): {first} fails at γ = τ₁, δ = delta_lower ≤ ζ₋(τ₁), \
                 and it only gets worse as γ, δ grow"
            )),
        )
    } else {
        (
            Status::Inconclusive,
            Some(format!("enclosure too wide: {} fail at the witness δ but hold at delta_lower", failing.join(", "))),
        )
    }
}

/// Assumption 11: Lemmas 9, 10, then (41), (43), (44) at the witnesses γ = τ₁ and δ.
///
/// Verified iff every condition holds at the witnesses. A failure is refuted for every admissible
/// witness pair (module doc: monotonicity), confirmed at `delta_lower`; otherwise inconclusive.
pub fn assumption11(p: &KsParams) -> Claim {
    assumption11_in(&appendix_c(p))
}

fn assumption11_in(ac: &AppendixC) -> Claim {
    let mut c = Claim::new(
        "ks.assumption11",
        "Kovachki–Stuart (004) Assumption 11: (38), (40), c < 1 (41), Q₃ < 1 and μ < 1 (43), λ + h²λδ < 1 (44) \
         at witnesses γ = τ₁, δ (Assumption 1 on the spec's domain)",
    );
    let (status, reason) = record_assumption11(&mut c, ac);
    c.status = status;
    c.reason = reason;
    c
}

/// Copies the inequalities named `names` from `from` into `to` (keeps a record self-contained).
fn copy_inequalities(to: &mut Claim, from: &Claim, names: &[&str]) {
    to.inequalities.extend(from.inequalities.iter().filter(|i| names.contains(&i.name.as_str())).cloned());
}

/// Thm 5: the invariant manifold (16) attracts (15) at the valid rate (λ + haB₁)(1 + hK₂).
///
/// Not applicable unless `ks.assumption11` is verified. Values `rate_printed` = λ + h²λδ (as
/// printed, valid only on the manifold) and `rate`; decided by `rate < 1`.
pub fn thm5(p: &KsParams) -> Claim {
    let ac = appendix_c(p);
    thm5_in(&ac, &assumption11_in(&ac))
}

fn thm5_in(ac: &AppendixC, a11: &Claim) -> Claim {
    let mut c = Claim::new(
        "ks.thm5",
        "Kovachki–Stuart (004) Thm 5: the invariant manifold (16) attracts (15) at rate (λ + haB₁)(1 + hK₂) < 1 \
         (corrected: the printed rate λ + h²λδ holds only on the manifold)",
    );
    if a11.status != Status::Verified {
        return c.not_applicable(format!("ks.assumption11 is not verified ({})", a11.status));
    }
    let roots = ac.lemma10.as_ref().and_then(|l| l.roots.as_ref()).expect("assumption 11 verified, so the roots exist");
    let at = &roots.at_delta;
    c.witness("gamma", at.gamma.clone());
    c.witness("delta", at.delta.clone());
    c.value("K2", at.k2.clone());
    c.value("rate_printed", at.eq44.clone());
    c.value("rate", at.rate.clone());
    copy_inequalities(&mut c, a11, &[EQ40, EQ43_MU, EQ44]);
    if c.check(THM5_RATE, at.rate.clone(), Rel::Lt, Rat::one()) {
        return c.decide();
    }
    // rate increases with δ: confirm at δ_lo ≤ every admissible δ.
    c.witness("delta_lower", roots.delta_lower.clone());
    let lower = roots.at_delta_lower.rate.clone();
    let holds_lower = c.check(format!("{THM5_RATE} at delta_lower"), lower, Rel::Lt, Rat::one());
    if holds_lower {
        with_status(c, Status::Inconclusive, "enclosure too wide: rate < 1 fails at δ but holds at delta_lower")
    } else {
        with_status(
            c,
            Status::Refuted,
            format!("fails for every admissible δ: {THM5_RATE} (rate increases with δ; fails at delta_lower)"),
        )
    }
}

/// Thm 6: on the invariant manifold, (7) is O(h²)-close to the modified flow (20)–(21).
///
/// Values `c` = λ̄(λ̄ − a − ½) (corrected), `c_printed` = λ̄(λ̄ − a + ½) (eq. (19)),
/// `c_slides` = λ̄(λ̄ − a + 1) (slides 001). Verified iff `ks.assumption11` is; its deciding
/// inequalities (43) μ < 1 and (44) are copied in.
pub fn thm6(p: &KsParams) -> Claim {
    thm6_in(p, &assumption11(p))
}

fn thm6_in(p: &KsParams, a11: &Claim) -> Claim {
    p.assert_ranges();
    let mut c = Claim::new(
        "ks.thm6",
        "Kovachki–Stuart (004) Thm 6: on the invariant manifold, (7) is O(h²)-close to the modified flow (20)–(21) \
         with c = λ̄(λ̄ − a − ½) (corrected from (19))",
    );
    let lb = p.lambda_bar();
    let half = Rat::new(1.into(), 2.into());
    // Differentiating (20): ü = +½λ̄²∇|∇Φ|² + O(h); u_n = u_{n−1} + hu̇_n − (h²/2)ü_n matched with
    // (18b) gives ½λ̄c + ¼λ̄² = ½λ̄²(λ̄ − a), i.e. c = λ̄(λ̄ − a − ½).
    c.value("c", &lb * (&lb - &p.a - &half));
    c.value("c_printed", &lb * (&lb - &p.a + &half));
    c.value("c_slides", &lb * (&lb - &p.a + Rat::one()));
    if a11.status != Status::Verified {
        return c.not_applicable(format!("ks.assumption11 is not verified ({})", a11.status));
    }
    for (name, v) in &a11.witnesses {
        c.witness(name, v.clone());
    }
    copy_inequalities(&mut c, a11, &[EQ40, EQ43_MU, EQ44]);
    c.decide()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    fn params(lambda: &str, a: &str, h: &str, b0: &str, b1: &str, b2: &str) -> KsParams {
        KsParams { lambda: q(lambda), a: q(a), h: q(h), b0: q(b0), b1: q(b1), b2: q(b2) }
    }

    fn exact(c: &Claim, name: &str) -> Rat {
        match c.values.get(name) {
            Some(crate::claim::Value::Exact(r)) => r.clone(),
            other => panic!("{}: value {name} is {other:?}", c.id),
        }
    }

    fn enclosed(c: &Claim, name: &str) -> RatInterval {
        match c.values.get(name) {
            Some(crate::claim::Value::Enclosed(i)) => i.clone(),
            other => panic!("{}: value {name} is {other:?}", c.id),
        }
    }

    fn holds(c: &Claim, name: &str) -> bool {
        c.inequalities.iter().find(|i| i.name == name).unwrap_or_else(|| panic!("{}: no {name}", c.id)).holds
    }

    #[test]
    fn thm3_reference_numbers() {
        // λ = 9/10, a = 0: λ̄ = 10, α = ½(1 + 9/10) = 19/20;
        // h_max = (1/10)²/(2·19/20·1) = (1/100)/(19/10) = 1/190.
        let p = params("9/10", "0", "1/190", "1", "1", "1");
        assert_eq!(p.lambda_bar(), rat(10));
        let c = thm3(&p);
        assert_eq!(exact(&c, "alpha"), q("19/20"));
        assert_eq!(exact(&c, "h_max"), q("1/190"));
        assert_eq!(c.status, Status::Verified, "h = h_max is allowed (≤)");
        // Nesterov a = λ = 9/10: α = ½(19/10 − 2·(9/10)·(1/10)) = ½(172/100) = 43/50;
        // h_max = (1/100)/(2·43/50) = (1/100)/(86/50) = 1/172.
        let c = thm3(&params("9/10", "9/10", "1/200", "1", "1", "1"));
        assert_eq!(exact(&c, "alpha"), q("43/50"));
        assert_eq!(exact(&c, "h_max"), q("1/172"));
        assert_eq!(c.status, Status::Verified);
    }

    #[test]
    fn thm3_wrong_inputs_are_refuted() {
        // h = 1/100 > 1/190.
        let c = thm3(&params("9/10", "0", "1/100", "1", "1", "1"));
        assert_eq!(c.status, Status::Refuted);
        assert!(c.reason.as_deref().unwrap().contains("h_max"), "{:?}", c.reason);
        // λ = 1/2, a = 2: α = ½(3/2 − 2·2·½) = −1/4 ≤ 0: a failed hypothesis, not a step-size verdict.
        let p = params("1/2", "2", "1/100", "1", "1", "1");
        let c = thm3(&p);
        assert_eq!(exact(&c, "alpha"), q("-1/4"));
        assert_eq!(c.status, Status::NotApplicable);
        assert!(!c.values.contains_key("h_max"));
        let l8 = lemma8(&p, &rat(1));
        assert_eq!(l8.status, Status::NotApplicable);
        assert!(l8.reason.unwrap().contains("α"));
        let l8 = lemma8(&params("9/10", "0", "1/100", "1", "1", "1"), &rat(1));
        assert_eq!(l8.status, Status::NotApplicable);
        assert!(l8.reason.unwrap().contains("h <= (1-λ)²/(2αB₁)"));
    }

    #[test]
    fn lemma8_constants() {
        // λ = 9/10, a = 0, B₀ = 2, B₁ = 1, h = 1/200 ≤ 1/190, |∇Φ(u₀)|² = 4.
        // α = 19/20, λ̄ = 10: β₁ = 2·100·(19/20)·2·1 = 380, C₂⁽²⁾ = β₁/α = 400.
        // (12): 2α − λ + 1 = 19/10 + 1/10 = 2, 1 − 2α = −9/10, so v₀ = −(9/20) f(u₀) and
        // (1 − λ)v₀ − f(u₀) = (−9/200 − 1) f(u₀) = −(209/200) f(u₀): |w(0)| = 209/200·2 = 209/100,
        // C₁⁽²⁾ = (209/100)/(19/20) = 11/5 (√4 = 2 is exact, so the enclosure is a point).
        // C⁽¹⁾ = 10·(209/100 + 380/200 + 2) = 10·(2.09 + 1.9 + 2) = 59.9 = 599/10.
        let c = lemma8(&params("9/10", "0", "1/200", "2", "1", "0"), &rat(4));
        assert_eq!(c.status, Status::Verified);
        assert_eq!(exact(&c, "beta1"), rat(380));
        assert_eq!(exact(&c, "C2_2"), rat(400));
        assert_eq!(enclosed(&c, "C1_2"), RatInterval::new(q("11/5"), q("11/5")));
        assert_eq!(enclosed(&c, "C1"), RatInterval::new(q("599/10"), q("599/10")));
        // |∇Φ(u₀)|² = 2: C₁⁽²⁾ = (11/10)√2 ∈ (1.5556, 1.5557).
        let c = lemma8(&params("9/10", "0", "1/200", "2", "1", "0"), &rat(2));
        let e = enclosed(&c, "C1_2");
        assert!(q("1.5556") < e.lo && e.hi < q("1.5557"), "{e:?}");
    }

    #[test]
    fn lemma9_tau1_and_the_sign_typo() {
        // λ = 1/2, a = 0, B₀ = B₁ = 1, h = 1/10: λ̄ = 2; factor = 1/2 + (1/10)(0 + 1) = 3/5;
        // constant λ̄B₀B₁(a + λ̄) = 4; τ₁ = 4/(1 − 3/5) = 10; printed 4/(1 − 1/2 + 1/10) = 20/3.
        // (38) at γ = 10: (3/5)·10 + 4 = 10 ≤ 10 (equality).
        let c = lemma9(&params("1/2", "0", "1/10", "1", "1", "0"));
        assert_eq!(c.status, Status::Verified);
        assert_eq!(exact(&c, "tau1"), rat(10));
        assert_eq!(c.witnesses["gamma"], rat(10));
        assert_eq!(exact(&c, "tau1_printed"), q("20/3"));
        let eq38 = c.inequalities.iter().find(|i| i.name == EQ38).unwrap();
        assert_eq!((eq38.lhs.clone(), eq38.rhs.clone()), (rat(10), rat(10)));
        // At the printed τ₁ = 20/3, (38) fails: (3/5)(20/3) + 4 = 8 > 20/3.
        assert!(q("3/5") * q("20/3") + rat(4) > q("20/3"));
        // h = 1/2: factor = 1/2 + 1/2 = 1, not < 1.
        let c = lemma9(&params("1/2", "0", "1/2", "1", "1", "0"));
        assert_eq!(c.status, Status::Refuted);
        assert!(c.reason.unwrap().contains("Lemma 9"));
        assert_eq!(lemma10(&params("1/2", "0", "1/2", "1", "1", "0")).status, Status::NotApplicable);
    }

    #[test]
    fn lemma10_refuted_and_verified() {
        // λ = 1/2, a = 0, B = (1, 1, 0), h = 1/10, γ = τ₁ = 10: K₁ = 2 + 1 = 3, K₃ = 1 + 3/2 = 5/2,
        // α₂ = (1/100)(1/2) = 1/200, α₁ = −1/2 + (1/10)(2 + 1) = −1/5, α₀ = λ̄²B₁² = 4,
        // D = 1/25 − 4·(1/200)·4 = −1/25 < 0: refuted.
        let c = lemma10(&params("1/2", "0", "1/10", "1", "1", "0"));
        assert_eq!(exact(&c, "K1"), rat(3));
        assert_eq!(exact(&c, "K3"), q("5/2"));
        assert_eq!(exact(&c, "alpha2"), q("1/200"));
        assert_eq!(exact(&c, "alpha1"), q("-1/5"));
        assert_eq!(exact(&c, "alpha0"), rat(4));
        assert!(holds(&c, LEMMA10_A1) && !holds(&c, LEMMA10_D));
        assert_eq!(c.status, Status::Refuted);
        assert!(c.reason.as_deref().unwrap().contains("4·alpha2·alpha0"), "{:?}", c.reason);
        // Same with h = 1/100: τ₁ = 4/(49/100) = 400/49, α₂ = 1/20000, α₁ = −1/2 + 3/100 = −47/100,
        // α₀ = 4, D = 2209/10000 − 8/10000 = 2201/10000, √D ≈ 0.4691482,
        // ζ₋ = 8/(0.47 + 0.4691482) ≈ 8.51836, ζ₊ = 0.9391482·10000 ≈ 9391.48.
        let c = lemma10(&params("1/2", "0", "1/100", "1", "1", "0"));
        assert_eq!(c.status, Status::Verified);
        assert_eq!(c.witnesses["gamma"], q("400/49"));
        assert_eq!(exact(&c, "alpha1"), q("-47/100"));
        let d = &c.witnesses["delta"];
        assert!(q("8.518") < *d && *d < q("8.519"), "{d}");
        let t = enclosed(&c, "tau2_plus");
        assert!(q("9391.4") < t.lo && t.hi < q("9391.5"), "{t:?}");
        let t = enclosed(&c, "tau2_minus");
        assert!(t.lo <= *d && t.hi <= *d && &t.hi - &t.lo < q("1e-15"));
        // λ = 9/10, a = 0, B = 1, h = 1/100: factor = 0.9 + 0.01·9 = 0.99 < 1, τ₁ = 100/0.01 = 10⁴,
        // K₁ = 10 + 100 = 110, K₃ = 1 + 99 = 100, α₁ = −0.1 + 0.01(10 + 9(1 + 0.01·100)) = 0.18 ≥ 0.
        let c = lemma10(&params("9/10", "0", "1/100", "1", "1", "1"));
        assert_eq!(exact(&c, "alpha1"), q("0.18"));
        assert_eq!(c.status, Status::Refuted);
        assert!(c.reason.unwrap().contains("alpha1 < 0"));
    }

    #[test]
    fn assumption11_holds_for_small_h() {
        // λ = 9/10, a = 0, B₀ = B₁ = B₂ = 1, h = 1/1000 (by hand, 3–4 digits):
        // factor = 0.9 + 0.001·9 = 0.909, τ₁ = 100/0.091 ≈ 1098.9, K₁ ≈ 11.099, K₃ ≈ 10.989,
        // α₂ = 9e-7, α₁ ≈ −0.1 + 0.001(10 + 9·1.011) ≈ −0.0809, α₀ ≈ 109.89 + 101.10 ≈ 210.99,
        // D ≈ 0.006545 − 0.000760 ≈ 0.005785, √D ≈ 0.07606, δ ≈ 421.98/0.15696 ≈ 2688.
        // K₂ ≈ 12.69, c ≈ 0.001(0.9·12.69 + 1) ≈ 0.0124, Q₁ ≈ 2419.6 + 235.5 ≈ 2655,
        // Q₂ ≈ 0.00910, μ ≈ 0.9 + 0.0091 + 9e-7·2655/0.9876 ≈ 0.9115, λ + h²λδ ≈ 0.9024.
        let p = params("9/10", "0", "1/1000", "1", "1", "1");
        let c = assumption11(&p);
        assert_eq!(c.status, Status::Verified, "{:?}", c.reason);
        let d = &c.witnesses["delta"];
        assert!(q("2680") < *d && *d < q("2696"), "{d}");
        let mu = exact(&c, "mu");
        assert!(q("0.911") < mu && mu < q("0.912"), "{mu}");
        assert!(q("0.012") < exact(&c, "c") && exact(&c, "c") < q("0.013"));
        assert_eq!(exact(&c, "c"), exact(&c, "Q3"));
        for name in [LEMMA9_HYP, EQ38, LEMMA10_A1, LEMMA10_D, EQ40, EQ41, EQ43_Q3, EQ43_MU, EQ44] {
            assert!(holds(&c, name), "{name}");
        }
        // Thm 5: rate = 0.9·(1 + 0.001·K₂) ≈ 0.9·1.01269 ≈ 0.9114; printed ≈ 0.9024.
        let t5 = thm5(&p);
        assert_eq!(t5.status, Status::Verified);
        let rate = exact(&t5, "rate");
        assert!(q("0.911") < rate && rate < q("0.912"), "{rate}");
        let printed = exact(&t5, "rate_printed");
        assert!(q("0.902") < printed && printed < q("0.903"), "{printed}");
        assert!(printed < rate, "the printed rate is the optimistic one");
        // Thm 6 follows.
        assert_eq!(thm6(&p).status, Status::Verified);
    }

    #[test]
    fn assumption11_refuted_for_large_h() {
        // h = 1/100: α₁ = 0.18 ≥ 0 (see lemma10 test), refuted for every γ ≥ τ₁.
        let p = params("9/10", "0", "1/100", "1", "1", "1");
        let c = assumption11(&p);
        assert_eq!(c.status, Status::Refuted);
        assert!(c.reason.as_deref().unwrap().contains("alpha1 < 0"), "{:?}", c.reason);
        assert_eq!(thm5(&p).status, Status::NotApplicable);
        assert_eq!(thm6(&p).status, Status::NotApplicable);
        // h = 1/50: factor = 0.9 + 0.02·9 = 1.08 ≥ 1: Lemma 9 fails.
        let c = assumption11(&params("9/10", "0", "1/50", "1", "1", "1"));
        assert_eq!(c.status, Status::Refuted);
        assert!(c.reason.as_deref().unwrap().contains("Lemma 9"));
    }

    #[test]
    fn assumption11_quadratic_case_by_hand() {
        // λ = 1/2, a = 0, B = (1, 1, 0), h = 1/100, δ ≈ 8.51836 (lemma10 test):
        // K₂ = 2 + 0.0851836 = 2.0851836, c = 0.01(1.0425918 + 1) ≈ 0.0204259,
        // Q₁ = λδ + λ̄B₁(λK₂ + B₁) = 4.25918 + 2·2.0425918 ≈ 8.34436, Q₂ = h·λ̄λB₁ = 1/100 exactly,
        // μ = 0.51 + 1e-4·0.5·8.34436/0.979574 ≈ 0.510426, λ + h²λδ ≈ 0.500426,
        // rate = (1/2)(1 + 0.0208518) ≈ 0.510426.
        let p = params("1/2", "0", "1/100", "1", "1", "0");
        let c = assumption11(&p);
        assert_eq!(c.status, Status::Verified);
        assert_eq!(exact(&c, "Q2"), q("1/100"));
        let mu = exact(&c, "mu");
        assert!(q("0.51042") < mu && mu < q("0.51043"), "{mu}");
        let t5 = thm5(&p);
        let rate = exact(&t5, "rate");
        assert!(q("0.51042") < rate && rate < q("0.51043"), "{rate}");
        let printed = exact(&t5, "rate_printed");
        assert!(q("0.50042") < printed && printed < q("0.50043"), "{printed}");
    }

    #[test]
    fn thm6_constants() {
        // λ = 9/10, a = 0: λ̄ = 10, c = 10(10 − 0 − ½) = 95, printed 10(10 + ½) = 105, slides 110.
        let c = thm6(&params("9/10", "0", "1/1000", "1", "1", "1"));
        assert_eq!(exact(&c, "c"), rat(95));
        assert_eq!(exact(&c, "c_printed"), rat(105));
        assert_eq!(exact(&c, "c_slides"), rat(110));
        // Nesterov λ = a = 9/10: c = 10(10 − 9/10 − 1/2) = 86.
        let c = thm6(&params("9/10", "9/10", "1/1000", "1", "1", "1"));
        assert_eq!(exact(&c, "c"), rat(86));
        // Not applicable when Assumption 11 fails, values still reported.
        let c = thm6(&params("9/10", "0", "1/100", "1", "1", "1"));
        assert_eq!(c.status, Status::NotApplicable);
        assert_eq!(exact(&c, "c"), rat(95));
    }

    #[test]
    fn thm6_gradient_descent_limit() {
        // λ → 0, a = 0 is GD, whose modified equation is Φ + (h/4)|∇Φ|², i.e. c = ½.
        // λ = 1/1000: λ̄ = 1000/999, c = λ̄(λ̄ − ½) → ½ as λ → 0; here within 0.002 of ½.
        let c = thm6(&params("1/1000", "0", "1/1000", "1", "1", "1"));
        let cc = exact(&c, "c");
        assert!((cc - q("1/2")).abs() < q("0.002"));
    }

    #[test]
    fn claims_are_deterministic() {
        let p = params("9/10", "9/10", "1/2000", "3", "2", "1");
        for f in [thm3, lemma9, lemma10, assumption11, thm5, thm6] {
            assert_eq!(f(&p), f(&p));
        }
        assert_eq!(lemma8(&p, &rat(3)), lemma8(&p, &rat(3)));
    }

    #[test]
    #[should_panic(expected = "λ in (0, 1)")]
    fn out_of_range_lambda_is_a_programmer_error() {
        thm3(&params("1", "0", "1/10", "1", "1", "1"));
    }
}
