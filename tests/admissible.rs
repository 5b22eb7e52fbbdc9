//! Certified step-size ranges: brackets against an independent bisection of the exact formulas,
//! agreement with the part-1 claim path on random samples, and a tamper-proof certificate.

use crate::mutation::{mutate, numeric_leaves};
use crate::util::certify;
use serde_json::Value;
use shadowcert::admissible::certificate as adm_cert;
use shadowcert::admissible::{admissible, ClaimRange, Request};
use shadowcert::certificate::check::check;
use shadowcert::certificate::SpecSource;
use shadowcert::claim::Status;
use shadowcert::exact::{parse_rat, Rat, RatInterval};
use shadowcert::spec::{parse_spec_str, Spec};
use shadowcert::theorems::evaluate;

fn q(s: &str) -> Rat {
    parse_rat(s).unwrap()
}

/// Scheme (7) with λ = 9/10 and look-ahead `a` on a quadratic whose Assumption 1 bounds
/// B₀ = B₁ = B₂ = 1 are declared (and verified on the domain [−½, ½]²: |Qx| ≤ 0.51, ‖Q‖ = 1).
fn spec_b_one(a: &str) -> Spec {
    let text = format!(
        r#"{{"name": "b_one", "objective": {{"type": "quadratic", "Q": [["1","0"],["0","1/5"]], "b": ["0","0"]}},
            "domain": [["-1/2","1/2"],["-1/2","1/2"]],
            "constants": {{"B0": "1", "B1": "1", "B2": "1"}},
            "algorithm": {{"method": "momentum", "lambda": "0.9", "a": "{a}", "h": "1/1000"}},
            "x0": ["1/2", "1/2"], "horizon": {{"steps": 10}}}}"#
    );
    parse_spec_str(&text).unwrap()
}

/// Independent of the tool: Lemma 9's hypothesis and Lemma 10's α₁ < 0, D > 0 at γ = τ₁, written
/// out again from (38)–(39) of the paper with B₀ = B₁ = B₂ = 1. By the erratum note (40) ⇒ (41)–(44),
/// these decide Assumption 11.
fn binding_conditions_hold(lam: &Rat, a: &Rat, h: &Rat) -> bool {
    let one = Rat::from_integer(1.into());
    let lb = &one / (&one - lam);
    let s = lam + h * (a + lam * &lb);
    if s >= one {
        return false;
    }
    let gamma = &lb * (a + &lb) / (&one - &s);
    let k1 = &lb + h * &gamma;
    let k3 = &one + lam * &k1;
    let i2 = &one + h * &k3;
    let alpha2 = h * h * (lam + h * a);
    let alpha1 = lam - &one + h * ((&lb + a * (&one + h * &lb)) + lam * &lb * &i2 + h * a * (a * &k1 + &lb * &i2));
    let alpha0 = a * &k1 * (&one + h * a * &lb) + &lb * (a + &k3) + &lb * &lb * (&one + h * a) * &i2;
    alpha1 < Rat::from_integer(0.into()) && Rat::from_integer(4.into()) * &alpha2 * &alpha0 < &alpha1 * &alpha1
}

/// Exact bisection of the boundary of [`binding_conditions_hold`] to 80 bits (from a bracket
/// found by doubling), independent of the tool's search.
fn independent_boundary(lam: &Rat, a: &Rat) -> RatInterval {
    let (mut lo, mut hi) = (q("1e-9"), q("2e-9"));
    assert!(binding_conditions_hold(lam, a, &lo));
    while binding_conditions_hold(lam, a, &hi) {
        lo = hi.clone();
        hi = &hi * Rat::from_integer(2.into());
    }
    for _ in 0..80 {
        let mid = (&lo + &hi) / Rat::from_integer(2.into());
        if binding_conditions_hold(lam, a, &mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    RatInterval::new(lo, hi)
}

fn range<'a>(ranges: &'a [ClaimRange], id: &str) -> &'a ClaimRange {
    ranges.iter().find(|r| r.id == id).unwrap()
}

/// The part-1 verdict of `id` at `h` on `spec`: the claim path of `certify SPEC`.
fn part1(spec: &Spec, id: &str, h: &Rat) -> Status {
    let mut s = spec.clone();
    s.algorithm.h = h.clone();
    evaluate(&s).into_iter().find(|c| c.id == id).unwrap().status
}

