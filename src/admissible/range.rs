//! Certified admissible step-size ranges: for each step-size claim, the set A of step sizes h for
//! which some witnesses make every condition of the theorem hold.
//!
//! # Monotonicity in h (why one evaluation certifies a whole interval)
//!
//! **Lemma.** Fix the witnesses (γ, δ) (and λ, a, B₀, B₁, B₂, L, ℓ, μ, …). Then every left side
//! of every condition the step-size claims check is non-decreasing in h > 0, and every right side
//! is constant in h, except the right side α₁² of Lemma 10's `4α₂α₀ < α₁²`, which is
//! non-increasing in h while α₁ < 0. So if the conditions hold at h₂, they hold at every
//! h ∈ (0, h₂].
//!
//! *Proof*, term by term (`crate::theorems::kovachki_stuart` for the formulas). Orvieto–Lucchi:
//! `h ≤ 1/L`, `hℓL/(2μ) ≤ ε`, `h ≤ h_max` (h_max independent of h). Kovachki–Stuart Thm 3:
//! `h ≤ (1 − λ)²/(2αB₁)`. Lemma 9: λ + hB₁(a + λλ̄) increases with h. (38) at a fixed γ ≥ 0: its left
//! side (λ + hB₁(a + λλ̄))γ + λ̄B₀B₁(a + λ̄) increases with h — this is why γ = τ₁(h₂) is a valid
//! witness for every h ≤ h₂ even though τ₁ itself increases with h. K₁ = λ̄B₀ + hγ, K₃ = B₀ + λK₁,
//! B₁ + hB₂K₃, α₂ = h²(λ + haB₁), α₀ and α₁ − (λ − 1) of (39) are polynomials in h with
//! non-negative coefficients (all inputs and witnesses are ≥ 0), so they increase with h; hence
//! α₁ < 0 at h₂ gives α₁ < 0 below, α₁² then decreases and 4α₂α₀ increases, so D = α₁² − 4α₂α₀ > 0
//! at h₂ gives D > 0 below; (40)'s left side α₂δ² + α₁δ + α₀ increases (δ ≥ 0). K₂ = λ̄B₁ + hδ,
//! c = Q₃ = h(λK₂ + B₁(1 + haK₂)), Q₁, Q₂ of (42), λ + h²λδ of (44) and the Thm 5 rate
//! (λ + haB₁)(1 + hK₂) are again polynomials in h with non-negative coefficients; μ = λ + Q₂ +
//! h²(λ + haB₁)Q₁/(1 − Q₃) increases with h while Q₃ < 1, and Q₃ < 1 at h₂ gives Q₃ < 1 below. ∎
//!
//! **Corollaries.** (i) A verified claim record at h₂ — its witnesses and its exact inequalities —
//! certifies every h ∈ (0, h₂], in particular every h of a component [h₁, h₂]: a component is
//! checked by re-deciding the claim exactly at its upper end, with the stored witnesses
//! (`shadowcert_checker::admissibility`). (ii) A is a down-set: if h′ ∈ A with witnesses w and h < h′,
//! then h ∈ A with the same w. (iii) A refutation at h_hi — the part-1 verdict, which holds for
//! *every* witness by the monotonicity in γ and δ documented in `crate::theorems::kovachki_stuart`
//! (γ = τ₁ and δ ↓ ζ₋(τ₁) make every later condition easiest, and a failure is confirmed at
//! δ_lo ≤ ζ₋(τ₁)) — refutes every h ≥ h_hi, by (ii). So h_lo ≤ sup A ≤ h_hi.
//!
//! The search does not assume (ii): it scans a geometric grid of the requested range with exact
//! verdicts, bisects every verdict change to the relative target, and reports every run of
//! verified points it finds as a component (a second component would contradict the lemma, and a
//! test checks there is none on the shipped specs).
//!
//! # Closed forms
//! `ol.thm2` (h ≤ 1/L and hℓL/(2μ) ≤ ε), `ol.thm3` (h ≤ h_max) and `ks.thm3`
//! (h ≤ (1 − λ)²/(2αB₁)) have an exact, attained supremum; `ks.lemma9` the exact supremum
//! (1 − λ)/(B₁(a + λλ̄)), not attained (strict inequality). [`closed_form_supremum`] gives it and
//! the search ends the component at (or refutes at) that exact value.
//!
//! Enclosure: exact (every verdict is the part-1 exact statement; grid points are dyadic
//! rationals obtained exactly from `f64`).

