//! ClickPesa's error envelopes, as its framework writes them.

use crate::sim::wire::Refusal;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

/// The documented error envelope: `{"message": "..."}`.
pub fn error(status: StatusCode, message: &str) -> Refusal {
    Refusal::new(status, json!({ "message": message }))
}

/// The framework-level 400 (field types, checksum):
/// `{"statusCode":400,"message":[...],"error":"Bad Request"}`.
pub fn bad_request(messages: Vec<String>) -> Refusal {
    Refusal::new(
        StatusCode::BAD_REQUEST,
        json!({ "statusCode": 400, "message": messages, "error": "Bad Request" }),
    )
}

/// The same envelope with a single string `message` (how the framework reports bad JSON).
pub fn bad_json() -> Refusal {
    Refusal::new(
        StatusCode::BAD_REQUEST,
        json!({ "statusCode": 400, "message": "Unexpected token in JSON body", "error": "Bad Request" }),
    )
}

/// Its throttle answer (the caller adds `Retry-After`).
pub fn too_many() -> Response {
    crate::sim::wire::json(
        StatusCode::TOO_MANY_REQUESTS,
        json!({"statusCode": 429, "message": "ThrottlerException: Too Many Requests"}),
    )
}
