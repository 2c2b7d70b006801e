//! What `lipa serve` refuses, each asked by the real OpenSSH client and each logged with why:
//! an unknown key, a password, a command, sftp, `ssh -T`, port forwarding; a malformed
//! operators file or an open host key stops the start; and `--demo` lets anyone in, with any
//! key or none, on a demo of their own.

#[path = "support/client.rs"]
mod client;
#[path = "support/pty.rs"]
mod pty;
#[path = "support/ssh.rs"]
mod ssh;

use pty::Spawn;
use ssh::{Shop, have_openssh, keygen};
use std::process::{Command, Stdio};
use std::time::Duration;

const T: Duration = Duration::from_secs(40);

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn everything_but_a_console_is_refused_and_logged() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_millis(500));
    let (key, line) = shop.operator("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);

    // A key that is not on the list.
    let (stranger, _) = keygen(shop.dir.path(), "stranger", "ed25519");
    let out = server.ssh(Some(&stranger), &["-tt"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("Permission denied"), "{}", text(&out));
    shop.wait_log("is not in the operators file", T);
    shop.wait_log("(refused 1 time in 10 min)", T);

    // A password (the server offers only public keys; the client gives up).
    let out = server.ssh(
        None,
        &[
            "-o",
            "PreferredAuthentications=password,keyboard-interactive",
        ],
        &[],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("Permission denied (publickey)"),
        "{}",
        text(&out)
    );
    shop.wait_log("only public keys", T);

    // A command.
    let out = server.ssh(Some(&key), &[], &["echo", "hi"]);
    assert!(!out.status.success());
    assert!(!text(&out).contains("hi\n"), "{}", text(&out));
    assert!(text(&out).contains("console only"), "{}", text(&out));
    shop.wait_log("refused: a command (\"echo hi\")", T);

    // No terminal.
    let out = server.ssh(Some(&key), &["-T"], &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("ssh -t"), "{}", text(&out));
    shop.wait_log("a session without a terminal", T);

    // sftp.
    let mut args = server.ssh_args(Some(&key), "agent");
    let port = args.iter().position(|a| a == "-p").expect("-p");
    args[port] = "-P".into(); // sftp spells the port -P
    let out = Command::new("sftp")
        .arg("-b")
        .arg("/dev/null")
        .args(&args)
        .stdin(Stdio::null())
        .output();
    if let Ok(out) = out {
        assert!(!out.status.success(), "{}", text(&out));
        shop.wait_log("refused: the sftp subsystem", T);
    }

    // Remote forwarding: refused at once.
    let out = server.ssh(
        Some(&key),
        &[
            "-N",
            "-o",
            "ExitOnForwardFailure=yes",
            "-R",
            "0:127.0.0.1:9",
        ],
        &[],
    );
    assert!(!out.status.success());
    shop.wait_log("remote port forwarding", T);

    // Local forwarding: the tunnel is opened on the client, and refused when used.
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let local = free.local_addr().expect("addr").port();
    drop(free);
    let mut args: Vec<String> = ["-N", "-L"].iter().map(|s| s.to_string()).collect();
    args.push(format!("{local}:127.0.0.1:{}", server.port));
    args.extend(server.ssh_args(Some(&key), "agent"));
    let mut tunnel = Command::new("ssh")
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssh -L");
    let used = ssh::poll(T, || {
        std::net::TcpStream::connect(("127.0.0.1", local)).ok()
    });
    if let Some(mut conn) = used {
        use std::io::Read;
        let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
        let mut buf = [0u8; 64];
        // The server never connects it anywhere: no SSH banner comes back through it.
        let n = conn.read(&mut buf).unwrap_or(0);
        assert_eq!(n, 0, "the tunnel carried {:?}", &buf[..n]);
    }
    shop.wait_log("port forwarding (-L/-D)", T);
    let _ = tunnel.kill();
    let _ = tunnel.wait();

    // Failed logins are counted per address: after five, whoever connects from it reads why
    // (OpenSSH shows the banner at its default log level), and the right key still gets in.
    for _ in 0..3 {
        let out = server.ssh(Some(&stranger), &["-tt"], &[]);
        assert!(!out.status.success());
    }
    ssh::poll(T, || {
        (shop.log().matches("is not in the operators file").count() >= 4).then_some(())
    })
    .expect("every failed login logged");
    let out = server.ssh(Some(&stranger), &["-o", "LogLevel=INFO", "-tt"], &[]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("failed in the last 10 minutes"),
        "{}",
        text(&out)
    );
    let mut agent = pty::Spawn::new("ssh")
        .args(
            &std::iter::once("-tt".to_string())
                .chain(server.ssh_args(Some(&key), "rehema"))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        )
        .start();
    agent.wait_for("her console", T, |s| s.contains("Next payment"));
    agent.send("\x03");
    assert!(agent.wait_exit(T).is_some());
}

#[test]
fn a_connection_that_does_not_log_in_is_closed() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_millis(500));
    let (_, line) = shop.operator("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);
    use std::io::Read;
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    conn.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut buf = Vec::new();
    // The banner comes, then nothing is sent: the server closes the connection itself.
    let _ = conn.read_to_end(&mut buf);
    assert!(String::from_utf8_lossy(&buf).starts_with("SSH-2.0-"));
    shop.wait_log("no login in time", T);
}

