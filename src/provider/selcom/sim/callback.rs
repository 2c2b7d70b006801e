//! Selcom's webhook as the simulator sends it: the order's outcome, signed with the same
//! headers as requests, keyed with the API secret.

use super::super::sign::{self, Value};
use super::SIM_KIND;
use crate::sim::call::Callback;
use crate::sim::config::SimConfig;
use crate::sim::ledger::SimStatus;
use crate::sim::state::Push;

pub fn callback(push: &Push, status: SimStatus, config: &SimConfig) -> Option<Callback> {
    let (result, code, payment) = match status {
        SimStatus::Paid => ("SUCCESS", "000", "COMPLETED"),
        SimStatus::Failed => ("FAIL", "999", "REJECTED"),
        SimStatus::Pending | SimStatus::Reversed => return None,
    };
    let fields: sign::Fields = vec![
        ("order_id", Value::Text(push.reference.clone())),
        ("transid", Value::Text(push.id.clone())),
        ("result", Value::Text(result.into())),
        ("resultcode", Value::Text(code.into())),
        ("payment_status", Value::Text(payment.into())),
    ];
    let ts = sign::timestamp(chrono::Utc::now());
    let headers = vec![
        (
            "Authorization".to_string(),
            sign::authorization(config.value(SIM_KIND, "api_key")),
        ),
        ("Digest-Method".to_string(), "HS256".to_string()),
        ("Timestamp".to_string(), ts.clone()),
        ("Signed-Fields".to_string(), sign::signed_fields(&fields)),
        (
            "Digest".to_string(),
            sign::digest(config.value(SIM_KIND, "api_secret"), &ts, &fields),
        ),
    ];
    Some(Callback {
        headers,
        body: sign::body(&fields),
        sign: None,
    })
}
