//! The pending pane: one row per live payment, those that need a person first, then newest
//! first; paid and failed ones stay until cleared. Rows that do not fit are said, never hidden
//! silently.

use crate::console::app::{App, Focus, Screen};
use crate::console::theme::{MARKER, Theme};
use crate::console::view::{age_of, ellipsis, payment_status, payment_words};
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
/// Narrowest status that still says something beside its symbol (`! need…`).
const STATUS_MIN: u16 = 7;
const PROVIDER_W: u16 = crate::provider::spec::SHORT_MAX as u16;
/// Widest "by" column (an operator's name, cut with an ellipsis past it).
const BY_MAX: u16 = 10;
/// Narrowest useful "provider says" column.
const WORDS_MIN: u16 = 10;
/// Selection marker and its space.
const MARK_W: u16 = 2;
/// The masked number, whole: `+255 712 ••• 678`; without the country code `712 ••• 678`; at
/// the narrowest, its last digits only: `••• 678`. Its last digits are never cut.
const PHONE_LONG: u16 = 16;
const PHONE_SHORT: u16 = 11;
const PHONE_TINY: u16 = 7;

/// Which columns fit, and how wide each is. The phone's last digits, the amount with its
/// currency and the status symbol always show; then who pushed it (when several operators'
/// payments show: the README promises it a column of its own), the status word, the age, the
/// provider (one operator's list only) and the provider's words.
struct Columns {
    phone: u16,
    amount: u16,
    status: u16,
    age: bool,
    /// Who pushed each payment (several operators' payments are shown), or 0.
    by: u16,
    provider: bool,
    words: u16,
}

impl Columns {
    fn fit(width: u16, amount: u16, by: u16) -> Columns {
        let amount = amount.max(AMOUNT_MIN);
        let mut phone = if width < 70 { PHONE_SHORT } else { PHONE_LONG };
        // Marker, phone, amount, status and the spaces between them.
        let room = |phone: u16| width.saturating_sub(MARK_W + phone + amount + 2);
        if room(phone) < STATUS_MIN {
            phone = PHONE_TINY;
        }
        let mut left = room(phone);
        // Several operators' payments: who pushed each comes before everything but the
        // shortest status (a side-by-side list on a wide screen lost it to the words).
        let by = if by > 0 && left > STATUS_MIN + by {
            left -= by + 1;
            by
        } else {
            0
        };
        let status = left.clamp(1, STATUS_W);
        left = left.saturating_sub(status);
        let age = left > AGE_W;
        if age {
            left -= AGE_W + 1;
        }
        // One operator's list: the provider, when it leaves room for the words.
        let provider = by == 0 && left >= WORDS_MIN + 1 + PROVIDER_W + 1 + 6;
        if provider {
            left -= PROVIDER_W + 1;
        }
        let words = if left > WORDS_MIN { left - 1 } else { 0 };
        Columns {
            phone,
            amount,
            status,
            age,
            by,
            provider,
            words,
        }
    }

