//! The real pawaPay client against the simulator, in both countries: every last digit and
//! every documented sandbox number, the amount echoed as `"1500.00"`, a repeated deposit id
//! (`DUPLICATE_IGNORED`), a wrong token, the wallet's limits; and, through the engine on a
//! journal on disk, a lost answer resolved by the same id, a send that never arrived sent
//! again under the same id (never a new one), and one that never arrives failed as such.

#[path = "support/provider_sim.rs"]
mod provider_sim;

use lipa::config::Secret;
use lipa::engine::{Engine, EngineSettings, Rights, SendGuard};
use lipa::journal::{Change, Journal};
use lipa::money::Money;
use lipa::payment::{EventKind, NewPayment, Status};
use lipa::phone::Country;
use lipa::provider::http;
use lipa::provider::pawapay::{PawapayClient, PawapaySettings};
use lipa::provider::{
    Charged, Lookup, Provider, ProviderError, ProviderKind, PushRequest, RemoteState,
};
use lipa::sim::{Faults, SimConfig, SimHandle, demo};
use lipa::strings::Msg;
use lipa::tracker::Schedule;
use provider_sim::{settled, start};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const KE: ProviderKind = ProviderKind::PawapayKe;
const TZ: ProviderKind = ProviderKind::PawapayTz;

fn settings(base_url: String) -> PawapaySettings {
    PawapaySettings {
        base_url,
        api_token: Secret::new(demo::PAWAPAY_API_TOKEN),
        countries: vec![Country::Kenya, Country::Tanzania],
        customer_message: Some("Duka la Mfano".into()),
    }
}

fn client(kind: ProviderKind, sim: &SimHandle) -> PawapayClient {
    PawapayClient::new(kind, settings(sim.pawapay_base_url()), http::client())
}

/// A push of whole `units` to a local number, its deposit id made as the engine makes it.
async fn push(client: &PawapayClient, phone: &str, units: i64) -> PushRequest {
    let kind = client.kind();
    let mut request = provider_sim::push(kind, phone, units * kind.currency().scale());
    request.prepared = client.prepare(&request).await.expect("an id is made");
    request
}

fn charged(request: &PushRequest) -> Charged {
    Charged {
        provider_id: request.prepared.clone(),
        ..Charged::of_request(request)
    }
}

#[tokio::test]
async fn every_last_digit_ends_as_documented_in_both_countries() {
    let sim = start(SimConfig::default()).await;
    for (kind, stem) in [(KE, "070212345"), (TZ, "071234567")] {
        let client = client(kind, &sim);
        let mut pushes = Vec::new();
        for digit in 0..=9u8 {
            let request = push(&client, &format!("{stem}{digit}"), 1_500).await;
            let id = request.prepared.clone().expect("id");
            assert_eq!(id.len(), 36, "a UUID: {id}");
            assert_eq!(&id[14..15], "4", "version 4: {id}");
            let answer = client.initiate(&request).await;
            if digit == 9 {
                // The deposit is made; pawaPay answers 500 UNKNOWN_ERROR, no status.
                assert!(
                    matches!(answer, Err(ProviderError::Unknown { .. })),
                    "{kind:?} digit 9: {answer:?}"
                );
            } else {
                let accepted = answer.unwrap_or_else(|e| panic!("{kind:?} {digit}: {e:?}"));
                assert_eq!(accepted.state, RemoteState::Pending);
                assert_eq!(accepted.message, Msg::PromptSent);
            }
            pushes.push((digit, charged(&request)));
        }
        for (digit, charged) in &pushes {
            let st = settled(&client, charged).await;
            match digit {
                0..=5 | 9 => {
                    assert_eq!(st.state, RemoteState::Paid, "{kind:?} {digit}: {st:?}");
                    assert!(st.wallet_ref.is_some(), "providerTransactionId: {st:?}");
                    let wallet = if kind == KE { "MPESA_KEN" } else { "TIGO_TZA" };
                    assert_eq!(st.channel.as_deref(), Some(wallet), "{st:?}");
                }
                6 => assert_eq!(st.message, Msg::NotApproved, "{st:?}"),
                7 => assert_eq!(st.message, Msg::LowBalance, "{st:?}"),
                // Never answers: pawaPay settles it with the wallet; never failed.
                _ => {
                    assert_eq!(st.state, RemoteState::Pending, "{st:?}");
                    assert_eq!(st.message, Msg::Reconciling { provider: kind }, "{st:?}");
                }
            }
        }
    }
    assert_eq!(sim.ledger().len(), 20);
    assert_eq!(sim.stats().repeated_pushes, 0);
}