/// Deterministic uniform numbers in (0, 1) (a fixed LCG: reproducible in CI).
fn uniforms(seed: u64, n: usize) -> Vec<Rat> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            Rat::new(((x >> 11) % 1_000_000 + 1).into(), 1_000_002.into())
        })
        .collect()
}

#[test]
fn brackets_contain_the_independent_boundary_and_agree_with_part1() {
    let lam = q("9/10");
    for a in ["0", "9/10"] {
        let spec = spec_b_one(a);
        let ranges = admissible(&spec, &Request::default());
        let truth = independent_boundary(&lam, &q(a));
        for id in ["ks.lemma10", "ks.assumption11", "ks.thm5"] {
            let r = range(&ranges, id);
            assert_eq!(r.components.len(), 1, "{id}, a = {a}: {:?}", r.runs);
            let (lo, hi) = (r.h_lo().unwrap(), r.h_hi().unwrap());
            assert!(lo <= &truth.hi && truth.lo <= *hi, "{id}, a = {a}: [{lo}, {hi}] misses {truth:?}");
            assert!(r.gap().unwrap() <= q("1e-9"), "{id}: gap {}", r.gap().unwrap());
        }
        // Random step sizes below h_lo are verified by the part-1 path, above h_hi refuted.
        let a11 = range(&ranges, "ks.assumption11");
        let (lo, hi) = (a11.h_lo().unwrap().clone(), a11.h_hi().unwrap().clone());
        for (k, u) in uniforms(17, 24).iter().enumerate() {
            // Half uniform, half log-uniform over six decades below h_lo.
            let below = if k % 2 == 0 { &lo * u } else { &lo / Rat::from_integer(10.into()).pow((k % 7) as i32) * u };
            assert_eq!(part1(&spec, "ks.assumption11", &below), Status::Verified, "a = {a}, h = {below}");
            assert_eq!(part1(&spec, "ks.thm5", &below), Status::Verified, "a = {a}, h = {below}");
            let above =
                &hi * (Rat::from_integer(1.into()) + u * Rat::from_integer(if k % 2 == 0 { 1 } else { 100 }.into()));
            assert_eq!(part1(&spec, "ks.assumption11", &above), Status::Refuted, "a = {a}, h = {above}");
            assert_ne!(part1(&spec, "ks.thm5", &above), Status::Verified, "a = {a}, h = {above}");
        }
        // Exactly at the bracket: h_lo verified, h_hi refuted.
        assert_eq!(part1(&spec, "ks.assumption11", &lo), Status::Verified);
        assert_eq!(part1(&spec, "ks.assumption11", &hi), Status::Refuted);
        // Closed forms: ks.thm3's supremum (1 − λ)²/(2αB₁) is attained and exact.
        let t3 = range(&ranges, "ks.thm3");
        let alpha = (q("19/10") - q("2") * q(a) * q("1/10")) / q("2");
        assert_eq!(t3.h_lo().unwrap(), &(q("1/100") / (q("2") * alpha)));
        assert_eq!(part1(&spec, "ks.thm3", t3.h_hi().unwrap()), Status::Refuted);
    }
}

#[test]
fn reference_numbers_of_the_closed_forms() {
    // λ = 0.9, a = 0: h_max = 1/190 (Thm 3); Lemma 9 ends at (1 − λ)/(B₁λλ̄) = 0.1/9 = 1/90.
    let spec = spec_b_one("0");
    let ranges = admissible(&spec, &Request::default());
    assert_eq!(range(&ranges, "ks.thm3").h_lo().unwrap(), &q("1/190"));
    let l9 = range(&ranges, "ks.lemma9");
    assert_eq!(l9.h_hi().unwrap(), &q("1/90"));
    assert!(l9.h_lo().unwrap() < &q("1/90") && l9.gap().unwrap() <= q("1e-9"));
    assert_eq!(part1(&spec, "ks.lemma9", l9.h_lo().unwrap()), Status::Verified);
}

fn certificate_for(spec: &Spec) -> Value {
    let source = SpecSource { path: "specs/b_one.json".into(), sha256: "ab".repeat(32) };
    let req = Request::default();
    adm_cert::build(&source, spec, &req, &admissible(spec, &req))
}

