//! The whole console screen, drawn through ratatui's TestBackend at the design size (80×24) and
//! the smallest supported one (60×20), with colour (buffer with styles) and without (plain text).
//! State is built directly with a fixed clock and fixed references: no engine, no randomness.

mod console_common;

use console_common::*;
use insta::assert_snapshot;
use lipa::console::App;
use lipa::console::action::Action;
use lipa::console::view;
use lipa::payment::Status;
use lipa::provider::ProviderKind;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

/// Draws the app and returns (plain text, buffer with styles).
fn render(app: &App, w: u16, h: u16) -> (String, String) {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    terminal.draw(|f| view::draw(f, app)).expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let mut plain = String::new();
    for y in 0..h {
        let line: String = (0..w)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        plain.push_str(line.trim_end());
        plain.push('\n');
    }
    if app.no_color {
        let coloured = buffer
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset || c.bg != Color::Reset);
        assert!(!coloured, "NO_COLOR: no cell may carry a colour");
    }
    (plain, format!("{buffer:?}"))
}

/// lipa's own English words, which a Swahili screen must not show (a provider's own words,
/// shown as it wrote them, may still be English).
const ENGLISH: &[&str] = &[
    "New payment",
    "Phone",
    "Amount",
    "Reference",
    "Channel",
    "Payments",
    "waiting",
    "✓ paid",
    "✗ failed",
    "needs you",
    "send",
    "next field",
    "quit",
    "History",
    "Today",
    "Status",
    "Keys",
    "help",
    "provider",
    "optional",
    "e.g.",
    "Provider says",
    "Same payment",
    "ago",
];

/// Snapshots a scene eight ways: English and Kiswahili, 80×24 and 60×20, with and without
/// colour.
fn scene(name: &str, build: impl Fn(bool) -> App) {
    use lipa::strings::Lang;
    for lang in [Lang::En, Lang::Sw] {
        speak(lang);
        let name = match lang {
            Lang::En => name.to_string(),
            Lang::Sw => format!("{name}_sw"),
        };
        for (w, h) in [(80, 24), (60, 20)] {
            let (_, styled) = render(&build(false), w, h);
            assert_snapshot!(format!("{name}_{w}x{h}_color"), styled);
            let (plain, _) = render(&build(true), w, h);
            if lang == Lang::Sw {
                for word in ENGLISH {
                    assert!(
                        !plain.contains(word),
                        "{name} {w}x{h}: {word:?} in\n{plain}"
                    );
                }
            }
            assert_snapshot!(format!("{name}_{w}x{h}_plain"), plain);
        }
    }
    speak(Lang::En);
}

#[test]
fn empty_demo() {
    scene("empty_demo", |nc| app(BOTH, true, nc));
}

/// A till of a chain whose shared ledger is out of reach: said on the top line until it is back.
#[test]
fn ledger_unreachable() {
    scene("ledger_down", |nc| {
        let mut a = app(BOTH, false, nc);
        act(&mut a, Action::Ledger(Some("connection refused".into())));
        a
    });
    let mut a = app(BOTH, false, true);
    act(&mut a, Action::Ledger(Some("connection refused".into())));
    act(&mut a, Action::Ledger(None));
    assert!(!render(&a, 80, 24).0.contains("ledger unreachable"));
}

/// The journal cannot record what lipa learns (a full disk): said on the top line until it
/// can, and meanwhile no open payment shows as waiting for its customer, who may have answered.
#[test]
fn journal_cannot_record() {
    let mut a = app(BOTH, false, true);
    for p in several() {
        changed(&mut a, p);
    }
    let row = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains("754 ••• 001"))
            .unwrap_or_default()
            .to_string()
    };
    let (before, _) = render(&a, 80, 24);
    assert!(row(&before).contains("waiting"), "{before}");
    act(
        &mut a,
        Action::Journal(Some("database or disk is full".into())),
    );
    let (down, _) = render(&a, 80, 24);
    assert!(down.contains("journal cannot record"), "{down}");
    assert!(!row(&down).contains("waiting"), "{down}");
    assert!(row(&down).contains("checking"), "{down}");
    assert!(row(&down).contains("The journal cann"), "{down}");
    act(&mut a, Action::Journal(None));
    assert_eq!(render(&a, 80, 24).0, before);
}

