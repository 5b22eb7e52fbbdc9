//! Rigorous bounds on the eigenvalues of interval symmetric matrices: the extreme ones
//! ([`eig_bounds`]), every one of them in order ([`eig_enclosures`]), and the two edges of the
//! spectral gap around 0 ([`largest_negative`], [`neg_smallest_nonnegative`]).
//!
//! # Method (extreme eigenvalues)
//! Let 𝐀 be an interval matrix and V the (floating-point) eigenvectors of its midpoint, from
//! nalgebra. For every symmetric A ∈ 𝐀, B = VᵀAV lies in the interval matrix 𝐁 = Vᵀ𝐀V (computed
//! with outward rounding) and, by Ostrowski's theorem, λ_k(B) = θ_k λ_k(A) with θ_k between the
//! extreme eigenvalues of G = VᵀV. Gershgorin's theorem on 𝐁 (nearly diagonal, since V nearly
//! diagonalizes A) bounds λ_min(B) and λ_max(B); Gershgorin on 𝐆 (nearly the identity) gives
//! θ ∈ [1 − g, 1 + g]; dividing the two intervals bounds λ_min(A) and λ_max(A). The diagonal of 𝐁
//! gives the other sides (λ_max(B) ≥ B_ii ≥ λ_min(B) for a symmetric B).
//!
//! [`eig_enclosures`] reuses the same basis V and θ, with Weyl's inequality in place of Gershgorin
//! (see its documentation).
//!
//! ## Reference
//! A. M. Ostrowski, "A quantitative formulation of Sylvester's law of inertia", PNAS 45 (1959).
//!
//! H. Weyl, "Das asymptotische Verteilungsgesetz der Eigenwerte linearer partieller
//! Differentialgleichungen", Math. Ann. 71 (1912): |λ_k(A + E) − λ_k(A)| ≤ ‖E‖₂ for symmetric A, E.
//!
//! Enclosure: rigorous. Tightness ([`eig_bounds`]): for a point matrix, about n·‖A‖·ε_mach; for radii R, about
//! the Gershgorin radius of |V|ᵀR|V| (close to ‖R‖₂ when V is near the identity, up to n·‖R‖ otherwise).

use crate::enclose::rounding::{mid_rad, CentredSum};
use inari::{const_interval, Interval};
use nalgebra::DMatrix;

/// A dense interval matrix, row-major.
pub type IMatrix = Vec<Vec<Interval>>;

/// Enclosures of the extreme eigenvalues, valid for every symmetric matrix in an interval matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EigBounds {
    /// Contains λ_min(A) for every symmetric A in the interval matrix.
    pub min: Interval,
    /// Contains λ_max(A) for every symmetric A in the interval matrix.
    pub max: Interval,
}

impl EigBounds {
    /// Both bounds unknown.
    pub const ENTIRE: EigBounds = EigBounds { min: Interval::ENTIRE, max: Interval::ENTIRE };

    /// Contains ‖A‖₂ = max(λ_max, −λ_min) for every symmetric A in the interval matrix.
    ///
    /// Enclosure: rigorous.
    pub fn norm(&self) -> Interval {
        let lo = self.max.inf().max(-self.min.sup()).max(0.0);
        let hi = self.max.sup().max(-self.min.inf());
        Interval::try_from((lo, hi)).unwrap_or(Interval::ENTIRE)
    }
}

fn mag(x: Interval) -> Interval {
    let m = x.mag();
    Interval::try_from((m, m)).unwrap_or(Interval::ENTIRE)
}

