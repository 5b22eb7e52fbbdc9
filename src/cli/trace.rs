//! `certify trace SPEC [--json] [--every N] [--plot DIR]` and the `--plot` figures of the main
//! command. Printing only: the enclosures come from `shadowcert::trace`.
//!
//! # `--json` format (`shadowcert-trace/1`)
//! One JSON document, streamed: a header line, then one line per printed step, then `]}`:
//!
//! ```text
//! {"format":"shadowcert-trace/1","spec":NAME,"method":"gd","h":"1/100","steps":K,"every":N,"dim":d,
//!  "orbit":…,"flow":NAME,"endpoints":…,"points":[
//! {"k":0,"t":"0","x":[["lo","hi"],…],"y":[["lo","hi"],…],"distance":["lo","hi"]},
//! …
//! ]}
//! ```
//!
//! k runs over 0, N, 2N, … and always includes K; t = kh is an exact rational (`"1/3"`, `"5"`).
//! `x[i]` encloses coordinate i of the exact-arithmetic algorithm iterate xₖ, `y[i]` that of the
//! flow value y(kh) (y(0) = x₀; `flow` names the flow), `distance` encloses ‖xₖ − y(kh)‖₂. Every
//! endpoint is an `f64` printed as its exact decimal expansion (no exponent; `"inf"`/`"-inf"` for
//! an unbounded enclosure), so `Fraction(lo) <= exact value <= Fraction(hi)` can be tested as
//! written.

use super::progress;
use shadowcert::exact::fmt_rat;
use shadowcert::plot::Chart;
use shadowcert::spec::{load_spec, Spec};
use shadowcert::trace::{exact_decimal, trace, Trace};
use shadowcert::{Error, Result};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// `certify trace SPEC`.
pub fn run(path: &Path, json: bool, every: usize, plot: Option<&Path>) -> i32 {
    let result = (|| {
        let spec = load_spec(path)?;
        let tr = enclose(&spec)?;
        let written = match plot {
            Some(dir) => write_plots(dir, &spec, &tr, spec.epsilon.as_ref(), Vec::new())?,
            None => Vec::new(),
        };
        Ok::<_, Error>((spec, tr, written))
    })();
    let (spec, tr, written) = match result {
        Ok(x) => x,
        Err(e) => return super::fail(&e),
    };
    let stdout = std::io::stdout();
    let pb = if stdout.is_terminal() {
        indicatif::ProgressBar::hidden()
    } else {
        progress::bar(tr.steps, tr.sampled(every).count() as u64, "writing the trace")
    };
    let mut out = std::io::BufWriter::new(stdout.lock());
    let printed =
        if json { print_json(&mut out, &spec, &tr, every, &pb) } else { print_table(&mut out, &spec, &tr, every, &pb) };
    let printed = printed.and_then(|()| {
        if !json {
            for p in &written {
                writeln!(out, "plot written to {}", p.display())?;
            }
        }
        out.flush()
    });
    pb.finish_and_clear();
    match printed {
        Ok(()) => 0,
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => super::fail(&Error::io("<stdout>", e)),
    }
}

/// The orbit and flow of `spec`, with a progress bar on long horizons (2(N + 1) points).
pub fn enclose(spec: &Spec) -> Result<Trace> {
    let steps = usize::try_from(spec.steps).unwrap_or(usize::MAX);
    let _live = progress::live(
        steps,
        format!("enclosing the orbit and the flow over {steps} steps"),
        Some(2 * (spec.steps + 1)),
    );
    trace(spec)
}

/// Writes `DIR/<name>.trajectory.svg`, `DIR/<name>.distance.svg` (the ε band when `epsilon` is
/// given) and `DIR/<name>.distance_log.svg` (the same on a log scale, unclipped), and `DIR/<name>.<kind>.svg` for each `(kind, chart)` of `extra`, creating `DIR`; returns
/// the paths. Characters of the spec's name other than ASCII
/// letters, digits, `-`, `_` and `.` become `_` in the file names.
pub fn write_plots(
    dir: &Path,
    spec: &Spec,
    tr: &Trace,
    epsilon: Option<&shadowcert::exact::Rat>,
    extra: Vec<(&str, Chart)>,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, format!("cannot create the plot directory: {e}")))?;
    let stem: String = spec
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '_' })
        .collect();
    let pb = progress::spinner(tr.steps, format!("drawing the plots of {} steps", tr.steps));
    let charts = [
        ("trajectory", tr.trajectory_chart(&spec.name)),
        ("distance", tr.distance_chart(&spec.name, epsilon)),
        ("distance_log", tr.distance_log_chart(&spec.name, epsilon)),
    ];
    let written = charts
        .into_iter()
        .chain(extra)
        .map(|(kind, chart)| {
            let file = dir.join(format!("{stem}.{kind}.svg"));
            chart.write_svg(&file).map(|()| file)
        })
        .collect();
    pb.finish_and_clear();
    written
}

