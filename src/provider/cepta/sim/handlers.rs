//! Cepta under `/api/v1/pay`: channels, STK charge, verify. Every request is signed.
//!
//! Order of checks: signature (401) → content type (415) → fields (400) → duplicate → push.
//!
//! Decisions where Cepta's documentation is silent:
//! - A duplicate `transactionRef` is answered **400 `Duplicate transaction reference`** and
//!   creates nothing (Cepta uses 400 for every refusal of the request itself; a client that
//!   retries after a 408 learns the first attempt exists and must query it).
//! - `amount` must be a JSON number written as a plain decimal (no exponent), at most two
//!   decimals and at least 1 ([seen]); 0 or negative gets `Amount must be greater than 0`.
//! - `transactionRef` follows the documented pattern `^[a-zA-Z0-9-_\s]*$`, is not blank and
//!   at most 50 characters.
//! - Validation failures carry an extra `errors` object (field → messages) for people reading
//!   logs; clients should rely on `status`/`message` only.
//! - Verify answers `responseCode`, `paidAt` as `null` while pending.

use super::words::{self, CHANNELS, result_code, sent_message, word};
use super::{auth, envelope};
use crate::money::{Currency, Money};
use crate::provider_kind::ProviderKind::Cepta;
use crate::sim::behaviour;
use crate::sim::ledger::SimStatus;
use crate::sim::state::{CreateAnswer, Duplicate, NewPush, Sim};
use crate::sim::wire::{self, Refusal};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/api/v1/pay/mobile-money-banks", get(banks))
        .route("/api/v1/pay/ussd-charge", post(charge))
        .route("/api/v1/pay/verify-payment", get(verify))
}

const VALIDATION: &str = "One or more validation errors occurred";

