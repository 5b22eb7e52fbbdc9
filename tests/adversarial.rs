//! Adversarial certificates: internally consistent, mathematically wrong. Each test edits the
//! stored data of a golden certificate — its evidence, a witness, a verdict with the inequality that
//! decides it — then recomputes every hash and the summary (and, where the edit is to a record, the
//! record's own derived fields), so that only the mathematics is wrong. `check` must reject each
//! one, naming the claim (or the evidence, or the inputs) and what fails. 0 accepted.
//!
//! Unlike `tests/mutation.rs` (which shows that certificates are bound to their inputs), these are
//! the evidence that the checker verifies what the certificate says instead of recomputing it.

use crate::util::{certify, root};
use serde_json::{json, Value};
use shadowcert::certificate::check::check_with;
use shadowcert::certificate::{canonical_bytes, claim_from_json, sha256_hex, summary};
use shadowcert::exact::{fmt_rat, parse_rat, Rat};

fn golden(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("proofs").join(format!("{name}.cert.json"))).unwrap())
        .unwrap()
}

/// Recomputes `inputs_sha256`, `request_sha256` and the summary from the (edited) records.
fn reseal(cert: &mut Value) {
    cert["inputs_sha256"] = json!(sha256_hex(&canonical_bytes(&cert["inputs"])));
    if cert.get("request").is_some() {
        cert["request_sha256"] = json!(sha256_hex(&canonical_bytes(&cert["request"])));
        let ranges = cert["claims"].as_array().unwrap().clone();
        cert["summary"] = shadowcert_checker::admissibility::summary(&ranges);
        return;
    }
    let claims: Vec<_> = cert["claims"].as_array().unwrap().iter().map(|c| claim_from_json(c).unwrap()).collect();
    let requested: Option<Vec<String>> =
        cert["inputs"]["claims"].as_array().map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect());
    cert["summary"] = summary(&claims, requested.as_deref());
}

/// The record of `id`.
fn record<'a>(cert: &'a mut Value, id: &str) -> &'a mut Value {
    cert["claims"].as_array_mut().unwrap().iter_mut().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no {id}"))
}

fn q(s: &str) -> Rat {
    parse_rat(s).unwrap()
}

fn rat(v: &Value) -> Rat {
    q(v.as_str().unwrap())
}

/// Reseals, checks, and requires a rejection whose message starts with `place` and contains every
/// one of `why`.
fn rejected(mut cert: Value, place: &str, why: &[&str]) {
    reseal(&mut cert);
    let err = check_with(&cert, Some(&root().join("proofs")), None).expect_err("a wrong certificate was accepted");
    let msg = err.to_string();
    assert!(msg.starts_with(place), "rejected as {msg:?}, should name {place}");
    for w in why {
        assert!(msg.contains(w), "rejected as {msg:?}, should say {w:?}");
    }
}

/// A refuted record relabelled verified, the failing inequality `i` replaced by one that holds
/// (its left side moved to the right side's value, for ≤, or below it, for <), reason removed.
fn relabel_verified(cert: &mut Value, id: &str, i: usize) {
    let r = record(cert, id);
    r["status"] = json!("verified");
    r.as_object_mut().unwrap().remove("reason");
    let ineq = &mut r["inequalities"][i];
    let rhs = rat(&ineq["rhs"]);
    let lhs = if ineq["rel"] == "<" { &rhs - q("1/1000000") } else { rhs };
    ineq["lhs"] = json!(fmt_rat(&lhs));
    ineq["holds"] = json!(true);
}

// ---- constants of quadratics: eigenvalue brackets are verified, not trusted -------------------

#[test]
fn a_bracket_that_misses_its_eigenvalue() {
    // strongly_convex: Q = diag(2, 1), λ₁ = 2. A bracket [3/2, 3/2] with the records rebuilt on it.
    let mut c = golden("strongly_convex");
    c["evidence"]["eigenvalues"]["1"] = json!("[3/2, 3/2]");
    for id in ["constants.L", "constants.B1"] {
        record(&mut c, id)["values"]["true"] = json!("[3/2, 3/2]");
    }
    rejected(c, "evidence/eigenvalues", &["λ_1(Q) is not in [3/2, 3/2]"]);
}

#[test]
fn a_derived_constant_on_a_bracket_below_the_spectrum() {
    // ks_fig_hb_kappa5 derives L = B₁ from the bracket of λ_max: halve it, and every record that uses it.
    let mut c = golden("ks_fig_hb_kappa5");
    let top = c["evidence"]["eigenvalues"].as_object().unwrap().keys().max().unwrap().clone();
    let b = shadowcert::exact::RatInterval::parse(c["evidence"]["eigenvalues"][&top].as_str().unwrap()).unwrap();
    let half = shadowcert::exact::RatInterval::new(&b.lo / q("2"), &b.hi / q("2"));
    c["evidence"]["eigenvalues"][&top] = json!(half.to_string_exact());
    rejected(c, "evidence/eigenvalues", &["is not in"]);
}

#[test]
fn a_missing_bracket_and_a_bracket_of_no_eigenvalue() {
    let mut c = golden("strongly_convex");
    c["evidence"]["eigenvalues"].as_object_mut().unwrap().remove("0");
    rejected(c, "evidence/eigenvalues", &["no bracket for λ_0"]);
    let mut c = golden("strongly_convex");
    c["evidence"]["eigenvalues"]["7"] = json!("[0, 100]");
    rejected(c, "evidence/eigenvalues", &["λ_7(Q) is not in"]);
}

#[test]
fn a_refuted_constant_relabelled_verified() {
    // wrong_constant: L = 3/2 < ‖Q‖₂ = 2; claim it holds, with its failing inequality "satisfied".
    let mut c = golden("wrong_constant");
    relabel_verified(&mut c, "constants.L", 0);
    rejected(c, "constants.L", &["inequality \"negative eigenvalues of L·I − Q = 0\""]);
}

