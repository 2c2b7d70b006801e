//! Two consoles (two tills) mark one payment checked: the first is marked, the second is told
//! who checked it and when, and that its note was not saved. Before, both said "Marked as
//! checked." and the second note vanished. On both backends, through the consoles' real loop.

#[path = "support/ledger.rs"]
mod ledger;

use async_trait::async_trait;
use chrono::FixedOffset;
use ledger::backends;
use lipa::console::ConsoleOptions;
use lipa::console::runtime::{self, Session};
use lipa::engine::{Engine, EngineSettings};
use lipa::journal::{Change, Guard, Journal, Recorded};
use lipa::money::{Currency, Money};
use lipa::payment::{EventKind, NewPayment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::{
    Charged, Lookup, Provider, ProviderError, ProviderKind, PushAccepted, PushRequest,
};
use lipa::reference::Reference;
use lipa::strings::Msg;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A provider that never answers usefully: the payment stays as the test made it.
struct Silent;

#[async_trait]
impl Provider for Silent {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ClickPesa
    }
    async fn initiate(&self, _: &PushRequest) -> Result<PushAccepted, ProviderError> {
        Err(ProviderError::Unknown {
            message: "silent".into(),
        })
    }
    async fn query(&self, _: &Charged) -> Result<Lookup, ProviderError> {
        Err(ProviderError::Unknown {
            message: "silent".into(),
        })
    }
}

#[derive(Clone, Default)]
struct Screen(Arc<Mutex<Vec<u8>>>);

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Screen {
    fn text(&self) -> String {
        let mut vt = vt100::Parser::new(30, 140, 0);
        vt.process(&self.0.lock().expect("screen"));
        vt.screen().contents()
    }
    async fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let text = self.text();
            if ok(&text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// A supervisor's console on its own till's engine: keys in, the screen.
fn console(journal: Journal, who: &str) -> (mpsc::Sender<Event>, Screen) {
    let engine = Engine::new(
        Arc::new(journal),
        vec![Arc::new(Silent)],
        EngineSettings::default(),
    );
    engine.follow_ledger();
    let (tx, rx) = mpsc::channel(64);
    let screen = Screen::default();
    let session = Session {
        input: rx,
        output: screen.clone(),
        size: (140, 30),
        offset: FixedOffset::east_opt(3 * 3600).expect("offset"),
        notices: None,
    };
    let options = ConsoleOptions {
        operator: who.into(),
        ..ConsoleOptions::default()
    };
    tokio::spawn(runtime::run(engine, options, session));
    (tx, screen)
}

async fn keys(tx: &mpsc::Sender<Event>, codes: &[KeyCode]) {
    for code in codes {
        let mods = if *code == KeyCode::BackTab {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        tx.send(Event::Key(KeyEvent::new(*code, mods)))
            .await
            .expect("console alive");
    }
}

async fn typ(tx: &mpsc::Sender<Event>, text: &str) {
    let codes: Vec<KeyCode> = text.chars().map(KeyCode::Char).collect();
    keys(tx, &codes).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_console_to_mark_a_payment_checked_is_told_who_did_first() {
    for b in backends("checktwice") {
        let j = b.open();
        let p = tokio::task::spawn_blocking(move || {
            let new = NewPayment {
                provider: ProviderKind::ClickPesa,
                reference: Reference::parse("LPCHECK2X", ProviderKind::ClickPesa).expect("ref"),
                phone: Phone::parse("0712345678", Country::Tanzania).expect("phone"),
                amount: Money::parse("1500", Currency::Tzs).expect("amount"),
                channel: None,
                email: None,
                name: None,
                replaces: None,
                operator: "rehema".into(),
            };
            let Recorded::New(mut p) = j.record(&new, Guard::Off).expect("record") else {
                panic!("guard off");
            };
            for to in [Status::Sending, Status::Pending, Status::Attention] {
                let change = Change {
                    to,
                    message: &Msg::Empty,
                    provider_id: None,
                    heard: true,
                };
                p = j
                    .transition(p.id, p.status, &change)
                    .expect("transition")
                    .into_payment();
            }
            p
        })
        .await
        .expect("setup");
        let (a, screen_a) = console(b.open(), "amina");
        let (c, screen_c) = console(b.open(), "juma");
        // Both open the question on the payment that needs a person.
        for (tx, screen) in [(&a, &screen_a), (&c, &screen_c)] {
            screen
                .wait_for("the payment", |t| t.contains("••• 678"))
                .await;
            keys(tx, &[KeyCode::BackTab, KeyCode::Char('c')]).await;
            screen
                .wait_for("the question", |t| t.contains("Note (optional)"))
                .await;
        }
        typ(&a, "called the customer").await;
        keys(&a, &[KeyCode::Enter]).await;
        screen_a
            .wait_for("marked", |t| t.contains("Marked as checked."))
            .await;
        // The second, its question still open, answers after the first.
        typ(&c, "saw it on the dashboard").await;
        keys(&c, &[KeyCode::Enter]).await;
        screen_c
            .wait_for("who checked it first", |t| {
                t.contains("Already checked by amina at ")
                    && t.contains("your note was not saved (\"saw it on the dashboard\").")
            })
            .await;
        assert!(
            !screen_c.text().contains("Marked as checked."),
            "{}: the second console said it marked it",
            b.name()
        );
        let j = b.open();
        let id = p.id;
        let (now, events) = tokio::task::spawn_blocking(move || {
            (
                j.get(id).expect("get").expect("payment"),
                j.events(id).expect("events"),
            )
        })
        .await
        .expect("read");
        assert_eq!(now.checked_by.as_deref(), Some("amina"), "{}", b.name());
        assert_eq!(
            now.check_note.as_deref(),
            Some("called the customer"),
            "{}",
            b.name()
        );
        let checks = events.iter().filter(|e| e.kind == EventKind::Check).count();
        assert_eq!(checks, 1, "{}: {events:?}", b.name());
    }
}
