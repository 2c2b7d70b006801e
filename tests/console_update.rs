//! `update` alone: key sequences, validation as typed, focus, provider switching. No engine, no
//! terminal, a fixed clock.

mod console_common;

use console_common::*;
use lipa::console::action::Action;
use lipa::console::app::{Confirm, Focus, Screen};
use lipa::console::effect::Effect;
use lipa::console::form::Field;
use lipa::provider::ProviderKind;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

fn fill_valid(a: &mut lipa::console::App, phone: &str, amount: &str) {
    typ(a, phone);
    tab(a);
    typ(a, amount);
}

#[test]
fn opens_on_the_phone_field_with_the_first_provider() {
    let a = app(BOTH, true, false);
    assert_eq!(a.focus, Focus::Field(Field::Phone));
    assert_eq!(a.provider, ProviderKind::ClickPesa);
    assert_eq!(a.form.reference.value(), CLICKPESA_REF);
}

#[test]
fn letters_in_the_phone_field_are_refused_not_commands() {
    let mut a = app(BOTH, true, false);
    for c in ['j', 'k', 't', 'r', 's', 'c', 'q'] {
        let fx = key(&mut a, c);
        assert!(fx.is_empty(), "{c} did something: {fx:?}");
    }
    assert_eq!(a.screen, Screen::Main);
    assert_eq!(a.focus, Focus::Field(Field::Phone));
    assert_eq!(a.form.phone.value(), "");
    let refused = Some((
        Field::Phone,
        lipa::console::form::Refused::Chars("jktrscq".into()),
    ));
    assert_eq!(a.form.refused, refused);
    // Said while the cashier types on (the next key taken hid it), until they edit.
    typ(&mut a, "+255 (0)712-345-678");
    assert_eq!(a.form.phone.value(), "+255 (0)712-345-678");
    assert_eq!(a.form.refused, refused);
    press(&mut a, KeyCode::Backspace, KeyModifiers::NONE);
    assert_eq!(a.form.refused, None);
}

