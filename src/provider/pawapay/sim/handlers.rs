//! pawaPay's deposits, their checks, the provider prediction and the active configuration on
//! the simulator.
//!
//! A deposit is checked as pawaPay checks it: the bearer token, no field it does not know, a
//! UUIDv4 `depositId`, a canonical amount, a wallet of the currency's country, a
//! `customerMessage` of 4–22 letters, digits and spaces. A `depositId` already received is
//! answered `DUPLICATE_IGNORED` (and counted in `/sim/stats` as `repeated_sends`: lipa's
//! resends are safe, but each one is counted); another `depositId` for a `clientReferenceId`
//! already used is refused and counted as a defect (`repeated_pushes`). A deposit whose answer
//! is lost (last digit 9, or a fault drawn when it is made) answers 500 `UNKNOWN_ERROR`.

use super::sandbox;
use crate::money::{Currency, Money};
use crate::phone::{Country, Phone};
use crate::provider_kind::ProviderKind;
use crate::sim::behaviour;
use crate::sim::ledger::SimStatus;
use crate::sim::state::{CreateAnswer, NewPush, Push, Sim};
use crate::sim::wire::{self, Refusal};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// The fields a deposit may carry (pawaPay refuses any other).
const DEPOSIT_FIELDS: [&str; 7] = [
    "depositId",
    "amount",
    "currency",
    "payer",
    "clientReferenceId",
    "customerMessage",
    "metadata",
];

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/pawapay/v2/deposits", post(deposit))
        .route("/pawapay/v2/deposits/{id}", get(check))
        .route("/pawapay/v2/predict-provider", post(predict))
        .route("/pawapay/v2/active-conf", get(active_conf))
        .route("/pawapay/v2/public-key/http", get(public_key))
}

/// pawaPay's error body.
pub fn failure(status: StatusCode, code: &str, message: &str) -> Refusal {
    Refusal::new(
        status,
        json!({"failureReason": {"failureCode": code, "failureMessage": message}}),
    )
}

fn invalid(code: &str, message: &str) -> Refusal {
    failure(StatusCode::BAD_REQUEST, code, message)
}

/// The bearer token: the demo's (either row's account: they are one).
fn authorised(sim: &Sim, headers: &HeaderMap) -> Result<(), Refusal> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let token = sim.config.value(ProviderKind::PawapayTz, "api_token");
    if given.is_empty() {
        return Err(failure(
            StatusCode::UNAUTHORIZED,
            "NO_AUTHENTICATION",
            "Authentication token is missing",
        ));
    }
    if given != token {
        return Err(failure(
            StatusCode::UNAUTHORIZED,
            "AUTHENTICATION_ERROR",
            "Authentication token is invalid",
        ));
    }
    Ok(())
}

/// A POST's JSON object, from a caller with the token.
fn authorised_body(
    sim: &Sim,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, Refusal> {
    authorised(sim, headers)?;
    serde_json::from_slice(body)
        .map_err(|_| invalid("INVALID_INPUT", "The request body is not valid JSON"))
}

/// Whether `id` is a UUID of version 4 (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`).
fn uuid_v4(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    parts.len() == 5
        && parts
            .iter()
            .zip(lens)
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
        && parts[2].starts_with('4')
        && parts[3].starts_with(['8', '9', 'a', 'b', 'A', 'B'])
}

/// The row of a currency.
fn kind_of(currency: &str) -> Option<ProviderKind> {
    match currency {
        "KES" => Some(ProviderKind::PawapayKe),
        "TZS" => Some(ProviderKind::PawapayTz),
        _ => None,
    }
}

fn text<'a>(map: &'a Map<String, Value>, field: &str) -> Result<&'a str, Refusal> {
    match map.get(field) {
        None | Some(Value::Null) => {
            Err(invalid("MISSING_PARAMETER", &format!("{field} is missing")))
        }
        Some(Value::String(t)) => Ok(t.as_str()),
        Some(_) => Err(invalid(
            "INVALID_PARAMETER",
            &format!("{field} must be a string"),
        )),
    }
}

/// `Some(amount)` for a canonical amount of the wallet's decimals (`"1500"`, Airtel's
/// `"1500.5"`): no sign, no leading zero, never a number.
fn amount(text: &str, currency: Currency, two_places: bool) -> Option<Money> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let canonical = digits(int) && (int == "0" || !int.starts_with('0'));
    let frac_ok = frac.is_empty() || (two_places && digits(frac) && frac.len() <= 2);
    if !(canonical && frac_ok) || (text.contains('.') && frac.is_empty()) {
        return None;
    }
    Money::from_wire(text, currency).filter(|m| m.minor() > 0)
}

