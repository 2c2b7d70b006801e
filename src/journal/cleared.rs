//! Finished payments a person cleared off their console's list: never shown to them again as
//! "finished meanwhile" when their console starts again (a restart, an SSH session that
//! reconnects). Kept per operator: one cashier's clearing says nothing of what another saw.

use super::rows;
use super::{Journal, JournalError};
use chrono::Utc;
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
}
