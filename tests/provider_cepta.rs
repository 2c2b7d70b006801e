//! The real Cepta client against the simulator (and, for behaviour the simulator does not
//! have, a small stub server): magic digits, signatures, clock skew, channels, errors.

#[path = "support/provider_sim.rs"]
mod provider_sim;

use lipa::config::Secret;
use lipa::money::{Currency, Money};
use lipa::provider::cepta::CeptaSettings;
use lipa::provider::cepta::{CeptaClient, known_channels};
use lipa::provider::http;
use lipa::provider::{
    Charged, Lookup, Provider, ProviderError, ProviderKind, PushRequest, RemoteState,
};
use lipa::reference::Reference;
use lipa::sim::{Faults, SimConfig, SimHandle, demo};
use provider_sim::{charged, settled, start};
use std::time::Duration;

fn settings(base_url: String) -> CeptaSettings {
    CeptaSettings {
        base_url,
        public_key: demo::CEPTA_PUBLIC_KEY.into(),
        secret_key: Secret::new(demo::CEPTA_SECRET_KEY),
        email: demo::CEPTA_EMAIL.into(),
    }
}

fn client_for(sim: &SimHandle) -> CeptaClient {
    CeptaClient::new(settings(sim.cepta_base_url()), http::client())
}

fn kes(cents: i64) -> Money {
    Money::from_minor(cents, Currency::Kes)
}

fn reference() -> Reference {
    provider_sim::reference(ProviderKind::Cepta)
}

fn push(phone: &str, cents: i64) -> PushRequest {
    provider_sim::push(ProviderKind::Cepta, phone, cents)
}

#[tokio::test]
async fn every_magic_digit_ends_as_documented() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let mut pushes = Vec::new();
    for digit in 0..=9 {
        let request = push(&format!("071234567{digit}"), 10_050 + digit);
        let answer = client.initiate(&request).await;
        if digit == 9 {
            // Cepta answers 408 but the prompt went out.
            assert!(
                matches!(answer, Err(ProviderError::Unknown { .. })),
                "digit 9: {answer:?}"
            );
        } else {
            let accepted = answer.unwrap_or_else(|e| panic!("digit {digit}: {e:?}"));
            assert_eq!(accepted.state, RemoteState::Pending);
            assert!(accepted.provider_id.is_some());
            assert_eq!(
                accepted.message,
                lipa::strings::Msg::PromptSent,
                "{accepted:?}"
            );
        }
        pushes.push((digit, request));
    }
    for (digit, request) in pushes.iter().filter(|(d, _)| *d != 8) {
        let st = settled(&client, &Charged::of_request(request)).await;
        match digit {
            0..=5 | 9 => assert_eq!(st.state, RemoteState::Paid, "digit {digit}: {st:?}"),
            6 => {
                assert_eq!(st.state, RemoteState::Failed, "{st:?}");
                assert!(
                    st.message.to_string().to_lowercase().contains("cancel"),
                    "{st:?}"
                );
            }
            _ => {
                assert_eq!(st.state, RemoteState::Failed, "{st:?}");
                assert_eq!(st.message, lipa::strings::Msg::LowBalance, "{st:?}");
            }
        }
    }
    let (_, silent) = &pushes[8];
    match client.query(&Charged::of_request(silent)).await {
        Ok(Lookup::Found(st)) => assert_eq!(st.state, RemoteState::Pending, "{st:?}"),
        other => panic!("digit 8: {other:?}"),
    }
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 10);
    for (_, request) in &pushes {
        let mine: Vec<_> = ledger
            .iter()
            .filter(|e| e.reference == request.reference.as_str())
            .collect();
        assert_eq!(mine.len(), 1, "{}", request.reference);
        assert_eq!(mine[0].initiate_calls, 1);
        assert_eq!(mine[0].amount_minor, request.amount.minor());
        // Written exactly from minor units: 100.5, never 100.50000001.
        assert_eq!(mine[0].amount, request.amount.wire_decimal());
    }
    // Every request was signed correctly the first time.
    assert_eq!(sim.stats().unauthorized_of(ProviderKind::Cepta), 0);
}

