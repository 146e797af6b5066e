//! The stand-in Document Server: a small HTTP/1.1 server on `127.0.0.1:PORT` that answers like
//! ONLYOFFICE docservice on the wire, so the lab needs no real Document Server.
//!
//! - `GET /healthcheck` → `200 true` (or `false` in the `health-false` mode).
//! - `POST /coauthoring/CommandService.ashx` and `POST /command` → the command service:
//!   `{"c":"version"}` → `{"error":0,"version":"8.2.0.1"}`, with HS256 JWT checking when
//!   `services.CoAuthoring.token.enable.request.inbox` is true in the lab's `local.json`.
//! - `GET /info/info.json` → a small JSON.
//! - `POST /ConvertService.ashx` and `POST /converter` → the converter ([`super::convert`]),
//!   and `GET /cache/files/data/KEY/FILE` → its results.
//! - anything else → 404.
//!
//! Its start, its dependencies (PostgreSQL, Redis) and its healthcheck's dependency part are
//! `lab/deps/standin_side.rs`'s: it exits as the Document Server does when local.json does
//! not parse or its port is taken, and answers `false` when a dependency fails.
//!
//! Every request re-reads `DIR/local.json` and `DIR/standin-mode` (one word: `healthy`, `hang`,
//! `health-false`, `big-headers`), so `lab break`/`lab fix` act without a restart.
//!
//! The log `DIR/logs/docservice/out.log` follows the real format
//! `[2026-11-28T12:00:00.123] [WARN] [localhost] [docId] [userId] nodeJS - message`
//! (`localhost`, `docId`, `userId` are the real defaults of docservice's operation context).
//!
//! Command service error codes are the real `c_oAscServerCommandErrors` of ONLYOFFICE's
//! `Common/sources/commondefines.js`: 0 NoError, 1 DocumentIdError, 2 ParseError,
//! 3 UnknownError, 4 NotModified, 5 UnknownCommand, 6 Token, 7 TokenExpire. A body that is not
//! JSON makes the real `commandFromServer` throw inside its `try`, which answers 3
//! (UnknownError), so the stand-in answers 3 too.

use anyhow::Context as _;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Map, Value, json};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The version the stand-in reports (`commonDefines.buildVersion + '.' + buildNumber`).
pub const VERSION: &str = "8.2.0.1";

/// Size of the padding header sent in the `big-headers` mode (bytes).
pub const BIG_HEADER_BYTES: usize = 16 * 1024;

/// How long a request is held in the `hang` mode before the connection is dropped unanswered
/// (bounded so that a forgotten fault never leaks connections forever).
const HANG_FOR: Duration = Duration::from_secs(600);

/// Largest request body read (the command service gets tiny JSON bodies).
const MAX_BODY: usize = 1024 * 1024;

/// The fault mode, read from `DIR/standin-mode` on each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Answer normally.
    Healthy,
    /// Read the request and never answer.
    Hang,
    /// `/healthcheck` answers `false`.
    HealthFalse,
    /// Every answer carries a ~16 KiB header.
    BigHeaders,
}

impl Mode {
    /// The word written to `DIR/standin-mode`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Healthy => "healthy",
            Mode::Hang => "hang",
            Mode::HealthFalse => "health-false",
            Mode::BigHeaders => "big-headers",
        }
    }

    /// Parse the word (surrounding white space ignored); unknown words are `None`.
    pub fn parse(s: &str) -> Option<Mode> {
        match s.trim() {
            "healthy" | "" => Some(Mode::Healthy),
            "hang" => Some(Mode::Hang),
            "health-false" => Some(Mode::HealthFalse),
            "big-headers" => Some(Mode::BigHeaders),
            _ => None,
        }
    }
}

/// Path of the mode file in a lab folder.
pub fn mode_path(dir: &Path) -> PathBuf {
    dir.join("standin-mode")
}

/// Path of the file naming the address the stand-in listens on (`upstream-wrong-address`
/// writes `::1`); missing means [`DEFAULT_LISTEN`].
pub fn listen_path(dir: &Path) -> PathBuf {
    dir.join("standin-listen")
}

