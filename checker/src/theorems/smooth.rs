//! The trajectory records of a non-quadratic objective (`expression`, `dataset`) that the checker
//! decides from stored tubes, checkpoint by checkpoint. For gd ([`crate::nonlinear`]: the mean-value
//! GD orbit and the Taylor gradient flow): rule 4 on the verified closed-form claims about those
//! trajectories (`ol.prop1` the flow; `ol.thm2`, `ol.thm3` the orbit and the flow, between samples
//! too), the measured local error of `ol.prop1`, `shadow.orbit`, `ec.thm1` (with a step factor
//! per step, enclosed along the flow), `ks.thm2` (not applicable to gd), and `shadow.finite`, with
//! the reference Hessian's eigenvalue brackets and the witness x̃₀ as evidence. For the momentum
//! methods ([`crate::momentum`]: the two-step orbit, the rescaled flow (8) or the heavy-ball ODE,
//! and the damped flow (11)): rule 4, `shadow.orbit`, the measured local error of `ol.prop2`, and
//! `ec.thm1`, `shadow.finite` not applicable; `ks.thm2`'s rates for scheme (7) are the engine's
//! (re-run). The statements are those of the quadratic case ([`super::trajectories`]) where they
//! apply; only the tubes differ.

use super::constants::Spectrum;
use super::trajectories::{
    damping, ec_verdict, flow_what, gate_claim, ks_thm2_not_scheme7, look_ahead, look_ahead_path, max_enclosure,
    not_established, not_gd, shadow_orbit, shadow_verdict, split_bound, sup_distance, Path, Sup, BITS, MAX_STEPS,
};
use super::{gated, headline, Measured, GATED};
use crate::claim::{Claim, Rel, Status};
use crate::elementary::Elementary;
use crate::exact::fmt_rat;
use crate::exact::{rat, round_up_dyadic, Rat, RatInterval, RatMatrix};
use crate::inputs::{steps_usize, Inputs, Method, ObjectiveInputs};
use crate::interval::{exact, point, rat_interval_to_interval, rat_to_interval, IMat};
use crate::momentum::{heavy_ball_local_error, second_order_flow, two_step_orbit, Energies, EnergyFit};
use crate::nonlinear::{
    ball_box, flow_cover, gd_contraction, gd_local_error, gd_orbit, gradient_flow, spectrum_hull, Run, Smooth, Substeps,
};
use crate::tube::{Checkpoint, TubeEvidence};
use inari::Interval;
use num_traits::{One, Zero};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Where the tubes come from: built by the engine (checkpoints every `stride` steps, the substeps it
/// chose, the energy norms it proposed) or verified from a certificate's evidence.
pub enum SmoothTubes<'a> {
    /// Verify the stored evidence (each tube once: the runs, by name).
    Verify(&'a BTreeMap<String, TubeEvidence>, RefCell<BTreeMap<String, Run>>),
    /// Build them, writing the evidence (and keeping the runs for the engine's other claims).
    Build {
        /// Checkpoint stride.
        stride: usize,
        /// The engine's proposals of energy norms for the two-step orbits.
        fit: Option<&'a dyn EnergyFit>,
        /// The evidence written.
        out: RefCell<BTreeMap<String, TubeEvidence>>,
        /// The runs, by name.
        runs: RefCell<BTreeMap<String, Run>>,
    },
}

/// What a tube's evidence stores besides its checkpoints: a flow its substeps, a two-step orbit
/// its energy steps.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Orbit,
    TwoStep,
    Flow,
}

type Compute<'c> =
    dyn FnOnce(Option<&[Checkpoint]>, Substeps, &Energies) -> Result<(Run, Vec<Checkpoint>), String> + 'c;

