//! Small helpers every provider's simulator answers with (each writes its own envelopes).

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::Sha256;

/// A JSON answer.
pub fn json<T: Serialize>(status: StatusCode, body: T) -> Response {
    (status, axum::Json(body)).into_response()
}

/// A refusal: an error status and its JSON body. Small (unlike `Response`), so handlers can
/// return `Result<_, Refusal>` and use `?`.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    body: Value,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        json(self.status, self.body)
    }
}

impl Refusal {
    /// An error status and the provider's JSON body for it.
    pub fn new(status: StatusCode, body: Value) -> Refusal {
        Refusal { status, body }
    }
}

/// A fresh HMAC-SHA256 keyed with `key` (any length is valid for HMAC; the fallback is never
/// taken but keeps this total without `unwrap`).
pub fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()))
}

/// The answer with `Retry-After: <secs>` (a 429).
pub fn with_retry_after(mut response: Response, secs: u32) -> Response {
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}

/// Whether the request says its body is JSON.
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// `2025-01-31T08:15:00.123Z`.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An HTTP date (`Fri, 31 Jan 2025 08:15:00 GMT`) for the `Date` header.
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// A JSON number written exactly as `text` (already validated as a plain decimal).
pub fn number(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_string()).unwrap_or_else(|_| RawValue::NULL.to_owned())
}

/// The whole-and-two-decimals text of an amount in minor units with `decimals` decimals:
/// `1000` TZS → `1000.00`, `10050` KES cents → `100.50`.
pub fn two_decimals(minor: i64, decimals: u32) -> String {
    let cents = match decimals {
        0 => minor.saturating_mul(100),
        _ => minor,
    };
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// Another subscriber's number of the same country and length (the other-phone fault).
pub fn other_phone(phone: &str) -> String {
    let (head, tail) = phone.split_at(phone.len().saturating_sub(4));
    let flipped: String = tail
        .bytes()
        .map(|b| {
            if b.is_ascii_digit() {
                (b'0' + (b - b'0' + 5) % 10) as char
            } else {
                b as char
            }
        })
        .collect();
    format!("{head}{flipped}")
}
