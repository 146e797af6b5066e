//! What the `watch` tests share: a loopback HTTP receiver that records every request (and
//! answers per path as each real service does: Slack `ok`, WeCom/DingTalk `{"errcode":0}`,
//! Feishu `{"code":0}`, `/fail` 500, `/hang` never), the `watch` process (killed on drop), its
//! metrics read over HTTP, and a Prometheus from Debian run with a config of the test's own.
#![allow(dead_code)]

use crate::common::{bin, free_port, wait_until};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Got {
    /// The path without the query.
    pub path: String,
    /// The query (after `?`), or empty.
    pub query: String,
    /// The body as JSON (`Null` when it is not JSON).
    pub body: serde_json::Value,
}

/// The receiver; its thread lives as long as the test process.
pub struct Receiver {
    pub port: u16,
    got: Arc<Mutex<Vec<Got>>>,
    /// `/hang` requests whose client has not hung up yet.
    pub hanging: Arc<AtomicUsize>,
}

impl Receiver {
    pub fn start() -> Receiver {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind receiver");
        let port = l.local_addr().expect("addr").port();
        let got = Arc::new(Mutex::new(Vec::new()));
        let hanging = Arc::new(AtomicUsize::new(0));
        let (g, h) = (got.clone(), hanging.clone());
        std::thread::spawn(move || {
            for s in l.incoming().flatten() {
                let (g, h) = (g.clone(), h.clone());
                std::thread::spawn(move || serve(s, &g, &h));
            }
        });
        Receiver { port, got, hanging }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every request so far whose path starts with `prefix`.
    pub fn at(&self, prefix: &str) -> Vec<Got> {
        self.got
            .lock()
            .expect("lock")
            .iter()
            .filter(|g| g.path.starts_with(prefix))
            .cloned()
            .collect()
    }
}

fn serve(mut s: TcpStream, got: &Mutex<Vec<Got>>, hanging: &AtomicUsize) {
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf.len() > 64 * 1024 {
            return;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let target = head.split_whitespace().nth(1).unwrap_or("").to_string();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + len {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    let body = serde_json::from_slice(&buf[head_end..head_end + len]).unwrap_or_default();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target.clone(), String::new()),
    };
    got.lock().expect("lock").push(Got {
        path: path.clone(),
        query,
        body,
    });
    let (status, answer) = if path.starts_with("/hang") {
        // Never answer; count the request as hanging until the client hangs up.
        hanging.fetch_add(1, Ordering::SeqCst);
        let _ = s.set_read_timeout(Some(Duration::from_secs(120)));
        while matches!(s.read(&mut chunk), Ok(n) if n > 0) {}
        hanging.fetch_sub(1, Ordering::SeqCst);
        return;
    } else if path.starts_with("/fail") {
        ("500 Internal Server Error", "oops")
    } else if path.starts_with("/slack") {
        ("200 OK", "ok")
    } else if path.starts_with("/wecom") || path.starts_with("/dingtalk") {
        ("200 OK", r#"{"errcode":0,"errmsg":"ok"}"#)
    } else if path.starts_with("/feishu") {
        ("200 OK", r#"{"code":0,"msg":"success","data":{}}"#)
    } else {
        ("200 OK", "")
    };
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
        answer.len()
    );
}

/// A running `triage502 watch`, killed on drop; its standard error goes to a file.
pub struct Watch {
    pub child: Child,
    pub listen: String,
    pub stderr: PathBuf,
}

impl Watch {
    /// Start `watch --config CONFIG --listen 127.0.0.1:free`, with `env`.
    pub fn start(dir: &Path, config: &Path, env: &[(&str, &std::ffi::OsStr)]) -> Watch {
        let listen = format!("127.0.0.1:{}", free_port());
        let stderr = dir.join("watch.stderr");
        let err = std::fs::File::create(&stderr).expect("stderr file");
        let child = Command::new(bin())
            .env_remove("TRIAGE502_CONFIG")
            .env_remove("TRIAGE502_LAB_DIR")
            .env_remove("NOTIFY_SOCKET")
            .env("TRIAGE502_FINGERPRINT_KEY", dir.join("fp.key"))
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .arg("--config")
            .arg(config)
            .args(["watch", "--listen", &listen])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(err)
            .spawn()
            .expect("start watch");
        Watch {
            child,
            listen,
            stderr,
        }
    }

    /// `GET PATH` on the listen address: (status, body); `None` when it does not answer.
    pub fn get(&self, path: &str) -> Option<(u16, String)> {
        http_get(&self.listen, path)
    }

    /// A sample's value in `/metrics` (the whole line before the value must match).
    pub fn metric(&self, series: &str) -> Option<f64> {
        let (_, text) = self.get("/metrics")?;
        text.lines().find_map(|l| {
            let (name, v) = l.rsplit_once(' ')?;
            (name == series).then(|| v.parse().ok())?
        })
    }

    /// Rounds finished so far (0 before the metrics answer).
    pub fn rounds(&self) -> u64 {
        self.metric("triage502_rounds_total").unwrap_or(0.0) as u64
    }

    /// Wait until `n` more rounds than now have finished (at most `within`); whether they did.
    pub fn wait_rounds(&self, n: u64, within: Duration) -> bool {
        let start = self.rounds();
        wait_until(within, || self.rounds() >= start + n)
    }

    pub fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: kill(2) on our own child, not reaped yet.
        unsafe { libc::kill(self.child.id() as i32, sig) };
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `GET path` over HTTP/1.0; bounded in time and size.
pub fn http_get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut out = Vec::new();
    s.take(8 * 1024 * 1024).read_to_end(&mut out).ok()?;
    let text = String::from_utf8_lossy(&out).to_string();
    let (head, body) = text.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_string()))
}

/// A Prometheus from Debian scraping `target` every second, with its own config and storage
/// in `dir`, killed on drop. `None` (the caller skips) when it is not installed.
pub struct Prometheus {
    child: Child,
    pub addr: String,
}

impl Prometheus {
    pub fn start(dir: &Path, target: &str) -> Option<Prometheus> {
        let binary = ["/usr/bin/prometheus", "/usr/local/bin/prometheus"]
            .into_iter()
            .find(|p| Path::new(p).exists())?;
        let cfg = dir.join("prometheus.yml");
        std::fs::write(
            &cfg,
            format!(
                "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
                 scrape_configs:\n  - job_name: triage502\n    static_configs:\n      - targets: ['{target}']\n"
            ),
        )
        .expect("prometheus.yml");
        let addr = format!("127.0.0.1:{}", free_port());
        let log = std::fs::File::create(dir.join("prometheus.log")).expect("log");
        let child = Command::new(binary)
            .arg(format!("--config.file={}", cfg.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("tsdb").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start prometheus");
        Some(Prometheus { child, addr })
    }

    /// The value of the first series `/api/v1/query` answers for `q`, when there is one.
    pub fn value(&self, q: &str) -> Option<f64> {
        let enc: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let (status, body) = http_get(&self.addr, &format!("/api/v1/query?query={enc}"))?;
        if status != 200 {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(&body).ok()?;
        v["data"]["result"][0]["value"][1].as_str()?.parse().ok()
    }
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
