//! "Is my step size safe?": every applicable step-size claim decided at one h, and the stability
//! condition that answers the question (`certify admissible --h`, the Python package's
//! `admissible(spec, h=…)`).

use super::{step_claims, ClaimRange, Verdict};
use crate::certificate::record_to_json;
use crate::claim::Claim;
use crate::exact::{fmt_rat, Rat};
use crate::spec::Spec;
use serde_json::{json, Value as Json};

/// The claims that answer "is h safe?", in the order they are asked: the algorithm's stability
/// (heavy ball, Nesterov, scheme (7): spectral radius below 1), else descent (gradient descent).
pub const STABILITY_CLAIMS: [&str; 2] = ["step.stable", "step.descent"];

/// Every applicable step-size claim decided at one step size. Exact: each verdict is the
/// checker's exact statement at h (`StepClaims::decide`).
#[derive(Clone, Debug)]
pub struct StepVerdict {
    /// The step size.
    pub h: Rat,
    /// Each applicable claim (in `ranges` order): its id, its verdict at h and the record that
    /// decides it (for `ks.lemma10` and `ks.thm5` that of a failing hypothesis, with its own id).
    pub decided: Vec<(String, Verdict, Claim)>,
}

impl StepVerdict {
    /// The stability claim that answers "is h safe?" ([`STABILITY_CLAIMS`]) with its verdict, if
    /// one applies.
    pub fn basis(&self) -> Option<&(String, Verdict, Claim)> {
        STABILITY_CLAIMS.iter().find_map(|id| self.decided.iter().find(|(asked, ..)| asked == id))
    }

    /// `Some(true)`: the stability claim is verified at h; `Some(false)`: refuted; `None`:
    /// inconclusive, or no stability claim applies.
    pub fn safe(&self) -> Option<bool> {
        match self.basis() {
            Some((_, Verdict::Verified, _)) => Some(true),
            Some((_, Verdict::Refuted, _)) => Some(false),
            _ => None,
        }
    }

    /// `{"h", "safe", "basis", "claims": [{"id", "verdict", "record"}]}`.
    pub fn to_json(&self) -> Json {
        let claims: Vec<Json> = self
            .decided
            .iter()
            .map(|(id, v, c)| json!({"id": id, "verdict": v.as_str(), "record": record_to_json(c)}))
            .collect();
        json!({
            "h": fmt_rat(&self.h),
            "safe": self.safe(),
            "basis": self.basis().map(|(id, ..)| id.clone()),
            "claims": claims,
        })
    }
}

/// Decides every claim of `ranges` that applies to `spec` at `h`.
pub fn verdict_at(spec: &Spec, ranges: &[ClaimRange], h: &Rat) -> StepVerdict {
    let sc = step_claims(spec);
    let decided = ranges
        .iter()
        .filter(|r| r.not_applicable.is_none())
        .map(|r| {
            let (v, c) = sc.decide(&r.id, h);
            (r.id.clone(), v, c)
        })
        .collect();
    StepVerdict { h: h.clone(), decided }
}
