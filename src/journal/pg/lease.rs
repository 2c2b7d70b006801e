//! Poll leases on the shared ledger (see `journal/lease.rs`): taken over with
//! `FOR UPDATE SKIP LOCKED`, so a till never waits for another's claim, renewed by the holder
//! with a plain update (which waits out a short lock on the row: skipping it would read as the
//! lease held by another till), and stamped with the database's clock, one clock for every
//! till.

use super::PgStore;
use crate::journal::JournalError;

impl PgStore {
    pub fn claim_poll(&self, id: i64, owner: String, lease_ms: i64) -> Result<bool, JournalError> {
        self.run(|pool| async move {
            let mut client = pool.get().await?;
            // This till's own lease: renewed whoever holds the row's lock for a moment (a
            // status write, another till looking at the lease), never read as lost for it.
            let renewed = client
                .execute(
                    "UPDATE payments
                     SET lease_until = clock_timestamp() + $3::bigint * interval '1 millisecond'
                     WHERE id = $1 AND lease_owner = $2 AND status NOT IN ('paid', 'failed')",
                    &[&id, &owner, &lease_ms],
                )
                .await?;
            if renewed == 1 {
                return Ok(true);
            }
            let tx = client.transaction().await?;
            let row = tx
                .query_opt(
                    "SELECT lease_owner, COALESCE(lease_until < clock_timestamp(), true)
                     FROM payments WHERE id = $1 AND status NOT IN ('paid', 'failed')
                     FOR UPDATE SKIP LOCKED",
                    &[&id],
                )
                .await?;
            let Some(row) = row else {
                return Ok(false);
            };
            let (holder, run_out): (Option<String>, bool) = (row.try_get(0)?, row.try_get(1)?);
            let free = run_out
                || holder.as_deref().is_none_or(|h| h == owner)
                || holder
                    .as_deref()
                    .is_some_and(crate::journal::lease::holder_is_gone);
            if !free {
                // Let go of the row before answering (a dropped transaction is rolled back
                // later, holding the row's lock meanwhile).
                tx.rollback().await?;
                return Ok(false);
            }
            tx.execute(
                "UPDATE payments SET lease_owner = $2,
                     lease_until = clock_timestamp() + $3::bigint * interval '1 millisecond'
                 WHERE id = $1",
                &[&id, &owner, &lease_ms],
            )
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    pub fn release_all(&self, owner: String) -> Result<(), JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            client
                .execute(
                    "UPDATE payments SET lease_owner = NULL, lease_until = NULL
                     WHERE lease_owner = $1 AND status NOT IN ('paid', 'failed')",
                    &[&owner],
                )
                .await?;
            Ok(())
        })
    }

    pub fn release_poll(&self, id: i64, owner: String) -> Result<(), JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            client
                .execute(
                    "UPDATE payments SET lease_owner = NULL, lease_until = NULL
                     WHERE id = $1 AND lease_owner = $2 AND status NOT IN ('paid', 'failed')",
                    &[&id, &owner],
                )
                .await?;
            Ok(())
        })
    }

    pub fn unclaimed(&self, lease_ms: i64) -> Result<Vec<i64>, JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            let rows = client
                .query(
                    "SELECT id, lease_owner, COALESCE(lease_until < clock_timestamp(), true)
                     FROM payments WHERE status NOT IN ('paid', 'failed', 'attention')
                       AND NOT (status = 'recorded' AND lease_owner IS NULL
                           AND created_at > clock_timestamp()
                               - $1::bigint * interval '1 millisecond')
                     ORDER BY id",
                    &[&lease_ms],
                )
                .await?;
            let mut ids = Vec::new();
            for r in &rows {
                let (id, holder, run_out): (i64, Option<String>, bool) =
                    (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
                if run_out
                    || holder
                        .as_deref()
                        .is_some_and(crate::journal::lease::holder_is_gone)
                {
                    ids.push(id);
                }
            }
            Ok(ids)
        })
    }

    pub fn held(&self) -> Result<Vec<i64>, JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            let rows = client
                .query(
                    "SELECT id, lease_owner FROM payments
                     WHERE status NOT IN ('paid', 'failed', 'attention')
                       AND lease_owner IS NOT NULL AND lease_until >= clock_timestamp()
                     ORDER BY id",
                    &[],
                )
                .await?;
            let mut ids = Vec::new();
            for r in &rows {
                let (id, holder): (i64, String) = (r.try_get(0)?, r.try_get(1)?);
                if !crate::journal::lease::holder_is_gone(&holder) {
                    ids.push(id);
                }
            }
            Ok(ids)
        })
    }
}
