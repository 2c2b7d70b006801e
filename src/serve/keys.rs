//! The bytes an SSH client's terminal sends, as the key and paste events the console reads:
//! text (UTF-8), control keys, the escape sequences of xterm and its kin (arrows, Home/End,
//! Delete, Page keys, F-keys, Shift-Tab, modifiers), bracketed paste, and the Esc/Alt
//! ambiguity: an Esc at the end of what arrived may be the start of a sequence still on its way,
//! so it is held until more bytes come or the caller's short wait ends ([`Decoder::flush`]).

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// The longest paste kept (a paste is a phone number or a reference, not a file).
const PASTE_MAX: usize = 64 * 1024;
/// The longest escape sequence waited for; anything longer is noise and dropped.
const SEQUENCE_MAX: usize = 32;

const ESC: u8 = 0x1b;
const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";

/// Turns a terminal's byte stream into events, across reads split anywhere.
#[derive(Debug, Default)]
pub struct Decoder {
    /// Bytes not yet a whole key.
    pending: Vec<u8>,
    /// Inside a bracketed paste: the text so far.
    paste: Option<Vec<u8>>,
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// The events in these bytes (and in any held back from before). Bytes are consumed by
    /// moving along them and dropped once at the end: a packet of 32 KiB of keys costs as
    /// much as its keys, not their square.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            let rest = &self.pending[at..];
            if let Some(text) = self.paste.as_mut() {
                match find(rest, PASTE_END) {
                    Some(end) => {
                        let room = PASTE_MAX.saturating_sub(text.len());
                        text.extend_from_slice(&rest[..end.min(room)]);
                        at += end + PASTE_END.len();
                        let text = self.paste.take().unwrap_or_default();
                        out.push(Event::Paste(pasted(&text)));
                        continue;
                    }
                    None => {
                        // Keep a possible start of the end marker; the rest is text.
                        let keep = partial_suffix(rest, PASTE_END);
                        let take = rest.len() - keep;
                        let room = PASTE_MAX.saturating_sub(text.len());
                        text.extend_from_slice(&rest[..take.min(room)]);
                        at += take;
                        break;
                    }
                }
            }
            match next(rest) {
                Step::Key(used, ev) => {
                    at += used;
                    out.extend(ev);
                }
                Step::PasteStart => {
                    at += PASTE_START.len();
                    self.paste = Some(Vec::new());
                }
                Step::More => break,
            }
        }
        self.pending.drain(..at);
        out
    }

    /// Whether bytes are held back waiting for the rest of a sequence (the caller waits a
    /// moment for more, then calls [`Decoder::flush`]).
    pub fn waiting(&self) -> bool {
        !self.pending.is_empty() && self.paste.is_none()
    }

    /// No more bytes came in time: what is held back is what it looks like (a lone Esc is
    /// Esc; Esc and `[` is Alt-`[`; a broken sequence is dropped).
    pub fn flush(&mut self) -> Vec<Event> {
        if self.paste.is_some() {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.pending);
        match held.as_slice() {
            [ESC] => vec![key(KeyCode::Esc, KeyModifiers::NONE)],
            [ESC, c] if c.is_ascii_graphic() => {
                vec![key(KeyCode::Char(*c as char), KeyModifiers::ALT)]
            }
            [ESC, ESC] => vec![key(KeyCode::Esc, KeyModifiers::NONE); 2],
            _ => Vec::new(),
        }
    }
}

