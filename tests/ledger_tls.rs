//! TLS to the shared ledger against a real PostgreSQL server that speaks it (`.ci/postgres`
//! gives it a certificate from a CA of its own): encrypted by default as with psql; with
//! `verify-full` the certificate is verified — trusted through `sslrootcert=`, refused
//! without it.

#[path = "support/ledger.rs"]
mod ledger;
#[path = "ledger_tls/refusing.rs"]
mod refusing;

use ledger::TestDb;
use lipa::journal::{Journal, JournalError};
use lipa::strings::Lang;
use refusing::RefusingServer;

/// The test server's certificate, or `None` (with a message) when it has none.
fn server_ca() -> Option<String> {
    let ca = std::env::var("LIPA_TEST_PG_CA")
        .ok()
        .filter(|c| !c.is_empty());
    if ca.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the TLS tests: LIPA_TEST_PG_CA (.ci/postgres)"
        );
        eprintln!("skipped: no LIPA_TEST_PG_CA (eval \"$(.ci/postgres)\")");
    }
    ca
}

#[test]
fn a_ledger_over_tls_is_verified_and_encrypted() {
    let (Some(db), Some(ca)) = (TestDb::create("tls"), server_ca()) else {
        return;
    };
    let url = format!("{}?sslmode=verify-full&sslrootcert={ca}", db.url);
    let journal = Journal::open_postgres(&url).expect("over TLS with the server's CA");
    assert!(journal.unresolved().expect("a read").is_empty());
    let encrypted = "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
         WHERE a.application_name = 'lipa' AND a.datname = current_database() AND s.ssl";
    assert!(db.count(encrypted) >= 1, "lipa's connections use TLS");
    let plain = "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
         WHERE a.application_name = 'lipa' AND a.datname = current_database() AND NOT s.ssl";
    assert_eq!(db.count(plain), 0);
}

/// As psql: with no sslmode, encrypted when the server offers it, whatever its certificate.
#[test]
fn by_default_the_ledger_is_encrypted_when_the_server_offers_it() {
    let (Some(db), Some(_)) = (TestDb::create("tlsprefer"), server_ca()) else {
        return;
    };
    let journal = Journal::open_postgres(&db.url).expect("prefer");
    assert!(journal.unresolved().expect("a read").is_empty());
    let plain = "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
         WHERE a.application_name = 'lipa' AND a.datname = current_database() AND NOT s.ssl";
    assert_eq!(db.count(plain), 0);
}

#[test]
fn an_unknown_certificate_is_refused_and_says_why() {
    let (Some(db), Some(_)) = (TestDb::create("tlsunknown"), server_ca()) else {
        return;
    };
    // A password in the URL (the server trusts loopback, so it is not needed).
    let url = db.url.replacen("postgres@", "postgres:sekret-pw@", 1);
    let err = Journal::open_postgres(&format!("{url}?sslmode=verify-full"))
        .err()
        .expect("a self-signed certificate nobody named is refused");
    let text = err.text(Lang::En);
    assert!(matches!(err, JournalError::Unreachable(_)), "{err:?}");
    assert!(text.contains("certificate"), "{text}");
    assert!(!text.contains("sekret-pw") && !format!("{err:?}").contains("sekret-pw"));
}

#[test]
fn a_ca_file_that_is_not_one_is_named() {
    let (Some(db), Some(_)) = (TestDb::create("tlsbadca"), server_ca()) else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let not_a_cert = dir.path().join("ca.pem");
    std::fs::write(&not_a_cert, "hello\n").expect("write");
    let url = format!(
        "{}?sslmode=require&sslrootcert={}",
        db.url,
        not_a_cert.display()
    );
    let err = Journal::open_postgres(&url).err().expect("refused");
    assert!(matches!(err, JournalError::BadCa(_)), "{err:?}");
    assert!(
        err.text(Lang::Sw).contains("sslrootcert"),
        "{}",
        err.text(Lang::Sw)
    );
}

