//! The one place state changes: `update(app, action) -> effects`. No I/O, no clock: time comes
//! in with [`Action::Tick`] (and the runtime's `app.now`), so every test is deterministic.

mod acts;
mod keys;
mod lists;
mod preview;
mod questions;
mod search;

use super::action::Action;
use super::app::{App, Confirm, Focus, Notice, NoticeKind, Screen, is_done, shows_same};
use super::effect::Effect;
use crate::payment::{Payment, Status};
use crate::strings::console as s;
use ratatui::crossterm::event::KeyEventKind;
use std::sync::Arc;

/// Applies one action; returns what the runtime must do next. Sets `app.dirty` when something
/// on screen changed.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    let mut fx = apply(app, action);
    if app.focus != Focus::Field(crate::console::form::Field::Reference) {
        app.dirty |= app.form.leave_reference();
    }
    fx.extend(take_spare(app));
    fx.extend(preview::sync(app));
    fx
}

/// An empty generated reference is filled at once from the spare (and a new spare asked for).
fn take_spare(app: &mut App) -> Vec<Effect> {
    if !app.form.reference_coming() {
        return Vec::new();
    }
    match app.spare.remove(&app.provider) {
        Some(r) => {
            app.dirty |= app.form.set_generated_reference(&r);
            vec![Effect::NewReference(app.provider)]
        }
        None => Vec::new(),
    }
}

