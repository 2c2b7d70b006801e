//! The real console loop, headless: key events from a channel, bytes into a buffer read back by
//! a terminal emulator, a real engine and journal over a scripted provider.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/ledger.rs"]
mod ledger;

use async_trait::async_trait;
use chrono::FixedOffset;
use lipa::console::ConsoleOptions;
use lipa::console::runtime::{self, Session};
use lipa::engine::{Engine, EngineSettings};
use lipa::journal::{Change, Guard, Journal, Recorded};
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::{
    Charged, Lookup, Preview, PreviewMethod, Provider, ProviderError, ProviderKind, PushAccepted,
    PushRequest, RemoteState, RemoteStatus,
};
use lipa::reference::Reference;
use lipa::strings::Msg;
use lipa::tracker::Schedule;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Customers whose number ends in 6 cancel; everyone else pays. Every number is registered
/// to [`CUSTOMER`].
#[derive(Default)]
struct Customers {
    pushed: Mutex<HashMap<String, RemoteState>>,
}

const CUSTOMER: &str = "ASHA MWANGI";

#[async_trait]
impl Provider for Customers {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ClickPesa
    }

    async fn initiate(&self, r: &PushRequest) -> Result<PushAccepted, ProviderError> {
        let answer = if r.phone.last_digit() == 6 {
            RemoteState::Failed
        } else {
            RemoteState::Paid
        };
        let mut pushed = self.pushed.lock().map_err(|_| ProviderError::Unknown {
            message: "poisoned".into(),
        })?;
        pushed.insert(r.reference.as_str().to_string(), answer);
        Ok(PushAccepted {
            provider_id: None,
            message: "Prompt sent".into(),
            state: RemoteState::Pending,
        })
    }

    async fn query(&self, charged: &Charged) -> Result<Lookup, ProviderError> {
        let state = self
            .pushed
            .lock()
            .ok()
            .and_then(|p| p.get(charged.reference.as_str()).copied());
        Ok(match state {
            Some(state) => Lookup::Found(RemoteStatus {
                state,
                word: "DONE".into(),
                message: "Customer answered".into(),
                provider_id: None,
                channel: None,
                wallet_ref: None,
            }),
            None => Lookup::NotFound,
        })
    }

    async fn preview(&self, _: &PushRequest) -> Result<Option<Preview>, ProviderError> {
        Ok(Some(Preview {
            methods: vec![PreviewMethod {
                name: "M-PESA".into(),
                available: true,
                fee_minor: Some(0),
                message: "Payment method is available".into(),
            }],
            account_name: Some(CUSTOMER.into()),
            wallet: None,
        }))
    }
}

/// The screen's bytes, shared with the test.
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
    fn bytes(&self) -> Vec<u8> {
        self.0.lock().expect("screen").clone()
    }
    fn text(&self) -> String {
        let mut vt = vt100::Parser::new(24, 80, 0);
        vt.process(&self.bytes());
        vt.screen().contents()
    }
    async fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
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

