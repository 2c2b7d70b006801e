//! Tills of a chain, as real processes, on one shared ledger in a real PostgreSQL server:
//! each records its payments as its own, every till sees every payment, and a ledger that
//! cannot be reached means nothing is sent.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/ledger.rs"]
mod ledger;
#[path = "support/pty.rs"]
mod pty;

use cli::{command, demo_env, push_args};
use lipa::sim::{self, SimConfig, SimHandle, demo};
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

fn till(sim: &SimHandle, data: &std::path::Path, name: &str, url: &str, args: &[&str]) -> Output {
    let mut env = demo_env(data, &sim.clickpesa_base_url(), None);
    env.push(("LIPA_TILL", name.into()));
    env.push(("LIPA_DATABASE_URL", url.into()));
    command(env).args(args).output().expect("run lipa")
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn two_tills_one_ledger() {
    let Some(db) = ledger::TestDb::create("two_tills") else {
        return;
    };
    let sim = simulator().await;
    let (a, b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let paid_a = till(
        &sim,
        a.path(),
        "till-a",
        &db.url,
        &push_args("clickpesa", "0712345670", "30"),
    );
    let paid_b = till(
        &sim,
        b.path(),
        "till-b",
        &db.url,
        &push_args("clickpesa", "0712345680", "30"),
    );
    for (name, out) in [("till-a", &paid_a), ("till-b", &paid_b)] {
        let last = json_lines(out).pop().expect("json");
        assert_eq!(last["status"], "paid", "{name}: {last}");
        assert_eq!(last["till"], name, "{last}");
    }
    // Till B sees both, each under the till that recorded it; no SQLite journal was made.
    let history = till(&sim, b.path(), "till-b", &db.url, &["history", "--json"]);
    assert_eq!(history.status.code(), Some(0), "{history:?}");
    let mut tills: Vec<String> = json_lines(&history)
        .iter()
        .map(|p| p["till"].as_str().unwrap_or_default().to_string())
        .collect();
    tills.sort();
    assert_eq!(tills, ["till-a", "till-b"]);
    assert!(!a.path().join(lipa::journal::FILE_NAME).exists());
    // The same sale pushed again from the other till is stopped by the shared guard.
    let again = till(
        &sim,
        b.path(),
        "till-b",
        &db.url,
        &push_args("clickpesa", "0712345670", "0"),
    );
    let last = json_lines(&again).pop().expect("json");
    assert_eq!(last["status"], "duplicate", "{last}");
    let said = last["message"].as_str().unwrap_or_default();
    assert!(
        said.contains("was recorded") && said.contains("nothing was sent"),
        "{said}"
    );
    assert_eq!(sim.ledger().len(), 2, "the duplicate was never sent");
    // Each till's day, and its Z, count its own payments: the Z reports add up to the chain's
    // day (before, every till's Z counted the whole chain's, a tester's sum twice the takings).
    for (name, dir) in [("till-a", a.path()), ("till-b", b.path())] {
        let z = till(&sim, dir, name, &db.url, &["report", "--close", "--json"]);
        assert_eq!(z.status.code(), Some(0), "{z:?}");
        let day = json_lines(&z).pop().expect("report");
        assert_eq!(
            (day["till"].as_str(), day["count"].as_u64()),
            (Some(name), Some(1)),
            "{day}"
        );
    }
    let idle = tempfile::tempdir().expect("idle till");
    let none = till(&sim, idle.path(), "till-c", &db.url, &["report", "--json"]);
    assert_eq!(json_lines(&none).pop().expect("report")["count"], 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_ledger_sends_nothing() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    // A port nobody listens on.
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let port = free.local_addr().expect("addr").port();
    drop(free);
    let url = format!("postgres://lipa:s3cret-pw@127.0.0.1:{port}/lipa");
    let out = till(
        &sim,
        data.path(),
        "till-a",
        &url,
        &push_args("clickpesa", "0712345670", "5"),
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("unreachable"), "{text}");
    assert!(
        !text.contains("s3cret-pw"),
        "the password was shown: {text}"
    );
    assert!(
        sim.ledger().is_empty(),
        "a push was sent without its record"
    );
    let log = std::fs::read_to_string(data.path().join("lipa.log")).unwrap_or_default();
    assert!(!log.contains("s3cret-pw"), "the password was logged");
}

/// A shop that grows into a chain keeps its history: its till's journal goes into the shared
/// ledger with every payment's history, and a second import adds nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_till_journal_is_imported_once() {
    let Some(db) = ledger::TestDb::create("import") else {
        return;
    };
    let sim = simulator().await;
    let shop = tempfile::tempdir().expect("shop");
    let mut alone = demo_env(shop.path(), &sim.clickpesa_base_url(), None);
    alone.push(("LIPA_TILL", "duka-1".into()));
    for phone in ["0712345670", "0712345676"] {
        let out = command(alone.clone())
            .args(push_args("clickpesa", phone, "30"))
            .output()
            .expect("push");
        assert!(json_lines(&out).pop().is_some(), "{out:?}");
    }
    let file = shop.path().join(lipa::journal::FILE_NAME);
    // The cashier cleared one finished payment off their list: it stays cleared.
    let cleared = {
        let source = lipa::journal::Journal::open(&file).expect("source");
        let first = source.all().expect("all")[0].clone();
        source.clear(&[first.id], "rehema").expect("clear");
        first.reference
    };
    let file = file.to_str().expect("path");
    let other = tempfile::tempdir().expect("other");
    let first = till(
        &sim,
        other.path(),
        "hq",
        &db.url,
        &["ledger", "import", file],
    );
    let said = String::from_utf8_lossy(&first.stdout);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    assert!(said.starts_with("2 payment(s) copied"), "{said}");
    let second = till(
        &sim,
        other.path(),
        "hq",
        &db.url,
        &["ledger", "import", file],
    );
    let said = String::from_utf8_lossy(&second.stdout);
    assert!(
        said.starts_with("0 payment(s) copied") && said.contains("2 already there"),
        "{said}"
    );
    let history = till(&sim, other.path(), "hq", &db.url, &["history", "--json"]);
    let rows = json_lines(&history);
    let mut seen: Vec<(String, String)> = rows
        .iter()
        .map(|p| {
            (
                p["status"].as_str().unwrap_or_default().to_string(),
                p["till"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("failed".to_string(), "duka-1".to_string()),
            ("paid".to_string(), "duka-1".to_string())
        ],
        "{rows:?}"
    );
    let ledger = lipa::journal::Journal::open_postgres(&db.url).expect("ledger");
    let source = lipa::journal::Journal::open(std::path::Path::new(file)).expect("source");
    for p in source.all().expect("all") {
        let copy = ledger
            .find_reference(p.reference.as_str())
            .expect("find")
            .expect("copied");
        assert_eq!(ledger.events(copy.id).expect("events"), {
            let mut e = source.events(p.id).expect("events");
            e.iter_mut().for_each(|e| e.payment_id = copy.id);
            e
        });
        assert_eq!(
            (copy.status, copy.amount, copy.provider_id),
            (p.status, p.amount, p.provider_id)
        );
    }
    let day_ago = chrono::Utc::now() - chrono::Duration::days(1);
    let shown = |who: &str| -> Vec<String> {
        ledger
            .recently_done(day_ago, None, who, 10)
            .expect("recent")
            .into_iter()
            .map(|p| p.reference.to_string())
            .collect()
    };
    assert!(
        !shown("rehema").contains(&cleared.to_string()),
        "cleared by rehema"
    );
    assert!(
        shown("juma").contains(&cleared.to_string()),
        "juma never cleared it"
    );
    let missing = till(
        &sim,
        other.path(),
        "hq",
        &db.url,
        &["ledger", "import", "/nonexistent.sqlite3"],
    );
    assert_eq!(missing.status.code(), Some(2));
}

/// A path that is not a journal is refused and left exactly as it was: before, importing
/// `/etc/passwd` made it private (0600), as lipa makes its own journal, and locked every
/// other user out of their names.
#[test]
fn importing_something_else_leaves_it_untouched() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let other = dir.path().join("passwd");
    std::fs::write(&other, "root:x:0:0:root:/root:/bin/bash\n").expect("write");
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o644)).expect("mode");
    let data = dir.path().join("data");
    let out = command([
        ("LIPA_DATA_DIR", data.display().to_string()),
        ("HOME", dir.path().display().to_string()),
        (
            "LIPA_DATABASE_URL",
            "postgres://lipa@127.0.0.1:1/lipa".to_string(),
        ),
    ])
    .args(["ledger", "import", other.to_str().expect("path")])
    .output()
    .expect("run");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a database"),
        "{out:?}"
    );
    let mode = std::fs::metadata(&other)
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o644, "the file's mode was changed");
    assert_eq!(
        std::fs::read_to_string(&other).expect("read"),
        "root:x:0:0:root:/root:/bin/bash\n"
    );
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("passwd"))
        .collect();
    assert_eq!(beside, ["passwd"], "nothing is written beside it");
}

