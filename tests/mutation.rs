//! Tampering: single-number mutations of every certificate in `proofs/` (an even spread of its
//! numbers) must make `check` fail, naming the claim (or the certificate section) that disagrees — except in the
//! evidence, where a mutation may leave valid (looser) evidence that still proves every record, and
//! in a record's `measured` values, which are outside what `check` verifies.
//! This shows that certificates are deterministic and bound to their inputs; it is not evidence of
//! the checker's independence (`tests/adversarial.rs` is: consistent but wrong certificates).

use crate::util::{cert_for, spec_files};
use serde_json::Value;
use shadowcert::certificate::check::check_with;

fn check(cert: &Value) -> Result<shadowcert::certificate::check::Checked, shadowcert::Error> {
    check_with(cert, Some(&crate::util::root().join("proofs")), None)
}
use shadowcert::exact::{fmt_rat, parse_rat, RatInterval};

/// Paths (JSON pointers) of every string that parses as an exact rational or an interval, and of
/// every JSON number.
pub fn numeric_leaves(v: &Value, path: String, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| numeric_leaves(x, format!("{path}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| numeric_leaves(x, format!("{path}/{i}"), out)),
        Value::Number(_) => out.push(path),
        Value::String(s) if parse_rat(s).is_ok() || RatInterval::parse(s).is_some() => out.push(path),
        _ => {}
    }
}

/// The same number, changed: +1/1000 for rationals, the upper end moved for intervals, +1 for integers.
pub fn mutate(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::from(n.as_i64().unwrap_or(0) + 1),
        Value::String(s) => {
            if let Some(i) = RatInterval::parse(s) {
                let hi = &i.hi + parse_rat("1/1000").unwrap();
                Value::String(RatInterval::new(i.lo, hi).to_string_exact())
            } else {
                let r = parse_rat(s).unwrap() + parse_rat("1/1000").unwrap();
                Value::String(fmt_rat(&r))
            }
        }
        _ => unreachable!(),
    }
}

/// An even spread of at most `records` leaves of the records and envelope and `evidence` leaves of
/// the evidence (each check re-derives every record and re-runs every tube, so all of a large
/// certificate's numbers would cost minutes; `tests/adversarial.rs` tampers where it matters).
fn sample(leaves: Vec<String>, records: usize, evidence: usize) -> Vec<String> {
    let spread = |v: Vec<String>, n: usize| -> Vec<String> {
        let stride = v.len().div_ceil(n).max(1);
        v.into_iter().step_by(stride).collect()
    };
    let (ev, rest): (Vec<String>, Vec<String>) = leaves.into_iter().partition(|p| p.starts_with("/evidence/"));
    spread(rest, records).into_iter().chain(spread(ev, evidence)).collect()
}

#[test]
fn single_number_mutations_are_rejected() {
    let mut total = 0;
    for spec in spec_files() {
        let text = std::fs::read_to_string(cert_for(&spec)).unwrap();
        let cert: Value = serde_json::from_str(&text).unwrap();
        check(&cert).unwrap_or_else(|e| panic!("{}: golden certificate must check: {e}", spec.display()));
        let mut leaves = Vec::new();
        numeric_leaves(&cert, String::new(), &mut leaves);
        assert!(leaves.len() > 20, "{}: suspiciously few numbers", spec.display());
        for p in sample(leaves, 30, 6) {
            let mut bad = cert.clone();
            let leaf = bad.pointer_mut(&p).unwrap();
            *leaf = mutate(leaf);
            let Err(err) = check(&bad) else {
                // Looser evidence may still prove every record; `measured` is outside the verified part.
                let unverified = p.starts_with("/evidence/") || p.contains("/measured/");
                assert!(unverified, "{}: mutation of {p} was accepted", spec.display());
                continue;
            };
            let named = err.to_string();
            assert!(!named.is_empty(), "{p}: error must name the claim");
            if let Some(rest) = p.strip_prefix("/claims/") {
                let i: usize = rest.split('/').next().unwrap().parse().unwrap();
                let id = cert["claims"][i]["id"].as_str().unwrap();
                assert!(
                    named.starts_with(id),
                    "{}: mutation of {p} rejected as {named:?}, should name {id}",
                    spec.display()
                );
            }
            total += 1;
        }
    }
    assert!(total > 200, "only {total} mutations tried");
}

#[test]
fn tampered_status_and_verdict_flip_are_rejected() {
    let text = std::fs::read_to_string(crate::util::root().join("proofs/heavy_ball.cert.json")).unwrap();
    let cert: Value = serde_json::from_str(&text).unwrap();
    let claims = cert["claims"].as_array().unwrap();
    let i = claims.iter().position(|c| c["id"] == "ks.assumption11").unwrap();
    let mut bad = cert.clone();
    bad["claims"][i]["status"] = Value::String("refuted".into());
    assert!(check(&bad).unwrap_err().to_string().starts_with("ks.assumption11"));
    let mut bad = cert.clone();
    bad["claims"][i]["inequalities"][0]["holds"] = Value::Bool(false);
    assert!(check(&bad).unwrap_err().to_string().starts_with("ks.assumption11"));
}