fn engine(journal: Arc<Journal>) -> Engine {
    let ms = Duration::from_millis;
    let settings = EngineSettings {
        schedule: Schedule::new(vec![ms(150), ms(300), ms(600)], ms(3000), ms(50)),
        ..EngineSettings::default()
    };
    Engine::new(journal, vec![Arc::new(Customers::default())], settings)
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

async fn typ(tx: &mpsc::Sender<Event>, text: &str) {
    for c in text.chars() {
        tx.send(key(KeyCode::Char(c))).await.expect("console alive");
    }
}

fn start(
    engine: Engine,
) -> (
    mpsc::Sender<Event>,
    Screen,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    start_with(
        engine,
        ConsoleOptions {
            demo: true,
            bell: true,
            ..ConsoleOptions::default()
        },
    )
}

fn start_with(
    engine: Engine,
    options: ConsoleOptions,
) -> (
    mpsc::Sender<Event>,
    Screen,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let (tx, rx) = mpsc::channel(64);
    let screen = Screen::default();
    let session = Session {
        input: rx,
        output: screen.clone(),
        size: (80, 24),
        offset: FixedOffset::east_opt(3 * 3600).expect("offset"),
        notices: None,
    };
    let task = tokio::spawn(runtime::run(engine, options, session));
    (tx, screen, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_typed_at_the_keyboard_is_followed_until_paid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    let (tx, screen, task) = start(engine(journal.clone()));
    screen
        .wait_for("the form with a reference", |t| {
            t.contains("DEMO") && t.contains("Reference LP")
        })
        .await;
    // One keystroke costs only the cells it changes.
    let before = screen.bytes().len();
    typ(&tx, "0").await;
    screen
        .wait_for("the digit", |t| t.contains("Phone     0"))
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let cost = screen.bytes().len() - before;
    assert!(cost < 400, "the first keystroke cost {cost} bytes");
    let before = screen.bytes().len();
    typ(&tx, "7").await;
    screen
        .wait_for("the digit", |t| t.contains("Phone     07"))
        .await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let cost2 = screen.bytes().len() - before;
    assert!(cost2 < 200, "a keystroke cost {cost2} bytes");
    typ(&tx, "12345670").await;
    tx.send(key(KeyCode::Tab)).await.expect("alive");
    typ(&tx, "1500").await;
    tx.send(key(KeyCode::Enter)).await.expect("alive");
    let row = |t: &str, tail: &str, what: &str| {
        t.lines()
            .any(|l| l.contains(tail) && l.contains("1,500") && l.contains(what))
    };
    screen
        .wait_for("the paid row", |t| row(t, "670", "paid"))
        .await;
    assert!(screen.bytes().contains(&0x07), "the bell rang");
    assert_eq!(journal.all().expect("journal")[0].status, Status::Paid);

    // A cancelled one, typed while nothing waits.
    typ(&tx, "0712345676").await;
    tx.send(key(KeyCode::Tab)).await.expect("alive");
    typ(&tx, "1500").await;
    tx.send(key(KeyCode::Enter)).await.expect("alive");
    screen
        .wait_for("the failed row", |t| row(t, "676", "failed"))
        .await;

    // Settled and idle: not a byte goes out (finished rows leave only after a minute).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = screen.bytes().len();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(screen.bytes().len(), before, "idle console sent bytes");

    // Ctrl-C with nothing waiting quits at once; the payments stay in the journal.
    tx.send(Event::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )))
    .await
    .expect("alive");
    let ended = tokio::time::timeout(Duration::from_secs(5), task).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "console did not stop: {ended:?}"
    );
    assert_eq!(journal.all().expect("journal").len(), 2);
}

/// One process can serve many sessions: a session is a `Send` future over any `Send` writer.
#[test]
fn a_session_can_run_on_any_task() {
    fn is_send<T: Send>(_: &T) {}
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    let (_tx, rx) = mpsc::channel(1);
    let session = Session {
        input: rx,
        output: Vec::<u8>::new(),
        size: (80, 24),
        offset: FixedOffset::east_opt(0).expect("offset"),
        notices: None,
    };
    let fut = runtime::run(engine(journal), ConsoleOptions::default(), session);
    is_send(&fut);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unfinished_payments_are_shown_and_followed_again_at_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    let new = NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::from_stored("LPRESUME22".into()),
        phone: Phone::parse("0754000003", Country::Tanzania).expect("phone"),
        amount: Money::from_minor(2500, Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    };
    // Left behind by a console that stopped after the send: pending, never followed to the end.
    let engine = engine(journal.clone());
    let Recorded::New(p) = journal.record(&new, Guard::Off).expect("record") else {
        panic!("guard off");
    };
    fn step(to: Status, message: &Msg) -> Change<'_> {
        Change {
            to,
            message,
            provider_id: None,
            heard: true,
        }
    }
    journal
        .transition(p.id, Status::Recorded, &step(Status::Sending, &Msg::Empty))
        .expect("sending");
    journal
        .transition(
            p.id,
            Status::Sending,
            &step(Status::Pending, &Msg::PromptSent),
        )
        .expect("pending");
    let provider = engine.provider(ProviderKind::ClickPesa).expect("provider");
    let req = PushRequest {
        reference: new.reference.clone(),
        phone: new.phone.clone(),
        amount: new.amount,
        channel: None,
        email: None,
        name: None,
        prepared: None,
        callback: None,
    };
    provider.initiate(&req).await.expect("scripted push");
    let (tx, screen, task) = start(engine);
    screen
        .wait_for("the resumed payment, paid", |t| {
            t.lines()
                .any(|l| l.contains("003") && l.contains("2,500") && l.contains("paid"))
        })
        .await;
    drop(tx);
    let ended = tokio::time::timeout(Duration::from_secs(5), task).await;
    assert!(
        matches!(ended, Ok(Ok(Ok(())))),
        "closing the input ends the session"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customers_registered_name_shows_before_sending() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    let (tx, screen, task) = start(engine(journal.clone()));
    screen
        .wait_for("the form with a reference", |t| t.contains("Reference LP"))
        .await;
    typ(&tx, "0754123450").await;
    tx.send(key(KeyCode::Tab)).await.expect("alive");
    typ(&tx, "1500").await;
    let under_phone = |t: &str| {
        let mut lines = t.lines();
        lines.find(|l| l.contains("Phone"));
        lines.next().unwrap_or_default().to_string()
    };
    screen
        .wait_for("the name under the phone", |t| {
            under_phone(t).contains(&format!("✓ Vodacom M-Pesa · {CUSTOMER}"))
        })
        .await;
    assert!(
        journal.all().expect("journal").is_empty(),
        "a preview sends nothing"
    );
    tx.send(key(KeyCode::Enter)).await.expect("alive");
    screen
        .wait_for("the paid row, the form empty again", |t| {
            t.lines()
                .any(|l| l.contains("450") && l.contains("1,500") && l.contains("paid"))
                && !t.contains(CUSTOMER)
        })
        .await;
    drop(tx);
    let ended = tokio::time::timeout(Duration::from_secs(5), task).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
}

