//! The canonical JSON form of a spec: what certificates store as their exact inputs.

use super::{Method, Objective, Spec};
use crate::exact::{fmt_rat, Rat};
use serde_json::{Map, Value};

/// Spec v1 JSON of `spec`, every number as its canonical exact string (`"1/10"`, never `0.1`),
/// `horizon.steps` as a JSON integer, optional fields only when present, keys sorted.
///
/// `parse_spec_value(&canonical_json(s))` gives back `s`; two specs that validate equal have the
/// same canonical JSON (so `0.1`, `"0.1"` and `"1/10"` print alike).
pub fn canonical_json(spec: &Spec) -> Value {
    let objective = match &spec.objective {
        Objective::Quadratic { q, b } => object([
            ("Q", Value::Array(q.iter().map(|row| vector(row)).collect())),
            ("b", vector(b)),
            ("type", Value::from("quadratic")),
        ]),
        Objective::Expression(e) => object([
            ("f", Value::from(e.source.as_str())),
            ("type", Value::from("expression")),
            ("vars", Value::Array(e.vars.iter().map(|v| Value::from(v.as_str())).collect())),
        ]),
        // The data path as written, bound to the file's bytes by their SHA-256.
        Objective::Dataset(d) => object([
            ("bias", Value::from(d.bias)),
            ("data", Value::from(d.path.as_str())),
            ("data_sha256", Value::from(d.sha256.as_str())),
            ("l2", num(&d.l2)),
            ("loss", Value::from(d.loss.name())),
            ("scale", num(&d.scale)),
            ("type", Value::from("dataset")),
        ]),
    };
    let mut algorithm = Map::new();
    match &spec.algorithm.method {
        Method::Gd => {}
        Method::Scheme7 { kind, lambda, a } => {
            algorithm.insert("lambda".into(), num(lambda));
            if *kind == super::Scheme7Kind::Momentum {
                algorithm.insert("a".into(), num(a));
            }
        }
        Method::HeavyBallOl { alpha } => {
            algorithm.insert("alpha".into(), num(alpha));
        }
    }
    algorithm.insert("h".into(), num(&spec.algorithm.h));
    algorithm.insert("method".into(), Value::from(spec.algorithm.method.name()));

    let mut top = Map::new();
    top.insert("algorithm".into(), Value::Object(algorithm));
    if let Some(b) = spec.max_boxes {
        top.insert("budget".into(), object([("max_boxes", Value::from(b))]));
    }
    if let Some(claims) = &spec.claims {
        top.insert("claims".into(), Value::Array(claims.iter().map(|c| Value::from(c.as_str())).collect()));
    }
    top.insert("constants".into(), Value::Object(spec.constants.iter().map(|(k, v)| (k.clone(), num(v))).collect()));
    top.insert(
        "domain".into(),
        Value::Array(spec.domain.iter().map(|(lo, hi)| Value::Array(vec![num(lo), num(hi)])).collect()),
    );
    if let Some(eps) = &spec.epsilon {
        top.insert("epsilon".into(), num(eps));
    }
    top.insert("horizon".into(), object([("steps", Value::from(spec.steps))]));
    top.insert("name".into(), Value::from(spec.name.as_str()));
    top.insert("objective".into(), objective);
    top.insert("x0".into(), vector(&spec.x0));
    Value::Object(top)
}

fn num(r: &Rat) -> Value {
    Value::String(fmt_rat(r))
}

fn vector(xs: &[Rat]) -> Value {
    Value::Array(xs.iter().map(num).collect())
}

fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}
