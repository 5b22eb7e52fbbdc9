//! Golden certificates: `certify specs/X.json` reproduces `proofs/X.cert.json` byte for byte.
//! `SHADOWCERT_BLESS=1 cargo test --release` rewrites them on purpose (say why in the commit).

use crate::util::{cert_for, certify, root, spec_files};

#[test]
fn every_spec_has_a_golden_certificate_that_reproduces() {
    let bless = std::env::var("SHADOWCERT_BLESS").is_ok_and(|v| v == "1");
    let specs = spec_files();
    assert!(specs.len() >= 7, "specs/ should ship at least the seven specs of issue 2");
    for spec in specs {
        let rel = spec.strip_prefix(root()).unwrap().to_string_lossy().into_owned();
        let run = certify(&["--json", &rel]);
        assert!(run.code == 0 || run.code == 1, "{rel}: exit {}\n{}", run.code, run.stderr);
        let golden = cert_for(&spec);
        if bless {
            std::fs::write(&golden, &run.stdout).unwrap();
            continue;
        }
        let stored = std::fs::read_to_string(&golden)
            .unwrap_or_else(|_| panic!("{} missing: run SHADOWCERT_BLESS=1 cargo test --release", golden.display()));
        assert!(stored == run.stdout, "{rel}: certificate differs from {} (bless on purpose)", golden.display());
    }
}

#[test]
fn certificates_are_byte_identical_across_runs() {
    let a = certify(&["--json", "specs/heavy_ball.json"]);
    let b = certify(&["--json", "specs/heavy_ball.json"]);
    a.expect_code(0);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn every_golden_certificate_checks() {
    for spec in spec_files() {
        let cert = cert_for(&spec);
        certify(&["check", &cert.to_string_lossy()]).expect_code(0);
    }
}
