//! Admissibility certificates (`"kind": "admissibility"`): the writer. The format, the statement
//! of what each stored range proves and the check are the checker's
//! (`shadowcert_checker::admissibility`).

use super::{ClaimRange, Request};
use crate::certificate::{canonical_bytes, record_to_json, sha256_hex, SpecSource, FORMAT, KIND_ADMISSIBILITY};
use crate::exact::fmt_rat;
use crate::spec::{canonical_json, Spec};
use serde_json::{json, Map, Value as Json};
use shadowcert_checker::admissibility::summary;
use std::collections::BTreeMap;

/// One claim's range as JSON.
pub fn range_to_json(r: &ClaimRange) -> Json {
    let mut m = Map::new();
    m.insert("id".into(), json!(r.id));
    if let Some(reason) = &r.not_applicable {
        m.insert("not_applicable".into(), json!(reason));
        return Json::Object(m);
    }
    let comps: Vec<Json> = r
        .components
        .iter()
        .map(|c| {
            let w: Map<String, Json> =
                c.record.witnesses.iter().map(|(k, v)| (k.clone(), Json::String(fmt_rat(v)))).collect();
            json!({"h_from": fmt_rat(&c.h_from), "h_to": fmt_rat(&c.h_to), "witnesses": w, "record": record_to_json(&c.record)})
        })
        .collect();
    m.insert("components".into(), Json::Array(comps));
    if let Some(lo) = r.h_lo() {
        m.insert("h_lo".into(), json!(fmt_rat(lo)));
    }
    if let Some(f) = &r.refutation {
        m.insert("h_hi".into(), json!(fmt_rat(&f.h)));
        m.insert("refutation".into(), json!({"h": fmt_rat(&f.h), "record": record_to_json(&f.record)}));
    }
    if let Some(g) = r.gap() {
        m.insert("gap".into(), json!(fmt_rat(&g)));
    }
    if let Some(s) = &r.supremum {
        m.insert("supremum".into(), json!({"value": fmt_rat(&s.value), "attained": s.attained}));
    }
    Json::Object(m)
}

/// The complete admissibility certificate, with the evidence of the spec's constants.
pub fn build(source: &SpecSource, spec: &Spec, req: &Request, ranges: &[ClaimRange]) -> Json {
    let inputs = canonical_json(spec);
    let request = req.to_json();
    let claims: Vec<Json> = ranges.iter().map(range_to_json).collect();
    let evidence = crate::theorems::constants_with_evidence(spec).1;
    let mut root = BTreeMap::new();
    root.insert("format", json!(FORMAT));
    root.insert("kind", json!(KIND_ADMISSIBILITY));
    root.insert("provenance", source.provenance().to_json());
    root.insert("inputs_sha256", json!(sha256_hex(&canonical_bytes(&inputs))));
    root.insert("inputs", inputs);
    root.insert("evidence", evidence.to_json());
    root.insert("request_sha256", json!(sha256_hex(&canonical_bytes(&request))));
    root.insert("request", request);
    root.insert("summary", summary(&claims));
    root.insert("claims", Json::Array(claims));
    serde_json::to_value(root).expect("a map of JSON values serializes")
}

/// Exit code of `certify admissible`: 0 when some claim applies and every applicable claim is
/// bracketed (a component and a refutation above it), 1 otherwise.
pub fn exit_code(cert: &Json) -> i32 {
    cert["summary"]["exit_code"].as_i64().unwrap_or(1) as i32
}
