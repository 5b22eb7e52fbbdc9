//! Enclosed trajectories of non-quadratic objectives (`expression`, `dataset`), as midpoint–radius
//! [`Tube`]s like the quadratic ones, by the checker's functions: the exact GD orbit in mean-value
//! form and the gradient flow (or its rescaling, the flow (8) of 004) by an interval Taylor method
//! (`shadowcert_checker::nonlinear`, [`gd`], [`gradient_flow`]); the two-step orbits of scheme (7)
//! of 004 and the Orvieto–Lucchi heavy ball in block or energy norms fitted to the curvature, and
//! the second-order flows q̈ + c₁q̇ = −c₂∇f(q) (the heavy-ball ODE of 000, the damped flow (11) of
//! 004) (`shadowcert_checker::momentum`, [`two_step`], [`second_order_flow`]). The engine chooses
//! the substeps and proposes the energy norms ([`Fitter`]: floating-point eigensolvers); the
//! checker's functions verify every proposal, so certify and check compute the same tubes.
//!
//! Enclosure: rigorous. Tightness: for a contracting flow the radius stays near
//! (per-substep width)/(1 − e^{sν}); for expanding directions it grows like e^{νt} — the true
//! sensitivity of the flow when ν is the real log norm, more when the Hessian enclosure on Y is loose.
//! Measured (`examples/bench_nonlinear.rs`): `specs/expression_2d.json` (T = 10) flow radius ≤ 1.2e-14
//! in 17 ms; `specs/digits_sigmoid_gd.json` (d = 65, T = 100, 8 substeps per sample) final flow radius
//! 3.3e-10 in about 11 s of CPU, GD orbit radius 5.3e-13 in about 1 s.

use super::ivec::IMat as EngineMat;
use super::norm::lyapunov_matrix;
use super::tube::Tube;
use crate::exact::Rat;
use crate::objective::Smooth;
use inari::Interval;
use nalgebra::DMatrix;
use num_traits::One;
use shadowcert_checker::interval::IMat;
use shadowcert_checker::momentum::{self, Energies, EnergyFit};
use shadowcert_checker::nonlinear::{self as checked, Substeps};

/// The exact GD orbit xₖ₊₁ = xₖ − h∇f(xₖ), k = 0..=steps, of the checker's reading of an objective
/// (`spec::Objective::as_smooth`), enclosed in mean-value form by the checker's step (`shadowcert_checker::nonlinear::gd_orbit`).
///
/// Enclosure: rigorous; the radius is +∞ from the first step where an enclosure is unbounded.
/// Tightness: rₖ ≈ Σⱼ (Πᵢ ρᵢ) wⱼ, wⱼ a few ulps of ‖xⱼ‖ + h‖∇f‖.
pub fn gd(objective: &dyn Smooth, x0: &[Rat], h: &Rat, steps: usize) -> Tube {
    let (run, _) = checked::gd_orbit(objective, x0, h, steps, None, usize::MAX).expect("nothing to verify");
    tube_of(&run, x0.len())
}

/// The solution of ẏ = −c∇f(y), y(0) = y₀ (exact), sampled at y(kτ), k = 0..=steps, by the
/// checker's Taylor method with the engine's choice of substeps
/// (`shadowcert_checker::nonlinear::gradient_flow`): c = 1 is the gradient flow, c = (1 − λ)⁻¹ the
/// rescaled flow (8) of 004. c and τ must be positive.
///
/// Enclosure: rigorous; the radius is +∞ from the first sample that fails.
pub fn gradient_flow(objective: &dyn Smooth, y0: &[Rat], c: &Rat, tau: &Rat, steps: usize) -> Tube {
    let mut counts = Vec::new();
    let (run, _) =
        checked::gradient_flow(objective, y0, c, tau, steps, Substeps::Adaptive(&mut counts), None, usize::MAX)
            .expect("c and τ are positive");
    tube_of(&run, y0.len())
}

/// The exact two-step orbit uₙ₊₁ = uₙ + p(uₙ − uₙ₋₁) − g∇f(uₙ + a(uₙ − uₙ₋₁)), u₁ = u₀ − g∇f(u₀),
/// n = 0..=steps: scheme (7) of 004 with (p, g, a) = (λ, h, a), the Orvieto–Lucchi heavy ball with
/// (β, η, 0) = (1 − hα, h², 0) (`shadowcert_checker::momentum::two_step_orbit`, the energy norms
/// proposed by [`Fitter`]).
///
/// Enclosure: rigorous; the radius is +∞ from the first step where an enclosure is unbounded.
/// Tightness: rₙ ≈ Σ (Π θ) wⱼ with θ the step's contraction in the chosen norm. Measured on
/// Rosenbrock's function, h = 1/1000, λ = 9/10 from (6/5, 6/5): Nesterov's orbit stays within
/// 10⁻¹⁰ for 10⁴ steps; heavy ball's transient, whose tangent products reach norm 19 before they
/// decay, still makes the radius +∞ by k ≈ 100 (no norm re-fitted step by step follows it).
pub fn two_step(objective: &dyn Smooth, u0: &[Rat], p: &Rat, g: &Rat, a: &Rat, steps: usize) -> Tube {
    two_step_from(objective, u0, None, p, g, a, steps)
}

