//! The console: the only module that imports ratatui and crossterm.
//!
//! One channel carries every event: probe results from the scheduler, key presses from the
//! input thread, and SIGTERM/SIGHUP/SIGINT. The loop applies engine updates to the
//! [`State`](crate::engine::State) and redraws only when something changed, a key arrived, or a
//! spinner is turning (only while probes are in flight). The terminal is restored on quit,
//! panic (our hook, see `take_terminal`) and on the signals, and a terminal that is gone
//! (SSH hangup) makes no panic.

mod app;
pub mod draw;
pub mod fleet;
#[cfg(test)]
mod fleet_tests;
mod review;
#[cfg(test)]
mod tests;
mod theme;

/// The drawing under its former name (`tui::ui::draw`, used by the benches).
pub use draw as ui;

use crate::config::Config;
use crate::engine::Update;
use crate::probe::scheduler::ProbeEvent;
use crate::tr;
use crossterm::event::{self, Event as TermEvent};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

pub use app::{App, Dialog, Pane};
pub use theme::Theme;

/// Everything the console loop reacts to.
#[derive(Debug)]
pub enum AppEvent {
    /// An engine update from a background task.
    Engine(Update),
    /// A terminal event (key, resize).
    Input(TermEvent),
    /// An action was planned (or could not be).
    Planned(Box<Result<crate::actions::Action, String>>),
    /// Progress of the running action.
    Action(crate::actions::ActionEvent),
    /// Quit now (signal), with the signal's name.
    Quit(&'static str),
    /// A host of the fleet view answered (see [`fleet`]).
    Fleet(crate::fleet::FleetEvent),
    /// The readiness review's facts were gathered.
    Review(
        Box<(
            crate::host::readiness::Readiness,
            Vec<crate::actions::audit::AuditRecord>,
        )>,
    ),
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
    on_terminal(
        &tr!("console-what-console"),
        // i18n: not text (a command)
        "triage502 check [--format text|json|nagios]",
        console(cfg, source),
    )
}

/// Run a console (`what`) on a runtime of its own, when stdin and stdout are a terminal
/// (else says so, naming the headless command `instead`); returns its exit code.
fn on_terminal(what: &str, instead: &str, console: impl std::future::Future<Output = i32>) -> i32 {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        crate::say_err!(
            "triage502: {}\n  {}",
            tr!("console-needs-terminal", what = what),
            tr!("console-use-instead", command = instead)
        );
        return 1;
    }
    let rt = match crate::util::runtime() {
        Ok(r) => r,
        Err(e) => {
            crate::say_err!("triage502: {e}");
            return 1;
        }
    };
    let code = rt.block_on(console);
    // The process exits now. The runtime is not dropped: a task that still owns a child (a
    // planning probe, an action past its wait) would, dropped, have tokio signal a pid that
    // `children::shutdown` has already reaped — perhaps another process's by now.
    std::mem::forget(rt);
    code
}

