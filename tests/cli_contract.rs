//! The headless contract at its edges: JSON on every exit, `lipa check`, the last question at
//! the end of a wait, a closed stdout, channels, and names that reach the journal.

#[path = "support/cli.rs"]
mod cli;

use cli::{command, demo_env, push_args};
use lipa::journal::{Change, Guard, Journal, Recorded};
use lipa::payment::{EventKind, NewPayment, Status};
use lipa::sim::{self, SimConfig, SimHandle, demo};
use lipa::strings::Msg;
use std::process::Output;
use std::time::Duration;

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

fn env(sim: &SimHandle, data: &std::path::Path) -> Vec<(&'static str, String)> {
    let cepta = sim.cepta_base_url();
    demo_env(data, &sim.clickpesa_base_url(), Some(&cepta))
}

fn lipa(sim: &SimHandle, data: &std::path::Path, args: &[&str]) -> Output {
    command(env(sim, data))
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

/// `--json` ends with one object on every exit: `invalid` for refused input (exit 2),
/// `error` when lipa could not start (exit 4).
#[tokio::test(flavor = "multi_thread")]
async fn every_exit_ends_with_one_json_object() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    let bad = lipa(
        &sim,
        data.path(),
        &[
            "push",
            "--provider",
            "clickpesa",
            "--phone",
            "0612",
            "--amount",
            "100",
            "--json",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    let json = last_json(&bad);
    assert_eq!(json["status"], "invalid", "{json}");
    assert!(
        json["message"]
            .as_str()
            .unwrap_or_default()
            .contains("--phone")
    );
    let unconfigured = command([("LIPA_DATA_DIR", data.path().display().to_string())])
        .args(push_args("cepta", "0712345670", "0"))
        .output()
        .expect("run");
    assert_eq!(unconfigured.status.code(), Some(4));
    assert_eq!(last_json(&unconfigured)["status"], "error");
    let sync = command([("LIPA_CONFIG_IGNORED", "x")])
        .args(["--config", "/nonexistent/lipa.toml", "sync", "--json"])
        .output()
        .expect("run");
    assert_eq!(sync.status.code(), Some(4));
    assert_eq!(last_json(&sync)["status"], "error");
    assert!(sim.ledger().is_empty());
}

/// `lipa check` marks an *attention* payment checked, with the note and who in its history;
/// `lipa sync` then counts it done (it exited 3 forever before).
#[tokio::test(flavor = "multi_thread")]
async fn check_resolves_an_attention_payment_for_sync() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    // A payment left *sending* long ago by a process that died: sync asks a person.
    let reference = {
        let j = Journal::open_in(data.path()).expect("journal");
        let new = NewPayment {
            provider: lipa::provider::ProviderKind::ClickPesa,
            reference: lipa::reference::Reference::generate(
                lipa::provider::ProviderKind::ClickPesa,
                chrono::Utc::now().timestamp(),
            ),
            phone: lipa::phone::Phone::parse("0712345670", lipa::phone::Country::Tanzania)
                .expect("phone"),
            amount: lipa::money::Money::from_minor(1500, lipa::money::Currency::Tzs),
            channel: None,
            email: None,
            name: None,
            replaces: None,
            operator: "rehema".into(),
        };
        let Recorded::New(p) = j.record(&new, Guard::Off).expect("record") else {
            panic!("guard off");
        };
        let sending = Change {
            to: Status::Sending,
            message: &Msg::Empty,
            provider_id: None,
            heard: false,
        };
        j.transition(p.id, Status::Recorded, &sending)
            .expect("sending");
        let long_ago = (chrono::Utc::now() - chrono::Duration::minutes(5))
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        rusqlite::Connection::open(j.path())
            .expect("open")
            .execute(
                "UPDATE payments SET created_at = ?1, sent_at = ?1 WHERE id = ?2",
                rusqlite::params![long_ago, p.id],
            )
            .expect("backdate");
        p.reference.to_string()
    };
    let first = lipa(&sim, data.path(), &["sync", "--wait", "20", "--json"]);
    assert_eq!(first.status.code(), Some(3), "{first:?}");
    let json = last_json(&first);
    assert_eq!(
        (json["status"].as_str(), json["checked"].as_bool()),
        (Some("attention"), Some(false))
    );
    let check = command(env(&sim, data.path()))
        .args([
            "check",
            &reference,
            "--note",
            "customer showed the SMS",
            "--json",
        ])
        .env("USER", "rehema")
        .output()
        .expect("check");
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    let json = last_json(&check);
    assert_eq!(json["checked"], true, "{json}");
    // Checked again by someone else: told who did first; a note is not saved, and says so.
    let twice = |note: Option<&str>| {
        let mut args = vec!["check", reference.as_str(), "--operator", "juma", "--json"];
        args.extend(note.iter().flat_map(|n| ["--note", *n]));
        lipa(&sim, data.path(), &args)
    };
    let second = twice(Some("saw it on the dashboard"));
    let said = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{said}");
    assert!(
        said.contains("already checked by rehema")
            && said.contains("your note was not saved: \"saw it on the dashboard\""),
        "{said}"
    );
    assert_eq!(last_json(&second)["checked"], true);
    let bare = twice(None);
    assert_eq!(bare.status.code(), Some(0), "{bare:?}");
    let again = lipa(&sim, data.path(), &["sync", "--wait", "5", "--json"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    let j = Journal::open_in(data.path()).expect("journal");
    let p = j.find_reference(&reference).expect("find").expect("row");
    assert_eq!(p.checked_by.as_deref(), Some("rehema"));
    let events = j.events(p.id).expect("events");
    let check_event = events
        .iter()
        .find(|e| e.kind == EventKind::Check)
        .expect("the check is in the history");
    assert_eq!(check_event.who.as_deref(), Some("rehema"));
    assert_eq!(check_event.message.to_string(), "customer showed the SMS");
    // A paid payment cannot be "checked"; an unknown reference is refused.
    let unknown = lipa(&sim, data.path(), &["check", "LPNOSUCH123", "--json"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(last_json(&unknown)["status"], "invalid");
}

/// A wait shorter than the schedule's first question still asks once before reporting.
#[tokio::test(flavor = "multi_thread")]
async fn a_short_wait_asks_once_before_reporting() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    let out = lipa(
        &sim,
        data.path(),
        &push_args("clickpesa", "0712345670", "2"),
    );
    let json = last_json(&out);
    assert_eq!(json["status"], "paid", "{json}");
    assert_eq!(out.status.code(), Some(0));
}

/// A closed or full stdout after the send: no panic, exit 4 with one line on stderr, and the
/// payment in the journal.
#[tokio::test(flavor = "multi_thread")]
async fn a_full_stdout_is_said_on_stderr_and_the_payment_kept() {
    use std::os::unix::fs::PermissionsExt;
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o700)).expect("private");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = command(env(&sim, data.path()))
        .args(push_args("clickpesa", "0712345670", "0"))
        .stdout(full)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    // Found by a tester: 4 says "refused, nothing charged", and a wrapper that re-sends on 4
    // would charge twice. The prompt went out: 3, for `lipa sync` to tell.
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let rows = Journal::open_in(data.path())
        .expect("journal")
        .all()
        .expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(sim.ledger().len(), 1);
}

/// A closed stderr is not a panic: a command that has something to say and nobody to hear it
/// ends with its own exit code (it was 101, "failed printing to stderr", though the command's
/// work was done: found by a tester with `lipa backup X 2>&1 | head -c 10`).
#[test]
fn a_closed_stderr_is_not_a_panic() {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = command([("LIPA_CONFIG_IGNORED", "x")])
        .args(["--config", "/nonexistent/lipa.toml", "sync"])
        .stderr(writer)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(4));
}

/// A reader that closes its end (`lipa history | head`) had what it wanted: a command that only
/// reads ends quietly with its own code (it said "Broken pipe" and exited 4).
#[test]
fn a_reader_that_closes_the_pipe_ends_a_read_quietly() {
    let data = tempfile::tempdir().expect("data");
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = command([("LIPA_DATA_DIR", data.path().display().to_string())])
        .args(["history"])
        .stdout(writer)
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("stdout"), "{err}");
}

