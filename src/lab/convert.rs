//! The stand-in's converter: `POST /ConvertService.ashx` (XML answer unless the client accepts
//! JSON) and `POST /converter` (JSON), as ONLYOFFICE's `DocService/sources/converterservice.js`
//! and `FileConverter/sources/converter.js` do it, so the lab can show the Document Server
//! failing to fetch a document or to post a result back.
//!
//! A request `{url, key, filetype, outputtype, …}` (signed with the inbox secret when
//! `services.CoAuthoring.token.enable.request.inbox` is on) makes the converter download `url`
//! under the settings of the lab's `local.json`: the request filter
//! (`services.CoAuthoring.request-filtering-agent.allowPrivateIPAddress`), the size limit
//! (`FileConverter.converter.maxDownloadBytes`), the whole-cycle timeout
//! (`FileConverter.converter.downloadTimeout.wholeCycle`), `downloadAttemptMaxCount` /
//! `downloadAttemptDelay`, and certificate checks (`requestDefaults.rejectUnauthorized`). Every
//! failed attempt is written at once to `logs/converter/out.log` in the converter's own format
//! (`error downloadFile:url=%s;attempt=%d;code:%s;connect:%s %s`), and the client gets the
//! converter's old-style error code (-4 download, -10 limits, -8 token, -7 parameters, -3
//! conversion, -2 timeout).
//!
//! The conversion itself copies the document (the lab has no x2t) to
//! `tmp/convert/KEY/output.EXT`, served at `/cache/files/data/KEY/output.EXT`. A `callbackUrl`
//! in the request (a lab extension: the real ConvertService has none) makes docservice's save
//! callback happen afterwards — a POST `{"key","status":2,"url",…}` signed with the outbox
//! secret — and a failure is logged to `logs/docservice/out.log` as docservice does it
//! (`postData error: url = %s;data = %j %s`).
//!
//! `DIR/converter-mode` (one word) picks a converter fault: `hang` holds the request past the
//! lab nginx's `proxy_read_timeout` and logs `receiveTask timeout %d`; `x2t-killed` spawns a
//! real child named `x2t` (a copy of `/bin/sleep` in `DIR/x2t/`), kills it with SIGKILL and
//! logs `error spawnAsync(id=…)` / `… exited with signal: SIGKILL` and
//! `ExitCode (code=null;signal=SIGKILL;error:-80)`.

use serde_json::{Map, Value, json};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Old-style ConvertService error codes (`utils.mapAscServerErrorToOldError`).
mod code {
    pub const TIMEOUT: i64 = -2;
    pub const CONVERT: i64 = -3;
    pub const DOWNLOAD: i64 = -4;
    pub const PARAMS: i64 = -7;
    pub const TOKEN: i64 = -8;
    pub const LIMITS: i64 = -10;
}

/// The converter's `CONVERT` error (-80) as `ExitCode` logs it.
const CONVERT_ERROR: i64 = -80;

/// How long the `hang` mode holds a request before the converter gives up on the task (longer
/// than the lab nginx's 2 s `proxy_read_timeout`).
pub const HANG_MS: u64 = 3000;

/// Largest time any one download or callback may take, whatever local.json says.
const MAX_CYCLE: Duration = Duration::from_secs(20);

/// The real default of `FileConverter.converter.maxDownloadBytes`.
const DEFAULT_MAX_BYTES: u64 = crate::docserver::settings::DEFAULT_MAX_DOWNLOAD_BYTES;

/// The converter mode, read from `DIR/converter-mode` on each request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Convert.
    Healthy,
    /// Hold the request, then log `receiveTask timeout`.
    Hang,
    /// x2t is killed with SIGKILL.
    X2tKilled,
}

impl Mode {
    /// The word written to `DIR/converter-mode`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Healthy => "healthy",
            Mode::Hang => "hang",
            Mode::X2tKilled => "x2t-killed",
        }
    }

    fn parse(s: &str) -> Mode {
        match s.trim() {
            "hang" => Mode::Hang,
            "x2t-killed" => Mode::X2tKilled,
            _ => Mode::Healthy,
        }
    }
}

/// Path of the converter mode file.
pub fn mode_path(dir: &Path) -> PathBuf {
    dir.join("converter-mode")
}

/// Path of the converter's log.
pub fn log_path(dir: &Path) -> PathBuf {
    dir.join("logs/converter/out.log")
}

