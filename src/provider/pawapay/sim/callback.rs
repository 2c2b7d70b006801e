//! pawaPay's deposit callback as the simulator sends it: the deposit as the status check
//! shows it, signed (RFC 9421) as pawaPay signs it when the merchant turns that on, with the
//! simulator's own key (published at `/v2/public-key/http`).

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
        sign: Some(sign),
    })
}

/// The id of the simulator's signing key.
pub const KEY_ID: &str = "HTTP_EC_P256_KEY:1";

/// The simulator's signing key: the same in every run (it signs nothing of value).
pub fn signing_key() -> p256::ecdsa::SigningKey {
    use sha2::Digest;
    let seed = sha2::Sha256::digest(b"lipa's simulator signs pawaPay's callbacks");
    match p256::ecdsa::SigningKey::from_slice(&seed) {
        Ok(key) => key,
        // A SHA-256 is a valid P-256 scalar but for odds of about 2^-128.
        Err(_) => unreachable!("the simulator's seed is a valid key"),
    }
}

/// The signing headers for a callback sent to `authority` + `path`.
fn sign(authority: &str, path: &str, body: &str) -> Vec<(String, String)> {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        reqwest::header::HeaderValue::from_static("application/json"),
    );
    let message = crate::provider::http_signature::Message {
        method: "POST",
        authority,
        path,
        query: None,
        headers: &headers,
        body: body.as_bytes(),
    };
    let covered = [
        "@method",
        "@authority",
        "@path",
        "content-digest",
        "content-type",
    ];
    let now = chrono::Utc::now().timestamp();
    crate::provider::http_signature::sign(&message, &covered, &signing_key(), KEY_ID, now)
        .unwrap_or_default()
}
