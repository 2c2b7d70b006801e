//! The simulator calls back: every provider's callback as the simulator writes it, read by
//! lipa's reader for it; the real `lipa serve --ssh off --http` woken by it; Daraja's lost
//! answer settled by the callback to the push's own address.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/hooks.rs"]
mod hooks;

use hooks::*;
use lipa::journal::Journal;
use lipa::payment::Status;
use lipa::provider::ProviderKind;
use lipa::sim::SimConfig;
use std::time::Duration;

/// End to end with the real binaries: the simulator calls back in ClickPesa's own format (its
/// checksum) to `lipa serve --ssh off --http`, which follows the payment a `lipa push` left
/// pending; the callback is kept beside it and the payment ends paid; a callback sent twice is
/// kept once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_calls_back_to_lipa_serve() {
    // The receiver's port, chosen before the simulator is told it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let sim = lipa::sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(300),
        checksum_key: Some(lipa::sim::demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        callback: Some(lipa::sim::SimCallback {
            url: format!("http://127.0.0.1:{port}"),
            delay: Duration::ZERO,
            lose_per_mille: 0,
            twice_per_mille: 1000,
        }),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let till = tempfile::tempdir().expect("till");
    let env = cli::demo_env(till.path(), &sim.clickpesa_base_url(), None);
    let mut serve = cli::command(env.clone())
        .args([
            "serve",
            "--ssh",
            "off",
            "--http",
            &format!("127.0.0.1:{port}"),
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("lipa serve");
    wait_for("the receiver", Duration::from_secs(30), async || {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .ok()
            .map(drop)
    })
    .await;
    let pushed = tokio::task::spawn_blocking({
        let env = env.clone();
        move || {
            cli::command(env)
                .args(cli::push_args("clickpesa", "0712345670", "0"))
                .output()
                .expect("push")
        }
    })
    .await
    .expect("joined");
    assert_eq!(pushed.status.code(), Some(3), "sent, pending");
    let paid = wait_for(
        "paid, and its callbacks kept",
        Duration::from_secs(60),
        async || {
            let rows = cli::rows(till.path());
            let p = rows.first()?.clone();
            let journal = Journal::open_in(till.path()).ok()?;
            let hooks = journal.hooks(Some(p.id), 10).ok()?;
            (p.status == Status::Paid && !hooks.is_empty() && sim.stats().callbacks_sent >= 2)
                .then_some((p, hooks))
        },
    )
    .await;
    let (p, hooks) = paid;
    assert_eq!(hooks.len(), 1, "sent twice, kept once: {hooks:?}");
    assert_eq!(hooks[0].checked, "signed", "{hooks:?}");
    assert_eq!(p.status, Status::Paid);
    cli::kill_9(&mut serve);
}

/// Every provider's callback as the simulator writes it is read by lipa's reader for that
/// provider: it names its payment, and is verified where the provider signs (ClickPesa's
/// checksum, Cepta's hash-key, Selcom's digest, pawaPay's RFC 9421 signature with the key it
/// publishes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_provider_s_simulated_callback_names_its_payment() {
    // With a public address: Daraja and Selcom get one of their own per push.
    let (_sim, engine, _base, _dir) = calling_back(true).await;
    for kind in ProviderKind::ALL {
        let p = sale(&engine, kind, "0712345670", 1000).await;
        let kept = wait_for(
            &format!("{}'s callback", kind.id()),
            Duration::from_secs(30),
            async || {
                engine
                    .journal()
                    .hooks(Some(p.id), 10)
                    .ok()
                    .filter(|h| !h.is_empty())
            },
        )
        .await;
        // Daraja signs nothing: its payment's own address names it.
        let expected = match kind {
            ProviderKind::Daraja => "token",
            _ => "signed",
        };
        assert_eq!(kept[0].checked, expected, "{}: {kept:?}", kind.id());
        assert!(
            ["asked", "final"].contains(&kept[0].outcome.as_str()),
            "{}: {kept:?}",
            kind.id()
        );
        wait_for(
            &format!("{} paid", kind.id()),
            Duration::from_secs(30),
            async || (status_of(&engine, p.id).await == Status::Paid).then_some(()),
        )
        .await;
    }
    assert!(
        engine.journal().hooks(None, 10).expect("hooks").is_empty(),
        "none unmatched"
    );
}

/// Daraja's lost answer settled by itself: with a public address, each push carries its own
/// callback address (the payment's id and a token kept hashed); the push's answer is lost
/// (digit 9), the payment waits for a person — until its callback comes to that address with
/// the `CheckoutRequestID`, which lipa keeps and asks by, and the answer makes it paid. A
/// callback to the address with another token is not taken for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daraja_push_whose_answer_was_lost_ends_by_its_callback() {
    let (sim, engine, base, _dir) = calling_back(true).await;

    // A forged address first: the right id, another token.
    let p = sale(&engine, ProviderKind::Daraja, "0712345679", 300).await;
    assert_eq!(p.status, Status::Attention, "the answer was lost: {p:?}");
    assert!(p.provider_id.is_none());
    // Its words say the callback usually settles it (they said only "check the SMS").
    assert!(
        matches!(p.message, lipa::strings::Msg::CannotLookUpYet { .. }),
        "{:?}",
        p.message
    );
    let forged = serde_json::json!({"Body": {"stkCallback": {
        "CheckoutRequestID": "ws_CO_forged", "ResultCode": 0, "ResultDesc": "ok"}}});
    let url = format!("{base}/hooks/daraja/{}/{}", p.id, "0".repeat(32));
    assert_eq!(post(&url, &forged).await, 200);
    // Then the simulator's own callback, to the address the push carried.
    let paid = wait_for(
        "paid, by its callback",
        Duration::from_secs(30),
        async || {
            let now = engine.get(p.id).await.ok()?;
            (now.status == Status::Paid).then_some(now)
        },
    )
    .await;
    let kept = engine.journal().hooks(Some(p.id), 10).expect("hooks");
    assert_eq!(kept.len(), 1, "only the true address names it: {kept:?}");
    assert_eq!(kept[0].checked, "token");
    assert_eq!(
        paid.provider_id.as_deref(),
        sim.ledger().first().map(|e| e.id.as_str()),
        "the CheckoutRequestID kept"
    );
    let unmatched = engine.journal().hooks(None, 10).expect("hooks");
    assert_eq!(
        unmatched.len(),
        1,
        "the forged one kept for a person: {unmatched:?}"
    );
    assert_eq!(unmatched[0].checked, "refused", "its token was wrong");
    assert_eq!(sim.ledger()[0].initiate_calls, 1, "never sent again");
}

