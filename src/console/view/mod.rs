//! Drawing: a pure function of the state. Header and bar on every screen; the body is the form
//! and the pending payments (side by side when wide, stacked otherwise), a payment's detail, or
//! today's payments; help and questions float over the body.

mod bar;
mod confirm;
mod detail;
mod form;
mod header;
mod help;
mod pending;
mod report;
mod search;
mod today;

use super::app::{App, Screen};
use super::theme::{self, Theme};
use crate::payment::{Payment, Status};
use crate::strings::console as s;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// At this width and more, the form and the pending list sit side by side.
const SIDE_BY_SIDE: u16 = 120;
/// Width of the form when side by side.
const FORM_WIDTH: u16 = 52;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let theme = Theme::new(app.no_color);
    let area = frame.area();
    if app.too_small() {
        let (w, h) = app.min_size();
        let text = s::too_small(app.lang, w, h);
        let lines: Vec<Line> = wrapped(&text, usize::from(area.width.max(1)))
            .into_iter()
            .map(Line::from)
            .collect();
        frame.render_widget(ratatui::widgets::Paragraph::new(lines), area);
        return;
    }
    let note_lines = note_lines(app, area);
    let [head, body, note, bar] = areas(app, area, &note_lines);
    header::draw(frame, head, app, &theme);
    match app.screen {
        Screen::Main => main(frame, body, app, &theme),
        Screen::Detail(_) => detail::draw(frame, body, app, &theme),
        Screen::Today => today::draw(frame, body, app, &theme),
        Screen::Report => report::draw(frame, body, app, &theme),
        Screen::Search => search::draw(frame, body, app, &theme),
    }
    if let (Some(n), Some(texts)) = (&app.notice, note_lines) {
        let lines: Vec<Line> = texts
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                let lead = if i == 0 {
                    Span::styled(theme::notice_symbol(n.kind), theme.notice(n.kind))
                } else {
                    Span::raw(" ")
                };
                Line::from(vec![
                    Span::raw(" "),
                    lead,
                    Span::raw(" "),
                    Span::styled(t, theme.notice(n.kind)),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), note);
    }
    bar::draw(frame, bar, app, &theme);
    if app.help {
        help::draw(frame, body, app, &theme);
    }
    if let Some(c) = &app.confirm {
        confirm::draw(frame, body, app, c, &theme);
    }
}

/// A notice too long for one line takes up to three: its end ("do not send again", which number
/// paid) must not be cut on a narrow screen.
fn note_lines(app: &App, area: Rect) -> Option<Vec<String>> {
    app.notice
        .as_ref()
        .map(|n| wrapped(&n.text, usize::from(area.width.saturating_sub(3))))
}

