//! Dataset objectives: empirical risk f(w) = (1/n) Σᵢ ℓ(zᵢ) + (l2/2)‖w‖², zᵢ = yᵢ⟨x̃ᵢ, w⟩, on a CSV
//! file of labelled feature vectors, with the logistic loss ℓ(z) = log(1 + e^{−z}) or the
//! non-convex sigmoid loss ℓ(z) = 1 − σ(z) (as in the experiment of 000).
//!
//! x̃ᵢ = (scale·xᵢ, 1) with `bias` (the bias is the last coordinate of w and is regularized with
//! the rest), x̃ᵢ = scale·xᵢ without. The labels yᵢ are ±1.
//!
//! # Structure used for the bounds
//! ∇f = (1/n) Σ ℓ′(zᵢ) yᵢ x̃ᵢ + l2·w, ∇²f = (1/n) X̃ᵀ diag(ℓ″(zᵢ)) X̃ + l2·I,
//! D³f = (1/n) Σ ℓ‴(zᵢ) yᵢ x̃ᵢ⊗x̃ᵢ⊗x̃ᵢ. Over a box of w, each zᵢ is enclosed by an interval dot
//! product, the loss derivatives over its range as polynomials in s = σ(z) (with their critical
//! points), and ‖X̃‖₂² ≤ S by the Collatz–Wielandt bound on the exact Gram matrix |X̃ᵀX̃|:
//! * λ_max(∇²f) ≤ l2 + max(0, maxᵢ ℓ″(zᵢ))·S/n, λ_min(∇²f) ≥ l2 + min(0, minᵢ ℓ″(zᵢ))·S/n;
//!   the other sides from Rayleigh quotients at the Perron vector of X̃ᵀX̃ and at the coordinate vectors;
//! * ‖D³f‖ ≤ min((1/n) Σ |ℓ‴(zᵢ)| ‖x̃ᵢ‖³, maxᵢ|ℓ‴(zᵢ)|·maxᵢ‖x̃ᵢ‖·S/n) (Banach: the norm of a
//!   symmetric trilinear form is its supremum on the diagonal), ≥ maxⱼ |D³f(eⱼ, eⱼ, eⱼ)|.
//!
//! The loss derivatives of the n margins are enclosed in parallel (rayon; results in a fixed order).
//!
//! Enclosure: rigorous. Tightness: the Hessian bounds are exact at a point where every ℓ″(zᵢ) is
//! equal (for example w = 0); otherwise they use the extreme ℓ″ over the data.

use super::{norm, BoxObjective, Quantity};
use crate::enclose::rat_to_interval;
use crate::enclose::rounding::{ball, mid_rad, narrow, CentredSum};
use crate::enclose::symmetric::{dot, eig_enclosures, largest_negative, neg_smallest_nonnegative, EigBounds};
use crate::exact::{fmt_rat, Rat};
use crate::{Error, Result};
use inari::{const_interval, Interval};
use num_traits::{One, ToPrimitive, Zero};
use rayon::prelude::*;
use shadowcert_checker::dataset::{self as checked, loss_derivative};
use shadowcert_checker::elementary::Elementary;
use std::path::Path;
use std::sync::Arc;

/// The JSON pointer of the data path in a spec.
pub const POINTER: &str = "/objective/data";

pub use shadowcert_checker::dataset::{Data, Loss};

/// Reads the CSV bytes (shown as `shown` in errors) by the checker's reader
/// (`shadowcert_checker::dataset::read_csv`); errors name the file and line, at [`POINTER`].
pub fn read_csv(bytes: &[u8], shown: &str) -> Result<Data> {
    shadowcert_checker::dataset::read_csv(bytes, shown).map_err(|m| Error::spec(POINTER, m))
}

/// A dataset objective, with its data loaded and the structural bounds precomputed.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// The data path as written in the spec (relative to the spec file).
    pub path: String,
    /// SHA-256 of the CSV bytes (lowercase hex).
    pub sha256: String,
    /// The loss.
    pub loss: Loss,
    /// Regularization weight l2 ≥ 0.
    pub l2: Rat,
    /// Whether a bias coordinate is appended.
    pub bias: bool,
    /// Feature scale (x̃ = scale·x), positive.
    pub scale: Rat,
    pre: Arc<Pre>,
    /// The checker's reading of this objective: its box enclosures verify the constants, and its
    /// structure runs the GD orbit and the gradient flow (`shadowcert_checker::nonlinear`).
    checked: checked::Dataset,
}

impl PartialEq for Dataset {
    fn eq(&self, o: &Self) -> bool {
        (&self.path, &self.sha256, self.loss, &self.l2, self.bias, &self.scale)
            == (&o.path, &o.sha256, o.loss, &o.l2, o.bias, &o.scale)
    }
}

impl Eq for Dataset {}

/// Precomputed enclosures.
#[derive(Debug)]
struct Pre {
    n: usize,
    d: usize,
    /// The non-zero entries of each row: (j, yᵢx̃ᵢⱼ, x̃ᵢⱼ², yᵢx̃ᵢⱼ³), enclosed (exact when dyadic).
    rows: Vec<Vec<(usize, Interval, Interval, Interval)>>,
    /// The entries yᵢx̃ᵢⱼ of `rows` again, compactly (for the margins and the gradient): (j, â) with
    /// yᵢx̃ᵢⱼ ∈ â ± `yx_rad` (0 when the features are exact doubles).
    yx: Vec<Vec<(u32, f64)>>,
    yx_rad: f64,
    /// ‖x̃ᵢ‖.
    row_norm: Vec<Interval>,
    /// S ≥ ‖X̃‖₂², as an interval [Rayleigh lower bound, Collatz–Wielandt upper bound].
    gram_norm: Interval,
    /// x̃ᵢᵀv for the Perron vector v of X̃ᵀX̃, and ‖v‖².
    xv: Vec<Interval>,
    v_sq: Interval,
    l2: Interval,
    inv_n: Interval,
    /// Exact [lower, upper] of ‖X̃‖₂².
    gram_exact: (Rat, Rat),
    /// Whether the file's labels were 0 and 1 (read as −1 and +1).
    labels_01: bool,
    /// The checker's reading of the data (rows, S = `gram_exact.1`), and the Collatz–Wielandt
    /// vector v that proves S (evidence).
    design: Arc<checked::Design>,
    gram_vector: Vec<Rat>,
}

impl Dataset {
    /// Builds the objective from the CSV bytes. Fails (at [`POINTER`]) when the exact Gram
    /// matrix would overflow 128-bit integers.
    pub fn new(path: &str, bytes: &[u8], shown: &str, loss: Loss, l2: Rat, bias: bool, scale: Rat) -> Result<Self> {
        let sha256 = shadowcert_checker::certificate::sha256_hex(bytes);
        let key = format!("{sha256} {bias} {} {}", fmt_rat(&scale), fmt_rat(&l2));
        let pre = match cached(&key) {
            Some(pre) => pre,
            None => {
                let data = read_csv(bytes, shown)?;
                let pre = Arc::new(precompute(&data, &l2, bias, &scale, shown)?);
                remember(key, pre.clone());
                pre
            }
        };
        let checked = checked::Dataset::new(pre.design.clone(), loss, &l2);
        Ok(Dataset { path: path.to_string(), sha256, loss, l2, bias, scale, pre, checked })
    }

    /// Reads `base/path` and builds the objective.
    pub fn load(path: &str, full: &Path, loss: Loss, l2: Rat, bias: bool, scale: Rat) -> Result<Self> {
        let shown = full.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(full).map_err(|e| Error::spec(POINTER, format!("cannot read {shown}: {e}")))?;
        Dataset::new(path, &bytes, &shown, loss, l2, bias, scale)
    }

