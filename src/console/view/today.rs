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
        let mut lines = vec![Line::from(Span::styled(
            s::today_empty(app.lang),
            theme.hint(),
        ))];
        lines.extend(hook_lines(app, theme));
        frame.render_widget(Paragraph::new(lines).block(block), area);
        return;
    }
    let sums = today.summary.as_ref().map(from_summary).unwrap_or_default();
    let people = today
        .summary
        .as_ref()
        .map(|s| s.operators.as_slice())
        .unwrap_or_default();
    let top_h = sums.len() as u16 + 2;
    if let Some(first) = today.people {
        let [top, rest] =
            Layout::vertical([Constraint::Length(top_h), Constraint::Min(2)]).areas(area);
        let inner = block.inner(top);
        frame.render_widget(block, top);
        frame.render_widget(totals_table(app, &sums, theme, inner.width), inner);
        every_operator(frame, rest, app, people, first, theme);
        return;
    }
    let hooks_h = match today.hooks.len() {
        0 => 0,
        n => n.min(HOOK_LINES) as u16 + 1,
    };
    // Every operator's line when they fit above the payments' first rows; else at most half
    // of what is left, the last line saying how many more a key shows (a hundred operators
    // filled a supervisor's screen and left one payment row).
    let left = usize::from(area.height.saturating_sub(top_h + hooks_h));
    let (people_h, more) = match people.len() {
        n if n + usize::from(LIST_ROOM) <= left => (n, 0),
        n => {
            let room = (left / 2)
                .min(left.saturating_sub(usize::from(LIST_ROOM)))
                .max(usize::from(left > 3));
            (room, n - room.saturating_sub(1))
        }
    };
    let [top, by, kept, bottom] = Layout::vertical([
        Constraint::Length(top_h),
        Constraint::Length(people_h as u16),
        Constraint::Length(hooks_h),
        Constraint::Min(2),
    ])
    .areas(area);
    let inner = block.inner(top);
    frame.render_widget(block, top);
    frame.render_widget(totals_table(app, &sums, theme, inner.width), inner);
    let mut lines = operator_lines(app, people, theme, by.width, true);
    if more > 0 {
        lines.truncate(people_h.saturating_sub(1));
        lines.push(Line::from(Span::styled(
            s::today_more_people(app.lang, more),
            theme.hint(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), by);
    frame.render_widget(Paragraph::new(hook_lines(app, theme)), kept);
    list(frame, bottom, app, theme);
}

/// The widest name in the "By" column.
const BY_MAX: usize = 10;
/// The selection marker's columns.
const MARK_W: usize = 2;
/// The status word kept whole ("! needs you").
const STATUS_MIN: usize = 11;
/// The provider's short name.
const PROVIDER_W: usize = 9;

/// Lines kept for the payments under the totals: their title and a few rows.
const LIST_ROOM: u16 = 6;

/// Every operator's day, from line `first`, with how many are out of sight.
fn every_operator(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    people: &[crate::journal::OperatorDay],
    first: usize,
    theme: &Theme,
) {
    let block = Block::new().borders(Borders::TOP).title(Line::from(vec![
        Span::styled(s::today_people_title(app.lang), theme.bold()),
        Span::raw(" "),
    ]));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let fits = people.len() <= height;
    // A line for what is out of sight when not all fit; the last page full.
    let room = if fits {
        height
    } else {
        height.saturating_sub(1)
    };
    let first = first.min(people.len().saturating_sub(room));
    let mut lines = operator_lines(app, people, theme, inner.width, false);
    lines.truncate(first + room);
    lines.drain(..first);
    if !fits {
        let below = people.len() - first - lines.len();
        lines.push(Line::from(Span::styled(
            format!("  {}", s::more_rows(app.lang, first, below)),
            theme.dim(),
        )));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Callbacks kept for a person shown, the newest (all are in `lipa history --hooks`).
const HOOK_LINES: usize = 3;

/// Today's callbacks that named no payment: how many, and the newest few, as they came (a
/// caller's words shown printable: it may be anyone).
fn hook_lines(app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let Some(today) = app.today.as_ref() else {
        return Vec::new();
    };
    if today.hooks.is_empty() {
        return Vec::new();
    }
    // The demo's journal is not the one `lipa history` reads: no command to point at.
    let head = match app.demo {
        true => s::today_hooks_demo(app.lang, today.hooks.len()),
        false => s::today_hooks(app.lang, today.hooks.len()),
    };
    let mut lines = vec![Line::from(Span::styled(head, theme.warning()))];
    for h in today.hooks.iter().take(HOOK_LINES) {
        let time = h
            .received_at
            .with_timezone(&app.offset)
            .format("%H:%M")
            .to_string();
        let provider = crate::provider_kind::ProviderKind::from_id(&h.provider).map_or_else(
            || crate::text::printable(&h.provider),
            |k| k.label().to_string(),
        );
        let short = |t: &str| {
            crate::text::printable(t)
                .chars()
                .take(32)
                .collect::<String>()
        };
        let named = h.named.trim();
        let named = if let Some(r) = named.strip_prefix("reference ") {
            s::today_hook_reference(app.lang, &short(r))
        } else if let Some(id) = named.strip_prefix("id ") {
            s::today_hook_id(app.lang, &short(id))
        } else if named.is_empty() {
            s::today_hook_names_nothing(app.lang).to_string()
        } else {
            short(named)
        };
        let source: String = crate::text::printable(&h.source).chars().take(45).collect();
        lines.push(Line::from(Span::styled(
            s::today_hook(
                app.lang,
                &time,
                &provider,
                &source,
                &named,
                &s::today_hook_checked(app.lang, &h.checked),
            ),
            theme.hint(),
        )));
    }
    lines
}

/// One line per operator and currency: who pushed how many, and what was paid.
fn operator_lines(
    app: &App,
    people: &[crate::journal::OperatorDay],
    theme: &Theme,
    width: u16,
    labelled: bool,
) -> Vec<Line<'static>> {
    // The label column only where there is room (and not under a title that says it). On a
    // narrow screen the name gives way first, then the counts: the sum and its currency are
    // never cut.
    let label = labelled && width >= 70;
    let room = usize::from(width).saturating_sub(if label { 11 } else { 0 });
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
            let said = s::operator_day(app.lang, o.paid, o.count, &paid);
            let said_w = said.chars().count();
            let (name_w, said) = if said_w + 4 <= room {
                (room.saturating_sub(said_w + 1).clamp(3, 10), said)
            } else {
                (
                    room.saturating_sub(paid.chars().count() + 1).clamp(1, 10),
                    paid,
                )
            };
            spans.push(Span::styled(
                format!("{:<name_w$} ", super::ellipsis(&o.operator, name_w)),
                theme.bold(),
            ));
            spans.push(Span::raw(said));
            Line::from(spans)
        })
        .collect()
}

fn right(text: String) -> Cell<'static> {
    Cell::from(Line::from(text).alignment(Alignment::Right))
}