enum Step {
    /// So many bytes made this event (or nothing worth an event).
    Key(usize, Option<Event>),
    PasteStart,
    /// A sequence has begun and is not whole yet (or nothing is left).
    More,
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

fn next(b: &[u8]) -> Step {
    let Some(&first) = b.first() else {
        return Step::More;
    };
    let plain = KeyModifiers::NONE;
    match first {
        ESC => escape(b),
        b'\r' => {
            // A terminal sends CR for Enter; some send CR LF: one Enter.
            let used = if b.get(1) == Some(&b'\n') { 2 } else { 1 };
            Step::Key(used, Some(key(KeyCode::Enter, plain)))
        }
        b'\n' => Step::Key(1, Some(key(KeyCode::Enter, plain))),
        b'\t' => Step::Key(1, Some(key(KeyCode::Tab, plain))),
        0x7f | 0x08 => Step::Key(1, Some(key(KeyCode::Backspace, plain))),
        0x00 => Step::Key(1, None),
        0x01..=0x1a => {
            let c = (first - 1 + b'a') as char;
            Step::Key(1, Some(key(KeyCode::Char(c), KeyModifiers::CONTROL)))
        }
        0x1c..=0x1f => Step::Key(1, None),
        _ => utf8(b),
    }
}

/// One character of UTF-8 text; an invalid byte is skipped.
fn utf8(b: &[u8]) -> Step {
    let len = match b[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Step::Key(1, None),
    };
    if b.len() < len {
        return Step::More;
    }
    match std::str::from_utf8(&b[..len])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => Step::Key(len, Some(key(KeyCode::Char(c), KeyModifiers::NONE))),
        None => Step::Key(1, None),
    }
}

fn escape(b: &[u8]) -> Step {
    match b.get(1) {
        None => Step::More,
        Some(b'[') => csi(b),
        Some(b'O') => ss3(b),
        // Esc Esc: the first is an Esc of its own.
        Some(&ESC) => Step::Key(1, Some(key(KeyCode::Esc, KeyModifiers::NONE))),
        // Esc then a key: that key with Alt (as every terminal sends Alt).
        Some(_) => match next(&b[1..]) {
            Step::Key(used, Some(Event::Key(mut k))) => {
                k.modifiers |= KeyModifiers::ALT;
                Step::Key(used + 1, Some(Event::Key(k)))
            }
            Step::Key(used, other) => Step::Key(used + 1, other),
            Step::More => Step::More,
            Step::PasteStart => Step::Key(1, None),
        },
    }
}

/// `Esc O x`: arrows, Home/End and F1–F4 in the terminal's application mode.
fn ss3(b: &[u8]) -> Step {
    let Some(&c) = b.get(2) else {
        return Step::More;
    };
    let code = match c {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'M' => KeyCode::Enter,
        b'P'..=b'S' => KeyCode::F(c - b'P' + 1),
        _ => return Step::Key(3, None),
    };
    Step::Key(3, Some(key(code, KeyModifiers::NONE)))
}

/// `Esc [ params final`.
fn csi(b: &[u8]) -> Step {
    let body = &b[2..];
    let Some(end) = body.iter().position(|c| (0x40..=0x7e).contains(c)) else {
        if b.len() > SEQUENCE_MAX {
            return Step::Key(b.len(), None);
        }
        return Step::More;
    };
    let used = 2 + end + 1;
    let params: Vec<u16> = std::str::from_utf8(&body[..end])
        .unwrap_or("")
        .split(';')
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    let first = params.first().copied().unwrap_or(0);
    let mods = modifiers(params.get(1).copied());
    let code = match body[end] {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'Z' => return Step::Key(used, Some(key(KeyCode::BackTab, KeyModifiers::SHIFT))),
        b'P'..=b'S' => KeyCode::F(body[end] - b'P' + 1),
        b'~' => match first {
            200 => return Step::PasteStart,
            1 | 7 => KeyCode::Home,
            4 | 8 => KeyCode::End,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            11..=15 => KeyCode::F((first - 10) as u8),
            17..=21 => KeyCode::F((first - 11) as u8),
            23 | 24 => KeyCode::F((first - 12) as u8),
            _ => return Step::Key(used, None),
        },
        _ => return Step::Key(used, None),
    };
    Step::Key(used, Some(key(code, mods)))
}

/// xterm's modifier parameter: 1 + (Shift 1, Alt 2, Ctrl 4).
fn modifiers(param: Option<u16>) -> KeyModifiers {
    let bits = param.unwrap_or(1).saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    m
}

