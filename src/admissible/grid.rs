//! Sweeps and maps: verdicts of the step-size claims over a grid of one or two parameters
//! (h, λ, a or a declared constant), shardable for array jobs, and the merge of shard outputs.
//!
//! A point is reported verified or refuted only on a rigorous verdict: the `f64` interval path
//! where it is decisive, the exact statement otherwise ([`FastClaims::verdict`]). Grid values
//! are exact rationals: the axis ends as given, interior points the exact values of `f64`s.
//!
//! # Shards
//! Point `k` (row-major over the axes: `k = i_x·n_y + i_y` for a map) belongs to shard `i/N` iff
//! `k mod N = i − 1`, and so does the map's boundary column `i_x`. Every shard's JSON names the
//! spec's `inputs_sha256`, the grid and the claims, so [`merge`] can check that shards belong
//! together, are disjoint and are complete.

use super::claims::{StepClaims, Verdict, STEP_CLAIMS};
use super::fast::FastClaims;
use super::range::{claim_range, Request};
use crate::certificate::{canonical_bytes, sha256_hex, FORMAT};
use crate::exact::{fmt_rat, parse_rat, Rat};
use crate::spec::{canonical_json, parse_spec_value_like, Method, Scheme7Kind, Spec, KNOWN_CONSTANTS};
use crate::{Error, Result};
use num_traits::ToPrimitive;
use rayon::prelude::*;
use serde_json::{json, Map, Value as Json};

/// A swept parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Param {
    /// The step size `algorithm.h`.
    H,
    /// The momentum `algorithm.lambda` (Nesterov keeps a = λ).
    Lambda,
    /// The look-ahead `algorithm.a` (method `momentum` only).
    A,
    /// A declared constant (`constants.NAME`).
    Constant(String),
}

impl Param {
    /// Parses `h`, `lambda`, `a` or a constant name of spec v1.
    pub fn parse(s: &str) -> Result<Param> {
        match s {
            "h" => Ok(Param::H),
            "lambda" => Ok(Param::Lambda),
            "a" => Ok(Param::A),
            c if KNOWN_CONSTANTS.contains(&c) => Ok(Param::Constant(c.to_string())),
            other => Err(Error::Usage(format!(
                "--param: unknown parameter {other:?}, expected h, lambda, a or a constant ({})",
                KNOWN_CONSTANTS.join(", ")
            ))),
        }
    }

    /// The name used in outputs (`h`, `lambda`, `a`, `B1`, …).
    pub fn name(&self) -> &str {
        match self {
            Param::H => "h",
            Param::Lambda => "lambda",
            Param::A => "a",
            Param::Constant(c) => c,
        }
    }

    /// The JSON pointer of the parameter in a spec.
    fn pointer(&self) -> String {
        match self {
            Param::H => "/algorithm/h".into(),
            Param::Lambda => "/algorithm/lambda".into(),
            Param::A => "/algorithm/a".into(),
            Param::Constant(c) => format!("/constants/{c}"),
        }
    }
}

/// One axis of a sweep or map: `points` values from `from` to `to`, linear or geometric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Axis {
    /// The parameter.
    pub param: Param,
    /// First value (exact).
    pub from: Rat,
    /// Last value (exact).
    pub to: Rat,
    /// Number of values (≥ 1).
    pub points: usize,
    /// Geometric spacing (needs 0 < from).
    pub log: bool,
}

impl Axis {
    /// The axis values: `from` and `to` exactly, interior points exact values of `f64`s.
    pub fn values(&self) -> Vec<Rat> {
        if self.points == 1 {
            return vec![self.from.clone()];
        }
        let (a, b) = (self.from.to_f64().unwrap_or(0.0), self.to.to_f64().unwrap_or(0.0));
        let n = self.points - 1;
        let mut out = vec![self.from.clone()];
        for k in 1..n {
            let t = k as f64 / n as f64;
            let x = if self.log { (a.ln() + (b.ln() - a.ln()) * t).exp() } else { a + (b - a) * t };
            // Six significant decimals: a short exact value to print (a dyadic f64 near 1e-297
            // would need more than the spec's 1024 bits).
            out.push(parse_rat(&format!("{x:.5e}")).unwrap_or_else(|_| self.from.clone()));
        }
        out.push(self.to.clone());
        out
    }

