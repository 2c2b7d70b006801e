//! Copying a till's embedded journal into the shared ledger: each payment with its history,
//! once (the same payment already there — same provider and reference, phone, amount and
//! moment it was recorded — is left as it is; another payment under that reference is a clash,
//! reported and not copied).

use super::PgStore;
use super::rows::add_event;
use crate::journal::{Closing, Imported, JournalError};
use crate::payment::{Event, Payment};

impl PgStore {
    /// Adds `p` and its history unless the ledger holds its provider and reference already:
    /// then it is the same payment, or a clash. `replaces`: the ledger's id of the payment it
    /// sent again, imported (or found the same) before it; never looked up by reference, which
    /// may be another till's payment (a clash). With the outcome, the ledger's id of `p`.
    pub fn import_payment(
        &self,
        p: Payment,
        events: Vec<Event>,
        replaces: Option<i64>,
        till: String,
    ) -> Result<(Imported, Option<i64>), JournalError> {
        self.run(|pool| async move {
            let mut client = pool.get().await?;
            let tx = client.transaction().await?;
            let unknown = |v: &str| (v != crate::operator::UNKNOWN).then(|| v.to_string());
            let till = unknown(&p.till).unwrap_or(till);
            let polls = i64::from(p.polls);
            let row = tx
                .query_opt(
                    "INSERT INTO payments (provider, reference, phone, amount_minor, currency,
                         channel, email, name, status, message, provider_id, created_at,
                         updated_at, sent_at, polls, checked, said, lookup, heard_at, checked_by,
                         checked_at, check_note, replaces, operator, flag, till, wallet_ref)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                         $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)
                     ON CONFLICT (provider, reference) DO NOTHING RETURNING id",
                    &[
                        &p.provider.id(),
                        &p.reference.as_str(),
                        &p.phone,
                        &p.amount.minor(),
                        &p.amount.currency().code(),
                        &p.channel,
                        &p.email,
                        &p.name,
                        &p.status.id(),
                        &p.message.to_stored(),
                        &p.provider_id,
                        &p.created_at,
                        &p.updated_at,
                        &p.sent_at,
                        &polls,
                        &p.checked,
                        &p.said.to_stored(),
                        &p.lookup.map(|l| l.id()),
                        &p.heard_at,
                        &p.checked_by,
                        &p.checked_at,
                        &p.check_note,
                        &replaces,
                        &unknown(&p.operator),
                        &p.flag.as_ref().map(|f| f.to_stored()),
                        &till,
                        &p.wallet_ref,
                    ],
                )
                .await?;
            let Some(row) = row else {
                let there = super::rows::select(
                    &tx,
                    "WHERE provider = $1 AND reference = $2",
                    &[&p.provider.id(), &p.reference.as_str()],
                )
                .await?;
                let same = there.iter().find(|t| {
                    t.phone == p.phone && t.amount == p.amount && t.created_at == p.created_at
                });
                return Ok(match (same, there.first()) {
                    (Some(same), _) => (Imported::There, Some(same.id)),
                    (None, Some(other)) => (Imported::Clash(Box::new(other.clone())), None),
                    // Gone since the insert found it: nothing to link to.
                    (None, None) => (Imported::There, None),
                });
            };
            let id: i64 = row.try_get(0)?;
            for e in &events {
                add_event(
                    &tx,
                    id,
                    e.at,
                    e.kind,
                    e.status,
                    &e.message,
                    e.who.as_deref(),
                )
                .await?;
            }
            tx.commit().await?;
            Ok((Imported::Added, Some(id)))
        })
    }

    /// Adds a closed day, its number kept, unless that till's day (or that number) is closed
    /// already: then it is the same Z report, or a clash.
    pub fn import_closing(&self, c: Closing) -> Result<Imported, JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            let n = client
                .execute(
                    "INSERT INTO closings (till, number, day, closed_at, closed_by, report)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                    &[
                        &c.till,
                        &c.number,
                        &c.day,
                        &c.closed_at,
                        &c.closed_by,
                        &c.report,
                    ],
                )
                .await?;
            if n == 1 {
                return Ok(Imported::Added);
            }
            let same = client
                .query_opt(
                    "SELECT 1 FROM closings WHERE till = $1 AND number = $2 AND day = $3
                         AND report = $4",
                    &[&c.till, &c.number, &c.day, &c.report],
                )
                .await?;
            Ok(if same.is_some() {
                Imported::There
            } else {
                Imported::ClosingClash
            })
        })
    }
}