impl<'a> SmoothTubes<'a> {
    /// Builds tubes with a checkpoint every `stride` steps, the two-step orbits with the energy
    /// norms `fit` proposes.
    pub fn build(stride: usize, fit: Option<&'a dyn EnergyFit>) -> SmoothTubes<'a> {
        SmoothTubes::Build { stride, fit, out: RefCell::default(), runs: RefCell::default() }
    }

    /// Verifies the tubes of `evidence`.
    pub fn verify(evidence: &'a BTreeMap<String, TubeEvidence>) -> SmoothTubes<'a> {
        SmoothTubes::Verify(evidence, RefCell::default())
    }

    /// The tube `name` of `kind`. `compute` runs it, given the stored checkpoints, substeps and
    /// energy steps to verify, or none (then it records its substeps and energy steps). `Err`
    /// names the evidence when it does not verify.
    fn get(&self, name: &str, kind: Kind, compute: Box<Compute>) -> Result<Run, String> {
        let place = |e: String| format!("evidence/tubes/{name}: {e}");
        let (SmoothTubes::Verify(_, runs) | SmoothTubes::Build { runs, .. }) = self;
        if let Some(run) = runs.borrow().get(name) {
            return Ok(run.clone());
        }
        let run = match self {
            SmoothTubes::Verify(ev, _) => {
                let t = ev.get(name).ok_or_else(|| place("missing".into()))?;
                if t.norm.is_some() || t.substeps.is_some() != (kind == Kind::Flow) {
                    return Err(place(format!(
                        "a tube of a non-quadratic objective has no norm{}",
                        if kind == Kind::Flow { " and the substeps of each sample" } else { " and no substeps" }
                    )));
                }
                if t.energy.is_some() && kind != Kind::TwoStep {
                    return Err(place("only a two-step orbit has energy steps".into()));
                }
                let counts = t.substeps.as_deref().unwrap_or(&[]);
                let energies = Energies::Stored(t.energy.as_deref().unwrap_or(&[]));
                compute(Some(&t.checkpoints), Substeps::Stored(counts), &energies).map_err(place)?.0
            }
            SmoothTubes::Build { out, fit, .. } => {
                let mut counts = Vec::new();
                let energies = match fit {
                    Some(f) if kind == Kind::TwoStep => Energies::Fit(*f, Default::default()),
                    _ => Energies::None,
                };
                let (run, checkpoints) = compute(None, Substeps::Adaptive(&mut counts), &energies).map_err(place)?;
                let events = energies.events();
                let evidence = TubeEvidence {
                    norm: None,
                    checkpoints,
                    substeps: (kind == Kind::Flow).then_some(counts),
                    energy: (!events.is_empty()).then_some(events),
                };
                out.borrow_mut().insert(name.to_string(), evidence);
                run
            }
        };
        runs.borrow_mut().insert(name.to_string(), run.clone());
        Ok(run)
    }

    fn stride(&self) -> usize {
        match self {
            SmoothTubes::Verify(..) => 1,
            SmoothTubes::Build { stride, .. } => *stride,
        }
    }

    /// The exact orbit of the spec's method (tube `orbit`): GD in mean-value form, or the two-step
    /// orbit of scheme (7) or of the Orvieto–Lucchi heavy ball (η = h², β = 1 − hα).
    pub fn orbit(&self, o: &dyn Smooth, inputs: &Inputs) -> Result<Run, String> {
        let (x0, h, n) = (&inputs.x0, &inputs.algorithm.h, steps_usize(inputs.steps));
        let stride = self.stride();
        let two_step = |p: Rat, g: Rat, a: Rat| -> Box<Compute> {
            Box::new(move |cps, _, energies| two_step_orbit(o, x0, None, (&p, &g, &a), n, energies, cps, stride))
        };
        match &inputs.algorithm.method {
            Method::Gd => self.get("orbit", Kind::Orbit, Box::new(|cps, _, _| gd_orbit(o, x0, h, n, cps, stride))),
            Method::Scheme7 { lambda, a, .. } => {
                self.get("orbit", Kind::TwoStep, two_step(lambda.clone(), h.clone(), a.clone()))
            }
            Method::HeavyBallOl { alpha } => {
                self.get("orbit", Kind::TwoStep, two_step(Rat::one() - h * alpha, h * h, Rat::zero()))
            }
        }
    }

    /// The exact GD orbit from the witness x̃₀ of `shadow.finite` (tube `witness`).
    pub fn witness(&self, o: &dyn Smooth, inputs: &Inputs, x: &[Rat]) -> Result<Run, String> {
        let (h, n, stride) = (&inputs.algorithm.h, steps_usize(inputs.steps), self.stride());
        self.get("witness", Kind::Orbit, Box::new(|cps, _, _| gd_orbit(o, x, h, n, cps, stride)))
    }

    /// The exact flow the spec's method approximates, sampled at t = kh (tube `flow`): the
    /// gradient flow (gd), the rescaled flow (8) u̇ = −(1 − λ)⁻¹∇f(u) (scheme (7)), the heavy-ball ODE
    /// q̈ + αq̇ = −∇f(q), q̇(0) = 0 (the Orvieto–Lucchi heavy ball).
    pub fn flow(&self, o: &dyn Smooth, inputs: &Inputs) -> Result<Run, String> {
        let (x0, h, n, stride) = (&inputs.x0, &inputs.algorithm.h, steps_usize(inputs.steps), self.stride());
        let first_order =
            |c: Rat| -> Box<Compute> { Box::new(move |cps, sub, _| gradient_flow(o, x0, &c, h, n, sub, cps, stride)) };
        let compute = match &inputs.algorithm.method {
            Method::Gd => first_order(Rat::one()),
            Method::Scheme7 { lambda, .. } => first_order(Rat::one() / (Rat::one() - lambda)),
            Method::HeavyBallOl { alpha } => Box::new(move |cps: Option<&[Checkpoint]>, sub: Substeps, _: &Energies| {
                let v0 = vec![point(0.0); x0.len()];
                second_order_flow(o, x0, &v0, (alpha, &Rat::one()), h, n, sub, (cps, stride))
            }) as Box<Compute>,
        };
        self.get("flow", Kind::Flow, compute)
    }

    /// The damped flow (11) of 004 hαü + (1 − λ)u̇ = −∇f(u), u(0) = u₀, u̇(0) = −factor·∇f(u₀) (12),
    /// sampled at t = kh (tube `flow_11`); `None` unless the method is scheme (7) with α > 0.
    pub fn damped(&self, o: &dyn Smooth, inputs: &Inputs) -> Option<Result<Run, String>> {
        let Method::Scheme7 { lambda, a, .. } = &inputs.algorithm.method else { return None };
        let (alpha, factor) = damping(lambda, a)?;
        let (x0, h, n, stride) = (&inputs.x0, &inputs.algorithm.h, steps_usize(inputs.steps), self.stride());
        let mass = h * &alpha;
        let (c1, c2) = ((Rat::one() - lambda) / &mass, Rat::one() / &mass);
        let factor = rat_to_interval(&factor);
        let v0: Vec<Interval> =
            o.gradient(&x0.iter().map(rat_to_interval).collect::<Vec<_>>()).iter().map(|&g| -(factor * g)).collect();
        Some(self.get(
            "flow_11",
            Kind::Flow,
            Box::new(move |cps, sub, _| second_order_flow(o, x0, &v0, (&c1, &c2), h, n, sub, (cps, stride))),
        ))
    }
}

/// The evidence the records of `method` read: the names of its tubes, and whether the shadowing
/// evidence of `shadow.finite` (gd only).
pub fn evidence_of(method: &Method) -> (&'static [&'static str], bool) {
    match method {
        Method::Gd => (&["orbit", "flow", "witness"], true),
        Method::Scheme7 { .. } => (&["orbit", "flow", "flow_11"], false),
        Method::HeavyBallOl { .. } => (&["orbit", "flow"], false),
    }
}

/// The boxes between samples of a flow (the whole space where a sample failed: rule 4 is then not
/// decided).
fn segments(run: &Run) -> Vec<Vec<Interval>> {
    let d = run.balls.first().map_or(0, |b| b.centre.len());
    run.segments.iter().map(|s| s.clone().unwrap_or_else(|| vec![Interval::ENTIRE; d])).collect()
}

/// The trajectory records of a spec on the non-quadratic objective `o` that it asks for (module
/// documentation), given the closed-form `prior` claims: every record but `ks.thm2` of scheme (7),
/// which the engine re-runs. `Err` only when the evidence does not verify. Engine and checker both
/// decide these records here.
pub fn records(
    inputs: &Inputs,
    o: &dyn Smooth,
    prior: &[Claim],
    tubes: &SmoothTubes,
    shadow: Option<&ShadowEvidence>,
) -> Result<Measured, String> {
    let method = &inputs.algorithm.method;
    let mut out = Measured::default();
    if inputs.wants("ks.thm2") && !matches!(method, Method::Scheme7 { .. }) {
        out.claims.push(ks_thm2_not_scheme7(inputs));
    }
    let to_gate = to_gate(inputs, prior);
    if inputs.steps > MAX_STEPS {
        let beyond = format!("horizon of {} steps is beyond the {MAX_STEPS} steps this version encloses", inputs.steps);
        out.gated = to_gate.iter().map(|c| not_established(c, &beyond)).collect();
        for id in ["shadow.orbit", "ec.thm1", "shadow.finite"].into_iter().filter(|id| inputs.wants(id)) {
            let mut c = Claim::new(id, headline(id));
            c.reason = Some(beyond.clone());
            out.claims.push(c);
        }
        return Ok(out);
    }
    // A tube that does not verify rejects the first claim that reads it.
    let first = if to_gate.is_empty() { "shadow.orbit" } else { to_gate[0].id.as_str() };
    let named = |e: String| format!("{first}: {e}");
    if !to_gate.is_empty() {
        out.gated = gate(inputs, o, &to_gate, tubes).map_err(named)?;
    }
    let prior = gated(prior, &out.gated);
    if inputs.wants("shadow.orbit") {
        let (orbit, flow) = (tubes.orbit(o, inputs).map_err(named)?, tubes.flow(o, inputs).map_err(named)?);
        let sup = sup_distance(&orbit.balls, &flow.balls);
        out.claims.push(shadow_orbit(inputs, &prior, Some(&orbit.balls), Some(&flow.balls), sup.as_ref()));
    }
    match method {
        Method::Gd => gd(inputs, o, &prior, tubes, shadow, &named, &mut out)?,
        Method::HeavyBallOl { alpha } => heavy_ball_ol(inputs, o, alpha, &prior, tubes, &named, &mut out)?,
        Method::Scheme7 { .. } => {}
    }
    if !matches!(method, Method::Gd) {
        let not = ["ec.thm1", "shadow.finite"].into_iter().filter(|id| inputs.wants(id)).map(|id| not_gd(inputs, id));
        out.claims.extend(not);
    }
    Ok(out)
}

/// Rule 4 on the claims `to_gate` (module documentation): `ol.prop1` the flow; `ol.thm2`,
/// `ol.thm3`, `ol.prop2` the orbit and the flow (between samples too); `ks.thm3`, `ks.lemma8` the
/// orbit and the damped flow (11); the other claims of 004 the orbit; with the look-ahead points of
/// scheme (7) when a ≠ 0. `Err` when a tube does not verify.
fn gate(inputs: &Inputs, o: &dyn Smooth, to_gate: &[&Claim], tubes: &SmoothTubes) -> Result<Vec<Claim>, String> {
    let method = &inputs.algorithm.method;
    let (orbit, flow) = (tubes.orbit(o, inputs)?, tubes.flow(o, inputs)?);
    let needs_damped = to_gate.iter().any(|c| c.id == "ks.thm3" || c.id == "ks.lemma8");
    let damped = if needs_damped { tubes.damped(o, inputs).transpose()? } else { None };
    let ahead = match method {
        Method::Scheme7 { a, .. } if !a.is_zero() => Some(look_ahead(&orbit.balls, a)),
        _ => None,
    };
    fn path<'r>(what: &'static str, run: &'r Run, between: bool) -> Path<'r> {
        Path { what, samples: &run.balls, segments: between.then(|| segments(run)), per_h: 1, probes: None }
    }
    let (orbit, flow) = (path("orbit xₖ", &orbit, false), path(flow_what(method), &flow, true));
    let damped = damped.as_ref().map(|d| path("damped flow (11) u(t)", d, true));
    let ahead = ahead.as_ref().map(|a| a.as_deref().map(look_ahead_path));
    let gate = |c: &&Claim| {
        gate_claim(inputs, c, Some(&orbit), Some(&flow), damped.as_ref(), ahead.as_ref().map(Option::as_ref))
    };
    Ok(to_gate.iter().map(gate).collect())
}

/// The verified closed-form claims of [`GATED`] that `inputs` asks for.
fn to_gate<'c>(inputs: &Inputs, prior: &'c [Claim]) -> Vec<&'c Claim> {
    prior
        .iter()
        .filter(|c| c.status == Status::Verified && GATED.contains(&c.id.as_str()) && inputs.wants(&c.id))
        .collect()
}

