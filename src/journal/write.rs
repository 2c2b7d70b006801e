//! Every write to the journal. Each is one immediate transaction: the write lock is taken
//! first, then the row is read, compared with what the writer expects, changed, and stamped
//! with the time at which the lock was held.

use super::rows::{self, ts};
use super::{Cas, Journal, JournalError, pg};
use crate::msg::Msg;
use crate::payment::{EventKind, LookupKind, NewPayment, Payment, Status};
use chrono::{DateTime, Utc};
use rusqlite::{ErrorCode, Transaction, TransactionBehavior, params};

/// The duplicate guard, checked in the same transaction as the insert (so two processes cannot
/// both pass it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// Refuse when a payment to the same phone for the same amount was recorded within the
    /// window (a failed one too, unless it never reached the provider: refused, or never
    /// sent — no customer saw a prompt), or is still open whatever its age (recorded, sending,
    /// pending, unknown, attention nobody checked). A payment that sends a failed one
    /// again is refused when that one was sent again already, or when a payment like it that
    /// did not fail is recent.
    Within(chrono::Duration),
    /// The person said to send anyway.
    Off,
}

/// What [`Journal::record`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    New(Payment),
    /// Nothing written: this payment is like the new one.
    Duplicate(Payment),
    /// Nothing written: the phone has a prompt waiting, from this payment, and its provider's
    /// phones take one prompt at a time.
    Busy(Payment),
}

/// A status change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<'a> {
    pub to: Status,
    pub message: &'a Msg,
    pub provider_id: Option<&'a str>,
    /// The change comes from a usable answer of the provider (it was heard from).
    pub heard: bool,
}

/// What one status query learned, to journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The provider knows it: its status, what that means, and its own id when it says.
    Found {
        to: Status,
        message: Msg,
        provider_id: Option<String>,
        /// The wallet it was paid from, when the provider names it (kept if none is known).
        channel: Option<String>,
        /// The wallet's own id of the payment, when the provider gives it (the first stays).
        wallet_ref: Option<String>,
    },
    /// The provider said it has no payment under the reference.
    NotFound,
    /// No usable answer.
    Failed { why: Msg },
}

