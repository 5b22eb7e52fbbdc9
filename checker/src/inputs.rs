//! The exact inputs of a certificate: the spec in canonical form (every number an exact rational
//! string in lowest terms, keys sorted), read strictly and re-validated.
//!
//! The engine validates a user's spec with friendly errors; the checker does not trust that it did.
//! Every range a theorem assumes (λ ∈ (0, 1), a ≥ 0, h > 0, α > 0, Q symmetric, x₀ in the box,
//! constants ≥ 0) is checked again here, so a consistent but tampered certificate cannot reach a
//! statement outside its hypotheses.

use crate::claim::CLAIM_IDS;
use crate::error::{Error, Result};
use crate::exact::{fmt_rat, parse_rat, Rat, RatMatrix};
use num_traits::{One, Signed, ToPrimitive, Zero};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Constants a spec may declare: (H1), (H2) and Assumption 1 of the papers, and 000 Thm 3.
pub const KNOWN_CONSTANTS: &[&str] = &["L", "mu", "ell", "B0", "B1", "B2", "gamma", "L_phi"];

/// Largest `horizon.steps`.
pub const MAX_STEPS: u64 = 10_000_000;

/// Largest `budget.max_boxes`.
pub const MAX_BOXES: u64 = 100_000_000;

/// The optimization algorithm and its step size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Algorithm {
    /// Which iteration.
    pub method: Method,
    /// Step size, positive.
    pub h: Rat,
}

/// The iteration, with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// Gradient descent u_{n+1} = u_n − h ∇f(u_n).
    Gd,
    /// Scheme (7) of Kovachki–Stuart: u_{n+1} = u_n + λ(u_n − u_{n−1}) + h f(u_n + a(u_n − u_{n−1})),
    /// u_1 = u_0 + h f(u_0), with f = −∇Φ; λ ∈ (0, 1), a ≥ 0.
    Scheme7 {
        /// Which named instance (fixes how `a` was given).
        kind: Scheme7Kind,
        /// Momentum λ ∈ (0, 1).
        lambda: Rat,
        /// Extrapolation a ≥ 0 (0 for heavy ball, λ for Nesterov).
        a: Rat,
    },
    /// Orvieto–Lucchi heavy ball (Prop. 2 of 000): η = h², β = 1 − hα.
    HeavyBallOl {
        /// Friction α > 0.
        alpha: Rat,
    },
}

impl Method {
    /// The spec's name of the method: `gd`, `heavy_ball`, `nesterov`, `momentum`, `heavy_ball_ol`.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Gd => "gd",
            Method::Scheme7 { kind, .. } => kind.name(),
            Method::HeavyBallOl { .. } => "heavy_ball_ol",
        }
    }
}

/// Named instances of scheme (7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme7Kind {
    /// `heavy_ball`: a = 0.
    HeavyBall,
    /// `nesterov`: a = λ.
    Nesterov,
    /// `momentum`: a given by the spec.
    Momentum,
}

impl Scheme7Kind {
    /// The spec's name: `heavy_ball`, `nesterov` or `momentum`.
    pub fn name(self) -> &'static str {
        match self {
            Scheme7Kind::HeavyBall => "heavy_ball",
            Scheme7Kind::Nesterov => "nesterov",
            Scheme7Kind::Momentum => "momentum",
        }
    }
}

/// The objective as the inputs state it (nothing loaded or parsed beyond the numbers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectiveInputs {
    /// f(x) = ½xᵀQx − bᵀx, Q symmetric d × d.
    Quadratic {
        /// Q.
        q: RatMatrix,
        /// b.
        b: Vec<Rat>,
    },
    /// A closed-form expression in named variables.
    Expression {
        /// Variable names, in coordinate order.
        vars: Vec<String>,
        /// The expression's text.
        f: String,
    },
    /// Empirical risk on a CSV file, pinned by its SHA-256.
    Dataset {
        /// Path as written in the spec (relative to the spec file).
        data: String,
        /// SHA-256 of the file's bytes (64 lowercase hex digits).
        data_sha256: String,
        /// `logistic` or `sigmoid`.
        loss: String,
        /// Ridge weight l2 ≥ 0.
        l2: Rat,
        /// Whether a constant feature 1 is appended.
        bias: bool,
        /// Feature scale > 0.
        scale: Rat,
    },
}

