//! One till, two writers on its embedded journal: a console open while a script's `lipa push`
//! (or a second console) takes a payment shows that payment, and follows it to the end (a
//! tester's second cashier never saw the first's payments, even paid).

#[path = "support/cli.rs"]
mod cli;
#[path = "support/pty.rs"]
mod pty;

use lipa::sim::{self, SimConfig};
use pty::Spawn;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_console_shows_what_another_process_of_the_till_sends() {
    let sim = sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_secs(2),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let data = tempfile::tempdir().expect("data");
    let env = cli::demo_env(data.path(), &sim.clickpesa_base_url(), None);
    let console = Spawn::lipa()
        .envs(env.clone())
        .env("LIPA_LANG", "en")
        .size(100, 30)
        .start();
    console.wait_for("the console", Duration::from_secs(20), |t| {
        t.contains("New payment")
    });
    let push = tokio::task::spawn_blocking(move || {
        cli::command(env)
            .args(cli::push_args("clickpesa", "0712345670", "30"))
            .output()
            .expect("lipa push")
    });
    console.wait_for(
        "the other process's payment",
        Duration::from_secs(20),
        |t| t.lines().any(|l| l.contains("••• 670")),
    );
    let out = push.await.expect("push ran");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    console.wait_for("it paid", Duration::from_secs(20), |t| {
        t.lines()
            .find(|l| l.contains("••• 670"))
            .is_some_and(|l| l.contains("paid"))
    });
}

/// A console opened while another process's payment waits shows it settle (the other process
/// holds it: this console's engine does not follow it itself).
#[tokio::test(flavor = "multi_thread")]
async fn a_console_opened_later_sees_another_process_settle_its_payment() {
    let sim = sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_secs(6),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let data = tempfile::tempdir().expect("data");
    let env = cli::demo_env(data.path(), &sim.clickpesa_base_url(), None);
    let push_env = env.clone();
    let push = tokio::task::spawn_blocking(move || {
        cli::command(push_env)
            .args(cli::push_args("clickpesa", "0712345670", "40"))
            .output()
            .expect("lipa push")
    });
    // Once the other process has it waiting, the console opens.
    let dir = data.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let journal = lipa::journal::Journal::open_in(&dir).expect("journal");
            let waiting = journal
                .all()
                .expect("rows")
                .iter()
                .any(|p| p.status == lipa::payment::Status::Pending);
            if waiting {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "no waiting payment");
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .expect("waited");
    let console = Spawn::lipa()
        .envs(env)
        .env("LIPA_LANG", "en")
        .size(100, 30)
        .start();
    console.wait_for("the waiting payment", Duration::from_secs(20), |t| {
        t.lines().any(|l| l.contains("••• 670"))
    });
    console.wait_for("it paid", Duration::from_secs(30), |t| {
        t.lines()
            .find(|l| l.contains("••• 670"))
            .is_some_and(|l| l.contains("paid"))
    });
    let out = push.await.expect("push ran");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}
