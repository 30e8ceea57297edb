//! A string that must never be printed: credentials and `format: password` inputs.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string: zeroized on drop, redacted in `Debug` and `Display`.
///
/// Generated input structs use it for properties with `format: password`; the client stores every
/// credential in one. Serializing a `Secret` writes the plain value, because the only reason to
/// serialize it is to send it where it belongs (a request body, a saved input file). A workflow
/// run remembers every `Secret` it serializes and masks it in the response excerpts its errors
/// quote, as it does the client's credentials: a server echoing a password back does not put it
/// in an error message.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The plain value. Call it only where the value is sent.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::run::remember_secret(self);
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let secret = Secret::new("hunter2");
        assert!(!format!("{secret:?}").contains("hunter2"));
        assert!(!format!("{secret}").contains("hunter2"));
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn serializes_as_the_plain_string() {
        let secret = Secret::new("s3cr3t");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"s3cr3t\"");
        let back: Secret = serde_json::from_str("\"s3cr3t\"").unwrap();
        assert_eq!(back, secret);
    }
}