use super::claims::{closed_form_supremum, StepClaims, Supremum, Verdict, STEP_CLAIMS};
use super::fast::FastClaims;
use crate::claim::Claim;
use crate::exact::{round_down_dyadic, Rat};
use crate::spec::{Method, Spec};
use num_traits::{One, ToPrimitive};
use rayon::prelude::*;

pub use shadowcert_checker::admissibility::{always_ranged, Request};

/// The grid of a request: `from`, `to` exactly, and geometrically spaced dyadic points between
/// them (each the exact value of an `f64`), strictly increasing.
pub fn request_grid(req: &Request) -> Vec<Rat> {
    geometric_grid(&req.from, &req.to, req.points)
}

/// `n ≥ 2` strictly increasing points from `lo` to `hi` (both exact), geometric in between.
pub fn geometric_grid(lo: &Rat, hi: &Rat, n: usize) -> Vec<Rat> {
    let (a, b) = (lo.to_f64().unwrap_or(0.0).ln(), hi.to_f64().unwrap_or(0.0).ln());
    let mut out = vec![lo.clone()];
    for k in 1..n - 1 {
        let x = (a + (b - a) * k as f64 / (n - 1) as f64).exp();
        if let Some(r) = Rat::from_float(x) {
            if out.last().is_some_and(|p| &r > p) && &r < hi {
                out.push(r);
            }
        }
    }
    out.push(hi.clone());
    out
}

/// A run of verified step sizes found by the scan, certified by the claim record at its upper
/// end (module doc, corollary (i)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    /// Lower end of the run.
    pub h_from: Rat,
    /// Upper end of the run.
    pub h_to: Rat,
    /// The claim decided exactly at `h_to`: verified, with the witnesses that serve the whole run.
    pub record: Claim,
}

/// A step size where the claim provably fails for every witness, with the deciding record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refutation {
    /// The step size h_hi.
    pub h: Rat,
    /// The refuted record at `h` (for `ks.lemma10` possibly `ks.lemma9`, for `ks.thm5`
    /// `ks.assumption11`: the hypothesis that fails).
    pub record: Claim,
}

/// One claim's admissible set on the requested range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimRange {
    /// Claim id (one of [`STEP_CLAIMS`]).
    pub id: String,
    /// Why the claim does not apply at any h (then everything else is empty).
    pub not_applicable: Option<String>,
    /// Verified runs, increasing.
    pub components: Vec<Component>,
    /// The first refuted step size above the last component (or the first refuted step size of
    /// the range when there is no component).
    pub refutation: Option<Refutation>,
    /// Exact supremum when the claim has a closed form.
    pub supremum: Option<Supremum>,
    /// Every verdict run found by the scan: `(from, to, verdict)`.
    pub runs: Vec<(Rat, Rat, Verdict)>,
}

impl ClaimRange {
    /// h_lo: the largest certified step size (upper end of the last component).
    pub fn h_lo(&self) -> Option<&Rat> {
        self.components.last().map(|c| &c.h_to)
    }

    /// h_hi: the refuted step size.
    pub fn h_hi(&self) -> Option<&Rat> {
        self.refutation.as_ref().map(|r| &r.h)
    }

    /// h_hi/h_lo − 1 when both exist.
    pub fn gap(&self) -> Option<Rat> {
        Some(self.h_hi()? / self.h_lo()? - Rat::one())
    }
}

/// Bits kept by bisection midpoints: short dyadics keep the exact statements cheap, and 2⁻⁴⁸ is
/// far below the relative bracket target.
const MID_BITS: u32 = 48;

