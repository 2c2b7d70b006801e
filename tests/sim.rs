//! The simulator driven with raw HTTP: checksums and signatures are computed here by hand, so
//! these tests pin the wire format independently of lipa's own provider clients.

use hmac::{Hmac, Mac};
use lipa::provider::ProviderKind;
use lipa::sim::{self, Faults, SimConfig, SimHandle, SimStatus, demo};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use std::future::Future;
use std::time::{Duration, Instant};

const SETTLE: Duration = Duration::from_millis(200);
const CHECKSUM_KEY: &str = "test-checksum-key";

async fn start(checksum: bool) -> SimHandle {
    sim::spawn(SimConfig {
        settle: SETTLE,
        checksum_key: checksum.then(|| CHECKSUM_KEY.to_string()),
        ..SimConfig::default()
    })
    .await
    .expect("simulator starts")
}

fn hmac_hex(key: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).expect("any key length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// Polls `check` every 20 ms until it returns `Some`, or fails after two seconds.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn body(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.expect("body");
    let value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"));
    (status, value)
}

// ---------------------------------------------------------------- ClickPesa

struct Cp {
    http: Client,
    base: String,
    token: String,
    checksum: bool,
}

impl Cp {
    async fn new(sim: &SimHandle, checksum: bool) -> Cp {
        let http = Client::new();
        let base = sim.clickpesa_base_url();
        let token = fresh_token(&http, &base).await;
        Cp {
            http,
            base,
            token,
            checksum,
        }
    }

    /// POSTs `body` (keys written in sorted order, so its compact form is canonical) with a
    /// checksum when enabled.
    async fn post(&self, path: &str, mut body: Value) -> Response {
        if self.checksum {
            let canonical = serde_json::to_string(&body).expect("json");
            body["checksum"] = json!(hmac_hex(CHECKSUM_KEY, canonical.as_bytes()));
            body["checksumMethod"] = json!("HMAC-SHA256");
        }
        self.http
            .post(format!("{}{path}", self.base))
            .header("Authorization", &self.token)
            .json(&body)
            .send()
            .await
            .expect("request")
    }

    async fn initiate(&self, reference: &str, phone: &str, amount: &str) -> Response {
        let order = json!({"amount": amount, "currency": "TZS", "orderReference": reference, "phoneNumber": phone});
        self.post("/payments/initiate-ussd-push-request", order)
            .await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header("Authorization", &self.token)
            .send()
            .await
            .expect("request");
        body(response).await
    }
}

async fn fresh_token(http: &Client, base: &str) -> String {
    let response = http
        .post(format!("{base}/generate-token"))
        .header("client-id", demo::CLICKPESA_CLIENT_ID)
        .header("api-key", demo::CLICKPESA_API_KEY)
        .send()
        .await
        .expect("token request");
    let (status, v) = body(response).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["success"], json!(true));
    let token = v["token"].as_str().expect("token string").to_string();
    assert!(token.starts_with("Bearer ") && token.len() > 20, "{token}");
    token
}

