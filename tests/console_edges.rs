//! Hold at the edges (issue 21): what the console said or did that misled a cashier. Each
//! test drives the real update loop and reads the screen.

mod console_common;

use chrono::Duration;
use console_common::*;
use lipa::console::action::Action;
use lipa::console::app::{Confirm, Focus};
use lipa::console::effect::Effect;
use lipa::payment::{Payment, Status};
use lipa::provider::ProviderKind;
use lipa::strings::{Lang, Msg};

fn said(a: &lipa::console::App) -> String {
    a.notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

/// The bottom line of the screen: the keys offered.
fn bar(a: &lipa::console::App, w: u16, h: u16) -> String {
    render_plain(a, w, h)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string()
}

/// Paid three seconds after the send, five minutes ago: its age is five minutes, not the
/// `0:03` it took (the column froze when the payment ended). A finished row counts in minutes,
/// so a quiet till wakes once a minute, not every second.
#[test]
fn a_finished_payments_age_is_its_age_now() {
    let mut a = app(BOTH, true, true);
    changed(&mut a, settled(2, Status::Paid, Msg::Paid, 3));
    act(&mut a, Action::Tick(now() + Duration::minutes(5)));
    let screen = render_plain(&a, 80, 24);
    let row = screen
        .lines()
        .find(|l| l.contains("754 ••• 002"))
        .unwrap_or_default();
    assert!(row.contains("5 min") && !row.contains("0:03"), "{screen}");
    let wake = a.next_wake().expect("the minute turns");
    assert!(wake > std::time::Duration::from_secs(1), "{wake:?}");
}

/// Five payments waiting for a person, two hours old: their ages count in hours, so an idle
/// console wakes once an hour, not every second (it sent their ages by the second for ever,
/// about 50 B/s over SSH; `cargo bench --bench redraw` measures the bytes).
#[test]
fn needs_you_rows_count_in_minutes_then_hours() {
    let mut a = app(BOTH, true, true);
    for id in 1..=5 {
        changed(&mut a, settled(id, Status::Attention, Msg::NotFoundYet, 90));
    }
    act(&mut a, Action::Tick(now() + Duration::hours(2)));
    let screen = render_plain(&a, 80, 24);
    assert!(screen.contains("2 h"), "{screen}");
    let wake = a.next_wake().expect("the hour turns");
    assert!(wake > std::time::Duration::from_secs(60), "{wake:?}");
}

/// The engine's duplicate guard asks y/n: nothing is being sent while it waits, so the status
/// line must not say "Sending…"; after y it does.
#[test]
fn nothing_says_sending_while_the_duplicate_question_waits() {
    let mut a = app(BOTH, true, true);
    typ(&mut a, "0754 000 002");
    tab(&mut a);
    typ(&mut a, "2500");
    let fx = enter(&mut a);
    let new = fx
        .iter()
        .find_map(|e| match e {
            Effect::SubmitChecked(n) => Some(n.clone()),
            _ => None,
        })
        .expect("sent behind the guard");
    assert!(said(&a).starts_with("Sending"), "{}", said(&a));
    act(
        &mut a,
        Action::DuplicateFound {
            new,
            existing: settled(2, Status::Paid, Msg::Paid, 16),
        },
    );
    assert!(matches!(a.confirm, Some(Confirm::Duplicate { .. })));
    let screen = render_plain(&a, 80, 24);
    assert!(!screen.contains("Sending"), "{screen}");
    let fx = key(&mut a, 'y');
    assert!(matches!(fx.as_slice(), [Effect::Submit(_)]), "{fx:?}");
    assert!(said(&a).starts_with("Sending"), "{}", said(&a));
}

/// `r` says "Asking ClickPesa now…" until the answer is journalled, then what was answered
/// (it went on saying "Asking…" after the answer had come).
#[test]
fn a_recheck_says_what_was_answered_once_it_is() {
    let mut a = app(BOTH, true, true);
    for p in several() {
        changed(&mut a, p);
    }
    a.focus = Focus::List;
    a.selected = Some(1);
    let fx = key(&mut a, 'r');
    assert!(
        matches!(fx.as_slice(), [Effect::Recheck { id: 1, .. }]),
        "{fx:?}"
    );
    assert!(said(&a).starts_with("Asking ClickPesa"), "{}", said(&a));
    // News of something else, not the answer: still asking.
    let mut first = several().remove(0);
    first.updated_at = now();
    changed(&mut a, first.clone());
    assert!(said(&a).starts_with("Asking ClickPesa"), "{}", said(&a));
    // The answer: one more query, still waiting for the customer.
    first.polls += 1;
    first.said = Msg::NotFoundYet;
    changed(&mut a, first);
    let text = said(&a);
    assert!(!text.contains("Asking"), "{text}");
    assert!(text.starts_with("ClickPesa answered: waiting."), "{text}");
}

/// Help lists every key (it left out `p`, `z` and `x`); the Swahili bars keep `^R` where the
/// English ones do (Today's dropped it for a clearing key that does nothing there).
#[test]
fn help_lists_every_key_and_swahili_bars_keep_the_report() {
    let mut a = app(BOTH, true, true);
    key(&mut a, '?');
    let screen = render_plain(&a, 100, 40);
    for must in [
        lipa::strings::console::help_print(Lang::En),
        "z closes it",
        "^X / x",
    ] {
        assert!(screen.contains(must), "{must}:\n{screen}");
    }
    for lang in [Lang::En, Lang::Sw] {
        speak(lang);
        let mut a = app(BOTH, true, true);
        for p in several() {
            changed(&mut a, p);
        }
        // The form, with two providers to switch between.
        let keys = bar(&a, 80, 24);
        assert!(
            keys.contains("^R") && keys.contains("^P"),
            "{lang:?}: {keys}"
        );
        changed(&mut a, settled(2, Status::Paid, Msg::Paid, 16));
        today(&mut a);
        let keys = bar(&a, 80, 24);
        assert!(keys.contains("^R"), "{lang:?}: {keys}");
    }
    speak(Lang::En);
}

/// Several operators' payments: who pushed each has a column of its own; "Provider says" holds
/// the provider's words, never an operator's name in front of them.
#[test]
fn provider_says_holds_only_the_providers_words() {
    let mut a = app(BOTH, true, true);
    for p in several() {
        changed(&mut a, p);
    }
    let mut other = several().remove(1);
    other.id = 9;
    other.operator = "amani".into();
    changed(&mut a, other);
    let screen = render_plain(&a, 80, 24);
    assert!(!screen.contains("amani ·"), "{screen}");
    assert!(!screen.contains("rehema ·"), "{screen}");
    let head = screen
        .lines()
        .find(|l| l.contains("Phone") && l.contains("Status"))
        .unwrap_or_default()
        .to_string();
    assert!(head.contains("By"), "{screen}");
    let row = screen
        .lines()
        .find(|l| l.contains("amani"))
        .unwrap_or_default();
    let words = row.split("amani").nth(1).unwrap_or_default();
    assert!(words.contains("The provider has no"), "{row}");
}

/// A supervisor's list of several operators' payments keeps its "By" column at every width,
/// side by side with the form too (at 120 columns and more it lost it to the provider's words).
#[test]
fn several_operators_keep_the_by_column_beside_the_form() {
    use lipa::strings::Lang;
    for lang in [Lang::En, Lang::Sw] {
        speak(lang);
        let mut a = app(BOTH, true, true);
        for p in several() {
            changed(&mut a, p);
        }
        let mut other = several().remove(1);
        other.id = 9;
        other.operator = "amani".into();
        changed(&mut a, other);
        let by = lipa::strings::console::col_by(lang);
        for (w, h) in [
            (60, 20),
            (80, 24),
            (100, 30),
            (110, 30),
            (120, 30),
            (132, 43),
        ] {
            let screen = render_plain(&a, w, h);
            let head = screen
                .lines()
                .find(|l| {
                    l.contains(lipa::strings::console::col_phone(lang))
                        && l.contains(lipa::strings::console::col_amount(lang))
                })
                .unwrap_or_default()
                .to_string();
            assert!(head.contains(by), "{lang:?} {w}x{h}:\n{screen}");
            assert!(
                screen.contains("amani") && screen.contains("rehema"),
                "{lang:?} {w}x{h}:\n{screen}"
            );
        }
    }
    speak(Lang::En);
}

/// With the till's clock a day behind the journal's, a payment stamped tomorrow is not one of
/// Today's: Today ends where the day's report does.
#[test]
fn today_holds_its_own_day_only() {
    let mut a = app(BOTH, true, true);
    today(&mut a);
    let count = |a: &lipa::console::App| a.today.as_ref().map_or(0, |t| t.count());
    assert_eq!(count(&a), 7);
    let mut p: Payment = payment(
        30,
        ProviderKind::ClickPesa,
        "255754000030",
        4_000,
        Status::Pending,
        Msg::PromptSent,
        0,
    );
    p.created_at = now() + Duration::days(1);
    p.updated_at = p.created_at;
    p.sent_at = Some(p.created_at);
    changed(&mut a, p);
    assert_eq!(count(&a), 7, "a payment of tomorrow counted today");
    assert!(render_plain(&a, 80, 24).contains("7 payments"));
}

/// From 30 to 40 columns every row keeps the masked number's last digits and the amount with
/// its currency; at 40×12 the payment that needs a person is on top and the rows out of sight
/// are said.
#[test]
fn narrow_lists_keep_the_last_digits_and_the_currency() {
    let mut list = several();
    let mut big = settled(2, Status::Paid, Msg::Paid, 16);
    big.amount = lipa::money::Money::from_minor(1_250_000, lipa::money::Currency::Tzs);
    list.push(big);
    for lang in [Lang::En, Lang::Sw] {
        speak(lang);
        for (w, h) in (30..=40).map(|w| (w, 14)).chain([(40, 12)]) {
            let mut a = app(BOTH, true, true);
            for p in &list {
                changed(&mut a, p.clone());
            }
            a.size = (w, h);
            let screen = render_plain(&a, w, h);
            let rows: Vec<&str> = screen.lines().filter(|l| l.contains('•')).collect();
            assert!(!rows.is_empty(), "{w}x{h}:\n{screen}");
            for line in rows {
                let whole = list.iter().any(|p| {
                    line.contains(&format!("••• {}", &p.phone[9..]))
                        && line.contains(&p.amount.to_string())
                });
                assert!(whole, "{lang:?} {w}x{h}: {line:?} cut\n{screen}");
            }
            if (w, h) == (40, 12) {
                // The sale just pushed is in sight; the one that needs a person is counted in
                // the title (and comes next).
                let first = screen.lines().find(|l| l.contains('•')).unwrap_or_default();
                assert!(first.contains("688 ••• 004"), "{lang:?}: {screen}");
                assert!(
                    screen.contains("1 needs you") || screen.contains("! 1"),
                    "{lang:?}: {screen}"
                );
                assert!(screen.contains('↓'), "{lang:?}: more rows unsaid\n{screen}");
            }
        }
    }
    speak(Lang::En);
}

/// Today's screen keeps them whole too.
#[test]
fn a_narrow_today_keeps_the_currency_of_its_totals() {
    for w in [30u16, 36] {
        let mut a = app(BOTH, true, true);
        today(&mut a);
        let screen = render_plain(&a, w, 16);
        for must in ["TZS 17,500", "TZS 500", "KES 100", "••• 017", "TZS 7,000"] {
            assert!(screen.contains(must), "{w}: {must}\n{screen}");
        }
    }
}

/// In Kiswahili a question takes d (*ndiyo*) and h (*hapana*) beside y and n, and says so;
/// the words of a payment that needs a person say *uliza tena* (the `r` key's *uliza*), never
/// *kagua tena*, which reads as `c`.
#[test]
fn a_swahili_question_takes_d_and_h() {
    speak(Lang::Sw);
    let ask = |a: &mut lipa::console::App| {
        typ(a, "0754 000 002");
        tab(a);
        typ(a, "2500");
        enter(a);
        assert!(matches!(a.confirm, Some(Confirm::Duplicate { .. })));
    };
    let mut a = app(BOTH, true, true);
    changed(&mut a, settled(2, Status::Paid, Msg::Paid, 16));
    ask(&mut a);
    assert!(bar(&a, 80, 24).contains("y/d ndiyo"), "{}", bar(&a, 80, 24));
    assert!(key(&mut a, 'h').is_empty());
    assert!(a.confirm.is_none(), "h is hapana");
    enter(&mut a);
    assert!(a.confirm.is_some());
    let fx = key(&mut a, 'd');
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Submit(_))),
        "d is ndiyo: {fx:?}"
    );
    for m in [
        Msg::NoAnswerByDeadline { secs: 90 },
        Msg::ProviderSilent { secs: 600 },
    ] {
        let words = m.text(Lang::Sw);
        assert!(!words.contains("kagua tena"), "{words}");
        assert!(words.contains("uliza tena"), "{words}");
    }
    speak(Lang::En);
    // In English, d is not yes.
    let mut a = app(BOTH, true, true);
    changed(&mut a, settled(2, Status::Paid, Msg::Paid, 16));
    ask(&mut a);
    assert!(key(&mut a, 'd').is_empty());
    assert!(a.confirm.is_some());
}

