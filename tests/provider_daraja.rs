//! The real Daraja client against the simulator: magic digits, the shared token (each new one
//! invalidates the one before), the East Africa Time timestamp, one prompt per phone, and,
//! through the engine on a journal on disk, the lost answer that is never sent again.

#[path = "support/provider_sim.rs"]
mod provider_sim;

use lipa::config::Secret;
use lipa::engine::{Engine, EngineError, EngineSettings, NotAllowed, Rights, SendGuard};
use lipa::journal::Journal;
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Status};
use lipa::provider::daraja::{DarajaClient, DarajaSettings};
use lipa::provider::http;
use lipa::provider::shelf::{FileShelf, TokenShelf};
use lipa::provider::{Charged, Provider, ProviderError, ProviderKind, PushRequest, RemoteState};
use lipa::sim::{SimConfig, SimHandle, demo};
use lipa::strings::Msg;
use provider_sim::{settled, start};
use std::sync::Arc;
use std::time::Duration;

const DARAJA: ProviderKind = ProviderKind::Daraja;

fn settings(sim: &SimHandle) -> DarajaSettings {
    DarajaSettings {
        base_url: sim.daraja_base_url(),
        consumer_key: Secret::new(demo::DARAJA_CONSUMER_KEY),
        consumer_secret: Secret::new(demo::DARAJA_CONSUMER_SECRET),
        passkey: Secret::new(demo::DARAJA_PASSKEY),
        shortcode: demo::DARAJA_SHORTCODE.into(),
        till: None,
        callback_url: demo::DARAJA_CALLBACK_URL.into(),
        description: None,
    }
}

fn client_for(sim: &SimHandle) -> DarajaClient {
    DarajaClient::new(settings(sim), http::client())
}

fn push(phone: &str, shillings: i64) -> PushRequest {
    provider_sim::push(DARAJA, phone, shillings * 100)
}

/// What was charged, with the id the push's answer carried.
fn charged(request: &PushRequest, id: Option<String>) -> Charged {
    Charged {
        provider_id: id,
        sent_at: Some(chrono::Utc::now()),
        ..Charged::of_request(request)
    }
}

#[tokio::test]
async fn every_magic_digit_ends_as_documented() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let mut pushes = Vec::new();
    for digit in 0..=9u8 {
        let request = push(&format!("071234567{digit}"), 100 + i64::from(digit));
        let answer = client.initiate(&request).await;
        if digit == 9 {
            // The push is made, its answer lost: no CheckoutRequestID.
            assert!(
                matches!(answer, Err(ProviderError::Unknown { .. })),
                "digit 9: {answer:?}"
            );
            continue;
        }
        let accepted = answer.unwrap_or_else(|e| panic!("digit {digit}: {e:?}"));
        assert_eq!(accepted.state, RemoteState::Pending);
        let id = accepted.provider_id.clone().expect("CheckoutRequestID");
        assert!(id.starts_with("ws_CO_"), "{id}");
        pushes.push((digit, charged(&request, Some(id))));
    }
    for (digit, charged) in &pushes {
        let st = settled(&client, charged).await;
        match digit {
            0..=5 => assert_eq!(st.state, RemoteState::Paid, "digit {digit}: {st:?}"),
            6 => assert_eq!(st.message, Msg::CustomerCancelled, "{st:?}"),
            7 => assert_eq!(st.message, Msg::LowBalance, "{st:?}"),
            // Never answers: the query's HTTP 500 "being processed" is pending.
            _ => {
                assert_eq!(st.state, RemoteState::Pending, "{st:?}");
                assert_eq!(st.word, "500.001.1001");
            }
        }
    }
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 10, "every push was made, the ninth too");
    assert!(ledger.iter().all(|e| e.initiate_calls == 1));
    assert_eq!(sim.stats().tokens_issued, 1, "one token served every call");
}

#[tokio::test]
async fn a_token_invalidated_by_another_app_user_is_replaced_once() {
    let sim = start(SimConfig::default()).await;
    // Two processes that do not share: each new token ends the other's.
    let (a, b) = (client_for(&sim), client_for(&sim));
    let first = push("0712345670", 10);
    let id = a.initiate(&first).await.expect("a pushes").provider_id;
    b.initiate(&push("0712345671", 10)).await.expect("b pushes");
    // a's token is dead now: its query is refused once, then asked again with a new one.
    let st = settled(&a, &charged(&first, id)).await;
    assert_eq!(st.state, RemoteState::Paid, "{st:?}");
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 3);
    assert_eq!(stats.unauthorized_of(DARAJA), 1);
    assert_eq!(stats.tokens_invalidated, 2);
}

