//! Selcom's simulator under `/selcom` (its base URL there is `http://<addr>/selcom/v1`, so the
//! real paths follow: `/v1/checkout/create-order-minimal`, `/v1/checkout/wallet-payment`,
//! `/v1/checkout/order-status`). Its wire format is providers.md's: every request signed
//! (a wrong digest, a stale timestamp or a float is refused), a push of two calls, and a
//! second wallet payment for one order counted as a defect (`repeated_pushes`).

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
const SIM_KIND: ProviderKind = ProviderKind::Selcom;

/// Where it answers on the simulator.
const PREFIX: &str = "/selcom";

/// Credentials the default simulator accepts: obviously fake.
pub mod demo {
    pub const SELCOM_VENDOR: &str = "TILL60001";
    pub const SELCOM_API_KEY: &str = "demo_selcom_key";
    pub const SELCOM_API_SECRET: &str = "demo_selcom_secret";
    pub const SELCOM_BUYER_EMAIL: &str = "till@duka.example";
    pub const SELCOM_BUYER_NAME: &str = "Duka la Mfano";
}

/// Selcom on the simulator.
pub struct SelcomSim;

pub static SIM: SelcomSim = SelcomSim;

impl Simulator for SelcomSim {
    fn kind(&self) -> ProviderKind {
        SIM_KIND
    }

    fn prefix(&self) -> &'static str {
        "/selcom/"
    }

    fn routes(&self) -> Router<Arc<Sim>> {
        handlers::routes()
    }

    fn base_url(&self, addr: SocketAddr) -> String {
        format!("http://{addr}{PREFIX}/v1")
    }

    fn demo_keys(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("vendor", demo::SELCOM_VENDOR),
            ("api_key", demo::SELCOM_API_KEY),
            ("api_secret", demo::SELCOM_API_SECRET),
            ("buyer_email", demo::SELCOM_BUYER_EMAIL),
            ("buyer_name", demo::SELCOM_BUYER_NAME),
        ]
    }

    fn new_id(&self) -> String {
        handlers::new_id()
    }

    fn word(&self, status: SimStatus) -> &'static str {
        match status {
            SimStatus::Pending => "PENDING",
            SimStatus::Paid => "COMPLETED",
            SimStatus::Failed => "USERCANCELED",
            SimStatus::Reversed => "REVERSED",
        }
    }

    /// The order a status query names (`?order_id=`).
    fn asked_about(&self, request: &Request) -> Option<String> {
        if !request.uri().path().ends_with("/order-status") {
            return None;
        }
        handlers::query_pairs(request.uri().query().unwrap_or_default())
            .into_iter()
            .find(|(k, _)| k == "order_id")
            .map(|(_, v)| v)
    }

    /// Both calls of the push: the order's and the wallet payment's answers may be lost.
    fn creates(&self, path: &str) -> bool {
        path.ends_with("/create-order-minimal") || path.ends_with("/wallet-payment")
    }

    fn too_many(&self) -> Response {
        handlers::answer(
            StatusCode::TOO_MANY_REQUESTS,
            "429",
            "FAIL",
            "Too many requests",
        )
        .into_response()
    }

    fn not_found(&self, _: &Method, _: &str) -> Response {
        handlers::answer(StatusCode::NOT_FOUND, "404", "FAIL", "Not found").into_response()
    }

    fn adopted_channel(&self, payment: &Payment) -> String {
        handlers::channel(&payment.phone).into()
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
                ("vendor", "vendor", ""),
                ("API key", "api_key", ""),
                ("API secret", "api_secret", ""),
                ("buyer e-mail", "buyer_email", ""),
                ("buyer name", "buyer_name", ""),
            ],
            fails_with: "Selcom 502 to the wallet payment (its answer is lost)",
            example: "Selcom 0712 345 676 cancels",
            note: Some(
                "Selcom's push is two calls (the order, then the wallet payment); its digit 8 \
                 answers 999 (ambiguous) once the customer should have answered.",
            ),
        }
    }
}

impl SimHandle {
    /// `http://127.0.0.1:<port>/selcom/v1`, the Selcom base URL.
    pub fn selcom_base_url(&self) -> String {
        SIM.base_url(self.addr())
    }
}
