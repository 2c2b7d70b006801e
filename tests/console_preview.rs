//! The wallet check before a push (ClickPesa's preview), through `update` alone: asked once the
//! phone and amount have stayed unchanged for a while, stale answers dropped, the customer's
//! registered name shown under the phone, and never in the way of typing or sending.

mod console_common;

use console_common::*;
use lipa::console::App;
use lipa::console::action::Action;
use lipa::console::app::{Confirm, PreviewShown, QUIET};
use lipa::console::effect::Effect;
use lipa::console::view;
use lipa::money::{Currency, Money};
use lipa::provider::{Preview, PreviewMethod, ProviderKind};
use lipa::strings::console as s;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use std::time::Duration;

const NAME: &str = "ASHA MWANGI";

fn at(ms: u64) -> Action {
    let d = chrono::Duration::from_std(Duration::from_millis(ms)).expect("duration");
    Action::Tick(now() + d)
}

fn previews(fx: &[Effect]) -> Vec<&Effect> {
    fx.iter()
        .filter(|e| matches!(e, Effect::Preview { .. }))
        .collect()
}

/// Phone and amount typed at the fixed clock.
fn typed(phone: &str, amount: &str) -> App {
    let mut a = app(BOTH, true, false);
    typ(&mut a, phone);
    tab(&mut a);
    typ(&mut a, amount);
    a
}

/// Waits out the quiet period and returns the generation asked about.
fn asked(a: &mut App, at_ms: u64) -> u64 {
    let fx = act(a, at(at_ms));
    match previews(&fx).as_slice() {
        [Effect::Preview { generation, .. }] => *generation,
        other => panic!("expected one preview, got {other:?}"),
    }
}

fn answer(
    methods: &[(&str, bool)],
    name: Option<&str>,
) -> Result<Option<Preview>, lipa::console::action::Trouble> {
    Ok(Some(Preview {
        methods: methods
            .iter()
            .map(|(n, ok)| PreviewMethod {
                name: n.to_string(),
                available: *ok,
                fee_minor: Some(0),
                message: String::new(),
            })
            .collect(),
        account_name: name.map(str::to_string),
        wallet: None,
    }))
}

fn screen(a: &App, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| view::draw(f, a)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    (0..h)
        .map(|y| {
            let line: String = (0..w).map(|x| buffer[(x, y)].symbol()).collect();
            line.trim_end().to_string() + "\n"
        })
        .collect()
}

/// The line drawn under the phone field.
fn under_phone(text: &str) -> String {
    let mut lines = text.lines();
    lines.find(|l| l.contains("Phone"));
    lines.next().unwrap_or_default().trim().to_string()
}

#[test]
fn a_valid_form_asks_exactly_once_after_the_quiet_period() {
    let mut a = app(BOTH, true, false);
    let mut fx = Vec::new();
    for c in "0754 123 450".chars() {
        fx.extend(key(&mut a, c));
    }
    fx.extend(tab(&mut a));
    for c in "1500".chars() {
        fx.extend(key(&mut a, c));
    }
    assert!(previews(&fx).is_empty(), "asked while typing: {fx:?}");
    let wake = a.next_wake().expect("a wake for the check");
    assert!(wake <= QUIET, "{wake:?}");
    assert!(
        previews(&act(&mut a, at(300))).is_empty(),
        "asked too early"
    );
    let fx = act(&mut a, at(600));
    let [
        Effect::Preview {
            provider,
            phone,
            amount,
            reference,
            ..
        },
    ] = previews(&fx).as_slice()
    else {
        panic!("expected one preview: {fx:?}");
    };
    assert_eq!(*provider, ProviderKind::ClickPesa);
    assert_eq!(phone.normalized(), "255754123450");
    assert_eq!(*amount, Money::from_minor(1500, Currency::Tzs));
    assert_eq!(reference.as_ref().map(|r| r.as_str()), Some(CLICKPESA_REF));
    assert_eq!(a.next_wake(), None, "nothing else to wake for");
    for ms in [700, 1_500, 60_000] {
        assert!(previews(&act(&mut a, at(ms))).is_empty(), "asked again");
    }
}

#[test]
fn typing_again_restarts_the_quiet_period() {
    let mut a = typed("0754 123 450", "150");
    assert!(previews(&act(&mut a, at(500))).is_empty());
    // The cashier types the last digit half a second later: the wait starts again from there.
    assert!(previews(&key(&mut a, '0')).is_empty());
    assert!(
        previews(&act(&mut a, at(900))).is_empty(),
        "asked too early"
    );
    let g = asked(&mut a, 1_100);
    assert!(g > 0);
}

