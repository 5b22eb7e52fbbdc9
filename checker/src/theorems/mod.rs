//! The exact statements of the seed papers' theorems, one file per paper, and the dispatcher that
//! decides the closed-form claims of a spec from its verified constants ([`theorem_claims`]).
//!
//! Each statement takes exact inputs (parameters and verified constants) and returns the claim
//! record, deciding it by atomic inequalities between exact rationals. The engine calls these
//! functions to produce its claims; the checker calls the same functions to verify them.

pub mod constants;
pub mod general;
pub mod kovachki_stuart;
pub mod orvieto_lucchi;
pub mod smooth;
pub mod stability;
pub mod trajectories;

use crate::claim::{Claim, Status};
use crate::exact::{Rat, RatMatrix};
use crate::inputs::{Algorithm, Method};
use crate::quadratic::{gradient, norm_sq};
use constants::Constants;
use kovachki_stuart::KsParams;
use num_traits::Zero;
use std::collections::BTreeMap;

/// Statement of `ks.thm2` when it stops before measuring.
pub const KS_THM2_HEADLINE: &str =
    "Kovachki–Stuart (004) Thm 2, Section 2.3: measured rate Δ = log₂(E(h)/E(h/2)) of scheme (7) to the \
     rescaled flow (8) is first order";

