//! A dot between thousands: a cashier used to `10.000` for ten thousand was charging TZS 10
//! (and KES 10), since trailing zeros after a dot were dropped. Now a dot in a currency of
//! whole units and a third decimal digit are refused at the field, with both readings, in the
//! console's form and in `lipa push --amount`, in English and Swahili; nothing is sent.

#[path = "support/cli.rs"]
mod cli;
mod console_common;

use console_common::*;
use lipa::console::effect::Effect;
use lipa::provider::ProviderKind;
use lipa::sim::{self, SimConfig, demo};
use lipa::strings::Lang;
use std::time::Duration;

/// Types `amount` for a paying customer in the form and presses Enter: what was sent, and the
/// screen.
fn typed(provider: ProviderKind, amount: &str, lang: Lang) -> (Vec<Effect>, String) {
    speak(lang);
    let mut a = app(BOTH, false, false);
    if provider == ProviderKind::Cepta {
        ctrl(&mut a, 'p');
        assert_eq!(a.provider, ProviderKind::Cepta);
        reference(&mut a, ProviderKind::Cepta, "LPCEPTA1234");
    }
    typ(&mut a, "0712345670");
    tab(&mut a);
    typ(&mut a, amount);
    let fx = enter(&mut a);
    (fx, render_plain(&a, 120, 30))
}

fn sent(fx: &[Effect]) -> bool {
    fx.iter()
        .any(|e| matches!(e, Effect::SubmitChecked(_) | Effect::Submit(_)))
}

#[test]
fn the_form_refuses_a_dot_between_thousands_with_both_readings() {
    let cases = [
        (
            ProviderKind::ClickPesa,
            "10.000",
            Lang::En,
            "10.000: did you mean 10,000?",
        ),
        (
            ProviderKind::ClickPesa,
            "1.000",
            Lang::En,
            "1.000: did you mean 1,000?",
        ),
        (
            ProviderKind::ClickPesa,
            "10.000",
            Lang::Sw,
            "10.000: ulimaanisha 10,000?",
        ),
        (
            ProviderKind::Cepta,
            "10.000",
            Lang::En,
            "10.000: did you mean 10,000 or 10.00?",
        ),
        (
            ProviderKind::Cepta,
            "1.000",
            Lang::Sw,
            "1.000: ulimaanisha 1,000 au 1.00?",
        ),
    ];
    for (provider, amount, lang, words) in cases {
        let (fx, screen) = typed(provider, amount, lang);
        assert!(!sent(&fx), "{provider} {amount}: sent {fx:?}");
        assert!(screen.contains(words), "{provider} {amount}:\n{screen}");
    }
    // A dot in whole shillings at all, and a third decimal digit of cents.
    for (provider, amount) in [
        (ProviderKind::ClickPesa, "1500.00"),
        (ProviderKind::Cepta, "10.5000"),
    ] {
        let (fx, _) = typed(provider, amount, Lang::En);
        assert!(!sent(&fx), "{provider} {amount}: sent {fx:?}");
    }
    // Cents as KES has them, and thousands with a comma, still go.
    for (provider, amount) in [
        (ProviderKind::ClickPesa, "10,000"),
        (ProviderKind::Cepta, "10.50"),
    ] {
        let (fx, _) = typed(provider, amount, Lang::En);
        assert!(sent(&fx), "{provider} {amount}: not sent {fx:?}");
    }
    speak(Lang::En);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_refuses_a_dot_between_thousands_and_sends_nothing() {
    let sim = sim::spawn(SimConfig {
        port: 0,
        settle: Duration::from_millis(300),
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.to_string()),
        ..SimConfig::default()
    })
    .await
    .expect("simulator");
    let dir = tempfile::tempdir().expect("dir");
    let cepta = sim.cepta_base_url();
    let env = cli::demo_env(dir.path(), &sim.clickpesa_base_url(), Some(&cepta));
    for (provider, amount, lang, words) in [
        (
            "clickpesa",
            "10.000",
            "en",
            "--amount: 10.000: did you mean 10,000?",
        ),
        (
            "clickpesa",
            "1.000",
            "sw",
            "--amount: 1.000: ulimaanisha 1,000?",
        ),
        (
            "cepta",
            "10.000",
            "en",
            "--amount: 10.000: did you mean 10,000 or 10.00?",
        ),
    ] {
        let env = env.clone();
        let args = [
            "push",
            "--lang",
            lang,
            "--provider",
            provider,
            "--phone",
            "0712345670",
            "--amount",
            amount,
            "--wait",
            "0",
            "--json",
        ];
        let out = tokio::task::spawn_blocking(move || {
            cli::command(env).args(args).output().expect("lipa")
        })
        .await
        .expect("join");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{provider} {amount}: {err}");
        assert!(err.contains(words), "{provider} {amount}: {err}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("\"status\":\"invalid\""), "{stdout}");
    }
    assert!(sim.ledger().is_empty(), "nothing sent: {:?}", sim.ledger());
}
