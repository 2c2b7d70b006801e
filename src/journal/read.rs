//! Every read of the journal.

use super::rows;
use super::{Journal, JournalError};
use crate::money::Currency;
use crate::payment::{Event, Payment, Status};
use crate::provider_kind::ProviderKind;
use crate::reference::Reference;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

// The queries of the faces, named so that a test can see each is an index lookup.
pub(super) const FIND_REFERENCE: &str = "WHERE reference = ?1 ORDER BY id DESC LIMIT 1";
pub(super) const UNRESOLVED: &str = "WHERE status NOT IN ('paid', 'failed') ORDER BY id";
pub(super) const SINCE: &str = "WHERE created_at >= ?1 ORDER BY created_at, id";
/// Read through the window of `created_at` (its index, newest first, stopping at the limit):
/// by the status index, a console's start read every payment ever paid when few ended
/// recently (0.8 s over a million; `+status` keeps SQLite off that index).
pub(super) const RECENTLY_DONE: &str = "WHERE created_at >= ?1 AND +status IN ('paid', 'failed')
     AND (?2 IS NULL OR operator = ?2)
     AND NOT EXISTS (SELECT 1 FROM cleared c WHERE c.payment_id = payments.id AND c.operator = ?4)
     ORDER BY created_at DESC, id DESC LIMIT ?3";
pub(super) const DAY_PAGE: &str = "WHERE created_at >= ?1 AND (?5 IS NULL OR created_at < ?5)
     AND (?4 IS NULL OR operator = ?4) ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3";
pub(super) const DAY_SUMMARY: &str =
    "SELECT provider, currency, status, COUNT(*), SUM(amount_minor), MAX(id), checked
     FROM payments WHERE created_at >= ?1 AND (?3 IS NULL OR created_at < ?3)
       AND (?2 IS NULL OR operator = ?2)
     GROUP BY provider, currency, status, checked";

pub(super) const DAY_OPERATORS: &str =
    "SELECT COALESCE(operator, 'unknown'), currency, COUNT(*), SUM(status = 'paid'),
            SUM(CASE WHEN status = 'paid' THEN amount_minor ELSE 0 END)
     FROM payments WHERE created_at >= ?1 AND (?3 IS NULL OR created_at < ?3)
       AND (?2 IS NULL OR operator = ?2)
     GROUP BY 1, currency ORDER BY 1, currency";

/// What one operator did in a day, in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorDay {
    pub operator: String,
    pub currency: Currency,
    /// Payments pushed.
    pub count: u64,
    /// Of them, paid.
    pub paid: u64,
    /// Their sum, in minor units (`None` only if SQLite's sum overflowed).
    pub paid_minor: Option<i64>,
}

/// A day's counts and sums per provider, currency and status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DaySummary {
    pub totals: Vec<DayTotal>,
    /// Payments of the day.
    pub count: u64,
    /// The newest payment's id (0 when none).
    pub newest_id: i64,
    /// Per operator and currency.
    pub operators: Vec<OperatorDay>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTotal {
    pub provider: ProviderKind,
    pub currency: Currency,
    pub status: Status,
    /// *Attention* payments a person has marked checked (counted apart).
    pub checked: bool,
    pub count: u64,
    /// `None` only if SQLite's sum overflowed (it cannot, with amounts capped far below).
    pub minor: Option<i64>,
}

