//! `lipa doctor`, the real binary against the in-process simulator: every provider's settings
//! good and broken, a skewed clock, a dead ledger and a real one, a damaged journal, a printer
//! that answers and one that does not, a bad operators file, no provider at all; in both
//! languages and as JSON; and never a push sent.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/ledger.rs"]
mod ledger;

use lipa::provider::settings::variable;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

/// A till whose home and data directory are `data`, every provider on `sim` with its demo
/// credentials (as `lipa simulate` prints them).
fn every_provider(data: &Path, sim: &lipa::sim::SimHandle) -> Vec<(String, String)> {
    let data = data.display().to_string();
    let mut env = vec![
        ("HOME".to_string(), data.clone()),
        ("LIPA_DATA_DIR".to_string(), data),
    ];
    for (kind, settings) in sim.demo_providers() {
        let spec = kind.spec();
        env.push((
            variable(spec.section, "base_url"),
            settings.base_url.clone(),
        ));
        for key in spec.keys {
            let value = settings
                .text(key.name)
                .or_else(|| settings.secret(key.name).map(|s| s.expose()))
                .unwrap_or_default()
                .to_string();
            env.push((variable(spec.section, key.name), value));
        }
    }
    env
}

fn with(env: &[(String, String)], changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = env
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .cloned()
        .collect();
    env.extend(changes.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

async fn doctor(env: Vec<(String, String)>, json: bool) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut cmd = cli::command(env);
        cmd.arg("doctor");
        if json {
            cmd.arg("--json");
        }
        cmd.output().expect("lipa doctor")
    })
    .await
    .expect("joined")
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The `--json` answer: whether a sale can be taken, and each check's status by
/// `area/check`.
fn checks(out: &Output) -> (String, Vec<(String, String, String)>) {
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("one JSON object ({e}): {}", text(out)));
    let sale = v["sale"].as_str().expect("sale").to_string();
    let all = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            (
                format!(
                    "{}/{}",
                    c["area"].as_str().expect("area"),
                    c["check"].as_str().expect("check")
                ),
                c["status"].as_str().expect("status").to_string(),
                c["message"].as_str().expect("message").to_string(),
            )
        })
        .collect();
    (sale, all)
}

