//! The middleware that injects the transport faults ([`super::Faults`]) around provider
//! handlers: what strikes instead of a request, after it, or in its answer. Never `/sim/*`.

use super::faults::FaultKind;
use super::simulator::{Served, Simulator};
use super::state::Sim;
use super::wire;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub(super) async fn inject(State(served): State<Served>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let Some(provider) = served.of_path(&path) else {
        return next.run(request).await;
    };
    let sim: &Arc<Sim> = &served.sim;
    let faults = sim.faults();
    if sim.roll(faults.too_many_per_mille) {
        count(sim, FaultKind::TooManyRequests);
        return too_many(provider, faults.retry_after_secs);
    }
    if sim.roll(faults.html_5xx_per_mille) {
        count(sim, FaultKind::Html5xx);
        let status = [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::BAD_GATEWAY,
            StatusCode::SERVICE_UNAVAILABLE,
        ][sim.pick(3)];
        return html_page(status);
    }
    if provider.uses_tokens()
        && faults.revoke_tokens_per_mille > 0
        && bearer(&request).is_some_and(|token| sim.token_used(token))
        && sim.roll(faults.revoke_tokens_per_mille)
    {
        count(sim, FaultKind::RevokeTokens);
        sim.revoke_tokens();
    }
    let creates = provider.creates(&path);
    let mut response = next.run(request).await;
    if response.status().is_success() {
        if creates && sim.roll(faults.drop_after_create_per_mille) {
            count(sim, FaultKind::DropAfterCreate);
            return dropped(response);
        }
        if sim.roll(faults.truncate_per_mille) {
            count(sim, FaultKind::Truncate);
            response = rewritten(response, |b| b.slice(..b.len() / 2)).await;
        } else if sim.roll(faults.malformed_per_mille) {
            count(sim, FaultKind::Malformed);
            response = rewritten(response, garbled).await;
        }
    }
    if sim.roll(faults.slow_per_mille) {
        count(sim, FaultKind::Slow);
        tokio::time::sleep(faults.slow_by).await;
    }
    response
}

/// The bearer token a request carries, without `Bearer `.
fn bearer(request: &Request) -> Option<&str> {
    request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

fn count(sim: &Sim, kind: FaultKind) {
    sim.count_fault(kind);
}

/// A provider's 429 with `Retry-After`.
fn too_many(provider: &dyn Simulator, retry_after: u32) -> Response {
    wire::with_retry_after(provider.too_many(), retry_after)
}

/// An nginx error page, as a gateway in front of the API answers when the API is down.
fn html_page(status: StatusCode) -> Response {
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n\
         <center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n\
         </body>\r\n</html>\r\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html")], page).into_response()
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

/// The JSON with single quotes for double ones (`{'status':true}`): what a careless proxy or
/// a Python `repr` makes of it.
fn garbled(body: Bytes) -> Bytes {
    let swapped: Vec<u8> = body
        .iter()
        .map(|&b| if b == b'"' { b'\'' } else { b })
        .collect();
    Bytes::from(swapped)
}

/// Same status and headers, the body read whole and passed through `change`.
async fn rewritten(response: Response, change: impl FnOnce(Bytes) -> Bytes) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(change(bytes)))
}
