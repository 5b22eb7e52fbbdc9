//! Rigorous finite-time shadowing for non-contracting dynamics (claim `shadow.finite`): the saddle
//! case of Orvieto & Lucchi (000, Thm 3), for GD on a quadratic f(x) = ½xᵀQx − bᵀx and on expression
//! objectives.
//!
//! # Statement (proofs/SHADOWING.md, Theorem and (K))
//! The flow samples yₖ = y(kh), k = 0..=N, of ẏ = −∇f(y), y(0) = x₀, are a δ-pseudo-orbit of the GD
//! map Ψ(x) = x − h(Qx − b): ‖yₖ₊₁ − Ψ(yₖ)‖₂ ≤ δ. With K ≥ ‖𝓛⁺‖ for a right inverse of
//! (𝓛u)ₖ = uₖ₊₁ − DΨ(yₖ)uₖ (sup norm over k, Euclidean in space) and M a Lipschitz constant of DΨ on
//! the ε-tube, 2MK²δ ≤ 1 (N) gives an exact GD orbit x̃ₖ, from a perturbed start x̃₀, with
//! maxₖ ‖x̃ₖ − yₖ‖₂ ≤ ε = 2Kδ; for M = 0 (quadratics: DΨ = I − hQ is constant) ε = Kδ.
//!
//! # What is computed
//! * The split of the spectrum (exact, Sylvester's law of inertia on Q and (2/h)I − Q): unstable
//!   λ < 0 or λ > 2/h (|1 − hλ| > 1), stable 0 ≤ λ ≤ 2/h (neutral eigenvalues included, θ = 1).
//! * `theta_s` ≥ max over stable λ of |1 − hλ| and `theta_u` ≤ min over unstable λ of |1 − hλ|, exact
//!   rationals from exact eigenvalue brackets of the extreme members of each group;
//!   S_s = min(N, 1/(1 − θ_s)), S_u = min(N, 1/(θ_u − 1)), `K` ≥ √(S_s² + S_u²) (rounded up).
//! * `delta` ≥ maxₖ τₖ, the upper end of the per-step local-error enclosures on the flow tube
//!   (`trajectories::local_error_steps`); `M` = 0; `epsilon` = Kδ rounded up (the certified radius).
//! * The shadowing orbit itself: x̃₀ = x₀ + z₀ with z₀ the unstable part of 𝓛⁺(−d) (the backward
//!   recursion zₖ = A⁻¹(zₖ₊₁ + P_u dₖ), z_N = 0, in `f64` in an eigenbasis of Q), recorded exactly as
//!   the witnesses `x0_shadow_i`; then the exact GD orbit from x̃₀ is enclosed (`dynamics::gd`) and its
//!   sup distance to the flow tube is `witness_distance` — an independent, a-posteriori check.
//!   `plain_distance` is the same for the orbit from x₀ itself (the one `shadow.orbit` measures), to
//!   show what the perturbation of x₀ buys.
//!
//! # Non-quadratic objectives (expression and dataset objectives; proofs/SHADOWING.md, "Non-quadratic objectives")
//! Aₖ = I − h∇²f(yₖ) now varies with k. With H₀ the midpoint of the hull of the interval Hessians
//! on the flow samples' boxes (`BoxObjective::hessian`: automatic differentiation for expressions,
//! (1/n)X̃ᵀdiag(ℓ″)X̃ + l2·I for data sets; symmetrized, an `f64` matrix) and A₀ = I − hH₀, the split
//! gives K₀ ≥ ‖𝓛₀⁺‖ for the constant-coefficient operator — its groups and θ's from rigorous
//! enclosures of the eigenvalues of H₀ (`enclose::symmetric::eig_enclosures`; no exact arithmetic
//! on a d × d matrix), undecided (inconclusive) when an enclosure crosses 0 or 2/h. With
//! η ≥ h·maxₖ ‖∇²f(Yₖ) − H₀‖₂ (the smaller of the largest row sum of the entrywise magnitudes and
//! the spectral bound of the interval matrix), 𝓛⁺ = 𝓛₀⁺(I − 𝓔𝓛₀⁺)⁻¹ is a right inverse of 𝓛 and
//! ‖𝓛⁺‖ ≤ K = K₀/(1 − ηK₀) when ηK₀ < 1 (`eta`, `K0`, `K`). M = h·sup ‖D³f‖ over the boxes of the
//! samples widened by ε = 2Kδ (`Quantity::ThirdNorm`), δ from `dynamics::nonlinear::gd_local_error`
//! on the Taylor-method flow tube; (N) 2MK²δ ≤ 1 decides, ε = 2Kδ (Kδ when M = 0). The witness x̃₀
//! uses the split of H₀ and the defects at the flow's midpoints; its exact GD orbit is enclosed in
//! mean-value form. Inconclusive with the reason when ηK₀ ≥ 1 (the Hessian turns along the flow: a
//! longer horizon or a flow that leaves the saddle's neighbourhood — the digits losses over T = 25
//! and 100: ηK₀ ≈ 26 and 50) or when (N) fails.
//!
//! # Verdict
//! Verified when (N) holds and ε ≤ the spec's `epsilon` (when given), or, failing the latter, when the
//! enclosed witness orbit stays within the spec's ε (a direct proof). Otherwise inconclusive, with the
//! reason (the certified radius exceeds ε; the horizon limits K when an eigenvalue has |1 − hλ| = 1 or
//! within 1/N of it). Never refuted: a larger radius does not disprove that some orbit shadows.
//! Nothing depends on the domain box (no declared constant is used; DΨ is global for quadratics and
//! enclosed on the tube itself otherwise).
//!
//! # Re-verification
//! By re-running (`certify check` calls [`finite`] through `theorems::evaluate`): exact arithmetic,
//! sequential `f64`/inari loops and one nalgebra symmetric eigendecomposition, all deterministic.
//!
//! Enclosure: rigorous (K, δ, ε, the distances); x̃₀ is a computed witness, checked, not assumed.
//! Tightness: K is a worst case over the directions of the defects, so ε can be well above the
//! witness distance.

