//! The step-size claims of a spec as functions of the step size h (and of the momentum λ, a).
//!
//! [`StepClaims`] evaluates the constants of a spec once and then decides a claim at any h by
//! calling the exact statement of its theorem — the same functions, with the same inputs, as
//! [`crate::theorems::evaluate`] on the spec with `algorithm.h` replaced (a unit test compares
//! the two). Verdicts here are the part-1 verdicts; nothing in this file uses floating point.

use crate::claim::{Claim, Status};
use crate::exact::Rat;
use crate::spec::{Algorithm, Method, Scheme7Kind, Spec};
use crate::theorems::assumptions::Constants;
use crate::theorems::kovachki_stuart::KsParams;
use crate::theorems::Context;
use num_traits::{One, Signed, Zero};

/// Claims with a step-size condition, in report order.
pub const STEP_CLAIMS: &[&str] =
    &["ol.thm2", "ol.thm3", "ks.thm3", "ks.lemma9", "ks.lemma10", "ks.assumption11", "ks.thm5"];

/// A three-valued verdict about one step size, from a rigorous inequality only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The claim's conditions hold (with the recorded witnesses).
    Verified,
    /// The conditions fail for every witness.
    Refuted,
    /// Neither is proved.
    Inconclusive,
}

impl Verdict {
    /// `verified`, `refuted` or `inconclusive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::Refuted => "refuted",
            Verdict::Inconclusive => "inconclusive",
        }
    }

    /// Inverse of [`Verdict::as_str`].
    pub fn parse(s: &str) -> Option<Verdict> {
        [Verdict::Verified, Verdict::Refuted, Verdict::Inconclusive].into_iter().find(|v| v.as_str() == s)
    }
}

/// The step-size claims of one spec, with its constants evaluated once.
#[derive(Clone, Debug)]
pub struct StepClaims {
    spec: Spec,
    method: Method,
    consts: Constants,
    ctx: Context,
}

impl StepClaims {
    /// Evaluates the constants of `spec` (they do not depend on h, λ or a).
    pub fn new(spec: &Spec) -> Self {
        StepClaims {
            spec: spec.clone(),
            method: spec.algorithm.method.clone(),
            consts: crate::theorems::constants(spec),
            ctx: crate::theorems::context(spec),
        }
    }

    /// The same claims for scheme (7) with momentum `lambda` (and look-ahead `a` for `momentum`;
    /// `nesterov` keeps a = λ, `heavy_ball` a = 0). The caller guarantees λ ∈ (0, 1), a ≥ 0.
    pub fn with_momentum(&self, lambda: &Rat, a: Option<&Rat>) -> StepClaims {
        let method = match &self.method {
            Method::Scheme7 { kind, a: old, .. } => {
                let a = match kind {
                    Scheme7Kind::HeavyBall => old.clone(),
                    Scheme7Kind::Nesterov => lambda.clone(),
                    Scheme7Kind::Momentum => a.cloned().unwrap_or_else(|| old.clone()),
                };
                Method::Scheme7 { kind: *kind, lambda: lambda.clone(), a }
            }
            other => other.clone(),
        };
        StepClaims { method, ..self.clone() }
    }

    fn need(&self, names: &[&str]) -> Result<(), String> {
        names.iter().try_for_each(|n| self.consts.get(n).map(drop))
    }

    /// Why `id` does not apply to this spec at any step size (wrong method, unusable constant,
    /// saddle reading), or `Ok` when its verdict depends on h. The reasons are those of
    /// [`crate::theorems::evaluate`].
    pub fn applies(&self, id: &str) -> Result<(), String> {
        let name = self.method.name();
        match id {
            "ol.thm2" | "ol.thm3" if !matches!(self.method, Method::Gd) => {
                Err(format!("method is {name}, the theorem is about gd"))
            }
            "ol.thm2" if self.ctx.saddle => {
                Err("(H2): saddle reading (gamma declared or Q indefinite), mu is the spectral gap".into())
            }
            "ol.thm2" => self.need(&["ell", "L", "mu"]),
            "ol.thm3" if !self.ctx.saddle => {
                Err("not the saddle case: Thm 3 needs a spectral gap (see ol.thm2)".into())
            }
            "ol.thm3" => self.need(&["ell", "L", "gamma", "mu", "L_phi"]),
            _ if id.starts_with("ks.") => match self.method {
                Method::Scheme7 { .. } => self.need(&["B0", "B1", "B2"]),
                _ => Err(format!("method is {name}, the theorem is about scheme (7) (heavy_ball, nesterov, momentum)")),
            },
            _ => Err(format!("{id} has no step-size condition")),
        }
    }

