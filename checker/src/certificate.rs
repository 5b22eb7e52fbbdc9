//! Certificate, version 2: the JSON model shared by the writer (the engine) and the checker.
//!
//! ```text
//! { "format": "shadowcert/2", "kind": "claims",
//!   "provenance": { "spec": {"path", "sha256"}, "tool": {"name", "version"} },                 not verified
//!   "inputs": { …the spec in canonical form… }, "inputs_sha256": "…",                          verified
//!   "evidence": { …what the checker verifies instead of searching… },                            verified
//!   "claims": [ {id, status, statement, values, witnesses, inequalities, reason?, checked_by} ],  verified
//!   "summary": { verified, refuted, inconclusive, not_applicable, exit_code } }                  verified
//! ```
//!
//! Every number is an exact rational string (`"1/10"`, intervals `"[lo, hi]"`). Keys are sorted
//! and nothing depends on time, so the same spec and version give byte-identical output.
//! `provenance` says where the inputs came from; `check` prints it and checks only its shape
//! (`regress` compares `spec.sha256` with the spec file it re-certifies).

use crate::claim::{Claim, Inequality, Rel, Status, Value};
use crate::error::{Error, Result};
use crate::exact::{fmt_rat, parse_rat, Rat, RatInterval};
use serde_json::{json, Map, Value as Json};
use sha2::{Digest, Sha256};

/// The format tag this build writes and reads.
pub const FORMAT: &str = "shadowcert/2";

/// `kind` of a certificate of claims about one spec.
pub const KIND_CLAIMS: &str = "claims";

/// `kind` of an admissibility certificate (certified step-size ranges).
pub const KIND_ADMISSIBILITY: &str = "admissibility";

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The canonical bytes of a JSON value (sorted keys, compact) — what the `*_sha256` fields hash.
pub fn canonical_bytes(v: &Json) -> Vec<u8> {
    serde_json::to_vec(v).expect("a serde_json::Value always serializes")
}

/// The certificate's text: pretty-printed JSON with sorted keys and a final newline.
pub fn to_text(cert: &Json) -> String {
    let mut s = serde_json::to_string_pretty(cert).expect("a serde_json::Value always serializes");
    s.push('\n');
    s
}

/// Exit code implied by a set of claims: 0 when every requested claim is verified (by default,
/// every claim that applies), 1 otherwise.
pub fn exit_code(claims: &[Claim], requested: Option<&[String]>) -> i32 {
    let bad = claims.iter().any(|c| match requested {
        Some(ids) if ids.contains(&c.id) => c.status != Status::Verified,
        Some(_) => false,
        None => matches!(c.status, Status::Refuted | Status::Inconclusive),
    });
    i32::from(bad)
}

/// Counts of each status, and the exit code.
pub fn summary(claims: &[Claim], requested: Option<&[String]>) -> Json {
    let count = |s: Status| claims.iter().filter(|c| c.status == s).count();
    json!({
        "verified": count(Status::Verified),
        "refuted": count(Status::Refuted),
        "inconclusive": count(Status::Inconclusive),
        "not_applicable": count(Status::NotApplicable),
        "exit_code": exit_code(claims, requested),
    })
}

/// Who verifies a claim record when a certificate is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckedBy {
    /// The checker, from the inputs and the stored evidence.
    Checker,
    /// `certify check` re-runs the engine for this claim (not yet carried by evidence).
    Rerun,
}

impl CheckedBy {
    /// `"checker"` or `"re-run"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckedBy::Checker => "checker",
            CheckedBy::Rerun => "re-run",
        }
    }
}

/// One claim record as JSON, with who verifies it.
pub fn claim_to_json(c: &Claim, by: CheckedBy) -> Json {
    let mut m = record_to_json(c);
    if let Json::Object(o) = &mut m {
        o.insert("checked_by".into(), json!(by.as_str()));
    }
    m
}

