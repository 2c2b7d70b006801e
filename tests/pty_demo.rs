//! The real binary in a pseudo-terminal: `lipa demo`, a cashier typing, the customer answering.

#[path = "support/pty.rs"]
mod pty;

use pty::{Pty, Spawn};
use std::time::Duration;

/// A running `lipa demo` and the screen it draws.
struct Session {
    pty: Pty,
    _dir: tempfile::TempDir,
}

impl Session {
    fn start(cols: u16, rows: u16) -> Session {
        let dir = tempfile::tempdir().expect("tempdir");
        let pty = demo(dir.path(), "1", cols, rows);
        Session { pty, _dir: dir }
    }
}

/// `lipa demo` on the data directory `dir`, customers answering after `settle` seconds.
fn demo(dir: &std::path::Path, settle: &str, cols: u16, rows: u16) -> Pty {
    Spawn::demo(dir, settle).size(cols, rows).start()
}

/// The row of the pending list that shows this (masked) number.
fn row_with<'a>(screen: &'a str, masked_tail: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.contains(masked_tail) && l.contains("1,500"))
}

fn push_and_expect(phone: &str, tail: &str, expect: &str) {
    let mut s = Session::start(80, 24);
    s.pty
        .wait_for("the demo banner", Duration::from_secs(20), |t| {
            t.contains("DEMO")
        });
    s.pty.send(phone);
    s.pty.send("\t");
    s.pty.send("1500");
    s.pty.send("\r");
    s.pty
        .wait_for("the payment row", Duration::from_secs(10), |t| {
            row_with(t, tail).is_some()
        });
    s.pty.wait_for(expect, Duration::from_secs(30), |t| {
        row_with(t, tail).is_some_and(|r| r.to_lowercase().contains(expect))
    });
}

#[test]
fn a_demo_payment_turns_paid() {
    push_and_expect("0712345670", "670", "paid");
}

#[test]
fn a_cancelled_demo_payment_turns_failed() {
    push_and_expect("0712345676", "676", "failed");
}

#[test]
fn a_demo_killed_while_a_payment_waits_follows_it_to_the_end_after_a_restart() {
    // What a merchant may be shown: the power goes mid-payment, nothing is lost.
    killed_and_restarted(None);
}

/// A payment waits when the demo is killed (`kill -9`); the restarted demo follows it to paid.
/// `open_on`: the provider the demo opens on (`LIPA_PROVIDER`): Selcom, whose order the new
/// simulator must know too; pawaPay, whose deposit it must know by lipa's id.
fn killed_and_restarted(open_on: Option<&str>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let start = |dir: &std::path::Path| {
        let spawn = Spawn::demo(dir, "6").size(80, 24);
        match open_on {
            Some(p) => spawn.env("LIPA_PROVIDER", p),
            None => spawn,
        }
        .start()
    };
    let mut first = start(dir.path());
    first.wait_for("the demo banner", Duration::from_secs(20), |t| {
        t.contains("DEMO")
    });
    first.send("0712345670\t1500\r");
    first.wait_for("the waiting row", Duration::from_secs(10), |t| {
        row_with(t, "670").is_some_and(|r| r.contains("waiting"))
    });
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &first.pid().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    assert!(first.wait_exit(Duration::from_secs(10)).is_some());

    let second = start(dir.path());
    second.wait_for("the same payment, paid", Duration::from_secs(40), |t| {
        row_with(t, "670").is_some_and(|r| r.contains("paid"))
    });
}

#[test]
fn without_a_terminal_lipa_explains_and_exits_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lipa"))
        .env("LIPA_DATA_DIR", std::env::temp_dir().join("lipa-no-tty"))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run lipa");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ssh -t"), "{err}");
}

