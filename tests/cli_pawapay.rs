//! pawaPay with the real binary, in both countries, on one till and on a chain (a real
//! PostgreSQL ledger): every last digit and every documented sandbox number through `push`,
//! `sync`, `reconcile` and `receipt`; `kill -9` while a deposit is out (`sync` only asks, by
//! the id); and a payment a stopped process left before its deposit left (sent under the
//! same id, never a new one).

#[path = "support/cli.rs"]
mod cli;
#[path = "support/ledger.rs"]
mod ledger;

use cli::{
    json_line, kill_9, rows, run, simulator, spawn_quiet as spawn, sync_lines as sync, wait_until,
};
use lipa::journal::Journal;
use lipa::money::Money;
use lipa::payment::Status;
use lipa::provider::ProviderKind;
use lipa::sim::{Faults, SimHandle, demo};
use lipa::strings::Msg;
use std::path::Path;
use std::time::Duration;

const KE: ProviderKind = ProviderKind::PawapayKe;
const TZ: ProviderKind = ProviderKind::PawapayTz;

/// A till with only pawaPay (both countries), at the simulator, its journal in `data` (or the
/// ledger at `url`), its schedule a twentieth of real time (a deadline of 4.5 s).
fn env(sim: &SimHandle, data: &Path, ledger: Option<&str>) -> Vec<(&'static str, String)> {
    let data = data.display().to_string();
    let mut env = vec![
        ("HOME", data.clone()),
        ("LIPA_DATA_DIR", data),
        ("LIPA_SCHEDULE_SCALE", "0.05".into()),
        ("LIPA_PAWAPAY_BASE_URL", sim.pawapay_base_url()),
        ("LIPA_PAWAPAY_API_TOKEN", demo::PAWAPAY_API_TOKEN.into()),
    ];
    if let Some(url) = ledger {
        env.push(("LIPA_DATABASE_URL", url.into()));
    }
    env
}

