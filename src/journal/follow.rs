//! What another process wrote to this till's embedded journal (a second console, a script's
//! `lipa push`), for the engine to show: SQLite counts the commits of other connections
//! (`PRAGMA data_version`), and the payments recorded since the last look are a range of ids.
//! (On the shared ledger, PostgreSQL's notifications say it instead: `pg/listen.rs`.)

use super::{Journal, JournalError, rows};
use crate::payment::Payment;
use rusqlite::params;

/// The most new payments read in one look (the rest at the next).
pub const NEWER_MAX: usize = 500;

impl Journal {
    /// A mark that changes when another connection (another process) commits; `None` on the
    /// shared ledger, whose news comes otherwise.
    pub fn others_mark(&self) -> Result<Option<i64>, JournalError> {
        if self.pg().is_some() {
            return Ok(None);
        }
        let conn = self.conn()?;
        let mark: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok(Some(mark))
    }

    /// The highest payment id (0 when there is none).
    pub fn last_id(&self) -> Result<i64, JournalError> {
        if self.pg().is_some() {
            return Ok(0);
        }
        let conn = self.conn()?;
        Ok(
            conn.query_row("SELECT COALESCE(MAX(id), 0) FROM payments", [], |r| {
                r.get(0)
            })?,
        )
    }

    /// Payments recorded after `id`, oldest first, at most [`NEWER_MAX`].
    pub fn after_id(&self, id: i64) -> Result<Vec<Payment>, JournalError> {
        if self.pg().is_some() {
            return Ok(Vec::new());
        }
        rows::select(
            &*self.conn()?,
            "WHERE id > ?1 ORDER BY id LIMIT ?2",
            params![id, NEWER_MAX as i64],
        )
    }
}