async fn deposit(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let map = authorised_body(&sim, &headers, &body)?;
    if let Some(extra) = map.keys().find(|k| !DEPOSIT_FIELDS.contains(&k.as_str())) {
        return Err(invalid(
            "UNSUPPORTED_PARAMETER",
            &format!("{extra} is not supported"),
        ));
    }
    let deposit_id = text(&map, "depositId")?;
    if !uuid_v4(deposit_id) {
        return Err(invalid("INVALID_PARAMETER", "depositId must be a UUIDv4"));
    }
    let currency_code = text(&map, "currency")?;
    let Some(kind) = kind_of(currency_code) else {
        return Ok(rejected(
            deposit_id,
            "INVALID_CURRENCY",
            "The currency is not supported",
        ));
    };
    let payer = map.get("payer").and_then(Value::as_object);
    let account = payer
        .and_then(|p| p.get("accountDetails"))
        .and_then(Value::as_object);
    let (Some(payer), Some(account)) = (payer, account) else {
        return Err(invalid(
            "MISSING_PARAMETER",
            "payer.accountDetails is missing",
        ));
    };
    if payer.get("type").and_then(Value::as_str) != Some("MMO") {
        return Err(invalid("INVALID_PARAMETER", "payer.type must be MMO"));
    }
    let phone = text(account, "phoneNumber")?;
    let wallet = text(account, "provider")?;
    let table = kind.spec().channels.map(|t| t.known).unwrap_or_default();
    if !table.iter().any(|c| c.code == wallet) {
        return Ok(rejected(
            deposit_id,
            "INVALID_PROVIDER",
            "The provider is not supported in this currency",
        ));
    }
    let parsed = Phone::parse(phone, kind.country());
    if phone.starts_with('+')
        || !phone.bytes().all(|b| b.is_ascii_digit())
        || parsed.as_ref().map_or(true, |p| p.normalized() != phone)
    {
        return Ok(rejected(
            deposit_id,
            "INVALID_PHONE_NUMBER",
            "The phone number is not valid",
        ));
    }
    let currency = kind.currency();
    let Some(money) = amount(text(&map, "amount")?, currency, wallet == "AIRTEL_TZA") else {
        return Ok(rejected(
            deposit_id,
            "INVALID_AMOUNT",
            "The amount is not valid",
        ));
    };
    if let Some(limit) = super::super::codes::page_default(wallet)
        && (money < limit.min || money > limit.max)
    {
        return Ok(rejected(
            deposit_id,
            "AMOUNT_OUT_OF_BOUNDS",
            "The amount is out of bounds",
        ));
    }
    let message = text(&map, "customerMessage")?;
    let plain = message
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ');
    if !(4..=22).contains(&message.chars().count()) || !plain {
        return Err(invalid(
            "INVALID_PARAMETER",
            "customerMessage must be 4 to 22 letters, digits or spaces",
        ));
    }
    let reference = text(&map, "clientReferenceId")?;
    sim.note_attempt(kind, reference);
    if let Some(known) = sim.by_id(kind, deposit_id) {
        tracing::info!(deposit_id, "pawapay: a deposit id received again");
        sim.bump(|s| s.repeated_sends += 1);
        return Ok(accepted(&known.id, "DUPLICATE_IGNORED"));
    }
    let new = NewPush {
        provider: kind,
        id: deposit_id.to_string(),
        reference: reference.to_string(),
        phone: phone.to_string(),
        amount_text: money.wire_decimal(),
        amount: money,
        channel: wallet.to_string(),
        email: None,
        callback_url: None,
    };
    let behaviour = sandbox::behaviour(phone).unwrap_or_else(|| behaviour::for_phone(phone));
    let Ok(push) = sim.create_as(new, behaviour) else {
        tracing::warn!(reference, "pawapay: another deposit id for one sale");
        sim.bump(|s| s.repeated_pushes += 1);
        return Ok(rejected(
            deposit_id,
            "DUPLICATE_CLIENT_REFERENCE",
            "Another deposit already uses this clientReferenceId",
        ));
    };
    if push.behaviour.initiate_fails || push.quirks.answer == CreateAnswer::Throttle {
        tracing::debug!(deposit_id, "pawapay: deposit made, answer lost");
        return Err(failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "UNKNOWN_ERROR",
            "Unable to process request due to an unknown problem",
        ));
    }
    if push.quirks.answer == CreateAnswer::Duplicate {
        return Ok(accepted(&push.id, "DUPLICATE_IGNORED"));
    }
    Ok(accepted(&push.id, "ACCEPTED"))
}

fn accepted(id: &str, status: &str) -> Response {
    wire::json(
        StatusCode::OK,
        json!({"depositId": id, "status": status, "created": chrono::Utc::now().to_rfc3339()}),
    )
}

fn rejected(id: &str, code: &str, message: &str) -> Response {
    wire::json(
        StatusCode::OK,
        json!({
            "depositId": id,
            "status": "REJECTED",
            "failureReason": {"failureCode": code, "failureMessage": message},
        }),
    )
}

