//! Expression and dataset objectives through the real binary: constants with closed forms
//! enclosed and refuted just below, spec errors with their pointer (and column, line), and `check`
//! of a dataset certificate that fails when the CSV changes.

use crate::util::{certify, certify_in, root};
use serde_json::{json, Value};
use std::path::Path;

/// A 2-D expression spec on [-1, 1]², GD, with the given constants.
fn expr_spec(f: &str, constants: Value) -> Value {
    json!({
        "name": "t",
        "objective": { "type": "expression", "vars": ["x", "y"], "f": f },
        "domain": [["-1", "1"], ["-1", "1"]],
        "constants": constants,
        "algorithm": { "method": "gd", "h": "1/10" },
        "x0": ["1/2", "1/2"]
    })
}

fn write(dir: &Path, name: &str, v: &Value) {
    std::fs::write(dir.join(name), serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// Certifies `v` in a temp dir and returns the certificate's claim records by id.
fn claims(dir: &Path, v: &Value) -> (i32, Value) {
    write(dir, "s.json", v);
    let run = certify_in(dir, &["--json", "s.json"]);
    assert!(run.code == 0 || run.code == 1, "{}\n{}", run.cmd, run.stderr);
    (run.code, serde_json::from_str(&run.stdout).unwrap())
}

fn claim<'a>(cert: &'a Value, id: &str) -> &'a Value {
    cert["claims"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

#[test]
fn closed_form_constants_verify_and_just_below_are_refuted() {
    let dir = tempfile::tempdir().unwrap();
    // f = ½x² + cos y on [-1, 1]²: ∇f = (x, −sin y), sup ‖∇f‖ = √(1 + sin²1) = 1.3018…;
    // ∇²f = diag(1, −cos y): ‖∇²f‖ = 1, λ_min = −cos 0 = −1; D³f: f_yyy = sin y, sup = sin 1 = 0.8414….
    let ell = (1.0 + 1f64.sin().powi(2)).sqrt();
    let (above, below) = (format!("{:.6}", ell + 1e-6), format!("{:.6}", ell - 1e-6));
    let ok = json!({ "L": "1", "ell": above, "B2": "0.841471", "B0": above, "B1": "1" });
    let (_, cert) = claims(dir.path(), &expr_spec("0.5*x^2 + cos(y)", ok));
    for id in ["constants.L", "constants.ell", "constants.B0", "constants.B1", "constants.B2"] {
        assert_eq!(claim(&cert, id)["status"], "verified", "{id}: {}", claim(&cert, id));
    }
    // λ_min = −1 < 0: not strongly convex, with a witness.
    assert_eq!(claim(&cert, "constants.mu")["status"], "not_applicable");
    let bad = json!({ "L": "0.9999", "ell": below, "B2": "0.841470", "B0": below, "B1": "0.99" });
    let (code, cert) = claims(dir.path(), &expr_spec("0.5*x^2 + cos(y)", bad));
    assert_eq!(code, 1);
    for id in ["constants.L", "constants.ell", "constants.B0", "constants.B1", "constants.B2"] {
        let c = claim(&cert, id);
        assert_eq!(c["status"], "refuted", "{id}: {c}");
        assert!(c["witnesses"]["point_0"].is_string(), "{id}: a refutation carries its witness point");
    }
    // log-sum-exp f = log(e^x + e^y): ∇²f = σ(1−σ)·[[1,−1],[−1,1]], ‖∇²f‖ = 2σ(1−σ) ≤ 1/2, attained on the
    // whole diagonal x = y: the natural interval extension converges slowly there, so L = 0.55 is verified.
    let (_, cert) = claims(dir.path(), &expr_spec("log(exp(x) + exp(y))", json!({ "L": "0.55" })));
    assert_eq!(claim(&cert, "constants.L")["status"], "verified");
    let (_, cert) = claims(dir.path(), &expr_spec("log(exp(x) + exp(y))", json!({ "L": "0.4999" })));
    assert_eq!(claim(&cert, "constants.L")["status"], "refuted");
    // Strong convexity: f = x² + y² + ½x⁴ has λ_min = 2 at 0.
    let (_, cert) = claims(dir.path(), &expr_spec("x^2 + y^2 + 0.5*x^4", json!({ "mu": "2" })));
    assert_eq!(claim(&cert, "constants.mu")["status"], "verified");
    let (_, cert) = claims(dir.path(), &expr_spec("x^2 + y^2 + 0.5*x^4", json!({ "mu": "2.0001" })));
    assert_eq!(claim(&cert, "constants.mu")["status"], "refuted");
}

#[test]
fn a_wrong_declared_constant_is_refuted_and_the_certificate_checks() {
    let dir = tempfile::tempdir().unwrap();
    let v = expr_spec("0.5*x^2 + cos(y)", json!({ "L": "0.5" }));
    write(dir.path(), "s.json", &v);
    let run = certify_in(dir.path(), &["s.json", "-o", "c.json"]);
    run.expect_code(1);
    assert!(run.stdout.contains("refuted         constants.L"), "{}", run.stdout);
    // The certificate re-verifies (check exits 0; the certificate's own exit code is 1).
    let run = certify_in(dir.path(), &["check", "c.json"]);
    run.expect_code(0);
    assert!(run.stdout.contains("the certificate's exit code: 1"), "{}", run.stdout);
    // Tampering with the witness point is caught.
    let text = std::fs::read_to_string(dir.path().join("c.json")).unwrap();
    let mut cert: Value = serde_json::from_str(&text).unwrap();
    let l = cert["claims"].as_array_mut().unwrap().iter_mut().find(|c| c["id"] == "constants.L").unwrap();
    l["witnesses"]["point_0"] = json!("1/3");
    std::fs::write(dir.path().join("bad.json"), serde_json::to_string_pretty(&cert).unwrap()).unwrap();
    let run = certify_in(dir.path(), &["check", "bad.json"]);
    run.expect_code(1);
    assert!(run.stderr.contains("constants.L"), "{}", run.stderr);
}

#[test]
fn bad_expression_names_the_pointer_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "s.json", &expr_spec("0.5*x^2 + cos(y", json!({})));
    let run = certify_in(dir.path(), &["s.json"]);
    run.expect_code(2);
    assert_eq!(run.stderr.trim_end(), "error: /objective/f: column 16: expected ')', found the end of the expression");
}

