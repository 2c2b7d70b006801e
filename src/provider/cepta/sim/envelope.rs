//! Cepta's error envelopes.

use crate::sim::wire::Refusal;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// The error envelope: `{"status": false, "message": "..."}`.
pub fn error(status: StatusCode, message: &str) -> Refusal {
    Refusal::new(status, json!({ "status": false, "message": message }))
}

/// A validation failure, with an extra `errors` object (field → messages).
pub fn invalid(errors: Value) -> Refusal {
    Refusal::new(
        StatusCode::BAD_REQUEST,
        json!({
            "status": false,
            "message": "One or more validation errors occurred",
            "errors": errors,
        }),
    )
}

/// Its throttle answer (the caller adds `Retry-After`).
pub fn too_many() -> Response {
    error(StatusCode::TOO_MANY_REQUESTS, "Too many requests").into_response()
}
