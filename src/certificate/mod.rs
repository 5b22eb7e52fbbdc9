//! Certificate, version 1: the model, the writer, and (in [`check`]) the independent re-verification.
//!
//! A certificate holds the exact inputs (the spec in canonical form, bound by its SHA-256), one
//! record per claim with its values, witnesses and deciding inequalities (each side an exact
//! rational), and a summary. Keys are sorted and nothing depends on time, so the same spec and
//! version give byte-identical output.

pub mod admissible;
pub mod check;
pub mod data;
pub mod regress;

use crate::claim::{Claim, Inequality, Rel, Status, Value};
use crate::exact::{fmt_rat, parse_rat, Rat, RatInterval};
use crate::{Error, Result};
use serde_json::{json, Map, Value as Json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The format tag this build writes and reads.
pub const FORMAT: &str = "shadowcert/1";

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The canonical bytes of a JSON value (sorted keys, compact) — what `inputs_sha256` hashes.
pub fn canonical_bytes(v: &Json) -> Vec<u8> {
    serde_json::to_vec(v).expect("a serde_json::Value always serializes")
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

/// One claim record as JSON.
pub fn claim_to_json(c: &Claim) -> Json {
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
    Json::Object(m)
}

/// Parses one claim record (the inverse of [`claim_to_json`]); errors name the claim.
pub fn claim_from_json(v: &Json) -> Result<Claim> {
    let id = v
        .get("id")
        .and_then(Json::as_str)
        .ok_or_else(|| Error::check("claims", "a claim record has no string \"id\""))?;
    let bad = |msg: String| Error::check(id, msg);
    let str_field =
        |k: &str| v.get(k).and_then(Json::as_str).ok_or_else(|| bad(format!("missing string field \"{k}\"")));
    let status = Status::parse(str_field("status")?).ok_or_else(|| bad("unknown status".into()))?;
    let mut c = Claim::new(id, str_field("statement")?);
    c.status = status;
    c.reason = v.get("reason").and_then(Json::as_str).map(str::to_string);
    let obj = |k: &str| v.get(k).and_then(Json::as_object).ok_or_else(|| bad(format!("missing object \"{k}\"")));
    for (k, x) in obj("values")? {
        let s = x.as_str().ok_or_else(|| bad(format!("value {k} is not a string")))?;
        let val = if s.starts_with('[') {
            Value::Enclosed(RatInterval::parse(s).ok_or_else(|| bad(format!("value {k}: bad interval {s:?}")))?)
        } else {
            Value::Exact(parse_rat(s).map_err(|e| bad(format!("value {k}: {e}")))?)
        };
        c.values.insert(k.clone(), val);
    }
    for (k, x) in obj("witnesses")? {
        let s = x.as_str().ok_or_else(|| bad(format!("witness {k} is not a string")))?;
        c.witnesses.insert(k.clone(), parse_rat(s).map_err(|e| bad(format!("witness {k}: {e}")))?);
    }
    let ineqs =
        v.get("inequalities").and_then(Json::as_array).ok_or_else(|| bad("missing array \"inequalities\"".into()))?;
    for i in ineqs {
        let f =
            |k: &str| i.get(k).and_then(Json::as_str).ok_or_else(|| bad(format!("inequality without string \"{k}\"")));
        let rat = |k: &str| -> Result<Rat> { parse_rat(f(k)?).map_err(|e| bad(format!("inequality {k}: {e}"))) };
        let rel = Rel::parse(f("rel")?).ok_or_else(|| bad("inequality with unknown \"rel\"".into()))?;
        let holds =
            i.get("holds").and_then(Json::as_bool).ok_or_else(|| bad("inequality without boolean \"holds\"".into()))?;
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

/// Where a certificate's spec came from.
#[derive(Clone, Debug)]
pub struct SpecSource {
    /// Path as given (relative paths stay relative, `./` removed).
    pub path: String,
    /// SHA-256 of the spec file's bytes.
    pub sha256: String,
}

/// The complete certificate for `claims` about `inputs` (the canonical spec JSON).
pub fn build(source: &SpecSource, inputs: &Json, claims: &[Claim], requested: Option<&[String]>) -> Json {
    let mut root = BTreeMap::new();
    root.insert("format", json!(FORMAT));
    root.insert("tool", json!({"name": "shadowcert", "version": env!("CARGO_PKG_VERSION")}));
    root.insert("spec", json!({"path": source.path, "sha256": source.sha256}));
    root.insert("inputs", inputs.clone());
    root.insert("inputs_sha256", json!(sha256_hex(&canonical_bytes(inputs))));
    root.insert("claims", Json::Array(claims.iter().map(claim_to_json).collect()));
    root.insert("summary", summary(claims, requested));
    serde_json::to_value(root).expect("a map of JSON values serializes")
}

/// The certificate's text: pretty-printed JSON with sorted keys and a final newline.
pub fn to_text(cert: &Json) -> String {
    let mut s = serde_json::to_string_pretty(cert).expect("a serde_json::Value always serializes");
    s.push('\n');
    s
}
