//! Derivative programs of expression objectives: the parsed program ([`crate::expression`]) with
//! its first three derivatives built as straight-line programs by reverse-mode differentiation
//! *on the program* (a [`Builder`] with hash-consing), evaluated over boxes with inari and in
//! Taylor mode ([`Tape::series`], for the validated flows of [`crate::nonlinear`]). The engine's
//! trajectories and the checker's verification of them run these same programs.
//!
//! # Why programs, not syntax trees
//! Differentiating a syntax tree symbolically copies every subterm a derivative needs: the third
//! derivative of x·x·…·x (40 factors) has 59 280 products of 37 factors. The adjoint of a program
//! of N instructions has O(N) instructions (each instruction adds a bounded number of terms to its
//! operands' adjoints), identical instructions are one (hash-consing on the instruction and its
//! operands), and every traversal is a loop over the instructions, never a recursion. The gradient
//! is built once (N ↦ about 3N), the Hessian by one adjoint per gradient entry, and the third
//! derivative, which only `shadow.finite` needs, on first use. A derivative program that would
//! exceed [`MAX_INSTRUCTIONS`] is an input error (the Hessian, at validation) or an unbounded
//! enclosure (the third derivative).
//!
//! # Domains
//! An operation that is not defined and smooth on its whole argument (`log` and `sqrt` of an
//! interval reaching 0, a division or negative power by an interval containing 0) evaluates to the
//! whole real line, but later operations may bound it (0·ℝ = {0}, ℝ² = [0, ∞], sin ℝ = [−1, 1]):
//! the result is an enclosure of f where f is defined, not a definedness test. Whether f is defined
//! on a box is decided by the evaluator of [`crate::expression`] (`Ival`), which carries a flag
//! through every operation.
//!
//! Enclosure: rigorous (inari, outward rounding; constants enter through
//! [`crate::interval::rat_to_interval`]; constant folding is interval arithmetic on enclosures).
//! Tightness: natural interval extension of the derivative programs, with common subexpressions
//! shared.

