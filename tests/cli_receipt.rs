//! `lipa receipt`, the real binary: the slip of a real paid payment as text at each roll width,
//! and as ESC/POS bytes to a fake network printer (a TCP listener on loopback); a printer that
//! is off is said, and nothing else is affected.

#[path = "support/cli.rs"]
mod cli;

use cli::{command, demo_env};
use std::io::Read;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paid_payment_prints_as_text_and_as_escpos() {
    let sim = cli::simulator(Duration::from_millis(200)).await;
    let dir = tempfile::tempdir().expect("dir");
    let printer = std::net::TcpListener::bind("127.0.0.1:0").expect("printer");
    let port = printer.local_addr().expect("addr").port();
    let config = |width: usize, port: u16| {
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            format!(
                "[receipt]\nshop = \"Duka la Mama Amina — Kariakoo\"\nwidth = {width}\nprinter = \"tcp://127.0.0.1:{port}\"\n"
            ),
        )
        .expect("config");
        path
    };
    let mut env = demo_env(dir.path(), &sim.clickpesa_base_url(), None);
    env.push(("LIPA_SCHEDULE_SCALE", "0.05".into()));
    env.push(("LIPA_TILL", "duka-1".into()));
    let lipa = |args: &[&str]| command(env.clone()).args(args).output().expect("lipa");
    let out = lipa(&[
        "push",
        "--provider",
        "clickpesa",
        "--phone",
        "0712345670",
        "--amount",
        "1500",
        "--json",
        "--operator",
        "rehema",
    ]);
    let line: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .expect("json"),
    )
    .expect("json");
    let reference = line["reference"].as_str().expect("reference").to_string();

    for width in [32, 42, 48] {
        let cfg = config(width, port);
        let out = lipa(&[
            "receipt",
            &reference,
            "--config",
            cfg.to_str().expect("path"),
        ]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        for l in text.lines() {
            assert!(l.chars().count() <= width, "{width}: {l:?}");
        }
        for must in [
            &reference,
            "TZS 1,500",
            "rehema",
            "Till duka-1",
            "Not a tax receipt",
            "•••",
        ] {
            assert!(text.contains(must), "{must}: {text}");
        }
        assert!(!text.contains("712345670"), "the number is masked");
    }

    // To the printer: ESC/POS, ASCII only, the reference in a QR code, a cut at the end.
    let cfg = config(32, port);
    let got = std::thread::spawn(move || {
        let (mut conn, _) = printer.accept().expect("accept");
        let mut bytes = Vec::new();
        conn.read_to_end(&mut bytes).expect("read");
        bytes
    });
    let out = lipa(&[
        "receipt",
        &reference,
        "--print",
        "--config",
        cfg.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let bytes = got.join().expect("printer thread");
    assert!(bytes.starts_with(&[0x1b, b'@']));
    assert!(bytes.ends_with(&[0x1d, b'V', 66, 0]));
    assert!(
        bytes.iter().all(|b| b.is_ascii()),
        "non-ASCII reached the printer"
    );
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("Duka la Mama Amina - Kariakoo"), "{text}");
    assert!(
        text.contains("***"),
        "the masked digits as the printer can print them"
    );
    assert!(
        bytes
            .windows(reference.len())
            .filter(|w| *w == reference.as_bytes())
            .count()
            >= 2
    );

    // A printer that is off: said, exit 4, and the payment is as it was.
    let off = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let off_port = off.local_addr().expect("addr").port();
    drop(off);
    let cfg = config(32, off_port);
    let out = lipa(&[
        "receipt",
        &reference,
        "--print",
        "--config",
        cfg.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not take the receipt"));
    let after = lipa(&["history", "--json", "--reference", &reference]);
    assert!(String::from_utf8_lossy(&after.stdout).contains("\"status\":\"paid\""));

    // Paid although the answer to the push was an error (the …9 customers): the provider's id
    // comes from the status answer, and the slip carries it (a tester saw "Provider id -").
    let out = lipa(&[
        "push",
        "--provider",
        "clickpesa",
        "--phone",
        "0712345679",
        "--amount",
        "700",
        "--json",
    ]);
    let late: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .expect("json"),
    )
    .expect("json");
    assert_eq!(late["status"], "paid", "{out:?}");
    let late_ref = late["reference"].as_str().expect("reference").to_string();
    let id = sim
        .ledger()
        .into_iter()
        .find(|e| e.reference == late_ref)
        .map(|e| e.id)
        .expect("in the simulator's ledger");
    let cfg = config(48, port);
    let out = lipa(&[
        "receipt",
        &late_ref,
        "--config",
        cfg.to_str().expect("path"),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&id),
        "the provider's id {id} is not on the slip:\n{text}"
    );

    // Only a paid payment has one.
    let out = lipa(&[
        "push",
        "--provider",
        "clickpesa",
        "--phone",
        "0712345676",
        "--amount",
        "900",
        "--json",
    ]);
    let failed: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .expect("json"),
    )
    .expect("json");
    let failed_ref = failed["reference"].as_str().expect("reference");
    let out = lipa(&["receipt", failed_ref]);
    assert_eq!(out.status.code(), Some(2));

    // A reference given in small letters is another payment than the same in capitals: its
    // receipt is its own (the capitals' failed one was found instead).
    let small = failed_ref.to_lowercase();
    let out = lipa(&[
        "push",
        "--provider",
        "clickpesa",
        "--phone",
        "0712345671",
        "--amount",
        "900",
        "--reference",
        &small,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = lipa(&["receipt", &small]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains(&small));
}
