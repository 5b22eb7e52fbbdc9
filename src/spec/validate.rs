//! The validator: one walk over the spec's JSON value, from raw JSON to [`Spec`].
//!
//! Walking the `serde_json::Value` by hand (rather than a `#[serde(deny_unknown_fields)]` struct)
//! lets every error carry the exact JSON pointer of the offending value. Errors about a value are
//! located at that value (`/algorithm/lambda`); errors about a key (unknown, missing, duplicate)
//! at the object holding it (`/algorithm`), since a JSON pointer addresses values, not keys.

use super::{
    Algorithm, Method, Objective, Scheme7Kind, Spec, DEFAULT_BOXES_DATASET, DEFAULT_BOXES_EXPRESSION, DEFAULT_STEPS,
    KNOWN_CONSTANTS, MAX_BOXES, MAX_STEPS,
};
use crate::claim::CLAIM_IDS;
use crate::exact::{fmt_rat, parse_rat, Rat, RatParseError};
use crate::objective::dataset::{Dataset, Loss};
use crate::objective::expression::Expression;
use crate::{Error, Result};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// Top-level fields of spec v1.
pub(super) const TOP_FIELDS: &[&str] =
    &["name", "objective", "domain", "constants", "algorithm", "x0", "horizon", "epsilon", "claims", "budget"];

/// Variants of a tagged object (objective types, methods), each with its fields.
pub(super) type Variants = &'static [(&'static str, &'static [&'static str])];

/// Objective types of spec v1 with their fields.
pub(super) const OBJECTIVE_FIELDS: Variants = &[
    ("quadratic", &["type", "Q", "b"]),
    ("expression", &["type", "vars", "f"]),
    ("dataset", &["type", "data", "data_sha256", "loss", "l2", "bias", "scale"]),
];

/// Fields of `budget`.
pub(super) const BUDGET_FIELDS: &[&str] = &["max_boxes"];

/// Methods of spec v1 with their fields.
pub(super) const METHOD_FIELDS: Variants = &[
    ("gd", &["method", "h"]),
    ("heavy_ball", &["method", "h", "lambda"]),
    ("nesterov", &["method", "h", "lambda"]),
    ("momentum", &["method", "h", "lambda", "a"]),
    ("heavy_ball_ol", &["method", "h", "alpha"]),
];

/// Fields of `horizon`.
pub(super) const HORIZON_FIELDS: &[&str] = &["steps"];

/// The pointer of member `key` of the object at `ptr` (RFC 6901: `~` → `~0`, `/` → `~1`).
pub(super) fn child(ptr: &str, key: &str) -> String {
    format!("{ptr}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The pointer of element `i` of the array at `ptr`.
fn index(ptr: &str, i: usize) -> String {
    format!("{ptr}/{i}")
}

/// Compact JSON text of `v` for error messages, cut at 60 characters.
fn show(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// `"a", "b", "c"`.
fn quoted(names: &[&str]) -> String {
    names.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
}

fn object<'a>(v: &'a Value, ptr: &str) -> Result<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| Error::spec(ptr, format!("expected an object, got {}", show(v))))
}

fn array<'a>(v: &'a Value, ptr: &str) -> Result<&'a Vec<Value>> {
    v.as_array().ok_or_else(|| Error::spec(ptr, format!("expected an array, got {}", show(v))))
}

fn string<'a>(v: &'a Value, ptr: &str) -> Result<&'a str> {
    v.as_str().ok_or_else(|| Error::spec(ptr, format!("expected a string, got {}", show(v))))
}

fn required<'a>(m: &'a Map<String, Value>, ptr: &str, key: &str) -> Result<&'a Value> {
    m.get(key).ok_or_else(|| Error::spec(ptr, format!("missing field \"{key}\"")))
}

/// Rejects keys of `m` outside `allowed`; a key that belongs to a sibling variant (`variants`) gets
/// "does not apply to {variant}" rather than "unknown field".
fn reject_unknown(
    m: &Map<String, Value>,
    ptr: &str,
    allowed: &[&str],
    variants: Option<(&str, Variants)>,
) -> Result<()> {
    for key in m.keys() {
        if allowed.contains(&key.as_str()) {
            continue;
        }
        let elsewhere = variants.filter(|(_, all)| all.iter().any(|(_, fs)| fs.contains(&key.as_str())));
        let msg = match elsewhere {
            Some((variant, _)) => {
                format!("field \"{key}\" does not apply to {variant}, whose fields are {}", quoted(allowed))
            }
            None => format!("unknown field \"{key}\", expected one of {}", quoted(allowed)),
        };
        return Err(Error::spec(ptr, msg));
    }
    Ok(())
}

