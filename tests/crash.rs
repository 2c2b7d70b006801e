//! Crash and restart, each test named after the moment it stops `lipa`: before the send, as it
//! begins, during it, while waiting for the customer, during `lipa sync`'s query, and the console
//! killed, stopped by SIGTERM / SIGHUP, or left by a dropped session. The real binary runs against an in-process simulator; every test
//! ends with the journal's integrity check and the journal compared with the simulator's ledger
//! (each push received is one journal row, sent once, settled the same way).
//!
//! Timing is made deterministic with the simulator, never with sleeps: a slow-answer fault holds
//! a request in flight while the process is killed, and a later `lipa sync` runs only once the
//! simulator's customer has answered, so its first question gets the final answer.

#[path = "support/cli.rs"]
mod cli;
#[path = "crash/pty.rs"]
mod pty;
#[path = "crash/support.rs"]
mod support;

use chrono::Utc;
use cli::push_args;
use lipa::journal::{Change, Guard, Journal, Recorded};
use lipa::money::Money;
use lipa::payment::{NewPayment, Payment, Status};
use lipa::phone::Phone;
use lipa::provider::ProviderKind;
use lipa::reference::Reference;
use lipa::strings::Msg;
use pty::{Console, ends_restored, left_on, row_with};
use std::time::Duration;
use support::{CEPTA_QUERY, Providers, Till, kill_9, signal, wait_until};

const SECOND: Duration = Duration::from_secs(1);
/// Longer than any kill takes, shorter than the client's 20 s timeout.
const HELD: Duration = Duration::from_secs(15);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_before_the_send_sync_fails_it_as_never_sent() {
    let till = Till::new(SECOND, Providers::Both).await;
    // A process killed right after recording leaves exactly this: a `recorded` row, by now
    // older than any send could take.
    {
        let journal = Journal::open_in(till.data()).expect("journal");
        let two_minutes_ago = Utc::now() - chrono::Duration::minutes(2);
        for kind in [ProviderKind::ClickPesa, ProviderKind::Cepta] {
            let p = record_at(&journal, kind, two_minutes_ago);
            assert_eq!(p.status, Status::Recorded);
        }
    }
    let lines = till.sync_expecting("failed", 0);
    assert_eq!(lines.len(), 2, "{lines:?}");
    for line in &lines {
        assert_eq!(line["message"], Msg::NotSentStopped.to_string(), "{line}");
    }
    for p in till.rows() {
        assert_eq!(p.sent_at, None, "never handed to the network: {p:?}");
    }
    assert!(
        till.sim.ledger().is_empty(),
        "the simulator received nothing"
    );
    assert_eq!(till.initiate_calls(), 0);
    till.audit();
}

/// A payment as `lipa push` would record it, recorded at `at`.
fn record_at(journal: &Journal, kind: ProviderKind, at: chrono::DateTime<Utc>) -> Payment {
    let new = NewPayment {
        provider: kind,
        reference: Reference::generate(kind, at.timestamp()),
        phone: Phone::parse("0712345670", kind.country()).expect("phone"),
        amount: Money::parse("1500", kind.currency()).expect("amount"),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    };
    let Recorded::New(p) = journal.record(&new, Guard::Off).expect("record") else {
        panic!("guard off");
    };
    backdate(journal, p.id, at);
    journal.get(p.id).expect("get").expect("row")
}

