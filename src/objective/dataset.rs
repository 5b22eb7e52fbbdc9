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
use crate::enclose::symmetric::{dot, EigBounds};
use crate::enclose::taylor::{self, SeriesMap};
use crate::exact::{fmt_rat, parse_rat, Rat};
use crate::{Error, Result};
use inari::{const_interval, Interval};
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use rayon::prelude::*;
use std::path::Path;
use std::sync::Arc;

/// The JSON pointer of the data path in a spec.
pub const POINTER: &str = "/objective/data";

/// The loss ℓ applied to the margin zᵢ = yᵢ⟨x̃ᵢ, w⟩.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// ℓ(z) = log(1 + e^{−z}) (convex).
    Logistic,
    /// ℓ(z) = 1 − σ(z) (non-convex, bounded).
    Sigmoid,
}

impl Loss {
    /// The spec's name: `logistic` or `sigmoid`.
    pub fn name(self) -> &'static str {
        match self {
            Loss::Logistic => "logistic",
            Loss::Sigmoid => "sigmoid",
        }
    }
}

/// The parsed CSV: labels ±1 and exact features.
#[derive(Debug)]
pub struct Data {
    /// Labels, each ±1.
    pub labels: Vec<i8>,
    /// Features as written (exact), one row per example, without bias.
    pub features: Vec<Vec<Rat>>,
    /// Feature column names, in order.
    pub names: Vec<String>,
}

/// Reads the CSV at `path` (shown as `shown` in errors): a header row with a `label` column and
/// feature columns, then one row per example. Errors name the file and line, at [`POINTER`].
pub fn read_csv(bytes: &[u8], shown: &str) -> Result<Data> {
    let bad = |line: usize, msg: String| Error::spec(POINTER, format!("{shown} line {line}: {msg}"));
    let text = std::str::from_utf8(bytes).map_err(|_| Error::spec(POINTER, format!("{shown}: not UTF-8 text")))?;
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(Error::spec(POINTER, format!("{shown}: empty file (expected a header row)")));
    };
    let cols: Vec<&str> = header.split(',').map(str::trim).collect();
    let Some(label_col) = cols.iter().position(|c| *c == "label") else {
        return Err(bad(1, "header has no \"label\" column".into()));
    };
    if cols.len() < 2 {
        return Err(bad(1, "header needs a \"label\" column and at least one feature column".into()));
    }
    let names: Vec<String> =
        cols.iter().enumerate().filter(|(j, _)| *j != label_col).map(|(_, c)| c.to_string()).collect();
    let (mut labels, mut features) = (Vec::new(), Vec::new());
    for (i, line) in lines {
        let n = i + 1;
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != cols.len() {
            return Err(bad(n, format!("row has {} cells, expected {} (as the header)", cells.len(), cols.len())));
        }
        let mut row = Vec::with_capacity(cols.len() - 1);
        for (j, c) in cells.iter().enumerate() {
            // Small integers (the usual cell) without the general parser.
            let v = match c.parse::<i64>() {
                Ok(k) => Rat::from_integer(k.into()),
                Err(_) => {
                    parse_rat(c).map_err(|_| bad(n, format!("column {} ({}): not a number: {c:?}", j + 1, cols[j])))?
                }
            };
            if j == label_col {
                if v == Rat::one() {
                    labels.push(1);
                } else if v == -Rat::one() {
                    labels.push(-1);
                } else {
                    return Err(bad(n, format!("label must be 1 or -1, got {}", fmt_rat(&v))));
                }
            } else {
                row.push(v);
            }
        }
        features.push(row);
    }
    if labels.is_empty() {
        return Err(Error::spec(POINTER, format!("{shown}: no data rows after the header")));
    }
    Ok(Data { labels, features, names })
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
}

impl Dataset {
    /// Builds the objective from the CSV bytes. Fails (at [`POINTER`]) when the exact Gram
    /// matrix would overflow 128-bit integers.
    pub fn new(path: &str, bytes: &[u8], shown: &str, loss: Loss, l2: Rat, bias: bool, scale: Rat) -> Result<Self> {
        let sha256 = crate::certificate::sha256_hex(bytes);
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
        Ok(Dataset { path: path.to_string(), sha256, loss, l2, bias, scale, pre })
    }