#[test]
fn a_vertex_witness_that_is_not_the_maximum() {
    // sup ‖Qx‖ over [−2, 2]² for Q = diag(2, 1) is √20 at a vertex. Claim the maximum is at the
    // interior point (1, 1), ‖Q(1, 1)‖² = 5, and a declared ℓ = 9/4 that it would allow.
    let mut c = golden("strongly_convex");
    c["inputs"]["constants"]["ell"] = json!("9/4");
    let r = record(&mut c, "constants.ell");
    r["witnesses"] = json!({"vertex_0": "1", "vertex_1": "1"});
    r["values"]["declared"] = json!("9/4");
    r["values"]["true"] = json!("[2, 9/4]");
    r["inequalities"][0]["lhs"] = json!("5");
    r["inequalities"][0]["rhs"] = json!("81/16");
    rejected(c, "constants.ell", &["stored"]);
}

// ---- closed-form theorems: witnesses and verdicts are re-derived exactly ------------------------

#[test]
fn gamma_below_tau1_with_38_recomputed() {
    // heavy_ball: τ₁ = 102000/91. γ = τ₁/2 with (38)'s left side recomputed at it (and declared to hold).
    let mut c = golden("heavy_ball");
    let r = record(&mut c, "ks.lemma9");
    let tau1 = rat(&r["values"]["tau1"]);
    let gamma = &tau1 / q("2");
    let factor = rat(&r["inequalities"][0]["lhs"]);
    let constant = &tau1 * (Rat::from_integer(1.into()) - &factor);
    r["witnesses"]["gamma"] = json!(fmt_rat(&gamma));
    r["inequalities"][1]["lhs"] = json!(fmt_rat(&(&factor * &gamma + constant)));
    r["inequalities"][1]["rhs"] = json!(fmt_rat(&gamma));
    rejected(c, "ks.lemma9", &["inequality \"(38) at γ = τ₁"]);
}

#[test]
fn a_refuted_lemma_relabelled_verified() {
    // ks_inadmissible: Lemma 10 fails (4α₂α₀ ≥ α₁²); claim it holds.
    let mut c = golden("ks_inadmissible");
    relabel_verified(&mut c, "ks.lemma10", 3);
    rejected(c, "ks.lemma10", &["inequality \"Lemma 10: 4·alpha2·alpha0 < alpha1²\""]);
}

#[test]
fn a_delta_witness_outside_40() {
    // heavy_ball: δ doubled (beyond ζ₊ the parabola (40) is positive) with (40) still claimed.
    let mut c = golden("heavy_ball");
    let r = record(&mut c, "ks.lemma10");
    let delta = rat(&r["witnesses"]["delta"]);
    r["witnesses"]["delta"] = json!(fmt_rat(&(delta * q("1000"))));
    rejected(c, "ks.lemma10", &["delta"]);
}

#[test]
fn the_printed_tau1_and_the_printed_rate_and_c() {
    // The seeds' typos passed off as the statement (proofs/ERRATA.md): τ₁ with + in its denominator,
    // Thm 5's printed rate, Thm 6's printed c.
    let mut c = golden("heavy_ball");
    let r = record(&mut c, "ks.lemma9");
    let printed = r["values"]["tau1_printed"].clone();
    r["values"]["tau1"] = printed.clone();
    r["witnesses"]["gamma"] = printed;
    rejected(c, "ks.lemma9", &["tau1"]);
    let mut c = golden("heavy_ball");
    let r = record(&mut c, "ks.thm5");
    r["values"]["rate"] = r["values"]["rate_printed"].clone();
    rejected(c, "ks.thm5", &["rate"]);
    let mut c = golden("heavy_ball");
    let r = record(&mut c, "ks.thm6");
    r["values"]["c"] = r["values"]["c_printed"].clone();
    rejected(c, "ks.thm6", &["/values/c"]);
}

#[test]
fn a_smaller_epsilon_for_thm2() {
    // strongly_convex: ε = hℓL/(2μ) = 9/200; claim 1/100, with the requested-ε inequality recomputed.
    let mut c = golden("strongly_convex");
    let r = record(&mut c, "ol.thm2");
    r["values"]["epsilon"] = json!("1/100");
    r["inequalities"][1]["lhs"] = json!("1/100");
    rejected(c, "ol.thm2", &["epsilon"]);
}

// ---- inputs outside the theorems' hypotheses: rejected, never a panic --------------------------

#[test]
fn inputs_outside_the_hypotheses() {
    for (name, edit, pointer) in [
        ("heavy_ball", json!({"algorithm": {"lambda": "3/2"}}), "/algorithm/lambda"),
        ("strongly_convex", json!({"objective": {"Q": [["2", "1"], ["0", "1"]]}}), "/objective/Q"),
        ("strongly_convex", json!({"x0": ["3", "1"]}), "/x0/0"),
        ("strongly_convex", json!({"constants": {"L": "-2"}}), "/constants/L"),
        ("heavy_ball", json!({"algorithm": {"h": "0"}}), "/algorithm/h"),
    ] {
        let mut c = golden(name);
        merge(&mut c["inputs"], &edit);
        rejected(c, "inputs", &[pointer]);
    }
}

fn merge(into: &mut Value, edit: &Value) {
    match (into, edit) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

// ---- tubes: every checkpoint, norm and start is verified ---------------------------------------

fn tube<'a>(c: &'a mut Value, name: &str) -> &'a mut Value {
    &mut c["evidence"]["tubes"][name]
}

#[test]
fn a_checkpoint_radius_shrunk_below_the_steps() {
    // The radius of a checkpoint halved: the next step's enclosure falls outside it.
    let mut c = golden("strongly_convex");
    let cp = &mut tube(&mut c, "orbit")["checkpoints"][5];
    let r = rat(&cp["radius"]) / q("2");
    cp["radius"] = json!(fmt_rat(&r));
    rejected(c, "shadow.orbit", &["evidence/tubes/orbit", "does not contain the step's enclosure"]);
}