use crate::elementary::Elementary;
use crate::expression::{Func, Op, Tape as Parsed};
use crate::interval::IMat;
use crate::nonlinear::{lambda_min_sup, spectrum_hull, Smooth};
use crate::taylor::SeriesMap;
use inari::{const_interval, Interval};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Largest derivative program built (instructions of the builder holding f, ∇f and ∇²f, or
/// ∇³f): about 40 bytes each with the hash-consing table, so the bound keeps one expression's
/// derivatives under about 200 MB.
pub const MAX_INSTRUCTIONS: usize = 1 << 22;

const ZERO: Interval = const_interval!(0.0, 0.0);
const ONE: Interval = const_interval!(1.0, 1.0);

// ---------------------------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------------------------

/// The operands of an instruction ([`Op`]; in these programs `Op::Const(k)` is constant k of the
/// program's interval table).
fn operands(op: Op) -> [Option<usize>; 2] {
    match op {
        Op::Const(_) | Op::Var(_) => [None, None],
        Op::Neg(a) | Op::Pow(a, _) | Op::Fun(_, a) => [Some(a), None],
        Op::Add(a, b) | Op::Sub(a, b) | Op::Mul(a, b) | Op::Div(a, b) => [Some(a), Some(b)],
    }
}

/// The instruction with operand i replaced by `new[i]` (constants keep their index).
fn renumber(op: Op, new: &[usize]) -> Op {
    match op {
        Op::Const(_) | Op::Var(_) => op,
        Op::Neg(a) => Op::Neg(new[a]),
        Op::Pow(a, n) => Op::Pow(new[a], n),
        Op::Fun(f, a) => Op::Fun(f, new[a]),
        Op::Add(a, b) => Op::Add(new[a], new[b]),
        Op::Sub(a, b) => Op::Sub(new[a], new[b]),
        Op::Mul(a, b) => Op::Mul(new[a], new[b]),
        Op::Div(a, b) => Op::Div(new[a], new[b]),
    }
}

/// A program under construction: instructions with hash-consing, interval constants, and the
/// simplifications 0 + a = a, 1·a = a, 0·a = 0, −(−a) = a and the folding of constant operands
/// (interval arithmetic on their enclosures, so still an enclosure).
#[derive(Clone, Debug, Default)]
pub struct Builder {
    ops: Vec<Op>,
    consts: Vec<Interval>,
    seen: HashMap<Op, usize>,
    const_seen: HashMap<(u64, u64), usize>,
}

impl Builder {
    /// The parsed program, instruction for instruction (no simplification: its value keeps the
    /// domain rule of every instruction); returns the builder and the index of f.
    pub fn import(t: &Parsed) -> (Builder, usize) {
        let mut b = Builder::default();
        let mut new = Vec::with_capacity(t.len());
        for &op in t.ops() {
            let i = match op {
                Op::Const(k) => b.konst(t.constant(k).1),
                op => b.intern(renumber(op, &new)),
            };
            new.push(i);
        }
        let f = *new.last().expect("a parsed expression has at least one instruction");
        (b, f)
    }

    fn intern(&mut self, op: Op) -> usize {
        if let Some(&i) = self.seen.get(&op) {
            return i;
        }
        self.ops.push(op);
        self.seen.insert(op, self.ops.len() - 1);
        self.ops.len() - 1
    }

    /// The constant `c` (an enclosure), shared with every equal constant.
    pub fn konst(&mut self, c: Interval) -> usize {
        let key = (c.inf().to_bits(), c.sup().to_bits());
        let k = match self.const_seen.get(&key) {
            Some(&k) => k,
            None => {
                self.consts.push(c);
                self.const_seen.insert(key, self.consts.len() - 1);
                self.consts.len() - 1
            }
        };
        self.intern(Op::Const(k))
    }

    fn value(&self, i: usize) -> Option<Interval> {
        match self.ops[i] {
            Op::Const(k) => Some(self.consts[k]),
            _ => None,
        }
    }

    fn is(&self, i: usize, v: f64) -> bool {
        self.value(i).is_some_and(|c| c.inf() == v && c.sup() == v)
    }

    fn neg(&mut self, a: usize) -> usize {
        match (self.ops[a], self.value(a)) {
            (_, Some(c)) => self.konst(-c),
            (Op::Neg(x), _) => x,
            _ => self.intern(Op::Neg(a)),
        }
    }

    /// a + b, simplified.
    pub fn add(&mut self, a: usize, b: usize) -> usize {
        match (self.value(a), self.value(b)) {
            (Some(x), Some(y)) => self.konst(x + y),
            _ if self.is(a, 0.0) => b,
            _ if self.is(b, 0.0) => a,
            _ => match self.ops[b] {
                Op::Neg(y) => self.intern(Op::Sub(a, y)),
                _ => self.intern(Op::Add(a.min(b), a.max(b))),
            },
        }
    }

    /// a·b, simplified.
    pub fn mul(&mut self, a: usize, b: usize) -> usize {
        match (self.value(a), self.value(b)) {
            (Some(x), Some(y)) => self.konst(x * y),
            _ if self.is(a, 0.0) || self.is(b, 0.0) => self.konst(ZERO),
            _ if self.is(a, 1.0) => b,
            _ if self.is(b, 1.0) => a,
            _ if self.is(a, -1.0) => self.neg(b),
            _ if self.is(b, -1.0) => self.neg(a),
            _ => self.intern(Op::Mul(a.min(b), a.max(b))),
        }
    }

    fn div(&mut self, a: usize, b: usize) -> usize {
        if self.is(b, 1.0) {
            return a;
        }
        self.intern(Op::Div(a, b))
    }

    fn pow(&mut self, a: usize, n: i32) -> usize {
        match n {
            0 => self.konst(ONE),
            1 => a,
            _ => self.intern(Op::Pow(a, n)),
        }
    }

    fn int(&mut self, n: i32) -> usize {
        self.konst(Interval::try_from((f64::from(n), f64::from(n))).expect("an i32 is a finite f64"))
    }

    /// The gradient of instruction `out` with respect to the `d` variables, appended to the
    /// program by one reverse sweep: every instruction's adjoint v̄ is the sum of its users'
    /// contributions, ā += v̄·∂v/∂a. Returns one instruction per variable (the constant 0 when f
    /// does not depend on it). Iterative; adds O(instructions below `out`) instructions.
    pub fn adjoint(&mut self, out: usize, d: usize) -> Vec<usize> {
        let mut adj: Vec<Option<usize>> = vec![None; out + 1];
        adj[out] = Some(self.konst(ONE));
        for i in (0..=out).rev() {
            let Some(vb) = adj[i] else { continue };
            let mut to = |b: &mut Builder, a: usize, term: usize| {
                adj[a] = Some(match adj[a] {
                    None => term,
                    Some(x) => b.add(x, term),
                });
            };
            match self.ops[i] {
                Op::Const(_) | Op::Var(_) => {}
                Op::Neg(a) => {
                    let t = self.neg(vb);
                    to(self, a, t);
                }
                Op::Add(a, b) => {
                    to(self, a, vb);
                    to(self, b, vb);
                }
                Op::Sub(a, b) => {
                    to(self, a, vb);
                    let t = self.neg(vb);
                    to(self, b, t);
                }
                Op::Mul(a, b) => {
                    let t = self.mul(vb, b);
                    to(self, a, t);
                    let t = self.mul(vb, a);
                    to(self, b, t);
                }
                Op::Div(a, b) => {
                    // ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = −(a/b)/b.
                    let t = self.div(vb, b);
                    to(self, a, t);
                    let q = self.div(i, b);
                    let t = self.mul(vb, q);
                    let t = self.neg(t);
                    to(self, b, t);
                }
                Op::Pow(a, n) => {
                    let (c, p) = (self.int(n), self.pow(a, n - 1));
                    let t = self.mul(c, p);
                    let t = self.mul(vb, t);
                    to(self, a, t);
                }
                Op::Fun(f, a) => {
                    let outer = match f {
                        Func::Exp => i,
                        Func::Log => {
                            let one = self.konst(ONE);
                            self.div(one, a)
                        }
                        Func::Sqrt => {
                            let half = self.konst(const_interval!(0.5, 0.5));
                            self.div(half, i)
                        }
                        Func::Sin => self.intern(Op::Fun(Func::Cos, a)),
                        Func::Cos => {
                            let s = self.intern(Op::Fun(Func::Sin, a));
                            self.neg(s)
                        }
                        Func::Tanh => {
                            let (one, sq) = (self.konst(ONE), self.mul(i, i));
                            let m = self.neg(sq);
                            self.add(one, m)
                        }
                        Func::Sigma => {
                            let (one, m) = (self.konst(ONE), self.neg(i));
                            let c = self.add(one, m);
                            self.mul(i, c)
                        }
                    };
                    let t = self.mul(vb, outer);
                    to(self, a, t);
                }
            }
        }
        (0..d)
            .map(|v| match self.seen.get(&Op::Var(v)).and_then(|&i| adj.get(i).copied().flatten()) {
                Some(g) => g,
                None => self.konst(ZERO),
            })
            .collect()
    }

    /// Errors when the program has grown past [`MAX_INSTRUCTIONS`].
    pub fn within_limit(&self, what: &str) -> Result<(), String> {
        if self.ops.len() > MAX_INSTRUCTIONS {
            return Err(format!(
                "{what} needs more than {MAX_INSTRUCTIONS} instructions (after sharing identical \
                 sub-expressions): simplify the expression"
            ));
        }
        Ok(())
    }

    /// The program computing `outputs`, without the instructions they do not use.
    pub fn tape(&self, outputs: &[usize]) -> Tape {
        let mut used = vec![false; self.ops.len()];
        for &o in outputs {
            used[o] = true;
        }
        for i in (0..self.ops.len()).rev() {
            if used[i] {
                for a in operands(self.ops[i]).into_iter().flatten() {
                    used[a] = true;
                }
            }
        }
        let mut new = vec![usize::MAX; self.ops.len()];
        let mut ops = Vec::new();
        for (i, op) in self.ops.iter().enumerate().filter(|(i, _)| used[*i]) {
            new[i] = ops.len();
            ops.push(renumber(*op, &new));
        }
        Tape { ops, consts: self.consts.clone(), outputs: outputs.iter().map(|&o| new[o]).collect() }
    }
}

/// A compiled straight-line program with several outputs.
#[derive(Clone, Debug)]
pub struct Tape {
    ops: Vec<Op>,
    consts: Vec<Interval>,
    outputs: Vec<usize>,
}

impl Tape {
    /// Number of outputs.
    pub fn len(&self) -> usize {
        self.outputs.len()
    }

    /// Whether the tape has no outputs.
    pub fn is_empty(&self) -> bool {
        self.outputs.is_empty()
    }

    /// Number of instructions.
    pub fn instructions(&self) -> usize {
        self.ops.len()
    }

    /// Encloses every output over the box `x`.
    ///
    /// Enclosure: rigorous; an output is `ENTIRE` where an instruction is not defined and smooth on
    /// its whole argument (see the module documentation). Tightness: natural interval extension.
    pub fn eval(&self, x: &[Interval]) -> Vec<Interval> {
        let mut v: Vec<Interval> = Vec::with_capacity(self.ops.len());
        for op in &self.ops {
            let r = match *op {
                Op::Const(k) => self.consts[k],
                Op::Var(i) => x[i],
                Op::Neg(a) => -v[a],
                Op::Add(a, b) => v[a] + v[b],
                Op::Sub(a, b) => v[a] - v[b],
                Op::Mul(a, b) if a == b => v[a].sqr(),
                Op::Mul(a, b) => v[a] * v[b],
                Op::Div(a, b) => {
                    if v[b].contains(0.0) {
                        Interval::ENTIRE
                    } else {
                        v[a] / v[b]
                    }
                }
                Op::Pow(a, n) => {
                    if n < 0 && v[a].contains(0.0) {
                        Interval::ENTIRE
                    } else {
                        v[a].powi(n)
                    }
                }
                Op::Fun(f, a) => apply(f, v[a]),
            };
            v.push(if r.is_empty() { Interval::ENTIRE } else { r });
        }
        self.outputs.iter().map(|&i| v[i]).collect()
    }

    /// A Taylor-mode evaluator of the outputs along series in the variables ([`crate::taylor`]):
    /// call k of [`SeriesMap::push`] takes coefficient k of each variable and returns coefficient k
    /// of each output.
    ///
    /// Enclosure: rigorous (the recurrences of [`crate::taylor`]; the same domain rule as
    /// [`Tape::eval`]). Tightness: as [`Tape::eval`] for coefficient 0.
    pub fn series(&self) -> TapeSeries<'_> {
        TapeSeries { tape: self, vars: Vec::new(), vals: vec![Vec::new(); self.ops.len()], aux: Vec::new() }
    }
}

