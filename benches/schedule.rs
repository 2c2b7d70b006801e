//! Measures polling schedules against the customer mix of the design: 80 % answer around 14 s
//! (log-normal, most between 8 and 25 s), 10 % late (uniform 30–60 s), 10 % never.
//! For each schedule: the mean delay between a customer's answer and the query that learns it,
//! and the mean and largest number of status requests per payment. Deterministic (seeded).
//!
//! With callbacks on: the same schedule, each answered payment asked once more when its callback
//! comes (at its answer), and no more.
//!
//! Run: `cargo bench --bench schedule`

use lipa::tracker::Schedule;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::Duration;

const PAYMENTS: usize = 200_000;
const SEED: u64 = 7;

/// When the customer answers, in seconds after the prompt; `None` never.
fn answers() -> Vec<Option<f64>> {
    let mut rng = StdRng::seed_from_u64(SEED);
    (0..PAYMENTS)
        .map(|_| {
            let u: f64 = rng.random();
            if u < 0.8 {
                // Box–Muller normal, sigma 0.33 puts ~90 % of the bulk between 8 and 25 s.
                let (a, b): (f64, f64) = (rng.random::<f64>().max(1e-12), rng.random());
                let z = (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos();
                Some(14.0 * (0.33 * z).exp())
            } else if u < 0.9 {
                Some(rng.random_range(30.0..60.0))
            } else {
                None
            }
        })
        .collect()
}

/// The query times the tracker would use, following `Schedule::next_after` as it does.
fn poll_times(s: &Schedule) -> Vec<f64> {
    let mut t = Duration::ZERO;
    let mut last: Option<Duration> = None;
    let mut out = Vec::new();
    while let Some(next) = s.next_after(t, last.map(|l| t - l)) {
        out.push(next.as_secs_f64());
        last = Some(next);
        t = next;
        if next >= s.deadline() {
            break;
        }
    }
    out
}

fn measure(name: &str, s: &Schedule, answers: &[Option<f64>]) {
    let polls = poll_times(s);
    let (mut delay, mut answered, mut requests, mut most) = (0.0, 0usize, 0usize, 0usize);
    for a in answers {
        let n = match a {
            Some(t) => {
                let i = polls.partition_point(|p| p < t).min(polls.len() - 1);
                delay += (polls[i] - t).max(0.0);
                answered += 1;
                i + 1
            }
            None => polls.len(),
        };
        requests += n;
        most = most.max(n);
    }
    println!(
        "{name:<28} mean delay {:>5.2} s   requests mean {:>5.2}  max {:>3}",
        delay / answered as f64,
        requests as f64 / answers.len() as f64,
        most
    );
}

/// As [`measure`], with every callback arriving as the customer answers (the callback wakes one
/// question at once): the questions asked before the answer, and that one. A payment never
/// answered calls nobody back and is asked on the schedule to its deadline.
fn measure_called_back(name: &str, s: &Schedule, answers: &[Option<f64>]) {
    let polls = poll_times(s);
    let (mut requests, mut most) = (0usize, 0usize);
    for a in answers {
        let n = match a {
            Some(t) => polls.partition_point(|p| p < t) + 1,
            None => polls.len(),
        };
        requests += n;
        most = most.max(n);
    }
    println!(
        "{name:<28} mean delay  ~0    s   requests mean {:>5.2}  max {:>3}",
        requests as f64 / answers.len() as f64,
        most
    );
}

fn main() {
    let answers = answers();
    println!("{PAYMENTS} simulated payments, seed {SEED}");
    measure("lipa default schedule", &Schedule::default(), &answers);
    for every in [2u64, 3, 5] {
        let offsets = (1..=90 / every)
            .map(|k| Duration::from_secs(k * every))
            .collect();
        let fixed = Schedule::new(offsets, Duration::from_secs(90), Duration::from_millis(500));
        measure(&format!("fixed every {every} s"), &fixed, &answers);
    }
    measure_called_back("default, callbacks on", &Schedule::default(), &answers);
    // The schedule lipa asks on while a provider's callbacks are seen to arrive.
    let sparse = Schedule::default().trusting();
    measure_called_back("30 s + 60 s, callbacks on", &sparse, &answers);
    measure("30 s + 60 s, callbacks lost", &sparse, &answers);
}