/// `p` in a paid demo payment's detail prints on `[receipt] printer`, DEMO on the slip, as
/// `lipa receipt --demo --print` does (the demo said no printer was set).
#[test]
fn the_demo_prints_on_the_configured_printer() {
    use std::io::Read;
    let dir = tempfile::tempdir().expect("tempdir");
    let printer = std::net::TcpListener::bind("127.0.0.1:0").expect("printer");
    let port = printer.local_addr().expect("addr").port();
    let got = std::thread::spawn(move || {
        let (mut conn, _) = printer.accept().expect("accept");
        let mut bytes = Vec::new();
        conn.read_to_end(&mut bytes).expect("read");
        bytes
    });
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[receipt]\nprinter = \"tcp://127.0.0.1:{port}\"\n"),
    )
    .expect("config");
    let config = config.to_string_lossy().to_string();
    let mut s = Spawn::demo(dir.path(), "1")
        .args(&["--config", &config])
        .size(80, 24)
        .start();
    let t = Duration::from_secs(30);
    s.wait_for("the demo banner", t, |t| t.contains("DEMO"));
    s.wait_for("a reference", t, |t| !t.contains("getting a fresh"));
    s.send("0712345670\t1500\r");
    s.wait_for("the paid row", t, |t| {
        row_with(t, "670").is_some_and(|r| r.contains("paid"))
    });
    // Shift-Tab to the list, Enter opens the payment.
    s.send("\x1b[Z\r");
    s.wait_for("the detail offering print", t, |t| {
        t.contains("print receipt")
    });
    s.send("p");
    s.wait_for("the printer's answer", t, |t| {
        t.contains("Receipt printed.")
    });
    let bytes = got.join().expect("printer");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("DEMO") && text.contains("1,500"), "{text}");
}

/// `TERM=vt100`: no colour at all (bold, underline and reverse only); `TERM=linux`: the 8
/// standard colours only, never a bright or 256-colour code.
#[test]
fn the_terminal_gets_the_colours_it_has() {
    for (term, colours) in [("vt100", false), ("linux", true)] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut s = Spawn::demo(dir.path(), "1")
            .env("TERM", term)
            .size(80, 24)
            .start();
        let t = Duration::from_secs(30);
        s.wait_for("the demo banner", t, |t| t.contains("DEMO"));
        s.wait_for("a reference", t, |t| !t.contains("getting a fresh"));
        let raw = String::from_utf8_lossy(&s.raw()).to_string();
        let mut seen = Vec::new();
        for sgr in raw.split("\x1b[").skip(1) {
            let Some(end) = sgr.find(|c: char| !c.is_ascii_digit() && c != ';') else {
                continue;
            };
            if !sgr[end..].starts_with('m') {
                continue;
            }
            for p in sgr[..end].split(';').filter_map(|p| p.parse::<u16>().ok()) {
                let colour = (30..=49).contains(&p) || (90..=107).contains(&p);
                let standard =
                    (30..=37).contains(&p) || (40..=47).contains(&p) || p == 39 || p == 49;
                if colour {
                    seen.push(p);
                }
                assert!(
                    !colour || (colours && standard),
                    "TERM={term}: SGR {p} in {:?}",
                    &sgr[..end]
                );
            }
        }
        assert_eq!(!seen.is_empty(), colours, "TERM={term}: {seen:?}");
        s.kill();
    }
}

/// Two demos on one data directory (a tester's): each has its own simulated provider, so the
/// second took over the first's payment, which its provider never heard of, and a paid payment
/// ended "needs you". The second is refused with words while the first runs; once the first is
/// gone (even by kill -9), a demo starts there again and takes its payments over.
#[test]
fn a_second_demo_on_one_data_directory_is_refused_while_the_first_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut first = demo(dir.path(), "1", 80, 24);
    first.wait_for("the demo banner", Duration::from_secs(20), |t| {
        t.contains("DEMO")
    });
    let mut second = demo(dir.path(), "1", 80, 24);
    let status = second
        .wait_exit(Duration::from_secs(20))
        .expect("the second demo ends");
    assert_eq!(status.exit_code(), 4, "{}", second.text());
    assert!(
        second.text().contains("a demo already runs"),
        "{}",
        second.text()
    );
    first.kill();
    let third = demo(dir.path(), "1", 80, 24);
    third.wait_for("the demo banner", Duration::from_secs(20), |t| {
        t.contains("DEMO")
    });
}

