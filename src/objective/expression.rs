//! Expression objectives for the engine: the checker's parsed program
//! ([`shadowcert_checker::expression`], which owns the grammar, the parser and the domain rule)
//! with its derivative programs ([`shadowcert_checker::program`]: reverse-mode differentiation on
//! the program, evaluated over boxes with inari and in Taylor mode), and the modified potential of
//! 004's Theorem 6 built on them.
//!
//! Enclosure: rigorous (see `shadowcert_checker::program`).

use crate::enclose::rat_to_interval;
use crate::exact::{fmt_rat, Rat};
use crate::{Error, Result};
use inari::{const_interval, Interval};
use shadowcert_checker::expression as checked;
use shadowcert_checker::program::{Builder, Programs, TapeSeries};

pub use shadowcert_checker::expression::{Func, MAX_EXPONENT};
pub use shadowcert_checker::program::MAX_INSTRUCTIONS;

/// The JSON pointer of the expression text in a spec.
pub const POINTER: &str = "/objective/f";

const ZERO: Interval = const_interval!(0.0, 0.0);

/// An expression objective with its derivative programs, compiled for box evaluation.
#[derive(Clone, Debug)]
pub struct Expression {
    /// Variable names, one per coordinate.
    pub vars: Vec<String>,
    /// The source text as written in the spec (for a modified potential, its description).
    pub source: String,
    /// The checker's parse of the spec's expression (`None` for a modified potential).
    checked: Option<checked::Expression>,
    programs: Programs,
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.vars == other.vars && self.source == other.source
    }
}

impl Eq for Expression {}

impl Expression {
    /// Parses `source` in `vars` (the checker's parser: errors name [`POINTER`] and the column, or
    /// `/objective/vars/i`) and builds the gradient and Hessian programs.
    pub fn new(vars: Vec<String>, source: &str) -> Result<Self> {
        let e = checked::Expression::parse(&vars, source).map_err(|m| match m.strip_prefix("vars/") {
            Some(rest) => {
                let (i, msg) = rest.split_once(": ").unwrap_or(("", rest));
                Error::spec(format!("/objective/vars/{i}"), msg.to_string())
            }
            None => match m.strip_prefix("vars: ") {
                Some(msg) => Error::spec("/objective/vars", msg.to_string()),
                None => Error::spec(POINTER, m),
            },
        })?;
        let programs = Programs::of(e.tape(), vars.len()).map_err(|m| Error::spec(POINTER, m))?;
        Ok(Expression { vars, source: source.to_string(), checked: Some(e), programs })
    }

    /// The checker's parse of the spec's expression (what the constants are decided on). `None`
    /// for a modified potential ([`Expression::modified`]).
    pub fn checked(&self) -> Option<&checked::Expression> {
        self.checked.as_ref()
    }

    /// The derivative programs (what the checker's validated trajectories evaluate).
    pub fn programs(&self) -> &Programs {
        &self.programs
    }

    /// The modified potential of 004's Theorem 6, scaled for its gradient flow: λ̄·Φ_h with
    /// Φ_h = Φ + ½hc|∇Φ|² (19)–(21), built on Φ's gradient program (so the flow (20),
    /// u̇ = −λ̄∇Φ_h(u), is the gradient flow of the result). `lbar` = λ̄ = (1 − λ)⁻¹, `hc` = h·c.
    ///
    /// Errors when its derivative programs exceed [`MAX_INSTRUCTIONS`].
    pub fn modified(&self, lbar: &Rat, hc: &Rat) -> Result<Expression> {
        let e = self.checked.as_ref().expect("modified potentials are built from a spec's expression");
        let (mut b, f) = Builder::import(e.tape());
        let g = b.adjoint(f, self.dim());
        let mut sq = b.konst(ZERO);
        for gi in g {
            let t = b.mul(gi, gi);
            sq = b.add(sq, t);
        }
        let k = b.konst(rat_to_interval(&(hc / Rat::from_integer(2.into()))));
        let t = b.mul(k, sq);
        let phi_h = b.add(f, t);
        let l = b.konst(rat_to_interval(lbar));
        let m = b.mul(l, phi_h);
        let source = format!("{} · (Φ + ½·{}·|∇Φ|²), Φ = {}", fmt_rat(lbar), fmt_rat(hc), self.source);
        let programs = Programs::build(b, m, self.dim()).map_err(|m| Error::spec(POINTER, m))?;
        Ok(Expression { vars: self.vars.clone(), source, checked: None, programs })
    }

