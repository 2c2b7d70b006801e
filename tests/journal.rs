//! The journal shared by several processes: nothing lost, nothing corrupted, final states kept.

use lipa::journal::Journal;
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::ProviderKind;
use lipa::reference::Reference;
use std::path::Path;
use std::process::Command;

const CHILD_ENV: &str = "LIPA_TEST_JOURNAL_CHILD";
const PER_PROCESS: usize = 150;

fn sale(reference: &str) -> NewPayment {
    NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::parse(reference, ProviderKind::ClickPesa).expect("ref"),
        phone: Phone::parse("0712345670", Country::Tanzania).expect("phone"),
        amount: Money::parse("1000", Currency::Tzs).expect("amount"),
        channel: None,
        email: None,
        name: None,
    }
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
    let now = chrono::Utc::now;
    for i in 0..PER_PROCESS {
        let p = journal
            .record(&sale(&format!("{name}{i}")), now())
            .expect("record");
        journal
            .transition(p.id, Status::Sending, "", None, now())
            .expect("sending");
        journal
            .transition(p.id, Status::Pending, "sent", None, now())
            .expect("pending");
        // Race the other process on the shared payment with the same index.
        let shared = journal
            .by_reference(
                ProviderKind::ClickPesa,
                &Reference::from_stored(format!("SHARED{i}")),
            )
            .expect("read")
            .expect("shared exists");
        journal
            .transition(shared.id, to, &name, None, now())
            .expect("race");
        journal.note_poll(shared.id, None, now()).expect("poll");
    }
}

#[test]
fn two_processes_write_one_journal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("journal.sqlite3");
    let journal = Journal::open(&path).expect("open");
    let now = chrono::Utc::now;
    for i in 0..PER_PROCESS {
        let p = journal
            .record(&sale(&format!("SHARED{i}")), now())
            .expect("record");
        journal
            .transition(p.id, Status::Sending, "", None, now())
            .expect("sending");
        journal
            .transition(p.id, Status::Pending, "", None, now())
            .expect("pending");
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
        assert_eq!(p.polls, 2, "both processes' polls counted");
    }
    for p in all
        .iter()
        .filter(|p| !p.reference.as_str().starts_with("SHARED"))
    {
        assert_eq!(p.status, Status::Pending);
    }
    assert_eq!(journal.integrity_check().expect("check"), "ok");
}

#[test]
fn a_reference_is_used_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Journal::open_in(dir.path()).expect("open");
    journal
        .record(&sale("ONCE1"), chrono::Utc::now())
        .expect("first");
    let again = journal.record(&sale("ONCE1"), chrono::Utc::now());
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
        j.record(&sale("KEEP1"), chrono::Utc::now())
            .expect("record")
            .id
    };
    let j = Journal::open_in(dir.path()).expect("reopen");
    let p = j.get(id).expect("get").expect("kept");
    assert_eq!(p.amount, Money::from_minor(1000, Currency::Tzs));
    assert_eq!(p.status, Status::Recorded);
    assert_eq!(j.unresolved().expect("open").len(), 1);
}
