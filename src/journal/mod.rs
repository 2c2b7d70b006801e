//! The journal: SQLite in WAL mode, the one source of truth that every face reads.
//!
//! Durability: `synchronous = FULL`, so a commit is on disk (fsync'd) before `record` or
//! `transition` returns — and the engine calls them before any request leaves the machine or
//! anyone is told. Several processes may share one journal: every change is a compare-and-set
//! on the status the writer read (`UPDATE … WHERE id = ? AND status = ?`, inside an immediate
//! transaction), so a writer that read a stale row loses and gets the row as it now stands;
//! times are taken once the write lock is held; final states never change.

pub mod backup;
mod cleared;
mod follow;
pub use follow::NEWER_MAX;
mod closings;
mod history;
pub mod hooks;
pub mod in_use;
pub(crate) mod lease;
pub mod pg;
mod read;
mod rows;
mod schema;
mod search;
mod worker;
mod write;

pub use closings::{Closing, Imported};
pub use history::Filter;
pub use lease::POLL_LEASE;
pub use read::{DaySummary, DayTotal, OperatorDay};
pub use search::{WINDOW as SEARCH_WINDOW, Wanted};
pub use worker::{Gone, Worker};
pub use write::{Answer, Change, Guard, Recorded};

use crate::payment::Payment;
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// File name of the journal inside the data directory.
pub const FILE_NAME: &str = "journal.sqlite3";

/// The embedded journal's schema version this lipa writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: usize = schema::MIGRATIONS.len();

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
    /// A journal that can only be read here was written by an older lipa: bringing it up to
    /// date means writing it, which cannot be done here.
    NeedsMigration {
        path: PathBuf,
        version: usize,
    },
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
    /// `database_url` names a CA (`sslrootcert=`) and says `sslmode=disable` (password taken
    /// out): a ledger whose CA is named is never spoken to without TLS.
    TlsOff(String),
}

impl JournalError {
    /// What went wrong, for a person reading `lang`.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        use crate::strings::engine as s;
        match self {
            JournalError::Open { path, source } => {
                s::journal_open(lang, path, &sqlite_words(lang, source))
            }
            JournalError::Sqlite(e) => s::journal_sqlite(lang, &sqlite_words(lang, e)),
            JournalError::DuplicateReference(r) => s::reference_in_journal(lang, r),
            JournalError::Corrupt(what) => s::journal_corrupt(lang, what),
            JournalError::TooNew(v) => s::journal_too_new(lang, *v),
            JournalError::NeedsMigration { path, version } => {
                s::journal_needs_migration(lang, path, *version, schema::MIGRATIONS.len())
            }
            JournalError::NoSuchPayment(id) => s::no_such_payment(lang, *id),
            JournalError::Unreachable(why) => s::ledger_unreachable(
                lang,
                &ledger_cause(lang, why).unwrap_or_else(|| why.clone()),
            ),
            JournalError::Postgres(why) => s::ledger_refused(lang, why),
            JournalError::BadUrl(url) => s::ledger_bad_url(lang, url),
            JournalError::BadCa(why) => s::ledger_bad_ca(lang, why),
            JournalError::TlsOff(url) => s::ledger_tls_off(lang, url),
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
        f.write_str(&self.text(crate::lang::Lang::En))?;
        // The system's own words, for the log, after lipa's.
        match self {
            JournalError::Unreachable(why)
                if ledger_cause(crate::lang::Lang::En, why).is_some() =>
            {
                write!(f, " [{why}]")
            }
            _ => Ok(()),
        }
    }
}

/// The common causes of a ledger out of reach, in words (`None`: said as the system said it).
fn ledger_cause(lang: crate::lang::Lang, raw: &str) -> Option<String> {
    use crate::strings::engine as s;
    let raw = raw.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| raw.contains(w));
    Some(if has(&["connection refused"]) {
        s::ledger_refused_connection(lang)
    } else if has(&["timed out", "timeout"]) {
        s::ledger_timed_out(lang)
    } else if has(&[
        "failed to lookup address",
        "name or service not known",
        "no such host",
        "name resolution",
        "nodename nor servname",
    ]) {
        s::ledger_no_host(lang)
    } else if has(&[
        "password authentication",
        "authentication failed",
        "pg_hba.conf",
    ]) {
        s::ledger_login_refused(lang)
    } else if has(&["tls", "ssl", "certificate", "handshake"]) {
        s::ledger_tls_failed(lang)
    } else {
        return None;
    })
}

