//! Cepta's words on the simulator: status words, channels, result codes, ids.

use crate::sim::behaviour::Outcome;
use crate::sim::ledger::SimStatus;

/// Its status word.
pub fn word(status: SimStatus) -> &'static str {
    match status {
        SimStatus::Pending => "pending",
        SimStatus::Paid => "successful",
        SimStatus::Failed => "failed",
        SimStatus::Reversed => "reversed",
    }
}

/// Its (M-Pesa-like) result code for a final outcome.
pub fn result_code(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pays => "0",
        Outcome::Cancels => "1032",
        Outcome::Insufficient => "1",
        Outcome::Silent => "1037",
    }
}

/// Its channels: `(code, name)`, as `mobile-money-banks` lists them (the simulator's own
/// list, apart from the client's, so that a drift in one is caught by the other).
pub const CHANNELS: [(&str, &str); 4] = [
    ("63902", "M-PESA"),
    ("63903", "Airtel Money"),
    ("63907", "T-KASH"),
    ("0", "SasaPay"),
];

/// Its charge message for a channel code.
pub fn sent_message(code: &str) -> &'static str {
    match code {
        "63903" => "Airtel Money push sent. Enter your PIN",
        "63907" => "T-KASH push sent. Enter your PIN",
        "0" => "SasaPay push sent. Enter your PIN",
        _ => "MPESA STK sent. Enter your PIN",
    }
}

/// A random (version 4) UUID, as its `paymentId`.
pub fn new_id() -> String {
    crate::sim::state::uuid_v4()
}