/// Reads the terminal's input while the console has the terminal. Once it is given back (the
/// console is quitting: stopping an action can take seconds; or Ctrl-Z), the thread stops
/// reading, so what the user types then reaches the shell instead of the console. Not covered:
/// a wait for input already under way when the terminal is given back (at most
/// [`INPUT_POLL`]) can still take what is typed then (in the restored cooked mode, a whole
/// line), and keys typed between `q` and the console acting on it are the console's.
fn spawn_input_thread(tx: mpsc::Sender<AppEvent>) {
    std::thread::spawn(move || {
        loop {
            if tx.is_closed() {
                return;
            }
            if !TERMINAL_TAKEN.load(std::sync::atomic::Ordering::SeqCst) {
                std::thread::sleep(INPUT_POLL / 5);
                continue;
            }
            match event::poll(INPUT_POLL) {
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
    let stop = match crate::util::stop_signal() {
        Ok(s) => s,
        Err(e) => {
            let note = Update::note(crate::engine::NoteLevel::Error, |l| {
                crate::tr_in!(l, "console-no-signals", error = e)
            });
            let _ = tx.try_send(AppEvent::Engine(note));
            return;
        }
    };
    tokio::spawn(async move {
        let name = stop.await;
        let _ = tx.send(AppEvent::Quit(name)).await;
    });
}

/// Everything the console loop needs besides the app: the channel to hand to background
/// tasks, the running action's canceller (taken when it is used), and whether an action runs
/// (until its `Finished`, also after a cancel, so quitting still waits for its audit line).
struct Loop {
    tx: mpsc::Sender<AppEvent>,
    cancel: Option<crate::actions::Canceller>,
    action_running: bool,
}

impl Loop {
    fn plan(&self, cfg: Arc<Config>, id: String) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let r = crate::actions::plan(&cfg, &id).await;
            let _ = tx.send(AppEvent::Planned(Box::new(r))).await;
        });
    }

    /// Gather the readiness review's facts in the background (`AppEvent::Review` brings them).
    fn review(&self, state: &crate::engine::State) {
        let inputs = crate::report::review::inputs(state);
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let facts = crate::report::review::gather(inputs).await;
            let _ = tx.send(AppEvent::Review(Box::new(facts))).await;
        });
    }

    /// The dialog's confirmed action, if the dialog holds one: shown as running, then run.
    fn run_confirmed(&mut self, app: &mut App, cfg: Arc<Config>) {
        let (a, accept_danger) = match app.dialog.take() {
            Some(Dialog::Confirm(a)) => (a, false),
            Some(Dialog::ConfirmDanger(a)) => (a, true),
            other => {
                app.dialog = other;
                return;
            }
        };
        app.dialog = Some(Dialog::Running {
            id: a.id.clone(),
            lines: Vec::new(),
        });
        self.run(cfg, *a, accept_danger);
    }

    /// Run a confirmed action; `accept_danger` when its danger was confirmed a second time.
    fn run(&mut self, cfg: Arc<Config>, action: crate::actions::Action, accept_danger: bool) {
        let mut opts = crate::actions::RunOptions::from_config(&cfg, cfg.read_only);
        opts.accept_danger = accept_danger;
        opts.verifier = Some(Arc::new(crate::actions::ProbeVerifier::new(cfg.clone())));
        let (canceller, token) = crate::actions::cancel_pair();
        self.cancel = Some(canceller);
        self.action_running = true;
        let (etx, mut erx) = mpsc::channel(256);
        let tx = self.tx.clone();
        tokio::spawn(async move {
            while let Some(ev) = erx.recv().await {
                if tx.send(AppEvent::Action(ev)).await.is_err() {
                    return;
                }
            }
        });
        tokio::spawn(async move {
            crate::actions::run(&action, &opts, etx, token).await;
        });
    }
}

/// Takes the terminal: a panic hook that gives it back first, raw mode, the alternate screen,
/// the mouse when configured. Unlike `ratatui::init`, nothing here or in
/// [`give_back_terminal`] panics or prints when the terminal is gone (an SSH hangup): a
/// failed `eprintln!` inside a panic hook aborts the process, skipping the orderly exit.
fn take_terminal(mouse: bool) -> std::io::Result<ratatui::DefaultTerminal> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        give_back_terminal();
        previous(info);
    }));
    enter_terminal(mouse)?;
    ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))
}

/// Raw mode, the alternate screen, the mouse when configured; marks the terminal taken.
fn enter_terminal(mouse: bool) -> std::io::Result<()> {
    TERMINAL_TAKEN.store(true, std::sync::atomic::Ordering::SeqCst);
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    if mouse {
        let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    }
    Ok(())
}

/// The console's terminal. Dropping it — at quit, or unwinding from a panic — gives the
/// terminal back; a ratatui `Terminal` dropped while it believes the cursor hidden prints to
/// stderr (a panic when the terminal is gone, an abort while unwinding), so it is told the
/// cursor is shown, or not dropped at all.
struct Screen(std::mem::ManuallyDrop<ratatui::DefaultTerminal>);

