//! The form pane: each field on one line, its message on the line under it.

use crate::console::app::{App, Focus, PreviewShown};
use crate::console::form::{Checked, Field, Refused, field_label, refused};
use crate::console::theme::{MARKER, Theme};
use crate::console::view::{ellipsis, wrap_all};
use crate::phone::Phone;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// Marker and label column: the widest label of the language, its marker and a space
/// either side (12 in English).
fn label_w(app: &App) -> u16 {
    let widest = [
        Field::Phone,
        Field::Amount,
        Field::Reference,
        Field::Channel,
        Field::Email,
    ]
    .iter()
    .map(|f| field_label(app.lang, *f).chars().count())
    .max()
    .unwrap_or(9);
    widest.max(9) as u16 + 3
}
/// Widest input box.
const INPUT_MAX: u16 = 34;

/// At most this many lines for one field's message (the longest, an error at 40 columns, takes
/// three).
const MESSAGE_LINES: usize = 4;

/// Rows under each field at this width: its message's lines, at least one (reserved).
fn message_rows(app: &App, field: Field, c: &Checked, width: u16) -> u16 {
    message_lines(app, field, c, width).map_or(1, |(_, l)| l.len().max(1) as u16)
}

/// Rows the form takes in `room` at `width`: its title, each field and the lines of its message
/// (one reserved when it has none; a long message takes the lines it needs, so it reads whole
/// at 60 columns), or — when that would leave the pending list fewer than `keep` rows — one
/// line per field, with the messages of the focused field and of the phone (the customer's
/// name) under them. Every field is always drawn: a field that takes focus is never off screen.
pub fn height(app: &App, room: u16, keep: u16, width: u16) -> u16 {
    let full = full_rows(app, width);
    if full + keep <= room {
        full
    } else {
        compact_rows(app, width)
    }
}

fn full_rows(app: &App, width: u16) -> u16 {
    let c = app.form.check_in(app.provider, app.lang);
    let fields = app.fields();
    1 + fields
        .iter()
        .map(|f| 1 + message_rows(app, *f, &c, width))
        .sum::<u16>()
}

fn compact_rows(app: &App, width: u16) -> u16 {
    let c = app.form.check_in(app.provider, app.lang);
    let fields = app.fields();
    let said: u16 = fields
        .iter()
        .filter(|f| shown_compact(app, **f))
        .map(|f| message_rows(app, *f, &c, width))
        .sum();
    1 + fields.len() as u16 + said.max(2)
}

/// In a compact form, the messages that still show: the focused field's and the phone's.
fn shown_compact(app: &App, field: Field) -> bool {
    app.focus == Focus::Field(field) || field == Field::Phone
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = matches!(app.focus, Focus::Field(_));
    let title = Line::from(vec![
        Span::styled(s::form_title(app.lang), theme.title(focused)),
        Span::raw(" "),
    ]);
    let block = Block::new().borders(Borders::TOP).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let checked = app.form.check_in(app.provider, app.lang);
    let fields = app.fields();
    let compact = inner.height < full_rows(app, inner.width).saturating_sub(1);
    let mut y = inner.y;
    for field in fields.iter() {
        if y >= inner.bottom() {
            break;
        }
        let row = Rect::new(inner.x, y, inner.width, 1);
        draw_field(frame, row, app, *field, theme);
        y += 1;
        if compact && !shown_compact(app, *field) {
            continue;
        }
        let Some((indent, lines)) = message_lines(app, *field, &checked, inner.width) else {
            y += 1;
            continue;
        };
        let rows = lines.len().max(1) as u16;
        let width = inner.width.saturating_sub(indent);
        for (i, line) in lines.into_iter().enumerate() {
            let at = y + i as u16;
            if at >= inner.bottom() {
                break;
            }
            frame.render_widget(
                Paragraph::new(line),
                Rect::new(inner.x + indent, at, width, 1),
            );
        }
        y += rows;
    }
}