/// Bounds λ_min and λ_max over the symmetric matrices of `a` (square; only the symmetric members
/// count). Returns [`EigBounds::ENTIRE`] when an entry is unbounded or the midpoint's eigenvectors
/// are too far from orthogonal to certify anything.
///
/// Enclosure: rigorous. Tightness: see the module documentation.
pub fn eig_bounds(a: &IMatrix) -> EigBounds {
    let n = a.len();
    assert!(a.iter().all(|r| r.len() == n), "eig_bounds needs a square matrix");
    if n == 0 || !bounded(a) {
        return EigBounds::ENTIRE;
    }
    let Some(basis) = Basis::of_midpoint(a) else {
        return EigBounds::ENTIRE;
    };
    let b = basis.congruence(a);
    let (mut bmax_lo, mut bmax_hi) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    let (mut bmin_lo, mut bmin_hi) = (f64::INFINITY, f64::INFINITY);
    for (k, row) in b.iter().enumerate() {
        let r = row.iter().enumerate().filter(|&(l, _)| l != k).fold(ZERO, |r, (_, &x)| r + mag(x));
        bmax_hi = bmax_hi.max((row[k] + r).sup());
        bmax_lo = bmax_lo.max(row[k].inf());
        bmin_lo = bmin_lo.min((row[k] - r).inf());
        bmin_hi = bmin_hi.min(row[k].sup());
    }
    let (Ok(bmax), Ok(bmin)) = (Interval::try_from((bmax_lo, bmax_hi)), Interval::try_from((bmin_lo, bmin_hi))) else {
        return EigBounds::ENTIRE;
    };
    EigBounds { min: bmin / basis.theta, max: bmax / basis.theta }
}

/// Encloses every eigenvalue, in ascending order: `λ_k(A) ∈ result[k]` for every symmetric A in `a`
/// (square; only the symmetric members count), with λ_1(A) ≤ … ≤ λ_n(A). Every entry is
/// [`Interval::ENTIRE`] when an entry of `a` is unbounded or the midpoint's eigenvectors are too
/// far from orthogonal to certify anything.
///
/// # Method
/// Two enclosures, intersected. V are the eigenvectors of the midpoint from nalgebra and θ ∋ θ_k
/// the factors of Ostrowski's theorem λ_k(VᵀAV) = θ_k λ_k(A) (see the module documentation).
///
/// (W) Weyl. Split 𝐀 = M ± R (M the `f64` midpoint of the upper triangle, R ≥ |A − M| entrywise,
/// rounded up): |λ_k(A) − λ_k(M)| ≤ ‖A − M‖₂ ≤ ρ = min(‖R‖_∞, ‖R‖_F) (for a symmetric matrix ‖·‖₂
/// is at most every induced norm and the Frobenius norm, both monotone in |A − M|). With D the
/// midpoints of the diagonal of 𝐁_M ∋ VᵀMV (outward rounding), Weyl again gives
/// |λ_k(VᵀMV) − D_(k)| ≤ ε, ε the largest row sum of |𝐁_M − diag(D)|, so
///
/// > λ_k(A) ∈ (D_(k) ± ε)/θ ± ρ.  (W)
///
/// (G) Gershgorin. Every symmetric B ∈ 𝐁 = Vᵀ𝐀V has its eigenvalues in the union of the intervals
/// 𝐁_kk ± r_k, and a connected component of that union made of j intervals holds exactly j of them
/// (each member's own intervals lie inside these, so its components refine them). Ordering the
/// components along the line, λ_k(B) lies in the hull G_k of the component holding position k, and
///
/// > λ_k(A) ∈ G_k/θ.  (G)
///
/// In both, an off-diagonal |B_kl| is bounded by the smaller of |𝐁_kl| and |𝐁_lk| (B is symmetric).
///
/// Enclosure: rigorous. Tightness: (W) has width 2ρ + about n·‖M‖·ε_mach (ρ ≤ √n‖R‖₂, and
/// ρ = ‖R‖₂ for a diagonal R or one with constant row sums); (G) is much tighter for an eigenvalue
/// whose eigenvector is not mixed by the radii (an isolated disc of width 2(rad 𝐁_kk + r_k)).
pub fn eig_enclosures(a: &IMatrix) -> Vec<Interval> {
    let n = a.len();
    assert!(a.iter().all(|r| r.len() == n), "eig_enclosures needs a square matrix");
    let unknown = vec![Interval::ENTIRE; n];
    if n == 0 || !bounded(a) {
        return unknown;
    }
    // M and R from the upper triangle: a symmetric A has A_ij = A_ji ∈ 𝐀_min(i,j),max(i,j).
    let upper = |i: usize, j: usize| a[i.min(j)][i.max(j)];
    let m: IMatrix = (0..n).map(|i| (0..n).map(|j| point_or_entire(upper(i, j).mid())).collect()).collect();
    let r: Vec<Vec<Interval>> = (0..n).map(|i| (0..n).map(|j| mag(upper(i, j) - m[i][j])).collect()).collect();
    let row_sum = r.iter().map(|row| row.iter().fold(ZERO, |s, &x| s + x).sup()).fold(0.0, f64::max);
    let frobenius = r.iter().flatten().fold(ZERO, |s, &x| x.mul_add(x, s)).sqrt().sup();
    let rho = row_sum.min(frobenius);
    let Some(basis) = Basis::of_midpoint(&m) else {
        return unknown;
    };
    // (W).
    let bm = basis.congruence(&m);
    let mut d: Vec<f64> = (0..n).map(|k| bm[k][k].mid()).collect();
    let eps =
        (0..n).map(|k| (mag(bm[k][k] - point_or_entire(d[k])) + off_diagonal_radius(&bm, k)).sup()).fold(0.0, f64::max);
    let (eps, rho) = (symmetric_ball(eps), symmetric_ball(rho));
    d.sort_by(f64::total_cmp);
    let weyl = d.into_iter().map(|dk| (point_or_entire(dk) + eps) / basis.theta + rho);
    // (G): the discs in order of their lower ends, merged into components.
    let b = basis.congruence(a);
    let mut discs: Vec<(f64, f64)> = (0..n)
        .map(|k| {
            let r = off_diagonal_radius(&b, k);
            ((b[k][k] - r).inf(), (b[k][k] + r).sup())
        })
        .collect();
    discs.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut hulls: Vec<Interval> = Vec::with_capacity(n);
    let mut start = 0;
    for k in 0..n {
        let hi = discs[start..=k].iter().map(|x| x.1).fold(f64::NEG_INFINITY, f64::max);
        if k + 1 == n || discs[k + 1].0 > hi {
            let hull = Interval::try_from((discs[start].0, hi)).unwrap_or(Interval::ENTIRE) / basis.theta;
            hulls.extend(std::iter::repeat_n(hull, k + 1 - start));
            start = k + 1;
        }
    }
    weyl.zip(hulls)
        .map(|(w, g)| {
            let x = w.intersection(g);
            // Both contain λ_k: an empty intersection cannot happen; keep the hull if it did.
            if x.is_empty() {
                w.convex_hull(g)
            } else {
                x
            }
        })
        .collect()
}

