//! Dataset objectives for the checker: f(w) = (1/n) Σᵢ ℓ(zᵢ) + (l2/2)‖w‖², zᵢ = yᵢ⟨x̃ᵢ, w⟩, on
//! a CSV file of labelled feature vectors (labels yᵢ = ±1, x̃ᵢ = scale·xᵢ with a constant 1
//! appended when `bias`), with the logistic loss ℓ(z) = log(1 + e^{−z}) or the sigmoid loss
//! ℓ(z) = 1 − σ(z).
//!
//! This module reads the CSV (exact rationals), encloses the loss derivatives over a range of
//! margins, bounds ‖X̃‖₂² exactly, and gives the box enclosures the constants read
//! ([`crate::theorems::general::Derivatives`]), by the structure
//! ∇f = (1/n) Σ ℓ′(zᵢ) yᵢx̃ᵢ + l2·w, ∇²f = (1/n) X̃ᵀ diag(ℓ″(zᵢ)) X̃ + l2·I,
//! D³f = (1/n) Σ ℓ‴(zᵢ) yᵢ x̃ᵢ⊗x̃ᵢ⊗x̃ᵢ:
//! * ‖X̃‖₂² = λ_max(X̃ᵀX̃) ≤ S := maxⱼ (|G|v)ⱼ/vⱼ for the exact Gram matrix G = X̃ᵀX̃ and a stored
//!   positive vector v (Collatz–Wielandt: λ_max(G) ≤ ρ(|G|) ≤ that maximum);
//! * ‖∇f‖ ≤ ‖X̃‖₂‖ℓ′(z)‖/n + l2‖w‖ (|yᵢ| = 1), besides the interval gradient;
//! * every eigenvalue of ∇²f lies in l2 + [min(0, minᵢ ℓ″ᵢ), max(0, maxᵢ ℓ″ᵢ)]·S/n, and
//!   λ_min ≥ l2 − (1/n) Σᵢ max(0, −ℓ″ᵢ)‖x̃ᵢ‖² (the trace bound: only examples of negative
//!   curvature count);
//! * ‖D³f‖ ≤ min((1/n) Σᵢ |ℓ‴ᵢ| ‖x̃ᵢ‖³, maxᵢ|ℓ‴ᵢ|·maxᵢ‖x̃ᵢ‖·S/n) (Banach: the norm of a symmetric
//!   trilinear form is its supremum on the diagonal, |D³f(u, u, u)| ≤ (1/n) Σ |ℓ‴ᵢ||x̃ᵢ·u|³), and
//!   ≥ maxⱼ |D³f(eⱼ, eⱼ, eⱼ)| at a point.
//!
//! Enclosure: rigorous (inari's outward rounding; the data enter through `rat_to_interval`).

use crate::elementary::{sigmoid_at, Elementary};
use crate::exact::{fmt_rat, parse_rat, Rat};
use crate::interval::{norm2, point, pt, rat_to_interval, IMat, MidRad};
use crate::nonlinear::{spectrum_hull, Smooth};
use crate::taylor::SeriesMap;
use crate::theorems::general::Derivatives;
use inari::{const_interval, Interval};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::sync::Arc;

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

    /// The loss a spec names.
    pub fn from_name(name: &str) -> Option<Loss> {
        [Loss::Logistic, Loss::Sigmoid].into_iter().find(|l| l.name() == name)
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
    /// Whether the file's labels were 0 and 1 (read as −1 and +1).
    pub labels_01: bool,
}

/// The cells of one CSV line (RFC 4180 without line breaks inside quotes): fields split at commas
/// outside double quotes, a quoted field unquoted (`""` inside it is one `"`), spaces trimmed.
fn cells(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut was_quoted) = (false, false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.trim().is_empty() && !was_quoted => {
                (quoted, was_quoted) = (true, true);
                cur.clear();
            }
            (',', false) => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                was_quoted = false;
            }
            _ => cur.push(c),
        }
    }
    if quoted {
        return Err("a quoted cell is not closed".into());
    }
    out.push(cur.trim().to_string());
    Ok(out)
}