    /// Kovachki–Stuart parameters at step size `h` (`None` unless scheme (7) with usable B's).
    pub fn ks_params(&self, h: &Rat) -> Option<KsParams> {
        let Method::Scheme7 { lambda, a, .. } = &self.method else { return None };
        let b = |n: &str| self.consts.get(n).ok().cloned();
        Some(KsParams { lambda: lambda.clone(), a: a.clone(), h: h.clone(), b0: b("B0")?, b1: b("B1")?, b2: b("B2")? })
    }

    /// The claim `id` at step size `h > 0`: the record [`crate::theorems::evaluate`] gives for the
    /// spec with `algorithm.h = h` (the same code, [`crate::theorems::theorem_claims`]).
    /// Panics unless [`StepClaims::applies`] is `Ok` (programmer error).
    pub fn claim(&self, id: &str, h: &Rat) -> Claim {
        if let Err(e) = self.applies(id) {
            panic!("StepClaims::claim({id}) called although it does not apply: {e}");
        }
        let algorithm = Algorithm { method: self.method.clone(), h: h.clone() };
        crate::theorems::theorem_claims(self.spec.epsilon.as_ref(), &algorithm, &self.consts, &self.ctx, Some(id))
            .into_iter()
            .find(|c| c.id == id)
            .expect("theorem_claims returns every theorem claim")
    }

    /// The verdict of `id` at `h`, with the record that decides it.
    ///
    /// Refuted means: no witness makes the conditions hold at `h`. For `ks.lemma10` a failing
    /// Lemma 9 hypothesis (no γ satisfies (38)) counts, with the `ks.lemma9` record; for `ks.thm5`
    /// a refuted Assumption 11 (its hypothesis), with the `ks.assumption11` record.
    pub fn decide(&self, id: &str, h: &Rat) -> (Verdict, Claim) {
        let c = self.claim(id, h);
        match c.status {
            Status::Verified => (Verdict::Verified, c),
            Status::Refuted => (Verdict::Refuted, c),
            Status::NotApplicable if id == "ks.lemma10" || id == "ks.thm5" => {
                let hyp = if id == "ks.lemma10" { "ks.lemma9" } else { "ks.assumption11" };
                let d = self.claim(hyp, h);
                if d.status == Status::Refuted {
                    (Verdict::Refuted, d)
                } else {
                    (Verdict::Inconclusive, c)
                }
            }
            _ => (Verdict::Inconclusive, c),
        }
    }

    /// The verdict of `id` at `h` (see [`StepClaims::decide`]).
    pub fn verdict(&self, id: &str, h: &Rat) -> Verdict {
        self.decide(id, h).0
    }
}

