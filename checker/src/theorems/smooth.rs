//! The trajectory records of gd on a non-quadratic objective (`expression`, `dataset`) that the
//! checker decides from stored tubes ([`crate::nonlinear`]: the mean-value GD orbit and the Taylor
//! gradient flow, checkpoint by checkpoint): rule 4 on the verified closed-form claims about those
//! trajectories (`ol.prop1` the flow; `ol.thm2`, `ol.thm3` the orbit and the flow, between samples
//! too), the measured local error of `ol.prop1`, `shadow.orbit`, and `ks.thm2` (not applicable to
//! gd). The statements are those of the quadratic case ([`super::trajectories`]); only the tubes
//! differ. `ec.thm1` and `shadow.finite` of these objectives are still re-run by the engine.

use super::trajectories::{
    flow_what, gate_claim, ks_thm2_not_scheme7, not_established, shadow_orbit, sup_distance, Path, MAX_STEPS,
};
use super::{gated, headline, Measured, GATED};
use crate::claim::{Claim, Status};
use crate::exact::{Rat, RatInterval};
use crate::inputs::{steps_usize, Inputs, Method};
use crate::interval::exact;
use crate::nonlinear::{gd_local_error, gd_orbit, gradient_flow, Run, Smooth, Substeps};
use crate::tube::{Checkpoint, TubeEvidence};
use inari::Interval;
use num_traits::One;
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Where the tubes come from: built by the engine (checkpoints every `stride` steps, the substeps it
/// chose) or verified from a certificate's evidence.
pub enum SmoothTubes<'a> {
    /// Verify the stored evidence (each tube once: the runs, by name).
    Verify(&'a BTreeMap<String, TubeEvidence>, RefCell<BTreeMap<String, Run>>),
    /// Build them, writing the evidence (and keeping the runs for the engine's other claims).
    Build {
        /// Checkpoint stride.
        stride: usize,
        /// The evidence written.
        out: RefCell<BTreeMap<String, TubeEvidence>>,
        /// The runs, by name.
        runs: RefCell<BTreeMap<String, Run>>,
    },
}

impl SmoothTubes<'_> {
    /// Builds tubes with a checkpoint every `stride` steps.
    pub fn build(stride: usize) -> SmoothTubes<'static> {
        SmoothTubes::Build { stride, out: RefCell::default(), runs: RefCell::default() }
    }

    /// Verifies the tubes of `evidence`.
    pub fn verify(evidence: &BTreeMap<String, TubeEvidence>) -> SmoothTubes<'_> {
        SmoothTubes::Verify(evidence, RefCell::default())
    }

    /// The tube `name`: `flow` says whether it is a flow (with substeps). `compute` runs it, given
    /// the stored checkpoints and substeps to verify, or none (then it records the substeps it
    /// chooses). `Err` names the evidence when it does not verify.
    fn get(
        &self,
        name: &str,
        flow: bool,
        compute: impl FnOnce(Option<&[Checkpoint]>, Substeps) -> Result<(Run, Vec<Checkpoint>), String>,
    ) -> Result<Run, String> {
        let place = |e: String| format!("evidence/tubes/{name}: {e}");
        let (SmoothTubes::Verify(_, runs) | SmoothTubes::Build { runs, .. }) = self;
        if let Some(run) = runs.borrow().get(name) {
            return Ok(run.clone());
        }
        match self {
            SmoothTubes::Verify(ev, _) => {
                let t = ev.get(name).ok_or_else(|| place("missing".into()))?;
                if t.norm.is_some() || t.substeps.is_some() != flow {
                    return Err(place(format!(
                        "a tube of a non-quadratic objective has no norm{}",
                        if flow { " and the substeps of each sample" } else { " and no substeps" }
                    )));
                }
                let counts = t.substeps.as_deref().unwrap_or(&[]);
                let (run, _) = compute(Some(&t.checkpoints), Substeps::Stored(counts)).map_err(place)?;
                runs.borrow_mut().insert(name.to_string(), run.clone());
                Ok(run)
            }
            SmoothTubes::Build { out, .. } => {
                let mut counts = Vec::new();
                let (run, checkpoints) = compute(None, Substeps::Adaptive(&mut counts)).map_err(place)?;
                let substeps = flow.then_some(counts);
                out.borrow_mut().insert(name.to_string(), TubeEvidence { norm: None, checkpoints, substeps });
                runs.borrow_mut().insert(name.to_string(), run.clone());
                Ok(run)
            }
        }
    }

    fn stride(&self) -> usize {
        match self {
            SmoothTubes::Verify(..) => 1,
            SmoothTubes::Build { stride, .. } => *stride,
        }
    }

    /// The exact GD orbit (tube `orbit`).
    pub fn orbit(&self, o: &dyn Smooth, inputs: &Inputs) -> Result<Run, String> {
        let (x0, h, n) = (&inputs.x0, &inputs.algorithm.h, steps_usize(inputs.steps));
        self.get("orbit", false, |cps, _| gd_orbit(o, x0, h, n, cps, self.stride()))
    }

    /// The exact gradient flow sampled at t = kh (tube `flow`).
    pub fn flow(&self, o: &dyn Smooth, inputs: &Inputs) -> Result<Run, String> {
        let (x0, h, n) = (&inputs.x0, &inputs.algorithm.h, steps_usize(inputs.steps));
        self.get("flow", true, |cps, sub| gradient_flow(o, x0, &Rat::one(), h, n, sub, cps, self.stride()))
    }
}

