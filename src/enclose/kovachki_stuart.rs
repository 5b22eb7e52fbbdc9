//! Kovachki & Stuart (004), Appendix C in interval arithmetic: τ₁, K₁–K₃, α₀–α₂ of (39), the
//! roots ζ± of (40), c of (41), Q₁–Q₃ and μ of (42), λ + h²λδ of (44) and the Thm 5 rates, from
//! interval inputs at interval witnesses γ, δ.
//!
//! This is the fast path for step-size sweeps and searches; it mirrors the exact statements of
//! `shadowcert_checker::theorems::kovachki_stuart` formula by formula (same equation numbers, same
//! grouping), and a property test checks that every exact quantity lies in its enclosure. Verdicts
//! come from the exact statements only.
//!
//! # Hypotheses checked here
//! None: [`AppendixCI::certainly_holds`] and [`AppendixCI::certainly_fails`] report what the
//! enclosures prove; the caller guarantees λ ∈ (0, 1), a ≥ 0, h > 0, B₀, B₁ > 0, B₂ ≥ 0.
//!
//! # Witnesses
//! [`witnesses`] picks `f64` point witnesses γ slightly above τ₁ and δ slightly above ζ₋(γ), so
//! that (38) and (40) can be certified by intervals (at γ = τ₁ exactly, (38) is an equality that no
//! enclosure can certify).
//!
//! Enclosure: rigorous.

use super::convert::rat_to_interval;
use inari::{const_interval, Interval};
use shadowcert_checker::theorems::kovachki_stuart::KsParams;

/// Interval inputs: λ, a, h, B₀, B₁, B₂.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KsParamsI {
    /// Momentum λ.
    pub lambda: Interval,
    /// Look-ahead a.
    pub a: Interval,
    /// Step size h.
    pub h: Interval,
    /// B₀ of Assumption 1.
    pub b0: Interval,
    /// B₁ of Assumption 1.
    pub b1: Interval,
    /// B₂ of Assumption 1.
    pub b2: Interval,
}

impl KsParamsI {
    /// The tightest enclosures of exact parameters.
    ///
    /// Enclosure: rigorous. Tightness: tightest per input.
    pub fn from_exact(p: &KsParams) -> Self {
        KsParamsI {
            lambda: rat_to_interval(&p.lambda),
            a: rat_to_interval(&p.a),
            h: rat_to_interval(&p.h),
            b0: rat_to_interval(&p.b0),
            b1: rat_to_interval(&p.b1),
            b2: rat_to_interval(&p.b2),
        }
    }
}

const ONE: Interval = const_interval!(1.0, 1.0);
const TWO: Interval = const_interval!(2.0, 2.0);
const FOUR: Interval = const_interval!(4.0, 4.0);
const ZERO: Interval = const_interval!(0.0, 0.0);

