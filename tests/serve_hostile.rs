//! `lipa serve` against clients that do what no well-behaved client does, each written here
//! with russh's client (nothing to install): terminal sizes no screen has, floods of keys,
//! pastes, window changes and channels, a client that never reads, strings with newlines
//! where names go. None of it may take the server down, nor touch another agent's session.

#[path = "support/client.rs"]
mod client;
#[path = "support/ssh.rs"]
mod ssh;

use client::{Client, read_until};
use ssh::{Server, Shop};
use std::time::Duration;

const T: Duration = Duration::from_secs(40);

/// `lipa serve --demo` on a free loopback port (anyone gets in, no key needed).
fn demo(shop: &Shop, extra: &[(&'static str, String)]) -> Server {
    let mut env = vec![
        ("HOME", shop.dir.path().display().to_string()),
        ("LIPA_DATA_DIR", shop.data().display().to_string()),
        ("LIPA_LANG", "en".to_string()),
        ("LIPA_DEMO_SETTLE", "0.5".to_string()),
    ];
    env.extend(extra.iter().cloned());
    Server::start(
        env,
        &["serve", "--demo", "--ssh", "127.0.0.1:0"],
        shop.data(),
    )
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// The server still runs, and a new visitor still gets a working console.
async fn still_serving(server: &mut Server) {
    assert!(
        matches!(server.child.try_wait(), Ok(None)),
        "the server is gone: {:?}",
        server.child.try_wait()
    );
    let mut c = Client::connect(server.port).await.expect("connect");
    assert!(c.login_none("demo").await, "login");
    let mut ch = c.console("xterm-256color", 80, 24).await;
    assert!(
        read_until(&mut ch, "Next payment", T).await,
        "no console for the next visitor"
    );
}

#[test]
fn no_terminal_size_takes_the_server_down() {
    let shop = Shop::new(Duration::from_millis(500));
    let mut server = demo(&shop, &[]);
    let rt = runtime();
    rt.block_on(async {
        // A pty of 10000×10000: the console draws, at the largest size a screen can be.
        let mut a = Client::connect(server.port).await.expect("connect");
        assert!(a.login_none("demo").await);
        let mut ch = a.console("xterm", 10_000, 10_000).await;
        assert!(
            read_until(&mut ch, "Next payment", T).await,
            "no console at 10000×10000"
        );
        // One window change to 65535×65535, then to nothing at all, then back.
        ch.window_change(65_535, 65_535, 0, 0).await.expect("wc");
        ch.window_change(0, 0, 0, 0).await.expect("wc");
        ch.window_change(100, 30, 0, 0).await.expect("wc");
        ch.data_bytes(&b"\x0c"[..]).await.expect("ctrl-l");
        assert!(
            read_until(&mut ch, "Next payment", T).await,
            "the console did not draw again after the window changes"
        );
        still_serving(&mut server).await;
    });
    // The log says the size was taken down to what a screen can be.
    let log = shop.wait_log("console opened", T);
    assert!(log.contains("asked=10000x10000"), "{log}");
}

/// The number after `name=` in a log line.
fn field(line: &str, name: &str) -> Option<usize> {
    let at = line.find(&format!(" {name}="))? + name.len() + 2;
    line[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[test]
fn a_client_that_never_reads_holds_a_bounded_buffer_and_others_go_on() {
    let shop = Shop::new(Duration::from_millis(500));
    let mut server = demo(&shop, &[]);
    let rt = runtime();
    rt.block_on(async {
        // A window of nothing: the server may send this client no byte at all.
        let mut c = Client::connect_with(server.port, client::config(Some(0)))
            .await
            .expect("connect");
        assert!(c.login_none("demo").await);
        let mut ch = c.console("xterm-256color", 400, 150).await;
        // Every window change draws the whole screen again (a key between two keeps them
        // from being taken as one): far more than the server keeps.
        for i in 0..1500u32 {
            ch.window_change(400 - i % 2, 150, 0, 0).await.expect("wc");
            ch.data_bytes(&b"1"[..]).await.expect("key");
        }
        // Everything before this request was taken by the server once it answers.
        client::answered(&mut ch).await;
        // Another visitor is served meanwhile.
        still_serving(&mut server).await;
        let _ = c
            .handle
            .disconnect(russh::Disconnect::ByApplication, "bye", "en")
            .await;
    });
    // When it left, the server said how much it held for it at most: one buffer's worth.
    let log = shop.wait_log("a slow client", T);
    let line = log
        .lines()
        .find(|l| l.contains("a slow client"))
        .expect("the line");
    let most = field(line, "held_most").expect("held_most");
    let dropped = field(line, "dropped").expect("dropped");
    assert!(most <= 64 * 1024 + 256 * 1024, "held {most} bytes: {line}");
    assert!(dropped > 0, "{line}");
}

#[test]
fn a_second_console_on_one_connection_is_a_console_of_its_own() {
    let shop = Shop::new(Duration::from_millis(500));
    let (key, line) = client::key("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let mut server = shop.serve(&[]);
    let rt = runtime();
    rt.block_on(async {
        // One connection (as OpenSSH's ControlMaster or a phone app's tabs make), two consoles.
        let mut c = Client::connect(server.port).await.expect("connect");
        assert!(c.login_key("rehema", &key).await, "login");
        let mut a = c.console("xterm-256color", 80, 24).await;
        let mut b = c.console("xterm-256color", 80, 24).await;
        assert!(read_until(&mut a, "Next payment", T).await, "first console");
        assert!(
            read_until(&mut b, "Next payment", T).await,
            "second console"
        );
        // What is typed in one is in that one only.
        a.data_bytes(&b"0712345"[..]).await.expect("type");
        assert!(read_until(&mut a, "5", T).await);
        // The first closed, the second goes on, and a third may open after.
        a.data_bytes(&b"\x03"[..]).await.expect("quit");
        let _ = client::read_to_end(&mut a, T).await;
        let _ = a.close().await;
        b.data_bytes(&b"\x0c"[..]).await.expect("ctrl-l");
        assert!(
            read_until(&mut b, "Next payment", T).await,
            "the second went on"
        );
        let mut third = c.console("xterm-256color", 80, 24).await;
        assert!(
            read_until(&mut third, "Next payment", T).await,
            "a console after one closed"
        );
        // The operator's limit (three) counts them all.
        let mut fourth = c.console("xterm-256color", 80, 24).await;
        assert!(
            read_until(&mut fourth, "Next payment", T).await,
            "a third open"
        );
        let mut fifth = c.console("xterm-256color", 80, 24).await;
        assert!(
            read_until(&mut fifth, "sessions open", T).await,
            "a fourth over the limit was not refused with the reason"
        );
    });
    assert!(matches!(server.child.try_wait(), Ok(None)));
}

#[test]
fn no_string_from_a_client_forges_a_log_line() {
    let shop = Shop::new(Duration::from_millis(500));
    let server = demo(&shop, &[]);
    // A line of its own, a carriage return and an erase to hide the real line, a Unicode line
    // separator and a right-to-left override.
    const FORGED: &str =
        "x\nFORGED  INFO lipa::serve::handler: login operator=boss\r\x1b[2K\u{2028}\u{202e}y";
    let rt = runtime();
    rt.block_on(async {
        let mut c = Client::connect(server.port).await.expect("connect");
        assert!(c.login_none(FORGED).await);
        // TERM.
        let mut ch = c.console(FORGED, 80, 24).await;
        assert!(read_until(&mut ch, "Next payment", T).await);
        // A command, a subsystem, environment and X11, each on a channel of its own.
        let mut e = c.handle.channel_open_session().await.expect("session");
        e.exec(true, FORGED.as_bytes()).await.expect("exec");
        let _ = client::read_to_end(&mut e, T).await;
        let mut f = c.handle.channel_open_session().await.expect("session");
        f.request_subsystem(true, FORGED).await.expect("subsystem");
        let _ = client::read_to_end(&mut f, T).await;
        let mut g = c.handle.channel_open_session().await.expect("session");
        g.set_env(true, FORGED, FORGED).await.expect("env");
        g.request_x11(true, false, FORGED, FORGED, 0)
            .await
            .expect("x11");
        client::answered(&mut g).await;
        // Forwarding, both ways, to hosts and sockets.
        let _ = c
            .handle
            .channel_open_direct_tcpip(FORGED, 80, FORGED, 1)
            .await;
        let _ = c.handle.tcpip_forward(FORGED, 0).await;
        let _ = c.handle.channel_open_direct_streamlocal(FORGED).await;
        let _ = c.handle.streamlocal_forward(FORGED).await;
        client::answered(&mut g).await;
    });
    for said in [
        "demo visitor",
        "console opened",
        "refused: a command",
        "subsystem",
        "port forwarding (-L/-D)",
        "remote port forwarding",
    ] {
        shop.wait_log(said, T);
    }
    let log = shop.log();
    for line in log.lines() {
        assert!(
            line.starts_with("20") && line.contains("lipa"),
            "a line the server did not write: {line:?}\n{log}"
        );
    }
    for bad in ['\r', '\x1b', '\u{2028}', '\u{202e}'] {
        assert!(!log.contains(bad), "{bad:?} reached the log:\n{log}");
    }
    assert!(log.contains("x\\nFORGED"), "{log}");
}

#[test]
fn idle_connections_and_strangers_failures_never_keep_a_listed_key_out() {
    let shop = Shop::new(Duration::from_millis(500));
    let (key, line) = client::key("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);
    let port = server.port;
    let rt = runtime();
    rt.block_on(async {
        use tokio::io::AsyncReadExt;
        // Eight idle connections from her address, and eight from each of eight others: the
        // server's whole room for connections waiting to log in, and more.
        let mut idle = Vec::new();
        for a in 1..=9 {
            for _ in 0..8 {
                let sock = tokio::net::TcpSocket::new_v4().expect("socket");
                sock.bind(format!("127.0.0.{a}:0").parse().expect("addr"))
                    .expect("bind");
                let mut conn = sock
                    .connect(([127, 0, 0, 1], port).into())
                    .await
                    .expect("connect");
                let mut banner = [0u8; 8];
                let _ = conn.read(&mut banner).await;
                idle.push(conn);
            }
        }
        // Idle a moment (a client sends its version the moment it connects; two seconds
        // without a byte is idle): then they make room.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let login = |key| async move {
            let mut c = Client::connect(port).await.expect("connect");
            let ok = c.login_key("rehema", key).await;
            (c, ok)
        };
        let (c, ok) = login(&key).await;
        assert!(ok, "idle connections kept her out");
        let mut ch = c.console("xterm-256color", 80, 24).await;
        assert!(read_until(&mut ch, "Next payment", T).await);
        // Five strangers fail from her address (a mobile carrier's, shared).
        let (stranger, _) = client::key("stranger", "role=\"agent\"");
        for _ in 0..5 {
            let (s, ok) = login(&stranger).await;
            assert!(!ok);
            let _ = s
                .handle
                .disconnect(russh::Disconnect::ByApplication, "", "en")
                .await;
        }
        ssh::poll(T, || {
            (shop.log().matches("is not in the operators file").count() >= 5).then_some(())
        })
        .expect("five failures logged");
        // She still gets in, and anyone from there reads why others do not.
        let (c, ok) = login(&key).await;
        assert!(ok, "a listed key was locked out for strangers' failures");
        let banners = c.heard.lock().expect("heard").banners.join("");
        assert!(
            banners.contains("failed in the last 10 minutes"),
            "{banners:?}"
        );
        // Whose connection it is nobody knows before the login: Swahili, then English.
        let sw = banners.find("yameshindwa").expect("the banner in Swahili");
        assert!(
            sw < banners.find("failed in the last").expect("en"),
            "{banners:?}"
        );
        // A password from there ends the connection, saying why.
        let mut p = Client::connect(port).await.expect("connect");
        let _ = p.handle.authenticate_password("rehema", "1234").await;
        let why = ssh::poll(T, || p.disconnect_reason()).expect("no reason given");
        assert!(why.contains("keys only"), "{why}");
        // A client stuck before logging in (longer than any login takes) when eight newer
        // ones come from its address is told why it was closed.
        let first = Client::connect(port).await.expect("connect");
        tokio::time::sleep(Duration::from_secs(11)).await;
        let mut newer = Vec::new();
        for _ in 0..8 {
            newer.push(Client::connect(port).await.expect("connect"));
        }
        let why = ssh::poll(T, || first.disconnect_reason()).expect("no reason given");
        assert!(why.contains("waited long without logging in"), "{why}");
        assert!(why.contains("bila kuingia"), "Swahili first: {why}");
        drop(idle);
    });
    let log = shop.log();
    assert!(log.contains("refused 5 times in 10 min"), "{log}");
}

#[test]
fn agents_logging_in_at_the_same_moment_from_one_address_all_get_their_console() {
    let shop = Shop::new(Duration::from_millis(500));
    let names = ["rehema", "juma", "boss", "putty"];
    let keys: Vec<_> = names
        .iter()
        .map(|n| client::key(n, "role=\"agent\""))
        .collect();
    let lines: Vec<&str> = keys.iter().map(|(_, l)| l.as_str()).collect();
    shop.write_operators(&lines);
    let mut server = shop.serve(&[]);
    let port = server.port;
    let rt = runtime();
    rt.block_on(async {
        // Twelve key logins at once from one address (three of each), each asking for a
        // console: more than the eight that may wait to log in from one address.
        let mut logins = Vec::new();
        for i in 0..12 {
            let (key, _) = keys[i % 4].clone();
            let name = names[i % 4];
            logins.push(tokio::spawn(async move {
                let mut c = Client::connect(port).await.expect("connect");
                let ok = c.login_key(name, &key).await;
                if !ok {
                    return Err(format!("{name}: no login ({:?})", c.disconnect_reason()));
                }
                let mut ch = c.console("xterm-256color", 80, 24).await;
                match read_until(&mut ch, "Next payment", T).await {
                    true => Ok((c, ch)),
                    false => Err(format!("{name}: no console ({:?})", c.disconnect_reason())),
                }
            }));
        }
        let mut kept = Vec::new();
        for l in logins {
            kept.push(l.await.expect("task").unwrap_or_else(|e| panic!("{e}")));
        }
        assert_eq!(kept.len(), 12);
        assert!(
            matches!(server.child.try_wait(), Ok(None)),
            "the server is gone"
        );
    });
    assert!(
        !shop.log().contains("was closed to make room"),
        "{}",
        shop.log()
    );
}

#[test]
fn a_connection_beyond_the_most_one_address_may_have_logging_in_is_refused_with_words() {
    let shop = Shop::new(Duration::from_millis(500));
    let (_key, line) = client::key("rehema", "role=\"agent\"");
    shop.write_operators(&[&line]);
    let server = shop.serve(&[]);
    let port = server.port;
    let rt = runtime();
    rt.block_on(async {
        // Twenty-four clients from one address in the middle of logging in (key exchange
        // done, no login yet): none stuck.
        let connecting: Vec<_> = (0..24)
            .map(|_| tokio::spawn(Client::connect(port)))
            .collect();
        let mut busy = Vec::new();
        for c in connecting {
            busy.push(c.await.expect("task").expect("connect"));
        }
        // The next from there is refused, and told why in both languages.
        let heard = std::sync::Arc::new(std::sync::Mutex::new(client::Heard::default()));
        let late = russh::client::connect(
            client::config(None),
            ("127.0.0.1", port),
            client::Ear(heard.clone()),
        )
        .await;
        // As a client does: it asks to log in (and is refused, whatever it offers).
        let mut late = late.ok();
        if let Some(h) = late.as_mut() {
            let _ = h.authenticate_none("rehema").await;
        }
        let why = ssh::poll(T, || heard.lock().expect("heard").disconnect.clone())
            .unwrap_or_else(|| panic!("refused without a word: {}", shop.log()));
        assert!(why.contains("Miunganisho mingi inaingia"), "{why}");
        assert!(why.contains("Too many connections are logging in"), "{why}");
        // None of the twenty-four was closed for it.
        assert!(busy.iter().all(|c| c.disconnect_reason().is_none()));
        drop(busy);
    });
}

/// Bytes that look like a terminal's, at random (seeded: the same every run), never Ctrl-C.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let pieces: [&[u8]; 10] = [
        b"\x1b[A",
        b"\x1b[1;5C",
        b"\x1bO",
        b"\x1b[",
        b"\x1b[200~",
        b"\x1b[201~",
        b"0712345670",
        b"\t",
        "\u{feff}ň€".as_bytes(),
        b"\x7f",
    ];
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        match x % 3 {
            0 => out.extend_from_slice(pieces[(x >> 8) as usize % pieces.len()]),
            _ => out.push(((x >> 16) as u8).max(4)),
        }
    }
    out.retain(|b| *b != 0x03);
    out
}

#[test]
fn no_flood_from_a_client_takes_down_the_server_or_touches_another_session() {
    let shop = Shop::new(Duration::from_millis(500));
    let mut server = demo(&shop, &[]);
    let port = server.port;
    let rt = runtime();
    rt.block_on(async {
        use tokio::io::AsyncWriteExt;
        // Someone else's console, open all along.
        let mut b = Client::connect(port).await.expect("connect");
        assert!(b.login_none("demo").await);
        let mut theirs = b.console("xterm-256color", 80, 24).await;
        assert!(read_until(&mut theirs, "Next payment", T).await);

        // Before any login: junk instead of SSH, and names of every length.
        let mut junk = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        let _ = junk.write_all(&noise(1 << 20, 7)).await;
        drop(junk);
        let mut names = Client::connect(port).await.expect("connect");
        for n in [0, 4096, 30_000] {
            let _ = names
                .handle
                .authenticate_password("x".repeat(n), "y".repeat(n))
                .await;
        }

        // After login, on one connection that reads everything it is sent.
        let mut a = Client::connect(port).await.expect("connect");
        assert!(a.login_none("demo").await);
        let ch = a.console("xterm-256color", 120, 40).await;
        let (mut read_half, write_half) = ch.split();
        let drain = tokio::spawn(async move { while read_half.wait().await.is_some() {} });
        // Keys: a quarter of a megabyte of them (each drawn; more only takes longer).
        let keys = noise(1 << 18, 11);
        for chunk in keys.chunks(31_000) {
            write_half.data(chunk).await.expect("keys");
        }
        // A paste of four megabytes, and one that never ends.
        let mut paste = b"\x1b[200~".to_vec();
        paste.extend(std::iter::repeat_n(b'7', 4 << 20));
        paste.extend_from_slice(b"\x1b[201~");
        write_half.data(&paste[..]).await.expect("paste");
        // A sequence that never ends.
        let mut csi = b"\x1b[".to_vec();
        csi.extend(std::iter::repeat_n(b'1', 1 << 18));
        write_half.data(&csi[..]).await.expect("csi");
        // Window changes of every size.
        for i in 0..2000u32 {
            let (w, h) = match i % 4 {
                0 => (u32::MAX, u32::MAX),
                1 => (0, 0),
                2 => (i, i / 3),
                _ => (80, 24),
            };
            write_half.window_change(w, h, 0, 0).await.expect("wc");
        }
        write_half
            .data(&b"\x1b[200~unended"[..])
            .await
            .expect("paste");
        // Channels: far more than one connection may hold, each asking for everything.
        let mut opened = Vec::new();
        for _ in 0..300 {
            if let Ok(c) = a.handle.channel_open_session().await {
                let _ = c
                    .request_pty(false, "xterm", 65_535, 65_535, 0, 0, &[])
                    .await;
                let _ = c.set_env(false, "NO_COLOR", "1").await;
                let _ = c.request_shell(false).await;
                let _ = c.exec(false, &b"sh"[..]).await;
                opened.push(c);
            }
        }
        assert!(opened.len() < 300, "every channel was opened");

        // Everyone else is as they were.
        theirs.data_bytes(&b"\x0c"[..]).await.expect("ctrl-l");
        assert!(
            read_until(&mut theirs, "Next payment", T).await,
            "the other console stopped answering"
        );
        still_serving(&mut server).await;
        drop(drain);
    });
    assert!(
        matches!(server.child.try_wait(), Ok(None)),
        "the server is gone"
    );
}
