//! The claim record: what a theorem says about one spec, decided by exact inequalities.
//!
//! A claim is produced by the exact statement of a theorem (`crate::theorems`) and is what
//! certificates store and `check` recomputes. Nothing here uses floating point.

use crate::exact::{fmt_rat, Rat, RatInterval};
use std::collections::BTreeMap;
use std::fmt;

/// Claim identifiers this version decides, in report order (DESIGN.md claim table).
pub const CLAIM_IDS: &[&str] = &[
    "constants.L",
    "constants.mu",
    "constants.ell",
    "constants.B0",
    "constants.B1",
    "constants.B2",
    "constants.gamma",
    "constants.L_phi",
    "step.descent",
    "step.stable",
    "ol.prop1",
    "ol.thm2",
    "ol.thm3",
    "ol.prop2",
    "shadow.orbit",
    "ec.thm1",
    "shadow.finite",
    "ks.thm2",
    "ks.thm3",
    "ks.lemma8",
    "ks.lemma9",
    "ks.lemma10",
    "ks.assumption11",
    "ks.thm5",
    "ks.thm6",
];

/// Verdict of a claim (DESIGN.md, rigor rule 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// A rigorous inequality proves the claim.
    Verified,
    /// A hypothesis of the theorem does not hold (named in `reason`).
    NotApplicable,
    /// Neither proved nor disproved (reason given).
    Inconclusive,
    /// A rigorous inequality disproves the claim.
    Refuted,
}

impl Status {
    /// Stable lowercase name used in reports and certificates.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::NotApplicable => "not_applicable",
            Status::Inconclusive => "inconclusive",
            Status::Refuted => "refuted",
        }
    }

    /// Inverse of [`Status::as_str`].
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Verified, Status::NotApplicable, Status::Inconclusive, Status::Refuted]
            .into_iter()
            .find(|st| st.as_str() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A named quantity of a claim: an exact rational, or an exact-endpoint enclosure of an
/// irrational one (e.g. a square root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Exactly this rational.
    Exact(Rat),
    /// The true value lies in this interval.
    Enclosed(RatInterval),
}

impl Value {
    /// `"p/q"` or `"[lo, hi]"`.
    pub fn to_text(&self) -> String {
        match self {
            Value::Exact(r) => fmt_rat(r),
            Value::Enclosed(i) => i.to_string_exact(),
        }
    }

    /// Upper end (the value itself when exact).
    pub fn hi(&self) -> &Rat {
        match self {
            Value::Exact(r) => r,
            Value::Enclosed(i) => &i.hi,
        }
    }

    /// Lower end (the value itself when exact).
    pub fn lo(&self) -> &Rat {
        match self {
            Value::Exact(r) => r,
            Value::Enclosed(i) => &i.lo,
        }
    }
}

/// Relation of an atomic inequality `lhs rel rhs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    /// `<`
    Lt,
    /// `≤`
    Le,
}

impl Rel {
    /// `"<"` or `"<="`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rel::Lt => "<",
            Rel::Le => "<=",
        }
    }

    /// Inverse of [`Rel::as_str`].
    pub fn parse(s: &str) -> Option<Rel> {
        match s {
            "<" => Some(Rel::Lt),
            "<=" => Some(Rel::Le),
            _ => None,
        }
    }
}

/// An atomic inequality with exact sides; `holds` is what exact comparison says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inequality {
    /// Which condition, with its equation number, e.g. `"(41) c < 1"`.
    pub name: String,
    /// Left side.
    pub lhs: Rat,
    /// Relation.
    pub rel: Rel,
    /// Right side.
    pub rhs: Rat,
    /// Whether `lhs rel rhs` is true (exact comparison).
    pub holds: bool,
}

impl Inequality {
    /// `lhs rel rhs`, decided exactly.
    pub fn new(name: impl Into<String>, lhs: Rat, rel: Rel, rhs: Rat) -> Self {
        let holds = match rel {
            Rel::Lt => lhs < rhs,
            Rel::Le => lhs <= rhs,
        };
        Inequality { name: name.into(), lhs, rel, rhs, holds }
    }
}

/// One claim about one spec, as reports and certificates show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// Stable identifier, e.g. `ks.assumption11` (DESIGN.md claim table).
    pub id: String,
    /// Verdict.
    pub status: Status,
    /// One line citing the paper and equation.
    pub statement: String,
    /// Derived quantities by name.
    pub values: BTreeMap<String, Value>,
    /// Witnesses chosen by the tool (e.g. γ, δ of Lemmas 9–10).
    pub witnesses: BTreeMap<String, Rat>,
    /// The atomic inequalities that decide the verdict.
    pub inequalities: Vec<Inequality>,
    /// Why the verdict is what it is, when that is not simply "all inequalities hold".
    pub reason: Option<String>,
    /// Measurements the engine adds that no verdict depends on (e.g. the rate to the modified flow
    /// (20) of `ks.thm2`): printed and stored, but outside what `check` verifies.
    pub measured: BTreeMap<String, Value>,
}

impl Claim {
    /// An empty claim with the given id and statement, status to be decided.
    pub fn new(id: &str, statement: impl Into<String>) -> Self {
        Claim {
            id: id.to_string(),
            status: Status::Inconclusive,
            statement: statement.into(),
            values: BTreeMap::new(),
            witnesses: BTreeMap::new(),
            inequalities: Vec::new(),
            reason: None,
            measured: BTreeMap::new(),
        }
    }

    /// Records an exact value.
    pub fn value(&mut self, name: &str, v: Rat) {
        self.values.insert(name.to_string(), Value::Exact(v));
    }

    /// Records an enclosed value.
    pub fn enclosed(&mut self, name: &str, v: RatInterval) {
        self.values.insert(name.to_string(), Value::Enclosed(v));
    }

    /// Records a witness.
    pub fn witness(&mut self, name: &str, v: Rat) {
        self.witnesses.insert(name.to_string(), v);
    }

    /// Adds an atomic inequality and returns whether it holds.
    pub fn check(&mut self, name: impl Into<String>, lhs: Rat, rel: Rel, rhs: Rat) -> bool {
        let ineq = Inequality::new(name, lhs, rel, rhs);
        let holds = ineq.holds;
        self.inequalities.push(ineq);
        holds
    }

    /// Marks the claim not applicable because of the named hypothesis.
    pub fn not_applicable(mut self, hypothesis: impl Into<String>) -> Self {
        self.status = Status::NotApplicable;
        self.reason = Some(hypothesis.into());
        self
    }

    /// Verified when every recorded inequality holds, refuted otherwise; the reason names the
    /// first failing inequality.
    pub fn decide(mut self) -> Self {
        match self.inequalities.iter().find(|i| !i.holds) {
            None => self.status = Status::Verified,
            Some(bad) => {
                self.status = Status::Refuted;
                self.reason = Some(format!("fails: {}", bad.name));
            }
        }
        self
    }
}
