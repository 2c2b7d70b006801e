//! `lipa serve` with the real OpenSSH client in a pseudo-terminal: an agent logs in with a key
//! and pays, under their own name; agents see only their own payments and a supervisor sees
//! everyone's; a client killed mid-payment loses nothing; resize, `TERM=dumb`, a removed key,
//! SIGTERM and the host key across restarts.

#[path = "support/pty.rs"]
mod pty;
#[path = "support/ssh.rs"]
mod ssh;

use pty::{Pty, Spawn};
use ssh::{Server, Shop};
use std::path::Path;
use std::time::Duration;

const T: Duration = Duration::from_secs(40);

/// An agent's console over `ssh -tt` in a terminal of this size.
fn console(server: &Server, key: &Path, cols: u16, rows: u16, term: &str) -> Pty {
    let args = server.ssh_args(Some(key), "agent");
    let mut all = vec!["-tt".to_string()];
    all.extend(args);
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let pty = Spawn::new("ssh")
        .args(&refs)
        .env("TERM", term)
        .size(cols, rows)
        .start();
    pty.wait_for("the console", T, |s| s.contains("Next payment"));
    pty
}

/// Types a ClickPesa payment and sends it.
fn pay(pty: &mut Pty, phone: &str, amount: &str) {
    pty.send(phone);
    pty.send("\t");
    pty.send(amount);
    pty.send("\r");
}

fn history(shop: &Shop) -> Vec<serde_json::Value> {
    let out = shop.lipa(&["history", "--json"]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn an_agent_pays_and_sees_a_cancelled_one_under_their_own_name() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_millis(500));
    let (key, line) = shop.operator("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);
    assert!(
        server.start_line.contains("1 operator key"),
        "{}",
        server.start_line
    );
    // On loopback (the default), the start line says who cannot reach it.
    assert!(
        server
            .start_line
            .contains("this machine only: --ssh 0.0.0.0:"),
        "{}",
        server.start_line
    );
    let mut agent = console(&server, &key, 80, 24, "xterm-256color");
    pay(&mut agent, "0712345670", "1500");
    agent.wait_for("paid", T, |s| s.contains("••• 670") && s.contains("paid"));
    pay(&mut agent, "0712345676", "2500");
    agent.wait_for("cancelled", T, |s| {
        s.contains("••• 676") && s.contains("failed")
    });
    // Quit: the client's terminal is put back, and ssh ends well.
    agent.send("\x03");
    assert!(agent.wait_exit(T).is_some_and(|s| s.success()));
    let rows = history(&shop);
    assert_eq!(rows.len(), 2, "{rows:?}");
    for r in &rows {
        assert_eq!(r["operator"], "rehema", "{r}");
    }
    let statuses: Vec<_> = rows.iter().map(|r| r["status"].as_str()).collect();
    assert!(statuses.contains(&Some("paid")) && statuses.contains(&Some("failed")));
    let log = shop.wait_log("logout", T);
    assert!(
        log.contains("login") && log.contains("operator=rehema"),
        "{log}"
    );
}

#[test]
fn agents_see_only_their_own_payments_and_a_supervisor_sees_everyones() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_millis(500));
    let (rehema, l1) = shop.operator("rehema", "role=\"agent\"");
    let (juma, l2) = shop.operator("juma", "role=\"agent\",lang=\"sw\"");
    let (neema, l3) = shop.operator("neema", "role=\"supervisor\"");
    shop.write_operators(&[&l1, &l2, &l3]);
    let server = shop.serve(&[]);
    let boss = console(&server, &neema, 100, 30, "xterm-256color");
    let mut a = console(&server, &rehema, 80, 24, "xterm-256color");
    let mut b = Spawn::new("ssh")
        .args(
            &std::iter::once("-tt".to_string())
                .chain(server.ssh_args(Some(&juma), "juma"))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        )
        .start();
    // Juma's line says Swahili: his console speaks it.
    b.wait_for("juma's console in Swahili", T, |s| {
        s.contains("Malipo yajayo")
    });
    pay(&mut a, "0712345120", "1500");
    pay(&mut b, "0712345340", "2000");
    a.wait_for("rehema's own paid", T, |s| {
        s.contains("••• 120") && s.contains("paid")
    });
    b.wait_for("juma's own paid", T, |s| {
        s.contains("••• 340") && s.contains("imelipwa")
    });
    let both = boss.wait_for("both on the supervisor's screen", T, |s| {
        s.contains("••• 120") && s.contains("••• 340")
    });
    // Each says who pushed it.
    assert!(
        both.lines()
            .any(|l| l.contains("••• 120") && l.contains("rehema")),
        "{both}"
    );
    assert!(
        !a.text().contains("••• 340"),
        "rehema sees juma's:\n{}",
        a.text()
    );
    assert!(
        !b.text().contains("••• 120"),
        "juma sees rehema's:\n{}",
        b.text()
    );
    // Today counts only one's own, too.
    a.send("\x14");
    let today = a.wait_for("rehema's today", T, |s| {
        s.contains("rehema") && s.contains("1,500")
    });
    assert!(!today.contains("juma"), "{today}");
    // An agent cannot mark a payment checked (a supervisor's job).
    let rows = history(&shop);
    let by: Vec<_> = rows.iter().map(|r| r["operator"].as_str()).collect();
    assert!(
        by.contains(&Some("rehema")) && by.contains(&Some("juma")),
        "{rows:?}"
    );
}

