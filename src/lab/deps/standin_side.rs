//! The stand-in's side of its dependencies and of its start, behaving as the Document Server
//! does and writing what it writes, in its words (DESIGN.md "Document Server log lines"):
//!
//! - at start: `local.json` must parse, else `Cannot parse config file: '…': SyntaxError: …`
//!   on stderr and exit 1 (node's `config` module); a start fault (`crash`) exits with a broken
//!   install's `Error: Cannot find module …`; a port held by another program gives
//!   `Error: listen EADDRINUSE: address already in use …` and exit 1.
//! - `/healthcheck` asks PostgreSQL `SELECT 1;` (psql as a child, with a timeout), then Redis
//!   `PING` (a TCP exchange), and answers `false` at the first failure, after logging
//!   `sqlQuery error` / `postgresql pool error` / `redisClient error` and `healthCheck error`.
//! - The Document Server's expiry job queries `task_result` every two minutes; the stand-in
//!   runs that query at most every [`GC_EVERY`] on a healthcheck (the lab compresses time), and
//!   logs `sqlQuery error` when it fails — without failing the healthcheck, as the real one.

use crate::lab::standin::DsLog;
use serde_json::Value;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How often the expiry job's query runs at most.
pub const GC_EVERY: Duration = Duration::from_secs(2);
/// Bound of one dependency exchange (connect, PING, a psql run).
const DEP_TIMEOUT: Duration = Duration::from_secs(3);
/// The expiry job's query (`gc.js` → `getExpired`), as `sqlQuery` logs its first 50 chars.
const GC_QUERY: &str = "SELECT * FROM task_result WHERE last_open_date <= now() LIMIT 1;";

/// Largest local.json read.
const MAX_FILE: u64 = 1024 * 1024;

/// Why the stand-in may not start: the text it writes to stderr before exiting with 1.
pub fn startup_check(dir: &Path) -> Result<(), String> {
    let path = dir.join("local.json");
    if let Ok((b, _)) = crate::fsafe::read_capped(&path, MAX_FILE, false)
        && let Err(e) = serde_json::from_slice::<Value>(&b)
    {
        return Err(format!(
            "Cannot parse config file: '{}': SyntaxError: {}\n    at JSON.parse (<anonymous>)\n",
            path.display(),
            js_parse_error(&b, &e)
        ));
    }
    let fault = crate::fsafe::read_capped(&dir.join(super::START_FAULT), 64, false)
        .map(|(b, _)| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    if fault == "crash" {
        return Err("Error: Cannot find module '/var/www/onlyoffice/documentserver/server/DocService/sources/server.js'\n    \
                    at Module._resolveFilename (node:internal/modules/cjs/loader:1077:15)\n"
            .into());
    }
    Ok(())
}

/// V8's words for a JSON.parse failure at serde's place: `Unexpected token } in JSON at
/// position 528` (`Unexpected end of JSON input` at the end).
fn js_parse_error(text: &[u8], e: &serde_json::Error) -> String {
    if e.is_eof() {
        return "Unexpected end of JSON input".into();
    }
    let mut pos = 0;
    for (i, l) in text.split(|b| *b == b'\n').enumerate() {
        if i + 1 == e.line() {
            pos += e.column().saturating_sub(1).min(l.len());
            break;
        }
        pos += l.len() + 1;
    }
    let tok = text.get(pos).map(|b| char::from(*b)).unwrap_or('?');
    format!("Unexpected token {tok} in JSON at position {pos}")
}

/// What node prints when the port is held: the text written to stderr before exit 1.
pub fn listen_error(port: u16) -> String {
    format!(
        "Error: listen EADDRINUSE: address already in use 127.0.0.1:{port}\n    \
         at Server.setupListenHandle [as _listen2] (node:net:1817:16)\n"
    )
}

/// The dependency settings of local.json.
#[derive(Debug, Clone, Default, PartialEq)]
struct Settings {
    redis: Option<(String, u16)>,
    sql: Option<Sql>,
}

#[derive(Debug, Clone, PartialEq)]
struct Sql {
    host: String,
    port: u16,
    db: String,
    user: String,
    pass: String,
}

fn settings(dir: &Path) -> Settings {
    let v: Value = crate::fsafe::read_capped(&dir.join("local.json"), MAX_FILE, false)
        .ok()
        .and_then(|(b, _)| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null);
    let ca = &v["services"]["CoAuthoring"];
    let port = |x: &Value| x.as_u64().and_then(|p| u16::try_from(p).ok());
    let text = |x: &Value, d: &str| x.as_str().unwrap_or(d).to_string();
    let redis = port(&ca["redis"]["port"]).map(|p| (text(&ca["redis"]["host"], "127.0.0.1"), p));
    let s = &ca["sql"];
    let sql = port(&s["dbPort"]).map(|p| Sql {
        host: text(&s["dbHost"], "localhost"),
        port: p,
        db: text(&s["dbName"], "onlyoffice"),
        user: text(&s["dbUser"], "onlyoffice"),
        pass: text(&s["dbPass"], ""),
    });
    Settings { redis, sql }
}

/// What the stand-in remembers between healthchecks.
#[derive(Debug, Default)]
pub struct Watch {
    pg_up: Mutex<Option<bool>>,
    last_gc: Mutex<Option<Instant>>,
    /// The last `SELECT 1;` and its answer: reused for [`SQL_FRESH`] (the real one asks a
    /// pooled connection; a psql run is dearer, and nginx asks as often as the probe).
    last_sql: Mutex<Option<(Instant, Result<(), String>)>>,
}

/// How long a `SELECT 1;` answer is reused.
const SQL_FRESH: Duration = Duration::from_secs(1);

/// Redis `PING` → `+PONG`; the error in node_redis's words.
async fn ping(host: &str, port: u16) -> Result<(), String> {
    let fail = |what: String| format!("Error: Redis connection to {host}:{port} failed - {what}");
    let exchange = async {
        let mut s = tokio::net::TcpStream::connect((host, port)).await?;
        s.write_all(b"PING\r\n").await?;
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).await?;
        Ok::<_, std::io::Error>(buf[..n].to_vec())
    };
    match tokio::time::timeout(DEP_TIMEOUT, exchange).await {
        Err(_) => Err(fail(format!("connect ETIMEDOUT {host}:{port}"))),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Err(fail(format!("connect ECONNREFUSED {host}:{port}")))
        }
        Ok(Err(e)) => Err(fail(e.to_string())),
        Ok(Ok(a)) if a.starts_with(b"+PONG") => Ok(()),
        Ok(Ok(a)) => Err(format!(
            "ReplyError: {}",
            String::from_utf8_lossy(&a).trim()
        )),
    }
}

