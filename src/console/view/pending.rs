//! The pending pane: one row per live payment, newest first; paid and failed ones linger a while.

use crate::console::app::{App, Focus, Screen};
use crate::console::theme::{MARKER, Theme};
use crate::console::view::{age, ellipsis, payment_status};
use crate::payment::Payment;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

const AGE_W: u16 = 6;
const AMOUNT_W: u16 = 13;
const STATUS_W: u16 = 11;
const PROVIDER_W: u16 = 9;
/// Narrowest useful "provider says" column.
const WORDS_MIN: u16 = 10;
/// Selection marker and its space.
const MARK_W: u16 = 2;

/// Which columns fit, and how wide the provider's words may be.
struct Columns {
    short_phone: bool,
    provider: bool,
    words: u16,
}

impl Columns {
    fn fit(width: u16) -> Columns {
        let short_phone = width < 70;
        let phone = if short_phone { 11 } else { 16 };
        let base = MARK_W + AGE_W + phone + AMOUNT_W + STATUS_W + 3;
        let mut left = width.saturating_sub(base);
        let provider = left >= WORDS_MIN + 1 + PROVIDER_W + 1 + 6;
        if provider {
            left -= PROVIDER_W + 1;
        }
        let words = if left > WORDS_MIN { left - 1 } else { 0 };
        Columns {
            short_phone,
            provider,
            words,
        }
    }

    fn widths(&self) -> Vec<Constraint> {
        let mut w = vec![
            Constraint::Length(AGE_W),
            Constraint::Length(if self.short_phone { 11 } else { 16 }),
            Constraint::Length(AMOUNT_W),
        ];
        if self.provider {
            w.push(Constraint::Length(PROVIDER_W));
        }
        w.push(Constraint::Length(STATUS_W));
        if self.words > 0 {
            w.push(Constraint::Fill(1));
        }
        w
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Focus::List && app.screen == Screen::Main;
    let title = s::pending_title(app.waiting(), app.rows.len());
    let block = Block::new().borders(Borders::TOP).title(Line::from(vec![
        Span::styled(title, theme.title(focused)),
        Span::raw(" "),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.rows.is_empty() {
        let hint = Paragraph::new(Span::styled(s::NO_PAYMENTS, theme.hint()))
            .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(hint, inner);
        return;
    }
    let cols = Columns::fit(inner.width);
    let mut head = vec![s::COL_AGE, s::COL_PHONE, s::COL_AMOUNT];
    if cols.provider {
        head.push(s::COL_PROVIDER);
    }
    head.push(s::COL_STATUS);
    if cols.words > 0 {
        head.push(s::COL_WORDS);
    }
    let ids = app.row_ids();
    let rows = ids
        .iter()
        .filter_map(|id| app.rows.get(id))
        .map(|p| row(app, p, &cols, theme));
    let table = Table::new(rows, cols.widths())
        .header(
            Row::new(head.into_iter().enumerate().map(|(i, h)| {
                let line = Line::from(h);
                // Age and amount are numbers: their headings sit right, over the digits.
                Cell::from(if i == 0 || i == 2 {
                    line.alignment(Alignment::Right)
                } else {
                    line
                })
            }))
            .style(theme.dim()),
        )
        .column_spacing(1)
        .highlight_symbol(format!("{MARKER} "))
        .highlight_spacing(HighlightSpacing::Always)
        .row_highlight_style(if focused {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        });
    let selected = app
        .selected
        .and_then(|sel| ids.iter().position(|i| *i == sel));
    let mut state = TableState::default().with_selected(if focused { selected } else { None });
    frame.render_stateful_widget(table, inner, &mut state);
}

fn row<'a>(app: &App, p: &'a Payment, cols: &Columns, theme: &Theme) -> Row<'a> {
    let phone = p.masked_phone();
    let phone = if cols.short_phone {
        phone
            .trim_start_matches(|c: char| c != ' ')
            .trim()
            .to_string()
    } else {
        phone
    };
    let mut cells = vec![
        Cell::from(Line::from(age(app.age(p))).alignment(Alignment::Right)),
        Cell::from(phone),
        Cell::from(Line::from(p.amount.to_string()).alignment(Alignment::Right)),
    ];
    if cols.provider {
        cells.push(Cell::from(p.provider.label()));
    }
    cells.push(Cell::from(Span::styled(
        payment_status(p),
        theme.status(p.status),
    )));
    if cols.words > 0 {
        cells.push(Cell::from(ellipsis(
            &p.words().text(app.lang),
            usize::from(cols.words),
        )));
    }
    Row::new(cells)
}
