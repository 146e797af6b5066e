//! Verification after an action: re-probe the hops the action should have healed.
//!
//! The console and headless `action run` both use [`ProbeVerifier`], which probes the related
//! hops again (a [`crate::probe::Prober`] round every `pause`) until they are no longer FAIL or
//! the time is up; the console then re-probes the whole chain, which re-runs the diagnosis.
//! Another [`Verifier`] can be plugged in through `RunOptions`.

use super::{Action, Verification, VerifyScope};
use crate::config::Config;
use crate::i18n::Lang;
use crate::probe::State as HopState;
use crate::{tr, tr_in};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The future a verifier returns.
pub type VerifyFuture<'a> = Pin<Box<dyn Future<Output = Verification> + Send + 'a>>;

/// Re-checks after an action succeeded. Implemented by the console (engine re-probe) and by
/// [`ProbeVerifier`]. Called only when the action succeeded and its scope is not `Nothing`; the
/// run's cancel aborts it.
pub trait Verifier: Send + Sync {
    /// Whether what the action should fix is fixed.
    fn verify<'a>(&'a self, action: &'a Action) -> VerifyFuture<'a>;

    /// The English wording of an `answer` of [`Verifier::verify`], for the audit log (records
    /// on disk are English whatever the language shown). By default the answer as it is.
    fn in_english(&self, _action: &Action, answer: &Verification) -> Verification {
        answer.clone()
    }
}

/// A verifier that does not verify.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoVerify;

impl Verifier for NoVerify {
    fn verify<'a>(&'a self, _action: &'a Action) -> VerifyFuture<'a> {
        Box::pin(async {
            Verification::NotVerified {
                why: tr!("action-verify-disabled"),
            }
        })
    }

    fn in_english(&self, _action: &Action, _answer: &Verification) -> Verification {
        Verification::NotVerified {
            why: tr_in!(Lang::En, "action-verify-disabled"),
        }
    }
}

/// Re-probes the related hops with the engine, in rounds, for up to `within` (a restarted
/// service needs a moment before it listens).
#[derive(Debug, Clone)]
pub struct ProbeVerifier {
    /// The config whose hops are probed.
    pub cfg: Arc<Config>,
    /// How long to keep retrying while hops still fail.
    pub within: Duration,
    /// Pause between rounds.
    pub pause: Duration,
}

impl ProbeVerifier {
    /// Retry for up to 5 s, 0.5 s apart.
    pub fn new(cfg: Arc<Config>) -> Self {
        ProbeVerifier {
            cfg,
            within: Duration::from_secs(5),
            pause: Duration::from_millis(500),
        }
    }
}

/// The names of the hops an action's verification looks at; `Err` says why there are none.
pub fn related_hops(cfg: &Config, scope: &VerifyScope) -> Result<Vec<String>, String> {
    let names: Vec<String> = match scope {
        VerifyScope::Nothing => return Err(tr!("action-run-nothing-to-verify")),
        VerifyScope::AllHops => cfg.hops.iter().map(|h| h.name.clone()).collect(),
        VerifyScope::Service { name } => cfg
            .hops
            .iter()
            .filter(|h| h.service.as_deref() == Some(name.as_str()))
            .map(|h| h.name.clone())
            .collect(),
    };
    if names.is_empty() {
        return Err(match scope {
            VerifyScope::Service { name } => tr!("action-verify-no-hop", name = name),
            _ => tr!("action-verify-no-hops"),
        });
    }
    Ok(names)
}

impl Verifier for ProbeVerifier {
    fn verify<'a>(&'a self, action: &'a Action) -> VerifyFuture<'a> {
        Box::pin(async move {
            let names = match related_hops(&self.cfg, &action.verify) {
                Ok(n) => n,
                Err(why) => return Verification::NotVerified { why },
            };
            let mut sub = (*self.cfg).clone();
            sub.hops.retain(|h| names.contains(&h.name));
            // Only the related hops are probed again: host facts, logs and integration checks
            // are not needed to tell whether the action worked.
            let prober = crate::probe::Prober::new(Arc::new(sub));
            let deadline = tokio::time::Instant::now() + self.within;
            loop {
                let failing: Vec<String> = prober
                    .round()
                    .await
                    .into_iter()
                    .filter(|r| r.state == HopState::Fail)
                    .map(|r| format!("{}: {}", r.name, r.reason))
                    .collect();
                if failing.is_empty() {
                    return Verification::Fixed;
                }
                if tokio::time::Instant::now() + self.pause >= deadline {
                    return Verification::StillFailing {
                        what: failing.join("; "),
                    };
                }
                tokio::time::sleep(self.pause).await;
            }
        })
    }

    fn in_english(&self, action: &Action, answer: &Verification) -> Verification {
        // Why there was nothing to probe, said again in English; hop reasons stay as the
        // probes gave them.
        if let Verification::NotVerified { .. } = answer {
            let _en = crate::i18n::scoped(Lang::En);
            if let Err(why) = related_hops(&self.cfg, &action.verify) {
                return Verification::NotVerified { why };
            }
        }
        answer.clone()
    }
}
