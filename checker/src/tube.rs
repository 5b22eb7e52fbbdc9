//! Tubes: enclosed trajectories of exact affine maps z ↦ Az + c (the orbits of GD and scheme (7),
//! and the samples of linear flows ż = Kz + g, on quadratic objectives), verified from stored
//! checkpoints.
//!
//! # The step (midpoint–radius in an energy norm)
//! A tube is a sequence of `f64` centres mₖ with radii rₖ, ‖zₖ − mₖ‖_P ≤ rₖ for the exact states
//! zₖ, in the norm ‖z‖_P = √(zᵀPz). The evidence gives P, θ and κ; the checker verifies once that
//! θ²P − AᵀPA ⪰ 0 for every A in the enclosure of the map (so ‖Az‖_P ≤ θ‖z‖_P) and P − κ⁻²I ⪰ 0
//! (so ‖z‖₂ ≤ κ‖z‖_P), both by interval Cholesky. A step encloses Y = A·mₖ + c in interval
//! arithmetic (from a point: no wrapping), takes mₖ₊₁ = mid Y and
//!
//! ‖zₖ₊₁ − mₖ₊₁‖_P ≤ ‖A(zₖ − mₖ)‖_P + ‖Y − mₖ₊₁‖_P ≤ θrₖ + sup‖Y − mₖ₊₁‖_P =: rₖ₊₁.
//!
//! # Checkpoints
//! The evidence stores (k, mₖ, rₖ) at a stride. The checker starts from the exact start (a rational
//! point or box), recomputes every step, and at each checkpoint requires the ball it carries to
//! hold its own: ‖m − c‖_P + r ≤ r_c; it then restarts from the checkpoint. The engine writes the
//! checkpoints with the same function ([`run`] without checkpoints), so a checkpoint shrunk below
//! what the steps prove is rejected, and one that is merely larger is accepted (it is still true).
//!
//! Enclosure: rigorous. Tightness: the radius grows like θᵏr₀ + Σθʲδ, δ the rounding of one step.

use crate::elementary::Elementary;
use crate::exact::{fmt_rat, parse_rat, Rat, RatInterval, RatMatrix};
use crate::interval::{as_f64, dominates, exact, norm_p, point, rat_to_interval, IMat};
use inari::Interval;
use num_traits::{One, Signed, ToPrimitive, Zero};
use serde_json::{json, Value as Json};

/// An exact affine map z ↦ Az + c, enclosed.
#[derive(Clone, Debug)]
pub struct Affine {
    /// Enclosure of A.
    pub a: IMat,
    /// Enclosure of c.
    pub c: Vec<Interval>,
}

impl Affine {
    /// The map with exact rational A and c.
    pub fn exact(a: &RatMatrix, c: &[Rat]) -> Affine {
        Affine { a: IMat::from_rat(a), c: c.iter().map(rat_to_interval).collect() }
    }

    /// The sampling map of ż = Kz + g over a time `dt` > 0: z ↦ e^{dt·K}z + ∫₀^dt e^{sK}g ds, read off
    /// the exponential of the augmented matrix X = dt·[[K, g], [0, 0]]: Taylor series to order 18 of
    /// X/2ˢ (‖X/2ˢ‖∞ ≤ ½) with its remainder bounded entrywise by a¹⁹/19!·(1 − a/20)⁻¹, a = ‖X/2ˢ‖∞,
    /// then squared s times.
    ///
    /// Enclosure: rigorous.
    pub fn sampled_flow(k: &RatMatrix, g: &[Rat], dt: &Rat) -> Affine {
        Affine::flow_map(k, g, dt, false)
    }

    /// The same on a whole step: an enclosure of z ↦ e^{t·K}z + ∫₀ᵗ e^{sK}g ds for every t ∈ [0, dt]
    /// (the Taylor series of X/2ˢ times [0, 1]; squaring keeps it an enclosure, since
    /// e^{s₁Y}e^{s₂Y} ∋ e^{2sY} for s₁ = s₂ = s): what the flow sweeps between two samples.
    ///
    /// Enclosure: rigorous.
    pub fn flow_segment(k: &RatMatrix, g: &[Rat], dt: &Rat) -> Affine {
        Affine::flow_map(k, g, dt, true)
    }

