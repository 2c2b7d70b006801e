//! A running simulator, as its owner holds it (the registry-free part; the rest is in
//! `sim/mod.rs`, and each provider's simulator adds its own base URL).

use super::faults::Faults;
use super::ledger::{LedgerEntry, SimStats};
use super::simulator::Served;
use super::state;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running simulator. Dropping it stops the server too; [`SimHandle::shutdown`] waits for it.
pub struct SimHandle {
    pub(super) addr: SocketAddr,
    pub(super) state: Arc<state::Sim>,
    pub(super) served: Served,
    pub(super) stop: Option<oneshot::Sender<()>>,
    pub(super) task: JoinHandle<()>,
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every push received, oldest first, with its status as of now.
    pub fn ledger(&self) -> Vec<LedgerEntry> {
        self.served.ledger()
    }

    /// An order of a provider whose push is two calls, as the simulator holds it.
    pub fn order(
        &self,
        provider: crate::provider_kind::ProviderKind,
        order_id: &str,
    ) -> Option<state::Order> {
        self.state.order(provider, order_id)
    }

    /// Counters: tokens, requests per endpoint, 401s, checksum failures, faults injected.
    pub fn stats(&self) -> SimStats {
        self.state.stats()
    }

    /// Invalidates every bearer token now (the next call with one gets 401).
    pub fn revoke_tokens(&self) {
        self.state.revoke_tokens();
    }

    /// The faults injected now.
    pub fn faults(&self) -> Faults {
        self.state.faults()
    }

    /// Replaces the faults to inject from now on (reseeding the random source).
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    /// Stops accepting requests, lets requests in flight finish, and waits for the server.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Err(error) = (&mut self.task).await {
            tracing::warn!(%error, "simulator task ended abnormally");
        }
    }
}
