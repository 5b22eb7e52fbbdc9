//! Adaptive subdivision: a rigorous upper bound, and a witnessed lower bound, of the supremum of
//! a quantity over a box.
//!
//! Boxes are kept in a priority queue by the upper end of the quantity's enclosure; each round
//! bisects the (up to [`BATCH`]) most promising boxes along their widest coordinate at the exact
//! midpoint and encloses the children in parallel (rayon), then merges them in a fixed order, so
//! the result does not depend on thread scheduling. Every box's centre (an exact rational) is a
//! candidate witness: the lower end of the enclosure at that point bounds the supremum from
//! below. The search stops when every threshold is decided (the upper bound is at or below it, or
//! the lower bound above it) and the bracket is relatively narrower than [`REL_TOL`], or when
//! `max_boxes` enclosures have been computed.
//!
//! Enclosure: rigorous (`upper` ≥ sup, and `lower` ≤ the quantity at `witness`, hence ≤ sup).
//! Deterministic: a re-run with the same budget gives the same numbers bit for bit.

use crate::exact::Rat;
use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Boxes bisected per round.
pub const BATCH: usize = 16;

/// Relative width of the bracket [lower, upper] at which the search stops.
pub const REL_TOL: f64 = 1e-9;

/// Largest dimension whose box vertices are all tried as witnesses first.
const VERTEX_DIM: usize = 6;

/// Outcome of a search.
#[derive(Clone, Debug, PartialEq)]
pub struct Search {
    /// sup over the domain ≤ `upper` (rigorous; +∞ when nothing finite was found).
    pub upper: f64,
    /// The quantity at `witness` is ≥ `lower` (rigorous; −∞ when no point evaluated finitely).
    pub lower: f64,
    /// A point of the domain (exact rationals) where the quantity is ≥ `lower`.
    pub witness: Vec<Rat>,
    /// Number of box enclosures computed.
    pub boxes: usize,
}

/// Whether `t` is decided by the bracket: upper ≤ t (proved) or lower > t (refuted).
fn decided(t: &Rat, lower: f64, upper: f64) -> bool {
    (upper.is_finite() && Rat::from_float(upper).is_some_and(|u| &u <= t))
        || (lower.is_finite() && Rat::from_float(lower).is_some_and(|l| &l > t))
}

/// A covering search's result: the [`Search`] and the bisection tree that backs it (pre-order, −1 a
/// leaf, k ≥ 0 a split of coordinate k at the exact midpoint) with the upper bound of each leaf in
/// pre-order — the evidence a certificate stores (`shadowcert_checker::theorems::general::Covering`).
#[derive(Clone, Debug, PartialEq)]
pub struct Cover {
    /// What the covering establishes.
    pub search: Search,
    /// The tree, pre-order.
    pub tree: Vec<i64>,
    /// The leaves' upper bounds, pre-order.
    pub bounds: Vec<f64>,
}

/// An exact rational box: per coordinate, [lo, hi].
type RatBox = Vec<(Rat, Rat)>;

/// A node of [`cover`]'s tree: its children's indices when split, its split coordinate and bound.
type CoverNode = (Option<(usize, usize)>, i64, f64);

