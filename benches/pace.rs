//! Detection under the pace: 1,000 payments pushed at once (a busy chain's server, or a
//! restart after an outage), their customers answering on the design's mix (80 % around 14 s,
//! log-normal; 10 % after 30–60 s; 10 % never), no callbacks, lipa asking at most 50 times a
//! second. Measures, for every answered payment, the time from the customer's answer to the
//! journal holding it (what every console then shows): mean, p50, p95, max; and the questions
//! asked. The provider is in-process (answers by the clock), the engine and the journal (SQLite on
//! disk) are lipa's own. Like ClickPesa, the provider lists its payments by when each last
//! changed, which the engine reads as a hint (`engine/watch.rs`). Real time: about two minutes.
//!
//! Run: `cargo bench --bench pace` (`LIPA_BENCH_PAYMENTS`, default 1000; `LIPA_BENCH_OVER`
//! seconds to push them over, default 0: all at once; `LIPA_BENCH_LIST=0`: a provider with no
//! list, as Cepta; `LIPA_BENCH_WORST=1`: the ten seen last after their answer, and when).

use async_trait::async_trait;
use lipa::engine::{Engine, EngineSettings, Rights, SendGuard};
use lipa::journal::Journal;
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::{
    Charged, Listed, Lookup, Provider, ProviderError, ProviderKind, PushAccepted, PushRequest,
    RemoteState, RemoteStatus,
};
use lipa::reference::Reference;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Customers who answer when the mix says, counted from the push.
#[derive(Default)]
struct Customers {
    /// Per reference: when the customer answers (`None`: never).
    answers: Mutex<HashMap<String, Option<Instant>>>,
    queries: AtomicU64,
    lists: AtomicU64,
    rng: Mutex<Option<StdRng>>,
    /// Whether it lists its payments by when each last changed.
    listing: bool,
    /// The clock's two faces, to say when a payment changed as a provider would.
    epoch: Option<(Instant, chrono::DateTime<chrono::Utc>)>,
}

impl Customers {
    fn draw(&self) -> Option<Duration> {
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        let rng = rng.get_or_insert_with(|| StdRng::seed_from_u64(7));
        let u: f64 = rng.random();
        if u < 0.8 {
            let (a, b): (f64, f64) = (rng.random::<f64>().max(1e-12), rng.random());
            let z = (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos();
            Some(Duration::from_secs_f64(14.0 * (0.33 * z).exp()))
        } else if u < 0.9 {
            Some(Duration::from_secs_f64(rng.random_range(30.0..60.0)))
        } else {
            None
        }
    }
}

#[async_trait]
impl Provider for Customers {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ClickPesa
    }

    async fn initiate(&self, r: &PushRequest) -> Result<PushAccepted, ProviderError> {
        let at = self.draw().map(|d| Instant::now() + d);
        self.answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(r.reference.as_str().to_string(), at);
        Ok(PushAccepted {
            provider_id: None,
            message: "Prompt sent".into(),
            state: RemoteState::Pending,
        })
    }

    async fn recent_changes(
        &self,
        skip: u32,
        limit: u32,
    ) -> Result<Option<Vec<Listed>>, ProviderError> {
        let (true, Some((base, utc))) = (self.listing, self.epoch) else {
            return Ok(None);
        };
        self.lists.fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        let mut changed: Vec<(Instant, String)> = self
            .answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter_map(|(r, at)| at.filter(|t| *t <= now).map(|t| (t, r.clone())))
            .collect();
        changed.sort_by_key(|c| std::cmp::Reverse(c.0));
        Ok(Some(
            changed
                .into_iter()
                .skip(skip as usize)
                .take(limit as usize)
                .map(|(t, reference)| Listed {
                    reference,
                    word: "SUCCESS".into(),
                    state: RemoteState::Paid,
                    amount: None,
                    created_at: None,
                    updated_at: chrono::TimeDelta::from_std(t - base).ok().map(|d| utc + d),
                })
                .collect(),
        ))
    }

