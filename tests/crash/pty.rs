//! The console in a pseudo-terminal, under a small shell that reports the console's pid and
//! exit status, then prints the terminal's modes (`stty -a`) once the console is gone — the
//! only way to see from outside whether raw mode was switched off. Or directly, as the terminal's
//! only process, for a session whose far end goes away.

#[path = "../support/pty.rs"]
mod driver;

use driver::{LIPA, Pty, Spawn};
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
    /// The shell, or the console itself when started [`Console::direct`].
    pty: Pty,
    wrapped: bool,
    /// The console's own pid (not the shell's).
    pub pid: u32,
}

impl Console {
    /// Opens the configured console (not the demo) of `till` in a 100×30 terminal, under the
    /// reporting shell.
    pub fn start(till: &Till) -> Console {
        let shell = Spawn::new("sh").args(&["-c", SCRIPT, "sh", LIPA]);
        let mut console = Console {
            pty: Console::open(till, shell),
            wrapped: true,
            pid: 0,
        };
        console.pid = wait_until("the console's pid", Duration::from_secs(10), || {
            console.marker("lipa-pid:")?.parse().ok()
        });
        console
    }

    /// The console as the terminal's only process, as an SSH session runs it.
    pub fn direct(till: &Till) -> Console {
        let pty = Console::open(till, Spawn::lipa());
        let pid = pty.pid();
        Console {
            pty,
            wrapped: false,
            pid,
        }
    }

    /// `till`'s environment; started in its data directory, as the user's home.
    fn open(till: &Till, program: Spawn) -> Pty {
        program
            .envs(till.env())
            .cwd(till.data())
            .size(100, 30)
            .start()
    }

    /// See [`Pty::hang_up`].
    pub fn hang_up(&mut self) {
        self.pty.hang_up();
    }

    /// For [`Console::direct`]: waits (up to `timeout`) for the console to end.
    pub fn wait_direct(&mut self, timeout: Duration) -> portable_pty::ExitStatus {
        assert!(!self.wrapped);
        self.pty
            .wait_exit(timeout)
            .unwrap_or_else(|| panic!("timed out waiting for the console to exit"))
    }

    /// The text after `name` on its line, once the shell has printed it.
    pub fn marker(&self, name: &str) -> Option<String> {
        let raw = String::from_utf8_lossy(&self.raw()).into_owned();
        let at = raw.find(name)? + name.len();
        let line = raw[at..].split(['\r', '\n']).next()?;
        (raw[at..].len() > line.len()).then(|| line.to_string())
    }

    /// Every byte the terminal received so far.
    pub fn raw(&self) -> Vec<u8> {
        self.pty.raw()
    }

    /// Waits until the screen satisfies `ok`, or fails with the screen shown.
    pub fn wait_for(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) {
        self.pty.wait_for(what, timeout, ok);
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
                t.contains(lipa::strings::console::form_title(lipa::strings::Lang::En))
                    && !t.contains(lipa::strings::console::reference_coming(
                        lipa::strings::Lang::En,
                    ))
            },
        );
        self.pty.send(phone);
        self.pty.send("\t");
        self.pty.send(amount);
        self.pty.send("\r");
    }
}

/// Under the shell, kills the console if it still runs: [`Pty`]'s own drop sees only the shell
/// (and, started [`Console::direct`], the console itself).
impl Drop for Console {
    fn drop(&mut self) {
        if self.wrapped && self.pid != 0 && self.marker("lipa-exit:").is_none() {
            try_signal(self.pid, "KILL");
        }
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
