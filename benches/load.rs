//! `cargo bench --bench load`: lipa under load, the real binary in a pseudo-terminal against
//! the simulator, beside the figures measured before (issue 10) and, with
//! `LIPA_BENCH_BASELINE=/path/to/an/older/lipa`, that binary measured in the same run.
//!
//! - bytes per typed key at 80×24 (and `dialog --inputbox`, installed here if missing);
//! - bytes per second with 5 payments waiting on the real schedule;
//! - 1,000 payments waiting: threads, memory, CPU, status requests in the first second and at
//!   most in any second, and how long a key takes to reach the screen;
//! - `lipa sync` over 1,000 waiting payments: wall and CPU time;
//! - today's list over a journal of 1,000,000 payments (5,000 of them today): opening it, and
//!   each Down key.
//!
//! No figure is asserted: this measures, the README reports.

#[path = "../tests/support/pty.rs"]
mod pty;
#[path = "load/seed.rs"]
mod seed;

use lipa::sim::{self, SimConfig, SimHandle, demo};
use pty::Spawn;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const LIPA: &str = env!("CARGO_BIN_EXE_lipa");

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let baseline = std::env::var_os("LIPA_BENCH_BASELINE").map(PathBuf::from);
    let mut binaries = vec![("now", PathBuf::from(LIPA))];
    if let Some(b) = &baseline {
        binaries.push(("baseline", b.clone()));
    }
    println!("lipa under load (release build, 80×24); 'issue 10' is what was measured before");
    println!();
    let dialog = dialog_bytes_per_key();
    println!("bytes per typed key               issue 10: 89     dialog: {dialog}");
    for (name, bin) in &binaries {
        println!("  {name:<8} {:>6.1}", bytes_per_key(bin));
    }
    println!();
    println!("bytes per second, 5 waiting (real schedule)   issue 10: 140-210");
    for (name, bin) in &binaries {
        let b = runtime.block_on(idle_with_waiting(bin, 5));
        println!("  {name:<8} {b:>6.1}");
    }
    println!();
    println!(
        "1,000 waiting   issue 10: 516 threads, RSS 31-33 MB, 73-98 % of a core, \
         834-878 queries in the first second, key 4.2-4.5 ms (max 31)"
    );
    for (name, bin) in &binaries {
        let l = runtime.block_on(thousand_waiting(bin));
        println!(
            "  {name:<8} {} threads, RSS {:.1} MB, {:.0} % of a core, queries: {} in the first \
             second, at most {} a second; key median {:.2} ms (max {:.1})",
            l.threads,
            l.rss_mb,
            l.cpu_percent,
            l.first_second,
            l.busiest_second,
            l.key_median_ms,
            l.key_max_ms
        );
    }
    println!();
    println!("lipa sync over 1,000 waiting   issue 10: 89 s wall, 99.7 s CPU (112 %)");
    for (name, bin) in &binaries {
        let (wall, cpu) = runtime.block_on(sync_thousand(bin));
        println!(
            "  {name:<8} {wall:.1} s wall, {cpu:.1} s CPU ({:.1} % of the wall time)",
            100.0 * cpu / wall.max(0.001)
        );
    }
    println!();
    let t = seed::today_at_a_million();
    println!(
        "today over 1,000,000 payments (5,000 today)   issue 10: opens in 107-152 ms, ~10 ms a \
         Down key"
    );
    println!(
        "  now      opens in {:.2} ms (median of 20), a Down key {:.3} ms (median of 200)",
        t.open_ms, t.down_ms
    );
}

/// The environment of a till pointed at `sim`, its journal in `data`.
fn till_env(sim: &SimHandle, data: &Path) -> Vec<(&'static str, String)> {
    let d = data.display().to_string();
    vec![
        ("HOME", d.clone()),
        ("LIPA_DATA_DIR", d),
        ("LIPA_CLICKPESA_BASE_URL", sim.clickpesa_base_url()),
        ("LIPA_CLICKPESA_CLIENT_ID", demo::CLICKPESA_CLIENT_ID.into()),
        ("LIPA_CLICKPESA_API_KEY", demo::CLICKPESA_API_KEY.into()),
        (
            "LIPA_CLICKPESA_CHECKSUM_KEY",
            demo::CLICKPESA_CHECKSUM_KEY.into(),
        ),
    ]
}

