//! The theorems of the seed papers as exact statements, one file per paper, and the dispatcher
//! that decides every claim of a spec.
//!
//! The closed-form claims (constants of quadratics, every theorem of 000 and 004) are exact rational
//! arithmetic. Two kinds of claims are enclosures instead, and say so in their statements: the
//! constants of non-quadratic objectives (`assumptions::general`) and the trajectory claims
//! `shadow.orbit` (`trajectories`), `ec.thm1` (`elkabetz_cohen`), `shadow.finite` (`shadowing`) and
//! `ks.thm2` (`kovachki_stuart_rates`). [`evaluate`] is what `certify` reports and what `certify check`
//! re-runs: exact claims are re-derived exactly, enclosure claims by re-running the same deterministic
//! enclosure.

pub mod assumptions;
pub mod elkabetz_cohen;
pub mod kovachki_stuart;
pub mod kovachki_stuart_manifold;
pub mod kovachki_stuart_rates;
pub mod orvieto_lucchi;
pub mod shadowing;
pub mod trajectories;

use crate::claim::{Claim, Status, CLAIM_IDS};
use crate::enclose::rat_to_interval;
use crate::exact::Rat;
use crate::objective::quadratic::{gradient, norm_sq};
use crate::objective::BoxObjective;
use crate::spec::{Algorithm, Method, Objective, Spec};
use assumptions::{Constants, GeneralConstants, QuadraticConstants};
use kovachki_stuart::KsParams;
use num_traits::Zero;

/// Short statement of a claim, used when a missing hypothesis stops it before its theorem runs.
fn headline(id: &str) -> &'static str {
    match id {
        "ol.prop1" => "Orvieto–Lucchi (000) Prop. 1: GD local error δ = ℓL h²/2",
        "ol.thm2" => "Orvieto–Lucchi (000) Thm 2: GD ε-shadows the gradient flow, ε = hℓL/(2μ)",
        "ol.thm3" => "Orvieto–Lucchi (000) Thm 3: saddle shadowing step bound",
        "ol.prop2" => "Orvieto–Lucchi (000) Prop. 2: heavy-ball local error δ = ℓ(α + 1 + L)h²",
        "ks.thm2" => kovachki_stuart_rates::HEADLINE,
        "ks.thm3" => "Kovachki–Stuart (004) Thm 3: scheme (7) is O(h)-close to the damped flow (11)",
        "ks.lemma8" => "Kovachki–Stuart (004) Lemma 8: derivative bounds for the damped flow (11)",
        "ks.lemma9" => "Kovachki–Stuart (004) Lemma 9: condition (38) and its witness γ",
        "ks.lemma10" => "Kovachki–Stuart (004) Lemma 10: condition (40) and its witness δ",
        "ks.assumption11" => "Kovachki–Stuart (004) Assumption 11: step-size conditions (41)–(44)",
        "ks.thm5" => "Kovachki–Stuart (004) Thm 5: exponentially attractive invariant manifold",
        "ks.thm6" => "Kovachki–Stuart (004) Thm 6: modified flow (20)–(21) on the manifold",
        "shadow.orbit" => {
            "Orvieto–Lucchi (000), Kovachki–Stuart (004) Thm 2: enclosed sup distance between the exact orbit and \
             the flow it approximates ≤ ε"
        }
        "ec.thm1" => {
            "Elkabetz–Cohen (002/003) Thm 1: certified GF–GD distance bound by the discrete Grönwall recursion"
        }
        "shadow.finite" => {
            "Finite-time shadowing (000 Thm 3, proofs/SHADOWING.md): a GD orbit from a perturbed x₀ within ε = Kδ"
        }
        _ => "claim",
    }
}

/// A claim stopped by a constant it needs: inconclusive when that constant is, else not applicable.
fn blocked(id: &str, consts: &Constants, reason: String) -> Claim {
    let constant_inconclusive =
        consts.claims.iter().any(|c| c.status == Status::Inconclusive && reason.starts_with(&c.id));
    let c = Claim::new(id, headline(id));
    if constant_inconclusive {
        let mut c = c;
        c.reason = Some(reason);
        c
    } else {
        c.not_applicable(reason)
    }
}

/// The usable values of `names`, or the first reason one is unusable.
fn need(consts: &Constants, names: &[&str]) -> Result<Vec<Rat>, String> {
    names.iter().map(|n| consts.get(n).cloned()).collect()
}

/// The values of `names` at the favourable ends of the derived constants' enclosures.
fn favourable(consts: &Constants, names: &[&str], used: &[Rat]) -> Vec<Rat> {
    names.iter().zip(used).map(|(n, v)| consts.favourable.get(*n).cloned().unwrap_or_else(|| v.clone())).collect()
}

