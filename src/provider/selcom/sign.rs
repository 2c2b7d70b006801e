//! Selcom's request signature (providers.md): `Authorization: SELCOM base64(api_key)`, and a
//! `Digest` that is base64 of HMAC-SHA256, keyed with the API secret, of
//! `timestamp=<Timestamp>&f1=v1&f2=v2…` over the `Signed-Fields` in their order: every field
//! of a JSON body, or every query parameter of a GET. Values are written as plain text
//! (`str(value)`): an amount goes as an integer, never a float.

use base64::Engine as _;
use chrono::{DateTime, FixedOffset, Offset, Utc};

/// One signed field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Whole(i64),
}

impl Value {
    /// As it is signed: the text, or the integer's digits.
    pub fn plain(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Whole(n) => n.to_string(),
        }
    }

    /// As it goes in a JSON body.
    fn json(&self) -> String {
        match self {
            Value::Text(t) => serde_json::Value::String(t.clone()).to_string(),
            Value::Whole(n) => n.to_string(),
        }
    }
}

/// Fields in the order they are signed (and sent).
pub type Fields = Vec<(&'static str, Value)>;

/// East Africa Time (UTC+3): the offset lipa writes its timestamps in.
fn eat() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600).unwrap_or_else(|| Utc.fix())
}

/// `2026-12-05T22:04:05+03:00`: the `Timestamp` header, exactly as signed.
pub fn timestamp(now: DateTime<Utc>) -> String {
    now.with_timezone(&eat())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `SELCOM base64(api_key)`.
pub fn authorization(api_key: &str) -> String {
    format!(
        "SELCOM {}",
        base64::engine::general_purpose::STANDARD.encode(api_key)
    )
}

/// `vendor,order_id,…`.
pub fn signed_fields(fields: &[(&str, Value)]) -> String {
    fields
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(",")
}

/// What is signed: `timestamp=<ts>&name=value…`.
pub fn message(timestamp: &str, fields: &[(&str, Value)]) -> String {
    let mut m = format!("timestamp={timestamp}");
    for (name, value) in fields {
        m.push('&');
        m.push_str(name);
        m.push('=');
        m.push_str(&value.plain());
    }
    m
}

/// The `Digest` header: base64 of HMAC-SHA256 of [`message`], keyed with the API secret.
pub fn digest(api_secret: &str, timestamp: &str, fields: &[(&str, Value)]) -> String {
    use hmac::{Hmac, Mac};
    let key = api_secret.as_bytes();
    // HMAC takes keys of any length, so this never fails; an empty-key MAC keeps it total.
    let mut mac = match <Hmac<sha2::Sha256> as Mac>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => <Hmac<sha2::Sha256> as hmac::digest::KeyInit>::new(&Default::default()),
    };
    mac.update(message(timestamp, fields).as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// A JSON object of the fields, in their order.
pub fn body(fields: &[(&str, Value)]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|(name, value)| {
            format!(
                "{}:{}",
                serde_json::Value::String((*name).to_string()),
                value.json()
            )
        })
        .collect();
    format!("{{{}}}", parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timestamp_is_east_africa_time_with_its_offset() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-05T19:04:05Z")
            .map(|t| t.with_timezone(&Utc))
            .expect("time");
        assert_eq!(timestamp(at), "2026-12-05T22:04:05+03:00");
    }
}
