//! How a simulator behaves: its port, its customers' pace, the credentials it accepts and the
//! faults it injects.

use super::faults::Faults;
use crate::provider::settings::Settings;
use crate::provider_kind::ProviderKind;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// How the simulator behaves. `Default` (in `sim/mod.rs`): any free port, settle 3 s, tokens
/// live 1 h, no checksum required, every provider's demo credentials, a signed timestamp may
/// be 5 min off, no faults.
#[derive(Clone)]
pub struct SimConfig {
    /// Port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// Time from the push to the customer's answer (paid, cancelled, …).
    pub settle: Duration,
    /// Lifetime of a bearer token.
    pub token_ttl: Duration,
    /// The body checksum key; `None` = checksums are not required (and ignored when sent).
    pub checksum_key: Option<String>,
    /// The credentials each provider's simulator accepts, by its row's key names (the base
    /// URL is not used).
    pub accounts: BTreeMap<ProviderKind, Settings>,
    /// Largest accepted difference between a signed request's timestamp and the simulator's
    /// clock; `None` disables the check. Undocumented by the providers: 5 minutes is our guess.
    pub max_skew: Option<Duration>,
    /// Faults to inject (none by default). Can be changed later with `SimHandle::set_faults`.
    pub faults: Faults,
    /// Where the simulator calls back when a payment ends (`None`: it does not).
    pub callback: Option<super::call::SimCallback>,
}

impl SimConfig {
    /// A key a provider's simulator accepts (`""` when it has none).
    pub fn value(&self, kind: ProviderKind, key: &str) -> &str {
        let Some(account) = self.accounts.get(&kind) else {
            return "";
        };
        account
            .text(key)
            .or_else(|| account.secret(key).map(|s| s.expose()))
            .unwrap_or("")
    }
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys stay out of logs even when they are only demo values (Settings hides them).
        f.debug_struct("SimConfig")
            .field("port", &self.port)
            .field("settle", &self.settle)
            .field("token_ttl", &self.token_ttl)
            .field("checksum", &self.checksum_key.is_some())
            .field("accounts", &self.accounts)
            .field("max_skew", &self.max_skew)
            .field("faults", &self.faults)
            .field("callback", &self.callback)
            .finish_non_exhaustive()
    }
}
