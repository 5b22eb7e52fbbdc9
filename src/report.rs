//! The human report of `certify SPEC` (also the Python package's `Report.text`). Decimal
//! approximations (≈) are for reading only; verdicts and certificates use exact rationals.

use crate::admissible::{verdict_at as verdict_at_h, ClaimRange, Request, Verdict};
use crate::certify::Certified;
use crate::claim::{Claim, Status, Value};
use crate::exact::{fmt_rat, Rat};
use crate::spec::{Method, Spec};
use num_traits::ToPrimitive;
use std::fmt::Write;
use std::path::Path;

/// A short decimal approximation, for reading only.
pub fn approx(r: &Rat) -> String {
    let x = r.to_f64().unwrap_or(f64::NAN);
    if x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e6) {
        format!("{x:.6e}")
    } else {
        let s = format!("{x:.9}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

/// Where a line's continuation lines start: the column of its last field that begins within the
/// first 40 columns after a run of at least two spaces (a report's statement or value column), or
/// its indentation.
fn hanging_indent(line: &str) -> usize {
    let chars: Vec<char> = line.chars().collect();
    let lead = chars.iter().take_while(|c| **c == ' ').count();
    let mut col = lead;
    let mut i = lead;
    while i < chars.len().min(40) {
        if chars[i] == ' ' && chars.get(i + 1) == Some(&' ') {
            let start = i + chars[i..].iter().take_while(|c| **c == ' ').count();
            if start <= 40 && start < chars.len() {
                col = start;
            }
            i = start;
        } else {
            i += 1;
        }
    }
    col
}

/// Wraps every line of `text` longer than `width` characters at spaces: the line's first
/// [`hanging_indent`] columns are kept as they are, the rest is filled word by word, and
/// continuation lines are indented to that column; a word longer than a line stays whole.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, nl) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        if body.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let indent = hanging_indent(body);
        let split = body.char_indices().nth(indent).map_or(body.len(), |(i, _)| i);
        let (mut cur, mut cur_len, mut fresh) = (body[..split].to_string(), indent, true);
        for word in body[split..].split(' ').filter(|w| !w.is_empty()) {
            let w = word.chars().count();
            if !fresh && cur_len + 1 + w > width {
                out.push_str(cur.trim_end());
                out.push('\n');
                (cur, cur_len) = (" ".repeat(indent), indent);
                fresh = true;
            }
            if !fresh {
                cur.push(' ');
                cur_len += 1;
            }
            cur.push_str(word);
            cur_len += w;
            fresh = false;
        }
        out.push_str(cur.trim_end());
        out.push_str(nl);
    }
    out
}

fn show_rat(r: &Rat) -> String {
    let exact = fmt_rat(r);
    let a = approx(r);
    if exact == a {
        exact
    } else if exact.len() <= 24 {
        format!("{exact} (≈ {a})")
    } else {
        format!("≈ {a}")
    }
}

fn show_value(v: &Value) -> String {
    match v {
        Value::Exact(r) => show_rat(r),
        Value::Enclosed(i) if i.lo == i.hi => show_rat(&i.lo),
        Value::Enclosed(i) if approx(&i.lo) == approx(&i.hi) => format!("≈ {} (enclosed)", approx(&i.lo)),
        Value::Enclosed(i) => format!("∈ [{}, {}]", approx(&i.lo), approx(&i.hi)),
    }
}

fn claim_block(out: &mut String, c: &Claim) {
    let _ = writeln!(out, "{:<15} {:<17} {}", c.status.as_str(), c.id, c.statement);
    if c.status == Status::NotApplicable {
        if let Some(r) = &c.reason {
            let _ = writeln!(out, "{:<34}because: {r}", "");
        }
        return;
    }
    if !c.values.is_empty() {
        let vals: Vec<String> = c.values.iter().map(|(k, v)| format!("{k} = {}", show_value(v))).collect();
        let _ = writeln!(out, "{:<34}{}", "", vals.join("; "));
    }
    if !c.measured.is_empty() {
        let m: Vec<String> = c.measured.iter().map(|(k, v)| format!("{k} = {}", show_value(v))).collect();
        let _ = writeln!(out, "{:<34}measured (not verified by check): {}", "", m.join("; "));
    }
    if !c.witnesses.is_empty() && !c.id.starts_with("constants.") {
        let w: Vec<String> = c.witnesses.iter().map(|(k, v)| format!("{k} = {}", show_rat(v))).collect();
        let _ = writeln!(out, "{:<34}witnesses: {}", "", w.join("; "));
    }
    for i in c.inequalities.iter().filter(|i| !i.holds) {
        let _ =
            writeln!(out, "{:<34}fails: {}  [{} {} {}]", "", i.name, approx(&i.lhs), i.rel.as_str(), approx(&i.rhs));
    }
    if let Some(r) = &c.reason {
        if c.status != Status::Refuted {
            let _ = writeln!(out, "{:<34}{r}", "");
        }
    }
}