    fn flow_map(k: &RatMatrix, g: &[Rat], dt: &Rat, segment: bool) -> Affine {
        let n = g.len();
        let mut x: RatMatrix =
            k.iter().zip(g).map(|(row, gi)| row.iter().chain([gi]).map(|v| dt * v).collect()).collect();
        x.push(vec![Rat::zero(); n + 1]);
        let norm = x.iter().map(|r| r.iter().fold(Rat::zero(), |s, v| s + v.abs())).max().unwrap_or_else(Rat::zero);
        let (mut s, half) = (0u32, Rat::new(1.into(), 2.into()));
        let mut scaled = norm;
        while scaled > half {
            scaled /= Rat::from_integer(2.into());
            s += 1;
        }
        let div = Rat::from_integer(num_bigint::BigInt::from(2u32).pow(s));
        let mut y = IMat::from_rat(&x.iter().map(|r| r.iter().map(|v| v / &div).collect()).collect::<RatMatrix>());
        if segment {
            let unit = Interval::try_from((0.0, 1.0)).expect("ordered");
            y.a.iter_mut().for_each(|e| *e *= unit);
        }
        const ORDER: u32 = 18;
        let a = y.norm_inf();
        let mut term = IMat::identity(n + 1);
        let mut sum = IMat::identity(n + 1);
        for j in 1..=ORDER {
            term = term.mul(&y).combine(point(1.0) / point(f64::from(j)), &term, point(0.0));
            sum = sum.combine(point(1.0), &term, point(1.0));
        }
        // Tail Σ_{j>N} ‖Y‖ʲ/j! ≤ a^{N+1}/(N+1)! · 1/(1 − a/(N+2)).
        let fact = (1..=ORDER + 1).fold(point(1.0), |f, j| f * point(f64::from(j)));
        let tail =
            (point(a).powi(ORDER as i32 + 1) / fact / (point(1.0) - point(a) / point(f64::from(ORDER + 2)))).sup();
        let r = Interval::try_from((-tail, tail)).expect("tail >= 0");
        sum.a.iter_mut().for_each(|e| *e += r);
        for _ in 0..s {
            sum = sum.mul(&sum);
        }
        let a = IMat {
            rows: n,
            cols: n,
            a: (0..n).flat_map(|i| (0..n).map(move |j| (i, j))).map(|(i, j)| sum.at(i, j)).collect(),
        };
        Affine { a, c: (0..n).map(|i| sum.at(i, n)).collect() }
    }

    /// Dimension of the state.
    pub fn dim(&self) -> usize {
        self.c.len()
    }
}

/// An energy norm ‖z‖_P = √(zᵀPz) in which the map contracts by θ, with ‖z‖₂ ≤ κ‖z‖_P.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Norm {
    /// P (symmetric, exact); `None` for the identity.
    pub p: Option<RatMatrix>,
    /// θ with θ²P − AᵀPA ⪰ 0.
    pub theta: Rat,
    /// κ with P − κ⁻²I ⪰ 0.
    pub kappa: Rat,
}

