//! Elkabetz & Cohen (002, 003), Theorem 1: the distance between gradient descent and gradient flow,
//! made rigorous and explicit for quadratic objectives f(x) = ½xᵀQx − bᵀx (claim `ec.thm1`).
//!
//! # The paper's statement
//! 002 (Theorem 1) and 003 (slide "Numerical Integration ⟷ Optimization") state, via the "fundamental
//! theorem" of numerical integration (Hairer et al. 1993),
//!
//! ‖θ(t) − θ_{k = t/η}‖ ≲ ηt·exp(∫₀ᵗ λ₋(t′) dt′),  λ₋(t′) = max(−λ_min(∇²f(θ(t′))), 0),
//!
//! (002 writes λ₋ = min(λ_min, 0) and the exponent −∫λ₋: the same quantity). "≲" hides a constant
//! (a bound of the local error) and the step-size condition under which the one-step factor is
//! 1 − hλ_min. This module proves a bound with no hidden constant.
//!
//! # Derivation (the discrete Grönwall recursion behind the fundamental theorem)
//! Let xₖ be the exact GD orbit xₖ₊₁ = Ψ(xₖ), Ψ(x) = x − h∇f(x), and yₖ = y(kh) the exact gradient
//! flow ẏ = −∇f(y), y(0) = x₀. With the local error dₖ = yₖ₊₁ − Ψ(yₖ),
//!
//! xₖ₊₁ − yₖ₊₁ = Ψ(xₖ) − Ψ(yₖ) − dₖ = (∫₀¹ DΨ(yₖ + s(xₖ − yₖ)) ds)(xₖ − yₖ) − dₖ,        (EC1)
//!
//! so eₖ = ‖xₖ − yₖ‖₂ satisfies e₀ = 0 and
//!
//! eₖ₊₁ ≤ ρₖ eₖ + τₖ,  ρₖ ≥ sup over the segment of ‖I − h∇²f‖₂,  τₖ ≥ ‖dₖ‖₂,         (EC2)
//!
//! hence eₖ ≤ Eₖ with E₀ = 0, Eₖ₊₁ = ρₖEₖ + τₖ, and B_K = max₀≤ₖ≤K Eₖ bounds maxₖ eₖ.      (EC3)
//!
//! For a quadratic DΨ = I − hQ is constant (EC1 is exact) and
//! ρ = ‖I − hQ‖₂ = max(|1 − hλ_min|, |1 − hλ_max|). The paper's factor 1 − hλ_min equals ρ exactly
//! when h(λ_min + λ_max) ≤ 2; otherwise (a step beyond the stable range of the stiff directions)
//! 1 − hλ_min < ρ and the recursion with the paper's factor is not a bound (a test below shows the
//! measured distance above it). Here ρ is always the valid one. Under that condition
//! ρ = 1 − hλ_min ≤ e^{−hλ_min}, and with τₖ ≤ τ̄ (EC3) gives E_K ≤ Kτ̄·max(1, ρ)^K ≤
//! hT·(τ̄/h²)·e^{∫₀ᵀλ₋}: the paper's shape ηt·exp(∫λ₋) with its hidden constant made explicit,
//! τ̄/h² ≤ ℓL/2 (000 Prop. 1).
//!
//! # What is computed
//! * ρ: an exact rational upper bound from exact eigenvalue brackets of Q (`crate::exact`; |1 − hλ|
//!   is convex in λ, so its maximum over a bracket is at an end). Recorded as `rho`, next to
//!   `rho_paper` ∋ 1 − hλ_min.
//! * τₖ: per-step enclosures of ‖y((k+1)h) − Ψ(y(kh))‖₂ on the enclosed flow tube
//!   (`trajectories::local_error_steps`).
//! * B_K (`bound`): the recursion (EC3) in `f64` rounded upward (inari), recorded exactly.
//! * `distance` ∋ maxₖ ‖xₖ − y(kh)‖₂, the measured distance (the enclosure of `shadow.orbit`),
//!   which must lie below B_K (a recorded consistency inequality).
//! * The paper's quantities: `integral_lambda_minus` ∋ ∫₀ᵀ λ₋ dt = T·max(−λ_min, 0) (T = Kh,
//!   constant Hessian) and `paper_shape` ∋ hT·exp(∫₀ᵀ λ₋) — the shape of the "≲" bound, not a bound.
//!
//! # Verdict
//! Verified when B_K is finite and, if the spec sets `epsilon`, B_K ≤ ε. When ε < B_K: refuted only
//! when ε < the measured distance's lower end (a rigorous disproof of maxₖ eₖ ≤ ε); inconclusive
//! otherwise ("the certified bound is looser than ε" when the measured distance is certainly ≤ ε).
//! For quadratics nothing here depends on the domain box (no declared constant is used).
//!
//! # Re-verification
//! By re-running (`certify check` calls [`thm1`] through `theorems::evaluate`): sequential `f64`,
//! inari and exact arithmetic only, deterministic.
//!
//! Enclosure: rigorous. Tightness: for d = 1 and 0 ≤ hq ≤ 1 the recursion is an identity
//! (E_k = e_k, tested against the closed form); in general B_K is the worst case over the directions
//! of dₖ, so it exceeds the measured distance when the local error and the growth live in different
//! eigendirections.