/// The measured local error of a verified `ol.prop2` along the heavy-ball ODE (the Orvieto–Lucchi
/// heavy ball).
fn heavy_ball_ol(
    inputs: &Inputs,
    o: &dyn Smooth,
    alpha: &Rat,
    prior: &[Claim],
    tubes: &SmoothTubes,
    named: &dyn Fn(String) -> String,
    out: &mut Measured,
) -> Result<(), String> {
    let prop2 = inputs.wants("ol.prop2") && prior.iter().any(|c| c.id == "ol.prop2" && c.status == Status::Verified);
    if prop2 {
        let flow = tubes.flow(o, inputs).map_err(named)?;
        let h = &inputs.algorithm.h;
        // Along the heavy-ball ODE samples qₖ₋₁, qₖ, qₖ₊₁, 1 ≤ k < K.
        let local: Option<Vec<(f64, f64)>> = flow
            .balls
            .windows(3)
            .map(|w| heavy_ball_local_error(o, [&w[0], &w[1], &w[2]], h, alpha).map(|t| (t.inf(), t.sup())))
            .collect();
        out.local_error_max = local.as_deref().and_then(max_enclosure);
    }
    Ok(())
}

/// The records of gd beyond rule 4 and `shadow.orbit` ([`records`]): the measured local error of a
/// verified `ol.prop1`, `ec.thm1` and `shadow.finite`.
fn gd(
    inputs: &Inputs,
    o: &dyn Smooth,
    prior: &[Claim],
    tubes: &SmoothTubes,
    shadow: Option<&ShadowEvidence>,
    named: &dyn Fn(String) -> String,
    out: &mut Measured,
) -> Result<(), String> {
    let prop1 = inputs.wants("ol.prop1") && prior.iter().any(|c| c.id == "ol.prop1" && c.status == Status::Verified);
    if prop1 || inputs.wants("ec.thm1") || inputs.wants("shadow.finite") {
        let flow = tubes.flow(o, inputs).map_err(named)?;
        let h = &inputs.algorithm.h;
        let ball = |k: usize| (flow.balls[k].centre.as_slice(), flow.balls[k].radius);
        // τₖ ∋ ‖y((k+1)h) − Ψ(y(kh))‖₂ along the flow.
        let tau: Option<Vec<Interval>> =
            (0..flow.balls.len().saturating_sub(1)).map(|k| gd_local_error(o, ball(k), ball(k + 1), h)).collect();
        if prop1 {
            let ends: Option<Vec<(f64, f64)>> = tau.as_ref().map(|t| t.iter().map(|x| (x.inf(), x.sup())).collect());
            out.local_error_max = ends.as_deref().and_then(max_enclosure);
        }
        if inputs.wants("ec.thm1") || inputs.wants("shadow.finite") {
            let orbit = tubes.orbit(o, inputs).map_err(named)?;
            let sup = sup_distance(&orbit.balls, &flow.balls);
            if inputs.wants("ec.thm1") {
                out.claims.push(ec_thm1(inputs, o, &flow, tau.as_deref(), sup.as_ref()));
            }
            if inputs.wants("shadow.finite") {
                let c = shadow_finite(inputs, o, &flow, tau.as_deref(), sup.as_ref(), tubes, shadow);
                out.claims.push(c.map_err(|e| format!("shadow.finite: {e}"))?);
            }
        }
    }
    Ok(())
}

