//! Library level: `Debug` of a loaded `Config`, its settings and the clients; `Display` and
//! `Debug` of every configuration error and of every error the clients return, refused by the
//! simulator or by a stub that echoes the secrets back (so redaction is what keeps them out).

use crate::proxy::closed_port;
use crate::run::*;
use crate::scan::*;
use crate::stub;
use lipa::config::{Config, Secret};
use lipa::money::{Currency, Money};
use lipa::phone::{Country, Phone};
use lipa::provider::cepta::CeptaClient;
use lipa::provider::cepta::CeptaSettings;
use lipa::provider::clickpesa::ClickPesaSettings;
use lipa::provider::clickpesa::{ClickPesaClient, ListQuery};
use lipa::provider::{Charged, Provider, ProviderKind, PushRequest, http};
use lipa::reference::Reference;

fn tz_push() -> PushRequest {
    PushRequest {
        reference: Reference::generate(ProviderKind::ClickPesa, chrono::Utc::now().timestamp()),
        phone: Phone::parse("0712345670", Country::Tanzania).expect("phone"),
        amount: Money::from_minor(1500, Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        prepared: None,
        callback: None,
    }
}

fn ke_push() -> PushRequest {
    PushRequest {
        reference: Reference::generate(ProviderKind::Cepta, chrono::Utc::now().timestamp()),
        phone: Phone::parse("0712345670", Country::Kenya).expect("phone"),
        amount: Money::from_minor(150_000, Currency::Kes),
        channel: None,
        email: None,
        name: None,
        prepared: None,
        callback: None,
    }
}

fn clickpesa(base_url: String, api_key: &str, checksum_key: &str) -> ClickPesaClient {
    let settings = ClickPesaSettings {
        base_url,
        client_id: CP_CLIENT_ID.into(),
        api_key: Secret::new(api_key),
        checksum_key: Some(Secret::new(checksum_key)),
    };
    ClickPesaClient::new(settings, http::client())
}

fn cepta(base_url: String, secret_key: &str) -> CeptaClient {
    let settings = CeptaSettings {
        base_url,
        public_key: CE_PUBLIC_KEY.into(),
        secret_key: Secret::new(secret_key),
        email: CE_EMAIL.into(),
    };
    CeptaClient::new(settings, http::client())
}

/// Every call of a ClickPesa client: the outcome's `Debug`, and each error's `Display`.
async fn exercise_clickpesa(client: &ClickPesaClient, hay: &mut Haystack, what: &str) -> usize {
    let push = tz_push();
    let outcomes = [
        ("initiate", client.initiate(&push).await.map(|_| ())),
        ("preview", client.preview(&push).await.map(|_| ())),
        (
            "query",
            client.query(&Charged::of_request(&push)).await.map(|_| ()),
        ),
        (
            "list",
            client
                .list_payments(&ListQuery::default())
                .await
                .map(|_| ()),
        ),
    ];
    let mut errors = 0;
    for (call, outcome) in outcomes {
        if let Err(e) = &outcome {
            errors += 1;
            hay.add(format!("{what} {call}: error Display"), e.to_string());
        }
        hay.add(format!("{what} {call}: Debug"), format!("{outcome:?}"));
    }
    hay.add(format!("{what}: client Debug"), format!("{client:?}"));
    errors
}

async fn exercise_cepta(client: &CeptaClient, hay: &mut Haystack, what: &str) -> usize {
    let push = ke_push();
    let outcomes = [
        ("initiate", client.initiate(&push).await.map(|_| ())),
        (
            "query",
            client.query(&Charged::of_request(&push)).await.map(|_| ()),
        ),
        ("channels", client.channels().await.map(|_| ())),
    ];
    let mut errors = 0;
    for (call, outcome) in outcomes {
        if let Err(e) = &outcome {
            errors += 1;
            hay.add(format!("{what} {call}: error Display"), e.to_string());
        }
        hay.add(format!("{what} {call}: Debug"), format!("{outcome:?}"));
    }
    hay.add(format!("{what}: client Debug"), format!("{client:?}"));
    errors
}

#[tokio::test(flavor = "multi_thread")]
async fn config_debug_and_config_errors_hold_no_secret() {
    capture_in_process_logs();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut hay = Haystack::default();
    let text = good_file_text("http://127.0.0.1:9/third-parties", "http://127.0.0.1:9");
    let good = config_file(dir.path(), "good.toml", &text, 0o600);
    let from_file = Config::load(Some(&good), |_| None).expect("good config");
    let cp = ClickPesaSettings::from_settings(
        from_file
            .settings(lipa::provider::ProviderKind::ClickPesa)
            .expect("clickpesa"),
    );
    assert_eq!(cp.api_key.expose(), CP_API_KEY, "the file's key was read");
    hay.add("Config from a file: Debug", format!("{from_file:?}"));
    hay.add(
        "Config from a file: Debug (pretty)",
        format!("{from_file:#?}"),
    );
    hay.add("ClickPesaSettings: Debug", format!("{cp:?}"));
    hay.add("Secret: Debug", format!("{:?}", cp.api_key));

    let plain = config_file(dir.path(), "plain.toml", "[console]\nbell = false\n", 0o600);
    let env =
        Setup::env("http://127.0.0.1:9/third-parties", "http://127.0.0.1:9").full_env(dir.path());
    let lookup = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
    let from_env = Config::load(Some(&plain), lookup).expect("env config");
    let ce = CeptaSettings::from_settings(
        from_env
            .settings(lipa::provider::ProviderKind::Cepta)
            .expect("cepta"),
    );
    assert_eq!(
        ce.secret_key.expose(),
        CE_SECRET_KEY,
        "the environment's key was read"
    );
    hay.add(
        "Config from the environment: Debug",
        format!("{from_env:#?}"),
    );

    for (name, text, mode) in broken_files() {
        let path = config_file(dir.path(), name, &text, mode);
        // A broken file is an error; a broken provider in a good file is a problem of the
        // loaded configuration (the provider is left off). Either way, no secret in it.
        match Config::load(Some(&path), |_| None) {
            Err(error) => {
                hay.add(format!("{name}: ConfigError Display"), error.to_string());
                hay.add(format!("{name}: ConfigError Debug"), format!("{error:?}"));
            }
            Ok(config) => {
                assert!(!config.problems.is_empty(), "{name}: {config:?}");
                for (_, problem) in &config.problems {
                    hay.add(format!("{name}: problem Display"), problem.to_string());
                }
                hay.add(format!("{name}: Config Debug"), format!("{config:?}"));
            }
        }
    }
    hay.add_in_process_log();
    hay.assert_clean(&fixed_secrets());
}

#[tokio::test(flavor = "multi_thread")]
async fn clients_refused_by_the_simulator_hold_no_secret() {
    let sim = simulator().await;
    let closed = format!("http://127.0.0.1:{}", closed_port());
    let mut hay = Haystack::default();
    let cp = |key: &str, sum: &str| clickpesa(sim.clickpesa_base_url(), key, sum);
    let errors = [
        exercise_clickpesa(
            &cp(WRONG_CP_API_KEY, CP_CHECKSUM_KEY),
            &mut hay,
            "wrong api key",
        )
        .await,
        exercise_clickpesa(
            &cp(CP_API_KEY, WRONG_CP_CHECKSUM_KEY),
            &mut hay,
            "wrong sum",
        )
        .await,
        exercise_clickpesa(
            &clickpesa(closed.clone(), CP_API_KEY, CP_CHECKSUM_KEY),
            &mut hay,
            "clickpesa closed port",
        )
        .await,
        exercise_cepta(
            &cepta(sim.cepta_base_url(), WRONG_CE_SECRET_KEY),
            &mut hay,
            "wrong cepta secret",
        )
        .await,
        exercise_cepta(&cepta(closed, CE_SECRET_KEY), &mut hay, "cepta closed port").await,
    ];
    assert!(
        errors[0] >= 4 && errors[1] >= 2 && errors[3] >= 2,
        "refused as expected: {errors:?}"
    );
    // With the right keys, nothing is refused (the search above is not of a broken setup).
    let fine = cp(CP_API_KEY, CP_CHECKSUM_KEY);
    assert_eq!(exercise_clickpesa(&fine, &mut hay, "right keys").await, 0);
    hay.add_in_process_log();
    hay.assert_clean(&fixed_secrets());
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_words_that_echo_a_secret_are_redacted() {
    capture_in_process_logs();
    let addr = stub::start().await;
    let (api, sum, token) = stub::offsets();
    // The clients keep the first 300 characters of a provider's message: place each secret
    // across that cut as well as whole inside it.
    let cut = |at: usize| 300 - 15 - at;
    let pads = [0, cut(api), cut(sum), cut(token)];
    let mut hay = Haystack::default();
    let mut errors = 0;
    let cp_modes: Vec<(&str, &str)> = ["400", "401", "403", "429", "500", "302"]
        .iter()
        .map(|s| (*s, "200"))
        .chain(
            [
                "302", "400", "400c", "401", "403", "404", "408", "409", "429", "500", "503",
            ]
            .iter()
            .map(|s| ("200", *s)),
        )
        .collect();
    for (token_status, call_status) in cp_modes {
        for pad in pads {
            let checksum = call_status.ends_with('c') && token_status == "200";
            let pad = if checksum {
                pad.saturating_sub(stub::CHECKSUM_PREFIX)
            } else {
                pad
            };
            let base = format!("http://{addr}/{token_status}/{call_status}/{pad}/third-parties");
            let client = clickpesa(base, CP_API_KEY, CP_CHECKSUM_KEY);
            let what = format!("clickpesa stub token {token_status} call {call_status} pad {pad}");
            errors += exercise_clickpesa(&client, &mut hay, &what).await;
        }
    }
    for status in ["302", "400", "401", "403", "404", "409", "429", "500"] {
        for pad in [0, cut(0)] {
            let client = cepta(format!("http://{addr}/0/{status}/{pad}"), CE_SECRET_KEY);
            let what = format!("cepta stub {status} pad {pad}");
            errors += exercise_cepta(&client, &mut hay, &what).await;
        }
    }
    assert!(errors > 100, "the stub refused the calls: {errors} errors");
    hay.add_in_process_log();
    hay.assert_clean(&fixed_secrets());
}

/// Every way a ledger URL can be refused, with its password in the credentials (holding a `?`,
/// as a tester's did) or in a `password=` parameter: no error shows it, in either language.
/// None of these URLs reaches a server (port 1, or refused before connecting).
#[test]
fn ledger_url_errors_hold_no_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = LEDGER_PASSWORD;
    let urls = [
        format!("postgres://till:{p}@127.0.0.1:1"),
        format!("postgres://till:{p}@127.0.0.1:1/"),
        format!("postgres://till:{p}@127.0.0.1:1/lipa"),
        format!("postgres://till:{p}@127.0.0.1:1/lipa?sslmode=bogus"),
        format!("postgres://till:{p}@127.0.0.1:notaport/lipa"),
        format!("postgres://till:{p}@127.0.0.1:1/lipa?unknown=1"),
        format!("postgres://till:{p}@127.0.0.1:1/lipa?sslrootcert=/nonexistent/ca.pem"),
        format!("postgres://till:{p}@127.0.0.1:1/lipa?sslmode=disable&sslrootcert=system"),
        format!("postgres://till:{p}@x@127.0.0.1:1/lipa"),
        format!("postgres://till@127.0.0.1:1/lipa?password={p}&port=abc"),
        format!("postgres://till@127.0.0.1:1/lipa?sslmode=require&password={p}"),
        format!("mysql://till:{p}@127.0.0.1:1/lipa"),
        format!("till:{p}@127.0.0.1:1/lipa"),
        // Not a URL at all (a tester's): the password among its words was shown whole.
        format!("postgres://bad url {p}"),
        format!("postgres://till:{p} @127.0.0.1:1/lipa"),
    ];
    let mut hay = Haystack::default();
    // Each is named by its place in the list: the URL itself holds the secret.
    for (i, url) in urls.iter().enumerate() {
        let err = lipa::journal::Journal::open_for(dir.path(), Some(url))
            .err()
            .unwrap_or_else(|| panic!("ledger URL #{i}: opened"));
        for lang in [lipa::strings::Lang::En, lipa::strings::Lang::Sw] {
            hay.add(format!("ledger URL #{i}: error text"), err.text(lang));
        }
        hay.add(format!("ledger URL #{i}: error Debug"), format!("{err:?}"));
    }
    hay.assert_clean(&fixed_secrets());
}