    fn to_json(&self) -> Json {
        json!({"param": self.param.name(), "from": fmt_rat(&self.from), "to": fmt_rat(&self.to),
               "points": self.points, "log": self.log})
    }
}

/// Which slice of the points to evaluate: shard `index` of `count` (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard index.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Shard {
    /// The whole grid.
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Parses `i/N` with 1 ≤ i ≤ N.
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || Error::Usage(format!("--shard: expected i/N with 1 <= i <= N, got {s:?}"));
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Whether point (or column) `k` belongs to this shard.
    pub fn owns(&self, k: usize) -> bool {
        k % self.count == self.index - 1
    }
}

/// The verdict of a claim at a grid point, or why it does not apply.
fn verdict_text(fc: &FastClaims, id: &str, h: &Rat) -> &'static str {
    match fc.exact.applies(id) {
        Ok(()) => fc.verdict(id, h).as_str(),
        Err(_) => "not_applicable",
    }
}

/// A spec with its parameters, ready to evaluate grid points cheaply: constants are evaluated
/// once unless a constant is swept.
pub struct Grid {
    spec: Spec,
    base: StepClaims,
    axes: Vec<Axis>,
    values: Vec<Vec<Rat>>,
    claims: Vec<String>,
    inputs_sha256: String,
    /// For a quadratic whose swept constants are among [`FAST_CONSTANTS`]: its step claims with
    /// those constants derived, whose records enclose the true values (see [`Grid::fast_claims`]).
    derived: Option<StepClaims>,
}

/// Constants a sweep can decide from the derived enclosure of the true value (quadratics): the
/// suprema (declared v is verified iff v ≥ the true value) and μ (iff v ≤ it).
const FAST_CONSTANTS: &[&str] = &["L", "ell", "B0", "B1", "B2", "mu"];

