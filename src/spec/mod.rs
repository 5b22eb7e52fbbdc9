//! The spec (DESIGN.md "Spec, version 1"): what the user asks about, validated into what the
//! engine may assume.
//!
//! The JSON text is read into a `serde_json::Value` (numbers keep their literal text, duplicate
//! keys are rejected), then walked once by the validator, which turns it into a [`Spec`] and
//! locates every error by its JSON pointer (RFC 6901), e.g. `/algorithm/lambda`. Every number is
//! exact: `0.1` and `"0.1"` both mean 1/10, never an `f64`.
//!
//! [`canonical_json`] prints a spec back with every number as its canonical exact string, and
//! [`schema`] is the JSON Schema that `certify schema` prints.

mod canonical;
mod schema;
mod strict;

pub use strict::parse_json;
mod validate;

#[cfg(test)]
mod tests;

pub use canonical::canonical_json;
pub use schema::schema;

use crate::exact::{Rat, RatMatrix};
use crate::objective::dataset::Dataset;
use crate::objective::expression::Expression;
use crate::objective::BoxObjective;
use crate::{Error, Result};
pub use shadowcert_checker::inputs::{Algorithm, Method, Scheme7Kind};
use std::collections::BTreeMap;
use std::path::Path;

/// Constants a spec may declare (`constants` keys): (H1), (H2) and Assumption 1 of the papers.
pub const KNOWN_CONSTANTS: &[&str] = &["L", "mu", "ell", "B0", "B1", "B2", "gamma", "L_phi"];

/// Number of steps when the spec gives no `horizon`.
pub const DEFAULT_STEPS: u64 = 100;

/// Largest `horizon.steps` a spec may ask for.
pub const MAX_STEPS: u64 = 10_000_000;

/// Default `budget.max_boxes` of expression objectives.
pub const DEFAULT_BOXES_EXPRESSION: u64 = 20_000;

/// Default `budget.max_boxes` of dataset objectives: each box costs O(n·d), and bisecting a box in
/// dozens of dimensions rarely narrows the structural bounds, so the default stays small.
pub const DEFAULT_BOXES_DATASET: u64 = 4;

/// Largest `budget.max_boxes`.
pub const MAX_BOXES: u64 = 100_000_000;

/// A validated spec: everything here has been checked (dimensions agree, `Q` is symmetric,
/// `x0` lies in the domain box, parameters lie in their ranges).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    /// Name of the problem (non-empty).
    pub name: String,
    /// The function minimized.
    pub objective: Objective,
    /// The domain box, per coordinate `[lo, hi]` with `lo <= hi`.
    pub domain: Vec<(Rat, Rat)>,
    /// Declared constants, keys from [`KNOWN_CONSTANTS`], values non-negative.
    pub constants: BTreeMap<String, Rat>,
    /// The optimization algorithm and its step size.
    pub algorithm: Algorithm,
    /// Initial point, inside the domain box.
    pub x0: Vec<Rat>,
    /// Number of steps (`horizon.steps`), in `1..=MAX_STEPS`.
    pub steps: u64,
    /// Requested accuracy, positive when given.
    pub epsilon: Option<Rat>,
    /// Requested claim ids (from [`crate::claim::CLAIM_IDS`], distinct, non-empty); `None` means
    /// every claim that applies.
    pub claims: Option<Vec<String>>,
    /// Box budget of each enclosure search (`budget.max_boxes`): set, to the default of the objective
    /// type when the spec gives none, exactly for non-quadratic objectives (whose constants are
    /// enclosed by subdivision); `None` for quadratics (exact). Recorded in the certificate's inputs so
    /// that `check` re-runs the same searches.
    pub max_boxes: Option<u64>,
}

impl Spec {
    /// Dimension `d` of the problem (of `Q`, `b`, `x0` and the domain box).
    pub fn dim(&self) -> usize {
        self.domain.len()
    }

    /// The box budget of the enclosure searches (see [`Spec::max_boxes`]).
    pub fn budget(&self) -> usize {
        self.max_boxes.map_or(1, |b| usize::try_from(b).unwrap_or(usize::MAX))
    }
}

