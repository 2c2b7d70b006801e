//! The console in a pseudo-terminal: every screen captured along the way and the raw bytes.

#[path = "../support/pty.rs"]
mod driver;

use crate::scan::Haystack;
use driver::{Pty, Spawn};
use std::time::Duration;

/// `lipa` (the console) in a pseudo-terminal: the screen it draws and every byte it wrote.
pub struct Console {
    pty: Pty,
    /// Screens captured along the way: (moment, contents).
    pub screens: Vec<(String, String)>,
}

impl Console {
    pub fn start(env: &[(&str, String)], args: &[&str]) -> Console {
        // Wide, so that long messages are drawn whole rather than cut at the edge.
        let pty = Spawn::lipa()
            .args(args)
            .envs(env.iter().cloned())
            .size(220, 40)
            .start();
        Console {
            pty,
            screens: Vec::new(),
        }
    }

    pub fn text(&self) -> String {
        self.pty.text()
    }

    /// Polls until the screen satisfies `ok` (no fixed sleeps), then keeps that screen for the
    /// search, under `what`.
    pub fn wait_for(&mut self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) {
        let text = self.pty.wait_for(what, timeout, ok);
        self.screens.push((what.to_string(), text));
    }

    pub fn keys(&mut self, s: &str) {
        self.pty.send(s);
    }

    /// Waits for the process to end; false if it did not by the deadline.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        self.pty.wait_exit(timeout).is_some()
    }

    /// Every screen captured and the raw byte stream, into the haystack.
    pub fn add_to(&self, hay: &mut Haystack, name: &str) {
        for (moment, text) in &self.screens {
            hay.add(format!("{name} screen: {moment}"), text.clone());
        }
        hay.add(format!("{name} screen: last"), self.text());
        hay.add(format!("{name} raw terminal bytes"), self.pty.raw());
    }
}
