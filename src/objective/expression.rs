//! Expression objectives: `"f": "0.5*x^2 + log(1 + exp(-y))"` parsed into an exact syntax tree,
//! differentiated symbolically (gradient, Hessian, third derivative) and evaluated over boxes with
//! inari.
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
//! Numbers are exact rationals (`0.5` is 1/2, `1e-3` is 1/1000); functions are `exp log sqrt sin
//! cos tanh sigma` (σ(t) = 1/(1 + e^{−t})). Powers are integer powers only (`x^0.5` is an error:
//! write `sqrt(x)`); `-x^2` is −(x²).
//!
//! # Domains
//! Interval evaluation returns the whole real line (so every bound is +∞ and every decision
//! inconclusive) wherever the expression is not defined and smooth on the whole box: `log` of an
//! interval reaching 0, `sqrt` of an interval reaching 0, a division or negative power by an
//! interval containing 0. It never evaluates on the defined part only.
//!
//! Enclosure: rigorous (inari, outward rounding; constants enter through
//! [`crate::enclose::rat_to_interval`]). Tightness: natural interval extension of the
//! symbolically differentiated expressions, with common subexpressions shared.

use crate::enclose::rat_to_interval;
use crate::enclose::taylor::SeriesMap;
use crate::exact::{fmt_rat, parse_rat, Rat};
use crate::{Error, Result};
use inari::{const_interval, Interval};
use num_traits::{Signed, Zero};
use std::collections::HashMap;
use std::fmt;

/// The JSON pointer of the expression text in a spec.
pub const POINTER: &str = "/objective/f";

/// Largest |exponent| accepted in `x^n`.
pub const MAX_EXPONENT: i32 = 64;

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
    const ALL: [(&'static str, Func); 7] = [
        ("exp", Func::Exp),
        ("log", Func::Log),
        ("sqrt", Func::Sqrt),
        ("sin", Func::Sin),
        ("cos", Func::Cos),
        ("tanh", Func::Tanh),
        ("sigma", Func::Sigma),
    ];

    fn name(self) -> &'static str {
        Func::ALL.iter().find(|(_, f)| *f == self).map(|(n, _)| *n).expect("every Func is in ALL")
    }
}

/// Syntax tree with exact rational constants.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    /// An exact constant.
    Num(Rat),
    /// Coordinate `i` (index into `vars`).
    Var(usize),
    /// −a.
    Neg(Box<Expr>),
    /// a + b.
    Add(Box<Expr>, Box<Expr>),
    /// a − b.
    Sub(Box<Expr>, Box<Expr>),
    /// a · b.
    Mul(Box<Expr>, Box<Expr>),
    /// a / b.
    Div(Box<Expr>, Box<Expr>),
    /// aⁿ, n an integer.
    Pow(Box<Expr>, i32),
    /// A function applied to a.
    Fun(Func, Box<Expr>),
}

fn num(r: Rat) -> Expr {
    Expr::Num(r)
}

fn int(n: i64) -> Expr {
    Expr::Num(Rat::from_integer(n.into()))
}

fn as_num(e: &Expr) -> Option<&Rat> {
    match e {
        Expr::Num(r) => Some(r),
        _ => None,
    }
}

fn is_val(e: &Expr, v: i64) -> bool {
    as_num(e).is_some_and(|r| *r == Rat::from_integer(v.into()))
}

// Smart constructors: exact constant folding and the identities 0 + a, 1·a, a^1, a^0.
fn neg(a: Expr) -> Expr {
    match a {
        Expr::Num(r) => num(-r),
        Expr::Neg(x) => *x,
        a => Expr::Neg(Box::new(a)),
    }
}

fn add(a: Expr, b: Expr) -> Expr {
    match (a, b) {
        (Expr::Num(x), Expr::Num(y)) => num(x + y),
        (a, b) if is_val(&a, 0) => b,
        (a, b) if is_val(&b, 0) => a,
        (a, Expr::Neg(b)) => sub(a, *b),
        (a, b) => Expr::Add(Box::new(a), Box::new(b)),
    }
}