impl Norm {
    /// Verifies θ²P − AᵀPA ⪰ 0 over the enclosure of the map and P − κ⁻²I ⪰ 0 (interval Cholesky).
    pub fn verify(&self, map: &Affine) -> Result<Option<IMat>, String> {
        let n = map.dim();
        let p = match &self.p {
            None => IMat::identity(n),
            Some(p) => {
                if p.len() != n || p.iter().any(|r| r.len() != n) || (0..n).any(|i| (0..i).any(|j| p[i][j] != p[j][i]))
                {
                    return Err(format!("P is not a symmetric {n} × {n} matrix"));
                }
                IMat::from_rat(p)
            }
        };
        if !self.theta.is_positive() || !self.kappa.is_positive() {
            return Err("θ and κ must be positive".into());
        }
        let th = rat_to_interval(&self.theta);
        if !dominates(&p, &map.a.transpose().mul(&p).mul(&map.a), th) {
            return Err(format!("θ²P − AᵀPA ⪰ 0 does not verify at θ = {}", fmt_rat(&self.theta)));
        }
        // P = I: ‖z‖₂ = ‖z‖_P, any κ ≥ 1 holds.
        let k2 = point(1.0) / rat_to_interval(&self.kappa).sqr();
        let equivalent = match &self.p {
            None => self.kappa >= Rat::one(),
            Some(_) => p.combine(point(1.0), &IMat::identity(n), -k2).is_positive_definite(),
        };
        if !equivalent {
            return Err(format!("P − κ⁻²I ⪰ 0 does not verify at κ = {}", fmt_rat(&self.kappa)));
        }
        Ok(self.p.as_ref().map(|_| p))
    }

    /// As JSON: `{"P": "identity" | [[…]], "theta": …, "kappa": …}`.
    pub fn to_json(&self) -> Json {
        let p = match &self.p {
            None => json!("identity"),
            Some(p) => {
                Json::Array(p.iter().map(|r| Json::Array(r.iter().map(|v| json!(fmt_rat(v))).collect())).collect())
            }
        };
        json!({"P": p, "theta": fmt_rat(&self.theta), "kappa": fmt_rat(&self.kappa)})
    }

    /// Inverse of [`Norm::to_json`].
    pub fn from_json(v: &Json) -> Result<Norm, String> {
        let num = |x: &Json| x.as_str().and_then(|s| parse_rat(s).ok()).ok_or_else(|| format!("bad number {x}"));
        let p = match &v["P"] {
            Json::String(s) if s == "identity" => None,
            Json::Array(rows) => Some(
                rows.iter()
                    .map(|r| {
                        r.as_array().ok_or("P: rows are arrays")?.iter().map(num).collect::<Result<Vec<Rat>, String>>()
                    })
                    .collect::<Result<RatMatrix, String>>()?,
            ),
            _ => return Err("P: \"identity\" or a matrix".into()),
        };
        Ok(Norm { p, theta: num(&v["theta"])?, kappa: num(&v["kappa"])? })
    }
}

/// A stored point of a tube: ‖zₖ − centre‖ ≤ radius, in the tube's energy norm (affine tubes), the
/// Euclidean norm (first-order tubes of non-quadratic objectives) or the checkpoint's own `norm`
/// (two-step orbits and second-order flows, `crate::momentum`).
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// Step index.
    pub k: usize,
    /// Centre (`f64`s, stored exactly).
    pub centre: Vec<f64>,
    /// Radius in the norm.
    pub radius: f64,
    /// The norm of a state on ℝ²ᵈ, when the tube's states carry one.
    pub norm: Option<StateNorm>,
}

/// The norm of a two-step or second-order state z = (u, w) ∈ ℝ²ᵈ at a checkpoint (`crate::momentum`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StateNorm {
    /// ‖(L ⊗ I)z‖₂ for the 2×2 matrix L (row-major, exact `f64`s).
    Block([f64; 4]),
    /// The energy norm adopted at this step (its [`EnergyEvent`]).
    Energy(usize),
}

/// What a two-step orbit's step reads in an energy norm (`crate::momentum`): at step `k`, the
/// contraction θ of the step in the norm it ends in, and, when the step adopts a new energy norm,
/// that norm.
#[derive(Clone, Debug, PartialEq)]
pub struct EnergyEvent {
    /// Step index.
    pub k: usize,
    /// θ with θ²P − J̄ᵀPJ̄ ⪰ 0 over the step's mean-value matrices.
    pub theta: f64,
    /// The norm adopted at this step.
    pub adopt: Option<Adoption>,
}