fn dataset_spec(data: &str) -> Value {
    json!({
        "name": "d",
        "objective": { "type": "dataset", "data": data, "loss": "logistic", "l2": "1/10", "bias": false },
        "domain": [["-1", "1"], ["-1", "1"]],
        "algorithm": { "method": "gd", "h": "1/10" },
        "x0": ["0", "0"]
    })
}

#[test]
fn ragged_csv_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/d.csv"), "label,a,b\n1,1,2\n-1,3\n").unwrap();
    write(dir.path(), "s.json", &dataset_spec("data/d.csv"));
    let run = certify_in(dir.path(), &["s.json"]);
    run.expect_code(2);
    assert_eq!(
        run.stderr.trim_end(),
        "error: /objective/data: ./data/d.csv line 3: row has 2 cells, expected 3 (as the header)"
    );
    std::fs::write(dir.path().join("data/d.csv"), "label,a,b\n1,1,2\n2,3,1\n").unwrap();
    let run = certify_in(dir.path(), &["s.json"]);
    run.expect_code(2);
    assert!(run.stderr.contains("line 3: label must be 1 or -1 (or 0 and 1 throughout), got 2"), "{}", run.stderr);
    // Issue 11 item 12: labels 0 and 1 are read as -1 and +1, and the report says so; a BOM and a
    // quoted header are read. The same data with labels ±1 gives the same claims.
    std::fs::write(dir.path().join("data/d.csv"), "\u{feff}\"label\",\"a\",b\n1,1,2\n0,3,1\n").unwrap();
    let zero_one = certify_in(dir.path(), &["s.json"]);
    assert!(zero_one.stdout.contains("(2 examples, labels 0/1 read as -1/+1)"), "{}", zero_one.stdout);
    std::fs::write(dir.path().join("data/d.csv"), "label,a,b\n1,1,2\n-1,3,1\n").unwrap();
    let plus_minus = certify_in(dir.path(), &["s.json"]);
    let summary = |r: &crate::util::Run| r.stdout.lines().last().unwrap_or("").to_string();
    assert_eq!(summary(&zero_one), summary(&plus_minus));
    // A pandas index column (no name) is an error, not a silent feature.
    std::fs::write(dir.path().join("data/d.csv"), ",label,a,b\n0,1,1,2\n1,-1,3,1\n").unwrap();
    let run = certify_in(dir.path(), &["s.json"]);
    run.expect_code(2);
    assert!(run.stderr.contains("line 1: column 1 has no name: a pandas index column?"), "{}", run.stderr);
}

