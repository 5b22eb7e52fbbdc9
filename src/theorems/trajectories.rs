//! Trajectory claims, the engine's entry points: `shadow.orbit` (the measured sup distance between a
//! method's exact orbit and the exact flow it approximates, 000 and 004 Thm 2) and the measured local
//! error that `ol.prop1` reports next to its bound δ = ℓLh²/2, both decided by the checker's
//! statements on the engine's tubes (`shadowcert_checker::theorems::trajectories` for quadratics,
//! `shadowcert_checker::theorems::smooth` for the other objectives, which `certify check` runs again
//! on the stored checkpoints); and what `ks.thm2`'s rates read of two tubes ([`sup_distance`],
//! rule 4 on their samples, [`samples_in_box`]).
//!
//! # The objects (DESIGN.md rule 5)
//! The claims are about **exact-arithmetic** objects, not about a user's `f64` loop:
//! * xₖ, k = 0..=K: the exact orbit of the spec's method from the spec's exact x₀ and h
//!   (`dynamics::spec_orbit`): GD xₖ₊₁ = xₖ − h∇f(xₖ); scheme (7) of 004 (heavy_ball, nesterov,
//!   momentum) with u₁ = u₀ − h∇f(u₀); the Orvieto–Lucchi heavy ball (η = h², β = 1 − hα);
//! * y(kh), k = 0..=K: the exact flow the method approximates, y(0) = x₀, sampled at t = kh
//!   (`dynamics::spec_flow`): gd — the gradient flow ẏ = −∇f (000); scheme (7) — the rescaled flow
//!   (8) u̇ = −(1 − λ)⁻¹∇f (004 Thm 2: uₙ = u(nh) + O(h)); heavy_ball_ol — the heavy-ball ODE
//!   q̈ + αq̇ = −∇f, q̇(0) = 0, time scaled by √η = h (000 Prop. 2);
//!
//! with K = `horizon.steps`, both enclosed as midpoint–radius tubes ‖xₖ − mₖ‖₂ ≤ rₖ.
//!
//! # Enclosure of D = max₀≤ₖ≤K ‖xₖ − y(kh)‖₂
//! By the triangle inequality ‖xₖ − yₖ‖ ∈ ‖mˣₖ − mʸₖ‖ ± (rˣₖ + rʸₖ); ‖mˣₖ − mʸₖ‖ is enclosed with
//! inari from the `f64` midpoints (outward), so each ‖xₖ − yₖ‖ ∈ [loₖ, hiₖ] and
//! D ∈ [maxₖ loₖ, maxₖ hiₖ]. The endpoints are `f64`s, recorded exactly (`Rat::from_float`).
//!
//! Enclosure: rigorous. Tightness: the width of `distance` is at most 2·maxₖ(rˣₖ + rʸₖ) plus a few
//! ulps (a few 10⁻¹⁵ for the shipped specs).

use crate::claim::{Claim, Status};
use crate::dynamics::ivec::point;
use crate::dynamics::Tube;
use crate::exact::{Rat, RatInterval, RatMatrix};
use crate::spec::{Method, Objective, Spec};
use inari::Interval;
use shadowcert_checker::theorems::trajectories::{decide_domain, domain_of, Path};

/// Trajectory claim `shadow.orbit` of `spec` (see the module documentation): the exact orbit of the
/// spec's method against the flow it approximates, decided by the checker's statement on the
/// engine's tubes (`shadowcert_checker::theorems::trajectories` for quadratics,
/// `shadowcert_checker::theorems::smooth` for the other objectives). `epsilon_thm2` is ε = hℓL/(2μ)
/// of `ol.thm2` (pass it only when that claim is verified); it is used for gd when the spec gives
/// no `epsilon`.
///
/// Records: `distance` = [lo, hi] ∋ maxₖ ‖xₖ − y(kh)‖₂, `epsilon`, `steps`, `max_radius` (largest
/// radius of the two tubes), `domain_margin` ∋ the smallest signed distance of a sample to a face
/// of the domain box (negative: outside). Verified when distance.hi ≤ ε, refuted when ε < distance.lo
/// (a rigorous disproof), inconclusive otherwise.
///
/// Enclosure: rigorous.
pub fn shadow_orbit(spec: &Spec, epsilon_thm2: Option<&Rat>) -> Claim {
    let thm2 = epsilon_thm2.map(|e| {
        let mut c = Claim::new("ol.thm2", "");
        c.value("epsilon", e.clone());
        c.status = Status::Verified;
        c
    });
    super::trajectory_claim(spec, "shadow.orbit", thm2.as_slice())
}

