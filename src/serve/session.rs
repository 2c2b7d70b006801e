//! One console over one SSH channel: the channel's bytes become key events (through
//! [`super::keys::Decoder`]), the console draws into a writer whose bytes go back down the
//! channel, and however it ends (quit, the link gone, idle, a removed key, the server stopping,
//! a panic) the client's terminal is put back and the reason said on it.

use super::keys::Decoder;
use super::outbox::{BEHIND_LIMIT, Link, Outbox, Sent};
use super::registry::End;
use super::watch::Watch;
use crate::console::runtime::{self, Session, Shown};
use crate::console::{ConsoleOptions, Limits};
use crate::engine::Engine;
use crate::lang::Lang;
use crate::operators::{Operator, Role};
use crate::strings::serve as s;
use ratatui::crossterm::event::Event;
use russh::ChannelId;
use russh::server::Handle;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

/// How long a lone Esc waits for the rest of a sequence (a slow link splits them).
const ESC_WAIT: Duration = Duration::from_millis(40);
/// The idle warning comes this long before the session closes.
const IDLE_WARNING: Duration = Duration::from_secs(60);
/// How long the goodbye (the terminal put back, the reason) may take to leave before the
/// connection is cut without it.
const GOODBYE_WAIT: Duration = Duration::from_secs(10);

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
    /// The provider the console opens on, when the server names one.
    pub start_provider: Option<crate::provider::ProviderKind>,
    pub no_color: bool,
    pub lang: Lang,
    pub size: (u16, u16),
    pub input: mpsc::Receiver<In>,
    pub end: oneshot::Receiver<End>,
    pub idle: Duration,
    pub offset: chrono::FixedOffset,
    /// `[receipt]` of the server's configuration (none in the demo).
    pub receipt: crate::config::ReceiptSettings,
    /// The connection's watchdog: told to cut the link when the client stops reading.
    pub watch: Arc<Watch>,
    /// The client's address, for the log.
    pub addr: String,
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The operator quit, or the link went.
    Done,
    By(End),
    /// The console panicked or failed.
    Broke,
    /// The client took no byte for [`BEHIND_LIMIT`]: the connection was cut.
    Behind,
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
        start_provider,
        no_color,
        lang,
        size,
        input,
        mut end,
        idle,
        offset,
        receipt,
        watch,
        addr,
    } = start;
    let Some(engine) = engine else {
        let _ = handle.close(channel).await;
        return Ended::Broke;
    };
    // What the console shows as it changes: its language (Ctrl-G), its open payments, its
    // width, for the words and the exit status at the end.
    let (shown_tx, shown) = watch::channel(Shown {
        lang,
        open: 0,
        cols: size.0,
    });
    let agent = operator.role == Role::Agent && !demo;
    let options = ConsoleOptions {
        demo,
        bell,
        no_color,
        default_provider: start_provider,
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
        shown: Some(shown_tx),
    };
    let out = Arc::new(Outbox::default());
    out.push(ENTER);
    let mut sender = tokio::spawn({
        let out = out.clone();
        let link = ChannelLink {
            handle: handle.clone(),
            channel,
        };
        async move { out.send_to(&link).await }
    });
    let (events_tx, events_rx) = mpsc::channel::<Event>(256);
    let (notices_tx, notices_rx) = mpsc::unbounded_channel::<String>();
    let (idle_tx, idle_rx) = oneshot::channel::<()>();
    let pump = tokio::spawn(pump(
        input,
        events_tx,
        Pumped {
            notices: notices_tx,
            idle,
            idle_end: idle_tx,
            lang,
            shown: Some(shown.clone()),
            size,
            out: out.clone(),
        },
    ));
    let session = Session {
        input: events_rx,
        output: ChannelOut {
            buf: Vec::new(),
            out: out.clone(),
        },
        size,
        offset,
        notices: Some(notices_rx),
    };
    let mut console = tokio::spawn(runtime::run(engine, options, session));
    let mut finished = true;
    let mut sent = None;
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
        r = &mut sender => {
            finished = false;
            let r = r.unwrap_or(Sent::Gone);
            sent = Some(r);
            match r {
                Sent::Behind => Ended::Behind,
                // The link is gone: nobody to say anything to.
                Sent::Gone | Sent::Done => Ended::Done,
            }
        }
    };
    if !finished {
        console.abort();
        let _ = console.await;
    }
    pump.abort();
    // The console's language now (the agent may have pressed Ctrl-G), and what it still has
    // open.
    let now = *shown.borrow();
    let lang = now.lang;
    let counts = out.counts();
    if ended == Ended::Behind {
        tracing::warn!(
            operator = %operator.name,
            addr = %addr,
            held_most = counts.most,
            dropped = counts.dropped,
            "session ended: the client took no byte for {} s",
            BEHIND_LIMIT.as_secs()
        );
        watch.cut(s::client_behind(lang, BEHIND_LIMIT.as_secs()));
        return ended;
    }
    let mut last = LEAVE.to_vec();
    let said = match ended {
        Ended::Done | Ended::Behind => None,
        Ended::Broke => Some(s::session_broke(lang)),
        Ended::By(End::Idle) => Some(s::idle_closed(lang, idle.as_secs() / 60)),
        Ended::By(End::KeyRemoved) => Some(s::key_removed(lang)),
        Ended::By(End::RightsChanged) => Some(s::rights_changed(lang)),
        Ended::By(End::Untrusted) => {
            Some(s::list_untrusted(lang, operator.role == Role::Supervisor))
        }
        Ended::By(End::Stopping) => Some(s::stopping(lang)),
    };
    if let Some(text) = said {
        // Wrapped at words to the client's width: the terminal would break it mid-word.
        last.extend_from_slice(wrap(&text, now.cols).as_bytes());
        last.extend_from_slice(b"\r\n");
    }
    out.close_with(&last);
    // As the console's: 3 while payments on its list are still open (the server goes on
    // following them), else 0 when the agent quit, 1 when the server closed the session.
    let code = match (now.open, ended) {
        (1.., _) => 3,
        (0, Ended::Done) => 0,
        _ => 1,
    };
    let goodbye = async {
        let sent = match sent {
            Some(s) => s,
            None => (&mut sender).await.unwrap_or(Sent::Gone),
        };
        if sent == Sent::Done {
            let _ = handle.exit_status_request(channel, code).await;
            let _ = handle.eof(channel).await;
            let _ = handle.close(channel).await;
        }
    };
    if tokio::time::timeout(GOODBYE_WAIT, goodbye).await.is_err() {
        sender.abort();
        tracing::warn!(
            operator = %operator.name,
            addr = %addr,
            "session ended: the client took no byte of the goodbye in {} s",
            GOODBYE_WAIT.as_secs()
        );
        watch.cut(s::client_behind(lang, GOODBYE_WAIT.as_secs()));
    }
    if counts.dropped > 0 {
        tracing::info!(
            operator = %operator.name,
            addr = %addr,
            held_most = counts.most,
            dropped = counts.dropped,
            repaints = counts.repaints,
            pushed = counts.pushed,
            "a slow client: frames were dropped and the screen sent whole again"
        );
    }
    ended
}