#[test]
fn a_client_killed_mid_payment_loses_nothing_and_sees_it_on_reconnect() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_secs(3));
    let (key, line) = shop.operator("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);
    let mut agent = console(&server, &key, 80, 24, "xterm-256color");
    pay(&mut agent, "0712345670", "1500");
    agent.wait_for("sent", T, |s| s.contains("••• 670"));
    agent.kill();
    // The server goes on following it until paid, with nobody connected.
    let paid = ssh::poll(T, || {
        history(&shop).into_iter().find(|r| r["status"] == "paid")
    });
    let paid = paid.expect("the server followed the payment to paid");
    assert_eq!(paid["operator"], "rehema");
    let mut again = console(&server, &key, 80, 24, "xterm-256color");
    // The payment that finished while the link was down is on the first screen, done.
    again.wait_for("the payment, done, on reconnecting", T, |s| {
        s.contains("••• 670") && s.contains("paid")
    });
    again.send("\x14");
    again.wait_for("the payment in today's list", T, |s| {
        s.contains("••• 670") && s.contains("paid")
    });
}

#[test]
fn resize_dumb_terminals_removed_keys_and_sigterm() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_millis(500));
    let (rehema, l1) = shop.operator("rehema", "role=\"agent\"");
    let (juma, l2) = shop.operator("juma", "role=\"agent\"");
    let (amina, l3) = shop.operator("amina", "role=\"supervisor\"");
    shop.write_operators(&[&l1, &l2, &l3]);
    let mut server = shop.serve(&[]);
    let first = server.fingerprint();

    // A window change reaches the console: it draws for the new size.
    let mut a = console(&server, &rehema, 80, 24, "xterm-256color");
    a.resize(60, 20);
    a.wait_for("the console at 60 columns", T, |s| {
        s.lines().all(|l| l.chars().count() <= 60) && s.contains("Next payment")
    });
    let before = a.raw().len();
    a.resize(100, 30);
    a.wait_for("the console at 100 columns", T, |s| {
        s.lines().any(|l| l.chars().count() > 80)
    });
    assert!(a.raw().len() > before);

    // TERM=dumb: no colour at all.
    let dumb = console(&server, &juma, 80, 24, "dumb");
    let screen = dumb.screen();
    let coloured = (0..24).any(|r| {
        (0..80).any(|c| {
            screen.cell(r, c).is_some_and(|cell| {
                cell.fgcolor() != vt100::Color::Default || cell.bgcolor() != vt100::Color::Default
            })
        })
    });
    assert!(!coloured, "TERM=dumb drew colours:\n{}", dumb.text());

    // Juma's key is taken off the list: his session ends, with the reason on his screen, and
    // so does a connection of his that holds no console (it could have opened one later).
    let mut quiet = std::process::Command::new("ssh")
        .arg("-N")
        .args(server.ssh_args(Some(&juma), "juma"))
        .stdin(std::process::Stdio::null())
        .spawn()
        .expect("ssh -N");
    ssh::poll(T, || {
        (shop.log().matches("operator=juma").count() >= 3).then_some(())
    })
    .expect("juma's second login");
    shop.write_operators(&[&l1, &l3]);
    dumb.wait_for("the reason", T, |s| {
        s.contains("taken off the operators list")
    });
    shop.wait_log("connections_ended=2", T);
    assert!(
        ssh::poll(T, || quiet.try_wait().ok().flatten()).is_some(),
        "juma's console-less connection was kept"
    );
    // Rehema's console, on a key still listed, goes on.
    assert!(!a.text().contains("taken off"), "{}", a.text());
    // Amina's line changes (supervisor to agent): her open console ends.
    let boss = console(&server, &amina, 80, 24, "xterm-256color");
    let l3_agent = l3.replace("role=\"supervisor\"", "role=\"agent\"");
    shop.write_operators(&[&l1, &l3_agent]);
    boss.wait_for("the reason", T, |s| {
        s.contains("line in the operators list changed")
    });
    // SIGHUP reads the file again too.
    let pid = server.child.id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-HUP", &pid])
        .status();
    shop.wait_log("hupped=true", T);

    // SIGTERM: every screen is told, terminals are put back, the server exits 0.
    assert_eq!(server.stop(), Some(0));
    a.wait_for("the goodbye", T, |s| s.contains("The server is stopping"));
    assert!(a.wait_exit(T).is_some());
    let raw = String::from_utf8_lossy(&a.raw()).to_string();
    assert!(
        raw.contains("\x1b[?1049l"),
        "the alternate screen was not left"
    );

    // The host key survives a restart: the same fingerprint.
    let again = shop.serve(&[]);
    assert_eq!(again.fingerprint(), first);
}

