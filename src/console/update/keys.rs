//! What each key command does, by context.

use super::acts::{dispatch, quit, switch_to};
use super::lists::{detail, list, today};
use super::{ask, notice, questions};
use crate::console::app::{App, Confirm, Focus, NoticeKind, Screen, Today};
use crate::console::effect::Effect;
use crate::console::form::Field;
use crate::console::keymap::{self, Command, Context};
use crate::strings::console as s;
use ratatui::crossterm::event::KeyEvent;

pub fn key(app: &mut App, k: &KeyEvent) -> Vec<Effect> {
    if let Some((esc, rest)) = keymap::split_escape(k) {
        let mut effects = key(app, &esc);
        effects.extend(key(app, &rest));
        return effects;
    }
    let ctx = app.context();
    let Some(cmd) = keymap::command(ctx, k, app.lang) else {
        return Vec::new();
    };
    // A screen too small to show the form takes nothing a person cannot see (a payment sent
    // blind); quitting, repainting and answering a question still work.
    if app.too_small()
        && !matches!(cmd, Command::Quit | Command::Repaint)
        && !matches!(ctx, Context::Confirm)
    {
        return Vec::new();
    }
    app.dirty = true;
    // A message about the field being typed in is closed by Esc, not by the next key.
    let esc_in_field = matches!(ctx, Context::Field(_)) && cmd == Command::Back;
    if !esc_in_field {
        app.notice = None;
    }
    if cmd != Command::Repaint {
        app.send_on_reference = false;
    }
    match (ctx, cmd) {
        (_, Command::Repaint) => {
            app.repaint = true;
            Vec::new()
        }
        // Anywhere, even during a question: nothing typed is lost, only the words change.
        (_, Command::Language) => {
            app.lang = app.lang.other();
            notice(app, NoticeKind::Info, s::language_changed(app.lang));
            Vec::new()
        }
        (Context::Confirm | Context::Note, cmd) => questions::answer(app, cmd),
        (_, Command::Quit) => quit(app),
        (
            Context::Help,
            Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom,
        ) => {
            // Within what scrolls: past the end, ↑ took as many presses to come back.
            let (page, last) = crate::console::view::help_scroll(app);
            let now = app.help_scroll.min(last);
            app.help_scroll = match cmd {
                Command::Up => now.saturating_sub(1),
                Command::Down => now.saturating_add(1),
                Command::PageUp => now.saturating_sub(page.max(1)),
                Command::PageDown => now.saturating_add(page.max(1)),
                Command::Top => 0,
                _ => last,
            }
            .min(last);
            Vec::new()
        }
        (Context::Help, _) => {
            app.help = false;
            app.help_scroll = 0;
            Vec::new()
        }
        (_, Command::Help) => {
            app.help = true;
            Vec::new()
        }
        (_, Command::SwitchProvider) => switch_provider(app),
        (_, Command::ClearDone) => {
            let ids = app.clear_done();
            notice(app, NoticeKind::Info, s::cleared_done(app.lang, ids.len()));
            // Kept in the journal: a console that starts again does not bring them back.
            if ids.is_empty() {
                Vec::new()
            } else {
                vec![Effect::Cleared {
                    ids,
                    who: app.operator.clone(),
                }]
            }
        }
        // Back from every operator's day to today's payments.
        (Context::Today, Command::Back)
            if app.today.as_ref().is_some_and(|t| t.people.is_some()) =>
        {
            today(app, Command::Operators)
        }
        (Context::Today, Command::Today | Command::Back)
        | (Context::Report, Command::Report | Command::Back) => {
            app.screen = Screen::Main;
            Vec::new()
        }
        (_, Command::Today) => open_today(app),
        (_, Command::Report) => {
            let today = app.now.with_timezone(&app.offset).date_naive();
            open_report(app, today)
        }
        (Context::Search, Command::Search) => {
            app.screen = Screen::Main;
            Vec::new()
        }
        (_, Command::Search) => open_search(app),
        (Context::Report, cmd) => report(app, cmd),
        (Context::Search, cmd) => super::search::search(app, cmd),
        (Context::Field(f), cmd) => field(app, f, cmd),
        (Context::List, cmd) => list(app, cmd),
        (Context::Detail, cmd) => detail(app, cmd),
        (Context::Today, cmd) => today(app, cmd),
    }
}

fn field(app: &mut App, f: Field, cmd: Command) -> Vec<Effect> {
    let provider = app.provider;
    match cmd {
        Command::NextField | Command::PrevField => {
            app.focus = step_focus(app, cmd == Command::NextField);
            if app.focus == Focus::List {
                // Entering the list starts at the newest payment, at its top.
                app.selected = app.first_row();
            }
        }
        Command::Send => return send(app),
        Command::Edit(r) => {
            app.form.edit(f, r, provider);
        }
        Command::Type(c) => {
            app.form.insert(f, c, provider);
        }
        Command::ChannelNext | Command::ChannelPrev => {
            app.form.cycle_channel(cmd == Command::ChannelNext);
        }
        // Esc closes the message; with none to close, it clears the field being typed.
        Command::Back if app.notice.take().is_none() => {
            app.form
                .edit(f, tui_input::InputRequest::DeleteLine, provider);
        }
        _ => {}
    }
    Vec::new()
}