/// Σ_{l ≠ k} |B_kl| over the symmetric members of `b`: each term the smaller of |𝐁_kl| and |𝐁_lk|.
/// Enclosure: rigorous (the upper end bounds the sum).
fn off_diagonal_radius(b: &IMatrix, k: usize) -> Interval {
    (0..b.len()).filter(|&l| l != k).fold(ZERO, |s, l| s + point_or_entire(b[k][l].mag().min(b[l][k].mag())))
}

/// [−x, x]. Enclosure: exact.
fn symmetric_ball(x: f64) -> Interval {
    Interval::try_from((-x, x)).unwrap_or(Interval::ENTIRE)
}

/// Stands for "no such eigenvalue" in [`largest_negative`] and [`neg_smallest_nonnegative`] (the
/// checker's gap edges read it the same way).
pub use shadowcert_checker::theorems::general::NO_EIGENVALUE;

/// The least upper end when an eigenvalue may exist (the `f64` after [`NO_EIGENVALUE`]), so that
/// an upper end equal to [`NO_EIGENVALUE`] proves that there is none.
const SOME_EIGENVALUE: f64 = -f64::MAX.next_down();

/// From eigenvalue enclosures in ascending order ([`eig_enclosures`]), an enclosure of
/// max(λ₋(A), [`NO_EIGENVALUE`]) over the matrices A, with λ₋(A) the largest negative eigenvalue
/// (−∞ when there is none). The lower side of the spectral gap of 000 Thm 3 is γ* = −sup λ₋.
///
/// Enclosure: rigorous. Upper end: the largest `sup e_k` over the k with `inf e_k < 0` (λ₋ is one
/// of those eigenvalues); lower end: `inf e_j` for the largest j with `sup e_j < 0` (λ_j < 0 is
/// certain, so λ₋ ≥ λ_j).
pub fn largest_negative(e: &[Interval]) -> Interval {
    // An eigenvalue that may be negative keeps the upper end strictly above the sentinel.
    let hi = e.iter().filter(|x| x.inf() < 0.0).map(|x| x.sup().max(SOME_EIGENVALUE)).fold(NO_EIGENVALUE, f64::max);
    let lo = e.iter().rev().find(|x| x.sup() < 0.0).map_or(NO_EIGENVALUE, |x| x.inf().max(NO_EIGENVALUE));
    Interval::try_from((lo, hi)).unwrap_or(Interval::ENTIRE)
}

