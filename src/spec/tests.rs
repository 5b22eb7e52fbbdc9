//! Spec parsing: exactness, canonical round trip, and one test per class of bad input asserting
//! the exact pointer of the error.

use super::*;
use crate::exact::{parse_rat, rat};
use serde_json::{json, Value};

fn q(s: &str) -> Rat {
    parse_rat(s).unwrap()
}

/// The DESIGN.md example spec.
fn example() -> Value {
    json!({
        "name": "strongly_convex",
        "objective": { "type": "quadratic", "Q": [["2", "0"], ["0", "1"]], "b": ["0", "0"] },
        "domain": [["-2", "2"], ["-2", "2"]],
        "constants": { "L": "2", "mu": "1", "ell": "4", "B0": "4", "B1": "2", "B2": "0" },
        "algorithm": { "method": "gd", "h": "1/10" },
        "x0": ["1", "1"],
        "horizon": { "steps": 200 },
        "epsilon": "0.05",
        "claims": ["ol.thm2", "ks.assumption11"]
    })
}

/// The example with the value at `pointer` replaced (or removed, for `None`).
fn with(pointer: &str, new: Option<Value>) -> Value {
    let mut v = example();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let target = v.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent} in the example"));
    match (target, new) {
        (Value::Object(m), Some(x)) => {
            m.insert(key.to_string(), x);
        }
        (Value::Object(m), None) => {
            m.remove(key);
        }
        (Value::Array(a), Some(x)) => a[key.parse::<usize>().unwrap()] = x,
        (t, _) => panic!("cannot edit {t} at {pointer}"),
    }
    v
}

/// Parsing fails with exactly this pointer; returns the message for further checks.
#[track_caller]
fn err_at(v: &Value, pointer: &str) -> String {
    match parse_spec_value(v) {
        Ok(s) => panic!("expected an error at {pointer:?}, got {s:?}"),
        Err(Error::Spec { pointer: p, msg }) => {
            assert_eq!(p, pointer, "wrong pointer, message: {msg}");
            msg
        }
        Err(e) => panic!("expected a spec error at {pointer:?}, got {e}"),
    }
}

#[track_caller]
fn err_text_at(text: &str, pointer: &str) -> String {
    match parse_spec_str(text) {
        Ok(s) => panic!("expected an error at {pointer:?}, got {s:?}"),
        Err(Error::Spec { pointer: p, msg }) => {
            assert_eq!(p, pointer, "wrong pointer, message: {msg}");
            msg
        }
        Err(e) => panic!("expected a spec error at {pointer:?}, got {e}"),
    }
}

fn algo(v: Value) -> Value {
    with("/algorithm", Some(v))
}

#[test]
fn example_parses() {
    let s = parse_spec_value(&example()).unwrap();
    assert_eq!(s.name, "strongly_convex");
    assert_eq!(s.dim(), 2);
    assert_eq!(
        s.objective,
        Objective::Quadratic { q: vec![vec![rat(2), rat(0)], vec![rat(0), rat(1)]], b: vec![rat(0); 2] }
    );
    assert_eq!(s.domain, vec![(rat(-2), rat(2)), (rat(-2), rat(2))]);
    assert_eq!(s.constants.len(), 6);
    assert_eq!(s.constants["ell"], rat(4));
    assert_eq!(s.algorithm, Algorithm { method: Method::Gd, h: q("1/10") });
    assert_eq!(s.x0, vec![rat(1), rat(1)]);
    assert_eq!(s.steps, 200);
    assert_eq!(s.epsilon, Some(q("1/20")));
    assert_eq!(s.claims, Some(vec!["ol.thm2".to_string(), "ks.assumption11".to_string()]));
}

