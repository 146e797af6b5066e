//! The command-service probe: `{"c":"version"}` sent once with a token signed by each side's
//! secret, so the report can say plainly which secret the running Document Server accepts,
//! and the clock skew read from the answer's `Date` header.

use super::sides::{DsSide, IntegratorSide};
use crate::config::{Config, HopKind, Secret};
use crate::verdict::State;

/// Skew (seconds) beyond which tokens may be seen as expired or not yet valid.
pub const SKEW_LIMIT_SECS: i64 = 120;
use crate::docserver::client::{self as ds, CommandAnswer, TOKEN_EXPIRED, TOKEN_INVALID};
use serde::Serialize;
use std::time::Duration;

/// The answer to one signed request.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TokenOutcome {
    /// `error: 0`.
    Accepted,
    /// `error: 6` (bad token).
    Rejected,
    /// `error: 7` (token expired: clocks).
    Expired,
    /// Another error code or a non-command-service answer.
    OtherError,
    /// No answer (refused, timeout, 502 from a proxy).
    NoAnswer,
}

/// One probe of the command service.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TokenProbe {
    /// Whose secret signed it: `docserver`, `integrator`, `both` (same secret) or `none`.
    pub signed_by: String,
    /// Fingerprint of the secret used.
    pub fingerprint: Option<String>,
    /// What the Document Server answered.
    pub outcome: TokenOutcome,
    /// Command-service `error` code.
    pub code: Option<i64>,
    /// HTTP status.
    pub http_status: Option<u16>,
    /// One line.
    pub detail: String,
}

/// The command-service check.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CommandCheck {
    /// URL probed (from the `docserver-command` hop, or `document_server_url`).
    pub url: Option<String>,
    /// Name of the `docserver-command` hop whose URL was used.
    pub hop: Option<String>,
    /// The probes.
    pub probes: Vec<TokenProbe>,
    /// The verdict.
    pub state: State,
    /// The verdict in words ("accepts the Document Server's own secret (fp X), rejects ...").
    pub verdict: String,
    /// The Document Server's `Date` minus the local clock, seconds.
    pub date_skew_secs: Option<i64>,
    /// Document Server version from the answer.
    pub version: Option<String>,
}

/// Where the command service is probed.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandTarget {
    /// URL.
    pub url: String,
    /// `Host` header to send.
    pub host_header: Option<String>,
    /// The hop it comes from.
    pub hop: Option<String>,
}

/// The command-service URL: the `docserver-command` hop's, else from the DS URL.
pub fn command_url(cfg: &Config, ds_url: Option<&str>) -> Option<CommandTarget> {
    if let Some(h) = cfg
        .hops
        .iter()
        .find(|h| h.kind == HopKind::DocserverCommand && h.url.is_some())
    {
        return h.url.clone().map(|u| CommandTarget {
            url: u,
            host_header: h.host_header.clone(),
            hop: Some(h.name.clone()),
        });
    }
    let base = ds_url.filter(|u| u.starts_with("http://") || u.starts_with("https://"))?;
    Some(CommandTarget {
        url: format!(
            "{}/coauthoring/CommandService.ashx",
            base.trim_end_matches('/')
        ),
        host_header: None,
        hop: None,
    })
}

struct Answer {
    outcome: TokenOutcome,
    code: Option<i64>,
    status: Option<u16>,
    detail: String,
    skew: Option<i64>,
    version: Option<String>,
}

