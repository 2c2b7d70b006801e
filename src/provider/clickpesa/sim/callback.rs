//! ClickPesa's webhook as the simulator sends it: `{"event", "data": {payment}}`, with the
//! checksum in the body when checksums are on.

use super::super::checksum::checksum;
use super::words;
use crate::sim::call::Callback;
use crate::sim::config::SimConfig;
use crate::sim::ledger::SimStatus;
use crate::sim::state::Push;
use serde_json::json;

pub fn callback(push: &Push, status: SimStatus, config: &SimConfig) -> Option<Callback> {
    let event = match status {
        SimStatus::Paid => "PAYMENT RECEIVED",
        SimStatus::Failed => "PAYMENT FAILED",
        SimStatus::Pending | SimStatus::Reversed => return None,
    };
    let mut body = json!({
        "event": event,
        "data": {
            "id": push.id,
            "status": words::word(status),
            "paymentReference": push.receipt,
            "paymentPhoneNumber": push.phone,
            "orderReference": push.reference,
            "collectedAmount": push.amount_text,
            "collectedCurrency": push.amount.currency().code(),
            "channel": push.channel,
        }
    });
    if let Some(key) = &config.checksum_key {
        body["checksum"] = checksum(&body, key).into();
        body["checksumMethod"] = "canonical".into();
    }
    Some(Callback {
        headers: Vec::new(),
        body: body.to_string(),
        sign: None,
    })
}