/// The exact inputs of a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    /// Name of the problem.
    pub name: String,
    /// The objective.
    pub objective: ObjectiveInputs,
    /// Domain box, per coordinate `[lo, hi]`, lo ≤ hi.
    pub domain: Vec<(Rat, Rat)>,
    /// Declared constants (≥ 0).
    pub constants: BTreeMap<String, Rat>,
    /// Algorithm and step size.
    pub algorithm: Algorithm,
    /// Initial point, in the domain box.
    pub x0: Vec<Rat>,
    /// Number of steps.
    pub steps: u64,
    /// Requested accuracy (> 0).
    pub epsilon: Option<Rat>,
    /// Requested claim ids, if any.
    pub claims: Option<Vec<String>>,
    /// Box budget of non-quadratic objectives.
    pub max_boxes: Option<u64>,
}

impl Inputs {
    /// Dimension d.
    pub fn dim(&self) -> usize {
        self.domain.len()
    }

    /// Whether the spec asks for `id` (every claim when it lists none).
    pub fn wants(&self, id: &str) -> bool {
        self.claims.as_ref().is_none_or(|ids| ids.iter().any(|i| i == id))
    }
}

fn bad(ptr: &str, msg: impl std::fmt::Display) -> Error {
    Error::rejected("inputs", format!("{}: {msg}", if ptr.is_empty() { "/" } else { ptr }))
}

fn object<'a>(v: &'a Value, ptr: &str, keys: &[&str], required: &[&str]) -> Result<&'a Map<String, Value>> {
    let m = v.as_object().ok_or_else(|| bad(ptr, "expected an object"))?;
    if let Some(k) = m.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(bad(ptr, format!("unknown field \"{k}\"")));
    }
    if let Some(k) = required.iter().find(|k| !m.contains_key(**k)) {
        return Err(bad(ptr, format!("missing field \"{k}\"")));
    }
    Ok(m)
}

/// An exact rational written canonically (`"3"`, `"-1/10"`), as certificates store every number.
pub fn canonical_number(v: &Value, ptr: &str) -> Result<Rat> {
    let s = v.as_str().ok_or_else(|| bad(ptr, "expected an exact rational string"))?;
    let r = parse_rat(s).map_err(|e| bad(ptr, e))?;
    if fmt_rat(&r) != s {
        return Err(bad(ptr, format!("{s:?} is not in canonical form (expected {:?})", fmt_rat(&r))));
    }
    Ok(r)
}

fn string<'a>(v: &'a Value, ptr: &str) -> Result<&'a str> {
    v.as_str().ok_or_else(|| bad(ptr, "expected a string"))
}

fn vector(v: &Value, ptr: &str, d: Option<usize>) -> Result<Vec<Rat>> {
    let xs = v.as_array().ok_or_else(|| bad(ptr, "expected an array"))?;
    if d.is_some_and(|d| d != xs.len()) || xs.is_empty() {
        return Err(bad(ptr, format!("has {} entries, expected {}", xs.len(), d.unwrap_or(1))));
    }
    xs.iter().enumerate().map(|(i, x)| canonical_number(x, &format!("{ptr}/{i}"))).collect()
}

fn integer(v: &Value, ptr: &str, max: u64) -> Result<u64> {
    v.as_u64().filter(|&n| (1..=max).contains(&n)).ok_or_else(|| bad(ptr, format!("expected an integer in 1..={max}")))
}

fn positive(r: &Rat, ptr: &str) -> Result<()> {
    if r.is_positive() {
        Ok(())
    } else {
        Err(bad(ptr, format!("must be positive, got {}", fmt_rat(r))))
    }
}

