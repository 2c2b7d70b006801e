//! The engine: starts payments, owns the tracker tasks, publishes every change.
//!
//! Rules it keeps: a payment is journalled before its request leaves the machine; every status
//! change is journalled before anyone is told (subscribers receive the payment as the journal
//! holds it); every change is a compare-and-set on the status that was read; a send whose
//! outcome is unknown is resolved only by querying its reference; the duplicate guard is
//! asked in the same journal transaction that records the payment, for every face.

mod again;
mod book;
mod follow;
mod pace;
pub mod rights;
mod tasks;
mod trust;
mod watch;

pub use rights::{NotAllowed, Rights, RightsNow, RightsSource};

use crate::journal::{Cas, Change, Guard, Journal, JournalError, Recorded, Worker};
use crate::msg::Msg;
use crate::payment::{NewPayment, Payment, Status};
use crate::provider::spec::LookupBy;
use crate::provider::{Preview, Provider, ProviderError, ProviderKind, PushRequest};
use crate::reference::Reference;
use crate::tracker::Schedule;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, Semaphore, broadcast};
use tokio::time::Instant;

/// The duplicate guard's window: a payment to the same phone for the same amount within it
/// is asked about before another is sent.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(5 * 60);

/// The most news of the shared ledger read in one go.
const NEWS_BURST: usize = 500;

/// The longest between two looks for payments nobody follows (the schedule asks every 1.5 to
/// 3 s: a payment taken over misses a question or two, not ten).
const SWEEP_EVERY: Duration = Duration::from_secs(3);

/// How long a tracker waits before reading a payment again when the shared ledger did not
/// answer.
const LEDGER_RETRY: Duration = Duration::from_secs(2);

/// An error before the request leaves: a ledger out of reach then means nothing was sent.
/// A journal call's answer from its thread: [`EngineError::Stopping`] when the thread is gone.
fn journalled<T>(
    ran: Result<Result<T, JournalError>, crate::journal::Gone>,
) -> Result<T, EngineError> {
    ran.map_err(|_| EngineError::Stopping)?
        .map_err(EngineError::from)
}

fn nothing_sent(e: EngineError) -> EngineError {
    match e {
        EngineError::Journal(JournalError::Unreachable(why)) => EngineError::CannotSend(why),
        other => other,
    }
}

/// Tunables of the engine.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    pub schedule: Schedule,
    /// Status queries in flight at once, over all payments.
    pub max_concurrent_queries: usize,
    /// A `Recorded` payment older than this was left behind by a process that stopped before
    /// sending it.
    pub stale_recorded: Duration,
    pub duplicate_window: Duration,
    /// Status queries a second, over all payments (a person's re-check goes before all but a
    /// sale near its answer).
    pub max_queries_per_second: u32,
    /// How often an *attention* payment nobody has checked is asked again by itself (a slow
    /// schedule of its own: not at every start), for as long as it is younger than a day.
    pub attention_every: Duration,
    /// How long a poll lease lasts unless renewed (see `journal/lease.rs`).
    pub poll_lease: Duration,
    /// The callbacks' public address (`https://…`, or `http://` on this machine): a push of a
    /// provider that takes its own callback address gets one under it. `None`: none.
    pub public_url: Option<String>,
    /// Open payments of a provider this process follows from which its list of what changed
    /// last is read as a hint, where it has one (see `engine/watch.rs`).
    pub list_from: usize,
    /// How often that list is read while it names changes (half as often while it does not).
    pub list_every: Duration,
}

/// *Attention* payments older than this are asked again only when a person does.
pub const ATTENTION_FOR: Duration = Duration::from_secs(24 * 3600);

impl Default for EngineSettings {
    fn default() -> EngineSettings {
        EngineSettings {
            schedule: Schedule::default(),
            max_concurrent_queries: 16,
            stale_recorded: Duration::from_secs(30),
            duplicate_window: DUPLICATE_WINDOW,
            max_queries_per_second: 50,
            attention_every: Duration::from_secs(15 * 60),
            poll_lease: crate::journal::POLL_LEASE,
            public_url: None,
            list_from: 20,
            list_every: Duration::from_millis(500),
        }
    }
}

impl EngineSettings {
    /// The real schedule's shape, its times multiplied by `scale` (a simulator's customers
    /// answer in seconds, not in about 14 s).
    pub fn scaled(scale: f64) -> EngineSettings {
        EngineSettings {
            schedule: Schedule::default().scaled(scale),
            // Renewed while a question is out, so shorter than a query may take is safe.
            poll_lease: crate::journal::POLL_LEASE
                .mul_f64(scale)
                .max(Duration::from_secs(4)),
            ..EngineSettings::default()
        }
    }

    /// For customers who answer after `settle` (the demo, `lipa simulate`): the schedule
    /// squeezed so they are found as fast as real ones would be.
    pub fn answering_in(settle: Duration) -> EngineSettings {
        EngineSettings::scaled(scale_for(settle))
    }