/// From eigenvalue enclosures in ascending order ([`eig_enclosures`]), an enclosure of
/// max(−λ₊(A), [`NO_EIGENVALUE`]) over the matrices A, with λ₊(A) the smallest eigenvalue ≥ 0
/// (+∞ when there is none). The upper side of the spectral gap of 000 Thm 3 is μ* = −sup(−λ₊).
///
/// Enclosure: rigorous. Upper end: the largest `−inf e_k` over the k with `sup e_k ≥ 0`; lower end:
/// `−sup e_j` for the smallest j with `inf e_j ≥ 0` (λ_j ≥ 0 is certain, so λ₊ ≤ λ_j).
pub fn neg_smallest_nonnegative(e: &[Interval]) -> Interval {
    let hi = e.iter().filter(|x| x.sup() >= 0.0).map(|x| (-x.inf()).max(SOME_EIGENVALUE)).fold(NO_EIGENVALUE, f64::max);
    let lo = e.iter().find(|x| x.inf() >= 0.0).map_or(NO_EIGENVALUE, |x| (-x.sup()).max(NO_EIGENVALUE));
    Interval::try_from((lo, hi)).unwrap_or(Interval::ENTIRE)
}

/// An approximate eigenbasis V of a matrix's midpoint (point intervals) and an enclosure θ of
/// [λ_min(VᵀV), λ_max(VᵀV)], positive, for Ostrowski's theorem λ_k(VᵀAV) = θ_k λ_k(A).
struct Basis {
    v: IMatrix,
    theta: Interval,
}

impl Basis {
    /// V from nalgebra's eigendecomposition of the midpoint of the upper triangle of `a`, and θ by
    /// Gershgorin on 𝐆 ∋ VᵀV: θ = [1 − g, 1 + g]. `None` when g ≥ 1/2 (V not certified to be
    /// nearly orthonormal) or V is not finite.
    ///
    /// Enclosure: rigorous (θ).
    fn of_midpoint(a: &IMatrix) -> Option<Basis> {
        let n = a.len();
        let mid = DMatrix::from_fn(n, n, |i, j| a[i.min(j)][i.max(j)].mid());
        let eig = nalgebra::SymmetricEigen::new(mid);
        let v: IMatrix = (0..n)
            .map(|i| (0..n).map(|k| point(eig.eigenvectors[(i, k)])).collect::<Option<Vec<_>>>())
            .collect::<Option<_>>()?;
        // Columns of V as f64 rows (every entry is a point).
        let cols: Vec<Vec<f64>> = (0..n).map(|k| (0..n).map(|i| v[i][k].inf()).collect()).collect();
        let gram = |k: usize, l: usize| {
            if n < CENTRED_DIM {
                return dot((0..n).map(|i| (v[i][k], v[i][l])));
            }
            let mut s = CentredSum::default();
            for (&a, &b) in cols[k].iter().zip(&cols[l]) {
                s.add((a, 0.0), (b, 0.0));
            }
            s.enclosure()
        };
        let mut g_rad = ZERO;
        for k in 0..n {
            let mut r = mag(gram(k, k) - ONE);
            for l in (0..n).filter(|&l| l != k) {
                r += mag(gram(k, l));
            }
            if r.sup() > g_rad.sup() {
                g_rad = r;
            }
        }
        let g = g_rad.sup();
        if g.is_nan() || g >= 0.5 {
            return None;
        }
        let theta = Interval::try_from(((ONE - point_or_entire(g)).inf(), (ONE + point_or_entire(g)).sup()))
            .expect("1 ± g with g < 1/2 is a positive interval");
        Some(Basis { v, theta })
    }

