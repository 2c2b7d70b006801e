//! What the callback tests share: the simulator, an engine whose first question is minutes
//! away (a payment found sooner was found because of its callback), the receiver on loopback,
//! a sale, waiting for a condition, ClickPesa's callback signed as ClickPesa signs it.
#![allow(dead_code)]

use lipa::engine::{Engine, EngineSettings, Rights, SendGuard};
use lipa::journal::Journal;
use lipa::payment::{EventKind, NewPayment, Payment, Status};
use lipa::provider::settings::Settings;
use lipa::provider::spec::Context;
use lipa::provider::{Provider, ProviderKind};
use lipa::sim::{SimConfig, SimHandle};
use lipa::tracker::Schedule;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const CLICKPESA: ProviderKind = ProviderKind::ClickPesa;

pub async fn simulator() -> SimHandle {
    lipa::sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(200),
        ..SimConfig::default()
    })
    .await
    .expect("simulator")
}

/// Every provider on `sim`, with its demo settings.
pub fn rows(sim: &SimHandle) -> Vec<(ProviderKind, Settings)> {
    sim.demo_providers().into_iter().collect()
}

/// An engine whose first question comes only after `first_poll`: a payment found sooner was
/// found because a callback woke it.
pub fn engine(sim: &SimHandle, journal: Journal, first_poll: Duration) -> Engine {
    let data_dir = journal
        .path()
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    let settings = EngineSettings {
        schedule: Schedule::new(vec![first_poll], first_poll * 4, Duration::from_millis(100)),
        ..EngineSettings::default()
    };
    Engine::new(Arc::new(journal), clients(sim, &data_dir), settings)
}

/// Every provider's client for `sim`, keeping its tokens in `data_dir`.
pub fn clients(sim: &SimHandle, data_dir: &std::path::Path) -> Vec<Arc<dyn Provider>> {
    let context = Context {
        http: lipa::provider::http::client(),
        data_dir: data_dir.to_path_buf(),
        tokens: None,
        shop: None,
    };
    rows(sim)
        .iter()
        .map(|(kind, settings)| (kind.spec().build)(settings, &context))
        .collect()
}

/// The receiver on a free loopback port; its address.
/// A body is allowed `body_within` to arrive; a connection may be silent twice as long.
pub async fn receiver(engine: &Engine, sim: &SimHandle, body_within: Duration) -> String {
    let receiver = lipa::hooks::Receiver::with_body_within(engine.clone(), rows(sim), body_within);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(lipa::hooks::serve(listener, receiver, body_within * 2));
    format!("http://{addr}")
}

pub async fn sale(engine: &Engine, kind: ProviderKind, phone: &str, major: i64) -> Payment {
    let reference = engine.new_reference(kind).await.expect("reference");
    let new = NewPayment {
        provider: kind,
        reference,
        phone: lipa::phone::Phone::parse(phone, kind.country()).expect("phone"),
        amount: lipa::money::Money::from_minor(major * kind.currency().scale(), kind.currency()),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    };
    let sent = engine
        .submit(new, SendGuard::Force, &Rights::all())
        .await
        .expect("submitted");
    assert!(!sent.payment.status.is_final(), "{:?}", sent.payment);
    sent.payment
}

pub async fn wait_for<T>(what: &str, limit: Duration, mut f: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn until_final(sim: &SimHandle, reference: &str) {
    wait_for(
        "the customer's answer",
        Duration::from_secs(20),
        async || {
            sim.ledger()
                .iter()
                .any(|e| e.reference == reference && e.is_final)
                .then_some(())
        },
    )
    .await;
}

pub fn clickpesa_body(reference: &str, amount: &str, event: &str) -> serde_json::Value {
    let body = serde_json::json!({
        "event": event,
        "data": {
            "orderReference": reference,
            "collectedAmount": amount,
            "collectedCurrency": "TZS",
            "status": if event == "PAYMENT RECEIVED" { "SUCCESS" } else { "FAILED" },
        }
    });
    let sum = lipa::provider::clickpesa::checksum::checksum(
        &body,
        lipa::sim::demo::CLICKPESA_CHECKSUM_KEY,
    );
    let mut signed = body;
    signed["checksum"] = sum.into();
    signed
}

pub async fn post(url: &str, body: &serde_json::Value) -> u16 {
    reqwest::Client::new()
        .post(url)
        .json(body)
        .send()
        .await
        .expect("answered")
        .status()
        .as_u16()
}

pub fn hook_events(engine: &Engine, id: i64) -> Vec<lipa::payment::Event> {
    engine
        .journal()
        .events(id)
        .expect("events")
        .into_iter()
        .filter(|e| e.kind == EventKind::Hook)
        .collect()
}

pub async fn status_of(engine: &Engine, id: i64) -> Status {
    engine.get(id).await.expect("payment").status
}

/// The simulator calling back to a receiver on a free loopback port, an engine (with the
/// callbacks' public address when `public`) and that receiver; the receiver's address and the
/// journal's directory.
pub async fn calling_back(public: bool) -> (SimHandle, Engine, String, tempfile::TempDir) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let sim = lipa::sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(200),
        checksum_key: Some(lipa::sim::demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        callback: Some(lipa::sim::SimCallback {
            url: base.clone(),
            delay: Duration::ZERO,
            lose_per_mille: 0,
            twice_per_mille: 0,
        }),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("dir");
    let mut engine = engine(
        &sim,
        Journal::open_in(dir.path()).expect("journal"),
        Duration::from_secs(300),
    );
    if public {
        let settings = EngineSettings {
            public_url: lipa::provider::callback_address::public_base(&base),
            ..engine.settings().clone()
        };
        engine = Engine::new(
            engine.journal().clone(),
            clients(&sim, dir.path()),
            settings,
        );
    }
    let receiver = lipa::hooks::Receiver::new(engine.clone(), rows(&sim));
    tokio::spawn(lipa::hooks::serve(
        listener,
        receiver,
        lipa::hooks::IDLE_MAX,
    ));
    (sim, engine, base, dir)
}
