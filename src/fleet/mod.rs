//! `triage502 fleet`: many boxes from one terminal, over the system's OpenSSH client. Each
//! host runs `triage502 check --format json` itself (the same engine, there); this room asks
//! them concurrently (bounded in number, time and bytes), reads their answers as untrusted
//! input ([`remote`]), says why a host could not be asked ([`Reach`]), and keeps one
//! [`FleetState`] that the headless outputs ([`render`]) and the console's fleet view draw
//! from. No terminal code here; recovery actions are never run on another box from here.

pub mod cli;
pub mod hosts;
pub mod remote;
pub mod render;
pub mod ssh;

use crate::verdict::State;
use chrono::{DateTime, Utc};
use remote::RemoteCheck;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// One box to ask.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// The name shown.
    pub name: String,
    /// Where ssh connects.
    pub destination: String,
    /// `--config` there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    /// The triage502 program there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary: Option<String>,
}

impl Target {
    /// From a `[[fleet.host]]` table.
    pub fn from_config(h: &crate::config::fleet::FleetHost) -> Target {
        Target {
            name: h.name.clone().unwrap_or_else(|| h.destination.clone()),
            destination: h.destination.clone(),
            config: h.config.clone(),
            binary: h.binary.clone(),
        }
    }

    /// A bare destination (a line of `--hosts FILE`).
    pub fn destination(d: &str) -> Target {
        Target {
            name: d.to_string(),
            destination: d.to_string(),
            config: None,
            binary: None,
        }
    }
}

/// Why a host gave no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Its name does not resolve.
    Dns,
    /// Nothing listens on its ssh port (or a REJECT rule).
    Refused,
    /// No answer in time (connection or its check).
    Timeout,
    /// No route to it.
    Unreachable,
    /// Our key was refused.
    Auth,
    /// Its host key is unknown or changed.
    HostKey,
    /// It closed the connection.
    Closed,
    /// triage502 is not installed there (or not at the path given).
    Missing,
    /// triage502 there is too old for `fleet`.
    TooOld,
    /// It answered something that is not check's JSON, or too much of it.
    BadAnswer,
    /// ssh could not be run here.
    Local,
    /// Another ssh failure (its message says which).
    Other,
}

impl Reach {
    /// The short word shown in the table.
    pub fn word(self) -> &'static str {
        match self {
            Reach::Dns => "DNS",
            Reach::Refused => "refused",
            Reach::Timeout => "timeout",
            Reach::Unreachable => "unreachable",
            Reach::Auth => "auth",
            Reach::HostKey => "host key",
            Reach::Closed => "closed",
            Reach::Missing => "triage502 missing",
            Reach::TooOld => "triage502 too old",
            Reach::BadAnswer => "bad answer",
            Reach::Local => "ssh here",
            Reach::Other => "ssh failed",
        }
    }
}

/// Why a host gave no result, with what ssh or the host said.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// The kind.
    pub kind: Reach,
    /// One line: what ssh or the host said.
    pub reason: String,
}

impl Failure {
    /// A failure.
    pub fn new(kind: Reach, reason: impl Into<String>) -> Failure {
        Failure {
            kind,
            reason: reason.into(),
        }
    }
}

/// What is known of one host.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Not answered yet.
    Pending,
    /// Its check's result.
    Result(Box<RemoteCheck>),
    /// Why it could not be asked.
    Failed(Failure),
}

/// One host in the fleet.
#[derive(Debug, Clone)]
pub struct HostView {
    /// Who.
    pub target: Target,
    /// Its last answer.
    pub answer: Answer,
    /// When that answer arrived (this box's clock).
    pub received: Option<DateTime<Utc>>,
    /// Whether it is being asked now.
    pub asking: bool,
}

impl HostView {
    /// Its worst state: an unreachable or unanswered host is UNKNOWN.
    pub fn state(&self) -> State {
        match &self.answer {
            Answer::Result(r) => r.state,
            _ => State::Unknown,
        }
    }

    /// The version of triage502 there, when it answered.
    pub fn version(&self) -> Option<&str> {
        match &self.answer {
            Answer::Result(r) => r.version.as_deref(),
            _ => None,
        }
    }

    /// One line: its top finding, why it could not be asked, or all clear.
    pub fn summary(&self) -> String {
        match &self.answer {
            Answer::Pending if self.asking => "asking…".into(),
            Answer::Pending => "not asked yet".into(),
            Answer::Failed(f) => format!("{}: {}", f.kind.word(), f.reason),
            Answer::Result(r) => match (r.top(), &r.error) {
                (Some(f), _) => format!("{} — {}", f.id, f.title),
                (None, Some(e)) => format!("cannot check there: {e}"),
                (None, None) if r.all_clear => "all clear".into(),
                (None, None) => {
                    let bad = r.hops.iter().filter(|h| h.state != State::Ok).count();
                    format!("no finding; {bad} hop(s) not OK")
                }
            },
        }
    }