/// One query through psql (PostgreSQL's own client) with the settings' credentials, bounded;
/// the error in node-postgres's words (`Error: connect ECONNREFUSED …`, `error: …`).
async fn query(s: &Sql, sql: &str) -> Result<(), String> {
    let psql = Path::new(super::PG_BIN).join("psql");
    let mut cmd = tokio::process::Command::new(&psql);
    cmd.args(["-X", "-q", "-A", "-t", "-w", "-h", &s.host, "-p"])
        .arg(s.port.to_string())
        .args([
            "-U",
            &s.user,
            "-d",
            &s.db,
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ])
        .env("PGPASSWORD", &s.pass)
        .env("PGCONNECT_TIMEOUT", "2")
        .env("LC_ALL", "C")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let run = async {
        let mut child = cmd.spawn()?;
        let mut err = Vec::new();
        if let Some(e) = child.stderr.take() {
            e.take(8192).read_to_end(&mut err).await?;
        }
        let st = child.wait().await?;
        Ok::<_, std::io::Error>((st, err))
    };
    match tokio::time::timeout(DEP_TIMEOUT, run).await {
        Err(_) => Err("Error: Connection terminated due to connection timeout".into()),
        Ok(Err(e)) => Err(format!("Error: cannot run {}: {e}", psql.display())),
        Ok(Ok((st, _))) if st.success() => Ok(()),
        Ok(Ok((_, err))) => Err(pg_error(&String::from_utf8_lossy(&err), s)),
    }
}

/// psql's error as node-postgres reports it.
fn pg_error(stderr: &str, s: &Sql) -> String {
    if stderr.contains("Connection refused") {
        return format!("Error: connect ECONNREFUSED {}:{}", s.host, s.port);
    }
    for l in stderr.lines() {
        for mark in ["FATAL:  ", "ERROR:  "] {
            if let Some(at) = l.find(mark) {
                return format!("error: {}", l[at + mark.len()..].trim());
            }
        }
    }
    format!(
        "Error: {}",
        stderr.lines().next().unwrap_or("query failed").trim()
    )
}

fn is_connect_failure(e: &str) -> bool {
    e.starts_with("Error: connect ") || e.contains("connection timeout")
}

