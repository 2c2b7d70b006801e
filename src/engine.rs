//! The engine: starts payments, owns the tracker tasks, publishes every change.
//!
//! Rules it keeps: a payment is journalled before its request leaves the machine; every status
//! change is journalled before anyone is told (subscribers receive the payment as the journal
//! holds it); a send whose outcome is unknown is resolved only by querying its reference.

mod tasks;

use crate::journal::{Journal, JournalError};
use crate::money::Money;
use crate::payment::{NewPayment, Payment, Status};
use crate::provider::{Preview, Provider, ProviderError, ProviderKind, PushRequest};
use crate::reference::Reference;
use crate::strings::provider as s;
use crate::tracker::Schedule;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore, broadcast};

/// Tunables of the engine.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub schedule: Schedule,
    /// Status queries in flight at once, over all payments.
    pub max_concurrent_queries: usize,
    /// A `Recorded` payment older than this was left behind by a process that stopped before
    /// sending it.
    pub stale_recorded: Duration,
}

impl Default for EngineSettings {
    fn default() -> EngineSettings {
        EngineSettings {
            schedule: Schedule::default(),
            max_concurrent_queries: 16,
            stale_recorded: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error("{}", crate::strings::engine::not_configured(.0))]
    NoProvider(ProviderKind),
    /// The provider's answer to a call that changes nothing (a preview).
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("{}", crate::strings::engine::no_such_payment(*.0))]
    NoSuchPayment(i64),
    #[error("{}", crate::strings::engine::task_failed(.0))]
    Task(String),
    /// The runtime is shutting down (the process is exiting); nothing is lost.
    #[error("{}", crate::strings::engine::stopping())]
    Stopping,
}

/// What `submit` returns: the payment as journalled after the send, and the provider's error if
/// the send was refused or broke.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub payment: Payment,
    pub error: Option<ProviderError>,
}

/// The shared engine. Clone freely: clones share one journal, one set of trackers.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    journal: Arc<Journal>,
    providers: HashMap<ProviderKind, Arc<dyn Provider>>,
    updates: broadcast::Sender<Payment>,
    /// Payments tracked by a task of this process, with the bell to make it ask now.
    tracking: Mutex<HashMap<i64, Arc<Notify>>>,
    permits: Semaphore,
    settings: EngineSettings,
}

impl Engine {
    pub fn new(
        journal: Arc<Journal>,
        providers: Vec<Arc<dyn Provider>>,
        settings: EngineSettings,
    ) -> Engine {
        let (updates, _) = broadcast::channel(1024);
        Engine {
            inner: Arc::new(Inner {
                journal,
                providers: providers.into_iter().map(|p| (p.kind(), p)).collect(),
                updates,
                tracking: Mutex::new(HashMap::new()),
                permits: Semaphore::new(settings.max_concurrent_queries.max(1)),
                settings,
            }),
        }
    }

    /// Providers configured, in switcher order.
    pub fn providers(&self) -> Vec<ProviderKind> {
        let mut v: Vec<_> = self.inner.providers.keys().copied().collect();
        v.sort();
        v
    }

    pub fn provider(&self, kind: ProviderKind) -> Option<Arc<dyn Provider>> {
        self.inner.providers.get(&kind).cloned()
    }

    pub fn journal(&self) -> &Arc<Journal> {
        &self.inner.journal
    }

    pub fn settings(&self) -> &EngineSettings {
        &self.inner.settings
    }

    /// Every change to any payment, after it is journalled.
    pub fn subscribe(&self) -> broadcast::Receiver<Payment> {
        self.inner.updates.subscribe()
    }

    /// A fresh reference not yet in the journal.
    pub async fn new_reference(&self, kind: ProviderKind) -> Result<Reference, EngineError> {
        loop {
            let r = Reference::generate(kind, Utc::now().timestamp());
            let candidate = r.clone();
            let used = self
                .blocking(move |j| j.reference_exists(kind, &candidate))
                .await?;
            if !used {
                return Ok(r);
            }
        }
    }

