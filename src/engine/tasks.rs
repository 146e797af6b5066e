//! The engine's background tasks, started one way for every front-end that keeps running
//! (the console today, `watch` next): the probe scheduler, the host facts (with the
//! ONLYOFFICE integration checks riding along), the access-log watcher and the log follower.
//! Generic over the receiver's event type (anything built from an engine [`Update`] and a
//! [`ProbeEvent`]), like [`crate::probe::scheduler::spawn`].

use super::{Update, access};
use crate::config::Config;
use crate::host::services::ServiceState;
use crate::probe::scheduler::ProbeEvent;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

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

/// The running tasks. [`Tasks::stop`] ends them.
pub struct Tasks {
    /// Notify to start a probe round now.
    pub reprobe: Arc<Notify>,
    /// Notify to refresh the host facts now (a hop changed state).
    pub host_now: Arc<Notify>,
    handles: Vec<tokio::task::JoinHandle<()>>,
    follower: Option<crate::logs::follow::FollowHandle>,
}

/// Start every task of the engine for `cfg`, sending to `tx`.
pub async fn start<T>(cfg: Arc<Config>, tx: mpsc::Sender<T>) -> Tasks
where
    T: From<Update> + From<ProbeEvent> + Send + 'static,
{
    let reprobe = Arc::new(Notify::new());
    let host_now = Arc::new(Notify::new());
    let prober = Arc::new(crate::probe::Prober::new(cfg.clone()));
    let interval = Duration::from_millis(cfg.probe.interval_ms);
    let mut handles = vec![
        crate::probe::scheduler::spawn(prober, interval, tx.clone(), reprobe.clone()),
        spawn_host(cfg.clone(), tx.clone(), host_now.clone()),
    ];
    handles.extend(spawn_access(&cfg, tx.clone()));
    let follower = spawn_logs(&cfg, tx).await;
    Tasks {
        reprobe,
        host_now,
        handles,
        follower,
    }
}

impl Tasks {
    /// Abort every task (probes and host tools in flight are abandoned; their process groups
    /// are killed as the tasks drop them) and wait for them at most `wait`. The log follower's
    /// thread only reads files: it is left to end with the process rather than waited for
    /// (up to its next poll).
    pub async fn stop(self, wait: Duration) {
        for h in &self.handles {
            h.abort();
        }
        let _ = tokio::time::timeout(wait, futures_join(self.handles)).await;
        std::mem::forget(self.follower);
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
/// then again after [`SETTLE`] and as long as a service is between states. The ONLYOFFICE
/// integration checks ride along when the config has a Document Server (same cadence: they
/// may run occ / docker inspect and send signed requests).
fn spawn_host<T>(
    cfg: Arc<Config>,
    tx: mpsc::Sender<T>,
    now: Arc<Notify>,
) -> tokio::task::JoinHandle<()>
where
    T: From<Update> + Send + 'static,
{
    let q = super::host_query(&cfg);
    tokio::spawn(async move {
        let sampler = crate::host::HostSampler::new();
        let mut asked = false;
        loop {
            let snap = sampler.collect(&q).await;
            let wait = if asked || unsettled(&snap) {
                SETTLE
            } else {
                HOST_EVERY
            };
            // The host facts go out first: the integration checks may wait for a hung or
            // firewalled Document Server (up to a probe timeout), and facts such as a DROP rule
            // are evidence at once.
            let nginx = snap.nginx.value().cloned();
            if tx.send(Update::Host(Box::new(snap)).into()).await.is_err() {
                return;
            }
            if cfg.onlyoffice_checks() {
                let integration = crate::onlyoffice::collect(&cfg, nginx.as_ref()).await;
                if tx
                    .send(Update::Integration(Box::new(integration)).into())
                    .await
                    .is_err()
                {
                    return;
                }
            }
            asked = false;
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = now.notified() => asked = true,
            }
        }
    })
}

/// What clients got, from the access logs: new bytes only, every [`ACCESS_EVERY`].
fn spawn_access<T>(cfg: &Config, tx: mpsc::Sender<T>) -> Option<tokio::task::JoinHandle<()>>
where
    T: From<Update> + Send + 'static,
{
    if cfg.logs.nginx_access.is_empty() {
        return None;
    }
    let files = cfg.logs.nginx_access.clone();
    Some(tokio::spawn(async move {
        let mut watch = access::AccessWatch::new(files, 5);
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
            tokio::time::sleep(ACCESS_EVERY).await;
        }
    }))
}

/// Follow the error and Document Server logs from [`BACKLOG`] entries before their end.
async fn spawn_logs<T>(
    cfg: &Config,
    tx: mpsc::Sender<T>,
) -> Option<crate::logs::follow::FollowHandle>
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
            tokio::spawn(super::forward_logs(lrx, tx));
            Some(handle)
        }
        Err(e) => {
            let _ = tx
                .send(
                    Update::Note {
                        level: super::NoteLevel::Error,
                        text: format!("cannot follow the logs: {e}"),
                    }
                    .into(),
                )
                .await;
            None
        }
    }
}
