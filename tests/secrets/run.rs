//! Running the real binary: the simulator with the fake secrets, credentials from the
//! environment or a config file (good and broken ones), several runs at once.

use crate::scan::*;
use lipa::provider::ProviderKind;
use lipa::sim::{self, SimConfig, SimHandle};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

pub async fn simulator() -> SimHandle {
    capture_in_process_logs();
    sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(300),
        checksum_key: Some(CP_CHECKSUM_KEY.into()),
        accounts: [
            (
                ProviderKind::ClickPesa,
                ProviderKind::ClickPesa
                    .spec()
                    .settings("", &[("client_id", CP_CLIENT_ID), ("api_key", CP_API_KEY)]),
            ),
            (
                ProviderKind::Cepta,
                ProviderKind::Cepta.spec().settings(
                    "",
                    &[("public_key", CE_PUBLIC_KEY), ("secret_key", CE_SECRET_KEY)],
                ),
            ),
            (
                ProviderKind::Daraja,
                ProviderKind::Daraja.spec().settings(
                    "",
                    &[
                        ("consumer_key", DA_CONSUMER_KEY),
                        ("consumer_secret", DA_CONSUMER_SECRET),
                        ("passkey", DA_PASSKEY),
                        ("shortcode", DA_SHORTCODE),
                        ("callback_url", DA_CALLBACK),
                    ],
                ),
            ),
            (
                ProviderKind::Selcom,
                ProviderKind::Selcom.spec().settings(
                    "",
                    &[
                        ("vendor", SE_VENDOR),
                        ("api_key", SE_API_KEY),
                        ("api_secret", SE_API_SECRET),
                    ],
                ),
            ),
            (
                ProviderKind::PawapayTz,
                ProviderKind::PawapayTz
                    .spec()
                    .settings("", &[("api_token", PP_API_TOKEN)]),
            ),
        ]
        .into(),
        ..SimConfig::default()
    })
    .await
    .expect("simulator")
}

/// Where lipa runs: its base URLs, and the credentials given in the environment.
#[derive(Clone)]
pub struct Setup {
    cp_url: String,
    ce_url: String,
    /// Daraja's base URL, when it is configured (see [`Setup::daraja`]).
    da_url: Option<String>,
    /// Selcom's, likewise ([`Setup::selcom`]).
    se_url: Option<String>,
    /// pawaPay's, likewise ([`Setup::pawapay`]).
    pp_url: Option<String>,
    env: Vec<(&'static str, String)>,
}

impl Setup {
    /// Every credential in the environment (the right ones).
    pub fn env(cp_url: &str, ce_url: &str) -> Setup {
        Setup {
            cp_url: cp_url.into(),
            ce_url: ce_url.into(),
            da_url: None,
            se_url: None,
            pp_url: None,
            env: vec![
                ("LIPA_CLICKPESA_CLIENT_ID", CP_CLIENT_ID.into()),
                ("LIPA_CLICKPESA_API_KEY", CP_API_KEY.into()),
                ("LIPA_CLICKPESA_CHECKSUM_KEY", CP_CHECKSUM_KEY.into()),
                ("LIPA_CEPTA_PUBLIC_KEY", CE_PUBLIC_KEY.into()),
                ("LIPA_CEPTA_SECRET_KEY", CE_SECRET_KEY.into()),
                ("LIPA_CEPTA_EMAIL", CE_EMAIL.into()),
            ],
        }
    }

    /// Nothing in the environment but the base URLs: credentials come from `--config`.
    pub fn file_only(cp_url: &str, ce_url: &str) -> Setup {
        Setup {
            cp_url: cp_url.into(),
            ce_url: ce_url.into(),
            da_url: None,
            se_url: None,
            pp_url: None,
            env: Vec::new(),
        }
    }

    /// Daraja at `url`, its keys in the environment.
    pub fn daraja(mut self, url: &str) -> Setup {
        self.da_url = Some(url.into());
        self.env.extend([
            ("LIPA_DARAJA_CONSUMER_KEY", DA_CONSUMER_KEY.into()),
            ("LIPA_DARAJA_CONSUMER_SECRET", DA_CONSUMER_SECRET.into()),
            ("LIPA_DARAJA_PASSKEY", DA_PASSKEY.into()),
            ("LIPA_DARAJA_SHORTCODE", DA_SHORTCODE.into()),
            ("LIPA_DARAJA_CALLBACK_URL", DA_CALLBACK.into()),
        ]);
        self
    }

    /// Selcom at `url`, its keys in the environment.
    pub fn selcom(mut self, url: &str) -> Setup {
        self.se_url = Some(url.into());
        self.env.extend([
            ("LIPA_SELCOM_VENDOR", SE_VENDOR.into()),
            ("LIPA_SELCOM_API_KEY", SE_API_KEY.into()),
            ("LIPA_SELCOM_API_SECRET", SE_API_SECRET.into()),
            ("LIPA_SELCOM_BUYER_EMAIL", CE_EMAIL.into()),
            ("LIPA_SELCOM_BUYER_NAME", "Duka".into()),
        ]);
        self
    }

    /// pawaPay at `url`, its token in the environment.
    pub fn pawapay(mut self, url: &str) -> Setup {
        self.pp_url = Some(url.into());
        self.env
            .push(("LIPA_PAWAPAY_API_TOKEN", PP_API_TOKEN.into()));
        self
    }

    pub fn with(mut self, key: &'static str, value: &str) -> Setup {
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
        self
    }

