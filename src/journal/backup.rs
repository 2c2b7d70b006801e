//! `lipa backup`: a consistent copy of a till's journal while lipa runs, and what a copy holds.
//!
//! The copy is SQLite's `VACUUM INTO`, run on a read-only connection to the journal: one read
//! transaction, so the copy is the journal as one instant saw it (WAL included), while every
//! other process goes on writing; it never takes the write lock, never waits for a writer and
//! is never restarted by one (the online backup API, stepped, starts again whenever another
//! connection writes; stepped all at once it is the same single read). It needs no feature of
//! rusqlite beyond the one lipa already builds, rewrites every table page by page (a page that
//! cannot be read fails the copy instead of being copied; pages lost or never used in the
//! journal are not in the copy), copies indexes as they are (when the journal's integrity
//! check fails, the copy's indexes are rebuilt from its rows, and the damage is told in
//! [`Copied::journal_integrity`]), and keeps the schema version
//! and `AUTOINCREMENT` counters (Z numbers are never reused after a restore). Nothing of the
//! journal is changed: not migrated, not checkpointed. The copy is written under a temporary
//! name beside the file, private from its creation, synced, checked (opened, integrity check,
//! schema version, counts), then renamed and its directory synced: `FILE` is either the old
//! file or a whole, checked backup, never half of one. One thing differs from the journal on
//! purpose: a payment recorded but not yet sent is copied as being sent (see
//! [`recorded_as_sending`]), and no payment is held by a process (see [`released`]).

use super::{JournalError, file_uri, schema};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// What a journal file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holds {
    /// Its schema version (`PRAGMA user_version`).
    pub schema: usize,
    /// SQLite's integrity check: `ok` when sound.
    pub integrity: String,
    pub payments: i64,
    /// Payments not yet paid or failed (lipa follows them when it opens the journal).
    pub open: i64,
    /// The newest payment: its reference and when it was recorded (RFC 3339, UTC).
    pub newest: Option<(String, String)>,
    /// Closed days (Z reports).
    pub closings: i64,
}

/// A backup written: what the copy holds, and the journal's own integrity check at the
/// copy's instant (`ok` when sound; the copy is rebuilt from the journal's rows, so a damaged
/// index in the journal leaves a sound copy of a journal that is not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub holds: Holds,
    pub journal_integrity: String,
}

impl Holds {
    /// The schema version this lipa writes.
    pub fn known() -> usize {
        schema::MIGRATIONS.len()
    }
}

/// Why a backup could not be made or read.
#[derive(Debug)]
pub enum BackupError {
    /// The journal or the copy could not be read as a journal (its own words).
    Journal(JournalError),
    /// The copy could not be written (the file system's words).
    Io(std::io::Error),
    /// The copy was made but does not check out (integrity or schema): it was not kept.
    Unsound(String),
}

impl From<JournalError> for BackupError {
    fn from(e: JournalError) -> Self {
        BackupError::Journal(e)
    }
}

impl From<rusqlite::Error> for BackupError {
    fn from(e: rusqlite::Error) -> Self {
        BackupError::Journal(JournalError::Sqlite(e))
    }
}

impl From<std::io::Error> for BackupError {
    fn from(e: std::io::Error) -> Self {
        BackupError::Io(e)
    }
}

/// Opens `path` to read only, whatever its schema: SQLite's read-only open (beside a WAL),
/// else its immutable open when no WAL holds changes (a directory that cannot be written).
fn read_only(path: &Path) -> Result<Connection, JournalError> {
    let open_err = |source| JournalError::Open {
        path: path.to_path_buf(),
        source,
    };
    if !path.is_file() {
        return Err(open_err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some("no such file".into()),
        )));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
    let ready = |conn: Connection| -> Result<Connection, rusqlite::Error> {
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })?;
        Ok(conn)
    };
    match Connection::open_with_flags(file_uri(path, false), flags).and_then(ready) {
        Ok(c) => Ok(c),
        Err(first) => {
            let wal = PathBuf::from(format!("{}-wal", path.display()));
            if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                return Err(open_err(first));
            }
            Connection::open_with_flags(file_uri(path, true), flags)
                .and_then(ready)
                .map_err(open_err)
        }
    }
}

/// What the journal file at `path` holds, read only (nothing is written, whatever its
/// schema). A file that is not a lipa journal is an error.
pub fn inspect(path: &Path) -> Result<Holds, JournalError> {
    let conn = read_only(path)?;
    // SQLite refuses even a stray write (the open is read-only already).
    conn.pragma_update(None, "query_only", "ON")?;
    holds(&conn)
}

fn holds(conn: &Connection) -> Result<Holds, JournalError> {
    let schema: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
    let payments = count("SELECT count(*) FROM payments")?;
    let open = count("SELECT count(*) FROM payments WHERE status NOT IN ('paid', 'failed')")?;
    let newest = conn
        .query_row(
            "SELECT reference, created_at FROM payments ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(e),
        })?;
    let has_closings = count("SELECT count(*) FROM sqlite_schema WHERE name = 'closings'")? > 0;
    let closings = if has_closings {
        count("SELECT count(*) FROM closings")?
    } else {
        0
    };
    Ok(Holds {
        schema,
        integrity,
        payments,
        open,
        newest,
        closings,
    })
}

