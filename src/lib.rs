//! triage502 — an incident console for 502/504 Bad Gateway incidents.
//!
//! The library holds the engine (config, probes, logs, host facts, diagnosis, actions, report,
//! lab); `src/tui/` is the only module that knows about the terminal. `src/main.rs` is the
//! command line: it parses arguments with clap and calls into these modules.

pub mod actions;
pub mod children;
pub mod cli;
pub mod config;
pub mod diagnose;
pub mod discover;
pub mod docserver;
pub mod engine;
pub mod fleet;
pub mod fsafe;
pub mod host;
pub mod i18n;
pub mod lab;
pub mod limits;
pub mod logs;
pub mod man;
pub mod onlyoffice;
pub mod probe;
pub mod report;
pub mod review;
pub mod sanitize;
pub mod tui;
pub mod util;
pub mod verdict;
pub mod watch;