/// The totals: the count and the sum with its currency always whole; the status word as it
/// fits; the provider's name where there is room (the currency says it too).
fn totals_table(app: &App, sums: &[Total], theme: &Theme, width: u16) -> Table<'static> {
    let total_of = |t: &Total| {
        t.amount
            .map_or_else(|| s::too_large(app.lang).to_string(), |m| m.to_string())
    };
    let wide =
        |texts: &mut dyn Iterator<Item = usize>, least: usize| texts.fold(least, usize::max) as u16;
    // Roomy columns from 60 on, as they always were; tight under it.
    let roomy = width >= 60;
    let amount_w = wide(
        &mut sums.iter().map(|t| total_of(t).chars().count()),
        if roomy {
            18
        } else {
            s::col_total(app.lang).chars().count()
        },
    );
    let count_w = wide(
        &mut sums.iter().map(|t| t.count.to_string().len()),
        if roomy {
            6
        } else {
            s::col_count(app.lang).chars().count()
        },
    );
    let rest = width.saturating_sub(amount_w + count_w + 3);
    let provider_w = if rest >= 12 + 9 {
        (rest - 12).min(10)
    } else {
        0
    };
    let status_w = rest
        .saturating_sub(provider_w + u16::from(provider_w > 0))
        .clamp(1, 14);
    let mut last = None;
    let rows = sums.iter().map(|t| {
        let provider = if last == Some(t.provider) {
            ""
        } else {
            t.provider.short()
        };
        last = Some(t.provider);
        let status = t.group.status();
        let checked = t.group.checked();
        let mut cells = Vec::new();
        if provider_w > 0 {
            cells.push(Cell::from(Span::styled(provider, theme.bold())));
        }
        cells.extend([
            Cell::from(Span::styled(
                super::ellipsis(&status_text(app, status, checked), usize::from(status_w)),
                theme.status(status),
            )),
            right(t.count.to_string()),
            right(total_of(t)),
        ]);
        Row::new(cells)
    });
    let mut widths = Vec::new();
    let mut head = Vec::new();
    if provider_w > 0 {
        widths.push(Constraint::Length(provider_w));
        head.push(Cell::from(s::col_provider(app.lang)));
    }
    widths.extend([
        Constraint::Length(status_w),
        Constraint::Length(count_w),
        Constraint::Length(amount_w),
    ]);
    head.extend([
        Cell::from(s::col_status(app.lang)),
        right(s::col_count(app.lang).to_string()),
        right(s::col_total(app.lang).to_string()),
    ]);
    Table::new(rows, widths)
        .header(Row::new(head).style(theme.dim()))
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
    // The rows read that fit, with the selected one among them, and a line saying how many
    // are out of sight when not all fit (a supervisor paging ten thousand could not tell where).
    let height = usize::from(inner.height).max(1);
    let count = today.count();
    let room = match count > height {
        true => height.saturating_sub(1).max(1),
        false => height,
    };
    let at = today.cursor.saturating_sub(today.first);
    let skip = (at + 1).saturating_sub(room);
    let shown: Vec<_> = today.page.iter().skip(skip).take(room).collect();
    let above = today.first + skip;
    let below = count.saturating_sub(above + shown.len());
    let (table_area, more_area) = match above + below > 0 && inner.height > 1 {
        true => {
            let [rows, more] =
                Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
            (rows, Some(more))
        }
        false => (inner, None),
    };
    let width = usize::from(inner.width);
    // The masked number's last digits, the amount with its currency and the status word stay
    // whole: under 60 columns the country code goes, under 50 the seconds of the clock, under
    // 40 the number's first digits; who pushed it (several operators' day, in a width that does not
    // move from page to page) and the provider where room is left.
    let amount_w = shown
        .iter()
        .map(|p| p.amount.to_string().chars().count())
        .fold(
            match width {
                w if w >= 60 => 14,
                w if w >= 40 => 12,
                _ => 8,
            },
            usize::max,
        );
    let (clock_w, mut phone_w) = match width {
        w if w < 40 => (5, 7),
        w if w < 50 => (5, 11),
        w if w < 60 => (8, 11),
        _ => (8, 16),
    };
    let mut left = width.saturating_sub(MARK_W + clock_w + 1 + phone_w + 1 + amount_w + 1);
    let mut by_w = match today.several_operators() {
        true => today.summary.as_ref().map_or(0, |s| {
            s.operators
                .iter()
                .map(|o| o.operator.chars().count())
                .max()
                .unwrap_or(0)
                .min(BY_MAX)
        }),
        false => 0,
    };
    if by_w > 0 && left < by_w + 1 + STATUS_MIN && phone_w == 16 {
        phone_w = 11;
        left += 5;
    }
    match by_w > 0 && left >= by_w + 1 + STATUS_MIN {
        true => left -= by_w + 1,
        false => by_w = 0,
    }
    let wide = left >= PROVIDER_W + 1 + STATUS_MIN;
    let rows = shown.iter().map(|p| {
        let time = clock(app, p.created_at);
        let phone = match phone_w {
            16 => p.masked_phone(),
            11 => p.masked_phone_short(),
            _ => {
                let masked = p.masked_phone();
                masked
                    .find('•')
                    .map_or(masked.clone(), |i| masked[i..].to_string())
            }
        };
        let mut cells = vec![
            Cell::from(time.chars().take(clock_w).collect::<String>()),
            Cell::from(phone),
            right(p.amount.to_string()),
        ];
        if by_w > 0 {
            cells.push(Cell::from(Span::styled(
                super::ellipsis(&p.operator, by_w),
                theme.dim(),
            )));
        }
        if wide {
            cells.push(Cell::from(p.provider.short()));
        }
        cells.push(Cell::from(Span::styled(
            payment_status(app, p),
            theme.status(p.status),
        )));
        Row::new(cells)
    });
    let mut widths = vec![
        Constraint::Length(clock_w as u16),
        Constraint::Length(phone_w as u16),
        Constraint::Length(amount_w as u16),
    ];
    if by_w > 0 {
        widths.push(Constraint::Length(by_w as u16));
    }
    if wide {
        widths.push(Constraint::Length(PROVIDER_W as u16));
    }
    widths.push(Constraint::Fill(1));
    let table = Table::new(rows, widths)
        .column_spacing(1)
        .highlight_symbol(format!("{MARKER} "))
        .highlight_spacing(HighlightSpacing::Always)
        .row_highlight_style(theme.selected());
    let selected = today.has_row(today.cursor).then_some(at - skip);
    let mut state = TableState::default().with_selected(selected);
    frame.render_stateful_widget(table, table_area, &mut state);
    if let Some(more) = more_area {
        frame.render_widget(
            Paragraph::new(Span::styled(
                format!("  {}", s::more_rows(app.lang, above, below)),
                theme.dim(),
            )),
            more,
        );
    }
}
