//! Fault injection for chaos tests: seeded, per-mille chances, applied to provider endpoints
//! only (never to `/sim/*`).
//!
//! Where each fault strikes:
//! - **429** and **HTML 5xx** answer *instead of* the request: nothing was done.
//! - **drop after create** lets an initiate call create the push, then breaks the connection
//!   instead of answering: the outcome is unknown to the client.
//! - **truncate** cuts a successful JSON answer in half (the request did take effect).
//! - **slow** delays the answer after the work is done (a client timeout means unknown).
//! - **reverse** is drawn when a paying push is created: paid, then reversed later.
//! - **clock offset** shifts the simulator's clock (the `Date` header, timestamps and the
//!   Cepta `X-Access-Ts` check), as if one side's clock were wrong.

use super::state::Sim;
use super::wire;
use crate::provider::ProviderKind;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;

/// Faults to inject. Chances are per mille (0 = never, 1000 = always) and drawn from a random
/// source seeded with `seed`, so a failing chaos run can be replayed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    pub seed: u64,
    /// Answer after an extra `slow_by`.
    pub slow_per_mille: u16,
    pub slow_by: Duration,
    /// 502 with an nginx HTML page; the request is not processed.
    pub html_5xx_per_mille: u16,
    /// 429 with `Retry-After: retry_after_secs`; the request is not processed.
    pub too_many_per_mille: u16,
    pub retry_after_secs: u32,
    /// An initiate call creates the push, then the connection is dropped.
    pub drop_after_create_per_mille: u16,
    /// A successful answer is cut in half (invalid JSON).
    pub truncate_per_mille: u16,
    /// A paying customer's payment is reversed `reverse_after` after being paid.
    pub reverse_per_mille: u16,
    pub reverse_after: Duration,
    /// Seconds added to the simulator's clock (negative: behind).
    pub clock_offset_secs: i64,
}

impl Faults {
    /// Every transport fault at the same chance, with short delays suited to tests:
    /// slow by 1.5 s, `Retry-After: 1`, reversals 1 s after payment. Clock untouched.
    pub fn chaos(seed: u64, per_mille: u16) -> Faults {
        Faults {
            seed,
            slow_per_mille: per_mille,
            slow_by: Duration::from_millis(1500),
            html_5xx_per_mille: per_mille,
            too_many_per_mille: per_mille,
            retry_after_secs: 1,
            drop_after_create_per_mille: per_mille,
            truncate_per_mille: per_mille,
            reverse_per_mille: per_mille,
            reverse_after: Duration::from_secs(1),
            clock_offset_secs: 0,
        }
    }
}

/// The middleware that injects transport faults around provider handlers.
pub(super) async fn inject(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let Some(provider) = wire::provider_of_path(&path) else {
        return next.run(request).await;
    };
    let faults = sim.faults();
    if sim.roll(faults.too_many_per_mille) {
        count(&sim, "too-many-requests");
        return too_many(provider, faults.retry_after_secs);
    }
    if sim.roll(faults.html_5xx_per_mille) {
        count(&sim, "html-5xx");
        return bad_gateway();
    }
    let creates = path.ends_with("/initiate-ussd-push-request") || path.ends_with("/ussd-charge");
    let mut response = next.run(request).await;
    if response.status().is_success() {
        if creates && sim.roll(faults.drop_after_create_per_mille) {
            count(&sim, "drop-after-create");
            return dropped(response);
        }
        if sim.roll(faults.truncate_per_mille) {
            count(&sim, "truncate");
            response = truncated(response).await;
        }
    }
    if sim.roll(faults.slow_per_mille) {
        count(&sim, "slow");
        tokio::time::sleep(faults.slow_by).await;
    }
    response
}

fn count(sim: &Sim, kind: &str) {
    tracing::debug!(fault = kind, "simulator injects a fault");
    sim.bump(|s| *s.faults.entry(kind.to_string()).or_insert(0) += 1);
}

fn too_many(provider: ProviderKind, retry_after: u32) -> Response {
    let mut response = match provider {
        ProviderKind::ClickPesa => wire::json(
            StatusCode::TOO_MANY_REQUESTS,
            serde_json::json!({"statusCode": 429, "message": "ThrottlerException: Too Many Requests"}),
        ),
        ProviderKind::Cepta => {
            wire::cepta_error(StatusCode::TOO_MANY_REQUESTS, "Too many requests").into_response()
        }
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    response
}

fn bad_gateway() -> Response {
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/html")],
        "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
         <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n\
         </body>\r\n</html>\r\n",
    )
        .into_response()
}

/// Same status and headers, but the body fails before its first byte: hyper aborts the
/// connection, so the client never reads an answer.
fn dropped(response: Response) -> Response {
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("simulated dropped connection"))
    });
    Response::from_parts(parts, Body::from_stream(failing))
}

async fn truncated(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes.slice(..bytes.len() / 2)))
}