/// A refutation that disappears when the derived constants are moved to the favourable ends of their
/// enclosures is an artefact of rounding: the claim is inconclusive. (Every claim here only gets
/// harder as L, ℓ, B₀, B₁, B₂ grow and μ, γ shrink, so a refutation at the favourable ends is a
/// refutation at the true constants.)
fn soften(mut c: Claim, at_favourable: &Claim, derived: &[&str]) -> Claim {
    if c.status == Status::Refuted && at_favourable.status != Status::Refuted {
        c.status = Status::Inconclusive;
        c.reason = Some(format!(
            "enclosure too wide: {} — refuted with the derived constant(s) {} but not at the other end of their \
             enclosures (declare them to decide)",
            c.reason.clone().unwrap_or_default(),
            derived.join(", ")
        ));
    }
    c
}

/// Runs one theorem on the constants `names`; see [`soften`].
fn run(id: &str, consts: &Constants, names: &[&str], f: impl Fn(&[Rat]) -> Claim) -> Claim {
    let v = match need(consts, names) {
        Ok(v) => v,
        Err(e) => return blocked(id, consts, e),
    };
    let c = f(&v);
    let fav = favourable(consts, names, &v);
    if c.status != Status::Refuted || fav == v {
        return c;
    }
    let derived: Vec<&str> = names.iter().copied().filter(|n| consts.favourable.contains_key(*n)).collect();
    soften(c, &f(&fav), &derived)
}

/// The constants step of `spec`: exact for quadratics ([`assumptions::quadratic`]), enclosed on the
/// domain box otherwise ([`assumptions::general`], with the spec's box budget).
pub fn constants(spec: &Spec) -> Constants {
    match &spec.objective {
        Objective::Quadratic { q, b } => {
            assumptions::quadratic(&QuadraticConstants { q, b, domain: &spec.domain, declared: &spec.constants })
        }
        other => assumptions::general(&GeneralConstants {
            objective: other.as_box().expect("every non-quadratic objective has box enclosures"),
            domain: &spec.domain,
            declared: &spec.constants,
            max_boxes: spec.budget(),
        }),
    }
}

/// An exact rational upper bound of |∇Φ(x0)|² from the interval enclosure of ∇Φ at the point x0
/// (`None` when the enclosure is unbounded).
///
/// Lemma 8 of 004 is stated with |∇Φ(u₀)|²; its C₁⁽²⁾ = κ|∇Φ(u₀)|/α and C⁽¹⁾ = λ̄(κ|∇Φ(u₀)| + hβ₁ + B₀)
/// increase with |∇Φ(u₀)| (κ, α, λ̄ ≥ 0), so evaluating them at this upper bound gives valid upper
/// bounds of the true constants: for non-quadratic objectives the `C1_2` and `C1` records of
/// `ks.lemma8` are upper bounds (their lower ends are not lower bounds). Nothing else of Lemma 8
/// (nor any verdict) depends on |∇Φ(u₀)|.
fn grad0_sq_upper(objective: &dyn BoxObjective, x0: &[Rat]) -> Option<Rat> {
    let x: Vec<inari::Interval> = x0.iter().map(rat_to_interval).collect();
    let g = objective.gradient(&x);
    let s = crate::objective::norm(&g).sqr().sup();
    s.is_finite().then(|| Rat::from_float(s).expect("finite"))
}

