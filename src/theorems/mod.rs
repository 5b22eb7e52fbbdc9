//! The theorems of the seed papers as exact statements, one file per paper, and the dispatcher
//! that decides every claim of a spec.
//!
//! The closed-form claims (constants of quadratics, every theorem of 000 and 004) are exact rational
//! arithmetic. Two kinds of claims are enclosures instead, and say so in their statements: the
//! constants of non-quadratic objectives (`assumptions::covered_constants`: coverings the
//! certificate stores and the checker verifies box by box) and the trajectory claims
//! `shadow.orbit` (`trajectories`), `ec.thm1` (`elkabetz_cohen`), `shadow.finite` (`shadowing`) and
//! `ks.thm2` (`kovachki_stuart_rates`). [`evaluate`] is what `certify` reports; `certify check`
//! verifies what the evidence carries and re-runs only the rates of `ks.thm2` for scheme (7) on
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

use crate::claim::Claim;
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

/// Longest horizon for which `evaluate` encloses trajectories.
pub const MAX_TRAJECTORY_STEPS: u64 = 100_000;

/// The trajectory records of a non-quadratic spec: the checker's statements on tubes the engine
/// builds (`shadowcert_checker::theorems::smooth`: a checkpoint every ⌈N/64⌉ steps, the substeps
/// and the energy norms the engine chooses), with what `shadow.finite` reads besides (its reference
/// eigenvalues and witness, [`shadowing::smooth_evidence`]); the tubes go into the evidence. And
/// the measured rates of `ks.thm2` for scheme (7) ([`kovachki_stuart_rates`], which `check` re-runs;
/// its run at h/2 takes 2N steps, so it needs 2N ≤ [`MAX_TRAJECTORY_STEPS`]).
fn trajectory_claims(spec: &Spec, inputs: &Inputs, claims: &[Claim], evidence: &mut Evidence) -> Measured {
    use shadowcert_checker::theorems::smooth::{records, SmoothTubes};
    let objective = spec.objective.as_smooth().expect("a non-quadratic objective has the checker's derivatives");
    let fit = crate::dynamics::nonlinear::Fitter;
    let tubes = SmoothTubes::build(usize::try_from(spec.steps.div_ceil(64)).unwrap_or(1).max(1), Some(&fit));
    let gd = matches!(spec.algorithm.method, Method::Gd);
    let shadow = (gd && inputs.wants("shadow.finite") && spec.steps <= MAX_TRAJECTORY_STEPS)
        .then(|| tubes.flow(objective, inputs).ok())
        .flatten()
        .and_then(|flow| shadowing::smooth_evidence(spec, objective, &flow));
    let mut out = records(inputs, objective, claims, &tubes, shadow.as_ref())
        .unwrap_or_else(|e| panic!("the engine's own tubes verify, but: {e}"));
    let SmoothTubes::Build { out: written, .. } = tubes else { unreachable!("built above") };
    evidence.tubes = written.into_inner();
    if let Some(s) = shadow {
        evidence.reference_eigenvalues = Some(s.spectrum);
        evidence.shadow_witness = s.witness;
    }
    if inputs.wants("ks.thm2") && matches!(spec.algorithm.method, Method::Scheme7 { .. }) {
        out.claims.push(kovachki_stuart_rates::thm2_rates(spec, MAX_TRAJECTORY_STEPS));
    }
    out
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

/// The trajectory record `id` of `spec`, decided by the checker's statement on the engine's tubes,
/// with `prior` standing for the closed-form claims it reads (a verified `ol.thm2` supplies ε to
/// `shadow.orbit`).
pub fn trajectory_claim(spec: &Spec, id: &str, prior: &[Claim]) -> Claim {
    let mut one = spec.clone();
    one.claims = Some(vec![id.to_string()]);
    let measured = match &spec.objective {
        Objective::Quadratic { q, .. } => {
            let (_, mut evidence) = constants_with_evidence(&one);
            quadratic_trajectories(&one, &inputs(&one), q, prior, &mut evidence)
        }
        _ => trajectory_claims(&one, &inputs(&one), prior, &mut Evidence::default()),
    };
    measured.claims.into_iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no record {id}"))
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