    /// 𝐁 = Vᵀ𝐀V: VᵀAV ∈ 𝐁 for every A ∈ 𝐀, V a point matrix. Below [`CENTRED_DIM`] by interval
    /// multiply-adds (exact where the arithmetic is); from it each entry of 𝐀V and then of Vᵀ(𝐀V) is
    /// a [`CentredSum`] (the entries of 𝐀 and 𝐀V in midpoint–radius form): about five times faster,
    /// and as tight up to the sums' a-priori rounding bound, which is never 0. Enclosure: rigorous.
    fn congruence(&self, a: &IMatrix) -> IMatrix {
        let (n, v) = (a.len(), &self.v);
        if n < CENTRED_DIM {
            let av: IMatrix =
                (0..n).map(|i| (0..n).map(|k| dot((0..n).map(|j| (a[i][j], v[j][k])))).collect()).collect();
            return (0..n).map(|k| (0..n).map(|l| dot((0..n).map(|i| (v[i][k], av[i][l])))).collect()).collect();
        }
        let cols: Vec<Vec<f64>> = (0..n).map(|k| (0..n).map(|i| self.v[i][k].inf()).collect()).collect();
        let sum = |x: &[(f64, f64)], v: &[f64]| {
            let mut s = CentredSum::default();
            for (&c, &vj) in x.iter().zip(v) {
                s.add((vj, 0.0), c);
            }
            s.enclosure()
        };
        let rows: Vec<Vec<(f64, f64)>> = a.iter().map(|r| r.iter().map(|&x| mid_rad(x)).collect()).collect();
        // (𝐀V)ᵀ, row l = column l of 𝐀V.
        let avt: Vec<Vec<(f64, f64)>> =
            (0..n).map(|l| (0..n).map(|i| mid_rad(sum(&rows[i], &cols[l]))).collect()).collect();
        (0..n).map(|k| (0..n).map(|l| sum(&avt[l], &cols[k])).collect()).collect()
    }
}

/// Every entry non-empty and bounded.
fn bounded(a: &IMatrix) -> bool {
    a.iter().flatten().all(|x| !x.is_empty() && x.inf().is_finite() && x.sup().is_finite())
}

/// The dimension from which the products of [`Basis`] are [`CentredSum`]s rather than interval
/// multiply-adds (a cost threshold: both are rigorous). Expression objectives stay below it.
const CENTRED_DIM: usize = 16;

const ONE: Interval = const_interval!(1.0, 1.0);
const ZERO: Interval = const_interval!(0.0, 0.0);

fn point(x: f64) -> Option<Interval> {
    Interval::try_from((x, x)).ok()
}

fn point_or_entire(x: f64) -> Interval {
    point(x).unwrap_or(Interval::ENTIRE)
}

