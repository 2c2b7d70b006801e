//! The pending pane's payments, with their counts kept as they change: a supervisor's console
//! holds thousands of rows and its title says how many wait, need a person, ended and failed on
//! every frame, so nothing that runs per frame or per piece of news walks them all.

use super::rows::{counts_coarsely, is_done, is_waiting};
use crate::payment::{Payment, Status};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The payments of the pending pane by id (the engine's shared copies).
#[derive(Debug, Clone, Default)]
pub struct Rows {
    map: BTreeMap<i64, Arc<Payment>>,
    /// Those the tracker follows (first in the pane: a sale just pushed is in sight).
    waiting: BTreeSet<i64>,
    /// Those waiting for a person (next: they must not scroll out of sight).
    needs_you: BTreeSet<i64>,
    tally: Tally,
}

/// How many rows are of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tally {
    done: usize,
    failed: usize,
    coarse: usize,
}

impl Tally {
    fn of(p: &Payment) -> Tally {
        Tally {
            done: usize::from(is_done(p)),
            failed: usize::from(p.status == Status::Failed),
            coarse: usize::from(counts_coarsely(p)),
        }
    }

    fn add(&mut self, p: &Payment) {
        let t = Tally::of(p);
        self.done += t.done;
        self.failed += t.failed;
        self.coarse += t.coarse;
    }

    fn take(&mut self, p: &Payment) {
        let t = Tally::of(p);
        self.done -= t.done;
        self.failed -= t.failed;
        self.coarse -= t.coarse;
    }
}

/// Waits for a person: attention nobody has looked at.
fn needs_you(p: &Payment) -> bool {
    p.status == Status::Attention && !p.checked
}

impl Rows {
    pub fn get(&self, id: &i64) -> Option<&Arc<Payment>> {
        self.map.get(id)
    }

    pub fn contains_key(&self, id: &i64) -> bool {
        self.map.contains_key(id)
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Oldest first.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Arc<Payment>> {
        self.map.values()
    }

    pub fn insert(&mut self, p: Arc<Payment>) {
        self.needs_you.remove(&p.id);
        self.waiting.remove(&p.id);
        if needs_you(&p) {
            self.needs_you.insert(p.id);
        }
        if is_waiting(&p) {
            self.waiting.insert(p.id);
        }
        self.tally.add(&p);
        if let Some(old) = self.map.insert(p.id, p) {
            self.tally.take(&old);
        }
    }

    /// Keeps the rows `keep` says to.
    pub fn retain(&mut self, mut keep: impl FnMut(&i64, &Payment) -> bool) {
        let gone: Vec<i64> = self
            .map
            .iter()
            .filter(|(id, p)| !keep(id, p))
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            if let Some(old) = self.map.remove(&id) {
                self.tally.take(&old);
                self.needs_you.remove(&id);
                self.waiting.remove(&id);
            }
        }
    }

    /// Ids in the pane's order, each group newest first: payments sent since `fresh_from`
    /// whose customer may still answer (a sale just pushed is in sight, however many wait for
    /// a person after an outage), then those that need a person (they must not scroll out of
    /// sight on a small screen), then the rest. Lazily: a frame takes only its window.
    pub fn ordered(&self, fresh_from: DateTime<Utc>) -> impl Iterator<Item = i64> + '_ {
        let sent_since = move |id: &i64| {
            self.map
                .get(id)
                .is_some_and(|p| p.sent_at.unwrap_or(p.created_at) >= fresh_from)
        };
        // Ids grow with time: the fresh are the newest of those waiting. Every step is lazy (a
        // frame takes a screenful of ten thousand rows).
        let fresh = self.waiting.iter().rev().copied().take_while(sent_since);
        // Found only when a frame reaches past the fresh and those that need a person.
        let rest = std::iter::once(()).flat_map(move |()| {
            let first_stale = self
                .waiting
                .iter()
                .rev()
                .find(|id| !sent_since(id))
                .copied();
            let fresh = move |id: &i64| {
                self.waiting.contains(id) && first_stale.is_none_or(|stale| *id > stale)
            };
            self.map
                .keys()
                .rev()
                .copied()
                .filter(move |id| !self.needs_you.contains(id) && !fresh(id))
        });
        fresh
            .chain(self.needs_you.iter().rev().copied())
            .chain(rest)
    }

    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }

    pub fn needing_you(&self) -> usize {
        self.needs_you.len()
    }

    /// Finished rows, and how many of them failed.
    pub fn finished(&self) -> (usize, usize) {
        (self.tally.done, self.tally.failed)
    }

    /// Some row's age counts by the second.
    pub fn ticking(&self) -> bool {
        self.tally.coarse < self.map.len()
    }
}