    /// How old its answer is, in whole seconds.
    pub fn age_s(&self, now: DateTime<Utc>) -> Option<i64> {
        self.received.map(|t| (now - t).num_seconds().max(0))
    }
}

/// What the askers send.
#[derive(Debug, Clone)]
pub enum FleetEvent {
    /// Host `i` is being asked.
    Asking(usize),
    /// Host `i` answered (or could not be asked).
    Answered(usize, Answer),
    /// A round over every host ended.
    RoundDone,
}

/// Every host and its last answer.
#[derive(Debug, Clone, Default)]
pub struct FleetState {
    /// The hosts, in the order given.
    pub hosts: Vec<HostView>,
}

impl FleetState {
    /// The hosts, none asked yet.
    pub fn new(targets: &[Target]) -> FleetState {
        FleetState {
            hosts: targets
                .iter()
                .map(|t| HostView {
                    target: t.clone(),
                    answer: Answer::Pending,
                    received: None,
                    asking: false,
                })
                .collect(),
        }
    }

    /// Apply an event; whether anything changed.
    pub fn apply(&mut self, ev: FleetEvent) -> bool {
        match ev {
            FleetEvent::Asking(i) => match self.hosts.get_mut(i) {
                Some(h) => {
                    h.asking = true;
                    true
                }
                None => false,
            },
            FleetEvent::Answered(i, a) => match self.hosts.get_mut(i) {
                Some(h) => {
                    h.asking = false;
                    h.answer = a;
                    h.received = Some(Utc::now());
                    true
                }
                None => false,
            },
            FleetEvent::RoundDone => false,
        }
    }

    /// The worst state over every host (UNKNOWN for none).
    pub fn overall(&self) -> State {
        self.hosts
            .iter()
            .map(HostView::state)
            .max()
            .unwrap_or(State::Unknown)
    }
}

/// How hosts are asked: ssh's options and the bounds of a round.
#[derive(Debug)]
pub struct Asker {
    ssh: ssh::SshOptions,
    dir: ssh::ControlDir,
    concurrency: usize,
}

impl Asker {
    /// From the `[fleet]` table; creates the private folder of the control sockets.
    pub fn new(f: &crate::config::fleet::Fleet) -> Result<Asker, String> {
        let dir = ssh::ControlDir::create()?;
        Ok(Asker {
            ssh: ssh::SshOptions {
                config: f.ssh_config.as_deref().map(hosts::expand_tilde),
                options: f.ssh_options.clone(),
                connect_timeout: Duration::from_secs(f.connect_timeout_s.max(1)),
                timeout: Duration::from_secs(f.timeout_s.max(1)),
                control_dir: dir.path().to_path_buf(),
                program: "ssh".into(),
            },
            dir,
            concurrency: f.concurrency.max(1),
        })
    }

    /// Ask one host.
    pub async fn ask(&self, t: &Target) -> Answer {
        let argv = ssh::argv(&self.ssh, t);
        let ran = match ssh::run(&argv, self.ssh.timeout, remote::MAX_ANSWER).await {
            Ok(r) => r,
            Err(f) => return Answer::Failed(f),
        };
        let binary = t.binary.as_deref().unwrap_or("triage502");
        if let Some(f) = ssh::classify(ran.code, &ran.stderr, binary) {
            return Answer::Failed(f);
        }
        match RemoteCheck::parse(&ran.stdout) {
            Ok(r) => Answer::Result(Box::new(r)),
            Err(remote::Refused::TooOld(why)) => Answer::Failed(Failure::new(Reach::TooOld, why)),
            Err(remote::Refused::NotJson(_))
                if ran.code == Some(2) && ssh::too_old_usage(&ran.stderr) =>
            {
                Answer::Failed(Failure::new(
                    Reach::TooOld,
                    format!(
                        "triage502 there does not know `check --format json`: {}",
                        crate::util::shorten(String::from_utf8_lossy(&ran.stderr).trim(), 200)
                    ),
                ))
            }
            Err(remote::Refused::NotJson(why)) => {
                Answer::Failed(Failure::new(Reach::BadAnswer, why))
            }
        }
    }

