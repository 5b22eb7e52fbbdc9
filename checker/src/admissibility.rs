//! Certified step-size ranges (`certify admissible`): the step-size claims of a spec as exact
//! functions of h ([`StepClaims`]), their closed-form suprema, and the check of an admissibility
//! certificate.
//!
//! # The certificate (`"kind": "admissibility"`)
//! It binds the exact inputs (`inputs_sha256`) and the request (range, grid size, target;
//! `request_sha256`), carries the evidence of the constants (as a claims certificate does), and,
//! per step-size claim, stores
//! * `components`: `[h_from, h_to]` with the witnesses and the claim record at `h_to`. The checker
//!   re-decides the claim exactly at `h_to` and requires it verified, with these witnesses; by the
//!   monotonicity lemma (engine: `admissible::range`; every left side of every condition grows with
//!   h, every right side is fixed) this proves every h ∈ (0, h_to] ⊇ the component. The first
//!   component starts at the request's `from`; a later one (the lemma says there is none) must
//!   start at a step size the claim verifies, above the previous component.
//! * `h_lo` (the last `h_to`), `h_hi` and `refutation`: the record at `h_hi`, re-decided exactly and
//!   required refuted (for `ks.lemma10` the refuted `ks.lemma9`, for `ks.thm5` the refuted
//!   `ks.assumption11`), which refutes every h ≥ h_hi; `gap` = h_hi/h_lo − 1.
//! * `supremum`: the exact closed form where there is one, recomputed, and equal to `h_lo`
//!   (attained) or `h_hi` (not attained).
//!
//! Exact rationals only; no search: every record is one exact evaluation at a stored step size.

use crate::certificate::{canonical_bytes, record_to_json, sha256_hex, KIND_ADMISSIBILITY};
use crate::check::{envelope, Options, Report};
use crate::claim::{Claim, Status};
use crate::error::{Error, Result};
use crate::exact::{fmt_rat, parse_rat, rat, Rat};
use crate::inputs::{Algorithm, Method, Scheme7Kind};
use crate::theorems::constants::Constants;
use crate::theorems::kovachki_stuart::KsParams;
use crate::theorems::Context;
use num_traits::{One, Signed, Zero};
use serde_json::{json, Map, Value as Json};

/// What range to scan and how tightly to bracket each verdict change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// Smallest step size scanned (> 0).
    pub from: Rat,
    /// Largest step size scanned (> `from`).
    pub to: Rat,
    /// Number of grid points (≥ 2), geometrically spaced.
    pub points: usize,
    /// Relative bracket target: bisection stops when hi/lo − 1 ≤ target.
    pub target: Rat,
}

impl Default for Request {
    /// h ∈ [10⁻¹², 10²], 57 points (4 per decade), target 10⁻¹⁰.
    fn default() -> Self {
        Request {
            from: parse_rat("1e-12").expect("literal"),
            to: parse_rat("100").expect("literal"),
            points: 57,
            target: parse_rat("1e-10").expect("literal"),
        }
    }
}

impl Request {
    /// Checks the ranges; the message names the offending field.
    pub fn validate(&self) -> std::result::Result<(), String> {
        if !self.from.is_positive() {
            return Err(format!("from: must be > 0, got {}", self.from));
        }
        if self.to <= self.from {
            return Err(format!("to: must exceed from, got {} <= {}", self.to, self.from));
        }
        if self.points < 2 {
            return Err(format!("points: need at least 2, got {}", self.points));
        }
        if !self.target.is_positive() {
            return Err(format!("target: must be > 0, got {}", self.target));
        }
        Ok(())
    }

    /// As JSON (what `request_sha256` hashes).
    pub fn to_json(&self) -> Json {
        json!({"from": fmt_rat(&self.from), "to": fmt_rat(&self.to), "points": self.points, "target": fmt_rat(&self.target)})
    }
}

/// Claims with a step-size condition, in report order.
pub const STEP_CLAIMS: &[&str] = &[
    "step.descent",
    "step.stable",
    "ol.thm2",
    "ol.thm3",
    "ks.thm3",
    "ks.lemma9",
    "ks.lemma10",
    "ks.assumption11",
    "ks.thm5",
];

/// Whether `admissible` ranges claim `id` even when the spec's `claims` list leaves it out: the
/// classical conditions `step.*`, which answer "is this step size safe?" for every spec.
pub fn always_ranged(id: &str) -> bool {
    id.starts_with("step.")
}

