//! Today's payments: totals per provider and status, then every payment, newest first.

use crate::console::app::App;
use crate::console::theme::{MARKER, Theme};
use crate::console::totals::{Total, from_summary};
use crate::console::view::{clock, payment_status, status_text};
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(today) = app.today.as_ref() else {
        return;
    };
    let date = today.since.with_timezone(&app.offset).date_naive();
    let date = s::date(app.lang, date);
    let title = Line::from(vec![
        Span::styled(
            s::today_title(app.lang, &date, today.count()),
            theme.title(true),
        ),
        Span::raw(" "),
    ]);
    let block = Block::new().borders(Borders::TOP).title(title);
    if !today.loaded() {
        frame.render_widget(Paragraph::new(s::loading(app.lang)).block(block), area);
        return;
    }
    if today.count() == 0 {
        let hint = Span::styled(s::today_empty(app.lang), theme.hint());
        frame.render_widget(Paragraph::new(hint).block(block), area);
        return;
    }
    let sums = today.summary.as_ref().map(from_summary).unwrap_or_default();
    let people = today
        .summary
        .as_ref()
        .map(|s| s.operators.as_slice())
        .unwrap_or_default();
    let people_h = people.len() as u16;
    let [top, by, bottom] = Layout::vertical([
        Constraint::Length(sums.len() as u16 + 2),
        Constraint::Length(people_h),
        Constraint::Min(2),
    ])
    .areas(area);
    let inner = block.inner(top);
    frame.render_widget(block, top);
    frame.render_widget(totals_table(app, &sums, theme), inner);
    frame.render_widget(
        Paragraph::new(operator_lines(app, people, theme, by.width)),
        by,
    );
    list(frame, bottom, app, theme);
}

/// One line per operator and currency: who pushed how many, and what was paid.
fn operator_lines(
    app: &App,
    people: &[crate::journal::OperatorDay],
    theme: &Theme,
    width: u16,
) -> Vec<Line<'static>> {
    // The label column only where there is room; the words are cut with an ellipsis.
    let label = width >= 70;
    let room = usize::from(width).saturating_sub(if label { 11 } else { 0 } + 11);
    people
        .iter()
        .map(|o| {
            let paid = o
                .paid_minor
                .map(|m| crate::money::Money::from_minor(m, o.currency).to_string())
                .unwrap_or_else(|| s::too_large(app.lang).to_string());
            let mut spans = Vec::new();
            if label {
                spans.push(Span::styled(
                    format!("{:<10} ", s::label_operator(app.lang)),
                    theme.dim(),
                ));
            }
            spans.push(Span::styled(
                format!("{:<10} ", super::ellipsis(&o.operator, 10)),
                theme.bold(),
            ));
            spans.push(Span::raw(super::ellipsis(
                &s::operator_day(app.lang, o.paid, o.count, &paid),
                room,
            )));
            Line::from(spans)
        })
        .collect()
}

fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).alignment(Alignment::Right))
}

fn totals_table(app: &App, sums: &[Total], theme: &Theme) -> Table<'static> {
    let mut last = None;
    let rows = sums.iter().map(|t| {
        let provider = if last == Some(t.provider) {
            ""
        } else {
            t.provider.label()
        };
        last = Some(t.provider);
        let status = t.group.status();
        let checked = t.group.checked();
        Row::new(vec![
            Cell::from(Span::styled(provider, theme.bold())),
            Cell::from(Span::styled(
                status_text(app, status, checked),
                theme.status(status),
            )),
            right(t.count.to_string()),
            right(
                t.amount
                    .map_or_else(|| s::too_large(app.lang).to_string(), |m| m.to_string()),
            ),
        ])
    });
    let widths = [
        Constraint::Length(10),
        Constraint::Length(14),
        Constraint::Length(6),
        Constraint::Length(18),
    ];
    Table::new(rows, widths)
        .header(
            Row::new([
                Cell::from(s::col_provider(app.lang)),
                Cell::from(s::col_status(app.lang)),
                right(s::col_count(app.lang).to_string()),
                right(s::col_total(app.lang).to_string()),
            ])
            .style(theme.dim()),
        )
        .column_spacing(1)
}

fn list(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(today) = app.today.as_ref() else {
        return;
    };
    let block = Block::new().borders(Borders::TOP).title(Line::from(vec![
        Span::styled(s::today_list_title(app.lang), theme.bold()),
        Span::raw(" "),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let wide = inner.width >= 70;
    // Under 60 columns the country code goes, so the masked number's last digits stay whole.
    let short = inner.width < 60;
    // The rows read that fit, with the selected one among them.
    let room = usize::from(inner.height).max(1);
    let at = today.cursor.saturating_sub(today.first);
    let skip = (at + 1).saturating_sub(room);
    let rows = today.page.iter().skip(skip).take(room).map(|p| {
        let mut cells = vec![
            Cell::from(clock(app, p.created_at)),
            Cell::from(if short {
                p.masked_phone_short()
            } else {
                p.masked_phone()
            }),
            right(p.amount.to_string()),
        ];
        if wide {
            cells.push(Cell::from(p.provider.label()));
        }
        cells.push(Cell::from(Span::styled(
            payment_status(app, p),
            theme.status(p.status),
        )));
        Row::new(cells)
    });
    let mut widths = vec![
        Constraint::Length(8),
        Constraint::Length(if short { 11 } else { 16 }),
        Constraint::Length(if short { 12 } else { 14 }),
    ];
    if wide {
        widths.push(Constraint::Length(9));
    }
    widths.push(Constraint::Fill(1));
    let table = Table::new(rows, widths)
        .column_spacing(1)
        .highlight_symbol(format!("{MARKER} "))
        .highlight_spacing(HighlightSpacing::Always)
        .row_highlight_style(theme.selected());
    let selected = today.has_row(today.cursor).then_some(at - skip);
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, inner, &mut state);
}