/// Where the stand-in listens when no listen file says otherwise.
pub const DEFAULT_LISTEN: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

/// The address of the listen file: a loopback address only (anything else, a symlink or an
/// unreadable file means [`DEFAULT_LISTEN`]), so the lab never listens beyond the box.
pub fn read_listen(dir: &Path) -> std::net::IpAddr {
    read_lab_file(&listen_path(dir))
        .and_then(|b| {
            String::from_utf8_lossy(&b)
                .trim()
                .parse::<std::net::IpAddr>()
                .ok()
        })
        .filter(|a| a.is_loopback())
        .unwrap_or(DEFAULT_LISTEN)
}

/// Path of the stand-in's Document-Server-like log.
pub fn log_path(dir: &Path) -> PathBuf {
    dir.join("logs/docservice/out.log")
}

/// Largest `local.json` / mode file read.
const MAX_FILE: u64 = 1024 * 1024;

/// Read a file of the lab folder without following a symlink or blocking on a FIFO.
fn read_lab_file(path: &Path) -> Option<Vec<u8>> {
    crate::fsafe::read_capped(path, MAX_FILE, false)
        .ok()
        .map(|(b, _)| b)
}

/// Read the mode file; a missing or unreadable file (or a symlink) means `healthy`.
pub fn read_mode(dir: &Path) -> Mode {
    read_lab_file(&mode_path(dir))
        .and_then(|b| Mode::parse(&String::from_utf8_lossy(&b)))
        .unwrap_or(Mode::Healthy)
}

/// The JWT settings of `local.json` that the command service uses.
#[derive(Debug, Clone, PartialEq)]
struct JwtSettings {
    inbox_enabled: bool,
    secret: String,
    header: String,
}

fn read_jwt_settings(dir: &Path) -> JwtSettings {
    let v: Value = read_lab_file(&dir.join("local.json"))
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let ca = &v["services"]["CoAuthoring"];
    JwtSettings {
        inbox_enabled: ca["token"]["enable"]["request"]["inbox"]
            .as_bool()
            .unwrap_or(false),
        secret: ca["secret"]["inbox"]["string"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        header: ca["token"]["inbox"]["header"]
            .as_str()
            .unwrap_or("Authorization")
            .to_string(),
    }
}

/// Appends lines to `out.log` in the Document Server format.
#[derive(Debug)]
pub(crate) struct DsLog {
    path: PathBuf,
}

impl DsLog {
    /// One entry: `[time] [LEVEL] [localhost] [docId] [userId] nodeJS - msg`.
    pub(crate) fn line(&self, level: &str, msg: &str) {
        let ts = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%.3f");
        let text = format!("[{ts}] [{level}] [localhost] [docId] [userId] nodeJS - {msg}\n");
        // Logging is best effort: a full disk must not take the stand-in down. Never through
        // a symlink or into a file that is not ours.
        if let Ok(mut f) =
            crate::fsafe::open_write(&self.path, crate::fsafe::WriteMode::Append, 0o644)
        {
            let _ = f.write_all(text.as_bytes());
        }
    }
}

struct Ctx {
    dir: PathBuf,
    port: u16,
    log: DsLog,
    deps: super::deps::standin_side::Watch,
}

/// Run the stand-in on `127.0.0.1:port` with lab folder `dir` until the process is killed.
/// Builds its own tokio runtime (sync entry for the CLI).
pub fn serve(dir: &Path, port: u16) -> anyhow::Result<()> {
    let rt = crate::util::runtime().map_err(|e| anyhow::anyhow!("stand-in: {e}"))?;
    rt.block_on(serve_async(dir.to_path_buf(), port))
}

/// Async body of [`serve`]: check the folder is ours alone, bind, log the startup line, serve
/// forever.
pub async fn serve_async(dir: PathBuf, port: u16) -> anyhow::Result<()> {
    crate::fsafe::check_private_dir(&dir)
        .map_err(|e| anyhow::anyhow!("stand-in: refusing the lab folder: {e}"))?;
    let log = DsLog {
        path: log_path(&dir),
    };
    for sub in ["logs", "logs/docservice", "logs/converter"] {
        crate::fsafe::ensure_private_dir(&dir.join(sub))
            .map_err(|e| anyhow::anyhow!("stand-in: {e}"))?;
    }
    // As the Document Server: a settings file that does not parse, a broken start, a port
    // another program holds are written to stderr and end the process with 1.
    if let Err(text) = super::deps::standin_side::startup_check(&dir) {
        eprint!("{text}");
        std::process::exit(1);
    }
    let addr = std::net::SocketAddr::new(read_listen(&dir), port);
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            eprint!("{}", super::deps::standin_side::listen_error(port));
            std::process::exit(1);
        }
        Err(e) => {
            return Err(e).with_context(|| format!("stand-in cannot listen on {addr}"));
        }
    };
    let ctx = Arc::new(Ctx {
        dir,
        port,
        log,
        deps: Default::default(),
    });
    // The real docservice logs this at WARN level once it listens.
    ctx.log.line(
        "WARN",
        &format!(
            "Express server listening on port {port} in production mode. Version: {}. Build: {}",
            "8.2.0", "1"
        ),
    );
    loop {
        let (stream, _peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                // EMFILE and friends: log, back off a little, keep serving.
                ctx.log.line("ERROR", &format!("accept error: {e}"));
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let svc = hyper::service::service_fn(move |req| handle(ctx.clone(), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), svc)
                .await;
        });
    }
}

