//! The journal shared by several processes: nothing lost, nothing corrupted, final states kept,
//! every change a compare-and-set on the status the writer read.

use lipa::journal::{Answer, Cas, Change, Guard, Journal, Recorded};
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Payment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::ProviderKind;
use lipa::reference::Reference;
use lipa::strings::Msg;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::Duration;

const CHILD_ENV: &str = "LIPA_TEST_JOURNAL_CHILD";
const PER_PROCESS: usize = 150;

fn sale(reference: &str) -> NewPayment {
    sale_to(reference, "0712345670")
}

fn sale_to(reference: &str, phone: &str) -> NewPayment {
    NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::parse(reference, ProviderKind::ClickPesa).expect("ref"),
        phone: Phone::parse(phone, Country::Tanzania).expect("phone"),
        amount: Money::parse("1000", Currency::Tzs).expect("amount"),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    }
}

fn record(j: &Journal, new: &NewPayment) -> Payment {
    match j.record(new, Guard::Off).expect("record") {
        Recorded::New(p) => p,
        Recorded::Duplicate(p) => panic!("guard off, yet {} is a duplicate", p.reference),
        Recorded::Busy(p) => panic!("{} waits on the phone", p.reference),
    }
}

fn change(to: Status, message: &Msg) -> Change<'_> {
    Change {
        to,
        message,
        provider_id: None,
        heard: to == Status::Pending,
    }
}

/// Recorded → Sending → Pending.
fn sent(j: &Journal, new: &NewPayment) -> Payment {
    let p = record(j, new);
    let empty = Msg::Empty;
    assert!(
        j.transition(p.id, Status::Recorded, &change(Status::Sending, &empty))
            .expect("sending")
            .is_done()
    );
    let cas = j
        .transition(
            p.id,
            Status::Sending,
            &change(Status::Pending, &Msg::PromptSent),
        )
        .expect("pending");
    cas.into_payment()
}

/// Runs only inside a child process started by `two_processes_write_one_journal`: records its
/// own payments and races the other process to settle the shared ones.
#[test]
fn child_writer() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let (path, name, verdict) = {
        let mut parts = spec.splitn(3, '|');
        (
            parts.next().expect("path").to_string(),
            parts.next().expect("name").to_string(),
            parts.next().expect("verdict").to_string(),
        )
    };
    let to = if verdict == "paid" {
        Status::Paid
    } else {
        Status::Failed
    };
    let journal = Journal::open(Path::new(&path)).expect("open");
    for i in 0..PER_PROCESS {
        sent(&journal, &sale(&format!("{name}{i}")));
        // Race the other process on the shared payment with the same index.
        let shared = journal
            .by_reference(
                ProviderKind::ClickPesa,
                &Reference::from_stored(format!("SHARED{i}")),
            )
            .expect("read")
            .expect("shared exists");
        let answer = Answer::Found {
            to,
            message: Msg::said(&name),
            provider_id: None,
            channel: None,
            wallet_ref: None,
        };
        journal
            .answer(shared.id, shared.status, &answer)
            .expect("race");
    }
}

