//! What the chaos tests share: a seeded plan of sales (one phone each), real `lipa push`
//! processes run a few at a time and killed with SIGKILL at planned moments, syncs killed
//! along the way, and a last sync to the end.
#![allow(dead_code)]

use lipa::journal::Journal;
use lipa::provider::ProviderKind;
use lipa::sim::demo;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// `--wait` of a final sync: longer than the 90 s deadline plus the sending phase.
pub const FINAL_SYNC_WAIT: u64 = 170;

/// How big a run is.
#[derive(Debug, Clone)]
pub struct Shape {
    pub sales: usize,
    /// `lipa push` processes running at once.
    pub workers: usize,
    /// Pushes planned to be killed; those that end on their own before their moment (a
    /// refused push exits within milliseconds) are not counted as kills.
    pub kill_candidates: usize,
    /// Mid-run syncs killed with SIGKILL.
    pub sync_kills: usize,
}

/// One sale: its own phone number (so a sale is recognised by its phone alone) and amount.
#[derive(Debug, Clone)]
pub struct Sale {
    pub provider: ProviderKind,
    /// Local form as a cashier types it (`0712…`).
    pub phone: String,
    /// Normalized form, as journalled and as the simulator records it.
    pub normalized: String,
    pub amount: String,
    pub digit: u8,
    /// `--wait` seconds.
    pub wait: u64,
    /// When to SIGKILL the process, counted from its start.
    pub kill_after: Option<Duration>,
    /// A kill moment early in the process's life, used when an earlier planned kill missed
    /// (its process had already ended), so that the number of kills depends little on luck.
    pub spare_kill: Duration,
}

pub fn plan(seed: u64, shape: &Shape) -> Vec<Sale> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut kill_at: BTreeMap<usize, Duration> = BTreeMap::new();
    while kill_at.len() < shape.kill_candidates {
        let i = rng.random_range(0..shape.sales);
        // Before the journal or before sending, while sending, while waiting.
        let ms = match rng.random_range(0..3) {
            0 => rng.random_range(0..60),
            1 => rng.random_range(60..600),
            _ => rng.random_range(600..6_000),
        };
        kill_at.insert(i, Duration::from_millis(ms));
    }
    (0..shape.sales)
        .map(|i| {
            // Selcom's push is two calls: kills land between them too. pawaPay's deposit is
            // sent again under its id when it never arrived: faults and kills land there.
            let provider = match i % 4 {
                0 => ProviderKind::ClickPesa,
                1 => ProviderKind::Cepta,
                2 => ProviderKind::Selcom,
                _ => ProviderKind::PawapayTz,
            };
            let digit: u8 = rng.random_range(0..10);
            // Selcom's silent customer is ambiguous (999), asked about again three minutes
            // past the deadline as Selcom advises: longer than the final sync. That path is
            // proven in `cli_selcom`; here that customer pays.
            let digit = match (provider, digit) {
                (ProviderKind::Selcom, 8) => 4,
                _ => digit,
            };
            let local = format!("0712{i:05}{digit}");
            let cc = match provider {
                ProviderKind::ClickPesa | ProviderKind::Selcom | ProviderKind::PawapayTz => "255",
                ProviderKind::Cepta | ProviderKind::Daraja | ProviderKind::PawapayKe => "254",
            };
            let amount = match provider {
                ProviderKind::ClickPesa | ProviderKind::Selcom | ProviderKind::PawapayTz => {
                    format!("{}", 1_000 + i)
                }
                ProviderKind::Cepta if i % 4 == 1 => format!("{}.50", 100 + i),
                ProviderKind::Cepta | ProviderKind::Daraja | ProviderKind::PawapayKe => {
                    format!("{}", 100 + i)
                }
            };
            let kill_after = kill_at.get(&i).copied();
            let waits = kill_after.is_some_and(|d| d >= Duration::from_millis(600))
                || rng.random_range(0..100) < 8;
            Sale {
                provider,
                normalized: format!("{cc}{}", &local[1..]),
                phone: local,
                amount,
                digit,
                wait: if waits { 10 } else { 0 },
                kill_after,
                spare_kill: Duration::from_millis(rng.random_range(5..50)),
            }
        })
        .collect()
}