    /// As the configuration says: the real schedule, or a simulator's (`LIPA_SCHEDULE_SCALE`).
    pub fn from_config(config: &crate::config::Config) -> EngineSettings {
        let settings = match config.schedule_scale {
            Some(per_mille) => EngineSettings::scaled(f64::from(per_mille) / 1000.0),
            None => EngineSettings::default(),
        };
        EngineSettings {
            public_url: config
                .serve
                .public_url
                .as_deref()
                .and_then(crate::provider::callback_address::public_base),
            ..settings
        }
    }
}

/// The schedule's scale for customers who answer after `settle` (real ones: about 14 s).
pub fn scale_for(settle: Duration) -> f64 {
    (settle.as_secs_f64().max(0.5) / 14.0).min(1.0)
}

#[derive(Debug)]
pub enum EngineError {
    Journal(JournalError),
    NoProvider(ProviderKind),
    /// The provider's answer to a call that changes nothing (a preview).
    Provider(ProviderError),
    /// The duplicate guard found a payment like this one: nothing was recorded or sent.
    Duplicate(Box<Payment>),
    Task(String),
    /// The runtime is shutting down (the process is exiting); nothing is lost.
    Stopping,
    /// The shared ledger could not be reached to record a payment: nothing was sent.
    CannotSend(String),
    /// The operator may not send this payment (their rights as they stand): nothing was
    /// recorded or sent.
    NotAllowed(NotAllowed),
}

impl EngineError {
    /// What went wrong, for a person reading `lang`.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        use crate::strings::engine as s;
        match self {
            EngineError::Journal(e) => e.text(lang),
            EngineError::NoProvider(p) => s::not_configured(lang, p),
            EngineError::Provider(e) => e.message().text(lang),
            EngineError::Duplicate(p) => s::duplicate_of(lang, p),
            EngineError::Task(why) => s::task_failed(lang, why),
            EngineError::Stopping => s::stopping(lang),
            EngineError::CannotSend(why) => s::ledger_cannot_send(lang, why),
            EngineError::NotAllowed(why) => why.text(lang),
        }
    }
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(crate::lang::Lang::En))
    }
}

impl std::error::Error for EngineError {}

impl From<JournalError> for EngineError {
    fn from(e: JournalError) -> EngineError {
        EngineError::Journal(e)
    }
}

impl From<ProviderError> for EngineError {
    fn from(e: ProviderError) -> EngineError {
        EngineError::Provider(e)
    }
}

/// How a new payment meets the duplicate guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendGuard {
    /// Ask the guard; a payment like it within the window refuses the send (for a payment
    /// that sends a failed one again: that one sent again already, or a recent one like it
    /// that did not fail).
    Check,
    /// A person said to send anyway.
    Force,
}

/// What `submit` returns: the payment as journalled after the send, and the provider's error if
/// the send was refused or broke.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub payment: Payment,
    pub error: Option<ProviderError>,
    /// The send's answer could not be journalled (the journal said this, worded by whoever
    /// shows it): the payment stays *sending* in the journal, its outcome unknown until it is
    /// queried.
    pub unjournalled: Option<Arc<EngineError>>,
}

/// The shared engine. Clone freely: clones share one journal, one set of trackers.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

/// How many trackers take their first look at the journal at once.
const STARTS_AT_ONCE: usize = 32;

struct Inner {
    journal: Arc<Journal>,
    /// The journal's own thread: every call of this engine queues there.
    worker: Worker,
    providers: HashMap<ProviderKind, Arc<dyn Provider>>,
    updates: broadcast::Sender<Arc<Payment>>,
    /// The open payments, one shared copy each.
    book: book::Book,
    /// The schedule while a provider's callbacks are seen to arrive (made once: ten thousand
    /// trackers share it, and the settings' dense one).
    sparse: Schedule,
    /// Payments tracked by a task of this process, with the bell to make it ask now.
    tracking: Mutex<HashMap<i64, Arc<Notify>>>,
    /// The last version (`updated_at`) of each payment this process published.
    seen: Mutex<HashMap<i64, DateTime<Utc>>>,
    /// Trackers taking their first look at the journal at once (ten thousand resumed together
    /// queue here, not as twenty thousand journal calls).
    pub(super) starts: Semaphore,
    pacer: pace::Pacer,
    /// The open payments followed, per provider, for its list of changes.
    watch: watch::Watch,
    /// Sends under way (recorded, the answer not yet journalled): a stopping server waits
    /// for them.
    sends: tokio::sync::watch::Sender<usize>,
    /// Whether the shared ledger is out of reach (why), as its news connection finds.
    ledger: tokio::sync::watch::Sender<Option<String>>,
    /// Whether the journal cannot record what lipa learns (why: a full disk…), as the last
    /// write found.
    recording: tokio::sync::watch::Sender<Option<String>>,
    settings: EngineSettings,
    /// Whether each provider's callbacks are seen to arrive.
    trust: trust::CallbackTrust,
}

/// A lease renewed in the background while this lives (see [`Engine::hold_lease`]).
struct HeldLease(tokio::task::JoinHandle<()>);

impl Drop for HeldLease {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Counts one send while it lasts.
struct SendUnderWay<'a>(&'a tokio::sync::watch::Sender<usize>);