async fn send(
    client: &reqwest::Client,
    url: &str,
    host: Option<&str>,
    secret: Option<Secret>,
    header: &str,
    timeout: Duration,
) -> Answer {
    let mut req = client.post(url).header("content-type", "application/json");
    let signed = match ds::version_request(secret.as_ref(), header) {
        Ok(r) => r,
        Err(e) => {
            return Answer {
                outcome: TokenOutcome::NoAnswer,
                code: None,
                status: None,
                detail: e,
                skew: None,
                version: None,
            };
        }
    };
    if let Some((name, value)) = &signed.header {
        req = req.header(name.as_str(), value.as_str());
    }
    let body = signed.body;
    if let Some(h) = host {
        req = req.header(reqwest::header::HOST, h);
    }
    let fail = |detail: String| Answer {
        outcome: TokenOutcome::NoAnswer,
        code: None,
        status: None,
        detail,
        skew: None,
        version: None,
    };
    let fut = async {
        let mut resp = req.body(body).timeout(timeout).send().await?;
        let status = resp.status().as_u16();
        let date = resp
            .headers()
            .get("date")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (bytes, _) =
            crate::probe::body_capped(&mut resp, crate::limits::COMMAND_BODY_BYTES).await?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok::<_, reqwest::Error>((status, date, text))
    };
    let (status, date, text) =
        match tokio::time::timeout(timeout + Duration::from_millis(200), fut).await {
            Err(_) => {
                return fail(format!(
                    "no answer from {url} within {:.1} s",
                    timeout.as_secs_f64()
                ));
            }
            Ok(Err(e)) if e.is_timeout() => {
                return fail(format!(
                    "no answer from {url} within {:.1} s",
                    timeout.as_secs_f64()
                ));
            }
            Ok(Err(e)) => return fail(format!("cannot reach {url}: {}", ds::error_chain(&e))),
            Ok(Ok(x)) => x,
        };
    let skew = date
        .and_then(|d| chrono::DateTime::parse_from_rfc2822(&d).ok())
        .map(|t| t.timestamp() - chrono::Utc::now().timestamp());
    let CommandAnswer { code, version, .. } = CommandAnswer::parse(&text);
    let (outcome, detail) = match code {
        Some(0) => (
            TokenOutcome::Accepted,
            format!(
                "accepted (error 0, version {})",
                version.as_deref().unwrap_or("?")
            ),
        ),
        Some(TOKEN_INVALID) => (
            TokenOutcome::Rejected,
            "rejected: invalid token (error 6)".into(),
        ),
        Some(TOKEN_EXPIRED) => (
            TokenOutcome::Expired,
            "rejected: token expired (error 7, clocks differ)".into(),
        ),
        Some(n) => (
            TokenOutcome::OtherError,
            format!("command service error {n} ({})", ds::error_text(n)),
        ),
        None if (500..600).contains(&status) => (
            TokenOutcome::NoAnswer,
            format!("HTTP {status}: the command service is not answering"),
        ),
        None => (
            TokenOutcome::OtherError,
            format!("HTTP {status}: not a command-service answer"),
        ),
    };
    Answer {
        outcome,
        code,
        status: Some(status),
        detail,
        skew,
        version,
    }
}

fn probe_of(signed_by: &str, fp: Option<&String>, a: &Answer) -> TokenProbe {
    TokenProbe {
        signed_by: signed_by.to_string(),
        fingerprint: fp.cloned(),
        outcome: a.outcome,
        code: a.code,
        http_status: a.status,
        detail: a.detail.clone(),
    }
}

fn advice(ig: &IntegratorSide) -> String {
    match ig.kind {
        crate::config::IntegrationKind::Nextcloud | crate::config::IntegrationKind::Owncloud => {
            format!(
                "set {}'s jwt_secret to the Document Server's (occ config:app:set onlyoffice jwt_secret, or 'jwt_secret' in the 'onlyoffice' array of config.php)",
                ig.name
            )
        }
        crate::config::IntegrationKind::Seafile => {
            "set ONLYOFFICE_JWT_SECRET in seahub_settings.py to the Document Server's secret and restart seahub".into()
        }
        _ => format!(
            "set {} secret to the Document Server's ({})",
            ig.possessive(),
            ig.secret_source.as_deref().unwrap_or("its configuration")
        ),
    }
}