/// An exact rational from a JSON number (its literal text) or a string `"0.1"`, `"1/3"`, `"1e-4"`.
fn number(v: &Value, ptr: &str) -> Result<Rat> {
    let text = match v {
        Value::Number(n) => n.as_str(),
        Value::String(s) => s.as_str(),
        _ => return Err(Error::spec(ptr, format!("expected a number or a numeric string, got {}", show(v)))),
    };
    let r = parse_rat(text).map_err(|e| {
        let lower = text.trim().trim_start_matches(['+', '-']).to_ascii_lowercase();
        let msg = match e {
            RatParseError::Empty => "expected a number, got an empty string".to_string(),
            _ if ["nan", "inf", "infinity"].contains(&lower.as_str()) => {
                format!("must be a finite exact number, got {}", show(v))
            }
            e => e.to_string(),
        };
        Error::spec(ptr, msg)
    })?;
    let bits = r.numer().bits() + r.denom().bits();
    if bits > MAX_NUMBER_BITS {
        return Err(Error::spec(
            ptr,
            format!(
                "number too large for exact certification: {bits} bits, at most {MAX_NUMBER_BITS} (about 300 digits)"
            ),
        ));
    }
    Ok(r)
}

/// Largest size of a spec number (numerator plus denominator bits): keeps exact arithmetic fast.
pub const MAX_NUMBER_BITS: u64 = 1024;

/// A vector of exactly `d` exact numbers (`d` is the dimension, `what` says where it comes from).
fn vector(v: &Value, ptr: &str, d: usize, what: &str) -> Result<Vec<Rat>> {
    let xs = array(v, ptr)?;
    if xs.len() != d {
        return Err(Error::spec(ptr, format!("has {} entries, expected {d} ({what})", xs.len())));
    }
    xs.iter().enumerate().map(|(i, x)| number(x, &index(ptr, i))).collect()
}

