//! A provider stub that answers with the secrets it knows and the headers it was sent, so the
//! clients' redaction is what keeps them out of error messages.
//!
//! Paths: `/{token status}/{call status}/{pad}/third-parties/...` (ClickPesa) and
//! `/{unused}/{call status}/{pad}/api/v1/...` (Cepta). The ClickPesa token endpoint answers
//! `{token status}` (200 issues [`STUB_TOKEN`]); every other call answers `{call status}`,
//! where a trailing `c` (e.g. `400c`) starts the message with "Invalid checksum". The message is
//! `pad` x's, then what the provider knows (API key and checksum key, or Cepta's secret key),
//! then the `Authorization` header, then every header and the body; a 3xx puts the same text
//! in `Location`. [`offsets`] says where each secret starts, to place one across the point
//! where the clients cut long messages.

use crate::scan::{CE_SECRET_KEY, CP_API_KEY, CP_CHECKSUM_KEY, STUB_TOKEN};
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// Where each secret starts in a ClickPesa message with no pad and no checksum prefix:
/// (API key, checksum key, bearer token).
pub fn offsets() -> (usize, usize, usize) {
    let sum = CP_API_KEY.len() + 1;
    let token = sum + CP_CHECKSUM_KEY.len() + 1 + "Bearer ".len();
    (0, sum, token)
}

/// Length of the prefix a `c` status adds.
pub const CHECKSUM_PREFIX: usize = "Invalid checksum ".len();

pub async fn start() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind stub");
    let addr = listener.local_addr().expect("stub addr");
    let app = axum::Router::new().fallback(answer);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

async fn answer(uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let parts: Vec<&str> = uri.path().trim_start_matches('/').splitn(4, '/').collect();
    let [token_status, call_status, pad, rest] = parts[..] else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let clickpesa = rest.starts_with("third-parties");
    if clickpesa && rest.ends_with("generate-token") && token_status == "200" {
        return axum::Json(json!({ "success": true, "token": format!("Bearer {STUB_TOKEN}") }))
            .into_response();
    }
    let wanted = if clickpesa && rest.ends_with("generate-token") {
        token_status
    } else {
        call_status
    };
    let checksum = wanted.ends_with('c');
    let status = wanted
        .trim_end_matches('c')
        .parse::<u16>()
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut text = String::new();
    if checksum {
        text.push_str("Invalid checksum ");
    }
    text.push_str(&"x".repeat(pad.parse().unwrap_or(0)));
    let known: &[&str] = if clickpesa {
        &[CP_API_KEY, CP_CHECKSUM_KEY]
    } else {
        &[CE_SECRET_KEY]
    };
    text.push_str(&known.join(" "));
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    text.push_str(&format!(" {}", auth.unwrap_or("-")));
    for (name, value) in &headers {
        text.push_str(&format!(" {name}: {}", value.to_str().unwrap_or("?")));
    }
    text.push_str(&format!(" body: {}", String::from_utf8_lossy(&body)));
    let envelope = json!({ "statusCode": status.as_u16(), "message": text, "error": text });
    let mut response = (status, axum::Json(envelope)).into_response();
    if status.is_redirection() {
        let location = format!("http://elsewhere.invalid/?said={}", text.replace(' ', "+"));
        if let Ok(v) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, v);
        }
    }
    response
}
