//! The trajectory claims of quadratic objectives f(x) = ½xᵀQx − bᵀx, decided on tubes
//! (`crate::tube`): `shadow.orbit` (000; 004 Thm 2), the measured local error of `ol.prop1`,
//! `ec.thm1` (002/003 Thm 1 made rigorous), `shadow.finite` (proofs/SHADOWING.md) and `ks.thm2`
//! (004 Thm 2, Section 2.3); and rule 4 on the closed-form claims about those trajectories.
//!
//! # The objects (DESIGN.md rule 5)
//! Every claim is about exact-arithmetic objects, each the tube of an exact affine map:
//! * the orbit of the spec's method from x₀: GD z ↦ (I − hQ)z + hb; scheme (7) on (uₙ, uₙ₋₁),
//!   [[(1 + λ)I − h(1 + a)Q, −λI + haQ], [I, 0]] with u₁ = u₀ − h(Qu₀ − b); the Orvieto–Lucchi heavy
//!   ball (η = h², β = 1 − hα) [[(1 + β)I − ηQ, −βI], [I, 0]] with z₁ = z₀ − η(Qz₀ − b);
//! * the flow it approximates, sampled at t = kh (the exact sampling map of a linear ODE ż = Kz + g):
//!   gd — ẏ = −(Qy − b); scheme (7) — the rescaled flow (8) u̇ = −λ̄(Qu − b); heavy_ball_ol — the
//!   heavy-ball ODE q̈ + αq̇ = −(Qq − b), q̇(0) = 0; and for `ks.thm2` the damped flow (11),
//!   hαü + (1 − λ)u̇ = −(Qu − b), u̇(0) = −(1 − 2α)/(2α − λ + 1)·(Qu₀ − b) from (12).
//!
//! The evidence carries each tube's norm and checkpoints; the same functions build them (engine)
//! and verify them (checker). A tube that does not verify rejects the certificate; one whose
//! enclosure overflows makes the claim inconclusive, with the reason, in both.
//!
//! # Enclosures of the claims' numbers
//! With ‖xₖ − mₖ‖₂ ≤ rₖ and ‖yₖ − m′ₖ‖₂ ≤ r′ₖ, ‖xₖ − yₖ‖₂ ∈ ‖mₖ − m′ₖ‖₂ ± (rₖ + r′ₖ) (interval
//! arithmetic on the centres); the local error τₖ = ‖yₖ₊₁ − Ψ(yₖ)‖₂, Ψ(y) = y − h(Qy − b), lies in
//! ‖m′ₖ₊₁ − Ψ(m′ₖ)‖₂ ± (r′ₖ₊₁ + ρr′ₖ), ρ ≥ ‖I − hQ‖₂. Endpoints are `f64`s, recorded exactly.
//!
//! # Rule 4 (DESIGN.md) on the closed-form claims
//! A verified claim of [`super::GATED`] applies constants valid on the domain box to trajectories
//! of the spec; [`gate`] keeps it verified only when they are certified inside the box, and records
//! `domain_margin`. The orbit is checked at its steps; a flow at its samples and between them, on a
//! box per step ([`Path::segments`]: the interval exponential over t ∈ [0, h] tightened by three
//! Picard steps). A straddling step of a flow is probed at 15 intermediate times ([`Probes`]), so
//! that a flow that leaves and comes back between two samples is caught. [`domain`] names the first
//! enclosure in time that is certainly outside, and the first that is not certified inside.
//!
//! Enclosure: rigorous.

use super::constants::Spectrum;
use super::Measured;
use crate::claim::{Claim, Rel, Status};
use crate::elementary::Elementary;
use crate::exact::{rat, round_up_dyadic, sqrt_enclosure, Rat, RatInterval, RatMatrix};
use crate::inputs::{Inputs, Method, ObjectiveInputs};
use crate::interval::{exact, norm2, point, rat_interval_to_interval, rat_to_interval, to_rat_interval};
use crate::quadratic::{count_at_most, count_below, gradient};
use crate::tube::{point_box, run, run_writing, Affine, Ball, Checkpoint, Norm, TubeEvidence};
use inari::Interval;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// Longest horizon whose trajectories are enclosed (`ks.thm2` runs 2N steps at h/2).
pub const MAX_STEPS: u64 = 100_000;

/// Where tubes come from: built by the engine (with the norms it found) or verified from evidence.
pub enum Tubes<'a> {
    /// Verify the stored evidence.
    Verify(&'a BTreeMap<String, TubeEvidence>),
    /// Build them, with the engine's norm for each map, a checkpoint every `stride` steps.
    Build {
        /// The norm for a named map (the engine's search: Lyapunov norms for 2d × 2d maps).
        norm: &'a dyn Fn(&str, &Affine) -> Norm,
        /// Checkpoint stride.
        stride: usize,
        /// The evidence written.
        out: RefCell<BTreeMap<String, TubeEvidence>>,
    },
}

/// A failed tube: `Err(reason)` makes the claim inconclusive; `Rejected` fails the check.
#[derive(Debug)]
pub enum TubeError {
    /// The enclosure overflows (a property of the mathematics, the same in engine and checker).
    Overflow(String),
    /// The evidence does not verify (the certificate is wrong).
    Rejected(String),
}

impl Tubes<'_> {
    /// The balls of tube `name` (map, exact start box, steps), projected on the first `out` coordinates.
    fn get(
        &self,
        name: &str,
        map: &Affine,
        start: &[RatInterval],
        steps: usize,
        out: usize,
    ) -> Result<Vec<Ball>, TubeError> {
        let project = |balls: Vec<Ball>| -> Vec<Ball> {
            balls.into_iter().map(|b| Ball { centre: b.centre[..out].to_vec(), radius: b.radius }).collect()
        };
        let overflow = |e: String| {
            if e.contains("overflows") {
                TubeError::Overflow(e)
            } else {
                TubeError::Rejected(format!("evidence/tubes/{name}: {e}"))
            }
        };
        match self {
            Tubes::Verify(ev) => {
                let t = ev.get(name).ok_or_else(|| TubeError::Rejected(format!("evidence/tubes/{name}: missing")))?;
                let (Some(norm), None) = (&t.norm, &t.substeps) else {
                    return Err(TubeError::Rejected(format!(
                        "evidence/tubes/{name}: an affine tube has a norm and no substeps"
                    )));
                };
                let (balls, _) = memo(map, t, start, steps, || run(map, norm, start, steps, Some(&t.checkpoints), 1))
                    .map_err(overflow)?;
                Ok(project(balls))
            }
            Tubes::Build { norm, stride, out: written } => {
                let n = norm(name, map);
                let mut cps = Vec::new();
                let balls = run_writing(map, &n, start, steps, None, *stride, &mut cps).map_err(overflow);
                // Stored even when the enclosure overflows: the checker then reaches the same overflow.
                if matches!(balls, Ok(_) | Err(TubeError::Overflow(_))) {
                    written.borrow_mut().insert(
                        name.to_string(),
                        TubeEvidence { norm: Some(n), checkpoints: cps, substeps: None, energy: None },
                    );
                }
                Ok(project(balls?))
            }
        }
    }
}

type Run = Result<(Vec<Ball>, Vec<Checkpoint>), String>;

/// `run` memoized within the process by the SHA-256 of everything it reads (the map's enclosure
/// bit for bit, the evidence, the start and the number of steps): checking many certificates that
/// share a tube — as the tamper tests do — runs it once. Deterministic, so the memo is exact.
fn memo(map: &Affine, t: &TubeEvidence, start: &[RatInterval], steps: usize, f: impl FnOnce() -> Run) -> Run {
    use std::sync::{Mutex, OnceLock};
    static MEMO: OnceLock<Mutex<std::collections::HashMap<String, Run>>> = OnceLock::new();
    let mut key = Vec::new();
    for x in map.a.a.iter().chain(&map.c) {
        key.extend(x.inf().to_bits().to_le_bytes());
        key.extend(x.sup().to_bits().to_le_bytes());
    }
    key.extend(format!("{}|{start:?}|{steps}", t.to_json()).bytes());
    let key = crate::certificate::sha256_hex(&key);
    let memo = MEMO.get_or_init(Default::default);
    if let Some(hit) = memo.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return hit.clone();
    }
    let r = f();
    memo.lock().unwrap_or_else(|e| e.into_inner()).insert(key, r.clone());
    r
}

fn matrix(d: usize, f: impl Fn(usize, usize) -> Rat) -> RatMatrix {
    (0..d).map(|i| (0..d).map(|j| f(i, j)).collect()).collect()
}

fn delta(i: usize, j: usize) -> Rat {
    if i == j {
        Rat::one()
    } else {
        Rat::zero()
    }
}

/// The 2d × 2d block matrix [[a, b], [c, e]] from d × d blocks given entrywise.
fn blocks(d: usize, f: impl Fn(usize, usize, usize, usize) -> Rat) -> RatMatrix {
    matrix(2 * d, |i, j| f(i / d, j / d, i % d, j % d))
}

/// The orbit of `method` at step `h` from x₀: its map, start (at k = 0 for GD, k = 1 for the
/// two-step methods, state (x₁, x₀)) and number of map steps for `n` iterations.
fn orbit(q: &RatMatrix, b: &[Rat], x0: &[Rat], method: &Method, h: &Rat, n: usize) -> (Affine, Vec<Rat>, usize) {
    let d = b.len();
    let step1 = |eta: &Rat| -> Vec<Rat> {
        let g = gradient(q, b, x0);
        x0.iter().zip(&g).map(|(x, gi)| x - eta * gi).chain(x0.iter().cloned()).collect()
    };
    match method {
        Method::Gd => (
            Affine::exact(&matrix(d, |i, j| delta(i, j) - h * &q[i][j]), &b.iter().map(|v| h * v).collect::<Vec<_>>()),
            x0.to_vec(),
            n,
        ),
        Method::Scheme7 { lambda, a, .. } => {
            let one = Rat::one();
            let m = blocks(d, |p, r, i, j| match (p, r) {
                (0, 0) => (&one + lambda) * delta(i, j) - h * (&one + a) * &q[i][j],
                (0, _) => -lambda * delta(i, j) + h * a * &q[i][j],
                (_, 0) => delta(i, j),
                _ => Rat::zero(),
            });
            let c: Vec<Rat> = b.iter().map(|v| h * v).chain((0..d).map(|_| Rat::zero())).collect();
            (Affine::exact(&m, &c), step1(h), n - 1)
        }
        Method::HeavyBallOl { alpha } => {
            let (eta, beta) = (h * h, Rat::one() - h * alpha);
            let m = blocks(d, |p, r, i, j| match (p, r) {
                (0, 0) => (Rat::one() + &beta) * delta(i, j) - &eta * &q[i][j],
                (0, _) => -&beta * delta(i, j),
                (_, 0) => delta(i, j),
                _ => Rat::zero(),
            });
            let c: Vec<Rat> = b.iter().map(|v| &eta * v).chain((0..d).map(|_| Rat::zero())).collect();
            (Affine::exact(&m, &c), step1(&eta), n - 1)
        }
    }
}