#[test]
fn every_single_number_mutation_of_an_admissibility_certificate_is_rejected() {
    let cert = certificate_for(&spec_b_one("9/10"));
    assert_eq!(check(&cert).unwrap().exit_code, 0);
    let mut leaves = Vec::new();
    numeric_leaves(&cert, String::new(), &mut leaves);
    assert!(leaves.len() > 100, "only {} numbers", leaves.len());
    for p in &leaves {
        let mut bad = cert.clone();
        let leaf = bad.pointer_mut(p).unwrap();
        *leaf = mutate(leaf);
        // Evidence may be loosened and stay valid (it still proves every record).
        let Err(err) = check(&bad) else {
            assert!(p.starts_with("/evidence/"), "mutation of {p} was accepted");
            continue;
        };
        if let Some(rest) = p.strip_prefix("/claims/") {
            let i: usize = rest.split('/').next().unwrap().parse().unwrap();
            let id = cert["claims"][i]["id"].as_str().unwrap();
            assert!(err.to_string().starts_with(id), "mutation of {p} rejected as {err}, should name {id}");
        }
    }
}

#[test]
fn tampered_admissibility_certificates_are_rejected() {
    let cert = certificate_for(&spec_b_one("0"));
    let i = cert["claims"].as_array().unwrap().iter().position(|c| c["id"] == "ks.assumption11").unwrap();
    // A wider certified range than proved: h_to moved to h_hi.
    let mut bad = cert.clone();
    bad["claims"][i]["components"][0]["h_to"] = cert["claims"][i]["h_hi"].clone();
    assert!(check(&bad).unwrap_err().to_string().starts_with("ks.assumption11"));
    // A witness replaced.
    let mut bad = cert.clone();
    bad["claims"][i]["components"][0]["witnesses"]["delta"] = Value::String("1".into());
    assert!(check(&bad).is_err());
    // A component dropped, a refutation dropped, the kind changed.
    let mut bad = cert.clone();
    bad["claims"][i]["components"] = Value::Array(vec![]);
    assert!(check(&bad).is_err());
    let mut bad = cert.clone();
    bad["claims"][i].as_object_mut().unwrap().remove("refutation");
    assert!(check(&bad).is_err());
    let mut bad = cert.clone();
    bad["kind"] = Value::String("claims".into());
    assert!(check(&bad).is_err());
}

#[test]
fn cli_admissible_writes_a_certificate_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("adm.cert.json");
    let run = certify(&["admissible", "specs/heavy_ball.json", "-o", &out.to_string_lossy()]);
    run.expect_code(0);
    assert!(run.stdout.contains("ks.assumption11  h_lo = "), "{}", run.stdout);
    assert!(run.stdout.contains("exact supremum 1/190 (attained)"), "{}", run.stdout);
    let run = certify(&["check", &out.to_string_lossy()]);
    run.expect_code(0);
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::write(&out, text.replacen("\"verified\"", "\"refuted\"", 1)).unwrap();
    certify(&["check", &out.to_string_lossy()]).expect_code(1);
    // JSON output is the certificate, byte-identical across runs.
    let a = certify(&["admissible", "specs/heavy_ball.json", "--json"]);
    let b = certify(&["admissible", "specs/heavy_ball.json", "--json"]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(serde_json::from_str::<Value>(&a.stdout).unwrap()["kind"], "admissibility");
    // Bad input: one line, exit 2.
    let run = certify(&["admissible", "specs/heavy_ball.json", "--from", "0"]);
    run.expect_code(2);
    assert!(run.stderr.starts_with("error: --from: must be > 0"), "{}", run.stderr);
    assert_eq!(run.stderr.trim_end().lines().count(), 1);
    certify(&["admissible", "specs/heavy_ball.json", "--to", "x"]).expect_code(2);
}

