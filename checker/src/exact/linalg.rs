//! Exact symmetric linear algebra: inertia by congruence, PSD tests, eigenvalue brackets.
//!
//! The inertia (numbers of positive, negative and zero eigenvalues) of a symmetric rational
//! matrix is computed by symmetric Gaussian elimination with 1×1 and 2×2 pivots (a block LDLᵀ
//! congruence), which Sylvester's law of inertia leaves invariant. No floating point is involved,
//! so every PSD verdict is exact.

use super::{Rat, RatInterval};
use num_bigint::BigInt;
use num_traits::{One, Signed, Zero};

/// Dense rational matrix, row-major.
pub type RatMatrix = Vec<Vec<Rat>>;

/// Numbers of positive, negative and zero eigenvalues of a symmetric matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inertia {
    /// Positive eigenvalues (with multiplicity).
    pub pos: usize,
    /// Negative eigenvalues.
    pub neg: usize,
    /// Zero eigenvalues.
    pub zero: usize,
}

/// Inertia of the symmetric matrix `m`. Enclosure: exact.
///
/// Panics when `m` is not square and symmetric (callers validate specs first).
pub fn inertia(m: &RatMatrix) -> Inertia {
    let n = m.len();
    for (i, row) in m.iter().enumerate() {
        assert_eq!(row.len(), n, "inertia needs a square matrix");
        for (j, x) in row.iter().enumerate().take(i) {
            assert_eq!(*x, m[j][i], "inertia needs a symmetric matrix");
        }
    }
    let mut a: RatMatrix = m.clone();
    let mut out = Inertia { pos: 0, neg: 0, zero: 0 };
    while !a.is_empty() {
        let k = a.len();
        // 1×1 pivot: the non-zero diagonal entry with the shortest representation.
        let piv =
            (0..k).filter(|&i| !a[i][i].is_zero()).min_by_key(|&i| a[i][i].numer().bits() + a[i][i].denom().bits());
        if let Some(i) = piv {
            let p = a[i][i].clone();
            if p.is_positive() {
                out.pos += 1
            } else {
                out.neg += 1
            }
            let col: Vec<Rat> = (0..k).map(|r| &a[r][i] / &p).collect();
            let row: Vec<Rat> = a[i].clone();
            let mut next = Vec::with_capacity(k - 1);
            for r in (0..k).filter(|&r| r != i) {
                let new_row: Vec<Rat> = (0..k)
                    .filter(|&c| c != i)
                    .map(|c| {
                        if col[r].is_zero() || row[c].is_zero() {
                            a[r][c].clone()
                        } else {
                            &a[r][c] - &col[r] * &row[c]
                        }
                    })
                    .collect();
                next.push(new_row);
            }
            a = next;
            continue;
        }
        // All diagonal entries vanish: a 2×2 pivot [[0, b], [b, 0]] has inertia (1, 1).
        let off = (0..k).flat_map(|i| (i + 1..k).map(move |j| (i, j))).find(|&(i, j)| !a[i][j].is_zero());
        let Some((i, j)) = off else {
            out.zero += k;
            break;
        };
        out.pos += 1;
        out.neg += 1;
        let b = a[i][j].clone();
        let mut next = Vec::with_capacity(k - 2);
        for r in (0..k).filter(|&r| r != i && r != j) {
            let new_row: Vec<Rat> = (0..k)
                .filter(|&c| c != i && c != j)
                .map(|c| &a[r][c] - (&a[r][i] * &a[j][c] + &a[r][j] * &a[i][c]) / &b)
                .collect();
            next.push(new_row);
        }
        a = next;
    }
    out
}

/// Whether the symmetric matrix `m` is positive semidefinite. Enclosure: exact.
pub fn is_psd(m: &RatMatrix) -> bool {
    inertia(m).neg == 0
}

