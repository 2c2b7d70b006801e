//! An agent of `lipa serve` through the console's real update loop: they see only their own
//! payments, cannot mark one checked, and cannot send more than their limit.

mod console_common;

use console_common::*;
use lipa::console::Limits;
use lipa::console::effect::Effect;
use lipa::payment::Status;
use lipa::provider::ProviderKind;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn agent(max_amount: Option<&str>) -> lipa::console::App {
    let max_amount = max_amount
        .map(|t| lipa::money::Ceiling::parse(t).expect("ceiling"))
        .unwrap_or_default();
    app_limited(
        BOTH,
        false,
        false,
        Limits {
            own_only: true,
            no_marking: true,
            max_amount,
        },
    )
}

#[test]
fn an_agent_sees_their_own_payments_only() {
    let mut a = agent(None);
    let own = payment(
        1,
        ProviderKind::ClickPesa,
        "255712345670",
        150_000,
        Status::Pending,
        "",
        5,
    );
    let mut other = payment(
        2,
        ProviderKind::ClickPesa,
        "255712345120",
        90_000,
        Status::Pending,
        "",
        5,
    );
    other.operator = "juma".into();
    changed(&mut a, own);
    changed(&mut a, other);
    assert_eq!(a.row_ids(), vec![1]);
    let screen = render_plain(&a, 80, 24);
    assert!(
        screen.contains("670") && !screen.contains("120"),
        "{screen}"
    );
}

#[test]
fn a_till_without_limits_sees_everyones() {
    let mut a = app(BOTH, false, false);
    let mut other = payment(
        2,
        ProviderKind::ClickPesa,
        "255712345120",
        90_000,
        Status::Pending,
        "",
        5,
    );
    other.operator = "juma".into();
    changed(&mut a, other);
    assert_eq!(a.row_ids(), vec![2]);
}

#[test]
fn an_agent_cannot_mark_a_payment_checked() {
    let mut a = agent(None);
    let p = payment(
        1,
        ProviderKind::ClickPesa,
        "255712345670",
        150_000,
        Status::Attention,
        "",
        5,
    );
    changed(&mut a, p);
    // Shift-Tab from the phone field reaches the list.
    back_tab(&mut a);
    assert_eq!(a.focus, lipa::console::app::Focus::List);
    let fx = key(&mut a, 'c');
    assert!(fx.is_empty(), "{fx:?}");
    assert!(a.confirm.is_none());
    let said = a
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(said.contains("supervisor"), "{said}");
}

#[test]
fn an_amount_over_the_agents_limit_is_refused_at_the_field_and_nothing_is_sent() {
    let mut a = agent(Some("1000"));
    typ(&mut a, "0712345670");
    tab(&mut a);
    typ(&mut a, "1500");
    let fx = enter(&mut a);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::SubmitChecked(_) | Effect::Submit(_))),
        "{fx:?}"
    );
    let screen = render_plain(&a, 80, 24);
    assert!(
        screen.contains("Your limit is TZS 1,000 per payment."),
        "{screen}"
    );
    // At the limit it goes.
    for _ in 0..4 {
        press(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    }
    typ(&mut a, "1000");
    let fx = enter(&mut a);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::SubmitChecked(_))),
        "{fx:?}"
    );
}

#[test]
fn a_limit_per_currency_holds_in_its_own_currency_only() {
    let mut a = agent(Some("TZS 1,000, KES 20.50"));
    typ(&mut a, "0712345670");
    tab(&mut a);
    typ(&mut a, "1500");
    assert!(render_plain(&a, 80, 24).contains("Your limit is TZS 1,000 per payment."));
    // Cepta (KES): 20.50 goes, 20.51 does not.
    ctrl(&mut a, 'p');
    key(&mut a, 'y');
    assert_eq!(a.provider, ProviderKind::Cepta);
    typ(&mut a, "0712345670");
    tab(&mut a);
    typ(&mut a, "20.51");
    let screen = render_plain(&a, 80, 24);
    assert!(
        screen.contains("Your limit is KES 20.50 per payment."),
        "{screen}"
    );
    press(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    typ(&mut a, "0");
    let screen = render_plain(&a, 80, 24);
    assert!(!screen.contains("Your limit"), "{screen}");
}

#[test]
fn a_screen_too_small_for_the_form_sends_nothing_typed_blind() {
    let mut a = app(BOTH, false, false);
    lipa::console::update(&mut a, lipa::console::Action::Resize(20, 6));
    typ(&mut a, "0712345670");
    tab(&mut a);
    typ(&mut a, "1500");
    let fx = enter(&mut a);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(a.form.phone.value(), "", "nothing typed blind");
    let screen = render_plain(&a, 20, 6);
    assert!(screen.contains("larger"), "{screen}");
    // Back to a screen the form fits: it works again.
    lipa::console::update(&mut a, lipa::console::Action::Resize(80, 24));
    typ(&mut a, "0712345670");
    assert_eq!(a.form.phone.value(), "0712345670");
}

/// Help and the bars offer an agent only the keys they can use: an agent limited to ClickPesa
/// saw `z` (closing the day, never an agent's), `c` (marking checked), the Cepta channel and
/// the provider switch; a supervisor with both providers still sees them all.
#[test]
fn help_and_bars_offer_an_agent_only_their_keys() {
    use lipa::strings::Lang;
    use lipa::strings::console as s;
    for lang in [Lang::En, Lang::Sw] {
        speak(lang);
        let mut a = app_limited(
            &[ProviderKind::ClickPesa],
            false,
            true,
            Limits {
                own_only: true,
                no_marking: true,
                max_amount: Default::default(),
            },
        );
        let bar = render_plain(&a, 80, 24);
        let bar = bar.lines().last().unwrap_or_default().to_string();
        assert!(!bar.contains(s::KEY_CTRL_P), "{lang:?}: {bar}");
        key(&mut a, '?');
        let screen = render_plain(&a, 100, 40);
        for never in [
            s::KEY_CTRL_R_Z,
            s::help_report(lang),
            s::help_channel(lang),
            s::help_switch(lang),
            s::help_mark_checked(lang),
        ] {
            assert!(!screen.contains(never), "{lang:?} {never}:\n{screen}");
        }
        assert!(screen.contains(s::KEY_CTRL_R), "{lang:?}:\n{screen}");
        let mut boss = app(BOTH, false, true);
        let bar = render_plain(&boss, 80, 24);
        assert!(
            bar.lines()
                .last()
                .unwrap_or_default()
                .contains(s::KEY_CTRL_P)
        );
        key(&mut boss, '?');
        let screen = render_plain(&boss, 100, 40);
        for must in [
            s::KEY_CTRL_R_Z,
            s::help_report(lang),
            s::help_channel(lang),
            s::help_switch(lang),
            s::help_mark_checked(lang),
        ] {
            assert!(screen.contains(must), "{lang:?} {must}:\n{screen}");
        }
    }
    speak(Lang::En);
}
