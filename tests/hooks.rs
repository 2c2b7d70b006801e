//! The providers' callbacks through the real receiver (axum on loopback) into a real engine
//! over a journal on disk, against the simulator: a callback wakes the payment and the
//! provider's answer moves it (the schedule's first question is minutes away, so only the
//! wake can find it this soon); a lying callback changes nothing; duplicates cost nothing;
//! forged, unmatched, disagreeing, oversized, slow and flooding callers; a payment followed by
//! another process woken through the journal, and through the shared ledger; the callbacks
//! kept for a person listed by `lipa history --hooks`.

#[path = "support/cli.rs"]
mod cli;
#[path = "support/hooks.rs"]
mod hooks;
#[path = "support/ledger.rs"]
mod ledger;

use hooks::*;
use lipa::journal::Journal;
use lipa::payment::Status;
use lipa::provider::ProviderKind;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_wakes_its_payment_and_only_the_answer_moves_it() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let journal = Journal::open_in(dir.path()).expect("journal");
    let engine = engine(&sim, journal, Duration::from_secs(300));
    let base = receiver(&engine, &sim, Duration::from_secs(10)).await;
    let url = format!("{base}/hooks/clickpesa");

    // Paid: the callback wakes it, the provider's answer makes it paid.
    let paid = sale(&engine, CLICKPESA, "0712345670", 1500).await;
    until_final(&sim, paid.reference.as_str()).await;
    let body = clickpesa_body(paid.reference.as_str(), "1500", "PAYMENT RECEIVED");
    assert_eq!(post(&url, &body).await, 200);
    wait_for(
        "paid, found by the wake",
        Duration::from_secs(30),
        async || (status_of(&engine, paid.id).await == Status::Paid).then_some(()),
    )
    .await;
    let heard = hook_events(&engine, paid.id);
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert!(
        matches!(&heard[0].message, lipa::strings::Msg::HookHeard { check, .. } if check == "signed"),
        "{heard:?}"
    );
    // The same callback again (providers retry): kept once, nothing more asked.
    let asked = sim.ledger()[0].status_queries;
    assert_eq!(post(&url, &body).await, 200);
    let kept = engine.journal().hooks(Some(paid.id), 10).expect("hooks");
    wait_for(
        "the duplicate worked on",
        Duration::from_secs(10),
        async || {
            engine
                .journal()
                .hooks(Some(paid.id), 10)
                .ok()
                .filter(|h| h.len() == 1)
        },
    )
    .await;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].outcome, "asked");
    assert_eq!(kept[0].checked, "signed");
    assert_eq!(
        sim.ledger()[0].status_queries,
        asked,
        "a duplicate asks nothing"
    );

    // A callback that lies: "paid" for a customer who cancelled. Asked, the provider says
    // failed, and failed it is.
    let cancelled = sale(&engine, CLICKPESA, "0712345676", 2000).await;
    until_final(&sim, cancelled.reference.as_str()).await;
    let lie = clickpesa_body(cancelled.reference.as_str(), "2000", "PAYMENT RECEIVED");
    assert_eq!(post(&url, &lie).await, 200);
    wait_for(
        "the answer, not the callback",
        Duration::from_secs(30),
        async || {
            let s = status_of(&engine, cancelled.id).await;
            s.is_final().then_some(s)
        },
    )
    .await;
    assert_eq!(status_of(&engine, cancelled.id).await, Status::Failed);

    // Forged: the checksum does not verify. Kept, said so, still only a hint.
    let forged_sale = sale(&engine, CLICKPESA, "0712345671", 3000).await;
    until_final(&sim, forged_sale.reference.as_str()).await;
    let mut forged = clickpesa_body(forged_sale.reference.as_str(), "3000", "PAYMENT RECEIVED");
    forged["checksum"] = "0".repeat(64).into();
    assert_eq!(post(&url, &forged).await, 200);
    wait_for("paid, by the answer", Duration::from_secs(30), async || {
        (status_of(&engine, forged_sale.id).await == Status::Paid).then_some(())
    })
    .await;
    let kept = engine
        .journal()
        .hooks(Some(forged_sale.id), 10)
        .expect("hooks");
    assert_eq!(kept[0].checked, "refused");

    // Another amount than lipa asked: kept for a person, nothing asked, nothing moved.
    let open = sale(&engine, CLICKPESA, "0712345672", 4000).await;
    let before = sim
        .ledger()
        .iter()
        .find(|e| e.reference == open.reference.as_str())
        .map(|e| e.status_queries)
        .expect("at the provider");
    let wrong = clickpesa_body(open.reference.as_str(), "40", "PAYMENT RECEIVED");
    assert_eq!(post(&url, &wrong).await, 200);
    let kept = wait_for(
        "the disagreeing callback kept",
        Duration::from_secs(10),
        async || {
            engine
                .journal()
                .hooks(Some(open.id), 10)
                .ok()
                .filter(|h| !h.is_empty())
        },
    )
    .await;
    assert_eq!(kept[0].outcome, "disagrees");
    let events = hook_events(&engine, open.id);
    assert!(
        matches!(&events[0].message, lipa::strings::Msg::HookDisagrees { what, .. } if what.contains("40")),
        "{events:?}"
    );
    let after = sim
        .ledger()
        .iter()
        .find(|e| e.reference == open.reference.as_str())
        .map(|e| e.status_queries)
        .expect("at the provider");
    assert_eq!(after, before, "nothing asked on a disagreeing callback");
    assert!(!status_of(&engine, open.id).await.is_final());

    // A reference nobody used: kept for a person.
    let stranger = clickpesa_body("LPNOBODY00001", "100", "PAYMENT RECEIVED");
    assert_eq!(post(&url, &stranger).await, 200);
    let unmatched = wait_for(
        "the unmatched callback kept",
        Duration::from_secs(10),
        async || {
            engine
                .journal()
                .hooks(None, 10)
                .ok()
                .filter(|h| !h.is_empty())
        },
    )
    .await;
    assert_eq!(unmatched[0].outcome, "unmatched");
    assert!(unmatched[0].named.contains("LPNOBODY00001"));
    assert!(
        sim.ledger().iter().all(|e| e.initiate_calls == 1),
        "nothing sent again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_callers_are_refused_at_the_door_and_never_hold_it() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = engine(
        &sim,
        Journal::open_in(dir.path()).expect("journal"),
        Duration::from_secs(300),
    );
    let base = receiver(&engine, &sim, Duration::from_millis(500)).await;
    // A connection each (as a provider's sender): a kept one that the receiver closes after
    // refusing a body it did not read would fail the next request on it, one run in twenty.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("client");

    // A provider lipa does not have, and a body over the cap.
    let status = |r: reqwest::Response| r.status().as_u16();
    let unknown = client
        .post(format!("{base}/hooks/nobody"))
        .body("{}")
        .send();
    assert_eq!(status(unknown.await.expect("answered")), 404);
    let big = "x".repeat(lipa::hooks::MAX_BODY + 1);
    let over = client
        .post(format!("{base}/hooks/clickpesa"))
        .body(big)
        .send();
    assert_eq!(status(over.await.expect("answered")), 413);

    // A caller that never finishes its body: cut off, and the door stays open meanwhile.
    let addr = base.trim_start_matches("http://").to_string();
    let mut slow = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    slow.write_all(
        b"POST /hooks/clickpesa HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"event\"",
    )
    .await
    .expect("write");
    let meanwhile = client
        .post(format!("{base}/hooks/clickpesa"))
        .json(&serde_json::json!({"event": "PAYMENT RECEIVED", "data": {}}))
        .send()
        .await
        .expect("answered while a slow caller waits");
    assert_eq!(meanwhile.status().as_u16(), 200);
    let mut answer = vec![0u8; 256];
    let read = tokio::time::timeout(Duration::from_secs(20), slow.read(&mut answer))
        .await
        .expect("the slow caller is answered")
        .expect("read");
    let said = String::from_utf8_lossy(&answer[..read]);
    assert!(said.starts_with("HTTP/1.1 408"), "{said}");

    // A body said to be over the cap, none of it sent: refused as too large at once (it
    // waited for its body, then got 408).
    let mut declared = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    declared
        .write_all(b"POST /hooks/clickpesa HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
        .await
        .expect("write");
    let mut answer = vec![0u8; 256];
    let read = tokio::time::timeout(Duration::from_secs(20), declared.read(&mut answer))
        .await
        .expect("answered")
        .expect("read");
    let said = String::from_utf8_lossy(&answer[..read]);
    assert!(said.starts_with("HTTP/1.1 413"), "{said}");

    // A caller that never finishes its headers: closed once it has been silent a while.
    let mut stalled = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connect");
    stalled
        .write_all(b"POST /hooks/clickpesa HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    let mut rest = vec![0u8; 256];
    let closed = tokio::time::timeout(Duration::from_secs(20), stalled.read(&mut rest))
        .await
        .expect("closed, not held");
    assert!(
        matches!(closed, Ok(0) | Err(_)),
        "the connection ends: {closed:?}"
    );

    // A flood from one source (through a proxy on this machine) is cut; another source is not.
    let mut codes = Vec::new();
    for _ in 0..80 {
        let r = client
            .post(format!("{base}/hooks/clickpesa"))
            .header("X-Forwarded-For", "203.0.113.66")
            .body("{}")
            .send()
            .await
            .expect("answered");
        codes.push(r.status().as_u16());
    }
    assert!(codes.contains(&429), "{codes:?}");
    assert!(
        codes.iter().filter(|c| **c == 200).count() >= 30,
        "{codes:?}"
    );
    let other = client
        .post(format!("{base}/hooks/clickpesa"))
        .header("X-Forwarded-For", "198.51.100.8")
        .body("{}")
        .send()
        .await
        .expect("answered");
    assert_eq!(other.status().as_u16(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daraja_callbacks_name_the_payment_by_checkout_request_id() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = engine(
        &sim,
        Journal::open_in(dir.path()).expect("journal"),
        Duration::from_secs(300),
    );
    let base = receiver(&engine, &sim, Duration::from_secs(10)).await;
    let p = sale(&engine, ProviderKind::Daraja, "0712345670", 250).await;
    let id = p.provider_id.clone().expect("the CheckoutRequestID");
    until_final(&sim, p.reference.as_str()).await;
    let body = serde_json::json!({"Body": {"stkCallback": {
        "MerchantRequestID": "29115-34620561-1",
        "CheckoutRequestID": id,
        "ResultCode": 0,
        "ResultDesc": "The service request is processed successfully.",
        "CallbackMetadata": {"Item": [
            {"Name": "Amount", "Value": 250.00},
            {"Name": "MpesaReceiptNumber", "Value": "NLJ7RT61SV"},
            {"Name": "TransactionDate", "Value": 20191219102115u64},
            {"Name": "PhoneNumber", "Value": 254712345670u64}
        ]}
    }}});
    assert_eq!(post(&format!("{base}/hooks/daraja"), &body).await, 200);
    wait_for(
        "paid, found by the wake",
        Duration::from_secs(30),
        async || (status_of(&engine, p.id).await == Status::Paid).then_some(()),
    )
    .await;
    let kept = engine.journal().hooks(Some(p.id), 10).expect("hooks");
    assert_eq!(kept[0].checked, "unsigned");
    assert_eq!(kept[0].outcome, "asked");
}

/// The process that follows a payment is not the one that received its callback: told
/// through the till's journal (two engines on one file), and through the shared ledger.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_process_following_a_payment_is_woken_by_another_s_callback() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    type Opens = Box<dyn Fn() -> Journal>;
    let mut backends: Vec<(&str, Opens)> = vec![(
        "sqlite",
        Box::new({
            let path = dir.path().to_path_buf();
            move || Journal::open_in(&path).expect("journal")
        }),
    )];
    let db = ledger::TestDb::create("hooks_wake");
    if let Some(db) = &db {
        let url = db.url.clone();
        backends.push((
            "postgres",
            Box::new(move || Journal::open_postgres(&url).expect("ledger")),
        ));
    }
    for (name, open) in backends {
        let follower = engine(&sim, open(), Duration::from_secs(300));
        follower.follow_ledger();
        let receiving = engine(&sim, open(), Duration::from_secs(300));
        let base = receiver(&receiving, &sim, Duration::from_secs(10)).await;
        let p = sale(&follower, CLICKPESA, "0712345673", 1200).await;
        assert!(follower.is_tracking(p.id), "{name}: followed by its sender");
        until_final(&sim, p.reference.as_str()).await;
        let body = clickpesa_body(p.reference.as_str(), "1200", "PAYMENT RECEIVED");
        assert_eq!(post(&format!("{base}/hooks/clickpesa"), &body).await, 200);
        wait_for(
            &format!("{name}: paid, by the follower's wake"),
            Duration::from_secs(30),
            async || (status_of(&follower, p.id).await == Status::Paid).then_some(()),
        )
        .await;
        let entry = sim
            .ledger()
            .into_iter()
            .find(|e| e.reference == p.reference.as_str())
            .expect("at the provider");
        assert_eq!(
            entry.most_queries_at_once, 1,
            "{name}: never two questions at once"
        );
    }
}

/// The callbacks kept for a person are listed by `lipa history --hooks`, printable and short,
/// or as JSON: what a stranger sent, without its escape codes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_lists_the_callbacks_kept_for_a_person() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let engine = engine(
        &sim,
        Journal::open_in(dir.path()).expect("journal"),
        Duration::from_secs(300),
    );
    let base = receiver(&engine, &sim, Duration::from_secs(10)).await;
    let stranger = clickpesa_body("LPSTRANGER001", "100", "PAYMENT RECEIVED");
    assert_eq!(
        post(&format!("{base}/hooks/clickpesa"), &stranger).await,
        200
    );
    // A callback is answered before it is kept: the second is sent once the first is kept, so
    // that "newest first" has one answer (the two were kept the other way round, one run in
    // four on a busy machine).
    wait_for("the first kept", Duration::from_secs(10), async || {
        engine
            .journal()
            .hooks(None, 10)
            .ok()
            .filter(|h| h.len() == 1)
    })
    .await;
    let odd = serde_json::json!({"transactionRef": "\u{1b}[2Jhello"});
    assert_eq!(post(&format!("{base}/hooks/cepta"), &odd).await, 200);
    wait_for("both kept", Duration::from_secs(10), async || {
        engine
            .journal()
            .hooks(None, 10)
            .ok()
            .filter(|h| h.len() == 2)
    })
    .await;
    drop(engine);
    let env = vec![
        ("HOME", dir.path().display().to_string()),
        ("LIPA_DATA_DIR", dir.path().display().to_string()),
    ];
    let out = cli::command(env.clone())
        .args(["history", "--hooks"])
        .output()
        .expect("history");
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("LPSTRANGER001") && said.contains("clickpesa"),
        "{said}"
    );
    assert!(
        !said.contains('\u{1b}'),
        "no escape code reaches the terminal: {said:?}"
    );
    let out = cli::command(env)
        .args(["history", "--hooks", "--json"])
        .output()
        .expect("history");
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["provider"], "cepta", "newest first");
    assert_eq!(lines[1]["outcome"], "unmatched");
}

