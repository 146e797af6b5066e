//! Probes of the request chain and their scheduler.
//!
//! Each [`Hop`](crate::config::Hop) is probed by its kind (`dns`, `tcp`, `tls`, `http`,
//! `docserver-health`, `docserver-command`, `websocket`) under its own timeout. A round runs every hop
//! concurrently (never summed), and the [`scheduler`] repeats rounds on the configured interval,
//! handing each owned [`HopResult`] to the engine over a channel as soon as it is known.

pub mod capture;
pub mod certs;
mod dns;
mod errors;
mod http;
pub mod scheduler;
mod tcp;
mod tls;
mod websocket;

use crate::config::{Config, Hop, HopKind, Role};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use crate::verdict::State;
pub use errors::NetError;
pub use http::body_capped;
pub use websocket::accept_for as websocket_accept;

/// The TLS facts of a `tls` hop.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct TlsInfo {
    /// Negotiated protocol version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Subject common name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// DNS names and addresses the certificate is valid for.
    pub names: Vec<String>,
    /// Expiry, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// Days until expiry (negative: expired).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// Whether the chain verifies against the system's trust store.
    pub trusted: bool,
    /// Why it does not verify, in plain words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust_error: Option<String>,
    /// Whether the certificate names itself as its issuer.
    pub self_signed: bool,
    /// Whether the certificate covers the host name probed.
    pub name_matches: bool,
}

/// Which secret signed the command-service probe token (never the secret itself).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JwtUse {
    /// `config` (the integrator's secret), `local.json`, or `none`.
    pub source: String,
    /// Fingerprint of the secret used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Header that carried the token.
    pub header: String,
    /// Fingerprint of the Document Server's own inbox secret (from `local.json`), when readable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docserver_fingerprint: Option<String>,
}

/// Structured facts of a probe, for the diagnosis and the detail view.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct Detail {
    /// The kind of network failure, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<NetError>,
    /// OS errno of the failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errno: Option<i32>,
    /// Addresses a name resolved to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// Address actually connected to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer: Option<String>,
    /// HTTP status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Start of the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// `Server` header.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// `Location` header of a redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Whether the error page came from the proxy (nginx) rather than the application.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_proxy: Option<bool>,
    /// Document Server `/healthcheck` answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<bool>,
    /// Document Server command-service `error` code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ds_error: Option<i64>,
    /// Document Server version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ds_version: Option<String>,
    /// Which secret signed the probe token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt: Option<JwtUse>,
    /// Server `Date` minus local clock, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date_skew_secs: Option<i64>,
    /// TLS facts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsInfo>,
    /// Anything else worth knowing (e.g. "local.json not readable").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The result of probing one hop once.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HopResult {
    /// Hop name.
    pub name: String,
    /// Hop kind.
    pub kind: HopKind,
    /// Hop role.
    pub role: Role,
    /// What was probed.
    pub target: String,
    /// Verdict.
    pub state: State,
    /// Time the probe took, milliseconds (absent when nothing was measured).
    pub latency_ms: Option<f64>,
    /// One line a person understands.
    pub reason: String,
    /// Structured facts.
    pub detail: Detail,
    /// When the probe finished.
    pub at: DateTime<Utc>,
}

/// What a probe function returns before the common fields are added.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    pub state: Option<State>,
    pub reason: String,
    pub detail: Detail,
}

impl Outcome {
    pub(crate) fn new(state: State, reason: impl Into<String>) -> Self {
        Outcome {
            state: Some(state),
            reason: reason.into(),
            detail: Detail::default(),
        }
    }

    pub(crate) fn with(mut self, f: impl FnOnce(&mut Detail)) -> Self {
        f(&mut self.detail);
        self
    }
}

/// Long-lived probing resources (HTTP clients, TLS verifier), built once and reused each round
/// so that a round costs only the probes themselves.
pub struct Prober {
    cfg: Arc<Config>,
    http: http::Clients,
    tls: tls::TlsProber,
    jwt: crate::docserver::settings::JwtSource,
}

/// Install the process-wide rustls crypto provider (ring). Idempotent.
pub fn init_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Prober {
    /// Build the prober for a config.
    pub fn new(cfg: Arc<Config>) -> Self {
        init_crypto();
        let jwt = crate::docserver::settings::JwtSource::from_config(&cfg);
        Prober {
            http: http::Clients::new(&cfg),
            tls: tls::TlsProber::new(&cfg),
            jwt,
            cfg,
        }
    }

    /// The config this prober uses.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Probe one hop, bounded by its timeout.
    pub async fn probe(&self, hop: &Hop) -> HopResult {
        let timeout = self.cfg.hop_timeout(hop);
        let start = Instant::now();
        let fut = self.probe_inner(hop, timeout);
        let out = match tokio::time::timeout(timeout, fut).await {
            Ok(o) => o,
            Err(_) => Outcome::new(State::Fail, timed_out_reason(hop, timeout)).with(|d| {
                d.error = Some(NetError::Timeout);
            }),
        };
        let elapsed = start.elapsed();
        HopResult {
            name: hop.name.clone(),
            kind: hop.kind,
            role: hop.role,
            target: hop.display_target().to_string(),
            state: out.state.unwrap_or(State::Unknown),
            latency_ms: Some((elapsed.as_secs_f64() * 1000.0 * 10.0).round() / 10.0),
            reason: out.reason,
            detail: out.detail,
            at: Utc::now(),
        }
    }

    async fn probe_inner(&self, hop: &Hop, timeout: Duration) -> Outcome {
        match hop.kind {
            HopKind::Dns => dns::probe(hop.target.as_deref().unwrap_or("")).await,
            HopKind::Tcp => tcp::probe(hop.target.as_deref().unwrap_or(""), timeout).await,
            HopKind::Tls => self.tls.probe(hop, timeout).await,
            HopKind::Http => self.http.probe_http(hop, timeout).await,
            HopKind::DocserverHealth => self.http.probe_health(hop, timeout).await,
            HopKind::DocserverCommand => self.http.probe_command(hop, timeout, &self.jwt).await,
            HopKind::Websocket => websocket::probe(hop, timeout, &self.tls).await,
        }
    }

    /// One round: every hop concurrently; results in chain order.
    pub async fn round(&self) -> Vec<HopResult> {
        let futs = self.cfg.hops.iter().map(|h| self.probe(h));
        futures_util::future::join_all(futs).await
    }
}

fn timed_out_reason(hop: &Hop, timeout: Duration) -> String {
    let secs = format!("{:.1}", timeout.as_secs_f64());
    match hop.kind {
        HopKind::Dns => crate::tr!("hop-timeout-dns", secs = secs),
        HopKind::Tls => crate::tr!("hop-timeout-tls", secs = secs),
        HopKind::Tcp => crate::tr!("hop-timeout-tcp", secs = secs),
        _ => crate::tr!("hop-no-answer", target = hop.display_target(), secs = secs),
    }
}