async fn banks(
    State(sim): State<Arc<Sim>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    auth::signature(&sim, &method, &uri, &headers, &body)?;
    let data: Vec<Value> = CHANNELS
        .iter()
        .map(|(code, name)| json!({ "code": code, "name": name }))
        .collect();
    Ok(wire::json(
        StatusCode::OK,
        json!({ "status": true, "message": "Mobile money banks retrieved successfully", "data": data }),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChargeBody<'a> {
    transaction_ref: Option<Value>,
    customer_email: Option<Value>,
    #[serde(borrow)]
    amount: Option<&'a RawValue>,
    currency: Option<Value>,
    bank_account: Option<Value>,
    phone_number: Option<Value>,
    full_name: Option<Value>,
}

/// A charge that passed validation.
struct Charge {
    reference: String,
    email: String,
    amount_text: String,
    amount: Money,
    channel: String,
    phone: String,
}

async fn charge(
    State(sim): State<Arc<Sim>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    auth::signature(&sim, &method, &uri, &headers, &body)?;
    if !wire::is_json(&headers) {
        return Err(envelope::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type",
        ));
    }
    let Ok(parsed) = serde_json::from_slice::<ChargeBody>(&body) else {
        return Err(validation_failed(BTreeMap::from([(
            "body",
            "The request body is not valid JSON.",
        )])));
    };
    if let Some(Value::String(reference)) = &parsed.transaction_ref {
        sim.note_attempt(Cepta, reference);
    }
    let charge = validate(&parsed)?;
    let created = sim.create(NewPush {
        provider: Cepta,
        id: words::new_id(),
        reference: charge.reference,
        phone: charge.phone,
        amount_text: charge.amount_text,
        amount: charge.amount,
        channel: charge.channel,
        email: Some(charge.email),
        callback_url: None,
    });
    let push = match created {
        Ok(push) => push,
        Err(Duplicate) => {
            return Err(envelope::error(
                StatusCode::BAD_REQUEST,
                "Duplicate transaction reference",
            ));
        }
    };
    tracing::debug!(reference = %push.reference, "cepta: push created");
    if push.behaviour.initiate_fails {
        return Err(envelope::error(
            StatusCode::REQUEST_TIMEOUT,
            "Request timed out",
        ));
    }
    match push.quirks.answer {
        CreateAnswer::Normal => {}
        // What an undocumented duplicate check might say: 200, status false.
        CreateAnswer::Duplicate => {
            return Err(envelope::error(
                StatusCode::OK,
                "Duplicate transaction reference",
            ));
        }
        CreateAnswer::Throttle => {
            return Ok(wire::with_retry_after(
                envelope::too_many(),
                sim.faults().retry_after_secs,
            ));
        }
    }
    Ok(wire::json(
        StatusCode::OK,
        Envelope {
            status: true,
            message: sent_message(&push.channel),
            data: ChargeData {
                transaction_ref: push.reference,
                response_code: "0",
                payment_id: push.id,
                amount: wire::number(&push.amount_text),
            },
        },
    ))
}

/// Cepta's success envelope. Built from structs, never `json!`, so that amounts stay raw
/// JSON numbers (a `Value` would turn `100.50` into the float `100.5`).
#[derive(Serialize)]
struct Envelope<T> {
    status: bool,
    message: &'static str,
    data: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ChargeData {
    transaction_ref: String,
    response_code: &'static str,
    payment_id: String,
    amount: Box<RawValue>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyData {
    transaction_ref: String,
    payment_id: String,
    /// Exactly as charged (`100.50` stays `100.50`); left out by the no-echo fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency: Option<&'static str>,
    status: &'static str,
    response_code: Option<&'static str>,
    processor_response: &'static str,
    phone_number: String,
    customer_email: Option<String>,
    bank_account: String,
    created_at: String,
    paid_at: Option<String>,
}

fn validation_failed(errors: BTreeMap<&str, &str>) -> Refusal {
    let errors: BTreeMap<&str, [&str; 1]> = errors.into_iter().map(|(k, v)| (k, [v])).collect();
    envelope::invalid(json!(errors))
}

fn validate(body: &ChargeBody) -> Result<Charge, Refusal> {
    let mut errors: BTreeMap<&str, &str> = BTreeMap::new();
    let text = |v: &Option<Value>| match v {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
        _ => None,
    };
    let reference = text(&body.transaction_ref);
    let mut invalid_chars = false;
    match &reference {
        None => {
            errors.insert("transactionRef", "The transactionRef field is required.");
        }
        Some(r) if r.chars().count() > 50 => {
            errors.insert(
                "transactionRef",
                "transactionRef must be at most 50 characters.",
            );
        }
        Some(r) => {
            invalid_chars = !r
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c.is_whitespace());
        }
    }
    let email = text(&body.customer_email).filter(|e| looks_like_email(e));
    if email.is_none() {
        errors.insert(
            "customerEmail",
            "The customerEmail field is not a valid e-mail address.",
        );
    }
    let mut not_positive = false;
    let amount = match body.amount {
        None => {
            errors.insert("amount", "The amount field is required.");
            None
        }
        Some(raw) => match kes_amount(raw.get()) {
            Ok(money) => Some((raw.get().to_string(), money)),
            Err(AmountProblem::NotPositive) => {
                not_positive = true;
                None
            }
            Err(AmountProblem::Invalid(message)) => {
                errors.insert("amount", message);
                None
            }
        },
    };
    if body.currency.as_ref().and_then(Value::as_str) != Some("KES") {
        errors.insert("currency", "Currency must be KES.");
    }
    let channel = text(&body.bank_account).filter(|c| CHANNELS.iter().any(|(code, _)| code == c));
    if channel.is_none() {
        errors.insert(
            "bankAccount",
            "bankAccount must be a mobile-money channel code.",
        );
    }
    let phone = text(&body.phone_number).filter(|p| ke_phone(p));
    if phone.is_none() {
        errors.insert("phoneNumber", "phoneNumber must be in 254XXXXXXXXX format.");
    }
    if !matches!(
        &body.full_name,
        None | Some(Value::Null) | Some(Value::String(_))
    ) {
        errors.insert("fullName", "fullName must be a string.");
    }
    if !errors.is_empty() {
        return Err(validation_failed(errors));
    }
    if invalid_chars {
        return Err(envelope::error(
            StatusCode::BAD_REQUEST,
            "Reference contains invalid characters",
        ));
    }
    if not_positive {
        return Err(envelope::error(
            StatusCode::BAD_REQUEST,
            "Amount must be greater than 0",
        ));
    }
    match (reference, email, amount, channel, phone) {
        (Some(reference), Some(email), Some((amount_text, amount)), Some(channel), Some(phone)) => {
            Ok(Charge {
                reference,
                email,
                amount_text,
                amount,
                channel,
                phone,
            })
        }
        _ => Err(envelope::error(StatusCode::BAD_REQUEST, VALIDATION)),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum AmountProblem {
    /// Zero or negative: Cepta's own message.
    NotPositive,
    /// Anything else: a validation message for that field.
    Invalid(&'static str),
}

/// A JSON number text: a plain decimal > 0, at least 1, at most two decimals.
fn kes_amount(raw: &str) -> Result<Money, AmountProblem> {
    use AmountProblem::*;
    if raw.starts_with('"') {
        return Err(Invalid("The amount field must be a number."));
    }
    if raw.starts_with('-') || raw.bytes().all(|b| b == b'0' || b == b'.') {
        return Err(NotPositive);
    }
    if !raw.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(Invalid("The amount field must be a plain decimal number."));
    }
    match Money::from_wire(raw, Currency::Kes) {
        None => Err(Invalid("The amount field allows at most 2 decimals.")),
        Some(m) if m.minor() < Currency::Kes.minimum_minor() => {
            Err(Invalid("The amount must be at least 1."))
        }
        Some(m) => Ok(m),
    }
}

fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// `254` + 9 digits, the first of them 7 or 1.
fn ke_phone(text: &str) -> bool {
    text.len() == 12
        && text.starts_with("254")
        && text.bytes().all(|b| b.is_ascii_digit())
        && matches!(text.as_bytes()[3], b'7' | b'1')
}

async fn verify(
    State(sim): State<Arc<Sim>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
    body: Bytes,
) -> Result<Response, Refusal> {
    auth::signature(&sim, &method, &uri, &headers, &body)?;
    // Query parameter names bind case-insensitively, as in Cepta's framework.
    let reference = params.ok().and_then(|Query(params)| {
        params
            .into_iter()
            .find(|(k, v)| k.eq_ignore_ascii_case("TransactionRef") && !v.trim().is_empty())
            .map(|(_, v)| v)
    });
    let Some(reference) = reference else {
        return Err(validation_failed(BTreeMap::from([(
            "TransactionRef",
            "The TransactionRef field is required.",
        )])));
    };
    let Some(push) = sim.get(Cepta, &reference) else {
        return Err(envelope::error(
            StatusCode::NOT_FOUND,
            "TRANSACTION_NOT_FOUND",
        ));
    };
    let phase = push.phase(sim.config.settle);
    let outcome = push.behaviour.outcome;
    let (code, words) = match phase.status {
        SimStatus::Pending => (None, "Awaiting customer confirmation"),
        SimStatus::Paid => (Some("0"), "The service request is processed successfully."),
        SimStatus::Reversed => (Some("0"), "Transaction reversed"),
        SimStatus::Failed => (
            Some(result_code(outcome)),
            behaviour::failure_message(outcome).unwrap_or("Failed"),
        ),
    };
    Ok(wire::json(
        StatusCode::OK,
        Envelope {
            status: true,
            message: "Transaction retrieved successfully",
            data: VerifyData {
                transaction_ref: push.reference,
                payment_id: push.id,
                amount: (!push.quirks.no_echo).then(|| wire::number(&push.amount_text)),
                currency: (!push.quirks.no_echo).then_some("KES"),
                status: word(phase.status),
                response_code: code,
                processor_response: words,
                phone_number: if push.quirks.other_phone {
                    wire::other_phone(&push.phone)
                } else {
                    push.phone
                },
                customer_email: push.email,
                bank_account: push.channel,
                created_at: wire::timestamp(push.created_at),
                paid_at: phase.paid_at.map(wire::timestamp),
            },
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly() {
        let minor = |t| kes_amount(t).map(Money::minor);
        assert_eq!(minor("100.00"), Ok(10_000));
        assert_eq!(minor("100.5"), Ok(10_050));
        assert_eq!(minor("106040"), Ok(10_604_000));
        for t in ["0", "-5", "0.00"] {
            assert_eq!(minor(t), Err(AmountProblem::NotPositive), "{t}");
        }
        for t in ["\"100\"", "1e2", "1.005", "0.5", "true"] {
            assert!(matches!(minor(t), Err(AmountProblem::Invalid(_))), "{t}");
        }
        assert!(ke_phone("254712345678") && ke_phone("254112345678"));
        assert!(!ke_phone("254612345678") && !ke_phone("25471234567"));
    }
}
