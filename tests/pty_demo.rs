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
    let dir = tempfile::tempdir().expect("tempdir");
    let mut first = demo(dir.path(), "6", 80, 24);
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

    let second = demo(dir.path(), "6", 80, 24);
    second.wait_for("the same payment, paid", Duration::from_secs(30), |t| {
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
