//! The provider's own list of what changed last, read as a hint while many payments are open.
//!
//! A payment is asked about by its reference, one question each; at the pace a provider allows
//! (50 a second), a thousand payments pending are each asked every few seconds, and a customer's
//! answer waits that long to be seen. A provider that lists its payments sorted by when each
//! last changed ([`crate::provider::Provider::recent_changes`]; one has it today) says in one
//! question which of them changed: read twice a second, each payment it lists as no longer
//! pending is asked by its reference at once, before every other question, as a callback would
//! make it. The list proves nothing: the answer to that question moves the payment, as always;
//! the schedule's own questions go on, and find what the list missed.
//!
//! The list is read only while this process follows at least [`super::EngineSettings::list_from`]
//! open payments of the provider (fewer are asked often enough by themselves), and stops when
//! they fall to half that.

use super::Engine;
use super::pace::{Ask, Urgency};
use crate::payment::{Payment, RemoteState};
use crate::provider::{Listed, ProviderKind};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Payments a page of the list holds.
const PAGE: u32 = 100;
/// Pages read at most in one look (a second of more changes than that is left to the schedule).
const PAGES: u32 = 5;
/// The longest wait between two looks while the list fails: one question in eight seconds
/// costs nothing, and a list back after an outage is used again within that (a trial: 32 s
/// at most, then, and the answers meanwhile waited for the schedule).
const BACK_OFF: Duration = Duration::from_secs(8);

/// Per provider, the open payments this process follows, and whether its list is read.
#[derive(Default)]
pub(super) struct Watch(Mutex<HashMap<ProviderKind, Watched>>);

#[derive(Default)]
struct Watched {
    /// The open payments followed, by their reference's hash (ten thousand of them: a hash
    /// is 8 bytes where a reference is a string; two references of one hash only cost a
    /// question).
    open: HashMap<u64, i64>,
    /// A task reads the list.
    reading: bool,
    /// The provider offers no list.
    unlisted: bool,
}

fn key(reference: &str) -> u64 {
    let mut h = DefaultHasher::new();
    reference.hash(&mut h);
    h.finish()
}

impl Watch {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ProviderKind, Watched>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The payment is followed by this process: `true` when the provider's list should be
    /// read from now on (the caller starts the reader).
    fn follows(&self, p: &Payment, from: usize) -> bool {
        let mut all = self.lock();
        let w = all.entry(p.provider).or_default();
        w.open.insert(key(p.reference.as_str()), p.id);
        let start = !w.reading && !w.unlisted && w.open.len() >= from;
        if start {
            w.reading = true;
        }
        start
    }

    fn left(&self, kind: ProviderKind, key: u64) {
        if let Some(w) = self.lock().get_mut(&kind) {
            w.open.remove(&key);
        }
    }

    /// Whether the reader goes on; it is stopped (and said so) when not.
    fn keeps_reading(&self, kind: ProviderKind, from: usize) -> bool {
        let mut all = self.lock();
        let w = all.entry(kind).or_default();
        w.reading = w.open.len() >= from.div_ceil(2).max(1);
        w.reading
    }

    fn unlisted(&self, kind: ProviderKind) {
        let mut all = self.lock();
        let w = all.entry(kind).or_default();
        (w.unlisted, w.reading) = (true, false);
    }

    fn id_of(&self, kind: ProviderKind, key: u64) -> Option<i64> {
        self.lock().get(&kind)?.open.get(&key).copied()
    }

    /// Forgets what was hinted at of payments no longer followed.
    fn forget_closed<T>(&self, kind: ProviderKind, hinted: &mut HashMap<u64, T>) {
        let all = self.lock();
        match all.get(&kind) {
            Some(w) => hinted.retain(|k, _| w.open.contains_key(k)),
            None => hinted.clear(),
        }
    }
}

/// A payment followed by a tracker of this process, for as long as this lives.
pub(super) struct Following<'a> {
    engine: &'a Engine,
    kind: ProviderKind,
    key: u64,
}

impl Drop for Following<'_> {
    fn drop(&mut self) {
        self.engine.inner.watch.left(self.kind, self.key);
    }
}

impl Engine {
    /// Notes that a tracker follows `p` (until the answer is dropped), and starts reading its
    /// provider's list once enough are followed.
    pub(super) fn following(&self, p: &Payment) -> Following<'_> {
        let from = self.inner.settings.list_from;
        if self.inner.watch.follows(p, from) {
            tokio::spawn(read_list(self.clone(), p.provider));
        }
        Following {
            engine: self,
            kind: p.provider,
            key: key(p.reference.as_str()),
        }
    }

    /// The provider has said this payment changed (a callback, its list): ask it now, before
    /// every other question. The answer moves it, as always.
    pub fn hint(&self, id: i64) {
        self.make_urgent(id, Urgency::Hint);
        self.recheck(id);
    }
}

/// What the list said of a payment: hinted at again only when it says something new.
type Said = (RemoteState, Option<DateTime<Utc>>);

