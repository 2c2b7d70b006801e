//! Status queries spread in time: at most so many a second over all payments, so a restart
//! over a thousand open payments (or a busy server) asks smoothly instead of all at once.
//!
//! A question the provider has hinted at (a callback, or its list of what changed last) goes
//! before all others, at every turn: it will most likely find an answer, and the hints are no
//! more than the payments that changed.
//!
//! Then, when more questions wait than the pace lets through, the young go first: a payment near
//! the time customers answer (most between 8 and 25 s after the prompt) is asked before one
//! its customer answered long ago or never will, and a fresh payment before a re-check past
//! its deadline. A person's re-check (`r`) goes after the payments near their answer and
//! before all others. Every other turn goes to the question that has waited longest, whatever it
//! is about: none waits for ever, and a backlog (ten thousand payments left by an outage)
//! drains at half the pace at least, while a sale pushed meanwhile is asked at its next turn,
//! not behind the whole backlog.
//!
//! The questions out at once are limited too (a slow provider answers fewer a second than the
//! pace allows): a turn is handed out with a slot, when one is free, to the most urgent
//! question then. Had the slots been taken after the turn, first come first served, a slow
//! provider would have filled their queue with the backlog and a sale waited behind all of it
//! (a trial: 2 minutes, with four servers asking one simulator).

use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};
use tokio::time::Instant;

/// Which questions go first when they wait for the pace (lower first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// A read of the provider's list of what changed (once a second): first of all, as one
    /// answer says which questions will find an answer.
    List = 0,
    /// The provider has said this payment changed (a callback, or its list of recent
    /// changes): the question will most likely find the answer, so it goes first, at every
    /// turn (the hints are as many as the payments that changed, no more).
    Hint = 1,
    /// Near the time customers answer: what is asked now is most likely to find an answer,
    /// and a cashier and a customer are waiting for it at a counter.
    Likely = 2,
    /// A person asked (`r`): before every other payment's question, but after a sale near its
    /// answer (a supervisor walking `r` down 1,500 rows must not hold up the sale an agent just
    /// pushed), and under the pace like any question (a hundred people walking `r` down their
    /// lists must not flood the provider's account).
    Person = 3,
    /// Before the deadline, away from it (just sent, or late).
    Open = 4,
    /// Past the deadline: a last question, a re-check, a payment taken over.
    Late = 5,
}

pub struct Pacer {
    gap: Duration,
    ages: Ages,
    state: Arc<Mutex<State>>,
    /// Questions out at once.
    slots: Arc<Semaphore>,
}

/// A question's right to be out: held while it is asked.
pub type Slot = OwnedSemaphorePermit;

struct State {
    /// When the next question may leave.
    next: Instant,
    waiting: Vec<Waiter>,
    /// A task hands the turns out while questions wait.
    dispatching: bool,
    /// Turns handed out (every other one goes to the longest waiting).
    turns: u64,
    /// Payments whose question goes at least this early (the one waiting now, or the next),
    /// and since when: among the urged, the first urged goes first (a question queued long
    /// before its hint does not pass one hinted earlier).
    urged: std::collections::HashMap<i64, (Urgency, Instant)>,
}

struct Waiter {
    /// The payment it is about, if one.
    id: Option<i64>,
    ask: Ask,
    since: Instant,
    go: oneshot::Sender<Slot>,
}

/// What a question is about, for its urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Of this urgency, however long it waits (a person's question).
    Fixed(Urgency),
    /// A payment sent at `sent` (this process's clock): its urgency is taken from its age at
    /// each turn, not when it began to wait (ten thousand questions queued while young are old
    /// by their turn, and a sale pushed meanwhile is younger than all of them).
    Payment { sent: Instant, attention: bool },
}

/// The ages that make a payment's question urgent.
#[derive(Debug, Clone)]
pub struct Ages {
    /// When customers most often answer, after the prompt.
    pub likely: std::ops::Range<Duration>,
    /// Past this, a question is a last one or a re-check.
    pub deadline: Duration,
}

impl Ask {
    fn urgency(&self, now: Instant, ages: &Ages) -> Urgency {
        match *self {
            Ask::Fixed(u) => u,
            Ask::Payment { sent, attention } => {
                let age = now.saturating_duration_since(sent);
                if attention || age >= ages.deadline {
                    Urgency::Late
                } else if ages.likely.contains(&age) {
                    Urgency::Likely
                } else {
                    Urgency::Open
                }
            }
        }
    }
}

