//! The real Selcom client against the simulator: the two calls of a push and every magic
//! digit, the signature's refusals (a wrong secret, a stale clock, a float), a lost order
//! answer found by the status query, and, through the engine on a journal on disk, the lost
//! wallet-payment answer that is only ever asked about, and `999` that ends with Selcom asked
//! to reconcile.

#[path = "support/provider_sim.rs"]
mod provider_sim;

use lipa::config::Secret;
use lipa::engine::{Engine, EngineSettings, Rights, SendGuard};
use lipa::journal::Journal;
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Status};
use lipa::provider::http;
use lipa::provider::selcom::{SelcomClient, SelcomSettings};
use lipa::provider::{Charged, Lookup, Provider, ProviderError, ProviderKind, RemoteState};
use lipa::sim::{Faults, SimConfig, SimHandle, demo};
use lipa::strings::Msg;
use provider_sim::{settled, start};
use std::sync::Arc;
use std::time::Duration;

const SELCOM: ProviderKind = ProviderKind::Selcom;

fn settings(sim: &SimHandle) -> SelcomSettings {
    SelcomSettings {
        base_url: sim.selcom_base_url(),
        vendor: demo::SELCOM_VENDOR.into(),
        api_key: Secret::new(demo::SELCOM_API_KEY),
        api_secret: Secret::new(demo::SELCOM_API_SECRET),
        buyer_email: demo::SELCOM_BUYER_EMAIL.into(),
        buyer_name: demo::SELCOM_BUYER_NAME.into(),
    }
}

fn client_for(sim: &SimHandle) -> SelcomClient {
    SelcomClient::new(settings(sim), http::client())
}

fn push(phone: &str, shillings: i64) -> lipa::provider::PushRequest {
    provider_sim::push(SELCOM, phone, shillings)
}

#[tokio::test]
async fn every_magic_digit_ends_as_documented() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let mut pushes = Vec::new();
    for digit in 0..=9u8 {
        let request = push(&format!("071234567{digit}"), 1_000 + i64::from(digit));
        let order = client.prepare(&request).await.expect("the order is made");
        assert!(order.is_some(), "Selcom's reference of the order");
        let answer = client.initiate(&request).await;
        if digit == 9 {
            // The wallet payment is made, its answer lost.
            assert!(
                matches!(answer, Err(ProviderError::Unknown { .. })),
                "digit 9: {answer:?}"
            );
        } else {
            let accepted = answer.unwrap_or_else(|e| panic!("digit {digit}: {e:?}"));
            assert_eq!(accepted.state, RemoteState::Pending);
        }
        pushes.push((digit, Charged::of_request(&request)));
    }
    for (digit, charged) in &pushes {
        let st = settled(&client, charged).await;
        match digit {
            0..=5 | 9 => {
                assert_eq!(st.state, RemoteState::Paid, "digit {digit}: {st:?}");
                assert!(st.provider_id.is_some(), "{st:?}");
                // 0712 is a Mixx by Yas (Tigo Pesa) number.
                assert_eq!(st.channel.as_deref(), Some("TIGOPESA"), "{st:?}");
            }
            6 => assert_eq!(st.message, Msg::CustomerCancelled, "{st:?}"),
            7 => assert_eq!(st.state, RemoteState::Failed, "{st:?}"),
            // Never answers: Selcom cannot say (999), which is never failed.
            _ => {
                assert_eq!(st.state, RemoteState::Pending, "{st:?}");
                assert_eq!(st.message, Msg::Ambiguous { provider: SELCOM }, "{st:?}");
            }
        }
    }
    let ledger = sim.ledger();
    assert_eq!(
        ledger.len(),
        10,
        "every wallet payment was made, the ninth too"
    );
    assert!(ledger.iter().all(|e| e.initiate_calls == 1), "{ledger:?}");
    assert_eq!(sim.stats().repeated_pushes, 0);
}

#[tokio::test]
async fn an_order_not_made_is_not_found_and_a_second_wallet_payment_is_refused() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let request = push("0712345670", 500);
    let charged = Charged::of_request(&request);
    assert_eq!(
        client.query(&charged).await.expect("asked"),
        Lookup::NotFound
    );
    client.prepare(&request).await.expect("order");
    // An order without its wallet payment charges nobody: as far as money goes, nothing is
    // there yet.
    assert_eq!(
        client.query(&charged).await.expect("asked"),
        Lookup::NotFound
    );
    assert!(sim.ledger().is_empty());
    client.initiate(&request).await.expect("prompt");
    // The simulator counts a second wallet payment for one order as a defect.
    let again = client.initiate(&request).await;
    assert!(
        matches!(again, Err(ProviderError::Rejected { .. })),
        "{again:?}"
    );
    assert_eq!(sim.stats().repeated_pushes, 1);
    assert_eq!(sim.ledger().len(), 1);
}

