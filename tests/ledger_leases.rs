//! Poll leases on both backends: one handle (one till, one process) follows a pending payment
//! at a time; a lease that runs out is taken over; tills on one ledger ask the provider about
//! a payment as often as one till alone, never two at once.

#[path = "support/ledger.rs"]
mod ledger;
#[path = "support/provider_sim.rs"]
mod provider_sim;

use ledger::backends;
use lipa::config::Secret;
use lipa::engine::{Engine, EngineSettings, SendGuard};
use lipa::journal::{Change, Guard, Journal, Recorded};
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Payment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::clickpesa::ClickPesaClient;
use lipa::provider::clickpesa::ClickPesaSettings;
use lipa::provider::{Provider, ProviderKind, http};
use lipa::reference::Reference;
use lipa::sim::{SimConfig, SimHandle, demo};
use lipa::strings::Msg;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn sale(reference: &str, phone: &str) -> NewPayment {
    NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::parse(reference, ProviderKind::ClickPesa).expect("ref"),
        phone: Phone::parse(phone, Country::Tanzania).expect("phone"),
        amount: Money::parse("1500", Currency::Tzs).expect("amount"),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    }
}

fn to(j: &Journal, p: &Payment, status: Status) -> Payment {
    let change = Change {
        to: status,
        message: &Msg::Empty,
        provider_id: None,
        heard: true,
    };
    j.transition(p.id, p.status, &change)
        .expect("transition")
        .into_payment()
}

fn pending(j: &Journal, new: &NewPayment) -> Payment {
    let Recorded::New(p) = j.record(new, Guard::Off).expect("record") else {
        panic!("guard off");
    };
    let p = to(j, &p, Status::Sending);
    to(j, &p, Status::Pending)
}

/// Waits for `what` to hold, up to `limit`.
fn until(limit: Duration, what: &str, mut holds: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !holds() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn one_handle_holds_a_lease_until_it_runs_out_or_is_given_up() {
    for b in backends("leases") {
        // Held for a minute while it is held (a busy machine may take seconds between two
        // steps: a 400 ms lease ran out between them), short only for the run-out.
        let (a, other) = (b.open(), b.open());
        a.set_lease(Duration::from_secs(60));
        other.set_lease(Duration::from_secs(60));
        let p = pending(&a, &sale("LEASE1", "0712345670"));
        let name = b.name();
        assert_eq!(a.unclaimed().expect("unclaimed"), vec![p.id], "{name}");
        assert!(a.claim_poll(p.id).expect("claim"), "{name}: a free lease");
        assert!(!other.claim_poll(p.id).expect("claim"), "{name}: held by a");
        assert!(
            a.claim_poll(p.id).expect("renew"),
            "{name}: a renews its own"
        );
        assert!(other.unclaimed().expect("unclaimed").is_empty(), "{name}");
        // a renews for 300 ms one last time, then stops (a crash): its lease runs out and the
        // other takes it.
        a.set_lease(Duration::from_millis(300));
        assert!(a.claim_poll(p.id).expect("renew"), "{name}: a renews");
        until(Duration::from_secs(30), "the lease runs out", || {
            other.claim_poll(p.id).expect("claim")
        });
        assert!(!a.claim_poll(p.id).expect("claim"), "{name}: taken over");
        // Given up, it is free at once.
        other.release_poll(p.id).expect("release");
        assert!(a.claim_poll(p.id).expect("claim"), "{name}: given up");
        a.release_all().expect("release all");
        assert_eq!(other.unclaimed().expect("unclaimed"), vec![p.id], "{name}");
        // Waiting for a person, or final: nobody polls it by lease.
        let attention = to(&a, &p, Status::Attention);
        assert!(other.unclaimed().expect("unclaimed").is_empty(), "{name}");
        to(&a, &attention, Status::Paid);
        assert!(!a.claim_poll(p.id).expect("claim"), "{name}: final");
        assert!(!other.claim_poll(p.id).expect("claim"), "{name}: final");
    }
}

/// A payment just recorded is its recorder's, about to take its lease and send it: a sweep of
/// another till in that instant took it (and, on a busy machine, followed it late while the
/// till that sent it did not). Left alone — its recorder stopped — it is taken once a lease
/// has passed.
#[test]
fn a_payment_being_sent_is_left_to_its_sender() {
    for b in backends("leasefresh") {
        let name = b.name();
        let (a, other) = (b.open(), b.open());
        other.set_lease(Duration::from_secs(60));
        let recorded = |reference: &str| {
            let Recorded::New(p) = a
                .record(&sale(reference, "0712345670"), Guard::Off)
                .expect("record")
            else {
                panic!("guard off");
            };
            p
        };
        let p = recorded("FRESH1");
        assert!(other.unclaimed().expect("unclaimed").is_empty(), "{name}");
        assert!(a.claim_poll(p.id).expect("claim"), "{name}: its recorder's");
        let q = recorded("FRESH2");
        other.set_lease(Duration::from_millis(300));
        until(Duration::from_secs(30), "a recorder that stopped", || {
            other.unclaimed().expect("unclaimed") == vec![q.id]
        });
    }
}

/// Holds the lock of payment `id`'s row in a transaction of its own, as a status write (of this
/// till or another) or another till's look at the lease does for a moment, until told to end.
fn hold_row_lock(url: &str, id: i64) -> (std::sync::mpsc::Sender<()>, std::thread::JoinHandle<()>) {
    let (locked_tx, locked_rx) = std::sync::mpsc::channel();
    let (end_tx, end_rx) = std::sync::mpsc::channel::<()>();
    let url = url.to_string();
    let holder = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let (mut client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .expect("connect");
            let task = tokio::spawn(conn);
            let tx = client.transaction().await.expect("begin");
            tx.execute("SELECT 1 FROM payments WHERE id = $1 FOR UPDATE", &[&id])
                .await
                .expect("lock the row");
            locked_tx.send(()).expect("say locked");
            let _ = tokio::task::spawn_blocking(move || end_rx.recv()).await;
            tx.commit().await.expect("commit");
            drop(client);
            let _ = task.await;
        });
    });
    locked_rx.recv().expect("the row locked");
    (end_tx, holder)
}

