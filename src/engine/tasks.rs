//! The tracker task: follows one payment until it is paid, failed or needs a person.
//!
//! The journal is the truth: every round starts by reading the row (another process may have
//! changed it, and then it is published), and every write is a compare-and-set on the status
//! just read, so a stale round loses and reads again. The schedule runs on this process's
//! monotonic clock: a wall clock stepped forward or back changes nothing for a payment sent by
//! this process; for one sent by another, the wall-clock age is only read once, and bounded.

use super::{Engine, EngineError};
use crate::journal::{Answer, Cas, Change};
use crate::payment::{LookupKind, Payment, Status};
use crate::provider::{Charged, Lookup, ProviderError};
use crate::strings::Msg;
use chrono::Utc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

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
    let schedule = engine.settings().schedule.clone();
    let mut anchor = sent;
    let mut last_query: Option<Instant> = None;
    let mut ask_now = mode == Mode::Once;
    loop {
        let p = read(engine, id).await?;
        if p.status.is_final() || (p.status == Status::Attention && !ask_now) {
            return Ok(());
        }
        // Another process follows it (its lease holds): this one leaves it to that one, and
        // takes it over if that one stops (the engine's sweep). A claim also fails on a
        // payment that became final since the read: what it became is shown.
        if !engine.claim(id).await? {
            read(engine, id).await?;
            return Ok(());
        }
        if p.status == Status::Recorded {
            settle_recorded(engine, &p, bell).await?;
            continue;
        }
        let anchor = *anchor.get_or_insert_with(|| anchor_of(&p, schedule.deadline()));
        if !ask_now {
            let elapsed = anchor.elapsed();
            let gap = last_query.map(|t| t.elapsed());
            match schedule.next_after(elapsed, gap) {
                None => {
                    // Past the deadline: one last question, then a person decides.
                    let mut p = p;
                    if last_query.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                        p = query(engine, &p).await?;
                        if p.status.is_final() || p.status == Status::Attention {
                            return Ok(());
                        }
                    }
                    // Only the holder gives up (the question may have lost the lease).
                    if !engine.claim(id).await? {
                        read(engine, id).await?;
                        return Ok(());
                    }
                    if give_up(engine, &p, anchor, sent.is_some()).await? {
                        return Ok(());
                    }
                    last_query = Some(Instant::now());
                    continue;
                }
                Some(at) => {
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
        let p = read(engine, id).await?;
        if p.status.is_final() || (p.status == Status::Attention && mode == Mode::Follow) {
            return Ok(());
        }
        let p = query(engine, &p).await?;
        last_query = Some(Instant::now());
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

/// One status query, journalled as a compare-and-set on the status it was asked in.
async fn query(engine: &Engine, p: &Payment) -> Result<Payment, EngineError> {
    let provider = engine
        .provider(p.provider)
        .ok_or(EngineError::NoProvider(p.provider))?;
    let lookup = {
        engine.query_turn(p.id).await;
        let _permit = engine.inner.permits.acquire().await;
        // Asked only under this process's lease, kept while the question is out: were it lost
        // (this process cut off for longer than a lease), the question is dropped, as another
        // process may be asking now.
        if !engine.claim(p.id).await? {
            return Ok(p.clone());
        }
        let charged = Charged::of(p);
        tokio::select! {
            lookup = provider.query(&charged) => lookup,
            lost = engine.keep_lease(p.id) => return lost.map(|()| p.clone()),
        }
    };
    let answer = match lookup {
        Ok(Lookup::Found(remote)) => Answer::Found {
            to: Status::from(remote.state),
            message: remote.message,
            provider_id: remote.provider_id,
        },
        Ok(Lookup::NotFound) => Answer::NotFound,
        Err(e) => {
            tracing::warn!(id = p.id, class = e.class(), error = %e, "status query failed");
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
    };
    let (id, from) = (p.id, p.status);
    let cas = engine
        .blocking(move |j| j.answer(id, from, &answer))
        .await?;
    engine.observe(cas.payment());
    Ok(cas.into_payment())
}

/// The deadline passed without a final answer: ask a person, saying why — from what lipa
/// actually learned, never guessing. `false` if another writer changed the payment first.
/// `own`: this process sent it (its age is the monotonic clock's; else the wall clock's).
async fn give_up(
    engine: &Engine,
    p: &Payment,
    sent: Instant,
    own: bool,
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
        // The last question got no usable answer: lipa cannot say the customer was silent
        // (a tester's customer had paid while the provider hung).
        (_, Some(LookupKind::Failed)) => Msg::ProviderSilent {
            secs: unheard.map_or(secs, |u| u.as_secs()),
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
        tokio::select! {
            _ = tokio::time::sleep(stale - age) => {}
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
