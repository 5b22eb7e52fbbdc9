//! The Python binding of shadowcert (`shadowcert._shadowcert`). It holds no mathematics: each
//! function takes spec JSON text and exact rationals as strings, calls the library, and returns
//! `(code, first, second)`:
//!
//! * `code` 0 or 1 (every requested claim verified, or not): `first` is the result as JSON text;
//! * `code` 2 (input error): `first` is the JSON pointer or file, `second` the message;
//! * `code` 3 (`check` only, certificate rejected): `first` names the claim, `second` what fails.
//!
//! A panic in the library never crosses into Python: it becomes a `RuntimeError`. The Python
//! package (`shadowcert/__init__.py`) turns these into objects and exceptions.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use serde_json::json;
use shadowcert::admissible::{admissible as admissible_ranges, certificate as adm_cert, verdict_at, Request};
use shadowcert::certificate::{check::check_file, SpecSource};
use shadowcert::exact::{fmt_rat, parse_rat};
use shadowcert::report::{render_admissible, wrap};
use shadowcert::spec::Spec;
use shadowcert::Error;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

type Outcome = (i32, String, String);

/// Runs `f` with the GIL released; a library error becomes code 2 or 3, a panic a RuntimeError.
fn run(py: Python<'_>, f: impl FnOnce() -> Result<(i32, String), Error> + Send) -> PyResult<Outcome> {
    let result = py.detach(|| catch_unwind(AssertUnwindSafe(f)));
    match result {
        Ok(Ok((code, text))) => Ok((code, text, String::new())),
        Ok(Err(e)) => Ok(match &e {
            Error::Spec { pointer, .. } => {
                (2, if pointer.is_empty() { "/".into() } else { pointer.clone() }, e.to_string())
            }
            Error::Io { path, .. } => (2, path.clone(), e.to_string()),
            Error::Usage(_) => (2, String::new(), e.to_string()),
            Error::Check { claim, .. } => (3, claim.clone(), e.to_string()),
        }),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(PyRuntimeError::new_err(format!("shadowcert: internal error (please report): {what}")))
        }
    }
}

/// The spec's source (provenance) and its parsed form; `path` names it and anchors `data`.
fn load(text: &str, path: &str) -> Result<(SpecSource, Spec), Error> {
    shadowcert::certify::parse_spec_bytes(text.as_bytes(), Path::new(path))
}

fn rat(flag: &str, text: &str) -> Result<shadowcert::exact::Rat, Error> {
    parse_rat(text).map_err(|e| Error::Usage(format!("{flag}: {e}")))
}

/// Certifies spec JSON `text` named `path`: `{"certificate", "report"}`, the report as `certify`
/// prints it at 100 columns.
#[pyfunction]
fn certify(py: Python<'_>, text: String, path: String) -> PyResult<Outcome> {
    run(py, move || {
        let c = shadowcert::certify::certify_bytes(text.as_bytes(), Path::new(&path), None)?;
        let report = wrap(&shadowcert::report::render(Path::new(&path), &c), 100);
        Ok((c.exit_code, json!({"certificate": c.certificate, "report": report}).to_string()))
    })
}

/// Checks the certificate file at `path` (`data_dir`: where its data files are, if not beside it):
/// `{"by_checker", "by_rerun", "exit_code"}`.
#[pyfunction]
#[pyo3(signature = (path, data_dir=None))]
fn check(py: Python<'_>, path: String, data_dir: Option<String>) -> PyResult<Outcome> {
    run(py, move || {
        let r = check_file(Path::new(&path), data_dir.as_deref().map(Path::new))?;
        let out = json!({"by_checker": r.by_checker, "by_rerun": r.by_rerun, "exit_code": r.exit_code});
        Ok((0, out.to_string()))
    })
}

/// Certified step-size ranges of spec JSON `text` scanned over [from, to], and every step-size
/// claim decided at `h` (default: the spec's): `{"certificate", "verdict", "report"}`, the report
/// as `certify admissible` prints it at 100 columns.
#[pyfunction]
#[pyo3(signature = (text, path, h=None, from="1e-12".to_string(), to="100".to_string(), points=57))]
fn admissible(
    py: Python<'_>,
    text: String,
    path: String,
    h: Option<String>,
    from: String,
    to: String,
    points: usize,
) -> PyResult<Outcome> {
    run(py, move || {
        let req = Request { from: rat("from", &from)?, to: rat("to", &to)?, points, ..Request::default() };
        req.validate().map_err(|e| Error::Usage(e.to_string()))?;
        let (source, spec) = load(&text, &path)?;
        let asked = h.map(|t| rat("h", &t)).transpose()?;
        let h = asked.clone().unwrap_or_else(|| spec.algorithm.h.clone());
        if !num_traits::Signed::is_positive(&h) {
            return Err(Error::Usage("h: must be > 0".into()));
        }
        let ranges = admissible_ranges(&spec, &req);
        let cert = adm_cert::build(&source, &spec, &req, &ranges);
        let code = adm_cert::exit_code(&cert);
        let verdict = verdict_at(&spec, &ranges, &h);
        let report = render_admissible(Path::new(&path), &spec, &req, &ranges, asked.as_ref(), code);
        let out = json!({"certificate": cert, "verdict": verdict.to_json(), "report": wrap(&report, 100)});
        Ok((code, out.to_string()))
    })
}

/// The enclosed orbit and flow of spec JSON `text`: `{"times", "orbit_lo", "orbit_hi", "flow_lo",
/// "flow_hi", "flow", "method"}`, each bound the shortest decimal string of an `f64` (`inf` for an
/// unbounded end), each time an exact rational.
#[pyfunction]
fn trace(py: Python<'_>, text: String, path: String) -> PyResult<Outcome> {
    run(py, move || {
        let (_, spec) = load(&text, &path)?;
        let tr = shadowcert::trace::trace(&spec)?;
        let ends = |boxes: &dyn Fn(usize) -> Vec<inari::Interval>| {
            let rows = (0..=tr.steps).map(boxes);
            let (lo, hi): (Vec<Vec<String>>, Vec<Vec<String>>) = rows
                .map(|b| {
                    (
                        b.iter().map(|x| format!("{:?}", x.inf())).collect(),
                        b.iter().map(|x| format!("{:?}", x.sup())).collect(),
                    )
                })
                .unzip();
            (lo, hi)
        };
        let (orbit_lo, orbit_hi) = ends(&|k| tr.orbit_box(k));
        let (flow_lo, flow_hi) = ends(&|k| tr.flow_box(k));
        let times: Vec<String> = (0..=tr.steps).map(|k| fmt_rat(&tr.time(k))).collect();
        let out = json!({
            "times": times, "orbit_lo": orbit_lo, "orbit_hi": orbit_hi, "flow_lo": flow_lo, "flow_hi": flow_hi,
            "flow": tr.flow_name, "method": tr.method,
        });
        Ok((0, out.to_string()))
    })
}

/// The version of the shadowcert library.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

#[pymodule]
fn _shadowcert(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // A build whose elementary functions are not correctly rounded is not imported.
    shadowcert::elementary::self_test().map_err(PyRuntimeError::new_err)?;
    m.add_function(wrap_pyfunction!(certify, m)?)?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(admissible, m)?)?;
    m.add_function(wrap_pyfunction!(trace, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    Ok(())
}
