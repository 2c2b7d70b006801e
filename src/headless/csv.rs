//! CSV as RFC 4180 writes it: every field quoted (a quote doubled inside), CRLF after every
//! record, UTF-8. A text cell that a spreadsheet would read as a formula (starting with `=`,
//! `+`, `-`, `@`, a tab or CR: OWASP's rule) gets a leading `'`, since names and messages come
//! from providers and customers. A text cell that a spreadsheet would turn into a number, a
//! date or a truth value (a reference `000123` or `1E10`, a phone `255712345670`, a channel
//! `63902`: leading zeros lost, digits rounded) is written `="000123"`: a formula whose only
//! content is that text, which Excel, LibreOffice Calc and Google Sheets show as the text
//! itself, and which runs nothing.

/// A field whose text came from outside: kept text, guarded against formulas, then quoted.
pub fn text(value: &str) -> String {
    if reads_as_number(value) {
        // Only digits, signs, separators and `e`: nothing a quote could break out of.
        return format!("\"=\"\"{value}\"\"\"");
    }
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    quoted_after(if risky { "'" } else { "" }, value)
}

/// Whether a spreadsheet opening the file would take `value` for a number, a date, a time, a
/// percentage or a truth value rather than text: only digits, signs, separators, `e` and
/// spaces, with a digit among them; or TRUE / FALSE.
fn reads_as_number(value: &str) -> bool {
    let v = value.trim();
    let numeric = v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes()
            .all(|b| b.is_ascii_digit() || b"+-.,/:% eE".contains(&b));
    numeric || v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
}

/// A field lipa wrote itself (a number, a time, a status): quoted as it is.
pub fn plain(value: &str) -> String {
    quoted(value)
}

fn quoted(value: &str) -> String {
    quoted_after("", value)
}

/// `lead` then `value` in quotes, a quote doubled inside: one allocation (an export writes
/// twenty-two of these a payment).
fn quoted_after(lead: &str, value: &str) -> String {
    let mut out = String::with_capacity(lead.len() + value.len() + 2);
    out.push('"');
    out.push_str(lead);
    for (i, part) in value.split('"').enumerate() {
        if i > 0 {
            out.push_str("\"\"");
        }
        out.push_str(part);
    }
    out.push('"');
    out
}

/// One record: the fields joined by commas, ended by CRLF.
pub fn record(fields: &[String]) -> String {
    let mut line = fields.join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_quoted_quotes_doubled_formulas_defused() {
        assert_eq!(text("Amina \"Mama\" Juma"), "\"Amina \"\"Mama\"\" Juma\"");
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for risky in ["+A1", "-A1+1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(text(risky).starts_with("\"'"), "{risky:?}");
        }
        assert_eq!(plain("-"), "\"-\"");
        assert_eq!(text("a,b\r\nc"), "\"a,b\r\nc\"");
        assert_eq!(record(&[plain("a"), plain("b")]), "\"a\",\"b\"\r\n");
    }

    /// What a spreadsheet would turn into a number (or a date) stays text; what it would not
    /// is written as it is.
    #[test]
    fn numbers_that_are_not_numbers_stay_text() {
        for (value, cell) in [
            ("000123", "\"=\"\"000123\"\"\""),
            ("1E10", "\"=\"\"1E10\"\"\""),
            ("255712345670", "\"=\"\"255712345670\"\"\""),
            ("63902", "\"=\"\"63902\"\"\""),
            ("+255712345670", "\"=\"\"+255712345670\"\"\""),
            ("-5", "\"=\"\"-5\"\"\""),
            ("2026-01-05", "\"=\"\"2026-01-05\"\"\""),
            ("TRUE", "\"=\"\"TRUE\"\"\""),
        ] {
            assert_eq!(text(value), cell, "{value}");
        }
        for value in ["LP7K3MQ9XR4TZ", "CPX7F3K9QW2", "Amina", "", "e", "-"] {
            assert!(!text(value).starts_with("\"="), "{value}");
        }
        assert_eq!(text("-"), "\"'-\"");
    }
}
