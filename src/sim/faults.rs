//! Fault injection for chaos tests and `lipa simulate --faults`: seeded, per-mille chances,
//! applied to provider endpoints only (never to `/sim/*`).
//!
//! Where each fault strikes:
//! - **429** and **HTML 5xx** (500, 502 or 503) answer *instead of* the request: nothing was
//!   done.
//! - **revoke tokens** drops every ClickPesa token before the request is checked, as if they
//!   had expired early: the request gets 401. It never strikes a token's first use, so a
//!   client that fetches a new token once recovers.
//! - **drop after create** lets an initiate call create the push, then breaks the connection
//!   instead of answering: the outcome is unknown to the client.
//! - **fail after create** is drawn when a push is created: like the magic digit 9, the push
//!   exists but the initiate call answers ClickPesa 500 / Cepta 408.
//! - **truncate** cuts a successful JSON answer in half; **malformed** garbles it (single
//!   quotes instead of double): either way the request did take effect.
//! - **slow** delays the answer after the work is done (a client timeout means unknown).
//! - **reverse** is drawn when a paying push is created: paid, then reversed later.
//! - **duplicate after create** and **throttle after create** are drawn when a push is
//!   created: the push exists, but the initiate call answers "reference already used"
//!   (ClickPesa 409, Cepta `{"status": false}`) or 429, as a gateway that acted and then
//!   refused might.
//! - **extra attempt** adds, to one ClickPesa status answer, a newer *failed* attempt under
//!   the same reference beside the real one.
//! - **no echo** and **other phone** are drawn when a push is created: every status answer
//!   about it leaves out the amount and currency, or names another paying number.
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
    /// 500, 502 or 503 with an nginx HTML page; the request is not processed.
    pub html_5xx_per_mille: u16,
    /// 429 with `Retry-After: retry_after_secs`; the request is not processed.
    pub too_many_per_mille: u16,
    pub retry_after_secs: u32,
    /// An initiate call creates the push, then the connection is dropped.
    pub drop_after_create_per_mille: u16,
    /// An initiate call creates the push, then answers ClickPesa 500 / Cepta 408.
    pub fail_after_create_per_mille: u16,
    /// A successful answer is cut in half (invalid JSON).
    pub truncate_per_mille: u16,
    /// A successful answer is garbled (invalid JSON, whole).
    pub malformed_per_mille: u16,
    /// Every ClickPesa token is revoked before a call that uses one (not its first use).
    pub revoke_tokens_per_mille: u16,
    /// A paying customer's payment is reversed `reverse_after` after being paid.
    pub reverse_per_mille: u16,
    pub reverse_after: Duration,
    /// An initiate call creates the push, then answers "reference already used".
    pub duplicate_after_create_per_mille: u16,
    /// An initiate call creates the push, then answers 429.
    pub throttle_after_create_per_mille: u16,
    /// A ClickPesa status answer carries a newer failed attempt beside the real one.
    pub extra_attempt_per_mille: u16,
    /// Status answers about a push leave out its amount and currency.
    pub no_echo_per_mille: u16,
    /// Status answers about a push name another paying number.
    pub other_phone_per_mille: u16,
    /// Seconds added to the simulator's clock (negative: behind).
    pub clock_offset_secs: i64,
}

/// One kind of fault, by the name used in flags, `/sim/faults` and [`super::SimStats::faults`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultKind {
    Slow,
    Html5xx,
    TooManyRequests,
    DropAfterCreate,
    FailAfterCreate,
    Truncate,
    Malformed,
    RevokeTokens,
    Reverse,
    DuplicateAfterCreate,
    ThrottleAfterCreate,
    ExtraAttempt,
    NoEcho,
    OtherPhone,
}

impl FaultKind {
    pub const ALL: [FaultKind; 14] = [
        FaultKind::Slow,
        FaultKind::Html5xx,
        FaultKind::TooManyRequests,
        FaultKind::DropAfterCreate,
        FaultKind::FailAfterCreate,
        FaultKind::Truncate,
        FaultKind::Malformed,
        FaultKind::RevokeTokens,
        FaultKind::Reverse,
        FaultKind::DuplicateAfterCreate,
        FaultKind::ThrottleAfterCreate,
        FaultKind::ExtraAttempt,
        FaultKind::NoEcho,
        FaultKind::OtherPhone,
    ];

