//! `lipa export`, the real binary on a journal filled by real pushes against the simulator:
//! RFC 4180 (every field quoted, CRLF, a header), exact amounts beside their currency, times
//! with their offset, formulas defused, and a file written whole and private.

#[path = "support/cli.rs"]
mod cli;

use cli::{command, demo_env};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_journal_as_csv_every_field_quoted_and_formulas_defused() {
    let sim = cli::simulator(Duration::from_millis(200)).await;
    let dir = tempfile::tempdir().expect("dir");
    let cepta = sim.cepta_base_url();
    let mut env = demo_env(dir.path(), &sim.clickpesa_base_url(), Some(&cepta));
    env.push(("LIPA_SCHEDULE_SCALE", "0.05".into()));
    let lipa = |args: &[&str]| command(env.clone()).args(args).output().expect("lipa");
    let pushes: [&[&str]; 2] = [
        &[
            "push",
            "--provider",
            "clickpesa",
            "--phone",
            "0712345670",
            "--amount",
            "1500",
            "--operator",
            "rehema",
        ],
        &[
            "push",
            "--provider",
            "cepta",
            "--phone",
            "0712345676",
            "--amount",
            "250.5",
            "--name",
            "=HYPERLINK(\"http://x\",\"pay\")",
            "--operator",
            "@juma",
        ],
    ];
    for args in pushes {
        let out = lipa(args);
        assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    }

    let file = dir.path().join("day.csv");
    let out = lipa(&["export", "--output", file.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty());
    let csv = std::fs::read_to_string(&file).expect("csv");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // Nothing but the file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains("day.csv"))
        .collect();
    assert_eq!(names, ["day.csv"]);

    assert!(
        csv.ends_with("\r\n") && !csv.replace("\r\n", "").contains('\n'),
        "{csv:?}"
    );
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("\"id\",\"created_at\",\"updated_at\",\"provider\""));
    let fields = |l: &str| parse_record(l);
    let head = fields(lines[0]);
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    let (first, second) = (fields(lines[1]), fields(lines[2]));
    assert_eq!(first[col("provider")], "clickpesa");
    assert_eq!(first[col("amount")], "1500");
    assert_eq!(first[col("currency")], "TZS");
    assert_eq!(first[col("status")], "paid");
    assert_eq!(first[col("operator")], "rehema");
    assert_eq!(second[col("amount")], "250.50");
    assert_eq!(second[col("currency")], "KES");
    assert_eq!(second[col("name")], "'=HYPERLINK(\"http://x\",\"pay\")");
    assert_eq!(second[col("operator")], "'@juma");
    let created = &first[col("created_at")];
    assert!(
        chrono::DateTime::parse_from_rfc3339(created).is_ok(),
        "{created}"
    );

    // To stdout, the same bytes; filtered like history.
    let out = lipa(&["export"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), csv);
    let out = lipa(&["export", "--provider", "cepta"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).matches("\r\n").count(),
        2
    );
    let out = lipa(&["export", "--since", "someday"]);
    assert_eq!(out.status.code(), Some(2));

    // A link is followed and stays a link; a pipe is written into, never replaced by a file.
    let target = dir.path().join("target.csv");
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let out = lipa(&["export", "--output", link.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).expect("target"), csv);
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read the pipe"))
        };
        let out = lipa(&["export", "--output", fifo.to_str().expect("path")]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(reader.join().expect("reader"), csv);
        assert!(
            !std::fs::metadata(&fifo).expect("pipe").is_file(),
            "the pipe was replaced"
        );
    }

    // A directory is no file: said as such, before anything is read, and nothing is left in
    // it (it was "Not a directory").
    for target in [
        format!("{}/", dir.path().display()),
        dir.path().display().to_string(),
        format!("{}/", dir.path().join("not-there").display()),
    ] {
        let out = lipa(&["export", "--output", &target]);
        assert_eq!(out.status.code(), Some(2), "{target}: {out:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("is a directory: name the file"), "{said}");
        assert!(!said.contains("Not a directory"), "{said}");
    }
    let stray: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");

    // A file that cannot be written: said, and nothing half written left.
    let nowhere = dir.path().join("no-such-dir").join("x.csv");
    let out = lipa(&["export", "--output", nowhere.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("could not write"));
}

/// Issue 21: references like `000123` or `1E10`, phones and channel codes became numbers
/// when a spreadsheet opened the export (leading zeros lost, `1E10` read as ten billion, a
/// phone shown as 2.55712E+11). Each is now a cell a spreadsheet keeps as text — `="000123"`,
/// a formula whose only content is the text itself — while a text cell that would be a
/// formula is still defused with `'`, and amounts stay numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_phones_and_channels_stay_text_in_a_spreadsheet() {
    let sim = cli::simulator(Duration::from_millis(200)).await;
    let dir = tempfile::tempdir().expect("dir");
    let cepta = sim.cepta_base_url();
    let mut env = demo_env(dir.path(), &sim.clickpesa_base_url(), Some(&cepta));
    env.push(("LIPA_SCHEDULE_SCALE", "0.05".into()));
    let lipa = |args: &[&str]| command(env.clone()).args(args).output().expect("lipa");
    for (provider, reference, name) in [
        ("clickpesa", "000123", "+255 Amina"),
        ("cepta", "1E100", "-Juma"),
    ] {
        let out = lipa(&[
            "push",
            "--provider",
            provider,
            "--phone",
            "0712345670",
            "--amount",
            "1500",
            "--reference",
            reference,
            &format!("--name={name}"),
        ]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
    }
    let out = lipa(&["export"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let csv = String::from_utf8_lossy(&out.stdout).to_string();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    let head = parse_record(lines[0]);
    let col = |name: &str| head.iter().position(|h| h == name).expect(name);
    let (tz, ke) = (parse_record(lines[1]), parse_record(lines[2]));
    assert_eq!(tz[col("reference")], "=\"000123\"", "{csv}");
    assert_eq!(tz[col("phone")], "=\"255712345670\"", "{csv}");
    assert_eq!(ke[col("reference")], "=\"1E100\"", "{csv}");
    assert_eq!(ke[col("phone")], "=\"254712345670\"", "{csv}");
    assert_eq!(ke[col("channel")], "=\"63902\"", "{csv}");
    // Formulas still defused; amounts and lipa's own numbers as they are.
    assert_eq!(tz[col("name")], "'+255 Amina");
    assert_eq!(ke[col("name")], "'-Juma");
    assert_eq!(tz[col("amount")], "1500");
    assert_eq!(ke[col("amount")], "1500.00");
    assert_eq!(tz[col("id")], "1");
    // Every text cell that starts with = is exactly one string literal: nothing else runs.
    for field in tz.iter().chain(&ke).filter(|f| f.starts_with('=')) {
        let inner = field
            .strip_prefix("=\"")
            .and_then(|f| f.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{field}"));
        assert!(!inner.contains('"'), "{field}");
    }
}

/// One record read as RFC 4180 says, insisting that every field is quoted.
fn parse_record(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        assert_eq!(chars.next(), Some('"'), "an unquoted field in {line:?}");
        let mut field = String::new();
        loop {
            match chars.next() {
                Some('"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                Some('"') => break,
                Some(c) => field.push(c),
                None => panic!("an unterminated field in {line:?}"),
            }
        }
        fields.push(field);
        match chars.next() {
            Some(',') => continue,
            None => return fields,
            Some(c) => panic!("{c:?} after a field in {line:?}"),
        }
    }
}

/// Issue 21: a read-only data directory (a backup, a mounted snapshot) stopped `history`,
/// `report` and `export`, which only read ("unable to open database file"). Now they read it
/// as it is and write nothing; a day there is not closed; a journal that would need a
/// migration says so. Root ignores file modes, so when the tests run as root the commands run
/// as `nobody` (setpriv): the directory is then truly read-only for them, as for any user.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_data_directory_is_read_and_never_written() {
    use std::os::unix::fs::PermissionsExt;
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    if root && setpriv.is_none() {
        eprintln!("SKIPPED: running as root without setpriv, a read-only directory cannot be made");
        return;
    }
    let sim = cli::simulator(Duration::from_millis(200)).await;
    let top = tempfile::tempdir().expect("dir");
    let dir = top.path().join("till");
    std::fs::create_dir(&dir).expect("till");
    let mut env = demo_env(&dir, &sim.clickpesa_base_url(), Some(&sim.cepta_base_url()));
    env.push(("LIPA_SCHEDULE_SCALE", "0.05".into()));
    env.push(("LIPA_TILL", "duka-1".into()));
    for (provider, phone) in [("clickpesa", "0712345670"), ("cepta", "0712345676")] {
        let out = command(env.clone())
            .args(cli::push_args(provider, phone, "20"))
            .output()
            .expect("push");
        assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    }
    let reads: [&[&str]; 3] = [&["history"], &["report", "--json"], &["export"]];
    let as_written: Vec<Vec<u8>> = reads
        .iter()
        .map(|args| {
            let out = command(env.clone()).args(*args).output().expect("read");
            assert_eq!(out.status.code(), Some(0), "{out:?}");
            out.stdout
        })
        .collect();

    // Read-only for whoever runs the commands: every file 0444, the directory 0555.
    let read_only = |dir: &std::path::Path| {
        for entry in std::fs::read_dir(dir).expect("dir") {
            let path = entry.expect("entry").path();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("file");
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).expect("dir");
    };
    std::fs::set_permissions(top.path(), std::fs::Permissions::from_mode(0o755)).expect("top");
    let snapshot = |dir: &std::path::Path| {
        let mut files: Vec<(String, u64, std::time::SystemTime)> = std::fs::read_dir(dir)
            .expect("dir")
            .map(|e| {
                let e = e.expect("entry");
                let m = e.metadata().expect("meta");
                (
                    e.file_name().to_string_lossy().to_string(),
                    m.len(),
                    m.modified().expect("mtime"),
                )
            })
            .collect();
        files.sort();
        files
    };
    // As nobody, the binary must be where nobody can run it (a checkout under /root is not):
    // a copy beside the journals.
    let lipa = if root {
        let copy = top.path().join("lipa");
        std::fs::copy(env!("CARGO_BIN_EXE_lipa"), &copy).expect("copy lipa");
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).expect("mode");
        copy
    } else {
        std::path::PathBuf::from(env!("CARGO_BIN_EXE_lipa"))
    };
    let reader = |dir: &std::path::Path, args: &[&str]| {
        let mut cmd = match setpriv {
            Some(setpriv) if root => {
                let mut c = std::process::Command::new(setpriv);
                c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
                    .arg(&lipa);
                c
            }
            _ => std::process::Command::new(&lipa),
        };
        let data = dir.display().to_string();
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &data)
            .env("LIPA_DATA_DIR", &data)
            .env("LIPA_TILL", "duka-1")
            .args(args)
            .output()
            .expect("lipa")
    };
    let lock_and_read = |dir: &std::path::Path, what: &str| {
        read_only(dir);
        let before = snapshot(dir);
        for (args, want) in reads.iter().zip(&as_written) {
            let out = reader(dir, args);
            assert_eq!(out.status.code(), Some(0), "{what} {args:?}: {out:?}");
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(want),
                "{what} {args:?}"
            );
        }
        // A day is not closed there, and says why.
        let out = reader(dir, &["report", "--close", "--force"]);
        assert_eq!(out.status.code(), Some(4), "{what}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("can only be read here"),
            "{what}: {out:?}"
        );
        assert_eq!(snapshot(dir), before, "{what}: nothing is written");
    };

    // nobody must reach the temporary directory (a TMPDIR under /root would not do).
    if root && reader(top.path(), &["--help"]).status.code() != Some(0) {
        eprintln!("SKIPPED: nobody cannot reach {}", top.path().display());
        return;
    }
    // A copy taken cleanly (no WAL beside it), as a backup is, read first: the journal
    // itself then stays read-only for the test's own process.
    let copy = |name: &str| {
        let to = top.path().join(name);
        std::fs::create_dir(&to).expect("copy");
        for entry in std::fs::read_dir(&dir).expect("dir") {
            let from = entry.expect("entry").path();
            std::fs::copy(&from, to.join(from.file_name().expect("name"))).expect("copy");
        }
        let conn = rusqlite::Connection::open(to.join("journal.sqlite3")).expect("open");
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("checkpoint");
        drop(conn);
        to
    };
    let clean = copy("backup");
    assert!(!clean.join("journal.sqlite3-wal").exists());
    lock_and_read(&clean, "a clean backup");
    // An older lipa's journal: said, never migrated.
    let old = copy("old");
    let conn = rusqlite::Connection::open(old.join("journal.sqlite3")).expect("open");
    conn.pragma_update(None, "user_version", 1)
        .expect("version");
    drop(conn);
    read_only(&old);
    let out = reader(&old, &["history"]);
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("can only be read here") && said.contains("an older lipa wrote it"),
        "{said}"
    );
    // The till's own directory as it was left, its WAL beside it (a mounted snapshot).
    lock_and_read(&dir, "a snapshot with its WAL");
    // Writable again, so that the temporary directory can be removed.
    for d in [&dir, &clean, &old] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o755)).expect("dir");
    }
}

