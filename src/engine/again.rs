//! Sending a payment again under its own id, for a provider that takes lipa's id as the
//! payment's ([`LookupBy::OurId`]: pawaPay's `depositId`): a send whose answer was lost, or that
//! a stopped process may never have made, and that the provider then says it never received,
//! goes again under the **same** id, at most [`MOST_SENDS`] times in all and only while the
//! customer can still be at the counter. The provider promises a repeated id is the same
//! payment (`DUPLICATE_IGNORED`), so two processes doing this at once charge nobody twice.
//! A payment still unknown to it [`NEVER_REACHED_AFTER`] after its last send never arrived.

use super::{Engine, EngineError, SendUnderWay, answered};
use crate::journal::{Cas, Change};
use crate::msg::Msg;
use crate::payment::{EventKind, LookupKind, Payment, Status};
use crate::phone::Phone;
use crate::provider::spec::LookupBy;
use crate::provider::{ProviderError, PushRequest};
use crate::tracker::Schedule;
use chrono::Utc;
use std::time::Duration;

/// Sends of one payment under its id, the first included.
pub const MOST_SENDS: u32 = 3;

/// How long after its last send a payment its provider still does not know is failed as never
/// arrived (providers.md, pawaPay), scaled with the schedule.
pub const NEVER_REACHED_AFTER: Duration = Duration::from_secs(15 * 60);

/// The payment's provider takes lipa's id, the payment was sent (or may have been) and no
/// answer of the provider ever settled it (a person may have been asked meanwhile), and the
/// last question found nothing under its id.
pub fn never_arrived(p: &Payment) -> bool {
    p.provider.spec().lookup == LookupBy::OurId
        && matches!(
            p.status,
            Status::Sending | Status::Unknown | Status::Attention
        )
        && p.lookup == Some(LookupKind::NotFound)
        && p.provider_id.is_some()
}

/// How long ago it was last sent, by the wall clock (never negative).
pub fn since_sent(p: &Payment) -> Duration {
    (Utc::now() - p.sent_at.unwrap_or(p.created_at))
        .to_std()
        .unwrap_or_default()
}

/// Whether it may be sent again now: it never arrived, and it is young enough that the
/// customer may still be waiting for the prompt (younger than the schedule's deadline).
pub fn may_send_again(p: &Payment, schedule: &Schedule) -> bool {
    let age = (Utc::now() - p.created_at).to_std().unwrap_or_default();
    never_arrived(p)
        && matches!(p.status, Status::Sending | Status::Unknown)
        && age < schedule.deadline()
}

impl Engine {
    /// Fails `p` as never arrived when its provider, asked just now, still has nothing under
    /// its id [`NEVER_REACHED_AFTER`] (scaled) after its last send, whatever it stands at
    /// (a person asked at the deadline because no question was answered then). `None` when
    /// that is not so, or another writer moved it first.
    pub(crate) async fn fail_never_arrived(
        &self,
        p: &Payment,
    ) -> Result<Option<Payment>, EngineError> {
        let never = self.inner.settings.schedule.in_scale(NEVER_REACHED_AFTER);
        if !never_arrived(p) || since_sent(p) < never {
            return Ok(None);
        }
        let change = Change {
            to: Status::Failed,
            message: &Msg::NeverReached {
                provider: p.provider,
                secs: since_sent(p).as_secs(),
            },
            provider_id: None,
            heard: false,
        };
        Ok(match self.cas(p.id, p.status, &change).await? {
            Cas::Done(failed) => Some(failed),
            Cas::Stale(_) => None,
        })
    }

    /// Sends `p` again under its id if it may be ([`may_send_again`]) and has been sent fewer
    /// than [`MOST_SENDS`] times: the payment as the send's answer left it, or `None` when it
    /// was not sent (another writer moved it, or its sends are used up).
    pub(crate) async fn send_again(&self, p: &Payment) -> Result<Option<Payment>, EngineError> {
        if !may_send_again(p, &self.inner.settings.schedule) {
            return Ok(None);
        }
        let Some(provider) = self.provider(p.provider) else {
            return Ok(None);
        };
        let id = p.id;
        let events = self.blocking(move |j| j.events(id)).await?;
        let sends = events
            .iter()
            .filter(|e| e.kind == EventKind::Status && e.status == Status::Sending)
            .count() as u32;
        if sends >= MOST_SENDS {
            return Ok(None);
        }
        let Ok(phone) = Phone::parse(&p.phone, p.provider.country()) else {
            return Ok(None);
        };
        let _under_way = SendUnderWay::start(&self.inner.sends);
        // A payment a stopped process left *sending*: its send's outcome is unknown first.
        let mut from = p.status;
        if from == Status::Sending {
            let unknown = Change {
                to: Status::Unknown,
                message: &Msg::NotFoundYet,
                provider_id: None,
                heard: false,
            };
            match self.cas(id, Status::Sending, &unknown).await? {
                Cas::Done(_) => from = Status::Unknown,
                Cas::Stale(_) => return Ok(None),
            }
        }
        let again = Msg::SentAgain {
            provider: p.provider,
            times: sends + 1,
        };
        let sending = Change {
            to: Status::Sending,
            message: &again,
            provider_id: None,
            heard: false,
        };
        let sending = match self.cas(id, from, &sending).await? {
            Cas::Done(sending) => sending,
            Cas::Stale(_) => return Ok(None),
        };
        tracing::info!(id, reference = %p.reference, times = sends + 1, "sent again under the same id");
        let request = PushRequest {
            reference: p.reference.clone(),
            phone,
            amount: p.amount,
            channel: p.channel.clone(),
            email: p.email.clone(),
            name: p.name.clone(),
            prepared: p.provider_id.clone(),
            callback: None,
        };
        let answer = provider.initiate(&request).await;
        let (to, message, _, _) = match answer {
            // Nothing left this time (no connection, throttled, the configuration): still
            // unknown whether the first send arrived; asked again, and failed as never
            // arrived only at its time.
            Err(e @ (ProviderError::RetryLater { .. } | ProviderError::Configuration { .. })) => {
                (Status::Unknown, e.message().clone(), None, Some(e))
            }
            answer => answered(p.provider, answer, false),
        };
        let change = Change {
            to,
            message: &message,
            provider_id: None,
            heard: to != Status::Unknown,
        };
        match self.cas(id, Status::Sending, &change).await {
            Ok(cas) => Ok(Some(cas.into_payment())),
            Err(e) => {
                tracing::error!(id, error = %e, "the answer to a send again could not be journalled");
                Ok(Some(sending))
            }
        }
    }
}
