//! The session's backend: ratatui's cell diff turned into the fewest bytes that paint it.
//!
//! A field agent pays for every byte, so this writer remembers what the terminal already has
//! — where its cursor is, whether it shows, which colours and attributes are set — and sends
//! only what changes: no cursor move when the cursor is already there (typing a digit moves
//! it to the next cell by itself), no style when the style is already set, no reset after
//! each frame, nothing at all for a frame that changes nothing. A frame that changes more
//! than a few cells is wrapped in a synchronized update (shown whole or not at all); a few
//! cells are sent bare.
//!
//! Questions about the screen (its size, where the cursor is) are answered from what the
//! session knows, never by asking the process's own terminal, which may not be the screen
//! this session draws on (an SSH session) or may not exist at all (tests).

mod sgr;

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use sgr::Pen;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

/// Frames larger than this are wrapped in a synchronized update.
const SYNC_FROM: usize = 64;
const BEGIN_SYNC: &[u8] = b"\x1b[?2026h";
const END_SYNC: &[u8] = b"\x1b[?2026l";

pub struct SessionBackend<W: Write> {
    out: W,
    /// The frame being drawn, sent on flush.
    frame: Vec<u8>,
    size: Size,
    /// Where the terminal's cursor is; `None` when unknown (the next cell moves explicitly).
    at: Option<Position>,
    /// Where the app wants the cursor, and whether it should show.
    cursor: Position,
    want_visible: bool,
    /// What the terminal shows now (`None`: unknown, say it once).
    visible: Option<bool>,
    /// The terminal's current colours and attributes (`None`: unknown).
    pen: Option<Pen>,
}

impl<W: Write> SessionBackend<W> {
    pub fn new(writer: W, size: Size) -> SessionBackend<W> {
        SessionBackend {
            out: writer,
            frame: Vec::with_capacity(4096),
            size,
            at: None,
            cursor: Position::ORIGIN,
            want_visible: false,
            visible: None,
            pen: None,
        }
    }

    /// The screen changed size (a resize event): nothing about the old one is known — nor
    /// about the pen or the cursor, when the event asks for the whole screen after frames
    /// were dropped on the way to a slow client.
    pub fn set_size(&mut self, size: Size) {
        self.size = size;
        self.at = None;
        self.pen = None;
        self.visible = None;
    }

    fn move_to(&mut self, to: Position) {
        if self.at == Some(to) {
            return;
        }
        let relative = match self.at {
            Some(at) if at.y == to.y && to.x > at.x => {
                let n = to.x - at.x;
                Some(if n == 1 {
                    b"\x1b[C".to_vec()
                } else {
                    format!("\x1b[{n}C").into_bytes()
                })
            }
            Some(at) if at.x == to.x && to.y == at.y + 1 => Some(b"\x1b[B".to_vec()),
            _ => None,
        };
        let absolute = format!("\x1b[{};{}H", to.y + 1, to.x + 1).into_bytes();
        match relative {
            Some(r) if r.len() < absolute.len() => self.frame.extend_from_slice(&r),
            _ => self.frame.extend_from_slice(&absolute),
        }
        self.at = Some(to);
    }
}