#[test]
fn a_checkpoint_centre_moved() {
    let mut c = golden("strongly_convex");
    let cp = &mut tube(&mut c, "flow")["checkpoints"][3];
    let x = rat(&cp["centre"][0]) + q("1/1048576");
    cp["centre"][0] = json!(fmt_rat(&x));
    rejected(c, "shadow.orbit", &["evidence/tubes/flow", "does not contain the step's enclosure"]);
}

#[test]
fn a_checkpoint_that_is_not_a_float() {
    let mut c = golden("strongly_convex");
    tube(&mut c, "orbit")["checkpoints"][2]["centre"][0] = json!("1/3");
    rejected(c, "evidence/tubes/orbit", &["is not an f64"]);
}

#[test]
fn a_contraction_factor_below_the_map_norm() {
    // GD on diag(2, 1) at h = 1/100: ‖I − hQ‖₂ = 99/100; claim θ = 9/10.
    let mut c = golden("strongly_convex");
    tube(&mut c, "orbit")["norm"]["theta"] = json!("9/10");
    rejected(c, "shadow.orbit", &["θ²P − AᵀPA ⪰ 0 does not verify at θ = 9/10"]);
}

#[test]
fn a_norm_equivalence_constant_too_small() {
    let mut c = golden("heavy_ball");
    tube(&mut c, "orbit")["norm"]["kappa"] = json!("1/2");
    rejected(c, "ks.thm2", &["P − κ⁻²I ⪰ 0 does not verify"]);
}

#[test]
fn the_euclidean_norm_for_a_momentum_map() {
    // The heavy-ball map is not a contraction in ‖·‖₂ (only in its Lyapunov norm).
    let mut c = golden("heavy_ball");
    tube(&mut c, "orbit")["norm"]["P"] = json!("identity");
    rejected(c, "ks.thm2", &["θ²P − AᵀPA ⪰ 0 does not verify"]);
}

#[test]
fn a_lyapunov_matrix_that_is_not_one() {
    // P scaled in one block only: no longer a Lyapunov matrix of the map.
    let mut c = golden("heavy_ball");
    let p = &mut tube(&mut c, "orbit")["norm"]["P"];
    let x = rat(&p[0][0]) * q("3");
    p[0][0] = json!(fmt_rat(&x));
    rejected(c, "ks.thm2", &["does not verify"]);
}

#[test]
fn the_last_checkpoint_dropped_or_a_tube_removed() {
    let mut c = golden("strongly_convex");
    tube(&mut c, "orbit")["checkpoints"].as_array_mut().unwrap().pop();
    rejected(c, "shadow.orbit", &["no checkpoint at k = 2000"]);
    let mut c = golden("heavy_ball");
    c["evidence"]["tubes"].as_object_mut().unwrap().remove("flow_h2");
    rejected(c, "ks.thm2", &["evidence/tubes/flow_h2: missing"]);
}

#[test]
fn the_orbit_and_the_flow_swapped() {
    let mut c = golden("strongly_convex");
    let (o, f) = (tube(&mut c, "orbit").clone(), tube(&mut c, "flow").clone());
    *tube(&mut c, "orbit") = f;
    *tube(&mut c, "flow") = o;
    rejected(c, "shadow.orbit", &["does not contain the step's enclosure"]);
}

#[test]
fn a_shadowing_start_that_is_not_the_tubes() {
    // x̃₀ moved: the witness tube's first checkpoint no longer holds the exact start.
    let mut c = golden("saddle_escape");
    let x = rat(&c["evidence"]["shadow_witness"][0]) + q("1/1000");
    c["evidence"]["shadow_witness"][0] = json!(fmt_rat(&x));
    rejected(c, "shadow.finite", &["evidence/tubes/witness", "does not contain"]);
}

#[test]
fn a_refuted_distance_relabelled_verified() {
    // ks_fig5_hb_kappa20: the orbit is 0.85 from the flow, ε = 1/10. Claim distance ≤ 1/20.
    let mut c = golden("ks_fig5_hb_kappa20");
    let r = record(&mut c, "shadow.orbit");
    r["values"]["distance"] = json!("[1/40, 1/20]");
    r["status"] = json!("verified");
    r.as_object_mut().unwrap().remove("reason");
    r["inequalities"][1] = json!({"holds": true, "lhs": "1/20", "name": "max_k ‖x_k − y(kh)‖₂ <= ε: distance upper end <= epsilon", "rel": "<=", "rhs": "1/10"});
    r["inequalities"].as_array_mut().unwrap().truncate(2);
    rejected(c, "shadow.orbit", &["distance"]);
}

#[test]
fn a_claim_about_a_flow_that_leaves_the_box_relabelled_verified() {
    // heavy_ball: the damped flow (11) leaves [−1, 1]² between k = 0 and 1 (rule 4). Claim that it
    // stays inside with margin [0, 1], ks.thm3 verified.
    let mut c = golden("heavy_ball");
    let r = record(&mut c, "ks.thm3");
    r["status"] = json!("verified");
    r.as_object_mut().unwrap().remove("reason");
    r["values"]["domain_margin"] = json!("[0, 1]");
    r["inequalities"][2] = json!({"holds": true, "lhs": "0", "name": "rule 4: the enclosed orbit and damped flow (11) (flow between samples too) stay in the domain box: 0 <= domain_margin lower end", "rel": "<=", "rhs": "0"});
    r["inequalities"].as_array_mut().unwrap().truncate(3);
    rejected(c.clone(), "ks.thm3", &["domain_margin"]);
    // Or with the rule-4 records removed altogether.
    let r = record(&mut c, "ks.thm3");
    r["values"].as_object_mut().unwrap().remove("domain_margin");
    r["inequalities"].as_array_mut().unwrap().truncate(2);
    rejected(c, "ks.thm3", &[]);
}

#[test]
fn a_groenwall_bound_below_the_measured_distance() {
    let mut c = golden("strongly_convex");
    let r = record(&mut c, "ec.thm1");
    let b = rat(&r["values"]["bound"]) / q("10");
    r["values"]["bound"] = json!(fmt_rat(&b));
    r["inequalities"][0]["rhs"] = json!(fmt_rat(&b));
    r["inequalities"][1]["lhs"] = json!(fmt_rat(&b));
    rejected(c, "ec.thm1", &["bound"]);
}

