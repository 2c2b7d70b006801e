//! The pending pane's rows: news in, finished rows out after a while, the clock they need.

use super::{App, LINGER};
use crate::payment::{Payment, Status};
use std::time::Duration;

impl App {
    /// Ids of the pending pane, newest first.
    pub fn row_ids(&self) -> Vec<i64> {
        self.rows.keys().rev().copied().collect()
    }

    /// Payments the tracker still follows (their age counts).
    pub fn waiting(&self) -> usize {
        self.rows.values().filter(|p| is_waiting(p)).count()
    }

    /// Adds or refreshes a payment. Returns true when it just became paid or failed.
    pub fn upsert(&mut self, p: Payment) -> bool {
        if self.find(p.id).is_some_and(|old| is_newer(old, &p)) {
            return false;
        }
        let before = self.rows.get(&p.id).map(|old| old.status);
        let settled = p.status.is_final() && before.is_none_or(|b| !b.is_final());
        if let Some(d) = self.detail.as_mut().filter(|d| d.id == p.id) {
            *d = p.clone();
        }
        if let Some(t) = self.today.as_mut().filter(|t| p.created_at >= t.since) {
            match t.payments.iter_mut().find(|q| q.id == p.id) {
                Some(q) => *q = p.clone(),
                None => t.payments.push(p.clone()),
            }
        }
        let shown = before.is_some() || !is_done(&p) || settled;
        if shown {
            self.rows.insert(p.id, p);
        }
        settled
    }

    /// Moves finished payments that lingered long enough out of the pending pane.
    pub fn expire(&mut self) -> bool {
        let now = self.now;
        let before = self.rows.len();
        self.rows
            .retain(|_, p| !is_done(p) || now < p.updated_at + linger());
        if self.selected.is_some_and(|id| !self.rows.contains_key(&id)) {
            self.selected = self.row_ids().first().copied();
        }
        before != self.rows.len()
    }

    /// How long the runtime may sleep before the app needs the clock again: a second while
    /// ages count, until the next finished row leaves otherwise, until the wallet check is due,
    /// never when nothing changes.
    pub fn next_wake(&self) -> Option<Duration> {
        let rows = self.rows_wake();
        match (rows, self.preview_wake()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn rows_wake(&self) -> Option<Duration> {
        if self.waiting() > 0 {
            return Some(Duration::from_secs(1));
        }
        self.rows
            .values()
            .filter(|p| is_done(p))
            .map(|p| p.updated_at + linger() - self.now)
            .min()
            .map(|d| {
                d.to_std()
                    .unwrap_or_default()
                    .max(Duration::from_millis(100))
            })
    }

    /// How long a payment has waited (counting), or waited until it settled (frozen).
    pub fn age(&self, p: &Payment) -> chrono::Duration {
        let start = p.sent_at.unwrap_or(p.created_at);
        let end = if is_waiting(p) {
            self.now
        } else {
            p.updated_at
        };
        (end - start).max(chrono::Duration::zero())
    }
}

/// The tracker still follows it: its age counts on screen.
pub fn is_waiting(p: &Payment) -> bool {
    !p.status.is_final() && p.status != Status::Attention
}

/// Nothing more will happen to it without a person: paid, failed, or attention looked at.
pub fn is_done(p: &Payment) -> bool {
    p.status.is_final() || (p.status == Status::Attention && p.checked)
}

/// `old` is a later state than `new` (news can arrive out of order).
fn is_newer(old: &Payment, new: &Payment) -> bool {
    (old.status.is_final() && !new.status.is_final())
        || (old.updated_at, old.polls) > (new.updated_at, new.polls)
}

fn linger() -> chrono::Duration {
    chrono::Duration::from_std(LINGER).unwrap_or_default()
}