/// Tab order: the provider's fields, then the pending list (when it has rows).
fn step_focus(app: &App, forward: bool) -> Focus {
    let mut ring: Vec<Focus> = app.fields().iter().map(|f| Focus::Field(*f)).collect();
    if !app.rows.is_empty() {
        ring.push(Focus::List);
    }
    let n = ring.len();
    let i = ring.iter().position(|f| *f == app.focus).unwrap_or(0);
    ring[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

/// Enter in the form: send a valid payment (asking first if it looks like a duplicate), or
/// jump to the first field to fix.
pub fn send(app: &mut App) -> Vec<Effect> {
    // Enter on an own reference left empty: as leaving the field, the generated one is used.
    let mut fx = Vec::new();
    if app.form.leave_reference() {
        fx.extend(super::take_spare(app));
    }
    fx.extend(send_form(app));
    fx
}

fn send_form(app: &mut App) -> Vec<Effect> {
    match app.form.new_payment(app.provider) {
        Err(Field::Reference) if app.form.reference_coming() => {
            // The reference comes from the engine a moment after a send or a switch; a quick
            // cashier's Enter waits for it rather than being lost.
            app.send_on_reference = true;
            Vec::new()
        }
        Err(bad) => {
            app.form.attempted = true;
            app.focus = Focus::Field(bad);
            Vec::new()
        }
        Ok(new) if app.preview.says_no_wallet() => {
            ask(app, Confirm::NoWallet(new));
            Vec::new()
        }
        Ok(new) => match app.recent_same(&new).cloned() {
            // Its prompt still waits on a phone that takes one at a time: "send another?"
            // could only be refused. Sent at once, and refused in the journal's words.
            Some(existing) if new.provider.spec().one_prompt_per_phone && existing.waits() => {
                dispatch(app, new, true)
            }
            Some(existing) => {
                ask(
                    app,
                    Confirm::Duplicate {
                        new,
                        existing: Box::new(existing),
                        in_form: true,
                    },
                );
                Vec::new()
            }
            None => dispatch(app, new, true),
        },
    }
}

/// Ctrl-P: the next payment goes to the next provider. What is typed for one country and
/// currency never silently becomes the other's: with a phone or amount in the form, ask first
/// (they are cleared on yes).
fn switch_provider(app: &mut App) -> Vec<Effect> {
    let n = app.providers.len();
    if n < 2 {
        notice(
            app,
            NoticeKind::Info,
            s::only_provider(app.lang, app.provider),
        );
        return Vec::new();
    }
    let i = app.providers.iter().position(|p| *p == app.provider);
    let next = app.providers[i.map_or(0, |i| (i + 1) % n)];
    if !app.form.is_pristine() {
        ask(app, Confirm::Switch(next));
        return Vec::new();
    }
    switch_to(app, next)
}

/// The search screen, as it was left (its line and results), or new.
fn open_search(app: &mut App) -> Vec<Effect> {
    app.screen = Screen::Search;
    if app.search.is_some() {
        return Vec::new();
    }
    app.search = Some(crate::console::app::SearchView::default());
    super::search::ask(app, 0)
}

/// The report of `day`, read afresh.
fn open_report(app: &mut App, day: chrono::NaiveDate) -> Vec<Effect> {
    let start = |d: chrono::NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(app.offset).single())
            .map_or(app.now, |t| t.with_timezone(&chrono::Utc))
    };
    let next = day.succ_opt().unwrap_or(day);
    app.report = Some(crate::console::app::ReportView {
        day,
        data: None,
        scroll: 0,
    });
    app.screen = Screen::Report;
    vec![Effect::LoadReport {
        day,
        since: start(day),
        until: start(next),
    }]
}

fn report(app: &mut App, cmd: Command) -> Vec<Effect> {
    let Some(view) = app.report.as_mut() else {
        return Vec::new();
    };
    match cmd {
        Command::Up => view.scroll = view.scroll.saturating_sub(1),
        Command::Down => view.scroll = view.scroll.saturating_add(1),
        Command::CloseDay => {
            let state = match view.data.as_ref() {
                Some(Ok(d)) => Some((d.closing.is_some(), d.report.unfinished.len())),
                _ => None,
            };
            let day = view.day;
            let info = crate::console::app::NoticeKind::Info;
            match state {
                _ if app.limits.own_only => {
                    super::notice(app, info, s::close_not_yours(app.lang));
                }
                Some((true, _)) => super::notice(app, info, s::close_closed(app.lang)),
                Some((false, unfinished)) => super::ask(
                    app,
                    crate::console::app::Confirm::CloseDay { day, unfinished },
                ),
                None => {}
            }
            return Vec::new();
        }
        Command::PrevDay => {
            let day = view.day.pred_opt().unwrap_or(view.day);
            return open_report(app, day);
        }
        Command::NextDay => {
            let today = app.now.with_timezone(&app.offset).date_naive();
            let day = view.day.succ_opt().unwrap_or(view.day).min(today);
            return open_report(app, day);
        }
        _ => {}
    }
    Vec::new()
}

fn open_today(app: &mut App) -> Vec<Effect> {
    let since = app.start_of_day();
    app.today = Some(Today {
        since,
        ..Today::default()
    });
    app.screen = Screen::Today;
    vec![Effect::LoadToday(since)]
}