use super::assumptions::EIG_BITS;
use super::trajectories::{local_error_steps, quadratic_gd, refute_by_distance, sup_distance, Distance};
use crate::claim::{Claim, Rel, Status};
use crate::dynamics::ivec::point;
use crate::dynamics::{gd, gradient_flow, Tube};
use crate::enclose::{rat_interval_to_interval, rat_to_interval};
use crate::exact::{eig_enclosure, Rat, RatInterval};
use crate::spec::Spec;
use inari::Interval;
use num_traits::{One, Signed, Zero};

/// Statement of `ec.thm1` when it stops before its bound is computed.
const HEADLINE: &str = "Elkabetz–Cohen (002/003) Thm 1, rigorous: maxₖ ‖xₖ − y(kh)‖₂ ≤ B_K by the discrete Grönwall \
     recursion eₖ₊₁ ≤ ρeₖ + τₖ (GD on a quadratic)";

/// The exact GD orbit and the exact gradient flow of a quadratic gd spec over its horizon, enclosed,
/// with the per-step local errors and the measured sup distance: computed once for `ec.thm1` and
/// `shadow.finite` (`theorems::evaluate` passes it to both).
pub struct GdVsFlow {
    /// The flow samples y(kh), k = 0..=N.
    pub(crate) flow: Tube,
    /// τₖ ∋ ‖y((k+1)h) − Ψ(y(kh))‖₂ (`None` when not finite).
    pub(crate) tau: Option<Vec<Interval>>,
    /// maxₖ ‖xₖ − y(kh)‖₂ for the orbit from x₀ (`None` when not finite).
    pub(crate) distance: Option<Distance>,
}

impl GdVsFlow {
    /// Encloses both trajectories of `spec`; `None` unless the objective is quadratic and the method
    /// is gd.
    ///
    /// Enclosure: rigorous.
    pub fn new(spec: &Spec) -> Option<Self> {
        let (q, b) = quadratic_gd(spec).ok()?;
        let (h, x0) = (&spec.algorithm.h, &spec.x0);
        let steps = usize::try_from(spec.steps).expect("horizon.steps fits in usize");
        let flow = gradient_flow(q, b, x0, h, steps);
        let tau = local_error_steps(q, b, h, &flow);
        let distance = sup_distance(&gd(q, b, x0, h, steps), &flow);
        Some(GdVsFlow { flow, tau, distance })
    }
}