/// A chain's ledger out of reach (a tester stopped PostgreSQL just after a send): the customer
/// may pay meanwhile and the answer cannot be recorded, so no open payment shows as waiting for
/// its customer: *checking*, with why, until the ledger is back.
#[test]
fn ledger_unreachable_shows_open_payments_checking() {
    let mut a = app(BOTH, false, true);
    for p in several() {
        changed(&mut a, p);
    }
    let row = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains("754 ••• 001"))
            .unwrap_or_default()
            .to_string()
    };
    let (before, _) = render(&a, 80, 24);
    assert!(row(&before).contains("waiting"), "{before}");
    act(&mut a, Action::Ledger(Some("connection refused".into())));
    let (down, _) = render(&a, 80, 24);
    assert!(down.contains("ledger unreachable"), "{down}");
    assert!(!row(&down).contains("waiting"), "{down}");
    assert!(row(&down).contains("checking"), "{down}");
    assert!(row(&down).contains("The ledger is o"), "{down}");
    act(&mut a, Action::Ledger(None));
    assert_eq!(render(&a, 80, 24).0, before);
}

#[test]
fn form_with_errors() {
    scene("form_errors", |nc| {
        let mut a = app(BOTH, true, nc);
        typ(&mut a, "254712345678");
        tab(&mut a);
        typ(&mut a, "12.5");
        tab(&mut a);
        typ(&mut a, "-");
        enter(&mut a);
        a
    });
}

#[test]
fn several_pending() {
    scene("pending", |nc| {
        let mut a = app(BOTH, true, nc);
        ctrl(&mut a, 'p');
        reference(&mut a, ProviderKind::Cepta, "LP-7K3MQ9-XR4TZ");
        typ(&mut a, "0733 123 456");
        for p in several() {
            changed(&mut a, p);
        }
        a
    });
}

#[test]
fn paid_and_failed() {
    scene("paid_failed", |nc| {
        let mut a = app(BOTH, false, nc);
        for p in several() {
            changed(&mut a, p);
        }
        changed(
            &mut a,
            settled(2, Status::Paid, lipa::strings::Msg::Paid, 16),
        );
        changed(
            &mut a,
            settled(3, Status::Failed, lipa::strings::Msg::CustomerCancelled, 31),
        );
        tab(&mut a);
        tab(&mut a);
        tab(&mut a);
        down(&mut a);
        key(&mut a, 'j');
        a
    });
}

#[test]
fn detail_view() {
    scene("detail", |nc| {
        let mut a = app(BOTH, true, nc);
        for p in several() {
            changed(&mut a, p);
        }
        changed(
            &mut a,
            settled(2, Status::Paid, lipa::strings::Msg::Paid, 16),
        );
        open_detail(&mut a, 2);
        a
    });
}

#[test]
fn help_overlay() {
    scene("help", |nc| {
        let mut a = app(BOTH, true, nc);
        for p in several() {
            changed(&mut a, p);
        }
        key(&mut a, '?');
        a
    });
}

#[test]
fn today_view() {
    scene("today", |nc| {
        let mut a = app(BOTH, true, nc);
        today(&mut a);
        a
    });
}