#[test]
fn an_invalid_or_empty_form_never_asks() {
    let mut a = typed("0754 123", "1500");
    assert!(previews(&act(&mut a, at(5_000))).is_empty());
    let mut b = app(BOTH, true, false);
    assert!(previews(&act(&mut b, at(5_000))).is_empty());
    assert_eq!(b.next_wake(), None);
}

#[test]
fn the_registered_name_shows_under_the_phone() {
    let mut a = typed("0754 123 450", "1500");
    let g = asked(&mut a, 600);
    a.dirty = false;
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: answer(&[("M-PESA", true)], Some(NAME)),
        },
    );
    assert!(a.dirty, "the answer is drawn");
    assert_eq!(a.preview.shown, Some(PreviewShown::Name(NAME.into())));
    let text = screen(&a, 80, 24);
    assert_eq!(under_phone(&text), format!("✓ Vodacom M-Pesa · {NAME}"));
    // Still a single line at the smallest size.
    let small = screen(&a, 60, 20);
    assert!(under_phone(&small).contains(NAME), "{small}");
}

#[test]
fn a_stale_answer_is_ignored() {
    let mut a = typed("0754 123 450", "1500");
    let g = asked(&mut a, 600);
    // The cashier kept typing: the answer is about another amount.
    key(&mut a, '0');
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: answer(&[("M-PESA", true)], Some(NAME)),
        },
    );
    assert_eq!(a.preview.shown, None);
    assert!(!screen(&a, 80, 24).contains(NAME));
    // The new amount is asked about in its turn; the old answer, arriving even later, is
    // still about the old amount.
    let g2 = asked(&mut a, 1_200);
    assert_ne!(g, g2);
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: answer(&[("M-PESA", true)], Some("OLD ANSWER")),
        },
    );
    assert_eq!(a.preview.shown, None);
    act(
        &mut a,
        Action::Previewed {
            generation: g2,
            result: answer(&[("M-PESA", true)], Some(NAME)),
        },
    );
    assert_eq!(a.preview.shown, Some(PreviewShown::Name(NAME.into())));
}

#[test]
fn switching_provider_drops_the_answer_and_its_late_twin() {
    let mut a = typed("0754 123 450", "1500");
    let g = asked(&mut a, 600);
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: answer(&[("M-PESA", true)], Some(NAME)),
        },
    );
    ctrl(&mut a, 'p');
    key(&mut a, 'y');
    assert_eq!(a.provider, ProviderKind::Cepta);
    assert_eq!(a.preview.shown, None, "cleared on switch");
    assert!(!screen(&a, 80, 24).contains(NAME));
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: answer(&[("M-PESA", true)], Some(NAME)),
        },
    );
    assert_eq!(a.preview.shown, None, "a late answer for ClickPesa");
}

#[test]
fn sending_clears_the_name_and_a_late_answer_stays_away() {
    let mut a = typed("0754 123 450", "1500");
    let g = asked(&mut a, 600);
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: answer(&[("M-PESA", true)], Some(NAME)),
        },
    );
    let fx = enter(&mut a);
    assert!(fx.iter().any(|e| matches!(e, Effect::SubmitChecked(_))));
    assert_eq!(a.preview.shown, None);
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: answer(&[("M-PESA", true)], Some(NAME)),
        },
    );
    assert!(!screen(&a, 80, 24).contains(NAME));
    assert!(previews(&act(&mut a, at(5_000))).is_empty(), "empty form");
}

/// No wallet can take the push: Enter asks first (y sends, n keeps the form).
#[test]
fn no_wallet_asks_before_sending() {
    let mut a = typed("0733 123 450", "1500");
    let g = asked(&mut a, 600);
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: answer(&[("T-PESA", false)], None),
        },
    );
    assert_eq!(a.preview.shown, Some(PreviewShown::NoWallet));
    assert_eq!(
        under_phone(&screen(&a, 80, 24)),
        s::preview_no_wallet(lipa::strings::Lang::En)
    );
    assert!(enter(&mut a).is_empty());
    assert!(matches!(a.confirm, Some(Confirm::NoWallet(_))));
    key(&mut a, 'n');
    assert!(!a.form.is_pristine(), "no: the form is kept");
    enter(&mut a);
    let fx = key(&mut a, 'y');
    assert!(fx.iter().any(|e| matches!(e, Effect::SubmitChecked(_))));
}