impl Journal {
    /// Writes a new payment as `Recorded`, with its first history event, unless the guard finds
    /// a payment like it. Fails with `DuplicateReference` if the provider's reference is used.
    pub fn record(&self, new: &NewPayment, guard: Guard) -> Result<Recorded, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.record(new, guard, self.till());
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = Utc::now();
        if let Some(open) = prompt_open(&tx, new)? {
            return Ok(Recorded::Busy(open));
        }
        if let Some(same) = guarded(&tx, new, guard, now)? {
            return Ok(Recorded::Duplicate(same));
        }
        let at = ts(now);
        let inserted = tx
            .prepare_cached(
                "INSERT INTO payments (provider, reference, phone, amount_minor, currency,
                     channel, email, name, status, message, created_at, updated_at, replaces,
                     operator, till)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '', ?10, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                new.provider.id(),
                new.reference.as_str(),
                new.phone.normalized(),
                new.amount.minor(),
                new.amount.currency().code(),
                new.channel,
                new.email,
                new.name,
                Status::Recorded.id(),
                at,
                new.replaces,
                new.operator,
                self.till(),
            ]);
        match inserted {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                return Err(JournalError::DuplicateReference(
                    new.reference.as_str().to_string(),
                ));
            }
            other => other?,
        };
        let id = tx.last_insert_rowid();
        rows::add_event(
            &tx,
            id,
            &at,
            EventKind::Status,
            Status::Recorded,
            &Msg::Empty,
            None,
        )?;
        let payment = rows::get(&tx, id)?.ok_or(JournalError::NoSuchPayment(id))?;
        tx.commit()?;
        Ok(Recorded::New(payment))
    }

    /// Moves a payment from `from` (the status the caller read) to `change.to`. Nothing is
    /// written when the payment is no longer in `from` or the status machine forbids the move.
    pub fn transition(
        &self,
        id: i64,
        from: Status,
        change: &Change<'_>,
    ) -> Result<Cas, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.transition(id, from, pg::OwnedChange::of(change));
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = rows::get(&tx, id)?.ok_or(JournalError::NoSuchPayment(id))?;
        if current.status != from || !from.can_become(change.to) {
            return Ok(Cas::Stale(current));
        }
        let now = Utc::now();
        move_to(&tx, &current, change, now)?;
        let updated = rows::get(&tx, id)?.ok_or(JournalError::NoSuchPayment(id))?;
        tx.commit()?;
        Ok(Cas::Done(updated))
    }

    /// Journals one status query of a payment read in `from`: counts it, remembers what it
    /// learned, and changes the status when the provider's answer does. Nothing is written
    /// when the payment is no longer in `from` (another writer got there first) or is final:
    /// final rows keep their words. A query that changes nothing leaves the status's words
    /// alone and keeps its own beside them (`said`).
    pub fn answer(&self, id: i64, from: Status, answer: &Answer) -> Result<Cas, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.answer(id, from, answer.clone());
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = rows::get(&tx, id)?.ok_or(JournalError::NoSuchPayment(id))?;
        if current.status != from || from.is_final() {
            return Ok(Cas::Stale(current));
        }
        let now = Utc::now();
        let at = ts(now);
        let (lookup, heard, said) = match answer {
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
        tx.prepare_cached(
            "UPDATE payments SET polls = polls + 1, lookup = ?2, updated_at = ?3,
                 heard_at = CASE WHEN ?4 THEN ?3 ELSE heard_at END
             WHERE id = ?1 AND status = ?5",
        )?
        .execute(params![id, lookup.id(), at, heard, from.id()])?;
        if let Answer::Found {
            provider_id: Some(pid),
            ..
        } = answer
        {
            // The provider's id, when the push's own answer never brought it (lost, or an
            // error after the push was made); the first one known stays.
            tx.prepare_cached(
                "UPDATE payments SET provider_id = COALESCE(provider_id, ?2) WHERE id = ?1",
            )?
            .execute(params![id, pid])?;
        }
        if let Answer::Found {
            channel: Some(wallet),
            ..
        } = answer
        {
            tx.prepare_cached("UPDATE payments SET channel = COALESCE(channel, ?2) WHERE id = ?1")?
                .execute(params![id, wallet])?;
        }
        if let Answer::Found {
            wallet_ref: Some(wallet_ref),
            ..
        } = answer
        {
            tx.prepare_cached(
                "UPDATE payments SET wallet_ref = COALESCE(wallet_ref, ?2) WHERE id = ?1",
            )?
            .execute(params![id, wallet_ref])?;
        }
        match answer {
            Answer::Found { to, message, .. } if *to != from && from.can_become(*to) => {
                let change = Change {
                    to: *to,
                    message,
                    provider_id: None,
                    heard: true,
                };
                move_to(&tx, &current, &change, now)?;
                tx.prepare_cached("UPDATE payments SET said = '' WHERE id = ?1")?
                    .execute([id])?;
            }
            _ => {
                tx.prepare_cached("UPDATE payments SET said = ?2 WHERE id = ?1")?
                    .execute(params![id, said.to_stored()])?;
            }
        }
        let updated = rows::get(&tx, id)?.ok_or(JournalError::NoSuchPayment(id))?;
        tx.commit()?;
        Ok(Cas::Done(updated))
    }

    /// A person has looked at a payment that needs attention: who, when and what they wrote go
    /// in its history. Only an unchecked *attention* payment can be marked.
    pub fn mark_checked(
        &self,
        id: i64,
        who: &str,
        note: Option<&str>,
    ) -> Result<Cas, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.mark_checked(id, who.to_string(), note.map(str::to_string));
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = rows::get(&tx, id)?.ok_or(JournalError::NoSuchPayment(id))?;
        // A payment that needs a person: *attention*, or final and flagged since (reversed
        // after paid). Its status stays as it is.
        let flagged = current.flag.is_some() && current.status.is_final();
        if !(current.status == Status::Attention || flagged) || current.checked {
            return Ok(Cas::Stale(current));
        }
        let at = ts(Utc::now());
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        tx.prepare_cached(
            "UPDATE payments SET checked = 1, checked_by = ?2, checked_at = ?3, check_note = ?4,
                 updated_at = ?3
             WHERE id = ?1 AND checked = 0
               AND (status = 'attention' OR (flag IS NOT NULL AND status IN ('paid', 'failed')))",
        )?
        .execute(params![id, who, at, note])?;
        let words = note.map_or(Msg::Empty, |n| Msg::Text {
            text: n.to_string(),
        });
        rows::add_event(
            &tx,
            id,
            &at,
            EventKind::Check,
            current.status,
            &words,
            Some(who),
        )?;
        let updated = rows::get(&tx, id)?.ok_or(JournalError::NoSuchPayment(id))?;
        tx.commit()?;
        Ok(Cas::Done(updated))
    }

    /// Flags a final payment the provider now says something else about (reversed after
    /// paid). The status stays; the first flag stays (false: it was flagged already).
    pub fn flag(&self, id: i64, why: &Msg) -> Result<bool, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.flag(id, why.clone());
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = rows::get(&tx, id)?.ok_or(JournalError::NoSuchPayment(id))?;
        if current.flag.is_some() {
            return Ok(false);
        }
        let at = ts(Utc::now());
        tx.prepare_cached(
            "UPDATE payments SET flag = ?2, updated_at = ?3 WHERE id = ?1 AND flag IS NULL",
        )?
        .execute(params![id, why.to_stored(), at])?;
        rows::add_event(&tx, id, &at, EventKind::Flag, current.status, why, None)?;
        tx.commit()?;
        Ok(true)
    }

    /// A person asked the provider again: noted in the payment's history.
    pub fn note_recheck(&self, id: i64, who: &str) -> Result<(), JournalError> {
        if let Some(pg) = self.pg() {
            return pg.note_recheck(id, who.to_string());
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = rows::get(&tx, id)?.ok_or(JournalError::NoSuchPayment(id))?;
        rows::add_event(
            &tx,
            id,
            &ts(Utc::now()),
            EventKind::Recheck,
            current.status,
            &Msg::Empty,
            Some(who),
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// The duplicate guard's question: a payment like it within the window (one recorded at a
/// time still to come by this clock counts as now), or one still open whatever its age (a
/// clock set on, or a slow till, must not let a second prompt out while the first waits).
pub(super) const GUARD: &str = "WHERE phone = ?1 AND amount_minor = ?2 AND currency = ?3
         AND (created_at >= ?4
              OR status IN ('recorded', 'sending', 'pending', 'unknown')
              OR (status = 'attention' AND checked = 0))
         AND id != ?5 AND (?6 = 0 OR status != 'failed')
         AND NOT (status = 'failed' AND heard_at IS NULL)
     ORDER BY created_at DESC, id DESC LIMIT 1";

/// Writes a status change to a row already read under the lock.
fn move_to(
    tx: &Transaction<'_>,
    current: &Payment,
    change: &Change<'_>,
    now: DateTime<Utc>,
) -> Result<(), JournalError> {
    let at = ts(now);
    let sent_at = (change.to == Status::Sending).then(|| at.clone());
    let changed = tx
        .prepare_cached(
            "UPDATE payments SET status = ?2, message = ?3, updated_at = ?4,
                 provider_id = COALESCE(?5, provider_id), sent_at = COALESCE(?6, sent_at),
                 heard_at = CASE WHEN ?7 THEN ?4 ELSE heard_at END
             WHERE id = ?1 AND status = ?8",
        )?
        .execute(params![
            current.id,
            change.to.id(),
            change.message.to_stored(),
            at,
            change.provider_id,
            sent_at,
            change.heard,
            current.status.id(),
        ])?;
    if changed != 1 {
        return Err(JournalError::Corrupt(format!(
            "payment {} changed under the write lock",
            current.id
        )));
    }
    rows::add_event(
        tx,
        current.id,
        &at,
        EventKind::Status,
        change.to,
        change.message,
        None,
    )?;
    Ok(())
}

/// Asked under the write lock with the guard's, for a provider whose phones take one prompt
/// at a time: a payment of its to the phone whose prompt may be waiting.
pub(super) const PROMPT_OPEN: &str = "WHERE provider = ?1 AND phone = ?2
         AND status IN ('recorded', 'sending', 'pending', 'unknown')
     ORDER BY id DESC LIMIT 1";

fn prompt_open(tx: &Transaction<'_>, new: &NewPayment) -> Result<Option<Payment>, JournalError> {
    if !new.provider.spec().one_prompt_per_phone {
        return Ok(None);
    }
    Ok(rows::select(
        tx,
        PROMPT_OPEN,
        params![new.provider.id(), new.phone.normalized()],
    )?
    .into_iter()
    .next())
}

/// The duplicate guard's question, asked under the write lock.
fn guarded(
    tx: &Transaction<'_>,
    new: &NewPayment,
    guard: Guard,
    now: DateTime<Utc>,
) -> Result<Option<Payment>, JournalError> {
    // A failed payment is sent again once, whatever a person says (two tills' cashiers
    // could each say yes): the payment that sent it again is the answer.
    let except = new.replaces;
    if let Some(id) = except {
        let old = rows::get(tx, id)?.ok_or(JournalError::NoSuchPayment(id))?;
        if let Some(newer) = old.replaced_by {
            return Ok(rows::get(tx, newer)?);
        }
    }
    // Sending a failed payment again is a retry by intent: only a payment like it that did
    // not fail stops it.
    let Guard::Within(window) = guard else {
        return Ok(None);
    };
    let since = ts(now - window);
    let found = rows::select(
        tx,
        GUARD,
        params![
            new.phone.normalized(),
            new.amount.minor(),
            new.amount.currency().code(),
            since,
            except.unwrap_or(-1),
            except.is_some(),
        ],
    )?;
    Ok(found.into_iter().next())
}