/// Enclosures of every Appendix C quantity at interval witnesses γ, δ.
///
/// Enclosure: rigorous (each field contains the exact value for every choice of inputs and
/// witnesses in their intervals, where that value is defined).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AppendixCI {
    /// λ̄ = 1/(1 − λ).
    pub lambda_bar: Interval,
    /// λ + hB₁(a + λλ̄) (Lemma 9 needs < 1).
    pub lemma9_factor: Interval,
    /// λ̄B₀B₁(a + λ̄).
    pub lemma9_const: Interval,
    /// τ₁ = λ̄B₀B₁(a + λ̄)/(1 − λ − hB₁(a + λλ̄)).
    pub tau1: Interval,
    /// The witness γ.
    pub gamma: Interval,
    /// The witness δ.
    pub delta: Interval,
    /// γ − (λ + hB₁(a + λλ̄))γ − λ̄B₀B₁(a + λ̄): (38) holds iff ≥ 0.
    pub eq38_margin: Interval,
    /// K₁ = λ̄B₀ + hγ.
    pub k1: Interval,
    /// K₂ = λ̄B₁ + hδ.
    pub k2: Interval,
    /// K₃ = B₀ + λK₁.
    pub k3: Interval,
    /// α₂ of (39).
    pub alpha2: Interval,
    /// α₁ of (39).
    pub alpha1: Interval,
    /// α₀ of (39).
    pub alpha0: Interval,
    /// D = α₁² − 4α₂α₀.
    pub disc: Interval,
    /// ζ₋ = 2α₀/(−α₁ + √D) at γ (empty when D < 0 for certain).
    pub zeta_minus: Interval,
    /// ζ₊ = (−α₁ + √D)/(2α₂) at γ.
    pub zeta_plus: Interval,
    /// τ₂⁻ = max{0, ζ₋}.
    pub tau2_minus: Interval,
    /// τ₂⁺ = ζ₊.
    pub tau2_plus: Interval,
    /// α₂δ² + α₁δ + α₀ (left side of (40)).
    pub eq40: Interval,
    /// c of (41).
    pub c: Interval,
    /// Q₁ of (42).
    pub q1: Interval,
    /// Q₂ of (42).
    pub q2: Interval,
    /// Q₃ of (42).
    pub q3: Interval,
    /// μ of (42) (meaningful only where Q₃ < 1).
    pub mu: Interval,
    /// λ + h²λδ (left side of (44)).
    pub eq44: Interval,
    /// (λ + haB₁)(1 + hK₂), the valid Thm 5 rate.
    pub rate: Interval,
    /// λ + h²λδ, the rate printed in Thm 5 (same as `eq44`).
    pub rate_printed: Interval,
}

fn lt(x: Interval, v: f64) -> bool {
    !x.is_empty() && x.sup() < v
}

fn le(x: Interval, v: f64) -> bool {
    !x.is_empty() && x.sup() <= v
}

fn ge(x: Interval, v: f64) -> bool {
    !x.is_empty() && x.inf() >= v
}

/// Every Appendix C quantity at the witnesses γ, δ, in interval arithmetic, with the grouping of
/// the exact statement.
///
/// Enclosure: rigorous.
pub fn appendix_c_at(p: &KsParamsI, gamma: Interval, delta: Interval) -> AppendixCI {
    let (l, a, h, b0, b1, b2) = (p.lambda, p.a, p.h, p.b0, p.b1, p.b2);
    let lb = ONE / (ONE - l);
    let ha = h * a;
    // Lemma 9 and (38).
    let lemma9_factor = l + h * b1 * (a + l * lb);
    let lemma9_const = lb * b0 * b1 * (a + lb);
    let tau1 = lemma9_const / (ONE - lemma9_factor);
    let eq38_margin = gamma * (ONE - lemma9_factor) - lemma9_const;
    // (39).
    let k1 = lb * b0 + h * gamma;
    let k3 = b0 + l * k1;
    let i2 = b1 + h * b2 * k3;
    let alpha2 = h * h * (l + ha * b1);
    let alpha1 = l - ONE + h * (b1 * (lb + a * (ONE + h * lb * b1)) + l * lb * i2 + ha * (a * b2 * k1 + b1 * lb * i2));
    let alpha0 =
        a * b2 * k1 * (ONE + ha * lb * b1) + lb * (a * b1 * b1 + b2 * k3) + lb * lb * b1 * (ONE + ha * b1) * i2;
    // Lemma 10.
    let disc = alpha1 * alpha1 - FOUR * alpha2 * alpha0;
    let s = disc.sqrt();
    let zeta_minus = TWO * alpha0 / (-alpha1 + s);
    let zeta_plus = (-alpha1 + s) / (TWO * alpha2);
    let tau2_minus = zeta_minus.max(ZERO);
    let eq40 = alpha2 * delta * delta + alpha1 * delta + alpha0;
    // Assumption 11.
    let k2 = lb * b1 + h * delta;
    let z_lip = l * k2 + b1 * (ONE + ha * k2);
    let l_ha_b1 = l + ha * b1;
    let c = h * z_lip;
    let q1 = l * delta + a * (b1 * k2 + b2 * k1 * (ONE + ha * k2)) + lb * (i2 * z_lip + b2 * k3);
    let q2 = h * (a * (b1 + ha * b2 * k1) + lb * l_ha_b1 * i2);
    let q3 = h * z_lip;
    let mu = l + q2 + h * h * l_ha_b1 * q1 / (ONE - q3);
    let eq44 = l + h * h * l * delta;
    let rate = l_ha_b1 * (ONE + h * k2);
    AppendixCI {
        lambda_bar: lb,
        lemma9_factor,
        lemma9_const,
        tau1,
        gamma,
        delta,
        eq38_margin,
        k1,
        k2,
        k3,
        alpha2,
        alpha1,
        alpha0,
        disc,
        zeta_minus,
        zeta_plus,
        tau2_minus,
        tau2_plus: zeta_plus,
        eq40,
        c,
        q1,
        q2,
        q3,
        mu,
        eq44,
        rate,
        rate_printed: eq44,
    }
}