/// A dyadic point strictly between `lo < hi` near their mean (`None` when none has `MID_BITS` bits).
fn midpoint(lo: &Rat, hi: &Rat) -> Option<Rat> {
    let mid = round_down_dyadic(&((lo + hi) / Rat::from_integer(2.into())), MID_BITS);
    (lo < &mid && &mid < hi).then_some(mid)
}

/// Bisects between `lo` (verdict `vl`) and `hi` (verdict `vh ≠ vl`) until hi/lo − 1 ≤ target.
/// Returns the final bracket with the verdicts of its ends (the upper verdict may be a third
/// one met on the way).
fn bisect(
    fc: &FastClaims,
    id: &str,
    lo: &Rat,
    vl: Verdict,
    hi: &Rat,
    vh: Verdict,
    target: &Rat,
) -> (Rat, Rat, Verdict) {
    let (mut lo, mut hi, mut vh) = (lo.clone(), hi.clone(), vh);
    while &hi - &lo > target * &lo {
        let Some(mid) = midpoint(&lo, &hi) else { break };
        let v = fc.verdict(id, &mid);
        if v == vl {
            lo = mid;
        } else {
            hi = mid;
            vh = v;
        }
    }
    (lo, hi, vh)
}

/// The largest point of `[from, to]` near `to` where the exact statement verifies `id`, with its
/// record: `to` itself, or the lower end of an exact bisection between `from` and `to`; `None`
/// when the exact statement verifies neither end.
fn exact_upper_end(sc: &StepClaims, id: &str, from: &Rat, to: &Rat, target: &Rat) -> Option<(Rat, Claim)> {
    if let (Verdict::Verified, record) = sc.decide(id, to) {
        return Some((to.clone(), record));
    }
    if sc.verdict(id, from) != Verdict::Verified {
        return None;
    }
    let (mut lo, mut hi) = (from.clone(), to.clone());
    while &hi - &lo > target * &lo {
        let Some(mid) = midpoint(&lo, &hi) else { break };
        if sc.verdict(id, &mid) == Verdict::Verified {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let record = sc.claim(id, &lo);
    Some((lo, record))
}

/// The admissible set of one claim on the requested range (module doc).
pub fn claim_range(fc: &FastClaims, id: &str, req: &Request, method: &Method) -> ClaimRange {
    let sc = &fc.exact;
    assert!(req.validate().is_ok(), "claim_range needs a valid request: {:?}", req.validate());
    let mut out = ClaimRange {
        id: id.to_string(),
        not_applicable: None,
        components: Vec::new(),
        refutation: None,
        supremum: None,
        runs: Vec::new(),
    };
    if let Err(e) = sc.applies(id) {
        out.not_applicable = Some(e);
        return out;
    }
    let grid = request_grid(req);
    let verdicts: Vec<Verdict> = grid.iter().map(|h| fc.verdict(id, h)).collect();
    // Every (h, verdict) known, increasing in h: grid points and refined brackets.
    let mut known: Vec<(Rat, Verdict)> = Vec::with_capacity(grid.len() + 8);
    for i in 0..grid.len() {
        known.push((grid[i].clone(), verdicts[i]));
        if i + 1 < grid.len() && verdicts[i] != verdicts[i + 1] {
            // Bisect each change; a third verdict met on the way (verified, then inconclusive where
            // derived constants are too wide, then refuted) gets its own bisection up to the next
            // point (three verdicts: at most two changes, the cap only guards against a wrong lemma).
            let (mut from, mut v_from) = (grid[i].clone(), verdicts[i]);
            for _ in 0..3 {
                let (lo, hi, vh) = bisect(fc, id, &from, v_from, &grid[i + 1], verdicts[i + 1], &req.target);
                known.push((lo, v_from));
                if hi == grid[i + 1] {
                    break;
                }
                known.push((hi.clone(), vh));
                if vh == verdicts[i + 1] {
                    break;
                }
                (from, v_from) = (hi, vh);
            }
        }
    }
    // Closed forms: end the component at, or refute at, the exact supremum.
    out.supremum = closed_form_supremum(sc, id, method);
    if let Some(s) = &out.supremum {
        if req.from <= s.value && s.value <= req.to {
            let v = sc.verdict(id, &s.value);
            if v == if s.attained { Verdict::Verified } else { Verdict::Refuted } {
                let at = known.partition_point(|(h, _)| h < &s.value);
                if known.get(at).is_none_or(|(h, _)| h != &s.value) {
                    known.insert(at, (s.value.clone(), v));
                }
            }
        }
    }
    // Runs of equal verdicts.
    let mut start = 0;
    for i in 1..=known.len() {
        if i == known.len() || known[i].1 != known[start].1 {
            out.runs.push((known[start].0.clone(), known[i - 1].0.clone(), known[start].1));
            start = i;
        }
    }
    // Components: the first starts at the bottom of the range (corollary (i) covers (0, h_to]).
    // Each upper end is confirmed exactly; where the interval path was decisive but the exact
    // statement is not (a rounded witness), the end is re-bisected with exact verdicts.
    let runs = out.runs.clone();
    for (k, (from, to, v)) in runs.iter().enumerate() {
        if *v != Verdict::Verified {
            continue;
        }
        let Some((h_to, record)) = exact_upper_end(sc, id, from, to, &req.target) else { continue };
        let h_from = if out.components.is_empty() { req.from.clone() } else { from.clone() };
        if k > 0 && !out.components.is_empty() && sc.verdict(id, &h_from) != Verdict::Verified {
            continue;
        }
        out.components.push(Component { h_from, h_to, record });
    }
    // The refutation: the first point of a refuted run above h_lo that the exact statement refutes.
    let above = out.h_lo().cloned();
    for (from, to, v) in &runs {
        if *v != Verdict::Refuted || above.as_ref().is_some_and(|lo| from <= lo) {
            continue;
        }
        if let (Verdict::Refuted, record) = sc.decide(id, from) {
            out.refutation = Some(Refutation { h: from.clone(), record });
            break;
        }
        // The interval path refutes where the exact statement may only be inconclusive (derived
        // constants refuted at their used value but not at the favourable end): bisect the exact
        // verdicts, which are monotone in h, down to the first exact refutation in the run.
        let (Verdict::Refuted, mut record) = sc.decide(id, to) else { continue };
        let (mut lo, mut hi) = (from.clone(), to.clone());
        while &hi - &lo > &req.target * &lo {
            let Some(mid) = midpoint(&lo, &hi) else { break };
            match sc.decide(id, &mid) {
                (Verdict::Refuted, r) => (hi, record) = (mid, r),
                _ => lo = mid,
            }
        }
        out.refutation = Some(Refutation { h: hi, record });
        break;
    }
    out
}

/// The admissible ranges of every step-size claim of `spec` (the ones it lists, if it lists
/// claims), in [`STEP_CLAIMS`] order; claims are searched in parallel.
pub fn admissible(spec: &Spec, req: &Request) -> Vec<ClaimRange> {
    let fc = FastClaims::new(super::claims::step_claims(spec));
    let ids: Vec<&str> = STEP_CLAIMS
        .iter()
        .copied()
        .filter(|id| always_ranged(id) || spec.claims.as_ref().is_none_or(|c| c.iter().any(|x| x == id)))
        .collect();
    ids.par_iter().map(|id| claim_range(&fc, id, req, &spec.algorithm.method)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::parse_rat;
    use crate::exact::rat;

    #[test]
    fn grid_is_exact_at_the_ends_and_increasing() {
        let g = geometric_grid(&parse_rat("1e-4").unwrap(), &rat(1), 9);
        assert_eq!(g.len(), 9);
        assert_eq!(g[0], parse_rat("1e-4").unwrap());
        assert_eq!(g[8], rat(1));
        assert!(g.windows(2).all(|w| w[0] < w[1]));
        // 10⁻³ to within f64 rounding.
        assert!((g[2].to_f64().unwrap() - 1e-3).abs() < 1e-15);
    }
}
