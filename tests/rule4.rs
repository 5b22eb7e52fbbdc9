//! Rule 4 (DESIGN.md): a claim that applies constants valid on the domain box to a trajectory is
//! verified only when the trajectory is certified inside the box — the orbit at every step, the flow
//! at every sample and between samples. One test per gated claim (`ol.prop1`, `ol.thm2`, `ol.thm3`,
//! `ol.prop2`, `ks.thm3`, `ks.lemma8`, `ks.thm5`, `ks.thm6`) on a trajectory that leaves the box, and
//! the step named as the first exit checked against an exact rational orbit or a closed-form flow.

use crate::util::certify_in;
use num_traits::ToPrimitive;
use serde_json::{json, Value};
use shadowcert::claim::{Claim, Status};
use shadowcert::exact::{parse_rat, Rat};
use shadowcert::spec::parse_spec_value;
use shadowcert::theorems::evaluate;

fn q(s: &str) -> Rat {
    parse_rat(s).unwrap()
}

fn claims(v: &Value) -> Vec<Claim> {
    evaluate(&parse_spec_value(v).unwrap_or_else(|e| panic!("{e}")))
}

fn claim<'a>(cs: &'a [Claim], id: &str) -> &'a Claim {
    cs.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no {id}"))
}

fn reason(c: &Claim) -> &str {
    c.reason.as_deref().unwrap_or("")
}

/// The k of "certainly outside at k = K" in a rule-4 reason.
fn first_exit(c: &Claim) -> usize {
    exit_of(c).1
}

/// (what, k) of "the exact WHAT leaves the spec's domain box: certainly outside at k = K".
fn exit_of(c: &Claim) -> (String, usize) {
    let r = reason(c);
    let what = r
        .strip_prefix("rule 4: the exact ")
        .and_then(|t| t.split(" leaves the spec's domain box").next())
        .unwrap_or_else(|| panic!("no rule-4 exit in {r:?}"));
    let at = r.find("certainly outside at k = ").unwrap_or_else(|| panic!("no exit named in {r:?}"));
    let k = r[at + "certainly outside at k = ".len()..].split(|ch: char| !ch.is_ascii_digit()).next().unwrap();
    (what.to_string(), k.parse().unwrap())
}

/// A 1-D spec with f = q(x − x*)²/2 written as a quadratic (Q = [q], b = [q·x*]) or an expression.
fn spec1(
    objective: Value,
    domain: (&str, &str),
    constants: Value,
    algorithm: Value,
    steps: u64,
    claims: &[&str],
) -> Value {
    json!({
        "name": "rule4", "objective": objective, "domain": [[domain.0, domain.1]], "constants": constants,
        "algorithm": algorithm, "x0": ["0"], "horizon": { "steps": steps }, "claims": claims
    })
}

/// The first k ≥ 1 with xₖ > `face` for the exact GD orbit xₖ₊₁ = xₖ − h·q(xₖ − x*), x₀ = 0.
fn gd_exit(qc: &Rat, xs: &Rat, h: &Rat, face: &Rat, max: usize) -> Option<usize> {
    let mut x = q("0");
    (1..=max).find(|_| {
        x = &x - h * qc * (&x - xs);
        x > *face
    })
}

#[test]
fn the_issue_reproduction_prop1_on_a_flow_that_leaves() {
    // Q = diag(1, −1), x₀ = (½, ½): y(t) = (½e^{−t}, ½eᵗ) leaves [−1, 1]² at t = ln 2 ∈ (0.6, 0.7).
    // ½e^{0.6} = 0.911 < 1 < ½e^{0.7} = 1.0069: the sample k = 7 is the first outside, and the path
    // leaves between k = 6 and 7.
    assert!(0.5 * 0.6f64.exp() < 0.95 && 0.5 * 0.7f64.exp() > 1.005);
    let v = |domain: &str, ell: &str, steps: u64| {
        json!({
            "name": "saddle_leaves_box", "objective": {"type": "quadratic", "Q": [["1", "0"], ["0", "-1"]], "b": ["0", "0"]},
            "domain": [[format!("-{domain}"), domain], [format!("-{domain}"), domain]],
            "constants": {"L": "1", "ell": ell}, "algorithm": {"method": "gd", "h": "1/10"}, "x0": ["1/2", "1/2"],
            "horizon": {"steps": steps}, "claims": ["ol.prop1"]
        })
    };
    let cs = claims(&v("1", "1.5", 30));
    let c = claim(&cs, "ol.prop1");
    assert_eq!(c.status, Status::NotApplicable, "{c:?}");
    // The exit is certain between the samples: at t = 6h + 15h/16 = 0.69375 > ln 2 ≈ 0.693147 the
    // probe's point ½e^{0.69375} ≈ 1.0006 lies outside.
    assert!(reason(c).contains("certainly outside between k = 6 and 7 (domain_margin < 0)"), "{}", reason(c));
    assert!(0.5 * 0.69375f64.exp() > 1.0005);
    assert!(c.values["domain_margin"].hi() < &q("0"));
    // On [−2, 2]² over t ≤ 0.6 the flow stays inside (½e^{0.6} < 2): verified, with its margin
    // and the measured local error below δ = ℓLh²/2.
    let cs = claims(&v("2", "3", 6));
    let c = claim(&cs, "ol.prop1");
    assert_eq!(c.status, Status::Verified, "{c:?}");
    assert!(c.values["domain_margin"].lo() > &q("1"), "{c:?}");
    assert!(c.values["local_error_max"].hi() <= c.values["delta"].lo());
}