    /// The duplicate guard: a payment to the same phone for the same amount within `window`
    /// that did not fail.
    pub async fn recent_same(
        &self,
        phone: &str,
        amount: Money,
        window: Duration,
    ) -> Result<Option<Payment>, EngineError> {
        let since = Utc::now() - chrono::Duration::from_std(window).unwrap_or_default();
        let phone = phone.to_string();
        self.blocking(move |j| j.recent_same(&phone, amount, since))
            .await
    }

    /// Asks the provider to check the wallet before a push (the customer's registered name,
    /// whether a push can reach them). Sends nothing and writes nothing to the journal.
    /// `Ok(None)`: the provider has no such check.
    pub async fn preview(
        &self,
        kind: ProviderKind,
        request: &PushRequest,
    ) -> Result<Option<Preview>, EngineError> {
        let provider = self.provider(kind).ok_or(EngineError::NoProvider(kind))?;
        Ok(provider.preview(request).await?)
    }

    /// Records the payment, sends it, journals the answer and starts tracking it. Returns once
    /// the send's outcome is journalled (the customer's answer comes later, through
    /// [`Engine::subscribe`]).
    pub async fn submit(&self, new: NewPayment) -> Result<Submitted, EngineError> {
        let provider = self
            .provider(new.provider)
            .ok_or(EngineError::NoProvider(new.provider))?;
        let record = new.clone();
        let payment = self
            .blocking(move |j| j.record(&record, Utc::now()))
            .await?;
        self.publish(&payment);
        let id = payment.id;
        let Some(payment) = self.transition(id, Status::Sending, "").await? else {
            return Err(EngineError::NoSuchPayment(id));
        };
        let request = PushRequest {
            reference: new.reference,
            phone: new.phone,
            amount: new.amount,
            channel: new.channel,
            email: new.email,
            name: new.name,
        };
        let answer = provider.initiate(&request).await;
        let (to, message, provider_id, error) = match answer {
            Ok(accepted) => {
                let to = Status::from(accepted.state);
                let msg = if accepted.message.is_empty() {
                    s::prompt_sent()
                } else {
                    accepted.message
                };
                (to, msg, accepted.provider_id, None)
            }
            Err(e @ ProviderError::Unknown { .. }) => {
                (Status::Unknown, s::unknown_after_send(), None, Some(e))
            }
            Err(e) => (Status::Failed, s::not_sent(&e.to_string()), None, Some(e)),
        };
        tracing::info!(id, reference = %payment.reference, status = to.id(), "send answered");
        let after = self
            .transition_with_id(id, to, &message, provider_id.as_deref())
            .await?;
        let payment = match after {
            Some(p) => p,
            None => self.get(id).await?,
        };
        if !payment.status.is_final() && payment.status != Status::Attention {
            self.track(payment.id);
        }
        Ok(Submitted { payment, error })
    }

    /// Re-tracks every payment the journal holds that is not final (call at start-up).
    /// Returns them as they stand.
    pub async fn resume(&self) -> Result<Vec<Payment>, EngineError> {
        let open = self.blocking(|j| j.unresolved()).await?;
        for p in &open {
            if p.status == Status::Attention {
                if !p.checked {
                    self.recheck(p.id);
                }
            } else {
                self.track(p.id);
            }
        }
        Ok(open)
    }

    /// Asks the provider about a payment now (a cashier's "re-check", or an attention payment
    /// being looked at again). At most one query per payment is ever in flight.
    pub fn recheck(&self, id: i64) {
        let bell = self.lock_tracking().get(&id).cloned();
        match bell {
            Some(bell) => bell.notify_one(),
            None => self.spawn_task(id, tasks::Mode::Once),
        }
    }

    /// Starts a tracker task for the payment unless this process already tracks it.
    pub fn track(&self, id: i64) {
        self.spawn_task(id, tasks::Mode::Follow);
    }

