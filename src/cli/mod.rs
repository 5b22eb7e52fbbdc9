//! Commands: each returns the process exit code and prints errors as `error: <place>: <reason>`.

pub mod admissible;
pub mod grid;
mod progress;
mod report;
pub mod trace;

use shadowcert::admissible::Request;
use shadowcert::certificate::{check::check_file, regress::regress as run_regress, to_text};
use shadowcert::certify::certify_path_tightened;
use shadowcert::exact::{parse_rat, Rat};
use shadowcert::theorems::kovachki_stuart_manifold as manifold;
use shadowcert::{spec, Error};
use std::path::Path;

/// Prints `error: <e>` and returns its exit code.
pub fn fail(e: &Error) -> i32 {
    eprintln!("error: {e}");
    e.exit_code()
}

/// Writes `text` to `path` atomically (temporary file, then rename).
pub fn write_atomic(path: &Path, text: &str) -> Result<(), Error> {
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// `certify SPEC [--json] [-o FILE] [--plot DIR]`.
pub fn certify(path: &Path, json: bool, output: Option<&Path>, tighten: Option<f64>, plot: Option<&Path>) -> i32 {
    // Progress on long horizons (the spec is read twice: errors are reported by the certification).
    let steps = spec::load_spec(path).map_or(0, |s| usize::try_from(s.steps).unwrap_or(usize::MAX));
    let live = progress::live(steps, "certifying".into(), None);
    let certified = certify_path_tightened(path, tighten.map(std::time::Duration::from_secs_f64));
    drop(live);
    let c = match certified {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let text = to_text(&c.certificate);
    if let Some(out) = output {
        if let Err(e) = write_atomic(out, &text) {
            return fail(&e);
        }
    }
    // A failed --plot is reported after the certificate and the report, which stay valid.
    let (plots, plot_error) = match plot.map(|dir| plot_certified(dir, &c)).transpose() {
        Ok(p) => (p.unwrap_or_default(), None),
        Err(e) => (Vec::new(), Some(e)),
    };
    if json {
        print!("{text}");
        if let Some(t) = &c.tightening {
            eprintln!("{}", t.line());
        }
    } else {
        print!("{}", report::wrap(&report::render(path, &c), report::width()));
        if let Some(t) = &c.tightening {
            print!("{}", report::wrap(&format!("{}\n", t.line()), report::width()));
        }
        if let Some(out) = output {
            println!("certificate written to {}", out.display());
        }
        for p in &plots {
            println!("plot written to {}", p.display());
        }
    }
    match plot_error {
        Some(e) => fail(&e),
        None => c.exit_code,
    }
}

/// The `--plot` figures of a certified spec; the ε band is the one `shadow.orbit` used, else the
/// spec's `epsilon`. For scheme (7) on a quadratic, also `<name>.manifold.svg` (004 Fig. 5: the
/// distance to the invariant manifold with the bounds of a verified `ks.thm5`).
fn plot_certified(dir: &Path, c: &shadowcert::certify::Certified) -> Result<Vec<std::path::PathBuf>, Error> {
    let eps = c
        .claims
        .iter()
        .find(|cl| cl.id == "shadow.orbit")
        .and_then(|cl| cl.values.get("epsilon"))
        .map(|v| v.hi().clone())
        .or_else(|| c.spec.epsilon.clone());
    let tr = trace::enclose(&c.spec).map_err(|e| Error::Usage(format!("--plot: {e}")))?;
    let thm5 = c.claims.iter().find_map(manifold::thm5_rates);
    let fig5 = manifold::fig5_series(&c.spec)
        .map(|(leading, exact)| shadowcert::trace::fig5_chart(&c.spec.name, &leading, exact.as_deref(), thm5.as_ref()));
    trace::write_plots(dir, &c.spec, &tr, eps.as_ref(), fig5.map(|ch| ("manifold", ch)).into_iter().collect())
}

/// `certify check CERT [--strict] [--data DIR]`.
pub fn check(path: &Path, strict: bool, data_dir: Option<&Path>) -> i32 {
    match check_file(path, data_dir) {
        Ok(ok) => {
            let p = &ok.provenance;
            println!("ok: {} is a valid certificate", path.display());
            println!(
                "  written by shadowcert {} from {} (sha256 {}…; provenance, not verified)",
                p.tool_version,
                p.spec_path,
                &p.spec_sha256[..12]
            );
            println!("  {} records verified by the checker from the inputs and the evidence", ok.by_checker.len());
            if !ok.by_rerun.is_empty() {
                println!(
                    "  {} records verified by re-running the engine: {}",
                    ok.by_rerun.len(),
                    ok.by_rerun.join(", ")
                );
            }
            if let Some(f) = &ok.data_file {
                println!("  data file {} (SHA-256 as pinned)", f.display());
            }
            let verdict = if ok.exit_code == 0 { "every requested claim verified" } else { "some claim not verified" };
            println!("  the certificate's exit code: {} ({verdict})", ok.exit_code);
            if strict {
                ok.exit_code
            } else {
                0
            }
        }
        Err(e) if e.exit_code() == 2 => fail(&e),
        Err(e) => {
            eprintln!("error: {}: certificate rejected: {e}", path.display());
            1
        }
    }
}

/// `certify regress DIR`.
pub fn regress(dir: &Path) -> i32 {
    let entries = match run_regress(dir) {
        Ok(e) => e,
        Err(e) => return fail(&e),
    };
    let mut failed = 0;
    for e in &entries {
        let verdict = if e.failures.is_empty() { "ok  " } else { "FAIL" };
        println!("{verdict} {}", e.cert.display());
        for f in &e.failures {
            println!("     - {f}");
        }
        for n in &e.notes {
            println!("     · {n}");
        }
        failed += usize::from(!e.failures.is_empty());
    }
    println!("regress: {} certificates, {} failed", entries.len(), failed);
    i32::from(failed > 0)
}

/// Parses an exact rational command-line value; the error names the flag.
pub fn parse_flag(flag: &str, text: &str) -> Result<Rat, Error> {
    parse_rat(text).map_err(|e| Error::Usage(format!("{flag}: {e}")))
}

/// The admissibility request of `--from`, `--to`, `--points` (target 10⁻¹⁰).
pub fn range_request(from: &str, to: &str, points: usize) -> Result<Request, Error> {
    let req = Request { from: parse_flag("--from", from)?, to: parse_flag("--to", to)?, points, ..Request::default() };
    req.validate().map_err(|e| Error::Usage(format!("--{e}")))?;
    Ok(req)
}

/// `certify schema`.
pub fn schema() -> i32 {
    println!("{}", serde_json::to_string_pretty(&spec::schema()).expect("schema serializes"));
    0
}