#[test]
fn the_first_exit_of_a_diverging_gd_orbit_is_named() {
    // d = 10 Laplacian tridiag(−1, 2, −1), λ_max = 2 + 2cos(π/11) ≈ 3.919, h = 13/25: hL ≈ 2.038 > 2.
    // From x₀ = ±1/1000 alternating the top mode grows by |1 − hλ_max| ≈ 1.038 per step.
    let d: usize = 10;
    let entry = |i: usize, j: usize| ["2", "-1"].get(i.abs_diff(j)).unwrap_or(&"0").to_string();
    let qm: Vec<Vec<String>> = (0..d).map(|i| (0..d).map(|j| entry(i, j)).collect()).collect();
    let x0: Vec<String> = (0..d).map(|i| if i % 2 == 0 { "1/1000" } else { "-1/1000" }.to_string()).collect();
    let v = json!({
        "name": "laplacian_unstable", "objective": {"type": "quadratic", "Q": qm, "b": vec!["0"; d]},
        "domain": vec![["-1", "1"]; d], "algorithm": {"method": "gd", "h": "13/25"}, "x0": x0,
        "horizon": {"steps": 1000}, "epsilon": "1000", "claims": ["shadow.orbit"]
    });
    let c = claims(&v).into_iter().find(|c| c.id == "shadow.orbit").unwrap();
    assert_eq!(c.status, Status::NotApplicable, "{c:?}");
    // The exact rational orbit: the first k with some |xₖᵢ| > 1.
    let h = q("13/25");
    let mut x: Vec<Rat> = (0..d).map(|i| if i % 2 == 0 { q("1/1000") } else { q("-1/1000") }).collect();
    let one = q("1");
    let exit = (1..=1000)
        .find(|_| {
            let qx: Vec<Rat> = (0..d)
                .map(|i| {
                    let mut s = q("2") * &x[i];
                    if i > 0 {
                        s -= &x[i - 1];
                    }
                    if i + 1 < d {
                        s -= &x[i + 1];
                    }
                    s
                })
                .collect();
            x = x.iter().zip(&qx).map(|(xi, gi)| xi - &h * gi).collect();
            x.iter().any(|xi| xi > &one || xi < &-one.clone())
        })
        .expect("the orbit leaves");
    assert!(exit > 100 && exit < 1000, "{exit}");
    assert_eq!(exit_of(&c), ("orbit xₖ".to_string(), exit), "{}", reason(&c));
}