/// On the shared ledger, the holder renews its lease while another transaction holds the
/// row's lock for a moment: before, `FOR UPDATE SKIP LOCKED` skipped the row and the holder
/// read its own lease as held by another till, and its following stopped until a sweep.
#[test]
fn the_holder_renews_through_a_short_lock_on_the_row() {
    for b in backends("leaselocked") {
        let ledger::Backend::Postgres(db) = &b else {
            continue;
        };
        let a = b.open();
        let p = pending(&a, &sale("LOCKED1", "0712345670"));
        assert!(a.claim_poll(p.id).expect("claim"), "a free lease");
        let (end, holder) = hold_row_lock(&db.url, p.id);
        std::thread::scope(|s| {
            let renewing = s.spawn(|| a.claim_poll(p.id).expect("renew"));
            // The renewal waits for the lock (or, before, answered at once).
            until(
                Duration::from_secs(30),
                "the renewal to wait or answer",
                || {
                    renewing.is_finished()
                        || db.count(
                            "SELECT count(*) FROM pg_stat_activity
                         WHERE datname = current_database() AND wait_event_type = 'Lock'",
                        ) > 0
                },
            );
            end.send(()).expect("end the lock");
            assert!(
                renewing.join().expect("renewal"),
                "the holder's own lease read as held by another"
            );
        });
        holder.join().expect("the lock's holder");
        let other = b.open();
        assert!(!other.claim_poll(p.id).expect("claim"), "still a's");
    }
}

/// Many handles claiming the same payments at once: each payment is held by exactly one.
#[test]
fn concurrent_claims_one_holder_each() {
    for b in backends("leaseclaims") {
        let first = b.open();
        let ids: Vec<i64> = (0..20)
            .map(|i| pending(&first, &sale(&format!("CLAIM{i:02}"), "0712345670")).id)
            .collect();
        let handles: Vec<Arc<Journal>> = (0..6).map(|_| Arc::new(b.open())).collect();
        let barrier = Arc::new(std::sync::Barrier::new(handles.len()));
        let won: Vec<Vec<i64>> = std::thread::scope(|s| {
            let jobs: Vec<_> = handles
                .iter()
                .map(|j| {
                    let (j, ids, barrier) = (j.clone(), ids.clone(), barrier.clone());
                    s.spawn(move || {
                        barrier.wait();
                        ids.into_iter()
                            .filter(|id| j.claim_poll(*id).expect("claim"))
                            .collect()
                    })
                })
                .collect();
            jobs.into_iter().map(|h| h.join().expect("join")).collect()
        });
        let mut all: Vec<i64> = won.concat();
        all.sort_unstable();
        assert_eq!(all, ids, "{}: every payment claimed exactly once", b.name());
    }
}

fn client(sim: &SimHandle) -> Arc<dyn Provider> {
    Arc::new(ClickPesaClient::new(
        ClickPesaSettings {
            base_url: sim.clickpesa_base_url(),
            client_id: demo::CLICKPESA_CLIENT_ID.into(),
            api_key: Secret::new(demo::CLICKPESA_API_KEY),
            checksum_key: Some(Secret::new(demo::CLICKPESA_CHECKSUM_KEY)),
        },
        http::client(),
    ))
}

async fn simulator() -> SimHandle {
    provider_sim::start(SimConfig {
        settle: Duration::from_millis(1500),
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        ..SimConfig::default()
    })
    .await
}

