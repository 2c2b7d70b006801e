//! The open payments as this process last told of them, one shared copy each: a server with a
//! hundred consoles and ten thousand payments pending holds each payment once, and every
//! console's rows point at it. A payment leaves the book once it is paid or failed; consoles
//! that still show it keep that copy.

use crate::payment::Payment;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a read of the open payments serves consoles that start meanwhile (a hundred agents
/// back at once after an outage read the journal once, not a hundred times).
const READ_SERVES: Duration = Duration::from_secs(2);

pub(super) struct Book {
    state: Mutex<State>,
    /// One read of the journal at a time.
    gate: tokio::sync::Mutex<()>,
    /// How long a read serves ([`READ_SERVES`]).
    serves_for: Duration,
}

impl Default for Book {
    fn default() -> Book {
        Book {
            state: Mutex::default(),
            gate: tokio::sync::Mutex::default(),
            serves_for: READ_SERVES,
        }
    }
}

#[derive(Default)]
struct State {
    /// Each open payment's shared copy, and when it was told of (or read).
    open: HashMap<i64, (Arc<Payment>, Instant)>,
    /// The last read of the journal's open payments, and when it began.
    read: Option<(Instant, Vec<Arc<Payment>>)>,
    /// A read is under way.
    reading: bool,
    /// Payments that closed since the last read began (its list may still hold them open).
    closed: HashSet<i64>,
}

impl State {
    fn serves(&self, serves_for: Duration) -> bool {
        self.reading
            || self
                .read
                .as_ref()
                .is_some_and(|(at, _)| at.elapsed() < serves_for)
    }
}

/// Whether the journal's read of open payments lists it: all but paid and failed (a payment a
/// person checked too, or a console starting from the book would miss what one starting from
/// the journal shows: two supervisors' "done" differed by the payments checked meanwhile).
fn open(p: &Payment) -> bool {
    !p.status.is_final()
}

/// `a` is a later version than `b`.
fn later(a: &Payment, b: &Payment) -> bool {
    (a.updated_at, a.polls) > (b.updated_at, b.polls)
}

impl Book {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The shared copy of a payment just told of.
    pub(super) fn told(&self, p: &Payment) -> Arc<Payment> {
        let shared = Arc::new(p.clone());
        let mut state = self.lock();
        // A read that serves no more is let go: it held every payment's copy of its time, a
        // second copy of each once news replaced it here.
        if !state.serves(self.serves_for) && state.read.is_some() {
            state.read = None;
            state.closed.clear();
        }
        if open(p) {
            state.open.insert(p.id, (shared.clone(), Instant::now()));
        } else {
            state.open.remove(&p.id);
            if state.serves(self.serves_for) {
                state.closed.insert(p.id);
            } else {
                state.read = None;
                state.closed.clear();
            }
        }
        shared
    }

    /// The open payments: a read of the journal (`read`, made unless one began in the last
    /// moments) merged with what was told of since it began, each the shared copy. `fresh` is
    /// given the payments of a new read (the engine follows them).
    pub(super) async fn open_payments<E, R, F>(
        &self,
        read: R,
        fresh: impl FnOnce(&[Arc<Payment>]),
    ) -> Result<Vec<Arc<Payment>>, E>
    where
        R: FnOnce() -> F,
        F: std::future::Future<Output = Result<Vec<Arc<Payment>>, E>>,
    {
        let gate = self.gate.lock().await;
        let cached = {
            let mut state = self.lock();
            let cached = state
                .read
                .as_ref()
                .filter(|(at, _)| at.elapsed() < self.serves_for)
                .cloned();
            if cached.is_none() {
                state.reading = true;
                state.read = None;
                state.closed.clear();
            }
            cached
        };
        let (began, list) = match cached {
            Some(read) => read,
            None => {
                let began = Instant::now();
                let payments = read().await;
                self.lock().reading = false;
                let payments = payments?;
                fresh(&payments);
                let mut state = self.lock();
                let list: Vec<Arc<Payment>> = payments
                    .into_iter()
                    .map(|p| share(&mut state, p, began))
                    .collect();
                // Kept from before the read and not in it: closed elsewhere, unseen here.
                let listed: HashSet<i64> = list.iter().map(|p| p.id).collect();
                state
                    .open
                    .retain(|id, (_, at)| listed.contains(id) || *at >= began);
                state.read = Some((began, list.clone()));
                (began, list)
            }
        };
        drop(gate);
        // What closed since the read began is left out (news of it came, or comes); what was
        // told of since replaces it; what opened since is added.
        let state = self.lock();
        let mut out: Vec<Arc<Payment>> = list
            .into_iter()
            .filter(|p| !state.closed.contains(&p.id))
            .map(|p| match state.open.get(&p.id) {
                Some((kept, _)) if later(kept, &p) => kept.clone(),
                _ => p,
            })
            .collect();
        let listed: HashSet<i64> = out.iter().map(|p| p.id).collect();
        out.extend(
            state
                .open
                .values()
                .filter(|(p, at)| *at >= began && !listed.contains(&p.id))
                .map(|(p, _)| p.clone()),
        );
        out.sort_by_key(|p| p.id);
        Ok(out)
    }
}

/// The shared copy of a payment read from the journal: the book's when it holds this version
/// or a later one.
fn share(state: &mut State, shared: Arc<Payment>, read_at: Instant) -> Arc<Payment> {
    match state.open.get(&shared.id) {
        Some((kept, _)) if !later(&shared, kept) => kept.clone(),
        _ => {
            if open(&shared) && !state.closed.contains(&shared.id) {
                state.open.insert(shared.id, (shared.clone(), read_at));
            }
            shared
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(id: i64, polls: u32) -> Payment {
        Payment {
            id,
            polls,
            status: crate::payment::Status::Pending,
            checked: false,
            ..crate::strings::samples::sample_payment()
        }
    }

    /// A read that no longer serves does not keep the copies of its time: once news replaced
    /// them, each payment was held twice (ten thousand of them on a server after an outage).
    #[tokio::test]
    async fn a_read_that_serves_no_more_keeps_no_copy() {
        let book = Book {
            serves_for: Duration::ZERO,
            ..Book::default()
        };
        let read = || async { Ok::<_, ()>(vec![Arc::new(payment(1, 0)), Arc::new(payment(2, 0))]) };
        let list = book.open_payments(read, |_| {}).await.expect("read");
        let old: Vec<std::sync::Weak<Payment>> = list.iter().map(Arc::downgrade).collect();
        drop(list);
        let newer = [book.told(&payment(1, 1)), book.told(&payment(2, 1))];
        assert!(
            old.iter().all(|w| w.upgrade().is_none()),
            "the read still holds the copies news replaced"
        );
        assert!(newer.iter().all(|p| p.polls == 1));
    }
}