/// One function over an interval. Enclosure: rigorous (the `elementary` module: CORE-MATH,
/// at most one ulp beyond the tightest).
fn apply(f: Func, a: Interval) -> Interval {
    if a.is_empty() {
        return Interval::ENTIRE;
    }
    match f {
        Func::Exp => a.exp(),
        Func::Log if a.inf() > 0.0 => a.ln(),
        Func::Sqrt if a.inf() > 0.0 => a.sqrt(),
        Func::Log | Func::Sqrt => Interval::ENTIRE,
        Func::Sin => a.sin(),
        Func::Cos => a.cos(),
        Func::Tanh => a.tanh(),
        Func::Sigma => a.sigmoid(),
    }
}

/// The programs of f, ∇f and the upper triangle of ∇²f (row-major), and of the third derivative,
/// built on first use.
#[derive(Clone, Debug)]
pub struct Programs {
    d: usize,
    value: Tape,
    grad: Tape,
    hess: Tape,
    /// The builder holding f, ∇f and ∇²f, and the upper triangle's instructions, from which the
    /// third derivative is built.
    builder: Arc<(Builder, Vec<usize>)>,
    third: OnceLock<Option<Tape>>,
}

impl Programs {
    /// The programs of the parsed expression `t` in `d` variables; errors (naming the derivative)
    /// when a program would exceed [`MAX_INSTRUCTIONS`].
    pub fn of(t: &Parsed, d: usize) -> Result<Programs, String> {
        let (b, f) = Builder::import(t);
        Programs::build(b, f, d)
    }

