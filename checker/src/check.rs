//! `check`: verifies a certificate of claims from its inputs and stored evidence.
//!
//! 1. The envelope: format `shadowcert/2` (a `shadowcert/1` certificate is an input error naming
//!    the format), the fields, `provenance` (shape only), the inputs (strictly canonical,
//!    re-validated, hashed), the data file a dataset objective pins (found relative to the
//!    certificate, or in `--data DIR`, and hashed).
//! 2. The evidence, verified without search: eigenvalue brackets of Q by inertia counts, the
//!    coverings of expression and dataset objectives box by box (with a dataset's Gram vector),
//!    the tubes checkpoint by checkpoint (quadratics: affine maps in energy norms; the other
//!    objectives: the validated steps of `crate::nonlinear` and `crate::momentum` with the stored
//!    substeps and energy norms, and the reference Hessian's brackets of `shadow.finite` by inertia
//!    counts).
//! 3. Every claim record derived again from the inputs and the verified evidence by the exact
//!    statements (`crate::theorems`), and compared with the stored one; the first difference is
//!    named. The one record the evidence does not carry yet (the rates of `ks.thm2` for scheme (7)
//!    on non-quadratic objectives) is marked `checked_by: "re-run"`: its verification re-runs the
//!    engine, which the caller supplies ([`Options::rerun`]); without it the check fails, naming
//!    the claim.
//! 4. The summary, recomputed.

use crate::certificate::{claim_to_json, exit_code, sha256_hex, summary, CheckedBy, Provenance, FORMAT, KIND_CLAIMS};
use crate::claim::Claim;
use crate::dataset::{Dataset, Design, Loss};
use crate::error::{Error, Result};
use crate::exact::Rat;
use crate::expression::Expression;
use crate::inputs::{Inputs, ObjectiveInputs};
use crate::nonlinear::Smooth;
use crate::program::Programs;
use crate::theorems::constants::{quadratic, Constants, QuadraticConstants, Spectrum};
use crate::theorems::general::{self, Covering, Derivatives, Quantity};
use crate::theorems::smooth::{self, ShadowEvidence, SmoothTubes};
use crate::theorems::trajectories::{self, Tubes};
use crate::theorems::{assemble, Context, Measured};
use crate::tube::TubeEvidence;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What `certify check` re-runs for the records that are not carried by evidence yet.
pub struct RerunRequest<'a> {
    /// The certificate's inputs (canonical spec JSON).
    pub inputs: &'a Json,
    /// The data file of a dataset objective, found and hashed by the checker.
    pub data_file: Option<&'a Path>,
}

/// The engine's answer to a [`RerunRequest`]: every claim record.
pub struct Rerun {
    /// The claims, as `certify` decides them.
    pub claims: Vec<Claim>,
}

/// The engine, called back for records marked `re-run`.
pub type RerunFn<'a> = &'a dyn Fn(&RerunRequest) -> std::result::Result<Rerun, String>;

/// Where `check` looks for files, and what it may call.
#[derive(Default)]
pub struct Options<'a> {
    /// Directory of the certificate file: data files are found relative to it.
    pub cert_dir: Option<&'a Path>,
    /// `--data DIR`: look here first for a data file (by its name, then by its path in the inputs).
    pub data_dir: Option<&'a Path>,
    /// The engine, for the records marked `re-run`.
    pub rerun: Option<RerunFn<'a>>,
}

/// What a successful check established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The certificate's provenance (not verified; printed).
    pub provenance: Provenance,
    /// Claim records verified by the checker from the inputs and the evidence.
    pub by_checker: Vec<String>,
    /// Claim records verified by re-running the engine.
    pub by_rerun: Vec<String>,
    /// The summary's exit code: 0 when every requested claim is verified.
    pub exit_code: i32,
    /// The data file used, if any.
    pub data_file: Option<PathBuf>,
}