impl<'a> SendUnderWay<'a> {
    fn start(counter: &'a tokio::sync::watch::Sender<usize>) -> SendUnderWay<'a> {
        counter.send_modify(|n| *n += 1);
        SendUnderWay(counter)
    }
}

impl Drop for SendUnderWay<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// A status answer the journal could not record (a full disk).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRecorded {
    /// The status the provider named (`None`: no record of it, or no usable answer).
    pub heard: Option<Status>,
    /// The provider answered at all (a status or a definite not-found).
    pub answered: bool,
    /// Why the journal could not record it.
    pub why: String,
}

/// A send's answer as the journal records it: the status it moves to, its words, the
/// provider's id if it gave one, and the error if the send was refused or broke.
fn answered(
    kind: ProviderKind,
    answer: Result<crate::provider::PushAccepted, ProviderError>,
    called_back: bool,
) -> (Status, Msg, Option<String>, Option<ProviderError>) {
    match answer {
        Ok(accepted) => {
            let message = match accepted.message {
                Msg::Empty => Msg::PromptSent,
                m => m,
            };
            (
                Status::from(accepted.state),
                message,
                accepted.provider_id,
                None,
            )
        }
        // A provider that is asked only by the id its answer carries cannot be asked about
        // this one: a person checks it at once, and it is never sent again.
        Err(e @ ProviderError::Unknown { .. }) if kind.spec().lookup == LookupBy::ProviderId => {
            tracing::warn!(provider = kind.id(), "answer lost; it cannot be looked up");
            let message = match called_back {
                true => Msg::CannotLookUpYet { provider: kind },
                false => Msg::CannotLookUp { provider: kind },
            };
            (Status::Attention, message, None, Some(e))
        }
        Err(e @ ProviderError::Unknown { .. }) => {
            (Status::Unknown, e.message().clone(), None, Some(e))
        }
        Err(e) => (
            Status::Failed,
            Msg::NotSent {
                why: Box::new(e.message().clone()),
            },
            None,
            Some(e),
        ),
    }
}