    /// The gradient and Hessian programs of instruction `f` of `b`, in `d` variables.
    pub fn build(mut b: Builder, f: usize, d: usize) -> Result<Programs, String> {
        let value = b.tape(&[f]);
        let g = b.adjoint(f, d);
        b.within_limit("the gradient")?;
        let grad = b.tape(&g);
        let mut upper = Vec::with_capacity(d * (d + 1) / 2);
        for (i, &gi) in g.iter().enumerate() {
            let row = b.adjoint(gi, d);
            upper.extend_from_slice(&row[i..]);
            b.within_limit("the Hessian")?;
        }
        let hess = b.tape(&upper);
        Ok(Programs { d, value, grad, hess, builder: Arc::new((b, upper)), third: OnceLock::new() })
    }

    /// The program of the distinct third partials (i ≤ j ≤ k, lexicographic), built on first use;
    /// `None` when it would exceed [`MAX_INSTRUCTIONS`].
    fn third_tape(&self) -> Option<&Tape> {
        self.third
            .get_or_init(|| {
                let d = self.d;
                let (mut b, upper) = (self.builder.0.clone(), &self.builder.1);
                let mut outs = Vec::new();
                for (i, j) in (0..d).flat_map(|i| (i..d).map(move |j| (i, j))) {
                    let row = b.adjoint(upper[pair_index(d, i, j)], d);
                    outs.extend_from_slice(&row[j..]);
                    if b.ops.len() > MAX_INSTRUCTIONS {
                        return None;
                    }
                }
                Some(b.tape(&outs))
            })
            .as_ref()
    }