/// m ü + γ u̇ = −(Qu − b) as ż = Kz + g on z = (u, u̇).
fn second_order(q: &RatMatrix, b: &[Rat], mass: &Rat, friction: &Rat) -> (RatMatrix, Vec<Rat>) {
    let d = b.len();
    let k = blocks(d, |p, r, i, j| match (p, r) {
        (0, 0) => Rat::zero(),
        (0, _) => delta(i, j),
        (_, 0) => -&q[i][j] / mass,
        _ => -friction / mass * delta(i, j),
    });
    (k, (0..d).map(|_| Rat::zero()).chain(b.iter().map(|v| v / mass)).collect())
}

/// The flow a method's orbit is compared with (module documentation) as ż = Kz + g: K, g, z(0).
fn flow_system(q: &RatMatrix, b: &[Rat], x0: &[Rat], method: &Method) -> (RatMatrix, Vec<Rat>, Vec<Rat>) {
    let d = b.len();
    let first =
        |s: &Rat| -> (RatMatrix, Vec<Rat>) { (matrix(d, |i, j| -(s * &q[i][j])), b.iter().map(|v| s * v).collect()) };
    match method {
        Method::Gd => {
            let (k, g) = first(&Rat::one());
            (k, g, x0.to_vec())
        }
        Method::Scheme7 { lambda, .. } => {
            let (k, g) = first(&(Rat::one() / (Rat::one() - lambda)));
            (k, g, x0.to_vec())
        }
        Method::HeavyBallOl { alpha } => {
            let (k, g) = second_order(q, b, &Rat::one(), alpha);
            (k, g, x0.iter().cloned().chain((0..d).map(|_| Rat::zero())).collect())
        }
    }
}

/// The flow of [`flow_system`] sampled at `h`: map, start.
fn flow(q: &RatMatrix, b: &[Rat], x0: &[Rat], method: &Method, h: &Rat) -> (Affine, Vec<Rat>) {
    let (k, g, z0) = flow_system(q, b, x0, method);
    (Affine::sampled_flow(&k, &g, h), z0)
}

/// The damped flow (11) at step `h` (mass hα, friction 1 − λ, u̇(0) of (12)) as ż = Kz + g: K, g,
/// z(0); `None` unless α > 0.
fn damped_system(
    q: &RatMatrix,
    b: &[Rat],
    x0: &[Rat],
    lambda: &Rat,
    a: &Rat,
    h: &Rat,
) -> Option<(RatMatrix, Vec<Rat>, Vec<Rat>)> {
    let (alpha, factor) = damping(lambda, a)?;
    let (k, g) = second_order(q, b, &(h * &alpha), &(Rat::one() - lambda));
    let v0 = gradient(q, b, x0).iter().map(|gi| -(&factor * gi)).collect::<Vec<_>>();
    Some((k, g, x0.iter().cloned().chain(v0).collect()))
}

/// The damped flow (11) of 004, hαü + (1 − λ)u̇ = −∇f(u): α = ½(1 + λ − 2a(1 − λ)) and the factor
/// (1 − 2α)/(2α − λ + 1) of its start u̇(0) = −factor·∇f(u₀) (12); `None` unless α > 0.
pub fn damping(lambda: &Rat, a: &Rat) -> Option<(Rat, Rat)> {
    let (one, two) = (Rat::one(), rat(2));
    let alpha = (&one + lambda - &two * a * (&one - lambda)) / &two;
    if !alpha.is_positive() {
        return None;
    }
    let factor = (&one - &two * &alpha) / (&two * &alpha - lambda + &one);
    Some((alpha, factor))
}

/// The damped flow (11) sampled at `h`: map, start; `None` unless α > 0.
fn damped(q: &RatMatrix, b: &[Rat], x0: &[Rat], lambda: &Rat, a: &Rat, h: &Rat) -> Option<(Affine, Vec<Rat>)> {
    let (k, g, z0) = damped_system(q, b, x0, lambda, a, h)?;
    Some((Affine::sampled_flow(&k, &g, h), z0))
}

/// The balls of an orbit over `n` iterations (index = iteration) of the quadratic `(Q, b)`.
fn orbit_balls(
    tubes: &Tubes,
    name: &str,
    (q, b): (&RatMatrix, &[Rat]),
    x0: &[Rat],
    method: &Method,
    h: &Rat,
    n: usize,
) -> Result<Vec<Ball>, TubeError> {
    let (map, start, steps) = orbit(q, b, x0, method, h, n);
    let mut balls = tubes.get(name, &map, &point_box(&start), steps, b.len())?;
    if steps < n {
        // The two-step state starts at iteration 1; iteration 0 is x₀ itself.
        let first = tubes_point(x0);
        balls.insert(0, first);
    }
    Ok(balls)
}

/// The ball of an exact point: its nearest `f64`s and a bound of the rounding.
fn tubes_point(x: &[Rat]) -> Ball {
    let centre: Vec<f64> = x.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)).collect();
    let d: Vec<Interval> =
        x.iter().zip(&centre).map(|(v, &c)| exact(c).map_or(Interval::ENTIRE, |c| rat_to_interval(&(v - c)))).collect();
    Ball { centre, radius: norm2(&d).sup() }
}

/// [lo, hi] ∋ ‖x − y‖₂ for x, y in two balls.
fn distance(x: &Ball, y: &Ball) -> (f64, f64) {
    let n = norm2(&x.centre.iter().zip(&y.centre).map(|(&a, &b)| point(a) - point(b)).collect::<Vec<_>>());
    let r = point(x.radius) + point(y.radius);
    ((n - r).inf().max(0.0), (n + r).sup())
}

/// The enclosure of maxₖ ‖xₖ − yₖ‖₂ over two tubes, the k where its lower end is attained, and
/// the largest radius.
pub struct Sup {
    /// The enclosure of maxₖ ‖xₖ − yₖ‖₂.
    pub range: RatInterval,
    argmax_lo: usize,
    max_radius: Rat,
}

/// [`Sup`] of two tubes' balls; `None` when a bound is not finite. Enclosure: rigorous.
pub fn sup_distance(x: &[Ball], y: &[Ball]) -> Option<Sup> {
    let (mut lo, mut hi, mut arg, mut rad) = (0.0_f64, 0.0_f64, 0, 0.0_f64);
    for (k, (a, b)) in x.iter().zip(y).enumerate() {
        if [a, b].iter().any(|z| !z.radius.is_finite() || z.centre.iter().any(|c| !c.is_finite())) {
            return None;
        }
        let (l, h) = distance(a, b);
        if l > lo {
            (lo, arg) = (l, k);
        }
        hi = hi.max(h);
        rad = rad.max(a.radius).max(b.radius);
    }
    Some(Sup { range: RatInterval::new(exact(lo)?, exact(hi)?), argmax_lo: arg, max_radius: exact(rad)? })
}

/// A trajectory for rule 4 (DESIGN.md): its name, the balls of its samples (sample k at time
/// k/`per_h` in units of h) and, when known, boxes holding the path between samples k and k + 1.
#[derive(Clone)]
pub struct Path<'a> {
    /// What it is, for the reason ("flow y(t)").
    pub what: &'static str,
    /// The balls of the samples, from sample 0.
    pub samples: &'a [Ball],
    /// Box k holds the path between samples k and k + 1 (the a-priori enclosure of a flow).
    pub segments: Option<Vec<Vec<Interval>>>,
    /// Samples per step h.
    pub per_h: u32,
    /// Enclosures of intermediate points of the path between samples k and k + 1, to decide a
    /// segment whose box straddles a face.
    pub probes: Option<Probes<'a>>,
}

/// The flow maps z ↦ E_t z + c_t to intermediate times t of a step, applied to the box of sample
/// k's full state (`full[k]`): each image is an enclosure of one point of the path, so one that is
/// certainly outside the box proves that the path leaves it between samples k and k + 1.
#[derive(Clone)]
pub struct Probes<'a> {
    /// The balls of the full state.
    pub full: &'a [Ball],
    /// The flow maps to the intermediate times.
    pub maps: &'a [Affine],
}

/// Intermediate times jh/16, j = 1, …, 15, of a step of ż = Kz + g: their flow maps.
fn probe_maps(k: &RatMatrix, g: &[Rat], h: &Rat) -> Vec<Affine> {
    (1..16).map(|j| Affine::sampled_flow(k, g, &(h * Rat::new(j.into(), 16.into())))).collect()
}