/// Found by a tester: a Daraja sale taken in the console, its answer lost, stayed *needs you*
/// though its callback came: the console held the payment's lease (a payment waiting for a
/// person is not followed, but its lease was the console's), so `lipa serve`, which received
/// the callback, could not ask, and the console was not woken. The process holding the lease
/// is woken too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_is_settled_by_the_process_that_holds_its_lease() {
    let (sim, receiving, base, dir) = calling_back(true).await;
    let journal = lipa::journal::Journal::open_in(dir.path()).expect("journal");
    let console = engine(&sim, journal, Duration::from_secs(300));
    let console = lipa::engine::Engine::new(
        console.journal().clone(),
        clients(&sim, dir.path()),
        lipa::engine::EngineSettings {
            public_url: lipa::provider::callback_address::public_base(&base),
            ..console.settings().clone()
        },
    );
    console.follow_ledger();
    let p = sale(&console, ProviderKind::Daraja, "0712345679", 400).await;
    assert_eq!(p.status, Status::Attention, "the answer was lost: {p:?}");
    wait_for(
        "paid, asked by the lease's holder",
        Duration::from_secs(30),
        async || (status_of(&console, p.id).await == Status::Paid).then_some(()),
    )
    .await;
    let kept = receiving.journal().hooks(Some(p.id), 10).expect("hooks");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].checked, "token");
}

/// A receiver on every network (`--http 0.0.0.0:…`) is warned about on stderr at the start: it is
/// plain HTTP (found by a tester: it started without a word).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_open_to_every_network_is_warned_about() {
    use std::io::BufRead;
    let till = tempfile::tempdir().expect("till");
    let env = cli::demo_env(till.path(), "http://127.0.0.1:9", None);
    let mut serve = cli::command(env)
        .args(["serve", "--ssh", "off", "--http", "0.0.0.0:0"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("lipa serve");
    let stderr = serve.stderr.take().expect("stderr");
    let warned = tokio::task::spawn_blocking(move || {
        std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.contains("0.0.0.0"))
    });
    let line = tokio::time::timeout(Duration::from_secs(60), warned)
        .await
        .expect("said within a minute")
        .expect("joined");
    cli::kill_9(&mut serve);
    let line = line.expect("a warning naming the address");
    assert!(line.contains("127.0.0.1"), "{line}");
}