impl Drop for Screen {
    fn drop(&mut self) {
        give_back_terminal();
        if self.0.show_cursor().is_ok() {
            // SAFETY: dropped once, here; the field is not used afterwards.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.0) };
        }
    }
}

/// Whether the console holds the terminal (raw mode, alternate screen). Giving it back twice
/// would not be harmless: leaving the alternate screen again restores the cursor saved on
/// entering it, so the shell's prompt would overwrite what was printed since (a panic message).
static TERMINAL_TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Gives the terminal back to the shell, once: mouse reporting off, raw mode off, the main
/// screen, the cursor shown. Errors are ignored: a terminal that is gone needs nothing back.
fn give_back_terminal() {
    use crossterm::{cursor, event, execute, terminal};
    if !TERMINAL_TAKEN.swap(false, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let mut out = std::io::stdout();
    let _ = execute!(out, event::DisableMouseCapture);
    let _ = terminal::disable_raw_mode();
    let _ = execute!(out, terminal::LeaveAlternateScreen, cursor::Show);
}

/// Leave the terminal to the shell while stopped (Ctrl-Z), and take it back on `fg`.
fn suspend(terminal: &mut ratatui::DefaultTerminal, mouse: bool) {
    give_back_terminal();
    // SAFETY: raising SIGTSTP on ourselves has no preconditions; the default action stops the
    // process until SIGCONT.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    let _ = enter_terminal(mouse);
    let _ = terminal.hide_cursor();
    let _ = terminal.clear();
}

async fn console(cfg: Arc<Config>, source: String) -> i32 {
    let (tx, mut rx) = mpsc::channel::<AppEvent>(1024);
    let tasks = crate::engine::tasks::start(
        cfg.clone(),
        tx.clone(),
        crate::engine::tasks::Rounds::Repeat,
    )
    .await;
    spawn_signal_task(tx.clone());
    let host_now = tasks.host_now.clone();

    let mut screen = match take_terminal(cfg.mouse) {
        Ok(t) => Screen(std::mem::ManuallyDrop::new(t)),
        Err(e) => {
            give_back_terminal();
            crate::say_err!(
                "triage502: {}",
                tr!("console-cannot-take-terminal", error = e)
            );
            tasks.stop(QUIT_WAIT).await;
            crate::children::shutdown(CHILD_GRACE);
            return 1;
        }
    };
    spawn_input_thread(tx.clone());

    let mut lp = Loop {
        tx,
        cancel: None,
        action_running: false,
    };
    let mut app = App::new(cfg.clone(), source, tasks.reprobe.clone());
    app.state.journal = Some(crate::report::journal_path(&cfg));
    let mut dirty = true;
    // Since when background news waits to be drawn (see SETTLE).
    let mut soft_since: Option<tokio::time::Instant> = None;
    let mut exit = 0;
    let mut last_draw = tokio::time::Instant::now() - FRAME;
    let panic_at = debug_panic_at();
    loop {
        if panic_at.is_some_and(|t| std::time::Instant::now() >= t) {
            // i18n: not text (a debug build's test hook)
            panic!("deliberate panic ({DEBUG_PANIC_ENV}), to test that the terminal is restored");
        }
        // Frames are paced: what the user did or a changed verdict is drawn within FRAME;
        // background news (log lines, a round repeating its verdicts) waits SETTLE from the
        // first of it, so a probe round with its log lines is one frame, and a flood a few a
        // second — cheap at rest, keys answered in a flood.
        let settled = soft_since.is_some_and(|t| t.elapsed() >= SETTLE);
        if (dirty || settled) && last_draw.elapsed() >= FRAME {
            if let Err(e) = screen.0.draw(|f| draw::draw(f, &app)) {
                give_back_terminal();
                crate::say_err!("triage502: {}", tr!("console-cannot-draw", error = e));
                exit = 1;
                break;
            }
            dirty = false;
            soft_since = None;
            last_draw = tokio::time::Instant::now();
        }
        let spin = app.spinning();
        let wake = [
            dirty.then_some(last_draw + FRAME),
            soft_since.map(|t| (t + SETTLE).max(last_draw + FRAME)),
            spin.then(|| tokio::time::Instant::now() + SPIN),
        ]
        .into_iter()
        .flatten()
        .min();
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            _ = tokio::time::sleep_until(wake.unwrap_or_else(tokio::time::Instant::now)), if wake.is_some() => {
                if !dirty && spin {
                    app.tick();
                    dirty = true;
                }
                continue;
            }
        };
        let Some(ev) = ev else { break };
        match ev {
            AppEvent::Engine(u) => match engine_update(&mut app, u, &host_now) {
                Redraw::Now => dirty = true,
                Redraw::Soon => {
                    soft_since.get_or_insert_with(tokio::time::Instant::now);
                }
                Redraw::No => {}
            },
            AppEvent::Input(TermEvent::Key(k)) => {
                dirty = true;
                match app.on_key(k) {
                    app::Flow::Continue => {}
                    app::Flow::Quit => break,
                    app::Flow::Plan(id) => lp.plan(cfg.clone(), id),
                    app::Flow::Run => lp.run_confirmed(&mut app, cfg.clone()),
                    app::Flow::Cancel => {
                        if let Some(c) = lp.cancel.take() {
                            c.cancel();
                        } else if matches!(app.dialog, Some(Dialog::Planning(_))) {
                            app.dialog = None;
                        }
                    }
                    app::Flow::Suspend => suspend(&mut screen.0, cfg.mouse),
                    app::Flow::Review => lp.review(&app.state),
                }
            }
            AppEvent::Input(TermEvent::Resize(_, _)) => dirty = true,
            AppEvent::Input(TermEvent::Mouse(m)) => dirty |= wheel(&mut app, m),
            AppEvent::Input(_) | AppEvent::Fleet(_) => {}
            AppEvent::Review(facts) => {
                dirty = true;
                app.show_review(&facts.0, &facts.1);
            }
            AppEvent::Planned(r) => {
                dirty = true;
                app.on_planned(*r);
            }
            AppEvent::Action(ev) => {
                dirty = true;
                if matches!(ev, crate::actions::ActionEvent::Finished(_)) {
                    lp.cancel = None;
                    lp.action_running = false;
                }
                app.on_action_event(ev);
            }
            AppEvent::Quit(_sig) => {
                exit = 0;
                break;
            }
        }
    }
    // The terminal goes back to the shell first: what follows can take seconds.
    drop(screen);
    wind_down(tasks, &mut lp, &mut rx).await;
    exit
}

