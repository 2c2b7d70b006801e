//! Chaos on a chain: three tills (real `lipa` processes, each sale pushed at its own till) on
//! one shared ledger in a real PostgreSQL server, through the simulator with faults on about
//! one provider request in five, pushes and syncs killed with SIGKILL at seeded moments, and
//! PostgreSQL itself restarted once in the middle. Then a last sync at every till at once, and
//! the ledger judged against the simulator's truth as the one-till chaos test does (nothing
//! lost, doubled, unresolved or wrong), and more: every payment carries the till that pushed
//! it, and no payment was ever asked about by two tills at once (the simulator counts the
//! status queries in flight per reference).

#[path = "chaos/drive.rs"]
mod drive;
#[path = "chaos/judge.rs"]
mod judge;
#[path = "support/ledger.rs"]
mod ledger;

use drive::{Env, Shape, drive, final_sync, plan, setting};
use ledger::TestDb;
use lipa::journal::Journal;
use lipa::sim::{self, Faults, SimConfig, demo};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DEFAULT_SEED: u64 = 20_261_203;
const SHAPE: Shape = Shape {
    sales: 150,
    workers: 6,
    kill_candidates: 20,
    sync_kills: 2,
};
const TILLS: [&str; 3] = ["duka-1", "duka-2", "duka-3"];
/// As the one-till test: nine fault kinds at 45 ‰ each fault about 20 % of requests.
const FAULTS_PER_MILLE: u16 = 45;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_tills_survive_faults_kill_9_and_a_ledger_restart() {
    let Some(db) = TestDb::create("chaoschain") else {
        return;
    };
    let restart = std::env::var("LIPA_TEST_PG_RESTART")
        .ok()
        .filter(|r| !r.is_empty());
    let Some(restart) = restart else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must restart PostgreSQL: .ci/postgres"
        );
        eprintln!("skipped: no LIPA_TEST_PG_RESTART (eval \"$(.ci/postgres)\")");
        return;
    };
    let wall = Instant::now();
    let seed = setting("LIPA_CHAOS_SEED", DEFAULT_SEED);
    let per_mille = setting("LIPA_CHAOS_PER_MILLE", FAULTS_PER_MILLE);
    let replay = format!(
        "LIPA_CHAOS_SEED={seed} LIPA_CHAOS_PER_MILLE={per_mille} \
         cargo test --test chaos_chain -- --nocapture"
    );
    eprintln!("chain chaos: seed {seed} (replay: {replay})");
    let sim = sim::spawn(SimConfig {
        settle: Duration::from_millis(400),
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        faults: Faults::chaos(seed, per_mille),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("data dirs");
    let mut env = Env::single(&sim, dir.path().to_path_buf());
    env.tills = TILLS.iter().map(|t| t.to_string()).collect();
    env.database_url = Some(db.url.clone());
    for till in TILLS {
        let home = dir.path().join(till);
        std::fs::create_dir_all(&home).expect("till dir");
        std::fs::set_permissions(&home, std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .expect("private");
    }
    let sales = plan(seed, &SHAPE);
    let journal = Arc::new(Journal::open_postgres(&db.url).expect("ledger"));
    let restarted = Arc::new(std::sync::Mutex::new(None));

    let (drive, syncs) = {
        let (env, sales, journal, restarted) = (
            env.clone(),
            sales.clone(),
            journal.clone(),
            restarted.clone(),
        );
        tokio::task::spawn_blocking(move || {
            let drive = drive(&env, &sales, &journal, seed, &SHAPE, || {
                let t0 = Instant::now();
                let status = std::process::Command::new(&restart)
                    .status()
                    .expect("restart PostgreSQL");
                assert!(status.success(), "PostgreSQL restart: {status:?}");
                *restarted.lock().expect("restart") = Some(t0.elapsed().as_secs_f64());
            });
            // A last sync at every till at once: they share the open payments by lease.
            let syncs: Vec<_> = std::thread::scope(|s| {
                let jobs: Vec<_> = (0..TILLS.len())
                    .map(|t| {
                        let env = &env;
                        s.spawn(move || final_sync(env, t))
                    })
                    .collect();
                jobs.into_iter().map(|j| j.join().expect("sync")).collect()
            });
            (drive, syncs)
        })
        .await
        .expect("driver")
    };

    let rows = journal.all().expect("ledger rows");
    let integrity = journal.integrity_check().expect("integrity check");
    let ledger = sim.ledger();
    let stats = sim.stats();
    let histories: HashMap<i64, _> = rows
        .iter()
        .map(|p| (p.id, journal.events(p.id).expect("history")))
        .collect();
    let sold: HashSet<String> = sales.iter().map(|s| s.normalized.clone()).collect();
    let v = judge::judge(&sold, &rows, &histories, &ledger);
    // Each sale at its own till.
    let till_of: HashMap<&str, &str> = sales
        .iter()
        .enumerate()
        .map(|(i, s)| (s.normalized.as_str(), TILLS[i % TILLS.len()]))
        .collect();
    let wrong_till: Vec<String> = rows
        .iter()
        .filter(|p| till_of.get(p.phone.as_str()) != Some(&p.till.as_str()))
        .map(|p| format!("{} recorded at {}", p.reference, p.till))
        .collect();
    let asked_at_once: Vec<String> = ledger
        .iter()
        .filter(|e| e.most_queries_at_once > 1)
        .map(|e| {
            format!(
                "{}: {} questions at once",
                e.reference, e.most_queries_at_once
            )
        })
        .collect();
    let queries: u32 = ledger.iter().map(|e| e.status_queries).sum();
    let push_kills: usize = drive.push_kills.values().sum();
    let faults_total: u64 = stats.faults.values().sum();
    let requests: u64 = stats.requests.values().sum();
    let figures = format!(
        "chain chaos figures: seed={seed} tills={} payments={} faults={faults_total} ({:.0}% of \
         {requests} provider requests) kills={} ledger restarts=1 lost={} doubled={} \
         unresolved={} wrong={} asked-twice-at-once={} status-queries-per-push={:.2} wall={:.1}s",
        TILLS.len(),
        sales.len(),
        100.0 * faults_total as f64 / requests.max(1) as f64,
        push_kills + drive.sync_kills,
        v.lost.len(),
        v.doubled.len(),
        v.unresolved.len(),
        v.wrong.len() + wrong_till.len(),
        asked_at_once.len(),
        f64::from(queries) / ledger.len().max(1) as f64,
        wall.elapsed().as_secs_f64(),
    );
    let details = format!(
        "chain chaos details: journalled {}, received by the simulator {}; faults {:?}; \
         kills: push {push_kills} by ledger state {:?}, sync {}; paid {}, failed {} (never sent \
         {}), attention {} by truth {:?}; push exits {:?}; restart took {:?}s; sending phase \
         {:.1}s; final syncs {:?}; integrity {integrity}",
        rows.len(),
        ledger.len(),
        stats.faults,
        drive.push_kills,
        drive.sync_kills,
        v.paid,
        v.failed,
        v.failed_not_sent,
        v.attention,
        v.attention_by_truth,
        drive.exits,
        *restarted.lock().expect("restart"),
        drive.seconds,
        syncs
            .iter()
            .map(|(s, _, secs)| (s.code(), (secs * 10.0).round() / 10.0))
            .collect::<Vec<_>>(),
    );
    let report = format!("{figures}\n{details}\nchain chaos replay: {replay}\n");
    print!("{report}");
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("chain-chaos-figures.txt");
    if let Err(e) = std::fs::write(&file, &report) {
        eprintln!("could not write {}: {e}", file.display());
    }

    assert_eq!(integrity, "ok");
    assert!(v.lost.is_empty(), "lost: {:#?}", v.lost);
    assert!(v.doubled.is_empty(), "doubled: {:#?}", v.doubled);
    assert_eq!(
        stats.repeated_pushes, 0,
        "a second wallet payment for one order"
    );
    assert!(v.unresolved.is_empty(), "unresolved: {:#?}", v.unresolved);
    assert!(
        v.wrong.is_empty(),
        "ledger disagrees with the simulator: {:#?}",
        v.wrong
    );
    assert!(wrong_till.is_empty(), "{wrong_till:#?}");
    assert!(asked_at_once.is_empty(), "{asked_at_once:#?}");
    assert!(push_kills >= 3, "only {push_kills} pushes were killed");
    assert!(faults_total > 0, "no fault was injected");
    assert!(
        restarted.lock().expect("restart").is_some(),
        "PostgreSQL was not restarted"
    );
    // 4 too: a push while the ledger restarts cannot record, and sends nothing.
    assert!(
        drive.exits.keys().all(|c| [0, 1, 3, 4].contains(c)),
        "a push ended abnormally: exit codes {:?}",
        drive.exits
    );
    for (status, out, _) in &syncs {
        assert!(
            matches!(status.code(), Some(0 | 3)),
            "final sync: {status:?}\n{out}"
        );
    }
    sim.shutdown().await;
}
