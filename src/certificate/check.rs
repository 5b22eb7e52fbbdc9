//! `certify check`: the trusted checker (`shadowcert_checker::check`), with the engine plugged in
//! for the records the evidence does not carry yet (marked `checked_by: "re-run"`).
//!
//! The checker verifies the envelope, the pinned data file, the evidence and every record it can
//! derive from them; for a `re-run` record it calls [`rerun`], which validates the inputs as a spec
//! and decides it again with the engine (`theorems::evaluate`, memoized by the inputs' SHA-256 so
//! that checking many copies of one certificate — as the tamper tests do — evaluates once).

use crate::claim::Claim;
use crate::spec::{parse_spec_value_in, parse_spec_value_with_data, Spec};
use crate::{theorems, Error, Result};
use serde_json::Value as Json;
use shadowcert_checker::check::{check_claims, Options, Report, Rerun, RerunRequest};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

pub use shadowcert_checker::check::Report as Checked;

/// Reads the certificate file at `path` (strictly: a key repeated in one object is an error, as a
/// reader would see only the first) and checks it, its data files beside it or in `data_dir`.
pub fn check_file(path: &Path, data_dir: Option<&Path>) -> Result<Report> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let cert = crate::spec::parse_json(&text).map_err(|e| Error::io(path, format!("not a certificate: {e}")))?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    check_with(&cert, Some(dir), data_dir)
}

/// Checks `cert`. `cert_dir` is the certificate file's directory (data files are found relative
/// to it), `data_dir` the `--data DIR` override.
pub fn check_with(cert: &Json, cert_dir: Option<&Path>, data_dir: Option<&Path>) -> Result<Report> {
    let rerun_fn = |r: &RerunRequest| rerun(r);
    let opts = Options { cert_dir, data_dir, rerun: Some(&rerun_fn) };
    match cert.get("kind").and_then(Json::as_str) {
        Some(super::KIND_ADMISSIBILITY) => Ok(shadowcert_checker::admissibility::check(cert, &opts)?),
        _ => Ok(check_claims(cert, &opts)?),
    }
}

/// [`check_with`] relative to the working directory, without `--data`.
pub fn check(cert: &Json) -> Result<Report> {
    check_with(cert, None, None)
}

/// The engine's answer for the `re-run` records: the inputs validated as a spec (reading the data
/// file the checker found and hashed) and decided by `theorems::evaluate`.
pub fn rerun(r: &RerunRequest) -> std::result::Result<Rerun, String> {
    let spec = match r.data_file {
        Some(f) => parse_spec_value_with_data(r.inputs, f),
        None => parse_spec_value_in(r.inputs, None),
    }
    .map_err(|e| format!("the inputs are not a valid spec: {e}"))?;
    let digest =
        shadowcert_checker::certificate::sha256_hex(&shadowcert_checker::certificate::canonical_bytes(r.inputs));
    Ok(Rerun { claims: evaluate_memo(&digest, &spec).to_vec() })
}

/// `theorems::evaluate(spec)` memoized within the process by the SHA-256 of the canonical inputs
/// (which pin the data file through `data_sha256`): `regress` re-certifies a spec whose
/// certificate `check` has just re-run, and gets the same evaluation once.
pub(crate) fn evaluate_memo(digest: &str, spec: &Spec) -> Arc<Vec<Claim>> {
    static MEMO: OnceLock<Mutex<HashMap<String, Arc<Vec<Claim>>>>> = OnceLock::new();
    let memo = MEMO.get_or_init(Default::default);
    if let Some(hit) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(digest) {
        return Arc::clone(hit);
    }
    let claims = Arc::new(theorems::evaluate(spec));
    memo.lock().unwrap_or_else(|e| e.into_inner()).insert(digest.to_string(), Arc::clone(&claims));
    claims
}

impl From<shadowcert_checker::Error> for Error {
    fn from(e: shadowcert_checker::Error) -> Self {
        match e {
            shadowcert_checker::Error::Rejected { place, msg } => Error::Check { claim: place, msg },
            shadowcert_checker::Error::Input { place, msg } => Error::Spec { pointer: place, msg },
        }
    }
}
