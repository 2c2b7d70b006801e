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
            s::duplicate_title(app.lang),
            // The payment as it stands now, not as it was when the question opened: it may
            // have been paid meanwhile (a tester saw "answer lost, checking" beside a paid row).
            duplicate_lines(app, new, app.find(existing.id).unwrap_or(existing), theme),
        ),
        Confirm::Switch(to) => (
            s::switch_title(app.lang),
            vec![Line::raw(s::switch_question(app.lang, app.provider, *to))],
        ),
        Confirm::NoWallet(new) => (
            s::no_wallet_title(app.lang),
            vec![
                Line::from(Span::styled(
                    format!("{}  {}", new.phone.masked(), new.amount),
                    theme.bold(),
                )),
                Line::raw(s::no_wallet_question(app.lang)),
            ],
        ),
        Confirm::MarkChecked { id, note } => {
            let who = app
                .find(*id)
                .map(|p| format!("{}  {}", p.masked_phone(), p.amount))
                .unwrap_or_default();
            (
                s::check_title(app.lang),
                vec![
                    Line::from(Span::styled(who, theme.bold())),
                    Line::raw(s::check_question(app.lang)),
                    Line::from(vec![
                        Span::raw(s::note_label(app.lang)),
                        Span::styled(format!("{note}▏"), theme.input(true)),
                    ]),
                ],
            )
        }
        Confirm::SendAgain(p) => (
            s::send_again_title(app.lang),
            vec![
                Line::from(Span::styled(
                    format!("{}  {}", p.masked_phone(), p.amount),
                    theme.bold(),
                )),
                Line::raw(s::send_again_question(app.lang)),
            ],
        ),
        Confirm::CloseDay { day, unfinished } => (
            s::close_title(app.lang),
            vec![Line::raw(s::close_question(
                app.lang,
                &s::date(app.lang, *day),
                *unfinished,
            ))],
        ),
        Confirm::Quit(n) => (
            s::quit_title(app.lang),
            vec![Line::raw(match app.served {
                true => s::quit_question_served(app.lang, *n),
                false => s::quit_question(app.lang, *n),
            })],
        ),
    };
    lines.push(Line::raw(""));
    let (yes, no) = match c {
        Confirm::MarkChecked { .. } => (
            (s::KEY_ENTER, s::do_mark_checked(app.lang)),
            (s::KEY_ESC, s::do_no(app.lang)),
        ),
        _ => (
            (s::key_yes(app.lang), s::do_yes(app.lang)),
            (s::key_no(app.lang), s::do_no(app.lang)),
        ),
    };
    lines.push(Line::from(vec![
        Span::styled(yes.0, theme.key()),
        Span::raw(format!(" {}   ", yes.1)),
        Span::styled(no.0, theme.key()),
        Span::raw(format!(" {}", no.1)),
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

/// The duplicate question's lines: the new payment, then what the earlier one is now.
fn duplicate_lines(
    app: &App,
    new: &crate::payment::NewPayment,
    existing: &crate::payment::Payment,
    theme: &Theme,
) -> Vec<Line<'static>> {
    vec![
        Line::from(Span::styled(
            format!("{}  {}", new.phone.masked(), new.amount),
            theme.bold(),
        )),
        Line::raw(s::duplicate_question(
            app.lang,
            &s::ago(app.lang, (app.now - existing.created_at).num_seconds()),
            &payment_status(app, existing),
            existing.reference.as_str(),
            // "(✓ paid, …). Paid." says it twice: the words only when they add to it.
            &match existing.words() {
                crate::msg::Msg::Paid | crate::msg::Msg::PromptSent => String::new(),
                w => w.text(app.lang),
            },
        )),
    ]
}