    /// The whole environment of a lipa process using `data` (logging at trace).
    pub fn full_env(&self, data: &Path) -> Vec<(&'static str, String)> {
        let mut v = vec![
            ("HOME", data.display().to_string()),
            ("LIPA_DATA_DIR", data.display().to_string()),
            ("LIPA_LOG", "trace".to_string()),
            ("LIPA_CLICKPESA_BASE_URL", self.cp_url.clone()),
            ("LIPA_CEPTA_BASE_URL", self.ce_url.clone()),
        ];
        if let Some(url) = &self.da_url {
            v.push(("LIPA_DARAJA_BASE_URL", url.clone()));
        }
        if let Some(url) = &self.se_url {
            v.push(("LIPA_SELCOM_BASE_URL", url.clone()));
        }
        if let Some(url) = &self.pp_url {
            v.push(("LIPA_PAWAPAY_BASE_URL", url.clone()));
        }
        v.extend(self.env.iter().cloned());
        v
    }
}

/// One run of the binary: what it was, and everything it printed.
pub struct Run {
    pub name: String,
    pub args: Vec<String>,
    pub out: Output,
}

pub fn run_lipa(name: &str, setup: &Setup, data: &Path, args: &[&str]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lipa"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in setup.full_env(data) {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().expect("run lipa");
    Run {
        name: name.into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        out,
    }
}

/// A run to make: (name, setup, data dir, arguments).
pub type Job = (String, Setup, PathBuf, Vec<String>);

/// Runs several lipa processes at once.
pub async fn run_all(jobs: Vec<Job>) -> Vec<Run> {
    let handles: Vec<_> = jobs
        .into_iter()
        .map(|(name, setup, data, args)| {
            tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                run_lipa(&name, &setup, &data, &args)
            })
        })
        .collect();
    let mut runs = Vec::new();
    for h in handles {
        runs.push(h.await.expect("lipa ran"));
    }
    runs
}

pub fn describe(run: &Run) -> String {
    format!(
        "{} (lipa {}): exit {:?}\nstdout: {}\nstderr: {}",
        run.name,
        run.args.join(" "),
        run.out.status.code(),
        String::from_utf8_lossy(&run.out.stdout),
        String::from_utf8_lossy(&run.out.stderr)
    )
}

/// Writes a config file with mode `mode` in `dir`.
pub fn config_file(dir: &Path, name: &str, text: &str, mode: u32) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write config");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
    #[cfg(not(unix))]
    let _ = mode;
    path
}

pub fn good_file_text(cp_url: &str, ce_url: &str) -> String {
    format!(
        "[clickpesa]\nbase_url = \"{cp_url}\"\nclient_id = \"{CP_CLIENT_ID}\"\n\
         api_key = \"{CP_API_KEY}\"\nchecksum_key = \"{CP_CHECKSUM_KEY}\"\n\n\
         [cepta]\nbase_url = \"{ce_url}\"\npublic_key = \"{CE_PUBLIC_KEY}\"\n\
         secret_key = \"{CE_SECRET_KEY}\"\nemail = \"{CE_EMAIL}\"\n"
    )
}

/// Broken config files that hold secrets: (name, text, mode).
pub fn broken_files() -> Vec<(&'static str, String, u32)> {
    let head = format!("[clickpesa]\nclient_id = \"{CP_CLIENT_ID}\"\n");
    vec![
        (
            "unknown-key.toml",
            format!("{head}api_kee = \"{TYPO_SECRET}\"\napi_key = \"{CP_API_KEY}\"\n"),
            0o600,
        ),
        (
            "unquoted.toml",
            format!("{head}api_key = {TYPO_SECRET}\n"),
            0o600,
        ),
        (
            "yaml-style.toml",
            format!("{head}api_key: \"{TYPO_SECRET}\"\n"),
            0o600,
        ),
        (
            "bare-line.toml",
            format!("{head}api_key = \"{CP_API_KEY}\"\n{TYPO_SECRET}\n"),
            0o600,
        ),
        (
            "unterminated.toml",
            format!("{head}api_key = \"{TYPO_SECRET}\n"),
            0o600,
        ),
        (
            "wrong-type.toml",
            format!("{head}api_key = [\"{TYPO_SECRET}\"]\n"),
            0o600,
        ),
        (
            "duplicate.toml",
            format!("{head}api_key = \"{CP_API_KEY}\"\napi_key = \"{TYPO_SECRET}\"\n"),
            0o600,
        ),
        (
            "world-readable.toml",
            format!("{head}api_key = \"{TYPO_SECRET}\"\n"),
            0o644,
        ),
        // A key typed without quotes: a number to TOML, shown by its parser's message.
        (
            "numeric-key.toml",
            format!("{head}api_key = {NUMERIC_SECRET}\n"),
            0o600,
        ),
        (
            "numeric-ledger.toml",
            format!("database_url = {NUMERIC_SECRET}\n"),
            0o600,
        ),
        // A secret where a table belongs.
        (
            "misplaced.toml",
            format!("clickpesa = \"{TYPO_SECRET}\"\n"),
            0o600,
        ),
        // A ledger password with a `?`: the file is a secret all the same.
        (
            "ledger-question.toml",
            format!("database_url = \"postgres://till:{LEDGER_PASSWORD}@127.0.0.1:1/lipa\"\n"),
            0o644,
        ),
        (
            "half-cepta.toml",
            format!("[cepta]\nsecret_key = \"{TYPO_SECRET}\"\n"),
            0o600,
        ),
    ]
}

pub fn with_config(path: &Path, args: Vec<String>) -> Vec<String> {
    let mut v = vec!["--config".to_string(), path.display().to_string()];
    v.extend(args);
    v
}

/// The log file exists and holds debug lines: LIPA_LOG took effect, logging was maximal.
pub fn assert_logged_at_debug(data: &Path) {
    let log = std::fs::read_to_string(data.join(lipa::logging::FILE_NAME)).unwrap_or_default();
    assert!(
        log.contains("DEBUG lipa::provider"),
        "no debug lines in {}",
        data.display()
    );
}
