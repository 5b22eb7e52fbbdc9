//! Admissibility certificates (`"kind": "admissibility"`): the writer and the exact checker.
//!
//! A certificate binds the exact inputs (canonical spec, `inputs_sha256`) and the request (range,
//! grid size, target; `request_sha256`) and, per step-size claim, stores
//! * `components`: `[h_from, h_to]` with the witnesses and the claim record at `h_to`. The checker
//!   re-decides the claim exactly at `h_to` and requires it verified, with these witnesses; by the
//!   monotonicity lemma of `crate::admissible::range` this proves every h ∈ (0, h_to] ⊇ the
//!   component. The first component starts at the request's `from`; a later one (the lemma says
//!   there is none) must start at a step size the claim verifies, above the previous component.
//! * `h_lo` (the last `h_to`), `h_hi` and `refutation`: the record at `h_hi`, re-decided exactly and
//!   required refuted (for `ks.lemma10` the refuted `ks.lemma9`, for `ks.thm5` the refuted
//!   `ks.assumption11`), which refutes every h ≥ h_hi; `gap` = h_hi/h_lo − 1.
//! * `supremum`: the exact closed form where there is one, recomputed, and equal to `h_lo`
//!   (attained) or `h_hi` (not attained).
//!
//! Exact rationals only: the checker uses the exact statements (through
//! [`crate::admissible::claims`], which calls the theorem functions exactly as
//! `theorems::evaluate` does — a unit test compares the two), never the interval path
//! (`crate::admissible::fast`) or floating point. It takes only the `Request` and `ClaimRange`
//! data types from the search.

use super::{canonical_bytes, claim_to_json, sha256_hex, SpecSource, FORMAT};
use crate::admissible::claims::{closed_form_supremum, StepClaims, Verdict, STEP_CLAIMS};
use crate::admissible::{ClaimRange, Request};
use crate::claim::Status;
use crate::exact::{fmt_rat, parse_rat, Rat};
use crate::spec::{canonical_json, parse_spec_value, Spec};
use crate::{Error, Result};
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;

/// The `kind` of an admissibility certificate.
pub const KIND: &str = "admissibility";

/// The request as JSON (what `request_sha256` hashes).
pub fn request_to_json(req: &Request) -> Json {
    json!({"from": fmt_rat(&req.from), "to": fmt_rat(&req.to), "points": req.points, "target": fmt_rat(&req.target)})
}

/// One claim's record.
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
            json!({"h_from": fmt_rat(&c.h_from), "h_to": fmt_rat(&c.h_to), "witnesses": w, "record": claim_to_json(&c.record)})
        })
        .collect();
    m.insert("components".into(), Json::Array(comps));
    if let Some(lo) = r.h_lo() {
        m.insert("h_lo".into(), json!(fmt_rat(lo)));
    }
    if let Some(f) = &r.refutation {
        m.insert("h_hi".into(), json!(fmt_rat(&f.h)));
        m.insert("refutation".into(), json!({"h": fmt_rat(&f.h), "record": claim_to_json(&f.record)}));
    }
    if let Some(g) = r.gap() {
        m.insert("gap".into(), json!(fmt_rat(&g)));
    }
    if let Some(s) = &r.supremum {
        m.insert("supremum".into(), json!({"value": fmt_rat(&s.value), "attained": s.attained}));
    }
    Json::Object(m)
}

fn summary(ranges: &[Json]) -> Json {
    let count = |f: &dyn Fn(&Json) -> bool| ranges.iter().filter(|r| f(r)).count();
    let applicable = count(&|r| r.get("not_applicable").is_none());
    let bracketed = count(&|r| r.get("gap").is_some());
    json!({
        "exit_code": i32::from(applicable == 0 || bracketed < applicable),
        "claims": ranges.len(),
        "not_applicable": count(&|r| r.get("not_applicable").is_some()),
        "with_components": count(&|r| r.get("h_lo").is_some()),
        "bracketed": bracketed,
    })
}