/// A SQLite error a person can act on, in words, the system's own after them.
fn sqlite_words(lang: crate::lang::Lang, e: &rusqlite::Error) -> String {
    use crate::strings::engine as s;
    match e {
        rusqlite::Error::SqliteFailure(f, _) => match f.code {
            ErrorCode::DiskFull => s::journal_disk_full(lang, e),
            ErrorCode::CannotOpen | ErrorCode::ReadOnly => s::journal_dir_not_writable(lang, e),
            ErrorCode::SystemIoFailure => s::journal_io_error(lang, e),
            _ => e.to_string(),
        },
        _ => e.to_string(),
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
    /// The embedded journal held as in use while this handle lives (see `in_use.rs`).
    _in_use: Option<std::fs::File>,
    /// Searches run and stopped (see `search.rs`).
    searches: search::Counts,
    /// Counted open until its connection is closed (declared after `backend`, so dropped
    /// after it): see [`wait_closed`].
    _open: Option<OpenJournal>,
}

/// Journals this process opened to write and has not closed yet, and news of each close.
static OPEN: (Mutex<usize>, std::sync::Condvar) = (Mutex::new(0), std::sync::Condvar::new());

/// One writable embedded journal open in this process, until it is dropped.
struct OpenJournal;

impl OpenJournal {
    fn new() -> OpenJournal {
        *OPEN.0.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        OpenJournal
    }
}

impl Drop for OpenJournal {
    fn drop(&mut self) {
        let mut open = OPEN.0.lock().unwrap_or_else(|p| p.into_inner());
        *open = open.saturating_sub(1);
        OPEN.1.notify_all();
    }
}

/// Waits, up to `limit`, until every embedded journal this process opened to write is closed;
/// whether they all are. The journal's connection lives on its own thread (and in tasks) and
/// is closed when the last of them lets go: SQLite's close checkpoints the WAL into the
/// journal and removes `journal.sqlite3-wal` and `-shm`. A process that returned from `main`
/// before that (the thread still closing) left both behind, the newest commits only in the
/// WAL, beside a journal that a plain file copy takes without them. Called by `main` once its
/// runtime is shut down.
pub fn wait_closed(limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    let mut open = OPEN.0.lock().unwrap_or_else(|p| p.into_inner());
    while *open > 0 {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        open = match OPEN.1.wait_timeout(open, left) {
            Ok((guard, _)) => guard,
            Err(p) => p.into_inner().0,
        };
    }
    true
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
        let in_use = in_use::hold(path);
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
            till: std::sync::RwLock::new(crate::till::till_name()),
            owner: lease::new_owner(),
            lease: std::sync::RwLock::new(POLL_LEASE),
            searches: search::Counts::default(),
            _in_use: in_use,
            _open: Some(OpenJournal::new()),
        })
    }

    /// Opens an existing SQLite journal to read it only, writing nothing — no switch to WAL, no
    /// migration, no change of mode — for the faces that only read (`history`,
    /// `report`, `export`) when the data directory cannot be written: a backup, a mounted
    /// snapshot, another user's till. SQLite's read-only open, and, when that cannot work (a
    /// WAL journal shut cleanly, in a directory where its shared-memory file cannot be made),
    /// its immutable open, which is exact when no WAL file holds changes. A journal an older
    /// lipa wrote is refused ([`JournalError::NeedsMigration`]): it must be opened once where
    /// it can be written.
    pub fn open_read_only(path: &Path) -> Result<Journal, JournalError> {
        let open_err = |source| JournalError::Open {
            path: path.to_path_buf(),
            source,
        };
        if !path.is_file() {
            return Err(open_err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some("no journal here".into()),
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
        let plain = Connection::open_with_flags(file_uri(path, false), flags)
            .map_err(JournalError::Sqlite)
            .and_then(|c| read_only_ready(&c, path).map(|()| c));
        let conn = match plain {
            Ok(c) => c,
            Err(e @ (JournalError::NeedsMigration { .. } | JournalError::TooNew(_))) => {
                return Err(e);
            }
            Err(first) => {
                let wal = PathBuf::from(format!("{}-wal", path.display()));
                // Immutable reads the main file alone: only when no WAL holds changes.
                if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                    return Err(match first {
                        JournalError::Sqlite(source) => open_err(source),
                        other => other,
                    });
                }
                let c =
                    Connection::open_with_flags(file_uri(path, true), flags).map_err(open_err)?;
                read_only_ready(&c, path)?;
                c
            }
        };
        Ok(Journal {
            backend: Backend::Sqlite(Mutex::new(conn)),
            path: path.to_path_buf(),
            till: std::sync::RwLock::new(crate::till::till_name()),
            owner: lease::new_owner(),
            lease: std::sync::RwLock::new(POLL_LEASE),
            searches: search::Counts::default(),
            // A reader follows nothing: it never stands in the way of an import.
            _in_use: None,
            _open: None,
        })
    }

    /// Whether this journal was opened to be read only ([`Journal::open_read_only`]).
    pub fn is_read_only(&self) -> bool {
        match &self.backend {
            Backend::Sqlite(conn) => conn
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_readonly(rusqlite::MAIN_DB)
                .unwrap_or(false),
            Backend::Postgres(_) => false,
        }
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
            till: std::sync::RwLock::new(crate::till::till_name()),
            owner: lease::new_owner(),
            lease: std::sync::RwLock::new(POLL_LEASE),
            searches: search::Counts::default(),
            _in_use: None,
            _open: None,
        })
    }

    /// The shared ledger when `database_url` is set, else the journal in the data directory.
    pub fn open_for(data_dir: &Path, database_url: Option<&str>) -> Result<Journal, JournalError> {
        match database_url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) if pg::is_postgres(url) => Journal::open_postgres(url),
            Some(url) => Err(JournalError::BadUrl(crate::secret::redact(url))),
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
    /// Where the chain's tills share a provider's token: the shared ledger (`None` on an
    /// embedded journal, whose till shares a file instead).
    pub fn token_shelf(&self) -> Option<std::sync::Arc<dyn crate::provider::shelf::TokenShelf>> {
        match &self.backend {
            Backend::Postgres(pg) => Some(std::sync::Arc::new(pg.token_shelf())),
            Backend::Sqlite(_) => None,
        }
    }

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
            ("recently done", select(read::RECENTLY_DONE)),
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
            ("search candidates", search::CANDIDATES.to_string()),
            ("search candidate", select(search::CHECK)),
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

