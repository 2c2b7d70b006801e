//! A program in a pseudo-terminal, for tests that drive the real binary as a person would: the
//! screen it draws (through a terminal emulator), every byte it wrote, keys sent to it, and
//! polling with a deadline for what the screen should show. Each test crate uses a part of it.
#![allow(dead_code)]

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The real binary under test.
pub const LIPA: &str = env!("CARGO_BIN_EXE_lipa");

/// What to start: a program with a clean environment (PATH, `TERM=xterm-256color` and what is
/// given), in the temporary directory unless told otherwise, in an 80×24 terminal by default.
pub struct Spawn {
    cmd: CommandBuilder,
    cols: u16,
    rows: u16,
}

impl Spawn {
    pub fn new(program: impl AsRef<OsStr>) -> Spawn {
        let mut cmd = CommandBuilder::new(program);
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        // portable-pty starts the child in $HOME unless told otherwise.
        cmd.cwd(std::env::temp_dir());
        Spawn {
            cmd,
            cols: 80,
            rows: 24,
        }
    }

    /// `lipa` itself.
    pub fn lipa() -> Spawn {
        Spawn::new(LIPA)
    }

    /// `lipa demo` on the data directory (and home) `dir`, customers answering after `settle`
    /// seconds.
    pub fn demo(dir: &Path, settle: &str) -> Spawn {
        Spawn::lipa()
            .args(&["demo"])
            .env("HOME", dir)
            .env("LIPA_DATA_DIR", dir)
            .env("LIPA_DEMO_SETTLE", settle)
    }

    pub fn args(mut self, args: &[&str]) -> Spawn {
        self.cmd.args(args);
        self
    }

    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Spawn {
        self.cmd.env(key, value);
        self
    }

    pub fn envs<K: AsRef<OsStr>, V: AsRef<OsStr>>(
        mut self,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Spawn {
        for (k, v) in vars {
            self.cmd.env(k, v);
        }
        self
    }

    pub fn cwd(mut self, dir: &Path) -> Spawn {
        self.cmd.cwd(dir);
        self
    }

    pub fn size(mut self, cols: u16, rows: u16) -> Spawn {
        (self.cols, self.rows) = (cols, rows);
        self
    }

    /// Opens the terminal and starts the program in it.
    pub fn start(self) -> Pty {
        let (cols, rows) = (self.cols, self.rows);
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let child = pty.slave.spawn_command(self.cmd).expect("spawn");
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
                keep.lock().expect("raw").extend_from_slice(&buf[..n]);
                feed.lock().expect("screen").process(&buf[..n]);
                if stop.load(Ordering::SeqCst) {
                    break;
                }
            }
            drop(reader);
            done.store(true, Ordering::SeqCst);
        });
        Pty {
            screen,
            raw,
            writer: Some(writer),
            child,
            master: Some(pty.master),
            stop_reading,
            reader_done,
        }
    }
}

/// A running program in its pseudo-terminal. Dropping it kills the program if it still runs
/// (and reaps it), then closes the terminal.
pub struct Pty {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Option<Box<dyn Write + Send>>,
    child: Box<dyn Child + Send + Sync>,
    /// Kept open as long as the session: closing it hangs the terminal up.
    master: Option<Box<dyn MasterPty + Send>>,
    /// Asks the reader thread to stop at its next read (see [`Pty::hang_up`]).
    stop_reading: Arc<AtomicBool>,
    reader_done: Arc<AtomicBool>,
}

impl Pty {
    /// The screen as drawn now.
    pub fn text(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    /// The screen with its colours and attributes.
    pub fn screen(&self) -> vt100::Screen {
        self.screen.lock().expect("screen").screen().clone()
    }

    /// Every byte the terminal received so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().expect("raw").clone()
    }

    /// How many bytes came so far.
    pub fn raw_len(&self) -> usize {
        self.raw.lock().expect("raw").len()
    }

    /// The program's pid (the one started, not its children).
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// Types `keys` (text or control sequences).
    pub fn send(&mut self, keys: impl AsRef<[u8]>) {
        let writer = self.writer.as_mut().expect("terminal still open");
        writer.write_all(keys.as_ref()).expect("type");
        writer.flush().expect("flush");
    }

    /// Polls until the screen satisfies `ok`, then returns that screen; or fails with the
    /// screen shown once `timeout` has passed.
    pub fn wait_for(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) -> String {
        poll(timeout, || Some(self.text()).filter(|t| ok(t)))
            .unwrap_or_else(|| panic!("timed out waiting for {what}; screen:\n{}", self.text()))
    }

    /// Waits (up to `timeout`) for the program to end: its exit status, or `None` if it still
    /// runs.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        poll(timeout, || self.child.try_wait().expect("try_wait"))
    }

    /// The terminal changes size (the program gets SIGWINCH), and the emulator with it.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.master
            .as_ref()
            .expect("terminal still open")
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
        self.screen
            .lock()
            .expect("screen")
            .screen_mut()
            .set_size(rows, cols);
    }

    /// Kills the program at once (SIGKILL), as a phone that loses power would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The far end goes away, as when an SSH connection drops: every descriptor of the
    /// terminal's master side is closed, so the kernel hangs the terminal up. The reader stops
    /// at its next read, so the program must write something (the console redraws at least
    /// once a second while a payment waits).
    pub fn hang_up(&mut self) {
        self.stop_reading.store(true, Ordering::SeqCst);
        let done = poll(Duration::from_secs(10), || {
            self.reader_done.load(Ordering::SeqCst).then_some(())
        });
        assert!(done.is_some(), "timed out waiting for the reader to let go");
        self.writer = None;
        self.master = None;
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Calls `f` every 25 ms until it yields something, or `None` once `timeout` has passed.
fn poll<T>(timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}
