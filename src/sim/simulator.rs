//! What a provider's simulator gives the shared machinery: its routes and wire words, and what
//! the router, the fault middleware, the counters, the demo and `lipa simulate` need to know
//! of it. Each provider's folder implements it (`provider/<id>/sim/`); its row points at it.

use super::ledger::SimStatus;
use super::state::Sim;
use crate::payment::Payment;
use crate::provider_kind::ProviderKind;
use axum::Router;
use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;

/// One provider's wire format on the simulator.
pub trait Simulator: Send + Sync {
    /// The provider it speaks for.
    fn kind(&self) -> ProviderKind;

    /// The path prefix its API answers under (`/api/`): every request under it is its own.
    fn prefix(&self) -> &'static str;

    /// Its routes, on the simulator's shared state.
    fn routes(&self) -> Router<Arc<Sim>>;

    /// Its client's base URL on the simulator's address.
    fn base_url(&self, addr: SocketAddr) -> String;

    /// The keys it accepts by default (the demo's), each by its row's key name.
    fn demo_keys(&self) -> &'static [(&'static str, &'static str)];

    /// A fresh id for a push, in the provider's shape.
    fn new_id(&self) -> String;

    /// Its status word for a status.
    fn word(&self, status: SimStatus) -> &'static str;

    /// The route a path matched, a reference in it replaced by its parameter's name (so that
    /// counters do not grow one key per payment).
    fn route_of<'a>(&self, path: &'a str) -> &'a str {
        path
    }

    /// The reference a status query asks about, when the request is one.
    fn asked_about(&self, request: &Request) -> Option<String>;

    /// Whether a request to this path creates a push.
    fn creates(&self, path: &str) -> bool;

    /// Its calls carry bearer tokens, which the revoke-tokens fault may drop.
    fn uses_tokens(&self) -> bool {
        false
    }

    /// Its 429 (the middleware adds `Retry-After`).
    fn too_many(&self) -> Response;

    /// Its 404 for a path under its prefix that it does not know.
    fn not_found(&self, method: &Method, path: &str) -> Response;

    /// The channel a payment taken over from an earlier simulator was sent on.
    fn adopted_channel(&self, payment: &Payment) -> String;

    /// What `lipa simulate` says of it.
    fn banner(&self) -> Banner;

    /// The callback this provider sends when `push` ends as `status`, in its wire format
    /// (`None`: it sends none).
    fn callback(
        &self,
        _push: &super::state::Push,
        _status: super::ledger::SimStatus,
        _config: &super::config::SimConfig,
    ) -> Option<super::call::Callback> {
        None
    }
}

/// A simulator's part of `lipa simulate`'s banner (English: a developer's tool).
pub struct Banner {
    /// Its demo keys as the banner lists them: (shown name, key, a note after the value).
    pub lines: &'static [(&'static str, &'static str, &'static str)],
    /// How a send that fails although the push was created answers (`<Provider> 500`).
    pub fails_with: &'static str,
    /// A number and what its customer does (`<Provider> 0712 345 670 pays`).
    pub example: &'static str,
    /// A sentence more, if it refuses some numbers.
    pub note: Option<&'static str>,
}

/// The providers' simulators one server runs, with the state they share.
#[derive(Clone)]
pub struct Served {
    pub sim: Arc<Sim>,
    pub sims: Arc<[&'static dyn Simulator]>,
}

impl Served {
    /// The ledger of truth, in each provider's status words.
    pub fn ledger(&self) -> Vec<super::ledger::LedgerEntry> {
        let sims = self.sims.clone();
        self.sim.ledger(&move |kind, status| {
            sims.iter()
                .find(|s| s.kind() == kind)
                .map_or("", |s| s.word(status))
        })
    }

    /// The simulator whose prefix a path is under; `None` for `/sim/*` and unknown paths.
    pub fn of_path(&self, path: &str) -> Option<&'static dyn Simulator> {
        self.sims
            .iter()
            .copied()
            .find(|s| path.starts_with(s.prefix()))
    }
}
