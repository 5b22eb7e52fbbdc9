//! The theorems of the seed papers as exact statements, one file per paper, and the dispatcher
//! that decides every claim of a spec.
//!
//! The closed-form claims (constants of quadratics, every theorem of 000 and 004) are exact rational
//! arithmetic. Two kinds of claims are enclosures instead, and say so in their statements: the
//! constants of non-quadratic objectives (`assumptions::covered_constants`: coverings the
//! certificate stores and the checker verifies box by box) and the trajectory claims
//! `shadow.orbit` (`trajectories`), `ec.thm1` (`elkabetz_cohen`), `shadow.finite` (`shadowing`) and
//! `ks.thm2` (`kovachki_stuart_rates`). [`evaluate`] is what `certify` reports; `certify check`
//! verifies what the evidence carries and re-runs the trajectory records of the momentum methods on
//! non-quadratic objectives (the same deterministic enclosure).

pub mod assumptions;
pub mod elkabetz_cohen;
pub mod kovachki_stuart_manifold;
pub mod kovachki_stuart_rates;
pub mod shadowing;
pub mod trajectories;

pub use shadowcert_checker::certificate::Evidence;
pub use shadowcert_checker::inputs::Inputs;
pub use shadowcert_checker::theorems::{headline, kovachki_stuart, orvieto_lucchi, theorem_claims, Context, Measured};

use crate::claim::{Claim, Status};
use crate::spec::{Method, Objective, Spec};
use assumptions::Constants;

/// The constants step of `spec`: exact for quadratics ([`assumptions::quadratic`]), enclosed on the
/// domain box otherwise ([`assumptions::covered_constants`], with the spec's box budget).
pub fn constants(spec: &Spec) -> Constants {
    constants_with_evidence(spec).0
}

/// [`constants`] and the evidence the checker verifies them by (quadratics: the eigenvalue
/// brackets of Q).
pub fn constants_with_evidence(spec: &Spec) -> (Constants, Evidence) {
    match &spec.objective {
        Objective::Quadratic { q, b } => {
            // The split of I − hQ that shadow.finite reads needs more brackets (gd only).
            let extra = match spec.algorithm.method {
                Method::Gd => shadowcert_checker::theorems::trajectories::split_indices(q, &spec.algorithm.h),
                _ => Vec::new(),
            };
            let spectrum = assumptions::spectrum(q, &spec.constants, &extra);
            let consts = assumptions::quadratic_on(q, b, &spec.domain, &spec.constants, &spectrum);
            (consts, Evidence { eigenvalues: Some(spectrum), ..Evidence::default() })
        }
        Objective::Expression(e) => {
            let (consts, coverings) = assumptions::covered_constants(
                checker_expression(e),
                &spec.domain,
                &spec.constants,
                spec.budget(),
                "the Frobenius norm",
            );
            (consts, Evidence { coverings, ..Evidence::default() })
        }
        Objective::Dataset(ds) => {
            let (consts, coverings) = assumptions::covered_constants(
                ds.checked(),
                &spec.domain,
                &spec.constants,
                spec.budget(),
                "the data structure",
            );
            (consts, Evidence { coverings, gram_vector: Some(ds.gram_vector().to_vec()), ..Evidence::default() })
        }
    }
}

/// Longest horizon for which `evaluate` encloses trajectories (`check` re-runs them).
pub const MAX_TRAJECTORY_STEPS: u64 = 100_000;

