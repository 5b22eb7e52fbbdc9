//! JSON text to `serde_json::Value`, stricter than `serde_json::from_str`: a key repeated in one
//! object is an error (serde_json would silently keep the last one, so `"h"` given twice would
//! certify a step size the reader of the file may not see).

use super::validate::child;
use crate::{Error, Result};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::fmt;

/// Parses `text` as one JSON value, rejecting malformed JSON and duplicate keys.
pub fn parse_json(text: &str) -> Result<Value> {
    let value: Value = serde_json::from_str(text).map_err(|e| malformed(&e))?;
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let checked = DuplicateKeys { ptr: String::new(), found: &found }.deserialize(&mut de);
    if let Some((ptr, key)) = found.into_inner() {
        return Err(Error::spec(ptr, format!("duplicate key \"{key}\"")));
    }
    checked.map_err(|e| malformed(&e))?;
    Ok(value)
}

/// `malformed JSON at line L column C: <what>`, at the root pointer.
fn malformed(e: &serde_json::Error) -> Error {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let what = full.strip_suffix(&suffix).unwrap_or(&full);
    Error::spec("", format!("malformed JSON at line {} column {}: {what}", e.line(), e.column()))
}

/// Walks the JSON text and records the first key repeated within one object.
///
/// With `arbitrary_precision` serde_json presents a number as a one-entry map; a one-entry map has
/// no duplicates, so numbers need no special case.
struct DuplicateKeys<'a> {
    ptr: String,
    found: &'a RefCell<Option<(String, String)>>,
}

impl<'de> DeserializeSeed<'de> for DuplicateKeys<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DuplicateKeys<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> std::result::Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut i = 0usize;
        while seq.next_element_seed(DuplicateKeys { ptr: format!("{}/{i}", self.ptr), found: self.found })?.is_some() {
            i += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                *self.found.borrow_mut() = Some((self.ptr.clone(), key));
                return Err(de::Error::custom("duplicate key"));
            }
            map.next_value_seed(DuplicateKeys { ptr: child(&self.ptr, &key), found: self.found })?;
        }
        Ok(())
    }
}
