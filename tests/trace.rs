//! `certify trace` and `--plot`, through the real binary: the printed enclosures against exact
//! values computed here (rational GD iterates, an alternating exp series), the JSON shape, usage
//! errors, and the SVG files.

use crate::util::{certify, certify_in, root};
use num_bigint::BigInt;
use num_rational::BigRational as Rat;
use num_traits::{One, Signed, Zero};
use serde_json::Value;
use std::path::Path;

/// A decimal (`"-0.125"`, `"3"`) or fraction (`"1/10"`) string, parsed here without the crate.
fn rat(s: &str) -> Rat {
    if let Some((n, d)) = s.split_once('/') {
        return Rat::new(n.parse().unwrap(), d.parse().unwrap());
    }
    let (neg, body) = s.strip_prefix('-').map_or((false, s), |b| (true, b));
    assert!(!body.is_empty() && body.chars().all(|c| c.is_ascii_digit() || c == '.'), "not an exact decimal: {s:?}");
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits: BigInt = format!("{int}{frac}").parse().unwrap();
    let r = Rat::new(digits, BigInt::from(10u32).pow(frac.len() as u32));
    if neg {
        -r
    } else {
        r
    }
}

fn q(s: &str) -> Rat {
    rat(s)
}

/// [lo, hi] ∋ e^{−x} for x ≥ 0: the partial sums Sₙ of Σ(−x)ʲ/j! bracket e^{−x} once n + 1 > x (the
/// remaining terms alternate and decrease), summed exactly until the last term is below 10⁻⁴⁰.
fn exp_neg(x: &Rat) -> (Rat, Rat) {
    let tiny = Rat::new(BigInt::one(), BigInt::from(10u32).pow(40));
    let (mut s, mut term, mut j) = (Rat::zero(), Rat::one(), 0u32);
    loop {
        let next = &s + &term;
        if Rat::from_integer(j.into()) + Rat::one() > *x && term.abs() < tiny {
            return if next < s { (next, s) } else { (s, next) };
        }
        s = next;
        j += 1;
        term = -term * x / Rat::from_integer(j.into());
    }
}

/// The bracket of [`exp_neg`] meets the true value (50-digit truncations from Python's `decimal`)
/// and is narrow.
#[test]
fn exp_series_brackets_known_values() {
    let ten_pow = |n: u32| Rat::from_integer(BigInt::from(10u32).pow(n));
    for (x, digits, scale) in [
        ("1", "36787944117144232159552377016146086744581113103176", 50),
        ("30", "93576229688401746049158322233787067449583226889358", 63),
    ] {
        let truncated = rat(digits) / ten_pow(scale);
        let (lo, hi) = exp_neg(&rat(x));
        assert!(lo <= &truncated + ten_pow(scale).recip() && truncated <= hi, "e^-{x}: [{lo}, {hi}]");
        assert!(hi - lo < ten_pow(39).recip());
    }
    let (lo, hi) = exp_neg(&Rat::zero());
    assert!(lo <= Rat::one() && Rat::one() <= hi);
}

fn interval(v: &Value) -> (Rat, Rat) {
    let a = v.as_array().expect("[lo, hi]");
    assert_eq!(a.len(), 2, "{v}");
    let (lo, hi) = (rat(a[0].as_str().unwrap()), rat(a[1].as_str().unwrap()));
    assert!(lo <= hi, "{v}");
    (lo, hi)
}

const ONE_D: &str = r#"{"name": "one_d", "objective": {"type": "quadratic", "Q": [["5/4"]], "b": ["0"]},
    "domain": [["-1", "1"]], "algorithm": {"method": "gd", "h": "0.1"}, "x0": ["0.7"],
    "horizon": {"steps": 250}}"#;

fn json_run(dir: &Path, spec: &str, every: &str) -> Value {
    let run = certify_in(dir, &["trace", spec, "--json", "--every", every]);
    run.expect_code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{}: not JSON: {e}", run.cmd))
}