impl AppendixCI {
    /// Whether the enclosures prove Lemma 9, (38), Lemma 10, (40), (41), (43) and (44) for every
    /// input and witness in the boxes, so Assumption 11 holds with any point witnesses inside.
    pub fn certainly_holds(&self) -> bool {
        lt(self.lemma9_factor, 1.0)
            && ge(self.eq38_margin, 0.0)
            && lt(self.alpha1, 0.0)
            && !self.disc.is_empty()
            && self.disc.inf() > 0.0
            && le(self.eq40, 0.0)
            && lt(self.c, 1.0)
            && lt(self.q3, 1.0)
            && lt(self.mu, 1.0)
            && lt(self.eq44, 1.0)
    }

    /// Whether the enclosures prove that Lemma 9 or Lemma 10 fails, or that one of the monotone
    /// conditions (41), (43), (44) fails for every point of the boxes.
    ///
    /// A failure of Lemma 9 refutes Assumption 11 outright. The other failures refute it for every
    /// admissible witness pair only when the γ box contains a point ≤ τ₁ (Lemma 10) and the δ box a
    /// point ≤ ζ₋(τ₁) ((41)–(44)); see the monotonicity argument in
    /// `shadowcert_checker::theorems::kovachki_stuart`.
    pub fn certainly_fails(&self) -> bool {
        ge(self.lemma9_factor, 1.0)
            || ge(self.alpha1, 0.0)
            || le(self.disc, 0.0)
            || ge(self.c, 1.0)
            || ge(self.q3, 1.0)
            || (lt(self.q3, 1.0) && ge(self.mu, 1.0))
            || ge(self.eq44, 1.0)
    }
}

