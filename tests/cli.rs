//! The real binary: exit codes, reports, and one test per bad-input class.

use crate::util::{certify, certify_in, root};
use std::path::Path;

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A valid spec as JSON, to be broken one field at a time.
fn base() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("specs/heavy_ball.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Writes `text` as `spec.json` in `dir`, runs `certify spec.json -o out.json`, expects exit 2,
/// one `error: <pointer>: …` line, and no certificate written.
fn rejects(dir: &Path, text: &str, pointer: &str) {
    std::fs::write(dir.join("spec.json"), text).unwrap();
    let run = certify_in(dir, &["spec.json", "-o", "out.json"]);
    run.expect_code(2);
    let line = run.stderr.trim_end();
    assert!(!line.contains('\n'), "{}: one line expected, got {line:?}", run.cmd);
    assert!(line.starts_with(&format!("error: {pointer}")), "expected pointer {pointer:?}, got {line:?}");
    assert!(!run.stderr.contains("panicked"), "{line}");
    assert!(!dir.join("out.json").exists(), "no partial certificate may be written");
}

fn with(mut v: serde_json::Value, pointer: &str, new: serde_json::Value) -> String {
    *v.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}")) = new;
    serde_json::to_string(&v).unwrap()
}

#[test]
fn main_job_verifies_and_exits_0() {
    let run = certify(&["specs/strongly_convex.json"]);
    run.expect_code(0);
    assert!(run.stdout.contains("verified        ol.thm2"), "{}", run.stdout);
    assert!(run.stdout.contains("summary:"), "{}", run.stdout);
}

#[test]
fn json_output_is_the_certificate() {
    let run = certify(&["specs/strongly_convex.json", "--json"]);
    run.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["format"], "shadowcert/2");
    assert_eq!(v["summary"]["exit_code"], 0);
}

#[test]
fn refuted_claims_exit_1() {
    let run = certify(&["specs/wrong_constant.json"]);
    run.expect_code(1);
    assert!(run.stdout.contains("refuted         constants.L"), "{}", run.stdout);
    let run = certify(&["specs/ks_inadmissible.json"]);
    run.expect_code(1);
    assert!(run.stdout.contains("refuted         ks.assumption11"), "{}", run.stdout);
    assert!(run.stdout.contains("fails:"), "{}", run.stdout);
}

#[test]
fn written_certificate_checks_and_tampering_fails() {
    let dir = temp();
    let out = dir.path().join("hb.cert.json");
    certify(&["specs/heavy_ball.json", "-o", &out.to_string_lossy()]).expect_code(0);
    certify(&["check", &out.to_string_lossy()]).expect_code(0);
    let text = std::fs::read_to_string(&out).unwrap();
    let tampered = text.replacen("\"verified\"", "\"refuted\"", 1);
    assert_ne!(text, tampered);
    std::fs::write(&out, tampered).unwrap();
    let run = certify(&["check", &out.to_string_lossy()]);
    run.expect_code(1);
    assert!(run.stderr.contains("certificate rejected"), "{}", run.stderr);
}