#[test]
fn reference_keeps_letters_and_follows_provider_rules() {
    let mut a = app(BOTH, true, false);
    tab(&mut a);
    tab(&mut a);
    assert_eq!(a.focus, Focus::Field(Field::Reference));
    press(&mut a, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typ(&mut a, "order-7tk");
    assert_eq!(
        a.form.reference.value(),
        "order7tk",
        "ClickPesa takes no '-'"
    );
    assert!(a.form.reference_by_hand);
}

#[test]
fn release_events_are_ignored() {
    let mut a = app(BOTH, true, false);
    a.dirty = false;
    let k = KeyEvent::new_with_kind(
        KeyCode::Char('7'),
        KeyModifiers::NONE,
        KeyEventKind::Release,
    );
    assert!(act(&mut a, Action::Key(k)).is_empty());
    assert_eq!(a.form.phone.value(), "");
    assert!(!a.dirty);
}

#[test]
fn tab_rings_through_fields_then_the_list() {
    let mut a = app(BOTH, true, false);
    tab(&mut a);
    assert_eq!(a.focus, Focus::Field(Field::Amount));
    tab(&mut a);
    tab(&mut a);
    assert_eq!(
        a.focus,
        Focus::Field(Field::Phone),
        "no list while it is empty"
    );
    back_tab(&mut a);
    assert_eq!(a.focus, Focus::Field(Field::Reference));
    for p in several() {
        changed(&mut a, p);
    }
    tab(&mut a);
    assert_eq!(a.focus, Focus::List);
    assert_eq!(a.selected, Some(4), "the list starts at its first row");
    key(&mut a, 'j');
    assert_eq!(a.selected, Some(3));
    key(&mut a, 'k');
    key(&mut a, 'k');
    assert_eq!(a.selected, Some(4), "the top holds");
    esc(&mut a);
    assert_eq!(a.focus, Focus::Field(Field::Phone));
}

#[test]
fn a_digit_in_the_list_starts_the_next_customer() {
    let mut a = app(BOTH, true, false);
    changed(&mut a, several().remove(0));
    a.focus = Focus::List;
    key(&mut a, '0');
    assert_eq!(a.focus, Focus::Field(Field::Phone));
    assert_eq!(a.form.phone.value(), "0");
}

#[test]
fn enter_on_a_bad_form_jumps_to_the_first_bad_field() {
    let mut a = app(BOTH, true, false);
    fill_valid(&mut a, "0712345678", "12.5");
    tab(&mut a);
    let fx = enter(&mut a);
    assert!(fx.is_empty());
    assert!(a.form.attempted);
    assert_eq!(a.focus, Focus::Field(Field::Amount));
    let c = a.form.check(a.provider);
    assert!(c.phone.is_ok());
    assert!(
        c.error(Field::Amount)
            .is_some_and(|e| e.contains("whole shillings"))
    );
}

#[test]
fn a_valid_send_clears_the_form_at_once_and_keeps_the_provider() {
    let mut a = app(BOTH, true, false);
    ctrl(&mut a, 'p');
    reference(&mut a, ProviderKind::Cepta, "LP-7K3MQ9-XR4TZ");
    fill_valid(&mut a, "0733 123 456", "1,250.50");
    let fx = enter(&mut a);
    let [
        Effect::SubmitChecked(new),
        Effect::NewReference(ProviderKind::Cepta),
    ] = fx.as_slice()
    else {
        panic!("unexpected effects {fx:?}");
    };
    assert_eq!(new.provider, ProviderKind::Cepta);
    assert_eq!(new.phone.normalized(), "254733123456");
    assert_eq!(new.amount.minor(), 125_050);
    assert_eq!(new.reference.as_str(), "LP-7K3MQ9-XR4TZ");
    assert_eq!(
        new.channel.as_deref(),
        Some("63903"),
        "Airtel number, Airtel channel"
    );
    assert_eq!(new.email, None);
    assert_eq!(a.provider, ProviderKind::Cepta);
    assert!(a.form.is_pristine());
    assert_eq!(a.form.reference.value(), "");
    assert_eq!(a.focus, Focus::Field(Field::Phone));
    reference(&mut a, ProviderKind::Cepta, "LP-7K3MQ9-XR4TA");
    assert_eq!(a.form.reference.value(), "LP-7K3MQ9-XR4TA");
}

#[test]
fn channel_follows_the_number_until_chosen_by_hand() {
    let mut a = app(BOTH, true, false);
    ctrl(&mut a, 'p');
    typ(&mut a, "0771000000");
    assert_eq!(a.form.channel().code, "63907");
    for _ in 0..3 {
        tab(&mut a);
    }
    assert_eq!(a.focus, Focus::Field(Field::Channel));
    key(&mut a, ' ');
    assert_eq!(a.form.channel().code, "0");
    press(&mut a, KeyCode::Left, KeyModifiers::NONE);
    press(&mut a, KeyCode::Left, KeyModifiers::NONE);
    assert_eq!(a.form.channel().code, "63903");
    a.focus = Focus::Field(Field::Phone);
    press(&mut a, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typ(&mut a, "0712345678");
    assert_eq!(a.form.channel().code, "63903", "chosen by hand stays");
}

/// What is typed for one country and currency never becomes the other's under the cashier's
/// fingers: with a phone or amount in the form, Ctrl-P asks; yes clears them, no keeps all.
#[test]
fn switching_provider_with_a_filled_form_asks_and_never_changes_the_currency() {
    let mut a = app(BOTH, true, false);
    fill_valid(&mut a, "0754000000", "1500");
    assert!(ctrl(&mut a, 'p').is_empty());
    assert!(matches!(
        a.confirm,
        Some(Confirm::Switch(ProviderKind::Cepta))
    ));
    assert!(key(&mut a, 'n').is_empty());
    assert_eq!(a.provider, ProviderKind::ClickPesa);
    assert_eq!(a.form.phone.value(), "0754000000", "no: all kept");
    ctrl(&mut a, 'p');
    let fx = key(&mut a, 'y');
    assert_eq!(fx, vec![Effect::NewReference(ProviderKind::Cepta)]);
    assert_eq!(a.provider, ProviderKind::Cepta);
    assert_eq!(a.form.reference.value(), "");
    assert_eq!(a.form.phone.value(), "", "yes: the phone is cleared");
    assert_eq!(a.form.amount.value(), "", "never KES 1,500");
}

#[test]
fn switching_provider_revalidates_and_renews_a_generated_reference() {
    let mut a = app(BOTH, true, false);
    let fx = ctrl(&mut a, 'p');
    assert_eq!(fx, vec![Effect::NewReference(ProviderKind::Cepta)]);
    assert_eq!(a.provider, ProviderKind::Cepta);
    assert_eq!(a.form.reference.value(), "");
    a.focus = Focus::Field(Field::Email);
    typ(&mut a, "a@b");
    assert!(a.form.check(a.provider).email.is_err());
    let fx = ctrl(&mut a, 'p');
    assert_eq!(fx, vec![Effect::NewReference(ProviderKind::ClickPesa)]);
    assert_eq!(
        a.focus,
        Focus::Field(Field::Phone),
        "ClickPesa has no e-mail field"
    );
}

#[test]
fn switching_keeps_a_typed_reference_and_judges_it_anew() {
    let mut a = app(BOTH, true, false);
    ctrl(&mut a, 'p');
    a.focus = Focus::Field(Field::Reference);
    typ(&mut a, "TILL-4");
    assert!(a.form.check(a.provider).reference.is_ok());
    let fx = ctrl(&mut a, 'p');
    assert!(fx.is_empty());
    assert_eq!(a.form.reference.value(), "TILL-4");
    assert!(
        a.form.check(a.provider).reference.is_err(),
        "ClickPesa refuses '-'"
    );
    a.form.reference_by_hand = true;
    let mut one = app(&[ProviderKind::ClickPesa], false, false);
    assert!(ctrl(&mut one, 'p').is_empty());
    assert_eq!(one.provider, ProviderKind::ClickPesa);
    assert!(one.notice.is_some());
}

#[test]
fn esc_and_a_key_arriving_together_act_as_both() {
    // Over a slow link `ESC` and the next key come in one read, which crossterm reports as
    // Alt plus the key: help open, then "Esc Ctrl-P" must close help and switch provider.
    let mut a = app(BOTH, true, false);
    key(&mut a, '?');
    assert!(a.help);
    press(
        &mut a,
        KeyCode::Char('p'),
        KeyModifiers::ALT | KeyModifiers::CONTROL,
    );
    assert!(!a.help);
    assert_eq!(a.provider, ProviderKind::Cepta);
    // Alt-Backspace stays "delete word".
    typ(&mut a, "0712 345");
    press(&mut a, KeyCode::Backspace, KeyModifiers::ALT);
    assert_eq!(a.form.phone.value(), "0712 ");
}

#[test]
fn enter_before_the_new_reference_arrives_sends_when_it_does() {
    // Fast typing after Ctrl-P (as a pty test on a loaded machine saw): Enter came before the
    // provider's new reference. The Enter is not lost and nothing is sent without a reference.
    let mut a = app(BOTH, true, false);
    ctrl(&mut a, 'p');
    fill_valid(&mut a, "0712345676", "1500");
    let fx = enter(&mut a);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::SubmitChecked(_) | Effect::Submit(_))),
        "sent without a reference: {fx:?}"
    );
    assert_eq!(a.focus, Focus::Field(Field::Amount), "focus stays put");
    let fx = act(
        &mut a,
        Action::ReferenceReady {
            provider: ProviderKind::Cepta,
            reference: lipa::reference::Reference::from_stored("LP-2RYRPY-2X5C2RA".into()),
        },
    );
    let sent = fx.iter().find_map(|e| match e {
        Effect::SubmitChecked(n) => Some(n.reference.as_str().to_string()),
        _ => None,
    });
    assert_eq!(sent.as_deref(), Some("LP-2RYRPY-2X5C2RA"));
    assert_eq!(a.form.phone.value(), "", "form ready for the next customer");
}