/// What `shadow.finite` reads beyond the tubes: brackets of the eigenvalues of the reference
/// Hessian H₀ ([`reference_hessian`]) that its split needs (verified here by inertia counts), and
/// the start x̃₀ of the shadowing orbit (the engine's witness; its orbit is enclosed here).
pub struct ShadowEvidence {
    /// Brackets of λₖ(H₀) (`trajectories::split_indices` says which).
    pub spectrum: Spectrum,
    /// x̃₀, when the engine found one.
    pub witness: Option<Vec<Rat>>,
}

/// `shadow.finite`'s reference Hessian H₀: the midpoint of the hull of the interval Hessians on the
/// boxes of the flow's balls, symmetrized, in `f64` (exact rationals); with those interval Hessians.
/// `None` when an entry is unbounded.
pub fn reference_hessian(o: &dyn Smooth, balls: &[crate::tube::Ball]) -> Option<(RatMatrix, Vec<IMat>)> {
    let hessians: Vec<IMat> = balls.iter().map(|b| o.hessian_matrix(&ball_box(&b.centre, b.radius))).collect();
    if hessians.iter().any(|m| m.a.iter().any(|x| !x.is_common_interval())) {
        return None;
    }
    let d = o.dim();
    let hull = |i: usize, j: usize| hessians.iter().map(|m| m.at(i, j)).fold(Interval::EMPTY, |a, x| a.convex_hull(x));
    let mid: Vec<Vec<f64>> =
        (0..d).map(|i| (0..d).map(|j| 0.5 * (hull(i, j).mid() + hull(j, i).mid())).collect()).collect();
    let h0 =
        mid.iter().map(|r| r.iter().map(|&x| exact(x)).collect::<Option<Vec<Rat>>>()).collect::<Option<RatMatrix>>()?;
    Some((h0, hessians))
}

