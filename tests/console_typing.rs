//! No field drops what was typed or pasted without a word: a character a field does not take
//! is said under it for as long as the cashier types on, and a paste is taken whole or refused
//! whole with words (an escape sequence once went out inside a reference: `AB\e[31m-1;x` became
//! `AB31m1x`). Through the console's real update loop.

mod console_common;

use console_common::*;
use lipa::console::action::Action;
use lipa::console::app::{Confirm, Focus, Screen};
use lipa::console::form::Field;
use lipa::payment::Status;
use lipa::provider::ProviderKind;
use lipa::strings::Lang;
use lipa::strings::console as s;

/// The longest note on a check.
const NOTE_MAX: usize = 120;

/// A ClickPesa console with the reference field focused and emptied.
fn at_reference(lang: Lang) -> lipa::console::App {
    speak(lang);
    let mut a = app(BOTH, true, true);
    tab(&mut a);
    tab(&mut a);
    assert_eq!(a.focus, Focus::Field(Field::Reference));
    ctrl(&mut a, 'u');
    assert_eq!(a.form.reference.value(), "");
    a
}

/// The screen without line breaks or the box's edges: a message wrapped over lines reads whole.
fn flat(a: &lipa::console::App) -> String {
    render_plain(a, 80, 24)
        .lines()
        .map(|l| l.trim_matches(|c| c == ' ' || c == '│'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn characters_a_reference_refuses_are_said_while_typing_on() {
    for lang in [Lang::En, Lang::Sw] {
        let mut a = at_reference(lang);
        typ(&mut a, "AB-1;x");
        assert_eq!(a.form.reference.value(), "AB1x");
        let said = s::refused(lang, Field::Reference, "-;", ProviderKind::ClickPesa);
        let screen = flat(&a);
        assert!(screen.contains(&said), "{lang:?}: {said}\n{screen}");
        // Deleting is the cashier acting on it: the words go.
        press(
            &mut a,
            ratatui::crossterm::event::KeyCode::Backspace,
            ratatui::crossterm::event::KeyModifiers::NONE,
        );
        assert!(!flat(&a).contains(&said), "{lang:?}");
    }
    speak(Lang::En);
}

#[test]
fn a_paste_is_taken_whole_or_refused_with_words() {
    for lang in [Lang::En, Lang::Sw] {
        // An escape sequence: nothing of it goes in, and the screen says why.
        let mut a = at_reference(lang);
        act(&mut a, Action::Paste("AB\u{1b}[31m-1;x".into()));
        assert_eq!(a.form.reference.value(), "", "{lang:?}");
        let screen = flat(&a);
        assert!(
            screen.contains(s::paste_control(lang)),
            "{lang:?}\n{screen}"
        );
        // Characters the field does not take: refused whole, each named.
        let mut a = at_reference(lang);
        act(&mut a, Action::Paste("AB-1;x".into()));
        assert_eq!(a.form.reference.value(), "", "{lang:?}");
        let said = s::refused(lang, Field::Reference, "-;", ProviderKind::ClickPesa);
        let screen = flat(&a);
        assert!(
            screen.contains(&s::paste_refused(lang, &said)),
            "{lang:?}\n{screen}"
        );
        // A copied line's end is no reason to refuse it.
        let mut a = at_reference(lang);
        act(&mut a, Action::Paste(" AB1x\r\n".into()));
        assert_eq!(a.form.reference.value(), "AB1x", "{lang:?}");
        // Longer than the field: refused whole.
        let mut a = at_reference(lang);
        act(
            &mut a,
            Action::Paste("A".repeat(Field::Reference.max_len() + 1)),
        );
        assert_eq!(a.form.reference.value(), "", "{lang:?}");
        assert!(
            flat(&a).contains(&s::paste_full(lang, Field::Reference.max_len())),
            "{lang:?}"
        );
    }
    speak(Lang::En);
}

#[test]
fn the_phone_and_amount_take_a_paste_whole_or_say_why() {
    let mut a = app(BOTH, true, true);
    act(&mut a, Action::Paste("0712 345 678\n".into()));
    assert_eq!(a.form.phone.value(), "0712 345 678");
    ctrl(&mut a, 'u');
    // Words around a copied number: its digits go in, and what was left out is said.
    act(&mut a, Action::Paste("tel:0712345678".into()));
    assert_eq!(a.form.phone.value(), "0712345678");
    let said = s::refused(Lang::En, Field::Phone, "tel:", ProviderKind::ClickPesa);
    assert!(flat(&a).contains(&said), "{}", flat(&a));
    ctrl(&mut a, 'u');
    act(&mut a, Action::Paste("0712\u{1b}[0m345678".into()));
    assert_eq!(a.form.phone.value(), "");
    assert!(flat(&a).contains(s::paste_control(Lang::En)));
    tab(&mut a);
    act(&mut a, Action::Paste("1\u{1b}[0m500".into()));
    assert_eq!(a.form.amount.value(), "");
    assert!(flat(&a).contains(s::paste_control(Lang::En)));
}

#[test]
fn a_checks_note_and_the_search_line_say_what_they_do_not_take() {
    let mut a = app(BOTH, true, true);
    for p in several() {
        changed(&mut a, p);
    }
    a.focus = Focus::List;
    a.selected = Some(5);
    assert_eq!(a.rows.get(&5).map(|p| p.status), Some(Status::Attention));
    key(&mut a, 'c');
    assert!(matches!(a.confirm, Some(Confirm::MarkChecked { .. })));
    act(&mut a, Action::Paste("SMS\u{1b}[1m seen".into()));
    let note = |a: &lipa::console::App| match &a.confirm {
        Some(Confirm::MarkChecked { note, .. }) => note.clone(),
        _ => panic!("the question closed"),
    };
    assert_eq!(note(&a), "");
    let said = a
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert_eq!(said, s::paste_control(Lang::En));
    typ(&mut a, &"n".repeat(NOTE_MAX + 1));
    assert_eq!(note(&a).chars().count(), NOTE_MAX);
    let said = a
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert_eq!(said, s::field_full(Lang::En, NOTE_MAX));
    esc(&mut a);
    // The search line: a pasted reference goes in whole; an escape sequence does not.
    ctrl(&mut a, 'f');
    assert_eq!(a.screen, Screen::Search);
    act(&mut a, Action::Paste("LP-7K3\n".into()));
    let query = |a: &lipa::console::App| {
        a.search
            .as_ref()
            .map(|v| v.query.value().to_string())
            .unwrap_or_default()
    };
    assert_eq!(query(&a), "LP-7K3");
    act(&mut a, Action::Paste("\u{1b}[31m".into()));
    assert_eq!(query(&a), "LP-7K3");
    let said = a
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert_eq!(said, s::paste_control(Lang::En));
}