/// Only with `mouse = true`: the wheel moves in the focused pane. Whether it did.
fn wheel(app: &mut App, m: crossterm::event::MouseEvent) -> bool {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEventKind};
    let code = match m.kind {
        MouseEventKind::ScrollDown => KeyCode::Down,
        MouseEventKind::ScrollUp => KeyCode::Up,
        _ => return false,
    };
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    true
}

/// Quitting, once the terminal is given back.
async fn wind_down(
    tasks: crate::engine::tasks::Tasks,
    lp: &mut Loop,
    rx: &mut mpsc::Receiver<AppEvent>,
) {
    // What is in flight is abandoned: the engine's tasks are aborted (probes with them) and
    // awaited, so the tools they ran have their groups killed (see `children::Tracked`) while
    // their pids are surely ours, before `shutdown` reaps them. An aborted task ends at its
    // next await: at once, unless it is inside a piece of synchronous work (QUIT_WAIT).
    tasks.stop(QUIT_WAIT).await;
    if lp.action_running {
        // An action still running is cancelled (its process group gets SIGTERM, then SIGKILL)
        // and its audit line written before the console goes: wait for its end, bounded.
        crate::say_err!("triage502: {}", tr!("console-stopping-action"));
        if let Some(c) = lp.cancel.take() {
            c.cancel();
        }
        let until = tokio::time::Instant::now() + ACTION_END_WAIT;
        while let Ok(Some(ev)) = tokio::time::timeout_at(until, rx.recv()).await {
            if matches!(
                ev,
                AppEvent::Action(crate::actions::ActionEvent::Finished(_))
            ) {
                break;
            }
        }
    }
    // Host facts tools still running (the refresh a hop change started) are ended and reaped,
    // so none outlives the console or lingers as a zombie.
    crate::children::shutdown(CHILD_GRACE);
}