impl Grid {
    /// Validates the axes against the spec (both ends of each axis are substituted into the spec
    /// and re-validated, so errors carry the spec's JSON pointer) and picks the claims: `claims`,
    /// or by default every step-size claim that applies to the spec.
    pub fn new(spec: &Spec, axes: Vec<Axis>, claims: &[String]) -> Result<Grid> {
        for (i, ax) in axes.iter().enumerate() {
            if ax.points == 0 || ax.points > 100_000 {
                return Err(Error::Usage(format!("axis {}: points must be in 1..=100000", ax.param.name())));
            }
            if ax.log && !(ax.from > Rat::from_integer(0.into()) && ax.to > Rat::from_integer(0.into())) {
                return Err(Error::Usage(format!("axis {}: a log scale needs positive ends", ax.param.name())));
            }
            if axes[..i].iter().any(|b| b.param == ax.param) {
                return Err(Error::Usage(format!("parameter {} given twice", ax.param.name())));
            }
            match (&ax.param, &spec.algorithm.method) {
                (Param::Lambda, Method::Scheme7 { .. }) => {}
                (Param::A, Method::Scheme7 { kind: Scheme7Kind::Momentum, .. }) => {}
                (Param::Lambda | Param::A, m) => {
                    return Err(Error::Usage(format!(
                        "parameter {} is not free for method {} (lambda needs scheme (7); a needs momentum)",
                        ax.param.name(),
                        m.name()
                    )))
                }
                _ => {}
            }
            // Every value of a constant's axis must give a valid spec (`claims_at` relies on it).
            let values =
                if matches!(ax.param, Param::Constant(_)) { ax.values() } else { vec![ax.from.clone(), ax.to.clone()] };
            for v in values {
                substitute(spec, &[(ax.param.clone(), v)])?;
            }
        }
        let base = super::claims::step_claims(spec);
        let claims: Vec<String> = if claims.is_empty() {
            STEP_CLAIMS.iter().filter(|id| base.applies(id).is_ok()).map(|s| s.to_string()).collect()
        } else {
            for c in claims {
                if !STEP_CLAIMS.contains(&c.as_str()) {
                    return Err(Error::Usage(format!(
                        "--claim: {c:?} has no step-size condition; expected one of {}",
                        STEP_CLAIMS.join(", ")
                    )));
                }
            }
            claims.to_vec()
        };
        if claims.is_empty() {
            return Err(Error::Usage("no step-size claim applies to this spec (see certify admissible)".into()));
        }
        let values = axes.iter().map(Axis::values).collect();
        let inputs_sha256 = sha256_hex(&canonical_bytes(&canonical_json(spec)));
        let swept: Vec<&str> = axes
            .iter()
            .filter_map(|ax| match &ax.param {
                Param::Constant(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        let derived = match &spec.objective {
            crate::spec::Objective::Quadratic { .. }
                if !swept.is_empty() && swept.iter().all(|n| FAST_CONSTANTS.contains(n)) =>
            {
                let mut stripped = spec.clone();
                stripped.constants.retain(|k, _| !swept.contains(&k.as_str()));
                // The saddle reading must not change with the declared constants.
                let same = crate::theorems::context(&stripped).saddle == crate::theorems::context(spec).saddle;
                same.then(|| super::claims::step_claims(&stripped))
            }
            _ => None,
        };
        Ok(Grid { spec: spec.clone(), base, axes, values, claims, inputs_sha256, derived })
    }

    /// Number of grid points.
    pub fn len(&self) -> usize {
        self.values.iter().map(Vec::len).product()
    }

    /// Whether the grid has no point.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The claims evaluated.
    pub fn claims(&self) -> &[String] {
        &self.claims
    }

    /// Parameter values of point `k` (row-major: the last axis varies fastest).
    pub fn point(&self, k: usize) -> Vec<(Param, Rat)> {
        let mut rest = k;
        let mut out = vec![(Param::H, Rat::from_integer(0.into())); self.axes.len()];
        for (i, ax) in self.axes.iter().enumerate().rev() {
            let n = self.values[i].len();
            out[i] = (ax.param.clone(), self.values[i][rest % n].clone());
            rest /= n;
        }
        out
    }

    /// The step claims and step size at the given parameter values.
    fn claims_at(&self, at: &[(Param, Rat)]) -> (FastClaims, Rat) {
        let mut h = self.spec.algorithm.h.clone();
        let constants: Vec<(Param, Rat)> =
            at.iter().filter(|(p, _)| matches!(p, Param::Constant(_))).cloned().collect();
        let mut sc = if let Some(fast) = self.fast_claims(&constants) {
            fast
        } else if !constants.is_empty() {
            super::claims::step_claims(
                // Constants are validated one by one, so any combination of axis values is valid.
                &substitute(&self.spec, &constants).expect("every value of a constant axis validated in Grid::new"),
            )
        } else {
            self.base.clone()
        };
        let (mut lambda, mut a) = (None, None);
        for (p, v) in at {
            match p {
                Param::H => h = v.clone(),
                Param::Lambda => lambda = Some(v.clone()),
                Param::A => a = Some(v.clone()),
                Param::Constant(_) => {}
            }
        }
        if lambda.is_some() || a.is_some() {
            if let Method::Scheme7 { lambda: l0, .. } = &self.spec.algorithm.method {
                sc = sc.with_momentum(lambda.as_ref().unwrap_or(l0), a.as_ref());
            }
        }
        (FastClaims::new(sc), h)
    }

    /// The step claims with the swept constants declared at `at`, decided without re-running the
    /// constants: a declared L (ℓ, B₀, B₁, B₂) is verified when it is at least the upper end of the
    /// derived record's enclosure `true` of the true value, refuted when below its lower end (μ:
    /// mirrored); `None` (decide by substituting) when a value lies inside an enclosure. For a
    /// quadratic the enclosures are exact brackets, so this is the verdict the full path gives.
    fn fast_claims(&self, at: &[(Param, Rat)]) -> Option<StepClaims> {
        let derived = self.derived.as_ref()?;
        if at.is_empty() {
            return None;
        }
        let mut consts = derived.constants().clone();
        for (p, v) in at {
            let Param::Constant(name) = p else { return None };
            let id = format!("constants.{name}");
            let truth = consts.claims.iter().find(|c| c.id == id)?.values.get("true")?.clone();
            let (lo, hi) = (truth.lo().clone(), truth.hi().clone());
            let verified = if name == "mu" { v <= &lo } else { v >= &hi };
            let refuted = if name == "mu" { v > &hi } else { v < &lo };
            let used = if verified {
                Ok(v.clone())
            } else if refuted {
                Err(format!("{id} is refuted: the declared {} is on the wrong side of the true value", fmt_rat(v)))
            } else {
                return None;
            };
            consts.used.insert(name.clone(), used);
            consts.favourable.remove(name);
        }
        Some(derived.with_constants(consts))
    }

    /// Evaluates point `k`: `{"index", "params", "verdicts"}`.
    pub fn evaluate(&self, k: usize) -> Json {
        let at = self.point(k);
        let (sc, h) = self.claims_at(&at);
        let params: Map<String, Json> = at.iter().map(|(p, v)| (p.name().to_string(), json!(fmt_rat(v)))).collect();
        let verdicts: Map<String, Json> =
            self.claims.iter().map(|id| (id.clone(), json!(verdict_text(&sc, id, &h)))).collect();
        json!({"index": k, "params": params, "verdicts": verdicts})
    }

    /// The certified boundary along the first axis (λ for a map): for column `i_x`, the
    /// admissible range of `claim` in h over the second axis' range (`claim_range`), as
    /// `{"index", PARAM, "h_lo", "h_hi"}`.
    pub fn boundary(&self, ix: usize, claim: &str) -> Json {
        let ax = &self.axes[0];
        let v = &self.values[0][ix];
        let (sc, _) = self.claims_at(&[(ax.param.clone(), v.clone())]);
        let hy = &self.axes[1];
        let (lo, hi) = if hy.from <= hy.to { (&hy.from, &hy.to) } else { (&hy.to, &hy.from) };
        let req = Request { from: lo.clone(), to: hi.clone(), points: hy.points.clamp(2, 64), ..Request::default() };

        let r = claim_range(&sc, claim, &req, &self.spec.algorithm.method);
        let mut m = Map::new();
        m.insert("index".into(), json!(ix));
        m.insert(ax.param.name().to_string(), json!(fmt_rat(v)));
        if let Some(lo) = r.h_lo() {
            m.insert("h_lo".into(), json!(fmt_rat(lo)));
        }
        if let Some(hi) = r.h_hi() {
            m.insert("h_hi".into(), json!(fmt_rat(hi)));
        }
        Json::Object(m)
    }

    /// Evaluates the shard's points in parallel (calling `tick` after each), and for a map whose
    /// second axis is h, the shard's boundary columns of `boundary_claim`. Returns the output JSON.
    pub fn run(&self, shard: Shard, boundary_claim: Option<&str>, tick: &(dyn Fn() + Sync)) -> Json {
        let mine: Vec<usize> = (0..self.len()).filter(|k| shard.owns(*k)).collect();
        let points: Vec<Json> = mine
            .par_iter()
            .map(|&k| {
                let p = self.evaluate(k);
                tick();
                p
            })
            .collect();
        let mut root = Map::new();
        root.insert("format".into(), json!(FORMAT));
        root.insert("kind".into(), json!(if self.axes.len() == 1 { "sweep" } else { "map" }));
        root.insert("spec_name".into(), json!(self.spec.name));
        root.insert("inputs_sha256".into(), json!(self.inputs_sha256));
        root.insert("axes".into(), Json::Array(self.axes.iter().map(Axis::to_json).collect()));
        root.insert("claims".into(), json!(self.claims));
        root.insert("shard".into(), json!({"index": shard.index, "count": shard.count}));
        root.insert("points".into(), Json::Array(points));
        // The spec's own values of the parameters (the map marks that point).
        let own: Map<String, Json> = self
            .axes
            .iter()
            .filter_map(|ax| {
                let v = match (&ax.param, &self.spec.algorithm.method) {
                    (Param::H, _) => Some(self.spec.algorithm.h.clone()),
                    (Param::Lambda, Method::Scheme7 { lambda, .. }) => Some(lambda.clone()),
                    (Param::A, Method::Scheme7 { a, .. }) => Some(a.clone()),
                    (Param::Constant(name), _) => self.spec.constants.get(name).cloned(),
                    _ => None,
                };
                v.map(|v| (ax.param.name().to_string(), json!(fmt_rat(&v))))
            })
            .collect();
        root.insert("spec_point".into(), Json::Object(own));
        if let (Some(claim), true) = (
            boundary_claim,
            self.axes.len() == 2 && self.axes[1].param == Param::H && self.axes[1].from != self.axes[1].to,
        ) {
            let cols: Vec<usize> = (0..self.values[0].len()).filter(|k| shard.owns(*k)).collect();
            let curve: Vec<Json> = cols.par_iter().map(|&ix| self.boundary(ix, claim)).collect();
            root.insert("boundary".into(), json!({"claim": claim, "columns": curve}));
        }
        Json::Object(root)
    }
}

/// The spec with the given parameter values substituted, re-validated (errors name the pointer).
pub fn substitute(spec: &Spec, at: &[(Param, Rat)]) -> Result<Spec> {
    let mut v = canonical_json(spec);
    for (p, x) in at {
        let ptr = p.pointer();
        let (parent, key) = ptr.rsplit_once('/').expect("pointers have a parent");
        let obj =
            v.pointer_mut(parent).and_then(Json::as_object_mut).ok_or_else(|| Error::spec(parent, "missing object"))?;
        obj.insert(key.to_string(), json!(fmt_rat(x)));
    }
    parse_spec_value_like(&v, spec)
}

/// Joins shard outputs: same kind, spec, axes, claims and shard count; disjoint; complete.
/// Returns the joined output (shard 1/1, points and boundary columns sorted by index).
pub fn merge(parts: &[Json]) -> Result<Json> {
    let first = parts.first().ok_or_else(|| Error::Usage("merge: no shard files given".into()))?;
    let same = ["format", "kind", "inputs_sha256", "axes", "claims"];
    for (i, p) in parts.iter().enumerate() {
        if p.get("kind").and_then(Json::as_str).is_none_or(|k| k != "sweep" && k != "map") {
            return Err(Error::Usage(format!("merge: input {} is not a sweep or map output", i + 1)));
        }
        for key in same {
            if p.get(key) != first.get(key) {
                return Err(Error::Usage(format!("merge: input {} differs from input 1 in \"{key}\"", i + 1)));
            }
        }
        if p["shard"]["count"] != first["shard"]["count"] {
            return Err(Error::Usage(format!("merge: input {} has a different shard count", i + 1)));
        }
    }
    let total: usize = first["axes"]
        .as_array()
        .map(|a| a.iter().map(|x| x["points"].as_u64().unwrap_or(0) as usize).product())
        .unwrap_or(0);
    let mut points: Vec<Option<Json>> = vec![None; total];
    for (i, p) in parts.iter().enumerate() {
        for pt in p["points"].as_array().into_iter().flatten() {
            let k = pt["index"].as_u64().map(|k| k as usize).filter(|k| *k < total);
            let k =
                k.ok_or_else(|| Error::Usage(format!("merge: input {} has a point without a valid index", i + 1)))?;
            if points[k].is_some() {
                return Err(Error::Usage(format!("merge: point {k} appears in more than one input (input {})", i + 1)));
            }
            points[k] = Some(pt.clone());
        }
    }
    let missing: Vec<usize> = (0..total).filter(|k| points[*k].is_none()).collect();
    if !missing.is_empty() {
        let count = first["shard"]["count"].as_u64().unwrap_or(1) as usize;
        let mut shards: Vec<usize> = missing.iter().map(|k| k % count + 1).collect();
        shards.dedup();
        shards.sort();
        shards.dedup();
        let names: Vec<String> = shards.iter().map(|s| format!("{s}/{count}")).collect();
        return Err(Error::Usage(format!(
            "merge: {} of {total} points missing (shards {})",
            missing.len(),
            names.join(", ")
        )));
    }
    let mut out = first.as_object().cloned().unwrap_or_default();
    out.insert("shard".into(), json!({"index": 1, "count": 1}));
    out.insert("points".into(), Json::Array(points.into_iter().flatten().collect()));
    if let Some(b) = first.get("boundary") {
        let mut cols: Vec<Json> =
            parts.iter().flat_map(|p| p["boundary"]["columns"].as_array().cloned().unwrap_or_default()).collect();
        cols.sort_by_key(|c| c["index"].as_u64());
        out.insert("boundary".into(), json!({"claim": b["claim"], "columns": cols}));
    }
    Ok(Json::Object(out))
}

/// A rational from an output's exact string field (for CSV/SVG writers).
pub fn rat_field(v: &Json) -> Option<Rat> {
    v.as_str().and_then(|s| parse_rat(s).ok())
}

/// CSV of a sweep or map output: `index`, each parameter (exact and `≈` decimal), each claim.
pub fn to_csv(out: &Json) -> String {
    let axes: Vec<String> =
        out["axes"].as_array().into_iter().flatten().filter_map(|a| a["param"].as_str().map(String::from)).collect();
    let claims: Vec<String> =
        out["claims"].as_array().into_iter().flatten().filter_map(|c| c.as_str().map(String::from)).collect();
    let mut s = String::from("index");
    for a in &axes {
        s.push_str(&format!(",{a},{a}_approx"));
    }
    for c in &claims {
        s.push_str(&format!(",{c}"));
    }
    s.push('\n');
    for p in out["points"].as_array().into_iter().flatten() {
        s.push_str(&p["index"].to_string());
        for a in &axes {
            let exact = p["params"][a].as_str().unwrap_or("");
            let approx = rat_field(&p["params"][a]).and_then(|r| r.to_f64()).unwrap_or(f64::NAN);
            s.push_str(&format!(",{exact},{approx:e}"));
        }
        for c in &claims {
            s.push_str(&format!(",{}", p["verdicts"][c].as_str().unwrap_or("")));
        }
        s.push('\n');
    }
    s
}

/// Counts of each verdict of `claim` in an output.
pub fn tally(out: &Json, claim: &str) -> [(Verdict, usize); 3] {
    let count = |v: Verdict| {
        out["points"].as_array().into_iter().flatten().filter(|p| p["verdicts"][claim] == v.as_str()).count()
    };
    [Verdict::Verified, Verdict::Refuted, Verdict::Inconclusive].map(|v| (v, count(v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::load_spec;
    use std::path::Path;

    fn heavy_ball() -> Spec {
        load_spec(&Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/heavy_ball.json")).unwrap()
    }

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// Issue 11 item 6: a constant swept on a quadratic is decided from the derived bracket of the
    /// true value (no constants re-run per point); the verdicts equal those of substituting the
    /// value and re-running everything, on both sides of the truth and at it (L = 1 and μ = 1/5 of
    /// heavy_ball exactly: Q = diag(1/5, 1)).
    #[test]
    fn fast_constant_sweeps_agree_with_substitution() {
        for (spec, name, from, to) in [
            (heavy_ball(), "B1", "0.5", "3"),
            (heavy_ball(), "L", "0.9", "1.1"),
            (heavy_ball(), "mu", "0.1", "0.3"),
            (
                load_spec(&Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/strongly_convex.json")).unwrap(),
                "L",
                "1",
                "3",
            ),
            (
                load_spec(&Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/strongly_convex.json")).unwrap(),
                "ell",
                "4",
                "5",
            ),
        ] {
            let axes = vec![
                Axis { param: Param::Constant(name.into()), from: q(from), to: q(to), points: 9, log: false },
                Axis { param: Param::H, from: q("1e-4"), to: q("4"), points: 7, log: true },
            ];
            let fast = Grid::new(&spec, axes, &[]).unwrap();
            assert!(fast.derived.is_some(), "{name}: the fast path applies");
            let slow = Grid { derived: None, ..Grid::new(&spec, fast.axes.clone(), &[]).unwrap() };
            let mut decided_fast = 0;
            for k in 0..fast.len() {
                let at = fast.point(k);
                let consts: Vec<(Param, Rat)> =
                    at.iter().filter(|(p, _)| matches!(p, Param::Constant(_))).cloned().collect();
                decided_fast += usize::from(fast.fast_claims(&consts).is_some());
                assert_eq!(fast.evaluate(k), slow.evaluate(k), "{name} at point {k}");
            }
            assert!(decided_fast > 0, "{name}: no point took the fast path");
        }
    }

    #[test]
    fn shards_partition_and_merge_back() {
        let axes = vec![
            Axis { param: Param::Lambda, from: q("0.5"), to: q("0.95"), points: 4, log: false },
            Axis { param: Param::H, from: q("1e-5"), to: q("1e-1"), points: 5, log: true },
        ];
        let g = Grid::new(&heavy_ball(), axes, &["ks.assumption11".to_string()]).unwrap();
        let whole = g.run(Shard::ALL, Some("ks.assumption11"), &|| {});
        let parts: Vec<Json> =
            (1..=3).map(|i| g.run(Shard { index: i, count: 3 }, Some("ks.assumption11"), &|| {})).collect();
        assert_eq!(merge(&parts).unwrap(), whole);
        let err = merge(&parts[..2]).unwrap_err().to_string();
        assert!(err.contains("missing (shards 3/3)"), "{err}");
        let err = merge(&[parts[0].clone(), parts[0].clone(), parts[1].clone(), parts[2].clone()]).unwrap_err();
        assert!(err.to_string().contains("more than one input"), "{err}");
    }

    #[test]
    fn sweep_verdicts_are_rigorous() {
        // Along h, every point's verdict agrees with the exact statement where that is decisive.
        let spec = heavy_ball();
        let axes = vec![Axis { param: Param::H, from: q("1e-4"), to: q("1e-1"), points: 25, log: true }];
        let g = Grid::new(&spec, axes, &[]).unwrap();
        let out = g.run(Shard::ALL, None, &|| {});
        let sc = crate::admissible::claims::step_claims(&spec);
        for p in out["points"].as_array().unwrap() {
            let h = rat_field(&p["params"]["h"]).unwrap();
            for id in g.claims() {
                let exact = sc.verdict(id, &h);
                let shown = Verdict::parse(p["verdicts"][id].as_str().unwrap()).unwrap();
                if exact != Verdict::Inconclusive && shown != Verdict::Inconclusive {
                    assert_eq!(exact, shown, "{id} at h = {h}");
                }
            }
        }
        assert_eq!(tally(&out, "ks.assumption11")[0].1 + tally(&out, "ks.assumption11")[1].1, 25);
    }

    #[test]
    fn bad_axes_are_usage_errors() {
        let spec = heavy_ball();
        let ax = |param, from: &str, to: &str| vec![Axis { param, from: q(from), to: q(to), points: 3, log: false }];
        let err = Grid::new(&spec, ax(Param::Lambda, "0.5", "1"), &[]).err().unwrap().to_string();
        assert!(err.starts_with("/algorithm/lambda"), "{err}");
        assert!(Grid::new(&spec, ax(Param::A, "0", "1"), &[]).is_err(), "a is fixed for heavy_ball");
        let err = Grid::new(&spec, ax(Param::Constant("B1".into()), "-1", "1"), &[]).err().unwrap().to_string();
        assert!(err.starts_with("/constants/B1"), "{err}");
        assert!(Shard::parse("0/3").is_err() && Shard::parse("4/3").is_err() && Shard::parse("x").is_err());
    }
}
