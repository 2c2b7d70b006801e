//! Daraja's simulator under `/daraja` (its base URL there is `http://<addr>/daraja`, so the
//! real paths follow: `/oauth/v1/generate`, `/mpesa/stkpush/v1/processrequest`,
//! `/mpesa/stkpushquery/v1/query`). Its wire format is providers.md's: each new token
//! invalidates the one before, a pending push is queried as HTTP 500 `500.001.1001`, the
//! query's `ResultCode` is a string, errors come in `{requestId, errorCode, errorMessage}`,
//! and it takes the sandbox's shortcode and passkey.

mod callback;
mod handlers;

use crate::payment::Payment;
use crate::provider_kind::ProviderKind;
use crate::sim::handle::SimHandle;
use crate::sim::ledger::SimStatus;
use crate::sim::simulator::{Banner, Simulator};
use crate::sim::state::Sim;
use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;
use std::sync::Arc;

/// The kind its checks ask the configuration about.
const SIM_KIND: ProviderKind = ProviderKind::Daraja;

/// Where it answers on the simulator.
const PREFIX: &str = "/daraja";

/// Credentials the default simulator accepts: obviously fake app keys, and the shortcode and
/// passkey Safaricom publishes for its sandbox.
pub mod demo {
    pub const DARAJA_CONSUMER_KEY: &str = "demo_daraja_key";
    pub const DARAJA_CONSUMER_SECRET: &str = "demo_daraja_secret";
    pub const DARAJA_PASSKEY: &str =
        "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";
    pub const DARAJA_SHORTCODE: &str = "174379";
    pub const DARAJA_CALLBACK_URL: &str = "https://lipa.example/hooks/daraja";
}

/// Daraja on the simulator.
pub struct DarajaSim;

pub static SIM: DarajaSim = DarajaSim;

impl Simulator for DarajaSim {
    fn kind(&self) -> ProviderKind {
        SIM_KIND
    }

    fn prefix(&self) -> &'static str {
        "/daraja/"
    }

    fn routes(&self) -> Router<Arc<Sim>> {
        handlers::routes()
    }

    fn base_url(&self, addr: SocketAddr) -> String {
        format!("http://{addr}{PREFIX}")
    }

    fn demo_keys(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("consumer_key", demo::DARAJA_CONSUMER_KEY),
            ("consumer_secret", demo::DARAJA_CONSUMER_SECRET),
            ("passkey", demo::DARAJA_PASSKEY),
            ("shortcode", demo::DARAJA_SHORTCODE),
            ("callback_url", demo::DARAJA_CALLBACK_URL),
        ]
    }

    fn new_id(&self) -> String {
        handlers::new_id()
    }

    fn word(&self, status: SimStatus) -> &'static str {
        match status {
            SimStatus::Pending => "500.001.1001",
            SimStatus::Paid | SimStatus::Reversed => "0",
            SimStatus::Failed => "failed",
        }
    }

    /// Its queries name the push in the body: the handler counts them itself.
    fn asked_about(&self, _: &Request) -> Option<String> {
        None
    }

    fn creates(&self, path: &str) -> bool {
        path.ends_with("/processrequest")
    }

    fn uses_tokens(&self) -> bool {
        true
    }

    /// Spike arrest.
    fn too_many(&self) -> Response {
        handlers::error(
            StatusCode::TOO_MANY_REQUESTS,
            "500.003.02",
            "Spike arrest violation",
        )
        .into_response()
    }

    fn not_found(&self, _: &Method, _: &str) -> Response {
        handlers::error(StatusCode::NOT_FOUND, "404.001.01", "Resource not found").into_response()
    }

    fn adopted_channel(&self, _: &Payment) -> String {
        "M-PESA".into()
    }

    fn callback(
        &self,
        push: &crate::sim::state::Push,
        status: SimStatus,
        config: &crate::sim::config::SimConfig,
    ) -> Option<crate::sim::call::Callback> {
        callback::callback(push, status, config)
    }

    fn banner(&self) -> Banner {
        Banner {
            lines: &[
                ("consumer key", "consumer_key", ""),
                ("consumer secret", "consumer_secret", ""),
                ("passkey", "passkey", " (Safaricom's sandbox passkey)"),
                ("shortcode", "shortcode", " (Safaricom's sandbox paybill)"),
                ("callback URL", "callback_url", " (never called)"),
            ],
            fails_with: "Daraja 503 (the answer is lost: no CheckoutRequestID)",
            example: "Daraja 0712 345 676 cancels",
            note: Some(
                "Daraja takes Safaricom numbers only, in whole shillings; its digit 9 cannot be \
                 asked about (no CheckoutRequestID): lipa asks a person at once.",
            ),
        }
    }
}

impl SimHandle {
    /// `http://127.0.0.1:<port>/daraja`, the Daraja base URL.
    pub fn daraja_base_url(&self) -> String {
        SIM.base_url(self.addr())
    }
}