/// The monotonicity lemma of `admissible::range`: the witnesses of a component, fixed, satisfy
/// every condition of Assumption 11 and the Thm 5 rate at random step sizes below its upper end
/// (evaluated directly with the exact formulas at those witnesses, not through the claim path).
#[test]
fn component_witnesses_serve_every_step_size_below() {
    use shadowcert::theorems::kovachki_stuart::{at_witnesses, KsParams};
    let zero = Rat::from_integer(0.into());
    let one = Rat::from_integer(1.into());
    for a in ["0", "9/10"] {
        let spec = spec_b_one(a);
        let ranges = admissible(&spec, &Request::default());
        let c = &range(&ranges, "ks.thm5").components[0];
        let (gamma, delta) = (&c.record.witnesses["gamma"], &c.record.witnesses["delta"]);
        for u in uniforms(5, 40) {
            let h = &c.h_to * &u * &u; // denser near 0
            let p = KsParams {
                lambda: q("9/10"),
                a: q(a),
                h: h.clone(),
                b0: one.clone(),
                b1: one.clone(),
                b2: one.clone(),
            };
            let lb = p.lambda_bar();
            let factor = &p.lambda + &h * (&p.a + &p.lambda * &lb);
            assert!(factor < one, "Lemma 9 at h = {h}");
            assert!(&factor * gamma + &lb * (&p.a + &lb) <= *gamma, "(38) at h = {h}");
            let at = at_witnesses(&p, gamma, delta);
            assert!(
                at.alpha1 < zero && Rat::from_integer(4.into()) * &at.alpha2 * &at.alpha0 < &at.alpha1 * &at.alpha1
            );
            assert!(at.eq40 <= zero, "(40) at h = {h}");
            assert!(at.c < one && at.q3 < one && at.mu.unwrap() < one && at.eq44 < one && at.rate < one, "h = {h}");
        }
        // Just above h_hi the same witnesses fail (the refutation is not vacuous).
        let h = range(&ranges, "ks.thm5").h_hi().unwrap().clone();
        let p = KsParams { lambda: q("9/10"), a: q(a), h, b0: one.clone(), b1: one.clone(), b2: one.clone() };
        let at = at_witnesses(&p, gamma, delta);
        assert!(at.eq40 > zero, "(40) must fail above h_hi at the component's witnesses");
    }
}

