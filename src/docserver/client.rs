//! The Document Server's HTTP side: one client builder for every request of the tool, the
//! signed `{"c":"version"}` command-service request and the meaning of its answer.

use super::settings::sign;
use crate::config::Secret;

/// The base of every HTTP client of the tool: no proxy from the environment (probes go where
/// the config says), no redirect followed (a redirect is a finding), no idle connection kept
/// (each probe sees the server as a new client would), rustls.
pub fn builder(insecure: bool) -> reqwest::ClientBuilder {
    crate::probe::init_crypto();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .tls_danger_accept_invalid_certs(insecure)
        .user_agent(concat!("triage502/", env!("CARGO_PKG_VERSION")))
}

/// Text of an error and its sources, without repetition.
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// Meaning of a command-service `error` code.
pub fn error_text(n: i64) -> &'static str {
    match n {
        0 => "no error",
        1 => "document key missing or not found",
        2 => "callback URL not correct",
        3 => "internal server error",
        4 => "no changes applied before forcesave",
        5 => "command not correct",
        6 => "invalid token",
        7 => "token expired",
        _ => "unknown error code",
    }
}

/// The command-service `error` code meaning the token was rejected (secret or header differ).
pub const TOKEN_INVALID: i64 = 6;
/// The command-service `error` code meaning the token is expired (the clocks differ).
pub const TOKEN_EXPIRED: i64 = 7;

/// The `{"c":"version"}` request: its JSON body, and the `Authorization`-style header when
/// signed. The Document Server takes the token from the body or from the header (whose
/// payload is wrapped in `payload`), so both carry one.
#[derive(Debug, Clone)]
pub struct VersionRequest {
    /// JSON body.
    pub body: String,
    /// Header name and `Bearer …` value, when a secret signed the request.
    pub header: Option<(String, String)>,
}

/// Build the version request, signed with `secret` when given, the token in `header`.
pub fn version_request(secret: Option<&Secret>, header: &str) -> Result<VersionRequest, String> {
    let mut body = serde_json::json!({"c": "version"});
    let Some(s) = secret else {
        return Ok(VersionRequest {
            body: body.to_string(),
            header: None,
        });
    };
    let mut claims = serde_json::Map::new();
    claims.insert("c".into(), "version".into());
    let mut payload = serde_json::Map::new();
    payload.insert("payload".into(), serde_json::Value::Object(claims.clone()));
    body["token"] = sign(s, claims)?.into();
    let h = sign(s, payload)?;
    Ok(VersionRequest {
        body: body.to_string(),
        header: Some((header.to_string(), format!("Bearer {h}"))),
    })
}

/// A command-service answer: its `error` code and `version`, when it is one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommandAnswer {
    /// `error`.
    pub code: Option<i64>,
    /// `version`.
    pub version: Option<String>,
    /// Whether the body was JSON at all.
    pub json: bool,
}

impl CommandAnswer {
    /// Read an answer body.
    pub fn parse(body: &str) -> Self {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
            return CommandAnswer::default();
        };
        CommandAnswer {
            code: v.get("error").and_then(|e| e.as_i64()),
            version: v
                .get("version")
                .and_then(|e| e.as_str())
                .map(str::to_string),
            json: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_and_signed_requests() {
        let r = version_request(None, "Authorization").expect("request");
        assert_eq!(r.body, r#"{"c":"version"}"#);
        assert!(r.header.is_none());
        let s = Secret::new("s3cret-for-test");
        let r = version_request(Some(&s), "AuthorizationJwt").expect("request");
        assert!(r.body.contains("\"token\":\"ey"), "{}", r.body);
        let (name, value) = r.header.expect("header");
        assert_eq!(name, "AuthorizationJwt");
        assert!(value.starts_with("Bearer ey"));
        assert!(!r.body.contains("s3cret") && !value.contains("s3cret"));
    }

    #[test]
    fn answers_parse() {
        let a = CommandAnswer::parse(r#"{"error":0,"version":"8.2.0.1"}"#);
        assert_eq!(
            (a.code, a.version.as_deref(), a.json),
            (Some(0), Some("8.2.0.1"), true)
        );
        let a = CommandAnswer::parse("<html>502</html>");
        assert!(!a.json && a.code.is_none());
        assert_eq!(error_text(TOKEN_INVALID), "invalid token");
        assert_eq!(error_text(TOKEN_EXPIRED), "token expired");
    }
}
