//! `lipa push` and `lipa sync`: paid, failed, unknown, dry run, invalid input, refused keys,
//! no connection, broken config files. Searched: stdout, stderr (JSON and human), every file
//! in the data directories (logs at trace, the journal), this process's logs.

use crate::proxy::{RecordingProxy, closed_port};
use crate::run::*;
use crate::scan::*;
use std::path::PathBuf;

/// Where a run's credentials come from.
#[derive(Clone, Copy)]
enum Keys {
    /// The right keys, in the environment.
    Env,
    /// The right keys, in a config file (`--config`), none in the environment.
    File,
    /// A wrong ClickPesa API key, checksum key, or Cepta secret key, in the environment.
    WrongApi,
    WrongSum,
    WrongCe,
    /// A wrong Daraja consumer secret, in the environment.
    WrongDa,
    /// A wrong Selcom API secret, in the environment.
    WrongSe,
    WrongPp,
    /// The right keys, but every base URL on a port where nothing listens.
    Closed,
}
use Keys::*;

/// (name, keys, data dir, command, expected exit code: `None` when it depends on what ran
/// before).
type Case = (&'static str, Keys, &'static str, Cmd, Option<i32>);

type Flags = &'static [&'static str];

#[derive(Clone, Copy)]
enum Cmd {
    /// provider, phone, amount, wait, flags.
    Push(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        Flags,
    ),
    /// wait, flags.
    Sync(&'static str, Flags),
}
use Cmd::{Push, Sync};

const CP: &str = "clickpesa";
const CE: &str = "cepta";
const DA: &str = "daraja";
const SE: &str = "selcom";
const PP: &str = "pawapay-tz";
const JSON: Flags = &["--json"];
const HUMAN: Flags = &[];
const DRY: Flags = &["--dry-run"];
const DRY_JSON: Flags = &["--dry-run", "--json"];
const PHONE_PAYS: &str = "0712345670";

/// Run at once. Last digits: 0 pays, 6 cancels, 8 never answers, 9 gets a 500 to the push.
#[rustfmt::skip]
const FIRST: &[Case] = &[
    ("cp paid", Env, "env", Push(CP, PHONE_PAYS, "1500", "60", JSON), Some(0)),
    ("cp failed", Env, "env", Push(CP, "0712345676", "1500", "60", JSON), Some(1)),
    ("cp unknown", Env, "env", Push(CP, "0712345679", "1500", "0", JSON), Some(3)),
    ("ce paid", Env, "env", Push(CE, PHONE_PAYS, "1500", "60", JSON), Some(0)),
    ("ce failed", Env, "env", Push(CE, "0712345676", "1500", "60", HUMAN), Some(1)),
    ("ce unknown", Env, "env", Push(CE, "0712345679", "1500", "0", JSON), Some(3)),
    ("cp dry run", Env, "env", Push(CP, PHONE_PAYS, "1500", "0", DRY_JSON), Some(0)),
    ("ce dry run", Env, "env", Push(CE, PHONE_PAYS, "1500", "0", DRY), Some(0)),
    ("invalid amount", Env, "env", Push(CP, PHONE_PAYS, "10.5", "0", JSON), Some(2)),
    ("cp silent", Env, "silent", Push(CP, "0712345678", "1500", "0", JSON), Some(3)),
    ("ce silent", Env, "silent", Push(CE, "0712345678", "1500", "0", HUMAN), Some(3)),
    ("file cp paid", File, "file", Push(CP, PHONE_PAYS, "1500", "60", HUMAN), Some(0)),
    ("file ce paid", File, "file", Push(CE, PHONE_PAYS, "1500", "60", JSON), Some(0)),
    ("wrong api key", WrongApi, "wrong", Push(CP, PHONE_PAYS, "1500", "60", JSON), Some(4)),
    ("wrong checksum", WrongSum, "wrong", Push(CP, PHONE_PAYS, "1500", "60", HUMAN), Some(4)),
    ("wrong cepta secret", WrongCe, "wrong", Push(CE, PHONE_PAYS, "1500", "60", JSON), Some(4)),
    ("da paid", Env, "env", Push(DA, PHONE_PAYS, "150", "60", JSON), Some(0)),
    ("da failed", Env, "env", Push(DA, "0712345676", "150", "60", HUMAN), Some(1)),
    ("da lost", Env, "env", Push(DA, "0712345679", "150", "0", JSON), Some(3)),
    ("wrong daraja secret", WrongDa, "wrong", Push(DA, PHONE_PAYS, "150", "60", JSON), Some(4)),
    ("da closed port", Closed, "closed", Push(DA, PHONE_PAYS, "150", "60", JSON), Some(4)),
    ("se paid", Env, "env", Push(SE, PHONE_PAYS, "1500", "60", JSON), Some(0)),
    ("se failed", Env, "env", Push(SE, "0712345676", "1500", "60", HUMAN), Some(1)),
    ("se lost", Env, "env", Push(SE, "0712345679", "1500", "0", JSON), Some(3)),
    ("wrong selcom secret", WrongSe, "wrong", Push(SE, PHONE_PAYS, "1500", "60", JSON), Some(4)),
    ("se closed port", Closed, "closed", Push(SE, PHONE_PAYS, "1500", "60", HUMAN), Some(4)),
    ("pp paid", Env, "env", Push(PP, PHONE_PAYS, "1500", "60", JSON), Some(0)),
    ("pp failed", Env, "env", Push(PP, "0712345676", "1500", "60", HUMAN), Some(1)),
    ("pp lost", Env, "env", Push(PP, "0712345679", "1500", "0", JSON), Some(3)),
    ("wrong pawapay token", WrongPp, "wrong", Push(PP, PHONE_PAYS, "1500", "60", JSON), Some(4)),
    ("pp closed port", Closed, "closed", Push(PP, PHONE_PAYS, "1500", "60", HUMAN), Some(4)),
    ("cp closed port", Closed, "closed", Push(CP, PHONE_PAYS, "1500", "60", JSON), Some(4)),
    ("ce closed port", Closed, "closed", Push(CE, PHONE_PAYS, "1500", "60", HUMAN), Some(4)),
];

/// Then: sync what is left, with the right keys, and with wrong ones or no connection.
#[rustfmt::skip]
const THEN: &[Case] = &[
    ("sync", Env, "env", Sync("60", JSON), None),
    ("sync wrong api key", WrongApi, "silent", Sync("0", HUMAN), None),
    ("sync wrong checksum", WrongSum, "silent", Sync("0", JSON), None),
    ("sync wrong cepta secret", WrongCe, "silent", Sync("0", JSON), None),
    ("sync wrong daraja secret", WrongDa, "env", Sync("0", JSON), None),
    ("sync wrong selcom secret", WrongSe, "env", Sync("0", HUMAN), None),
    ("sync wrong pawapay token", WrongPp, "env", Sync("0", JSON), None),
    ("sync closed port", Closed, "silent", Sync("0", HUMAN), None),
];

fn args(cmd: Cmd) -> Vec<String> {
    let v: Vec<&str> = match cmd {
        Push(provider, phone, amount, wait, extra) => {
            // The same sale many times over, on purpose: past the duplicate guard.
            let mut v = vec!["push", "--force", "--provider", provider, "--phone", phone];
            v.extend(["--amount", amount, "--wait", wait]);
            v.extend(extra);
            v
        }
        Sync(wait, extra) => {
            let mut v = vec!["sync", "--wait", wait];
            v.extend(extra);
            v
        }
    };
    v.into_iter().map(String::from).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn headless_runs_leak_no_secret() {
    let sim = simulator().await;
    let proxy = RecordingProxy::start(sim.addr()).await;
    let root = tempfile::tempdir().expect("tempdir");
    let data = root.path().join("data");
    let conf = root.path().join("conf");
    std::fs::create_dir_all(&conf).expect("conf dir");
    let (cp, ce) = (proxy.clickpesa_base_url(), sim.cepta_base_url());
    let closed = format!("http://127.0.0.1:{}", closed_port());
    let good = config_file(&conf, "good.toml", &good_file_text(&cp, &ce), 0o600);
    let da = sim.daraja_base_url();
    let se = sim.selcom_base_url();
    let pp = sim.pawapay_base_url();
    let env = Setup::env(&cp, &ce).daraja(&da).selcom(&se).pawapay(&pp);
    let setup = |keys: Keys| match keys {
        Env => env.clone(),
        File => Setup::file_only(&cp, &ce),
        WrongApi => env.clone().with("LIPA_CLICKPESA_API_KEY", WRONG_CP_API_KEY),
        WrongSum => env
            .clone()
            .with("LIPA_CLICKPESA_CHECKSUM_KEY", WRONG_CP_CHECKSUM_KEY),
        WrongCe => env
            .clone()
            .with("LIPA_CEPTA_SECRET_KEY", WRONG_CE_SECRET_KEY),
        WrongDa => env
            .clone()
            .with("LIPA_DARAJA_CONSUMER_SECRET", WRONG_DA_SECRET),
        WrongSe => env.clone().with("LIPA_SELCOM_API_SECRET", WRONG_SE_SECRET),
        WrongPp => env.clone().with("LIPA_PAWAPAY_API_TOKEN", WRONG_PP_TOKEN),
        Closed => Setup::env(&closed, &closed)
            .daraja(&closed)
            .selcom(&closed)
            .pawapay(&closed),
    };
    let jobs = |cases: &[Case]| -> Vec<Job> {
        cases
            .iter()
            .map(|(name, keys, dir, cmd, _)| {
                let mut args = args(*cmd);
                if matches!(keys, File) {
                    args = with_config(&good, args);
                }
                (name.to_string(), setup(*keys), data.join(dir), args)
            })
            .collect()
    };

    let mut first = jobs(FIRST);
    let broken: Vec<(&str, PathBuf)> = broken_files()
        .into_iter()
        .map(|(name, text, mode)| (name, config_file(&conf, name, &text, mode)))
        .collect();
    for (name, path) in &broken {
        for cmd in [Push(CP, PHONE_PAYS, "1500", "60", JSON), Sync("0", HUMAN)] {
            let args = with_config(path, args(cmd));
            let name = format!("{name} {}", args[2]);
            first.push((name, setup(File), data.join("broken"), args));
        }
    }
    let mut runs = run_all(first).await;
    runs.extend(run_all(jobs(THEN)).await);

    // The scenarios happened as intended (else the search proves little).
    for (name, _, _, _, want) in FIRST {
        let run = runs.iter().find(|r| r.name == *name).expect("run");
        assert_eq!(run.out.status.code(), *want, "{}", describe(run));
    }
    for run in runs.iter().filter(|r| r.name.ends_with(".toml push")) {
        assert_eq!(run.out.status.code(), Some(4), "{}", describe(run));
    }
    let refusals = sim.stats();
    assert!(refusals.token_refusals > 0, "{refusals:?}");
    assert!(refusals.checksum_failures > 0, "{refusals:?}");

    let mut hay = Haystack::default();
    for run in &runs {
        hay.add(format!("stdout of `{}`", run.name), run.out.stdout.clone());
        hay.add(format!("stderr of `{}`", run.name), run.out.stderr.clone());
    }
    hay.add_dir(&data);
    assert_logged_at_debug(&data.join("env"));
    assert!(!hay.places_with("journal").is_empty(), "no journal written");
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
