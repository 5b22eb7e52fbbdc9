//! Benchmark figures of the enclosed trajectories of non-quadratic objectives
//! (`shadowcert::dynamics::nonlinear`), not timed tests:
//!
//! ```text
//! cargo run --release --example bench_nonlinear [SPEC ...]
//! ```
//!
//! Default specs: `specs/expression_2d.json` (d = 2, h = 1/10, 100 steps) and
//! `specs/digits_sigmoid_gd.json` (d = 65, n = 365 examples, h = 1, 100 steps). For each: the
//! enclosed exact GD orbit (mean-value form) and the enclosed gradient flow y(kh) (interval Taylor
//! method of order `ORDER` with Picard a-priori boxes), both over the spec's horizon, with wall-clock
//! time, final and largest radius, and the distance maxₖ ‖mˣₖ − mʸₖ‖ of the midpoints (the
//! measured shadowing distance, up to the radii). One run each.

use shadowcert::dynamics::nonlinear::{gd, gradient_flow, ORDER};
use shadowcert::spec::load_spec;
use std::path::Path;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let specs = if args.is_empty() {
        vec!["specs/expression_2d.json".to_string(), "specs/digits_sigmoid_gd.json".to_string()]
    } else {
        args
    };
    println!("Taylor order p = {ORDER}");
    for path in &specs {
        let spec = load_spec(Path::new(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let Some(objective) = spec.objective.as_box() else {
            println!("{path}: quadratic objective, see bench_trajectories");
            continue;
        };
        let steps = usize::try_from(spec.steps).expect("steps fit in usize");
        let h = &spec.algorithm.h;
        println!("{path}: {}, d = {}, h = {h}, {steps} steps", spec.objective.describe(), spec.dim());
        let t = Instant::now();
        let orbit = gd(objective, &spec.x0, h, steps);
        let t_orbit = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let flow = gradient_flow(objective, &spec.x0, &num_traits::One::one(), h, steps);
        let t_flow = t.elapsed().as_secs_f64();
        for (what, tube, secs) in [("GD orbit x_k", &orbit, t_orbit), ("gradient flow y(kh)", &flow, t_flow)] {
            println!(
                "  {what:<20} {secs:>8.3} s  ({:.2} ms/step)  final radius {:.3e}  max radius {:.3e}",
                1e3 * secs / steps as f64,
                tube.rad(steps),
                tube.max_rad()
            );
        }
        let dist = (0..=steps)
            .map(|k| orbit.mid(k).iter().zip(flow.mid(k)).map(|(a, b)| (a - b) * (a - b)).sum::<f64>().sqrt())
            .fold(0.0, f64::max);
        println!("  max_k |x_k - y(kh)| of the midpoints: {dist:.6e}");
    }
}
