//! Elkabetz & Cohen (002, 003), Theorem 1: the distance between gradient descent and gradient flow,
//! made rigorous and explicit (claim `ec.thm1`): for quadratic objectives f(x) = ½xᵀQx − bᵀx with a
//! constant step factor, for expression and dataset objectives with a step factor enclosed along
//! the trajectories (section "Non-quadratic objectives").
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
//! # Non-quadratic objectives (expression, dataset)
//! (EC1)–(EC3) hold unchanged with a step factor ρₖ per step. Let the flow tube give
//! ‖yₖ − mₖ‖₂ ≤ rₖ (`dynamics::nonlinear::gradient_flow`). If eₖ ≤ Eₖ, then xₖ and yₖ, hence the
//! whole segment between them, lie in the ball B(mₖ, rₖ + Eₖ); every ∇²f on it is symmetric with
//! spectrum in the enclosure [λ_lo, λ_hi] on the ball's box hull, so the averaged Jacobian of (EC1)
//! has ‖·‖₂ ≤ ρₖ = max(|1 − hλ_lo|, |1 − hλ_hi|) (`dynamics::nonlinear::gd_contraction`), and
//! eₖ₊₁ ≤ ρₖEₖ + τₖ = Eₖ₊₁: the bound holds by induction, with ρₖ computed from Eₖ itself.
//! τₖ comes from `dynamics::nonlinear::gd_local_error` (mean-value form on the flow tube).
//! Recorded: `rho_max` ≥ maxₖ ρₖ instead of `rho`, `rho_paper` and `h_lambda_sum`.
//!
//! ∫₀ᵀ λ₋(y(t)) dt is enclosed on boxes that cover the flow between samples
//! (`dynamics::nonlinear::flow_cover`: Picard a-priori enclosures over pieces of length h/(2j),
//! forward from sample k and backward from sample k + 1): above by Σ (piece)·sup λ₋ with
//! sup λ₋ ≤ max(sup(−λ_min), 0), below by Σ (piece)·max(−sup λ_min, 0) (λ_min enclosed by
//! `BoxObjective::hessian_eigenvalues`). Its width is about (h/2)·(total variation of λ₋ along the
//! flow) plus the slack of the boxes. When the boxes do not verify, the statement says that
//! `integral_lambda_minus` is not recorded. No declared constant is used, so the domain box plays
//! no part (as for quadratics); outside the objective's natural domain the enclosures are
//! unbounded and the claim is inconclusive.
//!
//! Tightness, measured: the double well −x²/2 + x⁴/4 (a test) B_K is 0.2 % above the best
//! recursion with the exact segment factors; `specs/expression_2d.json` B_K ≈ 0.049 for a measured
//! distance ≈ 0.033; `specs/digits_logistic_gd.json` (d = 65) B_K ≈ 0.047 against ≈ 0.0215 (a
//! norm recursion is the worst case over the directions of the local errors, as for quadratics).
//!
//! # Verdict
//! Verified when B_K is finite and, if the spec sets `epsilon`, B_K ≤ ε. When ε < B_K: refuted only
//! when ε < the measured distance's lower end (a rigorous disproof of maxₖ eₖ ≤ ε); inconclusive
//! otherwise ("the certified bound is looser than ε" when the measured distance is certainly ≤ ε).
//! Nothing here depends on the domain box (no declared constant is used).
//!
//! # Re-verification
//! The statement lives in the checker (quadratics: `shadowcert_checker::theorems::trajectories`;
//! expression and dataset objectives: `shadowcert_checker::theorems::smooth`, with the flow cover
//! of `shadowcert_checker::nonlinear::flow_cover`); `certify check` verifies the tubes from their
//! checkpoints and re-derives the record.
//!
//! Enclosure: rigorous. Tightness: for d = 1 and 0 ≤ hq ≤ 1 the recursion is an identity
//! (E_k = e_k, tested against the closed form); in general B_K is the worst case over the directions
//! of dₖ, so it exceeds the measured distance when the local error and the growth live in different
//! eigendirections.

use crate::claim::Claim;
use crate::spec::Spec;

