//! What the handler, the registry and the sessions tell a connection's watchdog ([`Watch`]),
//! and the connections waiting to log in ([`PreAuth`]): the shared state of one connection,
//! below everything that uses it.

use russh::server::Handle;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::Notify;

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
    pub(super) fn enter(&self, ip: IpAddr, watch: &Arc<Watch>, now: std::time::Instant) {
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

    pub(super) fn leave(&self, watch: &Watch) {
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
    pub(super) logged_in: Notify,
    pub(super) changed: Notify,
    pub(super) kicked: Notify,
    /// Told to end the connection at once, with the reason in `cut_why`.
    pub(super) cut: Notify,
    pub(super) cut_why: Mutex<Option<String>>,
    pub(super) consoles: AtomicUsize,
    /// Still counted among the connections waiting to log in (from this address).
    pub(super) waiting: AtomicBool,
    /// A login of it failed (a password, a key refused after its signature).
    pub(super) failed: AtomicBool,
    /// Its client has sent a byte (read by the server).
    pub(super) heard: AtomicBool,
    /// The socket, to look whether the client has sent a byte not read yet.
    pub(super) peek: Option<std::net::TcpStream>,
    pub(super) ip: Option<std::net::IpAddr>,
    pub(super) handle: Mutex<Option<Handle>>,
    /// The handle is there (the client's version read).
    pub(super) handled: Notify,
    /// The key exchange is done (the client asked to log in): a reason sent now is read.
    pub(super) kexed: Notify,
    /// Told to end: no login is taken any more.
    pub(super) closing: AtomicBool,
    pub(super) logged_in_flag: AtomicBool,
    /// Refused as it came (the room full of others logging in).
    pub(super) refused: AtomicBool,
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
    pub(super) fn waiting_room_cut(&self) -> bool {
        // One refused as it came has its version on the way.
        self.ip.is_some()
            && !self.logged_in_flag.load(Ordering::SeqCst)
            && (self.spoke() || self.refused.load(Ordering::SeqCst))
    }

    /// Its client has sent something: read already, or waiting in the socket.
    pub(super) fn spoke(&self) -> bool {
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

    pub(super) fn leave_waiting(&self, pre_auth: &PreAuth) {
        if self.waiting.swap(false, Ordering::SeqCst) {
            pre_auth.leave(self);
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
