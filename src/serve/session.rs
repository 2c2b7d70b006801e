//! One console over one SSH channel: the channel's bytes become key events (through
//! [`super::keys::Decoder`]), the console draws into a writer whose bytes go back down the
//! channel, and however it ends (quit, the link gone, idle, a removed key, the server stopping,
//! a panic) the client's terminal is put back and the reason said on it.

use super::keys::Decoder;
use super::registry::End;
use crate::console::runtime::{self, Session};
use crate::console::{ConsoleOptions, Limits};
use crate::engine::Engine;
use crate::operators::{Operator, Role};
use crate::strings::Lang;
use crate::strings::serve as s;
use ratatui::crossterm::event::Event;
use russh::ChannelId;
use russh::server::Handle;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// How long a lone Esc waits for the rest of a sequence (a slow link splits them).
const ESC_WAIT: Duration = Duration::from_millis(40);
/// The idle warning comes this long before the session closes.
const IDLE_WARNING: Duration = Duration::from_secs(60);

/// Sent to the client's terminal at start: the alternate screen and bracketed paste.
const ENTER: &[u8] = b"\x1b[?1049h\x1b[?2004h";
/// And at the end: everything as it was (colours, cursor, paste mode, the main screen).
const LEAVE: &[u8] = b"\x1b[0m\x1b[?2004l\x1b[?25h\x1b[?1049l";

/// What the SSH handler hands to the console.
#[derive(Debug)]
pub enum In {
    Bytes(Vec<u8>),
    Size(u16, u16),
}

/// Everything a session starts with.
pub struct Start {
    pub handle: Handle,
    pub channel: ChannelId,
    /// The engine (`None` when the caller had none to give: the session cannot start).
    pub engine: Option<Engine>,
    pub operator: Operator,
    /// What the operator may send, read again at every send.
    pub rights: crate::engine::RightsSource,
    pub demo: bool,
    pub bell: bool,
    pub no_color: bool,
    pub lang: Lang,
    pub size: (u16, u16),
    pub input: mpsc::Receiver<In>,
    pub end: oneshot::Receiver<End>,
    pub idle: Duration,
    pub offset: chrono::FixedOffset,
    /// `[receipt]` of the server's configuration (none in the demo).
    pub receipt: crate::config::ReceiptSettings,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The operator quit, or the link went.
    Done,
    By(End),
    /// The console panicked or failed.
    Broke,
}

/// Runs the console until it ends, then restores the client's terminal and closes the channel.
pub async fn run(start: Start) -> Ended {
    let Start {
        handle,
        channel,
        engine,
        operator,
        rights,
        demo,
        bell,
        no_color,
        lang,
        size,
        input,
        mut end,
        idle,
        offset,
        receipt,
    } = start;
    let Some(engine) = engine else {
        let _ = handle.close(channel).await;
        return Ended::Broke;
    };
    let agent = operator.role == Role::Agent && !demo;
    let options = ConsoleOptions {
        demo,
        bell,
        no_color,
        default_provider: None,
        operator: operator.name.clone(),
        lang,
        problems: Vec::new(),
        allowed: operator.providers.clone(),
        limits: Limits {
            own_only: agent,
            no_marking: agent,
            max_amount: operator.max_amount.clone(),
        },
        rights,
        offset: Some(offset),
        receipt: receipt.clone(),
    };
    let (bytes_tx, bytes_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let sender = tokio::spawn(send_bytes(handle.clone(), channel, bytes_rx));
    let _ = bytes_tx.send(ENTER.to_vec());
    let (events_tx, events_rx) = mpsc::channel::<Event>(256);
    let (notices_tx, notices_rx) = mpsc::unbounded_channel::<String>();
    let (idle_tx, idle_rx) = oneshot::channel::<()>();
    let pump = tokio::spawn(pump(input, events_tx, notices_tx, idle, idle_tx, lang));
    let session = Session {
        input: events_rx,
        output: ChannelOut {
            buf: Vec::new(),
            tx: bytes_tx.clone(),
        },
        size,
        offset,
        notices: Some(notices_rx),
    };
    let mut console = tokio::spawn(runtime::run(engine, options, session));
    let mut finished = true;
    let ended = tokio::select! {
        r = &mut console => match r {
            Ok(Ok(())) => Ended::Done,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, operator = %operator.name, "console failed");
                Ended::Broke
            }
            Err(e) => {
                tracing::error!(error = %e, operator = %operator.name, "console panicked");
                Ended::Broke
            }
        },
        why = &mut end => {
            finished = false;
            Ended::By(why.unwrap_or(End::Stopping))
        }
        Ok(()) = idle_rx => {
            finished = false;
            Ended::By(End::Idle)
        }
    };
    if !finished {
        console.abort();
        let _ = console.await;
    }
    pump.abort();
    let mut last = LEAVE.to_vec();
    let said = match ended {
        Ended::Done => None,
        Ended::Broke => Some(s::session_broke(lang)),
        Ended::By(End::Idle) => Some(s::idle_closed(lang, idle.as_secs() / 60)),
        Ended::By(End::KeyRemoved) => Some(s::key_removed(lang)),
        Ended::By(End::RightsChanged) => Some(s::rights_changed(lang)),
        Ended::By(End::Stopping) => Some(s::stopping(lang)),
    };
    if let Some(text) = said {
        last.extend_from_slice(text.as_bytes());
        last.extend_from_slice(b"\r\n");
    }
    let _ = bytes_tx.send(last);
    drop(bytes_tx);
    let _ = sender.await;
    let code = if ended == Ended::Done { 0 } else { 1 };
    let _ = handle.exit_status_request(channel, code).await;
    let _ = handle.eof(channel).await;
    let _ = handle.close(channel).await;
    ended
}

