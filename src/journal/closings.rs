//! Closed days: a Z report per day and till, numbered, kept as it was when the day closed.

use super::rows;
use super::{Journal, JournalError};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

/// A closed day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// The Z number: one more than any before it in this journal, never reused.
    pub number: i64,
    pub day: String,
    pub till: String,
    pub closed_at: DateTime<Utc>,
    pub closed_by: String,
    /// The day's report as it stood (JSON).
    pub report: String,
}

const SELECT: &str = "SELECT number, day, till, closed_at, closed_by, report FROM closings WHERE day = ?1 AND till = ?2";

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<Closing> {
    Ok(Closing {
        number: r.get(0)?,
        day: r.get(1)?,
        till: r.get(2)?,
        closed_at: rows::parse_ts(&r.get::<_, String>(3)?)?,
        closed_by: r.get(4)?,
        report: r.get(5)?,
    })
}

/// What importing one payment into the shared ledger did.
#[derive(Debug, Clone, PartialEq)]
pub enum Imported {
    Added,
    /// The same payment was there already (a second import).
    There,
    /// Another payment holds that provider's reference there: nothing copied (the ledger's
    /// payment, as it stands).
    Clash(Box<crate::payment::Payment>),
    /// Another Z report holds that till's day or number there: nothing copied.
    ClosingClash,
}

impl Journal {
    /// The day's closing at this till, if it is closed.
    pub fn closing(&self, day: &str, till: &str) -> Result<Option<Closing>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.closing(day, till);
        }
        let conn = self.conn()?;
        Ok(conn
            .prepare_cached(SELECT)?
            .query_row(params![day, till], read)
            .optional()?)
    }

    /// Closes the day with this report. Returns the closing, and whether it is new (`false`:
    /// the day was closed already, and stays as it was).
    pub fn close_day(
        &self,
        day: &str,
        till: &str,
        by: &str,
        report: &str,
    ) -> Result<(Closing, bool), JournalError> {
        if let Some(pg) = self.pg() {
            return pg.close_day(day.into(), till.into(), by.into(), report.into());
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(old) = tx
            .prepare_cached(SELECT)?
            .query_row(params![day, till], read)
            .optional()?
        {
            return Ok((old, false));
        }
        tx.execute(
            "INSERT INTO closings (day, till, closed_at, closed_by, report)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![day, till, rows::ts(Utc::now()), by, report],
        )?;
        let closing = tx
            .prepare_cached(SELECT)?
            .query_row(params![day, till], read)?;
        tx.commit()?;
        Ok((closing, true))
    }

    /// Every closed day, oldest first (for `lipa ledger import`).
    pub fn closings(&self) -> Result<Vec<Closing>, JournalError> {
        if self.pg().is_some() {
            return Err(JournalError::Corrupt(
                "closings of the shared ledger".into(),
            ));
        }
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT number, day, till, closed_at, closed_by, report FROM closings ORDER BY number",
        )?;
        let all = stmt.query_map([], read)?;
        Ok(all.collect::<Result<Vec<_>, _>>()?)
    }

    /// Copies one payment of a till's journal, with its history, into this shared ledger.
    /// `replaces`: the ledger's id of the payment it sent again (as this import copied or
    /// found it); `till`: the till for a payment recorded without one. With the outcome, the
    /// ledger's id of the payment (added, or the same one there already; `None` on a clash).
    pub fn import_payment(
        &self,
        p: &crate::payment::Payment,
        events: Vec<crate::payment::Event>,
        replaces: Option<i64>,
        till: &str,
    ) -> Result<(Imported, Option<i64>), JournalError> {
        match self.pg() {
            Some(pg) => pg.import_payment(p.clone(), events, replaces, till.to_string()),
            None => Err(JournalError::Corrupt(
                "import into an embedded journal".into(),
            )),
        }
    }

    /// Copies a closed day into this shared ledger, its Z number kept (`false`: closed there).
    pub fn import_closing(&self, c: &Closing) -> Result<Imported, JournalError> {
        match self.pg() {
            Some(pg) => pg.import_closing(c.clone()),
            None => Err(JournalError::Corrupt(
                "import into an embedded journal".into(),
            )),
        }
    }
}