impl Pacer {
    /// At most `per_second` queries a second (0: no limit), `slots` out at once.
    pub fn new(per_second: u32, slots: usize, ages: Ages) -> Pacer {
        let gap = match per_second {
            0 => Duration::ZERO,
            n => Duration::from_secs(1) / n,
        };
        Pacer {
            gap,
            ages,
            state: Arc::new(Mutex::new(State {
                next: Instant::now(),
                waiting: Vec::new(),
                dispatching: false,
                turns: 0,
                urged: std::collections::HashMap::new(),
            })),
            slots: Arc::new(Semaphore::new(slots.max(1))),
        }
    }

    /// A slot outside the pace and its order (a question asked without the tracker's lease).
    pub async fn slot(&self) -> Option<Slot> {
        self.slots.clone().acquire_owned().await.ok()
    }

    /// Waits for this query's turn: at once while the pace allows, else in order of urgency.
    #[cfg(test)]
    pub async fn turn(&self, urgency: Urgency) -> Option<Slot> {
        self.turn_for(None, Ask::Fixed(urgency)).await
    }

    /// The payment's question goes at least this early: the one waiting for its turn now
    /// (a hint that comes while it waits moves it up), or else its next.
    pub fn urge(&self, id: i64, urgency: Urgency) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let u = state.urged.entry(id).or_insert((urgency, now));
        if urgency < u.0 {
            *u = (urgency, now);
        }
    }

    /// Forgets what was urged of a payment no longer followed.
    pub fn forget(&self, id: i64) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.urged.remove(&id);
    }

    /// [`Pacer::turn`] for a question (about payment `id`, if one) whose urgency is taken at
    /// each turn; with its slot (`None`: the runtime is stopping).
    pub async fn turn_for(&self, id: Option<i64>, ask: Ask) -> Option<Slot> {
        let (rx, start) = {
            let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            if state.waiting.is_empty()
                && state.next <= now
                && let Ok(slot) = self.slots.clone().try_acquire_owned()
            {
                state.next = now + self.gap;
                if let Some(id) = id {
                    state.urged.remove(&id);
                }
                return Some(slot);
            }
            let (go, rx) = oneshot::channel();
            state.waiting.push(Waiter {
                id,
                ask,
                since: now,
                go,
            });
            let start = !state.dispatching;
            state.dispatching = true;
            (rx, start)
        };
        if start {
            tokio::spawn(dispatch(
                self.state.clone(),
                self.slots.clone(),
                self.gap,
                self.ages.clone(),
            ));
        }
        // The dispatcher ends only once nobody waits: a dropped sender means a stopping
        // runtime.
        rx.await.ok()
    }
}