#[test]
fn regress_passes_on_proofs_and_fails_on_a_looser_bound() {
    certify(&["regress", "proofs"]).expect_code(0);
    // A copy of the project where the spec changed after its certificate was written: h doubled,
    // so Thm 2's ε doubles. regress must fail and say which bound got looser.
    let dir = temp();
    for sub in ["specs", "proofs"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    std::fs::copy(root().join("proofs/strongly_convex.cert.json"), dir.path().join("proofs/strongly_convex.cert.json"))
        .unwrap();
    let spec = std::fs::read_to_string(root().join("specs/strongly_convex.json")).unwrap();
    let looser = spec.replace("\"h\": \"1/100\"", "\"h\": \"1/50\"");
    assert_ne!(spec, looser);
    std::fs::write(dir.path().join("specs/strongly_convex.json"), looser).unwrap();
    let run = certify_in(dir.path(), &["regress", "proofs"]);
    run.expect_code(1);
    assert!(run.stdout.contains("ol.thm2: epsilon looser"), "{}", run.stdout);
    // The unchanged spec passes.
    std::fs::write(dir.path().join("specs/strongly_convex.json"), spec).unwrap();
    certify_in(dir.path(), &["regress", "proofs"]).expect_code(0);
}

#[test]
fn schema_is_json() {
    let run = certify(&["schema"]);
    run.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(v["properties"]["algorithm"].is_object());
}

#[test]
fn usage_errors_exit_2() {
    certify(&[]).expect_code(2);
    certify(&["check"]).expect_code(2);
    certify(&["--no-such-flag", "specs/strongly_convex.json"]).expect_code(2);
    let run = certify(&["specs/does_not_exist.json"]);
    run.expect_code(2);
    assert!(run.stderr.starts_with("error: specs/does_not_exist.json:"), "{}", run.stderr);
    certify(&["check", "proofs/does_not_exist.cert.json"]).expect_code(2);
}

#[test]
fn malformed_json() {
    rejects(temp().path(), "{ \"name\": ", "");
}

#[test]
fn wrong_dimensions() {
    let d = temp();
    rejects(d.path(), &with(base(), "/x0", serde_json::json!(["1"])), "/x0");
    rejects(d.path(), &with(base(), "/objective/b", serde_json::json!(["0", "0", "0"])), "/objective/b");
    rejects(d.path(), &with(base(), "/domain", serde_json::json!([["-1", "1"]])), "/domain");
}

#[test]
fn non_symmetric_q() {
    rejects(temp().path(), &with(base(), "/objective/Q", serde_json::json!([["1", "2"], ["0", "1"]])), "/objective/Q/");
}

#[test]
fn lambda_outside_the_open_unit_interval() {
    for bad in ["1", "0", "3/2", "-0.1"] {
        rejects(temp().path(), &with(base(), "/algorithm/lambda", serde_json::json!(bad)), "/algorithm/lambda");
    }
}

#[test]
fn step_size_not_positive() {
    for bad in ["0", "-1/100"] {
        rejects(temp().path(), &with(base(), "/algorithm/h", serde_json::json!(bad)), "/algorithm/h");
    }
}

#[test]
fn nan_and_infinity() {
    for bad in ["nan", "NaN", "inf", "-inf", "Infinity"] {
        rejects(temp().path(), &with(base(), "/algorithm/h", serde_json::json!(bad)), "/algorithm/h");
    }
}

#[test]
fn negative_constant() {
    rejects(temp().path(), &with(base(), "/constants/B1", serde_json::json!("-1")), "/constants/B1");
}

#[test]
fn unknown_claim_id() {
    let mut v = base();
    v["claims"] = serde_json::json!(["ks.thm3", "ks.lemma99"]);
    rejects(temp().path(), &serde_json::to_string(&v).unwrap(), "/claims/1");
}

#[test]
fn unknown_fields() {
    let mut v = base();
    v["learning_rate"] = serde_json::json!("0.1");
    rejects(temp().path(), &serde_json::to_string(&v).unwrap(), "");
    let mut v = base();
    v["algorithm"]["lr"] = serde_json::json!("0.1");
    rejects(temp().path(), &serde_json::to_string(&v).unwrap(), "/algorithm");
}

#[test]
fn exact_numbers_from_json_number_literals() {
    // "h": 0.001 as a JSON number is exactly 1/1000: the certificate's canonical inputs say so.
    let d = temp();
    let text = with(base(), "/algorithm/h", serde_json::json!(0.001));
    std::fs::write(d.path().join("spec.json"), text).unwrap();
    let run = certify_in(d.path(), &["spec.json", "--json"]);
    run.expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["inputs"]["algorithm"]["h"], "1/1000");
}

#[test]
fn regress_checks_admissibility_certificates_too() {
    let dir = temp();
    let out = dir.path().join("hb.adm.cert.json");
    certify(&["admissible", "specs/heavy_ball.json", "-o", &out.to_string_lossy()]).expect_code(0);
    let run = certify(&["regress", &dir.path().to_string_lossy()]);
    run.expect_code(0);
    assert!(run.stdout.contains("admissibility certificate: re-verified by check"), "{}", run.stdout);
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::write(&out, text.replacen("\"1/190\"", "\"1/189\"", 1)).unwrap();
    certify(&["regress", &dir.path().to_string_lossy()]).expect_code(1);
}

