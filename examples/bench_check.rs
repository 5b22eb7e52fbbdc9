//! Benchmark figures of `certify check` against certifying (not timed tests):
//!
//! ```text
//! cargo run --release --example bench_check [SPEC …]
//! ```
//!
//! For every spec (default: every `specs/*.json`), in one process: the wall time of certifying it
//! (`certify::certify_path`), of checking the certificate it wrote (`certificate::check::check_with`,
//! the checker with the engine plugged in for the records marked `re-run`), the records the checker
//! verified from evidence and those it re-ran, and the certificate's size. Then the totals and the
//! ratio check/certify, overall and without the records that are still re-run.

use shadowcert::certificate::check::check_with;
use shadowcert::certificate::to_text;
use shadowcert::certify::certify_path;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let mut specs: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    if specs.is_empty() {
        specs = std::fs::read_dir("specs")
            .expect("run from the project root")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        specs.sort();
    }
    println!(
        "{:<28} {:>10} {:>10} {:>7} {:>8} {:>7} {:>9}",
        "spec", "certify", "check", "ratio", "checker", "re-run", "size"
    );
    let (mut tc, mut tk, mut tc_ev, mut tk_ev) = (0.0, 0.0, 0.0, 0.0);
    for path in &specs {
        let t = Instant::now();
        let c = certify_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let certify = t.elapsed().as_secs_f64();
        let size = to_text(&c.certificate).len();
        let dir = path.parent().map(|p| p.join("..")).unwrap_or_else(|| PathBuf::from("."));
        let t = Instant::now();
        let r = check_with(&c.certificate, Some(&dir.join("proofs")), None)
            .unwrap_or_else(|e| panic!("{}: its own certificate does not check: {e}", path.display()));
        let check = t.elapsed().as_secs_f64();
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        println!(
            "{name:<28} {:>9.3}s {:>9.3}s {:>7.3} {:>8} {:>7} {:>8.0}K",
            certify,
            check,
            check / certify,
            r.by_checker.len(),
            r.by_rerun.len(),
            size as f64 / 1024.0
        );
        tc += certify;
        tk += check;
        if r.by_rerun.is_empty() {
            tc_ev += certify;
            tk_ev += check;
        }
    }
    println!("total: certify {tc:.2} s, check {tk:.2} s, ratio {:.3}", tk / tc);
    println!("specs checked from evidence alone: certify {tc_ev:.2} s, check {tk_ev:.2} s, ratio {:.3}", tk_ev / tc_ev);
}