    /// Number of examples n.
    pub fn examples(&self) -> usize {
        self.pre.n
    }

    /// The checker's reading of this objective: the box enclosures its constants are verified by.
    pub fn checked(&self) -> &checked::Dataset {
        &self.checked
    }

    /// The positive vector v whose Collatz–Wielandt ratio bounds ‖X̃‖₂² (the certificate's evidence).
    pub fn gram_vector(&self) -> &[Rat] {
        &self.pre.gram_vector
    }

    /// Exact bracket [lower, upper] of ‖X̃‖₂² (Rayleigh quotient, Collatz–Wielandt).
    pub fn gram_norm_bracket(&self) -> &(Rat, Rat) {
        &self.pre.gram_exact
    }

    /// Encloses every margin zᵢ = yᵢ⟨x̃ᵢ, w⟩ over the box, as a [`CentredSum`] (the range of a linear
    /// form, up to the rounding bound) over a narrow box, by interval multiply-adds otherwise
    /// ([`narrow`]). Enclosure: rigorous.
    fn margins(&self, w: &[Interval]) -> Vec<Interval> {
        let p = &self.pre;
        let wc: Vec<(f64, f64)> = w.iter().map(|&x| mid_rad(x)).collect();
        if !narrow(&wc) {
            let row = |r: &Vec<(u32, f64)>| dot(r.iter().map(|&(j, a)| (ball((a, p.yx_rad)), w[j as usize])));
            return p.yx.iter().map(row).collect();
        }
        let row = |r: &Vec<(u32, f64)>| {
            // Two interleaved sums (shorter dependency chains), then added: still a summation order.
            let mut acc = [CentredSum::default(); 2];
            for (i, &(j, a)) in r.iter().enumerate() {
                acc[i & 1].add((a, p.yx_rad), wc[j as usize]);
            }
            acc[0].merge(&acc[1]).enclosure()
        };
        p.yx.iter().map(row).collect()
    }

    /// Σᵢ cᵢ·eᵢⱼ for every column j, with eᵢⱼ one of the stored entries (`pick`), by interval
    /// multiply-adds (over wide boxes as tight as a [`CentredSum`], whose rounding bound is larger,
    /// and the Hessian and third-derivative bounds are not the figure's bottleneck). Enclosure: rigorous.
    fn column_sums(
        &self,
        c: &[Interval],
        pick: impl Fn(&(usize, Interval, Interval, Interval)) -> Interval,
    ) -> Vec<Interval> {
        let mut acc = vec![const_interval!(0.0, 0.0); self.pre.d];
        for (r, &ci) in self.pre.rows.iter().zip(c) {
            for e in r {
                acc[e.0] = ci.mul_add(pick(e), acc[e.0]);
            }
        }
        acc
    }

    /// Σᵢ cᵢ·yᵢx̃ᵢⱼ for every column j, as one [`CentredSum`] per column if every cᵢ is narrow, by
    /// interval multiply-adds otherwise ([`narrow`]). Enclosure: rigorous.
    fn yx_column_sums(&self, c: &[Interval]) -> Vec<Interval> {
        let p = &self.pre;
        let cm: Vec<(f64, f64)> = c.iter().map(|&x| mid_rad(x)).collect();
        if !narrow(&cm) {
            let mut acc = vec![const_interval!(0.0, 0.0); p.d];
            for (r, &ci) in p.yx.iter().zip(c) {
                for &(j, a) in r {
                    acc[j as usize] = ball((a, p.yx_rad)).mul_add(ci, acc[j as usize]);
                }
            }
            return acc;
        }
        let mut acc = vec![CentredSum::default(); p.d];
        for (r, &ci) in p.yx.iter().zip(&cm) {
            for &(j, a) in r {
                acc[j as usize].add((a, p.yx_rad), ci);
            }
        }
        acc.iter().map(CentredSum::enclosure).collect()
    }

    /// ℓ′(zᵢ) over the box for every example, and the gradient (1/n) Σᵢ ℓ′(zᵢ) yᵢx̃ᵢ + l2·w.
    /// Enclosure: rigorous. Tightness: one [`CentredSum`] per margin and per coordinate, and ℓ′ by
    /// its mean-value form over narrow margins ([`loss_derivative`]).
    fn gradient_parts(&self, w: &[Interval]) -> (Vec<Interval>, Vec<Interval>) {
        let p = &self.pre;
        let u: Vec<Interval> = self.margins(w).par_iter().map(|&z| loss_derivative(self.loss, 1, z)).collect();
        let g = self.yx_column_sums(&u).into_iter().zip(w).map(|(s, &wj)| s * p.inv_n + p.l2 * wj).collect();
        (u, g)
    }

    /// The structural bounds of λ_min and λ_max of ∇²f = (1/n)X̃ᵀdiag(ℓ″(zᵢ))X̃ + l2·I from the
    /// enclosures `d2` ∋ ℓ″(zᵢ): above and below by ‖X̃‖₂² times the extreme ℓ″, and by Rayleigh
    /// quotients at the Perron vector and the coordinate vectors. Enclosure: rigorous.
    fn hessian_eig(&self, d2: &[Interval]) -> EigBounds {
        let p = &self.pre;
        let dmax = d2.iter().map(|x| x.sup()).fold(f64::NEG_INFINITY, f64::max).max(0.0);
        let dmin = d2.iter().map(|x| x.inf()).fold(f64::INFINITY, f64::min).min(0.0);
        let s_over_n = Interval::try_from((p.gram_norm.sup(), p.gram_norm.sup())).expect("finite") * p.inv_n;
        let pt = |x: f64| Interval::try_from((x, x)).unwrap_or(Interval::ENTIRE);
        let lmax_hi = (p.l2 + pt(dmax) * s_over_n).sup();
        let lmin_lo = (p.l2 + pt(dmin) * s_over_n).inf();
        // Rayleigh quotients: at the Perron vector and at each coordinate vector.
        let mut rq = vec![dot(d2.iter().zip(&p.xv).map(|(&a, &b)| (a, b.sqr()))) * p.inv_n / p.v_sq + p.l2];
        rq.extend(self.column_sums(d2, |e| e.2).into_iter().map(|s| s * p.inv_n + p.l2));
        let lmax_lo = rq.iter().map(|r| r.inf()).fold(f64::NEG_INFINITY, f64::max);
        let lmin_hi = rq.iter().map(|r| r.sup()).fold(f64::INFINITY, f64::min);
        match (Interval::try_from((lmin_lo, lmin_hi)), Interval::try_from((lmax_lo, lmax_hi))) {
            (Ok(min), Ok(max)) => EigBounds { min, max },
            _ => EigBounds::ENTIRE,
        }
    }

    /// λ_min and λ_max of ∇²f over the box `w`, by `Dataset::spectrum`. Enclosure: rigorous.
    fn extremes(&self, w: &[Interval]) -> EigBounds {
        let e = self.spectrum(&self.margins(w), true);
        EigBounds { min: e[0], max: e[e.len() - 1] }
    }

    /// (1/n)Σᵢ ℓ″(zᵢ)x̃ᵢx̃ᵢᵀ + l2·I as an interval matrix, from the enclosures `d2` ∋ ℓ″(zᵢ): the
    /// checker's `Dataset::hessian_with`, as rows. O(Σᵢ nnzᵢ²). Enclosure: rigorous.
    fn hessian_matrix(&self, d2: &[Interval]) -> Vec<Vec<Interval>> {
        let h = self.checked.hessian_with(d2);
        (0..h.rows).map(|i| (0..h.cols).map(|j| h.at(i, j)).collect()).collect()
    }

