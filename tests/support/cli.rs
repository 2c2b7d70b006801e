//! The real binary as a script runs it: a clean environment pointing it at a simulator with the
//! demo credentials, and the usual `push` arguments. Each test crate uses a part of it.
#![allow(dead_code)]

use lipa::sim::demo;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

/// `lipa` with `env` and, of the test's own environment, nothing but PATH.
pub fn command<K, V>(env: impl IntoIterator<Item = (K, V)>) -> Command
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lipa"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env);
    cmd
}

/// The environment of a till whose journal (and home) is `data`: ClickPesa at `clickpesa` and,
/// when given, Cepta at `cepta`, each with the simulator's demo credentials.
pub fn demo_env(data: &Path, clickpesa: &str, cepta: Option<&str>) -> Vec<(&'static str, String)> {
    let data = data.display().to_string();
    let mut env = vec![
        ("HOME", data.clone()),
        ("LIPA_DATA_DIR", data),
        ("LIPA_CLICKPESA_BASE_URL", clickpesa.into()),
        ("LIPA_CLICKPESA_CLIENT_ID", demo::CLICKPESA_CLIENT_ID.into()),
        ("LIPA_CLICKPESA_API_KEY", demo::CLICKPESA_API_KEY.into()),
        (
            "LIPA_CLICKPESA_CHECKSUM_KEY",
            demo::CLICKPESA_CHECKSUM_KEY.into(),
        ),
    ];
    if let Some(cepta) = cepta {
        env.extend([
            ("LIPA_CEPTA_BASE_URL", cepta.into()),
            ("LIPA_CEPTA_PUBLIC_KEY", demo::CEPTA_PUBLIC_KEY.into()),
            ("LIPA_CEPTA_SECRET_KEY", demo::CEPTA_SECRET_KEY.into()),
            ("LIPA_CEPTA_EMAIL", demo::CEPTA_EMAIL.into()),
        ]);
    }
    env
}

/// `push` of 1,500 to `phone`, waiting up to `wait` seconds, answering in JSON.
pub fn push_args<'a>(provider: &'a str, phone: &'a str, wait: &'a str) -> Vec<&'a str> {
    vec![
        "push",
        "--provider",
        provider,
        "--phone",
        phone,
        "--amount",
        "1500",
        "--wait",
        wait,
        "--json",
    ]
}

/// The simulator on a free loopback port, its customers answering after `settle`, checksums
/// required as the demo's credentials say.
pub async fn simulator(settle: std::time::Duration) -> lipa::sim::SimHandle {
    lipa::sim::spawn(lipa::sim::SimConfig {
        port: 0,
        settle,
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        ..lipa::sim::SimConfig::default()
    })
    .await
    .expect("simulator")
}

/// Every payment of the journal in `data`, oldest first.
pub fn rows(data: &Path) -> Vec<lipa::payment::Payment> {
    lipa::journal::Journal::open_in(data)
        .expect("journal")
        .all()
        .expect("rows")
}

/// Waits (up to 40 s) until `f` gives something.
pub fn wait_until<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(40);
    loop {
        if let Some(t) = f() {
            return t;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "waited in vain for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// `lipa` with `env` and `args` started in the background, its output thrown away.
pub fn spawn_quiet(env: Vec<(&'static str, String)>, args: &[String]) -> std::process::Child {
    use std::process::Stdio;
    command(env)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("lipa")
}

/// SIGKILL, and the child reaped.
pub fn kill_9(child: &mut std::process::Child) {
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
}

/// The last line of a run's output, as JSON.
pub fn json_line(out: &std::process::Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)))
}

/// `lipa` with `env` and `args` to its end, off the async runtime's threads.
pub async fn run(env: Vec<(&'static str, String)>, args: Vec<String>) -> std::process::Output {
    tokio::task::spawn_blocking(move || command(env).args(&args).output().expect("lipa"))
        .await
        .expect("lipa ran")
}

/// `sync --wait 40 --json` to its end: its JSON lines.
pub async fn sync_lines(env: Vec<(&'static str, String)>) -> Vec<serde_json::Value> {
    let out = run(
        env,
        vec!["sync".into(), "--wait".into(), "40".into(), "--json".into()],
    )
    .await;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// A sale of `amount` to a local `phone` for `kind`, under a fresh reference, as a stopped
/// process left it: recorded in `journal` (no guard), nothing sent yet.
pub fn recorded_sale(
    journal: &lipa::journal::Journal,
    kind: lipa::provider::ProviderKind,
    phone: &str,
    amount: &str,
) -> lipa::payment::Payment {
    let new = lipa::payment::NewPayment {
        provider: kind,
        reference: lipa::reference::Reference::generate(kind, chrono::Utc::now().timestamp()),
        phone: lipa::phone::Phone::parse(phone, kind.country()).expect("phone"),
        amount: lipa::money::Money::parse(amount, kind.currency()).expect("amount"),
        channel: None,
        email: None,
        name: None,
        replaces: None,
        operator: "rehema".into(),
    };
    match journal
        .record(&new, lipa::journal::Guard::Off)
        .expect("record")
    {
        lipa::journal::Recorded::New(p) => p,
        other => panic!("guard off: {other:?}"),
    }
}

/// Moves a recorded payment to *sending* with the provider's id, as a process does just
/// before its request leaves.
pub fn mark_sending(journal: &lipa::journal::Journal, id: i64, provider_id: Option<&str>) {
    let sending = lipa::journal::Change {
        to: lipa::payment::Status::Sending,
        message: &lipa::strings::Msg::Empty,
        provider_id,
        heard: false,
    };
    assert!(
        journal
            .transition(id, lipa::payment::Status::Recorded, &sending)
            .expect("cas")
            .is_done()
    );
}