#[tokio::test]
async fn unknown_outcome_is_resolved_by_querying_with_exactly_one_push() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let request = push("0722000009", 25_000);
    let err = client.initiate(&request).await.expect_err("408");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");
    assert!(err.to_string().contains("HTTP 408"), "{err}");
    let st = settled(&client, &Charged::of_request(&request)).await;
    assert_eq!(st.state, RemoteState::Paid);
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].initiate_calls, 1);
    assert!(ledger[0].initiate_failed);
}

#[tokio::test]
async fn channels_are_suggested_from_the_number_and_can_be_overridden() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let cases = [
        ("0712000001", None, "63902"),
        ("0733000001", None, "63903"),
        ("0771000001", None, "63907"),
        // Kenyan prefix not in our table: the default channel.
        ("0761000001", None, "63902"),
        ("0712000001", Some("0"), "0"),
    ];
    for (phone, channel, want) in cases {
        let mut request = push(phone, 10_000);
        request.channel = channel.map(str::to_string);
        client.initiate(&request).await.expect("accepted");
        let entry = sim
            .ledger()
            .into_iter()
            .find(|e| e.reference == request.reference.as_str())
            .expect("in ledger");
        assert_eq!(entry.channel, want, "{phone} {channel:?}");
    }
}

#[tokio::test]
async fn channel_list_from_cepta_or_the_documented_table() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let list = client.channels().await.expect("channels");
    let codes: Vec<&str> = list.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["63902", "63903", "63907", "0"]);
    // Cached: a second call does not ask again.
    client.channels().await.expect("channels");
    assert_eq!(
        sim.stats()
            .requests_to("GET /api/v1/pay/mobile-money-banks"),
        1
    );

    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let offline = CeptaClient::new(settings(format!("http://127.0.0.1:{port}")), http::client());
    assert_eq!(offline.channels().await, Ok(known_channels()));

    // Refused signature: still the fallback, never an error.
    let mut wrong = settings(sim.cepta_base_url());
    wrong.secret_key = Secret::new("not-the-secret");
    let wrong = CeptaClient::new(wrong, http::client());
    assert_eq!(wrong.channels().await, Ok(known_channels()));
}

