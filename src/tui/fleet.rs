//! The console's fleet view (`triage502 fleet` without `--format`): the table of hosts from
//! [`crate::fleet`], updated as their answers arrive over the console's one event channel,
//! and, on Enter, one host's full result (chain, findings, walkthrough) read-only. No
//! recovery action is offered for a remote host: the admin SSHes there and runs the console.

use super::{AppEvent, Screen, Theme};
use crate::fleet::{Asker, FleetEvent, FleetState, Target};
use crate::tr;
use chrono::{DateTime, Utc};
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// What the fleet view shows.
#[derive(Debug)]
pub struct FleetApp {
    /// Every host and its last answer.
    pub state: FleetState,
    /// The selected row.
    pub selected: usize,
    /// Whether the selected host's full result is open.
    pub open: bool,
    /// Scroll of the open result.
    pub scroll: u16,
    /// Colours.
    pub theme: Theme,
    /// Whether a round is under way.
    pub asking: bool,
    /// The clock the ages are drawn against.
    pub now: DateTime<Utc>,
}

/// What a key asks of the loop.
#[derive(Debug, PartialEq, Eq)]
pub enum FleetFlow {
    /// Nothing more.
    Continue,
    /// Quit.
    Quit,
    /// Ask every host again.
    Refresh,
    /// Ctrl-Z.
    Suspend,
}

impl FleetApp {
    /// The view of these hosts, none asked yet.
    pub fn new(targets: &[Target], theme: Theme) -> FleetApp {
        FleetApp {
            state: FleetState::new(targets),
            selected: 0,
            open: false,
            scroll: 0,
            theme,
            asking: false,
            now: Utc::now(),
        }
    }

    /// Apply an asker's event; whether the screen changed.
    pub fn apply(&mut self, ev: FleetEvent) -> bool {
        if matches!(ev, FleetEvent::RoundDone) {
            self.asking = false;
            return true;
        }
        self.state.apply(ev)
    }

    /// React to a key.
    pub fn on_key(&mut self, k: KeyEvent) -> FleetFlow {
        if k.kind == KeyEventKind::Release {
            return FleetFlow::Continue;
        }
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        let n = self.state.hosts.len();
        match k.code {
            KeyCode::Char('c') if ctrl => return FleetFlow::Quit,
            KeyCode::Char('z') if ctrl => return FleetFlow::Suspend,
            KeyCode::Char('q') => return FleetFlow::Quit,
            KeyCode::Char('r') if !self.asking => return FleetFlow::Refresh,
            KeyCode::Enter if n > 0 => {
                self.open = true;
                self.scroll = 0;
            }
            KeyCode::Esc | KeyCode::Backspace | KeyCode::Left => self.open = false,
            KeyCode::Down | KeyCode::Char('j') if self.open => {
                self.scroll = self.scroll.saturating_add(1)
            }
            KeyCode::Up | KeyCode::Char('k') if self.open => {
                self.scroll = self.scroll.saturating_sub(1)
            }
            KeyCode::PageDown if self.open => self.scroll = self.scroll.saturating_add(10),
            KeyCode::PageUp if self.open => self.scroll = self.scroll.saturating_sub(10),
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(n.saturating_sub(1))
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = n.saturating_sub(1),
            _ => {}
        }
        FleetFlow::Continue
    }
}

/// Start a round: the asker's events reach the console's channel.
fn start_round(asker: &Arc<Asker>, targets: &Arc<Vec<Target>>, tx: &mpsc::Sender<AppEvent>) {
    let (ftx, mut frx) = mpsc::channel(64);
    let (asker, targets, tx) = (asker.clone(), targets.clone(), tx.clone());
    tokio::spawn(async move { asker.ask_all(&targets, ftx).await });
    tokio::spawn(async move {
        while let Some(ev) = frx.recv().await {
            if tx.send(AppEvent::Fleet(ev)).await.is_err() {
                return;
            }
        }
    });
}

/// Open the fleet view; returns the exit code.
pub fn run(cfg: &crate::config::Config, targets: Vec<Target>) -> i32 {
    super::on_terminal(
        &tr!("console-what-fleet"),
        // i18n: not text (a command)
        "triage502 fleet --format text|json|nagios",
        console(cfg, targets),
    )
}

async fn console(cfg: &crate::config::Config, targets: Vec<Target>) -> i32 {
    let asker = match Asker::new(&cfg.fleet) {
        Ok(a) => Arc::new(a),
        Err(e) => {
            crate::say_err!("triage502: {e}");
            return 1;
        }
    };
    let targets = Arc::new(targets);
    let (tx, mut rx) = mpsc::channel::<AppEvent>(1024);
    super::spawn_signal_task(tx.clone());
    // No mouse here: it would only block text selection.
    let mut screen = match super::take_terminal(false) {
        Ok(t) => Screen(std::mem::ManuallyDrop::new(t)),
        Err(e) => {
            super::give_back_terminal();
            crate::say_err!(
                "triage502: {}",
                tr!("console-cannot-take-terminal", error = e)
            );
            asker.close(&targets).await;
            return 1;
        }
    };
    super::spawn_input_thread(tx.clone());
    let mut app = FleetApp::new(&targets, Theme::load(&cfg.theme));
    app.asking = true;
    start_round(&asker, &targets, &tx);
    let interval = Duration::from_secs(cfg.fleet.interval_s);
    let mut next_round: Option<tokio::time::Instant> = None;
    let mut exit = 0;
    loop {
        if next_round.is_some_and(|t| tokio::time::Instant::now() >= t) && !app.asking {
            next_round = None;
            app.asking = true;
            start_round(&asker, &targets, &tx);
        }
        app.now = Utc::now();
        if let Err(e) = screen.0.draw(|f| super::draw::fleet::draw(f, &app)) {
            super::give_back_terminal();
            crate::say_err!("triage502: {}", tr!("console-cannot-draw", error = e));
            exit = 1;
            break;
        }
        // Ages tick every second; a new round starts at its time.
        let tick = tokio::time::Instant::now() + Duration::from_secs(1);
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            _ = tokio::time::sleep_until(tick) => continue,
        };
        let Some(ev) = ev else { break };
        match ev {
            AppEvent::Fleet(fe) => {
                let done = matches!(fe, FleetEvent::RoundDone);
                app.apply(fe);
                if done && !interval.is_zero() {
                    next_round = Some(tokio::time::Instant::now() + interval);
                }
            }
            AppEvent::Input(TermEvent::Key(k)) => match app.on_key(k) {
                FleetFlow::Continue => {}
                FleetFlow::Quit => break,
                FleetFlow::Refresh => {
                    app.asking = true;
                    next_round = None;
                    start_round(&asker, &targets, &tx);
                }
                FleetFlow::Suspend => super::suspend(&mut screen.0, false),
            },
            AppEvent::Quit(_) => break,
            _ => {}
        }
    }
    drop(screen);
    // Shared connections ended, the socket folder removed, ssh processes reaped.
    asker.close(&targets).await;
    crate::children::shutdown(Duration::from_millis(200));
    exit
}