/// Adds `shadow.orbit` (against the spec's ε, else the ε of a verified `ol.thm2`), the measured
/// local error `local_error_max` of a verified `ol.prop1` (enclosures, see [`trajectories`]),
/// `ec.thm1` ([`elkabetz_cohen`]), `shadow.finite` ([`shadowing`]) and the measured rates of `ks.thm2`
/// ([`kovachki_stuart_rates`]; its run at h/2 takes 2N steps, so it needs 2N ≤ [`MAX_TRAJECTORY_STEPS`]).
fn trajectory_claims(spec: &Spec, inputs: &Inputs, claims: &[Claim], evidence: &mut Evidence) -> Measured {
    // Trajectory claims cost enclosures over the whole horizon: only the requested ones are run.
    let wanted = |id: &str| inputs.wants(id);
    // The trajectory claims share one enclosure of the orbit, of the flow and of the local errors.
    let shared = trajectories::Shared::default();
    if let (Method::Gd, Some(objective)) = (&spec.algorithm.method, spec.objective.as_smooth()) {
        // Every record is the checker's statement on tubes it verifies from the evidence
        // (`shadowcert_checker::theorems::smooth`), with what `shadow.finite` reads besides.
        use shadowcert_checker::theorems::smooth::{gd, SmoothTubes};
        let tubes = SmoothTubes::build(usize::try_from(spec.steps.div_ceil(64)).unwrap_or(1).max(1));
        let shadow = (wanted("shadow.finite") && spec.steps <= MAX_TRAJECTORY_STEPS)
            .then(|| tubes.flow(objective, inputs).ok())
            .flatten()
            .and_then(|flow| shadowing::smooth_evidence(spec, objective, &flow));
        let out = gd(inputs, objective, claims, &tubes, shadow.as_ref())
            .unwrap_or_else(|e| panic!("the engine's own tubes verify, but: {e}"));
        let SmoothTubes::Build { out: written, .. } = tubes else { unreachable!("built above") };
        evidence.tubes = written.into_inner();
        if let Some(s) = shadow {
            evidence.reference_eigenvalues = Some(s.spectrum);
            evidence.shadow_witness = s.witness;
        }
        return out;
    }
    let mut out = Measured::default();
    // `ks.thm2` runs 3N steps per tube (N at h, 2N at h/2) and checks its own budget.
    if wanted("ks.thm2") {
        out.claims.push(kovachki_stuart_rates::thm2_rates(spec, MAX_TRAJECTORY_STEPS));
    }
    // Rule 4 on the closed-form claims first: `shadow.orbit` reads ε of a verified `ol.thm2`.
    out.gated = trajectories::gates(spec, inputs, claims, &shared, MAX_TRAJECTORY_STEPS);
    let claims = &shadowcert_checker::theorems::gated(claims, &out.gated);
    if spec.steps > MAX_TRAJECTORY_STEPS {
        out.claims.extend(beyond(spec, &["shadow.orbit", "ec.thm1", "shadow.finite"], inputs));
        return out;
    }
    if wanted("shadow.orbit") {
        let eps_thm2 = claims
            .iter()
            .find(|c| c.id == "ol.thm2" && c.status == Status::Verified)
            .and_then(|c| c.values.get("epsilon"))
            .map(|v| v.hi().clone());
        out.claims.push(trajectories::shadow_orbit_sharing(spec, eps_thm2.as_ref(), &shared));
    }
    // The measured local error of a verified ol.prop1 or ol.prop2, when it is reported (the flow
    // it reads may cost far more than the closed-form claim).
    let measures = |id: &str| wanted(id) && claims.iter().any(|c| c.id == id && c.status == Status::Verified);
    if measures("ol.prop2") {
        out.local_error_max = trajectories::prop2_local_error_sharing(spec, &shared);
    }
    if wanted("ec.thm1") {
        out.claims.push(not_gd("ec.thm1", elkabetz_cohen::HEADLINE, spec));
    }
    if wanted("shadow.finite") {
        out.claims.push(not_gd("shadow.finite", shadowing::HEADLINE, spec));
    }
    out
}

/// Claim `id` (stated by `headline`) for a method other than gd: not applicable, it compares the GD
/// orbit with the gradient flow.
fn not_gd(id: &str, headline: &str, spec: &Spec) -> Claim {
    Claim::new(id, headline).not_applicable(format!(
        "method is {}, the claim compares the GD orbit with the gradient flow",
        spec.algorithm.method.name()
    ))
}

/// Inconclusive records of the claims `ids` that `inputs` asks for: the horizon is beyond
/// [`MAX_TRAJECTORY_STEPS`].
fn beyond(spec: &Spec, ids: &[&str], inputs: &Inputs) -> Vec<Claim> {
    ids.iter()
        .filter(|id| inputs.wants(id))
        .map(|&id| {
            let mut c = Claim::new(id, headline(id));
            c.reason = Some(format!(
                "horizon of {} steps is beyond the {MAX_TRAJECTORY_STEPS} steps this version encloses",
                spec.steps
            ));
            c
        })
        .collect()
}

/// The checker's reading of an expression objective (its parser and automatic differentiation).
pub fn checker_expression(e: &crate::objective::expression::Expression) -> &shadowcert_checker::expression::Expression {
    e.checked().expect("a spec's expression carries the checker's parse")
}

/// The [`Context`] of `spec`.
pub fn context(spec: &Spec) -> Context {
    match &spec.objective {
        Objective::Quadratic { q, b } => Context::quadratic(q, b, &spec.x0, &spec.constants),
        Objective::Expression(e) => Context::general(
            &spec.constants,
            shadowcert_checker::theorems::general::grad0_sq_upper(checker_expression(e), &spec.x0),
        ),
        Objective::Dataset(ds) => Context::general(
            &spec.constants,
            shadowcert_checker::theorems::general::grad0_sq_upper(ds.checked(), &spec.x0),
        ),
    }
}