/// A field's message in lines at `width`, and where they start: under the input when it fits
/// there on one line, else from under the label; an error or a refusal wrapped at spaces over
/// the lines it needs (it was cut with `…` at 60 columns).
fn message_lines(
    app: &App,
    field: Field,
    c: &Checked,
    width: u16,
) -> Option<(u16, Vec<Line<'static>>)> {
    let parts = message(app, field, c)?;
    let len: usize = parts.iter().map(|(t, _)| t.chars().count()).sum();
    if len + usize::from(label_w(app)) <= usize::from(width) {
        return Some((label_w(app), vec![fit(parts, usize::from(width))]));
    }
    let room = usize::from(width.saturating_sub(2));
    // What went wrong (an error, a warning, a key or paste refused) is read whole; a hint
    // keeps to its line and gives way to the list's rows.
    let must_read = |t: &str| {
        t.starts_with('✗')
            || t.starts_with('!')
            || app.form.refused.as_ref().is_some_and(|(f, _)| *f == field)
    };
    match parts.as_slice() {
        [(text, style)] if len > room && room >= 10 && must_read(text) => {
            let mut lines = wrap_all(text, room);
            if lines.len() > MESSAGE_LINES {
                let rest = lines.split_off(MESSAGE_LINES - 1).join(" ");
                lines.push(ellipsis(&rest, room));
            }
            Some((
                2,
                lines
                    .into_iter()
                    .map(|l| Line::from(Span::styled(l, *style)))
                    .collect(),
            ))
        }
        _ => Some((2, vec![fit(parts, room)])),
    }
}

fn draw_field(frame: &mut Frame, row: Rect, app: &App, field: Field, theme: &Theme) {
    let focused = app.focus == Focus::Field(field) && app.confirm.is_none() && !app.help;
    let marker = if focused {
        Span::styled(MARKER, theme.label(true))
    } else {
        Span::raw(" ")
    };
    let label = Line::from(vec![
        marker,
        Span::raw(" "),
        Span::styled(field_label(app.lang, field), theme.label(focused)),
    ]);
    frame.render_widget(Paragraph::new(label), row);
    let suffix = match field {
        Field::Amount => format!(" {}", app.provider.currency().code()),
        _ => String::new(),
    };
    let free = row
        .width
        .saturating_sub(label_w(app) + suffix.chars().count() as u16);
    let width = free.min(INPUT_MAX);
    let x = row.x + label_w(app);
    let input_area = Rect::new(x, row.y, width, 1);
    let Some(input) = app.form.input(field) else {
        let ch = app.form.channel();
        let text = format!("◂ {} {} ▸", ch.name, ch.code);
        let style = if focused { theme.bold() } else { Style::new() };
        frame.render_widget(Paragraph::new(Span::styled(text, style)), input_area);
        return;
    };
    let scroll = input.visual_scroll(usize::from(width.max(1)));
    frame.render_widget(
        Paragraph::new(input.value())
            .scroll((0, scroll as u16))
            .style(theme.input(focused)),
        input_area,
    );
    if !suffix.is_empty() {
        let at = Rect::new(x + width, row.y, suffix.chars().count() as u16, 1);
        frame.render_widget(Paragraph::new(Span::styled(suffix, theme.bold())), at);
    }
    if focused && app.screen == crate::console::app::Screen::Main && width > 0 {
        let cx = (input.visual_cursor().saturating_sub(scroll)) as u16;
        frame.set_cursor_position(Position::new(x + cx.min(width - 1), row.y));
    }
}

/// Parts of a line, each with its style, cut to `width` with an ellipsis.
fn fit(parts: Vec<(String, Style)>, width: usize) -> Line<'static> {
    let total: usize = parts.iter().map(|(t, _)| t.chars().count()).sum();
    if total <= width {
        return Line::from_iter(parts.into_iter().map(|(t, st)| Span::styled(t, st)));
    }
    let mut left = width.saturating_sub(1);
    let mut spans = Vec::new();
    let mut last = Style::new();
    for (text, style) in parts {
        last = style;
        if left == 0 {
            break;
        }
        let cut: String = text.chars().take(left).collect();
        left -= cut.chars().count();
        spans.push(Span::styled(cut, style));
    }
    spans.push(Span::styled("…", last));
    Line::from(spans)
}

/// What to say under a field: a refused key, an error, or what was recognised.
fn message(app: &App, field: Field, c: &Checked) -> Option<Vec<(String, Style)>> {
    if field == Field::Phone
        && let Ok(p) = &c.phone
        && app.form.refused.as_ref().is_none_or(|(f, _)| *f != field)
    {
        return Some(phone_message(app, p));
    }
    one_message(app, field, c).map(|m| vec![m])
}