/// A three-valued verdict about one step size, from a rigorous inequality only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The claim's conditions hold (with the recorded witnesses).
    Verified,
    /// The conditions fail for every witness.
    Refuted,
    /// Neither is proved.
    Inconclusive,
}

impl Verdict {
    /// `verified`, `refuted` or `inconclusive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Verified => "verified",
            Verdict::Refuted => "refuted",
            Verdict::Inconclusive => "inconclusive",
        }
    }

    /// Inverse of [`Verdict::as_str`].
    pub fn parse(s: &str) -> Option<Verdict> {
        [Verdict::Verified, Verdict::Refuted, Verdict::Inconclusive].into_iter().find(|v| v.as_str() == s)
    }
}

/// The step-size claims of one spec, with its constants evaluated once.
#[derive(Clone, Debug)]
pub struct StepClaims {
    epsilon: Option<Rat>,
    method: Method,
    consts: Constants,
    ctx: Context,
}

impl StepClaims {
    /// The step-size claims of a spec with ε `epsilon`, method `method` and its verified constants
    /// (they do not depend on h, λ or a).
    pub fn new(epsilon: Option<Rat>, method: Method, consts: Constants, ctx: Context) -> Self {
        StepClaims { epsilon, method, consts, ctx }
    }

    /// The constants the claims use.
    pub fn constants(&self) -> &Constants {
        &self.consts
    }

    /// The method the claims are about.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The same claims with other constants.
    pub fn with_constants(&self, consts: Constants) -> StepClaims {
        StepClaims { consts, ..self.clone() }
    }

    /// The same claims for scheme (7) with momentum `lambda` (and look-ahead `a` for `momentum`;
    /// `nesterov` keeps a = λ, `heavy_ball` a = 0). The caller guarantees λ ∈ (0, 1), a ≥ 0.
    pub fn with_momentum(&self, lambda: &Rat, a: Option<&Rat>) -> StepClaims {
        let method = match &self.method {
            Method::Scheme7 { kind, a: old, .. } => {
                let a = match kind {
                    Scheme7Kind::HeavyBall => old.clone(),
                    Scheme7Kind::Nesterov => lambda.clone(),
                    Scheme7Kind::Momentum => a.cloned().unwrap_or_else(|| old.clone()),
                };
                Method::Scheme7 { kind: *kind, lambda: lambda.clone(), a }
            }
            other => other.clone(),
        };
        StepClaims { method, ..self.clone() }
    }

    fn need(&self, names: &[&str]) -> Result<(), String> {
        names.iter().try_for_each(|n| self.consts.get(n).map(drop))
    }

    /// Why `id` does not apply to this spec at any step size (wrong method, unusable constant,
    /// saddle reading), or `Ok` when its verdict depends on h. The reasons are those of
    /// `theorems::evaluate`.
    pub fn applies(&self, id: &str) -> Result<(), String> {
        let name = self.method.name();
        match id {
            "step.descent" if !matches!(self.method, Method::Gd) => {
                Err(format!("method is {name}, the descent lemma is about gd"))
            }
            "step.descent" => self.need(&["L"]),
            "step.stable" if self.ctx.saddle => {
                Err("saddle reading (gamma declared or Q indefinite): μ is the spectral gap".into())
            }
            "step.stable" => match (self.consts.get("mu"), self.consts.get("L")) {
                (Ok(mu), Ok(_)) if mu.is_positive() => Ok(()),
                (Ok(_), Ok(_)) => Err("needs μ > 0 (H2)".into()),
                (Err(e), _) | (_, Err(e)) => Err(e),
            },
            "ol.thm2" | "ol.thm3" if !matches!(self.method, Method::Gd) => {
                Err(format!("method is {name}, the theorem is about gd"))
            }
            "ol.thm2" if self.ctx.saddle => {
                Err("(H2): saddle reading (gamma declared or Q indefinite), mu is the spectral gap".into())
            }
            "ol.thm2" => self.need(&["ell", "L", "mu"]),
            "ol.thm3" if !self.ctx.saddle => {
                Err("not the saddle case: Thm 3 needs a spectral gap (see ol.thm2)".into())
            }
            "ol.thm3" => self.need(&["ell", "L", "gamma", "mu", "L_phi"]),
            _ if id.starts_with("ks.") => match self.method {
                Method::Scheme7 { .. } => self.need(&["B0", "B1", "B2"]),
                _ => Err(format!("method is {name}, the theorem is about scheme (7) (heavy_ball, nesterov, momentum)")),
            },
            _ => Err(format!("{id} has no step-size condition")),
        }
    }