/// Path of docservice's log (where its callback errors go).
fn docservice_log(dir: &Path) -> PathBuf {
    dir.join("logs/docservice/out.log")
}

fn read_file(path: &Path) -> Option<Vec<u8>> {
    crate::fsafe::read_capped(path, 1 << 20, false)
        .ok()
        .map(|(b, _)| b)
}

fn read_mode(dir: &Path) -> Mode {
    read_file(&mode_path(dir))
        .map(|b| Mode::parse(&String::from_utf8_lossy(&b)))
        .unwrap_or(Mode::Healthy)
}

/// Append one line in the Document Server's format (best effort, never through a symlink).
fn log(path: &Path, level: &str, doc: &str, msg: &str) {
    let ts = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%.3f");
    let text = format!("[{ts}] [{level}] [localhost] [{doc}] [userId] nodeJS - {msg}\n");
    if let Ok(mut f) = crate::fsafe::open_write(path, crate::fsafe::WriteMode::Append, 0o644) {
        let _ = f.write_all(text.as_bytes());
    }
}

/// The settings of local.json the converter obeys (real defaults where unset).
#[derive(Debug, Clone, PartialEq)]
struct Settings {
    inbox: Option<String>,
    outbox: Option<String>,
    outbox_header: String,
    allow_private_ip: bool,
    max_bytes: u64,
    attempts: u32,
    attempt_delay: Duration,
    whole_cycle: Duration,
    reject_unauthorized: bool,
}

/// `"2m"`, `"30s"`, `"500ms"` or a number of milliseconds.
fn duration_of(v: &Value) -> Option<Duration> {
    if let Some(n) = v.as_u64() {
        return Some(Duration::from_millis(n));
    }
    let s = v.as_str()?.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = num.parse().ok()?;
    Some(match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        _ => return None,
    })
}

fn read_settings(dir: &Path) -> Settings {
    let v: Value = read_file(&dir.join("local.json"))
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let ca = &v["services"]["CoAuthoring"];
    let fc = &v["FileConverter"]["converter"];
    let secret = |enabled: &Value, s: &Value| {
        enabled
            .as_bool()
            .unwrap_or(false)
            .then(|| s.as_str().unwrap_or("").to_string())
    };
    Settings {
        inbox: secret(
            &ca["token"]["enable"]["request"]["inbox"],
            &ca["secret"]["inbox"]["string"],
        ),
        outbox: secret(
            &ca["token"]["enable"]["request"]["outbox"],
            &ca["secret"]["outbox"]["string"],
        ),
        outbox_header: ca["token"]["outbox"]["header"]
            .as_str()
            .unwrap_or("Authorization")
            .to_string(),
        allow_private_ip: ca["request-filtering-agent"]["allowPrivateIPAddress"]
            .as_bool()
            .unwrap_or(false),
        max_bytes: fc["maxDownloadBytes"].as_u64().unwrap_or(DEFAULT_MAX_BYTES),
        attempts: fc["downloadAttemptMaxCount"]
            .as_u64()
            .map_or(3, |n| n.clamp(1, 10) as u32),
        attempt_delay: duration_of(&fc["downloadAttemptDelay"])
            .unwrap_or(Duration::from_secs(1))
            .min(Duration::from_secs(5)),
        whole_cycle: duration_of(&fc["downloadTimeout"]["wholeCycle"])
            .unwrap_or(Duration::from_secs(120))
            .min(MAX_CYCLE),
        reject_unauthorized: ca["requestDefaults"]["rejectUnauthorized"]
            .as_bool()
            .unwrap_or(true),
    }
}

/// The converter's answer: HTTP status, content type, body.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `application/json` or `text/xml`.
    pub content_type: &'static str,
    /// The body.
    pub body: String,
}

