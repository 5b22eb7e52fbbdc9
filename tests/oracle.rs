//! Oracles independent of the tool: closed forms for one-dimensional quadratics.
//!
//! For Φ(u) = q u²/2 scheme (15) is the linear map (u, v) ↦ ((1 − hq)u + h(λ − qha)v, −qu + (λ − qha)v).
//! Its invariant manifold is the eigenline of the eigenvalue near 1, and the distance to it is
//! multiplied by the other eigenvalue ρ₂ at every step, so ρ₂ is the true attraction rate of Thm 5.

use shadowcert::claim::Status;
use shadowcert::exact::{parse_rat, Rat};
use shadowcert::theorems::kovachki_stuart::{thm5, KsParams};

fn q(s: &str) -> Rat {
    parse_rat(s).unwrap()
}

/// Whether `r ≥ ρ₂ = (tr − √D)/2`, decided exactly (D ≥ 0 asserted).
fn at_least_rho2(r: &Rat, tr: &Rat, d: &Rat) -> bool {
    let x = Rat::from_integer(2.into()) * r - tr;
    x >= Rat::from_integer(0.into()) || &x * &x <= *d
}

#[test]
fn thm5_rate_bounds_the_true_off_manifold_eigenvalue() {
    let mut verified = 0;
    for lam in ["1/2", "3/4", "9/10"] {
        for a_is_lambda in [false, true] {
            for h in ["1/1000", "1/2000", "1/5000", "1/100000"] {
                let (lam, h) = (q(lam), q(h));
                let a = if a_is_lambda { lam.clone() } else { q("0") };
                let p =
                    KsParams { lambda: lam.clone(), a: a.clone(), h: h.clone(), b0: q("1"), b1: q("1"), b2: q("0") };
                let c = thm5(&p);
                if c.status != Status::Verified {
                    continue;
                }
                verified += 1;
                let rate = c.values["rate"].hi().clone();
                let printed = c.values["rate_printed"].hi().clone();
                // Every curvature q ∈ (0, B₁] obeys Assumption 1 with B₁ = 1 and B₂ = 0.
                for curv in ["1", "1/2", "1/5", "1/50"] {
                    let curv = q(curv);
                    let one = q("1");
                    let det = &lam - &curv * &h * &a;
                    let tr = &one - &h * &curv + &det;
                    let d = &tr * &tr - q("4") * &det;
                    assert!(d > q("0"), "real eigenvalues expected for small h");
                    assert!(at_least_rho2(&rate, &tr, &d), "λ={lam} a={a} h={h} q={curv}: rate {rate} < ρ₂");
                    if curv == one && !a_is_lambda {
                        // The printed rate λ + h²λδ is below ρ₂ = λ + hλλ̄ + O(h²): Thm 5 as printed fails.
                        assert!(!at_least_rho2(&printed, &tr, &d), "λ={lam} h={h}: printed rate should be violated");
                    }
                }
            }
        }
    }
    assert!(verified >= 12, "only {verified} parameter sets had Assumption 11 verified");
}