#[test]
fn an_inconclusive_rate_relabelled_first_order() {
    // ks_fig_hb_kappa20: Δ(8) ≈ 0.64 < 3/4. Claim Δ ∈ [0.8, 0.81] and a verified Thm 2.
    let mut c = golden("ks_fig_hb_kappa20");
    let r = record(&mut c, "ks.thm2");
    r["values"]["rate_8"] = json!("[4/5, 81/100]");
    r["status"] = json!("verified");
    r.as_object_mut().unwrap().remove("reason");
    r["inequalities"][1]["rhs"] = json!("4/5");
    r["inequalities"][1]["holds"] = json!(true);
    rejected(c, "ks.thm2", &["rate_8"]);
}

// ---- admissibility: each range is re-decided at its stored ends --------------------------------

fn admissibility() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("adm.json");
    certify(&["admissible", "specs/heavy_ball.json", "--json", "-o", &out.to_string_lossy()]);
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

fn range<'a>(c: &'a mut Value, id: &str) -> &'a mut Value {
    c["claims"].as_array_mut().unwrap().iter_mut().find(|r| r["id"] == id).unwrap()
}

/// The admissibility certificate with the first component of `id`'s range (and its h_lo) ending at
/// `h`, rejected because the claim is refuted there.
fn first_component_ends_at(id: &str, h: &str) {
    let mut c = admissibility();
    let r = range(&mut c, id);
    r["components"][0]["h_to"] = json!(h);
    r["h_lo"] = json!(h);
    rejected(c, id, &[&format!("component 0: the claim is refuted at h_to = {h}")]);
}

#[test]
fn an_admissible_range_beyond_its_supremum() {
    // ks.thm3's exact supremum is 1/190: a component ending at 1/95, its record moved there.
    first_component_ends_at("ks.thm3", "1/95");
}

// ---- the classical step-size conditions (step.stable, step.descent) ------------------------------

#[test]
fn a_stability_range_beyond_its_supremum() {
    // Heavy ball λ = 9/10, L = 1: stable iff h < 2(1 + λ)/L = 19/5; a component ending at 4.
    first_component_ends_at("step.stable", "4");
}

#[test]
fn a_stability_rate_below_the_spectral_radius() {
    // strongly_convex: GD's rate max(|1 − hμ|, |1 − hL|) = 99/100; claim 1/2.
    let mut c = golden("strongly_convex");
    record(&mut c, "step.stable")["values"]["rate"] = json!("1/2");
    rejected(c, "step.stable", &["rate"]);
    // heavy_ball: a two-step rate with its scaled Jury inequalities rewritten to hold at 9/10
    // (below √(9/10) ≈ 0.9487 ≤ the true radius ≈ 0.99796).
    let mut c = golden("heavy_ball");
    let r = record(&mut c, "step.stable");
    r["values"]["rate"] = json!("9/10");
    for ineq in r["inequalities"].as_array_mut().unwrap().iter_mut().skip(1) {
        ineq["rhs"] = json!("100");
        ineq["holds"] = json!(true);
    }
    rejected(c, "step.stable", &[]);
}

#[test]
fn a_descent_claim_relabelled_verified_beyond_2_over_l() {
    // strongly_convex with h = 1 = 2/L: step.descent refuted (hL < 2 fails), relabelled verified.
    let mut c = golden("strongly_convex");
    merge(&mut c["inputs"], &json!({"algorithm": {"h": "1"}, "claims": ["step.descent"]}));
    let r = record(&mut c, "step.descent");
    r["inequalities"][0]["lhs"] = json!("2");
    r["inequalities"][0]["rel"] = json!("<");
    c["claims"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["id"] == "step.descent" || r["id"].as_str().unwrap().starts_with("constants."));
    c["evidence"].as_object_mut().unwrap().remove("tubes");
    rejected(c, "step.descent", &[]);
}

#[test]
fn a_smaller_measured_local_error_of_the_heavy_ball() {
    // ol.prop2 on a quadratic records the enclosed local error of the heavy-ball ODE's samples,
    // which the checker recomputes from the verified flow tube: a smaller one is rejected.
    let dir = tempfile::tempdir().unwrap();
    let spec = json!({
        "name": "hb_ol", "objective": {"type": "quadratic", "Q": [["1/10"]], "b": ["3/10"]},
        "domain": [["-2", "2"]], "constants": {"L": "1/10", "ell": "1/2"},
        "algorithm": {"method": "heavy_ball_ol", "h": "1/10", "alpha": "3"}, "x0": ["0"],
        "horizon": {"steps": 100}, "claims": ["ol.prop2"]
    });
    std::fs::write(dir.path().join("s.json"), spec.to_string()).unwrap();
    let out = dir.path().join("c.json");
    certify(&[&dir.path().join("s.json").to_string_lossy(), "-o", &out.to_string_lossy()]).expect_code(0);
    let mut c: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let r = record(&mut c, "ol.prop2");
    assert!(r["values"]["local_error_max"].is_string(), "{r}");
    r["values"]["local_error_max"] = json!("[0, 1/1000000000000]");
    rejected(c, "ol.prop2", &[]);
}

#[test]
fn a_refutation_inside_the_admissible_range() {
    let mut c = admissibility();
    let r = range(&mut c, "ks.lemma9");
    r["refutation"]["h"] = json!("1/200");
    r["h_hi"] = json!("1/200");
    rejected(c, "ks.lemma9", &["refutation at 1/200"]);
}

#[test]
fn a_wrong_closed_form_supremum() {
    let mut c = admissibility();
    range(&mut c, "ks.thm3")["supremum"]["value"] = json!("1/100");
    rejected(c, "ks.thm3", &["supremum"]);
}

#[test]
fn an_admissibility_certificate_on_a_wrong_bracket() {
    let mut c = admissibility();
    c["evidence"]["eigenvalues"]["1"] = json!("[1/2, 1/2]");
    rejected(c, "evidence/eigenvalues", &["is not in"]);
}