/// A text wrapped at spaces to `cols` columns (a word longer than a line is cut), its lines
/// joined by CR LF.
fn wrap(text: &str, cols: u16) -> String {
    use unicode_width::UnicodeWidthStr;
    let cols = usize::from(cols.max(1));
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let room = if line.is_empty() { 0 } else { 1 };
        if !line.is_empty() && line.width() + room + word.width() > cols {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if !line.is_empty() && line.width() + w > cols {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    lines.push(line);
    lines.join("\r\n")
}

/// The SSH channel a console draws on.
struct ChannelLink {
    handle: Handle,
    channel: ChannelId,
}

impl Link for ChannelLink {
    async fn send(&self, data: Vec<u8>) -> Result<(), ()> {
        self.handle.data(self.channel, data).await.map_err(|_| ())
    }
}

/// The console's writer: bytes gathered until a flush (one frame), then into the outbox.
struct ChannelOut {
    buf: Vec<u8>,
    out: Arc<Outbox>,
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
        let frame = std::mem::take(&mut self.buf);
        if self.out.push(&frame) {
            Ok(())
        } else {
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "session closed",
            ))
        }
    }
}

/// What the pump needs besides its input and output.
struct Pumped {
    notices: mpsc::UnboundedSender<String>,
    idle: Duration,
    idle_end: oneshot::Sender<()>,
    lang: Lang,
    /// What the console shows now (its language, for the idle warning).
    shown: Option<watch::Receiver<Shown>>,
    /// The screen's size (the last window change).
    size: (u16, u16),
    /// Asks for the whole screen when a client that fell behind reads again.
    out: Arc<Outbox>,
}

