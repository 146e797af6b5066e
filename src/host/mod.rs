//! Host facts: who listens where, which processes and services run, memory pressure and OOM
//! kills, what the firewall and SELinux allow, and what nginx really proxies to.
//!
//! Everything is gathered into one [`Snapshot`] with a timestamp per part. Each collector runs
//! concurrently, off the async worker threads for blocking work, bounded by a timeout; a missing
//! tool, a permission problem or a slow command gives an explained [`Status::Unknown`] for that
//! part, never a hang or a panic.

pub mod cmd;
pub mod firewall;
pub mod nginx;
pub mod nginx_conf;
pub mod process;
pub mod selinux;
pub mod services;
pub mod sockets;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use sockets::{Listener, Owner, Proto, Sockets};

/// Why a fact is unknown, and what the operator can do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unknown {
    /// What went wrong, e.g. "nft not installed".
    pub reason: String,
    /// What to do, e.g. "needs root: run with sudo".
    pub hint: Option<String>,
}

impl Unknown {
    /// Builds an explanation.
    pub fn new(reason: impl Into<String>, hint: Option<String>) -> Self {
        Self {
            reason: reason.into(),
            hint,
        }
    }
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// A known fact, or why it is unknown.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status<T> {
    /// The fact.
    Known(T),
    /// Why the fact could not be gathered.
    Unknown {
        /// What went wrong.
        reason: String,
        /// What to do about it.
        hint: Option<String>,
    },
}

/// One part of the snapshot with the time it was taken.
#[derive(Debug, Clone, Serialize)]
pub struct Part<T> {
    /// When this part was gathered.
    pub at: DateTime<Utc>,
    /// The fact or why it is unknown.
    pub status: Status<T>,
}

impl<T> Part<T> {
    /// A known part, stamped now.
    pub fn known(value: T) -> Self {
        Self {
            at: Utc::now(),
            status: Status::Known(value),
        }
    }

    /// An unknown part, stamped now.
    pub fn unknown(u: Unknown) -> Self {
        Self {
            at: Utc::now(),
            status: Status::Unknown {
                reason: u.reason,
                hint: u.hint,
            },
        }
    }

    /// Builds a part from a collector's result.
    pub fn from_result(r: Result<T, Unknown>) -> Self {
        match r {
            Ok(v) => Self::known(v),
            Err(u) => Self::unknown(u),
        }
    }

    /// The value when known.
    pub fn value(&self) -> Option<&T> {
        match &self.status {
            Status::Known(v) => Some(v),
            Status::Unknown { .. } => None,
        }
    }

    /// The explanation when unknown.
    pub fn unknown_reason(&self) -> Option<String> {
        match &self.status {
            Status::Known(_) => None,
            Status::Unknown { reason, hint } => Some(match hint {
                Some(h) => format!("{reason} ({h})"),
                None => reason.clone(),
            }),
        }
    }
}
