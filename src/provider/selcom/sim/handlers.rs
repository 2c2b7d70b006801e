//! Selcom's order, wallet payment and order status on the simulator.
//!
//! Every request is checked as Selcom checks it: `Authorization`, a `Timestamp` within five
//! minutes of the simulator's clock, `Digest-Method: HS256`, `Signed-Fields` naming exactly
//! the body's fields (or the GET's parameters), every value plain text or an integer (a float
//! is refused), and the `Digest` over them. A wallet payment whose answer is lost (last digit
//! 9, or a fault drawn when it is made) answers 502 with an HTML page; a second one for one
//! order is refused and counted (`repeated_pushes`). A customer who never answers (digit 8)
//! is reported `999` (ambiguous) once they should have.

use super::super::sign::{self, Value};
use super::SIM_KIND;
use crate::money::{Currency, Money};
use crate::phone::{Country, Network, Phone};
use crate::sim::behaviour::Outcome;
use crate::sim::ledger::SimStatus;
use crate::sim::state::{CreateAnswer, NewPush, Order, Sim, random_alnum};
use crate::sim::wire::{self, Refusal};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, json};
use std::sync::Arc;

/// How far a request's `Timestamp` may be from the simulator's clock.
const CLOCK_SLACK_SECS: i64 = 300;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route(
            "/selcom/v1/checkout/create-order-minimal",
            post(create_order),
        )
        .route("/selcom/v1/checkout/wallet-payment", post(wallet_payment))
        .route("/selcom/v1/checkout/order-status", get(order_status))
}

/// Selcom's envelope.
pub fn answer(status: StatusCode, code: &str, result: &str, message: &str) -> Refusal {
    Refusal::new(
        status,
        json!({
            "reference": new_id(),
            "resultcode": code,
            "result": result,
            "message": message,
            "data": [],
        }),
    )
}

fn invalid(message: &str) -> Refusal {
    answer(StatusCode::BAD_REQUEST, "400", "FAIL", message)
}

fn unauthorised(message: &str) -> Refusal {
    answer(StatusCode::UNAUTHORIZED, "403", "FAIL", message)
}

/// Selcom's reference: ten digits.
pub fn new_id() -> String {
    format!("{:010}", rand::random::<u32>())
}

/// A query string's pairs, decoded (`+` a space, `%XX` a byte).
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |t: &str| {
        let t = t.replace('+', " ");
        crate::secret::percent_decode(&t).unwrap_or(t)
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// The request's signature, over `fields` (every field of the body, or every parameter).
fn verify(sim: &Sim, headers: &HeaderMap, fields: &[(String, Value)]) -> Result<(), Refusal> {
    sign::check(
        headers,
        fields,
        sim.config.value(SIM_KIND, "api_key"),
        sim.config.value(SIM_KIND, "api_secret"),
        sim.now_utc(),
        CLOCK_SLACK_SECS,
    )
    .map_err(unauthorised)
}

/// A JSON body, and its fields as signed.
type Body = (Map<String, serde_json::Value>, Vec<(String, Value)>);

/// A JSON body's fields as signed: strings as they are, integers as digits; anything else (a
/// float, `8000.0`) is refused.
fn body_fields(body: &[u8]) -> Result<Body, Refusal> {
    let map: Map<String, serde_json::Value> =
        serde_json::from_slice(body).map_err(|_| invalid("Invalid request body"))?;
    let fields = sign::fields_of(&map).map_err(|why| invalid(&why))?;
    Ok((map, fields))
}

fn text<'a>(map: &'a Map<String, serde_json::Value>, field: &str) -> Result<&'a str, Refusal> {
    map.get(field)
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| invalid(&format!("Invalid {field}")))
}

fn whole(map: &Map<String, serde_json::Value>, field: &str) -> Result<i64, Refusal> {
    map.get(field)
        .and_then(serde_json::Value::as_i64)
        .ok_or_else(|| invalid(&format!("Invalid {field}")))
}