/// The objective function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Objective {
    /// f(x) = ½ xᵀQx − bᵀx with `Q` symmetric `d×d` and `b` of length `d`.
    Quadratic {
        /// Symmetric matrix (exactly: `Q[i][j] == Q[j][i]`).
        q: RatMatrix,
        /// Linear term.
        b: Vec<Rat>,
    },
    /// A closed-form expression in named variables (parsed, with its derivative programs; boxed:
    /// the programs make it the largest variant).
    Expression(Box<Expression>),
    /// Empirical risk on a CSV data set (loaded, hashed, with its structural bounds).
    Dataset(Dataset),
}

impl Objective {
    /// One line for reports, e.g. `quadratic f = ½xᵀQx − bᵀx`.
    pub fn describe(&self) -> String {
        match self {
            Objective::Quadratic { .. } => "quadratic f = ½xᵀQx − bᵀx".to_string(),
            Objective::Expression(e) => format!("expression f({}) = {}", e.vars.join(", "), e.source),
            Objective::Dataset(d) => crate::objective::dataset::describe(d),
        }
    }

    /// The objective as a [`BoxObjective`], for non-quadratic objectives.
    pub fn as_box(&self) -> Option<&dyn BoxObjective> {
        match self {
            Objective::Quadratic { .. } => None,
            Objective::Expression(e) => Some(e.as_ref()),
            Objective::Dataset(d) => Some(d),
        }
    }

    /// The checker's reading of a non-quadratic objective (`None` for a quadratic): what the GD
    /// orbit and the gradient flow run on, in the engine and in `certify check` alike.
    pub fn as_smooth(&self) -> Option<&dyn shadowcert_checker::nonlinear::Smooth> {
        match self {
            Objective::Quadratic { .. } => None,
            Objective::Expression(e) => Some(e.programs()),
            Objective::Dataset(d) => Some(d.checked()),
        }
    }
}

/// Reads and validates the spec file at `path` (a missing or unreadable file is [`Error::Io`]);
/// a dataset's `data` path is resolved relative to the spec file's directory.
pub fn load_spec(path: &Path) -> Result<Spec> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_spec_str_in(&text, Some(&spec_dir(path)))
}

/// The directory that a spec file's relative paths are relative to.
pub fn spec_dir(path: &Path) -> std::path::PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    }
}

/// Parses and validates spec JSON text (no file-system context: a dataset objective is an error).
///
/// Malformed JSON is `Error::spec("", "malformed JSON at line L column C: …")`; a key repeated in
/// one object is an error at that object's pointer.
pub fn parse_spec_str(text: &str) -> Result<Spec> {
    parse_spec_str_in(text, None)
}

/// Parses and validates spec JSON text; `base` is the directory a dataset's `data` path is
/// relative to.
pub fn parse_spec_str_in(text: &str, base: Option<&Path>) -> Result<Spec> {
    let value = strict::parse_json(text)?;
    parse_spec_value_in(&value, base)
}

/// Validates a spec given as a JSON value; every error names its JSON pointer. A dataset
/// objective is an error here (it needs [`parse_spec_value_in`] with the spec's directory).
pub fn parse_spec_value(v: &serde_json::Value) -> Result<Spec> {
    validate::spec(v, None)
}

/// Validates a spec given as a JSON value whose dataset objective (if any) reads `data_file`
/// (found by the caller; the spec's `data` path is kept as written).
pub fn parse_spec_value_with_data(v: &serde_json::Value, data_file: &Path) -> Result<Spec> {
    validate::spec(v, Some(validate::DataAt::File(data_file)))
}

/// Validates `v`, a variant of `like`'s canonical JSON with other parameter values (a sweep's
/// point): a dataset objective reuses `like`'s loaded data instead of reading its file again.
pub fn parse_spec_value_like(v: &serde_json::Value, like: &Spec) -> Result<Spec> {
    match &like.objective {
        Objective::Dataset(ds) => validate::spec(v, Some(validate::DataAt::Loaded(ds))),
        _ => validate::spec(v, None),
    }
}

/// Validates a spec given as a JSON value, with `base` the directory of the spec file (for a
/// dataset's `data` path).
pub fn parse_spec_value_in(v: &serde_json::Value, base: Option<&Path>) -> Result<Spec> {
    validate::spec(v, base.map(validate::DataAt::Dir))
}
