//! ClickPesa's words on the simulator: status words, channel names, ids.

use crate::phone::Network;
use crate::sim::ledger::SimStatus;
use crate::sim::state::random_alnum;
use rand::Rng;

/// Its status word.
pub fn word(status: SimStatus) -> &'static str {
    match status {
        SimStatus::Pending => "PROCESSING",
        SimStatus::Paid => "SUCCESS",
        SimStatus::Failed => "FAILED",
        SimStatus::Reversed => "REVERSED",
    }
}

/// The channel name for a Tanzanian network. TTCL's wallet is not a push channel.
pub fn channel_for(network: Network) -> Option<&'static str> {
    match network {
        Network::Vodacom => Some("M-PESA"),
        Network::Tigo => Some("TIGO-PESA"),
        Network::AirtelTz => Some("AIRTEL-MONEY"),
        Network::Halotel => Some("HALOPESA"),
        _ => None,
    }
}

/// Every push wallet, for a preview without a phone number.
pub const CHANNELS: [&str; 4] = ["M-PESA", "TIGO-PESA", "AIRTEL-MONEY", "HALOPESA"];

/// Looks like ClickPesa's ids (`0969231256LCP2C95`).
pub fn new_id() -> String {
    let digits: u64 = rand::rng().random_range(0..10_000_000_000);
    format!("{digits:010}LCP{}", random_alnum(4))
}