/// The healthcheck's dependency part: `true` when PostgreSQL and Redis answer (those the
/// settings name). Logs as the Document Server does.
pub async fn health(dir: &Path, watch: &Watch, log: &DsLog) -> bool {
    let s = settings(dir);
    if let Some(sql) = &s.sql {
        let cached = watch
            .last_sql
            .lock()
            .ok()
            .and_then(|g| g.clone())
            .filter(|(t, _)| t.elapsed() < SQL_FRESH);
        if let Some((_, r)) = cached {
            return r.is_ok() && redis_ok(&s, log).await && gc(&s, watch, log).await;
        }
        let r = query(sql, "SELECT 1;").await;
        if let Ok(mut g) = watch.last_sql.lock() {
            *g = Some((Instant::now(), r.clone()));
        }
        let was_up = watch.pg_up.lock().ok().and_then(|g| *g);
        if let Err(e) = &r {
            if is_connect_failure(e) && was_up == Some(true) {
                // The pool's idle clients lose their server first.
                log.line(
                    "ERROR",
                    "postgresql pool error Error: Connection terminated unexpectedly",
                );
            }
            log.line(
                "ERROR",
                &format!("sqlQuery error sqlCommand: SELECT 1;:\r\n{e}"),
            );
            log.line("ERROR", &format!("healthCheck error {e}"));
        }
        if let Ok(mut g) = watch.pg_up.lock() {
            *g = Some(r.is_ok() || !r.as_ref().is_err_and(|e| is_connect_failure(e)));
        }
        if r.is_err() {
            return false;
        }
    }
    redis_ok(&s, log).await && gc(&s, watch, log).await
}

/// Redis answers `PING` (when the settings name it); logs as the Document Server does.
async fn redis_ok(s: &Settings, log: &DsLog) -> bool {
    if let Some((host, port)) = &s.redis
        && let Err(e) = ping(host, *port).await
    {
        log.line("ERROR", &format!("redisClient error {e}"));
        log.line("ERROR", &format!("healthCheck error {e}"));
        return false;
    }
    true
}

/// The expiry job's query when due; its failure is logged but does not fail the healthcheck.
async fn gc(s: &Settings, watch: &Watch, log: &DsLog) -> bool {
    if let Some(sql) = &s.sql
        && gc_due(watch)
        && let Err(e) = query(sql, GC_QUERY).await
    {
        let shown: String = GC_QUERY.chars().take(50).collect();
        log.line(
            "ERROR",
            &format!("sqlQuery error sqlCommand: {shown}:\r\n{e}"),
        );
    }
    true
}

fn gc_due(watch: &Watch) -> bool {
    let Ok(mut g) = watch.last_gc.lock() else {
        return false;
    };
    let now = Instant::now();
    if g.is_some_and(|t| now.duration_since(t) < GC_EVERY) {
        return false;
    }
    *g = Some(now);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_failures_are_written_as_node_writes_them() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(d.path().join("local.json"), "{\"a\": 1,}\n").expect("write");
        let e = startup_check(d.path()).expect_err("does not parse");
        assert!(
            e.starts_with("Cannot parse config file: '")
                && e.contains("SyntaxError: Unexpected token } in JSON at position 8"),
            "{e}"
        );
        let c = crate::logs::docserver::classify_message(e.as_bytes());
        assert_eq!(c, crate::logs::Class::DsConfigParse);
        std::fs::write(d.path().join("local.json"), "{}").expect("write");
        assert!(startup_check(d.path()).is_ok());
        std::fs::write(d.path().join(super::super::START_FAULT), "crash\n").expect("write");
        let e = startup_check(d.path()).expect_err("crash");
        assert_eq!(
            crate::logs::docserver::classify_message(e.as_bytes()),
            crate::logs::Class::DsInstallBroken
        );
        assert_eq!(
            crate::logs::docserver::classify_message(listen_error(8000).as_bytes()),
            crate::logs::Class::DsPortInUse
        );
    }

    #[test]
    fn psql_errors_read_as_node_postgres_errors() {
        let s = Sql {
            host: "127.0.0.1".into(),
            port: 5433,
            db: "onlyoffice".into(),
            user: "onlyoffice".into(),
            pass: String::new(),
        };
        assert_eq!(
            pg_error(
                "psql: error: connection to server at \"127.0.0.1\", port 5433 failed: Connection refused\n\tIs the server running",
                &s
            ),
            "Error: connect ECONNREFUSED 127.0.0.1:5433"
        );
        assert_eq!(
            pg_error(
                "psql: error: connection to server at \"127.0.0.1\", port 5433 failed: FATAL:  password authentication failed for user \"onlyoffice\"\n",
                &s
            ),
            "error: password authentication failed for user \"onlyoffice\""
        );
        assert_eq!(
            pg_error(
                "ERROR:  relation \"task_result\" does not exist\nLINE 1: SELECT * FROM task_result",
                &s
            ),
            "error: relation \"task_result\" does not exist"
        );
    }

    #[tokio::test]
    async fn redis_ping_refused_is_named_as_node_redis_names_it() {
        // A port nobody listens on: bind, note, drop.
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = l.local_addr().expect("addr").port();
        drop(l);
        let e = ping("127.0.0.1", port).await.expect_err("refused");
        assert_eq!(
            e,
            format!(
                "Error: Redis connection to 127.0.0.1:{port} failed - connect ECONNREFUSED 127.0.0.1:{port}"
            )
        );
    }
}
