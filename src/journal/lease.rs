//! Poll leases: exactly one process follows a pending payment at a time.
//!
//! A process that follows a payment holds its lease (an owner and a time it runs until) and
//! renews it before every status query and while one is in flight; a process that stops
//! holding it (a crash, `kill -9`, a cut network) lets it run out, and another process takes
//! the payment over then. The HTTP call itself happens outside any transaction: a claim is
//! one short write. The engine takes the lease as soon as it has recorded a payment, before
//! sending it, so no other till asks about a payment still being sent.

use super::rows::ts;
use super::{Journal, JournalError};
use chrono::Utc;
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use std::time::Duration;

/// How long a lease lasts unless renewed: longer than a status query may take (20 s), and
/// renewed every quarter of it.
pub const POLL_LEASE: Duration = Duration::from_secs(60);

/// Open payments not waiting for a person, with their lease: those nobody follows are taken
/// over. A payment recorded less than a lease ago that nobody holds yet (`?1`: that time) is
/// its recorder's, about to take its lease and send it: not taken.
/// Open payments with a poll lease, whoever holds it.
pub(super) const LEASED: &str = "SELECT id, lease_owner, lease_until FROM payments
     WHERE status NOT IN ('paid', 'failed', 'attention') AND lease_owner IS NOT NULL
     ORDER BY id";

pub(super) const FOLLOWED: &str = "SELECT id, lease_owner, lease_until FROM payments
     WHERE status NOT IN ('paid', 'failed', 'attention')
       AND NOT (status = 'recorded' AND lease_owner IS NULL AND created_at > ?1)
     ORDER BY id";

/// A unique name for the leases of this journal handle (one per process, or per till in a
/// test that runs several in one process): where it runs, its process id, a nonce, the till.
pub(super) fn new_owner() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static HANDLES: AtomicU32 = AtomicU32::new(0);
    let nanos = Utc::now().timestamp_subsec_nanos();
    format!(
        "{}:{}:{:x}{:x}:{}",
        here().unwrap_or("-"),
        std::process::id(),
        nanos,
        HANDLES.fetch_add(1, Ordering::Relaxed),
        crate::till::till_name(),
    )
}

/// This machine's boot and this process's PID namespace: processes that share both see each
/// other's process ids. `None` where the system does not say (then no holder is ever known
/// to be gone before its lease runs out).
fn here() -> Option<&'static str> {
    static HERE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    HERE.get_or_init(|| {
        let boot = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
        let ns = std::fs::read_link("/proc/self/ns/pid").ok()?;
        let ns: String = ns
            .to_string_lossy()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        Some(format!("{}-{ns}", boot.trim()))
    })
    .as_deref()
}

/// Whether the holder of a lease is a process of this machine (same boot, same PID namespace)
/// that has ended: a `kill -9`ed till's lease is then taken at once by another process here,
/// not after it runs out. Never true for another machine's process.
pub(crate) fn holder_is_gone(owner: &str) -> bool {
    let mut parts = owner.splitn(3, ':');
    let (Some(place), Some(pid), Some(here)) = (parts.next(), parts.next(), here()) else {
        return false;
    };
    place == here
        && pid.parse::<u32>().is_ok_and(|pid| {
            pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        })
}