fn sub(a: Expr, b: Expr) -> Expr {
    match (a, b) {
        (Expr::Num(x), Expr::Num(y)) => num(x - y),
        (a, b) if is_val(&b, 0) => a,
        (a, b) if is_val(&a, 0) => neg(b),
        (a, Expr::Neg(b)) => add(a, *b),
        (a, b) => Expr::Sub(Box::new(a), Box::new(b)),
    }
}

fn mul(a: Expr, b: Expr) -> Expr {
    match (a, b) {
        (Expr::Num(x), Expr::Num(y)) => num(x * y),
        (a, _) if is_val(&a, 0) => int(0),
        (_, b) if is_val(&b, 0) => int(0),
        (a, b) if is_val(&a, 1) => b,
        (a, b) if is_val(&b, 1) => a,
        (a, b) if is_val(&a, -1) => neg(b),
        (a, b) if is_val(&b, -1) => neg(a),
        (a, b) => Expr::Mul(Box::new(a), Box::new(b)),
    }
}

fn div(a: Expr, b: Expr) -> Expr {
    match (a, b) {
        (Expr::Num(x), Expr::Num(y)) if !y.is_zero() => num(x / y),
        (a, _) if is_val(&a, 0) => int(0),
        (a, b) if is_val(&b, 1) => a,
        (a, b) => Expr::Div(Box::new(a), Box::new(b)),
    }
}

fn pow(a: Expr, n: i32) -> Expr {
    match (a, n) {
        (_, 0) => int(1),
        (a, 1) => a,
        (Expr::Num(x), n) if n > 0 || !x.is_zero() => num(num_traits::pow::Pow::pow(&x, n)),
        (a, n) => Expr::Pow(Box::new(a), n),
    }
}

fn fun(f: Func, a: Expr) -> Expr {
    Expr::Fun(f, Box::new(a))
}

