//! M-Pesa Daraja with the real binary, on one till and on a chain (a real PostgreSQL ledger):
//! every magic digit through `push` and `sync`, the lost answer never sent again; and Daraja's
//! one token: each new token ends the one before, so the processes of one till (a file in the
//! data directory) and the tills of a chain (the ledger) must hold one token between them.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/ledger.rs"]
mod ledger;
#[path = "support/pty.rs"]
mod pty;

use cli::command;
use lipa::provider::ProviderKind;
use lipa::sim::{self, SimConfig, SimHandle, demo};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

/// A till with only Daraja, at the simulator, its journal in `data` (or the ledger at `url`).
fn env(sim: &SimHandle, data: &Path, ledger: Option<&str>) -> Vec<(&'static str, String)> {
    let data = data.display().to_string();
    let mut env = vec![
        ("HOME", data.clone()),
        ("LIPA_DATA_DIR", data),
        ("LIPA_DARAJA_BASE_URL", sim.daraja_base_url()),
        ("LIPA_DARAJA_CONSUMER_KEY", demo::DARAJA_CONSUMER_KEY.into()),
        (
            "LIPA_DARAJA_CONSUMER_SECRET",
            demo::DARAJA_CONSUMER_SECRET.into(),
        ),
        ("LIPA_DARAJA_PASSKEY", demo::DARAJA_PASSKEY.into()),
        ("LIPA_DARAJA_SHORTCODE", demo::DARAJA_SHORTCODE.into()),
        ("LIPA_DARAJA_CALLBACK_URL", demo::DARAJA_CALLBACK_URL.into()),
    ];
    if let Some(url) = ledger {
        env.push(("LIPA_DATABASE_URL", url.into()));
    }
    env
}

fn push(env: Vec<(&'static str, String)>, phone: &str) -> Child {
    command(env)
        .args([
            "push",
            "--provider",
            "daraja",
            "--phone",
            phone,
            "--amount",
            "100",
            "--wait",
            "0",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lipa push")
}

fn all_pending(children: Vec<Child>) {
    for child in children {
        let out = child.wait_with_output().expect("push ends");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("\"status\":\"pending\""),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

async fn simulator() -> SimHandle {
    sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_secs(30),
        ..SimConfig::default()
    })
    .await
    .expect("simulator")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_processes_of_a_till_share_one_token() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    let children: Vec<Child> = (0..6)
        .map(|i| push(env(&sim, data.path(), None), &format!("07123456{i}0")))
        .collect();
    tokio::task::spawn_blocking(move || all_pending(children))
        .await
        .expect("pushes");
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 1, "{stats:?}");
    assert_eq!(stats.unauthorized_of(ProviderKind::Daraja), 0, "{stats:?}");
    // The token is kept privately, and no key is in the file.
    let kept = std::fs::read_to_string(data.path().join("daraja-token.json")).expect("kept");
    assert!(!kept.contains(demo::DARAJA_CONSUMER_SECRET), "{kept}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tills_of_a_chain_share_one_token_through_the_ledger() {
    let Some(db) = ledger::TestDb::create("daraja_token_chain") else {
        return;
    };
    let sim = simulator().await;
    let tills: Vec<tempfile::TempDir> =
        (0..3).map(|_| tempfile::tempdir().expect("till")).collect();
    let children: Vec<Child> = tills
        .iter()
        .enumerate()
        .flat_map(|(t, dir)| {
            let (sim, url) = (&sim, db.url.clone());
            (0..2).map(move |i| push(env(sim, dir.path(), Some(&url)), &format!("0712345{t}{i}0")))
        })
        .collect();
    tokio::task::spawn_blocking(move || all_pending(children))
        .await
        .expect("pushes");
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 1, "{stats:?}");
    assert_eq!(stats.unauthorized_of(ProviderKind::Daraja), 0, "{stats:?}");
    assert_eq!(db.count("SELECT count(*) FROM provider_tokens"), 1);
    for dir in &tills {
        assert!(
            !dir.path().join("daraja-token.json").exists(),
            "a till of a chain keeps no token of its own"
        );
    }
}

/// (phone, wait, status, exit code): 9's answer is lost, and Daraja cannot be asked without it.
const DIGITS: &[(&str, &str, &str, i32)] = &[
    ("0712345670", "30", "paid", 0),
    ("0712345676", "30", "failed", 1),
    ("0712345677", "30", "failed", 1),
    ("0712345678", "2", "pending", 3),
    ("0712345679", "30", "attention", 3),
];

fn json_line(out: &std::process::Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)))
}