/// An energy norm ‖z‖_P = √(zᵀPz) adopted by a step, with its equivalence constants and the cost
/// of the change from the norm before.
#[derive(Clone, Debug, PartialEq)]
pub struct Adoption {
    /// P, row-major (2d × 2d, symmetric, exact `f64`s).
    pub p: Vec<f64>,
    /// k_in with k_in²I − P ⪰ 0 (‖z‖_P ≤ k_in‖z‖₂).
    pub k_in: f64,
    /// k_out with P − k_out⁻²I ⪰ 0 (‖z‖₂ ≤ k_out‖z‖_P).
    pub k_out: f64,
    /// c with c²P_old − P ⪰ 0 (‖z‖_P ≤ c‖z‖_old).
    pub cost: f64,
}

/// The evidence of one tube: its norm (tubes of affine maps; the radii of the checkpoints are in
/// it), its checkpoints, and for a validated flow of a non-quadratic objective the substeps of each
/// sample (`crate::nonlinear`; its radii are Euclidean).
#[derive(Clone, Debug, PartialEq)]
pub struct TubeEvidence {
    /// The energy norm of an affine tube; `None` for a non-quadratic objective's tube (Euclidean).
    pub norm: Option<Norm>,
    /// Checkpoints, by increasing k, the first at 0 (an affine tube: the last at the final step).
    pub checkpoints: Vec<Checkpoint>,
    /// Substeps per sample of a validated flow (`crate::nonlinear::Substeps::Stored`).
    pub substeps: Option<Vec<u32>>,
    /// The energy-norm steps of a two-step orbit (`crate::momentum`), by increasing k.
    pub energy: Option<Vec<EnergyEvent>>,
}

fn f64_json(x: f64) -> Json {
    json!(fmt_rat(&exact(x).expect("finite")))
}

impl TubeEvidence {
    /// As JSON.
    pub fn to_json(&self) -> Json {
        let nums = |xs: &[f64]| Json::Array(xs.iter().map(|&x| f64_json(x)).collect());
        let cps: Vec<Json> = self
            .checkpoints
            .iter()
            .map(|c| {
                let mut j = json!({"k": c.k, "centre": nums(&c.centre), "radius": f64_json(c.radius)});
                match c.norm {
                    Some(StateNorm::Block(l)) => j["norm"] = json!({"L": nums(&l)}),
                    Some(StateNorm::Energy(k)) => j["norm"] = json!({"energy": k}),
                    None => {}
                }
                j
            })
            .collect();
        let mut m = serde_json::Map::new();
        if let Some(n) = &self.norm {
            m.insert("norm".into(), n.to_json());
        }
        m.insert("checkpoints".into(), Json::Array(cps));
        if let Some(s) = &self.substeps {
            m.insert("substeps".into(), json!(s));
        }
        if let Some(events) = &self.energy {
            let events = events.iter().map(|e| {
                let mut j = json!({"k": e.k, "theta": f64_json(e.theta)});
                if let Some(a) = &e.adopt {
                    j["P"] = nums(&a.p);
                    j["k_in"] = f64_json(a.k_in);
                    j["k_out"] = f64_json(a.k_out);
                    j["cost"] = f64_json(a.cost);
                }
                j
            });
            m.insert("energy".into(), Json::Array(events.collect()));
        }
        Json::Object(m)
    }