/// `shadow.finite` (000 Thm 3, saddle case; proofs/SHADOWING.md, "Non-quadratic objectives") on the
/// flow tube: the defects τₖ give δ; with H₀ = [`reference_hessian`], A₀ = I − hH₀ splits exactly (the
/// brackets of `shadow`, verified by inertia counts) into K₀ ≥ ‖𝓛₀⁺‖; η ≥ h·maxₖ ‖∇²f(Yₖ) − H₀‖₂ (the
/// smaller of the largest row sum of the magnitudes and the spectral bound of the interval matrix);
/// K = K₀/(1 − ηK₀) when ηK₀ < 1; M = h·sup ‖D³f‖ on the sample boxes widened by 2Kδ; (N) 2MK²δ ≤ 1
/// gives ε = 2Kδ. The witness orbit from x̃₀ is enclosed and measured against the flow.
/// `Err` when the evidence does not verify.
///
/// Enclosure: rigorous.
fn shadow_finite(
    inputs: &Inputs,
    o: &dyn Smooth,
    flow: &Run,
    tau: Option<&[Interval]>,
    plain: Option<&Sup>,
    tubes: &SmoothTubes,
    shadow: Option<&ShadowEvidence>,
) -> Result<Claim, String> {
    let mut c = Claim::new(
        "shadow.finite",
        format!(
            "Finite-time shadowing (000 Thm 3, saddle case; proofs/SHADOWING.md, Theorem with (K) and the \
             non-quadratic bounds): the flow samples y(kh), 0 ≤ k ≤ N, of ẏ = −∇f, y(0) = x₀, are a δ-pseudo-orbit \
             of GD; with K ≥ K₀/(1 − ηK₀) ≥ ‖𝓛⁺‖ (K₀ from the stable/unstable split of I − hH₀, η ≥ h·maxₖ \
             ‖∇²f(yₖ) − H₀‖₂) and M ≥ h·sup ‖D³f‖ on the ε-tube, 2MK²δ ≤ 1 gives an exact GD orbit from a \
             perturbed x̃₀ within ε = 2Kδ of them{}",
            if inputs.epsilon.is_some() { " ≤ the spec's epsilon (or the enclosed witness orbit is)" } else { "" }
        ),
    );
    let (h, n) = (&inputs.algorithm.h, Rat::from_integer(inputs.steps.into()));
    let hi = rat_to_interval(h);
    c.value("steps", n.clone());
    let Some(tau) = tau else {
        c.reason = Some("enclosure too wide: a local error along the flow is unbounded".into());
        return Ok(c);
    };
    let Some(delta) = exact(tau.iter().map(|t| t.sup()).fold(0.0, f64::max)) else {
        c.reason = Some("enclosure too wide: the defect bound δ overflows f64".into());
        return Ok(c);
    };
    c.value("delta", delta.clone());
    let Some((h0, hessians)) = reference_hessian(o, &flow.balls) else {
        c.reason = Some("enclosure too wide: the Hessian along the flow is unbounded".into());
        return Ok(c);
    };
    // ‖E‖₂ of the symmetric E = ∇²f − H₀ over each sample's box.
    let h0i = IMat::from_rat(&h0);
    let deviation = hessians
        .iter()
        .map(|m| {
            let e = m.combine(point(1.0), &h0i, point(-1.0));
            let d = e.rows;
            let rows =
                (0..d).map(|i| (0..d).fold(point(0.0), |s, j| s + magnitude(e.at(i, j))).sup()).fold(0.0, f64::max);
            let (lo, hi) = spectrum_hull(&e);
            rows.min(hi.max(-lo))
        })
        .fold(0.0_f64, f64::max);
    let Some(eta) = deviation.is_finite().then(|| exact((hi * point(deviation)).sup())).flatten() else {
        c.reason = Some("enclosure too wide: the Hessian deviation along the flow overflows f64".into());
        return Ok(c);
    };
    c.value("eta", eta.clone());
    let Some(shadow) = shadow else {
        return Err("evidence/reference_eigenvalues: missing".into());
    };
    shadow.spectrum.verify(&h0, &BTreeMap::new()).map_err(|e| format!("evidence/reference_eigenvalues: {e}"))?;
    let (k0, capped) = split_bound(&mut c, &h0, h, &shadow.spectrum, &n)
        .map_err(|e| e.replace("evidence/eigenvalues", "evidence/reference_eigenvalues"))?;
    c.value("K0", k0.clone());
    let one = Rat::one();
    if !c.check("Neumann: η·K₀ < 1", &eta * &k0, Rel::Lt, one.clone()) {
        c.reason = Some(
            "the Hessian varies along the flow more than the split of H₀ tolerates (η·K₀ ≥ 1): K is not bounded by \
             this perturbation argument (shorter horizon, smaller h, or a flow that stays near one saddle)"
                .into(),
        );
        return Ok(c);
    }
    let k = round_up_dyadic(&(&k0 / (&one - &eta * &k0)), BITS);
    c.value("K", k.clone());
    // M = h·sup ‖D³f‖ on the boxes of the samples widened by 2Kδ.
    let widen = rat_to_interval(&round_up_dyadic(&(rat(2) * &k * &delta), BITS)).sup();
    let widen = Interval::try_from((-widen, widen)).unwrap_or(Interval::ENTIRE);
    let third = flow
        .balls
        .iter()
        .map(|b| o.third_norm_sup(&ball_box(&b.centre, b.radius).iter().map(|&x| x + widen).collect::<Vec<_>>()))
        .fold(0.0_f64, f64::max);
    let Some(m) = third.is_finite().then(|| exact((hi * point(third)).sup())).flatten() else {
        c.reason = Some("enclosure too wide: the third derivative on the ε-tube is unbounded".into());
        return Ok(c);
    };
    c.value("M", m.clone());
    let nk = rat(2) * &m * &k * &k * &delta;
    if !c.check("(N) Newton–Kantorovich: 2·M·K²·δ <= 1", nk, Rel::Le, one) {
        c.reason = Some("(N) fails: 2MK²δ > 1 (the defects are too large for the curvature of the tube)".into());
        return Ok(c);
    }
    let eps = radius(&k, &delta, &m).expect("(N) holds");
    c.value("epsilon", eps.clone());
    if let Some(p) = plain {
        c.enclosed("plain_distance", p.range.clone());
    }
    let mut witness_sup = None;
    if let Some(x) = shadow.witness.as_deref().filter(|x| x.len() == inputs.dim()) {
        let width = x.len().max(1).to_string().len();
        for (i, v) in x.iter().enumerate() {
            c.witness(&format!("x0_shadow_{:0width$}", i + 1), v.clone());
        }
        witness_sup = sup_distance(&tubes.witness(o, inputs, x)?.balls, &flow.balls);
        if let Some(w) = &witness_sup {
            c.enclosed("witness_distance", w.range.clone());
        }
    }
    shadow_verdict(&mut c, inputs, &eps, witness_sup.as_ref(), capped);
    Ok(c)
}