/// Reads CSV bytes (shown as `shown` in errors): a header row with a `label` column and feature
/// columns, then one row per example. A UTF-8 byte-order mark and quoted cells are read; labels
/// are ±1, or 0 and 1 throughout (read as −1 and +1, [`Data::labels_01`]); a column with an empty
/// name (a pandas index) is an error, not a feature. Errors name the file and line.
pub fn read_csv(bytes: &[u8], shown: &str) -> Result<Data, String> {
    let bad = |line: usize, msg: String| format!("{shown} line {line}: {msg}");
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(format!("{shown}: empty file (expected a header row)"));
    };
    let cols = cells(header).map_err(|e| bad(1, e))?;
    let Some(label_col) = cols.iter().position(|c| c == "label") else {
        return Err(bad(1, format!("header has no \"label\" column (columns: {})", cols.join(", "))));
    };
    if cols.iter().filter(|c| *c == "label").count() > 1 {
        return Err(bad(1, "header has more than one \"label\" column".into()));
    }
    if cols.len() < 2 {
        return Err(bad(1, "header needs a \"label\" column and at least one feature column".into()));
    }
    if let Some(j) = cols.iter().position(String::is_empty) {
        return Err(bad(
            1,
            format!(
                "column {} has no name: a pandas index column? (write the CSV with index=False, or name the \
                 column to use it as a feature)",
                j + 1
            ),
        ));
    }
    let names: Vec<String> = cols.iter().enumerate().filter(|(j, _)| *j != label_col).map(|(_, c)| c.clone()).collect();
    let (mut raw_labels, mut features) = (Vec::new(), Vec::new());
    for (i, line) in lines {
        let n = i + 1;
        let cells = cells(line).map_err(|e| bad(n, e))?;
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
                let l = [(-1i8, -Rat::one()), (0, Rat::zero()), (1, Rat::one())].into_iter().find(|(_, r)| *r == v);
                let Some((l, _)) = l else {
                    return Err(bad(n, format!("label must be 1 or -1 (or 0 and 1 throughout), got {}", fmt_rat(&v))));
                };
                raw_labels.push((n, l));
            } else {
                row.push(v);
            }
        }
        features.push(row);
    }
    if raw_labels.is_empty() {
        return Err(format!("{shown}: no data rows after the header"));
    }
    let labels_01 = raw_labels.iter().all(|&(_, l)| l >= 0) && raw_labels.iter().any(|&(_, l)| l == 0);
    if !labels_01 {
        if let Some(&(n, _)) = raw_labels.iter().find(|&&(_, l)| l == 0) {
            return Err(bad(n, "label 0 among labels -1 and 1: use -1 and 1, or 0 and 1 throughout".into()));
        }
    }
    let labels = raw_labels.into_iter().map(|(_, l)| if labels_01 && l == 0 { -1 } else { l }).collect();
    Ok(Data { labels, features, names, labels_01 })
}

/// The rows x̃ᵢ = scale·xᵢ (with a constant 1 appended when `bias`), exact.
pub fn design(data: &Data, bias: bool, scale: &Rat) -> Vec<Vec<Rat>> {
    data.features
        .iter()
        .map(|r| {
            let mut v: Vec<Rat> = r.iter().map(|x| x * scale).collect();
            if bias {
                v.push(Rat::one());
            }
            v
        })
        .collect()
}

/// The exact Gram matrix of the rows `x`: (MᵀM, D) with G = X̃ᵀX̃ = MᵀM/D², M = D·X̃ integer and D
/// the common denominator of the entries. `Err` when an entry or a sum overflows 128 bits.
#[allow(clippy::needless_range_loop)] // (a, b) index pairs of the symmetric matrix
pub fn gram(x: &[Vec<Rat>]) -> Result<(Vec<Vec<i128>>, BigInt), String> {
    let too_big = || "values too large for the exact Gram matrix (128-bit)".to_string();
    let d = x.first().map_or(0, Vec::len);
    let den = x.iter().flatten().fold(BigInt::one(), |acc, v| acc.lcm(v.denom()));
    let m: Vec<Vec<i128>> = x
        .iter()
        .map(|r| {
            r.iter().map(|v| (v * Rat::from_integer(den.clone())).to_integer().to_i128().ok_or_else(too_big)).collect()
        })
        .collect::<Result<_, _>>()?;
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
    Ok((g, den))
}

/// The Collatz–Wielandt bound maxⱼ (|G|v)ⱼ/vⱼ ≥ ρ(|G|) ≥ λ_max(G) of the integer matrix G at the
/// vector v, every vⱼ > 0 (`None` otherwise, or on a length mismatch). Exact: with v = a/D
/// (integers a, common denominator D), (|G|v)ⱼ/vⱼ = (|G|a)ⱼ/aⱼ.
pub fn collatz_wielandt(g: &[Vec<i128>], v: &[Rat]) -> Option<Rat> {
    if v.len() != g.len() || v.iter().any(|x| !x.is_positive()) {
        return None;
    }
    let den = v.iter().fold(BigInt::one(), |acc, x| acc.lcm(x.denom()));
    let a: Vec<BigInt> = v.iter().map(|x| (x * Rat::from_integer(den.clone())).to_integer()).collect();
    g.iter()
        .zip(&a)
        .map(|(row, aj)| {
            let s = row.iter().zip(&a).fold(BigInt::zero(), |s, (&x, ak)| s + BigInt::from(x.unsigned_abs()) * ak);
            Rat::new(s, aj.clone())
        })
        .max()
}

/// The loss-independent part of a dataset objective: the rows as intervals and ‖X̃‖₂²'s bound.
#[derive(Debug)]
pub struct Design {
    d: usize,
    /// Per example, its non-zero entries (j, yᵢx̃ᵢⱼ) (exact when dyadic).
    rows: Vec<Vec<(usize, Interval)>>,
    /// ‖x̃ᵢ‖.
    row_norm: Vec<Interval>,
    /// S ≥ ‖X̃‖₂², a point.
    gram_upper: Interval,
    inv_n: Interval,
}

impl Design {
    /// The design of `data` with S = the Collatz–Wielandt bound at the stored vector `v`, divided
    /// by D² ([`gram`], [`collatz_wielandt`]). `Err` says why v proves nothing.
    pub fn verified(data: &Data, bias: bool, scale: &Rat, v: &[Rat]) -> Result<Design, String> {
        let x = design(data, bias, scale);
        let (g, den) = gram(&x)?;
        Ok(Design::verified_gram(&x, &data.labels, (&g, &den), v)?.0)
    }