#[tokio::test]
async fn processes_sharing_a_shelf_hold_one_token() {
    let sim = start(SimConfig::default()).await;
    let dir = tempfile::tempdir().expect("dir");
    // Eight clients, each with its own open of the shelf (as eight processes of one till).
    let clients: Vec<Arc<DarajaClient>> = (0..8)
        .map(|_| {
            let shelf: Arc<dyn TokenShelf> = Arc::new(FileShelf::new(dir.path(), "daraja"));
            Arc::new(DarajaClient::with_shelf(
                settings(&sim),
                http::client(),
                Some(shelf),
            ))
        })
        .collect();
    let mut tasks = Vec::new();
    for (i, client) in clients.iter().enumerate() {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .initiate(&push(&format!("07123456{i:02}"), 50))
                .await
                .map(|a| a.provider_id)
        }));
    }
    for t in tasks {
        t.await.expect("task").expect("accepted");
    }
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 1, "{stats:?}");
    assert_eq!(stats.unauthorized_of(DARAJA), 0, "{stats:?}");
}

/// A clock three hours behind (the timestamp in UTC, not East Africa Time) is refused before
/// any prompt, with Daraja's words naming the field.
#[tokio::test]
async fn a_timestamp_not_in_east_africa_time_is_refused() {
    let sim = start(SimConfig::default()).await;
    fn utc_as_if_eat() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() - chrono::Duration::hours(3)
    }
    let client = client_for(&sim).with_clock(utc_as_if_eat);
    let answer = client.initiate(&push("0712345670", 10)).await;
    match answer {
        Err(ProviderError::Rejected { message, .. }) => {
            assert!(message.to_string().contains("Timestamp"), "{message:?}")
        }
        other => panic!("{other:?}"),
    }
    assert!(sim.ledger().is_empty());
}

/// A status query answered `500.001.1001` with the words of a refused passkey or shortcode
/// is a configuration error, never "still being processed" (the code is the same): a passkey
/// changed while payments were open left them pending for ever; `lipa doctor` said a wrong
/// passkey was accepted.
#[tokio::test]
async fn a_query_with_a_wrong_passkey_or_shortcode_is_configuration_never_pending() {
    let sim = start(SimConfig::default()).await;
    let request = push("0712345670", 10);
    let accepted = client_for(&sim).initiate(&request).await.expect("sent");
    let asked = charged(&request, accepted.provider_id);
    for (key, changed) in [
        (
            "passkey",
            DarajaSettings {
                passkey: Secret::new("not-the-passkey"),
                ..settings(&sim)
            },
        ),
        (
            "shortcode",
            DarajaSettings {
                shortcode: "999999".into(),
                ..settings(&sim)
            },
        ),
    ] {
        let client = DarajaClient::new(changed, http::client());
        match client.query(&asked).await {
            Err(ProviderError::Configuration { message }) => {
                assert!(message.to_string().contains(key), "{key}: {message:?}")
            }
            other => panic!("{key}: {other:?}"),
        }
        let probe = Charged {
            provider_id: Some("ws_CO_nobody".into()),
            ..asked.clone()
        };
        assert!(
            matches!(
                client.credentials(&probe).await,
                Err(ProviderError::Configuration { .. })
            ),
            "{key}"
        );
    }
    let probe = Charged {
        provider_id: Some("ws_CO_nobody".into()),
        ..asked
    };
    client_for(&sim)
        .credentials(&probe)
        .await
        .expect("the right keys are taken, whatever the id");
}

#[tokio::test]
async fn money_rules_and_configuration_before_anything_is_sent() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let cents = provider_sim::push(DARAJA, "0712345670", 10_050);
    assert!(matches!(
        client.initiate(&cents).await,
        Err(ProviderError::Rejected {
            message: Msg::AmountNotWhole { .. },
            ..
        })
    ));
    let wrong = DarajaClient::new(
        DarajaSettings {
            passkey: Secret::new("not-the-passkey"),
            ..settings(&sim)
        },
        http::client(),
    );
    let answer = wrong.initiate(&push("0712345670", 10)).await;
    assert!(
        matches!(answer, Err(ProviderError::Configuration { .. })),
        "{answer:?}"
    );
    let text = format!("{answer:?}");
    assert!(!text.contains("not-the-passkey"), "{text}");
    assert!(sim.ledger().is_empty());
}