async fn simulator(settle: Duration) -> SimHandle {
    sim::spawn(SimConfig {
        port: 0,
        settle,
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        ..SimConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("simulator: {e}"))
}

/// Waits until nothing has arrived for `quiet` (or `limit` passed); returns the byte count.
fn settle(p: &pty::Pty, quiet: Duration, limit: Duration) -> usize {
    let deadline = Instant::now() + limit;
    let mut last = p.raw().len();
    let mut since = Instant::now();
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        let n = p.raw().len();
        if n != last {
            last = n;
            since = Instant::now();
        } else if since.elapsed() >= quiet {
            break;
        }
    }
    last
}

/// Mean bytes a typed digit of a phone number costs, in the demo's form.
fn bytes_per_key(bin: &Path) -> f64 {
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("dir: {e}"));
    let mut p = Spawn::new(bin)
        .args(&["demo"])
        .env("LIPA_DATA_DIR", data.path())
        .env("HOME", data.path())
        .start();
    p.wait_for("the form", Duration::from_secs(20), |t| {
        t.contains("Reference LP")
    });
    settle(&p, Duration::from_millis(700), Duration::from_secs(5));
    let digits = "075400000";
    let mut total = 0;
    for (i, c) in digits.char_indices() {
        let before = p.raw().len();
        p.send(c.to_string());
        let typed = &digits[..=i];
        p.wait_for("the digit", Duration::from_secs(5), |t| t.contains(typed));
        total += settle(&p, Duration::from_millis(300), Duration::from_secs(3)) - before;
    }
    total as f64 / digits.len() as f64
}

/// The same for `dialog --inputbox` (installed with apt-get if missing; `-` if it cannot be).
fn dialog_bytes_per_key() -> String {
    let have = || {
        std::process::Command::new("dialog")
            .arg("--version")
            .output()
            .is_ok()
    };
    if !have() {
        let _ = std::process::Command::new("apt-get")
            .args(["install", "-y", "-qq", "dialog"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output();
    }
    if !have() {
        return "-".into();
    }
    let mut p = Spawn::new("dialog")
        .args(&["--inputbox", "Phone", "8", "40"])
        .start();
    p.wait_for("dialog", Duration::from_secs(10), |t| t.contains("Phone"));
    settle(&p, Duration::from_millis(500), Duration::from_secs(5));
    let digits = "075400000";
    let mut total = 0;
    for (i, c) in digits.char_indices() {
        let before = p.raw().len();
        p.send(c.to_string());
        let typed = &digits[..=i];
        p.wait_for("the digit", Duration::from_secs(5), |t| t.contains(typed));
        total += settle(&p, Duration::from_millis(300), Duration::from_secs(3)) - before;
    }
    format!("{:.1}", total as f64 / digits.len() as f64)
}

/// Bytes a second while `n` payments wait for customers who never answer, on the real
/// schedule.
async fn idle_with_waiting(bin: &Path, n: usize) -> f64 {
    let sim = simulator(Duration::from_secs(3600)).await;
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("dir: {e}"));
    let bin = bin.to_path_buf();
    let env = till_env(&sim, data.path());
    tokio::task::spawn_blocking(move || {
        let mut p = Spawn::new(&bin).envs(env).start();
        p.wait_for("the form", Duration::from_secs(20), |t| {
            t.contains("Reference LP")
        });
        for i in 0..n {
            p.send(format!("07540000{i:02}\t{}\r", 1000 + i));
            let amount = format!("1,{:03}", i);
            p.wait_for("the row", Duration::from_secs(20), |t| {
                t.lines()
                    .any(|l| l.contains(&amount) && l.contains("waiting"))
            });
        }
        std::thread::sleep(Duration::from_secs(3));
        let before = p.raw().len();
        let window = Duration::from_secs(20);
        std::thread::sleep(window);
        (p.raw().len() - before) as f64 / window.as_secs_f64()
    })
    .await
    .unwrap_or_else(|e| panic!("join: {e}"))
}

struct Load {
    threads: u64,
    rss_mb: f64,
    cpu_percent: f64,
    first_second: u64,
    busiest_second: u64,
    key_median_ms: f64,
    key_max_ms: f64,
}

/// `/proc/<pid>/status` field, e.g. `Threads` or `VmRSS` (kB).
fn status_field(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(&format!("{field}:")))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// utime + stime of `pid`, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<u64> = after
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    // Fields after the name: state is not a number, so utime, stime are 11 and 12 here.
    (f.get(10).copied().unwrap_or(0) + f.get(11).copied().unwrap_or(0)) as f64 / 100.0
}

