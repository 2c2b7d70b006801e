//! The bottom line: the keys that work now. When they do not all fit, the least useful go
//! first; help and quit stay while anything fits (help lists the rest).

use crate::console::app::App;
use crate::console::keymap::{self, Hint};
use crate::console::theme::Theme;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn width(hints: &[Hint]) -> usize {
    let items: usize = hints
        .iter()
        .map(|(k, w)| k.chars().count() + 1 + w.chars().count())
        .sum();
    1 + items + 2 * hints.len().saturating_sub(1)
}

/// The hints that fit in `room` columns, in their order.
pub fn fit(mut hints: Vec<Hint>, room: usize) -> Vec<Hint> {
    while width(&hints) > room && !hints.is_empty() {
        let keep = |h: &Hint| h.0 == s::KEY_HELP || h.0 == s::KEY_CTRL_C;
        match hints.iter().rposition(|h| !keep(h)) {
            Some(i) => hints.remove(i),
            None => hints.remove(hints.len() - 1),
        };
    }
    hints
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let hints = fit(
        keymap::hints(app.lang, app.context(), app.allowed()),
        usize::from(area.width),
    );
    let mut spans = vec![Span::raw(" ")];
    for (i, (key, what)) in hints.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