/// A channel Cepta does not offer is refused before anything is sent (the dry run said ok and
/// the push then failed); one unlike the number's network is warned about.
#[tokio::test(flavor = "multi_thread")]
async fn channels_are_checked_before_sending() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    let mut unknown = push_args("cepta", "0712345670", "0");
    unknown.extend(["--channel", "99999", "--dry-run"]);
    let out = lipa(&sim, data.path(), &unknown);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(last_json(&out)["status"], "invalid");
    let mut unlike = push_args("cepta", "0712345670", "0");
    unlike.extend(["--channel", "63903", "--dry-run"]);
    let out = lipa(&sim, data.path(), &unlike);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning") && err.contains("63903"), "{err}");
    assert!(sim.ledger().is_empty());
}

/// A name is at most 60 printable characters: longer is refused, and so is one holding an
/// escape sequence (refused with words, not silently cleaned): nothing reaches the journal.
#[tokio::test(flavor = "multi_thread")]
async fn names_are_short_and_printable() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    let long = "N".repeat(500);
    let mut args = push_args("cepta", "0712345670", "0");
    args.extend(["--name", &long]);
    let out = lipa(&sim, data.path(), &args);
    assert_eq!(out.status.code(), Some(2));
    let mut args = push_args("cepta", "0712345670", "0");
    args.extend(["--name", "Rehema\u{1b}[2J\u{1b}]0;pwned\u{7} Mushi"]);
    let out = lipa(&sim, data.path(), &args);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let rows = Journal::open_in(data.path())
        .expect("journal")
        .all()
        .expect("rows");
    assert!(rows.is_empty(), "{rows:?}");
    assert!(sim.ledger().is_empty());
}

