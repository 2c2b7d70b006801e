//! A shared ledger that goes away in the middle (its server stopping, restarting, or ending the
//! connection): every call meanwhile is *unreachable* — try again — never a refusal; and the
//! next call after it is back works.

#[path = "support/ledger.rs"]
mod ledger;

use ledger::TestDb;
use lipa::journal::{Journal, JournalError};

#[test]
fn a_connection_ended_by_the_server_reads_as_unreachable() {
    let Some(db) = TestDb::create("ended") else {
        return;
    };
    let journal = Journal::open_postgres(&db.url).expect("ledger");
    assert!(journal.unresolved().expect("read").is_empty());
    // What a server does to its connections when it shuts down.
    db.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = 'lipa' AND datname = current_database()",
    )
    .expect("terminate");
    match journal.unresolved() {
        Err(JournalError::Unreachable(_)) | Ok(_) => {}
        Err(other) => panic!("a server going away is not a refusal: {other:?}"),
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while journal.unresolved().is_err() {
        assert!(std::time::Instant::now() < deadline, "never came back");
    }
}
