//! Decoding the value at a JSON pointer straight from a response body, skipping everything else
//! without building it: a step output rarely needs more than a few members of a body, while a
//! whole `serde_json::Value` costs an allocation for every member, key and string in it.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Range;

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

/// The members of a body that is a JSON object: where each one's name is in the body (its value
/// follows it, up to the next name). Made in one pass, so that a step reading several outputs
/// from one response decodes each from its member's text instead of going through the whole body
/// once per output.
pub(crate) struct Members {
    /// The byte ranges of the names in the body, in the body's order.
    names: Vec<Range<usize>>,
}

impl Members {
    /// The members of `body`; `None` when it is not a JSON object, or a member name has an
    /// escape (its text is then not the name: such bodies take [`at_pointer`] on the whole body).
    pub(crate) fn of(body: &[u8]) -> Option<Members> {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let names = de::Deserializer::deserialize_map(&mut deserializer, Names(body)).ok()?;
        deserializer.end().ok()?;
        Some(Members { names })
    }

    /// The value at `pointer` in `body` (which these are the members of), as [`at_pointer`]
    /// reads it from the whole body.
    pub(crate) fn at_pointer<T: DeserializeOwned>(
        &self,
        body: &[u8],
        pointer: &str,
    ) -> Option<Option<T>> {
        let Some(path) = pointer.strip_prefix('/') else {
            return at_pointer(body, pointer);
        };
        let (raw, rest) = path.find('/').map_or((path, ""), |i| path.split_at(i));
        let token = if raw.contains('~') {
            Cow::Owned(raw.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(raw)
        };
        // A repeated member: the last one wins, as when parsing into a `Value`.
        let found = self
            .names
            .iter()
            .rposition(|name| body.get(name.clone()) == Some(token.as_bytes()));
        match found {
            Some(i) => at_pointer(body.get(self.value(body, i)?)?, rest),
            None => Some(None),
        }
    }

    /// Where the value of member `i` is: after its name's closing quote, `:` and whitespace; up
    /// to the whitespace, `,` and whitespace before the next name's opening quote (or the
    /// whitespace before the object's `}`), which JSON allows nowhere else.
    fn value(&self, body: &[u8], i: usize) -> Option<Range<usize>> {
        let colon = skip_whitespace(body, self.names.get(i)?.end + 1);
        let start = skip_whitespace(body, colon + 1);
        let end = match self.names.get(i + 1) {
            Some(next) => {
                let comma = skip_whitespace_back(body, next.start.checked_sub(1)?);
                skip_whitespace_back(body, comma.checked_sub(1)?)
            }
            None => {
                let brace = skip_whitespace_back(body, body.len());
                skip_whitespace_back(body, brace.checked_sub(1)?)
            }
        };
        (start <= end).then_some(start..end)
    }
}

/// The first position at or after `from` that is not JSON whitespace.
fn skip_whitespace(body: &[u8], from: usize) -> usize {
    from + body.get(from..).map_or(0, |rest| {
        rest.iter().take_while(|b| is_whitespace(**b)).count()
    })
}

/// The position just after the last byte before `to` that is not JSON whitespace.
fn skip_whitespace_back(body: &[u8], to: usize) -> usize {
    to - body.get(..to).map_or(0, |head| {
        head.iter().rev().take_while(|b| is_whitespace(**b)).count()
    })
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// The byte ranges of an object's member names, read as slices of the body (a name with an
/// escape is not one, and fails the pass).
struct Names<'b>(&'b [u8]);

impl<'de> de::Visitor<'de> for Names<'_> {
    /// Each name's range.
    type Value = Vec<Range<usize>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Room for the members of a typical API object without growing.
        let mut names = Vec::with_capacity(map.size_hint().unwrap_or(32));
        while let Some(name) = map.next_key_seed(Name(self.0))? {
            map.next_value::<IgnoredAny>()?;
            names.push(name);
        }
        Ok(names)
    }
}