#[test]
fn logistic_smoothness_and_dataset_check() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("specs");
    std::fs::create_dir_all(sub.join("data")).unwrap();
    // X = [[1,2],[3,0],[0,1],[2,2]], ‖X‖₂² = 18, n = 4: L = 18/(4·4) + 1/10 = 1.225 (at w = 0).
    std::fs::write(sub.join("data/d.csv"), "label,a,b\n1,1,2\n-1,3,0\n1,0,1\n-1,2,2\n").unwrap();
    let mut v = dataset_spec("data/d.csv");
    // The gradient flow from 0 leaves [-1, 1]² near t = 9.94 (w₁(10) ≈ −1.0015, by an Euler
    // integration with dt = 1e-3), which makes ol.prop1 not applicable (rule 4): a larger box.
    v["domain"] = json!([["-2", "2"], ["-2", "2"]]);
    v["constants"] = json!({ "L": "1.2251" });
    v["claims"] = json!(["constants.L", "ol.prop1", "ec.thm1"]);
    write(&sub, "s.json", &v);
    let run = certify_in(dir.path(), &["specs/s.json", "-o", "c.json"]);
    run.expect_code(0);
    certify_in(dir.path(), &["check", "c.json"]).expect_code(0);
    v["constants"] = json!({ "L": "1.2249" });
    write(&sub, "s.json", &v);
    let (code, cert) = {
        let run = certify_in(dir.path(), &["--json", "specs/s.json"]);
        (run.code, serde_json::from_str::<Value>(&run.stdout).unwrap())
    };
    assert_eq!(code, 1);
    assert_eq!(claim(&cert, "constants.L")["status"], "refuted");
    // The certificate checks from any working directory (its data is found relative to it).
    certify_in(&sub.join("data"), &["check", "../../c.json"]).expect_code(0);
    // Changing one cell of the CSV makes the certificate unverifiable here (exit 2), naming the file.
    std::fs::write(sub.join("data/d.csv"), "label,a,b\n1,1,2\n-1,3,0\n1,0,1\n-1,2,3\n").unwrap();
    let run = certify_in(dir.path(), &["check", "c.json"]);
    run.expect_code(2);
    assert!(run.stderr.contains("specs/data/d.csv differs from the data the certificate pins"), "{}", run.stderr);
    // With the file gone: not found, exit 2; `--data DIR` supplies it from elsewhere.
    std::fs::remove_file(sub.join("data/d.csv")).unwrap();
    let run = certify_in(dir.path(), &["check", "c.json"]);
    run.expect_code(2);
    assert!(run.stderr.contains("data file not found"), "{}", run.stderr);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("d.csv"), "label,a,b\n1,1,2\n-1,3,0\n1,0,1\n-1,2,2\n").unwrap();
    certify_in(dir.path(), &["check", "c.json", "--data", "elsewhere"]).expect_code(0);
}

#[test]
fn shipped_digit_specs_have_their_figures() {
    // Every claim is requested: shadow.finite is inconclusive (the logistic Hessian moves along the
    // flow more than one split tolerates), everything else that applies is verified.
    let run = certify(&["--json", "specs/digits_logistic_gd.json"]);
    run.expect_code(1);
    let cert: Value = serde_json::from_str(&run.stdout).unwrap();
    for id in ["ol.thm2", "shadow.orbit", "ec.thm1"] {
        assert_eq!(claim(&cert, id)["status"], "verified", "{id}");
    }
    let finite = claim(&cert, "shadow.finite");
    assert_eq!(finite["status"], "inconclusive");
    assert!(finite["reason"].as_str().unwrap().contains("η·K₀ ≥ 1"), "{finite}");
    assert_eq!(cert["inputs"]["objective"]["data_sha256"].as_str().unwrap().len(), 64);
    assert!(root().join("specs/data/README.md").exists(), "the data's provenance note ships beside it");
}

