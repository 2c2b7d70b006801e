//! Journals for the load benchmark, written directly with SQL: many payments waiting (in the
//! first schema, which every lipa reads: an older binary can be measured on the same file),
//! and a journal of a million payments.

use chrono::{DateTime, SecondsFormat, Utc};
use lipa::console::action::Action;
use lipa::console::app::{App, AppConfig, TODAY_PAGE};
use lipa::console::effect::Effect;
use lipa::console::update;
use lipa::console::view;
use lipa::journal::Journal;
use lipa::money::{Currency, Money};
use lipa::payment::{LookupKind, Payment, Status};
use lipa::provider::ProviderKind;
use lipa::reference::Reference;
use lipa::strings::{Lang, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;
use std::time::{Duration, Instant};

const FIRST_SCHEMA: &str = "CREATE TABLE payments (
        id INTEGER PRIMARY KEY AUTOINCREMENT, provider TEXT NOT NULL, reference TEXT NOT NULL,
        phone TEXT NOT NULL, amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
        currency TEXT NOT NULL, channel TEXT, email TEXT, name TEXT, status TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '', provider_id TEXT, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL, sent_at TEXT, polls INTEGER NOT NULL DEFAULT 0,
        checked INTEGER NOT NULL DEFAULT 0, UNIQUE (provider, reference));
    CREATE INDEX payments_status ON payments (status);
    CREATE INDEX payments_created ON payments (created_at);
    CREATE INDEX payments_phone ON payments (phone, amount_minor);
    CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT,
        payment_id INTEGER NOT NULL REFERENCES payments (id), at TEXT NOT NULL,
        status TEXT NOT NULL, message TEXT NOT NULL);
    CREATE INDEX events_payment ON events (payment_id);
    PRAGMA user_version = 1;";

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// `n` ClickPesa payments waiting for their customers, sent `ago`; as the simulator must
/// adopt them. Their numbers end in 0-5: customers who pay (when the simulator lets them).
pub fn waiting(dir: &Path, n: usize, ago: Duration) -> Vec<Payment> {
    let path = dir.join(lipa::journal::FILE_NAME);
    let mut c = rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("open: {e}"));
    c.execute_batch(&format!("PRAGMA journal_mode = WAL; {FIRST_SCHEMA}"))
        .unwrap_or_else(|e| panic!("schema: {e}"));
    let sent = Utc::now() - chrono::Duration::from_std(ago).unwrap_or_default();
    let tx = c.transaction().unwrap_or_else(|e| panic!("tx: {e}"));
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let reference = format!("LPLOAD{i:06}");
        let phone = format!("2557540{:04}{}", i / 6, i % 6);
        tx.execute(
            "INSERT INTO payments (provider, reference, phone, amount_minor, currency, status,
                 message, created_at, updated_at, sent_at, polls)
             VALUES ('clickpesa', ?1, ?2, 1500, 'TZS', 'pending', 'Prompt sent.', ?3, ?3, ?3, 0)",
            rusqlite::params![reference, phone, ts(sent)],
        )
        .unwrap_or_else(|e| panic!("insert: {e}"));
        out.push(payment(i as i64 + 1, &reference, &phone, sent));
    }
    tx.commit().unwrap_or_else(|e| panic!("commit: {e}"));
    out
}

fn payment(id: i64, reference: &str, phone: &str, sent: DateTime<Utc>) -> Payment {
    Payment {
        id,
        provider: ProviderKind::ClickPesa,
        reference: Reference::from_stored(reference.into()),
        phone: phone.into(),
        amount: Money::from_minor(1500, Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        status: Status::Pending,
        message: Msg::PromptSent,
        said: Msg::Empty,
        lookup: Some(LookupKind::Found),
        heard_at: Some(sent),
        provider_id: None,
        created_at: sent,
        updated_at: sent,
        sent_at: Some(sent),
        polls: 0,
        checked: false,
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

pub struct TodayFigures {
    pub open_ms: f64,
    pub down_ms: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A journal of 1,000,000 payments over 200 days, 5,000 of them today: how long today's list
/// takes to open, and each Down key through the console's update and view.
pub fn today_at_a_million() -> TodayFigures {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("dir: {e}"));
    let journal = Journal::open_in(dir.path()).unwrap_or_else(|e| panic!("open: {e}"));
    let start_of_day = Utc::now() - chrono::Duration::hours(2);
    {
        let mut c = rusqlite::Connection::open(journal.path()).unwrap_or_else(|e| panic!("{e}"));
        let tx = c.transaction().unwrap_or_else(|e| panic!("tx: {e}"));
        {
            let mut insert = tx
                .prepare(
                    "INSERT INTO payments (provider, reference, phone, amount_minor, currency,
                         status, message, created_at, updated_at, sent_at, polls)
                     VALUES ('clickpesa', ?1, ?2, ?3, 'TZS', ?4, '', ?5, ?5, ?5, 3)",
                )
                .unwrap_or_else(|e| panic!("prepare: {e}"));
            let total = 1_000_000usize;
            let today = 5_000usize;
            for i in 0..total {
                let at = if i >= total - today {
                    start_of_day + chrono::Duration::seconds((i - (total - today)) as i64)
                } else {
                    start_of_day - chrono::Duration::seconds(((total - i) * 17) as i64)
                };
                let status = ["paid", "paid", "paid", "failed"][i % 4];
                insert
                    .execute(rusqlite::params![
                        format!("LPM{i:09}"),
                        format!("2557540{:05}", i % 100_000),
                        1000 + (i % 500) as i64,
                        status,
                        ts(at)
                    ])
                    .unwrap_or_else(|e| panic!("insert: {e}"));
            }
        }
        tx.commit().unwrap_or_else(|e| panic!("commit: {e}"));
    }
    let mut opens = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let summary = journal
            .day_summary(start_of_day)
            .unwrap_or_else(|e| panic!("{e}"));
        let page = journal
            .day_page(start_of_day, 0, TODAY_PAGE)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((summary.count, page.len()), (5_000, TODAY_PAGE));
        opens.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let mut app = App::new(AppConfig {
        providers: vec![ProviderKind::ClickPesa],
        provider: None,
        demo: false,
        bell: false,
        no_color: false,
        now: Utc::now(),
        offset: chrono::FixedOffset::east_opt(3 * 3600).unwrap_or_else(|| panic!("offset")),
        operator: "bench".into(),
        lang: Lang::En,
        limits: Default::default(),
    });
    let mut terminal =
        Terminal::new(TestBackend::new(80, 24)).unwrap_or_else(|e| panic!("terminal: {e}"));
    let ctrl_t = KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL);
    let _ = update::update(&mut app, Action::Key(ctrl_t));
    let since = app.today.as_ref().map_or(start_of_day, |t| t.since);
    let load = (
        journal.day_summary(since).unwrap_or_else(|e| panic!("{e}")),
        journal
            .day_page(since, 0, TODAY_PAGE)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let _ = update::update(&mut app, Action::TodayLoaded(Ok(load)));
    let down = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
    let mut keys = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        for effect in update::update(&mut app, Action::Key(down)) {
            if let Effect::LoadTodayPage { since, first } = effect {
                let result = journal
                    .day_page(since, first, TODAY_PAGE)
                    .map_err(lipa::console::action::Trouble::from);
                let _ = update::update(&mut app, Action::TodayPage { first, result });
            }
        }
        terminal
            .draw(|f| view::draw(f, &app))
            .unwrap_or_else(|e| panic!("draw: {e}"));
        keys.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    TodayFigures {
        open_ms: median(opens),
        down_ms: median(keys),
    }
}