#[tokio::test]
async fn the_sandbox_numbers_answer_as_pawapays_sandbox() {
    let sim = start(SimConfig::default()).await;
    let cases: &[(ProviderKind, &str, Option<Msg>)] = &[
        (KE, "254703456789", None),
        (KE, "254703456019", Some(Msg::PayerLimit)),
        (KE, "254703456039", Some(Msg::NotApproved)),
        (KE, "254703456049", Some(Msg::LowBalance)),
        (
            KE,
            "254703456059",
            Some(Msg::PhoneBusyFor {
                provider: KE,
                minutes: 10,
            }),
        ),
        (
            KE,
            "254703456069",
            Some(Msg::FailedNoReason {
                word: "UNSPECIFIED_FAILURE".into(),
            }),
        ),
        (TZ, "255683456789", None),
        (TZ, "255763456789", None),
        (TZ, "255713456789", None),
        (TZ, "255623456789", None),
        (TZ, "255713456039", Some(Msg::NotApproved)),
        (
            TZ,
            "255623456029",
            Some(Msg::PayerNotFound {
                wallet: "HaloPesa".into(),
            }),
        ),
    ];
    let mut sent = Vec::new();
    for (kind, phone, _) in cases {
        let client = client(*kind, &sim);
        let request = push(&client, phone, 1_000).await;
        client
            .initiate(&request)
            .await
            .unwrap_or_else(|e| panic!("{phone}: {e:?}"));
        sent.push((client, charged(&request)));
    }
    for ((client, charged), (_, phone, failure)) in sent.iter().zip(cases) {
        let st = settled(client, charged).await;
        match failure {
            None => assert_eq!(st.state, RemoteState::Paid, "{phone}: {st:?}"),
            Some(words) => {
                assert_eq!(st.state, RemoteState::Failed, "{phone}: {st:?}");
                assert_eq!(&st.message, words, "{phone}: {st:?}");
            }
        }
    }
    // `…129` stays pending, with no end: even past the last digit's rule (9: paid).
    let client = client(KE, &sim);
    let request = push(&client, "254703456129", 1_000).await;
    client.initiate(&request).await.expect("accepted");
    tokio::time::sleep(provider_sim::SETTLE * 3).await;
    let Ok(Lookup::Found(st)) = client.query(&charged(&request)).await else {
        panic!("found")
    };
    assert_eq!(st.state, RemoteState::Pending, "{st:?}");
}

#[tokio::test]
async fn a_repeated_id_is_the_same_deposit_and_the_amount_is_compared_as_a_number() {
    let sim = start(SimConfig::default()).await;
    let client = client(TZ, &sim);
    let request = push(&client, "0754321010", 1_500).await;
    client.initiate(&request).await.expect("accepted");
    let again = client.initiate(&request).await.expect("answered");
    assert_eq!(again.message, Msg::AlreadyReceived { provider: TZ });
    assert_eq!(sim.ledger().len(), 1, "one deposit");
    assert_eq!(sim.stats().repeated_sends, 1);
    let st = settled(&client, &charged(&request)).await;
    // pawaPay echoes "1500.00" for "1500".
    assert_eq!(st.state, RemoteState::Paid, "{st:?}");
    assert_eq!(
        st.channel.as_deref(),
        Some("VODACOM_TZA"),
        "0754 is Vodacom's"
    );
}

