//! Keys on the pending list, a payment's detail and today's list: move, open, act.

use super::{ask, notice};
use crate::console::app::{App, Confirm, Focus, NoticeKind, Screen};
use crate::console::effect::Effect;
use crate::console::form::Field;
use crate::console::keymap::Command;
use crate::payment::Status;
use crate::strings::console as s;

/// Opens a payment's detail from wherever it is shown.
pub fn open(app: &mut App, id: i64) -> Vec<Effect> {
    open_detail(app, id)
}

fn open_detail(app: &mut App, id: i64) -> Vec<Effect> {
    let from = match app.screen {
        Screen::Detail(_) => app.detail_from,
        other => other,
    };
    app.detail = app.find(id).cloned();
    app.detail_from = from;
    app.history.clear();
    app.screen = Screen::Detail(id);
    vec![Effect::LoadHistory(id)]
}

pub fn list(app: &mut App, cmd: Command) -> Vec<Effect> {
    let ids = app.row_ids();
    let at = app.selected.and_then(|s| ids.iter().position(|i| *i == s));
    match cmd {
        Command::Up | Command::Down => {
            app.selected = moved(&ids, at, cmd == Command::Down).or(app.selected);
            Vec::new()
        }
        Command::PageUp | Command::PageDown | Command::Top | Command::Bottom => {
            // About the pane's height (the form takes the rest of the screen).
            let page = usize::from(app.size.1 / 2).max(1);
            let last = ids.len().saturating_sub(1);
            let now = at.unwrap_or(0);
            let to = match cmd {
                Command::PageUp => now.saturating_sub(page),
                Command::PageDown => (now + page).min(last),
                Command::Top => 0,
                _ => last,
            };
            app.selected = ids.get(to).copied().or(app.selected);
            Vec::new()
        }
        Command::Open => app
            .selected
            .map_or_else(Vec::new, |id| open_detail(app, id)),
        Command::Back => {
            app.focus = Focus::Field(Field::Phone);
            Vec::new()
        }
        Command::Type(c) => {
            app.focus = Focus::Field(Field::Phone);
            app.form.insert(Field::Phone, c, app.provider);
            Vec::new()
        }
        _ => act_on_focused(app, cmd),
    }
}

pub fn detail(app: &mut App, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::Print => {
            let Some(p) = app.detail.as_ref() else {
                return Vec::new();
            };
            if p.status != crate::payment::Status::Paid {
                return refuse(app, s::print_only_paid(app.lang));
            }
            if !app.printer {
                return refuse(app, s::print_no_printer(app.lang));
            }
            let id = p.id;
            notice(app, NoticeKind::Info, s::printing(app.lang));
            vec![Effect::PrintReceipt { id, lang: app.lang }]
        }
        Command::Back => {
            app.screen = app.detail_from;
            app.detail = None;
            app.history.clear();
            Vec::new()
        }
        Command::Up | Command::Down => {
            let down = cmd == Command::Down;
            let next = match app.detail_from {
                Screen::Today => app.today.as_mut().and_then(|t| {
                    step_today(t, down);
                    t.selected_payment().map(|p| p.id)
                }),
                Screen::Search => app.search.as_mut().and_then(|v| {
                    v.cursor = if down {
                        (v.cursor + 1).min(v.rows.len().saturating_sub(1))
                    } else {
                        v.cursor.saturating_sub(1)
                    };
                    v.rows.get(v.cursor).map(|p| p.id)
                }),
                _ => {
                    let ids = app.row_ids();
                    let at = app
                        .detail
                        .as_ref()
                        .and_then(|d| ids.iter().position(|i| *i == d.id));
                    let id = moved(&ids, at, down);
                    app.selected = id.or(app.selected);
                    id
                }
            };
            next.map_or_else(Vec::new, |id| open_detail(app, id))
        }
        _ => act_on_focused(app, cmd),
    }
}