/// Reads the envelope fields common to every kind: format, provenance, inputs and their hash.
pub fn envelope(cert: &Json, kind: &str, keys: &[&str]) -> Result<(Provenance, Inputs)> {
    // Nothing is checked with elementary functions that this build does not round correctly.
    crate::elementary::self_test().map_err(|e| Error::input("build", e))?;
    let top = cert.as_object().ok_or_else(|| Error::input("certificate", "a certificate is a JSON object"))?;
    let format = cert.get("format").and_then(Json::as_str).unwrap_or("<missing>");
    if format != FORMAT {
        let msg = match format {
            "shadowcert/1" => "written by format shadowcert/1, which carried no evidence; re-certify its spec".into(),
            _ => format!("certificate format {format:?}, this build reads {FORMAT:?}"),
        };
        return Err(Error::input("format", msg));
    }
    if cert.get("kind").and_then(Json::as_str) != Some(kind) {
        return Err(Error::rejected("kind", format!("expected {kind:?}")));
    }
    if let Some(k) = top.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(Error::rejected(k.as_str(), "unknown top-level field"));
    }
    if let Some(k) = keys.iter().find(|k| !top.contains_key(**k)) {
        return Err(Error::rejected(*k, "missing"));
    }
    let provenance = Provenance::from_json(&cert["provenance"])?;
    let inputs = crate::inputs::parse(&cert["inputs"])?;
    let digest = sha256_hex(&crate::certificate::canonical_bytes(&cert["inputs"]));
    if cert.get("inputs_sha256").and_then(Json::as_str) != Some(digest.as_str()) {
        return Err(Error::rejected("inputs_sha256", format!("does not match the inputs (SHA-256 {digest})")));
    }
    Ok((provenance, inputs))
}

/// A data file [`find_data`] found: its path and the bytes whose SHA-256 is the pinned one (the
/// bytes the checker then reads, so that what is verified is what was hashed).
pub struct DataFile {
    /// Where it was found.
    pub path: PathBuf,
    /// Its contents.
    pub bytes: Vec<u8>,
}

/// Finds the data file a dataset objective pins, never relative to the working directory:
/// `--data DIR` (by file name, then by the path in the inputs), then relative to the certificate:
/// for its directory and each ancestor A, A/⟨directory of provenance.spec.path⟩/⟨data⟩ and
/// A/⟨data⟩ (the certificate may sit anywhere in the tree the spec was certified from). The first
/// file whose SHA-256 is the pinned one is used; paths are only hints.
pub fn find_data(inputs: &Inputs, provenance: &Provenance, opts: &Options) -> Result<Option<DataFile>> {
    let ObjectiveInputs::Dataset { data, data_sha256, .. } = &inputs.objective else { return Ok(None) };
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(dir) = opts.data_dir {
        if let Some(name) = Path::new(data).file_name() {
            candidates.push(dir.join(name));
        }
        candidates.push(dir.join(data));
    }
    let spec_dir = Path::new(&provenance.spec_path).parent().unwrap_or(Path::new(""));
    let cert_dir = opts.cert_dir.unwrap_or(Path::new("."));
    let cert_dir = cert_dir.canonicalize().unwrap_or_else(|_| cert_dir.to_path_buf());
    for a in cert_dir.ancestors() {
        candidates.push(a.join(spec_dir).join(data));
        candidates.push(a.join(data));
    }
    let mut changed = Vec::new();
    for c in &candidates {
        if let Ok(bytes) = std::fs::read(c) {
            if &sha256_hex(&bytes) == data_sha256 {
                return Ok(Some(DataFile { path: c.clone(), bytes }));
            }
            changed.push(c.display().to_string());
        }
    }
    let msg = if changed.is_empty() {
        "data file not found beside the certificate or its ancestors (pass --data DIR)".to_string()
    } else {
        format!(
            "{} differs from the data the certificate pins (SHA-256 {data_sha256}); pass --data DIR",
            changed.join(", ")
        )
    };
    Err(Error::input(data.as_str(), msg))
}

