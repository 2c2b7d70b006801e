//! The signals that ask lipa to stop: SIGTERM (a service manager, `timeout`), SIGHUP (a dropped
//! SSH session) and SIGINT (Ctrl-C). Listening replaces the default "die at once", so a command
//! listens only while it has something to finish cleanly (a report to print, a terminal to
//! restore); outside those moments a signal ends the process, which the journal survives.

use tokio::signal::unix::{Signal, SignalKind, signal};

/// Listeners for the stop signals.
pub struct Stop {
    term: Signal,
    hup: Signal,
    int: Signal,
}

impl Stop {
    /// Starts listening.
    pub fn listen() -> std::io::Result<Stop> {
        Ok(Stop {
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    /// Resolves on the next stop signal, with its name (for the log).
    pub async fn recv(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.hup.recv() => "SIGHUP",
            _ = self.int.recv() => "SIGINT",
        }
    }
}

/// Resolves on the next stop signal, or never when listening could not start.
pub async fn stopped(stop: &mut Option<Stop>) -> &'static str {
    match stop {
        Some(s) => s.recv().await,
        None => std::future::pending().await,
    }
}
