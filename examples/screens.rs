//! Draws the console as the README shows it: one scene (a form being filled, three payments:
//! waiting, paid, failed), through the console's own `update` and `view`, into SVG files in
//! `assets/`, in Kiswahili and English. Run: `cargo run --example screens`.

use chrono::{Duration, FixedOffset, TimeZone, Utc};
use lipa::console::action::Action;
use lipa::console::app::{App, AppConfig};
use lipa::console::update::update;
use lipa::console::view;
use lipa::payment::Status;
use lipa::provider::ProviderKind;
use lipa::reference::Reference;
use lipa::strings::{Lang, Msg};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Color, Modifier};

const W: u16 = 80;
const H: u16 = 24;

fn scene(lang: Lang) -> App {
    let now = Utc
        .with_ymd_and_hms(2026, 12, 2, 9, 30, 0)
        .single()
        .unwrap_or_default();
    let mut app = App::new(AppConfig {
        providers: vec![ProviderKind::ClickPesa, ProviderKind::Cepta],
        provider: None,
        demo: true,
        bell: false,
        no_color: false,
        now,
        offset: FixedOffset::east_opt(3 * 3600).expect("UTC+3"),
        operator: "rehema".into(),
        lang,
    });
    update(
        &mut app,
        Action::ReferenceReady {
            provider: ProviderKind::ClickPesa,
            reference: Reference::from_stored("LP7K3MQ9XR4TZ".into()),
        },
    );
    let rows = [
        (1, "255754000001", 15_000, Status::Paid, Msg::Paid, 95),
        (
            2,
            "255712345676",
            2_500,
            Status::Failed,
            Msg::CustomerCancelled,
            61,
        ),
        (
            3,
            "255684000003",
            48_000,
            Status::Pending,
            Msg::PromptSent,
            12,
        ),
    ];
    for (id, phone, amount, status, message, secs) in rows {
        let mut p = lipa::strings::engine::sample_payment();
        p.id = id;
        p.reference = Reference::from_stored(format!("LP7K3MQ9XR4T{id}"));
        p.phone = phone.into();
        p.amount = lipa::money::Money::from_minor(amount * 100, lipa::money::Currency::Tzs);
        p.status = status;
        p.message = message;
        p.checked = false;
        p.created_at = now - Duration::seconds(secs);
        p.sent_at = Some(p.created_at);
        p.updated_at = now;
        update(&mut app, Action::PaymentChanged(p));
    }
    for c in "0712 345 678".chars() {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        update(&mut app, Action::Key(key));
    }
    app
}

fn colour(c: Color, fallback: &str) -> String {
    match c {
        Color::Reset => fallback.into(),
        Color::Black => "#1c1c1c".into(),
        Color::Red | Color::LightRed => "#e06c75".into(),
        Color::Green | Color::LightGreen => "#98c379".into(),
        Color::Yellow | Color::LightYellow => "#e5c07b".into(),
        Color::Blue | Color::LightBlue => "#61afef".into(),
        Color::Magenta | Color::LightMagenta => "#c678dd".into(),
        Color::Cyan | Color::LightCyan => "#56b6c2".into(),
        Color::Gray | Color::White => "#dcdfe4".into(),
        Color::DarkGray => "#7f848e".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        _ => fallback.into(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One `<tspan>` per run of cells with the same style; backgrounds as rectangles.
fn svg(buffer: &Buffer) -> String {
    let (cw, ch) = (8.4_f32, 17.0_f32);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" \
         font-family=\"DejaVu Sans Mono, Menlo, monospace\" font-size=\"14\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#282c34\"/>\n",
        f32::from(W) * cw,
        f32::from(H) * ch
    );
    for y in 0..H {
        for x in 0..W {
            let cell = &buffer[(x, y)];
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let bg = if reversed { cell.fg } else { cell.bg };
            if bg != Color::Reset {
                out.push_str(&format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{cw}\" height=\"{ch}\" fill=\"{}\"/>\n",
                    f32::from(x) * cw,
                    f32::from(y) * ch,
                    colour(bg, "#dcdfe4")
                ));
            }
        }
        let mut line = format!(
            "<text y=\"{:.1}\" xml:space=\"preserve\">",
            f32::from(y) * ch + 13.0
        );
        for x in 0..W {
            let cell = &buffer[(x, y)];
            if cell.symbol() == " " {
                continue;
            }
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let fg = if reversed {
                colour(cell.bg, "#282c34")
            } else {
                colour(cell.fg, "#dcdfe4")
            };
            let bold = if cell.modifier.contains(Modifier::BOLD) {
                " font-weight=\"bold\""
            } else {
                ""
            };
            line.push_str(&format!(
                "<tspan x=\"{:.1}\" fill=\"{fg}\"{bold}>{}</tspan>",
                f32::from(x) * cw,
                escape(cell.symbol())
            ));
        }
        line.push_str("</text>\n");
        out.push_str(&line);
    }
    out.push_str("</svg>\n");
    out
}

fn main() -> anyhow::Result<()> {
    for (lang, file) in [
        (Lang::Sw, "assets/console-sw.svg"),
        (Lang::En, "assets/console-en.svg"),
    ] {
        let app = scene(lang);
        let mut terminal = Terminal::new(TestBackend::new(W, H))?;
        terminal.draw(|f| view::draw(f, &app))?;
        std::fs::write(file, svg(terminal.backend().buffer()))?;
        println!("wrote {file}");
    }
    Ok(())
}