/// Short statement of a claim, used when a missing hypothesis stops it before its theorem runs.
pub fn headline(id: &str) -> &'static str {
    match id {
        "step.descent" => "Descent lemma (GD): 0 < h < 2/L decreases f at every step inside the box",
        "step.stable" => "Linear stability over the curvatures [μ, L], with its rate",
        "ol.prop1" => "Orvieto–Lucchi (000) Prop. 1: GD local error δ = ℓL h²/2",
        "ol.thm2" => "Orvieto–Lucchi (000) Thm 2: GD ε-shadows the gradient flow, ε = hℓL/(2μ)",
        "ol.thm3" => "Orvieto–Lucchi (000) Thm 3: saddle shadowing step bound",
        "ol.prop2" => "Orvieto–Lucchi (000) Prop. 2: heavy-ball local error δ = ℓ(α + 1 + L)h²",
        "ks.thm2" => KS_THM2_HEADLINE,
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
pub fn blocked(id: &str, consts: &Constants, reason: String) -> Claim {
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
    /// `None` when the objective is shown defined and smooth (C³) on the whole domain box (always
    /// for quadratics and data sets; for expressions by a covering that bounds D³f on every box),
    /// else why not: the trajectory claims are then inconclusive, and the engine does not run them.
    pub not_smooth: Option<String>,
}

impl Context {
    /// The context of a quadratic objective: saddle reading when γ is declared or Q is indefinite,
    /// |∇Φ(x₀)|² exact.
    pub fn quadratic(q: &RatMatrix, b: &[Rat], x0: &[Rat], declared: &BTreeMap<String, Rat>) -> Context {
        Context {
            saddle: constants::saddle_mode(q, declared),
            grad0_sq: Some(norm_sq(&gradient(q, b, x0))),
            no_saddle_reason: "Q has no negative eigenvalue: Thm 3 is the saddle case (see ol.thm2)",
            not_smooth: None,
        }
    }

    /// The context of an expression or dataset objective: saddle reading when γ is declared;
    /// `grad0_sq_upper` an exact upper bound of |∇Φ(x₀)|² (`None` when it is not enclosed).
    pub fn general(declared: &BTreeMap<String, Rat>, grad0_sq_upper: Option<Rat>) -> Context {
        Context {
            saddle: declared.contains_key("gamma"),
            grad0_sq: grad0_sq_upper,
            no_saddle_reason: "gamma is not declared: Thm 3 is the saddle case (see ol.thm2)",
            not_smooth: None,
        }
    }
}

/// The theorem claims (all but the constants) of `spec` run with `algorithm` (the spec's own, or the
/// same spec at another step size or momentum — `crate::admissible` uses this), in report order.
/// With `wanted = Some(id)` the Kovachki–Stuart group computes only that claim (the others of the
/// group are left out); the records are the same as without the filter.
pub fn theorem_claims(
    epsilon: Option<&Rat>,
    algorithm: &Algorithm,
    consts: &Constants,
    ctx: &Context,
    wanted: Option<&str>,
) -> Vec<Claim> {
    let (saddle, grad0_sq, no_saddle_reason) = (ctx.saddle, &ctx.grad0_sq, ctx.no_saddle_reason);
    let h = &algorithm.h;
    let eps = epsilon;
    let mut claims: Vec<Claim> = Vec::new();
    let method_name = algorithm.method.name();
    let zero = Rat::zero();
    // Classical step-size conditions.
    claims.push(match algorithm.method {
        Method::Gd => run("step.descent", consts, &["L"], |v| stability::descent(h, &v[0])),
        _ => Claim::new("step.descent", headline("step.descent"))
            .not_applicable(format!("method is {method_name}, the descent lemma is about gd")),
    });
    claims.push(if saddle {
        Claim::new("step.stable", headline("step.stable")).not_applicable(
            "saddle reading (gamma declared or Q indefinite): μ is the spectral gap, there is no minimizer to be stable at",
        )
    } else {
        run("step.stable", consts, &["mu", "L"], |v| stability::stable(&algorithm.method, h, &v[0], &v[1]))
    });
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

/// What the trajectory claims add to the closed-form ones: `shadow.orbit`, `ec.thm1`,
/// `shadow.finite`, `ks.thm2` (those the spec asks for), and the measured local error that a
/// verified `ol.prop1` reports next to its bound δ.
#[derive(Clone, Debug, Default)]
pub struct Measured {
    /// The trajectory claims.
    pub claims: Vec<Claim>,
    /// Enclosure of maxₖ ‖y((k+1)h) − Ψ(y(kh))‖₂ along the exact flow: the gradient flow (gd,
    /// `ol.prop1`), or the heavy-ball ODE (heavy_ball_ol on quadratics, `ol.prop2`).
    pub local_error_max: Option<crate::exact::RatInterval>,
    /// The verified closed-form claims of [`GATED`] after rule 4 ([`gated`]): they replace the
    /// closed-form records of the same id.
    pub gated: Vec<Claim>,
}

/// The closed-form claims whose conclusion is about a trajectory of the spec and that use
/// constants valid on the domain box: rule 4 (DESIGN.md) asks that the trajectories stay in the box
/// (`trajectories::gate` says which trajectories each claim is about). Not here: `ks.lemma9`,
/// `ks.lemma10` and `ks.assumption11`, whose conclusions are inequalities between the constants
/// (witnesses γ, δ), true whatever the trajectory does; `ks.thm5` and `ks.thm6`, which use them
/// about the orbit, are gated.
pub const GATED: &[&str] =
    &["ol.prop1", "ol.thm2", "ol.thm3", "ol.prop2", "ks.thm3", "ks.lemma8", "ks.thm5", "ks.thm6"];

/// Whether record `c` went through rule 4 (it carries `domain_margin` or a rule-4 reason).
pub fn is_gated(c: &Claim) -> bool {
    GATED.contains(&c.id.as_str())
        && (c.values.contains_key("domain_margin") || c.reason.as_deref().is_some_and(|r| r.starts_with("rule 4")))
}

/// `claims` with the records of `gated` in place of those of the same id.
pub fn gated(claims: &[Claim], gated: &[Claim]) -> Vec<Claim> {
    claims.iter().map(|c| gated.iter().find(|g| g.id == c.id).unwrap_or(c).clone()).collect()
}

/// Every claim of a spec, in `CLAIM_IDS` order: the constants (`consts`), the closed-form theorems
/// ([`theorem_claims`]) and what `measure` adds, given the closed-form claims (it reads ε of a
/// verified `ol.thm2` and the rates of `ks.thm5`). When the spec lists `claims`, only those
/// theorem claims are kept, with every constant claim. Non-quadratic objectives: a verified
/// `ks.lemma8` records the upper bound of |∇Φ(x₀)|² it ran on (`grad0_sq_upper`, so that the reader
/// knows `C1_2` and `C1` are upper bounds).
pub fn assemble(
    inputs: &crate::inputs::Inputs,
    consts: &Constants,
    ctx: &Context,
    measure: impl FnOnce(&[Claim]) -> Measured,
) -> Vec<Claim> {
    let mut claims: Vec<Claim> = consts.claims.clone();
    claims.extend(theorem_claims(inputs.epsilon.as_ref(), &inputs.algorithm, consts, ctx, None));
    let measured = match &ctx.not_smooth {
        None => measure(&claims),
        // The trajectories of an objective not shown smooth on the box are not enclosed at all.
        Some(why) => Measured {
            claims: ["shadow.orbit", "ec.thm1", "shadow.finite", "ks.thm2"]
                .into_iter()
                .filter(|id| inputs.wants(id))
                .map(|id| {
                    let mut c = Claim::new(id, headline(id));
                    c.reason = Some(format!("{why}: the theorems need f of class C³ there"));
                    c
                })
                .collect(),
            local_error_max: None,
            gated: claims
                .iter()
                .filter(|c| c.status == Status::Verified && GATED.contains(&c.id.as_str()) && inputs.wants(&c.id))
                .map(|c| {
                    let mut c = c.clone();
                    c.status = Status::Inconclusive;
                    c.reason = Some(format!("rule 4 not established: {why}, so its trajectories are not enclosed"));
                    c
                })
                .collect(),
        },
    };
    claims = gated(&claims, &measured.gated);
    // Rule 4 is never assumed: a verified claim of GATED without its record is not established.
    for c in claims.iter_mut() {
        if c.status == Status::Verified && GATED.contains(&c.id.as_str()) && !c.values.contains_key("domain_margin") {
            *c = trajectories::not_established(c, "no record of the trajectories it is about");
        }
    }
    if let Some(local) = measured.local_error_max {
        let local_error = |c: &Claim| (c.id == "ol.prop1" || c.id == "ol.prop2") && c.status == Status::Verified;
        if let Some(c) = claims.iter_mut().find(|c| local_error(c)) {
            c.enclosed("local_error_max", local);
        }
    }
    claims.extend(measured.claims);
    if !matches!(inputs.objective, crate::inputs::ObjectiveInputs::Quadratic { .. }) {
        if let (Some(g), Some(c)) = (&ctx.grad0_sq, claims.iter_mut().find(|c| c.id == "ks.lemma8")) {
            if c.status == Status::Verified {
                c.value("grad0_sq_upper", g.clone());
            }
        }
    }
    if let Some(requested) = &inputs.claims {
        claims.retain(|c| c.id.starts_with("constants.") || requested.contains(&c.id));
    }
    claims.sort_by_key(|c| crate::claim::CLAIM_IDS.iter().position(|id| *id == c.id).unwrap_or(usize::MAX));
    claims
}
