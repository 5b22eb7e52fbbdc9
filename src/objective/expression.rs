//! Expression objectives for the engine's trajectories: the checker's parsed program
//! ([`shadowcert_checker::expression`], which owns the grammar, the parser and the domain rule)
//! with its first three derivatives built as straight-line programs by reverse-mode
//! differentiation *on the program* (a [`Builder`] with hash-consing), evaluated over boxes with
//! inari and in Taylor mode ([`Tape::series`], for the validated flows of `dynamics::nonlinear`).
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
//! on a box is decided by the checker's evaluator (`shadowcert_checker::expression::Ival`), which
//! carries a flag through every operation.
//!
//! Enclosure: rigorous (inari, outward rounding; constants enter through
//! [`crate::enclose::rat_to_interval`]; constant folding is interval arithmetic on enclosures).
//! Tightness: natural interval extension of the derivative programs, with common subexpressions
//! shared.

use crate::enclose::rat_to_interval;
use crate::enclose::taylor::SeriesMap;
use crate::exact::{fmt_rat, Rat};
use crate::{Error, Result};
use inari::{const_interval, Interval};
use shadowcert_checker::elementary::Elementary;
use shadowcert_checker::expression as checked;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use shadowcert_checker::expression::Op;
pub use shadowcert_checker::expression::{Func, MAX_EXPONENT};

/// The JSON pointer of the expression text in a spec.
pub const POINTER: &str = "/objective/f";

/// Largest derivative program built (instructions of the builder holding f, ∇f and ∇²f, or
/// ∇³f): about 40 bytes each with the hash-consing table, so the bound keeps one expression's
/// derivatives under about 200 MB.
pub const MAX_INSTRUCTIONS: usize = 1 << 22;

const ZERO: Interval = const_interval!(0.0, 0.0);
const ONE: Interval = const_interval!(1.0, 1.0);

// ---------------------------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------------------------

/// The operands of an instruction (the checker's [`Op`]; in the engine's programs `Op::Const(k)` is
/// constant k of the program's interval table).
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
struct Builder {
    ops: Vec<Op>,
    consts: Vec<Interval>,
    seen: HashMap<Op, usize>,
    const_seen: HashMap<(u64, u64), usize>,
}

