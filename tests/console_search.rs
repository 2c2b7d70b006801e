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
