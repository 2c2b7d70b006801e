//! The console's search screen through the real update loop: Ctrl-F, every key asks again
//! (older answers dropped), the next page at the end of the list, Enter opens a payment and
//! Esc comes back to the same line; Esc clears the line, then leaves.

mod console_common;

use console_common::*;
use lipa::console::action::Action;
use lipa::console::app::{SEARCH_PAGE, Screen};
use lipa::console::effect::Effect;
use lipa::payment::Status;
use lipa::provider::ProviderKind;

fn asked(fx: &[Effect]) -> (u64, String, usize) {
    match fx {
        [
            Effect::Search {
                generation,
                query,
                first,
            },
        ] => (*generation, query.clone(), *first),
        other => panic!("{other:?}"),
    }
}

#[test]
fn search_as_you_type_page_open_and_back() {
    let mut a = app(BOTH, false, false);
    let (g0, q0, f0) = asked(&ctrl(&mut a, 'f'));
    assert_eq!((q0.as_str(), f0), ("", 0));
    assert_eq!(a.screen, Screen::Search);
    let mut last = g0;
    for c in "670".chars() {
        let (g, _, first) = asked(&key(&mut a, c));
        assert!(g > last && first == 0);
        last = g;
    }
    let page: Vec<_> = (0..SEARCH_PAGE as i64)
        .map(|i| {
            payment(
                100 - i,
                ProviderKind::ClickPesa,
                "255712345670",
                1500,
                Status::Paid,
                "",
                60,
            )
        })
        .collect();
    // The answer to an older line is dropped; the newest one shows.
    act(
        &mut a,
        Action::Found {
            generation: g0,
            first: 0,
            result: Ok(page[..3].to_vec()),
        },
    );
    assert!(a.search.as_ref().expect("search").rows.is_empty());
    act(
        &mut a,
        Action::Found {
            generation: last,
            first: 0,
            result: Ok(page.clone()),
        },
    );
    let screen = render_plain(&a, 80, 24);
    assert!(
        screen.contains("670") && screen.contains("TZS 1,500"),
        "{screen}"
    );
    // To the end of the page: the next page is asked for.
    for _ in 1..SEARCH_PAGE {
        assert!(down(&mut a).is_empty());
    }
    let (g, q, first) = asked(&down(&mut a));
    assert_eq!((g, q.as_str(), first), (last, "670", SEARCH_PAGE));
    // Enter opens the selected payment; Esc comes back to the same line and results.
    let fx = enter(&mut a);
    assert!(matches!(fx.as_slice(), [Effect::LoadHistory(_)]), "{fx:?}");
    assert!(matches!(a.screen, Screen::Detail(_)));
    esc(&mut a);
    assert_eq!(a.screen, Screen::Search);
    assert_eq!(a.search.as_ref().expect("search").query.value(), "670");
    // Esc clears the line (and asks for everything), then leaves.
    let (_, q, _) = asked(&esc(&mut a));
    assert_eq!(q, "");
    esc(&mut a);
    assert_eq!(a.screen, Screen::Main);
}

/// A supervisor's search finds several operators' payments: each row says who pushed it where
/// the screen has room beside the reference and the status.
#[test]
fn a_search_over_several_operators_says_who_pushed_each() {
    let mut a = app(BOTH, false, false);
    let (g, ..) = asked(&ctrl(&mut a, 'f'));
    let found: Vec<_> = ["amina", "baraka"]
        .iter()
        .enumerate()
        .map(|(i, who)| {
            let mut p = payment(
                10 + i as i64,
                ProviderKind::ClickPesa,
                "255712345670",
                1500,
                Status::Paid,
                "",
                60,
            );
            p.operator = who.to_string();
            p
        })
        .collect();
    act(
        &mut a,
        Action::Found {
            generation: g,
            first: 0,
            result: Ok(found),
        },
    );
    let wide = render_plain(&a, 100, 20);
    assert!(wide.contains("amina") && wide.contains("baraka"), "{wide}");
    // At 80 columns the reference and the status keep their room.
    let narrow = render_plain(&a, 80, 20);
    assert!(narrow.contains("LP7K3MQ9XR010"), "{narrow}");
    assert!(narrow.contains("✓ paid"), "{narrow}");
    // All found pushed by one other operator (a trial saw no column then): still said.
    let (g, ..) = asked(&key(&mut a, '0'));
    let mut one = payment(
        12,
        ProviderKind::ClickPesa,
        "255712345670",
        1500,
        Status::Paid,
        "",
        60,
    );
    one.operator = "cashier4".to_string();
    act(
        &mut a,
        Action::Found {
            generation: g,
            first: 0,
            result: Ok(vec![one]),
        },
    );
    let alone = render_plain(&a, 120, 20);
    assert!(alone.contains("cashier4"), "{alone}");
}
