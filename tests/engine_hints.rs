//! The provider's list of what changed last, read by the engine as a hint while many payments
//! are open: a payment the list names as answered is asked at once (not at its schedule's next
//! question), and the answer to that question moves it, never the list.

#[path = "support/provider_sim.rs"]
mod provider_sim;

use async_trait::async_trait;
use lipa::config::Secret;
use lipa::engine::{Engine, EngineSettings, Rights, SendGuard};
use lipa::journal::Journal;
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::clickpesa::{ClickPesaClient, ClickPesaSettings};
use lipa::provider::{
    Charged, Listed, Lookup, Provider, ProviderError, ProviderKind, PushAccepted, PushRequest,
    RemoteState, RemoteStatus, http,
};
use lipa::reference::Reference;
use lipa::sim::{SimConfig, demo};
use lipa::strings::Msg;
use lipa::tracker::Schedule;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A schedule whose first question comes after ten minutes: what is found sooner was found by
/// the list.
fn asking_late() -> EngineSettings {
    let s = Duration::from_secs;
    EngineSettings {
        schedule: Schedule::new(vec![s(600)], s(900), s(1)),
        list_from: 1,
        list_every: Duration::from_millis(50),
        ..EngineSettings::default()
    }
}

fn sale(phone: &str, amount: i64) -> NewPayment {
    NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::generate(ProviderKind::ClickPesa, chrono::Utc::now().timestamp()),
        phone: Phone::parse(phone, Country::Tanzania).expect("phone"),
        amount: Money::from_minor(amount, Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    }
}

async fn wait_for(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not by the deadline");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Against the ClickPesa simulator: the customer answers, nobody calls back, the schedule's
/// first question is ten minutes away; the list names the payment and it is paid in seconds.
/// A second payment, whose customer never answers, stays pending: the list asks nothing of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_the_list_names_as_answered_is_asked_at_once() {
    let sim = provider_sim::start(SimConfig::default()).await;
    let client = ClickPesaClient::new(
        ClickPesaSettings {
            base_url: sim.clickpesa_base_url(),
            client_id: demo::CLICKPESA_CLIENT_ID.into(),
            api_key: Secret::new(demo::CLICKPESA_API_KEY),
            checksum_key: None,
        },
        http::client(),
    );
    let dir = tempfile::tempdir().expect("dir");
    let engine = Engine::new(
        Arc::new(Journal::open_in(dir.path()).expect("journal")),
        vec![Arc::new(client) as Arc<dyn Provider>],
        asking_late(),
    );
    let push = async |phone| {
        engine
            .submit(sale(phone, 1000), SendGuard::Force, &Rights::all())
            .await
            .expect("sent")
            .payment
            .id
    };
    let (paying, silent) = (push("0712345670").await, push("0712345678").await);
    let paid = engine
        .wait_final(paying, Duration::from_secs(60))
        .await
        .expect("read");
    assert_eq!(paid.status, Status::Paid, "{paid:?}");
    let waiting = engine.get(silent).await.expect("read");
    assert_eq!(waiting.status, Status::Pending, "{waiting:?}");
    assert_eq!(
        waiting.polls, 0,
        "the list asked about a payment it did not name"
    );
}

/// A provider whose list names what the test says was answered (newest first, at most
/// `page_cap` a page, whatever is asked), and whose answer by reference says paid for those
/// when it is `truthful`, pending always when not (a list's mistake, or a word lipa misreads).
struct Listing {
    truthful: bool,
    page_cap: u32,
    made: Mutex<Vec<String>>,
    answered: Mutex<Vec<(String, chrono::DateTime<chrono::Utc>)>>,
    lists: AtomicUsize,
    asked: AtomicUsize,
}

impl Listing {
    fn new(truthful: bool, page_cap: u32) -> Arc<Listing> {
        Arc::new(Listing {
            truthful,
            page_cap,
            made: Mutex::new(Vec::new()),
            answered: Mutex::new(Vec::new()),
            lists: AtomicUsize::new(0),
            asked: AtomicUsize::new(0),
        })
    }

    /// Every payment made so far is answered now, one a millisecond.
    fn answer_all(&self) {
        let made = self.made.lock().expect("lock").clone();
        let now = chrono::Utc::now();
        let mut answered = self.answered.lock().expect("lock");
        for (i, r) in made.into_iter().enumerate() {
            answered.push((r, now + chrono::TimeDelta::milliseconds(i as i64)));
        }
    }

