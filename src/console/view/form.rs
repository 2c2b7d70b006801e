//! The form pane: each field on one line, its message on the line under it.

use crate::console::app::{App, Focus, PreviewShown};
use crate::console::form::{Checked, Field, Refused, field_label, refused};
use crate::console::theme::{MARKER, Theme};
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

/// Rows the form takes in `room`: its title and two lines per field (the field and its
/// message), or — when that would leave the pending list fewer than `keep` rows — one line
/// per field, with the messages of the focused field and of the phone (the customer's name)
/// under them. Every field is always drawn: a field
/// that takes focus is never off screen.
pub fn height(app: &App, room: u16, keep: u16) -> u16 {
    let n = app.fields().len() as u16;
    let full = 1 + 2 * n;
    if full + keep <= room { full } else { 1 + n + 2 }
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
    let compact = inner.height < 2 * fields.len() as u16;
    let mut y = inner.y;
    for field in fields.iter() {
        if y >= inner.bottom() {
            break;
        }
        let row = Rect::new(inner.x, y, inner.width, 1);
        draw_field(frame, row, app, *field, theme);
        y += 1;
        let focused = app.focus == Focus::Field(*field);
        if compact && !focused && *field != Field::Phone {
            continue;
        }
        if y < inner.bottom()
            && let Some(parts) = message(app, *field, &checked)
        {
            // Under the input when it fits there, else from under the label.
            let len: usize = parts.iter().map(|(t, _)| t.chars().count()).sum();
            let indent = if len + usize::from(label_w(app)) <= usize::from(inner.width) {
                label_w(app)
            } else {
                2
            };
            let width = inner.width.saturating_sub(indent);
            let under = Rect::new(inner.x + indent, y, width, 1);
            frame.render_widget(Paragraph::new(fit(parts, usize::from(width))), under);
        }
        y += 1;
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
        && app.form.refused.is_none_or(|(f, _)| f != field)
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
    if let Some((f, why)) = app.form.refused
        && f == field
    {
        let said = match why {
            Refused::Char(ch) => refused(app.lang, field, ch, provider),
            Refused::Full => s::field_full(app.lang, field.max_len()),
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