    /// Encloses f over the box. Enclosure: rigorous.
    pub fn value_box(&self, x: &[Interval]) -> Interval {
        self.value.eval(x)[0]
    }

    /// Encloses ∇f over the box. Enclosure: rigorous.
    pub fn gradient_box(&self, x: &[Interval]) -> Vec<Interval> {
        self.grad.eval(x)
    }

    /// Encloses ∇²f over the box, as a full symmetric matrix. Enclosure: rigorous.
    pub fn hessian_box(&self, x: &[Interval]) -> Vec<Vec<Interval>> {
        let d = self.d;
        let upper = self.hess.eval(x);
        (0..d).map(|i| (0..d).map(|j| upper[pair_index(d, i.min(j), i.max(j))]).collect()).collect()
    }

    /// Encloses the distinct entries ∂³f/∂x_i∂x_j∂x_k, i ≤ j ≤ k, with their multiplicities in the
    /// full tensor and whether they are diagonal. Enclosure: rigorous (every entry `ENTIRE` when
    /// the program would exceed [`MAX_INSTRUCTIONS`]).
    pub fn third_box(&self, x: &[Interval]) -> Vec<(Interval, u32, bool)> {
        let triples = triples(self.d);
        let vals = match self.third_tape() {
            Some(t) => t.eval(x),
            None => vec![Interval::ENTIRE; triples.len()],
        };
        triples
            .into_iter()
            .zip(vals)
            .map(|((i, j, k), v)| {
                let mult = if i == j && j == k {
                    1
                } else if i == j || j == k {
                    3
                } else {
                    6
                };
                (v, mult, i == j && j == k)
            })
            .collect()
    }

