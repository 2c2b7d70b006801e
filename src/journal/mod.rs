//! The journal: SQLite in WAL mode, the one source of truth that every face reads.
//!
//! Durability: `synchronous = FULL`, so a commit is on disk (fsync'd) before `record` or
//! `transition` returns — and the engine calls them before any request leaves the machine or
//! anyone is told. Several processes may share one journal: every change is a compare-and-set
//! on the status the writer read (`UPDATE … WHERE id = ? AND status = ?`, inside an immediate
//! transaction), so a writer that read a stale row loses and gets the row as it now stands;
//! times are taken once the write lock is held; final states never change.

mod closings;
mod history;
pub(crate) mod lease;
pub mod pg;
mod read;
mod rows;
mod schema;
mod worker;
mod write;

pub use closings::{Closing, Imported};
pub use history::Filter;
pub use lease::POLL_LEASE;
pub use read::{DaySummary, DayTotal, OperatorDay};
pub use worker::{Gone, Worker};
pub use write::{Answer, Change, Guard, Recorded};

use crate::payment::Payment;
use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// File name of the journal inside the data directory.
pub const FILE_NAME: &str = "journal.sqlite3";

/// How long a write waits for another process's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub enum JournalError {
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    Sqlite(rusqlite::Error),
    DuplicateReference(String),
    Corrupt(String),
    TooNew(usize),
    NoSuchPayment(i64),
    /// The shared ledger cannot be reached (down, or the network between): nothing was
    /// written, nothing may be sent.
    Unreachable(String),
    /// The shared ledger refused a statement (its own words; never a password).
    Postgres(String),
    /// `database_url` is not a PostgreSQL URL lipa can read (password taken out).
    BadUrl(String),
    /// The CA file the URL names (`sslrootcert=`) cannot be read, or holds no certificate.
    BadCa(String),
}

impl JournalError {
    /// What went wrong, for a person reading `lang`.
    pub fn text(&self, lang: crate::strings::Lang) -> String {
        use crate::strings::engine as s;
        match self {
            JournalError::Open { path, source } => s::journal_open(lang, path, source),
            JournalError::Sqlite(e) => s::journal_sqlite(lang, e),
            JournalError::DuplicateReference(r) => s::reference_in_journal(lang, r),
            JournalError::Corrupt(what) => s::journal_corrupt(lang, what),
            JournalError::TooNew(v) => s::journal_too_new(lang, *v),
            JournalError::NoSuchPayment(id) => s::no_such_payment(lang, *id),
            JournalError::Unreachable(why) => s::ledger_unreachable(lang, why),
            JournalError::Postgres(why) => s::ledger_refused(lang, why),
            JournalError::BadUrl(url) => s::ledger_bad_url(lang, url),
            JournalError::BadCa(why) => s::ledger_bad_ca(lang, why),
        }
    }
}

impl JournalError {
    /// The journal could not store a write (a full disk, a file it may not write, its lock held
    /// past the busy timeout): nothing wrong with the write, it may work later.
    pub fn is_storage(&self) -> bool {
        matches!(
            self,
            JournalError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
                if matches!(
                    f.code,
                    ErrorCode::DiskFull
                        | ErrorCode::SystemIoFailure
                        | ErrorCode::ReadOnly
                        | ErrorCode::CannotOpen
                        | ErrorCode::DatabaseBusy
                        | ErrorCode::DatabaseLocked
                        | ErrorCode::OutOfMemory
                )
        )
    }
}

impl std::fmt::Display for JournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(crate::strings::Lang::En))
    }
}

impl std::error::Error for JournalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JournalError::Open { source, .. } | JournalError::Sqlite(source) => Some(source),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for JournalError {
    fn from(e: rusqlite::Error) -> JournalError {
        JournalError::Sqlite(e)
    }
}

/// The outcome of a compare-and-set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cas {
    /// The change was made: the payment as it now stands.
    Done(Payment),
    /// The payment was no longer as the writer read it (another writer won, or it is final):
    /// nothing was written; the payment as it now stands.
    Stale(Payment),
}

