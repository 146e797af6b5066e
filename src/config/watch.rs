//! The schema of `triage502 watch`: `[watch]` (how long a finding must hold before it alerts,
//! how fast one receiver may be sent to, silences) and the `[[alert]]` receivers (generic
//! webhook, Slack, WeCom, DingTalk, Feishu, a command). Receiver URLs carry tokens and the
//! signing keys are secrets: both are [`Secret`]s, so `config show` and every other output
//! masks them.

use super::{Problem, Secret};
use crate::tr;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `[watch]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WatchSettings {
    /// Rounds a finding must be present in a row before it alerts (at least 1).
    pub hold_rounds: u32,
    /// Seconds between two messages to one receiver (later ones wait their turn).
    pub min_interval_s: u64,
    /// Findings not alerted on until a time.
    #[serde(rename = "silence", skip_serializing_if = "Vec::is_empty")]
    pub silences: Vec<Silence>,
}

impl Default for WatchSettings {
    fn default() -> Self {
        WatchSettings {
            hold_rounds: 2,
            min_interval_s: 2,
            silences: Vec::new(),
        }
    }
}

/// `[[watch.silence]]`: no alert about `finding` (an id, or `all`) until `until`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Silence {
    /// A finding id (`service_down`), or `all`.
    pub finding: String,
    /// RFC 3339, in quotes: `"2026-12-04T08:00:00Z"`.
    pub until: DateTime<Utc>,
    /// Why (shown in the log when an alert is held back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Silence {
    /// Whether this silence holds back alerts about `id` at `now`.
    pub fn covers(&self, id: &str, now: DateTime<Utc>) -> bool {
        now < self.until && (self.finding == "all" || self.finding == id)
    }
}

/// What a receiver is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ReceiverKind {
    /// POST of the alert JSON (`schema`, `event`, `host`, `profile`, `finding`, ...).
    Webhook,
    /// Slack incoming webhook (`{"text": ...}`).
    Slack,
    /// WeCom (企业微信) group robot (`msgtype` text).
    Wecom,
    /// DingTalk (钉钉) robot, signed with `secret` when given.
    Dingtalk,
    /// Feishu / Lark (飞书) bot, signed with `secret` when given.
    Feishu,
    /// A program (argv, never a shell) given the alert JSON on standard input.
    Command,
}

impl ReceiverKind {
    /// The name used in the config.
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiverKind::Webhook => "webhook",
            ReceiverKind::Slack => "slack",
            ReceiverKind::Wecom => "wecom",
            ReceiverKind::Dingtalk => "dingtalk",
            ReceiverKind::Feishu => "feishu",
            ReceiverKind::Command => "command",
        }
    }
}

/// The least severity a receiver is told about.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Default)]
#[serde(rename_all = "lowercase")]
pub enum MinSeverity {
    /// WARN and FAIL findings.
    #[default]
    Warn,
    /// FAIL findings only (users affected).
    Fail,
}

/// `[[alert]]`: one receiver.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AlertReceiver {
    /// Unique name (a metric label and in the log): letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// What it is.
    pub kind: ReceiverKind,
    /// Where to post (every kind but `command`); it holds a token, so it is masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<Secret>,
    /// The program and its arguments (`command` only); never a shell.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub argv: Vec<String>,
    /// The signing key of a DingTalk robot (`SEC…`) or a Feishu bot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<Secret>,
    /// `warn` (default) or `fail`.
    #[serde(default)]
    pub min_severity: MinSeverity,
}

/// Longest receiver name.
const NAME_MAX: usize = 64;

/// The problems of `[watch]` and the `[[alert]]` tables (names, what each kind needs).
pub fn problems(w: &WatchSettings, alerts: &[AlertReceiver]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut p = |m: String, h: String| out.push(Problem::plain(m, Some(h)));
    if w.hold_rounds == 0 {
        p(
            tr!("config-watch-hold-rounds-zero"),
            tr!("config-watch-hold-rounds-hint"),
        );
    }
    for s in &w.silences {
        if s.finding.is_empty() {
            p(
                tr!("config-watch-silence-empty"),
                tr!("config-watch-silence-empty-hint"),
            );
        }
    }
    let mut names = std::collections::HashSet::new();
    for a in alerts {
        let n = &a.name;
        let ok = !n.is_empty()
            && n.len() <= NAME_MAX
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok {
            p(
                tr!(
                    "config-watch-name-unusable",
                    name = crate::sanitize::field(n)
                ),
                tr!("config-watch-name-unusable-hint", max = NAME_MAX),
            );
        }
        if !names.insert(n.clone()) {
            p(
                tr!("config-watch-name-twice", name = n),
                tr!("config-watch-name-twice-hint"),
            );
        }
        let kind = a.kind.as_str();
        match (a.kind, &a.url, a.argv.is_empty()) {
            (ReceiverKind::Command, None, false) => {}
            (ReceiverKind::Command, _, _) => p(
                tr!("config-watch-command-needs-argv", name = n),
                // An example value, the same in every language.
                "argv = [\"/usr/local/bin/page-oncall\", \"--team\", \"office\"]".into(),
            ),
            (_, Some(u), true) => {
                let scheme = url::Url::parse(u.expose())
                    .ok()
                    .map(|u| u.scheme().to_string());
                if !matches!(scheme.as_deref(), Some("http" | "https")) {
                    p(
                        tr!("config-watch-url-not-http", name = n),
                        tr!("config-watch-url-not-http-hint"),
                    );
                }
            }
            _ => p(
                tr!("config-watch-needs-url", name = n, kind = kind),
                tr!("config-watch-needs-url-hint"),
            ),
        }
        if a.secret.is_some() && !matches!(a.kind, ReceiverKind::Dingtalk | ReceiverKind::Feishu) {
            p(
                tr!("config-watch-secret-kind", name = n),
                tr!("config-watch-secret-kind-hint"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::config::parse;

    #[test]
    fn receivers_parse_and_secrets_are_masked() {
        let c = parse(
            "[watch]\nhold_rounds = 3\nmin_interval_s = 0\n[[watch.silence]]\nfinding = \"all\"\nuntil = \"2030-01-01T00:00:00Z\"\n\
             [[alert]]\nname = \"ding\"\nkind = \"dingtalk\"\nurl = \"https://oapi.dingtalk.com/robot/send?access_token=tok-abcdef123456\"\nsecret = \"SECsigning-key-987654\"\nmin_severity = \"fail\"\n\
             [[alert]]\nname = \"page\"\nkind = \"command\"\nargv = [\"/bin/true\"]\n",
            "t",
        )
        .expect("parses");
        assert_eq!(c.watch.hold_rounds, 3);
        assert_eq!(c.alerts.len(), 2);
        let shown = c.to_masked_toml();
        assert!(!shown.contains("tok-abcdef123456"), "{shown}");
        assert!(!shown.contains("signing-key-987654"), "{shown}");
        assert!(
            shown.contains("[[alert]]") && shown.contains("dingtalk"),
            "{shown}"
        );
        assert!(c.watch.silences[0].covers("service_down", chrono::Utc::now()));
    }

    #[test]
    fn bad_receivers_are_explained() {
        for (text, want) in [
            ("[[alert]]\nname = \"a\"\nkind = \"slack\"\n", "needs url"),
            (
                "[[alert]]\nname = \"a\"\nkind = \"command\"\nurl = \"http://x/\"\n",
                "needs argv",
            ),
            (
                "[[alert]]\nname = \"a b\"\nkind = \"slack\"\nurl = \"https://x/\"\n",
                "not usable",
            ),
            (
                "[[alert]]\nname = \"a\"\nkind = \"slack\"\nurl = \"ftp://x/\"\n",
                "http(s)",
            ),
            (
                "[[alert]]\nname = \"a\"\nkind = \"slack\"\nurl = \"https://x/\"\nsecret = \"s\"\n",
                "dingtalk and feishu",
            ),
            ("[watch]\nhold_rounds = 0\n", "at least 1"),
            (
                "[[alert]]\nname = \"a\"\nkind = \"pager\"\nurl = \"https://x/\"\n",
                "unknown variant",
            ),
        ] {
            let e = parse(text, "t").expect_err(text).to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
    }
}
