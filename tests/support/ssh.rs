//! `lipa serve` for real: the binary on a loopback port against the simulator, keys made by
//! `ssh-keygen`, and the OpenSSH client (`ssh`, `sftp`) as agents use it. Each test crate uses a
//! part of it.
#![allow(dead_code)]

use lipa::sim::{self, SimConfig, SimHandle, demo};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const LIPA: &str = env!("CARGO_BIN_EXE_lipa");

/// Whether this machine has the OpenSSH client and ssh-keygen (a fresh one does).
pub fn have_openssh() -> bool {
    let ok = |p: &str| Command::new(p).arg("-V").output().is_ok();
    ok("ssh") && Command::new("ssh-keygen").arg("-?").output().is_ok()
}

/// True (and says so) when the machine has no OpenSSH client: the test is skipped.
pub fn skip() -> bool {
    if !have_openssh() {
        eprintln!("skipped: no OpenSSH client on this machine");
        return true;
    }
    false
}

/// A fresh key pair from ssh-keygen: the private key's path and the public key's line.
pub fn keygen(dir: &Path, name: &str, kind: &str) -> (PathBuf, String) {
    let file = dir.join(name);
    let ok = Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            kind,
            "-N",
            "",
            "-C",
            &format!("{name}@phone"),
            "-f",
        ])
        .arg(&file)
        .status()
        .expect("ssh-keygen");
    assert!(ok.success());
    let public = std::fs::read_to_string(file.with_extension("pub"))
        .expect("public key")
        .trim()
        .to_string();
    (file, public)
}

/// Polls `f` until it gives something or `timeout` passes.
pub fn poll<T>(timeout: Duration, f: impl FnMut() -> Option<T>) -> Option<T> {
    poll_every(Duration::from_millis(50), timeout, f)
}

/// Polls `f` every half millisecond (a latency being measured) until it gives something or
/// `timeout` passes.
pub fn poll_fast<T>(timeout: Duration, f: impl FnMut() -> Option<T>) -> Option<T> {
    poll_every(Duration::from_micros(500), timeout, f)
}

fn poll_every<T>(gap: Duration, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if Instant::now() > end {
            return None;
        }
        std::thread::sleep(gap);
    }
}

/// The `lipa` under test: this build's, or `LIPA_BIN` (a bench measuring another build).
pub fn lipa_bin() -> String {
    std::env::var("LIPA_BIN").unwrap_or_else(|_| LIPA.to_string())
}

/// A shop's server: its directory, the simulator its providers point at, and `lipa serve`.
pub struct Shop {
    pub dir: tempfile::TempDir,
    pub sim: Option<SimHandle>,
    /// Keeps the simulator's tasks running.
    pub rt: tokio::runtime::Runtime,
}

impl Shop {
    /// A directory and a simulator whose customers answer after `settle`.
    pub fn new(settle: Duration) -> Shop {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let sim = rt
            .block_on(sim::spawn(SimConfig {
                port: 0,
                settle,
                checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
                ..SimConfig::default()
            }))
            .expect("simulator");
        Shop {
            dir: tempfile::tempdir().expect("dir"),
            sim: Some(sim),
            rt,
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn operators(&self) -> PathBuf {
        self.dir.path().join("operators")
    }

    /// A key for `name`, and its line in the operators file with these options.
    pub fn operator(&self, name: &str, options: &str) -> (PathBuf, String) {
        let (key, public) = keygen(self.dir.path(), name, "ed25519");
        (key, format!("operator=\"{name}\",{options} {public}"))
    }

    pub fn write_operators(&self, lines: &[&str]) {
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        // Written aside and renamed: the server never reads half a file.
        let tmp = self.dir.path().join("operators.tmp");
        std::fs::write(&tmp, text).expect("operators");
        std::fs::rename(&tmp, self.operators()).expect("rename");
    }

    /// The environment of `lipa` on this shop: both providers at the simulator.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let sim = self.sim.as_ref().expect("simulator");
        let data = self.data().display().to_string();
        vec![
            ("HOME", self.dir.path().display().to_string()),
            ("LIPA_DATA_DIR", data),
            ("LIPA_LANG", "en".into()),
            ("LIPA_SCHEDULE_SCALE", "0.05".into()),
            ("LIPA_CLICKPESA_BASE_URL", sim.clickpesa_base_url()),
            ("LIPA_CLICKPESA_CLIENT_ID", demo::CLICKPESA_CLIENT_ID.into()),
            ("LIPA_CLICKPESA_API_KEY", demo::CLICKPESA_API_KEY.into()),
            (
                "LIPA_CLICKPESA_CHECKSUM_KEY",
                demo::CLICKPESA_CHECKSUM_KEY.into(),
            ),
            ("LIPA_CEPTA_BASE_URL", sim.cepta_base_url()),
            ("LIPA_CEPTA_PUBLIC_KEY", demo::CEPTA_PUBLIC_KEY.into()),
            ("LIPA_CEPTA_SECRET_KEY", demo::CEPTA_SECRET_KEY.into()),
            ("LIPA_CEPTA_EMAIL", demo::CEPTA_EMAIL.into()),
        ]
    }

    /// `lipa ARGS` on this shop's journal, run to its end.
    pub fn lipa(&self, args: &[&str]) -> Output {
        Command::new(LIPA)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(self.env())
            .args(args)
            .output()
            .expect("lipa")
    }

    /// `lipa serve` on a free loopback port, with these extra arguments.
    pub fn serve(&self, extra: &[&str]) -> Server {
        let operators = self.operators().display().to_string();
        let mut args = vec!["serve", "--ssh", "127.0.0.1:0", "--operators", &operators];
        args.extend_from_slice(extra);
        Server::start(self.env(), &args, self.data())
    }

    /// What the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data().join("lipa.log")).unwrap_or_default()
    }