    /// Inverse of [`TubeEvidence::to_json`]; every centre, radius and norm entry must be an exact
    /// `f64`.
    pub fn from_json(v: &Json) -> Result<TubeEvidence, String> {
        let f = |x: &Json| {
            x.as_str()
                .and_then(|s| parse_rat(s).ok())
                .as_ref()
                .and_then(as_f64)
                .ok_or_else(|| format!("{x} is not an f64"))
        };
        let fs = |x: &Json, what: &str| -> Result<Vec<f64>, String> {
            x.as_array().ok_or_else(|| format!("{what}: expected an array"))?.iter().map(f).collect()
        };
        let index =
            |x: &Json, what: &str| x.as_u64().and_then(|k| k.to_usize()).ok_or_else(|| format!("{what} without k"));
        let fields = |x: &Json, allowed: &[&str], what: &str| -> Result<(), String> {
            let obj = x.as_object().ok_or_else(|| format!("{what}: expected an object"))?;
            match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
                Some(k) => Err(format!("{what}: unknown field {k:?}")),
                None => Ok(()),
            }
        };
        let cps = v["checkpoints"].as_array().ok_or("missing checkpoints")?;
        let checkpoints = cps
            .iter()
            .map(|c| {
                fields(c, &["k", "centre", "radius", "norm"], "checkpoint")?;
                let norm = match c.get("norm") {
                    None => None,
                    Some(n) => {
                        fields(n, &["L", "energy"], "checkpoint norm")?;
                        match (n.get("L"), n.get("energy")) {
                            (Some(l), None) => Some(StateNorm::Block(
                                fs(l, "L")?.try_into().map_err(|_| "L: expected 4 entries".to_string())?,
                            )),
                            (None, Some(k)) => Some(StateNorm::Energy(index(k, "energy")?)),
                            _ => return Err("checkpoint norm: one of \"L\" and \"energy\"".into()),
                        }
                    }
                };
                Ok(Checkpoint {
                    k: index(&c["k"], "checkpoint")?,
                    centre: fs(&c["centre"], "checkpoint centre")?,
                    radius: f(&c["radius"])?,
                    norm,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        fields(v, &["norm", "checkpoints", "substeps", "energy"], "tube")?;
        let obj = v.as_object().ok_or("expected an object")?;
        let norm = obj.get("norm").map(Norm::from_json).transpose()?;
        let substeps = match obj.get("substeps") {
            None => None,
            Some(s) => Some(
                s.as_array()
                    .ok_or("substeps: expected an array")?
                    .iter()
                    .map(|n| n.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or("substeps: counts are integers"))
                    .collect::<Result<Vec<u32>, _>>()?,
            ),
        };
        let energy = match obj.get("energy") {
            None => None,
            Some(e) => Some(
                e.as_array()
                    .ok_or("energy: expected an array")?
                    .iter()
                    .map(|e| {
                        fields(e, &["k", "theta", "P", "k_in", "k_out", "cost"], "energy step")?;
                        let adopt = match e.get("P") {
                            None if ["k_in", "k_out", "cost"].iter().any(|k| e.get(*k).is_some()) => {
                                return Err("energy step: k_in, k_out and cost belong to an adopted P".into())
                            }
                            None => None,
                            Some(p) => Some(Adoption {
                                p: fs(p, "P")?,
                                k_in: f(&e["k_in"])?,
                                k_out: f(&e["k_out"])?,
                                cost: f(&e["cost"])?,
                            }),
                        };
                        Ok(EnergyEvent { k: index(&e["k"], "energy step")?, theta: f(&e["theta"])?, adopt })
                    })
                    .collect::<Result<Vec<_>, String>>()?,
            ),
        };
        Ok(TubeEvidence { norm, checkpoints, substeps, energy })
    }
}

/// The enclosure of one state: ‖zₖ − centre‖₂ ≤ radius.
#[derive(Clone, Debug, PartialEq)]
pub struct Ball {
    /// Centre.
    pub centre: Vec<f64>,
    /// Euclidean radius (+∞ when not bounded).
    pub radius: f64,
}

/// The start's centre (nearest `f64`s of the box's midpoint) and radius sup ‖box − centre‖_P.
fn start_ball(start: &[RatInterval], p: Option<&IMat>) -> (Vec<f64>, f64) {
    let two = Rat::from_integer(2.into());
    let centre: Vec<f64> = start.iter().map(|b| ((&b.lo + &b.hi) / &two).to_f64().unwrap_or(f64::NAN)).collect();
    let diff: Vec<Interval> = start
        .iter()
        .zip(&centre)
        .map(|(b, &m)| match exact(m) {
            Some(m) => crate::interval::rat_interval_to_interval(&RatInterval::new(&b.lo - &m, &b.hi - &m)),
            None => Interval::ENTIRE,
        })
        .collect();
    (centre, norm_p(p, &diff).sup())
}

/// Runs a tube of `steps` steps of `map` from the exact `start` (a rational box) in `norm`:
/// verifying the stored `checkpoints` (see the module documentation), or, without them, writing
/// one every `stride` steps and at the last. Returns the Euclidean ball of every state and the
/// checkpoints. Fails, naming the step, when the norm or a checkpoint does not verify or the
/// enclosure overflows `f64` (a map whose enclosure is not finite overflows before anything is
/// checked).
pub fn run(
    map: &Affine,
    norm: &Norm,
    start: &[RatInterval],
    steps: usize,
    checkpoints: Option<&[Checkpoint]>,
    stride: usize,
) -> Result<(Vec<Ball>, Vec<Checkpoint>), String> {
    let mut written = Vec::new();
    run_writing(map, norm, start, steps, checkpoints, stride, &mut written).map(|balls| (balls, written))
}

/// [`run`], writing its checkpoints into `written` as it goes: when the enclosure overflows, those
/// written before are what a checker needs to reach the same overflow.
pub fn run_writing(
    map: &Affine,
    norm: &Norm,
    start: &[RatInterval],
    steps: usize,
    checkpoints: Option<&[Checkpoint]>,
    stride: usize,
    written: &mut Vec<Checkpoint>,
) -> Result<Vec<Ball>, String> {
    // Entries beyond 1e150 would overflow θ² and the norms' squares: treated as an overflow, the
    // same in engine and checker (claims on such a tube are inconclusive, never verified).
    if map.a.a.iter().chain(&map.c).any(|x| x.is_empty() || x.mag().is_nan() || x.mag() > 1e150) {
        return Err("the step map's enclosure overflows f64 (an entry beyond 1e150)".into());
    }
    let p = norm.verify(map)?;
    let p = p.as_ref();
    let (theta, kappa) = (rat_to_interval(&norm.theta), rat_to_interval(&norm.kappa));
    if start.len() != map.dim() {
        return Err(format!("the start has dimension {}, the map {}", start.len(), map.dim()));
    }
    let (mut m, mut r) = start_ball(start, p);
    if !r.is_finite() || m.iter().any(|x| !x.is_finite()) {
        return Err("the enclosure overflows f64 at the start".into());
    }
    let mut balls = Vec::with_capacity(steps + 1);
    let mut stored = checkpoints.map(|c| c.iter().peekable());
    for k in 0..=steps {
        match stored.as_mut() {
            Some(it) => {
                if let Some(c) = it.next_if(|c| c.k == k) {
                    if c.norm.is_some() {
                        return Err(format!("checkpoint at k = {k}: an affine tube's checkpoints have no norm"));
                    }
                    if c.centre.len() != m.len() {
                        return Err(format!("checkpoint at k = {k} has the wrong dimension"));
                    }
                    let d: Vec<Interval> = m.iter().zip(&c.centre).map(|(&a, &b)| point(a) - point(b)).collect();
                    let reach = (norm_p(p, &d) + point(r)).sup();
                    // A NaN on either side fails.
                    if !matches!(
                        reach.partial_cmp(&c.radius),
                        Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
                    ) {
                        return Err(format!("the checkpoint at k = {k} does not contain the step's enclosure"));
                    }
                    (m, r) = (c.centre.clone(), c.radius);
                } else if k == 0 || k == steps {
                    return Err(format!("no checkpoint at k = {k}"));
                }
            }
            None if k % stride.max(1) == 0 || k == steps => {
                written.push(Checkpoint { k, centre: m.clone(), radius: r, norm: None })
            }
            None => {}
        }
        balls.push(Ball { centre: m.clone(), radius: (kappa * point(r)).sup() });
        if k == steps {
            break;
        }
        let y: Vec<Interval> = map
            .a
            .mul_vec(&m.iter().map(|&x| point(x)).collect::<Vec<_>>())
            .iter()
            .zip(&map.c)
            .map(|(&a, &c)| a + c)
            .collect();
        let next: Vec<f64> = y.iter().map(|x| x.mid()).collect();
        let defect: Vec<Interval> = y.iter().zip(&next).map(|(&a, &b)| a - point(b)).collect();
        r = (theta * point(r) + norm_p(p, &defect)).sup();
        if !r.is_finite() || next.iter().any(|x| !x.is_finite()) {
            return Err(format!("the enclosure overflows f64 at step {}", k + 1));
        }
        m = next;
    }
    if stored.as_mut().is_some_and(|it| it.next().is_some()) {
        return Err("checkpoints out of order or beyond the horizon".into());
    }
    Ok(balls)
}

/// The exact point `x` as a degenerate box.
pub fn point_box(x: &[Rat]) -> Vec<RatInterval> {
    x.iter().map(|v| RatInterval::new(v.clone(), v.clone())).collect()
}

/// θ, κ rounded up to `f64`s for a norm the engine found in floating point, as exact rationals.
pub fn up(x: f64) -> Rat {
    exact(x).unwrap_or_else(Rat::one)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// e^{−x} for 0 ≤ x ≤ 1 between two exact partial sums of its alternating series.
    fn exp_neg(x: &Rat) -> (Rat, Rat) {
        let (mut sum, mut term) = (Rat::one(), Rat::one());
        let mut ends = (Rat::zero(), Rat::zero());
        for j in 1..40 {
            term = -term * x / Rat::from_integer(j.into());
            sum += &term;
            if j % 2 == 0 {
                ends.1 = sum.clone();
            } else {
                ends.0 = sum.clone();
            }
        }
        ends
    }

    fn contains(iv: Interval, lo: &Rat, hi: &Rat) -> bool {
        exact(iv.inf()).is_some_and(|a| &a <= lo) && exact(iv.sup()).is_some_and(|b| hi <= &b)
    }

    /// ẏ = −qy + b over Δ: e^{−qΔ} and (1 − e^{−qΔ})b/q, against exact series brackets; also a
    /// stiff step (qΔ = 37/4, so scaling and squaring runs).
    #[test]
    fn sampled_linear_flow_contains_the_exact_map() {
        for (qv, b, dt) in [("2", "3", "1/10"), ("-1/2", "1", "1/7"), ("37", "1/3", "1/4")] {
            let (qv, b, dt) = (q(qv), q(b), q(dt));
            let m = Affine::sampled_flow(&vec![vec![-&qv]], std::slice::from_ref(&b), &dt);
            // e^{−x} for x = qΔ, possibly > 1 or < 0: e^{−x} = (e^{−x/m})^m with |x/m| ≤ 1.
            let x = &qv * &dt;
            let parts = 64;
            let (lo, hi) = if x >= Rat::zero() {
                exp_neg(&(&x / Rat::from_integer(parts.into())))
            } else {
                let (a, b) = exp_neg(&(-&x / Rat::from_integer(parts.into())));
                (Rat::one() / b, Rat::one() / a)
            };
            let pow = |r: &Rat| (0..parts).fold(Rat::one(), |p, _| p * r);
            let (e_lo, e_hi) = (pow(&lo), pow(&hi));
            assert!(contains(m.a.at(0, 0), &e_lo, &e_hi), "e^(-qΔ) for q = {qv}: {:?}", m.a.at(0, 0));
            assert!(m.a.at(0, 0).wid() < 1e-12, "{:?}", m.a.at(0, 0));
            let c = |e: &Rat| (Rat::one() - e) * &b / &qv;
            let (c1, c2) = (c(&e_lo), c(&e_hi));
            let (c_lo, c_hi) = if c1 <= c2 { (c1, c2) } else { (c2, c1) };
            assert!(contains(m.c[0], &c_lo, &c_hi), "affine part for q = {qv}: {:?}", m.c[0]);
        }
    }

    /// GD on qx²/2 − bx: xₖ = x* + (1 − hq)ᵏ(x₀ − x*) exactly; every ball holds it, a built tube checks,
    /// and a checkpoint shrunk below the steps' enclosure, or a θ below |1 − hq|, is rejected.
    #[test]
    fn tubes_hold_the_exact_orbit_and_reject_shrunk_evidence() {
        let (qv, b, h, x0) = (q("3/2"), q("1/5"), q("1/10"), q("7/3"));
        let a = Rat::one() - &h * &qv;
        let map = Affine::exact(&vec![vec![a.clone()]], &[&h * &b]);
        let norm = Norm { p: None, theta: &a + q("1e-12"), kappa: Rat::one() };
        let steps = 200;
        let (balls, cps) = run(&map, &norm, &point_box(std::slice::from_ref(&x0)), steps, None, 16).unwrap();
        let xs = &b / &qv;
        let mut x = x0.clone();
        for (k, ball) in balls.iter().enumerate() {
            let d = (&x - exact(ball.centre[0]).unwrap()).abs();
            assert!(d <= exact(ball.radius).unwrap(), "k = {k}");
            assert!(ball.radius < 1e-13, "k = {k}: radius {}", ball.radius);
            x = &xs + &a * (&x - &xs);
        }
        assert_eq!(cps.len(), 14); // k = 0, 16, …, 192 and the last, 200
        assert!(run(&map, &norm, &point_box(std::slice::from_ref(&x0)), steps, Some(&cps), 1).is_ok());
        let mut bad = cps.clone();
        bad[5].radius /= 2.0;
        let e = run(&map, &norm, &point_box(std::slice::from_ref(&x0)), steps, Some(&bad), 1).unwrap_err();
        assert!(e.contains("k = 80"), "{e}");
        let mut moved = cps.clone();
        moved[3].centre[0] += 1e-9;
        assert!(run(&map, &norm, &point_box(std::slice::from_ref(&x0)), steps, Some(&moved), 1).is_err());
        let tight = Norm { theta: &a - q("1e-9"), ..norm.clone() };
        assert!(tight.verify(&map).unwrap_err().contains("θ²P − AᵀPA"));
        let mut missing = cps.clone();
        missing.pop();
        assert!(run(&map, &norm, &point_box(&[x0]), steps, Some(&missing), 1).unwrap_err().contains("no checkpoint"));
    }

    /// A 2 × 2 non-normal map (heavy ball on q = 1): not a contraction in ‖·‖₂, one in a Lyapunov norm
    /// P; P with a κ too small for it is rejected.
    #[test]
    fn energy_norms_are_verified() {
        // [[1 + λ − hq, −λ], [1, 0]] with λ = 1/2, hq = 1/10: eigenvalues 0.7 ± 0.1i·√… (|·| = √(1/2)).
        let m = vec![vec![q("7/5"), q("-1/2")], vec![q("1"), q("0")]];
        let map = Affine::exact(&m, &[q("0"), q("0")]);
        assert!(Norm { p: None, theta: q("1"), kappa: q("1") }.verify(&map).is_err());
        // P: the Stein solution of P − (A/θ)ᵀP(A/θ) = I at θ = 9/10, rounded to 1/100 (by hand, exact
        // rationals): at θ = 19/20, θ²P − AᵀPA = [[5.27, −2.38], [−2.38, 2.28]] has determinant 6.33 > 0;
        // λ_min(P) = 1.633…, so κ = 4/5 > 1/√1.633 = 0.7825 verifies and κ = 3/4 does not.
        let p = vec![vec![q("4821/100"), q("-644/25")], vec![q("-644/25"), q("397/25")]];
        let good = Norm { p: Some(p.clone()), theta: q("19/20"), kappa: q("4/5") };
        good.verify(&map).unwrap();
        assert!(Norm { kappa: q("3/4"), ..good.clone() }.verify(&map).unwrap_err().contains("κ"));
        assert!(Norm { theta: q("7/10"), ..good }.verify(&map).unwrap_err().contains("θ"));
    }
}