/// A wrong secret and a clock ten minutes off are refused before anything is made, as the
/// configuration's to fix; the secret is in no word of it.
#[tokio::test]
async fn a_wrong_digest_or_a_stale_timestamp_is_refused() {
    let sim = start(SimConfig::default()).await;
    let wrong = SelcomClient::new(
        SelcomSettings {
            api_secret: Secret::new("not-the-secret"),
            ..settings(&sim)
        },
        http::client(),
    );
    let answer = wrong.prepare(&push("0712345670", 500)).await;
    assert!(
        matches!(answer, Err(ProviderError::Configuration { .. })),
        "{answer:?}"
    );
    assert!(!format!("{answer:?}").contains("not-the-secret"));
    fn ten_minutes_behind() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now() - chrono::Duration::minutes(10)
    }
    let stale = client_for(&sim).with_clock(ten_minutes_behind);
    let answer = stale.prepare(&push("0712345670", 500)).await;
    // The clock is named, with how far off it is (Selcom's `Date` against ours), not the keys
    // alone (a tester was sent to check credentials that were right).
    match &answer {
        Err(ProviderError::Configuration {
            message: Msg::SignatureRefused { skew: Some(s), .. },
        }) => assert!((s - 600).abs() <= 5, "{s}"),
        other => panic!("{other:?}"),
    }
    let words = answer.expect_err("refused").to_string();
    assert!(
        words.contains("clock") && words.contains("behind"),
        "{words}"
    );
    assert!(sim.ledger().is_empty());
    assert!(sim.stats().unauthorized_of(SELCOM) >= 2);
}

/// An amount written as a float (`1500.0`) is refused, whatever the signature.
#[tokio::test]
async fn a_float_amount_is_refused() {
    let sim = start(SimConfig::default()).await;
    let url = format!("{}/checkout/create-order-minimal", sim.selcom_base_url());
    let body = r#"{"vendor":"TILL60001","order_id":"LP1","buyer_email":"a@b.tz","buyer_name":"A","buyer_phone":"255712345670","amount":1500.0,"currency":"TZS","no_of_items":1}"#;
    let answer = http::client()
        .post(url)
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .expect("answered");
    assert_eq!(answer.status().as_u16(), 400);
    let text = answer.text().await.expect("body");
    assert!(text.contains("amount must be an integer"), "{text}");
}

/// The order's answer lost (the connection dropped after Selcom made it): the status query
/// finds the order, and it is not made twice.
#[tokio::test]
async fn a_lost_order_answer_is_found_by_the_status_query() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    sim.set_faults(Faults {
        drop_after_create_per_mille: 1000,
        ..Faults::default()
    });
    let request = push("0712345670", 700);
    let order = client.prepare(&request).await.expect("found after all");
    assert!(order.is_some());
    sim.set_faults(Faults::default());
    client.initiate(&request).await.expect("prompt");
    let st = settled(&client, &Charged::of_request(&request)).await;
    assert_eq!(st.state, RemoteState::Paid);
    assert_eq!(
        sim.stats()
            .requests_to("POST /selcom/v1/checkout/create-order-minimal"),
        1
    );
}

/// An engine over a journal on disk and the real client, its schedule fast.
fn engine(sim: &SimHandle, dir: &std::path::Path) -> Engine {
    let journal = Arc::new(Journal::open(&dir.join("journal.sqlite3")).expect("journal"));
    let client: Arc<dyn Provider> = Arc::new(client_for(sim));
    Engine::new(journal, vec![client], EngineSettings::scaled(0.02))
}

async fn submit(engine: &Engine, phone: &str, shillings: i64) -> lipa::payment::Payment {
    let reference = engine.new_reference(SELCOM).await.expect("reference");
    let new = NewPayment {
        provider: SELCOM,
        reference,
        phone: lipa::phone::Phone::parse(phone, SELCOM.country()).expect("phone"),
        amount: Money::from_minor(shillings, Currency::Tzs),
        channel: None,
        email: None,
        name: Some("Bi Mwanaisha".into()),
        replaces: None,
        operator: "amina".into(),
    };
    engine
        .submit(new, SendGuard::Check, &Rights::all())
        .await
        .expect("submitted")
        .payment
}

#[tokio::test]
async fn a_lost_wallet_payment_answer_is_asked_about_never_sent_again() {
    let sim = start(SimConfig::default()).await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = engine(&sim, dir.path());
    let p = submit(&engine, "0712345679", 2_500).await;
    assert_eq!(p.status, Status::Unknown, "{p:?}");
    assert!(
        p.provider_id.is_some(),
        "the order's reference, journalled before the prompt"
    );
    let paid = engine
        .wait_settled(p.id, Duration::from_secs(10))
        .await
        .expect("settled");
    assert_eq!(paid.status, Status::Paid, "{paid:?}");
    assert_eq!(paid.channel.as_deref(), Some("TIGOPESA"));
    engine.resume().await.expect("resume");
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].initiate_calls, 1, "never sent again");
    assert_eq!(sim.stats().repeated_pushes, 0);
}