// ---- the envelope ------------------------------------------------------------------------------

#[test]
fn format_1_is_an_input_error() {
    let mut c = golden("strongly_convex");
    c["format"] = json!("shadowcert/1");
    reseal(&mut c);
    let err = check_with(&c, None, None).unwrap_err();
    assert_eq!(err.exit_code(), 2, "{err}");
    assert!(err.to_string().contains("re-certify its spec"), "{err}");
}

#[test]
fn provenance_must_be_well_formed() {
    let mut c = golden("strongly_convex");
    c["provenance"]["tool"]["version"] = json!("");
    rejected(c, "provenance", &["version"]);
    let mut c = golden("strongly_convex");
    c["provenance"]["spec"]["sha256"] = json!("0".repeat(64));
    rejected(c, "provenance", &["SHA-256"]);
}

#[test]
fn unknown_fields_and_foreign_evidence() {
    let mut c = golden("strongly_convex");
    c["extra"] = json!(1);
    rejected(c, "extra", &["unknown top-level field"]);
    let mut c = golden("digits_logistic_gd");
    c["evidence"]["eigenvalues"] = json!({"0": "[0, 1]"});
    rejected(c, "evidence/eigenvalues", &["not evidence for this objective"]);
}

#[test]
fn the_inputs_hash_binds_the_inputs() {
    let mut c = golden("strongly_convex");
    c["inputs"]["epsilon"] = json!("1");
    // Not resealed: the stored hash is the old inputs'.
    let err = check_with(&c, None, None).unwrap_err();
    assert!(err.to_string().starts_with("inputs_sha256"), "{err}");
}

// ---- constants of expressions: coverings are verified box by box ------------------------------

/// The covering of `key` in an expression certificate.
fn covering<'a>(c: &'a mut Value, key: &str) -> &'a mut Value {
    &mut c["evidence"]["coverings"][key]
}

/// The leaves of a stored covering over the certificate's domain, in pre-order, with their bounds.
fn leaf_boxes(c: &Value, key: &str) -> Vec<(Vec<(Rat, Rat)>, Rat)> {
    let cov = &c["evidence"]["coverings"][key];
    let tree: Vec<i64> = cov["tree"].as_array().unwrap().iter().map(|t| t.as_i64().unwrap()).collect();
    let domain: Vec<(Rat, Rat)> =
        c["inputs"]["domain"].as_array().unwrap().iter().map(|s| (rat(&s[0]), rat(&s[1]))).collect();
    let mut out = Vec::new();
    shadowcert_checker::theorems::general::leaves(&tree, &domain, |b, i| {
        out.push((b.to_vec(), rat(&cov["bounds"][i])));
        Ok(())
    })
    .unwrap();
    out
}

/// Sets the bound of the first leaf that `pick` accepts and whose bound is below the covering's
/// largest (so that no record changes: the certificate stays consistent) to `to`.
fn lower_a_leaf(c: &mut Value, key: &str, to: &str, pick: impl Fn(&[(Rat, Rat)]) -> bool) {
    let leaves = leaf_boxes(c, key);
    let max = leaves.iter().map(|(_, b)| b.clone()).max().unwrap();
    let i = leaves.iter().position(|(b, v)| v < &max && pick(b)).expect("a leaf below the maximum");
    covering(c, key)["bounds"][i] = json!(to);
}

#[test]
fn a_box_bound_below_the_truth_in_each_covering() {
    // expression_2d: f = x²/2 + cos y + 2y², ∇f = (x, 4y − sin y) vanishes only at the origin and
    // ∇²f = diag(1, 4 − cos y), so on every box ‖∇²f‖₂ ≥ 3 and λ_min = 1.
    let away_from_origin = |b: &[(Rat, Rat)]| b.iter().any(|(l, h)| l > &q("0") || h < &q("0"));
    let mut c = golden("expression_2d");
    lower_a_leaf(&mut c, "grad_norm", "0", away_from_origin);
    rejected(c, "evidence/coverings/grad_norm", &["does not hold"]);
    // The spectral coverings are one box each (the root settles L = 4 and μ = 1): lowering its bound
    // moves the records' enclosures, which are made to agree.
    let mut c = golden("expression_2d");
    covering(&mut c, "hess_norm")["bounds"][0] = json!("5/2");
    for id in ["constants.L", "constants.B1"] {
        let r = record(&mut c, id);
        r["inequalities"][0]["lhs"] = json!("5/2");
        r["values"]["true"] = json!("[5/2, 5/2]");
    }
    rejected(c, "evidence/coverings/hess_norm", &["does not hold"]);
    let mut c = golden("expression_2d");
    covering(&mut c, "neg_lambda_min")["bounds"][0] = json!("-3/2");
    let r = record(&mut c, "constants.mu");
    r["inequalities"][0]["rhs"] = json!("3/2");
    r["values"]["true"] = json!("[3/2, 3/2]");
    rejected(c, "evidence/coverings/neg_lambda_min", &["does not hold"]);
}

#[test]
fn a_witness_vector_of_the_wrong_length() {
    // An extra huge component would shrink the Rayleigh quotient's value (numerator over d entries,
    // denominator over all): the vector must have one entry per variable.
    let mut c = golden("expression_2d");
    covering(&mut c, "neg_lambda_min")["vector"].as_array_mut().unwrap().push(json!("1000000"));
    rejected(c, "evidence/coverings/neg_lambda_min", &["needs 2 entries"]);
    let mut c = golden("expression_2d");
    covering(&mut c, "hess_norm")["vector"].as_array_mut().unwrap().pop();
    rejected(c, "evidence/coverings/hess_norm", &["needs 2 entries"]);
}

#[test]
fn a_box_removed_from_a_covering() {
    // The last leaf and its bound dropped: the boxes no longer cover the domain.
    let mut c = golden("expression_2d");
    let cov = covering(&mut c, "hess_norm");
    cov["tree"].as_array_mut().unwrap().pop();
    cov["bounds"].as_array_mut().unwrap().pop();
    rejected(c, "evidence/coverings/hess_norm", &["the tree ends before every box is a leaf"]);
}