#[test]
fn a_second_ssh_over_a_shared_connection_gets_a_console_of_its_own() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_millis(500));
    let (key, line) = shop.operator("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);
    // OpenSSH's connection sharing, as an agent's ~/.ssh/config may ask for it.
    let control = shop.dir.path().join("ctl");
    let open = || {
        let mut args: Vec<String> = vec![
            "-tt".into(),
            "-o".into(),
            "ControlMaster=auto".into(),
            "-o".into(),
            format!("ControlPath={}", control.display()),
            "-o".into(),
            "ControlPersist=30".into(),
        ];
        args.extend(server.ssh_args(Some(&key), "rehema"));
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let pty = Spawn::new("ssh").args(&refs).size(80, 24).start();
        pty.wait_for("a console", T, |s| s.contains("Next payment"));
        pty
    };
    let mut first = open();
    let mut second = open();
    // One connection, one login, two consoles.
    let log = shop.log();
    assert_eq!(log.matches("handler: login ").count(), 1, "{log}");
    assert_eq!(log.matches("console opened").count(), 2, "{log}");
    pay(&mut second, "0712345670", "1500");
    second.wait_for("paid", T, |s| s.contains("••• 670") && s.contains("paid"));
    first.send("\x03");
    assert!(first.wait_exit(T).is_some_and(|s| s.success()));
    second.send("\x03");
    assert!(second.wait_exit(T).is_some_and(|s| s.success()));
    let _ = std::process::Command::new("ssh")
        .args([
            "-o",
            &format!("ControlPath={}", control.display()),
            "-O",
            "exit",
            "x",
        ])
        .output();
}

/// A console over `ssh -tt` with these extra ssh options, waiting for `first` on screen.
fn console_with(server: &Server, key: &Path, before: &[&str], cols: u16, first: &str) -> Pty {
    let mut all: Vec<String> = vec!["-tt".to_string()];
    all.extend(before.iter().map(|s| s.to_string()));
    all.extend(server.ssh_args(Some(key), "agent"));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let pty = Spawn::new("ssh")
        .args(&refs)
        .env("TERM", "xterm-256color")
        .size(cols, 24)
        .start();
    pty.wait_for(first, T, |s| s.contains(first));
    pty
}