#[test]
fn numbers_are_exact() {
    let tenth = Rat::new(1.into(), 10.into());
    let h_of = |text: &str| {
        let json = example().to_string().replace(r#""h":"1/10""#, &format!(r#""h":{text}"#));
        parse_spec_str(&json).unwrap().algorithm.h
    };
    for text in [r#"0.1"#, r#""0.1""#, r#""1/10""#, r#"1e-1"#, r#"1E-1"#] {
        assert_eq!(h_of(text), tenth, "{text}");
    }
    // Digits beyond f64 precision are kept.
    let long = h_of("0.10000000000000000000000001");
    assert_eq!(long, q("10000000000000000000000001/100000000000000000000000000"));
    assert_ne!(long, tenth);
    let s = parse_spec_str(&example().to_string().replace(r#""h":"1/10""#, r#""h":1e-4"#)).unwrap();
    assert_eq!(s.algorithm.h, Rat::new(1.into(), 10_000.into()));
    let s = parse_spec_value(&with("/epsilon", Some(json!("1/3")))).unwrap();
    assert_eq!(s.epsilon, Some(Rat::new(1.into(), 3.into())));
    // 0.1 as f64 is 3602879701896397/2^55, not 1/10: the JSON number must not go through f64.
    let s = parse_spec_str(&example().to_string().replace(r#""x0":["1","1"]"#, r#""x0":[0.1,-0.3]"#)).unwrap();
    assert_eq!(s.x0, vec![tenth, q("-3/10")]);
}

#[test]
fn defaults() {
    let mut v = example();
    let m = v.as_object_mut().unwrap();
    for k in ["constants", "horizon", "epsilon", "claims"] {
        m.remove(k);
    }
    let s = parse_spec_value(&v).unwrap();
    assert!(s.constants.is_empty());
    assert_eq!(s.steps, DEFAULT_STEPS);
    assert_eq!(s.epsilon, None);
    assert_eq!(s.claims, None);
}

#[test]
fn methods() {
    let m = |v: Value| parse_spec_value(&algo(v)).unwrap().algorithm.method;
    let l = q("9/10");
    assert_eq!(
        m(json!({ "method": "heavy_ball", "h": "0.1", "lambda": "0.9" })),
        Method::Scheme7 { kind: Scheme7Kind::HeavyBall, lambda: l.clone(), a: rat(0) }
    );
    assert_eq!(
        m(json!({ "method": "nesterov", "h": "0.1", "lambda": 0.9 })),
        Method::Scheme7 { kind: Scheme7Kind::Nesterov, lambda: l.clone(), a: l.clone() }
    );
    assert_eq!(
        m(json!({ "method": "momentum", "h": "0.1", "lambda": "0.9", "a": "1/2" })),
        Method::Scheme7 { kind: Scheme7Kind::Momentum, lambda: l.clone(), a: q("1/2") }
    );
    assert_eq!(m(json!({ "method": "heavy_ball_ol", "h": "0.1", "alpha": 3 })), Method::HeavyBallOl { alpha: rat(3) });
}

#[test]
fn canonical_json_round_trips() {
    let algorithms = [
        json!({ "method": "gd", "h": 0.1 }),
        json!({ "method": "heavy_ball", "h": "1e-2", "lambda": "0.9" }),
        json!({ "method": "nesterov", "h": "1/7", "lambda": 0.5 }),
        json!({ "method": "momentum", "h": "0.01", "lambda": "0.9", "a": 0 }),
        json!({ "method": "heavy_ball_ol", "h": "0.01", "alpha": "2.5" }),
    ];
    for a in algorithms {
        let mut v = algo(a);
        v["objective"]["Q"] = json!([[2.5, "-1/3"], ["-1/3", 1e-3]]);
        let s = parse_spec_value(&v).unwrap();
        let c = canonical_json(&s);
        assert_eq!(parse_spec_value(&c).unwrap(), s);
        // Canonical means canonical: printing again through text changes nothing.
        assert_eq!(canonical_json(&parse_spec_str(&c.to_string()).unwrap()), c);
    }
    let mut v = example();
    v.as_object_mut().unwrap().remove("claims");
    v.as_object_mut().unwrap().remove("epsilon");
    let s = parse_spec_value(&v).unwrap();
    assert_eq!(parse_spec_value(&canonical_json(&s)).unwrap(), s);
}

#[test]
fn canonical_json_text_is_pinned() {
    let mut v = example();
    v["algorithm"] = json!({ "method": "momentum", "lambda": 0.9, "h": 0.1, "a": "2e-1" });
    v["objective"]["b"] = json!([0.5, "-1/3"]);
    let text = canonical_json(&parse_spec_value(&v).unwrap()).to_string();
    let expected = concat!(
        r#"{"algorithm":{"a":"1/5","h":"1/10","lambda":"9/10","method":"momentum"},"#,
        r#""claims":["ol.thm2","ks.assumption11"],"#,
        r#""constants":{"B0":"4","B1":"2","B2":"0","L":"2","ell":"4","mu":"1"},"#,
        r#""domain":[["-2","2"],["-2","2"]],"epsilon":"1/20","horizon":{"steps":200},"#,
        r#""name":"strongly_convex","objective":{"Q":[["2","0"],["0","1"]],"b":["1/2","-1/3"],"type":"quadratic"},"#,
        r#""x0":["1","1"]}"#
    );
    assert_eq!(text, expected);
}

#[test]
fn load_spec_reads_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    std::fs::write(&path, example().to_string()).unwrap();
    assert_eq!(load_spec(&path).unwrap(), parse_spec_value(&example()).unwrap());
    let missing = dir.path().join("missing.json");
    assert!(matches!(load_spec(&missing), Err(Error::Io { .. })));
}

// ---- bad input, one test per class ----

#[test]
fn malformed_json() {
    let msg = err_text_at("{\n  \"name\": \"x\",\n  oops\n}", "");
    assert!(msg.starts_with("malformed JSON at line 3 column 3: key must be a string"), "{msg}");
    let msg = err_text_at("", "");
    assert!(msg.starts_with("malformed JSON at line 1 column 0: EOF"), "{msg}");
    let msg = err_text_at("[1, 2]", "");
    assert_eq!(msg, "expected an object, got [1,2]");
}

#[test]
fn duplicate_keys() {
    let text = example().to_string().replace(r#""h":"1/10""#, r#""h":"1/10","h":"1/2""#);
    assert_eq!(err_text_at(&text, "/algorithm"), "duplicate key \"h\"");
    let text = example().to_string().replace(r#""Q":"#, r#""b":[1,2],"Q":"#);
    assert_eq!(err_text_at(&text, "/objective"), "duplicate key \"b\"");
}

#[test]
fn wrong_dimensions() {
    let msg = err_at(&with("/objective/b", Some(json!(["0", "0", "0"]))), "/objective/b");
    assert_eq!(msg, "has 3 entries, expected 2 (the dimension of Q)");
    err_at(&with("/x0", Some(json!(["1"]))), "/x0");
    err_at(&with("/domain", Some(json!([["-2", "2"]]))), "/domain");
    err_at(&with("/domain/1", Some(json!(["-2"]))), "/domain/1");
    err_at(&with("/objective/Q/1", Some(json!(["0", "1", "2"]))), "/objective/Q/1");
    err_at(&with("/objective/Q", Some(json!([]))), "/objective/Q");
}

#[test]
fn q_not_symmetric() {
    let msg = err_at(&with("/objective/Q", Some(json!([["2", "1"], ["1/2", "1"]]))), "/objective/Q/0/1");
    assert_eq!(msg, "Q must be symmetric, but Q[0][1] = 1 and Q[1][0] = 1/2");
    // Equal as rationals is symmetric, whatever the spelling.
    parse_spec_value(&with("/objective/Q", Some(json!([["2", 0.5], ["1/2", "1"]])))).unwrap();
}

#[test]
fn lambda_out_of_range() {
    for (lambda, shown) in [(json!(1), "1"), (json!("0"), "0"), (json!("3/2"), "3/2"), (json!(-0.5), "-1/2")] {
        let msg = err_at(&algo(json!({ "method": "heavy_ball", "h": "0.1", "lambda": lambda })), "/algorithm/lambda");
        assert_eq!(msg, format!("must lie in (0, 1), got {shown}"));
    }
}

#[test]
fn h_not_positive() {
    let msg = err_at(&algo(json!({ "method": "gd", "h": 0 })), "/algorithm/h");
    assert_eq!(msg, "must be positive, got 0");
    let msg = err_at(&algo(json!({ "method": "gd", "h": "-1e-2" })), "/algorithm/h");
    assert_eq!(msg, "must be positive, got -1/100");
}

#[test]
fn other_parameters_out_of_range() {
    err_at(&algo(json!({ "method": "momentum", "h": "0.1", "lambda": "0.9", "a": "-1" })), "/algorithm/a");
    err_at(&algo(json!({ "method": "heavy_ball_ol", "h": "0.1", "alpha": "0" })), "/algorithm/alpha");
    err_at(&with("/epsilon", Some(json!(0))), "/epsilon");
    err_at(&with("/horizon/steps", Some(json!(0))), "/horizon/steps");
    err_at(&with("/horizon/steps", Some(json!(2.5))), "/horizon/steps");
    let msg = err_at(&with("/horizon/steps", Some(json!(10_000_001))), "/horizon/steps");
    assert_eq!(msg, "must be a positive integer at most 10000000, got 10000001");
    assert_eq!(parse_spec_value(&with("/horizon/steps", Some(json!(10_000_000)))).unwrap().steps, 10_000_000);
}

#[test]
fn non_numbers() {
    for bad in ["nan", "NaN", "inf", "-inf", "Infinity"] {
        let msg = err_at(&algo(json!({ "method": "gd", "h": bad })), "/algorithm/h");
        assert_eq!(msg, format!("must be a finite exact number, got \"{bad}\""));
    }
    let msg = err_at(&with("/x0/1", Some(json!(""))), "/x0/1");
    assert_eq!(msg, "expected a number, got an empty string");
    let msg = err_at(&with("/objective/Q/1/1", Some(json!(true))), "/objective/Q/1/1");
    assert_eq!(msg, "expected a number or a numeric string, got true");
    let msg = err_at(&with("/domain/0/1", Some(json!("two"))), "/domain/0/1");
    assert!(msg.contains("\"two\""), "{msg}");
    err_at(&with("/epsilon", Some(Value::Null)), "/epsilon");
    err_at(&with("/constants/L", Some(json!("1/0"))), "/constants/L");
}

#[test]
fn negative_constant() {
    let msg = err_at(&with("/constants/mu", Some(json!("-0.5"))), "/constants/mu");
    assert_eq!(msg, "must be non-negative, got -1/2");
}

#[test]
fn huge_numbers_are_rejected() {
    let msg = err_at(&with("/algorithm/h", Some(json!("1e-400"))), "/algorithm/h");
    assert!(msg.starts_with("number too large for exact certification"), "{msg}");
    let msg = err_at(&with("/objective/Q/0/0", Some(json!("1e400"))), "/objective/Q/0/0");
    assert!(msg.contains("at most 1024"), "{msg}");
    // 1e-300 is fine (about 997 bits).
    assert!(parse_spec_value(&with("/algorithm/h", Some(json!("1e-300")))).is_ok());
}

#[test]
fn unknown_constant() {
    let msg = err_at(&with("/constants/Lip", Some(json!("1"))), "/constants");
    assert!(msg.starts_with("unknown constant \"Lip\", expected one of \"L\", \"mu\""), "{msg}");
}

#[test]
fn unknown_claim_id() {
    let msg = err_at(&with("/claims", Some(json!(["ol.thm2", "foo"]))), "/claims/1");
    assert_eq!(msg, "unknown claim id \"foo\"");
    let msg = err_at(&with("/claims", Some(json!(["ks.lema9"]))), "/claims/0");
    assert_eq!(msg, "unknown claim id \"ks.lema9\"; did you mean \"ks.lemma9\"?");
}

#[test]
fn trajectory_claim_ids_are_accepted() {
    for id in ["shadow.orbit", "shadow.finite", "ec.thm1", "ks.thm2"] {
        let s = with("/claims", Some(json!(["ol.thm2", id])));
        let spec = crate::spec::parse_spec_value(&s).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(spec.claims.unwrap(), vec!["ol.thm2".to_string(), id.to_string()]);
    }
}

#[test]
fn bad_claim_lists() {
    err_at(&with("/claims", Some(json!([]))), "/claims");
    let msg = err_at(&with("/claims", Some(json!(["ol.thm2", "ks.thm3", "ol.thm2"]))), "/claims/2");
    assert_eq!(msg, "duplicate claim id \"ol.thm2\" (first at /claims/0)");
    err_at(&with("/claims", Some(json!("ol.thm2"))), "/claims");
    err_at(&with("/claims", Some(json!([3]))), "/claims/0");
}

#[test]
fn unknown_fields() {
    let msg = err_at(&with("/lr", Some(json!("0.1"))), "");
    assert!(msg.starts_with("unknown field \"lr\", expected one of \"name\""), "{msg}");
    let msg = err_at(&algo(json!({ "method": "gd", "h": "0.1", "lr": "0.1" })), "/algorithm");
    assert_eq!(msg, "unknown field \"lr\", expected one of \"method\", \"h\"");
    let msg = err_at(&algo(json!({ "method": "heavy_ball", "h": "0.1", "lambda": "0.9", "a": "0" })), "/algorithm");
    assert_eq!(
        msg,
        "field \"a\" does not apply to method \"heavy_ball\", whose fields are \"method\", \"h\", \"lambda\""
    );
    err_at(&algo(json!({ "method": "gd", "h": "0.1", "lambda": "0.9" })), "/algorithm");
    err_at(&with("/objective/vars", Some(json!(["x"]))), "/objective");
    err_at(&with("/horizon/end", Some(json!(1))), "/horizon");
}

#[test]
fn missing_fields() {
    assert_eq!(err_at(&with("/algorithm/h", None), "/algorithm"), "missing field \"h\"");
    assert_eq!(err_at(&with("/x0", None), ""), "missing field \"x0\"");
    assert_eq!(err_at(&with("/objective/type", None), "/objective"), "missing field \"type\"");
    err_at(&algo(json!({ "method": "nesterov", "h": "0.1" })), "/algorithm");
    err_at(&with("/horizon/steps", None), "/horizon");
}

#[test]
fn x0_outside_domain() {
    let msg = err_at(&with("/x0/1", Some(json!("5/2"))), "/x0/1");
    assert_eq!(msg, "must lie in the domain [-2, 2] of /domain/1, got 5/2");
    // The boundary belongs to the box.
    parse_spec_value(&with("/x0/1", Some(json!(-2)))).unwrap();
}

#[test]
fn domain_lo_above_hi() {
    let msg = err_at(&with("/domain/1", Some(json!(["1", "0.5"]))), "/domain/1");
    assert_eq!(msg, "interval must have lo <= hi, got [1, 1/2]");
    // A degenerate interval is allowed.
    parse_spec_value(&with("/domain/1", Some(json!(["1", "1"])))).unwrap();
}

#[test]
fn unsupported_and_unknown_objective_types() {
    let v = with("/objective", Some(json!({ "type": "expression", "vars": ["x", "y"], "f": "x^2 + y^2" })));
    let s = parse_spec_value(&v).unwrap();
    assert_eq!(s.max_boxes, Some(DEFAULT_BOXES_EXPRESSION));
    assert_eq!(parse_spec_value(&canonical_json(&s)).unwrap(), s);
    let v = with("/objective", Some(json!({ "type": "expression", "vars": ["x", "y"], "f": "x^2 + * y" })));
    assert_eq!(err_at(&v, "/objective/f"), "column 7: unexpected '*'");
    let v = with("/objective", Some(json!({ "type": "expression", "vars": ["x", "x"], "f": "x" })));
    err_at(&v, "/objective/vars/1");
    // Without the spec's location a dataset cannot be read.
    let v = with("/objective", Some(json!({ "type": "dataset", "data": "d.csv", "loss": "logistic" })));
    err_at(&v, "/objective/data");
    let v = with("/objective", Some(json!({ "type": "dataset", "data": "d.csv", "loss": "hinge" })));
    err_at(&v, "/objective/loss");
    err_at(&with("/budget", Some(json!({ "max_boxes": 10 }))), "/budget");
    let msg = err_at(&with("/objective/type", Some(json!("linear"))), "/objective/type");
    assert_eq!(msg, "unknown objective type \"linear\", expected one of \"quadratic\", \"expression\", \"dataset\"");
    err_at(&with("/objective", Some(json!("x^2"))), "/objective");
    err_at(&with("/name", Some(json!(" "))), "/name");
    err_at(&algo(json!({ "method": "adam", "h": "0.1" })), "/algorithm/method");
}
