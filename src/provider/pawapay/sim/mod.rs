//! pawaPay's simulator under `/pawapay` (its base URL there is `http://<addr>/pawapay`, so
//! the real paths follow: `/v2/deposits`, `/v2/deposits/{depositId}`, `/v2/predict-provider`,
//! `/v2/active-conf`). One simulator for both rows, as one account serves both: a deposit's
//! currency says whose it is. pawaPay's documented sandbox numbers answer as its sandbox does
//! (they win over the last-digit rule); every other number follows the last digit.

mod callback;
mod handlers;
mod sandbox;

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

/// Where it answers on the simulator.
const PREFIX: &str = "/pawapay";

/// Credentials the default simulator accepts: obviously fake.
pub mod demo {
    pub const PAWAPAY_API_TOKEN: &str = "demo_pawapay_token";
    pub const PAWAPAY_COUNTRIES: &str = "KE,TZ";
    pub const PAWAPAY_CUSTOMER_MESSAGE: &str = "Duka la Mfano";
}

/// pawaPay on the simulator, as one of its rows.
pub struct PawapaySim {
    kind: ProviderKind,
}

pub static SIM_KE: PawapaySim = PawapaySim {
    kind: ProviderKind::PawapayKe,
};
pub static SIM_TZ: PawapaySim = PawapaySim {
    kind: ProviderKind::PawapayTz,
};

impl Simulator for PawapaySim {
    fn kind(&self) -> ProviderKind {
        self.kind
    }

    fn prefix(&self) -> &'static str {
        "/pawapay/"
    }

    /// One account's routes, served once (by Tanzania's row).
    fn routes(&self) -> Router<Arc<Sim>> {
        match self.kind {
            ProviderKind::PawapayTz => handlers::routes(),
            _ => Router::new(),
        }
    }

    fn base_url(&self, addr: SocketAddr) -> String {
        format!("http://{addr}{PREFIX}")
    }

    fn demo_keys(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("api_token", demo::PAWAPAY_API_TOKEN),
            ("countries", demo::PAWAPAY_COUNTRIES),
            ("customer_message", demo::PAWAPAY_CUSTOMER_MESSAGE),
        ]
    }

    fn new_id(&self) -> String {
        crate::reference::uuid_v4()
    }

    fn word(&self, status: SimStatus) -> &'static str {
        match status {
            SimStatus::Pending => "PROCESSING",
            SimStatus::Paid => "COMPLETED",
            SimStatus::Failed => "FAILED",
            SimStatus::Reversed => "COMPLETED",
        }
    }

    fn route_of<'a>(&self, path: &'a str) -> &'a str {
        if path.starts_with("/pawapay/v2/deposits/") {
            "/pawapay/v2/deposits/{depositId}"
        } else {
            path
        }
    }

    /// The deposit a status check names (`/v2/deposits/{depositId}`).
    fn asked_about(&self, request: &Request) -> Option<String> {
        if request.method() != Method::GET {
            return None;
        }
        request
            .uri()
            .path()
            .strip_prefix("/pawapay/v2/deposits/")
            .map(str::to_string)
    }

    fn creates(&self, path: &str) -> bool {
        path == "/pawapay/v2/deposits"
    }

    fn uses_tokens(&self) -> bool {
        false
    }

    fn too_many(&self) -> Response {
        handlers::failure(
            StatusCode::TOO_MANY_REQUESTS,
            "TOO_MANY_REQUESTS",
            "Too many requests",
        )
        .into_response()
    }

    fn not_found(&self, _: &Method, _: &str) -> Response {
        handlers::failure(StatusCode::NOT_FOUND, "NOT_FOUND", "Not found").into_response()
    }

    fn adopted_channel(&self, payment: &Payment) -> String {
        payment
            .channel
            .clone()
            .or_else(|| {
                crate::phone::Phone::parse(&payment.phone, self.kind.country())
                    .ok()
                    .and_then(|p| super::codes::wallet_of(&p))
                    .map(str::to_string)
            })
            .unwrap_or_default()
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
                ("API token", "api_token", ""),
                ("countries", "countries", ""),
            ],
            fails_with: "pawaPay 500 UNKNOWN_ERROR (the deposit is made; its answer is lost)",
            example: "pawaPay 0703 456 789 pays (its sandbox's number)",
            note: Some(
                "pawaPay serves Kenya and Tanzania from one account; its sandbox numbers \
                 (254703456789, …039, …129, 255713456789…) answer as pawaPay's sandbox does.",
            ),
        }
    }
}

impl SimHandle {
    /// `http://127.0.0.1:<port>/pawapay`, pawaPay's base URL (both countries).
    pub fn pawapay_base_url(&self) -> String {
        SIM_TZ.base_url(self.addr())
    }
}