    fn engine(self: &Arc<Listing>, dir: &std::path::Path) -> Engine {
        Engine::new(
            Arc::new(Journal::open_in(dir).expect("journal")),
            vec![self.clone() as Arc<dyn Provider>],
            asking_late(),
        )
    }
}

#[async_trait]
impl Provider for Listing {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ClickPesa
    }

    async fn initiate(&self, r: &PushRequest) -> Result<PushAccepted, ProviderError> {
        self.made
            .lock()
            .expect("lock")
            .push(r.reference.as_str().to_string());
        Ok(PushAccepted {
            provider_id: None,
            message: Msg::PromptSent,
            state: RemoteState::Pending,
        })
    }

    async fn query(&self, charged: &Charged) -> Result<Lookup, ProviderError> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let paid = self.truthful
            && self
                .answered
                .lock()
                .expect("lock")
                .iter()
                .any(|(r, _)| r == charged.reference.as_str());
        let (state, word, message) = match paid {
            true => (RemoteState::Paid, "SUCCESS", Msg::Paid),
            false => (RemoteState::Pending, "PROCESSING", Msg::PromptSent),
        };
        Ok(Lookup::Found(RemoteStatus {
            state,
            word: word.into(),
            message,
            provider_id: None,
            channel: None,
            wallet_ref: None,
        }))
    }

    async fn recent_changes(
        &self,
        skip: u32,
        limit: u32,
    ) -> Result<Option<Vec<Listed>>, ProviderError> {
        self.lists.fetch_add(1, Ordering::SeqCst);
        let mut answered = self.answered.lock().expect("lock").clone();
        answered.sort_by_key(|(_, at)| std::cmp::Reverse(*at));
        Ok(Some(
            answered
                .into_iter()
                .skip(skip as usize)
                .take(limit.min(self.page_cap) as usize)
                .map(|(reference, at)| Listed {
                    reference,
                    word: "SUCCESS".into(),
                    state: RemoteState::Paid,
                    amount: None,
                    created_at: None,
                    updated_at: Some(at),
                })
                .collect(),
        ))
    }
}

async fn sell(engine: &Engine, i: i64) -> i64 {
    engine
        .submit(
            sale(&format!("07123456{i:02}"), 1000 + i),
            SendGuard::Force,
            &Rights::all(),
        )
        .await
        .expect("sent")
        .payment
        .id
}

/// The list proves nothing: a payment it calls paid is asked once, stays as the answer says
/// (pending), and is not asked again at every read of the same list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_list_is_a_hint_never_proof() {
    let provider = Listing::new(false, 100);
    let dir = tempfile::tempdir().expect("dir");
    let engine = provider.engine(dir.path());
    let id = sell(&engine, 0).await;
    provider.answer_all();
    wait_for("a question", Duration::from_secs(30), || {
        provider.asked.load(Ordering::SeqCst) >= 1
    })
    .await;
    let lists = provider.lists.load(Ordering::SeqCst);
    wait_for(
        "ten more reads of the list",
        Duration::from_secs(30),
        || provider.lists.load(Ordering::SeqCst) >= lists + 10,
    )
    .await;
    assert_eq!(
        provider.asked.load(Ordering::SeqCst),
        1,
        "asked at every read"
    );
    let p = engine.get(id).await.expect("read");
    assert_eq!(p.status, Status::Pending, "{p:?}");
}

/// Thirty customers answer between two reads of a list that gives ten a page: every one is
/// named and paid (only the first page was read while nothing had been seen yet, and a page
/// shorter than asked ended the read: twenty waited for the schedule).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_goes_through_the_pages_a_provider_cuts_short() {
    let provider = Listing::new(true, 10);
    let dir = tempfile::tempdir().expect("dir");
    let engine = provider.engine(dir.path());
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(sell(&engine, i).await);
    }
    wait_for(
        "the list read while nothing changed",
        Duration::from_secs(30),
        || provider.lists.load(Ordering::SeqCst) >= 2,
    )
    .await;
    provider.answer_all();
    let deadline = Instant::now() + Duration::from_secs(60);
    for id in ids {
        let left = deadline.saturating_duration_since(Instant::now());
        let p = engine.wait_final(id, left).await.expect("read");
        assert_eq!(p.status, Status::Paid, "{p:?}");
    }
}