/// Full-width digits (a phone's IME, a pasted message) are the digits they look like: they
/// were dropped without a word.
#[test]
fn full_width_digits_are_digits() {
    let mut a = app(BOTH, true, true);
    act(&mut a, Action::Paste("０７１２ ３４５ ６７８".into()));
    assert_eq!(a.form.phone.value(), "0712 345 678");
    tab(&mut a);
    typ(&mut a, "１５００");
    assert_eq!(a.form.amount.value(), "1500");
    act(&mut a, Action::Paste("٠٧١٢".into()));
    assert_eq!(a.form.amount.value(), "15000712");
}

/// A terminal of the VT100 family gets no colour; others only the 8 standard ones.
#[test]
fn a_vt100_gets_no_colour_and_no_terminal_a_bright_one() {
    use lipa::console::theme::term_has_colour;
    for plain in ["vt100", "vt102", "vt220", "dumb", ""] {
        assert!(!term_has_colour(plain), "{plain}");
    }
    for colour in [
        "ansi",
        "linux",
        "xterm",
        "xterm-256color",
        "screen",
        "tmux-256color",
    ] {
        assert!(term_has_colour(colour), "{colour}");
    }
    let mut a = app(BOTH, true, false);
    for p in several() {
        changed(&mut a, p);
    }
    act(&mut a, Action::Ledger(Some("connection refused".into())));
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|f| lipa::console::view::draw(f, &a))
        .expect("draw");
    use ratatui::style::Color::*;
    for cell in terminal.backend().buffer().content() {
        for c in [cell.fg, cell.bg] {
            assert!(
                matches!(
                    c,
                    Reset | Black | Red | Green | Yellow | Blue | Magenta | Cyan | Gray
                ),
                "{c:?} is not one of the 8 standard colours"
            );
        }
    }
}