/// Bytes and sizes from the client become events; a key resets the idle clock. Window changes
/// that queued up while the console was busy are drawn once, at the last size.
async fn pump(mut input: mpsc::Receiver<In>, events: mpsc::Sender<Event>, p: Pumped) {
    let Pumped {
        notices,
        idle,
        idle_end,
        lang,
        shown,
        mut size,
        out,
    } = p;
    let mut idle_end = Some(idle_end);
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
                    if let Some(end) = idle_end.take() {
                        let _ = end.send(());
                    }
                    return;
                }
                warned = true;
                let lang = shown.as_ref().map_or(lang, |s| s.borrow().lang);
                let _ = notices.send(s::idle_warning(lang));
                continue;
            }
            () = out.repaint.notified() => {
                // The same size again: the console draws its whole screen.
                if events.send(Event::Resize(size.0, size.1)).await.is_err() {
                    return;
                }
                continue;
            }
        };
        let Some(mut got) = got else {
            return;
        };
        let mut evs = Vec::new();
        loop {
            match got {
                In::Size(w, h) => {
                    let mut last = (w, h);
                    let mut next = None;
                    while let Ok(more) = input.try_recv() {
                        match more {
                            In::Size(w, h) => last = (w, h),
                            other => {
                                next = Some(other);
                                break;
                            }
                        }
                    }
                    size = last;
                    evs.push(Event::Resize(last.0, last.1));
                    match next {
                        Some(n) => got = n,
                        None => break,
                    }
                }
                In::Bytes(b) => {
                    last_key = Instant::now();
                    warned = false;
                    evs.extend(decoder.feed(&b));
                    break;
                }
            }
        }
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

    fn pumped(
        notices: mpsc::UnboundedSender<String>,
        idle: Duration,
        idle_end: oneshot::Sender<()>,
    ) -> Pumped {
        Pumped {
            notices,
            idle,
            idle_end,
            lang: Lang::En,
            shown: None,
            size: (80, 24),
            out: Arc::new(Outbox::default()),
        }
    }

    #[test]
    fn a_goodbye_breaks_at_spaces_within_the_width() {
        let text = s::list_untrusted(Lang::Sw, false);
        for cols in [20u16, 40, 61, 80] {
            let wrapped = wrap(&text, cols);
            let lines: Vec<&str> = wrapped.split("\r\n").collect();
            assert!(lines.len() > 1, "{cols}: {wrapped}");
            assert!(
                lines.iter().all(|l| l.chars().count() <= usize::from(cols)),
                "{cols}: {wrapped}"
            );
            // Every word whole, in order.
            assert_eq!(lines.join(" "), text, "{cols}");
        }
        assert_eq!(wrap("abcdef gh", 4), "abcd\r\nef\r\ngh");
    }

    #[tokio::test(start_paused = true)]
    async fn window_changes_queued_behind_a_busy_console_are_drawn_once_at_the_last_size() {
        let (tx, input) = mpsc::channel(64);
        let (events_tx, mut events) = mpsc::channel(1);
        let (notices_tx, _notices) = mpsc::unbounded_channel();
        let (end_tx, _end) = oneshot::channel();
        // The console takes nothing yet: a flood of window changes, then a key.
        for i in 0..50u16 {
            tx.send(In::Size(100 + i, 30)).await.expect("send");
        }
        tx.send(In::Bytes(b"7".to_vec())).await.expect("send");
        tokio::spawn(pump(
            input,
            events_tx,
            pumped(notices_tx, Duration::from_secs(600), end_tx),
        ));
        assert_eq!(events.recv().await, Some(Event::Resize(149, 30)));
        let key = events.recv().await.expect("the key");
        assert!(matches!(key, Event::Key(_)), "{key:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_reads_again_gets_its_whole_screen_at_its_size() {
        let (tx, input) = mpsc::channel(8);
        let (events_tx, mut events) = mpsc::channel(8);
        let (notices_tx, _notices) = mpsc::unbounded_channel();
        let (end_tx, _end) = oneshot::channel();
        let p = pumped(notices_tx, Duration::from_secs(600), end_tx);
        let out = p.out.clone();
        tokio::spawn(pump(input, events_tx, p));
        tx.send(In::Size(90, 25)).await.expect("send");
        assert_eq!(events.recv().await, Some(Event::Resize(90, 25)));
        out.repaint.notify_one();
        assert_eq!(events.recv().await, Some(Event::Resize(90, 25)));
    }

    #[tokio::test(start_paused = true)]
    async fn idle_warns_a_minute_before_closing_and_a_key_starts_the_clock_again() {
        let (tx, input) = mpsc::channel(8);
        let (events_tx, mut events) = mpsc::channel(8);
        let (notices_tx, mut notices) = mpsc::unbounded_channel();
        let (end_tx, mut end) = oneshot::channel();
        let idle = Duration::from_secs(5 * 60);
        tokio::spawn(pump(input, events_tx, pumped(notices_tx, idle, end_tx)));
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
            pumped(notices_tx, Duration::from_secs(600), end_tx),
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
