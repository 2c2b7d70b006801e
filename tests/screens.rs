//! The README's pictures of the console, drawn from the real binary's screen: `lipa demo` in a
//! pseudo-terminal at 80×24, a paid, a cancelled and a waiting payment and a number being typed,
//! read back through a terminal emulator and written as SVG. Every run draws them (so the test
//! proves the binary draws that screen); `LIPA_SCREENS=write cargo test --test screens` also
//! writes `assets/console-sw.svg` and `assets/console-en.svg`.

#[path = "support/pty.rs"]
mod pty;

use pty::Spawn;
use std::time::Duration;

const T: Duration = Duration::from_secs(30);

fn row<'a>(screen: &'a str, tail: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(tail))
}

/// The scene, in `lang`: returns the screen once every row says what it should.
fn scene(lang: &str, paid: &str, failed: &str, waiting: &str) -> vt100::Screen {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = Spawn::demo(dir.path(), "1")
        .env("LIPA_LANG", lang)
        .size(80, 24)
        .start();
    p.wait_for("the form", T, |t| {
        t.contains("lipa") && t.lines().count() > 10
    });
    for (phone, amount) in [
        ("0754000010", "15000"),
        ("0712345676", "2500"),
        ("0784000018", "48000"),
    ] {
        p.send(format!("{phone}\t{amount}\r"));
        p.wait_for("the row", T, |t| row(t, &phone[7..]).is_some());
    }
    p.wait_for("settled", T, |t| {
        row(t, "010").is_some_and(|r| r.contains(paid))
            && row(t, "676").is_some_and(|r| r.contains(failed))
            && row(t, "018").is_some_and(|r| r.contains(waiting))
    });
    p.send("0712 345 678");
    p.wait_for("typed", T, |t| t.contains("0712 345 678"));
    // Let the wallet check's line settle under the phone.
    std::thread::sleep(Duration::from_millis(900));
    p.screen()
}

fn colour(c: vt100::Color, fallback: &str) -> String {
    const ANSI: [&str; 16] = [
        "#1c1c1c", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#dcdfe4",
        "#7f848e", "#e06c75", "#98c379", "#e5c07b", "#61afef", "#c678dd", "#56b6c2", "#ffffff",
    ];
    match c {
        vt100::Color::Default => fallback.into(),
        vt100::Color::Idx(i) => ANSI.get(usize::from(i)).copied().unwrap_or(fallback).into(),
        vt100::Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn svg(screen: &vt100::Screen) -> String {
    let (rows, cols) = screen.size();
    let (cw, ch) = (8.4_f32, 17.0_f32);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" \
         font-family=\"DejaVu Sans Mono, Menlo, monospace\" font-size=\"14\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#282c34\"/>\n",
        f32::from(cols) * cw,
        f32::from(rows) * ch
    );
    for y in 0..rows {
        let mut text = format!(
            "<text y=\"{:.1}\" xml:space=\"preserve\">",
            f32::from(y) * ch + 13.0
        );
        for x in 0..cols {
            let Some(cell) = screen.cell(y, x) else {
                continue;
            };
            let (fg, bg) = if cell.inverse() {
                (
                    colour(cell.bgcolor(), "#282c34"),
                    colour(cell.fgcolor(), "#dcdfe4"),
                )
            } else {
                (
                    colour(cell.fgcolor(), "#dcdfe4"),
                    colour(cell.bgcolor(), ""),
                )
            };
            if !bg.is_empty() {
                out.push_str(&format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{cw}\" height=\"{ch}\" fill=\"{bg}\"/>\n",
                    f32::from(x) * cw,
                    f32::from(y) * ch
                ));
            }
            let symbol = cell.contents();
            if symbol.trim().is_empty() {
                continue;
            }
            let bold = if cell.bold() {
                " font-weight=\"bold\""
            } else {
                ""
            };
            text.push_str(&format!(
                "<tspan x=\"{:.1}\" fill=\"{fg}\"{bold}>{}</tspan>",
                f32::from(x) * cw,
                escape(symbol)
            ));
        }
        text.push_str("</text>\n");
        out.push_str(&text);
    }
    out.push_str("</svg>\n");
    out
}

#[test]
fn the_readme_pictures_come_from_the_real_binary() {
    for (lang, file, paid, failed, waiting, title) in [
        (
            "sw",
            "assets/console-sw.svg",
            "imelipwa",
            "imeshindwa",
            "inasubiri",
            "Malipo mapya",
        ),
        (
            "en",
            "assets/console-en.svg",
            "paid",
            "failed",
            "waiting",
            "New payment",
        ),
    ] {
        let screen = scene(lang, paid, failed, waiting);
        assert!(screen.contents().contains(title), "{}", screen.contents());
        let picture = svg(&screen);
        assert!(picture.matches("<tspan").count() > 400, "an empty picture");
        if std::env::var("LIPA_SCREENS").is_ok_and(|v| v == "write") {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            std::fs::write(&path, picture).expect("write the picture");
            eprintln!("wrote {}", path.display());
        }
    }
}
