//! The enclosed trajectories of a spec, step by step: what `certify trace` prints and what
//! `--plot` draws. The algorithm orbit xₖ (`dynamics::spec_orbit`) and the flow samples y(kh)
//! (`dynamics::spec_flow`) as coordinate boxes with exactly representable endpoints, and the
//! enclosure of ‖xₖ − y(kh)‖₂, so that anyone can test them against an independent computation.
//!
//! # Endpoints as text
//! A tube gives a midpoint mₖ and a radius rₖ with ‖xₖ − mₖ‖₂ ≤ rₖ; coordinate i of xₖ then lies in
//! [mₖᵢ − rₖ, mₖᵢ + rₖ], computed with inari (outward rounding, `Tube::point`). Each endpoint is an
//! `f64`, hence a dyadic rational, and is printed as its **exact** decimal expansion
//! ([`exact_decimal`]: no rounding, no exponent, `"0"` for ±0); `"-inf"` / `"inf"` mark an
//! unbounded enclosure (a tube whose radius overflowed).
//!
//! Enclosure: rigorous (the boxes contain the exact points; see `dynamics`).

use crate::dynamics::ivec::point;
use crate::dynamics::{spec_flow, spec_orbit, Tube};
use crate::exact::Rat;
use crate::plot::{Chart, Series, Style};
use crate::spec::Spec;
use crate::theorems::kovachki_stuart_manifold::Thm5Rates;
use crate::theorems::MAX_TRAJECTORY_STEPS;
use crate::{Error, Result};
use inari::Interval;
use num_bigint::BigUint;
use num_traits::ToPrimitive;

/// The enclosed algorithm orbit and flow of a spec over its horizon.
#[derive(Clone, Debug)]
pub struct Trace {
    /// The exact-arithmetic algorithm orbit xₖ, k = 0..=steps.
    pub orbit: Tube,
    /// The exact flow sampled at t = kh, k = 0..=steps.
    pub flow: Tube,
    /// The flow's name, e.g. `gradient flow ẏ = −∇f(y)`.
    pub flow_name: &'static str,
    /// The spec's method name (`gd`, `heavy_ball`, …).
    pub method: &'static str,
    /// The step size h (exact).
    pub h: Rat,
    /// The horizon K (`horizon.steps`).
    pub steps: usize,
}

/// Encloses the orbit and the flow of `spec`. Errors (exit code 2): a horizon beyond
/// [`MAX_TRAJECTORY_STEPS`] (`/horizon/steps`); a spec for which this version encloses no orbit or
/// no flow (`/objective`).
///
/// Enclosure: rigorous (`dynamics::spec_orbit`, `dynamics::spec_flow`).
pub fn trace(spec: &Spec) -> Result<Trace> {
    if spec.steps > MAX_TRAJECTORY_STEPS {
        return Err(Error::spec(
            "/horizon/steps",
            format!("trace encloses at most {MAX_TRAJECTORY_STEPS} steps, got {}", spec.steps),
        ));
    }
    let none = || {
        Error::spec(
            "/objective",
            format!(
                "trace needs an enclosed orbit and flow, and this version does not enclose them for method {} on \
                 the objective {}",
                spec.algorithm.method.name(),
                spec.objective.describe()
            ),
        )
    };
    let orbit = spec_orbit(spec).ok_or_else(none)?;
    let (flow, flow_name) = spec_flow(spec).ok_or_else(none)?;
    let steps = usize::try_from(spec.steps).expect("horizon.steps ≤ MAX_TRAJECTORY_STEPS fits in usize");
    assert!(
        orbit.len() == steps + 1 && flow.len() == steps + 1 && orbit.dim() == flow.dim(),
        "spec_orbit and spec_flow must return K + 1 points of the same dimension"
    );
    Ok(Trace { orbit, flow, flow_name, method: spec.algorithm.method.name(), h: spec.algorithm.h.clone(), steps })
}

impl Trace {
    /// Dimension of the points.
    pub fn dim(&self) -> usize {
        self.orbit.dim()
    }

    /// t = kh, exact.
    pub fn time(&self, k: usize) -> Rat {
        &self.h * Rat::from_integer(k.into())
    }

    /// Coordinate boxes of xₖ. Enclosure: rigorous (`Tube::point`). Tightness: the ball's bounding box.
    pub fn orbit_box(&self, k: usize) -> Vec<Interval> {
        self.orbit.point(k)
    }