/// A till's payment whose reference another payment holds in the ledger (a shop that typed its
/// own invoice numbers as references) is not "already there": it is named, not copied, and the
/// import fails. Before, it was counted as already there, and the payment went missing from
/// the books without a word.
#[tokio::test(flavor = "multi_thread")]
async fn a_reference_clash_is_named_and_fails_the_import() {
    use lipa::journal::{Guard, Journal, Recorded};
    let Some(db) = ledger::TestDb::create("importclash") else {
        return;
    };
    let sim = simulator().await;
    let sale = |amount: i64, phone: &str| lipa::payment::NewPayment {
        provider: lipa::provider::ProviderKind::ClickPesa,
        reference: lipa::reference::Reference::parse(
            "INVOICE1001",
            lipa::provider::ProviderKind::ClickPesa,
        )
        .expect("reference"),
        phone: lipa::phone::Phone::parse(phone, lipa::phone::Country::Tanzania).expect("phone"),
        amount: lipa::money::Money::from_minor(amount, lipa::money::Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    };
    let ledger = Journal::open_postgres(&db.url).expect("ledger");
    let Recorded::New(theirs) = ledger
        .record(&sale(881, "0712345670"), Guard::Off)
        .expect("a")
    else {
        panic!("guard off")
    };
    let shop = tempfile::tempdir().expect("shop");
    let file = shop.path().join(lipa::journal::FILE_NAME);
    {
        let own = Journal::open(&file).expect("till journal");
        own.record(&sale(9191, "0713000000"), Guard::Off)
            .expect("b");
        own.close_day("2026-12-01", "duka-9", "amani", "{\"own\":1}")
            .expect("the till's Z");
    }
    // The ledger holds another Z #1 for that till's day: the till's printed Z must not vanish.
    ledger
        .close_day("2026-12-01", "duka-9", "rehema", "{\"other\":1}")
        .expect("the ledger's Z");
    let other = tempfile::tempdir().expect("other");
    let file = file.to_str().expect("path");
    let out = till(
        &sim,
        other.path(),
        "hq",
        &db.url,
        &["ledger", "import", file],
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        said.contains("NOT COPIED") && said.contains("INVOICE1001"),
        "{said}"
    );
    assert!(said.contains("9,191") && said.contains("881"), "{said}");
    assert!(
        said.contains("NOT COPIED: Z #1 of 2026-12-01 at till duka-9"),
        "{said} {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let all = ledger.all().expect("all");
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].id, theirs.id);
}

