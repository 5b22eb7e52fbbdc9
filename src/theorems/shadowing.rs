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
//! gives K₀ ≥ ‖𝓛₀⁺‖ for the constant-coefficient operator — its groups by exact inertia counts of
//! H₀ (an `f64` matrix, so exact rationals) and its θ's from brackets of its eigenvalues. With
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
//! # Who computes what
//! The statement lives in the checker (`shadowcert_checker::theorems::trajectories` for quadratics,
//! `shadowcert_checker::theorems::smooth` for the other objectives, where the split of H₀ is decided
//! exactly from eigenvalue brackets verified by inertia counts and the deviation η by the checker's
//! spectrum enclosure of the interval matrix). The engine supplies the evidence: the brackets (an
//! `f64` eigendecomposition padded and proved by inertia counts, [`smooth_evidence`]) and the witness
//! x̃₀ ([`witness`], [`smooth_evidence`]: one nalgebra symmetric eigendecomposition); `certify check`
//! verifies both and re-derives the record.
//!
//! Enclosure: rigorous (K, δ, ε, the distances); x̃₀ is a computed witness, checked, not assumed.
//! Tightness: K is a worst case over the directions of the defects, so ε can be well above the
//! witness distance.

use super::trajectories::quadratic_gd;
use crate::claim::Claim;
use crate::dynamics::ivec::{point, IMat};
use crate::dynamics::nonlinear;
use crate::dynamics::Tube;
use crate::exact::{inertia, shift, Rat, RatMatrix};
use crate::objective::Smooth;
use crate::spec::Spec;
use inari::Interval;
use nalgebra::{DMatrix, SymmetricEigen};
use num_traits::ToPrimitive;
use shadowcert_checker::theorems::smooth::{reference_hessian, ShadowEvidence};

/// `shadow.finite` for `spec` (method gd; see the module documentation).
///
/// Enclosure: rigorous.
pub fn finite(spec: &Spec) -> Claim {
    // The checker's statement (`shadowcert_checker::theorems::trajectories` for quadratics,
    // `shadowcert_checker::theorems::smooth` for the other objectives).
    super::claim_of(spec, "shadow.finite")
}

