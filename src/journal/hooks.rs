//! The providers' callbacks, kept as they came: each beside the payment it named (with an
//! event in that payment's history), or for a person when it named none; the same body from
//! the same provider twice is kept once. A callback is a hint, never proof: nothing here
//! changes a payment's status.

use super::rows::{self, ts};
use super::{Journal, JournalError};
use crate::msg::Msg;
use crate::payment::{EventKind, Payment};
use crate::provider_kind::ProviderKind;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use sha2::Digest;

/// A callback as received and read, to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHook {
    pub provider: ProviderKind,
    /// Where it came from (an address).
    pub source: String,
    /// How it was verified: `signed`, `token`, `unsigned` or `refused`.
    pub checked: String,
    /// What it named (`reference LP…`, `id ws_CO_…`), empty when nothing.
    pub named: String,
    pub payment_id: Option<i64>,
    /// What lipa made of it: `asked`, `final`, `unmatched`, `disagrees`, `refused`.
    pub outcome: String,
    pub body: String,
    /// Written in the payment's history when it names one.
    pub message: Msg,
}

/// A callback kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hook {
    pub id: i64,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub provider: String,
    pub source: String,
    pub checked: String,
    pub named: String,
    pub payment_id: Option<i64>,
    pub outcome: String,
    pub body: String,
}

/// Whether a callback was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookSaved {
    New(i64),
    /// The same body from the same provider was kept before: nothing more is done.
    Duplicate,
}

/// The body's fingerprint, for duplicates.
pub(crate) fn digest(body: &str) -> String {
    hex::encode(sha2::Sha256::digest(body.as_bytes()))
}

const HOOK_COLUMNS: &str =
    "id, received_at, provider, source, checked, named, payment_id, outcome, body";

impl Journal {
    /// Keeps a callback (once per body); a new one naming a payment is written in its
    /// history too.
    pub fn record_hook(&self, hook: &NewHook) -> Result<HookSaved, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.record_hook(hook.clone());
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let at = ts(chrono::Utc::now());
        let added = tx.execute(
            "INSERT OR IGNORE INTO hooks
                 (received_at, provider, source, checked, named, payment_id, outcome, body, digest)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                at,
                hook.provider.id(),
                hook.source,
                hook.checked,
                hook.named,
                hook.payment_id,
                hook.outcome,
                hook.body,
                digest(&hook.body)
            ],
        )?;
        if added == 0 {
            return Ok(HookSaved::Duplicate);
        }
        let id = tx.last_insert_rowid();
        if let Some(payment) = hook.payment_id {
            let current = rows::get(&tx, payment)?.ok_or(JournalError::NoSuchPayment(payment))?;
            rows::add_event(
                &tx,
                payment,
                &at,
                EventKind::Hook,
                current.status,
                &hook.message,
                Some(&hook.source),
            )?;
        }
        tx.commit()?;
        Ok(HookSaved::New(id))
    }

    /// Callbacks kept after `after` (by id), with the payment each woke (`None`: it woke none:
    /// unmatched, disagreeing, about a final payment): for the process that follows those
    /// payments (the embedded journal; the ledger tells it otherwise).
    pub fn hooks_after(&self, after: i64) -> Result<Vec<(i64, Option<i64>)>, JournalError> {
        if self.pg().is_some() {
            return Ok(Vec::new());
        }
        let conn = self.conn()?;
        let mut stmt = conn.prepare_cached(
            "SELECT id, CASE WHEN outcome = 'asked' THEN payment_id END FROM hooks
                 WHERE id > ?1 ORDER BY id LIMIT 500",
        )?;
        let found = stmt
            .query_map(params![after], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(found)
    }

    /// The newest callback's id (0 when none).
    pub fn last_hook(&self) -> Result<i64, JournalError> {
        if self.pg().is_some() {
            return Ok(0);
        }
        let conn = self.conn()?;
        Ok(conn.query_row("SELECT COALESCE(MAX(id), 0) FROM hooks", [], |r| r.get(0))?)
    }

    /// The callbacks that named `payment` (oldest first), or with `None` the newest that named
    /// no payment lipa holds (newest first), at most `limit`.
    pub fn hooks(&self, payment: Option<i64>, limit: usize) -> Result<Vec<Hook>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.hooks(payment, limit as i64);
        }
        let conn = self.conn()?;
        let limit = limit as i64;
        let sql = match payment {
            Some(_) => format!(
                "SELECT {HOOK_COLUMNS} FROM hooks WHERE payment_id = ?1 ORDER BY id LIMIT ?2"
            ),
            None => format!(
                "SELECT {HOOK_COLUMNS} FROM hooks WHERE payment_id IS NULL AND ?1 IS NULL
                 ORDER BY id DESC LIMIT ?2"
            ),
        };
        let mut stmt = conn.prepare_cached(&sql)?;
        let found = stmt
            .query_map(params![payment, limit], |r| {
                let at: String = r.get(1)?;
                Ok(Hook {
                    id: r.get(0)?,
                    received_at: chrono::DateTime::parse_from_rfc3339(&at)
                        .map(|t| t.with_timezone(&chrono::Utc))
                        .unwrap_or_default(),
                    provider: r.get(2)?,
                    source: r.get(3)?,
                    checked: r.get(4)?,
                    named: r.get(5)?,
                    payment_id: r.get(6)?,
                    outcome: r.get(7)?,
                    body: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(found)
    }

    /// Keeps the hash of the token in this payment's own callback address (before it is sent).
    pub fn set_hook_token(&self, id: i64, hash: &str) -> Result<(), JournalError> {
        if let Some(pg) = self.pg() {
            return pg.set_hook_token(id, hash.to_string());
        }
        self.conn()?.execute(
            "UPDATE payments SET hook_token = ?2 WHERE id = ?1",
            params![id, hash],
        )?;
        Ok(())
    }

    /// The hash kept for payment `id`'s callback address, if any.
    pub fn hook_token(&self, id: i64) -> Result<Option<String>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.hook_token(id);
        }
        Ok(self
            .conn()?
            .query_row(
                "SELECT hook_token FROM payments WHERE id = ?1",
                params![id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
            .flatten())
    }

    /// The provider's id of a payment whose send's answer was lost, as its callback names it
    /// (only when none is known: a known one is never replaced).
    pub fn set_provider_id_if_none(&self, id: i64, provider_id: &str) -> Result<(), JournalError> {
        if let Some(pg) = self.pg() {
            return pg.set_provider_id_if_none(id, provider_id.to_string());
        }
        self.conn()?.execute(
            "UPDATE payments SET provider_id = ?2 WHERE id = ?1 AND provider_id IS NULL
                 AND status NOT IN ('paid', 'failed')",
            params![id, provider_id],
        )?;
        Ok(())
    }

    /// A payment by the provider's own id of it.
    pub fn by_provider_id(
        &self,
        provider: ProviderKind,
        provider_id: &str,
    ) -> Result<Option<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.by_provider_id(provider, provider_id.to_string());
        }
        let conn = self.conn()?;
        let id: Option<i64> = conn
            .prepare_cached(
                "SELECT id FROM payments WHERE provider_id = ?1 AND provider = ?2
                 ORDER BY id DESC LIMIT 1",
            )?
            .query_row(params![provider_id, provider.id()], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => Ok(rows::get(&conn, id)?),
            None => Ok(None),
        }
    }
}
