//! The engine's background tasks, started one way for every front-end: the probe scheduler,
//! the host facts (with the ONLYOFFICE integration checks riding along), the access-log
//! watcher and the log follower. The console (and `watch` next) keeps them going
//! ([`Rounds::Repeat`]); `check` and `report` ([`super::run_once`]) take one round of them
//! ([`Rounds::One`]) and ask the log readers to catch up after it ([`Tasks::catch_up`]).
//! Generic over the receiver's event type (anything built from an engine [`Update`] and a
//! [`ProbeEvent`]), like [`crate::probe::scheduler::spawn`].

use super::{Update, access};
use crate::config::Config;
use crate::host::services::ServiceState;
use crate::logs::follow::{FollowHandle, LogEvent};
use crate::probe::scheduler::ProbeEvent;
use crate::tr_in;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc, oneshot};

/// Log entries read from the end of each file at start (the console's and `check`'s).
pub const BACKLOG: usize = 500;
/// How often host facts are refreshed at rest (at once when a hop changes state). External
/// tools (supervisorctl, nginx -T, nft) cost more than the whole console at rest, so this is
/// slow on purpose.
pub const HOST_EVERY: Duration = Duration::from_secs(60);
/// How soon host facts are read again after a refresh a hop change asked for, and while a
/// service is between states (starting, stopping, restarting): the services pane shows the
/// state the service settles in, not the one it had when the hop turned.
pub const SETTLE: Duration = Duration::from_secs(3);
/// How often the access logs are looked at (new bytes only).
pub const ACCESS_EVERY: Duration = Duration::from_secs(2);

/// How long the probes and the host facts keep going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounds {
    /// A probe round every `probe.interval_ms` and the host facts every [`HOST_EVERY`], until
    /// stopped (the console).
    Repeat,
    /// One probe round and one look at the host (`check`, `report`).
    One,
}

/// A request answered once its task has done what was asked and sent what it found.
type Ask = oneshot::Sender<()>;

/// The running tasks. [`Tasks::stop`] ends them.
pub struct Tasks {
    /// Notify to start a probe round now.
    pub reprobe: Arc<Notify>,
    /// Notify to refresh the host facts now (a hop changed state).
    pub host_now: Arc<Notify>,
    handles: Vec<tokio::task::JoinHandle<()>>,
    follower: Option<Follower>,
    /// Asks the access watcher to look now.
    access_now: Option<mpsc::Sender<Ask>>,
}

/// The log follower and where its catch-up requests are registered.
struct Follower {
    handle: FollowHandle,
    asks: mpsc::Sender<Ask>,
}

/// Start every task of the engine for `cfg`, sending to `tx`.
pub async fn start<T>(cfg: Arc<Config>, tx: mpsc::Sender<T>, rounds: Rounds) -> Tasks
where
    T: From<Update> + From<ProbeEvent> + Send + 'static,
{
    let reprobe = Arc::new(Notify::new());
    let host_now = Arc::new(Notify::new());
    let prober = Arc::new(crate::probe::Prober::new(cfg.clone()));
    let probes = match rounds {
        Rounds::Repeat => {
            let interval = Duration::from_millis(cfg.probe.interval_ms);
            crate::probe::scheduler::spawn(prober, interval, tx.clone(), reprobe.clone())
        }
        Rounds::One => {
            let tx = tx.clone();
            tokio::spawn(async move {
                crate::probe::scheduler::round_streaming(&prober, 1, &tx).await;
            })
        }
    };
    let mut handles = vec![
        probes,
        spawn_host(cfg.clone(), tx.clone(), host_now.clone(), rounds),
    ];
    let access_now = spawn_access(&cfg, tx.clone()).map(|(h, asks)| {
        handles.push(h);
        asks
    });
    let follower = spawn_logs(&cfg, tx).await;
    Tasks {
        reprobe,
        host_now,
        handles,
        follower,
        access_now,
    }
}