/// `ec.thm1` for `spec` (quadratic objective, method gd; see the module documentation). `run`: the
/// trajectories of [`GdVsFlow::new`] when the caller has them (computed here otherwise).
///
/// Records: `rho` (exact, ≥ ‖I − hQ‖₂), `rho_paper` ∋ 1 − hλ_min, `h_lambda_sum` ∋ h(λ_min + λ_max)
/// (the paper's factor is ‖I − hQ‖₂ when it is ≤ 2), `bound` = B_K (exact upper
/// bound), `distance` ∋ maxₖ ‖xₖ − y(kh)‖₂, `local_error_max` ∋ maxₖ τₖ, `integral_lambda_minus`,
/// `paper_shape`, `steps`, and `epsilon` when the spec sets it.
///
/// Enclosure: rigorous.
pub fn thm1(spec: &Spec, run: Option<&GdVsFlow>) -> Claim {
    let (q, _) = match quadratic_gd(spec) {
        Ok(qb) => qb,
        Err(reason) => return Claim::new("ec.thm1", HEADLINE).not_applicable(reason),
    };
    let target = match &spec.epsilon {
        Some(_) => ", and B_K ≤ ε (the spec's epsilon)",
        None => "",
    };
    let mut c = Claim::new(
        "ec.thm1",
        format!(
            "Elkabetz–Cohen (002/003) Thm 1, rigorous form: maxₖ ‖xₖ − y(kh)‖₂ ≤ B_K for the exact GD orbit xₖ and \
             the exact gradient flow y, y(0) = x₀, with B_K from the discrete Grönwall recursion (EC3) \
             Eₖ₊₁ = ρEₖ + τₖ, ρ ≥ ‖I − hQ‖₂, τₖ ≥ ‖y((k+1)h) − Ψ(y(kh))‖₂ enclosed on the flow tube{target}"
        ),
    );
    let h = &spec.algorithm.h;
    let n = Rat::from_integer(spec.steps.into());
    c.value("steps", n.clone());
    if let Some(e) = &spec.epsilon {
        c.value("epsilon", e.clone());
    }

    // ρ and the paper's factor, from exact eigenvalue brackets.
    let lam_min = eig_enclosure(q, 0, EIG_BITS);
    let lam_max = eig_enclosure(q, q.len() - 1, EIG_BITS);
    let rho = step_factor(h, &[&lam_min, &lam_max]);
    c.value("rho", rho.clone());
    c.enclosed("rho_paper", RatInterval::new(Rat::one() - h * &lam_min.hi, Rat::one() - h * &lam_min.lo));
    // rho_paper = ‖I − hQ‖₂ exactly when h(λ_min + λ_max) ≤ 2 (module documentation).
    c.enclosed("h_lambda_sum", RatInterval::new(h * (&lam_min.lo + &lam_max.lo), h * (&lam_min.hi + &lam_max.hi)));
    // ∫₀ᵀ λ₋ dt = T·max(−λ_min, 0), T = Kh, and the paper's shape hT·exp(∫λ₋).
    let t = &n * h;
    let neg = |x: &Rat| if x.is_negative() { -x } else { Rat::zero() };
    let integral = RatInterval::new(&t * neg(&lam_min.hi), &t * neg(&lam_min.lo));
    let shape = rat_to_interval(&(h * &t)) * rat_interval_to_interval(&integral).exp();
    c.enclosed("integral_lambda_minus", integral);
    if let (Some(lo), Some(hi)) = (Rat::from_float(shape.inf()), Rat::from_float(shape.sup())) {
        c.enclosed("paper_shape", RatInterval::new(lo, hi));
    }

    let owned;
    let run = match run {
        Some(r) => r,
        None => {
            owned = GdVsFlow::new(spec).expect("quadratic gd");
            &owned
        }
    };
    let (Some(tau), Some(dist)) = (&run.tau, &run.distance) else {
        c.reason = Some(
            "enclosure too wide: a tube radius or a local error is +∞ (the orbit or the flow overflows f64 over the \
             horizon)"
                .into(),
        );
        return c;
    };
    let Some((bound, tau_max)) = gronwall(&rho, tau) else {
        c.reason = Some("enclosure too wide: the Grönwall bound B_K overflows f64".into());
        return c;
    };
    c.enclosed("local_error_max", tau_max);
    c.value("bound", bound.clone());
    c.enclosed("distance", dist.range.clone());
    if !c.check(
        "consistency: the measured distance does not exceed the certified bound: distance lower end <= bound",
        dist.range.lo.clone(),
        Rel::Le,
        bound.clone(),
    ) {
        c.status = Status::Refuted;
        c.reason = Some(format!(
            "rigorous disproof of the bound: at k = {}, ‖x_k − y(kh)‖₂ ≥ distance lower end > B_K",
            dist.argmax_lo
        ));
        return c;
    }
    let Some(eps) = spec.epsilon.clone() else {
        c.status = Status::Verified;
        return c;
    };
    if c.check("(EC3) B_K <= ε: bound <= epsilon", bound.clone(), Rel::Le, eps.clone()) {
        c.status = Status::Verified;
        return c;
    }
    if refute_by_distance(&mut c, &eps, dist) {
        return c;
    }
    c.reason = Some(
        if c.check("measured: distance upper end <= epsilon", dist.range.hi.clone(), Rel::Le, eps) {
            "the certified bound is looser than ε: B_K > ε although the measured distance is ≤ ε (shadow.orbit)"
        } else {
            "enclosure too wide: ε lies inside the enclosure of the measured distance, below B_K"
        }
        .into(),
    );
    c
}