#[test]
fn two_processes_write_one_journal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("journal.sqlite3");
    let journal = Journal::open(&path).expect("open");
    for i in 0..PER_PROCESS {
        sent(&journal, &sale(&format!("SHARED{i}")));
    }
    let exe = std::env::current_exe().expect("exe");
    let children: Vec<_> = [("A", "paid"), ("B", "failed")]
        .iter()
        .map(|(name, verdict)| {
            Command::new(&exe)
                .args(["child_writer", "--exact", "--nocapture", "--test-threads=1"])
                .env(CHILD_ENV, format!("{}|{name}|{verdict}", path.display()))
                .spawn()
                .expect("spawn child")
        })
        .collect();
    for mut c in children {
        assert!(c.wait().expect("wait").success(), "a writer failed");
    }
    let all = journal.all().expect("all");
    assert_eq!(all.len(), 3 * PER_PROCESS, "nothing lost");
    for p in all
        .iter()
        .filter(|p| p.reference.as_str().starts_with("SHARED"))
    {
        assert!(p.status.is_final(), "{} is {:?}", p.reference, p.status);
        let events = journal.events(p.id).expect("events");
        let finals = events.iter().filter(|e| e.status.is_final()).count();
        assert_eq!(finals, 1, "exactly one writer settled {}", p.reference);
        assert_eq!(events.last().map(|e| e.status), Some(p.status));
        assert_eq!(p.polls, 1, "the loser's stale answer wrote nothing");
    }
    for p in all
        .iter()
        .filter(|p| !p.reference.as_str().starts_with("SHARED"))
    {
        assert_eq!(p.status, Status::Pending);
    }
    assert_eq!(journal.integrity_check().expect("check"), "ok");
}

/// One process read a payment as *recorded*; another sent it meanwhile. The first one's
/// "never sent" must lose, and it gets the row as it now stands.
#[test]
fn a_stale_writer_loses_and_gets_the_row_as_it_stands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("journal.sqlite3");
    let slow = Journal::open(&path).expect("open");
    let quick = Journal::open(&path).expect("open again");
    let p = record(&slow, &sale("STALE1"));
    let read = slow.get(p.id).expect("read").expect("row");
    assert_eq!(read.status, Status::Recorded);
    let empty = Msg::Empty;
    quick
        .transition(p.id, Status::Recorded, &change(Status::Sending, &empty))
        .expect("sending");
    let cas = slow
        .transition(
            p.id,
            read.status,
            &change(Status::Failed, &Msg::NotSentStopped),
        )
        .expect("cas");
    match cas {
        Cas::Stale(now) => assert_eq!(now.status, Status::Sending),
        Cas::Done(p) => panic!("a stale writer failed a payment being sent: {p:?}"),
    }
    quick
        .transition(
            p.id,
            Status::Sending,
            &change(Status::Pending, &Msg::PromptSent),
        )
        .expect("pending");
    let stale_poll = slow
        .answer(p.id, Status::Sending, &Answer::NotFound)
        .expect("answer");
    assert!(!stale_poll.is_done());
    assert_eq!(stale_poll.payment().status, Status::Pending);
}

/// `sending` is stamped when the write lock is held, not when the writer started waiting
/// for it (a stamp taken before the wait was seen 30 s early).
#[test]
fn changes_are_stamped_once_the_lock_is_held() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("journal.sqlite3");
    let journal = Journal::open(&path).expect("open");
    let p = record(&journal, &sale("STAMP1"));
    let locker = rusqlite::Connection::open(&path).expect("second connection");
    locker.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let (tx, rx) = std::sync::mpsc::channel();
    let writer = std::thread::spawn(move || {
        let asked = chrono::Utc::now();
        let empty = Msg::Empty;
        let cas = journal
            .transition(p.id, Status::Recorded, &change(Status::Sending, &empty))
            .expect("sending");
        tx.send((asked, cas)).expect("send");
    });
    std::thread::sleep(Duration::from_millis(400));
    let released = chrono::Utc::now();
    locker.execute_batch("COMMIT").expect("unlock");
    let (asked, cas) = rx.recv().expect("answer");
    writer.join().expect("writer");
    let sent_at = cas.payment().sent_at.expect("stamped");
    assert!(
        sent_at >= released - chrono::Duration::milliseconds(50),
        "stamped {sent_at}, asked {asked}, lock released {released}"
    );
}