use super::assumptions::EIG_BITS;
use super::trajectories::{exact, quadratic_gd, sup_distance, Distance, Shared};
use crate::claim::{Claim, Rel, Status};
use crate::dynamics::ivec::point;
use crate::dynamics::ivec::IMat;
use crate::dynamics::nonlinear;
use crate::dynamics::Tube;
use crate::enclose::rat_to_interval;
use crate::enclose::symmetric::{eig_bounds, eig_enclosures};
use crate::exact::{eig_enclosure, inertia, round_up_dyadic, shift, sqrt_enclosure, Rat, RatMatrix};
use crate::objective::Quantity;
use crate::spec::{Method, Objective, Spec};
use inari::Interval;
use nalgebra::{DMatrix, SymmetricEigen};
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Statement of `shadow.finite` when it stops before its radius is computed.
const HEADLINE: &str = "Finite-time shadowing (000 Thm 3, saddle case; proofs/SHADOWING.md): an exact GD orbit from a \
     perturbed x̃₀ stays within ε = Kδ of the flow samples y(kh)";

/// Significant bits kept when K and ε are rounded up (keeps the certificate's numbers short).
const BITS: u32 = 64;

/// `shadow.finite` for `spec` (method gd; see the module documentation).
///
/// Enclosure: rigorous.
pub fn finite(spec: &Spec) -> Claim {
    if let Objective::Quadratic { .. } = spec.objective {
        // Quadratics are decided by the checker's statement (`shadowcert_checker::theorems::trajectories`).
        return super::claim_of(spec, "shadow.finite");
    }
    finite_sharing(spec, &Shared::default())
}

/// [`finite`] with the orbit, the flow and the local errors taken from (or put into) `shared`.
pub(crate) fn finite_sharing(spec: &Spec, shared: &Shared) -> Claim {
    if matches!(spec.algorithm.method, Method::Gd) && !matches!(spec.objective, Objective::Quadratic { .. }) {
        return finite_nonlinear(spec, shared);
    }
    Claim::new("shadow.finite", HEADLINE).not_applicable(format!(
        "method is {}, the claim compares the GD orbit with the gradient flow",
        spec.algorithm.method.name()
    ))
}

/// The start x̃₀ of the shadowing orbit of `shadow.finite` for GD on a quadratic (a witness the
/// checker encloses; see the module documentation): from the split of I − hQ and the defects along
/// the enclosed gradient flow. `None` for other specs or when the computation overflows.
pub fn witness(spec: &Spec) -> Option<Vec<Rat>> {
    let (q, b) = quadratic_gd(spec).ok()?;
    let h = &spec.algorithm.h;
    let steps = usize::try_from(spec.steps).ok()?;
    let flow = crate::dynamics::gradient_flow(q, b, &spec.x0, h, steps);
    let qm = IMat::from_rat(q).mid();
    let bf: Vec<f64> = b.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)).collect();
    let grad = |y: &[f64]| -> Vec<f64> {
        (0..y.len()).map(|i| (0..y.len()).fold(-bf[i], |s, j| s + qm[(i, j)] * y[j])).collect()
    };
    shadow_start(&qm, &grad, h, &spec.x0, &flow, &Split::new(q, h))
}

