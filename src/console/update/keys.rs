//! What each key command does, by context.

use super::lists::{detail, list, today};
use super::{ask, notice};
use crate::console::app::{App, Confirm, Focus, NoticeKind, Screen, Today};
use crate::console::effect::Effect;
use crate::console::form::Field;
use crate::console::keymap::{self, Command, Context};
use crate::payment::NewPayment;
use crate::strings::console as s;
use ratatui::crossterm::event::KeyEvent;

pub fn key(app: &mut App, k: &KeyEvent) -> Vec<Effect> {
    if let Some((esc, rest)) = keymap::split_escape(k) {
        let mut effects = key(app, &esc);
        effects.extend(key(app, &rest));
        return effects;
    }
    let ctx = app.context();
    let Some(cmd) = keymap::command(ctx, k) else {
        return Vec::new();
    };
    app.dirty = true;
    app.notice = None;
    match (ctx, cmd) {
        (Context::Confirm, cmd) => confirm(app, cmd),
        (_, Command::Quit) => quit(app),
        (Context::Help, _) => {
            app.help = false;
            Vec::new()
        }
        (_, Command::Help) => {
            app.help = true;
            Vec::new()
        }
        (_, Command::SwitchProvider) => switch_provider(app),
        (Context::Today, Command::Today | Command::Back) => {
            app.screen = Screen::Main;
            Vec::new()
        }
        (_, Command::Today) => open_today(app),
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
                app.selected = app.row_ids().first().copied();
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
    match app.form.new_payment(app.provider) {
        Err(bad) => {
            app.form.attempted = true;
            app.focus = Focus::Field(bad);
            Vec::new()
        }
        Ok(new) => match app.recent_same(&new).cloned() {
            Some(existing) => {
                ask(
                    app,
                    Confirm::Duplicate {
                        new,
                        existing,
                        in_form: true,
                    },
                );
                Vec::new()
            }
            None => dispatch(app, new, true),
        },
    }
}

/// Hands the payment to the engine and readies the form for the next customer at once.
fn dispatch(app: &mut App, new: NewPayment, check: bool) -> Vec<Effect> {
    app.form.clear();
    app.focus = Focus::Field(Field::Phone);
    notice(
        app,
        NoticeKind::Info,
        s::sending(&new.phone.masked(), &new.amount.to_string()),
    );
    let send = if check {
        Effect::SubmitChecked(new)
    } else {
        Effect::Submit(new)
    };
    vec![send, Effect::NewReference(app.provider)]
}

fn confirm(app: &mut App, cmd: Command) -> Vec<Effect> {
    let Some(c) = app.confirm.take() else {
        return Vec::new();
    };
    let yes = cmd == Command::Yes || (cmd == Command::Quit && matches!(c, Confirm::Quit(_)));
    let mut fx = match (c, yes) {
        (Confirm::Duplicate { new, in_form, .. }, true) => {
            if in_form {
                dispatch(app, new, false)
            } else {
                vec![Effect::Submit(new)]
            }
        }
        (Confirm::Duplicate { new, in_form, .. }, false) => {
            let back = !in_form && app.form.is_pristine() && new.provider == app.provider;
            if back {
                app.form.restore(&new);
            }
            notice(
                app,
                NoticeKind::Info,
                s::not_sent_duplicate(in_form || back),
            );
            Vec::new()
        }
        (Confirm::SendAgain(p), true) => {
            notice(app, NoticeKind::Info, s::sending_again(&p.masked_phone()));
            vec![Effect::SendAgain(Box::new(p))]
        }
        (Confirm::Quit(_), true) => {
            app.quit = true;
            vec![Effect::Quit]
        }
        (Confirm::SendAgain(_) | Confirm::Quit(_), false) => Vec::new(),
    };
    if let Some(next) = app.later.pop() {
        app.confirm = Some(next);
    }
    if cmd == Command::Quit && !app.quit {
        fx.extend(quit(app));
    }
    fx
}

/// Ctrl-C: quit at once, or ask first while payments are still waiting.
fn quit(app: &mut App) -> Vec<Effect> {
    match app.waiting() {
        0 => {
            app.quit = true;
            vec![Effect::Quit]
        }
        n => {
            ask(app, Confirm::Quit(n));
            Vec::new()
        }
    }
}

fn switch_provider(app: &mut App) -> Vec<Effect> {
    let n = app.providers.len();
    if n < 2 {
        notice(app, NoticeKind::Info, s::only_provider(app.provider));
        return Vec::new();
    }
    let i = app.providers.iter().position(|p| *p == app.provider);
    app.provider = app.providers[i.map_or(0, |i| (i + 1) % n)];
    if let Focus::Field(f) = app.focus
        && !app.fields().contains(&f)
    {
        app.focus = Focus::Field(Field::Phone);
    }
    app.form.follow_network(app.provider);
    notice(app, NoticeKind::Info, s::switched(app.provider));
    if app.form.drop_generated_reference() {
        vec![Effect::NewReference(app.provider)]
    } else {
        Vec::new()
    }
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
