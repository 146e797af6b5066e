//! The console: the only module that imports ratatui and crossterm.
//!
//! One channel carries every event: probe results from the scheduler, key presses from the
//! input thread, and SIGTERM/SIGHUP/SIGINT. The loop applies engine updates to the
//! [`State`](crate::engine::State) and redraws only when something changed, a key arrived, or a
//! spinner is turning (only while probes are in flight). The terminal is restored on quit,
//! panic (ratatui's hook) and on the signals.

mod app;
mod ui;

use crate::config::Config;
use crate::engine::Update;
use crate::probe::scheduler::ProbeEvent;
use crossterm::event::{self, Event as TermEvent};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

pub use app::App;

/// Everything the console loop reacts to.
#[derive(Debug)]
pub enum AppEvent {
    /// An engine update from a background task.
    Engine(Update),
    /// A terminal event (key, resize).
    Input(TermEvent),
    /// Quit now (signal), with the signal's name.
    Quit(&'static str),
}

impl From<Update> for AppEvent {
    fn from(u: Update) -> Self {
        AppEvent::Engine(u)
    }
}

impl From<ProbeEvent> for AppEvent {
    fn from(e: ProbeEvent) -> Self {
        AppEvent::Engine(Update::Probe(e))
    }
}

/// Open the console; returns the exit code.
pub fn run(cfg: Arc<Config>, source: String) -> i32 {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        eprintln!(
            "triage502: the console needs a terminal (stdin/stdout is not a TTY).\n  For scripts and monitoring use: triage502 check [--format text|json|nagios]"
        );
        return 1;
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("triage502: cannot start the async runtime: {e}");
            return 1;
        }
    };
    rt.block_on(console(cfg, source))
}

fn spawn_input_thread(tx: mpsc::Sender<AppEvent>) {
    std::thread::spawn(move || {
        loop {
            if tx.is_closed() {
                return;
            }
            match event::poll(Duration::from_millis(250)) {
                Ok(true) => match event::read() {
                    Ok(ev) => {
                        if tx.blocking_send(AppEvent::Input(ev)).is_err() {
                            return;
                        }
                    }
                    Err(_) => return,
                },
                Ok(false) => {}
                Err(_) => return,
            }
        }
    });
}

fn spawn_signal_task(tx: mpsc::Sender<AppEvent>) {
    use tokio::signal::unix::{SignalKind, signal};
    tokio::spawn(async move {
        let (Ok(mut term), Ok(mut hup), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = hup.recv() => "SIGHUP",
            _ = int.recv() => "SIGINT",
        };
        let _ = tx.send(AppEvent::Quit(name)).await;
    });
}

async fn console(cfg: Arc<Config>, source: String) -> i32 {
    let (tx, mut rx) = mpsc::channel::<AppEvent>(1024);
    let reprobe = Arc::new(Notify::new());
    let prober = Arc::new(crate::probe::Prober::new(cfg.clone()));
    let interval = Duration::from_millis(cfg.probe.interval_ms);
    let sched = crate::probe::scheduler::spawn(prober, interval, tx.clone(), reprobe.clone());
    spawn_signal_task(tx.clone());
    let files = crate::engine::log_files(&cfg);
    let _follower = if files.is_empty() {
        None
    } else {
        let fc = crate::logs::follow::FollowConfig {
            files,
            backlog: 200,
            ..Default::default()
        };
        match crate::logs::follow::spawn_follower(fc) {
            Ok((handle, lrx)) => {
                tokio::spawn(crate::engine::forward_logs(lrx, tx.clone()));
                Some(handle)
            }
            Err(e) => {
                let _ = tx
                    .send(AppEvent::Engine(Update::Note {
                        level: crate::engine::NoteLevel::Error,
                        text: format!("cannot follow the logs: {e}"),
                    }))
                    .await;
                None
            }
        }
    };

    let mut terminal = ratatui::init();
    spawn_input_thread(tx.clone());
    drop(tx);

    let mut app = App::new(cfg, source, reprobe);
    let mut dirty = true;
    let mut exit = 0;
    loop {
        if dirty {
            if let Err(e) = terminal.draw(|f| ui::draw(f, &app)) {
                ratatui::restore();
                eprintln!("triage502: cannot draw: {e}");
                exit = 1;
                break;
            }
            dirty = false;
        }
        let spin = app.spinning();
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            _ = tokio::time::sleep(Duration::from_millis(120)), if spin => {
                app.tick();
                dirty = true;
                continue;
            }
        };
        let Some(ev) = ev else { break };
        match ev {
            AppEvent::Engine(u) => dirty |= app.state.apply(u),
            AppEvent::Input(TermEvent::Key(k)) => {
                dirty = true;
                if app.on_key(k) == app::Flow::Quit {
                    break;
                }
            }
            AppEvent::Input(TermEvent::Resize(_, _)) => dirty = true,
            AppEvent::Input(_) => {}
            AppEvent::Quit(sig) => {
                log::info!("{sig} received, quitting");
                exit = 0;
                break;
            }
        }
    }
    sched.abort();
    ratatui::restore();
    exit
}
