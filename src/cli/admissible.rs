//! `certify admissible`: certified admissible step-size ranges, per claim, and their certificate.

use super::{fail, write_atomic};
use shadowcert::admissible::certificate as adm_cert;
use shadowcert::admissible::{admissible, Request};
use shadowcert::certificate;
use shadowcert::exact::Rat;
use shadowcert::report::render_admissible;
use shadowcert::Error;
use std::fmt::Write;
use std::path::Path;

/// `certify admissible SPEC [--from X] [--to Y] [--points N] [--h VALUE] [--json] [-o FILE]`.
pub fn run(path: &Path, req: &Request, at: Option<&Rat>, json: bool, output: Option<&Path>) -> i32 {
    if let Err(e) = req.validate() {
        return fail(&Error::Usage(format!("admissible: {e}")));
    }
    let bytes = match shadowcert::certify::read_spec_bytes(path) {
        Ok(b) => b,
        Err(e) => return fail(&e),
    };
    let (source, spec) = match shadowcert::certify::parse_spec_bytes(&bytes, path) {
        Ok(s) => s,
        Err(e) => return fail(&e),
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
    let mut out = render_admissible(path, &spec, req, &ranges, at, code);
    if let Some(o) = output {
        let _ = writeln!(out, "certificate written to {}", o.display());
    }
    print!("{}", super::report::wrap(&out, super::report::width()));
    code
}