impl Tasks {
    /// Have the log follower and the access watcher read what was written up to now (`check`
    /// does after its round: the logs then hold what its own probes caused). Resolves once
    /// what they read is in the channel, at once for a reader that is not running. The
    /// channel must be drained meanwhile (the readers wait for room in it).
    pub async fn catch_up(&self) {
        let mut answers = Vec::new();
        if let Some(f) = &self.follower {
            let (ask, answer) = oneshot::channel();
            // Registered before the follower is asked, so the answer finds it.
            if f.asks.send(ask).await.is_ok() {
                f.handle.sync();
                answers.push(answer);
            }
        }
        if let Some(asks) = &self.access_now {
            let (ask, answer) = oneshot::channel();
            if asks.send(ask).await.is_ok() {
                answers.push(answer);
            }
        }
        for a in answers {
            // An error is a reader that ended: nothing more will come from it.
            let _ = a.await;
        }
    }

    /// Abort every task (probes and host tools in flight are abandoned; their process groups
    /// are killed as the tasks drop them) and wait for them at most `wait`. The log follower's
    /// thread only reads files: it is left to end with the process rather than waited for
    /// (up to its next poll).
    pub async fn stop(self, wait: Duration) {
        for h in &self.handles {
            h.abort();
        }
        let _ = tokio::time::timeout(wait, futures_join(self.handles)).await;
        std::mem::forget(self.follower.map(|f| f.handle));
    }
}

async fn futures_join(handles: Vec<tokio::task::JoinHandle<()>>) {
    for h in handles {
        let _ = h.await;
    }
}

fn unsettled(snap: &crate::host::Snapshot) -> bool {
    snap.services.value().is_some_and(|ss| {
        ss.iter().any(|s| {
            matches!(
                s.state,
                ServiceState::Activating | ServiceState::Deactivating | ServiceState::Restarting
            )
        })
    })
}

/// Host facts every [`HOST_EVERY`], at once when `now` is notified (a hop changed state),
/// then again after [`SETTLE`] and as long as a service is between states; once with
/// [`Rounds::One`]. The ONLYOFFICE integration checks ride along when the config has a
/// Document Server (same cadence: they may run occ / docker inspect and send signed requests).
fn spawn_host<T>(
    cfg: Arc<Config>,
    tx: mpsc::Sender<T>,
    now: Arc<Notify>,
    rounds: Rounds,
) -> tokio::task::JoinHandle<()>
where
    T: From<Update> + Send + 'static,
{
    let q = super::host_query(&cfg);
    tokio::spawn(async move {
        let sampler = crate::host::HostSampler::new();
        let mut asked = false;
        loop {
            // The host facts go out as soon as they are in: the integration checks may wait a
            // probe timeout on a hung or firewalled Document Server, while facts such as a DROP
            // rule are evidence at once.
            let (snap, integration) = collect_host(&sampler, &q, &cfg).await;
            let wait = if asked || unsettled(&snap) {
                SETTLE
            } else {
                HOST_EVERY
            };
            if tx.send(Update::Host(Box::new(snap)).into()).await.is_err() {
                return;
            }
            if let Some(integration) = integration {
                let Ok(integration) = integration.await else {
                    return;
                };
                if tx
                    .send(Update::Integration(Box::new(integration)).into())
                    .await
                    .is_err()
                {
                    return;
                }
            }
            if rounds == Rounds::One {
                return;
            }
            asked = false;
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = now.notified() => asked = true,
            }
        }
    })
}

/// One host snapshot, and the integration checks when the config has a Document Server,
/// running beside the other host collectors (a task to await after the snapshot is sent). The
/// nginx facts are read first (nginx -T is quick) and shared, so a black-holed Document Server
/// costs one timeout in total, never two in a row.
async fn collect_host(
    sampler: &crate::host::HostSampler,
    q: &crate::host::HostQuery,
    cfg: &Arc<Config>,
) -> (
    crate::host::Snapshot,
    Option<tokio::task::JoinHandle<crate::onlyoffice::IntegrationReport>>,
) {
    if !cfg.onlyoffice_checks() {
        return (sampler.collect(q).await, None);
    }
    let nginx = crate::host::collect_nginx(q).await;
    let (cfg, facts) = (cfg.clone(), nginx.value().cloned());
    let integration =
        tokio::spawn(async move { crate::onlyoffice::collect(&cfg, facts.as_ref()).await });
    (
        sampler.collect_with_nginx(q, nginx).await,
        Some(integration),
    )
}

