//! `lipa push` and `lipa sync`, the real binary against the simulator: the JSON contract and the
//! exit codes scripts depend on, for every magic digit and both providers.

#[path = "support/cli.rs"]
mod cli;

use cli::{command, demo_env, push_args};
use lipa::sim::{self, SimConfig, SimHandle, demo};
use std::process::{Command, Output};
use std::time::Duration;

/// `lipa`'s environment: both providers at the simulator, the journal in `data`.
fn env_for(sim: &SimHandle, data: &std::path::Path) -> Vec<(&'static str, String)> {
    let cepta = sim.cepta_base_url();
    demo_env(data, &sim.clickpesa_base_url(), Some(&cepta))
}

fn lipa(sim: &SimHandle, data: &std::path::Path, args: &[&str]) -> Output {
    command(env_for(sim, data))
        .args(args)
        .output()
        .expect("run lipa")
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

async fn simulator() -> SimHandle {
    sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(300),
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        ..SimConfig::default()
    })
    .await
    .expect("simulator")
}

/// (provider, phone, wait, expected status, expected exit code)
const CASES: &[(&str, &str, &str, &str, i32)] = &[
    ("clickpesa", "0712345670", "60", "paid", 0),
    ("clickpesa", "0712345676", "60", "failed", 1),
    ("clickpesa", "0712345677", "60", "failed", 1),
    ("clickpesa", "0712345678", "3", "pending", 3),
    ("clickpesa", "0712345679", "60", "paid", 0),
    ("cepta", "0712345670", "60", "paid", 0),
    ("cepta", "0712345676", "60", "failed", 1),
    ("cepta", "0712345677", "60", "failed", 1),
    ("cepta", "0712345678", "3", "pending", 3),
    ("cepta", "0712345679", "60", "paid", 0),
];

#[tokio::test(flavor = "multi_thread")]
async fn every_magic_digit_reaches_its_status_for_both_providers() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let outputs: Vec<_> = CASES
        .iter()
        .map(|case @ (provider, phone, wait, _, _)| {
            let args = push_args(provider, phone, wait);
            (case, lipa_async(&sim, dir.path(), &args))
        })
        .collect();
    for (case, fut) in outputs {
        let out = fut.await.expect("lipa ran");
        let (provider, phone, _, status, code) = case;
        let json = last_json(&out);
        assert_eq!(json["status"], *status, "{provider} {phone}: {json}");
        assert_eq!(out.status.code(), Some(*code), "{provider} {phone}: {json}");
        assert_eq!(json["provider"], *provider);
        // Every decimal the currency has (KES has two), as in every JSON and CSV.
        let amount = if *provider == "clickpesa" {
            "1500"
        } else {
            "1500.00"
        };
        assert_eq!(json["amount"], amount);
        let cc = if *provider == "clickpesa" {
            "255"
        } else {
            "254"
        };
        assert_eq!(json["phone"], format!("{cc}712345{}", &phone[7..]));
    }
    let ledger = sim.ledger();
    assert_eq!(
        ledger.len(),
        CASES.len(),
        "one push per payment: {ledger:?}"
    );
}