#[tokio::test]
async fn a_wrong_token_is_the_configurations_and_limits_refuse_before_sending() {
    let sim = start(SimConfig::default()).await;
    let wrong = PawapayClient::new(
        KE,
        PawapaySettings {
            api_token: Secret::new("not-the-token"),
            ..settings(sim.pawapay_base_url())
        },
        http::client(),
    );
    let mut request = provider_sim::push(KE, "0712345670", 100 * KE.currency().scale());
    request.prepared = Some(lipa::reference::uuid_v4());
    let answer = wrong.initiate(&request).await;
    assert!(
        matches!(answer, Err(ProviderError::Configuration { .. })),
        "{answer:?}"
    );
    let words = answer.expect_err("refused").message().to_string();
    assert!(!words.contains("not-the-token"), "{words}");
    // Kenya's M-Pesa takes 1 to 250,000 shillings (the simulator's configuration).
    let client = client(KE, &sim);
    let tried = sim.stats().requests_to("POST /pawapay/v2/deposits");
    let big = provider_sim::push(KE, "0712345670", 300_000 * KE.currency().scale());
    let refused = client.prepare(&big).await;
    assert!(
        matches!(
            refused,
            Err(ProviderError::Rejected {
                message: Msg::AmountLimits { .. },
                ..
            })
        ),
        "{refused:?}"
    );
    assert!(sim.ledger().is_empty(), "nothing sent");
    assert_eq!(
        sim.stats().requests_to("POST /pawapay/v2/deposits"),
        tried,
        "the refused amount was never sent"
    );
}

#[tokio::test]
async fn the_wallet_is_predicted_when_the_cashier_chose_none() {
    let sim = start(SimConfig::default()).await;
    let client = client(TZ, &sim);
    // 0684… is Airtel's.
    let request = push(&client, "0684001122", 2_000).await;
    assert_eq!(request.channel, None);
    client.initiate(&request).await.expect("accepted");
    assert_eq!(sim.ledger()[0].channel, "AIRTEL_TZA");
    assert_eq!(
        sim.stats().requests_to("POST /pawapay/v2/predict-provider"),
        1
    );
}

/// An engine over a journal on disk and the real client.
fn engine(
    clients: Vec<Arc<dyn Provider>>,
    dir: &std::path::Path,
    settings: EngineSettings,
) -> Engine {
    let journal = Arc::new(Journal::open(&dir.join("journal.sqlite3")).expect("journal"));
    Engine::new(journal, clients, settings)
}

fn sale(kind: ProviderKind, reference: lipa::reference::Reference, phone: &str) -> NewPayment {
    NewPayment {
        provider: kind,
        reference,
        phone: lipa::phone::Phone::parse(phone, kind.country()).expect("phone"),
        amount: Money::from_minor(2_500 * kind.currency().scale(), kind.currency()),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "amina".into(),
    }
}

async fn submit(engine: &Engine, kind: ProviderKind, phone: &str) -> lipa::payment::Payment {
    let reference = engine.new_reference(kind).await.expect("reference");
    engine
        .submit(
            sale(kind, reference, phone),
            SendGuard::Check,
            &Rights::all(),
        )
        .await
        .expect("submitted")
        .payment
}

#[tokio::test]
async fn a_lost_answer_is_resolved_by_the_same_id_and_never_sent_again() {
    let sim = start(SimConfig::default()).await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = engine(
        vec![Arc::new(client(TZ, &sim))],
        dir.path(),
        EngineSettings::scaled(0.02),
    );
    let p = submit(&engine, TZ, "0712345679").await;
    assert_eq!(p.status, Status::Unknown, "{p:?}");
    let id = p
        .provider_id
        .clone()
        .expect("the deposit id, journalled before the send");
    let paid = engine
        .wait_settled(p.id, Duration::from_secs(10))
        .await
        .expect("settled");
    assert_eq!(paid.status, Status::Paid, "{paid:?}");
    assert_eq!(paid.provider_id.as_deref(), Some(id.as_str()));
    assert!(paid.wallet_ref.is_some(), "{paid:?}");
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].id, id);
    assert_eq!(ledger[0].initiate_calls, 1, "found, so never sent again");
}

