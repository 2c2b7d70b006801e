//! What every crash scenario shares: a simulator and a data directory, the real binary pointed
//! at them, signals by pid, polling with a deadline, and the final audit of journal against
//! simulator.

use crate::cli;
use lipa::journal::Journal;
use lipa::payment::{Payment, Status};
use lipa::sim::{self, Faults, SimConfig, SimHandle, SimStatus, demo};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Initiate endpoints of both providers, as the simulator counts them.
const INITIATE: [&str; 2] = [
    "POST /third-parties/payments/initiate-ussd-push-request",
    "POST /api/v1/pay/ussd-charge",
];
/// Cepta's status query, as the simulator counts it.
pub const CEPTA_QUERY: &str = "GET /api/v1/pay/verify-payment";

/// Which providers a till has credentials for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Providers {
    Both,
    ClickPesaOnly,
}

/// One till: its simulator (the customers' truth) and its data directory (the journal).
pub struct Till {
    pub sim: SimHandle,
    pub dir: tempfile::TempDir,
    providers: Providers,
}

impl Till {
    /// A simulator whose customers answer `settle` after the push, with checksums required.
    pub async fn new(settle: Duration, providers: Providers) -> Till {
        let sim = sim::spawn(SimConfig {
            port: 0,
            settle,
            checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
            ..SimConfig::default()
        })
        .await
        .expect("simulator");
        Till {
            sim,
            dir: tempfile::tempdir().expect("data dir"),
            providers,
        }
    }

    pub fn data(&self) -> &Path {
        self.dir.path()
    }

    /// The environment `lipa` runs with (besides PATH), the simulator's demo credentials.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let cepta = (self.providers == Providers::Both).then(|| self.sim.cepta_base_url());
        cli::demo_env(
            self.data(),
            &self.sim.clickpesa_base_url(),
            cepta.as_deref(),
        )
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = cli::command(self.env());
        cmd.args(args);
        cmd
    }

    /// Runs `lipa` to the end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run lipa")
    }

    /// Starts `lipa` in the background (it is meant to be killed).
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start lipa")
    }

    /// Starts `lipa` in the background with its stdout kept, to be stopped by a signal.
    pub fn spawn_reporting(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start lipa")
    }

    /// `lipa sync --wait 30 --json`, which must exit `code` with every payment `status`. (Sync
    /// exits 0 once nothing is left open, whether the payments were paid or failed.)
    pub fn sync_expecting(&self, status: &str, code: i32) -> Vec<serde_json::Value> {
        let out = self.run(&["sync", "--wait", "30", "--json"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<serde_json::Value> = stdout
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect();
        let shown = || format!("{stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(code), "{}", shown());
        assert!(!lines.is_empty(), "sync reported nothing: {}", shown());
        for line in &lines {
            assert_eq!(line["status"], status, "{}", shown());
        }
        lines
    }

    /// The journal as it stands (opened afresh: another process writes it).
    pub fn rows(&self) -> Vec<Payment> {
        Journal::open_in(self.data())
            .expect("journal")
            .all()
            .expect("rows")
    }

    /// The one payment in the journal, once `ok` holds for it.
    pub fn wait_for_row(&self, what: &str, ok: impl Fn(&Payment) -> bool) -> Payment {
        wait_until(what, Duration::from_secs(20), || {
            let rows = self.rows();
            assert!(rows.len() <= 1, "one payment expected: {rows:?}");
            rows.into_iter().find(|p| ok(p))
        })
    }

    /// Waits until the simulator knows `n` pushes, all with their final answer.
    pub fn wait_for_customers(&self, n: usize) {
        wait_until("the customers' answers", Duration::from_secs(20), || {
            let ledger = self.sim.ledger();
            (ledger.len() == n && ledger.iter().all(|e| e.is_final)).then_some(())
        });
    }

    /// Initiate calls the simulator received, over both providers.
    pub fn initiate_calls(&self) -> u64 {
        let stats = self.sim.stats();
        INITIATE.iter().map(|k| stats.requests_to(k)).sum()
    }

    /// Every answer takes `by` longer (after the work is done), from now on.
    pub fn slow_down(&self, by: Duration) {
        self.sim.set_faults(Faults {
            slow_per_mille: 1000,
            slow_by: by,
            ..Faults::default()
        });
    }

    pub fn no_faults(&self) {
        self.sim.set_faults(Faults::default());
    }

    /// After every scenario: the journal is sound, and it and the simulator agree on every
    /// payment — each push received is exactly one journal row, sent once, settled the same
    /// way; each row the simulator never received failed or waits for a person, with a reason; nothing is left open
    /// without a reason a person can act on.
    pub fn audit(&self) {
        let journal = Journal::open_in(self.data()).expect("journal");
        assert_eq!(journal.integrity_check().expect("integrity check"), "ok");
        let rows = journal.all().expect("rows");
        let ledger = self.sim.ledger();
        for entry in &ledger {
            let same: Vec<&Payment> = rows
                .iter()
                .filter(|p| p.provider == entry.provider && p.reference.as_str() == entry.reference)
                .collect();
            assert_eq!(
                same.len(),
                1,
                "one journal row per push: {entry:?}\n{rows:?}"
            );
            assert_eq!(entry.initiate_calls, 1, "sent more than once: {entry:?}");
            let p = same[0];
            assert_eq!(p.amount.minor(), entry.amount_minor, "{p:?}");
            assert_eq!(p.phone, entry.phone, "{p:?}");
            match p.status {
                Status::Paid => assert_eq!(entry.status, SimStatus::Paid, "{p:?}"),
                Status::Failed => assert_eq!(entry.status, SimStatus::Failed, "{p:?}"),
                Status::Attention => assert!(!p.message.is_empty(), "{p:?}"),
                _ => panic!("not accounted for: {p:?}"),
            }
        }
        for p in &rows {
            let received = ledger
                .iter()
                .any(|e| e.provider == p.provider && e.reference == p.reference.as_str());
            if !received {
                // Failed when lipa knows it was never sent; attention when it cannot know.
                assert!(
                    matches!(p.status, Status::Failed | Status::Attention),
                    "never received, yet: {p:?}"
                );
                assert!(!p.message.is_empty(), "{p:?}");
            }
        }
        assert_eq!(
            self.initiate_calls(),
            ledger.len() as u64,
            "one initiate call per push"
        );
    }
}

/// Sends `signal` (`KILL`, `TERM`, `HUP`) to one process, with the `kill` command.
pub fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

/// The same, for clean-up paths that must not panic; whether `kill` succeeded.
pub fn try_signal(pid: u32, signal: &str) -> bool {
    Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Kills a background `lipa` with SIGKILL and reaps it.
pub fn kill_9(child: &mut Child) {
    signal(child.id(), "KILL");
    let status = child.wait().expect("reap lipa");
    assert_eq!(status.code(), None, "lipa ended before the kill: {status}");
}

/// Polls `f` until it yields something, failing after `timeout`.
pub fn wait_until<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}