/// Header, body, notice and bar.
fn areas(app: &App, area: Rect, note_lines: &Option<Vec<String>>) -> [Rect; 4] {
    let head_h = header::height(app, area.width).min(area.height);
    let note_h = note_lines.as_ref().map_or(0, |l| l.len() as u16);
    Layout::vertical([
        Constraint::Length(head_h),
        Constraint::Fill(1),
        Constraint::Length(note_h),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// The help overlay on the app's screen: how many of its rows show at once, and the last
/// scroll position that still fills it (the keys that scroll it stop there).
pub fn help_scroll(app: &App) -> (u16, u16) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let body = areas(app, area, &note_lines(app, area))[1];
    help::scroll_room(app, body)
}

fn main(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let (form_area, list_area) = if area.width >= SIDE_BY_SIDE {
        let [f, l] = Layout::horizontal([Constraint::Length(FORM_WIDTH), Constraint::Fill(1)])
            .spacing(2)
            .areas(area);
        (f, l)
    } else {
        let form_h = form::height(app, area.height, 4, area.width);
        let [f, l] = Layout::vertical([Constraint::Length(form_h), Constraint::Min(3)]).areas(area);
        (f, l)
    };
    form::draw(frame, form_area, app, theme);
    pending::draw(frame, list_area, app, theme);
}

/// A payment's age as shown: by the second while the customer may answer (`0:14`); once it is
/// finished or waits for a person, in whole minutes, then hours (`3 min`, `2 h`).
pub fn age_of(app: &App, p: &Payment) -> String {
    let d = app.age(p);
    if !super::app::counts_coarsely(p) {
        return age(d);
    }
    match d.num_seconds().max(0) {
        s if s < 3600 => s::age_minutes(app.lang, s / 60),
        s => s::age_hours(app.lang, s / 3600),
    }
}

/// `0:14`, `12:05`, `1:02:03`.
pub fn age(d: chrono::Duration) -> String {
    let secs = d.num_seconds().max(0);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// Clock time in the till's time zone.
pub fn clock(app: &App, t: DateTime<Utc>) -> String {
    t.with_timezone(&app.offset).format("%H:%M:%S").to_string()
}

/// Symbol and word, e.g. `✓ paid`.
pub fn status_text(app: &App, status: Status, checked: bool) -> String {
    format!(
        "{} {}",
        theme::symbol(status),
        s::status_word(app.lang, status, checked)
    )
}

/// Symbol and word for a payment as it stands now: a pending payment whose prompt has
/// expired, or a *sending* one left by a stopped process, is being checked.
pub fn payment_status(app: &App, p: &Payment) -> String {
    if (p.status == Status::Pending && app.prompt_expired(p))
        || app.send_left_behind(p)
        || unrecorded(app, p)
    {
        return format!(
            "{} {}",
            theme::symbol(Status::Unknown),
            s::status_checking(app.lang)
        );
    }
    status_text(app, p.status, p.checked)
}

/// The payment's words in one line, in the console's language.
pub fn payment_words(app: &App, p: &Payment) -> String {
    if let Some(why) = app.journal_down.as_deref().filter(|_| unrecorded(app, p)) {
        return s::cannot_record(app.lang, why);
    }
    if let Some(why) = app.ledger_down.as_deref().filter(|_| unrecorded(app, p)) {
        return s::ledger_cannot_record(app.lang, why);
    }
    let waiting_words = matches!(p.words(), crate::msg::Msg::PromptSent) || p.words().is_empty();
    if p.status == Status::Pending && waiting_words && app.prompt_expired(p) {
        return s::prompt_expired(app.lang).to_string();
    }
    if app.send_left_behind(p) && p.words().is_empty() {
        return s::checking_arrival(app.lang).to_string();
    }
    p.words().text(app.lang)
}

/// An open payment while the journal cannot record (a full disk) or the shared ledger is out
/// of reach: the customer may have answered meanwhile, so it is not shown as waiting for them.
/// Nor is an answer lipa could not record shown (a status is final only once recorded: a
/// "failed" shown and then lost could have the customer charged twice): it is *checking*.
fn unrecorded(app: &App, p: &Payment) -> bool {
    (app.journal_down.is_some() || app.ledger_down.is_some())
        && matches!(
            p.status,
            Status::Recorded | Status::Sending | Status::Pending | Status::Unknown
        )
}

/// `text` cut to `width` characters, ending in `…` when cut.
pub fn ellipsis(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// `text` in lines of `width` cells, broken at spaces: at most three, the last cut with an
/// ellipsis if it is still too long.
fn wrapped(text: &str, width: usize) -> Vec<String> {
    if text.chars().count() <= width || width < 10 {
        return vec![ellipsis(text, width)];
    }
    let mut lines = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if lines.len() == 2 || rest.chars().count() <= width {
            lines.push(ellipsis(rest, width));
            break;
        }
        let head: String = rest.chars().take(width).collect();
        let cut = head
            .rfind(' ')
            .filter(|&i| i > width / 2)
            .unwrap_or(head.len());
        let (line, next) = rest.split_at(cut);
        lines.push(line.trim_end().to_string());
        rest = next.trim_start();
    }
    lines
}

/// `text` in as many lines of `width` cells as it needs, broken at spaces (a word longer than
/// a line is cut where the line ends, never lost).
pub fn wrap_all(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        if rest.chars().count() <= width {
            lines.push(rest.to_string());
            break;
        }
        // The line's characters and the one just past it: a space there ends the line too.
        let (head_end, past) = match rest.char_indices().nth(width) {
            Some((i, c)) => (i, i + c.len_utf8()),
            None => (rest.len(), rest.len()),
        };
        let cut = rest[..past]
            .rfind(' ')
            .filter(|&i| i > 0)
            .unwrap_or(head_end);
        let (line, next) = rest.split_at(cut);
        lines.push(line.trim_end().to_string());
        rest = next.trim_start();
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}