#[test]
fn check_rejects_duplicate_keys_and_unknown_fields() {
    let dir = temp();
    let text = std::fs::read_to_string(root().join("proofs/heavy_ball.cert.json")).unwrap();
    // A second "status" after the first: serde_json would keep the last one silently.
    let dup =
        text.replacen("\"status\": \"verified\",", "\"status\": \"refuted\",\n      \"status\": \"verified\",", 1);
    assert_ne!(dup, text);
    std::fs::write(dir.path().join("dup.json"), dup).unwrap();
    let run = certify(&["check", &dir.path().join("dup.json").to_string_lossy()]);
    run.expect_code(2);
    assert!(run.stderr.contains("duplicate key \"status\""), "{}", run.stderr);
    let extra = text.replacen("{\n", "{\n  \"note\": \"trust me\",\n", 1);
    std::fs::write(dir.path().join("extra.json"), extra).unwrap();
    let run = certify(&["check", &dir.path().join("extra.json").to_string_lossy()]);
    run.expect_code(1);
    assert!(run.stderr.contains("note: unknown top-level field"), "{}", run.stderr);
}

#[test]
fn tighten_takes_positive_seconds() {
    certify(&["specs/strongly_convex.json", "--tighten", "0"]).expect_code(2);
    certify(&["specs/strongly_convex.json", "--tighten", "nan"]).expect_code(2);
    certify(&["specs/strongly_convex.json", "--tighten", "0.5"]).expect_code(0);
}

#[test]
fn divergent_gradient_descent_is_inconclusive_not_a_panic() {
    // h = 2 > 2/L: the GD orbit grows like 3^k and overflows f64 long before 5000 steps.
    let mut v = serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(root().join("specs/strongly_convex.json")).unwrap(),
    )
    .unwrap();
    v["algorithm"]["h"] = serde_json::json!("2");
    v["horizon"]["steps"] = serde_json::json!(5000);
    let d = temp();
    std::fs::write(d.path().join("spec.json"), serde_json::to_string(&v).unwrap()).unwrap();
    let run = certify_in(d.path(), &["spec.json"]);
    run.expect_code(1);
    assert!(run.stdout.contains("inconclusive    shadow.orbit"), "{}", run.stdout);
}

#[test]
fn ks_thm2_certificate_checks_and_a_tampered_rate_is_rejected() {
    let dir = temp();
    let mut spec = base();
    spec["horizon"]["steps"] = serde_json::json!(2000);
    spec["claims"] = serde_json::json!(["ks.thm2"]);
    let spec = serde_json::to_string(&spec).unwrap();
    std::fs::write(dir.path().join("spec.json"), spec).unwrap();
    certify_in(dir.path(), &["spec.json", "-o", "out.json"]).expect_code(0);
    certify_in(dir.path(), &["check", "out.json"]).expect_code(0);
    let mut cert: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.json")).unwrap()).unwrap();
    let claims = cert["claims"].as_array().unwrap();
    let i = claims.iter().position(|c| c["id"] == "ks.thm2").expect("ks.thm2 is in the certificate");
    assert_eq!(cert["claims"][i]["status"], "verified");
    cert["claims"][i]["values"]["rate_8"] = serde_json::json!("[1, 1]");
    std::fs::write(dir.path().join("bad.json"), serde_json::to_string(&cert).unwrap()).unwrap();
    let run = certify_in(dir.path(), &["check", "bad.json"]);
    run.expect_code(1);
    assert!(run.stderr.contains("ks.thm2"), "{}", run.stderr);
}