/// The boxes between samples of a flow (the whole space where a sample failed: rule 4 is then not
/// decided).
fn segments(run: &Run) -> Vec<Vec<Interval>> {
    let d = run.balls.first().map_or(0, |b| b.centre.len());
    run.segments.iter().map(|s| s.clone().unwrap_or_else(|| vec![Interval::ENTIRE; d])).collect()
}

/// [maxₖ max(0, lo τₖ), maxₖ hi τₖ] ∋ maxₖ τₖ, exactly; `None` when one τₖ is not enclosed ([0, 0]
/// for none).
fn max_enclosure(taus: impl Iterator<Item = Option<Interval>>) -> Option<RatInterval> {
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    for t in taus {
        let t = t?;
        (lo, hi) = (lo.max(t.inf().max(0.0)), hi.max(t.sup()));
    }
    Some(RatInterval::new(exact(lo)?, exact(hi)?))
}

/// The records of a gd spec on the non-quadratic objective `o` that it asks for (module
/// documentation), given the closed-form `prior` claims. `Err` only when the evidence does not
/// verify. Engine and checker both decide these records here.
pub fn gd(inputs: &Inputs, o: &dyn Smooth, prior: &[Claim], tubes: &SmoothTubes) -> Result<Measured, String> {
    let mut out = Measured::default();
    if !matches!(inputs.algorithm.method, Method::Gd) {
        return Ok(out);
    }
    if inputs.wants("ks.thm2") {
        out.claims.push(ks_thm2_not_scheme7(inputs));
    }
    let to_gate: Vec<&Claim> = prior
        .iter()
        .filter(|c| c.status == Status::Verified && GATED.contains(&c.id.as_str()) && inputs.wants(&c.id))
        .collect();
    if inputs.steps > MAX_STEPS {
        let beyond = format!("horizon of {} steps is beyond the {MAX_STEPS} steps this version encloses", inputs.steps);
        out.gated = to_gate.iter().map(|c| not_established(c, &beyond)).collect();
        if inputs.wants("shadow.orbit") {
            let mut c = Claim::new("shadow.orbit", headline("shadow.orbit"));
            c.reason = Some(beyond);
            out.claims.push(c);
        }
        return Ok(out);
    }
    // A tube that does not verify rejects the first claim that reads it.
    let first = if to_gate.is_empty() { "shadow.orbit" } else { to_gate[0].id.as_str() };
    let named = |e: String| format!("{first}: {e}");
    if !to_gate.is_empty() {
        let (orbit, flow) = (tubes.orbit(o, inputs).map_err(named)?, tubes.flow(o, inputs).map_err(named)?);
        let orbit = Path { what: "orbit xₖ", samples: &orbit.balls, segments: None, per_h: 1, probes: None };
        let flow = Path {
            what: flow_what(&Method::Gd),
            samples: &flow.balls,
            segments: Some(segments(&flow)),
            per_h: 1,
            probes: None,
        };
        out.gated = to_gate.iter().map(|c| gate_claim(inputs, c, Some(&orbit), Some(&flow), None, None)).collect();
    }
    let prior = gated(prior, &out.gated);
    if inputs.wants("shadow.orbit") {
        let (orbit, flow) = (tubes.orbit(o, inputs).map_err(named)?, tubes.flow(o, inputs).map_err(named)?);
        let sup = sup_distance(&orbit.balls, &flow.balls);
        out.claims.push(shadow_orbit(inputs, &prior, Some(&orbit.balls), Some(&flow.balls), sup.as_ref()));
    }
    if inputs.wants("ol.prop1") && prior.iter().any(|c| c.id == "ol.prop1" && c.status == Status::Verified) {
        let flow = tubes.flow(o, inputs).map_err(named)?;
        let h = &inputs.algorithm.h;
        let ball = |k: usize| (flow.balls[k].centre.as_slice(), flow.balls[k].radius);
        out.local_error_max =
            max_enclosure((0..flow.balls.len().saturating_sub(1)).map(|k| gd_local_error(o, ball(k), ball(k + 1), h)));
    }
    Ok(out)
}