type Resp = Response<Full<Bytes>>;

async fn handle(ctx: Arc<Ctx>, req: Request<Incoming>) -> Result<Resp, std::io::Error> {
    let mode = read_mode(&ctx.dir);
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let headers = req.headers().clone();
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => return Err(std::io::Error::other(format!("reading body: {e}"))),
    };
    if mode == Mode::Hang {
        // Hold the request unanswered; hyper drops this future when the client goes away.
        tokio::time::sleep(HANG_FOR).await;
        return Err(std::io::Error::other("hang mode: dropped unanswered"));
    }
    let mut resp = match (&method, path.as_str()) {
        (&Method::GET, "/healthcheck") => healthcheck(&ctx, mode).await,
        (&Method::POST, "/coauthoring/CommandService.ashx" | "/command") => {
            command(&ctx, &headers, &body)
        }
        (&Method::POST, "/ConvertService.ashx" | "/converter") => {
            let json = path == "/converter"
                || headers
                    .get(hyper::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("json"));
            let a =
                super::convert::convert_service(&ctx.dir, ctx.port, &headers, &body, json).await;
            let mut r = text_response(StatusCode::OK, "");
            *r.body_mut() = Full::new(Bytes::from(a.body));
            *r.status_mut() = StatusCode::from_u16(a.status).unwrap_or(StatusCode::OK);
            r.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static(a.content_type),
            );
            r
        }
        (&Method::GET, p) if p.starts_with("/cache/files/data/") => {
            match super::convert::result_file(&ctx.dir, p) {
                Some(b) => {
                    let mut r = text_response(StatusCode::OK, "");
                    *r.body_mut() = Full::new(Bytes::from(b));
                    r.headers_mut().insert(
                        hyper::header::CONTENT_TYPE,
                        hyper::header::HeaderValue::from_static("application/octet-stream"),
                    );
                    r
                }
                None => text_response(StatusCode::NOT_FOUND, "Not Found"),
            }
        }
        (&Method::GET, p) if p.starts_with("/doc/") => websocket(&headers),
        (&Method::GET, "/info/info.json") => json_response(
            StatusCode::OK,
            &json!({
                "licenseInfo": {"type": 3, "mode": 0, "buildVersion": "8.2.0", "buildNumber": 1},
                "serverInfo": {"buildVersion": "8.2.0", "buildNumber": 1, "packageType": 0},
                "lab": {"standin": true, "port": ctx.port, "mode": mode.as_str()}
            }),
        ),
        _ => text_response(StatusCode::NOT_FOUND, "Not Found"),
    };
    if mode == Mode::BigHeaders {
        let pad = "x".repeat(BIG_HEADER_BYTES);
        if let Ok(v) = hyper::header::HeaderValue::from_str(&pad) {
            resp.headers_mut().insert("x-lab-padding", v);
        }
    }
    Ok(resp)
}

