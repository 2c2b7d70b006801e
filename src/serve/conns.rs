//! The accept loop and a watchdog per connection. russh runs the SSH protocol; this decides how
//! long a connection may live: a login within [`LOGIN_WITHIN`] (and at most [`PRE_AUTH_MAX`]
//! connections waiting to log in at once: one that is stuck makes room for a new one, one
//! logging in right now is never pushed out), a
//! console within [`CONSOLE_WITHIN`] of logging in or of the last console closing (an `ssh -N`
//! is not kept), and the whole connection is ended when its key leaves the operators file or
//! its rights change, its client stops reading, or the server stops.

use super::Shared;
use super::handler::Conn;
use russh::Disconnect;
use russh::server::Handle;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

/// A connection must log in within this.
pub const LOGIN_WITHIN: Duration = Duration::from_secs(30);
/// Connections waiting to log in, at most, at once: a new one closes a stuck one (see
/// [`Waiting::stuck`]) of the address with the most waiting; when none is stuck, the new one is
/// refused.
pub const PRE_AUTH_MAX: usize = 64;
/// Of them, this many from one address before a new one from there closes that address's
/// longest-waiting stuck one. Idle connections cannot keep anyone out for long: one that has
/// said nothing is stuck after [`SILENT_AFTER`], and every one is after [`STUCK_AFTER`].
pub const PRE_AUTH_PER_ADDRESS: usize = 8;
/// And never more than this many from one address, stuck or not (agents behind one carrier's
/// address logging in at the same moment all fit; a flood from one address does not fill the
/// room).
pub const PRE_AUTH_PER_ADDRESS_MOST: usize = 24;
/// A connection still not logged in after this is stuck: a login takes a second.
pub const STUCK_AFTER: Duration = Duration::from_secs(10);
/// A connection whose client has sent nothing at all after this is stuck (a client sends its
/// version the moment it connects; on a loaded machine that can take a moment).
pub const SILENT_AFTER: Duration = Duration::from_secs(2);
/// A logged-in connection without a console is closed after this.
pub const CONSOLE_WITHIN: Duration = Duration::from_secs(60);
/// After its console was told to end, a kicked connection waits this long for it to put the
/// agent's terminal back before the link is cut.
const GOODBYE_WITHIN: Duration = Duration::from_secs(3);
/// A connection the server ends is told why within this, if its client still reads; then the
/// socket is shut whatever the client does.
const SAY_WITHIN: Duration = Duration::from_secs(3);

/// Connections waiting to log in, oldest first.
#[derive(Default)]
pub struct PreAuth {
    waiting: Mutex<Vec<Waiting>>,
}

struct Waiting {
    ip: IpAddr,
    watch: Weak<Watch>,
    since: std::time::Instant,
}

impl Waiting {
    /// May be closed to make room: it has waited [`STUCK_AFTER`], or failed a login, or its
    /// client has said nothing at all for [`SILENT_AFTER`] (an idle TCP connection), or it is
    /// gone. A client in the middle of its key exchange or login is not stuck.
    fn stuck(&self, now: std::time::Instant) -> bool {
        let Some(w) = self.watch.upgrade() else {
            return true;
        };
        let waited = now.duration_since(self.since);
        waited >= STUCK_AFTER
            || w.failed.load(Ordering::SeqCst)
            || (waited >= SILENT_AFTER && !w.spoke())
    }
}

impl PreAuth {
    /// Counts a new connection in. When the room is full — [`PRE_AUTH_PER_ADDRESS`] from its
    /// address, or [`PRE_AUTH_MAX`] in all — the stuck one that has waited longest, of that
    /// address or of the busiest address with one stuck, is closed to make room, and told why.
    /// When none is stuck, the new one waits beside them (up to [`PRE_AUTH_PER_ADDRESS_MOST`]
    /// from its address, and [`PRE_AUTH_MAX`] in all) or else is refused, and told why.
    fn enter(&self, ip: IpAddr, watch: &Arc<Watch>, now: std::time::Instant) {
        let mut waiting = self.lock();
        waiting.retain(|w| w.watch.strong_count() > 0);
        let here = waiting.iter().filter(|w| w.ip == ip).count();
        let oldest_stuck = |waiting: &[Waiting], from: IpAddr| {
            waiting.iter().position(|w| w.ip == from && w.stuck(now))
        };
        let mut room = true;
        if here >= PRE_AUTH_PER_ADDRESS {
            match oldest_stuck(&waiting, ip) {
                Some(at) => close(waiting.remove(at)),
                None => room = here < PRE_AUTH_PER_ADDRESS_MOST,
            }
        }
        if room && waiting.len() >= PRE_AUTH_MAX {
            match busiest_stuck(&waiting, now).and_then(|from| oldest_stuck(&waiting, from)) {
                Some(at) => close(waiting.remove(at)),
                None => room = false,
            }
        }
        if !room {
            watch.waiting.store(false, Ordering::SeqCst);
            watch.refused.store(true, Ordering::SeqCst);
            tracing::warn!(addr = %ip, waiting = here, "a new connection was refused: every connection waiting to log in from its address, or here, is logging in now");
            watch.cut(crate::strings::serve::room_full_both());
            return;
        }
        waiting.push(Waiting {
            ip,
            watch: Arc::downgrade(watch),
            since: now,
        });
    }

