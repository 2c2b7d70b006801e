//! Answers to the questions the console asks (y / n, and the note of a check).

use super::keys::{dispatch, quit, switch_to};
use super::notice;
use crate::console::app::{App, Confirm, NoticeKind};
use crate::console::effect::Effect;
use crate::console::keymap::Command;
use crate::strings::console as s;
use tui_input::{Input, InputRequest};

/// Longest note on a check.
pub const NOTE_MAX: usize = 120;

pub fn answer(app: &mut App, cmd: Command) -> Vec<Effect> {
    // Typing into the note, or a stray key: the question stays open, and a stray key is said.
    match (&mut app.confirm, cmd) {
        (Some(Confirm::MarkChecked { note, .. }), Command::Type(c)) => {
            if note.chars().count() < NOTE_MAX && !c.is_control() {
                note.push(c);
            } else {
                // A key not taken is said (the note stopped at its length without a word).
                notice(app, NoticeKind::Bad, s::field_full(app.lang, NOTE_MAX));
            }
            return Vec::new();
        }
        (Some(Confirm::MarkChecked { note, .. }), Command::Edit(r)) => {
            *note = edited(note, r);
            return Vec::new();
        }
        (Some(_), Command::Stray) => {
            notice(app, NoticeKind::Info, s::answer_first(app.lang));
            return Vec::new();
        }
        _ => {}
    }
    let Some(c) = app.confirm.take() else {
        return Vec::new();
    };
    let yes = cmd == Command::Yes || (cmd == Command::Quit && matches!(c, Confirm::Quit(_)));
    let mut fx = if yes {
        accepted(app, c)
    } else {
        declined(app, c)
    };
    if let Some(next) = app.later.pop() {
        app.confirm = Some(next);
    }
    if cmd == Command::Quit && !app.quit {
        fx.extend(quit(app));
    }
    fx
}

/// The note after an editing key (the cursor is always at its end).
fn edited(note: &str, request: InputRequest) -> String {
    let mut input = Input::new(note.to_string());
    input.handle(request);
    input.value().to_string()
}

fn accepted(app: &mut App, c: Confirm) -> Vec<Effect> {
    match c {
        Confirm::Duplicate { new, in_form, .. } => {
            if in_form {
                dispatch(app, new, false)
            } else {
                let (who, amount) = (new.phone.masked(), new.amount.to_string());
                notice(app, NoticeKind::Info, s::sending(app.lang, &who, &amount));
                vec![Effect::Submit(new)]
            }
        }
        Confirm::NoWallet(new) => match app.recent_same(&new).cloned() {
            Some(existing) => {
                app.confirm = Some(Confirm::Duplicate {
                    new,
                    existing: Box::new(existing),
                    in_form: true,
                });
                Vec::new()
            }
            None => dispatch(app, new, true),
        },
        Confirm::SendAgain(p) => {
            notice(
                app,
                NoticeKind::Info,
                s::sending_again(app.lang, &p.masked_phone()),
            );
            app.again_in_flight.insert(p.id);
            // The new attempt is pushed by whoever sends it again.
            let mut p = p;
            p.operator = app.operator.clone();
            vec![Effect::SendAgain(p)]
        }
        Confirm::Quit(_) => {
            app.quit = true;
            vec![Effect::Quit]
        }
        Confirm::Switch(next) => switch_to(app, next),
        Confirm::CloseDay { day, .. } => {
            let start = |d: chrono::NaiveDate| {
                d.and_hms_opt(0, 0, 0)
                    .and_then(|t| t.and_local_timezone(app.offset).single())
                    .map_or(app.now, |t| t.with_timezone(&chrono::Utc))
            };
            vec![Effect::CloseDay {
                day,
                since: start(day),
                until: start(day.succ_opt().unwrap_or(day)),
                who: app.operator.clone(),
            }]
        }
        Confirm::MarkChecked { id, note } => {
            // Said once the journal answers: another console may have checked it first.
            let note = crate::text::printable(&note);
            vec![Effect::MarkChecked {
                id,
                who: app.operator.clone(),
                note: (!note.is_empty()).then_some(note),
            }]
        }
    }
}

fn declined(app: &mut App, c: Confirm) -> Vec<Effect> {
    match c {
        Confirm::Duplicate { new, in_form, .. } => {
            let back = !in_form && app.form.is_pristine() && new.provider == app.provider;
            if back {
                app.form.restore(&new);
            }
            notice(
                app,
                NoticeKind::Info,
                s::not_sent_duplicate(app.lang, in_form || back),
            );
        }
        Confirm::NoWallet(_) => {
            notice(app, NoticeKind::Info, s::not_sent_duplicate(app.lang, true))
        }
        Confirm::Switch(_) => notice(
            app,
            NoticeKind::Info,
            s::switch_declined(app.lang, app.provider),
        ),
        Confirm::SendAgain(_)
        | Confirm::Quit(_)
        | Confirm::MarkChecked { .. }
        | Confirm::CloseDay { .. } => {}
    }
    Vec::new()
}

/// Pasted text added to a note: line breaks and tabs become spaces. A paste holding other
/// control characters (an escape sequence), or longer than the note has room for, is refused
/// whole: the words why are returned.
pub(super) fn paste_note(
    note: &mut String,
    text: &str,
    lang: crate::strings::Lang,
) -> Option<String> {
    let text = text.trim_matches(char::is_whitespace);
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Some(s::paste_control(lang).to_string());
    }
    if note.chars().count() + text.chars().count() > NOTE_MAX {
        return Some(s::paste_full(lang, NOTE_MAX));
    }
    note.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }));
    None
}
