//! The engine's promises, against a scripted provider: journal before send, unknown outcomes
//! resolved by querying (never by re-sending), final states kept, deadlines ending in attention.

use async_trait::async_trait;
use lipa::engine::{Engine, EngineSettings};
use lipa::journal::Journal;
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::{
    Lookup, Provider, ProviderError, ProviderKind, PushAccepted, PushRequest, RemoteState,
    RemoteStatus,
};
use lipa::reference::Reference;
use lipa::tracker::Schedule;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the scripted provider does.
#[derive(Clone, Copy, PartialEq)]
enum Script {
    Accept,
    Reject,
    /// The push is created, but the answer is lost.
    CreateThenBreak,
    /// Nothing ever reaches it.
    Unreachable,
}

struct Scripted {
    script: Script,
    journal: Arc<Journal>,
    /// Remote status by query number (last one repeats).
    answers: Vec<RemoteState>,
    pushes: AtomicUsize,
    queries: AtomicUsize,
    created: Mutex<Vec<String>>,
    status_at_send: Mutex<Option<Status>>,
}

impl Scripted {
    fn new(script: Script, journal: Arc<Journal>, answers: Vec<RemoteState>) -> Arc<Scripted> {
        Arc::new(Scripted {
            script,
            journal,
            answers,
            pushes: AtomicUsize::new(0),
            queries: AtomicUsize::new(0),
            created: Mutex::new(Vec::new()),
            status_at_send: Mutex::new(None),
        })
    }
}

#[async_trait]
impl Provider for Scripted {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ClickPesa
    }
    async fn initiate(&self, r: &PushRequest) -> Result<PushAccepted, ProviderError> {
        self.pushes.fetch_add(1, Ordering::SeqCst);
        let seen = self
            .journal
            .by_reference(ProviderKind::ClickPesa, &r.reference)
            .expect("journal readable")
            .map(|p| p.status);
        *self.status_at_send.lock().expect("lock") = seen;
        match self.script {
            Script::Accept => {
                self.created
                    .lock()
                    .expect("lock")
                    .push(r.reference.to_string());
                Ok(PushAccepted {
                    provider_id: Some("id-1".into()),
                    message: "sent".into(),
                    state: RemoteState::Pending,
                })
            }
            Script::Reject => Err(ProviderError::Rejected {
                status: Some(400),
                message: "Invalid / unsupported phone number".into(),
            }),
            Script::CreateThenBreak => {
                self.created
                    .lock()
                    .expect("lock")
                    .push(r.reference.to_string());
                Err(ProviderError::Unknown {
                    message: "connection reset".into(),
                })
            }
            Script::Unreachable => Err(ProviderError::Unknown {
                message: "timed out".into(),
            }),
        }
    }
    async fn query(&self, reference: &Reference, _amount: Money) -> Result<Lookup, ProviderError> {
        let n = self.queries.fetch_add(1, Ordering::SeqCst);
        if !self
            .created
            .lock()
            .expect("lock")
            .iter()
            .any(|c| c == reference.as_str())
        {
            return Ok(Lookup::NotFound);
        }
        let state = self.answers[n.min(self.answers.len() - 1)];
        Ok(Lookup::Found(RemoteStatus {
            state,
            word: format!("{state:?}"),
            message: format!("{state:?}"),
        }))
    }
}

fn fast() -> EngineSettings {
    let ms = Duration::from_millis;
    EngineSettings {
        schedule: Schedule::new(vec![ms(20), ms(40), ms(60), ms(80)], ms(300), ms(5)),
        max_concurrent_queries: 4,
        stale_recorded: ms(50),
    }
}

fn setup(script: Script, answers: Vec<RemoteState>) -> (tempfile::TempDir, Engine, Arc<Scripted>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));
    let provider = Scripted::new(script, journal.clone(), answers);
    let engine = Engine::new(journal, vec![provider.clone()], fast());
    (dir, engine, provider)
}

fn sale(reference: &str) -> NewPayment {
    NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::parse(reference, ProviderKind::ClickPesa).expect("ref"),
        phone: Phone::parse("0712345670", Country::Tanzania).expect("phone"),
        amount: Money::parse("1500", Currency::Tzs).expect("amount"),
        channel: None,
        email: None,
        name: None,
    }
}