    /// `slow`, `html-5xx`, `too-many-requests`, `drop-after-create`, `fail-after-create`,
    /// `truncate`, `malformed`, `revoke-tokens`, `reverse`, `duplicate-after-create`,
    /// `throttle-after-create`, `extra-attempt`, `no-echo`, `other-phone`.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Slow => "slow",
            FaultKind::Html5xx => "html-5xx",
            FaultKind::TooManyRequests => "too-many-requests",
            FaultKind::DropAfterCreate => "drop-after-create",
            FaultKind::FailAfterCreate => "fail-after-create",
            FaultKind::Truncate => "truncate",
            FaultKind::Malformed => "malformed",
            FaultKind::RevokeTokens => "revoke-tokens",
            FaultKind::Reverse => "reverse",
            FaultKind::DuplicateAfterCreate => "duplicate-after-create",
            FaultKind::ThrottleAfterCreate => "throttle-after-create",
            FaultKind::ExtraAttempt => "extra-attempt",
            FaultKind::NoEcho => "no-echo",
            FaultKind::OtherPhone => "other-phone",
        }
    }

    pub fn from_name(name: &str) -> Option<FaultKind> {
        let name = name.trim();
        FaultKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

impl Faults {
    /// Every fault at the same chance, with short delays suited to tests:
    /// slow by 1.5 s, `Retry-After: 1`, reversals 1 s after payment. Clock untouched.
    pub fn chaos(seed: u64, per_mille: u16) -> Faults {
        let mut faults = Faults {
            seed,
            slow_by: Duration::from_millis(1500),
            retry_after_secs: 1,
            reverse_after: Duration::from_secs(1),
            ..Faults::default()
        };
        for kind in FaultKind::ALL {
            faults.set_rate(kind, per_mille);
        }
        faults
    }

    fn slot(&mut self, kind: FaultKind) -> &mut u16 {
        match kind {
            FaultKind::Slow => &mut self.slow_per_mille,
            FaultKind::Html5xx => &mut self.html_5xx_per_mille,
            FaultKind::TooManyRequests => &mut self.too_many_per_mille,
            FaultKind::DropAfterCreate => &mut self.drop_after_create_per_mille,
            FaultKind::FailAfterCreate => &mut self.fail_after_create_per_mille,
            FaultKind::Truncate => &mut self.truncate_per_mille,
            FaultKind::Malformed => &mut self.malformed_per_mille,
            FaultKind::RevokeTokens => &mut self.revoke_tokens_per_mille,
            FaultKind::Reverse => &mut self.reverse_per_mille,
            FaultKind::DuplicateAfterCreate => &mut self.duplicate_after_create_per_mille,
            FaultKind::ThrottleAfterCreate => &mut self.throttle_after_create_per_mille,
            FaultKind::ExtraAttempt => &mut self.extra_attempt_per_mille,
            FaultKind::NoEcho => &mut self.no_echo_per_mille,
            FaultKind::OtherPhone => &mut self.other_phone_per_mille,
        }
    }

    /// One fault's chance, per mille.
    pub fn rate(&self, kind: FaultKind) -> u16 {
        match kind {
            FaultKind::Slow => self.slow_per_mille,
            FaultKind::Html5xx => self.html_5xx_per_mille,
            FaultKind::TooManyRequests => self.too_many_per_mille,
            FaultKind::DropAfterCreate => self.drop_after_create_per_mille,
            FaultKind::FailAfterCreate => self.fail_after_create_per_mille,
            FaultKind::Truncate => self.truncate_per_mille,
            FaultKind::Malformed => self.malformed_per_mille,
            FaultKind::RevokeTokens => self.revoke_tokens_per_mille,
            FaultKind::Reverse => self.reverse_per_mille,
            FaultKind::DuplicateAfterCreate => self.duplicate_after_create_per_mille,
            FaultKind::ThrottleAfterCreate => self.throttle_after_create_per_mille,
            FaultKind::ExtraAttempt => self.extra_attempt_per_mille,
            FaultKind::NoEcho => self.no_echo_per_mille,
            FaultKind::OtherPhone => self.other_phone_per_mille,
        }
    }

    /// Sets one fault's chance, per mille (capped at 1000).
    pub fn set_rate(&mut self, kind: FaultKind, per_mille: u16) {
        *self.slot(kind) = per_mille.min(1000);
    }

    /// The faults switched on, with their chances.
    pub fn active(&self) -> Vec<(FaultKind, u16)> {
        FaultKind::ALL
            .into_iter()
            .map(|k| (k, self.rate(k)))
            .filter(|(_, r)| *r > 0)
            .collect()
    }

    /// No fault can strike and the clock is true.
    pub fn is_off(&self) -> bool {
        self.active().is_empty() && self.clock_offset_secs == 0
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
        count(&sim, FaultKind::TooManyRequests);
        return too_many(provider, faults.retry_after_secs);
    }
    if sim.roll(faults.html_5xx_per_mille) {
        count(&sim, FaultKind::Html5xx);
        let status = [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::BAD_GATEWAY,
            StatusCode::SERVICE_UNAVAILABLE,
        ][sim.pick(3)];
        return html_page(status);
    }
    if provider == ProviderKind::ClickPesa
        && faults.revoke_tokens_per_mille > 0
        && bearer(&request).is_some_and(|token| sim.token_used(token))
        && sim.roll(faults.revoke_tokens_per_mille)
    {
        count(&sim, FaultKind::RevokeTokens);
        sim.revoke_tokens();
    }
    let creates = path.ends_with("/initiate-ussd-push-request") || path.ends_with("/ussd-charge");
    let mut response = next.run(request).await;
    if response.status().is_success() {
        if creates && sim.roll(faults.drop_after_create_per_mille) {
            count(&sim, FaultKind::DropAfterCreate);
            return dropped(response);
        }
        if sim.roll(faults.truncate_per_mille) {
            count(&sim, FaultKind::Truncate);
            response = rewritten(response, |b| b.slice(..b.len() / 2)).await;
        } else if sim.roll(faults.malformed_per_mille) {
            count(&sim, FaultKind::Malformed);
            response = rewritten(response, garbled).await;
        }
    }
    if sim.roll(faults.slow_per_mille) {
        count(&sim, FaultKind::Slow);
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

pub(super) fn count(sim: &Sim, kind: FaultKind) {
    tracing::debug!(fault = kind.name(), "simulator injects a fault");
    sim.bump(|s| *s.faults.entry(kind.name().to_string()).or_insert(0) += 1);
}

pub(super) fn too_many(provider: ProviderKind, retry_after: u32) -> Response {
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