/// A payment paid keeps its words: a late poll from another process, read before it was
/// paid, writes nothing.
#[test]
fn final_rows_keep_their_words() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Journal::open_in(dir.path()).expect("open");
    let p = sent(&journal, &sale("WORDS1"));
    let paid = Answer::Found {
        to: Status::Paid,
        message: Msg::Paid,
        provider_id: None,
        channel: None,
        wallet_ref: None,
    };
    assert!(
        journal
            .answer(p.id, Status::Pending, &paid)
            .expect("paid")
            .is_done()
    );
    let late = Answer::Failed { why: Msg::Timeout };
    for from in [Status::Pending, Status::Paid] {
        assert!(!journal.answer(p.id, from, &late).expect("late").is_done());
    }
    let now = journal.get(p.id).expect("get").expect("row");
    assert_eq!((now.status, &now.message), (Status::Paid, &Msg::Paid));
    assert_eq!(now.said, Msg::Empty);
    assert_eq!(now.polls, 1);
}

/// The duplicate guard's check and the insert are one transaction: of many writers recording
/// the same phone and amount at once, one wins.
#[test]
fn the_duplicate_guard_holds_between_writers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("journal.sqlite3");
    Journal::open(&path).expect("create");
    let go = Arc::new(Barrier::new(8));
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let (path, go) = (path.clone(), go.clone());
            std::thread::spawn(move || {
                let j = Journal::open(&path).expect("open");
                go.wait();
                j.record(
                    &sale(&format!("TWICE{i}")),
                    Guard::Within(chrono::Duration::minutes(5)),
                )
                .expect("record")
            })
        })
        .collect();
    let outcomes: Vec<Recorded> = writers
        .into_iter()
        .map(|w| w.join().expect("writer"))
        .collect();
    let new = outcomes
        .iter()
        .filter(|o| matches!(o, Recorded::New(_)))
        .count();
    assert_eq!(new, 1, "{outcomes:?}");
    // Another phone is not a duplicate. A payment the customer declined is asked about; one
    // that never reached the provider (refused, never sent) is not.
    let j = Journal::open(&path).expect("open");
    let window = Guard::Within(chrono::Duration::minutes(5));
    let declined = sent(&j, &sale_to("OTHER1", "0712345671"));
    let failed = Answer::Found {
        to: Status::Failed,
        message: Msg::CustomerCancelled,
        provider_id: None,
        channel: None,
        wallet_ref: None,
    };
    j.answer(declined.id, Status::Pending, &failed)
        .expect("failed");
    assert!(matches!(
        j.record(&sale_to("OTHER2", "0712345671"), window)
            .expect("again"),
        Recorded::Duplicate(_)
    ));
    let refused = record(&j, &sale_to("OTHER3", "0712345672"));
    let empty = Msg::Empty;
    j.transition(
        refused.id,
        Status::Recorded,
        &change(Status::Sending, &empty),
    )
    .expect("sending");
    let why = Msg::NotSent {
        why: Box::new(Msg::said("Invalid phone")),
    };
    j.transition(refused.id, Status::Sending, &change(Status::Failed, &why))
        .expect("refused");
    assert!(matches!(
        j.record(&sale_to("OTHER4", "0712345672"), window)
            .expect("after a refusal"),
        Recorded::New(_)
    ));
}

/// Several processes opening a new journal at once wait for each other while one switches it
/// to WAL and migrates (it failed with "database is locked" one time in five).
#[test]
fn many_openers_of_a_new_journal_wait_for_each_other() {
    for round in 0..10 {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("journal.sqlite3");
        let go = Arc::new(Barrier::new(8));
        let openers: Vec<_> = (0..8)
            .map(|_| {
                let (path, go) = (path.clone(), go.clone());
                std::thread::spawn(move || {
                    go.wait();
                    Journal::open(&path).map(|_| ()).map_err(|e| e.to_string())
                })
            })
            .collect();
        for o in openers {
            let opened = o.join().expect("opener");
            assert!(opened.is_ok(), "round {round}: {opened:?}");
        }
    }
}

#[test]
fn a_reference_is_used_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Journal::open_in(dir.path()).expect("open");
    record(&journal, &sale("ONCE1"));
    let again = journal.record(&sale("ONCE1"), Guard::Off);
    assert!(matches!(
        again,
        Err(lipa::journal::JournalError::DuplicateReference(_))
    ));
}

