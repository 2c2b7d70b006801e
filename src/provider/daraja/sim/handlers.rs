//! Daraja's token, push and query on the simulator.
//!
//! Order of checks: token (401 `404.001.03`) → body (400 `400.002.02` naming the field) →
//! password and East Africa Time timestamp → one prompt per phone (500 `500.001.1001`
//! "Unable to lock subscriber") → the push. A push whose answer is lost (last digit 9, or a
//! fault that fails a created push) answers 503 with an HTML page: no `CheckoutRequestID`.

use super::super::password::{password, timestamp};
use super::SIM_KIND;
use crate::money::{Currency, Money};
use crate::sim::behaviour::{Outcome, failure_message};
use crate::sim::ledger::SimStatus;
use crate::sim::state::{CreateAnswer, NewPush, Sim};
use crate::sim::wire::{self, Refusal};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// How long a prompt holds the phone.
const PROMPT_LIFE: Duration = Duration::from_secs(90);

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/daraja/oauth/v1/generate", get(token))
        .route("/daraja/mpesa/stkpush/v1/processrequest", post(push))
        .route("/daraja/mpesa/stkpushquery/v1/query", post(query))
}

/// The error envelope.
pub fn error(status: StatusCode, code: &str, message: &str) -> Refusal {
    Refusal::new(
        status,
        json!({
            "requestId": format!("{}-{}-1", rand::random::<u16>(), rand::random::<u32>()),
            "errorCode": code,
            "errorMessage": message,
        }),
    )
}

fn invalid(field: &str) -> Refusal {
    error(
        StatusCode::BAD_REQUEST,
        "400.002.02",
        &format!("Bad Request - Invalid {field}"),
    )
}

/// A `CheckoutRequestID`: `ws_CO_` + the time + digits.
pub fn new_id() -> String {
    format!(
        "ws_CO_{}{:010}",
        chrono::Utc::now().format("%d%m%Y%H%M%S"),
        rand::random::<u32>()
    )
}

async fn token(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Result<Response, Refusal> {
    let expected = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        sim.config.value(SIM_KIND, "consumer_key"),
        sim.config.value(SIM_KIND, "consumer_secret")
    ));
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "));
    if given != Some(expected.as_str()) {
        sim.bump(|s| s.token_refusals += 1);
        return Err(error(
            StatusCode::BAD_REQUEST,
            "400.008.01",
            "Invalid Authentication passed",
        ));
    }
    let token = sim.issue_sole_token(SIM_KIND);
    // `expires_in` as a string, as Daraja sends it.
    Ok(wire::json(
        StatusCode::OK,
        json!({ "access_token": token, "expires_in": "3599" }),
    ))
}

/// The bearer token must be the app's live one.
fn authorised(sim: &Sim, headers: &HeaderMap) -> Result<(), Refusal> {
    let valid = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| sim.token_valid(token));
    if valid {
        Ok(())
    } else {
        Err(error(
            StatusCode::UNAUTHORIZED,
            "404.001.03",
            "Invalid Access Token",
        ))
    }
}

/// A field that must be a JSON number (not a string, not a fraction).
fn whole(body: &Value, field: &str) -> Result<u64, Refusal> {
    body.get(field)
        .and_then(Value::as_u64)
        .ok_or_else(|| invalid(field))
}

fn text<'a>(body: &'a Value, field: &str) -> Result<&'a str, Refusal> {
    body.get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(field))
}

/// The shortcode, password and timestamp: the sandbox's, and East Africa Time within an hour
/// (a timestamp in UTC, or the host's zone, is three hours off).
fn credentials(sim: &Sim, body: &Value) -> Result<u64, Refusal> {
    let shortcode = whole(body, "BusinessShortCode")?;
    if shortcode.to_string() != sim.config.value(SIM_KIND, "shortcode") {
        return Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "500.001.1001",
            "Merchant does not exist",
        ));
    }
    let ts = text(body, "Timestamp")?;
    let eat_now = timestamp(sim.now_utc());
    let seconds = |t: &str| {
        chrono::NaiveDateTime::parse_from_str(t, "%Y%m%d%H%M%S")
            .ok()
            .map(|d| d.and_utc().timestamp())
    };
    match (seconds(ts), seconds(&eat_now)) {
        (Some(a), Some(b)) if (a - b).abs() < 3600 && ts.len() == 14 => {}
        _ => return Err(invalid("Timestamp")),
    }
    let expected = password(
        &shortcode.to_string(),
        sim.config.value(SIM_KIND, "passkey"),
        ts,
    );
    if text(body, "Password")? != expected {
        return Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "500.001.1001",
            "Wrong credentials",
        ));
    }
    Ok(shortcode)
}

/// `2547…` or `2541…`, twelve digits.
fn ke_phone(n: u64) -> bool {
    let t = n.to_string();
    t.len() == 12 && (t.starts_with("2547") || t.starts_with("2541"))
}

