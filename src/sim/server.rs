//! The router: every provider's simulator, the `/sim/*` control endpoints, and the
//! middleware every answer goes through (counters, `Date` header, faults).

use super::simulator::{Served, Simulator};
use super::state::Sim;
use super::{control, inject, wire};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::sync::Arc;

pub(super) fn router(served: Served) -> Router {
    let sim = served.sim.clone();
    let mut router = Router::new();
    for s in served.sims.iter() {
        router = router.merge(s.routes());
    }
    router
        .route("/sim/ledger", get(ledger))
        .route("/sim/stats", get(stats))
        .route("/sim/revoke-tokens", post(revoke_tokens))
        .route("/sim/faults", get(control::show).post(control::replace))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(
            served.clone(),
            inject::inject,
        ))
        .layer(middleware::from_fn_with_state(served.clone(), observe))
        .layer(axum::Extension(served))
        .with_state(sim)
}

/// Counts requests and answers, and stamps the `Date` header with the simulator's clock
/// (which the clock-offset fault may shift: clients use it to explain clock skew).
async fn observe(State(served): State<Served>, request: Request, next: Next) -> Response {
    let sim = served.sim.clone();
    let path = request.uri().path().to_string();
    let provider = served.of_path(&path);
    if let Some(p) = provider {
        let key = format!("{} {}", request.method(), p.route_of(&path));
        sim.bump(|s| *s.requests.entry(key).or_insert(0) += 1);
    }
    // In flight until answered, or until the client gives up on it (the future is dropped).
    let _asking = provider
        .and_then(|p| Some((p, p.asked_about(&request)?)))
        .map(|(p, reference)| Asking::begin(&sim, p, reference));
    let mut response = next.run(request).await;
    if let Some(provider) = provider {
        let status = response.status();
        sim.bump(|s| {
            *s.responses.entry(status.as_u16()).or_insert(0) += 1;
            if status == StatusCode::UNAUTHORIZED {
                s.unauthorized += 1;
                *s.unauthorized_by.entry(provider.kind()).or_insert(0) += 1;
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
    provider: crate::provider_kind::ProviderKind,
    reference: String,
}

impl Asking {
    fn begin(sim: &Arc<Sim>, provider: &dyn Simulator, reference: String) -> Asking {
        sim.query_begins(provider.kind(), &reference);
        Asking {
            sim: sim.clone(),
            provider: provider.kind(),
            reference,
        }
    }
}

impl Drop for Asking {
    fn drop(&mut self) {
        self.sim.query_ends(self.provider, &self.reference);
    }
}

async fn ledger(axum::Extension(served): axum::Extension<Served>) -> Response {
    wire::json(StatusCode::OK, served.ledger())
}

async fn stats(State(sim): State<Arc<Sim>>) -> Response {
    wire::json(StatusCode::OK, sim.stats())
}

async fn revoke_tokens(State(sim): State<Arc<Sim>>) -> Response {
    sim.revoke_tokens();
    wire::json(StatusCode::OK, json!({ "revoked": true }))
}

/// Unknown paths: in the style of the provider whose prefix they are under (a bare
/// `{"status": false, "message": "Not Found"}` elsewhere).
async fn not_found(axum::Extension(served): axum::Extension<Served>, request: Request) -> Response {
    let path = request.uri().path();
    match served.of_path(path) {
        Some(p) => p.not_found(request.method(), path),
        None => wire::json(
            StatusCode::NOT_FOUND,
            json!({ "status": false, "message": "Not Found" }),
        ),
    }
    .into_response()
}