/// Calls the engine for the records marked `re-run`; without it, the check fails naming `id`.
fn rerun(cert: &Json, data_file: Option<&Path>, opts: &Options, id: &str) -> Result<Rerun> {
    let Some(f) = opts.rerun else {
        return Err(Error::rejected(id, "this record is verified by re-running the engine (`certify check`)"));
    };
    f(&RerunRequest { inputs: &cert["inputs"], data_file })
        .map_err(|e| Error::input("inputs", format!("re-running the engine failed: {e}")))
}

/// Which records the checker verifies from evidence in this version: every record, except the
/// rates of `ks.thm2` for scheme (7) on an expression or dataset objective, which the engine re-runs
/// (`checked_by: "re-run"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// Whether the checker decides `ks.thm2`.
    pub ks_thm2: bool,
}

impl Coverage {
    /// The coverage of `inputs`.
    pub fn of(inputs: &Inputs) -> Coverage {
        let scheme7 = matches!(inputs.algorithm.method, crate::inputs::Method::Scheme7 { .. });
        let quadratic = matches!(inputs.objective, ObjectiveInputs::Quadratic { .. });
        Coverage { ks_thm2: quadratic || !scheme7 }
    }

    /// Whether the engine re-runs the record `id`.
    fn by_engine(self, id: &str) -> bool {
        id == "ks.thm2" && !self.ks_thm2
    }
}

fn evidence_keys(evidence: &serde_json::Map<String, Json>, allowed: &[&str]) -> Result<()> {
    match evidence.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(Error::rejected(format!("evidence/{k}"), "not evidence for this objective")),
        None => Ok(()),
    }
}

/// What [`constants_of`] verifies: the constants, their context, a quadratic's spectrum, and a
/// non-quadratic objective's reading for the validated trajectories.
pub type Verified = (Constants, Context, Option<Spectrum>, Option<Box<dyn Smooth>>);

/// The verified constants and context of a certificate's inputs: quadratics from the eigenvalue
/// brackets in `evidence` (verified by inertia counts; the last component), expressions and
/// datasets from the coverings in `evidence` (`crate::theorems::general`; a dataset also from the
/// Collatz–Wielandt vector of its Gram matrix and its `data` file, found by [`find_data`]).
pub fn constants_of(cert: &Json, inputs: &Inputs, data_file: Option<&DataFile>) -> Result<Verified> {
    let evidence = cert["evidence"].as_object().ok_or_else(|| Error::rejected("evidence", "expected an object"))?;
    match &inputs.objective {
        ObjectiveInputs::Quadratic { q, b } => {
            evidence_keys(evidence, &["eigenvalues", "tubes", "shadow_witness"])?;
            let ev = evidence.get("eigenvalues").ok_or_else(|| Error::rejected("evidence/eigenvalues", "missing"))?;
            let spectrum = Spectrum::from_json(ev).map_err(|e| Error::rejected("evidence/eigenvalues", e))?;
            spectrum.verify(q, &inputs.constants).map_err(|e| Error::rejected("evidence/eigenvalues", e))?;
            let qc =
                QuadraticConstants { q, b, domain: &inputs.domain, declared: &inputs.constants, spectrum: &spectrum };
            let consts = quadratic(&qc);
            Ok((consts, Context::quadratic(q, b, &inputs.x0, &inputs.constants), Some(spectrum), None))
        }
        ObjectiveInputs::Expression { vars, f } => {
            let e = Expression::parse(vars, f).map_err(|m| Error::rejected("inputs", format!("/objective/f: {m}")))?;
            evidence_keys(evidence, &["coverings", "tubes", "reference_eigenvalues", "shadow_witness"])?;
            let (consts, ctx) = covered(&e, evidence, inputs, "the Frobenius norm")?;
            // The derivative programs the validated trajectories read.
            let p = Programs::of(e.tape(), vars.len())
                .map_err(|m| Error::rejected("inputs", format!("/objective/f: {m}")))?;
            Ok((consts, ctx, None, Some(Box::new(p))))
        }
        ObjectiveInputs::Dataset { loss, l2, bias, scale, .. } => {
            evidence_keys(evidence, &["coverings", "gram_vector", "tubes", "reference_eigenvalues", "shadow_witness"])?;
            let file = data_file.ok_or_else(|| Error::input("data", "a dataset objective needs its data file"))?;
            let data = crate::dataset::read_csv(&file.bytes, &file.path.display().to_string())
                .map_err(|m| Error::input("data", m))?;
            let v = evidence
                .get("gram_vector")
                .and_then(Json::as_array)
                .ok_or_else(|| Error::rejected("evidence/gram_vector", "missing"))?
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    // Exact f64s (what the engine writes): no unbounded big-integer work on hostile input.
                    let p = format!("/evidence/gram_vector/{i}");
                    let r = crate::inputs::canonical_number(x, &p)?;
                    crate::interval::as_f64(&r).map(|_| r).ok_or_else(|| Error::rejected(&p[1..], "not an f64"))
                })
                .collect::<Result<Vec<Rat>>>()?;
            let design =
                Design::verified(&data, *bias, scale, &v).map_err(|m| Error::rejected("evidence/gram_vector", m))?;
            if design.dim() != inputs.domain.len() {
                return Err(Error::input("domain", format!("the data give dimension {}", design.dim())));
            }
            let loss = Loss::from_name(loss).ok_or_else(|| Error::input("inputs", format!("unknown loss {loss:?}")))?;
            let dataset = Dataset::new(Arc::new(design), loss, l2);
            let (consts, ctx) = covered(&dataset, evidence, inputs, "the data structure")?;
            Ok((consts, ctx, None, Some(Box::new(dataset))))
        }
    }
}