#[test]
fn a_spectral_gap_that_is_not_there() {
    // saddle_expression: ∇²f has the eigenvalues 2 and −cos v, v = (3y − 4x)/5, at every point.
    // A box whose bound says λ₊ ≥ 5/2 (no eigenvalue in [0, 5/2)) is wrong everywhere.
    let mut c = golden("saddle_expression");
    lower_a_leaf(&mut c, "gap_upper", "-5/2", |_| true);
    rejected(c, "evidence/coverings/gap_upper", &["does not hold"]);
    // A witness level −1/2 says ∇²f(x*) has an eigenvalue in [−1/2, 0): −cos v ≤ −cos(7/10) < −3/4
    // on the box. The γ record is made to agree (its witness end then falls to the proved end).
    let mut c = golden("saddle_expression");
    covering(&mut c, "gap_lower")["level"] = json!("-1/2");
    let r = record(&mut c, "constants.gamma");
    let proved = rat(&r["inequalities"][0]["rhs"]);
    r["values"]["true"] = json!(format!("[{0}, {0}]", fmt_rat(&proved)));
    rejected(c, "evidence/coverings/gap_lower", &["witness level is not shown"]);
}

// ---- constants of datasets: coverings on the data, and the Gram bound, are verified -------------

#[test]
fn a_dataset_certificate_for_other_data() {
    // The features scaled by 1/8 instead of 1/16, the hash resealed: the stored bounds were those of
    // X̃/2. At w = 0 every ℓ″ = 1/4, so ‖∇²f(0)‖₂ = l2 + λ_max(X̃ᵀX̃)/(4n) quadruples its data part
    // (≈ 3.03 → ≈ 12.1), and the stored L ≈ 3.04 is false for these inputs.
    let mut c = golden("digits_logistic_gd");
    c["inputs"]["objective"]["scale"] = json!("1/8");
    rejected(c, "evidence/coverings/", &["does not hold"]);
}

#[test]
fn a_dataset_box_bound_below_the_truth() {
    // digits_logistic_gd: the first leaf of the ‖∇f‖ covering is [−2, 0]² × [−2, 2]⁶³ (splits of
    // coordinates 0 and 1), which holds w = (−2, …, −2). There ‖∇f(w)‖ = 1.930… (plain f64 from the
    // CSV, below: ∇f = (1/n) Σ (σ(zᵢ) − 1) yᵢx̃ᵢ + l2·w, zᵢ = yᵢ⟨x̃ᵢ, w⟩), far above a bound of 1.
    let text = std::fs::read_to_string(root().join("specs/data/digits_3v5.csv")).unwrap();
    let mut lines = text.lines();
    let label = lines.next().unwrap().split(',').position(|c| c == "label").unwrap();
    let mut g = vec![0.0f64; 65];
    let mut n = 0.0;
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let cells: Vec<f64> = line.split(',').map(|c| c.parse().unwrap()).collect();
        let y = cells[label];
        let mut x: Vec<f64> = cells.iter().enumerate().filter(|(j, _)| *j != label).map(|(_, v)| v / 16.0).collect();
        x.push(1.0);
        let z = y * x.iter().map(|a| -2.0 * a).sum::<f64>();
        let d1 = 1.0 / (1.0 + (-z).exp()) - 1.0;
        for (gj, xj) in g.iter_mut().zip(&x) {
            *gj += d1 * y * xj;
        }
        n += 1.0;
    }
    let norm = g.iter().map(|gj| (gj / n - 0.02).powi(2)).sum::<f64>().sqrt();
    assert!(norm > 1.9, "{norm}");
    let mut c = golden("digits_logistic_gd");
    let leaves = leaf_boxes(&c, "grad_norm");
    assert!(leaves[0].0[..2].iter().all(|(l, h)| l == &q("-2") && h == &q("0")));
    assert!(leaves.iter().any(|(_, b)| b > &leaves[0].1), "the leaf is not the covering's maximum");
    covering(&mut c, "grad_norm")["bounds"][0] = json!("1");
    rejected(c, "evidence/coverings/grad_norm", &["bound 1 of leaf 0 does not hold"]);
}

#[test]
fn a_gram_vector_that_proves_nothing() {
    // v must be positive for the Collatz–Wielandt bound.
    let mut c = golden("digits_sigmoid_gd");
    c["evidence"]["gram_vector"][3] = json!("0");
    rejected(c, "evidence/gram_vector", &["positive entries"]);
    let mut c = golden("digits_sigmoid_gd");
    c["evidence"]["gram_vector"].as_array_mut().unwrap().pop();
    rejected(c, "evidence/gram_vector", &["positive entries"]);
    // Entries are exact f64s, as the engine writes them (no unbounded big-integer work).
    let mut c = golden("digits_sigmoid_gd");
    c["evidence"]["gram_vector"][0] = json!("1/3");
    rejected(c, "evidence/gram_vector/0", &["not an f64"]);
    // v = (1, …, 1) is positive but gives the largest row sum of |X̃ᵀX̃| as S, well above
    // λ_max(X̃ᵀX̃): the stored bounds, computed with the Perron vector's S, are then not shown.
    let mut c = golden("digits_logistic_gd");
    let ones = vec![json!("1"); 65];
    c["evidence"]["gram_vector"] = json!(ones);
    rejected(c, "evidence/coverings/", &["does not hold"]);
}

// ---- tubes of non-quadratic objectives: checkpoints and substeps are verified ------------------

