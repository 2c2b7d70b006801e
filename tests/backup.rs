//! Running a till for real: `lipa backup` while lipa runs, a backup restored into a fresh data
//! directory and resumed; journals of a newer lipa refused (SQLite and the shared ledger),
//! one of the previous schema migrated; no WAL left behind when a command ends. The real
//! binary against an in-process simulator.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/ledger.rs"]
mod ledger;

use lipa::journal::Journal;
use lipa::payment::Status;
use lipa::sim::SimStatus;
use std::path::Path;
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

fn wait_until<T>(what: &str, limit: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn run(env: &[(&'static str, String)], args: &[&str]) -> Output {
    cli::command(env.iter().cloned())
        .args(args)
        .output()
        .expect("run lipa")
}

fn spawn(env: &[(&'static str, String)], args: &[&str]) -> Child {
    cli::command(env.iter().cloned())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start lipa")
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).expect("meta").permissions().mode() & 0o777
}

fn user_version(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .expect("open")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version")
}

/// Payments are pending at the provider and a `lipa sync` and a `lipa push` are following them
/// when the backup is taken; then the till dies (both killed) and the backup is copied into a
/// fresh data directory: it opens, its open payments are picked up and followed to their end,
/// and the provider received each payment exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_live_payments_restores_and_resumes() {
    let sim = cli::simulator(Duration::from_secs(20)).await;
    let till = tempfile::tempdir().expect("till");
    let env = cli::demo_env(
        till.path(),
        &sim.clickpesa_base_url(),
        Some(&sim.cepta_base_url()),
    );
    for (provider, phone) in [
        ("clickpesa", "0712345670"),
        ("clickpesa", "0712345676"),
        ("cepta", "0712345671"),
    ] {
        let out = run(&env, &cli::push_args(provider, phone, "0"));
        assert_eq!(out.status.code(), Some(3), "sent, pending: {}", text(&out));
    }
    let mut following = vec![
        spawn(&env, &["sync", "--wait", "120"]),
        spawn(&env, &cli::push_args("clickpesa", "0712345672", "120")),
    ];
    wait_until(
        "the fourth push at the provider",
        Duration::from_secs(30),
        || (sim.ledger().len() == 4).then_some(()),
    );

    let backups = tempfile::tempdir().expect("backups");
    let file = backups.path().join("till.sqlite3");
    let file_arg = file.display().to_string();
    let out = run(&env, &["backup", &file_arg, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let said = &json_lines(&out)[0];
    assert_eq!(said["status"], "written", "{said}");
    assert_eq!(said["integrity"], "ok", "{said}");
    assert_eq!(said["payments"], 4, "{said}");
    assert_eq!(said["schema"], said["schema_known"], "{said}");
    let open = said["open"].as_i64().expect("open");
    assert!(open >= 1, "payments still open when it was taken: {said}");
    assert_eq!(mode(&file), 0o600, "private");
    let left: Vec<_> = std::fs::read_dir(backups.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        left,
        [std::ffi::OsString::from("till.sqlite3")],
        "no temporary file left"
    );

    // The till dies with its payments open.
    for child in &mut following {
        child.kill().expect("kill -9");
        child.wait().expect("reaped");
    }

    // Restored: the backup copied into a fresh data directory.
    let restored = tempfile::tempdir().expect("restored");
    std::fs::copy(&file, restored.path().join("journal.sqlite3")).expect("restore");
    let env = cli::demo_env(
        restored.path(),
        &sim.clickpesa_base_url(),
        Some(&sim.cepta_base_url()),
    );
    let mut sw = env.clone();
    sw.push(("LIPA_LANG", "sw".into()));
    let journal = restored.path().join("journal.sqlite3");
    let check = run(&sw, &["backup", "--check", &journal.display().to_string()]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let words = String::from_utf8_lossy(&check.stdout);
    assert!(
        words.contains("malipo 4") && words.contains("bado wazi"),
        "{words}"
    );
    assert!(words.contains("ukaguzi wa uadilifu: sawa"), "{words}");

    let out = run(&env, &["sync", "--wait", "90", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "every payment followed to its end: {}",
        text(&out)
    );
    let lines = json_lines(&out);
    assert_eq!(
        lines.len() as i64,
        open,
        "the open ones were picked up: {}",
        text(&out)
    );

    let journal = Journal::open_in(restored.path()).expect("the restored journal opens");
    assert_eq!(journal.integrity_check().expect("check"), "ok");
    let rows = journal.all().expect("rows");
    let ledger = sim.ledger();
    assert_eq!(rows.len(), 4);
    assert_eq!(ledger.len(), 4, "nothing sent again: {ledger:?}");
    for entry in &ledger {
        assert_eq!(entry.initiate_calls, 1, "sent once: {entry:?}");
        let p = rows
            .iter()
            .find(|p| p.reference.as_str() == entry.reference)
            .expect("in the restored journal");
        let expected = match entry.status {
            SimStatus::Paid => Status::Paid,
            SimStatus::Failed => Status::Failed,
            other => panic!("the customer answered: {other:?}"),
        };
        assert_eq!(p.status, expected, "{p:?}");
    }
}

/// `--check` says what a file holds, or that it is none of lipa's, in both languages; a
/// directory is not a backup's name; a chain is told to use pg_dump, with no password.
#[test]
fn backup_says_what_a_file_holds_and_what_to_do() {
    let dir = tempfile::tempdir().expect("dir");
    let env = |lang: &str| {
        vec![
            ("HOME", dir.path().display().to_string()),
            ("LIPA_DATA_DIR", dir.path().display().to_string()),
            ("LIPA_LANG", lang.to_string()),
        ]
    };
    let notes = dir.path().join("notes.txt");
    std::fs::write(
        &notes,
        "not a journal at all, but long enough to be read as a header....",
    )
    .expect("notes");
    let notes = notes.display().to_string();
    for (lang, words) in [
        ("en", "is not a lipa journal"),
        ("sw", "si daftari la lipa"),
    ] {
        let out = run(&env(lang), &["backup", "--check", &notes]);
        assert_eq!(out.status.code(), Some(4), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(words),
            "{}",
            text(&out)
        );
    }

    let newer = dir.path().join("newer.sqlite3");
    drop(Journal::open(&newer).expect("journal"));
    rusqlite::Connection::open(&newer)
        .expect("open")
        .pragma_update(None, "user_version", 99)
        .expect("bump");
    let newer = newer.display().to_string();
    for (lang, words) in [("en", "of a newer lipa"), ("sw", "la lipa mpya zaidi")] {
        let out = run(&env(lang), &["backup", "--check", &newer]);
        assert_eq!(
            out.status.code(),
            Some(3),
            "not restorable here: {}",
            text(&out)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(words),
            "{}",
            text(&out)
        );
    }

    let out = run(
        &env("en"),
        &["backup", &format!("{}/", dir.path().display())],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    let mut chain = env("en");
    chain.push((
        "LIPA_DATABASE_URL",
        "postgres://till:s3cret@db.example.com/lipa?sslmode=verify-full".into(),
    ));
    let out = run(&chain, &["backup", "ledger.dump"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pg_dump --format=custom --file=lipa-ledger.dump 'postgres://till@db.example.com/lipa?sslmode=verify-full'"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");
    assert!(!Path::new("ledger.dump").exists());
}

/// A journal a newer lipa wrote (a schema version above this lipa's) is refused by every
/// face with words in both languages and exit 4, nothing is sent, and the file is left byte
/// for byte as it was: not migrated, not rewritten.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_of_a_newer_lipa_is_refused_and_left_as_it_was() {
    let sim = cli::simulator(Duration::from_secs(1)).await;
    let till = tempfile::tempdir().expect("till");
    let path = till.path().join("journal.sqlite3");
    drop(Journal::open(&path).expect("journal"));
    rusqlite::Connection::open(&path)
        .expect("open")
        .pragma_update(None, "user_version", 99)
        .expect("bump");
    let bytes = std::fs::read(&path).expect("bytes");
    let mut env = cli::demo_env(till.path(), &sim.clickpesa_base_url(), None);
    for (lang, words) in [
        (
            "en",
            "journal schema version 99 is newer than this lipa understands; upgrade lipa",
        ),
        (
            "sw",
            "toleo 99 la daftari ni jipya kuliko lipa hii inavyoelewa; sasisha lipa",
        ),
    ] {
        env.push(("LIPA_LANG", lang.into()));
        let out = run(&env, &cli::push_args("clickpesa", "0712345670", "0"));
        assert_eq!(out.status.code(), Some(4), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(words),
            "{}",
            text(&out)
        );
        assert_eq!(json_lines(&out)[0]["status"], "error", "{}", text(&out));
        for args in [&["sync", "--wait", "0"][..], &["history"], &["report"]] {
            let out = run(&env, args);
            assert_eq!(out.status.code(), Some(4), "{args:?}: {}", text(&out));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(words), "{args:?}: {}", text(&out));
        }
        env.pop();
    }
    assert!(sim.ledger().is_empty(), "nothing sent");
    assert_eq!(
        std::fs::read(&path).expect("bytes"),
        bytes,
        "left as it was"
    );
    assert_eq!(user_version(&path), 99);
}

/// The same for the shared ledger (PostgreSQL): refused in words, nothing sent, its schema
/// version left as it was.
#[test]
fn a_ledger_of_a_newer_lipa_is_refused_and_left_as_it_was() {
    let Some(db) = ledger::TestDb::create("too_new_cli") else {
        return;
    };
    drop(Journal::open_postgres(&db.url).expect("ledger"));
    db.sql("UPDATE lipa_schema SET version = 99").expect("bump");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = runtime.block_on(cli::simulator(Duration::from_secs(1)));
    let till = tempfile::tempdir().expect("till");
    let mut env = cli::demo_env(till.path(), &sim.clickpesa_base_url(), None);
    env.push(("LIPA_DATABASE_URL", db.url.clone()));
    for (lang, words) in [
        ("en", "newer than this lipa"),
        ("sw", "ni jipya kuliko lipa hii"),
    ] {
        env.push(("LIPA_LANG", lang.into()));
        let out = run(&env, &cli::push_args("clickpesa", "0712345670", "0"));
        assert_eq!(out.status.code(), Some(4), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(words),
            "{}",
            text(&out)
        );
        env.pop();
    }
    assert!(sim.ledger().is_empty(), "nothing sent");
    assert_eq!(db.count("SELECT version::bigint FROM lipa_schema"), 99);
    assert_eq!(db.count("SELECT count(*) FROM payments"), 0);
}

/// A journal of the previous schema (version 9, `tests/fixtures/journal-v9.sql`, as lipa
/// wrote it) is migrated when lipa opens it: its payments, history and Z numbers kept, and
/// lipa takes new payments into it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_of_the_previous_schema_migrates() {
    let sim = cli::simulator(Duration::from_secs(1)).await;
    let till = tempfile::tempdir().expect("till");
    let path = till.path().join("journal.sqlite3");
    rusqlite::Connection::open(&path)
        .expect("open")
        .execute_batch(include_str!("fixtures/journal-v9.sql"))
        .expect("fixture");
    let env = cli::demo_env(
        till.path(),
        &sim.clickpesa_base_url(),
        Some(&sim.cepta_base_url()),
    );
    let out = run(&env, &["backup", "--check", &path.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("schema version 9, of an older lipa"),
        "{}",
        text(&out)
    );
    let out = run(&env, &["history", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let lines = json_lines(&out);
    let statuses: Vec<&str> = lines.iter().filter_map(|l| l["status"].as_str()).collect();
    assert_eq!(statuses, ["paid", "failed", "paid"], "{}", text(&out));
    assert_eq!(lines[0]["till"], "duka-1");
    assert_eq!(
        user_version(&path),
        lipa::journal::SCHEMA_VERSION as i64,
        "migrated to this lipa's schema (every step since 9)"
    );

    let out = run(&env, &cli::push_args("clickpesa", "0712345673", "30"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let conn = rusqlite::Connection::open(&path).expect("open");
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).expect(sql);
    assert_eq!(count("SELECT count(*) FROM payments"), 4);
    assert_eq!(
        count("SELECT count(*) FROM events WHERE payment_id <= 3"),
        12,
        "history kept"
    );
    assert_eq!(
        count("SELECT count(*) FROM closings WHERE number = 1"),
        1,
        "Z #1 kept"
    );
    assert_eq!(
        count("SELECT count(*) FROM cleared"),
        0,
        "the new table is there"
    );
}

/// When `lipa push` or `lipa sync` ends with payments still being followed, the journal is
/// closed before the process ends: its WAL checkpointed and `journal.sqlite3-wal` and `-shm`
/// removed (they were left about one exit in two, the newest commits only in the WAL).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_and_sync_leave_no_wal_behind() {
    let sim = cli::simulator(Duration::from_secs(5)).await;
    let till = tempfile::tempdir().expect("till");
    let env = cli::demo_env(
        till.path(),
        &sim.clickpesa_base_url(),
        Some(&sim.cepta_base_url()),
    );
    let left = || {
        ["journal.sqlite3-wal", "journal.sqlite3-shm"]
            .into_iter()
            .filter(|f| till.path().join(f).exists())
            .collect::<Vec<_>>()
    };
    for i in 0..4 {
        let phone = format!("071234567{i}");
        let out = run(&env, &cli::push_args("cepta", &phone, "2"));
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        assert_eq!(left(), Vec::<&str>::new(), "after push {i}");
        let out = run(&env, &["sync", "--wait", "1", "--json"]);
        assert!(out.status.code().is_some(), "{}", text(&out));
        assert_eq!(left(), Vec::<&str>::new(), "after sync {i}");
    }
}

/// The password of a test server's URL, for pg_dump and pg_restore (`PGPASSWORD`), as the
/// README says to give it: lipa's command names none.
fn password(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let (credentials, _) = rest.rsplit_once('@')?;
    Some(credentials.split_once(':')?.1.to_string())
}

/// On a chain, `lipa backup` prints a pg_dump command; run as printed (the password from
/// PGPASSWORD), its dump restores with `pg_restore --no-owner` into an empty database that
/// lipa opens as the ledger it was: the payments, the schema version, and new payments after
/// them.
#[test]
fn a_ledger_dumped_with_the_printed_command_restores() {
    let Some(db) = ledger::TestDb::create("pgdump") else {
        return;
    };
    if std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: pg_dump is not installed here");
        return;
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let sim = runtime.block_on(cli::simulator(Duration::from_secs(1)));
    let till = tempfile::tempdir().expect("till");
    let mut env = cli::demo_env(till.path(), &sim.clickpesa_base_url(), None);
    env.push(("LIPA_DATABASE_URL", db.url.clone()));
    for (phone, code) in [("0712345670", 0), ("0712345676", 1)] {
        let out = run(&env, &cli::push_args("clickpesa", phone, "30"));
        assert_eq!(out.status.code(), Some(code), "{}", text(&out));
    }
    let work = tempfile::tempdir().expect("work");
    let out = cli::command(env.iter().cloned())
        .args(["backup", "ledger.sqlite3"])
        .current_dir(work.path())
        .output()
        .expect("lipa backup");
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    let command = err
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("pg_dump "))
        .unwrap_or_else(|| panic!("a pg_dump command: {err}"));
    let pass = password(&db.url);
    if let Some(p) = &pass {
        assert!(!command.contains(p.as_str()), "no password: {command}");
    }
    let mut dump = std::process::Command::new("sh");
    dump.arg("-c").arg(command).current_dir(work.path());
    if let Some(p) = &pass {
        dump.env("PGPASSWORD", p);
    }
    let out = dump.output().expect("pg_dump");
    assert!(out.status.success(), "{command}: {}", text(&out));

    let restored = ledger::TestDb::create("pgrestore").expect("a second database");
    let mut restore = std::process::Command::new("pg_restore");
    restore
        .args(["--no-owner", &format!("--dbname={}", restored.url)])
        .arg(work.path().join("lipa-ledger.dump"));
    if let Some(p) = &pass {
        restore.env("PGPASSWORD", p);
    }
    let out = restore.output().expect("pg_restore");
    assert!(out.status.success(), "{}", text(&out));

    let version = "SELECT version::bigint FROM lipa_schema";
    assert_eq!(restored.count(version), db.count(version));
    env.pop();
    env.push(("LIPA_DATABASE_URL", restored.url.clone()));
    let out = run(&env, &["history", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let statuses: Vec<String> = json_lines(&out)
        .iter()
        .map(|l| l["status"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(statuses, ["failed", "paid"], "{}", text(&out));
    let out = run(&env, &cli::push_args("clickpesa", "0712345671", "30"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "a new payment after them: {}",
        text(&out)
    );
    assert_eq!(restored.count("SELECT count(*) FROM payments"), 3);
}

/// A payment recorded but not yet sent when the backup is taken is sent a moment later by the
/// process that recorded it: in the copy it is written as being sent, so a restored till asks
/// the provider about it by its reference instead of failing it as never sent (it failed
/// such a payment, once 30 s old, without asking: a customer who paid would be told failed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payment_recorded_but_not_sent_in_a_backup_is_asked_about_after_a_restore() {
    use lipa::journal::{Guard, Recorded};
    use lipa::provider::ProviderKind;
    let sim = cli::simulator(Duration::from_secs(1)).await;
    let till = tempfile::tempdir().expect("till");
    let kind = ProviderKind::ClickPesa;
    let new = lipa::payment::NewPayment {
        provider: kind,
        reference: lipa::reference::Reference::generate(kind, chrono::Utc::now().timestamp()),
        phone: lipa::phone::Phone::parse("0712345670", kind.country()).expect("phone"),
        amount: lipa::money::Money::parse("1500", kind.currency()).expect("amount"),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    };
    let journal = Journal::open_in(till.path()).expect("journal");
    let Recorded::New(p) = journal.record(&new, Guard::Off).expect("record") else {
        panic!("guard off");
    };
    assert_eq!(p.status, Status::Recorded);

    let env = cli::demo_env(till.path(), &sim.clickpesa_base_url(), None);
    let backups = tempfile::tempdir().expect("backups");
    let file = backups.path().join("till.sqlite3");
    let out = run(&env, &["backup", &file.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    drop(journal);
    let status: String = rusqlite::Connection::open(&file)
        .expect("copy")
        .query_row("SELECT status FROM payments", [], |r| r.get(0))
        .expect("status");
    assert_eq!(status, "sending", "may have been sent after the copy");

    let restored = tempfile::tempdir().expect("restored");
    std::fs::copy(&file, restored.path().join("journal.sqlite3")).expect("restore");
    let env = cli::demo_env(restored.path(), &sim.clickpesa_base_url(), None);
    let out = run(&env, &["sync", "--wait", "3", "--json"]);
    let line = &json_lines(&out)[0];
    assert_ne!(line["status"], "failed", "{}", text(&out));
    let asked = sim
        .stats()
        .requests_to("GET /third-parties/payments/{orderReference}");
    assert!(asked >= 1, "asked by reference: {}", text(&out));
    let rows = Journal::open_in(restored.path())
        .expect("journal")
        .all()
        .expect("rows");
    assert_ne!(rows[0].status, Status::Failed, "{rows:?}");
}

/// A backup of a journal that is itself damaged (an index that disagrees with its table)
/// is written — rebuilt from the rows, it checks ok — but says, in both languages and with
/// exit 3 and `journal_integrity` in JSON, that the journal is damaged; and no payment in
/// a copy is held by a process: a restored lipa takes every open payment at once instead of
/// waiting out leases nobody renews.
#[test]
fn a_backup_of_a_damaged_journal_says_so_and_holds_no_lease() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = Journal::open_in(dir.path()).expect("journal");
    let kind = lipa::provider::ProviderKind::ClickPesa;
    let first = cli::recorded_sale(&journal, kind, "0712345670", "1000");
    cli::mark_sending(&journal, first.id, None);
    let second = cli::recorded_sale(&journal, kind, "0712345671", "2000");
    drop(journal);
    let file = dir.path().join("journal.sqlite3");
    let conn = rusqlite::Connection::open(&file).expect("open");
    conn.execute(
        "UPDATE payments SET lease_owner = 'till-a:1:ff:main', lease_until = '2999-01-01T00:00:00.000Z'",
        [],
    )
    .expect("leases held");
    let env = |lang: &str| {
        vec![
            ("HOME", dir.path().display().to_string()),
            ("LIPA_DATA_DIR", dir.path().display().to_string()),
            ("LIPA_LANG", lang.to_string()),
        ]
    };
    let backups = tempfile::tempdir().expect("backups");
    let sound = backups.path().join("sound.sqlite3");
    let out = run(
        &env("en"),
        &["backup", &sound.display().to_string(), "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(json_lines(&out)[0]["journal_integrity"], "ok");
    let leases: i64 = rusqlite::Connection::open(&sound)
        .expect("copy")
        .query_row(
            "SELECT count(*) FROM payments WHERE lease_owner IS NOT NULL OR lease_until IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(leases, 0, "no lease in the copy");
    let held: i64 = conn
        .query_row(
            "SELECT count(*) FROM payments WHERE lease_owner IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(held, 2, "the journal's own leases untouched");

    // The index on references is made to describe another column: its entries no longer
    // match the rows, which SQLite's integrity check finds and VACUUM INTO rebuilds.
    conn.execute_batch(
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = 'CREATE INDEX payments_reference ON payments (phone)'
           WHERE name = 'payments_reference';
         PRAGMA writable_schema = OFF;",
    )
    .expect("damage");
    drop(conn);
    assert_ne!(
        lipa::journal::backup::inspect(&file)
            .expect("inspect")
            .integrity,
        "ok",
        "damaged"
    );
    for (lang, words) in [
        ("en", "the journal itself is damaged"),
        ("sw", "daftari lenyewe limeharibika"),
    ] {
        let copy = backups.path().join(format!("copy-{lang}.sqlite3"));
        let out = run(&env(lang), &["backup", &copy.display().to_string()]);
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains(words), "{said}");
        let holds = lipa::journal::backup::inspect(&copy).expect("the copy opens");
        assert_eq!(holds.integrity, "ok", "rebuilt");
        assert_eq!(holds.payments, 2);
    }
    let copy = backups.path().join("copy.sqlite3");
    let out = run(
        &env("en"),
        &["backup", &copy.display().to_string(), "--json"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let said = &json_lines(&out)[0];
    assert_eq!(said["integrity"], "ok", "{said}");
    assert_ne!(said["journal_integrity"], "ok", "{said}");
    assert!(said["journal_integrity"].is_string(), "{said}");
    let _ = second;
}

/// Found by a tester: `lipa backup` renamed its copy over the live journal (and over its
/// `-wal`, its lock, `/dev/null` as root). The journal, its companions by any path that
/// names them, and anything that is not a file are refused (exit 2), nothing written.
#[test]
fn a_backup_is_never_written_over_the_journal_or_a_device() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = Journal::open_in(dir.path()).expect("journal");
    cli::recorded_sale(
        &journal,
        lipa::provider::ProviderKind::ClickPesa,
        "0712345670",
        "1000",
    );
    drop(journal);
    let file = dir.path().join("journal.sqlite3");
    let before = std::fs::read(&file).expect("journal bytes");
    let link = dir.path().join("link.sqlite3");
    std::os::unix::fs::symlink(&file, &link).expect("symlink");
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let env = vec![
        ("HOME", dir.path().display().to_string()),
        ("LIPA_DATA_DIR", dir.path().display().to_string()),
    ];
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).expect("sub");
    for (dest, words) in [
        (file.display().to_string(), "lipa's data directory"),
        (
            format!("{}/sub/../journal.sqlite3", dir.path().display()),
            "lipa's data directory",
        ),
        (format!("{}-wal", file.display()), "lipa's data directory"),
        (
            format!("{}-lipa.lock", file.display()),
            "lipa's data directory",
        ),
        (
            dir.path()
                .join("ssh_host_ed25519_key")
                .display()
                .to_string(),
            "lipa's data directory",
        ),
        (link.display().to_string(), "is not a file"),
        ("/dev/null".to_string(), "is not a file"),
        (fifo.display().to_string(), "is not a file"),
    ] {
        let out = run(&env, &["backup", &dest]);
        assert_eq!(out.status.code(), Some(2), "{dest}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(words)
                || (words == "is not a file" && err.contains("lipa's data directory")),
            "{dest}: {err}"
        );
    }
    assert_eq!(
        std::fs::read(&file).expect("journal bytes"),
        before,
        "untouched"
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .expect("/dev/null")
            .file_type()
            .is_char_device()
    );
    // The same journal's file name elsewhere is a backup like any other.
    let elsewhere = sub.join("journal.sqlite3");
    let out = run(&env, &["backup", &elsewhere.display().to_string()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// Found by a tester: `--check` of a file that is not there said "its directory cannot be
/// written"; it says that the file is not there, or is a directory.
#[test]
fn check_of_nothing_says_what_is_there() {
    let dir = tempfile::tempdir().expect("dir");
    let env = vec![
        ("HOME", dir.path().display().to_string()),
        ("LIPA_DATA_DIR", dir.path().display().to_string()),
    ];
    let missing = dir.path().join("nope.sqlite3").display().to_string();
    let out = run(&env, &["backup", "--check", &missing]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("No such file"),
        "{}",
        text(&out)
    );
    let out = run(
        &env,
        &["backup", "--check", &dir.path().display().to_string()],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("it is a directory"),
        "{}",
        text(&out)
    );
}