pub(super) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Journal {
    /// The name this handle's leases are held under.
    pub fn lease_owner(&self) -> &str {
        &self.owner
    }

    /// How long this handle's leases last.
    pub fn lease(&self) -> Duration {
        *self.lease.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets how long leases last (the engine's setting; tests of a takeover use short ones).
    pub fn set_lease(&self, lease: Duration) {
        *self.lease.write().unwrap_or_else(|p| p.into_inner()) = lease;
    }

    /// Takes or renews the lease to poll payment `id`: `true` when this handle holds it now
    /// (it was free, run out, or this handle's), `false` when another holds it or the payment
    /// is final. A row another till is claiming at this instant is skipped, not waited for.
    pub fn claim_poll(&self, id: i64) -> Result<bool, JournalError> {
        let lease = self.lease();
        if let Some(pg) = self.pg() {
            return pg.claim_poll(id, self.owner.clone(), millis(lease));
        }
        let mut conn = self.conn()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = Utc::now();
        let held: Option<(Option<String>, Option<String>)> = tx
            .query_row(
                "SELECT lease_owner, lease_until FROM payments
                 WHERE id = ?1 AND status NOT IN ('paid', 'failed')",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((owner, until)) = held else {
            return Ok(false);
        };
        let free = owner.as_deref() == Some(self.owner.as_str())
            || until.is_none_or(|u| u < ts(now))
            || owner.as_deref().is_some_and(holder_is_gone);
        if !free {
            return Ok(false);
        }
        let until = now + chrono::Duration::milliseconds(millis(lease));
        tx.prepare_cached("UPDATE payments SET lease_owner = ?2, lease_until = ?3 WHERE id = ?1")?
            .execute(params![id, self.owner, ts(until)])?;
        tx.commit()?;
        Ok(true)
    }

    /// Gives the lease up (this handle stopped following the payment): another may take it at
    /// once. Nothing happens when another holds it.
    pub fn release_poll(&self, id: i64) -> Result<(), JournalError> {
        if let Some(pg) = self.pg() {
            return pg.release_poll(id, self.owner.clone());
        }
        self.conn()?
            .prepare_cached(
                "UPDATE payments SET lease_owner = NULL, lease_until = NULL
                 WHERE id = ?1 AND lease_owner = ?2 AND status NOT IN ('paid', 'failed')",
            )?
            .execute(params![id, self.owner])?;
        Ok(())
    }

    /// Gives up every lease this handle holds (a process that stops cleanly): other processes
    /// take its payments over at their next sweep.
    pub fn release_all(&self) -> Result<(), JournalError> {
        if let Some(pg) = self.pg() {
            return pg.release_all(self.owner.clone());
        }
        self.conn()?
            .prepare_cached(
                "UPDATE payments SET lease_owner = NULL, lease_until = NULL
                 WHERE lease_owner = ?1 AND status NOT IN ('paid', 'failed')",
            )?
            .execute(params![self.owner])?;
        Ok(())
    }

    /// Open payments nobody follows (their lease free or run out), oldest first: what a till
    /// takes over from one that stopped. Not one its recorder is about to send (recorded less
    /// than a lease ago, no lease taken yet): a sweep in that instant took it, and followed it
    /// late, while the till that sent it no longer did.
    pub fn unclaimed(&self) -> Result<Vec<i64>, JournalError> {
        let lease = self.lease();
        if let Some(pg) = self.pg() {
            return pg.unclaimed(millis(lease));
        }
        let conn = self.conn()?;
        let now = Utc::now();
        let fresh = ts(now - chrono::Duration::milliseconds(millis(lease)));
        let now = ts(now);
        let mut stmt = conn.prepare_cached(FOLLOWED)?;
        let rows = stmt.query_map([fresh], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut ids = Vec::new();
        for row in rows {
            let (id, owner, until) = row?;
            if until.is_none_or(|u| u < now) || owner.as_deref().is_some_and(holder_is_gone) {
                ids.push(id);
            }
        }
        Ok(ids)
    }

    /// Open payments whose poll lease has not run out and whose holder is not known to be
    /// gone: someone follows them now (a payment recorded but not yet leased is nobody's).
    pub fn held(&self) -> Result<Vec<i64>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.held();
        }
        let conn = self.conn()?;
        let now = ts(Utc::now());
        let mut stmt = conn.prepare_cached(LEASED)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut ids = Vec::new();
        for row in rows {
            let (id, owner, until) = row?;
            if until.is_some_and(|u| u >= now) && !holder_is_gone(&owner) {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}
