//! From a callback's arrival to the payment shown paid: the real receiver (axum on loopback),
//! a real engine over a journal on disk (SQLite), the simulator as the provider. The schedule's
//! first question is ten minutes away, so every payment here is found because of its callback.
//! For each payment: its customer has paid at the simulator; the bench sends ClickPesa's
//! callback (as the simulator writes it, checksum and all) and times until the engine
//! publishes the payment paid (what every console of this till is sent). Also the status
//! queries each payment cost.
//!
//! Then the same on a chain of ten tills sharing one ledger (a real PostgreSQL server: `eval
//! "$(.ci/postgres)"` first; skipped without one): each payment pushed by one of the ten
//! tills (which holds its lease), the callback received by the first till's receiver, the hint
//! carried to the payment's till by the ledger's notifications, and the time measured until
//! **every** till has published the payment paid.
//!
//! Run: `cargo bench --bench callbacks` (`LIPA_BENCH_PAYMENTS`, default 200).

#[path = "../tests/support/ledger.rs"]
mod ledger;

use lipa::engine::{Engine, EngineSettings, Rights, SendGuard};
use lipa::journal::Journal;
use lipa::payment::{NewPayment, Status};
use lipa::provider::spec::Context;
use lipa::provider::{Provider, ProviderKind};
use lipa::sim::SimConfig;
use lipa::tracker::Schedule;
use std::sync::Arc;
use std::time::{Duration, Instant};

const KIND: ProviderKind = ProviderKind::ClickPesa;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::var("LIPA_BENCH_PAYMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    measure(count, None).await;
    match ledger::TestDb::create("benchhooks") {
        Some(db) => measure(count, Some((&db.url, 10))).await,
        None => println!("callbacks: no PostgreSQL here, the chain of ten not measured"),
    }
}

/// One till on SQLite (`chain` none), or `chain.1` tills on the ledger at `chain.0`.
async fn measure(count: usize, chain: Option<(&str, usize)>) {
    let sim = lipa::sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(50),
        checksum_key: Some(lipa::sim::demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("dir");
    let rows: Vec<_> = sim.demo_providers().into_iter().collect();
    let context = Context {
        http: lipa::provider::http::client(),
        data_dir: dir.path().to_path_buf(),
        tokens: None,
        shop: None,
    };
    let providers: Vec<Arc<dyn Provider>> = rows
        .iter()
        .map(|(kind, settings)| (kind.spec().build)(settings, &context))
        .collect();
    let first = Duration::from_secs(600);
    let settings = || EngineSettings {
        schedule: Schedule::new(vec![first], first * 2, Duration::from_millis(100)),
        ..EngineSettings::default()
    };
    let tills: Vec<Engine> = match chain {
        None => vec![Engine::new(
            Arc::new(Journal::open_in(dir.path()).expect("journal")),
            providers,
            settings(),
        )],
        Some((url, n)) => (0..n)
            .map(|t| {
                let journal = Journal::open_postgres(url).expect("ledger");
                journal.set_till(&format!("duka-{t}"));
                let e = Engine::new(Arc::new(journal), providers.clone(), settings());
                e.sweep_leases();
                e.follow_ledger();
                e
            })
            .collect(),
    };
    let engine = tills[0].clone();
    let receiver = lipa::hooks::Receiver::new(engine.clone(), rows);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/hooks/clickpesa",
        listener.local_addr().expect("addr")
    );
    tokio::spawn(lipa::hooks::serve(
        listener,
        receiver,
        lipa::hooks::IDLE_MAX,
    ));
    let http = reqwest::Client::new();
    let mut news: Vec<_> = tills.iter().map(Engine::subscribe).collect();
    let mut took = Vec::with_capacity(count);
    for i in 0..count {
        // The till that takes the sale (and holds its lease).
        let engine = &tills[i % tills.len()];
        let reference = engine.new_reference(KIND).await.expect("reference");
        let new = NewPayment {
            provider: KIND,
            reference: reference.clone(),
            // Digits 0-5 pay.
            phone: lipa::phone::Phone::parse(&format!("07123456{:02}", i % 6 * 10), KIND.country())
                .expect("phone"),
            amount: lipa::money::Money::from_minor(1000 + i as i64, KIND.currency()),
            channel: None,
            email: None,
            name: None,
            replaces: None,
            operator: "bench".into(),
        };
        let sent = engine
            .submit(new, SendGuard::Force, &Rights::all())
            .await
            .expect("sent");
        let id = sent.payment.id;
        // The customer answers at the simulator.
        loop {
            let done = sim
                .ledger()
                .iter()
                .any(|e| e.reference == reference.as_str() && e.is_final);
            if done {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let mut body = serde_json::json!({
            "event": "PAYMENT RECEIVED",
            "data": {
                "orderReference": reference.as_str(),
                "collectedAmount": (1000 + i).to_string(),
                "collectedCurrency": "TZS",
                "status": "SUCCESS",
            }
        });
        body["checksum"] = lipa::provider::clickpesa::checksum::checksum(
            &body,
            lipa::sim::demo::CLICKPESA_CHECKSUM_KEY,
        )
        .into();
        for n in &mut news {
            while n.try_recv().is_ok() {}
        }
        let started = Instant::now();
        let answered = http.post(&url).json(&body).send().await.expect("posted");
        assert!(answered.status().is_success());
        // Shown paid by every till.
        for n in &mut news {
            loop {
                match tokio::time::timeout(Duration::from_secs(30), n.recv()).await {
                    Ok(Ok(p)) if p.id == id && p.status == Status::Paid => break,
                    Ok(_) => continue,
                    Err(_) => panic!("payment {id} not shown paid within 30 s of its callback"),
                }
            }
        }
        took.push(started.elapsed());
    }
    for t in &tills {
        t.release_leases().await;
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)];
    let queries: Vec<u32> = sim.ledger().iter().map(|e| e.status_queries).collect();
    let mean_queries = queries.iter().map(|q| f64::from(*q)).sum::<f64>() / queries.len() as f64;
    println!(
        "callbacks: {count} payments, {}: callback arrival -> shown paid by every till p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; status queries per payment mean {mean_queries:.2}, max {}",
        match chain {
            None => "one till (SQLite)".to_string(),
            Some((_, n)) => format!("a chain of {n} tills (PostgreSQL ledger)"),
        },
        at(0.50).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
        took.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        queries.iter().max().copied().unwrap_or(0)
    );
}