    /// Kovachki–Stuart parameters at step size `h` (`None` unless scheme (7) with usable B's).
    pub fn ks_params(&self, h: &Rat) -> Option<KsParams> {
        let Method::Scheme7 { lambda, a, .. } = &self.method else { return None };
        let b = |n: &str| self.consts.get(n).ok().cloned();
        Some(KsParams { lambda: lambda.clone(), a: a.clone(), h: h.clone(), b0: b("B0")?, b1: b("B1")?, b2: b("B2")? })
    }

    /// The claim `id` at step size `h > 0`: the record `theorems::evaluate` gives for the
    /// spec with `algorithm.h = h` (the same code, [`crate::theorems::theorem_claims`]).
    /// Panics unless [`StepClaims::applies`] is `Ok` (programmer error).
    pub fn claim(&self, id: &str, h: &Rat) -> Claim {
        if let Err(e) = self.applies(id) {
            panic!("StepClaims::claim({id}) called although it does not apply: {e}");
        }
        let algorithm = Algorithm { method: self.method.clone(), h: h.clone() };
        crate::theorems::theorem_claims(self.epsilon.as_ref(), &algorithm, &self.consts, &self.ctx, Some(id))
            .into_iter()
            .find(|c| c.id == id)
            .expect("theorem_claims returns every theorem claim")
    }

    /// The verdict of `id` at `h`, with the record that decides it.
    ///
    /// Refuted means: no witness makes the conditions hold at `h`. For `ks.lemma10` a failing
    /// Lemma 9 hypothesis (no γ satisfies (38)) counts, with the `ks.lemma9` record; for `ks.thm5`
    /// a refuted Assumption 11 (its hypothesis), with the `ks.assumption11` record.
    pub fn decide(&self, id: &str, h: &Rat) -> (Verdict, Claim) {
        let c = self.claim(id, h);
        match c.status {
            Status::Verified => (Verdict::Verified, c),
            Status::Refuted => (Verdict::Refuted, c),
            Status::NotApplicable if id == "ks.lemma10" || id == "ks.thm5" => {
                let hyp = if id == "ks.lemma10" { "ks.lemma9" } else { "ks.assumption11" };
                let d = self.claim(hyp, h);
                if d.status == Status::Refuted {
                    (Verdict::Refuted, d)
                } else {
                    (Verdict::Inconclusive, c)
                }
            }
            _ => (Verdict::Inconclusive, c),
        }
    }

    /// The verdict of `id` at `h` (see [`StepClaims::decide`]).
    pub fn verdict(&self, id: &str, h: &Rat) -> Verdict {
        self.decide(id, h).0
    }
}

/// An exact closed-form supremum of the admissible set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Supremum {
    /// sup A.
    pub value: Rat,
    /// Whether sup A ∈ A.
    pub attained: bool,
}
/// The exact supremum of the admissible set of `id` when it has a closed form (`crate::admissible::range`, section Closed forms).
///
/// Enclosure: exact.
pub fn closed_form_supremum(sc: &StepClaims, id: &str, spec_method: &Method) -> Option<Supremum> {
    sc.applies(id).ok()?;
    let probe = Rat::one();
    match id {
        "ol.thm2" | "ol.thm3" | "ks.thm3" => {
            // h_max of the claim's own record (ol.thm3, ks.thm3) does not depend on h.
            let c = sc.claim(id, &probe);
            let h_max = if id == "ol.thm2" {
                let l = c.inequalities.first()?.rhs.clone(); // 1/L
                match (c.values.get("epsilon"), c.values.get("epsilon_requested")) {
                    (Some(eps_at_1), Some(req)) if eps_at_1.hi().is_positive() => {
                        // ε(h) = h·ε(1), linear in h: ε(h) ≤ req ⟺ h ≤ req/ε(1).
                        let by_eps = req.hi() / eps_at_1.hi();
                        if by_eps < l {
                            by_eps
                        } else {
                            l
                        }
                    }
                    _ => l,
                }
            } else {
                c.values.get("h_max")?.hi().clone()
            };
            Some(Supremum { value: h_max, attained: true })
        }
        // h·L < 2 (descent, GD stability) and hL(1 + 2a) < 2(1 + λ) (scheme (7) stability): strict.
        "step.descent" => {
            let l = sc.consts.get("L").ok()?;
            l.is_positive().then(|| Supremum { value: rat(2) / l, attained: false })
        }
        "step.stable" => {
            let l = sc.consts.get("L").ok().filter(|l| l.is_positive())?;
            match &sc.method {
                Method::Gd => Some(Supremum { value: rat(2) / l, attained: false }),
                Method::Scheme7 { lambda, a, .. } => Some(Supremum {
                    value: rat(2) * (Rat::one() + lambda) / (l * (Rat::one() + rat(2) * a)),
                    attained: false,
                }),
                // The root of h²L + 2hα = 4 is irrational in general: brackets only.
                Method::HeavyBallOl { .. } => None,
            }
        }
        "ks.lemma9" => {
            let Method::Scheme7 { .. } = spec_method else { return None };
            let p = sc.ks_params(&probe)?;
            let per_h = &p.b1 * (&p.a + &p.lambda * p.lambda_bar());
            (!per_h.is_zero()).then(|| Supremum { value: (Rat::one() - &p.lambda) / per_h, attained: false })
        }
        _ => None,
    }
}

