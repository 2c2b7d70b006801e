//! The simulator's faults as a raw HTTP client sees them, one mode at a time; the
//! `/sim/faults` control endpoint; `lipa simulate`'s fault flags; and what lipa's Cepta client
//! says when the simulator's clock is off.

use lipa::config::Secret;
use lipa::money::{Currency, Money};
use lipa::phone::{Country, Phone};
use lipa::provider::cepta::CeptaSettings;
use lipa::provider::cepta::{CeptaClient, sign};
use lipa::provider::{Provider, ProviderError, ProviderKind, PushRequest};
use lipa::reference::Reference;
use lipa::sim::{self, Faults, SimConfig, SimHandle, SimStatus, demo};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::future::Future;
use std::time::{Duration, Instant};

const SETTLE: Duration = Duration::from_millis(200);
const INITIATE: &str = "/payments/initiate-ussd-push-request";
const CHARGE: &str = "/api/v1/pay/ussd-charge";

async fn start(faults: Faults) -> SimHandle {
    sim::spawn(SimConfig {
        settle: SETTLE,
        faults,
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts")
}

/// Polls `check` every 20 ms until it returns `Some`, or fails after five seconds.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A raw client for both providers: ClickPesa with a bearer token (no checksums), Cepta
/// signed with the demo keys at this machine's time.
struct Raw {
    http: Client,
    root: String,
}

impl Raw {
    fn new(sim: &SimHandle) -> Raw {
        Raw {
            http: Client::new(),
            root: format!("http://{}", sim.addr()),
        }
    }

    async fn token(&self) -> String {
        let r = self
            .http
            .post(format!("{}/third-parties/generate-token", self.root))
            .header("client-id", demo::CLICKPESA_CLIENT_ID)
            .header("api-key", demo::CLICKPESA_API_KEY)
            .send()
            .await
            .expect("token request");
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.expect("token JSON");
        v["token"].as_str().expect("token").to_string()
    }

    fn clickpesa(&self, method: &str, path: &str, token: &str) -> reqwest::RequestBuilder {
        let url = format!("{}/third-parties{path}", self.root);
        let request = match method {
            "POST" => self.http.post(url),
            _ => self.http.get(url),
        };
        request.header("Authorization", token)
    }

    async fn initiate(&self, token: &str, reference: &str, phone: &str) -> Response {
        self.try_initiate(token, reference, phone)
            .await
            .unwrap_or_else(|e| panic!("initiate {reference}: {e}"))
    }

    async fn try_initiate(
        &self,
        token: &str,
        reference: &str,
        phone: &str,
    ) -> reqwest::Result<Response> {
        let body = json!({
            "amount": "1000", "currency": "TZS", "orderReference": reference, "phoneNumber": phone,
        });
        self.clickpesa("POST", INITIATE, token)
            .json(&body)
            .send()
            .await
    }

    /// The status word of a ClickPesa payment.
    async fn clickpesa_word(&self, token: &str, reference: &str) -> String {
        let r = self
            .clickpesa("GET", &format!("/payments/{reference}"), token)
            .send()
            .await
            .expect("query");
        let v: Value = r.json().await.unwrap_or(Value::Null);
        v[0]["status"].as_str().unwrap_or_default().to_string()
    }

    fn cepta(&self, method: &str, uri: &str, body: &str) -> reqwest::RequestBuilder {
        let ts = chrono::Utc::now().timestamp().to_string();
        let signature = sign(demo::CEPTA_SECRET_KEY, &ts, method, uri, body.as_bytes());
        let url = format!("{}{uri}", self.root);
        let request = match method {
            "POST" => self
                .http
                .post(url)
                .header("Content-Type", "application/json")
                .body(body.to_string()),
            _ => self.http.get(url),
        };
        request
            .header("X-Access-Key", demo::CEPTA_PUBLIC_KEY)
            .header("X-Access-Ts", ts)
            .header("X-Access-Signature", signature)
    }

    fn charge(&self, reference: &str, phone: &str) -> reqwest::RequestBuilder {
        let body = format!(
            "{{\"transactionRef\":\"{reference}\",\"customerEmail\":\"till@example.com\",\
             \"amount\":100,\"currency\":\"KES\",\"bankAccount\":\"63902\",\
             \"phoneNumber\":\"{phone}\"}}"
        );
        self.cepta("POST", CHARGE, &body)
    }

    /// The status word of a Cepta payment.
    async fn cepta_word(&self, reference: &str) -> String {
        let uri = format!("/api/v1/pay/verify-payment?TransactionRef={reference}");
        let r = self.cepta("GET", &uri, "").send().await.expect("verify");
        let v: Value = r.json().await.unwrap_or(Value::Null);
        v["data"]["status"].as_str().unwrap_or_default().to_string()
    }

    async fn sim_json(&self, method: &str, path: &str, body: &str) -> (StatusCode, Value) {
        let url = format!("{}{path}", self.root);
        let request = match method {
            "POST" => self.http.post(url).body(body.to_string()),
            _ => self.http.get(url),
        };
        let r = request.send().await.expect("control request");
        let status = r.status();
        let text = r.text().await.expect("body");
        let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
        (status, value)
    }
}

fn only(f: impl FnOnce(&mut Faults)) -> Faults {
    let mut faults = Faults::chaos(1, 0);
    f(&mut faults);
    faults
}

fn fault_count(sim: &SimHandle, kind: &str) -> u64 {
    sim.stats().faults.get(kind).copied().unwrap_or(0)
}

// ---------------------------------------------------------------- faults instead of an answer

#[tokio::test]
async fn html_5xx_pages_are_500_502_or_503_and_nothing_is_processed() {
    let sim = start(only(|f| f.html_5xx_per_mille = 1000)).await;
    let raw = Raw::new(&sim);
    let mut seen = BTreeSet::new();
    for i in 0..60 {
        let r = raw
            .charge(&format!("HTML-{i}"), "254712345671")
            .send()
            .await
            .expect("answer");
        let status = r.status().as_u16();
        let kind = r.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .to_string();
        let page = r.text().await.expect("text");
        assert!(kind.starts_with("text/html"), "{kind}");
        assert!(
            page.contains("<html>") && page.contains(&format!("<title>{status} ")),
            "{page}"
        );
        assert!(serde_json::from_str::<Value>(&page).is_err());
        seen.insert(status);
        if seen.len() == 3 {
            break;
        }
    }
    assert_eq!(seen, BTreeSet::from([500, 502, 503]));
    // ClickPesa's token call gets the same pages.
    let r = raw
        .http
        .post(format!("{}/third-parties/generate-token", raw.root))
        .send()
        .await
        .expect("answer");
    assert!([500, 502, 503].contains(&r.status().as_u16()));
    assert!(sim.ledger().is_empty(), "nothing was processed");
    assert_eq!(sim.stats().tokens_issued, 0);
    assert!(fault_count(&sim, "html-5xx") >= 4);
    // The control endpoints are never struck.
    assert_eq!(raw.sim_json("GET", "/sim/ledger", "").await.0, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn too_many_requests_say_when_to_retry_and_nothing_is_processed() {
    let sim = start(only(|f| {
        f.too_many_per_mille = 1000;
        f.retry_after_secs = 7;
    }))
    .await;
    let raw = Raw::new(&sim);
    let r = raw
        .try_initiate("Bearer x", "TMR1", "255712345671")
        .await
        .expect("answer");
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    let v: Value = r.json().await.expect("JSON");
    assert_eq!(v["statusCode"], 429);
    let r = raw
        .charge("TMR-2", "254712345671")
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    let v: Value = r.json().await.expect("JSON");
    assert_eq!(v["status"], false);
    assert!(sim.ledger().is_empty());
    assert_eq!(fault_count(&sim, "too-many-requests"), 2);
    sim.shutdown().await;
}

// ---------------------------------------------------------------- faults after the push exists

#[tokio::test]
async fn an_error_after_the_push_was_created_still_leaves_a_push_that_pays() {
    let sim = start(only(|f| f.fail_after_create_per_mille = 1000)).await;
    let raw = Raw::new(&sim);
    let token = raw.token().await;
    let r = raw.initiate(&token, "FAC1", "255712345671").await;
    assert_eq!(r.status(), 500);
    let v: Value = r.json().await.expect("JSON");
    assert_eq!(v, json!({"message": "Internal server error"}));
    let r = raw
        .charge("FAC-2", "254712345671")
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 408);
    let v: Value = r.json().await.expect("JSON");
    assert_eq!(v, json!({"status": false, "message": "Request timed out"}));

    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 2, "both pushes exist");
    assert!(ledger.iter().all(|e| e.initiate_failed));
    eventually("both to be paid", || async {
        let cp = raw.clickpesa_word(&token, "FAC1").await;
        let ce = raw.cepta_word("FAC-2").await;
        (cp == "SUCCESS" && ce == "successful").then_some(())
    })
    .await;
    assert_eq!(fault_count(&sim, "fail-after-create"), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_after_the_push_was_created() {
    let sim = start(only(|f| f.drop_after_create_per_mille = 1000)).await;
    let raw = Raw::new(&sim);
    let token = raw.token().await;
    let broken = |sent: reqwest::Result<Response>| async move {
        match sent {
            Err(_) => true,
            Ok(r) => r.bytes().await.is_err(),
        }
    };
    assert!(broken(raw.try_initiate(&token, "DROP1", "255712345671").await).await);
    assert!(broken(raw.charge("DROP-2", "254712345671").send().await).await);
    let refs: Vec<String> = sim.ledger().into_iter().map(|e| e.reference).collect();
    assert_eq!(refs, ["DROP1", "DROP-2"], "the pushes were created");
    // Only creating calls are dropped: the queries answer.
    assert_eq!(raw.clickpesa_word(&token, "DROP1").await, "PROCESSING");
    assert_eq!(raw.cepta_word("DROP-2").await, "pending");
    assert_eq!(fault_count(&sim, "drop-after-create"), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn truncated_and_malformed_answers_are_not_json_but_took_effect() {
    let sim = start(Faults::default()).await;
    let raw = Raw::new(&sim);
    let token = raw.token().await;
    sim.set_faults(only(|f| f.truncate_per_mille = 1000));
    let r = raw.initiate(&token, "CUT1", "255712345671").await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.expect("text");
    assert!(text.starts_with('{') && !text.ends_with('}'), "{text}");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    sim.set_faults(only(|f| f.malformed_per_mille = 1000));
    for r in [
        raw.initiate(&token, "BAD1", "255712345671").await,
        raw.charge("BAD-2", "254712345671")
            .send()
            .await
            .expect("answer"),
    ] {
        assert_eq!(r.status(), 200);
        let text = r.text().await.expect("text");
        assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
        // Whole, but single-quoted: put the quotes back and it reads.
        let repaired: Value = serde_json::from_str(&text.replace('\'', "\"")).expect(&text);
        assert!(repaired.is_object());
    }
    let refs: Vec<String> = sim.ledger().into_iter().map(|e| e.reference).collect();
    assert_eq!(refs, ["CUT1", "BAD1", "BAD-2"]);
    assert_eq!(fault_count(&sim, "truncate"), 1);
    assert_eq!(fault_count(&sim, "malformed"), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn slow_answers_come_late_and_a_client_timeout_leaves_the_push_created() {
    let sim = start(only(|f| {
        f.slow_per_mille = 1000;
        f.slow_by = Duration::from_millis(300);
    }))
    .await;
    let raw = Raw::new(&sim);
    let started = Instant::now();
    let r = raw
        .charge("SLOW-1", "254712345671")
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    sim.set_faults(only(|f| {
        f.slow_per_mille = 1000;
        f.slow_by = Duration::from_secs(30);
    }));
    let impatient = raw
        .charge("SLOW-2", "254712345671")
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(impatient.is_err_and(|e| e.is_timeout()));
    assert_eq!(sim.ledger().len(), 2, "the work was done before the delay");
    assert_eq!(fault_count(&sim, "slow"), 2);
    // Not shut down gracefully: that would wait for the 30 s answer.
    drop(sim);
}

#[tokio::test]
async fn tokens_are_revoked_early_but_never_on_their_first_use() {
    let sim = start(only(|f| f.revoke_tokens_per_mille = 1000)).await;
    let raw = Raw::new(&sim);
    for round in 1..=2 {
        let token = raw.token().await;
        let first = raw
            .initiate(&token, &format!("REV{round}"), "255712345671")
            .await;
        assert_eq!(first.status(), 200, "a fresh token works once");
        let second = raw
            .clickpesa("GET", &format!("/payments/REV{round}"), &token)
            .send()
            .await
            .expect("answer");
        assert_eq!(second.status(), 401, "then it is revoked");
    }
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 2);
    assert_eq!(stats.tokens_revoked, 2);
    assert_eq!(fault_count(&sim, "revoke-tokens"), 2);
    // Cepta has no tokens: untouched.
    assert_eq!(
        raw.charge("REV-3", "254712345671")
            .send()
            .await
            .expect("answer")
            .status(),
        200
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_paid_payment_can_flip_back_to_reversed() {
    let sim = start(only(|f| {
        f.reverse_per_mille = 1000;
        f.reverse_after = Duration::from_millis(1500);
    }))
    .await;
    let raw = Raw::new(&sim);
    let token = raw.token().await;
    assert_eq!(
        raw.initiate(&token, "FLIP1", "255712345671").await.status(),
        200
    );
    let r = raw
        .charge("FLIP-2", "254712345671")
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 200);
    eventually("both paid first", || async {
        let cp = raw.clickpesa_word(&token, "FLIP1").await;
        let ce = raw.cepta_word("FLIP-2").await;
        (cp == "SUCCESS" && ce == "successful").then_some(())
    })
    .await;
    assert!(
        sim.ledger().iter().all(|e| !e.is_final),
        "a reversal is still to come"
    );
    eventually("both reversed", || async {
        let cp = raw.clickpesa_word(&token, "FLIP1").await;
        let ce = raw.cepta_word("FLIP-2").await;
        (cp == "REVERSED" && ce == "reversed").then_some(())
    })
    .await;
    let ledger = sim.ledger();
    assert!(
        ledger
            .iter()
            .all(|e| e.status == SimStatus::Reversed && e.is_final)
    );
    assert_eq!(fault_count(&sim, "reverse"), 2);
    sim.shutdown().await;
}

// ---------------------------------------------------------------- the clock

#[tokio::test]
async fn cepta_refuses_timestamps_more_than_five_minutes_off() {
    let sim = start(Faults::default()).await;
    let raw = Raw::new(&sim);
    let banks = "/api/v1/pay/mobile-money-banks";
    for (offset, expected) in [(0, 200), (290, 200), (-290, 200), (310, 401), (-310, 401)] {
        sim.set_faults(Faults {
            clock_offset_secs: offset,
            ..Faults::default()
        });
        let r = raw.cepta("GET", banks, "").send().await.expect("answer");
        assert_eq!(
            r.status().as_u16(),
            expected,
            "simulator clock {offset:+} s"
        );
        let date = r.headers()["date"].to_str().expect("ascii").to_string();
        let server = chrono::DateTime::parse_from_rfc2822(&date).expect("HTTP date");
        let shift = server.timestamp() - chrono::Utc::now().timestamp();
        assert!(
            (shift - offset).abs() <= 2,
            "Date {date} is {shift:+} s off"
        );
    }
    sim.shutdown().await;
}

fn cepta_client(sim: &SimHandle, secret: &str) -> CeptaClient {
    let settings = CeptaSettings {
        base_url: sim.cepta_base_url(),
        public_key: demo::CEPTA_PUBLIC_KEY.into(),
        secret_key: Secret::new(secret),
        email: demo::CEPTA_EMAIL.into(),
    };
    CeptaClient::new(settings, lipa::provider::http::client())
}

async fn refusal(client: &CeptaClient) -> String {
    let push = PushRequest {
        reference: Reference::generate(ProviderKind::Cepta, chrono::Utc::now().timestamp()),
        phone: Phone::parse("0712345671", Country::Kenya).expect("phone"),
        amount: Money::from_minor(10_000, Currency::Kes),
        channel: None,
        email: None,
        name: None,
        prepared: None,
        callback: None,
    };
    match client.initiate(&push).await {
        Err(e @ ProviderError::Configuration { .. }) => e.to_string(),
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

/// The number right before " seconds" in a message.
fn seconds_in(message: &str) -> i64 {
    let at = message
        .find(" seconds")
        .unwrap_or_else(|| panic!("no seconds: {message}"));
    let digits: String = message[..at]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .chars()
        .rev()
        .collect::<String>()
        .parse()
        .expect(message)
}

#[tokio::test]
async fn a_cepta_401_names_both_causes_and_the_clock_offset_from_the_date_header() {
    let sim = start(Faults::default()).await;
    for (offset, side) in [(600, "behind"), (-900, "ahead of")] {
        sim.set_faults(Faults {
            clock_offset_secs: offset,
            ..Faults::default()
        });
        let message = refusal(&cepta_client(&sim, demo::CEPTA_SECRET_KEY)).await;
        let named = seconds_in(&message);
        assert!(
            (named - offset.abs()).abs() <= 2,
            "{named} vs {offset}: {message}"
        );
        assert!(message.contains(&format!("{side} Cepta's")), "{message}");
        assert!(message.contains("Date header"), "{message}");
        assert!(message.contains("public key or secret key"), "{message}");
        assert!(!message.contains(demo::CEPTA_SECRET_KEY));
    }
    // Right clock, wrong key: the keys are named and the clock is cleared.
    sim.set_faults(Faults::default());
    let message = refusal(&cepta_client(&sim, "not-the-secret")).await;
    assert!(message.contains("keys"), "{message}");
    assert!(message.contains("not the cause"), "{message}");
    assert!(!message.contains("not-the-secret"), "{message}");
    assert!(sim.ledger().is_empty());
    sim.shutdown().await;
}