/// When an engine update needs a frame.
enum Redraw {
    /// Within FRAME: a changed verdict, anything put on the timeline.
    Now,
    /// Background news, drawn SETTLE after the first of it: log lines, the access summary, a
    /// result that repeats its hop's verdict (its reason may differ: a latency), a round's end.
    Soon,
    /// Nothing visible changed (a round starting shows nothing until a probe is slow enough
    /// for the spinner, which then marks the screen dirty itself).
    No,
}

/// Apply an engine update to the app; when to draw it. A probe result that puts something on
/// the timeline (a hop changed) also asks for fresh host facts.
fn engine_update(app: &mut App, u: Update, host_now: &tokio::sync::Notify) -> Redraw {
    let before = app.state.timeline_total;
    let is_probe = matches!(u, Update::Probe(ProbeEvent::Result(_)));
    let quiet = matches!(u, Update::Probe(ProbeEvent::RoundStarted { .. }));
    let background = match &u {
        Update::Logs(_) | Update::Access(_) | Update::Probe(ProbeEvent::RoundFinished { .. }) => {
            true
        }
        Update::Probe(ProbeEvent::Result(r)) => app
            .state
            .hops
            .iter()
            .find(|h| h.hop.name == r.name)
            .and_then(|h| h.last.as_ref())
            .is_some_and(|l| l.state == r.state),
        _ => false,
    };
    let changed = app.state.apply(u);
    let news = app.state.timeline_total != before;
    if is_probe && news {
        host_now.notify_one();
    }
    match (changed && !quiet, background && !news) {
        (false, _) => Redraw::No,
        (true, true) => Redraw::Soon,
        (true, false) => Redraw::Now,
    }
}

/// Debug builds only: the console panics this many milliseconds after start, so a test can
/// check that a panic restores the terminal. Release builds ignore it.
const DEBUG_PANIC_ENV: &str = "TRIAGE502_DEBUG_PANIC_AFTER_MS";

fn debug_panic_at() -> Option<std::time::Instant> {
    if !cfg!(debug_assertions) {
        return None;
    }
    let ms: u64 = std::env::var(DEBUG_PANIC_ENV).ok()?.parse().ok()?;
    Some(std::time::Instant::now() + Duration::from_millis(ms))
}

/// The shortest time between two frames.
const FRAME: Duration = Duration::from_millis(50);
/// How long background news (log lines, a round that repeats its verdicts) waits to be drawn
/// after the first of it: a probe round and the lines it causes arrive within this.
const SETTLE: Duration = Duration::from_millis(100);
/// How long quitting waits for a cancelled action to end and be audited.
const ACTION_END_WAIT: Duration = Duration::from_secs(5);
/// How long external tools get between SIGTERM and SIGKILL when the console quits: those
/// still running then are host-fact tools (an action is waited for before), read-only, with
/// nothing to save — quitting does not wait for them.
const CHILD_GRACE: Duration = Duration::from_millis(20);
/// How long quitting waits for the aborted periodic tasks to end (they end at their next
/// await; this bounds a piece of synchronous work they may be in).
const QUIT_WAIT: Duration = Duration::from_millis(250);
/// The longest wait for terminal input before the input thread looks whether it should stop.
const INPUT_POLL: Duration = Duration::from_millis(100);
/// Spinner speed while a probe is slow.
const SPIN: Duration = Duration::from_millis(150);