/// The constants of a non-quadratic objective from the coverings in `evidence`
/// (`crate::theorems::general`), with the context they give (`third` says what bounds ‖D³f‖).
fn covered(
    o: &dyn Derivatives,
    evidence: &serde_json::Map<String, Json>,
    inputs: &Inputs,
    third: &str,
) -> Result<(Constants, Context)> {
    let covering = |q: Quantity| -> Result<Covering> {
        let place = format!("evidence/coverings/{}", q.key());
        let c =
            evidence.get("coverings").and_then(|c| c.get(q.key())).ok_or_else(|| Error::rejected(&place, "missing"))?;
        Covering::from_json(c).map_err(|m| Error::rejected(&place, m))
    };
    let needed = Quantity::needed(&inputs.constants);
    let stored = evidence.get("coverings").and_then(Json::as_object);
    if let Some(k) = stored.and_then(|c| c.keys().find(|k| !needed.iter().any(|q| q.key() == k.as_str()))) {
        return Err(Error::rejected(format!("evidence/coverings/{k}"), "not evidence for this objective"));
    }
    let mut searches = BTreeMap::new();
    for q in needed {
        let s = general::verify(o, q, &inputs.domain, &covering(q)?)
            .map_err(|m| Error::rejected(format!("evidence/coverings/{}", q.key()), m))?;
        searches.insert(q, s);
    }
    // D³f bounded on every box of a covering: f is smooth on the domain (else the trajectory
    // claims are inconclusive).
    let mut ctx = Context::general(&inputs.constants, general::grad0_sq_upper(o, &inputs.x0));
    ctx.not_smooth = general::not_smooth(&covering(Quantity::ThirdNorm)?);
    Ok((general::constants(&inputs.constants, &searches, third), ctx))
}