/// 1-D GD on f = (5/4)x²/2, h = 1/10, x₀ = 7/10: xₖ = (7/8)ᵏ·7/10 exactly, y(t) = (7/10)e^{−5t/4}.
/// Every printed interval must contain the exact iterate, the independent enclosure of the flow,
/// and the distance between them; zero failures tolerated.
#[test]
fn json_intervals_contain_the_exact_iterates_and_flow() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("one_d.json"), ONE_D).unwrap();
    let (x0, h, qq) = (q("7/10"), q("1/10"), q("5/4"));
    for every in ["1", "7", "50", "250", "1000"] {
        let v = json_run(dir.path(), "one_d.json", every);
        let n: usize = every.parse().unwrap();
        let mut expected: Vec<usize> = (0..=250).step_by(n).collect();
        if expected.last() != Some(&250) {
            expected.push(250);
        }
        let points = v["points"].as_array().unwrap();
        let ks: Vec<usize> = points.iter().map(|p| p["k"].as_u64().unwrap() as usize).collect();
        assert_eq!(ks, expected, "--every {every}");
        for p in points {
            let k = p["k"].as_u64().unwrap() as u32;
            let t = rat(p["t"].as_str().unwrap());
            assert_eq!(t, &h * Rat::from_integer(k.into()), "t at k = {k}");
            let x = &x0 * num_traits::pow(Rat::one() - &h * &qq, k as usize);
            let (lo, hi) = interval(&p["x"][0]);
            assert!(lo <= x && x <= hi, "k = {k}: x_k = {x} not in [{lo}, {hi}]");
            assert!(&hi - &lo < q("0.00000000000001"), "k = {k}: x enclosure too wide");
            let (e_lo, e_hi) = exp_neg(&(&qq * &t));
            let (y_lo, y_hi) = (&x0 * e_lo, &x0 * e_hi);
            let (lo, hi) = interval(&p["y"][0]);
            assert!(lo <= y_lo && y_hi <= hi, "k = {k}: y(kh) ∈ [{y_lo}, {y_hi}] not in [{lo}, {hi}]");
            assert!(&hi - &lo < q("0.00000000000001"), "k = {k}: y enclosure too wide");
            // x_k < y(kh) here (1 − h·q < e^{−hq}), so |x − y| ∈ [y_lo − x, y_hi − x].
            let (lo, hi) = interval(&p["distance"]);
            assert!(lo <= &y_lo - &x && &y_hi - &x <= hi, "k = {k}: distance");
        }
    }
}

#[test]
fn json_has_the_documented_shape() {
    let v = json_run(&root(), "specs/heavy_ball.json", "2500");
    assert_eq!(v["format"], "shadowcert-trace/1");
    assert_eq!(v["spec"], "heavy_ball");
    assert_eq!(v["method"], "heavy_ball");
    assert_eq!(v["h"], "1/1000");
    assert_eq!(v["steps"], 10000);
    assert_eq!(v["every"], 2500);
    assert_eq!(v["dim"], 2);
    assert!(v["flow"].as_str().unwrap().contains("rescaled flow (8)"), "{}", v["flow"]);
    for key in ["orbit", "endpoints"] {
        assert!(v[key].is_string(), "{key}");
    }
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 5);
    for p in points {
        let keys: Vec<&str> = p.as_object().unwrap().keys().map(|s| s.as_str()).collect();
        assert_eq!(keys, ["distance", "k", "t", "x", "y"], "{p}");
        for key in ["x", "y"] {
            let b = p[key].as_array().unwrap();
            assert_eq!(b.len(), 2);
            for i in b {
                interval(i);
            }
        }
        interval(&p["distance"]);
    }
    // Heavy ball from rest: u₀ = (1, 1) exactly, so the box at k = 0 contains it.
    let (lo, hi) = interval(&points[0]["x"][1]);
    assert!(lo <= Rat::one() && Rat::one() <= hi);
}

#[test]
fn table_lists_the_sampled_steps() {
    let run = certify(&["trace", "specs/strongly_convex.json", "--every", "500"]);
    run.expect_code(0);
    assert!(run.stdout.contains("gradient flow"), "{}", run.stdout);
    // Rows of a step carry k in the first 7 columns; the rows of further coordinates leave them blank.
    let rows = run.stdout.lines().skip_while(|l| !l.trim_start().starts_with("k ")).skip(1);
    let ks: Vec<&str> = rows.filter_map(|l| l.get(..7)).map(str::trim).filter(|k| !k.is_empty()).collect();
    assert_eq!(ks, ["0", "500", "1000", "1500", "2000"], "{}", run.stdout);
    let coordinate_rows = run.stdout.lines().filter(|l| l.starts_with("          ")).count();
    assert_eq!(coordinate_rows, 5, "one row for coordinate 2 per step:\n{}", run.stdout);
}

/// Exit code 2, one `error:` message mentioning `needle`, no panic.
fn usage_error(dir: &Path, args: &[&str], needle: &str) {
    let run = certify_in(dir, args);
    run.expect_code(2);
    assert!(run.stderr.starts_with("error:"), "{}: {}", run.cmd, run.stderr);
    assert!(run.stderr.contains(needle), "{}: expected {needle:?} in {}", run.cmd, run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}: {}", run.cmd, run.stdout);
}