/// Where a dataset objective's file is: relative to a directory (the spec file's), or a file found
/// elsewhere (by `certify check`, which pins it by its SHA-256).
#[derive(Clone, Copy, Debug)]
pub enum DataAt<'a> {
    /// `data` is relative to this directory.
    Dir(&'a Path),
    /// Read this file; `data` is kept as written.
    File(&'a Path),
    /// This dataset, already loaded (a spec re-validated with other parameter values, as a sweep
    /// does): used when the spec's `data`, loss, l2, bias and scale are the ones it was loaded with.
    Loaded(&'a Dataset),
}

/// Validates the whole spec; `base` says where a dataset's file is.
pub(super) fn spec(v: &Value, base: Option<DataAt>) -> Result<Spec> {
    let m = object(v, "")?;
    reject_unknown(m, "", TOP_FIELDS, None)?;

    let name = string(required(m, "", "name")?, "/name")?;
    if name.trim().is_empty() {
        return Err(Error::spec("/name", "must be a non-empty string"));
    }
    let objective = objective(required(m, "", "objective")?, base)?;
    let (d, what) = match &objective {
        Objective::Quadratic { b, .. } => (b.len(), "the dimension of Q"),
        Objective::Expression(e) => (e.dim(), "the number of vars"),
        Objective::Dataset(ds) => {
            (crate::objective::Smooth::dim(ds.checked()), "the number of features, plus one with a bias")
        }
    };
    let domain = domain(required(m, "", "domain")?, d, what)?;
    if let Objective::Expression(e) = &objective {
        defined_on(e, &domain)?;
    }
    let constants = match m.get("constants") {
        Some(c) => constants(c)?,
        None => BTreeMap::new(),
    };
    let algorithm = algorithm(required(m, "", "algorithm")?)?;
    let x0 = vector(required(m, "", "x0")?, "/x0", d, what)?;
    for (i, (x, (lo, hi))) in x0.iter().zip(&domain).enumerate() {
        if x < lo || x > hi {
            return Err(Error::spec(
                index("/x0", i),
                format!("must lie in the domain [{}, {}] of /domain/{i}, got {}", fmt_rat(lo), fmt_rat(hi), fmt_rat(x)),
            ));
        }
    }
    let steps = match m.get("horizon") {
        Some(h) => horizon(h)?,
        None => DEFAULT_STEPS,
    };
    let epsilon = match m.get("epsilon") {
        Some(e) => {
            let e = number(e, "/epsilon")?;
            if !e.is_positive() {
                return Err(Error::spec("/epsilon", format!("must be positive, got {}", fmt_rat(&e))));
            }
            Some(e)
        }
        None => None,
    };
    let claims = m.get("claims").map(claims).transpose()?;
    let max_boxes = match (&objective, m.get("budget")) {
        (Objective::Quadratic { .. }, Some(_)) => {
            return Err(Error::spec("/budget", "does not apply to quadratic objectives (their constants are exact)"))
        }
        (Objective::Quadratic { .. }, None) => None,
        (_, Some(b)) => Some(budget(b)?),
        (Objective::Expression(_), None) => Some(DEFAULT_BOXES_EXPRESSION),
        (Objective::Dataset(_), None) => Some(DEFAULT_BOXES_DATASET),
    };
    Ok(Spec { name: name.to_string(), objective, domain, constants, algorithm, x0, steps, epsilon, claims, max_boxes })
}

/// An expression that is certainly undefined at a point of the domain box is an input error naming
/// the sub-expression and the point. Points tried: the grid of lower ends, midpoints and upper ends
/// of every coordinate (3ᵈ points, d ≤ 6), else the centre and up to 1024 vertices. Whether f is
/// defined and smooth on the *whole* box is decided later, box by box (`shadowcert_checker::
/// theorems::general`): a spec that passes here may still get inconclusive claims, with that reason.
fn defined_on(e: &Expression, domain: &[(Rat, Rat)]) -> Result<()> {
    let checked = e.checked().expect("a spec's expression carries the checker's parse");
    let d = domain.len();
    let two = Rat::from_integer(2.into());
    let level = |(lo, hi): &(Rat, Rat), k: u64| match k {
        0 => lo.clone(),
        1 => (lo + hi) / &two,
        _ => hi.clone(),
    };
    let points: Vec<Vec<Rat>> = if d <= 6 {
        (0..3u64.pow(d as u32))
            .map(|m| (0..d).map(|j| level(&domain[j], m / 3u64.pow(j as u32) % 3)).collect())
            .collect()
    } else {
        let centre = (0..d).map(|j| level(&domain[j], 1)).collect();
        std::iter::once(centre)
            .chain(
                (0..1u64 << d.min(10))
                    .map(|m| (0..d).map(|j| level(&domain[j], if m >> j.min(63) & 1 == 1 { 2 } else { 0 })).collect()),
            )
            .collect()
    };
    for p in points {
        if let Some(why) = checked.undefined_at(&p) {
            return Err(Error::spec(
                "/objective/f",
                format!("{why}, a point of the domain box (the objective must be defined on the whole box)"),
            ));
        }
    }
    Ok(())
}

fn budget(v: &Value) -> Result<u64> {
    let ptr = "/budget";
    let m = object(v, ptr)?;
    reject_unknown(m, ptr, BUDGET_FIELDS, None)?;
    let b_ptr = "/budget/max_boxes";
    let b = number(required(m, ptr, "max_boxes")?, b_ptr)?;
    let bad = || Error::spec(b_ptr, format!("must be a positive integer at most {MAX_BOXES}, got {}", fmt_rat(&b)));
    if !b.is_integer() || !b.is_positive() || b.numer() > &BigInt::from(MAX_BOXES) {
        return Err(bad());
    }
    b.numer().to_u64().ok_or_else(bad)
}

fn expression(m: &Map<String, Value>, ptr: &str) -> Result<Objective> {
    let vars_ptr = "/objective/vars";
    let vs = array(required(m, ptr, "vars")?, vars_ptr)?;
    if vs.is_empty() {
        return Err(Error::spec(vars_ptr, "must list at least one variable name"));
    }
    let mut vars: Vec<String> = Vec::with_capacity(vs.len());
    for (i, v) in vs.iter().enumerate() {
        let p = index(vars_ptr, i);
        let name = string(v, &p)?;
        let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(Error::spec(p, format!("variable names are identifiers like \"x\" or \"w_1\", got {name:?}")));
        }
        if ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigma"].contains(&name) {
            return Err(Error::spec(p, format!("{name:?} is a function name, not a variable name")));
        }
        if vars.iter().any(|x| x == name) {
            return Err(Error::spec(p, format!("duplicate variable {name:?}")));
        }
        vars.push(name.to_string());
    }
    let f = string(required(m, ptr, "f")?, "/objective/f")?;
    Ok(Objective::Expression(Box::new(Expression::new(vars, f)?)))
}

