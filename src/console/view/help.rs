//! The help overlay: every key, by where it works.

use crate::console::keymap;
use crate::console::theme::Theme;
use crate::console::view::centered;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const KEY_W: usize = 16;

pub fn draw(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut lines: Vec<Line> = Vec::new();
    for (key, what) in keymap::help() {
        lines.push(Line::from(vec![
            Span::styled(format!(" {key:<KEY_W$}"), theme.key()),
            Span::raw(what),
        ]));
    }
    lines.push(Line::from(Span::styled(
        format!(" {}", s::HELP_FOOT),
        theme.dim(),
    )));
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16 + 4;
    let height = lines.len() as u16 + 2;
    let place = centered(area, width, height);
    let block = Block::new().borders(Borders::ALL).title(Line::from(vec![
        Span::raw(" "),
        Span::styled(s::HELP_TITLE, theme.bold()),
        Span::raw(" "),
    ]));
    frame.render_widget(Clear, place);
    frame.render_widget(Paragraph::new(lines).block(block), place);
}
