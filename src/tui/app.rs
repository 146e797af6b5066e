//! Console application state: the engine state plus what only the screen needs (focus,
//! selections, filter, pause, popups, the action dialog), and the key handling. Keys are
//! looked up in the binding table from `config::keys`, which also generates the help overlay
//! and the key bar.

use super::theme::Theme;
use crate::actions::{Action, ActionEvent};
use crate::config::Config;
use crate::config::keys::{self, Command};
use crate::engine::State;
use crate::logs::{Class, Record};
use crate::tr;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::Notify;

/// What the loop should do after a key.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    /// Keep running.
    Continue,
    /// Quit.
    Quit,
    /// Plan this action (then show its preview).
    Plan(String),
    /// Run the confirmed action.
    Run,
    /// Cancel the running action.
    Cancel,
    /// Suspend (Ctrl-Z).
    Suspend,
    /// Gather the readiness review's facts (then show the checklist).
    Review,
}

/// The panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// The request chain.
    Chain,
    /// Findings / walkthrough.
    Findings,
    /// Error log.
    Logs,
    /// Services.
    Services,
    /// Ports & processes.
    Ports,
    /// Events.
    Events,
}

impl Pane {
    /// All panes, in focus order.
    pub const ALL: [Pane; 6] = [
        Pane::Chain,
        Pane::Findings,
        Pane::Logs,
        Pane::Services,
        Pane::Ports,
        Pane::Events,
    ];

    /// Tab title, in the current language.
    pub fn title(self) -> String {
        match self {
            Pane::Chain => tr!("pane-chain"),
            Pane::Findings => tr!("pane-findings"),
            Pane::Logs => tr!("pane-logs"),
            Pane::Services => tr!("pane-services"),
            Pane::Ports => tr!("pane-ports"),
            Pane::Events => tr!("pane-events"),
        }
    }

    fn index(self) -> usize {
        Pane::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
}

/// The action dialog.
#[derive(Debug, Clone)]
pub enum Dialog {
    /// Planning (asking the service managers).
    Planning(String),
    /// Preview; y/Enter runs it (or, for an action with a danger, asks again).
    Confirm(Box<Action>),
    /// The second, explicit confirmation of an action with a danger (what it would delete
    /// beyond what it fixes): only `D` (shift-d) runs it.
    ConfirmDanger(Box<Action>),
    /// Running; Esc cancels.
    Running {
        /// The action.
        id: String,
        /// Output so far (bounded).
        lines: Vec<String>,
    },
    /// A message (refusal, result).
    Message {
        /// Title.
        title: String,
        /// Text.
        text: String,
    },
    /// A long text that scrolls with j/k (the readiness review); any other key closes it.
    Scroll {
        /// Title.
        title: String,
        /// Text.
        text: String,
        /// First line shown.
        scroll: u16,
    },
}

/// The console's state.
pub struct App {
    /// The engine state drawn on screen.
    pub state: State,
    /// Resolved key bindings (key name → command).
    pub keys: keys::Bindings,
    /// A problem with the configured bindings (the defaults are used then).
    pub keys_error: Option<String>,
    /// Styles.
    pub theme: Theme,
    /// Host name shown in the title.
    pub host_name: String,
    /// Focused pane (the shown tab when narrow).
    pub focus: Pane,
    /// Selection per pane.
    pub sel: [usize; 6],
    /// The log selection follows new entries.
    pub log_follow: bool,
    /// Spinner phase.
    pub spinner: usize,
    /// Help overlay shown.
    pub help: bool,
    /// The help overlay's first shown line (j/k scroll it).
    pub help_scroll: u16,
    /// How far the help can scroll at the size last drawn (set by the drawing, which alone
    /// knows the size; read by the keys).
    pub help_max: std::cell::Cell<u16>,
    /// Detail popup of the selected line, with its scroll.
    pub detail: Option<u16>,
    /// Walkthrough instead of findings.
    pub walkthrough: bool,
    /// Log filter (text, or `class:ID`).
    pub filter: String,
    /// The filter being typed.
    pub filter_input: Option<String>,
    /// Log view paused at this many received entries.
    pub paused_at: Option<u64>,
    /// The action dialog.
    pub dialog: Option<Dialog>,
    /// Show times in UTC (tests); else local time.
    pub utc: bool,
    /// A fixed "now" for the clocks drawn (tests); else the real clock. See [`App::now`].
    pub clock: Option<chrono::DateTime<chrono::Utc>>,
    reprobe: Arc<Notify>,
}

/// Log lines kept in the running-action dialog.
const DIALOG_LINES: usize = 200;

impl App {
    /// Now, for what the panes count from it (the incident clock, services' uptimes).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.unwrap_or_else(chrono::Utc::now)
    }