/// Rule 4 on some trajectories: the enclosure of the smallest signed distance of the trajectories
/// (samples, and paths between samples where known) to a face of the domain box (negative:
/// outside), and the first place, in time, where an enclosure is certainly outside the box
/// (`exit`) or not certified inside it (`unsure`): (what, sample k, between k and k + 1).
pub struct Domain {
    /// Enclosure of the smallest signed distance.
    pub margin: RatInterval,
    /// The first enclosure certainly outside the box.
    pub exit: Option<(&'static str, usize, bool)>,
    /// The first enclosure not certified inside the box.
    pub unsure: Option<(&'static str, usize, bool)>,
}

/// A ball's box (its coordinates' ranges); `None` when the ball is not finite.
fn ball_box(b: &Ball) -> Option<Vec<Interval>> {
    if !b.radius.is_finite() || b.centre.iter().any(|m| !m.is_finite()) {
        return None;
    }
    let r = point(b.radius);
    Some(b.centre.iter().map(|&m| (point(m) - r).convex_hull(point(m) + r)).collect())
}

/// The [`Path`] of the look-ahead points ([`look_ahead`]).
pub fn look_ahead_path(samples: &[Ball]) -> Path<'_> {
    Path {
        what: "look-ahead point yₖ = xₖ + a(xₖ − xₖ₋₁)", samples, segments: None, per_h: 1, probes: None
    }
}

/// The look-ahead points yₖ = xₖ + a(xₖ − xₖ₋₁) of scheme (7), where it evaluates the gradient, for
/// 1 ≤ k < K, from the orbit's balls (index k; index 0 is x₀'s ball, not read by [`domain_of`]).
/// `None` when a ball is not finite.
///
/// Enclosure: rigorous (‖(1 + a)eₖ − aeₖ₋₁‖₂ ≤ (1 + a)rₖ + arₖ₋₁, plus the rounding of the centre).
pub fn look_ahead(orbit: &[Ball], a: &Rat) -> Option<Vec<Ball>> {
    let ai = rat_to_interval(a);
    let one_a = point(1.0) + ai;
    let mut out = vec![orbit.first()?.clone()];
    for w in orbit.windows(2).take(orbit.len().saturating_sub(2)) {
        let (p, x) = (&w[0], &w[1]);
        if ball_box(p).is_none() || ball_box(x).is_none() {
            return None;
        }
        let v: Vec<Interval> =
            x.centre.iter().zip(&p.centre).map(|(&xc, &pc)| one_a * point(xc) - ai * point(pc)).collect();
        let centre: Vec<f64> = v.iter().map(|y| y.mid()).collect();
        let off: Vec<Interval> = v.iter().zip(&centre).map(|(y, &c)| *y - point(c)).collect();
        let radius = (norm2(&off) + one_a * point(x.radius) + ai * point(p.radius)).sup();
        if !radius.is_finite() || centre.iter().any(|c| !c.is_finite()) {
            return None;
        }
        out.push(Ball { centre, radius });
    }
    Some(out)
}

/// Rule 4 on `paths` (sample 0 of each is x₀, exact and in the box by validation, and is not read).
/// `None` when a bound is not finite.
///
/// Enclosure: rigorous. Every box holds at least one point of the path, so the smallest upper end of
/// a box's distance to a face bounds the true smallest distance from above.
pub fn domain(inputs: &Inputs, paths: &[Path]) -> Option<Domain> {
    domain_of(&inputs.domain, &inputs.x0, paths)
}

/// [`domain`] for the box `domain` and the start `x0`.
pub fn domain_of(domain: &[(Rat, Rat)], x0: &[Rat], paths: &[Path]) -> Option<Domain> {
    let m0 = x0.iter().zip(domain).map(|(x, (l, h))| (x - l).min(h - x)).min()?;
    let faces: Vec<(Interval, Interval)> =
        domain.iter().map(|(l, h)| (rat_to_interval(l), rat_to_interval(h))).collect();
    let (mut lo, mut hi) = (f64::INFINITY, f64::INFINITY);
    type Place = Option<(Rat, &'static str, usize, bool)>;
    let (mut exit, mut unsure): (Place, Place) = (None, None);
    let earliest = |slot: &mut Place, t: Rat, what, k, seg| {
        if slot.as_ref().is_none_or(|(s, ..)| t < *s) {
            *slot = Some((t, what, k, seg));
        }
    };
    for p in paths {
        // Sample k at time k, the path between k and k + 1 at k + ½ (in units of h/per_h).
        let time = |k: usize, seg: bool| Rat::new((2 * k + usize::from(seg)).into(), (2 * p.per_h as usize).into());
        if p.segments.as_ref().is_some_and(|s| s.len() + 1 != p.samples.len()) {
            return None;
        }
        let boxes = p.samples.iter().enumerate().skip(1).map(|(k, b)| (k, false, ball_box(b)));
        let segments = p.segments.iter().flatten().enumerate().map(|(k, x)| (k, true, Some(x.clone())));
        for (k, seg, x) in boxes.chain(segments) {
            // A box that is not finite has no usable bound: rule 4 is not decided.
            let x = x?;
            if x.len() != faces.len() || x.iter().any(|v| v.is_empty() || !v.inf().is_finite() || !v.sup().is_finite())
            {
                return None;
            }
            let (mut inside, mut outside) = (true, false);
            for (v, &(fl, fh)) in x.iter().zip(&faces) {
                let (below, above) = (point(v.inf()), point(v.sup()));
                lo = lo.min((below - fl).min(fh - above).inf());
                hi = hi.min((above - fl).min(fh - below).sup());
                inside &= v.inf() >= fl.sup() && v.sup() <= fh.inf();
                outside |= v.sup() < fl.inf() || v.inf() > fh.sup();
            }
            if !inside {
                earliest(&mut unsure, time(k, seg), p.what, k, seg);
            }
            // A straddling segment: is one of its intermediate points certainly outside? (The upper
            // end of its signed distance then bounds the margin from above.)
            let probed = |pr: &Probes| -> Option<f64> {
                let x = ball_box(pr.full.get(k)?)?;
                pr.maps.iter().find_map(|m| {
                    let y: Vec<Interval> = m.a.mul_vec(&x).into_iter().zip(&m.c).map(|(a, &c)| a + c).collect();
                    if y.iter().any(|v| v.is_empty() || !v.inf().is_finite() || !v.sup().is_finite()) {
                        return None;
                    }
                    let d = y
                        .iter()
                        .zip(&faces)
                        .map(|(v, &(fl, fh))| (point(v.sup()) - fl).min(fh - point(v.inf())).sup())
                        .fold(f64::INFINITY, f64::min);
                    (d < 0.0).then_some(d)
                })
            };
            let probe = match &p.probes {
                // Only where it could name an earlier exit than the one found.
                Some(pr) if seg && !inside && !outside && exit.as_ref().is_none_or(|(t, ..)| time(k, seg) < *t) => {
                    probed(pr)
                }
                _ => None,
            };
            if let Some(d) = probe {
                hi = hi.min(d);
            }
            if outside || probe.is_some() {
                earliest(&mut exit, time(k, seg), p.what, k, seg);
            }
        }
    }
    let (lo, hi) =
        if lo == f64::INFINITY { (m0.clone(), m0.clone()) } else { (exact(lo)?.min(m0.clone()), exact(hi)?.min(m0)) };
    let strip = |x: Place| x.map(|(_, w, k, s)| (w, k, s));
    Some(Domain { margin: RatInterval::new(lo, hi), exit: strip(exit), unsure: strip(unsure) })
}

/// "at k = 5" or "between k = 5 and 6".
fn place(at: &str, k: usize, segment: bool) -> String {
    if segment {
        format!("between {at}{k} and {}", k + 1)
    } else {
        format!("at {at}{k}")
    }
}

/// Rule 4 on claim `c`: records `domain_margin` and its inequalities; `true` when every enclosure is
/// certified inside the box. Otherwise sets the verdict and returns `false`: not applicable when an
/// enclosure certainly leaves the box (the first in time is named), inconclusive (with the first
/// enclosure not certified inside) when neither is certified. `what` names the trajectories in the
/// recorded inequality, `at` prefixes the sample index in the reason.
pub fn decide_domain(c: &mut Claim, d: &Domain, what: &str, at: &str) -> bool {
    c.enclosed("domain_margin", d.margin.clone());
    let zero = Rat::zero();
    if c.check(
        format!("rule 4: the enclosed {what} stay in the domain box: 0 <= domain_margin lower end"),
        zero.clone(),
        Rel::Le,
        d.margin.lo.clone(),
    ) {
        return true;
    }
    let leaves = c.check(
        "rule 4: an enclosure certainly leaves the domain box: domain_margin upper end < 0",
        d.margin.hi.clone(),
        Rel::Lt,
        zero,
    );
    let named =
        |x: Option<(&str, usize, bool)>| x.map_or_else(String::new, |(w, k, s)| format!(" {w} {}", place(at, k, s)));
    if leaves {
        c.status = Status::NotApplicable;
        let (what, first) = match d.exit {
            Some((w, k, s)) => (format!(" {w}"), format!(": certainly outside {}", place(at, k, s))),
            None => (String::new(), String::new()),
        };
        let earlier = match d.unsure {
            Some((w, k, s)) if d.unsure != d.exit => {
                format!(", the first enclosure not inside: the {w} {}", place(at, k, s))
            }
            _ => String::new(),
        };
        c.reason = Some(format!(
            "rule 4: the exact{what} leaves the spec's domain box{first}{earlier} (domain_margin < 0); the spec's constants hold only on the box"
        ));
    } else {
        c.status = Status::Inconclusive;
        c.reason = Some(format!(
            "enclosure too wide to certify that the trajectory stays in the domain box (rule 4): the enclosure of the{} reaches beyond a face",
            named(d.unsure)
        ));
    }
    false
}

/// A tube that overflowed is `None` (the claim is inconclusive); one that does not verify is `Err`.
fn lift(r: Result<Vec<Ball>, TubeError>) -> Result<Option<Vec<Ball>>, String> {
    match r {
        Ok(b) => Ok(Some(b)),
        Err(TubeError::Overflow(_)) => Ok(None),
        Err(TubeError::Rejected(e)) => Err(e),
    }
}

/// ε < distance lower end, recorded; when it holds the claim is refuted at the sample named.
fn refute_by_distance(c: &mut Claim, eps: &Rat, d: &Sup) -> bool {
    if !c.check("ε < max_k ‖x_k − y(kh)‖₂: epsilon < distance lower end", eps.clone(), Rel::Lt, d.range.lo.clone())
    {
        return false;
    }
    c.status = Status::Refuted;
    c.reason = Some(format!("rigorous disproof: at k = {}, ‖x_k − y(kh)‖₂ ≥ distance lower end > ε", d.argmax_lo));
    true
}

const OVERFLOW: &str = "enclosure too wide: a tube radius or the distance bound is +∞ (the orbit or the flow overflows f64 over the horizon)";

fn source(method: &Method) -> &'static str {
    match method {
        Method::Gd => "Orvieto–Lucchi (000)",
        Method::Scheme7 { .. } => "Kovachki–Stuart (004) Thm 2",
        Method::HeavyBallOl { .. } => "Orvieto–Lucchi (000) Prop. 2",
    }
}

fn flow_name(method: &Method) -> &'static str {
    match method {
        Method::Gd => "gradient flow ẏ = −∇f(y)",
        Method::Scheme7 { .. } => "rescaled flow (8) u̇ = −(1 − λ)⁻¹∇f(u)",
        Method::HeavyBallOl { .. } => "heavy-ball ODE q̈ + αq̇ = −∇f(q), q̇(0) = 0",
    }
}