/// A ledger on the same machine through its Unix socket: never TLS (psql neither). Before, the
/// socket's path was taken for a name to verify ("invalid dns name", a tester).
#[test]
fn a_unix_socket_needs_no_tls() {
    let (Some(db), Some(ca)) = (TestDb::create("tlssocket"), server_ca()) else {
        return;
    };
    let dir = std::path::Path::new(&ca)
        .parent()
        .expect("the server's directory");
    let (rest, name) = db.url.rsplit_once('/').expect("database");
    let port = rest.rsplit_once(':').expect("port").1;
    let url = format!(
        "postgres://postgres@/{name}?host={}&port={port}",
        dir.display()
    );
    let journal = Journal::open_postgres(&url).expect("over the socket");
    assert!(journal.unresolved().expect("a read").is_empty());
}

/// A CA certificate (any will do: the server below never gets as far as showing one).
fn fixture_ca() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ledger_tls/ca.pem").to_string()
}

/// A tester's server answered "no TLS" to a URL naming a CA (`sslrootcert=`), and lipa sent
/// the password in clear. A URL that names a CA, or says `require`, `verify-ca` or
/// `verify-full`, never talks without TLS: the connection is refused and nothing follows the
/// server's "no".
#[test]
fn a_url_that_asks_for_tls_never_talks_without_it() {
    let ca = fixture_ca();
    for query in [
        format!("sslrootcert={ca}"),
        "sslrootcert=system".to_string(),
        "sslmode=require".to_string(),
        "sslmode=verify-ca".to_string(),
        "sslmode=verify-full".to_string(),
        format!("sslmode=prefer&sslrootcert={ca}"),
        format!("sslrootcert={ca}&sslmode=prefer"),
        // The keys as tokio-postgres reads them: percent-decoded.
        "ssl%72ootcert=system".to_string(),
        "sslmode=prefer&sslmod%65=require".to_string(),
    ] {
        for credentials in ["till:Sekr3tPW", "till:pa?ss&sslmode=prefer#Sekr3tPW"] {
            let server = RefusingServer::start();
            let url = format!(
                "postgres://{credentials}@127.0.0.1:{}/lipa?{query}",
                server.port
            );
            let err = Journal::open_postgres(&url)
                .err()
                .unwrap_or_else(|| panic!("{query}: opened without TLS"));
            let shown = format!("{} {err:?}", err.text(Lang::Sw));
            assert!(!shown.contains("Sekr3tPW"), "{query}: {shown}");
            for clear in server.clear_bytes() {
                assert!(
                    clear.is_empty(),
                    "{credentials} {query}: sent in clear after the server refused TLS: {:?}",
                    String::from_utf8_lossy(&clear)
                );
            }
        }
    }
}

/// psql's default (`prefer`) does talk in clear to a server without TLS: the refusing server
/// sees it (so that the test above would see it too).
#[test]
fn by_default_a_server_without_tls_is_spoken_to_in_clear() {
    let server = RefusingServer::start();
    let url = format!("postgres://till:Sekr3tPW@127.0.0.1:{}/lipa", server.port);
    assert!(Journal::open_postgres(&url).is_err());
    let clear = server.clear_bytes().concat();
    let clear = String::from_utf8_lossy(&clear);
    assert!(
        clear.contains("till") && clear.contains("Sekr3tPW"),
        "{clear:?}"
    );
}

/// A URL that names a CA and says `sslmode=disable` contradicts itself: refused before
/// connecting, and says why.
#[test]
fn a_ca_with_tls_disabled_is_refused_before_connecting() {
    for query in [
        format!("sslmode=disable&sslrootcert={}", fixture_ca()),
        "sslrootcert=system&sslmode=disable".to_string(),
    ] {
        let server = RefusingServer::start();
        let url = format!(
            "postgres://till:Sekr3tPW@127.0.0.1:{}/lipa?{query}",
            server.port
        );
        let err = Journal::open_postgres(&url).err().expect("refused");
        for lang in [Lang::En, Lang::Sw] {
            let text = err.text(lang);
            assert!(text.contains("sslmode=disable"), "{text}");
            assert!(!text.contains("Sekr3tPW"), "{text}");
        }
        assert!(!format!("{err:?}").contains("Sekr3tPW"));
        assert_eq!(server.accepted(), 0, "{query}: connected");
    }
}