#[test]
fn tighten_raises_the_budget_and_records_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = expr_spec("log(exp(x) + exp(y))", json!({ "L": "0.6" }));
    v["budget"] = json!({ "max_boxes": 2 });
    write(dir.path(), "s.json", &v);
    let path = dir.path().join("s.json");
    let plain = shadowcert::certify::certify_path(&path).unwrap();
    let l = plain.claims.iter().find(|c| c.id == "constants.L").unwrap();
    assert_eq!(l.status, shadowcert::claim::Status::Inconclusive);
    let tight = shadowcert::certify::certify_path_tightened(&path, Some(std::time::Duration::from_secs(120))).unwrap();
    let l = tight.claims.iter().find(|c| c.id == "constants.L").unwrap();
    assert_eq!(l.status, shadowcert::claim::Status::Verified);
    let budget = tight.certificate["inputs"]["budget"]["max_boxes"].as_u64().unwrap();
    assert!(budget > 2, "the budget used is recorded: {budget}");
    // The recorded budget re-checks.
    shadowcert::certificate::check::check(&tight.certificate).unwrap();
    // Issue 11 item 11: what was tried is said.
    let t = tight.tightening.clone().unwrap();
    assert_eq!(t.runs.first(), Some(&(2, 1)));
    assert_eq!(t.runs.last().map(|r| (r.0, r.1)), Some((budget, 0)));
    assert_eq!(t.stop, "every constant is decided");
    // D³f of x³/6 + y³/6 is constant (f_xxx = f_yyy = 1): every box gives the same bound, so a B₂
    // declared inside [operator norm, Frobenius bound] = [1, √2] stays inconclusive and doubling
    // cannot help; the tool says so after one doubling.
    let mut v = expr_spec("x^3/6 + y^3/6 + x^2 + y^2", json!({ "B2": "1.2" }));
    v["budget"] = json!({ "max_boxes": 2 });
    write(dir.path(), "c.json", &v);
    let c = shadowcert::certify::certify_path_tightened(
        &dir.path().join("c.json"),
        Some(std::time::Duration::from_secs(60)),
    )
    .unwrap();
    let t = c.tightening.unwrap();
    assert_eq!(t.runs, vec![(2, 1), (4, 1)]);
    assert!(t.stop.starts_with("doubling the budget left their enclosures unchanged"), "{}", t.stop);
}

/// Issue "Trust, part 2", item 1: an objective that is certainly undefined at a point of the domain
/// is an input error naming the sub-expression and the point; one defined but not shown smooth on
/// the whole box gets no verified claim (its trajectories are not enclosed at all), and its
/// certificate checks.
#[test]
fn undefined_objectives_are_input_errors_and_unsmooth_ones_verify_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let decl = json!({ "L": "2", "mu": "2", "ell": "5", "B0": "5", "B1": "2", "B2": "0" });
    for (f, part, at) in [
        ("x^2 + y^2 + 1/0", "1/0", "x = -1, y = -1"),
        ("x^2 + y^2 + log(0)", "log(0)", "x = -1, y = -1"),
        ("x^2 + y^2 + sqrt(-1)", "sqrt(-1)", "x = -1, y = -1"),
        ("x^2 + y^2 + 0*log(y)", "log(y)", "x = -1, y = -1"),
        ("x^2 + y^2/0", "y^2/0", "x = -1, y = -1"),
        ("x^2 + 1/y", "1/y", "x = -1, y = 0"),
        ("x^2 + sqrt(y - 2)", "sqrt(y - 2)", "x = -1, y = -1"),
    ] {
        let mut v = expr_spec(f, decl.clone());
        v["epsilon"] = json!("1");
        write(dir.path(), "s.json", &v);
        let run = certify_in(dir.path(), &["s.json"]);
        run.expect_code(2);
        let want = format!("error: /objective/f: {part} is not defined at {at}");
        assert!(run.stderr.starts_with(&want), "{f}: {}", run.stderr);
    }
    // sqrt(y + 1) is defined on [−1, 1] but not differentiable at y = −1.
    let mut v = expr_spec("x^2 + sqrt(y + 1)", decl);
    v["epsilon"] = json!("1");
    write(dir.path(), "s.json", &v);
    let run = certify_in(dir.path(), &["s.json", "-o", "c.json"]);
    run.expect_code(1);
    let cert: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("c.json")).unwrap()).unwrap();
    for c in cert["claims"].as_array().unwrap() {
        assert_ne!(c["status"], "verified", "{c}");
    }
    for id in ["shadow.orbit", "ec.thm1", "shadow.finite"] {
        let r = claim(&cert, id)["reason"].as_str().unwrap().to_string();
        assert!(r.starts_with("the objective is not shown defined and smooth"), "{id}: {r}");
    }
    certify_in(dir.path(), &["check", "c.json"]).expect_code(0);
}

