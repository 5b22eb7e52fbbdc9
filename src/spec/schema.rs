//! JSON Schema (draft 2020-12) of spec v1, printed by `certify schema`.
//!
//! Written by hand so that each method and objective type lists exactly its own fields; the tests
//! tie it to the validator's field tables. The schema cannot express every rule (Q symmetric,
//! dimensions agreeing, `x0` inside the domain, `lo <= hi`, ranges of string-valued numbers):
//! those are stated in the descriptions and enforced by the validator.

use super::{DEFAULT_STEPS, MAX_STEPS};
use serde_json::{json, Value};

/// Decimal (`0.1`, `1e-4`, `.5`) or fraction (`1/3`) text accepted by `parse_rat`.
const RATIONAL_PATTERN: &str =
    r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?(\s*/\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)?\s*$";

/// The JSON Schema of spec v1.
pub fn schema() -> Value {
    let rat = |description: &str| json!({ "$ref": "#/$defs/rational", "description": description });
    let h = rat("Step size h > 0.");
    let lambda = rat("Momentum λ, strictly inside (0, 1).");
    let method = |name: &str, description: &str| json!({ "const": name, "description": description });
    let constant = |description: &str| rat(&format!("{description} Non-negative."));
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "shadowcert spec, version 1",
        "description": "An optimization problem, an algorithm and the claims to certify about them. \
            Every number is exact: a JSON number is read from its literal text (0.1 means 1/10), \
            and strings such as \"0.1\", \"1/3\" or \"1e-4\" are accepted too.",
        "type": "object",
        "additionalProperties": false,
        "required": ["name", "objective", "domain", "algorithm", "x0"],
        "properties": {
            "name": { "type": "string", "minLength": 1, "description": "Name of the problem (non-empty)." },
            "objective": {
                "description": "The function Φ minimized: a quadratic (constants exact), a closed-form \
                    expression or an empirical risk on a data set (constants enclosed on the domain box).",
                "oneOf": [
                    {
                        "type": "object",
                        "description": "Φ(x) = ½ xᵀQx − bᵀx.",
                        "additionalProperties": false,
                        "required": ["type", "Q"],
                        "properties": {
                            "type": { "const": "quadratic", "description": "Quadratic objective." },
                            "Q": {
                                "type": "array",
                                "minItems": 1,
                                "items": { "type": "array", "items": { "$ref": "#/$defs/rational" } },
                                "description": "Symmetric d×d matrix (exactly: Q[i][j] = Q[j][i]), as a list of d rows; \
                                    d is the dimension of the problem."
                            },
                            "b": { "$ref": "#/$defs/vector", "description": "Linear term, d entries (optional, default 0)." }
                        }
                    },
                    {
                        "type": "object",
                        "description": "Closed-form expression, differentiated symbolically.",
                        "additionalProperties": false,
                        "required": ["type", "vars", "f"],
                        "properties": {
                            "type": { "const": "expression", "description": "Expression objective." },
                            "vars": {
                                "type": "array",
                                "items": { "type": "string" },
                                "description": "Variable names, one per coordinate."
                            },
                            "f": {
                                "type": "string",
                                "description": "Φ in the variables: + - * / and ^ with an integer exponent, \
                                    exp log sqrt sin cos tanh, sigma (1/(1+e^-t)); numbers are exact (0.5 = 1/2)."
                            }
                        }
                    },
                    {
                        "type": "object",
                        "description": "Empirical risk (1/n)Σ loss(yᵢ⟨x̃ᵢ, w⟩) + (l2/2)‖w‖² on a CSV file \
                            (header with a \"label\" column of ±1, the other columns features).",
                        "additionalProperties": false,
                        "required": ["type", "data", "loss"],
                        "properties": {
                            "type": { "const": "dataset", "description": "Data-set objective." },
                            "data": { "type": "string", "description": "CSV file, relative to the spec." },
                            "data_sha256": {
                                "type": "string",
                                "description": "Optional SHA-256 of the CSV bytes; the spec is rejected when the file differs."
                            },
                            "loss": {
                                "enum": ["logistic", "sigmoid"],
                                "description": "log(1 + e^-z) or the non-convex 1 − σ(z)."
                            },
                            "l2": { "$ref": "#/$defs/rational", "description": "L2 regularization weight (default 0)." },
                            "bias": {
                                "type": "boolean",
                                "description": "Append a bias coordinate (regularized with the rest; default false)."
                            },
                            "scale": {
                                "$ref": "#/$defs/rational",
                                "description": "Feature scale > 0 (x̃ = scale·x; default 1)."
                            }
                        }
                    }
                ]
            },
            "domain": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "array",
                    "prefixItems": [{ "$ref": "#/$defs/rational" }, { "$ref": "#/$defs/rational" }],
                    "minItems": 2,
                    "maxItems": 2,
                    "description": "[lo, hi] with lo <= hi."
                },
                "description": "The domain box, d intervals [lo, hi]: global assumptions (B0, B1, B2, ell) \
                    are applied on this box."
            },
            "constants": {
                "type": "object",
                "additionalProperties": false,
                "description": "Constants the user declares; each is checked against a verified enclosure on \
                    the domain, never silently used.",
                "properties": {
                    "L": constant("Lipschitz constant of ∇Φ (H1)."),
                    "mu": constant("Strong convexity / PL constant μ (H2)."),
                    "ell": constant("Bound ℓ on ‖∇Φ‖ on the domain (H1): Φ is ℓ-Lipschitz."),
                    "B0": constant("Bound B0 of Assumption 1 on the domain."),
                    "B1": constant("Bound B1 of Assumption 1 on the domain."),
                    "B2": constant("Bound B2 of Assumption 1 on the domain."),
                    "gamma": constant("Eigenvalue gap γ at a saddle (Thm 3 of Orvieto–Lucchi)."),
                    "L_phi": constant("Lipschitz constant L_φ of Thm 3 of Orvieto–Lucchi.")
                }
            },
            "algorithm": {
                "description": "The iteration. heavy_ball, nesterov and momentum are scheme (7) of \
                    Kovachki–Stuart with u1 = u0 + h f(u0).",
                "oneOf": [
                    {
                        "type": "object",
                        "description": "Gradient descent.",
                        "additionalProperties": false,
                        "required": ["method", "h"],
                        "properties": { "method": method("gd", "Gradient descent."), "h": h }
                    },
                    {
                        "type": "object",
                        "description": "Scheme (7) with a = 0.",
                        "additionalProperties": false,
                        "required": ["method", "h", "lambda"],
                        "properties": {
                            "method": method("heavy_ball", "Heavy ball, scheme (7) with a = 0."),
                            "h": h,
                            "lambda": lambda
                        }
                    },
                    {
                        "type": "object",
                        "description": "Scheme (7) with a = λ.",
                        "additionalProperties": false,
                        "required": ["method", "h", "lambda"],
                        "properties": {
                            "method": method("nesterov", "Nesterov, scheme (7) with a = λ."),
                            "h": h,
                            "lambda": lambda
                        }
                    },
                    {
                        "type": "object",
                        "description": "Scheme (7) with a given.",
                        "additionalProperties": false,
                        "required": ["method", "h", "lambda", "a"],
                        "properties": {
                            "method": method("momentum", "Scheme (7) with λ and a given."),
                            "h": h,
                            "lambda": lambda,
                            "a": rat("Extrapolation a >= 0.")
                        }
                    },
                    {
                        "type": "object",
                        "description": "Heavy ball of Orvieto–Lucchi (Prop. 2): η = h², β = 1 − hα.",
                        "additionalProperties": false,
                        "required": ["method", "h", "alpha"],
                        "properties": {
                            "method": method("heavy_ball_ol", "Orvieto–Lucchi heavy ball."),
                            "h": h,
                            "alpha": rat("Friction α > 0.")
                        }
                    }
                ]
            },
            "x0": { "$ref": "#/$defs/vector", "description": "Initial point, d entries, inside the domain box." },
            "horizon": {
                "type": "object",
                "additionalProperties": false,
                "required": ["steps"],
                "description": format!("Number of iterations; {DEFAULT_STEPS} steps when omitted."),
                "properties": {
                    "steps": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_STEPS,
                        "description": format!("Number of steps, 1 to {MAX_STEPS}.")
                    }
                }
            },
            "epsilon": rat("Requested accuracy ε > 0."),
            "budget": {
                "type": "object",
                "additionalProperties": false,
                "required": ["max_boxes"],
                "description": "Non-quadratic objectives only: box budget of each enclosure search (the default \
                    depends on the objective type and is recorded in certificates).",
                "properties": {
                    "max_boxes": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "Largest number of box enclosures per searched quantity."
                    }
                }
            },
            "claims": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": true,
                "items": { "enum": crate::claim::CLAIM_IDS },
                "description": "Claim ids to decide (distinct, at least one); omitted means every claim that applies."
            }
        },
        "$defs": {
            "rational": {
                "description": "An exact rational: a JSON number (read from its text) or a string such as \
                    \"0.1\", \"1/3\", \"1e-4\". NaN and infinities are not numbers here.",
                "oneOf": [
                    { "type": "number" },
                    { "type": "string", "pattern": RATIONAL_PATTERN }
                ]
            },
            "vector": {
                "type": "array",
                "minItems": 1,
                "items": { "$ref": "#/$defs/rational" },
                "description": "A list of d exact rationals."
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::validate::{HORIZON_FIELDS, METHOD_FIELDS, OBJECTIVE_FIELDS, TOP_FIELDS};
    use super::super::KNOWN_CONSTANTS;
    use super::*;
    use std::collections::BTreeSet;

    fn keys(v: &Value) -> BTreeSet<String> {
        v.as_object().expect("properties is an object").keys().cloned().collect()
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    /// Every schema under a `properties` map carries a description.
    fn assert_described(v: &Value, at: &str) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(props)) = m.get("properties") {
                    for (k, p) in props {
                        assert!(p.get("description").is_some(), "{at}/properties/{k} has no description");
                    }
                }
                for (k, x) in m {
                    assert_described(x, &format!("{at}/{k}"));
                }
            }
            Value::Array(xs) => xs.iter().enumerate().for_each(|(i, x)| assert_described(x, &format!("{at}/{i}"))),
            _ => {}
        }
    }

    #[test]
    fn schema_lists_every_field_the_validator_accepts() {
        let s = schema();
        assert!(s.is_object());
        assert_eq!(s["type"], "object");
        assert_eq!(keys(&s["properties"]), set(TOP_FIELDS));
        assert_eq!(keys(&s["properties"]["constants"]["properties"]), set(KNOWN_CONSTANTS));
        assert_eq!(keys(&s["properties"]["horizon"]["properties"]), set(HORIZON_FIELDS));
        let methods = s["properties"]["algorithm"]["oneOf"].as_array().unwrap();
        assert_eq!(methods.len(), METHOD_FIELDS.len());
        for (branch, (name, fields)) in methods.iter().zip(METHOD_FIELDS) {
            assert_eq!(branch["properties"]["method"]["const"], *name);
            assert_eq!(keys(&branch["properties"]), set(fields), "method {name}");
        }
        let objectives = s["properties"]["objective"]["oneOf"].as_array().unwrap();
        assert_eq!(objectives.len(), OBJECTIVE_FIELDS.len());
        for (branch, (name, fields)) in objectives.iter().zip(OBJECTIVE_FIELDS) {
            assert_eq!(branch["properties"]["type"]["const"], *name);
            assert_eq!(keys(&branch["properties"]), set(fields), "objective {name}");
        }
        assert_described(&s, "");
    }
}
