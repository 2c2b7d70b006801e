//! Colours and attributes as the terminal holds them, and the shortest SGR that changes one
//! pen into another.

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};
use std::fmt::Write as _;

/// What a cell is painted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pen {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

impl Default for Pen {
    fn default() -> Pen {
        Pen {
            fg: Color::Reset,
            bg: Color::Reset,
            modifier: Modifier::empty(),
        }
    }
}

const MODIFIERS: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

impl Pen {
    pub fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            modifier: cell.modifier,
        }
    }

    /// Appends the SGR sequence that turns `from` (unknown: `None`) into `self`.
    pub fn write_change(&self, from: Option<&Pen>, out: &mut Vec<u8>) {
        let mut codes = String::new();
        // Attributes are switched off only all at once (`0`): then every part is said again.
        let reset = match from {
            None => true,
            Some(f) => !self.modifier.contains(f.modifier),
        };
        let from = if reset {
            push(&mut codes, "0");
            Pen::default()
        } else {
            from.copied().unwrap_or_default()
        };
        for (m, code) in MODIFIERS {
            if self.modifier.contains(m) && !from.modifier.contains(m) {
                push(&mut codes, &code.to_string());
            }
        }
        if self.fg != from.fg {
            push(&mut codes, &colour(self.fg, false));
        }
        if self.bg != from.bg {
            push(&mut codes, &colour(self.bg, true));
        }
        if !codes.is_empty() {
            out.extend_from_slice(format!("\x1b[{codes}m").as_bytes());
        }
    }
}

fn push(codes: &mut String, code: &str) {
    if !codes.is_empty() {
        codes.push(';');
    }
    codes.push_str(code);
}

/// The SGR parameter of a foreground (or, `bg`, background) colour.
fn colour(c: Color, bg: bool) -> String {
    let base = |n: u8| (if bg { n + 10 } else { n }).to_string();
    match c {
        Color::Reset => base(39),
        Color::Black => base(30),
        Color::Red => base(31),
        Color::Green => base(32),
        Color::Yellow => base(33),
        Color::Blue => base(34),
        Color::Magenta => base(35),
        Color::Cyan => base(36),
        Color::Gray => base(37),
        Color::DarkGray => base(90),
        Color::LightRed => base(91),
        Color::LightGreen => base(92),
        Color::LightYellow => base(93),
        Color::LightBlue => base(94),
        Color::LightMagenta => base(95),
        Color::LightCyan => base(96),
        Color::White => base(97),
        Color::Indexed(i) => {
            let mut s = String::new();
            let _ = write!(s, "{};5;{i}", if bg { 48 } else { 38 });
            s
        }
        Color::Rgb(r, g, b) => {
            let mut s = String::new();
            let _ = write!(s, "{};2;{r};{g};{b}", if bg { 48 } else { 38 });
            s
        }
    }
}