#[test]
fn a_failed_check_says_so_quietly_and_enter_still_sends() {
    let mut a = typed("0754 123 450", "1500");
    let g = asked(&mut a, 600);
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: Err("timed out".into()),
        },
    );
    let line = under_phone(&screen(&a, 80, 24));
    assert!(line.starts_with("✓ Vodacom M-Pesa"), "{line}");
    assert!(
        line.ends_with(s::preview_failed(lipa::strings::Lang::En)),
        "{line}"
    );
    assert!(!line.contains("timed out"), "{line}");
    let fx = enter(&mut a);
    assert!(fx.iter().any(|e| matches!(e, Effect::SubmitChecked(_))));
}

#[test]
fn a_provider_without_the_check_shows_only_the_network() {
    let mut a = typed("0754 123 450", "1500");
    let g = asked(&mut a, 600);
    a.dirty = false;
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: Ok(None),
        },
    );
    assert_eq!(a.preview.shown, None);
    assert!(!a.dirty, "nothing to redraw");
    assert_eq!(under_phone(&screen(&a, 80, 24)), "✓ Vodacom M-Pesa");
}

#[test]
fn a_long_or_odd_name_is_cleaned_and_cut_to_the_screen() {
    let mut a = typed("0754 123 450", "1500");
    let g = asked(&mut a, 600);
    let odd = "  BARAKA\u{1b}[31m   EMMANUEL\tMWAKYUSA KILEO NYIRENDA MWASONGWE MWAIPOPO ";
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: answer(&[("M-PESA", true)], Some(odd)),
        },
    );
    let Some(PreviewShown::Name(name)) = &a.preview.shown else {
        panic!("{:?}", a.preview.shown);
    };
    assert!(name.starts_with("BARAKA[31m EMMANUEL MWAKYUSA"), "{name}");
    assert!(!name.chars().any(char::is_control), "{name:?}");
    for (w, h) in [(60, 20), (40, 12)] {
        let line = under_phone(&screen(&a, w, h));
        assert!(line.starts_with("✓ Vodacom"), "{line}");
        assert!(line.ends_with('…'), "cut at {w}: {line}");
        assert!(line.chars().count() <= usize::from(w), "{line}");
    }
}

#[test]
fn editing_keys_that_change_nothing_keep_the_answer() {
    let mut a = typed("0754 123 450", "1500");
    let g = asked(&mut a, 600);
    act(
        &mut a,
        Action::Previewed {
            generation: g,
            result: answer(&[("M-PESA", true)], Some(NAME)),
        },
    );
    press(&mut a, KeyCode::Left, KeyModifiers::NONE);
    tab(&mut a);
    assert_eq!(a.preview.shown, Some(PreviewShown::Name(NAME.into())));
    assert!(previews(&act(&mut a, at(5_000))).is_empty(), "asked again");
}

/// pawaPay's own word on the number's wallet (its prediction, through the same check) is
/// chosen over the prefix's and said so; a wallet the cashier chose stays, with a warning; and
/// it never moves while the cashier is on the channel field (her next key would move on from a
/// wallet she never saw).
#[test]
fn a_predicted_wallet_goes_over_the_prefix_unless_the_cashier_chose() {
    let tz = ProviderKind::PawapayTz;
    // (the cashier chose one, she is on the channel field, the wallet after the answer)
    for (by_hand, on_channel, expected) in [
        (false, false, "AIRTEL_TZA"),
        (true, true, "TIGO_TZA"),
        (false, true, "VODACOM_TZA"),
    ] {
        let mut a = app(&[tz], true, false);
        // 0754: Vodacom's prefix; pawaPay says the number moved to Airtel.
        typ(&mut a, "0754 123 450");
        assert_eq!(a.form.channel().code, "VODACOM_TZA");
        tab(&mut a);
        typ(&mut a, "1500");
        if on_channel {
            // On to the channel field, past the reference.
            tab(&mut a);
            tab(&mut a);
        }
        if by_hand {
            // One step: Mixx by Yas.
            press(&mut a, KeyCode::Right, KeyModifiers::NONE);
            assert_eq!(a.form.channel().code, "TIGO_TZA");
        }
        let generation = asked(&mut a, 600);
        let prediction = Ok(Some(Preview {
            methods: Vec::new(),
            account_name: None,
            wallet: Some("AIRTEL_TZA".into()),
        }));
        act(
            &mut a,
            Action::Previewed {
                generation,
                result: prediction,
            },
        );
        let shown = screen(&a, 80, 24);
        assert_eq!(a.form.channel().code, expected, "{shown}");
        let said = if expected == "AIRTEL_TZA" {
            "✓ pawaPay Tanzania says this number is on Airtel Money"
        } else {
            "! pawaPay Tanzania says this number is on Airtel Money"
        };
        assert!(shown.contains(said), "{shown}");
    }
}