pub fn today(app: &mut App, cmd: Command) -> Vec<Effect> {
    // About the list's height (the totals take the rest of the screen).
    let page = usize::from(app.size.1 / 2).max(1);
    let Some(t) = app.today.as_mut() else {
        return Vec::new();
    };
    if let Some(first) = t.people {
        // Every operator's day: the keys scroll it (the view keeps its end in sight).
        let last = t.people_lines().saturating_sub(1);
        t.people = match cmd {
            Command::Operators => None,
            Command::Up => Some(first.saturating_sub(1)),
            Command::Down => Some((first + 1).min(last)),
            Command::PageUp => Some(first.saturating_sub(page)),
            Command::PageDown => Some((first + page).min(last)),
            Command::Top => Some(0),
            Command::Bottom => Some(last),
            _ => Some(first),
        };
        return Vec::new();
    }
    match cmd {
        // Whenever the operators' lines do not all show (one operator's two currencies too).
        Command::Operators if t.people_lines() > 0 => t.people = Some(0),
        Command::Up | Command::Down => {
            if let Some(page) = step_today(t, cmd == Command::Down) {
                return vec![page];
            }
        }
        Command::PageUp | Command::PageDown | Command::Top | Command::Bottom => {
            let last = t.count().saturating_sub(1);
            t.cursor = match cmd {
                Command::PageUp => t.cursor.saturating_sub(page),
                Command::PageDown => (t.cursor + page).min(last),
                Command::Top => 0,
                _ => last,
            };
            if !t.has_row(t.cursor) {
                return vec![page_around(t)];
            }
        }
        Command::Open => {
            if let Some(id) = t.selected_payment().map(|p| p.id) {
                return open_detail(app, id);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Moves today's selection one row; reads the page around it when it leaves the one read.
fn step_today(t: &mut crate::console::app::Today, down: bool) -> Option<Effect> {
    let last = t.count().saturating_sub(1);
    t.cursor = if down {
        (t.cursor + 1).min(last)
    } else {
        t.cursor.saturating_sub(1)
    };
    (!t.has_row(t.cursor)).then(|| page_around(t))
}

/// Reads the page of today's rows around the selected one.
fn page_around(t: &crate::console::app::Today) -> Effect {
    Effect::LoadTodayPage {
        since: t.since,
        first: t.cursor.saturating_sub(crate::console::app::TODAY_PAGE / 2),
    }
}

/// The neighbour of position `at` in `ids`, or the first when nothing is selected.
fn moved(ids: &[i64], at: Option<usize>, down: bool) -> Option<i64> {
    let i = match at {
        None => 0,
        Some(i) if down => (i + 1).min(ids.len().saturating_sub(1)),
        Some(i) => i.saturating_sub(1),
    };
    ids.get(i).copied()
}

/// r, c and s on the selected row or the payment in detail.
fn act_on_focused(app: &mut App, cmd: Command) -> Vec<Effect> {
    let Some(p) = app.focused_payment().cloned() else {
        return Vec::new();
    };
    match cmd {
        Command::Recheck if !p.status.is_final() && !crate::provider::spec::askable(&p) => {
            refuse(app, s::recheck_cannot(app.lang, p.provider))
        }
        Command::Recheck if !p.status.is_final() => {
            notice(app, NoticeKind::Info, s::rechecking(app.lang, p.provider));
            // "Asking…" lasts until the provider's answer is journalled, then says it.
            if let Some(n) = app.notice.as_mut() {
                n.about = Some(p.id);
            }
            app.asking = Some((p.id, p.polls));
            vec![Effect::Recheck {
                id: p.id,
                who: app.operator.clone(),
            }]
        }
        Command::Recheck => refuse(app, s::recheck_final(app.lang)),
        Command::MarkChecked if app.limits.no_marking => {
            refuse(app, s::mark_is_supervisors(app.lang))
        }
        Command::MarkChecked
            if (p.status == Status::Attention || p.flag.is_some()) && !p.checked =>
        {
            ask(
                app,
                Confirm::MarkChecked {
                    id: p.id,
                    note: String::new(),
                },
            );
            Vec::new()
        }
        Command::MarkChecked => refuse(app, s::mark_only_attention(app.lang)),
        Command::SendAgain if p.status == Status::Failed => match p.replaced_by {
            Some(newer) => {
                let again = app.find(newer).map(|n| n.reference.to_string());
                refuse(app, s::sent_again_already(app.lang, again.as_deref()))
            }
            None if app.again_in_flight.contains(&p.id) => {
                refuse(app, s::sent_again_already(app.lang, None))
            }
            None => {
                ask(app, Confirm::SendAgain(Box::new(p)));
                Vec::new()
            }
        },
        Command::SendAgain => refuse(app, s::send_again_only_failed(app.lang)),
        _ => Vec::new(),
    }
}

fn refuse(app: &mut App, text: impl Into<String>) -> Vec<Effect> {
    notice(app, NoticeKind::Info, text);
    Vec::new()
}
