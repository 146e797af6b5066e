//! `triage502 watch`: the console's engine without the console, as a long-running service.
//! The same tasks ([`crate::engine::tasks::start`], [`Rounds::Repeat`]) feed the same
//! [`State`] through `State::apply`; the timeline is kept in the console's journal and
//! printed one line per event on standard error (journald and supervisor keep it; no colour,
//! no cursor movement). After every round the findings go through the alert [`alerts::Tracker`]
//! to the receivers ([`deliver::Dispatcher`]), and the metrics ([`metrics::Metrics`]) served
//! on `--listen` ([`serve`]) are set from the state.
//!
//! Signals: SIGTERM and SIGINT stop cleanly (exit 0); SIGHUP reads the config again (a config
//! that does not load is logged and the running one kept) and restarts the tasks with it,
//! keeping what each receiver was told so a reload sends no alert twice. Readiness goes to
//! `$NOTIFY_SOCKET` when a service manager set it ([`notify`]).

pub mod alerts;
pub mod deliver;
pub mod format;
pub mod metrics;
pub mod notify;
pub mod serve;

use crate::config::{Config, LoadError, Source};
use crate::engine::tasks::{self, Rounds};
use crate::engine::{State, Update};
use crate::probe::scheduler::ProbeEvent;
use std::sync::Arc;
use std::time::Duration;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

/// The default `--listen` address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:9502";
/// How long stopping waits for the engine's tasks.
const STOP_WAIT: Duration = Duration::from_secs(2);
/// How long stopping gives the receivers to send what is queued.
const DELIVER_WAIT: Duration = Duration::from_secs(5);

/// Reads the config (at start, and again on SIGHUP): the config and where it came from, or
/// why not.
pub type Load = Box<dyn Fn() -> Result<(Config, Source), LoadError> + Send>;

/// Run `watch` until SIGTERM or SIGINT; the exit code (3 when the config cannot be used).
pub fn run(listen: &str, load: Load) -> i32 {
    let (cfg, source) = match load() {
        Ok(x) => x,
        Err(e) if e.is_usage() => {
            crate::say_err!("triage502: {e}");
            return 3;
        }
        Err(e) => {
            crate::say_err!("triage502: invalid configuration\n{e}");
            return 3;
        }
    };
    let reload: Reload = Box::new(move || {
        load().map(|(c, s)| (c, s.to_string())).map_err(|e| {
            e.to_string()
                .lines()
                .next()
                .unwrap_or("unusable")
                .to_string()
        })
    });
    let (cfg, source) = (cfg, source.to_string());
    let rt = match crate::util::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            crate::say_err!("triage502: {e}");
            return 1;
        }
    };
    let code = rt.block_on(watch(Arc::new(cfg), source, listen, reload));
    crate::children::shutdown(Duration::from_secs(2));
    code
}

/// Reads the config again: the config and where it came from, or the first line of why not.
type Reload = Box<dyn Fn() -> Result<(Config, String), String> + Send>;

/// Why the engine loop ended.
enum End {
    Stop(&'static str),
    Reload,
}

async fn watch(mut cfg: Arc<Config>, mut source: String, listen: &str, reload: Reload) -> i32 {
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            crate::say_err!(
                "triage502: cannot listen on {listen}: {} (another watch running? choose \
                 another with --listen)",
                crate::util::io_error_text(&e)
            );
            return 1;
        }
    };
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        crate::say_err!("triage502: cannot handle signals");
        return 1;
    };
    let m = Arc::new(metrics::Metrics::new());
    let health = Arc::new(serve::Health::new(
        Duration::from_millis(cfg.probe.interval_ms),
        Duration::from_millis(cfg.probe.timeout_ms),
    ));
    let server = tokio::spawn(serve::serve(listener, m.clone(), health.clone()));
    let mut tracker = alerts::Tracker::default();
    loop {
        say(&format!(
            "watching with {source}: {} hops, {} receivers, metrics on http://{listen}/metrics",
            cfg.hops.len(),
            cfg.alerts.len()
        ));
        let mut run = Run::start(cfg.clone(), source.clone(), m.clone(), health.clone()).await;
        ready();
        let end = loop {
            tokio::select! {
                u = run.rx.recv() => match u {
                    Some(u) => run.take(u, &mut tracker),
                    None => break End::Stop("the engine's tasks ended"),
                },
                _ = term.recv() => break End::Stop("SIGTERM"),
                _ = int.recv() => break End::Stop("SIGINT"),
                _ = hup.recv() => {
                    let _ = notify::notify("RELOADING=1");
                    match reload() {
                        Ok(next) => {
                            let before = names(&cfg);
                            (cfg, source) = (Arc::new(next.0), next.1);
                            tracker.remap(|i| {
                                let name = before.get(i)?;
                                cfg.alerts.iter().position(|a| &a.name == name)
                            });
                            break End::Reload;
                        }
                        Err(e) => {
                            say(&format!("reload refused, keeping the running config: {e}"));
                            ready();
                        }
                    }
                }
            }
        };
        run.stop().await;
        match end {
            End::Reload => say("configuration reloaded"),
            End::Stop(why) => {
                let _ = notify::notify("STOPPING=1");
                say(&format!("stopping ({why})"));
                server.abort();
                return 0;
            }
        }
    }
}

