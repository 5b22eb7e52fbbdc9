//! `certify regress DIR`: the CI proof regression.
//!
//! For every `*.cert.json` in DIR: `check` it, re-certify its spec with this build, and fail when a
//! claim's status got worse, one of its bounds got looser, or the spec changed since the
//! certificate was written. Improvements are reported without failing; a golden certificate is
//! regenerated on purpose only.

use super::check::check_with;
use super::{canonical_bytes, claim_from_json, sha256_hex};
use crate::claim::{Claim, Status};
use crate::spec::{canonical_json, parse_spec_str_in, spec_dir};
use crate::{Error, Result};
use rayon::prelude::*;
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// Bounds whose direction is known: `(claim, value, smaller_is_better)`.
const BOUNDS: &[(&str, &str, bool)] = &[
    ("ol.prop1", "delta", true),
    ("ol.thm2", "epsilon", true),
    ("ol.thm3", "h_max", false),
    ("ol.prop2", "delta", true),
    ("ks.thm3", "h_max", false),
    ("ks.lemma8", "beta1", true),
    ("ks.lemma8", "C2_2", true),
    ("ks.lemma9", "tau1", true),
    ("ks.assumption11", "mu", true),
    ("ks.thm5", "rate", true),
];

fn rank(s: Status) -> u8 {
    match s {
        Status::Verified => 0,
        Status::NotApplicable => 1,
        Status::Inconclusive => 2,
        Status::Refuted => 3,
    }
}

/// One certificate's regression result.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The certificate file.
    pub cert: PathBuf,
    /// Failures (status worse, bound looser, check failed, spec missing).
    pub failures: Vec<String>,
    /// Notes (improvements, changed spec, changed certificate).
    pub notes: Vec<String>,
}

/// Compares stored claims with claims recomputed now: failures and notes.
pub fn compare(stored: &[Claim], now: &[Claim]) -> (Vec<String>, Vec<String>) {
    let (mut fail, mut note) = (Vec::new(), Vec::new());
    for old in stored {
        let Some(new) = now.iter().find(|c| c.id == old.id) else {
            fail.push(format!("{}: claim no longer produced", old.id));
            continue;
        };
        if rank(new.status) > rank(old.status) {
            fail.push(format!("{}: status {} -> {}", old.id, old.status, new.status));
        } else if new.status != old.status {
            note.push(format!("{}: status {} -> {} (better)", old.id, old.status, new.status));
        }
        for (id, name, smaller_better) in BOUNDS {
            if *id != old.id {
                continue;
            }
            if let (Some(a), Some(b)) = (old.values.get(*name), new.values.get(*name)) {
                let looser = if *smaller_better { b.hi() > a.hi() } else { b.lo() < a.lo() };
                let tighter = if *smaller_better { b.hi() < a.hi() } else { b.lo() > a.lo() };
                if looser {
                    fail.push(format!("{}: {name} looser: {} -> {}", old.id, a.to_text(), b.to_text()));
                } else if tighter {
                    note.push(format!("{}: {name} tighter: {} -> {}", old.id, a.to_text(), b.to_text()));
                }
            }
        }
    }
    for new in now {
        if !stored.iter().any(|c| c.id == new.id) {
            note.push(format!("{}: new claim ({})", new.id, new.status));
        }
    }
    (fail, note)
}

/// Finds the spec a certificate names: relative to the working directory, then to DIR's parent.
fn locate_spec(path: &str, dir: &Path) -> Option<PathBuf> {
    let p = PathBuf::from(path);
    if p.is_file() {
        return Some(p);
    }
    let alt = dir.parent().map(|d| d.join(&p))?;
    alt.is_file().then_some(alt)
}

/// Runs the regression over every `*.cert.json` in `dir`, in file-name order.
pub fn regress(dir: &Path) -> Result<Vec<Entry>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".cert.json"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::Usage(format!("{}: no *.cert.json certificates found", dir.display())));
    }
    // Certificates are independent: two at a time on two cores (the order of the entries is kept).
    Ok(files.into_par_iter().map(|f| regress_one(&f, dir)).collect())
}

fn regress_one(file: &Path, dir: &Path) -> Entry {
    let mut e = Entry { cert: file.to_path_buf(), failures: Vec::new(), notes: Vec::new() };
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(err) => {
            e.failures.push(format!("cannot read: {err}"));
            return e;
        }
    };
    let cert: Json = match crate::spec::parse_json(&text) {
        Ok(c) => c,
        Err(err) => {
            e.failures.push(format!("not a certificate: {err}"));
            return e;
        }
    };
    if let Err(err) = check_with(&cert, file.parent(), None) {
        e.failures.push(format!("check failed: {err}"));
        return e;
    }
    if let Some(kind) = cert.get("kind").and_then(Json::as_str).filter(|k| *k != "claims") {
        e.notes.push(format!("{kind} certificate: re-verified by check; its ranges are not re-searched here"));
        return e;
    }
    let stored: Vec<Claim> =
        cert["claims"].as_array().into_iter().flatten().filter_map(|c| claim_from_json(c).ok()).collect();
    let spec_path = cert["provenance"]["spec"]["path"].as_str().unwrap_or_default();
    let Some(found) = locate_spec(spec_path, dir) else {
        e.failures.push(format!("spec {spec_path:?} not found"));
        return e;
    };
    let bytes = match std::fs::read(&found) {
        Ok(b) => b,
        Err(err) => {
            e.failures.push(format!("{}: {err}", found.display()));
            return e;
        }
    };
    if cert["provenance"]["spec"]["sha256"].as_str() != Some(sha256_hex(&bytes).as_str()) {
        e.failures.push(format!(
            "{} changed since the certificate was written: regenerate it on purpose (SHADOWCERT_BLESS=1 cargo test --release)",
            found.display()
        ));
    }
    let spec = match parse_spec_str_in(&String::from_utf8_lossy(&bytes), Some(&spec_dir(&found))) {
        Ok(s) => s,
        Err(err) => {
            e.failures.push(format!("spec no longer valid: {err}"));
            return e;
        }
    };
    // The same evaluation as the re-run of `check` above when the inputs are unchanged (memoized by
    // their digest), so a re-run spec is evaluated once.
    let digest = sha256_hex(&canonical_bytes(&canonical_json(&spec)));
    let now = super::check::evaluate_memo(&digest, &spec);
    let (fail, note) = compare(&stored, &now);
    e.failures.extend(fail);
    e.notes.extend(note);
    e
}