/// Processes share ClickPesa's token (a private file in the data directory): three pushes,
/// one token.
#[tokio::test(flavor = "multi_thread")]
async fn processes_share_one_clickpesa_token() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    for phone in ["0712345670", "0712345671", "0712345672"] {
        let out = lipa(&sim, data.path(), &push_args("clickpesa", phone, "0"));
        assert_eq!(out.status.code(), Some(3), "{out:?}");
    }
    assert_eq!(sim.stats().tokens_issued, 1, "{:?}", sim.stats());
}

/// With the simulator's schedule scale (printed by `lipa simulate`), a push finds a quick
/// customer as quickly as they answer, not at the real schedule's first question (9 s).
#[tokio::test(flavor = "multi_thread")]
async fn a_simulator_scale_finds_quick_customers_quickly() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    let out = command(env(&sim, data.path()))
        .args(push_args("clickpesa", "0712345670", "30"))
        .env("LIPA_SCHEDULE_SCALE", "0.05")
        .output()
        .expect("run");
    assert_eq!(last_json(&out)["status"], "paid", "{out:?}");
    // The journal says when it learned: long before the real schedule's first question.
    let p = &Journal::open_in(data.path())
        .expect("journal")
        .all()
        .expect("rows")[0];
    let learned = p.updated_at - p.sent_at.expect("sent");
    assert!(
        learned < chrono::Duration::seconds(8),
        "learned after {learned}"
    );
}

/// A base URL without `/third-parties` gets ClickPesa's page-not-found: the message points at
/// the path, not just "HTTP 404".
#[tokio::test(flavor = "multi_thread")]
async fn a_base_url_without_its_path_is_pointed_at() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    let root = sim.clickpesa_base_url().replace("/third-parties", "");
    let out = command(env(&sim, data.path()))
        .env("LIPA_CLICKPESA_BASE_URL", &root)
        .args(push_args("clickpesa", "0712345670", "0"))
        .output()
        .expect("run");
    let said = last_json(&out)["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(said.contains("/third-parties"), "{said}");
    assert!(sim.ledger().is_empty());
}

/// A data directory other users can read is warned about; the journal and log are `0600`.
#[tokio::test(flavor = "multi_thread")]
async fn an_open_data_directory_is_warned_about_and_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = lipa(
        &sim,
        data.path(),
        &push_args("clickpesa", "0712345670", "0"),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("chmod 700"), "{err}");
    for file in ["journal.sqlite3", "lipa.log"] {
        let mode = std::fs::metadata(data.path().join(file))
            .expect(file)
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "{file} is {mode:o}");
    }
}