/// Where the binary finds the simulator and the shared journal.
#[derive(Clone)]
pub struct Env {
    pub clickpesa: String,
    pub cepta: String,
    pub selcom: String,
    pub pawapay: String,
    pub data: PathBuf,
    /// The tills that push (a sale goes to till `i % tills.len()`; one till when empty), and
    /// the shared ledger they record into (else the journal in `data`).
    pub tills: Vec<String>,
    pub database_url: Option<String>,
}

impl Env {
    /// One journal in `data`, one till.
    pub fn single(sim: &lipa::sim::SimHandle, data: PathBuf) -> Env {
        Env {
            clickpesa: sim.clickpesa_base_url(),
            cepta: sim.cepta_base_url(),
            selcom: sim.selcom_base_url(),
            pawapay: sim.pawapay_base_url(),
            data,
            tills: Vec::new(),
            database_url: None,
        }
    }

    /// `lipa` at till number `till` (modulo the tills there are).
    pub fn lipa_at(&self, till: usize, args: &[&str]) -> Command {
        let mut cmd = self.lipa(args);
        if !self.tills.is_empty() {
            let name = &self.tills[till % self.tills.len()];
            cmd.env("LIPA_TILL", name)
                .env("LIPA_DATA_DIR", self.data.join(name))
                .env("HOME", self.data.join(name));
        }
        if let Some(url) = &self.database_url {
            cmd.env("LIPA_DATABASE_URL", url);
        }
        cmd
    }

    pub fn lipa(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lipa"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.data)
            .env("LIPA_DATA_DIR", &self.data)
            .env("LIPA_CLICKPESA_BASE_URL", &self.clickpesa)
            .env("LIPA_CLICKPESA_CLIENT_ID", demo::CLICKPESA_CLIENT_ID)
            .env("LIPA_CLICKPESA_API_KEY", demo::CLICKPESA_API_KEY)
            .env("LIPA_CLICKPESA_CHECKSUM_KEY", demo::CLICKPESA_CHECKSUM_KEY)
            .env("LIPA_CEPTA_BASE_URL", &self.cepta)
            .env("LIPA_CEPTA_PUBLIC_KEY", demo::CEPTA_PUBLIC_KEY)
            .env("LIPA_CEPTA_SECRET_KEY", demo::CEPTA_SECRET_KEY)
            .env("LIPA_CEPTA_EMAIL", demo::CEPTA_EMAIL)
            .env("LIPA_SELCOM_BASE_URL", &self.selcom)
            .env("LIPA_SELCOM_VENDOR", demo::SELCOM_VENDOR)
            .env("LIPA_SELCOM_API_KEY", demo::SELCOM_API_KEY)
            .env("LIPA_SELCOM_API_SECRET", demo::SELCOM_API_SECRET)
            .env("LIPA_SELCOM_BUYER_EMAIL", demo::SELCOM_BUYER_EMAIL)
            .env("LIPA_SELCOM_BUYER_NAME", demo::SELCOM_BUYER_NAME)
            .env("LIPA_PAWAPAY_BASE_URL", &self.pawapay)
            .env("LIPA_PAWAPAY_API_TOKEN", demo::PAWAPAY_API_TOKEN)
            .env("LIPA_PAWAPAY_COUNTRIES", "TZ")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }
}