    /// Reads `base/path` and builds the objective.
    pub fn load(path: &str, base: &Path, loss: Loss, l2: Rat, bias: bool, scale: Rat) -> Result<Self> {
        let full = base.join(path);
        let shown = full.to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(&full).map_err(|e| Error::spec(POINTER, format!("cannot read {shown}: {e}")))?;
        Dataset::new(path, &bytes, &shown, loss, l2, bias, scale)
    }

    /// Number of examples n.
    pub fn examples(&self) -> usize {
        self.pre.n
    }

    /// Exact bracket [lower, upper] of ‖X̃‖₂² (Rayleigh quotient, Collatz–Wielandt).
    pub fn gram_norm_bracket(&self) -> &(Rat, Rat) {
        &self.pre.gram_exact
    }

    /// Encloses every margin zᵢ = yᵢ⟨x̃ᵢ, w⟩ over the box. Enclosure: rigorous.
    fn margins(&self, w: &[Interval]) -> Vec<Interval> {
        self.pre.rows.iter().map(|r| dot(r.iter().map(|&(j, yx, _, _)| (yx, w[j])))).collect()
    }

    /// Σᵢ cᵢ·eᵢⱼ for every column j, with eᵢⱼ one of the stored entries (`pick`). Enclosure: rigorous.
    fn column_sums(
        &self,
        c: &[Interval],
        pick: impl Fn(&(usize, Interval, Interval, Interval)) -> Interval,
    ) -> Vec<Interval> {
        let zero = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
        let mut acc = vec![zero; self.pre.d];
        for (r, &ci) in self.pre.rows.iter().zip(c) {
            for e in r {
                acc[e.0] = ci.mul_add(pick(e), acc[e.0]);
            }
        }
        acc
    }

    fn hessian_eig(&self, z: &[Interval]) -> EigBounds {
        let p = &self.pre;
        let d2: Vec<Interval> = z.par_iter().map(|&z| loss_d2(self.loss, z)).collect();
        let dmax = d2.iter().map(|x| x.sup()).fold(f64::NEG_INFINITY, f64::max).max(0.0);
        let dmin = d2.iter().map(|x| x.inf()).fold(f64::INFINITY, f64::min).min(0.0);
        let s_over_n = Interval::try_from((p.gram_norm.sup(), p.gram_norm.sup())).expect("finite") * p.inv_n;
        let pt = |x: f64| Interval::try_from((x, x)).unwrap_or(Interval::ENTIRE);
        let lmax_hi = (p.l2 + pt(dmax) * s_over_n).sup();
        let lmin_lo = (p.l2 + pt(dmin) * s_over_n).inf();
        // Rayleigh quotients: at the Perron vector and at each coordinate vector.
        let mut rq = vec![dot(d2.iter().zip(&p.xv).map(|(&a, &b)| (a, b.sqr()))) * p.inv_n / p.v_sq + p.l2];
        rq.extend(self.column_sums(&d2, |e| e.2).into_iter().map(|s| s * p.inv_n + p.l2));
        let lmax_lo = rq.iter().map(|r| r.inf()).fold(f64::NEG_INFINITY, f64::max);
        let lmin_hi = rq.iter().map(|r| r.sup()).fold(f64::INFINITY, f64::min);
        match (Interval::try_from((lmin_lo, lmin_hi)), Interval::try_from((lmax_lo, lmax_hi))) {
            (Ok(min), Ok(max)) => EigBounds { min, max },
            _ => EigBounds::ENTIRE,
        }
    }

