//! Cepta's webhook as the simulator sends it (its shape is undocumented: the status query's
//! words, named by `transactionRef`).

use super::words;
use crate::sim::call::Callback;
use crate::sim::config::SimConfig;
use crate::sim::ledger::SimStatus;
use crate::sim::state::Push;
use serde_json::json;

pub fn callback(push: &Push, status: SimStatus, _config: &SimConfig) -> Option<Callback> {
    if matches!(status, SimStatus::Pending | SimStatus::Reversed) {
        return None;
    }
    let body = json!({
        "transactionRef": push.reference,
        "status": words::word(status),
        "amount": push.amount_text,
        "currency": push.amount.currency().code(),
    });
    // Cepta's static token: SHA-512 of the secret key and the merchant id (providers.md).
    let token = super::super::hook::hash_key(
        super::demo::CEPTA_SECRET_KEY,
        super::demo::CEPTA_MERCHANT_ID,
    );
    Some(Callback {
        headers: vec![("hash-key".to_string(), token)],
        body: body.to_string(),
        sign: None,
    })
}