    async fn query(&self, charged: &Charged) -> Result<Lookup, ProviderError> {
        self.queries.fetch_add(1, Ordering::Relaxed);
        let at = self
            .answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(charged.reference.as_str())
            .copied();
        let state = match at {
            Some(Some(t)) if Instant::now() >= t => RemoteState::Paid,
            Some(_) => RemoteState::Pending,
            None => return Ok(Lookup::NotFound),
        };
        Ok(Lookup::Found(RemoteStatus {
            state,
            word: "X".into(),
            message: "Customer answered".into(),
            provider_id: None,
            channel: None,
            wallet_ref: None,
        }))
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::var("LIPA_BENCH_PAYMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let over: f64 = std::env::var("LIPA_BENCH_OVER")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let listing = std::env::var("LIPA_BENCH_LIST").map_or(true, |v| v != "0");
    let dir = tempfile::tempdir().expect("dir");
    let customers = Arc::new(Customers {
        listing,
        epoch: Some((Instant::now(), chrono::Utc::now())),
        ..Customers::default()
    });
    let engine = Engine::new(
        Arc::new(Journal::open_in(dir.path()).expect("journal")),
        vec![customers.clone() as Arc<dyn Provider>],
        EngineSettings::default(),
    );
    let mut news = engine.subscribe();
    let seen: Arc<Mutex<HashMap<i64, Instant>>> = Arc::default();
    let watch = {
        let seen = seen.clone();
        tokio::spawn(async move {
            while let Ok(p) = news.recv().await {
                if p.status == Status::Paid {
                    seen.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .entry(p.id)
                        .or_insert_with(Instant::now);
                }
            }
        })
    };
    let started = Instant::now();
    let mut ids = Vec::with_capacity(count);
    for i in 0..count {
        let due = Duration::from_secs_f64(over * i as f64 / count as f64);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            tokio::time::sleep(wait).await;
        }
        let new = NewPayment {
            provider: ProviderKind::ClickPesa,
            reference: Reference::generate(ProviderKind::ClickPesa, chrono::Utc::now().timestamp()),
            phone: Phone::parse(&format!("0712{i:06}"), Country::Tanzania).expect("phone"),
            amount: Money::from_minor(1000 + i as i64, Currency::Tzs),
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
        ids.push((sent.payment.id, sent.payment.reference.as_str().to_string()));
    }
    let pushed = started.elapsed();
    // Until every answered payment is seen paid, or its deadline and more have passed.
    let answered: Vec<(i64, Instant)> = {
        let answers = customers.answers.lock().unwrap_or_else(|p| p.into_inner());
        ids.iter()
            .filter_map(|(id, r)| answers.get(r).copied().flatten().map(|t| (*id, t)))
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(150);
    loop {
        let done = {
            let seen = seen.lock().unwrap_or_else(|p| p.into_inner());
            answered.iter().all(|(id, _)| seen.contains_key(id))
        };
        if done || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    watch.abort();
    let seen = seen.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let mut late: Vec<f64> = answered
        .iter()
        .filter_map(|(id, t)| {
            seen.get(id)
                .map(|s| s.saturating_duration_since(*t).as_secs_f64())
        })
        .collect();
    if std::env::var_os("LIPA_BENCH_WORST").is_some() {
        let mut worst: Vec<(f64, f64)> = answered
            .iter()
            .filter_map(|(id, t)| {
                seen.get(id).map(|s| {
                    (
                        s.saturating_duration_since(*t).as_secs_f64(),
                        t.saturating_duration_since(started).as_secs_f64(),
                    )
                })
            })
            .collect();
        worst.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (late, at) in worst.iter().take(10) {
            println!("answered at {at:.1} s, seen {late:.2} s later");
        }
    }
    late.sort_by(f64::total_cmp);
    let q = |f: f64| {
        late.get(((late.len() as f64 - 1.0) * f).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    println!(
        "pace{}: {count} payments pushed over {:.1} s, {} answered, {} seen paid; from the answer to the \
         journal: mean {:.2} s, p50 {:.2} s, p95 {:.2} s, max {:.2} s; questions {:.2} a payment, \
         {} reads of the list",
        if listing { "" } else { " (no list)" },
        pushed.as_secs_f64(),
        answered.len(),
        late.len(),
        late.iter().sum::<f64>() / late.len().max(1) as f64,
        q(0.5),
        q(0.95),
        q(1.0),
        customers.queries.load(Ordering::Relaxed) as f64 / count as f64,
        customers.lists.load(Ordering::Relaxed)
    );
}