    /// A new console for a config.
    pub fn new(cfg: Arc<Config>, source: String, reprobe: Arc<Notify>) -> Self {
        let (keys, keys_error) = match keys::bindings(&cfg.keys) {
            Ok(k) => (k, None),
            Err(e) => (
                keys::bindings(&BTreeMap::new()).unwrap_or_default(),
                Some(tr!("keys-error-defaults", errors = e.join("; "))),
            ),
        };
        let theme = Theme::load(&cfg.theme);
        App {
            state: State::new(cfg, source),
            keys,
            keys_error,
            theme,
            host_name: crate::report::host_name(),
            focus: Pane::Chain,
            sel: [0; 6],
            log_follow: true,
            spinner: 0,
            help: false,
            help_scroll: 0,
            help_max: std::cell::Cell::new(0),
            detail: None,
            walkthrough: false,
            filter: String::new(),
            filter_input: None,
            paused_at: None,
            dialog: None,
            utc: false,
            clock: None,
            reprobe,
        }
    }

    /// Whether a spinner is turning (a probe or an action is in flight).
    pub fn spinning(&self) -> bool {
        self.state.hops.iter().any(|h| h.in_flight)
            || matches!(
                self.dialog,
                Some(Dialog::Planning(_) | Dialog::Running { .. })
            )
    }

    /// Advance the spinner.
    pub fn tick(&mut self) {
        self.spinner = self.spinner.wrapping_add(1);
    }

    /// Ask the scheduler for a round now.
    pub fn probe_now(&self) {
        self.reprobe.notify_one();
    }

