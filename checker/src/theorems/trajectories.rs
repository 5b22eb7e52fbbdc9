//! The trajectory claims of quadratic objectives f(x) = ½xᵀQx − bᵀx, decided on tubes
//! (`crate::tube`): `shadow.orbit` (000; 004 Thm 2), the measured local error of `ol.prop1`,
//! `ec.thm1` (002/003 Thm 1 made rigorous), `shadow.finite` (proofs/SHADOWING.md) and `ks.thm2`
//! (004 Thm 2, Section 2.3).
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
//! Enclosure: rigorous.

use super::constants::Spectrum;
use super::Measured;
use crate::claim::{Claim, Rel, Status};
use crate::exact::{rat, round_up_dyadic, sqrt_enclosure, Rat, RatInterval, RatMatrix};
use crate::inputs::{Inputs, Method, ObjectiveInputs};
use crate::interval::{exact, norm2, point, rat_interval_to_interval, rat_to_interval, to_rat_interval};
use crate::quadratic::{count_at_most, count_below, gradient};
use crate::tube::{point_box, run, Affine, Ball, Checkpoint, Norm, TubeEvidence};
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
                let (balls, _) =
                    memo(map, t, start, steps, || run(map, &t.norm, start, steps, Some(&t.checkpoints), 1))
                        .map_err(overflow)?;
                Ok(project(balls))
            }
            Tubes::Build { norm, stride, out: written } => {
                let n = norm(name, map);
                let (balls, cps): (Vec<Ball>, Vec<Checkpoint>) =
                    run(map, &n, start, steps, None, *stride).map_err(overflow)?;
                written.borrow_mut().insert(name.to_string(), TubeEvidence { norm: n, checkpoints: cps });
                Ok(project(balls))
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

/// The flow a method's orbit is compared with (module documentation), sampled at `h`: map, start.
fn flow(q: &RatMatrix, b: &[Rat], x0: &[Rat], method: &Method, h: &Rat) -> (Affine, Vec<Rat>) {
    let d = b.len();
    let first =
        |s: &Rat| -> (RatMatrix, Vec<Rat>) { (matrix(d, |i, j| -(s * &q[i][j])), b.iter().map(|v| s * v).collect()) };
    let (k, g, z0) = match method {
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
    };
    (Affine::sampled_flow(&k, &g, h), z0)
}

/// The damped flow (11) at step `h` (mass hα, friction 1 − λ, u̇(0) of (12)); `None` unless α > 0.
fn damped(q: &RatMatrix, b: &[Rat], x0: &[Rat], lambda: &Rat, a: &Rat, h: &Rat) -> Option<(Affine, Vec<Rat>)> {
    let (one, two) = (Rat::one(), rat(2));
    let alpha = (&one + lambda - &two * a * (&one - lambda)) / &two;
    if !alpha.is_positive() {
        return None;
    }
    let factor = (&one - &two * &alpha) / (&two * &alpha - lambda + &one);
    let (k, g) = second_order(q, b, &(h * &alpha), &(&one - lambda));
    let v0 = gradient(q, b, x0).iter().map(|gi| -(&factor * gi)).collect::<Vec<_>>();
    Some((Affine::sampled_flow(&k, &g, h), x0.iter().cloned().chain(v0).collect()))
}

/// The balls of an orbit over `n` iterations (index = iteration), and of its flow samples.
fn orbit_balls(
    tubes: &Tubes,
    name: &str,
    q: &RatMatrix,
    b: &[Rat],
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
struct Sup {
    range: RatInterval,
    argmax_lo: usize,
    max_radius: Rat,
}

fn sup_distance(x: &[Ball], y: &[Ball]) -> Option<Sup> {
    let (mut lo, mut hi, mut arg, mut rad) = (0.0_f64, 0.0_f64, 0, 0.0_f64);
    for (k, (a, b)) in x.iter().zip(y).enumerate() {
        let (l, h) = distance(a, b);
        if l > lo {
            (lo, arg) = (l, k);
        }
        hi = hi.max(h);
        rad = rad.max(a.radius).max(b.radius);
    }
    Some(Sup { range: RatInterval::new(exact(lo)?, exact(hi)?), argmax_lo: arg, max_radius: exact(rad)? })
}

/// Rule 4 (DESIGN.md) on the balls of some tubes: the enclosure of the smallest signed distance of
/// a sample to a face of the domain box (negative: outside), where its upper end is smallest (a
/// certain exit when negative) and where its lower end is (the sample that blocks certification).
struct Domain {
    margin: RatInterval,
    worst: (&'static str, usize),
    weakest: (&'static str, usize),
}

fn domain(inputs: &Inputs, tubes: &[(&'static str, &[Ball])]) -> Option<Domain> {
    let m0 = inputs.x0.iter().zip(&inputs.domain).map(|(x, (l, h))| (x - l).min(h - x)).min()?;
    let faces: Vec<(Interval, Interval)> =
        inputs.domain.iter().map(|(l, h)| (rat_to_interval(l), rat_to_interval(h))).collect();
    let (mut lo, mut hi) = (f64::INFINITY, f64::INFINITY);
    let (mut worst, mut weakest) = (("x₀", 0), ("x₀", 0));
    for &(what, balls) in tubes {
        for (k, ball) in balls.iter().enumerate().skip(1) {
            let r = point(ball.radius);
            for (&m, &(fl, fh)) in ball.centre.iter().zip(&faces) {
                let (below, above) = (point(m) - r, point(m) + r);
                let (s_lo, s_hi) = ((below - fl).min(fh - above).inf(), (above - fl).min(fh - below).sup());
                if s_lo < lo {
                    (lo, weakest) = (s_lo, (what, k));
                }
                if s_hi < hi {
                    (hi, worst) = (s_hi, (what, k));
                }
            }
        }
    }
    let (lo, hi) =
        if lo == f64::INFINITY { (m0.clone(), m0.clone()) } else { (exact(lo)?.min(m0.clone()), exact(hi)?.min(m0)) };
    Some(Domain { margin: RatInterval::new(lo, hi), worst, weakest })
}

/// Records `domain_margin`; `true` when every sample is certified inside the box, otherwise sets
/// the verdict (not applicable: a sample certainly leaves; inconclusive: not certified either way).
fn decide_domain(c: &mut Claim, d: &Domain, what: &str, at: &str) -> bool {
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
    if c.check(
        "rule 4: a sample certainly leaves the domain box: domain_margin upper end < 0",
        d.margin.hi.clone(),
        Rel::Lt,
        zero,
    ) {
        c.status = Status::NotApplicable;
        c.reason = Some(format!(
            "rule 4: the exact {} leaves the spec's domain box at {at}{} (domain_margin < 0): the spec's constants hold only on the box",
            d.worst.0, d.worst.1
        ));
    } else {
        c.reason = Some(format!(
            "enclosure too wide to certify that the trajectory stays in the domain box (rule 4): the {} tube at {at}{} reaches beyond a face",
            d.weakest.0, d.weakest.1
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
    let gd = matches!(method, Method::Gd);
    if inputs.wants("ks.thm2") {
        out.claims.push(ks_thm2(inputs, q, b, tubes).map_err(|e| format!("ks.thm2: {e}"))?);
    }
    let wanted: Vec<&str> =
        ["shadow.orbit", "ec.thm1", "shadow.finite"].into_iter().filter(|id| inputs.wants(id)).collect();
    let prop1 = gd && prior.iter().any(|c| c.id == "ol.prop1" && c.status == Status::Verified);
    if inputs.steps > MAX_STEPS {
        for id in wanted {
            let mut c = Claim::new(id, super::headline(id));
            c.reason = Some(format!(
                "horizon of {} steps is beyond the {MAX_STEPS} steps this version encloses",
                inputs.steps
            ));
            out.claims.push(c);
        }
        return Ok(out);
    }
    if wanted.is_empty() && !prop1 {
        return Ok(out);
    }
    // A tube that does not verify rejects the first claim that reads it.
    let first = wanted.first().copied().unwrap_or("ol.prop1");
    let named = |e: String| format!("{first}: {e}");
    let orbit = lift(orbit_balls(tubes, "orbit", q, b, x0, method, h, n)).map_err(named)?;
    let (fmap, fstart) = flow(q, b, x0, method, h);
    let flow = lift(tubes.get("flow", &fmap, &point_box(&fstart), n, b.len())).map_err(named)?;
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
        out.local_error_max = tau.as_ref().and_then(|t| {
            let (lo, hi) = t.iter().fold((0.0_f64, 0.0_f64), |(l, u), &(a, b)| (l.max(a), u.max(b)));
            Some(RatInterval::new(exact(lo)?, exact(hi)?))
        });
    }
    for id in wanted {
        out.claims.push(match id {
            "shadow.orbit" => shadow_orbit(inputs, prior, orbit.as_deref(), flow.as_deref(), sup.as_ref()),
            "ec.thm1" => ec_thm1(inputs, spectrum, rho.as_ref(), tau.as_deref(), sup.as_ref())
                .map_err(|e| format!("ec.thm1: {e}"))?,
            _ => shadow_finite(inputs, q, b, spectrum, tau.as_deref(), flow.as_deref(), sup.as_ref(), tubes, witness)
                .map_err(|e| format!("shadow.finite: {e}"))?,
        });
    }
    Ok(out)
}

/// τₖ ∈ ‖m′ₖ₊₁ − Ψ(m′ₖ)‖₂ ± (r′ₖ₊₁ + ρr′ₖ) on the flow balls; `None` when not finite.
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

fn shadow_orbit(
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
    let Some(dom) = domain(inputs, &[("orbit xₖ", o), ("flow y(kh)", f)]) else {
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

fn ec_thm1(
    inputs: &Inputs,
    spectrum: &Spectrum,
    rho: Option<&Rat>,
    tau: Option<&[(f64, f64)]>,
    sup: Option<&Sup>,
) -> Result<Claim, String> {
    let head = "Elkabetz–Cohen (002/003) Thm 1, rigorous: maxₖ ‖xₖ − y(kh)‖₂ ≤ B_K by the discrete Grönwall recursion eₖ₊₁ ≤ ρₖeₖ + τₖ (GD)";
    let (Some(rho), Method::Gd) = (rho, &inputs.algorithm.method) else {
        return Ok(Claim::new("ec.thm1", head).not_applicable(format!(
            "method is {}, the claim compares the GD orbit with the gradient flow",
            inputs.algorithm.method.name()
        )));
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
        return Ok(c);
    }
    let Some(eps) = inputs.epsilon.clone() else {
        c.status = Status::Verified;
        return Ok(c);
    };
    if c.check("(EC3) B_K <= ε: bound <= epsilon", bound, Rel::Le, eps.clone()) {
        c.status = Status::Verified;
    } else if !refute_by_distance(&mut c, &eps, s) {
        c.reason = Some(
            if c.check("measured: distance upper end <= epsilon", s.range.hi.clone(), Rel::Le, eps) {
                "the certified bound is looser than ε: B_K > ε although the measured distance is ≤ ε (shadow.orbit)"
            } else {
                "enclosure too wide: ε lies inside the enclosure of the measured distance, below B_K"
            }
            .into(),
        );
    }
    Ok(c)
}

/// Significant bits kept when K and ε are rounded up.
const BITS: u32 = 64;

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
    let head = "Finite-time shadowing (000 Thm 3, saddle case; proofs/SHADOWING.md): an exact GD orbit from a perturbed x̃₀ stays within ε = Kδ of the flow samples y(kh)";
    if !matches!(inputs.algorithm.method, Method::Gd) {
        return Ok(Claim::new("shadow.finite", head).not_applicable(format!(
            "method is {}, the claim compares the GD orbit with the gradient flow",
            inputs.algorithm.method.name()
        )));
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
    let (unstable, theta_s, theta_u) = split(q, h, spectrum)?;
    c.value("unstable_dims", Rat::from_integer(unstable.into()));
    if let Some(t) = &theta_s {
        c.value("theta_s", t.clone());
    }
    if let Some(t) = &theta_u {
        c.value("theta_u", t.clone());
    }
    // K ≥ √(S_s² + S_u²), S = min(N, 1/gap) (proofs/SHADOWING.md (K)).
    let one = Rat::one();
    let capped = |gap: Rat| if gap.is_zero() || &one / &gap > n { (n.clone(), true) } else { (&one / gap, false) };
    let (s_s, cap_s) = theta_s.as_ref().map_or((Rat::zero(), false), |t| capped(&one - t));
    let (s_u, cap_u) = theta_u.as_ref().map_or((Rat::zero(), false), |t| capped(t - &one));
    let k = round_up_dyadic(&sqrt_enclosure(&(&s_s * &s_s + &s_u * &s_u)).hi, BITS);
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
        let gd = orbit_balls(tubes, "witness", q, b, x, &Method::Gd, h, steps);
        witness_sup = match gd {
            Ok(balls) => sup_distance(&balls, flow),
            Err(TubeError::Overflow(_)) => None,
            Err(TubeError::Rejected(e)) => return Err(e),
        };
        if let Some(w) = &witness_sup {
            c.enclosed("witness_distance", w.range.clone());
        }
    }
    let target = inputs.epsilon.clone().unwrap_or_else(|| eps.clone());
    if let Some(e) = &inputs.epsilon {
        c.value("epsilon_spec", e.clone());
    }
    let witness_ok = witness_sup.as_ref().is_some_and(|w| {
        c.check(
            "witness: the orbit from x̃₀ stays within ε: witness_distance upper end <= ε",
            w.range.hi.clone(),
            Rel::Le,
            target.clone(),
        )
    });
    let theorem_ok = inputs.epsilon.is_none()
        || c.check("certified radius within the spec's ε: epsilon <= epsilon_spec", eps, Rel::Le, target);
    let limited = if cap_s || cap_u {
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
    Ok(c)
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

/// `ks.thm2` (004 Thm 2, Section 2.3) on a quadratic: the enclosed rate Δ of scheme (7) to the
/// rescaled flow (8) decides (≥ 3/4: first order measured; never refuted), with the rate to the damped
/// flow (11) recorded; rule 4 on the orbits and flows (8) at h and h/2.
fn ks_thm2(inputs: &Inputs, q: &RatMatrix, b: &[Rat], tubes: &Tubes) -> Result<Claim, String> {
    let Method::Scheme7 { lambda, a, .. } = &inputs.algorithm.method else {
        return Ok(Claim::new("ks.thm2", super::KS_THM2_HEADLINE).not_applicable(format!(
            "method is {}, Theorem 2 of 004 is about scheme (7) (heavy_ball, nesterov, momentum)",
            inputs.algorithm.method.name()
        )));
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
    let o_h = lift(orbit_balls(tubes, "orbit", q, b, x0, method, h, n))?;
    let o_h2 = lift(orbit_balls(tubes, "orbit_h2", q, b, x0, method, &h2, 2 * n))?;
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
    let tubes_h: Vec<(&'static str, &[Ball])> =
        [("orbit at h", &o_h), ("flow (8) at h", &f_h), ("orbit at h/2", &o_h2), ("flow (8) at h/2", &f_h2)]
            .into_iter()
            .filter_map(|(w, t)| t.as_deref().map(|t| (w, t)))
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