fn json_pair(i: inari::Interval) -> String {
    format!("[\"{}\",\"{}\"]", exact_decimal(i.inf()), exact_decimal(i.sup()))
}

fn json_box(b: &[inari::Interval]) -> String {
    let parts: Vec<String> = b.iter().map(|&i| json_pair(i)).collect();
    format!("[{}]", parts.join(","))
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

fn print_json(
    out: &mut impl Write,
    spec: &Spec,
    tr: &Trace,
    every: usize,
    pb: &indicatif::ProgressBar,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{{\"format\":\"shadowcert-trace/1\",\"spec\":{},\"method\":{},\"h\":\"{}\",\"steps\":{},\"every\":{},\"dim\":{},\
         \"orbit\":{},\"flow\":{},\"endpoints\":{},\"points\":[",
        quoted(&spec.name),
        quoted(tr.method),
        fmt_rat(&tr.h),
        tr.steps,
        every,
        tr.dim(),
        quoted(&format!("the exact-arithmetic {} orbit x_k from the spec's x0 and h", tr.method)),
        quoted(tr.flow_name),
        quoted("exact decimal expansion of an f64 (inf / -inf: unbounded); [lo, hi] contains the exact value"),
    )?;
    let mut first = true;
    for k in tr.sampled(every) {
        writeln!(
            out,
            "{}{{\"k\":{k},\"t\":\"{}\",\"x\":{},\"y\":{},\"distance\":{}}}",
            if first { "" } else { "," },
            fmt_rat(&tr.time(k)),
            json_box(&tr.orbit_box(k)),
            json_box(&tr.flow_box(k)),
            json_pair(tr.distance(k)),
        )?;
        first = false;
        pb.inc(1);
    }
    writeln!(out, "]}}")
}

/// An `f64` as its shortest round-trip text (so it names the endpoint exactly), in exponent form
/// when very small or large.
fn short(x: f64) -> String {
    if x == 0.0 {
        "0".into()
    } else if (1e-4..1e6).contains(&x.abs()) || !x.is_finite() {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

fn show(i: inari::Interval) -> String {
    format!("[{}, {}]", short(i.inf()), short(i.sup()))
}

fn print_table(
    out: &mut impl Write,
    spec: &Spec,
    tr: &Trace,
    every: usize,
    pb: &indicatif::ProgressBar,
) -> std::io::Result<()> {
    let which = if every == 1 { "every step".to_string() } else { format!("k = 0, {every}, {}, … and K", 2 * every) };
    writeln!(
        out,
        "trace of {}: method {}, h = {}, K = {} steps ({which})",
        spec.name,
        tr.method,
        fmt_rat(&tr.h),
        tr.steps
    )?;
    writeln!(out, "x_k:   the exact-arithmetic {} orbit from x0", tr.method)?;
    writeln!(out, "y(kh): {}, y(0) = x0, at t = kh", tr.flow_name)?;
    writeln!(
        out,
        "enclosures [lo, hi] per coordinate, rounded outward; endpoints are f64s in shortest round-trip form \
         (--json prints them as exact decimals)"
    )?;
    writeln!(out)?;
    let w = 46;
    writeln!(out, "{:>7}  {:<10} {:>3}  {:<w$} {:<w$} ‖x_k − y(kh)‖₂", "k", "t", "i", "x_k", "y(kh)")?;
    for k in tr.sampled(every) {
        let (x, y) = (tr.orbit_box(k), tr.flow_box(k));
        for (i, (xi, yi)) in x.iter().zip(&y).enumerate() {
            let (kk, t, d) = if i == 0 {
                (k.to_string(), fmt_rat(&tr.time(k)), show(tr.distance(k)))
            } else {
                (String::new(), String::new(), String::new())
            };
            let row = format!("{kk:>7}  {t:<10} {:>3}  {:<w$} {:<w$} {d}", i + 1, show(*xi), show(*yi));
            writeln!(out, "{}", row.trim_end())?;
        }
        pb.inc(1);
    }
    Ok(())
}
