//! On an embedded journal, the till's other processes (a second console, a script's
//! `lipa push`) write too: every second, what they wrote is shown here — a payment they
//! recorded, and each change of one of theirs shown open — as a shared ledger's news is.

use super::{Engine, EngineError};
use std::collections::BTreeSet;
use std::time::Duration;

/// How often another process's writes are looked for.
const EVERY: Duration = Duration::from_secs(1);

impl Engine {
    /// Follows the writes of this till's other processes (see the module); nothing to do on a
    /// shared ledger, whose news [`Engine::follow_ledger`] follows.
    pub(super) fn follow_journal(&self) {
        let engine = self.clone();
        tokio::spawn(async move {
            let start = engine
                .blocking(|j| {
                    let open: Vec<i64> = j.unresolved()?.iter().map(|p| p.id).collect();
                    Ok((j.others_mark()?, j.last_id()?, open, j.last_hook()?))
                })
                .await;
            let (mut mark, mut last, open, mut hooks) = match start {
                Ok((Some(mark), last, open, hooks)) => (mark, last, open, hooks),
                Ok((None, ..)) | Err(EngineError::Stopping) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot follow the journal's other writers");
                    return;
                }
            };
            // Other processes' payments shown open (those open at the start too: another
            // process may be following them): read again while they are.
            let mut open: BTreeSet<i64> = open.into_iter().collect();
            loop {
                tokio::time::sleep(EVERY).await;
                let ids: Vec<i64> = open.iter().copied().collect();
                let seen = mark;
                let read = engine
                    .blocking(move |j| {
                        let now = j.others_mark()?;
                        if now == Some(seen) {
                            return Ok(None);
                        }
                        let newer = j.after_id(last)?;
                        let known = j.get_many(&ids)?;
                        let called = j.hooks_after(hooks)?;
                        Ok(Some((now, newer, known, called)))
                    })
                    .await;
                let (now, newer, known, called) = match read {
                    Ok(Some(read)) => read,
                    Ok(None) => continue,
                    Err(EngineError::Stopping) => return,
                    Err(e) => {
                        tracing::debug!(error = %e, "could not read the journal's other writes");
                        continue;
                    }
                };
                // A long list is read over several looks: the mark moves once all is read.
                if newer.len() < crate::journal::NEWER_MAX {
                    mark = now.unwrap_or(mark);
                }
                last = newer.iter().map(|p| p.id).fold(last, i64::max);
                // Callbacks another process received: asked now, by whichever process holds
                // the payment's lease (this one, following it or holding it while a person is
                // asked; the question claims the lease first).
                hooks = called.iter().map(|(id, _)| *id).fold(hooks, i64::max);
                for payment in called.iter().filter_map(|(_, p)| *p) {
                    engine.hint(payment);
                }
                for p in newer.iter().chain(&known) {
                    engine.observe_news(p);
                    if p.status.is_final() || engine.is_tracking(p.id) {
                        open.remove(&p.id);
                    } else {
                        open.insert(p.id);
                    }
                }
            }
        });
    }
}