/// `255` and nine digits.
fn tz_phone(t: &str) -> bool {
    t.len() == 12 && t.starts_with("255") && t.bytes().all(|b| b.is_ascii_digit())
}

/// The wallet Selcom names for a number.
pub fn channel(phone: &str) -> &'static str {
    match Phone::parse(phone, Country::Tanzania).map(|p| p.network()) {
        Ok(Network::Vodacom) => "MPESA-TZ",
        Ok(Network::Tigo) => "TIGOPESA",
        Ok(Network::AirtelTz) => "AIRTELMONEY",
        Ok(Network::Halotel) => "HALOPESA",
        _ => "TTCLPESA",
    }
}

async fn create_order(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let (map, fields) = body_fields(&body)?;
    verify(&sim, &headers, &fields)?;
    if text(&map, "vendor")? != sim.config.value(SIM_KIND, "vendor") {
        return Err(invalid("Invalid vendor"));
    }
    let order_id = text(&map, "order_id")?;
    if order_id.len() > 20 || !order_id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid("Invalid order_id"));
    }
    if !text(&map, "buyer_email")?.contains('@') {
        return Err(invalid("Invalid buyer_email"));
    }
    text(&map, "buyer_name")?;
    let phone = text(&map, "buyer_phone")?;
    if !tz_phone(phone) {
        return Err(invalid("Invalid buyer_phone"));
    }
    let amount = whole(&map, "amount")?;
    if amount <= 0 {
        return Err(invalid("Invalid amount"));
    }
    if text(&map, "currency")? != "TZS" {
        return Err(invalid("Invalid currency"));
    }
    if whole(&map, "no_of_items")? < 1 {
        return Err(invalid("Invalid no_of_items"));
    }
    let order = Order {
        provider: SIM_KIND,
        order_id: order_id.to_string(),
        id: new_id(),
        phone: phone.to_string(),
        amount_text: amount.to_string(),
        amount: Money::from_minor(amount * Currency::Tzs.scale(), Currency::Tzs),
        created_at: sim.now_utc(),
        pushes_asked: 0,
        webhook: map
            .get("webhook")
            .and_then(serde_json::Value::as_str)
            .and_then(|b| {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD.decode(b).ok()
            })
            .and_then(|b| String::from_utf8(b).ok()),
    };
    let Ok(order) = sim.create_order(order) else {
        return Err(invalid("Order already exists"));
    };
    Ok(wire::json(
        StatusCode::OK,
        json!({
            "reference": order.id,
            "resultcode": "000",
            "result": "SUCCESS",
            "message": "Order creation successful",
            "data": [{
                "gateway_buyer_uuid": random_alnum(12).to_ascii_lowercase(),
                "payment_token": new_id(),
                "payment_gateway_url": "https://example.selcommobile.com/pay",
            }],
        }),
    ))
}

async fn wallet_payment(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let (map, fields) = body_fields(&body)?;
    verify(&sim, &headers, &fields)?;
    text(&map, "transid")?;
    let order_id = text(&map, "order_id")?;
    let msisdn = text(&map, "msisdn")?;
    if !tz_phone(msisdn) {
        return Err(invalid("Invalid msisdn"));
    }
    let Some(order) = sim.order(SIM_KIND, order_id) else {
        return Err(invalid("Order not found"));
    };
    sim.note_attempt(SIM_KIND, order_id);
    if sim.ask_push(SIM_KIND, order_id).unwrap_or(1) > 1 {
        tracing::warn!(order_id, "selcom: a second wallet payment for one order");
        return Err(invalid("Payment already requested for this order"));
    }
    let created = sim.create(NewPush {
        provider: SIM_KIND,
        id: order.id.clone(),
        reference: order_id.to_string(),
        phone: msisdn.to_string(),
        amount_text: order.amount_text.clone(),
        amount: order.amount,
        channel: channel(msisdn).into(),
        email: None,
        callback_url: order.webhook.clone(),
    });
    let Ok(push) = created else {
        return Err(invalid("Payment already requested for this order"));
    };
    if push.behaviour.initiate_fails || push.quirks.answer != CreateAnswer::Normal {
        tracing::debug!(order_id, "selcom: wallet payment made, answer lost");
        return Ok(lost());
    }
    Ok(wire::json(
        StatusCode::OK,
        json!({
            "reference": new_id(),
            "resultcode": "111",
            "result": "PENDING",
            "message": "Request in progress. You will receive a callback shortly",
            "data": [],
        }),
    ))
}