#[tokio::test]
async fn refused_signatures_are_configuration_without_secrets() {
    let sim = start(SimConfig::default()).await;
    let mut wrong = settings(sim.cepta_base_url());
    wrong.secret_key = Secret::new("sk-not-the-secret-0123");
    let client = CeptaClient::new(wrong, http::client());
    let err = client
        .initiate(&push("0712345670", 10_000))
        .await
        .expect_err("401");
    assert!(
        matches!(err, ProviderError::Configuration { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("UNAUTHORIZED"), "{err}");
    assert!(!err.to_string().contains("sk-not-the-secret"), "{err}");
    assert!(sim.ledger().is_empty());
}

fn an_hour_slow() -> i64 {
    chrono::Utc::now().timestamp() - 3600
}

#[tokio::test]
async fn a_wrong_clock_is_named_in_the_error() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim).with_clock(an_hour_slow);
    let err = client
        .initiate(&push("0712345670", 10_000))
        .await
        .expect_err("401");
    assert!(
        matches!(err, ProviderError::Configuration { .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("clock"), "{text}");
    assert!(text.contains("behind"), "{text}");
    // A GET with a query is tried in both signing forms, then refused the same way.
    let err = client
        .query(&charged(reference(), kes(100)))
        .await
        .expect_err("401");
    assert!(err.to_string().contains("behind"), "{err}");
    assert!(!client.signs_gets_path_only());
    assert!(sim.ledger().is_empty());
}

#[tokio::test]
async fn verify_answers_and_mismatches() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    assert_eq!(
        client.query(&charged(reference(), kes(100))).await,
        Ok(Lookup::NotFound)
    );
    let request = push("0712345670", 150_025);
    client.initiate(&request).await.expect("push");
    let st = settled(
        &client,
        &Charged {
            amount: kes(150_020),
            ..Charged::of_request(&request)
        },
    )
    .await;
    assert_eq!(st.state, RemoteState::Attention, "{st:?}");
    assert!(st.message.to_string().contains("KES 1,500.20"), "{st:?}");
    let st = settled(&client, &Charged::of_request(&request)).await;
    assert_eq!(st.state, RemoteState::Paid);
    assert_eq!(st.word, "successful");
}

#[tokio::test]
async fn refusals_and_transport_failures_are_classified() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let request = push("0712345670", 10_000);
    client.initiate(&request).await.expect("first");
    // A duplicate reference means a push under it exists: its outcome is unknown, never
    // "refused, nothing charged".
    let err = client.initiate(&request).await.expect_err("duplicate");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");
    assert!(err.to_string().contains("already used"), "{err}");

    sim.set_faults(Faults {
        html_5xx_per_mille: 1000,
        ..Faults::default()
    });
    let err = client
        .initiate(&push("0712345670", 10_000))
        .await
        .expect_err("5xx");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");
    assert!(
        err.to_string().contains("HTTP 50"),
        "a 500, 502 or 503 page: {err}"
    );
    let err = client
        .query(&Charged::of_request(&request))
        .await
        .expect_err("5xx");
    assert!(matches!(err, ProviderError::RetryLater { .. }), "{err:?}");

    sim.set_faults(Faults {
        too_many_per_mille: 1000,
        retry_after_secs: 2,
        ..Faults::default()
    });
    // A throttled charge may have been created behind the gateway: unknown, queried first.
    let err = client
        .initiate(&push("0712345670", 10_000))
        .await
        .expect_err("429");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");
    // A throttled status query is asked again after Retry-After.
    let err = client
        .query(&Charged::of_request(&request))
        .await
        .expect_err("429");
    assert!(
        matches!(
            err,
            ProviderError::RetryLater {
                retry_after: Some(d),
                ..
            } if d == Duration::from_secs(2)
        ),
        "{err:?}"
    );

    sim.set_faults(Faults {
        drop_after_create_per_mille: 1000,
        ..Faults::default()
    });
    let dropped = push("0712345670", 10_000);
    let err = client.initiate(&dropped).await.expect_err("dropped");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");
    sim.set_faults(Faults::default());
    assert!(matches!(
        client.query(&Charged::of_request(&dropped)).await,
        Ok(Lookup::Found(_))
    ));
    assert_eq!(sim.ledger().len(), 2);

    // A Tanzanian request never leaves.
    let mut tzs = push("0712345670", 10_000);
    tzs.amount = Money::from_minor(1000, Currency::Tzs);
    assert!(matches!(
        client.initiate(&tzs).await,
        Err(ProviderError::Rejected { status: None, .. })
    ));
}

