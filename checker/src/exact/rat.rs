//! `Rat` parsing and printing: `"0.1"` is 1/10, `"1/3"`, `"1e-4"`, `"-2.5E+3"`.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

/// Exact rational number.
pub type Rat = num_rational::BigRational;

/// Why a string is not an exact rational.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RatParseError {
    /// Empty input.
    #[error("empty number")]
    Empty,
    /// Not of the form `[-+]digits[.digits][e[-+]digits]` or `p/q`.
    #[error("not a number: {0:?} (expected a decimal like \"0.1\", \"1e-4\" or a fraction like \"1/3\")")]
    Syntax(String),
    /// `p/0`.
    #[error("zero denominator in {0:?}")]
    ZeroDenominator(String),
    /// Exponent too large to be meant.
    #[error("exponent out of range in {0:?} (|e| must be at most 10000)")]
    Exponent(String),
}

/// `Rat` from an integer.
pub fn rat(n: i64) -> Rat {
    Rat::from_integer(BigInt::from(n))
}

/// Parses an exact rational from decimal or fraction notation, never through `f64`.
///
/// Accepts `12`, `-0.25`, `+3`, `1e-4`, `2.5E+3`, `.5`, `1/3`, `-7/2`.
/// Rejects `nan`, `inf`, hexadecimal, empty strings and `p/0`.
pub fn parse_rat(s: &str) -> Result<Rat, RatParseError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(RatParseError::Empty);
    }
    if let Some((p, q)) = t.split_once('/') {
        let p = parse_decimal(p.trim()).ok_or_else(|| RatParseError::Syntax(s.to_string()))??;
        let q = parse_decimal(q.trim()).ok_or_else(|| RatParseError::Syntax(s.to_string()))??;
        if q.is_zero() {
            return Err(RatParseError::ZeroDenominator(s.to_string()));
        }
        return Ok(p / q);
    }
    parse_decimal(t).ok_or_else(|| RatParseError::Syntax(s.to_string()))?
}

/// `None` on a syntax error, `Some(Err)` on an absurd exponent.
fn parse_decimal(t: &str) -> Option<Result<Rat, RatParseError>> {
    let (neg, body) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = match mant.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mant, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().all(|c| c.is_ascii_digit()) || !frac_part.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut e: i64 = 0;
    if let Some(x) = exp {
        let (eneg, digits) = match x.as_bytes().first()? {
            b'-' => (true, &x[1..]),
            b'+' => (false, &x[1..]),
            _ => (false, x),
        };
        if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        if digits.len() > 5 {
            return Some(Err(RatParseError::Exponent(t.to_string())));
        }
        e = digits.parse::<i64>().ok()?;
        if e > 10_000 {
            return Some(Err(RatParseError::Exponent(t.to_string())));
        }
        if eneg {
            e = -e;
        }
    }
    let digits = format!("{int_part}{frac_part}");
    let mut num: BigInt = digits.parse().ok()?;
    if neg {
        num = -num;
    }
    let scale = e - frac_part.len() as i64;
    let ten = BigInt::from(10u32);
    let r = if scale >= 0 {
        Rat::from_integer(num * num_traits::pow(ten, scale as usize))
    } else {
        Rat::new(num, num_traits::pow(ten, (-scale) as usize))
    };
    Some(Ok(r))
}

/// Canonical exact text: `"3"`, `"-1/10"`. Round-trips through [`parse_rat`].
pub fn fmt_rat(r: &Rat) -> String {
    if r.denom().is_one() {
        r.numer().to_string()
    } else {
        format!("{}/{}", r.numer(), r.denom())
    }
}

/// Smallest `m / 2^k ≥ r` with `k` chosen so that the result has about `bits` significant bits.
///
/// Enclosure: exact (`result ≥ r`, and `result − r ≤ |r|·2^(1−bits)` for `r ≠ 0`).
pub fn round_up_dyadic(r: &Rat, bits: u32) -> Rat {
    round_dyadic(r, bits, true)
}

/// Largest `m / 2^k ≤ r` with about `bits` significant bits. Enclosure: exact (`result ≤ r`).
pub fn round_down_dyadic(r: &Rat, bits: u32) -> Rat {
    round_dyadic(r, bits, false)
}

fn round_dyadic(r: &Rat, bits: u32, up: bool) -> Rat {
    if r.is_zero() {
        return r.clone();
    }
    // k such that |r|·2^k has about `bits` bits before the point.
    let nb = r.numer().abs().bits() as i64;
    let db = r.denom().bits() as i64;
    let k = bits as i64 - (nb - db);
    let scaled = if k >= 0 {
        r * Rat::from_integer(BigInt::one() << (k as usize))
    } else {
        r / Rat::from_integer(BigInt::one() << ((-k) as usize))
    };
    let (q, rem) = scaled.numer().div_mod_floor(scaled.denom());
    let m = if up && !rem.is_zero() { q + 1 } else { q };
    let m = Rat::from_integer(m);
    if k >= 0 {
        m / Rat::from_integer(BigInt::one() << (k as usize))
    } else {
        m * Rat::from_integer(BigInt::one() << ((-k) as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: i64) -> Rat {
        Rat::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_rat("0.1").unwrap(), q(1, 10));
        assert_eq!(parse_rat("1e-4").unwrap(), q(1, 10_000));
        assert_eq!(parse_rat("-2.5E+3").unwrap(), rat(-2500));
        assert_eq!(parse_rat(".5").unwrap(), q(1, 2));
        assert_eq!(parse_rat("+3").unwrap(), rat(3));
        assert_eq!(parse_rat("1/3").unwrap(), q(1, 3));
        assert_eq!(parse_rat(" -7/2 ").unwrap(), q(-7, 2));
        assert_eq!(parse_rat("0.30000000000000004").unwrap(), q(30000000000000004, 100000000000000000));
    }

    #[test]
    fn bad_numbers_are_rejected() {
        for s in ["", "nan", "NaN", "inf", "-inf", "1/0", "0x10", "1e", "e5", "1.2.3", "1//2", "--1", "1e99999", "."] {
            assert!(parse_rat(s).is_err(), "{s:?} must be rejected");
        }
    }

    #[test]
    fn printing_round_trips() {
        for s in ["0", "3", "-1/10", "22/7"] {
            assert_eq!(fmt_rat(&parse_rat(s).unwrap()), s);
        }
    }

    #[test]
    fn dyadic_rounding_is_directed() {
        let third = q(1, 3);
        let up = round_up_dyadic(&third, 20);
        let down = round_down_dyadic(&third, 20);
        assert!(down < third && third < up);
        assert!(&up - &down <= q(1, 1 << 19));
        let neg = q(-1, 3);
        assert!(round_up_dyadic(&neg, 10) >= neg && round_down_dyadic(&neg, 10) <= neg);
        assert_eq!(round_up_dyadic(&rat(4), 10), rat(4));
    }
}
