//! Benchmark figures of the enclosed trajectories of non-quadratic objectives
//! (`shadowcert::dynamics::nonlinear`), not timed tests:
//!
//! ```text
//! cargo run --release --example bench_nonlinear [SPEC ...]
//! ```
//!
//! Default specs: `specs/expression_2d.json` (d = 2, h = 1/10, 100 steps),
//! `specs/digits_sigmoid_gd.json` (d = 65, n = 365 examples, h = 1, 100 steps) and
//! `specs/digits_sigmoid_hb.json` (the Orvieto–Lucchi heavy ball, α = 3/10). For each: the enclosed
//! exact orbit of the spec's method (`dynamics::spec_orbit`: mean-value form) and the enclosed flow
//! it is compared with (`dynamics::spec_flow`: interval Taylor method of order `ORDER` with Picard
//! a-priori boxes; for `heavy_ball_ol` the heavy-ball ODE on (q, q̇)), both over the spec's horizon, with wall-clock
//! time, final and largest radius, and the distance maxₖ ‖mˣₖ − mʸₖ‖ of the midpoints (the
//! measured shadowing distance, up to the radii). One run each.

use shadowcert::dynamics::{spec_flow, spec_orbit};
use shadowcert::spec::load_spec;
use shadowcert_checker::nonlinear::ORDER;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let specs = if args.is_empty() {
        ["specs/expression_2d.json", "specs/digits_sigmoid_gd.json", "specs/digits_sigmoid_hb.json"]
            .map(String::from)
            .to_vec()
    } else {
        args
    };
    println!("Taylor order p = {ORDER}");
    for path in &specs {
        let spec = load_spec(Path::new(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        if spec.objective.as_box().is_none() {
            println!("{path}: quadratic objective, see bench_trajectories");
            continue;
        }
        let steps = usize::try_from(spec.steps).expect("steps fit in usize");
        let h = &spec.algorithm.h;
        println!("{path}: {}, d = {}, h = {h}, {steps} steps", spec.objective.describe(), spec.dim());
        let t = Instant::now();
        let orbit = spec_orbit(&spec).expect("an orbit for every method");
        let t_orbit = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let flow = spec_flow(&spec);
        let t_flow = t.elapsed().as_secs_f64();
        let orbit_name = format!("{} orbit", spec.algorithm.method.name());
        let mut rows = vec![(orbit_name.as_str(), &orbit, t_orbit)];
        if let Some((f, name)) = &flow {
            rows.push((name, f, t_flow));
        }
        for (what, tube, secs) in rows {
            println!(
                "  {what:<40} {secs:>8.3} s  ({:.2} ms/step)  final radius {:.3e}  max radius {:.3e}",
                1e3 * secs / steps as f64,
                tube.rad(steps),
                tube.max_rad()
            );
        }
        let Some((flow, _)) = flow else {
            println!("  (no enclosed flow for this method and objective yet)");
            continue;
        };
        let dist = (0..=steps)
            .map(|k| orbit.mid(k).iter().zip(flow.mid(k)).map(|(a, b)| (a - b) * (a - b)).sum::<f64>().sqrt())
            .fold(0.0, f64::max);
        println!("  max_k |x_k - y(kh)| of the midpoints: {dist:.6e}");
    }
}
