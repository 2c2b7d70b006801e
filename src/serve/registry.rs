//! Who may log in, who is logged in, and who keeps failing: the server's shared book.

use super::watch::Watch;
use crate::operators::Operator;
use russh::keys::ssh_key::public::KeyData;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Failed logins from one address before it is told why at every connection, and a password
/// from it ends the connection. A listed key is never refused for them: keys cannot be guessed,
/// and agents behind one mobile carrier share addresses with strangers.
pub const FAILURES_ALLOWED: usize = 5;
/// How far back failures count.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(10 * 60);
/// Addresses, or keys, whose failures are remembered at once (the oldest are forgotten first).
const TALLY_MAX: usize = 4096;

/// The server's limits.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_sessions: usize,
    pub per_operator: usize,
    /// A session without a key for this long is closed (a warning comes a minute before).
    pub idle: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_sessions: 100,
            per_operator: 3,
            idle: Duration::from_secs(30 * 60),
        }
    }
}

/// Why the server ends a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Idle,
    KeyRemoved,
    /// The operator's line changed (role, language, providers, limit): log in again.
    RightsChanged,
    /// The operators file cannot be trusted (others could change it): nobody is an operator.
    Untrusted,
    Stopping,
}

/// Why a console was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// This operator has as many sessions as allowed.
    Yours(usize),
    /// The server has as many sessions as allowed.
    Full,
}

/// An operator who may log in, with their key parsed.
#[derive(Debug, Clone)]
pub struct Known {
    pub key: KeyData,
    pub operator: Operator,
}

struct Live {
    operator: String,
    /// The logged-in connection it runs on (`None`: a demo visitor).
    link: Option<u64>,
    end: Option<oneshot::Sender<End>>,
}

/// A connection logged in with an operator's key.
struct Link {
    key: KeyData,
    operator: Operator,
    watch: Arc<Watch>,
}

#[derive(Default)]
pub struct Registry {
    operators: RwLock<Arc<Vec<Known>>>,
    sessions: Mutex<HashMap<u64, Live>>,
    links: Mutex<HashMap<u64, Link>>,
    failures: Mutex<Tally<IpAddr>>,
    /// Failed logins per key not on the list (its fingerprint).
    key_failures: Mutex<Tally<String>>,
    next: AtomicU64,
    pub limits: Limits,
}

impl Registry {
    pub fn new(operators: Vec<Known>, limits: Limits) -> Registry {
        Registry {
            operators: RwLock::new(Arc::new(operators)),
            limits,
            ..Registry::default()
        }
    }

    /// The operator whose key this is.
    pub fn find(&self, key: &KeyData) -> Option<Operator> {
        let all = self.operators.read().unwrap_or_else(|p| p.into_inner());
        all.iter()
            .find(|k| &k.key == key)
            .map(|k| k.operator.clone())
    }

    pub fn operator_count(&self) -> usize {
        self.operators
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    /// A new list of operators (the file changed). Every connection whose key is no longer
    /// listed, or whose operator's line says something else now, is ended: its consoles first
    /// (with the reason on the agent's screen), then the link. Returns how many connections.
    pub fn replace(&self, operators: Vec<Known>) -> usize {
        self.replace_because(operators, End::KeyRemoved)
    }

    /// As [`Registry::replace`], saying `removed` to those whose key is no longer listed.
    pub fn replace_because(&self, operators: Vec<Known>, removed: End) -> usize {
        *self.operators.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(operators.clone());
        let mut ends: Vec<(u64, End)> = Vec::new();
        for (id, link) in self.lock_links().iter() {
            let now = operators.iter().find(|o| o.key == link.key);
            let why = match now {
                None => removed,
                Some(o) if !same_rights(&o.operator, &link.operator) => End::RightsChanged,
                Some(_) => continue,
            };
            ends.push((*id, why));
            link.watch.kick();
        }
        let mut sessions = self.lock_sessions();
        for live in sessions.values_mut() {
            let why = ends
                .iter()
                .find(|(l, _)| Some(*l) == live.link)
                .map(|(_, w)| *w);
            if let Some(why) = why
                && let Some(end) = live.end.take()
            {
                let _ = end.send(why);
            }
        }
        ends.len()
    }

    /// A connection logged in with this key, as this operator: its id.
    pub fn link(&self, key: KeyData, operator: Operator, watch: Arc<Watch>) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        self.lock_links().insert(
            id,
            Link {
                key,
                operator,
                watch,
            },
        );
        id
    }

