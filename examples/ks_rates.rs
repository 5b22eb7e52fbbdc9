//! The numerical rate of convergence of 004 (Section 2.3, Figs 2 and 4), with enclosures: for scheme
//! (7) on Φ = ½⟨u, Qu⟩, Q = diag(1, κ), λ = 0.9, u₀ = (1, 1) (the `specs/ks_fig_*` setting), the rate
//! Δ(h) = log₂(E(h)/E(h/2)) of the `ks.thm2` claim against h, to the rescaled flow (8) (Thm 2), the
//! damped flow (11) (Thm 3) and, from the exact invariant manifold, the modified flow (20) with the
//! corrected c (Thm 6).
//!
//! ```text
//! cargo run --release --example ks_rates [SPEC] [--plot DIR]
//! ```
//!
//! Default spec: `specs/ks_fig_hb_kappa5.json`; its horizon T = N·h is kept and h runs over
//! 2⁻⁸ … 2⁻¹⁴. Every Δ printed is the midpoint of the claim's enclosure (`rate_8`, `rate_11`,
//! `rate_20`; widths ≤ 10⁻⁴), '—' when the claim records none (for (20): no real invariant line at
//! that h). With `--plot DIR`, writes DIR/<name>.rates.svg (Δ against h, logarithmic h axis, the
//! enclosures as bands). A measurement, not a test.

use num_traits::ToPrimitive;
use shadowcert::claim::Value;
use shadowcert::exact::Rat;
use shadowcert::plot::{Chart, Series, Style};
use shadowcert::spec::load_spec;
use shadowcert::theorems::kovachki_stuart_rates::thm2_rates;
use shadowcert::theorems::MAX_TRAJECTORY_STEPS;
use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let plot_dir = args.iter().position(|a| a == "--plot").map(|i| match args.get(i + 1) {
        Some(dir) => PathBuf::from(dir),
        None => usage("--plot needs a directory"),
    });
    let path = args.first().filter(|a| !a.starts_with("--")).cloned().unwrap_or("specs/ks_fig_hb_kappa5.json".into());
    let base = load_spec(Path::new(&path)).unwrap_or_else(|e| usage(&e.to_string()));
    let horizon = &base.algorithm.h * Rat::from_integer(base.steps.into());
    println!("{path}: method {}, T = {horizon}", base.algorithm.method.name());
    println!("{:>8} {:>6} {:>12} {:>12} {:>12}   ks.thm2", "h", "N", "Δ (8)", "Δ (11)", "Δ (20)");
    let tags = ["8", "11", "20"];
    let mut curves: Vec<Vec<(f64, f64, f64, f64)>> = vec![Vec::new(); tags.len()];
    for e in 8..=14u32 {
        let h = Rat::new(1.into(), num_bigint::BigInt::from(1) << e);
        let steps = (&horizon / &h).to_integer().to_u64().expect("N fits in u64");
        let mut spec = base.clone();
        spec.algorithm.h = h;
        spec.steps = steps;
        let c = thm2_rates(&spec, MAX_TRAJECTORY_STEPS);
        let hf = 2f64.powi(-(e as i32));
        let mut cells = Vec::new();
        for (tag, curve) in tags.iter().zip(&mut curves) {
            match c.values.get(&format!("rate_{tag}")) {
                Some(v @ Value::Enclosed(_)) => {
                    let (lo, hi) = (v.lo().to_f64().unwrap_or(f64::NAN), v.hi().to_f64().unwrap_or(f64::NAN));
                    curve.push((hf, (lo + hi) / 2.0, lo, hi));
                    cells.push(format!("{:.4}", (lo + hi) / 2.0));
                }
                _ => cells.push("—".into()),
            }
        }
        println!(
            "{:>8} {steps:>6} {:>12} {:>12} {:>12}   {:?}",
            format!("2^-{e}"),
            cells[0],
            cells[1],
            cells[2],
            c.status
        );
    }
    if let Some(dir) = plot_dir {
        std::fs::create_dir_all(&dir).expect("the plot directory can be created");
        let mut chart =
            Chart::new(format!("{}: measured rate Δ = log₂(E(h)/E(h/2))", base.name), "h", "Δ").log_axes(true, false);
        for (tag, curve) in tags.iter().zip(curves) {
            if curve.is_empty() {
                continue;
            }
            let points = curve.iter().map(|&(x, y, _, _)| (x, y)).collect();
            let band = curve.iter().map(|&(_, _, lo, hi)| (lo, hi)).collect();
            chart = chart.with(Series::line(format!("Δ to ({tag})"), points).band(band).styled(Style::LineMarkers));
        }
        let out = dir.join(format!("{}.rates.svg", base.name));
        chart.write_svg(&out).expect("the plot is written");
        println!("plot written to {}", out.display());
    }
}

/// Prints `error: <what>` and exits with code 2 (usage error).
fn usage(what: &str) -> ! {
    eprintln!("error: {what}");
    std::process::exit(2)
}
