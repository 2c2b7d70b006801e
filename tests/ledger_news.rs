//! Every till hears of every change on the shared ledger as it is committed (LISTEN/NOTIFY),
//! and reads everything again after its news connection was lost; two real consoles on two
//! tills show each other's payments.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/ledger.rs"]
mod ledger;
#[path = "support/pty.rs"]
mod pty;

use ledger::TestDb;
use lipa::engine::{Engine, EngineSettings};
use lipa::journal::{Change, Guard, Journal, Recorded};
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Payment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::ProviderKind;
use lipa::reference::Reference;
use lipa::sim::{self, SimConfig, demo};
use lipa::strings::Msg;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

fn sale(reference: &str) -> NewPayment {
    NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::parse(reference, ProviderKind::ClickPesa).expect("ref"),
        phone: Phone::parse("0712345670", Country::Tanzania).expect("phone"),
        amount: Money::parse("1500", Currency::Tzs).expect("amount"),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    }
}

fn set(j: &Journal, p: &Payment, to: Status) -> Payment {
    let change = Change {
        to,
        message: &Msg::Empty,
        provider_id: None,
        heard: true,
    };
    j.transition(p.id, p.status, &change)
        .expect("transition")
        .into_payment()
}

/// The next news of payment `id` in status `status`, within `limit`.
async fn heard(
    news: &mut broadcast::Receiver<std::sync::Arc<Payment>>,
    id: i64,
    status: Status,
    limit: Duration,
) {
    tokio::time::timeout(limit, async {
        loop {
            match news.recv().await {
                Ok(p) if p.id == id && p.status == status => return,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(e) => panic!("news ended: {e}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("payment {id} was not heard {status:?} within {limit:?}"));
}

/// A till that only listens: no provider, nothing of its own to follow.
fn listener(db: &TestDb) -> Engine {
    let journal = Arc::new(Journal::open_postgres(&db.url).expect("ledger"));
    let engine = Engine::new(journal, Vec::new(), EngineSettings::default());
    engine.follow_ledger();
    engine
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_by_another_till_is_heard_at_once() {
    let Some(db) = TestDb::create("news") else {
        return;
    };
    let here = listener(&db);
    let mut news = here.subscribe();
    let other = Journal::open_postgres(&db.url).expect("other till");
    // The listener may still be connecting: a first payment until it is heard.
    let first = tokio::task::spawn_blocking(move || {
        let Recorded::New(p) = other.record(&sale("NEWS1"), Guard::Off).expect("record") else {
            panic!("guard off")
        };
        (other, p)
    });
    let (other, p) = first.await.expect("recorded");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut p = p;
    let mut step = [Status::Sending, Status::Pending, Status::Attention].into_iter();
    loop {
        let Some(to) = step.next() else {
            panic!("never heard a change")
        };
        p = set(&other, &p, to);
        if tokio::time::timeout(
            Duration::from_secs(5),
            heard(&mut news, p.id, to, Duration::from_secs(5)),
        )
        .await
        .is_ok()
        {
            break;
        }
        assert!(std::time::Instant::now() < deadline);
    }
    let paid = set(&other, &p, Status::Paid);
    heard(&mut news, paid.id, Status::Paid, Duration::from_secs(5)).await;
}

/// The news connection is cut (the server ends it, as on a restart); a change made while it
/// is down is not announced to anyone, and is shown after the connection is back.
#[tokio::test(flavor = "multi_thread")]
async fn after_the_news_connection_is_lost_everything_is_read_again() {
    let Some(db) = TestDb::create("newslost") else {
        return;
    };
    let other = Journal::open_postgres(&db.url).expect("other till");
    let Recorded::New(p) = other.record(&sale("LOST1"), Guard::Off).expect("record") else {
        panic!("guard off")
    };
    let p = set(&other, &p, Status::Sending);
    let here = listener(&db);
    let mut news = here.subscribe();
    // Until its news connection is up (it LISTENs), then cut it.
    let listening = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lipa news'";
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while db.count(listening) == 0 {
        assert!(std::time::Instant::now() < deadline, "never listened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    db.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = 'lipa news'",
    )
    .expect("cut");
    let paid = set(&other, &p, Status::Paid);
    heard(&mut news, paid.id, Status::Paid, Duration::from_secs(20)).await;
}

/// Two real consoles, on two tills of one ledger: a payment pushed at one appears at the other,
/// and turns paid there too.
#[tokio::test(flavor = "multi_thread")]
async fn two_consoles_on_two_tills_see_each_other() {
    let Some(db) = TestDb::create("consoles") else {
        return;
    };
    let sim = sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(1500),
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let console = |till: &str, dir: &std::path::Path| {
        pty::Spawn::lipa()
            .envs(cli::demo_env(dir, &sim.clickpesa_base_url(), None))
            .env("LIPA_TILL", till)
            .env("LIPA_DATABASE_URL", &db.url)
            .env("LIPA_SCHEDULE_SCALE", "0.1")
            .size(100, 30)
            .start()
    };
    let (a_dir, b_dir) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let mut a = console("duka-a", a_dir.path());
    let b = console("duka-b", b_dir.path());
    let ready = |t: &str| t.contains("ClickPesa");
    a.wait_for("console a", Duration::from_secs(20), ready);
    b.wait_for("console b", Duration::from_secs(20), ready);
    a.send("0712345670");
    a.send("\t");
    a.send("1500");
    a.send("\r");
    let row = |t: &str, word: &str| {
        t.lines()
            .any(|l| l.contains("670") && l.contains("1,500") && l.to_lowercase().contains(word))
    };
    a.wait_for("the payment at a", Duration::from_secs(10), |t| {
        t.lines().any(|l| l.contains("670") && l.contains("1,500"))
    });
    b.wait_for("the payment at b", Duration::from_secs(5), |t| {
        t.lines().any(|l| l.contains("670") && l.contains("1,500"))
    });
    b.wait_for("paid at b", Duration::from_secs(30), |t| row(t, "paid"));
}