/// Callbacks that named no payment lipa holds are shown for a person on the today screen:
/// how many, and the newest, as they came (a forged reference, an unknown provider's id).
#[test]
fn today_with_callbacks_kept_for_a_person() {
    let hook = |id: i64, secs: i64, provider: &str, named: &str, checked: &str| {
        lipa::journal::hooks::Hook {
            id,
            received_at: ago(secs),
            provider: provider.to_string(),
            source: "41.59.8.20".to_string(),
            checked: checked.to_string(),
            named: named.to_string(),
            payment_id: None,
            outcome: "unmatched".to_string(),
            body: "{}".to_string(),
        }
    };
    scene("today_hooks", |nc| {
        let mut a = app(BOTH, false, nc);
        today(&mut a);
        act(
            &mut a,
            Action::TodayHooks(vec![
                hook(2, 60, "clickpesa", "reference LPX7Q2K9Z3M4", "refused"),
                hook(1, 600, "cepta", "", "unsigned"),
            ]),
        );
        a
    });
}

#[test]
fn duplicate_question() {
    scene("duplicate", |nc| {
        let mut a = app(BOTH, true, nc);
        changed(
            &mut a,
            settled(2, Status::Paid, lipa::strings::Msg::Paid, 16),
        );
        typ(&mut a, "0754 000 002");
        tab(&mut a);
        typ(&mut a, "2500");
        enter(&mut a);
        a
    });
}

#[test]
fn tiny_and_odd_sizes_never_panic() {
    let scenes: Vec<App> = vec![
        app(BOTH, true, false),
        {
            let mut a = app(BOTH, true, true);
            for p in several() {
                changed(&mut a, p);
            }
            key(&mut a, '?');
            a
        },
        {
            let mut a = app(BOTH, true, false);
            for p in several() {
                changed(&mut a, p);
            }
            open_detail(&mut a, 2);
            a
        },
        {
            let mut a = app(BOTH, true, false);
            today(&mut a);
            a
        },
        {
            let mut a = app(BOTH, true, false);
            changed(
                &mut a,
                settled(2, Status::Paid, lipa::strings::Msg::Paid, 16),
            );
            typ(&mut a, "0754 000 002");
            tab(&mut a);
            typ(&mut a, "2500");
            enter(&mut a);
            a
        },
    ];
    for a in &scenes {
        for (w, h) in [
            (1, 1),
            (10, 4),
            (20, 6),
            (40, 12),
            (59, 19),
            (61, 21),
            (132, 43),
        ] {
            render(a, w, h);
        }
    }
}

#[test]
fn wide_screens_put_the_form_beside_the_list() {
    let mut a = app(BOTH, true, true);
    for p in several() {
        changed(&mut a, p);
    }
    let (plain, _) = render(&a, 132, 24);
    let line = plain.lines().nth(3).unwrap_or_default();
    assert!(
        line.contains("e.g. 0712") && line.contains("688 ••• 004"),
        "{plain}"
    );
}

/// The wallet check's answer under the phone: the customer's registered name. At the design
/// size only (the 60×20 fit is checked in console_preview.rs).
#[test]
fn preview_name() {
    use lipa::console::action::Action;
    use lipa::console::effect::Effect;
    use lipa::provider::{Preview, PreviewMethod};
    let build = |nc: bool| {
        let mut a = app(BOTH, true, nc);
        typ(&mut a, "0754 123 450");
        tab(&mut a);
        typ(&mut a, "1500");
        let later = now() + chrono::Duration::seconds(1);
        let fx = act(&mut a, Action::Tick(later));
        let Some(Effect::Preview { generation, .. }) = fx.first() else {
            panic!("no preview asked: {fx:?}");
        };
        let generation = *generation;
        let preview = Preview {
            methods: vec![PreviewMethod {
                name: "M-PESA".into(),
                available: true,
                fee_minor: Some(0),
                message: "Payment method is available".into(),
            }],
            account_name: Some("ASHA MWANGI".into()),
            wallet: None,
        };
        act(
            &mut a,
            Action::Previewed {
                generation,
                result: Ok(Some(preview)),
            },
        );
        a
    };
    let (_, styled) = render(&build(false), 80, 24);
    assert_snapshot!("preview_name_80x24_color", styled);
    let (plain, _) = render(&build(true), 80, 24);
    assert_snapshot!("preview_name_80x24_plain", plain);
}