/// Point witnesses for the interval path: γ a little above τ₁ and δ a little above ζ₋(γ), both
/// `f64`. `None` when Lemma 9's or Lemma 10's hypothesis is not certainly satisfied.
///
/// The relative margin 2⁻³⁰ makes (38) and (40) certifiable by intervals; since every later
/// condition increases with γ and δ, this costs only a relative 2⁻³⁰ in those margins.
pub fn witnesses(p: &KsParamsI) -> Option<(Interval, Interval)> {
    const BUMP: Interval = const_interval!(1.0000000009313226, 1.0000000009313226); // exactly 1 + 2⁻³⁰
    let first = appendix_c_at(p, ZERO, ZERO);
    if !lt(first.lemma9_factor, 1.0) || !first.tau1.inf().is_finite() || !first.tau1.sup().is_finite() {
        return None;
    }
    let g = (first.tau1 * BUMP).sup();
    let gamma = Interval::try_from((g, g)).ok()?;
    let at_gamma = appendix_c_at(p, gamma, ZERO);
    if !lt(at_gamma.alpha1, 0.0) || at_gamma.disc.is_empty() || at_gamma.disc.inf() <= 0.0 {
        return None;
    }
    let d = (at_gamma.zeta_minus * BUMP).sup();
    if !d.is_finite() {
        return None;
    }
    let delta = Interval::try_from((d, d)).ok()?;
    Some((gamma, delta))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Status;
    use crate::enclose::convert::{interval_contains_rat, interval_meets_rat_interval};
    use crate::exact::{rat, Rat};
    use num_bigint::BigInt;
    use num_traits::One;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    use shadowcert_checker::theorems::kovachki_stuart::{appendix_c, assumption11, at_witnesses, thm5, AtWitnesses};
    use std::cell::Cell;

    fn q(n: i64, d: i64) -> Rat {
        Rat::new(BigInt::from(n), BigInt::from(d))
    }

    /// λ = n/d ∈ (0, 1), a ∈ [0, 2], B₀, B₁ ∈ (0, 10], B₂ ∈ [0, 10] (0 a quarter of the time),
    /// h = m/d · 10^(−k) ∈ (0, 1] with k ∈ 0..=6 so that small step sizes, where Assumption 11
    /// holds, are common.
    fn ks_params() -> impl Strategy<Value = KsParams> {
        let lambda = (2i64..=40).prop_flat_map(|d| (1..d, Just(d))).prop_map(|(n, d)| q(n, d));
        let a = (0i64..=20).prop_map(|n| q(n, 10));
        let b = (1i64..=100).prop_map(|n| q(n, 10));
        let b2 = prop_oneof![1 => Just(Rat::from_integer(0.into())), 3 => (1i64..=100).prop_map(|n| q(n, 10))];
        let h = (1i64..=16, 0u32..=6).prop_map(|(m, k)| q(m, 16) / Rat::from_integer(BigInt::from(10).pow(k)));
        (lambda, a, h, b.clone(), b, b2).prop_map(|(lambda, a, h, b0, b1, b2)| KsParams { lambda, a, h, b0, b1, b2 })
    }

    fn runner(cases: u32) -> TestRunner {
        let config = Config { cases, failure_persistence: None, ..Config::default() };
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7u8; 32]))
    }

    /// Every exact quantity at (γ, δ) lies in the interval evaluated at the converted witnesses.
    fn check_contains(p: &KsParams, at: &AtWitnesses) -> Result<(), TestCaseError> {
        let pi = KsParamsI::from_exact(p);
        let iv = appendix_c_at(&pi, rat_to_interval(&at.gamma), rat_to_interval(&at.delta));
        let pairs: [(&str, Interval, &Rat); 16] = [
            ("K1", iv.k1, &at.k1),
            ("K2", iv.k2, &at.k2),
            ("K3", iv.k3, &at.k3),
            ("alpha2", iv.alpha2, &at.alpha2),
            ("alpha1", iv.alpha1, &at.alpha1),
            ("alpha0", iv.alpha0, &at.alpha0),
            ("eq40", iv.eq40, &at.eq40),
            ("c", iv.c, &at.c),
            ("Q1", iv.q1, &at.q1),
            ("Q2", iv.q2, &at.q2),
            ("Q3", iv.q3, &at.q3),
            ("eq44", iv.eq44, &at.eq44),
            ("rate", iv.rate, &at.rate),
            ("rate_printed", iv.rate_printed, &at.eq44),
            ("gamma", iv.gamma, &at.gamma),
            ("delta", iv.delta, &at.delta),
        ];
        for (name, x, r) in pairs {
            prop_assert!(interval_contains_rat(&x, r), "{name}: {x:?} does not contain {r} for {p:?}");
        }
        if let Some(mu) = &at.mu {
            prop_assert!(interval_contains_rat(&iv.mu, mu), "mu: {:?} does not contain {mu} for {p:?}", iv.mu);
        }
        Ok(())
    }

    #[test]
    fn interval_path_encloses_exact_path() {
        let checked = Cell::new(0u32);
        let with_roots = Cell::new(0u32);
        let result = runner(512).run(&ks_params(), |p| {
            let ex = appendix_c(&p);
            let pi = KsParamsI::from_exact(&p);
            let base = appendix_c_at(&pi, ZERO, ZERO);
            prop_assert!(interval_contains_rat(&base.lambda_bar, &ex.lambda_bar));
            prop_assert!(interval_contains_rat(&base.lemma9_factor, &ex.lemma9_factor));
            prop_assert!(interval_contains_rat(&base.lemma9_const, &ex.lemma9_const));
            // Arbitrary witnesses: the formulas agree off the chosen points too.
            check_contains(&p, &at_witnesses(&p, &q(3, 2), &q(7, 3)))?;
            if let Some(l10) = &ex.lemma10 {
                prop_assert!(interval_contains_rat(&base.tau1, &l10.tau1), "tau1 {:?} vs {}", base.tau1, l10.tau1);
                let iv = appendix_c_at(&pi, rat_to_interval(&l10.tau1), ZERO);
                for (name, x, r) in [
                    ("K1", iv.k1, &l10.k1),
                    ("K3", iv.k3, &l10.k3),
                    ("alpha2", iv.alpha2, &l10.alpha2),
                    ("alpha1", iv.alpha1, &l10.alpha1),
                    ("alpha0", iv.alpha0, &l10.alpha0),
                    ("disc", iv.disc, &l10.disc),
                ] {
                    prop_assert!(interval_contains_rat(&x, r), "{name}: {x:?} does not contain {r} for {p:?}");
                }
                prop_assert!(interval_contains_rat(&iv.eq38_margin, &Rat::from_integer(0.into())));
                if let Some(roots) = &l10.roots {
                    with_roots.set(with_roots.get() + 1);
                    // Both enclose the same irrational root, so they must meet.
                    for (name, x, y) in [
                        ("zeta_minus", iv.zeta_minus, &roots.zeta_minus),
                        ("zeta_plus", iv.zeta_plus, &roots.zeta_plus),
                        ("tau2_minus", iv.tau2_minus, &roots.tau2_minus),
                        ("tau2_plus", iv.tau2_plus, &roots.tau2_plus),
                    ] {
                        prop_assert!(interval_meets_rat_interval(&x, y), "{name}: {x:?} misses {y:?} for {p:?}");
                    }
                    check_contains(&p, &roots.at_delta)?;
                    check_contains(&p, &roots.at_delta_lower)?;
                }
            }
            checked.set(checked.get() + 1);
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        assert_eq!(checked.get(), 512);
        assert!(with_roots.get() >= 100, "only {} cases reach Lemma 10's roots", with_roots.get());
    }

    /// Direct re-evaluation of Assumption 11 from the exact values (independent of the claim code).
    fn direct_verdict(p: &KsParams) -> Status {
        let ac = appendix_c(p);
        let Some(l10) = ac.lemma10 else { return Status::Refuted };
        let Some(roots) = l10.roots else { return Status::Refuted };
        let one = Rat::one();
        let zero = Rat::from_integer(0.into());
        let monotone_ok =
            |at: &AtWitnesses| [at.c < one, at.q3 < one, at.mu.as_ref().is_none_or(|m| *m < one), at.eq44 < one];
        let at = &roots.at_delta;
        let ok = monotone_ok(at);
        if at.eq40 <= zero && at.mu.is_some() && ok.iter().all(|b| *b) {
            return Status::Verified;
        }
        let lower = monotone_ok(&roots.at_delta_lower);
        if ok.iter().zip(lower.iter()).any(|(at_delta, at_lower)| !at_delta && !at_lower) {
            Status::Refuted
        } else {
            Status::Inconclusive
        }
    }

    #[test]
    fn assumption11_verdicts_agree() {
        let verified = Cell::new(0u32);
        let refuted = Cell::new(0u32);
        let interval_decisive = Cell::new(0u32);
        let result = runner(512).run(&ks_params(), |p| {
            let claim = assumption11(&p);
            prop_assert_eq!(claim.status, direct_verdict(&p), "{:?}: {:?}", p, claim.reason);
            match claim.status {
                Status::Verified => verified.set(verified.get() + 1),
                Status::Refuted => refuted.set(refuted.get() + 1),
                _ => {}
            }
            // (40) implies (41), (43), (44) (module doc of the exact statement): once Lemmas 9 and 10
            // hold, Assumption 11 is never refuted.
            if appendix_c(&p).lemma10.is_some_and(|l| l.roots.is_some()) {
                prop_assert_ne!(claim.status, Status::Refuted, "{:?}: {:?}", p, claim.reason);
            }
            // The corrected Thm 5 rate is < 1 whenever Assumption 11 holds (module doc).
            if claim.status == Status::Verified {
                prop_assert_eq!(thm5(&p).status, Status::Verified, "{:?}", p);
            }
            // The interval path, when decisive, agrees.
            let pi = KsParamsI::from_exact(&p);
            if let Some((g, d)) = witnesses(&pi) {
                let iv = appendix_c_at(&pi, g, d);
                if iv.certainly_holds() {
                    interval_decisive.set(interval_decisive.get() + 1);
                    prop_assert_eq!(claim.status, Status::Verified, "intervals prove Assumption 11 for {:?}", p);
                }
            }
            let ex = appendix_c(&p);
            let fails = match &ex.lemma10 {
                None => appendix_c_at(&pi, ZERO, ZERO).certainly_fails(),
                Some(l10) => {
                    let g = rat_to_interval(&l10.tau1);
                    let d = l10.roots.as_ref().map_or(ZERO, |r| rat_to_interval(&r.delta_lower));
                    appendix_c_at(&pi, g, d).certainly_fails()
                }
            };
            if fails {
                interval_decisive.set(interval_decisive.get() + 1);
                prop_assert_eq!(claim.status, Status::Refuted, "intervals refute Assumption 11 for {:?}", p);
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        let (v, r, dec) = (verified.get(), refuted.get(), interval_decisive.get());
        eprintln!("assumption11 over 512 cases: {v} verified, {r} refuted, interval path decisive in {dec}");
        assert!(v >= 50 && r >= 50, "unbalanced sample: {v} verified, {r} refuted");
        assert!(dec >= 400, "interval path decisive in only {dec} of 512 cases");
    }

    #[test]
    fn interval_witnesses_certify_the_small_step_example() {
        // λ = 9/10, a = 0, B = 1, h = 1/1000: Assumption 11 holds (exact test in theorems).
        let p = KsParams { lambda: q(9, 10), a: rat(0), h: q(1, 1000), b0: rat(1), b1: rat(1), b2: rat(1) };
        let pi = KsParamsI::from_exact(&p);
        let (g, d) = witnesses(&pi).expect("Lemmas 9, 10 hold");
        let iv = appendix_c_at(&pi, g, d);
        assert!(iv.certainly_holds(), "{iv:?}");
        assert!(!iv.certainly_fails());
        // And the exact statement agrees at the same (rational) witnesses.
        let at = at_witnesses(&p, &Rat::from_float(g.inf()).unwrap(), &Rat::from_float(d.inf()).unwrap());
        assert!(at.eq40 < rat(0) && at.mu.unwrap() < rat(1));
        // h = 1/100: α₁ = 0.18 ≥ 0 at τ₁ = 10⁴.
        let p = KsParams { h: q(1, 100), ..p };
        let pi = KsParamsI::from_exact(&p);
        assert!(witnesses(&pi).is_none());
        let iv = appendix_c_at(&pi, rat_to_interval(&appendix_c(&p).lemma10.unwrap().tau1), ZERO);
        assert!(iv.certainly_fails());
        assert!(interval_contains_rat(&iv.alpha1, &q(18, 100)));
    }
}