fn apply(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Key(k) if k.kind != KeyEventKind::Press => Vec::new(),
        Action::Key(k) => keys::key(app, &k),
        Action::Paste(text) => {
            app.send_on_reference = false;
            if let Some(Confirm::MarkChecked { note, .. }) = app.confirm.as_mut() {
                // A note pasted whole: one line, within its length, or not at all (said).
                if let Some(why) = questions::paste_note(note, &text, app.lang) {
                    notice(app, NoticeKind::Bad, why);
                }
                app.dirty = true;
            } else if let (None, false, Screen::Main, Focus::Field(f)) =
                (&app.confirm, app.help, app.screen, app.focus)
            {
                app.dirty |= app.form.paste(f, &text, app.provider);
            } else if let (None, false, Screen::Search) = (&app.confirm, app.help, app.screen) {
                app.dirty = true;
                return search::paste(app, &text);
            }
            Vec::new()
        }
        Action::Resize(w, h) => {
            app.size = (w, h);
            // What the terminal shows after a resize is anyone's guess: all of it again.
            app.repaint = true;
            app.dirty = true;
            Vec::new()
        }
        Action::Tick(now) => {
            app.now = now;
            app.dirty |= app.next_wake().is_some();
            // Today's totals follow the news, read again at most once a tick.
            match app.today.as_mut().filter(|t| t.stale && t.loaded()) {
                Some(t) => {
                    t.stale = false;
                    vec![Effect::LoadTodaySummary(t.since)]
                }
                None => Vec::new(),
            }
        }
        Action::PaymentChanged(p) => payment_changed(app, p),
        Action::Ledger(down) => {
            app.dirty |= app.ledger_down != down;
            app.ledger_down = down;
            Vec::new()
        }
        Action::Journal(down) => {
            app.dirty |= app.journal_down != down;
            app.journal_down = down;
            Vec::new()
        }
        Action::Lagged => {
            let mut ids = app.row_ids();
            ids.extend(app.detail.as_ref().map(|d| d.id));
            vec![Effect::Reload(ids)]
        }
        Action::RecentlyDone { done, cleared } => {
            // News read before this answer may have shown some of them.
            app.forget_cleared(cleared);
            for p in done {
                app.upsert(Arc::new(p));
            }
            if app.selected.is_none() {
                app.selected = app.first_row();
            }
            app.dirty = true;
            Vec::new()
        }
        Action::ClearNotKept(why) => {
            notice(
                app,
                NoticeKind::Bad,
                s::clear_not_kept(app.lang, &why.text(app.lang)),
            );
            Vec::new()
        }
        Action::Resumed(result) => {
            match result {
                Ok(list) => {
                    for p in list.into_iter().filter(|p| !is_done(p)) {
                        app.upsert(p);
                    }
                    if app.selected.is_none() {
                        app.selected = app.first_row();
                    }
                }
                Err(e) => notice(
                    app,
                    NoticeKind::Bad,
                    s::could_not_resume(app.lang, &e.text(app.lang)),
                ),
            }
            app.dirty = true;
            Vec::new()
        }
        Action::ReferenceReady {
            provider,
            reference,
        } => {
            if provider == app.provider && app.form.reference_coming() {
                app.dirty |= app.form.set_generated_reference(&reference);
                let mut fx = Vec::new();
                if !app.spare.contains_key(&provider) {
                    fx.push(Effect::NewReference(provider));
                }
                if std::mem::take(&mut app.send_on_reference) && app.confirm.is_none() {
                    fx.extend(keys::send(app));
                }
                return fx;
            }
            app.spare.entry(provider).or_insert(reference);
            Vec::new()
        }
        Action::ReferenceFailed { provider, why } => {
            // An Enter that waited for it is not kept: a sale sent minutes later, when the
            // ledger is back, would surprise the cashier and the customer.
            if provider == app.provider && std::mem::take(&mut app.send_on_reference) {
                notice(
                    app,
                    NoticeKind::Bad,
                    s::cannot_send_yet(app.lang, &why.text(app.lang)),
                );
            }
            app.dirty = true;
            vec![Effect::NewReferenceSoon(provider)]
        }
        Action::DuplicateFound { new, existing } => {
            // Nothing is being sent while the question waits: "Sending…" would say otherwise.
            let who = new.phone.masked();
            let sending = [
                s::sending(app.lang, &who, &new.amount.to_string()),
                s::sending_again(app.lang, &who),
            ];
            if app
                .notice
                .as_ref()
                .is_some_and(|n| sending.contains(&n.text))
            {
                app.notice = None;
            }
            if let Some(old) = new.replaces {
                app.again_in_flight.remove(&old);
                // Sent again already (at another till, maybe): once is all, nothing to ask.
                if existing.replaces == Some(old) {
                    notice(
                        app,
                        NoticeKind::Bad,
                        s::sent_again_at_till(app.lang, &existing),
                    );
                    return Vec::new();
                }
            }
            ask(
                app,
                Confirm::Duplicate {
                    new,
                    existing: Box::new(existing),
                    in_form: false,
                },
            );
            Vec::new()
        }
        Action::Submitted { new, result } => submitted(app, new, result),
        Action::MarkedChecked { note, result } => {
            app.dirty = true;
            let (kind, text) = match &result {
                crate::journal::Cas::Done(_) => {
                    (NoticeKind::Good, s::marked_checked(app.lang).to_string())
                }
                crate::journal::Cas::Stale(p) if p.checked => {
                    let at = p.checked_at.map_or_else(String::new, |at| {
                        let local = at.with_timezone(&app.offset);
                        if local.date_naive() == app.now.with_timezone(&app.offset).date_naive() {
                            local.format("%H:%M").to_string()
                        } else {
                            local.format("%Y-%m-%d %H:%M").to_string()
                        }
                    });
                    let by = p.checked_by.as_deref().unwrap_or("?");
                    let text = s::checked_first_by(app.lang, by, &at, note.as_deref());
                    (NoticeKind::Bad, text)
                }
                crate::journal::Cas::Stale(_) => (
                    NoticeKind::Bad,
                    s::mark_only_attention(app.lang).to_string(),
                ),
            };
            let fx = payment_changed(app, Arc::new(result.into_payment()));
            notice(app, kind, text);
            fx
        }
        Action::NotAllowed { new, why } => {
            app.dirty = true;
            match new.replaces {
                Some(old) => {
                    app.again_in_flight.remove(&old);
                }
                // Typed in the form: back in it, to fix.
                None if app.form.is_pristine() && new.provider == app.provider => {
                    app.form.restore(&new);
                }
                None => {}
            }
            notice(app, NoticeKind::Bad, why.text(app.lang));
            Vec::new()
        }
        Action::TodayLoaded(result) => {
            match (result, app.today.as_mut()) {
                (Ok((summary, page)), Some(t)) => {
                    t.summary = Some(summary);
                    t.page = page;
                    t.first = 0;
                    t.cursor = 0;
                }
                (Err(e), _) => notice(
                    app,
                    NoticeKind::Bad,
                    s::could_not_load(app.lang, &e.text(app.lang)),
                ),
                (Ok(_), None) => {}
            }
            app.dirty = true;
            Vec::new()
        }
        Action::TodaySummary(result) => {
            match (result, app.today.as_mut()) {
                (Ok(summary), Some(t)) => t.summary = Some(summary),
                (Err(e), _) => notice(
                    app,
                    NoticeKind::Bad,
                    s::could_not_load(app.lang, &e.text(app.lang)),
                ),
                (Ok(_), None) => {}
            }
            app.dirty = true;
            Vec::new()
        }
        Action::TodayHooks(kept) => {
            if let Some(t) = app.today.as_mut() {
                t.hooks = kept;
            }
            app.dirty = true;
            Vec::new()
        }
        Action::TodayPage { first, result } => {
            match (result, app.today.as_mut()) {
                (Ok(page), Some(t)) => {
                    t.first = first;
                    t.page = page;
                }
                (Err(e), _) => notice(
                    app,
                    NoticeKind::Bad,
                    s::could_not_load(app.lang, &e.text(app.lang)),
                ),
                (Ok(_), None) => {}
            }
            app.dirty = true;
            Vec::new()
        }
        Action::HistoryLoaded { id, result } => {
            match result {
                Ok(events) if app.detail.as_ref().is_some_and(|d| d.id == id) => {
                    app.history = events;
                }
                Ok(_) => {}
                Err(e) => notice(
                    app,
                    NoticeKind::Bad,
                    s::could_not_load(app.lang, &e.text(app.lang)),
                ),
            }
            app.dirty = true;
            Vec::new()
        }
        Action::Previewed { generation, result } => {
            preview::previewed(app, generation, result);
            Vec::new()
        }
        Action::Failed(e) => {
            app.again_in_flight.clear();
            notice(app, NoticeKind::Bad, e.text(app.lang));
            Vec::new()
        }
        Action::DayClosed { day, result } => {
            match result {
                Ok((data, new)) => {
                    let number = data.closing.as_ref().map_or(0, |c| c.number);
                    if let Some(view) = app.report.as_mut().filter(|v| v.day == day) {
                        view.data = Some(Ok(data));
                    }
                    let text = if new {
                        s::closed_now(app.lang, number)
                    } else {
                        s::close_closed(app.lang).to_string()
                    };
                    notice(app, NoticeKind::Good, text);
                }
                Err(e) => notice(
                    app,
                    NoticeKind::Bad,
                    s::could_not_load(app.lang, &e.text(app.lang)),
                ),
            }
            Vec::new()
        }
        Action::Printed(result) => {
            match result {
                Ok(()) => notice(app, NoticeKind::Good, s::printed(app.lang).to_string()),
                Err(why) => notice(
                    app,
                    NoticeKind::Bad,
                    s::print_failed(app.lang, &why.text(app.lang)),
                ),
            }
            Vec::new()
        }
        Action::Found {
            generation,
            first,
            result,
        } => {
            match result {
                Ok(page) => search::found(app, generation, first, page),
                Err(e) => notice(
                    app,
                    NoticeKind::Bad,
                    s::could_not_load(app.lang, &e.text(app.lang)),
                ),
            }
            Vec::new()
        }
        Action::ReportLoaded { day, result } => {
            if let Some(view) = app.report.as_mut().filter(|v| v.day == day) {
                view.data = Some(result);
                app.dirty = true;
            }
            Vec::new()
        }
        Action::Notice(text) => {
            notice(app, NoticeKind::Info, text);
            Vec::new()
        }
    }
}

