//! `cargo bench --bench chain`: ten tills on one shared ledger (a real PostgreSQL server:
//! `eval "$(.ci/postgres)"` first), each pushing 100 payments against the simulator, beside one
//! till pushing 100 alone. Each till is an engine of its own in this process, with its own
//! ledger connections, its own news connection (LISTEN) and its own lease sweep, as a till
//! process has. Measures payments per second, status requests per payment (one till's and ten
//! tills'), and the time from a payment's answer being journalled to every till showing it
//! (its news reaching all ten engines). No figure is asserted: this measures, the README
//! reports.

#[path = "../tests/support/ledger.rs"]
mod ledger;

use ledger::TestDb;
use lipa::config::Secret;
use lipa::engine::{Engine, EngineSettings, SendGuard};
use lipa::journal::Journal;
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::clickpesa::ClickPesaClient;
use lipa::provider::clickpesa::ClickPesaSettings;
use lipa::provider::{ProviderKind, http};
use lipa::reference::Reference;
use lipa::sim::{self, SimConfig, SimHandle, demo};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PER_TILL: usize = 100;
const SETTLE: Duration = Duration::from_millis(1000);

fn till(sim: &SimHandle, url: &str, name: &str) -> Engine {
    let journal = Journal::open_postgres(url).unwrap_or_else(|e| panic!("ledger: {e}"));
    journal.set_till(name);
    let client = ClickPesaClient::new(
        ClickPesaSettings {
            base_url: sim.clickpesa_base_url(),
            client_id: demo::CLICKPESA_CLIENT_ID.into(),
            api_key: Secret::new(demo::CLICKPESA_API_KEY),
            checksum_key: Some(Secret::new(demo::CLICKPESA_CHECKSUM_KEY)),
        },
        http::client(),
    );
    let engine = Engine::new(
        Arc::new(journal),
        vec![Arc::new(client)],
        // The schedule of customers who answer in about 3 s (these answer in 1 s): room for
        // ten tills' work on a small machine before a deadline passes.
        EngineSettings::answering_in(SETTLE * 3),
    );
    engine.sweep_leases();
    engine.follow_ledger();
    engine
}

fn sale(till: usize, i: usize) -> NewPayment {
    NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::generate(ProviderKind::ClickPesa, chrono::Utc::now().timestamp()),
        // Magic digit 0: the customer pays.
        phone: Phone::parse(&format!("071{till:02}{i:04}0"), Country::Tanzania)
            .unwrap_or_else(|e| panic!("phone: {e:?}")),
        amount: Money::from_minor(1000 + i as i64, Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: format!("till-{till}"),
    }
}

struct Run {
    /// How the payments ended, by status.
    ended: std::collections::BTreeMap<&'static str, usize>,
    seconds: f64,
    per_payment: f64,
    most_at_once: u32,
    /// Per paid payment: from the first till showing it paid to the last.
    spread: Vec<Duration>,
}

/// `tills` tills push `PER_TILL` payments each, 20 at a time per till; waits until every till
/// has shown every payment paid.
async fn run(tills: usize) -> Run {
    let Some(db) = TestDb::create("benchchain") else {
        panic!("no PostgreSQL: eval \"$(.ci/postgres)\" first");
    };
    let sim = sim::spawn(SimConfig {
        port: 0,
        settle: SETTLE,
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        ..SimConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("simulator: {e}"));
    let engines: Vec<Engine> = (0..tills)
        .map(|t| till(&sim, &db.url, &format!("duka-{t}")))
        .collect();
    // Every till's news, stamped as it arrives.
    let shown: Arc<Mutex<HashMap<i64, Vec<Instant>>>> = Arc::default();
    let total = tills * PER_TILL;
    let all_shown = Arc::new(tokio::sync::Notify::new());
    for e in &engines {
        let mut news = e.subscribe();
        let (shown, all_shown) = (shown.clone(), all_shown.clone());
        tokio::spawn(async move {
            while let Ok(p) = news.recv().await {
                if p.status == Status::Paid {
                    let mut map = shown.lock().unwrap_or_else(|p| p.into_inner());
                    let times = map.entry(p.id).or_default();
                    times.push(Instant::now());
                    let done = map.values().filter(|t| t.len() >= tills).count();
                    if done >= total {
                        all_shown.notify_one();
                    }
                }
            }
        });
    }
    let started = Instant::now();
    let mut pushers = Vec::new();
    for (t, e) in engines.iter().enumerate() {
        for lane in 0..20 {
            let e = e.clone();
            pushers.push(tokio::spawn(async move {
                for i in (lane..PER_TILL).step_by(20) {
                    let s = e
                        .submit(sale(t, i), SendGuard::Check, &lipa::engine::Rights::all())
                        .await;
                    s.unwrap_or_else(|e| panic!("push: {e}"));
                }
            }));
        }
    }
    for p in pushers {
        p.await.unwrap_or_else(|e| panic!("pusher: {e}"));
    }
    let pushed = started.elapsed();
    // Every payment paid at every till, or a minute more (a payment that did not end paid).
    let _ = tokio::time::timeout(Duration::from_secs(60), all_shown.notified()).await;
    let ledger = sim.ledger();
    let queries: u32 = ledger.iter().map(|e| e.status_queries).sum();
    let spread = shown
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .values()
        .filter(|t| t.len() >= tills)
        .map(|t| {
            let first = t.iter().min().copied().unwrap_or_else(Instant::now);
            let last = t.iter().max().copied().unwrap_or(first);
            last - first
        })
        .collect();
    let mut ended: std::collections::BTreeMap<&'static str, usize> = Default::default();
    if let Ok(all) = engines[0].read(|j| j.all()).await {
        for p in all {
            *ended.entry(p.status.id()).or_default() += 1;
        }
    }
    for e in &engines {
        e.release_leases().await;
    }
    Run {
        ended,
        seconds: pushed.as_secs_f64(),
        per_payment: f64::from(queries) / ledger.len().max(1) as f64,
        most_at_once: ledger
            .iter()
            .map(|e| e.most_queries_at_once)
            .max()
            .unwrap_or(0),
        spread,
    }
}

fn p(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    println!("tills on one ledger (PostgreSQL on loopback), {PER_TILL} payments per till");
    for tills in [1, 10] {
        let mut r = runtime.block_on(run(tills));
        r.spread.sort();
        println!(
            "  {tills:>2} till(s): {:.0} payments/s pushed, {:.2} status requests per payment \
             (at most {} at once), every till shows a payment paid within: median {:.1} ms, \
             p95 {:.1} ms, max {:.1} ms ({} payments seen paid by all; ended {:?})",
            (tills * PER_TILL) as f64 / r.seconds,
            r.per_payment,
            r.most_at_once,
            p(&r.spread, 0.5),
            p(&r.spread, 0.95),
            p(&r.spread, 1.0),
            r.spread.len(),
            r.ended,
        );
    }
}
