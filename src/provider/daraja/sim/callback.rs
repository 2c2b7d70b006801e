//! Daraja's STK callback as the simulator sends it (providers.md: `Body.stkCallback`, its
//! `CallbackMetadata` only on success).

use crate::sim::behaviour::Outcome;
use crate::sim::call::Callback;
use crate::sim::config::SimConfig;
use crate::sim::ledger::SimStatus;
use crate::sim::state::Push;
use serde_json::json;

pub fn callback(push: &Push, status: SimStatus, _config: &SimConfig) -> Option<Callback> {
    let phone: u64 = push.phone.parse().unwrap_or_default();
    let whole = push.amount.minor() / push.amount.currency().scale();
    let stk = match status {
        SimStatus::Paid => json!({
            "MerchantRequestID": format!("{}-1", push.id),
            "CheckoutRequestID": push.id,
            "ResultCode": 0,
            "ResultDesc": "The service request is processed successfully.",
            "CallbackMetadata": {"Item": [
                {"Name": "Amount", "Value": whole},
                {"Name": "MpesaReceiptNumber", "Value": push.receipt},
                {"Name": "TransactionDate", "Value": push.created_at.format("%Y%m%d%H%M%S").to_string().parse::<u64>().unwrap_or_default()},
                {"Name": "PhoneNumber", "Value": phone},
            ]},
        }),
        SimStatus::Failed => {
            let (code, desc) = match push.behaviour.outcome {
                Outcome::Insufficient => (1, "The balance is insufficient for the transaction."),
                _ => (1032, "Request cancelled by user"),
            };
            json!({
                "MerchantRequestID": format!("{}-1", push.id),
                "CheckoutRequestID": push.id,
                "ResultCode": code,
                "ResultDesc": desc,
            })
        }
        SimStatus::Pending | SimStatus::Reversed => return None,
    };
    Some(Callback {
        headers: Vec::new(),
        body: json!({"Body": {"stkCallback": stk}}).to_string(),
        sign: None,
    })
}