/// pawaPay's signed callbacks (RFC 9421) are checked with the key pawaPay publishes (read from
/// its `/v2/public-key/http`): one signed by another key, or whose body was changed after
/// signing, is kept as refused and says why in the log; one without a signature is unsigned.
/// Each is still only a hint: the answer settles the payment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pawapay_signatures_are_checked_with_the_key_it_publishes() {
    use lipa::provider::http_signature::{Message, sign};
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let journal = Journal::open_in(dir.path()).expect("journal");
    let engine = engine(&sim, journal, Duration::from_secs(300));
    let base = receiver(&engine, &sim, Duration::from_secs(10)).await;
    let url = format!("{base}/hooks/pawapay");
    let authority = base.trim_start_matches("http://").to_string();
    let p = sale(&engine, ProviderKind::PawapayKe, "0712345670", 1000).await;
    let deposit = p.provider_id.clone().expect("our deposit id");
    until_final(&sim, p.reference.as_str()).await;
    let post_signed = async |body: &str, signer: Option<(&p256::ecdsa::SigningKey, &str)>| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("content-type", "application/json".parse().expect("v"));
        if let Some((key, signed_body)) = signer {
            let message = Message {
                method: "POST",
                authority: &authority,
                path: "/hooks/pawapay",
                query: None,
                headers: &headers,
                body: signed_body.as_bytes(),
            };
            let covered = [
                "@method",
                "@authority",
                "@path",
                "content-digest",
                "content-type",
            ];
            let now = chrono::Utc::now().timestamp();
            for (k, v) in sign(&message, &covered, key, "HTTP_EC_P256_KEY:1", now).expect("signed")
            {
                headers.insert(
                    reqwest::header::HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes())
                        .expect("name"),
                    v.parse().expect("value"),
                );
            }
        }
        reqwest::Client::new()
            .post(&url)
            .headers(headers)
            .body(body.to_string())
            .send()
            .await
            .expect("answered")
            .status()
            .as_u16()
    };
    let body = |status: &str| {
        serde_json::json!({"depositId": deposit, "status": status, "amount": "1000", "currency": "KES"})
            .to_string()
    };
    let other = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).expect("a key");
    assert_eq!(
        post_signed(&body("COMPLETED"), Some((&other, &body("COMPLETED")))).await,
        200
    );
    // Signed by pawaPay's key for one body, sent with another: the digest says so. (The
    // simulator's key is not reachable here, so the foreign key signs; the digest is checked
    // before the key.)
    assert_eq!(
        post_signed(&body("FAILED"), Some((&other, &body("PROCESSING")))).await,
        200
    );
    assert_eq!(post_signed(&body("ACCEPTED"), None).await, 200);
    let kept = wait_for(
        "three callbacks kept",
        Duration::from_secs(10),
        async || {
            engine
                .journal()
                .hooks(Some(p.id), 10)
                .ok()
                .filter(|h| h.len() == 3)
        },
    )
    .await;
    let mut checked: Vec<&str> = kept.iter().map(|h| h.checked.as_str()).collect();
    checked.sort_unstable();
    assert_eq!(checked, ["refused", "refused", "unsigned"], "{kept:?}");
    wait_for("paid, by the answer", Duration::from_secs(30), async || {
        (status_of(&engine, p.id).await == Status::Paid).then_some(())
    })
    .await;
    // One address serves both countries: a deposit naming no payment is kept under the row
    // its currency says (it was always Kenya's).
    let stray = serde_json::json!({"depositId": "no-such-deposit", "status": "COMPLETED",
        "amount": "500", "currency": "TZS"});
    assert_eq!(post_signed(&stray.to_string(), None).await, 200);
    let unmatched = wait_for("the stray kept", Duration::from_secs(10), async || {
        engine
            .journal()
            .hooks(None, 10)
            .ok()
            .filter(|h| !h.is_empty())
    })
    .await;
    assert_eq!(unmatched[0].provider, "pawapay-tz", "{unmatched:?}");
}