/// A console follows a payment; another process (`lipa sync`) settles it. The console shows
/// it paid at its next look at the journal — it used to go on showing *waiting*.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_settled_by_another_process_shows_here() {
    use lipa::config::{Config, Secret};
    use lipa::provider::clickpesa::ClickPesaSettings;
    use lipa::sim::{self, SimConfig, demo};
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
        providers: [(
            lipa::provider::ProviderKind::ClickPesa,
            ClickPesaSettings {
                base_url: sim.clickpesa_base_url(),
                client_id: demo::CLICKPESA_CLIENT_ID.into(),
                api_key: Secret::new(demo::CLICKPESA_API_KEY),
                checksum_key: Some(Secret::new(demo::CLICKPESA_CHECKSUM_KEY)),
            }
            .into(),
        )]
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
    // This console asks first 4 s after the send: long after the other process has settled it.
    let s = Duration::from_secs;
    let settings = EngineSettings {
        schedule: Schedule::new(vec![s(4), s(8)], s(30), Duration::from_millis(50)),
        ..EngineSettings::default()
    };
    let engine = lipa::setup::engine(&config, settings).expect("engine");
    let journal = engine.journal().clone();
    let (tx, screen, _task) = start(engine);
    screen
        .wait_for("the form", |t| t.contains("Reference LP"))
        .await;
    typ(&tx, "0712345670").await;
    tx.send(key(KeyCode::Tab)).await.expect("alive");
    typ(&tx, "1500").await;
    tx.send(key(KeyCode::Enter)).await.expect("alive");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !journal
        .all()
        .expect("rows")
        .iter()
        .any(|p| p.status == Status::Pending)
    {
        assert!(Instant::now() < deadline, "never sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let env = cli::demo_env(dir.path(), &sim.clickpesa_base_url(), None);
    let sync = tokio::task::spawn_blocking(move || {
        cli::command(env)
            .args(["sync", "--wait", "10", "--json"])
            .output()
            .expect("sync")
    })
    .await
    .expect("join");
    assert!(
        String::from_utf8_lossy(&sync.stdout).contains("\"paid\""),
        "{sync:?}"
    );
    let row = |t: &str| {
        t.lines()
            .any(|l| l.contains("670") && l.contains("1,500") && l.contains("paid"))
    };
    screen.wait_for("the row paid", row).await;
}

/// Types a payment to a paying customer and waits for its paid row.
async fn pay_paid(tx: &mpsc::Sender<Event>, screen: &Screen) {
    typ(tx, "0712345670").await;
    tx.send(key(KeyCode::Tab)).await.expect("alive");
    typ(tx, "1500").await;
    tx.send(key(KeyCode::Enter)).await.expect("alive");
    screen
        .wait_for("the paid row", |t| {
            t.lines().any(|l| l.contains("670") && l.contains("paid"))
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn p_in_a_paid_payments_detail_prints_its_receipt() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    let printer = std::net::TcpListener::bind("127.0.0.1:0").expect("printer");
    let port = printer.local_addr().expect("addr").port();
    let got = std::thread::spawn(move || {
        let (mut conn, _) = printer.accept().expect("accept");
        let mut bytes = Vec::new();
        conn.read_to_end(&mut bytes).expect("read");
        bytes
    });
    let options = ConsoleOptions {
        demo: true,
        receipt: lipa::config::ReceiptSettings {
            shop: Some("Duka".into()),
            width: Some(32),
            printer: Some(format!("tcp://127.0.0.1:{port}")),
        },
        ..ConsoleOptions::default()
    };
    let (tx, screen, _task) = start_with(engine(journal.clone()), options);
    screen
        .wait_for("the form with a reference", |t| t.contains("Reference LP"))
        .await;
    pay_paid(&tx, &screen).await;
    tx.send(Event::Key(KeyEvent::new(
        KeyCode::BackTab,
        KeyModifiers::SHIFT,
    )))
    .await
    .expect("alive");
    tx.send(key(KeyCode::Enter)).await.expect("alive");
    screen
        .wait_for("the detail offering print", |t| t.contains("print receipt"))
        .await;
    typ(&tx, "p").await;
    screen
        .wait_for("the printer's answer", |t| t.contains("Receipt printed."))
        .await;
    let bytes = got.join().expect("printer");
    let text = String::from_utf8_lossy(&bytes);
    assert!(
        text.contains("DEMO") && text.contains("TZS 1,500"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_day_is_closed_from_the_report_view_after_asking() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    let (tx, screen, _task) = start(engine(journal.clone()));
    screen
        .wait_for("the form with a reference", |t| t.contains("Reference LP"))
        .await;
    pay_paid(&tx, &screen).await;
    let ctrl = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    tx.send(ctrl('r')).await.expect("alive");
    screen
        .wait_for("today's report", |t| {
            t.contains("not closed") && t.contains("TZS 1,500")
        })
        .await;
    typ(&tx, "z").await;
    screen
        .wait_for("the question", |t| {
            t.contains("Close") && t.contains("never changed")
        })
        .await;
    typ(&tx, "y").await;
    screen
        .wait_for("the Z report", |t| {
            t.contains("Day closed: Z #1") && t.contains("Z #1, closed")
        })
        .await;
    assert!(
        journal
            .closing(
                &chrono::Utc::now()
                    .with_timezone(&FixedOffset::east_opt(3 * 3600).expect("offset"))
                    .format("%Y-%m-%d")
                    .to_string(),
                &lipa::till::till_name()
            )
            .expect("read")
            .is_some()
    );
    // Closed once: z again says so.
    typ(&tx, "z").await;
    screen
        .wait_for("already closed", |t| t.contains("closed already"))
        .await;
}

/// A closed day's report says, as `lipa report` does, that payments taken after the close are
/// in no Z report; and `z` is no longer offered for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_days_report_names_what_came_after_the_close() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    let (tx, screen, _task) = start(engine(journal.clone()));
    screen
        .wait_for("the form with a reference", |t| t.contains("Reference LP"))
        .await;
    pay_paid(&tx, &screen).await;
    let ctrl = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    tx.send(ctrl('r')).await.expect("alive");
    screen
        .wait_for("today's report, z offered", |t| {
            t.contains("not closed") && t.contains("z close the day")
        })
        .await;
    typ(&tx, "zy").await;
    screen
        .wait_for("the Z report, z no longer offered", |t| {
            t.contains("Z #1, closed") && !t.contains("z close the day")
        })
        .await;
    // Another sale after the close.
    tx.send(key(KeyCode::Esc)).await.expect("alive");
    typ(&tx, "0712345671").await;
    tx.send(key(KeyCode::Tab)).await.expect("alive");
    typ(&tx, "2000").await;
    tx.send(key(KeyCode::Enter)).await.expect("alive");
    screen
        .wait_for("the second paid row", |t| {
            t.lines().any(|l| l.contains("671") && l.contains("paid"))
        })
        .await;
    tx.send(ctrl('r')).await.expect("alive");
    screen
        .wait_for("the closed day, and what came after it", |t| {
            t.contains("Z #1, closed")
                && t.contains("1 payment of this day came after it was closed")
                && !t.contains("z close the day")
        })
        .await;
}

/// What a cashier expects of a restart: the open payments, and those that finished while no
/// console watched (until cleared); never a payment they cleared off the list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cleared_payment_never_comes_back_after_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    cleared_stays_cleared(journal, false).await;
}

/// On a chain's ledger too: the console that starts reads the ledger's last day again (its
/// news), and that brought back every payment the cashier had cleared (a tester, twice).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cleared_payment_never_comes_back_on_a_chain() {
    let Some(db) = ledger::TestDb::create("clearedchain") else {
        return;
    };
    let journal = Arc::new(Journal::open_postgres(&db.url).expect("ledger"));
    cleared_stays_cleared(journal, true).await;
}

fn paid_elsewhere(journal: &Journal, reference: &str, phone: &str) {
    let new = NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::from_stored(reference.into()),
        phone: Phone::parse(phone, Country::Tanzania).expect("phone"),
        amount: Money::from_minor(2500, Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: String::new(),
    };
    let Recorded::New(p) = journal.record(&new, Guard::Off).expect("record") else {
        panic!("guard off");
    };
    for (from, to) in [
        (Status::Recorded, Status::Sending),
        (Status::Sending, Status::Pending),
        (Status::Pending, Status::Paid),
    ] {
        let change = Change {
            to,
            message: &Msg::Empty,
            provider_id: None,
            heard: true,
        };
        journal.transition(p.id, from, &change).expect("step");
    }
}

async fn cleared_stays_cleared(journal: Arc<Journal>, chain: bool) {
    let first = engine(journal.clone());
    if chain {
        first.follow_ledger();
    }
    let (tx, screen, task) = start(first);
    screen
        .wait_for("the form with a reference", |t| t.contains("Reference LP"))
        .await;
    pay_paid(&tx, &screen).await;
    let ctrl = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    tx.send(ctrl('x')).await.expect("alive");
    screen
        .wait_for("the row cleared", |t| {
            t.contains("cleared from the list") && !t.lines().any(|l| l.contains("670"))
        })
        .await;
    // Quit at once: the clearing is kept before the console goes.
    tx.send(ctrl('c')).await.expect("alive");
    let ended = tokio::time::timeout(Duration::from_secs(10), task).await;
    assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
    let since = chrono::Utc::now() - chrono::Duration::minutes(10);
    let left = journal.recently_done(since, None, "", 20).expect("read");
    assert!(left.is_empty(), "the clearing was not kept: {left:?}");

    // While no console runs, another payment is paid (another process followed it).
    paid_elsewhere(&journal, "LPMEANWHILE1", "0754000003");

    let again = engine(journal.clone());
    if chain {
        again.follow_ledger();
    }
    let (_tx, screen, _task) = start(again);
    screen
        .wait_for("the payment paid meanwhile", |t| {
            t.lines()
                .any(|l| l.contains("003") && l.contains("2,500") && l.contains("paid"))
        })
        .await;
    if chain {
        // News of a later payment is read after the ledger's last day was read again.
        paid_elsewhere(&journal, "LPAFTERWARDS1", "0754000004");
        screen
            .wait_for("news of a payment of another till", |t| {
                t.lines().any(|l| l.contains("004") && l.contains("paid"))
            })
            .await;
    }
    let text = screen.text();
    assert!(
        !text.lines().any(|l| l.contains("670")),
        "a cleared payment came back:\n{text}"
    );
}

/// An error of the journal reaches a Swahili cashier in Swahili: the console carries the error
/// itself to where it is worded (it turned it into English first: "daftari … journal: …").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_error_is_worded_in_the_consoles_language() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(
        Journal::open_with(
            &dir.path().join("journal.sqlite3"),
            Duration::from_millis(200),
        )
        .expect("journal"),
    );
    let options = ConsoleOptions {
        demo: true,
        lang: lipa::strings::Lang::Sw,
        ..ConsoleOptions::default()
    };
    let (tx, screen, _task) = start_with(engine(journal.clone()), options);
    screen
        .wait_for("the form with a reference", |t| t.contains("Kumbukumbu LP"))
        .await;
    // Another process holds the journal's write lock: closing the day cannot be written.
    let other = rusqlite::Connection::open(dir.path().join("journal.sqlite3")).expect("open");
    other.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let ctrl = |c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    tx.send(ctrl('r')).await.expect("alive");
    // `z` asks only once the day's figures are read ("haijafungwa": not closed yet).
    screen
        .wait_for("today's report, read", |t| t.contains("haijafungwa"))
        .await;
    typ(&tx, "zy").await;
    screen
        .wait_for("the error, in Swahili", |t| {
            t.contains("daftari: database is locked")
        })
        .await;
    let text = screen.text();
    assert!(!text.contains("journal:"), "{text}");
    other.execute_batch("ROLLBACK").expect("unlock");
}