/// One member name's byte range in the body.
struct Name<'b>(&'b [u8]);

impl<'de> DeserializeSeed<'de> for Name<'_> {
    type Value = Range<usize>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> de::Visitor<'de> for Name<'_> {
    type Value = Range<usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name without escapes")
    }

    fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Self::Value, E> {
        let start = (name.as_ptr() as usize).wrapping_sub(self.0.as_ptr() as usize);
        let range = start..start + name.len();
        // A name borrowed from the body, checked rather than assumed.
        if self
            .0
            .get(range.clone())
            .is_some_and(|text| std::ptr::eq(text.as_ptr(), name.as_ptr()))
        {
            Ok(range)
        } else {
            Err(E::custom("a member name outside the body"))
        }
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Err(E::custom("a member name with an escape"))
    }
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

    /// The body of the tests, compact, pretty-printed, and with whitespace wherever JSON allows.
    fn texts(body: &Value) -> Vec<Vec<u8>> {
        let compact = serde_json::to_vec(body).expect("serializes");
        let pretty = serde_json::to_vec_pretty(body).expect("serializes");
        let mut spaced = Vec::new();
        for byte in &compact {
            match byte {
                b'{' | b'[' | b':' | b',' => {
                    spaced.extend_from_slice(b" \r\n");
                    spaced.push(*byte);
                    spaced.extend_from_slice(b"\t ");
                }
                b'}' | b']' => {
                    spaced.push(b' ');
                    spaced.push(*byte);
                    spaced.push(b'\n');
                }
                other => spaced.push(*other),
            }
        }
        vec![compact, pretty, spaced]
    }

    /// Reads `pointer` in `text` as `T` both ways: from the whole body, and through its members.
    fn both<T: DeserializeOwned + PartialEq + fmt::Debug>(
        text: &[u8],
        pointer: &str,
    ) -> Option<Option<T>> {
        let whole = at_pointer::<T>(text, pointer);
        let members = Members::of(text).expect("an object without escaped names");
        assert_eq!(members.at_pointer::<T>(text, pointer), whole, "{pointer}");
        whole
    }

    #[test]
    fn reads_what_the_slow_path_reads() {
        let body = json!({
            "simId": "8981", "status": "active", "groupId": null, "n": 3, "x": 1.5,
            "a/b": {"c~d": ["zero", {"deep": true}]}, "list": [10, 20, 30],
            "dup": 1, "": "empty name"
        });
        for text in texts(&body) {
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
                    both::<Value>(&text, pointer),
                    slow::<Value>(&body, pointer),
                    "{pointer}"
                );
                assert_eq!(
                    both::<String>(&text, pointer),
                    slow::<String>(&body, pointer),
                    "{pointer}"
                );
                assert_eq!(
                    both::<i64>(&text, pointer),
                    slow::<i64>(&body, pointer),
                    "{pointer}"
                );
                assert_eq!(
                    both::<f64>(&text, pointer),
                    slow::<f64>(&body, pointer),
                    "{pointer}"
                );
            }
        }
    }

    #[test]
    fn members_are_only_found_in_an_object_whose_names_have_no_escape() {
        assert!(Members::of(br#"[{"a": 1}]"#).is_none());
        assert!(Members::of(br#""text""#).is_none());
        assert!(Members::of(br#"{"a\u0062": 1}"#).is_none());
        assert!(Members::of(br#"{"a": 1} trailing"#).is_none());
        assert!(Members::of(br#"{"a": 1"#).is_none());
        let empty = Members::of(b" {} ").expect("an object");
        assert_eq!(empty.at_pointer::<i64>(b" {} ", "/a"), Some(None));
    }

    #[test]
    fn the_last_of_repeated_members_wins() {
        let text = br#"{"a": 1, "a": 2}"#;
        let value: Value = serde_json::from_slice(text).expect("parses");
        assert_eq!(both::<i64>(text, "/a"), slow::<i64>(&value, "/a"));
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