fn status_of<'a>(all: &'a [(String, String, String)], what: &str) -> Vec<&'a str> {
    all.iter()
        .filter(|(name, ..)| name == what)
        .map(|(_, status, _)| status.as_str())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn good_settings_pass_and_broken_ones_are_named_without_a_push() {
    let sim = cli::simulator(Duration::from_secs(5)).await;
    let till = tempfile::tempdir().expect("till");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(till.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let env = every_provider(till.path(), &sim);

    let out = doctor(env.clone(), true).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (sale, all) = checks(&out);
    assert_eq!(sale, "yes");
    for kind in lipa::provider::ProviderKind::ALL {
        for check in ["reached", "clock", "credentials"] {
            assert_eq!(
                status_of(&all, &format!("{}/{check}", kind.id())),
                ["ok"],
                "{}",
                text(&out)
            );
        }
    }
    assert_eq!(status_of(&all, "journal/journal"), ["ok"]);
    assert_eq!(status_of(&all, "data/private"), ["ok"]);
    // The simulator's Daraja callback address is a reserved example name.
    assert_eq!(status_of(&all, "daraja/callback"), ["warn"]);

    // Both languages, a line each, the verdict last.
    for (lang, first, last) in [
        ("en", "lipa doctor:", "A sale can be taken."),
        ("sw", "lipa doctor:", "Malipo yanaweza kupokelewa."),
    ] {
        let out = doctor(with(&env, &[("LIPA_LANG", lang)]), false).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.starts_with(first), "{said}");
        assert_eq!(said.lines().last(), Some(last), "{said}");
        assert!(
            said.lines().any(|l| l.starts_with("✓ pawapay-tz")),
            "{said}"
        );
    }

    // Every provider's credentials wrong: each named with its own key, no sale.
    let wrong = with(
        &env,
        &[
            ("LIPA_CLICKPESA_API_KEY", "wrong"),
            ("LIPA_CEPTA_SECRET_KEY", "wrong"),
            ("LIPA_DARAJA_PASSKEY", "wrong"),
            ("LIPA_SELCOM_API_SECRET", "wrong"),
            ("LIPA_PAWAPAY_API_TOKEN", "wrong"),
        ],
    );
    let out = doctor(wrong.clone(), true).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let (sale, all) = checks(&out);
    assert_eq!(sale, "no");
    for (kind, key) in [
        ("clickpesa", "LIPA_CLICKPESA_API_KEY"),
        ("cepta", "secret key"),
        ("daraja", "LIPA_DARAJA_PASSKEY"),
        ("selcom", "api secret"),
        ("pawapay-ke", "LIPA_PAWAPAY_API_TOKEN"),
    ] {
        let found: Vec<_> = all
            .iter()
            .filter(|(name, ..)| name == &format!("{kind}/credentials"))
            .collect();
        assert_eq!(found.len(), 1, "{}", text(&out));
        assert_eq!(found[0].1, "fail", "{}", text(&out));
        assert!(found[0].2.contains(key), "{kind}: {}", found[0].2);
    }
    let said = String::from_utf8_lossy(&doctor(wrong.clone(), false).await.stdout).to_string();
    for secret in [
        "demo-api-key",
        "demo_secret_key",
        "demo_selcom_secret",
        "wrong",
    ] {
        assert!(!said.contains(secret), "no key on screen: {said}");
    }

    // One provider broken, the others fine: a sale can be taken, but not everything works.
    let out = doctor(with(&env, &[("LIPA_CLICKPESA_API_KEY", "wrong")]), true).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert_eq!(checks(&out).0, "partly");

    // A clock 400 s ahead: refused by the providers that sign the time, told to the others.
    sim.set_faults(lipa::sim::Faults {
        clock_offset_secs: -400,
        ..Default::default()
    });
    let out = doctor(env.clone(), true).await;
    let (_, all) = checks(&out);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    for signed in ["cepta", "selcom"] {
        assert_eq!(
            status_of(&all, &format!("{signed}/clock")),
            ["fail"],
            "{}",
            text(&out)
        );
    }
    for other in ["clickpesa", "daraja", "pawapay-ke"] {
        assert_eq!(
            status_of(&all, &format!("{other}/clock")),
            ["warn"],
            "{}",
            text(&out)
        );
    }
    let cepta = &all
        .iter()
        .find(|(n, ..)| n == "cepta/clock")
        .expect("cepta")
        .2;
    assert!(cepta.contains("6 min 40 s ahead of Cepta's"), "{cepta}");
    let sw = doctor(with(&env, &[("LIPA_LANG", "sw")]), false).await;
    assert!(
        String::from_utf8_lossy(&sw.stdout).contains("iko mbele ya Cepta kwa dakika 6 sekunde 40"),
        "{}",
        text(&sw)
    );
    sim.set_faults(lipa::sim::Faults::default());

    // A provider nobody can reach.
    let out = doctor(
        with(
            &env,
            &[("LIPA_SELCOM_BASE_URL", "http://127.0.0.1:9/selcom/v1")],
        ),
        true,
    )
    .await;
    let (_, all) = checks(&out);
    assert_eq!(
        status_of(&all, "selcom/reached"),
        ["fail"],
        "{}",
        text(&out)
    );
    assert!(status_of(&all, "selcom/credentials").is_empty());

    // Found by a tester: a wrong base path answered 404 on every path, which Cepta and
    // Selcom took for "no such payment", and a wrong checksum key was never used.
    let nowhere = format!("{}/nothing", sim.cepta_base_url());
    let out = doctor(
        with(
            &env,
            &[
                ("LIPA_CEPTA_BASE_URL", &nowhere),
                ("LIPA_SELCOM_BASE_URL", &nowhere),
                ("LIPA_CLICKPESA_CHECKSUM_KEY", "wrong"),
            ],
        ),
        true,
    )
    .await;
    let (_, all) = checks(&out);
    for kind in ["cepta", "selcom", "clickpesa"] {
        assert_eq!(
            status_of(&all, &format!("{kind}/credentials")),
            ["fail"],
            "{kind}: {}",
            text(&out)
        );
    }

    // A clock 2 minutes off that Selcom still takes: told, not refused.
    sim.set_faults(lipa::sim::Faults {
        clock_offset_secs: -120,
        ..Default::default()
    });
    let out = doctor(env.clone(), true).await;
    let (_, all) = checks(&out);
    assert_eq!(
        status_of(&all, "selcom/credentials"),
        ["ok"],
        "{}",
        text(&out)
    );
    assert_eq!(status_of(&all, "selcom/clock"), ["warn"], "{}", text(&out));
    sim.set_faults(lipa::sim::Faults::default());
    assert!(
        sim.ledger().is_empty(),
        "no push was sent: {:?}",
        sim.ledger()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_till_itself_journal_ledger_printer_and_operators() {
    let sim = cli::simulator(Duration::from_secs(5)).await;
    let till = tempfile::tempdir().expect("till");
    let data = till.path().join("data");
    std::fs::create_dir(&data).expect("data");
    let env = with(
        &every_provider(&data, &sim),
        &[("HOME", &till.path().display().to_string())],
    );

    // No provider at all: the demo opens, no sale.
    let bare = vec![
        ("HOME".to_string(), till.path().display().to_string()),
        ("LIPA_DATA_DIR".to_string(), data.display().to_string()),
    ];
    let out = doctor(bare, true).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert_eq!(status_of(&checks(&out).1, "settings/providers"), ["fail"]);

    // A data directory not there yet, and one that is a file.
    let fresh = with(
        &env,
        &[(
            "LIPA_DATA_DIR",
            &till.path().join("new").display().to_string(),
        )],
    );
    let out = doctor(fresh, true).await;
    let (_, all) = checks(&out);
    assert!(
        all.iter()
            .any(|(n, s, m)| n == "data/private" && s == "ok" && m.contains("not there yet")),
        "{}",
        text(&out)
    );
    let a_file = till.path().join("a-file");
    std::fs::write(&a_file, "x").expect("file");
    let out = doctor(
        with(&env, &[("LIPA_DATA_DIR", &a_file.display().to_string())]),
        true,
    )
    .await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let (_, all) = checks(&out);
    assert_eq!(status_of(&all, "data/writable"), ["fail"], "{}", text(&out));
    assert!(
        status_of(&all, "journal/journal").is_empty(),
        "{}",
        text(&out)
    );
    // A journal a newer lipa wrote; then a damaged one.
    let file = data.join("journal.sqlite3");
    drop(lipa::journal::Journal::open(&file).expect("journal"));
    let conn = rusqlite::Connection::open(&file).expect("open");
    conn.pragma_update(None, "user_version", 99).expect("bump");
    let out = doctor(env.clone(), true).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert_eq!(status_of(&checks(&out).1, "journal/schema"), ["fail"]);
    let known = lipa::journal::backup::Holds::known();
    conn.pragma_update(None, "user_version", known)
        .expect("back");
    drop(conn);
    let journal = lipa::journal::Journal::open(&file).expect("journal");
    cli::recorded_sale(
        &journal,
        lipa::provider::ProviderKind::ClickPesa,
        "0712345670",
        "1000",
    );
    drop(journal);
    let conn = rusqlite::Connection::open(&file).expect("open");
    conn.execute_batch(
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = 'CREATE INDEX payments_reference ON payments (phone)'
           WHERE name = 'payments_reference';
         PRAGMA writable_schema = OFF;",
    )
    .expect("damage");
    drop(conn);
    let out = doctor(env.clone(), true).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert_eq!(status_of(&checks(&out).1, "journal/integrity"), ["fail"]);
    std::fs::remove_file(&file).expect("gone");

    // A data directory others can read: told, not refused.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = doctor(env.clone(), true).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(status_of(&checks(&out).1, "data/private"), ["warn"]);
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).expect("chmod");

    // A network printer that takes a connection, then one that does not; a bad operators file.
    let config = till.path().join(".config/lipa/config.toml");
    std::fs::create_dir_all(config.parent().expect("dir")).expect("dir");
    let printer = std::net::TcpListener::bind("127.0.0.1:0").expect("printer");
    let at = format!("tcp://{}", printer.local_addr().expect("addr"));
    std::fs::write(&config, format!("[receipt]\nprinter = \"{at}\"\n")).expect("config");
    let out = doctor(env.clone(), true).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let (_, all) = checks(&out);
    assert_eq!(status_of(&all, "printer/printer"), ["ok"], "{}", text(&out));
    assert!(
        all.iter()
            .any(|(n, _, m)| n == "settings/file" && m.contains("config.toml")),
        "{}",
        text(&out)
    );
    drop(printer);
    let out = doctor(env.clone(), true).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert_eq!(status_of(&checks(&out).1, "printer/printer"), ["fail"]);
    std::fs::remove_file(&config).expect("no printer");

    // A printer path that is a pipe nobody reads: said, never waited on.
    let fifo = till.path().join("printer");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    std::fs::write(
        &config,
        format!("[receipt]\nprinter = \"{}\"\n", fifo.display()),
    )
    .expect("config");
    let out = doctor(env.clone(), true).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert_eq!(status_of(&checks(&out).1, "printer/printer"), ["fail"]);
    std::fs::remove_file(&config).expect("no printer");

    // A data directory others may write, a journal this user may not: no sale.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let out = doctor(env.clone(), true).await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    let journal_file = data.join("journal.sqlite3");
    drop(lipa::journal::Journal::open(&journal_file).expect("journal"));
    std::fs::set_permissions(&journal_file, std::fs::Permissions::from_mode(0o400)).expect("chmod");
    let out = doctor(env.clone(), true).await;
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    if !root {
        assert_eq!(out.status.code(), Some(4), "{}", text(&out));
        assert_eq!(
            status_of(&checks(&out).1, "journal/writable"),
            ["fail"],
            "{}",
            text(&out)
        );
    }
    std::fs::set_permissions(&journal_file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    std::fs::remove_file(&journal_file).expect("gone");

    let operators = till.path().join(".config/lipa/operators");
    std::fs::create_dir_all(operators.parent().expect("dir")).expect("dir");
    let secret_line = format!("root:{}:20228:0:99999:7:::", "x".repeat(80));
    std::fs::write(&operators, format!("{secret_line} ssh-ed25519 AAAA\n")).expect("operators");
    std::fs::set_permissions(&operators, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = doctor(env.clone(), true).await;
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(&secret_line),
        "a line is quoted in part only: {}",
        text(&out)
    );
    let operators = till.path().join(".config/lipa/operators");
    std::fs::create_dir_all(operators.parent().expect("dir")).expect("dir");
    std::fs::write(&operators, "rehema agent not-a-key\n").expect("operators");
    std::fs::set_permissions(&operators, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = doctor(env.clone(), true).await;
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert_eq!(
        status_of(&checks(&out).1, "operators/operators"),
        ["fail"],
        "{}",
        text(&out)
    );

    // A ledger nobody answers at: no sale.
    let out = doctor(
        with(
            &env,
            &[("LIPA_DATABASE_URL", "postgres://lipa@127.0.0.1:9/lipa")],
        ),
        true,
    )
    .await;
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let (_, all) = checks(&out);
    assert_eq!(status_of(&all, "ledger/reached"), ["fail"]);
    assert!(
        status_of(&all, "journal/journal").is_empty(),
        "a chain has no till journal"
    );

    // A real, empty ledger; then one a till made; never migrated by the doctor.
    if let Some(db) = ledger::TestDb::create("doctor") {
        let chain = with(&env, &[("LIPA_DATABASE_URL", &db.url)]);
        let out = doctor(chain.clone(), true).await;
        assert_eq!(out.status.code(), Some(3), "{}", text(&out));
        let (_, all) = checks(&out);
        assert_eq!(status_of(&all, "ledger/schema"), ["ok"], "{}", text(&out));
        assert!(
            all.iter()
                .any(|(n, _, m)| n == "ledger/schema" && m.contains("empty")),
            "{}",
            text(&out)
        );
        assert_eq!(
            db.count("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'lipa%' OR tablename = 'payments'"),
            0,
            "the doctor made no table"
        );
        drop(lipa::journal::Journal::open_postgres(&db.url).expect("a till makes it"));
        let out = doctor(chain, true).await;
        let (_, all) = checks(&out);
        assert!(
            all.iter().any(|(n, s, m)| n == "ledger/schema"
                && s == "ok"
                && m.contains("as this lipa writes it")),
            "{}",
            text(&out)
        );
        assert_eq!(
            status_of(&all, "ledger/tls"),
            ["ok"],
            "a ledger on this machine: {}",
            text(&out)
        );
    }
    assert!(sim.ledger().is_empty(), "no push was sent");
}

/// Found by a tester: an answer that never ends was read whole into memory (15 GB before
/// the time limit). It is cut, and read as no usable answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_answer_is_cut_not_read_whole() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = conn.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
                if conn.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("10000\r\n{}\r\n", "x".repeat(0x10000));
                while conn.write_all(chunk.as_bytes()).await.is_ok() {}
            });
        }
    });
    let till = tempfile::tempdir().expect("till");
    let env = vec![
        ("HOME".to_string(), till.path().display().to_string()),
        (
            "LIPA_DATA_DIR".to_string(),
            till.path().display().to_string(),
        ),
        (
            "LIPA_CLICKPESA_BASE_URL".to_string(),
            // A password written in the address is never shown.
            format!("http://till:s3cretpw@{addr}/third-parties"),
        ),
        ("LIPA_CLICKPESA_CLIENT_ID".to_string(), "id".to_string()),
        ("LIPA_CLICKPESA_API_KEY".to_string(), "key".to_string()),
    ];
    let out = doctor(env, true).await;
    let (_, all) = checks(&out);
    let said = all
        .iter()
        .find(|(n, ..)| n == "clickpesa/credentials")
        .unwrap_or_else(|| panic!("{}", text(&out)));
    assert_eq!(said.1, "fail", "{}", text(&out));
    assert!(
        !said.2.contains("timed out"),
        "cut, not waited out: {}",
        said.2
    );
    assert!(!text(&out).contains("s3cretpw"), "{}", text(&out));
}
