//! A question that waits for y or n.

use crate::console::app::{App, Confirm};
use crate::console::theme::Theme;
use crate::console::view::payment_status;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, c: &Confirm, theme: &Theme) {
    let (title, mut lines): (&str, Vec<Line>) = match c {
        Confirm::Duplicate { new, existing, .. } => (
            s::DUPLICATE_TITLE,
            vec![
                Line::from(Span::styled(
                    format!("{}  {}", new.phone.masked(), new.amount),
                    theme.bold(),
                )),
                Line::raw(s::duplicate_question(
                    &s::ago((app.now - existing.created_at).num_seconds()),
                    &payment_status(existing),
                    existing.reference.as_str(),
                )),
            ],
        ),
        Confirm::SendAgain(p) => (
            s::SEND_AGAIN_TITLE,
            vec![
                Line::from(Span::styled(
                    format!("{}  {}", p.masked_phone(), p.amount),
                    theme.bold(),
                )),
                Line::raw(s::send_again_question()),
            ],
        ),
        Confirm::Quit(n) => (s::QUIT_TITLE, vec![Line::raw(s::quit_question(*n))]),
    };
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(s::KEY_Y, theme.key()),
        Span::raw(format!(" {}   ", s::DO_YES)),
        Span::styled(s::KEY_N, theme.key()),
        Span::raw(format!(" {}", s::DO_NO)),
    ]));
    let width = area.width.clamp(20, 56);
    let inner_w = usize::from(width.saturating_sub(4).max(1));
    let height: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1))
        .sum::<usize>()
        + 2;
    let place = super::centered(area, width, height as u16);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.warning())
        .title(Line::from(vec![
            Span::raw(" "),
            Span::styled(title, theme.warning()),
            Span::raw(" "),
        ]));
    frame.render_widget(Clear, place);
    let body = Paragraph::new(lines)
        .block(block.padding(ratatui::widgets::Padding::horizontal(1)))
        .wrap(Wrap { trim: true });
    frame.render_widget(body, place);
}