/// Copies the journal at `journal` into `dest` (see the module's words), and what the copy
/// holds, read back from it.
pub fn backup(journal: &Path, dest: &Path) -> Result<Copied, BackupError> {
    let source = read_only(journal)?;
    let dir = dest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "journal.sqlite3".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = copy_into(&source, &tmp).and_then(|holds| {
        std::fs::rename(&tmp, dest)?;
        // The rename itself on disk.
        std::fs::File::open(dir)?.sync_all()?;
        Ok(holds)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// `VACUUM INTO` a new private file at `tmp`, synced and checked.
fn copy_into(source: &Connection, tmp: &Path) -> Result<Copied, BackupError> {
    // Made private before a byte is in it (VACUUM INTO writes into an empty file).
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    drop(options.open(tmp)?);
    let before = holds(source)?;
    let tmp_text = tmp.to_string_lossy().to_string();
    source.execute("VACUUM INTO ?1", [&tmp_text])?;
    let marked = recorded_as_sending(tmp)?;
    if marked > 0 {
        tracing::info!(
            marked,
            "payments recorded but not yet sent copied as being sent"
        );
    }
    released(tmp)?;
    if before.integrity != "ok" {
        // `VACUUM INTO` copies an index's pages as they are: one that disagrees with its
        // table is rebuilt from the rows, which the copy holds whole.
        let copy = Connection::open(tmp)?;
        copy.execute_batch("REINDEX")?;
        // The search line's index (FTS5, `search.rs`) is rebuilt from the rows as well:
        // REINDEX leaves it as it was.
        let search: i64 = copy.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'payments_search'",
            [],
            |r| r.get(0),
        )?;
        if search > 0 {
            copy.execute_batch("INSERT INTO payments_search (payments_search) VALUES ('rebuild')")?;
        }
    }
    std::fs::File::open(tmp)?.sync_all()?;
    let copy = read_only(tmp)?;
    let after = holds(&copy)?;
    drop(copy);
    if after.integrity != "ok" {
        return Err(BackupError::Unsound(after.integrity));
    }
    if after.schema != before.schema {
        return Err(BackupError::Unsound(format!(
            "schema {} in the copy, {} in the journal",
            after.schema, before.schema
        )));
    }
    // Payments are never removed: the copy, made after `before` was read, holds at least
    // as many.
    if after.payments < before.payments {
        return Err(BackupError::Unsound(format!(
            "{} payments in the copy, {} in the journal",
            after.payments, before.payments
        )));
    }
    if before.integrity != "ok" {
        tracing::warn!(integrity = %before.integrity, "the journal itself is damaged; the copy is sound");
    }
    Ok(Copied {
        holds: after,
        journal_integrity: before.integrity,
    })
}

/// In the copy, no payment is followed by anyone: the processes that held their poll leases
/// are not where the copy is restored, and a restored lipa takes every open payment at once
/// instead of waiting out leases nobody renews. A copy of a schema without leases has none.
fn released(copy: &Path) -> Result<(), rusqlite::Error> {
    let conn = Connection::open(copy)?;
    let has_leases: i64 = conn.query_row(
        "SELECT count(*) FROM pragma_table_info('payments') WHERE name = 'lease_owner'",
        [],
        |r| r.get(0),
    )?;
    if has_leases > 0 {
        conn.execute(
            "UPDATE payments SET lease_owner = NULL, lease_until = NULL
             WHERE lease_owner IS NOT NULL OR lease_until IS NOT NULL",
            [],
        )?;
    }
    Ok(())
}

/// In the copy, a payment `recorded` (journalled, its request not yet sent) is written as
/// `sending`, as the send itself writes it. The process that recorded it sends it a moment
/// later, after the copy's instant: restored, it must be asked about by its reference, never
/// taken for one that was never sent (a `recorded` payment older than a send could take is
/// failed as never sent, without asking, while its customer may have paid). Plain SQL, so a
/// copy of an older schema is marked too.
fn recorded_as_sending(copy: &Path) -> Result<usize, rusqlite::Error> {
    let mut conn = Connection::open(copy)?;
    let tx = conn.transaction()?;
    let now = super::rows::ts(chrono::Utc::now());
    let said = crate::strings::Msg::Empty.to_stored();
    tx.execute(
        "INSERT INTO events (payment_id, at, status, message)
         SELECT id, ?1, 'sending', ?2 FROM payments WHERE status = 'recorded' ORDER BY id",
        rusqlite::params![now, said],
    )?;
    let marked = tx.execute(
        "UPDATE payments SET status = 'sending', message = ?2, updated_at = ?1,
             sent_at = COALESCE(sent_at, ?1)
         WHERE status = 'recorded'",
        rusqlite::params![now, said],
    )?;
    tx.commit()?;
    Ok(marked)
}