#[test]
fn cli_sweep_map_and_merge() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let run = certify(&[
        "sweep",
        "specs/heavy_ball.json",
        "--param",
        "h",
        "--from",
        "1e-4",
        "--to",
        "1",
        "--points",
        "9",
        "--log",
        "--csv",
        &path("sweep.csv"),
        "--json",
        &path("sweep.json"),
    ]);
    // A completed sweep exits 0 whatever its verdicts (issue 11 item 8: array jobs do not "fail").
    run.expect_code(0);
    assert!(run.stdout.contains("ks.assumption11"), "{}", run.stdout);
    assert!(run.stdout.contains("refuted"), "h = 1 is refuted: {}", run.stdout);
    let csv = std::fs::read_to_string(path("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 10, "{csv}");
    assert!(csv.starts_with("index,h,h_approx,step.stable,ks.thm3,"), "{csv}");
    assert!(csv.lines().nth(1).unwrap().starts_with("0,1/10000,"), "{csv}");
    // A 3-shard map, merged, equals the whole map; the SVG has its labels.
    let map = |extra: &[&str]| {
        let mut args = vec!["map", "specs/heavy_ball.json", "--x", "lambda=0.5:0.95:6", "--y", "h=1e-5:1:7", "--log-y"];
        args.extend_from_slice(extra);
        certify(&args)
    };
    map(&["--json", &path("whole.json"), "--svg", &path("map.svg")]).expect_code(0);
    for i in 1..=3 {
        map(&["--shard", &format!("{i}/3"), "--json", &path(&format!("s{i}.json"))]).expect_code(0);
    }
    // --fail-on restores exit 1: refuted points exist at h = 1, and so do unverified ones.
    map(&["--fail-on", "refuted"]).expect_code(1);
    map(&["--fail-on", "inconclusive"]).expect_code(1);
    certify(&[
        "map",
        "specs/heavy_ball.json",
        "--x",
        "lambda=0.5:0.95:3",
        "--y",
        "h=1e-5:1e-4:3",
        "--fail-on",
        "refuted",
    ])
    .expect_code(0);
    certify(&["map", "specs/heavy_ball.json", "--x", "lambda=0.5:0.95:3", "--y", "h=1e-5:1:3", "--fail-on", "never"])
        .expect_code(2);
    certify(&[
        "merge",
        &path("merged.json"),
        &path("s1.json"),
        &path("s2.json"),
        &path("s3.json"),
        "--svg",
        &path("m.svg"),
    ])
    .expect_code(0);
    let read = |n: &str| serde_json::from_str::<Value>(&std::fs::read_to_string(path(n)).unwrap()).unwrap();
    assert_eq!(read("merged.json"), read("whole.json"));
    // Issue 11 item 9: the spec's own (λ, h) is in the output and marked; not-applicable cells have
    // a colour and a legend entry; tick labels are short.
    assert_eq!(read("whole.json")["spec_point"], serde_json::json!({"lambda": "9/10", "h": "1/1000"}));
    let svg = std::fs::read_to_string(path("map.svg")).unwrap();
    assert!(svg.contains("λ (momentum)") && svg.contains("h (step size)"), "axis labels missing");
    assert!(svg.contains("blue not applicable") && svg.contains("the spec"), "legend");
    assert!(svg.contains("<circle"), "the spec's point is not marked");
    assert!(!svg.contains("99999"), "a long tick label");
    assert!(svg.contains("<polyline"), "the boundary curve is missing");
    assert_eq!(svg, std::fs::read_to_string(path("m.svg")).unwrap());
    // Missing shard: named, exit 2.
    let run = certify(&["merge", &path("bad.json"), &path("s1.json"), &path("s3.json")]);
    run.expect_code(2);
    assert!(run.stderr.contains("shards 2/3"), "{}", run.stderr);
    // Bad axis: one line, exit 2.
    let run = certify(&["map", "specs/heavy_ball.json", "--x", "lambda=0.5:1.5", "--y", "h=1e-5:1"]);
    run.expect_code(2);
    assert!(run.stderr.starts_with("error: /algorithm/lambda:"), "{}", run.stderr);
}

/// Issue 11 item 10: a log sweep of a constant between 1e-300 and 1e-290 panicked (its interior
/// values, dyadic f64s, needed more than 1024 bits); now every value is a short decimal.
#[test]
fn sweep_of_a_tiny_constant_does_not_panic() {
    let run = certify(&[
        "sweep",
        "specs/heavy_ball.json",
        "--param",
        "B1",
        "--from",
        "1e-300",
        "--to",
        "1e-290",
        "--points",
        "5",
        "--log",
    ]);
    run.expect_code(0);
    // The interior values are 10^-297.5 and 10^-292.5 rounded to six significant digits.
    assert!(run.stdout.contains("3.162280e-298") && run.stdout.contains("3.162280e-293"), "{}", run.stdout);
}

/// Issue 11 item 4: `admissible`, `sweep` and `map` refused every dataset spec.
#[test]
fn admissible_sweep_and_map_accept_dataset_specs() {
    for spec in ["specs/digits_logistic_gd.json", "specs/digits_sigmoid_hb.json"] {
        let run = certify(&["admissible", spec]);
        assert!(run.code == 0 || run.code == 1, "{spec}: {} {}", run.code, run.stderr);
        assert!(run.stdout.contains("h_lo") || run.stdout.contains("admissible"), "{}", run.stdout);
    }
    // ol.thm2 needs h ≤ 1/L, with L the digits data's certified bound (h_hi ≈ 0.329).
    let run = certify(&["admissible", "specs/digits_logistic_gd.json"]);
    assert!(run.stdout.contains("ol.thm2          h_lo = ≈0.32899"), "{}", run.stdout);
    let run = certify(&[
        "sweep",
        "specs/digits_logistic_gd.json",
        "--param",
        "h",
        "--from",
        "1/10",
        "--to",
        "1/2",
        "--points",
        "3",
    ]);
    run.expect_code(0);
    let verdicts: Vec<&str> = run.stdout.lines().skip(1).filter_map(|l| l.split_whitespace().last()).collect();
    assert_eq!(verdicts, ["verified", "verified", "refuted"], "{}", run.stdout);
    let run = certify(&[
        "sweep",
        "specs/digits_logistic_gd.json",
        "--param",
        "L",
        "--from",
        "1",
        "--to",
        "4",
        "--points",
        "3",
    ]);
    run.expect_code(0);
    let run = certify(&["map", "specs/digits_logistic_gd.json", "--x", "L=1:4:3", "--y", "h=1e-3:1:3"]);
    run.expect_code(0);
}

/// On every shipped spec, every applicable claim's admissible set is one interval (the scan
/// finds no second component, as the monotonicity lemma predicts) and is bracketed to 10⁻⁹.
#[test]
fn shipped_specs_have_one_bracketed_component_per_claim() {
    for path in crate::util::spec_files() {
        let spec = shadowcert::spec::load_spec(&path).unwrap();
        for r in admissible(&spec, &Request::default()).iter().filter(|r| r.not_applicable.is_none()) {
            assert_eq!(r.components.len(), 1, "{}: {}: {:?}", path.display(), r.id, r.runs);
            // Bracketed, or (a derived constant's enclosure too wide to refute within the range)
            // inconclusive from h_lo to the end of the range: digits_sigmoid_gd's L ∈ [0.0183, 1.176]
            // verifies step.descent up to 2/1.176 but refutes it only from 2/0.0183 ≈ 109 > 100.
            let open_above = r.h_hi().is_none()
                && r.runs
                    .last()
                    .is_some_and(|(_, to, v)| *v == shadowcert::admissible::Verdict::Inconclusive && *to == q("100"));
            assert!(r.gap().is_some_and(|g| g <= q("1e-9")) || open_above, "{}: {}", path.display(), r.id);
        }
    }
}

/// Issue 11 item 5: on an expression whose constants are derived (004's quartic, every claim), the
/// brackets used to stay at h_hi = the end of the range (100) and `check` rejected the certificate
/// the tool wrote. Independent value: ∇²f = diag(1, 2) + 3(x + y)²·[[1, 1], [1, 1]] is largest at
/// x + y = ±2, λ_max([[13, 12], [12, 14]]) = (27 + √577)/2 ≈ 25.51041217, so heavy ball λ = 9/10 is
/// linearly stable iff h < 2(1 + λ)/L = 3.8/25.51041217 ≈ 0.1489588.
#[test]
fn admissible_with_derived_constants_brackets_tightly_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("quartic.json");
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string("specs/ks_quartic_hb.json").unwrap()).unwrap();
    v.as_object_mut().unwrap().remove("claims");
    std::fs::write(&spec, v.to_string()).unwrap();
    let cert = dir.path().join("adm.json");
    let (spec, cert) = (spec.to_string_lossy().into_owned(), cert.to_string_lossy().into_owned());
    let run = certify(&["admissible", &spec, "-o", &cert]);
    run.expect_code(0);
    let c: Value = serde_json::from_str(&std::fs::read_to_string(&cert).unwrap()).unwrap();
    for r in c["claims"].as_array().unwrap().iter().filter(|r| r.get("not_applicable").is_none()) {
        let (lo, hi) =
            (parse_rat(r["h_lo"].as_str().unwrap()).unwrap(), parse_rat(r["h_hi"].as_str().unwrap()).unwrap());
        assert!(hi < lo.clone() * q("1.2"), "{}: bracket [{lo}, {hi}] is not tight", r["id"]);
    }
    let stable = c["claims"].as_array().unwrap().iter().find(|r| r["id"] == "step.stable").unwrap();
    let lo = parse_rat(stable["h_lo"].as_str().unwrap()).unwrap();
    assert!(q("0.148958") < lo && lo < q("0.1489589"), "step.stable h_lo = {lo}");
    certify(&["check", &cert]).expect_code(0);
}

