//! The real ClickPesa client against the simulator (and, for answers the simulator never gives,
//! a few lines of stub server): magic digits, tokens, checksums, errors and their classes.

#[path = "support/provider_sim.rs"]
mod provider_sim;

use lipa::config::Secret;
use lipa::money::{Currency, Money};
use lipa::provider::clickpesa::ClickPesaSettings;
use lipa::provider::clickpesa::{ClickPesaClient, ListQuery};
use lipa::provider::http::{self, Timeouts};
use lipa::provider::{
    Charged, Lookup, Provider, ProviderError, ProviderKind, PushRequest, RemoteState,
};
use lipa::reference::Reference;
use lipa::sim::{Faults, SimConfig, SimHandle, demo};
use provider_sim::{charged, settled, start};
use std::sync::Arc;
use std::time::Duration;

fn settings(base_url: String, checksum_key: Option<&str>) -> ClickPesaSettings {
    ClickPesaSettings {
        base_url,
        client_id: demo::CLICKPESA_CLIENT_ID.into(),
        api_key: Secret::new(demo::CLICKPESA_API_KEY),
        checksum_key: checksum_key.map(Secret::new),
    }
}

fn client_for(sim: &SimHandle) -> ClickPesaClient {
    ClickPesaClient::new(settings(sim.clickpesa_base_url(), None), http::client())
}

fn tzs(amount: i64) -> Money {
    Money::from_minor(amount, Currency::Tzs)
}

fn reference() -> Reference {
    provider_sim::reference(ProviderKind::ClickPesa)
}

fn push(phone: &str, amount: i64) -> PushRequest {
    provider_sim::push(ProviderKind::ClickPesa, phone, amount)
}

fn is_config(e: &ProviderError) -> bool {
    matches!(e, ProviderError::Configuration { .. })
}

#[tokio::test]
async fn every_magic_digit_ends_as_documented() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let mut pushes = Vec::new();
    for digit in 0..=9 {
        let request = push(&format!("071234567{digit}"), 1000 + digit);
        let answer = client.initiate(&request).await;
        if digit == 9 {
            assert!(
                matches!(answer, Err(ProviderError::Unknown { .. })),
                "digit 9: {answer:?}"
            );
        } else {
            let accepted = answer.unwrap_or_else(|e| panic!("digit {digit}: {e:?}"));
            assert_eq!(accepted.state, RemoteState::Pending);
            assert!(accepted.provider_id.is_some());
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
    // Digit 8 never answers: pushed before digit 9, which has settled, it is still pending.
    let (_, silent) = &pushes[8];
    match client.query(&Charged::of_request(silent)).await {
        Ok(Lookup::Found(st)) => {
            assert_eq!(st.state, RemoteState::Pending, "{st:?}");
            assert_eq!(st.word, "PROCESSING");
        }
        other => panic!("digit 8: {other:?}"),
    }
    // Exactly one push per reference, including the one whose initiate failed.
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 10);
    for (_, request) in &pushes {
        let entries: Vec<_> = ledger
            .iter()
            .filter(|e| e.reference == request.reference.as_str())
            .collect();
        assert_eq!(entries.len(), 1, "{}", request.reference);
        assert_eq!(entries[0].initiate_calls, 1);
        assert_eq!(entries[0].amount, request.amount.wire_decimal());
    }
    assert_eq!(sim.stats().tokens_issued, 1);
}

#[tokio::test]
async fn unknown_outcome_is_resolved_by_querying_with_exactly_one_push() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let request = push("0754000009", 2500);
    let err = client.initiate(&request).await.expect_err("digit 9 fails");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");
    assert!(err.to_string().contains("HTTP 500"), "{err}");
    // The engine's next step: query, never re-send.
    let st = settled(&client, &Charged::of_request(&request)).await;
    assert_eq!(st.state, RemoteState::Paid);
    let ledger = sim.ledger();
    let mine: Vec<_> = ledger
        .iter()
        .filter(|e| e.reference == request.reference.as_str())
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].initiate_calls, 1);
    assert!(mine[0].initiate_failed);
}

