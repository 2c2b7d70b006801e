//! The console at the smallest sizes it supports (60×20, the README's) and at 40×12, in both
//! languages: no message a person must read is cut. A field's error wraps over the lines it
//! needs (`✗ Ndefu mno: … zinahit…`), the list's title shortens by whole words or symbols (it
//! was cut mid-word: `3 yamekwisha (1 yames`), a payment's history wraps its words.

mod console_common;

use console_common::*;
use insta::assert_snapshot;
use lipa::console::App;
use lipa::console::action::Action;
use lipa::payment::{Event, EventKind, Status};
use lipa::strings::{Lang, Msg};

const SIZES: [(u16, u16); 2] = [(60, 20), (40, 12)];

/// Snapshots a scene at both sizes in both languages, plain text.
fn narrow(name: &str, build: impl Fn() -> App) -> Vec<(Lang, u16, String)> {
    let mut screens = Vec::new();
    for lang in [Lang::En, Lang::Sw] {
        speak(lang);
        for (w, h) in SIZES {
            let mut a = build();
            act(&mut a, Action::Resize(w, h));
            let plain = render_plain(&a, w, h);
            let tag = if lang == Lang::Sw { "_sw" } else { "" };
            assert_snapshot!(format!("{name}{tag}_{w}x{h}"), plain);
            screens.push((lang, w, plain));
        }
    }
    speak(Lang::En);
    screens
}

/// The screen's text as one line: words wrapped over lines read whole.
fn flat(screen: &str) -> String {
    screen.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

/// A phone number too long, with payments waiting, needing a person and finished.
#[test]
fn a_long_phone_error_and_the_lists_title() {
    let screens = narrow("long_phone_error", || {
        let mut a = app(BOTH, true, true);
        for p in several() {
            changed(&mut a, p);
        }
        changed(&mut a, settled(2, Status::Paid, Msg::Paid, 16));
        changed(
            &mut a,
            settled(3, Status::Failed, Msg::CustomerCancelled, 31),
        );
        typ(&mut a, "07123456701234");
        a
    });
    for (lang, w, screen) in screens {
        let error = lipa::phone::Phone::parse("07123456701234", lipa::phone::Country::Tanzania)
            .expect_err("too long")
            .text(lang);
        assert!(
            flat(&screen).contains(&error),
            "{lang:?} {w}: {error}\n{screen}"
        );
        // The title is whole words or symbols, never a word cut without `…`.
        let title = screen
            .lines()
            .find(|l| l.contains('─') && !l.contains(lipa::strings::console::form_title(lang)))
            .unwrap_or_default();
        let words = lipa::strings::console::pending_title(lang, 2, 1, 2, 1);
        for word in title.split([' ', '─']).filter(|w| !w.is_empty()) {
            let known = words.split(' ').any(|x| x == word)
                || ["◷", "!", "✓", "✗", "…", "·"].contains(&word)
                || word.chars().all(|c| c.is_ascii_digit());
            assert!(known, "{lang:?} {w}: {word:?} in {title:?}\n{screen}");
        }
    }
}

/// A payment's detail whose history says long things.
#[test]
fn a_payments_history_wraps_its_words() {
    let screens = narrow("long_history", || {
        let mut a = app(BOTH, true, true);
        for p in several() {
            changed(&mut a, p);
        }
        open_detail(&mut a, 2);
        let at = |secs| now() - chrono::Duration::seconds(secs);
        let ev = |secs, status, message| Event {
            payment_id: 2,
            at: at(secs),
            status,
            message,
            kind: EventKind::Status,
            who: None,
        };
        act(
            &mut a,
            Action::HistoryLoaded {
                id: 2,
                result: Ok(vec![
                    ev(21, Status::Pending, Msg::PromptSent),
                    ev(5, Status::Pending, Msg::PromptSent),
                ]),
            },
        );
        a
    });
    for (lang, w, screen) in screens {
        if w < 60 {
            continue;
        }
        let words = Msg::PromptSent.text(lang);
        assert!(
            flat(&screen).contains(&words),
            "{lang:?} {w}: {words}\n{screen}"
        );
    }
}
