//! Console application state: the engine state plus what only the screen needs (selection,
//! spinner phase, help overlay), and the key handling.

use crate::config::Config;
use crate::engine::State;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::sync::Arc;
use tokio::sync::Notify;

/// What the loop should do after a key.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    /// Keep running.
    Continue,
    /// Quit.
    Quit,
}

/// The console's state.
pub struct App {
    /// The engine state drawn on screen.
    pub state: State,
    /// Selected hop.
    pub selected: usize,
    /// Spinner phase.
    pub spinner: usize,
    /// Help overlay shown.
    pub help: bool,
    reprobe: Arc<Notify>,
}

impl App {
    /// A new console for a config.
    pub fn new(cfg: Arc<Config>, source: String, reprobe: Arc<Notify>) -> Self {
        App {
            state: State::new(cfg, source),
            selected: 0,
            spinner: 0,
            help: false,
            reprobe,
        }
    }

    /// Whether a spinner is turning (a probe is in flight).
    pub fn spinning(&self) -> bool {
        self.state.hops.iter().any(|h| h.in_flight)
    }

    /// Advance the spinner.
    pub fn tick(&mut self) {
        self.spinner = self.spinner.wrapping_add(1);
    }

    /// Handle a key.
    pub fn on_key(&mut self, k: KeyEvent) -> Flow {
        if k.kind == KeyEventKind::Release {
            return Flow::Continue;
        }
        let n = self.state.hops.len();
        match (k.code, k.modifiers) {
            (KeyCode::Char('q'), _) | (KeyCode::Char('c'), KeyModifiers::CONTROL) => {
                return Flow::Quit;
            }
            (KeyCode::Esc, _) => self.help = false,
            (KeyCode::Char('?'), _) => self.help = !self.help,
            (KeyCode::Char('j') | KeyCode::Down, _) if n > 0 => {
                self.selected = (self.selected + 1).min(n - 1)
            }
            (KeyCode::Char('k') | KeyCode::Up, _) => {
                self.selected = self.selected.saturating_sub(1)
            }
            (KeyCode::Char('g') | KeyCode::Home, _) => self.selected = 0,
            (KeyCode::Char('G') | KeyCode::End, _) => self.selected = n.saturating_sub(1),
            (KeyCode::Char('r'), _) => self.reprobe.notify_one(),
            _ => {}
        }
        Flow::Continue
    }
}

/// The key bar / help lines: (key, what it does).
pub const KEYS: &[(&str, &str)] = &[
    ("q", "quit"),
    ("?", "help"),
    ("j/k", "move"),
    ("g/G", "first/last"),
    ("r", "probe now"),
];