/// Moves a payment's times back to `at`, as if it had been written then.
fn backdate(journal: &Journal, id: i64, at: chrono::DateTime<Utc>) {
    let c = rusqlite::Connection::open(journal.path()).expect("open");
    let at = at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    c.execute(
        "UPDATE payments SET created_at = ?2, updated_at = ?2,
             sent_at = CASE WHEN sent_at IS NULL THEN NULL ELSE ?2 END WHERE id = ?1",
        rusqlite::params![id, at],
    )
    .expect("backdate");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_as_the_send_began_sync_asks_a_person_to_check() {
    let till = Till::new(SECOND, Providers::Both).await;
    // Killed after marking the payment `sending`, before its bytes left: lipa cannot tell this
    // from a request lost on the way, so after the deadline a person is asked, with the reason.
    {
        let journal = Journal::open_in(till.data()).expect("journal");
        let three_minutes_ago = Utc::now() - chrono::Duration::minutes(3);
        let p = record_at(&journal, ProviderKind::ClickPesa, three_minutes_ago);
        let sending = Change {
            to: Status::Sending,
            message: &Msg::Empty,
            provider_id: None,
            heard: false,
        };
        let cas = journal
            .transition(p.id, Status::Recorded, &sending)
            .expect("transition");
        assert!(cas.is_done());
        backdate(&journal, p.id, three_minutes_ago);
    }
    let lines = till.sync_expecting("attention", 3);
    let said = lines[0]["message"].as_str().unwrap_or_default();
    assert!(
        said.starts_with("The provider has no record of this payment 3 min"),
        "{lines:?}"
    );
    assert!(
        till.sim.ledger().is_empty(),
        "the simulator received nothing"
    );
    assert_eq!(till.initiate_calls(), 0, "sync never sends");
    till.audit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_during_the_send_sync_asks_instead_of_sending_again() {
    let till = Till::new(SECOND, Providers::Both).await;
    till.slow_down(HELD);
    let mut push = till.spawn(&push_args("cepta", "0712345670", "30"));
    wait_until(
        "the push to reach the simulator",
        Duration::from_secs(20),
        || (!till.sim.ledger().is_empty()).then_some(()),
    );
    kill_9(&mut push);
    let p = till.wait_for_row("the journal row", |_| true);
    assert_eq!(p.status, Status::Sending, "killed before the answer: {p:?}");
    till.no_faults();
    till.wait_for_customers(1);
    let lines = till.sync_expecting("paid", 0);
    assert_eq!(lines[0]["reference"], p.reference.as_str());
    assert_eq!(till.sim.ledger().len(), 1, "exactly one push");
    till.audit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_while_waiting_for_the_customer_sync_finds_it_paid() {
    let till = Till::new(2 * SECOND, Providers::Both).await;
    let mut push = till.spawn(&push_args("clickpesa", "0712345670", "60"));
    till.wait_for_row("the payment waiting for the customer", |p| {
        p.status == Status::Pending
    });
    kill_9(&mut push);
    // Its first question would have come 9 s after the send: nothing settled it before the kill.
    let p = till.wait_for_row("the journal row", |_| true);
    assert_eq!(p.status, Status::Pending, "{p:?}");
    till.wait_for_customers(1);
    till.sync_expecting("paid", 0);
    till.audit();
}

/// SIGTERM (`timeout 30 lipa push …`) or SIGHUP while `push` waits: it stops waiting, still
/// prints its last JSON line, exits 3 (pending), and the payment stays to be synced.
async fn push_stopped_by(sig: &str) {
    let till = Till::new(2 * SECOND, Providers::Both).await;
    let push = till.spawn_reporting(&push_args("clickpesa", "0712345670", "60"));
    let pid = push.id();
    till.wait_for_row("the payment waiting for the customer", |p| {
        p.status == Status::Pending
    });
    // `push` listens from before its send, so the signal is never lost in between.
    signal(pid, sig);
    let out = push.wait_with_output().expect("push ends");
    assert_eq!(out.status.code(), Some(3), "{sig}: {out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("a JSON line");
    assert_eq!(last["status"], "pending", "{last}");
    till.wait_for_customers(1);
    till.sync_expecting("paid", 0);
    till.audit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_stopped_by_sigterm_while_waiting_reports_and_exits_3() {
    push_stopped_by("TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_stopped_by_sighup_while_waiting_reports_and_exits_3() {
    push_stopped_by("HUP").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_killed_during_its_query_a_second_sync_finishes() {
    let till = Till::new(SECOND, Providers::Both).await;
    let out = till.run(&push_args("cepta", "0712345676", "0"));
    assert_eq!(out.status.code(), Some(3), "pending after the send");
    till.slow_down(HELD);
    let mut sync = till.spawn(&["sync", "--wait", "60", "--json"]);
    wait_until(
        "sync's query to reach the simulator",
        Duration::from_secs(20),
        || (till.sim.stats().requests_to(CEPTA_QUERY) > 0).then_some(()),
    );
    kill_9(&mut sync);
    let p = till.wait_for_row("the journal row", |_| true);
    assert_eq!(p.status, Status::Pending, "the query never answered: {p:?}");
    till.no_faults();
    till.wait_for_customers(1);
    till.sync_expecting("failed", 0);
    till.audit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_killed_while_waiting_a_restarted_console_follows_it_to_the_end() {
    let till = Till::new(SECOND, Providers::ClickPesaOnly).await;
    let mut first = Console::start(&till);
    first.push("0712345670", "1500");
    till.wait_for_row("the payment waiting for the customer", |p| {
        p.status == Status::Pending
    });
    signal(first.pid, "KILL");
    assert_eq!(first.exit_status(Duration::from_secs(10)), 128 + 9);
    // Nothing can restore a terminal after kill -9: this shows the probes that check the
    // SIGTERM and SIGHUP cases below do see a terminal left in the console's modes.
    assert_eq!(left_on(&first.raw()), Some("alternate screen"));
    assert!(first.modes_after().contains("-icanon"), "raw mode seen");
    drop(first);
    let p = till.wait_for_row("the journal row", |_| true);
    assert_eq!(p.status, Status::Pending, "{p:?}");

    let second = Console::start(&till);
    second.wait_for("the payment shown again", Duration::from_secs(20), |t| {
        row_with(t, "670", "1,500").is_some()
    });
    // The restarted console follows the usual schedule: its first question, 9 s after the
    // send, gets the customer's answer.
    second.wait_for("the payment paid", Duration::from_secs(40), |t| {
        row_with(t, "670", "1,500").is_some_and(|r| r.contains("paid"))
    });
    signal(second.pid, "TERM");
    assert_eq!(second.exit_status(Duration::from_secs(10)), 0);
    drop(second);
    let p = till.wait_for_row("the journal row", |_| true);
    assert_eq!(p.status, Status::Paid, "{p:?}");
    till.audit();
}

/// The console stopped by `sig` while a payment waits: it exits at once, cleanly, with the
/// terminal as it found it, and the payment is left for the next `lipa sync`.
async fn console_stopped_by(sig: &str, phone: &str, tail: &str, outcome: (&str, i32)) {
    let till = Till::new(SECOND, Providers::ClickPesaOnly).await;
    let mut console = Console::start(&till);
    console.push(phone, "1500");
    till.wait_for_row("the payment waiting for the customer", |p| {
        p.status == Status::Pending
    });
    console.wait_for("the waiting payment", Duration::from_secs(10), |t| {
        row_with(t, tail, "1,500").is_some()
    });
    signal(console.pid, sig);
    let code = console.exit_status(Duration::from_secs(5));
    // Cleanly, not killed; and, as `lipa push`, 3: a payment is still open.
    assert_eq!(
        code, 3,
        "SIG{sig} must stop lipa cleanly with exit 3 while a payment waits"
    );

    let raw = console.raw();
    let end = raw
        .windows(10)
        .position(|w| w == b"lipa-exit:")
        .expect("exit marker");
    let lipa_out = &raw[..end];
    assert!(
        lipa_out.windows(8).any(|w| w == b"\x1b[?1049h"),
        "the console had switched to the alternate screen"
    );
    assert_eq!(left_on(lipa_out), None, "a terminal mode was left on");
    assert!(ends_restored(lipa_out), "lipa wrote after restoring");
    let modes = console.modes_after();
    let words: Vec<&str> = modes
        .split_whitespace()
        .map(|w| w.trim_end_matches(';'))
        .collect();
    for mode in ["icanon", "echo", "isig"] {
        assert!(words.contains(&mode), "raw mode left on ({mode}): {modes}");
    }
    drop(console);

    let p = till.wait_for_row("the journal row", |_| true);
    assert_eq!(p.status, Status::Pending, "kept, still waiting: {p:?}");
    till.wait_for_customers(1);
    let (status, code) = outcome;
    till.sync_expecting(status, code);
    till.audit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_whose_session_drops_exits_and_loses_nothing() {
    let till = Till::new(SECOND, Providers::ClickPesaOnly).await;
    let mut console = Console::direct(&till);
    console.push("0712345670", "1500");
    till.wait_for_row("the payment waiting for the customer", |p| {
        p.status == Status::Pending
    });
    console.hang_up();
    let status = console.wait_direct(Duration::from_secs(5));
    assert_eq!(
        status.signal(),
        None,
        "lipa died of the hang-up: {status:?}"
    );
    assert_eq!(status.exit_code(), 3, "a payment is still open: {status:?}");
    drop(console);
    let p = till.wait_for_row("the journal row", |_| true);
    assert_eq!(p.status, Status::Pending, "kept, still waiting: {p:?}");
    till.wait_for_customers(1);
    till.sync_expecting("paid", 0);
    till.audit();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_stopped_by_sigterm_restores_the_terminal_and_loses_nothing() {
    console_stopped_by("TERM", "0712345676", "676", ("failed", 0)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_stopped_by_sighup_restores_the_terminal_and_loses_nothing() {
    console_stopped_by("HUP", "0712345670", "670", ("paid", 0)).await;
}

/// A push killed while its customer is still to answer, beside another push that waits: the
/// waiting one takes the payment over within seconds and follows it on its schedule to the
/// end, with no `lipa sync` (before, nobody asked about it until one ran; and a sweep every
/// half lease, 30 s, would have missed its questions until then).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_killed_beside_a_waiting_push_is_followed_by_that_one() {
    let till = Till::new(2 * SECOND, Providers::Both).await;
    // Never answers: this push waits its whole minute.
    let mut waiting = till.spawn(&push_args("cepta", "0712345678", "60"));
    let mut killed = till.spawn(&push_args("clickpesa", "0712345670", "60"));
    let pending = wait_until("both payments sent", Duration::from_secs(20), || {
        let rows = till.rows();
        (rows.len() == 2 && rows.iter().all(|p| p.status == Status::Pending)).then_some(rows)
    });
    kill_9(&mut killed);
    let id = pending
        .iter()
        .find(|p| p.provider == ProviderKind::ClickPesa)
        .map(|p| p.id)
        .expect("the killed push's payment");
    // Its first question is due 9 s after the send: asked within 25 s of the kill, not 30.
    let paid = wait_until(
        "the killed push's payment paid",
        Duration::from_secs(25),
        || {
            till.rows()
                .into_iter()
                .find(|p| p.id == id && p.status.is_final())
        },
    );
    assert_eq!(paid.status, Status::Paid, "{paid:?}");
    assert_eq!(
        waiting.try_wait().expect("poll the waiting push"),
        None,
        "settled by the push still waiting"
    );
    kill_9(&mut waiting);
}
