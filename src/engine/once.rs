//! One round of the engine for `check` and `report`: the console's own tasks
//! ([`tasks::start`], [`Rounds::One`]) probe the chain once and look at the host once; after
//! that the log readers catch up ([`tasks::Tasks::catch_up`]), so the logs hold what our own
//! probes just caused (nginx writes its error log before answering); then the tasks stop.

use super::tasks::{self, Rounds};
use super::{State, Update};
use crate::config::Config;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// How long stopping waits for the tasks (they have ended or wait for their next tick).
const STOP_WAIT: Duration = Duration::from_millis(250);

/// Run one probe round through the same tasks, channel and state the console uses, and return
/// the state (for `check` and `report`).
///
/// Probe events are applied as they come; the other updates are applied after the round, in
/// a fixed order (logs, access figures, integration report, host snapshot last: applying it
/// re-runs the diagnosis on everything), so the findings announced on the timeline are the
/// ones of the whole evidence.
pub async fn run_once(cfg: Arc<Config>, source: String) -> State {
    let mut state = State::new(cfg.clone(), source);
    let (tx, mut rx) = mpsc::channel::<Update>(64);
    let tasks = tasks::start(cfg.clone(), tx, Rounds::One).await;
    let deadline = Instant::now() + backstop(&cfg);
    let mut held = Held::default();
    // The round, the host facts and, with a Document Server, the integration report (the host
    // task sends it after the host facts: its checks may wait a probe timeout).
    let want_integration = cfg.onlyoffice_checks();
    while !(held.round_done
        && held.host.is_some()
        && (held.integration.is_some() || !want_integration))
    {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(u)) => held.take(u, &mut state),
            _ => break,
        }
    }
    // The logs once more, after the round (the channel is drained meanwhile).
    {
        let caught_up = tasks.catch_up();
        tokio::pin!(caught_up);
        loop {
            tokio::select! {
                () = &mut caught_up => break,
                u = rx.recv() => match u {
                    Some(u) => held.take(u, &mut state),
                    None => break,
                },
                () = tokio::time::sleep_until(deadline) => break,
            }
        }
    }
    while let Ok(u) = rx.try_recv() {
        held.take(u, &mut state);
    }
    tasks.stop(STOP_WAIT).await;
    held.apply(&mut state);
    state
}

/// The longest `run_once` waits for its tasks: every task's own work is bounded far below
/// this (hop timeouts, the host collectors' bounds); it only guards against a task that died.
fn backstop(cfg: &Config) -> Duration {
    let longest_hop = cfg
        .hops
        .iter()
        .map(|h| cfg.hop_timeout(h))
        .max()
        .unwrap_or_default();
    longest_hop * 2 + Duration::from_secs(30)
}

/// Updates other than probe events, kept until the round is over.
#[derive(Default)]
struct Held {
    round_done: bool,
    /// Log entries, log notices and notes, in the order they came.
    logs: Vec<Update>,
    access: Option<Update>,
    integration: Option<Update>,
    host: Option<Update>,
}

impl Held {
    fn take(&mut self, u: Update, state: &mut State) {
        match u {
            Update::Probe(e) => {
                self.round_done |=
                    matches!(e, crate::probe::scheduler::ProbeEvent::RoundFinished { .. });
                state.apply(Update::Probe(e));
            }
            Update::Access(_) => self.access = Some(u),
            Update::Integration(_) => self.integration = Some(u),
            Update::Host(_) => self.host = Some(u),
            Update::Logs(_)
            | Update::LogNotice { .. }
            | Update::Note { .. }
            | Update::NoteEn { .. }
            | Update::Action { .. }
            | Update::Capture(_) => self.logs.push(u),
        }
    }

    fn apply(self, state: &mut State) {
        let host = self.host.is_some();
        for u in self
            .logs
            .into_iter()
            .chain(self.access)
            .chain(self.integration)
            .chain(self.host)
        {
            state.apply(u);
        }
        if !host {
            // No snapshot came (a task died): the diagnosis still reads the logs.
            state.rediagnose();
        }
    }
}