/// `lipa ledger import` of a till that runs: `code` and what it said on stderr.
fn import(sim: &SimHandle, hq: &std::path::Path, url: &str, file: &str) -> (Option<i32>, String) {
    let out = till(sim, hq, "hq", url, &["ledger", "import", file]);
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// A till still running was imported: its open payments then had two followers (the till and
/// the chain's tills) and what it recorded afterwards never reached the ledger. Now a journal
/// that a running lipa has open is refused, with what to do, and nothing is copied; once the
/// till stops (here killed, as a phone losing power), the import goes through. Two real
/// tills: a console with nothing open (only its lock tells), and a push following a payment
/// the customer has not answered yet.
#[tokio::test(flavor = "multi_thread")]
async fn a_running_till_is_not_imported() {
    let Some(db) = ledger::TestDb::create("importrunning") else {
        return;
    };
    // The customer answers in ten minutes: the push keeps following its payment.
    let sim = cli::simulator(Duration::from_secs(600)).await;
    let hq = tempfile::tempdir().expect("hq");
    let ledger = lipa::journal::Journal::open_postgres(&db.url).expect("ledger");

    let shop = tempfile::tempdir().expect("shop");
    let file = shop.path().join(lipa::journal::FILE_NAME);
    let file = file.to_str().expect("path").to_string();
    let mut console = pty::Spawn::lipa()
        .envs(demo_env(shop.path(), &sim.clickpesa_base_url(), None))
        .env("LIPA_TILL", "duka-1")
        .size(100, 30)
        .start();
    console.wait_for("the console", Duration::from_secs(30), |t| {
        t.contains("ClickPesa")
    });
    let (code, said) = import(&sim, hq.path(), &db.url, &file);
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("is in use") && said.contains("Stop it first"),
        "{said}"
    );
    assert!(ledger.all().expect("all").is_empty());
    console.kill();
    let (code, said) = import(&sim, hq.path(), &db.url, &file);
    assert_eq!(code, Some(0), "the console stopped: {said}");

    let shop = tempfile::tempdir().expect("shop");
    let file = shop.path().join(lipa::journal::FILE_NAME);
    let file = file.to_str().expect("path").to_string();
    let mut env = demo_env(shop.path(), &sim.clickpesa_base_url(), None);
    env.push(("LIPA_TILL", "duka-2".into()));
    let mut push = command(env)
        .args(push_args("clickpesa", "0712345670", "900"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("push");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while sim.ledger().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the push reached the simulator"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (code, said) = import(&sim, hq.path(), &db.url, &file);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("is in use"), "{said}");
    assert!(ledger.all().expect("all").is_empty());
    push.kill().expect("kill -9 the push");
    push.wait().expect("reaped");
    let (code, said) = import(&sim, hq.path(), &db.url, &file);
    assert_eq!(code, Some(0), "the push stopped: {said}");
    let copied = ledger.all().expect("all");
    assert_eq!(copied.len(), 1, "{copied:?}");
    assert!(!copied[0].status.is_final(), "{copied:?}");
    assert!(
        ledger
            .unclaimed()
            .expect("unclaimed")
            .contains(&copied[0].id),
        "the chain's tills take the open payment over"
    );
}

/// A process that follows a payment of the journal without holding its lock (an older lipa;
/// here this test, whose lease on the payment runs for a minute) also means the till runs.
#[tokio::test(flavor = "multi_thread")]
async fn a_journal_whose_payment_a_live_process_follows_is_not_imported() {
    use lipa::journal::{Guard, Journal, Recorded};
    let Some(db) = ledger::TestDb::create("importleased") else {
        return;
    };
    let sim = simulator().await;
    let shop = tempfile::tempdir().expect("shop");
    let path = shop.path().join(lipa::journal::FILE_NAME);
    let sale = lipa::payment::NewPayment {
        provider: lipa::provider::ProviderKind::ClickPesa,
        reference: lipa::reference::Reference::parse(
            "INVOICE3001",
            lipa::provider::ProviderKind::ClickPesa,
        )
        .expect("reference"),
        phone: lipa::phone::Phone::parse("0712345670", lipa::phone::Country::Tanzania)
            .expect("phone"),
        amount: lipa::money::Money::from_minor(1500, lipa::money::Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "amani".into(),
    };
    {
        let own = Journal::open(&path).expect("till journal");
        let Recorded::New(p) = own.record(&sale, Guard::Off).expect("record") else {
            panic!("guard off")
        };
        assert!(own.claim_poll(p.id).expect("claim"));
        // Dropped without giving the lease up: its holder, this process, runs on.
    }
    let hq = tempfile::tempdir().expect("hq");
    let file = path.to_str().expect("path");
    let (code, said) = import(&sim, hq.path(), &db.url, file);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("is in use"), "{said}");
    let ledger = Journal::open_postgres(&db.url).expect("ledger");
    assert!(ledger.all().expect("all").is_empty());
}

/// A payment sent again points at the one it replaced. When that one's reference clashed
/// (another till's payment holds it in the ledger, so it was not copied), the copy of the
/// payment sent again was linked to the other till's payment: the ledger said that payment
/// had been sent again by this till. Now the link follows the till's own ids: the payment
/// sent again links to its own predecessor when that was copied, else to nothing.
#[tokio::test(flavor = "multi_thread")]
async fn a_payment_sent_again_is_linked_to_its_own_not_to_a_clash() {
    use lipa::journal::{Guard, Journal, Recorded};
    let Some(db) = ledger::TestDb::create("importreplaces") else {
        return;
    };
    let sim = simulator().await;
    let sale = |reference: &str, amount: i64, replaces: Option<i64>| lipa::payment::NewPayment {
        provider: lipa::provider::ProviderKind::ClickPesa,
        reference: lipa::reference::Reference::parse(
            reference,
            lipa::provider::ProviderKind::ClickPesa,
        )
        .expect("reference"),
        phone: lipa::phone::Phone::parse("0713000000", lipa::phone::Country::Tanzania)
            .expect("phone"),
        amount: lipa::money::Money::from_minor(amount, lipa::money::Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        replaces,
        operator: "amani".into(),
    };
    let new = |j: &Journal, n: &lipa::payment::NewPayment| match j.record(n, Guard::Off) {
        Ok(Recorded::New(p)) => p,
        other => panic!("{other:?}"),
    };
    let ledger = Journal::open_postgres(&db.url).expect("ledger");
    let theirs = new(&ledger, &sale("INVOICE2001", 881, None));
    let shop = tempfile::tempdir().expect("shop");
    let file = shop.path().join(lipa::journal::FILE_NAME);
    {
        let own = Journal::open(&file).expect("till journal");
        // Clashes with the ledger's INVOICE2001, and is sent again as INVOICE2002.
        let first = new(&own, &sale("INVOICE2001", 9191, None));
        new(&own, &sale("INVOICE2002", 9191, Some(first.id)));
        // Copied, and sent again as INVOICE2004.
        let third = new(&own, &sale("INVOICE2003", 4242, None));
        new(&own, &sale("INVOICE2004", 4242, Some(third.id)));
    }
    let hq = tempfile::tempdir().expect("hq");
    let (code, said) = import(&sim, hq.path(), &db.url, file.to_str().expect("path"));
    assert_eq!(code, Some(1), "the clash fails the import: {said}");
    let get = |r: &str| {
        ledger
            .find_reference(r)
            .expect("find")
            .unwrap_or_else(|| panic!("{r} in the ledger"))
    };
    let theirs_now = ledger.get(theirs.id).expect("get").expect("theirs");
    assert_eq!(theirs_now.replaced_by, None, "{theirs_now:?}");
    assert_eq!(get("INVOICE2002").replaces, None);
    let third = get("INVOICE2003");
    assert_eq!(get("INVOICE2004").replaces, Some(third.id));
    assert_eq!(third.replaced_by, Some(get("INVOICE2004").id));
    // A second run links the same way (the predecessor found there, not added).
    let (code, said) = import(&sim, hq.path(), &db.url, file.to_str().expect("path"));
    assert_eq!(code, Some(1), "{said}");
    assert_eq!(ledger.all().expect("all").len(), 4);
}

/// The ledger goes away between recording a payment and taking its poll lease (here: the
/// server refuses the lease's write as it would while shutting down): the cashier reads that
/// nothing was sent, as when the record itself fails, not a bare "ledger unreachable".
#[tokio::test(flavor = "multi_thread")]
async fn a_ledger_lost_before_the_lease_says_nothing_was_sent() {
    let Some(db) = ledger::TestDb::create("lostbeforelease") else {
        return;
    };
    drop(lipa::journal::Journal::open_postgres(&db.url).expect("the ledger's schema"));
    db.sql(
        "CREATE FUNCTION going_away() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'terminating connection due to administrator command'
             USING ERRCODE = 'admin_shutdown'; END $$;
         CREATE TRIGGER going_away BEFORE UPDATE OF lease_owner ON payments
             FOR EACH ROW EXECUTE FUNCTION going_away();",
    )
    .expect("trigger");
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    let out = till(
        &sim,
        data.path(),
        "till-a",
        &db.url,
        &push_args("clickpesa", "0712345670", "5"),
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("cannot send"), "{text}");
    assert!(text.contains("nothing was sent"), "{text}");
    assert!(sim.ledger().is_empty(), "sent without its lease");
}