/// What one look at the list came to.
enum Look {
    /// Read: the newest change it listed, when the list says, and whether it named a change
    /// of a payment followed here.
    Read(Option<DateTime<Utc>>, bool),
    Failed(crate::provider::ProviderError),
    /// The provider has no list.
    Unlisted,
    Stopping,
}

/// Reads the provider's list every [`super::EngineSettings::list_every`] while it names changes (every
/// other while it does not), as long as enough of its payments are followed, and hints at each
/// one it lists as no longer pending.
async fn read_list(engine: Engine, kind: ProviderKind) {
    let Some(provider) = engine.provider(kind) else {
        engine.inner.watch.unlisted(kind);
        return;
    };
    let every = engine.inner.settings.list_every;
    let from = engine.inner.settings.list_from;
    // Each payment hinted at (by its reference's hash), with what the list said then.
    let mut hinted: HashMap<u64, Said> = HashMap::new();
    // The newest change the last look listed (a look reads pages until it reaches it).
    let mut newest: Option<DateTime<Utc>> = None;
    let mut failures = 0u32;
    let mut quiet = false;
    tracing::info!(provider = %kind, "reading the provider's list of changes");
    while engine.inner.watch.keeps_reading(kind, from) {
        let began = Instant::now();
        match look(&engine, &*provider, kind, newest, &mut hinted).await {
            Look::Read(top, named) => {
                if failures > 0 {
                    tracing::info!(provider = %kind, failures, "the list of changes answers again");
                }
                failures = 0;
                newest = newest.max(top);
                // Customers answer in waves: while they do, the list is read at its quickest;
                // between waves, at half that.
                quiet = !named;
            }
            Look::Failed(e) => {
                // Said once an outage, and how long it lasted once it ends: every eight
                // seconds of a long one would be a line each.
                if failures == 0 {
                    tracing::warn!(provider = %kind, error = %e, "could not read the list of changes; asking each payment meanwhile");
                } else {
                    tracing::debug!(provider = %kind, error = %e, "the list of changes still fails");
                }
                failures += 1;
            }
            Look::Unlisted => {
                engine.inner.watch.unlisted(kind);
                return;
            }
            Look::Stopping => return,
        }
        if hinted.len() > 64 {
            engine.inner.watch.forget_closed(kind, &mut hinted);
        }
        let wait = every
            .saturating_mul(1 << (failures.min(6) + u32::from(quiet)))
            .min(BACK_OFF.max(every));
        tokio::time::sleep_until(began + wait).await;
    }
    tracing::info!(provider = %kind, "no longer reading the provider's list of changes");
}

/// One look: pages of the list, newest change first, until the change the last look saw
/// newest (or a short page, or [`PAGES`]).
async fn look(
    engine: &Engine,
    provider: &dyn crate::provider::Provider,
    kind: ProviderKind,
    newest: Option<DateTime<Utc>>,
    hinted: &mut HashMap<u64, Said>,
) -> Look {
    let (mut top, mut named, mut skip) = (None, false, 0u32);
    for _ in 0..PAGES {
        // Under the pace like any question, and first: one answer says which questions will
        // find an answer.
        let Some(slot) = engine
            .inner
            .pacer
            .turn_for(None, Ask::Fixed(Urgency::List))
            .await
        else {
            return Look::Stopping;
        };
        let listed = match provider.recent_changes(skip, PAGE).await {
            Ok(Some(listed)) => listed,
            Ok(None) => return Look::Unlisted,
            Err(e) => return Look::Failed(e),
        };
        drop(slot);
        for l in &listed {
            named |= hint_at(engine, kind, l, hinted);
        }
        top = top.or_else(|| listed.first().and_then(|l| l.updated_at));
        let reached = match (newest, listed.last().and_then(|l| l.updated_at)) {
            (Some(seen), Some(last)) => last <= seen,
            // Nothing seen yet (the list was empty until now): as far as the pages go.
            (None, Some(_)) => false,
            // A list that does not say when: one page.
            (_, None) => true,
        };
        // A provider may give fewer than asked a page (its own limit, undocumented): only an
        // empty page ends the list.
        if reached || listed.is_empty() {
            break;
        }
        skip = skip.saturating_add(u32::try_from(listed.len()).unwrap_or(u32::MAX));
    }
    Look::Read(top, named)
}

/// Hints at the payment the list names, if it is followed here and the list says something
/// new of it: whether it did.
fn hint_at(
    engine: &Engine,
    kind: ProviderKind,
    l: &Listed,
    hinted: &mut HashMap<u64, Said>,
) -> bool {
    if l.state == RemoteState::Pending {
        return false;
    }
    let k = key(&l.reference);
    let Some(id) = engine.inner.watch.id_of(kind, k) else {
        return false;
    };
    let said = (l.state, l.updated_at);
    if hinted.get(&k) == Some(&said) {
        return false;
    }
    hinted.insert(k, said);
    tracing::debug!(id, word = %l.word, "the list says it changed");
    engine.hint(id);
    true
}
