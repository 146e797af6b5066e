//! The HTTP side of `watch`: `GET /metrics` (the OpenMetrics text of [`Metrics`]) and `GET
//! /healthz` (200 while rounds keep coming, 503 when the last one is older than the service
//! manager should accept), on the `--listen` address. hyper, HTTP/1 only, each connection
//! bounded in time and in number; requests are read, never trusted beyond their path.

use super::metrics::{CONTENT_TYPE, Metrics};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Connections served at once (more wait for a free one).
const MAX_CONNECTIONS: usize = 32;
/// How long a client may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may live.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(30);

/// When the last round finished (Unix seconds; 0: none yet), and the age past which
/// `/healthz` fails.
pub struct Health {
    last_round: AtomicI64,
    started: i64,
    max_age_s: i64,
}

impl Health {
    /// Health for rounds expected every `interval`.
    pub fn new(interval: Duration, round_timeout: Duration) -> Health {
        let max_age = (interval + round_timeout).as_secs() as i64 * 3 + 30;
        Health {
            last_round: AtomicI64::new(0),
            started: chrono::Utc::now().timestamp(),
            max_age_s: max_age,
        }
    }

    /// A round finished now.
    pub fn round(&self) {
        self.last_round
            .store(chrono::Utc::now().timestamp(), Ordering::Relaxed);
    }

    /// `Ok(text)` while healthy, `Err(text)` when rounds stopped coming.
    pub fn check(&self) -> Result<String, String> {
        let now = chrono::Utc::now().timestamp();
        let last = self.last_round.load(Ordering::Relaxed);
        let since = if last == 0 { self.started } else { last };
        let age = now - since;
        match (last, age > self.max_age_s) {
            (0, false) => Ok("ok: starting, no round finished yet\n".into()),
            (_, false) => Ok(format!("ok: last round {age}s ago\n")),
            (0, true) => Err(format!("no round finished in {age}s\n")),
            (_, true) => Err(format!("last round {age}s ago\n")),
        }
    }
}

/// Serve `/metrics` and `/healthz` on `listener` until the task is aborted.
pub async fn serve(listener: tokio::net::TcpListener, metrics: Arc<Metrics>, health: Arc<Health>) {
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(_) => {
                // EMFILE and friends: back off a little, keep serving.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (m, h) = (metrics.clone(), health.clone());
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| {
                let (m, h) = (m.clone(), h.clone());
                async move { Ok::<_, std::convert::Infallible>(answer(&req, &m, &h)) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .serve_connection(TokioIo::new(stream), svc);
            let _ = tokio::time::timeout(CONNECTION_TIMEOUT, conn).await;
            drop(permit);
        });
    }
}

fn answer(req: &Request<Incoming>, m: &Metrics, h: &Health) -> Response<Full<Bytes>> {
    let reply = |status: StatusCode, ctype: &str, body: String| {
        let mut r = Response::new(Full::new(Bytes::from(body)));
        *r.status_mut() = status;
        if let Ok(v) = ctype.parse() {
            r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
        }
        r
    };
    let text = "text/plain; charset=utf-8";
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return reply(StatusCode::METHOD_NOT_ALLOWED, text, "GET only\n".into());
    }
    match req.uri().path() {
        "/metrics" => reply(StatusCode::OK, CONTENT_TYPE, m.encode()),
        "/healthz" => match h.check() {
            Ok(t) => reply(StatusCode::OK, text, t),
            Err(t) => reply(StatusCode::SERVICE_UNAVAILABLE, text, t),
        },
        "/" => reply(
            StatusCode::OK,
            text,
            "triage502 watch: /metrics, /healthz\n".into(),
        ),
        _ => reply(StatusCode::NOT_FOUND, text, "not found\n".into()),
    }
}
