//! Interval vectors and matrices over `inari::Interval`, with the few rigorous products the
//! trajectory enclosures need. inari implements no num-traits, so nalgebra's generic products do
//! not apply (STYLE.md §1): these are plain types; `f64` work uses nalgebra.
//!
//! Vectors are `[Interval]` slices; [`IMat`] is a dense row-major matrix. Every operation is
//! inari's, so every result encloses the exact result for every choice of point matrices and
//! vectors inside the operands (the inclusion property of interval arithmetic).

use crate::enclose::rat_to_interval;
use crate::enclose::rounding::gamma;
use crate::exact::Rat;
use inari::Interval;
use nalgebra::DMatrix;

/// The point interval `[x, x]`; the whole line for ±∞ or NaN (an overflowed midpoint: the result
/// then stays a sound, unbounded enclosure, and the claims built on it come out inconclusive).
pub fn point(x: f64) -> Interval {
    Interval::try_from((x, x)).unwrap_or(Interval::ENTIRE)
}

/// An upper bound of the Euclidean norm of every vector in the box `v`.
///
/// Enclosure: rigorous (outward rounding; +∞ when an entry is unbounded). Tightness: one rounding
/// per operation.
pub fn norm2_sup(v: &[Interval]) -> f64 {
    v.iter().map(|x| point(x.mag())).fold(point(0.0), |s, m| s + m * m).sqrt().sup()
}

/// An upper bound of ‖m‖₂ for a floating-point vector (+∞ when an entry is not finite).
///
/// Enclosure: rigorous (see [`sqrt_sum_sq_sup`]). Tightness: relative excess about n·u. Cost: n
/// multiply-adds, so it can run inside a plain `f64` loop.
pub fn norm2_sup_f64(m: &[f64]) -> f64 {
    sqrt_sum_sq_sup(m.iter().map(|x| x * x).sum(), m.len())
}

/// An upper bound of √s for s = Σᵢ xᵢ² over n floating-point numbers, from the sum ŝ computed in
/// `f64` (any order): s ≤ (ŝ + n·2⁻¹⁰⁷⁴)/(1 − γₙ), γₙ = nu/(1 − nu), u = 2⁻⁵³ (each square and
/// partial sum rounds once; an underflowing square loses less than 2⁻¹⁰⁷⁴). +∞ when ŝ is not finite.
///
/// Enclosure: rigorous. Tightness: relative excess about n·u.
pub fn sqrt_sum_sq_sup(s_hat: f64, n: usize) -> f64 {
    if !s_hat.is_finite() {
        return f64::INFINITY;
    }
    let s = point(s_hat) + point(n as f64) * point(f64::from_bits(1));
    (s / (point(1.0) - gamma(n.max(1)))).sqrt().sup()
}

/// Enclosures of the rationals `v`, one by one through [`rat_to_interval`].
///
/// Enclosure: rigorous. Tightness: tightest.
pub fn rat_vec(v: &[Rat]) -> Vec<Interval> {
    v.iter().map(rat_to_interval).collect()
}

/// A dense interval matrix, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct IMat {
    rows: usize,
    cols: usize,
    data: Vec<Interval>,
}

