//! The accept loop and a watchdog per connection. russh runs the SSH protocol; this decides how
//! long a connection may live: a login within [`LOGIN_WITHIN`] (and at most [`super::watch::PRE_AUTH_MAX`]
//! connections waiting to log in at once: one that is stuck makes room for a new one, one
//! logging in right now is never pushed out), a
//! console within [`CONSOLE_WITHIN`] of logging in or of the last console closing (an `ssh -N`
//! is not kept), and the whole connection is ended when its key leaves the operators file or
//! its rights change, its client stops reading, or the server stops.

use super::Shared;
use super::handler::Conn;
use super::watch::Watch;
use russh::Disconnect;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// A connection must log in within this.
pub const LOGIN_WITHIN: Duration = Duration::from_secs(30);
/// A logged-in connection without a console is closed after this.
pub const CONSOLE_WITHIN: Duration = Duration::from_secs(60);
/// After its console was told to end, a kicked connection waits this long for it to put the
/// agent's terminal back before the link is cut.
const GOODBYE_WITHIN: Duration = Duration::from_secs(3);
/// A connection the server ends is told why within this, if its client still reads; then the
/// socket is shut whatever the client does.
const SAY_WITHIN: Duration = Duration::from_secs(3);

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
        let _ = socket.set_nodelay(true);
        // A second handle on the socket, to shut it when the connection must end even if its
        // client reads nothing (russh would wait for it to take the bytes queued first).
        let (socket, shut) = match shuttable(socket) {
            Ok(pair) => pair,
            Err(e) => {
                tracing::warn!(addr = %peer, error = %e, "accept failed");
                continue;
            }
        };
        let watch = Arc::new(Watch {
            waiting: AtomicBool::new(true),
            ip: Some(peer.ip()),
            peek: shut.try_clone().ok(),
            ..Watch::default()
        });
        shared
            .pre_auth
            .enter(peer.ip(), &watch, std::time::Instant::now());
        let socket = Heard {
            inner: socket,
            watch: watch.clone(),
        };
        let handler = Conn::new(shared.clone(), Some(peer), watch.clone());
        let (shared, config, stop) = (shared.clone(), config.clone(), stop.clone());
        tokio::spawn(async move {
            let mut conn = tokio::spawn(run(config, socket, handler, watch.clone()));
            let reason = tokio::select! {
                _ = &mut conn => None,
                why = watchdog(&watch) => Some(why),
                // To a connection whose user may not be known: both languages (a console
                // has said it already in its own).
                () = wait_stop(stop) => Some(crate::strings::serve::both_line(crate::strings::serve::stopping)),
            };
            watch.leave_waiting(&shared.pre_auth);
            let take = || {
                watch
                    .handle
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .take()
            };
            let mut handle = take();
            if reason.is_some() && watch.waiting_room_cut() && !conn.is_finished() {
                // Cut before logging in, its client in the middle of its key exchange
                // (refused as it came): waits a moment for the exchange to end, to say why
                // where the client reads it rather than only shut the socket.
                let _ = tokio::time::timeout(SAY_WITHIN, async {
                    if handle.is_none() {
                        watch.handled.notified().await;
                    }
                    watch.kexed.notified().await;
                })
                .await;
                handle = handle.or_else(take);
            }
            if let Some(why) = reason {
                tracing::info!(addr = %peer, %why, "connection closed by the server");
                if let Some(handle) = handle {
                    let _ = tokio::time::timeout(
                        SAY_WITHIN,
                        handle.disconnect(Disconnect::ByApplication, why, "en".into()),
                    )
                    .await;
                }
                // Told: the client closes its side. A client that reads nothing is cut.
                if tokio::time::timeout(SAY_WITHIN, &mut conn).await.is_err() {
                    let _ = shut.shutdown(std::net::Shutdown::Both);
                    if tokio::time::timeout(SAY_WITHIN, &mut conn).await.is_err() {
                        conn.abort();
                    }
                }
            }
        });
    }
}

/// The socket, and a second handle on it that can shut it from outside.
fn shuttable(
    socket: tokio::net::TcpStream,
) -> std::io::Result<(tokio::net::TcpStream, std::net::TcpStream)> {
    let std = socket.into_std()?;
    let shut = std.try_clone()?;
    Ok((tokio::net::TcpStream::from_std(std)?, shut))
}

async fn wait_stop(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// The socket, telling the watch when its client has sent a first byte.
struct Heard {
    inner: tokio::net::TcpStream,
    watch: Arc<Watch>,
}

impl tokio::io::AsyncRead for Heard {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.watch.heard.store(true, Ordering::Relaxed);
        }
        polled
    }
}

impl tokio::io::AsyncWrite for Heard {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        data: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

async fn run(config: Arc<russh::server::Config>, socket: Heard, handler: Conn, watch: Arc<Watch>) {
    match russh::server::run_stream(config, socket, handler).await {
        Ok(session) => {
            *watch.handle.lock().unwrap_or_else(|p| p.into_inner()) = Some(session.handle());
            watch.handled.notify_one();
            if let Err(e) = session.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        Err(e) => tracing::debug!(error = %e, "connection setup failed"),
    }
}

/// Resolves, with the reason, when the connection has lived long enough, or must end now.
async fn watchdog(watch: &Watch) -> String {
    tokio::select! {
        () = watch.cut.notified() => watch
            .cut_why
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .unwrap_or_default(),
        why = lifetime(watch) => why,
    }
}

async fn lifetime(watch: &Watch) -> String {
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
