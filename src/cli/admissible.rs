//! `certify admissible`: certified admissible step-size ranges, per claim, and their certificate.

use super::{fail, report::approx, write_atomic};
use shadowcert::admissible::certificate as adm_cert;
use shadowcert::admissible::{admissible, verdict_at as verdict_at_h, ClaimRange, Request, Verdict};
use shadowcert::certificate::{self, SpecSource};
use shadowcert::exact::{fmt_rat, Rat};
use shadowcert::spec::{parse_spec_str_in, spec_dir, Method};
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

/// `items` after `head`, separated by `sep` and wrapped at 100 columns (continuation lines indented
/// by `indent` spaces).
fn wrapped(head: &str, items: &[String], sep: &str, indent: usize) -> String {
    let mut out = head.to_string();
    let mut col = head.chars().count();
    for (i, it) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() { format!("{it}{sep}") } else { it.clone() };
        let w = piece.chars().count();
        if col + w > 100 && col > indent {
            out = out.trim_end().to_string();
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        }
        out.push_str(&piece);
        col += w;
    }
    out
}

/// The verdict at one step size `h`, from the exact statements (what `certify` decides at that h),
/// and the largest certified step size of each claim: the top of the report.
fn verdict_at(out: &mut String, spec: &shadowcert::spec::Spec, ranges: &[ClaimRange], h: &Rat, own: bool) {
    let whose = if own { " (the spec's step size)" } else { "" };
    let applicable: Vec<&ClaimRange> = ranges.iter().filter(|r| r.not_applicable.is_none()).collect();
    if applicable.is_empty() {
        let _ = writeln!(out, "  h = {}{whose}: no step-size claim applies to this spec", show(h));
        return;
    }
    let sv = verdict_at_h(spec, ranges, h);
    let word = match sv.basis() {
        Some((id, Verdict::Verified, c)) => match c.values.get("rate") {
            Some(rate) => format!("safe ({id}: spectral radius ≤ {})", approx(rate.hi())),
            None => format!("safe ({id})"),
        },
        Some((id, Verdict::Refuted, c)) => {
            let why = c.reason.clone().unwrap_or_default();
            format!("NOT safe ({id} refuted: {} fails)", why.trim_start_matches("fails: "))
        }
        Some((id, ..)) => format!("undecided ({id} inconclusive)"),
        None => "no stability condition applies".to_string(),
    };
    let _ = writeln!(out, "  h = {}{whose}: {word}", show(h));
    for v in [Verdict::Verified, Verdict::Refuted, Verdict::Inconclusive] {
        let ids: Vec<String> = sv.decided.iter().filter(|d| d.1 == v).map(|d| d.0.clone()).collect();
        if !ids.is_empty() {
            let head = format!("    {}: ", v.as_str());
            let _ = writeln!(out, "{}", wrapped(&head, &ids, ", ", head.chars().count()));
        }
    }
    let largest: Vec<String> = applicable
        .iter()
        .map(|r| match (&r.supremum, r.h_lo(), r.h_hi()) {
            (Some(s), ..) => format!("{} {} {}", r.id, if s.attained { "≤" } else { "<" }, show(&s.value)),
            (None, Some(lo), Some(hi)) if show(lo) == show(hi) => format!("{} {}", r.id, show(lo)),
            (None, Some(lo), Some(hi)) => format!("{} ∈ [{}, {}]", r.id, show(lo), show(hi)),
            (None, Some(lo), None) => format!("{} ≥ {}", r.id, show(lo)),
            (None, None, _) => format!("{}: none in the range", r.id),
        })
        .collect();
    let _ = writeln!(out, "{}", wrapped("  sup of the certified h: ", &largest, "; ", 4));
}

/// `certify admissible SPEC [--from X] [--to Y] [--points N] [--h VALUE] [--json] [-o FILE]`.
pub fn run(path: &Path, req: &Request, at: Option<&Rat>, json: bool, output: Option<&Path>) -> i32 {
    if let Err(e) = req.validate() {
        return fail(&Error::Usage(format!("admissible: {e}")));
    }
    let bytes = match shadowcert::certify::read_spec_bytes(path) {
        Ok(b) => b,
        Err(e) => return fail(&e),
    };
    let spec = match String::from_utf8(bytes.clone())
        .map_err(|_| Error::spec("", "the spec is not UTF-8 text"))
        .and_then(|t| parse_spec_str_in(&t, Some(&spec_dir(path))))
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
    verdict_at(&mut out, &spec, &ranges, at.unwrap_or(&spec.algorithm.h), at.is_none());
    let _ = writeln!(
        out,
        "  scan h ∈ [{}, {}], {} geometric grid points,\n  every verdict change bisected to h_hi/h_lo − 1 ≤ {}",
        show(&req.from),
        show(&req.to),
        req.points,
        approx(&req.target)
    );
    let _ = writeln!(
        out,
        "  a component is certified by the exact claim at its upper end (conditions increase with h);\n  the \
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
    print!("{}", super::report::wrap(&out, super::report::width()));
    code
}