/// One claim record as JSON (as nested in admissibility certificates: no `checked_by`).
pub fn record_to_json(c: &Claim) -> Json {
    let values: Map<String, Json> = c.values.iter().map(|(k, v)| (k.clone(), Json::String(v.to_text()))).collect();
    let witnesses: Map<String, Json> = c.witnesses.iter().map(|(k, v)| (k.clone(), Json::String(fmt_rat(v)))).collect();
    let ineqs: Vec<Json> = c
        .inequalities
        .iter()
        .map(|i| json!({"name": i.name, "lhs": fmt_rat(&i.lhs), "rel": i.rel.as_str(), "rhs": fmt_rat(&i.rhs), "holds": i.holds}))
        .collect();
    let mut m = Map::new();
    m.insert("id".into(), json!(c.id));
    m.insert("status".into(), json!(c.status.as_str()));
    m.insert("statement".into(), json!(c.statement));
    m.insert("values".into(), Json::Object(values));
    m.insert("witnesses".into(), Json::Object(witnesses));
    m.insert("inequalities".into(), Json::Array(ineqs));
    if let Some(r) = &c.reason {
        m.insert("reason".into(), json!(r));
    }
    if !c.measured.is_empty() {
        let measured: Map<String, Json> =
            c.measured.iter().map(|(k, v)| (k.clone(), Json::String(v.to_text()))).collect();
        m.insert("measured".into(), Json::Object(measured));
    }
    Json::Object(m)
}

/// A value `"p/q"` or `"[lo, hi]"`.
pub fn parse_value(s: &str) -> Option<Value> {
    if s.starts_with('[') {
        RatInterval::parse(s).map(Value::Enclosed)
    } else {
        parse_rat(s).ok().map(Value::Exact)
    }
}

/// Parses one claim record (the inverse of [`claim_to_json`], without `checked_by`); errors name
/// the claim.
pub fn claim_from_json(v: &Json) -> Result<Claim> {
    let id = v.get("id").and_then(Json::as_str).ok_or_else(|| Error::rejected("claims", "a record has no \"id\""))?;
    let bad = |msg: String| Error::rejected(id, msg);
    let str_field = |k: &str| v.get(k).and_then(Json::as_str).ok_or_else(|| bad(format!("missing string \"{k}\"")));
    let status = Status::parse(str_field("status")?).ok_or_else(|| bad("unknown status".into()))?;
    let mut c = Claim::new(id, str_field("statement")?);
    c.status = status;
    c.reason = v.get("reason").and_then(Json::as_str).map(str::to_string);
    if let Some(m) = v.get("measured") {
        let m = m.as_object().ok_or_else(|| bad("\"measured\" is not an object".into()))?;
        for (k, x) in m {
            let s = x.as_str().and_then(parse_value).ok_or_else(|| bad(format!("measured {k}: not a number")))?;
            c.measured.insert(k.clone(), s);
        }
    }
    let obj = |k: &str| v.get(k).and_then(Json::as_object).ok_or_else(|| bad(format!("missing object \"{k}\"")));
    for (k, x) in obj("values")? {
        let s = x.as_str().ok_or_else(|| bad(format!("value {k} is not a string")))?;
        c.values.insert(k.clone(), parse_value(s).ok_or_else(|| bad(format!("value {k}: bad number {s:?}")))?);
    }
    for (k, x) in obj("witnesses")? {
        let s = x.as_str().ok_or_else(|| bad(format!("witness {k} is not a string")))?;
        c.witnesses.insert(k.clone(), parse_rat(s).map_err(|e| bad(format!("witness {k}: {e}")))?);
    }
    let ineqs = v.get("inequalities").and_then(Json::as_array).ok_or_else(|| bad("missing \"inequalities\"".into()))?;
    for i in ineqs {
        let f = |k: &str| i.get(k).and_then(Json::as_str).ok_or_else(|| bad(format!("inequality without \"{k}\"")));
        let rat = |k: &str| -> Result<Rat> { parse_rat(f(k)?).map_err(|e| bad(format!("inequality {k}: {e}"))) };
        let rel = Rel::parse(f("rel")?).ok_or_else(|| bad("inequality with unknown \"rel\"".into()))?;
        let holds = i.get("holds").and_then(Json::as_bool).ok_or_else(|| bad("inequality without \"holds\"".into()))?;
        c.inequalities.push(Inequality {
            name: f("name")?.to_string(),
            lhs: rat("lhs")?,
            rel,
            rhs: rat("rhs")?,
            holds,
        });
    }
    Ok(c)
}

/// Where a certificate came from: outside the verified part (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// The spec file as given to `certify` (relative to its working directory).
    pub spec_path: String,
    /// SHA-256 of the spec file's bytes.
    pub spec_sha256: String,
    /// Tool version that wrote the certificate.
    pub tool_version: String,
}

impl Provenance {
    /// As JSON.
    pub fn to_json(&self) -> Json {
        let mut m = Map::new();
        m.insert("spec".into(), json!({"path": self.spec_path, "sha256": self.spec_sha256}));
        m.insert("tool".into(), json!({"name": "shadowcert", "version": self.tool_version}));
        Json::Object(m)
    }