/// An exact closed-form supremum of the admissible set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Supremum {
    /// sup A.
    pub value: Rat,
    /// Whether sup A ∈ A.
    pub attained: bool,
}
/// The exact supremum of the admissible set of `id` when it has a closed form (`crate::admissible::range`, section Closed forms).
///
/// Enclosure: exact.
pub fn closed_form_supremum(sc: &StepClaims, id: &str, spec_method: &Method) -> Option<Supremum> {
    sc.applies(id).ok()?;
    let probe = Rat::one();
    match id {
        "ol.thm2" | "ol.thm3" | "ks.thm3" => {
            // h_max of the claim's own record (ol.thm3, ks.thm3) does not depend on h.
            let c = sc.claim(id, &probe);
            let h_max = if id == "ol.thm2" {
                let l = c.inequalities.first()?.rhs.clone(); // 1/L
                match (c.values.get("epsilon"), c.values.get("epsilon_requested")) {
                    (Some(eps_at_1), Some(req)) if eps_at_1.hi().is_positive() => {
                        // ε(h) = h·ε(1), linear in h: ε(h) ≤ req ⟺ h ≤ req/ε(1).
                        let by_eps = req.hi() / eps_at_1.hi();
                        if by_eps < l {
                            by_eps
                        } else {
                            l
                        }
                    }
                    _ => l,
                }
            } else {
                c.values.get("h_max")?.hi().clone()
            };
            Some(Supremum { value: h_max, attained: true })
        }
        "ks.lemma9" => {
            let Method::Scheme7 { .. } = spec_method else { return None };
            let p = sc.ks_params(&probe)?;
            let per_h = &p.b1 * (&p.a + &p.lambda * p.lambda_bar());
            (!per_h.is_zero()).then(|| Supremum { value: (Rat::one() - &p.lambda) / per_h, attained: false })
        }
        _ => None,
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;
    use crate::spec::load_spec;
    use crate::theorems::evaluate;
    use std::path::Path;

    /// The fast evaluator agrees with `theorems::evaluate` record for record.
    #[test]
    fn agrees_with_the_dispatcher_on_saddles_and_derived_constants() {
        // An indefinite Q without gamma (saddle reading from the spectrum), and a Q whose norm is
        // irrational (derived L enclosed, so a refutation at h just below 1/‖Q‖ must soften).
        let specs = [
            r#"{"name": "s", "objective": {"type": "quadratic", "Q": [["2","1"],["1","-1"]], "b": ["0","0"]},
                "domain": [["-1","1"],["-1","1"]], "constants": {}, "algorithm": {"method": "gd", "h": "1/100"},
                "x0": ["1","0"], "epsilon": "1/10"}"#,
            r#"{"name": "d", "objective": {"type": "quadratic", "Q": [["2","1"],["1","1"]], "b": ["0","0"]},
                "domain": [["-1","1"],["-1","1"]], "constants": {}, "algorithm": {"method": "gd", "h": "1/100"},
                "x0": ["1","0"]}"#,
        ];
        // 1/‖Q‖ for [[2,1],[1,1]] is 2/(3+√5) = 0.38196601125…
        for text in specs {
            let mut spec = crate::spec::parse_spec_str(text).unwrap();
            let sc = StepClaims::new(&spec);
            for h in ["1/1000", "1/300", "0.3819660112", "0.38196601126", "2"] {
                spec.algorithm.h = parse_rat(h).unwrap();
                let all = evaluate(&spec);
                for id in ["ol.thm2", "ol.thm3"] {
                    let reference = all.iter().find(|c| c.id == id).unwrap();
                    if sc.applies(id).is_ok() {
                        assert_eq!(&sc.claim(id, &spec.algorithm.h), reference, "{id} of {} at h = {h}", spec.name);
                    } else {
                        assert_eq!(reference.status, Status::NotApplicable, "{id} of {} at h = {h}", spec.name);
                    }
                }
            }
        }
    }

    #[test]
    fn agrees_with_the_dispatcher() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        for entry in std::fs::read_dir(root.join("specs")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let mut spec = load_spec(&path).unwrap();
            // Only the step claims: the trajectory claims would enclose every orbit at every h.
            spec.claims = Some(STEP_CLAIMS.iter().map(|id| id.to_string()).collect());
            let sc = StepClaims::new(&spec);
            for h in ["1/1000", "1/300", "1/7", "2"] {
                spec.algorithm.h = parse_rat(h).unwrap();
                let all = evaluate(&spec);
                for id in STEP_CLAIMS {
                    let reference = all.iter().find(|c| c.id == *id).unwrap();
                    match sc.applies(id) {
                        Ok(()) => {
                            assert_eq!(&sc.claim(id, &spec.algorithm.h), reference, "{} at h = {h}", spec.name);
                            compared += 1;
                        }
                        Err(_) => assert!(
                            matches!(reference.status, Status::NotApplicable | Status::Inconclusive),
                            "{id}: {}",
                            spec.name
                        ),
                    }
                }
            }
        }
        assert!(compared >= 60, "only {compared} records compared");
    }
}