    /// Enclosures of every eigenvalue of ∇²f (ascending) over the box whose margins are `z`: the
    /// structural extremes (`Dataset::hessian_eig`; the hull of the two for the interior ones),
    /// with `full`, each intersected with the Weyl/Gershgorin enclosures of the interval Hessian matrix
    /// ([`eig_enclosures`] of [`Dataset::hessian_matrix`]) when the structure does not prove
    /// convexity (its λ_min lower end is negative: the sigmoid loss, not the logistic one) and the
    /// loss″ enclosures are narrow enough for the matrix to help: when 8·maxᵢ rad ℓ″(zᵢ)·‖X̃‖₂²/n
    /// (about the Weyl radius of the matrix) is below the width of the structural range. That holds
    /// on the small balls of the enclosed orbits and flows, not on a domain box.
    ///
    /// Enclosure: rigorous. Tightness: on narrow boxes every eigenvalue to about the Weyl radius;
    /// cost O(Σᵢ nnzᵢ² + d³) then, about 3 ms for the digits (d = 65).
    fn spectrum(&self, z: &[Interval], full: bool) -> Vec<Interval> {
        let p = &self.pre;
        let d2: Vec<Interval> = z.par_iter().map(|&z| loss_derivative(self.loss, 2, z)).collect();
        let e = self.hessian_eig(&d2);
        let d = p.d;
        let mut out: Vec<Interval> = if d == 1 {
            let x = e.min.intersection(e.max);
            vec![if x.is_empty() { Interval::ENTIRE } else { x }]
        } else {
            let hull = Interval::try_from((e.min.inf(), e.max.sup())).unwrap_or(Interval::ENTIRE);
            (0..d)
                .map(|k| {
                    if k == 0 {
                        e.min
                    } else if k == d - 1 {
                        e.max
                    } else {
                        hull
                    }
                })
                .collect()
        };
        let rad = d2.iter().map(|x| x.wid()).fold(0.0, f64::max) * 0.5;
        // A cost heuristic, not a bound: plain f64 (+∞ or NaN just skips the matrix).
        let weyl = rad * p.gram_norm.sup() * 8.0 / p.n as f64;
        let width = e.max.sup() - e.min.inf();
        if full && weyl < width && e.min.inf() < 0.0 {
            for (o, f) in out.iter_mut().zip(eig_enclosures(&self.hessian_matrix(&d2))) {
                // Both contain the eigenvalue; an empty intersection cannot happen (keep `o` if it did).
                let x = o.intersection(f);
                if !x.is_empty() {
                    *o = x;
                }
            }
        }
        out
    }

    fn third_norm(&self, z: &[Interval]) -> Interval {
        let p = &self.pre;
        let d3: Vec<Interval> = z.par_iter().map(|&z| loss_derivative(self.loss, 3, z)).collect();
        let sum = dot(d3
            .iter()
            .zip(&p.row_norm)
            .map(|(&a, &r)| (Interval::try_from((a.mag(), a.mag())).expect("finite"), r.powi(3))));
        let max_d3 = d3.iter().map(|x| x.mag()).fold(0.0, f64::max);
        let max_row = p.row_norm.iter().map(|r| r.sup()).fold(0.0, f64::max);
        let pt = |x: f64| Interval::try_from((x, x)).unwrap_or(Interval::ENTIRE);
        let gram = pt(p.gram_norm.sup());
        let hi = (sum * p.inv_n).sup().min((pt(max_d3) * pt(max_row) * gram * p.inv_n).sup());
        // D³f(eⱼ, eⱼ, eⱼ) = (1/n) Σ ℓ‴(zᵢ) yᵢ x̃ᵢⱼ³ (yᵢ³ = yᵢ).
        let lo = self.column_sums(&d3, |e| e.3).into_iter().map(|t| (t * p.inv_n).mig()).fold(0.0f64, f64::max);
        Interval::try_from((lo.min(hi), hi)).unwrap_or(Interval::ENTIRE)
    }
}

impl BoxObjective for Dataset {
    /// Enclosure: rigorous. Tightness: see `gradient_parts`.
    /// (1/n)Σ ℓ(zᵢ) + (l2/2)‖w‖² with ℓ(z) = ln(1 + e^{−z}) (logistic) or 1 − σ(z) = 1/(1 + e^{z})
    /// (sigmoid), each a composition of inari's outward-rounded operations.
    fn value(&self, w: &[Interval]) -> Interval {
        let p = &self.pre;
        let one = point(1.0);
        let sum = self.margins(w).into_iter().fold(point(0.0), |s, z| {
            s + match self.loss {
                Loss::Logistic => (one + (-z).exp()).ln(),
                Loss::Sigmoid => one / (one + z.exp()),
            }
        });
        sum * p.inv_n + p.l2 * point(0.5) * w.iter().fold(point(0.0), |s, x| s + x.sqr())
    }

    /// `Dataset::hessian_matrix` at the loss″ enclosures of the box's margins. O(Σᵢ nnzᵢ²).
    fn hessian(&self, w: &[Interval]) -> Vec<Vec<Interval>> {
        let d2: Vec<Interval> = self.margins(w).par_iter().map(|&z| loss_derivative(self.loss, 2, z)).collect();
        self.hessian_matrix(&d2)
    }

    fn enclose(&self, q: Quantity, w: &[Interval]) -> Interval {
        match q {
            Quantity::GradNorm => {
                let (u, g) = self.gradient_parts(w);
                let g = norm(&g);
                // ‖(1/n)X̃ᵀu + l2·w‖ ≤ ‖X̃‖₂‖u‖/n + l2‖w‖.
                let p = &self.pre;
                let alt = p.gram_norm.sqrt() * norm(&u) * p.inv_n + p.l2 * norm(w);
                let hi = g.sup().min(alt.sup());
                Interval::try_from((g.inf().min(hi), hi)).unwrap_or(Interval::ENTIRE)
            }
            Quantity::HessNorm => self.extremes(w).norm(),
            Quantity::NegLambdaMin => -self.extremes(w).min,
            Quantity::ThirdNorm => self.third_norm(&self.margins(w)),
            Quantity::GapLower => largest_negative(&self.hessian_eigenvalues(w)),
            Quantity::GapUpper => neg_smallest_nonnegative(&self.hessian_eigenvalues(w)),
        }
    }

    /// Every eigenvalue, by `Dataset::spectrum`: on a wide box the structural extremes (the interior
    /// eigenvalues get their hull), on a narrow one each eigenvalue from the interval Hessian matrix.
    fn hessian_eigenvalues(&self, w: &[Interval]) -> Vec<Interval> {
        self.spectrum(&self.margins(w), true)
    }
}

/// Precomputations of recently loaded data sets, keyed by the SHA-256 of the bytes and the
/// parameters they depend on (a pure function of the key: re-checking many certificates of one
/// data set reads and parses it once).
static CACHE: std::sync::Mutex<Vec<(String, Arc<Pre>)>> = std::sync::Mutex::new(Vec::new());

/// Entries kept in [`CACHE`].
const CACHE_SIZE: usize = 4;

fn cached(key: &str) -> Option<Arc<Pre>> {
    let c = CACHE.lock().ok()?;
    c.iter().find(|(k, _)| k == key).map(|(_, p)| p.clone())
}

fn remember(key: String, pre: Arc<Pre>) {
    if let Ok(mut c) = CACHE.lock() {
        if c.len() >= CACHE_SIZE {
            c.remove(0);
        }
        c.push((key, pre));
    }
}