/// `{error}` or the result, as JSON or as the converter's XML `FileResult`.
fn answer(json: bool, result: Result<(String, String), i64>) -> Answer {
    let body = match (&result, json) {
        (Err(e), true) => json!({ "error": e }).to_string(),
        (Ok((url, ft)), true) => {
            json!({"fileUrl": url, "fileType": ft, "percent": 100, "endConvert": true}).to_string()
        }
        (Err(e), false) => {
            format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?><FileResult><Error>{e}</Error></FileResult>"
            )
        }
        (Ok((url, ft)), false) => format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><FileResult><FileUrl>{}</FileUrl><FileType>{}</FileType><Percent>100</Percent><EndConvert>True</EndConvert></FileResult>",
            xml_escape(url),
            xml_escape(ft)
        ),
    };
    Answer {
        status: 200,
        content_type: if json { "application/json" } else { "text/xml" },
        body,
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A name safe as a folder and a log field: letters, digits, `_`, `-`, `.` (at most 80).
fn safe_key(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.len() <= 80
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    ok.then(|| s.to_string())
}

/// The request's parameters: the body, and the token's payload over it when one is required
/// and valid (`Err` is the error code to answer).
fn params(dir: &Path, headers: &hyper::HeaderMap, body: &[u8]) -> Result<Map<String, Value>, i64> {
    let mut p = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        _ => return Err(code::PARAMS),
    };
    let s = read_settings(dir);
    let Some(secret) = s.inbox else {
        return Ok(p);
    };
    let token = p
        .get("token")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            headers
                .get("authorization")
                .and_then(|h| h.to_str().ok())
                .and_then(|h| h.strip_prefix("Bearer "))
                .map(str::to_string)
        })
        .ok_or(code::TOKEN)?;
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.required_spec_claims.clear();
    v.validate_aud = false;
    let decoded = jsonwebtoken::DecodingKey::from_secret(secret.as_bytes())
        .and_then(|k| jsonwebtoken::decode::<Map<String, Value>>(&token, &k, &v));
    match decoded {
        Ok(d) => {
            let claims = d.claims;
            let inner = match claims.get("payload") {
                Some(Value::Object(m)) => m.clone(),
                _ => claims,
            };
            p.extend(inner);
            Ok(p)
        }
        Err(e) => {
            log(
                &docservice_log(dir),
                "WARN",
                "docId",
                &format!("checkJwt error: name = JsonWebTokenError message = {e} token = {token}"),
            );
            Err(code::TOKEN)
        }
    }
}

/// Handle one ConvertService request (`json`: the client asked at `/converter` or accepts
/// JSON). `ds_port` builds the result's URL.
pub async fn convert_service(
    dir: &Path,
    ds_port: u16,
    headers: &hyper::HeaderMap,
    body: &[u8],
    json: bool,
) -> Answer {
    let p = match params(dir, headers, body) {
        Ok(p) => p,
        Err(e) => return answer(json, Err(e)),
    };
    let text = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_string);
    let (Some(url), Some(key), Some(out)) = (
        text("url"),
        text("key").and_then(|k| safe_key(&k)),
        text("outputtype").and_then(|k| safe_key(&k)),
    ) else {
        return answer(json, Err(code::PARAMS));
    };
    let mode = read_mode(dir);
    if mode == Mode::Hang {
        return answer(json, Err(hang(dir, &key).await));
    }
    let s = read_settings(dir);
    let data = match download(dir, &s, &url, &key).await {
        Ok(d) => d,
        Err(e) => return answer(json, Err(e)),
    };
    if mode == Mode::X2tKilled {
        return answer(json, Err(x2t_killed(dir, &key).await));
    }
    let folder = dir.join("tmp/convert").join(&key);
    let stored = crate::fsafe::ensure_private_dir(&dir.join("tmp/convert"))
        .and_then(|()| crate::fsafe::ensure_private_dir(&folder))
        .and_then(|()| {
            let path = folder.join(format!("output.{out}"));
            let mut f = crate::fsafe::open_write(&path, crate::fsafe::WriteMode::Truncate, 0o600)?;
            f.write_all(&data).map_err(|e| e.to_string())
        });
    if let Err(e) = stored {
        log(
            &log_path(dir),
            "ERROR",
            &key,
            &format!("error processing conversion: {e}"),
        );
        return answer(json, Err(code::CONVERT));
    }
    let file_url = format!("http://127.0.0.1:{ds_port}/cache/files/data/{key}/output.{out}");
    if let Some(cb) = text("callbackUrl") {
        callback(dir, &s, &cb, &key, &file_url).await;
    }
    answer(json, Ok((file_url, out)))
}

/// A converted file for `GET /cache/files/data/KEY/output.EXT` (bounded in size).
pub fn result_file(dir: &Path, path: &str) -> Option<Vec<u8>> {
    let rest = path.strip_prefix("/cache/files/data/")?;
    let (key, name) = rest.split_once('/')?;
    let key = safe_key(key)?;
    let name = safe_key(name)?;
    crate::fsafe::read_capped(
        &dir.join("tmp/convert").join(key).join(name),
        64 << 20,
        false,
    )
    .ok()
    .map(|(b, _)| b)
}