/// A journal filled by hand, its times in another form than lipa writes (milliseconds), more
/// than a page of them at one moment: the export's page after the first came back the same
/// for ever (20 GB written before it was stopped), and where times differed, the row at each
/// page's end was written twice. Every payment once, in order.
#[test]
fn an_export_of_times_in_another_form_writes_each_payment_once() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("journal.sqlite3");
    drop(lipa::journal::Journal::open(&path).expect("journal"));
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4500)
         INSERT INTO payments (provider, reference, phone, amount_minor, currency, status,
             message, created_at, updated_at, sent_at, polls, operator, till, said)
         SELECT 'clickpesa', printf('LPS%012d', i), '255712345670', 1000, 'TZS', 'paid', '',
             CASE WHEN i <= 2100 THEN '2026-12-06T22:11:00.427Z'
                  ELSE strftime('%Y-%m-%dT%H:%M:%SZ', '2026-12-06 23:00:00', printf('+%d seconds', i))
             END,
             '2026-12-06T22:11:00.427Z', NULL, 0, 'rehema', 'till-1', '' FROM n;",
    )
    .expect("fill");
    drop(conn);
    let data = dir.path().display().to_string();
    let out = dir.path().join("out.csv");
    let mut child = command([("HOME", data.clone()), ("LIPA_DATA_DIR", data)])
        .args(["export", "--output", &out.display().to_string()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("lipa");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the export never ended");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut said = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut said)
        .expect("stderr");
    assert!(status.success(), "{said}");
    let csv = std::fs::read_to_string(&out).expect("csv");
    let refs: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split("LPS").nth(1))
        .map(|r| &r[..12])
        .collect();
    assert_eq!(refs.len(), 4500, "rows written");
    let expected: Vec<String> = (1..=4500).map(|i| format!("{i:012}")).collect();
    assert_eq!(refs, expected, "each payment once, in order");
}