/// Selcom in the demo's console (Ctrl-P to it): each digit ends as the page says, its push two
/// calls behind one Enter; the silent customer's `999` is shown in Selcom's words.
#[test]
fn selcom_in_the_demo_console_every_digit() {
    let mut s = Session::start(100, 30);
    s.pty
        .wait_for("the demo banner", Duration::from_secs(20), |t| {
            t.contains("DEMO")
        });
    to_selcom(&mut s.pty);
    let cases = [
        ("0712345670", "670", "paid"),
        ("0712345676", "676", "failed"),
        ("0712345677", "677", "failed"),
        ("0712345679", "679", "paid"),
        ("0712345678", "678", "cannot say"),
    ];
    for (i, (phone, _, _)) in cases.iter().enumerate() {
        s.pty.send(phone);
        s.pty.send("\t");
        s.pty.send(format!("{}", 1_500 + i));
        s.pty.send("\r");
        // Its row is listed (the form is clear for the next) before the next is typed.
        let row = format!("••• {}", &phone[7..]);
        s.pty
            .wait_for("the payment's row", Duration::from_secs(10), |t| {
                t.contains(&row)
            });
    }
    for (_, tail, expect) in cases {
        s.pty.wait_for(expect, Duration::from_secs(30), |t| {
            t.lines()
                .find(|l| l.contains(&format!("••• {tail}")))
                .is_some_and(|r| r.contains(expect))
        });
    }
}

/// Ctrl-P until the header names Selcom.
fn to_selcom(pty: &mut Pty) {
    // The providers in the switcher's order, from the demo's first: one Ctrl-P each, waiting
    // for the header to name the next before pressing again.
    for next in ["Cepta", "M-Pesa (Daraja)", "Selcom"] {
        let header = |t: &str| t.lines().next().unwrap_or_default().to_string();
        if header(&pty.text()).contains("Selcom") {
            break;
        }
        pty.send("\x10");
        pty.wait_for(next, Duration::from_secs(10), |t| header(t).contains(next));
    }
}

/// A Selcom payment waiting when the demo is killed is followed to the end after a restart: the
/// new simulator knows its order (a tester's paying customer turned into "needs you").
#[test]
fn a_demo_killed_while_a_selcom_payment_waits_follows_it_after_a_restart() {
    killed_and_restarted(Some("selcom"));
}

/// A pawaPay deposit waiting when the demo is killed is followed to the end after a restart,
/// asked by the id lipa made for it.
#[test]
fn a_demo_killed_while_a_pawapay_deposit_waits_follows_it_after_a_restart() {
    killed_and_restarted(Some("pawapay-tz"));
}

