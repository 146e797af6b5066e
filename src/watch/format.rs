//! What each receiver kind is sent: the generic JSON (also a command's standard input), and
//! the documented text messages of Slack (incoming webhook `{"text"}`), WeCom group robot
//! (`{"msgtype":"text","text":{"content"}}`, content at most 2048 bytes), DingTalk robot (the
//! same body; signed: `timestamp` in ms and `sign` = URL-encoded base64 of
//! HMAC-SHA256(key = secret, timestamp + "\n" + secret) added to the URL) and Feishu bot
//! (`{"msg_type":"text","content":{"text"}}`; signed: `timestamp` in s and `sign` = base64 of
//! HMAC-SHA256(key = timestamp + "\n" + secret, empty message) in the body).
//!
//! Everything taken from the box (a finding's title, evidence, next steps) is redacted and
//! stripped of control characters first: the message ends up on a phone, never with a secret.

use super::alerts::{Alert, Event};
use crate::config::watch::ReceiverKind;
use crate::i18n::state_word;
use crate::tr;
use base64::Engine as _;
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde_json::{Value, json};
use sha2::Sha256;

/// What a receiver needs besides the alert: where the box is.
pub struct Origin<'a> {
    /// This host's name.
    pub host: &'a str,
    /// The config's profile.
    pub profile: &'a str,
}

/// The generic JSON: `schema`, `event`, `host`, `profile`, `finding` (the object `check
/// --format json` puts in `findings[]`, redacted), `started_at`, `resolved_at`.
pub fn generic(a: &Alert, o: &Origin<'_>) -> Value {
    // Through the same redacting, escaping serialiser as check's JSON.
    let finding: Value =
        serde_json::from_str(&crate::sanitize::json(&a.finding)).unwrap_or(Value::Null);
    json!({
        "schema": 1,
        "event": a.event.as_str(),
        "host": clean(o.host),
        "profile": clean(o.profile),
        "finding": finding,
        "started_at": a.started_at.to_rfc3339(),
        "resolved_at": a.resolved_at.map(|t| t.to_rfc3339()),
    })
}

/// One line, redacted, without control characters.
fn clean(s: &str) -> String {
    crate::sanitize::field(s)
}

/// Most characters of a text message (WeCom takes 2048 bytes; a phone screen far less).
pub const TEXT_MAX: usize = 600;

/// The short text of an alert, readable on a phone: a symbol and a word, the finding id and
/// host, its title, then how long (resolved) or the first next step (firing, escalated).
pub fn text(a: &Alert, o: &Origin<'_>) -> String {
    let f = &a.finding;
    let (sym, word) = match a.event {
        Event::Firing => (
            f.severity.symbol(),
            tr!("alert-text-firing", state = state_word(f.severity)),
        ),
        Event::Escalated => (
            "⬆",
            tr!("alert-text-escalated", state = state_word(f.severity)),
        ),
        Event::Resolved => ("✔", tr!("alert-text-resolved")),
    };
    let mut t = tr!(
        "alert-text-head",
        symbol = sym,
        event = word,
        id = f.id,
        host = clean(o.host),
        profile = clean(o.profile)
    );
    t.push('\n');
    t.push_str(&clean(&f.title));
    match (a.event, a.resolved_at) {
        (Event::Resolved, Some(end)) => {
            let secs = (end - a.started_at).num_seconds();
            let d = crate::engine::human_duration(secs);
            t.push('\n');
            t.push_str(&tr!("alert-text-recovered", duration = d));
        }
        _ => {
            let at = a.started_at.format("%Y-%m-%d %H:%M:%S UTC");
            t.push('\n');
            t.push_str(&tr!("alert-text-since", at = at));
            if let Some(n) = f.next_steps.first() {
                t.push('\n');
                t.push_str(&tr!("alert-text-next", step = clean(n)));
            }
        }
    }
    crate::util::shorten(&t, TEXT_MAX)
}

/// HMAC-SHA256 of `msg` under `key`, base64.
fn hmac_b64(key: &[u8], msg: &[u8]) -> String {
    // i18n: not text (cannot happen: a panic's message)
    let mut mac = <Hmac<Sha256>>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(msg);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// DingTalk's signature of `timestamp_ms` (base64, before URL-encoding).
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    hmac_b64(
        secret.as_bytes(),
        format!("{timestamp_ms}\n{secret}").as_bytes(),
    )
}

/// Feishu's signature of `timestamp_s`.
pub fn feishu_sign(secret: &str, timestamp_s: i64) -> String {
    hmac_b64(format!("{timestamp_s}\n{secret}").as_bytes(), b"")
}

/// A request to make: the URL (with DingTalk's signature) and the JSON body.
pub struct Request {
    /// Where to post.
    pub url: String,
    /// The body.
    pub body: Value,
}

