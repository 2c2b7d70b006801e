//! CSV as RFC 4180 writes it: every field quoted (a quote doubled inside), CRLF after every
//! record, UTF-8. A text cell that a spreadsheet would read as a formula (starting with `=`,
//! `+`, `-`, `@`, a tab or CR: OWASP's rule) gets a leading `'`, since names and messages come
//! from providers and customers.

/// A field whose text came from outside: guarded against formulas, then quoted.
pub fn text(value: &str) -> String {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let guarded = if risky {
        format!("'{value}")
    } else {
        value.to_string()
    };
    quoted(&guarded)
}

/// A field lipa wrote itself (a number, a time, a status): quoted as it is.
pub fn plain(value: &str) -> String {
    quoted(value)
}

fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
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
        for risky in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(text(risky).starts_with("\"'"), "{risky:?}");
        }
        assert_eq!(plain("-"), "\"-\"");
        assert_eq!(text("a,b\r\nc"), "\"a,b\r\nc\"");
        assert_eq!(record(&[plain("a"), plain("b")]), "\"a\",\"b\"\r\n");
    }
}
