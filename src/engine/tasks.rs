//! The tracker task: follows one payment until it is paid, failed or needs a person.
//!
//! The journal is the truth: every round starts by reading the row (another process may have
//! changed it, and then it is published), and every write is a compare-and-set on the status
//! just read, so a stale round loses and reads again. The schedule runs on this process's
//! monotonic clock: a wall clock stepped forward or back changes nothing for a payment sent by
//! this process; for one sent by another, the wall-clock age is only read once, and bounded.

use super::{Engine, EngineError};
use crate::journal::{Answer, Cas, Change};
use crate::msg::Msg;
use crate::payment::{LookupKind, Payment, Status};
use crate::provider::{Charged, Lookup, ProviderError};
use chrono::Utc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// Questions past the deadline, while none gets a usable answer, before a person is asked:
/// one failed question (one in five, on a bad day) is not "it could not be asked".
const LATE_TRIES: u32 = 5;

/// What one status query came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    /// Not asked: the lease was lost meanwhile.
    No,
    /// A usable answer (the provider's status, or a definite not-found).
    Heard,
    /// No usable answer.
    Failed,
    /// The provider had not received it, and it was sent again under its id
    /// ([`super::again`]): its schedule starts again.
    SentAgain,
}

/// Keeps since when this tracker's questions have had no usable answer.
fn note(failing: &mut Option<Instant>, asked: Asked, at: Instant) {
    match asked {
        Asked::Failed => {
            failing.get_or_insert(at);
        }
        Asked::Heard | Asked::SentAgain => *failing = None,
        Asked::No => {}
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Follow the schedule until final, attention or the deadline.
    Follow,
    /// Ask once now (re-check of a payment nobody follows).
    Once,
}

pub async fn run(
    engine: &Engine,
    id: i64,
    mode: Mode,
    bell: &Notify,
    sent: Option<Instant>,
) -> Result<(), EngineError> {
    // Borrowed, not copied: ten thousand trackers held two copies each.
    let dense = &engine.settings().schedule;
    let sparse = &engine.inner.sparse;
    // When it was sent (again), on this process's clock, once known.
    let mut started = sent;
    let mut last_query: Option<Instant> = None;
    let mut ask_now = mode == Mode::Once;
    // A question asked once that sent the payment again follows what it sent.
    let mut mode = mode;
    // Since when this tracker's questions have had no usable answer (`None`: the last had).
    let mut failing: Option<Instant> = None;
    // Questions asked past the deadline, and whether one is due again at once.
    let (mut late, mut retry) = (0u32, false);
    // When the provider's own advice asks once more past the deadline (until then, none).
    let mut again_at: Option<Instant> = None;
    // Held until the first look is over (a closed semaphore only means a stopping engine);
    // not for a payment this process just sent (a cashier waits on it; its first look is not
    // queued behind ten thousand taken up at a restart, each a write of its lease).
    let mut starting = match sent {
        Some(_) => None,
        None => engine.inner.starts.acquire().await.ok(),
    };
    // While it follows the payment: its provider's list of changes may hint at it.
    let mut following = None;
    loop {
        // Boxed, as every payment this loop holds across a wait: ten thousand trackers sleep
        // at once, each holding a pointer rather than a payment in each of its states.
        let p = Box::new(Box::pin(read(engine, id)).await?);
        if p.status.is_final() || (p.status == Status::Attention && !ask_now) {
            return Ok(());
        }
        // Another process follows it (its lease holds): this one leaves it to that one, and
        // takes it over if that one stops (the engine's sweep). A claim also fails on a
        // payment that became final since the read: what it became is shown.
        if !Box::pin(engine.claim(id)).await? {
            Box::pin(read(engine, id)).await?;
            return Ok(());
        }
        drop(starting.take());
        if p.status == Status::Recorded {
            Box::pin(settle_recorded(engine, &p, bell)).await?;
            continue;
        }
        if following.is_none() && mode == Mode::Follow {
            following = Some(engine.following(&p));
        }
        // Sparse while the provider's callbacks are seen to arrive (a callback rings the bell);
        // dense again as soon as one did not.
        let schedule = match engine.trusts_callbacks(p.provider) {
            true => sparse,
            false => dense,
        };
        let anchor = *started.get_or_insert_with(|| anchor_of(&p, schedule.deadline()));
        if !ask_now {
            let elapsed = anchor.elapsed();
            let gap = last_query.map(|t| t.elapsed());
            match schedule.next_after(elapsed, gap) {
                None => {
                    // Past the deadline (or taken over after it): a last question, asked again
                    // a few times while it gets no usable answer, then a person decides.
                    let mut p = p;
                    let holding = again_at.is_some_and(|t| Instant::now() < t);
                    let due = std::mem::take(&mut retry)
                        || (!holding
                            && last_query.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)));
                    if due {
                        let at = Instant::now();
                        let (q, asked) = Box::pin(query(engine, p)).await?;
                        p = Box::new(q);
                        note(&mut failing, asked, at);
                        if asked == Asked::SentAgain {
                            (started, last_query, late, again_at) =
                                (Some(Instant::now()), None, 0, None);
                            continue;
                        }
                        if asked != Asked::No {
                            late += 1;
                            last_query = Some(Instant::now());
                        }
                        if p.status.is_final() || p.status == Status::Attention {
                            return Ok(());
                        }
                    }
                    if failing.is_some() && late < LATE_TRIES {
                        tokio::select! {
                            _ = tokio::time::sleep(dense.late_gap()) => {}
                            _ = bell.notified() => {}
                        }
                        retry = true;
                        continue;
                    }
                    // The provider's advice: once more, a while after the deadline, before a
                    // person is asked (a person's re-check asks at once).
                    if again_at.is_none() {
                        again_at = ask_again_at(&p, anchor, schedule);
                    }
                    if let Some(at) = again_at.filter(|at| Instant::now() < *at) {
                        let nap = (at - Instant::now()).min(engine.renew_every());
                        let rang = tokio::select! {
                            _ = tokio::time::sleep(nap) => false,
                            _ = bell.notified() => true,
                        };
                        retry = rang || Instant::now() >= at;
                        continue;
                    }
                    // Only the holder gives up (the question may have lost the lease).
                    if !Box::pin(engine.claim(id)).await? {
                        Box::pin(read(engine, id)).await?;
                        return Ok(());
                    }
                    if Box::pin(give_up(engine, &p, anchor, sent.is_some(), failing)).await? {
                        return Ok(());
                    }
                    last_query = Some(Instant::now());
                    continue;
                }
                Some(at) => {
                    // Read again once awake: ten thousand sleeping trackers hold no payment.
                    drop(p);
                    // Wake at least every quarter lease to renew it.
                    let wait = at.saturating_sub(elapsed);
                    let nap = wait.min(engine.renew_every());
                    let rang = tokio::select! {
                        _ = tokio::time::sleep(nap) => false,
                        _ = bell.notified() => true,
                    };
                    if !rang && nap < wait {
                        continue;
                    }
                }
            }
        }
        ask_now = false;
        let p = Box::new(Box::pin(read(engine, id)).await?);
        if p.status.is_final() || (p.status == Status::Attention && mode == Mode::Follow) {
            return Ok(());
        }
        let at = Instant::now();
        let (p, asked) = Box::pin(query(engine, p)).await?;
        note(&mut failing, asked, at);
        last_query = Some(Instant::now());
        if asked == Asked::SentAgain {
            (started, last_query, mode) = (Some(Instant::now()), None, Mode::Follow);
        }
        if mode == Mode::Once || p.status.is_final() || p.status == Status::Attention {
            return Ok(());
        }
    }
}