    fn widths(&self) -> Vec<Constraint> {
        let mut w = Vec::new();
        if self.age {
            w.push(Constraint::Length(AGE_W));
        }
        w.push(Constraint::Length(self.phone));
        w.push(Constraint::Length(self.amount));
        if self.by > 0 {
            w.push(Constraint::Length(self.by));
        }
        if self.provider {
            w.push(Constraint::Length(PROVIDER_W));
        }
        w.push(Constraint::Length(self.status));
        if self.words > 0 {
            w.push(Constraint::Fill(1));
        }
        w
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let focused = app.focus == Focus::List && app.screen == Screen::Main;
    let (finished, failed) = app.finished();
    let counts = (app.waiting(), app.needing_you(), finished, failed);
    let title = s::pending_title_fit(app.lang, counts, usize::from(area.width.saturating_sub(1)));
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
    // of the list that keeps the selected row in view. Rows that do not fit are said on the
    // last line; on a short screen the column names give way to them.
    let total = app.rows.len();
    let lines = usize::from(inner.height).max(1);
    let (header, room, overflow) = if total < lines {
        (true, total, false)
    } else if total == lines {
        (false, total, false)
    } else if lines >= 4 {
        (true, lines - 2, true)
    } else if lines >= 2 {
        (false, lines - 1, true)
    } else {
        (false, 1, false)
    };
    let selected = app
        .selected
        .and_then(|sel| app.ordered().position(|i| i == sel));
    let start = match selected {
        Some(pos) if focused && pos >= room => pos + 1 - room,
        _ => 0,
    };
    let shown: Vec<&Payment> = app
        .ordered()
        .skip(start)
        .take(room)
        .filter_map(|id| app.rows.get(&id).map(|p| &**p))
        .collect();
    let widest = shown
        .iter()
        .map(|p| p.amount.to_string().chars().count())
        .max()
        .unwrap_or(0);
    // Payments of several operators (a supervisor's screen, a chain's till): each says who
    // pushed it, in a column of its own.
    let operators = shown
        .iter()
        .map(|p| p.operator.as_str())
        .collect::<std::collections::BTreeSet<_>>();
    let by = if operators.len() > 1 {
        let widest = operators.iter().map(|o| o.chars().count()).max();
        let label = s::col_by(app.lang).chars().count();
        (widest.unwrap_or(0).max(label) as u16).min(BY_MAX)
    } else {
        0
    };
    let cols = Columns::fit(inner.width, widest as u16, by);
    let rows = shown.iter().map(|p| row(app, p, &cols, theme));
    let mut table = Table::new(rows, cols.widths())
        .column_spacing(1)
        .highlight_symbol(format!("{MARKER} "))
        .highlight_spacing(HighlightSpacing::Always)
        .row_highlight_style(if focused {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        });
    if header {
        table = table.header(heading(app, &cols).style(theme.dim()));
    }
    let in_window = selected.map(|pos| pos.saturating_sub(start));
    let mut state = TableState::default().with_selected(if focused { in_window } else { None });
    let body_h = (room + usize::from(header)).min(lines) as u16;
    let table_area = Rect::new(inner.x, inner.y, inner.width, body_h);
    frame.render_stateful_widget(table, table_area, &mut state);
    let below = total.saturating_sub(start + shown.len());
    if overflow && inner.height > body_h {
        let more = Line::from(Span::styled(
            format!("  {}", s::more_rows(app.lang, start, below)),
            theme.dim(),
        ));
        let line = Rect::new(inner.x, inner.y + body_h, inner.width, 1);
        frame.render_widget(Paragraph::new(more), line);
    }
}

/// The column names, numbers' over their digits.
fn heading(app: &App, cols: &Columns) -> Row<'static> {
    let right = |t: &'static str| Cell::from(Line::from(t).alignment(Alignment::Right));
    let mut head = Vec::new();
    if cols.age {
        head.push(right(s::col_age(app.lang)));
    }
    head.push(Cell::from(s::col_phone(app.lang)));
    head.push(right(s::col_amount(app.lang)));
    if cols.by > 0 {
        head.push(Cell::from(s::col_by(app.lang)));
    }
    if cols.provider {
        head.push(Cell::from(s::col_provider(app.lang)));
    }
    head.push(Cell::from(ellipsis(
        s::col_status(app.lang),
        usize::from(cols.status),
    )));
    if cols.words > 0 {
        head.push(Cell::from(ellipsis(
            s::col_words(app.lang),
            usize::from(cols.words),
        )));
    }
    Row::new(head)
}

fn row<'a>(app: &App, p: &'a Payment, cols: &Columns, theme: &Theme) -> Row<'a> {
    let phone = match cols.phone {
        PHONE_LONG => p.masked_phone(),
        PHONE_SHORT => p.masked_phone_short(),
        _ => last_digits(&p.masked_phone()),
    };
    let mut cells = Vec::new();
    if cols.age {
        cells.push(Cell::from(
            Line::from(age_of(app, p)).alignment(Alignment::Right),
        ));
    }
    cells.push(Cell::from(phone));
    cells.push(Cell::from(
        Line::from(p.amount.to_string()).alignment(Alignment::Right),
    ));
    if cols.by > 0 {
        cells.push(Cell::from(ellipsis(&p.operator, usize::from(cols.by))));
    }
    if cols.provider {
        cells.push(Cell::from(p.provider.short()));
    }
    let status = payment_status(app, p);
    let status = match usize::from(cols.status) {
        w if w < 3 => status.chars().take(1).collect(),
        w => ellipsis(&status, w),
    };
    cells.push(Cell::from(Span::styled(status, theme.status(p.status))));
    if cols.words > 0 {
        let words = payment_words(app, p);
        cells.push(Cell::from(ellipsis(&words, usize::from(cols.words))));
    }
    Row::new(cells)
}

/// `+255 712 ••• 678` → `••• 678`.
fn last_digits(masked: &str) -> String {
    match masked.find('•') {
        Some(i) => masked[i..].to_string(),
        None => masked.to_string(),
    }
}