/// Exact bracket `[lo, hi]` of the `k`-th smallest eigenvalue `λ_k` (`k = 0` is `λ_min`) of the
/// symmetric matrix `m`: at most `k` eigenvalues lie below `lo` and at least `k + 1` lie at or
/// below `hi`, so `lo ≤ λ_k ≤ hi`. The width is relative: `hi − lo ≤ 2^(−bits)·min(|lo|, |hi|)`
/// with `lo` and `hi` of the sign of `λ_k` (so a bracket never straddles 0); a degenerate `[x, x]`
/// when `λ_k = x` exactly and `x` is 0, an endpoint, the simplest rational of the bracket
/// (integer and small-denominator eigenvalues) or a diagonal entry (diagonal matrices).
///
/// Enclosure: exact (bisection on dyadic rationals decided by [`inertia`]). Deterministic, so a
/// checker recomputes it. Panics on an empty matrix or `k ≥ n`.
pub fn eig_enclosure(m: &RatMatrix, k: usize, bits: u32) -> RatInterval {
    let n = m.len();
    assert!(k < n, "eig_enclosure: k = {k} out of range for n = {n}");
    // below(t) = #{λ < t}, at_most(t) = #{λ ≤ t}; λ_k = t iff below(t) ≤ k < at_most(t).
    let counts = |t: &Rat| {
        let i = inertia(&shift(m, t));
        (i.pos, i.pos + i.zero)
    };
    let is_eig = |t: &Rat| {
        let (below, at_most) = counts(t);
        below <= k && k < at_most
    };
    let zero = Rat::zero();
    if is_eig(&zero) {
        return RatInterval::new(zero.clone(), zero);
    }
    // Gershgorin: every eigenvalue lies in ∪ [m_ii − R_i, m_ii + R_i]; then cut at 0, whose side
    // is known from the counts.
    let radius = |i: usize| (0..n).filter(|&j| j != i).map(|j| m[i][j].abs()).fold(Rat::zero(), |s, x| s + x);
    let mut lo = floor(&(0..n).map(|i| &m[i][i] - radius(i)).min().expect("non-empty"));
    let mut hi = ceil(&(0..n).map(|i| &m[i][i] + radius(i)).max().expect("non-empty"));
    if counts(&zero).1 > k {
        hi = hi.min(zero.clone()); // λ_k < 0
    } else {
        lo = lo.max(zero.clone()); // λ_k > 0
    }
    let two = Rat::from_integer(BigInt::from(2));
    let tol = Rat::new(BigInt::one(), BigInt::one() << (bits as usize));
    loop {
        let small = lo.abs().min(hi.abs());
        if &hi - &lo <= &tol * &small {
            break;
        }
        let mid = (&lo + &hi) / &two;
        if counts(&mid).1 > k {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    // Candidates for an exact hit: the ends, the simplest rational of the bracket, and the diagonal
    // entries inside it (the eigenvalues of diagonal matrices).
    let simplest = simplest_between(&lo, &hi);
    let diagonal = (0..n).map(|i| &m[i][i]).filter(|d| lo <= **d && **d <= hi);
    for t in [&lo, &hi, &simplest].into_iter().chain(diagonal) {
        if is_eig(t) {
            return RatInterval::new(t.clone(), t.clone());
        }
    }
    RatInterval::new(lo, hi)
}

/// Exact bracket of `λ_max` (see [`eig_enclosure`]); `hi·I − m ⪰ 0`.
pub fn eig_max_enclosure(m: &RatMatrix, bits: u32) -> RatInterval {
    eig_enclosure(m, m.len() - 1, bits)
}

/// Exact bracket of `λ_min` (see [`eig_enclosure`]); `m − lo·I ⪰ 0`.
pub fn eig_min_enclosure(m: &RatMatrix, bits: u32) -> RatInterval {
    eig_enclosure(m, 0, bits)
}

/// `t·I − m`: its positive eigenvalues count the eigenvalues of `m` below `t`.
pub fn shift(m: &RatMatrix, t: &Rat) -> RatMatrix {
    m.iter()
        .enumerate()
        .map(|(i, row)| row.iter().enumerate().map(|(j, x)| if i == j { t - x } else { -x.clone() }).collect())
        .collect()
}

/// The rational with the smallest denominator in `[l, h]` (continued fractions).
fn simplest_between(l: &Rat, h: &Rat) -> Rat {
    if !l.is_positive() && !h.is_negative() {
        return Rat::zero();
    }
    if h.is_negative() {
        return -simplest_between(&-h.clone(), &-l.clone());
    }
    let fl = floor(l);
    if &fl == l {
        return fl;
    }
    let next = &fl + Rat::one();
    if &next <= h {
        return next;
    }
    let inner = simplest_between(&(Rat::one() / (h - &fl)), &(Rat::one() / (l - &fl)));
    fl + Rat::one() / inner
}

fn floor(r: &Rat) -> Rat {
    Rat::from_integer(r.floor().to_integer())
}

fn ceil(r: &Rat) -> Rat {
    Rat::from_integer(r.ceil().to_integer())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::{parse_rat, rat};

    fn m(rows: &[&[&str]]) -> RatMatrix {
        rows.iter().map(|r| r.iter().map(|s| parse_rat(s).unwrap()).collect()).collect()
    }

    #[test]
    fn inertia_of_known_matrices() {
        assert_eq!(inertia(&m(&[&["2", "0"], &["0", "1"]])), Inertia { pos: 2, neg: 0, zero: 0 });
        assert_eq!(inertia(&m(&[&["0", "1"], &["1", "0"]])), Inertia { pos: 1, neg: 1, zero: 0 });
        assert_eq!(inertia(&m(&[&["1", "1"], &["1", "1"]])), Inertia { pos: 1, neg: 0, zero: 1 });
        assert_eq!(inertia(&m(&[&["0", "0"], &["0", "0"]])), Inertia { pos: 0, neg: 0, zero: 2 });
        // [[1,2],[2,1]] has eigenvalues 3 and −1.
        assert_eq!(inertia(&m(&[&["1", "2"], &["2", "1"]])), Inertia { pos: 1, neg: 1, zero: 0 });
        // Zero diagonal in the middle of elimination: [[0,1,0],[1,0,0],[0,0,-3]].
        assert_eq!(
            inertia(&m(&[&["0", "1", "0"], &["1", "0", "0"], &["0", "0", "-3"]])),
            Inertia { pos: 1, neg: 2, zero: 0 }
        );
    }

    #[test]
    fn simplest_rational() {
        let q = |a: &str| parse_rat(a).unwrap();
        assert_eq!(simplest_between(&q("0.33"), &q("0.34")), q("1/3"));
        assert_eq!(simplest_between(&q("2.9"), &q("3.0001")), q("3"));
        assert_eq!(simplest_between(&q("-0.34"), &q("-0.33")), q("-1/3"));
    }

    #[test]
    fn psd_boundary_is_exact() {
        // [[2,1],[1,2]] has eigenvalues 1 and 3: 3I − Q ⪰ 0 but (3 − 10⁻³⁰)I − Q is not.
        let q = m(&[&["2", "1"], &["1", "2"]]);
        assert!(is_psd(&shift(&q, &rat(3))));
        assert!(!is_psd(&shift(&q, &(rat(3) - parse_rat("1e-30").unwrap()))));
    }

    #[test]
    fn eigenvalue_brackets_contain_hand_values() {
        let mid = eig_enclosure(&m(&[&["3", "0", "0"], &["0", "-1", "0"], &["0", "0", "5"]]), 1, 40);
        assert_eq!(mid, RatInterval::new(rat(3), rat(3)));
        // Tiny eigenvalues keep their relative accuracy and their sign: diag(10⁻¹³, 1), diag(−10⁻²⁰, 2),
        // and an irrational tiny one: [[1e-13, 1e-14], [1e-14, 1]] has λ_min ≈ 1e-13 − 1e-28.
        let tiny = eig_min_enclosure(&m(&[&["1e-13", "0"], &["0", "1"]]), 40);
        assert_eq!(tiny, RatInterval::new(parse_rat("1e-13").unwrap(), parse_rat("1e-13").unwrap()));
        let neg = eig_min_enclosure(&m(&[&["-1e-20", "0"], &["0", "2"]]), 40);
        assert_eq!(neg.lo, parse_rat("-1e-20").unwrap());
        let t = eig_min_enclosure(&m(&[&["1e-13", "1e-14"], &["1e-14", "1"]]), 40);
        assert!(t.lo.is_positive() && &t.hi - &t.lo <= parse_rat("1e-24").unwrap());
        assert!(t.lo <= parse_rat("1e-13").unwrap() && parse_rat("0.99e-13").unwrap() <= t.lo);
        assert_eq!(eig_min_enclosure(&m(&[&["0", "0"], &["0", "1"]]), 40), RatInterval::new(rat(0), rat(0)));
        // [[2,1],[1,1]]: eigenvalues (3 ± √5)/2 = 2.6180339887498948482…, 0.3819660112501051517…
        let q = m(&[&["2", "1"], &["1", "1"]]);
        let top = eig_max_enclosure(&q, 40);
        let bot = eig_min_enclosure(&q, 40);
        assert!(
            top.lo <= parse_rat("2.61803398874989484").unwrap() && parse_rat("2.61803398874989485").unwrap() <= top.hi
        );
        assert!(
            bot.lo <= parse_rat("0.38196601125010515").unwrap() && parse_rat("0.38196601125010516").unwrap() <= bot.hi
        );
        assert!(&top.hi - &top.lo <= parse_rat("1e-11").unwrap());
        // Diagonal: exact.
        let d = m(&[&["2", "0"], &["0", "1"]]);
        assert_eq!(eig_max_enclosure(&d, 40), RatInterval::new(rat(2), rat(2)));
        assert_eq!(eig_min_enclosure(&d, 40), RatInterval::new(rat(1), rat(1)));
    }
}