impl<W: Write> Write for SessionBackend<W> {
    /// Bytes outside a frame (the bell) go straight out.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl<W: Write> Backend for SessionBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        for (x, y, cell) in content {
            self.move_to(Position::new(x, y));
            let pen = Pen::of(cell);
            if self.pen != Some(pen) {
                pen.write_change(self.pen.as_ref(), &mut self.frame);
                self.pen = Some(pen);
            }
            let symbol = cell.symbol();
            self.frame.extend_from_slice(symbol.as_bytes());
            let width = symbol.width() as u16;
            if width == 0 {
                self.at = None;
                continue;
            }
            // At the last column the cursor stays put (or wraps, by terminal): unknown.
            self.at = (x + width < self.size.width).then(|| Position::new(x + width, y));
        }
        Ok(())
    }
    fn hide_cursor(&mut self) -> io::Result<()> {
        self.want_visible = false;
        Ok(())
    }
    fn show_cursor(&mut self) -> io::Result<()> {
        self.want_visible = true;
        Ok(())
    }
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.cursor = position.into();
        Ok(())
    }
    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }
    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Erasing paints with the current background: start from the default pen.
        if self.pen != Some(Pen::default()) {
            Pen::default().write_change(self.pen.as_ref(), &mut self.frame);
            self.pen = Some(Pen::default());
        }
        // Every erase but the whole screen's starts at the cursor: put it where ratatui asked
        // (it is moved lazily), or Ctrl-L erases from wherever the last draw ended.
        if clear_type != ClearType::All {
            self.move_to(self.cursor);
        }
        let code: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.frame.extend_from_slice(code);
        if clear_type == ClearType::All {
            self.at = None;
        }
        Ok(())
    }
    fn size(&self) -> io::Result<Size> {
        Ok(self.size)
    }
    fn window_size(&mut self) -> io::Result<WindowSize> {
        Ok(WindowSize {
            columns_rows: self.size,
            pixels: Size::default(),
        })
    }
    /// The end of a frame: the cursor where the app wants it, shown or hidden, and the frame
    /// sent — whole inside a synchronized update when large, bare when small, not at all when
    /// nothing changed.
    fn flush(&mut self) -> io::Result<()> {
        if self.want_visible {
            let to = self.cursor;
            self.move_to(to);
        }
        if self.visible != Some(self.want_visible) {
            let code: &[u8] = if self.want_visible {
                b"\x1b[?25h"
            } else {
                b"\x1b[?25l"
            };
            self.frame.extend_from_slice(code);
            self.visible = Some(self.want_visible);
        }
        if self.frame.is_empty() {
            return Ok(());
        }
        let sync = self.frame.len() > SYNC_FROM;
        if sync {
            self.out.write_all(BEGIN_SYNC)?;
        }
        self.out.write_all(&self.frame)?;
        if sync {
            self.out.write_all(END_SYNC)?;
        }
        self.frame.clear();
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Modifier, Style};

    fn cell(symbol: &'static str, style: Style) -> Cell {
        let mut c = Cell::new(symbol);
        c.set_style(style);
        c
    }

    #[test]
    fn a_typed_digit_costs_the_digit() {
        let mut b = SessionBackend::new(Vec::new(), Size::new(80, 24));
        let plain = cell("0", Style::new());
        b.draw([(12, 2, &plain)].into_iter()).expect("draw");
        b.show_cursor().expect("show");
        b.set_cursor_position((13, 2)).expect("cursor");
        Backend::flush(&mut b).expect("flush");
        let first = b.out.len();
        let next = cell("7", Style::new());
        b.draw([(13, 2, &next)].into_iter()).expect("draw");
        b.set_cursor_position((14, 2)).expect("cursor");
        Backend::flush(&mut b).expect("flush");
        assert_eq!(
            &b.out[first..],
            b"7",
            "no move, no style, no cursor command"
        );
        Backend::flush(&mut b).expect("flush");
        assert_eq!(b.out.len(), first + 1, "an empty frame sends nothing");
    }

    #[test]
    fn an_erase_starts_where_the_cursor_was_put() {
        // Ctrl-L: ratatui homes the cursor, then erases after it. The erase must follow the
        // move, or the top of a garbled screen survives (seen over tmux).
        let mut b = SessionBackend::new(Vec::new(), Size::new(80, 24));
        let c = cell("x", Style::new());
        b.draw([(40, 12, &c)].into_iter()).expect("draw");
        b.set_cursor_position((0, 0)).expect("cursor");
        b.clear_region(ClearType::AfterCursor).expect("clear");
        Backend::flush(&mut b).expect("flush");
        let text = String::from_utf8_lossy(&b.out).to_string();
        let home = text.find("\x1b[1;1H").expect("a move home");
        let erase = text.find("\x1b[J").expect("an erase");
        assert!(home < erase, "erased before moving home: {text:?}");
    }

    #[test]
    fn styles_are_said_once_and_changed_minimally() {
        let mut b = SessionBackend::new(Vec::new(), Size::new(80, 24));
        let bold = Style::new().add_modifier(Modifier::BOLD).fg(Color::Green);
        let cells = [cell("a", bold), cell("b", bold), cell("c", Style::new())];
        b.draw(cells.iter().enumerate().map(|(i, c)| (i as u16, 0, c)))
            .expect("draw");
        Backend::flush(&mut b).expect("flush");
        let text = String::from_utf8_lossy(&b.out).to_string();
        assert_eq!(text.matches("1;32m").count(), 1, "{text:?}");
        assert!(text.contains("ab\x1b[0mc"), "{text:?}");
    }
}