#[tokio::test]
async fn a_phone_holds_one_prompt_at_a_time_at_daraja() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    // Last digit 8 never answers: its prompt holds the phone.
    client
        .initiate(&push("0712345678", 10))
        .await
        .expect("first");
    let second = client.initiate(&push("0712345678", 20)).await;
    assert!(
        matches!(
            second,
            Err(ProviderError::Rejected {
                message: Msg::PhoneBusy { .. },
                ..
            })
        ),
        "{second:?}"
    );
    assert_eq!(sim.ledger().len(), 1);
}

/// An engine over a journal on disk and the real client.
fn engine(sim: &SimHandle, dir: &std::path::Path) -> Engine {
    let journal = Arc::new(Journal::open(&dir.join("journal.sqlite3")).expect("journal"));
    let client: Arc<dyn Provider> = Arc::new(client_for(sim));
    Engine::new(journal, vec![client], EngineSettings::scaled(0.02))
}

fn new_payment(engine_ref: &lipa::reference::Reference, phone: &str, shillings: i64) -> NewPayment {
    NewPayment {
        provider: DARAJA,
        reference: engine_ref.clone(),
        phone: lipa::phone::Phone::parse(phone, DARAJA.country()).expect("phone"),
        amount: Money::from_minor(shillings * 100, Currency::Kes),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "amina".into(),
    }
}

#[tokio::test]
async fn a_lost_answer_asks_a_person_at_once_and_is_never_sent_again() {
    let sim = start(SimConfig::default()).await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = engine(&sim, dir.path());
    let reference = engine.new_reference(DARAJA).await.expect("reference");
    let sent = engine
        .submit(
            new_payment(&reference, "0712345679", 250),
            SendGuard::Check,
            &Rights::all(),
        )
        .await
        .expect("submitted");
    let p = sent.payment;
    assert_eq!(p.status, Status::Attention, "{p:?}");
    assert_eq!(p.message, Msg::CannotLookUp { provider: DARAJA });
    let words = p.message.to_string();
    assert!(
        words.contains("M-Pesa SMS") && words.contains("Do not send it again"),
        "{words}"
    );
    // Asked again (a restart, a person's re-check): nothing is sent, nothing is asked.
    engine.resume().await.expect("resume");
    let again = engine
        .ask_now(p.id, Duration::from_secs(2))
        .await
        .expect("asked");
    assert_eq!(again.status, Status::Attention);
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].initiate_calls, 1, "never sent again");
    assert_eq!(ledger[0].status_queries, 0, "nothing to ask by");
}

#[tokio::test]
async fn a_second_push_to_a_phone_with_one_waiting_is_refused_before_recording() {
    let sim = start(SimConfig::default()).await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = engine(&sim, dir.path());
    let first = engine.new_reference(DARAJA).await.expect("reference");
    let sent = engine
        .submit(
            new_payment(&first, "0712345678", 100),
            SendGuard::Check,
            &Rights::all(),
        )
        .await
        .expect("submitted");
    assert_eq!(sent.payment.status, Status::Pending);
    let second = engine.new_reference(DARAJA).await.expect("reference");
    // Another amount, and forced past the duplicate guard: still one prompt per phone.
    let refused = engine
        .submit(
            new_payment(&second, "0712345678", 300),
            SendGuard::Force,
            &Rights::all(),
        )
        .await;
    match refused {
        Err(EngineError::NotAllowed(NotAllowed::PromptOpen { reference })) => {
            assert_eq!(reference, first.to_string())
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sim.ledger().len(), 1);
    // Another phone goes.
    let third = engine.new_reference(DARAJA).await.expect("reference");
    let other = engine
        .submit(
            new_payment(&third, "0712345670", 300),
            SendGuard::Check,
            &Rights::all(),
        )
        .await
        .expect("submitted");
    let paid = engine
        .wait_settled(other.payment.id, Duration::from_secs(10))
        .await
        .expect("settled");
    assert_eq!(paid.status, Status::Paid);
}
