//! The console's search as you type over a big journal: each key is one search of the line
//! so far (as a cashier types a number), by the index and by the scan it replaced, side by
//! side, with the migration that builds the index on a journal that had none.
//!
//! Run: `cargo bench --bench search` (1,000,000 payments); `LIPA_BENCH_PAYMENTS=100000 cargo
//! bench --bench search` for a quick run.

use lipa::journal::Journal;
use std::path::Path;
use std::time::{Duration, Instant};

/// Typing the line again, so each key has this many samples.
const ROUNDS: usize = 3;

/// A frequent customer: one payment in a hundred is theirs.
const REGULAR: &str = "255712345678";

/// The number of payment `i` (the regular customer's every hundredth).
fn phone(i: u64) -> String {
    if i.is_multiple_of(100) {
        return REGULAR.to_string();
    }
    format!("255{}{:08}", 6 + i % 2, (i * 2_654_435_761) % 100_000_000)
}

/// `count` paid payments written straight into a journal as the lipa before the index left it
/// (schema 12): lipa's schema and triggers, without the search index.
fn fill(path: &Path, count: u64) {
    drop(Journal::open(path).expect("journal"));
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;")
        .expect("pragmas");
    conn.execute_batch(&format!(
        "DROP TRIGGER payments_search_new; DROP TABLE payments_search;
         DROP INDEX payments_amount; PRAGMA user_version = 12;
         BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
         INSERT INTO payments (provider, reference, phone, amount_minor, currency, status,
             message, created_at, updated_at, sent_at, polls, operator, till, said)
         SELECT 'clickpesa', printf('LP-%06X-%04d', (i * 40503) % 16777216, i % 10000),
             CASE WHEN i % 100 = 0 THEN '{REGULAR}'
                  ELSE printf('255%d%08d', 6 + i % 2, (i * 2654435761) % 100000000) END,
             1000 * (1 + i % 500), 'TZS', 'paid', '{{\"Paid\":null}}',
             strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', printf('+%d seconds', i * 20)),
             strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', printf('+%d seconds', i * 20 + 9)),
             strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', printf('+%d seconds', i * 20)),
             2, CASE WHEN i % 3 = 0 THEN 'amani' ELSE 'rehema' END, 'till-1', 'SUCCESS'
         FROM n;
         COMMIT;
         PRAGMA wal_checkpoint(TRUNCATE);",
    ))
    .expect("fill");
}

fn megabytes(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `p`-th percentile of `times`.
fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    let at = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[at.min(times.len() - 1)]
}

/// Types `line` key by key, `ROUNDS` times: the time of each key's search, new and old (the
/// same page, checked).
fn typed(j: &Journal, line: &str) -> (Vec<Duration>, Vec<Duration>, usize) {
    let (mut new, mut old) = (Vec::new(), Vec::new());
    let mut last = 0;
    for _ in 0..ROUNDS {
        for end in 1..=line.len() {
            let prefix = &line[..end];
            let started = Instant::now();
            let found = j.search(prefix, None, 0, 50).expect("search");
            new.push(started.elapsed());
            let started = Instant::now();
            let scanned = j.search_scan(prefix, None, 0, 50).expect("scan");
            old.push(started.elapsed());
            assert_eq!(found, scanned, "{prefix}");
            last = found.len();
        }
    }
    (new, old, last)
}

fn main() {
    let count: u64 = std::env::var("LIPA_BENCH_PAYMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("journal.sqlite3");
    let started = Instant::now();
    fill(&path, count);
    let before = megabytes(&path);
    println!(
        "journal: {count} payments, {before:.0} MB, schema 12 (made in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let j = Journal::open(&path).expect("migrated");
    println!(
        "migration 13 (the search index): {:.1} s, {:+.0} MB",
        started.elapsed().as_secs_f64(),
        megabytes(&path) - before
    );

    let rare = format!("0{}", &phone(count / 3)[3..]);
    let common = format!("0{}", &REGULAR[3..]);
    let reference = format!("LP-{:06X}", ((count / 2) * 40503) % 16_777_216);
    println!("each key typed is one search of the line so far ({ROUNDS} rounds), page of 50:");
    for (what, line) in [
        ("a rare number", rare.as_str()),
        ("a regular's number (1 in 100)", common.as_str()),
        ("a reference", reference.as_str()),
    ] {
        let (mut new, mut old, found) = typed(&j, line);
        println!(
            "  {what:30} {line:12} index p50 {:7.2} ms  p95 {:7.2} ms  max {:7.2} ms | \
             scan p50 {:7.2} ms  p95 {:7.2} ms  ({found} found at the last key)",
            ms(percentile(&mut new, 0.5)),
            ms(percentile(&mut new, 0.95)),
            ms(percentile(&mut new, 1.0)),
            ms(percentile(&mut old, 0.5)),
            ms(percentile(&mut old, 0.95)),
        );
    }
}
