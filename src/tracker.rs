//! When to ask a provider about a pending payment.
//!
//! Customers answer a push prompt on a known curve: about 80 % around 14 s after the prompt
//! (log-normal, most between 8 and 25 s), 10 % late (30–60 s), 10 % never (the prompt expires
//! after about 60 s). Polling at a fixed interval trades delay against requests: every 2 s gives
//! about 1 s of delay but about 12 requests per payment. This schedule is dense where answers
//! are dense and sparse elsewhere. `cargo bench --bench schedule` measures it against fixed
//! intervals on that mix (mean delay between the answer and our knowing it, requests per
//! payment); the figures are in the README.

use std::time::Duration;

/// A polling schedule: query times measured from the moment the request was sent, and a
/// deadline after which a person is asked to look.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    offsets: Vec<Duration>,
    deadline: Duration,
    /// Minimum gap between two queries of one payment (also after a restart).
    min_gap: Duration,
    /// What [`Schedule::scaled`] multiplied its times by (1: real time).
    factor: f64,
}

/// Dense phase: every 1.5 s from 9 s to 22.5 s after the send, where most customers answer.
const DENSE: (u64, u64, u64) = (9_000, 22_500, 1_500);
/// Sparse phase: every 3 s up to 61.5 s, for the late ones, until the prompt has expired.
const SPARSE: (u64, u64, u64) = (25_500, 61_500, 3_000);

/// While a provider's callbacks are seen to arrive: two questions, for a lost callback and a
/// late customer (`cargo bench --bench schedule`: 1.31 questions a payment on the design's mix
/// with callbacks on, against 8.43 on the dense schedule).
const TRUSTING: [u64; 2] = [30_000, 60_000];

fn default_offsets() -> Vec<Duration> {
    [DENSE, SPARSE]
        .iter()
        .flat_map(|(from, to, step)| (*from..=*to).step_by(*step as usize))
        .map(Duration::from_millis)
        .collect()
}

impl Default for Schedule {
    fn default() -> Schedule {
        Schedule {
            offsets: default_offsets(),
            deadline: Duration::from_secs(90),
            min_gap: Duration::from_millis(1_000),
            factor: 1.0,
        }
    }
}

impl Schedule {
    /// A custom schedule (tests, demo).
    pub fn new(offsets: Vec<Duration>, deadline: Duration, min_gap: Duration) -> Schedule {
        let mut offsets = offsets;
        offsets.sort();
        Schedule {
            offsets,
            deadline,
            min_gap,
            factor: 1.0,
        }
    }

    /// The same shape, every time multiplied by `factor` (e.g. 0.05 for fast tests).
    pub fn scaled(&self, factor: f64) -> Schedule {
        let scale = |d: Duration| Duration::from_secs_f64(d.as_secs_f64() * factor);
        Schedule {
            offsets: self.offsets.iter().map(|d| scale(*d)).collect(),
            deadline: scale(self.deadline),
            min_gap: scale(self.min_gap),
            factor: self.factor * factor,
        }
    }

    /// The sparse schedule of a provider whose callbacks are seen to arrive: [`TRUSTING`]'s
    /// questions, in this schedule's time; the same deadline and gap.
    pub fn trusting(&self) -> Schedule {
        Schedule {
            offsets: TRUSTING
                .iter()
                .map(|ms| self.in_scale(Duration::from_millis(*ms)).min(self.deadline))
                .collect(),
            ..self.clone()
        }
    }

    /// A provider's real-time wait in this schedule's time (a fast test's schedule shortens
    /// it as it shortens everything).
    pub fn in_scale(&self, d: Duration) -> Duration {
        Duration::from_secs_f64(d.as_secs_f64() * self.factor)
    }

    pub fn offsets(&self) -> &[Duration] {
        &self.offsets
    }

    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// How long to wait before asking again past the deadline when a question got no usable
    /// answer: the schedule's last step (3 s), at least the minimum gap.
    pub fn late_gap(&self) -> Duration {
        let step = match self.offsets.as_slice() {
            [.., a, b] => *b - *a,
            _ => self.min_gap,
        };
        step.max(self.min_gap)
    }

    /// When to query next, as time since the send, given how long ago it was sent and how long
    /// ago we last asked. `None` once past the deadline: a person should look.
    pub fn next_after(&self, elapsed: Duration, since_last: Option<Duration>) -> Option<Duration> {
        if elapsed >= self.deadline {
            return None;
        }
        let earliest = match since_last {
            Some(gap) if gap < self.min_gap => elapsed + (self.min_gap - gap),
            _ => elapsed,
        };
        let next = self
            .offsets
            .iter()
            .copied()
            .find(|o| *o >= earliest)
            .unwrap_or(self.deadline);
        Some(next.max(earliest).min(self.deadline))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(secs: f64) -> Duration {
        Duration::from_secs_f64(secs)
    }

    #[test]
    fn follows_the_offsets_then_the_deadline() {
        let sch = Schedule::default();
        assert_eq!(sch.next_after(s(0.0), None), Some(s(9.0)));
        assert_eq!(sch.next_after(s(9.0), Some(s(0.0))), Some(s(10.5)));
        assert_eq!(sch.next_after(s(22.5), Some(s(0.0))), Some(s(25.5)));
        assert_eq!(sch.next_after(s(63.0), Some(s(1.0))), Some(s(90.0)));
        assert_eq!(sch.next_after(s(90.0), Some(s(1.0))), None);
    }

    #[test]
    fn the_trusting_schedule_asks_twice_then_at_the_deadline() {
        let sch = Schedule::default().trusting();
        assert_eq!(sch.next_after(s(0.0), None), Some(s(30.0)));
        assert_eq!(sch.next_after(s(30.0), Some(s(0.0))), Some(s(60.0)));
        assert_eq!(sch.next_after(s(61.0), Some(s(1.0))), Some(s(90.0)));
        let fast = Schedule::default().scaled(0.05).trusting();
        assert_eq!(fast.next_after(s(0.0), None), Some(s(1.5)));
        assert_eq!(fast.deadline(), s(4.5));
    }

    #[test]
    fn a_restart_long_after_the_send_asks_at_once() {
        let sch = Schedule::default();
        assert_eq!(sch.next_after(s(70.0), None), Some(s(90.0)));
        assert_eq!(sch.next_after(s(13.0), None), Some(s(13.5)));
    }

    #[test]
    fn never_more_than_the_offsets_plus_one_requests() {
        let sch = Schedule::default();
        let mut t = s(0.0);
        let mut last = None;
        let mut n = 0;
        while let Some(next) = sch.next_after(t, last.map(|l| t - l)) {
            n += 1;
            last = Some(next);
            t = next;
            if t >= sch.deadline() {
                break;
            }
        }
        assert_eq!(n, sch.offsets().len() + 1);
    }
}
