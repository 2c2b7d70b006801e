//! A day's report: the text `lipa report` prints (per provider and currency, per operator,
//! first and last), for today or a day before, closed days as they were closed.

use crate::console::app::App;
use crate::console::theme::Theme;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let Some(view) = app.report.as_ref() else {
        return;
    };
    let title = Line::from(vec![
        Span::styled(
            s::report_title(app.lang, &s::date(app.lang, view.day)),
            theme.title(true),
        ),
        Span::raw(" "),
    ]);
    let block = Block::new().borders(Borders::TOP).title(title);
    let body: Vec<Line> = match &view.data {
        None => vec![Line::from(s::loading(app.lang))],
        Some(Err(e)) => vec![Line::from(s::could_not_load(app.lang, &e.text(app.lang)))],
        Some(Ok(d)) => {
            let text = if app.limits.own_only {
                // An agent's report is their own payments: no till's closing speaks for it.
                let state = crate::strings::back_office::report_own(app.lang);
                crate::headless::day_report::human_as(&d.report, &d.till, state, app.lang)
            } else {
                crate::headless::day_report::human(
                    &d.report,
                    &d.till,
                    d.closing.as_ref(),
                    app.offset,
                    app.lang,
                )
            };
            let mut lines: Vec<Line> = text
                .lines()
                // The first line repeats the title's day; the till and whether it is closed stay.
                .map(|l| Line::from(l.to_string()))
                .collect();
            // As `lipa report` says it: what came after the close is in no Z report.
            if let Some((n, newest)) = &d.late {
                lines.push(Line::raw(""));
                lines.push(Line::from(Span::styled(
                    s::report_after_close(app.lang, *n, newest),
                    theme.warning(),
                )));
            }
            lines
        }
    };
    let room = area.height.saturating_sub(1);
    // Lines wrap on a narrow screen: count the rows they take.
    let w = usize::from(area.width.max(1));
    let rows: usize = body.iter().map(|l| l.width().div_ceil(w).max(1)).sum();
    let last = (rows as u16).saturating_sub(room);
    frame.render_widget(
        Paragraph::new(body)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((view.scroll.min(last), 0)),
        area,
    );
}
