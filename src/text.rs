//! Text that reaches a screen from outside (a provider's words, a customer's name, a flag):
//! printable characters only, so nothing can move the cursor, change colours or clear the
//! terminal of the person reading it.

/// `text` without control characters (escape sequences lose their ESC and cannot act), and
/// with runs of whitespace made single spaces.
pub fn printable(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .collect();
    kept.split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Characters that change how the text after them is shown (bidirectional overrides) or
/// take no room (zero-width), which a person could not see on screen.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// The ASCII form of a character typed or pasted in another script's width or digits:
/// full-width forms (`０７１２`, `＋`, `（`, `－`, the ideographic space) and Arabic-Indic
/// digits (`٠٧١٢`, `۰۷۱۲`). Anything else is as it was.
pub fn ascii(c: char) -> char {
    let code = u32::from(c);
    let shifted = match code {
        0xFF01..=0xFF5E => code - 0xFEE0,
        0x3000 => u32::from(' '),
        0x0660..=0x0669 => code - 0x0660 + u32::from('0'),
        0x06F0..=0x06F9 => code - 0x06F0 + u32::from('0'),
        _ => code,
    };
    char::from_u32(shifted).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_controls_go() {
        assert_eq!(printable("Rehema\u{1b}[2J Mushi\r\n"), "Rehema[2J Mushi");
        assert_eq!(printable("  a\tb  "), "a b");
        assert_eq!(printable("x\u{202E}y"), "xy");
    }
}
