//! The probe scheduler: repeats rounds on an interval and hands every owned result to the rest
//! of the program over a channel as soon as that hop answers (a slow hop never holds back the
//! others). A round never overlaps the previous one; a [`tokio::sync::Notify`] asks for an
//! immediate round (after a recovery action, or a key press).

use super::{HopResult, Prober};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

/// What the scheduler reports.
#[derive(Debug, Clone)]
pub enum ProbeEvent {
    /// A round began; these hops are now in flight.
    RoundStarted {
        /// Round number, from 1.
        seq: u64,
    },
    /// One hop's result.
    Result(Box<HopResult>),
    /// Every hop of the round has answered.
    RoundFinished {
        /// Round number.
        seq: u64,
    },
}

/// Run one round, sending each result as it arrives.
pub async fn round_streaming<T: From<ProbeEvent>>(
    prober: &Prober,
    seq: u64,
    tx: &mpsc::Sender<T>,
) -> bool {
    if tx
        .send(ProbeEvent::RoundStarted { seq }.into())
        .await
        .is_err()
    {
        return false;
    }
    let mut futs: FuturesUnordered<_> = prober
        .config()
        .hops
        .iter()
        .map(|h| prober.probe(h))
        .collect();
    while let Some(r) = futs.next().await {
        if tx
            .send(ProbeEvent::Result(Box::new(r)).into())
            .await
            .is_err()
        {
            return false;
        }
    }
    tx.send(ProbeEvent::RoundFinished { seq }.into())
        .await
        .is_ok()
}

/// Repeat rounds every `interval` until the receiver goes away.
pub fn spawn<T: From<ProbeEvent> + Send + 'static>(
    prober: Arc<Prober>,
    interval: Duration,
    tx: mpsc::Sender<T>,
    now: Arc<Notify>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut seq = 0u64;
        loop {
            seq += 1;
            let started = tokio::time::Instant::now();
            if !round_streaming(&prober, seq, &tx).await {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep_until(started + interval) => {}
                _ = now.notified() => {}
            }
        }
    })
}
