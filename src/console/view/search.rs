//! The search screen: the line at the top (digits of a phone, part of a reference, an
//! amount), then the payments found over the whole journal, newest first, with their day.

use crate::console::app::App;
use crate::console::theme::{MARKER, Theme};
use crate::console::view::payment_status;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

/// The widest name in the "By" column.
const BY_MAX: usize = 10;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(view) = app.search.as_ref() else {
        return;
    };
    let title = Line::from(vec![
        Span::styled(s::search_prompt(app.lang), theme.title(true)),
        Span::raw(" "),
    ]);
    let block = Block::new().borders(Borders::TOP).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [line, list] = Layout::vertical([Constraint::Length(2), Constraint::Fill(1)]).areas(inner);
    let query = view.query.value();
    let typed = if query.is_empty() {
        Span::styled(s::search_hint(app.lang), theme.hint())
    } else {
        Span::styled(query.to_string(), theme.bold())
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![Span::raw("› "), typed])),
        line,
    );
    let cursor = u16::try_from(view.query.visual_cursor()).unwrap_or(u16::MAX);
    frame.set_cursor_position(Position::new(
        line.x
            .saturating_add(2)
            .saturating_add(cursor)
            .min(line.right().saturating_sub(1)),
        line.y,
    ));
    if view.rows.is_empty() {
        let said = if view.loading {
            s::loading(app.lang)
        } else {
            s::search_none(app.lang)
        };
        frame.render_widget(Paragraph::new(Span::styled(said, theme.hint())), list);
        return;
    }
    let wide = list.width >= 70;
    let short = list.width < 60;
    let room = usize::from(list.height).max(1);
    let skip = (view.cursor + 1).saturating_sub(room);
    let shown = || view.rows.iter().skip(skip).take(room);
    // Several operators' payments found (a supervisor's search): who pushed each, where the
    // status keeps 12 columns beside it.
    let (phone_w, amount_w) = if short { (11, 12) } else { (16, 14) };
    let used = 2 + 13 + phone_w + 1 + amount_w + 1 + if wide { 18 } else { 0 };
    let left = usize::from(list.width).saturating_sub(used);
    let names: std::collections::BTreeSet<&str> = shown().map(|p| p.operator.as_str()).collect();
    let widest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    // Another's payment among them (a supervisor's search, whoever pushed what it found).
    let others = names.iter().any(|n| *n != app.operator);
    let by_w = match others && left >= widest.min(BY_MAX) + 1 + 12 {
        true => widest.min(BY_MAX),
        false => 0,
    };
    let rows = shown().map(|p| {
        let when = p
            .created_at
            .with_timezone(&app.offset)
            .format("%d %b %H:%M")
            .to_string();
        let mut cells = vec![
            Cell::from(when),
            Cell::from(if short {
                p.masked_phone_short()
            } else {
                p.masked_phone()
            }),
            Cell::from(Line::from(p.amount.to_string()).alignment(Alignment::Right)),
        ];
        if wide {
            cells.push(Cell::from(p.reference.as_str().to_string()));
        }
        if by_w > 0 {
            cells.push(Cell::from(Span::styled(
                super::ellipsis(&p.operator, by_w),
                theme.dim(),
            )));
        }
        cells.push(Cell::from(Span::styled(
            payment_status(app, p),
            theme.status(p.status),
        )));
        Row::new(cells)
    });
    let mut widths = vec![
        Constraint::Length(12),
        Constraint::Length(phone_w as u16),
        Constraint::Length(amount_w as u16),
    ];
    if wide {
        // A generated reference may be 17 long: whole, or the cashier reads a wrong one.
        widths.push(Constraint::Length(17));
    }
    if by_w > 0 {
        widths.push(Constraint::Length(by_w as u16));
    }
    widths.push(Constraint::Fill(1));
    let table = Table::new(rows, widths)
        .column_spacing(1)
        .highlight_symbol(format!("{MARKER} "))
        .highlight_spacing(HighlightSpacing::Always)
        .row_highlight_style(theme.selected());
    let mut state = TableState::default().with_selected(Some(view.cursor - skip));
    frame.render_stateful_widget(table, list, &mut state);
}
