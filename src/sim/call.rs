//! What the simulator's callbacks are made of (a leaf: `callback.rs` sends them, each
//! provider's simulator writes its own).

use std::time::Duration;

/// Where and how the simulator calls back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimCallback {
    /// lipa's receiver, e.g. `http://127.0.0.1:8089` (`/hooks/<provider>` is added).
    pub url: String,
    /// How long after the customer's answer the callback leaves.
    pub delay: Duration,
    /// Callbacks lost on the way, per mille.
    pub lose_per_mille: u16,
    /// Callbacks sent twice, per mille.
    pub twice_per_mille: u16,
}

/// One callback as a provider sends it: its headers and its body.
#[derive(Debug, Clone)]
pub struct Callback {
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Signs it for the address it goes to (`authority`, `path`, body): the headers to add.
    pub sign: Option<Signer>,
}

/// A provider's signing of a callback: `(authority, path, body)` to the headers that sign it.
pub type Signer = fn(&str, &str, &str) -> Vec<(String, String)>;