fn dataset(m: &Map<String, Value>, ptr: &str, base: Option<DataAt>) -> Result<Objective> {
    let data_ptr = "/objective/data";
    let path = string(required(m, ptr, "data")?, data_ptr)?;
    let loss = match string(required(m, ptr, "loss")?, "/objective/loss")? {
        "logistic" => Loss::Logistic,
        "sigmoid" => Loss::Sigmoid,
        other => {
            return Err(Error::spec(
                "/objective/loss",
                format!("unknown loss \"{other}\", expected one of \"logistic\", \"sigmoid\""),
            ))
        }
    };
    let l2 = match m.get("l2") {
        Some(v) => number(v, "/objective/l2")?,
        None => Rat::zero(),
    };
    if l2.is_negative() {
        return Err(Error::spec("/objective/l2", format!("must be non-negative, got {}", fmt_rat(&l2))));
    }
    let bias = match m.get("bias") {
        Some(Value::Bool(b)) => *b,
        Some(v) => return Err(Error::spec("/objective/bias", format!("expected true or false, got {}", show(v)))),
        None => false,
    };
    let scale = match m.get("scale") {
        Some(v) => number(v, "/objective/scale")?,
        None => Rat::from_integer(1.into()),
    };
    if !scale.is_positive() {
        return Err(Error::spec("/objective/scale", format!("must be positive, got {}", fmt_rat(&scale))));
    }
    let Some(base) = base else {
        return Err(Error::spec(
            data_ptr,
            "a dataset objective needs the spec file's location to find its data (load the spec from a file)",
        ));
    };
    let file = match base {
        DataAt::Dir(dir) => dir.join(path),
        DataAt::File(f) => f.to_path_buf(),
        DataAt::Loaded(ds)
            if (ds.path.as_str(), ds.loss, &ds.l2, ds.bias, &ds.scale) == (path, loss, &l2, bias, &scale) =>
        {
            return Ok(Objective::Dataset(ds.clone()));
        }
        DataAt::Loaded(_) => {
            return Err(Error::spec(data_ptr, "the dataset objective differs from the one loaded with the spec"));
        }
    };
    let ds = Dataset::load(path, &file, loss, l2, bias, scale)?;
    if let Some(h) = m.get("data_sha256") {
        let h = string(h, "/objective/data_sha256")?;
        if h != ds.sha256 {
            return Err(Error::spec(
                "/objective/data_sha256",
                format!("the data file changed: expected SHA-256 {h}, {path} has {}", ds.sha256),
            ));
        }
    }
    Ok(Objective::Dataset(ds))
}