impl Expr {
    /// ∂/∂x_v, simplified by exact constant folding. Enclosure: exact (symbolic).
    pub fn diff(&self, v: usize) -> Expr {
        match self {
            Expr::Num(_) => int(0),
            Expr::Var(i) => int(i64::from(*i == v)),
            Expr::Neg(a) => neg(a.diff(v)),
            Expr::Add(a, b) => add(a.diff(v), b.diff(v)),
            Expr::Sub(a, b) => sub(a.diff(v), b.diff(v)),
            Expr::Mul(a, b) => add(mul(a.diff(v), (**b).clone()), mul((**a).clone(), b.diff(v))),
            Expr::Div(a, b) => {
                let (da, db) = (a.diff(v), b.diff(v));
                sub(div(da, (**b).clone()), div(mul((**a).clone(), db), pow((**b).clone(), 2)))
            }
            Expr::Pow(a, n) => mul(mul(int(i64::from(*n)), pow((**a).clone(), n - 1)), a.diff(v)),
            Expr::Fun(f, a) => {
                let da = a.diff(v);
                if is_val(&da, 0) {
                    return int(0);
                }
                let a = (**a).clone();
                let outer = match f {
                    Func::Exp => fun(Func::Exp, a),
                    Func::Log => div(int(1), a),
                    Func::Sqrt => div(int(1), mul(int(2), fun(Func::Sqrt, a))),
                    Func::Sin => fun(Func::Cos, a),
                    Func::Cos => neg(fun(Func::Sin, a)),
                    Func::Tanh => sub(int(1), pow(fun(Func::Tanh, a), 2)),
                    Func::Sigma => {
                        let s = fun(Func::Sigma, a);
                        mul(s.clone(), sub(int(1), s))
                    }
                };
                mul(outer, da)
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(r) if r.is_integer() => write!(f, "{r}"),
            Expr::Num(r) => write!(f, "({}/{})", r.numer(), r.denom()),
            Expr::Var(i) => write!(f, "x{i}"),
            Expr::Neg(a) => write!(f, "(-{a})"),
            Expr::Add(a, b) => write!(f, "({a} + {b})"),
            Expr::Sub(a, b) => write!(f, "({a} - {b})"),
            Expr::Mul(a, b) => write!(f, "({a}*{b})"),
            Expr::Div(a, b) => write!(f, "({a}/{b})"),
            Expr::Pow(a, n) => write!(f, "{a}^({n})"),
            Expr::Fun(g, a) => write!(f, "{}({a})", g.name()),
        }
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

/// Tokens with their 1-based columns (in characters).
fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>> {
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

fn err(col: usize, msg: &str) -> Error {
    Error::spec(POINTER, format!("column {col}: {msg}"))
}

struct Parser<'a> {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    vars: &'a [String],
    depth: usize,
}

/// Deepest nesting accepted (keeps recursion bounded on hostile input).
const MAX_DEPTH: usize = 200;

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

    /// Whether the token just consumed follows a '*' (Python's power `x**2`).
    fn after_star(&self) -> bool {
        self.pos >= 2 && self.toks[self.pos - 2].0 == Tok::Op('*')
    }

    fn expect(&mut self, c: char) -> Result<()> {
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

    fn expr(&mut self) -> Result<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(self.col(), &format!("expression nested deeper than {MAX_DEPTH} levels")));
        }
        let mut a = self.term()?;
        loop {
            match self.peek() {
                Tok::Op('+') => {
                    self.bump();
                    a = Expr::Add(Box::new(a), Box::new(self.term()?));
                }
                Tok::Op('-') => {
                    self.bump();
                    a = Expr::Sub(Box::new(a), Box::new(self.term()?));
                }
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(a)
    }

    fn term(&mut self) -> Result<Expr> {
        let mut a = self.unary()?;
        loop {
            match self.peek() {
                Tok::Op('*') => {
                    self.bump();
                    a = Expr::Mul(Box::new(a), Box::new(self.unary()?));
                }
                Tok::Op('/') => {
                    self.bump();
                    a = Expr::Div(Box::new(a), Box::new(self.unary()?));
                }
                _ => break,
            }
        }
        Ok(a)
    }

    fn unary(&mut self) -> Result<Expr> {
        if *self.peek() == Tok::Op('-') {
            self.bump();
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(err(self.col(), &format!("expression nested deeper than {MAX_DEPTH} levels")));
            }
            let a = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(a)));
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr> {
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
        Ok(Expr::Pow(Box::new(a), n))
    }

    fn atom(&mut self) -> Result<Expr> {
        let col = self.col();
        match self.bump() {
            Tok::Num(r) => Ok(Expr::Num(r)),
            Tok::Op('(') => {
                let a = self.expr()?;
                self.expect(')')?;
                Ok(a)
            }
            Tok::Ident(name) => {
                if let Some(i) = self.vars.iter().position(|v| *v == name) {
                    return Ok(Expr::Var(i));
                }
                if let Some((_, f)) = Func::ALL.iter().find(|(n, _)| *n == name) {
                    self.expect('(')?;
                    let a = self.expr()?;
                    self.expect(')')?;
                    return Ok(Expr::Fun(*f, Box::new(a)));
                }
                let funcs: Vec<&str> = Func::ALL.iter().map(|(n, _)| *n).collect();
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
                        funcs.join(", ")
                    ),
                ))
            }
            Tok::Op('*') if self.after_star() => Err(err(col, "unexpected '*': powers are written x^2, not x**2")),
            Tok::Op(c) => Err(err(col, &format!("unexpected '{c}'"))),
            Tok::End => Err(err(col, "unexpected end of the expression")),
        }
    }
}

/// Parses `text` in the variables `vars`; errors name [`POINTER`] and the 1-based column.
pub fn parse(text: &str, vars: &[String]) -> Result<Expr> {
    let mut p = Parser { toks: tokenize(text)?, pos: 0, vars, depth: 0 };
    if *p.peek() == Tok::End {
        return Err(err(1, "empty expression"));
    }
    let e = p.expr()?;
    if *p.peek() != Tok::End {
        return Err(err(p.col(), &format!("unexpected {} after a complete expression", p.describe())));
    }
    Ok(e)
}

