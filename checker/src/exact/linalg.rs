//! Exact symmetric linear algebra: inertia by congruence, PSD tests, eigenvalue brackets.
//!
//! The inertia (numbers of positive, negative and zero eigenvalues) of a symmetric rational
//! matrix is computed by symmetric Gaussian elimination with 1×1 and 2×2 pivots (a block LDLᵀ
//! congruence), which Sylvester's law of inertia leaves invariant. No floating point is involved,
//! so every PSD verdict is exact.

use super::{Rat, RatInterval};
use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

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
/// First by interval block LDLᵀ of `m` rounded outward to `f64` intervals
/// ([`crate::interval::IMat::inertia`]): when every pivot excludes 0 that is the inertia of every
/// member, `m` included, and `m` is regular. Else (`m` singular or nearly so) by exact rational
/// elimination ([`exact_inertia`]), whose cost grows with the size of the entries.
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
    fast_inertia(m).unwrap_or_else(|| exact_inertia(m))
}

/// The inertia of `m` by interval block LDLᵀ in `f64` (regular matrices only), `None` when that
/// does not decide it. Enclosure: exact.
fn fast_inertia(m: &RatMatrix) -> Option<Inertia> {
    crate::interval::IMat::from_rat(m).inertia().map(|(neg, pos)| Inertia { pos, neg, zero: 0 })
}

/// Whether `m` is regular, shown by its determinant modulo the prime p = 2⁶¹ − 1: reduction modulo
/// p is a ring homomorphism on the rationals whose denominators p does not divide, so
/// det m ≢ 0 (mod p) implies det m ≠ 0. `false` when not shown (m singular, p divides det m or a
/// denominator). Enclosure: exact.
fn regular_mod_p(m: &RatMatrix) -> bool {
    const P: u64 = (1 << 61) - 1;
    let mul = |a: u64, b: u64| (u128::from(a) * u128::from(b) % u128::from(P)) as u64;
    let inv = |a: u64| {
        // a^(p−2) by squaring (Fermat).
        let (mut r, mut b, mut e) = (1u64, a, P - 2);
        while e > 0 {
            if e & 1 == 1 {
                r = mul(r, b);
            }
            b = mul(b, b);
            e >>= 1;
        }
        r
    };
    let p = BigInt::from(P);
    let reduce = |x: &BigInt| (((x % &p) + &p) % &p).to_u64().expect("below p");
    let mut a = Vec::with_capacity(m.len());
    for row in m {
        let mut r = Vec::with_capacity(row.len());
        for x in row {
            let den = reduce(x.denom());
            if den == 0 {
                return false;
            }
            r.push(mul(reduce(x.numer()), inv(den)));
        }
        a.push(r);
    }
    let n = a.len();
    for c in 0..n {
        let Some(r) = (c..n).find(|&r| a[r][c] != 0) else { return false };
        a.swap(c, r);
        let pivot_inv = inv(a[c][c]);
        let (top, rest) = a.split_at_mut(c + 1);
        let pivot_row = &top[c];
        for row in rest {
            let f = mul(row[c], pivot_inv);
            if f != 0 {
                for (x, &y) in row[c..].iter_mut().zip(&pivot_row[c..]) {
                    *x = (*x + P - mul(f, y)) % P;
                }
            }
        }
    }
    true
}

