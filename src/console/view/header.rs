//! The top line: where the next payment goes (provider, country, currency), and the DEMO banner.

use crate::console::app::App;
use crate::console::theme::Theme;
use crate::strings::console as s;
use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// `lipa  Next payment: ClickPesa · Tanzania · TZS`, shortened to `lipa ClickPesa · TZS`
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

fn banner(app: &App, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(
        format!(" {} ", s::demo_banner(app.lang)),
        theme.banner(),
    ))
}

/// Two lines when the banner does not fit beside the provider.
pub fn height(app: &App, width: u16) -> u16 {
    let theme = Theme::new(true);
    let need = left(app, &theme, width).width() + 1 + banner(app, &theme).width();
    if app.demo && need > usize::from(width) {
        2
    } else {
        1
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let first = Rect { height: 1, ..area };
    frame.render_widget(Paragraph::new(left(app, theme, area.width)), first);
    if !app.demo {
        return;
    }
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
    frame.render_widget(Paragraph::new(banner(app, theme)).alignment(align), place);
}