#[test]
fn a_bad_command_line_with_json_still_ends_with_one_json_object() {
    // Found by a tester: clap's errors (a missing flag, a bad value, an unknown one) printed only
    // text, so a script reading the last line got nothing.
    for (args, about) in [
        (vec!["push", "--json"], "--provider"),
        (
            vec![
                "push",
                "--provider",
                "mpesa",
                "--phone",
                "0712345670",
                "--amount",
                "1",
                "--json",
            ],
            "mpesa",
        ),
        (vec!["sync", "--wait", "abc", "--json"], "abc"),
        (vec!["check", "--json", "--bogus"], "--bogus"),
    ] {
        for lang in ["en", "sw"] {
            let out = command([("LIPA_LANG", lang)])
                .args(&args)
                .output()
                .expect("run");
            assert_eq!(out.status.code(), Some(2), "{args:?} {lang}");
            let json = last_json(&out);
            assert_eq!(json["status"], "invalid", "{args:?} {lang}: {json}");
            let message = json["message"].as_str().unwrap_or_default();
            assert!(message.contains(about), "{args:?} {lang}: {message}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            let speaks = if lang == "sw" { "kosa:" } else { "error:" };
            assert!(stderr.contains(speaks), "{args:?} {lang}: {stderr}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_refuses_a_reference_the_journal_holds() {
    // Found by a tester: --dry-run said ok to a reference the real push then refused.
    use std::os::unix::fs::PermissionsExt;
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o700)).expect("private");
    let mut first = push_args("clickpesa", "0712345670", "0");
    first.extend(["--reference", "ORDER77"]);
    let sent = command(env(&sim, data.path()))
        .args(&first)
        .output()
        .expect("run");
    assert_eq!(last_json(&sent)["reference"], "ORDER77");
    let mut again = push_args("clickpesa", "0712345671", "0");
    again.extend(["--reference", "ORDER77", "--dry-run"]);
    let dry = command(env(&sim, data.path()))
        .args(&again)
        .output()
        .expect("run");
    assert_eq!(dry.status.code(), Some(2), "{dry:?}");
    let json = last_json(&dry);
    assert_eq!(json["status"], "invalid", "{json}");
    assert!(
        json["message"]
            .as_str()
            .unwrap_or_default()
            .contains("--reference")
    );
}

#[test]
fn help_speaks_the_language_from_the_flag_the_config_and_the_help_command() {
    // Found by a tester: `lipa help` was an unknown command in Swahili, and a config's
    // `language = "sw"` left --help in English.
    let dir = tempfile::tempdir().expect("dir");
    let conf = dir.path().join("lipa.toml");
    std::fs::write(&conf, "language = \"sw\"\n").expect("config");
    let conf = conf.display().to_string();
    for args in [
        vec!["--lang", "sw", "help", "push"],
        vec!["--config", conf.as_str(), "push", "--help"],
        vec!["--config", conf.as_str(), "help"],
    ] {
        let out = command([("HOME", dir.path().display().to_string())])
            .args(&args)
            .output()
            .expect("run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert!(text.contains("Matumizi:"), "{args:?}: {text}");
    }
    let out = command([("LIPA_LANG", "sw")])
        .args(["push", "--provider", "mpesa"])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("clickpesa, cepta"),
        "the allowed values are said: {err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_payment_records_who_pushed_it() {
    // Issue 12's first part: the operator, from --operator, else the config, else the OS user.
    use std::os::unix::fs::PermissionsExt;
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o700)).expect("private");
    let mut args = push_args("clickpesa", "0712345670", "0");
    args.extend(["--operator", "amani"]);
    let named = command(env(&sim, data.path()))
        .args(&args)
        .output()
        .expect("run");
    assert_eq!(last_json(&named)["operator"], "amani", "{named:?}");
    let mut by_user = env(&sim, data.path());
    by_user.push(("USER", "zawadi".into()));
    let defaulted = command(by_user)
        .args(push_args("clickpesa", "0712345671", "0"))
        .output()
        .expect("run");
    assert_eq!(last_json(&defaulted)["operator"], "zawadi");
    let rows = Journal::open_in(data.path())
        .expect("journal")
        .all()
        .expect("rows");
    let mut who: Vec<_> = rows.iter().map(|p| p.operator.as_str()).collect();
    who.sort();
    assert_eq!(who, ["amani", "zawadi"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn history_finds_payments_by_day_operator_phone_status_and_reference() {
    // Issue 13's first part: `lipa history` over the whole journal, newest first.
    use std::os::unix::fs::PermissionsExt;
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    std::fs::set_permissions(data.path(), std::fs::Permissions::from_mode(0o700)).expect("private");
    for (phone, who) in [
        ("0712345670", "amani"),
        ("0712345671", "rehema"),
        ("0712345676", "rehema"),
    ] {
        let mut args = push_args("clickpesa", phone, "0");
        args.extend(["--operator", who]);
        let out = command(env(&sim, data.path()))
            .args(&args)
            .output()
            .expect("push");
        assert_eq!(last_json(&out)["operator"], who);
    }
    let history = |extra: &[&str]| {
        let mut args = vec!["history", "--json"];
        args.extend_from_slice(extra);
        let out = command(env(&sim, data.path()))
            .args(&args)
            .output()
            .expect("history");
        let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).expect("json line"))
            .collect();
        (out.status.code(), lines)
    };
    let (code, all) = history(&["--since", "today"]);
    assert_eq!((code, all.len()), (Some(0), 3));
    assert_eq!(all[0]["phone"], "255712345676", "newest first");
    for line in &all {
        for field in [
            "created_at",
            "updated_at",
            "operator",
            "checked",
            "status",
            "reference",
        ] {
            assert!(line.get(field).is_some(), "{field} in {line}");
        }
        assert!(
            line["created_at"]
                .as_str()
                .unwrap_or_default()
                .contains('T')
        );
    }
    assert_eq!(history(&["--operator", "amani"]).1.len(), 1);
    assert_eq!(history(&["--phone", "345671"]).1.len(), 1);
    let reference = all[1]["reference"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    assert_eq!(history(&["--reference", &reference]).1.len(), 1, "any case");
    assert_eq!(history(&["--limit", "2"]).1.len(), 2);
    assert_eq!(history(&["--until", "yesterday"]).1.len(), 0);
    assert_eq!(history(&["--since", "12/05"]).0, Some(2));
    assert_eq!(history(&["--status", "done"]).0, Some(2));
}