    /// [`Design::verified`] from the rows `x` ([`design`]), the labels and their exact Gram matrix
    /// ([`gram`]), for a caller that has them already; also returns S ≥ ‖X̃‖₂² as a rational.
    pub fn verified_gram(
        x: &[Vec<Rat>],
        labels: &[i8],
        (g, den): (&[Vec<i128>], &BigInt),
        v: &[Rat],
    ) -> Result<(Design, Rat), String> {
        let s = collatz_wielandt(g, v).ok_or(format!("the Gram vector needs {} positive entries", g.len()))?;
        let s = s / Rat::from_integer(den * den);
        let upper = rat_to_interval(&s).sup();
        if !upper.is_finite() {
            return Err("the Gram vector's bound of ‖X̃‖₂² exceeds f64::MAX".into());
        }
        let rows: Vec<Vec<(usize, Interval)>> = x
            .iter()
            .zip(labels)
            .map(|(r, &y)| {
                let y = point(f64::from(y));
                r.iter().enumerate().filter(|(_, a)| !a.is_zero()).map(|(j, a)| (j, y * rat_to_interval(a))).collect()
            })
            .collect();
        let row_norm = rows.iter().map(|r| norm2(&r.iter().map(|e| e.1).collect::<Vec<_>>())).collect();
        let design = Design {
            d: x.first().map_or(0, Vec::len),
            rows,
            row_norm,
            gram_upper: point(upper),
            inv_n: rat_to_interval(&Rat::new(BigInt::one(), BigInt::from(labels.len()))),
        };
        Ok((design, s))
    }

    /// Number of features d (with the bias).
    pub fn dim(&self) -> usize {
        self.d
    }

    /// The margins zᵢ = yᵢ⟨x̃ᵢ, w⟩ over the box w. Enclosure: rigorous.
    fn margins(&self, w: &[Interval]) -> Vec<Interval> {
        self.rows.iter().map(|r| r.iter().fold(point(0.0), |s, &(j, a)| a.mul_add(w[j], s))).collect()
    }
}

/// A dataset objective: its [`Design`], loss and l2.
#[derive(Clone, Debug)]
pub struct Dataset {
    /// The design (shared between objectives on the same data).
    pub design: Arc<Design>,
    /// The loss.
    pub loss: Loss,
    l2: Interval,
}

impl Dataset {
    /// The objective on `design` with `loss` and ridge weight `l2`.
    pub fn new(design: Arc<Design>, loss: Loss, l2: &Rat) -> Dataset {
        Dataset { design, loss, l2: rat_to_interval(l2) }
    }

    /// ℓ⁽ᵏ⁾(zᵢ) for every margin over the box w.
    fn loss_at(&self, k: u32, w: &[Interval]) -> Vec<Interval> {
        self.design.margins(w).into_iter().map(|z| loss_derivative(self.loss, k, z)).collect()
    }

    /// ∇f over the box, with the ℓ′(zᵢ) it came from. Enclosure: rigorous.
    pub fn gradient(&self, w: &[Interval]) -> (Vec<Interval>, Vec<Interval>) {
        let p = &self.design;
        let u = self.loss_at(1, w);
        let mut g = vec![point(0.0); p.d];
        for (r, &ui) in p.rows.iter().zip(&u) {
            for &(j, a) in r {
                g[j] = ui.mul_add(a, g[j]);
            }
        }
        let g = g.into_iter().zip(w).map(|(s, &wj)| s * p.inv_n + self.l2 * wj).collect();
        (u, g)
    }
}

impl Dataset {
    /// (1/n) Σᵢ cᵢ x̃ᵢx̃ᵢᵀ + l2·I for enclosures cᵢ ∋ ℓ″(zᵢ): each example adds its outer product
    /// over its non-zero entries (yᵢ² = 1: x̃ᵢⱼx̃ᵢₖ = (yᵢx̃ᵢⱼ)(yᵢx̃ᵢₖ)), upper triangle, then scaled
    /// and mirrored. O(Σᵢ nnzᵢ²). Enclosure: rigorous.
    pub fn hessian_with(&self, d2: &[Interval]) -> IMat {
        let p = &self.design;
        let d = p.d;
        let mut h = vec![point(0.0); d * d];
        for (r, &c) in p.rows.iter().zip(d2) {
            for (k, &(j, a)) in r.iter().enumerate() {
                let ca = c * a;
                for &(l, b) in &r[k..] {
                    let (s, t) = (j.min(l), j.max(l));
                    h[s * d + t] = ca.mul_add(b, h[s * d + t]);
                }
            }
        }
        for s in 0..d {
            for t in s..d {
                let v = h[s * d + t] * p.inv_n + if s == t { self.l2 } else { point(0.0) };
                h[s * d + t] = v;
                h[t * d + s] = v;
            }
        }
        IMat { rows: d, cols: d, a: h }
    }
}

