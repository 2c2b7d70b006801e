//! Shared HTTP client and error classification.
//!
//! One [`reqwest::Client`] (connection pool, rustls, connect and total timeouts) serves every
//! provider. Answers are classified here by what the caller must do next (see
//! [`ProviderError`]): the same transport failure means "query before anything else" for a call
//! that creates a push, and "ask again later" for a read-only query.
//!
//! Nothing here logs or returns request headers or bodies, so secrets cannot leak through it;
//! providers' own messages (and redirect targets) have secrets blanked out before they reach a
//! person (`Answer::said`).

mod answer;
mod wire;

pub(crate) use answer::{Answer, redact, says_duplicate};
pub(crate) use wire::{Echo, hmac_hex, judge, raw_amount_text, text};

use crate::msg::Msg;
use crate::provider::{ProviderError, ProviderKind};
use std::time::Duration;

/// Time allowed to establish a connection (DNS, TCP, TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Time allowed for a whole request, from connecting to the last byte of the answer.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(20);

/// Timeouts of the shared client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: CONNECT_TIMEOUT,
            total: TOTAL_TIMEOUT,
        }
    }
}

/// The client every provider shares: rustls, 5 s to connect, 20 s in all, no redirects (a
/// redirected API call means a wrong base URL, and a signed request must not change path).
pub fn client() -> reqwest::Client {
    client_with(Timeouts::default())
}

/// The shared client with other timeouts (tests use short ones).
pub fn client_with(timeouts: Timeouts) -> reqwest::Client {
    let built = reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.total)
        .pool_idle_timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("lipa/", env!("CARGO_PKG_VERSION")))
        .build();
    match built {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(error = %error.without_url(), "HTTP client could not be configured; using defaults");
            reqwest::Client::new()
        }
    }
}

/// What a call does, which decides how its failures are classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    /// Creates a push: a failure after the request left may have taken effect (`Unknown`).
    Create,
    /// Reads state: any failure means "ask again later", except authentication.
    Read,
    /// Read-only check whose refusals mean something to the cashier (a preview): a
    /// 4xx is `Rejected` with the provider's words.
    Check,
}

/// The most of an answer read (a provider's answers are a few kilobytes).
pub const MAX_ANSWER: usize = 1 << 20;

/// Sends a request and reads the whole answer. Transport failures are classified here;
/// any HTTP status comes back as an [`Answer`] for the caller to look at (401 retries, 404 as
/// "not found") before [`Answer::error`].
pub(crate) async fn send(
    provider: ProviderKind,
    call: Call,
    request: reqwest::RequestBuilder,
) -> Result<Answer, ProviderError> {
    let started = std::time::Instant::now();
    let response = request
        .send()
        .await
        .map_err(|e| transport(provider, call, &e))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    // Read up to MAX_ANSWER: an endless answer (a broken proxy, a hostile server) is cut
    // there, read as what it is — no usable answer — and never fills the memory.
    let mut response = response;
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport(provider, call, &e))?
    {
        let room = MAX_ANSWER.saturating_sub(body.len());
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_ANSWER {
            tracing::warn!(
                provider = provider.id(),
                status,
                "answer cut at {MAX_ANSWER} bytes"
            );
            break;
        }
    }
    tracing::debug!(
        provider = provider.id(),
        status,
        bytes = body.len(),
        ms = started.elapsed().as_millis() as u64,
        "provider answered"
    );
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// A failure before a complete HTTP answer arrived.
fn transport(provider: ProviderKind, call: Call, error: &reqwest::Error) -> ProviderError {
    // Only the error's kind is logged: no URL (it is not secret, but keep logs small), never
    // headers.
    let cause = error_chain(error);
    let name = provider.id();
    if error.is_builder() {
        tracing::warn!(provider = name, %cause, "request could not be built");
        return ProviderError::Configuration {
            message: Msg::RequestNotBuilt { provider },
        };
    }
    if error.is_connect() {
        tracing::info!(provider = name, %cause, "connection not established");
        return ProviderError::RetryLater {
            message: match call {
                Call::Create => Msg::NetworkDown { provider },
                Call::Read | Call::Check => Msg::Unreachable { provider },
            },
            retry_after: None,
        };
    }
    let detail = if error.is_timeout() {
        Msg::Timeout
    } else {
        Msg::Broken
    };
    tracing::info!(provider = name, %cause, ?call, "request broke after it was sent");
    match call {
        Call::Create => ProviderError::Unknown {
            message: Msg::AnswerLost {
                why: Box::new(Msg::OutcomeUnknown {
                    provider,
                    detail: Box::new(detail),
                }),
            },
        },
        Call::Read | Call::Check => ProviderError::RetryLater {
            message: Msg::NoUsableAnswer {
                provider,
                detail: Box::new(detail),
            },
            retry_after: None,
        },
    }
}

fn error_chain(error: &reqwest::Error) -> String {
    use std::error::Error as _;
    let kind = if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_body() {
        "body"
    } else if error.is_request() {
        "request"
    } else {
        "other"
    };
    let mut text = kind.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