    fn third_norm(&self, z: &[Interval]) -> Interval {
        let p = &self.pre;
        let d3: Vec<Interval> = z.par_iter().map(|&z| loss_d3(self.loss, z)).collect();
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
    fn dim(&self) -> usize {
        self.pre.d
    }

    /// Enclosure: rigorous. Tightness: one interval dot product per margin and per coordinate.
    fn gradient(&self, w: &[Interval]) -> Vec<Interval> {
        let p = &self.pre;
        let z = self.margins(w);
        let u: Vec<Interval> = z.par_iter().map(|&z| loss_d1(self.loss, z)).collect();
        self.column_sums(&u, |e| e.1).into_iter().zip(w).map(|(s, &wj)| s * p.inv_n + p.l2 * wj).collect()
    }

    fn enclose(&self, q: Quantity, w: &[Interval]) -> Interval {
        match q {
            Quantity::GradNorm => {
                let g = norm(&BoxObjective::gradient(self, w));
                // ‖(1/n)X̃ᵀu + l2·w‖ ≤ ‖X̃‖₂‖u‖/n + l2‖w‖.
                let p = &self.pre;
                let z = self.margins(w);
                let u: Vec<Interval> = z.par_iter().map(|&z| loss_d1(self.loss, z)).collect();
                let alt = p.gram_norm.sqrt() * norm(&u) * p.inv_n + p.l2 * norm(w);
                let hi = g.sup().min(alt.sup());
                Interval::try_from((g.inf().min(hi), hi)).unwrap_or(Interval::ENTIRE)
            }
            Quantity::HessNorm => self.hessian_eig(&self.margins(w)).norm(),
            Quantity::NegLambdaMin => -self.hessian_eig(&self.margins(w)).min,
            Quantity::ThirdNorm => self.third_norm(&self.margins(w)),
        }
    }

    /// Taylor mode through the structure: the margins zᵢ(t) are linear in w(t), ℓ′(zᵢ(t)) comes from
    /// the series of σ(zᵢ(t)) (logistic: ℓ′ = σ − 1; sigmoid: ℓ′ = −σ(1 − σ)), and
    /// ∇f = (1/n)Σ ℓ′(zᵢ)yᵢx̃ᵢ + l2·w is linear again. Per order: two passes over the data (O(n·nnz))
    /// plus O(n·k) for the σ recurrences.
    fn gradient_series(&self) -> Box<dyn SeriesMap + '_> {
        let n = self.pre.n;
        let rows = self
            .pre
            .rows
            .iter()
            .map(|r| r.iter().map(|&(j, yx, _, _)| (j, MidRad::split(yx).expect("data entries are bounded"))).collect())
            .collect();
        Box::new(MarginSeries {
            ds: self,
            rows,
            z: vec![Vec::new(); n],
            s: vec![Vec::new(); n],
            v: vec![Vec::new(); n],
        })
    }

    /// The smaller of the upper end of [`Quantity::NegLambdaMin`] and the trace bound: with
    /// dᵢ⁻ = max(0, −ℓ″(zᵢ)), ∇²f ⪰ l2·I − (1/n)Σ dᵢ⁻x̃ᵢx̃ᵢᵀ, so
    /// −λ_min(∇²f) ≤ (1/n)Σ dᵢ⁻‖x̃ᵢ‖² − l2. Much tighter for the sigmoid loss once most margins are
    /// positive (ℓ″ < 0 only for z < 0): the structural bound charges the worst example to all of
    /// ‖X̃‖₂², the trace bound only the examples with negative curvature.
    ///
    /// Enclosure: rigorous (an upper bound).
    fn neg_lambda_min_sup(&self, w: &[Interval]) -> f64 {
        let p = &self.pre;
        let z = self.margins(w);
        let structural = (-self.hessian_eig(&z).min).sup();
        let zero = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
        let mut t = zero;
        for (&zi, &ri) in z.iter().zip(&p.row_norm) {
            let neg = (-loss_d2(self.loss, zi)).sup().max(0.0);
            if neg > 0.0 {
                t = Interval::try_from((neg, neg)).unwrap_or(Interval::ENTIRE).mul_add(ri.sqr(), t);
            }
        }
        structural.min((t * p.inv_n - p.l2).sup())
    }
}