#[tokio::test]
async fn clickpesa_tokens_are_checked_like_the_real_service() {
    let sim = start(false).await;
    let http = Client::new();
    let base = sim.clickpesa_base_url();
    let token_with = |id: &'static str, key: Option<&'static str>| {
        let mut r = http
            .post(format!("{base}/generate-token"))
            .header("client-id", id);
        if let Some(key) = key {
            r = r.header("api-key", key);
        }
        async move { body(r.send().await.expect("request")).await }
    };
    assert_eq!(
        token_with("someone-else", Some(demo::CLICKPESA_API_KEY)).await,
        (
            StatusCode::FORBIDDEN,
            json!({"message": "Invalid client details"})
        )
    );
    assert_eq!(
        token_with(demo::CLICKPESA_CLIENT_ID, Some("wrong")).await,
        (
            StatusCode::FORBIDDEN,
            json!({"message": "Invalid or Expired API-Key"})
        )
    );
    assert_eq!(
        token_with(demo::CLICKPESA_CLIENT_ID, None).await.1,
        json!({"message": "Unauthorized API-Key"})
    );

    let token = fresh_token(&http, &base).await;
    let bare = token.strip_prefix("Bearer ").expect("prefix");
    let query = |auth: Option<String>| {
        let mut r = http.get(format!("{base}/payments/NOSUCH1"));
        if let Some(auth) = auth {
            r = r.header("Authorization", auth);
        }
        async move { r.send().await.expect("request") }
    };
    let unauthorized = (StatusCode::UNAUTHORIZED, json!({"message": "Unauthorized"}));
    assert_eq!(body(query(None).await).await, unauthorized);
    assert_eq!(
        body(query(Some(format!("Bearer {token}"))).await).await,
        unauthorized,
        "Bearer Bearer must be refused"
    );
    assert_eq!(
        body(query(Some(bare.to_string())).await).await,
        unauthorized
    );
    let ok = query(Some(token.clone())).await;
    let date = ok
        .headers()
        .get("date")
        .expect("Date header")
        .to_str()
        .expect("ascii");
    assert!(date.ends_with(" GMT"), "{date}");
    assert_eq!(
        body(ok).await,
        (
            StatusCode::NOT_FOUND,
            json!({"message": "Invalid or missing payment: NOSUCH1"})
        )
    );

    sim.revoke_tokens();
    assert_eq!(body(query(Some(token.clone())).await).await, unauthorized);
    let again = fresh_token(&http, &base).await;
    assert_eq!(query(Some(again)).await.status(), 404);

    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 2);
    assert_eq!(stats.tokens_revoked, 1);
    assert_eq!(stats.token_refusals, 3);
    assert_eq!(stats.unauthorized_of(ProviderKind::ClickPesa), 4);
    assert_eq!(
        stats.requests_to("GET /third-parties/payments/{orderReference}"),
        6
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn clickpesa_tokens_expire() {
    let sim = sim::spawn(SimConfig {
        token_ttl: Duration::from_millis(100),
        ..SimConfig::default()
    })
    .await
    .expect("starts");
    let cp = Cp::new(&sim, false).await;
    assert_eq!(cp.get("/payments/ABC").await.0, 404);
    eventually("the token to expire", || async {
        (cp.get("/payments/ABC").await.0 == 401).then_some(())
    })
    .await;
    sim.shutdown().await;
}

#[tokio::test]
async fn clickpesa_checksum_is_enforced() {
    let sim = start(true).await;
    let signed = Cp::new(&sim, true).await;
    let unsigned = Cp::new(&sim, false).await;
    let invalid = (
        StatusCode::BAD_REQUEST,
        json!({"statusCode": 400, "message": ["Invalid checksum"], "error": "Bad Request"}),
    );
    let order = json!({"amount": "1000", "currency": "TZS", "orderReference": "SUM1", "phoneNumber": "255712345670"});
    assert_eq!(
        body(
            unsigned
                .post("/payments/initiate-ussd-push-request", order.clone())
                .await
        )
        .await,
        invalid
    );
    let mut tampered = order.clone();
    let canonical = serde_json::to_string(&order).expect("json");
    tampered["checksum"] = json!(hmac_hex(CHECKSUM_KEY, canonical.as_bytes()));
    tampered["amount"] = json!("1");
    assert_eq!(
        body(
            unsigned
                .post("/payments/initiate-ussd-push-request", tampered)
                .await
        )
        .await,
        invalid
    );
    let mut wrong_key = order.clone();
    wrong_key["checksum"] = json!(hmac_hex(demo::CLICKPESA_API_KEY, canonical.as_bytes()));
    assert_eq!(
        body(
            unsigned
                .post("/payments/initiate-ussd-push-request", wrong_key)
                .await
        )
        .await,
        invalid
    );
    assert_eq!(sim.ledger().len(), 0, "refused bodies create nothing");

    // Nested keys sort too; the client may list them in any order.
    let (status, v) = body(
        signed
            .post(
                "/payments/preview-ussd-push-request",
                json!({"amount": "500", "currency": "TZS", "fetchSenderDetails": true, "orderReference": "SUM1", "phoneNumber": "255754000001"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["activeMethods"][0]["name"], "M-PESA");
    assert_eq!(v["activeMethods"][0]["status"], "AVAILABLE");
    assert_eq!(v["sender"]["accountNumber"], "255754000001");
    assert!(
        v["sender"]["accountName"]
            .as_str()
            .is_some_and(|n| n.contains(' '))
    );

    let (status, v) = body(signed.initiate("SUM1", "255712345670", "1000").await).await;
    assert_eq!(status, 200, "preview must not consume the reference: {v}");
    assert_eq!(sim.stats().checksum_failures, 3);
    // The same reference was carried by four initiate calls (three refused, one created).
    assert_eq!(sim.ledger()[0].initiate_calls, 4);
    sim.shutdown().await;
}

#[tokio::test]
async fn clickpesa_customers_follow_the_last_digit() {
    let sim = start(true).await;
    let cp = Cp::new(&sim, true).await;
    let cases = [
        ("PAY0", "255712345670", "SUCCESS", "Payment received"),
        (
            "CANCEL6",
            "255712345676",
            "FAILED",
            "Request cancelled by user",
        ),
        ("POOR7", "255682345677", "FAILED", "Insufficient balance"),
        ("LOST9", "255622345679", "SUCCESS", "Payment received"),
    ];
    for (reference, phone, _, _) in cases {
        let (status, v) = body(cp.initiate(reference, phone, "1000").await).await;
        if phone.ends_with('9') {
            assert_eq!(status, 500, "{v}");
            assert!(v["message"].is_string());
            continue;
        }
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["status"], "PROCESSING");
        assert_eq!(v["orderReference"], reference);
        assert_eq!(
            v["collectedAmount"], "1000.00",
            "a string in the initiate answer"
        );
        assert_eq!(v["collectedCurrency"], "TZS");
        assert_eq!(v["clientId"], demo::CLICKPESA_CLIENT_ID);
        assert!(v["id"].is_string() && v["createdAt"].is_string());
    }
    let (_, v) = body(cp.initiate("SILENT8", "255782345678", "2500").await).await;
    assert_eq!(v["channel"], "AIRTEL-MONEY");

    // Before the customer answers, everyone is PROCESSING (the 500 push exists too).
    let (status, v) = cp.get("/payments/LOST9").await;
    assert_eq!(status, 200);
    assert_eq!(v[0]["status"], "PROCESSING");

    for (reference, _, want, message) in cases {
        let payment = eventually(reference, || async {
            let (_, v) = cp.get(&format!("/payments/{reference}")).await;
            (v[0]["status"] != "PROCESSING").then(|| v[0].clone())
        })
        .await;
        assert_eq!(payment["status"], want, "{reference}");
        assert_eq!(payment["message"], message, "{reference}");
    }
    let (_, v) = cp.get("/payments/SILENT8").await;
    let v = v.as_array().expect("a JSON array");
    assert_eq!(v.len(), 1);
    let p = &v[0];
    assert_eq!(p["status"], "PROCESSING", "8 never answers");
    assert_eq!(p["collectedAmount"], json!(2500), "a number in queries");
    for field in [
        "id",
        "paymentReference",
        "paymentPhoneNumber",
        "orderReference",
        "collectedCurrency",
        "message",
        "updatedAt",
        "createdAt",
        "clientId",
    ] {
        assert!(p[field].is_string(), "{field} in {p}");
    }
    assert_eq!(p["customer"]["customerPhoneNumber"], "255782345678");

    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 5);
    let lost = ledger
        .iter()
        .find(|e| e.reference == "LOST9")
        .expect("LOST9");
    assert!(lost.initiate_failed);
    assert_eq!(lost.status, SimStatus::Paid);
    let silent = ledger.iter().find(|e| e.reference == "SILENT8").expect("8");
    assert_eq!(
        (silent.status, silent.is_final),
        (SimStatus::Pending, false)
    );
    assert_eq!(
        (silent.amount.as_str(), silent.amount_minor),
        ("2500", 2500)
    );
    assert!(ledger.iter().all(|e| e.initiate_calls == 1));
    sim.shutdown().await;
}

#[tokio::test]
async fn clickpesa_refuses_what_the_provider_refuses() {
    let sim = start(false).await;
    let cp = Cp::new(&sim, false).await;
    let msg = |m: &str| json!({ "message": m });
    assert_eq!(
        body(cp.initiate("DUP1", "255712345671", "1000").await)
            .await
            .0,
        200
    );
    assert_eq!(
        body(cp.initiate("DUP1", "255712345672", "500").await).await,
        (
            StatusCode::CONFLICT,
            msg("Order reference DUP1 already used: Create a different reference")
        )
    );
    let bad_ref = msg(
        "Invalid Order Reference, should only contain alphanumeric characters and cannot be blank",
    );
    for reference in ["ORD-1", "", "ORD 1"] {
        assert_eq!(
            body(cp.initiate(reference, "255712345671", "1000").await).await,
            (StatusCode::BAD_REQUEST, bad_ref.clone())
        );
    }
    let bad_phone = msg("Invalid / unsupported phone number");
    for phone in ["0712345671", "+255712345671", "25571234567", "255641234567"] {
        assert_eq!(
            body(cp.initiate("PH1", phone, "1000").await).await,
            (StatusCode::BAD_REQUEST, bad_phone.clone()),
            "{phone}"
        );
    }
    for amount in ["0", "-5", "abc", "10.5", ""] {
        let (status, v) = body(cp.initiate("AM1", "255712345671", amount).await).await;
        assert_eq!(status, 400, "{amount}");
        assert!(v["message"].is_array(), "{amount}: {v}");
    }
    let (status, v) = body(
        cp.post(
            "/payments/initiate-ussd-push-request",
            json!({"amount": 1000, "currency": "KES", "orderReference": "T1", "phoneNumber": "255712345671"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        v["message"],
        json!([
            "amount must be a string",
            "currency must be one of the following values: TZS"
        ])
    );
    assert_eq!(
        body(cp.initiate("TTCL1", "255733123456", "1000").await).await,
        (
            StatusCode::NOT_FOUND,
            msg("Account has no valid payment method")
        )
    );
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].initiate_calls, 2, "the duplicate is counted");
    sim.shutdown().await;
}

#[tokio::test]
async fn clickpesa_lists_payments() {
    let sim = start(false).await;
    let cp = Cp::new(&sim, false).await;
    for (i, phone) in ["255712345671", "255712345672", "255712345676"]
        .iter()
        .enumerate()
    {
        let amount = format!("{}", (i + 1) * 100);
        assert_eq!(
            cp.initiate(&format!("L{i}"), phone, &amount).await.status(),
            200
        );
    }
    let (status, v) = cp.get("/payments/all").await;
    assert_eq!(status, 200);
    assert_eq!(v["totalCount"], 3);
    assert_eq!(
        v["data"][0]["orderReference"], "L2",
        "newest first by default"
    );

    let (_, v) = cp
        .get("/payments/all?sortBy=collectedAmount&orderBy=ASC&skip=1&limit=1")
        .await;
    assert_eq!(v["totalCount"], 3);
    assert_eq!(v["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["data"][0]["collectedAmount"], json!(200));

    let today = chrono::Utc::now().format("%Y-%m-%d");
    let (_, v) = cp
        .get(&format!(
            "/payments/all?startDate={today}&endDate={today}&orderReference=L1&collectedCurrency=TZS"
        ))
        .await;
    assert_eq!(v["totalCount"], 1);
    // The documentation's other form of a date, DD-MM-YYYY.
    let other = chrono::Utc::now().format("%d-%m-%Y");
    let (status, v) = cp
        .get(&format!(
            "/payments/all?startDate={other}&endDate={other}&orderReference=L1"
        ))
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["totalCount"], 1, "{v}");
    let (_, v) = cp.get("/payments/all?endDate=2000-01-01").await;
    assert_eq!(v, json!({"data": [], "totalCount": 0}));

    eventually("L2 to fail", || async {
        let (_, v) = cp.get("/payments/all?status=FAILED").await;
        (v["totalCount"] == 1).then_some(())
    })
    .await;
    let (status, v) = cp.get("/payments/all?orderBy=UP&limit=0").await;
    assert_eq!(status, 400);
    assert_eq!(v["message"].as_array().map(Vec::len), Some(2));
    sim.shutdown().await;
}

// ---------------------------------------------------------------- Cepta

struct Ce {
    http: Client,
    base: String,
    secret: String,
    skew: i64,
}

impl Ce {
    fn new(sim: &SimHandle) -> Ce {
        Ce {
            http: Client::new(),
            base: sim.cepta_base_url(),
            secret: demo::CEPTA_SECRET_KEY.into(),
            skew: 0,
        }
    }

    /// Sends `method uri body`, signing `signed_uri` (normally the same URI).
    async fn send(&self, method: &str, uri: &str, signed_uri: &str, body: &str) -> Response {
        let ts = (chrono::Utc::now().timestamp() + self.skew).to_string();
        let signature = hmac_hex(
            &self.secret,
            format!("{ts}{method}{signed_uri}{body}").as_bytes(),
        );
        let mut request = match method {
            "POST" => self
                .http
                .post(format!("{}{uri}", self.base))
                .header("Content-Type", "application/json")
                .body(body.to_string()),
            _ => self.http.get(format!("{}{uri}", self.base)),
        };
        request = request
            .header("X-Access-Key", demo::CEPTA_PUBLIC_KEY)
            .header("X-Access-Ts", ts)
            .header("X-Access-Signature", signature);
        request.send().await.expect("request")
    }

    async fn charge(&self, body: &str) -> Response {
        self.send(
            "POST",
            "/api/v1/pay/ussd-charge",
            "/api/v1/pay/ussd-charge",
            body,
        )
        .await
    }

    async fn verify(&self, reference: &str) -> (StatusCode, Value) {
        let uri = format!("/api/v1/pay/verify-payment?TransactionRef={reference}");
        body(self.send("GET", &uri, &uri, "").await).await
    }
}

fn charge_body(reference: &str, phone: &str, amount: &str) -> String {
    // Written by hand so the amount's exact text travels as a JSON number.
    format!(
        r#"{{"transactionRef":"{reference}","customerEmail":"till@example.com","amount":{amount},"currency":"KES","bankAccount":"63902","phoneNumber":"{phone}"}}"#
    )
}

#[tokio::test]
async fn cepta_signatures_are_enforced() {
    let sim = start(false).await;
    let mut ce = Ce::new(&sim);
    let banks = "/api/v1/pay/mobile-money-banks";
    let (status, v) = body(ce.send("GET", banks, banks, "").await).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], true);
    assert!(v["message"].is_string());
    assert_eq!(v["data"][0], json!({"code": "63902", "name": "M-PESA"}));
    assert_eq!(v["data"].as_array().map(Vec::len), Some(4));

    let unauthorized = (
        StatusCode::UNAUTHORIZED,
        json!({"status": false, "message": "UNAUTHORIZED"}),
    );
    // The query string is part of the signed URI.
    let verify = "/api/v1/pay/verify-payment?TransactionRef=TXN-1";
    assert_eq!(
        body(
            ce.send("GET", verify, "/api/v1/pay/verify-payment", "")
                .await
        )
        .await,
        unauthorized
    );
    assert_eq!(body(ce.send("GET", verify, verify, "").await).await.0, 404);
    // The body is part of it too.
    let signed_for = charge_body("TXN-SIG-1", "254712345670", "100");
    let sent = charge_body("TXN-SIG-1", "254712345670", "1000");
    let ts = chrono::Utc::now().timestamp().to_string();
    let signature = hmac_hex(
        demo::CEPTA_SECRET_KEY,
        format!("{ts}POST/api/v1/pay/ussd-charge{signed_for}").as_bytes(),
    );
    let r = ce
        .http
        .post(format!("{}/api/v1/pay/ussd-charge", ce.base))
        .header("Content-Type", "application/json")
        .header("X-Access-Key", demo::CEPTA_PUBLIC_KEY)
        .header("X-Access-Ts", &ts)
        .header("X-Access-Signature", &signature)
        .body(sent)
        .send()
        .await
        .expect("request");
    assert_eq!(body(r).await, unauthorized);
    // Wrong public key with a good signature.
    let r = ce
        .http
        .get(format!("{}{banks}", ce.base))
        .header("X-Access-Key", "someone-else")
        .header("X-Access-Ts", &ts)
        .header(
            "X-Access-Signature",
            hmac_hex(demo::CEPTA_SECRET_KEY, format!("{ts}GET{banks}").as_bytes()),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(body(r).await, unauthorized);

    ce.secret = "wrong-secret".into();
    assert_eq!(
        body(ce.send("GET", banks, banks, "").await).await,
        unauthorized
    );
    ce.secret = demo::CEPTA_SECRET_KEY.into();
    ce.skew = -3600;
    assert_eq!(
        body(ce.send("GET", banks, banks, "").await).await,
        unauthorized,
        "a clock an hour off is refused"
    );
    ce.skew = 60;
    assert_eq!(ce.send("GET", banks, banks, "").await.status(), 200);

    let stats = sim.stats();
    assert_eq!(stats.unauthorized_of(ProviderKind::Cepta), 5);
    assert_eq!(stats.unauthorized, 5);
    assert!(sim.ledger().is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn cepta_customers_follow_the_last_digit() {
    let sim = start(false).await;
    let ce = Ce::new(&sim);
    let (status, v) = body(
        ce.charge(&charge_body("TXN-PAY-0", "254712345670", "100.50"))
            .await,
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], true);
    assert_eq!(v["message"], "MPESA STK sent. Enter your PIN");
    assert_eq!(v["data"]["transactionRef"], "TXN-PAY-0");
    assert_eq!(v["data"]["responseCode"], "0");
    assert!(
        v["data"]["paymentId"]
            .as_str()
            .is_some_and(|id| id.len() == 36)
    );

    for (reference, phone) in [
        ("TXN-CANCEL-6", "254712345676"),
        ("TXN-POOR-7", "254112345677"),
        ("TXN-SILENT-8", "254712345678"),
    ] {
        let r = ce.charge(&charge_body(reference, phone, "250")).await;
        assert_eq!(r.status(), 200, "{reference}");
    }
    assert_eq!(
        body(
            ce.charge(&charge_body("TXN-LOST-9", "254712345679", "99.99"))
                .await
        )
        .await,
        (
            StatusCode::REQUEST_TIMEOUT,
            json!({"status": false, "message": "Request timed out"})
        )
    );

    let (status, v) = ce.verify("TXN-LOST-9").await;
    assert_eq!(status, 200, "the timed-out push exists: {v}");
    assert_eq!(v["data"]["status"], "pending");

    for (reference, want) in [
        ("TXN-PAY-0", "successful"),
        ("TXN-CANCEL-6", "failed"),
        ("TXN-POOR-7", "failed"),
        ("TXN-LOST-9", "successful"),
    ] {
        let data = eventually(reference, || async {
            let (_, v) = ce.verify(reference).await;
            (v["data"]["status"] != "pending").then(|| v["data"].clone())
        })
        .await;
        assert_eq!(data["status"], want, "{reference}");
        assert_eq!(data["transactionRef"], reference);
        assert_eq!(data["currency"], "KES");
    }
    let (_, v) = ce.verify("TXN-CANCEL-6").await;
    assert_eq!(v["data"]["processorResponse"], "Request cancelled by user");
    let (_, v) = ce.verify("TXN-POOR-7").await;
    assert_eq!(v["data"]["processorResponse"], "Insufficient balance");
    let (_, v) = ce.verify("TXN-SILENT-8").await;
    assert_eq!(v["data"]["status"], "pending");

    // The amount comes back exactly as charged, as a JSON number.
    let uri = "/api/v1/pay/verify-payment?TransactionRef=TXN-PAY-0";
    let raw = ce
        .send("GET", uri, uri, "")
        .await
        .text()
        .await
        .expect("text");
    assert!(raw.contains(r#""amount":100.50"#), "{raw}");

    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 5);
    let paid = &ledger[0];
    assert_eq!(
        (
            paid.amount.as_str(),
            paid.amount_minor,
            paid.currency.as_str()
        ),
        ("100.50", 10_050, "KES")
    );
    assert_eq!(paid.wire_status, "successful");
    assert!(
        ledger
            .iter()
            .any(|e| e.reference == "TXN-LOST-9" && e.initiate_failed)
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn cepta_refuses_what_the_provider_refuses() {
    let sim = start(false).await;
    let ce = Ce::new(&sim);
    let refused = |m: &str| (StatusCode::BAD_REQUEST, m.to_string());
    let answer = |r: Response| async move {
        let (status, v) = body(r).await;
        assert_eq!(v["status"], false, "{v}");
        (
            status,
            v["message"].as_str().unwrap_or_default().to_string(),
        )
    };
    assert_eq!(
        answer(
            ce.charge(&charge_body("TXN-ZERO", "254712345670", "0"))
                .await
        )
        .await,
        refused("Amount must be greater than 0")
    );
    assert_eq!(
        answer(
            ce.charge(&charge_body("TXN-NEG", "254712345670", "-10"))
                .await
        )
        .await,
        refused("Amount must be greater than 0")
    );
    let validation = refused("One or more validation errors occurred");
    for (what, body) in [
        (
            "amount as a string",
            charge_body("TXN-STR", "254712345670", "\"100\""),
        ),
        (
            "three decimals",
            charge_body("TXN-DEC", "254712345670", "1.005"),
        ),
        (
            "Tanzanian phone",
            charge_body("TXN-PH", "255712345670", "100"),
        ),
        ("missing fields", r#"{"amount":100}"#.to_string()),
        (
            "unknown channel",
            charge_body("TXN-CH", "254712345670", "100").replace("63902", "99999"),
        ),
        (
            "wrong currency",
            charge_body("TXN-CUR", "254712345670", "100").replace("KES", "TZS"),
        ),
        ("not JSON", "{".to_string()),
    ] {
        assert_eq!(answer(ce.charge(&body).await).await, validation, "{what}");
    }
    assert_eq!(
        answer(
            ce.charge(&charge_body("TXN#1", "254712345670", "100"))
                .await
        )
        .await,
        refused("Reference contains invalid characters")
    );
    assert_eq!(
        ce.charge(&charge_body("TXN-DUP", "254712345670", "100"))
            .await
            .status(),
        200
    );
    assert_eq!(
        answer(
            ce.charge(&charge_body("TXN-DUP", "254712345671", "200"))
                .await
        )
        .await,
        refused("Duplicate transaction reference")
    );
    assert_eq!(
        ce.verify("TXN-NOPE").await,
        (
            StatusCode::NOT_FOUND,
            json!({"status": false, "message": "TRANSACTION_NOT_FOUND"})
        )
    );
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger[0].initiate_calls, 2);
    assert_eq!(ledger[0].amount, "100");
    sim.shutdown().await;
}

// ---------------------------------------------------------------- control and faults

#[tokio::test]
async fn ledger_and_stats_over_http() {
    let sim = start(false).await;
    let cp = Cp::new(&sim, false).await;
    assert_eq!(
        cp.initiate("HTTP1", "255712345671", "1500").await.status(),
        200
    );
    let http = Client::new();
    let root = format!("http://{}", sim.addr());
    let (status, ledger) = body(
        http.get(format!("{root}/sim/ledger"))
            .send()
            .await
            .expect("ledger"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ledger[0]["provider"], "clickpesa");
    assert_eq!(ledger[0]["reference"], "HTTP1");
    assert_eq!(ledger[0]["amount"], "1500");
    assert_eq!(ledger[0]["status"], "pending");
    assert_eq!(ledger[0]["initiate_calls"], 1);

    let revoke = http
        .post(format!("{root}/sim/revoke-tokens"))
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoke.status(), 200);
    assert_eq!(cp.get("/payments/HTTP1").await.0, 401);

    let (_, stats) = body(
        http.get(format!("{root}/sim/stats"))
            .send()
            .await
            .expect("stats"),
    )
    .await;
    assert_eq!(stats["tokens_issued"], 1);
    assert_eq!(stats["tokens_revoked"], 1);
    assert_eq!(stats["clickpesa_unauthorized"], 1);
    assert_eq!(
        stats["requests"]["POST /third-parties/payments/initiate-ussd-push-request"],
        1
    );
    assert_eq!(stats["responses"]["401"], 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn faults_can_be_injected() {
    let sim = start(false).await;
    let cp = Cp::new(&sim, false).await;
    let always = |f: fn(&mut Faults)| {
        let mut faults = Faults {
            retry_after_secs: 7,
            ..Faults::default()
        };
        f(&mut faults);
        faults
    };

    sim.set_faults(always(|f| f.too_many_per_mille = 1000));
    let r = cp.initiate("F1", "255712345671", "1000").await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");

    sim.set_faults(always(|f| f.html_5xx_per_mille = 1000));
    let r = cp.initiate("F1", "255712345671", "1000").await;
    assert!([500, 502, 503].contains(&r.status().as_u16()), "{r:?}");
    assert!(r.text().await.expect("text").contains("<html>"));
    assert!(sim.ledger().is_empty(), "nothing was processed");

    sim.set_faults(always(|f| f.drop_after_create_per_mille = 1000));
    let sent = cp
        .http
        .post(format!("{}/payments/initiate-ussd-push-request", cp.base))
        .header("Authorization", &cp.token)
        .json(&json!({"amount": "1000", "currency": "TZS", "orderReference": "F2", "phoneNumber": "255712345671"}))
        .send()
        .await;
    let broken = match sent {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(broken, "the answer never arrives whole");
    assert_eq!(sim.ledger().len(), 1, "but the push was created");

    sim.set_faults(always(|f| f.truncate_per_mille = 1000));
    let r = cp.initiate("F3", "255712345671", "1000").await;
    assert_eq!(r.status(), 200);
    let text = r.text().await.expect("text");
    assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");

    sim.set_faults(Faults {
        reverse_per_mille: 1000,
        reverse_after: Duration::from_millis(100),
        ..Faults::default()
    });
    assert_eq!(
        cp.initiate("F4", "255712345671", "1000").await.status(),
        200
    );
    eventually("F4 to be reversed", || async {
        let (_, v) = cp.get("/payments/F4").await;
        (v[0]["status"] == "REVERSED").then_some(())
    })
    .await;

    sim.set_faults(Faults {
        clock_offset_secs: 3600,
        ..Faults::default()
    });
    let ce = Ce::new(&sim);
    let banks = "/api/v1/pay/mobile-money-banks";
    let r = ce.send("GET", banks, banks, "").await;
    assert_eq!(r.status(), 401, "the terminal's clock looks an hour slow");
    let date = r.headers()["date"].to_str().expect("ascii").to_string();
    let server = chrono::DateTime::parse_from_rfc2822(&date).expect("HTTP date");
    let ahead = server.timestamp() - chrono::Utc::now().timestamp();
    assert!((3590..=3610).contains(&ahead), "{ahead}");

    let faults = sim.stats().faults;
    for kind in [
        "too-many-requests",
        "html-5xx",
        "drop-after-create",
        "truncate",
        "reverse",
    ] {
        assert_eq!(faults.get(kind), Some(&1), "{kind}: {faults:?}");
    }
    sim.shutdown().await;
}