fn objective(v: &Value, base: Option<DataAt>) -> Result<Objective> {
    let ptr = "/objective";
    let m = object(v, ptr)?;
    let ty = string(required(m, ptr, "type")?, "/objective/type")?;
    let names: Vec<&str> = OBJECTIVE_FIELDS.iter().map(|(t, _)| *t).collect();
    let Some((_, fields)) = OBJECTIVE_FIELDS.iter().find(|(t, _)| *t == ty) else {
        return Err(Error::spec(
            "/objective/type",
            format!("unknown objective type \"{ty}\", expected one of {}", quoted(&names)),
        ));
    };
    reject_unknown(m, ptr, fields, Some((&format!("objective type \"{ty}\""), OBJECTIVE_FIELDS)))?;
    match ty {
        "expression" => return expression(m, ptr),
        "dataset" => return dataset(m, ptr, base),
        _ => {}
    }

    let q_ptr = "/objective/Q";
    let rows = array(required(m, ptr, "Q")?, q_ptr)?;
    let d = rows.len();
    if d == 0 {
        return Err(Error::spec(q_ptr, "must be a non-empty square matrix (a list of d rows of d numbers)"));
    }
    let mut q = Vec::with_capacity(d);
    for (i, row) in rows.iter().enumerate() {
        let row_ptr = index(q_ptr, i);
        let entries = array(row, &row_ptr)?;
        if entries.len() != d {
            return Err(Error::spec(
                row_ptr,
                format!("row has {} entries, expected {d} (Q must be square, it has {d} rows)", entries.len()),
            ));
        }
        q.push(entries.iter().enumerate().map(|(j, x)| number(x, &index(&row_ptr, j))).collect::<Result<Vec<_>>>()?);
    }
    for (i, row) in q.iter().enumerate() {
        for (j, x) in row.iter().enumerate().skip(i + 1) {
            if *x != q[j][i] {
                return Err(Error::spec(
                    format!("{q_ptr}/{i}/{j}"),
                    format!(
                        "Q must be symmetric, but Q[{i}][{j}] = {} and Q[{j}][{i}] = {}",
                        fmt_rat(x),
                        fmt_rat(&q[j][i])
                    ),
                ));
            }
        }
    }
    // b is optional: f = ½xᵀQx when it is left out.
    let b = match m.get("b") {
        Some(b) => vector(b, "/objective/b", d, "the dimension of Q")?,
        None => vec![Rat::zero(); d],
    };
    Ok(Objective::Quadratic { q, b })
}

fn domain(v: &Value, d: usize, what: &str) -> Result<Vec<(Rat, Rat)>> {
    let ptr = "/domain";
    let boxes = array(v, ptr)?;
    if boxes.len() != d {
        return Err(Error::spec(ptr, format!("has {} intervals, expected {d} ({what})", boxes.len())));
    }
    let mut out = Vec::with_capacity(d);
    for (i, iv) in boxes.iter().enumerate() {
        let iv_ptr = index(ptr, i);
        let ends = match iv.as_array() {
            Some(ends) if ends.len() == 2 => ends,
            _ => return Err(Error::spec(iv_ptr, format!("expected an interval [lo, hi], got {}", show(iv)))),
        };
        let lo = number(&ends[0], &index(&iv_ptr, 0))?;
        let hi = number(&ends[1], &index(&iv_ptr, 1))?;
        if lo > hi {
            return Err(Error::spec(
                iv_ptr,
                format!("interval must have lo <= hi, got [{}, {}]", fmt_rat(&lo), fmt_rat(&hi)),
            ));
        }
        out.push((lo, hi));
    }
    Ok(out)
}

fn constants(v: &Value) -> Result<BTreeMap<String, Rat>> {
    let ptr = "/constants";
    let m = object(v, ptr)?;
    let mut out = BTreeMap::new();
    for (key, value) in m {
        if !KNOWN_CONSTANTS.contains(&key.as_str()) {
            return Err(Error::spec(
                ptr,
                format!("unknown constant \"{key}\", expected one of {}", quoted(KNOWN_CONSTANTS)),
            ));
        }
        let c_ptr = child(ptr, key);
        let c = number(value, &c_ptr)?;
        if c.is_negative() {
            return Err(Error::spec(c_ptr, format!("must be non-negative, got {}", fmt_rat(&c))));
        }
        out.insert(key.clone(), c);
    }
    Ok(out)
}

