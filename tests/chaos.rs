//! Chaos: 240 payments across both providers, each sent by a real `lipa push` process, through
//! the simulator with every fault kind of `Faults::chaos` at 45 ‰ each — about one provider
//! request in five meets a fault, the 20 % — (429, HTML 5xx, tokens
//! revoked, the connection dropped or an error answered after the push was created, truncated
//! or garbled JSON, slow answers, reversals); pushes and `lipa sync`s killed with SIGKILL at
//! random moments; then one `lipa sync` to the end. The journal is then checked against the
//! simulator's ledger of truth (`chaos/judge.rs`):
//!
//! - nothing lost: every push the simulator received belongs to exactly one journalled payment;
//! - nothing doubled: no sale reached the simulator twice, no reference was initiated twice;
//! - nothing unresolved: every payment is paid, failed, or needs attention with a reason;
//! - nothing wrong: paid ⇔ the customer paid (or paid, then a reversal lipa never saw), failed ⇔
//!   the customer refused or the push never arrived; every history follows the status machine.
//!
//! Magic digit 8 (a customer who never answers) is included: it can only end as attention.
//! Seeded (`LIPA_CHAOS_SEED`, and `LIPA_CHAOS_PER_MILLE` for the fault rate): the seed fixes the
//! sales, the kill plan and the simulator's dice; which request meets which throw of the dice
//! still depends on how the processes interleave, so a replay is close, not identical.
//! Takes about two minutes, nearly all of it the 90 s deadline of the last unresolved sends.

#[path = "chaos/drive.rs"]
mod drive;
#[path = "chaos/judge.rs"]
mod judge;

use drive::{Env, Shape, drive, final_sync, plan, setting};