/// The payment as the journal holds it; published if this process has not shown it so.
async fn read(engine: &Engine, id: i64) -> Result<Payment, EngineError> {
    let p = engine.get(id).await?;
    engine.observe(&p);
    Ok(p)
}

/// When a payment its provider last called ambiguous is asked about once more past the
/// deadline, where the provider advises it ([`crate::provider::spec::Spec::ask_again_after`]):
/// a payment it simply has no answer for yet goes to a person at the deadline, as any other.
/// A payment already older than that by the wall clock (taken over after a stop) is asked
/// once, as any other.
fn ask_again_at(
    p: &Payment,
    anchor: Instant,
    schedule: &crate::tracker::Schedule,
) -> Option<Instant> {
    // Never received: asked once more when it has been unknown to the provider long enough
    // to say it never arrived.
    if super::again::never_arrived(p) {
        let wait = schedule.in_scale(super::again::NEVER_REACHED_AFTER);
        let left = wait.saturating_sub(super::again::since_sent(p));
        return (!left.is_zero()).then(|| Instant::now() + left);
    }
    let wait = schedule.deadline() + schedule.in_scale(p.provider.spec().ask_again_after?);
    let open = matches!(
        p.status,
        Status::Sending | Status::Unknown | Status::Pending
    ) && ambiguous(p);
    let age = (Utc::now() - p.sent_at.unwrap_or(p.created_at))
        .to_std()
        .unwrap_or_default();
    (open && age < wait).then(|| anchor + wait)
}

