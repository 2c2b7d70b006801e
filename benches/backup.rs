//! How long `lipa backup` takes on a big journal, and `lipa backup --check`, beside the
//! `sqlite3` shell's own `.backup` of the same file (a page copy, with no check).
//!
//! Run: `cargo bench --bench backup` (100,000 payments); `LIPA_BENCH_PAYMENTS=1000000 cargo
//! bench --bench backup` for a million.

#[path = "support/fill.rs"]
mod fill;

use fill::fill;
use lipa::journal::backup;
use std::path::Path;
use std::time::Instant;

fn megabytes(path: &Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / 1e6)
}

fn main() {
    let count: u64 = std::env::var("LIPA_BENCH_PAYMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("dir");
    let journal = dir.path().join("journal.sqlite3");
    let started = Instant::now();
    fill(&journal, count, 3);
    println!(
        "journal: {count} payments, {} events, {:.0} MB (made in {:.1} s)",
        count * 3,
        megabytes(&journal),
        started.elapsed().as_secs_f64()
    );

    let copy = dir.path().join("backup.sqlite3");
    let started = Instant::now();
    let copied = backup::backup(&journal, &copy).expect("backup");
    let took = started.elapsed().as_secs_f64();
    assert_eq!(copied.holds.payments as u64, count);
    assert_eq!(copied.journal_integrity, "ok");
    println!(
        "lipa backup:          {took:6.2} s  {:8.0} payments/s  {:6.1} MB/s  (copy {:.0} MB; both files' integrity checked)",
        count as f64 / took,
        megabytes(&journal) / took,
        megabytes(&copy)
    );

    let started = Instant::now();
    let holds = backup::inspect(&copy).expect("check");
    let took = started.elapsed().as_secs_f64();
    assert_eq!(holds.integrity, "ok");
    println!("lipa backup --check:  {took:6.2} s");

    let shell = dir.path().join("shell.sqlite3");
    let started = Instant::now();
    let out = std::process::Command::new("sqlite3")
        .arg(&journal)
        .arg(format!(".backup '{}'", shell.display()))
        .output();
    let took = started.elapsed().as_secs_f64();
    match out {
        Ok(o) if o.status.success() => println!(
            "sqlite3 .backup:      {took:6.2} s  {:8.0} payments/s  (pages copied, nothing checked)",
            count as f64 / took
        ),
        _ => println!("sqlite3 .backup: not run (no sqlite3 shell here)"),
    }
}