async fn check(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Refusal> {
    authorised(&sim, &headers)?;
    let found = [ProviderKind::PawapayKe, ProviderKind::PawapayTz]
        .into_iter()
        .find_map(|k| sim.by_id(k, &id));
    let Some(push) = found else {
        return Ok(wire::json(StatusCode::OK, json!({"status": "NOT_FOUND"})));
    };
    Ok(wire::json(
        StatusCode::OK,
        json!({"status": "FOUND", "data": data(&sim, &push)}),
    ))
}

/// The deposit as pawaPay's check shows it.
fn data(sim: &Sim, push: &Push) -> Value {
    let settle = sim.config.settle;
    let phase = push.phase(settle);
    let outcome = push.behaviour.outcome;
    let status = match phase.status {
        SimStatus::Pending if push.created.elapsed() < settle / 3 => "ACCEPTED",
        // A customer who never answers: pawaPay settles it with the wallet (the sandbox's
        // `…129` numbers stay as they are).
        SimStatus::Pending
            if push.created.elapsed() >= settle && sandbox::outcome(&push.phone).is_none() =>
        {
            "IN_RECONCILIATION"
        }
        SimStatus::Pending => "PROCESSING",
        SimStatus::Paid | SimStatus::Reversed => "COMPLETED",
        SimStatus::Failed => "FAILED",
    };
    let currency = push.amount.currency();
    // pawaPay echoes two decimals ("1500.00" for "1500").
    let major = push.amount.minor() / currency.scale();
    let cents = (push.amount.minor() % currency.scale()) * 100 / currency.scale();
    let phone = if push.quirks.other_phone {
        format!("{}700000001", push.phone.get(..3).unwrap_or("255"))
    } else {
        push.phone.clone()
    };
    let country = match push.provider.country() {
        Country::Kenya => "KEN",
        Country::Tanzania => "TZA",
    };
    let mut d = json!({
        "depositId": push.id,
        "status": status,
        "amount": format!("{major}.{cents:02}"),
        "currency": currency.code(),
        "country": country,
        "payer": {"type": "MMO", "accountDetails": {"phoneNumber": phone, "provider": push.channel}},
        "clientReferenceId": push.reference,
        "customerMessage": "Duka la Mfano",
        "created": push.created_at.to_rfc3339(),
    });
    if let Some(o) = d.as_object_mut() {
        if status == "COMPLETED" {
            o.insert("providerTransactionId".into(), json!(push.receipt));
        }
        if status == "FAILED" {
            let code = sandbox::failure_code(&push.phone, outcome);
            o.insert(
                "failureReason".into(),
                json!({
                    "failureCode": code,
                    "failureMessage": sandbox::failure_message(code),
                }),
            );
        }
        if push.quirks.no_echo {
            o.remove("amount");
            o.remove("currency");
        }
    }
    d
}

async fn predict(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    let map = authorised_body(&sim, &headers, &body)?;
    let typed = text(&map, "phoneNumber")?;
    // pawaPay takes the number with its country code (`+255 71…` or `25571…`).
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    let found = [Country::Kenya, Country::Tanzania]
        .into_iter()
        .filter(|c| digits.starts_with(c.dial_code()))
        .find_map(|c| Phone::parse(&digits, c).ok());
    let Some(phone) = found else {
        return Err(invalid(
            "INVALID_PHONE_NUMBER",
            "The phone number is not valid",
        ));
    };
    let Some(wallet) = super::super::codes::wallet_of(&phone) else {
        return Err(invalid(
            "INVALID_PHONE_NUMBER",
            "No provider serves this number",
        ));
    };
    let country = match phone.country() {
        Country::Kenya => "KEN",
        Country::Tanzania => "TZA",
    };
    Ok(wire::json(
        StatusCode::OK,
        json!({"country": country, "provider": wallet, "phoneNumber": phone.normalized()}),
    ))
}

/// The live shape (an object keyed by operation type), with the page's figures.
async fn active_conf(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, Refusal> {
    authorised(&sim, &headers)?;
    let query = query.unwrap_or_default();
    let wanted = |c: &str| query.contains(&format!("country={c}")) || !query.contains("country=");
    let mut countries = Vec::new();
    for (code, kind) in [
        ("KEN", ProviderKind::PawapayKe),
        ("TZA", ProviderKind::PawapayTz),
    ] {
        if !wanted(code) {
            continue;
        }
        let table = kind.spec().channels.map(|t| t.known).unwrap_or_default();
        let providers: Vec<Value> = table
            .iter()
            .filter_map(|c| {
                let limit = super::super::codes::page_default(c.code)?;
                let whole = |m: Money| (m.minor() / m.currency().scale()).to_string();
                Some(json!({
                    "provider": c.code,
                    "currencies": [{
                        "currency": kind.currency().code(),
                        "operationTypes": {"DEPOSIT": {
                            "minAmount": whole(limit.min),
                            "maxAmount": whole(limit.max),
                            "decimalsInAmount": if c.code == "AIRTEL_TZA" { "TWO_PLACES" } else { "NONE" },
                            "status": "OPERATIONAL",
                        }},
                    }],
                }))
            })
            .collect();
        countries.push(json!({"country": code, "providers": providers}));
    }
    Ok(wire::json(StatusCode::OK, json!({"countries": countries})))
}

/// The public key the simulator signs its callbacks with, as pawaPay publishes its own.
async fn public_key(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Result<Response, Refusal> {
    authorised(&sim, &headers)?;
    let key = crate::provider::http_signature::public_key_text(&super::callback::signing_key());
    Ok(wire::json(
        StatusCode::OK,
        json!([{"id": super::callback::KEY_ID, "key": key}]),
    ))
}
