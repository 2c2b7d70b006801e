//! The console in a pseudo-terminal: every screen captured along the way and the raw bytes.

use crate::scan::Haystack;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `lipa` (the console) in a pseudo-terminal: the screen it draws and every byte it wrote.
pub struct Console {
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    /// Screens captured along the way: (moment, contents).
    pub screens: Vec<(String, String)>,
}

impl Console {
    pub fn start(env: &[(&str, String)], args: &[&str]) -> Console {
        // Wide, so that long messages are drawn whole rather than cut at the edge.
        let (rows, cols) = (40, 220);
        let pty = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_lipa"));
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        // portable-pty starts the child in $HOME unless told otherwise.
        cmd.cwd(std::env::temp_dir());
        let child = pty.slave.spawn_command(cmd).expect("spawn lipa");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("reader");
        let writer = pty.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (feed, keep) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                keep.lock().expect("raw").extend_from_slice(&buf[..n]);
                feed.lock().expect("screen").process(&buf[..n]);
            }
        });
        // Keep the master open for the whole session: dropping it hangs up the child.
        std::mem::forget(pty.master);
        Console {
            screen,
            raw,
            writer,
            child,
            screens: Vec::new(),
        }
    }

    pub fn text(&self) -> String {
        self.screen.lock().expect("screen").screen().contents()
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().expect("raw").clone()
    }

    /// Keeps the current screen for the search, under `moment`.
    pub fn capture(&mut self, moment: &str) {
        let text = self.text();
        self.screens.push((moment.to_string(), text));
    }

    /// Polls until the screen satisfies `ok` (no fixed sleeps), then captures it.
    pub fn wait_for(&mut self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.text();
            if ok(&text) {
                self.capture(what);
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn keys(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("type");
        self.writer.flush().expect("flush");
    }

    /// Waits for the process to end; false if it did not by the deadline.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Every screen captured and the raw byte stream, into the haystack.
    pub fn add_to(&self, hay: &mut Haystack, name: &str) {
        for (moment, text) in &self.screens {
            hay.add(format!("{name} screen: {moment}"), text.clone());
        }
        hay.add(format!("{name} screen: last"), self.text());
        hay.add(format!("{name} raw terminal bytes"), self.raw());
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}
