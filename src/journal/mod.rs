//! The journal: SQLite in WAL mode, the one source of truth that every face reads.
//!
//! Durability: `synchronous = FULL`, so a commit is on disk (fsync'd) before `record` or
//! `transition` returns — and the engine calls them before any request leaves the machine or
//! anyone is told. Several processes may share one journal: every change is a compare-and-set
//! inside an immediate transaction, so no update is lost and final states never change.

mod rows;
mod schema;

use crate::money::Money;
use crate::payment::{Event, NewPayment, Payment, Status};
use crate::provider::ProviderKind;
use crate::reference::Reference;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// File name of the journal inside the data directory.
pub const FILE_NAME: &str = "journal.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{}", crate::strings::engine::journal_open(.path, .source))]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}", crate::strings::engine::journal_sqlite(.0))]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", crate::strings::engine::reference_in_journal(.0))]
    DuplicateReference(String),
    #[error("{}", crate::strings::engine::journal_corrupt(.0))]
    Corrupt(String),
    #[error("{}", crate::strings::engine::journal_too_new(*.0))]
    TooNew(usize),
}

/// A handle on the journal file. Cheap to share behind an `Arc`; calls are short and blocking.
pub struct Journal {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Journal {
    /// Opens (creating if needed) the journal at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Journal, JournalError> {
        if let Some(dir) = path.parent() {
            let _ = crate::data_dir::ensure(dir);
        }
        let open_err = |source| JournalError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        migrate(&mut conn)?;
        Ok(Journal {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        })
    }