/// The theorem claims (all but the constants) of `spec` run with `algorithm` (the spec's own, or the
/// same spec at another step size or momentum — `crate::admissible` uses this), in report order.
/// With `wanted = Some(id)` the Kovachki–Stuart group computes only that claim (the others of the
/// group are left out); the records are the same as without the filter.
pub fn theorem_claims(
    spec: &Spec,
    algorithm: &Algorithm,
    consts: &Constants,
    ctx: &Context,
    wanted: Option<&str>,
) -> Vec<Claim> {
    let (saddle, grad0_sq, no_saddle_reason) = (ctx.saddle, &ctx.grad0_sq, ctx.no_saddle_reason);
    let h = &algorithm.h;
    let eps = spec.epsilon.as_ref();
    let mut claims: Vec<Claim> = Vec::new();
    let method_name = algorithm.method.name();
    let zero = Rat::zero();
    // Orvieto–Lucchi, GD.
    for id in ["ol.prop1", "ol.thm2", "ol.thm3"] {
        let claim = if !matches!(algorithm.method, Method::Gd) {
            Claim::new(id, headline(id)).not_applicable(format!("method is {method_name}, the theorem is about gd"))
        } else if consts.get("L").is_ok_and(|l| *l == zero) && id != "ol.prop1" {
            Claim::new(id, headline(id)).not_applicable("L = 0: f is affine, there is no flow to shadow")
        } else {
            match id {
                "ol.prop1" => run(id, consts, &["ell", "L"], |v| orvieto_lucchi::prop1(h, &v[0], &v[1])),
                "ol.thm2" if saddle => Claim::new(id, headline(id)).not_applicable(
                    "(H2): saddle reading (gamma declared or Q indefinite), mu is the spectral gap, not strong convexity",
                ),
                "ol.thm2" => run(id, consts, &["ell", "L", "mu"], |v| orvieto_lucchi::thm2(h, &v[0], &v[1], &v[2], eps)),
                _ if !saddle => Claim::new(id, headline(id)).not_applicable(no_saddle_reason),
                _ => run(id, consts, &["ell", "L", "gamma", "mu", "L_phi"], |v| {
                    orvieto_lucchi::thm3(h, &v[0], &v[1], &v[2], &v[3], &v[4], eps)
                }),
            }
        };
        claims.push(claim);
    }

    // Orvieto–Lucchi heavy ball.
    claims.push(match &algorithm.method {
        Method::HeavyBallOl { alpha } => {
            run("ol.prop2", consts, &["ell", "L"], |v| orvieto_lucchi::prop2(h, alpha, &v[0], &v[1]))
        }
        _ => Claim::new("ol.prop2", headline("ol.prop2"))
            .not_applicable(format!("method is {method_name}, the proposition is about heavy_ball_ol")),
    });

    // Kovachki–Stuart, scheme (7).
    let ks_ids = ["ks.thm3", "ks.lemma8", "ks.lemma9", "ks.lemma10", "ks.assumption11", "ks.thm5", "ks.thm6"];
    let names = ["B0", "B1", "B2"];
    match &algorithm.method {
        Method::Scheme7 { .. } if grad0_sq.is_none() => claims.extend(ks_ids.iter().map(|id| {
            let mut c = Claim::new(id, headline(id));
            c.reason = Some("|∇Φ(u₀)|² is not enclosed: the objective is not smooth at x0".into());
            c
        })),
        Method::Scheme7 { lambda, a, .. } => match need(consts, &names) {
            Ok(v) if v[0] == zero || v[1] == zero => claims.extend(ks_ids.iter().map(|id| {
                Claim::new(id, headline(id))
                    .not_applicable("Assumption 1 with B₀ = 0 or B₁ = 0: Φ is affine or ∇Φ = 0 on the domain")
            })),
            Ok(v) => {
                let params = |v: &[Rat]| KsParams {
                    lambda: lambda.clone(),
                    a: a.clone(),
                    h: h.clone(),
                    b0: v[0].clone(),
                    b1: v[1].clone(),
                    b2: v[2].clone(),
                };
                let grad0_sq = grad0_sq.clone().expect("checked above");
                let group = |p: &KsParams| match wanted.filter(|id| id.starts_with("ks.")) {
                    Some(id) => vec![kovachki_stuart::claim(p, &grad0_sq, id)],
                    None => kovachki_stuart::claims(p, &grad0_sq),
                };
                let now = group(&params(&v));
                let fav = favourable(consts, &names, &v);
                if fav == v || now.iter().all(|c| c.status != Status::Refuted) {
                    claims.extend(now);
                } else {
                    let derived: Vec<&str> =
                        names.iter().copied().filter(|n| consts.favourable.contains_key(*n)).collect();
                    let alt = group(&params(&fav));
                    claims.extend(now.into_iter().zip(&alt).map(|(c, f)| soften(c, f, &derived)));
                }
            }
            Err(e) => claims.extend(ks_ids.iter().map(|id| blocked(id, consts, e.clone()))),
        },
        _ => claims.extend(ks_ids.iter().map(|id| {
            Claim::new(id, headline(id)).not_applicable(format!(
                "method is {method_name}, the theorem is about scheme (7) (heavy_ball, nesterov, momentum)"
            ))
        })),
    }

    claims
}

/// Longest horizon for which `evaluate` encloses trajectories (`check` re-runs them).
pub const MAX_TRAJECTORY_STEPS: u64 = 100_000;