#[test]
fn usage_and_spec_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("one_d.json"), ONE_D).unwrap();
    usage_error(d, &["trace", "one_d.json", "--every", "0"], "--every");
    usage_error(d, &["trace", "one_d.json", "--every", "x"], "--every");
    usage_error(d, &["trace", "one_d.json", "--bogus"], "--bogus");
    usage_error(d, &["trace"], "<SPEC>");
    usage_error(d, &["trace", "missing.json"], "missing.json");
    std::fs::write(d.join("bad_h.json"), ONE_D.replace("\"0.1\"", "\"-1\"")).unwrap();
    usage_error(d, &["trace", "bad_h.json"], "error: /algorithm/h");
    let long = ONE_D.replace("250", &(shadowcert::theorems::MAX_TRAJECTORY_STEPS + 1).to_string());
    std::fs::write(d.join("long.json"), long).unwrap();
    usage_error(d, &["trace", "long.json", "--json"], "error: /horizon/steps: trace encloses at most");
    // A non-quadratic objective with a momentum method is enclosed too (interval Taylor method).
    let mut spec: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("specs/expression_2d.json")).unwrap()).unwrap();
    spec["algorithm"] = serde_json::json!({"method": "heavy_ball", "lambda": "0.9", "h": "1/100"});
    std::fs::write(d.join("expr_hb.json"), spec.to_string()).unwrap();
    let run = certify_in(d, &["trace", "expr_hb.json", "--json", "--every", "50"]);
    run.expect_code(0);
    assert!(run.stdout.contains("rescaled flow (8)"), "{}", &run.stdout[..run.stdout.len().min(400)]);
}

/// Parses enough of an SVG to know it is one: a single `<svg …>` root closed at the end, with a
/// polyline (the curves) and balanced tags.
fn assert_svg(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(text.starts_with("<svg"), "{}", path.display());
    assert!(text.trim_end().ends_with("</svg>"), "{}", path.display());
    assert!(text.contains("<polyline") || text.contains("<path"), "{}: no curve", path.display());
    let opens = text.matches("<text").count();
    assert_eq!(opens, text.matches("</text>").count(), "{}: unbalanced <text>", path.display());
}

#[test]
fn plot_writes_svg_files_for_trace_and_the_main_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new/sub");
    let run = certify(&["trace", "specs/heavy_ball.json", "--every", "10000", "--plot", out.to_str().unwrap()]);
    run.expect_code(0);
    for kind in ["trajectory", "distance"] {
        let f = out.join(format!("heavy_ball.{kind}.svg"));
        assert_svg(&f);
        assert!(run.stdout.contains(&f.display().to_string()), "{}", run.stdout);
    }
    // The main command keeps its exit code and report; the distance plot has the ε band.
    let run = certify(&["specs/strongly_convex.json", "--plot", out.to_str().unwrap()]);
    run.expect_code(0);
    assert!(run.stdout.contains("summary:"), "{}", run.stdout);
    assert_svg(&out.join("strongly_convex.trajectory.svg"));
    let dist = out.join("strongly_convex.distance.svg");
    assert_svg(&dist);
    assert!(std::fs::read_to_string(&dist).unwrap().contains("ε = 1/20"));
    let log = out.join("strongly_convex.distance_log.svg");
    assert_svg(&log);
    assert!(std::fs::read_to_string(&log).unwrap().contains("(log scale)"));
    // 1-D: plotted against t.
    std::fs::write(dir.path().join("one_d.json"), ONE_D).unwrap();
    certify_in(dir.path(), &["trace", "one_d.json", "--json", "--every", "250", "--plot", "p"]).expect_code(0);
    let traj = dir.path().join("p/one_d.trajectory.svg");
    assert_svg(&traj);
    assert!(std::fs::read_to_string(&traj).unwrap().contains("t = kh"));
    // A file where the directory should be: a clear I/O error, exit 2.
    std::fs::write(dir.path().join("file"), "x").unwrap();
    usage_error(dir.path(), &["trace", "one_d.json", "--plot", "file"], "error: file");
    let run = certify_in(dir.path(), &["one_d.json", "--plot", "file"]);
    run.expect_code(2);
    assert!(run.stderr.starts_with("error: file"), "{}", run.stderr);
    // The report of the certified spec is still printed before the plot error.
    assert!(run.stdout.contains("shadow.orbit"), "{}", run.stdout);
}

/// GD with h·q = 3 diverges ((−2)ᵏ): once the orbit overflows `f64`, its enclosure is printed as
/// unbounded, never as a wrong finite interval, and the plots are still drawn.
#[test]
fn overflowing_orbits_print_unbounded_enclosures() {
    let dir = tempfile::tempdir().unwrap();
    let spec = ONE_D.replace("\"5/4\"", "\"3\"").replace("\"0.1\"", "\"1\"").replace("250", "2000");
    std::fs::write(dir.path().join("blow.json"), spec).unwrap();
    let run = certify_in(dir.path(), &["trace", "blow.json", "--json", "--every", "1000", "--plot", "p"]);
    run.expect_code(0);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    let last = &v["points"][2];
    assert_eq!(last["k"], 2000);
    assert_eq!(last["x"][0], serde_json::json!(["-inf", "inf"]));
    assert_eq!(last["distance"][1], "inf");
    let (lo, hi) = interval(&last["y"][0]);
    assert!(lo < Rat::zero() && Rat::zero() < hi, "y(2000) = (7/10)·exp(−6000): a tiny positive number inside");
    assert_svg(&dir.path().join("p/one_d.trajectory.svg"));
    assert_svg(&dir.path().join("p/one_d.distance.svg"));
}
