//! One payment: where it stands, its reference large enough to read aloud, its history, and
//! what can be done about it.

use crate::console::app::{App, PROMPT_LIFE};
use crate::console::keymap;
use crate::console::theme::Theme;
use crate::console::view::{age_of, clock, payment_status, payment_words, status_text, wrap_all};
use crate::payment::{Payment, Status};
use crate::phone::Phone;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

const LABEL_W: usize = 12;
/// A history line's clock and status before its words: ` 14:05:09  ◷ waiting      `.
const HISTORY_LEAD: usize = 25;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(p) = app.detail.as_ref() else {
        let block = Block::new()
            .borders(Borders::TOP)
            .title(s::detail_title_plain(app.lang));
        frame.render_widget(Paragraph::new(s::loading(app.lang)).block(block), area);
        return;
    };
    let facts = facts(app, p, theme, area.width);
    let [top, bottom] = Layout::vertical([
        Constraint::Length(facts.len() as u16 + 1),
        Constraint::Min(2),
    ])
    .areas(area);
    let title = Line::from(vec![
        Span::styled(s::detail_title(app.lang, p.provider), theme.title(true)),
        Span::raw(" "),
    ]);
    let block = Block::new().borders(Borders::TOP).title(title);
    frame.render_widget(Paragraph::new(facts).block(block), top);
    history(frame, bottom, app, theme);
}

fn fact<'a>(label: &'a str, value: Vec<Span<'a>>) -> Line<'a> {
    let mut spans = vec![Span::raw(format!(" {label:<w$}", w = LABEL_W - 1))];
    spans.extend(value);
    Line::from(spans)
}

fn facts<'a>(app: &App, p: &'a Payment, theme: &Theme, width: u16) -> Vec<Line<'a>> {
    let network = Phone::parse(&p.phone, p.provider.country())
        .map(|ph| format!("  ({})", ph.network().label()))
        .unwrap_or_default();
    let room = usize::from(width).saturating_sub(LABEL_W + 1).max(10);
    let mut lines = vec![fact(
        s::label_status(app.lang),
        vec![
            Span::styled(payment_status(app, p), theme.status(p.status)),
            Span::raw(format!("  {}", age_of(app, p))),
        ],
    )];
    // Why it is what it is, whole (wrapped, never cut); for a payment that needs a person,
    // the reason stays and the latest words of a re-check come beside it.
    lines.extend(wrapped(
        s::label_says(app.lang),
        &payment_words(app, p),
        room,
    ));
    if p.status == Status::Attention && !p.said.is_empty() {
        lines.extend(wrapped(
            s::label_latest(app.lang),
            &p.said.text(app.lang),
            room,
        ));
    }
    if p.status == Status::Pending {
        let until = p.sent_at.unwrap_or(p.created_at)
            + chrono::Duration::from_std(PROMPT_LIFE).unwrap_or_default();
        let text = s::prompt_expires(app.lang, &clock(app, until), app.prompt_expired(p));
        lines.extend(whole(s::label_prompt(app.lang), text, room));
    }
    if let Some(flag) = &p.flag {
        lines.extend(wrapped(s::label_flag(app.lang), &flag.text(app.lang), room));
    }
    if p.checked {
        let who = p.checked_by.clone().unwrap_or_default();
        let at = p.checked_at.map(|t| clock(app, t)).unwrap_or_default();
        let text = s::checked_by(app.lang, &who, &at, p.check_note.as_deref());
        lines.extend(wrapped(s::label_checked(app.lang), &text, room));
    }
    if let Some(id) = p.replaced_by {
        let text = s::sent_again_as(app.lang, app.find(id).map(|n| n.reference.as_str()), id);
        lines.push(fact(
            s::label_again(app.lang),
            vec![Span::styled(text, theme.bold())],
        ));
    }
    if let Some(id) = p.replaces {
        let text = s::sends_again(app.lang, app.find(id).map(|o| o.reference.as_str()), id);
        lines.push(fact(s::label_again(app.lang), vec![Span::raw(text)]));
    }
    lines.push(fact(
        s::label_amount(app.lang),
        vec![Span::styled(p.amount.to_string(), theme.bold())],
    ));
    // The number and its network, wrapped on a narrow screen (the network was cut).
    let phone = format!("{}{network}", p.masked_phone());
    lines.extend(whole(s::label_phone(app.lang), phone, room));
    lines.extend([
        fact(
            s::label_reference(app.lang),
            vec![Span::styled(p.reference.as_str(), theme.dim())],
        ),
        fact("", vec![Span::styled(spoken(p, width), theme.bold())]),
    ]);
    if let Some(code) = &p.channel {
        let name = crate::console::form::CHANNELS
            .iter()
            .find(|c| c.code == code)
            .map_or("", |c| c.name);
        lines.push(fact(
            s::label_channel(app.lang),
            vec![Span::raw(format!("{name} {code}"))],
        ));
    }
    if let Some(e) = &p.email {
        lines.push(fact(s::label_email(app.lang), vec![Span::raw(e.as_str())]));
    }
    let sent = p.sent_at.unwrap_or(p.created_at);
    let said = s::sent_line(app.lang, &clock(app, sent), p.polls);
    lines.extend(whole(s::label_sent(app.lang), said, room));
    lines.push(fact(
        s::label_operator(app.lang),
        vec![Span::raw(p.operator.clone())],
    ));
    let allowed = app.allowed();
    let mut acts: Vec<Span> = Vec::new();
    for (key, what) in keymap::hints(app.lang, keymap::Context::Detail, allowed)
        .into_iter()
        .take_while(|(k, _)| *k != s::KEY_ESC)
    {
        acts.push(Span::styled(key, theme.key()));
        acts.push(Span::raw(format!(" {what}   ")));
    }
    if acts.is_empty() {
        acts.push(Span::styled(s::nothing_to_do(app.lang), theme.dim()));
    }
    lines.push(fact(s::label_actions(app.lang), acts));
    lines
}

