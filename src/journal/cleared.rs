//! Finished payments a person cleared off their console's list: never shown to them again as
//! "finished meanwhile" when their console starts again (a restart, an SSH session that
//! reconnects). Kept per operator: one cashier's clearing says nothing of what another saw.

use super::rows;
use super::{Journal, JournalError};
use chrono::{DateTime, Utc};
use rusqlite::{TransactionBehavior, params};

impl Journal {
    /// `operator` cleared these finished payments off their list.
    pub fn clear(&self, ids: &[i64], operator: &str) -> Result<(), JournalError> {
        if ids.is_empty() {
            return Ok(());
        }
        if let Some(pg) = self.pg() {
            return pg.clear(ids.to_vec(), operator.to_string());
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = rows::ts(Utc::now());
        {
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO cleared (payment_id, operator, at) VALUES (?1, ?2, ?3)",
            )?;
            for id in ids {
                insert.execute(params![id, operator, at])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The payments recorded since `since` that `operator` cleared off their list.
    pub fn cleared_since(
        &self,
        since: DateTime<Utc>,
        operator: &str,
    ) -> Result<Vec<i64>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.cleared_since(since, operator.to_string());
        }
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT c.payment_id FROM cleared c JOIN payments p ON p.id = c.payment_id
             WHERE c.operator = ?1 AND p.created_at >= ?2",
        )?;
        let ids = stmt.query_map(params![operator, rows::ts(since)], |r| r.get(0))?;
        Ok(ids.collect::<Result<Vec<i64>, _>>()?)
    }

    /// Who cleared payment `id` off their list, and when (an embedded journal's, for
    /// `ledger import`).
    pub fn cleared_of(&self, id: i64) -> Result<Vec<(String, DateTime<Utc>)>, JournalError> {
        if self.pg().is_some() {
            return Err(JournalError::Corrupt("cleared of the shared ledger".into()));
        }
        let conn = self.conn()?;
        let mut stmt = conn
            .prepare_cached("SELECT operator, at FROM cleared WHERE payment_id = ?1 ORDER BY at")?;
        let all = stmt.query_map(params![id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in all {
            let (who, at) = row?;
            out.push((who, rows::parse_ts(&at)?));
        }
        Ok(out)
    }

    /// Copies who cleared the ledger's payment `id` off their list, and when, into this
    /// shared ledger (`ledger import`: a cashier's cleared payments stay cleared).
    pub fn import_cleared(
        &self,
        id: i64,
        cleared: Vec<(String, DateTime<Utc>)>,
    ) -> Result<(), JournalError> {
        match self.pg() {
            Some(pg) if !cleared.is_empty() => pg.import_cleared(id, cleared),
            Some(_) => Ok(()),
            None => Err(JournalError::Corrupt(
                "import into an embedded journal".into(),
            )),
        }
    }
}
