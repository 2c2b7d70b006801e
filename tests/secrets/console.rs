//! The console on a real configuration pointing at the simulator (not the demo): right keys
//! from a config file (pay, fail, help, detail, today, quit) and wrong keys from the
//! environment (both refused; the reasons on screen). Searched: every screen captured, the raw
//! terminal bytes, the data directories, this process's logs.

use crate::proxy::RecordingProxy;
use crate::pty::Console;
use crate::run::*;
use crate::scan::*;
use std::time::Duration;

/// The row of the pending list that shows this (masked) number's tail.
fn row_with<'a>(screen: &'a str, tail: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.contains(tail) && l.contains("1,500"))
}

fn row_says(screen: &str, tail: &str, word: &str) -> bool {
    row_with(screen, tail).is_some_and(|r| r.to_lowercase().contains(word))
}

/// Ctrl-C, answering yes if the console asks, then the process must end.
fn quit(console: &mut Console) {
    console.keys("\x03");
    console.wait_for("quit asked or done", Duration::from_secs(10), |t| {
        t.contains("Quit?") || !t.contains("New payment")
    });
    if console.text().contains("Quit?") {
        console.keys("y");
    }
    assert!(
        console.wait_exit(Duration::from_secs(15)),
        "lipa did not quit"
    );
}

const T: Duration = Duration::from_secs(20);
/// The real schedule asks first 9 s after the send.
const SETTLED: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread")]
async fn the_console_leaks_no_secret() {
    let sim = simulator().await;
    let proxy = RecordingProxy::start(sim.addr()).await;
    let root = tempfile::tempdir().expect("tempdir");
    let data = root.path().join("data");
    let conf = root.path().join("conf");
    std::fs::create_dir_all(&conf).expect("conf dir");
    let (cp, ce) = (proxy.clickpesa_base_url(), sim.cepta_base_url());
    let good = config_file(&conf, "good.toml", &good_file_text(&cp, &ce), 0o600);
    let good_arg = good.display().to_string();
    let file_env = Setup::file_only(&cp, &ce).full_env(&data.join("good"));
    let wrong_env = Setup::env(&cp, &ce)
        .with("LIPA_CLICKPESA_API_KEY", WRONG_CP_API_KEY)
        .with("LIPA_CEPTA_SECRET_KEY", WRONG_CE_SECRET_KEY)
        .full_env(&data.join("wrong"));

    let (good_run, wrong_run) = tokio::join!(
        tokio::task::spawn_blocking(move || {
            // Right credentials, from the config file: one payment each way, help, detail, today.
            let mut c = Console::start(&file_env, &["--config", &good_arg]);
            c.wait_for("start", T, |t| t.contains("New payment"));
            c.keys("0712345670\t1500\r");
            c.wait_for("clickpesa row", T, |t| row_with(t, "670").is_some());
            c.keys("\x10");
            c.wait_for("switched to cepta", T, |t| t.contains("Cepta · Kenya"));
            c.keys("0712345676\t1500\r");
            c.wait_for("cepta row", T, |t| row_with(t, "676").is_some());
            c.keys("?");
            c.wait_for("help", T, |t| t.contains("^ is Ctrl"));
            c.keys("?");
            c.wait_for("help closed", T, |t| !t.contains("^ is Ctrl"));
            c.wait_for("paid", SETTLED, |t| row_says(t, "670", "paid"));
            c.wait_for("failed", SETTLED, |t| row_says(t, "676", "failed"));
            c.keys("\x1b[Z\r");
            c.wait_for("detail", T, |t| t.contains("History"));
            c.keys("q");
            c.wait_for("detail closed", T, |t| !t.contains("History"));
            c.keys("\x14");
            c.wait_for("today", T, |t| t.contains("Today ·"));
            c.keys("q");
            c.wait_for("today closed", T, |t| !t.contains("Today ·"));
            quit(&mut c);
            c
        }),
        tokio::task::spawn_blocking(move || {
            // Wrong keys in the environment: both providers refuse; the reasons are shown.
            let mut c = Console::start(&wrong_env, &[]);
            c.wait_for("start", T, |t| t.contains("New payment"));
            c.keys("0712345670\t1500\r");
            c.wait_for("clickpesa refused", T, |t| row_says(t, "670", "failed"));
            // The refused push stayed in the form: switching asks before clearing it.
            c.keys("\x10");
            c.wait_for("asked to switch", T, |t| t.contains("Switch provider?"));
            c.keys("y");
            c.wait_for("switched to cepta", T, |t| t.contains("Cepta · Kenya"));
            c.keys("0712345670\t1500\r");
            c.wait_for("cepta refused", T, |t| {
                t.lines()
                    .filter(|l| l.contains("670") && l.contains("failed"))
                    .count()
                    == 2
            });
            c.keys("\x1b[Z\r");
            c.wait_for("detail", T, |t| t.contains("History"));
            c.keys("q");
            c.wait_for("detail closed", T, |t| !t.contains("History"));
            c.keys("j\r");
            c.wait_for("second detail", T, |t| t.contains("History"));
            c.keys("q");
            quit(&mut c);
            c
        }),
    );
    let (good_run, wrong_run) = (
        good_run.expect("good session"),
        wrong_run.expect("wrong session"),
    );

    let mut hay = Haystack::default();
    good_run.add_to(&mut hay, "console (config file)");
    wrong_run.add_to(&mut hay, "console (wrong keys)");
    hay.add_dir(&data);
    assert_logged_at_debug(&data.join("good"));
    hay.add_in_process_log();
    let mut secrets = fixed_secrets();
    let tokens = proxy.tokens();
    assert!(!tokens.is_empty(), "the proxy saw no bearer token");
    secrets.extend(tokens);
    hay.assert_clean(&secrets);
    eprintln!(
        "searched {} places, {} bytes, for {} secrets",
        hay.len(),
        hay.total_bytes(),
        secrets.len()
    );
}