/// Issue 11 item 7: "is h safe?" answered at the top of `admissible`, for the spec's h or `--h`.
#[test]
fn admissible_answers_is_my_step_size_safe() {
    // GD on Q = diag(2, 1), h = 1/100: rate max(|1 − h|, |1 − 2h|) = 99/100; stable iff h < 2/L = 1.
    let run = certify(&["admissible", "specs/strongly_convex.json"]);
    run.expect_code(0);
    let top: Vec<&str> = run.stdout.lines().take(4).collect();
    assert_eq!(top[1], "  h = 1/100 (the spec's step size): safe (step.stable: spectral radius ≤ 0.99)", "{top:?}");
    assert_eq!(top[2], "    verified: step.descent, step.stable, ol.thm2", "{top:?}");
    assert!(top[3].contains("step.descent < 1; step.stable < 1; ol.thm2 ≤ 1/90"), "{top:?}");
    // h = 1 = 2/L: GD is not stable (|1 − hL| = 1) and the descent lemma's c = 0.
    let run = certify(&["admissible", "specs/strongly_convex.json", "--h", "1"]);
    assert!(run.stdout.lines().nth(1).unwrap().starts_with("  h = 1: NOT safe (step.stable refuted: h·L < 2 fails)"));
    // Heavy ball λ = 9/10 on L = 1: stable iff h < 2(1 + λ)/L = 19/5.
    // At h = 3.79 both ends have complex roots (T² < 4D = 3.6): radius √(9/10) ≈ 0.948683298.
    let run = certify(&["admissible", "specs/heavy_ball.json", "--h", "3.79"]);
    let line = run.stdout.lines().nth(1).unwrap();
    assert_eq!(line, "  h = 379/100: safe (step.stable: spectral radius ≤ 0.948683298)", "{}", run.stdout);
    let run = certify(&["admissible", "specs/heavy_ball.json", "--h", "19/5"]);
    assert!(run.stdout.lines().nth(1).unwrap().starts_with("  h = 19/5: NOT safe"), "{}", run.stdout);
    for bad in ["0", "-1", "x"] {
        certify(&["admissible", "specs/heavy_ball.json", "--h", bad]).expect_code(2);
    }
}