/// pawaPay in the demo's console, both countries (the demo opened on Kenya's row, Ctrl-P to
/// Tanzania's): the last digits and pawaPay's sandbox numbers end as the page says, in its
/// failure codes' words; the wallet is suggested from the number.
#[test]
fn pawapay_in_the_demo_console_both_countries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut pty = Spawn::demo(dir.path(), "1")
        .env("LIPA_PROVIDER", "pawapay-ke")
        .size(100, 30)
        .start();
    let header = |t: &str| t.lines().next().unwrap_or_default().to_string();
    pty.wait_for("the demo on pawaPay Kenya", Duration::from_secs(20), |t| {
        t.contains("DEMO") && header(t).contains("pawaPay Kenya") && header(t).contains("KES")
    });
    let kenya = [
        ("0712345670", "670", "paid"),
        ("0712345676", "676", "did not approve"),
        ("0703456049", "049", "balance is too low"),
        ("0712345679", "679", "paid"),
    ];
    let tanzania = [
        ("0713456789", "789", "paid"),
        ("0623456029", "029", "not registered"),
        ("0754321677", "677", "balance is too low"),
    ];
    let send = |pty: &mut pty::Pty, cases: &[(&str, &str, &str)]| {
        for (phone, tail, _) in cases {
            pty.send(phone);
            pty.send("\t1500\r");
            let row = format!("••• {tail}");
            pty.wait_for("the payment's row", Duration::from_secs(10), |t| {
                t.contains(&row)
            });
        }
    };
    send(&mut pty, &kenya);
    pty.send("\x10");
    pty.wait_for("pawaPay Tanzania", Duration::from_secs(10), |t| {
        header(t).contains("pawaPay Tanzania") && header(t).contains("TZS")
    });
    // HaloPesa's number: its wallet is suggested (the cashier may choose another).
    pty.send("0623456029");
    pty.wait_for("HaloPesa suggested", Duration::from_secs(10), |t| {
        t.contains("HaloPesa HALOTEL_TZA")
    });
    pty.send("\t1500\r");
    pty.wait_for("the payment's row", Duration::from_secs(10), |t| {
        t.contains("••• 029")
    });
    send(&mut pty, &tanzania[..1]);
    send(&mut pty, &tanzania[2..]);
    for (_, tail, expect) in kenya.iter().chain(tanzania.iter()) {
        pty.wait_for(expect, Duration::from_secs(30), |t| {
            t.lines()
                .find(|l| l.contains(&format!("••• {tail}")))
                .is_some_and(|r| r.contains(expect))
        });
    }
    // The demo's own callbacks, signed by its simulator, verify with the key it publishes
    // (found by a tester: through the binary's providers every one was "did NOT verify").
    let journal = lipa::journal::Journal::open_in(&dir.path().join("demo")).expect("journal");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let kept = loop {
        let kept: Vec<_> = journal
            .all()
            .expect("payments")
            .iter()
            .flat_map(|p| journal.hooks(Some(p.id), 10).expect("hooks"))
            .collect();
        if kept.len() >= 3 || std::time::Instant::now() > deadline {
            break kept;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(kept.len() >= 3, "callbacks kept: {kept:?}");
    assert!(kept.iter().all(|h| h.checked == "signed"), "{kept:?}");
}

/// `LIPA_PROVIDER` chooses the provider the console opens on, the demo's too (a Selcom shop
/// pressed Ctrl-P three times at every start).
#[test]
fn the_demo_opens_on_the_configured_provider() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pty = Spawn::demo(dir.path(), "1")
        .env("LIPA_PROVIDER", "selcom")
        .size(80, 24)
        .start();
    pty.wait_for("the demo on Selcom", Duration::from_secs(20), |t| {
        t.contains("DEMO") && t.lines().next().is_some_and(|l| l.contains("Selcom"))
    });
}

/// The demo calls itself back, as a shop with callbacks on: an M-Pesa Daraja push whose answer
/// was lost (digit 9) ends paid by its callback to its own address, where it waited for a
/// person before (Daraja can be asked only by the id its lost answer carried).
#[test]
fn a_daraja_demo_payment_whose_answer_was_lost_ends_by_its_callback() {
    let mut s = Session::start(100, 30);
    s.pty
        .wait_for("the demo banner", Duration::from_secs(20), |t| {
            t.contains("DEMO")
        });
    for next in ["Cepta", "M-Pesa (Daraja)"] {
        let header = |t: &str| t.lines().next().unwrap_or_default().to_string();
        if header(&s.pty.text()).contains("Daraja") {
            break;
        }
        s.pty.send("\x10");
        s.pty
            .wait_for(next, Duration::from_secs(10), |t| header(t).contains(next));
    }
    s.pty.send("0712345679");
    s.pty.send("\t");
    s.pty.send("1500");
    s.pty.send("\r");
    s.pty.wait_for("paid", Duration::from_secs(30), |t| {
        t.lines()
            .find(|l| l.contains("••• 679"))
            .is_some_and(|r| r.contains("paid"))
    });
}