/// The provider's last words about it: it cannot say (a `999`).
fn ambiguous(p: &Payment) -> bool {
    matches!(last_words(p), Msg::Ambiguous { .. })
}

/// What the provider last said about it (a query that changed nothing, else its status's).
fn last_words(p: &Payment) -> &Msg {
    if p.said.is_empty() {
        &p.message
    } else {
        &p.said
    }
}

/// When a payment sent by another process (or before a restart) was sent, on this process's
/// monotonic clock: its wall-clock age, never negative (a clock stepped back) and never more
/// than the deadline (a clock stepped forward, or a long stop, asks once more, no more).
fn anchor_of(p: &Payment, deadline: Duration) -> Instant {
    let sent = p.sent_at.unwrap_or(p.created_at);
    let age = (Utc::now() - sent)
        .to_std()
        .unwrap_or_default()
        .min(deadline);
    let now = Instant::now();
    now.checked_sub(age).unwrap_or(now)
}

/// One status query, journalled as a compare-and-set on the status it was asked in; the
/// payment as it then stands, and what the question came to.
async fn query(engine: &Engine, p: Box<Payment>) -> Result<(Payment, Asked), EngineError> {
    let provider = engine
        .provider(p.provider)
        .ok_or(EngineError::NoProvider(p.provider))?;
    if cannot_ask(&p) {
        return Ok((unaskable(engine, &p).await?, Asked::Heard));
    }
    // Ten thousand payments may wait for their turn at once: each waits holding its id and
    // how urgent it is, not the payment, and is read again when its turn comes (it may have
    // changed meanwhile: a callback, another till).
    let (id, status, urgency) = (p.id, p.status, engine.urgency(&p));
    drop(p);
    let Some(slot) = engine.query_turn(id, urgency).await else {
        return Err(EngineError::Stopping);
    };
    let p = Box::pin(read(engine, id)).await?;
    if p.status != status {
        return Ok((p, Asked::No));
    }
    Box::pin(ask(engine, &p, provider, slot)).await
}