impl Derivatives for Dataset {
    /// ‖∇f‖ ≤ min(‖interval ∇f‖, ‖X̃‖₂‖ℓ′(z)‖/n + l2‖w‖).
    fn grad_norm(&self, w: &[Interval]) -> Option<Interval> {
        let p = &self.design;
        let (u, g) = self.gradient(w);
        let g = norm2(&g);
        let alt = p.gram_upper.sqrt() * norm2(&u) * p.inv_n + self.l2 * norm2(w);
        let hi = g.sup().min(alt.sup());
        Interval::try_from((g.inf().min(hi), hi)).ok()
    }

    /// [maxⱼ |D³f(eⱼ, eⱼ, eⱼ)|, min((1/n)Σ|ℓ‴ᵢ|‖x̃ᵢ‖³, maxᵢ|ℓ‴ᵢ|·maxᵢ‖x̃ᵢ‖·S/n)].
    fn third_norm(&self, w: &[Interval]) -> Option<Interval> {
        let p = &self.design;
        let d3 = self.loss_at(3, w);
        let sum = d3.iter().zip(&p.row_norm).fold(point(0.0), |s, (a, r)| point(a.mag()).mul_add(r.powi(3), s));
        let max_d3 = d3.iter().map(|x| x.mag()).fold(0.0, f64::max);
        let max_row = p.row_norm.iter().map(|r| r.sup()).fold(0.0, f64::max);
        let hi = (sum * p.inv_n).sup().min((point(max_d3) * point(max_row) * p.gram_upper * p.inv_n).sup());
        // D³f(eⱼ, eⱼ, eⱼ) = (1/n) Σ ℓ‴(zᵢ) yᵢ x̃ᵢⱼ³ = (1/n) Σ ℓ‴(zᵢ) (yᵢx̃ᵢⱼ)³.
        let mut diag = vec![point(0.0); p.d];
        for (r, &c) in p.rows.iter().zip(&d3) {
            for &(j, a) in r {
                diag[j] = c.mul_add(a.powi(3), diag[j]);
            }
        }
        let lo = diag.iter().map(|t| (*t * p.inv_n).mig()).fold(0.0f64, f64::max);
        Interval::try_from((lo.min(hi), hi)).ok()
    }

    /// [`Dataset::hessian_with`] at the enclosures of ℓ″ over the box, when every entry is bounded.
    fn hessian(&self, w: &[Interval]) -> Option<IMat> {
        let h = self.hessian_with(&self.loss_at(2, w));
        h.a.iter().all(|x| x.is_common_interval()).then_some(h)
    }

    /// l2 + [min(0, minᵢ ℓ″ᵢ), max(0, maxᵢ ℓ″ᵢ)]·S/n, the lower end raised to the trace bound.
    fn eigen_hull(&self, w: &[Interval]) -> (f64, f64) {
        self.hull_of(&self.loss_at(2, w))
    }
}

impl Dataset {
    /// [λ_lo, λ_hi] ∋ the spectrum of ∇²f at every w whose margins lie in `z`: the structural hull
    /// of [`Derivatives::eigen_hull`] with the trace bound, and, where the structure does not show
    /// convexity (λ_lo < 0: the sigmoid loss) and the ℓ″ enclosures are narrow enough for the interval
    /// Hessian to help (8·maxᵢ rad ℓ″ᵢ·S/n below the hull's width, a cost rule, not a bound), also
    /// [`spectrum_hull`] of the interval Hessian matrix. Enclosure: rigorous.
    fn range_of_margins(&self, z: &[Interval]) -> (f64, f64) {
        let d2: Vec<Interval> = z.iter().map(|&z| loss_derivative(self.loss, 2, z)).collect();
        let (mut lo, mut hi) = self.hull_of(&d2);
        let rad = d2.iter().map(|x| x.wid()).fold(0.0, f64::max) * 0.5;
        let weyl = rad * self.design.gram_upper.sup() * 8.0 * self.design.inv_n.sup();
        if lo < 0.0 && weyl < self.structural_width(&d2) {
            let (mlo, mhi) = spectrum_hull(&self.hessian_with(&d2));
            (lo, hi) = (lo.max(mlo), hi.min(mhi));
        }
        (lo, hi.max(lo))
    }

    /// (max(0, maxᵢ cᵢ) − min(0, minᵢ cᵢ))·S/n: the width of the structural hull (a cost rule).
    fn structural_width(&self, d2: &[Interval]) -> f64 {
        let dmax = d2.iter().map(|x| x.sup()).fold(0.0, f64::max);
        let dmin = d2.iter().map(|x| x.inf()).fold(0.0, f64::min);
        (dmax - dmin) * self.design.gram_upper.sup() * self.design.inv_n.sup()
    }