/// While a provider's callbacks are seen to arrive, its payments are asked on the sparse
/// schedule (a callback finds the answer; the questions are for a lost one): after three paid
/// payments whose callbacks came, the next is asked once, by its callback, where the dense
/// schedule asked several times before the customer answered. Callbacks lost (the receiver
/// stopped): the payment is found by the sparse schedule's question, and the provider is asked
/// on the dense schedule again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callbacks_seen_to_arrive_spare_questions_and_lost_ones_bring_them_back() {
    use lipa::engine::EngineSettings;
    use lipa::tracker::Schedule;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    // The customer answers 0.8 s after the prompt; the schedule is the real one at 1/20th:
    // dense questions from 0.45 s, the sparse ones at 1.5 s and 3 s.
    let sim = lipa::sim::spawn(lipa::sim::SimConfig {
        port: 0,
        settle: Duration::from_millis(800),
        checksum_key: Some(lipa::sim::demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        callback: Some(lipa::sim::SimCallback {
            url: base.clone(),
            delay: Duration::ZERO,
            lose_per_mille: 0,
            twice_per_mille: 0,
        }),
        ..lipa::sim::SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("dir");
    let engine = lipa::engine::Engine::new(
        std::sync::Arc::new(Journal::open_in(dir.path()).expect("journal")),
        clients(&sim, dir.path()),
        EngineSettings {
            schedule: Schedule::default().scaled(0.05),
            ..EngineSettings::default()
        },
    );
    let receiver = lipa::hooks::Receiver::new(engine.clone(), rows(&sim));
    let serving = tokio::spawn(lipa::hooks::serve(
        listener,
        receiver,
        lipa::hooks::IDLE_MAX,
    ));
    let kind = ProviderKind::ClickPesa;
    let queries = |reference: &str| {
        sim.ledger()
            .iter()
            .find(|e| e.reference == reference)
            .map_or(0, |e| e.status_queries)
    };
    let paid = async |p: &lipa::payment::Payment| {
        wait_for("paid", Duration::from_secs(30), async || {
            (status_of(&engine, p.id).await == Status::Paid).then_some(())
        })
        .await;
    };
    let mut dense_queries = Vec::new();
    for i in 0..3 {
        let p = sale(&engine, kind, &format!("071234567{}", i * 2), 1000 + i).await;
        paid(&p).await;
        dense_queries.push(queries(p.reference.as_str()));
    }
    wait_for("callbacks trusted", Duration::from_secs(30), async || {
        engine.trusts_callbacks(kind).then_some(())
    })
    .await;
    let p = sale(&engine, kind, "0712345670", 2000).await;
    paid(&p).await;
    // Once, by its callback (twice at most, should the sparse question and the callback's
    // cross on a slow machine); the dense schedule asked about five times before the answer.
    assert!(
        queries(p.reference.as_str()) <= 2,
        "asked {} times (the dense schedule asked {dense_queries:?})",
        queries(p.reference.as_str())
    );

    // The receiver stops: the next payment's callback is lost, its answer found by the sparse
    // schedule's question, and the dense schedule comes back.
    serving.abort();
    let lost = sale(&engine, kind, "0712345672", 3000).await;
    paid(&lost).await;
    wait_for(
        "callbacks no longer trusted",
        Duration::from_secs(30),
        async || (!engine.trusts_callbacks(kind)).then_some(()),
    )
    .await;
    assert!(sim.stats().callbacks_failed >= 1, "its callback was lost");
}

/// `lipa push --wait` of an M-Pesa Daraja sale whose answer was lost, with `public_url` set:
/// it waits (it returned at once, "needs you", though the push carried its own callback
/// address), and `lipa serve --http`, receiving the callback, settles it: the push ends paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_wait_is_settled_by_a_callback_another_process_receives() {
    use lipa::sim::demo;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let sim = lipa::sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(300),
        callback: Some(lipa::sim::SimCallback {
            url: base.clone(),
            delay: Duration::ZERO,
            lose_per_mille: 0,
            twice_per_mille: 0,
        }),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let till = tempfile::tempdir().expect("till");
    let data = till.path().display().to_string();
    let env: Vec<(&str, String)> = vec![
        ("HOME", data.clone()),
        ("LIPA_DATA_DIR", data),
        ("LIPA_DARAJA_BASE_URL", sim.daraja_base_url()),
        ("LIPA_DARAJA_CONSUMER_KEY", demo::DARAJA_CONSUMER_KEY.into()),
        (
            "LIPA_DARAJA_CONSUMER_SECRET",
            demo::DARAJA_CONSUMER_SECRET.into(),
        ),
        ("LIPA_DARAJA_PASSKEY", demo::DARAJA_PASSKEY.into()),
        ("LIPA_DARAJA_SHORTCODE", demo::DARAJA_SHORTCODE.into()),
        ("LIPA_DARAJA_CALLBACK_URL", demo::DARAJA_CALLBACK_URL.into()),
        ("LIPA_PUBLIC_URL", base.clone()),
    ];
    let mut serve = cli::command(env.clone())
        .args([
            "serve",
            "--ssh",
            "off",
            "--http",
            &format!("127.0.0.1:{port}"),
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("lipa serve");
    wait_for("the receiver", Duration::from_secs(30), async || {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .ok()
            .map(drop)
    })
    .await;
    let pushed = tokio::task::spawn_blocking(move || {
        cli::command(env)
            .args(cli::push_args("daraja", "0712345679", "60"))
            .output()
            .expect("push")
    })
    .await
    .expect("joined");
    cli::kill_9(&mut serve);
    let said = String::from_utf8_lossy(&pushed.stdout);
    let last = said.lines().last().unwrap_or_default();
    assert_eq!(pushed.status.code(), Some(0), "{said}");
    assert!(last.contains("\"paid\""), "{last}");
}