/// [`query`] once its turn came.
async fn ask(
    engine: &Engine,
    p: &Payment,
    provider: std::sync::Arc<dyn crate::provider::Provider>,
    slot: super::pace::Slot,
) -> Result<(Payment, Asked), EngineError> {
    let lookup = {
        // Held while the question is out.
        let _slot = slot;
        // Asked only under this process's lease, kept while the question is out: were it lost
        // (this process cut off for longer than a lease), the question is dropped, as another
        // process may be asking now.
        if !engine.claim(p.id).await? {
            return Ok((p.clone(), Asked::No));
        }
        let charged = Charged::of(p);
        tokio::select! {
            lookup = provider.query(&charged) => lookup,
            lost = engine.keep_lease(p.id) => return lost.map(|()| (p.clone(), Asked::No)),
        }
    };
    let answer = answer_of(p.id, lookup).await;
    let asked = match answer {
        Answer::Failed { .. } => Asked::Failed,
        _ => Asked::Heard,
    };
    let (id, from) = (p.id, p.status);
    let cas = engine.blocking(move |j| j.answer(id, from, &answer)).await;
    engine.note_write(&cas, Cas::is_done);
    let cas = cas?;
    engine.observe(cas.payment());
    let moved = cas.is_done();
    let p = cas.into_payment();
    if moved && p.status.is_final() {
        // Did its callback come? (Whether this provider's payments may be asked less.)
        engine.note_answered(&p);
    }
    // Never received by a provider that takes lipa's id: sent again under it, while it may
    // be; failed as never arrived, once it has been unknown there long enough.
    if asked == Asked::Heard {
        if let Some(sent) = engine.send_again(&p).await? {
            engine.observe(&sent);
            return Ok((sent, Asked::SentAgain));
        }
        if let Some(failed) = engine.fail_never_arrived(&p).await? {
            engine.observe(&failed);
            return Ok((failed, asked));
        }
    }
    Ok((p, asked))
}

/// See [`crate::provider::spec::askable`].
fn cannot_ask(p: &Payment) -> bool {
    !crate::provider::spec::askable(p)
}

/// Asks a person about a payment that cannot be asked about (see [`cannot_ask`]); one that
/// already waits for a person stays as it is.
async fn unaskable(engine: &Engine, p: &Payment) -> Result<Payment, EngineError> {
    if p.status == Status::Attention {
        return Ok(p.clone());
    }
    let change = Change {
        to: Status::Attention,
        message: &Msg::CannotLookUp {
            provider: p.provider,
        },
        provider_id: None,
        heard: false,
    };
    Ok(engine.cas(p.id, p.status, &change).await?.into_payment())
}

/// What the provider said, as the journal records it (a `RetryLater` waits out its delay,
/// at most 30 s).
async fn answer_of(id: i64, lookup: Result<Lookup, ProviderError>) -> Answer {
    match lookup {
        Ok(Lookup::Found(remote)) => Answer::Found {
            to: Status::from(remote.state),
            message: remote.message,
            provider_id: remote.provider_id,
            channel: remote.channel,
            wallet_ref: remote.wallet_ref,
        },
        Ok(Lookup::NotFound) => Answer::NotFound,
        Err(e) => {
            tracing::warn!(id, class = e.class(), error = %e, "status query failed");
            if let ProviderError::RetryLater {
                retry_after: Some(d),
                ..
            } = &e
            {
                tokio::time::sleep((*d).min(Duration::from_secs(30))).await;
            }
            Answer::Failed {
                why: e.message().clone(),
            }
        }
    }
}

/// One status query asked outside the tracker, without its lease (a question changes nothing
/// at the provider: two asked at once are harmless), for a journal that cannot record a lease:
/// its answer is recorded if the journal can; else what was heard is returned, not recorded.
pub(super) async fn ask_unleased(
    engine: &Engine,
    p: &Payment,
) -> Result<(Payment, Option<super::NotRecorded>), EngineError> {
    let provider = engine
        .provider(p.provider)
        .ok_or(EngineError::NoProvider(p.provider))?;
    if cannot_ask(p) {
        return Ok((p.clone(), None));
    }
    let lookup = {
        let _slot = engine.inner.pacer.slot().await;
        provider.query(&Charged::of(p)).await
    };
    let heard = match &lookup {
        Ok(Lookup::Found(remote)) => Some(Status::from(remote.state)),
        _ => None,
    };
    let answered = lookup.is_ok();
    let answer = answer_of(p.id, lookup).await;
    let (id, from) = (p.id, p.status);
    let cas = engine.blocking(move |j| j.answer(id, from, &answer)).await;
    engine.note_write(&cas, Cas::is_done);
    match cas {
        Ok(cas) => {
            engine.observe(cas.payment());
            Ok((cas.into_payment(), None))
        }
        Err(EngineError::Journal(e)) if e.is_storage() => Ok((
            p.clone(),
            Some(super::NotRecorded {
                heard,
                answered,
                why: e.to_string(),
            }),
        )),
        Err(e) => Err(e),
    }
}