/// The shared ledger out of reach: no reference comes. Before, the form said "getting a fresh
/// reference…" for ever and Enter did nothing, even after the ledger was back (a tester). Now
/// the waiting Enter is answered "not sent", the reference is asked for again, and once it
/// comes the form works — without sending by itself minutes later.
#[test]
fn a_reference_that_cannot_come_says_so_and_is_asked_again() {
    let mut a = app(BOTH, true, false);
    ctrl(&mut a, 'p');
    fill_valid(&mut a, "0712345676", "1500");
    enter(&mut a);
    let fx = act(
        &mut a,
        Action::ReferenceFailed {
            provider: ProviderKind::Cepta,
            why: "ledger unreachable (connection refused)".into(),
        },
    );
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::NewReferenceSoon(ProviderKind::Cepta)]
        ),
        "{fx:?}"
    );
    let notice = a
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(
        notice.starts_with("Not sent: ledger unreachable"),
        "{notice}"
    );
    assert_eq!(a.form.phone.value(), "0712345676", "the form is kept");
    let fx = act(
        &mut a,
        Action::ReferenceReady {
            provider: ProviderKind::Cepta,
            reference: lipa::reference::Reference::from_stored("LP-2RYRPY-2X5C2RA".into()),
        },
    );
    assert!(sends(&fx).is_empty(), "sent by itself later: {fx:?}");
    let fx = enter(&mut a);
    let sent = fx.iter().find_map(|e| match e {
        Effect::SubmitChecked(n) => Some(n.reference.as_str().to_string()),
        _ => None,
    });
    assert_eq!(sent.as_deref(), Some("LP-2RYRPY-2X5C2RA"), "{fx:?}");
}