/// Enclosure of the actual largest local error of GD along the exact gradient flow of `spec`,
/// maxₖ ‖y((k+1)h) − Ψ(y(kh))‖₂ over 0 ≤ k < K, Ψ(y) = y − h∇f(y) (the quantity Prop. 1 of 000
/// bounds by δ = ℓLh²/2). `None` unless the method is gd, or when the enclosure is unbounded.
/// Per step by `local_error_steps` (quadratics, formula below) or the mean-value form of
/// `dynamics::nonlinear::gd_local_error` (expression and dataset objectives). The flow samples are
/// not checked against the domain box here ([`shadow_orbit`] does).
///
/// With yₖ = mₖ + eₖ, ‖eₖ‖ ≤ rₖ: yₖ₊₁ − Ψ(yₖ) = [mₖ₊₁ − mₖ + h(Qmₖ − b)] + eₖ₊₁ − (I − hQ)eₖ, so its norm
/// lies within rₖ₊₁ + ‖I − hQ‖₂rₖ of the norm of the bracket, which is enclosed with inari.
///
/// Enclosure: rigorous. Tightness: width about 2·maxₖ(rₖ₊₁ + ‖I − hQ‖₂rₖ) plus a few ulps.
pub fn prop1_local_error(spec: &Spec) -> Option<RatInterval> {
    // The checker's statement (`shadowcert_checker::theorems::trajectories` for quadratics,
    // `shadowcert_checker::theorems::smooth` for the other objectives).
    match super::claim_of(spec, "ol.prop1").values.get("local_error_max") {
        Some(crate::claim::Value::Enclosed(e)) => Some(e.clone()),
        _ => None,
    }
}

/// Q and b of a quadratic spec run with gd, or why the claims do not apply.
pub(crate) fn quadratic_gd(spec: &Spec) -> Result<(&RatMatrix, &[Rat]), String> {
    let Objective::Quadratic { q, b } = &spec.objective else {
        return Err(format!(
            "the objective is {}: enclosed trajectories are implemented for quadratic objectives",
            spec.objective.describe()
        ));
    };
    if !matches!(spec.algorithm.method, Method::Gd) {
        return Err(format!(
            "method is {}, the claim compares the GD orbit with the gradient flow",
            spec.algorithm.method.name()
        ));
    }
    Ok((q, b))
}

/// The exact value of a finite `f64`.
pub(super) fn exact(f: f64) -> Option<Rat> {
    Rat::from_float(f)
}

/// ‖v‖₂ of a box, as an interval. Enclosure: rigorous.
fn norm2(v: impl Iterator<Item = Interval>) -> Interval {
    v.fold(point(0.0), |s, x| s + x.sqr()).sqrt()
}

/// The enclosure of maxₖ ‖xₖ − yₖ‖₂ over two tubes.
pub(crate) struct Distance {
    /// [maxₖ loₖ, maxₖ hiₖ].
    pub(crate) range: RatInterval,
}

/// [maxₖ loₖ, maxₖ hiₖ] with [loₖ, hiₖ] ∋ ‖xₖ − yₖ‖₂ (see the module documentation); `None` when a
/// radius or a bound is not finite.
///
/// Enclosure: rigorous.
pub(crate) fn sup_distance(x: &Tube, y: &Tube) -> Option<Distance> {
    assert!(x.len() == y.len() && x.dim() == y.dim(), "sup_distance: the tubes must have the same shape");
    let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
    for k in 0..x.len() {
        // Tube::push sets the radius to +∞ whenever a midpoint is not finite.
        let (rx, ry) = (x.rad(k), y.rad(k));
        if !rx.is_finite() || !ry.is_finite() {
            return None;
        }
        let n = norm2(x.mid(k).iter().zip(y.mid(k)).map(|(&a, &b)| point(a) - point(b)));
        let r = point(rx) + point(ry);
        let (lo_k, hi_k) = ((n - r).inf().max(0.0), (n + r).sup());
        (lo, hi) = (lo.max(lo_k), hi.max(hi_k));
    }
    Some(Distance { range: RatInterval::new(exact(lo)?, exact(hi)?) })
}