/// The deadline passed without a final answer: ask a person, saying why — from what lipa
/// actually learned, never guessing. `false` if another writer changed the payment first.
/// `own`: this process sent it (its age is the monotonic clock's; else the wall clock's).
/// `failing`: since when this tracker's own questions have had no usable answer.
async fn give_up(
    engine: &Engine,
    p: &Payment,
    sent: Instant,
    own: bool,
    failing: Option<Instant>,
) -> Result<bool, EngineError> {
    let wall = (Utc::now() - p.sent_at.unwrap_or(p.created_at))
        .to_std()
        .unwrap_or_default();
    let secs = if own {
        sent.elapsed()
    } else {
        sent.elapsed().max(wall)
    }
    .as_secs();
    let unheard = p
        .heard_at
        .map(|h| (Utc::now() - h).to_std().unwrap_or_default());
    let reason = match (p.status, p.lookup) {
        (Status::Sending | Status::Unknown, Some(LookupKind::NotFound)) => Msg::NeverFound { secs },
        (Status::Sending | Status::Unknown, _) => Msg::CouldNotCheck { secs },
        // The last questions got no usable answer: lipa cannot say the customer was silent
        // (a tester's customer had paid while the provider hung). For as long as lipa has
        // been asking in vain, not since the provider was last heard: a payment taken over
        // from a stopped process went unasked meanwhile, not unanswered.
        (_, Some(LookupKind::Failed)) => Msg::ProviderSilent {
            secs: match (failing, unheard) {
                (Some(f), Some(u)) => f.elapsed().min(u).as_secs(),
                (Some(f), None) => f.elapsed().as_secs(),
                (None, u) => u.map_or(secs, |u| u.as_secs()),
            },
        },
        // The provider's last words were that it cannot say: it must reconcile it.
        _ if ambiguous(p) => Msg::MustReconcile {
            provider: p.provider,
            secs,
        },
        // Still settling it with the wallet: pending still, and a person must not take the
        // money another way meanwhile.
        _ if matches!(last_words(p), Msg::Reconciling { .. }) => Msg::StillReconciling {
            provider: p.provider,
            secs,
        },
        _ => Msg::NoAnswerByDeadline { secs },
    };
    let change = Change {
        to: Status::Attention,
        message: &reason,
        provider_id: None,
        heard: false,
    };
    Ok(engine.cas(p.id, p.status, &change).await?.is_done())
}

/// A `Recorded` payment is being sent by its own process, or was left behind by one that
/// stopped before sending: once it is older than that could take, it was never sent. The
/// compare-and-set on `Recorded` means a process that has meanwhile started sending it wins.
async fn settle_recorded(engine: &Engine, p: &Payment, bell: &Notify) -> Result<(), EngineError> {
    let stale = engine.settings().stale_recorded;
    let age = (Utc::now() - p.created_at).to_std().unwrap_or_default();
    if age < stale {
        // Back every quarter lease, to renew it (a lease run out while waiting here let
        // another till take the payment, and the next, and so on).
        tokio::select! {
            _ = tokio::time::sleep((stale - age).min(engine.renew_every())) => {}
            _ = bell.notified() => {}
        }
        return Ok(());
    }
    let change = Change {
        to: Status::Failed,
        message: &Msg::NotSentStopped,
        provider_id: None,
        heard: false,
    };
    if let Cas::Stale(now) = engine.cas(p.id, Status::Recorded, &change).await? {
        tracing::debug!(
            id = p.id,
            status = now.status.id(),
            "recorded payment moved on meanwhile"
        );
    }
    Ok(())
}