/// What clients got, from the access logs: new bytes only, every [`ACCESS_EVERY`] and at
/// once when asked (through the returned sender; the ask is answered after the look's update
/// is sent).
fn spawn_access<T>(
    cfg: &Config,
    tx: mpsc::Sender<T>,
) -> Option<(tokio::task::JoinHandle<()>, mpsc::Sender<Ask>)>
where
    T: From<Update> + Send + 'static,
{
    if cfg.logs.nginx_access.is_empty() {
        return None;
    }
    let files = cfg.logs.nginx_access.clone();
    let (ask_tx, mut asks) = mpsc::channel::<Ask>(4);
    let handle = tokio::spawn(async move {
        let mut watch = access::AccessWatch::new(files, 5);
        let mut answered: Vec<Ask> = Vec::new();
        loop {
            let polled = tokio::task::spawn_blocking(move || {
                let s = watch.poll();
                (watch, s)
            })
            .await;
            let Ok((w, summary)) = polled else { return };
            watch = w;
            if tx.send(Update::Access(summary).into()).await.is_err() {
                return;
            }
            for a in answered.drain(..) {
                let _ = a.send(());
            }
            tokio::select! {
                _ = tokio::time::sleep(ACCESS_EVERY) => {}
                Some(a) = asks.recv() => answered.push(a),
            }
        }
    });
    Some((handle, ask_tx))
}

/// Follow the error and Document Server logs from [`BACKLOG`] entries before their end.
async fn spawn_logs<T>(cfg: &Config, tx: mpsc::Sender<T>) -> Option<Follower>
where
    T: From<Update> + Send + 'static,
{
    let files = super::log_files(cfg);
    if files.is_empty() {
        return None;
    }
    let fc = crate::logs::follow::FollowConfig {
        files,
        backlog: BACKLOG,
        ..Default::default()
    };
    match crate::logs::follow::spawn_follower(fc) {
        Ok((handle, lrx)) => {
            let (asks, ask_rx) = mpsc::channel::<Ask>(4);
            tokio::spawn(forward_logs(lrx, tx, ask_rx));
            Some(Follower { handle, asks })
        }
        Err(e) => {
            let _ = tx
                .send(
                    Update::note(super::NoteLevel::Error, |l| {
                        tr_in!(l, "engine-logs-unfollowed", error = e)
                    })
                    .into(),
                )
                .await;
            None
        }
    }
}

/// Forward a log follower's events as engine updates, batching whatever is queued so a flood
/// becomes a few large updates rather than one redraw per line. The follower's answer to a
/// catch-up request ([`LogEvent::Synced`]) answers the oldest ask of `asks` once everything
/// before it is in `tx`.
async fn forward_logs<T: From<Update>>(
    mut rx: mpsc::Receiver<LogEvent>,
    tx: mpsc::Sender<T>,
    mut asks: mpsc::Receiver<Ask>,
) {
    let mut out = Batch::default();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(ev) = next.take() {
            match ev {
                LogEvent::Entries { source, entries } => {
                    let file = source.display().to_string();
                    out.entries.reserve(entries.len());
                    out.entries.extend(entries.into_iter().map(|mut e| {
                        e.set_file(Some(file.clone()));
                        e
                    }));
                }
                LogEvent::Notice {
                    path,
                    kind,
                    message,
                    message_en,
                } => out.notices.push(Update::LogNotice {
                    path: path.display().to_string(),
                    text: format!("{kind}: {message}"),
                    en: format!("{}: {message_en}", kind.word_in(crate::i18n::Lang::En)),
                }),
                LogEvent::Synced => {
                    if !out.send(&tx).await {
                        return;
                    }
                    // The ask was registered before the follower was asked.
                    if let Ok(ask) = asks.try_recv() {
                        let _ = ask.send(());
                    }
                }
            }
            if out.entries.len() < 2000 {
                next = rx.try_recv().ok();
            }
        }
        if !out.send(&tx).await {
            return;
        }
    }
}

/// Log updates gathered by [`forward_logs`] and not sent yet.
#[derive(Default)]
struct Batch {
    entries: Vec<crate::logs::Record>,
    notices: Vec<Update>,
}

impl Batch {
    /// Send the notices, then the entries as one update; false when the receiver is gone.
    async fn send<T: From<Update>>(&mut self, tx: &mpsc::Sender<T>) -> bool {
        for n in self.notices.drain(..) {
            if tx.send(n.into()).await.is_err() {
                return false;
            }
        }
        let entries = std::mem::take(&mut self.entries);
        entries.is_empty() || tx.send(Update::Logs(entries).into()).await.is_ok()
    }
}