    /// The error-log pane's rows: the entries shown (classified, not `other`; filtered; up to
    /// the pause point), neighbours among them that say the same thing as one row (see
    /// [`LogRow`]).
    pub fn log_view(&self) -> Vec<LogRow<'_>> {
        let entries = &self.state.logs.entries;
        let limit = match self.paused_at {
            Some(at) => {
                let newer = self.state.logs.received.saturating_sub(at) as usize;
                entries.len().saturating_sub(newer)
            }
            None => entries.len(),
        };
        let f = self.filter.trim();
        let class = f.strip_prefix("class:").map(str::trim);
        let text = f.to_lowercase();
        let mut rows: Vec<LogRow<'_>> = Vec::new();
        for r in entries.iter().take(limit).filter(|r| match class {
            Some(c) => r.class().id() == c,
            None => r.class() != Class::Other && (text.is_empty() || matches_text(r, &text)),
        }) {
            let peer = match r {
                Record::Nginx(e) => e.upstream_peer(),
                Record::DocServer(_) => None,
            };
            match rows.last_mut() {
                Some(row) if row.takes(r, peer) => row.add(r),
                _ => rows.push(LogRow::new(r, peer)),
            }
        }
        rows
    }

    /// How many lines a pane has (for selection bounds).
    pub fn pane_len(&self, p: Pane) -> usize {
        match p {
            Pane::Chain => self.state.hops.len(),
            Pane::Findings => {
                if self.walkthrough {
                    self.state.walkthrough().len()
                } else {
                    self.state.diagnosis.findings.len()
                }
            }
            Pane::Logs => self.log_view().len(),
            Pane::Services => self.state.services().map(|s| s.len()).unwrap_or(0),
            Pane::Ports => self.state.listeners().map(|l| l.len()).unwrap_or(0),
            Pane::Events => self.state.timeline.len(),
        }
    }

    /// The selected line of a pane, clamped.
    pub fn selected(&self, p: Pane) -> usize {
        self.selected_of(p, self.pane_len(p))
    }

    /// The selected line of a pane that has `n` lines (known to the caller: the error log's
    /// rows are not built twice per frame).
    pub fn selected_of(&self, p: Pane, n: usize) -> usize {
        if p == Pane::Logs && self.log_follow {
            return n.saturating_sub(1);
        }
        self.sel[p.index()].min(n.saturating_sub(1))
    }

    fn command_for(&self, k: &KeyEvent) -> Option<Command> {
        let name = key_name(k)?;
        self.keys.get(&name).copied()
    }

    /// Apply an action's progress.
    pub fn on_action_event(&mut self, ev: ActionEvent) {
        match ev {
            ActionEvent::StepStarted { argv, purpose, .. } => {
                self.dialog_line(format!(
                    "→ {}   ({purpose})",
                    crate::actions::command_line(&argv)
                ));
            }
            ActionEvent::Output { line, .. } => self.dialog_line(format!("  │ {line}")),
            ActionEvent::StepFinished {
                exit_code,
                duration,
                ..
            } => self.dialog_line(format!(
                "  {}",
                match exit_code {
                    Some(c) => tr!("dialog-step-exit", code = c, ms = duration.as_millis()),
                    None => tr!("dialog-step-killed", ms = duration.as_millis()),
                }
            )),
            ActionEvent::Verifying { .. } => self.dialog_line(tr!("dialog-verifying")),
            ActionEvent::Finished(outcome) => {
                let text = format!(
                    "{}\n{}: {}{}",
                    match &self.dialog {
                        Some(Dialog::Running { lines, .. }) => lines.join("\n"),
                        _ => String::new(),
                    },
                    outcome.id,
                    outcome.status.describe(),
                    match &outcome.verification {
                        crate::actions::Verification::NotVerified { .. } => String::new(),
                        v => format!("; {}", v.describe()),
                    }
                );
                for u in outcome.updates() {
                    self.state.apply(u);
                }
                self.dialog = Some(Dialog::Message {
                    title: format!(" {} — {} ", outcome.id, outcome.status.word()),
                    text,
                });
                self.probe_now();
            }
        }
    }

    fn dialog_line(&mut self, line: String) {
        if let Some(Dialog::Running { lines, .. }) = &mut self.dialog {
            if lines.len() >= DIALOG_LINES {
                lines.remove(0);
            }
            lines.push(line);
        }
    }

    /// Write the incident report next to the console's journal and say where.
    /// An action's plan arrived: its preview, or why it cannot run. A planning answer after
    /// the user closed the dialog is dropped.
    pub fn on_planned(&mut self, r: Result<crate::actions::Action, String>) {
        if matches!(self.dialog, Some(Dialog::Planning(_))) {
            self.dialog = Some(match r {
                Ok(a) => Dialog::Confirm(Box::new(a)),
                Err(e) => Dialog::Message {
                    title: format!(" {} ", tr!("dialog-cannot-plan")),
                    text: e,
                },
            });
        }
    }

    fn write_report(&mut self) {
        let dir = crate::report::journal_path(&self.state.cfg)
            .parent()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_else(|| ".".into());
        let name = format!("incident-{}.md", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
        let path = dir.join(name);
        let text = crate::report::report_md(&self.state);
        // 0600, no symlink followed, refused in a folder another user can write.
        let r = crate::fsafe::create_missing_dirs(&dir)
            .and_then(|()| {
                crate::fsafe::open_write(&path, crate::fsafe::WriteMode::Truncate, 0o600)
            })
            .and_then(|mut f| {
                use std::io::Write as _;
                f.write_all(text.as_bytes())
                    .map_err(|e| crate::util::io_error_text(&e))
            });
        self.dialog = Some(match r {
            Ok(()) => Dialog::Message {
                title: format!(" {} ", tr!("dialog-report-written")),
                text: format!("{}\n{}", path.display(), tr!("dialog-report-from-shell")),
            },
            Err(e) => Dialog::Message {
                title: format!(" {} ", tr!("dialog-report-failed")),
                text: format!("{}: {e}", path.display()),
            },
        });
    }

    /// The action the focused line suggests for a command key.
    fn action_for(&self, cmd: Command) -> Option<String> {
        match cmd {
            Command::ReloadNginx => Some("reload:nginx".into()),
            Command::ReloadFirewall => Some("reload:firewall".into()),
            Command::RunAction => {
                let f = self
                    .state
                    .diagnosis
                    .findings
                    .get(self.selected(Pane::Findings))?;
                f.action.clone()
            }
            Command::RestartService => match self.focus {
                Pane::Services => {
                    let s = self.state.services()?.get(self.selected(Pane::Services))?;
                    Some(format!("restart:{}", s.name))
                }
                Pane::Chain => {
                    let h = self.state.hops.get(self.selected(Pane::Chain))?;
                    h.hop.service.as_ref().map(|s| format!("restart:{s}"))
                }
                _ => None,
            },
            _ => None,
        }
    }

    /// A key while the action dialog is open.
    fn on_dialog_key(&mut self, k: KeyEvent) -> Flow {
        match &self.dialog {
            Some(Dialog::Confirm(a)) => match k.code {
                KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                    if a.danger.is_some() {
                        self.dialog = Some(Dialog::ConfirmDanger(a.clone()));
                        Flow::Continue
                    } else {
                        Flow::Run
                    }
                }
                _ => {
                    self.dialog = None;
                    self.state.apply(crate::engine::Update::note(
                        crate::engine::NoteLevel::Info,
                        |l| crate::tr_in!(l, "dialog-cancelled-at-preview"),
                    ));
                    Flow::Continue
                }
            },
            Some(Dialog::ConfirmDanger(_)) => match k.code {
                KeyCode::Char('D') => Flow::Run,
                _ => {
                    self.dialog = None;
                    self.state.apply(crate::engine::Update::note(
                        crate::engine::NoteLevel::Info,
                        |l| crate::tr_in!(l, "dialog-cancelled-at-preview"),
                    ));
                    Flow::Continue
                }
            },
            Some(Dialog::Running { .. } | Dialog::Planning(_)) => {
                if k.code == KeyCode::Esc {
                    Flow::Cancel
                } else {
                    Flow::Continue
                }
            }
            Some(Dialog::Message { .. }) => {
                self.dialog = None;
                Flow::Continue
            }
            Some(Dialog::Scroll { .. }) => {
                self.on_scroll_key(k.code);
                Flow::Continue
            }
            None => Flow::Continue,
        }
    }

    /// Handle a key.
    pub fn on_key(&mut self, k: KeyEvent) -> Flow {
        if k.kind == KeyEventKind::Release {
            return Flow::Continue;
        }
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            return match self.dialog {
                Some(Dialog::Running { .. }) => Flow::Cancel,
                _ => Flow::Quit,
            };
        }
        if k.code == KeyCode::Char('z') && k.modifiers.contains(KeyModifiers::CONTROL) {
            return Flow::Suspend;
        }
        // Typing a filter takes every key.
        if let Some(input) = &mut self.filter_input {
            match k.code {
                KeyCode::Enter => {
                    self.filter = input.clone();
                    self.filter_input = None;
                    self.log_follow = true;
                }
                KeyCode::Esc => self.filter_input = None,
                KeyCode::Backspace => {
                    input.pop();
                }
                KeyCode::Char(c) => input.push(c),
                _ => {}
            }
            return Flow::Continue;
        }
        if self.dialog.is_some() {
            return self.on_dialog_key(k);
        }
        let Some(cmd) = self.command_for(&k) else {
            return Flow::Continue;
        };
        if self.help && cmd != Command::Quit {
            // Moving keys scroll the help (it can be taller than the terminal); any other
            // key closes it.
            let max = self.help_max.get();
            match cmd {
                Command::Down => self.help_scroll = self.help_scroll.saturating_add(1).min(max),
                Command::Up => self.help_scroll = self.help_scroll.min(max).saturating_sub(1),
                Command::Top => self.help_scroll = 0,
                Command::Bottom => self.help_scroll = max,
                _ => {
                    self.help = false;
                    self.help_scroll = 0;
                }
            }
            return Flow::Continue;
        }
        if let Some(scroll) = &mut self.detail {
            match cmd {
                Command::Down => *scroll = scroll.saturating_add(1),
                Command::Up => *scroll = scroll.saturating_sub(1),
                Command::Top => *scroll = 0,
                Command::Quit => return Flow::Quit,
                _ => self.detail = None,
            }
            return Flow::Continue;
        }
        self.run_command(cmd)
    }

    /// A command, with no overlay open: one arm per command.
    fn run_command(&mut self, cmd: Command) -> Flow {
        let p = self.focus;
        let n = self.pane_len(p);
        let i = p.index();
        match cmd {
            Command::Quit => return Flow::Quit,
            Command::Help => self.help = true,
            Command::FocusNext => self.focus = Pane::ALL[(i + 1) % Pane::ALL.len()],
            Command::FocusPrev => {
                self.focus = Pane::ALL[(i + Pane::ALL.len() - 1) % Pane::ALL.len()]
            }
            Command::Down => {
                let cur = self.selected(p);
                self.sel[i] = (cur + 1).min(n.saturating_sub(1));
                if p == Pane::Logs {
                    self.log_follow = self.sel[i] + 1 >= n;
                }
            }
            Command::Up => {
                let cur = self.selected(p);
                self.sel[i] = cur.saturating_sub(1);
                if p == Pane::Logs {
                    self.log_follow = false;
                }
            }
            Command::Top => {
                self.sel[i] = 0;
                if p == Pane::Logs {
                    self.log_follow = false;
                }
            }
            Command::Bottom => {
                self.sel[i] = n.saturating_sub(1);
                if p == Pane::Logs {
                    self.log_follow = true;
                }
            }
            Command::Filter => {
                self.focus = Pane::Logs;
                self.filter_input = Some(self.filter.clone());
            }
            Command::Details => {
                if n > 0 {
                    self.detail = Some(0);
                }
            }
            Command::Back => {
                if !self.filter.is_empty() {
                    self.filter.clear();
                } else {
                    self.walkthrough = false;
                }
            }
            Command::Pause => {
                self.paused_at = match self.paused_at {
                    Some(_) => None,
                    None => Some(self.state.logs.received),
                };
            }
            Command::Walkthrough => {
                self.walkthrough = !self.walkthrough;
                self.focus = Pane::Findings;
                self.sel[Pane::Findings.index()] = 0;
            }
            Command::ProbeNow => self.probe_now(),
            Command::WriteReport => self.write_report(),
            Command::Readiness => {
                self.dialog = Some(Dialog::Planning(super::review::REVIEW.into()));
                return Flow::Review;
            }
            Command::RunAction
            | Command::RestartService
            | Command::ReloadNginx
            | Command::ReloadFirewall => {
                if self.state.cfg.read_only {
                    self.dialog = Some(Dialog::Message {
                        title: format!(" {} ", tr!("dialog-read-only")),
                        text: tr!("dialog-read-only-text"),
                    });
                    return Flow::Continue;
                }
                match self.action_for(cmd) {
                    Some(id) => {
                        self.dialog = Some(Dialog::Planning(id.clone()));
                        return Flow::Plan(id);
                    }
                    None => {
                        self.dialog = Some(Dialog::Message {
                            title: format!(" {} ", tr!("dialog-no-action")),
                            text: match cmd {
                                Command::RunAction => tr!("dialog-no-action-finding"),
                                _ => tr!("dialog-no-action-service"),
                            },
                        });
                    }
                }
            }
        }
        Flow::Continue
    }
}

