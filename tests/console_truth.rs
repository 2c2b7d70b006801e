//! The till tells the truth (issue 9): every state in the right words, every send behind the
//! guard, every terminal usable. Each test drives the real update loop and reads the screen.

mod console_common;

use chrono::Duration;
use console_common::*;
use lipa::console::action::Action;
use lipa::console::app::{Confirm, Focus, Screen};
use lipa::console::effect::Effect;
use lipa::console::form::Field;
use lipa::payment::Status;
use lipa::provider::ProviderKind;
use lipa::strings::Msg;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

const CEPTA: &[ProviderKind] = &[ProviderKind::Cepta];

fn fill_valid(a: &mut lipa::console::App, phone: &str, amount: &str) {
    typ(a, phone);
    tab(a);
    typ(a, amount);
}

/// `s y s y` on a failed payment sends one new prompt: the second `s` is refused while the
/// first is on its way, and once the new payment is recorded, the old one says where it went
/// and no longer offers *send again*.
#[test]
fn send_again_sends_once_and_links_the_attempts() {
    let mut a = app(BOTH, true, false);
    changed(
        &mut a,
        settled(2, Status::Failed, "Insufficient balance", 10),
    );
    a.focus = Focus::List;
    a.selected = Some(2);
    key(&mut a, 's');
    let fx = key(&mut a, 'y');
    assert!(matches!(fx.as_slice(), [Effect::SendAgain(p)] if p.id == 2));
    assert!(key(&mut a, 's').is_empty());
    assert!(a.confirm.is_none(), "not asked again");
    assert!(key(&mut a, 'y').is_empty(), "no second send");
    // The engine recorded the new attempt and republished the old one.
    let mut new = payment(
        6,
        ProviderKind::ClickPesa,
        "255754000002",
        2_500,
        Status::Pending,
        "",
        1,
    );
    new.replaces = Some(2);
    changed(&mut a, new);
    let mut old = settled(2, Status::Failed, "Insufficient balance", 10);
    old.replaced_by = Some(6);
    changed(&mut a, old);
    assert!(key(&mut a, 's').is_empty());
    let said = a.notice.clone().expect("refusal").text;
    assert!(said.contains("Already sent again"), "{said}");
    assert!(!a.allowed().send_again);
    open_detail(&mut a, 2);
    let screen = render_plain(&a, 80, 24);
    assert!(screen.contains("sent again as LP7K3MQ9XR006"), "{screen}");
}

/// A payment whose send's answer was lost reads *answer lost* — never "not sent".
#[test]
fn an_unknown_payment_is_never_called_not_sent() {
    let mut a = app(BOTH, true, false);
    let mut p = settled(4, Status::Unknown, "", 2);
    p.message = Msg::AnswerLost {
        why: Box::new(Msg::OutcomeUnknown {
            provider: ProviderKind::ClickPesa,
            detail: Box::new(Msg::Http {
                status: 500,
                said: None,
            }),
        }),
    };
    changed(&mut a, p);
    let screen = render_plain(&a, 100, 24);
    let row = screen
        .lines()
        .find(|l| l.contains("688 ••• 004"))
        .expect("the row");
    assert!(row.contains("answer lost"), "{row}");
    assert!(row.contains("Sent, answer lost"), "{row}");
    assert!(!screen.contains("Not sent"), "{screen}");
}

/// After the prompt has expired on the phone a pending payment is *checking*, not waiting;
/// the detail says when the prompt expires. A *sending* row left by a stopped process is
/// being checked too.
#[test]
fn an_expired_prompt_and_a_send_left_behind_are_being_checked() {
    let mut a = app(BOTH, true, false);
    changed(&mut a, settled(1, Status::Pending, "", 1));
    let fresh = render_plain(&a, 100, 24);
    assert!(fresh.contains("waiting"), "{fresh}");
    act(&mut a, Action::Tick(now() + Duration::seconds(70)));
    let later = render_plain(&a, 100, 24);
    let row = later
        .lines()
        .find(|l| l.contains("754 ••• 001"))
        .expect("row");
    assert!(row.contains("checking"), "{row}");
    assert!(row.contains("The prompt has expired"), "{row}");
    let mut left = settled(2, Status::Sending, "", 30);
    left.message = Msg::Empty;
    changed(&mut a, left);
    let row = render_plain(&a, 100, 24)
        .lines()
        .find(|l| l.contains("754 ••• 002"))
        .map(str::to_string)
        .expect("row");
    assert!(row.contains("checking"), "{row}");
    assert!(row.contains("Checking whether it reached"), "{row}");
}