fn objective(v: &Value) -> Result<ObjectiveInputs> {
    let ptr = "/objective";
    let kind = v.get("type").and_then(Value::as_str).ok_or_else(|| bad(ptr, "missing string \"type\""))?;
    match kind {
        "quadratic" => {
            let m = object(v, ptr, &["type", "Q", "b"], &["Q", "b"])?;
            let b = vector(&m["b"], "/objective/b", None)?;
            let rows = m["Q"].as_array().ok_or_else(|| bad("/objective/Q", "expected an array"))?;
            if rows.len() != b.len() {
                return Err(bad("/objective/Q", format!("has {} rows, b has {} entries", rows.len(), b.len())));
            }
            let q: RatMatrix = rows
                .iter()
                .enumerate()
                .map(|(i, r)| vector(r, &format!("/objective/Q/{i}"), Some(b.len())))
                .collect::<Result<_>>()?;
            for (i, row) in q.iter().enumerate() {
                for (j, e) in row.iter().enumerate().take(i) {
                    if *e != q[j][i] {
                        return Err(bad("/objective/Q", format!("not symmetric at ({i}, {j})")));
                    }
                }
            }
            Ok(ObjectiveInputs::Quadratic { q, b })
        }
        "expression" => {
            let m = object(v, ptr, &["type", "vars", "f"], &["vars", "f"])?;
            let vars = m["vars"].as_array().ok_or_else(|| bad("/objective/vars", "expected an array"))?;
            let vars: Vec<String> = vars
                .iter()
                .enumerate()
                .map(|(i, x)| string(x, &format!("/objective/vars/{i}")).map(str::to_string))
                .collect::<Result<_>>()?;
            Ok(ObjectiveInputs::Expression { vars, f: string(&m["f"], "/objective/f")?.to_string() })
        }
        "dataset" => {
            let keys = ["type", "data", "data_sha256", "loss", "l2", "bias", "scale"];
            let m = object(v, ptr, &keys, &keys)?;
            let data_sha256 = string(&m["data_sha256"], "/objective/data_sha256")?.to_string();
            if data_sha256.len() != 64 || !data_sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(bad("/objective/data_sha256", "expected 64 lowercase hex digits"));
            }
            let loss = string(&m["loss"], "/objective/loss")?.to_string();
            if loss != "logistic" && loss != "sigmoid" {
                return Err(bad("/objective/loss", format!("unknown loss {loss:?}")));
            }
            let l2 = canonical_number(&m["l2"], "/objective/l2")?;
            if l2.is_negative() {
                return Err(bad("/objective/l2", "must be non-negative"));
            }
            let scale = canonical_number(&m["scale"], "/objective/scale")?;
            positive(&scale, "/objective/scale")?;
            let bias = m["bias"].as_bool().ok_or_else(|| bad("/objective/bias", "expected true or false"))?;
            Ok(ObjectiveInputs::Dataset {
                data: string(&m["data"], "/objective/data")?.to_string(),
                data_sha256,
                loss,
                l2,
                bias,
                scale,
            })
        }
        other => Err(bad("/objective/type", format!("unknown objective type {other:?}"))),
    }
}

fn algorithm(v: &Value) -> Result<Algorithm> {
    let ptr = "/algorithm";
    let name = v.get("method").and_then(Value::as_str).ok_or_else(|| bad(ptr, "missing string \"method\""))?;
    let fields: &[&str] = match name {
        "gd" => &["method", "h"],
        "heavy_ball" | "nesterov" => &["method", "h", "lambda"],
        "momentum" => &["method", "h", "lambda", "a"],
        "heavy_ball_ol" => &["method", "h", "alpha"],
        other => return Err(bad("/algorithm/method", format!("unknown method {other:?}"))),
    };
    let m = object(v, ptr, fields, fields)?;
    let num = |k: &str| canonical_number(&m[k], &format!("/algorithm/{k}"));
    let h = num("h")?;
    positive(&h, "/algorithm/h")?;
    let lambda = || -> Result<Rat> {
        let l = num("lambda")?;
        if !(l.is_positive() && l < Rat::one()) {
            return Err(bad("/algorithm/lambda", format!("must lie in (0, 1), got {}", fmt_rat(&l))));
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
            let a = num("a")?;
            if a.is_negative() {
                return Err(bad("/algorithm/a", "must be non-negative"));
            }
            Method::Scheme7 { kind: Scheme7Kind::Momentum, lambda: lambda()?, a }
        }
        _ => {
            let alpha = num("alpha")?;
            positive(&alpha, "/algorithm/alpha")?;
            Method::HeavyBallOl { alpha }
        }
    };
    Ok(Algorithm { method, h })
}