#[tokio::test]
async fn checksums_when_required() {
    let sim = start(SimConfig {
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.into()),
        ..SimConfig::default()
    })
    .await;
    let good = ClickPesaClient::new(
        settings(sim.clickpesa_base_url(), Some(demo::CLICKPESA_CHECKSUM_KEY)),
        http::client(),
    );
    let request = push("0712345671", 1500);
    good.initiate(&request).await.expect("checksummed push");
    let preview = good.preview(&push("0712345671", 1500)).await;
    assert!(matches!(preview, Ok(Some(_))), "{preview:?}");
    assert_eq!(sim.stats().checksum_failures, 0);

    for key in [None, Some("not-the-checksum-key")] {
        let bad = ClickPesaClient::new(settings(sim.clickpesa_base_url(), key), http::client());
        let request = push("0712345671", 1500);
        let err = bad.initiate(&request).await.expect_err("refused");
        // The simulator answers `{"message": ["Invalid checksum"], ...}`: an array.
        assert!(is_config(&err), "{err:?}");
        assert!(err.to_string().contains("Invalid checksum"), "{err}");
        assert!(!err.to_string().contains("not-the-checksum-key"), "{err}");
        assert!(
            !sim.ledger()
                .iter()
                .any(|e| e.reference == request.reference.as_str())
        );
    }
    assert_eq!(sim.stats().checksum_failures, 2);
}

#[tokio::test]
async fn checksums_when_not_required() {
    let sim = start(SimConfig::default()).await;
    let client = ClickPesaClient::new(
        settings(sim.clickpesa_base_url(), Some(demo::CLICKPESA_CHECKSUM_KEY)),
        http::client(),
    );
    let request = push("0712345672", 700);
    client.initiate(&request).await.expect("accepted");
    let plain = client_for(&sim);
    plain
        .initiate(&push("0712345672", 700))
        .await
        .expect("accepted");
    assert_eq!(sim.ledger().len(), 2);
}

#[tokio::test]
async fn expired_token_is_refreshed_once_and_the_call_succeeds() {
    let ttl = Duration::from_millis(300);
    let sim = start(SimConfig {
        token_ttl: ttl,
        ..SimConfig::default()
    })
    .await;
    let client = client_for(&sim);
    let request = push("0712345673", 1000);
    client.initiate(&request).await.expect("first push");
    // Let the provider's token run out (the client still believes in it).
    tokio::time::sleep(ttl + Duration::from_millis(100)).await;
    let found = client.query(&Charged::of_request(&request)).await;
    assert!(matches!(found, Ok(Lookup::Found(_))), "{found:?}");
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 2);
    assert_eq!(stats.unauthorized_of(ProviderKind::ClickPesa), 1);
}

#[tokio::test]
async fn revoked_tokens_cost_exactly_one_refresh() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let first = push("0712345674", 1000);
    client.initiate(&first).await.expect("first push");
    sim.revoke_tokens();
    let second = push("0712345674", 1000);
    client
        .initiate(&second)
        .await
        .expect("retried after refresh");
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 2);
    assert_eq!(stats.unauthorized_of(ProviderKind::ClickPesa), 1);
    // Each push went out once: the 401 was refused before anything was created.
    for r in [&first, &second] {
        let e = sim
            .ledger()
            .into_iter()
            .find(|e| e.reference == r.reference.as_str());
        assert_eq!(e.map(|e| e.initiate_calls), Some(1));
    }
}

#[tokio::test]
async fn a_token_past_its_own_lifetime_is_renewed_before_use() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim).with_token_lifetime(Duration::from_millis(100));
    let r = reference();
    assert_eq!(
        client.query(&charged(r.clone(), tzs(1))).await,
        Ok(Lookup::NotFound)
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        client.query(&charged(r.clone(), tzs(1))).await,
        Ok(Lookup::NotFound)
    );
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 2);
    assert_eq!(stats.unauthorized_of(ProviderKind::ClickPesa), 0);
}

#[tokio::test]
async fn concurrent_callers_share_one_token_fetch() {
    let sim = start(SimConfig::default()).await;
    let client = Arc::new(client_for(&sim));
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.query(&charged(reference(), tzs(1000))).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("task"), Ok(Lookup::NotFound));
    }
    assert_eq!(sim.stats().tokens_issued, 1);
    // After a revocation, concurrent callers again cause one fetch.
    sim.revoke_tokens();
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.query(&charged(reference(), tzs(1000))).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.expect("task"), Ok(Lookup::NotFound));
    }
    assert_eq!(sim.stats().tokens_issued, 2);
}

