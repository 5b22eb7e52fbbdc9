//! The checker's own evaluator of expression objectives: `"0.5*x^2 + log(1 + exp(-y))"` in named
//! variables, parsed into a straight-line program (a [`Tape`]) and evaluated over boxes with inari,
//! derivatives by forward-mode automatic differentiation ([`Dual`], nested for higher orders) over a
//! generic number type ([`Num`]). Nothing here differentiates symbolically, and nothing comes from
//! the engine: this module owns the grammar, the parser, the tape, the domain rule and the
//! conversion of exact constants to intervals ([`rat_to_interval`]).
//!
//! # Grammar
//! ```text
//! expr   := term (('+' | '-') term)*
//! term   := unary (('*' | '/') unary)*
//! unary  := '-' unary | power
//! power  := atom ('^' exponent)?          exponent: an integer literal, optionally negative,
//!                                          optionally in parentheses: x^2, x^-1, x^(-3)
//! atom   := number | variable | function '(' expr ')' | '(' expr ')'
//! ```
//! Numbers are exact rationals (`0.5` is 1/2, `1e-3` is 1/1000, read by
//! [`crate::exact::parse_rat`]); functions are `exp log sqrt sin cos tanh sigma`
//! (σ(t) = 1/(1 + e^{−t})). Powers are integer powers only, |n| ≤ [`MAX_EXPONENT`] (`x^0.5` is an
//! error: write `sqrt(x)`); `-x^2` is −(x²); `a^b^c` is an error. Nesting is limited to
//! [`MAX_DEPTH`] levels. Errors read `"column N: …"` (1-based, in characters).
//!
//! # Domains
//! An evaluation over a box is *defined* ([`Ival::defined`]) only when every operation is defined
//! and smooth on the whole enclosure of its argument: `log` and `sqrt` need an argument whose lower
//! end is > 0, a division or a negative power needs an argument not containing 0. Anywhere else the
//! result is undefined (and its interval the whole line), and the flag propagates through every
//! later operation, so `0*log(y)` over y ∈ [−1, 1] is undefined although [−∞, ∞]·{0} = {0} in
//! interval arithmetic. Nothing is ever evaluated on the defined part of a box only.
//!
//! Enclosure: rigorous (inari, outward rounding; constants enter through [`rat_to_interval`], which
//! rounds outward exactly). Tightness: natural interval extension of the program and of its
//! forward-mode derivative recurrences, with identical subterms evaluated once.

use crate::elementary::Elementary;
use crate::exact::{parse_rat, Rat};
use crate::interval::rat_to_interval;
use inari::{const_interval, Interval};
use num_traits::Signed;
use std::collections::HashMap;

/// Largest |exponent| accepted in `x^n`.
pub const MAX_EXPONENT: i32 = 64;

/// Deepest nesting accepted (parentheses, function calls and unary minus each count one level; the
/// whole expression is level 1). Keeps the parser's recursion bounded on hostile input.
pub const MAX_DEPTH: usize = 200;

/// The names reserved for the functions of the grammar (they cannot name variables).
pub const FUNCTION_NAMES: [&str; 7] = ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigma"];

const ZERO: Interval = const_interval!(0.0, 0.0);
const ONE: Interval = const_interval!(1.0, 1.0);

/// The point interval [n, n] of a small integer (exact).
fn int_interval(n: i32) -> Interval {
    Interval::try_from((f64::from(n), f64::from(n))).expect("an i32 is a finite f64")
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/// The arithmetic a [`Tape`] is evaluated in: intervals with a definedness flag ([`Ival`]) and
/// forward-mode dual numbers over them ([`Dual`]), nested for higher derivatives.
///
/// Every operation must be a rigorous enclosure of the exact operation, and must mark its result
/// undefined ([`Num::defined`] false) when an argument is undefined or when the operation is not
/// defined and smooth on the whole enclosure of its argument (see the module documentation).
pub trait Num: Clone {
    /// A constant enclosed by the interval `x` (all derivative parts zero).
    fn lift(x: Interval) -> Self;
    /// The exact rational `r`, rounded outward ([`rat_to_interval`]).
    fn constant(r: &Rat) -> Self {
        Self::lift(rat_to_interval(r))
    }
    /// The integer `n` (exact).
    fn int(n: i32) -> Self {
        Self::lift(int_interval(n))
    }
    /// self + o.
    fn add(&self, o: &Self) -> Self;
    /// self − o.
    fn sub(&self, o: &Self) -> Self;
    /// self · o.
    fn mul(&self, o: &Self) -> Self;
    /// self / o (undefined when o may be 0).
    fn div(&self, o: &Self) -> Self;
    /// −self.
    fn neg(&self) -> Self;
    /// selfⁿ (undefined for n < 0 when self may be 0; self⁰ = 1 everywhere).
    fn powi(&self, n: i32) -> Self;
    /// e^self.
    fn exp(&self) -> Self;
    /// ln self (undefined unless self > 0).
    fn ln(&self) -> Self;
    /// √self (undefined unless self > 0: the derivative needs it).
    fn sqrt(&self) -> Self;
    /// sin self.
    fn sin(&self) -> Self;
    /// cos self.
    fn cos(&self) -> Self;
    /// tanh self.
    fn tanh(&self) -> Self;
    /// σ(self) = 1/(1 + e^{−self}).
    fn sigma(&self) -> Self;
    /// Whether every part of the number is defined.
    fn defined(&self) -> bool;
}

/// An interval with a definedness flag: the value of an expression over a box.
///
/// Invariant: when `defined` is false, `iv` is [`Interval::ENTIRE`] and carries no information;
/// when it is true, `iv` is non-empty, encloses every value of the evaluated expression over the
/// box, and the expression is defined and smooth on the whole box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ival {
    /// The enclosure (the whole line when undefined).
    pub iv: Interval,
    /// Whether every operation was defined and smooth on its whole argument enclosure.
    pub defined: bool,
}

impl Ival {
    /// The undefined value: no information.
    pub const UNDEFINED: Ival = Ival { iv: Interval::ENTIRE, defined: false };

    /// The interval `iv`, defined unless it is empty.
    pub fn new(iv: Interval) -> Ival {
        Ival::checked(iv, true)
    }

    /// The point interval [x, x]; undefined for a NaN or infinite `x`.
    pub fn point(x: f64) -> Ival {
        Interval::try_from((x, x)).map_or(Ival::UNDEFINED, Ival::new)
    }

    /// The interval [lo, hi]; undefined when it is not a valid interval (lo > hi, NaN, or an
    /// infinite endpoint on the wrong side).
    pub fn from_bounds(lo: f64, hi: f64) -> Ival {
        Interval::try_from((lo, hi)).map_or(Ival::UNDEFINED, Ival::new)
    }

    /// `iv` if `ok` and it is not empty, else undefined.
    fn checked(iv: Interval, ok: bool) -> Ival {
        if ok && !iv.is_empty() {
            Ival { iv, defined: true }
        } else {
            Ival::UNDEFINED
        }
    }

    /// A unary operation that is defined and smooth on the whole argument when `domain` holds.
    fn unary(self, domain: bool, f: impl FnOnce(Interval) -> Interval) -> Ival {
        if self.defined && domain {
            Ival::checked(f(self.iv), true)
        } else {
            Ival::UNDEFINED
        }
    }

    /// A binary operation defined and smooth everywhere.
    fn binary(self, o: Ival, f: impl FnOnce(Interval, Interval) -> Interval) -> Ival {
        if self.defined && o.defined {
            Ival::checked(f(self.iv, o.iv), true)
        } else {
            Ival::UNDEFINED
        }
    }
}

impl From<Interval> for Ival {
    fn from(iv: Interval) -> Ival {
        Ival::new(iv)
    }
}

