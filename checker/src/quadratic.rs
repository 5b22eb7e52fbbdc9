//! Quadratic objectives f(x) = ½xᵀQx − bᵀx with rational Q (symmetric) and b.
//!
//! ∇f(x) = Qx − b, ∇²f = Q, D³f = 0. Every quantity here is exact: spectral facts come from the
//! inertia of shifted matrices (`crate::exact::inertia`), and the supremum of ‖∇f‖ over a box
//! from its vertices (‖Qx − b‖² is convex, so its maximum over a box is attained at a vertex).

use crate::exact::{inertia, shift, Rat, RatMatrix};
use num_traits::{Signed, Zero};

/// Largest dimension for which the supremum of ‖∇f‖ over the box is found by visiting every vertex.
pub const MAX_VERTEX_DIM: usize = 12;

/// ∇f(x) = Qx − b. Enclosure: exact.
pub fn gradient(q: &RatMatrix, b: &[Rat], x: &[Rat]) -> Vec<Rat> {
    q.iter().zip(b).map(|(row, bi)| row.iter().zip(x).fold(Rat::zero(), |s, (qij, xj)| s + qij * xj) - bi).collect()
}

/// Squared Euclidean norm. Enclosure: exact.
pub fn norm_sq(v: &[Rat]) -> Rat {
    v.iter().fold(Rat::zero(), |s, x| s + x * x)
}

/// The supremum of ‖∇f‖² over a box, exactly or as a bracket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradSup {
    /// A lower bound attained at `vertex` (the exact supremum when `exact`).
    pub lower: Rat,
    /// A vertex of the box where ‖∇f‖² = `lower`.
    pub vertex: Vec<Rat>,
    /// An upper bound of the supremum (equal to `lower` when `exact`).
    pub upper: Rat,
    /// Whether every vertex was visited (dimension ≤ [`MAX_VERTEX_DIM`]).
    pub exact: bool,
}

/// sup over the box of ‖Qx − b‖².
///
/// Enclosure: exact for d ≤ [`MAX_VERTEX_DIM`] (all 2^d vertices; ties broken by the first
/// vertex in binary order, so the result is deterministic). Above that, `upper` is the exact
/// rational Σᵢ (|cᵢ| + Σⱼ |Qᵢⱼ| rⱼ)² with c = Q·mid − b, r the box radii (each coordinate of the
/// affine map maximized separately), and `lower` the value at the vertex that follows the signs of
/// the largest coordinate.
pub fn grad_norm_sq_sup(q: &RatMatrix, b: &[Rat], domain: &[(Rat, Rat)]) -> GradSup {
    let d = domain.len();
    if d <= MAX_VERTEX_DIM {
        let mut best: Option<(Rat, Vec<Rat>)> = None;
        for mask in 0u32..(1u32 << d) {
            let v: Vec<Rat> =
                (0..d).map(|j| if mask >> j & 1 == 1 { domain[j].1.clone() } else { domain[j].0.clone() }).collect();
            let val = norm_sq(&gradient(q, b, &v));
            if best.as_ref().is_none_or(|(bv, _)| &val > bv) {
                best = Some((val, v));
            }
        }
        let (val, vertex) = best.expect("a box has at least one vertex");
        return GradSup { lower: val.clone(), vertex, upper: val, exact: true };
    }
    let two = Rat::from_integer(2.into());
    let mid: Vec<Rat> = domain.iter().map(|(l, h)| (l + h) / &two).collect();
    let rad: Vec<Rat> = domain.iter().map(|(l, h)| (h - l) / &two).collect();
    let c = gradient(q, b, &mid);
    let comp_max: Vec<Rat> = (0..d)
        .map(|i| c[i].abs() + q[i].iter().zip(&rad).fold(Rat::zero(), |s, (qij, rj)| s + qij.abs() * rj))
        .collect();
    let upper = norm_sq(&comp_max);
    let i = (0..d).max_by(|&x, &y| comp_max[x].cmp(&comp_max[y])).expect("d > 0");
    let sign_up = !c[i].is_negative();
    let vertex: Vec<Rat> = (0..d)
        .map(|j| {
            let up = if q[i][j].is_negative() { !sign_up } else { sign_up };
            if up {
                domain[j].1.clone()
            } else {
                domain[j].0.clone()
            }
        })
        .collect();
    let lower = norm_sq(&gradient(q, b, &vertex));
    GradSup { lower, vertex, upper, exact: false }
}

/// Number of eigenvalues of Q strictly below `t`. Enclosure: exact.
pub fn count_below(q: &RatMatrix, t: &Rat) -> usize {
    inertia(&shift(q, t)).pos
}

/// Number of eigenvalues of Q at or below `t`. Enclosure: exact.
pub fn count_at_most(q: &RatMatrix, t: &Rat) -> usize {
    let i = inertia(&shift(q, t));
    i.pos + i.zero
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::{parse_rat, rat};

    fn m(rows: &[&[&str]]) -> RatMatrix {
        rows.iter().map(|r| r.iter().map(|s| parse_rat(s).unwrap()).collect()).collect()
    }

    #[test]
    fn gradient_sup_on_the_box_matches_hand_value() {
        // Q = diag(2, 1), b = 0, box [-2, 2]²: sup ‖Qx‖² = 4·4 + 4 = 20 at (±2, ±2).
        let q = m(&[&["2", "0"], &["0", "1"]]);
        let b = vec![rat(0), rat(0)];
        let dom = vec![(rat(-2), rat(2)), (rat(-2), rat(2))];
        let s = grad_norm_sq_sup(&q, &b, &dom);
        assert!(s.exact);
        assert_eq!(s.upper, rat(20));
        assert_eq!(norm_sq(&gradient(&q, &b, &s.vertex)), rat(20));
        // Shifted b = (1, 0): max of (2x−1)² + y² is at x = −2: 25 + 4 = 29.
        let s = grad_norm_sq_sup(&q, &[rat(1), rat(0)], &dom);
        assert_eq!(s.upper, rat(29));
    }

    #[test]
    fn large_dimension_bound_brackets_the_truth() {
        // d = 20, Q = I, b = 0, box [-1, 1]^20: sup ‖x‖² = 20 exactly; the bound is exact too here.
        let d = 20;
        let q: RatMatrix = (0..d).map(|i| (0..d).map(|j| if i == j { rat(1) } else { rat(0) }).collect()).collect();
        let b = vec![rat(0); d];
        let dom = vec![(rat(-1), rat(1)); d];
        let s = grad_norm_sq_sup(&q, &b, &dom);
        assert!(!s.exact);
        assert!(s.lower <= rat(20) && rat(20) <= s.upper);
        assert_eq!(s.upper, rat(20));
    }

    #[test]
    fn eigenvalue_counts() {
        // [[1,2],[2,1]]: eigenvalues −1 and 3.
        let q = m(&[&["1", "2"], &["2", "1"]]);
        assert_eq!(count_below(&q, &rat(-1)), 0);
        assert_eq!(count_at_most(&q, &rat(-1)), 1);
        assert_eq!(count_below(&q, &rat(3)), 1);
        assert_eq!(count_at_most(&q, &rat(3)), 2);
    }
}