/// At 40 columns the help's meanings wrap under themselves, never against the box's left
/// edge (`│list`), and PageDown, End, PageUp and Home scroll it as ↓ and ↑ do.
#[test]
fn narrow_help_wraps_inside_and_pages_scroll_it() {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    for lang in [Lang::En, Lang::Sw] {
        speak(lang);
        let mut a = app(BOTH, true, true);
        act(&mut a, lipa::console::action::Action::Resize(40, 12));
        key(&mut a, '?');
        let title = |a: &lipa::console::App| {
            let screen = render_plain(a, 40, 12);
            let top = screen
                .lines()
                .find(|l| l.contains('┌'))
                .unwrap_or_default()
                .to_string();
            (top, screen)
        };
        let mut seen = String::new();
        let mut pages = 0;
        loop {
            let (top, screen) = title(&a);
            for l in screen.lines().filter(|l| l.contains('│')) {
                let inside = l.split('│').nth(1).unwrap_or_default();
                assert!(inside.starts_with(' '), "{lang:?}: {l:?}\n{screen}");
            }
            seen.push_str(&screen);
            if !top.contains('↓') {
                break;
            }
            press(&mut a, KeyCode::PageDown, KeyModifiers::NONE);
            pages += 1;
            assert!(
                pages < 40,
                "{lang:?}: PageDown does not reach the end\n{screen}"
            );
        }
        assert!(pages > 1, "{lang:?}: {pages}");
        assert!(seen.contains(lipa::strings::console::KEY_CTRL_C), "{seen}");
        press(&mut a, KeyCode::Home, KeyModifiers::NONE);
        let (top, _) = title(&a);
        assert!(
            top.contains('↓') && !top.contains('↑'),
            "{lang:?} Home: {top}"
        );
        press(&mut a, KeyCode::End, KeyModifiers::NONE);
        let (top, _) = title(&a);
        assert!(
            top.contains('↑') && !top.contains('↓'),
            "{lang:?} End: {top}"
        );
        // One ↑ from the end shows there is more below again.
        key(&mut a, 'k');
        let (top, _) = title(&a);
        assert!(top.contains("↑↓"), "{lang:?} End then k: {top}");
        press(&mut a, KeyCode::PageUp, KeyModifiers::NONE);
        press(&mut a, KeyCode::PageUp, KeyModifiers::NONE);
        assert!(a.help, "{lang:?}: paging closed the help");
    }
    speak(Lang::En);
}