/// A callback that named no payment lipa holds is shown for a person on the today screen
/// (Ctrl-T), read from the journal where the receiver kept it; it moves no payment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_naming_no_payment_are_shown_on_the_today_screen() {
    use lipa::journal::hooks::NewHook;
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    journal
        .record_hook(&NewHook {
            provider: ProviderKind::ClickPesa,
            source: "41.59.8.20".into(),
            checked: "refused".into(),
            named: "reference LPNOSUCHSALE1".into(),
            payment_id: None,
            outcome: "unmatched".into(),
            body: "{}".into(),
            message: Msg::HookHeard {
                provider: ProviderKind::ClickPesa,
                check: "refused".into(),
                from: "41.59.8.20".into(),
            },
        })
        .expect("kept");
    let (tx, screen, _task) = start(engine(journal));
    screen
        .wait_for("the form", |t| t.contains("Reference LP"))
        .await;
    tx.send(Event::Key(KeyEvent::new(
        KeyCode::Char('t'),
        KeyModifiers::CONTROL,
    )))
    .await
    .expect("alive");
    screen
        .wait_for("the callback kept for a person", |t| {
            t.contains("1 callback today named no payment") && t.contains("LPNOSUCHSALE1")
        })
        .await;
}

/// A screen that counts its frames (each drawn frame is flushed once).
#[derive(Clone, Default)]
struct Frames(Arc<std::sync::atomic::AtomicUsize>);

