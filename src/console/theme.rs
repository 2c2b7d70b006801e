//! Styles. Colour only repeats what text, symbols and modifiers already say, so the console
//! reads the same with `NO_COLOR`, on a VT100 (no colour) and on 8-colour terminals (only the
//! 8 standard colours are used). Without colour no cell gets a colour at all: crossterm drops bold and reverse on
//! coloured cells when `NO_COLOR` is set.

use super::app::NoticeKind;
use crate::payment::Status;
use ratatui::style::{Color, Modifier, Style};

/// Whether a terminal called `term` (its `TERM`) shows colours. A VT100-family or dumb
/// terminal gets none — bold, underline and reverse only, as with `NO_COLOR` — and every other
/// one only the 8 standard colours (SGR 30–37 and 40–47), which `ansi` and `linux` have too:
/// never a bright, 256-colour or true-colour code.
pub fn term_has_colour(term: &str) -> bool {
    let t = term.trim().to_ascii_lowercase();
    let plain = t.is_empty() || t == "dumb" || (t.starts_with("vt") && !t.contains("color"));
    !plain
}

/// Marks the selected row and the focused field, with or without colour.
pub const MARKER: &str = "▸";

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(no_color: bool) -> Theme {
        Theme { color: !no_color }
    }

    fn paint(&self, style: Style, fg: Color) -> Style {
        if self.color { style.fg(fg) } else { style }
    }

    fn on(&self, style: Style, fg: Color, bg: Color) -> Style {
        if self.color {
            style.fg(fg).bg(bg)
        } else {
            style.add_modifier(Modifier::REVERSED)
        }
    }

    pub fn bold(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    /// The provider the next payment goes to.
    pub fn provider(&self) -> Style {
        self.on(self.bold(), Color::Black, Color::Cyan)
    }

    /// The shared ledger out of reach: nothing can be sent. (`Gray` is SGR 37, the standard
    /// white; `White` would be the bright 97 an 8-colour terminal does not have.)
    pub fn alarm(&self) -> Style {
        self.on(self.bold(), Color::Gray, Color::Red)
    }

    /// DEMO — no real money.
    pub fn banner(&self) -> Style {
        self.on(self.bold(), Color::Black, Color::Yellow)
    }

    pub fn title(&self, focused: bool) -> Style {
        let s = self.bold();
        if focused {
            self.paint(s.add_modifier(Modifier::UNDERLINED), Color::Cyan)
        } else {
            s
        }
    }

    pub fn label(&self, focused: bool) -> Style {
        if focused {
            self.paint(self.bold(), Color::Cyan)
        } else {
            Style::new()
        }
    }

    /// The text area of an input field (underlined so its extent shows even when empty).
    pub fn input(&self, focused: bool) -> Style {
        let s = Style::new().add_modifier(Modifier::UNDERLINED);
        if focused {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }

    pub fn error(&self) -> Style {
        self.paint(self.bold(), Color::Red)
    }

    pub fn warning(&self) -> Style {
        self.paint(self.bold(), Color::Yellow)
    }

    pub fn good(&self) -> Style {
        self.paint(Style::new(), Color::Green)
    }

    pub fn hint(&self) -> Style {
        self.dim()
    }

    pub fn key(&self) -> Style {
        self.paint(self.bold(), Color::Cyan)
    }

    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }

    pub fn notice(&self, kind: NoticeKind) -> Style {
        match kind {
            NoticeKind::Info => Style::new(),
            NoticeKind::Good => self.paint(self.bold(), Color::Green),
            NoticeKind::Bad => self.error(),
        }
    }

    pub fn status(&self, status: Status) -> Style {
        match status {
            Status::Paid => self.paint(self.bold(), Color::Green),
            Status::Failed => self.paint(self.bold(), Color::Red),
            Status::Attention => self.paint(
                self.bold().add_modifier(Modifier::UNDERLINED),
                Color::Yellow,
            ),
            Status::Pending => self.paint(Style::new(), Color::Cyan),
            Status::Unknown => self.paint(Style::new(), Color::Magenta),
            Status::Recorded | Status::Sending => Style::new(),
        }
    }
}

/// The symbol that goes with a status word.
pub fn symbol(status: Status) -> &'static str {
    match status {
        Status::Recorded => "·",
        Status::Sending => "↑",
        Status::Pending => "◷",
        Status::Unknown => "?",
        Status::Paid => "✓",
        Status::Failed => "✗",
        Status::Attention => "!",
    }
}

/// The symbol of a notice.
pub fn notice_symbol(kind: NoticeKind) -> &'static str {
    match kind {
        NoticeKind::Info => "›",
        NoticeKind::Good => "✓",
        NoticeKind::Bad => "✗",
    }
}
