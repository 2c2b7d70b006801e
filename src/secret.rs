//! Secrets and their masking: a value that cannot be printed by accident, and URLs with their
//! passwords taken out before anyone sees them. A leaf: it imports nothing of lipa's.

use std::fmt;

/// A secret value (API key, checksum key, secret key). `Debug` prints `***`; there is no
/// `Display`: the only way to the text is [`Secret::expose`], used where the secret is sent or
/// used as a key. Read from the file as a string (a value of another type is refused without
/// being shown).
#[derive(Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// A URL with its password taken out: the one after `user:`, and any `password=` parameter.
/// Read more widely than tokio-postgres reads it, so that no password survives however it is
/// typed: the credentials run to the *last* `@` (a password may hold `@`, `?`, `/`, `#`), and
/// a secret parameter is masked wherever a `?` or `&` begins it, up to the next `&`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "(not a URL)".into();
    };
    // What no URL can hold (a space, a quote, a control): where its password begins and ends
    // cannot be told, so none of it is shown.
    let readable = |c: char| c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\' | '`');
    if !rest.chars().all(readable) || !scheme.chars().all(|c| c.is_ascii_alphanumeric()) {
        return format!(
            "{}://…",
            scheme
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
        );
    }
    let rest = match rest.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => rest.to_string(),
        },
        None => rest.to_string(),
    };
    format!("{scheme}://{}", mask_parameters(&rest))
}

/// Every `key=value` that a `?` or `&` begins, whose key may name a secret, with its value
/// (to the next `&`) masked.
fn mask_parameters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['?', '&']) {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let key_end = rest.find(['=', '&', '?']).unwrap_or(rest.len());
        if rest[key_end..].starts_with('=') && is_secret_key(&rest[..key_end]) {
            out.push_str(&rest[..=key_end]);
            out.push_str("***");
            rest = &rest[key_end + 1..];
            rest = &rest[rest.find('&').unwrap_or(rest.len())..];
        }
    }
    out.push_str(rest);
    out
}

/// A URL parameter that may hold a secret: `password`, `sslpassword`, and the same
/// percent-encoded (`pass%77ord`), in any case.
fn is_secret_key(key: &str) -> bool {
    let decoded = percent_decode(key).unwrap_or_else(|| key.to_string());
    decoded.to_ascii_lowercase().contains("pass")
}

/// A URL as a message may show it: a password in it (`https://user:PASSWORD@host`, a
/// `password=` parameter) taken out.
pub fn shown_url(value: &str) -> String {
    if value.contains("://") {
        redact(value)
    } else {
        let shown = redact(&format!("x://{value}"));
        shown.strip_prefix("x://").unwrap_or("***").to_string()
    }
}

/// Percent-decoded as tokio-postgres decodes; `None` when not UTF-8 (tokio-postgres refuses
/// the URL then).
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::redact;

    /// A tester saw `?password=` shown in full when the rest of the URL was wrong.
    #[test]
    fn no_password_survives_redaction() {
        for (url, shown) in [
            (
                "postgres://till:Sekr3t@db/lipa",
                "postgres://till:***@db/lipa",
            ),
            ("postgres://till@db/lipa", "postgres://till@db/lipa"),
            (
                "postgres://till@db/lipa?password=Sekr3t&sslmode=bogus",
                "postgres://till@db/lipa?password=***&sslmode=bogus",
            ),
            (
                "postgres://till:p@ss@db:notaport/x",
                "postgres://till:***@db:notaport/x",
            ),
            (
                "postgresql://u:Sekr3t@h/d?PASSWORD=Sekr3t",
                "postgresql://u:***@h/d?PASSWORD=***",
            ),
            (
                "postgres://u@h/d?pass%77ord=Sekr3t&port=abc",
                "postgres://u@h/d?pass%77ord=***&port=abc",
            ),
            (
                "postgres://u@h/d?sslpassword=Sekr3t",
                "postgres://u@h/d?sslpassword=***",
            ),
            // A tester's password with a `?` was shown whole.
            (
                "postgres://till:pa?ss@db/lipa",
                "postgres://till:***@db/lipa",
            ),
            (
                "postgres://till:pa?ss@db/lipa?sslmode=require",
                "postgres://till:***@db/lipa?sslmode=require",
            ),
            (
                "postgres://till:a/b#c&d@db/lipa",
                "postgres://till:***@db/lipa",
            ),
            (
                "postgres://u@h/d?password=a?b@c&port=1",
                "postgres://u@h/d?password=***&port=1",
            ),
            (
                "postgres://u@h/d?application_name=x&password=Sek?r3t",
                "postgres://u@h/d?application_name=x&password=***",
            ),
            (
                "postgres://u@h/d?p%61ssword=Sekr3t",
                "postgres://u@h/d?p%61ssword=***",
            ),
            // A tester's URL that is no URL: its words shown whole, a password among them.
            ("postgres://bad url Sekr3t", "postgres://…"),
            ("postgres://till:pa ss@db/lipa", "postgres://…"),
            ("post gres://Sekr3t", "postgres://…"),
        ] {
            assert_eq!(redact(url), shown);
        }
    }
}