#[tokio::test]
async fn refused_credentials_are_configuration_without_secrets() {
    let sim = start(SimConfig::default()).await;
    let mut wrong_key = settings(sim.clickpesa_base_url(), None);
    wrong_key.api_key = Secret::new("sk-wrong-0123456789");
    let client = ClickPesaClient::new(wrong_key, http::client());
    let err = client
        .initiate(&push("0712345670", 1000))
        .await
        .expect_err("refused");
    assert!(is_config(&err), "{err:?}");
    assert!(
        err.to_string().contains("Invalid or Expired API-Key"),
        "{err}"
    );
    assert!(!err.to_string().contains("sk-wrong"), "{err}");

    let mut wrong_id = settings(sim.clickpesa_base_url(), None);
    wrong_id.client_id = "nobody".into();
    let err = ClickPesaClient::new(wrong_id, http::client())
        .query(&charged(reference(), tzs(1)))
        .await
        .expect_err("refused");
    assert!(is_config(&err), "{err:?}");
    assert!(err.to_string().contains("Invalid client details"), "{err}");

    // A key pasted with its line break cannot even be sent as a header.
    let mut pasted = settings(sim.clickpesa_base_url(), None);
    pasted.api_key = Secret::new("demo-api-key\n");
    let err = ClickPesaClient::new(pasted, http::client())
        .initiate(&push("0712345670", 1000))
        .await
        .expect_err("not built");
    assert!(is_config(&err), "{err:?}");
    assert!(sim.ledger().is_empty());
}

#[tokio::test]
async fn provider_refusals_are_rejections_in_its_words() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let request = push("0712345670", 1000);
    client.initiate(&request).await.expect("first");
    // "Order reference … already used" means a push under it exists (this one, sent twice):
    // its outcome is unknown and the query decides — here, the first push, paid.
    let err = client
        .initiate(&request)
        .await
        .expect_err("reference reused");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");
    assert!(err.to_string().contains("already used"), "{err}");
    let st = settled(&client, &Charged::of_request(&request)).await;
    assert_eq!(st.state, RemoteState::Paid, "{st:?}");
    // TTCL is not a ClickPesa push wallet: 404, nothing created.
    let ttcl = push("0733000000", 1000);
    let err = client.initiate(&ttcl).await.expect_err("no wallet");
    assert!(
        matches!(
            err,
            ProviderError::Rejected {
                status: Some(404),
                ..
            }
        ),
        "{err:?}"
    );
    // A Kenyan request never leaves.
    let mut kes = push("0712345670", 1000);
    kes.amount = Money::from_minor(100_000, Currency::Kes);
    assert!(matches!(
        client.initiate(&kes).await,
        Err(ProviderError::Rejected { status: None, .. })
    ));
    assert_eq!(sim.ledger().len(), 1);
}

#[tokio::test]
async fn gateway_pages_and_throttling() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    // Get a token first: the faults strike every provider path, token included.
    assert_eq!(
        client.query(&charged(reference(), tzs(1))).await,
        Ok(Lookup::NotFound)
    );

    sim.set_faults(Faults {
        html_5xx_per_mille: 1000,
        ..Faults::default()
    });
    let err = client
        .initiate(&push("0712345670", 1000))
        .await
        .expect_err("5xx");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");
    assert!(
        err.to_string().contains("HTTP 50"),
        "a 500, 502 or 503 page: {err}"
    );
    let err = client
        .query(&charged(reference(), tzs(1)))
        .await
        .expect_err("5xx");
    assert!(matches!(err, ProviderError::RetryLater { .. }), "{err:?}");
    assert!(
        err.to_string().contains("HTTP 50"),
        "a 500, 502 or 503 page: {err}"
    );

    sim.set_faults(Faults {
        too_many_per_mille: 1000,
        retry_after_secs: 3,
        ..Faults::default()
    });
    let err = client
        .initiate(&push("0712345670", 1000))
        .await
        .expect_err("429");
    // A throttled push may have been created behind the gateway: its outcome is unknown.
    assert_eq!(
        err,
        ProviderError::Unknown {
            message: lipa::strings::Msg::SendThrottled {
                provider: ProviderKind::ClickPesa
            },
        }
    );
    assert!(sim.ledger().is_empty());
}