/// The objective as `ec.thm1`'s statement names it.
fn describe(inputs: &Inputs) -> String {
    match &inputs.objective {
        ObjectiveInputs::Expression { vars, f } => format!("expression f({}) = {f}", vars.join(", ")),
        ObjectiveInputs::Dataset { data, loss, l2, bias, scale, .. } => format!(
            "dataset {data}, {loss} loss, l2 = {}{}{}",
            fmt_rat(l2),
            if *bias { ", bias" } else { "" },
            if *scale == Rat::one() { String::new() } else { format!(", features × {}", fmt_rat(scale)) }
        ),
        ObjectiveInputs::Quadratic { .. } => "quadratic f = ½xᵀQx − bᵀx".into(),
    }
}

/// `ec.thm1` of 002/003 made rigorous on a non-quadratic objective: the discrete Grönwall recursion
/// E₀ = 0, Eₖ₊₁ = ρₖEₖ + τₖ with τₖ ≥ ‖y((k+1)h) − Ψ(y(kh))‖₂ on the flow tube and
/// ρₖ ≥ sup ‖I − h∇²f‖₂ on the ball B(mₖ, rₖ + Eₖ) around the flow's ball k: by induction eₖ ≤ Eₖ,
/// so that ball holds xₖ, y(kh) and the segment between them, whose averaged Jacobian is the step's
/// (the mean-value theorem). B_K = maxₖ Eₖ bounds maxₖ ‖xₖ − y(kh)‖₂. Also recorded: ∫₀ᵀλ₋ on the
/// a-priori boxes of [`flow_cover`] and the paper's shape hT·e^{∫λ₋} (not a bound), `rho_max`.
///
/// Enclosure: rigorous (B_K in `f64` rounded upward).
fn ec_thm1(inputs: &Inputs, o: &dyn Smooth, flow: &Run, tau: Option<&[Interval]>, sup: Option<&Sup>) -> Claim {
    let target = if inputs.epsilon.is_some() { ", and B_K ≤ ε (the spec's epsilon)" } else { "" };
    let mut c = Claim::new(
        "ec.thm1",
        format!(
            "Elkabetz–Cohen (002/003) Thm 1, rigorous form: maxₖ ‖xₖ − y(kh)‖₂ ≤ B_K for the exact GD orbit \
             xₖ and the exact gradient flow y, y(0) = x₀, of the {} objective, with B_K from the discrete \
             Grönwall recursion (EC3) Eₖ₊₁ = ρₖEₖ + τₖ, ρₖ ≥ sup ‖I − h∇²f‖₂ on the ball \
             B(mₖ, rₖ + Eₖ) around the flow tube (it holds xₖ, y(kh) and the segment between them), \
             τₖ ≥ ‖y((k+1)h) − Ψ(y(kh))‖₂ enclosed on the flow tube{target}",
            describe(inputs)
        ),
    );
    c.value("steps", Rat::from_integer(inputs.steps.into()));
    if let Some(e) = &inputs.epsilon {
        c.value("epsilon", e.clone());
    }
    let (Some(tau), Some(sup)) = (tau, sup) else {
        c.reason = Some(
            "enclosure too wide: a tube radius or a local error is +∞ (the orbit or the flow overflows f64 over the \
             horizon)"
                .into(),
        );
        return c;
    };
    let h = &inputs.algorithm.h;
    integral_lambda_minus(&mut c, o, &flow.balls, h, inputs.steps);
    let hi = rat_to_interval(h);
    let ball = |k: usize| &flow.balls[k];
    let along = gronwall(tau, |k, e| {
        let r = (point(ball(k).radius) + point(e)).sup();
        gd_contraction(o, &ball(k).centre, r, hi)
    });
    if let Some(r) = along.as_ref().and_then(|a| exact(a.2)) {
        c.value("rho_max", r);
    }
    let Some((bound, tau_max, _)) = along else {
        c.reason =
            Some("enclosure too wide: the Grönwall bound B_K overflows f64 (or a step factor ρₖ is unbounded)".into());
        return c;
    };
    c.enclosed("local_error_max", tau_max);
    ec_verdict(&mut c, inputs, &bound, sup);
    c
}