impl Engine {
    pub fn new(
        journal: Arc<Journal>,
        providers: Vec<Arc<dyn Provider>>,
        settings: EngineSettings,
    ) -> Engine {
        let (updates, _) = broadcast::channel(4096);
        journal.set_lease(settings.poll_lease);
        let worker = match Worker::start(journal.clone()) {
            Ok(w) => w,
            // No thread to be had: the engine cannot work at all; say so at the first call.
            Err(e) => {
                tracing::error!(error = %e, "the journal's thread could not start");
                Worker::dead()
            }
        };
        Engine {
            inner: Arc::new(Inner {
                worker,
                journal,
                providers: providers.into_iter().map(|p| (p.kind(), p)).collect(),
                updates,
                tracking: Mutex::new(HashMap::new()),
                seen: Mutex::new(HashMap::new()),
                book: book::Book::default(),
                sparse: settings.schedule.trusting(),
                starts: Semaphore::new(STARTS_AT_ONCE),
                pacer: pace::Pacer::new(
                    settings.max_queries_per_second,
                    settings.max_concurrent_queries,
                    pace::Ages {
                        likely: settings.schedule.in_scale(Duration::from_secs(5))
                            ..settings.schedule.in_scale(Duration::from_secs(35)),
                        deadline: settings.schedule.deadline(),
                    },
                ),
                watch: watch::Watch::default(),
                sends: tokio::sync::watch::channel(0).0,
                ledger: tokio::sync::watch::channel(None).0,
                recording: tokio::sync::watch::channel(None).0,
                settings,
                trust: trust::CallbackTrust::default(),
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

    /// Returns once no send is under way (each answer journalled, or the send given up as
    /// unknown and left to be queried), or when `timeout` passes first (false then).
    pub async fn sends_settled(&self, timeout: Duration) -> bool {
        let mut rx = self.inner.sends.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|n| *n == 0))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Every change to any payment, after it is journalled: one copy shared by every
    /// subscriber.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Payment>> {
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

    /// Records the payment (behind the operator's rights as `rights` gives them now, and the
    /// duplicate guard), sends it, journals the answer and starts tracking it. Returns once the
    /// send's outcome is journalled (the customer's answer comes later, through
    /// [`Engine::subscribe`]). An error means nothing was sent.
    pub async fn submit(
        &self,
        new: NewPayment,
        guard: SendGuard,
        rights: &dyn RightsNow,
    ) -> Result<Submitted, EngineError> {
        let _under_way = SendUnderWay::start(&self.inner.sends);
        let provider = self
            .provider(new.provider)
            .ok_or(EngineError::NoProvider(new.provider))?;
        // Every path that sends comes through here: the rights are read now, not as they were
        // when the screen opened or the question was asked.
        rights
            .rights()
            .check(new.provider, new.amount)
            .map_err(EngineError::NotAllowed)?;
        let window = chrono::Duration::from_std(self.inner.settings.duplicate_window)
            .unwrap_or_else(|_| chrono::Duration::minutes(5));
        let guard = match guard {
            SendGuard::Check => Guard::Within(window),
            SendGuard::Force => Guard::Off,
        };
        let record = new.clone();
        let recorded = self.blocking_first(move |j| j.record(&record, guard)).await;
        let payment = match recorded.map_err(|e| match e {
            EngineError::Journal(JournalError::Unreachable(why)) => EngineError::CannotSend(why),
            other => other,
        })? {
            Recorded::New(p) => p,
            Recorded::Duplicate(same) => return Err(EngineError::Duplicate(Box::new(same))),
            // Asked in the same transaction as the insert: two tills at once cannot both
            // put a prompt on one phone.
            Recorded::Busy(open) => {
                return Err(EngineError::NotAllowed(NotAllowed::PromptOpen {
                    reference: open.reference.to_string(),
                }));
            }
        };
        // This process follows what it sends: it takes the poll lease before sending (were
        // another till's sweep first, that till follows it, and this one only sends).
        self.claim(payment.id).await.map_err(nothing_sent)?;
        // Held while it is sent and its answer journalled, however long that takes, until
        // its tracker renews it.
        let _held = self.hold_lease(payment.id);
        self.publish(&payment);
        if let Some(old) = new.replaces {
            // The failed payment now shows what sent it again.
            if let Ok(old) = self.get(old).await {
                self.publish(&old);
            }
        }
        let id = payment.id;
        // Its own callback address, its token's hash kept before anything leaves.
        let callback = match &self.inner.settings.public_url {
            Some(base) if new.provider.spec().hook_per_payment => {
                let (url, hash) =
                    crate::provider::callback_address::payment_address(base, new.provider, id);
                self.blocking_first(move |j| j.set_hook_token(id, &hash))
                    .await
                    .map_err(nothing_sent)?;
                Some(url)
            }
            _ => None,
        };
        let called_back = callback.is_some();
        let request = PushRequest {
            reference: new.reference,
            phone: new.phone,
            amount: new.amount,
            channel: new.channel,
            email: new.email,
            name: new.name,
            prepared: None,
            callback,
        };
        // A push of two calls: the first charges nobody, and its outcome is journalled (with
        // the move to `Sending`) before the second, which is made at most once.
        let prepared = match provider.prepare(&request).await {
            Ok(prepared) => prepared,
            Err(e) => return self.not_prepared(payment, e).await,
        };
        let request = PushRequest {
            prepared: prepared.clone(),
            ..request
        };
        let sending = Change {
            to: Status::Sending,
            message: &Msg::Empty,
            provider_id: prepared.as_deref(),
            heard: false,
        };
        let sending = match self
            .cas(id, Status::Recorded, &sending)
            .await
            .map_err(nothing_sent)?
        {
            Cas::Done(p) => p,
            // Another process gave it up as never sent: it must not be sent now.
            Cas::Stale(p) => {
                return Ok(Submitted {
                    payment: p,
                    error: None,
                    unjournalled: None,
                });
            }
        };
        let sent = Instant::now();
        let answer = provider.initiate(&request).await;
        let (to, message, provider_id, error) = answered(new.provider, answer, called_back);
        tracing::info!(id, reference = %sending.reference, status = to.id(), "send answered");
        let change = Change {
            to,
            message: &message,
            provider_id: provider_id.as_deref(),
            heard: error.is_none(),
        };
        // The request has left: from here on, no error may read as "nothing was sent".
        let payment = match self.cas(id, Status::Sending, &change).await {
            Ok(cas) => cas.into_payment(),
            Err(e) => {
                tracing::error!(id, error = %e, "the send's answer could not be journalled");
                self.track_from(id, Some(sent));
                return Ok(Submitted {
                    payment: sending,
                    error,
                    unjournalled: Some(Arc::new(e)),
                });
            }
        };
        if !payment.status.is_final() && payment.status != Status::Attention {
            self.track_from(payment.id, Some(sent));
        }
        Ok(Submitted {
            payment,
            error,
            unjournalled: None,
        })
    }

    /// The first of a push's two calls did not succeed: no prompt was asked for, so nobody
    /// was charged; the payment fails as not sent (unless another writer moved it first).
    async fn not_prepared(
        &self,
        payment: Payment,
        e: ProviderError,
    ) -> Result<Submitted, EngineError> {
        tracing::info!(id = payment.id, class = e.class(), error = %e, "first call of the push failed");
        let message = Msg::NotSent {
            why: Box::new(e.message().clone()),
        };
        let change = Change {
            to: Status::Failed,
            message: &message,
            provider_id: None,
            heard: false,
        };
        let payment = match self.cas(payment.id, Status::Recorded, &change).await {
            Ok(cas) => cas.into_payment(),
            Err(journal) => {
                tracing::error!(id = payment.id, error = %journal, "could not record the failed send");
                payment
            }
        };
        Ok(Submitted {
            payment,
            error: Some(e),
            unjournalled: None,
        })
    }

    /// Re-tracks every payment the journal holds that is not final (call at start-up).
    /// Returns them as they stand.
    pub async fn resume(&self) -> Result<Vec<Payment>, EngineError> {
        let open = self.blocking(|j| j.unresolved()).await?;
        self.follow_open(open.iter().rev());
        Ok(open)
    }

    /// [`Engine::resume`] for a console: each payment the copy every console shares, and a
    /// read of the journal made in the last moments serves the consoles that start meanwhile.
    pub async fn open_payments(&self) -> Result<Vec<Arc<Payment>>, EngineError> {
        let read = || self.blocking(|j| j.unresolved_shared());
        self.inner
            .book
            .open_payments(read, |open| {
                self.follow_open(open.iter().rev().map(|p| &**p))
            })
            .await
    }

    /// Follows each open payment (a re-check of those that need a person and are due one),
    /// given newest first: their trackers take their first look at the journal in that order,
    /// a few at a time, and a sale pushed just before a restart is not the last of ten thousand.
    fn follow_open<'a>(&self, open: impl Iterator<Item = &'a Payment>) {
        for p in open {
            if p.status == Status::Attention {
                if self.attention_due(p) {
                    self.recheck(p.id);
                }
            } else {
                self.track(p.id);
            }
        }
    }

    /// An unchecked *attention* payment younger than a day that nobody has asked about for
    /// [`EngineSettings::attention_every`]: due for its slow re-check.
    fn attention_due(&self, p: &Payment) -> bool {
        let age = |t: DateTime<Utc>| (Utc::now() - t).to_std().unwrap_or_default();
        p.status == Status::Attention
            && !p.checked
            && age(p.created_at) < ATTENTION_FOR
            && age(p.updated_at) >= self.inner.settings.attention_every
    }

    /// Gives up every poll lease this process holds (it is stopping cleanly): another till
    /// takes its open payments over at once, not when the leases run out.
    pub async fn release_leases(&self) {
        if let Err(e) = self.blocking(|j| j.release_all()).await {
            tracing::debug!(error = %e, "poll leases left to run out");
        }
    }

    /// How often a process renews the leases it holds.
    pub(crate) fn renew_every(&self) -> Duration {
        self.inner.settings.poll_lease / 4
    }

    /// Takes or renews the lease to poll a payment: `false` when another process holds it.
    pub(crate) async fn claim(&self, id: i64) -> Result<bool, EngineError> {
        let claimed = self.blocking(move |j| j.claim_poll(id)).await;
        self.note_write(&claimed, |held| *held);
        claimed
    }

    /// Renews the lease every [`Engine::renew_every`]; returns once it is lost to another
    /// process (`Ok`) or cannot be renewed (the ledger's error).
    pub(crate) async fn keep_lease(&self, id: i64) -> Result<(), EngineError> {
        loop {
            tokio::time::sleep(self.renew_every()).await;
            if !self.claim(id).await? {
                tracing::warn!(id, "poll lease lost to another process");
                return Ok(());
            }
        }
    }

    /// Renews the lease of `id` in the background until the value returned is dropped.
    fn hold_lease(&self, id: i64) -> HeldLease {
        let engine = self.clone();
        HeldLease(tokio::spawn(async move {
            if let Err(e) = engine.keep_lease(id).await {
                tracing::debug!(id, error = %e, "lease not renewed during the send");
            }
        }))
    }

    /// Every few seconds (at most half a lease), takes over the open payments nobody follows
    /// any more (their process stopped, or a cut network let the lease run out), so that
    /// several tills on one ledger, several servers or pushes on one journal, leave no payment
    /// unfollowed: one whose process was killed on this machine is asked about again within
    /// [`SWEEP_EVERY`], on its schedule, not after a half-minute gap.
    pub fn sweep_leases(&self) {
        let engine = self.clone();
        let every = (self.inner.settings.poll_lease / 2)
            .min(SWEEP_EVERY)
            .max(Duration::from_millis(100));
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match engine.blocking(|j| j.unclaimed()).await {
                    // Newest first (see `follow_open`).
                    Ok(ids) => ids.into_iter().rev().for_each(|id| engine.track(id)),
                    Err(EngineError::Stopping) => return,
                    Err(e) => tracing::warn!(error = %e, "could not look for unfollowed payments"),
                }
            }
        });
    }

    /// On a shared ledger: publishes every change another till makes as it is committed, so
    /// every console of the chain shows it at once; after the news connection was lost (news
    /// meanwhile is lost with it), reads again every open payment and every one of the last
    /// day.
    ///
    /// On an embedded journal: the till's other processes' writes ([`Engine::follow_journal`]).
    pub fn follow_ledger(&self) {
        let Some(mut news) = self.inner.journal.listen() else {
            self.follow_journal();
            return;
        };
        let engine = self.clone();
        tokio::spawn(async move {
            use crate::journal::pg::LedgerNews;
            while let Some(first) = news.recv().await {
                // A burst of news is read in one go: with ten busy tills each one hears
                // hundreds of changes a second, too many to read one by one.
                let mut burst = vec![first];
                while burst.len() < NEWS_BURST {
                    match news.try_recv() {
                        Ok(item) => burst.push(item),
                        Err(_) => break,
                    }
                }
                let mut ids = std::collections::BTreeSet::new();
                let mut again = false;
                for item in burst {
                    engine.inner.ledger.send_if_modified(|now| {
                        let was = now.clone();
                        *now = match &item {
                            LedgerNews::Lost(why) => Some(why.clone()),
                            _ => None,
                        };
                        was != *now
                    });
                    match item {
                        LedgerNews::Changed(id) => {
                            ids.insert(id);
                        }
                        LedgerNews::Reconnected => again = true,
                        LedgerNews::Lost(_) => {}
                        // A callback: the till following the payment asks now (the till that
                        // received it asked already if nobody held it).
                        // Whether this till follows it or only holds its lease (a payment
                        // waiting for a person): the question claims the lease first, so only
                        // one till asks.
                        LedgerNews::Hook(id) => engine.recheck(id),
                    }
                }
                let ids: Vec<i64> = ids.into_iter().collect();
                let seen = if again {
                    engine.read_again().await
                } else if ids.is_empty() {
                    continue;
                } else {
                    // Straight to the ledger, not through the journal's queue behind this
                    // till's own work: news is for every console at once.
                    let journal = engine.inner.journal.clone();
                    tokio::task::spawn_blocking(move || journal.get_many(&ids))
                        .await
                        .map_err(|e| EngineError::Task(e.to_string()))
                        .and_then(|r| r.map_err(EngineError::from))
                };
                match seen {
                    Ok(payments) => {
                        payments.iter().for_each(|p| engine.observe_news(p));
                        // A payment sent again: the failed one now shows it (its row did not
                        // change, so no news of it came).
                        let old: Vec<i64> = payments.iter().filter_map(|p| p.replaces).collect();
                        if !old.is_empty() {
                            let journal = engine.inner.journal.clone();
                            let read = tokio::task::spawn_blocking(move || journal.get_many(&old));
                            if let Ok(Ok(old)) = read.await {
                                old.iter().for_each(|p| engine.publish(p));
                            }
                        }
                    }
                    Err(EngineError::Stopping) => return,
                    Err(e) => tracing::warn!(error = %e, "could not read a change of the ledger"),
                }
            }
        });
    }

    /// Whether the shared ledger is out of reach (why), kept up to date by
    /// [`Engine::follow_ledger`]; always `None` on an embedded journal.
    pub fn ledger_state(&self) -> tokio::sync::watch::Receiver<Option<String>> {
        self.inner.ledger.subscribe()
    }

    /// Whether the journal cannot record what lipa learns (why: a full disk, a file it may not
    /// write), kept up to date by every write of a status or a lease: `None` once one works.
    pub fn journal_state(&self) -> tokio::sync::watch::Receiver<Option<String>> {
        self.inner.recording.subscribe()
    }

    /// A write worked (`wrote`), or failed for want of storage: the journal's state follows.
    pub(crate) fn note_write<T>(
        &self,
        result: &Result<T, EngineError>,
        wrote: impl Fn(&T) -> bool,
    ) {
        match result {
            Ok(v) if wrote(v) => {
                self.inner
                    .recording
                    .send_if_modified(|now| now.take().is_some());
            }
            Err(EngineError::Journal(e)) if e.is_storage() => {
                let why = e.to_string();
                self.inner.recording.send_if_modified(|now| {
                    let changed = now.as_deref() != Some(why.as_str());
                    *now = Some(why.clone());
                    changed
                });
            }
            _ => {}
        }
    }

    /// Every open payment, and every one recorded in the last day.
    async fn read_again(&self) -> Result<Vec<Payment>, EngineError> {
        let since = Utc::now() - chrono::Duration::days(1);
        self.blocking(move |j| {
            let mut all = j.unresolved()?;
            all.extend(j.since(since)?);
            Ok(all)
        })
        .await
    }

    /// Every `attention_every`, asks again about the attention payments that are due (for a
    /// process that runs all day: the console, the server).
    pub fn sweep_attention(&self) {
        let engine = self.clone();
        let every = self.inner.settings.attention_every;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let open = match engine.blocking(|j| j.unresolved_shared()).await {
                    Ok(open) => open,
                    Err(EngineError::Stopping) => return,
                    // The shared ledger is out of reach: ask again at the next round.
                    Err(e) => {
                        tracing::warn!(error = %e, "could not look for attention payments");
                        continue;
                    }
                };
                for p in open.iter().filter(|p| engine.attention_due(p)) {
                    engine.recheck(p.id);
                }
            }
        });
    }

    /// Asks the provider about a payment now (a cashier's "re-check", or an attention payment
    /// being looked at again). At most one query per payment is ever in flight.
    pub fn recheck(&self, id: i64) {
        let bell = self.lock_tracking().get(&id).cloned();
        match bell {
            Some(bell) => bell.notify_one(),
            None => self.spawn_task(id, tasks::Mode::Once, None),
        }
    }

    /// A person's re-check: written to the payment's history, then asked ahead of all but
    /// the sales near their answer.
    pub async fn recheck_by(&self, id: i64, who: &str) -> Result<(), EngineError> {
        let who = who.to_string();
        self.blocking(move |j| j.note_recheck(id, &who)).await?;
        self.make_urgent(id, pace::Urgency::Person);
        self.recheck(id);
        Ok(())
    }

    /// The payment's question goes at least this early: the one waiting now, or its next.
    fn make_urgent(&self, id: i64, urgency: pace::Urgency) {
        self.inner.pacer.urge(id, urgency);
    }

    /// Waits for a question's turn under the pace: the payments the provider hinted at, those
    /// most likely to have an answer, then a person's re-check (paced all the same), then the
    /// others (see `pace.rs`).
    pub(crate) async fn query_turn(&self, id: i64, ask: pace::Ask) -> Option<pace::Slot> {
        self.inner.pacer.turn_for(Some(id), ask).await
    }

    /// What a question about `p` is, for its urgency at its turn: the time since its prompt
    /// (near when customers answer, 5–35 s in the schedule's time, most; past the deadline
    /// least), on this process's clock.
    pub(crate) fn urgency(&self, p: &Payment) -> pace::Ask {
        let sent = p.sent_at.unwrap_or(p.created_at);
        let age = (Utc::now() - sent).to_std().unwrap_or_default();
        let now = Instant::now();
        pace::Ask::Payment {
            sent: now.checked_sub(age).unwrap_or(now),
            attention: p.status == Status::Attention,
        }
    }

    /// Starts a tracker task for the payment unless this process already tracks it.
    pub fn track(&self, id: i64) {
        self.track_from(id, None);
    }

    /// Tracks a payment this process sent at `sent` (its schedule runs on this process's
    /// monotonic clock, whatever the wall clock does).
    fn track_from(&self, id: i64, sent: Option<Instant>) {
        self.spawn_task(id, tasks::Mode::Follow, sent);
    }

    /// Whether a task of this process is following the payment.
    pub fn is_tracking(&self, id: i64) -> bool {
        self.lock_tracking().contains_key(&id)
    }

    /// A person has looked at a payment that needed attention (`Stale`: it does not need
    /// attention, or was marked already).
    pub async fn mark_checked(
        &self,
        id: i64,
        who: &str,
        note: Option<&str>,
    ) -> Result<Cas, EngineError> {
        let (who, note) = (who.to_string(), note.map(str::to_string));
        let cas = self
            .blocking(move |j| j.mark_checked(id, &who, note.as_deref()))
            .await?;
        self.publish(cas.payment());
        Ok(cas)
    }

    pub async fn get(&self, id: i64) -> Result<Payment, EngineError> {
        self.blocking(move |j| j.get(id))
            .await?
            .ok_or(EngineError::Journal(JournalError::NoSuchPayment(id)))
    }

    /// Waits until the payment is paid, failed or needs attention, or `timeout` passes; returns
    /// it as the journal holds it then.
    pub async fn wait_settled(&self, id: i64, timeout: Duration) -> Result<Payment, EngineError> {
        self.wait_until(id, timeout, false).await
    }

    /// As [`Engine::wait_settled`], through *needs attention* to paid or failed (a payment
    /// whose own callback may still come).
    pub async fn wait_final(&self, id: i64, timeout: Duration) -> Result<Payment, EngineError> {
        self.wait_until(id, timeout, true).await
    }

    async fn wait_until(
        &self,
        id: i64,
        timeout: Duration,
        only_final: bool,
    ) -> Result<Payment, EngineError> {
        let mut rx = self.subscribe();
        let deadline = Instant::now() + timeout;
        loop {
            let p = self.get(id).await?;
            if p.status.is_final() || (p.status == Status::Attention && !only_final) {
                return Ok(p);
            }
            if tokio::time::timeout_at(deadline, rx.recv()).await.is_err() {
                return self.get(id).await;
            }
        }
    }

    /// Asks the provider about a payment now and waits (up to `timeout`) for the answer to be
    /// journalled; returns the payment as it then stands.
    pub async fn ask_now(&self, id: i64, timeout: Duration) -> Result<Payment, EngineError> {
        let mut rx = self.subscribe();
        let before = self.get(id).await?;
        if before.status.is_final() {
            return Ok(before);
        }
        let mut recording = self.journal_state();
        self.recheck(id);
        let deadline = Instant::now() + timeout;
        loop {
            // A journal that cannot record: the answer will not come (the tracker cannot take
            // its lease), so the caller is told at once, not at the deadline.
            if recording.borrow_and_update().is_some() {
                return self.get(id).await;
            }
            let heard = tokio::select! {
                heard = tokio::time::timeout_at(deadline, rx.recv()) => heard,
                _ = recording.changed() => continue,
            };
            match heard {
                Ok(Ok(p))
                    if p.id == id && (p.polls > before.polls || p.status != before.status) =>
                {
                    return Ok(Arc::unwrap_or_clone(p));
                }
                Ok(Ok(_)) | Ok(Err(broadcast::error::RecvError::Lagged(_))) => {}
                Ok(Err(broadcast::error::RecvError::Closed)) | Err(_) => return self.get(id).await,
            }
        }
    }

    /// Asks the provider about a payment now, past the tracker, when the journal cannot
    /// record (a full disk: the tracker cannot take its lease, so it does not ask). The answer
    /// is recorded if the journal can by then; else what was heard comes back beside the
    /// payment as the journal still holds it: never final until it is recorded.
    pub async fn ask_unrecorded(
        &self,
        id: i64,
    ) -> Result<(Payment, Option<NotRecorded>), EngineError> {
        let p = self.get(id).await?;
        if p.status.is_final() || p.status == Status::Attention {
            return Ok((p, None));
        }
        tasks::ask_unleased(self, &p).await
    }

    fn lock_tracking(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<Notify>>> {
        self.inner
            .tracking
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    fn spawn_task(&self, id: i64, mode: tasks::Mode, sent: Option<Instant>) {
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
            loop {
                // Inline (one allocation a tracker): what it holds across a wait is small.
                match tasks::run(&engine, id, mode, &bell, sent).await {
                    Ok(()) => {}
                    Err(EngineError::Stopping) => tracing::debug!(id, "tracker stopped with lipa"),
                    // The shared ledger is down or out of reach: the payment is still open
                    // there; follow it again once the ledger answers.
                    Err(EngineError::Journal(JournalError::Unreachable(why))) => {
                        tracing::warn!(id, %why, "ledger unreachable; following again soon");
                        tokio::time::sleep(LEDGER_RETRY).await;
                        continue;
                    }
                    // The journal cannot record what was learned (a full disk): the console
                    // says so (`journal_state`); asked again, at once, once it can.
                    Err(EngineError::Journal(e)) if e.is_storage() => {
                        tracing::warn!(id, error = %e, "cannot record; following again soon");
                        tokio::time::sleep(LEDGER_RETRY).await;
                        bell.notify_one();
                        continue;
                    }
                    Err(e) => tracing::error!(id, error = %e, "tracker stopped"),
                }
                break;
            }
            // Another process may take it at once (a person's re-check elsewhere).
            if let Err(e) = Box::pin(engine.blocking(move |j| j.release_poll(id))).await {
                tracing::debug!(id, error = %e, "poll lease left to run out");
            }
            engine.lock_tracking().remove(&id);
            engine.inner.pacer.forget(id);
        });
    }

    /// Tells subscribers about the payment as the journal holds it.
    fn publish(&self, p: &Payment) {
        self.inner
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(p.id, p.updated_at);
        let _ = self.inner.updates.send(self.inner.book.told(p));
    }

    /// Publishes the payment if this process has not shown this version of it (another
    /// process changed it).
    fn observe(&self, p: &Payment) {
        self.observe_as(p, |known| known != p.updated_at);
    }

    /// [`Engine::observe`] for news of the ledger, read beside this process's own writes: a
    /// version older than the one shown (read before this process's own change committed) is
    /// not shown again over it. (The ledger's clock is one clock, the database's.)
    fn observe_news(&self, p: &Payment) {
        self.observe_as(p, |known| p.updated_at > known);
    }

    /// Publishes `p` if nothing of it was shown, or `shows(the version shown)`.
    fn observe_as(&self, p: &Payment, shows: impl Fn(DateTime<Utc>) -> bool) {
        let known = self
            .inner
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&p.id)
            .copied();
        if known.is_none_or(shows) {
            self.publish(p);
        }
    }

    /// A status change, compare-and-set on `from`; published when made.
    async fn cas(&self, id: i64, from: Status, change: &Change<'_>) -> Result<Cas, EngineError> {
        let (to, message, provider_id, heard) = (
            change.to,
            change.message.clone(),
            change.provider_id.map(str::to_string),
            change.heard,
        );
        let cas = self
            .blocking_first(move |j| {
                let change = Change {
                    to,
                    message: &message,
                    provider_id: provider_id.as_deref(),
                    heard,
                };
                j.transition(id, from, &change)
            })
            .await;
        self.note_write(&cas, Cas::is_done);
        let cas = cas?;
        self.observe(cas.payment());
        Ok(cas)
    }

    /// Runs a journal call on the journal's thread.
    pub(crate) async fn blocking<T, F>(&self, f: F) -> Result<T, EngineError>
    where
        T: Send + 'static,
        F: FnOnce(&Journal) -> Result<T, JournalError> + Send + 'static,
    {
        journalled(self.inner.worker.run(f).await)
    }

    /// [`Engine::blocking`] before the background work queued (a sale's own writes: a
    /// cashier waits on them).
    async fn blocking_first<T, F>(&self, f: F) -> Result<T, EngineError>
    where
        T: Send + 'static,
        F: FnOnce(&Journal) -> Result<T, JournalError> + Send + 'static,
    {
        journalled(self.inner.worker.run_first(f).await)
    }

    /// A read of the journal for a face (today's payments, a history), on the journal's
    /// thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T, EngineError>
    where
        T: Send + 'static,
        F: FnOnce(&Journal) -> Result<T, JournalError> + Send + 'static,
    {
        self.blocking(f).await
    }
}
