//! The theorems of the seed papers as exact statements, one file per paper, and the dispatcher
//! that decides every claim of a spec.
//!
//! Everything reachable from [`evaluate`] is exact rational arithmetic: it is what `certify`
//! reports and what `certify check` re-runs to re-verify a certificate.

pub mod assumptions;
pub mod kovachki_stuart;
pub mod orvieto_lucchi;

use crate::claim::{Claim, Status, CLAIM_IDS};
use crate::exact::Rat;
use crate::objective::quadratic::{gradient, norm_sq};
use crate::spec::{Method, Objective, Spec};
use assumptions::{Constants, QuadraticConstants};
use kovachki_stuart::KsParams;

/// Short statement of a claim, used when a missing hypothesis stops it before its theorem runs.
fn headline(id: &str) -> &'static str {
    match id {
        "ol.prop1" => "Orvieto–Lucchi (000) Prop. 1: GD local error δ = ℓL h²/2",
        "ol.thm2" => "Orvieto–Lucchi (000) Thm 2: GD ε-shadows the gradient flow, ε = hℓL/(2μ)",
        "ol.thm3" => "Orvieto–Lucchi (000) Thm 3: saddle shadowing step bound",
        "ol.prop2" => "Orvieto–Lucchi (000) Prop. 2: heavy-ball local error δ = ℓ(α + 1 + L)h²",
        "ks.thm3" => "Kovachki–Stuart (004) Thm 3: scheme (7) is O(h)-close to the damped flow (11)",
        "ks.lemma8" => "Kovachki–Stuart (004) Lemma 8: derivative bounds for the damped flow (11)",
        "ks.lemma9" => "Kovachki–Stuart (004) Lemma 9: condition (38) and its witness γ",
        "ks.lemma10" => "Kovachki–Stuart (004) Lemma 10: condition (40) and its witness δ",
        "ks.assumption11" => "Kovachki–Stuart (004) Assumption 11: step-size conditions (41)–(44)",
        "ks.thm5" => "Kovachki–Stuart (004) Thm 5: exponentially attractive invariant manifold",
        "ks.thm6" => "Kovachki–Stuart (004) Thm 6: modified flow (20)–(21) on the manifold",
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

/// Decides every claim of `spec` (constants first, then the theorems), in `CLAIM_IDS` order.
/// When the spec lists `claims`, only those theorem claims are returned, with every constant claim.
pub fn evaluate(spec: &Spec) -> Vec<Claim> {
    let Objective::Quadratic { q, b } = &spec.objective;
    let consts = assumptions::quadratic(&QuadraticConstants { q, b, domain: &spec.domain, declared: &spec.constants });
    let h = &spec.algorithm.h;
    let mut claims: Vec<Claim> = consts.claims.clone();
    let saddle_mode = spec.constants.contains_key("gamma");
    let method_name = spec.algorithm.method.name();

    // Orvieto–Lucchi, GD.
    for id in ["ol.prop1", "ol.thm2", "ol.thm3"] {
        let claim = if !matches!(spec.algorithm.method, Method::Gd) {
            Claim::new(id, headline(id)).not_applicable(format!("method is {method_name}, the theorem is about gd"))
        } else {
            match id {
                "ol.prop1" => match need(&consts, &["ell", "L"]) {
                    Ok(v) => orvieto_lucchi::prop1(h, &v[0], &v[1]),
                    Err(e) => blocked(id, &consts, e),
                },
                "ol.thm2" if saddle_mode => Claim::new(id, headline(id))
                    .not_applicable("(H2): the spec declares a spectral gap (gamma), f is not strongly convex"),
                "ol.thm2" => match need(&consts, &["ell", "L", "mu"]) {
                    Ok(v) => orvieto_lucchi::thm2(h, &v[0], &v[1], &v[2], spec.epsilon.as_ref()),
                    Err(e) => blocked(id, &consts, e),
                },
                _ if !consts.used.contains_key("gamma") => Claim::new(id, headline(id))
                    .not_applicable("Q has no negative eigenvalue: Thm 3 is the saddle case (see ol.thm2)"),
                _ => match need(&consts, &["ell", "L", "gamma", "mu", "L_phi"]) {
                    Ok(v) => orvieto_lucchi::thm3(h, &v[0], &v[1], &v[2], &v[3], &v[4], spec.epsilon.as_ref()),
                    Err(e) => blocked(id, &consts, e),
                },
            }
        };
        claims.push(claim);
    }

    // Orvieto–Lucchi heavy ball.
    claims.push(match &spec.algorithm.method {
        Method::HeavyBallOl { alpha } => match need(&consts, &["ell", "L"]) {
            Ok(v) => orvieto_lucchi::prop2(h, alpha, &v[0], &v[1]),
            Err(e) => blocked("ol.prop2", &consts, e),
        },
        _ => Claim::new("ol.prop2", headline("ol.prop2"))
            .not_applicable(format!("method is {method_name}, the proposition is about heavy_ball_ol")),
    });

    // Kovachki–Stuart, scheme (7).
    let ks_ids = ["ks.thm3", "ks.lemma8", "ks.lemma9", "ks.lemma10", "ks.assumption11", "ks.thm5", "ks.thm6"];
    match &spec.algorithm.method {
        Method::Scheme7 { lambda, a, .. } => match need(&consts, &["B0", "B1", "B2"]) {
            Ok(v) => {
                let p = KsParams {
                    lambda: lambda.clone(),
                    a: a.clone(),
                    h: h.clone(),
                    b0: v[0].clone(),
                    b1: v[1].clone(),
                    b2: v[2].clone(),
                };
                let grad0_sq = norm_sq(&gradient(q, b, &spec.x0));
                claims.push(kovachki_stuart::thm3(&p));
                claims.push(kovachki_stuart::lemma8(&p, &grad0_sq));
                claims.push(kovachki_stuart::lemma9(&p));
                claims.push(kovachki_stuart::lemma10(&p));
                claims.push(kovachki_stuart::assumption11(&p));
                claims.push(kovachki_stuart::thm5(&p));
                claims.push(kovachki_stuart::thm6(&p));
            }
            Err(e) => claims.extend(ks_ids.iter().map(|id| blocked(id, &consts, e.clone()))),
        },
        _ => claims.extend(ks_ids.iter().map(|id| {
            Claim::new(id, headline(id)).not_applicable(format!(
                "method is {method_name}, the theorem is about scheme (7) (heavy_ball, nesterov, momentum)"
            ))
        })),
    }

    if let Some(requested) = &spec.claims {
        claims.retain(|c| c.id.starts_with("constants.") || requested.contains(&c.id));
    }
    claims.sort_by_key(|c| CLAIM_IDS.iter().position(|id| *id == c.id).unwrap_or(usize::MAX));
    claims
}