// ---------------------------------------------------------------------------------------------
// Compiled evaluation
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Op {
    Const(Interval),
    Var(usize),
    Neg(usize),
    Add(usize, usize),
    Sub(usize, usize),
    Mul(usize, usize),
    Div(usize, usize),
    Pow(usize, i32),
    Fun(Func, usize),
}

/// Several expressions compiled into one straight-line program with shared subexpressions.
#[derive(Clone, Debug)]
pub struct Tape {
    ops: Vec<Op>,
    outputs: Vec<usize>,
}

impl Tape {
    /// Compiles `exprs` (constants converted once, outward, by `rat_to_interval`).
    pub fn new(exprs: &[Expr]) -> Self {
        let mut t = Tape { ops: Vec::new(), outputs: Vec::new() };
        let mut seen: HashMap<Expr, usize> = HashMap::new();
        for e in exprs {
            let i = t.push(e, &mut seen);
            t.outputs.push(i);
        }
        t
    }

    fn push(&mut self, e: &Expr, seen: &mut HashMap<Expr, usize>) -> usize {
        if let Some(&i) = seen.get(e) {
            return i;
        }
        let op = match e {
            Expr::Num(r) => Op::Const(rat_to_interval(r)),
            Expr::Var(i) => Op::Var(*i),
            Expr::Neg(a) => Op::Neg(self.push(a, seen)),
            Expr::Add(a, b) => Op::Add(self.push(a, seen), self.push(b, seen)),
            Expr::Sub(a, b) => Op::Sub(self.push(a, seen), self.push(b, seen)),
            Expr::Mul(a, b) => Op::Mul(self.push(a, seen), self.push(b, seen)),
            Expr::Div(a, b) => Op::Div(self.push(a, seen), self.push(b, seen)),
            Expr::Pow(a, n) => Op::Pow(self.push(a, seen), *n),
            Expr::Fun(f, a) => Op::Fun(*f, self.push(a, seen)),
        };
        self.ops.push(op);
        let i = self.ops.len() - 1;
        seen.insert(e.clone(), i);
        i
    }

    /// Number of outputs.
    pub fn len(&self) -> usize {
        self.outputs.len()
    }

    /// Whether the tape has no outputs.
    pub fn is_empty(&self) -> bool {
        self.outputs.is_empty()
    }

    /// Encloses every output over the box `x`.
    ///
    /// Enclosure: rigorous; an output is `ENTIRE` where the expression is not defined and smooth on
    /// the whole box (see the module documentation). Tightness: natural interval extension.
    pub fn eval(&self, x: &[Interval]) -> Vec<Interval> {
        let mut v: Vec<Interval> = Vec::with_capacity(self.ops.len());
        for op in &self.ops {
            let r = match *op {
                Op::Const(c) => c,
                Op::Var(i) => x[i],
                Op::Neg(a) => -v[a],
                Op::Add(a, b) => v[a] + v[b],
                Op::Sub(a, b) => v[a] - v[b],
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

/// One function over an interval. Enclosure: rigorous (inari, MPFR-backed, tightest per call).
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
        // σ is increasing: [σ(inf), σ(sup)], each endpoint enclosed by 1/(1 + e^{−t}).
        Func::Sigma => {
            const ONE: Interval = const_interval!(1.0, 1.0);
            let lo = ONE / (ONE + (-Interval::try_from((a.inf(), a.inf())).unwrap_or(a)).exp());
            let hi = ONE / (ONE + (-Interval::try_from((a.sup(), a.sup())).unwrap_or(a)).exp());
            lo.convex_hull(hi)
        }
    }
}

/// A parsed expression objective with its symbolic derivatives, compiled for box evaluation.
#[derive(Clone, Debug)]
pub struct Expression {
    /// Variable names, one per coordinate.
    pub vars: Vec<String>,
    /// The source text as written in the spec.
    pub source: String,
    /// The parsed objective.
    pub f: Expr,
    /// ∇f, one expression per coordinate.
    pub gradient: Vec<Expr>,
    value_tape: Tape,
    grad_tape: Tape,
    hess_tape: Tape,
    third_tape: Tape,
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.vars == other.vars && self.source == other.source
    }
}

impl Eq for Expression {}

impl Expression {
    /// Parses `source` in `vars` and differentiates it three times.
    pub fn new(vars: Vec<String>, source: &str) -> Result<Self> {
        let f = parse(source, &vars)?;
        Ok(Self::from_expr(vars, source.to_string(), f))
    }