/// `shadow.finite` for GD on an expression objective (module documentation, "Non-quadratic
/// objectives"; proofs/SHADOWING.md, "Non-quadratic objectives"): K by perturbation of the split of a
/// reference Hessian H₀, M = h·sup ‖D³f‖ on the ε-tube, ε = 2Kδ under (N).
///
/// Enclosure: rigorous.
fn finite_nonlinear(spec: &Spec, shared: &Shared) -> Claim {
    let Some(objective) = spec.objective.as_box() else {
        return Claim::new("shadow.finite", HEADLINE)
            .not_applicable(format!("the objective {} has no box enclosures", spec.objective.describe()));
    };
    let mut c = Claim::new(
        "shadow.finite",
        format!(
            "Finite-time shadowing (000 Thm 3, saddle case; proofs/SHADOWING.md, Theorem with (K) and the \
             non-quadratic bounds): the flow samples y(kh), 0 ≤ k ≤ N, of ẏ = −∇f, y(0) = x₀, are a δ-pseudo-orbit \
             of GD; with K ≥ K₀/(1 − ηK₀) ≥ ‖𝓛⁺‖ (K₀ from the stable/unstable split of I − hH₀, η ≥ h·maxₖ \
             ‖∇²f(yₖ) − H₀‖₂) and M ≥ h·sup ‖D³f‖ on the ε-tube, 2MK²δ ≤ 1 gives an exact GD orbit from a \
             perturbed x̃₀ within ε = 2Kδ of them{}",
            if spec.epsilon.is_some() { " ≤ the spec's epsilon (or the enclosed witness orbit is)" } else { "" }
        ),
    );
    let h = &spec.algorithm.h;
    let hi = rat_to_interval(h);
    let steps = usize::try_from(spec.steps).expect("horizon.steps fits in usize");
    let n = Rat::from_integer(spec.steps.into());
    c.value("steps", n.clone());
    let Some((flow, _)) = shared.flow(spec) else {
        c.reason = Some("the gradient flow is not enclosed for this objective".into());
        return c;
    };
    // δ: the per-step local errors on the flow tube.
    let Some(tau) = shared.gd_local_errors(spec) else {
        c.reason = Some("enclosure too wide: a local error along the flow is unbounded".into());
        return c;
    };
    let Some(delta) = exact(tau.iter().map(|t| t.sup()).fold(0.0, f64::max)) else {
        c.reason = Some("enclosure too wide: the defect bound δ overflows f64".into());
        return c;
    };
    c.value("delta", delta.clone());
    // H₀: the midpoint of the hull of the Hessians on the flow samples; η ≥ h·maxₖ ‖∇²f(Yₖ) − H₀‖₂.
    let boxes: Vec<Vec<Interval>> = (0..=steps).map(|k| flow.point(k)).collect();
    let hessians: Vec<Vec<Vec<Interval>>> = boxes.iter().map(|b| objective.hessian(b)).collect();
    let d = spec.x0.len();
    let hull = |i: usize, j: usize| hessians.iter().map(|m| m[i][j]).fold(Interval::EMPTY, |acc, x| acc.convex_hull(x));
    let h0 = DMatrix::from_fn(d, d, |i, j| 0.5 * (hull(i, j).mid() + hull(j, i).mid()));
    if h0.iter().any(|x| !x.is_finite()) {
        c.reason = Some("enclosure too wide: the Hessian along the flow is unbounded".into());
        return c;
    }
    // ‖E‖₂ for the symmetric E = ∇²f − H₀ over the sample's box: the smaller of the largest row
    // sum of |E| (= ‖|E|‖∞ ≥ ‖E‖₂) and the spectral bound max(−λ_min, λ_max) of the interval matrix.
    let deviation = hessians
        .iter()
        .map(|m| {
            let e: Vec<Vec<Interval>> = (0..d).map(|i| (0..d).map(|j| m[i][j] - point(h0[(i, j)])).collect()).collect();
            let rows =
                e.iter().map(|r| r.iter().fold(point(0.0), |s, x| s + point(x.mag())).sup()).fold(0.0_f64, f64::max);
            rows.min(eig_bounds(&e).norm().sup())
        })
        .fold(0.0_f64, f64::max);
    let Some(eta) = exact((hi * point(deviation)).sup()) else {
        c.reason = Some("enclosure too wide: the Hessian deviation along the flow overflows f64".into());
        return c;
    };
    c.value("eta", eta.clone());
    let h0_box: Vec<Vec<Interval>> = (0..d).map(|i| (0..d).map(|j| point(h0[(i, j)])).collect()).collect();
    let Some(split) = Split::from_spectrum(&eig_enclosures(&h0_box), h) else {
        c.reason = Some(
            "the reference Hessian H₀ has an eigenvalue whose enclosure crosses 0 or 2/h: its stable/unstable split \
             is not decided"
                .into(),
        );
        return c;
    };
    c.value("unstable_dims", Rat::from_integer(split.unstable().into()));
    if let Some(t) = &split.theta_s {
        c.value("theta_s", t.clone());
    }
    if let Some(t) = &split.theta_u {
        c.value("theta_u", t.clone());
    }
    let (k0, horizon_limited) = split.k_bound(&n);
    c.value("K0", k0.clone());
    let one = Rat::one();
    if !c.check("Neumann: η·K₀ < 1", &eta * &k0, Rel::Lt, one.clone()) {
        c.reason = Some(
            "the Hessian varies along the flow more than the split of H₀ tolerates (η·K₀ ≥ 1): K is not bounded by \
             this perturbation argument (shorter horizon, smaller h, or a flow that stays near one saddle)"
                .into(),
        );
        return c;
    }
    let k = round_up_dyadic(&(&k0 / (&one - &eta * &k0)), BITS);
    c.value("K", k.clone());
    // M = h·sup ‖D³f‖ on the boxes of the samples widened by ε = 2Kδ.
    let eps_try = round_up_dyadic(&(Rat::from_integer(2.into()) * &k * &delta), BITS);
    let widen = rat_to_interval(&eps_try);
    let widen = Interval::try_from((-widen.sup(), widen.sup())).unwrap_or(Interval::ENTIRE);
    let third = boxes
        .iter()
        .map(|b| {
            let wide: Vec<Interval> = b.iter().map(|&x| x + widen).collect();
            objective.enclose(Quantity::ThirdNorm, &wide).sup()
        })
        .fold(0.0_f64, f64::max);
    let Some(m) = exact((hi * point(third)).sup()) else {
        c.reason = Some("enclosure too wide: the third derivative on the ε-tube is unbounded".into());
        return c;
    };
    c.value("M", m.clone());
    let nk = Rat::from_integer(2.into()) * &m * &k * &k * &delta;
    if !c.check("(N) Newton–Kantorovich: 2·M·K²·δ <= 1", nk, Rel::Le, one) {
        c.reason = Some("(N) fails: 2MK²δ > 1 (the defects are too large for the curvature of the tube)".into());
        return c;
    }
    let eps = radius(&k, &delta, &m).expect("(N) holds");
    c.value("epsilon", eps.clone());

    // The witness: x̃₀ from the split of H₀ and the defects at the flow's midpoints.
    let grad = |y: &[f64]| -> Vec<f64> {
        let p: Vec<Interval> = y.iter().map(|&v| point(v)).collect();
        objective.gradient(&p).iter().map(|g| g.mid()).collect()
    };
    if let Some(p) = shared.distance(spec) {
        c.enclosed("plain_distance", p.range.clone());
    }
    let witness = shadow_start(&h0, &grad, h, &spec.x0, flow, &split);
    let width = d.max(1).to_string().len();
    let witness_distance = witness.as_ref().and_then(|x| {
        for (i, v) in x.iter().enumerate() {
            c.witness(&format!("x0_shadow_{:0width$}", i + 1), v.clone());
        }
        sup_distance(&nonlinear::gd(spec.objective.as_smooth()?, x, h, steps), flow)
    });
    if let Some(w) = &witness_distance {
        c.enclosed("witness_distance", w.range.clone());
    }
    decide(&mut c, spec, &eps, witness_distance.as_ref(), horizon_limited);
    c
}