    /// Whether a task of this process is following the payment.
    pub fn is_tracking(&self, id: i64) -> bool {
        self.lock_tracking().contains_key(&id)
    }

    /// A person has looked at a payment that needed attention.
    pub async fn mark_checked(&self, id: i64) -> Result<Payment, EngineError> {
        let p = self
            .blocking(move |j| j.mark_checked(id, Utc::now()))
            .await?
            .ok_or(EngineError::NoSuchPayment(id))?;
        self.publish(&p);
        Ok(p)
    }

    pub async fn get(&self, id: i64) -> Result<Payment, EngineError> {
        self.blocking(move |j| j.get(id))
            .await?
            .ok_or(EngineError::NoSuchPayment(id))
    }

    /// Waits until the payment is paid, failed or needs attention, or `timeout` passes; returns
    /// it as the journal holds it then.
    pub async fn wait_settled(&self, id: i64, timeout: Duration) -> Result<Payment, EngineError> {
        let mut rx = self.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let p = self.get(id).await?;
            if p.status.is_final() || p.status == Status::Attention {
                return Ok(p);
            }
            if tokio::time::timeout_at(deadline, rx.recv()).await.is_err() {
                return self.get(id).await;
            }
        }
    }

    fn lock_tracking(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Notify>>> {
        self.inner
            .tracking
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn spawn_task(&self, id: i64, mode: tasks::Mode) {
        let bell = Arc::new(Notify::new());
        {
            let mut map = self.lock_tracking();
            if map.contains_key(&id) {
                return;
            }
            map.insert(id, bell.clone());
        }
        let engine = self.clone();
        tokio::spawn(async move {
            match tasks::run(&engine, id, mode, &bell).await {
                Ok(()) => {}
                Err(EngineError::Stopping) => tracing::debug!(id, "tracker stopped with lipa"),
                Err(e) => tracing::error!(id, error = %e, "tracker stopped"),
            }
            engine.lock_tracking().remove(&id);
        });
    }

    fn publish(&self, p: &Payment) {
        let _ = self.inner.updates.send(p.clone());
    }

    async fn transition(
        &self,
        id: i64,
        to: Status,
        message: &str,
    ) -> Result<Option<Payment>, EngineError> {
        self.transition_with_id(id, to, message, None).await
    }

    /// Journals a status change, then tells subscribers. `None` if the machine refused it.
    async fn transition_with_id(
        &self,
        id: i64,
        to: Status,
        message: &str,
        provider_id: Option<&str>,
    ) -> Result<Option<Payment>, EngineError> {
        let message = message.to_string();
        let provider_id = provider_id.map(str::to_string);
        let changed = self
            .blocking(move |j| j.transition(id, to, &message, provider_id.as_deref(), Utc::now()))
            .await?;
        if let Some(p) = &changed {
            self.publish(p);
        }
        Ok(changed)
    }

    async fn note_poll(&self, id: i64, message: Option<String>) -> Result<Payment, EngineError> {
        let p = self
            .blocking(move |j| j.note_poll(id, message.as_deref(), Utc::now()))
            .await?
            .ok_or(EngineError::NoSuchPayment(id))?;
        self.publish(&p);
        Ok(p)
    }

    /// Runs a journal call off the async workers.
    async fn blocking<T, F>(&self, f: F) -> Result<T, EngineError>
    where
        T: Send + 'static,
        F: FnOnce(&Journal) -> Result<T, JournalError> + Send + 'static,
    {
        let journal = self.inner.journal.clone();
        tokio::task::spawn_blocking(move || f(&journal))
            .await
            .map_err(|e| {
                if e.is_cancelled() {
                    EngineError::Stopping
                } else {
                    EngineError::Task(e.to_string())
                }
            })?
            .map_err(EngineError::from)
    }
}

/// Time since `t`, never negative.
fn since(t: DateTime<Utc>) -> Duration {
    (Utc::now() - t).to_std().unwrap_or_default()
}