impl Write for Frames {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }
}

/// News alone is drawn at most ten times a second: a burst of changes (a supervisor's screen
/// while payments pass their deadline) is merged into a few frames, not one frame each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_news_is_merged_into_few_frames() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    let engine = engine(journal.clone());
    let frames = Frames::default();
    let (tx, rx) = mpsc::channel(64);
    let session = Session {
        input: rx,
        output: frames.clone(),
        size: (80, 24),
        offset: FixedOffset::east_opt(3 * 3600).expect("offset"),
        notices: None,
    };
    let task = tokio::spawn(runtime::run(
        engine.clone(),
        ConsoleOptions {
            demo: true,
            ..ConsoleOptions::default()
        },
        session,
    ));
    let count = || frames.0.load(std::sync::atomic::Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(10);
    while count() == 0 {
        assert!(Instant::now() < deadline, "no first frame");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (before, started) = (count(), Instant::now());
    let mut ids = Vec::new();
    for i in 0..40 {
        let new = NewPayment {
            provider: ProviderKind::ClickPesa,
            reference: Reference::from_stored(format!("LPBURST{i:03}")),
            phone: Phone::parse(&format!("07540001{i:02}"), Country::Tanzania).expect("phone"),
            amount: Money::from_minor(1000 + i, Currency::Tzs),
            channel: None,
            email: None,
            name: None,
            replaces: None,
            operator: "rehema".into(),
        };
        let s = engine
            .submit(
                new,
                lipa::engine::SendGuard::Force,
                &lipa::engine::Rights::all(),
            )
            .await
            .expect("submit");
        ids.push(s.payment.id);
    }
    for id in ids {
        engine
            .wait_settled(id, Duration::from_secs(20))
            .await
            .expect("settled");
    }
    let (drawn, took) = (count() - before, started.elapsed());
    // Ten a second for news, one a second for the clock, and a few for the edges.
    let most = took.as_millis() / 100 + took.as_secs() as u128 + 5;
    assert!(
        drawn as u128 <= most,
        "{drawn} frames for 160 changes in {took:?} (at most {most})"
    );
    drop(tx);
    let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
}
