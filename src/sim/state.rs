//! The simulator's memory: pushes (the ledger of truth), bearer tokens, counters and the
//! fault dice. One mutex, held only for short, await-free sections.

use super::behaviour::{self, Behaviour, Outcome};
use super::config::SimConfig;
use super::faults::{FaultKind, Faults};
use super::ledger::{LedgerEntry, SimStats, SimStatus};
use crate::money::Money;
use crate::provider_kind::ProviderKind;
use chrono::{DateTime, TimeDelta, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// One push as the simulator recorded it.
#[derive(Debug, Clone)]
pub struct Push {
    pub provider: ProviderKind,
    pub reference: String,
    /// The provider's id for it.
    pub id: String,
    /// The wallet's receipt (a `paymentReference`).
    pub receipt: String,
    pub phone: String,
    /// The amount exactly as received (`"1000"`, `100.00`), without quotes.
    pub amount_text: String,
    pub amount: Money,
    /// The channel, as the provider names or codes it.
    pub channel: String,
    pub created: Instant,
    pub created_at: DateTime<Utc>,
    pub behaviour: Behaviour,
    /// When a reversal fault was drawn: how long after being paid.
    pub reverse_after: Option<Duration>,
    pub customer_name: String,
    pub email: Option<String>,
    /// How the simulator's answers about it misbehave (faults drawn at creation).
    pub quirks: Quirks,
    /// Its own callback address, where the provider takes one per push.
    pub callback_url: Option<String>,
}

/// How the initiate call that created a push is answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CreateAnswer {
    #[default]
    Normal,
    /// "Reference already used", though this call created it.
    Duplicate,
    /// 429, though this call created it.
    Throttle,
}

/// Faults drawn when a push is created.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Quirks {
    pub answer: CreateAnswer,
    /// Status answers leave out the amount and currency.
    pub no_echo: bool,
    /// Status answers name another paying number.
    pub other_phone: bool,
}

/// A push's state at some instant.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    pub status: SimStatus,
    pub updated_at: DateTime<Utc>,
    /// When the customer paid, if they did.
    pub paid_at: Option<DateTime<Utc>>,
}

impl Push {
    /// The status now, computed lazily from the creation time (no background task).
    pub fn phase(&self, settle: Duration) -> Phase {
        let elapsed = self.created.elapsed();
        let at =
            |d: Duration| self.created_at + TimeDelta::from_std(d).unwrap_or(TimeDelta::zero());
        let pending = Phase {
            status: SimStatus::Pending,
            updated_at: self.created_at,
            paid_at: None,
        };
        if elapsed < settle {
            return pending;
        }
        match self.behaviour.outcome {
            Outcome::Silent => pending,
            Outcome::Cancels | Outcome::Insufficient => Phase {
                status: SimStatus::Failed,
                updated_at: at(settle),
                paid_at: None,
            },
            Outcome::Pays => match self.reverse_after {
                Some(after) if elapsed >= settle + after => Phase {
                    status: SimStatus::Reversed,
                    updated_at: at(settle + after),
                    paid_at: Some(at(settle)),
                },
                _ => Phase {
                    status: SimStatus::Paid,
                    updated_at: at(settle),
                    paid_at: Some(at(settle)),
                },
            },
        }
    }
}

/// What a handler knows about a new push; [`Sim::create`] adds the rest.
pub struct NewPush {
    pub provider: ProviderKind,
    /// The provider's id for it, in its own shape.
    pub id: String,
    pub reference: String,
    pub phone: String,
    pub amount_text: String,
    pub amount: Money,
    pub channel: String,
    pub email: Option<String>,
    /// The push's own callback address, where the provider takes one per push.
    pub callback_url: Option<String>,
}

/// An order, for a provider whose push is two calls: made first, it charges nobody; its push
/// is asked for after, once.
#[derive(Debug, Clone)]
pub struct Order {
    pub provider: ProviderKind,
    pub order_id: String,
    /// The provider's own id for it.
    pub id: String,
    pub phone: String,
    pub amount_text: String,
    pub amount: Money,
    pub created_at: DateTime<Utc>,
    /// Pushes asked for it: more than one is a client's defect
    /// ([`SimStats::repeated_pushes`]).
    pub pushes_asked: u32,
    /// Its own callback address (Selcom's `webhook`, decoded), when it was given one.
    pub webhook: Option<String>,
}

type Key = (ProviderKind, String);

struct Issued {
    expiry: Instant,
    used: bool,
    /// Issued as the provider's only live token (each new one invalidates the one before).
    sole: Option<ProviderKind>,
}

