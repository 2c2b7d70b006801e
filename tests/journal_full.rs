//! A full disk after a send: the journal (SQLite, on a small tmpfs of its own) cannot record
//! what lipa learns. The engine says so at once (`journal_state`, the console's banner), keeps
//! following the payment, and records it once the disk has room again. Needs root to mount the
//! tmpfs (as CI and the developers' machines run); elsewhere it says so and is skipped.

#[path = "support/cli.rs"]
mod cli;

use async_trait::async_trait;
use lipa::engine::{Engine, EngineSettings, SendGuard};
use lipa::journal::Journal;
use lipa::money::{Currency, Money};
use lipa::payment::{NewPayment, Status};
use lipa::phone::{Country, Phone};
use lipa::provider::{
    Charged, Lookup, Provider, ProviderError, ProviderKind, PushAccepted, PushRequest, RemoteState,
    RemoteStatus,
};
use lipa::reference::Reference;
use lipa::strings::Msg;
use lipa::tracker::Schedule;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// A tmpfs of `size` mounted on a fresh directory, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("dir");
        let mounted = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output();
        match mounted {
            Ok(out) if out.status.success() => Some(SmallDisk { dir }),
            other => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "CI must be able to mount a tmpfs (as root): {other:?}"
                );
                eprintln!("skipped: cannot mount a tmpfs here: {other:?}");
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn filler(&self) -> PathBuf {
        self.path().join("filler")
    }

    /// Writes a file until the disk takes not one byte more.
    fn fill(&self) {
        let mut f = std::fs::File::create(self.filler()).expect("filler");
        for chunk in [65_536, 4_096, 512, 1] {
            let bytes = vec![0u8; chunk];
            while f.write_all(&bytes).is_ok() {}
        }
        let _ = f.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.filler()).expect("filler removed");
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Accepts the push; answers a status query only once the test opens the gate: paid.
struct Gated {
    gate: Semaphore,
}

#[async_trait]
impl Provider for Gated {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ClickPesa
    }
    async fn initiate(&self, _r: &PushRequest) -> Result<PushAccepted, ProviderError> {
        Ok(PushAccepted {
            provider_id: Some("id-1".into()),
            message: Msg::PromptSent,
            state: RemoteState::Pending,
        })
    }
    async fn query(&self, _c: &Charged) -> Result<Lookup, ProviderError> {
        let permit = self.gate.acquire().await;
        drop(permit);
        Ok(Lookup::Found(RemoteStatus {
            state: RemoteState::Paid,
            word: "SUCCESS".into(),
            message: Msg::Paid,
            provider_id: Some("id-1".into()),
            channel: None,
            wallet_ref: None,
        }))
    }
}

fn sale() -> NewPayment {
    NewPayment {
        provider: ProviderKind::ClickPesa,
        reference: Reference::parse("FULL1", ProviderKind::ClickPesa).expect("ref"),
        phone: Phone::parse("0712345670", Country::Tanzania).expect("phone"),
        amount: Money::parse("1500", Currency::Tzs).expect("amount"),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    }
}

