//! A secret value (JWT secret) that never prints itself: `Debug`, `Display` and `Serialize`
//! show a mask with a short fingerprint, so two secrets can be compared without showing either.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

/// A secret string. Only [`Secret::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a value.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The value itself: use only to sign or compare, never to print.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// First 8 hex digits of SHA-256 of the value: equal secrets have equal fingerprints.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.0)
    }

    /// `sha256:1a2b3c4d (16 chars)`: what is shown instead of the value.
    pub fn masked(&self) -> String {
        format!(
            "<secret sha256:{} len {}>",
            self.fingerprint(),
            self.0.chars().count()
        )
    }
}

/// Fingerprint of any secret text (see [`Secret::fingerprint`]).
pub fn fingerprint(s: &str) -> String {
    let d = Sha256::digest(s.as_bytes());
    d.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::new("hunter2-hunter2");
        for shown in [
            format!("{s}"),
            format!("{s:?}"),
            serde_json::to_string(&s).unwrap_or_default(),
        ] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains(&s.fingerprint()), "{shown}");
        }
        assert_ne!(s.fingerprint(), Secret::new("other").fingerprint());
        assert_eq!(
            s.fingerprint(),
            Secret::new("hunter2-hunter2").fingerprint()
        );
    }
}