/// A gateway's page instead of Selcom's answer.
fn lost() -> Response {
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    )
        .into_response()
}

async fn order_status(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Refusal> {
    let pairs = query_pairs(query.as_deref().unwrap_or_default());
    let fields: Vec<(String, Value)> = pairs
        .iter()
        .map(|(k, v)| (k.clone(), Value::Text(v.clone())))
        .collect();
    verify(&sim, &headers, &fields)?;
    let Some((_, order_id)) = pairs.iter().find(|(k, _)| k == "order_id") else {
        return Err(invalid("Invalid order_id"));
    };
    // A push adopted from an earlier simulator (the demo restarted) stands for its order.
    let adopted = || {
        sim.get(SIM_KIND, order_id).map(|p| Order {
            provider: SIM_KIND,
            order_id: p.reference.clone(),
            id: p.id.clone(),
            phone: p.phone.clone(),
            amount_text: p.amount_text.clone(),
            amount: p.amount,
            created_at: p.created_at,
            pushes_asked: 1,
            webhook: None,
        })
    };
    let Some(order) = sim.order(SIM_KIND, order_id).or_else(adopted) else {
        return Ok(wire::json(
            StatusCode::OK,
            json!({
                "reference": new_id(),
                "resultcode": "000",
                "result": "SUCCESS",
                "message": "No order found",
                "data": [],
            }),
        ));
    };
    let push = sim.get(SIM_KIND, order_id);
    let settle = sim.config.settle;
    let (code, status) = match &push {
        None => ("000", "PENDING"),
        Some(push) => match push.phase(settle).status {
            // Never answered: Selcom cannot say.
            SimStatus::Pending
                if push.behaviour.outcome == Outcome::Silent
                    && push.created.elapsed() >= settle =>
            {
                ("999", "PENDING")
            }
            SimStatus::Pending => ("000", "PENDING"),
            SimStatus::Paid => ("000", "COMPLETED"),
            SimStatus::Reversed => ("000", "REVERSED"),
            SimStatus::Failed => match push.behaviour.outcome {
                Outcome::Insufficient => ("000", "REJECTED"),
                _ => ("000", "USERCANCELED"),
            },
        },
    };
    let quirks = push.as_ref().map(|p| p.quirks).unwrap_or_default();
    let mut item = json!({
        "order_id": order.order_id,
        // East Africa Time, without a zone, as Selcom writes it.
        "creation_date": (order.created_at + chrono::TimeDelta::hours(3)).format("%Y-%m-%d %H:%M:%S").to_string(),
        "amount": order.amount_text,
        "payment_status": status,
        "transid": push.as_ref().map(|_| format!("{}{}", order.order_id, super::super::TRANSID_SUFFIX)),
        "channel": push.as_ref().map(|p| p.channel.clone()),
        "reference": order.id,
        "phone": if quirks.other_phone { "255700000001".to_string() } else { order.phone.clone() },
    });
    if quirks.no_echo
        && let Some(o) = item.as_object_mut()
    {
        o.remove("amount");
    }
    Ok(wire::json(
        StatusCode::OK,
        json!({
            "reference": new_id(),
            "resultcode": code,
            "result": if code == "999" { "PENDING" } else { "SUCCESS" },
            "message": if code == "999" { "Transaction status is ambiguous" } else { "Order fetch successful" },
            "data": [item],
        }),
    ))
}
