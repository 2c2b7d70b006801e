//! Gateways that answer the way real ones sometimes do: a push created and then answered
//! "reference already used" or 429, a 401 whose retry meets the push it created, several
//! attempts, answers that do not prove what was paid, and a journal that cannot take the send's
//! answer. In each, the journal must end in the truth or ask a person — never *failed, nothing
//! charged* for a sale the customer paid.

#[path = "support/cli.rs"]
mod cli;

use lipa::journal::Journal;
use lipa::payment::Status;
use lipa::provider::{Charged, Lookup, Provider, ProviderError, RemoteState};
use lipa::sim::{self, FaultKind, Faults, SimConfig, SimHandle, demo};
use lipa::strings::Msg;
use std::process::Output;
use std::time::{Duration, Instant};

async fn simulator(faults: Faults) -> SimHandle {
    sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(300),
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        faults,
        ..SimConfig::default()
    })
    .await
    .expect("simulator")
}

fn only(kind: FaultKind) -> Faults {
    let mut f = Faults {
        retry_after_secs: 1,
        ..Faults::default()
    };
    f.set_rate(kind, 1000);
    f
}

fn env(sim: &SimHandle, data: &std::path::Path) -> Vec<(&'static str, String)> {
    let cepta = sim.cepta_base_url();
    cli::demo_env(data, &sim.clickpesa_base_url(), Some(&cepta))
}