/// The state of the Taylor-mode gradient of a [`Dataset`]: the entries yᵢx̃ᵢⱼ in midpoint–radius
/// form, and per example the coefficients so far of the margin zᵢ, of σ(zᵢ) and of σ(zᵢ)(1 − σ(zᵢ)).
struct MarginSeries<'a> {
    ds: &'a Dataset,
    rows: Vec<Vec<(usize, (f64, f64))>>,
    z: Vec<Vec<Interval>>,
    s: Vec<Vec<Interval>>,
    v: Vec<Vec<Interval>>,
}

impl SeriesMap for MarginSeries<'_> {
    /// Enclosure: rigorous (the two passes over the data by interval dot products for coefficient 0,
    /// in midpoint–radius form ([`MidRad`]) for the higher ones, whose values are small; the
    /// recurrences of `enclose::taylor`). Sequential: the result is deterministic.
    fn push(&mut self, wk: &[Interval]) -> Vec<Interval> {
        let p = &self.ds.pre;
        let loss = self.ds.loss;
        let k = self.z.first().map_or(0, Vec::len);
        let Some(w) = wk.iter().map(|&x| MidRad::split(x)).collect::<Option<Vec<_>>>() else {
            return vec![Interval::ENTIRE; wk.len()];
        };
        let mut u = Vec::with_capacity(p.n);
        for (i, (z, (s, v))) in self.z.iter_mut().zip(self.s.iter_mut().zip(self.v.iter_mut())).enumerate() {
            z.push(if k == 0 {
                dot(p.rows[i].iter().map(|&(j, yx, _, _)| (yx, wk[j])))
            } else {
                let mut acc = MidRad::default();
                for &(j, a) in &self.rows[i] {
                    acc.add(a, w[j]);
                }
                acc.finish()
            });
            taylor::sigma_next(z, s, v);
            u.push(match loss {
                Loss::Logistic if k == 0 => s[0] - ONE,
                Loss::Logistic => s[k],
                Loss::Sigmoid => -v[k],
            });
        }
        if k == 0 {
            let sums = self.ds.column_sums(&u, |e| e.1);
            return sums.into_iter().zip(wk).map(|(c, &wj)| c * p.inv_n + p.l2 * wj).collect();
        }
        let mut cols = vec![MidRad::default(); p.d];
        for (r, &ui) in self.rows.iter().zip(&u) {
            let Some(ui) = MidRad::split(ui) else {
                return vec![Interval::ENTIRE; wk.len()];
            };
            for &(j, a) in r {
                cols[j].add(a, ui);
            }
        }
        cols.into_iter().zip(wk).map(|(c, &wj)| c.finish() * p.inv_n + p.l2 * wj).collect()
    }
}

/// Σₜ aₜxₜ for intervals aₜ, xₜ accumulated in plain `f64` in midpoint–radius form: with
/// aₜ ⊆ ãₜ ± αₜ and xₜ ⊆ x̃ₜ ± ξₜ, Σ aₜxₜ ⊆ Σ ãₜx̃ₜ ± Σ (|ãₜ|ξₜ + αₜ(|x̃ₜ| + ξₜ)). The three sums
/// are computed in `f64` (ŝ, ê = Σ|ãₜx̃ₜ|, r̂); with n terms and g = γₙ₊₄ (each term of r̂ rounds
/// at most n + 3 times) and η = 2⁻¹⁰⁷⁴ (an underflowing product):
/// |Σ ãₜx̃ₜ − ŝ| ≤ g(ê + nη)/(1 − g) + nη, and the exact radius sum is ≤ (r̂ + 4nη)/(1 − g)
/// (Higham, *Accuracy and Stability*, §3.1). Several times faster than interval dot products.
///
/// Enclosure: rigorous. Tightness: the rounding bound is a worst case, ≈ n·u·Σ|ãx̃|.
#[derive(Clone, Copy, Debug, Default)]
struct MidRad {
    s: f64,
    e: f64,
    r: f64,
    n: usize,
}