#[test]
fn ol_thm2_when_the_minimizer_is_outside_the_box() {
    // f = (x − 3)²/2 on [−2, 2], x₀ = 0, h = 1/10: xₖ = 3 − 3·(9/10)ᵏ, y(t) = 3 − 3e^{−t} crosses 2 at
    // t = ln 3 ≈ 1.0986, between the samples 10 and 11. ℓ = sup |x − 3| = 5.
    let exit = gd_exit(&q("1"), &q("3"), &q("1/10"), &q("2"), 100).unwrap();
    assert_eq!(exit, 11);
    assert!((3f64.ln() - 1.0986).abs() < 1e-4);
    let consts = json!({"L": "1", "mu": "1", "ell": "5"});
    let gd = json!({"method": "gd", "h": "1/10"});
    for objective in [
        json!({"type": "quadratic", "Q": [["1"]], "b": ["3"]}),
        json!({"type": "expression", "vars": ["x"], "f": "(x - 3)^2/2"}),
    ] {
        let cs = claims(&spec1(objective.clone(), ("-2", "2"), consts.clone(), gd.clone(), 40, &["ol.thm2"]));
        let c = claim(&cs, "ol.thm2");
        assert_eq!(c.status, Status::NotApplicable, "{objective}: {c:?}");
        assert_eq!(first_exit(c), exit, "{}", reason(c));
        assert!(reason(c).contains("gradient flow y(t) between k = 10 and 11"), "{}", reason(c));
        // On [−4, 4] (ℓ = 7) both converge to 3 inside: verified, margin ≥ 1 − ε-ish.
        let cs = claims(&spec1(
            objective,
            ("-4", "4"),
            json!({"L": "1", "mu": "1", "ell": "7"}),
            gd.clone(),
            40,
            &["ol.thm2"],
        ));
        let c = claim(&cs, "ol.thm2");
        assert_eq!(c.status, Status::Verified, "{c:?}");
        assert!(c.values["domain_margin"].lo() > &q("0.9"), "{c:?}");
    }
}

#[test]
fn ol_thm3_on_a_saddle_whose_unstable_direction_leaves() {
    // f = (x² − y²)/2 as an expression with γ declared (the saddle reading), x₀ = (½, ½): y(t) leaves
    // [−1, 1]² between k = 6 and 7 (as above); the GD orbit yₖ = ½(11/10)ᵏ leaves at the first k with
    // (11/10)ᵏ > 2, k = 8.
    let mut k = 0;
    let mut y = q("1/2");
    while y <= q("1") {
        y *= q("11/10");
        k += 1;
    }
    assert_eq!(k, 8);
    let v = json!({
        "name": "t", "objective": {"type": "expression", "vars": ["x", "y"], "f": "(x^2 - y^2)/2"},
        "domain": [["-1", "1"], ["-1", "1"]], "constants": {"L": "1", "ell": "1.5", "gamma": "1", "mu": "1", "L_phi": "1/10"},
        "algorithm": {"method": "gd", "h": "1/10"}, "x0": ["1/2", "1/2"], "horizon": {"steps": 30},
        "epsilon": "100", "claims": ["ol.prop1", "ol.thm3"]
    });
    let cs = claims(&v);
    for id in ["ol.prop1", "ol.thm3"] {
        let c = claim(&cs, id);
        assert_eq!(c.status, Status::NotApplicable, "{id}: {c:?}");
        // The flow's sample 7 is outside before the orbit's step 8.
        assert_eq!(first_exit(c), 7, "{id}: {}", reason(c));
        assert!(reason(c).contains("gradient flow y(t)"), "{}", reason(c));
    }
}

/// q(t) of q̈ + αq̇ = −c(q − x*), q(0) = q̇(0) = 0, for α² > 4c (closed form).
fn hb_ode(t: f64, alpha: f64, c: f64, xs: f64) -> f64 {
    let s = (alpha * alpha - 4.0 * c).sqrt();
    let (r1, r2) = ((-alpha + s) / 2.0, (-alpha - s) / 2.0);
    let (a, b) = (-xs * r2 / (r2 - r1), xs * r1 / (r2 - r1));
    xs + a * (r1 * t).exp() + b * (r2 * t).exp()
}

