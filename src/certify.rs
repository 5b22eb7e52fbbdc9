//! The main job: read a spec file, decide every claim, build the certificate.

use crate::certificate::{self, SpecSource};
use crate::claim::Claim;
use crate::spec::{canonical_json, parse_spec_str, Spec};
use crate::{theorems, Error, Result};
use serde_json::Value as Json;
use std::path::Path;

/// A certified spec: the spec, its claims and the certificate.
#[derive(Clone, Debug)]
pub struct Certified {
    /// The validated spec.
    pub spec: Spec,
    /// Every claim decided, in `CLAIM_IDS` order.
    pub claims: Vec<Claim>,
    /// The certificate (JSON).
    pub certificate: Json,
    /// 0: every requested claim verified; 1 otherwise.
    pub exit_code: i32,
}

/// Reads, validates and certifies the spec at `path`.
pub fn certify_path(path: &Path) -> Result<Certified> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes.clone()).map_err(|_| Error::spec("", "the spec is not UTF-8 text"))?;
    let spec = parse_spec_str(&text)?;
    let display = path.to_string_lossy().replace('\\', "/");
    let source = SpecSource {
        path: display.strip_prefix("./").unwrap_or(&display).to_string(),
        sha256: certificate::sha256_hex(&bytes),
    };
    let claims = theorems::evaluate(&spec);
    let requested = spec.claims.as_deref();
    let certificate = certificate::build(&source, &canonical_json(&spec), &claims, requested);
    let exit_code = certificate::exit_code(&claims, requested);
    Ok(Certified { spec, claims, certificate, exit_code })
}