async fn push(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    authorised(&sim, &headers)?;
    let body: Value = serde_json::from_slice(&body).map_err(|_| invalid("Request"))?;
    let reference = text(&body, "AccountReference")?.to_string();
    sim.note_attempt(SIM_KIND, &reference);
    let shortcode = credentials(&sim, &body)?;
    let kind = text(&body, "TransactionType")?;
    let party_b = whole(&body, "PartyB")?;
    match kind {
        "CustomerPayBillOnline" if party_b != shortcode => return Err(invalid("PartyB")),
        "CustomerPayBillOnline" | "CustomerBuyGoodsOnline" => {}
        _ => return Err(invalid("TransactionType")),
    }
    let amount = whole(&body, "Amount")?;
    if !(1..=250_000).contains(&amount) {
        return Err(invalid("Amount"));
    }
    let phone = whole(&body, "PhoneNumber")?;
    if !ke_phone(phone) || whole(&body, "PartyA")? != phone {
        return Err(invalid("PhoneNumber"));
    }
    let callback_url = text(&body, "CallBackURL")?.to_string();
    // https, as Safaricom requires; or a receiver on this machine (a test's).
    let local = ["http://127.0.0.1:", "http://localhost:"]
        .iter()
        .any(|p| callback_url.starts_with(p));
    if !callback_url.starts_with("https://") && !local {
        return Err(invalid("CallBackURL"));
    }
    let ok_reference =
        (1..=12).contains(&reference.len()) && reference.chars().all(|c| c.is_ascii_alphanumeric());
    if !ok_reference {
        return Err(invalid("AccountReference"));
    }
    if body
        .get("TransactionDesc")
        .and_then(Value::as_str)
        .is_some_and(|d| d.chars().count() > 13)
    {
        return Err(invalid("TransactionDesc"));
    }
    let phone = phone.to_string();
    if busy(&sim, &phone) {
        return Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "500.001.1001",
            "Unable to lock subscriber, a transaction is already in process for the current subscriber",
        ));
    }
    let created = sim.create(NewPush {
        provider: SIM_KIND,
        id: new_id(),
        reference,
        phone,
        amount_text: amount.to_string(),
        amount: Money::from_minor(amount as i64 * 100, Currency::Kes),
        channel: "M-PESA".into(),
        email: None,
        callback_url: Some(callback_url),
    });
    let Ok(push) = created else {
        // Daraja has no such check; a reference lipa used twice is a fault of lipa's.
        return Err(invalid("AccountReference"));
    };
    if push.behaviour.initiate_fails || push.quirks.answer != CreateAnswer::Normal {
        tracing::debug!(reference = %push.reference, "daraja: push created, answer lost");
        return Ok(lost());
    }
    Ok(wire::json(
        StatusCode::OK,
        json!({
            "MerchantRequestID": format!("{}-{}-1", rand::random::<u16>(), rand::random::<u32>()),
            "CheckoutRequestID": push.id,
            "ResponseCode": "0",
            "ResponseDescription": "Success. Request accepted for processing",
            "CustomerMessage": "Success. Request accepted for processing",
        }),
    ))
}

/// A gateway's page instead of Daraja's answer.
fn lost() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><body><h1>503 Service Unavailable</h1>upstream request timeout</body></html>",
    )
        .into_response()
}

/// A prompt still open on this phone.
fn busy(sim: &Sim, phone: &str) -> bool {
    sim.pushes_of(SIM_KIND).iter().any(|p| {
        p.phone == phone
            && p.created.elapsed() < PROMPT_LIFE
            && p.phase(sim.config.settle).status == SimStatus::Pending
    })
}

async fn query(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Refusal> {
    authorised(&sim, &headers)?;
    let body: Value = serde_json::from_slice(&body).map_err(|_| invalid("Request"))?;
    credentials(&sim, &body)?;
    let id = text(&body, "CheckoutRequestID")?;
    let Some(push) = sim.by_id(SIM_KIND, id) else {
        return Err(invalid("CheckoutRequestID"));
    };
    sim.query_begins(SIM_KIND, &push.reference);
    sim.query_ends(SIM_KIND, &push.reference);
    let phase = push.phase(sim.config.settle);
    let outcome = push.behaviour.outcome;
    let (code, desc) = match phase.status {
        SimStatus::Pending => {
            return Err(error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "500.001.1001",
                "The transaction is being processed",
            ));
        }
        SimStatus::Paid | SimStatus::Reversed => {
            ("0", "The service request is processed successfully.")
        }
        SimStatus::Failed => match outcome {
            Outcome::Insufficient => ("1", "The balance is insufficient for the transaction."),
            _ => (
                "1032",
                failure_message(outcome).unwrap_or("Request cancelled by user"),
            ),
        },
    };
    Ok(wire::json(
        StatusCode::OK,
        json!({
            "ResponseCode": "0",
            "ResponseDescription": "The service request has been accepted successsfully",
            "MerchantRequestID": "22205-34066-1",
            "CheckoutRequestID": push.id,
            "ResultCode": code,
            "ResultDesc": desc,
        }),
    ))
}
