//! What the handler, the registry and the sessions tell a connection's watchdog ([`Watch`]),
//! and the connections waiting to log in ([`PreAuth`]): the shared state of one connection,
//! below everything that uses it.

use crate::lang::Lang;
use russh::server::Handle;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use tokio::sync::Notify;

/// Connections waiting to log in, at most, at once: a new one closes the one that has waited
/// longest, from the address with the most waiting.
pub const PRE_AUTH_MAX: usize = 64;
/// Of them, at most this many from one address: a new one closes that address's longest
/// waiting. Idle connections cannot keep anyone out: a login takes a second, and the newest
/// connection always gets its chance.
pub const PRE_AUTH_PER_ADDRESS: usize = 8;
/// Connections waiting to log in, oldest first.
#[derive(Default)]
pub struct PreAuth {
    waiting: Mutex<Vec<Waiting>>,
}

struct Waiting {
    ip: IpAddr,
    watch: Weak<Watch>,
}

impl PreAuth {
    /// Counts a new connection in. When the room is full — [`PRE_AUTH_PER_ADDRESS`] from its
    /// address, or [`PRE_AUTH_MAX`] in all — the one that has waited longest, of that address
    /// or of the address with the most waiting, is closed to make room, and told why.
    pub(super) fn enter(&self, ip: IpAddr, watch: &Arc<Watch>, lang: Lang) {
        let mut waiting = self.lock();
        waiting.retain(|w| w.watch.strong_count() > 0);
        let here = waiting.iter().filter(|w| w.ip == ip).count();
        let from = if here >= PRE_AUTH_PER_ADDRESS {
            Some(ip)
        } else if waiting.len() >= PRE_AUTH_MAX {
            busiest(&waiting)
        } else {
            None
        };
        if let Some(at) = from.and_then(|from| waiting.iter().position(|w| w.ip == from)) {
            let old = waiting.remove(at);
            if let Some(old) = old.watch.upgrade() {
                old.waiting.store(false, Ordering::SeqCst);
                tracing::warn!(addr = %old.ip.map_or_else(String::new, |i| i.to_string()), "a connection waiting to log in was closed to make room for a newer one");
                old.cut(crate::strings::serve::made_room(lang));
            }
        }
        waiting.push(Waiting {
            ip,
            watch: Arc::downgrade(watch),
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

/// The address with the most connections waiting (of two, the one waiting longest).
fn busiest(waiting: &[Waiting]) -> Option<IpAddr> {
    let mut best: Option<(usize, IpAddr)> = None;
    for w in waiting {
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
    pub(super) ip: Option<std::net::IpAddr>,
    pub(super) handle: Mutex<Option<Handle>>,
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

    /// Ends the connection at once, telling the client why if it still reads (its client
    /// stopped reading; the room was needed).
    pub fn cut(&self, why: String) {
        *self.cut_why.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
        self.cut.notify_one();
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

    #[test]
    fn idle_connections_make_room_for_a_new_one_and_only_from_the_busiest_address() {
        let room = PreAuth::default();
        // Eight idle connections from one address: a ninth from it closes the oldest.
        let idle: Vec<_> = (0..PRE_AUTH_PER_ADDRESS)
            .map(|_| conn("10.0.0.1"))
            .collect();
        for w in &idle {
            room.enter(w.ip.expect("ip"), w, Lang::En);
        }
        let agent = conn("10.0.0.1");
        room.enter("10.0.0.1".parse().expect("ip"), &agent, Lang::En);
        assert!(cut(&idle[0]), "the oldest was kept");
        assert!(!cut(&agent) && idle[1..].iter().all(|w| !cut(w)));
        assert_eq!(room.count(), PRE_AUTH_PER_ADDRESS);
        // The room full of many addresses' connections: a new one from elsewhere closes the
        // oldest of the address with the most, never one of an address with few.
        let others: Vec<_> = (0..PRE_AUTH_MAX - PRE_AUTH_PER_ADDRESS)
            .map(|i| conn(&format!("10.1.{}.{}", i / 7, i % 7 + 1)))
            .collect();
        for w in &others {
            room.enter(w.ip.expect("ip"), w, Lang::En);
        }
        assert_eq!(room.count(), PRE_AUTH_MAX);
        let late = conn("10.9.9.9");
        room.enter("10.9.9.9".parse().expect("ip"), &late, Lang::En);
        assert!(cut(&idle[1]), "not the busiest address's oldest");
        assert!(others.iter().all(|w| !cut(w)));
        assert_eq!(room.count(), PRE_AUTH_MAX);
        // Leaving frees the room.
        late.leave_waiting(&room);
        assert_eq!(room.count(), PRE_AUTH_MAX - 1);
    }
}