#[tokio::test]
async fn broken_or_slow_answers_to_a_push_are_unknown() {
    let sim = start(SimConfig::default()).await;
    let client = ClickPesaClient::new(
        settings(sim.clickpesa_base_url(), None),
        http::client_with(Timeouts {
            connect: Duration::from_secs(1),
            total: Duration::from_millis(600),
        }),
    );
    assert_eq!(
        client.query(&charged(reference(), tzs(1))).await,
        Ok(Lookup::NotFound)
    );

    sim.set_faults(Faults {
        drop_after_create_per_mille: 1000,
        ..Faults::default()
    });
    let dropped = push("0712345670", 1000);
    let err = client.initiate(&dropped).await.expect_err("dropped");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");

    sim.set_faults(Faults {
        slow_per_mille: 1000,
        slow_by: Duration::from_millis(1500),
        ..Faults::default()
    });
    let slow = push("0712345670", 1000);
    let err = client.initiate(&slow).await.expect_err("timed out");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");

    sim.set_faults(Faults {
        truncate_per_mille: 1000,
        ..Faults::default()
    });
    let cut = push("0712345670", 1000);
    let err = client.initiate(&cut).await.expect_err("truncated");
    assert!(matches!(err, ProviderError::Unknown { .. }), "{err:?}");

    // All three pushes exist: that is why "unknown" means "query first".
    sim.set_faults(Faults::default());
    for r in [&dropped, &slow, &cut] {
        assert!(matches!(
            client.query(&Charged::of_request(r)).await,
            Ok(Lookup::Found(_))
        ));
    }
    assert_eq!(sim.ledger().len(), 3);
}

#[tokio::test]
async fn unreachable_provider_means_nothing_was_sent() {
    // A port that was free a moment ago: connection refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let client = ClickPesaClient::new(
        settings(format!("http://127.0.0.1:{port}/third-parties"), None),
        http::client(),
    );
    let err = client
        .initiate(&push("0712345670", 1000))
        .await
        .expect_err("refused");
    assert!(matches!(err, ProviderError::RetryLater { .. }), "{err:?}");
    let err = client
        .query(&charged(reference(), tzs(1)))
        .await
        .expect_err("refused");
    assert!(matches!(err, ProviderError::RetryLater { .. }), "{err:?}");
}

#[tokio::test]
async fn preview_shows_the_registered_name() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let preview = client
        .preview(&push("0754000001", 1000))
        .await
        .expect("preview")
        .expect("supported");
    assert!(preview.account_name.is_some(), "{preview:?}");
    assert_eq!(preview.methods.len(), 1);
    assert!(preview.methods[0].available);
    assert_eq!(preview.methods[0].name, "M-PESA");
    assert_eq!(preview.methods[0].fee_minor, Some(0));
    assert!(sim.ledger().is_empty(), "preview creates nothing");
}

#[tokio::test]
async fn an_answer_for_another_amount_needs_attention() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    let request = push("0712345670", 1000);
    client.initiate(&request).await.expect("push");
    let st = settled(
        &client,
        &Charged {
            amount: tzs(1200),
            ..Charged::of_request(&request)
        },
    )
    .await;
    assert_eq!(st.state, RemoteState::Attention, "{st:?}");
    assert!(st.message.to_string().contains("TZS 1,200"), "{st:?}");
    let st = settled(&client, &Charged::of_request(&request)).await;
    assert_eq!(st.state, RemoteState::Paid);
}

#[tokio::test]
async fn listing_for_reconciliation() {
    let sim = start(SimConfig::default()).await;
    let client = client_for(&sim);
    for i in 0..5 {
        client
            .initiate(&push("0712345670", 1000 + i))
            .await
            .expect("push");
    }
    let page = client
        .list_payments(&ListQuery {
            limit: 2,
            ..ListQuery::default()
        })
        .await
        .expect("page");
    assert_eq!(page.total_count, 5);
    assert_eq!(page.payments.len(), 2);
    let today = chrono::Utc::now().date_naive();
    let all = client
        .list_all_payments(today - chrono::Days::new(1), today + chrono::Days::new(1))
        .await
        .expect("all");
    assert_eq!(all.len(), 5);
    let mut amounts: Vec<i64> = all
        .iter()
        .filter_map(|p| p.amount.map(Money::minor))
        .collect();
    amounts.sort_unstable();
    assert_eq!(amounts, vec![1000, 1001, 1002, 1003, 1004]);
}