/// [`two_step`] from the state (u₀, u₋₁) when `prev` gives an exact u₋₁ (the first step is then
/// the two-step map itself, e.g. from a point of the invariant manifold of (15)); from the GD start
/// u₁ = u₀ − g∇f(u₀) when `prev` is `None`.
///
/// Enclosure: rigorous (as [`two_step`]).
pub fn two_step_from(
    objective: &dyn Smooth,
    u0: &[Rat],
    prev: Option<&[Rat]>,
    p: &Rat,
    g: &Rat,
    a: &Rat,
    steps: usize,
) -> Tube {
    let energies = Energies::Fit(&Fitter, Default::default());
    let (run, _) = momentum::two_step_orbit(objective, u0, prev, (p, g, a), steps, &energies, None, usize::MAX)
        .expect("nothing to verify");
    tube_of(&run, u0.len())
}

/// The second-order flow q̈ + c₁q̇ = −c₂∇f(q), q(0) = q₀ (exact), q̇(0) ∈ `v0` (a box), sampled at
/// q(kτ), k = 0..=steps (`shadowcert_checker::momentum::second_order_flow` with the engine's choice
/// of substeps): the Orvieto–Lucchi heavy-ball ODE is c₁ = α, c₂ = 1.
///
/// Enclosure: rigorous; the radius is +∞ from the first sample that fails.
pub fn second_order_flow(
    objective: &dyn Smooth,
    q0: &[Rat],
    v0: &[Interval],
    c1: &Rat,
    c2: &Rat,
    tau: &Rat,
    steps: usize,
) -> Tube {
    let mut counts = Vec::new();
    let (run, _) = momentum::second_order_flow(
        objective,
        q0,
        v0,
        (c1, c2),
        tau,
        steps,
        Substeps::Adaptive(&mut counts),
        (None, usize::MAX),
    )
    .expect("τ is positive");
    tube_of(&run, q0.len())
}

/// A checker's run as a [`Tube`] (a failed segment is the whole space).
pub fn tube_of(run: &checked::Run, dim: usize) -> Tube {
    let mut tube = Tube::new(dim);
    for (k, b) in run.balls.iter().enumerate() {
        if k > 0 {
            if let Some(seg) = run.segments.get(k - 1) {
                tube.push_segment(seg.as_deref().unwrap_or(&vec![Interval::ENTIRE; dim]));
            }
        }
        tube.push(&b.centre, b.radius);
    }
    tube
}

/// The engine's proposals of energy norms for the two-step orbits (`momentum::EnergyFit`): the
/// Lyapunov matrix of `dynamics::norm::lyapunov_matrix` in the eigenbasis of the interval Hessian's
/// midpoint, and floating-point estimates of θ, of the cost of a change and of the equivalence
/// constants (the checker's functions verify each).
pub struct Fitter;

/// The midpoint matrix of a checker interval matrix.
fn mid(m: &IMat) -> DMatrix<f64> {
    DMatrix::from_fn(m.rows, m.cols, |i, j| m.at(i, j).mid())
}

impl EnergyFit for Fitter {
    fn fit(&self, h: &IMat, j: &IMat) -> Option<(Vec<f64>, f64)> {
        let hm = mid(h);
        let hm = (&hm + hm.transpose()) * 0.5;
        if !hm.iter().all(|x| x.is_finite()) {
            return None;
        }
        let w = hm.symmetric_eigen().eigenvectors;
        let (cn, pm) = lyapunov_matrix(&EngineMat::from_intervals(j.rows, j.cols, &j.a), &w)?;
        Some((pm.transpose().iter().copied().collect(), cn.theta))
    }

    /// ‖RJR⁻¹‖₂ at the midpoints, P = RᵀR.
    fn theta(&self, p: &IMat, j: &IMat) -> f64 {
        let Some(ch) = mid(p).cholesky() else { return f64::INFINITY };
        let r = ch.l().transpose();
        let Some(r_inv) = r.clone().try_inverse() else { return f64::INFINITY };
        (&r * mid(j) * r_inv).singular_values().max()
    }