/// The editor's WebSocket (engine.io under `/doc/<id>/c/`): an upgrade request gets `101
/// Switching Protocols` with the accept of its key (the upgraded stream is then closed: what
/// is checked is the handshake); anything else gets the 400 engine.io gives a plain GET on its
/// websocket transport.
fn websocket(headers: &hyper::HeaderMap) -> Resp {
    let upgrade = headers
        .get(hyper::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let key = headers
        .get(hyper::header::SEC_WEBSOCKET_KEY)
        .and_then(|v| v.to_str().ok());
    match (upgrade, key) {
        (true, Some(key)) => {
            let mut r = text_response(StatusCode::SWITCHING_PROTOCOLS, "");
            let h = r.headers_mut();
            h.remove(hyper::header::CONTENT_TYPE);
            h.insert(
                hyper::header::UPGRADE,
                hyper::header::HeaderValue::from_static("websocket"),
            );
            h.insert(
                hyper::header::CONNECTION,
                hyper::header::HeaderValue::from_static("Upgrade"),
            );
            if let Ok(v) =
                hyper::header::HeaderValue::from_str(&crate::probe::websocket_accept(key))
            {
                h.insert(hyper::header::SEC_WEBSOCKET_ACCEPT, v);
            }
            r
        }
        _ => json_response(
            StatusCode::BAD_REQUEST,
            &json!({"code": 3, "message": "Bad request"}),
        ),
    }
}

fn text_response(status: StatusCode, body: &str) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(body.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

fn json_response(status: StatusCode, v: &Value) -> Resp {
    let mut r = Response::new(Full::new(Bytes::from(v.to_string())));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}

async fn healthcheck(ctx: &Ctx, mode: Mode) -> Resp {
    if mode == Mode::HealthFalse {
        // The real healthCheck logs the failed dependency's stack and answers `false`.
        ctx.log.line(
            "ERROR",
            "healthCheck error Error: connect ECONNREFUSED 127.0.0.1:5432 (lab fault health-false)",
        );
        return text_response(StatusCode::OK, "false");
    }
    // The storage check: a failure is logged (WARN) and does not fail /healthcheck.
    if let Some(line) = super::disk::probe(&ctx.dir) {
        ctx.log.line("WARN", &line);
    }
    // Its dependencies, for real (PostgreSQL, Redis), as the Document Server's healthcheck.
    if !super::deps::standin_side::health(&ctx.dir, &ctx.deps, &ctx.log).await {
        return text_response(StatusCode::OK, "false");
    }
    text_response(StatusCode::OK, "true")
}

/// Command service error codes (`c_oAscServerCommandErrors`).
mod code {
    pub const NO_ERROR: i64 = 0;
    pub const DOCUMENT_ID_ERROR: i64 = 1;
    pub const UNKNOWN_ERROR: i64 = 3;
    pub const UNKNOWN_COMMAND: i64 = 5;
    pub const TOKEN: i64 = 6;
    pub const TOKEN_EXPIRE: i64 = 7;
}

/// Outcome of verifying one token, with the names node's `jsonwebtoken` uses.
#[derive(Debug)]
enum JwtCheck {
    Ok(Map<String, Value>),
    Expired,
    Rejected,
}

fn check_jwt(ctx: &Ctx, token: &str, secret: &str) -> JwtCheck {
    use jsonwebtoken::errors::ErrorKind;
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.required_spec_claims.clear();
    v.validate_aud = false;
    v.leeway = 0; // node's jsonwebtoken has no clock tolerance by default
    let decoded = jsonwebtoken::DecodingKey::from_secret(secret.as_bytes())
        .and_then(|key| jsonwebtoken::decode::<Map<String, Value>>(token, &key, &v));
    match decoded {
        Ok(d) => JwtCheck::Ok(d.claims),
        Err(e) => {
            let (name, message, expired) = match e.kind() {
                ErrorKind::ExpiredSignature => ("TokenExpiredError", "jwt expired", true),
                ErrorKind::InvalidSignature => ("JsonWebTokenError", "invalid signature", false),
                ErrorKind::InvalidAlgorithm => ("JsonWebTokenError", "invalid algorithm", false),
                _ if token.is_empty() => ("JsonWebTokenError", "jwt must be provided", false),
                _ => ("JsonWebTokenError", "jwt malformed", false),
            };
            // Real wording: 'checkJwt error: name = %s message = %s token = %s' (WARN).
            ctx.log.line(
                "WARN",
                &format!("checkJwt error: name = {name} message = {message} token = {token}"),
            );
            if expired {
                JwtCheck::Expired
            } else {
                JwtCheck::Rejected
            }
        }
    }
}

fn command(ctx: &Ctx, headers: &hyper::HeaderMap, body: &[u8]) -> Resp {
    let reply = |error: i64, version: Option<&str>, key: Option<&Value>| {
        let mut o = Map::new();
        if let Some(k) = key {
            o.insert("key".into(), k.clone());
        }
        o.insert("error".into(), json!(error));
        if let Some(v) = version {
            o.insert("version".into(), json!(v));
        }
        json_response(StatusCode::OK, &Value::Object(o))
    };
    let mut params: Map<String, Value> = if body.is_empty() {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => m,
            Ok(_) | Err(_) => {
                ctx.log.line(
                    "ERROR",
                    "Error commandFromServer: docId = commandFromServer SyntaxError: Unexpected token in JSON",
                );
                return reply(code::UNKNOWN_ERROR, None, None);
            }
        }
    };
    let jwt = read_jwt_settings(&ctx.dir);
    if jwt.inbox_enabled {
        let body_token = params
            .get("token")
            .and_then(Value::as_str)
            .map(str::to_string);
        let header_token = headers
            .get(jwt.header.as_str())
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::to_string);
        let token = match body_token.or(header_token) {
            Some(t) => t,
            // Real docservice: no token → no checkJwt line, just error 6.
            None => return reply(code::TOKEN, None, None),
        };
        match check_jwt(ctx, &token, &jwt.secret) {
            JwtCheck::Ok(claims) => {
                let payload = claims.get("payload").cloned();
                for (k, v) in claims {
                    params.insert(k, v);
                }
                if let Some(Value::Object(p)) = payload {
                    for (k, v) in p {
                        params.insert(k, v);
                    }
                }
            }
            JwtCheck::Expired => return reply(code::TOKEN_EXPIRE, None, None),
            JwtCheck::Rejected => return reply(code::TOKEN, None, None),
        }
    }
    let key = params.get("key").cloned();
    let c = params.get("c").and_then(Value::as_str).unwrap_or("");
    match c {
        "version" => reply(code::NO_ERROR, Some(VERSION), key.as_ref()),
        "license" => reply(code::NO_ERROR, None, key.as_ref()),
        "info" | "drop" | "saved" | "forcesave" | "meta" => {
            // The lab holds no documents: every key is unknown.
            reply(code::DOCUMENT_ID_ERROR, None, key.as_ref())
        }
        _ if key.is_none() => reply(code::DOCUMENT_ID_ERROR, None, None),
        _ => reply(code::UNKNOWN_COMMAND, None, key.as_ref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_words_round_trip() {
        for m in [
            Mode::Healthy,
            Mode::Hang,
            Mode::HealthFalse,
            Mode::BigHeaders,
        ] {
            assert_eq!(Mode::parse(m.as_str()), Some(m));
        }
        assert_eq!(Mode::parse("hang\n"), Some(Mode::Hang));
        assert_eq!(Mode::parse("bogus"), None);
    }

    #[test]
    fn jwt_settings_from_local_json() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            d.path().join("local.json"),
            r#"{"services":{"CoAuthoring":{"token":{"enable":{"request":{"inbox":true}},"inbox":{"header":"AuthorizationJwt"}},"secret":{"inbox":{"string":"s"}}}}}"#,
        )
        .expect("write");
        let s = read_jwt_settings(d.path());
        assert!(s.inbox_enabled);
        assert_eq!(s.secret, "s");
        assert_eq!(s.header, "AuthorizationJwt");
        let none = read_jwt_settings(&d.path().join("missing"));
        assert!(!none.inbox_enabled);
        assert_eq!(none.header, "Authorization");
    }
}