/// Long words wrap in the detail; they are never cut.
#[test]
fn the_detail_wraps_long_words() {
    let mut a = app(BOTH, true, false);
    let long = "The provider answered with a very long explanation of what happened to this \
                payment, which goes on past the edge of any phone screen and must not be cut \
                off at all.";
    changed(&mut a, settled(2, Status::Failed, long, 5));
    open_detail(&mut a, 2);
    let screen = render_plain(&a, 60, 24);
    let flat = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("must not be cut off at all."), "{screen}");
}

/// Ctrl-L asks the runtime to repaint the whole screen.
#[test]
fn ctrl_l_repaints() {
    let mut a = app(BOTH, true, false);
    ctrl(&mut a, 'l');
    assert!(a.repaint);
}

/// The amount keeps what was typed and says what is wrong: `-5` is not `TZS 5`.
#[test]
fn an_odd_amount_is_kept_and_refused_at_the_field() {
    let mut a = app(BOTH, true, false);
    typ(&mut a, "0754000000");
    tab(&mut a);
    typ(&mut a, "-5");
    assert_eq!(a.form.amount.value(), "-5");
    let screen = render_plain(&a, 80, 24);
    assert!(screen.contains("cannot be negative"), "{screen}");
    assert!(!screen.contains("TZS 5"), "{screen}");
    press(&mut a, KeyCode::Char('u'), KeyModifiers::CONTROL);
    typ(&mut a, "1e3");
    assert_eq!(a.form.amount.value(), "1e3");
    assert_eq!(enter(&mut a), Vec::new(), "nothing is sent");
    assert_eq!(a.focus, Focus::Field(Field::Amount));
}

/// A full field says so, not that the key is not allowed.
#[test]
fn a_full_field_says_it_is_full() {
    let mut a = app(BOTH, true, false);
    typ(&mut a, &"1".repeat(20));
    typ(&mut a, "1");
    let screen = render_plain(&a, 80, 24);
    assert!(screen.contains("At most 20 characters"), "{screen}");
}

/// In today's list the selection follows the payment when a new one arrives above it.
#[test]
fn today_keeps_the_selected_payment() {
    let mut a = app(BOTH, true, false);
    for p in several() {
        changed(&mut a, p);
    }
    today(&mut a);
    down(&mut a);
    let chosen = a.focused_payment().map(|p| p.id).expect("selected");
    let mut new = payment(
        9,
        ProviderKind::ClickPesa,
        "255754000009",
        900,
        Status::Pending,
        "",
        1,
    );
    new.created_at = now();
    changed(&mut a, new);
    assert_eq!(a.focused_payment().map(|p| p.id), Some(chosen));
}

/// A push the provider refused stays in the form to be fixed and sent again.
#[test]
fn a_refused_push_stays_in_the_form() {
    use lipa::engine::Submitted;
    let mut a = app(BOTH, true, false);
    fill_valid(&mut a, "0754000002", "2500");
    let Some(Effect::SubmitChecked(new)) = enter(&mut a).into_iter().next() else {
        panic!("a checked submit");
    };
    assert!(
        a.form.is_pristine(),
        "cleared at once for the next customer"
    );
    let mut p = settled(2, Status::Failed, "", 1);
    p.message = Msg::NotSent {
        why: Box::new(Msg::said("Invalid / unsupported phone number")),
    };
    p.heard_at = None;
    act(
        &mut a,
        Action::Submitted {
            new,
            result: Ok(Submitted {
                payment: p,
                error: None,
                unjournalled: None,
            }),
        },
    );
    assert_eq!(a.form.phone.value(), "+255 754 000 002");
}

/// A recent duplicate is "just now", never "0 seconds ago".
#[test]
fn a_duplicate_of_just_now_says_so() {
    let mut a = app(BOTH, true, false);
    let mut p = settled(2, Status::Pending, "", 0);
    p.created_at = now();
    changed(&mut a, p);
    fill_valid(&mut a, "0754000002", "2500");
    enter(&mut a);
    let screen = render_plain(&a, 80, 24);
    assert!(screen.contains("just now"), "{screen}");
    assert!(!screen.contains("0 seconds"), "{screen}");
}