/// The complete admissibility certificate.
pub fn build(source: &SpecSource, spec: &Spec, req: &Request, ranges: &[ClaimRange]) -> Json {
    let inputs = canonical_json(spec);
    let request = request_to_json(req);
    let claims: Vec<Json> = ranges.iter().map(range_to_json).collect();
    let mut root = BTreeMap::new();
    root.insert("format", json!(FORMAT));
    root.insert("kind", json!(KIND));
    root.insert("tool", json!({"name": "shadowcert", "version": env!("CARGO_PKG_VERSION")}));
    root.insert("spec", json!({"path": source.path, "sha256": source.sha256}));
    root.insert("inputs_sha256", json!(sha256_hex(&canonical_bytes(&inputs))));
    root.insert("inputs", inputs);
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

/// What a successful check of an admissibility certificate established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedRanges {
    /// The summary's exit code.
    pub exit_code: i32,
    /// Claims re-verified.
    pub claims: usize,
    /// Components re-verified.
    pub components: usize,
    /// Refutations re-verified.
    pub refutations: usize,
}

fn rat_at(v: &Json, key: &str, place: &str) -> Result<Rat> {
    let s =
        v.get(key).and_then(Json::as_str).ok_or_else(|| Error::check(place, format!("missing string \"{key}\"")))?;
    parse_rat(s).map_err(|e| Error::check(place, format!("{key}: {e}")))
}

fn expect_eq(place: &str, what: &str, stored: Option<&Json>, recomputed: &Json) -> Result<()> {
    if stored != Some(recomputed) {
        let shown = stored.map_or("nothing".to_string(), |s| s.to_string());
        return Err(Error::check(place, format!("{what}: stored {shown}, recomputed {recomputed}")));
    }
    Ok(())
}

/// Re-verifies an admissibility certificate with exact rationals. The error names the claim.
pub fn check(cert: &Json) -> Result<CheckedRanges> {
    let inputs = cert.get("inputs").ok_or_else(|| Error::check("inputs", "missing"))?;
    let mut spec = parse_spec_value(inputs).map_err(|e| Error::check("inputs", format!("not a valid spec: {e}")))?;
    if &canonical_json(&spec) != inputs {
        return Err(Error::check("inputs", "not in canonical form (numbers must be exact rationals in lowest terms)"));
    }
    expect_eq("inputs_sha256", "digest", cert.get("inputs_sha256"), &json!(sha256_hex(&canonical_bytes(inputs))))?;
    let request = cert.get("request").ok_or_else(|| Error::check("request", "missing"))?;
    let req = Request {
        from: rat_at(request, "from", "request")?,
        to: rat_at(request, "to", "request")?,
        points: request.get("points").and_then(Json::as_u64).ok_or_else(|| Error::check("request", "points"))? as usize,
        target: rat_at(request, "target", "request")?,
    };
    req.validate().map_err(|e| Error::check("request", e))?;
    expect_eq("request", "request", Some(request), &request_to_json(&req))?;
    expect_eq("request_sha256", "digest", cert.get("request_sha256"), &json!(sha256_hex(&canonical_bytes(request))))?;
    let stored = cert.get("claims").and_then(Json::as_array).ok_or_else(|| Error::check("claims", "missing array"))?;
    let expected: Vec<&str> = STEP_CLAIMS
        .iter()
        .copied()
        .filter(|id| spec.claims.as_ref().is_none_or(|c| c.iter().any(|x| x == id)))
        .collect();
    let ids: Vec<&str> = stored.iter().map(|c| c.get("id").and_then(Json::as_str).unwrap_or("<no id>")).collect();
    if ids != expected {
        return Err(Error::check("claims", format!("claims {ids:?}, the inputs give {expected:?}")));
    }
    spec.claims = None;
    let sc = StepClaims::new(&spec);
    let mut out = CheckedRanges { exit_code: 1, claims: 0, components: 0, refutations: 0 };
    for (s, id) in stored.iter().zip(&expected) {
        let (c, f) = check_claim(&sc, &spec, &req, id, s)?;
        out.claims += 1;
        out.components += c;
        out.refutations += f;
    }
    let sum = summary(stored);
    expect_eq("summary", "summary", cert.get("summary"), &sum)?;
    out.exit_code = sum["exit_code"].as_i64().unwrap_or(1) as i32;
    Ok(out)
}