struct Inner {
    /// Token (without `Bearer `) → when it expires, and whether a call has used it yet.
    tokens: HashMap<String, Issued>,
    pushes: Vec<Push>,
    index: HashMap<Key, usize>,
    /// Initiate calls per reference, created or not.
    attempts: HashMap<Key, u32>,
    /// Status queries per reference: in all, in flight now, and the most in flight at once.
    queries: HashMap<Key, (u32, u32, u32)>,
    /// Orders, by (provider, order id).
    orders: HashMap<Key, Order>,
    stats: SimStats,
    faults: Faults,
    dice: StdRng,
}

/// Shared state of one simulator.
pub struct Sim {
    pub config: SimConfig,
    inner: Mutex<Inner>,
    /// Told of every new push, when the simulator calls back (`super::callback`).
    pub(crate) calls:
        std::sync::OnceLock<tokio::sync::mpsc::UnboundedSender<(ProviderKind, String)>>,
}

/// A reference already used for that provider.
pub struct Duplicate;

impl Sim {
    pub fn new(config: SimConfig) -> Sim {
        let faults = config.faults.clone();
        Sim {
            inner: Mutex::new(Inner {
                tokens: HashMap::new(),
                pushes: Vec::new(),
                index: HashMap::new(),
                attempts: HashMap::new(),
                queries: HashMap::new(),
                orders: HashMap::new(),
                stats: SimStats::default(),
                dice: StdRng::seed_from_u64(faults.seed),
                faults,
            }),
            config,
            calls: std::sync::OnceLock::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave the maps half-updated (every section is small and
        // total), so a poisoned lock is still usable.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The simulator's wall clock (real time plus the configured clock-skew fault).
    pub fn now_utc(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::seconds(self.lock().faults.clock_offset_secs)
    }

    pub fn issue_token(&self) -> String {
        let token = format!(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{}.{}",
            hex::encode(rand::random::<[u8; 12]>()),
            hex::encode(rand::random::<[u8; 16]>())
        );
        let now = Instant::now();
        let mut inner = self.lock();
        inner.tokens.retain(|_, issued| issued.expiry > now);
        let issued = Issued {
            expiry: now + self.config.token_ttl,
            used: false,
            sole: None,
        };
        inner.tokens.insert(token.clone(), issued);
        inner.stats.tokens_issued += 1;
        token
    }

    /// A token for `provider` that invalidates every earlier one of it (a rule of some providers).
    pub fn issue_sole_token(&self, provider: ProviderKind) -> String {
        let token = hex::encode(rand::random::<[u8; 16]>());
        let now = Instant::now();
        let mut inner = self.lock();
        let before = inner.tokens.len();
        inner
            .tokens
            .retain(|_, issued| issued.expiry > now && issued.sole != Some(provider));
        let dropped = (before - inner.tokens.len()) as u64;
        inner.stats.tokens_invalidated += dropped;
        let issued = Issued {
            expiry: now + self.config.token_ttl,
            used: false,
            sole: Some(provider),
        };
        inner.tokens.insert(token.clone(), issued);
        inner.stats.tokens_issued += 1;
        token
    }

    /// Whether `token` is one we issued that has neither expired nor been revoked; a valid
    /// token is marked used.
    pub fn token_valid(&self, token: &str) -> bool {
        let mut inner = self.lock();
        match inner.tokens.get_mut(token) {
            Some(issued) if Instant::now() < issued.expiry => {
                issued.used = true;
                true
            }
            _ => false,
        }
    }

    /// Whether `token` is live and has already served a call (the revoke-tokens fault spares
    /// a token's first use, so that one refresh always recovers).
    pub fn token_used(&self, token: &str) -> bool {
        self.lock()
            .tokens
            .get(token)
            .is_some_and(|issued| issued.used && Instant::now() < issued.expiry)
    }

    pub fn revoke_tokens(&self) {
        let mut inner = self.lock();
        let n = inner.tokens.len() as u64;
        inner.tokens.clear();
        inner.stats.tokens_revoked += n;
    }

    pub fn set_faults(&self, faults: Faults) {
        let mut inner = self.lock();
        inner.dice = StdRng::seed_from_u64(faults.seed);
        inner.faults = faults;
    }

    pub fn faults(&self) -> Faults {
        self.lock().faults.clone()
    }

    /// Rolls a per-mille chance on the seeded dice.
    pub fn roll(&self, per_mille: u16) -> bool {
        per_mille > 0 && self.lock().dice.random_range(0..1000u16) < per_mille
    }

    /// One of `0..n` (n ≥ 1) from the seeded dice.
    pub fn pick(&self, n: usize) -> usize {
        self.lock().dice.random_range(0..n.max(1))
    }

    /// Counts a fault injected.
    pub fn count_fault(&self, kind: FaultKind) {
        tracing::debug!(fault = kind.name(), "simulator injects a fault");
        self.bump(|s| *s.faults.entry(kind.name().to_string()).or_insert(0) += 1);
    }

    pub fn bump(&self, f: impl FnOnce(&mut SimStats)) {
        f(&mut self.lock().stats);
    }

    /// A status query about `reference` begins (counted in flight until [`Sim::query_ends`]).
    pub fn query_begins(&self, provider: ProviderKind, reference: &str) {
        let mut inner = self.lock();
        let q = inner
            .queries
            .entry((provider, reference.to_string()))
            .or_default();
        q.0 += 1;
        q.1 += 1;
        q.2 = q.2.max(q.1);
    }

    pub fn query_ends(&self, provider: ProviderKind, reference: &str) {
        if let Some(q) = self
            .lock()
            .queries
            .get_mut(&(provider, reference.to_string()))
        {
            q.1 = q.1.saturating_sub(1);
        }
    }

    /// Counts an initiate call carrying `reference` (whether or not it creates a push).
    pub fn note_attempt(&self, provider: ProviderKind, reference: &str) {
        *self
            .lock()
            .attempts
            .entry((provider, reference.to_string()))
            .or_insert(0) += 1;
    }

    /// Records a new push, unless the reference is already used (checked atomically).
    pub fn create(&self, new: NewPush) -> Result<Push, Duplicate> {
        let behaviour = behaviour::for_phone(&new.phone);
        self.create_as(new, behaviour)
    }

    /// [`Sim::create`] with the customer's behaviour chosen by the caller (a provider's own
    /// sandbox numbers).
    pub fn create_as(&self, new: NewPush, mut behaviour: Behaviour) -> Result<Push, Duplicate> {
        let created_at = self.now_utc();
        let mut inner = self.lock();
        let key = (new.provider, new.reference.clone());
        if inner.index.contains_key(&key) {
            return Err(Duplicate);
        }
        let faults = inner.faults.clone();
        let draw = |inner: &mut Inner, kind: FaultKind| {
            let per_mille = faults.rate(kind);
            let hit = per_mille > 0 && inner.dice.random_range(0..1000u16) < per_mille;
            if hit {
                *inner.stats.faults.entry(kind.name().into()).or_insert(0) += 1;
            }
            hit
        };
        let reverse_after = (behaviour.outcome == Outcome::Pays
            && draw(&mut inner, FaultKind::Reverse))
        .then_some(faults.reverse_after);
        let mut quirks = Quirks::default();
        if !behaviour.initiate_fails {
            if draw(&mut inner, FaultKind::FailAfterCreate) {
                behaviour.initiate_fails = true;
            } else if draw(&mut inner, FaultKind::DuplicateAfterCreate) {
                quirks.answer = CreateAnswer::Duplicate;
            } else if draw(&mut inner, FaultKind::ThrottleAfterCreate) {
                quirks.answer = CreateAnswer::Throttle;
            }
        }
        quirks.no_echo = draw(&mut inner, FaultKind::NoEcho);
        quirks.other_phone = !quirks.no_echo && draw(&mut inner, FaultKind::OtherPhone);
        let mut push = new_push(new, behaviour, reverse_after, Instant::now(), created_at);
        push.quirks = quirks;
        insert(&mut inner, key, push.clone());
        drop(inner);
        if let Some(calls) = self.calls.get() {
            let _ = calls.send((push.provider, push.reference.clone()));
        }
        Ok(push)
    }

    /// Records a new order, unless its id is already used.
    pub fn create_order(&self, order: Order) -> Result<Order, Duplicate> {
        let mut inner = self.lock();
        let key = (order.provider, order.order_id.clone());
        if inner.orders.contains_key(&key) {
            return Err(Duplicate);
        }
        inner.orders.insert(key, order.clone());
        Ok(order)
    }

    pub fn order(&self, provider: ProviderKind, order_id: &str) -> Option<Order> {
        self.lock()
            .orders
            .get(&(provider, order_id.to_string()))
            .cloned()
    }

    /// Counts a push asked for an order: how many have been, this one included (`None`: no
    /// such order). A second is counted as a defect.
    pub fn ask_push(&self, provider: ProviderKind, order_id: &str) -> Option<u32> {
        let mut inner = self.lock();
        let order = inner.orders.get_mut(&(provider, order_id.to_string()))?;
        order.pushes_asked += 1;
        let asked = order.pushes_asked;
        if asked > 1 {
            inner.stats.repeated_pushes += 1;
        }
        Some(asked)
    }

    /// Remembers a push an earlier simulator received (the demo was restarted while payments
    /// waited): created at `sent_at`, so its customer answers on the usual clock. No faults.
    pub fn adopt(&self, new: NewPush, sent_at: DateTime<Utc>) {
        let behaviour = behaviour::for_phone(&new.phone);
        let age = (self.now_utc() - sent_at).to_std().unwrap_or_default();
        let created = Instant::now().checked_sub(age).unwrap_or_else(Instant::now);
        let mut inner = self.lock();
        let key = (new.provider, new.reference.clone());
        if !inner.index.contains_key(&key) {
            let push = new_push(new, behaviour, None, created, sent_at);
            insert(&mut inner, key, push);
        }
    }

    /// The push the provider knows by its own `id`.
    pub fn by_id(&self, provider: ProviderKind, id: &str) -> Option<Push> {
        self.lock()
            .pushes
            .iter()
            .find(|p| p.provider == provider && p.id == id)
            .cloned()
    }

    pub fn get(&self, provider: ProviderKind, reference: &str) -> Option<Push> {
        let inner = self.lock();
        let at = *inner.index.get(&(provider, reference.to_string()))?;
        inner.pushes.get(at).cloned()
    }

    /// All pushes of one provider, oldest first.
    pub fn pushes_of(&self, provider: ProviderKind) -> Vec<Push> {
        self.lock()
            .pushes
            .iter()
            .filter(|p| p.provider == provider)
            .cloned()
            .collect()
    }

    /// Every push, oldest first; `word` is each provider's status word.
    pub fn ledger(
        &self,
        word: &dyn Fn(ProviderKind, SimStatus) -> &'static str,
    ) -> Vec<LedgerEntry> {
        let inner = self.lock();
        inner
            .pushes
            .iter()
            .map(|p| {
                let phase = p.phase(self.config.settle);
                let key = (p.provider, p.reference.clone());
                let is_final = match phase.status {
                    SimStatus::Pending => false,
                    SimStatus::Paid => p.reverse_after.is_none(),
                    SimStatus::Failed | SimStatus::Reversed => true,
                };
                LedgerEntry {
                    provider: p.provider,
                    reference: p.reference.clone(),
                    id: p.id.clone(),
                    phone: p.phone.clone(),
                    amount: p.amount_text.clone(),
                    amount_minor: p.amount.minor(),
                    currency: p.amount.currency().code().to_string(),
                    channel: p.channel.clone(),
                    created_at: p.created_at,
                    status: phase.status,
                    wire_status: word(p.provider, phase.status).to_string(),
                    is_final,
                    initiate_calls: inner.attempts.get(&key).copied().unwrap_or(0),
                    status_queries: inner.queries.get(&key).map_or(0, |q| q.0),
                    most_queries_at_once: inner.queries.get(&key).map_or(0, |q| q.2),
                    initiate_failed: p.behaviour.initiate_fails
                        || p.quirks.answer != CreateAnswer::Normal,
                    proves_nothing: p.quirks.no_echo || p.quirks.other_phone,
                }
            })
            .collect()
    }

    pub fn stats(&self) -> SimStats {
        self.lock().stats.clone()
    }
}

const ALNUM: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/// `n` random capitals and digits (no I or O).
pub fn random_alnum(n: usize) -> String {
    let mut rng = rand::rng();
    (0..n)
        .map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char)
        .collect()
}

fn new_push(
    new: NewPush,
    behaviour: Behaviour,
    reverse_after: Option<Duration>,
    created: Instant,
    created_at: DateTime<Utc>,
) -> Push {
    Push {
        id: new.id,
        receipt: receipt(),
        customer_name: behaviour::customer_name(&new.phone),
        provider: new.provider,
        reference: new.reference,
        phone: new.phone,
        amount_text: new.amount_text,
        amount: new.amount,
        channel: new.channel,
        created,
        created_at,
        behaviour,
        reverse_after,
        email: new.email,
        quirks: Quirks::default(),
        callback_url: new.callback_url,
    }
}

fn insert(inner: &mut Inner, key: Key, push: Push) {
    let at = inner.pushes.len();
    inner.pushes.push(push);
    inner.index.insert(key, at);
}

/// A wallet receipt, e.g. `SGH7K2LQ9P`.
fn receipt() -> String {
    random_alnum(10)
}

pub use crate::reference::uuid_v4;
