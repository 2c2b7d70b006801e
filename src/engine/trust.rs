//! Whether a provider's callbacks are seen to arrive, and so whether its payments may be asked
//! about on the sparse schedule ([`crate::tracker::Schedule::trusting`]): a callback finds the
//! answer at once, and the few questions left are for the callbacks that get lost.
//!
//! The evidence is the journal's: each payment this process saw answered (paid or failed) is
//! looked at a little after its answer; a callback kept for it counts one more in a row, none
//! starts the count again. A provider is trusted after [`TRUST_AFTER`] in a row. One payment
//! answered without its callback (lost, the receiver or the proxy down) is enough to go back to
//! the dense schedule at once, for every payment of that provider this process follows.

use super::Engine;
use crate::payment::{Payment, Status};
use crate::provider::ProviderKind;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Answered payments in a row with their callback before a provider is trusted.
pub const TRUST_AFTER: u32 = 3;
/// How long after a payment's answer its callback may come (in the schedule's time).
const GRACE: Duration = Duration::from_secs(10);

/// Per provider, answered payments in a row that had their callback.
#[derive(Default)]
pub(super) struct CallbackTrust(Mutex<HashMap<ProviderKind, u32>>);

impl CallbackTrust {
    fn note(&self, kind: ProviderKind, called_back: bool) {
        if let Ok(mut rows) = self.0.lock() {
            let streak = rows.entry(kind).or_default();
            *streak = if called_back {
                streak.saturating_add(1)
            } else {
                0
            };
        }
    }

    fn trusted(&self, kind: ProviderKind) -> bool {
        self.0
            .lock()
            .is_ok_and(|rows| rows.get(&kind).is_some_and(|n| *n >= TRUST_AFTER))
    }
}

impl Engine {
    /// Whether `kind`'s callbacks are seen to arrive (see the module).
    pub fn trusts_callbacks(&self, kind: ProviderKind) -> bool {
        self.inner.trust.trusted(kind)
    }

    /// A payment this process saw answered: its callback looked for a little later.
    pub(super) fn note_answered(&self, p: &Payment) {
        if !matches!(p.status, Status::Paid | Status::Failed) || p.sent_at.is_none() {
            return;
        }
        let (engine, id, kind) = (self.clone(), p.id, p.provider);
        let grace = self.settings().schedule.in_scale(GRACE);
        tokio::spawn(async move {
            tokio::time::sleep(grace).await;
            match engine.read(move |j| j.hooks(Some(id), 1)).await {
                Ok(kept) => engine.inner.trust.note(kind, !kept.is_empty()),
                Err(e) => tracing::debug!(error = %e, "callbacks not looked for"),
            }
        });
    }
}