#[test]
fn ol_prop2_when_the_heavy_ball_ode_leaves() {
    // f = (x − 3)²/20 (c = 1/10) on [−2, 2], α = 3, h = 1/10: the ODE crosses 2 at t* with
    // q(t*) = 2 (closed form); the orbit zₖ₊₁ = zₖ + β(zₖ − zₖ₋₁) − η·c(zₖ − 3), η = h², β = 1 − hα.
    let spec = |steps| {
        spec1(
            json!({"type": "quadratic", "Q": [["1/10"]], "b": ["3/10"]}),
            ("-2", "2"),
            json!({"L": "1/10", "ell": "1/2"}),
            json!({"method": "heavy_ball_ol", "h": "1/10", "alpha": "3"}),
            steps,
            &["ol.prop2"],
        )
    };
    let cs = claims(&spec(1000));
    let c = claim(&cs, "ol.prop2");
    assert_eq!(c.status, Status::NotApplicable, "{c:?}");
    let (what, k) = exit_of(c);
    if what == "heavy-ball ODE q(t)" {
        let (before, at) = (hb_ode((k - 1) as f64 / 10.0, 3.0, 0.1, 3.0), hb_ode(k as f64 / 10.0, 3.0, 0.1, 3.0));
        assert!(before < 2.0 + 1e-9 && at > 2.0 + 1e-9, "q((k−1)h) = {before}, q(kh) = {at}");
    } else {
        assert_eq!(what, "orbit xₖ", "{}", reason(c));
        let (eta, beta, c10) = (q("1/100"), q("7/10"), q("1/10"));
        let (mut prev, mut z) = (q("0"), q("0") - &eta * &c10 * (q("0") - q("3")));
        let mut n = 1;
        while z <= q("2") {
            let next = &z + &beta * (&z - &prev) - &eta * &c10 * (&z - q("3"));
            (prev, z) = (z, next);
            n += 1;
        }
        assert_eq!(n, k);
    }
    // Over 100 steps (T = 10, q(10) ≈ 0.87) both stay inside: verified.
    assert!(hb_ode(10.0, 3.0, 0.1, 3.0) < 1.0);
    let cs = claims(&spec(100));
    let c = claim(&cs, "ol.prop2");
    assert_eq!(c.status, Status::Verified, "{c:?}");
    // Issue 11 item 17: the measured local error of the pseudo-orbit yₖ = (qₖ, qₖ₋₁), against the
    // closed form: τₖ = |qₖ₊₁ − qₖ − β(qₖ − qₖ₋₁) + η·c(qₖ − 3)|, 1 ≤ k < 100, far below δ.
    let qk = |k: usize| hb_ode(k as f64 / 10.0, 3.0, 0.1, 3.0);
    let tau = (1..100)
        .map(|k| (qk(k + 1) - qk(k) - 0.7 * (qk(k) - qk(k - 1)) + 0.01 * 0.1 * (qk(k) - 3.0)).abs())
        .fold(0.0f64, f64::max);
    let enc = &c.values["local_error_max"];
    let (lo, hi) = (enc.lo().to_f64().unwrap(), enc.hi().to_f64().unwrap());
    assert!(lo - 1e-12 <= tau && tau <= hi + 1e-12 && hi - lo < 1e-9, "τ = {tau} vs [{lo}, {hi}]");
    assert!(enc.hi() < c.values["delta"].lo(), "{tau} vs δ = {:?}", c.values["delta"]);
}

#[test]
fn kovachki_stuart_claims_on_an_orbit_that_leaves() {
    // Heavy ball (scheme (7), a = 0) with λ = 1/2, h = 1/10 on f = (x − 3)²/20, [−2, 2]: the exact
    // orbit uₙ₊₁ = uₙ + λ(uₙ − uₙ₋₁) − h·c(uₙ − 3), u₁ = u₀ − h·c(u₀ − 3), leaves at the first n with uₙ > 2.
    let (lam, h, c10) = (q("1/2"), q("1/10"), q("1/10"));
    let (mut prev, mut u) = (q("0"), q("0") - &h * &c10 * (q("0") - q("3")));
    let mut n = 1;
    while u <= q("2") {
        let next = &u + &lam * (&u - &prev) - &h * &c10 * (&u - q("3"));
        (prev, u) = (u, next);
        n += 1;
    }
    let v = spec1(
        json!({"type": "quadratic", "Q": [["1/10"]], "b": ["3/10"]}),
        ("-2", "2"),
        json!({}),
        json!({"method": "heavy_ball", "h": "1/10", "lambda": "1/2"}),
        100,
        &[],
    );
    let mut v = v;
    v.as_object_mut().unwrap().remove("claims");
    let cs = claims(&v);
    for id in ["ks.thm3", "ks.lemma8", "ks.thm5", "ks.thm6"] {
        let c = claim(&cs, id);
        assert_eq!(c.status, Status::NotApplicable, "{id}: {c:?}");
        assert_eq!(first_exit(c), n, "{id}: exact exit {n}: {}", reason(c));
        assert_eq!(exit_of(c).0, "orbit xₖ", "{}", reason(c));
    }
    // The lemmas whose conclusions are inequalities between the constants are not about the orbit.
    for id in ["ks.lemma9", "ks.lemma10", "ks.assumption11"] {
        let c = claim(&cs, id);
        assert_eq!(c.status, Status::Verified, "{id}: {c:?}");
        assert!(!c.values.contains_key("domain_margin"));
    }
}