    /// The journal inside a data directory.
    pub fn open_in(data_dir: &Path) -> Result<Journal, JournalError> {
        Journal::open(&data_dir.join(FILE_NAME))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll
        // back on drop), so a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes a new payment as `Recorded`, with its first history event. Fails with
    /// `DuplicateReference` if the provider's reference is already used.
    pub fn record(&self, new: &NewPayment, now: DateTime<Utc>) -> Result<Payment, JournalError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = rows::ts(now);
        let inserted = tx.execute(
            "INSERT INTO payments (provider, reference, phone, amount_minor, currency, channel,
                 email, name, status, message, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '', ?10, ?10)",
            params![
                new.provider.id(),
                new.reference.as_str(),
                new.phone.normalized(),
                new.amount.minor(),
                new.amount.currency().code(),
                new.channel,
                new.email,
                new.name,
                Status::Recorded.id(),
                at,
            ],
        );
        match inserted {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                return Err(JournalError::DuplicateReference(
                    new.reference.as_str().to_string(),
                ));
            }
            other => other?,
        };
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO events (payment_id, at, status, message) VALUES (?1, ?2, ?3, '')",
            params![id, at, Status::Recorded.id()],
        )?;
        let payment = rows::get(&tx, id)?.ok_or_else(|| JournalError::Corrupt(id.to_string()))?;
        tx.commit()?;
        Ok(payment)
    }

    /// Moves a payment to `to` if the status machine allows it from its current state (read
    /// inside the same transaction, so concurrent writers cannot both win). Returns the updated
    /// payment, or `None` if the change was not allowed (e.g. already final).
    pub fn transition(
        &self,
        id: i64,
        to: Status,
        message: &str,
        provider_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Payment>, JournalError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(current) = rows::get(&tx, id)? else {
            return Ok(None);
        };
        if !current.status.can_become(to) {
            return Ok(None);
        }
        let at = rows::ts(now);
        let sent_at = if to == Status::Sending {
            Some(at.clone())
        } else {
            None
        };
        tx.execute(
            "UPDATE payments SET status = ?2, message = ?3, updated_at = ?4,
                 provider_id = COALESCE(?5, provider_id), sent_at = COALESCE(?6, sent_at)
             WHERE id = ?1",
            params![id, to.id(), message, at, provider_id, sent_at],
        )?;
        tx.execute(
            "INSERT INTO events (payment_id, at, status, message) VALUES (?1, ?2, ?3, ?4)",
            params![id, at, to.id(), message],
        )?;
        let updated = rows::get(&tx, id)?;
        tx.commit()?;
        Ok(updated)
    }

    /// Counts one status query and keeps the provider's latest words, without changing status.
    /// Returns the payment as it now stands.
    pub fn note_poll(
        &self,
        id: i64,
        message: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Option<Payment>, JournalError> {
        let conn = self.conn();
        conn.execute(
            "UPDATE payments SET polls = polls + 1, message = COALESCE(?2, message),
                 updated_at = ?3 WHERE id = ?1",
            params![id, message, rows::ts(now)],
        )?;
        Ok(rows::get(&conn, id)?)
    }

    /// A person has looked at a payment that needed attention.
    pub fn mark_checked(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Payment>, JournalError> {
        let conn = self.conn();
        conn.execute(
            "UPDATE payments SET checked = 1, updated_at = ?2 WHERE id = ?1",
            params![id, rows::ts(now)],
        )?;
        Ok(rows::get(&conn, id)?)
    }

    pub fn get(&self, id: i64) -> Result<Option<Payment>, JournalError> {
        Ok(rows::get(&self.conn(), id)?)
    }

    pub fn by_reference(
        &self,
        provider: ProviderKind,
        reference: &Reference,
    ) -> Result<Option<Payment>, JournalError> {
        let conn = self.conn();
        let id: Option<i64> = conn
            .query_row(
                "SELECT id FROM payments WHERE provider = ?1 AND reference = ?2",
                params![provider.id(), reference.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        match id {
            Some(id) => Ok(rows::get(&conn, id)?),
            None => Ok(None),
        }
    }

    /// Whether a reference is already used for this provider.
    pub fn reference_exists(
        &self,
        provider: ProviderKind,
        reference: &Reference,
    ) -> Result<bool, JournalError> {
        Ok(self.by_reference(provider, reference)?.is_some())
    }

    /// Every payment that is not paid or failed, oldest first (attention included).
    pub fn unresolved(&self) -> Result<Vec<Payment>, JournalError> {
        rows::select(
            &self.conn(),
            "WHERE status NOT IN ('paid', 'failed') ORDER BY id",
            params![],
        )
    }

    /// Payments created at or after `since`, oldest first.
    pub fn since(&self, since: DateTime<Utc>) -> Result<Vec<Payment>, JournalError> {
        rows::select(
            &self.conn(),
            "WHERE created_at >= ?1 ORDER BY id",
            params![rows::ts(since)],
        )
    }

    /// Every payment, oldest first.
    pub fn all(&self) -> Result<Vec<Payment>, JournalError> {
        rows::select(&self.conn(), "ORDER BY id", params![])
    }

    /// The newest payment to the same phone for the same amount created at or after `since` that
    /// did not fail: the duplicate guard's question.
    pub fn recent_same(
        &self,
        phone: &str,
        amount: Money,
        since: DateTime<Utc>,
    ) -> Result<Option<Payment>, JournalError> {
        let found = rows::select(
            &self.conn(),
            "WHERE phone = ?1 AND amount_minor = ?2 AND currency = ?3 AND created_at >= ?4
                 AND status != 'failed' ORDER BY id DESC LIMIT 1",
            params![
                phone,
                amount.minor(),
                amount.currency().code(),
                rows::ts(since)
            ],
        )?;
        Ok(found.into_iter().next())
    }

    /// A payment's history, oldest first.
    pub fn events(&self, id: i64) -> Result<Vec<Event>, JournalError> {
        rows::events(&self.conn(), id)
    }

    /// SQLite's own integrity check: `ok` when the file is sound.
    pub fn integrity_check(&self) -> Result<String, JournalError> {
        Ok(self
            .conn()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

fn migrate(conn: &mut Connection) -> Result<(), JournalError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
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
        let conn = journal.conn();
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
