//! The pending pane: one row per live payment, newest first; paid and failed ones linger a while.

use crate::console::app::{App, Focus, Screen};
use crate::console::theme::{MARKER, Theme};
use crate::console::view::{age, ellipsis, payment_status, payment_words};
use crate::payment::Payment;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

const AGE_W: u16 = 6;
/// Narrowest amount column (`TZS 500`); it grows to the widest amount shown.
const AMOUNT_MIN: u16 = 8;
const STATUS_W: u16 = 13;
const PROVIDER_W: u16 = 9;
/// Narrowest useful "provider says" column.
const WORDS_MIN: u16 = 10;
/// Selection marker and its space.
const MARK_W: u16 = 2;
/// The masked number, whole: `+255 712 ••• 678`, or without the country code `712 ••• 678`.
const PHONE_LONG: u16 = 16;
const PHONE_SHORT: u16 = 11;

/// Which columns fit, and how wide each is. The phone (whole), the amount with its currency
/// and the status always show; then the age, the provider's words, the provider.
struct Columns {
    short_phone: bool,
    amount: u16,
    age: bool,
    provider: bool,
    words: u16,
}

impl Columns {
    fn fit(width: u16, amount: u16) -> Columns {
        let amount = amount.max(AMOUNT_MIN);
        let short_phone = width < 70;
        let phone = if short_phone { PHONE_SHORT } else { PHONE_LONG };
        // Marker, phone, amount, status and the spaces between them.
        let base = MARK_W + phone + amount + STATUS_W + 2;
        let mut left = width.saturating_sub(base);
        let age = left > AGE_W;
        if age {
            left -= AGE_W + 1;
        }
        let provider = left >= WORDS_MIN + 1 + PROVIDER_W + 1 + 6;
        if provider {
            left -= PROVIDER_W + 1;
        }
        let words = if left > WORDS_MIN { left - 1 } else { 0 };
        Columns {
            short_phone,
            amount,
            age,
            provider,
            words,
        }
    }

    fn widths(&self) -> Vec<Constraint> {
        let mut w = Vec::new();
        if self.age {
            w.push(Constraint::Length(AGE_W));
        }
        w.push(Constraint::Length(if self.short_phone {
            PHONE_SHORT
        } else {
            PHONE_LONG
        }));
        w.push(Constraint::Length(self.amount));
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
    let (finished, failed) = app.finished();
    let title = s::pending_title(app.lang, app.waiting(), app.needing_you(), finished, failed);
    let block = Block::new().borders(Borders::TOP).title(Line::from(vec![
        Span::styled(title, theme.title(focused)),
        Span::raw(" "),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if app.rows.is_empty() {
        let hint = Paragraph::new(Span::styled(s::no_payments(app.lang), theme.hint()))
            .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(hint, inner);
        return;
    }
    // Only the rows that show are built (a busy till or server holds a thousand): the window
    // of the list that keeps the selected row in view.
    let room = usize::from(inner.height.saturating_sub(1)).max(1);
    let selected = app
        .selected
        .and_then(|sel| app.rows.keys().rev().position(|i| *i == sel));
    let start = match selected {
        Some(pos) if focused && pos >= room => pos + 1 - room,
        _ => 0,
    };
    let shown: Vec<&Payment> = app.rows.values().rev().skip(start).take(room).collect();
    let widest = shown
        .iter()
        .map(|p| p.amount.to_string().chars().count())
        .max()
        .unwrap_or(0);
    let cols = Columns::fit(inner.width, widest as u16);
    let mut head = Vec::new();
    if cols.age {
        head.push(s::col_age(app.lang));
    }
    head.extend([s::col_phone(app.lang), s::col_amount(app.lang)]);
    if cols.provider {
        head.push(s::col_provider(app.lang));
    }
    head.push(s::col_status(app.lang));
    if cols.words > 0 {
        head.push(s::col_words(app.lang));
    }
    // Payments of several operators (a supervisor's screen): each says who pushed it.
    let mixed = shown
        .iter()
        .map(|p| p.operator.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        > 1;
    let rows = shown.iter().map(|p| row(app, p, &cols, theme, mixed));
    let table = Table::new(rows, cols.widths())
        .header(
            Row::new(head.into_iter().enumerate().map(|(i, h)| {
                let line = Line::from(h);
                // Age and amount are numbers: their headings sit right, over the digits.
                let amount_at = if cols.age { 2 } else { 1 };
                Cell::from(if (cols.age && i == 0) || i == amount_at {
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
    let in_window = selected.map(|pos| pos.saturating_sub(start));
    let mut state = TableState::default().with_selected(if focused { in_window } else { None });
    frame.render_stateful_widget(table, inner, &mut state);
}

fn row<'a>(app: &App, p: &'a Payment, cols: &Columns, theme: &Theme, by: bool) -> Row<'a> {
    let phone = if cols.short_phone {
        p.masked_phone_short()
    } else {
        p.masked_phone()
    };
    let mut cells = Vec::new();
    if cols.age {
        cells.push(Cell::from(
            Line::from(age(app.age(p))).alignment(Alignment::Right),
        ));
    }
    cells.push(Cell::from(phone));
    cells.push(Cell::from(
        Line::from(p.amount.to_string()).alignment(Alignment::Right),
    ));
    if cols.provider {
        cells.push(Cell::from(p.provider.label()));
    }
    cells.push(Cell::from(Span::styled(
        payment_status(app, p),
        theme.status(p.status),
    )));
    if cols.words > 0 {
        let words = payment_words(app, p);
        let words = if by {
            format!("{} · {words}", p.operator)
        } else {
            words
        };
        cells.push(Cell::from(ellipsis(&words, usize::from(cols.words))));
    }
    Row::new(cells)
}