    /// Dimension (number of variables).
    pub fn dim(&self) -> usize {
        self.vars.len()
    }

    /// Encloses f over the box. Enclosure: rigorous.
    pub fn value_box(&self, x: &[Interval]) -> Interval {
        self.programs.value_box(x)
    }

    /// Encloses ∇f over the box. Enclosure: rigorous.
    pub fn gradient_box(&self, x: &[Interval]) -> Vec<Interval> {
        self.programs.gradient_box(x)
    }

    /// Encloses ∇²f over the box, as a full symmetric matrix. Enclosure: rigorous.
    pub fn hessian_box(&self, x: &[Interval]) -> Vec<Vec<Interval>> {
        self.programs.hessian_box(x)
    }

    /// Encloses the distinct entries ∂³f/∂x_i∂x_j∂x_k, i ≤ j ≤ k, with their multiplicities in the
    /// full tensor and whether they are diagonal. Enclosure: rigorous.
    pub fn third_box(&self, x: &[Interval]) -> Vec<(Interval, u32, bool)> {
        self.programs.third_box(x)
    }

    /// ∇f along series in the variables, one Taylor coefficient per call. Enclosure: rigorous.
    pub fn gradient_series(&self) -> TapeSeries<'_> {
        self.programs.gradient_series()
    }

    /// Instructions of the value, gradient and Hessian programs (what evaluation costs).
    #[cfg(test)]
    fn instructions(&self) -> [usize; 3] {
        self.programs.instructions()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enclose::interval_contains_rat;
    use crate::exact::rat;

    type I = Interval;

    fn vars(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn pt(x: f64) -> I {
        I::try_from((x, x)).unwrap()
    }

    fn spec_err(v: &[&str], text: &str) -> (String, String) {
        match Expression::new(vars(v), text) {
            Err(Error::Spec { pointer, msg }) => (pointer, msg),
            other => panic!("{text:?} should not parse: {other:?}"),
        }
    }

    #[test]
    fn numbers_are_exact_and_precedence_is_usual() {
        let e = |t: &str| Expression::new(vars(&["x"]), t).unwrap().value_box(&[pt(0.5)]);
        assert_eq!(e("1 - 2 - 3"), pt(-4.0));
        // -x^2 = -(x²).
        assert_eq!(e("-x^2"), pt(-0.25));
        // 4e-1 = 2/5 is not dyadic: its enclosure is two adjacent floats, and so is the result's.
        let v = e("2*3^2/4e-1");
        assert!(v.contains(45.0) && v.wid() < 1e-13, "{v:?}");
        assert!(!v.contains(45.0 + 1e-12));
    }

    #[test]
    fn errors_name_the_pointer_and_the_column() {
        assert_eq!(spec_err(&["x", "y"], "x + * y"), (POINTER.to_string(), "column 5: unexpected '*'".to_string()));
        let (p, m) = spec_err(&["x", "y"], "x**2");
        assert_eq!((p.as_str(), m.as_str()), (POINTER, "column 3: unexpected '*': powers are written x^2, not x**2"));
        assert!(spec_err(&["x"], "abs(x)").1.ends_with("(a smooth stand-in: sqrt(x^2 + 1e-6))"));
        assert!(spec_err(&["x"], &"(".repeat(500)).1.contains("nested deeper"));
        let (p, m) = spec_err(&["x", "x"], "x");
        assert_eq!(p, "/objective/vars/1", "{m}");
        assert!(m.contains("duplicate"), "{m}");
    }

    #[test]
    fn derivatives_match_hand_values() {
        // f = ½x² + cos y: ∇f = (x, −sin y), ∇²f = diag(1, −cos y), f_yyy = sin y.
        let e = Expression::new(vars(&["x", "y"]), "0.5*x^2 + cos(y)").unwrap();
        let x = [pt(0.5), pt(1.0)];
        let g = e.gradient_box(&x);
        assert!(g[0].contains(0.5) && g[1].contains(-1f64.sin()) && g[1].wid() < 1e-15);
        let h = e.hessian_box(&x);
        assert!(h[0][0].contains(1.0) && h[0][1].contains(0.0) && h[1][1].contains(-1f64.cos()));
        let t = e.third_box(&x);
        assert_eq!(t.len(), 4);
        assert!(t[3].0.contains(1f64.sin()) && t[3].1 == 1);
        assert!(t[0].0.contains(0.0) && t[1].1 == 3);
        assert!(!t[3].0.contains(1f64.sin() + 1e-12));
    }

    #[test]
    fn modified_potential_by_hand() {
        // Φ = x⁴/4 + xy: ∇Φ = (x³ + y, x), |∇Φ|² = (x³ + y)² + x², so with λ̄ = 10, hc = 1/8:
        // ∇(λ̄Φ_h) = 10·(∇Φ + (1/8)∇²Φ∇Φ), ∇²Φ = [[3x², 1], [1, 0]]. At (1/2, 1/4):
        // ∇Φ = (3/8, 1/2), ∇²Φ∇Φ = (3/4·3/8 + 1/2, 3/8) = (25/32, 3/8),
        // ∇(λ̄Φ_h) = 10·(3/8 + 25/256, 1/2 + 3/64) = (1210/256, 350/64).
        let e = Expression::new(vars(&["x", "y"]), "0.25*x^4 + x*y").unwrap();
        let m = e.modified(&rat(10), &(rat(1) / rat(8))).unwrap();
        let g = m.gradient_box(&[pt(0.5), pt(0.25)]);
        for (gi, exact) in g.iter().zip([rat(1210) / rat(256), rat(350) / rat(64)]) {
            assert!(interval_contains_rat(gi, &exact) && gi.wid() < 1e-14, "{gi:?} vs {exact}");
        }
        // Its Hessian: 10·(∇²Φ + (1/8)(∇²Φ² + Σₖ ∂ₖΦ ∇²∂ₖΦ)); ∇²∂ₓΦ = [[6x, 0], [0, 0]], ∇²∂_yΦ = 0.
        // At (1/2, 1/4): ∇²Φ = [[3/4, 1], [1, 0]], ∇²Φ² = [[25/16, 3/4], [3/4, 1]],
        // ∂ₓΦ·6x = 3/8·3 = 9/8: H = 10·([[3/4, 1], [1, 0]] + (1/8)[[43/16, 3/4], [3/4, 1]]).
        let h = m.hessian_box(&[pt(0.5), pt(0.25)]);
        let want = [[rat(3) / rat(4) + rat(43) / rat(128), rat(1) + rat(3) / rat(32)], [rat(0), rat(1) / rat(8)]];
        for (i, j) in [(0, 0), (0, 1), (1, 0)] {
            let w = if (i, j) == (1, 0) { &want[0][1] } else { &want[i][j] };
            assert!(interval_contains_rat(&h[i][j], &(rat(10) * w)), "{i}{j}: {:?}", h[i][j]);
        }
        assert!(interval_contains_rat(&h[1][1], &(rat(10) * &want[1][1])));
        // A wrong hc is not contained.
        let wrong = e.modified(&rat(10), &(rat(1) / rat(7))).unwrap().gradient_box(&[pt(0.5), pt(0.25)]);
        assert!(!interval_contains_rat(&wrong[0], &(rat(1210) / rat(256))));
        assert!(m.source.contains("Φ = 0.25*x^4 + x*y"), "{}", m.source);
    }

    #[test]
    fn enclosures_contain_high_precision_values_at_random_points() {
        // f = log(1 + exp(x − 2y)) + sigma(x·y) + sqrt(2 + x) / (3 − y) + tanh(x)^3, against the
        // hand-derived gradient in f64 (rounding error ~1e-15; the enclosures are a few ulps wide).
        let e =
            Expression::new(vars(&["x", "y"]), "log(1 + exp(x - 2*y)) + sigma(x*y) + sqrt(2 + x)/(3 - y) + tanh(x)^3")
                .unwrap();
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        for _ in 0..200 {
            let (x, y) = (next(), next());
            let g = e.gradient_box(&[pt(x), pt(y)]);
            let s = |t: f64| 1.0 / (1.0 + (-t).exp());
            let u = x - 2.0 * y;
            let sig = s(x * y);
            let th = x.tanh();
            let gx =
                s(u) + sig * (1.0 - sig) * y + 0.5 / (2.0 + x).sqrt() / (3.0 - y) + 3.0 * th * th * (1.0 - th * th);
            let gy = -2.0 * s(u) + sig * (1.0 - sig) * x + (2.0 + x).sqrt() / ((3.0 - y) * (3.0 - y));
            assert!((g[0].mid() - gx).abs() < 1e-13 && g[0].wid() < 1e-13, "{x} {y}: {:?} vs {gx}", g[0]);
            assert!((g[1].mid() - gy).abs() < 1e-13 && g[1].wid() < 1e-13, "{x} {y}: {:?} vs {gy}", g[1]);
        }
    }

    #[test]
    fn exact_polynomial_derivatives_are_contained() {
        // f = x³y − 2xy² + 1/3: ∇f = (3x²y − 2y², x³ − 4xy), f_xy = 3x² − 4y, f_xxy = 6x, computed
        // exactly at 100 pseudo-random rational points; the enclosures must contain every one.
        let e = Expression::new(vars(&["x", "y"]), "x^3*y - 2*x*y^2 + 1/3").unwrap();
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            Rat::new(((seed >> 33) as i64 % 2001 - 1000).into(), 337.into())
        };
        for _ in 0..100 {
            let (x, y) = (next(), next());
            let b = [rat_to_interval(&x), rat_to_interval(&y)];
            let g = e.gradient_box(&b);
            let gx = rat(3) * &x * &x * &y - rat(2) * &y * &y;
            let gy = &x * &x * &x - rat(4) * &x * &y;
            assert!(interval_contains_rat(&g[0], &gx) && interval_contains_rat(&g[1], &gy), "{x} {y}");
            let h = e.hessian_box(&b);
            let hxy = rat(3) * &x * &x - rat(4) * &y;
            assert!(interval_contains_rat(&h[0][1], &hxy) && interval_contains_rat(&h[1][0], &hxy));
            assert!(interval_contains_rat(&h[1][1], &(rat(-4) * &x)));
            let t = e.third_box(&b);
            assert!(interval_contains_rat(&t[1].0, &(rat(6) * &x)));
            // A wrong value is not contained: the test can fail.
            assert!(!interval_contains_rat(&g[0], &(&gx + Rat::new(1.into(), 1000.into()))));
        }
    }

    #[test]
    fn undefined_points_give_the_whole_line() {
        let e = Expression::new(vars(&["x"]), "log(x) + 1/x").unwrap();
        let g = e.gradient_box(&[I::try_from((-1.0, 1.0)).unwrap()]);
        assert_eq!(g[0], I::ENTIRE);
        let g = e.gradient_box(&[I::try_from((1.0, 2.0)).unwrap()]);
        assert!(g[0].contains(0.0) && g[0].contains(0.75) && g[0].sup() <= 1.0);
        let e = Expression::new(vars(&["x"]), "sqrt(x)").unwrap();
        assert_eq!(e.gradient_box(&[I::try_from((0.0, 1.0)).unwrap()])[0], I::ENTIRE);
    }

    #[test]
    fn derivative_programs_grow_linearly() {
        // x·x·…·x (n factors) = xⁿ: the tree derivative of the third order has n(n−1)(n−2)
        // products; the programs stay linear in n. Exact values at x = 1/2: f‴ = n(n−1)(n−2)/2ⁿ⁻³.
        for n in [40i32, 50, 200] {
            let text = vec!["x"; n as usize].join("*");
            let start = std::time::Instant::now();
            let e = Expression::new(vars(&["x"]), &text).unwrap();
            let t = e.third_box(&[pt(0.5)]);
            assert!(start.elapsed().as_secs_f64() < 1.0, "{n} factors: {:?}", start.elapsed());
            assert!(e.instructions().iter().all(|&k| k <= 10 * n as usize), "{n}: {:?}", e.instructions());
            let exact = rat(i64::from(n * (n - 1) * (n - 2))) / rat(2).pow(n - 3);
            assert!(interval_contains_rat(&t[0].0, &exact), "{n}: {:?} vs {exact}", t[0].0);
            assert!(!interval_contains_rat(&t[0].0, &(&exact * rat(1001) / rat(1000))));
        }
        // A 15 000-term sum (the tree version overflowed the stack): ∇f = 15000, ∇²f = 0.
        let e = Expression::new(vars(&["x", "y"]), &vec!["x"; 15_000].join("+")).unwrap();
        let b = [pt(0.25), pt(1.0)];
        assert_eq!(e.gradient_box(&b), vec![pt(15_000.0), pt(0.0)]);
        assert!(e.hessian_box(&b).iter().flatten().all(|h| *h == pt(0.0)));
        assert_eq!(e.value_box(&b), pt(3750.0));
    }
}