impl MidRad {
    /// Midpoint and radius of an interval (`None` when unbounded or empty).
    fn split(x: Interval) -> Option<(f64, f64)> {
        if x.is_empty() || !x.inf().is_finite() || !x.sup().is_finite() {
            return None;
        }
        let m = x.mid();
        if x.inf() == x.sup() {
            return Some((m, 0.0));
        }
        Some((m, (point(x.sup()) - point(m)).sup().max((point(m) - point(x.inf())).sup())))
    }

    /// Adds a·x, both given as (midpoint, radius).
    fn add(&mut self, (am, ar): (f64, f64), (xm, xr): (f64, f64)) {
        let t = am * xm;
        self.s += t;
        self.e += t.abs();
        self.r += am.abs() * xr + ar * (xm.abs() + xr);
        self.n += 1;
    }

    /// The enclosure of the exact sum.
    fn finish(self) -> Interval {
        if !(self.s.is_finite() && self.e.is_finite() && self.r.is_finite()) {
            return Interval::ENTIRE;
        }
        let g = crate::dynamics::ivec::gamma(self.n + 4);
        let eta = point(self.n as f64) * point(f64::from_bits(1));
        let one_g = ONE - g;
        let err = g * (point(self.e) + eta) / one_g + eta + (point(self.r) + point(4.0) * eta) / one_g;
        let e = err.sup();
        point(self.s) + Interval::try_from((-e, e)).unwrap_or(Interval::ENTIRE)
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
    let feats: Vec<Vec<Rat>> = data
        .features
        .iter()
        .map(|r| {
            let mut v: Vec<Rat> = r.iter().map(|x| x * scale).collect();
            if bias {
                v.push(Rat::one());
            }
            v
        })
        .collect();
    let d = feats[0].len();
    // Exact Gram matrix G = X̃ᵀX̃ = M ᵀM / D², M = D·X̃ integer, D the common denominator.
    let den = feats.iter().flatten().fold(num_bigint::BigInt::one(), |acc, x| acc.lcm(x.denom()));
    let too_big = || Error::spec(POINTER, format!("{shown}: values too large for the exact Gram matrix (128-bit)"));
    let m: Vec<Vec<i128>> = feats
        .iter()
        .map(|r| {
            r.iter().map(|x| (x * Rat::from_integer(den.clone())).to_integer().to_i128().ok_or_else(too_big)).collect()
        })
        .collect::<Result<_>>()?;
    let mut g = vec![vec![0i128; d]; d];
    for row in &m {
        for a in 0..d {
            if row[a] == 0 {
                continue;
            }
            for b in a..d {
                let t = row[a].checked_mul(row[b]).ok_or_else(too_big)?;
                g[a][b] = g[a][b].checked_add(t).ok_or_else(too_big)?;
            }
        }
    }
    for a in 0..d {
        for b in 0..a {
            g[a][b] = g[b][a];
        }
    }
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
    // Collatz–Wielandt: ρ(|G|) ≤ maxᵢ (|G|v)ᵢ/vᵢ for v > 0; ‖X̃‖₂² = λ_max(G) ≤ ρ(|G|).
    let mut upper = Rat::zero();
    let mut gv = vec![Rat::zero(); d];
    for i in 0..d {
        let s = g[i].iter().zip(&vr).fold(Rat::zero(), |acc, (&x, y)| acc + Rat::from_integer(x.abs().into()) * y);
        let ratio = &s / &vr[i];
        if ratio > upper {
            upper = ratio;
        }
        gv[i] = g[i].iter().zip(&vr).fold(Rat::zero(), |acc, (&x, y)| acc + Rat::from_integer(x.into()) * y);
    }
    let vtv = vr.iter().fold(Rat::zero(), |a, x| a + x * x);
    let vtgv = vr.iter().zip(&gv).fold(Rat::zero(), |a, (x, y)| a + x * y);
    let lower = (vtgv / vtv).max(Rat::zero());
    let gram_exact = (&lower / &d2, &upper / &d2);
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
    let row_norm: Vec<Interval> = x.iter().map(|r| norm(r)).collect();
    let vi: Vec<Interval> = v.iter().map(|&a| Interval::try_from((a, a)).expect("finite")).collect();
    let xv: Vec<Interval> = x.iter().map(|r| dot(r.iter().copied().zip(vi.iter().copied()))).collect();
    let v_sq = dot(vi.iter().map(|&a| (a, a)));
    Ok(Pre {
        n,
        d,
        rows,
        row_norm,
        gram_norm,
        xv,
        v_sq,
        l2: rat_to_interval(l2),
        inv_n: rat_to_interval(&Rat::new(1.into(), n.into())),
        gram_exact,
    })
}

fn point(x: f64) -> Interval {
    Interval::try_from((x, x)).expect("a finite f64 is a point interval")
}

const ONE: Interval = const_interval!(1.0, 1.0);
const TWO: Interval = const_interval!(2.0, 2.0);

/// Enclosures of σ at the two ends of z (σ is increasing, so σ(z) lies between them).
///
/// For a narrow z (width below 1e-6) one exponential is enough: by the mean-value theorem and
/// 0 < σ′ ≤ 1/4, σ(z) ⊆ σ(m) + [−1/4, 1/4]·r with m the midpoint and r the radius of z, and that
/// single enclosure is returned for both ends (MPFR's exp dominates the cost of a gradient).
fn sigma_ends(z: Interval) -> (Interval, Interval) {
    const QUARTER: Interval = const_interval!(-0.25, 0.25);
    let at = |t: f64| match Interval::try_from((t, t)) {
        Ok(p) => ONE / (ONE + (-p).exp()),
        Err(_) if t < 0.0 => const_interval!(0.0, 0.0),
        Err(_) => ONE,
    };
    if z.wid() < 1e-6 {
        let m = z.mid();
        let r = (z - point(m)).mag();
        let s = at(m) + QUARTER * point(r);
        let s = s.intersection(const_interval!(0.0, 1.0));
        return (s, s);
    }
    (at(z.inf()), at(z.sup()))
}

/// Range of the polynomial `p` in s over s ∈ hull(ends), using the critical points `crit` of `p`:
/// the extremes are at the ends or at a critical point inside.
fn poly_range(p: impl Fn(Interval) -> Interval, ends: (Interval, Interval), crit: &[Interval]) -> Interval {
    let hull = ends.0.convex_hull(ends.1);
    let mut r = p(ends.0).convex_hull(p(ends.1));
    for &c in crit {
        let inside = c.intersection(hull);
        if !inside.is_empty() {
            r = r.convex_hull(p(inside));
        }
    }
    r
}

fn q(s: Interval) -> Interval {
    s * (ONE - s)
}

fn p3(s: Interval) -> Interval {
    s * (ONE - s) * (ONE - TWO * s)
}

fn r4(s: Interval) -> Interval {
    const SIX: Interval = const_interval!(6.0, 6.0);
    s * (ONE - s) * (ONE - SIX * s + SIX * s.sqr())
}

/// Critical points in s of q: 1/2; of p3: (3 ± √3)/6; of r4: 1/2, (3 ± √6)/6.
fn crit(k: u32) -> Vec<Interval> {
    const HALF: Interval = const_interval!(0.5, 0.5);
    const THREE: Interval = const_interval!(3.0, 3.0);
    const SIX: Interval = const_interval!(6.0, 6.0);
    match k {
        2 => vec![HALF],
        3 => {
            let r = THREE.sqrt();
            vec![(THREE - r) / SIX, (THREE + r) / SIX]
        }
        _ => {
            let r = SIX.sqrt();
            vec![HALF, (THREE - r) / SIX, (THREE + r) / SIX]
        }
    }
}

/// ℓ′ over the range z. Enclosure: rigorous.
fn loss_d1(loss: Loss, z: Interval) -> Interval {
    let ends = sigma_ends(z);
    match loss {
        // ℓ′ = σ − 1, increasing.
        Loss::Logistic => ends.0.convex_hull(ends.1) - ONE,
        // ℓ′ = −σ(1 − σ).
        Loss::Sigmoid => -poly_range(q, ends, &crit(2)),
    }
}

/// ℓ″ over the range z. Enclosure: rigorous.
fn loss_d2(loss: Loss, z: Interval) -> Interval {
    let ends = sigma_ends(z);
    match loss {
        Loss::Logistic => poly_range(q, ends, &crit(2)),
        Loss::Sigmoid => -poly_range(p3, ends, &crit(3)),
    }
}

/// ℓ‴ over the range z. Enclosure: rigorous.
fn loss_d3(loss: Loss, z: Interval) -> Interval {
    let ends = sigma_ends(z);
    match loss {
        Loss::Logistic => poly_range(p3, ends, &crit(3)),
        Loss::Sigmoid => -poly_range(r4, ends, &crit(4)),
    }
}

/// One line for reports: path, size, loss, l2 and scale.
pub fn describe(ds: &Dataset) -> String {
    format!(
        "dataset {} ({} examples), {} loss, l2 = {}{}{}",
        ds.path,
        ds.pre.n,
        ds.loss.name(),
        fmt_rat(&ds.l2),
        if ds.bias { ", bias" } else { "" },
        if ds.scale.is_one() { String::new() } else { format!(", features × {}", fmt_rat(&ds.scale)) }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enclose::interval_contains_rat;
    use crate::exact::rat;

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
        assert_eq!(err("label,a\n2,1\n"), "d.csv line 2: label must be 1 or -1, got 2");
        assert_eq!(err(""), "d.csv: empty file (expected a header row)");
        assert_eq!(err("a,b\n1,2\n"), "d.csv line 1: header has no \"label\" column");
        assert_eq!(err("label,a\n"), "d.csv: no data rows after the header");
    }

    #[test]
    fn loss_derivatives_match_closed_forms_at_points() {
        // Logistic at z: ℓ′ = σ(z) − 1, ℓ″ = σ(1 − σ), ℓ‴ = σ(1 − σ)(1 − 2σ); sigmoid: −σ′, −σ″, −σ‴.
        for z in [-3.0f64, -0.7, 0.0, 0.4, 2.5] {
            let s = 1.0 / (1.0 + (-z).exp());
            let (d1, d2, d3) = (s - 1.0, s * (1.0 - s), s * (1.0 - s) * (1.0 - 2.0 * s));
            let close = |iv: I, x: f64| iv.inf() - 1e-15 <= x && x <= iv.sup() + 1e-15 && iv.wid() < 1e-14;
            assert!(close(loss_d1(Loss::Logistic, pt(z)), d1));
            assert!(close(loss_d2(Loss::Logistic, pt(z)), d2));
            assert!(close(loss_d3(Loss::Logistic, pt(z)), d3));
            assert!(close(loss_d1(Loss::Sigmoid, pt(z)), -d2));
            assert!(close(loss_d2(Loss::Sigmoid, pt(z)), -d3));
            let s3 = s * (1.0 - s) * (1.0 - 6.0 * s + 6.0 * s * s);
            assert!(close(loss_d3(Loss::Sigmoid, pt(z)), -s3));
        }
        // Ranges over wide intervals reach the extremes: max σ(1−σ) = 1/4 at 0, max |σ″| = 1/(6√3).
        let wide = I::try_from((-5.0, 5.0)).unwrap();
        assert!(loss_d2(Loss::Logistic, wide).contains(0.25) && loss_d2(Loss::Logistic, wide).sup() < 0.2500001);
        let m = 1.0 / (6.0 * 3f64.sqrt());
        let r = loss_d2(Loss::Sigmoid, wide);
        assert!(r.contains(m) && r.contains(-m) && r.sup() < m + 1e-9, "{r:?}");
    }

    #[test]
    fn gradient_contains_the_exact_value_at_zero() {
        // At w = 0 every zᵢ = 0: logistic ℓ′(0) = −1/2, so ∇f(0) = −(1/2n) Σ yᵢ x̃ᵢ.
        let ds = small(Loss::Logistic, "0.1", true);
        let g = BoxObjective::gradient(&ds, &[pt(0.0); 3]);
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
                let g = BoxObjective::gradient(&ds, &w.map(pt));
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