    /// The modified potential of 004's Theorem 6, scaled for its gradient flow: λ̄·Φ_h with
    /// Φ_h = Φ + ½hc|∇Φ|² (19)–(21), built symbolically from Φ's gradient (so the flow (20),
    /// u̇ = −λ̄∇Φ_h(u), is the gradient flow of the result). `lbar` = λ̄ = (1 − λ)⁻¹, `hc` = h·c.
    /// Enclosure: exact (symbolic).
    pub fn modified(&self, lbar: &Rat, hc: &Rat) -> Expression {
        let sq = self.gradient.iter().fold(int(0), |s, g| add(s, pow(g.clone(), 2)));
        let half = Rat::new(1.into(), 2.into());
        let phi_h = add(self.f.clone(), mul(num(hc * half), sq));
        let source = format!("{} · (Φ + ½·{}·|∇Φ|²), Φ = {}", fmt_rat(lbar), fmt_rat(hc), self.source);
        Self::from_expr(self.vars.clone(), source, mul(num(lbar.clone()), phi_h))
    }

    /// Differentiates `f` three times and compiles the tapes.
    fn from_expr(vars: Vec<String>, source: String, f: Expr) -> Self {
        let d = vars.len();
        let gradient: Vec<Expr> = (0..d).map(|i| f.diff(i)).collect();
        let mut hess = Vec::new();
        for (i, gi) in gradient.iter().enumerate() {
            for j in i..d {
                hess.push(gi.diff(j));
            }
        }
        let mut third = Vec::new();
        for (i, j, k) in triples(d) {
            third.push(hess[pair_index(d, i, j)].diff(k));
        }
        Expression {
            value_tape: Tape::new(std::slice::from_ref(&f)),
            grad_tape: Tape::new(&gradient),
            hess_tape: Tape::new(&hess),
            third_tape: Tape::new(&third),
            vars,
            source,
            f,
            gradient,
        }
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
    /// full tensor. Enclosure: rigorous.
    pub fn third_box(&self, x: &[Interval]) -> Vec<(Interval, u32, bool)> {
        let vals = self.third_tape.eval(x);
        triples(self.dim())
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
                Op::Const(c) => out.push(if k == 0 { c } else { zero }),
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

/// Whether `r` is one (used by tests of the simplifier).
#[cfg(test)]
fn is_one(e: &Expr) -> bool {
    as_num(e).is_some_and(num_traits::One::is_one)
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

    fn parse_err(text: &str) -> String {
        match parse(text, &vars(&["x", "y"])) {
            Err(Error::Spec { pointer, msg }) => {
                assert_eq!(pointer, POINTER);
                msg
            }
            other => panic!("{text:?} should not parse: {other:?}"),
        }
    }

    #[test]
    fn numbers_are_exact_and_precedence_is_usual() {
        let e = parse("0.1*x", &vars(&["x"])).unwrap();
        assert_eq!(e, Expr::Mul(Box::new(Expr::Num(Rat::new(1.into(), 10.into()))), Box::new(Expr::Var(0))));
        // -x^2 = -(x^2); 2^-1 is exact 1/2 after folding in a derivative.
        let e = parse("-x^2", &vars(&["x"])).unwrap();
        assert_eq!(e, Expr::Neg(Box::new(Expr::Pow(Box::new(Expr::Var(0)), 2))));
        let e = parse("1 - 2 - 3", &vars(&[])).unwrap();
        let t = Tape::new(&[e]);
        assert_eq!(t.eval(&[])[0], pt(-4.0));
        let e = parse("2*3^2/4e-1", &vars(&[])).unwrap();
        // 4e-1 = 2/5 is not dyadic: its enclosure is two adjacent floats, and so is the result's.
        let v = Tape::new(&[e]).eval(&[])[0];
        assert!(v.contains(45.0) && v.wid() < 1e-13, "{v:?}");
        assert!(is_one(&parse("x", &vars(&["x"])).unwrap().diff(0)));
    }

    #[test]
    fn errors_point_at_the_column() {
        assert_eq!(parse_err("x + * y"), "column 5: unexpected '*'");
        assert_eq!(parse_err("x**2"), "column 3: unexpected '*': powers are written x^2, not x**2");
        assert!(parse_err("abs(x)").ends_with("(a smooth stand-in: sqrt(x^2 + 1e-6))"));
        assert!(parse_err("x + pi").contains("constants are numbers in the grammar"));
        assert!(parse_err("x + foo(y)").starts_with("column 5: unknown name \"foo\""));
        assert_eq!(parse_err("(x + y"), "column 7: expected ')', found the end of the expression");
        assert!(parse_err("x^0.5").starts_with("column 3: exponent must be an integer"));
        assert_eq!(parse_err("x $ y"), "column 3: unexpected character '$'");
        assert_eq!(parse_err(""), "column 1: empty expression");
        assert_eq!(parse_err("x y"), "column 3: unexpected \"y\" after a complete expression");
        assert!(parse_err("x^2^3").starts_with("column 4: chained powers"));
        assert!(parse_err(&"(".repeat(500)).contains("nested deeper"));
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
    }

    #[test]
    fn modified_potential_by_hand() {
        // Φ = x⁴/4 + xy: ∇Φ = (x³ + y, x), |∇Φ|² = (x³ + y)² + x², so with λ̄ = 10, hc = 1/8:
        // ∇(λ̄Φ_h) = 10·(∇Φ + (1/8)∇²Φ∇Φ), ∇²Φ = [[3x², 1], [1, 0]]. At (1/2, 1/4):
        // ∇Φ = (3/8, 1/2), ∇²Φ∇Φ = (3/4·3/8 + 1/2, 3/8) = (25/32, 3/8),
        // ∇(λ̄Φ_h) = 10·(3/8 + 25/256, 1/2 + 3/64) = (1210/256, 350/64).
        let e = Expression::new(vars(&["x", "y"]), "0.25*x^4 + x*y").unwrap();
        let m = e.modified(&rat(10), &(rat(1) / rat(8)));
        let g = m.gradient_box(&[pt(0.5), pt(0.25)]);
        for (gi, exact) in g.iter().zip([rat(1210) / rat(256), rat(350) / rat(64)]) {
            assert!(interval_contains_rat(gi, &exact) && gi.wid() < 1e-14, "{gi:?} vs {exact}");
        }
        // A wrong hc is not contained.
        let wrong = e.modified(&rat(10), &(rat(1) / rat(7))).gradient_box(&[pt(0.5), pt(0.25)]);
        assert!(!interval_contains_rat(&wrong[0], &(rat(1210) / rat(256))));
        assert!(m.source.contains("Φ = 0.25*x^4 + x*y"), "{}", m.source);
    }

    #[test]
    fn enclosures_contain_high_precision_values_at_random_points() {
        // f = log(1 + exp(x − 2y)) + sigma(x·y) + sqrt(2 + x) / (3 − y) + tanh(x)^3.
        // Independent values: central differences would be inexact, so compare the symbolic
        // gradient to the hand-derived formulas evaluated in f64 with a generous tolerance check
        // through containment of the exact f64 value's neighbourhood.
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
            // The f64 formulas carry rounding error ~1e-15; the enclosures are a few ulps wide.
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
}