#[test]
fn a_bad_operators_file_or_an_open_host_key_stops_the_start() {
    let shop = Shop::new(Duration::from_millis(500));
    let operators = shop.operators().display().to_string();
    let serve =
        |shop: &Shop| shop.lipa(&["serve", "--ssh", "127.0.0.1:0", "--operators", &operators]);
    // No file at all.
    let out = serve(&shop);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(text(&out).contains("no operators file"), "{}", text(&out));
    // A malformed line, named by its number.
    shop.write_operators(&[
        "# the agents",
        "operator=\"rehema\" ssh-ed25519 not-base64!",
    ]);
    let out = serve(&shop);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(text(&out).contains("line 2"), "{}", text(&out));
    // An operators file others can write to (they could add a key of their own).
    if have_openssh() {
        let (_, line) = shop.operator("amina", "role=\"agent\"");
        shop.write_operators(&[&line]);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(shop.operators(), std::fs::Permissions::from_mode(0o666))
            .expect("chmod");
        let out = serve(&shop);
        assert_eq!(out.status.code(), Some(4), "{}", text(&out));
        assert!(text(&out).contains("others can write"), "{}", text(&out));
        // `lipa operators check` says the same of it.
        let out = shop.lipa(&["operators", "check", &operators]);
        assert_ne!(out.status.code(), Some(0), "{}", text(&out));
        std::fs::set_permissions(shop.operators(), std::fs::Permissions::from_mode(0o644))
            .expect("chmod");
        // A directory others may write to: the file could be replaced.
        let open_dir = shop.dir.path().join("open");
        std::fs::create_dir(&open_dir).expect("dir");
        std::fs::set_permissions(&open_dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let inside = open_dir.join("operators");
        std::fs::copy(shop.operators(), &inside).expect("copy");
        let inside = inside.display().to_string();
        let out = shop.lipa(&["serve", "--ssh", "127.0.0.1:0", "--operators", &inside]);
        assert_eq!(out.status.code(), Some(4), "{}", text(&out));
        assert!(text(&out).contains("directory"), "{}", text(&out));
        // Another user's file (only root can make one here).
        let root = std::fs::read_to_string("/proc/self/status")
            .unwrap_or_default()
            .lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"));
        if root {
            std::os::unix::fs::chown(shop.operators(), Some(65534), None).expect("chown");
            let out = serve(&shop);
            assert_eq!(out.status.code(), Some(4), "{}", text(&out));
            assert!(text(&out).contains("another user"), "{}", text(&out));
            std::os::unix::fs::chown(shop.operators(), Some(0), None).expect("chown back");
        }
    }
    // A host key others can read.
    if have_openssh() {
        let (_, line) = shop.operator("rehema", "role=\"agent\"");
        shop.write_operators(&[&line]);
        std::fs::create_dir_all(shop.data()).expect("data");
        let (host, _) = keygen(&shop.data(), "ssh_host_ed25519_key", "ed25519");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&host, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let out = serve(&shop);
        assert_eq!(out.status.code(), Some(4), "{}", text(&out));
        assert!(text(&out).contains("chmod 600"), "{}", text(&out));
    }
}

#[test]
fn the_demo_lets_anyone_in_with_a_demo_of_their_own() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_millis(500));
    let data = shop.data().display().to_string();
    let env = vec![
        ("HOME", shop.dir.path().display().to_string()),
        ("LIPA_DATA_DIR", data),
        ("LIPA_LANG", "en".to_string()),
        ("LIPA_DEMO_SETTLE", "0.5".to_string()),
    ];
    let server = ssh::Server::start(
        env,
        &["serve", "--demo", "--ssh", "127.0.0.1:0"],
        shop.data(),
    );
    assert!(
        server.start_line.contains("no real money"),
        "{}",
        server.start_line
    );
    let visitor = |key: Option<&std::path::Path>| {
        let args: Vec<String> = std::iter::once("-tt".to_string())
            .chain(server.ssh_args(key, "demo"))
            .collect();
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let pty = Spawn::new("ssh").args(&refs).start();
        pty.wait_for("the demo", T, |s| {
            s.contains("DEMO") && s.contains("Next payment")
        });
        pty
    };
    // No key at all, and any key.
    let mut a = visitor(None);
    let (any, _) = keygen(shop.dir.path(), "anyone", "ed25519");
    let b = visitor(Some(&any));
    a.send("0712345670\t1500\r");
    a.wait_for("the visitor's payment paid", T, |s| {
        s.contains("••• 670") && s.contains("paid")
    });
    // Each visitor has a demo of their own.
    assert!(!b.text().contains("••• 670"), "{}", b.text());
    a.send("\x03");
    assert!(a.wait_exit(T).is_some());
}