/// The `hang` mode: the task is held; the converter gives up after [`HANG_MS`] and says so in
/// its log even when the client has gone (the line is written by a task of its own).
async fn hang(dir: &Path, key: &str) -> i64 {
    let (path, key) = (log_path(dir), key.to_string());
    let t = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(HANG_MS)).await;
        log(
            &path,
            "ERROR",
            &key,
            &format!("receiveTask timeout {HANG_MS}"),
        );
    });
    let _ = t.await;
    code::TIMEOUT
}

/// The `x2t-killed` mode: a real child named x2t is started and killed with SIGKILL.
async fn x2t_killed(dir: &Path, key: &str) -> i64 {
    let d = dir.to_path_buf();
    let k = key.to_string();
    let r = tokio::task::spawn_blocking(move || kill_x2t(&d, &k)).await;
    if let Ok(Err(e)) | Err(e) = r.map_err(|e| e.to_string()) {
        log(
            &log_path(dir),
            "ERROR",
            key,
            &format!("error spawnAsync {e}"),
        );
    }
    code::CONVERT
}

fn kill_x2t(dir: &Path, key: &str) -> Result<(), String> {
    let folder = dir.join("x2t");
    crate::fsafe::ensure_private_dir(&folder)?;
    let x2t = folder.join("x2t");
    if std::fs::symlink_metadata(&x2t).is_err() {
        std::fs::copy("/bin/sleep", &x2t).map_err(|e| format!("cannot copy /bin/sleep: {e}"))?;
    }
    let mut child = std::process::Command::new(&x2t)
        .arg("30")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", x2t.display()))?;
    let id = child.id();
    std::thread::sleep(Duration::from_millis(200));
    let _ = child.kill(); // SIGKILL, as the kernel's OOM killer sends it
    let status = child.wait().map_err(|e| e.to_string())?;
    use std::os::unix::process::ExitStatusExt as _;
    let sig = status.signal().unwrap_or(0);
    let name = if sig == libc::SIGKILL { "SIGKILL" } else { "?" };
    let path = log_path(dir);
    log(
        &path,
        "ERROR",
        key,
        &format!(
            "error spawnAsync(id={id})\nError: {} exited with signal: {name}\n    at ChildProcess.completionListener (/snapshot/server/node_modules/@expo/spawn-async/build/spawnAsync.js:52:23)",
            x2t.display()
        ),
    );
    log(
        &path,
        "ERROR",
        key,
        &format!("ExitCode (code=null;signal={name};error:{CONVERT_ERROR})"),
    );
    Ok(())
}

/// A failed attempt: the error's `code` (Node's, `None` when it has none) and its stack as the
/// converter logs it.
#[derive(Debug)]
struct Fail {
    code: Option<&'static str>,
    stack: String,
}

impl Fail {
    fn new(code: Option<&'static str>, message: String) -> Fail {
        Fail {
            code,
            stack: format!(
                "Error: {message}\n    at downloadUrlPromise (/snapshot/server/Common/sources/utils.js)"
            ),
        }
    }
}

/// Download with the converter's attempts, logging each failure at once.
async fn download(dir: &Path, s: &Settings, url: &str, key: &str) -> Result<Vec<u8>, i64> {
    let client = crate::docserver::client::builder(!s.reject_unauthorized)
        .timeout(s.whole_cycle)
        .build()
        .map_err(|_| code::DOWNLOAD)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let f = match tokio::time::timeout(s.whole_cycle, fetch_once(&client, s, url)).await {
            Ok(Ok(d)) => return Ok(d),
            Ok(Err(f)) => f,
            Err(_) => Fail::new(Some("ETIMEDOUT"), "whole request cycle timeout".into()),
        };
        log(
            &log_path(dir),
            "ERROR",
            key,
            &format!(
                "error downloadFile:url={url};attempt={attempt};code:{};connect:undefined {}",
                f.code.unwrap_or("undefined"),
                f.stack
            ),
        );
        match f.code {
            Some("ETIMEDOUT" | "ESOCKETTIMEDOUT") => return Err(code::DOWNLOAD),
            Some("EMSGSIZE") => return Err(code::LIMITS),
            _ if attempt >= s.attempts => return Err(code::DOWNLOAD),
            _ => tokio::time::sleep(s.attempt_delay).await,
        }
    }
}