/// Σ xᵢyᵢ with outward rounding. Enclosure: rigorous.
pub fn dot(terms: impl Iterator<Item = (Interval, Interval)>) -> Interval {
    let mut s = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
    for (x, y) in terms {
        s = x.mul_add(y, s);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enclose::{interval_contains_rat, rat_to_interval};
    use crate::exact::{rat, Rat};

    fn q(n: i64, d: i64) -> Rat {
        Rat::new(n.into(), d.into())
    }

    /// R·diag(d)·Rᵀ with R a product of exact rational rotations (3/5, 4/5): eigenvalues exactly d.
    fn rotated(d: &[Rat]) -> Vec<Vec<Rat>> {
        let n = d.len();
        let mut r: Vec<Vec<Rat>> = (0..n).map(|i| (0..n).map(|j| rat(i64::from(i == j))).collect()).collect();
        for p in 0..n - 1 {
            let (c, s) = (q(3, 5), q(4, 5));
            for row in r.iter_mut() {
                let (a, b) = (row[p].clone(), row[p + 1].clone());
                row[p] = &c * &a - &s * &b;
                row[p + 1] = &s * &a + &c * &b;
            }
        }
        (0..n)
            .map(|i| (0..n).map(|j| (0..n).fold(rat(0), |acc, k| acc + &r[i][k] * &d[k] * &r[j][k])).collect())
            .collect()
    }

    #[test]
    fn exact_eigenvalues_are_enclosed_tightly() {
        for d in [vec![q(-3, 1), q(1, 3), q(7, 2)], vec![q(1, 1), q(1, 1)], vec![q(-1, 7), q(0, 1), q(2, 9), q(5, 1)]] {
            let a = rotated(&d);
            let ai: IMatrix = a.iter().map(|r| r.iter().map(rat_to_interval).collect()).collect();
            let e = eig_bounds(&ai);
            let (min, max) = (d.iter().min().unwrap(), d.iter().max().unwrap());
            assert!(interval_contains_rat(&e.min, min), "{:?} vs {min}", e.min);
            assert!(interval_contains_rat(&e.max, max), "{:?} vs {max}", e.max);
            assert!(e.min.wid() < 1e-12 && e.max.wid() < 1e-12, "{e:?}");
            let norm = max.clone().max(-min.clone());
            assert!(interval_contains_rat(&e.norm(), &norm));
        }
    }

    #[test]
    fn interval_radii_cover_every_member() {
        // [[2 ± 0.1, 1 ± 0.1], [1 ± 0.1, 2 ± 0.1]]: members diag(1.9..2.1) with off-diagonal 0.9..1.1;
        // λ_max ranges over [2.8, 3.2] and λ_min over [0.8, 1.2] (2 ± 0.1 ± (1 ± 0.1)).
        let iv = |a: f64, b: f64| Interval::try_from((a, b)).unwrap();
        let a = vec![vec![iv(1.9, 2.1), iv(0.9, 1.1)], vec![iv(0.9, 1.1), iv(1.9, 2.1)]];
        let e = eig_bounds(&a);
        assert!(e.max.inf() <= 2.8 && e.max.sup() >= 3.2 && e.max.sup() < 3.5, "{e:?}");
        assert!(e.min.inf() <= 0.8 && e.min.sup() >= 1.2 && e.min.inf() > 0.5, "{e:?}");
        // A false claim is not enclosed: 3.3 > every λ_max.
        assert!(e.max.inf() < 3.3);
        let unbounded = vec![vec![Interval::ENTIRE]];
        assert_eq!(eig_bounds(&unbounded), EigBounds::ENTIRE);
    }

    /// Whether the exact real `p + s·√r` lies in `iv` (s = ±1, r ≥ 0), decided exactly:
    /// lo ≤ p + s√r ⟺ s√r ≥ lo − p, and p + s√r ≤ hi ⟺ −s√r ≥ p − hi.
    fn holds_root(iv: &Interval, p: &Rat, s: i64, r: &Rat) -> bool {
        // s√r ≥ t: for s = 1, t ≤ 0 or t² ≤ r; for s = −1, t ≤ 0 and t² ≥ r.
        let ge = |s: i64, t: Rat| if s > 0 { t <= rat(0) || &t * &t <= *r } else { t <= rat(0) && &t * &t >= *r };
        let lo = Rat::from_float(iv.inf()).unwrap();
        let hi = Rat::from_float(iv.sup()).unwrap();
        ge(s, lo - p) && ge(-s, p - hi)
    }

    #[test]
    fn every_eigenvalue_of_a_2x2_closed_form_is_enclosed() {
        // [[2, 1], [1, −1]]: λ = 1/2 ∓ √13/2 (trace 1, determinant −3: (1/2)² + 3 = 13/4).
        let a: IMatrix =
            [[2.0, 1.0], [1.0, -1.0]].iter().map(|r| r.iter().map(|&x| point(x).unwrap()).collect()).collect();
        let e = eig_enclosures(&a);
        let r = q(13, 4);
        assert!(holds_root(&e[0], &q(1, 2), -1, &r), "{e:?}");
        assert!(holds_root(&e[1], &q(1, 2), 1, &r), "{e:?}");
        assert!(e.iter().all(|x| x.wid() < 1e-14), "{e:?}");
        // A wrongly tight claim fails: the enclosure of λ₂ ≈ 2.3028 excludes 2.3028 ± 1e-10 around the truth,
        // and λ₂ is not in the enclosure of λ₁.
        assert!(!holds_root(&e[0], &q(1, 2), 1, &r));
        assert!(!e[1].contains(2.3027756)); // √13/2 + 1/2 = 2.302775637…
    }

    #[test]
    fn every_eigenvalue_of_rotated_diagonals_is_enclosed_tightly() {
        // R diag(d) Rᵀ with exact rational rotations: eigenvalues exactly d (3×3, a double one, 4×4,
        // and 24×24 with (k − 12)/5, one of them 0, which takes the centred products: n ≥ CENTRED_DIM).
        let large: Vec<Rat> = (0..24).map(|k| q(k - 12, 5)).collect();
        for d in
            [vec![q(-3, 1), q(1, 3), q(7, 2)], vec![q(1, 1), q(1, 1)], vec![q(-1, 7), q(0, 1), q(2, 9), q(5, 1)], large]
        {
            let a = rotated(&d);
            let ai: IMatrix = a.iter().map(|r| r.iter().map(rat_to_interval).collect()).collect();
            let e = eig_enclosures(&ai);
            for (k, (x, dk)) in e.iter().zip(&d).enumerate() {
                assert!(interval_contains_rat(x, dk), "λ_{k} = {dk} not in {x:?}");
                // Tight: a claim 1e-12 off the truth is not enclosed.
                assert!(x.wid() < 1e-12, "λ_{k}: {x:?}");
                let off = dk + q(1, 1_000_000_000_000);
                assert!(!interval_contains_rat(x, &off), "λ_{k}: {x:?}");
            }
        }
    }

    #[test]
    fn centred_congruences_of_large_matrices_enclose_every_eigenvalue() {
        // n = 24 ≥ CENTRED_DIM: the centred-sum products (as points in the test above). The rotated
        // diagonal with eigenvalues (k − 12)/5, every entry widened by ±1e-9 (Weyl: each eigenvalue
        // then moves by at most ‖R‖₂ ≤ 24e-9).
        let d: Vec<Rat> = (0..24).map(|k| q(k - 12, 5)).collect();
        let ai: IMatrix = rotated(&d).iter().map(|r| r.iter().map(rat_to_interval).collect()).collect();
        let wide: IMatrix =
            ai.iter().map(|r| r.iter().map(|&x| x + Interval::try_from((-1e-9, 1e-9)).unwrap()).collect()).collect();
        let e = eig_enclosures(&wide);
        // A ± εI (ε = the f64 nearest 1e-9) are members, with eigenvalues dₖ ± ε.
        let eps = Rat::from_float(1e-9).unwrap();
        for (k, (x, dk)) in e.iter().zip(&d).enumerate() {
            for member in [dk - &eps, dk.clone(), dk + &eps] {
                assert!(interval_contains_rat(x, &member), "λ_{k} = {member} not in {x:?}");
            }
            assert!(x.wid() < 1e-7, "λ_{k}: {x:?}");
        }
    }

    #[test]
    fn interval_radii_widen_each_eigenvalue_by_at_most_the_radius_norm() {
        // [[2 ± 0.1, 1 ± 0.1], [1 ± 0.1, 2 ± 0.1]]: members 2 + s ± (1 + t) for the equal-diagonal
        // ones, so λ₁ ranges over [0.8, 1.2] and λ₂ over [2.8, 3.2]; ‖R‖_∞ = 0.2 = ‖R‖₂ (R constant).
        let iv = |a: f64, b: f64| Interval::try_from((a, b)).unwrap();
        let a = vec![vec![iv(1.9, 2.1), iv(0.9, 1.1)], vec![iv(0.9, 1.1), iv(1.9, 2.1)]];
        let e = eig_enclosures(&a);
        assert!(e[0].inf() <= 0.8 && e[0].sup() >= 1.2 && e[0].inf() > 0.79 && e[0].sup() < 1.21, "{e:?}");
        assert!(e[1].inf() <= 2.8 && e[1].sup() >= 3.2 && e[1].inf() > 2.79 && e[1].sup() < 3.21, "{e:?}");
        // Non-equal diagonals, e.g. diag(1.9, 2.1) with off-diagonal 0.9: λ = 2 ∓ √(0.01 + 0.81), inside too.
        let l = 2.0 - (0.82f64).sqrt();
        assert!(e[0].inf() < l - 1e-9 && l + 1e-9 < e[0].sup());
        assert_eq!(eig_enclosures(&vec![vec![Interval::ENTIRE]]), vec![Interval::ENTIRE]);
    }

    #[test]
    fn an_isolated_eigenvalue_is_not_widened_by_the_others_radii() {
        // diag(1, [−1, −0.8]): λ₂ = 1 exactly for every member, λ₁ ∈ [−1, −0.8]. Weyl alone (W) would
        // widen λ₂ by ρ = 0.1; the Gershgorin components (G) keep it exact.
        let iv = |a: f64, b: f64| Interval::try_from((a, b)).unwrap();
        let a = vec![vec![iv(1.0, 1.0), iv(0.0, 0.0)], vec![iv(0.0, 0.0), iv(-1.0, -0.8)]];
        let e = eig_enclosures(&a);
        assert_eq!(e[1], iv(1.0, 1.0), "{e:?}");
        assert!(e[0].inf() <= -1.0 && e[0].sup() >= -0.8 && e[0].wid() < 0.2 + 1e-12, "{e:?}");
        // Overlapping discs: diag([0, 1], [1/2, 2]), whose members have λ₁ = min(a, b) ∈ [0, 1] and
        // λ₂ = max(a, b) ∈ [1/2, 2]. (G) merges the discs into [0, 2]; (W) (M = diag(1/2, 5/4), ρ = 3/4)
        // gives λ₁ ∈ [−1/4, 5/4] and λ₂ ∈ [1/2, 2]; the intersection is [0, 5/4] and [1/2, 2].
        let a = vec![vec![iv(0.0, 1.0), iv(0.0, 0.0)], vec![iv(0.0, 0.0), iv(0.5, 2.0)]];
        let e = eig_enclosures(&a);
        assert!(e[0].inf() <= 0.0 && e[0].sup() >= 1.0 && e[0].sup() <= 1.25 + 1e-12, "{e:?}");
        assert!(e[1].inf() <= 0.5 && e[1].sup() >= 2.0 && e[1].inf() >= 0.5 - 1e-12, "{e:?}");
    }

    #[test]
    fn gap_edges_from_sorted_enclosures() {
        let iv = |a: f64, b: f64| Interval::try_from((a, b)).unwrap();
        // λ₁ ∈ [−3, −2], λ₂ ∈ [−1, −1/2], λ₃ ∈ [1/2, 1]: λ₋ ∈ [−1, −1/2], λ₊ ∈ [1/2, 1].
        let e = [iv(-3.0, -2.0), iv(-1.0, -0.5), iv(0.5, 1.0)];
        assert_eq!(largest_negative(&e), iv(-1.0, -0.5));
        assert_eq!(neg_smallest_nonnegative(&e), iv(-1.0, -0.5));
        // An enclosure straddling 0 may hold either edge: nothing certain on the near side.
        let e = [iv(-3.0, -2.0), iv(-0.25, 0.25), iv(2.0, 4.0)];
        assert_eq!(largest_negative(&e), iv(-3.0, 0.25));
        assert_eq!(neg_smallest_nonnegative(&e), iv(-4.0, 0.25));
        // No negative (no non-negative) eigenvalue: the sentinel.
        let e = [iv(1.0, 2.0)];
        assert_eq!(largest_negative(&e), iv(NO_EIGENVALUE, NO_EIGENVALUE));
        assert_eq!(neg_smallest_nonnegative(&e), iv(-2.0, -1.0));
        assert_eq!(neg_smallest_nonnegative(&[iv(-2.0, -1.0)]), iv(NO_EIGENVALUE, NO_EIGENVALUE));
        // An eigenvalue at the sentinel itself still counts as one.
        assert!(largest_negative(&[iv(f64::MIN, f64::MIN)]).sup() > NO_EIGENVALUE);
        assert!(neg_smallest_nonnegative(&[iv(f64::MAX, f64::MAX)]).sup() > NO_EIGENVALUE);
    }
}
