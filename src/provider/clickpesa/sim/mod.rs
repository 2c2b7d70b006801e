//! ClickPesa's simulator under `/third-parties`: token, preview, initiate, query by reference,
//! list (`handlers`, `query`); its credential checks (`auth`), checksum canonicalizer
//! (`canonical`), envelopes and words. It runs on the shared machinery in `crate::sim`.

mod auth;
mod callback;
mod canonical;
mod envelope;
mod handlers;
mod query;
mod words;

use crate::payment::Payment;
use crate::phone::{Country, Phone};
use crate::provider_kind::ProviderKind;
use crate::sim::handle::SimHandle;
use crate::sim::ledger::SimStatus;
use crate::sim::simulator::{Banner, Simulator};
use crate::sim::state::Sim;
use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

/// The kind its checks ask the configuration about.
const SIM_KIND: ProviderKind = ProviderKind::ClickPesa;

/// Obviously fake credentials the default simulator accepts.
pub mod demo {
    pub const CLICKPESA_CLIENT_ID: &str = "demo-client-id";
    pub const CLICKPESA_API_KEY: &str = "demo-api-key";
    pub const CLICKPESA_CHECKSUM_KEY: &str = "demo-checksum-key";
}

const PREFIX: &str = "/third-parties/";
const PAYMENTS: &str = "/third-parties/payments/";

/// ClickPesa on the simulator.
pub struct ClickPesaSim;

pub static SIM: ClickPesaSim = ClickPesaSim;

impl Simulator for ClickPesaSim {
    fn kind(&self) -> ProviderKind {
        SIM_KIND
    }

    fn prefix(&self) -> &'static str {
        PREFIX
    }

    fn routes(&self) -> Router<Arc<Sim>> {
        handlers::routes()
    }

    fn base_url(&self, addr: SocketAddr) -> String {
        format!("http://{addr}/third-parties")
    }

    fn demo_keys(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("client_id", demo::CLICKPESA_CLIENT_ID),
            ("api_key", demo::CLICKPESA_API_KEY),
            ("checksum_key", demo::CLICKPESA_CHECKSUM_KEY),
        ]
    }

    fn new_id(&self) -> String {
        words::new_id()
    }

    fn word(&self, status: SimStatus) -> &'static str {
        words::word(status)
    }

    fn route_of<'a>(&self, path: &'a str) -> &'a str {
        match path.strip_prefix(PAYMENTS) {
            Some("all" | "preview-ussd-push-request" | "initiate-ussd-push-request") | None => path,
            Some(_) => "/third-parties/payments/{orderReference}",
        }
    }

    /// `GET /payments/{orderReference}`.
    fn asked_about(&self, request: &Request) -> Option<String> {
        if request.method() != Method::GET {
            return None;
        }
        let path = request.uri().path();
        let reference = path.strip_prefix(PAYMENTS)?;
        (self.route_of(path) != path).then(|| reference.to_string())
    }

    fn creates(&self, path: &str) -> bool {
        path.ends_with("/initiate-ussd-push-request")
    }

    fn uses_tokens(&self) -> bool {
        true
    }

    fn too_many(&self) -> Response {
        envelope::too_many()
    }

    fn not_found(&self, method: &Method, path: &str) -> Response {
        crate::sim::wire::json(
            StatusCode::NOT_FOUND,
            json!({
                "message": format!("Cannot {method} {path}"),
                "error": "Not Found",
                "statusCode": 404,
            }),
        )
    }

    /// The channel its number's network takes (what the send chose).
    fn adopted_channel(&self, p: &Payment) -> String {
        Phone::parse(&p.phone, Country::Tanzania)
            .ok()
            .and_then(|ph| words::channel_for(ph.network()))
            .unwrap_or("M-PESA")
            .to_string()
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
                ("client id", "client_id", ""),
                ("API key", "api_key", ""),
                ("checksum key", "checksum_key", "  (checksums are required)"),
            ],
            fails_with: "ClickPesa 500",
            example: "ClickPesa 0712 345 670 pays",
            note: Some("TTCL numbers (073…) are refused by ClickPesa: no push wallet."),
        }
    }
}

impl SimHandle {
    /// `http://127.0.0.1:<port>/third-parties`, the ClickPesa base URL.
    pub fn clickpesa_base_url(&self) -> String {
        SIM.base_url(self.addr())
    }
}
