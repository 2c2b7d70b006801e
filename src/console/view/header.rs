//! The top line: where the next payment goes (provider, country, currency), and a banner: the
//! shared ledger out of reach (nothing can be sent), the journal unable to record, or DEMO.

use crate::console::app::App;
use crate::console::theme::Theme;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// `lipa  Next payment: <Provider> · Tanzania · TZS`, shortened to `lipa <Provider> · TZS`
/// when narrow: the provider and the currency always show.
fn left(app: &App, theme: &Theme, width: u16) -> Line<'static> {
    let full = Line::from(vec![
        Span::styled(format!(" {} ", s::APP_NAME), theme.bold()),
        Span::raw(" "),
        Span::styled(s::next_payment(app.lang), theme.dim()),
        Span::raw(" "),
        Span::styled(
            format!(" {} ", s::provider_line(app.provider)),
            theme.provider(),
        ),
    ]);
    if full.width() <= usize::from(width) {
        return full;
    }
    Line::from(vec![
        Span::styled(format!(" {} ", s::APP_NAME), theme.bold()),
        Span::styled(
            format!(" {} ", s::provider_short(app.provider)),
            theme.provider(),
        ),
    ])
}

fn banner(app: &App, theme: &Theme) -> Option<Line<'static>> {
    let (text, style) = if app.ledger_down.is_some() {
        (s::ledger_banner(app.lang), theme.alarm())
    } else if app.journal_down.is_some() {
        (s::journal_banner(app.lang), theme.alarm())
    } else if app.demo {
        (s::demo_banner(app.lang).to_string(), theme.banner())
    } else {
        return None;
    };
    Some(Line::from(Span::styled(format!(" {text} "), style)))
}

/// Two lines when the banner does not fit beside the provider.
pub fn height(app: &App, width: u16) -> u16 {
    let theme = Theme::new(true);
    match banner(app, &theme) {
        Some(b) if left(app, &theme, width).width() + 1 + b.width() > usize::from(width) => 2,
        _ => 1,
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let first = Rect { height: 1, ..area };
    frame.render_widget(Paragraph::new(left(app, theme, area.width)), first);
    let Some(banner) = banner(app, theme) else {
        return;
    };
    let place = if area.height > 1 {
        Rect {
            y: area.y + 1,
            height: 1,
            ..area
        }
    } else {
        first
    };
    let align = if area.height > 1 {
        Alignment::Left
    } else {
        Alignment::Right
    };
    frame.render_widget(Paragraph::new(banner).alignment(align), place);
}
