//! Daraja's one token, with the real binary: each new token ends the one before, so the
//! processes of one till (a file in the data directory) and the tills of a chain (the shared
//! ledger on a real PostgreSQL) must hold one token between them. Several `lipa push` at once,
//! then: one token issued, no call refused for a dead token.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/ledger.rs"]
mod ledger;

use cli::command;
use lipa::provider::ProviderKind;
use lipa::sim::{self, SimConfig, SimHandle, demo};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

/// A till with only Daraja, at the simulator, its journal in `data` (or the ledger at `url`).
fn env(sim: &SimHandle, data: &Path, ledger: Option<&str>) -> Vec<(&'static str, String)> {
    let data = data.display().to_string();
    let mut env = vec![
        ("HOME", data.clone()),
        ("LIPA_DATA_DIR", data),
        ("LIPA_DARAJA_BASE_URL", sim.daraja_base_url()),
        ("LIPA_DARAJA_CONSUMER_KEY", demo::DARAJA_CONSUMER_KEY.into()),
        (
            "LIPA_DARAJA_CONSUMER_SECRET",
            demo::DARAJA_CONSUMER_SECRET.into(),
        ),
        ("LIPA_DARAJA_PASSKEY", demo::DARAJA_PASSKEY.into()),
        ("LIPA_DARAJA_SHORTCODE", demo::DARAJA_SHORTCODE.into()),
        ("LIPA_DARAJA_CALLBACK_URL", demo::DARAJA_CALLBACK_URL.into()),
    ];
    if let Some(url) = ledger {
        env.push(("LIPA_DATABASE_URL", url.into()));
    }
    env
}

fn push(env: Vec<(&'static str, String)>, phone: &str) -> Child {
    command(env)
        .args([
            "push",
            "--provider",
            "daraja",
            "--phone",
            phone,
            "--amount",
            "100",
            "--wait",
            "0",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lipa push")
}

fn all_pending(children: Vec<Child>) {
    for child in children {
        let out = child.wait_with_output().expect("push ends");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("\"status\":\"pending\""),
            "{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

async fn simulator() -> SimHandle {
    sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_secs(30),
        ..SimConfig::default()
    })
    .await
    .expect("simulator")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_processes_of_a_till_share_one_token() {
    let sim = simulator().await;
    let data = tempfile::tempdir().expect("data");
    let children: Vec<Child> = (0..6)
        .map(|i| push(env(&sim, data.path(), None), &format!("07123456{i}0")))
        .collect();
    tokio::task::spawn_blocking(move || all_pending(children))
        .await
        .expect("pushes");
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 1, "{stats:?}");
    assert_eq!(stats.unauthorized_of(ProviderKind::Daraja), 0, "{stats:?}");
    // The token is kept privately, and no key is in the file.
    let kept = std::fs::read_to_string(data.path().join("daraja-token.json")).expect("kept");
    assert!(!kept.contains(demo::DARAJA_CONSUMER_SECRET), "{kept}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tills_of_a_chain_share_one_token_through_the_ledger() {
    let Some(db) = ledger::TestDb::create("daraja_token_chain") else {
        return;
    };
    let sim = simulator().await;
    let tills: Vec<tempfile::TempDir> =
        (0..3).map(|_| tempfile::tempdir().expect("till")).collect();
    let children: Vec<Child> = tills
        .iter()
        .enumerate()
        .flat_map(|(t, dir)| {
            let (sim, url) = (&sim, db.url.clone());
            (0..2).map(move |i| push(env(sim, dir.path(), Some(&url)), &format!("0712345{t}{i}0")))
        })
        .collect();
    tokio::task::spawn_blocking(move || all_pending(children))
        .await
        .expect("pushes");
    let stats = sim.stats();
    assert_eq!(stats.tokens_issued, 1, "{stats:?}");
    assert_eq!(stats.unauthorized_of(ProviderKind::Daraja), 0, "{stats:?}");
    assert_eq!(db.count("SELECT count(*) FROM provider_tokens"), 1);
    for dir in &tills {
        assert!(
            !dir.path().join("daraja-token.json").exists(),
            "a till of a chain keeps no token of its own"
        );
    }
}
