//! Plain interval evaluation for the checker (inari): the one door between exact rationals and
//! `f64` intervals, and the few interval matrix operations a verification needs — products,
//! Euclidean and energy norms, and a positive-definiteness test by interval Cholesky.
//!
//! Enclosure: rigorous throughout (inari rounds outward; rationals enter through
//! [`rat_to_interval`], which never trusts the rounding of `to_f64`).

use crate::exact::{Rat, RatInterval, RatMatrix};
use inari::Interval;
use num_traits::ToPrimitive;

/// The point interval [x, x]; panics on NaN (programmer error).
pub fn point(x: f64) -> Interval {
    Interval::try_from((x, x)).unwrap_or_else(|_| panic!("point({x}): not a number"))
}

/// The exact value of a finite `f64` (`None` for ±∞, NaN).
pub fn exact(f: f64) -> Option<Rat> {
    Rat::from_float(f)
}

fn guess(r: &Rat) -> f64 {
    let f = r.to_f64().unwrap_or(0.0);
    if f.is_nan() {
        0.0
    } else {
        f.clamp(f64::MIN, f64::MAX)
    }
}

/// The greatest `f64` ≤ `r` (−∞ below `f64::MIN`), found from a first guess by exact comparisons.
fn f64_below(r: &Rat) -> f64 {
    let ex = |f: f64| Rat::from_float(f).expect("finite");
    let mut f = guess(r);
    while ex(f) > *r {
        if f == f64::MIN {
            return f64::NEG_INFINITY;
        }
        f = f.next_down();
    }
    loop {
        let g = f.next_up();
        if g.is_infinite() || ex(g) > *r {
            return f;
        }
        f = g;
    }
}

/// The tightest `f64` interval containing `r`.
///
/// Enclosure: rigorous. Tightness: tightest (equal or adjacent endpoints).
pub fn rat_to_interval(r: &Rat) -> Interval {
    let (lo, hi) = (f64_below(r), -f64_below(&-r));
    Interval::try_from((lo, hi)).expect("lo <= r <= hi")
}

/// The tightest `f64` interval containing `[x.lo, x.hi]`. Enclosure: rigorous.
pub fn rat_interval_to_interval(x: &RatInterval) -> Interval {
    Interval::try_from((f64_below(&x.lo), -f64_below(&-x.hi.clone()))).expect("lo <= hi")
}

/// `[inf, sup]` of a bounded interval as exact rationals (`None` when unbounded or empty).
pub fn to_rat_interval(x: Interval) -> Option<RatInterval> {
    if x.is_empty() {
        return None;
    }
    Some(RatInterval::new(exact(x.inf())?, exact(x.sup())?))
}

/// The rational `r` as an `f64` when it is one exactly (stored centres must be).
pub fn as_f64(r: &Rat) -> Option<f64> {
    let f = r.to_f64()?;
    (exact(f).as_ref() == Some(r)).then_some(f)
}

/// ‖v‖₂ of an interval vector. Enclosure: rigorous.
pub fn norm2(v: &[Interval]) -> Interval {
    v.iter().fold(point(0.0), |s, x| s + x.sqr()).sqrt()
}

/// A dense interval matrix, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct IMat {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Entries, row-major.
    pub a: Vec<Interval>,
}

impl IMat {
    /// The enclosure of an exact rational matrix.
    pub fn from_rat(m: &RatMatrix) -> IMat {
        let rows = m.len();
        let cols = m.first().map_or(0, Vec::len);
        IMat { rows, cols, a: m.iter().flatten().map(rat_to_interval).collect() }
    }

    /// The n × n identity.
    pub fn identity(n: usize) -> IMat {
        let mut a = vec![point(0.0); n * n];
        (0..n).for_each(|i| a[i * n + i] = point(1.0));
        IMat { rows: n, cols: n, a }
    }

    /// Entry (i, j).
    pub fn at(&self, i: usize, j: usize) -> Interval {
        self.a[i * self.cols + j]
    }

    /// A·x. Enclosure: rigorous.
    pub fn mul_vec(&self, x: &[Interval]) -> Vec<Interval> {
        (0..self.rows).map(|i| (0..self.cols).fold(point(0.0), |s, j| s + self.at(i, j) * x[j])).collect()
    }

    /// A·B. Enclosure: rigorous.
    pub fn mul(&self, b: &IMat) -> IMat {
        let mut a = Vec::with_capacity(self.rows * b.cols);
        for i in 0..self.rows {
            for j in 0..b.cols {
                a.push((0..self.cols).fold(point(0.0), |s, k| s + self.at(i, k) * b.at(k, j)));
            }
        }
        IMat { rows: self.rows, cols: b.cols, a }
    }

    /// Aᵀ.
    pub fn transpose(&self) -> IMat {
        let a = (0..self.cols).flat_map(|j| (0..self.rows).map(move |i| (i, j))).map(|(i, j)| self.at(i, j)).collect();
        IMat { rows: self.cols, cols: self.rows, a }
    }

    /// s·A + t·B (same shape). Enclosure: rigorous.
    pub fn combine(&self, s: Interval, b: &IMat, t: Interval) -> IMat {
        IMat { rows: self.rows, cols: self.cols, a: self.a.iter().zip(&b.a).map(|(&x, &y)| s * x + t * y).collect() }
    }

    /// max over rows of Σⱼ |aᵢⱼ| (upper bound of the ∞-norm of every member). Enclosure: rigorous.
    pub fn norm_inf(&self) -> f64 {
        (0..self.rows)
            .map(|i| (0..self.cols).fold(point(0.0), |s, j| s + point(self.at(i, j).mag())).sup())
            .fold(0.0, f64::max)
    }

    /// Whether every symmetric matrix whose lower triangle lies in this one's is positive definite:
    /// the Cholesky factorization in interval arithmetic succeeds with every pivot certainly
    /// positive (each member's factorization runs inside the interval one, so its pivots are
    /// positive too).
    pub fn is_positive_definite(&self) -> bool {
        let n = self.rows;
        let mut l = vec![point(0.0); n * n];
        for j in 0..n {
            let s = (0..j).fold(self.at(j, j), |s, k| s - l[j * n + k].sqr());
            if !(s.inf() > 0.0) {
                return false;
            }
            let d = s.sqrt();
            l[j * n + j] = d;
            for i in j + 1..n {
                let s = (0..j).fold(self.at(i, j), |s, k| s - l[i * n + k] * l[j * n + k]);
                l[i * n + j] = s / d;
            }
        }
        true
    }
}

/// The energy norm ‖v‖_P = √(vᵀPv) of an interval vector (P = I when `p` is `None`).
/// Enclosure: rigorous.
pub fn norm_p(p: Option<&IMat>, v: &[Interval]) -> Interval {
    match p {
        None => norm2(v),
        Some(p) => {
            let q = v.iter().zip(p.mul_vec(v)).fold(point(0.0), |s, (&x, y)| s + x * y);
            // vᵀPv ≥ 0 for the exact v and P ⪰ 0 (verified by the caller).
            Interval::try_from((0.0, q.sup().max(0.0))).expect("ordered").sqrt()
        }
    }
}
