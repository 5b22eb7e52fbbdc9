//! Adaptive subdivision: a rigorous upper bound, and a witnessed lower bound, of the supremum of
//! a quantity over a box.
//!
//! Boxes are kept in a priority queue by the upper end of the quantity's enclosure; each round
//! bisects the (up to [`BATCH`]) most promising boxes along their widest coordinate and encloses
//! the children in parallel (rayon), then merges them in a fixed order, so the result does not
//! depend on thread scheduling. Every box's midpoint (rounded into the domain, an exact rational)
//! is a candidate witness: the lower end of the enclosure at that point bounds the supremum from
//! below. The search stops when every threshold is decided (the upper bound is at or below it, or
//! the lower bound above it) and the bracket is relatively narrower than [`REL_TOL`], or when
//! `max_boxes` enclosures have been computed.
//!
//! Enclosure: rigorous (`upper` ≥ sup, and `lower` ≤ the quantity at `witness`, hence ≤ sup).
//! Deterministic: a re-run with the same budget gives the same numbers bit for bit.

use super::convert::{rat_interval_to_interval, rat_to_interval};
use crate::exact::{Rat, RatInterval};
use inari::Interval;
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

struct Node {
    upper: f64,
    seq: usize,
    x: Vec<Interval>,
}

impl PartialEq for Node {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Node {}

impl PartialOrd for Node {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Node {
    /// Larger upper end first; on ties, the older box first.
    fn cmp(&self, o: &Self) -> Ordering {
        self.upper.total_cmp(&o.upper).then(o.seq.cmp(&self.seq))
    }
}

/// Whether `t` is decided by the bracket: upper ≤ t (proved) or lower > t (refuted).
fn decided(t: &Rat, lower: f64, upper: f64) -> bool {
    (upper.is_finite() && Rat::from_float(upper).is_some_and(|u| &u <= t))
        || (lower.is_finite() && Rat::from_float(lower).is_some_and(|l| &l > t))
}

/// The midpoint of the box, as exact rationals inside the domain.
fn midpoint(x: &[Interval], domain: &[(Rat, Rat)]) -> Vec<Rat> {
    x.iter()
        .zip(domain)
        .map(|(xi, (lo, hi))| {
            let m = xi.mid();
            let r = Rat::from_float(if m.is_finite() { m } else { 0.0 }).expect("finite");
            r.clamp(lo.clone(), hi.clone())
        })
        .collect()
}

/// Encloses `q` at the exact point `p`: the lower end of its enclosure.
fn at_point<F: Fn(&[Interval]) -> Interval>(q: &F, p: &[Rat]) -> f64 {
    let x: Vec<Interval> = p.iter().map(rat_to_interval).collect();
    let v = q(&x);
    if v.is_empty() {
        f64::NEG_INFINITY
    } else {
        v.inf()
    }
}

/// Bounds sup of `q` over the box `domain` (see the module documentation).
///
/// `q(x)` must contain the quantity at every point of the box `x` (it may be called on boxes
/// slightly larger than the domain, rounded outward). `thresholds` are the declared values to
/// decide.
///
/// Enclosure: rigorous. Tightness: limited by `max_boxes` and by the tightness of `q`.
pub fn maximize<F>(q: &F, domain: &[(Rat, Rat)], thresholds: &[Rat], max_boxes: usize) -> Search
where
    F: Fn(&[Interval]) -> Interval + Sync,
{
    let root: Vec<Interval> =
        domain.iter().map(|(lo, hi)| rat_interval_to_interval(&RatInterval::new(lo.clone(), hi.clone()))).collect();
    let mut best = (f64::NEG_INFINITY, midpoint(&root, domain));
    let consider = |p: Vec<Rat>, v: f64, best: &mut (f64, Vec<Rat>)| {
        if v > best.0 {
            *best = (v, p);
        }
    };
    // Witness candidates: the vertices (small dimension) and the centre.
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
    points.push(midpoint(&root, domain));
    let vals: Vec<f64> = points.par_iter().map(|p| at_point(q, p)).collect();
    for (p, v) in points.into_iter().zip(vals) {
        consider(p, v, &mut best);
    }
    let r = q(&root);
    let mut heap = BinaryHeap::new();
    heap.push(Node { upper: if r.is_empty() { f64::INFINITY } else { r.sup() }, seq: 0, x: root });
    let mut boxes = 1usize;
    let mut seq = 1usize;
    loop {
        let upper = heap.peek().map_or(f64::NEG_INFINITY, |n| n.upper);
        let lower = best.0;
        let all_decided = thresholds.iter().all(|t| decided(t, lower, upper));
        let narrow = upper.is_finite()
            && lower.is_finite()
            && (upper - lower <= REL_TOL * upper.abs().max(lower.abs()) || upper - lower <= f64::MIN_POSITIVE);
        if (!thresholds.is_empty() && all_decided) || narrow || boxes >= max_boxes {
            return Search { upper, lower, witness: best.1, boxes };
        }
        let mut parents = Vec::new();
        while parents.len() < BATCH && boxes + 2 * (parents.len() + 1) <= max_boxes.max(boxes + 2) {
            match heap.pop() {
                Some(n) => parents.push(n),
                None => break,
            }
        }
        // A box that cannot be split any further stays as it is: its bound is final.
        let (split, stuck): (Vec<Node>, Vec<Node>) = parents.into_iter().partition(|n| widest(&n.x).is_some());
        if split.is_empty() {
            let upper = stuck.iter().map(|n| n.upper).fold(upper, f64::max);
            return Search { upper, lower: best.0, witness: best.1, boxes };
        }
        for n in stuck {
            heap.push(n);
        }
        let children: Vec<Vec<Interval>> = split.iter().flat_map(|n| bisect(&n.x)).collect();
        let evaluated: Vec<(f64, Vec<Rat>, f64)> = children
            .par_iter()
            .map(|x| {
                let v = q(x);
                let p = midpoint(x, domain);
                let pv = at_point(q, &p);
                (if v.is_empty() { f64::INFINITY } else { v.sup() }, p, pv)
            })
            .collect();
        for (x, (upper, p, pv)) in children.into_iter().zip(evaluated) {
            consider(p, pv, &mut best);
            heap.push(Node { upper, seq, x });
            seq += 1;
            boxes += 1;
        }
    }
}

/// The coordinate of largest width, if the box can be split there.
fn widest(x: &[Interval]) -> Option<usize> {
    let (j, w) = x.iter().enumerate().map(|(j, xi)| (j, xi.wid())).fold((0, 0.0), |a, b| if b.1 > a.1 { b } else { a });
    let m = x.get(j)?.mid();
    (w > 0.0 && m > x[j].inf() && m < x[j].sup()).then_some(j)
}

/// The two halves of the box at the midpoint of its widest coordinate.
fn bisect(x: &[Interval]) -> [Vec<Interval>; 2] {
    let j = widest(x).expect("bisect is called on splittable boxes");
    let m = x[j].mid();
    let (mut a, mut b) = (x.to_vec(), x.to_vec());
    a[j] = Interval::try_from((x[j].inf(), m)).expect("inf < mid");
    b[j] = Interval::try_from((m, x[j].sup())).expect("mid < sup");
    [a, b]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::{parse_rat, rat};

    fn dom(d: usize) -> Vec<(Rat, Rat)> {
        vec![(rat(-1), rat(1)); d]
    }

    #[test]
    fn interior_maximum_is_bracketed() {
        // q(x, y) = 1 − (x − 0.3)² − (y + 0.2)²: sup 1 at (0.3, −0.2), an interior point.
        let q = |x: &[Interval]| {
            let one = Interval::try_from((1.0, 1.0)).unwrap();
            let a = Interval::try_from((0.3, 0.3)).unwrap();
            let b = Interval::try_from((0.2, 0.2)).unwrap();
            one - (x[0] - a).sqr() - (x[1] + b).sqr()
        };
        let s = maximize(&q, &dom(2), &[], 20_000);
        assert!(s.lower <= 1.0 && 1.0 <= s.upper, "{s:?}");
        assert!(s.upper - s.lower < 1e-6, "{s:?}");
        // Deterministic.
        assert_eq!(s, maximize(&q, &dom(2), &[], 20_000));
        // A threshold just below the maximum is refuted by the witness, one above is proved.
        let s = maximize(&q, &dom(2), &[parse_rat("0.999").unwrap()], 20_000);
        assert!(Rat::from_float(s.lower).unwrap() > parse_rat("0.999").unwrap());
        let s = maximize(&q, &dom(2), &[parse_rat("1.001").unwrap()], 20_000);
        assert!(Rat::from_float(s.upper).unwrap() <= parse_rat("1.001").unwrap());
    }

    #[test]
    fn budget_is_respected_and_witness_is_in_the_domain() {
        let q = |x: &[Interval]| x.iter().fold(Interval::try_from((0.0, 0.0)).unwrap(), |s, xi| s + xi.sqr());
        let d = dom(3);
        let s = maximize(&q, &d, &[], 40);
        assert!(s.boxes <= 40 && s.upper >= 3.0);
        assert!(s.witness.iter().zip(&d).all(|(w, (lo, hi))| lo <= w && w <= hi));
        // sup = 3 at a vertex, found exactly among the vertex candidates.
        assert_eq!(s.lower, 3.0);
    }
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

/// [`maximize`] on exact rational boxes, bisected at exact midpoints of their widest side, keeping
/// the tree: `upper(box)` is an upper bound of the quantity on the box (+∞ when there is none),
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