/// The verdict of `shadow.finite` from the certified radius `eps`, the enclosed distance of the
/// witness orbit from x̃₀, and whether K was limited by the horizon (module documentation, "Verdict").
fn decide(c: &mut Claim, spec: &Spec, eps: &Rat, witness_distance: Option<&Distance>, horizon_limited: bool) {
    let target = spec.epsilon.clone().unwrap_or_else(|| eps.clone());
    if let Some(e) = &spec.epsilon {
        c.value("epsilon_spec", e.clone());
    }
    let witness_ok = witness_distance.is_some_and(|w| {
        c.check(
            "witness: the orbit from x̃₀ stays within ε: witness_distance upper end <= ε",
            w.range.hi.clone(),
            Rel::Le,
            target.clone(),
        )
    });
    let theorem_ok = spec.epsilon.is_none()
        || c.check(
            "certified radius within the spec's ε: epsilon <= epsilon_spec",
            eps.clone(),
            Rel::Le,
            target.clone(),
        );
    let limited = if horizon_limited {
        "; K is limited by the horizon N (an eigenvalue with |1 − hλ| = 1 or within 1/N of it: the GD map is not \
         uniformly hyperbolic)"
    } else {
        ""
    };
    match (theorem_ok, witness_ok) {
        (true, true) => c.status = Status::Verified,
        (true, false) => {
            c.status = Status::Verified;
            c.reason = Some(
                "verified by the theorem; the f64 witness x̃₀ was not certified within ε (its rounding is amplified \
                 along the unstable directions)"
                    .into(),
            );
        }
        (false, true) => {
            c.status = Status::Verified;
            c.reason = Some(format!(
                "verified by the witness orbit from x̃₀; the certified radius Kδ alone exceeds the spec's ε{limited}"
            ));
        }
        (false, false) => {
            c.reason = Some(format!("the certified shadowing radius ε = Kδ exceeds the spec's ε{limited}"));
        }
    }
}

/// The certified radius of the Theorem of proofs/SHADOWING.md: Kδ when M = 0, 2Kδ when
/// 2MK²δ ≤ 1 (N), `None` when (N) fails; rounded up to [`BITS`] significant bits.
///
/// Enclosure: exact (an upper bound of the theorem's ε).
fn radius(k: &Rat, delta: &Rat, m: &Rat) -> Option<Rat> {
    let two = Rat::from_integer(2.into());
    if m.is_zero() {
        return Some(round_up_dyadic(&(k * delta), BITS));
    }
    (&two * m * k * k * delta <= Rat::one()).then(|| round_up_dyadic(&(two * k * delta), BITS))
}

/// The stable/unstable split of the GD matrix A = I − hQ (proofs/SHADOWING.md, "The right inverse").
struct Split {
    /// Numbers of eigenvalues λ < 0 and λ > 2/h (the unstable group, in ascending order: the first
    /// `below` and the last `above`).
    below: usize,
    above: usize,
    /// θ_s ≥ max |1 − hλ| over the stable group (`None` when it is empty); θ_s ≤ 1.
    theta_s: Option<Rat>,
    /// θ_u ≤ min |1 − hλ| over the unstable group (`None` when it is empty); θ_u ≥ 1.
    theta_u: Option<Rat>,
}

impl Split {
    /// Exact: group sizes by inertia, θ's from exact eigenvalue brackets (|1 − hλ| = 1 − hλ below
    /// 1/h and hλ − 1 above it, so the extreme members of each group decide).
    fn new(q: &RatMatrix, h: &Rat) -> Self {
        let d = q.len();
        let one = Rat::one();
        let two_h = Rat::from_integer(2.into()) / h;
        let below = inertia(q).neg;
        // shift(q, t) = tI − Q: its negative eigenvalues are the λ > t.
        let above = inertia(&shift(q, &two_h)).neg;
        let stable = d - below - above;
        let theta_s = (stable > 0).then(|| {
            let lo = eig_enclosure(q, below, EIG_BITS).lo.max(Rat::zero());
            let hi = eig_enclosure(q, below + stable - 1, EIG_BITS).hi.min(two_h.clone());
            (&one - h * lo).max(h * hi - &one)
        });
        let from_below = (below > 0).then(|| &one - h * eig_enclosure(q, below - 1, EIG_BITS).hi);
        let from_above = (above > 0).then(|| h * eig_enclosure(q, d - above, EIG_BITS).lo.max(two_h.clone()) - &one);
        let theta_u = match (from_below, from_above) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Split { below, above, theta_s, theta_u }
    }

    /// From rigorous enclosures of the eigenvalues of a symmetric matrix in ascending order (the
    /// reference Hessian H₀ of a non-quadratic objective, by `enclose::symmetric::eig_enclosures`:
    /// no exact arithmetic on a d × d matrix): the groups are decided when no enclosure crosses 0 or
    /// 2/h (an end at 0 or 2/h counts as stable: |1 − hλ| ≤ 1 there), the θ's are taken at the
    /// enclosures' ends as in [`Split::new`]. `None` when a group is undecided or an enclosure is
    /// unbounded.
    ///
    /// Enclosure: rigorous (θ_s an upper, θ_u a lower bound).
    fn from_spectrum(eigs: &[Interval], h: &Rat) -> Option<Self> {
        let d = eigs.len();
        let (one, two_h) = (Rat::one(), Rat::from_integer(2.into()) / h);
        let ends: Vec<(Rat, Rat)> =
            eigs.iter().map(|e| Some((Rat::from_float(e.inf())?, Rat::from_float(e.sup())?))).collect::<Option<_>>()?;
        let below = ends.iter().take_while(|(_, hi)| hi.is_negative()).count();
        let above = ends.iter().rev().take_while(|(lo, _)| *lo > two_h).count();
        if below + above > d {
            return None;
        }
        let stable = &ends[below..d - above];
        // Every stable member must be certified in [0, 2/h].
        if stable.iter().any(|(lo, hi)| lo.is_negative() || *hi > two_h) {
            return None;
        }
        let theta_s = stable.first().zip(stable.last()).map(|((lo, _), (_, hi))| (&one - h * lo).max(h * hi - &one));
        let from_below = (below > 0).then(|| &one - h * &ends[below - 1].1);
        let from_above = (above > 0).then(|| h * &ends[d - above].0 - &one);
        let theta_u = match (from_below, from_above) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Some(Split { below, above, theta_s, theta_u })
    }

    fn unstable(&self) -> usize {
        self.below + self.above
    }

