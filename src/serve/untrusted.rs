//! What a client sends, taken as it may be: a terminal size as a screen can be, a string as it
//! may be logged. Nothing a client says is used or written as it came.

/// The widest screen a session draws: more columns than a 4K monitor shows in a small font.
pub const MAX_COLS: u16 = 400;
/// The tallest screen a session draws.
pub const MAX_ROWS: u16 = 150;

/// A size from the client as a screen can be: at least 1×1, at most [`MAX_COLS`]×[`MAX_ROWS`]
/// (a console draws in the top left of a larger terminal). Each cell costs memory on the
/// server, so a size no screen has (10000×10000 would be gigabytes) is never taken as asked.
pub fn screen(cols: u32, rows: u32) -> (u16, u16) {
    let fit = |n: u32, max: u16| u16::try_from(n).unwrap_or(u16::MAX).clamp(1, max);
    (fit(cols, MAX_COLS), fit(rows, MAX_ROWS))
}

/// The most characters of a client's string that reach the log.
const SHOWN_MAX: usize = 80;

/// A string a client sent (a user name, TERM, a subsystem, a host), as it may be logged: every
/// control, line-breaking or direction-changing character escaped (`\n`, `\u{2028}`,
/// `\u{202e}`), so that no client can write a line of its own into `lipa.log` or hide what it
/// sent; and cut at [`SHOWN_MAX`] characters.
pub fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(SHOWN_MAX)
        .flat_map(char::escape_debug)
        .collect();
    if text.chars().nth(SHOWN_MAX).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_size_is_taken_as_a_screen_can_be() {
        assert_eq!(screen(80, 24), (80, 24));
        assert_eq!(screen(10_000, 10_000), (MAX_COLS, MAX_ROWS));
        assert_eq!(screen(u32::MAX, 65_535), (MAX_COLS, MAX_ROWS));
        assert_eq!(screen(0, 0), (1, 1));
    }

    #[test]
    fn a_client_string_cannot_break_a_log_line_nor_hide_what_it_holds() {
        let forged =
            "xterm\n2026-01-01T00:00:00Z  INFO login operator=boss\r\u{2028}\u{202e}\x1b[2K";
        let s = shown(forged);
        assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        assert!(!s.contains('\u{2028}') && !s.contains('\u{202e}'), "{s:?}");
        assert!(s.starts_with("xterm\\n2026"), "{s:?}");
        assert_eq!(shown("sftp"), "sftp");
        assert_eq!(shown("Mwanaidi-Kahawa ☕"), "Mwanaidi-Kahawa ☕");
        let long = "a".repeat(10_000);
        assert_eq!(shown(&long).chars().count(), 81);
    }
}