/// ρ ≥ max over the brackets' ends of |1 − hλ| (convex in λ), i.e. ≥ ‖I − hQ‖₂ when they hold λ_min
/// and λ_max. Enclosure: exact.
fn step_factor(h: &Rat, brackets: &[&RatInterval]) -> Rat {
    brackets.iter().flat_map(|r| [&r.lo, &r.hi]).map(|l| (Rat::one() - h * l).abs()).max().unwrap_or_else(Rat::zero)
}

/// The trajectory claims of a quadratic spec that it asks for, given the closed-form `prior` claims
/// (ε of a verified `ol.thm2`; `ks.thm5` for nothing here), the verified `spectrum` and the `tubes`.
/// `Err` only when the evidence does not verify.
/// `witness` is the start x̃₀ of the shadowing orbit of `shadow.finite` (found by the engine).
pub fn quadratic(
    inputs: &Inputs,
    spectrum: &Spectrum,
    prior: &[Claim],
    tubes: &Tubes,
    witness: Option<&[Rat]>,
) -> Result<Measured, String> {
    let ObjectiveInputs::Quadratic { q, b } = &inputs.objective else { return Ok(Measured::default()) };
    let mut out = Measured::default();
    let method = &inputs.algorithm.method;
    let (h, x0) = (&inputs.algorithm.h, &inputs.x0);
    let n = crate::inputs::steps_usize(inputs.steps);
    let d = b.len();
    let gd = matches!(method, Method::Gd);
    if inputs.wants("ks.thm2") {
        out.claims.push(ks_thm2(inputs, q, b, tubes).map_err(|e| format!("ks.thm2: {e}"))?);
    }
    let wanted: Vec<&str> =
        ["shadow.orbit", "ec.thm1", "shadow.finite"].into_iter().filter(|id| inputs.wants(id)).collect();
    let to_gate: Vec<&Claim> = prior
        .iter()
        .filter(|c| c.status == Status::Verified && super::GATED.contains(&c.id.as_str()) && inputs.wants(&c.id))
        .collect();
    if inputs.steps > MAX_STEPS {
        let beyond = format!("horizon of {} steps is beyond the {MAX_STEPS} steps this version encloses", inputs.steps);
        for id in wanted {
            let mut c = Claim::new(id, super::headline(id));
            c.reason = Some(beyond.clone());
            out.claims.push(c);
        }
        out.gated = to_gate.iter().map(|c| not_established(c, &beyond)).collect();
        return Ok(out);
    }
    if wanted.is_empty() && to_gate.is_empty() {
        return Ok(out);
    }
    // A tube that does not verify rejects the first claim that reads it.
    let first = wanted.first().copied().or(to_gate.first().map(|c| c.id.as_str())).unwrap_or("ol.prop1");
    let named = |e: String| format!("{first}: {e}");
    let orbit = lift(orbit_balls(tubes, "orbit", (q, b), x0, method, h, n)).map_err(named)?;
    let (k, g, fstart) = flow_system(q, b, x0, method);
    let fmap = Affine::sampled_flow(&k, &g, h);
    let flow_full = lift(tubes.get("flow", &fmap, &point_box(&fstart), n, fmap.dim())).map_err(named)?;
    let flow = flow_full.as_deref().map(|f| project(f, d));
    if !to_gate.is_empty() {
        let flow_probes = probe_maps(&k, &g, h);
        let flow_path = flow.as_deref().zip(flow_full.as_deref()).map(|(f, full)| Path {
            what: flow_what(method),
            samples: f,
            segments: Some(segments(&k, &g, h, &fstart, full, d)),
            per_h: 1,
            probes: Some(Probes { full, maps: &flow_probes }),
        });
        let orbit_path =
            orbit.as_deref().map(|o| Path { what: "orbit xₖ", samples: o, segments: None, per_h: 1, probes: None });
        let ahead = match method {
            Method::Scheme7 { a, .. } if !a.is_zero() => Some(orbit.as_deref().and_then(|o| look_ahead(o, a))),
            _ => None,
        };
        let ahead_path = ahead.as_ref().map(|la| la.as_deref().map(|s| look_ahead_path(s)));
        let needs_damped = to_gate.iter().any(|c| c.id == "ks.thm3" || c.id == "ks.lemma8");
        let damped = match method {
            Method::Scheme7 { lambda, a, .. } if needs_damped => match damped_system(q, b, x0, lambda, a, h) {
                Some((k, g, z0)) => {
                    let m = Affine::sampled_flow(&k, &g, h);
                    lift(tubes.get("flow_11", &m, &point_box(&z0), n, m.dim())).map_err(named)?.map(|full| {
                        let segs = segments(&k, &g, h, &z0, &full, d);
                        (project(&full, d), segs, full, probe_maps(&k, &g, h))
                    })
                }
                None => None,
            },
            _ => None,
        };
        let damped_path = damped.as_ref().map(|(f, segs, full, maps)| Path {
            what: "damped flow (11) u(t)",
            samples: f,
            segments: Some(segs.clone()),
            per_h: 1,
            probes: Some(Probes { full, maps }),
        });
        for c in &to_gate {
            let ahead = ahead_path.as_ref().map(Option::as_ref);
            out.gated.push(gate_claim(inputs, c, orbit_path.as_ref(), flow_path.as_ref(), damped_path.as_ref(), ahead));
        }
    }
    let prior = super::gated(prior, &out.gated);
    let prop1 = gd && prior.iter().any(|c| c.id == "ol.prop1" && c.status == Status::Verified);
    let prop2 = prior.iter().any(|c| c.id == "ol.prop2" && c.status == Status::Verified);
    if let (true, Method::HeavyBallOl { alpha }, Some(f)) = (prop2, method, &flow) {
        out.local_error_max = heavy_ball_local_errors(q, b, h, alpha, f).and_then(|t| max_enclosure(&t));
    }
    if wanted.is_empty() && !prop1 {
        return Ok(out);
    }
    let sup = match (&orbit, &flow) {
        (Some(o), Some(f)) => sup_distance(o, f),
        _ => None,
    };
    let rho = if gd { Some(step_factor(h, &[&spectrum.bracket(0)?, &spectrum.bracket(q.len() - 1)?])) } else { None };
    // τₖ = ‖yₖ₊₁ − Ψ(yₖ)‖₂ along the flow (gd).
    let tau: Option<Vec<(f64, f64)>> = match (&flow, &rho) {
        (Some(f), Some(rho)) => local_errors(q, b, h, rho, f),
        _ => None,
    };
    if prop1 {
        out.local_error_max = tau.as_deref().and_then(max_enclosure);
    }
    for id in wanted {
        out.claims.push(match id {
            "shadow.orbit" => shadow_orbit(inputs, &prior, orbit.as_deref(), flow.as_deref(), sup.as_ref()),
            "ec.thm1" => ec_thm1(inputs, spectrum, rho.as_ref(), tau.as_deref(), sup.as_ref())
                .map_err(|e| format!("ec.thm1: {e}"))?,
            _ => shadow_finite(inputs, q, b, spectrum, tau.as_deref(), flow.as_deref(), sup.as_ref(), tubes, witness)
                .map_err(|e| format!("shadow.finite: {e}"))?,
        });
    }
    Ok(out)
}

/// The balls on the first `d` coordinates (a ball's radius bounds its projection's).
fn project(balls: &[Ball], d: usize) -> Vec<Ball> {
    balls.iter().map(|b| Ball { centre: b.centre[..d].to_vec(), radius: b.radius }).collect()
}

/// Boxes holding the flow ż = Kz + g between consecutive samples (step `h`), on its first `d`
/// coordinates. From X, the box of sample k's ball (for k = 0 the exact start `z0`, so that a start
/// on a face is not pushed beyond it by the ball's radius):
/// * Y = E·X + c, (E, c) the enclosure of the flow map over every t ∈ [0, h]
///   ([`Affine::flow_segment`]): it holds the path, loosely when e^{tK} and ∫e^{sK}g ds are
///   strongly correlated, and a hair beyond x₀ when x₀ is on a face (the series' remainder);
/// * then, three times, Y ← Y ∩ (X + [0, h]·(KY + g)): if the path over [0, h] lies in Y, then
///   z(t) = z(0) + ∫₀ᵗ(Kz + g) ∈ X + t·(KY + g) for t ≤ h, so the intersection holds it too.
///
/// Enclosure: rigorous.
fn segments(k: &RatMatrix, g: &[Rat], h: &Rat, z0: &[Rat], full: &[Ball], d: usize) -> Vec<Vec<Interval>> {
    let seg = Affine::flow_segment(k, g, h);
    let (ki, gi) = (crate::interval::IMat::from_rat(k), g.iter().map(rat_to_interval).collect::<Vec<_>>());
    let t = rat_to_interval(h).convex_hull(point(0.0));
    full[..full.len().saturating_sub(1)]
        .iter()
        .enumerate()
        .map(|(n, ball)| {
            // A ball that is not finite gives boxes that are not either ([`domain_of`] stops there).
            let x = if n == 0 {
                z0.iter().map(rat_to_interval).collect()
            } else {
                ball_box(ball).unwrap_or_else(|| vec![Interval::ENTIRE; ball.centre.len()])
            };
            let mut y: Vec<Interval> = seg.a.mul_vec(&x).iter().zip(&seg.c).map(|(&a, &c)| a + c).collect();
            for _ in 0..3 {
                let ky = ki.mul_vec(&y);
                y = y
                    .iter()
                    .zip(&x)
                    .zip(ky.iter().zip(&gi))
                    .map(|((&yi, &xi), (&kyi, &g))| yi.intersection(xi + t * (kyi + g)))
                    .collect();
            }
            y.truncate(d);
            y
        })
        .collect()
}