/// One attempt: the request filter on the resolved addresses, the GET, the status, the size.
async fn fetch_once(client: &reqwest::Client, s: &Settings, url: &str) -> Result<Vec<u8>, Fail> {
    let parts = crate::util::UrlParts::parse(url)
        .map_err(|_| Fail::new(Some("ERR_INVALID_URL"), format!("Invalid URL: {url}")))?;
    let lookup = tokio::net::lookup_host((parts.host.as_str(), parts.port));
    let addrs: Vec<std::net::SocketAddr> =
        match tokio::time::timeout(Duration::from_secs(5), lookup).await {
            Ok(Ok(a)) => a.collect(),
            _ => {
                return Err(Fail::new(
                    Some("ENOTFOUND"),
                    format!("getaddrinfo ENOTFOUND {}", parts.host),
                ));
            }
        };
    if !s.allow_private_ip
        && let Some(a) = addrs
            .iter()
            .find(|a| crate::onlyoffice::storage::is_private(a.ip()))
    {
        let family = if a.is_ipv4() { 4 } else { 6 };
        return Err(Fail::new(
            None,
            format!(
                "DNS lookup {}(family:{family}, host:{}) is not allowed. Because, It is private IP address.",
                a.ip(),
                parts.host
            ),
        ));
    }
    let addr = addrs
        .first()
        .map(|a| a.to_string())
        .unwrap_or_else(|| parts.authority());
    let mut resp = client
        .get(url)
        .send()
        .await
        .map_err(|e| net_fail(&e, &addr, &parts.host))?;
    let status = resp.status().as_u16();
    if !matches!(status, 200 | 206) {
        return Err(Fail::new(
            None,
            format!(
                "Error response: statusCode:{status}; headers:{};",
                headers_json(resp.headers())
            ),
        ));
    }
    if let Some(n) = resp.content_length().filter(|n| *n > s.max_bytes) {
        return Err(Fail::new(
            Some("EMSGSIZE"),
            format!("EMSGSIZE: Error response: content-length:{n}"),
        ));
    }
    let mut data = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| net_fail(&e, &addr, &parts.host))?
    {
        data.extend_from_slice(&chunk);
        if data.len() as u64 > s.max_bytes {
            return Err(Fail::new(
                Some("EMSGSIZE"),
                format!(
                    "EMSGSIZE: Response too large: {} bytes (limit: {} bytes)",
                    data.len(),
                    s.max_bytes
                ),
            ));
        }
    }
    Ok(data)
}

/// Response headers as axios shows them: lower-case names, JSON.
fn headers_json(h: &reqwest::header::HeaderMap) -> String {
    let m: Map<String, Value> = h
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                Value::String(v.to_str().unwrap_or("").to_string()),
            )
        })
        .collect();
    Value::Object(m).to_string()
}