    pub fn unlink(&self, id: u64) {
        self.lock_links().remove(&id);
    }

    /// Opens a session for this operator if the limits allow: its id, and where its end
    /// comes from.
    pub fn open(
        &self,
        operator: &str,
        link: Option<u64>,
    ) -> Result<(u64, oneshot::Receiver<End>), Refusal> {
        let mut sessions = self.lock_sessions();
        if sessions.len() >= self.limits.max_sessions {
            return Err(Refusal::Full);
        }
        let theirs = sessions.values().filter(|s| s.operator == operator).count();
        if link.is_some() && theirs >= self.limits.per_operator {
            return Err(Refusal::Yours(self.limits.per_operator));
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (tx, rx) = oneshot::channel();
        sessions.insert(
            id,
            Live {
                operator: operator.to_string(),
                link,
                end: Some(tx),
            },
        );
        Ok((id, rx))
    }

    pub fn close(&self, id: u64) {
        self.lock_sessions().remove(&id);
    }

    pub fn session_count(&self) -> usize {
        self.lock_sessions().len()
    }

    /// Ends every session (the server is stopping).
    pub fn end_all(&self, why: End) {
        for live in self.lock_sessions().values_mut() {
            if let Some(end) = live.end.take() {
                let _ = end.send(why);
            }
        }
    }

    /// A connection from this address ended without a login: one failure for the address.
    pub fn failed(&self, ip: IpAddr) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .add(ip)
    }

    /// A key not on the list was offered: one failure for the key (the same key refused again
    /// and again is someone's new phone, or someone trying); how many in the window.
    pub fn key_failed(&self, fingerprint: &str) -> usize {
        self.key_failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .add(fingerprint.to_string())
    }