/// A send that never reached pawaPay (a gateway's 502, or a 429, before it), then pawaPay
/// reachable again: asked by its id (not found), sent again under the same id, paid. One
/// deposit.
#[tokio::test]
async fn a_send_that_never_arrived_goes_again_under_the_same_id() {
    for fault in [
        Faults {
            html_5xx_per_mille: 1000,
            ..Faults::default()
        },
        Faults {
            too_many_per_mille: 1000,
            ..Faults::default()
        },
    ] {
        let sim = start(SimConfig::default()).await;
        let dir = tempfile::tempdir().expect("dir");
        let client = client(KE, &sim);
        // The wallet and its limits are read first (the fault is for the deposit).
        let prepared = provider_sim::push(KE, "0712345670", 100 * KE.currency().scale());
        client.prepare(&prepared).await.expect("prepared");
        let engine = engine(
            vec![Arc::new(client)],
            dir.path(),
            EngineSettings::scaled(0.05),
        );
        sim.set_faults(fault.clone());
        let p = submit(&engine, KE, "0712345670").await;
        assert_eq!(p.status, Status::Unknown, "{fault:?}: {p:?}");
        assert!(sim.ledger().is_empty(), "it never arrived");
        sim.set_faults(Faults::default());
        let paid = engine
            .wait_settled(p.id, Duration::from_secs(20))
            .await
            .expect("settled");
        assert_eq!(paid.status, Status::Paid, "{paid:?}");
        let ledger = sim.ledger();
        assert_eq!(ledger.len(), 1, "{ledger:?}");
        assert_eq!(Some(&ledger[0].id), p.provider_id.as_ref(), "the same id");
        let events = engine.journal().events(p.id).expect("history");
        let again = events
            .iter()
            .filter(|e| matches!(e.message, Msg::SentAgain { .. }))
            .count();
        assert_eq!(again, 1, "{events:?}");
    }
}

/// A payment a stopped process left *sending* (its id journalled, the deposit perhaps never
/// made): the next process asks by the id, and sends it under the same id when pawaPay has
/// none; a deposit that was made is only followed.
#[tokio::test]
async fn a_payment_left_sending_is_asked_then_sent_under_its_id() {
    let sim = start(SimConfig::default()).await;
    let dir = tempfile::tempdir().expect("dir");
    let journal = Arc::new(Journal::open(&dir.path().join("journal.sqlite3")).expect("journal"));
    // One left before its deposit was sent, one after (made at pawaPay, its answer unheard).
    let client = client(TZ, &sim);
    let mut left = Vec::new();
    for (phone, sent) in [("0712345671", false), ("0712345672", true)] {
        let reference = lipa::reference::Reference::generate(TZ, chrono::Utc::now().timestamp());
        let new = sale(TZ, reference.clone(), phone);
        let recorded = match journal
            .record(&new, lipa::journal::Guard::Off)
            .expect("recorded")
        {
            lipa::journal::Recorded::New(p) => p,
            other => panic!("{other:?}"),
        };
        let id = lipa::reference::uuid_v4();
        let change = Change {
            to: Status::Sending,
            message: &Msg::Empty,
            provider_id: Some(&id),
            heard: false,
        };
        journal
            .transition(recorded.id, Status::Recorded, &change)
            .expect("sending");
        if sent {
            let mut request = provider_sim::push(TZ, phone, 2_500 * TZ.currency().scale());
            request.reference = reference;
            request.prepared = Some(id.clone());
            client.initiate(&request).await.expect("made");
        }
        left.push((recorded.id, id, sent));
    }
    let engine = Engine::new(
        journal,
        vec![Arc::new(client)],
        EngineSettings::scaled(0.05),
    );
    engine.resume().await.expect("resume");
    for (pid, id, sent) in &left {
        let paid = engine
            .wait_settled(*pid, Duration::from_secs(20))
            .await
            .expect("settled");
        assert_eq!(paid.status, Status::Paid, "{paid:?}");
        let entry = sim
            .ledger()
            .into_iter()
            .find(|e| &e.id == id)
            .expect("its deposit, under its id");
        assert_eq!(entry.initiate_calls, 1, "sent {}: {entry:?}", sent);
    }
    assert_eq!(sim.ledger().len(), 2);
    assert_eq!(sim.stats().repeated_sends, 0);
}