    /// l2 + [min(0, minᵢ cᵢ), max(0, maxᵢ cᵢ)]·S/n for enclosures cᵢ ∋ ℓ″(zᵢ), the lower end raised
    /// to the trace bound −λ_min ≤ (1/n)Σ max(0, −cᵢ)‖x̃ᵢ‖² − l2 (module documentation).
    /// (−∞, ∞) when not a number. Enclosure: rigorous.
    fn hull_of(&self, d2: &[Interval]) -> (f64, f64) {
        let p = &self.design;
        let dmax = d2.iter().map(|x| x.sup()).fold(0.0, f64::max);
        let dmin = d2.iter().map(|x| x.inf()).fold(0.0, f64::min);
        let s_n = p.gram_upper * p.inv_n;
        let hi = (self.l2 + point(dmax) * s_n).sup();
        let lo = (self.l2 + point(dmin) * s_n).inf();
        let neg = |c: &Interval| {
            let v = (-c.inf()).max(0.0);
            if v.is_finite() {
                point(v)
            } else {
                Interval::ENTIRE
            }
        };
        let t = d2.iter().zip(&p.row_norm).fold(point(0.0), |t, (c, r)| neg(c).mul_add(r.sqr(), t));
        let trace = (p.inv_n * t - self.l2).sup();
        let (lo, hi) = (lo.max(-trace), hi);
        if lo.is_nan() || hi.is_nan() {
            (f64::NEG_INFINITY, f64::INFINITY)
        } else {
            (lo, hi)
        }
    }
}

/// The validated trajectories of a dataset objective run on its structure: the margins zᵢ(t) are
/// linear in w(t), ℓ′(zᵢ(t)) comes from the series of σ(zᵢ(t)) (logistic: ℓ′ = σ − 1; sigmoid:
/// ℓ′ = −σ(1 − σ)), ∇f = (1/n)Σ ℓ′(zᵢ)yᵢx̃ᵢ + l2·w is linear again; the spectrum by
/// [`Dataset::range_of_margins`], over a ball on the margins zᵢ ∈ ⟨yᵢx̃ᵢ, m⟩ ± r‖x̃ᵢ‖₂
/// (Cauchy–Schwarz), and −λ_min for the flows' logarithmic norm by the structure and the trace bound
/// alone (no matrix: it is read once per Taylor substep).
impl Smooth for Dataset {
    fn dim(&self) -> usize {
        self.design.d
    }

    /// The coefficient 0 of [`Smooth::gradient_series`] (midpoint–radius sums).
    fn gradient(&self, w: &[Interval]) -> Vec<Interval> {
        self.gradient_series().push(w)
    }

    fn gradient_series(&self) -> Box<dyn SeriesMap + '_> {
        let n = self.design.rows.len();
        let rows = self.design.rows.iter().map(|r| r.iter().map(|&(j, a)| (j, MidRad::split(a))).collect()).collect();
        Box::new(MarginSeries {
            ds: self,
            failed: false,
            rows,
            z: vec![Vec::new(); n],
            s: vec![Vec::new(); n],
            v: vec![Vec::new(); n],
        })
    }

    fn hessian_range(&self, w: &[Interval]) -> (f64, f64) {
        self.range_of_margins(&self.design.margins(w))
    }

    fn hessian_range_ball(&self, m: &[f64], r: f64) -> (f64, f64) {
        let centre: Vec<Interval> = m.iter().map(|&x| pt(x)).collect();
        let rr = Interval::try_from((-r, r)).unwrap_or(Interval::ENTIRE);
        let z: Vec<Interval> = self
            .design
            .margins(&centre)
            .iter()
            .zip(&self.design.row_norm)
            .map(|(&z, &n)| z + point(n.sup()) * rr)
            .collect();
        self.range_of_margins(&z)
    }

    fn hessian_matrix(&self, w: &[Interval]) -> IMat {
        self.hessian_with(&self.loss_at(2, w))
    }

    fn third_norm_sup(&self, w: &[Interval]) -> f64 {
        Derivatives::third_norm(self, w).map_or(f64::INFINITY, |t| t.sup())
    }

    /// The smallest diagonal entry (1/n)Σᵢ ℓ″(zᵢ)x̃ᵢⱼ² + l2 (a Rayleigh quotient at eⱼ), upper end.
    fn lambda_min_sup(&self, w: &[Interval]) -> f64 {
        let p = &self.design;
        let d2 = self.loss_at(2, w);
        let mut diag = vec![point(0.0); p.d];
        for (r, &c) in p.rows.iter().zip(&d2) {
            for &(j, a) in r {
                diag[j] = c.mul_add(a.sqr(), diag[j]);
            }
        }
        let best = diag.iter().map(|&t| (t * p.inv_n + self.l2).sup()).fold(f64::INFINITY, f64::min);
        if best.is_nan() {
            f64::INFINITY
        } else {
            best
        }
    }

    fn neg_lambda_min_sup(&self, w: &[Interval]) -> f64 {
        let d2: Vec<Interval> = self.design.margins(w).into_iter().map(|z| loss_derivative(self.loss, 2, z)).collect();
        let lo = self.hull_of(&d2).0;
        if lo.is_nan() {
            f64::INFINITY
        } else {
            -lo
        }
    }
}

/// An entry (j, yᵢx̃ᵢⱼ) in midpoint–radius form (`None` if unbounded).
type MidRadEntry = (usize, Option<(f64, f64)>);

/// The state of the Taylor-mode gradient of a [`Dataset`]: the entries yᵢx̃ᵢⱼ in midpoint–radius
/// form (`None` if unbounded), and per example the coefficients so far of the margin zᵢ, of σ(zᵢ)
/// and of σ(zᵢ)(1 − σ(zᵢ)).
struct MarginSeries<'a> {
    ds: &'a Dataset,
    /// Set once a coefficient was not bounded: every later one is the whole line (the per-example
    /// series are then incomplete and never read again).
    failed: bool,
    rows: Vec<Vec<MidRadEntry>>,
    z: Vec<Vec<Interval>>,
    s: Vec<Vec<Interval>>,
    v: Vec<Vec<Interval>>,
}

