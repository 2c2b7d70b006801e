//! Status queries spread in time: at most so many a second over all payments, so a restart
//! over a thousand open payments (or a busy server) asks smoothly instead of all at once.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

pub struct Pacer {
    gap: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    /// At most `per_second` queries a second (0: no limit).
    pub fn new(per_second: u32) -> Pacer {
        let gap = match per_second {
            0 => Duration::ZERO,
            n => Duration::from_secs(1) / n,
        };
        Pacer {
            gap,
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this query's turn.
    pub async fn turn(&self) {
        if self.gap.is_zero() {
            return;
        }
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            let slot = (*next).max(Instant::now());
            *next = slot + self.gap;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn turns_are_spaced() {
        let p = std::sync::Arc::new(Pacer::new(10));
        let start = Instant::now();
        let mut handles = Vec::new();
        for _ in 0..20 {
            let p = p.clone();
            handles.push(tokio::spawn(async move {
                p.turn().await;
                Instant::now()
            }));
        }
        let mut times = Vec::new();
        for h in handles {
            times.push(h.await.expect("turn"));
        }
        times.sort();
        let last = times.last().copied().unwrap_or(start) - start;
        assert!(last >= Duration::from_millis(1900), "{last:?}");
        assert!(
            times
                .windows(2)
                .all(|w| w[1] - w[0] >= Duration::from_millis(99))
        );
    }
}
