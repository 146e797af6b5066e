//! The headless `fleet` outputs of a [`FleetState`]: a text table, one JSON object, one
//! Nagios line. An unreachable or unanswered host counts as UNKNOWN; the exit code is the
//! worst state's Nagios code, as `check`'s is. Every string that came from a host or from
//! ssh leaves through [`crate::sanitize`].

use super::{Answer, FleetState, HostView};
use crate::i18n::state_word;
use crate::report::{pad, pad_left};
use crate::sanitize::field;
use crate::tr;
use crate::verdict::State;
use chrono::Utc;
use serde::Serialize;

/// A host in the JSON.
#[derive(Serialize)]
struct HostJson<'a> {
    name: &'a str,
    destination: &'a str,
    state: State,
    exit_code: i32,
    /// `answered`, `failed` or `pending`.
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_finding: Option<&'a str>,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    received: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a super::Failure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a super::remote::RemoteCheck>,
}

/// The `fleet --format json` object.
#[derive(Serialize)]
struct FleetJson<'a> {
    schema: u32,
    version: &'static str,
    at: String,
    state: State,
    exit_code: i32,
    hosts: Vec<HostJson<'a>>,
}

fn host_json(h: &HostView) -> HostJson<'_> {
    let (status, error, result) = match &h.answer {
        Answer::Pending => ("pending", None, None),
        Answer::Failed(f) => ("failed", Some(f), None),
        Answer::Result(r) => ("answered", None, Some(r.as_ref())),
    };
    HostJson {
        name: &h.target.name,
        destination: &h.target.destination,
        state: h.state(),
        exit_code: h.state().nagios_code(),
        status,
        version: h.version(),
        top_finding: result.and_then(|r| r.top()).map(|f| f.id.as_str()),
        summary: h.summary(),
        received: h.received.map(|t| t.to_rfc3339()),
        error,
        result,
    }
}

/// `fleet --format json`: one object, escaped and redacted, with a newline.
pub fn json(s: &FleetState) -> String {
    let o = s.overall();
    let j = FleetJson {
        schema: 1,
        version: crate::report::VERSION,
        at: Utc::now().to_rfc3339(),
        state: o,
        exit_code: o.nagios_code(),
        hosts: s.hosts.iter().map(host_json).collect(),
    };
    crate::sanitize::json_pretty(&j) + "\n"
}

/// `fleet --format text`: a table, one host a line (state with symbol and word).
pub fn text(s: &FleetState) -> String {
    let now = Utc::now();
    let col_host = tr!("fleet-text-col-host");
    let name_w = s
        .hosts
        .iter()
        .map(|h| field(&h.target.name).chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 40)
        .max(unicode_width::UnicodeWidthStr::width(col_host.as_str()));
    let o = s.overall();
    let mut out = tr!(
        "fleet-text-title",
        count = s.hosts.len(),
        symbol = o.symbol(),
        state = state_word(o)
    );
    out.push_str(&format!(
        "\n\n  {} {}  {}  {}  {}\n",
        pad(&tr!("fleet-text-col-state"), 9),
        pad(&col_host, name_w),
        pad(&tr!("fleet-text-col-version"), 8),
        pad_left(&tr!("fleet-text-col-age"), 5),
        tr!("fleet-text-col-why")
    ));
    for h in &s.hosts {
        let st = h.state();
        let name = crate::util::shorten(&field(&h.target.name), name_w);
        out.push_str(&format!(
            "{} {} {:<name_w$}  {:<8}  {:>5}  {}\n",
            st.symbol(),
            pad(&state_word(st), 7),
            name,
            crate::util::shorten(&field(h.version().unwrap_or("—")), 8),
            age(h.age_s(now)),
            field(&h.summary())
        ));
    }
    crate::sanitize::text(&out)
}

/// An age for the table: `12s`, `5m`, `3h`, `—`.
pub fn age(s: Option<i64>) -> String {
    match s {
        None => "—".into(),
        Some(s) if s < 120 => format!("{s}s"),
        Some(s) if s < 7200 => format!("{}m", s / 60),
        Some(s) => format!("{}h", s / 3600),
    }
}

/// `fleet --format nagios`: one status line; the hosts not OK each with why.
pub fn nagios(s: &FleetState) -> String {
    let o = s.overall();
    let count = |st: State| s.hosts.iter().filter(|h| h.state() == st).count();
    let mut parts = vec![format!(
        // i18n: not text (the Nagios line is English)
        "{} hosts: {} OK, {} WARNING, {} CRITICAL, {} UNKNOWN",
        s.hosts.len(),
        count(State::Ok),
        count(State::Warn),
        count(State::Fail),
        count(State::Unknown)
    )];
    for h in s.hosts.iter().filter(|h| h.state() != State::Ok) {
        parts.push(format!(
            "{} {}: {}",
            h.target.name,
            h.state().nagios_word(),
            crate::util::shorten(&h.summary(), 160)
        ));
    }
    let perf: Vec<String> = [State::Ok, State::Warn, State::Fail, State::Unknown]
        .iter()
        .map(|st| format!("'{}'={}", st.nagios_word().to_lowercase(), count(*st)))
        .collect();
    field(&format!(
        "TRIAGE502 FLEET {} - {} | {}",
        o.nagios_word(),
        parts.join("; ").replace('|', "/"),
        perf.join(" ")
    )) + "\n"
}

#[cfg(test)]
mod tests {
    use super::super::{Failure, FleetEvent, Reach, Target};
    use super::*;

    fn state() -> FleetState {
        let t = [Target::destination("good"), Target::destination("gone")];
        let mut s = FleetState::new(&t);
        let r = super::super::remote::RemoteCheck::parse(
            br#"{"schema":1,"version":"0.1.0","state":"OK","all_clear":true}"#,
        )
        .expect("parses");
        s.apply(FleetEvent::Answered(0, Answer::Result(Box::new(r))));
        s.apply(FleetEvent::Answered(
            1,
            Answer::Failed(Failure::new(
                Reach::Dns,
                "Could not resolve hostname gone: Name or service not known\u{202e}|x",
            )),
        ));
        s
    }

    #[test]
    fn nagios_counts_the_unreachable_host_unknown_in_one_safe_line() {
        let line = nagios(&state());
        assert!(
            line.starts_with("TRIAGE502 FLEET UNKNOWN - 2 hosts: 1 OK"),
            "{line}"
        );
        assert!(
            line.contains("gone UNKNOWN: DNS: Could not resolve"),
            "{line}"
        );
        assert!(!line.contains('\u{202e}'), "{line}");
        assert_eq!(line.matches('|').count(), 1, "{line}");
        assert_eq!(line.lines().count(), 1);
    }

    #[test]
    fn json_has_each_host_state_and_reason() {
        let v: serde_json::Value = serde_json::from_str(&json(&state())).expect("json");
        assert_eq!(v["exit_code"], 3);
        assert_eq!(v["hosts"][0]["state"], "OK");
        assert_eq!(v["hosts"][0]["version"], "0.1.0");
        assert_eq!(v["hosts"][1]["state"], "UNKNOWN");
        assert_eq!(v["hosts"][1]["error"]["kind"], "dns");
        let t = text(&state());
        assert!(t.contains("✔ OK      good"), "{t}");
        assert!(t.contains("? UNKNOWN gone"), "{t}");
    }
}