/// `ec.thm1` for `spec` (see the module documentation): not applicable unless the method is gd;
/// else the checker's statement (`shadowcert_checker::theorems::trajectories` for quadratics,
/// `shadowcert_checker::theorems::smooth` for the other objectives) on the engine's tubes.
///
/// Records, always: `bound` = B_K (exact upper bound), `distance` ∋ maxₖ ‖xₖ − y(kh)‖₂,
/// `local_error_max` ∋ maxₖ τₖ, `integral_lambda_minus` ∋ ∫₀ᵀ λ₋, `paper_shape`, `steps`, and
/// `epsilon` when the spec sets it. Quadratics: `rho` (exact, ≥ ‖I − hQ‖₂), `rho_paper` ∋ 1 − hλ_min,
/// `h_lambda_sum` ∋ h(λ_min + λ_max) (the paper's factor is ‖I − hQ‖₂ when it is ≤ 2). Other
/// objectives: `rho_max` ≥ maxₖ ρₖ.
///
/// Enclosure: rigorous.
pub fn thm1(spec: &Spec) -> Claim {
    super::claim_of(spec, "ec.thm1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claim::Status;
    use crate::dynamics::ivec::point;
    use crate::enclose::rat_to_interval;
    use crate::exact::{parse_rat, Rat};
    use crate::spec::parse_spec_value;
    use inari::Interval;
    use num_bigint::BigInt;
    use num_traits::{One, Signed, ToPrimitive, Zero};
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
    /// tube radii — plain `f64` centres, about 10⁻¹⁶k·θᵏ — weigh about 10⁻¹⁶k·θᵏ/h² relative); the distance encloses the oracle's and lies below B_K.
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
        let c = thm1(&s);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert_eq!(value(&c, "rho").to_text(), "4/5");
        assert_eq!(value(&c, "rho_paper").to_text(), "[4/5, 4/5]");
        assert_eq!(value(&c, "integral_lambda_minus").to_text(), "[0, 0]");
        let o = oracle(&[q("2")], &[q("1")], &q("1/10"), 100);
        assert_matches(&c, &o, "1e-8", "q = 2");
        // B_K equals the true distance up to the enclosures: the squared oracle distance is B_K².
        let b = value(&c, "bound").hi().clone();
        assert!(&b * &b - &o.dist_sq.1 < q("1e-13"));
        // A negative eigenvalue, q = −1: ρ = 1 + h, ∫λ₋ = T = 3, B_K = x₀(e^{T} − (1 + h)^K) at k = K.
        let s = diag_spec(&["-1"], &["1/3"], "1/20", 60, None);
        let c = thm1(&s);
        assert_eq!(c.status, Status::Verified);
        assert_eq!(value(&c, "rho").to_text(), "21/20");
        assert_eq!(value(&c, "integral_lambda_minus").to_text(), "[3, 3]");
        // The paper's shape hT·e^{T} = (1/20)·3·e³ ≈ 3.0128.
        let shape = value(&c, "paper_shape");
        assert!(shape.lo() > &q("3.0128") && shape.hi() < &q("3.0129"), "{}", shape.to_text());
        assert_matches(&c, &oracle(&[q("-1")], &[q("1/3")], &q("1/20"), 60), "1e-8", "q = -1");
    }

    #[test]
    fn diagonal_with_a_negative_eigenvalue_matches_the_oracle() {
        let (qs, x0, h) = (vec![q("2"), q("-1/2")], vec![q("1"), q("1/2")], q("1/20"));
        let s = diag_spec(&["2", "-1/2"], &["1", "1/2"], "1/20", 200, Some("10"));
        let c = thm1(&s);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        // ρ = max(|1 − 1/10|, 1 + 1/40) = 41/40; the paper's 1 − hλ_min is the same here.
        assert_eq!(value(&c, "rho").to_text(), "41/40");
        assert_eq!(value(&c, "rho_paper").to_text(), "[41/40, 41/40]");
        assert_eq!(value(&c, "h_lambda_sum").to_text(), "[3/40, 3/40]");
        assert_eq!(value(&c, "integral_lambda_minus").to_text(), "[5, 5]");
        assert_matches(&c, &oracle(&qs, &x0, &h, 200), "1e-8", "diag(2, -1/2)");
        // Here the local error and the growth live in different directions: B_K is loose.
        let b = value(&c, "bound").hi().clone();
        assert!(value(&c, "distance").hi() * q("2") < b, "B_K should be visibly above the distance here");
    }

    #[test]
    fn the_paper_factor_is_not_a_bound_beyond_the_stable_range() {
        // h(λ_min + λ_max) = (1/10)(30 − 1/2) > 2: ρ = |1 − 3| = 2, the paper's 1 − hλ_min = 21/20.
        let s = diag_spec(&["30", "-1/2"], &["1", "1"], "1/10", 12, None);
        let c = thm1(&s);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert_eq!(value(&c, "rho").to_text(), "2");
        assert_eq!(value(&c, "rho_paper").to_text(), "[21/20, 21/20]");
        assert_eq!(value(&c, "h_lambda_sum").to_text(), "[59/20, 59/20]");
        let d = value(&c, "distance");
        assert!(d.hi() <= value(&c, "bound").hi());
        // The recursion with the paper's factor and the same τₖ (x₁ − y₁ = −d₀, so τ₀ ≤ e₁, and the
        // oscillating stiff direction grows like 2ᵏ) ends far below the measured distance. Closed form,
        // per coordinate: y(kh) = e^{−λkh}, dₖ = (e^{−λh} − (1 − hλ))·y(kh) (f64: the margin is wide).
        let tau: Vec<Interval> = (0..12)
            .map(|k| {
                let d = [30.0_f64, -0.5].map(|l| ((-l * 0.1).exp() - (1.0 - 0.1 * l)) * (-l * 0.1 * k as f64).exp());
                let t = 1.001 * (d[0] * d[0] + d[1] * d[1]).sqrt();
                Interval::try_from((t, t)).unwrap()
            })
            .collect();
        // Eₖ₊₁ = (21/20)Eₖ + τₖ, upward.
        let r = rat_to_interval(&q("21/20"));
        let paper = tau.iter().fold(0.0_f64, |e, t| (r * point(e) + *t).sup());
        let paper = Rat::from_float(paper).unwrap();
        assert!(&paper < d.lo(), "paper-factor recursion {paper} vs measured {}", d.to_text());
    }

    #[test]
    fn epsilon_decides_as_specified() {
        let base = |eps: &str| thm1(&diag_spec(&["2", "-1/2"], &["1", "1/2"], "1/20", 200, Some(eps)));
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

    /// A one-dimensional expression spec f = `f`(x), gd, domain [−2, 2].
    fn expression_1d(f: &str, x0: &str, h: &str, steps: u64, eps: Option<&str>) -> Spec {
        let mut v = json!({
            "name": "t",
            "objective": {"type": "expression", "vars": ["x"], "f": f},
            "domain": [["-2", "2"]],
            "algorithm": {"method": "gd", "h": h},
            "x0": [x0],
            "horizon": {"steps": steps}
        });
        if let Some(e) = eps {
            v["epsilon"] = json!(e);
        }
        parse_spec_value(&v).unwrap()
    }

    /// √r rounded down (`up` false) or up to 2⁻²⁵⁶, in fixed point, for r ≥ 0.
    fn fsqrt(r: &Rat, up: bool) -> BigInt {
        let scaled = fixed(&(r * Rat::from_integer(BigInt::one() << FRAC)), false);
        let s = scaled.sqrt();
        if up {
            s + 1
        } else {
            s
        }
    }

    /// The double well f = −x²/2 + x⁴/4 from x₀ = 1/10, h = 1/10, K = 40 (T = 4): the flow
    /// ẏ = y − y³ has the closed form y(t) = y₀eᵗ/√(1 + y₀²(e²ᵗ − 1)) and climbs from the unstable top
    /// (λ₋ = 1 − 3y² > 0 while y < 1/√3) to the well at 1; the GD map g(x) = x + h(x − x³) is
    /// increasing on [0, 1.1], so directed rounding of the orbit's bounds brackets the exact orbit. The
    /// oracle (256-bit fixed point, independent of the code under test) gives maxₖ |xₖ − y(kh)|, the
    /// best recursion of this form (ρ*ₖ = 1 + h − 3h·min(xₖ, yₖ)², the exact maximum of |1 − hf″| on
    /// the segment, with the exact τₖ) and Riemann brackets of ∫₀ᵀ λ₋ (λ₋(y(t)) decreases in t).
    #[test]
    fn double_well_matches_closed_forms() {
        let (h, x0, steps) = (q("1/10"), q("1/10"), 40usize);
        let s = expression_1d("-0.5*x^2 + 0.25*x^4", "1/10", "1/10", steps as u64, None);
        let c = thm1(&s);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        let to_rat = |x: &BigInt| Rat::new(x.clone(), BigInt::one() << FRAC);
        // e^h, bracketed; y(kh) from Eₖ = (e^h)ᵏ (y increases with E for y₀ > 0).
        let (ea, eb) = exp_rat(&h);
        let (ea, eb) = (fixed(&ea, false), fixed(&eb, true));
        let flow_at = |e: &BigInt, up: bool| -> Rat {
            let e = to_rat(e);
            let den = Rat::one() + &x0 * &x0 * (&e * &e - Rat::one());
            // y₀E/√den: round the square root the other way.
            &x0 * e / to_rat(&fsqrt(&den, !up))
        };
        let step = |x: &BigInt, up: bool| -> BigInt {
            let x = to_rat(x);
            let g = &x + &h * (&x - &x * &x * &x);
            fixed(&g, up)
        };
        let (mut xl, mut xu) = (fixed(&x0, false), fixed(&x0, true));
        let (mut el, mut eu) = (BigInt::one() << FRAC, BigInt::one() << FRAC);
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for _ in 0..=steps {
            xs.push((to_rat(&xl), to_rat(&xu)));
            ys.push((flow_at(&el, false), flow_at(&eu, true)));
            (xl, xu) = (step(&xl, false), step(&xu, true));
            (el, eu) = (fmul(&el, &ea, false), fmul(&eu, &eb, true));
        }
        // The measured distance: the claim's enclosure holds the oracle's bracket.
        let dist = |k: usize| {
            let ((a, b), (c, d)) = (&xs[k], &ys[k]);
            let lo = (a - d).max(c - b).max(Rat::zero());
            let hi = (b - c).abs().max((a - d).abs());
            (lo, hi)
        };
        let d_lo = (0..=steps).map(|k| dist(k).0).max().unwrap();
        let d_hi = (0..=steps).map(|k| dist(k).1).max().unwrap();
        let d = value(&c, "distance");
        assert!(d.lo() <= &d_lo && &d_hi <= d.hi(), "distance {} misses [{d_lo}, {d_hi}]", d.to_text());
        assert!(&d_hi - &d_lo < q("1e-60"), "oracle too wide");
        // The bound: at least the true distance, at most a little above the best recursion.
        let bound = value(&c, "bound").hi().clone();
        assert!(bound >= d_hi, "B_K {bound} below the distance {d_hi}");
        let mid = |p: &(Rat, Rat)| (&p.0 + &p.1) / q("2");
        let (mut e, mut best) = (Rat::zero(), Rat::zero());
        for k in 0..steps {
            let (xk, yk, y1) = (mid(&xs[k]), mid(&ys[k]), mid(&ys[k + 1]));
            let tau = (&y1 - &yk - &h * (&yk - &yk * &yk * &yk)).abs();
            let m = if xk < yk { xk } else { yk };
            e = (Rat::one() + &h - q("3") * &h * &m * &m) * e + tau;
            best = best.max(e.clone());
        }
        assert!(bound >= &best * q("0.999999"), "B_K {bound} below the best recursion {best}");
        // ρₖ is taken on the ball of radius rₖ + Eₖ around the flow instead of the segment [xₖ, yₖ]:
        // 3h(2yₖEₖ) more per step, Σₖ 3h·2yₖEₖ ≈ 10⁻³ relative here (measured 0.18 %).
        assert!(bound <= &best * q("1.01"), "B_K {bound} far above the best recursion {best}");
        // ∫₀⁴ max(1 − 3y(t)², 0) dt between the right and left Riemann sums on 4000 pieces (f64 closed
        // form; its error, about 10⁻¹⁵, is far below the brackets' width, about 10⁻³).
        let y = |t: f64| 0.1 * t.exp() / (1.0 + 0.01 * ((2.0 * t).exp() - 1.0)).sqrt();
        let lam = |t: f64| (1.0 - 3.0 * y(t) * y(t)).max(0.0);
        let n = 4000;
        let piece = 4.0 / n as f64;
        let left: f64 = (0..n).map(|i| lam(i as f64 * piece) * piece).sum();
        let right: f64 = (1..=n).map(|i| lam(i as f64 * piece) * piece).sum();
        let i = value(&c, "integral_lambda_minus");
        let (il, ih) = (i.lo().to_f64().unwrap(), i.hi().to_f64().unwrap());
        assert!(il <= right + 1e-9 && left - 1e-9 <= ih, "∫λ₋ [{il}, {ih}] vs Riemann [{right}, {left}]");
        // Width: pieces of length h/2 = 1/20 and λ₋ falls monotonically from 1 to 0 (total variation
        // 1), so the sup/inf sums differ by about 1/20, plus the slack of the a-priori boxes.
        assert!(ih - il < 0.06, "∫λ₋ enclosure too wide: [{il}, {ih}]");
        assert!(value(&c, "rho_max").hi() > &Rat::one(), "the top of the well expands");
    }

    #[test]
    fn quadratic_as_expression_matches_the_quadratic_path() {
        // f = x² − y²/4, i.e. Q = diag(2, −1/2), the same spec as the diagonal oracle test.
        let e = parse_spec_value(&json!({
            "name": "t",
            "objective": {"type": "expression", "vars": ["x", "y"], "f": "x^2 - 0.25*y^2"},
            "domain": [["-100", "100"], ["-100", "100"]],
            "algorithm": {"method": "gd", "h": "1/20"},
            "x0": ["1", "1/2"],
            "horizon": {"steps": 200}
        }))
        .unwrap();
        let c = thm1(&e);
        assert_eq!(c.status, Status::Verified, "{c:?}");
        let o = oracle(&[q("2"), q("-1/2")], &[q("1"), q("1/2")], &q("1/20"), 200);
        assert_matches(&c, &o, "1e-8", "x² − y²/4 as an expression");
        // ρₖ = 41/40 on every ball (the Hessian is constant), ∫λ₋ = T/2 = 5.
        let r = value(&c, "rho_max");
        assert!(r.hi() >= &q("41/40") && r.hi() - q("41/40") < q("1e-14"), "{}", r.to_text());
        let i = value(&c, "integral_lambda_minus");
        assert!(i.lo() <= &q("5") && &q("5") <= i.hi() && i.hi() - i.lo() < q("1e-12"), "{}", i.to_text());
        // A wrong ε (half the measured distance) is refuted.
        let d = value(&c, "distance");
        let mut wrong = e.clone();
        wrong.epsilon = Some(d.lo() / q("2"));
        let c = thm1(&wrong);
        assert_eq!(c.status, Status::Refuted, "{c:?}");
        assert!(c.reason.as_deref().unwrap().starts_with("rigorous disproof: at k = "));
    }

    #[test]
    fn shipped_specs() {
        let load = |n: &str| {
            crate::spec::load_spec(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs").join(n)).unwrap()
        };
        for name in ["saddle.json", "strongly_convex.json", "ill_conditioned.json"] {
            let c = thm1(&load(name));
            assert_eq!(c.status, Status::Verified, "{name}: {c:?}");
            assert!(value(&c, "distance").hi() <= value(&c, "bound").hi(), "{name}");
        }
        let c = thm1(&load("heavy_ball.json"));
        assert_eq!(c.status, Status::NotApplicable);
        assert!(c.reason.as_deref().unwrap().starts_with("method is heavy_ball"));
        let c = thm1(&load("expression_2d.json"));
        assert_eq!(c.status, Status::Verified, "{c:?}");
    }
}
