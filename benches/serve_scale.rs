//! `lipa serve` at a chain's scale: 10,000 payments pending (the customers never answer, as
//! after an outage) and 100 consoles at once — 10 supervisors who see everything and 90 agents
//! who see their own — each a real OpenSSH client in its own pseudo-terminal. It prints the
//! server's resident memory and CPU (10 s each: before any console, with all 100, after they
//! closed) and how long a typed key takes to come back on screen, through SSH.
//!
//! `cargo bench --bench serve_scale` (the release build); `LIPA_BIN=/path/to/lipa` measures
//! another build (an older one, side by side). Figures in the README.

#[path = "support/proc.rs"]
mod proc;
#[path = "../tests/support/pty.rs"]
mod pty;
#[path = "../tests/support/ssh.rs"]
mod ssh;

use proc::{percentile, rss_kib};

use pty::{Pty, Spawn};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const PENDING: usize = 10_000;
const SUPERVISORS: usize = 10;
const AGENTS: usize = 90;

/// User and system time of the process so far, in clock ticks (1/100 s).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the name: state is field 3, utime 14, stime 15 (1-based in proc(5)).
    let tick = |i: usize| fields.get(i - 3).and_then(|v| v.parse::<u64>().ok());
    tick(14).unwrap_or(0) + tick(15).unwrap_or(0)
}

/// Share of one core the process used over `span`.
fn cpu_share(pid: u32, span: Duration) -> f64 {
    let before = cpu_ticks(pid);
    std::thread::sleep(span);
    (cpu_ticks(pid) - before) as f64 / 100.0 / span.as_secs_f64()
}

/// `count` pending ClickPesa payments sent a moment ago, whose customers never answer
/// (a phone ending in 8), spread over `operators`, written straight into a journal lipa made.
fn fill_pending(path: &std::path::Path, count: usize, operators: &[String]) {
    drop(lipa::journal::Journal::open(path).expect("journal"));
    let conn = rusqlite::Connection::open(path).expect("open");
    let names: Vec<String> = operators.iter().map(|o| format!("'{o}'")).collect();
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; BEGIN;
         CREATE TEMP TABLE ops (n INTEGER PRIMARY KEY, name TEXT);
         INSERT INTO ops (n, name) SELECT key, value FROM json_each('[{list}]');
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
         INSERT INTO payments (provider, reference, phone, amount_minor, currency, status,
             message, created_at, updated_at, sent_at, polls, operator, till, said)
         SELECT 'clickpesa', printf('LPS%012d', i), printf('2557%07d8', i),
             1000 * (1 + i % 500), 'TZS', 'pending', '{{\"k\":\"prompt-sent\"}}',
             strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
             strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 0,
             (SELECT name FROM ops WHERE n = i % {ops}), 'till-1', ''
         FROM n;
         INSERT INTO events (payment_id, at, status, message)
             SELECT id, created_at, 'recorded', '' FROM payments;
         INSERT INTO events (payment_id, at, status, message)
             SELECT id, sent_at, 'pending', '{{\"k\":\"prompt-sent\"}}' FROM payments;
         COMMIT; PRAGMA wal_checkpoint(TRUNCATE);",
        list = names
            .iter()
            .map(|n| n.replace('\'', "\""))
            .collect::<Vec<_>>()
            .join(","),
        ops = operators.len(),
    ))
    .expect("fill");
}

struct Console {
    pty: Pty,
    typed: String,
}

/// Types `keys` one at a time into `c`, each when the last is on screen; how long each took to
/// come back.
fn type_keys(c: &mut Console, keys: &str, out: &mut Vec<Duration>) {
    for k in keys.chars() {
        c.typed.push(k);
        let started = Instant::now();
        c.pty.send(k.to_string());
        let seen = ssh::poll_fast(Duration::from_secs(10), || {
            c.pty.text().contains(&c.typed).then_some(())
        });
        assert!(seen.is_some(), "{k:?} never came back:\n{}", c.pty.text());
        out.push(started.elapsed());
        std::thread::sleep(Duration::from_millis(40));
    }
}

