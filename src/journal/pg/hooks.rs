//! The providers' callbacks on the shared ledger (see `journal::hooks`): a new one naming a
//! payment tells every till (`h<id>` on `lipa_payments`), so the one following it asks now.

use super::PgStore;
use super::rows::{add_event, lock, now, select};
use crate::journal::JournalError;
use crate::journal::hooks::{Hook, HookSaved, NewHook, digest};
use crate::payment::{EventKind, Payment};
use crate::provider_kind::ProviderKind;

impl PgStore {
    pub fn record_hook(&self, hook: NewHook) -> Result<HookSaved, JournalError> {
        self.run(|pool| async move {
            let mut client = pool.get().await?;
            let tx = client.transaction().await?;
            let at = now(&tx).await?;
            let row = tx
                .query_opt(
                    "INSERT INTO hooks
                         (received_at, provider, source, checked, named, payment_id, outcome,
                          body, digest)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                     ON CONFLICT (provider, digest) DO NOTHING
                     RETURNING id",
                    &[
                        &at,
                        &hook.provider.id(),
                        &hook.source,
                        &hook.checked,
                        &hook.named,
                        &hook.payment_id,
                        &hook.outcome,
                        &hook.body,
                        &digest(&hook.body),
                    ],
                )
                .await?;
            let Some(row) = row else {
                return Ok(HookSaved::Duplicate);
            };
            let id: i64 = row.try_get(0)?;
            if let Some(payment) = hook.payment_id {
                let current = lock(&tx, payment).await?;
                add_event(
                    &tx,
                    payment,
                    at,
                    EventKind::Hook,
                    current.status,
                    &hook.message,
                    Some(&hook.source),
                )
                .await?;
                if hook.outcome == "asked" {
                    tx.execute(
                        "SELECT pg_notify('lipa_payments', 'h' || $1::text)",
                        &[&payment.to_string()],
                    )
                    .await?;
                }
            }
            tx.commit().await?;
            Ok(HookSaved::New(id))
        })
    }

    pub fn hooks(&self, payment: Option<i64>, limit: i64) -> Result<Vec<Hook>, JournalError> {
        self.run(move |pool| async move {
            let client = pool.get().await?;
            let columns = "id, received_at, provider, source, checked, named, payment_id, \
                           outcome, body";
            let rows = match payment {
                Some(p) => {
                    client
                        .query(
                            &format!(
                                "SELECT {columns} FROM hooks WHERE payment_id = $1
                                 ORDER BY id LIMIT $2"
                            ),
                            &[&p, &limit],
                        )
                        .await?
                }
                None => {
                    client
                        .query(
                            &format!(
                                "SELECT {columns} FROM hooks WHERE payment_id IS NULL
                                 ORDER BY id DESC LIMIT $1"
                            ),
                            &[&limit],
                        )
                        .await?
                }
            };
            rows.iter()
                .map(|r| {
                    Ok(Hook {
                        id: r.try_get(0)?,
                        received_at: r.try_get(1)?,
                        provider: r.try_get(2)?,
                        source: r.try_get(3)?,
                        checked: r.try_get(4)?,
                        named: r.try_get(5)?,
                        payment_id: r.try_get(6)?,
                        outcome: r.try_get(7)?,
                        body: r.try_get(8)?,
                    })
                })
                .collect()
        })
    }

    pub fn set_hook_token(&self, id: i64, hash: String) -> Result<(), JournalError> {
        self.run(move |pool| async move {
            let client = pool.get().await?;
            client
                .execute(
                    "UPDATE payments SET hook_token = $2 WHERE id = $1",
                    &[&id, &hash],
                )
                .await?;
            Ok(())
        })
    }

    pub fn hook_token(&self, id: i64) -> Result<Option<String>, JournalError> {
        self.run(move |pool| async move {
            let client = pool.get().await?;
            let row = client
                .query_opt("SELECT hook_token FROM payments WHERE id = $1", &[&id])
                .await?;
            Ok(row.and_then(|r| r.get::<_, Option<String>>(0)))
        })
    }

    pub fn set_provider_id_if_none(
        &self,
        id: i64,
        provider_id: String,
    ) -> Result<(), JournalError> {
        self.run(move |pool| async move {
            let client = pool.get().await?;
            client
                .execute(
                    "UPDATE payments SET provider_id = $2 WHERE id = $1 AND provider_id IS NULL
                         AND status NOT IN ('paid', 'failed')",
                    &[&id, &provider_id],
                )
                .await?;
            Ok(())
        })
    }

    pub fn by_provider_id(
        &self,
        provider: ProviderKind,
        provider_id: String,
    ) -> Result<Option<Payment>, JournalError> {
        self.run(move |pool| async move {
            let client = pool.get().await?;
            let found = select(
                &client,
                "WHERE provider_id = $1 AND provider = $2 ORDER BY id DESC LIMIT 1",
                &[&provider_id, &provider.id()],
            )
            .await?;
            Ok(found.into_iter().next())
        })
    }
}
