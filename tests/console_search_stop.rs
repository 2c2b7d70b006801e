//! The console's search as you type, through the real console loop and journal: a key typed
//! while the journal is busy supersedes the searches of the shorter lines, which stop without
//! reading anything; only the newest line's search runs, and its payments show.

use async_trait::async_trait;
use chrono::FixedOffset;
use lipa::console::ConsoleOptions;
use lipa::console::runtime::{self, Session};
use lipa::engine::{Engine, EngineSettings};
use lipa::journal::Journal;
use lipa::provider::{
    Charged, Lookup, Provider, ProviderError, ProviderKind, PushAccepted, PushRequest,
};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// A provider no payment is sent to here (the console needs one to open).
struct Idle;

#[async_trait]
impl Provider for Idle {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ClickPesa
    }
    async fn initiate(&self, _: &PushRequest) -> Result<PushAccepted, ProviderError> {
        Err(ProviderError::Unknown {
            message: "not in this test".into(),
        })
    }
    async fn query(&self, _: &Charged) -> Result<Lookup, ProviderError> {
        Ok(Lookup::NotFound)
    }
}

/// The screen's bytes, read back through a terminal emulator.
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
        let mut vt = vt100::Parser::new(24, 80, 0);
        vt.process(&self.0.lock().expect("screen"));
        vt.screen().contents()
    }
}

/// Waits, up to a deadline, until `ok` holds.
async fn until(what: &str, ok: impl Fn() -> bool, screen: &Screen) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !ok() {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}:\n{}",
            screen.text()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_key_stops_the_search_it_supersedes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("journal.sqlite3");
    drop(Journal::open(&path).expect("journal"));
    // 300 payments; those whose number holds 712 have references that say so.
    let values: Vec<String> = (0..300)
        .map(|i| {
            let phone = if i % 10 == 0 {
                format!("255712{:06}", i)
            } else {
                format!("2556{:08}", i * 7919 % 100_000_000)
            };
            let reference = if phone.contains("712") {
                format!("HIT{i}")
            } else {
                format!("MISS{i}")
            };
            format!(
                "('clickpesa', '{reference}', '{phone}', 150000, 'TZS', 'paid',
                  '2026-01-01T10:00:00.000000Z', '2026-01-01T10:00:00.000000Z')"
            )
        })
        .collect();
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(&format!(
        "INSERT INTO payments (provider, reference, phone, amount_minor, currency, status,
             created_at, updated_at) VALUES {};",
        values.join(",")
    ))
    .expect("payments");
    drop(conn);
    let journal = Arc::new(Journal::open(&path).expect("journal"));
    let engine = Engine::new(
        journal.clone(),
        vec![Arc::new(Idle)],
        EngineSettings::default(),
    );

    let (tx, rx) = mpsc::channel(64);
    let screen = Screen::default();
    let session = Session {
        input: rx,
        output: screen.clone(),
        size: (80, 24),
        offset: FixedOffset::east_opt(3 * 3600).expect("offset"),
        notices: None,
    };
    let options = ConsoleOptions {
        demo: true,
        ..ConsoleOptions::default()
    };
    let _console = tokio::spawn(runtime::run(engine.clone(), options, session));

    // The journal's thread is busy (held by the test) while the cashier types.
    let (held, is_held) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let hold = tokio::spawn({
        let engine = engine.clone();
        async move {
            engine
                .read(move |_| {
                    let _ = held.send(());
                    let _ = released.recv_timeout(Duration::from_secs(60));
                    Ok(())
                })
                .await
        }
    });
    tokio::task::spawn_blocking(move || is_held.recv_timeout(Duration::from_secs(20)))
        .await
        .expect("holder")
        .expect("the journal's thread held");
    tx.send(key(KeyCode::Char('f'), KeyModifiers::CONTROL))
        .await
        .expect("console alive");
    for c in "712".chars() {
        tx.send(key(KeyCode::Char(c), KeyModifiers::NONE))
            .await
            .expect("console alive");
    }
    // The line is drawn after its key's search was asked for: every shorter line's search is
    // superseded now.
    until(
        "the line typed",
        || screen.text().contains("› 712"),
        &screen,
    )
    .await;
    assert_eq!(journal.search_counts(), (0, 0), "nothing searched yet");
    release.send(()).expect("holder waits");
    hold.await.expect("holder").expect("held");

    until(
        "the newest line's payments",
        || screen.text().contains("HIT"),
        &screen,
    )
    .await;
    until(
        "every search asked for answered or stopped",
        || {
            let (finished, stopped) = journal.search_counts();
            finished + stopped >= 4
        },
        &screen,
    )
    .await;
    // Ctrl-F's empty line, `7` and `71` stopped; `712` ran, and only its payments show.
    assert_eq!(journal.search_counts(), (1, 3));
    let text = screen.text();
    assert!(!text.contains("MISS"), "{text}");
}