#[test]
fn a_session_speaks_swahili_first_or_the_clients_locale_and_ends_in_the_language_on_screen() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_millis(500));
    let (rehema, rehema_line) = shop.operator("rehema", "role=\"agent\"");
    let (juma, juma_line) = shop.operator("juma", "role=\"agent\",lang=\"en\"");
    shop.write_operators(&[&rehema_line, &juma_line]);
    // A server told no language: an operator without `lang` starts in Swahili.
    let env: Vec<_> = shop
        .env()
        .into_iter()
        .filter(|(k, _)| *k != "LIPA_LANG")
        .collect();
    let operators = shop.operators().display().to_string();
    let server = Server::start(
        env,
        &["serve", "--ssh", "127.0.0.1:0", "--operators", &operators],
        shop.data(),
    );
    let mut sw = console_with(&server, &rehema, &[], 80, "Malipo yajayo");
    // Her client saying English (SetEnv LANG): English.
    let mut en = console_with(
        &server,
        &rehema,
        &["-o", "SetEnv=LANG=en_US.UTF-8"],
        80,
        "Next payment",
    );
    // Juma's line says English; he presses Ctrl-G: Swahili on his screen.
    let mut j = console_with(
        &server,
        &juma,
        &["-o", "SetEnv=LANG=en_US.UTF-8"],
        60,
        "Next payment",
    );
    j.send("\x07");
    j.wait_for("Swahili", T, |s| s.contains("Malipo yajayo"));
    // His line changes: his session ends in the language on his screen, wrapped at words to
    // his 60 columns.
    let juma_changed = juma_line.replace("lang=\"en\"", "lang=\"en\",max_amount=\"1000\"");
    shop.write_operators(&[&rehema_line, &juma_changed]);
    let said = j.wait_for("the reason, in Swahili", T, |s| s.contains("Maelezo yako"));
    assert!(!said.contains("Your line"), "{said}");
    let raw = String::from_utf8_lossy(&j.raw()).to_string();
    let back = "\x1b[?1049l";
    let end = &raw[raw.rfind(back).expect("the main screen") + back.len()..];
    for line in end.split("\r\n") {
        assert!(line.chars().count() <= 60, "{line:?}");
    }
    assert!(end.contains("orodha ya wahudumu"), "{end:?}");
    j.wait_exit(T);
    sw.send("\x03");
    en.send("\x03");
    assert!(sw.wait_exit(T).is_some() && en.wait_exit(T).is_some());
}

#[test]
fn the_quit_question_says_the_server_goes_on_and_ssh_exits_3_with_a_payment_open() {
    if ssh::skip() {
        return;
    }
    // Customers who never answer: the payment stays open.
    let shop = Shop::new(Duration::from_secs(3600));
    let (key, line) = shop.operator("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);
    let mut agent = console(&server, &key, 100, 30, "xterm-256color");
    pay(&mut agent, "0712345670", "1500");
    agent.wait_for("the payment on the list", T, |s| s.contains("••• 670"));
    agent.send("\x03");
    let asked = agent.wait_for("the quit question", T, |s| s.contains("Quit now?"));
    assert!(asked.contains("following"), "{asked}");
    assert!(!asked.contains("when lipa starts"), "{asked}");
    agent.send("y");
    let status = agent.wait_exit(T).expect("ssh ended");
    assert_eq!(status.exit_code(), 3, "{status:?}");
    // Nothing open: 0.
    let shop = Shop::new(Duration::from_millis(200));
    let (key, line) = shop.operator("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);
    let mut agent = console(&server, &key, 100, 30, "xterm-256color");
    agent.send("\x03");
    let status = agent.wait_exit(T).expect("ssh ended");
    assert_eq!(status.exit_code(), 0, "{status:?}");
}

/// The server's `LIPA_PROVIDER` is the provider its consoles open on (an agent at a Kenyan
/// shop pressed Ctrl-P at every login).
#[test]
fn a_console_opens_on_the_provider_the_server_names() {
    if ssh::skip() {
        return;
    }
    let shop = Shop::new(Duration::from_millis(500));
    let (key, line) = shop.operator("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let mut env = shop.env();
    env.push(("LIPA_PROVIDER", "cepta".into()));
    let operators = shop.operators().display().to_string();
    let server = ssh::Server::start(
        env,
        &["serve", "--ssh", "127.0.0.1:0", "--operators", &operators],
        shop.data(),
    );
    let pty = console(&server, &key, 80, 24, "xterm-256color");
    pty.wait_for("a console on Cepta", Duration::from_secs(20), |t| {
        t.lines().next().is_some_and(|l| l.contains("Cepta"))
    });
}
