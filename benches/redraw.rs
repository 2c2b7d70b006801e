//! Bytes on the wire: what the console sends a terminal, for field agents on slow mobile links
//! over SSH. Drives the real `update` and `view` through the session backend (the same
//! `Terminal` diffing the console uses) into a byte counter, and prints per situation the
//! bytes sent and the time to build and diff a frame.
//!
//! Run: `cargo bench --bench redraw`.

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use lipa::console::action::Action;
use lipa::console::app::{App, AppConfig};
use lipa::console::runtime::SessionBackend;
use lipa::console::{update, view};
use lipa::money::{Currency, Money};
use lipa::payment::{Payment, Status};
use lipa::provider::ProviderKind;
use lipa::reference::Reference;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Rect, Size};
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// A writer that only counts.
#[derive(Clone, Default)]
struct Counter(Arc<AtomicUsize>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 12, 9, 30, 0)
        .single()
        .unwrap_or_default()
}

fn waiting(id: i64, now: DateTime<Utc>) -> Payment {
    let sent = now - Duration::seconds(5 + id);
    Payment {
        id,
        provider: ProviderKind::ClickPesa,
        reference: Reference::from_stored(format!("LP7K3MQ9XR{id:03}")),
        phone: format!("2557540000{id:02}"),
        amount: Money::from_minor(1_500 * id, Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        status: Status::Pending,
        message: "Prompt sent; waiting for the customer's PIN.".into(),
        provider_id: None,
        created_at: sent,
        updated_at: sent,
        sent_at: Some(sent),
        polls: 1,
        checked: false,
        said: lipa::strings::Msg::Empty,
        lookup: None,
        heard_at: None,
        checked_by: None,
        checked_at: None,
        check_note: None,
        replaces: None,
        replaced_by: None,
        operator: "rehema".into(),
        flag: None,
        till: "duka-1".into(),
        wallet_ref: None,
    }
}

struct Bench {
    app: App,
    terminal: Terminal<SessionBackend<Counter>>,
    sent: Counter,
    frame_micros: Vec<f64>,
}

impl Bench {
    fn new(cols: u16, rows: u16) -> Bench {
        let now = start();
        let app = App::new(AppConfig {
            providers: vec![ProviderKind::ClickPesa, ProviderKind::Cepta],
            provider: None,
            demo: false,
            bell: false,
            no_color: false,
            now,
            offset: FixedOffset::east_opt(3 * 3600).unwrap_or_else(|| panic!("offset")),
            operator: "bench".into(),
            limits: Default::default(),
            lang: lipa::strings::Lang::En,
        });
        let sent = Counter::default();
        let terminal = Terminal::with_options(
            SessionBackend::new(sent.clone(), Size::new(cols, rows)),
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, cols, rows)),
            },
        )
        .unwrap_or_else(|e| panic!("terminal: {e}"));
        Bench {
            app,
            terminal,
            sent,
            frame_micros: Vec::new(),
        }
    }

    /// Applies `action`, draws if something changed, and returns the bytes that went out.
    fn step(&mut self, action: Action) -> usize {
        if let Action::Tick(t) = &action {
            self.app.now = *t;
        }
        let _ = update(&mut self.app, action);
        let before = self.sent.0.load(Ordering::Relaxed);
        if self.app.dirty {
            let t = Instant::now();
            self.terminal
                .draw(|f| view::draw(f, &self.app))
                .unwrap_or_else(|e| panic!("draw: {e}"));
            self.frame_micros.push(t.elapsed().as_secs_f64() * 1e6);
            self.app.dirty = false;
        }
        self.sent.0.load(Ordering::Relaxed) - before
    }

    fn first_frame(&mut self) -> usize {
        let t = start();
        self.step(Action::Tick(t))
    }
}

fn key(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn main() {
    println!("situation                                   bytes   mean frame (µs)");
    for (cols, rows) in [(80u16, 24u16), (60, 20)] {
        let mut b = Bench::new(cols, rows);
        let first = b.first_frame();
        println!("{cols}×{rows} first frame                        {first:>7}");

        let mut typed = 0;
        for c in "0754000001".chars() {
            typed += b.step(key(c));
        }
        println!(
            "{cols}×{rows} typing a phone number, per key        {:>7}",
            typed / 10
        );

        for waiting_now in [1i64, 5, 10] {
            let mut b = Bench::new(cols, rows);
            b.first_frame();
            let now = start();
            for id in 1..=waiting_now {
                b.step(Action::PaymentChanged(waiting(id, now).into()));
            }
            let ticks = 60;
            let mut total = 0;
            for s in 1..=ticks {
                total += b.step(Action::Tick(now + Duration::seconds(s)));
            }
            let mean = b.frame_micros.iter().sum::<f64>() / b.frame_micros.len().max(1) as f64;
            println!(
                "{cols}×{rows} {waiting_now:>2} waiting, per second of ages       {:>7}   {mean:>8.0}",
                total / ticks as usize
            );
        }

        let mut b = Bench::new(cols, rows);
        b.first_frame();
        let idle = b.step(Action::Tick(start() + Duration::seconds(60)));
        println!("{cols}×{rows} idle, nothing waiting, per tick        {idle:>7}");

        // Five payments waiting for a person since an outage, a quiet day: the console is
        // ticked when it asks to be (as the runtime does), for six hours.
        let mut b = Bench::new(cols, rows);
        b.first_frame();
        let now = start();
        for id in 1..=5 {
            let mut p = waiting(id, now - Duration::minutes(30));
            p.status = Status::Attention;
            p.message = "No final answer: check the customer's SMS.".into();
            b.step(Action::PaymentChanged(p.into()));
        }
        let (end, mut t, mut sent) = (now + Duration::hours(6), now, 0);
        while t < end {
            let wake = b
                .app
                .next_wake()
                .unwrap_or(std::time::Duration::from_secs(3600));
            t += Duration::from_std(wake).unwrap_or(Duration::seconds(1));
            sent += b.step(Action::Tick(t));
        }
        println!(
            "{cols}×{rows} 5 needing you, idle 6 h, per second  {:>7.2}",
            sent as f64 / (6.0 * 3600.0)
        );

        // A thousand waiting (a busy server, or after an outage): a key through update and
        // view, and a poll answer that changes no visible row.
        let mut b = Bench::new(cols, rows);
        b.first_frame();
        let now = start();
        for id in 1..=1000 {
            b.step(Action::PaymentChanged(waiting(id, now).into()));
        }
        b.frame_micros.clear();
        let mut key_bytes = 0;
        for i in 0..200 {
            let k = if i % 2 == 0 {
                key('7')
            } else {
                Action::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE))
            };
            key_bytes += b.step(k);
        }
        let mut keys = b.frame_micros.clone();
        keys.sort_by(f64::total_cmp);
        let mut unseen = 0;
        let mut poll = waiting(900, now);
        for n in 0..100 {
            poll.polls = 2 + n;
            poll.updated_at = now + Duration::milliseconds(i64::from(n));
            unseen += b.step(Action::PaymentChanged(poll.clone().into()));
        }
        println!(
            "{cols}×{rows} 1,000 waiting: a key {:>5} B, median {:.0} µs, max {:.0} µs; a poll of \
             a row out of view {} B",
            key_bytes / 200,
            keys[keys.len() / 2],
            keys.last().copied().unwrap_or(0.0),
            unseen / 100
        );
    }
}
