//! `certify admissible`: certified admissible step-size ranges, per claim, and their certificate.

use super::{fail, write_atomic};
use shadowcert::admissible::certificate as adm_cert;
use shadowcert::admissible::{admissible, Request};
use shadowcert::certificate::{self, SpecSource};
use shadowcert::exact::Rat;
use shadowcert::report::render_admissible;
use shadowcert::spec::{parse_spec_str_in, spec_dir};
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
    let mut out = render_admissible(path, &spec, req, &ranges, at, code);
    if let Some(o) = output {
        let _ = writeln!(out, "certificate written to {}", o.display());
    }
    print!("{}", super::report::wrap(&out, super::report::width()));
    code
}