fn payment_changed(app: &mut App, p: Arc<Payment>) -> Vec<Effect> {
    let id = p.id;
    let status_before = app.find(id).map(|old| old.status);
    let status = p.status;
    // What the screen shows of it before: a question that changed nothing a row shows (a
    // supervisor's ten thousand rows are asked about fifty times a second) draws nothing.
    let row_before = app.rows.get(&id).cloned();
    let (notice_before, asking_before, selected_before) =
        (app.notice.clone(), app.asking, app.selected);
    let settled = app.upsert(p);
    if app.selected.is_none() {
        app.selected = app.first_row();
    }
    let mut fx = Vec::new();
    if settled && app.bell {
        fx.push(Effect::Bell);
    }
    // A notice about this payment ("sent, answer lost — checking") must not outlive what it
    // said: once the payment settles, the notice says how.
    if status_before != Some(status)
        && app.notice.as_ref().is_some_and(|n| n.about == Some(id))
        && let Some(p) = app.find(id)
    {
        let (who, amount, words) = (
            p.masked_phone(),
            p.amount.to_string(),
            p.words().text(app.lang),
        );
        let said = match status {
            Status::Paid => Some((NoticeKind::Good, s::paid_at_once(app.lang, &who, &amount))),
            Status::Failed => Some((NoticeKind::Bad, s::send_failed(app.lang, &who, &words))),
            Status::Attention => Some((NoticeKind::Bad, s::needs_you_now(app.lang, &who, &words))),
            _ => None,
        };
        if let Some((kind, text)) = said {
            app.notice = Some(Notice {
                text,
                kind,
                about: Some(id),
            });
        }
    }
    answered(app, id);
    let in_detail = app.detail.as_ref().is_some_and(|d| d.id == id);
    let row_unseen = match (&row_before, app.rows.get(&id)) {
        (Some(old), Some(new)) => shows_same(old, new),
        (None, None) => true,
        _ => false,
    };
    let unseen = row_unseen
        && !in_detail
        && app.today.is_none()
        && app.notice == notice_before
        && app.asking == asking_before
        && app.selected == selected_before;
    app.dirty |= !unseen;
    if in_detail && status_before != Some(status) {
        fx.push(Effect::LoadHistory(id));
    }
    fx
}