/// Re-verifies one claim's record; returns the numbers of components and refutations checked.
fn check_claim(sc: &StepClaims, spec: &Spec, req: &Request, id: &str, s: &Json) -> Result<(usize, usize)> {
    let obj = s.as_object().ok_or_else(|| Error::check(id, "not an object"))?;
    let allowed = ["id", "not_applicable", "components", "h_lo", "h_hi", "refutation", "gap", "supremum"];
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::check(id, format!("unknown field \"{k}\"")));
    }
    if let Err(reason) = sc.applies(id) {
        return expect_eq(id, "record", Some(s), &json!({"id": id, "not_applicable": reason})).map(|_| (0, 0));
    }
    if obj.contains_key("not_applicable") {
        return Err(Error::check(id, "marked not applicable, but the claim applies to the inputs"));
    }
    let comps = s.get("components").and_then(Json::as_array).ok_or_else(|| Error::check(id, "missing components"))?;
    let mut prev_to: Option<Rat> = None;
    for (k, comp) in comps.iter().enumerate() {
        let place = format!("{id}: component {k}");
        let h_from = rat_at(comp, "h_from", &place)?;
        let h_to = rat_at(comp, "h_to", &place)?;
        if !(req.from <= h_from && h_from <= h_to && h_to <= req.to) {
            return Err(Error::check(
                id,
                format!("component {k}: [{h_from}, {h_to}] is not inside the request's range"),
            ));
        }
        match &prev_to {
            None if h_from != req.from => {
                return Err(Error::check(id, format!("component 0 must start at the range's from, got {h_from}")))
            }
            Some(p) if &h_from <= p || sc.verdict(id, &h_from) != Verdict::Verified => {
                return Err(Error::check(
                    id,
                    format!("component {k}: h_from {h_from} is not a verified point above the previous component"),
                ));
            }
            _ => {}
        }
        let record = sc.claim(id, &h_to);
        if record.status != Status::Verified {
            return Err(Error::check(id, format!("component {k}: the claim is {} at h_to = {h_to}", record.status)));
        }
        expect_eq(id, &format!("component {k} record"), comp.get("record"), &claim_to_json(&record))?;
        let w: Map<String, Json> =
            record.witnesses.iter().map(|(k, v)| (k.clone(), Json::String(fmt_rat(v)))).collect();
        expect_eq(id, &format!("component {k} witnesses"), comp.get("witnesses"), &Json::Object(w))?;
        let keys: Vec<&String> = comp.as_object().map(|o| o.keys().collect()).unwrap_or_default();
        if keys.len() != 4 {
            return Err(Error::check(id, format!("component {k}: unexpected fields {keys:?}")));
        }
        prev_to = Some(h_to);
    }
    let h_lo = prev_to;
    expect_eq(
        id,
        "h_lo",
        s.get("h_lo").or(Some(&Json::Null)),
        &h_lo.as_ref().map_or(Json::Null, |r| json!(fmt_rat(r))),
    )?;
    let mut refutations = 0;
    let h_hi = match s.get("refutation") {
        None => None,
        Some(f) => {
            let h = rat_at(f, "h", &format!("{id}: refutation"))?;
            if !(req.from <= h && h <= req.to) || h_lo.as_ref().is_some_and(|lo| &h <= lo) {
                return Err(Error::check(id, format!("refutation at {h}: outside the range or not above h_lo")));
            }
            let (v, record) = sc.decide(id, &h);
            if v != Verdict::Refuted {
                return Err(Error::check(id, format!("refutation at {h}: the exact statement says {}", v.as_str())));
            }
            expect_eq(id, "refutation", Some(f), &json!({"h": fmt_rat(&h), "record": claim_to_json(&record)}))?;
            refutations += 1;
            Some(h)
        }
    };
    expect_eq(
        id,
        "h_hi",
        s.get("h_hi").or(Some(&Json::Null)),
        &h_hi.as_ref().map_or(Json::Null, |r| json!(fmt_rat(r))),
    )?;
    let gap = match (&h_lo, &h_hi) {
        (Some(lo), Some(hi)) => json!(fmt_rat(&(hi / lo - Rat::from_integer(1.into())))),
        _ => Json::Null,
    };
    expect_eq(id, "gap", s.get("gap").or(Some(&Json::Null)), &gap)?;
    let sup = closed_form_supremum(sc, id, &spec.algorithm.method);
    let sup_json = sup.as_ref().map_or(Json::Null, |x| json!({"value": fmt_rat(&x.value), "attained": x.attained}));
    expect_eq(id, "supremum", s.get("supremum").or(Some(&Json::Null)), &sup_json)?;
    if let Some(x) = sup.as_ref().filter(|x| req.from <= x.value && x.value <= req.to) {
        let end = if x.attained { &h_lo } else { &h_hi };
        if end.as_ref().is_some_and(|e| e != &x.value) {
            return Err(Error::check(
                id,
                "the closed-form supremum is inside the range but the bracket does not end at it",
            ));
        }
    }
    Ok((comps.len(), refutations))
}