#[test]
fn reopening_keeps_everything_and_the_schema_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let id = {
        let j = Journal::open_in(dir.path()).expect("open");
        record(&j, &sale("KEEP1")).id
    };
    let j = Journal::open_in(dir.path()).expect("reopen");
    let p = j.get(id).expect("get").expect("kept");
    assert_eq!(p.amount, Money::from_minor(1000, Currency::Tzs));
    assert_eq!(p.status, Status::Recorded);
    assert_eq!(j.unresolved().expect("open").len(), 1);
}

/// A journal written before messages were data still reads: its words come back as they were.
#[test]
fn a_journal_of_an_earlier_lipa_reads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("journal.sqlite3");
    {
        let c = rusqlite::Connection::open(&path).expect("open");
        c.execute_batch(
            "CREATE TABLE payments (
                id INTEGER PRIMARY KEY AUTOINCREMENT, provider TEXT NOT NULL,
                reference TEXT NOT NULL, phone TEXT NOT NULL,
                amount_minor INTEGER NOT NULL CHECK (amount_minor > 0), currency TEXT NOT NULL,
                channel TEXT, email TEXT, name TEXT, status TEXT NOT NULL,
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
             INSERT INTO payments (provider, reference, phone, amount_minor, currency, status,
                message, created_at, updated_at)
             VALUES ('clickpesa', 'OLD1', '255712345670', 1000, 'TZS', 'paid', 'Paid.',
                '2026-01-01T10:00:00.000000Z', '2026-01-01T10:00:10.000000Z');
             PRAGMA user_version = 1;",
        )
        .expect("old schema");
    }
    let j = Journal::open(&path).expect("migrated");
    let old = j.find_reference("OLD1").expect("find").expect("kept");
    assert_eq!(old.status, Status::Paid);
    assert_eq!(old.message, Msg::from("Paid."));
    assert_eq!(old.message.to_string(), "Paid.");
    assert_eq!(
        old.operator, "unknown",
        "journalled before lipa recorded who"
    );
    let new = record(&j, &sale("NEW1"));
    assert_eq!(new.operator, "rehema");
}

/// Rows written with a message tag from before messages named their provider
/// (`cepta-unauthorized`, `token-missing`) read as the same message, in the same words.
#[test]
fn messages_with_the_old_provider_tags_read_as_before() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("journal.sqlite3");
    {
        let j = Journal::open(&path).expect("open");
        record(&j, &sale("OLDTAG1"));
        record(&j, &sale("OLDTAG2"));
    }
    {
        let c = rusqlite::Connection::open(&path).expect("raw");
        c.execute_batch(
            "UPDATE payments SET message = '{\"k\":\"cepta-unauthorized\",\"skew\":600}'
                WHERE reference = 'OLDTAG1';
             UPDATE payments SET message = '{\"k\":\"token-missing\"}'
                WHERE reference = 'OLDTAG2';",
        )
        .expect("old tags");
    }
    let j = Journal::open(&path).expect("reopen");
    let signed = j.find_reference("OLDTAG1").expect("find").expect("kept");
    assert_eq!(
        signed.message,
        Msg::SignatureRefused {
            provider: ProviderKind::Cepta,
            skew: Some(600),
        }
    );
    assert!(
        signed.message.to_string().starts_with(
            "Cepta refused the request (UNAUTHORIZED). Two likely causes: this machine's clock \
             is 600 seconds (about 10 minutes) behind Cepta's"
        ),
        "{}",
        signed.message
    );
    let token = j.find_reference("OLDTAG2").expect("find").expect("kept");
    assert_eq!(
        token.message.to_string(),
        "ClickPesa's token answer held no token: check LIPA_CLICKPESA_CLIENT_ID / LIPA_CLICKPESA_API_KEY."
    );
}

