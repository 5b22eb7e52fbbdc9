//! Certificates, version 2 (`shadowcert/2`): the engine's side — building them from a certified
//! spec ([`build`]), checking them with the engine supplying the records not yet carried by
//! evidence ([`check`]), and the CI regression ([`regress`]).
//!
//! The model, the exact statements and the checker itself live in the trusted crate
//! `shadowcert_checker` (`checker/`); this module only wires the engine to it.

pub mod check;
pub mod regress;

pub use shadowcert_checker::certificate::{
    canonical_bytes, claim_from_json, claim_to_json, exit_code, record_to_json, sha256_hex, summary, to_text,
    CheckedBy, Evidence, Provenance, FORMAT, KIND_ADMISSIBILITY, KIND_CLAIMS,
};

use crate::claim::Claim;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;

/// Where a certificate's spec came from.
#[derive(Clone, Debug)]
pub struct SpecSource {
    /// Path as given (relative paths stay relative, `./` removed).
    pub path: String,
    /// SHA-256 of the spec file's bytes.
    pub sha256: String,
}

impl SpecSource {
    /// The source of the spec file at `path` with these bytes (`./` removed, `\` read as `/`).
    pub fn of(path: &std::path::Path, bytes: &[u8]) -> SpecSource {
        let display = path.to_string_lossy().replace('\\', "/");
        SpecSource { path: display.strip_prefix("./").unwrap_or(&display).to_string(), sha256: sha256_hex(bytes) }
    }

    /// The provenance of a certificate written by this build from this spec.
    pub fn provenance(&self) -> Provenance {
        Provenance {
            spec_path: self.path.clone(),
            spec_sha256: self.sha256.clone(),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The complete certificate for `claims` about `inputs` (the canonical spec JSON), with the
/// `evidence` the checker verifies them by.
pub fn build(
    provenance: &Provenance,
    inputs: &Json,
    claims: &[Claim],
    requested: Option<&[String]>,
    evidence: &Evidence,
) -> Json {
    let coverage = shadowcert_checker::check::Coverage::of(
        &shadowcert_checker::inputs::parse(inputs).expect("the canonical JSON of a validated spec is valid inputs"),
    );
    let records: Vec<Json> =
        claims.iter().map(|c| claim_to_json(c, shadowcert_checker::check::checked_by(c, coverage))).collect();
    let mut root = BTreeMap::new();
    root.insert("format", json!(FORMAT));
    root.insert("kind", json!(KIND_CLAIMS));
    root.insert("provenance", provenance.to_json());
    root.insert("inputs", inputs.clone());
    root.insert("inputs_sha256", json!(sha256_hex(&canonical_bytes(inputs))));
    root.insert("evidence", evidence.to_json());
    root.insert("claims", Json::Array(records));
    root.insert("summary", summary(claims, requested));
    serde_json::to_value(root).expect("a map of JSON values serializes")
}