/// Each digit pushed by the till `till_of(i)`, then a `sync` by the last: statuses and exit
/// codes as the page says, one push each at the provider, the ninth never asked nor re-sent.
async fn every_digit(sim: &SimHandle, envs: Vec<Vec<(&'static str, String)>>) {
    let runs: Vec<_> = DIGITS
        .iter()
        .enumerate()
        .map(|(i, (phone, wait, _, _))| {
            let env = envs[i % envs.len()].clone();
            let args: Vec<String> = [
                "push",
                "--provider",
                "daraja",
                "--phone",
                phone,
                "--amount",
                "150",
                "--wait",
                wait,
                "--json",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            tokio::task::spawn_blocking(move || command(env).args(&args).output().expect("push"))
        })
        .collect();
    for ((phone, _, status, code), run) in DIGITS.iter().zip(runs) {
        let out = run.await.expect("push ran");
        let json = json_line(&out);
        assert_eq!(json["status"], *status, "{phone}: {json}");
        assert_eq!(out.status.code(), Some(*code), "{phone}: {json}");
        assert_eq!(json["amount"], "150.00");
    }
    let last = envs[envs.len() - 1].clone();
    let out = tokio::task::spawn_blocking(move || {
        command(last)
            .args(["sync", "--wait", "1", "--json"])
            .output()
            .expect("sync")
    })
    .await
    .expect("sync ran");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lost = stdout
        .lines()
        .find(|l| l.contains("254712345679"))
        .unwrap_or_else(|| panic!("sync names the lost one: {stdout}"));
    assert!(lost.contains("\"status\":\"attention\""), "{lost}");
    assert!(lost.contains("M-Pesa SMS"), "{lost}");
    // Reconcile: the lost one needs a person (not "could not be asked, run it again": no
    // run can ask it), the day's missing list is a note, and the exit says a person is needed.
    let last = envs[envs.len() - 1].clone();
    let out = tokio::task::spawn_blocking(move || {
        command(last)
            .args(["reconcile", "--json"])
            .output()
            .expect("reconcile")
    })
    .await
    .expect("reconcile ran");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let summary = lines.last().expect("summary");
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert_eq!(summary["not_asked"], serde_json::json!([]), "{summary}");
    assert!(
        summary["notes"][0]
            .as_str()
            .is_some_and(|n| n.contains("offers no list") && n.contains("M-Pesa SMS")),
        "{summary}"
    );
    let needs_you = lines
        .iter()
        .filter(|l| l["category"] == "needs-you")
        .count();
    assert_eq!(needs_you, 1, "the lost one: {stdout}");
    assert_eq!(summary["needs_person"], 1, "{summary}");

    let ledger = sim.ledger();
    assert_eq!(ledger.len(), DIGITS.len(), "{ledger:?}");
    assert!(ledger.iter().all(|e| e.initiate_calls == 1), "{ledger:?}");
    let nine = ledger
        .iter()
        .find(|e| e.phone == "254712345679")
        .expect("the ninth was made");
    assert_eq!(nine.status_queries, 0, "nothing to ask it by");
}

async fn quick_simulator() -> SimHandle {
    sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(300),
        ..SimConfig::default()
    })
    .await
    .expect("simulator")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_digit_on_one_till() {
    let sim = quick_simulator().await;
    let data = tempfile::tempdir().expect("data");
    let till = env(&sim, data.path(), None);
    every_digit(&sim, vec![till]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_digit_on_a_chain() {
    let Some(db) = ledger::TestDb::create("daraja_digits_chain") else {
        return;
    };
    let sim = quick_simulator().await;
    let tills: Vec<tempfile::TempDir> =
        (0..2).map(|_| tempfile::tempdir().expect("till")).collect();
    let envs = tills
        .iter()
        .map(|t| env(&sim, t.path(), Some(&db.url)))
        .collect();
    every_digit(&sim, envs).await;
}

/// A second push to a phone whose prompt waits is refused as `busy`, naming the waiting
/// payment and holding what was pushed (a script pushing many phones must tell which).
#[tokio::test(flavor = "multi_thread")]
async fn a_busy_phone_is_named_with_the_payment_it_waits_on() {
    let sim = quick_simulator().await;
    let data = tempfile::tempdir().expect("data");
    let first = command(env(&sim, data.path(), None))
        .args([
            "push",
            "--provider",
            "daraja",
            "--phone",
            "0712345678",
            "--amount",
            "150",
            "--wait",
            "0",
            "--json",
        ])
        .output()
        .expect("push");
    let first = json_line(&first);
    assert_eq!(first["status"], "pending", "{first}");
    let second = command(env(&sim, data.path(), None))
        .args([
            "push",
            "--provider",
            "daraja",
            "--phone",
            "0712345678",
            "--amount",
            "200",
            "--wait",
            "0",
            "--json",
        ])
        .output()
        .expect("push");
    assert_eq!(second.status.code(), Some(2));
    let second = json_line(&second);
    assert_eq!(second["status"], "busy", "{second}");
    assert_eq!(second["busy_with"], first["reference"], "{second}");
    assert_eq!(second["phone"], "254712345678");
    assert_eq!(second["amount"], "200.00");
    assert_eq!(second["currency"], "KES");
    assert_eq!(sim.ledger().len(), 1);
    // A lost answer is not waited on: no "prompt sent, waiting up to…" for what lipa does not
    // know, and no wait.
    let lost = command(env(&sim, data.path(), None))
        .args([
            "push",
            "--provider",
            "daraja",
            "--phone",
            "0712345679",
            "--amount",
            "150",
            "--wait",
            "30",
        ])
        .output()
        .expect("push");
    let said = String::from_utf8_lossy(&lost.stdout);
    assert_eq!(lost.status.code(), Some(3), "{said}");
    assert!(!said.contains("waiting"), "{said}");
    assert!(said.contains("M-Pesa SMS"), "{said}");
}

/// A cashier who quits (Ctrl-C, y) just after Enter, while Daraja is slow to answer: the
/// console waits for the send's answer before it ends, so the payment keeps the
/// `CheckoutRequestID` Daraja can be asked by. It used to end at once, leaving the payment
/// for a person to check by hand although the customer paid.
#[test]
fn quitting_the_console_during_a_send_keeps_its_answer() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = runtime.block_on(quick_simulator());
    sim.set_faults(lipa::sim::Faults {
        slow_per_mille: 1000,
        slow_by: Duration::from_secs(2),
        ..lipa::sim::Faults::default()
    });
    let data = tempfile::tempdir().expect("data");
    let mut console = pty::Spawn::lipa()
        .envs(env(&sim, data.path(), None))
        .env("LIPA_LANG", "en")
        .start();
    console.wait_for("the form", Duration::from_secs(20), |t| t.contains("Phone"));
    console.send("0712345601\t17\r");
    console.wait_for("the payment being sent", Duration::from_secs(10), |t| {
        t.lines()
            .any(|l| l.contains("601") && l.contains("sending"))
    });
    console.send("\x03");
    console.wait_for("the quit question", Duration::from_secs(10), |t| {
        t.contains("still waiting")
    });
    console.send("y");
    assert!(
        console.wait_exit(Duration::from_secs(40)).is_some(),
        "the console ends once the answer is in"
    );
    let journal = lipa::journal::Journal::open_in(data.path()).expect("journal");
    let open = journal.unresolved().expect("open payments");
    let p = open
        .iter()
        .find(|p| p.phone == "254712345601")
        .expect("the payment");
    assert_eq!(p.status, lipa::payment::Status::Pending, "{p:?}");
    assert!(p.provider_id.is_some(), "{p:?}");
}

/// A lost answer the customer paid: the person who saw the SMS settles it (`check --found
/// paid`), in their name, and the books and the receipt follow. Only such a payment: one the
/// provider can be asked about is the provider's to settle.
#[tokio::test(flavor = "multi_thread")]
async fn a_person_settles_a_lost_answer_and_the_books_follow() {
    let sim = quick_simulator().await;
    let data = tempfile::tempdir().expect("data");
    let lipa = |args: &[&str]| {
        command(env(&sim, data.path(), None))
            .args(args)
            .output()
            .expect("lipa")
    };
    let lost = json_line(&lipa(&[
        "push",
        "--provider",
        "daraja",
        "--phone",
        "0712345679",
        "--amount",
        "109",
        "--wait",
        "0",
        "--json",
    ]));
    assert_eq!(lost["status"], "attention", "{lost}");
    let reference = lost["reference"].as_str().expect("reference").to_string();
    let waiting = json_line(&lipa(&[
        "push",
        "--provider",
        "daraja",
        "--phone",
        "0712345678",
        "--amount",
        "50",
        "--wait",
        "0",
        "--json",
    ]));
    let pending = waiting["reference"]
        .as_str()
        .expect("reference")
        .to_string();
    let refused = lipa(&["check", &pending, "--found", "paid", "--json"]);
    assert_eq!(refused.status.code(), Some(2), "the provider settles it");
    assert_eq!(json_line(&refused)["status"], "pending");

    let settled = lipa(&[
        "check",
        &reference,
        "--found",
        "paid",
        "--note",
        "SMS seen: SLK4H7",
        "--operator",
        "amina",
        "--json",
    ]);
    assert_eq!(settled.status.code(), Some(0), "{settled:?}");
    let settled = json_line(&settled);
    assert_eq!(settled["status"], "paid", "{settled}");
    assert!(
        settled["message"]
            .as_str()
            .is_some_and(|m| m.contains("amina found by hand")),
        "{settled}"
    );
    let receipt = lipa(&["receipt", &reference]);
    assert_eq!(receipt.status.code(), Some(0), "{receipt:?}");
    let report = lipa(&["report", "--json"]);
    let report = json_line(&report);
    assert!(
        report.to_string().contains("10900"),
        "KES 109 counted paid: {report}"
    );
    // Settled once: a second word changes nothing.
    let again = lipa(&["check", &reference, "--found", "failed", "--json"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(json_line(&again)["status"], "paid");
    assert_eq!(
        sim.ledger()
            .iter()
            .filter(|e| e.phone == "254712345679")
            .count(),
        1
    );
}