    /// Failed logins from this address in the window.
    pub fn failures(&self, ip: IpAddr) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .count(&ip)
    }

    /// This address failed too often lately: its connections are told why, and passwords from
    /// it end them. Listed keys still log in from it.
    pub fn blocked(&self, ip: IpAddr) -> bool {
        self.failures(ip) >= FAILURES_ALLOWED
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Live>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_links(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Link>> {
        self.links.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Failures per address or key in the last [`FAILURE_WINDOW`], remembered for at most
/// [`TALLY_MAX`] of them (memory stays bounded whatever a client sends).
struct Tally<K> {
    seen: HashMap<K, Vec<Instant>>,
}

impl<K> Default for Tally<K> {
    fn default() -> Tally<K> {
        Tally {
            seen: HashMap::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> Tally<K> {
    fn add(&mut self, key: K) -> usize {
        let now = Instant::now();
        if !self.seen.contains_key(&key) && self.seen.len() >= TALLY_MAX {
            self.seen.retain(|_, list| {
                list.last()
                    .is_some_and(|t| now.duration_since(*t) < FAILURE_WINDOW)
            });
            if self.seen.len() >= TALLY_MAX {
                let oldest = self
                    .seen
                    .iter()
                    .min_by_key(|(_, list)| list.last().copied())
                    .map(|(k, _)| k.clone());
                if let Some(k) = oldest {
                    self.seen.remove(&k);
                }
            }
        }
        let list = self.seen.entry(key).or_default();
        list.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
        // More than this many says nothing more.
        if list.len() >= 4 * FAILURES_ALLOWED {
            list.remove(0);
        }
        list.push(now);
        list.len()
    }

    fn count(&mut self, key: &K) -> usize {
        let now = Instant::now();
        match self.seen.get_mut(key) {
            Some(list) => {
                list.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
                list.len()
            }
            None => 0,
        }
    }
}

/// Whether two lines of one key give the same person the same rights.
fn same_rights(a: &Operator, b: &Operator) -> bool {
    a.name == b.name
        && a.role == b.role
        && a.lang == b.lang
        && a.providers == b.providers
        && a.max_amount == b.max_amount
}

/// The operators of a file, each key parsed as SSH reads it.
pub fn known(operators: Vec<Operator>) -> Result<Vec<Known>, (usize, String)> {
    operators
        .into_iter()
        .map(|operator| {
            let text = format!("{} {}", operator.key_type, operator.key);
            russh::keys::ssh_key::PublicKey::from_openssh(&text)
                .map(|k| Known {
                    key: k.key_data().clone(),
                    operator: operator.clone(),
                })
                .map_err(|e| (operator.line, e.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_remembered_for_a_bounded_number_of_addresses_and_keys() {
        let r = Registry::default();
        for i in 0..(TALLY_MAX + 100) as u32 {
            r.failed(IpAddr::from(i.to_be_bytes()));
            r.key_failed(&format!("SHA256:{i}"));
        }
        assert!(r.failures.lock().expect("tally").seen.len() <= TALLY_MAX);
        assert!(r.key_failures.lock().expect("tally").seen.len() <= TALLY_MAX);
        // The newest are kept.
        let last = IpAddr::from((TALLY_MAX as u32 + 99).to_be_bytes());
        assert_eq!(r.failures(last), 1);
        for _ in 0..100 {
            r.key_failed("SHA256:again");
        }
        assert_eq!(r.key_failed("SHA256:again"), 4 * FAILURES_ALLOWED);
    }

    #[test]
    fn an_address_is_blocked_after_five_failures() {
        let r = Registry::default();
        let ip: IpAddr = "10.0.0.9".parse().expect("ip");
        for _ in 0..FAILURES_ALLOWED - 1 {
            r.failed(ip);
        }
        assert!(!r.blocked(ip));
        r.failed(ip);
        assert!(r.blocked(ip));
        assert!(!r.blocked("10.0.0.8".parse().expect("ip")));
    }

    fn known(name: &str, byte: u8, role: crate::operators::Role) -> Known {
        Known {
            key: KeyData::Ed25519(russh::keys::ssh_key::public::Ed25519PublicKey([byte; 32])),
            operator: Operator {
                name: name.into(),
                role,
                lang: None,
                providers: None,
                max_amount: Default::default(),
                key_type: "ssh-ed25519".into(),
                key: String::new(),
                line: 1,
            },
        }
    }

    #[test]
    fn a_new_list_ends_the_sessions_of_removed_keys_and_changed_rights_only() {
        use crate::operators::Role::*;
        let (a, b, c) = (
            known("a", 1, Agent),
            known("b", 2, Agent),
            known("c", 3, Supervisor),
        );
        let r = Registry::new(vec![a.clone(), b.clone(), c.clone()], Limits::default());
        let la = r.link(
            a.key.clone(),
            a.operator.clone(),
            Arc::new(Watch::default()),
        );
        let lb = r.link(
            b.key.clone(),
            b.operator.clone(),
            Arc::new(Watch::default()),
        );
        let lc = r.link(
            c.key.clone(),
            c.operator.clone(),
            Arc::new(Watch::default()),
        );
        let (_, mut ea) = r.open("a", Some(la)).expect("a");
        let (_, mut eb) = r.open("b", Some(lb)).expect("b");
        let (_, mut ec) = r.open("c", Some(lc)).expect("c");
        let c_agent = known("c", 3, Agent);
        assert_eq!(r.replace(vec![a.clone(), c_agent]), 2);
        assert_eq!(eb.try_recv().ok(), Some(End::KeyRemoved));
        assert_eq!(ec.try_recv().ok(), Some(End::RightsChanged));
        // The unchanged operator's session is neither ended nor cut loose.
        assert!(matches!(
            ea.try_recv(),
            Err(tokio::sync::oneshot::error::TryRecvError::Empty)
        ));
    }

    #[test]
    fn sessions_are_limited_per_operator_and_in_all() {
        let r = Registry {
            limits: Limits {
                max_sessions: 3,
                per_operator: 2,
                ..Limits::default()
            },
            ..Registry::default()
        };
        let a = r.open("rehema", Some(1)).expect("first");
        r.open("rehema", Some(2)).expect("second");
        assert_eq!(r.open("rehema", Some(3)).err(), Some(Refusal::Yours(2)));
        r.open("juma", Some(4)).expect("juma");
        assert_eq!(r.open("neema", Some(5)).err(), Some(Refusal::Full));
        r.close(a.0);
        r.open("neema", Some(5)).expect("room again");
    }
}
