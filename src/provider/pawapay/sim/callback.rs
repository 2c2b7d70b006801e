//! pawaPay's deposit callback as the simulator sends it: the deposit as the status check
//! shows it (unsigned: the merchant has not turned signing on).

use crate::sim::call::Callback;
use crate::sim::config::SimConfig;
use crate::sim::ledger::SimStatus;
use crate::sim::state::Push;
use serde_json::json;

pub fn callback(push: &Push, status: SimStatus, _config: &SimConfig) -> Option<Callback> {
    let word = match status {
        SimStatus::Paid => "COMPLETED",
        SimStatus::Failed => "FAILED",
        SimStatus::Pending | SimStatus::Reversed => return None,
    };
    let mut body = json!({
        "depositId": push.id,
        "status": word,
        "amount": push.amount_text,
        "currency": push.amount.currency().code(),
        "payer": {"type": "MMO", "accountDetails": {"phoneNumber": push.phone, "provider": push.channel}},
        "clientReferenceId": push.reference,
        "created": push.created_at.to_rfc3339(),
    });
    if status == SimStatus::Paid {
        body["providerTransactionId"] = push.receipt.clone().into();
    } else {
        body["failureReason"] = json!({"failureCode": "PAYMENT_NOT_APPROVED", "failureMessage": "The customer did not approve"});
    }
    Some(Callback {
        headers: Vec::new(),
        body: body.to_string(),
    })
}
