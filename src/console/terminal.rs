//! The only file that touches the process's own terminal: raw mode, the alternate screen,
//! bracketed paste, a reader thread feeding events to the runtime, and restoring everything on
//! quit, on panic and on SIGTERM, SIGHUP or SIGINT.

use super::ConsoleOptions;
use super::runtime::{self, Session};
use crate::engine::Engine;
use crate::strings::console as s;
use ratatui::crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute};
use std::io::{BufWriter, IsTerminal};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

/// Whether the terminal is in the console's modes (so restoring happens once).
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Both ends are a terminal: the console can run.
pub fn is_tty() -> bool {
    std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
}

/// Puts the terminal back as it was. Safe to call twice, and from a panic.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = disable_raw_mode();
        let _ = execute!(
            std::io::stdout(),
            DisableBracketedPaste,
            LeaveAlternateScreen,
            cursor::Show
        );
    }
}

/// Restores the terminal when dropped, however the console ends.
struct Guard;

impl Guard {
    fn enter() -> std::io::Result<Guard> {
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let guard = Guard;
        execute!(
            std::io::stdout(),
            EnterAlternateScreen,
            EnableBracketedPaste
        )?;
        Ok(guard)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

/// A panic anywhere (a background task included) restores the terminal first, so its message
/// is readable, then tells the console to stop.
fn install_panic_hook(panicked: Arc<Notify>) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
        panicked.notify_one();
    }));
}

/// Reads terminal events on a thread of its own until told to stop or the runtime is gone.
fn spawn_reader(tx: mpsc::Sender<Event>, stop: Arc<AtomicBool>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("lipa-input".into())
        .spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                match event::poll(Duration::from_millis(100)) {
                    Ok(true) => match event::read() {
                        Ok(ev) => {
                            if tx.blocking_send(ev).is_err() {
                                break;
                            }
                        }
                        Err(_) => break,
                    },
                    Ok(false) => {}
                    Err(_) => break,
                }
            }
        })?;
    Ok(())
}

/// Runs the console on the process's terminal.
pub async fn run(engine: Engine, options: ConsoleOptions) -> anyhow::Result<()> {
    let size = ratatui::crossterm::terminal::size()?;
    let mut signals = crate::signals::Stop::listen()?;
    let panicked = Arc::new(Notify::new());
    install_panic_hook(panicked.clone());
    let guard = Guard::enter()?;
    let (tx, rx) = mpsc::channel(256);
    let stop = Arc::new(AtomicBool::new(false));
    spawn_reader(tx, stop.clone())?;
    let session = Session {
        input: rx,
        output: BufWriter::with_capacity(1 << 16, std::io::stdout()),
        size,
        offset: options.offset.unwrap_or_else(crate::till::local_offset),
        notices: None,
    };
    let lang = options.lang;
    let sends = engine.clone();
    let result = tokio::select! {
        r = runtime::run(engine, options, session) => r,
        signal = signals.recv() => stopped_by(signal),
        () = panicked.notified() => Err(anyhow::anyhow!(s::internal_error(lang))),
    };
    stop.store(true, Ordering::SeqCst);
    drop(guard);
    // A send under way (a quit, a signal, just after Enter) runs to its answer and has it
    // journalled before the process ends: for a provider asked only by the id that answer
    // carries (Daraja), ending first would leave the payment for a person to check by hand.
    // The HTTP timeouts bound the wait.
    if !sends.sends_settled(Duration::ZERO).await {
        crate::errln!("{}", s::waiting_for_send(lang));
        if !sends.sends_settled(SEND_WAIT).await {
            tracing::warn!(
                "the console stopped with a send under way; it is asked about at the next start"
            );
        }
    }
    result
}

/// How long a stopping console waits for sends under way to be journalled (a send's HTTP
/// call gives up after 20 s).
const SEND_WAIT: Duration = Duration::from_secs(25);

/// A signal ends the console: payments stay in the journal and are picked up at the next start.
fn stopped_by(signal: &str) -> anyhow::Result<()> {
    tracing::info!(
        signal,
        "console stopped by a signal; unfinished payments stay in the journal"
    );
    Ok(())
}