/// ∫₀ᵀ λ₋(y(t)) dt, λ₋ = max(−λ_min(∇²f), 0), on the boxes of [`flow_cover`]: above by
/// Σ (piece)·max(sup(−λ_min), 0), below by Σ (piece)·max(−sup λ_min, 0); recorded with the paper's
/// shape hT·exp(∫λ₋), T = Kh (nothing recorded, and the statement says so, when the boxes do not
/// verify or the sum overflows).
fn integral_lambda_minus(c: &mut Claim, o: &dyn Smooth, balls: &[crate::tube::Ball], h: &Rat, steps: u64) {
    let Some(cover) = flow_cover(o, balls, &Rat::one(), h) else {
        c.statement.push_str(
            " (integral_lambda_minus not recorded: an a-priori enclosure of the flow between samples did not verify)",
        );
        return;
    };
    let (mut lo, mut hi) = (point(0.0), point(0.0));
    for (s, boxes) in &cover {
        for b in boxes {
            let up = o.neg_lambda_min_sup(b);
            if !up.is_finite() {
                hi = Interval::ENTIRE;
                continue;
            }
            let up = up.max(0.0);
            hi += *s * point(up);
            lo += *s * point((-o.lambda_min_sup(b)).max(0.0).min(up));
        }
    }
    let (Some(l), Some(u)) = (exact(lo.inf().max(0.0)), exact(hi.sup())) else {
        c.statement.push_str(" (integral_lambda_minus not recorded: its enclosure overflows f64)");
        return;
    };
    let integral = RatInterval::new(l, u);
    let t = Rat::from_integer(steps.into()) * h;
    let shape = rat_to_interval(&(h * &t)) * rat_interval_to_interval(&integral).exp();
    c.enclosed("integral_lambda_minus", integral);
    if let (Some(lo), Some(hi)) = (exact(shape.inf()), exact(shape.sup())) {
        c.enclosed("paper_shape", RatInterval::new(lo, hi));
    }
}