/// Checks a certificate of kind `claims` (see the module documentation).
pub fn check_claims(cert: &Json, opts: &Options) -> Result<Report> {
    let keys = ["claims", "evidence", "format", "inputs", "inputs_sha256", "kind", "provenance", "summary"];
    let (provenance, inputs) = envelope(cert, KIND_CLAIMS, &keys)?;
    let data_file = find_data(&inputs, &provenance, opts)?;
    let coverage = Coverage::of(&inputs);
    let stored = cert["claims"].as_array().ok_or_else(|| Error::rejected("claims", "expected an array"))?;
    let stored_ids: Vec<&str> = stored.iter().map(|c| c.get("id").and_then(Json::as_str).unwrap_or("")).collect();
    let (consts, ctx, spectrum, objective) = constants_of(cert, &inputs, data_file.as_ref())?;
    let ev = &cert["evidence"];
    let tubes: BTreeMap<String, TubeEvidence> = match ev.get("tubes") {
        None => BTreeMap::new(),
        Some(t) => t
            .as_object()
            .ok_or_else(|| Error::rejected("evidence/tubes", "expected an object"))?
            .iter()
            .map(|(k, v)| {
                TubeEvidence::from_json(v)
                    .map(|t| (k.clone(), t))
                    .map_err(|e| Error::rejected(format!("evidence/tubes/{k}"), e))
            })
            .collect::<Result<_>>()?,
    };
    let witness = match ev.get("shadow_witness") {
        None => None,
        Some(w) => Some(
            w.as_array()
                .ok_or_else(|| Error::rejected("evidence/shadow_witness", "expected an array"))?
                .iter()
                .enumerate()
                .map(|(i, x)| crate::inputs::canonical_number(x, &format!("/evidence/shadow_witness/{i}")))
                .collect::<Result<Vec<Rat>>>()?,
        ),
    };
    let derived = match &spectrum {
        Some(spectrum) => {
            let mut failure = None;
            let derived = assemble(&inputs, &consts, &ctx, |prior| {
                trajectories::quadratic(&inputs, spectrum, prior, &Tubes::Verify(&tubes), witness.as_deref())
                    .unwrap_or_else(|e| {
                        failure = Some(e);
                        Measured::default()
                    })
            });
            if let Some(e) = failure {
                return Err(named_failure(&e));
            }
            derived
        }
        None => {
            // Constants from the coverings; the trajectory records from the tubes
            // (`theorems::smooth`), but `ks.thm2` of scheme (7), which the engine re-runs.
            let smooth = objective.ok_or_else(|| Error::rejected("inputs", "no derivatives of the objective"))?;
            let (allowed, shadowing) = smooth::evidence_of(&inputs.algorithm.method);
            if let Some(k) = tubes.keys().find(|k| !allowed.contains(&k.as_str())) {
                return Err(Error::rejected(format!("evidence/tubes/{k}"), "not evidence for this objective"));
            }
            if let (false, Some(k)) =
                (shadowing, ["reference_eigenvalues", "shadow_witness"].iter().find(|k| ev.get(**k).is_some()))
            {
                return Err(Error::rejected(format!("evidence/{k}"), "not evidence for this objective"));
            }
            let shadow = match ev.get("reference_eigenvalues") {
                None => None,
                Some(v) => Some(ShadowEvidence {
                    spectrum: Spectrum::from_json(v)
                        .map_err(|e| Error::rejected("evidence/reference_eigenvalues", e))?,
                    witness: witness.clone(),
                }),
            };
            let r = if coverage.by_engine("ks.thm2") && inputs.wants("ks.thm2") {
                Some(rerun(cert, data_file.as_ref().map(|f| f.path.as_path()), opts, "ks.thm2")?)
            } else {
                None
            };
            let mut failure = None;
            let derived = assemble(&inputs, &consts, &ctx, |prior| {
                let engine = r.iter().flat_map(|r| r.claims.iter().filter(|c| coverage.by_engine(c.id.as_str())));
                let mut m =
                    smooth::records(&inputs, smooth.as_ref(), prior, &SmoothTubes::verify(&tubes), shadow.as_ref())
                        .unwrap_or_else(|e| {
                            failure = Some(e);
                            Measured::default()
                        });
                m.claims.extend(engine.cloned());
                m
            });
            if let Some(e) = failure {
                return Err(named_failure(&e));
            }
            if let Some(r) = &r {
                agree(r, &derived)?;
            }
            derived
        }
    };

    let mut report = Report {
        provenance,
        by_checker: Vec::new(),
        by_rerun: Vec::new(),
        exit_code: 1,
        data_file: data_file.map(|f| f.path),
    };
    for (i, s) in stored.iter().enumerate() {
        let id = stored_ids[i];
        let Some(d) = derived.get(i) else {
            return Err(Error::rejected(id, "this claim is not produced by the inputs"));
        };
        if d.id != id {
            return Err(Error::rejected(id, format!("expected claim {} at position {i}", d.id)));
        }
        let by = checked_by(d, coverage);
        // `measured` is outside the verified record: taken as stored once it parses.
        let mut d = d.clone();
        d.measured = crate::certificate::claim_from_json(s)?.measured;
        let expected = claim_to_json(&d, by);
        if &expected != s {
            return Err(Error::rejected(id, explain(s, &expected)));
        }
        match by {
            CheckedBy::Checker => report.by_checker.push(id.to_string()),
            CheckedBy::Rerun => report.by_rerun.push(id.to_string()),
        }
    }
    if let Some(missing) = derived.get(stored.len()) {
        return Err(Error::rejected(missing.id.as_str(), "claim missing from the certificate"));
    }
    let expected = summary(&derived, inputs.claims.as_deref());
    if cert.get("summary") != Some(&expected) {
        return Err(Error::rejected("summary", format!("stored summary disagrees; recomputed {expected}")));
    }
    report.exit_code = exit_code(&derived, inputs.claims.as_deref());
    Ok(report)
}

