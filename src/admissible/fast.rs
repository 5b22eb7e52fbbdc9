//! The fast path of searches and grids: rigorous verdicts from the `f64` interval enclosures of
//! [`crate::enclose::kovachki_stuart`] where they are decisive, the exact statements otherwise.
//!
//! Nothing here produces a record: components and refutations are always re-decided exactly
//! ([`StepClaims`]), and `certify check` never uses this module.

use super::claims::{StepClaims, Verdict};
use crate::enclose::convert::rat_to_interval;
use crate::enclose::kovachki_stuart::{appendix_c_at, witnesses, AppendixCI, KsParamsI};
use crate::exact::Rat;
use inari::{const_interval, Interval};
use num_traits::One;
use shadowcert_checker::theorems::stability::stable_conditions;

/// [`StepClaims`] with the interval inputs λ, a, B₀, B₁, B₂ converted once.
#[derive(Clone, Debug)]
pub struct FastClaims {
    /// The exact statements.
    pub exact: StepClaims,
    /// λ, a, B₀, B₁, B₂ as tightest intervals (h is set per call); `None` unless scheme (7).
    ks_interval: Option<KsParamsI>,
}

impl FastClaims {
    /// Wraps the exact claims.
    pub fn new(exact: StepClaims) -> Self {
        let ks_interval = exact.ks_params(&Rat::one()).map(|p| KsParamsI::from_exact(&p));
        FastClaims { exact, ks_interval }
    }

    /// A rigorous verdict of `id` at `h`, from the `f64` interval path
    /// ([`crate::enclose::kovachki_stuart`]) when it is decisive, else [`StepClaims::verdict`].
    ///
    /// Verified by intervals means every condition holds at the interval path's point witnesses
    /// (γ slightly above τ₁, δ slightly above ζ₋); refuted means a condition fails at γ = 0 or at
    /// every γ of an enclosure of τ₁ (and at δ = 0 for the conditions that increase with δ), hence
    /// for every witness γ ≥ τ₁, δ ≥ ζ₋(τ₁) (monotonicity
    /// in γ and δ, `crate::theorems::kovachki_stuart`). The exact verdict may still differ by
    /// being inconclusive where the interval path is decisive (a rounded witness), never by
    /// verified against refuted. Used by searches and sweeps; records are always exact.
    pub fn verdict(&self, id: &str, h: &Rat) -> Verdict {
        let fast = match id {
            // Lemma 9 is verified iff λ + hB₁(a + λλ̄) < 1: then γ = τ₁ meets (38) with equality.
            "ks.lemma9" => self.exact.ks_params(h).map(|p| {
                let factor = &p.lambda + &p.h * &p.b1 * (&p.a + &p.lambda * p.lambda_bar());
                if factor < Rat::one() {
                    Verdict::Verified
                } else {
                    Verdict::Refuted
                }
            }),
            // The stability conditions alone (the record adds the rate, which no verdict reads):
            // verified at the used L, refuted when they fail at the favourable end of a derived L too.
            "step.stable" => {
                let sc = &self.exact;
                let holds = |l: &Rat| stable_conditions(sc.method(), h, l).iter().all(|(_, lhs, rhs)| lhs < rhs);
                sc.constants().get("L").ok().map(|l| {
                    let fav = sc.constants().favourable.get("L").unwrap_or(l);
                    if holds(l) {
                        Verdict::Verified
                    } else if !holds(fav) {
                        Verdict::Refuted
                    } else {
                        Verdict::Inconclusive
                    }
                })
            }
            "ks.lemma10" | "ks.assumption11" | "ks.thm5" => {
                let p = self.ks_interval.map(|p| KsParamsI { h: rat_to_interval(h), ..p });
                p.and_then(|p| interval_verdict(id, &p))
            }
            _ => None,
        };
        fast.unwrap_or_else(|| self.exact.verdict(id, h))
    }
}