/// Runs `lipa` on a blocking thread so several run at once.
fn lipa_async(
    sim: &SimHandle,
    data: &std::path::Path,
    args: &[&str],
) -> tokio::task::JoinHandle<Output> {
    let env = env_for(sim, data);
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || command(env).args(&args).output().expect("run lipa"))
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_input_sends_nothing_and_exits_2() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    for (args, field) in [
        (
            vec![
                "--provider",
                "clickpesa",
                "--phone",
                "254712345678",
                "--amount",
                "100",
            ],
            "--phone",
        ),
        (
            vec![
                "--provider",
                "clickpesa",
                "--phone",
                "0712345670",
                "--amount",
                "10.5",
            ],
            "--amount",
        ),
        (
            vec![
                "--provider",
                "cepta",
                "--phone",
                "0712345670",
                "--amount",
                "-3",
            ],
            "--amount",
        ),
        (
            vec![
                "--provider",
                "clickpesa",
                "--phone",
                "0712345670",
                "--amount",
                "100",
                "--reference",
                "A-1",
            ],
            "--reference",
        ),
    ] {
        let mut full = vec!["push"];
        full.extend(args);
        let out = lipa(&sim, dir.path(), &full);
        assert_eq!(out.status.code(), Some(2), "{full:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(field), "{err}");
    }
    assert!(sim.ledger().is_empty(), "nothing sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_the_normalized_request_and_sends_nothing() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let out = lipa(
        &sim,
        dir.path(),
        &[
            "push",
            "--provider",
            "cepta",
            "--phone",
            "+254 733 123 456",
            "--amount",
            "1,500.50",
            "--dry-run",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let json = last_json(&out);
    assert_eq!(json["status"], "dry-run");
    assert_eq!(json["phone"], "254733123456");
    // The machine form of every amount: every decimal the currency has, no grouping.
    assert_eq!(json["amount"], "1500.50");
    assert_eq!(json["currency"], "KES");
    // The till that would record it, as a real push says (it was "").
    assert!(
        json["till"].as_str().is_some_and(|t| !t.is_empty()),
        "{json}"
    );
    assert!(
        json["message"]
            .as_str()
            .unwrap_or_default()
            .contains("63903")
    );
    assert!(sim.ledger().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_credential_is_named_and_exits_4() {
    // A dry run checks the configuration too: it must not say "ok" for a push that cannot go.
    for dry_run in [false, true] {
        let mut args = vec![
            "push",
            "--provider",
            "cepta",
            "--phone",
            "0712345670",
            "--amount",
            "10",
        ];
        if dry_run {
            args.push("--dry-run");
        }
        let out = Command::new(env!("CARGO_BIN_EXE_lipa"))
            .args(&args)
            .env_clear()
            .env("LIPA_DATA_DIR", std::env::temp_dir().join("lipa-cfg-test"))
            .env("HOME", std::env::temp_dir().join("lipa-cfg-test"))
            .env("LIPA_CEPTA_PUBLIC_KEY", "pk")
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(4), "dry run: {dry_run}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("LIPA_CEPTA_SECRET_KEY"), "{err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_settles_what_a_push_left_pending() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let out = lipa(
        &sim,
        dir.path(),
        &[
            "push",
            "--provider",
            "clickpesa",
            "--phone",
            "0712345671",
            "--amount",
            "2000",
            "--wait",
            "0",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(last_json(&out)["status"], "pending");
    let out = lipa(&sim, dir.path(), &["sync", "--wait", "60", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let json = last_json(&out);
    assert_eq!(json["status"], "paid");
    assert_eq!(json["amount"], "2000");
    assert_eq!(sim.ledger().len(), 1);
}

/// Eight `lipa sync` started together on a fresh data directory: every one opens the new
/// journal (they wait for the one that creates and migrates it) — one in five runs failed
/// with "database is locked".
#[tokio::test(flavor = "multi_thread")]
async fn many_processes_open_a_fresh_journal_together() {
    let sim = simulator().await;
    for _ in 0..3 {
        let data = tempfile::tempdir().expect("data");
        let syncs: Vec<_> = (0..8)
            .map(|_| {
                command(env_for(&sim, data.path()))
                    .args(["sync", "--wait", "0", "--json"])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("sync")
            })
            .collect();
        for s in syncs {
            let out = s.wait_with_output().expect("sync ends");
            assert_eq!(
                out.status.code(),
                Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// The duplicate guard holds for scripts too: the same phone and amount again within five
/// minutes is refused (exit 2, nothing sent) unless `--force`; `--json` says `duplicate` (not
/// `invalid`: a script must tell a typo from a payment already on its way) and the reference
/// of the payment it is like.
#[tokio::test(flavor = "multi_thread")]
async fn push_refuses_a_duplicate_unless_forced() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    let once = lipa(
        &sim,
        data.path(),
        &push_args("clickpesa", "0712345670", "0"),
    );
    assert_eq!(once.status.code(), Some(3), "{once:?}");
    let again = lipa(
        &sim,
        data.path(),
        &push_args("clickpesa", "0712345670", "0"),
    );
    assert_eq!(again.status.code(), Some(2), "{again:?}");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("--force"),
        "{again:?}"
    );
    let (first, line) = (last_json(&once), last_json(&again));
    assert_eq!(line["status"], "duplicate", "{line}");
    assert_eq!(line["duplicate_of"], first["reference"], "{line} {first}");
    assert_eq!(
        (&line["phone"], &line["amount"], &line["currency"]),
        (&first["phone"], &first["amount"], &first["currency"]),
        "{line}"
    );
    assert_eq!(sim.ledger().len(), 1, "the second was not sent");
    let mut forced = push_args("clickpesa", "0712345670", "0");
    forced.push("--force");
    let forced = lipa(&sim, data.path(), &forced);
    assert_eq!(forced.status.code(), Some(3), "{forced:?}");
    assert_eq!(sim.ledger().len(), 2);
}

/// A push whose answer was lost (magic digit 9: the provider made the push, then answered an
/// error) ends paid with the provider's own id, learned from the status query's answer — on
/// both providers (a tester's Cepta payment ended paid with none).
#[tokio::test(flavor = "multi_thread")]
async fn a_payment_whose_push_answer_was_lost_keeps_the_providers_id() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    for provider in ["clickpesa", "cepta"] {
        let out = lipa(&sim, dir.path(), &push_args(provider, "0712345679", "60"));
        assert_eq!(last_json(&out)["status"], "paid", "{provider}");
    }
    let journal = lipa::journal::Journal::open_in(dir.path()).expect("journal");
    let ledger = sim.ledger();
    let rows = journal.all().expect("rows");
    assert_eq!(rows.len(), 2, "{rows:?}");
    for p in rows {
        let entry = ledger
            .iter()
            .find(|e| e.reference == p.reference.as_str())
            .expect("pushed");
        assert!(
            entry.initiate_failed,
            "the push's answer was lost: {entry:?}"
        );
        assert_eq!(
            p.provider_id.as_deref(),
            Some(entry.id.as_str()),
            "{}: {p:?}",
            p.provider.id()
        );
    }
}

/// A chain's ledger that refuses the connection is said in words, in Swahili too, not as the
/// system's English (a tester saw `daftari kuu halipatikani (error connecting to server:
/// Connection refused (os error 111))`); nothing sent, exit 4.
#[test]
fn a_ledger_that_refuses_the_connection_is_said_in_words() {
    let data = tempfile::tempdir().expect("dir");
    let mut env = demo_env(data.path(), "http://127.0.0.1:9", None);
    env.push((
        "LIPA_DATABASE_URL",
        "postgres://postgres@127.0.0.1:1/lipa".into(),
    ));
    for (lang, words) in [
        ("en", "refused the connection: is PostgreSQL running"),
        ("sw", "ilikataa muunganisho: je, PostgreSQL inaendesha"),
    ] {
        let mut env = env.clone();
        env.push(("LIPA_LANG", lang.into()));
        let out = command(env)
            .args(["push", "--provider", "clickpesa", "--phone", "0712345670"])
            .args(["--amount", "1000"])
            .output()
            .expect("run lipa");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(4), "{stdout}{stderr}");
        assert!(stderr.contains(words), "{lang}: {stderr}");
        assert!(!stderr.contains("os error"), "{lang}: {stderr}");
        assert!(!stdout.contains("os error"), "{lang}: {stdout}");
    }
}

/// `push` reads full-width and Arabic-Indic digits as the console does (a tester's
/// `--amount ١٢٣`, `--amount １０００`, `--phone ０７１２３４５６７０` were refused).
#[test]
fn push_reads_other_scripts_digits_as_the_console_does() {
    let data = tempfile::tempdir().expect("dir");
    let env = demo_env(data.path(), "http://127.0.0.1:9", None);
    for (phone, amount, want_amount) in [
        ("0712345670", "١٢٣", "123"),
        ("0712345670", "۱۲۳", "123"),
        ("０７１２３４５６７０", "１０００", "1000"),
    ] {
        let out = command(env.clone())
            .args(["push", "--provider", "clickpesa", "--phone", phone])
            .args(["--amount", amount, "--dry-run", "--json"])
            .output()
            .expect("run lipa");
        let line = last_json(&out);
        assert_eq!(out.status.code(), Some(0), "{phone} {amount}: {line}");
        assert_eq!(line["phone"], "255712345670", "{line}");
        assert_eq!(line["amount"], want_amount, "{line}");
    }
}

/// A number with another country's code is said to be one (a tester's `+1 212 555 1234` was
/// called a Tanzanian number of no network), and a phone typed with a leading dash reaches
/// lipa's own reading, not clap's "unexpected argument '-0'".
#[test]
fn a_foreign_number_is_named_and_a_leading_dash_is_read() {
    let data = tempfile::tempdir().expect("dir");
    let env = demo_env(data.path(), "http://127.0.0.1:9", None);
    let push = |lang: &str, phone: &str| {
        let mut env = env.clone();
        env.push(("LIPA_LANG", lang.to_string()));
        command(env)
            .args(["push", "--provider", "clickpesa", "--phone", phone])
            .args(["--amount", "1000", "--dry-run", "--json"])
            .output()
            .expect("run lipa")
    };
    for (lang, words) in [
        ("en", "+121… is not a Tanzania number"),
        ("sw", "+121… si namba ya Tanzania"),
    ] {
        let out = push(lang, "+1 212 555 1234");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(words), "{lang}: {stderr}");
        assert!(!stderr.contains("0121"), "{stderr}");
    }
    let out = push("en", "-0712345670");
    let line = last_json(&out);
    assert_eq!(out.status.code(), Some(0), "{line}");
    assert_eq!(line["phone"], "255712345670", "{line}");
}

/// Human lines a person reads: a refusal has no empty columns before its words (a tester's
/// `check NOPE` printed `invalid` and forty spaces), ClickPesa's and Cepta's references share
/// one column, and a `--name` holding an escape or a new line is refused, not silently cleaned.
#[tokio::test(flavor = "multi_thread")]
async fn human_lines_keep_their_columns_and_a_name_must_be_printable() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let out = lipa(&sim, dir.path(), &["check", "NOPE"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(!last.contains("    "), "{last:?}");
    for provider in ["clickpesa", "cepta"] {
        let out = lipa(
            &sim,
            dir.path(),
            &[
                "push",
                "--provider",
                provider,
                "--phone",
                "0712345670",
                "--amount",
                "1500",
                "--wait",
                "0",
            ],
        );
        assert_eq!(out.status.code(), Some(3), "{out:?}");
    }
    let out = lipa(&sim, dir.path(), &["history"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let at: Vec<usize> = stdout.lines().filter_map(|l| l.find("712345670")).collect();
    assert_eq!(at.len(), 2, "{stdout}");
    assert_eq!(at[0], at[1], "the phone column moved:\n{stdout}");
    let out = lipa(
        &sim,
        dir.path(),
        &[
            "push",
            "--provider",
            "clickpesa",
            "--phone",
            "0712345671",
            "--amount",
            "1000",
            "--name",
            "Bob\u{1b}[31mRED\nFAKE LINE",
            "--dry-run",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--name: only printable characters"),
        "{stderr}"
    );
}

/// Payments of two tills in one journal (a chain): `history` and `export` take `--till`, and
/// a human history line names its till when the list holds more than one.
#[tokio::test(flavor = "multi_thread")]
async fn history_and_export_take_a_till() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let with_till = |till: &str, args: &[&str]| {
        let mut env = env_for(&sim, dir.path());
        env.push(("LIPA_TILL", till.to_string()));
        command(env).args(args).output().expect("run lipa")
    };
    for (till, phone) in [("till-a", "0712345670"), ("till-b", "0712345671")] {
        let out = with_till(
            till,
            &[
                "push",
                "--provider",
                "clickpesa",
                "--phone",
                phone,
                "--amount",
                "1500",
                "--wait",
                "0",
            ],
        );
        assert_eq!(out.status.code(), Some(3), "{out:?}");
    }
    let out = with_till("till-a", &["history", "--till", "till-b", "--json"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("\"till\":\"till-b\""), "{stdout}");
    let out = with_till("till-a", &["history"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("till-a") && l.contains("712345670")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("till-b") && l.contains("712345671")),
        "{stdout}"
    );
    let csv = dir.path().join("b.csv");
    let out = with_till(
        "till-a",
        &[
            "export",
            "--till",
            "till-b",
            "--output",
            csv.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(&csv).expect("csv");
    assert!(
        text.contains("till-b") && !text.contains("till-a"),
        "{text}"
    );
}