fn push_args(kind: ProviderKind, phone: &str, wait: &str) -> Vec<String> {
    [
        "push",
        "--provider",
        kind.id(),
        "--phone",
        phone,
        "--amount",
        "1500",
        "--wait",
        wait,
        "--json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// (row, number, status, exit code, words the message holds): the last-digit rule in both
/// countries (9's answer is lost and found by asking; 8 is settled by pawaPay with the wallet
/// until a person is asked), then pawaPay's sandbox numbers, which win over it.
const CASES: &[(ProviderKind, &str, &str, i32, &str)] = &[
    (KE, "0712345670", "paid", 0, ""),
    (KE, "0712345676", "failed", 1, "did not approve"),
    (KE, "0712345677", "failed", 1, "balance is too low"),
    (KE, "0712345678", "attention", 3, "still settling it"),
    (KE, "0712345679", "paid", 0, ""),
    (TZ, "0712345670", "paid", 0, ""),
    (TZ, "0712345676", "failed", 1, "did not approve"),
    (TZ, "0712345677", "failed", 1, "balance is too low"),
    (TZ, "0712345678", "attention", 3, "still settling it"),
    (TZ, "0712345679", "paid", 0, ""),
    (KE, "254703456789", "paid", 0, ""),
    (KE, "254703456019", "failed", 1, "wallet limit"),
    (KE, "254703456039", "failed", 1, "did not approve"),
    (KE, "254703456049", "failed", 1, "balance is too low"),
    (KE, "254703456059", "failed", 1, "already open"),
    (KE, "254703456069", "failed", 1, "unspecified failure"),
    (KE, "254703456129", "attention", 3, ""),
    (TZ, "255683456789", "paid", 0, ""),
    (TZ, "255763456789", "paid", 0, ""),
    (TZ, "255713456789", "paid", 0, ""),
    (TZ, "255623456789", "paid", 0, ""),
    (TZ, "255713456129", "attention", 3, ""),
    (TZ, "255713456039", "failed", 1, "did not approve"),
    (
        TZ,
        "255623456029",
        "failed",
        1,
        "not registered on HaloPesa",
    ),
];

/// Pushes at once, at most: a two-core machine runs them beside the other tests.
const AT_ONCE: usize = 6;

/// Each case pushed by the till `i % tills`, then `sync`, `reconcile` and a receipt by the
/// last: as the page says, one deposit each at pawaPay, under the id lipa journalled.
async fn every_case(sim: &SimHandle, envs: Vec<Vec<(&'static str, String)>>) {
    let mut paid = None;
    for (n, chunk) in CASES.chunks(AT_ONCE).enumerate() {
        let runs: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, (kind, phone, ..))| {
                let env = envs[(n * AT_ONCE + i) % envs.len()].clone();
                tokio::spawn(run(env, push_args(*kind, phone, "40")))
            })
            .collect();
        for ((kind, phone, status, code, words), run) in chunk.iter().zip(runs) {
            let out = run.await.expect("push ran");
            let json = json_line(&out);
            assert_eq!(json["status"], *status, "{kind:?} {phone}: {json}");
            assert_eq!(out.status.code(), Some(*code), "{kind:?} {phone}: {json}");
            let amount = Money::parse("1500", kind.currency()).expect("amount");
            assert_eq!(json["amount"], amount.exact_decimal());
            assert_eq!(json["currency"], kind.currency().code());
            let message = json["message"].as_str().unwrap_or_default();
            assert!(message.contains(words), "{kind:?} {phone}: {json}");
            if *kind == TZ && *status == "paid" {
                paid = json["reference"].as_str().map(str::to_string);
            }
        }
    }
    let last = envs[envs.len() - 1].clone();
    let out = run(
        last.clone(),
        vec!["sync".into(), "--wait".into(), "1".into()],
    )
    .await;
    assert!(
        out.status.success() || out.status.code() == Some(3),
        "{out:?}"
    );
    let out = run(last.clone(), vec!["reconcile".into(), "--json".into()]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let summary: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).expect("summary");
    assert_eq!(summary["not_asked"], serde_json::json!([]), "{summary}");
    let attention = CASES.iter().filter(|c| c.2 == "attention").count();
    assert_eq!(summary["needs_person"], attention, "{stdout}");
    // No day's list: said once for each row, with where a person looks.
    assert!(
        summary["notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("offers no list") && n.contains("pawaPay's dashboard")),
        "{summary}"
    );
    let reference = paid.expect("a paid one");
    let out = run(
        last,
        vec![
            "receipt".into(),
            reference.clone(),
            "--lang".into(),
            "en".into(),
        ],
    )
    .await;
    let receipt = String::from_utf8_lossy(&out.stdout);
    let ledger = sim.ledger();
    let deposit = ledger
        .iter()
        .find(|e| e.reference == reference)
        .expect("its deposit");
    assert!(receipt.contains("pawaPay Tanzania ("), "{receipt}");
    assert_eq!(ledger.len(), CASES.len(), "{ledger:?}");
    assert!(ledger.iter().all(|e| e.initiate_calls == 1), "{ledger:?}");
    assert_eq!(sim.stats().repeated_pushes, 0);
    assert_eq!(sim.stats().repeated_sends, 0);
    // The wallet's own id, which the customer's SMS shows.
    let rows = run(
        envs_last_history(&envs),
        vec!["history".into(), "--json".into()],
    )
    .await;
    let history = String::from_utf8_lossy(&rows.stdout);
    let line = history
        .lines()
        .find(|l| l.contains(&reference))
        .expect("in the history");
    let line: serde_json::Value = serde_json::from_str(line).expect("json");
    let wallet_ref = line["wallet_ref"].as_str().expect("a wallet's id");
    assert!(receipt.contains(wallet_ref), "{receipt}");
    assert_eq!(line["provider_id"], deposit.id.as_str(), "the deposit id");
}

fn envs_last_history(envs: &[Vec<(&'static str, String)>]) -> Vec<(&'static str, String)> {
    envs[envs.len() - 1].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_case_on_one_till() {
    let sim = simulator(Duration::from_millis(300)).await;
    let data = tempfile::tempdir().expect("data");
    let till = env(&sim, data.path(), None);
    every_case(&sim, vec![till]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_case_on_a_chain() {
    let Some(db) = ledger::TestDb::create("pawapay_cases_chain") else {
        return;
    };
    let sim = simulator(Duration::from_millis(300)).await;
    let tills: Vec<tempfile::TempDir> =
        (0..2).map(|_| tempfile::tempdir().expect("till")).collect();
    let envs = tills
        .iter()
        .map(|t| env(&sim, t.path(), Some(&db.url)))
        .collect();
    every_case(&sim, envs).await;
}

/// Killed while the deposit was out (pawaPay made it; the answer never came back): the
/// payment is *sending* with its id; `sync` asks by the id, finds it paid; one deposit, sent
/// once.
#[tokio::test(flavor = "multi_thread")]
async fn killed_during_the_deposit_sync_asks_by_its_id() {
    let sim = simulator(Duration::from_millis(300)).await;
    let data = tempfile::tempdir().expect("data");
    let till = env(&sim, data.path(), None);
    sim.set_faults(Faults {
        slow_per_mille: 1000,
        slow_by: Duration::from_secs(5),
        ..Faults::default()
    });
    let mut push = spawn(till.clone(), &push_args(TZ, "0754321680", "30"));
    let p = wait_until("the deposit id journalled", || {
        rows(data.path())
            .pop()
            .filter(|p| p.status == Status::Sending && p.provider_id.is_some())
    });
    wait_until("the deposit at pawaPay", || {
        (!sim.ledger().is_empty()).then_some(())
    });
    kill_9(&mut push);
    sim.set_faults(Faults::default());
    let lines = sync(till).await;
    let events = Journal::open_in(data.path())
        .expect("journal")
        .events(p.id)
        .expect("history");
    assert_eq!(
        lines[0]["status"],
        "paid",
        "{lines:?} {events:#?} {:?}",
        sim.ledger()
    );
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 1);
    assert_eq!(Some(&ledger[0].id), p.provider_id.as_ref());
    assert_eq!(ledger[0].initiate_calls, 1);
    assert_eq!(sim.stats().repeated_sends, 0);
}

/// Killed after the deposit id was journalled, before the deposit left (written here as a
/// stopped process leaves it): `sync` asks by the id, pawaPay has none, and it is sent under
/// that id — the one provider lipa ever sends again — and paid. One deposit, never a new id.
#[tokio::test(flavor = "multi_thread")]
async fn killed_before_the_deposit_left_it_goes_under_the_journalled_id() {
    let sim = simulator(Duration::from_millis(300)).await;
    let data = tempfile::tempdir().expect("data");
    let till = env(&sim, data.path(), None);
    let journal = Journal::open_in(data.path()).expect("journal");
    let p = cli::recorded_sale(&journal, KE, "0712345670", "1500");
    let id = lipa::reference::uuid_v4();
    cli::mark_sending(&journal, p.id, Some(&id));
    drop(journal);
    let lines = sync(till).await;
    assert_eq!(lines[0]["status"], "paid", "{lines:?}");
    let ledger = sim.ledger();
    assert_eq!(ledger.len(), 1, "{ledger:?}");
    assert_eq!(ledger[0].id, id, "under the journalled id");
    assert_eq!(ledger[0].reference, p.reference.as_str());
    let events = Journal::open_in(data.path())
        .expect("journal")
        .events(p.id)
        .expect("history");
    assert!(
        events
            .iter()
            .any(|e| matches!(e.message, Msg::SentAgain { .. })),
        "{events:?}"
    );
}

/// Without `--channel`, pawaPay's prediction names the wallet (a number's prefix is only
/// lipa's guess); a wallet code in lower case is taken; a token with a line break inside is
/// refused at start, nothing journalled.
#[tokio::test(flavor = "multi_thread")]
async fn the_wallet_is_pawapays_prediction_and_a_broken_token_is_refused_at_start() {
    let sim = simulator(Duration::from_millis(300)).await;
    let data = tempfile::tempdir().expect("data");
    let till = env(&sim, data.path(), None);
    let out = run(till.clone(), push_args(TZ, "0684001122", "20")).await;
    assert_eq!(json_line(&out)["status"], "paid");
    assert_eq!(
        sim.stats().requests_to("POST /pawapay/v2/predict-provider"),
        1,
        "asked pawaPay"
    );
    // A code of eleven letters, in lower case (a tester's VODACOM_TZA was refused as too long).
    let mut args = push_args(TZ, "0623001122", "20");
    args.extend(["--channel".to_string(), "halotel_tza".to_string()]);
    let out = run(till.clone(), args).await;
    assert_eq!(json_line(&out)["status"], "paid", "{out:?}");
    let channels: Vec<String> = sim.ledger().into_iter().map(|e| e.channel).collect();
    assert_eq!(channels, ["AIRTEL_TZA", "HALOTEL_TZA"]);
    let mut broken = till;
    broken.retain(|(k, _)| *k != "LIPA_PAWAPAY_API_TOKEN");
    broken.push((
        "LIPA_PAWAPAY_API_TOKEN",
        format!("{}\nX", demo::PAWAPAY_API_TOKEN),
    ));
    let before = rows(data.path()).len();
    let out = run(broken, push_args(TZ, "0754001133", "0")).await;
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let words = json_line(&out)["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        words.contains("LIPA_PAWAPAY_API_TOKEN") && words.contains("one word"),
        "{words}"
    );
    assert!(!words.contains(demo::PAWAPAY_API_TOKEN), "{words}");
    assert_eq!(rows(data.path()).len(), before, "nothing journalled");
}

/// An account that serves Tanzania only: pawaPay Kenya is off, and `push` says why (a tester
/// was told the token was missing, and pasted it again).
#[tokio::test(flavor = "multi_thread")]
async fn a_country_the_account_does_not_serve_is_said_to_be_off() {
    let sim = simulator(Duration::from_millis(300)).await;
    let data = tempfile::tempdir().expect("data");
    let mut till = env(&sim, data.path(), None);
    till.push(("LIPA_PAWAPAY_COUNTRIES", "TZ".into()));
    let out = run(till.clone(), push_args(KE, "0712345670", "0")).await;
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let json = json_line(&out);
    let words = json["message"].as_str().unwrap_or_default();
    assert_eq!(
        words, "pawaPay Kenya is off here: LIPA_PAWAPAY_COUNTRIES (pawapay.countries) is TZ",
        "{json}"
    );
    let out = run(till, push_args(TZ, "0712345670", "20")).await;
    assert_eq!(json_line(&out)["status"], "paid");
}

/// The cashier's wallet goes over the prefix's (a number moved to another network): said as
/// likely a slip, and sent as chosen.
#[tokio::test(flavor = "multi_thread")]
async fn a_chosen_wallet_is_sent_as_chosen() {
    let sim = simulator(Duration::from_millis(300)).await;
    let data = tempfile::tempdir().expect("data");
    let mut args = push_args(TZ, "0712345670", "20");
    args.extend(["--channel".to_string(), "AIRTEL_TZA".to_string()]);
    let out = run(env(&sim, data.path(), None), args).await;
    let json = json_line(&out);
    assert_eq!(json["status"], "paid", "{json}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Airtel Money"),
        "{out:?}"
    );
    assert_eq!(sim.ledger()[0].channel, "AIRTEL_TZA");
    assert_eq!(
        sim.stats().requests_to("POST /pawapay/v2/predict-provider"),
        0,
        "nothing to predict"
    );
}

/// A Kenyan number for pawaPay Tanzania, Airtel Kenya's (not M-Pesa), or less than
/// Tanzania's wallets take (TZS 100; a tester's was journalled as failed, exit 4): refused at
/// the field, also on a dry run, nothing sent or journalled.
#[tokio::test(flavor = "multi_thread")]
async fn what_pawapay_does_not_take_is_refused_at_the_field() {
    let sim = simulator(Duration::from_millis(300)).await;
    let data = tempfile::tempdir().expect("data");
    let mut small = push_args(TZ, "0712345670", "0");
    small[6] = "99".into();
    let mut small_dry = small.clone();
    small_dry.push("--dry-run".into());
    for args in [
        push_args(TZ, "254712345670", "0"),
        push_args(KE, "0733123456", "0"),
        small,
        small_dry,
    ] {
        let out = run(env(&sim, data.path(), None), args.clone()).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let json = json_line(&out);
        assert_eq!(json["status"], "invalid", "{json}");
        if args[6] == "99" {
            let words = json["message"].as_str().unwrap_or_default();
            assert!(words.contains("at least TZS 100"), "{json}");
        }
    }
    assert!(rows(data.path()).is_empty(), "nothing journalled");
    assert!(sim.ledger().is_empty());
    assert_eq!(
        sim.stats().requests.values().sum::<u64>(),
        0,
        "nothing sent"
    );
}
