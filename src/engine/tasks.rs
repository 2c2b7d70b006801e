//! The tracker task: follows one payment until it is paid, failed or needs a person.

use super::{Engine, EngineError, since};
use crate::payment::{Payment, Status};
use crate::provider::{Lookup, ProviderError, RemoteState};
use crate::strings::provider as s;
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Follow the schedule until final, attention or the deadline.
    Follow,
    /// Ask once now (re-check of a payment nobody follows).
    Once,
}

pub async fn run(engine: &Engine, id: i64, mode: Mode, bell: &Notify) -> Result<(), EngineError> {
    let schedule = engine.settings().schedule.clone();
    let mut last_query: Option<tokio::time::Instant> = None;
    let mut ask_now = mode == Mode::Once;
    loop {
        // Another process may have settled it: the journal is the truth.
        let p = engine.get(id).await?;
        if p.status.is_final() || (p.status == Status::Attention && !ask_now) {
            return Ok(());
        }
        if p.status == Status::Recorded {
            settle_recorded(engine, &p, bell).await?;
            continue;
        }
        let sent = p.sent_at.unwrap_or(p.created_at);
        if !ask_now {
            let elapsed = since(sent);
            let gap = last_query.map(|t| t.elapsed());
            match schedule.next_after(elapsed, gap) {
                None => {
                    // Past the deadline: one last question, then a person decides.
                    if last_query.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
                        let p = query(engine, &p).await?;
                        if p.status.is_final() || p.status == Status::Attention {
                            return Ok(());
                        }
                    }
                    give_up(engine, id, &p).await?;
                    return Ok(());
                }
                Some(at) => {
                    let wait = at.saturating_sub(elapsed);
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = bell.notified() => {}
                    }
                }
            }
        }
        ask_now = false;
        let p = engine.get(id).await?;
        if p.status.is_final() || (p.status == Status::Attention && mode == Mode::Follow) {
            return Ok(());
        }
        let p = query(engine, &p).await?;
        last_query = Some(tokio::time::Instant::now());
        if mode == Mode::Once || p.status.is_final() || p.status == Status::Attention {
            return Ok(());
        }
    }
}

/// One status query, journalled.
async fn query(engine: &Engine, p: &Payment) -> Result<Payment, EngineError> {
    let provider = engine
        .provider(p.provider)
        .ok_or(EngineError::NoProvider(p.provider))?;
    let answer = {
        let _permit = engine.inner.permits.acquire().await;
        provider.query(&p.reference, p.amount).await
    };
    match answer {
        Ok(Lookup::Found(remote)) => {
            let to = Status::from(remote.state);
            let changed =
                if to != p.status && (to != Status::Pending || p.status != Status::Pending) {
                    engine.transition(p.id, to, &remote.message).await?
                } else {
                    None
                };
            if remote.state == RemoteState::Pending || changed.is_none() {
                return engine.note_poll(p.id, Some(remote.message)).await;
            }
            engine.note_poll(p.id, None).await
        }
        Ok(Lookup::NotFound) => engine.note_poll(p.id, Some(s::not_found_yet())).await,
        Err(e) => {
            tracing::warn!(id = p.id, class = e.class(), error = %e, "status query failed");
            if let ProviderError::RetryLater {
                retry_after: Some(d),
                ..
            } = &e
            {
                tokio::time::sleep((*d).min(Duration::from_secs(30))).await;
            }
            engine
                .note_poll(p.id, Some(s::query_failed(&e.to_string())))
                .await
        }
    }
}

/// The deadline passed without a final answer: ask a person, saying why.
async fn give_up(engine: &Engine, id: i64, p: &Payment) -> Result<(), EngineError> {
    let minutes = since(p.sent_at.unwrap_or(p.created_at))
        .as_secs()
        .div_ceil(60);
    let reason = match p.status {
        Status::Sending | Status::Unknown => s::never_found(minutes),
        _ => s::no_answer_by_deadline(minutes),
    };
    engine.transition(id, Status::Attention, &reason).await?;
    Ok(())
}

/// A `Recorded` payment is being sent by its own process, or was left behind by one that
/// stopped before sending: once it is older than that could take, it was never sent.
async fn settle_recorded(engine: &Engine, p: &Payment, bell: &Notify) -> Result<(), EngineError> {
    let stale = engine.settings().stale_recorded;
    let age = since(p.created_at);
    if age < stale {
        tokio::select! {
            _ = tokio::time::sleep(stale - age) => {}
            _ = bell.notified() => {}
        }
        return Ok(());
    }
    engine
        .transition(p.id, Status::Failed, &s::not_sent_stopped())
        .await?;
    Ok(())
}
