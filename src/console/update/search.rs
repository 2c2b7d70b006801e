//! The search screen: every key typed in the line asks the journal again (answers to older
//! lines are dropped); the arrows move in the results and read the next page at the end;
//! Enter opens a payment; Esc clears the line, then goes back.

use crate::console::app::{App, SEARCH_PAGE, Screen};
use crate::console::effect::Effect;
use crate::console::keymap::Command;
use tui_input::InputRequest;

/// Pasted text added to the search line whole (a copied reference or number); one holding
/// control characters (an escape sequence) is refused with words.
pub fn paste(app: &mut App, text: &str) -> Vec<Effect> {
    let text = text.trim_matches(char::is_whitespace);
    if text.is_empty() {
        return Vec::new();
    }
    if text.chars().any(char::is_control) {
        let why = crate::strings::console::paste_control(app.lang);
        super::notice(app, crate::console::app::NoticeKind::Bad, why);
        return Vec::new();
    }
    let Some(view) = app.search.as_mut() else {
        return Vec::new();
    };
    for c in text.chars() {
        view.query.handle(InputRequest::InsertChar(c));
    }
    ask(app, 0)
}

pub fn search(app: &mut App, cmd: Command) -> Vec<Effect> {
    let Some(view) = app.search.as_mut() else {
        return Vec::new();
    };
    match cmd {
        Command::Type(c) => {
            view.query.handle(InputRequest::InsertChar(c));
            ask(app, 0)
        }
        Command::Edit(r) => {
            if view.query.handle(r).is_some_and(|c| c.value) {
                return ask(app, 0);
            }
            Vec::new()
        }
        Command::Up => {
            view.cursor = view.cursor.saturating_sub(1);
            Vec::new()
        }
        Command::Down => {
            if view.cursor + 1 < view.rows.len() {
                view.cursor += 1;
                return Vec::new();
            }
            if view.more && !view.loading {
                let first = view.rows.len();
                return ask(app, first);
            }
            Vec::new()
        }
        Command::Open => match view.rows.get(view.cursor).map(|p| p.id) {
            Some(id) => super::lists::open(app, id),
            None => Vec::new(),
        },
        Command::Back if !view.query.value().is_empty() => {
            view.query.reset();
            ask(app, 0)
        }
        Command::Back => {
            app.screen = Screen::Main;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Asks for a page of the line's results from position `first` (0: a new line).
pub fn ask(app: &mut App, first: usize) -> Vec<Effect> {
    let Some(view) = app.search.as_mut() else {
        return Vec::new();
    };
    if first == 0 {
        view.generation += 1;
        view.cursor = 0;
    }
    view.loading = true;
    app.dirty = true;
    vec![Effect::Search {
        generation: view.generation,
        query: view.query.value().to_string(),
        first,
    }]
}

/// A page arrived: the first replaces what was shown, the next ones add to it.
pub fn found(app: &mut App, generation: u64, first: usize, page: Vec<crate::payment::Payment>) {
    let Some(view) = app.search.as_mut().filter(|v| v.generation == generation) else {
        return;
    };
    view.more = page.len() == SEARCH_PAGE;
    view.loading = false;
    if first == 0 {
        view.rows = page;
    } else if first == view.rows.len() {
        view.rows.extend(page);
        view.cursor = (view.cursor + 1).min(view.rows.len().saturating_sub(1));
    }
    app.dirty = true;
}