/// `file:` URI of `path` (SQLite's syntax: `?`, `#` and `%` escaped), immutable or read-only.
fn file_uri(path: &Path, immutable: bool) -> String {
    let mut uri = String::from("file:");
    for b in path.as_os_str().as_encoded_bytes() {
        match b {
            b'?' | b'#' | b'%' => uri.push_str(&format!("%{b:02X}")),
            b if b.is_ascii() && !b.is_ascii_control() => uri.push(char::from(*b)),
            b => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push_str(if immutable {
        "?immutable=1"
    } else {
        "?mode=ro"
    });
    uri
}

/// A read-only connection that can read this lipa's schema: nothing is written, ever (SQLite
/// refuses even a stray write: `query_only`).
fn read_only_ready(conn: &Connection, path: &Path) -> Result<(), JournalError> {
    conn.pragma_update(None, "query_only", "ON")?;
    let version: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > schema::MIGRATIONS.len() {
        return Err(JournalError::TooNew(version));
    }
    if version < schema::MIGRATIONS.len() {
        return Err(JournalError::NeedsMigration {
            path: path.to_path_buf(),
            version,
        });
    }
    // Reads a page: a journal that cannot really be read fails here, not in the face.
    conn.query_row("SELECT count(*) FROM payments WHERE id = 0", [], |r| {
        r.get::<_, i64>(0)
    })?;
    Ok(())
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

    /// Opened to read only, the journal is read as it is and nothing is written: not the
    /// file, not its WAL (SQLite refuses even a stray write); an older schema is
    /// refused with what to do, never migrated. Holds as root too: it is the open, not the
    /// file's mode, that reads only.
    #[test]
    fn read_only_reads_and_writes_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join(FILE_NAME);
        drop(Journal::open(&path).expect("journal"));
        assert!(
            !dir.path().join("journal.sqlite3-wal").exists(),
            "closed cleanly"
        );
        let bytes = std::fs::read(&path).expect("bytes");
        let journal = Journal::open_read_only(&path).expect("read only");
        assert!(journal.is_read_only());
        assert_eq!(journal.integrity_check().expect("check"), "ok");
        let conn = journal.conn().expect("sqlite");
        assert!(
            conn.execute("DELETE FROM payments", []).is_err(),
            "a write is refused"
        );
        drop(conn);
        drop(journal);
        assert_eq!(std::fs::read(&path).expect("bytes"), bytes);
        // Where the directory can be written (never when the faces read only), SQLite may
        // leave an empty WAL beside it: no change.
        let wal = dir.path().join("journal.sqlite3-wal");
        assert!(std::fs::metadata(&wal).map_or(0, |m| m.len()) == 0);

        let conn = Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", 1)
            .expect("version");
        drop(conn);
        let e = Journal::open_read_only(&path).err().expect("refused");
        assert!(
            matches!(e, JournalError::NeedsMigration { version: 1, .. }),
            "{e}"
        );
        assert!(e.to_string().contains("an older lipa wrote it"), "{e}");
        let missing = Journal::open_read_only(&dir.path().join("none.sqlite3"));
        assert!(missing.is_err());
    }
}