/// Inertia by symmetric Gaussian elimination in exact rationals, without the floating-point first
/// attempt of [`inertia`] (the independent reference of its tests). Enclosure: exact.
pub fn exact_inertia(m: &RatMatrix) -> Inertia {
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

/// The relative width at which [`eig_enclosure`] may stop short of its target when the counts
/// need exact arithmetic.
pub const EARLY_STOP_BITS: u32 = 20;

/// Exact bracket `[lo, hi]` of the `k`-th smallest eigenvalue `λ_k` (`k = 0` is `λ_min`) of the
/// symmetric matrix `m`: at most `k` eigenvalues lie below `lo` and at least `k + 1` lie at or
/// below `hi`, so `lo ≤ λ_k ≤ hi`. The width is relative: `hi − lo ≤ 2^(−bits)·min(|lo|, |hi|)`
/// (2^−[`EARLY_STOP_BITS`] where the counts would need exact arithmetic, see below)
/// with `lo` and `hi` of the sign of `λ_k` (so a bracket never straddles 0); a degenerate `[x, x]`
/// when `λ_k = x` exactly and `x` is 0, an endpoint, the simplest rational of the bracket
/// (integer and small-denominator eigenvalues) or a diagonal entry (diagonal matrices).
///
/// Where t·I − m is regular (shown modulo a prime) but the `f64` elimination cannot count its
/// eigenvalues (too close to singular, or too much growth in an indefinite elimination), the
/// bisection splits at another eighth of the bracket; when none is decided it stops early, once
/// the bracket is 2^-[`EARLY_STOP_BITS`] relative (so of one sign), else counts exactly. An exact
/// count costs seconds at d = 60 and grows fast with d.
///
/// Enclosure: exact (bisection on dyadic rationals decided by inertia counts: [`inertia`]'s
/// floating-point elimination, exact elimination where t·I − m may be singular). Deterministic, so
/// a checker recomputes it. Panics on an empty matrix or `k ≥ n`.
pub fn eig_enclosure(m: &RatMatrix, k: usize, bits: u32) -> RatInterval {
    let n = m.len();
    assert!(k < n, "eig_enclosure: k = {k} out of range for n = {n}");
    // below(t) = #{λ < t}, at_most(t) = #{λ ≤ t}; λ_k = t iff below(t) ≤ k < at_most(t).
    let exact = |s: &RatMatrix| {
        let i = exact_inertia(s);
        (i.pos, i.pos + i.zero)
    };
    // `None`: t is no eigenvalue, and its counts are not decided in floating point.
    let near = |t: &Rat| {
        let s = shift(m, t);
        match fast_inertia(&s) {
            Some(i) => Some((i.pos, i.pos)),
            None if regular_mod_p(&s) => None,
            None => Some(exact(&s)),
        }
    };
    let counts = |t: &Rat| near(t).unwrap_or_else(|| exact(&shift(m, t)));
    let is_eig = |t: &Rat| near(t).is_some_and(|(below, at_most)| below <= k && k < at_most);
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
    let tol = Rat::new(BigInt::one(), BigInt::one() << (bits as usize));
    let loose = Rat::new(BigInt::one(), BigInt::one() << (bits.min(EARLY_STOP_BITS) as usize));
    loop {
        let small = lo.abs().min(hi.abs());
        if &hi - &lo <= &tol * &small {
            break;
        }
        // The midpoint, else another dyadic split (farther from the eigenvalue that made the
        // shifted matrix nearly singular); none decided: stop once the bracket is of one sign and
        // 2^-EARLY_STOP_BITS relative, else the exact counts at the midpoint.
        let splits = [4, 3, 5, 2, 6, 1, 7].map(|j| &lo + (&hi - &lo) * Rat::new(BigInt::from(j), BigInt::from(8)));
        let (mid, at_most) = match splits.iter().find_map(|t| near(t).map(|c| (t.clone(), c.1))) {
            Some(found) => found,
            None if &hi - &lo <= &loose * &small => break,
            None => (splits[0].clone(), counts(&splits[0]).1),
        };
        if at_most > k {
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
        // Both paths: the dispatcher (floating point first) and the exact elimination alone.
        for f in [inertia, exact_inertia] {
            assert_eq!(f(&m(&[&["2", "0"], &["0", "1"]])), Inertia { pos: 2, neg: 0, zero: 0 });
            assert_eq!(f(&m(&[&["0", "1"], &["1", "0"]])), Inertia { pos: 1, neg: 1, zero: 0 });
            assert_eq!(f(&m(&[&["1", "1"], &["1", "1"]])), Inertia { pos: 1, neg: 0, zero: 1 });
            assert_eq!(f(&m(&[&["0", "0"], &["0", "0"]])), Inertia { pos: 0, neg: 0, zero: 2 });
            // [[1,2],[2,1]] has eigenvalues 3 and −1.
            assert_eq!(f(&m(&[&["1", "2"], &["2", "1"]])), Inertia { pos: 1, neg: 1, zero: 0 });
            // Zero diagonal in the middle of elimination: [[0,1,0],[1,0,0],[0,0,-3]].
            assert_eq!(
                f(&m(&[&["0", "1", "0"], &["1", "0", "0"], &["0", "0", "-3"]])),
                Inertia { pos: 1, neg: 2, zero: 0 }
            );
            // Nearly singular: [[1, 1], [1, 1 + 10⁻³⁰]] has a positive eigenvalue ≈ 5·10⁻³¹ that no
            // f64 elimination resolves; [[1, 1], [1, 1 − 10⁻³⁰]] a negative one.
            let e = "1000000000000000000000000000001/1000000000000000000000000000000";
            assert_eq!(f(&m(&[&["1", "1"], &["1", e]])), Inertia { pos: 2, neg: 0, zero: 0 });
            let e = "999999999999999999999999999999/1000000000000000000000000000000";
            assert_eq!(f(&m(&[&["1", "1"], &["1", e]])), Inertia { pos: 1, neg: 1, zero: 0 });
        }
    }

    #[test]
    fn simplest_rational() {
        let q = |a: &str| parse_rat(a).unwrap();
        assert_eq!(simplest_between(&q("0.33"), &q("0.34")), q("1/3"));
        assert_eq!(simplest_between(&q("2.9"), &q("3.0001")), q("3"));
        assert_eq!(simplest_between(&q("-0.34"), &q("-0.33")), q("-1/3"));
    }

    #[test]
    fn regularity_modulo_a_prime() {
        assert!(!regular_mod_p(&m(&[&["1", "1"], &["1", "1"]])));
        assert!(regular_mod_p(&m(&[&["1", "2"], &["3", "4"]])));
        assert!(regular_mod_p(&m(&[&["0", "1"], &["1", "0"]])), "needs a row swap");
        // det = 10⁻³⁰: regular, far below any floating-point resolution.
        let e = "1000000000000000000000000000001/1000000000000000000000000000000";
        assert!(regular_mod_p(&m(&[&["1", "1"], &["1", e]])));
        // det = p = 2⁶¹ − 1 vanishes modulo p, and a denominator p cannot be reduced: not shown.
        assert!(!regular_mod_p(&m(&[&["2305843009213693951", "0"], &["0", "1"]])));
        assert!(!regular_mod_p(&m(&[&["1/2305843009213693951", "0"], &["0", "1"]])));
    }

    #[test]
    fn a_bracket_below_floating_point_resolution_stops_early_and_holds() {
        // [[1, 1], [1, 1 + 10⁻³⁰]]: λ₀ ≈ 5·10⁻³¹, λ₁ ≈ 2. The bisection toward λ₀ stops where the
        // shifted matrix is regular but unresolved in f64; the bracket must still hold λ₀, which
        // the exact counts at its ends decide.
        let e = "1000000000000000000000000000001/1000000000000000000000000000000";
        let q = m(&[&["1", "1"], &["1", e]]);
        for k in 0..2 {
            let b = eig_enclosure(&q, k, 40);
            let below_lo = exact_inertia(&shift(&q, &b.lo)).pos;
            let at_hi = exact_inertia(&shift(&q, &b.hi));
            assert!(below_lo <= k && k < at_hi.pos + at_hi.zero, "λ_{k} not in {b:?}");
        }
        let b = eig_enclosure(&q, 0, 40);
        assert!(b.lo > Rat::zero() && b.hi < parse_rat("1e-10").unwrap(), "{b:?}");
        // RᵀDR with D = diag(3/10, 1 + 10⁻²⁰), R a rotation by (3/5, 4/5): two eigenvalues the
        // splits may come near; each bracket holds its eigenvalue, is of one sign and at least
        // 2^-20 relative.
        let e = parse_rat("1e-20").unwrap();
        let (c, s) = (parse_rat("3/5").unwrap(), parse_rat("4/5").unwrap());
        let (d0, d1) = (parse_rat("3/10").unwrap(), Rat::one() + &e);
        let q = vec![
            vec![&c * &c * &d0 + &s * &s * &d1, &c * &s * (&d1 - &d0)],
            vec![&c * &s * (&d1 - &d0), &s * &s * &d0 + &c * &c * &d1],
        ];
        for (k, truth) in [(0, d0), (1, d1)] {
            let b = eig_enclosure(&q, k, 40);
            assert!(b.lo > Rat::zero() && b.lo <= truth && truth <= b.hi, "λ_{k} = {truth}: {b:?}");
            assert!(&b.hi - &b.lo <= &b.lo * Rat::new(BigInt::one(), BigInt::one() << 20usize), "{b:?}");
        }
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
