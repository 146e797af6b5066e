//! Masks secrets in anything an action shows or logs: JWTs (`eyJ…` three base64url segments
//! separated by dots) and the configured `onlyoffice.jwt_secret` value.

use crate::config::{Config, Secret};
pub use crate::util::{JWT_MASK, mask_jwts};

/// Redacts one configured secret and every JWT-looking token.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<Secret>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// A redactor for the secrets of a config.
    pub fn from_config(cfg: &Config) -> Self {
        let mut r = Redactor::default();
        if let Some(s) = &cfg.onlyoffice.jwt_secret {
            r.add(s.clone());
        }
        r
    }

    /// Also mask this secret (empty values are ignored: they would match everywhere).
    pub fn add(&mut self, s: Secret) {
        if !s.expose().is_empty() {
            self.secrets.push(s);
        }
    }

    /// The text with secrets masked.
    pub fn redact(&self, text: &str) -> String {
        let mut out = mask_jwts(text);
        for s in &self.secrets {
            if out.contains(s.expose()) {
                out = out.replace(s.expose(), &s.masked());
            }
        }
        out
    }

    /// Every element redacted.
    pub fn redact_all(&self, v: &[String]) -> Vec<String> {
        v.iter().map(|s| self.redact(s)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_jwts_anywhere() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJjIjoidmVyc2lvbiJ9.dGVzdHNpZ25hdHVyZQ";
        let t = format!("Authorization: Bearer {jwt} tail");
        assert_eq!(
            mask_jwts(&t),
            format!("Authorization: Bearer {JWT_MASK} tail")
        );
        assert_eq!(mask_jwts(jwt), JWT_MASK);
        assert_eq!(
            mask_jwts(&format!("token={jwt}")),
            format!("token={JWT_MASK}")
        );
        // Not JWTs.
        for s in [
            "eyJ",
            "eyJabc",
            "eyJab.cd",
            "keyJab.cd.ef",
            "plain text é ü",
        ] {
            assert_eq!(mask_jwts(s), s);
        }
        // Unsigned token: empty third segment.
        assert_eq!(mask_jwts("eyJhbGc.eyJhYmM. x"), format!("{JWT_MASK} x"));
    }

    #[test]
    fn masks_the_configured_secret() {
        let cfg = crate::config::parse("[onlyoffice]\njwt_secret = \"s3cr3t-Value-42\"\n", "t")
            .expect("config parses");
        let r = Redactor::from_config(&cfg);
        let out = r.redact("secret is s3cr3t-Value-42!");
        assert!(!out.contains("s3cr3t-Value-42"), "{out}");
        assert!(out.contains("<secret hmac:"), "{out}");
        assert_eq!(Redactor::default().redact("abc"), "abc");
    }
}
