//! The help overlay: every key, by where it works.

use crate::console::app::App;
use crate::console::keymap;
use crate::console::theme::Theme;
use crate::console::view::{centered, wrap_all};
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const KEY_W: usize = 16;

/// The help's lines for a body `area`: key and meaning side by side when they fit; on a
/// narrow screen the meaning under its key, wrapped under itself (a wrapped line went to the
/// box's left edge).
fn lines(app: &App, area: Rect, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = Vec::new();
    let helps = keymap::help(app.lang, app.rights());
    let widest = helps
        .iter()
        .map(|(_, w)| w.chars().count())
        .max()
        .unwrap_or(0);
    // Inside the box's borders, the widest box the area holds.
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let side_by_side = KEY_W + 1 + widest + 4 <= usize::from(area.width);
    for (key, what) in helps {
        if side_by_side {
            lines.push(Line::from(vec![
                Span::styled(format!(" {key:<KEY_W$}"), theme.key()),
                Span::raw(what),
            ]));
        } else {
            lines.push(Line::from(Span::styled(format!(" {key}"), theme.key())));
            for part in wrap_all(what, inner.saturating_sub(3)) {
                lines.push(Line::raw(format!("   {part}")));
            }
        }
    }
    for part in wrap_all(s::help_foot(app.lang), inner.saturating_sub(1)) {
        lines.push(Line::from(Span::styled(format!(" {part}"), theme.dim())));
    }
    lines
}

/// Where the box goes, the rows it shows at once, and the last scroll position.
fn layout(lines: &[Line], area: Rect) -> (Rect, usize, usize) {
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 4;
    let place = centered(area, width, lines.len() as u16 + 2);
    let room = usize::from(place.height.saturating_sub(2)).max(1);
    let inner_w = usize::from(place.width.saturating_sub(2)).max(1);
    // Lines still too wide (a very narrow screen) wrap: count the rows they take.
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1))
        .sum();
    (place, room, rows.saturating_sub(room))
}

/// The rows shown at once and the last scroll position, for the keys that scroll.
pub fn scroll_room(app: &App, area: Rect) -> (u16, u16) {
    let theme = Theme::new(true);
    let (_, room, last) = layout(&lines(app, area, &theme), area);
    (room as u16, last.min(usize::from(u16::MAX)) as u16)
}

/// Draws the keys; on a screen too short for all of them, from `app.help_scroll` on, with
/// arrows in the title saying there is more (↑↓ PgUp PgDn Home End scroll).
pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let lines = lines(app, area, theme);
    let (place, _, last) = layout(&lines, area);
    let top = usize::from(app.help_scroll).min(last);
    let more = match (top > 0, top < last) {
        (true, true) => " ↑↓",
        (true, false) => " ↑",
        (false, true) => " ↓",
        (false, false) => "",
    };
    let block = Block::new().borders(Borders::ALL).title(Line::from(vec![
        Span::raw(" "),
        Span::styled(s::help_title(app.lang), theme.bold()),
        Span::raw(format!("{more} ")),
    ]));
    frame.render_widget(Clear, place);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((top as u16, 0)),
        place,
    );
}