/// Probe the command service with each side's secret and judge.
pub async fn check(
    client: Result<&reqwest::Client, String>,
    target: Option<CommandTarget>,
    ds: &DsSide,
    ig: &IntegratorSide,
    timeout: Duration,
) -> CommandCheck {
    let mut cc = CommandCheck {
        url: target.as_ref().map(|t| t.url.clone()),
        hop: target.as_ref().and_then(|t| t.hop.clone()),
        probes: Vec::new(),
        state: State::Unknown,
        verdict: String::new(),
        date_skew_secs: None,
        version: None,
    };
    let Some(CommandTarget {
        url,
        host_header: host,
        ..
    }) = target
    else {
        cc.verdict = "no docserver-command hop and no Document Server URL configured: the command service was not probed".into();
        return cc;
    };
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            cc.verdict = e;
            return cc;
        }
    };
    let header = ds
        .header
        .clone()
        .or_else(|| ig.header.clone())
        .unwrap_or_else(|| "Authorization".into());
    let host = host.as_deref();
    let dfp = ds.fingerprint.as_ref();
    let same = dfp.is_some() && dfp == ig.fingerprint.as_ref();
    let go = |s: Option<Secret>| send(client, &url, host, s, &header, timeout);
    let (a_ds, a_ig) = if same {
        (go(ds.secret.clone()).await, None)
    } else {
        match (&ds.secret, &ig.secret) {
            (Some(d), Some(i)) => {
                let (x, y) = tokio::join!(go(Some(d.clone())), go(Some(i.clone())));
                (x, Some(y))
            }
            (Some(d), None) => (go(Some(d.clone())).await, None),
            (None, Some(i)) => {
                let y = go(Some(i.clone())).await;
                let a = go(None).await;
                (a, Some(y))
            }
            (None, None) => (go(None).await, None),
        }
    };
    for a in std::iter::once(&a_ds).chain(a_ig.as_ref()) {
        cc.date_skew_secs = cc.date_skew_secs.or(a.skew);
        cc.version = cc.version.clone().or(a.version.clone());
    }
    judge(&mut cc, ds, ig, same, &a_ds, a_ig.as_ref());
    cc
}

/// A fingerprint as shown in a verdict.
fn fpd(f: Option<&String>) -> String {
    f.cloned().unwrap_or_else(|| "?".into())
}

/// The probes and the verdict from the answers: `a_ds` to the Document Server's secret (or
/// to no token when it is unknown), `a_ig` to the integrator's when it differs.
fn judge(
    cc: &mut CommandCheck,
    ds: &DsSide,
    ig: &IntegratorSide,
    same: bool,
    a_ds: &Answer,
    a_ig: Option<&Answer>,
) {
    let dfp = ds.fingerprint.as_ref();
    let ifp = ig.fingerprint.as_ref();
    if same {
        cc.probes.push(probe_of("both", dfp, a_ds));
        (cc.state, cc.verdict) = same_secret(a_ds, dfp);
        return;
    }
    (cc.state, cc.verdict) = match (&ds.secret, &ig.secret, a_ig) {
        (Some(_), Some(_), Some(ai)) => {
            cc.probes.push(probe_of("docserver", dfp, a_ds));
            cc.probes.push(probe_of("integrator", ifp, ai));
            two_secrets(a_ds, ai, ds, ig)
        }
        (None, Some(_), Some(ai)) => {
            cc.probes.push(probe_of("integrator", ifp, ai));
            cc.probes.push(probe_of("none", None, a_ds));
            integrator_secret_only(ai, a_ds, ig)
        }
        (Some(_), None, _) => {
            cc.probes.push(probe_of("docserver", dfp, a_ds));
            docserver_secret_only(a_ds, dfp, ig)
        }
        _ => {
            cc.probes.push(probe_of("none", None, a_ds));
            no_secret(a_ds)
        }
    };
}

/// Both sides hold the same secret, sent once.
fn same_secret(a: &Answer, dfp: Option<&String>) -> (State, String) {
    use TokenOutcome::*;
    match a.outcome {
        Accepted => (
            State::Ok,
            format!(
                "both sides use the same secret (fp {}) and the Document Server accepts it",
                fpd(dfp)
            ),
        ),
        Rejected => (
            State::Fail,
            format!(
                "both sides use the same secret (fp {}) but the Document Server rejects it: the running docservice uses another secret than its config (restart ds-docservice after editing local.json)",
                fpd(dfp)
            ),
        ),
        Expired => (
            State::Fail,
            "both sides use the same secret but the token is seen as expired: the clocks differ"
                .into(),
        ),
        OtherError | NoAnswer => (State::Unknown, format!("command service: {}", a.detail)),
    }
}