impl Num for Ival {
    fn lift(x: Interval) -> Self {
        Ival::new(x)
    }
    fn add(&self, o: &Self) -> Self {
        self.binary(*o, |a, b| a + b)
    }
    fn sub(&self, o: &Self) -> Self {
        self.binary(*o, |a, b| a - b)
    }
    fn mul(&self, o: &Self) -> Self {
        self.binary(*o, |a, b| a * b)
    }
    fn div(&self, o: &Self) -> Self {
        if o.iv.contains(0.0) {
            return Ival::UNDEFINED;
        }
        self.binary(*o, |a, b| a / b)
    }
    fn neg(&self) -> Self {
        self.unary(true, |a| -a)
    }
    fn powi(&self, n: i32) -> Self {
        self.unary(n >= 0 || !self.iv.contains(0.0), |a| a.powi(n))
    }
    fn exp(&self) -> Self {
        self.unary(true, Interval::exp)
    }
    fn ln(&self) -> Self {
        self.unary(self.iv.inf() > 0.0, Interval::ln)
    }
    fn sqrt(&self) -> Self {
        self.unary(self.iv.inf() > 0.0, Interval::sqrt)
    }
    fn sin(&self) -> Self {
        self.unary(true, Interval::sin)
    }
    fn cos(&self) -> Self {
        self.unary(true, Interval::cos)
    }
    fn tanh(&self) -> Self {
        self.unary(true, Interval::tanh)
    }
    fn sigma(&self) -> Self {
        self.unary(true, Interval::sigmoid)
    }
    fn defined(&self) -> bool {
        self.defined
    }
}

/// A forward-mode dual number: a value and one directional derivative, `v + d·ε` with ε² = 0.
///
/// Every operation applies the chain rule in `T`, so `Dual<Ival>` encloses a first derivative,
/// `Dual<Dual<Ival>>` a second and `Dual<Dual<Dual<Ival>>>` a third (seeded along one coordinate
/// per nesting level). Enclosure: rigorous when `T`'s operations are.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dual<T> {
    /// The value.
    pub v: T,
    /// The derivative along the seeded direction.
    pub d: T,
}

impl<T: Num> Dual<T> {
    /// The dual number v + d·ε.
    pub fn new(v: T, d: T) -> Self {
        Dual { v, d }
    }

    /// The chain rule of a unary function: value `v`, derivative of the outer function `outer`.
    fn chain(&self, v: T, outer: T) -> Self {
        Dual { d: outer.mul(&self.d), v }
    }
}

impl<T: Num> Num for Dual<T> {
    fn lift(x: Interval) -> Self {
        Dual { v: T::lift(x), d: T::lift(ZERO) }
    }
    fn add(&self, o: &Self) -> Self {
        Dual { v: self.v.add(&o.v), d: self.d.add(&o.d) }
    }
    fn sub(&self, o: &Self) -> Self {
        Dual { v: self.v.sub(&o.v), d: self.d.sub(&o.d) }
    }
    fn mul(&self, o: &Self) -> Self {
        // (uv)' = u'v + uv'.
        Dual { v: self.v.mul(&o.v), d: self.d.mul(&o.v).add(&self.v.mul(&o.d)) }
    }
    fn div(&self, o: &Self) -> Self {
        // (u/w)' = (u' − (u/w)·w')/w.
        let q = self.v.div(&o.v);
        let d = self.d.sub(&q.mul(&o.d)).div(&o.v);
        Dual { v: q, d }
    }
    fn neg(&self) -> Self {
        Dual { v: self.v.neg(), d: self.d.neg() }
    }
    fn powi(&self, n: i32) -> Self {
        // (uⁿ)' = n·uⁿ⁻¹·u' (for n = 0: 0·u', which keeps u''s definedness; for n = i32::MIN,
        // where n − 1 overflows, uⁿ⁻¹ = uⁿ/u, both sides undefined where u may be 0).
        let outer = match n.checked_sub(1) {
            _ if n == 0 => T::int(0),
            Some(m) => self.v.powi(m).mul(&T::int(n)),
            None => self.v.powi(n).div(&self.v).mul(&T::int(n)),
        };
        self.chain(self.v.powi(n), outer)
    }
    fn exp(&self) -> Self {
        let v = self.v.exp();
        self.chain(v.clone(), v)
    }
    fn ln(&self) -> Self {
        // ln' u = 1/u.
        Dual { v: self.v.ln(), d: self.d.div(&self.v) }
    }
    fn sqrt(&self) -> Self {
        // √' u = 1/(2√u).
        let v = self.v.sqrt();
        let d = self.d.div(&v.mul(&T::int(2)));
        Dual { v, d }
    }
    fn sin(&self) -> Self {
        self.chain(self.v.sin(), self.v.cos())
    }
    fn cos(&self) -> Self {
        self.chain(self.v.cos(), self.v.sin().neg())
    }
    fn tanh(&self) -> Self {
        // tanh' = 1 − tanh².
        let v = self.v.tanh();
        let outer = T::int(1).sub(&v.powi(2));
        self.chain(v, outer)
    }
    fn sigma(&self) -> Self {
        // σ' = σ(1 − σ).
        let v = self.v.sigma();
        let outer = v.mul(&T::int(1).sub(&v));
        self.chain(v, outer)
    }
    fn defined(&self) -> bool {
        self.v.defined() && self.d.defined()
    }
}

// ---------------------------------------------------------------------------------------------
// Functions and the tape
// ---------------------------------------------------------------------------------------------

/// An elementary function of the grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    /// e^t.
    Exp,
    /// ln t (t > 0).
    Log,
    /// √t (t > 0 on the domain: its derivatives need it).
    Sqrt,
    /// sin t.
    Sin,
    /// cos t.
    Cos,
    /// tanh t.
    Tanh,
    /// σ(t) = 1/(1 + e^{−t}).
    Sigma,
}

impl Func {
    const ALL: [Func; 7] = [Func::Exp, Func::Log, Func::Sqrt, Func::Sin, Func::Cos, Func::Tanh, Func::Sigma];

    /// The name in the grammar (one of [`FUNCTION_NAMES`]).
    pub fn name(self) -> &'static str {
        FUNCTION_NAMES[self as usize]
    }

    /// The function called `name`, if any.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Applies the function in `T`.
    pub fn apply<T: Num>(self, a: &T) -> T {
        match self {
            Func::Exp => a.exp(),
            Func::Log => a.ln(),
            Func::Sqrt => a.sqrt(),
            Func::Sin => a.sin(),
            Func::Cos => a.cos(),
            Func::Tanh => a.tanh(),
            Func::Sigma => a.sigma(),
        }
    }
}

/// One instruction of a [`Tape`]; operands are indices of earlier instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// Constant number `k` of the tape ([`Tape::constant`]).
    Const(usize),
    /// Coordinate `i` (index into the variables).
    Var(usize),
    /// −a.
    Neg(usize),
    /// a + b.
    Add(usize, usize),
    /// a − b.
    Sub(usize, usize),
    /// a · b.
    Mul(usize, usize),
    /// a / b.
    Div(usize, usize),
    /// aⁿ, n an integer.
    Pow(usize, i32),
    /// A function applied to a.
    Fun(Func, usize),
}

/// A parsed expression as a straight-line program: every instruction refers to earlier ones only,
/// identical subterms are one instruction (hash-consing on the instruction and its operand
/// indices, so building costs time linear in the expression), and the last instruction is the
/// expression.
#[derive(Clone, Debug)]
pub struct Tape {
    ops: Vec<Op>,
    consts: Vec<(Rat, Interval)>,
    seen: HashMap<Op, usize>,
    const_seen: HashMap<Rat, usize>,
}

impl Tape {
    /// An empty tape, to be filled by the parser.
    fn new() -> Tape {
        Tape { ops: Vec::new(), consts: Vec::new(), seen: HashMap::new(), const_seen: HashMap::new() }
    }

    /// The instructions, in evaluation order; the last is the expression.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// Number of instructions.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether the tape has no instruction (never, for a parsed expression).
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Constant `k` ([`Op::Const`]): its exact value and its tightest enclosure.
    pub fn constant(&self, k: usize) -> (&Rat, Interval) {
        let (r, iv) = &self.consts[k];
        (r, *iv)
    }