/// The flow of [`flow_system`] as named in rule 4's reasons.
pub fn flow_what(method: &Method) -> &'static str {
    match method {
        Method::Gd => "gradient flow y(t)",
        Method::Scheme7 { .. } => "rescaled flow (8) u(t)",
        Method::HeavyBallOl { .. } => "heavy-ball ODE q(t)",
    }
}

/// Claim `c` made inconclusive because rule 4 could not be decided.
pub fn not_established(c: &Claim, why: &str) -> Claim {
    let mut c = c.clone();
    c.status = Status::Inconclusive;
    c.reason = Some(format!("rule 4 not established: {why}"));
    c
}

/// Rule 4 on the verified closed-form claim `c` about the trajectories `about` (`None`: a
/// trajectory whose enclosure overflowed): `c` stays verified, with `domain_margin` recorded, when
/// they are certified inside the domain box; else it becomes not applicable (the first certain
/// exit named) or inconclusive ([`decide_domain`]).
pub fn gate(inputs: &Inputs, c: &Claim, about: &[Option<&Path>], what: &str) -> Claim {
    let Some(paths) = about.iter().copied().collect::<Option<Vec<&Path>>>() else {
        return not_established(c, "the enclosure of a trajectory it is about overflows f64");
    };
    let paths: Vec<Path> = paths.into_iter().cloned().collect();
    let Some(dom) = domain(inputs, &paths) else {
        return not_established(c, "the domain check overflows f64");
    };
    let mut c = c.clone();
    decide_domain(&mut c, &dom, what, "k = ");
    c
}

/// Rule 4 on the verified claim `c` of [`super::GATED`] about the trajectories it is about:
/// `ol.prop1` the flow; `ol.thm2`, `ol.thm3`, `ol.prop2` the orbit and the flow; `ks.thm3`,
/// `ks.lemma8` the orbit and the damped flow (11); the other claims of 004 the orbit; every claim of
/// 004 also the look-ahead points when `ahead` is given (scheme (7) with a ≠ 0; `Some(None)`: their
/// enclosure overflowed). `None` for a trajectory whose enclosure overflowed. Engine and checker
/// both gate through this function.
pub fn gate_claim(
    inputs: &Inputs,
    c: &Claim,
    orbit: Option<&Path>,
    flow: Option<&Path>,
    damped: Option<&Path>,
    ahead: Option<Option<&Path>>,
) -> Claim {
    let (mut about, what): (Vec<Option<&Path>>, &str) = match c.id.as_str() {
        "ol.prop1" => (vec![flow], "flow (samples and between them)"),
        "ol.thm2" | "ol.thm3" | "ol.prop2" => (vec![orbit, flow], "orbit and flow (flow between samples too)"),
        "ks.thm3" | "ks.lemma8" => (vec![orbit, damped], "orbit and damped flow (11) (flow between samples too)"),
        _ => (vec![orbit], "orbit"),
    };
    if let (true, Some(p)) = (c.id.starts_with("ks."), ahead) {
        about.push(p);
    }
    gate(inputs, c, &about, what)
}

/// τₖ ∈ ‖m′ₖ₊₁ − Ψ(m′ₖ)‖₂ ± (r′ₖ₊₁ + ρr′ₖ) on the flow balls; `None` when not finite.
/// [lo, hi] ∋ maxₖ τₖ from enclosures [loₖ, hiₖ] ∋ τₖ; `None` when one is not finite.
pub fn max_enclosure(t: &[(f64, f64)]) -> Option<RatInterval> {
    if t.is_empty() {
        return None;
    }
    let (lo, hi) = t.iter().fold((0.0_f64, 0.0_f64), |(l, u), &(a, b)| (l.max(a), u.max(b)));
    Some(RatInterval::new(exact(lo)?, exact(hi)?))
}

/// The local errors of 000 Prop. 2 along the heavy-ball ODE q̈ + αq̇ = −(Qq − b) sampled at t = kh:
/// for the state yₖ = (qₖ, qₖ₋₁), ‖yₖ₊₁ − Ψ_HB(yₖ)‖ = ‖qₖ₊₁ − Mqₖ + βqₖ₋₁ − ηb‖₂, M = (1 + β)I − ηQ,
/// η = h², β = 1 − hα, for 1 ≤ k < K (the second component of yₖ₊₁ − Ψ(yₖ) is 0). Each as [lo, hi]
/// from the balls: the centres' residual in interval arithmetic ± (rₖ₊₁ + ‖M‖_F rₖ + |β|rₖ₋₁).
/// `None` when a bound is not finite.
///
/// Enclosure: rigorous.
fn heavy_ball_local_errors(q: &RatMatrix, b: &[Rat], h: &Rat, alpha: &Rat, flow: &[Ball]) -> Option<Vec<(f64, f64)>> {
    let d = b.len();
    let (eta, beta) = (h * h, Rat::one() - h * alpha);
    let m = crate::interval::IMat::from_rat(&matrix(d, |i, j| delta(i, j) * (Rat::one() + &beta) - &eta * &q[i][j]));
    let m_norm = norm2(&m.a);
    let eb: Vec<Interval> = b.iter().map(|v| rat_to_interval(&(&eta * v))).collect();
    let beta_i = rat_to_interval(&beta);
    flow.windows(3)
        .map(|w| {
            let (prev, now, next) = (&w[0], &w[1], &w[2]);
            if ball_box(prev).is_none() || ball_box(now).is_none() || ball_box(next).is_none() {
                return None;
            }
            let mq = m.mul_vec(&now.centre.iter().map(|&x| point(x)).collect::<Vec<_>>());
            let v: Vec<Interval> =
                (0..d).map(|i| point(next.centre[i]) - mq[i] + beta_i * point(prev.centre[i]) - eb[i]).collect();
            let r = point(next.radius) + m_norm * point(now.radius) + beta_i.abs() * point(prev.radius);
            let (n, r) = (norm2(&v), r);
            let (lo, hi) = ((n - r).inf().max(0.0), (n + r).sup());
            hi.is_finite().then_some((lo, hi))
        })
        .collect()
}

fn local_errors(q: &RatMatrix, b: &[Rat], h: &Rat, rho: &Rat, flow: &[Ball]) -> Option<Vec<(f64, f64)>> {
    let d = b.len();
    let a = crate::interval::IMat::from_rat(&matrix(d, |i, j| delta(i, j) - h * &q[i][j]));
    let hb: Vec<Interval> = b.iter().map(|v| rat_to_interval(&(h * v))).collect();
    let rho = rat_to_interval(rho);
    flow.windows(2)
        .map(|w| {
            let psi = a.mul_vec(&w[0].centre.iter().map(|&x| point(x)).collect::<Vec<_>>());
            let v: Vec<Interval> = (0..d).map(|i| point(w[1].centre[i]) - psi[i] - hb[i]).collect();
            let (n, r) = (norm2(&v), point(w[1].radius) + rho * point(w[0].radius));
            let (lo, hi) = ((n - r).inf().max(0.0), (n + r).sup());
            hi.is_finite().then_some((lo, hi))
        })
        .collect()
}

/// `shadow.orbit` on the balls of the orbit and the flow (`None`: overflowed) and their [`Sup`],
/// given the closed-form `prior` claims (ε of a verified `ol.thm2`).
pub fn shadow_orbit(
    inputs: &Inputs,
    prior: &[Claim],
    orbit: Option<&[Ball]>,
    flow: Option<&[Ball]>,
    sup: Option<&Sup>,
) -> Claim {
    let method = &inputs.algorithm.method;
    let head = format!(
        "{}, measured: the exact algorithm orbit xₖ and the exact flow y(kh) it approximates, y(0) = x₀, satisfy maxₖ ‖xₖ − y(kh)‖₂ ≤ ε over the horizon",
        source(method)
    );
    let eps_thm2 = prior
        .iter()
        .find(|c| c.id == "ol.thm2" && c.status == Status::Verified)
        .and_then(|c| c.values.get("epsilon"))
        .map(|v| v.hi().clone());
    let (eps, eps_source) =
        match (&inputs.epsilon, eps_thm2, method) {
            (Some(e), _, _) => (e.clone(), "the spec's epsilon"),
            (None, Some(e), Method::Gd) => (e, "hℓL/(2μ) of ol.thm2 (Thm 2)"),
            (None, _, Method::Gd) => return Claim::new("shadow.orbit", head).not_applicable(
                "no ε: the spec sets no \"epsilon\" and ol.thm2 supplies none (it needs (H1), (H2) and 0 < h ≤ 1/L)",
            ),
            (None, _, m) => {
                return Claim::new("shadow.orbit", head).not_applicable(format!(
                    "no ε: the spec sets no \"epsilon\" (ol.thm2 supplies ε for gd only, the method is {})",
                    m.name()
                ))
            }
        };
    let mut c = Claim::new(
        "shadow.orbit",
        format!(
            "{}, measured: maxₖ ‖xₖ − y(kh)‖₂ ≤ ε over 0 ≤ k ≤ K for the exact-arithmetic {} orbit xₖ and the exact {}, y(0) = x₀, sampled at t = kh (enclosed tubes; samples inside the domain box), ε = {eps_source}",
            source(method),
            method.name(),
            flow_name(method)
        ),
    );
    c.value("epsilon", eps.clone());
    c.value("steps", Rat::from_integer(inputs.steps.into()));
    let (Some(o), Some(f), Some(s)) = (orbit, flow, sup) else {
        c.reason = Some(OVERFLOW.into());
        return c;
    };
    c.enclosed("distance", s.range.clone());
    c.value("max_radius", s.max_radius.clone());
    let samples = |what, samples| Path { what, samples, segments: None, per_h: 1, probes: None };
    let Some(dom) = domain(inputs, &[samples("orbit xₖ", o), samples("flow y(kh)", f)]) else {
        c.reason = Some("enclosure too wide: the domain check overflowed f64".into());
        return c;
    };
    if !decide_domain(&mut c, &dom, "orbit and flow samples", "k = ") {
        return c;
    }
    if c.check("max_k ‖x_k − y(kh)‖₂ <= ε: distance upper end <= epsilon", s.range.hi.clone(), Rel::Le, eps.clone())
    {
        c.status = Status::Verified;
    } else if !refute_by_distance(&mut c, &eps, s) {
        c.reason = Some("enclosure too wide: ε lies inside the enclosure of the distance".into());
    }
    c
}