/// An exact upper bound of max over λ in the brackets of |1 − hλ| (convex in λ: the maximum over a
/// bracket is at one of its ends), i.e. of ‖I − hQ‖₂ when the brackets hold λ_min and λ_max.
///
/// Enclosure: exact.
pub(crate) fn step_factor(h: &Rat, brackets: &[&RatInterval]) -> Rat {
    brackets
        .iter()
        .flat_map(|r| [&r.lo, &r.hi])
        .map(|l| (Rat::one() - h * l).abs())
        .max()
        .expect("at least one bracket")
}

/// B_K = max₀≤ₖ≤K Eₖ of (EC3) with E₀ = 0, Eₖ₊₁ = ρEₖ + τ̄ₖ (τ̄ₖ the upper ends of `tau`), in `f64`
/// rounded upward, and the enclosure of maxₖ τₖ; `None` when B_K is not finite.
///
/// Enclosure: rigorous (B_K is an upper bound of the exact recursion, hence of maxₖ eₖ).
fn gronwall(rho: &Rat, tau: &[Interval]) -> Option<(Rat, RatInterval)> {
    let r = point(rat_to_interval(rho).sup());
    let (mut e, mut b, mut lo, mut hi) = (0.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    for t in tau {
        e = (r * point(e) + point(t.sup())).sup();
        b = b.max(e);
        lo = lo.max(t.inf());
        hi = hi.max(t.sup());
    }
    let exact = |x: f64| Rat::from_float(x);
    Some((exact(b)?, RatInterval::new(exact(lo)?, exact(hi)?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;
    use crate::spec::parse_spec_value;
    use num_bigint::BigInt;
    use serde_json::json;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// A quadratic gd spec with Q = diag(`qs`), b = 0 (numbers as exact strings).
    fn diag_spec(qs: &[&str], x0: &[&str], h: &str, steps: u64, eps: Option<&str>) -> Spec {
        let d = qs.len();
        let qm: Vec<Vec<&str>> = (0..d).map(|i| (0..d).map(|j| if i == j { qs[i] } else { "0" }).collect()).collect();
        let mut v = json!({
            "name": "t",
            "objective": {"type": "quadratic", "Q": qm, "b": vec!["0"; d]},
            "domain": vec![json!(["-100", "100"]); d],
            "algorithm": {"method": "gd", "h": h},
            "x0": x0,
            "horizon": {"steps": steps}
        });
        if let Some(e) = eps {
            v["epsilon"] = json!(e);
        }
        parse_spec_value(&v).unwrap()
    }

    fn value(c: &Claim, name: &str) -> crate::claim::Value {
        c.values.get(name).unwrap_or_else(|| panic!("{name} missing: {c:?}")).clone()
    }

    /// Fixed-point numbers with 256 fractional bits and directed rounding (the oracle's arithmetic).
    const FRAC: usize = 256;

    fn fixed(r: &Rat, up: bool) -> BigInt {
        let s = r * Rat::from_integer(BigInt::one() << FRAC);
        if up {
            s.ceil().to_integer()
        } else {
            s.floor().to_integer()
        }
    }

    fn unfixed(x: &BigInt) -> Rat {
        Rat::new(x.clone(), BigInt::one() << FRAC)
    }

    /// ⌊ab·2⁻²⁵⁶⌋ or ⌈ab·2⁻²⁵⁶⌉ (floor/ceil of the exact product, any signs).
    fn fmul(a: &BigInt, b: &BigInt, up: bool) -> BigInt {
        let p = Rat::new(a * b, BigInt::one() << FRAC);
        if up {
            p.ceil().to_integer()
        } else {
            p.floor().to_integer()
        }
    }

    /// e^{x} for |x| ≤ 1 between the Taylor sum to order 60 and that sum plus the remainder bound
    /// 3|x|⁶¹/61! (Lagrange, e^{ξ} ≤ 3), as exact rationals. Independent of the code under test.
    fn exp_rat(x: &Rat) -> (Rat, Rat) {
        assert!(x.abs() <= Rat::one(), "exp_rat: |x| <= 1");
        let (mut sum, mut term) = (Rat::one(), Rat::one());
        for n in 1..=60 {
            term = term * x / Rat::from_integer(n.into());
            sum += &term;
        }
        let rem = (&term * x / Rat::from_integer(61.into())).abs() * Rat::from_integer(3.into());
        (&sum - &rem, sum + rem)
    }

    /// Oracle for diagonal Q, b = 0, x₀ ≥ 0 (coordinates i): aᵢ = e^{−qᵢh}, cᵢ = 1 − hqᵢ,
    /// τₖ = ‖((aᵢ − cᵢ)aᵢᵏx₀ᵢ)ᵢ‖₂, ρ = maxᵢ |cᵢ|, and B_K = maxₖ Eₖ of (EC3), each enclosed in 256-bit
    /// fixed point; also maxₖ ‖xₖ − yₖ‖₂ = maxₖ ‖(aᵢᵏ − cᵢᵏ)x₀ᵢ‖₂ (squared, to avoid square roots).
    /// Needs aᵢ ≥ cᵢ (true: e^{−s} ≥ 1 − s) and cᵢ ≥ 0.
    struct Oracle {
        bound: (Rat, Rat),
        dist_sq: (Rat, Rat),
    }

    fn oracle(qs: &[Rat], x0: &[Rat], h: &Rat, steps: usize) -> Oracle {
        let d = qs.len();
        let a: Vec<(BigInt, BigInt)> = qs
            .iter()
            .map(|qi| {
                let (lo, hi) = exp_rat(&-(qi * h));
                (fixed(&lo, false), fixed(&hi, true))
            })
            .collect();
        let c: Vec<(BigInt, BigInt)> = qs
            .iter()
            .map(|qi| {
                let ci = Rat::one() - h * qi;
                (fixed(&ci, false), fixed(&ci, true))
            })
            .collect();
        assert!(c.iter().all(|v| v.0 >= BigInt::zero()), "oracle: needs 1 − hq ≥ 0");
        let rho = qs.iter().map(|qi| (Rat::one() - h * qi).abs()).max().unwrap();
        let rho = (fixed(&rho, false), fixed(&rho, true));
        // Powers aᵏ and cᵏ (lower, upper).
        let mut ak: Vec<(BigInt, BigInt)> = (0..d).map(|_| (BigInt::one() << FRAC, BigInt::one() << FRAC)).collect();
        let mut ck: Vec<(BigInt, BigInt)> = ak.clone();
        let x: Vec<(BigInt, BigInt)> = x0.iter().map(|v| (fixed(v, false), fixed(v, true))).collect();
        let (mut e_lo, mut e_hi) = (BigInt::zero(), BigInt::zero());
        let (mut b_lo, mut b_hi) = (BigInt::zero(), BigInt::zero());
        let (mut d_lo, mut d_hi) = (BigInt::zero(), BigInt::zero());
        let sq = |v: &BigInt| v * v;
        for _ in 0..=steps {
            // ‖xₖ − yₖ‖² = Σ ((aᵢᵏ − cᵢᵏ)x₀ᵢ)², aᵏ ≥ cᵏ.
            let (mut s_lo, mut s_hi) = (BigInt::zero(), BigInt::zero());
            // τₖ² = Σ ((aᵢ − cᵢ)aᵢᵏx₀ᵢ)².
            let (mut t_lo, mut t_hi) = (BigInt::zero(), BigInt::zero());
            for i in 0..d {
                let lo = fmul(&(&ak[i].0 - &ck[i].1).max(BigInt::zero()), &x[i].0, false);
                let hi = fmul(&(&ak[i].1 - &ck[i].0), &x[i].1, true);
                s_lo += sq(&lo);
                s_hi += sq(&hi);
                let lo = fmul(&fmul(&(&a[i].0 - &c[i].1).max(BigInt::zero()), &ak[i].0, false), &x[i].0, false);
                let hi = fmul(&fmul(&(&a[i].1 - &c[i].0), &ak[i].1, true), &x[i].1, true);
                t_lo += sq(&lo);
                t_hi += sq(&hi);
            }
            d_lo = d_lo.max(s_lo);
            d_hi = d_hi.max(s_hi);
            b_lo = b_lo.max(e_lo.clone());
            b_hi = b_hi.max(e_hi.clone());
            // Eₖ₊₁ = ρEₖ + τₖ, τₖ = √(t) in fixed point: ⌊√(t)⌋ ≤ τ·2²⁵⁶ ≤ ⌊√(t)⌋ + 1.
            e_lo = fmul(&rho.0, &e_lo, false) + t_lo.sqrt();
            e_hi = fmul(&rho.1, &e_hi, true) + t_hi.sqrt() + 1;
            for i in 0..d {
                ak[i] = (fmul(&ak[i].0, &a[i].0, false), fmul(&ak[i].1, &a[i].1, true));
                ck[i] = (fmul(&ck[i].0, &c[i].0, false), fmul(&ck[i].1, &c[i].1, true));
            }
        }
        let sq_scale = Rat::from_integer(BigInt::one() << (2 * FRAC));
        Oracle {
            bound: (unfixed(&b_lo), unfixed(&b_hi)),
            dist_sq: (Rat::from_integer(d_lo) / &sq_scale, Rat::from_integer(d_hi) / sq_scale),
        }
    }

    /// The claim's B_K and distance against the oracle: B_K ≥ the exact recursion and is tight to
    /// the relative tolerance `tol` (the local errors are O(h²) differences of O(1) samples, so the
    /// tube radii weigh about 10⁻¹⁶k/h² relative); the distance encloses the oracle's and lies below B_K.
    fn assert_matches(c: &Claim, o: &Oracle, tol: &str, what: &str) {
        let bound = value(c, "bound").hi().clone();
        assert!(bound >= o.bound.0, "{what}: B_K {bound} below the exact recursion {}", o.bound.0);
        assert!(&bound - &o.bound.1 < q(tol) * &o.bound.1, "{what}: B_K {bound} not tight (oracle {})", o.bound.1);
        assert!(&o.bound.1 - &o.bound.0 < q("1e-60"), "{what}: oracle too wide");
        let d = value(c, "distance");
        assert!(d.lo() * d.lo() <= o.dist_sq.0 && o.dist_sq.1 <= d.hi() * d.hi(), "{what}: distance misses the oracle");
        assert!(d.hi() <= &bound, "{what}: measured distance {} above B_K {bound}", d.to_text());
    }

    #[test]
    fn one_dimensional_bound_is_the_closed_form() {
        // q = 2, h = 1/10: ρ = 4/5 exactly and Eₖ = x₀(aᵏ − cᵏ) = eₖ (telescoping): B_K is the distance.
        let s = diag_spec(&["2"], &["1"], "1/10", 100, None);
        let c = thm1(&s, None);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert_eq!(value(&c, "rho").to_text(), "4/5");
        assert_eq!(value(&c, "rho_paper").to_text(), "[4/5, 4/5]");
        assert_eq!(value(&c, "integral_lambda_minus").to_text(), "[0, 0]");
        let o = oracle(&[q("2")], &[q("1")], &q("1/10"), 100);
        assert_matches(&c, &o, "1e-10", "q = 2");
        // B_K equals the true distance up to the enclosures: the squared oracle distance is B_K².
        let b = value(&c, "bound").hi().clone();
        assert!(&b * &b - &o.dist_sq.1 < q("1e-13"));
        // A negative eigenvalue, q = −1: ρ = 1 + h, ∫λ₋ = T = 3, B_K = x₀(e^{T} − (1 + h)^K) at k = K.
        let s = diag_spec(&["-1"], &["1/3"], "1/20", 60, None);
        let c = thm1(&s, None);
        assert_eq!(c.status, Status::Verified);
        assert_eq!(value(&c, "rho").to_text(), "21/20");
        assert_eq!(value(&c, "integral_lambda_minus").to_text(), "[3, 3]");
        // The paper's shape hT·e^{T} = (1/20)·3·e³ ≈ 3.0128.
        let shape = value(&c, "paper_shape");
        assert!(shape.lo() > &q("3.0128") && shape.hi() < &q("3.0129"), "{}", shape.to_text());
        assert_matches(&c, &oracle(&[q("-1")], &[q("1/3")], &q("1/20"), 60), "1e-10", "q = -1");
    }

    #[test]
    fn diagonal_with_a_negative_eigenvalue_matches_the_oracle() {
        let (qs, x0, h) = (vec![q("2"), q("-1/2")], vec![q("1"), q("1/2")], q("1/20"));
        let s = diag_spec(&["2", "-1/2"], &["1", "1/2"], "1/20", 200, Some("10"));
        let c = thm1(&s, None);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        // ρ = max(|1 − 1/10|, 1 + 1/40) = 41/40; the paper's 1 − hλ_min is the same here.
        assert_eq!(value(&c, "rho").to_text(), "41/40");
        assert_eq!(value(&c, "rho_paper").to_text(), "[41/40, 41/40]");
        assert_eq!(value(&c, "h_lambda_sum").to_text(), "[3/40, 3/40]");
        assert_eq!(value(&c, "integral_lambda_minus").to_text(), "[5, 5]");
        assert_matches(&c, &oracle(&qs, &x0, &h, 200), "1e-10", "diag(2, -1/2)");
        // Here the local error and the growth live in different directions: B_K is loose.
        let b = value(&c, "bound").hi().clone();
        assert!(value(&c, "distance").hi() * q("2") < b, "B_K should be visibly above the distance here");
    }

    #[test]
    fn the_paper_factor_is_not_a_bound_beyond_the_stable_range() {
        // h(λ_min + λ_max) = (1/10)(30 − 1/2) > 2: ρ = |1 − 3| = 2, the paper's 1 − hλ_min = 21/20.
        let s = diag_spec(&["30", "-1/2"], &["1", "1"], "1/10", 12, None);
        let c = thm1(&s, None);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert_eq!(value(&c, "rho").to_text(), "2");
        assert_eq!(value(&c, "rho_paper").to_text(), "[21/20, 21/20]");
        assert_eq!(value(&c, "h_lambda_sum").to_text(), "[59/20, 59/20]");
        let d = value(&c, "distance");
        assert!(d.hi() <= value(&c, "bound").hi());
        // The recursion with the paper's factor and the same τₖ (x₁ − y₁ = −d₀, so τ₀ ≤ e₁, and the
        // oscillating stiff direction grows like 2ᵏ) ends far below the measured distance.
        let flow = gradient_flow(
            &vec![vec![q("30"), q("0")], vec![q("0"), q("-1/2")]],
            &[q("0"), q("0")],
            &[q("1"), q("1")],
            &q("1/10"),
            12,
        );
        let tau = local_error_steps(
            &vec![vec![q("30"), q("0")], vec![q("0"), q("-1/2")]],
            &[q("0"), q("0")],
            &q("1/10"),
            &flow,
        )
        .unwrap();
        let (paper, _) = gronwall(&q("21/20"), &tau).unwrap();
        assert!(paper < d.lo().clone(), "paper-factor recursion {paper} vs measured {}", d.to_text());
    }

    #[test]
    fn epsilon_decides_as_specified() {
        let base = |eps: &str| thm1(&diag_spec(&["2", "-1/2"], &["1", "1/2"], "1/20", 200, Some(eps)), None);
        let c = base("10");
        let (b, d) = (value(&c, "bound").hi().clone(), value(&c, "distance"));
        // ε between the measured distance and B_K: the certified bound is looser than ε.
        let mid = (d.hi() + &b) / q("2");
        let c = base(&crate::exact::fmt_rat(&mid));
        assert_eq!(c.status, Status::Inconclusive, "{c:?}");
        assert!(c.reason.as_deref().unwrap().starts_with("the certified bound is looser than ε"));
        // ε inside the distance enclosure: too wide.
        let inside = (d.lo() + d.hi()) / q("2");
        let c = base(&crate::exact::fmt_rat(&inside));
        assert_eq!(c.status, Status::Inconclusive);
        assert!(c.reason.as_deref().unwrap().starts_with("enclosure too wide"), "{:?}", c.reason);
        // ε below the measured distance: refuted rigorously.
        let below = d.lo() / q("2");
        let c = base(&crate::exact::fmt_rat(&below));
        assert_eq!(c.status, Status::Refuted);
        assert!(c.reason.as_deref().unwrap().starts_with("rigorous disproof: at k = "));
        // ε = B_K exactly: verified.
        assert_eq!(base(&crate::exact::fmt_rat(&b)).status, Status::Verified);
    }

    #[test]
    fn shipped_specs() {
        let load = |n: &str| {
            crate::spec::load_spec(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs").join(n)).unwrap()
        };
        for name in ["saddle.json", "strongly_convex.json", "ill_conditioned.json"] {
            let c = thm1(&load(name), None);
            assert_eq!(c.status, Status::Verified, "{name}: {c:?}");
            assert!(value(&c, "distance").hi() <= value(&c, "bound").hi(), "{name}");
        }
        let c = thm1(&load("heavy_ball.json"), None);
        assert_eq!(c.status, Status::NotApplicable);
        assert!(c.reason.as_deref().unwrap().starts_with("method is heavy_ball"));
        let c = thm1(&load("expression_2d.json"), None);
        assert_eq!(c.status, Status::NotApplicable);
    }
}
