//! ClickPesa under `/third-parties`: token, preview, initiate, query by reference, list.
//!
//! Order of checks, as a framework-based service would run them: token → JSON body →
//! checksum → field shapes (framework 400 with a `message` array) → documented business rules
//! (400/404/409 with a `message` string) → the push.

use super::words::{self, CHANNELS, channel_for, word};
use super::{auth, envelope, query};
use crate::money::{Currency, Money};
use crate::phone::{Country, Network, Phone};
use crate::provider_kind::ProviderKind::ClickPesa;
use crate::sim::behaviour;
use crate::sim::state::{CreateAnswer, Duplicate, NewPush, Sim};
use crate::sim::wire::{self, Refusal};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use std::sync::Arc;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/third-parties/generate-token", post(generate_token))
        .route(
            "/third-parties/payments/preview-ussd-push-request",
            post(preview),
        )
        .route(
            "/third-parties/payments/initiate-ussd-push-request",
            post(initiate),
        )
        .route("/third-parties/payments/all", get(query::list))
        .route(
            "/third-parties/payments/{orderReference}",
            get(query::query),
        )
}

async fn generate_token(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
) -> Result<Response, Refusal> {
    if let Err(message) = auth::credentials(&sim, &headers) {
        tracing::debug!(message, "clickpesa: token refused");
        sim.bump(|s| s.token_refusals += 1);
        return Err(envelope::error(StatusCode::FORBIDDEN, message));
    }
    let token = sim.issue_token();
    Ok(wire::json(
        StatusCode::OK,
        json!({ "success": true, "token": format!("Bearer {token}") }),
    ))
}

/// A validated preview or initiate body.
struct Order {
    amount_text: String,
    amount: Money,
    reference: String,
    phone: Option<(String, Network)>,
    fetch_sender: bool,
}

/// Token, JSON body and checksum; on initiate, the reference is counted as an attempt.
fn admit(
    sim: &Sim,
    headers: &HeaderMap,
    body: &[u8],
    initiate: bool,
) -> Result<Map<String, Value>, Refusal> {
    auth::token(sim, headers)?;
    // Like a body parser: a non-JSON content type leaves the body empty.
    let map = if !wire::is_json(headers) || body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            _ => return Err(envelope::bad_json()),
        }
    };
    if let Some(reference) = map.get("orderReference").and_then(Value::as_str)
        && initiate
    {
        sim.note_attempt(ClickPesa, reference);
    }
    auth::checksum(sim, &map)?;
    Ok(map)
}

fn validate(body: &Map<String, Value>, phone_required: bool) -> Result<Order, Refusal> {
    let mut shape = Vec::new();
    let amount = match body.get("amount") {
        None | Some(Value::Null) => Err("amount should not be empty"),
        Some(Value::String(text)) => tzs_amount(text).map(|m| (text.clone(), m)),
        Some(_) => Err("amount must be a string"),
    };
    if let Err(message) = &amount {
        shape.push(message.to_string());
    }
    match body.get("currency") {
        None | Some(Value::Null) => shape.push("currency should not be empty".into()),
        Some(Value::String(c)) if c == "TZS" => {}
        Some(_) => shape.push("currency must be one of the following values: TZS".into()),
    }
    let fetch_sender = match body.get("fetchSenderDetails") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            shape.push("fetchSenderDetails must be a boolean value".into());
            false
        }
    };
    let (amount_text, amount) = match amount {
        Ok(ok) if shape.is_empty() => ok,
        _ => return Err(envelope::bad_request(shape)),
    };
    let reference = body
        .get("orderReference")
        .and_then(Value::as_str)
        .filter(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric()))
        .ok_or_else(|| {
            envelope::error(
                StatusCode::BAD_REQUEST,
                "Invalid Order Reference, should only contain alphanumeric characters and \
                 cannot be blank",
            )
        })?;
    let phone = match body.get("phoneNumber") {
        None | Some(Value::Null) if !phone_required => None,
        given => Some(tz_phone(given.and_then(Value::as_str)).ok_or_else(bad_phone)?),
    };
    Ok(Order {
        amount_text,
        amount,
        reference: reference.to_string(),
        phone,
        fetch_sender,
    })
}