/// A Daraja payment whose answer was lost cannot be asked about: `r` says so and asks nothing
/// (it said "Asking…" for ever, the answer never coming), and the key bar does not offer it.
#[test]
fn a_payment_that_cannot_be_asked_about_is_not_asked() {
    let all = ProviderKind::ALL;
    let mut a = app(&all, true, true);
    let lost = payment(
        7,
        ProviderKind::Daraja,
        "254712345679",
        150_000,
        Status::Attention,
        Msg::CannotLookUp {
            provider: ProviderKind::Daraja,
        },
        20,
    );
    changed(&mut a, lost);
    a.focus = Focus::List;
    a.selected = Some(7);
    assert!(!a.allowed().recheck, "the bar offers no r");
    let fx = key(&mut a, 'r');
    assert!(fx.is_empty(), "{fx:?}");
    assert!(said(&a).contains("cannot be asked"), "{}", said(&a));
    assert_eq!(a.asking, None);
}

/// The same phone and amount again while its prompt waits, for a provider whose phones take
/// one prompt at a time: not "send another prompt?" (a yes could only be refused), but sent
/// at once to be refused in the journal's words (a tester was asked, said yes, and was
/// refused).
#[test]
fn no_question_whose_yes_would_be_refused() {
    let kind = ProviderKind::PawapayKe;
    let mut a = app(&[kind], true, true);
    reference(&mut a, kind, "LP-7K3MQ9-XR901");
    changed(
        &mut a,
        payment(1, kind, "254712345678", 50_000, Status::Pending, "", 6),
    );
    typ(&mut a, "0712345678");
    tab(&mut a);
    typ(&mut a, "500");
    let fx = enter(&mut a);
    assert!(a.confirm.is_none(), "{:?}", a.confirm);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::SubmitChecked(_))),
        "{fx:?}"
    );
}