impl Builder {
    /// The checker's program, instruction for instruction (no simplification: its value keeps the
    /// domain rule of every instruction); returns the builder and the index of f.
    fn import(t: &checked::Tape) -> (Builder, usize) {
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

    fn konst(&mut self, c: Interval) -> usize {
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

    fn add(&mut self, a: usize, b: usize) -> usize {
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

    fn mul(&mut self, a: usize, b: usize) -> usize {
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
    fn adjoint(&mut self, out: usize, d: usize) -> Vec<usize> {
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
    fn within_limit(&self, what: &str) -> Result<()> {
        if self.ops.len() > MAX_INSTRUCTIONS {
            return Err(Error::spec(
                POINTER,
                format!(
                    "{what} needs more than {MAX_INSTRUCTIONS} instructions (after sharing identical \
                     sub-expressions): simplify the expression"
                ),
            ));
        }
        Ok(())
    }

    /// The program computing `outputs`, without the instructions they do not use.
    fn tape(&self, outputs: &[usize]) -> Tape {
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
    #[cfg(test)]
    fn instructions(&self) -> usize {
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

    /// A Taylor-mode evaluator of the outputs along series in the variables (`enclose::taylor`):
    /// call k of [`SeriesMap::push`] takes coefficient k of each variable and returns coefficient k
    /// of each output.
    ///
    /// Enclosure: rigorous (the recurrences of `enclose::taylor`; the same domain rule as
    /// [`Tape::eval`]). Tightness: as [`Tape::eval`] for coefficient 0.
    pub fn series(&self) -> TapeSeries<'_> {
        TapeSeries { tape: self, vars: Vec::new(), vals: vec![Vec::new(); self.ops.len()], aux: Vec::new() }
    }
}

/// One function over an interval. Enclosure: rigorous (the checker's `elementary` module: CORE-MATH,
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

// ---------------------------------------------------------------------------------------------
// The objective
// ---------------------------------------------------------------------------------------------

/// An expression objective with its derivative programs, compiled for box evaluation.
#[derive(Clone, Debug)]
pub struct Expression {
    /// Variable names, one per coordinate.
    pub vars: Vec<String>,
    /// The source text as written in the spec (for a modified potential, its description).
    pub source: String,
    /// The checker's parse of the spec's expression (`None` for a modified potential).
    checked: Option<checked::Expression>,
    value_tape: Tape,
    grad_tape: Tape,
    hess_tape: Tape,
    /// The program holding f, ∇f and the upper triangle of ∇²f (row-major), from which the third
    /// derivative is built on first use.
    hess: Arc<(Builder, Vec<usize>)>,
    third: OnceLock<Option<Tape>>,
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.vars == other.vars && self.source == other.source
    }
}

impl Eq for Expression {}

impl Expression {
    /// Parses `source` in `vars` (the checker's parser: errors name [`POINTER`] and the column, or
    /// `/objective/vars/i`) and builds the gradient and Hessian programs.
    pub fn new(vars: Vec<String>, source: &str) -> Result<Self> {
        let e = checked::Expression::parse(&vars, source).map_err(|m| match m.strip_prefix("vars/") {
            Some(rest) => {
                let (i, msg) = rest.split_once(": ").unwrap_or(("", rest));
                Error::spec(format!("/objective/vars/{i}"), msg.to_string())
            }
            None => match m.strip_prefix("vars: ") {
                Some(msg) => Error::spec("/objective/vars", msg.to_string()),
                None => Error::spec(POINTER, m),
            },
        })?;
        let (b, f) = Builder::import(e.tape());
        let mut out = Self::build(vars, source.to_string(), b, f)?;
        out.checked = Some(e);
        Ok(out)
    }

    /// The checker's parse of the spec's expression (what the constants are decided on). `None`
    /// for a modified potential ([`Expression::modified`]).
    pub fn checked(&self) -> Option<&checked::Expression> {
        self.checked.as_ref()
    }

    /// The modified potential of 004's Theorem 6, scaled for its gradient flow: λ̄·Φ_h with
    /// Φ_h = Φ + ½hc|∇Φ|² (19)–(21), built on Φ's gradient program (so the flow (20),
    /// u̇ = −λ̄∇Φ_h(u), is the gradient flow of the result). `lbar` = λ̄ = (1 − λ)⁻¹, `hc` = h·c.
    ///
    /// Errors when its derivative programs exceed [`MAX_INSTRUCTIONS`].
    pub fn modified(&self, lbar: &Rat, hc: &Rat) -> Result<Expression> {
        let e = self.checked.as_ref().expect("modified potentials are built from a spec's expression");
        let (mut b, f) = Builder::import(e.tape());
        let g = b.adjoint(f, self.dim());
        let mut sq = b.konst(ZERO);
        for gi in g {
            let t = b.mul(gi, gi);
            sq = b.add(sq, t);
        }
        let k = b.konst(rat_to_interval(&(hc / Rat::from_integer(2.into()))));
        let t = b.mul(k, sq);
        let phi_h = b.add(f, t);
        let l = b.konst(rat_to_interval(lbar));
        let m = b.mul(l, phi_h);
        let source = format!("{} · (Φ + ½·{}·|∇Φ|²), Φ = {}", fmt_rat(lbar), fmt_rat(hc), self.source);
        Self::build(self.vars.clone(), source, b, m)
    }

    /// Builds the gradient and Hessian programs of instruction `f` of `b`.
    fn build(vars: Vec<String>, source: String, mut b: Builder, f: usize) -> Result<Self> {
        let d = vars.len();
        let value_tape = b.tape(&[f]);
        let g = b.adjoint(f, d);
        b.within_limit("the gradient")?;
        let grad_tape = b.tape(&g);
        let mut upper = Vec::with_capacity(d * (d + 1) / 2);
        for (i, &gi) in g.iter().enumerate() {
            let row = b.adjoint(gi, d);
            upper.extend_from_slice(&row[i..]);
            b.within_limit("the Hessian")?;
        }
        let hess_tape = b.tape(&upper);
        Ok(Expression {
            vars,
            source,
            checked: None,
            value_tape,
            grad_tape,
            hess_tape,
            hess: Arc::new((b, upper)),
            third: OnceLock::new(),
        })
    }

    /// The program of the distinct third partials (i ≤ j ≤ k, lexicographic), built on first use;
    /// `None` when it would exceed [`MAX_INSTRUCTIONS`].
    fn third_tape(&self) -> Option<&Tape> {
        self.third
            .get_or_init(|| {
                let d = self.dim();
                let (mut b, upper) = (self.hess.0.clone(), &self.hess.1);
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

    /// Dimension (number of variables).
    pub fn dim(&self) -> usize {
        self.vars.len()
    }

    /// Encloses f over the box. Enclosure: rigorous.
    pub fn value_box(&self, x: &[Interval]) -> Interval {
        self.value_tape.eval(x)[0]
    }

    /// Encloses ∇f over the box. Enclosure: rigorous.
    pub fn gradient_box(&self, x: &[Interval]) -> Vec<Interval> {
        self.grad_tape.eval(x)
    }

    /// Encloses ∇²f over the box, as a full symmetric matrix. Enclosure: rigorous.
    pub fn hessian_box(&self, x: &[Interval]) -> Vec<Vec<Interval>> {
        let d = self.dim();
        let upper = self.hess_tape.eval(x);
        (0..d).map(|i| (0..d).map(|j| upper[pair_index(d, i.min(j), i.max(j))]).collect()).collect()
    }

    /// Encloses the distinct entries ∂³f/∂x_i∂x_j∂x_k, i ≤ j ≤ k, with their multiplicities in the
    /// full tensor and whether they are diagonal. Enclosure: rigorous (every entry `ENTIRE` when
    /// the program would exceed [`MAX_INSTRUCTIONS`]).
    pub fn third_box(&self, x: &[Interval]) -> Vec<(Interval, u32, bool)> {
        let triples = triples(self.dim());
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
        self.grad_tape.series()
    }

    /// Instructions of the value, gradient and Hessian programs (what evaluation costs).
    #[cfg(test)]
    fn instructions(&self) -> [usize; 3] {
        [self.value_tape.instructions(), self.grad_tape.instructions(), self.hess_tape.instructions()]
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
        use crate::enclose::taylor as ts;
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
    use crate::enclose::interval_contains_rat;
    use crate::exact::rat;

    type I = Interval;

    fn vars(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn pt(x: f64) -> I {
        I::try_from((x, x)).unwrap()
    }

    fn spec_err(v: &[&str], text: &str) -> (String, String) {
        match Expression::new(vars(v), text) {
            Err(Error::Spec { pointer, msg }) => (pointer, msg),
            other => panic!("{text:?} should not parse: {other:?}"),
        }
    }

    #[test]
    fn numbers_are_exact_and_precedence_is_usual() {
        let e = |t: &str| Expression::new(vars(&["x"]), t).unwrap().value_box(&[pt(0.5)]);
        assert_eq!(e("1 - 2 - 3"), pt(-4.0));
        // -x^2 = -(x²).
        assert_eq!(e("-x^2"), pt(-0.25));
        // 4e-1 = 2/5 is not dyadic: its enclosure is two adjacent floats, and so is the result's.
        let v = e("2*3^2/4e-1");
        assert!(v.contains(45.0) && v.wid() < 1e-13, "{v:?}");
        assert!(!v.contains(45.0 + 1e-12));
    }

    #[test]
    fn errors_name_the_pointer_and_the_column() {
        assert_eq!(spec_err(&["x", "y"], "x + * y"), (POINTER.to_string(), "column 5: unexpected '*'".to_string()));
        let (p, m) = spec_err(&["x", "y"], "x**2");
        assert_eq!((p.as_str(), m.as_str()), (POINTER, "column 3: unexpected '*': powers are written x^2, not x**2"));
        assert!(spec_err(&["x"], "abs(x)").1.ends_with("(a smooth stand-in: sqrt(x^2 + 1e-6))"));
        assert!(spec_err(&["x"], &"(".repeat(500)).1.contains("nested deeper"));
        let (p, m) = spec_err(&["x", "x"], "x");
        assert_eq!(p, "/objective/vars/1", "{m}");
        assert!(m.contains("duplicate"), "{m}");
    }

    #[test]
    fn derivatives_match_hand_values() {
        // f = ½x² + cos y: ∇f = (x, −sin y), ∇²f = diag(1, −cos y), f_yyy = sin y.
        let e = Expression::new(vars(&["x", "y"]), "0.5*x^2 + cos(y)").unwrap();
        let x = [pt(0.5), pt(1.0)];
        let g = e.gradient_box(&x);
        assert!(g[0].contains(0.5) && g[1].contains(-1f64.sin()) && g[1].wid() < 1e-15);
        let h = e.hessian_box(&x);
        assert!(h[0][0].contains(1.0) && h[0][1].contains(0.0) && h[1][1].contains(-1f64.cos()));
        let t = e.third_box(&x);
        assert_eq!(t.len(), 4);
        assert!(t[3].0.contains(1f64.sin()) && t[3].1 == 1);
        assert!(t[0].0.contains(0.0) && t[1].1 == 3);
        assert!(!t[3].0.contains(1f64.sin() + 1e-12));
    }

    #[test]
    fn modified_potential_by_hand() {
        // Φ = x⁴/4 + xy: ∇Φ = (x³ + y, x), |∇Φ|² = (x³ + y)² + x², so with λ̄ = 10, hc = 1/8:
        // ∇(λ̄Φ_h) = 10·(∇Φ + (1/8)∇²Φ∇Φ), ∇²Φ = [[3x², 1], [1, 0]]. At (1/2, 1/4):
        // ∇Φ = (3/8, 1/2), ∇²Φ∇Φ = (3/4·3/8 + 1/2, 3/8) = (25/32, 3/8),
        // ∇(λ̄Φ_h) = 10·(3/8 + 25/256, 1/2 + 3/64) = (1210/256, 350/64).
        let e = Expression::new(vars(&["x", "y"]), "0.25*x^4 + x*y").unwrap();
        let m = e.modified(&rat(10), &(rat(1) / rat(8))).unwrap();
        let g = m.gradient_box(&[pt(0.5), pt(0.25)]);
        for (gi, exact) in g.iter().zip([rat(1210) / rat(256), rat(350) / rat(64)]) {
            assert!(interval_contains_rat(gi, &exact) && gi.wid() < 1e-14, "{gi:?} vs {exact}");
        }
        // Its Hessian: 10·(∇²Φ + (1/8)(∇²Φ² + Σₖ ∂ₖΦ ∇²∂ₖΦ)); ∇²∂ₓΦ = [[6x, 0], [0, 0]], ∇²∂_yΦ = 0.
        // At (1/2, 1/4): ∇²Φ = [[3/4, 1], [1, 0]], ∇²Φ² = [[25/16, 3/4], [3/4, 1]],
        // ∂ₓΦ·6x = 3/8·3 = 9/8: H = 10·([[3/4, 1], [1, 0]] + (1/8)[[43/16, 3/4], [3/4, 1]]).
        let h = m.hessian_box(&[pt(0.5), pt(0.25)]);
        let want = [[rat(3) / rat(4) + rat(43) / rat(128), rat(1) + rat(3) / rat(32)], [rat(0), rat(1) / rat(8)]];
        for (i, j) in [(0, 0), (0, 1), (1, 0)] {
            let w = if (i, j) == (1, 0) { &want[0][1] } else { &want[i][j] };
            assert!(interval_contains_rat(&h[i][j], &(rat(10) * w)), "{i}{j}: {:?}", h[i][j]);
        }
        assert!(interval_contains_rat(&h[1][1], &(rat(10) * &want[1][1])));
        // A wrong hc is not contained.
        let wrong = e.modified(&rat(10), &(rat(1) / rat(7))).unwrap().gradient_box(&[pt(0.5), pt(0.25)]);
        assert!(!interval_contains_rat(&wrong[0], &(rat(1210) / rat(256))));
        assert!(m.source.contains("Φ = 0.25*x^4 + x*y"), "{}", m.source);
    }

    #[test]
    fn enclosures_contain_high_precision_values_at_random_points() {
        // f = log(1 + exp(x − 2y)) + sigma(x·y) + sqrt(2 + x) / (3 − y) + tanh(x)^3, against the
        // hand-derived gradient in f64 (rounding error ~1e-15; the enclosures are a few ulps wide).
        let e =
            Expression::new(vars(&["x", "y"]), "log(1 + exp(x - 2*y)) + sigma(x*y) + sqrt(2 + x)/(3 - y) + tanh(x)^3")
                .unwrap();
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        for _ in 0..200 {
            let (x, y) = (next(), next());
            let g = e.gradient_box(&[pt(x), pt(y)]);
            let s = |t: f64| 1.0 / (1.0 + (-t).exp());
            let u = x - 2.0 * y;
            let sig = s(x * y);
            let th = x.tanh();
            let gx =
                s(u) + sig * (1.0 - sig) * y + 0.5 / (2.0 + x).sqrt() / (3.0 - y) + 3.0 * th * th * (1.0 - th * th);
            let gy = -2.0 * s(u) + sig * (1.0 - sig) * x + (2.0 + x).sqrt() / ((3.0 - y) * (3.0 - y));
            assert!((g[0].mid() - gx).abs() < 1e-13 && g[0].wid() < 1e-13, "{x} {y}: {:?} vs {gx}", g[0]);
            assert!((g[1].mid() - gy).abs() < 1e-13 && g[1].wid() < 1e-13, "{x} {y}: {:?} vs {gy}", g[1]);
        }
    }

    #[test]
    fn exact_polynomial_derivatives_are_contained() {
        // f = x³y − 2xy² + 1/3: ∇f = (3x²y − 2y², x³ − 4xy), f_xy = 3x² − 4y, f_xxy = 6x, computed
        // exactly at 100 pseudo-random rational points; the enclosures must contain every one.
        let e = Expression::new(vars(&["x", "y"]), "x^3*y - 2*x*y^2 + 1/3").unwrap();
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            Rat::new(((seed >> 33) as i64 % 2001 - 1000).into(), 337.into())
        };
        for _ in 0..100 {
            let (x, y) = (next(), next());
            let b = [rat_to_interval(&x), rat_to_interval(&y)];
            let g = e.gradient_box(&b);
            let gx = rat(3) * &x * &x * &y - rat(2) * &y * &y;
            let gy = &x * &x * &x - rat(4) * &x * &y;
            assert!(interval_contains_rat(&g[0], &gx) && interval_contains_rat(&g[1], &gy), "{x} {y}");
            let h = e.hessian_box(&b);
            let hxy = rat(3) * &x * &x - rat(4) * &y;
            assert!(interval_contains_rat(&h[0][1], &hxy) && interval_contains_rat(&h[1][0], &hxy));
            assert!(interval_contains_rat(&h[1][1], &(rat(-4) * &x)));
            let t = e.third_box(&b);
            assert!(interval_contains_rat(&t[1].0, &(rat(6) * &x)));
            // A wrong value is not contained: the test can fail.
            assert!(!interval_contains_rat(&g[0], &(&gx + Rat::new(1.into(), 1000.into()))));
        }
    }

    #[test]
    fn undefined_points_give_the_whole_line() {
        let e = Expression::new(vars(&["x"]), "log(x) + 1/x").unwrap();
        let g = e.gradient_box(&[I::try_from((-1.0, 1.0)).unwrap()]);
        assert_eq!(g[0], I::ENTIRE);
        let g = e.gradient_box(&[I::try_from((1.0, 2.0)).unwrap()]);
        assert!(g[0].contains(0.0) && g[0].contains(0.75) && g[0].sup() <= 1.0);
        let e = Expression::new(vars(&["x"]), "sqrt(x)").unwrap();
        assert_eq!(e.gradient_box(&[I::try_from((0.0, 1.0)).unwrap()])[0], I::ENTIRE);
    }

    #[test]
    fn derivative_programs_grow_linearly() {
        // x·x·…·x (n factors) = xⁿ: the tree derivative of the third order has n(n−1)(n−2)
        // products; the programs stay linear in n. Exact values at x = 1/2: f‴ = n(n−1)(n−2)/2ⁿ⁻³.
        for n in [40i32, 50, 200] {
            let text = vec!["x"; n as usize].join("*");
            let start = std::time::Instant::now();
            let e = Expression::new(vars(&["x"]), &text).unwrap();
            let t = e.third_box(&[pt(0.5)]);
            assert!(start.elapsed().as_secs_f64() < 1.0, "{n} factors: {:?}", start.elapsed());
            assert!(e.instructions().iter().all(|&k| k <= 10 * n as usize), "{n}: {:?}", e.instructions());
            let exact = rat(i64::from(n * (n - 1) * (n - 2))) / rat(2).pow(n - 3);
            assert!(interval_contains_rat(&t[0].0, &exact), "{n}: {:?} vs {exact}", t[0].0);
            assert!(!interval_contains_rat(&t[0].0, &(&exact * rat(1001) / rat(1000))));
        }
        // A 15 000-term sum (the tree version overflowed the stack): ∇f = 15000, ∇²f = 0.
        let e = Expression::new(vars(&["x", "y"]), &vec!["x"; 15_000].join("+")).unwrap();
        let b = [pt(0.25), pt(1.0)];
        assert_eq!(e.gradient_box(&b), vec![pt(15_000.0), pt(0.0)]);
        assert!(e.hessian_box(&b).iter().flatten().all(|h| *h == pt(0.0)));
        assert_eq!(e.value_box(&b), pt(3750.0));
    }

    #[test]
    fn a_program_past_the_limit_is_an_input_error() {
        let mut b = Builder::default();
        assert!(b.within_limit("the gradient").is_ok());
        b.ops = vec![Op::Var(0); MAX_INSTRUCTIONS + 1];
        match b.within_limit("the Hessian") {
            Err(Error::Spec { pointer, msg }) => {
                assert_eq!(pointer, POINTER);
                assert!(msg.starts_with("the Hessian needs more than 4194304 instructions"), "{msg}");
            }
            other => panic!("{other:?}"),
        }
    }
}
