//! The stable failure classes and the text shown for each of them.
//!
//! A [`Class`] is what an nginx error-log entry or a Document Server `out.log` entry means for a
//! 502/504 incident. The ids are stable (JSON output, config files, tests outside the project
//! rely on them); the explanation, causes, next check and "what the client got" are the words
//! the console and the report put in front of an administrator.

use crate::tr;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Failure class of one log entry. Serialized as its [`Class::id`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Class {
    // ---- nginx error log (DESIGN.md table) ----
    UpstreamRefused,
    UpstreamConnectTimeout,
    UpstreamReadTimeout,
    UpstreamUnreachable,
    NoLiveUpstreams,
    UpstreamDisabled,
    UpstreamClosed,
    UpstreamReset,
    HeaderTooBig,
    InvalidResponse,
    SocketMissing,
    PermissionDenied,
    DnsFailure,
    UpstreamTls,
    ClientBodyTooLarge,
    NginxEmerg,
    // ---- ONLYOFFICE Document Server out.log ----
    DsJwtInvalidSignature,
    DsJwtMalformed,
    DsJwtMissing,
    DsJwtExpired,
    DsJwtInvalid,
    DsStorageRefused,
    DsStorageNotFound,
    DsStorageTimeout,
    DsStorageCert,
    DsStoragePrivateIp,
    DsStorageError,
    DsCallbackFailed,
    DsRabbitmq,
    DsDatabase,
    DsRedis,
    DsHealthcheck,
    DsStorageDenied,
    DsStorageTooLarge,
    DsIpFilter,
    DsDatabaseQuery,
    DsConverterKilled,
    DsConvertTimeout,
    DsDiskFull,
    DsConfigParse,
    DsPortInUse,
    DsInstallBroken,
    DsStarted,
    /// Anything else: notices, client-side errors, unrecognised messages.
    Other,
}

/// The words shown for a class (in the current language).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassInfo {
    /// One sentence: what happened.
    pub explanation: String,
    /// The usual causes, most likely first.
    pub causes: String,
    /// The next thing to check, as a concrete action.
    pub next_check: String,
    /// What the client got: `"502"`, `"504"`, or `"—"` when this line alone says nothing
    /// about the client's answer.
    pub client_gets: &'static str,
}

impl Class {
    /// Every class, in display order (nginx classes, Document Server classes, `other`).
    pub const ALL: [Class; 44] = [
        Class::UpstreamRefused,
        Class::UpstreamConnectTimeout,
        Class::UpstreamReadTimeout,
        Class::UpstreamUnreachable,
        Class::NoLiveUpstreams,
        Class::UpstreamDisabled,
        Class::UpstreamClosed,
        Class::UpstreamReset,
        Class::HeaderTooBig,
        Class::InvalidResponse,
        Class::SocketMissing,
        Class::PermissionDenied,
        Class::DnsFailure,
        Class::UpstreamTls,
        Class::ClientBodyTooLarge,
        Class::NginxEmerg,
        Class::DsJwtInvalidSignature,
        Class::DsJwtMalformed,
        Class::DsJwtMissing,
        Class::DsJwtExpired,
        Class::DsJwtInvalid,
        Class::DsStorageRefused,
        Class::DsStorageNotFound,
        Class::DsStorageTimeout,
        Class::DsStorageCert,
        Class::DsStoragePrivateIp,
        Class::DsStorageError,
        Class::DsCallbackFailed,
        Class::DsRabbitmq,
        Class::DsDatabase,
        Class::DsRedis,
        Class::DsHealthcheck,
        Class::DsStorageDenied,
        Class::DsStorageTooLarge,
        Class::DsIpFilter,
        Class::DsDatabaseQuery,
        Class::DsConverterKilled,
        Class::DsConvertTimeout,
        Class::DsDiskFull,
        Class::DsConfigParse,
        Class::DsPortInUse,
        Class::DsInstallBroken,
        Class::DsStarted,
        Class::Other,
    ];

    /// Number of classes (for dense counters indexed by [`Class::index`]).
    pub const COUNT: usize = Self::ALL.len();

