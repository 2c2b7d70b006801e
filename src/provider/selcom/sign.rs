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

/// Checks a signed request or callback: `Authorization` names `api_key`, `Timestamp` is
/// within `slack_secs` of `now`, `Signed-Fields` are exactly `fields`' names, and `Digest` is
/// theirs under `api_secret`. `Err`: Selcom's own words for what is wrong.
pub fn check(
    headers: &reqwest::header::HeaderMap,
    fields: &[(String, Value)],
    api_key: &str,
    api_secret: &str,
    now: DateTime<Utc>,
    slack_secs: i64,
) -> Result<(), &'static str> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header(reqwest::header::AUTHORIZATION.as_str()) != Some(authorization(api_key).as_str()) {
        return Err("Invalid authorization");
    }
    if header("Digest-Method") != Some("HS256") {
        return Err("Invalid digest method");
    }
    let ts = header("Timestamp").unwrap_or_default();
    let fresh = chrono::DateTime::parse_from_rfc3339(ts)
        .is_ok_and(|t| (t.timestamp() - now.timestamp()).abs() <= slack_secs);
    if !fresh {
        return Err("Invalid or expired timestamp");
    }
    let named: Vec<&str> = header("Signed-Fields")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    let mut sorted = named.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let mut given: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
    given.sort_unstable();
    if sorted.len() != named.len() || sorted != given {
        return Err("Signed-Fields do not match the request");
    }
    let signed: Vec<(&str, Value)> = named
        .iter()
        .filter_map(|n| {
            fields
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| (*n, v.clone()))
        })
        .collect();
    if header("Digest") != Some(digest(api_secret, ts, &signed).as_str()) {
        return Err("Invalid digest");
    }
    Ok(())
}

/// A JSON object's fields as signed: strings as they are, integers as digits; `Err` names
/// the first field that is neither (a float, `8000.0`, is never signed).
pub fn fields_of(
    map: &serde_json::Map<String, serde_json::Value>,
) -> Result<Vec<(String, Value)>, String> {
    let mut fields = Vec::new();
    for (k, v) in map {
        let value = match v {
            serde_json::Value::String(t) => Value::Text(t.clone()),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Whole(i),
                None => return Err(format!("{k} must be an integer")),
            },
            _ => return Err(format!("Invalid {k}")),
        };
        fields.push((k.clone(), value));
    }
    Ok(fields)
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