/// Each side's secret is known and they differ: each was sent.
fn two_secrets(a_ds: &Answer, ai: &Answer, ds: &DsSide, ig: &IntegratorSide) -> (State, String) {
    use TokenOutcome::*;
    let who = ig.possessive();
    let d = format!(
        "the Document Server's own secret (fp {})",
        fpd(ds.fingerprint.as_ref())
    );
    let i = format!("{who} (fp {})", fpd(ig.fingerprint.as_ref()));
    match (a_ds.outcome, ai.outcome) {
        (Accepted, Rejected) => (
            State::Fail,
            format!("accepts {d}, rejects {i}: {}", advice(ig)),
        ),
        (Rejected, Accepted) => (
            State::Fail,
            format!(
                "accepts {who} secret (fp {}), rejects {d} from its config: the running docservice uses another secret than its config files (restart ds-docservice)",
                fpd(ig.fingerprint.as_ref())
            ),
        ),
        (Rejected, Rejected) => (
            State::Fail,
            format!("rejects both {d} and {i}: the running Document Server uses a third secret"),
        ),
        (Accepted, Accepted) => (
            State::Warn,
            format!(
                "accepts both {d} and {i} although they differ: token checking is off on the Document Server"
            ),
        ),
        (Expired, _) | (_, Expired) => (
            State::Fail,
            "a token is seen as expired: the clocks of this box and the Document Server differ"
                .into(),
        ),
        _ => (
            State::Unknown,
            format!("command service: {} / {}", a_ds.detail, ai.detail),
        ),
    }
}

/// Only the integrator's secret is known: it was sent, and a request without a token.
fn integrator_secret_only(ai: &Answer, a_none: &Answer, ig: &IntegratorSide) -> (State, String) {
    use TokenOutcome::*;
    let i = format!(
        "{} secret (fp {})",
        ig.possessive(),
        fpd(ig.fingerprint.as_ref())
    );
    match (ai.outcome, a_none.outcome) {
        (Accepted, Accepted) => (
            State::Warn,
            format!(
                "accepts {i}, and requests without a token too: token checking is off on the Document Server"
            ),
        ),
        (Accepted, _) => (
            State::Ok,
            format!("accepts {i} (the Document Server's own secret could not be read)"),
        ),
        (Rejected, _) => (
            State::Fail,
            format!(
                "rejects {i} (the Document Server's own secret could not be read: compare it by hand)"
            ),
        ),
        (Expired, _) => (
            State::Fail,
            format!("{i} gives a token seen as expired: the clocks differ"),
        ),
        _ => (State::Unknown, format!("command service: {}", ai.detail)),
    }
}

/// Only the Document Server's secret is known.
fn docserver_secret_only(
    a_ds: &Answer,
    dfp: Option<&String>,
    ig: &IntegratorSide,
) -> (State, String) {
    use TokenOutcome::*;
    let d = format!("the Document Server's own secret (fp {})", fpd(dfp));
    match a_ds.outcome {
        Accepted => (
            State::Unknown,
            format!(
                "accepts {d}; {} secret is not known, so agreement cannot be checked",
                ig.possessive()
            ),
        ),
        Rejected => (
            State::Fail,
            format!(
                "rejects {d}: the running docservice uses another secret than its config (restart ds-docservice)"
            ),
        ),
        _ => (State::Unknown, format!("command service: {}", a_ds.detail)),
    }
}

/// Neither secret is known: a request without a token was sent.
fn no_secret(a: &Answer) -> (State, String) {
    use TokenOutcome::*;
    match a.outcome {
        Accepted => (
            State::Warn,
            "accepts requests without a token: JWT is off on the Document Server".into(),
        ),
        Rejected => (
            State::Unknown,
            "requires a token, but neither side's secret is known".into(),
        ),
        _ => (State::Unknown, format!("command service: {}", a.detail)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// A command service that answers 200 and then streams a body without end: the probe
    /// reads at most its cap, so the server can send only the cap plus what the sockets'
    /// buffers hold before the probe lets go. Before the cap, the probe read until its
    /// timeout (hundreds of MB).
    #[tokio::test]
    async fn an_endless_answer_is_read_up_to_the_cap() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let sent = Arc::new(AtomicU64::new(0));
        let counter = sent.clone();
        tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut req = [0u8; 4096];
            let _ = s.read(&mut req).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n";
            if s.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b'x'; 64 * 1024];
            while s.write_all(&chunk).await.is_ok() {
                counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
        });
        let client = crate::docserver::client::builder(false).build().unwrap();
        let url = format!("http://{addr}/coauthoring/CommandService.ashx");
        let a = send(
            &client,
            &url,
            None,
            None,
            "Authorization",
            Duration::from_secs(2),
        )
        .await;
        // Give the server a moment to notice the closed connection, then count.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let n = sent.load(Ordering::Relaxed);
        assert!(
            n < 32 << 20,
            "the server sent {n} bytes: the answer was not cut at the cap"
        );
        assert!(matches!(
            a.outcome,
            TokenOutcome::OtherError | TokenOutcome::NoAnswer
        ));
    }
}