fn main() {
    if !ssh::have_openssh() {
        eprintln!("skipped: no OpenSSH client on this machine");
        return;
    }
    let shop = ssh::Shop::new(Duration::from_secs(1));
    let mut lines = Vec::new();
    let mut people: Vec<(String, PathBuf)> = Vec::new();
    for i in 0..SUPERVISORS + AGENTS {
        let (name, role) = if i < SUPERVISORS {
            (format!("sup{i:02}"), "supervisor")
        } else {
            (format!("agent{i:02}"), "agent")
        };
        let (key, line) = shop.operator(&name, &format!("role=\"{role}\""));
        lines.push(line);
        people.push((name, key));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    shop.write_operators(&refs);
    std::fs::create_dir_all(shop.data()).expect("data");
    let journal = shop.data().join("journal.sqlite3");
    // The agents' own payments, and some of nobody on these consoles (a till's cashier).
    let mut owners: Vec<String> = people[SUPERVISORS..].iter().map(|p| p.0.clone()).collect();
    owners.extend((0..10).map(|i| format!("cashier{i}")));
    fill_pending(&journal, PENDING, &owners);
    let sim = shop.sim.as_ref().expect("simulator");
    let pending = lipa::journal::Journal::open(&journal)
        .expect("journal")
        .unresolved()
        .expect("unresolved");
    for p in &pending {
        sim.adopt(p);
    }
    let config = shop.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "[serve]\nmax_sessions = 200\nsessions_per_operator = 10\n",
    )
    .expect("config");
    let operators = shop.operators().display().to_string();
    let config_arg = config.display().to_string();
    let args = [
        "serve",
        "--ssh",
        "127.0.0.1:0",
        "--operators",
        &operators,
        "--config",
        &config_arg,
    ];
    // The real schedule: the payments stay pending, then need a person, as in life.
    let env: Vec<_> = shop
        .env()
        .into_iter()
        .filter(|(k, _)| *k != "LIPA_SCHEDULE_SCALE")
        .collect();
    let server = ssh::Server::start(env, &args, shop.data());
    let pid = server.child.id();
    println!(
        "lipa serve ({}), {} payments pending",
        ssh::lipa_bin(),
        pending.len()
    );
    std::thread::sleep(Duration::from_secs(2));
    let span = Duration::from_secs(10);
    let idle_cpu = cpu_share(pid, span);
    println!(
        "no console:    RSS {:>7} KiB, CPU {:>5.1} % of a core (the polling itself)",
        rss_kib(pid),
        idle_cpu * 100.0
    );
    let started = Instant::now();
    let mut consoles: Vec<Console> = Vec::new();
    // Ten at a time: the server takes only so many logins at once (the rest are told to come
    // back in a few seconds).
    for group in people.chunks(10) {
        let first = consoles.len();
        for (name, key) in group {
            let args: Vec<String> = std::iter::once("-tt".to_string())
                .chain(server.ssh_args(Some(key), name))
                .collect();
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            let pty = Spawn::new("ssh").args(&refs).start();
            consoles.push(Console {
                pty,
                typed: String::new(),
            });
        }
        for c in &consoles[first..] {
            let ok = ssh::poll(Duration::from_secs(120), || {
                c.pty.text().contains("Next payment").then_some(())
            });
            assert!(ok.is_some(), "no first frame:\n{}", c.pty.text());
        }
    }
    println!(
        "{} consoles opened in {:.1?}",
        consoles.len(),
        started.elapsed()
    );
    std::thread::sleep(Duration::from_secs(3));
    let busy_cpu = cpu_share(pid, span);
    println!(
        "100 consoles:  RSS {:>7} KiB, CPU {:>5.1} % of a core",
        rss_kib(pid),
        busy_cpu * 100.0
    );
    // Keys: a phone number typed into two supervisors' and eight agents' consoles.
    let mut echo = Vec::new();
    for i in [0, 5, 10, 20, 30, 40, 50, 60, 70, 99] {
        type_keys(&mut consoles[i], "0712345670", &mut echo);
    }
    echo.sort();
    println!(
        "a key back on screen through SSH ({} keys): p50 {:.1?}, p95 {:.1?}, max {:.1?}",
        echo.len(),
        percentile(&echo, 0.5),
        percentile(&echo, 0.95),
        percentile(&echo, 1.0)
    );
    let bytes_before: usize = consoles.iter().map(|c| c.pty.raw_len()).sum();
    std::thread::sleep(span);
    let bytes_after: usize = consoles.iter().map(|c| c.pty.raw_len()).sum();
    println!(
        "bytes to each console: {:.0} B/s on average",
        (bytes_after - bytes_before) as f64 / consoles.len() as f64 / span.as_secs_f64()
    );
    drop(consoles);
    std::thread::sleep(Duration::from_secs(5));
    let after_cpu = cpu_share(pid, span);
    println!(
        "closed again:  RSS {:>7} KiB, CPU {:>5.1} % of a core",
        rss_kib(pid),
        after_cpu * 100.0
    );
    println!(
        "the consoles' own CPU: {:.1} % of a core (with 100 open, less the mean of before and after)",
        (busy_cpu - (idle_cpu + after_cpu) / 2.0) * 100.0
    );
}