fn names(cfg: &Config) -> Vec<String> {
    cfg.alerts.iter().map(|a| a.name.clone()).collect()
}

/// Tell the service manager we are ready (after start and after a reload).
fn ready() {
    if let Err(e) = notify::notify("READY=1") {
        say(&e);
    }
}

/// One line on standard error, without control characters (journald keeps it).
fn say(text: &str) {
    crate::say_err!("{}", crate::sanitize::field(text));
}

/// The engine running for one config.
struct Run {
    state: State,
    tasks: tasks::Tasks,
    rx: mpsc::Receiver<Update>,
    deliver: deliver::Dispatcher,
    metrics: Arc<metrics::Metrics>,
    health: Arc<serve::Health>,
    round_started: Option<tokio::time::Instant>,
    printed: u64,
}

impl Run {
    async fn start(
        cfg: Arc<Config>,
        source: String,
        metrics: Arc<metrics::Metrics>,
        health: Arc<serve::Health>,
    ) -> Run {
        let (tx, rx) = mpsc::channel::<Update>(1024);
        let tasks = tasks::start(cfg.clone(), tx, Rounds::Repeat).await;
        let place = deliver::Place {
            host: crate::report::host_name(),
            profile: cfg.profile.clone(),
        };
        let deliver = deliver::Dispatcher::start(
            &cfg.alerts,
            Duration::from_secs(cfg.watch.min_interval_s),
            place,
            metrics.clone(),
        );
        let mut state = State::new(cfg.clone(), source);
        state.journal = Some(crate::report::journal_path(&cfg));
        Run {
            state,
            tasks,
            rx,
            deliver,
            metrics,
            health,
            round_started: None,
            printed: 0,
        }
    }

    /// Apply one update; after a round, set the metrics and send the alerts it calls for.
    fn take(&mut self, u: Update, tracker: &mut alerts::Tracker) {
        let before = self.state.timeline_total;
        let is_result = matches!(u, Update::Probe(ProbeEvent::Result(_)));
        let finished = matches!(u, Update::Probe(ProbeEvent::RoundFinished { .. }));
        match &u {
            Update::Probe(ProbeEvent::RoundStarted { .. }) => {
                self.round_started = Some(tokio::time::Instant::now());
            }
            Update::Logs(rs) => self.metrics.log_entries(rs.iter().map(|r| r.class().id())),
            Update::Access(a) => self.metrics.client_errors(&a.fresh),
            _ => {}
        }
        self.state.apply(u);
        if is_result && self.state.timeline_total != before {
            // A hop changed state: fresh host facts now, as the console does.
            self.tasks.host_now.notify_one();
        }
        self.print_timeline();
        if finished {
            if let Some(t) = self.round_started.take() {
                self.metrics.round(t.elapsed().as_secs_f64());
            }
            self.metrics.set_state(&self.state);
            self.health.round();
            self.alert(tracker);
        }
    }

    /// The alerts of the round just finished.
    fn alert(&mut self, tracker: &mut alerts::Tracker) {
        let cfg = &self.state.cfg;
        let mins: Vec<_> = cfg.alerts.iter().map(|a| a.min_severity).collect();
        let policy = alerts::Policy {
            hold_rounds: cfg.watch.hold_rounds,
            receivers: &mins,
            silences: &cfg.watch.silences,
        };
        // Evidence is final once the host facts are fresh for the chain as it is now.
        let counts = self.state.host.is_some() && !self.state.host_is_stale();
        let out = tracker.round(
            &self.state.diagnosis.findings,
            chrono::Utc::now(),
            counts,
            &policy,
        );
        for id in tracker.take_silenced() {
            say(&format!("alert: {id} held back by a silence"));
        }
        for a in out {
            let name = cfg.alerts.get(a.receiver).map_or("?", |r| r.name.as_str());
            say(&format!(
                "alert: {} {} → {name}",
                a.event.as_str(),
                a.finding.id
            ));
            self.deliver.send(a);
        }
    }

    /// The timeline events added since the last call, one line each.
    fn print_timeline(&mut self) {
        let total = self.state.timeline_total;
        let new = total.saturating_sub(self.printed) as usize;
        self.printed = total;
        let tl = &self.state.timeline;
        for ev in tl.iter().skip(tl.len().saturating_sub(new)) {
            let level = match ev.level {
                crate::engine::NoteLevel::Info => "info",
                crate::engine::NoteLevel::Warn => "warning",
                crate::engine::NoteLevel::Error => "error",
            };
            // Findings and actions name themselves (in the language of the text).
            if ev.text.starts_with(ev.kind.as_str())
                || matches!(ev.kind.as_str(), "finding" | "action")
            {
                say(&format!("{level}: {}", ev.text));
            } else {
                say(&format!("{level}: {}: {}", ev.kind, ev.text));
            }
        }
    }

    async fn stop(self) {
        self.tasks.stop(STOP_WAIT).await;
        self.deliver.finish(DELIVER_WAIT).await;
    }
}