/// The rejection for a failure "claim: what", naming the claim.
fn named_failure(e: &str) -> Error {
    match e.split_once(": ") {
        Some((place, what)) => Error::rejected(place, what),
        None => Error::rejected("evidence", e),
    }
}

/// The engine's records and the checker's derivation from the same inputs must agree.
fn agree(r: &Rerun, derived: &[Claim]) -> Result<()> {
    if let Some((c, _)) = r.claims.iter().zip(derived).find(|(c, d)| c != d) {
        return Err(Error::rejected(c.id.as_str(), "the engine's re-run and the checker's derivation differ"));
    }
    if r.claims.len() != derived.len() {
        return Err(Error::rejected("claims", "the engine's re-run gives other claims than the checker"));
    }
    Ok(())
}

/// Who verifies the record `c` under `coverage`: the engine re-runs what [`Coverage`] leaves to it.
pub fn checked_by(c: &Claim, coverage: Coverage) -> CheckedBy {
    if coverage.by_engine(&c.id) {
        CheckedBy::Rerun
    } else {
        CheckedBy::Checker
    }
}

/// [`first_difference`], naming the inequality when the difference lies in one.
fn explain(stored: &Json, expected: &Json) -> String {
    let d = first_difference(stored, expected);
    let ineq = d.strip_prefix("/inequalities/").and_then(|r| r.split('/').next()).and_then(|i| i.parse::<usize>().ok());
    match ineq.and_then(|i| expected["inequalities"].get(i)).and_then(|q| q["name"].as_str()) {
        Some(name) => format!("{d} (inequality \"{name}\")"),
        None => d,
    }
}

/// Describes the first field where `stored` and `expected` claim records differ.
pub fn first_difference(stored: &Json, expected: &Json) -> String {
    fn walk(path: String, a: &Json, b: &Json) -> Option<String> {
        match (a, b) {
            (Json::Object(x), Json::Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                keys.into_iter().find_map(|k| match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => walk(format!("{path}/{k}"), p, q),
                    (Some(_), None) => Some(format!("{path}/{k}: stored but not derived")),
                    (None, Some(q)) => Some(format!("{path}/{k}: missing, derived {q}")),
                    (None, None) => None,
                })
            }
            (Json::Array(x), Json::Array(y)) if x.len() == y.len() => {
                x.iter().zip(y).enumerate().find_map(|(i, (p, q))| walk(format!("{path}/{i}"), p, q))
            }
            _ if a == b => None,
            _ => Some(format!("{path}: stored {a}, derived {b}")),
        }
    }
    walk(String::new(), stored, expected).unwrap_or_else(|| "records differ".into())
}
