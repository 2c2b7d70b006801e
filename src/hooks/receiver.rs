//! The HTTP side: `POST /hooks/<provider>` (its id, or its folder's name for a folder of two
//! rows). Bodies are capped and must arrive within a few seconds; each source
//! has a rate; the answer is `200` as soon as the body is in, and the callback is worked on
//! after (a journal that cannot be written is tried again, and the body logged if it never can).

use super::limit::Limits;
use super::listener::{Guarded, Peer};
use crate::engine::Engine;
use crate::provider::settings::Settings;
use crate::provider_kind::ProviderKind;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The largest body taken (a provider's callback is a few hundred bytes).
pub const MAX_BODY: usize = 64 * 1024;
/// How long a body may take to arrive.
pub const BODY_WITHIN: Duration = Duration::from_secs(10);
/// Tries to keep a callback when the journal fails.
const KEEP_TRIES: u32 = 5;

/// What the receiver serves: the engine that follows the payments, and the configured rows.
pub struct Receiver {
    engine: Engine,
    providers: Vec<(ProviderKind, Settings)>,
    limits: Limits,
    body_within: Duration,
}

impl Receiver {
    /// For `engine`, reading the callbacks of `providers` (each row with its settings).
    pub fn new(engine: Engine, providers: Vec<(ProviderKind, Settings)>) -> Arc<Receiver> {
        Receiver::with_body_within(engine, providers, BODY_WITHIN)
    }

    /// As [`Receiver::new`], a body allowed `within` to arrive (tests of a slow caller).
    pub fn with_body_within(
        engine: Engine,
        providers: Vec<(ProviderKind, Settings)>,
        within: Duration,
    ) -> Arc<Receiver> {
        Arc::new(Receiver {
            engine,
            providers,
            limits: Limits::default(),
            body_within: within,
        })
    }

    /// The configured rows a path segment names: a row's id, or its folder's section.
    fn rows(&self, segment: &str) -> Vec<(ProviderKind, Settings)> {
        self.providers
            .iter()
            .filter(|(k, _)| k.id() == segment || k.spec().section == segment)
            .cloned()
            .collect()
    }
}

/// Serves `receiver` on `listener` until the task is dropped: connections counted and timed
/// (see `listener.rs`), a connection idle for `idle` closed.
pub async fn serve(
    listener: tokio::net::TcpListener,
    receiver: Arc<Receiver>,
    idle: Duration,
) -> std::io::Result<()> {
    let app = router(receiver).into_make_service_with_connect_info::<Peer>();
    axum::serve(Guarded::new(listener, idle), app).await
}

/// The receiver's routes.
pub fn router(receiver: Arc<Receiver>) -> Router {
    Router::new()
        .route("/hooks/{provider}", post(hook))
        .route("/hooks/{provider}/{id}/{token}", post(addressed))
        .with_state(receiver)
}

/// The caller: the peer, or — behind a reverse proxy on this machine — the address the proxy
/// names last in `X-Forwarded-For`.
fn source(peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if !peer.ip().is_loopback() {
        return peer.ip();
    }
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(peer.ip())
}

/// A callback to a payment's own address (`/hooks/<provider>/<id>/<token>`).
async fn addressed(
    State(receiver): State<Arc<Receiver>>,
    Path((provider, id, token)): Path<(String, String, String)>,
    peer: ConnectInfo<Peer>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let came = Came { peer, uri, headers };
    receive(receiver, provider, came, body, Some((id, token))).await
}

async fn hook(
    State(receiver): State<Arc<Receiver>>,
    Path(provider): Path<String>,
    peer: ConnectInfo<Peer>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let came = Came { peer, uri, headers };
    receive(receiver, provider, came, body, None).await
}

/// Where a callback came from and to.
struct Came {
    peer: ConnectInfo<Peer>,
    uri: Uri,
    headers: HeaderMap,
}

async fn receive(
    receiver: Arc<Receiver>,
    provider: String,
    came: Came,
    body: Body,
    addressed: Option<(i64, String)>,
) -> Response {
    let Came {
        peer: ConnectInfo(Peer(peer)),
        uri,
        headers,
    } = came;
    let target = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string());
    let from = source(peer, &headers);
    if !receiver.limits.allow(from) {
        return StatusCode::TOO_MANY_REQUESTS.into_response();
    }
    let rows = receiver.rows(&provider);
    if rows.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    // A body said to be larger than the cap is refused before any of it is read.
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let body = match tokio::time::timeout(
        receiver.body_within,
        axum::body::to_bytes(body, MAX_BODY),
    )
    .await
    {
        Ok(Ok(b)) => b,
        Ok(Err(_)) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        Err(_) => return StatusCode::REQUEST_TIMEOUT.into_response(),
    };
    // Answered now; worked on after.
    let engine = receiver.engine.clone();
    tokio::spawn(async move {
        let source = from.to_string();
        for attempt in 1..=KEEP_TRIES {
            match super::take(
                &engine,
                &rows,
                &headers,
                &body,
                &source,
                &target,
                addressed.clone(),
            )
            .await
            {
                Ok(_) => return,
                Err(crate::engine::EngineError::Stopping) => break,
                Err(e) => {
                    tracing::warn!(error = %e, attempt, "could not keep a callback");
                    tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
                }
            }
        }
        tracing::error!(provider, source, body = %String::from_utf8_lossy(&body), "a callback was not kept");
    });
    (StatusCode::OK, "{\"ok\":true}").into_response()
}
