//! Delivery of alerts, one task per receiver, so that a receiver that hangs or fails never
//! holds up the rounds nor the other receivers: a bounded queue (a full one drops and counts),
//! messages to one receiver spaced `min_interval_s` apart, each attempt bounded in time, up to
//! [`ATTEMPTS`] attempts with a doubling backoff, every failure logged and counted
//! (`triage502_alert_deliveries_total{receiver,result}`). A command receiver runs as argv in a
//! process group of its own ([`crate::children::spawn`]) with the alert JSON on its standard
//! input, and is killed with its group when its time is up.

use super::alerts::Alert;
use super::format::{self, Origin};
use super::metrics::Metrics;
use crate::config::watch::{AlertReceiver, ReceiverKind};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Attempts per message.
pub const ATTEMPTS: u32 = 4;
/// The wait before the second attempt; doubled before each later one.
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// How long one attempt may take (connect, send, answer; or the command's run).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// Messages waiting per receiver.
const QUEUE: usize = 64;
/// Bytes of a receiver's answer read (for its error code).
const ANSWER_MAX: usize = 16 * 1024;

/// The host and profile alerts speak of.
#[derive(Clone)]
pub struct Place {
    /// This host's name.
    pub host: String,
    /// The config's profile.
    pub profile: String,
}

/// The receivers' tasks; dropping it lets them finish their queues and end.
pub struct Dispatcher {
    queues: Vec<(String, mpsc::Sender<Alert>)>,
    handles: Vec<tokio::task::JoinHandle<()>>,
    metrics: Arc<Metrics>,
}

impl Dispatcher {
    /// Start one task per receiver of `alerts`.
    pub fn start(
        alerts: &[AlertReceiver],
        min_interval: Duration,
        place: Place,
        metrics: Arc<Metrics>,
    ) -> Dispatcher {
        let mut queues = Vec::new();
        let mut handles = Vec::new();
        for r in alerts {
            // The token in the URL and the signing key are masked in every output from now on.
            for s in r.url.iter().chain(r.secret.iter()) {
                crate::actions::redact::learn(s);
            }
            let (tx, rx) = mpsc::channel(QUEUE);
            let w = Worker {
                r: r.clone(),
                place: place.clone(),
                metrics: metrics.clone(),
                min_interval,
            };
            handles.push(tokio::spawn(w.run(rx)));
            queues.push((r.name.clone(), tx));
        }
        Dispatcher {
            queues,
            handles,
            metrics,
        }
    }

    /// Queue an alert for its receiver; a full queue drops it (logged and counted).
    pub fn send(&self, a: Alert) {
        let Some((name, q)) = self.queues.get(a.receiver) else {
            return;
        };
        if q.try_send(a).is_err() {
            self.metrics.delivery(name, "dropped");
            crate::say_err!("alert: {name}: queue full, an alert was dropped");
        }
    }

    /// Close the queues and give the tasks up to `wait` to deliver what is queued.
    pub async fn finish(self, wait: Duration) {
        drop(self.queues);
        let all = async {
            for h in self.handles {
                let _ = h.await;
            }
        };
        let _ = tokio::time::timeout(wait, all).await;
    }
}

struct Worker {
    r: AlertReceiver,
    place: Place,
    metrics: Arc<Metrics>,
    min_interval: Duration,
}

impl Worker {
    async fn run(self, mut rx: mpsc::Receiver<Alert>) {
        let client = crate::docserver::client::builder(false)
            .timeout(ATTEMPT_TIMEOUT)
            .connect_timeout(ATTEMPT_TIMEOUT)
            .build()
            .ok();
        let mut last: Option<tokio::time::Instant> = None;
        while let Some(a) = rx.recv().await {
            if let Some(l) = last {
                tokio::time::sleep_until(l + self.min_interval).await;
            }
            last = Some(tokio::time::Instant::now());
            self.deliver(client.as_ref(), &a).await;
        }
    }

    /// Every attempt of one message, with backoff; logged and counted.
    async fn deliver(&self, client: Option<&reqwest::Client>, a: &Alert) {
        let name = &self.r.name;
        let what = format!("{} {}", a.event.as_str(), a.finding.id);
        let mut backoff = FIRST_BACKOFF;
        for attempt in 1..=ATTEMPTS {
            let r = match tokio::time::timeout(ATTEMPT_TIMEOUT, self.attempt(client, a)).await {
                Ok(r) => r,
                Err(_) => Err(format!("no answer within {}s", ATTEMPT_TIMEOUT.as_secs())),
            };
            match r {
                Ok(()) => {
                    self.metrics.delivery(name, "ok");
                    crate::say_err!("alert: {name}: sent {what}");
                    return;
                }
                Err(e) => {
                    self.metrics.delivery(name, "error");
                    let e = crate::sanitize::field(&e);
                    if attempt == ATTEMPTS {
                        self.metrics.delivery(name, "gave_up");
                        crate::say_err!(
                            "alert: {name}: {what} not delivered after {ATTEMPTS} attempts: {e}"
                        );
                        return;
                    }
                    crate::say_err!(
                        "alert: {name}: {what}: attempt {attempt}/{ATTEMPTS} failed: {e} \
                         (again in {}s)",
                        backoff.as_secs()
                    );
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
            }
        }
    }

    async fn attempt(&self, client: Option<&reqwest::Client>, a: &Alert) -> Result<(), String> {
        let origin = Origin {
            host: &self.place.host,
            profile: &self.place.profile,
        };
        if self.r.kind == ReceiverKind::Command {
            // One JSON object and a newline.
            let body = crate::sanitize::json(&format::generic(a, &origin)) + "\n";
            return run_command(&self.r.argv, body.as_bytes()).await;
        }
        let client = client.ok_or("cannot build an HTTP client")?;
        let url = self.r.url.as_ref().ok_or("no url")?;
        let secret = self.r.secret.as_ref().map(|s| s.expose());
        let req = format::request(
            self.r.kind,
            url.expose(),
            secret,
            a,
            &origin,
            chrono::Utc::now(),
        )
        .ok_or("nothing to send")?;
        let body = serde_json::to_vec(&req.body).map_err(|e| e.to_string())?;
        let mut resp = client
            .post(&req.url)
            .header("content-type", "application/json; charset=utf-8")
            .body(body)
            .send()
            .await
            // Without the URL: it holds the receiver's token (DingTalk's with the signature);
            // the log line is masked by sanitize::field besides.
            .map_err(|e| crate::docserver::client::error_chain(&e.without_url()))?;
        let status = resp.status();
        let (answer, _) = crate::probe::body_capped(&mut resp, ANSWER_MAX)
            .await
            .unwrap_or_default();
        if !status.is_success() {
            return Err(format!("HTTP {}", status.as_u16()));
        }
        format::accepted(self.r.kind, &answer)
    }
}

/// Run a command receiver: `argv`, never a shell, `input` on its standard input, its output
/// discarded; success is exit status 0 within [`ATTEMPT_TIMEOUT`] (the caller's bound).
async fn run_command(argv: &[String], input: &[u8]) -> Result<(), String> {
    use tokio::io::AsyncWriteExt as _;
    let (prog, args) = argv.split_first().ok_or("empty argv")?;
    let mut cmd = tokio::process::Command::new(prog);
    cmd.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = crate::children::spawn(&mut cmd)
        .map_err(|e| format!("cannot run {prog}: {}", crate::util::io_error_text(&e)))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A command that does not read its input is its own business: the exit status counts.
        let _ = stdin.write_all(input).await;
        drop(stdin);
    }
    let status = child.wait().await.map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{prog} exited with {status}"))
    }
}