#[test]
fn a_flow_on_a_face_is_inconclusive() {
    // Q = diag(1, 0) from (1, 2) on [−2, 2]²: y(t) = (e^{−t}, 2) stays on the face y = 2; the
    // enclosures straddle it, so rule 4 is not certified either way.
    let v = json!({
        "name": "t", "objective": {"type": "quadratic", "Q": [["1", "0"], ["0", "0"]], "b": ["0", "0"]},
        "domain": [["-2", "2"], ["-2", "2"]], "constants": {"L": "1", "ell": "2"},
        "algorithm": {"method": "gd", "h": "1/10"}, "x0": ["1", "2"], "horizon": {"steps": 20}, "claims": ["ol.prop1"]
    });
    let cs = claims(&v);
    let c = claim(&cs, "ol.prop1");
    assert_eq!(c.status, Status::Inconclusive, "{c:?}");
    assert!(reason(c).contains("(rule 4)"), "{}", reason(c));
    assert!(c.values["domain_margin"].lo() < &q("0") && c.values["domain_margin"].hi() >= &q("0"));
}

#[test]
fn gated_certificates_check_through_the_binary() {
    // The quadratic (checker from tubes) and the expression (engine re-run) of the ol.thm2 case.
    let dir = tempfile::tempdir().unwrap();
    for (name, objective) in [
        ("quadratic", json!({"type": "quadratic", "Q": [["1"]], "b": ["3"]})),
        ("expression", json!({"type": "expression", "vars": ["x"], "f": "(x - 3)^2/2"})),
    ] {
        let v = spec1(
            objective,
            ("-2", "2"),
            json!({"L": "1", "mu": "1", "ell": "5"}),
            json!({"method": "gd", "h": "1/10"}),
            40,
            &["ol.prop1", "ol.thm2"],
        );
        let spec = format!("{name}.json");
        std::fs::write(dir.path().join(&spec), v.to_string()).unwrap();
        let cert = format!("{name}.cert.json");
        let run = certify_in(dir.path(), &["--output", &cert, &spec]);
        assert_eq!(run.code, 1, "{}\n{}{}", run.cmd, run.stdout, run.stderr);
        assert!(run.stdout.contains("not_applicable  ol.thm2"), "{}", run.stdout);
        let check = certify_in(dir.path(), &["check", &cert]);
        assert_eq!(check.code, 0, "{}\n{}{}", check.cmd, check.stdout, check.stderr);
        assert!(check.stdout.starts_with("ok: "), "{}", check.stdout);
    }
}

#[test]
fn a_flow_that_leaves_and_returns_between_two_samples() {
    // specs/heavy_ball.json: scheme (7) with λ = 9/10, a = 0, h = 1/1000 from the corner (1, 1) of
    // [−1, 1]². The damped flow (11), hα·ü + (1 − λ)u̇ = −Qu, α = 19/20, starts with u̇(0) =
    // −(1 − 2α)/(2α − λ + 1)·Qu₀ = (9/20)·(1, 1/5), outwards. Closed form of the first coordinate
    // (q = 1): m ü + γ u̇ + u = 0, m = 19/20000, γ = 1/10, u(0) = 1, u̇(0) = 9/20.
    let (m, g, v0): (f64, f64, f64) = (19.0 / 20000.0, 0.1, 0.45);
    let disc = g * g - 4.0 * m;
    let (r1, r2) = ((-g + disc.sqrt()) / (2.0 * m), (-g - disc.sqrt()) / (2.0 * m));
    let (a, b) = ((v0 - r2) / (r1 - r2), (r1 - v0) / (r1 - r2));
    let u = |t: f64| a * (r1 * t).exp() + b * (r2 * t).exp();
    // Outside in the middle of the first step, back inside at its end: only a point between the
    // samples shows the exit.
    assert!(u(0.0005) > 1.00008 && u(0.001) < 0.99995, "u(h/2) = {}, u(h) = {}", u(0.0005), u(0.001));
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(crate::util::root().join("specs/heavy_ball.json")).unwrap())
            .unwrap();
    let cs = claims(&spec);
    for id in ["ks.thm3", "ks.lemma8"] {
        let c = claim(&cs, id);
        assert_eq!(c.status, Status::NotApplicable, "{id}: {c:?}");
        assert!(
            reason(c)
                .contains("damped flow (11) u(t) leaves the spec's domain box: certainly outside between k = 0 and 1"),
            "{}",
            reason(c)
        );
    }
}
