//! `lipa export` over a big journal: rows a second and the process's peak memory, beside the
//! `sqlite3` shell's `-csv` of the same rows (a bare dump: no words, no offsets, no escaping).
//! The real binary, as a back office runs it.
//!
//! Run: `cargo bench --bench export` (1,000,000 payments; `LIPA_BENCH_PAYMENTS=100000` for a
//! quick run).

#[path = "support/fill.rs"]
mod fill;

use fill::fill;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const LIPA: &str = env!("CARGO_BIN_EXE_lipa");

/// Runs `cmd` under `/usr/bin/time -v` when there is one: seconds, and peak memory in MB.
fn timed(cmd: &mut Command) -> (f64, Option<f64>) {
    let started = Instant::now();
    let out = cmd.output().expect("run");
    let took = started.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak = String::from_utf8_lossy(&out.stderr)
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("Maximum resident set size (kbytes): ")
        })
        .and_then(|kb| kb.trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0);
    (took, peak)
}

fn main() {
    let count: u64 = std::env::var("LIPA_BENCH_PAYMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    fill(&data.join("journal.sqlite3"), count, 1);
    let time = Path::new("/usr/bin/time").exists();
    let wrap = |program: &str| {
        let mut c = if time {
            let mut c = Command::new("/usr/bin/time");
            c.arg("-v").arg(program);
            c
        } else {
            Command::new(program)
        };
        c.env("HOME", &data).env("LIPA_DATA_DIR", &data);
        c
    };
    let out = dir.path().join("payments.csv");
    let (took, peak) = timed(wrap(LIPA).args(["export", "--output", out.to_str().expect("path")]));
    let peak_text = |p: Option<f64>| {
        p.map_or("(no /usr/bin/time)".to_string(), |m| {
            format!("{m:.0} MB peak")
        })
    };
    println!(
        "lipa export:   {count} payments in {took:.1} s, {:.0} rows/s, {}",
        count as f64 / took,
        peak_text(peak)
    );
    let raw = dir.path().join("raw.csv");
    let sql = "SELECT * FROM payments ORDER BY created_at, id;";
    let journal = data.join("journal.sqlite3");
    let mut shell = wrap("sqlite3");
    shell.args(["-csv", "-header", journal.to_str().expect("path"), sql]);
    shell.stdout(std::fs::File::create(&raw).expect("raw"));
    shell.stderr(std::process::Stdio::null());
    let started = Instant::now();
    let status = shell.status().expect("sqlite3");
    let took_raw = started.elapsed().as_secs_f64();
    assert!(status.success());
    println!(
        "sqlite3 -csv:  {count} payments in {took_raw:.1} s, {:.0} rows/s",
        count as f64 / took_raw
    );
}