impl Cas {
    /// The payment as it now stands, either way.
    pub fn payment(&self) -> &Payment {
        match self {
            Cas::Done(p) | Cas::Stale(p) => p,
        }
    }
    pub fn into_payment(self) -> Payment {
        match self {
            Cas::Done(p) | Cas::Stale(p) => p,
        }
    }
    pub fn is_done(&self) -> bool {
        matches!(self, Cas::Done(_))
    }
}

/// Where the journal lives.
enum Backend {
    /// The embedded SQLite file of one till.
    Sqlite(Mutex<Connection>),
    /// The shared ledger of a chain's tills.
    Postgres(Box<pg::PgStore>),
}

/// A handle on the journal: the embedded SQLite file, or a chain's shared ledger on
/// PostgreSQL. Every face uses this one interface; both backends keep the same rules (the
/// contract suite, `tests/ledger_contract.rs`). Cheap to share behind an `Arc`; calls are short
/// and blocking.
pub struct Journal {
    backend: Backend,
    path: PathBuf,
    /// The till this process records payments as.
    till: std::sync::RwLock<String>,
    /// The name this handle's poll leases are held under.
    owner: String,
    /// How long a poll lease lasts unless renewed.
    lease: std::sync::RwLock<Duration>,
}

impl Journal {
    /// Opens (creating if needed) the journal at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        Journal::open_with(path, BUSY_TIMEOUT)
    }

    /// [`Journal::open`] with another busy timeout (tests of a locked journal).
    pub fn open_with(path: &Path, busy: Duration) -> Result<Journal, JournalError> {
        if let Some(dir) = path.parent() {
            let _ = crate::data_dir::ensure(dir);
        }
        let open_err = |source| JournalError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        crate::data_dir::make_private(path);
        conn.busy_timeout(busy).map_err(open_err)?;
        // Switching to WAL and migrating take the database's write lock; several processes
        // opening a new journal at once wait for each other (SQLite answers "busy" at once
        // here, without its busy handler), up to the busy timeout.
        let started = Instant::now();
        loop {
            match prepare(&conn) {
                Ok(()) => break,
                Err(e) if is_busy(&e) && started.elapsed() < busy => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(JournalError::Sqlite(source)) => return Err(open_err(source)),
                Err(e) => return Err(e),
            }
        }
        Ok(Journal {
            backend: Backend::Sqlite(Mutex::new(conn)),
            path: path.to_path_buf(),
            till: std::sync::RwLock::new(crate::report::till_name()),
            owner: lease::new_owner(),
            lease: std::sync::RwLock::new(POLL_LEASE),
        })
    }

    /// The journal inside a data directory.
    pub fn open_in(data_dir: &Path) -> Result<Journal, JournalError> {
        Journal::open(&data_dir.join(FILE_NAME))
    }

    /// The shared ledger at `url` (`postgres://…`), its schema brought up to date.
    pub fn open_postgres(url: &str) -> Result<Journal, JournalError> {
        let store = pg::PgStore::open(url)?;
        Ok(Journal {
            path: PathBuf::from(store.place()),
            backend: Backend::Postgres(Box::new(store)),
            till: std::sync::RwLock::new(crate::report::till_name()),
            owner: lease::new_owner(),
            lease: std::sync::RwLock::new(POLL_LEASE),
        })
    }

    /// The shared ledger when `database_url` is set, else the journal in the data directory.
    pub fn open_for(data_dir: &Path, database_url: Option<&str>) -> Result<Journal, JournalError> {
        match database_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) if pg::is_postgres(url) => Journal::open_postgres(url),
            Some(url) => Err(JournalError::BadUrl(pg::redact(url))),
            None => Journal::open_in(data_dir),
        }
    }

    /// The shared ledger's store, when this journal is one.
    fn pg(&self) -> Option<&pg::PgStore> {
        match &self.backend {
            Backend::Postgres(store) => Some(store),
            Backend::Sqlite(_) => None,
        }
    }

    /// News of every change any till makes, as it is committed (the shared ledger only: an
    /// embedded journal is one till's, and its own engine publishes its changes).
    pub fn listen(&self) -> Option<tokio::sync::mpsc::UnboundedReceiver<pg::LedgerNews>> {
        self.pg().map(pg::PgStore::listen)
    }

    /// Whether this is a chain's shared ledger (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        self.pg().is_some()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The till this process records payments as (config `till`, else `LIPA_TILL`, else the
    /// host name).
    pub fn till(&self) -> String {
        self.till.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn set_till(&self, till: &str) {
        *self.till.write().unwrap_or_else(|p| p.into_inner()) = till.to_string();
    }

    /// The SQLite connection (every SQLite path has asked [`Journal::pg`] first).
    fn conn(&self) -> Result<MutexGuard<'_, Connection>, JournalError> {
        match &self.backend {
            // A panic while holding the lock cannot leave SQLite inconsistent (transactions
            // roll back on drop), so a poisoned lock is safe to reuse.
            Backend::Sqlite(conn) => Ok(conn.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres(_) => Err(JournalError::Corrupt(
                "an embedded-journal call on the shared ledger".into(),
            )),
        }
    }

    /// How SQLite runs each query the faces use (its `EXPLAIN QUERY PLAN` lines), by name:
    /// for the test that keeps every one an index lookup.
    pub fn query_plans(&self) -> Result<Vec<(&'static str, Vec<String>)>, JournalError> {
        if self.pg().is_some() {
            return Ok(Vec::new());
        }
        let select = |tail: &str| format!("SELECT {} FROM payments {tail}", rows::COLUMNS);
        let queries = [
            ("unresolved", select(read::UNRESOLVED)),
            ("since", select(read::SINCE)),
            ("day page", select(read::DAY_PAGE)),
            ("day summary", read::DAY_SUMMARY.to_string()),
            ("day per operator", read::DAY_OPERATORS.to_string()),
            ("find reference", select(read::FIND_REFERENCE)),
            (
                "by reference",
                select("WHERE provider = ?1 AND reference = ?2"),
            ),
            ("by id", select("WHERE id = ?1")),
            ("duplicate guard", select(write::GUARD)),
            ("history", rows::EVENTS.to_string()),
        ];
        let conn = self.conn()?;
        let mut plans = Vec::new();
        for (name, sql) in queries {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let nulls = vec![rusqlite::types::Null; stmt.parameter_count()];
            let lines =
                stmt.query_map(rusqlite::params_from_iter(nulls), |r| r.get::<_, String>(3))?;
            plans.push((name, lines.collect::<Result<Vec<_>, _>>()?));
        }
        Ok(plans)
    }

    /// SQLite's own integrity check: `ok` when the file is sound.
    pub fn integrity_check(&self) -> Result<String, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.integrity_check();
        }
        Ok(self
            .conn()?
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// WAL, durability, foreign keys, and the schema brought up to date.
fn prepare(conn: &Connection) -> Result<(), JournalError> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(conn)
}

fn is_busy(e: &JournalError) -> bool {
    matches!(
        e,
        JournalError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if matches!(f.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

fn migrate(conn: &Connection) -> Result<(), JournalError> {
    let version: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == schema::MIGRATIONS.len() {
        return Ok(());
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    // Read again under the write lock: another process may have migrated meanwhile.
    let version: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > schema::MIGRATIONS.len() {
        return Err(JournalError::TooNew(version));
    }
    for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A commit is fsync'd before it returns (WAL with `synchronous = FULL`): what `record`
    /// wrote survives a power cut, so it may be sent.
    #[test]
    fn commits_are_durable_before_they_return() {
        let dir = tempfile::tempdir().expect("dir");
        let journal = Journal::open_in(dir.path()).expect("journal");
        let conn = journal.conn().expect("sqlite");
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("mode");
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .expect("synchronous");
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous = FULL");
    }
}