impl SeriesMap for MarginSeries<'_> {
    /// Enclosure: rigorous (the sums in midpoint–radius form, [`MidRad`]; the recurrences of
    /// [`crate::taylor`]).
    fn push(&mut self, wk: &[Interval]) -> Vec<Interval> {
        let p = &self.ds.design;
        let k = self.z.first().map_or(0, Vec::len);
        let entire = || vec![Interval::ENTIRE; wk.len()];
        let Some(w) = wk.iter().map(|&x| MidRad::split(x)).collect::<Option<Vec<_>>>().filter(|_| !self.failed) else {
            self.failed = true;
            return entire();
        };
        let mut u = Vec::with_capacity(p.rows.len());
        for (i, (z, (s, v))) in self.z.iter_mut().zip(self.s.iter_mut().zip(self.v.iter_mut())).enumerate() {
            let mut acc = MidRad::default();
            for &(j, a) in &self.rows[i] {
                let Some(a) = a else {
                    self.failed = true;
                    return entire();
                };
                acc.add(a, w[j]);
            }
            z.push(acc.finish());
            crate::taylor::sigma_next(z, s, v);
            u.push(match self.ds.loss {
                Loss::Logistic if k == 0 => s[0] - ONE,
                Loss::Logistic => s[k],
                Loss::Sigmoid => -v[k],
            });
        }
        let l2 = self.ds.l2;
        let mut cols = vec![MidRad::default(); p.d];
        for (r, &ui) in self.rows.iter().zip(&u) {
            let (Some(ui), false) = (MidRad::split(ui), r.iter().any(|e| e.1.is_none())) else {
                self.failed = true;
                return entire();
            };
            for &(j, a) in r {
                cols[j].add(a.expect("checked above"), ui);
            }
        }
        cols.into_iter().zip(wk).map(|(c, &wj)| c.finish() * p.inv_n + l2 * wj).collect()
    }
}

const ONE: Interval = const_interval!(1.0, 1.0);
const TWO: Interval = const_interval!(2.0, 2.0);

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

/// σ′ = q(σ).
fn q(s: Interval) -> Interval {
    s * (ONE - s)
}

/// σ″ = p3(σ).
fn p3(s: Interval) -> Interval {
    s * (ONE - s) * (ONE - TWO * s)
}

/// σ‴ = r4(σ).
fn r4(s: Interval) -> Interval {
    const SIX: Interval = const_interval!(6.0, 6.0);
    s * (ONE - s) * (ONE - SIX * s + SIX * s.sqr())
}