fn rat_at(v: &Json, key: &str, place: &str) -> Result<Rat> {
    let s =
        v.get(key).and_then(Json::as_str).ok_or_else(|| Error::rejected(place, format!("missing string \"{key}\"")))?;
    parse_rat(s).map_err(|e| Error::rejected(place, format!("{key}: {e}")))
}

fn expect_eq(place: &str, what: &str, stored: Option<&Json>, recomputed: &Json) -> Result<()> {
    if stored != Some(recomputed) {
        let shown = stored.map_or("nothing".to_string(), |s| s.to_string());
        return Err(Error::rejected(place, format!("{what}: stored {shown}, recomputed {recomputed}")));
    }
    Ok(())
}

/// The summary of an admissibility certificate's claim ranges.
pub fn summary(ranges: &[Json]) -> Json {
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

/// Checks an admissibility certificate with exact rationals; the error names the claim. The
/// constants come from the evidence (`crate::check::constants_of`).
pub fn check(cert: &Json, opts: &Options) -> Result<Report> {
    let keys = [
        "claims",
        "evidence",
        "format",
        "inputs",
        "inputs_sha256",
        "kind",
        "provenance",
        "request",
        "request_sha256",
        "summary",
    ];
    let (provenance, inputs) = envelope(cert, KIND_ADMISSIBILITY, &keys)?;
    let data_file = crate::check::find_data(&inputs, &provenance, opts)?;
    let (consts, ctx, ..) = crate::check::constants_of(cert, &inputs, data_file.as_ref())?;
    let request = &cert["request"];
    let req = Request {
        from: rat_at(request, "from", "request")?,
        to: rat_at(request, "to", "request")?,
        points: request.get("points").and_then(Json::as_u64).ok_or_else(|| Error::rejected("request", "points"))?
            as usize,
        target: rat_at(request, "target", "request")?,
    };
    req.validate().map_err(|e| Error::rejected("request", e))?;
    expect_eq("request", "request", Some(request), &req.to_json())?;
    expect_eq("request_sha256", "digest", cert.get("request_sha256"), &json!(sha256_hex(&canonical_bytes(request))))?;
    let stored = cert["claims"].as_array().ok_or_else(|| Error::rejected("claims", "missing array"))?;
    let expected: Vec<&str> = STEP_CLAIMS.iter().copied().filter(|id| always_ranged(id) || inputs.wants(id)).collect();
    let ids: Vec<&str> = stored.iter().map(|c| c.get("id").and_then(Json::as_str).unwrap_or("<no id>")).collect();
    if ids != expected {
        return Err(Error::rejected("claims", format!("claims {ids:?}, the inputs give {expected:?}")));
    }
    let sc = StepClaims::new(inputs.epsilon.clone(), inputs.algorithm.method.clone(), consts, ctx);
    for (s, id) in stored.iter().zip(&expected) {
        check_claim(&sc, &inputs.algorithm.method, &req, id, s)?;
    }
    let sum = summary(stored);
    expect_eq("summary", "summary", cert.get("summary"), &sum)?;
    let by_checker = expected.iter().map(|s| s.to_string()).collect();
    Ok(Report {
        provenance,
        by_checker,
        by_rerun: Vec::new(),
        exit_code: sum["exit_code"].as_i64().unwrap_or(1) as i32,
        data_file: data_file.map(|f| f.path),
    })
}

/// Re-verifies one claim's record; returns the numbers of components and refutations checked.
fn check_claim(sc: &StepClaims, method: &Method, req: &Request, id: &str, s: &Json) -> Result<(usize, usize)> {
    let obj = s.as_object().ok_or_else(|| Error::rejected(id, "not an object"))?;
    let allowed = ["id", "not_applicable", "components", "h_lo", "h_hi", "refutation", "gap", "supremum"];
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(Error::rejected(id, format!("unknown field \"{k}\"")));
    }
    if let Err(reason) = sc.applies(id) {
        return expect_eq(id, "record", Some(s), &json!({"id": id, "not_applicable": reason})).map(|_| (0, 0));
    }
    if obj.contains_key("not_applicable") {
        return Err(Error::rejected(id, "marked not applicable, but the claim applies to the inputs"));
    }
    let comps =
        s.get("components").and_then(Json::as_array).ok_or_else(|| Error::rejected(id, "missing components"))?;
    let mut prev_to: Option<Rat> = None;
    for (k, comp) in comps.iter().enumerate() {
        let place = format!("{id}: component {k}");
        let h_from = rat_at(comp, "h_from", &place)?;
        let h_to = rat_at(comp, "h_to", &place)?;
        if !(req.from <= h_from && h_from <= h_to && h_to <= req.to) {
            return Err(Error::rejected(
                id,
                format!("component {k}: [{h_from}, {h_to}] is not inside the request's range"),
            ));
        }
        match &prev_to {
            None if h_from != req.from => {
                return Err(Error::rejected(id, format!("component 0 must start at the range's from, got {h_from}")))
            }
            Some(p) if &h_from <= p || sc.verdict(id, &h_from) != Verdict::Verified => {
                return Err(Error::rejected(
                    id,
                    format!("component {k}: h_from {h_from} is not a verified point above the previous component"),
                ));
            }
            _ => {}
        }
        let record = sc.claim(id, &h_to);
        if record.status != Status::Verified {
            return Err(Error::rejected(id, format!("component {k}: the claim is {} at h_to = {h_to}", record.status)));
        }
        expect_eq(id, &format!("component {k} record"), comp.get("record"), &record_to_json(&record))?;
        let w: Map<String, Json> =
            record.witnesses.iter().map(|(k, v)| (k.clone(), Json::String(fmt_rat(v)))).collect();
        expect_eq(id, &format!("component {k} witnesses"), comp.get("witnesses"), &Json::Object(w))?;
        let keys: Vec<&String> = comp.as_object().map(|o| o.keys().collect()).unwrap_or_default();
        if keys.len() != 4 {
            return Err(Error::rejected(id, format!("component {k}: unexpected fields {keys:?}")));
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
                return Err(Error::rejected(id, format!("refutation at {h}: outside the range or not above h_lo")));
            }
            let (v, record) = sc.decide(id, &h);
            if v != Verdict::Refuted {
                return Err(Error::rejected(id, format!("refutation at {h}: the exact statement says {}", v.as_str())));
            }
            expect_eq(id, "refutation", Some(f), &json!({"h": fmt_rat(&h), "record": record_to_json(&record)}))?;
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
    let sup = closed_form_supremum(sc, id, method);
    let sup_json = sup.as_ref().map_or(Json::Null, |x| json!({"value": fmt_rat(&x.value), "attained": x.attained}));
    expect_eq(id, "supremum", s.get("supremum").or(Some(&Json::Null)), &sup_json)?;
    // Where the exact statement decides the supremum itself (verified when attained, refuted when
    // not), the bracket must end there; with derived constants it may be inconclusive there (refuted
    // at the used value, not at the favourable end), and the bracket then ends on either side.
    let decisive = |x: &Supremum| {
        let expected = if x.attained { Verdict::Verified } else { Verdict::Refuted };
        sc.verdict(id, &x.value) == expected
    };
    if let Some(x) = sup.as_ref().filter(|x| req.from <= x.value && x.value <= req.to && decisive(x)) {
        let end = if x.attained { &h_lo } else { &h_hi };
        if end.as_ref().is_some_and(|e| e != &x.value) {
            return Err(Error::rejected(
                id,
                "the closed-form supremum is inside the range but the bracket does not end at it",
            ));
        }
    }
    Ok((comps.len(), refutations))
}
