//! Every read of the journal.

use super::rows;
use super::{Journal, JournalError};
use crate::payment::{Event, Payment};
use crate::provider::ProviderKind;
use crate::reference::Reference;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

impl Journal {
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
            .prepare_cached("SELECT id FROM payments WHERE provider = ?1 AND reference = ?2")?
            .query_row(params![provider.id(), reference.as_str()], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => Ok(rows::get(&conn, id)?),
            None => Ok(None),
        }
    }

    /// A payment by its reference, whatever its provider (references are unique per provider;
    /// the newest wins if two providers share one).
    pub fn find_reference(&self, reference: &str) -> Result<Option<Payment>, JournalError> {
        let found = rows::select(
            &self.conn(),
            "WHERE reference = ?1 ORDER BY id DESC LIMIT 1",
            params![reference.trim()],
        )?;
        Ok(found.into_iter().next())
    }

    /// Whether a reference is already used for this provider.
    pub fn reference_exists(
        &self,
        provider: ProviderKind,
        reference: &Reference,
    ) -> Result<bool, JournalError> {
        let conn = self.conn();
        let found: Option<i64> = conn
            .prepare_cached("SELECT 1 FROM payments WHERE provider = ?1 AND reference = ?2")?
            .query_row(params![provider.id(), reference.as_str()], |r| r.get(0))
            .optional()?;
        Ok(found.is_some())
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

    /// A payment's history, oldest first.
    pub fn events(&self, id: i64) -> Result<Vec<Event>, JournalError> {
        rows::events(&self.conn(), id)
    }
}