#[test]
fn heavy_ball_local_error_on_an_expression_agrees_with_the_exact_quadratic_path() {
    // f = x²/2 + y² written as a quadratic (exact matrix-exponential tubes, checked by the checker)
    // and as an expression (nonlinear Taylor tubes, mean-value form): the two enclosures of
    // maxₖ ‖qₖ₊₁ − (1 + β)qₖ + βqₖ₋₁ + η∇f(qₖ)‖₂ along the heavy-ball ODE must intersect, both below
    // Prop. 2's δ = ℓ(α + 1 + L)h².
    let dir = tempfile::tempdir().unwrap();
    let common = |objective: Value| {
        json!({
            "name": "hb",
            "objective": objective,
            "domain": [["-2", "2"], ["-2", "2"]],
            "constants": { "L": "2", "ell": "5" },
            "algorithm": { "method": "heavy_ball_ol", "h": "1/10", "alpha": "1" },
            "x0": ["1", "1/2"],
            "horizon": { "steps": 40 },
            "claims": ["ol.prop2"]
        })
    };
    let quadratic = common(json!({ "type": "quadratic", "Q": [["1", "0"], ["0", "2"]], "b": ["0", "0"] }));
    let expression = common(json!({ "type": "expression", "vars": ["x", "y"], "f": "x^2/2 + y^2" }));
    let enclosure = |v: &Value| -> (f64, f64, f64) {
        let (_, cert) = claims(dir.path(), v);
        let c = claim(&cert, "ol.prop2");
        assert_eq!(c["status"], "verified", "{c}");
        let e = c["values"]["local_error_max"].as_str().unwrap_or_else(|| panic!("no local_error_max: {c}"));
        let (lo, hi) = e.trim_matches(['[', ']']).split_once(',').unwrap();
        let f = |s: &str| shadowcert::exact::parse_rat(s.trim()).unwrap();
        let delta = f(c["values"]["delta"].as_str().unwrap());
        use num_traits::ToPrimitive;
        (f(lo).to_f64().unwrap(), f(hi).to_f64().unwrap(), delta.to_f64().unwrap())
    };
    let (qlo, qhi, qdelta) = enclosure(&quadratic);
    let (elo, ehi, edelta) = enclosure(&expression);
    assert_eq!(qdelta, edelta);
    // δ = 5·(1 + 1 + 2)/100 = 1/5.
    assert_eq!(qdelta, 0.2);
    assert!(elo <= qhi && qlo <= ehi, "quadratic [{qlo}, {qhi}] vs expression [{elo}, {ehi}]");
    assert!(qhi < qdelta && ehi < edelta);
    // The expression's enclosure is narrow too (its flow tube is tight on this convex quadratic).
    assert!(qlo > 0.0 && ehi - elo < 1e-3 * qlo, "expression [{elo}, {ehi}]");
}

#[test]
fn heavy_ball_and_overflowing_gradients_certify_and_check() {
    let dir = tempfile::tempdir().unwrap();
    // Without a claims list, ol.prop1 (not applicable) precedes ol.prop2 (verified, with its measured
    // local error): check must find the latter's.
    let mut hb = expr_spec("x^2/2 + y^2", json!({ "L": "2", "ell": "3" }));
    hb["algorithm"] = json!({ "method": "heavy_ball_ol", "h": "1/10", "alpha": "1" });
    hb["horizon"] = json!({ "steps": 20 });
    // ∇f(x₀) overflows: |∇f(x₀)|² has no finite bound, the claims that read it are inconclusive.
    let mut huge = expr_spec("exp(exp(x)) + y^2", json!({}));
    huge["domain"] = json!([["9", "10"], ["0", "1"]]);
    huge["x0"] = json!(["10", "0"]);
    for v in [hb, huge] {
        write(dir.path(), "s.json", &v);
        let run = certify_in(dir.path(), &["s.json", "--output", "c.json"]);
        assert!(run.code == 0 || run.code == 1, "{}\n{}", run.cmd, run.stderr);
        let check = certify_in(dir.path(), &["check", "c.json"]);
        assert_eq!(check.code, 0, "{}\n{}\n{}", check.cmd, check.stdout, check.stderr);
    }
}