/// Issue 11 item 13: spec ergonomics.
#[test]
fn spec_ergonomics() {
    // `b` is optional for quadratics (f = ½xᵀQx): the same certificate as with b = 0 written out.
    let dir = temp();
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(crate::util::root().join("specs/strongly_convex.json")).unwrap())
            .unwrap();
    v["objective"]["b"] = serde_json::json!(["0", "0"]);
    std::fs::write(dir.path().join("with_b.json"), v.to_string()).unwrap();
    v["objective"].as_object_mut().unwrap().remove("b");
    std::fs::write(dir.path().join("without_b.json"), v.to_string()).unwrap();
    let a = crate::util::certify_in(dir.path(), &["--json", "with_b.json"]);
    let b = crate::util::certify_in(dir.path(), &["--json", "without_b.json"]);
    a.expect_code(0);
    let claims = |r: &crate::util::Run| serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["claims"].clone();
    assert_eq!(claims(&a), claims(&b));
    // `-` reads the spec from standard input.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_certify"))
        .args(["-"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), v.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("summary: 13 verified"));
    // The root pointer is printed as `/`; `x**2`, `abs` and `pi` get hints.
    std::fs::write(dir.path().join("array.json"), "[]").unwrap();
    let run = crate::util::certify_in(dir.path(), &["array.json"]);
    run.expect_code(2);
    assert_eq!(run.stderr.trim_end(), "error: /: expected an object, got []");
    let expr = |f: &str| {
        let spec = serde_json::json!({
            "name": "e", "objective": {"type": "expression", "vars": ["x"], "f": f},
            "domain": [["-1", "1"]], "algorithm": {"method": "gd", "h": "1/10"}, "x0": ["1/2"]
        });
        std::fs::write(dir.path().join("e.json"), spec.to_string()).unwrap();
        let run = crate::util::certify_in(dir.path(), &["e.json"]);
        run.expect_code(2);
        run.stderr
    };
    assert!(expr("x**2").contains("powers are written x^2, not x**2"));
    assert!(expr("abs(x)").contains("|x| is not differentiable at 0"));
    assert!(expr("pi*x^2").contains("constants are numbers in the grammar"));
}

/// Panics the fuzzer (`examples/fuzz.rs`) found: a huge step size or linear term made the engine's
/// own tube evidence fail (no norm verifies when θ² overflows; an infinite start radius), and
/// certify panicked. Now the tubes overflow, in engine and checker alike: the trajectory claims are
/// inconclusive, exit 1, and the certificate checks.
#[test]
fn huge_numbers_in_quadratic_specs_do_not_panic() {
    let dir = temp();
    let specs = [
        r#"{"algorithm":{"h":"1e300","lambda":"0.9","method":"heavy_ball"},"domain":[["-2","2"],["-2","2"]],"epsilon":"1/10","horizon":{"steps":64},"name":"a","objective":{"Q":[["1","0"],["0","20"]],"b":["0","0"],"type":"quadratic"},"x0":["1","1"]}"#,
        r#"{"algorithm":{"h":"1/4096","lambda":"0.9","method":"nesterov"},"domain":[["-2","2"],["-2","2"]],"epsilon":"1/10","horizon":{"steps":64},"name":"b","objective":{"Q":[["1","0"],["0","1"]],"b":["0","1e300"],"type":"quadratic"},"x0":["1","1"]}"#,
        r#"{"algorithm":{"h":"99999999999999999999999999999999","lambda":"0.9","method":"nesterov"},"domain":[["-2","2"],["-2","2"]],"epsilon":"1/10","horizon":{"steps":64},"name":"c","objective":{"Q":[["1","0"],["0","1"]],"b":["0","0"],"type":"quadratic"},"x0":["1","1"]}"#,
        r#"{"algorithm":{"h":"1e300","method":"gd"},"claims":["ol.prop1","ol.thm3","ec.thm1","shadow.finite"],"constants":{"L":"2","L_phi":"0","ell":"9/4","gamma":"1","mu":"2"},"domain":[["-1","1"],["-1","1"]],"epsilon":"0.1","horizon":{"steps":64},"name":"d","objective":{"Q":[["2","0"],["0","-1"]],"b":["0","0"],"type":"quadratic"},"x0":["1","1/1000"]}"#,
    ];
    for (i, s) in specs.iter().enumerate() {
        std::fs::write(dir.path().join("s.json"), s).unwrap();
        let run = certify_in(dir.path(), &["s.json", "-o", "c.json"]);
        run.expect_code(1);
        assert!(run.stdout.contains("inconclusive"), "spec {i}: {}", run.stdout);
        certify_in(dir.path(), &["check", "c.json"]).expect_code(0);
    }
}

/// Printing into a closed pipe (`certify trace SPEC | head -1`) panicked with "failed printing to
/// stdout: Broken pipe"; now the process ends quietly, as command-line tools do.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_certify"))
        .args(["trace", "specs/strongly_convex.json"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line (the report has thousands), then close the pipe.
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut out, &mut first).unwrap();
    drop(out);
    let done = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&done.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