/// The list of what changed last (the engine's hint) is sorted by when each payment last
/// changed, not when it was made: a payment pushed first and answered after a second was
/// pushed comes first, with its word and when it changed.
#[tokio::test]
async fn the_list_of_changes_puts_the_last_changed_first() {
    let sim = start(SimConfig {
        settle: Duration::from_millis(300),
        ..SimConfig::default()
    })
    .await;
    let client = client_for(&sim);
    let answered = push("0712345670", 1000);
    client.initiate(&answered).await.expect("push");
    // Its customer never answers: pending, made after the first.
    let waiting = push("0712345678", 1001);
    client.initiate(&waiting).await.expect("push");
    settled(&client, &Charged::of_request(&answered)).await;
    let listed = client
        .recent_changes(0, 10)
        .await
        .expect("list")
        .expect("ClickPesa lists its payments");
    let refs: Vec<&str> = listed.iter().map(|l| l.reference.as_str()).collect();
    assert_eq!(
        refs,
        [answered.reference.as_str(), waiting.reference.as_str()],
        "{listed:?}"
    );
    assert_eq!(listed[0].state, RemoteState::Paid, "{listed:?}");
    assert_eq!(listed[1].state, RemoteState::Pending, "{listed:?}");
    assert!(listed[0].updated_at > listed[1].updated_at, "{listed:?}");
    // Paged like the day's list.
    let second = client
        .recent_changes(1, 10)
        .await
        .expect("list")
        .expect("listed");
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].reference, waiting.reference.as_str());
}

/// A stub ClickPesa for answers the simulator never gives: a token without `Bearer `, and a
/// 400 whose `message` is an array.
mod stub {
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::{get, post};
    use axum::{Json, Router};
    use serde_json::{Value, json};
    use std::sync::{Arc, Mutex};

    /// The `Authorization` headers received.
    pub type Seen = Arc<Mutex<Vec<String>>>;

    pub async fn serve(seen: Seen) -> String {
        let app = Router::new()
            .route("/generate-token", post(token))
            .route("/payments/{reference}", get(query))
            .route("/payments/initiate-ussd-push-request", post(initiate))
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

    async fn token() -> Json<Value> {
        Json(json!({"success": true, "token": "bare.jwt.token"}))
    }

    async fn query(State(seen): State<Seen>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
        record(&seen, &headers);
        let body = json!({"message": "Invalid or missing payment"});
        (StatusCode::NOT_FOUND, Json(body))
    }

    async fn initiate(State(seen): State<Seen>, headers: HeaderMap) -> (StatusCode, Json<Value>) {
        record(&seen, &headers);
        let messages = [
            "amount must be a number string",
            "phoneNumber should not be empty",
        ];
        let body = json!({"statusCode": 400, "message": messages, "error": "Bad Request"});
        (StatusCode::BAD_REQUEST, Json(body))
    }

    fn record(seen: &Mutex<Vec<String>>, headers: &HeaderMap) {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        seen.lock().expect("lock").push(auth);
    }
}

#[tokio::test]
async fn bearer_prefix_is_added_only_when_missing_and_message_arrays_are_read() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let base = stub::serve(seen.clone()).await;
    let client = ClickPesaClient::new(settings(base, None), http::client());
    assert_eq!(
        client.query(&charged(reference(), tzs(1))).await,
        Ok(Lookup::NotFound)
    );
    let err = client
        .initiate(&push("0712345670", 1000))
        .await
        .expect_err("400");
    assert!(
        matches!(
            err,
            ProviderError::Rejected {
                status: Some(400),
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("amount must be a number string"), "{text}");
    assert!(text.contains("phoneNumber should not be empty"), "{text}");
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen, vec!["Bearer bare.jwt.token"; 2]);
    // Against the simulator (whose tokens carry `Bearer `), `Bearer Bearer` would be a 401:
    // every other test here passing with a single token fetch shows it is never sent.
}