#[test]
fn a_nonlinear_flow_checkpoint_shrunk_or_moved() {
    // expression_2d: the gradient flow's checkpoint radii are ~1e-16; halve one, or move a centre
    // by 2⁻⁴⁰ (far beyond the radius).
    let mut c = golden("expression_2d");
    let cp = &mut tube(&mut c, "flow")["checkpoints"][7];
    let r = rat(&cp["radius"]) / q("2");
    cp["radius"] = json!(fmt_rat(&r));
    rejected(c, "ol.prop1", &["evidence/tubes/flow", "k = 14", "does not contain the step's enclosure"]);
    let mut c = golden("saddle_expression");
    let cp = &mut tube(&mut c, "orbit")["checkpoints"][10];
    let x = rat(&cp["centre"][1]) + q("1/1099511627776");
    cp["centre"][1] = json!(fmt_rat(&x));
    rejected(c, "ol.prop1", &["evidence/tubes/orbit", "does not contain the step's enclosure"]);
}

#[test]
fn a_nonlinear_flow_without_its_substeps_or_with_a_norm() {
    let mut c = golden("expression_2d");
    tube(&mut c, "flow")["substeps"].as_array_mut().unwrap().pop();
    rejected(c, "ol.prop1", &["evidence/tubes/flow", "substeps: expected 100 counts"]);
    let mut c = golden("expression_2d");
    tube(&mut c, "flow").as_object_mut().unwrap().remove("substeps");
    rejected(c, "ol.prop1", &["evidence/tubes/flow", "the substeps of each sample"]);
    let mut c = golden("expression_2d");
    tube(&mut c, "orbit")["norm"] = json!({"P": "identity", "theta": "1", "kappa": "1"});
    rejected(c, "ol.prop1", &["evidence/tubes/orbit", "no norm"]);
}

#[test]
fn a_nonlinear_tube_removed_swapped_or_foreign() {
    let mut c = golden("saddle_expression");
    c["evidence"]["tubes"].as_object_mut().unwrap().remove("flow");
    rejected(c, "ol.prop1", &["evidence/tubes/flow: missing"]);
    let mut c = golden("expression_2d");
    let (o, mut f) = (tube(&mut c, "orbit").clone(), tube(&mut c, "flow").clone());
    f.as_object_mut().unwrap().remove("substeps");
    *tube(&mut c, "orbit") = f;
    *tube(&mut c, "flow") = o;
    rejected(c, "ol.prop1", &["evidence/tubes/orbit", "does not contain the step's enclosure"]);
    let mut c = golden("expression_2d");
    let o = tube(&mut c, "orbit").clone();
    c["evidence"]["tubes"]["flow_11"] = o;
    rejected(c, "evidence/tubes/flow_11", &["not evidence for this objective"]);
}

#[test]
fn a_nonlinear_refuted_distance_relabelled_or_a_smaller_local_error() {
    // expression_2d: shadow.orbit's distance is ≈ 0.0329 against ε ≈ 0.0487. Claim it is below
    // 1/100, and a verified ε of 1/50 (with the inequality rebuilt).
    let mut c = golden("expression_2d");
    let r = record(&mut c, "shadow.orbit");
    r["values"]["distance"] = json!("[1/200, 1/100]");
    rejected(c, "shadow.orbit", &["distance"]);
    // ol.prop1's measured local error lowered below the truth.
    let mut c = golden("expression_2d");
    let r = record(&mut c, "ol.prop1");
    let e = shadowcert::exact::RatInterval::parse(r["values"]["local_error_max"].as_str().unwrap()).unwrap();
    let low = shadowcert::exact::RatInterval::new(&e.lo / q("2"), &e.hi / q("2"));
    r["values"]["local_error_max"] = json!(low.to_string_exact());
    rejected(c, "ol.prop1", &["local_error_max"]);
}

#[test]
fn a_dataset_flow_checkpoint_shrunk() {
    // digits_logistic_gd (d = 65): the gradient flow through the data, halved at one checkpoint.
    let mut c = golden("digits_logistic_gd");
    let cp = &mut tube(&mut c, "flow")["checkpoints"][4];
    let r = rat(&cp["radius"]) / q("2");
    cp["radius"] = json!(fmt_rat(&r));
    rejected(c, "ol.prop1", &["evidence/tubes/flow", "does not contain the step's enclosure"]);
}

#[test]
fn a_nonlinear_groenwall_bound_below_the_measured_distance() {
    // expression_2d: B_K ≈ 0.049 ≥ the measured ≈ 0.033. Claim B_K ten times smaller.
    let mut c = golden("expression_2d");
    let r = record(&mut c, "ec.thm1");
    let b = rat(&r["values"]["bound"]) / q("10");
    r["values"]["bound"] = json!(fmt_rat(&b));
    r["inequalities"][0]["rhs"] = json!(fmt_rat(&b));
    rejected(c, "ec.thm1", &["bound"]);
}

#[test]
fn a_reference_hessian_bracket_that_misses_or_a_moved_witness() {
    // saddle_expression: H₀ ≈ diag(−1, 1)-like at the saddle; a bracket of its largest eigenvalue
    // shifted away from it is caught by the inertia counts.
    let mut c = golden("saddle_expression");
    let ev = c["evidence"]["reference_eigenvalues"].as_object_mut().unwrap();
    let (k, b) = ev.iter().next_back().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).unwrap();
    let b = shadowcert::exact::RatInterval::parse(&b).unwrap();
    let moved = shadowcert::exact::RatInterval::new(&b.lo + q("1/2"), &b.hi + q("1/2"));
    ev.insert(k, json!(moved.to_string_exact()));
    rejected(c, "shadow.finite", &["evidence/reference_eigenvalues", "is not in"]);
    // x̃₀ moved: the witness tube's checkpoint at k = 0 no longer holds the exact start.
    let mut c = golden("saddle_expression");
    let x = rat(&c["evidence"]["shadow_witness"][0]) + q("1/1000");
    c["evidence"]["shadow_witness"][0] = json!(fmt_rat(&x));
    rejected(c, "shadow.finite", &["evidence/tubes/witness", "does not contain"]);
    // The brackets removed.
    let mut c = golden("saddle_expression");
    c["evidence"].as_object_mut().unwrap().remove("reference_eigenvalues");
    rejected(c, "shadow.finite", &["evidence/reference_eigenvalues: missing"]);
}