/// A labelled fact on its line as it is when it fits; else [`wrapped`] (it was cut at 40
/// columns).
fn whole(label: &'static str, text: String, room: usize) -> Vec<Line<'static>> {
    if text.chars().count() <= room {
        vec![fact(label, vec![Span::raw(text)])]
    } else {
        wrapped(label, &text, room)
    }
}

/// A labelled fact over as many lines as it needs, words wrapped under the first.
fn wrapped(label: &'static str, text: &str, room: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let fits = current.chars().count() + 1 + word.chars().count() <= room;
        if !current.is_empty() && !fits {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        // A word longer than the room is cut into pieces.
        let mut rest: Vec<char> = word.chars().collect();
        while current.is_empty() && rest.len() > room {
            lines.push(rest.drain(..room).collect());
        }
        current.extend(rest);
    }
    lines.push(current);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| fact(if i == 0 { label } else { "" }, vec![Span::raw(l)]))
        .collect()
}

/// The reference spaced out for reading aloud, in groups of four; plain groups when narrow.
fn spoken(p: &Payment, width: u16) -> String {
    let groups = p.reference.spoken();
    let wide: String = groups
        .split(' ')
        .map(|g| g.chars().map(String::from).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("   ");
    if wide.chars().count() + LABEL_W < usize::from(width) {
        wide
    } else {
        groups
    }
}

fn history(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let block = Block::new().borders(Borders::TOP).title(Line::from(vec![
        Span::styled(s::history_title(app.lang), theme.bold()),
        Span::raw(" "),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let room = usize::from(inner.height);
    // Clock and status, then the words: beside them when there is room for a few, wrapped
    // under themselves (they were cut at 60 columns); under them when narrower still.
    let width = usize::from(inner.width);
    let beside = width >= HISTORY_LEAD + 15;
    let (indent, words_w) = if beside {
        (HISTORY_LEAD, width - HISTORY_LEAD)
    } else {
        (3, width.saturating_sub(3))
    };
    let events: Vec<Vec<Line>> = app
        .history
        .iter()
        .map(|e| {
            let lead = vec![
                Span::raw(format!(" {}  ", clock(app, e.at))),
                Span::styled(
                    // At least one space before the words, whatever the language's word.
                    format!("{:<13} ", status_text(app, e.status, false)),
                    theme.status(e.status),
                ),
            ];
            let words = e.message.text(app.lang);
            let mut parts = wrap_all(&words, words_w.max(1)).into_iter();
            let mut lines = Vec::new();
            if beside {
                let mut first = lead;
                first.push(Span::raw(parts.next().unwrap_or_default()));
                lines.push(Line::from(first));
            } else {
                lines.push(Line::from(lead));
            }
            lines.extend(
                parts
                    .filter(|l| !l.is_empty())
                    .map(|l| Line::raw(format!("{:indent$}{l}", ""))),
            );
            lines
        })
        .collect();
    // The newest events that fit whole; the newest alone, from its top, when not even it does.
    let mut taken = 0;
    let mut from = events.len();
    while from > 0 && taken + events[from - 1].len() <= room {
        taken += events[from - 1].len();
        from -= 1;
    }
    if from == events.len() && from > 0 {
        from -= 1;
    }
    let lines: Vec<Line> = events.into_iter().skip(from).flatten().take(room).collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