/// Esc in a form field closes the message, then clears the field.
#[test]
fn esc_in_the_form_closes_the_message_then_clears_the_field() {
    let mut a = app(BOTH, true, false);
    typ(&mut a, "0754");
    ctrl(&mut a, 'x');
    assert!(a.notice.is_some());
    esc(&mut a);
    assert!(a.notice.is_none());
    assert_eq!(a.form.phone.value(), "0754");
    esc(&mut a);
    assert_eq!(a.form.phone.value(), "");
}

/// A key pressed while a question is open is not lost in silence.
#[test]
fn a_stray_key_during_a_question_is_answered() {
    let mut a = app(BOTH, true, false);
    changed(&mut a, several().remove(0));
    ctrl(&mut a, 'c');
    assert!(matches!(a.confirm, Some(Confirm::Quit(1))));
    key(&mut a, '5');
    assert!(a.confirm.is_some(), "still asking");
    let said = a.notice.clone().expect("said").text;
    assert!(said.contains("y") && said.contains("n"), "{said}");
}

/// 40–47 columns (phone SSH clients): the currency and the whole masked number show, every
/// field that takes focus is on screen, and help scrolls.
#[test]
fn narrow_screens_keep_what_matters() {
    for w in [40u16, 44, 47] {
        let mut a = app(CEPTA, true, false);
        reference(&mut a, ProviderKind::Cepta, "LP-7K3MQ9-XR4TZ");
        for p in several() {
            changed(&mut a, p);
        }
        let screen = render_plain(&a, w, 20);
        let head = screen.lines().next().unwrap_or_default();
        assert!(head.contains("KES"), "{w}: {head}");
        for tail in ["733 ••• 455", "688 ••• 004", "712 ••• 673"] {
            assert!(screen.contains(tail), "{w}: {tail} whole\n{screen}");
        }
        for field in [
            Field::Amount,
            Field::Reference,
            Field::Channel,
            Field::Email,
        ] {
            a.focus = Focus::Field(field);
            let screen = render_plain(&a, w, 20);
            let focused = screen
                .lines()
                .find(|l| l.starts_with('▸'))
                .unwrap_or_default()
                .to_string();
            let label = lipa::console::form::field_label(lipa::strings::Lang::En, field);
            assert!(
                focused.contains(label),
                "{w}: {field:?} not on screen\n{screen}"
            );
        }
        a.help = true;
        a.screen = Screen::Main;
        // The screen's size, as the runtime says it (scrolling stops at the help's end).
        act(&mut a, lipa::console::action::Action::Resize(w, 14));
        let first = render_plain(&a, w, 14);
        assert!(first.contains('↓'), "{w}: more below\n{first}");
        // Far enough down for the whole overlay, however many keys it lists.
        for _ in 0..100 {
            down(&mut a);
        }
        let last = render_plain(&a, w, 14);
        assert!(
            last.contains(lipa::strings::console::help_quit(lipa::strings::Lang::En)),
            "{w}:\n{last}"
        );
    }
}

#[test]
fn today_at_forty_columns_keeps_the_whole_masked_number() {
    // Found by a tester: `+255 712 ••• 6` at 40 columns, the last digits cut.
    let mut a = app(BOTH, true, false);
    today(&mut a);
    let screen = render_plain(&a, 40, 14);
    assert!(screen.contains("754 ••• 017"), "{screen}");
    // The operators' lines that do not fit are a key away (one operator's two currencies too:
    // the line said "o: all of them" and `o` did nothing).
    assert!(screen.contains("o: all of them"), "{screen}");
    key(&mut a, 'o');
    let all = render_plain(&a, 40, 14);
    assert!(all.contains("Operators today"), "{all}");
}

#[test]
fn the_duplicate_question_shows_the_earlier_payment_as_it_is_now() {
    // Found by a tester: the question kept "answer lost, checking" after the row turned paid,
    // still offering to send another prompt to a customer who had paid.
    let mut a = app(BOTH, true, false);
    changed(&mut a, settled(2, Status::Unknown, "", 3));
    typ(&mut a, "0754 000 002");
    tab(&mut a);
    typ(&mut a, "2500");
    enter(&mut a);
    assert!(matches!(
        a.confirm,
        Some(lipa::console::app::Confirm::Duplicate { .. })
    ));
    let before = render_plain(&a, 80, 24);
    assert!(before.contains("answer lost"), "{before}");
    changed(&mut a, settled(2, Status::Paid, Msg::Paid, 3));
    let after = render_plain(&a, 80, 24);
    let question: String = after
        .lines()
        .filter(|l| l.contains('│'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(question.contains("paid"), "{after}");
    assert!(!question.contains("answer lost"), "{after}");
}
