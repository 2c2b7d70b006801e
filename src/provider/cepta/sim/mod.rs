//! Cepta's simulator under `/api/v1/pay`: channels, STK charge, verify (`handlers`), every
//! request signed (`auth`); its envelopes and words. It runs on the shared machinery in
//! `crate::sim`.

mod auth;
mod callback;
mod envelope;
mod handlers;
mod words;

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
const SIM_KIND: ProviderKind = ProviderKind::Cepta;

/// Obviously fake credentials the default simulator accepts.
pub mod demo {
    pub const CEPTA_PUBLIC_KEY: &str = "demo_pub_key";
    pub const CEPTA_SECRET_KEY: &str = "demo_secret_key";
    pub const CEPTA_EMAIL: &str = "till@example.com";
    pub const CEPTA_MERCHANT_ID: &str = "demo_merchant";
}

/// Cepta on the simulator.
pub struct CeptaSim;

pub static SIM: CeptaSim = CeptaSim;

impl Simulator for CeptaSim {
    fn kind(&self) -> ProviderKind {
        SIM_KIND
    }

    fn prefix(&self) -> &'static str {
        "/api/"
    }

    fn routes(&self) -> Router<Arc<Sim>> {
        handlers::routes()
    }

    fn base_url(&self, addr: SocketAddr) -> String {
        format!("http://{addr}")
    }

    fn demo_keys(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("public_key", demo::CEPTA_PUBLIC_KEY),
            ("secret_key", demo::CEPTA_SECRET_KEY),
            ("email", demo::CEPTA_EMAIL),
            ("merchant_id", demo::CEPTA_MERCHANT_ID),
        ]
    }

    fn new_id(&self) -> String {
        words::new_id()
    }

    fn word(&self, status: SimStatus) -> &'static str {
        words::word(status)
    }

    /// `verify-payment?TransactionRef=`.
    fn asked_about(&self, request: &Request) -> Option<String> {
        if request.method() != Method::GET {
            return None;
        }
        let uri = request.uri();
        if uri.path() != "/api/v1/pay/verify-payment" {
            return None;
        }
        uri.query()?.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            k.eq_ignore_ascii_case("TransactionRef")
                .then(|| v.to_string())
        })
    }

    fn creates(&self, path: &str) -> bool {
        path.ends_with("/ussd-charge")
    }

    fn too_many(&self) -> Response {
        envelope::too_many()
    }

    fn not_found(&self, _: &Method, _: &str) -> Response {
        envelope::error(StatusCode::NOT_FOUND, "Not Found").into_response()
    }

    /// The channel the cashier chose, as journalled.
    fn adopted_channel(&self, p: &Payment) -> String {
        p.channel.clone().unwrap_or_default()
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
                ("public key", "public_key", ""),
                ("secret key", "secret_key", ""),
                ("e-mail", "email", ""),
            ],
            fails_with: "Cepta 408",
            example: "Cepta 0712 345 677 lacks funds",
            note: None,
        }
    }
}

impl SimHandle {
    /// `http://127.0.0.1:<port>`, the Cepta base URL.
    pub fn cepta_base_url(&self) -> String {
        SIM.base_url(self.addr())
    }
}