/// Waits for `what` to hold, up to `limit`, looking every 20 ms.
async fn until(limit: Duration, what: &str, mut holds: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !holds() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_after_the_send_is_said_at_once_and_the_payment_recorded_later() {
    let Some(disk) = SmallDisk::mount("2m") else {
        return;
    };
    let journal = Arc::new(Journal::open_in(disk.path()).expect("journal"));
    let provider = Arc::new(Gated {
        gate: Semaphore::new(0),
    });
    let ms = Duration::from_millis;
    let settings = EngineSettings {
        schedule: Schedule::new(
            vec![ms(50), ms(100), ms(150)],
            Duration::from_secs(120),
            ms(5),
        ),
        max_queries_per_second: 0,
        ..EngineSettings::default()
    };
    let engine = Engine::new(journal.clone(), vec![provider.clone()], settings);
    let state = engine.journal_state();
    let sent = engine
        .submit(sale(), SendGuard::Check, &lipa::engine::Rights::all())
        .await
        .expect("sent");
    assert_eq!(sent.payment.status, Status::Pending);
    assert_eq!(*state.borrow(), None, "the journal records");

    // The disk fills while the customer pays: lipa learns it and cannot record it.
    disk.fill();
    provider.gate.add_permits(1_000);
    until(Duration::from_secs(30), "the journal said full", || {
        state.borrow().is_some()
    })
    .await;
    let why = state.borrow().clone().unwrap_or_default();
    assert!(why.contains("full"), "{why}");
    let row = journal.get(sent.payment.id).expect("read").expect("row");
    assert_eq!(row.status, Status::Pending, "nothing could be written");

    // Room again: the payment is followed on and recorded, and the journal says it records.
    disk.free();
    let p = engine
        .wait_settled(sent.payment.id, Duration::from_secs(30))
        .await
        .expect("settled");
    assert_eq!(p.status, Status::Paid, "{p:?}");
    until(Duration::from_secs(10), "the journal records again", || {
        state.borrow().is_none()
    })
    .await;
    assert_eq!(journal.integrity_check().expect("check"), "ok");
    drop(engine);
}

/// `lipa push --wait` on a disk that fills after the send (a tester's till): the wait still
/// ends with one question to the provider, and its answer, which the journal cannot record, is
/// said as *checking* with the reason, never as final and never as "waiting for the PIN"; once
/// the disk has room, `lipa sync` records it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_on_a_disk_that_fills_still_asks_at_the_end_and_says_it_cannot_record() {
    use std::io::BufRead;
    let Some(disk) = SmallDisk::mount("2m") else {
        return;
    };
    let sim = cli::simulator(Duration::from_millis(300)).await;
    let data = disk.path().join("d");
    let env = cli::demo_env(&data, &sim.clickpesa_base_url(), None);
    let mut child = cli::command(env.clone())
        .args(["push", "--provider", "clickpesa", "--phone", "0712345612"])
        .args(["--amount", "1202", "--wait", "3"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("lipa push");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("the waiting line");
    assert!(first.contains("waiting"), "{first}");
    // Sent and its answer journalled: now the disk fills.
    disk.fill();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).expect("stdout");
    let out = child.wait_with_output().expect("lipa push ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = rest.lines().last().unwrap_or_default();
    assert_eq!(out.status.code(), Some(3), "{rest}\n{stderr}");
    assert!(!last.contains("waiting"), "{last}\n{stderr}");
    assert!(last.contains("checking"), "{last}\n{stderr}");
    assert!(last.contains("the provider says paid"), "{last}");
    assert!(last.contains("cannot record"), "{last}");
    assert!(stderr.contains("cannot record"), "{stderr}");
    let asked = sim
        .stats()
        .requests
        .iter()
        .filter(|(k, _)| k.contains("/payments/") && k.starts_with("GET"))
        .map(|(_, n)| *n)
        .sum::<u64>();
    assert!(
        asked >= 1,
        "the provider was asked: {:?}",
        sim.stats().requests
    );

    // Room again: sync records what the provider says.
    disk.free();
    let synced = cli::command(env)
        .args(["sync", "--wait", "10", "--json"])
        .output()
        .expect("lipa sync");
    let said = String::from_utf8_lossy(&synced.stdout);
    assert!(said.contains("\"status\":\"paid\""), "{said}");
    assert_eq!(synced.status.code(), Some(0), "{said}");
}

/// A push on a disk already full says the disk is full in words, in Swahili too (a tester saw
/// `daftari: database or disk is full`); nothing sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_on_a_full_disk_says_so_in_words() {
    let Some(disk) = SmallDisk::mount("2m") else {
        return;
    };
    let sim = cli::simulator(Duration::from_millis(300)).await;
    let data = disk.path().join("d");
    std::fs::create_dir_all(&data).expect("data dir");
    disk.fill();
    for (lang, words) in [("en", "the disk is full"), ("sw", "diski imejaa")] {
        let mut env = cli::demo_env(&data, &sim.clickpesa_base_url(), None);
        env.push(("LIPA_LANG", lang.into()));
        let out = cli::command(env)
            .args(["push", "--provider", "clickpesa", "--phone", "0712345612"])
            .args(["--amount", "1202", "--wait", "0"])
            .output()
            .expect("lipa push");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{stderr}");
        assert!(stderr.contains(words), "{lang}: {stderr}");
    }
    assert!(sim.ledger().is_empty(), "nothing was sent");
}

/// A data directory that cannot be written (a read-only mount) is said so, not as SQLite's
/// `unable to open database file`; nothing sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_on_a_read_only_directory_says_it_cannot_be_written() {
    let Some(disk) = SmallDisk::mount("2m") else {
        return;
    };
    let sim = cli::simulator(Duration::from_millis(300)).await;
    let data = disk.path().join("d");
    std::fs::create_dir_all(&data).expect("data dir");
    let ro = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(disk.path())
        .status()
        .expect("remount");
    assert!(ro.success(), "remount read-only");
    for (lang, words) in [
        ("en", "directory cannot be written"),
        ("sw", "saraka yake haiwezi kuandikwa"),
    ] {
        let mut env = cli::demo_env(&data, &sim.clickpesa_base_url(), None);
        env.push(("LIPA_LANG", lang.into()));
        let out = cli::command(env)
            .args(["push", "--provider", "clickpesa", "--phone", "0712345612"])
            .args(["--amount", "1202", "--wait", "0"])
            .output()
            .expect("lipa push");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{stderr}");
        assert!(stderr.contains(words), "{lang}: {stderr}");
    }
    assert!(sim.ledger().is_empty(), "nothing was sent");
}