/// σ⁗ = r5(σ) = r4′(σ)·σ(1 − σ), r4(s) = s − 7s² + 12s³ − 6s⁴.
fn r5(s: Interval) -> Interval {
    const C14: Interval = const_interval!(14.0, 14.0);
    const C24: Interval = const_interval!(24.0, 24.0);
    const C36: Interval = const_interval!(36.0, 36.0);
    s * (ONE - s) * (ONE - s * (C14 - s * (C36 - C24 * s)))
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

/// ℓ⁽ᵏ⁾ (k = 1, …, 4) as a polynomial in s = σ(z), from σ′ = σ(1 − σ): logistic ℓ′ = s − 1 and
/// ℓ⁽ᵏ⁾ = σ⁽ᵏ⁻¹⁾ for k ≥ 2; sigmoid ℓ⁽ᵏ⁾ = −σ⁽ᵏ⁾. Evaluated in interval arithmetic: an enclosure of
/// its range over s.
pub fn loss_poly(loss: Loss, k: u32, s: Interval) -> Interval {
    let sigma = |k: u32| match k {
        1 => q(s),
        2 => p3(s),
        3 => r4(s),
        _ => r5(s),
    };
    match loss {
        Loss::Logistic if k == 1 => s - ONE,
        Loss::Logistic => sigma(k - 1),
        Loss::Sigmoid => -sigma(k),
    }
}

/// ℓ⁽ᵏ⁾ over the range z, k = 1, 2, 3.
///
/// Narrow z (width below 10⁻⁶; midpoint m, Δ = z − m): a mean-value form with one exponential.
/// 0 < σ′ ≤ 1/4 gives σ(z) ⊆ S₀ = σ(m) + [0, 1/4]·Δ, and the mean-value theorem
/// ℓ⁽ᵏ⁾(ζ) − ℓ⁽ᵏ⁾(m) = ℓ⁽ᵏ⁺¹⁾(ξ)(ζ − m), ξ ∈ z, σ(ξ) ∈ S₀, gives
/// ℓ⁽ᵏ⁾(z) ⊆ Pₖ(σ(m)) + Pₖ₊₁(S₀)·Δ (Pₖ of [`loss_poly`]). Its width is 2r|ℓ⁽ᵏ⁺¹⁾(m)| + O(r²), at
/// most that of Pₖ over S₀.
/// Wide z: σ is increasing, so σ(z) ⊆ hull(σ(inf z), σ(sup z)), and the range of Pₖ over that hull
/// is the hull of its values at the ends and at its critical points inside ([`poly_range`]).
///
/// Enclosure: rigorous.
pub fn loss_derivative(loss: Loss, k: u32, z: Interval) -> Interval {
    debug_assert!((1..=3).contains(&k), "ℓ⁽ᵏ⁾ for k = 1, 2, 3");
    if z.is_empty() {
        return Interval::ENTIRE;
    }
    // An unbounded z takes the wide path: σ(±∞) is exact, and ℓ⁽ᵏ⁾ stays bounded.
    if z.wid() < 1e-6 {
        let m = z.mid();
        let dz = z - point(m);
        let s = sigmoid_at(m);
        let s0 = (s + const_interval!(0.0, 0.25) * dz).intersection(const_interval!(0.0, 1.0));
        return loss_poly(loss, k + 1, s0).mul_add(dz, loss_poly(loss, k, s));
    }
    let ends = (sigmoid_at(z.inf()), sigmoid_at(z.sup()));
    let crit = match (loss, k) {
        (Loss::Logistic, 1) => vec![],
        (Loss::Logistic, k) => crit(k),
        (Loss::Sigmoid, k) => crit(k + 1),
    };
    poly_range(|s| loss_poly(loss, k, s), ends, &crit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theorems::general::{bound, lower_at, Quantity};

    fn r(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// Two examples in the plane, x̃₁ = (1, 0), x̃₂ = (1, 1) (no bias, scale 1), labels +1 and −1.
    fn tiny(loss: Loss, l2: &str) -> Dataset {
        let data = read_csv(b"label,a,b\n1,1,0\n-1,1,1\n", "tiny.csv").unwrap();
        let design = Design::verified(&data, false, &r("1"), &[r("1"), r("1")]).unwrap();
        Dataset::new(Arc::new(design), loss, &r(l2))
    }

    #[test]
    fn the_gram_bound_is_collatz_wielandt_in_exact_arithmetic() {
        // G = [[2, 1], [1, 1]]: λ_max = (3 + √5)/2 = 2.618…; at v = (1, 1) the bound is 3, at the
        // Perron vector ((1 + √5)/2, 1) ≈ (1.618, 1) it approaches λ_max.
        let data = read_csv(b"label,a,b\n1,1,0\n-1,1,1\n", "tiny.csv").unwrap();
        let (g, den) = gram(&design(&data, false, &r("1"))).unwrap();
        assert_eq!((g.clone(), den), (vec![vec![2, 1], vec![1, 1]], BigInt::one()));
        assert_eq!(collatz_wielandt(&g, &[r("1"), r("1")]), Some(r("3")));
        // v = (1618/1000, 1): rows 2 + 1000/1618 = 2118/809 = 2.6180469… and 2.618; both are above
        // λ_max = 2.6180339887…
        assert_eq!(collatz_wielandt(&g, &[r("1618/1000"), r("1")]), Some(r("2118/809")));
        assert_eq!(collatz_wielandt(&g, &[r("1"), r("0")]), None);
        assert_eq!(collatz_wielandt(&g, &[r("1")]), None);
        // Scaled features: G/D² with D = 4 for scale 1/4.
        let (g, den) = gram(&design(&data, true, &r("1/4"))).unwrap();
        assert_eq!(den, BigInt::from(4));
        assert_eq!(g[2][2], 2 * 16);
    }

    #[test]
    fn loss_derivatives_hold_closed_forms_and_their_ranges() {
        // Logistic ℓ″(z) = σ(z)(1 − σ(z)): at 0 it is 1/4, its maximum; on [0, 2] its range is
        // [σ(2)(1 − σ(2)), 1/4] = [0.104993585…, 1/4].
        let at0 = loss_derivative(Loss::Logistic, 2, point(0.0));
        assert!(at0.contains(0.25) && at0.wid() < 1e-15);
        let range = loss_derivative(Loss::Logistic, 2, Interval::try_from((0.0, 2.0)).unwrap());
        assert!(range.contains(0.25) && range.contains(0.104_993_585_403_506_6));
        assert!(range.inf() > 0.1049 && range.sup() < 0.2501);
        // Sigmoid ℓ′ = −σ(1 − σ) at z = 1 (mpmath: σ(1) = 0.7310585786300049): −0.19661193324148185.
        let z = Interval::try_from((1.0, 1.0 + 1e-9)).unwrap();
        let v = loss_derivative(Loss::Sigmoid, 1, z);
        assert!(v.contains(-0.196_611_933_241_481_85) && v.wid() < 1e-9);
        // Logistic ℓ‴ = σ(1 − σ)(1 − 2σ) ranges over ±1/(6√3) = ±0.0962250448649376 on a wide range.
        let t = loss_derivative(Loss::Logistic, 3, Interval::try_from((-10.0, 10.0)).unwrap());
        assert!(t.contains(0.096_225_044_864_937_6) && t.contains(-0.096_225_044_864_937_6));
        assert!(t.sup() < 0.09623);
    }

    #[test]
    fn bounds_of_a_tiny_logistic_model_hold_closed_forms() {
        // At w = 0 every margin is 0, ℓ″ = 1/4: ∇²f = (1/2)(1/4)·G + l2·I with G = [[2,1],[1,1]], so
        // λ_max = (3 + √5)/16 + 1/10 = 0.42725424859373686; ∇f = (1/2)Σ ℓ′(0) yᵢx̃ᵢ = (1/2)(−1/2)
        // ((1, 0) − (1, 1)) = (0, 1/4).
        let ds = tiny(Loss::Logistic, "1/10");
        let o = [point(0.0), point(0.0)];
        let g = ds.grad_norm(&o).unwrap();
        assert!(g.contains(0.25) && g.wid() < 1e-15);
        let (lo, hi) = ds.eigen_hull(&o);
        let lmax = 0.427_254_248_593_736_86;
        assert!(hi >= lmax && lo <= 0.1 + (3.0 - 5f64.sqrt()) / 16.0);
        let q = |s: &str| r(s);
        // The Rayleigh quotient at the Perron vector (1.618…, 1) is below λ_max and close to it.
        let v = [q("1618033988749895/1000000000000000"), q("1")];
        let at = lower_at(&ds, Quantity::HessNorm, &[q("0"), q("0")], Some(&v), None);
        assert!(at <= lmax && at > lmax - 1e-12);
        // Over a box the bound still holds at every sampled point: ℓ″ ≤ 1/4 everywhere.
        let wide = [Interval::try_from((-1.0, 1.0)).unwrap(); 2];
        let b = bound(&ds, Quantity::HessNorm, &wide, 0.0).unwrap();
        assert!(b >= lmax);
        // The structural bound with S = 3 (v = (1, 1)) is 0.1 + 3/8 = 0.475; Gershgorin of the
        // interval Hessian may only improve on it.
        assert!(b <= 0.475 + 1e-12);
    }

    #[test]
    fn the_sigmoid_loss_has_negative_curvature_and_the_trace_bound_sees_it() {
        // Sigmoid ℓ″(z) = −σ″(z) = −σ(1 − σ)(1 − 2σ) < 0 for z < 0. At w = (−4, 0): z₁ = −4,
        // z₂ = 4 (y₂ = −1): ℓ″(−4) = −c, ℓ″(4) = c, c = σ(4)(1 − σ(4))(2σ(4) − 1) = 0.0170273…
        let ds = tiny(Loss::Sigmoid, "0");
        let w = [point(-4.0), point(0.0)];
        let (lo, _) = ds.eigen_hull(&w);
        // The trace bound: −λ_min ≤ (1/2)·c·‖x̃₁‖² = c/2 (x̃₁ = (1, 0)); the structural one is 3c/2.
        let s4 = 1.0 / (1.0 + (-4f64).exp());
        let l2m4 = -(s4 * (1.0 - s4) * (1.0 - 2.0 * s4)).abs();
        assert!(lo <= 0.5 * l2m4 && lo > 0.5 * l2m4 - 1e-12, "{lo}");
        // There ∇²f = (c/2)[[0, 1], [1, 1]], c = |ℓ″(±4)|: λ_min = c(1 − √5)/4 < 0. The Rayleigh
        // quotient along (1, −1) is −c/4, so the witness shows −λ_min ≥ c/4 > 0.
        let m = lower_at(&ds, Quantity::NegLambdaMin, &[r("-4"), r("0")], Some(&[r("1"), r("-1")]), None);
        assert!(m > 0.0 && (m + l2m4 / 4.0).abs() < 1e-12, "{m}");
    }

    #[test]
    fn csv_errors_name_the_line() {
        let e = read_csv(b"label,a\n1,2\n3,4\n", "d.csv").unwrap_err();
        assert!(e.starts_with("d.csv line 3: label must be"), "{e}");
        let e = read_csv(b"a,b\n1,2\n", "d.csv").unwrap_err();
        assert!(e.contains("no \"label\" column"), "{e}");
        let e = read_csv(b"label,a\n1,x\n", "d.csv").unwrap_err();
        assert!(e.contains("line 2") && e.contains("not a number"), "{e}");
        assert!(read_csv(b"", "d.csv").unwrap_err().contains("empty file"));
        let e = read_csv(b"label,a,label\n1,2,1\n", "d.csv").unwrap_err();
        assert!(e.contains("more than one \"label\" column"), "{e}");
    }

    #[test]
    fn unbounded_margins_give_bounded_loss_derivatives() {
        // Margins that overflow (a huge box): ℓ″ of the logistic loss is σ(1 − σ) ∈ [0, 1/4] anyway.
        let e = loss_derivative(Loss::Logistic, 2, Interval::ENTIRE);
        assert!(e.inf() >= 0.0 && e.sup() <= 0.2500001 && e.contains(0.25) && e.contains(0.0), "{e:?}");
        let e = loss_derivative(Loss::Sigmoid, 3, Interval::try_from((0.0, f64::INFINITY)).unwrap());
        assert!(e.inf().is_finite() && e.sup().is_finite(), "{e:?}");
        // A Gram vector whose bound exceeds f64::MAX proves nothing usable, and does not panic.
        let data = read_csv(b"label,a,b\n1,1,0\n-1,1,1\n", "tiny.csv").unwrap();
        let huge = Rat::from_integer(BigInt::from(10).pow(400));
        assert!(Design::verified(&data, false, &r("1"), &[r("1"), huge]).unwrap_err().contains("f64::MAX"));
    }
}