fn settings(lease: Duration) -> EngineSettings {
    EngineSettings {
        poll_lease: lease,
        ..EngineSettings::answering_in(Duration::from_millis(1500))
    }
}

/// Status queries the simulator saw for each of `payments`, and the most at once for any.
fn asked(sim: &SimHandle, payments: &[Payment]) -> (Vec<u32>, u32) {
    let ledger = sim.ledger();
    let entry = |p: &Payment| {
        ledger
            .iter()
            .find(|e| e.reference == p.reference.as_str())
            .expect("pushed")
            .clone()
    };
    let counts = payments.iter().map(|p| entry(p).status_queries).collect();
    let most = payments
        .iter()
        .map(|p| entry(p).most_queries_at_once)
        .max()
        .unwrap_or(0);
    (counts, most)
}

/// `engine` pushes `n` payments; every other till starts following each at once too (as one
/// that starts, or hears of it, does).
async fn push_and_settle(engine: &Engine, others: &[Engine], n: usize, tag: &str) -> Vec<Payment> {
    let mut sent = Vec::new();
    for i in 0..n {
        let new = sale(&format!("{tag}{i:02}"), &format!("07123456{i:02}"));
        let s = engine
            .submit(new, SendGuard::Force, &lipa::engine::Rights::all())
            .await
            .expect("sent");
        others.iter().for_each(|e| e.track(s.payment.id));
        sent.push(s);
    }
    let mut done = Vec::new();
    for s in sent {
        let p = engine
            .wait_settled(s.payment.id, Duration::from_secs(60))
            .await
            .expect("settled");
        assert_eq!(p.status, Status::Paid, "{p:?}");
        done.push(p);
    }
    done
}

/// One till alone, then the same payments with four more tills on the ledger, each looking for
/// payments to take over all the time: the provider is asked as often, and never twice at once.
#[tokio::test(flavor = "multi_thread")]
async fn tills_on_one_ledger_ask_as_often_as_one() {
    for b in backends("leaseengines") {
        let sim = simulator().await;
        let lease = Duration::from_millis(800);
        let alone = Engine::new(Arc::new(b.open()), vec![client(&sim)], settings(lease));
        let one = push_and_settle(&alone, &[], 5, "ALONE").await;
        let (one_till, most) = asked(&sim, &one);
        assert_eq!(most, 1, "{}", b.name());
        let others: Vec<Engine> = (0..4)
            .map(|_| {
                let e = Engine::new(Arc::new(b.open()), vec![client(&sim)], settings(lease));
                e.sweep_leases();
                e
            })
            .collect();
        alone.sweep_leases();
        let many = push_and_settle(&alone, &others, 5, "CHAIN").await;
        let (five_tills, most) = asked(&sim, &many);
        assert_eq!(most, 1, "{}: never two questions at once", b.name());
        drop(others);
        let (low, high) = (
            one_till.iter().min().copied().unwrap_or(0),
            one_till.iter().max().copied().unwrap_or(0),
        );
        for n in &five_tills {
            assert!(
                (low.saturating_sub(1)..=high + 1).contains(n),
                "{}: five tills asked {five_tills:?}, one till {one_till:?}",
                b.name()
            );
        }
    }
}

/// A till stops in the middle (its tasks and their renewals die with its runtime, as in a
/// crash); another till on the ledger takes its payments over once their leases run out, and
/// settles them.
#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_till_is_taken_over() {
    for b in backends("leasetakeover") {
        let sim = simulator().await;
        let lease = Duration::from_millis(800);
        let journal = Arc::new(b.open());
        let provider = client(&sim);
        let ids: Vec<i64> = std::thread::scope(|s| {
            s.spawn(|| {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("runtime");
                let ids = rt.block_on(async {
                    let engine = Engine::new(journal.clone(), vec![provider], settings(lease));
                    let mut ids = Vec::new();
                    for i in 0..3 {
                        let new = sale(&format!("GONE{i:02}"), &format!("07123456{i:02}"));
                        let s = engine
                            .submit(new, SendGuard::Force, &lipa::engine::Rights::all())
                            .await
                            .expect("sent");
                        assert_eq!(s.payment.status, Status::Pending);
                        ids.push(s.payment.id);
                    }
                    ids
                });
                // Its trackers stop mid-schedule, holding their leases.
                rt.shutdown_background();
                ids
            })
            .join()
            .expect("the first till")
        });
        let heir = Engine::new(Arc::new(b.open()), vec![client(&sim)], settings(lease));
        heir.sweep_leases();
        for id in ids {
            let p = heir
                .wait_settled(id, Duration::from_secs(30))
                .await
                .expect("settled");
            assert_eq!(p.status, Status::Paid, "{}: {p:?}", b.name());
        }
        let (_, most) = asked(&sim, &heir.journal().all().expect("all"));
        assert_eq!(most, 1, "{}", b.name());
    }
}