/// One row of the error-log pane: `count` entries, neighbours among those shown (a filter
/// applies first), that report the same failure (same class and message, and for nginx the
/// same upstream peer; requests, clients and times differ) with no gap over
/// [`LogRow::GAP_SECS`], from `first` to `last` — syslog's "last message repeated N times".
/// A failing upstream under load logs one line per request: a wall of such lines would hide
/// the one that differs.
#[derive(Debug, Clone)]
pub struct LogRow<'a> {
    /// The oldest entry of the row.
    pub first: &'a Record,
    /// The newest entry of the row (its time is shown).
    pub last: &'a Record,
    /// How many entries the row stands for.
    pub count: usize,
    /// The first [`LogRow::REQUESTS`] distinct requests of its nginx entries (see
    /// [`LogRow::requests`]); an array, as a row is built per entry on every frame.
    requests: [&'a str; LogRow::REQUESTS],
    n_requests: usize,
    /// Whether its entries had more distinct requests than those.
    pub more_requests: bool,
    /// The upstream peer of its nginx entries.
    peer: Option<&'a str>,
}

impl<'a> LogRow<'a> {
    /// Distinct requests kept per row.
    pub const REQUESTS: usize = 3;
    /// Longest silence between two entries of one row, in seconds.
    pub const GAP_SECS: i64 = 60;