    /// Waits until the log holds `text`.
    pub fn wait_log(&self, text: &str, timeout: Duration) -> String {
        poll(timeout, || Some(self.log()).filter(|l| l.contains(text)))
            .unwrap_or_else(|| panic!("the log never said {text:?}:\n{}", self.log()))
    }
}

/// A running `lipa serve`.
pub struct Server {
    pub child: Child,
    pub port: u16,
    /// The start line, as printed.
    pub start_line: String,
    pub data: PathBuf,
}

impl Server {
    pub fn start(env: Vec<(&'static str, String)>, args: &[&str], data: PathBuf) -> Server {
        let mut child = Command::new(lipa_bin())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(env)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("lipa serve");
        let mut line = String::new();
        let mut out = BufReader::new(child.stdout.take().expect("stdout"));
        out.read_line(&mut line).expect("start line");
        if line.is_empty() {
            let _ = child.wait();
            let mut err = String::new();
            let _ =
                std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err);
            panic!("lipa serve did not start: {err}");
        }
        let port = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("127.0.0.1:"))
            .and_then(|p| p.trim_end_matches(';').parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        // The rest of stdout (the stop line) is read when the server ends.
        std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = std::io::Read::read_to_string(&mut out, &mut rest);
        });
        Server {
            child,
            port,
            start_line: line.trim().to_string(),
            data,
        }
    }

    /// `SHA256:…` from the start line.
    pub fn fingerprint(&self) -> String {
        self.start_line
            .split_whitespace()
            .find(|w| w.starts_with("SHA256:"))
            .expect("fingerprint")
            .to_string()
    }

    /// SIGTERM, then its exit code (within 30 s).
    pub fn stop(&mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        poll(Duration::from_secs(30), || {
            self.child.try_wait().ok().flatten().map(|s| s.code())
        })
        .flatten()
    }

    /// The arguments of `ssh` to this server with `key` (none: no key at all).
    pub fn ssh_args(&self, key: Option<&Path>, user: &str) -> Vec<String> {
        let mut a: Vec<String> = [
            "-F",
            "/dev/null",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "GlobalKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "ConnectTimeout=10",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        match key {
            Some(k) => a.extend(["-i".to_string(), k.display().to_string()]),
            None => a.extend(["-o".into(), "PubkeyAuthentication=no".into()]),
        }
        a.extend([
            "-p".into(),
            self.port.to_string(),
            format!("{user}@127.0.0.1"),
        ]);
        a
    }

    /// `ssh ARGS… [command]` run to its end, without a terminal.
    pub fn ssh(&self, key: Option<&Path>, before: &[&str], after: &[&str]) -> Output {
        let mut args: Vec<String> = before.iter().map(|s| s.to_string()).collect();
        args.extend(self.ssh_args(key, "agent"));
        args.extend(after.iter().map(|s| s.to_string()));
        Command::new("ssh")
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("ssh")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}