/// `999` until the deadline, and again when asked once more after Selcom's three minutes
/// (scaled): a person is asked, with words that say Selcom must reconcile it.
#[tokio::test]
async fn ambiguous_ends_with_selcom_asked_to_reconcile() {
    let sim = start(SimConfig::default()).await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = engine(&sim, dir.path());
    let p = submit(&engine, "0712345678", 900).await;
    assert_eq!(p.status, Status::Pending);
    let ended = engine
        .wait_settled(p.id, Duration::from_secs(20))
        .await
        .expect("ended");
    assert_eq!(ended.status, Status::Attention, "{ended:?}");
    assert!(
        matches!(
            ended.message,
            Msg::MustReconcile {
                provider: SELCOM,
                ..
            }
        ),
        "{:?}",
        ended.message
    );
    let words = ended.message.to_string();
    assert!(words.contains("Selcom must reconcile"), "{words}");
    // Asked past the deadline, then once more after the wait Selcom advises.
    let schedule = EngineSettings::scaled(0.02).schedule;
    let late = schedule.deadline() + schedule.in_scale(Duration::from_secs(180));
    let age = (ended.updated_at - ended.created_at).to_std().expect("age");
    assert!(
        age >= late,
        "a person was asked after {age:?}, before {late:?}"
    );
}

/// A reference another till already used at Selcom (typed by hand) is refused, and no prompt
/// goes under the other sale's order. (When this sale's own order answer is lost, the order
/// found under the reference must be this sale's: `selcom::tests`.)
#[tokio::test]
async fn a_reference_another_till_used_sends_no_prompt() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let theirs = push("0754003168", 3_000);
    client.prepare(&theirs).await.expect("their order");
    let ours = lipa::provider::PushRequest {
        phone: lipa::phone::Phone::parse("0754003261", SELCOM.country()).expect("phone"),
        amount: Money::from_minor(5_000, Currency::Tzs),
        ..theirs.clone()
    };
    sim.set_faults(Faults {
        drop_after_create_per_mille: 1000,
        ..Faults::default()
    });
    let answer = client.prepare(&ours).await;
    assert!(
        matches!(answer, Err(ProviderError::Rejected { .. })),
        "{answer:?}"
    );
    assert!(sim.ledger().is_empty(), "no wallet payment");
    assert_eq!(sim.stats().repeated_pushes, 0);
}

/// A stand-in gateway: the order's answer lost (an HTML 500), the status naming another sale's
/// order under the reference (another till's, 3,000 to another phone); wallet payments counted.
async fn stand_in(wallet_calls: Arc<std::sync::atomic::AtomicUsize>) -> String {
    use axum::routing::{get, post};
    let app = axum::Router::new()
        .route(
            "/v1/checkout/create-order-minimal",
            post(|| async {
                (
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "<html>500 Internal Server Error</html>",
                )
            }),
        )
        .route(
            "/v1/checkout/order-status",
            get(|q: axum::extract::RawQuery| async move {
                let id = q.0.unwrap_or_default().replace("order_id=", "");
                axum::Json(serde_json::json!({
                    "resultcode": "000",
                    "data": [{"order_id": id, "amount": "3000", "phone": "255754009999",
                              "payment_status": "PENDING", "transid": null, "channel": null}],
                }))
            }),
        )
        .route(
            "/v1/checkout/wallet-payment",
            post(move || {
                let calls = wallet_calls.clone();
                async move {
                    calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    axum::Json(serde_json::json!({"resultcode": "111", "result": "PENDING"}))
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
    format!("http://{addr}/v1")
}

/// The order's answer lost, and the order Selcom holds under the reference is another sale's
/// (a reference another till used): refused in words that say so, no wallet payment (a
/// tester's push prompted its customer for another till's 3,000).
#[tokio::test]
async fn a_lost_order_answer_never_takes_another_sales_order() {
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let base = stand_in(calls.clone()).await;
    let sim = start(SimConfig::default()).await;
    let client = SelcomClient::new(
        SelcomSettings {
            base_url: base,
            ..settings(&sim)
        },
        http::client(),
    );
    let request = push("0754000311", 5_000);
    let answer = client.prepare(&request).await;
    assert!(
        matches!(
            answer,
            Err(ProviderError::Rejected {
                message: Msg::OrderTaken { .. },
                ..
            })
        ),
        "{answer:?}"
    );
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 0);
}