fn last_json(out: &Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| {
        panic!(
            "last line is not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The push was created, then the gateway said "reference already used" or "slow down":
/// `lipa push` queries the reference and reports what the customer did. One push, paid.
#[tokio::test(flavor = "multi_thread")]
async fn a_push_created_then_refused_ends_in_what_the_customer_did() {
    let mut runs = Vec::new();
    for kind in [
        FaultKind::DuplicateAfterCreate,
        FaultKind::ThrottleAfterCreate,
    ] {
        for provider in ["clickpesa", "cepta"] {
            runs.push(Run::start(kind, provider).await);
        }
    }
    for run in runs {
        let what = format!("{:?} {}", run.kind, run.provider);
        let (sim, out, json) = run.finish().await;
        assert_eq!(json["status"], "paid", "{what}: {json}");
        assert_eq!(out.status.code(), Some(0), "{what}: {json}");
        let ledger = sim.ledger();
        assert_eq!(ledger.len(), 1, "{what}");
        assert_eq!(ledger[0].initiate_calls, 1, "never sent twice: {what}");
    }
}

/// One `lipa push` of a customer (last digit 0: pays) against a simulator with one fault
/// always on, running while the others run.
struct Run {
    kind: FaultKind,
    provider: &'static str,
    sim: SimHandle,
    _data: tempfile::TempDir,
    child: std::process::Child,
}

impl Run {
    async fn start(kind: FaultKind, provider: &'static str) -> Run {
        let sim = simulator(only(kind)).await;
        let data = tempfile::tempdir().expect("data");
        let child = cli::command(env(&sim, data.path()))
            .args(cli::push_args(provider, "0712345670", "30"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("push");
        Run {
            kind,
            provider,
            sim,
            _data: data,
            child,
        }
    }

    async fn finish(self) -> (SimHandle, Output, serde_json::Value) {
        let child = self.child;
        let out = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .expect("join")
            .expect("push ends");
        let json = last_json(&out);
        (self.sim, out, json)
    }
}

/// Answers that do not say what was paid, or say another number paid, prove nothing: a
/// person is asked. A newer failed attempt beside a successful one does not undo the payment.
#[tokio::test(flavor = "multi_thread")]
async fn answers_that_prove_nothing_ask_a_person() {
    let mut runs = Vec::new();
    for (kind, provider, status) in [
        (FaultKind::NoEcho, "clickpesa", "attention"),
        (FaultKind::NoEcho, "cepta", "attention"),
        (FaultKind::OtherPhone, "clickpesa", "attention"),
        (FaultKind::OtherPhone, "cepta", "attention"),
        (FaultKind::ExtraAttempt, "clickpesa", "paid"),
    ] {
        runs.push((Run::start(kind, provider).await, status));
    }
    for (run, status) in runs {
        let what = format!("{:?} {}", run.kind, run.provider);
        let (_sim, _out, json) = run.finish().await;
        assert_eq!(json["status"], status, "{what}: {json}");
        if status == "attention" {
            let said = json["message"].as_str().unwrap_or_default();
            assert!(said.contains("check"), "{what}: {said}");
        }
    }
}

/// A payment whose customer is still deciding, with a newer failed attempt beside it, is not
/// failed: it stays pending until the customer answers.
#[tokio::test]
async fn a_pending_attempt_is_not_undone_by_a_failed_one() {
    let sim = simulator(only(FaultKind::ExtraAttempt)).await;
    let client = lipa::provider::clickpesa::ClickPesaClient::new(
        lipa::provider::clickpesa::ClickPesaSettings {
            base_url: sim.clickpesa_base_url(),
            client_id: demo::CLICKPESA_CLIENT_ID.into(),
            api_key: lipa::config::Secret::new(demo::CLICKPESA_API_KEY),
            checksum_key: Some(lipa::config::Secret::new(demo::CLICKPESA_CHECKSUM_KEY)),
        },
        lipa::provider::http::client(),
    );
    let request = lipa::provider::PushRequest {
        reference: lipa::reference::Reference::generate(
            lipa::provider::ProviderKind::ClickPesa,
            chrono::Utc::now().timestamp(),
        ),
        phone: lipa::phone::Phone::parse("0712345678", lipa::phone::Country::Tanzania)
            .expect("phone"),
        amount: lipa::money::Money::from_minor(1500, lipa::money::Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        prepared: None,
        callback: None,
    };
    client.initiate(&request).await.expect("push");
    match client.query(&Charged::of_request(&request)).await {
        Ok(Lookup::Found(st)) => assert_eq!(st.state, RemoteState::Pending, "{st:?}"),
        other => panic!("{other:?}"),
    }
}

/// ClickPesa's 401 retry re-posts the push: safe only because a 401 means nothing was
/// created — and if it was, the retry's "already used" lands in the unknown path, which
/// queries and finds the payment.
#[tokio::test]
async fn a_401_retry_that_meets_its_own_push_is_unknown_then_found() {
    let stub = stub::serve().await;
    let client = lipa::provider::clickpesa::ClickPesaClient::new(
        lipa::provider::clickpesa::ClickPesaSettings {
            base_url: stub.base.clone(),
            client_id: "id".into(),
            api_key: lipa::config::Secret::new("key-for-the-stub"),
            checksum_key: None,
        },
        lipa::provider::http::client(),
    );
    let request = lipa::provider::PushRequest {
        reference: lipa::reference::Reference::from_stored("LPRETRY401".into()),
        phone: lipa::phone::Phone::parse("0712345670", lipa::phone::Country::Tanzania)
            .expect("phone"),
        amount: lipa::money::Money::from_minor(1500, lipa::money::Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        prepared: None,
        callback: None,
    };
    let err = client.initiate(&request).await.expect_err("unknown");
    assert_eq!(
        err,
        ProviderError::Unknown {
            message: Msg::ReferenceExists {
                provider: lipa::provider::ProviderKind::ClickPesa
            }
        }
    );
    assert_eq!(stub.initiates(), 2, "the 401 was retried once");
    match client.query(&Charged::of_request(&request)).await {
        Ok(Lookup::Found(st)) => assert_eq!(st.state, RemoteState::Paid, "{st:?}"),
        other => panic!("{other:?}"),
    }
}

/// The request left, then the journal was locked (another process holding it past the busy
/// timeout) when its answer came: `lipa push` says *unknown* on its last line and exits 3 —
/// never 4, which a script reads as "refused, nothing sent" and retries. `lipa sync` finds it.
#[tokio::test(flavor = "multi_thread")]
async fn a_send_whose_answer_cannot_be_journalled_is_reported_unknown() {
    let mut faults = only(FaultKind::Slow);
    faults.slow_by = Duration::from_millis(1500);
    let sim = simulator(faults).await;
    let data = tempfile::tempdir().expect("data");
    let push = cli::command(env(&sim, data.path()))
        .args(cli::push_args("clickpesa", "0712345670", "5"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("push");
    // Once the payment is being sent, another process takes the journal's write lock.
    let path = data.path().join(lipa::journal::FILE_NAME);
    let deadline = Instant::now() + Duration::from_secs(20);
    let locker = loop {
        assert!(Instant::now() < deadline, "the push never started sending");
        let sending = Journal::open(&path)
            .ok()
            .and_then(|j| j.all().ok())
            .is_some_and(|all| all.iter().any(|p| p.status == Status::Sending));
        if sending {
            let c = rusqlite::Connection::open(&path).expect("open");
            c.execute_batch("BEGIN IMMEDIATE").expect("lock");
            break c;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let out = tokio::task::spawn_blocking(move || push.wait_with_output())
        .await
        .expect("join")
        .expect("push ends");
    drop(locker);
    let json = last_json(&out);
    assert_eq!(json["status"], "unknown", "{json}");
    assert_eq!(out.status.code(), Some(3), "{json}");
    let journal = Journal::open(&path).expect("journal");
    assert_eq!(journal.all().expect("rows")[0].status, Status::Sending);
    sim.set_faults(Faults::default());
    let sync = cli::command(env(&sim, data.path()))
        .args(["sync", "--wait", "20", "--json"])
        .output()
        .expect("sync");
    assert_eq!(last_json(&sync)["status"], "paid", "{sync:?}");
    assert_eq!(sim.ledger().len(), 1);
}

/// A stub ClickPesa whose first push answer is a 401 although it created the push, so the
/// client's retry meets "reference already used".
mod stub {
    use axum::extract::{Path, State};
    use axum::http::StatusCode;
    use axum::routing::{get, post};
    use axum::{Json, Router};
    use serde_json::{Value, json};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct Stub {
        pub base: String,
        calls: Arc<AtomicUsize>,
    }

    impl Stub {
        pub fn initiates(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }
    }

    pub async fn serve() -> Stub {
        let calls = Arc::new(AtomicUsize::new(0));
        let app = Router::new()
            .route("/generate-token", post(token))
            .route("/payments/initiate-ussd-push-request", post(initiate))
            .route("/payments/{reference}", get(query))
            .with_state(calls.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Stub {
            base: format!("http://{addr}"),
            calls,
        }
    }

    async fn token() -> Json<Value> {
        Json(json!({"success": true, "token": "Bearer stub.token"}))
    }

    async fn initiate(State(calls): State<Arc<AtomicUsize>>) -> (StatusCode, Json<Value>) {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            (
                StatusCode::UNAUTHORIZED,
                Json(json!({"message": "Unauthorized"})),
            )
        } else {
            (
                StatusCode::CONFLICT,
                Json(
                    json!({"message": "Order reference LPRETRY401 already used: Create a different reference"}),
                ),
            )
        }
    }

    async fn query(Path(reference): Path<String>) -> Json<Value> {
        Json(json!([{
            "id": "0969231256LCP2C95",
            "status": "SUCCESS",
            "paymentPhoneNumber": "255712345670",
            "orderReference": reference,
            "collectedAmount": 1500,
            "collectedCurrency": "TZS",
            "updatedAt": "2026-12-02T10:00:05Z",
        }]))
    }
}