#[allow(clippy::needless_range_loop)] // (a, b) index pairs of the symmetric Gram matrix
fn precompute(data: &Data, l2: &Rat, bias: bool, scale: &Rat, shown: &str) -> Result<Pre> {
    let n = data.labels.len();
    let feats = checked::design(data, bias, scale);
    let d = feats[0].len();
    // Exact Gram matrix G = X̃ᵀX̃ = MᵀM/D², M = D·X̃ integer, D the common denominator.
    let (g, den) = checked::gram(&feats).map_err(|m| Error::spec(POINTER, format!("{shown}: {m}")))?;
    let m: Vec<Vec<i128>> = feats
        .iter()
        .map(|r| {
            r.iter().map(|x| (x * Rat::from_integer(den.clone())).to_integer().to_i128().expect("as in gram")).collect()
        })
        .collect();
    // Perron vector of |G| by power iteration (f64 guess), kept positive.
    let gf: Vec<Vec<f64>> = g.iter().map(|r| r.iter().map(|&x| (x as f64).abs()).collect()).collect();
    let mut v = vec![1.0f64; d];
    for _ in 0..200 {
        let w: Vec<f64> = gf.iter().map(|r| r.iter().zip(&v).map(|(a, b)| a * b).sum()).collect();
        let mx = w.iter().cloned().fold(0.0, f64::max);
        if mx <= 0.0 {
            break;
        }
        v = w.iter().map(|x| x / mx).collect();
    }
    let floor = 1e-6;
    let v: Vec<f64> = v.iter().map(|&x| if x.is_finite() && x > floor { x } else { floor }).collect();
    let vr: Vec<Rat> = v.iter().map(|&x| Rat::from_float(x).expect("finite")).collect();
    let d2 = Rat::from_integer(den.clone() * den.clone());
    // Collatz–Wielandt: ‖X̃‖₂² = λ_max(G) ≤ ρ(|G|) ≤ maxᵢ (|G|v)ᵢ/vᵢ ≕ S for v > 0 (the checker's
    // bound, with its reading of the rows).
    let (design, upper) = checked::Design::verified_gram(&feats, &data.labels, (&g, &den), &vr)
        .map_err(|m| Error::spec(POINTER, format!("{shown}: {m}")))?;
    let gv: Vec<Rat> = g
        .iter()
        .map(|r| r.iter().zip(&vr).fold(Rat::zero(), |acc, (&x, y)| acc + Rat::from_integer(x.into()) * y))
        .collect();
    let vtv = vr.iter().fold(Rat::zero(), |a, x| a + x * x);
    let vtgv = vr.iter().zip(&gv).fold(Rat::zero(), |a, (x, y)| a + x * y);
    let lower = (vtgv / vtv).max(Rat::zero());
    let gram_exact = (&lower / &d2, upper);
    let gram_norm = Interval::try_from((rat_to_interval(&gram_exact.0).inf(), rat_to_interval(&gram_exact.1).sup()))
        .expect("lower <= upper");
    // Features as intervals: exact points when the common denominator is a power of two and the
    // numerators fit 53 bits (the usual case), else the tightest enclosure of the rational.
    let dyadic = den == (num_bigint::BigInt::one() << (den.bits() - 1) as usize)
        && m.iter().flatten().all(|&v| v.unsigned_abs() < 1u128 << 53);
    let den_f = den.to_f64().unwrap_or(f64::INFINITY);
    let x: Vec<Vec<Interval>> = if dyadic && den_f.is_finite() {
        m.iter().map(|r| r.iter().map(|&v| point(v as f64 / den_f)).collect()).collect()
    } else {
        feats.iter().map(|r| r.iter().map(rat_to_interval).collect()).collect()
    };
    let rows: Vec<Vec<(usize, Interval, Interval, Interval)>> = x
        .iter()
        .zip(&data.labels)
        .map(|(r, &y)| {
            let y = point(f64::from(y));
            r.iter()
                .enumerate()
                .filter(|(_, a)| !(a.inf() == 0.0 && a.sup() == 0.0))
                .map(|(j, &a)| (j, y * a, a.sqr(), y * a.powi(3)))
                .collect()
        })
        .collect();
    let mut yx_rad: f64 = 0.0;
    let yx = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|&(j, a, _, _)| {
                    let (m, rad) = mid_rad(a);
                    yx_rad = yx_rad.max(rad);
                    (u32::try_from(j).expect("fewer than 2³² features"), m)
                })
                .collect()
        })
        .collect();
    let row_norm: Vec<Interval> = x.iter().map(|r| norm(r)).collect();
    let vi: Vec<Interval> = v.iter().map(|&a| Interval::try_from((a, a)).expect("finite")).collect();
    let xv: Vec<Interval> = x.iter().map(|r| dot(r.iter().copied().zip(vi.iter().copied()))).collect();
    let v_sq = dot(vi.iter().map(|&a| (a, a)));
    Ok(Pre {
        n,
        d,
        rows,
        yx,
        yx_rad,
        row_norm,
        gram_norm,
        xv,
        v_sq,
        l2: rat_to_interval(l2),
        inv_n: rat_to_interval(&Rat::new(1.into(), n.into())),
        design: Arc::new(design),
        gram_exact,
        labels_01: data.labels_01,
        gram_vector: vr,
    })
}

fn point(x: f64) -> Interval {
    Interval::try_from((x, x)).expect("a finite f64 is a point interval")
}

