//! The real binary in a pseudo-terminal: `lipa demo`, a cashier typing, the customer answering.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `lipa demo` and the screen it draws.
struct Session {
    screen: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _dir: tempfile::TempDir,
}

impl Session {
    fn start(cols: u16, rows: u16) -> Session {
        let dir = tempfile::tempdir().expect("tempdir");
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_lipa"));
        cmd.arg("demo");
        cmd.env("LIPA_DATA_DIR", dir.path());
        cmd.env("LIPA_DEMO_SETTLE", "1");
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        let child = pty.slave.spawn_command(cmd).expect("spawn lipa");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let feed = screen.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().expect("screen").process(&buf[..n]);
            }
        });
        // Keep the master alive as long as the session: dropping it hangs up the child.
        std::mem::forget(pty.master);
        Session {
            screen,
            writer,
            child,
            _dir: dir,
        }
    }

    fn text(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    /// Waits until the screen satisfies `ok`, or fails with the screen shown.
    fn wait_for(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.text();
            if ok(&text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn type_text(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("type");
        self.writer.flush().expect("flush");
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The row of the pending list that shows this (masked) number.
fn row_with<'a>(screen: &'a str, masked_tail: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.contains(masked_tail) && l.contains("1,500"))
}

fn push_and_expect(phone: &str, tail: &str, expect: &str) {
    let mut s = Session::start(80, 24);
    s.wait_for("the demo banner", Duration::from_secs(20), |t| {
        t.contains("DEMO")
    });
    s.type_text(phone);
    s.type_text("\t");
    s.type_text("1500");
    s.type_text("\r");
    s.wait_for("the payment row", Duration::from_secs(10), |t| {
        row_with(t, tail).is_some()
    });
    s.wait_for(expect, Duration::from_secs(30), |t| {
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
