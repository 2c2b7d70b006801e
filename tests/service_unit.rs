//! `assets/lipa-serve.service`, the systemd unit the README installs: systemd's own
//! `systemd-analyze verify` reads it where the tool is present (with ExecStart pointed at the
//! binary under test, since /usr/local/bin/lipa is not installed here); everywhere, its key lines
//! are as the README says and every flag of its ExecStart is one `lipa serve --help` lists.

use std::collections::HashMap;
use std::process::Command;

const UNIT: &str = include_str!("../assets/lipa-serve.service");
const INSTALLED: &str = "/usr/local/bin/lipa";

/// `key -> values` of one section (a key may be given more than once).
fn section(name: &str) -> HashMap<String, Vec<String>> {
    let mut keys: HashMap<String, Vec<String>> = HashMap::new();
    let mut inside = false;
    for line in UNIT.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            inside = line == format!("[{name}]");
            continue;
        }
        if inside {
            let (key, value) = line.split_once('=').expect("key=value");
            keys.entry(key.to_string())
                .or_default()
                .push(value.to_string());
        }
    }
    keys
}

fn one<'a>(keys: &'a HashMap<String, Vec<String>>, key: &str) -> &'a str {
    match keys.get(key).map(Vec::as_slice) {
        Some([value]) => value,
        other => panic!("{key}: {other:?}"),
    }
}

#[test]
fn the_unit_runs_lipa_serve_as_its_own_user_with_its_state_directory() {
    let service = section("Service");
    assert_eq!(one(&service, "User"), "lipa");
    assert_eq!(one(&service, "Group"), "lipa");
    assert_eq!(one(&service, "StateDirectory"), "lipa");
    assert_eq!(one(&service, "StateDirectoryMode"), "0700");
    assert_eq!(one(&service, "Environment"), "LIPA_DATA_DIR=/var/lib/lipa");
    assert_eq!(one(&service, "ReadWritePaths"), "/var/lib/lipa");
    assert_eq!(one(&service, "Restart"), "on-failure");
    assert_eq!(one(&service, "KillSignal"), "SIGTERM");
    assert_eq!(one(&service, "ExecReload"), "/bin/kill -HUP $MAINPID");
    for (key, value) in [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("CapabilityBoundingSet", ""),
    ] {
        assert_eq!(one(&service, key), value, "{key}");
    }
    assert_eq!(one(&section("Install"), "WantedBy"), "multi-user.target");
}

#[test]
fn every_flag_of_exec_start_is_one_lipa_serve_has() {
    let service = section("Service");
    let exec: Vec<&str> = one(&service, "ExecStart").split_whitespace().collect();
    assert_eq!(exec[..2], [INSTALLED, "serve"]);
    let help = Command::new(env!("CARGO_BIN_EXE_lipa"))
        .args(["serve", "--help"])
        .env("LIPA_LANG", "en")
        .output()
        .expect("lipa serve --help");
    assert!(help.status.success());
    let help = String::from_utf8_lossy(&help.stdout);
    let flags: Vec<&str> = exec
        .iter()
        .copied()
        .filter(|w| w.starts_with("--"))
        .collect();
    assert_eq!(flags, ["--config", "--operators", "--ssh"]);
    for flag in flags {
        assert!(
            help.contains(&format!("{flag} <")),
            "{flag} (with a value) in:\n{help}"
        );
    }
}

#[test]
fn systemd_analyze_verify_accepts_the_unit() {
    let Ok(version) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!(
            "skipped: systemd-analyze is not installed here (the unit's lines are still checked)"
        );
        return;
    };
    assert!(version.status.success());
    let dir = tempfile::tempdir().expect("dir");
    let unit = dir.path().join("lipa-serve.service");
    std::fs::write(&unit, UNIT.replace(INSTALLED, env!("CARGO_BIN_EXE_lipa"))).expect("unit");
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
        .expect("systemd-analyze verify");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // Unknown keys and bad values are warnings on stderr, with the exit status still 0.
    let about_ours: Vec<&str> = err.lines().filter(|l| l.contains("lipa")).collect();
    assert!(about_ours.is_empty(), "{err}");
}

/// The unit's ExecStart, with its paths moved into a temporary directory laid out as the
/// README installs it (config.toml private, the operators file beside it, the data directory
/// from Environment=) and listening on a free loopback port: `lipa serve` starts and says
/// where it listens and its host key, and SIGTERM (systemctl stop) ends it with exit 0.
#[test]
fn the_units_command_starts_lipa_serve_and_sigterm_stops_it() {
    use std::io::BufRead;
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().expect("root");
    let etc = root.path().join("etc-lipa");
    let state = root.path().join("var-lib-lipa");
    std::fs::create_dir(&etc).expect("etc");
    std::fs::set_permissions(&etc, std::fs::Permissions::from_mode(0o750)).expect("chmod");
    let config = etc.join("config.toml");
    // A provider is needed (serve refuses to start without one); nothing is sent here.
    std::fs::write(
        &config,
        "till = \"duka-1\"\n[clickpesa]\nbase_url = \"http://127.0.0.1:9/third-parties\"\n\
         client_id = \"ID-test\"\napi_key = \"SK-test\"\n",
    )
    .expect("config");
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let operators = etc.join("operators");
    std::fs::write(
        &operators,
        "operator=\"rehema\",role=\"agent\" ssh-ed25519 \
         AAAAC3NzaC1lZDI1NTE5AAAAIJeOf+7ZmyykjIqD/dQgMfggl37WLYNa8aCK9NvIavmz rehema@phone\n",
    )
    .expect("operators");
    std::fs::set_permissions(&operators, std::fs::Permissions::from_mode(0o640)).expect("chmod");

    let service = section("Service");
    let exec = one(&service, "ExecStart")
        .replace(INSTALLED, env!("CARGO_BIN_EXE_lipa"))
        .replace("/etc/lipa", &etc.display().to_string())
        .replace("0.0.0.0:2222", "127.0.0.1:0");
    let (key, data_dir) = one(&service, "Environment")
        .split_once('=')
        .expect("VAR=value");
    assert_eq!((key, data_dir), ("LIPA_DATA_DIR", "/var/lib/lipa"));
    let words: Vec<&str> = exec.split_whitespace().collect();
    let mut child = Command::new(words[0])
        .args(&words[1..])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LIPA_DATA_DIR", &state)
        .env("LIPA_LANG", "en")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("lipa serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let start = rx.recv_timeout(std::time::Duration::from_secs(60));
    let start = match start {
        Ok(line) => line,
        Err(e) => {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
        }
    };
    assert!(start.contains("listening on 127.0.0.1:"), "{start}");
    assert!(start.contains("host key SHA256:"), "{start}");
    assert!(state.join("ssh_host_ed25519_key").exists());
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(term.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running after SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(status.code(), Some(0));
    assert!(
        !state.join("journal.sqlite3-wal").exists(),
        "closed cleanly"
    );
}