    /// Reads and shape-checks a provenance object: a spec path, 64 hex digits, a version
    /// `major.minor.patch`.
    pub fn from_json(v: &Json) -> Result<Provenance> {
        let bad = |msg: &str| Error::rejected("provenance", msg.to_string());
        let m = v.as_object().ok_or_else(|| bad("expected an object"))?;
        if let Some(k) = m.keys().find(|k| !["spec", "tool"].contains(&k.as_str())) {
            return Err(bad(&format!("unknown field \"{k}\"")));
        }
        let spec = &v["spec"];
        let spec_path = spec["path"].as_str().filter(|p| !p.trim().is_empty());
        let hex = spec["sha256"].as_str().filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        let (Some(spec_path), Some(hex)) = (spec_path, hex) else {
            return Err(bad("expected spec {\"path\": \"…\", \"sha256\": \"<64 hex digits>\"}"));
        };
        if spec.as_object().is_none_or(|o| o.len() != 2) || hex.bytes().all(|b| b == b'0') {
            return Err(bad("spec: expected exactly a path and the SHA-256 of a file"));
        }
        let tool = &v["tool"];
        let version = tool["version"].as_str().filter(|s| {
            let parts: Vec<&str> = s.split('.').collect();
            parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        });
        let Some(version) =
            version.filter(|_| tool["name"] == "shadowcert" && tool.as_object().is_some_and(|o| o.len() == 2))
        else {
            return Err(bad("expected tool {\"name\": \"shadowcert\", \"version\": \"<major.minor.patch>\"}"));
        };
        Ok(Provenance {
            spec_path: spec_path.to_string(),
            spec_sha256: hex.to_string(),
            tool_version: version.to_string(),
        })
    }
}

/// The evidence a certificate carries for the checker (what it verifies instead of searching).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    /// Quadratic objectives: brackets of the eigenvalues of Q the constants and the trajectory
    /// claims read (`crate::theorems::constants::Spectrum`), verified by inertia counts.
    pub eigenvalues: Option<crate::theorems::constants::Spectrum>,
    /// Tubes by name (`crate::theorems::trajectories`): norms and checkpoints.
    pub tubes: std::collections::BTreeMap<String, crate::tube::TubeEvidence>,
    /// The start x̃₀ of `shadow.finite`'s shadowing orbit (found by the engine, enclosed by the checker).
    pub shadow_witness: Option<Vec<Rat>>,
    /// Expression and dataset objectives: brackets of the eigenvalues of `shadow.finite`'s reference
    /// Hessian H₀ (`crate::theorems::smooth`), verified by inertia counts.
    pub reference_eigenvalues: Option<crate::theorems::constants::Spectrum>,
    /// Expression and dataset objectives: one covering per quantity (`crate::theorems::general`).
    pub coverings: std::collections::BTreeMap<String, crate::theorems::general::Covering>,
    /// Dataset objectives: the positive vector v whose Collatz–Wielandt ratio bounds ‖X̃‖₂²
    /// (`crate::dataset::Design::verified`).
    pub gram_vector: Option<Vec<Rat>>,
}

impl Evidence {
    /// As JSON (`{}` when there is none).
    pub fn to_json(&self) -> Json {
        let mut m = Map::new();
        if let Some(s) = &self.eigenvalues {
            m.insert("eigenvalues".into(), s.to_json());
        }
        if let Some(s) = &self.reference_eigenvalues {
            m.insert("reference_eigenvalues".into(), s.to_json());
        }
        if !self.tubes.is_empty() {
            m.insert("tubes".into(), Json::Object(self.tubes.iter().map(|(k, t)| (k.clone(), t.to_json())).collect()));
        }
        if !self.coverings.is_empty() {
            m.insert(
                "coverings".into(),
                Json::Object(self.coverings.iter().map(|(k, c)| (k.clone(), c.to_json())).collect()),
            );
        }
        if let Some(v) = &self.gram_vector {
            m.insert("gram_vector".into(), Json::Array(v.iter().map(|x| json!(fmt_rat(x))).collect()));
        }
        if let Some(w) = &self.shadow_witness {
            m.insert("shadow_witness".into(), Json::Array(w.iter().map(|x| json!(fmt_rat(x))).collect()));
        }
        Json::Object(m)
    }
}