/// The console's writer: bytes gathered until a flush (one frame), then sent down the channel.
struct ChannelOut {
    buf: Vec<u8>,
    tx: mpsc::UnboundedSender<Vec<u8>>,
}

impl std::io::Write for ChannelOut {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        self.tx
            .send(std::mem::take(&mut self.buf))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "session closed"))
    }
}

/// Sends frames in order; frames queued behind a slow link go as one.
async fn send_bytes(handle: Handle, channel: ChannelId, mut rx: mpsc::UnboundedReceiver<Vec<u8>>) {
    while let Some(mut data) = rx.recv().await {
        while let Ok(more) = rx.try_recv() {
            data.extend_from_slice(&more);
        }
        if handle.data(channel, data).await.is_err() {
            // The link is gone: the rest has nowhere to go.
            return;
        }
    }
}

/// Bytes and sizes from the client become events; a key resets the idle clock.
async fn pump(
    mut input: mpsc::Receiver<In>,
    events: mpsc::Sender<Event>,
    notices: mpsc::UnboundedSender<String>,
    idle: Duration,
    idle_end: oneshot::Sender<()>,
    lang: Lang,
) {
    let mut decoder = Decoder::new();
    let mut last_key = Instant::now();
    let mut warned = false;
    loop {
        let idle_at = if warned {
            last_key + idle
        } else {
            last_key + idle.saturating_sub(IDLE_WARNING)
        };
        let esc_at = decoder.waiting().then(|| Instant::now() + ESC_WAIT);
        let got = tokio::select! {
            got = input.recv() => got,
            () = tokio::time::sleep_until(esc_at.unwrap_or(idle_at)), if esc_at.is_some() => {
                for ev in decoder.flush() {
                    if events.send(ev).await.is_err() {
                        return;
                    }
                }
                continue;
            }
            () = tokio::time::sleep_until(idle_at) => {
                if warned {
                    let _ = idle_end.send(());
                    return;
                }
                warned = true;
                let _ = notices.send(s::idle_warning(lang));
                continue;
            }
        };
        let evs = match got {
            None => return,
            Some(In::Size(w, h)) => vec![Event::Resize(w, h)],
            Some(In::Bytes(b)) => {
                last_key = Instant::now();
                warned = false;
                decoder.feed(&b)
            }
        };
        for ev in evs {
            if events.send(ev).await.is_err() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn idle_warns_a_minute_before_closing_and_a_key_starts_the_clock_again() {
        let (tx, input) = mpsc::channel(8);
        let (events_tx, mut events) = mpsc::channel(8);
        let (notices_tx, mut notices) = mpsc::unbounded_channel();
        let (end_tx, mut end) = oneshot::channel();
        let idle = Duration::from_secs(5 * 60);
        tokio::spawn(pump(input, events_tx, notices_tx, idle, end_tx, Lang::En));
        tokio::time::sleep(Duration::from_secs(4 * 60 + 1)).await;
        assert_eq!(notices.try_recv().ok(), Some(s::idle_warning(Lang::En)));
        // A key: the clock starts again, no close at five minutes.
        tx.send(In::Bytes(b"1".to_vec())).await.expect("send");
        assert!(events.recv().await.is_some());
        tokio::time::sleep(Duration::from_secs(3 * 60)).await;
        assert!(end.try_recv().is_err(), "closed although a key came");
        tokio::time::sleep(Duration::from_secs(2 * 60 + 1)).await;
        assert_eq!(end.try_recv().ok(), Some(()));
    }

    #[tokio::test(start_paused = true)]
    async fn a_lone_esc_is_esc_once_nothing_follows() {
        let (tx, input) = mpsc::channel(8);
        let (events_tx, mut events) = mpsc::channel(8);
        let (notices_tx, _notices) = mpsc::unbounded_channel();
        let (end_tx, _end) = oneshot::channel();
        tokio::spawn(pump(
            input,
            events_tx,
            notices_tx,
            Duration::from_secs(600),
            end_tx,
            Lang::En,
        ));
        tx.send(In::Bytes(vec![0x1b])).await.expect("send");
        let ev = events.recv().await.expect("event");
        assert_eq!(
            ev,
            Event::Key(ratatui::crossterm::event::KeyEvent::new(
                ratatui::crossterm::event::KeyCode::Esc,
                ratatui::crossterm::event::KeyModifiers::NONE
            ))
        );
    }
}
