//! Small helpers to answer in each provider's envelope.

use crate::provider_kind::ProviderKind;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

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

/// ClickPesa's documented error envelope: `{"message": "..."}`.
pub fn clickpesa_error(status: StatusCode, message: &str) -> Refusal {
    Refusal {
        status,
        body: json!({ "message": message }),
    }
}

/// ClickPesa's framework-level 400 (field types, checksum):
/// `{"statusCode":400,"message":[...],"error":"Bad Request"}`.
pub fn clickpesa_bad_request(messages: Vec<String>) -> Refusal {
    Refusal {
        status: StatusCode::BAD_REQUEST,
        body: json!({ "statusCode": 400, "message": messages, "error": "Bad Request" }),
    }
}

/// The same envelope with a single string `message` (how the framework reports bad JSON).
pub fn clickpesa_bad_json() -> Refusal {
    Refusal {
        status: StatusCode::BAD_REQUEST,
        body: json!({ "statusCode": 400, "message": "Unexpected token in JSON body", "error": "Bad Request" }),
    }
}

/// Cepta's error envelope: `{"status": false, "message": "..."}`.
pub fn cepta_error(status: StatusCode, message: &str) -> Refusal {
    Refusal {
        status,
        body: json!({ "status": false, "message": message }),
    }
}

/// Cepta's validation failure, with an extra `errors` object (field → messages).
pub fn cepta_invalid(errors: Value) -> Refusal {
    Refusal {
        status: StatusCode::BAD_REQUEST,
        body: json!({
            "status": false,
            "message": "One or more validation errors occurred",
            "errors": errors,
        }),
    }
}

/// Which provider a request path belongs to; `None` for `/sim/*` and unknown paths.
pub fn provider_of_path(path: &str) -> Option<ProviderKind> {
    if path.starts_with("/third-parties/") {
        Some(ProviderKind::ClickPesa)
    } else if path.starts_with("/api/") {
        Some(ProviderKind::Cepta)
    } else {
        None
    }
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
