//! Who may log in, who is logged in, and who keeps failing: the server's shared book.

use crate::operators::Operator;
use russh::keys::ssh_key::public::KeyData;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Failed logins from one address before it must wait.
pub const FAILURES_ALLOWED: usize = 5;
/// How far back failures count, and how long a blocked address waits.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(10 * 60);

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
    key: Option<KeyData>,
    end: Option<oneshot::Sender<End>>,
}

#[derive(Default)]
pub struct Registry {
    operators: RwLock<Arc<Vec<Known>>>,
    sessions: Mutex<HashMap<u64, Live>>,
    failures: Mutex<HashMap<IpAddr, Vec<Instant>>>,
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

    /// A new list of operators (the file changed): sessions of keys no longer listed are
    /// ended. Returns how many.
    pub fn replace(&self, operators: Vec<Known>) -> usize {
        let ended = {
            let mut sessions = self.lock_sessions();
            let mut ended = 0;
            for live in sessions.values_mut() {
                let gone = live
                    .key
                    .as_ref()
                    .is_some_and(|k| !operators.iter().any(|o| &o.key == k));
                if gone && let Some(end) = live.end.take() {
                    let _ = end.send(End::KeyRemoved);
                    ended += 1;
                }
            }
            ended
        };
        *self.operators.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(operators);
        ended
    }

    /// Opens a session for this operator if the limits allow: its id, and where its end
    /// comes from.
    pub fn open(
        &self,
        operator: &str,
        key: Option<KeyData>,
    ) -> Result<(u64, oneshot::Receiver<End>), Refusal> {
        let mut sessions = self.lock_sessions();
        if sessions.len() >= self.limits.max_sessions {
            return Err(Refusal::Full);
        }
        let theirs = sessions.values().filter(|s| s.operator == operator).count();
        if key.is_some() && theirs >= self.limits.per_operator {
            return Err(Refusal::Yours(self.limits.per_operator));
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let (tx, rx) = oneshot::channel();
        sessions.insert(
            id,
            Live {
                operator: operator.to_string(),
                key,
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

    /// A login from this address failed.
    pub fn failed(&self, ip: IpAddr) {
        let mut f = self.lock_failures();
        let now = Instant::now();
        let list = f.entry(ip).or_default();
        list.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
        list.push(now);
    }

    /// This address failed too often lately: it is refused without being heard.
    pub fn blocked(&self, ip: IpAddr) -> bool {
        let mut f = self.lock_failures();
        let now = Instant::now();
        match f.get_mut(&ip) {
            Some(list) => {
                list.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
                list.len() >= FAILURES_ALLOWED
            }
            None => false,
        }
    }

    fn lock_sessions(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Live>> {
        self.sessions.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_failures(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Vec<Instant>>> {
        self.failures.lock().unwrap_or_else(|p| p.into_inner())
    }
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
        let key = || {
            Some(KeyData::Ed25519(
                russh::keys::ssh_key::public::Ed25519PublicKey([7; 32]),
            ))
        };
        let a = r.open("rehema", key()).expect("first");
        r.open("rehema", key()).expect("second");
        assert_eq!(r.open("rehema", key()).err(), Some(Refusal::Yours(2)));
        r.open("juma", key()).expect("juma");
        assert_eq!(r.open("neema", key()).err(), Some(Refusal::Full));
        r.close(a.0);
        r.open("neema", key()).expect("room again");
    }
}