    /// ∇f along series in the variables, one Taylor coefficient per call ([`Tape::series`] of the
    /// gradient). Enclosure: rigorous.
    pub fn gradient_series(&self) -> TapeSeries<'_> {
        self.grad.series()
    }

    /// Instructions of the value, gradient and Hessian programs (what evaluation costs).
    pub fn instructions(&self) -> [usize; 3] {
        [self.value.instructions(), self.grad.instructions(), self.hess.instructions()]
    }
}

/// The validated trajectories of an expression run on its programs: ∇f by the gradient program,
/// over boxes and in Taylor mode, and the Hessian's spectrum by [`spectrum_hull`] of the interval
/// Hessian.
impl Smooth for Programs {
    fn dim(&self) -> usize {
        self.d
    }

    fn gradient(&self, x: &[Interval]) -> Vec<Interval> {
        self.gradient_box(x)
    }

    fn gradient_series(&self) -> Box<dyn SeriesMap + '_> {
        Box::new(Programs::gradient_series(self))
    }

    fn hessian_range(&self, x: &[Interval]) -> (f64, f64) {
        spectrum_hull(&self.hessian_matrix(x))
    }

    fn lambda_min_sup(&self, x: &[Interval]) -> f64 {
        lambda_min_sup(&self.hessian_matrix(x))
    }

    fn hessian_matrix(&self, x: &[Interval]) -> IMat {
        let d = self.d;
        let upper = self.hess.eval(x);
        let a = (0..d * d).map(|k| upper[pair_index(d, (k / d).min(k % d), (k / d).max(k % d))]).collect();
        IMat { rows: d, cols: d, a }
    }

    /// The Frobenius norm of the interval third derivative (it bounds the trilinear form's norm).
    fn third_norm_sup(&self, x: &[Interval]) -> f64 {
        let zero = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
        let frob = self.third_box(x).into_iter().fold(zero, |s, (t, mult, _)| {
            s + t.sqr() * Interval::try_from((f64::from(mult), f64::from(mult))).expect("a small integer")
        });
        let hi = frob.sqrt().sup();
        if hi.is_nan() {
            f64::INFINITY
        } else {
            hi
        }
    }
}

/// Index of (i, j), i ≤ j, in the row-major upper triangle of a d×d matrix.
fn pair_index(d: usize, i: usize, j: usize) -> usize {
    i * d - i * (i + 1) / 2 + j
}

/// (i, j, k) with i ≤ j ≤ k < d, in lexicographic order.
fn triples(d: usize) -> Vec<(usize, usize, usize)> {
    let mut v = Vec::new();
    for i in 0..d {
        for j in i..d {
            for k in j..d {
                v.push((i, j, k));
            }
        }
    }
    v
}

/// The state of a Taylor-mode evaluation of a [`Tape`] ([`Tape::series`]): the coefficients so far
/// of every variable and operation, and the auxiliary series of the recurrences (the cosine of a
/// sine and vice versa, 1 − tanh², σ(1 − σ), and the powers a², …, a^|n| of a power).
#[derive(Clone, Debug)]
pub struct TapeSeries<'a> {
    tape: &'a Tape,
    vars: Vec<Vec<Interval>>,
    vals: Vec<Vec<Interval>>,
    aux: Vec<Vec<Vec<Interval>>>,
}