/// Reads and re-validates canonical inputs. Errors are rejections at `inputs`, naming the pointer.
pub fn parse(v: &Value) -> Result<Inputs> {
    let top = ["name", "objective", "domain", "constants", "algorithm", "x0", "horizon", "epsilon", "claims", "budget"];
    let m = object(v, "", &top, &["name", "objective", "domain", "constants", "algorithm", "x0", "horizon"])?;
    let name = string(&m["name"], "/name")?.to_string();
    if name.trim().is_empty() {
        return Err(bad("/name", "must be a non-empty string"));
    }
    let objective = objective(&m["objective"])?;
    let boxes = m["domain"].as_array().ok_or_else(|| bad("/domain", "expected an array"))?;
    let domain: Vec<(Rat, Rat)> = boxes
        .iter()
        .enumerate()
        .map(|(i, iv)| {
            let p = format!("/domain/{i}");
            let ends = vector(iv, &p, Some(2))?;
            if ends[0] > ends[1] {
                return Err(bad(&p, "lo > hi"));
            }
            Ok((ends[0].clone(), ends[1].clone()))
        })
        .collect::<Result<_>>()?;
    let d = domain.len();
    let d_objective = match &objective {
        ObjectiveInputs::Quadratic { b, .. } => Some(b.len()),
        ObjectiveInputs::Expression { vars, .. } => Some(vars.len()),
        ObjectiveInputs::Dataset { .. } => None,
    };
    if d == 0 || d_objective.is_some_and(|e| e != d) {
        return Err(bad("/domain", format!("has {d} intervals, the objective has dimension {d_objective:?}")));
    }
    let cm = m["constants"].as_object().ok_or_else(|| bad("/constants", "expected an object"))?;
    let mut constants = BTreeMap::new();
    for (k, v) in cm {
        let p = format!("/constants/{k}");
        if !KNOWN_CONSTANTS.contains(&k.as_str()) {
            return Err(bad(&p, "unknown constant"));
        }
        let c = canonical_number(v, &p)?;
        if c.is_negative() {
            return Err(bad(&p, "must be non-negative"));
        }
        constants.insert(k.clone(), c);
    }
    let algorithm = algorithm(&m["algorithm"])?;
    let x0 = vector(&m["x0"], "/x0", Some(d))?;
    if let Some(i) = x0.iter().zip(&domain).position(|(x, (lo, hi))| x < lo || x > hi) {
        return Err(bad(&format!("/x0/{i}"), "outside the domain box"));
    }
    let horizon = object(&m["horizon"], "/horizon", &["steps"], &["steps"])?;
    let steps = integer(&horizon["steps"], "/horizon/steps", MAX_STEPS)?;
    let epsilon = m.get("epsilon").map(|e| canonical_number(e, "/epsilon")).transpose()?;
    if let Some(e) = &epsilon {
        positive(e, "/epsilon")?;
    }
    let claims = match m.get("claims") {
        None => None,
        Some(c) => {
            let ids = c.as_array().filter(|a| !a.is_empty()).ok_or_else(|| bad("/claims", "expected claim ids"))?;
            let mut out: Vec<String> = Vec::new();
            for (i, id) in ids.iter().enumerate() {
                let p = format!("/claims/{i}");
                let id = string(id, &p)?;
                if !CLAIM_IDS.contains(&id) || out.iter().any(|o| o == id) {
                    return Err(bad(&p, format!("unknown or repeated claim id {id:?}")));
                }
                out.push(id.to_string());
            }
            Some(out)
        }
    };
    let max_boxes = match (&objective, m.get("budget")) {
        (ObjectiveInputs::Quadratic { .. }, None) => None,
        (ObjectiveInputs::Quadratic { .. }, Some(_)) => return Err(bad("/budget", "does not apply to quadratics")),
        (_, None) => return Err(bad("", "missing field \"budget\"")),
        (_, Some(b)) => {
            let b = object(b, "/budget", &["max_boxes"], &["max_boxes"])?;
            Some(integer(&b["max_boxes"], "/budget/max_boxes", MAX_BOXES)?)
        }
    };
    Ok(Inputs { name, objective, domain, constants, algorithm, x0, steps, epsilon, claims, max_boxes })
}

/// The step count as a `usize` index bound (saturating on exotic platforms).
pub fn steps_usize(steps: u64) -> usize {
    steps.to_usize().unwrap_or(usize::MAX)
}
