//! The shadowing experiment of Orvieto & Lucchi (000, "Experiments on ERM") on the shipped digits
//! data, with enclosures instead of a Runge–Kutta reference: GD on the non-convex sigmoid loss
//! (`specs/digits_sigmoid_gd.json`, d = 65, n = 365) against the exact gradient flow, for a range of
//! step sizes h over one fixed time horizon T.
//!
//! ```text
//! cargo run --release --example digits_experiment [T] [--plot DIR]
//! ```
//!
//! For each h ∈ {1, 1/2, 1/4, 1/8} (N = T/h steps) it encloses the exact GD orbit xₖ and the exact
//! flow y(kh) (`shadowcert::trace`: mean-value form and interval Taylor method) and prints the
//! enclosure of the measured shadowing radius ε(h) = maxₖ ‖xₖ − y(kh)‖₂ and ε(h)/h. 000 reports
//! ε = O(h) with no dependence on the number of iterations: the last column should be roughly
//! constant. Then the loss curves: f(xₖ) and f(y(kh)) enclosed along the orbit and the flow at h = 1
//! (`BoxObjective::value` on the tubes' boxes). With `--plot DIR` it also writes, per h, the distance
//! figure of `certify trace --plot`, and the loss curves as DIR/digits_loss.svg. Not a test: every number printed is an enclosure, the table is a
//! measurement. Default T = 20.

use inari::Interval;
use shadowcert::exact::Rat;
use shadowcert::plot::{Chart, Series};
use shadowcert::spec::load_spec;
use shadowcert::trace::trace;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let plot_dir = args.iter().position(|a| a == "--plot").map(|i| match args.get(i + 1) {
        Some(dir) => PathBuf::from(dir),
        None => usage("--plot needs a directory"),
    });
    let horizon: u64 = args
        .first()
        .filter(|a| !a.starts_with("--"))
        .map_or(20, |a| a.parse().unwrap_or_else(|_| usage("T must be a positive integer")));
    let base = load_spec(Path::new("specs/digits_sigmoid_gd.json")).expect("specs/digits_sigmoid_gd.json loads");
    println!("digits_sigmoid_gd: {}, d = {}, GD from x₀ = 0, T = {horizon}", base.objective.describe(), base.dim());
    println!("{:>6} {:>6} {:>40} {:>12} {:>9}", "h", "N", "ε(h) = max_k ‖x_k − y(kh)‖₂ ∈", "ε(h)/h", "time");
    for denominator in [1u64, 2, 4, 8] {
        let mut spec = base.clone();
        spec.algorithm.h = Rat::new(1.into(), denominator.into());
        spec.steps = horizon * denominator;
        spec.name = format!("digits_sigmoid_gd_h1_{denominator}");
        let start = Instant::now();
        let tr = trace(&spec).expect("GD on a dataset objective is enclosed");
        let secs = start.elapsed().as_secs_f64();
        let eps = (0..=tr.steps).fold(Interval::try_from((0.0, 0.0)).unwrap(), |m, k| {
            let d = tr.distance(k);
            Interval::try_from((m.inf().max(d.inf()), m.sup().max(d.sup()))).unwrap()
        });
        let per_h = eps * Interval::try_from((denominator as f64, denominator as f64)).unwrap();
        println!(
            "{:>6} {:>6} {:>40} {:>12} {:>8.1}s",
            format!("1/{denominator}"),
            spec.steps,
            format!("[{:.6e}, {:.6e}]", eps.inf(), eps.sup()),
            format!("{:.4}", per_h.sup()),
            secs
        );
        if let Some(dir) = &plot_dir {
            std::fs::create_dir_all(dir).expect("the plot directory can be created");
            let path = dir.join(format!("{}.distance.svg", spec.name));
            let title = format!("digits, sigmoid loss: GD (h = 1/{denominator}) vs gradient flow");
            tr.distance_chart(&title, None).write_svg(&path).expect("the plot is written");
            println!("       plot written to {}", path.display());
        }
    }
    // Loss curves at h = 1: f along the enclosed orbit and flow (the loss 000 plots per run).
    let objective = base.objective.as_box().expect("a dataset objective");
    let mut spec = base.clone();
    spec.steps = horizon;
    let tr = trace(&spec).expect("GD on a dataset objective is enclosed");
    let loss = |b: Vec<Interval>| objective.value(&b);
    println!("\nloss at h = 1:   k    f(x_k) ∈                          f(y(k)) ∈");
    let (mut orbit_curve, mut flow_curve) = (Vec::new(), Vec::new());
    for k in 0..=tr.steps {
        let (fo, ff) = (loss(tr.orbit_box(k)), loss(tr.flow_box(k)));
        orbit_curve.push((k as f64, fo.mid()));
        flow_curve.push((k as f64, ff.mid()));
        if k % 5 == 0 {
            println!("{k:>19}    [{:.9}, {:.9}]    [{:.9}, {:.9}]", fo.inf(), fo.sup(), ff.inf(), ff.sup());
        }
    }
    if let Some(dir) = &plot_dir {
        let path = dir.join("digits_loss.svg");
        Chart::new("digits, sigmoid loss: f along GD (h = 1) and the gradient flow", "t = k", "f")
            .with(Series::line("f(x_k), GD orbit", orbit_curve))
            .with(Series::line("f(y(k)), gradient flow", flow_curve))
            .write_svg(&path)
            .expect("the plot is written");
        println!("plot written to {}", path.display());
    }
}

/// Prints `error: <what>` and exits with code 2 (usage error).
fn usage(what: &str) -> ! {
    eprintln!("error: {what}");
    std::process::exit(2)
}