fn bad_phone() -> Refusal {
    envelope::error(
        StatusCode::BAD_REQUEST,
        "Invalid / unsupported phone number",
    )
}

/// A positive number of whole shillings, written as plain digits (`1000`, `1000.00`).
fn tzs_amount(text: &str) -> Result<Money, &'static str> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || text.ends_with('.') {
        return Err("amount must be a number string");
    }
    if frac.bytes().any(|b| b != b'0') {
        return Err("amount must be a whole number of shillings");
    }
    match Money::from_wire(text, Currency::Tzs) {
        Some(m) if m.minor() > 0 => Ok(m),
        Some(_) => Err("amount must be a positive number"),
        None => Err("amount must be a number string"),
    }
}

/// `255` + 9 digits on a network ClickPesa's validator knows.
fn tz_phone(text: Option<&str>) -> Option<(String, Network)> {
    let text = text?;
    if text.len() != 12 || !text.starts_with("255") || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let phone = Phone::parse(text, Country::Tanzania).ok()?;
    Some((phone.normalized().to_string(), phone.network()))
}

async fn preview(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let order = validate(&admit(&sim, &headers, &body, false)?, false)?;
    let method = |name: &str, available: bool| {
        json!({
            "name": name,
            "status": if available { "AVAILABLE" } else { "UNAVAILABLE" },
            "fee": 0,
            "message": if available { "Payment method is available" } else { "Payment method not supported" },
        })
    };
    let Some((phone, network)) = order.phone else {
        let all: Vec<Value> = CHANNELS.iter().map(|c| method(c, true)).collect();
        return Ok(wire::json(StatusCode::OK, json!({ "activeMethods": all })));
    };
    let Some(channel) = channel_for(network) else {
        return Ok(wire::json(
            StatusCode::OK,
            json!({ "activeMethods": [method("T-PESA", false)] }),
        ));
    };
    let mut answer = json!({ "activeMethods": [method(channel, true)] });
    if order.fetch_sender {
        answer["sender"] = json!({
            "accountName": behaviour::customer_name(&phone),
            "accountNumber": phone,
            "accountProvider": channel,
        });
    }
    Ok(wire::json(StatusCode::OK, answer))
}

async fn initiate(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let order = validate(&admit(&sim, &headers, &body, true)?, true)?;
    let Some((phone, network)) = order.phone else {
        return Err(bad_phone());
    };
    // TTCL's wallet is not a ClickPesa push channel (providers.md): no push is created.
    let Some(channel) = channel_for(network) else {
        return Err(envelope::error(
            StatusCode::NOT_FOUND,
            "Account has no valid payment method",
        ));
    };
    let created = sim.create(NewPush {
        provider: ClickPesa,
        id: words::new_id(),
        reference: order.reference.clone(),
        phone,
        amount_text: order.amount_text,
        amount: order.amount,
        channel: channel.to_string(),
        email: None,
        callback_url: None,
    });
    let push = match created {
        Ok(push) => push,
        Err(Duplicate) => {
            let message = format!(
                "Order reference {} already used: Create a different reference",
                order.reference
            );
            return Err(envelope::error(StatusCode::CONFLICT, &message));
        }
    };
    tracing::debug!(reference = %push.reference, "clickpesa: push created");
    if push.behaviour.initiate_fails {
        return Err(envelope::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal server error",
        ));
    }
    match push.quirks.answer {
        CreateAnswer::Normal => {}
        CreateAnswer::Duplicate => {
            let message = format!(
                "Order reference {} already used: Create a different reference",
                push.reference
            );
            return Err(envelope::error(StatusCode::CONFLICT, &message));
        }
        CreateAnswer::Throttle => {
            return Ok(wire::with_retry_after(
                envelope::too_many(),
                sim.faults().retry_after_secs,
            ));
        }
    }
    let phase = push.phase(sim.config.settle);
    Ok(wire::json(
        StatusCode::OK,
        json!({
            "id": push.id,
            "status": word(phase.status),
            "channel": push.channel,
            "orderReference": push.reference,
            // A string here, a number in queries (providers.md).
            "collectedAmount": wire::two_decimals(push.amount.minor(), 0),
            "collectedCurrency": "TZS",
            "createdAt": wire::timestamp(push.created_at),
            "clientId": sim.config.value(ClickPesa, "client_id"),
        }),
    ))
}
