//! The main job: read a spec file, decide every claim, build the certificate.

use crate::certificate::{self, SpecSource};
use crate::claim::Claim;
use crate::spec::{canonical_json, parse_spec_str_in, spec_dir, Spec};
use crate::{theorems, Error, Result};
use serde_json::Value as Json;
use std::path::Path;

/// A certified spec: the spec, its claims and the certificate.
#[derive(Clone, Debug)]
pub struct Certified {
    /// The validated spec.
    pub spec: Spec,
    /// Every claim decided, in `CLAIM_IDS` order.
    pub claims: Vec<Claim>,
    /// The certificate (JSON).
    pub certificate: Json,
    /// 0: every requested claim verified; 1 otherwise.
    pub exit_code: i32,
    /// What `--tighten` tried (`None` without it).
    pub tightening: Option<Tightening>,
}

/// What `--tighten` tried and why it stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tightening {
    /// The box budgets run, the spec's first; with the number of constant claims left inconclusive.
    pub runs: Vec<(u64, usize)>,
    /// Why it stopped.
    pub stop: String,
}

impl Tightening {
    /// One line for the report.
    pub fn line(&self) -> String {
        if self.runs.is_empty() {
            return format!("tighten: {}", self.stop);
        }
        let budgets: Vec<String> = self.runs.iter().map(|(b, _)| b.to_string()).collect();
        let left = self.runs.last().map_or(0, |r| r.1);
        format!(
            "tighten: box budgets tried {}; {left} constant claim(s) still inconclusive; {}",
            budgets.join(" → "),
            self.stop
        )
    }
}

/// The bytes of the spec file at `path`, or of standard input when `path` is `-` (a dataset's
/// `data` is then relative to the working directory).
pub fn read_spec_bytes(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes).map_err(|e| Error::io(path, e))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// The spec file's bytes validated (a dataset's `data` relative to `path`'s directory), with its
/// source for the certificate's provenance.
pub fn parse_spec_bytes(bytes: &[u8], path: &Path) -> Result<(SpecSource, Spec)> {
    let text = std::str::from_utf8(bytes).map_err(|_| Error::spec("", "the spec is not UTF-8 text"))?;
    let spec = parse_spec_str_in(text, Some(&spec_dir(path)))?;
    Ok((SpecSource::of(path, bytes), spec))
}

/// Reads, validates and certifies the spec at `path` (a dataset's `data` path is relative to the
/// spec file's directory).
pub fn certify_path(path: &Path) -> Result<Certified> {
    certify_path_tightened(path, None)
}

/// As [`certify_path`]; with `tighten`, a non-quadratic objective whose constant claims are not all
/// decided is re-run with a doubled box budget while the time lasts. The budget actually used is
/// recorded in the certificate's inputs (`budget.max_boxes`), so `check` re-runs exactly the same
/// enclosures: the time limit only chooses the budget, never the numbers.
pub fn certify_path_tightened(path: &Path, tighten: Option<std::time::Duration>) -> Result<Certified> {
    certify_bytes(&read_spec_bytes(path)?, path, tighten)
}

/// As [`certify_path_tightened`], for the spec's bytes already read: `path` names the spec in the
/// certificate's provenance, and a dataset's `data` is relative to its directory (the Python
/// package passes a dict's JSON with a path in the working directory).
pub fn certify_bytes(bytes: &[u8], path: &Path, tighten: Option<std::time::Duration>) -> Result<Certified> {
    let (source, mut spec) = parse_spec_bytes(bytes, path)?;
    let start = std::time::Instant::now();
    let (mut claims, mut evidence) = theorems::evaluate_with_evidence(&spec);
    let open = |cs: &[Claim]| -> Vec<Claim> {
        cs.iter()
            .filter(|c| c.id.starts_with("constants.") && c.status == crate::claim::Status::Inconclusive)
            .cloned()
            .collect()
    };
    let tightening = tighten.map(|limit| {
        let Some(b) = spec.max_boxes else {
            let stop = "nothing to tighten: a quadratic's constants are exact".to_string();
            return Tightening { runs: Vec::new(), stop };
        };
        let mut left = open(&claims);
        let mut runs = vec![(b, left.len())];
        let mut budget = b;
        // Each doubling costs about as much as everything before it: stop when it would overrun.
        let stop = loop {
            if left.is_empty() {
                break "every constant is decided".to_string();
            }
            if budget >= crate::spec::MAX_BOXES {
                break format!("stopped at the largest budget, {}", crate::spec::MAX_BOXES);
            }
            if start.elapsed() * 2 >= limit {
                break format!(
                    "stopped: the next doubling would take about {:.1} s more than the {:.1} s allowed",
                    start.elapsed().as_secs_f64() * 2.0 - limit.as_secs_f64(),
                    limit.as_secs_f64()
                );
            }
            budget = (budget * 2).min(crate::spec::MAX_BOXES);
            spec.max_boxes = Some(budget);
            (claims, evidence) = theorems::evaluate_with_evidence(&spec);
            let now = open(&claims);
            // The same enclosures after a doubling: the bound per box, not their number, is the limit.
            let same = now.len() == left.len()
                && now.iter().zip(&left).all(|(a, b)| a.id == b.id && a.values.get("true") == b.values.get("true"));
            runs.push((budget, now.len()));
            left = now;
            if same && !left.is_empty() {
                break "doubling the budget left their enclosures unchanged: more boxes will not help (the bound \
                       on each box is the limit; declare the constant with some slack)"
                    .to_string();
            }
        };
        Tightening { runs, stop }
    });
    let requested = spec.claims.as_deref();
    let certificate = certificate::build(&source.provenance(), &canonical_json(&spec), &claims, requested, &evidence);
    let exit_code = certificate::exit_code(&claims, requested);
    Ok(Certified { spec, claims, certificate, exit_code, tightening })
}
