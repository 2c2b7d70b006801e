//! An operator's rights are read at the moment of every send, whatever path sends: the form,
//! the duplicate question's yes, sending a failed payment again. Once through the console's
//! real loop with the rights changed between the first send and the next, once through
//! `lipa serve` and the OpenSSH client with the operators file changed between them.

#[path = "support/pty.rs"]
mod pty;
#[path = "support/ssh.rs"]
mod ssh;

use chrono::FixedOffset;
use lipa::config::{Config, Secret};
use lipa::console::ConsoleOptions;
use lipa::console::runtime::{self, Session};
use lipa::engine::{EngineSettings, Rights, RightsNow, RightsSource};
use lipa::money::Ceiling;
use lipa::payment::{Payment, Status};
use lipa::provider::ProviderKind;
use lipa::provider::cepta::CeptaSettings;
use lipa::provider::clickpesa::ClickPesaSettings;
use lipa::sim::{self, SimConfig, demo};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const COLS: u16 = 120;
const ROWS: u16 = 30;

/// Rights a test changes while the console runs (as an edited operators file would).
#[derive(Clone)]
struct Changing(Arc<Mutex<Rights>>);

impl RightsNow for Changing {
    fn rights(&self) -> Rights {
        self.0.lock().expect("rights").clone()
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
        let mut vt = vt100::Parser::new(ROWS, COLS, 0);
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

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

async fn typ(tx: &mpsc::Sender<Event>, text: &str) {
    for c in text.chars() {
        tx.send(key(KeyCode::Char(c))).await.expect("console alive");
    }
}

async fn press(tx: &mpsc::Sender<Event>, code: KeyCode, mods: KeyModifiers) {
    tx.send(Event::Key(KeyEvent::new(code, mods)))
        .await
        .expect("console alive");
}

/// Types a payment into the form and sends it.
async fn pay(tx: &mpsc::Sender<Event>, phone: &str, amount: &str) {
    typ(tx, phone).await;
    press(tx, KeyCode::Tab, KeyModifiers::NONE).await;
    typ(tx, amount).await;
    press(tx, KeyCode::Enter, KeyModifiers::NONE).await;
}

async fn wait_journal(
    journal: &lipa::journal::Journal,
    what: &str,
    ok: impl Fn(&[Payment]) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let all = journal.all().expect("journal");
        if ok(&all) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {all:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_path_that_sends_meets_the_rights_as_they_stand_at_that_moment() {
    let sim = sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(200),
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = Config {
        providers: [
            (
                lipa::provider::ProviderKind::ClickPesa,
                ClickPesaSettings {
                    base_url: sim.clickpesa_base_url(),
                    client_id: demo::CLICKPESA_CLIENT_ID.into(),
                    api_key: Secret::new(demo::CLICKPESA_API_KEY),
                    checksum_key: Some(Secret::new(demo::CLICKPESA_CHECKSUM_KEY)),
                }
                .into(),
            ),
            (
                lipa::provider::ProviderKind::Cepta,
                CeptaSettings {
                    base_url: sim.cepta_base_url(),
                    public_key: demo::CEPTA_PUBLIC_KEY.into(),
                    secret_key: Secret::new(demo::CEPTA_SECRET_KEY),
                    email: demo::CEPTA_EMAIL.into(),
                }
                .into(),
            ),
        ]
        .into(),
        data_dir: dir.path().to_path_buf(),
        bell: false,
        start_provider: None,
        file: None,
        problems: Vec::new(),
        schedule_scale: None,
        serve: Default::default(),
        timezone: None,
        receipt: Default::default(),
        till: None,
        database_url: None,
        language: None,
        operator: None,
    };
    let engine = lipa::setup::engine(&config, EngineSettings::scaled(0.02)).expect("engine");
    let journal = engine.journal().clone();
    let rights = Changing(Arc::new(Mutex::new(Rights::all())));
    let options = ConsoleOptions {
        operator: "rehema".into(),
        rights: RightsSource::new(rights.clone()),
        ..ConsoleOptions::default()
    };
    let (tx, rx) = mpsc::channel(64);
    let screen = Screen::default();
    let session = Session {
        input: rx,
        output: screen.clone(),
        size: (COLS, ROWS),
        offset: FixedOffset::east_opt(3 * 3600).expect("offset"),
        notices: None,
    };
    let _task = tokio::spawn(runtime::run(engine, options, session));
    screen
        .wait_for("the form", |t| t.contains("Reference LP"))
        .await;

    // Allowed everything: a ClickPesa and a Cepta payment the customer cancels, and a paid one.
    pay(&tx, "0712345676", "400000").await;
    wait_journal(&journal, "the ClickPesa one failed", |all| {
        all.len() == 1 && all[0].status == Status::Failed
    })
    .await;
    press(&tx, KeyCode::Char('p'), KeyModifiers::CONTROL).await;
    screen.wait_for("Cepta", |t| t.contains("KES")).await;
    pay(&tx, "0712345676", "500").await;
    wait_journal(&journal, "the Cepta one failed", |all| {
        all.len() == 2 && all.iter().all(|p| p.status == Status::Failed)
    })
    .await;
    press(&tx, KeyCode::Char('p'), KeyModifiers::CONTROL).await;
    screen.wait_for("ClickPesa", |t| t.contains("TZS")).await;
    pay(&tx, "0712345670", "400000").await;
    wait_journal(&journal, "the third paid", |all| {
        all.len() == 3 && all.iter().any(|p| p.status == Status::Paid)
    })
    .await;
    screen
        .wait_for("three rows", |t| t.matches("••• 67").count() >= 3)
        .await;

    // The operators file now says: ClickPesa only, at most TZS 1,000.
    *rights.0.lock().expect("rights") = Rights::Granted {
        providers: Some(vec![ProviderKind::ClickPesa]),
        max_amount: Ceiling::parse("1000").expect("ceiling"),
    };

    // Send again, the failed Cepta one (the second newest row): refused, nothing recorded.
    press(&tx, KeyCode::BackTab, KeyModifiers::SHIFT).await;
    press(&tx, KeyCode::Down, KeyModifiers::NONE).await;
    typ(&tx, "s").await;
    screen
        .wait_for("the send-again question", |t| t.contains("KES 500"))
        .await;
    typ(&tx, "y").await;
    screen
        .wait_for("Cepta refused", |t| {
            t.contains("Not sent: you may not send Cepta payments.")
        })
        .await;
    // Send again, the failed TZS 400,000: refused.
    press(&tx, KeyCode::Down, KeyModifiers::NONE).await;
    typ(&tx, "s").await;
    typ(&tx, "y").await;
    screen
        .wait_for("the amount refused", |t| {
            t.contains("Not sent: TZS 400,000 is over your limit of TZS 1,000 per payment.")
        })
        .await;

    // The form: the same phone and amount as the paid one asks first; yes is refused too.
    press(&tx, KeyCode::Tab, KeyModifiers::NONE).await;
    press(&tx, KeyCode::Esc, KeyModifiers::NONE).await;
    screen
        .wait_for("the message closed", |t| !t.contains("Not sent"))
        .await;
    pay(&tx, "0712345670", "400000").await;
    screen
        .wait_for("the duplicate question", |t| {
            t.contains("Same payment again?")
        })
        .await;
    typ(&tx, "y").await;
    screen
        .wait_for("refused after yes", |t| {
            t.contains("Not sent: TZS 400,000 is over your limit of TZS 1,000 per payment.")
                && !t.contains("Same payment again?")
        })
        .await;

    // Nothing more reached the journal: three payments, none sent again.
    let all = journal.all().expect("journal");
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all.iter().all(|p| p.replaces.is_none()), "{all:?}");

    // The rights as they stand decide the other way too: allowed again, the form's payment
    // (back in the form after the refusal) goes after the same question.
    *rights.0.lock().expect("rights") = Rights::all();
    press(&tx, KeyCode::Enter, KeyModifiers::NONE).await;
    screen
        .wait_for("the duplicate question again", |t| {
            t.contains("Same payment again?")
        })
        .await;
    typ(&tx, "y").await;
    wait_journal(&journal, "the fourth payment", |all| all.len() == 4).await;
}

/// The tester's case over SSH: an agent's failed payments sent again after the operators file
/// lowered their limit and took Cepta away. Both are refused, with the reason; nothing is
/// recorded or sent.
#[test]
fn send_again_over_ssh_follows_the_operators_file_as_it_stands() {
    if ssh::skip() {
        return;
    }
    let t = Duration::from_secs(40);
    let shop = ssh::Shop::new(Duration::from_millis(300));
    let (key, line) = shop.operator("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);
    let console = || {
        let mut args = vec!["-tt".to_string()];
        args.extend(server.ssh_args(Some(&key), "rehema"));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let pty = pty::Spawn::new("ssh")
            .args(&refs)
            .env("TERM", "xterm-256color")
            .size(COLS, ROWS)
            .start();
        pty.wait_for("the console", t, |s| s.contains("Next payment"));
        pty
    };
    let mut agent = console();
    agent.send("0712345676\t400000\r");
    agent.wait_for("the ClickPesa one failed", t, |s| {
        s.contains("400,000") && s.contains("failed")
    });
    agent.send("\x10");
    agent.wait_for("Cepta", t, |s| s.contains("KES"));
    agent.send("0712345676\t500\r");
    agent.wait_for("the Cepta one failed", t, |s| {
        s.contains("KES 500") && s.matches("failed").count() >= 2
    });
    // The file now says: ClickPesa only, at most 1,000. The session ends; the agent logs in
    // again and finds both failed payments on the first screen.
    let lowered = line.replace(
        "role=\"agent\"",
        "role=\"agent\",providers=\"clickpesa\",max_amount=\"1000\"",
    );
    shop.write_operators(&[&lowered]);
    agent.wait_for("the session ended", t, |s| {
        s.contains("line in the operators list changed")
    });
    let mut agent = console();
    agent.wait_for("both failed payments", t, |s| {
        s.contains("KES 500") && s.contains("400,000")
    });
    // The list starts at the newest: the Cepta one.
    agent.send("\x1b[Z");
    agent.send("s");
    agent.wait_for("the question", t, |s| s.contains("Send again?"));
    agent.send("y");
    agent.wait_for("Cepta refused", t, |s| {
        s.contains("Not sent: you may not send Cepta payments.")
    });
    agent.send("\x1b[B");
    agent.send("s");
    agent.wait_for("the question", t, |s| s.contains("Send again?"));
    agent.send("y");
    agent.wait_for("the amount refused", t, |s| {
        s.contains("Not sent: TZS 400,000 is over your limit of TZS 1,000 per payment.")
    });
    let out = shop.lipa(&["history", "--json"]);
    let rows: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(rows.len(), 2, "sent again: {rows:?}");
}