/// B_K = max₀≤ₖ≤K Eₖ with E₀ = 0, Eₖ₊₁ = ρₖEₖ + τ̄ₖ (τ̄ₖ the upper ends of `tau`, ρₖ = `rho(k, Eₖ)`
/// an upper bound of the step factor, asked only when Eₖ > 0), in `f64` rounded upward; with the
/// enclosure of maxₖ τₖ and the largest ρₖ used. `None` when B_K or a ρₖ is not finite.
///
/// Enclosure: rigorous (an upper bound of the exact recursion).
fn gronwall(tau: &[Interval], mut rho: impl FnMut(usize, f64) -> f64) -> Option<(Rat, RatInterval, f64)> {
    let (mut e, mut b, mut lo, mut hi, mut rho_max) = (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    for (k, t) in tau.iter().enumerate() {
        let grown = if e == 0.0 {
            point(0.0)
        } else {
            let r = rho(k, e);
            if !r.is_finite() {
                return None;
            }
            rho_max = rho_max.max(r);
            point(r) * point(e)
        };
        e = (grown + point(t.sup())).sup();
        if !e.is_finite() {
            return None;
        }
        (b, lo, hi) = (b.max(e), lo.max(t.inf()), hi.max(t.sup()));
    }
    Some((exact(b)?, RatInterval::new(exact(lo)?, exact(hi)?), rho_max))
}

/// [|x|, |x|] for a finite magnitude, [0, +∞] otherwise (a sum with it is then unbounded, never a
/// panic).
fn magnitude(x: Interval) -> Interval {
    let m = x.mag();
    if m.is_finite() {
        point(m)
    } else {
        Interval::try_from((0.0, f64::INFINITY)).expect("[0, +∞] is an interval")
    }
}

/// The certified radius of the Theorem of proofs/SHADOWING.md: Kδ when M = 0, 2Kδ when
/// 2MK²δ ≤ 1 (N), `None` when (N) fails; rounded up to [`BITS`] significant bits.
///
/// Enclosure: exact (an upper bound of the theorem's ε).
fn radius(k: &Rat, delta: &Rat, m: &Rat) -> Option<Rat> {
    if m.is_zero() {
        return Some(round_up_dyadic(&(k * delta), BITS));
    }
    (rat(2) * m * k * k * delta <= Rat::one()).then(|| round_up_dyadic(&(rat(2) * k * delta), BITS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// M = 0: ε = Kδ. M > 0: ε = 2Kδ when 2MK²δ ≤ 1 (here 2·(1024/200)·100/1024 = 1), none beyond.
    #[test]
    fn radius_follows_the_newton_kantorovich_condition() {
        assert_eq!(radius(&q("10"), &q("1/1024"), &q("0")), Some(q("10/1024")));
        assert_eq!(radius(&q("10"), &q("1/1024"), &q("1024/200")), Some(q("20/1024")));
        assert_eq!(radius(&q("10"), &q("1/1024"), &q("1025/200")), None);
    }
}
