//! `certify admissible`: certified admissible step-size ranges, per claim, and their certificate.

use super::{fail, report::approx, write_atomic};
use shadowcert::admissible::certificate as adm_cert;
use shadowcert::admissible::{admissible, ClaimRange, Request, Verdict};
use shadowcert::certificate::{self, SpecSource};
use shadowcert::exact::{fmt_rat, Rat};
use shadowcert::spec::{parse_spec_str, Method};
use shadowcert::Error;
use std::fmt::Write;
use std::path::Path;

/// A short exact-or-approximate rendering of a step size.
fn show(r: &Rat) -> String {
    let exact = fmt_rat(r);
    if exact.len() <= 16 {
        exact
    } else {
        format!("≈{}", approx(r))
    }
}

fn render_claim(out: &mut String, r: &ClaimRange) {
    if let Some(reason) = &r.not_applicable {
        let _ = writeln!(out, "{:<16} not applicable: {reason}", r.id);
        return;
    }
    let lo = r.h_lo().map_or("none".to_string(), show);
    let hi = r.h_hi().map_or("none in range".to_string(), show);
    let _ = write!(out, "{:<16} h_lo = {lo:<16} h_hi = {hi:<16}", r.id);
    if let Some(g) = r.gap() {
        let _ = write!(out, " h_hi/h_lo − 1 = {}", approx(&g));
    }
    let _ = writeln!(out);
    if let Some(s) = &r.supremum {
        let _ = writeln!(
            out,
            "{:<17}exact supremum {} ({})",
            "",
            fmt_rat(&s.value),
            if s.attained { "attained" } else { "not attained" }
        );
    }
    for c in &r.components {
        let w: Vec<String> = c.record.witnesses.iter().map(|(k, v)| format!("{k} = {}", approx(v))).collect();
        let w = if w.is_empty() { String::new() } else { format!("  witnesses {}", w.join(", ")) };
        let _ = writeln!(out, "{:<17}certified h ∈ [{}, {}]{w}", "", show(&c.h_from), show(&c.h_to));
    }
    if let Some(f) = &r.refutation {
        let why = f.record.reason.clone().unwrap_or_default();
        let _ = writeln!(out, "{:<17}refuted for every h ≥ {} ({}: {why})", "", show(&f.h), f.record.id);
    }
    let runs: Vec<String> = r
        .runs
        .iter()
        .filter(|(_, _, v)| *v == Verdict::Inconclusive)
        .map(|(a, b, _)| format!("[{}, {}]", show(a), show(b)))
        .collect();
    if !runs.is_empty() {
        let _ = writeln!(out, "{:<17}inconclusive on {}", "", runs.join(", "));
    }
}

/// `certify admissible SPEC [--from X] [--to Y] [--points N] [--json] [-o FILE]`.
pub fn run(path: &Path, req: &Request, json: bool, output: Option<&Path>) -> i32 {
    if let Err(e) = req.validate() {
        return fail(&Error::Usage(format!("admissible: {e}")));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return fail(&Error::io(path, e)),
    };
    let spec = match String::from_utf8(bytes.clone())
        .map_err(|_| Error::spec("", "the spec is not UTF-8 text"))
        .and_then(|t| parse_spec_str(&t))
    {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let display = path.to_string_lossy().replace('\\', "/");
    let source = SpecSource {
        path: display.strip_prefix("./").unwrap_or(&display).to_string(),
        sha256: certificate::sha256_hex(&bytes),
    };
    let ranges = admissible(&spec, req);
    let cert = adm_cert::build(&source, &spec, req, &ranges);
    let text = certificate::to_text(&cert);
    if let Some(out) = output {
        if let Err(e) = write_atomic(out, &text) {
            return fail(&e);
        }
    }
    let code = adm_cert::exit_code(&cert);
    if json {
        print!("{text}");
        return code;
    }
    let mut out = String::new();
    let method = match &spec.algorithm.method {
        Method::Scheme7 { lambda, a, .. } => {
            format!("{}, λ = {}, a = {}", spec.algorithm.method.name(), fmt_rat(lambda), fmt_rat(a))
        }
        m => m.name().to_string(),
    };
    let _ = writeln!(out, "certify admissible {} — \"{}\" ({method})", path.display(), spec.name);
    let _ = writeln!(
        out,
        "  scan h ∈ [{}, {}], {} geometric grid points, every verdict change bisected to h_hi/h_lo − 1 ≤ {}",
        show(&req.from),
        show(&req.to),
        req.points,
        approx(&req.target)
    );
    let _ = writeln!(
        out,
        "  a component is certified by the exact claim at its upper end (conditions increase with h); the \
         refutation holds for every witness and every h ≥ h_hi"
    );
    let _ = writeln!(out);
    for r in &ranges {
        render_claim(&mut out, r);
    }
    let bracketed = ranges.iter().filter(|r| r.gap().is_some()).count();
    let applicable = ranges.iter().filter(|r| r.not_applicable.is_none()).count();
    let _ = writeln!(out);
    let _ = writeln!(out, "summary: {bracketed} of {applicable} applicable claims bracketed — exit {code}");
    if let Some(o) = output {
        let _ = writeln!(out, "certificate written to {}", o.display());
    }
    print!("{out}");
    code
}