/// B_K = max Eₖ of Eₖ₊₁ = ρEₖ + τ̄ₖ, E₀ = 0 (upward in `f64`), and the enclosure of maxₖ τₖ.
fn gronwall(tau: &[(f64, f64)], rho: &Rat) -> Option<(Rat, RatInterval)> {
    let r = rat_to_interval(rho);
    let (mut e, mut b, mut lo, mut hi) = (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    for &(tl, th) in tau {
        e = if e == 0.0 { th } else { (r * point(e) + point(th)).sup() };
        if !e.is_finite() {
            return None;
        }
        (b, lo, hi) = (b.max(e), lo.max(tl), hi.max(th));
    }
    Some((exact(b)?, RatInterval::new(exact(lo)?, exact(hi)?)))
}

/// `ec.thm1` or `shadow.finite` for a method other than gd: not applicable, the claim compares the
/// GD orbit with the gradient flow.
pub fn not_gd(inputs: &Inputs, id: &str) -> Claim {
    let head = match id {
        "ec.thm1" => {
            "Elkabetz–Cohen (002/003) Thm 1, rigorous: maxₖ ‖xₖ − y(kh)‖₂ ≤ B_K by the discrete Grönwall recursion \
             eₖ₊₁ ≤ ρₖeₖ + τₖ (GD)"
        }
        _ => {
            "Finite-time shadowing (000 Thm 3, saddle case; proofs/SHADOWING.md): an exact GD orbit from a perturbed \
             x̃₀ stays within ε = Kδ of the flow samples y(kh)"
        }
    };
    Claim::new(id, head).not_applicable(format!(
        "method is {}, the claim compares the GD orbit with the gradient flow",
        inputs.algorithm.method.name()
    ))
}

fn ec_thm1(
    inputs: &Inputs,
    spectrum: &Spectrum,
    rho: Option<&Rat>,
    tau: Option<&[(f64, f64)]>,
    sup: Option<&Sup>,
) -> Result<Claim, String> {
    let (Some(rho), Method::Gd) = (rho, &inputs.algorithm.method) else {
        return Ok(not_gd(inputs, "ec.thm1"));
    };
    let target = if inputs.epsilon.is_some() { ", and B_K ≤ ε (the spec's epsilon)" } else { "" };
    let mut c = Claim::new(
        "ec.thm1",
        format!(
            "Elkabetz–Cohen (002/003) Thm 1, rigorous form: maxₖ ‖xₖ − y(kh)‖₂ ≤ B_K for the exact GD orbit xₖ and the exact gradient flow y, y(0) = x₀, with B_K from the discrete Grönwall recursion (EC3) Eₖ₊₁ = ρEₖ + τₖ, ρ ≥ ‖I − hQ‖₂, τₖ ≥ ‖y((k+1)h) − Ψ(y(kh))‖₂ enclosed on the flow tube{target}"
        ),
    );
    let h = &inputs.algorithm.h;
    let n = inputs.dim();
    let (lmin, lmax) = (spectrum.bracket(0)?, spectrum.bracket(n - 1)?);
    c.value("rho", rho.clone());
    c.enclosed("rho_paper", RatInterval::new(Rat::one() - h * &lmin.hi, Rat::one() - h * &lmin.lo));
    c.enclosed("h_lambda_sum", RatInterval::new(h * (&lmin.lo + &lmax.lo), h * (&lmin.hi + &lmax.hi)));
    // ∫₀ᵀ λ₋ dt = T·max(−λ_min, 0) and the paper's shape hT·exp(∫λ₋), T = Kh.
    let t = Rat::from_integer(inputs.steps.into()) * h;
    let neg = |x: &Rat| if x.is_negative() { -x } else { Rat::zero() };
    let integral = RatInterval::new(&t * neg(&lmin.hi), &t * neg(&lmin.lo));
    let shape = rat_to_interval(&(h * &t)) * rat_interval_to_interval(&integral).exp();
    c.enclosed("integral_lambda_minus", integral);
    if let Some(s) = to_rat_interval(shape) {
        c.enclosed("paper_shape", s);
    }
    c.value("steps", Rat::from_integer(inputs.steps.into()));
    if let Some(e) = &inputs.epsilon {
        c.value("epsilon", e.clone());
    }
    let (Some(tau), Some(s)) = (tau, sup) else {
        c.reason = Some(OVERFLOW.into());
        return Ok(c);
    };
    let Some((bound, tau_max)) = gronwall(tau, rho) else {
        c.reason =
            Some("enclosure too wide: the Grönwall bound B_K overflows f64 (or a step factor ρₖ is unbounded)".into());
        return Ok(c);
    };
    c.enclosed("local_error_max", tau_max);
    ec_verdict(&mut c, inputs, &bound, s);
    Ok(c)
}

/// `ec.thm1`'s records `bound` and `distance` and its verdict: refuted when the measured distance
/// exceeds B_K (a disproof of the bound); verified when B_K ≤ ε or no ε is set; else refuted only
/// when ε is below the measured distance, inconclusive otherwise.
pub fn ec_verdict(c: &mut Claim, inputs: &Inputs, bound: &Rat, s: &Sup) {
    c.value("bound", bound.clone());
    c.enclosed("distance", s.range.clone());
    if !c.check(
        "consistency: the measured distance does not exceed the certified bound: distance lower end <= bound",
        s.range.lo.clone(),
        Rel::Le,
        bound.clone(),
    ) {
        c.status = Status::Refuted;
        c.reason = Some(format!(
            "rigorous disproof of the bound: at k = {}, ‖x_k − y(kh)‖₂ ≥ distance lower end > B_K",
            s.argmax_lo
        ));
        return;
    }
    let Some(eps) = inputs.epsilon.clone() else {
        c.status = Status::Verified;
        return;
    };
    if c.check("(EC3) B_K <= ε: bound <= epsilon", bound.clone(), Rel::Le, eps.clone()) {
        c.status = Status::Verified;
    } else if !refute_by_distance(c, &eps, s) {
        c.reason = Some(
            if c.check("measured: distance upper end <= epsilon", s.range.hi.clone(), Rel::Le, eps) {
                "the certified bound is looser than ε: B_K > ε although the measured distance is ≤ ε (shadow.orbit)"
            } else {
                "enclosure too wide: ε lies inside the enclosure of the measured distance, below B_K"
            }
            .into(),
        );
    }
}

/// Significant bits kept when K and ε are rounded up.
pub(super) const BITS: u32 = 64;

/// The split of A = I − hQ (proofs/SHADOWING.md): unstable λ < 0 or λ > 2/h, θ_s ≥ max |1 − hλ| over
/// the stable group, θ_u ≤ min over the unstable one, from brackets of the groups' extreme members.
/// Returns (unstable count, θ_s, θ_u).
fn split(q: &RatMatrix, h: &Rat, spectrum: &Spectrum) -> Result<(usize, Option<Rat>, Option<Rat>), String> {
    let d = q.len();
    let (one, two_h) = (Rat::one(), rat(2) / h);
    let below = count_below(q, &Rat::zero());
    let above = d - count_at_most(q, &two_h);
    let stable = d - below - above;
    let theta_s = if stable > 0 {
        let lo = spectrum.bracket(below)?.lo.max(Rat::zero());
        let hi = spectrum.bracket(below + stable - 1)?.hi.min(two_h.clone());
        Some((&one - h * lo).max(h * hi - &one))
    } else {
        None
    };
    let from_below = if below > 0 { Some(&one - h * spectrum.bracket(below - 1)?.hi) } else { None };
    let from_above = if above > 0 { Some(h * spectrum.bracket(d - above)?.lo.max(two_h.clone()) - &one) } else { None };
    let theta_u = match (from_below, from_above) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok((below + above, theta_s, theta_u))
}

/// The eigenvalue indices [`split`] reads (the engine adds their brackets to the evidence).
pub fn split_indices(q: &RatMatrix, h: &Rat) -> Vec<usize> {
    let d = q.len();
    let below = count_below(q, &Rat::zero());
    let above = d - count_at_most(q, &(rat(2) / h));
    let mut k = Vec::new();
    if below + above < d {
        k.extend([below, d - above - 1]);
    }
    k.extend((below > 0).then(|| below - 1));
    k.extend((above > 0).then_some(d - above));
    k
}

#[allow(clippy::too_many_arguments)]
fn shadow_finite(
    inputs: &Inputs,
    q: &RatMatrix,
    b: &[Rat],
    spectrum: &Spectrum,
    tau: Option<&[(f64, f64)]>,
    flow: Option<&[Ball]>,
    plain: Option<&Sup>,
    tubes: &Tubes,
    witness: Option<&[Rat]>,
) -> Result<Claim, String> {
    if !matches!(inputs.algorithm.method, Method::Gd) {
        return Ok(not_gd(inputs, "shadow.finite"));
    }
    let target = if inputs.epsilon.is_some() {
        " ≤ the spec's epsilon of them (or, failing that, the enclosed orbit from the recorded x̃₀ stays within the spec's epsilon)"
    } else {
        " of them"
    };
    let mut c = Claim::new(
        "shadow.finite",
        format!("Finite-time shadowing (000 Thm 3, saddle case; proofs/SHADOWING.md, Theorem with (K)): the flow samples y(kh), 0 ≤ k ≤ N, of ẏ = −∇f, y(0) = x₀, are a δ-pseudo-orbit of GD; with K ≥ ‖𝓛⁺‖ (forward on the stable, backward on the unstable eigenspaces of I − hQ) and M = 0 (quadratic), an exact GD orbit from a perturbed x̃₀ stays within ε = Kδ{target}"),
    );
    let h = &inputs.algorithm.h;
    let n = Rat::from_integer(inputs.steps.into());
    c.value("steps", n.clone());
    let (k, capped) = split_bound(&mut c, q, h, spectrum, &n)?;
    c.value("K", k.clone());
    c.value("M", Rat::zero());
    let (Some(tau), Some(flow)) = (tau, flow) else {
        c.reason = Some("enclosure too wide: the flow tube or a local error is +∞ (f64 overflow)".into());
        return Ok(c);
    };
    let Some(delta) = exact(tau.iter().map(|t| t.1).fold(0.0, f64::max)) else {
        c.reason = Some("enclosure too wide: the defect bound δ overflows f64".into());
        return Ok(c);
    };
    c.value("delta", delta.clone());
    c.check("(N) Newton–Kantorovich: 2·M·K²·δ <= 1", Rat::zero(), Rel::Le, Rat::one());
    let eps = round_up_dyadic(&(&k * &delta), BITS);
    c.value("epsilon", eps.clone());
    if let Some(p) = plain {
        c.enclosed("plain_distance", p.range.clone());
    }
    // The witness x̃₀ (the engine's) and its exact GD orbit, enclosed.
    let mut witness_sup = None;
    if let Some(x) = witness.filter(|x| x.len() == q.len()) {
        let width = q.len().max(1).to_string().len();
        for (i, v) in x.iter().enumerate() {
            c.witness(&format!("x0_shadow_{:0width$}", i + 1), v.clone());
        }
        let steps = crate::inputs::steps_usize(inputs.steps);
        let gd = orbit_balls(tubes, "witness", (q, b), x, &Method::Gd, h, steps);
        witness_sup = match gd {
            Ok(balls) => sup_distance(&balls, flow),
            Err(TubeError::Overflow(_)) => None,
            Err(TubeError::Rejected(e)) => return Err(e),
        };
        if let Some(w) = &witness_sup {
            c.enclosed("witness_distance", w.range.clone());
        }
    }
    shadow_verdict(&mut c, inputs, &eps, witness_sup.as_ref(), capped);
    Ok(c)
}

/// The split of I − hQ ([`split`]) recorded on `c` (`unstable_dims`, `theta_s`, `theta_u`) and its
/// [`k_bound`] over N = `n` steps.
pub(super) fn split_bound(
    c: &mut Claim,
    q: &RatMatrix,
    h: &Rat,
    spectrum: &Spectrum,
    n: &Rat,
) -> Result<(Rat, bool), String> {
    let (unstable, theta_s, theta_u) = split(q, h, spectrum)?;
    c.value("unstable_dims", Rat::from_integer(unstable.into()));
    if let Some(t) = &theta_s {
        c.value("theta_s", t.clone());
    }
    if let Some(t) = &theta_u {
        c.value("theta_u", t.clone());
    }
    Ok(k_bound(theta_s.as_ref(), theta_u.as_ref(), n))
}

/// K ≥ √(S_s² + S_u²) with S = min(N, 1/gap), gap = 1 − θ_s and θ_u − 1 (proofs/SHADOWING.md (K)),
/// rounded up; and whether the horizon N capped a group.
fn k_bound(theta_s: Option<&Rat>, theta_u: Option<&Rat>, n: &Rat) -> (Rat, bool) {
    let one = Rat::one();
    let capped = |gap: Rat| if gap.is_zero() || &one / &gap > *n { (n.clone(), true) } else { (&one / gap, false) };
    let (s_s, cap_s) = theta_s.map_or((Rat::zero(), false), |t| capped(&one - t));
    let (s_u, cap_u) = theta_u.map_or((Rat::zero(), false), |t| capped(t - &one));
    (round_up_dyadic(&sqrt_enclosure(&(&s_s * &s_s + &s_u * &s_u)).hi, BITS), cap_s || cap_u)
}

/// `shadow.finite`'s verdict from the certified radius `eps`, the enclosed distance of the witness
/// orbit from x̃₀, and whether K was limited by the horizon: verified by the theorem (ε within the
/// spec's ε, or no ε set) or by the witness orbit (within the spec's ε); otherwise inconclusive.
/// Never refuted: a larger radius does not disprove that some orbit shadows.
pub(super) fn shadow_verdict(c: &mut Claim, inputs: &Inputs, eps: &Rat, witness_sup: Option<&Sup>, capped: bool) {
    let target = inputs.epsilon.clone().unwrap_or_else(|| eps.clone());
    if let Some(e) = &inputs.epsilon {
        c.value("epsilon_spec", e.clone());
    }
    let witness_ok = witness_sup.is_some_and(|w| {
        c.check(
            "witness: the orbit from x̃₀ stays within ε: witness_distance upper end <= ε",
            w.range.hi.clone(),
            Rel::Le,
            target.clone(),
        )
    });
    let theorem_ok = inputs.epsilon.is_none()
        || c.check("certified radius within the spec's ε: epsilon <= epsilon_spec", eps.clone(), Rel::Le, target);
    let limited = if capped {
        "; K is limited by the horizon N (an eigenvalue with |1 − hλ| = 1 or within 1/N of it: the GD map is not uniformly hyperbolic)"
    } else {
        ""
    };
    match (theorem_ok, witness_ok) {
        (true, true) => c.status = Status::Verified,
        (true, false) => {
            c.status = Status::Verified;
            c.reason = Some("verified by the theorem; the f64 witness x̃₀ was not certified within ε (its rounding is amplified along the unstable directions)".into());
        }
        (false, true) => {
            c.status = Status::Verified;
            c.reason = Some(format!(
                "verified by the witness orbit from x̃₀; the certified radius Kδ alone exceeds the spec's ε{limited}"
            ));
        }
        (false, false) => {
            c.reason = Some(format!("the certified shadowing radius ε = Kδ exceeds the spec's ε{limited}"))
        }
    }
}

/// Δ = log₂(E(h)/E(h/2)) ∈ [log₂(a₁/b₂), log₂(b₁/a₂)] for E(h) ∈ [a₁, b₁], E(h/2) ∈ [a₂, b₂], a's > 0.
fn rate(e_h: &RatInterval, e_h2: &RatInterval) -> Option<RatInterval> {
    if !e_h.lo.is_positive() || !e_h2.lo.is_positive() {
        return None;
    }
    let iv = rat_to_interval;
    Some(RatInterval::new(
        exact((iv(&e_h.lo) / iv(&e_h2.hi)).log2().inf())?,
        exact((iv(&e_h.hi) / iv(&e_h2.lo)).log2().sup())?,
    ))
}

/// `ks.thm2` for a method other than scheme (7): not applicable.
pub fn ks_thm2_not_scheme7(inputs: &Inputs) -> Claim {
    Claim::new("ks.thm2", super::KS_THM2_HEADLINE).not_applicable(format!(
        "method is {}, Theorem 2 of 004 is about scheme (7) (heavy_ball, nesterov, momentum)",
        inputs.algorithm.method.name()
    ))
}

/// `ks.thm2` (004 Thm 2, Section 2.3) on a quadratic: the enclosed rate Δ of scheme (7) to the
/// rescaled flow (8) decides (≥ 3/4: first order measured; never refuted), with the rate to the damped
/// flow (11) recorded; rule 4 on the orbits and flows (8) at h and h/2.
fn ks_thm2(inputs: &Inputs, q: &RatMatrix, b: &[Rat], tubes: &Tubes) -> Result<Claim, String> {
    let Method::Scheme7 { lambda, a, .. } = &inputs.algorithm.method else {
        return Ok(ks_thm2_not_scheme7(inputs));
    };
    if 2 * inputs.steps > MAX_STEPS {
        let mut c = Claim::new("ks.thm2", super::KS_THM2_HEADLINE);
        c.reason = Some(format!(
            "the run at h/2 takes 2N = {} steps, beyond the {MAX_STEPS} steps this version encloses",
            2 * inputs.steps
        ));
        return Ok(c);
    }
    let (h, x0, method) = (&inputs.algorithm.h, &inputs.x0, &inputs.algorithm.method);
    let h2 = h / rat(2);
    let n = crate::inputs::steps_usize(inputs.steps);
    let mut c = Claim::new(
        "ks.thm2",
        format!(
            "Kovachki–Stuart (004) Thm 2, Section 2.3, measured: Δ = log₂(E(h)/E(h/2)) ≥ 3/4 for the exact-arithmetic {} orbit (7) and the exact rescaled flow (8), E(h) = max over 0 ≤ nh ≤ T of |uₙ − u(nh)|₂ (enclosed tubes; samples inside the domain box); also recorded: the rate to the damped flow (11) with u′(0) from (12) (Thm 3: order 1)",
            method.name()
        ),
    );
    c.value("steps", Rat::from_integer(inputs.steps.into()));
    c.value("horizon", Rat::from_integer(inputs.steps.into()) * h);
    let o_h = lift(orbit_balls(tubes, "orbit", (q, b), x0, method, h, n))?;
    let o_h2 = lift(orbit_balls(tubes, "orbit_h2", (q, b), x0, method, &h2, 2 * n))?;
    let (m, s) = flow(q, b, x0, method, h);
    let f_h = lift(tubes.get("flow", &m, &point_box(&s), n, b.len()))?;
    let (m, s) = flow(q, b, x0, method, &h2);
    let f_h2 = lift(tubes.get("flow_h2", &m, &point_box(&s), 2 * n, b.len()))?;
    let measure = |c: &mut Claim,
                   tag: &str,
                   at_h: (Option<&[Ball]>, Option<&[Ball]>),
                   at_h2: (Option<&[Ball]>, Option<&[Ball]>)|
     -> Option<RatInterval> {
        let e_h = sup_distance(at_h.0?, at_h.1?)?.range;
        c.enclosed(&format!("error_h_{tag}"), e_h.clone());
        let e_h2 = sup_distance(at_h2.0?, at_h2.1?)?.range;
        c.enclosed(&format!("error_h2_{tag}"), e_h2.clone());
        let r = rate(&e_h, &e_h2)?;
        c.enclosed(&format!("rate_{tag}"), r.clone());
        Some(r)
    };
    let rate8 = measure(&mut c, "8", (o_h.as_deref(), f_h.as_deref()), (o_h2.as_deref(), f_h2.as_deref()));
    if let (Some((m1, s1)), Some((m2, s2))) = (damped(q, b, x0, lambda, a, h), damped(q, b, x0, lambda, a, &h2)) {
        let d_h = lift(tubes.get("flow_11", &m1, &point_box(&s1), n, b.len()))?;
        let d_h2 = lift(tubes.get("flow_11_h2", &m2, &point_box(&s2), 2 * n, b.len()))?;
        measure(&mut c, "11", (o_h.as_deref(), d_h.as_deref()), (o_h2.as_deref(), d_h2.as_deref()));
    }
    let Some(rate8) = rate8 else {
        c.reason = Some("enclosure too wide: (8): a tube radius or the error bound is +∞, or the errors are not bounded away from 0".into());
        return Ok(c);
    };
    let tubes_h: Vec<Path> = [
        ("orbit at h", &o_h, 1),
        ("flow (8) at h", &f_h, 1),
        ("orbit at h/2", &o_h2, 2),
        ("flow (8) at h/2", &f_h2, 2),
    ]
    .into_iter()
    .filter_map(|(what, t, per_h)| {
        t.as_deref().map(|samples| Path { what, samples, segments: None, per_h, probes: None })
    })
    .collect();
    let Some(dom) = domain(inputs, &tubes_h) else {
        c.reason = Some("enclosure too wide: the domain check overflowed f64".into());
        return Ok(c);
    };
    if !decide_domain(&mut c, &dom, "orbits and flow samples at h and h/2", "sample ") {
        return Ok(c);
    }
    let three_quarters = Rat::new(3.into(), 4.into());
    if c.check(
        "Thm 2, first order measured: 3/4 <= rate_8 lower end",
        three_quarters.clone(),
        Rel::Le,
        rate8.lo.clone(),
    ) {
        c.status = Status::Verified;
    } else {
        c.reason = Some(if rate8.hi < three_quarters {
            "measured rate of (8) below 3/4 (rate_8 upper end < 3/4): h is not in the asymptotic regime of Thm 2 over this horizon; a rate below the predicted order does not disprove an O(h) statement (try a smaller h)"
        } else {
            "enclosure too wide: 3/4 lies inside the enclosure of rate_8"
        }
        .into());
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ball(c: f64, r: f64) -> Ball {
        Ball { centre: vec![c], radius: r }
    }

    #[test]
    fn segments_hold_the_closed_form_path_tightly() {
        // ẏ = 3 − y (K = [−1], g = [3]), y(0) = 0: y(t) = 3 − 3e^{−t}, increasing; h = 1/10.
        let y = |t: f64| 3.0 - 3.0 * (-t).exp();
        let full: Vec<Ball> = (0..=20).map(|k| ball(y(k as f64 / 10.0), 1e-14)).collect();
        let segs = segments(&vec![vec![rat(-1)]], &[rat(3)], &Rat::new(1.into(), 10.into()), &[rat(0)], &full, 1);
        assert_eq!(segs.len(), 20);
        for (k, s) in segs.iter().enumerate() {
            let (a, b) = (y(k as f64 / 10.0), y((k + 1) as f64 / 10.0));
            // The whole path, with a margin for the f64 closed form.
            assert!(s[0].inf() <= a, "k = {k}: {s:?} misses y(kh) = {a}");
            assert!(s[0].sup() >= b, "k = {k}: {s:?} misses y((k+1)h) = {b}");
            // The refinement overshoots by about h·sup|ẏ| − (b − a) ≤ h²·sup|ÿ| ≤ 0.03; the exp
            // enclosure alone by h·|c| ≈ 0.04 and more.
            assert!(s[0].sup() - b < 0.016 && a - s[0].inf() < 1e-9, "k = {k}: {s:?} vs [{a}, {b}]");
        }
        let loose = Affine::flow_segment(&vec![vec![rat(-1)]], &[rat(3)], &Rat::new(1.into(), 10.into()));
        let x = ball_box(&full[9]).unwrap();
        let e = loose.a.mul_vec(&x)[0] + loose.c[0];
        assert!(e.inf() <= y(0.9) && e.sup() >= y(1.0) && e.sup() > y(1.0) + 0.02, "{e:?}");
    }

    /// GD with h = 1/10 on f = x²/2 over `domain`, `steps` steps from `x0` (what the domain tests
    /// need: the inputs, not the trajectories, which they give by hand).
    fn gd_inputs_1d(domain: (&str, &str), steps: u64, x0: &str) -> Inputs {
        crate::inputs::parse(&serde_json::json!({
            "algorithm": {"h": "1/10", "method": "gd"}, "constants": {}, "domain": [[domain.0, domain.1]],
            "horizon": {"steps": steps}, "name": "t", "objective": {"Q": [["1"]], "b": ["0"], "type": "quadratic"},
            "x0": [x0]
        }))
        .unwrap()
    }

    #[test]
    fn the_first_exit_is_first_in_time() {
        let inputs = gd_inputs_1d(("-1", "1"), 4, "0");
        // Path a, two samples per h, outside from sample 3 (t = 1.5h); path b outside at sample 2
        // (t = 2h) and straddling the face between samples 0 and 1.
        let a = [ball(0.0, 0.0), ball(0.5, 0.1), ball(0.9, 0.05), ball(1.5, 0.1), ball(2.0, 0.1)];
        let b = [ball(0.0, 0.0), ball(0.5, 0.1), ball(3.0, 0.1)];
        let seg = vec![vec![Interval::try_from((0.0, 1.2)).unwrap()], vec![Interval::try_from((0.5, 3.0)).unwrap()]];
        let paths = [
            Path { what: "a", samples: &a, segments: None, per_h: 2, probes: None },
            Path { what: "b", samples: &b, segments: Some(seg), per_h: 1, probes: None },
        ];
        let d = domain(&inputs, &paths).unwrap();
        assert_eq!(d.exit, Some(("a", 3, false)));
        assert_eq!(d.unsure, Some(("b", 0, true)));
        assert!(d.margin.hi.is_negative());
        // An empty box decides nothing.
        let paths =
            [Path { what: "b", samples: &b[..1], segments: Some(vec![vec![Interval::EMPTY]]), per_h: 1, probes: None }];
        assert!(domain(&inputs, &paths).is_none());
        // Neither does a ball or box that is not finite (it used to panic), nor a flow whose boxes
        // between samples are fewer than its steps.
        let inf = [ball(0.0, 0.0), ball(0.5, f64::INFINITY)];
        assert!(domain(&inputs, &[Path { what: "c", samples: &inf, segments: None, per_h: 1, probes: None }]).is_none());
        let nan = [ball(0.0, 0.0), ball(f64::NAN, 0.0)];
        assert!(domain(&inputs, &[Path { what: "c", samples: &nan, segments: None, per_h: 1, probes: None }]).is_none());
        let entire = Some(vec![vec![Interval::ENTIRE]]);
        let p = Path { what: "c", samples: &b[..2], segments: entire, per_h: 1, probes: None };
        assert!(domain(&inputs, &[p]).is_none());
        let p = Path { what: "c", samples: &b, segments: Some(vec![vec![point(0.1)]]), per_h: 1, probes: None };
        assert!(domain(&inputs, &[p]).is_none());
    }

    #[test]
    fn look_ahead_points_can_leave_when_the_orbit_does_not() {
        let inputs = gd_inputs_1d(("0", "1"), 3, "1/2");
        // xₖ = 0.5, 0.9, 0.99, 0.999 (inside [0, 1]); with a = 9/10 the look-ahead points are
        // y₁ = 0.9 + 0.9·0.4 = 1.26 and y₂ = 0.99 + 0.9·0.09 = 1.071 (hand values): outside.
        let orbit = [ball(0.5, 0.0), ball(0.9, 1e-12), ball(0.99, 1e-12), ball(0.999, 1e-12)];
        let ahead = look_ahead(&orbit, &Rat::new(9.into(), 10.into())).unwrap();
        assert_eq!(ahead.len(), 3, "y₁, y₂ and x₀ at index 0 (y₃ is never evaluated)");
        for (k, want) in [(1, 1.26), (2, 1.071)] {
            let (c, r) = (ahead[k].centre[0], ahead[k].radius);
            assert!((c - want).abs() <= r + 1e-15 && r < 1e-11, "y_{k} = {c} ± {r}, want {want}");
        }
        let only_orbit =
            domain(&inputs, &[Path { what: "orbit", samples: &orbit, segments: None, per_h: 1, probes: None }]);
        assert!(only_orbit.unwrap().margin.lo >= Rat::zero());
        let both = domain(
            &inputs,
            &[Path { what: "orbit", samples: &orbit, segments: None, per_h: 1, probes: None }, look_ahead_path(&ahead)],
        )
        .unwrap();
        assert_eq!(both.exit.map(|e| (e.1, e.2)), Some((1, false)));
        assert!(both.margin.hi.is_negative());
        // a = 0 (heavy ball): the look-ahead points are the orbit's.
        let same = look_ahead(&orbit, &Rat::zero()).unwrap();
        assert!(same.iter().zip(&orbit).all(|(y, x)| y.centre == x.centre));
        // A ball that is not finite gives none.
        assert!(look_ahead(&[ball(0.5, 0.0), ball(0.9, f64::INFINITY), ball(0.99, 0.0)], &Rat::one()).is_none());
    }
}
