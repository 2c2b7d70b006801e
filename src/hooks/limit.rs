//! A rate per source: each address may call back so often (a burst, then a steady rate);
//! beyond it, `429`. Providers call back once per payment event: a source over the rate is
//! a flood, not a provider.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Calls a source may make at once, and per second after that.
const BURST: f64 = 40.0;
const PER_SECOND: f64 = 20.0;
/// Sources remembered at most (the oldest are forgotten first).
const SOURCES: usize = 10_000;

#[derive(Default)]
pub struct Limits {
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limits {
    /// Whether `source` may make one more call now.
    pub fn allow(&self, source: IpAddr) -> bool {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= SOURCES && !buckets.contains_key(&source) {
            // Forget the sources whose buckets are full again (they are as new).
            buckets.retain(|_, (tokens, at)| {
                *tokens + at.elapsed().as_secs_f64() * PER_SECOND < BURST
            });
            if buckets.len() >= SOURCES {
                return false;
            }
        }
        let (tokens, at) = buckets.entry(source).or_insert((BURST, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * PER_SECOND).min(BURST);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_refused_and_others_unaffected() {
        let limits = Limits::default();
        let a: IpAddr = "203.0.113.9".parse().expect("ip");
        let b: IpAddr = "198.51.100.7".parse().expect("ip");
        let allowed = (0..100).filter(|_| limits.allow(a)).count();
        assert!((40..=45).contains(&allowed), "{allowed}");
        assert!(limits.allow(b), "another source has its own rate");
    }
}
