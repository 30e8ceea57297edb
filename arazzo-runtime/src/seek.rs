//! Decoding the value at a JSON pointer straight from a response body, skipping everything else
//! without building it: a step output rarely needs more than a few members of a body, while a
//! whole `serde_json::Value` costs an allocation for every member, key and string in it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize as _;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess};

/// The value at `pointer` (RFC 6901) in the JSON `body`, decoded as `T`: `Some(None)` when the
/// pointer finds nothing or `null`, `None` when the body is not JSON or the value is not a `T`
/// (the caller then takes the slow path, whose errors say what is wrong).
pub(crate) fn at_pointer<T: DeserializeOwned>(body: &[u8], pointer: &str) -> Option<Option<T>> {
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return None;
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let found = Seek::<T> {
        path: pointer,
        found: PhantomData,
    }
    .deserialize(&mut deserializer)
    .ok()?;
    deserializer.end().ok()?;
    Some(found)
}

/// Follows `path` (what is left of the pointer: empty, or `/token...`) down from the value
/// being deserialized.
struct Seek<'p, T> {
    path: &'p str,
    found: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for Seek<'_, T> {
    type Value = Option<T>;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        let Some(path) = self.path.strip_prefix('/') else {
            // The end of the pointer; `null` is `None`, as the slow path reads it.
            return Option::<T>::deserialize(deserializer);
        };
        let (raw, rest) = path.find('/').map_or((path, ""), |i| path.split_at(i));
        let token = if raw.contains('~') {
            Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(raw)
        };
        deserializer.deserialize_any(Step {
            token: &token,
            rest,
            found: PhantomData,
        })
    }
}

/// One token of the path, applied to an object (member name) or an array (index).
struct Step<'p, T> {
    token: &'p str,
    rest: &'p str,
    found: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> de::Visitor<'de> for Step<'_, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut found = None;
        while let Some(matches) = map.next_key_seed(KeyIs(self.token))? {
            if matches {
                // A repeated member: the last one wins, as when parsing into a `Value`.
                found = map.next_value_seed(Seek {
                    path: self.rest,
                    found: PhantomData,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<T>, A::Error> {
        // As `Value::pointer`: a decimal index without a leading zero or sign.
        let wanted = (self.token == "0" || !self.token.starts_with(['0', '+']))
            .then(|| self.token.parse::<usize>().ok())
            .flatten();
        let mut found = None;
        let mut index = 0;
        loop {
            if Some(index) == wanted {
                match seq.next_element_seed(Seek {
                    path: self.rest,
                    found: PhantomData,
                })? {
                    Some(value) => found = value,
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            index += 1;
        }
        Ok(found)
    }

    // A pointer into a scalar finds nothing.
    fn visit_bool<E>(self, _: bool) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Option<T>, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Option<T>, E> {
        Ok(None)
    }
}

/// Whether a member name is the wanted one, compared without allocating.
struct KeyIs<'p>(&'p str);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> de::Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_str<E>(self, name: &str) -> Result<bool, E> {
        Ok(name == self.0)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// What the slow path (a whole `Value`, then the pointer) reads.
    fn slow<T: DeserializeOwned>(body: &Value, pointer: &str) -> Option<Option<T>> {
        match body.pointer(pointer) {
            None | Some(Value::Null) => Some(None),
            Some(value) => T::deserialize(value).ok().map(Some),
        }
    }

    #[test]
    fn reads_what_the_slow_path_reads() {
        let body = json!({
            "simId": "8981", "status": "active", "groupId": null, "n": 3, "x": 1.5,
            "a/b": {"c~d": ["zero", {"deep": true}]}, "list": [10, 20, 30],
            "dup": 1, "": "empty name"
        });
        let text = serde_json::to_vec(&body).expect("serializes");
        for pointer in [
            "",
            "/simId",
            "/status",
            "/groupId",
            "/missing",
            "/n",
            "/x",
            "/a~1b/c~0d/0",
            "/a~1b/c~0d/1/deep",
            "/a~1b/c~0d/2",
            "/list/1",
            "/list/01",
            "/list/-",
            "/simId/0",
            "/",
            "/list/+1",
        ] {
            assert_eq!(
                at_pointer::<Value>(&text, pointer),
                slow::<Value>(&body, pointer),
                "{pointer}"
            );
            assert_eq!(
                at_pointer::<String>(&text, pointer),
                slow::<String>(&body, pointer),
                "{pointer}"
            );
            assert_eq!(
                at_pointer::<i64>(&text, pointer),
                slow::<i64>(&body, pointer),
                "{pointer}"
            );
            assert_eq!(
                at_pointer::<f64>(&text, pointer),
                slow::<f64>(&body, pointer),
                "{pointer}"
            );
        }
    }

    #[test]
    fn the_last_of_repeated_members_wins() {
        let text = br#"{"a": 1, "a": 2}"#;
        let value: Value = serde_json::from_slice(text).expect("parses");
        assert_eq!(at_pointer::<i64>(text, "/a"), slow::<i64>(&value, "/a"));
    }

    #[test]
    fn a_body_that_is_not_json_takes_the_slow_path() {
        assert_eq!(at_pointer::<String>(b"<html>", "/a"), None);
        assert_eq!(at_pointer::<String>(br#"{"a": "x"} trailing"#, "/a"), None);
        assert_eq!(at_pointer::<String>(br#"{"a": "x", "#, "/a"), None);
        assert_eq!(at_pointer::<String>(b"", "/a"), None);
        assert_eq!(at_pointer::<String>(br#"{"a": "x"}"#, "no-slash"), None);
    }
}