/// Rule 4 on claim `c` over the samples of `tubes` (the checker's `domain_of` and `decide_domain`):
/// `true` when every sample is certified inside the domain box; otherwise the verdict is set, or,
/// when a bound is not finite, the reason (the claim stays inconclusive).
pub(super) fn samples_in_box(
    c: &mut Claim,
    spec: &Spec,
    tubes: &[(&'static str, &Tube, u32)],
    what: &str,
    at: &str,
) -> bool {
    let balls: Vec<_> = tubes.iter().map(|(_, t, _)| t.balls()).collect();
    let paths: Vec<Path> = tubes
        .iter()
        .zip(&balls)
        .map(|(&(what, _, per_h), samples)| Path { what, samples, segments: None, per_h, probes: None })
        .collect();
    match domain_of(&spec.domain, &spec.x0, &paths) {
        Some(domain) => decide_domain(c, &domain, what, at),
        None => {
            c.reason = Some("enclosure too wide: the domain check overflowed f64".into());
            false
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::claim::Rel;
    use crate::exact::parse_rat;
    use crate::spec::parse_spec_value;
    use num_bigint::BigInt;
    use num_traits::One;
    use num_traits::Zero;
    use serde_json::json;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// A quadratic gd spec (numbers as exact strings).
    fn spec(qm: serde_json::Value, b: serde_json::Value, x0: serde_json::Value, h: &str, steps: u64) -> Spec {
        let d = x0.as_array().unwrap().len();
        parse_spec_value(&json!({
            "name": "t",
            "objective": {"type": "quadratic", "Q": qm, "b": b},
            "domain": vec![json!(["-2", "2"]); d],
            "algorithm": {"method": "gd", "h": h},
            "x0": x0,
            "horizon": {"steps": steps}
        }))
        .unwrap()
    }

    fn with_eps(mut s: Spec, eps: &Rat) -> Spec {
        s.epsilon = Some(eps.clone());
        s
    }

    fn distance(c: &Claim) -> RatInterval {
        match &c.values["distance"] {
            crate::claim::Value::Enclosed(r) => r.clone(),
            v => panic!("distance must be an enclosure, got {v:?}"),
        }
    }

    /// e^{−a} for 0 ≤ a ≤ 1 between two consecutive partial sums of its alternating series (the terms
    /// decrease), rounded outward to 200-bit dyadics. Enclosure: exact; width below 10⁻⁴⁰.
    pub(crate) fn exp_neg(a: &Rat) -> (Rat, Rat) {
        assert!(&Rat::zero() <= a && a <= &Rat::one(), "exp_neg: 0 <= a <= 1");
        let (mut sum, mut term) = (Rat::one(), Rat::one());
        let mut prev = sum.clone();
        for n in 1..=40 {
            term = -term * a / Rat::from_integer(n.into());
            prev = sum.clone();
            sum += &term;
        }
        let (lo, hi) = if prev < sum { (prev, sum) } else { (sum, prev) };
        (crate::exact::round_down_dyadic(&lo, 200), crate::exact::round_up_dyadic(&hi, 200))
    }

    /// Fractional bits of the oracle's fixed-point numbers.
    pub(crate) const FRAC: usize = 256;

    /// The fixed-point integer ⌊r·2²⁵⁶⌋ (or ⌈r·2²⁵⁶⌉ when `up`).
    pub(crate) fn fixed(r: &Rat, up: bool) -> BigInt {
        let scaled = r * Rat::from_integer(BigInt::one() << FRAC);
        if up {
            scaled.ceil().to_integer()
        } else {
            scaled.floor().to_integer()
        }
    }

    /// ⌊ab·2⁻²⁵⁶⌋ or ⌈ab·2⁻²⁵⁶⌉ for a, b ≥ 0 (products of fixed-point numbers, no gcd: fast in debug).
    pub(crate) fn fmul(a: &BigInt, b: &BigInt, up: bool) -> BigInt {
        let p = a * b;
        if up {
            (p + ((BigInt::one() << FRAC) - 1)) >> FRAC
        } else {
            p >> FRAC
        }
    }

    /// An independent enclosure of D² = maxₖ ‖xₖ − y(kh)‖₂² for Q = diag(qs), b = 0, in 256-bit
    /// fixed point with directed rounding (x₀ ≥ 0, 0 ≤ qᵢh ≤ 1): xₖ,ᵢ = (1 − hqᵢ)ᵏx₀ᵢ and
    /// y(kh)ᵢ = (e^{−qᵢh})ᵏx₀ᵢ with e^{−qᵢh} from [`exp_neg`]. Width about 10⁻⁷⁰: far below the tubes'.
    fn oracle_diagonal_sq(qs: &[Rat], x0: &[Rat], h: &Rat, steps: usize) -> (Rat, Rat) {
        assert!(x0.iter().all(|v| v >= &Rat::zero()), "oracle: x₀ ≥ 0 keeps the bounds ordered");
        let bounds = |r: &Rat| (fixed(r, false), fixed(r, true));
        let contraction: Vec<(BigInt, BigInt)> = qs.iter().map(|qi| bounds(&(Rat::one() - h * qi))).collect();
        let decay: Vec<(BigInt, BigInt)> = qs
            .iter()
            .map(|qi| {
                let (lo, hi) = exp_neg(&(qi * h));
                (fixed(&lo, false), fixed(&hi, true))
            })
            .collect();
        let (mut x, mut y): (Vec<_>, Vec<_>) = x0.iter().map(|v| (bounds(v), bounds(v))).unzip();
        let zero = BigInt::zero();
        let (mut lo, mut hi) = (BigInt::zero(), BigInt::zero());
        for _ in 0..=steps {
            let (mut slo, mut shi) = (BigInt::zero(), BigInt::zero());
            for i in 0..qs.len() {
                // xᵢ − yᵢ ∈ [a, b].
                let (a, b) = (&x[i].0 - &y[i].1, &x[i].1 - &y[i].0);
                let (a2, b2) = (&a * &a, &b * &b);
                slo += if a <= zero && b >= zero { zero.clone() } else { a2.clone().min(b2.clone()) };
                shi += a2.max(b2);
            }
            lo = lo.max(slo);
            hi = hi.max(shi);
            for i in 0..qs.len() {
                x[i] = (fmul(&x[i].0, &contraction[i].0, false), fmul(&x[i].1, &contraction[i].1, true));
                y[i] = (fmul(&y[i].0, &decay[i].0, false), fmul(&y[i].1, &decay[i].1, true));
            }
        }
        let scale = Rat::from_integer(BigInt::one() << (2 * FRAC));
        (Rat::from_integer(lo) / &scale, Rat::from_integer(hi) / scale)
    }

    /// The oracle's enclosure of D² lies inside the square of the claim's, which is tight.
    fn assert_encloses(c: &Claim, oracle_sq: &(Rat, Rat), what: &str) {
        let d = distance(c);
        assert!(
            &d.lo * &d.lo <= oracle_sq.0 && oracle_sq.1 <= &d.hi * &d.hi,
            "{what}: distance {} does not contain the oracle's",
            d.to_string_exact(),
        );
        assert!(&oracle_sq.1 - &oracle_sq.0 < q("1e-60"), "{what}: the oracle is too wide");
        assert!(&d.hi - &d.lo < q("1e-12"), "{what}: distance {} too wide", d.to_string_exact());
        assert!(oracle_sq.0 > q("1e-8"), "{what}: the test needs a distance well above rounding");
    }

    #[test]
    fn diagonal_quadratic_matches_closed_forms() {
        let (qs, x0, h) = (vec![q("2"), q("1/2")], vec![q("1"), q("1/3")], q("1/10"));
        let s = spec(json!([["2", "0"], ["0", "1/2"]]), json!(["0", "0"]), json!(["1", "1/3"]), "1/10", 300);
        let c = shadow_orbit(&s, Some(&q("1")));
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert!(c.statement.contains("ol.thm2"), "ε from ol.thm2 must be said: {}", c.statement);
        assert_eq!(c.values["epsilon"].to_text(), "1");
        assert_eq!(c.values["steps"].to_text(), "300");
        assert_encloses(&c, &oracle_diagonal_sq(&qs, &x0, &h, 300), "diag(2, 1/2)");
        // 1-D, with a non-dyadic h and x₀.
        let s = spec(json!([["3"]]), json!(["0"]), json!(["7/5"]), "1/30", 200);
        let c = shadow_orbit(&with_eps(s, &q("1/2")), None);
        assert_eq!(c.status, Status::Verified);
        assert!(c.statement.contains("the spec's epsilon"));
        assert_encloses(&c, &oracle_diagonal_sq(&[q("3")], &[q("7/5")], &q("1/30"), 200), "1-D");
    }

    /// Q = R diag(2, 1/2) Rᵀ with the rational rotation R = [[3/5, −4/5], [4/5, 3/5]]: the distance is
    /// rotation invariant, so the oracle is the diagonal one started from Rᵀx₀.
    #[test]
    fn rotated_quadratic_matches_the_diagonal_oracle() {
        let s = spec(
            json!([["26/25", "18/25"], ["18/25", "73/50"]]),
            json!(["0", "0"]),
            json!(["1/5", "11/10"]),
            "1/10",
            250,
        );
        // Rᵀx₀ = (3/25 + 44/50, −4/25 + 33/50) = (1, 1/2); R diag(2, 1/2) Rᵀ = [[26/25, 18/25], [18/25, 73/50]].
        let oracle = oracle_diagonal_sq(&[q("2"), q("1/2")], &[q("1"), q("1/2")], &q("1/10"), 250);
        let c = shadow_orbit(&with_eps(s, &q("1")), None);
        assert_eq!(c.status, Status::Verified);
        assert_encloses(&c, &oracle, "rotated");
    }

    #[test]
    fn large_step_is_refuted_rigorously() {
        // L = 1, h = 3/2 ∈ (1/L, 2/L): xₖ = (−1/2)ᵏ, y(kh) = e^{−3k/2}; at k = 1 the distance is ≈ 0.723.
        let s = with_eps(spec(json!([["1"]]), json!(["0"]), json!(["1"]), "3/2", 20), &q("1/10"));
        let c = shadow_orbit(&s, None);
        assert_eq!(c.status, Status::Refuted, "{c:?}");
        assert!(c.reason.as_deref().unwrap().starts_with("rigorous disproof: at k = 1,"), "{:?}", c.reason);
        let last = c.inequalities.last().unwrap();
        assert!(last.holds && last.lhs == q("1/10") && last.rel == Rel::Lt);
        assert!(distance(&c).lo > q("0.7231") && distance(&c).hi < q("0.7232"));
    }

    #[test]
    fn epsilon_at_the_enclosure_decides_as_it_should() {
        let s = spec(json!([["2", "0"], ["0", "1"]]), json!(["0", "0"]), json!(["1", "1"]), "1/100", 2000);
        let d = distance(&shadow_orbit(&with_eps(s.clone(), &q("1")), None));
        assert!(d.lo < d.hi);
        let mid = (&d.lo + &d.hi) / q("2");
        let c = shadow_orbit(&with_eps(s.clone(), &mid), None);
        assert_eq!(c.status, Status::Inconclusive);
        assert_eq!(c.reason.as_deref(), Some("enclosure too wide: ε lies inside the enclosure of the distance"));
        assert_eq!(c.inequalities.iter().filter(|i| !i.holds).count(), 2);
        assert_eq!(shadow_orbit(&with_eps(s.clone(), &d.hi), None).status, Status::Verified);
        assert_eq!(shadow_orbit(&with_eps(s.clone(), &d.lo), None).status, Status::Inconclusive);
        let below = &d.lo - q("1e-30");
        assert_eq!(shadow_orbit(&with_eps(s, &below), None).status, Status::Refuted);
    }

    /// An independent enclosure of D = maxₙ |uₙ − u(nh)| for scheme (7) on the 1-D quadratic qx²/2 (b = 0,
    /// x₀ ≥ 0, 0 ≤ qh/(1 − λ) ≤ 1): uₙ from the exact rational recursion uₙ₊₁ = uₙ + λ(uₙ − uₙ₋₁) −
    /// hq(uₙ + a(uₙ − uₙ₋₁)), u₁ = u₀ − hqu₀; u(nh) = x₀(e^{−qh/(1−λ)})ⁿ of the rescaled flow (8), in
    /// 256-bit fixed point with directed rounding and e^{−qh/(1−λ)} from [`exp_neg`].
    pub(crate) fn oracle_scheme7_1d(qv: &Rat, lambda: &Rat, a: &Rat, x0: &Rat, h: &Rat, steps: usize) -> (Rat, Rat) {
        assert!(x0 >= &Rat::zero());
        let (elo, ehi) = exp_neg(&(qv * h / (Rat::one() - lambda)));
        let decay = (fixed(&elo, false), fixed(&ehi, true));
        let mut y = (fixed(x0, false), fixed(x0, true));
        let (mut prev, mut u) = (x0.clone(), x0 - h * qv * x0);
        let zero = BigInt::zero();
        let (mut lo, mut hi) = (BigInt::zero(), BigInt::zero());
        for n in 0..=steps {
            let x = if n == 0 { x0.clone() } else { u.clone() };
            if n >= 1 {
                let next = &u + lambda * (&u - &prev) - h * qv * (&u + a * (&u - &prev));
                (prev, u) = (u, next);
            }
            // uₙ − u(nh) ∈ [p, r].
            let (p, r) = (fixed(&x, false) - &y.1, fixed(&x, true) - &y.0);
            let (pa, ra) = (num_traits::Signed::abs(&p), num_traits::Signed::abs(&r));
            let low = if p <= zero && r >= zero { zero.clone() } else { pa.clone().min(ra.clone()) };
            lo = lo.max(low);
            hi = hi.max(pa.max(ra));
            y = (fmul(&y.0, &decay.0, false), fmul(&y.1, &decay.1, true));
        }
        let scale = Rat::from_integer(BigInt::one() << FRAC);
        (Rat::from_integer(lo) / &scale, Rat::from_integer(hi) / scale)
    }

    /// A 1-D scheme-(7) spec (domain [−2, 2]).
    fn spec_scheme7(method: &str, qv: &str, x0: &str, h: &str, steps: u64) -> Spec {
        parse_spec_value(&json!({
            "name": "t",
            "objective": {"type": "quadratic", "Q": [[qv]], "b": ["0"]},
            "domain": [["-2", "2"]],
            "algorithm": {"method": method, "h": h, "lambda": "9/10"},
            "x0": [x0],
            "horizon": {"steps": steps},
            "epsilon": "1"
        }))
        .unwrap()
    }

    #[test]
    fn momentum_orbits_against_the_rescaled_flow_match_an_independent_oracle() {
        for (method, a, qv, x0, h, steps) in
            [("heavy_ball", "0", "1", "1", "1/50", 300), ("nesterov", "9/10", "2", "3/4", "1/40", 250)]
        {
            let s = spec_scheme7(method, qv, x0, h, steps);
            let c = shadow_orbit(&s, None);
            assert_eq!(c.status, Status::Verified, "{c:?}");
            let (lo, hi) = oracle_scheme7_1d(&q(qv), &q("9/10"), &q(a), &q(x0), &q(h), steps as usize);
            let d = distance(&c);
            assert!(
                d.lo <= lo && hi <= d.hi,
                "{method}: distance {} misses the oracle [{lo}, {hi}]",
                d.to_string_exact()
            );
            assert!(&hi - &lo < q("1e-55") && lo > q("1e-3"), "{method}: oracle [{lo}, {hi}]");
            assert!(&d.hi - &d.lo < q("1e-12"), "{method}: distance {} too wide", d.to_string_exact());
            // ε just below the oracle's lower end is rigorously refuted.
            let c = shadow_orbit(&with_eps(s, &(&lo * q("999/1000"))), None);
            assert_eq!(c.status, Status::Refuted, "{method}: {c:?}");
        }
        // The Orvieto–Lucchi heavy ball is compared with its heavy-ball ODE (no closed-form oracle here:
        // dynamics/flow.rs tests that flow against an exact series).
        let s = parse_spec_value(&json!({
            "name": "t", "objective": {"type": "quadratic", "Q": [["1"]], "b": ["0"]}, "domain": [["-2", "2"]],
            "algorithm": {"method": "heavy_ball_ol", "h": "1/20", "alpha": "2"}, "x0": ["1"],
            "horizon": {"steps": 100}, "epsilon": "1/10"
        }))
        .unwrap();
        let c = shadow_orbit(&s, None);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert!(c.statement.contains("heavy_ball_ol orbit") && c.statement.contains("heavy-ball ODE"));
    }

    fn shipped(name: &str) -> Spec {
        crate::spec::load_spec(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs").join(name)).unwrap()
    }

    #[test]
    fn not_applicable_cases_name_the_hypothesis() {
        // No ε anywhere.
        let s = spec(json!([["1", "0"], ["0", "1/5"]]), json!(["0", "0"]), json!(["1", "1"]), "1/1000", 100);
        let c = shadow_orbit(&s, None);
        assert_eq!(c.status, Status::NotApplicable);
        assert!(c.reason.as_deref().unwrap().starts_with("no ε"));
        // specs/heavy_ball.json: no ε there, and ol.thm2's ε is for gd only.
        let s = shipped("heavy_ball.json");
        let c = shadow_orbit(&s, Some(&q("1")));
        assert_eq!(c.status, Status::NotApplicable);
        assert_eq!(
            c.reason.as_deref(),
            Some("no ε: the spec sets no \"epsilon\" (ol.thm2 supplies ε for gd only, the method is heavy_ball)")
        );
        assert!(c.values.is_empty() && c.inequalities.is_empty());
        assert_eq!(prop1_local_error(&s), None);
        // With an ε it is decided, against the rescaled flow (8).
        let c = shadow_orbit(&with_eps(s, &q("1")), None);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert!(c.statement.contains("heavy_ball orbit") && c.statement.contains("rescaled flow (8)"));
        assert!(c.statement.starts_with("Kovachki–Stuart (004) Thm 2"), "{}", c.statement);
        // specs/expression_2d.json: gd with ε = 2 on a non-quadratic objective, enclosed by the
        // interval Taylor method (`dynamics::nonlinear`); Prop. 1's measured local error is for quadratics.
        let e = shipped("expression_2d.json");
        let c = shadow_orbit(&e, None);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert!(c.statement.contains("gradient flow"), "{}", c.statement);
        assert!(&distance(&c).hi - &distance(&c).lo < q("1e-12"));
        assert!(prop1_local_error(&e).is_some());
    }

    /// The shipped gd specs with quadratic objectives, with ε as `theorems::evaluate` would pass it.
    #[test]
    fn shipped_quadratic_gd_specs() {
        let c = shadow_orbit(&shipped("strongly_convex.json"), None);
        assert_eq!((c.status, c.values["epsilon"].to_text()), (Status::Verified, "1/20".into()));
        assert_eq!(c.values["domain_margin"].to_text(), "[1, 1]");
        // No epsilon in the spec: ε = hℓL/(2μ) = (1/100)·101·100/2 of ol.thm2.
        let c = shadow_orbit(&shipped("ill_conditioned.json"), Some(&q("101/2")));
        assert_eq!(c.status, Status::Verified);
        // k = 1: x₁ = (0, 99/100), y(h) = (e^{−1}, e^{−1/100}): the distance is ≈ e^{−1}.
        assert!(distance(&c).lo > q("0.3678") && distance(&c).hi < q("0.3679"));
        // Indefinite Q (the flow tube's radius grows): still tight.
        let c = shadow_orbit(&shipped("saddle.json"), None);
        assert_eq!(c.status, Status::Verified);
        assert!(&distance(&c).hi - &distance(&c).lo < q("1e-12"));
        // The declared L is wrong, so ol.thm2 gives no ε, and the spec sets none.
        assert_eq!(shadow_orbit(&shipped("wrong_constant.json"), None).status, Status::NotApplicable);
        // ol.prop1 on strongly_convex: the measured error lies below δ = ℓLh²/2 = (9/2)·2·10⁻⁴/2.
        let e = prop1_local_error(&shipped("strongly_convex.json")).unwrap();
        assert!(e.hi < q("9/20000") && e.lo > q("1e-5"));
    }

    #[test]
    fn leaving_the_domain_box_is_not_certified() {
        // Minimizer x* = 3 outside the box [−2, 2]: both trajectories certainly leave it.
        let s = with_eps(spec(json!([["1"]]), json!(["3"]), json!(["0"]), "1/10", 50), &q("1"));
        let c = shadow_orbit(&s, None);
        assert_eq!(c.status, Status::NotApplicable, "{c:?}");
        assert!(c.reason.as_deref().unwrap().starts_with("rule 4: the exact "), "{:?}", c.reason);
        assert!(c.values["domain_margin"].hi() < &Rat::zero());
        // Q = diag(1, 0) from the corner (1, 2) of [−2, 2]²: the second coordinate stays on the face
        // exactly, the tubes have positive radii: neither inside nor outside is certified.
        let s =
            with_eps(spec(json!([["1", "0"], ["0", "0"]]), json!(["0", "0"]), json!(["1", "2"]), "1/10", 50), &q("1"));
        let c = shadow_orbit(&s, None);
        assert_eq!(c.status, Status::Inconclusive, "{c:?}");
        assert!(c.reason.as_deref().unwrap().contains("domain box"), "{:?}", c.reason);
        assert_eq!(c.values["domain_margin"].hi(), &Rat::zero());
        // x₀ on a face, moving inwards: the margin is exactly 0 and the claim is decided.
        let s =
            with_eps(spec(json!([["1", "0"], ["0", "1"]]), json!(["0", "0"]), json!(["2", "2"]), "1/10", 50), &q("1"));
        let c = shadow_orbit(&s, None);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert_eq!(c.values["domain_margin"].to_text(), "[0, 0]");
    }

    #[test]
    fn local_error_matches_the_closed_form() {
        // 1-D, q = 2, h = 1/10, y₀ = 1: yₖ₊₁ − Ψ(yₖ) = (e^{−qh} − 1 + qh)e^{−qkh}, largest at k = 0.
        let s = spec(json!([["2"]]), json!(["0"]), json!(["1"]), "1/10", 30);
        let e = prop1_local_error(&s).unwrap();
        let (elo, ehi) = exp_neg(&q("1/5"));
        let (olo, ohi) = (elo - q("4/5"), ehi - q("4/5"));
        assert!(e.lo <= olo && ohi <= e.hi, "local error {} vs oracle [{olo}, {ohi}]", e.to_string_exact());
        assert!(&e.hi - &e.lo < q("1e-14"));
        // The same objective written as an expression: the interval Taylor flow and the mean-value
        // form give an enclosure of the same closed form, nearly as tight.
        let x = parse_spec_value(&json!({
            "name": "t", "objective": {"type": "expression", "vars": ["x"], "f": "x^2"},
            "domain": [["-2", "2"]], "algorithm": {"method": "gd", "h": "1/10"}, "x0": ["1"],
            "horizon": {"steps": 30}
        }))
        .unwrap();
        let e = prop1_local_error(&x).unwrap();
        assert!(e.lo <= olo && ohi <= e.hi, "expression: {} vs oracle [{olo}, {ohi}]", e.to_string_exact());
        assert!(&e.hi - &e.lo < q("1e-12"), "{}", e.to_string_exact());
        // A wrong value just above the true one is outside the enclosure.
        assert!(e.hi < &ohi + q("1e-11"));
    }

    /// The three enclosure formulas on hand-made tubes with dyadic data (every bound exact up to the
    /// eigenvalue bound of ‖I − hQ‖): each radius must count.
    #[test]
    fn enclosure_formulas_on_synthetic_tubes() {
        let tube = |pts: &[(f64, f64)]| {
            let mut t = Tube::new(1);
            pts.iter().for_each(|&(m, r)| t.push(&[m], r));
            t
        };
        // ‖x − y‖ ∈ |0 − 3| ± (1 + 1/2) at k = 1; k = 0 gives [0, 1/2].
        let d = sup_distance(&tube(&[(0.0, 0.25), (0.0, 1.0)]), &tube(&[(0.0, 0.25), (3.0, 0.5)])).unwrap();
        assert_eq!(d.range.to_string_exact(), "[3/2, 9/2]");
        assert!(sup_distance(&tube(&[(0.0, f64::INFINITY)]), &tube(&[(0.0, 0.0)])).is_none());
        // Domain [−2, 2], x₀ = 0 (margin 2), then a ball [1.25, 1.75] (margin in [1/4, 3/4]).
        let dom = vec![(q("-2"), q("2"))];
        let path = |what, t: &Tube| (what, t.balls());
        let margin = |tubes: &[(&'static str, Vec<shadowcert_checker::tube::Ball>)]| {
            let paths: Vec<Path> = tubes
                .iter()
                .map(|(what, b)| Path { what, samples: b, segments: None, per_h: 1, probes: None })
                .collect();
            domain_of(&dom, &[q("0")], &paths).unwrap()
        };
        let m = margin(&[path("a", &tube(&[(0.0, 0.0), (1.5, 0.25)]))]);
        assert_eq!(m.margin.to_string_exact(), "[1/4, 3/4]");
        let m = margin(&[path("a", &tube(&[(0.0, 0.0), (1.0, 0.0)])), path("b", &tube(&[(0.0, 0.0), (2.5, 0.25)]))]);
        assert_eq!(
            (m.margin.to_string_exact(), m.exit, m.unsure),
            ("[-3/4, -1/4]".into(), Some(("b", 1, false)), Some(("b", 1, false)))
        );
    }

    #[test]
    fn deterministic() {
        let s = with_eps(
            spec(json!([["2", "1/3"], ["1/3", "1"]]), json!(["1/7", "0"]), json!(["1", "-1"]), "1/50", 1000),
            &q("1/20"),
        );
        assert_eq!(shadow_orbit(&s, None), shadow_orbit(&s, None));
        assert_eq!(prop1_local_error(&s), prop1_local_error(&s));
    }
}