impl IMat {
    /// The `rows × cols` zero matrix.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        IMat { rows, cols, data: vec![point(0.0); rows * cols] }
    }

    /// The `n × n` identity.
    pub fn identity(n: usize) -> Self {
        let mut m = IMat::zeros(n, n);
        for i in 0..n {
            m.set(i, i, point(1.0));
        }
        m
    }

    /// A rows × cols matrix from its entries, row-major.
    pub fn from_intervals(rows: usize, cols: usize, a: &[Interval]) -> Self {
        assert_eq!(a.len(), rows * cols, "IMat::from_intervals: {rows} × {cols} entries expected");
        IMat { rows, cols, data: a.to_vec() }
    }

    /// Entrywise enclosure of a rational matrix (rows of equal length).
    ///
    /// Enclosure: rigorous. Tightness: tightest (through [`rat_to_interval`]).
    pub fn from_rat(m: &[Vec<Rat>]) -> Self {
        let cols = m.first().map_or(0, Vec::len);
        assert!(m.iter().all(|r| r.len() == cols), "IMat::from_rat needs rows of equal length");
        IMat { rows: m.len(), cols, data: m.iter().flatten().map(rat_to_interval).collect() }
    }

    /// The point matrix of a floating-point matrix (exact: an `f64` is its own enclosure).
    pub fn from_f64(m: &DMatrix<f64>) -> Self {
        let (rows, cols) = m.shape();
        IMat { rows, cols, data: (0..rows).flat_map(|i| (0..cols).map(move |j| point(m[(i, j)]))).collect() }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> Interval {
        self.data[i * self.cols + j]
    }

    /// Sets entry `(i, j)`.
    pub fn set(&mut self, i: usize, j: usize, x: Interval) {
        self.data[i * self.cols + j] = x;
    }

    /// The block of rows `r0..r0 + rows` and columns `c0..c0 + cols`.
    pub fn block(&self, r0: usize, c0: usize, rows: usize, cols: usize) -> IMat {
        assert!(r0 + rows <= self.rows && c0 + cols <= self.cols, "IMat::block out of range");
        IMat { rows, cols, data: (r0..r0 + rows).flat_map(|i| (c0..c0 + cols).map(move |j| self.get(i, j))).collect() }
    }

    /// The product `self · rhs`.
    ///
    /// Enclosure: rigorous (contains AB for every A ∈ self, B ∈ rhs). Tightness: ordinary interval
    /// dot products (exact width propagation, one outward rounding per operation).
    pub fn mul(&self, rhs: &IMat) -> IMat {
        assert_eq!(self.cols, rhs.rows, "IMat::mul: inner dimensions differ");
        let mut out = IMat::zeros(self.rows, rhs.cols);
        for i in 0..self.rows {
            let row = &mut out.data[i * rhs.cols..(i + 1) * rhs.cols];
            for k in 0..self.cols {
                let a = self.get(i, k);
                let b = &rhs.data[k * rhs.cols..(k + 1) * rhs.cols];
                for (o, &bkj) in row.iter_mut().zip(b) {
                    *o += a * bkj;
                }
            }
        }
        out
    }

    /// The product `self · v`.
    ///
    /// Enclosure: rigorous. Tightness: ordinary interval dot products.
    pub fn mul_vec(&self, v: &[Interval]) -> Vec<Interval> {
        assert_eq!(self.cols, v.len(), "IMat::mul_vec: dimensions differ");
        (0..self.rows)
            .map(|i| {
                self.data[i * self.cols..(i + 1) * self.cols].iter().zip(v).fold(point(0.0), |s, (&a, &x)| s + a * x)
            })
            .collect()
    }

    /// Entrywise `self + rhs`. Enclosure: rigorous. Tightness: tightest per entry.
    pub fn add(&self, rhs: &IMat) -> IMat {
        self.zip(rhs, |a, b| a + b)
    }

    /// Entrywise `self − rhs`. Enclosure: rigorous. Tightness: tightest per entry.
    pub fn sub(&self, rhs: &IMat) -> IMat {
        self.zip(rhs, |a, b| a - b)
    }

    /// `s · self`. Enclosure: rigorous. Tightness: tightest per entry.
    pub fn scale(&self, s: Interval) -> IMat {
        IMat { rows: self.rows, cols: self.cols, data: self.data.iter().map(|&x| s * x).collect() }
    }

    /// The transpose (exact).
    pub fn transpose(&self) -> IMat {
        IMat {
            rows: self.cols,
            cols: self.rows,
            data: (0..self.cols).flat_map(|j| (0..self.rows).map(move |i| self.get(i, j))).collect(),
        }
    }

    /// The entrywise midpoints, as a floating-point matrix (not an enclosure: a choice of center).
    pub fn mid(&self) -> DMatrix<f64> {
        DMatrix::from_fn(self.rows, self.cols, |i, j| self.get(i, j).mid())
    }

    /// An upper bound of ‖A‖_∞ (largest absolute row sum) over every A ∈ self.
    ///
    /// Enclosure: rigorous. Tightness: one rounding per operation.
    pub fn norm_inf_sup(&self) -> f64 {
        (0..self.rows)
            .map(|i| {
                self.data[i * self.cols..(i + 1) * self.cols].iter().fold(point(0.0), |s, x| s + point(x.mag())).sup()
            })
            .fold(0.0, f64::max)
    }

    /// An upper bound of ‖|A|‖₂ (hence of ‖A‖₂) over every A ∈ self: the smaller of ‖A‖_F and
    /// √(‖A‖₁‖A‖_∞).
    ///
    /// Enclosure: rigorous. Tightness: one rounding per operation; exact for diagonal matrices up to
    /// the Frobenius/Hölder gap.
    pub fn abs_norm2_sup(&self) -> f64 {
        let holder = (point(self.transpose().norm_inf_sup()) * point(self.norm_inf_sup())).sqrt().sup();
        self.frobenius_sup().min(holder)
    }

    /// An upper bound of the Frobenius norm ‖A‖_F over every A ∈ self; it bounds ‖A‖₂ and ‖|A|‖₂.
    ///
    /// Enclosure: rigorous. Tightness: one rounding per operation.
    pub fn frobenius_sup(&self) -> f64 {
        norm2_sup(&self.data)
    }

    fn zip(&self, rhs: &IMat, f: impl Fn(Interval, Interval) -> Interval) -> IMat {
        assert_eq!((self.rows, self.cols), (rhs.rows, rhs.cols), "IMat: shapes differ");
        IMat {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().zip(&rhs.data).map(|(&a, &b)| f(a, b)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enclose::interval_contains_rat;
    use crate::exact::{parse_rat, rat};

    type I = Interval;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn products_enclose_exact_rational_products() {
        let a = vec![vec![q("1/3"), q("-2/7")], vec![q("5/11"), q("1/10")]];
        let b = vec![vec![q("3/13"), q("1/9")], vec![q("-1/6"), q("7/5")]];
        let p = IMat::from_rat(&a).mul(&IMat::from_rat(&b));
        for i in 0..2 {
            for j in 0..2 {
                let exact = &a[i][0] * &b[0][j] + &a[i][1] * &b[1][j];
                assert!(interval_contains_rat(&p.get(i, j), &exact), "({i}, {j})");
                assert!(!interval_contains_rat(&p.get(i, j), &(exact + q("1e-12"))));
            }
        }
        let v = rat_vec(&[q("1/3"), q("-1")]);
        let w = IMat::from_rat(&a).mul_vec(&v);
        let exact = &a[1][0] * q("1/3") - &a[1][1];
        assert!(interval_contains_rat(&w[1], &exact));
        let t = IMat::from_rat(&a).transpose();
        assert_eq!(t.get(0, 1), rat_to_interval(&a[1][0]));
    }

    #[test]
    fn norms_are_upper_bounds() {
        let m = IMat::from_rat(&[vec![rat(3), rat(-4)], vec![rat(0), rat(1)]]);
        assert!(m.norm_inf_sup() >= 7.0 && m.norm_inf_sup() < 7.0 + 1e-12);
        // ‖m‖_F = √26.
        let f = m.frobenius_sup();
        assert!(f * f >= 26.0 && f < 26f64.sqrt() + 1e-12);
        assert!(norm2_sup(&[I::try_from((-3.0, 1.0)).unwrap(), point(4.0)]) >= 5.0);
        let x = [0.1, 0.2, 0.3];
        let n = norm2_sup_f64(&x);
        let exact = x.iter().map(|&v| Rat::from_float(v).unwrap().pow(2)).fold(rat(0), |s, t| s + t);
        let n = Rat::from_float(n).unwrap();
        assert!(&n * &n >= exact && &n * &n <= exact * q("1.000000000001"));
        assert!(norm2_sup_f64(&[f64::NAN]).is_infinite());
    }
}
