//! `certify check`: re-verifies a certificate.
//!
//! Closed-form claims (constants of quadratics, the theorems of 000 and 004) are re-derived with
//! exact rationals only, through `crate::theorems` and `crate::exact`. Enclosure claims — the
//! constants of non-quadratic objectives and the trajectory claims `shadow.orbit`, `ec.thm1`,
//! `shadow.finite` — are re-verified by re-running the same deterministic enclosure (their
//! statements say so).
//! Every derived quantity is recomputed from the inputs with the theorems' own formulas
//! (witnesses are recomputed deterministically and must equal the stored ones), and any stored
//! value, witness, inequality, status or count that disagrees is rejected, naming the claim.

use super::{canonical_bytes, claim_from_json, claim_to_json, sha256_hex, summary, FORMAT};
use crate::claim::Claim;
use crate::spec::{canonical_json, Spec};
use crate::{theorems, Error, Result};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// What a successful check established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// Number of claim records re-verified.
    pub claims: usize,
    /// The summary's exit code (0: every requested claim verified).
    pub exit_code: i32,
}

/// Re-verifies `cert`. `Err(Error::Check { claim, .. })` names the first disagreement.
pub fn check(cert: &Json) -> Result<Checked> {
    let format = cert.get("format").and_then(Json::as_str).unwrap_or("<missing>");
    if format != FORMAT {
        return Err(Error::check("format", format!("certificate format {format:?}, this build reads {FORMAT:?}")));
    }
    // Claim certificates have no `kind`; admissibility certificates are checked by their module.
    match cert.get("kind").map(|k| k.as_str()) {
        None | Some(Some("claims")) => {}
        Some(Some(super::admissible::KIND)) => {
            let ok = super::admissible::check(cert)?;
            return Ok(Checked { claims: ok.claims, exit_code: ok.exit_code });
        }
        Some(other) => return Err(Error::check("kind", format!("unknown certificate kind {other:?}"))),
    }
    check_envelope(cert)?;
    let inputs = cert.get("inputs").ok_or_else(|| Error::check("inputs", "missing"))?;
    let spec = super::data::parse_inputs(cert, inputs)
        .map_err(|e| Error::check("inputs", format!("not a valid spec: {e}")))?;
    if &canonical_json(&spec) != inputs {
        return Err(Error::check("inputs", "not in canonical form (numbers must be exact rationals in lowest terms)"));
    }
    let digest = sha256_hex(&canonical_bytes(inputs));
    if cert.get("inputs_sha256").and_then(Json::as_str) != Some(digest.as_str()) {
        return Err(Error::check("inputs_sha256", format!("does not match the inputs (SHA-256 {digest})")));
    }
    let stored = cert.get("claims").and_then(Json::as_array).ok_or_else(|| Error::check("claims", "missing array"))?;
    let recomputed = evaluate_memo(&digest, &spec);
    for (i, s) in stored.iter().enumerate() {
        let c = claim_from_json(s)?;
        let Some(r) = recomputed.get(i) else {
            return Err(Error::check(&c.id, "this claim is not produced by the inputs"));
        };
        if r.id != c.id {
            return Err(Error::check(&c.id, format!("expected claim {} at position {i}", r.id)));
        }
        let rj = claim_to_json(r);
        if &rj != s {
            return Err(Error::check(&c.id, first_difference(s, &rj)));
        }
    }
    if let Some(missing) = recomputed.get(stored.len()) {
        return Err(Error::check(&missing.id, "claim missing from the certificate"));
    }
    let expected = summary(&recomputed, spec.claims.as_deref());
    if cert.get("summary") != Some(&expected) {
        return Err(Error::check("summary", format!("stored summary disagrees; recomputed {expected}")));
    }
    let exit_code = expected["exit_code"].as_i64().unwrap_or(1) as i32;
    Ok(Checked { claims: stored.len(), exit_code })
}

/// `theorems::evaluate(spec)` memoized within the process by the SHA-256 of the canonical inputs
/// (which pin the data file through `data_sha256`): the evaluation is deterministic, so checking one
/// certificate many times — or many tampered copies of it, as the mutation tests do — evaluates once.
fn evaluate_memo(digest: &str, spec: &Spec) -> Arc<Vec<Claim>> {
    static MEMO: OnceLock<Mutex<HashMap<String, Arc<Vec<Claim>>>>> = OnceLock::new();
    let memo = MEMO.get_or_init(Default::default);
    if let Some(hit) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(digest) {
        return Arc::clone(hit);
    }
    let claims = Arc::new(theorems::evaluate(spec));
    memo.lock().unwrap_or_else(|e| e.into_inner()).insert(digest.to_string(), Arc::clone(&claims));
    claims
}

/// The fields around the claims: no unknown top-level key, the tool and the spec source well formed.
fn check_envelope(cert: &Json) -> Result<()> {
    const KEYS: &[&str] = &["claims", "format", "inputs", "inputs_sha256", "spec", "summary", "tool"];
    let top = cert.as_object().ok_or_else(|| Error::check("format", "a certificate is a JSON object"))?;
    if let Some(k) = top.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(Error::check(k, "unknown top-level field"));
    }
    let tool = &cert["tool"];
    if tool["name"] != "shadowcert" || !tool["version"].is_string() || tool.as_object().is_none_or(|o| o.len() != 2) {
        return Err(Error::check("tool", "expected {\"name\": \"shadowcert\", \"version\": \"…\"}"));
    }
    let spec = &cert["spec"];
    let hex = spec["sha256"].as_str().is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if !spec["path"].is_string() || !hex || spec.as_object().is_none_or(|o| o.len() != 2) {
        return Err(Error::check("spec", "expected {\"path\": \"…\", \"sha256\": \"<64 hex digits>\"}"));
    }
    Ok(())
}

/// Describes the first field where `stored` and `recomputed` claim records differ.
fn first_difference(stored: &Json, recomputed: &Json) -> String {
    fn walk(path: String, a: &Json, b: &Json) -> Option<String> {
        match (a, b) {
            (Json::Object(x), Json::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => walk(format!("{path}/{k}"), p, q),
                    (Some(_), None) => Some(format!("{path}/{k}: stored but not recomputed")),
                    (None, Some(q)) => Some(format!("{path}/{k}: missing, recomputed {q}")),
                    (None, None) => None,
                })
            }
            (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
                x.iter().zip(y).enumerate().find_map(|(i, (p, q))| walk(format!("{path}/{i}"), p, q))
            }
            _ if a == b => None,
            _ => Some(format!("{path}: stored {a}, recomputed {b}")),
        }
    }
    walk(String::new(), stored, recomputed).unwrap_or_else(|| "records differ".into())
}
