//! The accept loop and a watchdog per connection. russh runs the SSH protocol; this decides how
//! long a connection may live: a login within [`LOGIN_WITHIN`] (and at most [`PRE_AUTH_MAX`]
//! connections waiting to log in at once), a console within [`CONSOLE_WITHIN`] of logging in or
//! of the last console closing (an `ssh -N` is not kept), and the whole connection is ended
//! when its key leaves the operators file or its rights change, or the server stops.

use super::Shared;
use super::handler::Conn;
use russh::Disconnect;
use russh::server::Handle;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

/// A connection must log in within this.
pub const LOGIN_WITHIN: Duration = Duration::from_secs(30);
/// Connections waiting to log in, at most, at once; more are closed at once.
pub const PRE_AUTH_MAX: usize = 64;
/// Of them, at most this many from one address (one address cannot fill the room).
pub const PRE_AUTH_PER_ADDRESS: usize = 8;
/// A logged-in connection without a console is closed after this.
pub const CONSOLE_WITHIN: Duration = Duration::from_secs(60);
/// After its console was told to end, a kicked connection waits this long for it to put the
/// agent's terminal back before the link is cut.
const GOODBYE_WITHIN: Duration = Duration::from_secs(3);

/// Connections waiting to log in, in all and per address.
#[derive(Default)]
pub struct PreAuth {
    total: AtomicUsize,
    by_address: Mutex<std::collections::HashMap<std::net::IpAddr, usize>>,
}

impl PreAuth {
    /// Counts a new connection in, unless the room is full (false).
    fn enter(&self, ip: std::net::IpAddr) -> bool {
        let mut by = self.by_address.lock().unwrap_or_else(|p| p.into_inner());
        let here = by.entry(ip).or_default();
        if self.total.load(Ordering::SeqCst) >= PRE_AUTH_MAX || *here >= PRE_AUTH_PER_ADDRESS {
            return false;
        }
        *here += 1;
        self.total.fetch_add(1, Ordering::SeqCst);
        true
    }

    fn leave(&self, ip: std::net::IpAddr) {
        let mut by = self.by_address.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = by.get_mut(&ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                by.remove(&ip);
            }
        }
        let _ = self
            .total
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
    }
}

/// What the handler tells the watchdog about its connection.
#[derive(Default)]
pub struct Watch {
    logged_in: Notify,
    changed: Notify,
    kicked: Notify,
    consoles: AtomicUsize,
    /// Still counted among the connections waiting to log in (from this address).
    waiting: AtomicBool,
    ip: Option<std::net::IpAddr>,
    handle: Mutex<Option<Handle>>,
}

impl Watch {
    pub fn logged_in(&self, pre_auth: &PreAuth) {
        self.leave_waiting(pre_auth);
        self.logged_in.notify_one();
    }

    pub fn console_opened(&self) {
        self.consoles.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_one();
    }

    pub fn console_closed(&self) {
        let _ = self
            .consoles
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        self.changed.notify_one();
    }

    /// Ends the connection (its key is gone, its rights changed).
    pub fn kick(&self) {
        self.kicked.notify_one();
    }

    fn leave_waiting(&self, pre_auth: &PreAuth) {
        if self.waiting.swap(false, Ordering::SeqCst)
            && let Some(ip) = self.ip
        {
            pre_auth.leave(ip);
        }
    }
}

/// Accepts until `stop` turns true; each connection runs in a task of its own.
pub async fn accept(
    shared: Arc<Shared>,
    config: Arc<russh::server::Config>,
    listener: TcpListener,
    stop: watch::Receiver<bool>,
) {
    loop {
        let (socket, peer) = tokio::select! {
            got = listener.accept() => match got {
                Ok(pair) => pair,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = wait_stop(stop.clone()) => return,
        };
        if shared.registry.blocked(peer.ip()) {
            tracing::warn!(addr = %peer, "refused: too many failed logins from this address");
            continue;
        }
        if !shared.pre_auth.enter(peer.ip()) {
            tracing::warn!(addr = %peer, "refused: too many connections waiting to log in");
            continue;
        }
        let _ = socket.set_nodelay(true);
        let watch = Arc::new(Watch {
            waiting: AtomicBool::new(true),
            ip: Some(peer.ip()),
            ..Watch::default()
        });
        let handler = Conn::new(shared.clone(), Some(peer), watch.clone());
        let (shared, config, stop) = (shared.clone(), config.clone(), stop.clone());
        tokio::spawn(async move {
            let reason = tokio::select! {
                () = run(config, socket, handler, &watch) => None,
                why = watchdog(&watch) => Some(why),
                () = wait_stop(stop) => Some(crate::strings::serve::stopping(shared.lang)),
            };
            watch.leave_waiting(&shared.pre_auth);
            let handle = watch
                .handle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            if let Some(why) = reason {
                tracing::info!(addr = %peer, %why, "connection closed by the server");
                if let Some(handle) = handle {
                    let _ = handle
                        .disconnect(Disconnect::ByApplication, why, "en".into())
                        .await;
                }
            }
        });
    }
}

async fn wait_stop(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

async fn run(
    config: Arc<russh::server::Config>,
    socket: tokio::net::TcpStream,
    handler: Conn,
    watch: &Watch,
) {
    match russh::server::run_stream(config, socket, handler).await {
        Ok(session) => {
            *watch.handle.lock().unwrap_or_else(|p| p.into_inner()) = Some(session.handle());
            if let Err(e) = session.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        Err(e) => tracing::debug!(error = %e, "connection setup failed"),
    }
}

/// Resolves, with the reason, when the connection has lived long enough.
async fn watchdog(watch: &Watch) -> String {
    if tokio::time::timeout(LOGIN_WITHIN, watch.logged_in.notified())
        .await
        .is_err()
    {
        return "no login in time".into();
    }
    loop {
        let without_console = watch.consoles.load(Ordering::SeqCst) == 0;
        tokio::select! {
            () = watch.changed.notified() => {}
            () = watch.kicked.notified() => {
                // Its consoles put the agent's terminal back and say why, then the link goes.
                let _ = tokio::time::timeout(GOODBYE_WITHIN, async {
                    while watch.consoles.load(Ordering::SeqCst) > 0 {
                        watch.changed.notified().await;
                    }
                })
                .await;
                return "the operators file changed".into();
            }
            () = tokio::time::sleep(CONSOLE_WITHIN), if without_console => {
                return "no console opened".into();
            }
        }
    }
}