#[test]
fn a_waiting_enter_is_forgotten_when_the_form_changes() {
    let mut a = app(BOTH, true, false);
    ctrl(&mut a, 'p');
    fill_valid(&mut a, "0712345676", "1500");
    enter(&mut a);
    typ(&mut a, "0");
    let fx = act(
        &mut a,
        Action::ReferenceReady {
            provider: ProviderKind::Cepta,
            reference: lipa::reference::Reference::from_stored("LP-2RYRPY-2X5C2RA".into()),
        },
    );
    assert!(
        sends(&fx).is_empty(),
        "sent an edited form without a new Enter: {fx:?}"
    );
}

fn sends(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::SubmitChecked(n) | Effect::Submit(n) => {
                Some(format!("{} {}", n.phone.normalized(), n.amount))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_burst_of_three_payments_sends_three_and_mixes_no_fields() {
    // Found by a tester: keys sent as one burst (a fast typist, a macro) after an Enter went
    // into the old form's Amount while the new reference was on its way, and the Enter was lost.
    let mut a = app(BOTH, true, false);
    reference(&mut a, ProviderKind::ClickPesa, "LP7K3MQ9XR4TA");
    let mut sent = Vec::new();
    for (phone, amount) in [
        ("0712345670", "1500"),
        ("0712345671", "1600"),
        ("0712345672", "1700"),
    ] {
        fill_valid(&mut a, phone, amount);
        sent.extend(sends(&enter(&mut a)));
        // The engine's answer for the spare comes back only after the next keys.
    }
    assert_eq!(
        sent,
        vec!["255712345670 TZS 1,500", "255712345671 TZS 1,600"],
        "the third waits for its reference, the first two went at once"
    );
    assert_eq!(a.form.phone.value(), "0712345672");
    assert_eq!(a.form.amount.value(), "1700");
    let fx = act(
        &mut a,
        Action::ReferenceReady {
            provider: ProviderKind::ClickPesa,
            reference: lipa::reference::Reference::from_stored("LP7K3MQ9XR4TB".into()),
        },
    );
    assert_eq!(
        sends(&fx),
        vec!["255712345672 TZS 1,700"],
        "its Enter was kept"
    );
}

#[test]
fn a_switch_that_clears_the_form_puts_the_cursor_on_the_phone() {
    let mut a = app(BOTH, true, false);
    fill_valid(&mut a, "0712345670", "1500");
    assert_eq!(a.focus, Focus::Field(Field::Amount));
    ctrl(&mut a, 'p');
    key(&mut a, 'y');
    assert_eq!(a.provider, ProviderKind::Cepta);
    assert_eq!(
        a.focus,
        Focus::Field(Field::Phone),
        "the next digits are a phone"
    );
}

/// Emptying the reference to type one's own: it stays empty while it is typed (a generated one
/// filled in at once, and what was typed went on after it: a tester's `LP7K3MQ9XR4TSINV7`);
/// left empty, the generated one comes back.
#[test]
fn an_emptied_reference_is_the_cashiers_then_generated_again_if_left_empty() {
    let mut a = app(BOTH, true, false);
    reference(&mut a, ProviderKind::ClickPesa, "LP7K3MQ9XR4TS");
    tab(&mut a);
    tab(&mut a);
    press(&mut a, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(
        a.form.reference.value(),
        "",
        "the field stays the cashier's"
    );
    let screen = render_plain(&a, 80, 24);
    assert!(screen.contains("type your own"), "{screen}");
    typ(&mut a, "INV7");
    assert_eq!(a.form.reference.value(), "INV7");
    assert!(a.form.reference_by_hand);
    // Emptied again and left: the spare takes its place.
    press(&mut a, KeyCode::Char('u'), KeyModifiers::CONTROL);
    back_tab(&mut a);
    assert_eq!(
        a.form.reference.value(),
        "LP7K3MQ9XR4TS",
        "the spare took its place"
    );
    assert!(!a.form.reference_by_hand);
}

/// Enter on an own reference left empty sends with the generated one.
#[test]
fn enter_on_an_emptied_reference_sends_with_a_generated_one() {
    let mut a = app(BOTH, true, false);
    reference(&mut a, ProviderKind::ClickPesa, "LP7K3MQ9XR4TS");
    typ(&mut a, "0712345670");
    tab(&mut a);
    typ(&mut a, "1500");
    tab(&mut a);
    press(&mut a, KeyCode::Char('u'), KeyModifiers::CONTROL);
    let fx = enter(&mut a);
    let sent = fx.iter().find_map(|e| match e {
        Effect::SubmitChecked(n) => Some(n.reference.as_str().to_string()),
        _ => None,
    });
    assert_eq!(sent.as_deref(), Some("LP7K3MQ9XR4TS"), "{fx:?}");
}

#[test]
fn a_resize_repaints_the_whole_screen() {
    let mut a = app(BOTH, true, false);
    act(&mut a, Action::Resize(40, 12));
    assert!(
        a.repaint,
        "a resize leaves the old screen's characters behind"
    );
}

/// News of a finished payment this list never held: shown when pushed lately (another
/// till's sale), not when it is old (a chain's ledger read again brings the whole last day),
/// and never once this operator cleared it.
#[test]
fn old_or_cleared_news_of_a_finished_payment_stays_off_the_list() {
    use lipa::payment::Status;
    let mut a = app(BOTH, false, false);
    let old = payment(
        1,
        ProviderKind::ClickPesa,
        "255712345671",
        1500,
        Status::Paid,
        "",
        3600,
    );
    let fresh = payment(
        2,
        ProviderKind::ClickPesa,
        "255712345672",
        1500,
        Status::Paid,
        "",
        60,
    );
    act(&mut a, Action::PaymentChanged(old.into()));
    act(&mut a, Action::PaymentChanged(fresh.clone().into()));
    assert_eq!(a.row_ids(), vec![2]);
    ctrl(&mut a, 'x');
    assert!(a.row_ids().is_empty());
    act(&mut a, Action::PaymentChanged(fresh.into()));
    assert!(a.row_ids().is_empty(), "a cleared payment came back");
}

/// M-Pesa (Daraja) is the third behind Ctrl-P: whole shillings, Safaricom numbers only (another
/// network named at the phone field), and nothing sent from a bad form.
#[test]
fn daraja_takes_whole_shillings_and_safaricom_numbers_at_the_fields() {
    let all = ProviderKind::ALL;
    let mut a = app(&all, true, false);
    ctrl(&mut a, 'p');
    ctrl(&mut a, 'p');
    assert_eq!(a.provider, ProviderKind::Daraja);
    reference(&mut a, ProviderKind::Daraja, "LP7K3MQ9XR4T");
    fill_valid(&mut a, "0733 123 456", "150.50");
    let fx = enter(&mut a);
    assert!(fx.is_empty(), "nothing sent: {fx:?}");
    let c = a.form.check(a.provider);
    let phone = c.phone.expect_err("an Airtel number");
    assert!(phone.to_string().contains("Airtel"), "{phone}");
    assert!(c.amount.is_err(), "decimals are refused");
    a.focus = Focus::Field(Field::Phone);
    press(&mut a, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typ(&mut a, "0712 345 670");
    a.focus = Focus::Field(Field::Amount);
    press(&mut a, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typ(&mut a, "250001");
    assert!(a.form.check(a.provider).amount.is_err(), "over 250,000");
    press(&mut a, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typ(&mut a, "1,500");
    let fx = enter(&mut a);
    let Some(Effect::SubmitChecked(new)) = fx.first() else {
        panic!("sent: {fx:?}");
    };
    assert_eq!(new.provider, ProviderKind::Daraja);
    assert_eq!(new.amount.minor(), 150_000);
    assert_eq!(new.channel, None);
    assert_eq!(new.reference.as_str(), "LP7K3MQ9XR4T");
}

/// The counts the title shows are kept as rows change, not counted per frame: after news of
/// every kind, a clear and a payment moving between kinds, they match a count of the rows.
#[test]
fn the_titles_counts_follow_every_change() {
    use lipa::payment::Status;
    let mut a = app(BOTH, true, false);
    let recount = |a: &lipa::console::App| {
        let rows: Vec<_> = a.rows.values().collect();
        let waiting = rows
            .iter()
            .filter(|p| lipa::console::app::is_waiting(p))
            .count();
        let needs = rows
            .iter()
            .filter(|p| p.status == Status::Attention && !p.checked)
            .count();
        let done = rows
            .iter()
            .filter(|p| lipa::console::app::is_done(p))
            .count();
        let failed = rows.iter().filter(|p| p.status == Status::Failed).count();
        (waiting, needs, done, failed)
    };
    let counts = |a: &lipa::console::App| {
        let (done, failed) = a.finished();
        (a.waiting(), a.needing_you(), done, failed)
    };
    let statuses = [
        Status::Pending,
        Status::Attention,
        Status::Paid,
        Status::Failed,
        Status::Sending,
    ];
    for id in 1..=20 {
        let s = statuses[id as usize % statuses.len()];
        changed(
            &mut a,
            payment(id, ProviderKind::ClickPesa, "255712345670", 1500, s, "", 30),
        );
        assert_eq!(counts(&a), recount(&a), "after news of {id}");
    }
    // Payments move on: waiting ones are paid, one needing a person is looked at.
    for id in [5, 10, 15] {
        let mut p = payment(
            id,
            ProviderKind::ClickPesa,
            "255712345670",
            1500,
            Status::Paid,
            "",
            20,
        );
        p.polls = 9;
        changed(&mut a, p);
    }
    let mut looked = payment(
        1,
        ProviderKind::ClickPesa,
        "255712345670",
        1500,
        Status::Attention,
        "",
        20,
    );
    looked.checked = true;
    looked.polls = 9;
    changed(&mut a, looked);
    assert_eq!(counts(&a), recount(&a), "after the moves");
    // Those still waiting first, then those needing a person, then the finished.
    let rank = |id: &i64| match a.rows.get(id) {
        Some(p) if lipa::console::app::is_waiting(p) => 0,
        Some(p) if p.status == Status::Attention && !p.checked => 1,
        _ => 2,
    };
    let ranks: Vec<u8> = a.row_ids().iter().map(rank).collect();
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    ctrl(&mut a, 'x');
    assert_eq!(counts(&a), recount(&a), "after clearing");
    assert_eq!(a.finished(), (0, 0));
}

/// A question that changed nothing a row shows (its count, when it was heard) draws nothing:
/// a supervisor's console follows thousands of them a minute.
#[test]
fn news_that_changes_nothing_shown_draws_nothing() {
    use lipa::payment::Status;
    let mut a = app(BOTH, true, false);
    let mut p = payment(
        7,
        ProviderKind::ClickPesa,
        "255712345670",
        1500,
        Status::Pending,
        "",
        5,
    );
    changed(&mut a, p.clone());
    a.dirty = false;
    p.polls += 1;
    p.updated_at += chrono::Duration::seconds(1);
    p.heard_at = Some(p.updated_at);
    changed(&mut a, p.clone());
    assert!(!a.dirty, "a question that changed nothing drew a frame");
    p.polls += 1;
    p.updated_at += chrono::Duration::seconds(1);
    p.said = lipa::strings::Msg::PromptSent;
    changed(&mut a, p.clone());
    assert!(a.dirty, "new words were not drawn");
    a.dirty = false;
    p.polls += 1;
    p.updated_at += chrono::Duration::seconds(1);
    p.status = Status::Paid;
    changed(&mut a, p);
    assert!(a.dirty, "paid was not drawn");
}

/// A supervisor's list of thousands is crossed by pages and ends, not ten thousand arrows.
#[test]
fn page_keys_and_ends_move_through_a_long_list() {
    use lipa::payment::Status;
    let mut a = app(BOTH, true, false);
    for id in 1..=200 {
        changed(
            &mut a,
            payment(
                id,
                ProviderKind::ClickPesa,
                "255712345670",
                1500,
                Status::Pending,
                "",
                30,
            ),
        );
    }
    a.focus = Focus::List;
    let ids = a.row_ids();
    a.selected = ids.first().copied();
    press(&mut a, KeyCode::End, KeyModifiers::NONE);
    assert_eq!(a.selected, ids.last().copied(), "End");
    press(&mut a, KeyCode::Home, KeyModifiers::NONE);
    assert_eq!(a.selected, ids.first().copied(), "Home");
    press(&mut a, KeyCode::PageDown, KeyModifiers::NONE);
    let at = ids
        .iter()
        .position(|i| Some(*i) == a.selected)
        .expect("selected");
    assert!(at > 5, "PgDn moved {at} rows");
    press(&mut a, KeyCode::PageUp, KeyModifiers::NONE);
    assert_eq!(a.selected, ids.first().copied(), "PgUp");
}

/// After an outage an agent's list holds a hundred payments that need a person; the sale the
/// agent pushes now is first in the list (in sight), those needing a person next, and a
/// payment whose prompt has long expired after them.
#[test]
fn a_sale_just_pushed_is_first_whatever_needs_a_person() {
    use lipa::payment::Status;
    let mut a = app(BOTH, true, false);
    for id in 1..=100 {
        changed(
            &mut a,
            payment(
                id,
                ProviderKind::ClickPesa,
                "255712345670",
                1500,
                Status::Attention,
                "",
                900,
            ),
        );
    }
    changed(
        &mut a,
        payment(
            101,
            ProviderKind::ClickPesa,
            "255712345671",
            1500,
            Status::Pending,
            "",
            600,
        ),
    );
    changed(
        &mut a,
        payment(
            102,
            ProviderKind::ClickPesa,
            "255712345673",
            3000,
            Status::Pending,
            "",
            2,
        ),
    );
    let ids = a.row_ids();
    assert_eq!(
        ids.first(),
        Some(&102),
        "the fresh sale is not first: {ids:?}"
    );
    assert_eq!(
        ids.get(1),
        Some(&100),
        "then those needing a person, newest first"
    );
    assert_eq!(ids.last(), Some(&101), "an expired prompt last: {ids:?}");
    assert_eq!(ids.len(), 102);
}
