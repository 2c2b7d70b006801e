//! `lipa serve` under sessions: the server's resident memory with 1, 10 and 50 consoles open at
//! once (each a real OpenSSH client in its own pseudo-terminal), the time from starting `ssh`
//! to the first frame on its screen, and the bytes sent back per typed key.
//!
//! `cargo bench --bench serve` (the release build); figures in the README.

#[path = "support/proc.rs"]
mod proc;
#[path = "../tests/support/pty.rs"]
mod pty;
#[path = "../tests/support/ssh.rs"]
mod ssh;

use proc::{percentile, rss_kib};

use pty::{Pty, Spawn};
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [1, 10, 50];

/// Waits until no byte has arrived for `quiet`; the bytes seen so far.
fn settle(p: &Pty, quiet: Duration) -> usize {
    let mut last = p.raw().len();
    let mut since = Instant::now();
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
        let now = p.raw().len();
        if now != last {
            last = now;
            since = Instant::now();
        } else if since.elapsed() >= quiet {
            break;
        }
    }
    last
}

fn main() {
    if !ssh::have_openssh() {
        eprintln!("skipped: no OpenSSH client on this machine");
        return;
    }
    let shop = ssh::Shop::new(Duration::from_secs(1));
    let (key, line) = shop.operator("bench", "role=\"supervisor\"");
    shop.write_operators(&[&line]);
    let config = shop.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[serve]\nmax_sessions = 100\nsessions_per_operator = 100\n",
    )
    .unwrap_or_else(|e| panic!("config: {e}"));
    let config_arg = config.display().to_string();
    let server = shop.serve(&["--config", &config_arg]);
    let pid = server.child.id();
    std::thread::sleep(Duration::from_millis(300));
    println!("lipa serve, {} (pid {pid})", server.start_line);
    println!("idle server, no session: RSS {} KiB", rss_kib(pid));
    let mut sessions: Vec<Pty> = Vec::new();
    let args: Vec<String> = std::iter::once("-tt".to_string())
        .chain(server.ssh_args(Some(&key), "bench"))
        .collect();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    println!(
        "{:>9} {:>10} {:>14} {:>14}",
        "sessions", "RSS KiB", "first frame p50", "p95"
    );
    for n in SIZES {
        let mut firsts = Vec::new();
        while sessions.len() < n {
            let started = Instant::now();
            let p = Spawn::new("ssh").args(&refs).start();
            let ok = ssh::poll(Duration::from_secs(30), || {
                p.text().contains("Next payment").then_some(())
            });
            assert!(ok.is_some(), "no first frame:\n{}", p.text());
            firsts.push(started.elapsed());
            sessions.push(p);
        }
        for s in &sessions {
            settle(s, Duration::from_millis(200));
        }
        firsts.sort();
        println!(
            "{n:>9} {:>10} {:>12.0?} {:>14.0?}",
            rss_kib(pid),
            percentile(&firsts, 0.5),
            percentile(&firsts, 0.95)
        );
    }
    // Bytes per key: a phone number typed into the first console, one key at a time.
    let first = &mut sessions[0];
    let keys = "0712345670";
    let mut per_key = Vec::new();
    for c in keys.chars() {
        let before = settle(first, Duration::from_millis(300));
        first.send(c.to_string());
        let after = settle(first, Duration::from_millis(300));
        per_key.push(after - before);
    }
    per_key.sort();
    let total: usize = per_key.iter().sum();
    println!(
        "bytes per typed key over SSH (10 digits of a phone number): mean {:.0}, median {}, max {}",
        total as f64 / per_key.len() as f64,
        per_key[per_key.len() / 2],
        per_key[per_key.len() - 1]
    );
    drop(sessions);
}