/// Every query the faces run is an index lookup, never a scan of the whole table: Today, the
/// unresolved list, a reference, the duplicate guard, a history, the search line's candidates
/// (they scanned a journal of a million payments on every start, every Today, every key).
#[test]
fn every_query_of_the_faces_is_an_index_lookup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Journal::open_in(dir.path()).expect("open");
    for (name, plan) in journal.query_plans().expect("plans") {
        for line in &plan {
            // The search index is FTS5's: a MATCH (`:M`) is its lookup; its candidates are
            // merged newest first (`MERGE`, no sorting).
            let fine = line.contains("USING")
                || line.starts_with("USE TEMP B-TREE FOR GROUP BY")
                || line.starts_with("CORRELATED SCALAR SUBQUERY")
                || (line.contains("VIRTUAL TABLE INDEX") && line.contains(":M"))
                || ["MERGE (UNION)", "LEFT", "RIGHT"].contains(&line.as_str());
            assert!(fine, "{name}: {line} (plan: {plan:?})");
            // A console's start reads the window of the last minutes, not every payment ever
            // paid (by the status index it read them all when few ended recently).
            if name == "recently done" && line.starts_with("SEARCH payments") {
                assert!(line.contains("payments_created"), "{line}");
            }
        }
        if name == "recently done" {
            assert!(
                !plan.iter().any(|l| l.contains("TEMP B-TREE FOR ORDER BY")),
                "read newest first from the index and stopped at the limit: {plan:?}"
            );
        }
    }
}

/// Today's totals per operator: who pushed how many, and what of it was paid.
#[test]
fn a_day_is_summed_per_operator() {
    let dir = tempfile::tempdir().expect("tempdir");
    let j = Journal::open_in(dir.path()).expect("open");
    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    let paid = sent(&j, &sale_to("OPA1", "0712345670"));
    j.transition(paid.id, paid.status, &change(Status::Paid, &Msg::Paid))
        .expect("paid");
    sent(&j, &sale_to("OPA2", "0712345671"));
    let mut amani = sale_to("OPB1", "0712345672");
    amani.operator = "amani".into();
    record(&j, &amani);
    let day = j.day_summary(since).expect("summary");
    let by: Vec<_> = day
        .operators
        .iter()
        .map(|o| (o.operator.as_str(), o.count, o.paid, o.paid_minor))
        .collect();
    assert_eq!(by, [("amani", 1, 0, Some(0)), ("rehema", 2, 1, Some(1000))]);
    // One operator's day (an agent of `lipa serve`): only their payments, counted and paged.
    let own = j
        .day_summary_of(since, None, Some("amani"))
        .expect("amani's");
    assert_eq!(own.count, 1);
    assert_eq!(own.operators.len(), 1);
    let page = j
        .day_page_of(since, None, 0, 10, Some("rehema"))
        .expect("page");
    assert_eq!(page.len(), 2);
    assert!(page.iter().all(|p| p.operator == "rehema"));
    // The console's search line: digits of the number, part of a reference, an amount.
    let refs = |v: Vec<lipa::payment::Payment>| -> Vec<String> {
        v.into_iter()
            .map(|p| p.reference.as_str().to_string())
            .collect()
    };
    assert_eq!(
        refs(j.search("5671", None, 0, 10).expect("digits")),
        ["OPA2"]
    );
    assert_eq!(
        refs(j.search("0712 345 671", None, 0, 10).expect("local")),
        ["OPA2"]
    );
    assert_eq!(
        refs(j.search("opb", None, 0, 10).expect("reference")),
        ["OPB1"]
    );
    assert_eq!(j.search("", None, 0, 10).expect("all").len(), 3);
    assert_eq!(j.search("", Some("amani"), 0, 10).expect("amani").len(), 1);
    assert_eq!(j.search("", None, 1, 10).expect("page 2").len(), 2);
    let amount = j.search("1,000", None, 0, 10).expect("amount").len();
    assert!(amount >= 1, "every sale of 1,000 is found by its amount");
}