/// Adds `shadow.orbit` (against the spec's ε, else the ε of a verified `ol.thm2`), the measured
/// local error `local_error_max` of a verified `ol.prop1` (enclosures, see [`trajectories`]),
/// `ec.thm1` ([`elkabetz_cohen`]), `shadow.finite` ([`shadowing`]) and the measured rates of `ks.thm2`
/// ([`kovachki_stuart_rates`]; its run at h/2 takes 2N steps, so it needs 2N ≤ [`MAX_TRAJECTORY_STEPS`]).
fn trajectory_claims(spec: &Spec, claims: &mut Vec<Claim>) {
    // Trajectory claims cost enclosures over the whole horizon: only the requested ones are run.
    let wanted = |id: &str| spec.claims.as_ref().is_none_or(|ids| ids.iter().any(|i| i == id));
    // `ks.thm2` runs 3N steps per tube (N at h, 2N at h/2) and checks its own budget.
    if wanted("ks.thm2") {
        let thm5 = claims.iter().find(|c| c.id == "ks.thm5").and_then(kovachki_stuart_manifold::thm5_rates);
        claims.push(kovachki_stuart_rates::thm2_rates(spec, MAX_TRAJECTORY_STEPS, thm5.as_ref()));
    }
    if spec.steps > MAX_TRAJECTORY_STEPS {
        for id in ["shadow.orbit", "ec.thm1", "shadow.finite"].into_iter().filter(|id| wanted(id)) {
            let mut c = Claim::new(id, headline(id));
            c.reason = Some(format!(
                "horizon of {} steps is beyond the {MAX_TRAJECTORY_STEPS} steps this version encloses",
                spec.steps
            ));
            claims.push(c);
        }
        return;
    }
    // The trajectory claims share one enclosure of the orbit, of the flow and of the local errors.
    let shared = trajectories::Shared::default();
    if wanted("shadow.orbit") {
        let eps_thm2 = claims
            .iter()
            .find(|c| c.id == "ol.thm2" && c.status == Status::Verified)
            .and_then(|c| c.values.get("epsilon"))
            .map(|v| v.hi().clone());
        claims.push(trajectories::shadow_orbit_sharing(spec, eps_thm2.as_ref(), &shared));
    }
    if let Some(c) = claims.iter_mut().find(|c| c.id == "ol.prop1" && c.status == Status::Verified) {
        if let Some(local) = trajectories::prop1_local_error_sharing(spec, &shared) {
            c.enclosed("local_error_max", local);
        }
    }
    if wanted("ec.thm1") {
        claims.push(elkabetz_cohen::thm1_sharing(spec, &shared));
    }
    if wanted("shadow.finite") {
        claims.push(shadowing::finite_sharing(spec, &shared));
    }
}

/// What the theorem claims need besides the constants: the saddle reading of the spec and
/// |∇Φ(x₀)|² (exact for quadratics, an exact upper bound otherwise; `None` when not enclosed).
#[derive(Clone, Debug)]
pub struct Context {
    /// Saddle reading (000 Thm 3): γ declared, or an indefinite quadratic.
    pub saddle: bool,
    /// |∇Φ(x₀)|² (or an upper bound, see `grad0_sq_upper`).
    pub grad0_sq: Option<Rat>,
    /// Why Thm 3 does not apply outside the saddle reading.
    no_saddle_reason: &'static str,
}

/// The [`Context`] of `spec`.
pub fn context(spec: &Spec) -> Context {
    match &spec.objective {
        Objective::Quadratic { q, b } => Context {
            saddle: assumptions::saddle_mode(q, &spec.constants),
            grad0_sq: Some(norm_sq(&gradient(q, b, &spec.x0))),
            no_saddle_reason: "Q has no negative eigenvalue: Thm 3 is the saddle case (see ol.thm2)",
        },
        other => Context {
            saddle: spec.constants.contains_key("gamma"),
            grad0_sq: grad0_sq_upper(
                other.as_box().expect("every non-quadratic objective has box enclosures"),
                &spec.x0,
            ),
            no_saddle_reason: "gamma is not declared: Thm 3 is the saddle case (see ol.thm2)",
        },
    }
}

/// Decides every claim of `spec` (constants first, then the theorems), in `CLAIM_IDS` order.
/// When the spec lists `claims`, only those theorem claims are returned, with every constant claim.
///
/// Quadratic objectives are decided in exact arithmetic; the constants of other objectives are
/// enclosed on the domain box ([`assumptions::general`]) and the theorems then use them exactly as
/// for quadratics.
pub fn evaluate(spec: &Spec) -> Vec<Claim> {
    let consts = constants(spec);
    let ctx = context(spec);
    let mut claims: Vec<Claim> = consts.claims.clone();
    claims.extend(theorem_claims(spec, &spec.algorithm, &consts, &ctx, None));
    trajectory_claims(spec, &mut claims);
    // Non-quadratic objectives: Lemma 8 ran on an upper bound of |∇Φ(u₀)|² (see `grad0_sq_upper`);
    // record it, so that the reader knows C1_2 and C1 are upper bounds.
    if !matches!(spec.objective, Objective::Quadratic { .. }) {
        if let (Some(g), Some(c)) = (&ctx.grad0_sq, claims.iter_mut().find(|c| c.id == "ks.lemma8")) {
            if c.status == Status::Verified {
                c.value("grad0_sq_upper", g.clone());
            }
        }
    }
    if let Some(requested) = &spec.claims {
        claims.retain(|c| c.id.starts_with("constants.") || requested.contains(&c.id));
    }
    claims.sort_by_key(|c| CLAIM_IDS.iter().position(|id| *id == c.id).unwrap_or(usize::MAX));
    claims
}