/// A stub Cepta that checks signatures itself: over the path only for GETs (as some client
/// code signs them), and that records the charge body it received.
mod stub {
    use super::demo;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};
    use axum::routing::{get, post};
    use axum::{Json, Router};
    use lipa::provider::cepta::sign;
    use serde_json::{Value, json};
    use std::sync::{Arc, Mutex};

    #[derive(Default)]
    pub struct Seen {
        pub refused: usize,
        pub bodies: Vec<Vec<u8>>,
    }

    pub type Shared = Arc<Mutex<Seen>>;

    pub async fn serve(seen: Shared) -> String {
        let app = Router::new()
            .route("/api/v1/pay/verify-payment", get(verify))
            .route("/api/v1/pay/ussd-charge", post(charge))
            .route("/api/v1/pay/mobile-money-banks", get(banks))
            .with_state(seen);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}")
    }

    fn signed(method: &Method, uri: &str, headers: &HeaderMap, body: &[u8]) -> bool {
        let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
        h("x-access-key") == demo::CEPTA_PUBLIC_KEY
            && h("x-access-signature")
                == sign(
                    demo::CEPTA_SECRET_KEY,
                    h("x-access-ts"),
                    method.as_str(),
                    uri,
                    body,
                )
    }

    fn unauthorized() -> (StatusCode, Json<Value>) {
        let body = json!({"status": false, "message": "UNAUTHORIZED"});
        (StatusCode::UNAUTHORIZED, Json(body))
    }

    async fn verify(
        State(seen): State<Shared>,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
    ) -> (StatusCode, Json<Value>) {
        if !signed(&method, uri.path(), &headers, b"") {
            seen.lock().expect("lock").refused += 1;
            return unauthorized();
        }
        let body = json!({"status": false, "message": "TRANSACTION_NOT_FOUND"});
        (StatusCode::NOT_FOUND, Json(body))
    }

    async fn charge(
        State(seen): State<Shared>,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> (StatusCode, Json<Value>) {
        if !signed(&method, uri.path(), &headers, &body) {
            seen.lock().expect("lock").refused += 1;
            return unauthorized();
        }
        seen.lock().expect("lock").bodies.push(body.to_vec());
        let answer = json!({"status": true, "message": "MPESA STK sent. Enter your PIN",
            "data": {"transactionRef": "x", "responseCode": "0", "paymentId": "p-1"}});
        (StatusCode::OK, Json(answer))
    }

    /// A bare array, which the client tolerates.
    async fn banks() -> Json<Value> {
        Json(json!([{"code": "63902", "name": "M-PESA"}, {"code": 0, "name": "SasaPay"}]))
    }
}

#[tokio::test]
async fn gets_fall_back_to_path_only_signing_once_and_remember_it() {
    let seen = stub::Shared::default();
    let base = stub::serve(seen.clone()).await;
    let client = CeptaClient::new(settings(base), http::client());
    assert_eq!(
        client.query(&charged(reference(), kes(100))).await,
        Ok(Lookup::NotFound)
    );
    assert!(client.signs_gets_path_only());
    assert_eq!(
        client.query(&charged(reference(), kes(100))).await,
        Ok(Lookup::NotFound)
    );
    assert_eq!(
        seen.lock().expect("lock").refused,
        1,
        "one refusal, then remembered"
    );
}

#[tokio::test]
async fn the_signed_bytes_are_the_bytes_sent() {
    let seen = stub::Shared::default();
    let base = stub::serve(seen.clone()).await;
    let client = CeptaClient::new(settings(base), http::client());
    let mut request = push("0712345670", 150_050);
    request.reference = Reference::parse("TXN-MPESA-001", ProviderKind::Cepta).expect("valid");
    request.name = Some("Wanjiru Kamau-Öztürk".into());
    let accepted = client.initiate(&request).await.expect("accepted");
    assert_eq!(accepted.provider_id.as_deref(), Some("p-1"));
    let seen = seen.lock().expect("lock");
    assert_eq!(seen.refused, 0);
    let body = String::from_utf8(seen.bodies[0].clone()).expect("utf-8");
    assert_eq!(
        body,
        "{\"transactionRef\":\"TXN-MPESA-001\",\"customerEmail\":\"till@example.com\",\
         \"amount\":1500.5,\"currency\":\"KES\",\"bankAccount\":\"63902\",\
         \"phoneNumber\":\"254712345670\",\"fullName\":\"Wanjiru Kamau-Öztürk\"}"
    );
}

#[tokio::test]
async fn a_bare_channel_array_is_accepted() {
    let base = stub::serve(stub::Shared::default()).await;
    let client = CeptaClient::new(settings(base), http::client());
    let list = client.channels().await.expect("channels");
    let codes: Vec<&str> = list.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["63902", "0"]);
}