/// Waits for the child until `at` (from `started`); SIGKILLs it then if it still runs.
/// Returns `None` when it was killed.
pub fn run_until(child: &mut Child, started: Instant, at: Option<Duration>) -> Option<ExitStatus> {
    let Some(at) = at else {
        return Some(child.wait().expect("wait for lipa"));
    };
    loop {
        if let Some(status) = child.try_wait().expect("poll lipa") {
            return Some(status);
        }
        if started.elapsed() >= at {
            // `Child::kill` is SIGKILL on Unix: no destructor, no flush, no goodbye.
            child.kill().expect("kill -9");
            child.wait().expect("reap");
            return None;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// What the sending phase did.
#[derive(Debug, Default)]
pub struct Drive {
    /// Pushes killed, by the journal status of their payment just after the kill
    /// (`none` = not journalled yet).
    pub push_kills: BTreeMap<String, usize>,
    pub sync_kills: usize,
    /// Exit codes of the pushes that ran to the end.
    pub exits: BTreeMap<i32, usize>,
    pub seconds: f64,
}

fn status_word(journal: &Journal, phone: &str) -> String {
    // The shared ledger may be restarting.
    let Ok(rows) = journal.all() else {
        return "unreadable".to_string();
    };
    match rows.iter().find(|p| p.phone == phone) {
        Some(p) => p.status.id().to_string(),
        None => "none".to_string(),
    }
}

fn push_args(sale: &Sale) -> Vec<String> {
    let wait = sale.wait.to_string();
    [
        "push",
        "--provider",
        sale.provider.id(),
        "--phone",
        &sale.phone,
        "--amount",
        &sale.amount,
        "--wait",
        &wait,
        "--json",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Runs every sale through its own `lipa push` (at its till), `shape.workers` at a time,
/// killing the planned ones, and kills `shape.sync_kills` syncs started along the way (at
/// tills in turn); `halfway` runs once half the sales are handed out.
pub fn drive(
    env: &Env,
    sales: &[Sale],
    journal: &Journal,
    seed: u64,
    shape: &Shape,
    halfway: impl FnOnce() + Send,
) -> Drive {
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    // Planned kills that missed, to be made up on later sales.
    let missed = AtomicUsize::new(0);
    let report = Mutex::new(Drive::default());
    std::thread::scope(|scope| {
        for _ in 0..shape.workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(sale) = sales.get(i) else { break };
                    let args = push_args(sale);
                    let args: Vec<&str> = args.iter().map(String::as_str).collect();
                    let t0 = Instant::now();
                    let mut child = env.lipa_at(i, &args).spawn().expect("spawn lipa push");
                    let kill_after = sale.kill_after.or_else(|| {
                        let owed = missed
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
                        owed.is_ok().then_some(sale.spare_kill)
                    });
                    let ended = run_until(&mut child, t0, kill_after);
                    let mut r = report.lock().expect("report");
                    match ended {
                        Some(status) => {
                            *r.exits.entry(status.code().unwrap_or(-1)).or_default() += 1;
                            if kill_after.is_some() {
                                missed.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                        None => {
                            let word = status_word(journal, &sale.normalized);
                            *r.push_kills.entry(word).or_default() += 1;
                        }
                    }
                }
            });
        }
        scope.spawn(|| {
            while next.load(Ordering::SeqCst) < shape.sales / 2 {
                std::thread::sleep(Duration::from_millis(20));
            }
            halfway();
        });
        scope.spawn(|| {
            let mut rng = StdRng::seed_from_u64(seed ^ 0x5_7C);
            for k in 1..=shape.sync_kills {
                // Start each sync once its share of the sales has been handed out.
                while next.load(Ordering::SeqCst) < shape.sales * k / (shape.sync_kills + 1) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                let at = Duration::from_millis(rng.random_range(300..4_000));
                let t0 = Instant::now();
                let mut child = env
                    .lipa_at(k, &["sync", "--wait", "60", "--json"])
                    .spawn()
                    .expect("spawn lipa sync");
                if run_until(&mut child, t0, Some(at)).is_none() {
                    report.lock().expect("report").sync_kills += 1;
                }
            }
        });
    });
    let mut r = report.into_inner().expect("report");
    r.seconds = started.elapsed().as_secs_f64();
    r
}

/// The last sync (at till `till`), run to its end; returns its exit status, stdout and
/// duration.
pub fn final_sync(env: &Env, till: usize) -> (ExitStatus, String, f64) {
    let out_path = env.data.join(format!("final-sync-{till}.out"));
    let out = std::fs::File::create(&out_path).expect("sync output file");
    let wait = FINAL_SYNC_WAIT.to_string();
    let t0 = Instant::now();
    let mut child = env
        .lipa_at(till, &["sync", "--wait", &wait, "--json"])
        .stdout(out)
        .spawn()
        .expect("spawn final sync");
    let limit = Duration::from_secs(FINAL_SYNC_WAIT + 20);
    let status = run_until(&mut child, t0, Some(limit))
        .unwrap_or_else(|| panic!("the final sync was still running after {limit:?}"));
    let text = std::fs::read_to_string(&out_path).unwrap_or_default();
    (status, text, t0.elapsed().as_secs_f64())
}

/// A number from the environment, or `default`.
pub fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(s) => s
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a number, got {s:?}")),
        Err(_) => default,
    }
}