/// One line for reports: path, size, loss, l2 and scale.
pub fn describe(ds: &Dataset) -> String {
    format!(
        "dataset {} ({} examples{}), {} loss, l2 = {}{}{}",
        ds.path,
        ds.pre.n,
        if ds.pre.labels_01 { ", labels 0/1 read as -1/+1" } else { "" },
        ds.loss.name(),
        fmt_rat(&ds.l2),
        if ds.bias { ", bias" } else { "" },
        if ds.scale.is_one() { String::new() } else { format!(", features × {}", fmt_rat(&ds.scale)) }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::Smooth;
    const ONE: Interval = const_interval!(1.0, 1.0);
    use crate::enclose::interval_contains_rat;
    use crate::exact::{parse_rat, rat, round_down_dyadic, round_up_dyadic};
    use num_traits::Signed;
    use shadowcert_checker::dataset::loss_poly;
    use shadowcert_checker::elementary::sigmoid_at;

    type I = Interval;

    fn pt(x: f64) -> I {
        I::try_from((x, x)).unwrap()
    }

    fn small(loss: Loss, l2: &str, bias: bool) -> Dataset {
        let csv = "label,a,b\n1,1,2\n-1,3,0\n1,0,1\n-1,2,2\n";
        Dataset::new("t.csv", csv.as_bytes(), "t.csv", loss, parse_rat(l2).unwrap(), bias, rat(1)).unwrap()
    }

    fn err(csv: &str) -> String {
        match read_csv(csv.as_bytes(), "d.csv") {
            Err(Error::Spec { pointer, msg }) => {
                assert_eq!(pointer, POINTER);
                msg
            }
            other => panic!("should fail: {other:?}"),
        }
    }

    #[test]
    fn csv_errors_name_file_and_line() {
        assert_eq!(err("label,a\n1,2\n-1,3,4\n"), "d.csv line 3: row has 3 cells, expected 2 (as the header)");
        assert_eq!(err("label,a\n1,x\n"), "d.csv line 2: column 2 (a): not a number: \"x\"");
        assert_eq!(err("label,a\n2,1\n"), "d.csv line 2: label must be 1 or -1 (or 0 and 1 throughout), got 2");
        assert_eq!(err(""), "d.csv: empty file (expected a header row)");
        assert_eq!(err("a,b\n1,2\n"), "d.csv line 1: header has no \"label\" column (columns: a, b)");
        assert_eq!(err("label,a\n"), "d.csv: no data rows after the header");
    }

    #[test]
    fn loss_derivatives_match_closed_forms_at_points() {
        // Logistic at z: ℓ′ = σ(z) − 1, ℓ″ = σ(1 − σ), ℓ‴ = σ(1 − σ)(1 − 2σ); sigmoid: −σ′, −σ″, −σ‴.
        for z in [-3.0f64, -0.7, 0.0, 0.4, 2.5] {
            let s = 1.0 / (1.0 + (-z).exp());
            let (d1, d2, d3) = (s - 1.0, s * (1.0 - s), s * (1.0 - s) * (1.0 - 2.0 * s));
            let close = |iv: I, x: f64| iv.inf() - 1e-15 <= x && x <= iv.sup() + 1e-15 && iv.wid() < 1e-14;
            assert!(close(loss_derivative(Loss::Logistic, 1, pt(z)), d1));
            assert!(close(loss_derivative(Loss::Logistic, 2, pt(z)), d2));
            assert!(close(loss_derivative(Loss::Logistic, 3, pt(z)), d3));
            assert!(close(loss_derivative(Loss::Sigmoid, 1, pt(z)), -d2));
            assert!(close(loss_derivative(Loss::Sigmoid, 2, pt(z)), -d3));
            let s3 = s * (1.0 - s) * (1.0 - 6.0 * s + 6.0 * s * s);
            assert!(close(loss_derivative(Loss::Sigmoid, 3, pt(z)), -s3));
        }
        // Ranges over wide intervals reach the extremes: max σ(1−σ) = 1/4 at 0, max |σ″| = 1/(6√3).
        let wide = I::try_from((-5.0, 5.0)).unwrap();
        assert!(
            loss_derivative(Loss::Logistic, 2, wide).contains(0.25)
                && loss_derivative(Loss::Logistic, 2, wide).sup() < 0.2500001
        );
        let m = 1.0 / (6.0 * 3f64.sqrt());
        let r = loss_derivative(Loss::Sigmoid, 2, wide);
        assert!(r.contains(m) && r.contains(-m) && r.sup() < m + 1e-9, "{r:?}");
    }

    #[test]
    fn gradient_contains_the_exact_value_at_zero() {
        // At w = 0 every zᵢ = 0: logistic ℓ′(0) = −1/2, so ∇f(0) = −(1/2n) Σ yᵢ x̃ᵢ.
        let ds = small(Loss::Logistic, "0.1", true);
        let g = ds.gradient_parts(&[pt(0.0); 3]).1;
        // Σ yᵢ xᵢ = (1 − 3 + 0 − 2, 2 − 0 + 1 − 2, 1 − 1 + 1 − 1) = (−4, 1, 0); n = 4.
        for (gi, exact) in g.iter().zip([Rat::new(1.into(), 2.into()), Rat::new((-1).into(), 8.into()), rat(0)]) {
            assert!(interval_contains_rat(gi, &exact), "{gi:?} vs {exact}");
        }
    }

    #[test]
    fn gradient_and_hessian_contain_independent_values_at_random_points() {
        // f64 re-computation from the definition (rounding error ~1e-16 relative): the enclosure's
        // midpoint is within 1e-13 and its width below 1e-13.
        let csv = "label,a,b\n1,1,2\n-1,3,0\n1,0,1\n-1,2,2\n";
        let x = [[1.0, 2.0, 1.0], [3.0, 0.0, 1.0], [0.0, 1.0, 1.0], [2.0, 2.0, 1.0]];
        let y = [1.0, -1.0, 1.0, -1.0];
        let mut seed = 3u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        for loss in [Loss::Logistic, Loss::Sigmoid] {
            let ds =
                Dataset::new("t.csv", csv.as_bytes(), "t.csv", loss, parse_rat("0.1").unwrap(), true, rat(1)).unwrap();
            for _ in 0..50 {
                let w = [next(), next(), next()];
                let g = ds.gradient_parts(&w.map(pt)).1;
                for j in 0..3 {
                    let mut exact = 0.1 * w[j];
                    for i in 0..4 {
                        let z = y[i] * (x[i][0] * w[0] + x[i][1] * w[1] + x[i][2] * w[2]);
                        let s = 1.0 / (1.0 + (-z).exp());
                        let d1 = match loss {
                            Loss::Logistic => s - 1.0,
                            Loss::Sigmoid => -s * (1.0 - s),
                        };
                        exact += d1 * y[i] * x[i][j] / 4.0;
                    }
                    assert!(
                        (g[j].mid() - exact).abs() < 1e-13 && g[j].wid() < 1e-13,
                        "{loss:?} {w:?}: {:?} vs {exact}",
                        g[j]
                    );
                }
            }
        }
    }

    // ---- Exact references for the f64 kernels and the centred forms ----

    /// A deterministic generator of f64 in [−1, 1).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        }
    }

    fn exact(x: f64) -> Rat {
        Rat::from_float(x).unwrap()
    }

    /// Whether the interval holds all of [lo, hi] (decided exactly).
    fn holds(iv: &I, lo: &Rat, hi: &Rat) -> bool {
        interval_contains_rat(iv, lo) && interval_contains_rat(iv, hi)
    }

    /// [lo, hi] ∋ exp(x) in exact rationals: exp(x) = exp(y)^(2^s), y = x/2^s, |y| ≤ 1/16; the Taylor
    /// sum of exp(|y|) to degree 14 is a lower bound and adding 2·|y|¹⁵/15! (e^{1/16} < 2) an upper
    /// one (terms rounded down, respectively up, to 160 significant bits); 1/· for y < 0; then s
    /// squarings, rounded outward to 160 significant bits.
    fn exp_bracket(x: &Rat) -> (Rat, Rat) {
        let bound = Rat::new(1.into(), 16.into());
        let (mut y, mut s) = (x.clone(), 0);
        while y.abs() > bound {
            y /= rat(2);
            s += 1;
        }
        let ya = y.abs();
        let (mut t_lo, mut t_hi, mut lo, mut hi) = (rat(1), rat(1), rat(1), rat(1));
        for j in 1..=14 {
            t_lo = round_down_dyadic(&(t_lo * &ya / rat(j)), 160);
            t_hi = round_up_dyadic(&(t_hi * &ya / rat(j)), 160);
            lo += &t_lo;
            hi += &t_hi;
        }
        hi += t_hi * &ya / rat(15) * rat(2);
        if y < rat(0) {
            (lo, hi) = (hi.recip(), lo.recip());
        }
        for _ in 0..s {
            lo = round_down_dyadic(&(&lo * &lo), 160);
            hi = round_up_dyadic(&(&hi * &hi), 160);
        }
        (lo, hi)
    }

    /// [lo, hi] ∋ σ(z) = 1/(1 + e^{−z}), rounded outward to 160 significant bits (dyadic, so that
    /// sums of many of them stay small).
    fn sigma_bracket(z: &Rat) -> (Rat, Rat) {
        let (lo, hi) = exp_bracket(&-z);
        (round_down_dyadic(&(rat(1) + hi).recip(), 160), round_up_dyadic(&(rat(1) + lo).recip(), 160))
    }

    /// ℓ⁽ᵏ⁾ as polynomials in s = σ, expanded (coefficients of s⁰, s¹, …): σ′ = s − s²,
    /// σ″ = s − 3s² + 2s³, σ‴ = s − 7s² + 12s³ − 6s⁴, σ⁗ = s − 15s² + 50s³ − 60s⁴ + 24s⁵;
    /// logistic ℓ′ = s − 1, ℓ⁽ᵏ⁾ = σ⁽ᵏ⁻¹⁾; sigmoid ℓ⁽ᵏ⁾ = −σ⁽ᵏ⁾.
    fn loss_coeffs(loss: Loss, k: u32) -> Vec<i64> {
        let sigma = |k: u32| match k {
            1 => vec![0, 1, -1],
            2 => vec![0, 1, -3, 2],
            3 => vec![0, 1, -7, 12, -6],
            _ => vec![0, 1, -15, 50, -60, 24],
        };
        match loss {
            Loss::Logistic if k == 1 => vec![-1, 1],
            Loss::Logistic => sigma(k - 1),
            Loss::Sigmoid => sigma(k).into_iter().map(|c| -c).collect(),
        }
    }

    /// [lo, hi] ∋ P(s) for every s ∈ [a, b] ⊆ [0, 1]: P(a) ± L·(b − a), L = Σ i|cᵢ| ≥ max |P′| on [0, 1].
    fn poly_bracket(c: &[i64], a: &Rat, b: &Rat) -> (Rat, Rat) {
        let v = c.iter().rev().fold(rat(0), |acc, &ci| acc * a + rat(ci));
        let lip: i64 = c.iter().enumerate().map(|(i, &ci)| i as i64 * ci.abs()).sum();
        let e = rat(lip) * (b - a);
        (&v - &e, v + e)
    }

    /// [lo, hi] ∋ ℓ⁽ᵏ⁾(z) at a rational z.
    fn loss_bracket(loss: Loss, k: u32, z: &Rat) -> (Rat, Rat) {
        let (a, b) = sigma_bracket(z);
        poly_bracket(&loss_coeffs(loss, k), &a, &b)
    }

    #[test]
    fn sigmoid_at_points_holds_the_exact_bracket() {
        for z in [-30.0, -2.5, -1e-9, 0.0, 0.7, 3.0, 36.0] {
            let (a, b) = sigma_bracket(&exact(z));
            assert!(holds(&sigmoid_at(z), &a, &b), "σ({z})");
        }
        assert_eq!((sigmoid_at(f64::NEG_INFINITY), sigmoid_at(f64::INFINITY)), (pt(0.0), pt(1.0)));
    }

    /// ℓ⁽ᵏ⁾ over a narrow z as before the mean-value form: MPFR's σ(m) ± r/4, and the range of Pₖ
    /// over that interval.
    fn previous_narrow_loss(loss: Loss, k: u32, z: I) -> I {
        let m = z.mid();
        let s = ONE / (ONE + (-pt(m)).exp()) + I::try_from((-0.25, 0.25)).unwrap() * pt((z - pt(m)).mag());
        let s = s.intersection(I::try_from((0.0, 1.0)).unwrap());
        // The range of Pₖ over s (the critical points inside add nothing to one interval evaluation).
        loss_poly(loss, k, s)
    }

    #[test]
    fn loss_derivatives_contain_exact_values_and_are_tighter_over_narrow_ranges() {
        let mut g = Lcg(9);
        for loss in [Loss::Logistic, Loss::Sigmoid] {
            for k in 1..=3 {
                for case in 0..40 {
                    let m = 6.0 * g.next();
                    let r = [0.0, 1e-12, 1e-8, 3e-7][case % 4];
                    let z = I::try_from((m - r, m + r)).unwrap();
                    let e = loss_derivative(loss, k, z);
                    for t in [-1.0, g.next(), 1.0] {
                        let zeta = (m + t * r).clamp(z.inf(), z.sup());
                        let (lo, hi) = loss_bracket(loss, k, &exact(zeta));
                        assert!(holds(&e, &lo, &hi), "{loss:?} ℓ^({k}) over {z:?} misses ℓ^({k})({zeta})");
                    }
                    let before = previous_narrow_loss(loss, k, z);
                    // No wider, up to a few ulps of rounding (MPFR's `exp` is correctly rounded, ours
                    // has a few ulps: visible at points only).
                    let ulps = 8.0 * f64::EPSILON;
                    assert!(e.wid() <= before.wid() + ulps, "{loss:?} k = {k} over {z:?}: {e:?} vs {before:?}");
                    if r >= 1e-8 {
                        // First order: 2r·|ℓ⁽ᵏ⁺¹⁾(m)| + O(r²) + rounding (Pₖ₊₁ over S₀ of width r/2).
                        let (lo, hi) = loss_bracket(loss, k + 1, &exact(m));
                        let slope = lo.abs().max(hi.abs()).to_f64().unwrap();
                        assert!(e.wid() <= 2.0 * r * (slope + 200.0 * r) + 1e-13, "{loss:?} k = {k}, {z:?}");
                    }
                }
            }
        }
        // σ⁗ = r5(σ) against a central difference of σ‴ = r4(σ), in f64.
        for z in [-2.0, -0.3, 0.8, 2.2] {
            let s = |z: f64| pt(1.0 / (1.0 + (-z).exp()));
            let h = 1e-4;
            // σ‴ = logistic ℓ⁗, σ⁗ = −(sigmoid ℓ⁗).
            let r4 = |s| loss_poly(Loss::Logistic, 4, s);
            let fd = (r4(s(z + h)).mid() - r4(s(z - h)).mid()) / (2.0 * h);
            assert!((-loss_poly(Loss::Sigmoid, 4, s(z)).mid() - fd).abs() < 1e-7, "σ⁗({z})");
        }
    }

    /// The digits objective of the figures (sigmoid loss, l2 = 1/100, bias, scale 1/16) or logistic.
    fn digits(loss: Loss) -> (Dataset, Data) {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
        let ds = Dataset::load(
            "data/digits_3v5.csv",
            &base.join("data/digits_3v5.csv"),
            loss,
            parse_rat("1/100").unwrap(),
            true,
            rat(1) / rat(16),
        )
        .unwrap();
        let bytes = std::fs::read(base.join("data/digits_3v5.csv")).unwrap();
        (ds, read_csv(&bytes, "digits").unwrap())
    }

    /// The gradient as before the centred forms (the previous implementation, for width
    /// comparisons): margins and column sums by interval multiply-adds, σ by MPFR's `exp`, narrow
    /// margins by [`previous_narrow_loss`].
    fn previous_gradient(ds: &Dataset, w: &[I]) -> Vec<I> {
        let p = &ds.pre;
        let u: Vec<I> = p
            .rows
            .iter()
            .map(|r| {
                let z = dot(r.iter().map(|&(j, yx, _, _)| (yx, w[j])));
                if z.wid() < 1e-6 {
                    return previous_narrow_loss(ds.loss, 1, z);
                }
                loss_derivative(ds.loss, 1, z)
            })
            .collect();
        let mut acc = vec![pt(0.0); p.d];
        for (r, &ui) in p.rows.iter().zip(&u) {
            for e in r {
                acc[e.0] = ui.mul_add(e.1, acc[e.0]);
            }
        }
        acc.into_iter().zip(w).map(|(s, &wj)| s * p.inv_n + p.l2 * wj).collect()
    }

    /// A box of radius `r` around a random centre in [−0.05, 0.05]⁶⁵.
    fn random_box(g: &mut Lcg, r: f64) -> Vec<I> {
        (0..65)
            .map(|_| {
                let c = 0.05 * g.next();
                I::try_from((c - r, c + r)).unwrap()
            })
            .collect()
    }

    /// The integers m = x·2ᵉ of dyadic rationals x, with the smallest common e ≥ 0.
    fn common_scale(xs: &[Rat]) -> (Vec<num_bigint::BigInt>, usize) {
        let e = xs.iter().map(|x| x.denom().bits() as usize - 1).max().unwrap_or(0);
        let m = xs.iter().map(|x| x * Rat::from_integer(num_bigint::BigInt::from(1) << e)).collect::<Vec<_>>();
        assert!(m.iter().all(|v| v.is_integer()), "dyadic");
        (m.into_iter().map(|v| v.to_integer()).collect(), e)
    }

    #[test]
    fn digits_gradient_contains_exact_values_at_random_points_of_random_boxes() {
        // Exact: ∇f(w) = (1/n) Σ ℓ′(zᵢ) yᵢx̃ᵢ + l2·w at points w of the box, with ℓ′(zᵢ) ∈ [aᵢ, bᵢ]
        // ([`loss_bracket`]); everything is dyadic but 1/n, so the sums run over integers
        // (16x̃ᵢⱼ, 2ᵉw, 2ᶠaᵢ, 2ᶠbᵢ).
        let mut g = Lcg(17);
        for loss in [Loss::Sigmoid, Loss::Logistic] {
            let (ds, data) = digits(loss);
            let x16: Vec<Vec<i64>> = data
                .features
                .iter()
                .map(|r| r.iter().map(|v| v.to_integer().to_i64().unwrap()).chain([16]).collect())
                .collect();
            let n = Rat::from_integer(x16.len().into());
            for r in [0.0, 1e-8, 0.3] {
                let w = random_box(&mut g, r);
                let enc = ds.gradient_parts(&w).1;
                let pnt: Vec<Rat> = w.iter().map(|b| exact((b.mid() + r * g.next()).clamp(b.inf(), b.sup()))).collect();
                let (wi, e) = common_scale(&pnt);
                let z_den = Rat::from_integer(num_bigint::BigInt::from(16) << e);
                let mut ends = Vec::new();
                for (xi, &y) in x16.iter().zip(&data.labels) {
                    let dot: num_bigint::BigInt = xi.iter().zip(&wi).map(|(&a, b)| b * a).sum();
                    let z = Rat::from_integer(dot * i64::from(y)) / &z_den;
                    let (a, b) = loss_bracket(loss, 1, &z);
                    ends.extend([a, b]);
                }
                let (ab, f) = common_scale(&ends);
                let mut lo = vec![num_bigint::BigInt::from(0); 65];
                let mut hi = lo.clone();
                for ((xi, &y), ab) in x16.iter().zip(&data.labels).zip(ab.chunks(2)) {
                    for (j, &xij) in xi.iter().enumerate().filter(|(_, v)| **v != 0) {
                        let c = xij * i64::from(y);
                        let (p, q) = (&ab[0] * c, &ab[1] * c);
                        let (p, q) = if p <= q { (p, q) } else { (q, p) };
                        lo[j] += p;
                        hi[j] += q;
                    }
                }
                let den = Rat::from_integer(num_bigint::BigInt::from(16) << f) * &n;
                for j in 0..65 {
                    let wj = &pnt[j] / rat(100);
                    let (lo, hi) =
                        (Rat::from_integer(lo[j].clone()) / &den + &wj, Rat::from_integer(hi[j].clone()) / &den + &wj);
                    assert!(holds(&enc[j], &lo, &hi), "{loss:?} r = {r}, g_{j}: {:?}", enc[j]);
                }
            }
        }
    }

    #[test]
    fn digits_hessian_matrix_and_spectrum_contain_independent_values() {
        let (ds, data) = digits(Loss::Logistic);
        let x16: Vec<Vec<i64>> = data
            .features
            .iter()
            .map(|r| r.iter().map(|v| v.to_integer().to_i64().unwrap()).chain([16]).collect())
            .collect();
        let n = x16.len();
        // Logistic at w = 0: ℓ″(0) = 1/4, so ∇²f = X̃ᵀX̃/(4n) + I/100 exactly (x̃ = x16/16).
        let d2: Vec<I> = vec![loss_derivative(Loss::Logistic, 2, pt(0.0)); n];
        let h = ds.hessian_matrix(&d2);
        let den = Rat::from_integer((256 * 4 * n as i64).into());
        for j in 0..65 {
            for k in 0..65 {
                let dot: i64 = x16.iter().map(|r| r[j] * r[k]).sum();
                let exact = Rat::from_integer(dot.into()) / &den + if j == k { rat(1) / rat(100) } else { rat(0) };
                assert!(interval_contains_rat(&h[j][k], &exact), "H[{j}][{k}] = {:?} vs {exact}", h[j][k]);
                assert!(h[j][k].wid() < 1e-13, "H[{j}][{k}] too wide: {:?}", h[j][k]);
            }
        }
        // Sigmoid at w = 0: ℓ″(0) = 0, ∇²f = I/100: every eigenvalue, interior ones included (the
        // structure alone gives them only the hull of the extremes), is enclosed tightly around 1/100.
        let (ds, _) = digits(Loss::Sigmoid);
        let e = ds.hessian_eigenvalues(&vec![pt(0.0); 65]);
        for (k, ek) in e.iter().enumerate() {
            assert!(interval_contains_rat(ek, &(rat(1) / rat(100))) && ek.wid() < 1e-12, "λ_{k} ∈ {ek:?}");
        }
        // Sigmoid at random points: the eigenvalues of the Hessian computed in f64 from the definition
        // (error about 1e-15·‖H‖) lie in the enclosures, which are narrow enough to exclude a value
        // 1e-9 away; hessian_range brackets the extreme ones as tightly.
        let eigenvalues = |w: &[f64]| {
            let mut hf = nalgebra::DMatrix::<f64>::from_diagonal_element(65, 65, 0.01);
            for (r, &y) in x16.iter().zip(&data.labels) {
                let xt: Vec<f64> = r.iter().map(|&v| v as f64 / 16.0).collect();
                let z = f64::from(y) * xt.iter().zip(w).map(|(a, b)| a * b).sum::<f64>();
                let s = 1.0 / (1.0 + (-z).exp());
                // ℓ = 1 − σ: ℓ″ = −σ(1 − σ)(1 − 2σ).
                let l2 = -s * (1.0 - s) * (1.0 - 2.0 * s);
                for j in 0..65 {
                    for k in 0..65 {
                        hf[(j, k)] += l2 * xt[j] * xt[k] / n as f64;
                    }
                }
            }
            let mut lam: Vec<f64> = nalgebra::SymmetricEigen::new(hf).eigenvalues.iter().copied().collect();
            lam.sort_by(f64::total_cmp);
            lam
        };
        let (mut g, mut dir) = (Lcg(5), Lcg(11));
        for _ in 0..3 {
            let w: Vec<f64> = (0..65).map(|_| 0.3 * g.next()).collect();
            let lam = eigenvalues(&w);
            let wb: Vec<I> = w.iter().map(|&v| pt(v)).collect();
            let e = ds.hessian_eigenvalues(&wb);
            for (k, (ek, &l)) in e.iter().zip(&lam).enumerate() {
                assert!(ek.inf() - 1e-12 <= l && l <= ek.sup() + 1e-12, "λ_{k} = {l} ∉ {ek:?}");
                assert!(ek.wid() < 1e-9, "λ_{k} enclosure too wide: {ek:?}");
            }
            assert!(lam[0] < 0.0, "the sigmoid loss is not convex here");
            let (lo, hi) = ds.checked().hessian_range(&wb);
            assert!(lo <= lam[0] + 1e-12 && lam[0] - lo < 1e-9, "λ_lo = {lo} vs λ_min = {}", lam[0]);
            assert!(hi >= lam[64] - 1e-12 && hi - lam[64] < 1e-9, "λ_hi = {hi} vs λ_max = {}", lam[64]);
            // On a ball around w: the range holds the centre's spectrum and is no wider than the
            // range on the ball's box hull (margins ± r‖x̃ᵢ‖₂ instead of ± r‖x̃ᵢ‖₁).
            let r = 0.05;
            let (blo, bhi) = ds.checked().hessian_range_ball(&w, r);
            let boxed: Vec<I> = w.iter().map(|&v| I::try_from((v - r, v + r)).unwrap()).collect();
            let (xlo, xhi) = ds.checked().hessian_range(&boxed);
            // A point on the sphere of radius 0.99r (random direction) has its spectrum inside too.
            let u: Vec<f64> = (0..65).map(|_| dir.next()).collect();
            let scale = 0.99 * r / u.iter().map(|v| v * v).sum::<f64>().sqrt();
            let edge: Vec<f64> = w.iter().zip(&u).map(|(a, b)| a + scale * b).collect();
            for l in [&lam, &eigenvalues(&edge)] {
                assert!(blo <= l[0] && l[64] <= bhi, "[{blo}, {bhi}] vs [{}, {}]", l[0], l[64]);
            }
            assert!(blo >= xlo && bhi <= xhi && bhi - blo < xhi - xlo, "ball [{blo}, {bhi}] vs box [{xlo}, {xhi}]");
        }
    }

    #[test]
    fn digits_gradient_is_no_wider_than_before() {
        // Radius 10⁻⁸ (the figure's box), points, and a wide box: coordinate by coordinate against the
        // previous implementation. Radius 10⁻⁸: no wider (sigmoid: about 30 times narrower in total,
        // the mean-value form of ℓ′); points: within a factor 4 (measured 1.6: the f64 exponential and
        // the rounding bound of the centred sums have a few more ulps than MPFR's exp and interval
        // rounding); the wide box (interval sums there): the same up to rounding of σ.
        let mut g = Lcg(23);
        for loss in [Loss::Sigmoid, Loss::Logistic] {
            let (ds, _) = digits(loss);
            for (r, factor) in [(1e-8, 1.0), (0.0, 4.0), (0.3, 1.0 + 1e-9)] {
                let w = random_box(&mut g, r);
                let (new, old) = (ds.gradient_parts(&w).1, previous_gradient(&ds, &w));
                let (sn, so): (f64, f64) = (new.iter().map(|x| x.wid()).sum(), old.iter().map(|x| x.wid()).sum());
                for (a, b) in new.iter().zip(&old) {
                    assert!(a.wid() <= b.wid() * factor + 1e-17, "{loss:?} r = {r}: {a:?} vs {b:?}");
                }
                eprintln!("{loss:?} radius {r}: total gradient width {sn:.3e} (previously {so:.3e})");
            }
        }
    }

    #[test]
    fn value_contains_closed_forms_and_the_expression_of_the_same_risk() {
        use crate::objective::expression::Expression;
        // w = 0: every margin is 0, so f = ℓ(0): ln 2 (logistic; the f64 LN_2 lies just below it) or 1/2.
        let zero = vec![pt(0.0); 3];
        let v = small(Loss::Logistic, "1/10", true).value(&zero);
        let ln2_up = f64::from_bits(std::f64::consts::LN_2.to_bits() + 1);
        assert!(v.inf() <= std::f64::consts::LN_2 && v.sup() >= ln2_up && v.wid() < 1e-14, "{v:?}");
        assert!(!v.contains(std::f64::consts::LN_2 + 1e-12), "a wrong value must be excluded: {v:?}");
        assert!(small(Loss::Sigmoid, "1/10", true).value(&zero).contains(0.5));
        // The same risk written as an expression (independent code path: parsed, inari on the tree).
        let csv = "label,a,b\n1,1,2\n-1,3,0\n1,0,1\n-1,2,2\n";
        let rows = [(1, "1*a + 2*b + c"), (-1, "3*a + c"), (1, "b + c"), (-1, "2*a + 2*b + c")];
        for (loss, term) in [(Loss::Sigmoid, "(1 - sigma(Z))"), (Loss::Logistic, "log(1 + exp(-(Z)))")] {
            let ds =
                Dataset::new("t.csv", csv.as_bytes(), "t.csv", loss, parse_rat("1/10").unwrap(), true, rat(1)).unwrap();
            let sum: Vec<String> = rows.iter().map(|(y, z)| term.replace('Z', &format!("{y}*({z})"))).collect();
            let f = format!("({})/4 + (1/20)*(a^2 + b^2 + c^2)", sum.join(" + "));
            let e = Expression::new(vec!["a".into(), "b".into(), "c".into()], &f).unwrap();
            let mut seed = 7u64;
            for _ in 0..50 {
                let w: Vec<I> = (0..3)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        pt(((seed >> 11) as f64 / (1u64 << 53) as f64) * 6.0 - 3.0)
                    })
                    .collect();
                let (a, b) = (ds.value(&w), BoxObjective::value(&e, &w));
                assert!(a.inf() <= b.sup() && b.inf() <= a.sup(), "{loss:?} at {w:?}: {a:?} vs {b:?}");
                assert!(a.wid() < 1e-13 && b.wid() < 1e-13, "{loss:?}: {a:?} {b:?}");
            }
        }
    }

    #[test]
    fn logistic_smoothness_is_gram_norm_over_4n_plus_l2() {
        let ds = small(Loss::Logistic, "0.1", false);
        // X = [[1,2],[3,0],[0,1],[2,2]]: XᵀX = [[14, 6], [6, 9]], λ_max = (23 + √(25 + 144))/2 = 18.
        let (lo, hi) = ds.gram_norm_bracket().clone();
        assert!(lo <= rat(18) && rat(18) <= hi && &hi - &lo < parse_rat("1e-9").unwrap(), "[{lo}, {hi}]");
        // L = 18/(4·4) + 1/10 = 1.225 at w = 0.
        let l = ds.enclose(Quantity::HessNorm, &[pt(0.0); 2]);
        assert!(l.contains(1.225) && l.wid() < 1e-9, "{l:?}");
        // A box: the bound can only grow, and still contains the value at w = 0.
        let b = I::try_from((-0.1, 0.1)).unwrap();
        let lb = ds.enclose(Quantity::HessNorm, &[b, b]);
        assert!(lb.contains(1.225));
    }
}
#[test]
fn csv_dialects() {
    // A UTF-8 byte-order mark and a quoted header (Excel, pandas with quoting).
    let d = read_csv("\u{feff}\"label\",\"a\",\"b, c\"\n1,\"0.5\",2\n-1,3,\"1/2\"\n".as_bytes(), "d.csv").unwrap();
    assert_eq!(d.labels, vec![1, -1]);
    assert_eq!(d.names, vec!["a".to_string(), "b, c".to_string()]);
    assert_eq!(d.features[1][1], Rat::new(1.into(), 2.into()));
    assert!(!d.labels_01);
    // Labels 0 and 1 are read as -1 and +1, and say so.
    let d = read_csv(b"label,a\n0,1\n1,2\n0,3\n", "d.csv").unwrap();
    assert_eq!((d.labels, d.labels_01), (vec![-1, 1, -1], true));
    // 0 among -1 and 1 is an error naming the line; so is a pandas index column.
    let e = read_csv(b"label,a\n-1,1\n1,2\n0,3\n", "d.csv").unwrap_err().to_string();
    assert!(e.contains("d.csv line 4: label 0 among labels -1 and 1"), "{e}");
    let e = read_csv(b",label,a\n0,1,2\n1,-1,3\n", "d.csv").unwrap_err().to_string();
    assert!(e.contains("d.csv line 1: column 1 has no name: a pandas index column?"), "{e}");
    let e = read_csv(b"label,a\n1,\"2\n", "d.csv").unwrap_err().to_string();
    assert!(e.contains("line 2: a quoted cell is not closed"), "{e}");
    // Only positive labels: nothing is mapped.
    assert!(!read_csv(b"label,a\n1,1\n", "d.csv").unwrap().labels_01);
}
