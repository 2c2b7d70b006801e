//! Every write to the shared ledger: one transaction each, the payment's row locked before it
//! is compared and changed.

use super::PgStore;
use super::rows::{self, add_event, lock, now};
use crate::journal::{Answer, Cas, Closing, Guard, JournalError, Recorded};
use crate::msg::Msg;
use crate::payment::{EventKind, LookupKind, NewPayment, Payment, Status};
use chrono::{DateTime, Utc};
use deadpool_postgres::Transaction;

/// A status change, owned (it crosses to the ledger's runtime).
#[derive(Debug, Clone)]
pub struct OwnedChange {
    pub to: Status,
    pub message: Msg,
    pub provider_id: Option<String>,
    pub heard: bool,
}

impl OwnedChange {
    pub fn of(change: &crate::journal::Change<'_>) -> OwnedChange {
        OwnedChange {
            to: change.to,
            message: change.message.clone(),
            provider_id: change.provider_id.map(str::to_string),
            heard: change.heard,
        }
    }
}

impl PgStore {
    pub fn record(
        &self,
        new: &NewPayment,
        guard: Guard,
        till: String,
    ) -> Result<Recorded, JournalError> {
        let new = new.clone();
        self.run(|pool| async move {
            let mut client = pool.get().await?;
            let tx = client.transaction().await?;
            // The questions (a prompt waiting on the phone, a payment like it) and the insert,
            // one till at a time per phone.
            let key = new.phone.normalized().to_string();
            tx.execute(
                "SELECT pg_advisory_xact_lock(7242502, hashtext($1))",
                &[&key],
            )
            .await?;
            let at = now(&tx).await?;
            if new.provider.spec().one_prompt_per_phone {
                let open = rows::select(
                    &tx,
                    "WHERE provider = $1 AND phone = $2
                         AND status IN ('recorded', 'sending', 'pending', 'unknown')
                     ORDER BY id DESC LIMIT 1",
                    &[&new.provider.id(), &new.phone.normalized()],
                )
                .await?;
                if let Some(open) = open.into_iter().next() {
                    return Ok(Recorded::Busy(open));
                }
            }
            if let Some(same) = guarded(&tx, &new, guard, at).await? {
                return Ok(Recorded::Duplicate(same));
            }
            let inserted = tx
                .query_opt(
                    "INSERT INTO payments (provider, reference, phone, amount_minor, currency,
                         channel, email, name, status, message, created_at, updated_at,
                         replaces, operator, till)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, $10, $11, $12, $13)
                     ON CONFLICT (provider, reference) DO NOTHING
                     RETURNING id",
                    &[
                        &new.provider.id(),
                        &new.reference.as_str(),
                        &new.phone.normalized(),
                        &new.amount.minor(),
                        &new.amount.currency().code(),
                        &new.channel,
                        &new.email,
                        &new.name,
                        &Status::Recorded.id(),
                        &at,
                        &new.replaces,
                        &new.operator,
                        &till,
                    ],
                )
                .await;
            let id: i64 = match inserted? {
                Some(row) => row.try_get(0)?,
                // No row inserted: the reference is used.
                None => {
                    return Err(JournalError::DuplicateReference(
                        new.reference.as_str().to_string(),
                    ));
                }
            };
            add_event(
                &tx,
                id,
                at,
                EventKind::Status,
                Status::Recorded,
                &Msg::Empty,
                None,
            )
            .await?;
            let payment = rows::get(&tx, id)
                .await?
                .ok_or(JournalError::NoSuchPayment(id))?;
            tx.commit().await?;
            Ok(Recorded::New(payment))
        })
    }

    pub fn transition(
        &self,
        id: i64,
        from: Status,
        change: OwnedChange,
    ) -> Result<Cas, JournalError> {
        self.run(|pool| async move {
            let mut client = pool.get().await?;
            let tx = client.transaction().await?;
            let current = lock(&tx, id).await?;
            if current.status != from || !from.can_become(change.to) {
                return Ok(Cas::Stale(current));
            }
            let at = now(&tx).await?;
            move_to(&tx, &current, &change, at).await?;
            let updated = lock(&tx, id).await?;
            tx.commit().await?;
            Ok(Cas::Done(updated))
        })
    }

    pub fn answer(&self, id: i64, from: Status, answer: Answer) -> Result<Cas, JournalError> {
        self.run(|pool| async move {
            let mut client = pool.get().await?;
            let tx = client.transaction().await?;
            let current = lock(&tx, id).await?;
            if current.status != from || from.is_final() {
                return Ok(Cas::Stale(current));
            }
            let at = now(&tx).await?;
            let (lookup, heard, said) = match &answer {
                Answer::Found { message, .. } => (LookupKind::Found, true, message.clone()),
                Answer::NotFound => (LookupKind::NotFound, true, Msg::NotFoundYet),
                Answer::Failed { why } => (
                    LookupKind::Failed,
                    false,
                    Msg::QueryFailed {
                        why: Box::new(why.clone()),
                    },
                ),
            };
            tx.execute(
                "UPDATE payments SET polls = polls + 1, lookup = $2, updated_at = $3,
                     heard_at = CASE WHEN $4 THEN $3 ELSE heard_at END
                 WHERE id = $1",
                &[&id, &lookup.id(), &at, &heard],
            )
            .await?;
            if let Answer::Found {
                provider_id: Some(pid),
                ..
            } = &answer
            {
                tx.execute(
                    "UPDATE payments SET provider_id = COALESCE(provider_id, $2) WHERE id = $1",
                    &[&id, pid],
                )
                .await?;
            }
            if let Answer::Found {
                channel: Some(wallet),
                ..
            } = &answer
            {
                tx.execute(
                    "UPDATE payments SET channel = COALESCE(channel, $2) WHERE id = $1",
                    &[&id, wallet],
                )
                .await?;
            }
            if let Answer::Found {
                wallet_ref: Some(wallet_ref),
                ..
            } = &answer
            {
                tx.execute(
                    "UPDATE payments SET wallet_ref = COALESCE(wallet_ref, $2) WHERE id = $1",
                    &[&id, wallet_ref],
                )
                .await?;
            }
            match answer {
                Answer::Found { to, message, .. } if to != from && from.can_become(to) => {
                    let change = OwnedChange {
                        to,
                        message,
                        provider_id: None,
                        heard: true,
                    };
                    let current = lock(&tx, id).await?;
                    move_to(&tx, &current, &change, at).await?;
                    tx.execute("UPDATE payments SET said = '' WHERE id = $1", &[&id])
                        .await?;
                }
                _ => {
                    tx.execute(
                        "UPDATE payments SET said = $2 WHERE id = $1",
                        &[&id, &said.to_stored()],
                    )
                    .await?;
                }
            }
            let updated = lock(&tx, id).await?;
            tx.commit().await?;
            Ok(Cas::Done(updated))
        })
    }

    pub fn mark_checked(
        &self,
        id: i64,
        who: String,
        note: Option<String>,
    ) -> Result<Cas, JournalError> {
        self.run(|pool| async move {
            let mut client = pool.get().await?;
            let tx = client.transaction().await?;
            let current = lock(&tx, id).await?;
            let flagged = current.flag.is_some() && current.status.is_final();
            if !(current.status == Status::Attention || flagged) || current.checked {
                return Ok(Cas::Stale(current));
            }
            let at = now(&tx).await?;
            let note = note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string);
            tx.execute(
                "UPDATE payments SET checked = true, checked_by = $2, checked_at = $3,
                     check_note = $4, updated_at = $3
                 WHERE id = $1",
                &[&id, &who, &at, &note],
            )
            .await?;
            let words = note.map_or(Msg::Empty, |text| Msg::Text { text });
            add_event(
                &tx,
                id,
                at,
                EventKind::Check,
                current.status,
                &words,
                Some(&who),
            )
            .await?;
            let updated = lock(&tx, id).await?;
            tx.commit().await?;
            Ok(Cas::Done(updated))
        })
    }

    pub fn flag(&self, id: i64, why: Msg) -> Result<bool, JournalError> {
        self.run(|pool| async move {
            let mut client = pool.get().await?;
            let tx = client.transaction().await?;
            let current = lock(&tx, id).await?;
            if current.flag.is_some() {
                return Ok(false);
            }
            let at = now(&tx).await?;
            tx.execute(
                "UPDATE payments SET flag = $2, updated_at = $3 WHERE id = $1",
                &[&id, &why.to_stored(), &at],
            )
            .await?;
            add_event(&tx, id, at, EventKind::Flag, current.status, &why, None).await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    pub fn note_recheck(&self, id: i64, who: String) -> Result<(), JournalError> {
        self.run(|pool| async move {
            let mut client = pool.get().await?;
            let tx = client.transaction().await?;
            let current = lock(&tx, id).await?;
            let at = now(&tx).await?;
            add_event(
                &tx,
                id,
                at,
                EventKind::Recheck,
                current.status,
                &Msg::Empty,
                Some(&who),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    pub fn close_day(
        &self,
        day: String,
        till: String,
        by: String,
        report: String,
    ) -> Result<(Closing, bool), JournalError> {
        self.run(|pool| async move {
            let mut client = pool.get().await?;
            let tx = client.transaction().await?;
            tx.execute(
                "SELECT pg_advisory_xact_lock(7242503, hashtext($1))",
                &[&till],
            )
            .await?;
            if let Some(old) = super::read::closing_in(&tx, &day, &till).await? {
                return Ok((old, false));
            }
            let at = now(&tx).await?;
            tx.execute(
                "INSERT INTO closings (till, number, day, closed_at, closed_by, report)
                 VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM closings
                              WHERE till = $1), $2, $3, $4, $5)",
                &[&till, &day, &at, &by, &report],
            )
            .await?;
            let closing = super::read::closing_in(&tx, &day, &till)
                .await?
                .ok_or_else(|| JournalError::Corrupt("a closing just written".into()))?;
            tx.commit().await?;
            Ok((closing, true))
        })
    }
}

/// Writes a status change to a row locked by this transaction.
async fn move_to(
    tx: &Transaction<'_>,
    current: &Payment,
    change: &OwnedChange,
    at: DateTime<Utc>,
) -> Result<(), JournalError> {
    let sent_at = (change.to == Status::Sending).then_some(at);
    let changed = tx
        .execute(
            "UPDATE payments SET status = $2, message = $3, updated_at = $4,
                 provider_id = COALESCE($5, provider_id), sent_at = COALESCE($6, sent_at),
                 heard_at = CASE WHEN $7 THEN $4 ELSE heard_at END
             WHERE id = $1 AND status = $8",
            &[
                &current.id,
                &change.to.id(),
                &change.message.to_stored(),
                &at,
                &change.provider_id,
                &sent_at,
                &change.heard,
                &current.status.id(),
            ],
        )
        .await?;
    if changed != 1 {
        return Err(JournalError::Corrupt(format!(
            "payment {} changed under its row lock",
            current.id
        )));
    }
    add_event(
        tx,
        current.id,
        at,
        EventKind::Status,
        change.to,
        &change.message,
        None,
    )
    .await
}

/// The duplicate guard's question, asked under the advisory lock.
async fn guarded(
    tx: &Transaction<'_>,
    new: &NewPayment,
    guard: Guard,
    at: DateTime<Utc>,
) -> Result<Option<Payment>, JournalError> {
    // A failed payment is sent again once, whatever a person says (see the embedded journal).
    let except = new.replaces;
    if let Some(id) = except {
        let old = rows::get(tx, id)
            .await?
            .ok_or(JournalError::NoSuchPayment(id))?;
        if let Some(newer) = old.replaced_by {
            return rows::get(tx, newer).await;
        }
    }
    let Guard::Within(window) = guard else {
        return Ok(None);
    };
    let since = at - window;
    let found = rows::select(
        tx,
        // As the embedded journal's: within the window, or still open whatever its age.
        "WHERE phone = $1 AND amount_minor = $2 AND currency = $3
             AND (created_at >= $4
                  OR status IN ('recorded', 'sending', 'pending', 'unknown')
                  OR (status = 'attention' AND NOT checked))
             AND id != $5 AND ($6 = false OR status != 'failed')
             AND NOT (status = 'failed' AND heard_at IS NULL)
         ORDER BY created_at DESC, id DESC LIMIT 1",
        &[
            &new.phone.normalized(),
            &new.amount.minor(),
            &new.amount.currency().code(),
            &since,
            &except.unwrap_or(-1),
            &except.is_some(),
        ],
    )
    .await?;
    Ok(found.into_iter().next())
}