impl Journal {
    pub fn get(&self, id: i64) -> Result<Option<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.get(id);
        }
        Ok(rows::get(&*self.conn()?, id)?)
    }

    /// The payments with these ids (those that exist), in id order: one read for a burst of
    /// news.
    pub fn get_many(&self, ids: &[i64]) -> Result<Vec<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.get_many(ids.to_vec());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        rows::select(
            &*self.conn()?,
            &format!("WHERE id IN ({list}) ORDER BY id"),
            params![],
        )
    }

    pub fn by_reference(
        &self,
        provider: ProviderKind,
        reference: &Reference,
    ) -> Result<Option<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.by_reference(provider, reference.as_str());
        }
        let conn = self.conn()?;
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
        if let Some(pg) = self.pg() {
            return pg.find_reference(reference);
        }
        let found = rows::select(&*self.conn()?, FIND_REFERENCE, params![reference.trim()])?;
        Ok(found.into_iter().next())
    }

    /// Whether a reference is already used for this provider.
    pub fn reference_exists(
        &self,
        provider: ProviderKind,
        reference: &Reference,
    ) -> Result<bool, JournalError> {
        if let Some(pg) = self.pg() {
            return Ok(pg.by_reference(provider, reference.as_str())?.is_some());
        }
        let conn = self.conn()?;
        let found: Option<i64> = conn
            .prepare_cached("SELECT 1 FROM payments WHERE provider = ?1 AND reference = ?2")?
            .query_row(params![provider.id(), reference.as_str()], |r| r.get(0))
            .optional()?;
        Ok(found.is_some())
    }

    /// Every payment that is not paid or failed, oldest first (attention included). The same
    /// condition as the `payments_open` index, so it reads only open rows.
    pub fn unresolved(&self) -> Result<Vec<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.unresolved();
        }
        rows::select(&*self.conn()?, UNRESOLVED, params![])
    }

    /// [`Journal::unresolved`], each payment ready to be shared.
    pub fn unresolved_shared(&self) -> Result<Vec<std::sync::Arc<Payment>>, JournalError> {
        if let Some(pg) = self.pg() {
            return Ok(pg
                .unresolved()?
                .into_iter()
                .map(std::sync::Arc::new)
                .collect());
        }
        rows::select_shared(&*self.conn()?, UNRESOLVED, params![])
    }

    /// Payments recorded at or after `since` that are paid or failed, newest first, at most
    /// `limit` (one operator's only, when given), except those `viewer` cleared off their
    /// list: what a console that starts again shows as finished meanwhile.
    pub fn recently_done(
        &self,
        since: DateTime<Utc>,
        operator: Option<&str>,
        viewer: &str,
        limit: usize,
    ) -> Result<Vec<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.recently_done(since, operator, viewer, limit);
        }
        rows::select(
            &*self.conn()?,
            RECENTLY_DONE,
            params![
                rows::ts(since),
                operator,
                i64::try_from(limit).unwrap_or(i64::MAX),
                viewer
            ],
        )
    }

    /// Payments created at or after `since`, oldest first.
    pub fn since(&self, since: DateTime<Utc>) -> Result<Vec<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.since(since);
        }
        rows::select(&*self.conn()?, SINCE, params![rows::ts(since)])
    }

    /// Counts and sums of the payments created at or after `since`, per provider, currency
    /// and status (an index range, however long the journal).
    pub fn day_summary(&self, since: DateTime<Utc>) -> Result<DaySummary, JournalError> {
        self.day_summary_of(since, None, None)
    }

    /// [`Journal::day_summary`] of the payments created before `until` too (a day's; `None`:
    /// however late), of one operator's payments only (`None`: everyone's).
    pub fn day_summary_of(
        &self,
        since: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
        who: Option<&str>,
    ) -> Result<DaySummary, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.day_summary_of(since, until, who);
        }
        let until = until.map(rows::ts);
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(DAY_SUMMARY)?;
        let mut summary = DaySummary::default();
        let rows = stmt.query_map(params![rows::ts(since), who, until], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?;
        for row in rows {
            let (provider, currency, status, count, minor, max_id, checked) = row?;
            let corrupt = |v: &str| JournalError::Corrupt(v.to_string());
            let line = DayTotal {
                provider: ProviderKind::from_id(&provider).ok_or_else(|| corrupt(&provider))?,
                currency: Currency::from_code(&currency).ok_or_else(|| corrupt(&currency))?,
                status: Status::from_id(&status).ok_or_else(|| corrupt(&status))?,
                checked,
                count: count.max(0) as u64,
                minor,
            };
            summary.count += line.count;
            summary.newest_id = summary.newest_id.max(max_id);
            summary.totals.push(line);
        }
        let mut stmt = conn.prepare_cached(DAY_OPERATORS)?;
        let rows = stmt.query_map(params![rows::ts(since), who, until], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
        for row in rows {
            let (operator, currency, count, paid, paid_minor) = row?;
            summary.operators.push(OperatorDay {
                operator,
                currency: Currency::from_code(&currency)
                    .ok_or_else(|| JournalError::Corrupt(currency.clone()))?,
                count: count.max(0) as u64,
                paid: paid.max(0) as u64,
                paid_minor,
            });
        }
        Ok(summary)
    }

    /// One page of the payments created at or after `since`, newest first: `limit` of them
    /// from position `offset`.
    pub fn day_page(
        &self,
        since: DateTime<Utc>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Payment>, JournalError> {
        self.day_page_of(since, None, offset, limit, None)
    }

    /// [`Journal::day_page`] of the payments created before `until` too (`None`: however
    /// late), of one operator's payments only (`None`: everyone's).
    pub fn day_page_of(
        &self,
        since: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
        offset: usize,
        limit: usize,
        who: Option<&str>,
    ) -> Result<Vec<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.day_page_of(since, until, offset, limit, who);
        }
        rows::select(
            &*self.conn()?,
            DAY_PAGE,
            params![
                rows::ts(since),
                limit as i64,
                offset as i64,
                who,
                until.map(rows::ts)
            ],
        )
    }

    /// Every payment, oldest first.
    pub fn all(&self) -> Result<Vec<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.all();
        }
        rows::select(&*self.conn()?, "ORDER BY id", params![])
    }

    /// A payment's history, oldest first.
    pub fn events(&self, id: i64) -> Result<Vec<Event>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.events(id);
        }
        rows::events(&*self.conn()?, id)
    }
}