#[tokio::test]
async fn a_payment_is_journalled_before_its_request_leaves() {
    let (_d, engine, provider) = setup(
        Script::Accept,
        vec![RemoteState::Pending, RemoteState::Paid],
    );
    let s = engine.submit(sale("REF1")).await.expect("submit");
    assert_eq!(
        *provider.status_at_send.lock().expect("lock"),
        Some(Status::Sending)
    );
    assert_eq!(s.payment.status, Status::Pending);
    let p = engine
        .wait_settled(s.payment.id, Duration::from_secs(5))
        .await
        .expect("wait");
    assert_eq!(p.status, Status::Paid);
    let history: Vec<Status> = engine
        .journal()
        .events(p.id)
        .expect("events")
        .iter()
        .map(|e| e.status)
        .collect();
    assert_eq!(
        history,
        [
            Status::Recorded,
            Status::Sending,
            Status::Pending,
            Status::Paid
        ]
    );
}

#[tokio::test]
async fn an_unknown_outcome_is_resolved_by_querying_never_by_resending() {
    let (_d, engine, provider) = setup(Script::CreateThenBreak, vec![RemoteState::Paid]);
    let s = engine.submit(sale("REF2")).await.expect("submit");
    assert_eq!(s.payment.status, Status::Unknown);
    let p = engine
        .wait_settled(s.payment.id, Duration::from_secs(5))
        .await
        .expect("wait");
    assert_eq!(p.status, Status::Paid);
    assert_eq!(
        provider.pushes.load(Ordering::SeqCst),
        1,
        "exactly one push"
    );
}

#[tokio::test]
async fn a_send_that_never_arrived_ends_in_attention_with_a_reason() {
    let (_d, engine, provider) = setup(Script::Unreachable, vec![RemoteState::Paid]);
    let s = engine.submit(sale("REF3")).await.expect("submit");
    let p = engine
        .wait_settled(s.payment.id, Duration::from_secs(5))
        .await
        .expect("wait");
    assert_eq!(p.status, Status::Attention);
    assert!(p.message.contains("no record"), "{}", p.message);
    assert_eq!(provider.pushes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_refused_send_fails_at_once_and_is_not_followed() {
    let (_d, engine, provider) = setup(Script::Reject, vec![RemoteState::Paid]);
    let s = engine.submit(sale("REF4")).await.expect("submit");
    assert_eq!(s.payment.status, Status::Failed);
    assert!(
        s.payment
            .message
            .contains("Invalid / unsupported phone number")
    );
    assert!(matches!(s.error, Some(ProviderError::Rejected { .. })));
    assert!(!engine.is_tracking(s.payment.id));
    assert_eq!(provider.queries.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn no_answer_by_the_deadline_asks_a_person() {
    let (_d, engine, _p) = setup(Script::Accept, vec![RemoteState::Pending]);
    let s = engine.submit(sale("REF5")).await.expect("submit");
    let p = engine
        .wait_settled(s.payment.id, Duration::from_secs(5))
        .await
        .expect("wait");
    assert_eq!(p.status, Status::Attention);
    assert!(p.polls <= 6, "polls {}", p.polls);
}

#[tokio::test]
async fn a_final_status_never_changes() {
    let (_d, engine, _p) = setup(Script::Accept, vec![RemoteState::Paid, RemoteState::Failed]);
    let s = engine.submit(sale("REF6")).await.expect("submit");
    let p = engine
        .wait_settled(s.payment.id, Duration::from_secs(5))
        .await
        .expect("wait");
    assert_eq!(p.status, Status::Paid);
    engine.recheck(p.id);
    let now = chrono::Utc::now();
    assert!(
        engine
            .journal()
            .transition(p.id, Status::Failed, "late", None, now)
            .expect("tx")
            .is_none()
    );
    assert_eq!(engine.get(p.id).await.expect("get").status, Status::Paid);
}

#[tokio::test]
async fn a_payment_left_recorded_by_a_stopped_process_is_marked_not_sent() {
    let (_d, engine, provider) = setup(Script::Accept, vec![RemoteState::Paid]);
    let p = engine
        .journal()
        .record(&sale("REF7"), chrono::Utc::now())
        .expect("record");
    let open = engine.resume().await.expect("resume");
    assert_eq!(open.len(), 1);
    let p = engine
        .wait_settled(p.id, Duration::from_secs(5))
        .await
        .expect("wait");
    assert_eq!(p.status, Status::Failed);
    assert!(p.message.starts_with("Not sent"), "{}", p.message);
    assert_eq!(provider.pushes.load(Ordering::SeqCst), 0);
}
