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
    let flags: Vec<&str> = exec.iter().copied().filter(|w| w.starts_with("--")).collect();
    assert_eq!(flags, ["--config", "--operators", "--ssh"]);
    for flag in flags {
        assert!(help.contains(&format!("{flag} <")), "{flag} (with a value) in:\n{help}");
    }
}

#[test]
fn systemd_analyze_verify_accepts_the_unit() {
    let Ok(version) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("skipped: systemd-analyze is not installed here (the unit's lines are still checked)");
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