/// Bounds the supremum of a quantity over `domain` (see the module documentation) on exact
/// rational boxes, bisected at exact midpoints of their widest side, keeping the tree: `upper(box)` is an upper bound of the quantity on the box (+∞ when there is none),
/// `lower(point)` a lower bound at a point of the domain. Candidate witnesses are the vertices
/// (dimension ≤ 6), the centre and the midpoints of every box evaluated. The leaves of the returned
/// tree cover the domain, and every leaf's bound is what `upper` gave it, so a checker that
/// re-evaluates `upper` on the leaves reproduces `search.upper`.
///
/// Enclosure: rigorous (given rigorous `upper` and `lower`). Deterministic.
pub fn cover<F, G>(upper: &F, lower: &G, domain: &[(Rat, Rat)], thresholds: &[Rat], max_boxes: usize) -> Cover
where
    F: Fn(&[(Rat, Rat)]) -> f64 + Sync,
    G: Fn(&[Rat]) -> f64 + Sync,
{
    let two = Rat::from_integer(2.into());
    let centre = |b: &[(Rat, Rat)]| -> Vec<Rat> { b.iter().map(|(l, h)| (l + h) / &two).collect() };
    // Arena: children of node i (when split), its split coordinate and bound.
    let mut nodes: Vec<CoverNode> = Vec::new();
    let mut best = (f64::NEG_INFINITY, centre(domain));
    let mut points: Vec<Vec<Rat>> = Vec::new();
    if domain.len() <= VERTEX_DIM {
        for mask in 0u32..(1 << domain.len()) {
            points.push(
                domain
                    .iter()
                    .enumerate()
                    .map(|(j, (lo, hi))| if mask >> j & 1 == 1 { hi } else { lo }.clone())
                    .collect(),
            );
        }
    }
    points.push(centre(domain));
    let vals: Vec<f64> = points.par_iter().map(|p| lower(p)).collect();
    for (p, v) in points.into_iter().zip(vals) {
        if v > best.0 {
            best = (v, p);
        }
    }
    nodes.push((None, -1, upper(domain)));
    // Heap entries: (bound, seq = arena index, box).
    let mut heap: BinaryHeap<RatNode> = BinaryHeap::new();
    heap.push(RatNode { upper: nodes[0].2, seq: 0, x: domain.to_vec() });
    loop {
        let up = heap.peek().map_or(f64::NEG_INFINITY, |n| n.upper);
        let lo = best.0;
        let all_decided = thresholds.iter().all(|t| decided(t, lo, up));
        let narrow = up.is_finite()
            && lo.is_finite()
            && (up - lo <= REL_TOL * up.abs().max(lo.abs()) || up - lo <= f64::MIN_POSITIVE);
        if (!thresholds.is_empty() && all_decided) || narrow || nodes.len() >= max_boxes {
            break;
        }
        let mut parents = Vec::new();
        while parents.len() < BATCH && nodes.len() + 2 * (parents.len() + 1) <= max_boxes.max(nodes.len() + 2) {
            match heap.pop() {
                Some(n) => parents.push(n),
                None => break,
            }
        }
        let (split, stuck): (Vec<RatNode>, Vec<RatNode>) =
            parents.into_iter().partition(|n| widest_rat(&n.x).is_some());
        let done = split.is_empty();
        heap.extend(stuck);
        if done {
            break;
        }
        let children: Vec<(usize, usize, RatBox)> = split
            .iter()
            .flat_map(|n| {
                let k = widest_rat(&n.x).expect("splittable");
                let mid = (&n.x[k].0 + &n.x[k].1) / &two;
                let (mut a, mut b) = (n.x.clone(), n.x.clone());
                a[k].1 = mid.clone();
                b[k].0 = mid;
                [(n.seq, k, a), (n.seq, k, b)]
            })
            .collect();
        let evaluated: Vec<(f64, Vec<Rat>, f64)> = children
            .par_iter()
            .map(|(_, _, x)| {
                let p = centre(x);
                let pv = lower(&p);
                (upper(x), p, pv)
            })
            .collect();
        for (pair, vals) in children.chunks(2).zip(evaluated.chunks(2)) {
            let parent = pair[0].0;
            let first = nodes.len();
            for ((_, _, x), (u, p, pv)) in pair.iter().zip(vals) {
                if *pv > best.0 {
                    best = (*pv, p.clone());
                }
                heap.push(RatNode { upper: *u, seq: nodes.len(), x: x.clone() });
                nodes.push((None, -1, *u));
            }
            nodes[parent].0 = Some((first, first + 1));
            nodes[parent].1 = pair[0].1 as i64;
        }
    }
    let mut tree = Vec::with_capacity(nodes.len());
    let mut bounds = Vec::new();
    let mut stack = vec![0usize];
    while let Some(i) = stack.pop() {
        match nodes[i].0 {
            Some((a, b)) => {
                tree.push(nodes[i].1);
                stack.push(b);
                stack.push(a);
            }
            None => {
                tree.push(-1);
                bounds.push(nodes[i].2);
            }
        }
    }
    let up = bounds.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Cover { search: Search { upper: up, lower: best.0, witness: best.1, boxes: nodes.len() }, tree, bounds }
}

/// A leaf of [`cover`]'s queue.
struct RatNode {
    upper: f64,
    seq: usize,
    x: Vec<(Rat, Rat)>,
}

