//! The step-size claims of a spec as functions of the step size h (and of the momentum λ, a).
//!
//! [`StepClaims`] (the checker's, `shadowcert_checker::admissibility`) holds the constants of a spec once and then decides a claim at any h by
//! calling the exact statement of its theorem — the same functions, with the same inputs, as
//! [`crate::theorems::evaluate`] on the spec with `algorithm.h` replaced (a unit test compares
//! the two). Verdicts here are the part-1 verdicts; nothing in this file uses floating point.

pub use shadowcert_checker::admissibility::{closed_form_supremum, StepClaims, Supremum, Verdict, STEP_CLAIMS};

use crate::spec::Spec;

/// The step-size claims of `spec`, its constants evaluated once (they do not depend on h, λ or a).
pub fn step_claims(spec: &Spec) -> StepClaims {
    StepClaims::new(
        spec.epsilon.clone(),
        spec.algorithm.method.clone(),
        crate::theorems::constants(spec),
        crate::theorems::context(spec),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Status;
    use crate::exact::parse_rat;
    use crate::spec::load_spec;
    use crate::theorems::evaluate;
    use std::path::Path;

    /// `c` without what rule 4 adds to it (`domain_margin` and its inequalities): the step claims
    /// are the closed-form conditions at h; `None` when rule 4 changed the verdict.
    fn closed_form(c: &crate::claim::Claim) -> Option<crate::claim::Claim> {
        if shadowcert_checker::theorems::is_gated(c) && c.status != Status::Verified {
            return None;
        }
        let mut c = c.clone();
        c.values.remove("domain_margin");
        c.inequalities.retain(|i| !i.name.starts_with("rule 4"));
        Some(c)
    }

    /// The fast evaluator agrees with `theorems::evaluate` record for record (rule 4 aside).
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
            let sc = step_claims(&spec);
            for h in ["1/1000", "1/300", "0.3819660112", "0.38196601126", "2"] {
                spec.algorithm.h = parse_rat(h).unwrap();
                let all = evaluate(&spec);
                for id in ["ol.thm2", "ol.thm3"] {
                    let reference = all.iter().find(|c| c.id == id).unwrap();
                    if sc.applies(id).is_ok() {
                        let Some(reference) = closed_form(reference) else { continue };
                        assert_eq!(sc.claim(id, &spec.algorithm.h), reference, "{id} of {} at h = {h}", spec.name);
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
            let sc = step_claims(&spec);
            for h in ["1/1000", "1/300", "1/7", "2"] {
                spec.algorithm.h = parse_rat(h).unwrap();
                let all = evaluate(&spec);
                for id in STEP_CLAIMS {
                    let reference = all.iter().find(|c| c.id == *id).unwrap();
                    match sc.applies(id) {
                        Ok(()) => {
                            let Some(reference) = closed_form(reference) else { continue };
                            assert_eq!(sc.claim(id, &spec.algorithm.h), reference, "{} at h = {h}", spec.name);
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