impl SeriesMap for TapeSeries<'_> {
    fn push(&mut self, arg: &[Interval]) -> Vec<Interval> {
        use crate::taylor as ts;
        let k = self.vals.first().map_or(0, Vec::len);
        if k == 0 {
            self.vars = vec![Vec::new(); arg.len()];
            self.aux = self
                .tape
                .ops
                .iter()
                .map(|op| match *op {
                    Op::Fun(Func::Sin | Func::Cos | Func::Tanh | Func::Sigma, _) => vec![Vec::new()],
                    Op::Pow(_, n) => vec![Vec::new(); n.unsigned_abs().max(1) as usize - 1],
                    _ => Vec::new(),
                })
                .collect();
        }
        for (v, &x) in self.vars.iter_mut().zip(arg) {
            v.push(x);
        }
        let zero = Interval::try_from((0.0, 0.0)).expect("0 is an interval");
        let one = Interval::try_from((1.0, 1.0)).expect("1 is an interval");
        for (i, op) in self.tape.ops.iter().enumerate() {
            let (before, rest) = self.vals.split_at_mut(i);
            let out = &mut rest[0];
            let aux = &mut self.aux[i];
            match *op {
                Op::Const(c) => out.push(if k == 0 { self.tape.consts[c] } else { zero }),
                Op::Var(j) => out.push(self.vars[j][k]),
                Op::Neg(a) => out.push(-before[a][k]),
                Op::Add(a, b) => out.push(before[a][k] + before[b][k]),
                Op::Sub(a, b) => out.push(before[a][k] - before[b][k]),
                Op::Mul(a, b) if a == b => ts::sqr_next(&before[a], out),
                Op::Mul(a, b) => ts::mul_next(&before[a], &before[b], out),
                Op::Div(a, b) => ts::div_next(&before[a], &before[b], out),
                Op::Pow(a, n) => {
                    let a = &before[a];
                    let m = n.unsigned_abs() as usize;
                    // aux[j] = a^(j + 2); coefficient 0 by powi (tight), the others by products.
                    for j in 0..aux.len() {
                        let (lower, upper) = aux.split_at_mut(j);
                        let prev = if j == 0 { a } else { &lower[j - 1] };
                        if k == 0 {
                            upper[0].push(a[0].powi(j as i32 + 2));
                        } else if j == 0 {
                            ts::sqr_next(a, &mut upper[0]);
                        } else {
                            ts::mul_next(prev, a, &mut upper[0]);
                        }
                    }
                    let top: &[Interval] = if m <= 1 { a } else { &aux[m - 2] };
                    match n.signum() {
                        0 => out.push(if k == 0 { one } else { zero }),
                        1 => out.push(top[k]),
                        _ => ts::recip_next(top, out),
                    }
                }
                Op::Fun(f, a) => {
                    let a = &before[a];
                    match f {
                        Func::Exp => ts::exp_next(a, out),
                        Func::Log => ts::log_next(a, out),
                        Func::Sqrt => ts::sqrt_next(a, out),
                        Func::Sin => ts::sin_cos_next(a, out, &mut aux[0]),
                        Func::Cos => ts::sin_cos_next(a, &mut aux[0], out),
                        Func::Tanh => ts::tanh_next(a, out, &mut aux[0]),
                        Func::Sigma => ts::sigma_next(a, out, &mut aux[0]),
                    }
                }
            }
            if out[k].is_empty() {
                out[k] = Interval::ENTIRE;
            }
        }
        self.tape.outputs.iter().map(|&o| self.vals[o][k]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_past_the_limit_is_refused() {
        let mut b = Builder::default();
        assert!(b.within_limit("the gradient").is_ok());
        b.ops = vec![Op::Var(0); MAX_INSTRUCTIONS + 1];
        let msg = b.within_limit("the Hessian").unwrap_err();
        assert!(msg.starts_with("the Hessian needs more than 4194304 instructions"), "{msg}");
    }
}