/// Under a valid phone: its network, and what the wallet check said about it.
fn phone_message(app: &App, phone: &Phone) -> Vec<(String, Style)> {
    let theme = Theme::new(app.no_color);
    let network = phone.network();
    let (mark, style) = match doubt(app, network) {
        Some(_) => ("!", theme.warning()),
        None => ("✓", theme.good()),
    };
    let warning = doubt(app, network).map(|w| (format!(" — {w}"), style));
    let mut parts = vec![(format!("{mark} {}", network.label()), style)];
    match &app.preview.shown {
        Some(PreviewShown::NoWallet) => {
            return vec![(s::preview_no_wallet(app.lang).to_string(), theme.warning())];
        }
        Some(PreviewShown::Name(name)) => {
            parts.push((s::PREVIEW_SEPARATOR.to_string(), style));
            parts.push((name.clone(), style.add_modifier(Modifier::BOLD)));
        }
        Some(PreviewShown::Failed) => {
            let dim = theme.hint();
            parts.extend(warning.clone());
            parts.push((s::PREVIEW_SEPARATOR.to_string(), dim));
            parts.push((s::preview_failed(app.lang).to_string(), dim));
            return parts;
        }
        Some(PreviewShown::Nothing) | None => {}
    }
    parts.extend(warning);
    parts
}

/// A warning for a number of a network the provider may refuse.
fn doubt(app: &App, network: crate::phone::Network) -> Option<String> {
    let spec = app.provider.spec();
    spec.phones.doubts(network).then(|| {
        crate::strings::domain::phone_network_doubtful(app.lang, network.label(), spec.label)
    })
}

/// What to say under a field, in one style.
fn one_message(app: &App, field: Field, c: &Checked) -> Option<(String, Style)> {
    let theme = Theme::new(app.no_color);
    let provider = app.provider;
    if let Some((f, why)) = &app.form.refused
        && *f == field
    {
        let said = match why {
            Refused::Chars(cs) => refused(app.lang, field, cs, provider),
            Refused::Full => s::field_full(app.lang, field.max_len()),
            Refused::PasteControl => s::paste_control(app.lang).to_string(),
            Refused::PasteChars(cs) => {
                s::paste_refused(app.lang, &refused(app.lang, field, cs, provider))
            }
            Refused::PasteFull => s::paste_full(app.lang, field.max_len()),
        };
        return Some((said, theme.warning()));
    }
    let empty = app
        .form
        .input(field)
        .is_some_and(|i| i.value().trim().is_empty());
    // An unfinished number is not an error while it is being typed (its hint would change
    // with every digit); it is once the cashier moves on or presses Enter.
    let typing = app.focus == Focus::Field(field) && !app.form.attempted;
    let unfinished = field == Field::Phone && c.phone_unfinished && typing;
    if let Some(e) = c.error(field)
        && app.form.touched(field)
        && !unfinished
        && !(field == Field::Reference && empty)
    {
        return Some((format!("✗ {e}"), theme.error()));
    }
    match field {
        Field::Phone => match &c.phone {
            Ok(p) => Some(match doubt(app, p.network()) {
                Some(w) => (format!("! {} — {w}", p.network().label()), theme.warning()),
                None => (format!("✓ {}", p.network().label()), theme.good()),
            }),
            Err(_) => Some((s::phone_example(app.lang, provider.country()), theme.hint())),
        },
        Field::Amount => match &c.amount {
            Ok(m) => Some((format!("✓ {m}"), theme.good())),
            Err(_) => Some((
                s::amount_example(app.lang, &provider.spec().amounts).to_string(),
                theme.hint(),
            )),
        },
        Field::Reference if empty && app.form.reference_by_hand => {
            Some((s::reference_own(app.lang).to_string(), theme.hint()))
        }
        Field::Reference if empty => {
            Some((s::reference_coming(app.lang).to_string(), theme.hint()))
        }
        Field::Reference => None,
        Field::Channel => Some(channel_message(app, c, &theme)),
        Field::Email => empty.then(|| (s::email_optional(app.lang).to_string(), theme.hint())),
    }
}

fn channel_message(app: &App, c: &Checked, theme: &Theme) -> (String, Style) {
    let chosen = app.form.channel();
    // The provider's own word on the number's wallet goes over the prefix's.
    if let Some(said) = app.preview.wallet.as_deref() {
        let name = app
            .form
            .channels
            .iter()
            .find(|ch| ch.code == said)
            .map_or(said, |ch| ch.name);
        let label = app.provider.label();
        return if said == chosen.code {
            (s::channel_predicted(app.lang, label, name), theme.good())
        } else {
            (
                s::channel_not_predicted(app.lang, label, name),
                theme.warning(),
            )
        };
    }
    let network = c.phone.as_ref().ok().map(Phone::network);
    let suggest = app.provider.spec().channels.map(|t| t.suggest);
    match network.and_then(|n| suggest.and_then(|f| f(n)).map(|code| (n, code))) {
        Some((n, code)) if code == chosen.code => {
            (s::channel_suggested(app.lang, n.label()), theme.good())
        }
        Some((n, _)) => (s::channel_differs(app.lang, n.label()), theme.warning()),
        None => (s::channel_change_hint(app.lang).to_string(), theme.hint()),
    }
}