    /// K ≥ √(S_s² + S_u²) of (K), rounded up, and whether a sum was capped by the horizon N.
    ///
    /// Enclosure: exact.
    fn k_bound(&self, n: &Rat) -> (Rat, bool) {
        let one = Rat::one();
        let capped = |gap: Rat| {
            if gap.is_zero() || one.clone() / &gap > *n {
                (n.clone(), true)
            } else {
                (one.clone() / gap, false)
            }
        };
        let (s_s, cap_s) = self.theta_s.as_ref().map_or((Rat::zero(), false), |t| capped(&one - t));
        let (s_u, cap_u) = self.theta_u.as_ref().map_or((Rat::zero(), false), |t| capped(t - &one));
        let k = sqrt_enclosure(&(&s_s * &s_s + &s_u * &s_u)).hi;
        (round_up_dyadic(&k, BITS), cap_s || cap_u)
    }
}

/// x̃₀ = x₀ + z₀ (exact rationals; see the module documentation), or `None` when the `f64`
/// computation overflows. In an eigenbasis vᵢ of `a0` (the nearest doubles of Q, or the reference
/// Hessian H₀ of a non-quadratic objective), for each unstable eigenvalue μᵢ = 1 − hλᵢ:
/// wᵢ ← (wᵢ + vᵢ·dₖ)/μᵢ for k = N − 1, …, 0 with dₖ = yₖ₊₁ − (yₖ − h·`grad`(yₖ)) on the flow tube's
/// midpoints; z₀ = Σᵢ wᵢvᵢ.
///
/// Enclosure: none (a witness; the caller encloses the orbit it starts).
fn shadow_start(
    a0: &DMatrix<f64>,
    grad: &dyn Fn(&[f64]) -> Vec<f64>,
    h: &Rat,
    x0: &[Rat],
    flow: &Tube,
    split: &Split,
) -> Option<Vec<Rat>> {
    let d = x0.len();
    let eig = SymmetricEigen::new(a0.clone());
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&i, &j| eig.eigenvalues[i].total_cmp(&eig.eigenvalues[j]));
    let unstable: Vec<usize> = order[..split.below].iter().chain(&order[d - split.above..]).copied().collect();
    let hf = h.to_f64()?;
    let mut w = vec![0.0_f64; unstable.len()];
    let mut dk = vec![0.0_f64; d];
    for k in (0..flow.len().saturating_sub(1)).rev() {
        let (y, y1) = (flow.mid(k), flow.mid(k + 1));
        let g = grad(y);
        for i in 0..d {
            dk[i] = y1[i] - (y[i] - hf * g[i]);
        }
        for (wi, &ix) in w.iter_mut().zip(&unstable) {
            let v = eig.eigenvectors.column(ix);
            let proj = (0..d).fold(0.0, |s, j| s + v[j] * dk[j]);
            *wi = (*wi + proj) / (1.0 - hf * eig.eigenvalues[ix]);
        }
    }
    (0..d)
        .map(|i| {
            let z = w.iter().zip(&unstable).fold(0.0, |s, (wi, &ix)| s + wi * eig.eigenvectors[(i, ix)]);
            Some(&x0[i] + Rat::from_float(z)?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;
    use crate::spec::parse_spec_value;
    use serde_json::json;

    /// The claim with its own trajectories (shadows the glob import).
    fn finite(s: &Spec) -> Claim {
        super::finite(s)
    }

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    fn spec(qm: serde_json::Value, x0: serde_json::Value, h: &str, steps: u64, eps: Option<&str>) -> Spec {
        let d = x0.as_array().unwrap().len();
        let mut v = json!({
            "name": "t",
            "objective": {"type": "quadratic", "Q": qm, "b": vec!["0"; d]},
            "domain": vec![json!(["-2", "2"]); d],
            "algorithm": {"method": "gd", "h": h},
            "x0": x0,
            "horizon": {"steps": steps}
        });
        if let Some(e) = eps {
            v["epsilon"] = json!(e);
        }
        parse_spec_value(&v).unwrap()
    }

    fn val(c: &Claim, name: &str) -> crate::claim::Value {
        c.values.get(name).unwrap_or_else(|| panic!("{name} missing: {c:?}")).clone()
    }

    /// e^{x}, 0 ≤ x ≤ 1: Taylor sum to order 60 and that sum plus 3x⁶¹/61! (independent oracle).
    fn exp_rat(x: &Rat) -> (Rat, Rat) {
        let (mut sum, mut term) = (Rat::one(), Rat::one());
        for n in 1..=60 {
            term = term * x / Rat::from_integer(n.into());
            sum += &term;
        }
        let rem = &term * x / Rat::from_integer(61.into()) * Rat::from_integer(3.into());
        (sum.clone(), sum + rem)
    }

    /// GD on the expression `f` in (x, y) from x₀ = (1, 1/1000), h = 1/10, domain [−2, 2]².
    fn expression_spec(f: &str, steps: u64, eps: &str) -> Spec {
        parse_spec_value(&json!({
            "name": "t",
            "objective": {"type": "expression", "vars": ["x", "y"], "f": f},
            "domain": [["-2", "2"], ["-2", "2"]],
            "algorithm": {"method": "gd", "h": "1/10"},
            "x0": ["1", "1/1000"],
            "horizon": {"steps": steps},
            "epsilon": eps
        }))
        .unwrap()
    }

    /// f = x²/2 − y²/2 + y⁴/4 near its saddle at 0, T = 2: the Hessian diag(1, 3y² − 1) barely moves
    /// (|y| ≤ 0.008), so K ≈ K₀ = √(S_s² + S_u²) with θ_s = 1 − h = 9/10 (S_s = 10) and
    /// θ_u ≈ 1 + h (S_u ≈ 10): K ≈ √200. The defect is at least its x-part at k = 0, |e^{−1/10} − 9/10|
    /// (x(t) = e^{−t} exactly), and the y-part adds at most 10⁻⁸.
    #[test]
    fn nonlinear_saddle_is_shadowed_with_hand_checked_constants() {
        let s = expression_spec("0.5*x^2 - 0.5*y^2 + 0.25*y^4", 20, "1/5");
        let c = finite(&s);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert_eq!(c.reason, None, "the theorem decides, not only the witness");
        let k = val(&c, "K").hi().clone();
        assert!(&k * &k >= q("200") && k < q("14.15"), "K = {k}");
        // e^{−1/10} − 9/10 ≥ 1/(upper end of e^{1/10}) − 9/10.
        let (_, hi) = exp_rat(&q("1/10"));
        let defect_x = Rat::one() / hi - q("9/10");
        let delta = val(&c, "delta").hi().clone();
        assert!(delta >= defect_x && delta < &defect_x + q("1e-6"), "δ = {delta}");
        assert!(val(&c, "M").hi() > &Rat::zero() && val(&c, "eta").hi() < &q("1e-4"));
        let eps = val(&c, "epsilon").hi().clone();
        assert!(eps <= q("1/5") && eps >= q("2") * &k * &delta, "ε = 2Kδ");
        assert!(val(&c, "witness_distance").hi() <= &eps);
        // Longer: the orbit reaches the curved part (y → 1) — (N) fails at T = 6, the perturbation bound
        // itself at T = 10; inconclusive with the reason, never refuted.
        let c = finite(&expression_spec("0.5*x^2 - 0.5*y^2 + 0.25*y^4", 60, "1/5"));
        assert_eq!(c.status, Status::Inconclusive);
        assert!(c.reason.as_deref().unwrap().starts_with("(N) fails"), "{:?}", c.reason);
        let c = finite(&expression_spec("0.5*x^2 - 0.5*y^2 + 0.25*y^4", 100, "1/5"));
        assert_eq!(c.status, Status::Inconclusive);
        assert!(c.reason.as_deref().unwrap().contains("η·K₀ ≥ 1"), "{:?}", c.reason);
    }

    /// A quadratic written as an expression: the Hessian is constant (η = 0, D³f = 0 so M = 0), so K is
    /// the quadratic path's exactly and ε = Kδ agrees with it up to the two enclosures of δ.
    #[test]
    fn quadratic_as_expression_matches_the_quadratic_path() {
        let e = finite(&expression_spec("x^2 - 0.5*y^2", 200, "1/10"));
        let qd = finite(
            &parse_spec_value(&json!({
                "name": "t",
                "objective": {"type": "quadratic", "Q": [["2", "0"], ["0", "-1"]], "b": ["0", "0"]},
                "domain": [["-2", "2"], ["-2", "2"]],
                "algorithm": {"method": "gd", "h": "1/10"},
                "x0": ["1", "1/1000"],
                "horizon": {"steps": 200},
                "epsilon": "1/10"
            }))
            .unwrap(),
        );
        assert_eq!(val(&e, "K"), val(&qd, "K"));
        assert_eq!((val(&e, "eta").to_text(), val(&e, "M").to_text()), ("0".into(), "0".into()));
        let (ee, eq) = (val(&e, "epsilon").hi().clone(), val(&qd, "epsilon").hi().clone());
        assert!((&ee - &eq).abs() < &eq * q("1e-6"), "{ee} vs {eq}");
        assert_eq!(e.status, qd.status);
    }

    #[test]
    fn split_from_eigenvalue_enclosures() {
        let iv = |a: f64, b: f64| Interval::try_from((a, b)).unwrap();
        // h = 1/10, 2/h = 20: one eigenvalue below 0, one above 20, one stable.
        let s = Split::from_spectrum(&[iv(-1.0, -0.5), iv(0.125, 0.25), iv(25.0, 26.0)], &q("1/10")).unwrap();
        assert_eq!((s.below, s.above), (1, 1));
        // θ_s = max(1 − h·1/8, h·1/4 − 1) = 79/80; θ_u = min(1 + h/2, h·25 − 1) = 21/20.
        assert_eq!(s.theta_s, Some(q("79/80")));
        assert_eq!(s.theta_u, Some(q("21/20")));
        // An enclosure meeting 0 or 2/h leaves its group undecided.
        assert!(Split::from_spectrum(&[iv(-0.125, 0.125), iv(1.0, 2.0)], &q("1/10")).is_none());
        assert!(Split::from_spectrum(&[iv(1.0, 2.0), iv(19.5, 20.5)], &q("1/10")).is_none());
        assert!(Split::from_spectrum(&[Interval::ENTIRE], &q("1/10")).is_none());
    }

    /// A dataset objective and the same risk written as an expression: two independent enclosure
    /// paths (the data structure (1/n)X̃ᵀdiag(ℓ″)X̃ + l2·I, and automatic differentiation of the
    /// formula) must give the same δ, K₀, η, K and ε up to the enclosures' widths, and the same
    /// verdict. Rows (x₁, x₂, y) = (1, 0, 1), (0, 1, 1), (1, 1, −1), logistic loss, l2 = 1/10.
    #[test]
    fn dataset_matches_the_same_risk_as_an_expression() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("d.csv"), "label,a,b\n1,1,0\n1,0,1\n-1,1,1\n").unwrap();
        let common = |objective: serde_json::Value| {
            json!({
                "name": "t",
                "objective": objective,
                "domain": [["-2", "2"], ["-2", "2"]],
                "algorithm": {"method": "gd", "h": "1/10"},
                "x0": ["1", "-1"],
                "horizon": {"steps": 40},
                "epsilon": "1/2"
            })
        };
        let data = common(json!({"type": "dataset", "data": "d.csv", "loss": "logistic", "l2": "1/10", "bias": false}));
        let path = dir.path().join("s.json");
        std::fs::write(&path, data.to_string()).unwrap();
        let ds = finite(&crate::spec::load_spec(&path).unwrap());
        let f = "(log(1 + exp(-x)) + log(1 + exp(-y)) + log(1 + exp(x + y)))/3 + 0.05*(x^2 + y^2)";
        let ex = finite(&parse_spec_value(&common(json!({"type": "expression", "vars": ["x", "y"], "f": f}))).unwrap());
        assert_eq!(ds.status, Status::Verified, "{ds:?}");
        assert_eq!(ds.status, ex.status);
        for name in ["delta", "K0", "eta", "K", "epsilon"] {
            let (a, b) = (val(&ds, name).hi().clone(), val(&ex, name).hi().clone());
            assert!((&a - &b).abs() <= &b * q("1e-6") + q("1e-12"), "{name}: dataset {a} vs expression {b}");
        }
        assert!(val(&ds, "eta").hi() > &Rat::zero(), "the logistic Hessian changes along the flow");
    }

    /// The saddle Q = diag(2, −1), h = 1/10, T = 20: the plain GD orbit from x₀ drifts away from the
    /// flow along the unstable direction ((1 + h)ᴺ = e^{19.06…} vs e^{20}), the orbit from x̃₀ does not.
    #[test]
    fn saddle_plain_orbit_diverges_shadow_orbit_stays() {
        let s = spec(json!([["2", "0"], ["0", "-1"]]), json!(["1/1000", "1/1073741824"]), "1/10", 200, None);
        let c = finite(&s);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert_eq!(c.reason, None);
        // θ_s = |1 − 2/10| = 4/5, θ_u = 1 + 1/10: S_s = 5, S_u = 10, K = √125 (rounded up).
        assert_eq!((val(&c, "theta_s").to_text(), val(&c, "theta_u").to_text()), ("4/5".into(), "11/10".into()));
        let k = val(&c, "K").hi().clone();
        assert!(&k * &k >= q("125") && &k - q("11.18034") < q("1e-5"), "K = {k}");
        let eps = val(&c, "epsilon").hi().clone();
        let (plain, witness) = (val(&c, "plain_distance"), val(&c, "witness_distance"));
        assert!(witness.hi() <= &eps, "witness {} vs ε {eps}", witness.to_text());
        assert!(plain.lo() > &(q("5") * &eps), "plain {} should be ≫ ε {eps}", plain.to_text());
        // x̃₀ differs from x₀ only in the unstable coordinate.
        assert_eq!(c.witnesses["x0_shadow_1"], q("1/1000"));
        assert!(c.witnesses["x0_shadow_2"] > q("1/1073741824"));
    }

    /// The same saddle moved to c = (1/2, 1/4) (b = Qc = (1, −1/4)): translation invariance, so the
    /// shadow start is c plus the untranslated one, and every verdict and bound is the same.
    #[test]
    fn translated_saddle_has_the_translated_shadow_start() {
        let at_zero =
            finite(&spec(json!([["2", "0"], ["0", "-1"]]), json!(["1/1000", "1/1073741824"]), "1/10", 200, None));
        let s = parse_spec_value(&json!({
            "name": "t",
            "objective": {"type": "quadratic", "Q": [["2", "0"], ["0", "-1"]], "b": ["1", "-1/4"]},
            "domain": [["-2", "2"], ["-2", "2"]],
            "algorithm": {"method": "gd", "h": "1/10"},
            "x0": ["501/1000", "268435457/1073741824"],
            "horizon": {"steps": 200}
        }))
        .unwrap();
        let c = finite(&s);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert_eq!(c.reason, None, "the witness must pass too");
        assert_eq!(val(&c, "K"), val(&at_zero, "K"));
        let (d0, d1) = (val(&at_zero, "delta").hi().clone(), val(&c, "delta").hi().clone());
        // Only up to the tubes: the translated flow's rounding (relative to ‖y‖ ≈ 1/2, not 10⁻⁹) grows at the
        // unstable rate e^{h} in the scalar radius, ≈ 10⁻⁶ at T = 20.
        assert!((&d1 - &d0).abs() < q("1e-5"), "δ {d1} vs {d0}");
        let shift = &c.witnesses["x0_shadow_2"] - q("1/4");
        let base = &at_zero.witnesses["x0_shadow_2"];
        assert!((&shift - base).abs() < q("1e-13"), "x̃₀ − c = {shift} vs {base}");
        assert!(val(&c, "witness_distance").hi() <= val(&c, "epsilon").hi());
    }

    /// The saddle rotated by R = [[3/5, −4/5], [4/5, 3/5]]: Q = R diag(2, −1) Rᵀ = [[2/25, 36/25], [36/25, 23/25]],
    /// x₀ = R(10⁻³, 2⁻³⁰). Distances are rotation invariant, and the shadow start is R times the diagonal one.
    #[test]
    fn rotated_saddle_matches_the_diagonal_one() {
        let diag =
            finite(&spec(json!([["2", "0"], ["0", "-1"]]), json!(["1/1000", "1/1073741824"]), "1/10", 200, None));
        let (a, b) = (q("1/1000"), q("1/1073741824"));
        let x0 = [&a * q("3/5") - &b * q("4/5"), &a * q("4/5") + &b * q("3/5")];
        let x0 = json!([crate::exact::fmt_rat(&x0[0]), crate::exact::fmt_rat(&x0[1])]);
        let c = finite(&spec(json!([["2/25", "36/25"], ["36/25", "23/25"]]), x0, "1/10", 200, None));
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert_eq!(c.reason, None, "the witness must pass too");
        assert_eq!(
            (val(&c, "theta_s"), val(&c, "theta_u"), val(&c, "K")),
            (val(&diag, "theta_s"), val(&diag, "theta_u"), val(&diag, "K"))
        );
        // Rᵀx̃₀ = (first, second) of the diagonal case.
        let (x1, x2) = (&c.witnesses["x0_shadow_1"], &c.witnesses["x0_shadow_2"]);
        let along_u = -(x1 * q("4/5")) + x2 * q("3/5");
        let along_s = x1 * q("3/5") + x2 * q("4/5");
        assert!((&along_u - &diag.witnesses["x0_shadow_2"]).abs() < q("1e-15"), "unstable part {along_u}");
        assert!((&along_s - &diag.witnesses["x0_shadow_1"]).abs() < q("1e-15"), "stable part {along_s}");
        let (p, pd) = (val(&c, "plain_distance"), val(&diag, "plain_distance"));
        assert!((p.hi() - pd.hi()).abs() < q("1e-8"), "plain {} vs {}", p.to_text(), pd.to_text());
        assert!(val(&c, "witness_distance").hi() <= val(&c, "epsilon").hi());
    }

    /// 1-D, Q = [[−1]], b = 0: dₖ = (e^h − 1 − h)e^{hk}x₀, δ = d_{N−1}, K = 1/h, and the shadow start is
    /// x̃₀ = x₀e^{T}/(1 + h)ᴺ (so that x̃_N = y_N), all in closed form.
    #[test]
    fn one_dimensional_unstable_closed_forms() {
        let (h, n, x0) = (q("1/20"), 100usize, q("1/100"));
        let s = spec(json!([["-1"]]), json!(["1/100"]), "1/20", 100, Some("1/10"));
        let c = finite(&s);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert_eq!(val(&c, "K").to_text(), "20");
        assert_eq!(val(&c, "theta_u").to_text(), "21/20");
        assert!(!c.values.contains_key("theta_s"));
        let (a_lo, a_hi) = exp_rat(&h);
        let pow = |r: &Rat, k: usize| (0..k).fold(Rat::one(), |p, _| p * r);
        let c1 = Rat::one() + &h;
        let d_lo = (&a_lo - &c1) * pow(&a_lo, n - 1) * &x0;
        let d_hi = (&a_hi - &c1) * pow(&a_hi, n - 1) * &x0;
        let delta = val(&c, "delta").hi().clone();
        assert!(delta >= d_hi && &delta - &d_lo < q("1e-11"), "δ = {delta} vs [{d_lo}, {d_hi}]");
        let eps = val(&c, "epsilon").hi().clone();
        assert!(eps >= q("20") * &delta);
        // x̃₀ = x₀(e^h/(1 + h))ᴺ.
        let (t_lo, t_hi) = (&x0 * pow(&(&a_lo / &c1), n), &x0 * pow(&(&a_hi / &c1), n));
        let xs = &c.witnesses["x0_shadow_1"];
        assert!((xs - &t_lo).abs() < q("1e-13") && (xs - &t_hi).abs() < q("1e-13"), "x̃₀ = {xs} vs [{t_lo}, {t_hi}]");
        assert!(val(&c, "witness_distance").hi() <= &eps);
    }

    #[test]
    fn strongly_convex_needs_no_backward_part() {
        let s = spec(json!([["2", "0"], ["0", "1"]]), json!(["1", "1"]), "1/100", 500, Some("1/20"));
        let c = finite(&s);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert!(!c.values.contains_key("theta_u"));
        assert_eq!(val(&c, "theta_s").to_text(), "99/100");
        assert_eq!(val(&c, "K").to_text(), "100");
        // No unstable direction: x̃₀ = x₀ and the witness is the plain orbit.
        assert_eq!(c.witnesses["x0_shadow_1"], q("1"));
        assert_eq!(val(&c, "witness_distance"), val(&c, "plain_distance"));
    }

    #[test]
    fn near_neutral_eigenvalue_is_inconclusive_with_the_reason() {
        // λ = 10⁻⁹: θ_s = 1 − 10⁻¹⁰ > 1 − 1/N, so S_s = N = 50 and Kδ is far above a small ε.
        let s = spec(json!([["1/1000000000", "0"], ["0", "-1"]]), json!(["1", "1/1000"]), "1/10", 50, Some("1e-6"));
        let c = finite(&s);
        assert_eq!(c.status, Status::Inconclusive, "{c:?}");
        let r = c.reason.as_deref().unwrap();
        assert!(r.starts_with("the certified shadowing radius ε = Kδ exceeds the spec's ε"), "{r}");
        assert!(r.contains("limited by the horizon N"), "{r}");
        // Exactly neutral (λ = 0): the same, and θ_s = 1 exactly.
        let s = spec(json!([["0", "0"], ["0", "-1"]]), json!(["1", "1/1000"]), "1/10", 50, Some("1e-6"));
        let c = finite(&s);
        assert_eq!(c.status, Status::Inconclusive);
        assert_eq!(val(&c, "theta_s").to_text(), "1");
        assert!(c.reason.as_deref().unwrap().contains("limited by the horizon N"));
    }

    #[test]
    fn horizon_beyond_the_cap_is_inconclusive() {
        let steps = crate::theorems::MAX_TRAJECTORY_STEPS + 1;
        let s = spec(json!([["2", "0"], ["0", "-1"]]), json!(["1", "0"]), "1/10", steps, None);
        let claims = crate::theorems::evaluate(&s);
        for id in ["shadow.orbit", "ec.thm1", "shadow.finite"] {
            let c = claims.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("{id} missing"));
            assert_eq!(c.status, Status::Inconclusive, "{id}");
            assert!(c.reason.as_deref().unwrap().starts_with("horizon of 100001 steps is beyond"), "{id}: {c:?}");
        }
    }

    #[test]
    fn radius_follows_the_newton_kantorovich_condition() {
        // M = 0: ε = Kδ. M > 0: ε = 2Kδ when 2MK²δ ≤ 1, none beyond.
        assert_eq!(radius(&q("10"), &q("1/1024"), &q("0")), Some(q("10/1024")));
        assert_eq!(radius(&q("10"), &q("1/1024"), &q("1024/200")), Some(q("20/1024")));
        assert_eq!(radius(&q("10"), &q("1/1024"), &q("1025/200")), None);
    }

    #[test]
    fn shipped_saddle_and_not_applicable_cases() {
        let load = |n: &str| {
            crate::spec::load_spec(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs").join(n)).unwrap()
        };
        let c = finite(&load("saddle.json"));
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert!(val(&c, "epsilon").hi() <= &q("1/10"));
        let c = finite(&load("heavy_ball.json"));
        assert_eq!(c.status, Status::NotApplicable);
        assert!(c.reason.as_deref().unwrap().starts_with("method is heavy_ball"));
        // Strongly convex expression: no unstable part, K = S_s, verified within the spec's ε = 2.
        let c = finite(&load("expression_2d.json"));
        assert_eq!((c.status, val(&c, "unstable_dims").to_text()), (Status::Verified, "0".into()), "{c:?}");
        assert!(val(&c, "epsilon").hi() <= &q("2"));
        let s = load("saddle.json");
        assert_eq!(finite(&s), finite(&s), "deterministic");
    }
}
