//! Finished payments an operator cleared off their list (see `journal/cleared.rs`).

use super::PgStore;
use crate::journal::JournalError;

impl PgStore {
    pub fn clear(&self, ids: Vec<i64>, operator: String) -> Result<(), JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            client
                .execute(
                    "INSERT INTO cleared (payment_id, operator, at)
                     SELECT id, $2, now() FROM unnest($1::bigint[]) AS id
                     ON CONFLICT DO NOTHING",
                    &[&ids, &operator],
                )
                .await?;
            Ok(())
        })
    }

    pub fn cleared_since(
        &self,
        since: chrono::DateTime<chrono::Utc>,
        operator: String,
    ) -> Result<Vec<i64>, JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            let rows = client
                .query(
                    "SELECT c.payment_id FROM cleared c JOIN payments p ON p.id = c.payment_id
                     WHERE c.operator = $1 AND p.created_at >= $2",
                    &[&operator, &since],
                )
                .await?;
            Ok(rows.iter().map(|r| r.get::<_, i64>(0)).collect())
        })
    }

    /// Who cleared payment `id`, and when, as a till's journal held it.
    pub fn import_cleared(
        &self,
        id: i64,
        cleared: Vec<(String, chrono::DateTime<chrono::Utc>)>,
    ) -> Result<(), JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            for (who, at) in &cleared {
                client
                    .execute(
                        "INSERT INTO cleared (payment_id, operator, at) VALUES ($1, $2, $3)
                         ON CONFLICT DO NOTHING",
                        &[&id, who, at],
                    )
                    .await?;
            }
            Ok(())
        })
    }
}