#[test]
fn shadowing_evidence_on_a_momentum_certificate() {
    // ks_quartic_hb (heavy ball on an expression): nothing reads H₀'s brackets there.
    let mut c = golden("ks_quartic_hb");
    c["evidence"]["reference_eigenvalues"] = json!({"0": "[1, 2]"});
    rejected(c, "evidence/reference_eigenvalues", &["not evidence for this objective"]);
}

#[test]
fn a_momentum_orbit_checkpoint_shrunk_or_in_another_norm() {
    // digits_sigmoid_hb (the Orvieto–Lucchi heavy ball, d = 65): the two-step orbit's state
    // (uₖ, uₖ₋₁) in its block norm, a checkpoint's radius halved.
    let mut c = golden("digits_sigmoid_hb");
    let cp = &mut tube(&mut c, "orbit")["checkpoints"][10];
    let r = rat(&cp["radius"]) / q("2");
    cp["radius"] = json!(fmt_rat(&r));
    rejected(c, "ol.prop2", &["evidence/tubes/orbit", "does not contain the step's enclosure"]);
    // The same checkpoint with L scaled by 1/2 (its radius, in that norm, then holds half the ball).
    let mut c = golden("digits_sigmoid_hb");
    let cp = &mut tube(&mut c, "orbit")["checkpoints"][10];
    for x in cp["norm"]["L"].as_array_mut().unwrap() {
        *x = json!(fmt_rat(&(rat(x) / q("2"))));
    }
    rejected(c, "ol.prop2", &["evidence/tubes/orbit", "does not contain the step's enclosure"]);
    // A checkpoint naming an energy norm no step adopted.
    let mut c = golden("digits_sigmoid_hb");
    tube(&mut c, "orbit")["checkpoints"][10]["norm"] = json!({"energy": 3});
    rejected(c, "ol.prop2", &["evidence/tubes/orbit"]);
}

#[test]
fn a_second_order_flow_checkpoint_shrunk_or_substeps_cut() {
    // digits_sigmoid_hb: the heavy-ball ODE q̈ + αq̇ = −∇f(q) through the data, in its block norm.
    let mut c = golden("digits_sigmoid_hb");
    let cp = &mut tube(&mut c, "flow")["checkpoints"][20];
    let r = rat(&cp["radius"]) / q("2");
    cp["radius"] = json!(fmt_rat(&r));
    rejected(c, "ol.prop2", &["evidence/tubes/flow", "does not contain the step's enclosure"]);
    let mut c = golden("digits_sigmoid_hb");
    tube(&mut c, "flow")["substeps"].as_array_mut().unwrap().pop();
    rejected(c, "ol.prop2", &["evidence/tubes/flow", "substeps"]);
    // ks_quartic_hb (scheme (7) on an expression): the rescaled flow (8) halved at a checkpoint.
    let mut c = golden("ks_quartic_hb");
    let cp = &mut tube(&mut c, "flow")["checkpoints"][5];
    let r = rat(&cp["radius"]) / q("2");
    cp["radius"] = json!(fmt_rat(&r));
    rejected(c, "shadow.orbit", &["evidence/tubes/flow", "does not contain the step's enclosure"]);
    // A damped-flow tube nothing reads, and energy steps on a flow.
    let mut c = golden("ks_quartic_hb");
    c["evidence"]["tubes"]["witness"] = tube(&mut c, "orbit").clone();
    rejected(c, "evidence/tubes/witness", &["not evidence for this objective"]);
    let mut c = golden("ks_quartic_hb");
    tube(&mut c, "flow")["energy"] = json!([{"k": 3, "theta": "1/2"}]);
    rejected(c, "shadow.orbit", &["evidence/tubes/flow", "energy"]);
}

#[test]
fn an_energy_step_of_a_momentum_orbit_tampered() {
    // Nesterov on Rosenbrock's valley (curvatures about 0.4 and 10³): no 2×2 block norm contracts,
    // so the orbit's tube adopts energy norms, and the certificate stores their steps.
    let dir = tempfile::tempdir().unwrap();
    let spec = json!({
        "name": "rosenbrock_nag",
        "objective": {"type": "expression", "vars": ["x", "y"], "f": "(1 - x)^2 + 100*(y - x^2)^2"},
        "domain": [["0", "2"], ["0", "2"]],
        "algorithm": {"method": "nesterov", "lambda": "9/10", "h": "1/1000"}, "x0": ["6/5", "6/5"],
        "horizon": {"steps": 200}, "epsilon": "1", "claims": ["shadow.orbit"]
    });
    std::fs::write(dir.path().join("s.json"), spec.to_string()).unwrap();
    let out = dir.path().join("c.json");
    certify(&[&dir.path().join("s.json").to_string_lossy(), "-o", &out.to_string_lossy()]).expect_code(0);
    let golden: Value = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let energy = golden["evidence"]["tubes"]["orbit"]["energy"].as_array().expect("energy steps").clone();
    let adopted = energy.iter().position(|e| e.get("P").is_some()).expect("an adopted energy norm");
    let kept = energy.iter().position(|e| e.get("P").is_none()).expect("a kept energy norm");
    let scaled = |v: &Value, f: &str| json!(fmt_rat(&(rat(v) * q(f))));
    type Edit = Box<dyn Fn(&mut Value)>;
    let edits: Vec<Edit> = vec![
        // A kept step's θ halved; an adopted one's made negative (its square still verifies).
        Box::new(move |e| e[kept]["theta"] = scaled(&e[kept]["theta"], "1/2")),
        Box::new(move |e| e[adopted]["theta"] = scaled(&e[adopted]["theta"], "-1")),
        // The cost of the change lowered, an entry of P doubled.
        Box::new(move |e| e[adopted]["cost"] = scaled(&e[adopted]["cost"], "1/128")),
        Box::new(move |e| e[adopted]["P"][0] = scaled(&e[adopted]["P"][0], "2")),
    ];
    for edit in &edits {
        let mut c = golden.clone();
        edit(&mut c["evidence"]["tubes"]["orbit"]["energy"]);
        rejected(c, "shadow.orbit", &["evidence/tubes/orbit"]);
    }
}