/// Decides every claim of `spec` (constants first, then the theorems), in `CLAIM_IDS` order.
/// When the spec lists `claims`, only those theorem claims are returned, with every constant claim.
///
/// Quadratic objectives are decided in exact arithmetic; the constants of other objectives are
/// enclosed on the domain box ([`assumptions::covered_constants`]) and the theorems then use them exactly as
/// for quadratics.
pub fn evaluate(spec: &Spec) -> Vec<Claim> {
    evaluate_with_evidence(spec).0
}

/// [`evaluate`], with the evidence the certificate carries for the checker.
pub fn evaluate_with_evidence(spec: &Spec) -> (Vec<Claim>, Evidence) {
    let (consts, mut evidence) = constants_with_evidence(spec);
    let mut ctx = context(spec);
    ctx.not_smooth = evidence.coverings.get("third_norm").and_then(shadowcert_checker::theorems::general::not_smooth);
    let inputs = inputs(spec);
    let claims = shadowcert_checker::theorems::assemble(&inputs, &consts, &ctx, |claims| match &spec.objective {
        Objective::Quadratic { q, .. } => quadratic_trajectories(spec, &inputs, q, claims, &mut evidence),
        _ => trajectory_claims(spec, &inputs, claims, &mut evidence),
    });
    (claims, evidence)
}

/// The trajectory claims of a quadratic spec: the checker's statements on tubes the engine builds
/// (`shadowcert_checker::theorems::trajectories`, with the norms of `dynamics::norm::evidence_norm`
/// and a checkpoint every ⌈N/64⌉ steps), and the start x̃₀ of `shadow.finite`'s shadowing orbit
/// (`shadowing::witness`); the tubes and x̃₀ go into the evidence.
fn quadratic_trajectories(
    spec: &Spec,
    inputs: &Inputs,
    q: &crate::exact::RatMatrix,
    claims: &[Claim],
    evidence: &mut Evidence,
) -> Measured {
    use shadowcert_checker::theorems::trajectories::{quadratic, Tubes};
    let norm = |_: &str, map: &shadowcert_checker::tube::Affine| crate::dynamics::norm::evidence_norm(q, map);
    let stride = usize::try_from(spec.steps.div_ceil(64)).unwrap_or(1).max(1);
    let tubes = Tubes::Build { norm: &norm, stride, out: Default::default() };
    let witness = (inputs.wants("shadow.finite") && spec.steps <= MAX_TRAJECTORY_STEPS)
        .then(|| shadowing::witness(spec))
        .flatten();
    let spectrum = evidence.eigenvalues.clone().expect("a quadratic's evidence has its spectrum");
    let mut measured = quadratic(inputs, &spectrum, claims, &tubes, witness.as_deref())
        .unwrap_or_else(|e| panic!("the engine's own tubes verify, but: {e}"));
    if let Some(c) = measured.claims.iter_mut().find(|c| c.id == "ks.thm2") {
        let thm5 = claims.iter().find(|c| c.id == "ks.thm5").and_then(kovachki_stuart_manifold::thm5_rates);
        c.measured = kovachki_stuart_rates::quadratic_measurements(spec, thm5.as_ref());
    }
    let Tubes::Build { out, .. } = tubes else { unreachable!("built above") };
    evidence.tubes = out.into_inner();
    evidence.shadow_witness = witness;
    measured
}

/// The trajectory record `id` of a quadratic `spec`, decided by the checker's statement on the
/// engine's tubes, with `prior` standing for the closed-form claims it reads (a verified `ol.thm2`
/// supplies ε to `shadow.orbit`).
pub fn quadratic_claim(spec: &Spec, id: &str, prior: &[Claim]) -> Claim {
    let Objective::Quadratic { q, .. } = &spec.objective else { panic!("quadratic_claim: not a quadratic spec") };
    let mut one = spec.clone();
    one.claims = Some(vec![id.to_string()]);
    let (_, mut evidence) = constants_with_evidence(&one);
    quadratic_trajectories(&one, &inputs(&one), q, prior, &mut evidence)
        .claims
        .into_iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no record {id}"))
}

/// The record `id` of `spec` as [`evaluate`] decides it (the spec restricted to that claim).
pub fn claim_of(spec: &Spec, id: &str) -> Claim {
    let mut one = spec.clone();
    one.claims = Some(vec![id.to_string()]);
    evaluate(&one).into_iter().find(|c| c.id == id).unwrap_or_else(|| panic!("evaluate gives no record {id}"))
}

/// The checker's reading of `spec`: its canonical JSON, parsed by `shadowcert_checker::inputs`.
pub fn inputs(spec: &Spec) -> Inputs {
    shadowcert_checker::inputs::parse(&crate::spec::canonical_json(spec))
        .unwrap_or_else(|e| panic!("the canonical JSON of a validated spec is valid inputs, but: {e}"))
}