fn algorithm(v: &Value) -> Result<Algorithm> {
    let ptr = "/algorithm";
    let m = object(v, ptr)?;
    let name = string(required(m, ptr, "method")?, "/algorithm/method")?;
    let names: Vec<&str> = METHOD_FIELDS.iter().map(|(n, _)| *n).collect();
    let Some((_, fields)) = METHOD_FIELDS.iter().find(|(n, _)| *n == name) else {
        return Err(Error::spec(
            "/algorithm/method",
            format!("unknown method \"{name}\", expected one of {}", quoted(&names)),
        ));
    };
    reject_unknown(m, ptr, fields, Some((&format!("method \"{name}\""), METHOD_FIELDS)))?;

    let h = number(required(m, ptr, "h")?, "/algorithm/h")?;
    if !h.is_positive() {
        return Err(Error::spec("/algorithm/h", format!("must be positive, got {}", fmt_rat(&h))));
    }
    let lambda = || -> Result<Rat> {
        let l = number(required(m, ptr, "lambda")?, "/algorithm/lambda")?;
        if !(l.is_positive() && l < Rat::from_integer(1.into())) {
            return Err(Error::spec("/algorithm/lambda", format!("must lie in (0, 1), got {}", fmt_rat(&l))));
        }
        Ok(l)
    };
    let method = match name {
        "gd" => Method::Gd,
        "heavy_ball" => Method::Scheme7 { kind: Scheme7Kind::HeavyBall, lambda: lambda()?, a: Rat::zero() },
        "nesterov" => {
            let l = lambda()?;
            Method::Scheme7 { kind: Scheme7Kind::Nesterov, a: l.clone(), lambda: l }
        }
        "momentum" => {
            let lambda = lambda()?;
            let a = number(required(m, ptr, "a")?, "/algorithm/a")?;
            if a.is_negative() {
                return Err(Error::spec("/algorithm/a", format!("must be non-negative, got {}", fmt_rat(&a))));
            }
            Method::Scheme7 { kind: Scheme7Kind::Momentum, lambda, a }
        }
        "heavy_ball_ol" => {
            let alpha = number(required(m, ptr, "alpha")?, "/algorithm/alpha")?;
            if !alpha.is_positive() {
                return Err(Error::spec("/algorithm/alpha", format!("must be positive, got {}", fmt_rat(&alpha))));
            }
            Method::HeavyBallOl { alpha }
        }
        other => unreachable!("method {other:?} is in METHOD_FIELDS but has no validator"),
    };
    Ok(Algorithm { method, h })
}

fn horizon(v: &Value) -> Result<u64> {
    let ptr = "/horizon";
    let m = object(v, ptr)?;
    reject_unknown(m, ptr, HORIZON_FIELDS, None)?;
    let s_ptr = "/horizon/steps";
    let s = number(required(m, ptr, "steps")?, s_ptr)?;
    let bad = || Error::spec(s_ptr, format!("must be a positive integer at most {MAX_STEPS}, got {}", fmt_rat(&s)));
    if !s.is_integer() || !s.is_positive() || s.numer() > &BigInt::from(MAX_STEPS) {
        return Err(bad());
    }
    s.numer().to_u64().ok_or_else(bad)
}

fn claims(v: &Value) -> Result<Vec<String>> {
    let ptr = "/claims";
    let ids = array(v, ptr)?;
    if ids.is_empty() {
        return Err(Error::spec(
            ptr,
            "must list at least one claim id (omit \"claims\" to get every claim that applies)",
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let id_ptr = index(ptr, i);
        let id = string(id, &id_ptr)?;
        if !CLAIM_IDS.contains(&id) {
            let hint = closest(id, CLAIM_IDS).map(|c| format!("; did you mean \"{c}\"?")).unwrap_or_default();
            return Err(Error::spec(id_ptr, format!("unknown claim id \"{id}\"{hint}")));
        }
        if let Some(first) = out.iter().position(|c| c == id) {
            return Err(Error::spec(id_ptr, format!("duplicate claim id \"{id}\" (first at /claims/{first})")));
        }
        out.push(id.to_string());
    }
    Ok(out)
}

/// The known name nearest to `s` by edit distance, when it is close enough to be a typo.
fn closest<'a>(s: &str, known: &[&'a str]) -> Option<&'a str> {
    let s = s.to_ascii_lowercase();
    let (dist, best) = known.iter().map(|k| (edit_distance(&s, &k.to_ascii_lowercase()), *k)).min()?;
    (dist <= 2 || dist * 4 <= s.chars().count()).then_some(best)
}

/// Levenshtein distance (insertions, deletions, substitutions), on chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_per_rfc6901() {
        assert_eq!(child("/constants", "a/b~c"), "/constants/a~1b~0c");
        assert_eq!(index("/x0", 2), "/x0/2");
    }

    #[test]
    fn typo_hints() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(closest("ol.thm22", CLAIM_IDS), Some("ol.thm2"));
        assert_eq!(closest("KS.Lemma9", CLAIM_IDS), Some("ks.lemma9"));
        assert_eq!(closest("foo", CLAIM_IDS), None);
    }
}