impl PartialEq for RatNode {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for RatNode {}
impl PartialOrd for RatNode {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for RatNode {
    /// Larger upper end first; on ties, the older box first.
    fn cmp(&self, o: &Self) -> Ordering {
        self.upper.total_cmp(&o.upper).then(o.seq.cmp(&self.seq))
    }
}

/// The coordinate of largest exact width (the first on ties), if positive.
fn widest_rat(x: &[(Rat, Rat)]) -> Option<usize> {
    let w: Vec<Rat> = x.iter().map(|(l, h)| h - l).collect();
    let (k, m) = w.iter().enumerate().fold((0, &w[0]), |a, b| if b.1 > a.1 { b } else { a });
    (*m > Rat::from_integer(0.into())).then_some(k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enclose::rat_interval_to_interval;
    use crate::exact::{parse_rat, rat, RatInterval};
    use inari::Interval;

    fn dom(d: usize) -> Vec<(Rat, Rat)> {
        vec![(rat(-1), rat(1)); d]
    }

    fn boxed(b: &[(Rat, Rat)]) -> Vec<Interval> {
        b.iter().map(|(l, h)| rat_interval_to_interval(&RatInterval::new(l.clone(), h.clone()))).collect()
    }

    /// `cover` with `q`'s enclosure: its upper end on boxes, its lower end at points.
    fn run(q: &(dyn Fn(&[Interval]) -> Interval + Sync), d: &[(Rat, Rat)], t: &[Rat], max: usize) -> Cover {
        let points = |p: &[Rat]| -> Vec<(Rat, Rat)> { p.iter().map(|x| (x.clone(), x.clone())).collect() };
        cover(&|b: &[(Rat, Rat)]| q(&boxed(b)).sup(), &|p: &[Rat]| q(&boxed(&points(p))).inf(), d, t, max)
    }

    #[test]
    fn interior_maximum_is_bracketed() {
        // q(x, y) = 1 − (x − 3/10)² − (y + 1/5)²: sup 1 at (3/10, −1/5), an interior point.
        let q = |x: &[Interval]| {
            let one = Interval::try_from((1.0, 1.0)).unwrap();
            let a = Interval::try_from((0.3, 0.3)).unwrap();
            let b = Interval::try_from((0.2, 0.2)).unwrap();
            one - (x[0] - a).sqr() - (x[1] + b).sqr()
        };
        let s = run(&q, &dom(2), &[], 20_000).search;
        assert!(s.lower <= 1.0 && 1.0 <= s.upper, "{s:?}");
        assert!(s.upper - s.lower < 1e-6, "{s:?}");
        // Deterministic.
        assert_eq!(s, run(&q, &dom(2), &[], 20_000).search);
        // A threshold just below the maximum is refuted by the witness, one above is proved.
        let s = run(&q, &dom(2), &[parse_rat("0.999").unwrap()], 20_000).search;
        assert!(Rat::from_float(s.lower).unwrap() > parse_rat("0.999").unwrap());
        let s = run(&q, &dom(2), &[parse_rat("1.001").unwrap()], 20_000).search;
        assert!(Rat::from_float(s.upper).unwrap() <= parse_rat("1.001").unwrap());
    }

    #[test]
    fn budget_is_respected_and_the_tree_covers_the_domain() {
        let q = |x: &[Interval]| x.iter().fold(Interval::try_from((0.0, 0.0)).unwrap(), |s, xi| s + xi.sqr());
        let d = dom(3);
        let c = run(&q, &d, &[], 40);
        let s = &c.search;
        assert!(s.boxes <= 40 && s.upper >= 3.0);
        assert!(s.witness.iter().zip(&d).all(|(w, (lo, hi))| lo <= w && w <= hi));
        // sup = 3 at a vertex, found exactly among the vertex candidates.
        assert_eq!(s.lower, 3.0);
        // The leaves (the checker's walk) cover the domain, one bound each, the largest = upper.
        let mut volume = rat(0);
        let n = shadowcert_checker::theorems::general::leaves(&c.tree, &d, |b, _| {
            volume += b.iter().fold(rat(1), |v, (l, h)| v * (h - l));
            Ok(())
        })
        .unwrap();
        assert_eq!((n, volume), (c.bounds.len(), rat(8)));
        assert_eq!(c.bounds.iter().copied().fold(f64::NEG_INFINITY, f64::max), s.upper);
    }
}