    /// Coordinate boxes of y(kh). Enclosure: rigorous. Tightness: the ball's bounding box.
    pub fn flow_box(&self, k: usize) -> Vec<Interval> {
        self.flow.point(k)
    }

    /// An interval containing ‖xₖ − y(kh)‖₂: ‖mˣₖ − mʸₖ‖₂ ± (rˣₖ + rʸₖ) (triangle inequality), the norm
    /// of the midpoints enclosed with inari, the lower end clipped at 0; [0, +∞] when a radius is
    /// infinite.
    ///
    /// Enclosure: rigorous. Tightness: width 2(rˣₖ + rʸₖ) plus a few ulps.
    pub fn distance(&self, k: usize) -> Interval {
        let (rx, ry) = (self.orbit.rad(k), self.flow.rad(k));
        let unbounded = Interval::try_from((0.0, f64::INFINITY)).expect("[0, +∞]");
        if !rx.is_finite() || !ry.is_finite() {
            return unbounded;
        }
        let n = self
            .orbit
            .mid(k)
            .iter()
            .zip(self.flow.mid(k))
            .fold(point(0.0), |s, (&a, &b)| s + (point(a) - point(b)).sqr())
            .sqrt();
        let r = point(rx) + point(ry);
        Interval::try_from(((n - r).inf().max(0.0), (n + r).sup())).unwrap_or(unbounded)
    }

    /// The steps printed with `--every n`: 0, n, 2n, … and always the last step K.
    pub fn sampled(&self, every: usize) -> impl Iterator<Item = usize> {
        assert!(every >= 1, "Trace::sampled: every must be positive");
        let last = self.steps;
        (0..=last).step_by(every).chain((last % every != 0).then_some(last))
    }

    /// Figure (a): the algorithm orbit and the flow in the first two coordinates (as Figs 1 and 3
    /// of 004); in 1-D, the coordinate against t. The midpoints are drawn (the radii are far below a
    /// pixel for the shipped specs); at most [`MAX_PLOT_POINTS`] points per curve.
    pub fn trajectory_chart(&self, title: &str) -> Chart {
        let ks = decimated(self.steps);
        let t = |k: usize| self.time(k).to_f64().unwrap_or(f64::NAN);
        let coords = |tube: &Tube, k: usize| -> (f64, f64) {
            let m = tube.mid(k);
            if self.dim() == 1 {
                (t(k), m[0])
            } else {
                (m[0], m[1])
            }
        };
        let style = if ks.len() <= 300 { Style::LineMarkers } else { Style::Line };
        let orbit = Series::line(
            format!("algorithm ({}) x_k", self.method),
            ks.iter().map(|&k| coords(&self.orbit, k)).collect(),
        )
        .styled(style);
        let flow = Series::line(self.flow_name, ks.iter().map(|&k| coords(&self.flow, k)).collect());
        let (x_label, y_label) = if self.dim() == 1 { ("t = kh", "x") } else { ("coordinate 1", "coordinate 2") };
        Chart::new(format!("{title}: algorithm orbit and flow"), x_label, y_label).with(orbit).with(flow)
    }