    /// The index of `op`, appended unless an identical instruction exists.
    fn intern(&mut self, op: Op) -> usize {
        if let Some(&i) = self.seen.get(&op) {
            return i;
        }
        self.ops.push(op);
        let i = self.ops.len() - 1;
        self.seen.insert(op, i);
        i
    }

    /// The index of the constant `r` (converted once, outward, by [`rat_to_interval`]).
    fn constant_op(&mut self, r: Rat) -> usize {
        if let Some(&k) = self.const_seen.get(&r) {
            return self.intern(Op::Const(k));
        }
        let k = self.consts.len();
        self.consts.push((r.clone(), rat_to_interval(&r)));
        self.const_seen.insert(r, k);
        self.intern(Op::Const(k))
    }

    /// Evaluates the program in `T` at `x` (one number per variable), keeping every instruction's
    /// value in `buf` (cleared first, reused across calls to avoid allocation). Iterative: one loop
    /// over the instructions. Enclosure: rigorous when `T`'s operations are.
    pub fn eval<T: Num>(&self, x: &[T], buf: &mut Vec<T>) -> T {
        buf.clear();
        buf.reserve(self.ops.len());
        for op in &self.ops {
            let r = match *op {
                Op::Const(k) => T::lift(self.consts[k].1),
                Op::Var(i) => x[i].clone(),
                Op::Neg(a) => buf[a].neg(),
                Op::Add(a, b) => buf[a].add(&buf[b]),
                Op::Sub(a, b) => buf[a].sub(&buf[b]),
                Op::Mul(a, b) => buf[a].mul(&buf[b]),
                Op::Div(a, b) => buf[a].div(&buf[b]),
                Op::Pow(a, n) => buf[a].powi(n),
                Op::Fun(f, a) => f.apply(&buf[a]),
            };
            buf.push(r);
        }
        buf.last().expect("a parsed expression has at least one instruction").clone()
    }
}

impl Tape {
    /// The text of instruction `i` in the variables `vars`, fully parenthesized, cut at about
    /// `max` characters (`…`): how an error names a sub-expression. Iterative.
    pub fn text(&self, i: usize, vars: &[String], max: usize) -> String {
        // Post-order over the instructions reachable from i, each rendered once.
        let mut done: HashMap<usize, String> = HashMap::new();
        let mut stack = vec![(i, false)];
        while let Some((j, expanded)) = stack.pop() {
            if done.contains_key(&j) {
                continue;
            }
            let kids: Vec<usize> = match self.ops[j] {
                Op::Neg(a) | Op::Pow(a, _) | Op::Fun(_, a) => vec![a],
                Op::Add(a, b) | Op::Sub(a, b) | Op::Mul(a, b) | Op::Div(a, b) => vec![a, b],
                Op::Const(_) | Op::Var(_) => vec![],
            };
            if !expanded && kids.iter().any(|k| !done.contains_key(k)) {
                stack.push((j, true));
                stack.extend(kids.into_iter().map(|k| (k, false)));
                continue;
            }
            let t = |k: usize| done[&k].clone();
            let mut txt = match self.ops[j] {
                Op::Const(k) => crate::exact::fmt_rat(&self.consts[k].0),
                Op::Var(v) => vars.get(v).cloned().unwrap_or_default(),
                Op::Neg(a) => format!("-{}", t(a)),
                Op::Add(a, b) => format!("({} + {})", t(a), t(b)),
                Op::Sub(a, b) => format!("({} - {})", t(a), t(b)),
                Op::Mul(a, b) => format!("{}*{}", t(a), t(b)),
                Op::Div(a, b) => format!("{}/{}", t(a), t(b)),
                Op::Pow(a, n) => format!("{}^{n}", t(a)),
                Op::Fun(f, a) => format!("{}({})", f.name(), t(a).trim_start_matches('(').trim_end_matches(')')),
            };
            if txt.chars().count() > max {
                txt = txt.chars().take(max).collect::<String>() + "…";
            }
            done.insert(j, txt);
        }
        let t = done.remove(&i).unwrap_or_default();
        t.strip_prefix('(').and_then(|x| x.strip_suffix(')')).map(str::to_string).unwrap_or(t)
    }

    /// The first instruction that is certainly undefined at the box `x` — `log` or a division, or a
    /// negative power, of an argument certainly ≤ 0 resp. = 0, `sqrt` of one certainly < 0 —
    /// given enclosures of its arguments; `None` when no instruction is certainly undefined.
    pub fn certainly_undefined(&self, x: &[Interval]) -> Option<usize> {
        let mut v: Vec<Interval> = Vec::with_capacity(self.ops.len());
        for (i, op) in self.ops.iter().enumerate() {
            let zero = |a: Interval| a.inf() == 0.0 && a.sup() == 0.0;
            let bad = match *op {
                Op::Div(_, b) => zero(v[b]),
                Op::Pow(a, n) => n < 0 && zero(v[a]),
                Op::Fun(Func::Log, a) => v[a].sup() <= 0.0,
                Op::Fun(Func::Sqrt, a) => v[a].sup() < 0.0,
                _ => false,
            };
            if bad {
                return Some(i);
            }
            // Continue with the natural extension on the defined part (only to find the first bad one).
            let r = match *op {
                Op::Const(k) => self.consts[k].1,
                Op::Var(j) => x[j],
                Op::Neg(a) => -v[a],
                Op::Add(a, b) => v[a] + v[b],
                Op::Sub(a, b) => v[a] - v[b],
                Op::Mul(a, b) => v[a] * v[b],
                Op::Div(a, b) => v[a] / v[b],
                Op::Pow(a, n) => v[a].powi(n),
                Op::Fun(f, a) => f.apply(&Ival::new(v[a])).iv,
            };
            v.push(if r.is_empty() { Interval::ENTIRE } else { r });
        }
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(Rat),
    Ident(String),
    Op(char),
    End,
}

fn err(col: usize, msg: &str) -> String {
    format!("column {col}: {msg}")
}

/// Tokens with their 1-based columns (in characters).
fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s: String = chars[start..i].iter().collect();
            let r = parse_rat(&s).map_err(|e| err(col, &format!("bad number {s:?}: {e}")))?;
            out.push((Tok::Num(r), col));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(chars[start..i].iter().collect()), col));
        } else if "+-*/^()".contains(c) {
            out.push((Tok::Op(c), col));
            i += 1;
        } else {
            return Err(err(col, &format!("unexpected character {c:?}")));
        }
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