    /// Ask every host, at most `concurrency` at once, each bounded by the timeout; events
    /// go to `tx` as answers arrive, then [`FleetEvent::RoundDone`].
    pub async fn ask_all(self: &Arc<Self>, targets: &[Target], tx: mpsc::Sender<FleetEvent>) {
        let sem = Arc::new(tokio::sync::Semaphore::new(self.concurrency));
        let mut set = tokio::task::JoinSet::new();
        for (i, t) in targets.iter().cloned().enumerate() {
            let (me, sem, tx) = (self.clone(), sem.clone(), tx.clone());
            set.spawn(async move {
                let Ok(_permit) = sem.acquire_owned().await else {
                    return;
                };
                let _ = tx.send(FleetEvent::Asking(i)).await;
                let a = me.ask(&t).await;
                let _ = tx.send(FleetEvent::Answered(i, a)).await;
            });
        }
        while set.join_next().await.is_some() {}
        let _ = tx.send(FleetEvent::RoundDone).await;
    }

    /// End the shared connections (`ssh -O exit`, bounded) and remove the socket folder.
    pub async fn close(&self, targets: &[Target]) {
        let mut set = tokio::task::JoinSet::new();
        for t in targets {
            let argv = ssh::exit_argv(&self.ssh, t);
            set.spawn(async move {
                let _ = ssh::run(&argv, Duration::from_secs(3), 4096).await;
            });
        }
        while set.join_next().await.is_some() {}
        self.dir.remove();
    }
}

/// Ask every host once and return the state (the headless `fleet`).
pub async fn run_once(
    f: &crate::config::fleet::Fleet,
    targets: &[Target],
) -> Result<FleetState, String> {
    let asker = Arc::new(Asker::new(f)?);
    let (tx, mut rx) = mpsc::channel(64);
    let mut state = FleetState::new(targets);
    let ask = {
        let asker = asker.clone();
        let targets = targets.to_vec();
        tokio::spawn(async move { asker.ask_all(&targets, tx).await })
    };
    while let Some(ev) = rx.recv().await {
        if matches!(ev, FleetEvent::RoundDone) {
            break;
        }
        state.apply(ev);
    }
    let _ = ask.await;
    asker.close(targets).await;
    Ok(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreachable_and_unanswered_hosts_are_unknown_and_the_worst_wins() {
        let t = [Target::destination("a"), Target::destination("b")];
        let mut s = FleetState::new(&t);
        assert_eq!(s.overall(), State::Unknown);
        let ok =
            RemoteCheck::parse(br#"{"schema":1,"version":"0.1.0","state":"OK","all_clear":true}"#)
                .expect("parses");
        s.apply(FleetEvent::Answered(0, Answer::Result(Box::new(ok))));
        s.apply(FleetEvent::Answered(
            1,
            Answer::Failed(Failure::new(Reach::Refused, "connection refused")),
        ));
        assert_eq!(s.hosts[0].state(), State::Ok);
        assert_eq!(s.hosts[1].state(), State::Unknown);
        assert_eq!(s.overall(), State::Unknown);
        assert_eq!(s.hosts[1].summary(), "refused: connection refused");
        assert!(!s.apply(FleetEvent::Asking(7)));
    }

    /// Never more hosts asked at once than `concurrency`: a stand-in for ssh counts the
    /// others running when it starts, then answers as a check would.
    #[tokio::test]
    async fn hosts_are_asked_at_most_concurrency_at_once() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().expect("tempdir");
        let (run, log) = (d.path().join("run"), d.path().join("log"));
        std::fs::create_dir(&run).expect("mkdir");
        let ssh = d.path().join("ssh");
        std::fs::write(
            &ssh,
            format!(
                "#!/bin/sh\ntouch {r}/$$\nls {r} | wc -l >> {l}\nsleep 0.2\nrm {r}/$$\n\
                 echo '{{\"schema\":1,\"version\":\"9.9.9\",\"state\":\"OK\"}}'\n",
                r = run.display(),
                l = log.display()
            ),
        )
        .expect("script");
        std::fs::set_permissions(&ssh, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let f = crate::config::fleet::Fleet {
            concurrency: 2,
            ..Default::default()
        };
        let mut asker = Asker::new(&f).expect("asker");
        asker.ssh.program = ssh.display().to_string();
        let asker = Arc::new(asker);
        let targets: Vec<Target> = (0..6)
            .map(|i| Target::destination(&format!("h{i}")))
            .collect();
        let (tx, mut rx) = mpsc::channel(64);
        let (a, t) = (asker.clone(), targets.clone());
        tokio::spawn(async move { a.ask_all(&t, tx).await });
        let mut s = FleetState::new(&targets);
        while let Some(ev) = rx.recv().await {
            if matches!(ev, FleetEvent::RoundDone) {
                break;
            }
            s.apply(ev);
        }
        asker.dir.remove();
        let counts: Vec<usize> = std::fs::read_to_string(&log)
            .expect("log")
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        assert_eq!(counts.len(), 6, "{counts:?}");
        assert!(counts.iter().all(|&c| (1..=2).contains(&c)), "{counts:?}");
        assert!(
            s.hosts.iter().all(|h| h.version() == Some("9.9.9")),
            "{s:?}"
        );
    }
}
