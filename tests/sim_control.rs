//! Switching the simulator's faults: `GET`/`POST /sim/faults`, seeded replay, and the real
//! `lipa simulate` binary with `--faults`, `--fault`, `--seed` and `--clock-offset`.

use lipa::provider::cepta::sign;
use lipa::sim::{self, SimConfig, SimHandle, demo};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

async fn start() -> SimHandle {
    sim::spawn(SimConfig::default())
        .await
        .expect("simulator starts")
}

async fn call(http: &Client, method: &str, url: &str, body: &str) -> (StatusCode, Value) {
    let request = match method {
        "POST" => http.post(url).body(body.to_string()),
        _ => http.get(url),
    };
    let r = request.send().await.expect("request");
    let status = r.status();
    let text = r.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// A signed Cepta verify call for an unknown reference: 404 unless a fault strikes.
async fn verify_status(http: &Client, root: &str) -> u16 {
    let uri = "/api/v1/pay/verify-payment?TransactionRef=NOPE-1";
    let ts = chrono::Utc::now().timestamp().to_string();
    let signature = sign(demo::CEPTA_SECRET_KEY, &ts, "GET", uri, b"");
    http.get(format!("{root}{uri}"))
        .header("X-Access-Key", demo::CEPTA_PUBLIC_KEY)
        .header("X-Access-Ts", ts)
        .header("X-Access-Signature", signature)
        .send()
        .await
        .expect("answer")
        .status()
        .as_u16()
}

#[tokio::test]
async fn faults_are_read_and_replaced_over_http() {
    let sim = start().await;
    let http = Client::new();
    let root = format!("http://{}", sim.addr());
    let faults = format!("{root}/sim/faults");

    let (status, off) = call(&http, "GET", &faults, "").await;
    assert_eq!(status, 200);
    assert_eq!(off["clock_offset_secs"], 0);
    let rates = off["rates"].as_object().expect("rates");
    assert_eq!(rates.len(), lipa::sim::FaultKind::ALL.len(), "{off}");
    assert!(rates.values().all(|r| r == 0), "{off}");

    let asked = json!({
        "seed": 5, "rates": {"too-many-requests": 1000}, "retry_after_secs": 3,
        "clock_offset_secs": -42,
    });
    let (status, set) = call(&http, "POST", &faults, &asked.to_string()).await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(call(&http, "GET", &faults, "").await.1, set);
    assert_eq!(set["seed"], 5);
    assert_eq!(set["rates"]["too-many-requests"], 1000);
    assert_eq!(set["rates"]["slow"], 0);
    assert_eq!(set["clock_offset_secs"], -42);
    let r = http
        .post(format!("{root}/third-parties/generate-token"))
        .send()
        .await
        .expect("answer");
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "3");
    assert_eq!(sim.faults().clock_offset_secs, -42);
    // The control endpoints themselves are never struck.
    assert_eq!(
        call(&http, "GET", &format!("{root}/sim/stats"), "").await.0,
        200
    );

    // `all` sets every fault, with chaos's delays; `rates` overrides single faults.
    let (status, chaos) = call(
        &http,
        "POST",
        &faults,
        r#"{"all": 1000, "rates": {"slow": 0}}"#,
    )
    .await;
    assert_eq!(status, 200, "{chaos}");
    let rates = chaos["rates"].as_object().expect("rates");
    assert!(
        rates.iter().all(|(k, r)| (k == "slow") == (r == 0)),
        "{chaos}"
    );
    assert_eq!(chaos["slow_ms"], 1500);
    assert_eq!(chaos["retry_after_secs"], 1);
    assert_eq!(chaos["reverse_after_ms"], 1000);

    for (body, expected) in [
        (r#"{"rates": {"gremlins": 5}}"#, "drop-after-create"),
        (r#"{"rates": {"slow": 1001}}"#, "per mille"),
        (r#"{"all": 5000}"#, "per mille"),
        (r#"{"clock_offset_secs": 99999999999}"#, "clock offset"),
        (r#"{"colour": "red"}"#, "colour"),
        ("not json", "JSON object"),
    ] {
        let (status, v) = call(&http, "POST", &faults, body).await;
        assert_eq!(status, 400, "{body}");
        let error = v["error"].as_str().unwrap_or_else(|| panic!("{body}: {v}"));
        assert!(error.contains(expected), "{body}: {error}");
        assert_eq!(error.lines().count(), 1, "{error}");
    }
    assert_eq!(
        call(&http, "GET", &faults, "").await.1,
        chaos,
        "refusals change nothing"
    );

    let (status, cleared) = call(&http, "POST", &faults, "").await;
    assert_eq!(status, 200);
    assert!(
        cleared["rates"]
            .as_object()
            .expect("rates")
            .values()
            .all(|r| r == 0)
    );
    assert!(sim.faults().is_off());
    sim.shutdown().await;
}

#[tokio::test]
async fn the_same_seed_replays_the_same_faults() {
    let settings = r#"{"seed": 42, "rates": {"too-many-requests": 300, "html-5xx": 300}}"#;
    let mut runs = Vec::new();
    for _ in 0..2 {
        let sim = start().await;
        let http = Client::new();
        let root = format!("http://{}", sim.addr());
        let (status, _) = call(&http, "POST", &format!("{root}/sim/faults"), settings).await;
        assert_eq!(status, 200);
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(verify_status(&http, &root).await);
        }
        runs.push(statuses);
        sim.shutdown().await;
    }
    assert_eq!(runs[0], runs[1]);
    for code in [404, 429] {
        assert!(runs[0].contains(&code), "{code} in {:?}", runs[0]);
    }
    assert!(
        runs[0].iter().any(|c| [500, 502, 503].contains(c)),
        "{:?}",
        runs[0]
    );
}

// ---------------------------------------------------------------- `lipa simulate`

fn simulate(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lipa"));
    cmd.arg("simulate").args(["--port", "0"]).args(args);
    cmd
}

/// Kills the simulator when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `lipa simulate` and reads its banner (up to the `/sim/ledger` line).
fn banner(args: &[&str]) -> (Running, String) {
    let mut child = simulate(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run lipa simulate");
    let stdout = child.stdout.take().expect("stdout");
    let running = Running(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut text = String::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("no full banner in time: {text}"));
        text.push_str(&line);
        text.push('\n');
        if line.contains("/sim/ledger") {
            return (running, text);
        }
    }
}

fn address(banner: &str) -> String {
    let after = banner
        .split("listening on http://")
        .nth(1)
        .unwrap_or_else(|| panic!("no address: {banner}"));
    after
        .split_whitespace()
        .next()
        .expect("address")
        .to_string()
}

#[tokio::test]
async fn lipa_simulate_flags_switch_faults_on_and_the_banner_says_so() {
    let (_sim, text) = banner(&[
        "--fault",
        "html-5xx=1000,slow=0",
        "--fault",
        "reverse=5",
        "--seed",
        "9",
        "--clock-offset",
        "-120",
    ]);
    assert!(text.contains("Faults on"), "{text}");
    assert!(text.contains("seed 9"), "{text}");
    assert!(
        text.contains("html-5xx 1000") && text.contains("reverse 5"),
        "{text}"
    );
    assert!(!text.contains("slow 0"), "{text}");
    assert!(text.contains("120 s behind"), "{text}");
    let root = format!("http://{}", address(&text));
    let http = Client::new();
    let (_, now) = call(&http, "GET", &format!("{root}/sim/faults"), "").await;
    assert_eq!(now["seed"], 9);
    assert_eq!(now["rates"]["html-5xx"], 1000);
    assert_eq!(now["rates"]["reverse"], 5);
    assert_eq!(now["rates"]["truncate"], 0);
    assert_eq!(now["clock_offset_secs"], -120);
    assert!([500, 502, 503].contains(&verify_status(&http, &root).await));

    let (_calm, text) = banner(&[]);
    assert!(text.contains("Faults: none"), "{text}");
    let (_all, text) = banner(&["--faults", "20"]);
    assert!(
        text.contains("fail-after-create 20") && text.contains("revoke-tokens 20"),
        "{text}"
    );
}

#[test]
fn lipa_simulate_refuses_fault_flags_it_cannot_use() {
    for (args, expected) in [
        (&["--fault", "slow"][..], "NAME=PER_MILLE"),
        (&["--fault", "gremlins=5"][..], "html-5xx"),
        (&["--fault", "slow=2000"][..], "per mille"),
        (&["--faults", "1001"][..], "per mille"),
        (&["--clock-offset", "99999999999"][..], "clock offset"),
        (&["--settle=-1"][..], "--settle"),
    ] {
        let out = simulate(args).output().expect("run lipa simulate");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(out.stdout.is_empty(), "nothing served");
    }
}