/// What the checker's `shadow.finite` of a gd spec on a non-quadratic objective reads beyond the
/// tubes: the brackets of the eigenvalues of the reference Hessian H₀ its split needs (exact, as for
/// a quadratic's Q) and the witness x̃₀ (`shadow_start` on the split of H₀ and the defects at the
/// flow's midpoints). `None` when H₀ is not bounded.
pub(crate) fn smooth_evidence(
    spec: &Spec,
    o: &dyn Smooth,
    flow: &shadowcert_checker::nonlinear::Run,
) -> Option<ShadowEvidence> {
    let (h0, _) = reference_hessian(o, &flow.balls)?;
    let h = &spec.algorithm.h;
    let d = h0.len();
    let a0 = DMatrix::from_fn(d, d, |i, j| h0[i][j].to_f64().unwrap_or(f64::NAN));
    let spectrum = reference_brackets(&h0, &a0, h);
    let grad = |y: &[f64]| -> Vec<f64> {
        let p: Vec<Interval> = y.iter().map(|&v| point(v)).collect();
        o.gradient(&p).iter().map(|g| g.mid()).collect()
    };
    let tube = nonlinear::tube_of(flow, d);
    let witness = shadow_start(&a0, &grad, h, &spec.x0, &tube, &Split::new(&h0, h));
    Some(ShadowEvidence { spectrum, witness })
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

/// Brackets of the eigenvalues of H₀ that the checker's split reads
/// (`shadowcert_checker::theorems::trajectories::split_indices`): each `f64` estimate (nalgebra) ±
/// 10⁻⁹(1 + ‖H₀‖_F), kept when two inertia counts prove it — at that distance from every eigenvalue
/// the checker's floating-point elimination decides them, where a 40-bit bracket needs its exact
/// rational one (seconds per count at d = 65) — else the exact bisection to 24 bits.
///
/// Enclosure: exact (each bracket verified by inertia counts).
fn reference_brackets(h0: &RatMatrix, a0: &DMatrix<f64>, h: &Rat) -> shadowcert_checker::theorems::constants::Spectrum {
    use shadowcert_checker::quadratic::{count_at_most, count_below};
    let mut est: Vec<f64> = SymmetricEigen::new(a0.clone()).eigenvalues.iter().copied().collect();
    est.sort_by(f64::total_cmp);
    let pad = 1e-9 * (1.0 + a0.norm());
    let brackets = shadowcert_checker::theorems::trajectories::split_indices(h0, h)
        .into_iter()
        .map(|k| {
            let near = match (Rat::from_float(est[k] - pad), Rat::from_float(est[k] + pad)) {
                (Some(lo), Some(hi)) if count_below(h0, &lo) <= k && k < count_at_most(h0, &hi) => {
                    Some(crate::exact::RatInterval::new(lo, hi))
                }
                _ => None,
            };
            (k, near.unwrap_or_else(|| crate::exact::eig_enclosure(h0, k, 24)))
        })
        .collect();
    shadowcert_checker::theorems::constants::Spectrum { brackets }
}

/// The sizes of the unstable groups of the GD matrix A = I − hQ (proofs/SHADOWING.md, "The right
/// inverse"): the eigenvalues λ < 0 and λ > 2/h, in ascending order the first `below` and the last
/// `above` (what the witness x̃₀ is built on; the checker decides the split itself).
struct Split {
    below: usize,
    above: usize,
}

impl Split {
    /// Exact, by inertia counts of Q and (2/h)I − Q.
    fn new(q: &RatMatrix, h: &Rat) -> Self {
        let two_h = Rat::from_integer(2.into()) / h;
        // shift(q, t) = tI − Q: its negative eigenvalues are the λ > t.
        Split { below: inertia(q).neg, above: inertia(&shift(q, &two_h)).neg }
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
    use crate::claim::Status;
    use crate::exact::parse_rat;
    use crate::spec::parse_spec_value;
    use num_traits::{One, Signed, Zero};
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
    /// the quadratic path's up to the brackets of H₀'s eigenvalues, and ε = Kδ agrees with it up to
    /// the two enclosures of δ.
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
        // The same K up to H₀'s brackets (padded by 10⁻⁹ against the quadratic's 40-bit ones).
        let (ke, kq) = (val(&e, "K").hi().clone(), val(&qd, "K").hi().clone());
        assert!(kq <= ke && &ke - &kq < &kq * q("1e-8"), "{ke} vs {kq}");
        assert_eq!((val(&e, "eta").to_text(), val(&e, "M").to_text()), ("0".into(), "0".into()));
        let (ee, eq) = (val(&e, "epsilon").hi().clone(), val(&qd, "epsilon").hi().clone());
        assert!((&ee - &eq).abs() < &eq * q("1e-6"), "{ee} vs {eq}");
        assert_eq!(e.status, qd.status);
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

    /// A third derivative that is unbounded on the widened tube (found by review: it panicked):
    /// f = x²/2 + 1/(x + 100) from x₀ = 10⁴ with h = 1/2, where δ ≈ 10³ widens the boxes past the
    /// pole at −100. Inconclusive, with the reason.
    #[test]
    fn an_unbounded_third_derivative_is_inconclusive_not_a_panic() {
        let s = parse_spec_value(&json!({
            "name": "t",
            "objective": {"type": "expression", "vars": ["x"], "f": "0.5*x^2 + 1/(x + 100)"},
            "domain": [["-1", "10001"]],
            "algorithm": {"method": "gd", "h": "1/2"},
            "x0": ["10000"],
            "horizon": {"steps": 20},
            "claims": ["shadow.finite"]
        }))
        .unwrap();
        let c = finite(&s);
        assert_eq!(c.status, Status::Inconclusive, "{c:?}");
        assert!(c.reason.as_deref().is_some_and(|r| r.contains("third derivative")), "{c:?}");
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
