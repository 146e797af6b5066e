//! The ground floor shared by the fact rooms (`host/`, `onlyoffice/`, `probe/`) and the
//! diagnosis: the verdict words every part speaks ([`State`]) and what could not be checked
//! ([`Unchecked`]). It imports nothing of the crate, so no room depends on another for them.

use serde::Serialize;

/// The state of a hop (and, aggregated, of a round).
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    /// Works as expected.
    Ok,
    /// Works, but something is off (slow, certificate expiring, redirect).
    Warn,
    /// Could not be checked.
    Unknown,
    /// Broken.
    Fail,
}

impl State {
    /// A symbol that reads without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            State::Ok => "✔",
            State::Warn => "▲",
            State::Unknown => "?",
            State::Fail => "✖",
        }
    }

    /// The word for the state, in English (machine outputs, JSON, Nagios); texts for people
    /// use [`crate::i18n::state_word`].
    pub fn word(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warn => "WARN",
            State::Unknown => "UNKNOWN",
            State::Fail => "FAIL",
        }
    }

    /// Nagios exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    pub fn nagios_code(self) -> i32 {
        match self {
            State::Ok => 0,
            State::Warn => 1,
            State::Fail => 2,
            State::Unknown => 3,
        }
    }

    /// Nagios status word.
    pub fn nagios_word(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warn => "WARNING",
            State::Fail => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }
}

/// Something that could not be checked.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Unchecked {
    /// What (`host:firewall`, `log:/var/log/nginx/error.log`).
    pub what: String,
    /// Why not, and what to do.
    pub why: String,
}