    fn leave(&self, watch: &Watch) {
        self.lock()
            .retain(|w| !std::ptr::eq(w.watch.as_ptr(), watch));
    }

    /// How many wait now (for tests).
    #[cfg(test)]
    fn count(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Closes a stuck connection to make room, telling it why.
fn close(old: Waiting) {
    if let Some(old) = old.watch.upgrade() {
        old.waiting.store(false, Ordering::SeqCst);
        tracing::warn!(addr = %old.ip.map_or_else(String::new, |i| i.to_string()), "a connection stuck before logging in was closed to make room for a newer one");
        old.cut(crate::strings::serve::made_room_both());
    }
}

/// Of the addresses with a stuck connection, the one with the most connections waiting (of
/// two, the one waiting longest).
fn busiest_stuck(waiting: &[Waiting], now: std::time::Instant) -> Option<IpAddr> {
    let mut best: Option<(usize, IpAddr)> = None;
    for w in waiting.iter().filter(|w| w.stuck(now)) {
        let n = waiting.iter().filter(|o| o.ip == w.ip).count();
        if best.is_none_or(|(m, _)| n > m) {
            best = Some((n, w.ip));
        }
    }
    best.map(|(_, ip)| ip)
}

/// What the handler tells the watchdog about its connection.
#[derive(Default)]
pub struct Watch {
    logged_in: Notify,
    changed: Notify,
    kicked: Notify,
    /// Told to end the connection at once, with the reason in `cut_why`.
    cut: Notify,
    cut_why: Mutex<Option<String>>,
    consoles: AtomicUsize,
    /// Still counted among the connections waiting to log in (from this address).
    waiting: AtomicBool,
    /// A login of it failed (a password, a key refused after its signature).
    failed: AtomicBool,
    /// Its client has sent a byte (read by the server).
    heard: AtomicBool,
    /// The socket, to look whether the client has sent a byte not read yet.
    peek: Option<std::net::TcpStream>,
    ip: Option<std::net::IpAddr>,
    handle: Mutex<Option<Handle>>,
    /// The handle is there (the client's version read).
    handled: Notify,
    /// The key exchange is done (the client asked to log in): a reason sent now is read.
    kexed: Notify,
    /// Told to end: no login is taken any more.
    closing: AtomicBool,
    logged_in_flag: AtomicBool,
    /// Refused as it came (the room full of others logging in).
    refused: AtomicBool,
}

impl Watch {
    pub fn logged_in(&self, pre_auth: &PreAuth) {
        self.logged_in_flag.store(true, Ordering::SeqCst);
        self.leave_waiting(pre_auth);
        self.logged_in.notify_one();
    }

    /// A login failed: the connection may make room for another.
    pub fn failed(&self) {
        self.failed.store(true, Ordering::SeqCst);
    }

    /// Ended before its login by the room (made room, refused), its client talking.
    fn waiting_room_cut(&self) -> bool {
        // One refused as it came has its version on the way.
        self.ip.is_some()
            && !self.logged_in_flag.load(Ordering::SeqCst)
            && (self.spoke() || self.refused.load(Ordering::SeqCst))
    }

    /// Its client has sent something: read already, or waiting in the socket.
    fn spoke(&self) -> bool {
        self.heard.load(Ordering::SeqCst)
            || self
                .peek
                .as_ref()
                .is_some_and(|s| s.peek(&mut [0u8; 1]).is_ok_and(|n| n > 0))
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

    /// Ends the connection at once, telling the client why if it still reads (its client
    /// stopped reading; the room was needed).
    pub fn cut(&self, why: String) {
        self.closing.store(true, Ordering::SeqCst);
        *self.cut_why.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
        self.cut.notify_one();
    }

    /// The key exchange is done: the client asks to log in.
    pub fn kex_done(&self) {
        self.kexed.notify_one();
    }

    /// Told to end: a login now is refused.
    pub fn closing(&self) -> bool {
        self.closing.load(Ordering::SeqCst)
    }

    fn leave_waiting(&self, pre_auth: &PreAuth) {
        if self.waiting.swap(false, Ordering::SeqCst) {
            pre_auth.leave(self);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(ip: &str) -> Arc<Watch> {
        Arc::new(Watch {
            waiting: AtomicBool::new(true),
            ip: Some(ip.parse().expect("ip")),
            ..Watch::default()
        })
    }

    fn cut(w: &Watch) -> bool {
        w.cut_why.lock().expect("why").is_some()
    }

    /// A connection whose client has spoken (in the middle of its key exchange).
    fn talking(ip: &str) -> Arc<Watch> {
        let w = conn(ip);
        w.heard.store(true, Ordering::SeqCst);
        w
    }

    #[test]
    fn connections_logging_in_now_are_never_pushed_out_only_stuck_ones() {
        let room = PreAuth::default();
        let t0 = std::time::Instant::now();
        // Twelve agents behind one address log in at the same moment: all wait, none closed.
        let agents: Vec<_> = (0..12).map(|_| talking("10.0.0.1")).collect();
        for w in &agents {
            room.enter(w.ip.expect("ip"), w, t0);
        }
        assert!(
            agents.iter().all(|w| !cut(w)),
            "an agent logging in was closed"
        );
        assert_eq!(room.count(), 12);
        // One that failed a login makes room for the next.
        agents[5].failed();
        let next = talking("10.0.0.1");
        room.enter("10.0.0.1".parse().expect("ip"), &next, t0);
        assert!(cut(&agents[5]) && !cut(&next));
        assert!(agents.iter().enumerate().all(|(i, w)| i == 5 || !cut(w)));
        // Stuck for STUCK_AFTER: the longest waiting goes for a new one.
        let later = t0 + STUCK_AFTER;
        let late = talking("10.0.0.1");
        room.enter("10.0.0.1".parse().expect("ip"), &late, later);
        assert!(cut(&agents[0]) && !cut(&late));
        // None stuck and the address at its most: the newest is refused, with words.
        let flood: Vec<_> = (0..=PRE_AUTH_PER_ADDRESS_MOST)
            .map(|_| talking("10.0.0.2"))
            .collect();
        for w in &flood {
            room.enter(w.ip.expect("ip"), w, t0);
        }
        assert!(flood[..PRE_AUTH_PER_ADDRESS_MOST].iter().all(|w| !cut(w)));
        assert!(
            cut(&flood[PRE_AUTH_PER_ADDRESS_MOST]),
            "the newest was let in"
        );
    }

    #[test]
    fn idle_connections_make_room_for_a_new_one_and_only_from_the_busiest_address() {
        let room = PreAuth::default();
        let t0 = std::time::Instant::now();
        let then = t0 + SILENT_AFTER;
        // Eight idle connections from one address (silent for SILENT_AFTER): a ninth from it
        // closes the oldest.
        let idle: Vec<_> = (0..PRE_AUTH_PER_ADDRESS)
            .map(|_| conn("10.0.0.1"))
            .collect();
        for w in &idle {
            room.enter(w.ip.expect("ip"), w, t0);
        }
        let agent = conn("10.0.0.1");
        room.enter("10.0.0.1".parse().expect("ip"), &agent, then);
        assert!(cut(&idle[0]), "the oldest was kept");
        assert!(!cut(&agent) && idle[1..].iter().all(|w| !cut(w)));
        assert_eq!(room.count(), PRE_AUTH_PER_ADDRESS);
        // The room full of many addresses' connections: a new one from elsewhere closes the
        // oldest of the address with the most, never one of an address with few.
        let others: Vec<_> = (0..PRE_AUTH_MAX - PRE_AUTH_PER_ADDRESS)
            .map(|i| conn(&format!("10.1.{}.{}", i / 7, i % 7 + 1)))
            .collect();
        for w in &others {
            room.enter(w.ip.expect("ip"), w, then);
        }
        assert_eq!(room.count(), PRE_AUTH_MAX);
        let late = conn("10.9.9.9");
        room.enter("10.9.9.9".parse().expect("ip"), &late, then);
        assert!(cut(&idle[1]), "not the busiest address's oldest");
        assert!(others.iter().all(|w| !cut(w)));
        assert_eq!(room.count(), PRE_AUTH_MAX);
        // Leaving frees the room.
        late.leave_waiting(&room);
        assert_eq!(room.count(), PRE_AUTH_MAX - 1);
    }
}