/// A transport error in Node's words: its code and message.
fn net_fail(e: &reqwest::Error, addr: &str, host: &str) -> Fail {
    let chain = crate::docserver::client::error_chain(e);
    let has = |s: &str| chain.contains(s);
    if e.is_timeout() {
        Fail::new(Some("ETIMEDOUT"), "whole request cycle timeout".into())
    } else if has("Connection refused") {
        Fail::new(Some("ECONNREFUSED"), format!("connect ECONNREFUSED {addr}"))
    } else if has("No route to host") {
        Fail::new(Some("EHOSTUNREACH"), format!("connect EHOSTUNREACH {addr}"))
    } else if has("Network is unreachable") {
        Fail::new(Some("ENETUNREACH"), format!("connect ENETUNREACH {addr}"))
    } else if has("Expired") {
        Fail::new(Some("CERT_HAS_EXPIRED"), "certificate has expired".into())
    } else if has("NotValidForName") {
        Fail::new(
            Some("ERR_TLS_CERT_ALTNAME_INVALID"),
            format!(
                "Hostname/IP does not match certificate's altnames: Host: {host}. is not in the cert's altnames"
            ),
        )
    } else if has("UnknownIssuer") || has("certificate") {
        Fail::new(
            Some("UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
            "unable to verify the first certificate".into(),
        )
    } else if has("reset") || has("closed") {
        // axios's ECONNRESET, renamed by the Document Server.
        Fail::new(Some("ESOCKETTIMEDOUT"), "socket hang up".into())
    } else {
        Fail::new(None, chain)
    }
}

/// docservice's save callback: POST the result to `url` (signed with the outbox secret when
/// outbox tokens are on); a failure is logged as `postData error`.
async fn callback(dir: &Path, s: &Settings, url: &str, key: &str, file_url: &str) {
    let data = json!({
        "key": key,
        "status": 2,
        "url": file_url,
        "users": ["lab"],
        "actions": [{"type": 0, "userid": "lab"}],
        "lastsave": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "notmodified": false
    });
    let fail = match post(s, url, &data).await {
        Ok(()) => return,
        Err(f) => f,
    };
    let stack = fail
        .stack
        .replace("downloadUrlPromise", "postRequestPromise");
    log(
        &docservice_log(dir),
        "ERROR",
        key,
        &format!("postData error: url = {url};data = {data} {stack}"),
    );
}

async fn post(s: &Settings, url: &str, data: &Value) -> Result<(), Fail> {
    let client = crate::docserver::client::builder(!s.reject_unauthorized)
        .timeout(s.whole_cycle)
        .build()
        .map_err(|e| Fail::new(None, e.to_string()))?;
    let parts = crate::util::UrlParts::parse(url)
        .map_err(|_| Fail::new(Some("ERR_INVALID_URL"), format!("Invalid URL: {url}")))?;
    let mut req = client
        .post(url)
        .header("content-type", "application/json")
        .body(data.to_string());
    if let (Some(secret), Value::Object(m)) = (&s.outbox, data) {
        let token = crate::docserver::settings::sign(
            &crate::config::Secret::new(secret.clone()),
            Map::from_iter([("payload".to_string(), Value::Object(m.clone()))]),
        )
        .map_err(|e| Fail::new(None, e))?;
        req = req.header(s.outbox_header.as_str(), format!("Bearer {token}"));
    }
    let addr = parts.authority();
    let send = tokio::time::timeout(s.whole_cycle + Duration::from_millis(200), req.send());
    let resp = match send.await {
        Err(_) => {
            return Err(Fail::new(
                Some("ETIMEDOUT"),
                "whole request cycle timeout".into(),
            ));
        }
        Ok(r) => r.map_err(|e| net_fail(&e, &addr, &parts.host))?,
    };
    let status = resp.status().as_u16();
    if (200..300).contains(&status) {
        return Ok(());
    }
    let headers = headers_json(resp.headers());
    let body = resp.text().await.unwrap_or_default();
    Err(Fail::new(
        None,
        format!(
            "Error response: statusCode:{status}; headers:{headers}; body:\n{}",
            crate::util::shorten(&body, 200)
        ),
    ))
}

/// What `lab break` sends: one ConvertService request through the lab's nginx, as an
/// integrator's connection check does (Nextcloud converts an empty document), signed with the
/// integrator's secret. Returns nginx's status and body; bounded by `timeout`.
pub fn request_conversion(
    nginx_port: u16,
    secret: &str,
    url: &str,
    callback_url: Option<&str>,
    timeout: Duration,
) -> anyhow::Result<(u16, String)> {
    use anyhow::Context as _;
    use std::io::Read as _;
    let key = format!("lab_check_{}", chrono::Utc::now().timestamp_millis());
    let mut p = Map::new();
    for (k, v) in [
        ("async", json!(false)),
        ("filetype", json!("docx")),
        ("key", json!(key)),
        ("outputtype", json!("pdf")),
        ("title", json!("doc.docx")),
        ("url", json!(url)),
    ] {
        p.insert(k.into(), v);
    }
    if let Some(c) = callback_url {
        p.insert("callbackUrl".into(), json!(c));
    }
    let token = crate::docserver::settings::sign(
        &crate::config::Secret::new(secret.to_string()),
        p.clone(),
    )
    .map_err(|e| anyhow::anyhow!(e))?;
    p.insert("token".into(), json!(token));
    let body = Value::Object(p).to_string();
    let addr = std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, nginx_port));
    let mut s = std::net::TcpStream::connect_timeout(&addr, timeout)
        .with_context(|| format!("connect to 127.0.0.1:{nginx_port}"))?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    write!(
        s,
        "POST /ConvertService.ashx HTTP/1.0\r\nHost: localhost\r\nAccept: application/json\r\nContent-Type: application/json\r\nAuthorization: Bearer {token}\r\nUser-Agent: triage502/{} lab\r\nContent-Length: {}\r\n\r\n{body}",
        env!("CARGO_PKG_VERSION"),
        body.len()
    )?;
    let mut buf = Vec::new();
    s.take(1 << 20)
        .read_to_end(&mut buf)
        .with_context(|| format!("read from 127.0.0.1:{nginx_port}"))?;
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .with_context(|| format!("no HTTP status line from 127.0.0.1:{nginx_port}"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::Class;
    use crate::logs::docserver::parse_all;

    #[test]
    fn settings_defaults_and_overrides() {
        let d = tempfile::tempdir().expect("tempdir");
        let s = read_settings(d.path());
        assert_eq!(s.max_bytes, 104_857_600);
        assert_eq!(s.attempts, 3);
        assert!(!s.allow_private_ip && s.reject_unauthorized && s.inbox.is_none());
        std::fs::write(
            d.path().join("local.json"),
            r#"{"services":{"CoAuthoring":{"request-filtering-agent":{"allowPrivateIPAddress":true},"token":{"enable":{"request":{"inbox":true}}},"secret":{"inbox":{"string":"k"}}}},
               "FileConverter":{"converter":{"maxDownloadBytes":10,"downloadAttemptMaxCount":1,"downloadAttemptDelay":100,"downloadTimeout":{"wholeCycle":"2m"}}}}"#,
        )
        .expect("write");
        let s = read_settings(d.path());
        assert!(s.allow_private_ip);
        assert_eq!(s.inbox.as_deref(), Some("k"));
        assert_eq!((s.max_bytes, s.attempts), (10, 1));
        assert_eq!(s.attempt_delay, Duration::from_millis(100));
        assert_eq!(s.whole_cycle, MAX_CYCLE, "2 minutes, bounded");
    }

    #[test]
    fn answers_are_the_converters_xml_or_json() {
        let a = answer(false, Err(code::DOWNLOAD));
        assert_eq!(
            a.body,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><FileResult><Error>-4</Error></FileResult>"
        );
        assert_eq!(a.content_type, "text/xml");
        let a = answer(true, Err(code::LIMITS));
        assert_eq!(a.body, r#"{"error":-10}"#);
        let a = answer(true, Ok(("http://x/o.pdf".into(), "pdf".into())));
        let v: Value = serde_json::from_str(&a.body).expect("json");
        assert_eq!(v["endConvert"], true);
        assert_eq!(safe_key("lab_1.docx").as_deref(), Some("lab_1.docx"));
        assert!(safe_key("../x").is_none() && safe_key("a/b").is_none() && safe_key("").is_none());
    }

    /// A loopback server giving every connection this raw answer.
    fn answering(answer: &'static str) -> u16 {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = l.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            use std::io::Read as _;
            for mut s in l.incoming().flatten() {
                let mut b = [0u8; 4096];
                let _ = s.read(&mut b);
                let _ = s.write_all(answer.as_bytes());
            }
        });
        port
    }

    fn lab(local: &str) -> tempfile::TempDir {
        let d = tempfile::tempdir().expect("tempdir");
        for sub in ["logs", "logs/converter", "logs/docservice"] {
            std::fs::create_dir_all(d.path().join(sub)).expect("mkdir");
        }
        std::fs::write(d.path().join("local.json"), local).expect("write");
        d
    }

    const ALLOW: &str = r#"{"services":{"CoAuthoring":{"request-filtering-agent":{"allowPrivateIPAddress":true}}},"FileConverter":{"converter":{"maxDownloadBytes":1000,"downloadAttemptMaxCount":2,"downloadAttemptDelay":10}}}"#;

    fn convert(d: &Path, url: &str, callback: Option<&str>) -> Answer {
        let rt = crate::util::runtime().expect("runtime");
        let mut body = json!({"url": url, "key": "k1", "filetype": "docx", "outputtype": "pdf"});
        if let Some(c) = callback {
            body["callbackUrl"] = json!(c);
        }
        rt.block_on(convert_service(
            d,
            1,
            &hyper::HeaderMap::new(),
            body.to_string().as_bytes(),
            true,
        ))
    }

    fn classes(path: &Path) -> Vec<Class> {
        parse_all(&std::fs::read(path).unwrap_or_default())
            .iter()
            .map(|e| e.class)
            .collect()
    }

    #[test]
    fn each_download_failure_is_logged_in_the_converters_format_and_answered_with_its_code() {
        let d = lab(ALLOW);
        let p = answering(
            "HTTP/1.1 403 Forbidden\r\nServer: nginx\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        let a = convert(
            d.path(),
            &format!("http://127.0.0.1:{p}/storage/doc.docx"),
            None,
        );
        assert_eq!(a.body, r#"{"error":-4}"#);
        let log = log_path(d.path());
        assert_eq!(
            classes(&log),
            [Class::DsStorageDenied, Class::DsStorageDenied],
            "two attempts"
        );
        let text = std::fs::read_to_string(&log).expect("log");
        assert!(text.contains(&format!("error downloadFile:url=http://127.0.0.1:{p}/storage/doc.docx;attempt=2;code:undefined;connect:undefined Error: Error response: statusCode:403; headers:{{")), "{text}");

        let big = answering("HTTP/1.1 200 OK\r\nContent-Length: 4096\r\nConnection: close\r\n\r\n");
        let a = convert(d.path(), &format!("http://127.0.0.1:{big}/doc.docx"), None);
        assert_eq!(a.body, r#"{"error":-10}"#);
        assert_eq!(classes(&log).last(), Some(&Class::DsStorageTooLarge));

        let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let cp = closed.local_addr().expect("addr").port();
        drop(closed);
        convert(d.path(), &format!("http://127.0.0.1:{cp}/doc.docx"), None);
        assert_eq!(classes(&log).last(), Some(&Class::DsStorageRefused));

        let strict = lab("{}");
        let a = convert(
            strict.path(),
            &format!("http://127.0.0.1:{p}/doc.docx"),
            None,
        );
        assert_eq!(a.body, r#"{"error":-4}"#);
        let text = std::fs::read_to_string(log_path(strict.path())).expect("log");
        assert!(text.contains("Error: DNS lookup 127.0.0.1(family:4, host:127.0.0.1) is not allowed. Because, It is private IP address."), "{text}");
        assert_eq!(
            classes(&log_path(strict.path()))[0],
            Class::DsStoragePrivateIp
        );
    }

    #[test]
    fn a_converted_document_is_served_and_a_failed_callback_is_logged_by_docservice() {
        let d = lab(ALLOW);
        let ok =
            answering("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
        let e500 = answering(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 11\r\nConnection: close\r\n\r\n{\"error\":1}",
        );
        let a = convert(
            d.path(),
            &format!("http://127.0.0.1:{ok}/doc.docx"),
            Some(&format!("http://127.0.0.1:{e500}/callback")),
        );
        let v: Value = serde_json::from_str(&a.body).expect("json");
        assert_eq!(
            v["fileUrl"],
            "http://127.0.0.1:1/cache/files/data/k1/output.pdf"
        );
        assert_eq!(
            result_file(d.path(), "/cache/files/data/k1/output.pdf").as_deref(),
            Some(&b"hello"[..])
        );
        assert!(result_file(d.path(), "/cache/files/data/../output.pdf").is_none());
        let ds = parse_all(&std::fs::read(docservice_log(d.path())).expect("docservice log"));
        assert_eq!(ds.len(), 1, "{ds:?}");
        assert_eq!(ds[0].class, Class::DsCallbackFailed);
        assert_eq!(ds[0].status, Some(500));
        assert!(
            ds[0].message.starts_with(&format!(
                "postData error: url = http://127.0.0.1:{e500}/callback;data = {{"
            )),
            "{}",
            ds[0].message
        );
        assert_eq!(ds[0].doc_id.as_deref(), Some("k1"));
    }

    #[test]
    fn x2t_is_a_real_child_killed_with_sigkill() {
        let d = lab(ALLOW);
        std::fs::write(mode_path(d.path()), "x2t-killed\n").expect("mode");
        let ok =
            answering("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
        let a = convert(d.path(), &format!("http://127.0.0.1:{ok}/doc.docx"), None);
        assert_eq!(a.body, r#"{"error":-3}"#);
        assert_eq!(
            classes(&log_path(d.path())),
            [Class::DsConverterKilled, Class::DsConverterKilled]
        );
        let text = std::fs::read_to_string(log_path(d.path())).expect("log");
        assert!(
            text.contains("/x2t/x2t exited with signal: SIGKILL"),
            "{text}"
        );
        assert!(
            text.contains("ExitCode (code=null;signal=SIGKILL;error:-80)"),
            "{text}"
        );
    }
}