    fn new(r: &'a Record, peer: Option<&'a str>) -> Self {
        let mut row = LogRow {
            first: r,
            last: r,
            count: 0,
            requests: [""; LogRow::REQUESTS],
            n_requests: 0,
            more_requests: false,
            peer,
        };
        row.add(r);
        row
    }

    /// Whether `r` (whose upstream peer is `peer`) continues this row: the same failure
    /// (class, peer and message; cheapest comparison first, as a row is built per entry on
    /// every frame) within [`LogRow::GAP_SECS`] of the row's newest entry — an outage that
    /// comes back an hour later is a row of its own.
    fn takes(&self, r: &Record, peer: Option<&str>) -> bool {
        self.last.class() == r.class()
            && self.peer == peer
            && std::mem::discriminant(self.last) == std::mem::discriminant(r)
            && self.last.message() == r.message()
            && match (self.last.time(), r.time()) {
                (Some(a), Some(b)) => (b - a).num_seconds().abs() <= Self::GAP_SECS,
                _ => true,
            }
    }

    fn add(&mut self, r: &'a Record) {
        self.last = r;
        self.count += 1;
        if let Record::Nginx(e) = r
            && let Some(q) = e.request.as_deref()
            && !self.requests().contains(&q)
        {
            if self.n_requests < Self::REQUESTS {
                self.requests[self.n_requests] = q;
                self.n_requests += 1;
            } else {
                self.more_requests = true;
            }
        }
    }

