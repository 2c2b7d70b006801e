//! The router: both providers, the `/sim/*` control endpoints, and the middleware every answer
//! goes through (counters, `Date` header, faults).

use super::state::Sim;
use super::{cepta, clickpesa, control, inject, wire};
use crate::provider_kind::ProviderKind;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::sync::Arc;

pub(super) fn router(sim: Arc<Sim>) -> Router {
    Router::new()
        .merge(clickpesa::routes())
        .merge(cepta::routes())
        .route("/sim/ledger", get(ledger))
        .route("/sim/stats", get(stats))
        .route("/sim/revoke-tokens", post(revoke_tokens))
        .route("/sim/faults", get(control::show).post(control::replace))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(sim.clone(), inject::inject))
        .layer(middleware::from_fn_with_state(sim.clone(), observe))
        .with_state(sim)
}

/// Counts requests and answers, and stamps the `Date` header with the simulator's clock
/// (which the clock-offset fault may shift: clients use it to explain clock skew).
async fn observe(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let provider = wire::provider_of_path(&path);
    if provider.is_some() {
        let key = format!("{} {}", request.method(), route_of(&path));
        sim.bump(|s| *s.requests.entry(key).or_insert(0) += 1);
    }
    // In flight until answered, or until the client gives up on it (the future is dropped).
    let _asking = provider
        .zip(asked_about(&request))
        .map(|(provider, reference)| Asking::begin(&sim, provider, reference));
    let mut response = next.run(request).await;
    if let Some(provider) = provider {
        let status = response.status();
        sim.bump(|s| {
            *s.responses.entry(status.as_u16()).or_insert(0) += 1;
            if status == StatusCode::UNAUTHORIZED {
                s.unauthorized += 1;
                match provider {
                    ProviderKind::ClickPesa => s.clickpesa_unauthorized += 1,
                    ProviderKind::Cepta => s.cepta_unauthorized += 1,
                }
            }
        });
    }
    if let Ok(date) = HeaderValue::from_str(&wire::http_date(sim.now_utc())) {
        response.headers_mut().insert(header::DATE, date);
    }
    response
}

/// A status query in flight.
struct Asking {
    sim: Arc<Sim>,
    provider: ProviderKind,
    reference: String,
}

impl Asking {
    fn begin(sim: &Arc<Sim>, provider: ProviderKind, reference: String) -> Asking {
        sim.query_begins(provider, &reference);
        Asking {
            sim: sim.clone(),
            provider,
            reference,
        }
    }
}

impl Drop for Asking {
    fn drop(&mut self) {
        self.sim.query_ends(self.provider, &self.reference);
    }
}

/// The reference a status query asks about (ClickPesa's `GET /payments/{orderReference}`,
/// Cepta's `verify-payment?TransactionRef=`).
fn asked_about(request: &Request) -> Option<String> {
    if request.method() != axum::http::Method::GET {
        return None;
    }
    let uri = request.uri();
    if let Some(reference) = uri.path().strip_prefix("/third-parties/payments/") {
        return (route_of(uri.path()) != uri.path()).then(|| reference.to_string());
    }
    if uri.path() == "/api/v1/pay/verify-payment" {
        return uri.query()?.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            k.eq_ignore_ascii_case("TransactionRef")
                .then(|| v.to_string())
        });
    }
    None
}

/// The route a path matched, with the reference replaced by its parameter name so that
/// counters do not grow one key per payment.
fn route_of(path: &str) -> &str {
    match path.strip_prefix("/third-parties/payments/") {
        Some("all" | "preview-ussd-push-request" | "initiate-ussd-push-request") | None => path,
        Some(_) => "/third-parties/payments/{orderReference}",
    }
}

async fn ledger(State(sim): State<Arc<Sim>>) -> Response {
    wire::json(StatusCode::OK, sim.ledger())
}

async fn stats(State(sim): State<Arc<Sim>>) -> Response {
    wire::json(StatusCode::OK, sim.stats())
}

async fn revoke_tokens(State(sim): State<Arc<Sim>>) -> Response {
    sim.revoke_tokens();
    wire::json(StatusCode::OK, json!({ "revoked": true }))
}

/// Unknown paths, in each provider's framework style.
async fn not_found(request: Request) -> Response {
    let path = request.uri().path();
    match wire::provider_of_path(path) {
        Some(ProviderKind::ClickPesa) => wire::json(
            StatusCode::NOT_FOUND,
            json!({
                "message": format!("Cannot {} {path}", request.method()),
                "error": "Not Found",
                "statusCode": 404,
            }),
        ),
        _ => wire::cepta_error(StatusCode::NOT_FOUND, "Not Found").into_response(),
    }
}