/// Cepta's static `hash-key` (SHA-512 of the secret key and the merchant id) is checked when
/// the merchant id is configured: a wrong one, or none, is kept as refused; the right one as
/// signed. Each is still only a hint.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cepta_s_hash_key_is_checked_when_the_merchant_id_is_known() {
    use lipa::sim::demo;
    let sim = simulator().await;
    let dir = tempfile::tempdir().expect("dir");
    let journal = Journal::open_in(dir.path()).expect("journal");
    let engine = engine(&sim, journal, Duration::from_secs(300));
    let base = receiver(&engine, &sim, Duration::from_secs(10)).await;
    let p = sale(&engine, ProviderKind::Cepta, "0712345670", 1000).await;
    let post_keyed = async |status: &str, key: Option<String>| {
        let mut request = reqwest::Client::new()
            .post(format!("{base}/hooks/cepta"))
            .json(&serde_json::json!({"transactionRef": p.reference.as_str(), "status": status}));
        if let Some(key) = key {
            request = request.header("hash-key", key);
        }
        request.send().await.expect("answered").status().as_u16()
    };
    let right =
        lipa::provider::cepta::hook::hash_key(demo::CEPTA_SECRET_KEY, demo::CEPTA_MERCHANT_ID);
    assert_eq!(post_keyed("successful", Some("0".repeat(128))).await, 200);
    assert_eq!(post_keyed("paid", None).await, 200);
    assert_eq!(
        post_keyed("completed", Some(right.to_uppercase())).await,
        200
    );
    let kept = wait_for(
        "three callbacks kept",
        Duration::from_secs(10),
        async || {
            engine
                .journal()
                .hooks(Some(p.id), 10)
                .ok()
                .filter(|h| h.len() == 3)
        },
    )
    .await;
    let mut checked: Vec<&str> = kept.iter().map(|h| h.checked.as_str()).collect();
    checked.sort_unstable();
    assert_eq!(checked, ["refused", "refused", "signed"], "{kept:?}");
}