#[test]
fn an_emptied_broken_or_deleted_operators_file_fails_closed() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_millis(500));
    let (key, line) = shop.operator("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);
    let open = || {
        let args: Vec<String> = std::iter::once("-tt".to_string())
            .chain(server.ssh_args(Some(&key), "rehema"))
            .collect();
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let pty = Spawn::new("ssh").args(&refs).start();
        pty.wait_for("the console", T, |s| s.contains("Next payment"));
        pty
    };
    // Everyone taken off (the emergency lock-out): her console ends.
    let a = open();
    shop.write_operators(&["# nobody for now"]);
    a.wait_for("the reason", T, |s| {
        s.contains("taken off the operators list")
    });
    shop.wait_log("operators=0", T);
    // A typo elsewhere grants nothing, and does not keep a key that was taken off: her line
    // is good, so she is back; the bad line is named in the log.
    shop.write_operators(&[&line, "operator=\"juma\" ssh-ed25519 not-a-key"]);
    shop.wait_log("a bad line, skipped", T);
    let b = open();
    // The file deleted: nobody may log in.
    std::fs::remove_file(shop.operators()).expect("rm");
    b.wait_for("the reason", T, |s| {
        s.contains("taken off the operators list")
    });
    shop.wait_log("operators file gone", T);
    let out = server.ssh(Some(&key), &["-tt"], &[]);
    assert!(!out.status.success());
}

#[test]
fn an_operators_file_opened_to_others_while_serving_grants_nothing_from_that_moment() {
    use std::os::unix::fs::PermissionsExt;
    let shop = Shop::new(Duration::from_millis(500));
    let (key, line) = client::key("rehema", "role=\"agent\"");
    let (boss_key, boss) = client::key("juma", "role=\"supervisor\"");
    shop.write_operators(&[&line, &boss]);
    std::fs::set_permissions(shop.dir.path(), std::fs::Permissions::from_mode(0o700))
        .expect("chmod");
    let server = shop.serve(&[]);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let login = |key| {
        let port = server.port;
        async move {
            let mut c = client::Client::connect(port).await.expect("connect");
            let ok = c.login_key("rehema", key).await;
            (c, ok)
        }
    };
    let mode = |path: &std::path::Path, m: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    rt.block_on(async {
        let (a, ok) = login(&key).await;
        assert!(ok, "the first login");
        let mut console = a.console("xterm-256color", 80, 24).await;
        assert!(client::read_until(&mut console, "Next payment", T).await);
        let mut c = client::Client::connect(server.port).await.expect("connect");
        assert!(
            c.login_key("juma", &boss_key).await,
            "the supervisor's login"
        );
        let mut boss_console = c.console("xterm-256color", 80, 24).await;
        assert!(client::read_until(&mut boss_console, "Next payment", T).await);
        // Made writable by everyone, its content unchanged: the very next login is refused,
        // without waiting for the watcher, and her open console ends, with the reason.
        mode(&shop.operators(), 0o666);
        let (_, ok) = login(&key).await;
        assert!(!ok, "a login through a file anyone may write");
        // (The reason's end: "… can be changed by others … still followed: tell your
        // supervisor.")
        assert!(
            client::read_until(&mut console, "still followed: tell", T).await,
            "her console went on, or she is not sent to her supervisor"
        );
        // The supervisor is not told to tell his supervisor: he is told what must change.
        assert!(
            client::read_until(&mut boss_console, "`lipa doctor`", T).await,
            "the supervisor is not told what to do"
        );
        // Safe again: read anew, and she is back.
        mode(&shop.operators(), 0o600);
        shop.wait_log("operators file read again", T);
        let (b, ok) = login(&key).await;
        assert!(ok, "no login once the file is safe again");
        // Its directory opened to everyone, and nobody logging in: the watcher's next look
        // ends her console.
        let mut console = b.console("xterm-256color", 80, 24).await;
        assert!(client::read_until(&mut console, "Next payment", T).await);
        mode(shop.dir.path(), 0o777);
        assert!(
            client::read_until(&mut console, "can be changed by others", T).await,
            "her console went on in a directory anyone may write"
        );
        let (_, ok) = login(&key).await;
        assert!(
            !ok,
            "a login through a file in a directory anyone may write"
        );
        mode(shop.dir.path(), 0o700);
    });
    let log = shop.log();
    assert!(log.contains("operators file refused"), "{log}");
    assert!(log.contains("others can write"), "{log}");
    // Her refused logins name the file's permissions, not her key as one not on the list.
    assert!(log.contains("can be written by others"), "{log}");
    assert!(!log.contains("is not in the operators file"), "{log}");
}
