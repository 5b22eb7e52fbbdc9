//! Finding the inputs of a certificate on disk: a dataset objective's CSV.
//!
//! A certificate stores the data path as written in the spec (relative to the spec file) and the
//! SHA-256 of the CSV bytes. `check` resolves the path against the directory of the certificate's
//! `spec.path` (itself relative to the working directory, as `certify` was run) and rejects the
//! certificate when the file is missing or its hash differs, naming the file.

use crate::spec::{parse_spec_value_in, spec_dir, Spec};
use crate::{Error, Result};
use serde_json::Value as Json;
use std::path::Path;

/// Validates the certificate's `inputs` as a spec, with data files found relative to the
/// certificate's `spec.path`. Errors are spec errors (for example
/// `/objective/data_sha256: the data file changed: …`).
pub fn parse_inputs(cert: &Json, inputs: &Json) -> Result<Spec> {
    let spec_path = cert.get("spec").and_then(|s| s.get("path")).and_then(Json::as_str).unwrap_or("");
    let base = spec_dir(Path::new(spec_path));
    let spec = parse_spec_value_in(inputs, Some(&base))?;
    if let crate::spec::Objective::Dataset(d) = &spec.objective {
        if inputs.pointer("/objective/data_sha256").is_none() {
            return Err(Error::spec("/objective", format!("missing field \"data_sha256\" (the hash of {})", d.path)));
        }
    }
    Ok(spec)
}