/// Pasted bytes as text: CR LF and CR become LF; invalid UTF-8 becomes U+FFFD.
fn pasted(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// How many bytes at the end of `hay` could begin `needle`.
fn partial_suffix(hay: &[u8], needle: &[u8]) -> usize {
    (1..needle.len().min(hay.len() + 1))
        .rev()
        .find(|&n| hay.ends_with(&needle[..n]))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> Event {
        key(code, KeyModifiers::NONE)
    }

    fn all(chunks: &[&[u8]]) -> Vec<Event> {
        let mut d = Decoder::new();
        let mut out = Vec::new();
        for c in chunks {
            out.extend(d.feed(c));
        }
        out.extend(d.flush());
        out
    }

    #[test]
    fn text_and_control_keys() {
        assert_eq!(
            all(&[b"07\x7f\r\t"]),
            vec![
                k(KeyCode::Char('0')),
                k(KeyCode::Char('7')),
                k(KeyCode::Backspace),
                k(KeyCode::Enter),
                k(KeyCode::Tab)
            ]
        );
        assert_eq!(
            all(&[b"\x03\x10"]),
            vec![
                key(KeyCode::Char('c'), KeyModifiers::CONTROL),
                key(KeyCode::Char('p'), KeyModifiers::CONTROL)
            ]
        );
        assert_eq!(all(&[b"\r\n"]), vec![k(KeyCode::Enter)]);
    }

    #[test]
    fn sequences_split_anywhere() {
        let want = vec![
            k(KeyCode::Up),
            k(KeyCode::Delete),
            key(KeyCode::BackTab, KeyModifiers::SHIFT),
            k(KeyCode::Home),
            k(KeyCode::End),
            k(KeyCode::F(1)),
            key(KeyCode::Right, KeyModifiers::CONTROL),
        ];
        let bytes: &[u8] = b"\x1b[A\x1b[3~\x1b[Z\x1b[1~\x1bOF\x1bOP\x1b[1;5C";
        assert_eq!(all(&[bytes]), want);
        for cut in 1..bytes.len() {
            assert_eq!(all(&[&bytes[..cut], &bytes[cut..]]), want, "cut at {cut}");
        }
    }

    #[test]
    fn a_lone_esc_waits_then_is_esc_and_esc_key_is_alt() {
        let mut d = Decoder::new();
        assert_eq!(d.feed(b"\x1b"), vec![]);
        assert!(d.waiting());
        assert_eq!(d.flush(), vec![k(KeyCode::Esc)]);
        assert_eq!(
            d.feed(b"\x1bx"),
            vec![key(KeyCode::Char('x'), KeyModifiers::ALT)]
        );
        assert_eq!(
            d.feed(b"\x1b\x7f"),
            vec![key(KeyCode::Backspace, KeyModifiers::ALT)]
        );
        assert_eq!(d.feed(b"\x1b\x1b[A"), vec![k(KeyCode::Esc), k(KeyCode::Up)]);
    }

    #[test]
    fn utf8_split_across_reads() {
        let s = "ñé".as_bytes();
        assert_eq!(
            all(&[&s[..1], &s[1..3], &s[3..]]),
            vec![k(KeyCode::Char('ñ')), k(KeyCode::Char('é'))]
        );
    }

    #[test]
    fn bracketed_paste_is_one_event_even_when_split() {
        let bytes: &[u8] = b"a\x1b[200~0712 345\r\n678\x1b[201~b";
        let want = vec![
            k(KeyCode::Char('a')),
            Event::Paste("0712 345\n678".into()),
            k(KeyCode::Char('b')),
        ];
        for cut in 1..bytes.len() {
            assert_eq!(all(&[&bytes[..cut], &bytes[cut..]]), want, "cut at {cut}");
        }
    }

    #[test]
    fn noise_is_dropped_not_typed() {
        assert_eq!(
            all(&[b"\x1b[999~\xff\x1b[?1;2c1"]),
            vec![k(KeyCode::Char('1'))]
        );
    }
}
