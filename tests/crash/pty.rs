//! The console in a pseudo-terminal, under a small shell that reports the console's pid and
//! exit status, then prints the terminal's modes (`stty -a`) once the console is gone — the
//! only way to see from outside whether raw mode was switched off. Or directly, as the terminal's
//! only process, for a session whose far end goes away.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::support::{Till, try_signal, wait_until};

/// `$1` is the console. Without job control a background job's stdin would be `/dev/null`,
/// hence the terminal kept on fd 3.
const SCRIPT: &str = r#"exec 3<&0
"$1" <&3 &
pid=$!
printf 'lipa-pid:%s\n' "$pid"
wait "$pid"
printf 'lipa-exit:%s\n' "$?"
stty -a
printf 'lipa-end\n'
"#;

pub struct Console {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Option<Box<dyn Write + Send>>,
    /// The shell, or the console itself when started [`Console::direct`].
    child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
    /// Asks the reader thread to stop at its next read (see [`Console::hang_up`]).
    stop_reading: Arc<AtomicBool>,
    reader_done: Arc<AtomicBool>,
    wrapped: bool,
    /// The console's own pid (not the shell's).
    pub pid: u32,
}

impl Console {
    /// Opens the configured console (not the demo) of `till` in a 100×30 terminal, under the
    /// reporting shell.
    pub fn start(till: &Till) -> Console {
        let mut cmd = CommandBuilder::new("sh");
        cmd.args(["-c", SCRIPT, "sh", env!("CARGO_BIN_EXE_lipa")]);
        let mut console = Console::spawn(till, cmd, true);
        console.pid = wait_until("the console's pid", Duration::from_secs(10), || {
            console.marker("lipa-pid:")?.parse().ok()
        });
        console
    }

    /// The console as the terminal's only process, as an SSH session runs it.
    pub fn direct(till: &Till) -> Console {
        let mut console =
            Console::spawn(till, CommandBuilder::new(env!("CARGO_BIN_EXE_lipa")), false);
        console.pid = console.child.process_id().expect("pid");
        console
    }

    fn spawn(till: &Till, mut cmd: CommandBuilder, wrapped: bool) -> Console {
        let (cols, rows) = (100, 30);
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        cmd.env_clear();
        for (k, v) in till.env() {
            cmd.env(k, v);
        }
        cmd.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(cmd).expect("spawn the console");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let stop_reading = Arc::new(AtomicBool::new(false));
        let reader_done = Arc::new(AtomicBool::new(false));
        let (feed, keep) = (screen.clone(), raw.clone());
        let (stop, done) = (stop_reading.clone(), reader_done.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().expect("screen").process(&buf[..n]);
                keep.lock().expect("raw").extend_from_slice(&buf[..n]);
                if stop.load(Ordering::SeqCst) {
                    break;
                }
            }
            drop(reader);
            done.store(true, Ordering::SeqCst);
        });
        Console {
            screen,
            raw,
            writer: Some(writer),
            child,
            master: Some(pty.master),
            stop_reading,
            reader_done,
            wrapped,
            pid: 0,
        }
    }

    /// The far end goes away, as when an SSH connection drops: every descriptor of the
    /// terminal's master side is closed, so the kernel hangs the terminal up. The reader stops
    /// at its next read: the console redraws at least once a second while a payment waits.
    pub fn hang_up(&mut self) {
        self.stop_reading.store(true, Ordering::SeqCst);
        wait_until("the reader to let go", Duration::from_secs(10), || {
            self.reader_done.load(Ordering::SeqCst).then_some(())
        });
        self.writer = None;
        self.master = None;
    }

    /// For [`Console::direct`]: waits (up to `timeout`) for the console to end.
    pub fn wait_direct(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        assert!(!self.wrapped);
        wait_until("the console to exit", timeout, || {
            self.child.try_wait().expect("try_wait")
        })
    }

    /// The text after `name` on its line, once the shell has printed it.
    pub fn marker(&self, name: &str) -> Option<String> {
        let raw = String::from_utf8_lossy(&self.raw.lock().expect("raw")).into_owned();
        let at = raw.find(name)? + name.len();
        let line = raw[at..].split(['\r', '\n']).next()?;
        (raw[at..].len() > line.len()).then(|| line.to_string())
    }

    /// Every byte the terminal received so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().expect("raw").clone()
    }

    pub fn text(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    /// Waits until the screen satisfies `ok`, or fails with the screen shown.
    pub fn wait_for(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let text = self.text();
            if ok(&text) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn type_text(&mut self, s: &str) {
        let writer = self.writer.as_mut().expect("terminal still open");
        writer.write_all(s.as_bytes()).expect("type");
        writer.flush().expect("flush");
    }

    /// Waits (up to `timeout`) for the console to end; returns its exit status as the shell
    /// saw it (128 + n when killed by signal n).
    pub fn exit_status(&self, timeout: Duration) -> i32 {
        assert!(self.wrapped);
        wait_until("the console to exit", timeout, || {
            self.marker("lipa-exit:")?.parse().ok()
        })
    }

    /// `stty -a` after the console ended.
    pub fn modes_after(&self) -> String {
        wait_until("stty's report", Duration::from_secs(10), || {
            self.marker("lipa-end")?;
            let raw = String::from_utf8_lossy(&self.raw()).into_owned();
            let from = raw.find("lipa-exit:")?;
            Some(raw[from..].to_string())
        })
    }

    /// Types a phone number and an amount, then Enter, once the form is ready.
    pub fn push(&mut self, phone: &str, amount: &str) {
        self.wait_for(
            "the form with its reference",
            Duration::from_secs(20),
            |t| {
                t.contains(lipa::strings::console::FORM_TITLE)
                    && !t.contains(lipa::strings::console::reference_coming())
            },
        );
        self.type_text(phone);
        self.type_text("\t");
        self.type_text(amount);
        self.type_text("\r");
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let running = if self.wrapped {
            self.marker("lipa-exit:").is_none()
        } else {
            matches!(self.child.try_wait(), Ok(None))
        };
        if running && self.pid != 0 {
            try_signal(self.pid, "KILL");
        }
        if self.wrapped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The row of the pending list with this number's tail and amount.
pub fn row_with<'a>(screen: &'a str, tail: &str, amount: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.contains(tail) && l.contains(amount))
}

/// Whether every mode the console switches on (alternate screen, hidden cursor, bracketed
/// paste) was switched off after it was last switched on. Returns the first one left on.
pub fn left_on(raw: &[u8]) -> Option<&'static str> {
    const MODES: [(&str, &[u8], &[u8]); 3] = [
        ("alternate screen", b"\x1b[?1049h", b"\x1b[?1049l"),
        ("hidden cursor", b"\x1b[?25l", b"\x1b[?25h"),
        ("bracketed paste", b"\x1b[?2004h", b"\x1b[?2004l"),
    ];
    let last = |needle: &[u8]| raw.windows(needle.len()).rposition(|w| w == needle);
    MODES
        .into_iter()
        .find_map(|(name, on, off)| match (last(on), last(off)) {
            (Some(on), Some(off)) if off > on => None,
            (None, _) => None,
            _ => Some(name),
        })
}

/// Whether the last control sequence the console wrote switches a mode off (nothing was drawn
/// after the terminal was restored).
pub fn ends_restored(raw: &[u8]) -> bool {
    const OFF: [&[u8]; 3] = [b"\x1b[?1049l", b"\x1b[?25h", b"\x1b[?2004l"];
    let Some(esc) = raw.iter().rposition(|b| *b == 0x1b) else {
        return false;
    };
    let last = raw[esc..].trim_ascii_end();
    OFF.contains(&last)
}
