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
//! enclosures as bands). Thm 3 (and its rate to (11)) assumes h ≤ (1 − λ)²/(2αB₁): the table marks
//! the step sizes that violate it and the plot draws that bound as a vertical line (or says in its
//! title that every h plotted violates it). A measurement, not a test.

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
    // Thm 3's own condition h ≤ h_max = (1 − λ)²/(2αB₁), from the exact ks.thm3 record (h_max
    // does not depend on h).
    let sc = shadowcert::admissible::step_claims(&base);
    let h_max = sc
        .applies("ks.thm3")
        .ok()
        .and_then(|_| sc.claim("ks.thm3", &base.algorithm.h).values.get("h_max").map(|v| v.hi().clone()));
    match &h_max {
        Some(m) => println!(
            "Thm 3 needs h ≤ (1 − λ)²/(2αB₁) = {} ≈ {:.3e}; '*' marks h beyond it",
            m,
            m.to_f64().unwrap_or(f64::NAN)
        ),
        None => println!("Thm 3 does not apply to this spec ({})", sc.applies("ks.thm3").err().unwrap_or_default()),
    }
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
            // The rates to (8) and (11) are verified values; the rate to (20) is a measurement.
            let key = format!("rate_{tag}");
            match c.values.get(&key).or_else(|| c.measured.get(&key)) {
                Some(v @ Value::Enclosed(_)) => {
                    let (lo, hi) = (v.lo().to_f64().unwrap_or(f64::NAN), v.hi().to_f64().unwrap_or(f64::NAN));
                    curve.push((hf, (lo + hi) / 2.0, lo, hi));
                    cells.push(format!("{:.4}", (lo + hi) / 2.0));
                }
                _ => cells.push("—".into()),
            }
        }
        let beyond = h_max.as_ref().is_some_and(|m| &spec.algorithm.h > m);
        println!(
            "{:>8} {steps:>6} {:>12} {:>12} {:>12}   {:?}",
            format!("{}2^-{e}", if beyond { "*" } else { "" }),
            cells[0],
            cells[1],
            cells[2],
            c.status
        );
    }
    if let Some(dir) = plot_dir {
        std::fs::create_dir_all(&dir).expect("the plot directory can be created");
        let (h_lo, h_hi) = (2f64.powi(-14), 2f64.powi(-8));
        let m = h_max.as_ref().and_then(|m| m.to_f64());
        let note = match m {
            Some(m) if m < h_lo => " (every h here violates Thm 3's h ≤ (1 − λ)²/(2αB₁))".to_string(),
            Some(m) if m > h_hi => " (every h here meets Thm 3's condition)".to_string(),
            _ => String::new(),
        };
        let mut chart = Chart::new(format!("{}: measured rate Δ = log₂(E(h)/E(h/2)){note}", base.name), "h", "Δ")
            .log_axes(true, false);
        if let Some(m) = m.filter(|m| (h_lo..=h_hi).contains(m)) {
            let (lo, hi) =
                curves.iter().flatten().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.2), b.max(p.3)));
            // Drawn a quarter of the data's range higher: room for the legend above the curves.
            let top = hi + (hi - lo) / 4.0;
            let name = "Thm 3's bound (1 − λ)²/(2αB₁): h to its right violate it";
            chart = chart.with(Series::line(name, vec![(m, lo), (m, top)]));
        }
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