use lipa::journal::Journal;
use lipa::provider::ProviderKind;
use lipa::sim::{self, Faults, SimConfig, demo};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DEFAULT_SEED: u64 = 20_240_611;
const SALES: usize = 240;
/// `lipa push` processes running at once.
const WORKERS: usize = 8;
const SHAPE: Shape = Shape {
    sales: SALES,
    workers: WORKERS,
    kill_candidates: KILL_CANDIDATES,
    sync_kills: SYNC_KILLS,
};
/// Chance of every fault kind, per mille (`LIPA_CHAOS_PER_MILLE` overrides it). Nine kinds at
/// 45 ‰ fault about 20 % of provider requests (the figures print the share measured).
const FAULTS_PER_MILLE: u16 = 45;
const SETTLE: Duration = Duration::from_millis(400);
/// Mid-run syncs killed with SIGKILL.
const SYNC_KILLS: usize = 2;
const MIN_PUSH_KILLS: usize = 5;
/// Pushes planned to be killed; those that end on their own before their moment (a refused
/// push exits within milliseconds) are not counted as kills.
const KILL_CANDIDATES: usize = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_survive_faults_and_kill_9() {
    let wall = Instant::now();
    let seed = setting("LIPA_CHAOS_SEED", DEFAULT_SEED);
    let per_mille = setting("LIPA_CHAOS_PER_MILLE", FAULTS_PER_MILLE);
    let replay = format!(
        "LIPA_CHAOS_SEED={seed} LIPA_CHAOS_PER_MILLE={per_mille} \
         cargo test --test chaos -- --nocapture"
    );
    eprintln!("chaos: seed {seed} (replay: {replay})");
    let sim = sim::spawn(SimConfig {
        settle: SETTLE,
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        faults: Faults::chaos(seed, per_mille),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("data dir");
    let env = Env::single(&sim, dir.path().to_path_buf());
    let sales = plan(seed, &SHAPE);
    let journal = Arc::new(Journal::open_in(dir.path()).expect("journal"));

    let (drive, sync) = {
        let (env, sales, journal) = (env.clone(), sales.clone(), journal.clone());
        tokio::task::spawn_blocking(move || {
            let drive = drive(&env, &sales, &journal, seed, &SHAPE, || {});
            (drive, final_sync(&env, 0))
        })
        .await
        .expect("driver")
    };
    let (sync_status, sync_out, sync_secs) = sync;

    let rows = journal.all().expect("journal rows");
    let integrity = journal.integrity_check().expect("integrity check");
    let ledger = sim.ledger();
    let stats = sim.stats();
    let histories: HashMap<i64, _> = rows
        .iter()
        .map(|p| (p.id, journal.events(p.id).expect("history")))
        .collect();
    let sold: HashSet<String> = sales.iter().map(|s| s.normalized.clone()).collect();
    assert_eq!(sold.len(), SALES, "every sale has its own phone");
    let v = judge::judge(&sold, &rows, &histories, &ledger);

    let push_kills: usize = drive.push_kills.values().sum();
    let faults_total: u64 = stats.faults.values().sum();
    let requests: u64 = stats.requests.values().sum();
    let count = |p| sales.iter().filter(|s| s.provider == p).count();
    let (clickpesa, selcom) = (count(ProviderKind::ClickPesa), count(ProviderKind::Selcom));
    let pawapay = count(ProviderKind::PawapayTz);
    // pawaPay payments lipa sent again under their id (pawaPay had not received them).
    let sent_again = histories
        .values()
        .filter(|h| {
            h.iter()
                .any(|e| matches!(e.message, lipa::strings::Msg::SentAgain { .. }))
        })
        .count();
    let pawapay_attention = rows
        .iter()
        .filter(|p| {
            p.provider == ProviderKind::PawapayTz && p.status == lipa::payment::Status::Attention
        })
        .count();
    let silent = sales.iter().filter(|s| s.digit == 8).count();
    let figures = format!(
        "chaos figures: seed={seed} payments={} faults={faults_total} ({:.0}% of {requests} \
         provider requests) kills={} lost={} doubled={} unresolved={} wrong={} wall={:.1}s",
        sales.len(),
        100.0 * faults_total as f64 / requests.max(1) as f64,
        push_kills + drive.sync_kills,
        v.lost.len(),
        v.doubled.len(),
        v.unresolved.len(),
        v.wrong.len(),
        wall.elapsed().as_secs_f64(),
    );
    let details = format!(
        "chaos details: clickpesa {clickpesa}, cepta {}, selcom {selcom} (repeated wallet \
         payments {}), pawapay {pawapay} (sent again under their id {sent_again}, received \
         again under their id {}, never arrived and waiting for their 15 minutes {}, \
         attention {pawapay_attention}), silent customers {silent}; \
         journalled {}, received by the simulator {}; {requests} provider requests, \
         faults at {per_mille}‰ each: {:?}; kills: push {push_kills} by journal state {:?}, \
         sync {}; paid {} (then reversed {}), failed {} (never sent {}), attention {} \
         by truth {:?}; push exits {:?}; sending phase {:.1}s, final sync {:.1}s (exit {:?}); \
         integrity {integrity}",
        sales.len() - clickpesa - selcom - pawapay,
        stats.repeated_pushes,
        stats.repeated_sends,
        v.never_arrived,
        rows.len(),
        ledger.len(),
        stats.faults,
        drive.push_kills,
        drive.sync_kills,
        v.paid,
        v.paid_then_reversed,
        v.failed,
        v.failed_not_sent,
        v.attention,
        v.attention_by_truth,
        drive.exits,
        drive.seconds,
        sync_secs,
        sync_status.code(),
    );
    let report = format!("{figures}\n{details}\nchaos replay: {replay}\n");
    print!("{report}");
    // `cargo test` hides a passing test's output: `.ci/run` prints this file after the tests.
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("chaos-figures.txt");
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
        "journal disagrees with the simulator: {:#?}",
        v.wrong
    );
    assert!(
        push_kills >= MIN_PUSH_KILLS,
        "only {push_kills} pushes were killed"
    );
    assert!(drive.sync_kills >= 1, "no sync was killed mid-run");
    assert!(faults_total > 0, "no fault was injected");
    // 0 paid, 1 failed, 3 pending/unknown/attention, 4 refused by the provider; never 2
    // (invalid input), a panic (101) or a death by signal (-1) other than ours.
    assert!(
        drive.exits.keys().all(|c| [0, 1, 3, 4].contains(c)),
        "a push ended abnormally: exit codes {:?}",
        drive.exits
    );
    assert!(
        matches!(sync_status.code(), Some(0 | 3)),
        "final sync: {sync_status:?}\n{sync_out}"
    );
    sim.shutdown().await;
}