    /// √λ_max(R⁻ᵀP_newR⁻¹), P_old = RᵀR.
    fn cost(&self, old: &IMat, new: &IMat) -> f64 {
        let Some(ch) = mid(old).cholesky() else { return f64::INFINITY };
        let Some(r_inv) = ch.l().transpose().try_inverse() else { return f64::INFINITY };
        (r_inv.transpose() * mid(new) * &r_inv).symmetric_eigenvalues().max().max(0.0).sqrt()
    }

    fn equivalence(&self, p: &IMat) -> (f64, f64) {
        let e = mid(p).symmetric_eigenvalues();
        let (lo, hi) = (e.min(), e.max());
        if lo > 0.0 {
            (hi.sqrt(), 1.0 / lo.sqrt())
        } else {
            (f64::INFINITY, f64::INFINITY)
        }
    }
}

/// The rescaling factor (1 − λ)⁻¹ of the flow (8) of 004.
pub fn rescaling(lambda: &Rat) -> Rat {
    Rat::one() / (Rat::one() - lambda)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamics::ivec::point;
    use crate::enclose::rat_to_interval;
    use crate::exact::parse_rat;
    use crate::objective::expression::Expression;
    use shadowcert_checker::elementary::Elementary;
    use shadowcert_checker::taylor::SeriesMap;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    fn expr(vars: &[&str], f: &str) -> Expression {
        Expression::new(vars.iter().map(|s| s.to_string()).collect(), f).unwrap()
    }

    /// The ball of sample k meets the enclosure `x` of the exact value (1-D), and its radius is below
    /// `tight`. (The enclosures of the closed forms are a few ulps wide, like the balls: containment
    /// of the whole interval cannot be asked for; the tests on rational orbits check it exactly.)
    fn meets_1d(tube: &Tube, k: usize, x: Interval, tight: f64, what: &str) {
        let (m, r) = (tube.mid(k)[0], tube.rad(k));
        assert!(
            (point(x.inf()) - point(m)).inf() <= r && (point(m) - point(x.sup())).inf() <= r,
            "{what}: sample {k}: {x:?} misses [{m} ± {r}]"
        );
        assert!(r <= tight, "{what}: sample {k}: radius {r} above {tight}");
    }

    #[test]
    fn closed_form_flows_are_enclosed() {
        // f = x²/2: y = y₀e^{−t}. f = x⁴/4: ẏ = −y³, y = y₀/√(1 + 2y₀²t). f = log(eˣ + e⁻ˣ)
        // (= log cosh x + log 2): ẏ = −tanh y, sinh y = sinh(y₀)e^{−t}. Values by inari (MPFR).
        let tau = q("1/10");
        let ti = rat_to_interval(&tau);
        let y0 = q("3/4");
        let yi = rat_to_interval(&y0);
        let steps = 200;
        type Exact = Box<dyn Fn(Interval) -> Interval>;
        let cases: Vec<(&str, Exact)> = vec![
            ("0.5*x^2", Box::new(move |t: Interval| yi * (-t).exp())),
            ("x^4/4", Box::new(move |t: Interval| yi / (point(1.0) + point(2.0) * yi.sqr() * t).sqrt())),
            ("log(exp(x) + exp(-x))", Box::new(move |t: Interval| (yi.sinh() * (-t).exp()).asinh())),
        ];
        for (f, exact) in &cases {
            let e = expr(&["x"], f);
            let tube = gradient_flow(&e, std::slice::from_ref(&y0), &Rat::one(), &tau, steps);
            for k in 0..=steps {
                let t = ti * point(k as f64);
                meets_1d(&tube, k, exact(t), 1e-13, f);
            }
            // The a-priori boxes hold the path between samples, and not much more.
            let segments = tube.segments().expect("a flow keeps its segments");
            for (k, seg) in segments.iter().enumerate() {
                let t = ti * point(k as f64);
                for s in [0.0, 0.25, 0.5, 0.75, 1.0] {
                    let v = exact(t + ti * point(s));
                    assert!(v.inf() <= seg[0].sup() && v.sup() >= seg[0].inf(), "{f}: segment {k} misses t + {s}τ");
                }
                let step = (exact(t + ti) - exact(t)).mag();
                assert!(seg[0].wid() <= step + 1e-2, "{f}: segment {k} of width {} for a step of {step}", seg[0].wid());
            }
            // A wrong value is excluded: the test can fail.
            let k = steps / 2;
            let off = exact(ti * point(k as f64)) + point(1e-12);
            assert!(
                (point(off.inf()) - point(tube.mid(k)[0])).inf() > tube.rad(k),
                "{f}: a value 1e-12 off is enclosed"
            );
        }
    }

    #[test]
    fn rescaled_flow_is_the_time_change() {
        // ẏ = −2y (c = 2, f = y²/2): y = y₀e^{−2t}.
        let e = expr(&["x"], "x^2/2");
        let tube = gradient_flow(&e, &[q("1")], &q("2"), &q("1/4"), 40);
        for k in 0..=40 {
            let exact = (-(point(0.5) * point(k as f64))).exp();
            meets_1d(&tube, k, exact, 1e-13, "rescaled");
        }
    }

    #[test]
    fn quadratic_expression_matches_the_exact_quadratic_tube() {
        // f = ½xᵀQx − bᵀx with Q = [[2, 1/2], [1/2, 1]], b = (1/3, −1), written as an expression.
        let e = expr(&["x", "y"], "x^2 + x*y/2 + y^2/2 - x/3 + y");
        let qm = vec![vec![q("2"), q("1/2")], vec![q("1/2"), q("1")]];
        let b = vec![q("1/3"), q("-1")];
        let (x0, h, steps) = (vec![q("7/5"), q("-2/3")], q("1/10"), 1000);
        let pairs = [
            (gradient_flow(&e, &x0, &Rat::one(), &h, steps), crate::dynamics::gradient_flow(&qm, &b, &x0, &h, steps)),
            (gd(&e, &x0, &h, steps), crate::dynamics::gd(&qm, &b, &x0, &h, steps)),
        ];
        for (what, (ours, exact)) in ["flow", "gd"].iter().zip(&pairs) {
            assert_eq!(ours.len(), steps + 1);
            for k in 0..=steps {
                let d = ours
                    .mid(k)
                    .iter()
                    .zip(exact.mid(k))
                    .fold(point(0.0), |s, (a, b)| s + (point(*a) - point(*b)).sqr());
                assert!(d.sqrt().inf() <= ours.rad(k) + exact.rad(k), "{what}: sample {k}: balls disjoint");
                assert!(ours.rad(k) <= 1e-9, "{what}: sample {k}: radius {}", ours.rad(k));
            }
        }
    }

    #[test]
    fn gd_orbit_contains_the_exact_rational_orbit() {
        // f = x⁴/4 + xy/4 + y²/2: Ψ is polynomial, so the exact orbit is rational.
        let e = expr(&["x", "y"], "x^4/4 + x*y/4 + y^2/2");
        let h = q("1/5");
        let steps = 7;
        let tube = gd(&e, &[q("9/10"), q("-1/3")], &h, steps);
        let (mut x, mut y) = (q("9/10"), q("-1/3"));
        for k in 0..=steps {
            assert!(tube.contains_exact(k, &[x.clone(), y.clone()]), "step {k}");
            assert!(!tube.contains_exact(k, &[&x + q("1e-12"), y.clone()]), "step {k}: not tight");
            let gx = &x * &x * &x + &y / q("4");
            let gy = &x / q("4") + &y;
            (x, y) = (&x - &h * gx, &y - &h * gy);
        }
    }

    #[test]
    fn two_step_from_an_exact_previous_point_contains_the_exact_rational_orbit() {
        // Scheme (7), uₙ₊₁ = uₙ + λ(uₙ − uₙ₋₁) − h∇f(uₙ + a(uₙ − uₙ₋₁)), on a polynomial f from a given
        // exact u₋₁ (the first step is the two-step map, not the GD start): the orbit is rational.
        let e = expr(&["x", "y"], "x^4/4 + x*y/4 + y^2/2");
        let (h, lambda, a) = (q("1/10"), q("9/10"), q("9/10"));
        let steps = 7;
        let (u0, prev) = (vec![q("3/5"), q("-1/3")], vec![q("5/8"), q("-3/10")]);
        let tube = two_step_from(&e, &u0, Some(&prev), &lambda, &h, &a, steps);
        assert_eq!(tube.len(), steps + 1);
        let grad = |v: &[Rat]| vec![&v[0] * &v[0] * &v[0] + &v[1] / q("4"), &v[0] / q("4") + &v[1]];
        let (mut u, mut w) = (u0, prev);
        for k in 0..=steps {
            assert!(tube.contains_exact(k, &u), "step {k}");
            assert!(!tube.contains_exact(k, &[&u[0] + q("1e-11"), u[1].clone()]), "step {k}: not tight");
            let y: Vec<Rat> = (0..2).map(|i| &u[i] + &a * (&u[i] - &w[i])).collect();
            let g = grad(&y);
            let next: Vec<Rat> = (0..2).map(|i| &u[i] + &lambda * (&u[i] - &w[i]) - &h * &g[i]).collect();
            (w, u) = (u, next);
        }
        // Without u₋₁ the first step is GD: u₁ = u₀ − h∇f(u₀), a different orbit.
        let gd_start = two_step(&e, &[q("3/5"), q("-1/3")], &lambda, &h, &a, 1);
        let g0 = grad(&[q("3/5"), q("-1/3")]);
        assert!(gd_start.contains_exact(1, &[q("3/5") - &h * &g0[0], q("-1/3") - &h * &g0[1]]));
        assert!(!tube.contains_exact(1, &[q("3/5") - &h * &g0[0], q("-1/3") - &h * &g0[1]]));
    }

    #[test]
    fn blow_up_gives_an_infinite_radius() {
        // f = −x⁴: ẏ = 4y³ blows up at t = 1/(8y₀²) = 1/2 for y₀ = 1/2.
        let e = expr(&["x"], "-x^4");
        let tube = gradient_flow(&e, &[q("1/2")], &Rat::one(), &q("1/10"), 10);
        assert!(tube.rad(4).is_finite() && tube.rad(4) < 1e-10, "before the blow-up: {}", tube.rad(4));
        assert!(tube.rad(5).is_infinite() && tube.rad(10).is_infinite());
        // GD with a huge step overflows.
        let tube = gd(&e, &[q("1/2")], &q("1000"), 20);
        assert!(tube.rad(20).is_infinite());
        // log outside its domain: unbounded from the start.
        let e = expr(&["x"], "log(x)");
        let tube = gradient_flow(&e, &[q("1/1000")], &Rat::one(), &q("1"), 3);
        assert!(tube.rad(3).is_infinite());
    }
    #[test]
    fn spec_orbit_and_flow_handle_expression_objectives() {
        let text = r#"{"name": "t", "objective": {"type": "expression", "vars": ["x", "y"], "f": "0.5*x^2 + cos(y) + 2*y^2"},
            "domain": [["-1", "1"], ["-1", "1"]], "algorithm": {"method": "gd", "h": "1/10"},
            "x0": ["1/2", "1/2"], "horizon": {"steps": 30}}"#;
        let spec = crate::spec::parse_spec_str(text).unwrap();
        let objective = spec.objective.as_smooth().unwrap();
        let orbit = crate::dynamics::spec_orbit(&spec).unwrap();
        assert_eq!(orbit, gd(objective, &spec.x0, &q("1/10"), 30));
        let (flow, name) = crate::dynamics::spec_flow(&spec).unwrap();
        assert!(name.starts_with("gradient flow"));
        assert_eq!(flow, gradient_flow(objective, &spec.x0, &Rat::one(), &q("1/10"), 30));
        assert!(flow.max_rad() < 1e-13 && orbit.max_rad() < 1e-13, "{} {}", flow.max_rad(), orbit.max_rad());
        // The flow is strongly convex here (∇²f ⪰ diag(1, 3)): GD and the flow stay O(h) apart.
        let d = (0..=30).map(|k| (orbit.mid(k)[0] - flow.mid(k)[0]).hypot(orbit.mid(k)[1] - flow.mid(k)[1]));
        assert!(d.fold(0.0, f64::max) < 0.1);
        let hb = text.replace(r#""method": "gd""#, r#""method": "heavy_ball_ol", "alpha": "3/10""#);
        let spec = crate::spec::parse_spec_str(&hb).unwrap();
        let (flow, name) = crate::dynamics::spec_flow(&spec).unwrap();
        assert!(name.starts_with("heavy-ball ODE") && flow.max_rad() < 1e-12, "{}", flow.max_rad());
        assert!(crate::dynamics::spec_orbit(&spec).unwrap().max_rad() < 1e-12);
    }
    #[test]
    fn dataset_and_its_expression_give_intersecting_tubes() {
        // The same empirical risk as a `dataset` (structure, midpoint–radius passes) and as an
        // `expression` (symbolic gradient, series tape): independent code paths, both rigorous, so
        // their balls must meet at every sample. Radii: the remainder tolerance allows about
        // 1.5e-11 per unit time (T = 20 here).
        use crate::objective::dataset::{Dataset, Loss};
        let csv = "label,a,b\n1,1,2\n-1,3,0\n1,0,1\n-1,2,2\n";
        let rows = [(1, "1*a + 2*b + c"), (-1, "3*a + c"), (1, "b + c"), (-1, "2*a + 2*b + c")];
        for (loss, term) in [(Loss::Sigmoid, "(1 - sigma(Z))"), (Loss::Logistic, "log(1 + exp(-(Z)))")] {
            let ds = Dataset::new("t.csv", csv.as_bytes(), "t.csv", loss, q("1/10"), true, q("1/2")).unwrap();
            let sum: Vec<String> =
                rows.iter().map(|(y, z)| term.replace('Z', &format!("{y}*(({z})/2 + c/2)"))).collect();
            // x̃ = (x/2, 1): the bias is not scaled, (xa + c)/2 + c/2 = xa/2 + c.
            let f = format!("({})/4 + (1/20)*(a^2 + b^2 + c^2)", sum.join(" + "));
            let e = expr(&["a", "b", "c"], &f);
            let (x0, h, steps) = (vec![q("1/2"), q("-1/3"), q("1/5")], q("1/2"), 40);
            let pairs = [
                (
                    gradient_flow(ds.checked(), &x0, &Rat::one(), &h, steps),
                    gradient_flow(&e, &x0, &Rat::one(), &h, steps),
                ),
                (gd(ds.checked(), &x0, &h, steps), gd(&e, &x0, &h, steps)),
            ];
            for (what, (a, b)) in ["flow", "gd"].iter().zip(&pairs) {
                for k in 0..=steps {
                    let d =
                        a.mid(k).iter().zip(b.mid(k)).fold(point(0.0), |s, (x, y)| s + (point(*x) - point(*y)).sqr());
                    assert!(d.sqrt().inf() <= a.rad(k) + b.rad(k), "{loss:?} {what}: sample {k}: balls disjoint");
                    assert!(
                        a.rad(k) < 1e-9 && b.rad(k) < 1e-9,
                        "{loss:?} {what}: sample {k}: radii {} {}",
                        a.rad(k),
                        b.rad(k)
                    );
                }
                // The trajectory moves: the comparison is not trivial.
                assert!((a.mid(steps)[0] - a.mid(0)[0]).abs() > 1e-3, "{loss:?} {what}");
            }
        }
    }
    #[test]
    fn expression_series_match_gradient_and_hessian() {
        // Along y(t) = y₀ + tv the gradient's series starts ∇f(y₀) + t∇²f(y₀)v: coefficients 0 and 1
        // of the Taylor-mode tape against the box evaluation of the symbolic gradient and Hessian
        // (an independent code path), at pseudo-random points; every function and a negative power.
        let e = expr(
            &["x", "y"],
            "tanh(x)*sqrt(2 + y) + x^-2*sin(y) + log(3 + cos(x*y)) + sigma(x - y)/(1 + exp(y)) + x^3*y",
        );
        let mut seed = 5u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            0.2 + ((seed >> 11) as f64 / (1u64 << 53) as f64) * 0.8
        };
        for _ in 0..50 {
            let (y0, v) = ([next(), next() - 0.5], [next() - 0.6, next()]);
            let mut map = e.gradient_series();
            let c0 = map.push(&y0.map(point));
            let c1 = map.push(&v.map(point));
            let c2 = map.push(&[point(0.0); 2]);
            let g = e.gradient_box(&y0.map(point));
            let hv: Vec<Interval> =
                e.hessian_box(&y0.map(point)).iter().map(|row| row[0] * point(v[0]) + row[1] * point(v[1])).collect();
            for i in 0..2 {
                for (what, a, b) in [("gradient", c0[i], g[i]), ("Hessian·v", c1[i], hv[i])] {
                    assert!(!a.intersection(b).is_empty(), "{what} {i} at {y0:?}: {a:?} vs {b:?}");
                    let tight = 1e-12 * a.mag().max(1.0);
                    assert!(a.wid() < tight && b.wid() < tight, "{what} {i}: {a:?} {b:?}");
                }
                assert!(c2[i].wid() < 1e-12 * c2[i].mag().max(1.0), "{:?}", c2[i]);
            }
        }
    }
    #[test]
    fn two_step_orbits_contain_the_exact_rational_orbits() {
        // f = x⁴/4 + xy/4 + y²/2 (polynomial: exact rational orbits). Heavy ball λ = 9/10, Nesterov
        // (a = λ) and the Orvieto–Lucchi heavy ball (β = 1 − hα, η = h²), u₁ = u₀ − g∇f(u₀).
        let e = expr(&["x", "y"], "x^4/4 + x*y/4 + y^2/2");
        let grad = |u: &[Rat]| vec![&u[0] * &u[0] * &u[0] + &u[1] / q("4"), &u[0] / q("4") + &u[1]];
        let u0 = vec![q("4/5"), q("-1/3")];
        let (h, alpha) = (q("1/4"), q("3/10"));
        let cases = [
            ("heavy ball", q("9/10"), h.clone(), q("0")),
            ("nesterov", q("9/10"), h.clone(), q("9/10")),
            ("ol", Rat::one() - &h * &alpha, &h * &h, q("0")),
        ];
        let steps = 7;
        for (what, p, g, a) in &cases {
            let tube = two_step(&e, &u0, p, g, a, steps);
            assert_eq!(tube.len(), steps + 1);
            let mut prev = u0.clone();
            let g0 = grad(&u0);
            let mut u: Vec<Rat> = u0.iter().zip(&g0).map(|(x, d)| x - g * d).collect();
            assert!(tube.contains_exact(0, &u0), "{what}: step 0");
            for n in 1..=steps {
                assert!(tube.contains_exact(n, &u), "{what}: step {n} (radius {})", tube.rad(n));
                let mut off = u.clone();
                off[0] += q("1e-10");
                assert!(!tube.contains_exact(n, &off), "{what}: step {n}: not tight ({})", tube.rad(n));
                let y: Vec<Rat> = u.iter().zip(&prev).map(|(x, w)| x + a * (x - w)).collect();
                let gy = grad(&y);
                let next: Vec<Rat> = (0..2).map(|i| &u[i] + p * (&u[i] - &prev[i]) - g * &gy[i]).collect();
                prev = std::mem::replace(&mut u, next);
            }
        }
        // A large step overflows: an infinite radius, no panic.
        let tube = two_step(&e, &u0, &q("9/10"), &q("1000"), &q("0"), 30);
        assert!(tube.rad(30).is_infinite());
    }

    /// The exact orbit of scheme (7) on Rosenbrock's function, to within 10⁻⁸⁰: exact rational
    /// steps rounded to the grid 2⁻³⁰⁰ (the rounding, carried by tangent products of norm below 20
    /// along this orbit, stays below 10⁴·20·2⁻³⁰⁰).
    fn rosenbrock_orbit(u0: &[Rat], h: &Rat, lambda: &Rat, a: &Rat, steps: usize) -> Vec<Vec<Rat>> {
        let scale = num_bigint::BigInt::from(1) << 300u32;
        let round = |x: Rat| Rat::new((x * &scale).floor().to_integer(), scale.clone());
        let grad = |u: &[Rat]| {
            let w = &u[1] - &u[0] * &u[0];
            vec![q("-2") * (q("1") - &u[0]) - q("400") * &u[0] * &w, q("200") * w]
        };
        let g0 = grad(u0);
        let mut out = vec![u0.to_vec(), u0.iter().zip(&g0).map(|(x, d)| round(x - h * d)).collect()];
        while out.len() <= steps {
            let (u, prev) = (&out[out.len() - 1], &out[out.len() - 2]);
            let y: Vec<Rat> = u.iter().zip(prev).map(|(x, w)| x + a * (x - w)).collect();
            let gy = grad(&y);
            let next = (0..2).map(|i| round(&u[i] + lambda * (&u[i] - &prev[i]) - h * &gy[i])).collect();
            out.push(next);
        }
        out
    }

    /// The energy norms the engine proposes on Rosenbrock's valley (Nesterov, h = 1/1000, λ = 9/10)
    /// are adopted and recorded, and the checker's verification of the stored steps accepts them
    /// and rejects each tampering: a lowered θ, a changed entry of P, a lowered cost or k_out, a
    /// missing step.
    #[test]
    fn energy_norms_are_recorded_and_verified() {
        use shadowcert_checker::tube::EnergyEvent;
        let e = expr(&["x", "y"], "(1 - x)^2 + 100*(y - x^2)^2");
        let (u0, h, lambda) = (vec![q("6/5"), q("6/5")], q("1/1000"), q("9/10"));
        let (pga, steps) = ((&lambda, &h, &lambda), 200);
        let energies = Energies::Fit(&Fitter, Default::default());
        let (run, cps) = momentum::two_step_orbit(&e, &u0, None, pga, steps, &energies, None, 16).unwrap();
        let events = energies.events();
        assert!(events.iter().any(|ev| ev.adopt.is_some()), "no energy norm adopted");
        assert!(run.balls.iter().all(|b| b.radius < 1e-10), "{:?}", run.balls.last());
        let check = |events: &[EnergyEvent]| {
            momentum::two_step_orbit(&e, &u0, None, pga, steps, &Energies::Stored(events), Some(&cps), 1)
        };
        assert_eq!(check(&events).unwrap().0.balls, run.balls);
        let adopted = events.iter().position(|ev| ev.adopt.is_some()).unwrap();
        let kept = events.iter().position(|ev| ev.adopt.is_none()).expect("a step keeps its energy norm");
        type Tamper = Box<dyn Fn(&mut Vec<EnergyEvent>)>;
        let tampered: Vec<Tamper> = vec![
            Box::new(move |ev| ev[kept].theta *= 0.5),
            Box::new(move |ev| ev[adopted].theta *= 0.5),
            Box::new(move |ev| ev[adopted].adopt.as_mut().unwrap().p[0] *= 2.0),
            Box::new(move |ev| ev[adopted].adopt.as_mut().unwrap().cost *= 0.01),
            Box::new(move |ev| ev[adopted].adopt.as_mut().unwrap().k_out *= 0.01),
            Box::new(move |ev| {
                ev.remove(kept);
            }),
            // Negative factors have positive squares: refused as factors.
            Box::new(move |ev| ev[kept].theta = -1e300),
            Box::new(move |ev| ev[adopted].theta = -ev[adopted].theta),
            Box::new(move |ev| {
                let a = ev[adopted].adopt.as_mut().unwrap();
                a.cost = -a.cost;
            }),
        ];
        for (i, t) in tampered.iter().enumerate() {
            let mut ev = events.clone();
            t(&mut ev);
            assert!(check(&ev).is_err(), "tampering {i} accepted");
        }
    }

    #[test]
    fn nesterov_on_rosenbrock_stays_bounded_for_ten_thousand_steps() {
        // Rosenbrock's valley has curvatures about 0.4 and 10³ at once: no 2×2 block norm fitted to
        // one curvature contracts (the tube grew by about 1.5 per step and was +∞ by k = 100); the
        // energy norm fitted to the interval Hessian does. The tube must contain the exact orbit at
        // every step (to 10⁻⁸⁰: the ball is widened by 10⁻⁷⁰).
        let e = expr(&["x", "y"], "(1 - x)^2 + 100*(y - x^2)^2");
        let (u0, h, lambda) = (vec![q("6/5"), q("6/5")], q("1/1000"), q("9/10"));
        let steps = 10_000;
        let tube = two_step(&e, &u0, &lambda, &h, &lambda, steps);
        let exact = rosenbrock_orbit(&u0, &h, &lambda, &lambda, steps);
        let slack = q("1e-70");
        for (k, x) in exact.iter().enumerate() {
            let r = tube.rad(k);
            assert!(r < 1e-9, "step {k}: radius {r:e}");
            let rr = Rat::from_float(r).unwrap() + &slack;
            let d2 = tube.mid(k).iter().zip(x).fold(q("0"), |s, (&m, v)| {
                let e = v - Rat::from_float(m).unwrap();
                s + &e * &e
            });
            assert!(d2 <= &rr * &rr, "step {k}: the exact orbit is outside the ball (radius {r:e})");
        }
        // Not vacuous: a point 10⁻⁸ away is outside at the end.
        let mut off = exact[steps].clone();
        off[0] += q("1e-8");
        assert!(!tube.contains_exact(steps, &off));
        // Heavy ball (a = 0) on the same orbit: its transient (tangent products up to about 19) is
        // not followed by any norm tried yet; while finite, the tube still contains the orbit.
        let tube = two_step(&e, &u0, &lambda, &h, &q("0"), 60);
        let exact = rosenbrock_orbit(&u0, &h, &lambda, &q("0"), 60);
        for (k, x) in exact.iter().enumerate().filter(|(k, _)| tube.rad(*k).is_finite()) {
            let rr = Rat::from_float(tube.rad(k)).unwrap() + &slack;
            let d2 = tube.mid(k).iter().zip(x).fold(q("0"), |s, (&m, v)| {
                let e = v - Rat::from_float(m).unwrap();
                s + &e * &e
            });
            assert!(d2 <= &rr * &rr, "heavy ball step {k}: outside (radius {:e})", tube.rad(k));
        }
    }
    #[test]
    fn heavy_ball_ode_matches_the_exact_quadratic_tube() {
        // q̈ + αq̇ = −(Qq − b) as an expression vs the rigorous matrix exponential of `flow.rs`.
        let e = expr(&["x", "y"], "x^2 + x*y/2 + y^2/2 - x/3 + y");
        let qm = vec![vec![q("2"), q("1/2")], vec![q("1/2"), q("1")]];
        let b = vec![q("1/3"), q("-1")];
        let (q0, alpha, tau, steps) = (vec![q("7/5"), q("-2/3")], q("3/10"), q("1/4"), 200);
        let ours = second_order_flow(&e, &q0, &[point(0.0); 2], &alpha, &Rat::one(), &tau, steps);
        let exact = crate::dynamics::ol_heavy_ball_flow(&qm, &b, &q0, &alpha, &tau, steps);
        for k in 0..=steps {
            let d =
                ours.mid(k).iter().zip(exact.mid(k)).fold(point(0.0), |s, (a, b)| s + (point(*a) - point(*b)).sqr());
            assert!(d.sqrt().inf() <= ours.rad(k) + exact.rad(k), "sample {k}: balls disjoint");
            assert!(ours.rad(k) <= 1e-9, "sample {k}: radius {}", ours.rad(k));
        }
        assert!((ours.mid(steps)[0] - ours.mid(0)[0]).abs() > 0.1);
    }
}