/// Hands out one turn a gap, each with a slot once one is free, until nobody waits: to the
/// most urgent waiter then (the longest waiting among equals), and every other turn to the
/// longest waiting (but a hint first).
async fn dispatch(state: Arc<Mutex<State>>, slots: Arc<Semaphore>, gap: Duration, ages: Ages) {
    loop {
        let next = {
            let state = state.lock().unwrap_or_else(|p| p.into_inner());
            state.next
        };
        tokio::time::sleep_until(next).await;
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        // A waiter whose question was dropped (its task ended) takes no turn.
        state.waiting.retain(|w| !w.go.is_closed());
        state.turns += 1;
        let by_wait = state.turns.is_multiple_of(2);
        let best = state
            .waiting
            .iter()
            .enumerate()
            .min_by_key(|(_, w)| {
                let own = (w.ask.urgency(now, &ages), w.since);
                let (urgency, since) = match w.id.and_then(|id| state.urged.get(&id)) {
                    Some(&urged) if urged.0 < own.0 => urged,
                    _ => own,
                };
                match by_wait {
                    // A hint goes first at these turns too.
                    true => (urgency.min(Urgency::Likely), since),
                    false => (urgency, since),
                }
            })
            .map(|(i, _)| i);
        let Some(i) = best else {
            state.dispatching = false;
            return;
        };
        let waiter = state.waiting.swap_remove(i);
        if let Some(id) = waiter.id {
            state.urged.remove(&id);
        }
        // Gone since (its task ended): the slot is free again, and the next one is chosen.
        if waiter.go.send(slot).is_err() {
            continue;
        }
        // A turn handed out a little late (the timer's grain, a busy thread) does not lose
        // its time: behind by less than a gap, the next one is not pushed back.
        state.next = state.next.max(now.checked_sub(gap).unwrap_or(now)) + gap;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_ages() -> Ages {
        Ages {
            likely: Duration::from_secs(5)..Duration::from_secs(35),
            deadline: Duration::from_secs(60),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn turns_are_spaced() {
        let p = std::sync::Arc::new(Pacer::new(10, 64, test_ages()));
        let start = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..20 {
            let p = p.clone();
            handles.push(tokio::spawn(async move {
                p.turn(Urgency::Open).await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for h in handles {
            times.push(h.await.expect("turn"));
        }
        times.sort();
        let last = times.last().copied().unwrap_or(start) - start;
        assert!(last >= Duration::from_millis(1900), "{last:?}");
        assert!(
            times
                .windows(2)
                .all(|w| w[1] - w[0] >= Duration::from_millis(99))
        );
    }

    /// Behind a queue of late re-checks, a likely question goes next; a late one that waited
    /// past [`AGING`] goes before it.
    #[tokio::test(start_paused = true)]
    async fn the_young_go_first_and_nobody_waits_for_ever() {
        let p = std::sync::Arc::new(Pacer::new(10, 64, test_ages()));
        p.turn(Urgency::Late).await;
        let order = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut handles = Vec::new();
        for i in 0..5 {
            let (p, order) = (p.clone(), order.clone());
            handles.push(tokio::spawn(async move {
                p.turn(Urgency::Late).await;
                order.lock().expect("order").push(format!("late{i}"));
            }));
            tokio::task::yield_now().await;
        }
        let (p2, order2) = (p.clone(), order.clone());
        handles.push(tokio::spawn(async move {
            p2.turn(Urgency::Likely).await;
            order2.lock().expect("order").push("likely".to_string());
        }));
        for h in handles {
            h.await.expect("turn");
        }
        let order = order.lock().expect("order").clone();
        assert_eq!(order[0], "likely", "{order:?}");

        // Behind a backlog of late questions that have waited long (an outage's), a likely one
        // that just came goes at its next turn or the one after, not behind the backlog.
        let p = std::sync::Arc::new(Pacer::new(1, 64, test_ages()));
        p.turn(Urgency::Late).await;
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut handles = Vec::new();
        for i in 0..30 {
            let (p, seen) = (p.clone(), seen.clone());
            handles.push(tokio::spawn(async move {
                p.turn(Urgency::Late).await;
                seen.lock().expect("seen").push(format!("late{i}"));
            }));
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(10_500)).await;
        let before = seen.lock().expect("seen").len();
        let (p2, seen2) = (p.clone(), seen.clone());
        handles.push(tokio::spawn(async move {
            p2.turn(Urgency::Likely).await;
            seen2.lock().expect("seen").push("likely".to_string());
        }));
        for h in handles {
            h.await.expect("turn");
        }
        let seen = seen.lock().expect("seen").clone();
        let likely_at = seen.iter().position(|s| s == "likely").expect("asked");
        assert!(
            likely_at <= before + 1,
            "the fresh question waited behind the backlog: {likely_at} after {before}: {seen:?}"
        );
    }

    /// Fresh questions that never stop coming do not starve the backlog: it gets every other
    /// turn.
    #[tokio::test(start_paused = true)]
    async fn a_backlog_is_asked_while_fresh_questions_keep_coming() {
        let p = std::sync::Arc::new(Pacer::new(2, 64, test_ages()));
        p.turn(Urgency::Late).await;
        let late_done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut backlog = Vec::new();
        for _ in 0..5 {
            let (p, done) = (p.clone(), late_done.clone());
            backlog.push(tokio::spawn(async move {
                p.turn(Urgency::Late).await;
                done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }));
            tokio::task::yield_now().await;
        }
        // Two fresh questions a second for ten seconds: the whole pace, were they always first.
        let mut fresh = Vec::new();
        for _ in 0..20 {
            let p2 = p.clone();
            fresh.push(tokio::spawn(async move { p2.turn(Urgency::Likely).await }));
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        for h in backlog {
            h.await.expect("turn");
        }
        assert_eq!(late_done.load(std::sync::atomic::Ordering::SeqCst), 5);
        for h in fresh {
            h.await.expect("turn");
        }
    }

    /// A person's re-checks go before every other payment's question but after a sale near its
    /// answer, and at the pace: a hundred `r` walked down a list are not a hundred questions at
    /// once to the provider's account, and a supervisor's walk does not hold up an agent's sale.
    #[tokio::test(start_paused = true)]
    async fn a_persons_questions_go_after_a_sale_and_at_the_pace() {
        let p = std::sync::Arc::new(Pacer::new(10, 64, test_ages()));
        p.turn(Urgency::Late).await;
        let order = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut handles = Vec::new();
        let queued = [Urgency::Late, Urgency::Open]
            .into_iter()
            .chain(std::iter::repeat_n(Urgency::Person, 20))
            .chain([Urgency::Likely]);
        for (i, urgency) in queued.enumerate() {
            let (p, order) = (p.clone(), order.clone());
            handles.push(tokio::spawn(async move {
                p.turn(urgency).await;
                order
                    .lock()
                    .expect("order")
                    .push((i, urgency, Instant::now()));
            }));
            // Each a moment after the last: who waited longest is plain.
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        for h in handles {
            h.await.expect("turn");
        }
        let order = order.lock().expect("order").clone();
        let urgencies: Vec<Urgency> = order.iter().map(|o| o.1).collect();
        assert_eq!(urgencies[0], Urgency::Likely, "{urgencies:?}");
        // The others by urgency (a person's before open and late ones), but every other turn to
        // the longest waiting (the late one, then the open one).
        assert_eq!(urgencies[1], Urgency::Late, "{urgencies:?}");
        assert_eq!(urgencies[2], Urgency::Person, "{urgencies:?}");
        assert_eq!(urgencies[3], Urgency::Open, "{urgencies:?}");
        assert!(
            urgencies[4..].iter().all(|u| *u == Urgency::Person),
            "{urgencies:?}"
        );
        assert!(
            order
                .windows(2)
                .all(|w| w[1].2 - w[0].2 >= Duration::from_millis(99)),
            "a person's questions skipped the pace"
        );
    }

    /// Questions queued while their payments were young are old by their turn: a sale pushed
    /// behind them (an outage's backlog, all sent moments before) is asked at its next turn or
    /// the one after, not behind the whole backlog (its urgency was taken when it began to wait).
    #[tokio::test(start_paused = true)]
    async fn a_backlog_queued_young_is_old_by_its_turn() {
        let p = std::sync::Arc::new(Pacer::new(1, 64, test_ages()));
        p.turn(Urgency::Late).await;
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut handles = Vec::new();
        for i in 0..100 {
            let (p, seen) = (p.clone(), seen.clone());
            let sent = Instant::now();
            handles.push(tokio::spawn(async move {
                p.turn_for(
                    None,
                    Ask::Payment {
                        sent,
                        attention: false,
                    },
                )
                .await;
                seen.lock().expect("seen").push(format!("old{i}"));
            }));
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(70_500)).await;
        let before = seen.lock().expect("seen").len();
        let (p2, seen2) = (p.clone(), seen.clone());
        let sent = Instant::now();
        handles.push(tokio::spawn(async move {
            p2.turn_for(
                None,
                Ask::Payment {
                    sent,
                    attention: false,
                },
            )
            .await;
            seen2.lock().expect("seen").push("fresh".to_string());
        }));
        for h in handles {
            h.await.expect("turn");
        }
        let seen = seen.lock().expect("seen").clone();
        let at = seen.iter().position(|s| s == "fresh").expect("asked");
        assert!(
            at <= before + 1,
            "the fresh sale waited: {at} after {before}"
        );
    }

    /// A question waiting behind a backlog goes next once the provider hints at its payment
    /// (it was queued last, as a regular question); of two hinted, the first hinted goes
    /// first, though it was queued after the other (the peak trial: a payment queued long
    /// before its hint passed every one hinted before it, and some waited 14 s).
    #[tokio::test(start_paused = true)]
    async fn a_hinted_question_goes_next_in_the_order_of_its_hint() {
        let p = std::sync::Arc::new(Pacer::new(10, 64, test_ages()));
        p.turn(Urgency::Late).await;
        let order = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut handles = Vec::new();
        // Payments 0..20 queue first (older); 20 and 21 last.
        for id in 0..22 {
            let (p, order) = (p.clone(), order.clone());
            handles.push(tokio::spawn(async move {
                p.turn_for(Some(id), Ask::Fixed(Urgency::Open)).await;
                order.lock().expect("order").push(id);
            }));
            tokio::task::yield_now().await;
        }
        // Hinted: 21 first, then 3 (queued long before 21).
        p.urge(21, Urgency::Hint);
        tokio::time::advance(Duration::from_millis(1)).await;
        p.urge(3, Urgency::Hint);
        for h in handles {
            h.await.expect("turn");
        }
        let order = order.lock().expect("order").clone();
        assert_eq!(order[..2], [21, 3], "{order:?}");
        // A hint for a payment not waiting now holds for its next question.
        p.urge(99, Urgency::Hint);
        let (p2, order2) = (p.clone(), std::sync::Arc::new(Mutex::new(Vec::new())));
        let mut handles = Vec::new();
        for id in [98, 99] {
            let (p, order) = (p2.clone(), order2.clone());
            handles.push(tokio::spawn(async move {
                p.turn_for(Some(id), Ask::Fixed(Urgency::Open)).await;
                order.lock().expect("order").push(id);
            }));
            tokio::task::yield_now().await;
        }
        for h in handles {
            h.await.expect("turn");
        }
        assert_eq!(order2.lock().expect("order")[0], 99);
    }
}