/// The request of an HTTP receiver for `a` (`None` for a command: it gets [`generic`]).
pub fn request(
    kind: ReceiverKind,
    url: &str,
    secret: Option<&str>,
    a: &Alert,
    o: &Origin<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Request> {
    let text = text(a, o);
    let mut url = url.to_string();
    let body = match kind {
        ReceiverKind::Command => return None,
        ReceiverKind::Webhook => generic(a, o),
        ReceiverKind::Slack => json!({ "text": text }),
        ReceiverKind::Wecom => json!({ "msgtype": "text", "text": { "content": text } }),
        ReceiverKind::Dingtalk => {
            if let Some(s) = secret {
                let ts = now.timestamp_millis();
                let sign = dingtalk_sign(s, ts);
                let sep = if url.contains('?') { '&' } else { '?' };
                let enc: String = url::form_urlencoded::byte_serialize(sign.as_bytes()).collect();
                url.push_str(&format!("{sep}timestamp={ts}&sign={enc}"));
            }
            json!({ "msgtype": "text", "text": { "content": text } })
        }
        ReceiverKind::Feishu => {
            let mut b = json!({ "msg_type": "text", "content": { "text": text } });
            if let (Some(s), Some(obj)) = (secret, b.as_object_mut()) {
                let ts = now.timestamp();
                obj.insert("timestamp".into(), json!(ts.to_string()));
                obj.insert("sign".into(), json!(feishu_sign(s, ts)));
            }
            b
        }
    };
    Some(Request { url, body })
}

/// Whether a receiver's answer (HTTP 2xx already) says the message was taken: WeCom and
/// DingTalk answer `{"errcode":0}`, Feishu `{"code":0}` (older: `StatusCode`), a non-zero
/// code being a refusal (bad signature, keyword missing, rate limit) with its message.
pub fn accepted(kind: ReceiverKind, body: &[u8]) -> Result<(), String> {
    let key = match kind {
        ReceiverKind::Wecom | ReceiverKind::Dingtalk => "errcode",
        ReceiverKind::Feishu => "code",
        _ => return Ok(()),
    };
    let v: Value = serde_json::from_slice(body).map_err(|_| tr!("alert-answer-not-json"))?;
    let code = v
        .get(key)
        .or_else(|| v.get("StatusCode"))
        .and_then(Value::as_i64);
    match code {
        Some(0) => Ok(()),
        Some(n) => {
            let msg = ["errmsg", "msg", "StatusMessage"]
                .iter()
                .find_map(|k| v.get(*k).and_then(Value::as_str))
                .unwrap_or("");
            Err(tr!(
                "alert-answer-refused",
                key = key,
                code = n,
                message = clean(msg)
            ))
        }
        None => Err(tr!("alert-answer-no-code", key = key)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnose::Finding;
    use crate::probe::State;

    fn alert(event: Event) -> Alert {
        let t0 = chrono::DateTime::from_timestamp(1_800_000_000, 0).expect("t");
        Alert {
            receiver: 0,
            event,
            finding: Finding {
                title: "ds-docservice is not running\x1b[2J".into(),
                explanation: "x".into(),
                next_steps: vec!["restart ds-docservice".into()],
                explains: vec!["docservice".into()],
                ..crate::diagnose::test_support::finding("service_down", State::Fail)
            },
            started_at: t0,
            resolved_at: (event == Event::Resolved).then(|| t0 + chrono::Duration::seconds(185)),
        }
    }

    const O: Origin<'static> = Origin {
        host: "office1",
        profile: "onlyoffice",
    };

    #[test]
    fn short_text_reads_on_a_phone() {
        let f = text(&alert(Event::Firing), &O);
        assert_eq!(
            f,
            "✖ FIRING FAIL: service_down on office1 (onlyoffice)\nds-docservice is not running\u{fffd}[2J\nsince 2027-01-15 08:00:00 UTC\nnext: restart ds-docservice"
                .replace('\u{fffd}', &crate::sanitize::field("\x1b"))
        );
        let r = text(&alert(Event::Resolved), &O);
        assert!(r.starts_with("✔ RESOLVED: service_down on office1"), "{r}");
        assert!(r.ends_with("recovered after 3m 05s"), "{r}");
    }

    #[test]
    fn short_text_in_chinese() {
        let _zh = crate::i18n::scoped(crate::i18n::Lang::ZhCn);
        let f = text(&alert(Event::Firing), &O);
        assert!(
            f.starts_with("✖ 告警 故障：service_down，主机 office1（onlyoffice）\n"),
            "{f}"
        );
        assert!(
            f.contains("\n开始于 2027-01-15 08:00:00 UTC\n下一步："),
            "{f}"
        );
        let r = text(&alert(Event::Resolved), &O);
        assert!(r.starts_with("✔ 已恢复：service_down"), "{r}");
    }

    #[test]
    fn signatures_match_the_documented_algorithms() {
        // Recomputed independently of dingtalk_sign/feishu_sign with ring's HMAC.
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"SECabc");
        let tag = ring::hmac::sign(&key, b"1700000000000\nSECabc");
        let want = base64::engine::general_purpose::STANDARD.encode(tag.as_ref());
        assert_eq!(dingtalk_sign("SECabc", 1_700_000_000_000), want);
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"1700000000\nfs-key");
        let tag = ring::hmac::sign(&key, b"");
        let want = base64::engine::general_purpose::STANDARD.encode(tag.as_ref());
        assert_eq!(feishu_sign("fs-key", 1_700_000_000), want);
    }

    #[test]
    fn answers_with_an_error_code_are_refusals() {
        assert!(accepted(ReceiverKind::Wecom, br#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        let e = accepted(
            ReceiverKind::Dingtalk,
            br#"{"errcode":310000,"errmsg":"sign not match"}"#,
        )
        .expect_err("refused");
        assert!(e.contains("310000") && e.contains("sign not match"), "{e}");
        assert!(
            accepted(
                ReceiverKind::Feishu,
                br#"{"code":19021,"msg":"sign match fail"}"#
            )
            .is_err()
        );
        assert!(accepted(ReceiverKind::Feishu, br#"{"StatusCode":0}"#).is_ok());
        assert!(accepted(ReceiverKind::Slack, b"ok").is_ok());
        assert!(accepted(ReceiverKind::Wecom, b"<html>").is_err());
    }
}
