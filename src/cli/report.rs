//! The human report of `certify SPEC`. Decimal approximations (≈) are for reading only; verdicts
//! and certificates use exact rationals.

use num_traits::ToPrimitive;
use shadowcert::certify::Certified;
use shadowcert::claim::{Claim, Status, Value};
use shadowcert::exact::{fmt_rat, Rat};
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
            let _ = writeln!(out, "{:<33}because: {r}", "");
        }
        return;
    }
    if !c.values.is_empty() {
        let vals: Vec<String> = c.values.iter().map(|(k, v)| format!("{k} = {}", show_value(v))).collect();
        let _ = writeln!(out, "{:<33}{}", "", vals.join("; "));
    }
    if !c.measured.is_empty() {
        let m: Vec<String> = c.measured.iter().map(|(k, v)| format!("{k} = {}", show_value(v))).collect();
        let _ = writeln!(out, "{:<33}measured (not verified by check): {}", "", m.join("; "));
    }
    if !c.witnesses.is_empty() && !c.id.starts_with("constants.") {
        let w: Vec<String> = c.witnesses.iter().map(|(k, v)| format!("{k} = {}", show_rat(v))).collect();
        let _ = writeln!(out, "{:<33}witnesses: {}", "", w.join("; "));
    }
    for i in c.inequalities.iter().filter(|i| !i.holds) {
        let _ =
            writeln!(out, "{:<33}fails: {}  [{} {} {}]", "", i.name, approx(&i.lhs), i.rel.as_str(), approx(&i.rhs));
    }
    if let Some(r) = &c.reason {
        if c.status != Status::Refuted {
            let _ = writeln!(out, "{:<33}{r}", "");
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
        "  note       global assumptions ((H1), (H2), Assumption 1) are applied on the domain box; claims are about the exact-arithmetic orbit"
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
            let _ = writeln!(out, "{:<33}because: {}", "", claim.reason.as_deref().unwrap_or_default());
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