    /// Figure (b): the enclosure of ‖xₖ − y(kh)‖₂ against k: a band (at k = 0, then per bucket of
    /// ⌈K/N⌉ steps, N = [`MAX_PLOT_POINTS`], the union of the enclosures in the bucket, drawn at the
    /// bucket's last step) and the midpoint of the enclosure at that step; with the band [0, ε]
    /// when an ε is given. An enclosure that grows beyond 1000 ε (or 1000 times its median) is
    /// clipped at 10 ε, and the title says so; [`Trace::distance_log_chart`] shows it whole.
    pub fn distance_chart(&self, title: &str, epsilon: Option<&Rat>) -> Chart {
        let (mut mids, mut band) = self.distance_buckets();
        // An enclosure that blew up would push ε and the distance to the axis: clip it, and say so.
        let mut sorted: Vec<f64> = band.iter().map(|b| b.1).filter(|x| x.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
        let reference = epsilon.and_then(|e| e.to_f64()).filter(|e| *e > 0.0).unwrap_or(median);
        let top = band.iter().map(|b| b.1).fold(0.0_f64, |m, x| if x.is_nan() { f64::INFINITY } else { m.max(x) });
        let mut name = format!("{title}: distance between orbit and flow");
        if reference > 0.0 && top > 1e3 * reference {
            let cap = 10.0 * reference;
            for (m, b) in mids.iter_mut().zip(band.iter_mut()) {
                (m.1, b.0, b.1) = (m.1.min(cap), b.0.min(cap), b.1.min(cap));
            }
            name.push_str(&format!(" (clipped at {cap:.3e}: the enclosure grows to {top:.3e})"));
        }
        self.with_epsilon(Chart::new(name, "k", "‖x_k − y(kh)‖₂"), epsilon, mids, band)
    }

    /// Figure (b) on a logarithmic distance axis, unclipped above: the growth of the distance and of
    /// its enclosure over many orders of magnitude, from k = 1 (at k = 0 the distance is 0:
    /// y(0) = x₀). The axis starts a decade below the smallest midpoint; a band whose lower end is
    /// below that (an enclosure that holds 0) is drawn from the bottom of the axis.
    pub fn distance_log_chart(&self, title: &str, epsilon: Option<&Rat>) -> Chart {
        let (mut mids, mut band) = self.distance_buckets();
        (mids, band) = (mids.split_off(1.min(mids.len())), band.split_off(1.min(band.len())));
        let floor = mids.iter().map(|m| m.1).filter(|y| *y > 0.0).fold(f64::INFINITY, f64::min) / 10.0;
        if floor.is_finite() {
            for (m, b) in mids.iter_mut().zip(band.iter_mut()) {
                (m.1, b.0) = (m.1.max(floor), b.0.max(floor));
            }
        }
        let name = format!("{title}: distance between orbit and flow (log scale)");
        self.with_epsilon(Chart::new(name, "k", "‖x_k − y(kh)‖₂").log_axes(false, true), epsilon, mids, band)
    }

    /// The midpoints and the bucketed bands of figure (b).
    fn distance_buckets(&self) -> (Points, Points) {
        let stride = self.steps.div_ceil(MAX_PLOT_POINTS).max(1);
        let d0 = self.distance(0);
        let (mut mids, mut band) = (vec![(0.0, 0.5 * (d0.inf() + d0.sup()))], vec![(d0.inf(), d0.sup())]);
        for start in (1..=self.steps).step_by(stride) {
            let end = (start + stride - 1).min(self.steps);
            let (lo, hi) = (start..=end)
                .map(|k| self.distance(k))
                .fold((f64::INFINITY, 0.0_f64), |(l, h), d| (l.min(d.inf()), h.max(d.sup())));
            let d = self.distance(end);
            mids.push((end as f64, 0.5 * (d.inf() + d.sup())));
            band.push((lo, hi));
        }
        (mids, band)
    }

    /// `chart` with the ε band (if any) and the distance series.
    fn with_epsilon(&self, chart: Chart, epsilon: Option<&Rat>, mids: Points, band: Points) -> Chart {
        let mut chart = chart;
        if let Some(eps) = epsilon {
            let e = eps.to_f64().unwrap_or(f64::NAN);
            let ends = vec![(0.0, e), (self.steps as f64, e)];
            chart =
                chart.with(Series::line(format!("ε = {}", crate::exact::fmt_rat(eps)), ends).band(vec![(0.0, e); 2]));
        }
        chart.with(Series::line("enclosure of ‖x_k − y(kh)‖₂", mids).band(band))
    }
}

/// Points (x, y), or bands (lo, hi), of a figure.
type Points = Vec<(f64, f64)>;

/// Most points drawn per curve.
pub const MAX_PLOT_POINTS: usize = 4000;

/// 0, s, 2s, … and K, with s chosen so that at most [`MAX_PLOT_POINTS`] + 1 steps are kept.
fn decimated(steps: usize) -> Vec<usize> {
    let stride = (steps + 1).div_ceil(MAX_PLOT_POINTS).max(1);
    let mut ks: Vec<usize> = (0..=steps).step_by(stride).collect();
    if ks.last() != Some(&steps) {
        ks.push(steps);
    }
    ks
}

/// 004 Fig. 5 (c), (f), from the series of `theorems::kovachki_stuart_manifold::fig5_series`:
/// Theorem 5's bounds (λ + h²λδ)ⁿẽ₀ (printed) and rateⁿẽ₀ (corrected) when `thm5` is given (ẽ₀
/// the exact manifold's, else e₀ of (34) as 004 draws it), eₙ of (34) (`leading`) and ẽₙ
/// (`exact_d`, when the exact manifold exists) against n, on a logarithmic axis (upper ends of
/// the enclosures). With the exact manifold, n runs until ẽₙ falls below
/// 10⁻¹²ẽ₀ (beyond, every curve is a straight line continuing the same slope).
pub fn fig5_chart(title: &str, leading: &[Interval], exact_d: Option<&[Interval]>, thm5: Option<&Thm5Rates>) -> Chart {
    let last = exact_d.map_or(leading.len(), |s| s.len().min(leading.len())).saturating_sub(1);
    let end = exact_d.and_then(|s| s.iter().position(|e| e.sup() < 1e-12 * s[0].inf())).unwrap_or(last).min(last);
    let curve = |s: &[Interval]| -> Vec<(f64, f64)> { (0..=end).map(|n| (n as f64, s[n].sup())).collect() };
    let mut chart = Chart::new(format!("{title}: distance to the invariant manifold (004 Fig. 5)"), "n", "distance")
        .log_axes(false, true);
    if let Some(r) = thm5 {
        let e0 = exact_d.map_or(leading[0], |s| s[0]).sup();
        let geometric = |rate: &Rat| -> Vec<(f64, f64)> {
            let r = rate.to_f64().unwrap_or(f64::NAN);
            (0..=end).map(|n| (n as f64, e0 * r.powf(n as f64))).collect()
        };
        chart = chart
            .with(Series::line("Thm 5 as printed: (λ + h²λδ)ⁿ e_0", geometric(&r.printed)))
            .with(Series::line("Thm 5 corrected: ((λ + haB₁)(1 + hK₂))ⁿ e_0", geometric(&r.rate)));
    }
    chart = chart.with(Series::line("e_n of (34): leading-order manifold (33)", curve(leading)));
    if let Some(s) = exact_d {
        chart =
            chart.with(Series::line("|v_n − w_g(u_n)|: exact invariant manifold", curve(s)).styled(Style::LineMarkers));
    }
    chart
}

/// The exact decimal expansion of a finite `f64` (every finite double is m·2ᵉ, so its expansion
/// terminates): no exponent, no trailing zeros, `"0"` for ±0, e.g. 0.1 ↦
/// `"0.1000000000000000055511151231257827021181583404541015625"`; `"inf"` / `"-inf"` for ±∞.
/// Panics on NaN (an enclosure endpoint is never NaN).
///
/// Enclosure: exact.
pub fn exact_decimal(x: f64) -> String {
    assert!(!x.is_nan(), "exact_decimal: NaN is not an endpoint");
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return "0".into();
    }
    let bits = x.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exp_bits = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    // x = ±m·2^e exactly.
    let (mut m, mut e) = if exp_bits == 0 { (frac, -1074) } else { (frac | (1u64 << 52), exp_bits - 1075) };
    let tz = m.trailing_zeros().min(u32::try_from((-e).max(0)).expect("small"));
    m >>= tz;
    e += i64::from(tz);
    if e >= 0 {
        return format!("{sign}{}", BigUint::from(m) << usize::try_from(e).expect("e ≥ 0"));
    }
    // m·2^e = m·5^n / 10^n with n = −e.
    let n = usize::try_from(-e).expect("e < 0");
    let digits = (BigUint::from(m) * BigUint::from(5u32).pow(u32::try_from(n).expect("n ≤ 1074"))).to_string();
    if digits.len() > n {
        let (int, frac) = digits.split_at(digits.len() - n);
        format!("{sign}{int}.{frac}")
    } else {
        format!("{sign}0.{}{digits}", "0".repeat(n - digits.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;
    use crate::spec::parse_spec_str;
    use crate::theorems::kovachki_stuart_manifold::fig5_series;
    use num_traits::Signed;

    /// The exact decimal parses back (with the spec parser) to the exact value of the double.
    #[test]
    fn exact_decimal_is_exact() {
        let mut xs = vec![
            0.1,
            -0.1,
            1.0,
            3.0,
            0.5,
            1e300,
            -2.5e-10,
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            -f64::from_bits(0x000f_ffff_ffff_ffff),
            f64::MAX,
            123456.789,
            2f64.powi(60),
        ];
        let mut s = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..200 {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let x = f64::from_bits(s);
            if x.is_finite() {
                xs.push(x);
            }
        }
        for x in xs {
            let text = exact_decimal(x);
            assert!(!text.contains('e') && !text.contains('/'), "{text}");
            assert!(!text.contains('.') || !text.ends_with('0'), "trailing zero: {text}");
            assert_eq!(parse_rat(&text).unwrap(), Rat::from_float(x).unwrap(), "{x:e} ↦ {text}");
        }
        assert_eq!(exact_decimal(0.1), "0.1000000000000000055511151231257827021181583404541015625");
        assert_eq!(exact_decimal(-0.0), "0");
        assert_eq!(exact_decimal(-2.0), "-2");
        assert_eq!(exact_decimal(f64::NEG_INFINITY), "-inf");
    }

    fn spec(steps: u64) -> Spec {
        parse_spec_str(&format!(
            r#"{{"name": "t", "objective": {{"type": "quadratic", "Q": [["3"]], "b": ["0"]}},
                "domain": [["-2", "2"]], "algorithm": {{"method": "gd", "h": "1/10"}}, "x0": ["1"],
                "horizon": {{"steps": {steps}}}}}"#
        ))
        .unwrap()
    }

    /// 1-D GD on f = 3x²/2, h = 1/10: xₖ = (7/10)ᵏ exactly; the flow is e^{−3t}, enclosed here by
    /// e^{−3t} ∈ [lo, hi] from the exact Taylor polynomial of e^{3t} with its Lagrange remainder.
    #[test]
    fn boxes_contain_the_exact_points_and_distance_contains_the_true_distance() {
        let tr = trace(&spec(40)).unwrap();
        assert_eq!(tr.sampled(7).collect::<Vec<_>>(), vec![0, 7, 14, 21, 28, 35, 40]);
        assert_eq!(tr.sampled(8).collect::<Vec<_>>(), vec![0, 8, 16, 24, 32, 40]);
        let mut x = Rat::from_integer(1.into());
        let seven = parse_rat("7/10").unwrap();
        for k in 0..=40 {
            let b = tr.orbit_box(k);
            let (lo, hi) =
                (parse_rat(&exact_decimal(b[0].inf())).unwrap(), parse_rat(&exact_decimal(b[0].sup())).unwrap());
            assert!(lo <= x && x <= hi, "k = {k}");
            // e^{3t} = Σ (3t)^j/j! with 0 ≤ remainder ≤ 2·(3t)^{J}/J! for J > 6t (t ≤ 4).
            let s = Rat::from_integer(3.into()) * tr.time(k);
            let (mut sum, mut term) = (Rat::from_integer(0.into()), Rat::from_integer(1.into()));
            for j in 1..=80 {
                sum += &term;
                term = term * &s / Rat::from_integer(j.into());
            }
            let (exp_lo, exp_hi) = (sum.clone(), sum + term * Rat::from_integer(2.into()));
            let (y_lo, y_hi) = (exp_hi.recip(), exp_lo.recip());
            let f = tr.flow_box(k);
            let (flo, fhi) = (Rat::from_float(f[0].inf()).unwrap(), Rat::from_float(f[0].sup()).unwrap());
            assert!(flo <= y_lo && y_hi <= fhi, "k = {k}");
            let d = tr.distance(k);
            let (dlo, dhi) = (Rat::from_float(d.inf()).unwrap(), Rat::from_float(d.sup()).unwrap());
            let (a, b) = (&x - &y_hi, &x - &y_lo);
            let (a, b) = (a.abs().min(b.abs()), a.abs().max(b.abs()));
            assert!(dlo <= a && b <= dhi, "k = {k}: distance");
            x *= &seven;
        }
    }

    /// 004 Fig. 5 on scheme (7) with λ = 9/10 on ½Qu², Q = `q`: four curves with the exact
    /// manifold and the Thm 5 rates, only eₙ of (34) without them.
    #[test]
    fn fig5_chart_has_the_four_curves() {
        let heavy_ball = |q: &str, h: &str, steps: u64, r: &str| {
            parse_spec_str(&format!(
                r#"{{"name": "t", "objective": {{"type": "quadratic", "Q": [["{q}"]], "b": ["0"]}},
                    "domain": [["-{r}", "{r}"]], "algorithm": {{"method": "heavy_ball", "h": "{h}", "lambda": "9/10"}},
                    "x0": ["1"], "horizon": {{"steps": {steps}}}}}"#
            ))
            .unwrap()
        };
        let s = heavy_ball("1", "1/380", 400, "1");
        let (leading, exact_d) = fig5_series(&s).unwrap();
        let rates = Thm5Rates { rate: parse_rat("19/20").unwrap(), printed: parse_rat("9/10").unwrap() };
        let chart = fig5_chart("t", &leading, exact_d.as_deref(), Some(&rates));
        assert_eq!(chart.series.len(), 4);
        // Cut where ẽₙ < 10⁻¹²ẽ₀: (18/19)ⁿ < 10⁻¹² ⟺ n > 12 ln 10/ln(19/18) = 511.05…, beyond the horizon.
        assert_eq!(chart.series[0].points.len(), 401);
        assert!(chart.render_svg().unwrap().contains("exact invariant manifold"));
        // No manifold (complex roots): only eₙ of (34).
        let c = heavy_ball("20", "1/64", 50, "4");
        let (leading, exact_d) = fig5_series(&c).unwrap();
        assert!(exact_d.is_none());
        assert_eq!(fig5_chart("t", &leading, None, None).series.len(), 1);
    }

    /// The thinned figures start at k = 0, end at K, and every band covers the enclosures of its
    /// bucket; the ε band is [0, ε].
    /// Issue 11 item 9: GD on f = 3x²/2 with h = 1 diverges, xₖ = (−2)ᵏ: the distance reaches 2¹⁰⁰ ≈
    /// 1.3e30 at K = 100, so the figure is clipped at 10ε and says so; h = 1/10 is not clipped; the
    /// log-scale figure shows it whole.
    #[test]
    fn a_distance_that_blows_up_is_clipped_and_said() {
        let mut s = spec(100);
        s.algorithm.h = parse_rat("1").unwrap();
        let eps = parse_rat("1/20").unwrap();
        let chart = trace(&s).unwrap().distance_chart("t", Some(&eps));
        assert!(chart.title.contains("(clipped at 5.000e-1: the enclosure grows to 1.268e30)"), "{}", chart.title);
        let d = &chart.series[1];
        assert!(d.band.as_ref().unwrap().iter().all(|&(lo, hi)| lo <= 0.5 && hi <= 0.5));
        assert!(d.points.iter().all(|&(_, y)| y <= 0.5));
        let calm = trace(&spec(100)).unwrap().distance_chart("t", Some(&eps));
        assert!(!calm.title.contains("clipped"), "{}", calm.title);
        // On the log scale nothing is clipped: the last band holds |x₁₀₀ − y(100)| ≈ 2¹⁰⁰ ≈ 1.268e30.
        let log = trace(&s).unwrap().distance_log_chart("t", Some(&eps));
        assert!(log.y_log && !log.x_log && log.title.contains("(log scale)") && !log.title.contains("clipped"));
        let &(lo, hi) = log.series[1].band.as_ref().unwrap().last().unwrap();
        // (x₁₀₀ = 2¹⁰⁰·x₀ with x₀ = 1, y(100) = e⁻³⁰⁰: the distance is 2¹⁰⁰ less a number below 10⁻¹³⁰.)
        assert!(lo <= 2f64.powi(100) && 2f64.powi(100) <= hi, "[{lo:e}, {hi:e}]");
        assert_eq!(log.series[0].points, chart.series[0].points, "the same ε line");
    }

    #[test]
    fn figures_are_thinned_without_losing_enclosures() {
        let tr = trace(&spec(9001)).unwrap();
        let traj = tr.trajectory_chart("t");
        for s in &traj.series {
            assert!(s.points.len() <= MAX_PLOT_POINTS + 1);
            assert_eq!(s.points[0].0, 0.0);
            assert!((s.points.last().unwrap().0 - 900.1).abs() < 1e-9, "1-D: against t = Kh");
        }
        let eps = parse_rat("1/20").unwrap();
        let chart = tr.distance_chart("t", Some(&eps));
        assert_eq!(chart.series[0].band.as_deref(), Some(&[(0.0, 0.05), (0.0, 0.05)][..]));
        let d = &chart.series[1];
        let band = d.band.as_ref().unwrap();
        assert!(d.points.len() <= MAX_PLOT_POINTS + 1);
        assert_eq!((d.points[0].0, d.points.last().unwrap().0), (0.0, 9001.0));
        let mut prev = 0;
        for (&(x, _), &(lo, hi)) in d.points.iter().zip(band) {
            let end = x as usize;
            for k in if end == 0 { 0 } else { prev + 1 }..=end {
                let e = tr.distance(k);
                assert!(lo <= e.inf() && e.sup() <= hi, "k = {k} outside the band at {end}");
            }
            prev = end;
        }
    }

    #[test]
    fn horizon_beyond_the_limit_is_a_spec_error() {
        let e = trace(&spec(MAX_TRAJECTORY_STEPS + 1)).unwrap_err();
        assert!(e.to_string().starts_with("/horizon/steps: trace encloses at most"), "{e}");
        assert_eq!(e.exit_code(), 2);
    }
}
