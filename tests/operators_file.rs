//! `lipa operators check`: the operators file of `lipa serve`, with keys made by OpenSSH's own
//! `ssh-keygen`: who can log in is printed without a key; a bad line is named by its number.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/ssh.rs"]
mod ssh;

use cli::command;
use std::process::Command;

#[test]
fn operators_check_lists_who_can_log_in_and_names_a_bad_line() {
    if Command::new("ssh-keygen").arg("-?").output().is_err() {
        eprintln!("skipped: no ssh-keygen on this machine");
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let rehema = ssh::keygen(dir.path(), "rehema", "ed25519").1;
    let baraka = ssh::keygen(dir.path(), "baraka", "ecdsa").1;
    let good = dir.path().join("operators");
    std::fs::write(
        &good,
        format!(
            "# field agents\n\
             operator=\"rehema\",lang=\"sw\",role=\"agent\",providers=\"clickpesa\",max_amount=\"TZS 500,000, KES 5,000\" {rehema}\n\
             operator=\"baraka\",role=\"supervisor\" {baraka}\n"
        ),
    )
    .expect("write");
    let out = command([("HOME", dir.path().display().to_string())])
        .args(["operators", "check"])
        .arg(&good)
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(text.contains("2 operator(s) can log in"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("rehema")
            && l.contains("agent")
            && l.contains("TZS 500,000, KES 5,000")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("baraka") && l.contains("supervisor")),
        "{text}"
    );
    let blob = rehema.split_whitespace().nth(1).expect("blob");
    assert!(!text.contains(&blob[..20]), "a key was printed: {text}");

    // A line with its options in the wrong shape: named by number, in the reader's language.
    let bad = dir.path().join("bad");
    std::fs::write(
        &bad,
        format!("operator=\"rehema\" {rehema}\n\noperator=amani {baraka}\n"),
    )
    .expect("write");
    for (lang, says) in [("en", "line 3"), ("sw", "mstari 3")] {
        let out = command([("LIPA_LANG", lang)])
            .args(["operators", "check"])
            .arg(&bad)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(says), "{lang}: {err}");
    }
}