    /// The first distinct requests of its nginx entries, oldest first.
    pub fn requests(&self) -> &[&'a str] {
        &self.requests[..self.n_requests]
    }
}

/// Whether `hay` contains the lowercase `needle`, ignoring case; without allocating when the
/// needle is ASCII (the filter runs over every entry on every frame).
pub(super) fn contains_lowercase(hay: &str, needle: &str) -> bool {
    if !needle.is_ascii() {
        return hay.to_lowercase().contains(needle);
    }
    let (n, h) = (needle.as_bytes(), hay.as_bytes());
    let Some(&first) = n.first() else {
        return true;
    };
    // Candidates by the first byte in either case (memchr), then the rest compared.
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), h).any(|i| {
        h.get(i..i + n.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(n))
    })
}

/// Whether an entry matches a lowercase filter text: its message, class, and for nginx its
/// upstream and request.
fn matches_text(r: &Record, f: &str) -> bool {
    let has = |s: &str| contains_lowercase(s, f);
    has(r.message())
        || r.class().id().contains(f)
        || match r {
            Record::Nginx(e) => {
                e.upstream.as_deref().is_some_and(has) || e.request.as_deref().is_some_and(has)
            }
            Record::DocServer(_) => false,
        }
}

/// The binding-table name of a terminal key (see `config::keys::normalize`).
pub fn key_name(k: &KeyEvent) -> Option<String> {
    let base = match k.code {
        KeyCode::Char(' ') => "space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "backtab".into(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::Home => "home".into(),
        KeyCode::End => "end".into(),
        KeyCode::PageUp => "pgup".into(),
        KeyCode::PageDown => "pgdown".into(),
        KeyCode::Backspace => "backspace".into(),
        KeyCode::Delete => "delete".into(),
        KeyCode::Insert => "insert".into(),
        KeyCode::F(n) => format!("f{n}"),
        _ => return None,
    };
    if k.modifiers.contains(KeyModifiers::CONTROL) {
        Some(format!("ctrl-{}", base.to_lowercase()))
    } else if k.modifiers.contains(KeyModifiers::ALT) {
        Some(format!("alt-{}", base.to_lowercase()))
    } else {
        Some(base)
    }
}