/// Recursive descent over the tokens, emitting tape instructions as it goes. The left-associative
/// chains of `+ −` and `* /` are loops, so only nesting (bounded by [`MAX_DEPTH`]) recurses.
struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    vars: &'a [String],
    depth: usize,
    tape: Tape,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn col(&self) -> usize {
        self.toks[self.pos].1
    }

    fn bump(&mut self) -> Tok {
        let t = self.toks[self.pos].0.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if *self.peek() == Tok::Op(c) {
            self.bump();
            Ok(())
        } else {
            Err(err(self.col(), &format!("expected '{c}', found {}", self.describe())))
        }
    }

    fn describe(&self) -> String {
        match self.peek() {
            Tok::Num(r) => format!("number {r}"),
            Tok::Ident(s) => format!("{s:?}"),
            Tok::Op(c) => format!("'{c}'"),
            Tok::End => "the end of the expression".to_string(),
        }
    }

    fn deeper(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(self.col(), &format!("expression nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<usize, String> {
        self.deeper()?;
        let mut a = self.term()?;
        loop {
            match self.peek() {
                Tok::Op('+') => {
                    self.bump();
                    let b = self.term()?;
                    a = self.tape.intern(Op::Add(a, b));
                }
                Tok::Op('-') => {
                    self.bump();
                    let b = self.term()?;
                    a = self.tape.intern(Op::Sub(a, b));
                }
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(a)
    }

    fn term(&mut self) -> Result<usize, String> {
        let mut a = self.unary()?;
        loop {
            match self.peek() {
                Tok::Op('*') => {
                    self.bump();
                    let b = self.unary()?;
                    a = self.tape.intern(Op::Mul(a, b));
                }
                Tok::Op('/') => {
                    self.bump();
                    let b = self.unary()?;
                    a = self.tape.intern(Op::Div(a, b));
                }
                _ => break,
            }
        }
        Ok(a)
    }

    fn unary(&mut self) -> Result<usize, String> {
        if *self.peek() == Tok::Op('-') {
            self.bump();
            self.deeper()?;
            let a = self.unary()?;
            self.depth -= 1;
            return Ok(self.tape.intern(Op::Neg(a)));
        }
        self.power()
    }

    fn power(&mut self) -> Result<usize, String> {
        let a = self.atom()?;
        if *self.peek() != Tok::Op('^') {
            return Ok(a);
        }
        self.bump();
        let col = self.col();
        let paren = *self.peek() == Tok::Op('(');
        if paren {
            self.bump();
        }
        let negative = *self.peek() == Tok::Op('-');
        if negative {
            self.bump();
        }
        let n = match self.bump() {
            Tok::Num(r) if r.is_integer() && r.abs() <= Rat::from_integer(MAX_EXPONENT.into()) => {
                let n: i32 = r.to_integer().try_into().expect("|n| <= MAX_EXPONENT fits i32");
                if negative {
                    -n
                } else {
                    n
                }
            }
            Tok::Num(_) => {
                return Err(err(
                    col,
                    &format!(
                        "exponent must be an integer of absolute value at most {MAX_EXPONENT} (use sqrt for ^0.5)"
                    ),
                ))
            }
            _ => return Err(err(col, "expected an integer exponent after '^'")),
        };
        if paren {
            self.expect(')')?;
        }
        if *self.peek() == Tok::Op('^') {
            return Err(err(self.col(), "chained powers a^b^c are ambiguous: add parentheses"));
        }
        Ok(self.tape.intern(Op::Pow(a, n)))
    }

    fn atom(&mut self) -> Result<usize, String> {
        let col = self.col();
        match self.bump() {
            Tok::Num(r) => Ok(self.tape.constant_op(r)),
            Tok::Op('(') => {
                let a = self.expr()?;
                self.expect(')')?;
                Ok(a)
            }
            Tok::Ident(name) => {
                if let Some(i) = self.vars.iter().position(|v| *v == name) {
                    return Ok(self.tape.intern(Op::Var(i)));
                }
                if let Some(f) = Func::from_name(&name) {
                    self.expect('(')?;
                    let a = self.expr()?;
                    self.expect(')')?;
                    return Ok(self.tape.intern(Op::Fun(f, a)));
                }
                let hint = match name.as_str() {
                    "abs" => {
                        ": |x| is not differentiable at 0 and every theorem here needs f of class C² or C³ \
                         (a smooth stand-in: sqrt(x^2 + 1e-6))"
                    }
                    "pi" | "e" => ": constants are numbers in the grammar (e.g. 3.14159265358979, an exact rational)",
                    _ => "",
                };
                Err(err(
                    col,
                    &format!(
                        "unknown name {name:?}: not a variable ({}) nor a function ({}){hint}",
                        self.vars.join(", "),
                        FUNCTION_NAMES.join(", ")
                    ),
                ))
            }
            // Python's power `x**2`: the '*' just consumed follows another.
            Tok::Op('*') if self.pos >= 2 && self.toks[self.pos - 2].0 == Tok::Op('*') => {
                Err(err(col, "unexpected '*': powers are written x^2, not x**2"))
            }
            Tok::Op(c) => Err(err(col, &format!("unexpected '{c}'"))),
            Tok::End => Err(err(col, "unexpected end of the expression")),
        }
    }
}

/// Parses `text` in the variables `vars` into a [`Tape`]. Errors read `"column N: …"` with the
/// 1-based column (in characters) of the offending token; the texts are those of the engine's
/// parser. The variable names are not validated here ([`check_vars`] does).
pub fn parse_tape(text: &str, vars: &[String]) -> Result<Tape, String> {
    let mut p = Parser { toks: tokenize(text)?, pos: 0, vars, depth: 0, tape: Tape::new() };
    if *p.peek() == Tok::End {
        return Err(err(1, "empty expression"));
    }
    p.expr()?;
    if *p.peek() != Tok::End {
        return Err(err(p.col(), &format!("unexpected {} after a complete expression", p.describe())));
    }
    let mut tape = p.tape;
    // The hash-consing tables are only needed while building.
    tape.seen = HashMap::new();
    tape.const_seen = HashMap::new();
    Ok(tape)
}

/// Checks a list of variable names by the spec's rules: at least one; each an identifier
/// (`[A-Za-z_][A-Za-z0-9_]*`), not a function name, not repeated. On failure returns the index of
/// the offending name (`None` when the list is empty) and the message of the engine's validator.
pub fn check_vars(vars: &[String]) -> Result<(), (Option<usize>, String)> {
    if vars.is_empty() {
        return Err((None, "must list at least one variable name".to_string()));
    }
    for (i, name) in vars.iter().enumerate() {
        let ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err((Some(i), format!("variable names are identifiers like \"x\" or \"w_1\", got {name:?}")));
        }
        if FUNCTION_NAMES.contains(&name.as_str()) {
            return Err((Some(i), format!("{name:?} is a function name, not a variable name")));
        }
        if vars[..i].contains(name) {
            return Err((Some(i), format!("duplicate variable {name:?}")));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The expression and its box evaluation
// ---------------------------------------------------------------------------------------------

/// One distinct third partial derivative ∂³f/∂x_i∂x_j∂x_k, i ≤ j ≤ k ([`Expression::third`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ThirdPartial {
    /// (i, j, k), i ≤ j ≤ k.
    pub index: (usize, usize, usize),
    /// Number of entries of the full d×d×d tensor equal to this one: 1, 3 or 6.
    pub multiplicity: u32,
    /// The enclosure over the box.
    pub value: Ival,
}

/// A parsed expression objective, evaluated over boxes with its first three derivatives.
#[derive(Clone, Debug)]
pub struct Expression {
    /// Variable names, one per coordinate.
    pub vars: Vec<String>,
    /// The source text as written in the spec.
    pub source: String,
    tape: Tape,
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.vars == other.vars && self.source == other.source
    }
}

impl Expression {
    /// Parses `source` in the variables `vars`.
    ///
    /// Errors: a parse error reads `"column N: …"` ([`parse_tape`]); a bad variable list reads
    /// `"vars: …"` (empty list) or `"vars/i: …"` (the i-th name, 0-based), with the messages of
    /// [`check_vars`].
    pub fn parse(vars: &[String], source: &str) -> Result<Expression, String> {
        check_vars(vars).map_err(|(i, msg)| match i {
            Some(i) => format!("vars/{i}: {msg}"),
            None => format!("vars: {msg}"),
        })?;
        let tape = parse_tape(source, vars)?;
        Ok(Expression { vars: vars.to_vec(), source: source.to_string(), tape })
    }

    /// Dimension (number of variables).
    pub fn dim(&self) -> usize {
        self.vars.len()
    }

    /// Why f is certainly not defined at the exact point `p` — "log(y) is not defined at
    /// x = 1/2, y = 0" — or `None` when no sub-expression is certainly undefined there.
    pub fn undefined_at(&self, p: &[Rat]) -> Option<String> {
        let x: Vec<Interval> = p.iter().map(rat_to_interval).collect();
        let i = self.tape.certainly_undefined(&x)?;
        let at: Vec<String> =
            self.vars.iter().zip(p).map(|(v, r)| format!("{v} = {}", crate::exact::fmt_rat(r))).collect();
        Some(format!("{} is not defined at {}", self.tape.text(i, &self.vars, 60), at.join(", ")))
    }

    /// The compiled program.
    pub fn tape(&self) -> &Tape {
        &self.tape
    }

    /// Evaluates f in any [`Num`] at `x` (one number per variable), reusing `buf`.
    /// Enclosure: rigorous when `T`'s operations are. Panics when `x.len() != self.dim()`.
    pub fn eval<T: Num>(&self, x: &[T], buf: &mut Vec<T>) -> T {
        self.check_len(x);
        self.tape.eval(x, buf)
    }

    /// The dimension, after checking that `x` has one entry per variable (a programmer error
    /// otherwise: panics).
    fn check_len<T>(&self, x: &[T]) -> usize {
        assert_eq!(x.len(), self.dim(), "an evaluation point needs one number per variable");
        self.dim()
    }

    /// Encloses f over the box `x`.
    ///
    /// Enclosure: rigorous: when the result is defined, f is defined and smooth on the whole box
    /// and its interval contains f(ξ) for every ξ in the box; an undefined input or a domain
    /// violation (module documentation) gives [`Ival::UNDEFINED`]. Tightness: natural interval
    /// extension (tight up to rounding when every variable occurs once).
    pub fn value(&self, x: &[Ival]) -> Ival {
        let v = self.eval(x, &mut Vec::new());
        finish(v.defined(), v.iv)
    }

    /// Whether f is defined and smooth on the whole box by the domain rule (the definedness of
    /// [`Expression::value`]). Conservative: false may also mean "could not tell".
    pub fn defined(&self, x: &[Ival]) -> bool {
        self.value(x).defined
    }

    /// Encloses ∇f over the box `x` (one interval per variable; panics on a wrong length), by d
    /// forward passes of [`Dual`]`<Ival>`.
    ///
    /// Enclosure: rigorous: each entry, when defined, contains ∂f/∂x_i(ξ) for every ξ in the box;
    /// every entry is undefined when f is (the whole pass's definedness counts, value included).
    /// Tightness: natural interval extension of the forward-mode recurrences.
    pub fn gradient(&self, x: &[Ival]) -> Vec<Ival> {
        let d = self.check_len(x);
        let mut buf = Vec::new();
        let mut seeds: Vec<Dual<Ival>> = x.iter().map(|&xi| Dual::new(xi, Ival::new(ZERO))).collect();
        (0..d)
            .map(|i| {
                seeds[i].d = Ival::new(ONE);
                let r = self.eval(&seeds, &mut buf);
                seeds[i].d = Ival::new(ZERO);
                finish(r.defined(), r.d.iv)
            })
            .collect()
    }

    /// Encloses the Hessian ∇²f over the box `x` as a full symmetric matrix, by one forward pass
    /// of [`Dual`]`<Dual<Ival>>` per pair i ≤ j (the lower triangle is a copy).
    ///
    /// Enclosure: rigorous (as [`Expression::gradient`]). Tightness: natural interval extension of
    /// the second-order forward-mode recurrences.
    pub fn hessian(&self, x: &[Ival]) -> Vec<Vec<Ival>> {
        let d = self.check_len(x);
        let mut h = vec![vec![Ival::UNDEFINED; d]; d];
        let mut buf = Vec::new();
        for (i, j) in (0..d).flat_map(|i| (i..d).map(move |j| (i, j))) {
            let seeds: Vec<Dual<Dual<Ival>>> =
                (0..d).map(|k| Dual::new(Dual::new(x[k], delta(i, k)), Dual::new(delta(j, k), zero()))).collect();
            let r = self.eval(&seeds, &mut buf);
            let e = finish(r.defined(), r.d.d.iv);
            h[i][j] = e;
            h[j][i] = e;
        }
        h
    }

    /// Encloses the d(d+1)(d+2)/6 distinct third partial derivatives ∂³f/∂x_i∂x_j∂x_k, i ≤ j ≤ k,
    /// in lexicographic order, each with its multiplicity in the full tensor, by one forward pass
    /// of [`Dual`]`<Dual<Dual<Ival>>>` per triple.
    ///
    /// Enclosure: rigorous (as [`Expression::gradient`]). Tightness: natural interval extension of
    /// the third-order forward-mode recurrences.
    pub fn third(&self, x: &[Ival]) -> Vec<ThirdPartial> {
        let d = self.check_len(x);
        let mut out = Vec::with_capacity(d * (d + 1) * (d + 2) / 6);
        let mut buf = Vec::new();
        for i in 0..d {
            for j in i..d {
                for k in j..d {
                    let seeds: Vec<Dual<Dual<Dual<Ival>>>> = (0..d)
                        .map(|m| {
                            let inner = Dual::new(Dual::new(x[m], delta(i, m)), Dual::new(delta(j, m), zero()));
                            let outer = Dual::new(Dual::new(delta(k, m), zero()), Dual::new(zero(), zero()));
                            Dual::new(inner, outer)
                        })
                        .collect();
                    let r = self.eval(&seeds, &mut buf);
                    let multiplicity = if i == j && j == k {
                        1
                    } else if i == j || j == k {
                        3
                    } else {
                        6
                    };
                    out.push(ThirdPartial { index: (i, j, k), multiplicity, value: finish(r.defined(), r.d.d.d.iv) });
                }
            }
        }
        out
    }
}

fn zero() -> Ival {
    Ival::new(ZERO)
}

/// The seed δ_ik.
fn delta(i: usize, k: usize) -> Ival {
    Ival::new(if i == k { ONE } else { ZERO })
}

/// An output: `iv` when the whole pass was defined, else undefined.
fn finish(defined: bool, iv: Interval) -> Ival {
    Ival::checked(iv, defined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exact::rat;
    use std::time::Instant;

    type I = Interval;

    fn vars(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn q(s: &str) -> Rat {
        parse_rat(s).unwrap()
    }

    /// The exact value of a finite f64.
    fn exact(f: f64) -> Rat {
        Rat::from_float(f).unwrap()
    }

    /// Whether r ∈ x, decided exactly.
    fn contains_rat(x: &I, r: &Rat) -> bool {
        !x.is_empty()
            && (x.inf() == f64::NEG_INFINITY || exact(x.inf()) <= *r)
            && (x.sup() == f64::INFINITY || *r <= exact(x.sup()))
    }

    /// `e` is defined, contains `r` and is narrower than `rel`·max(1, |r|).
    fn assert_encloses(e: Ival, r: &Rat, rel: f64, what: &str) {
        assert!(e.defined, "{what}: undefined");
        assert!(contains_rat(&e.iv, r), "{what}: {:?} does not contain {r}", e.iv);
        let scale = num_traits::ToPrimitive::to_f64(&r.abs()).unwrap().max(1.0);
        assert!(e.iv.wid() <= rel * scale, "{what}: {:?} is too wide", e.iv);
    }

    fn point(r: &Rat) -> Ival {
        Ival::new(rat_to_interval(r))
    }

    fn boxed(lo: f64, hi: f64) -> Ival {
        Ival::from_bounds(lo, hi)
    }

    fn parse_err(text: &str) -> String {
        match Expression::parse(&vars(&["x", "y"]), text) {
            Err(msg) => msg,
            Ok(_) => panic!("{text:?} should not parse"),
        }
    }

    fn expr(v: &[&str], text: &str) -> Expression {
        Expression::parse(&vars(v), text).unwrap()
    }

    // --- rat_to_interval ----------------------------------------------------------------------

    #[test]
    fn errors_point_at_the_column_with_the_engine_texts() {
        assert_eq!(parse_err("0.5*x^2 + cos(y"), "column 16: expected ')', found the end of the expression");
        assert_eq!(parse_err("x + * y"), "column 5: unexpected '*'");
        assert_eq!(parse_err("x**2"), "column 3: unexpected '*': powers are written x^2, not x**2");
        assert!(parse_err("abs(x)").ends_with("(a smooth stand-in: sqrt(x^2 + 1e-6))"));
        assert!(parse_err("x + pi").contains("constants are numbers in the grammar"));
        assert_eq!(
            parse_err("x + foo(y)"),
            "column 5: unknown name \"foo\": not a variable (x, y) nor a function (exp, log, sqrt, sin, cos, tanh, \
             sigma)"
        );
        assert_eq!(parse_err("(x + y"), "column 7: expected ')', found the end of the expression");
        assert_eq!(
            parse_err("x^0.5"),
            "column 3: exponent must be an integer of absolute value at most 64 (use sqrt for ^0.5)"
        );
        assert_eq!(
            parse_err("x^65"),
            "column 3: exponent must be an integer of absolute value at most 64 (use sqrt for ^0.5)"
        );
        assert_eq!(parse_err("x^y"), "column 3: expected an integer exponent after '^'");
        assert_eq!(parse_err("x^(-2"), "column 6: expected ')', found the end of the expression");
        assert_eq!(parse_err("x $ y"), "column 3: unexpected character '$'");
        assert_eq!(parse_err(""), "column 1: empty expression");
        assert_eq!(parse_err("   "), "column 1: empty expression");
        assert_eq!(parse_err("x y"), "column 3: unexpected \"y\" after a complete expression");
        assert_eq!(parse_err("x^2^3"), "column 4: chained powers a^b^c are ambiguous: add parentheses");
        assert_eq!(parse_err("exp x"), "column 5: expected '(', found \"x\"");
        assert_eq!(parse_err("x + "), "column 5: unexpected end of the expression");
        assert!(parse_err("1.2.3").starts_with("column 1: bad number \"1.2.3\": "), "{}", parse_err("1.2.3"));
        assert_eq!(parse_err("(x) 2"), "column 5: unexpected number 2 after a complete expression");
        // Nesting: the whole expression is level 1, each parenthesis, call or minus one more.
        let nested = |k: usize| format!("{}x{}", "(".repeat(k), ")".repeat(k));
        assert!(Expression::parse(&vars(&["x"]), &nested(MAX_DEPTH - 1)).is_ok());
        assert_eq!(
            parse_err(&nested(MAX_DEPTH)),
            format!("column {}: expression nested deeper than 200 levels", MAX_DEPTH + 1)
        );
        assert!(parse_err(&"(".repeat(500)).contains("nested deeper"));
        assert!(Expression::parse(&vars(&["x"]), &format!("{}x", "-".repeat(MAX_DEPTH - 1))).is_ok());
        assert!(parse_err(&format!("{}x", "-".repeat(MAX_DEPTH))).contains("nested deeper"));
    }

    #[test]
    fn variable_lists_follow_the_spec_rules() {
        let e = |v: &[&str]| Expression::parse(&vars(v), "1").unwrap_err();
        assert_eq!(e(&[]), "vars: must list at least one variable name");
        assert_eq!(e(&["x", "log"]), "vars/1: \"log\" is a function name, not a variable name");
        assert_eq!(e(&["x", "y", "x"]), "vars/2: duplicate variable \"x\"");
        assert_eq!(e(&["2x"]), "vars/0: variable names are identifiers like \"x\" or \"w_1\", got \"2x\"");
        assert_eq!(e(&["x-y"]), "vars/0: variable names are identifiers like \"x\" or \"w_1\", got \"x-y\"");
        assert_eq!(e(&[""]), "vars/0: variable names are identifiers like \"x\" or \"w_1\", got \"\"");
        assert!(Expression::parse(&vars(&["w_1", "_b", "sigma2"]), "w_1*_b + sigma2").is_ok());
    }

    #[test]
    fn numbers_are_exact_and_precedence_is_usual() {
        let v = |text: &str| expr(&["x"], text).value(&[Ival::point(3.0)]);
        // 1 − 2 − 3 is left-associative; 2/4/2 too; −x² is −(x²); 2^−1 = 1/2.
        assert_eq!(v("1 - 2 - 3").iv, int_interval(-4));
        assert_eq!(v("2/4/2").iv, Ival::point(0.25).iv);
        assert_eq!(v("-x^2").iv, int_interval(-9));
        assert_eq!(v("(-x)^2").iv, int_interval(9));
        assert_encloses(v("2^-1 + x^(-1)*3 + x^(2)"), &q("10.5"), 1e-14, "powers");
        assert_eq!(v("x^0 + x^2.0 + x^1e1").iv, int_interval(1 + 9 + 59049));
        assert_eq!(v("2*-x").iv, int_interval(-6));
        // 4e-1 = 2/5 is not dyadic: the result is two adjacent floats around 2·9/(2/5) = 45.
        let r = v("2*3^2/4e-1");
        assert_encloses(r, &rat(45), 1e-14, "2*3^2/4e-1");
        assert!(!r.iv.is_singleton());
        // 0.1 is exactly 1/10: 0.1·30 encloses 3 (and 1/10 is not an f64).
        assert_encloses(v("0.1*x*10"), &rat(3), 1e-14, "0.1*x*10");
    }

    #[test]
    fn identical_subterms_share_one_instruction() {
        // x, sin(x), sin(x)·sin(x), + sin(x): four instructions; y·x and x·y are two.
        let e = expr(&["x", "y"], "sin(x)*sin(x) + sin(x)");
        assert_eq!(e.tape().len(), 4);
        assert_eq!(e.tape().ops()[3], Op::Add(2, 1));
        assert_eq!(expr(&["x", "y"], "x*y + y*x").tape().len(), 5);
        // Equal constants are one, whatever their spelling: 0.5 and 5e-1 (1/2 is a division).
        let e = expr(&["x"], "0.5*x + 1/2*x + 5e-1*x");
        let consts = e.tape().ops().iter().filter(|op| matches!(op, Op::Const(_))).count();
        // 0.5 = 5e-1 is one constant, the 1 and 2 of 1/2 two more.
        assert_eq!(consts, 3);
        assert_eq!(e.tape().constant(0).0, &q("1/2"));
    }

    // --- exact polynomial ----------------------------------------------------------------------

    #[test]
    fn exact_polynomial_derivatives_are_contained_and_tight() {
        // f = x³y − 2xy² + 7/3, by hand:
        // f_x = 3x²y − 2y², f_y = x³ − 4xy,
        // f_xx = 6xy, f_xy = 3x² − 4y, f_yy = −4x,
        // f_xxx = 6y, f_xxy = 6x, f_xyy = −4, f_yyy = 0.
        let e = expr(&["x", "y"], "x^3*y - 2*x*y^2 + 7/3");
        let points = [("3/7", "-5/11"), ("1.25", "2"), ("-13/9", "0.1"), ("100/3", "-1e-3")];
        for (xs, ys) in points {
            let (x, y) = (q(xs), q(ys));
            let b = [point(&x), point(&y)];
            let f = &x * &x * &x * &y - rat(2) * &x * &y * &y + q("7/3");
            assert_encloses(e.value(&b), &f, 1e-12, "f");
            let g = e.gradient(&b);
            let gx = rat(3) * &x * &x * &y - rat(2) * &y * &y;
            let gy = &x * &x * &x - rat(4) * &x * &y;
            assert_encloses(g[0], &gx, 1e-12, "f_x");
            assert_encloses(g[1], &gy, 1e-12, "f_y");
            let h = e.hessian(&b);
            let hxy = rat(3) * &x * &x - rat(4) * &y;
            assert_encloses(h[0][0], &(rat(6) * &x * &y), 1e-12, "f_xx");
            assert_encloses(h[0][1], &hxy, 1e-12, "f_xy");
            assert_encloses(h[1][0], &hxy, 1e-12, "f_yx");
            assert_encloses(h[1][1], &(rat(-4) * &x), 1e-12, "f_yy");
            let t = e.third(&b);
            let want = [
                ((0, 0, 0), 1, rat(6) * &y),
                ((0, 0, 1), 3, rat(6) * &x),
                ((0, 1, 1), 3, rat(-4)),
                ((1, 1, 1), 1, rat(0)),
            ];
            assert_eq!(t.len(), 4);
            for (tp, (idx, mult, val)) in t.iter().zip(&want) {
                assert_eq!((tp.index, tp.multiplicity), (*idx, *mult));
                assert_encloses(tp.value, val, 1e-12, &format!("third {idx:?}"));
            }
            // A slightly wrong value is not contained: the test can fail.
            assert!(!contains_rat(&g[0].iv, &(&gx + q("1e-9"))));
            assert!(!contains_rat(&t[1].value.iv, &(rat(6) * &x + q("1e-9"))));
        }
        // At a dyadic point every step is exact: point enclosures.
        let b = [Ival::point(1.25), Ival::point(2.0)];
        assert!(e.gradient(&b).iter().all(|g| g.iv.is_singleton()));
        assert!(e.hessian(&b).iter().flatten().all(|h| h.iv.is_singleton()));
    }

    #[test]
    fn third_partials_of_three_variables_have_multiplicities() {
        // f = x·y·z + x²z: f_xyz = 1 (multiplicity 6), f_xxz = 2 (3), the rest 0.
        let e = expr(&["x", "y", "z"], "x*y*z + x^2*z");
        let t = e.third(&[Ival::point(0.3), Ival::point(-1.7), Ival::point(2.5)]);
        assert_eq!(t.len(), 10);
        assert_eq!(t.iter().map(|p| p.multiplicity).sum::<u32>(), 27);
        for p in &t {
            let want = match p.index {
                (0, 1, 2) => 1,
                (0, 0, 2) => 2,
                _ => 0,
            };
            assert_encloses(p.value, &rat(want), 1e-15, &format!("{:?}", p.index));
        }
        assert_eq!(t.iter().find(|p| p.index == (0, 1, 2)).unwrap().multiplicity, 6);
    }

    // --- transcendental closed forms -----------------------------------------------------------

    /// Derivatives of order 0..=3 of a one-variable expression at a point.
    fn derivs(text: &str, x: f64) -> [Ival; 4] {
        let e = expr(&["x"], text);
        let b = [Ival::point(x)];
        [e.value(&b), e.gradient(&b)[0], e.hessian(&b)[0][0], e.third(&b)[0].value]
    }

    /// Each enclosure contains the high-precision value (exactly, as a 30-digit rational: the
    /// enclosures are ~1e-16 wide, far wider than its error) and is narrower than 1e-13 relative.
    fn assert_derivs(text: &str, x: f64, want: [&str; 4]) {
        for (k, (got, w)) in derivs(text, x).into_iter().zip(want).enumerate() {
            assert_encloses(got, &q(w), 1e-13, &format!("{text}, derivative {k} at {x}"));
        }
    }

    #[test]
    fn transcendental_derivatives_match_high_precision_values() {
        // Values by mpmath (mp.dps = 50) from the closed forms, cross-checked by mpmath.diff (numerical
        // differentiation at high precision, agreeing to 1e-50); not from this program.
        // softplus(x) = log(1 + e^x): ', '', ''' = σ, σ(1 − σ), σ(1 − σ)(1 − 2σ) at x = 0.75.
        assert_derivs(
            "log(1 + exp(x))",
            0.75,
            [
                "1.136871006114899943669840269214022908669",
                "0.6791786991753929731596801157765790212342",
                "0.2178949937618140294802505001641741231135",
                "-0.07808428307814440894942689029638042724178",
            ],
        );
        // σ itself at x = 0.75: σ, σ(1 − σ), σ(1 − σ)(1 − 2σ), σ(1 − σ)(1 − 6σ + 6σ²).
        assert_derivs(
            "sigma(x)",
            0.75,
            [
                "0.6791786991753929731596801157765790212342",
                "0.2178949937618140294802505001641741231135",
                "-0.07808428307814440894942689029638042724178",
                "-0.06697437607695181945272490937167237866160",
            ],
        );
        // tanh at x = −0.375: t, 1 − t², −2t(1 − t²), −2(1 − t²)(1 − 3t²).
        assert_derivs(
            "tanh(x)",
            -0.375,
            [
                "-0.3583573983507859463193602315531580424684",
                "0.8715799750472561179210020006566964924542",
                "0.6246742646251552715954151223710434179342",
                "-1.071590017231229111243598549946758058586",
            ],
        );
        // log at x = 1.5: ln 1.5, 1/x, −1/x², 2/x³ (exact rationals for the derivatives).
        assert_derivs("log(x)", 1.5, ["0.4054651081081643819780131154643491365720", "2/3", "-4/9", "16/27"]);
        // sqrt at x = 2: √2, 1/(2√2), −1/(4·2^{3/2}), 3/(8·2^{5/2}).
        assert_derivs(
            "sqrt(x)",
            2.0,
            [
                "1.414213562373095048801688724209698078570",
                "0.3535533905932737622004221810524245196424",
                "-0.08838834764831844055010554526310612991060",
                "0.06629126073623883041257915894732959743295",
            ],
        );
        // sin, cos, exp at x = 1: sin 1, cos 1, −sin 1, −cos 1; cos 1, −sin 1, −cos 1, sin 1.
        let (s1, c1) = ("0.8414709848078965066525023216302989996226", "0.5403023058681397174009366074429766037323");
        let neg = |s: &str| format!("-{s}");
        let (ns1, nc1) = (neg(s1), neg(c1));
        assert_derivs("sin(x)", 1.0, [s1, c1, &ns1, &nc1]);
        assert_derivs("cos(x)", 1.0, [c1, &ns1, &nc1, s1]);
        let e1 = "2.718281828459045235360287471352662497757";
        assert_derivs("exp(x)", 1.0, [e1, e1, e1, e1]);
        // x^-3 at x = 0.5: 8, −3x⁻⁴ = −48, 12x⁻⁵ = 384, −60x⁻⁶ = −3840 (exact).
        assert_derivs("x^-3", 0.5, ["8", "-48", "384", "-3840"]);
        // σ(x) = (1 + tanh(x/2))/2: the two forms agree (both contain σ'''(0.75)).
        let via_tanh = derivs("(1 + tanh(x/2))/2", 0.75);
        assert!(contains_rat(&via_tanh[3].iv, &q("-0.06697437607695181945272490937167237866160")));
        // A wrong value is not contained: the test can fail.
        assert!(!contains_rat(&derivs("tanh(x)", -0.375)[2].iv, &q("0.62467426462515")));
    }

    #[test]
    fn mixed_partials_of_a_transcendental_function() {
        // f = sqrt(x)*sin(y) + exp(x*y)/(1 + y^2) at (0.5, 1.25), by mpmath (mp.dps = 50) from the
        // closed forms, cross-checked by mpmath.diff: f, f_x, f_y, f_xx, f_xy, f_yy, f_xxy.
        let e = expr(&["x", "y"], "sqrt(x)*sin(y) + exp(x*y)/(1 + y^2)");
        let b = [Ival::point(0.5), Ival::point(1.25)];
        let want = |s: &str| q(s);
        assert_encloses(e.value(&b), &want("1.400105052732351508563623249962543819414"), 1e-13, "f");
        let g = e.gradient(&b);
        assert_encloses(g[0], &want("1.582372951018421987246729164127236936791"), 1e-13, "f_x");
        assert_encloses(g[1], &want("-0.1237869818835556484297779491328804077772"), 1e-13, "f_y");
        let h = e.hessian(&b);
        assert_encloses(h[0][0], &want("0.4681409046998708979382123702255606337012"), 1e-13, "f_xx");
        assert_encloses(h[0][1], &want("0.5185962206124732337582416751792697254176"), 1e-13, "f_xy");
        assert_encloses(h[1][0], &want("0.5185962206124732337582416751792697254176"), 1e-13, "f_yx");
        assert_encloses(h[1][1], &want("-0.3812047313794637702024416465088726570150"), 1e-13, "f_yy");
        let t = e.third(&b);
        assert_eq!(t[1].index, (0, 0, 1));
        assert_encloses(t[1].value, &want("1.057909960599666851680695759226932634335"), 1e-13, "f_xxy");
    }

    // --- boxes ----------------------------------------------------------------------------------

    #[test]
    fn box_enclosures_contain_sampled_values_and_gradients() {
        let text = "log(1 + exp(x - 2*y)) + sigma(x*y) + sqrt(2 + x)/(3 - y) + tanh(x)^3 + sin(x)*cos(y) - x^-2";
        let e = expr(&["x", "y"], text);
        let (xl, xh, yl, yh) = (0.4, 0.9, -0.5, 0.8);
        let b = [boxed(xl, xh), boxed(yl, yh)];
        let (v, g) = (e.value(&b), e.gradient(&b));
        assert!(v.defined && g.iter().all(|g| g.defined && g.iv.wid() < 100.0));
        let s = |t: f64| 1.0 / (1.0 + (-t).exp());
        let widen = |x: I, r: f64| {
            let m = 1e-12 * r.abs().max(1.0);
            I::try_from((x.inf() - m, x.sup() + m)).unwrap()
        };
        let mut seed = 12345u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..100 {
            let x = xl + (xh - xl) * next();
            let y = yl + (yh - yl) * next();
            let (u, sig, th) = (x - 2.0 * y, s(x * y), x.tanh());
            let f =
                (1.0 + u.exp()).ln() + sig + (2.0 + x).sqrt() / (3.0 - y) + th.powi(3) + x.sin() * y.cos() - x.powi(-2);
            let fx = s(u)
                + sig * (1.0 - sig) * y
                + 0.5 / (2.0 + x).sqrt() / (3.0 - y)
                + 3.0 * th * th * (1.0 - th * th)
                + x.cos() * y.cos()
                + 2.0 * x.powi(-3);
            let fy =
                -2.0 * s(u) + sig * (1.0 - sig) * x + (2.0 + x).sqrt() / ((3.0 - y) * (3.0 - y)) - x.sin() * y.sin();
            assert!(widen(v.iv, f).contains(f), "f({x}, {y}) = {f} not in {:?}", v.iv);
            assert!(widen(g[0].iv, fx).contains(fx), "f_x({x}, {y}) = {fx} not in {:?}", g[0].iv);
            assert!(widen(g[1].iv, fy).contains(fy), "f_y({x}, {y}) = {fy} not in {:?}", g[1].iv);
            // The point evaluation is tight and inside the box one.
            let p = e.value(&[Ival::point(x), Ival::point(y)]);
            assert!(p.iv.subset(v.iv) && p.iv.wid() < 1e-13 && widen(p.iv, f).contains(f));
        }
        // A narrower box gives a narrower enclosure, inside the wide one.
        let inner = e.value(&[boxed(0.6, 0.61), boxed(0.1, 0.11)]);
        assert!(inner.iv.subset(v.iv) && inner.iv.wid() < v.iv.wid() / 10.0);
    }

    /// The first sub-expression certainly undefined at a point, by name; none where every one is
    /// defined (or only not smooth, like sqrt at 0).
    #[test]
    fn undefined_sub_expressions_are_named() {
        let v: Vec<String> = vec!["x".into(), "y".into()];
        let e = |f: &str| Expression::parse(&v, f).unwrap();
        let at = |f: &str, x: &str, y: &str| e(f).undefined_at(&[q(x), q(y)]);
        assert_eq!(at("x^2 + 0*log(y)", "1", "0").unwrap(), "log(y) is not defined at x = 1, y = 0");
        assert_eq!(at("x + 1/(y - 1/2)", "0", "1/2").unwrap(), "1/(y - 1/2) is not defined at x = 0, y = 1/2");
        assert_eq!(at("sqrt(x - 2) + y", "1", "0").unwrap(), "sqrt(x - 2) is not defined at x = 1, y = 0");
        assert_eq!(at("(x + y)^-2", "1", "-1").unwrap(), "(x + y)^-2 is not defined at x = 1, y = -1");
        assert_eq!(at("sqrt(x) + log(y)", "0", "1"), None);
        assert_eq!(at("log(x^2 + 1)", "0", "0"), None);
    }

    #[test]
    fn definedness_propagates_through_every_operation() {
        let v = vars(&["x", "y"]);
        let b = [boxed(0.5, 1.0), boxed(-1.0, 1.0)];
        for text in [
            "x^2 + y^2 + 1/0",
            "x^2 + y^2 + log(0)",
            "x^2 + y^2 + sqrt(-1)",
            "x^2 + y^2 + 0*log(y)",
            "log(y)",
            "1/y",
            "y^-2",
            "sqrt(y + 1)",
            "x + sqrt(y)*0",
            "exp(-1/y)",
        ] {
            let e = Expression::parse(&v, text).unwrap();
            assert!(!e.defined(&b), "{text} must be undefined on the box");
            assert_eq!(e.value(&b), Ival::UNDEFINED, "{text}");
            assert!(e.gradient(&b).iter().all(|g| *g == Ival::UNDEFINED), "{text}");
            assert!(e.hessian(&b).iter().flatten().all(|h| *h == Ival::UNDEFINED), "{text}");
            assert!(e.third(&b).iter().all(|t| t.value == Ival::UNDEFINED), "{text}");
        }
        for text in ["log(y + 2)", "sqrt(y + 2)", "1/(y^2 + 1)", "x^-2 + log(x) + sqrt(x)", "y^0", "sigma(1/x)"] {
            let e = Expression::parse(&v, text).unwrap();
            assert!(e.defined(&b), "{text} must be defined on the box");
            let all: Vec<Ival> = e
                .gradient(&b)
                .into_iter()
                .chain(e.hessian(&b).into_iter().flatten())
                .chain(e.third(&b).into_iter().map(|t| t.value))
                .collect();
            assert!(all.iter().all(|a| a.defined && a.iv.is_common_interval()), "{text}: {all:?}");
        }
        // log of a negative box: 1/y is defined there, but the gradient of log(y) must not be.
        let neg = [boxed(0.5, 1.0), boxed(-1.0, -0.5)];
        let e = Expression::parse(&v, "x + 0*log(y)").unwrap();
        assert!(!e.defined(&neg));
        assert!(e.gradient(&neg).iter().all(|g| !g.defined));
        // sqrt at a box reaching 0 from above is undefined (its derivative is not bounded).
        let e = Expression::parse(&v, "sqrt(x - 0.5)").unwrap();
        assert!(!e.defined(&b) && e.defined(&[boxed(0.75, 1.0), b[1]]));
        // An undefined input makes everything undefined.
        let e = Expression::parse(&v, "0*x + 1").unwrap();
        assert!(!e.defined(&[Ival::UNDEFINED, b[1]]) && e.defined(&b));
        assert_eq!(e.value(&b).iv, ONE);
    }

    // --- size -----------------------------------------------------------------------------------

    #[test]
    fn long_sums_are_linear_and_do_not_recurse() {
        let v = vars(&["x", "y"]);
        let sum = |n: usize| vec!["x"; n].join("+");
        let start = Instant::now();
        let e = Expression::parse(&v, &sum(3000)).unwrap();
        let t3000 = start.elapsed();
        assert!(t3000.as_secs_f64() < 2.0, "3000 terms took {t3000:?}");
        assert_eq!(e.tape().len(), 3000);
        let e = Expression::parse(&v, &sum(15_000)).unwrap();
        // x and 14 999 additions, each referring to the previous one.
        assert_eq!(e.tape().len(), 15_000);
        let x = q("1/3");
        let b = [point(&x), Ival::point(2.0)];
        assert_encloses(e.value(&b), &rat(5000), 1e-10, "15000·(1/3)");
        let g = e.gradient(&b);
        assert_eq!(g[0].iv, int_interval(15_000));
        assert_eq!(g[1].iv, ZERO);
        let h = e.hessian(&b);
        assert!(h.iter().flatten().all(|h| h.iv == ZERO));
        // Long products and differences too.
        let e = Expression::parse(&v, &vec!["y"; 15_000].join("*")).unwrap();
        assert_eq!(e.value(&[b[0], Ival::point(1.0)]).iv, ONE);
        let e = Expression::parse(&v, &format!("x{}", "-x".repeat(15_000))).unwrap();
        assert_encloses(e.value(&b), &(rat(-14_999) * &x), 1e-10, "x − 15000x");
    }
}