/// Renders the report of a certified spec.
pub fn render(path: &Path, c: &Certified) -> String {
    let mut out = String::new();
    let s = &c.spec;
    let _ = writeln!(out, "certify {} — \"{}\"", path.display(), s.name);
    let boxes: Vec<String> = s.domain.iter().map(|(l, h)| format!("[{}, {}]", fmt_rat(l), fmt_rat(h))).collect();
    let domain = if boxes.len() > 3 && boxes.iter().all(|b| *b == boxes[0]) {
        format!("{}^{}", boxes[0], boxes.len())
    } else {
        boxes.join(" × ")
    };
    let _ = writeln!(out, "  objective  {}, d = {}; domain box {domain}", s.objective.describe(), s.dim());
    let _ = writeln!(out, "  algorithm  {}, h = {}", s.algorithm.method.name(), show_rat(&s.algorithm.h));
    let _ = writeln!(
        out,
        "  note       (H1) ‖∇²f‖₂ ≤ L and ‖∇f‖ ≤ ℓ, (H2) ∇²f ⪰ μI (000); Assumption 1 (004) ‖DΦ‖ ≤ B₀, ‖D²Φ‖ ≤ B₁, \
         ‖D³Φ‖ ≤ B₂ with Φ = f; scheme (7) of 004: uₙ₊₁ = uₙ + λ(uₙ − uₙ₋₁) − h∇f(uₙ + a(uₙ − uₙ₋₁)). These \
         global assumptions are applied on the domain box; claims are about the exact-arithmetic orbit"
    );
    let _ = writeln!(out);
    // Consecutive not-applicable claims with the same reason share one block.
    let mut i = 0;
    while i < c.claims.len() {
        let claim = &c.claims[i];
        let run = c.claims[i..]
            .iter()
            .take_while(|x| {
                x.status == Status::NotApplicable && claim.status == Status::NotApplicable && x.reason == claim.reason
            })
            .count();
        if run > 1 {
            let ids: Vec<&str> = c.claims[i..i + run].iter().map(|x| x.id.as_str()).collect();
            let _ = writeln!(out, "{:<15} {}", "not_applicable", ids.join(", "));
            let _ = writeln!(out, "{:<34}because: {}", "", claim.reason.as_deref().unwrap_or_default());
            i += run;
        } else {
            claim_block(&mut out, claim);
            i += 1;
        }
    }
    let count = |st: Status| c.claims.iter().filter(|x| x.status == st).count();
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "summary: {} verified, {} refuted, {} inconclusive, {} not applicable — exit {}",
        count(Status::Verified),
        count(Status::Refuted),
        count(Status::Inconclusive),
        count(Status::NotApplicable),
        c.exit_code
    );
    out
}

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
fn verdict_at(out: &mut String, spec: &Spec, ranges: &[ClaimRange], h: &Rat, own: bool) {
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

/// Renders the report of `certify admissible` (without its last line, which names the file the
/// certificate was written to): the verdict at `at` (default: the spec's h), the scan, each claim's
/// certified range and refutation, and the summary with exit code `code`.
pub fn render_admissible(
    path: &Path,
    spec: &Spec,
    req: &Request,
    ranges: &[ClaimRange],
    at: Option<&Rat>,
    code: i32,
) -> String {
    let mut out = String::new();
    let method = match &spec.algorithm.method {
        Method::Scheme7 { lambda, a, .. } => {
            format!("{}, λ = {}, a = {}", spec.algorithm.method.name(), fmt_rat(lambda), fmt_rat(a))
        }
        m => m.name().to_string(),
    };
    let _ = writeln!(out, "certify admissible {} — \"{}\" ({method})", path.display(), spec.name);
    verdict_at(&mut out, spec, ranges, at.unwrap_or(&spec.algorithm.h), at.is_none());
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
    for r in ranges {
        render_claim(&mut out, r);
    }
    let bracketed = ranges.iter().filter(|r| r.gap().is_some()).count();
    let applicable = ranges.iter().filter(|r| r.not_applicable.is_none()).count();
    let _ = writeln!(out);
    let _ = writeln!(out, "summary: {bracketed} of {applicable} applicable claims bracketed — exit {code}");
    out
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_the_width_with_a_hanging_indent() {
        let line = format!("{:<15} {:<17} {}\n", "verified", "ol.prop1", "word ".repeat(30).trim_end());
        let w = wrap(&line, 60);
        let lines: Vec<&str> = w.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{w}");
        assert!(lines[0].starts_with("verified        ol.prop1          word word"), "{w}");
        assert!(lines[1..].iter().all(|l| l.starts_with(&" ".repeat(34)) && !l.starts_with(&" ".repeat(35))), "{w}");
        // Nothing is lost or reordered; short lines are untouched.
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&w), words(&line));
        assert_eq!(wrap("short\n", 60), "short\n");
        // A word longer than the width stays whole.
        let long = format!("  note       {}\n", "x".repeat(80));
        assert_eq!(wrap(&long, 60), long);
    }
}
