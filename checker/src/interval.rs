//! Plain interval evaluation for the checker (inari): the one door between exact rationals and
//! `f64` intervals, and the few interval matrix operations a verification needs — products,
//! Euclidean and energy norms, and a positive-definiteness test by interval Cholesky.
//!
//! Enclosure: rigorous throughout (inari rounds outward; rationals enter through
//! [`rat_to_interval`], which never trusts the rounding of `to_f64`).

use crate::exact::{Rat, RatInterval};
use inari::Interval;
use num_bigint::BigUint;
use num_traits::{Signed, ToPrimitive, Zero};

/// The point interval [x, x] of a finite x; panics on NaN or ±∞ (programmer error: callers check).
pub fn point(x: f64) -> Interval {
    Interval::try_from((x, x)).unwrap_or_else(|_| panic!("point({x}): not a number"))
}

/// The point interval [x, x] of a finite x, the whole line otherwise (a bound computed from it is
/// then unbounded, never a panic).
pub fn pt(x: f64) -> Interval {
    Interval::try_from((x, x)).unwrap_or(Interval::ENTIRE)
}

/// The exact value of a finite `f64` (`None` for ±∞, NaN).
pub fn exact(f: f64) -> Option<Rat> {
    Rat::from_float(f)
}

/// 2^e as an `f64`, for −1074 ≤ e ≤ 1023 (exact: a power of two in that range is representable).
fn pow2(e: i64) -> f64 {
    debug_assert!((-1074..=1023).contains(&e));
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

/// ⌊a / (b·2^e)⌋ and whether the division is exact (a, b > 0).
fn scaled_floor(a: &BigUint, b: &BigUint, e: i64) -> (BigUint, bool) {
    let (num, den) = if e >= 0 { (a.clone(), b << (e as u64)) } else { (a << ((-e) as u64), b.clone()) };
    let q = &num / &den;
    let exact = (&q * &den) == num;
    (q, exact)
}

/// The greatest `f64` ≤ a/b and the least `f64` ≥ a/b, for integers a ≥ 0, b > 0 (the upper one
/// +∞ when a/b > `f64::MAX`).
///
/// a/b = m·2^e + ρ with m < 2^53 an integer, 0 ≤ ρ < 2^e and e ≥ −1074, so m·2^e and (m + 1)·2^e
/// (or m·2^e when ρ = 0) are representable and adjacent: every step is exact integer arithmetic.
fn nonneg_bounds(a: &BigUint, b: &BigUint) -> (f64, f64) {
    if a.is_zero() {
        return (0.0, 0.0);
    }
    let two53 = BigUint::from(1u64 << 53);
    // a/b ∈ (2^(nb−db−1), 2^(nb−db+1)), so ⌊a/(b·2^e)⌋ ∈ [2^52, 2^54) for e = nb − db − 53.
    let mut e = a.bits() as i64 - b.bits() as i64 - 53;
    if scaled_floor(a, b, e).0 >= two53 {
        e += 1;
    }
    // Below the normal range the spacing of floats stays 2^−1074.
    e = e.max(-1074);
    if e > 971 {
        // a/b ≥ 2^(52 + 972) > f64::MAX.
        return (f64::MAX, f64::INFINITY);
    }
    let (m, exact) = scaled_floor(a, b, e);
    let m = m.to_u64().expect("m < 2^53");
    debug_assert!(m < 1u64 << 53);
    let p = pow2(e);
    // Products of an integer below 2^53 (exact in f64) and 2^e: exact when representable; the upper
    // one rounds to +∞ only when (m + 1)·2^e = 2^1024, where +∞ is the least float above.
    let lo = m as f64 * p;
    let hi = if exact { lo } else { (m + 1) as f64 * p };
    (lo, hi)
}

/// The tightest `f64` interval containing the exact rational `r` (a point interval when `r` is an
/// `f64`).
///
/// Enclosure: rigorous (exact integer arithmetic, no `f64` rounding is trusted). Tightness:
/// tightest (endpoints equal or adjacent `f64`s); a rational beyond ±`f64::MAX` gets an infinite
/// endpoint.
pub fn rat_to_interval(r: &Rat) -> Interval {
    let (a, b) = (r.numer().magnitude(), r.denom().magnitude());
    let (lo, hi) = nonneg_bounds(a, b);
    let (lo, hi) = if r.is_negative() { (-hi, -lo) } else { (lo, hi) };
    Interval::try_from((lo, hi)).expect("lo <= r <= hi, both not NaN, lo < +inf, hi > -inf")
}

/// The tightest `f64` interval containing `[x.lo, x.hi]`. Enclosure: rigorous.
pub fn rat_interval_to_interval(x: &RatInterval) -> Interval {
    rat_to_interval(&x.lo).convex_hull(rat_to_interval(&x.hi))
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

/// γₙ = nu/(1 − nu) with u = 2⁻⁵³, enclosed (Higham, *Accuracy and Stability*, §3.1): a quantity
/// computed with at most n roundings, each (1 + δ) with |δ| ≤ u, is the exact one times (1 + θ)
/// with |θ| ≤ γₙ. `ENTIRE` when nu ≥ 1.
///
/// Enclosure: rigorous.
pub fn gamma(n: usize) -> Interval {
    let nu = point(n as f64) * point(f64::EPSILON / 2.0);
    if nu.sup() >= 1.0 {
        return Interval::ENTIRE;
    }
    nu / (point(1.0) - nu)
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
pub struct MidRad {
    s: f64,
    e: f64,
    r: f64,
    n: usize,
}

impl MidRad {
    /// Midpoint and radius of an interval (`None` when unbounded or empty).
    pub fn split(x: Interval) -> Option<(f64, f64)> {
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
    pub fn add(&mut self, (am, ar): (f64, f64), (xm, xr): (f64, f64)) {
        let t = am * xm;
        self.s += t;
        self.e += t.abs();
        self.r += am.abs() * xr + ar * (xm.abs() + xr);
        self.n += 1;
    }

    /// The enclosure of the exact sum.
    pub fn finish(self) -> Interval {
        if !(self.s.is_finite() && self.e.is_finite() && self.r.is_finite()) {
            return Interval::ENTIRE;
        }
        let g = gamma(self.n + 4);
        let eta = point(self.n as f64) * point(f64::from_bits(1));
        let one_g = point(1.0) - g;
        let err = g * (point(self.e) + eta) / one_g + eta + (point(self.r) + point(4.0) * eta) / one_g;
        let e = err.sup();
        point(self.s) + Interval::try_from((-e, e)).unwrap_or(Interval::ENTIRE)
    }
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
    pub fn from_rat(m: &[Vec<Rat>]) -> IMat {
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
            // A NaN fails.
            if s.inf().partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
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

    /// The inertia (negative, positive eigenvalues) shared by every symmetric matrix whose upper
    /// triangle lies in this one's, or `None` when the elimination cannot show it.
    ///
    /// Symmetric block elimination in interval arithmetic, pivoting as Bunch and Parlett do: at
    /// each stage the 1×1 pivot aᵢᵢ with the largest mignitude among those that exclude 0, unless
    /// it is below α = (1 + √17)/8 times the largest off-diagonal magnitude |aₚ_q| and the 2×2 pivot
    /// E = [aₚₚ aₚ_q; aₚ_q a_qq] has a determinant certainly negative; with no 1×1 pivot, the 2×2
    /// pivot whose determinant is certainly negative with the largest mignitude (every diagonal
    /// entry then contains 0, so det E > 0 cannot be shown). Then the Schur complement
    /// C − BE⁻¹Bᵀ. The choice bounds the growth of the entries, and so of the intervals' radii, on
    /// indefinite matrices (Tightness: the choice only decides whether a count is found). Each
    /// member's own elimination with the same pivots runs inside the interval one (inclusion
    /// isotonicity), so its pivots are nonzero with the same signs, and by Haynsworth's inertia
    /// additivity and Sylvester's law, In(A) = Σ In(pivot): a 1×1 pivot counts its sign, a 2×2
    /// pivot with det E < 0 one of each. No member is singular.
    ///
    /// Enclosure: rigorous.
    pub fn inertia(&self) -> Option<(usize, usize)> {
        let n = self.rows;
        let mut a: Vec<Interval> = (0..n * n).map(|k| self.at((k / n).min(k % n), (k / n).max(k % n))).collect();
        let at = |a: &[Interval], i: usize, j: usize| a[i * n + j];
        let nonzero = |x: Interval| !x.is_empty() && (x.inf() > 0.0 || x.sup() < 0.0);
        let mut active: Vec<usize> = (0..n).collect();
        let (mut neg, mut pos) = (0, 0);
        let det = |a: &[Interval], i: usize, j: usize| at(a, i, i) * at(a, j, j) - at(a, i, j).sqr();
        while !active.is_empty() {
            let single =
                active.iter().copied().filter(|&i| nonzero(at(&a, i, i))).fold(None, |b: Option<usize>, i| match b {
                    Some(k) if at(&a, k, k).mig() >= at(&a, i, i).mig() => Some(k),
                    _ => Some(i),
                });
            let pairs = || active.iter().enumerate().flat_map(|(s, &i)| active[s + 1..].iter().map(move |&j| (i, j)));
            let largest_off = pairs().fold(None, |b: Option<(usize, usize)>, (i, j)| match b {
                Some((p, q)) if at(&a, p, q).mag() >= at(&a, i, j).mag() => Some((p, q)),
                _ => Some((i, j)),
            });
            let off_pivot = largest_off.filter(|&(p, q)| {
                let small = single.is_none_or(|i| at(&a, i, i).mig() < ALPHA * at(&a, p, q).mag());
                small && det(&a, p, q).sup() < 0.0
            });
            if let (Some(i), None) = (single, off_pivot) {
                let p = at(&a, i, i);
                if p.inf() > 0.0 {
                    pos += 1;
                } else {
                    neg += 1;
                }
                active.retain(|&k| k != i);
                for (s, &k) in active.iter().enumerate() {
                    for &l in &active[s..] {
                        let (ki, li) = (at(&a, k, i), at(&a, l, i));
                        let update = if k == l { ki.sqr() / p } else { ki * li / p };
                        let v = at(&a, k, l) - update;
                        a[k * n + l] = v;
                        a[l * n + k] = v;
                    }
                }
                continue;
            }
            let best = || {
                pairs().filter(|&(i, j)| det(&a, i, j).sup() < 0.0).fold(None, |b: Option<(usize, usize)>, (i, j)| {
                    match b {
                        Some((p, q)) if det(&a, p, q).mig() >= det(&a, i, j).mig() => Some((p, q)),
                        _ => Some((i, j)),
                    }
                })
            };
            let (i, j) = off_pivot.or_else(best)?;
            let d = det(&a, i, j);
            let (aii, aij, ajj) = (at(&a, i, i), at(&a, i, j), at(&a, j, j));
            neg += 1;
            pos += 1;
            active.retain(|&k| k != i && k != j);
            // C − B E⁻¹ Bᵀ with E⁻¹ = [aⱼⱼ −aᵢⱼ; −aᵢⱼ aᵢᵢ] / det E.
            for (s, &k) in active.iter().enumerate() {
                for &l in &active[s..] {
                    let (ki, kj, li, lj) = (at(&a, k, i), at(&a, k, j), at(&a, l, i), at(&a, l, j));
                    let num = if k == l {
                        ki.sqr() * ajj - point(2.0) * ki * kj * aij + kj.sqr() * aii
                    } else {
                        ki * ajj * li - ki * aij * lj - kj * aij * li + kj * aii * lj
                    };
                    let v = at(&a, k, l) - num / d;
                    a[k * n + l] = v;
                    a[l * n + k] = v;
                }
            }
        }
        Some((neg, pos))
    }
}

/// Bunch and Parlett's α = (1 + √17)/8: a 1×1 pivot below α times the largest off-diagonal entry
/// gives way to a 2×2 pivot.
const ALPHA: f64 = 0.6403882032022076;

/// Whether s²A − B ≻ 0 for the symmetric members of `a` and `b` (interval Cholesky), so that
/// ‖z‖_B ≤ s‖z‖_A; with B = JᵀAJ, ‖Jz‖_A ≤ s‖z‖_A. Enclosure: rigorous (`true` is a proof).
pub fn dominates(a: &IMat, b: &IMat, s: Interval) -> bool {
    a.combine(s.sqr(), b, point(-1.0)).is_positive_definite()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// γₙ = nu/(1 − nu) = n/(2⁵³ − n) exactly (u = 2⁻⁵³): enclosed and tight; the whole line once
    /// nu ≥ 1.
    #[test]
    fn gamma_encloses_n_over_two_to_53_minus_n() {
        for n in [1usize, 10, 1000, 1 << 40] {
            let exact_g = Rat::new(n.into(), num_bigint::BigInt::from(1u64 << 53) - n);
            let g = gamma(n);
            assert!(exact(g.inf()).unwrap() <= exact_g && exact_g <= exact(g.sup()).unwrap(), "n = {n}");
            assert!(g.wid() <= 1e-15 * g.sup(), "n = {n}: {g:?}");
        }
        assert_eq!(gamma(1 << 53), Interval::ENTIRE);
    }
    use crate::exact::{parse_rat, rat};

    type I = Interval;

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    fn ex(f: f64) -> Rat {
        exact(f).unwrap()
    }

    /// `x` contains `r` (decided exactly) and its endpoints are equal or adjacent floats.
    fn assert_tight(x: I, r: &Rat) {
        let has =
            (x.inf() == f64::NEG_INFINITY || ex(x.inf()) <= *r) && (x.sup() == f64::INFINITY || *r <= ex(x.sup()));
        assert!(has, "{x:?} must contain {r}");
        let (lo, hi) = (x.inf(), x.sup());
        if lo == hi {
            assert_eq!(ex(lo), *r);
        } else if hi == f64::INFINITY {
            assert!(lo == f64::MAX && *r > ex(f64::MAX));
        } else if lo == f64::NEG_INFINITY {
            assert!(hi == f64::MIN && *r < ex(f64::MIN));
        } else {
            assert_eq!(lo.next_up(), hi, "{x:?} is not tight around {r}");
            assert!(ex(lo) < *r && *r < ex(hi));
        }
    }

    /// A pseudo-random generator (LCG) of small rationals k/8, k ∈ [−16, 16].
    fn lcg(seed: &mut u64) -> i64 {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (*seed >> 33) as i64 % 33 - 16
    }

    /// The symmetric n × n matrix with upper triangle `entry(i, j)`, i ≤ j (called row by row).
    fn symmetric<T: Clone>(n: usize, zero: T, mut entry: impl FnMut(usize, usize) -> T) -> Vec<Vec<T>> {
        let mut r = vec![vec![zero; n]; n];
        for (i, j) in (0..n).flat_map(|i| (i..n).map(move |j| (i, j))) {
            let v = entry(i, j);
            r[j][i] = v.clone();
            r[i][j] = v;
        }
        r
    }

    fn members_inertia(m: &[Vec<Rat>]) -> (usize, usize, usize) {
        let i = crate::exact::exact_inertia(&m.to_vec());
        (i.neg, i.pos, i.zero)
    }

    #[test]
    fn inertia_of_point_matrices_is_the_exact_one() {
        // [[0, 1], [1, 0]] needs the 2×2 pivot; [[1, 1], [1, 1]] is singular.
        let m = |v: &[f64]| IMat { rows: 2, cols: 2, a: v.iter().map(|&x| point(x)).collect() };
        assert_eq!(m(&[0.0, 1.0, 1.0, 0.0]).inertia(), Some((1, 1)));
        assert_eq!(m(&[-1.0, 0.5, 0.5, -1.0]).inertia(), Some((2, 0)));
        assert_eq!(m(&[1.0, 1.0, 1.0, 1.0]).inertia(), None);
        let mut seed = 5u64;
        let (mut shown, mut singular) = (0, 0);
        for trial in 0..3000 {
            let n = 1 + trial % 6;
            // Sparse entries make zero pivots and singular matrices common.
            let r = symmetric(n, Rat::zero(), |_, _| {
                let v = if lcg(&mut seed) % 3 == 0 { 0 } else { lcg(&mut seed) };
                Rat::new(v.into(), 8.into())
            });
            let (neg, pos, zero) = members_inertia(&r);
            match IMat::from_rat(&r).inertia() {
                Some(got) => {
                    assert_eq!((got, zero), ((neg, pos), 0), "{r:?}");
                    shown += 1;
                }
                None => singular += usize::from(zero > 0),
            }
        }
        // Every nonsingular matrix of k/8 entries is decided (the arithmetic is exact for them).
        assert_eq!(shown + singular, 3000, "{shown} shown, {singular} singular");
        assert!(shown > 2000 && singular > 300, "{shown} shown, {singular} singular");
    }

    #[test]
    fn inertia_of_an_interval_matrix_holds_for_its_members() {
        let mut seed = 11u64;
        let mut shown = 0;
        for trial in 0..1500 {
            let n = 2 + trial % 4;
            let a = symmetric(n, point(0.0), |_, _| {
                let c = f64::from(lcg(&mut seed) as i32) / 8.0;
                let w = f64::from(lcg(&mut seed).rem_euclid(4) as i32) / 64.0;
                I::try_from((c - w, c + w)).unwrap()
            });
            let m = IMat { rows: n, cols: n, a: a.concat() };
            let Some((neg, pos)) = m.inertia() else { continue };
            shown += 1;
            // Every vertex (each upper-triangle entry at an end) has that inertia, decided exactly.
            for _ in 0..8 {
                let r = symmetric(n, Rat::zero(), |i, j| {
                    let x = m.at(i, j);
                    ex(if lcg(&mut seed) > 0 { x.sup() } else { x.inf() })
                });
                assert_eq!(members_inertia(&r), (neg, pos, 0), "{r:?}");
            }
        }
        assert!(shown > 700, "{shown}");
        // A family that contains the singular [[1, 1], [1, 1]] is never decided.
        let x = I::try_from((0.875, 1.125)).unwrap();
        let m = IMat { rows: 2, cols: 2, a: vec![point(1.0), x, x, point(1.0)] };
        assert_eq!(m.inertia(), None);
        // A diagonal entry that may vanish is not a pivot: [[±1/8, 1], [1, 2]] pivots on 2.
        let m = IMat {
            rows: 2,
            cols: 2,
            a: vec![I::try_from((-0.125, 0.125)).unwrap(), point(1.0), point(1.0), point(2.0)],
        };
        assert_eq!(m.inertia(), Some((1, 1)));
    }

    #[test]
    fn rationals_round_outward_to_adjacent_floats() {
        for s in ["1/10", "1/3", "-1/3", "7/3", "-2/5", "1e300", "1e-300", "123456789/1000", "1e308", "1.7e308"] {
            assert_tight(rat_to_interval(&q(s)), &q(s));
        }
        // Dyadics, subnormals and the extremes are points.
        for f in [0.0, 1.0, -1.0, 0.5, 3.0 / 1024.0, f64::MAX, f64::MIN, f64::MIN_POSITIVE, f64::from_bits(1), 1e-310] {
            let x = rat_to_interval(&ex(f));
            assert!(x.is_singleton() && x.inf() == f, "{f}: {x:?}");
        }
        let two = Rat::from_integer(2.into());
        // 2^53 + 1 lies between two floats; 2^−1076 between 0 and the least subnormal.
        let r = num_traits::pow(two.clone(), 53) + rat(1);
        assert_tight(rat_to_interval(&r), &r);
        let tiny = num_traits::pow(two.clone(), 1076).recip();
        assert_eq!(rat_to_interval(&tiny), I::try_from((0.0, f64::from_bits(1))).unwrap());
        assert_eq!(rat_to_interval(&-tiny), I::try_from((-f64::from_bits(1), 0.0)).unwrap());
        // 3·2^−1076 between the first two subnormals; just above f64::MAX; 2^1024 and −2^1024.
        let r = rat(3) * num_traits::pow(two.clone(), 1076).recip();
        assert_eq!(rat_to_interval(&r), I::try_from((f64::from_bits(0), f64::from_bits(1))).unwrap());
        let r = ex(f64::MAX) + rat(1);
        assert_eq!(rat_to_interval(&r), I::try_from((f64::MAX, f64::INFINITY)).unwrap());
        let r = num_traits::pow(two, 1024);
        assert_eq!(rat_to_interval(&-r.clone()), I::try_from((f64::NEG_INFINITY, f64::MIN)).unwrap());
        assert_tight(rat_to_interval(&r), &r);
        // Pseudo-random fractions of all magnitudes.
        let mut seed = 99u64;
        for _ in 0..2000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let p = (seed >> 20) as i64 - (1 << 43);
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let qd = (seed >> 40) as i64 + 1;
            let sh = ((seed >> 8) % 2100) as i64 - 1050;
            let scale = num_traits::pow(Rat::from_integer(2.into()), sh.unsigned_abs() as usize);
            let r = Rat::new(p.into(), qd.into());
            let r = if sh >= 0 { r * scale } else { r / scale };
            assert_tight(rat_to_interval(&r), &r);
        }
    }
}