/// The interval path's verdict for `ks.lemma10`, `ks.assumption11` or `ks.thm5`, when decisive.
///
/// Enclosure: rigorous (see [`FastClaims::verdict`]).
pub fn interval_verdict(id: &str, p: &KsParamsI) -> Option<Verdict> {
    const ZERO: Interval = const_interval!(0.0, 0.0);
    let sup_lt_1 = |x: Interval| !x.is_empty() && x.sup() < 1.0;
    if let Some((g, d)) = witnesses(p) {
        let iv = appendix_c_at(p, g, d);
        let holds = match id {
            "ks.lemma10" => lemma10_holds(&iv),
            "ks.thm5" => iv.certainly_holds() && sup_lt_1(iv.rate),
            _ => iv.certainly_holds(),
        };
        if holds {
            return Some(Verdict::Verified);
        }
    }
    // Failures at γ = 0, or at every γ of the enclosure of τ₁ (so at τ₁, the least γ that (38)
    // admits), with δ = 0 ≤ ζ₋(τ₁).
    let base = appendix_c_at(p, ZERO, ZERO);
    let fails = |iv: &AppendixCI| if id == "ks.lemma10" { lemma10_fails(iv) } else { iv.certainly_fails() };
    if fails(&base) {
        return Some(Verdict::Refuted);
    }
    if base.tau1.is_empty() || !base.tau1.sup().is_finite() || base.tau1.inf() < 0.0 {
        return None;
    }
    fails(&appendix_c_at(p, base.tau1, ZERO)).then_some(Verdict::Refuted)
}

/// Lemma 9's hypothesis, (38), α₁ < 0, D > 0 and (40), certainly.
fn lemma10_holds(iv: &AppendixCI) -> bool {
    let lt = |x: Interval, v: f64| !x.is_empty() && x.sup() < v;
    lt(iv.lemma9_factor, 1.0)
        && !iv.eq38_margin.is_empty()
        && iv.eq38_margin.inf() >= 0.0
        && lt(iv.alpha1, 0.0)
        && !iv.disc.is_empty()
        && iv.disc.inf() > 0.0
        && !iv.eq40.is_empty()
        && iv.eq40.sup() <= 0.0
}

/// Lemma 9's hypothesis fails, or α₁ ≥ 0, or D ≤ 0, for every point of the boxes.
fn lemma10_fails(iv: &AppendixCI) -> bool {
    let ge = |x: Interval, v: f64| !x.is_empty() && x.inf() >= v;
    ge(iv.lemma9_factor, 1.0) || ge(iv.alpha1, 0.0) || (!iv.disc.is_empty() && iv.disc.sup() <= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admissible::step_claims;
    use crate::exact::parse_rat;
    use crate::spec::load_spec;
    use std::path::Path;

    /// The fast verdict of `step.stable` (its conditions alone) is the exact one, on a quadratic
    /// (declared L) and on the quartic whose L is derived (an inconclusive window between 3.8/L
    /// and 3.8/L_favourable), at step sizes on a geometric grid and around the boundary.
    #[test]
    fn step_stable_fast_verdicts_are_the_exact_ones() {
        for spec in ["specs/heavy_ball.json", "specs/ks_quartic_hb.json", "specs/strongly_convex.json"] {
            let spec = load_spec(&Path::new(env!("CARGO_MANIFEST_DIR")).join(spec)).unwrap();
            let fc = FastClaims::new(step_claims(&spec));
            let mut seen = std::collections::HashSet::new();
            let mut hs: Vec<Rat> = (0..40)
                .map(|k| {
                    parse_rat("1e-3").unwrap() * Rat::from_integer((k * k + 1).into()) / Rat::from_integer(4.into())
                })
                .collect();
            if let Some(s) = crate::admissible::closed_form_supremum(&fc.exact, "step.stable", &spec.algorithm.method) {
                let eps = parse_rat("1e-12").unwrap();
                hs.extend([&s.value - &eps, s.value.clone(), &s.value + &eps]);
            }
            for h in &hs {
                let (fast, exact) = (fc.verdict("step.stable", h), fc.exact.verdict("step.stable", h));
                assert_eq!(fast, exact, "{} at h = {h}", spec.name);
                seen.insert(exact);
            }
            assert!(seen.contains(&Verdict::Verified) && seen.contains(&Verdict::Refuted), "{}: {seen:?}", spec.name);
        }
    }
}