fn queries(sim: &SimHandle) -> u64 {
    sim.stats()
        .requests
        .iter()
        .filter(|(k, _)| k.starts_with("GET "))
        .map(|(_, v)| v)
        .sum()
}

async fn thousand_waiting(bin: &Path) -> Load {
    let sim = std::sync::Arc::new(simulator(Duration::from_secs(3600)).await);
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("dir: {e}"));
    for p in seed::waiting(data.path(), 1000, Duration::from_secs(2)) {
        sim.adopt(&p);
    }
    let bin = bin.to_path_buf();
    let env = till_env(&sim, data.path());
    let sim2 = sim.clone();
    tokio::task::spawn_blocking(move || {
        let start_queries = queries(&sim2);
        let mut p = Spawn::new(&bin).envs(env).start();
        let started = Instant::now();
        let mut per_second = Vec::new();
        let mut last = start_queries;
        for _ in 0..20 {
            std::thread::sleep(Duration::from_secs(1));
            let now = queries(&sim2);
            per_second.push(now - last);
            last = now;
        }
        let pid = p.pid();
        let threads = status_field(pid, "Threads");
        let rss_mb = status_field(pid, "VmRSS") as f64 / 1024.0;
        let cpu_start = cpu_seconds(pid);
        let t0 = Instant::now();
        let mut keys = Vec::new();
        for i in 0..30 {
            let before = p.raw().len();
            let sent = Instant::now();
            // A digit, then Backspace: every key changes the screen.
            let key = if i % 2 == 0 { "7" } else { "\x7f" };
            p.send(key);
            while p.raw().len() == before && sent.elapsed() < Duration::from_secs(2) {
                std::thread::sleep(Duration::from_micros(200));
            }
            keys.push(sent.elapsed().as_secs_f64() * 1000.0);
            std::thread::sleep(Duration::from_millis(150));
        }
        std::thread::sleep(Duration::from_secs(5));
        let cpu = cpu_seconds(pid) - cpu_start;
        let cpu_percent = 100.0 * cpu / t0.elapsed().as_secs_f64();
        keys.sort_by(f64::total_cmp);
        let _ = started;
        drop(p);
        Load {
            threads,
            rss_mb,
            cpu_percent,
            first_second: per_second.first().copied().unwrap_or(0),
            busiest_second: per_second.iter().copied().max().unwrap_or(0),
            key_median_ms: keys[keys.len() / 2],
            key_max_ms: keys.last().copied().unwrap_or(0.0),
        }
    })
    .await
    .unwrap_or_else(|e| panic!("join: {e}"))
}

/// This process's waited-for children's CPU time (cutime + cstime), in seconds.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<u64> = after
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    (f.get(12).copied().unwrap_or(0) + f.get(13).copied().unwrap_or(0)) as f64 / 100.0
}

async fn sync_thousand(bin: &Path) -> (f64, f64) {
    let sim = simulator(Duration::ZERO).await;
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("dir: {e}"));
    for p in seed::waiting(data.path(), 1000, Duration::from_secs(20)) {
        sim.adopt(&p);
    }
    let bin = bin.to_path_buf();
    let env = till_env(&sim, data.path());
    tokio::task::spawn_blocking(move || {
        let cpu_before = children_cpu();
        let t = Instant::now();
        let out = std::process::Command::new(&bin)
            .env_clear()
            .envs(env)
            .args(["sync", "--wait", "300", "--json"])
            .output()
            .unwrap_or_else(|e| panic!("sync: {e}"));
        let wall = t.elapsed().as_secs_f64();
        let paid = String::from_utf8_lossy(&out.stdout)
            .matches("\"paid\"")
            .count();
        if paid != 1000 {
            eprintln!("  (sync reported {paid} of 1,000 paid)");
        }
        (wall, children_cpu() - cpu_before)
    })
    .await
    .unwrap_or_else(|e| panic!("join: {e}"))
}