    /// Dense index in [`Class::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The stable snake_case id.
    pub fn id(self) -> &'static str {
        match self {
            Class::UpstreamRefused => "upstream_refused",
            Class::UpstreamConnectTimeout => "upstream_connect_timeout",
            Class::UpstreamReadTimeout => "upstream_read_timeout",
            Class::UpstreamUnreachable => "upstream_unreachable",
            Class::NoLiveUpstreams => "no_live_upstreams",
            Class::UpstreamDisabled => "upstream_disabled",
            Class::UpstreamClosed => "upstream_closed",
            Class::UpstreamReset => "upstream_reset",
            Class::HeaderTooBig => "header_too_big",
            Class::InvalidResponse => "invalid_response",
            Class::SocketMissing => "socket_missing",
            Class::PermissionDenied => "permission_denied",
            Class::DnsFailure => "dns_failure",
            Class::UpstreamTls => "upstream_tls",
            Class::ClientBodyTooLarge => "client_body_too_large",
            Class::NginxEmerg => "nginx_emerg",
            Class::DsJwtInvalidSignature => "ds_jwt_invalid_signature",
            Class::DsJwtMalformed => "ds_jwt_malformed",
            Class::DsJwtMissing => "ds_jwt_missing",
            Class::DsJwtExpired => "ds_jwt_expired",
            Class::DsJwtInvalid => "ds_jwt_invalid",
            Class::DsStorageRefused => "ds_storage_refused",
            Class::DsStorageNotFound => "ds_storage_not_found",
            Class::DsStorageTimeout => "ds_storage_timeout",
            Class::DsStorageCert => "ds_storage_cert",
            Class::DsStoragePrivateIp => "ds_storage_private_ip",
            Class::DsStorageError => "ds_storage_error",
            Class::DsCallbackFailed => "ds_callback_failed",
            Class::DsRabbitmq => "ds_rabbitmq",
            Class::DsDatabase => "ds_database",
            Class::DsRedis => "ds_redis",
            Class::DsHealthcheck => "ds_healthcheck",
            Class::DsStorageDenied => "ds_storage_denied",
            Class::DsStorageTooLarge => "ds_storage_too_large",
            Class::DsIpFilter => "ds_ip_filter",
            Class::DsDatabaseQuery => "ds_database_query",
            Class::DsConverterKilled => "ds_converter_killed",
            Class::DsConvertTimeout => "ds_convert_timeout",
            Class::DsDiskFull => "ds_disk_full",
            Class::DsConfigParse => "ds_config_parse",
            Class::DsPortInUse => "ds_port_in_use",
            Class::DsInstallBroken => "ds_install_broken",
            Class::DsStarted => "ds_started",
            Class::Other => "other",
        }
    }

    /// The class with this id, if any.
    pub fn from_id(id: &str) -> Option<Class> {
        Self::ALL.iter().copied().find(|c| c.id() == id)
    }

    /// Whether an entry of this class reports a failure: every class but `other` and the
    /// Document Server's start line (`ds_started`, a marker that lines before it are history).
    pub fn is_failure(self) -> bool {
        !matches!(self, Class::Other | Class::DsStarted)
    }

    /// True for the Document Server classes.
    pub fn is_docserver(self) -> bool {
        self.id().starts_with("ds_")
    }

    /// The text shown for this class, in the current language (the catalogue's
    /// `logclass-<id>-what`, `-causes`, `-next`).
    pub fn info(self) -> ClassInfo {
        ClassInfo {
            explanation: self.explanation(),
            causes: self.causes(),
            next_check: self.next_check(),
            client_gets: self.client_gets(),
        }
    }

    /// One of the class's texts from the catalogue: `part` is `what`, `causes` or `next`.
    fn text(self, part: &str) -> String {
        let id = format!("logclass-{}-{part}", self.id());
        crate::i18n::text(crate::i18n::current(), &id, &[])
    }

    /// Short explanation (see [`ClassInfo::explanation`]).
    pub fn explanation(self) -> String {
        self.text("what")
    }
    /// Usual causes (see [`ClassInfo::causes`]).
    pub fn causes(self) -> String {
        self.text("causes")
    }
    /// Next thing to check (see [`ClassInfo::next_check`]).
    pub fn next_check(self) -> String {
        self.text("next")
    }
    /// What the client got (see [`ClassInfo::client_gets`]): an HTTP status, not text.
    pub fn client_gets(self) -> &'static str {
        match self {
            Class::UpstreamRefused
            | Class::UpstreamUnreachable
            | Class::NoLiveUpstreams
            | Class::UpstreamClosed
            | Class::UpstreamReset
            | Class::HeaderTooBig
            | Class::InvalidResponse
            | Class::SocketMissing
            | Class::PermissionDenied
            | Class::DnsFailure
            | Class::UpstreamTls => "502",
            Class::UpstreamConnectTimeout | Class::UpstreamReadTimeout => "504",
            Class::ClientBodyTooLarge => "413",
            _ => "—",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Class {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Class {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Class::from_id(&s).ok_or_else(|| {
            serde::de::Error::custom(tr!("logs-class-unknown", id = format!("{s:?}")))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (i, c) in Class::ALL.iter().enumerate() {
            assert_eq!(c.index(), i, "ALL order must match discriminants");
            assert!(seen.insert(c.id()), "duplicate id {}", c.id());
            assert_eq!(Class::from_id(c.id()), Some(*c));
            assert!(
                c.id()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch == '_')
            );
            let info = c.info();
            assert!(!info.explanation.is_empty() && !info.next_check.is_empty());
        }
        assert_eq!(Class::from_id("nope"), None);
    }

    /// Each class's three texts are in the catalogue (a missing id would show as the id).
    #[test]
    fn every_class_has_its_texts_in_both_languages() {
        for l in crate::i18n::Lang::ALL {
            let _lang = crate::i18n::scoped(l);
            for c in Class::ALL {
                for part in ["what", "causes", "next"] {
                    let t = c.text(part);
                    assert!(!t.starts_with("logclass-"), "{}: {t} missing", l.tag());
                }
            }
        }
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        assert_ne!(
            Class::UpstreamRefused.explanation(),
            crate::i18n::text(crate::i18n::Lang::En, "logclass-upstream_refused-what", &[])
        );
    }

    /// The README's class table lists every class, so a new class cannot land undocumented.
    #[test]
    fn readme_lists_every_class() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
            .expect("README.md");
        for c in Class::ALL {
            assert!(
                readme.contains(&format!("| `{}` |", c.id())),
                "README's class table lacks {}",
                c.id()
            );
        }
    }

    #[test]
    fn serde_uses_the_id() {
        let json = serde_json::to_string(&Class::UpstreamRefused).expect("serialize");
        assert_eq!(json, "\"upstream_refused\"");
        let back: Class = serde_json::from_str("\"ds_jwt_expired\"").expect("deserialize");
        assert_eq!(back, Class::DsJwtExpired);
        assert!(serde_json::from_str::<Class>("\"bogus\"").is_err());
    }

    #[test]
    fn client_gets_matches_design_table() {
        assert_eq!(Class::UpstreamRefused.client_gets(), "502");
        assert_eq!(Class::UpstreamConnectTimeout.client_gets(), "504");
        assert_eq!(Class::UpstreamReadTimeout.client_gets(), "504");
        assert_eq!(Class::UpstreamDisabled.client_gets(), "—");
    }
}