/// A stand-in pawaPay that never receives a deposit (every one a gateway's 502) and never
/// has one: the deposit ids it was sent, in order.
async fn never_receives(
    ids: Arc<std::sync::Mutex<Vec<String>>>,
    checks: Arc<AtomicUsize>,
) -> String {
    use axum::routing::{get, post};
    let app = axum::Router::new()
        .route(
            "/v2/deposits",
            post(move |body: axum::body::Bytes| {
                let ids = ids.clone();
                async move {
                    let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                    let id = v["depositId"].as_str().unwrap_or_default().to_string();
                    ids.lock().expect("ids").push(id);
                    (
                        axum::http::StatusCode::BAD_GATEWAY,
                        "<html>502 Bad Gateway</html>",
                    )
                }
            }),
        )
        .route(
            "/v2/deposits/{id}",
            get(move || {
                let checks = checks.clone();
                async move {
                    checks.fetch_add(1, Ordering::SeqCst);
                    axum::Json(serde_json::json!({"status": "NOT_FOUND"}))
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// Never received: sent at most three times, always under the one id, then failed in words
/// that say it never reached pawaPay, once it has been unknown there for 15 minutes (scaled).
#[tokio::test]
async fn a_deposit_that_never_arrives_is_sent_three_times_under_one_id_then_failed() {
    let ids = Arc::new(std::sync::Mutex::new(Vec::new()));
    let checks = Arc::new(AtomicUsize::new(0));
    let base = never_receives(ids.clone(), checks.clone()).await;
    let client = PawapayClient::new(KE, settings(base), http::client());
    let dir = tempfile::tempdir().expect("dir");
    // Questions every 0.1 s, a deadline of 3 s, and 15 minutes of never arriving as 9 s.
    let offsets = (1..30).map(|i| Duration::from_secs(10 * i)).collect();
    let schedule =
        Schedule::new(offsets, Duration::from_secs(300), Duration::from_secs(5)).scaled(0.01);
    let settings = EngineSettings {
        schedule,
        ..EngineSettings::scaled(0.01)
    };
    let engine = engine(vec![Arc::new(client)], dir.path(), settings);
    let p = submit(&engine, KE, "0712345670").await;
    assert_eq!(p.status, Status::Unknown, "{p:?}");
    let ended = engine
        .wait_settled(p.id, Duration::from_secs(40))
        .await
        .expect("ended");
    assert_eq!(ended.status, Status::Failed, "{ended:?}");
    assert!(
        matches!(ended.message, Msg::NeverReached { provider: KE, secs } if secs >= 9),
        "{:?}",
        ended.message
    );
    let words = ended.message.to_string();
    assert!(words.contains("never reached pawaPay Kenya"), "{words}");
    let sent = ids.lock().expect("ids").clone();
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(
        sent.iter().all(|id| Some(id) == p.provider_id.as_ref()),
        "{sent:?}"
    );
    let events = engine.journal().events(p.id).expect("history");
    let sends = events
        .iter()
        .filter(|e| e.kind == EventKind::Status && e.status == Status::Sending)
        .count();
    assert_eq!(sends, 3, "{events:?}");
    assert!(checks.load(Ordering::SeqCst) >= 3);
}

/// pawaPay could not be asked until the deadline (every answer a gateway's page), so a person
/// was asked; asked again later, it has nothing under the id, long after the last send: the
/// payment fails as never arrived, instead of keeping "no usable answer" (a tester's stayed so).
#[tokio::test]
async fn a_payment_a_person_was_asked_about_fails_as_never_arrived_once_pawapay_says_so() {
    let sim = start(SimConfig::default()).await;
    let dir = tempfile::tempdir().expect("dir");
    let client = client(KE, &sim);
    let prepared = provider_sim::push(KE, "0712345670", 100 * KE.currency().scale());
    client.prepare(&prepared).await.expect("prepared");
    // A deadline of 3 s, and 15 minutes of never arriving as 9 s.
    let offsets = (1..30).map(|i| Duration::from_secs(10 * i)).collect();
    let schedule =
        Schedule::new(offsets, Duration::from_secs(300), Duration::from_secs(5)).scaled(0.01);
    let settings = EngineSettings {
        schedule,
        ..EngineSettings::scaled(0.01)
    };
    let engine = engine(vec![Arc::new(client)], dir.path(), settings);
    sim.set_faults(Faults {
        html_5xx_per_mille: 1000,
        ..Faults::default()
    });
    let p = submit(&engine, KE, "0712345670").await;
    let asked = engine
        .wait_settled(p.id, Duration::from_secs(20))
        .await
        .expect("a person asked");
    assert_eq!(asked.status, Status::Attention, "{asked:?}");
    sim.set_faults(Faults::default());
    let deadline = std::time::Instant::now() + Duration::from_secs(40);
    let ended = loop {
        let now = engine
            .ask_now(p.id, Duration::from_secs(5))
            .await
            .expect("asked");
        if now.status.is_final() || std::time::Instant::now() > deadline {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(ended.status, Status::Failed, "{ended:?}");
    assert!(
        matches!(ended.message, Msg::NeverReached { .. }),
        "{:?}",
        ended.message
    );
    assert!(sim.ledger().is_empty(), "nothing was charged");
}
