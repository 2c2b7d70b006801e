//! `lipa report`, the real binary on a journal filled by real pushes against the simulator:
//! the day per provider and currency (never summed across TZS and KES), failed by reason, per
//! operator; closing the day as a numbered Z report that asks first, is kept as it was closed,
//! and that the database itself will not let anyone change.

#[path = "support/cli.rs"]
mod cli;

use cli::{command, demo_env};
use std::time::Duration;

fn json(out: &std::process::Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(text.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e}: {text}\n{}", String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_day_by_provider_and_reason_then_closed_once_and_kept() {
    let sim = cli::simulator(Duration::from_millis(200)).await;
    let dir = tempfile::tempdir().expect("dir");
    let cepta = sim.cepta_base_url();
    let mut env = demo_env(dir.path(), &sim.clickpesa_base_url(), Some(&cepta));
    env.push(("LIPA_SCHEDULE_SCALE", "0.05".into()));
    env.push(("LIPA_TILL", "duka-1".into()));
    let lipa = |args: &[&str]| command(env.clone()).args(args).output().expect("lipa");
    let push = |provider: &str, phone: &str, amount: &str, who: &str| {
        let out = lipa(&[
            "push",
            "--provider",
            provider,
            "--phone",
            phone,
            "--amount",
            amount,
            "--wait",
            "20",
            "--operator",
            who,
        ]);
        assert!(out.status.code().is_some_and(|c| c <= 3), "{out:?}");
    };
    push("clickpesa", "0712345670", "1500", "rehema");
    push("clickpesa", "0712345671", "2500", "rehema");
    push("clickpesa", "0712345676", "1000", "juma");
    push("clickpesa", "0712345677", "700", "juma");
    push("cepta", "0712345670", "99.5", "juma");
    // Never answers: still open when the day is closed (a 0 wait leaves it pending).
    let out = lipa(&[
        "push",
        "--provider",
        "clickpesa",
        "--phone",
        "0712345678",
        "--amount",
        "300",
        "--wait",
        "0",
        "--operator",
        "rehema",
    ]);
    assert_eq!(out.status.code(), Some(3));

    let day = json(&lipa(&["report", "--json"]));
    assert_eq!(day["till"], "duka-1");
    // Every payment carries the till that recorded it, in every JSON line.
    let hist = lipa(&["history", "--json"]);
    let text = String::from_utf8_lossy(&hist.stdout);
    assert!(
        text.lines().all(|l| l.contains("\"till\":\"duka-1\"")),
        "{text}"
    );
    assert_eq!(day["closed"], serde_json::Value::Null);
    assert_eq!(day["count"], 6);
    let line = |provider: &str| {
        day["providers"]
            .as_array()
            .expect("providers")
            .iter()
            .find(|l| l["provider"] == provider)
            .cloned()
            .expect(provider)
    };
    let (cp, ce) = (line("clickpesa"), line("cepta"));
    assert_eq!(cp["currency"], "TZS");
    assert_eq!(
        (&cp["paid"]["count"], &cp["paid"]["amount"]),
        (&2.into(), &"4000".into())
    );
    assert_eq!(cp["cancelled"]["amount"], "1000");
    assert_eq!(cp["insufficient"]["amount"], "700");
    assert_eq!(cp["open"]["count"], 1);
    // KES apart, exact to the cent.
    assert_eq!(ce["currency"], "KES");
    assert_eq!(ce["paid"]["amount"], "99.50");
    let ops = day["operators"].as_array().expect("operators");
    let juma_kes = ops
        .iter()
        .find(|o| o["operator"] == "juma" && o["currency"] == "KES")
        .expect("juma KES");
    assert_eq!(juma_kes["paid"]["count"], 1);

    // Closing asks while a payment is open, and closes nothing.
    let out = lipa(&["report", "--close"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("still open"));
    assert_eq!(
        json(&lipa(&["report", "--json"]))["closed"],
        serde_json::Value::Null
    );

    // Forced: Z #1, by whom.
    let out = lipa(&[
        "report",
        "--close",
        "--force",
        "--operator",
        "neema",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let z = json(&out);
    assert_eq!(z["closed"]["number"], 1);
    assert_eq!(z["closed"]["closed_by"], "neema");

    // A payment after the close does not change the closed day: printed as it was closed.
    push("clickpesa", "0712345672", "5000", "rehema");
    let again = json(&lipa(&["report", "--json"]));
    assert_eq!(again["count"], 6);
    assert_eq!(again["providers"], z["providers"]);
    let out = lipa(&["report", "--close", "--force"]);
    assert_eq!(out.status.code(), Some(2), "closed twice");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Z #1"));

    // The next closing is Z #2 (a day without payments closes too).
    let out = lipa(&["report", "--day", "yesterday", "--close", "--json"]);
    assert_eq!(json(&out)["closed"]["number"], 2);

    // The database itself refuses to change or remove a closed day.
    let conn = rusqlite::Connection::open(dir.path().join("journal.sqlite3")).expect("open");
    for sql in [
        "UPDATE closings SET report = '{}' WHERE number = 1",
        "DELETE FROM closings WHERE number = 1",
    ] {
        let err = conn.execute(sql, []).expect_err(sql);
        assert!(err.to_string().contains("closed day is never"), "{err}");
    }

    // The Z report on the receipt printer (a fake one on loopback), in the roll's width.
    let printer = std::net::TcpListener::bind("127.0.0.1:0").expect("printer");
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[receipt]\nshop = \"Duka\"\nprinter = \"tcp://{}\"\n",
            printer.local_addr().expect("addr")
        ),
    )
    .expect("config");
    let got = std::thread::spawn(move || {
        use std::io::Read;
        let (mut conn, _) = printer.accept().expect("accept");
        let mut bytes = Vec::new();
        conn.read_to_end(&mut bytes).expect("read");
        bytes
    });
    let out = lipa(&["report", "--print", "--config", cfg.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let slip = String::from_utf8_lossy(&got.join().expect("printer")).to_string();
    assert!(
        slip.contains("Z REPORT #1") && slip.contains("TZS 4,000"),
        "{slip}"
    );
    for line in slip.split('\n') {
        let text: String = line.chars().filter(|c| !c.is_control()).collect();
        // Each printed line fits the 32 columns of the default roll (ESC/POS commands aside).
        let printable =
            text.trim_start_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != ' ');
        assert!(printable.chars().count() <= 40, "{line:?}");
    }

    // A stdout that cannot be written is said, never a panic; a day still to come is not
    // closed.
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    if let Ok(full) = full {
        let out = command(env.clone())
            .args(["report"])
            .stdout(full)
            .output()
            .expect("lipa");
        assert_eq!(out.status.code(), Some(4), "{out:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    let out = lipa(&["report", "--day", "2099-01-01", "--close"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // A payment after the close is said to be in no Z report.
    let out = lipa(&["report"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("after it was closed"),
        "{out:?}"
    );

    // A person reads it in their language.
    let out = lipa(&["report", "--lang", "sw"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("imefungwa") && text.contains("salio halitoshi"),
        "{text}"
    );
}

/// Issue 21: amounts were written several ways across the back office (`99.5`, `99.50`,
/// `2000`, `2,000`). Now one human form — the currency, thousands grouped, every decimal when
/// not whole: `TZS 2,000`, `KES 99.50` — on every line a person reads, and one machine form —
/// every decimal the currency has, no grouping: `2000`, `99.50`, `0.00` — in every JSON and CSV.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_human_form_and_one_machine_form_of_every_amount() {
    let sim = cli::simulator(Duration::from_millis(200)).await;
    let dir = tempfile::tempdir().expect("dir");
    let cepta = sim.cepta_base_url();
    let mut env = demo_env(dir.path(), &sim.clickpesa_base_url(), Some(&cepta));
    env.push(("LIPA_SCHEDULE_SCALE", "0.05".into()));
    let lipa = |args: &[&str]| command(env.clone()).args(args).output().expect("lipa");
    let text = |out: &std::process::Output| String::from_utf8_lossy(&out.stdout).to_string();
    let push = |provider: &str, amount: &str| {
        lipa(&[
            "push",
            "--provider",
            provider,
            "--phone",
            "0712345670",
            "--amount",
            amount,
            "--wait",
            "20",
        ])
    };
    let out = push("cepta", "99.5");
    assert!(text(&out).contains("KES 99.50"), "{out:?}");
    let out = push("clickpesa", "2000");
    assert!(text(&out).contains("TZS 2,000"), "{out:?}");

    let human = text(&lipa(&["history"]));
    assert!(
        human.contains("KES 99.50") && human.contains("TZS 2,000"),
        "{human}"
    );
    let machine: Vec<serde_json::Value> = text(&lipa(&["history", "--json"]))
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let amounts: Vec<&str> = machine
        .iter()
        .filter_map(|l| l["amount"].as_str())
        .collect();
    assert_eq!(amounts, ["2000", "99.50"]);
    let sync = text(&lipa(&["sync", "--json"]));
    assert!(!sync.contains("\"99.5\""), "{sync}");
    let csv = text(&lipa(&["export"]));
    assert!(
        csv.contains("\"99.50\"") && csv.contains("\"2000\""),
        "{csv}"
    );

    let report = json(&lipa(&["report", "--json"]));
    let kes = report["providers"]
        .as_array()
        .expect("providers")
        .iter()
        .find(|l| l["currency"] == "KES")
        .cloned()
        .expect("KES");
    assert_eq!(kes["paid"]["amount"], "99.50");
    assert_eq!(kes["cancelled"]["amount"], "0.00", "{kes}");
    let human = text(&lipa(&["report"]));
    assert!(
        human.contains("KES 99.50") && human.contains("TZS 2,000"),
        "{human}"
    );
}

/// Issue 21: a send whose process was killed during it showed `unknown` in `history` with no
/// words at all. Now it says what that means, in the reader's language, and JSON says it in
/// English.
#[test]
fn a_send_that_never_answered_has_words() {
    use lipa::journal::{Change, Guard, Journal, Recorded};
    use lipa::money::{Currency, Money};
    use lipa::payment::{NewPayment, Status};
    use lipa::phone::{Country, Phone};
    use lipa::provider::ProviderKind;
    use lipa::reference::Reference;
    use lipa::strings::Msg;
    let dir = tempfile::tempdir().expect("dir");
    let journal = Journal::open_in(dir.path()).expect("journal");
    let new = NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::parse("KILLED1", ProviderKind::ClickPesa).expect("ref"),
        phone: Phone::parse("0712345670", Country::Tanzania).expect("phone"),
        amount: Money::parse("1000", Currency::Tzs).expect("amount"),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    };
    let Recorded::New(p) = journal.record(&new, Guard::Off).expect("record") else {
        panic!("duplicate");
    };
    // As the engine leaves it just before the request leaves; then the process is killed.
    let sending = Change {
        to: Status::Sending,
        message: &Msg::Empty,
        provider_id: None,
        heard: false,
    };
    assert!(
        journal
            .transition(p.id, Status::Recorded, &sending)
            .expect("sending")
            .is_done()
    );
    drop(journal);
    let env = [
        ("HOME", dir.path().display().to_string()),
        ("LIPA_DATA_DIR", dir.path().display().to_string()),
    ];
    let out = command(env.clone())
        .args(["history", "--json"])
        .output()
        .expect("history");
    let line: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .expect("a line"),
    )
    .expect("json");
    assert_eq!(line["status"], "unknown");
    let message = line["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("no answer was recorded") && message.contains("lipa sync"),
        "{line}"
    );
    let out = command(env)
        .args(["history", "--lang", "sw"])
        .output()
        .expect("history");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("lipa sync inamuuliza"),
        "{out:?}"
    );
}