/// A re-check's answer is in the journal: "Asking…", if it is still said, says what the
/// provider answered (a change of status has said so already).
fn answered(app: &mut App, id: i64) {
    let Some((asked, polls)) = app.asking else {
        return;
    };
    let Some(p) = app
        .find(id)
        .filter(|p| asked == id && (p.polls > polls || p.status.is_final()))
    else {
        return;
    };
    let words = match p.status {
        Status::Attention if !p.said.is_empty() => p.said.text(app.lang),
        _ => p.words().text(app.lang),
    };
    let status = s::status_word(app.lang, p.status, p.checked);
    let text = s::recheck_answered(app.lang, p.provider, status, &words);
    app.asking = None;
    if let Some(n) = app
        .notice
        .as_mut()
        .filter(|n| n.about == Some(id) && n.kind == NoticeKind::Info)
    {
        n.text = text;
    }
}

fn submitted(
    app: &mut App,
    new: crate::payment::NewPayment,
    result: Result<crate::engine::Submitted, super::action::Trouble>,
) -> Vec<Effect> {
    app.dirty = true;
    if let Some(old) = new.replaces {
        app.again_in_flight.remove(&old);
    }
    let mut fx = Vec::new();
    match result {
        Ok(sub) => {
            // The words follow the journal: what the payment now is, not what the call said.
            let p = &sub.payment;
            let who = p.masked_phone();
            let amount = p.amount.to_string();
            let words = p.message.text(app.lang);
            let (kind, text) = match (&sub.unjournalled, p.status) {
                (Some(why), _) => (
                    NoticeKind::Bad,
                    s::answer_not_journalled(app.lang, &who, &why.text(app.lang)),
                ),
                (None, Status::Pending) => {
                    (NoticeKind::Good, s::prompt_sent(app.lang, &who, &amount))
                }
                (None, Status::Paid) => {
                    (NoticeKind::Good, s::paid_at_once(app.lang, &who, &amount))
                }
                (None, Status::Unknown | Status::Sending) => {
                    (NoticeKind::Info, s::answer_lost(app.lang, &who, &amount))
                }
                (None, Status::Failed | Status::Recorded) => {
                    (NoticeKind::Bad, s::send_failed(app.lang, &who, &words))
                }
                (None, Status::Attention) => {
                    (NoticeKind::Bad, s::needs_you_now(app.lang, &who, &words))
                }
            };
            // A push the provider refused stays in the form, to fix and send again.
            let refused = sub.payment.status == Status::Failed
                && sub.payment.never_reached_anyone()
                && app.form.is_pristine()
                && new.provider == app.provider;
            if refused {
                app.form.restore(&new);
            }
            let id = sub.payment.id;
            fx.extend(payment_changed(app, Arc::new(sub.payment)));
            notice(app, kind, text);
            if let Some(n) = app.notice.as_mut() {
                n.about = Some(id);
            }
        }
        Err(e) => {
            let kept = app.form.is_pristine() && new.provider == app.provider;
            if kept {
                app.form.restore(&new);
            }
            notice(
                app,
                NoticeKind::Bad,
                s::not_recorded(app.lang, &e.text(app.lang), kept),
            );
        }
    }
    fx
}

/// Opens a question, or queues it behind the one on screen.
fn ask(app: &mut App, c: Confirm) {
    if app.confirm.is_some() {
        app.later.push(c);
    } else {
        app.confirm = Some(c);
    }
    app.dirty = true;
}

fn notice(app: &mut App, kind: NoticeKind, text: impl Into<String>) {
    app.notice = Some(Notice {
        text: text.into(),
        kind,
        about: None,
    });
    app.dirty = true;
}
