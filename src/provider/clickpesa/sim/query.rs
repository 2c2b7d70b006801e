//! ClickPesa's queries: `GET /payments/{orderReference}` (a JSON array) and
//! `GET /payments/all` (filters, sorting, paging; `{"data": [...], "totalCount": n}`).

use super::words::word;
use super::{auth, envelope};
use crate::provider_kind::ProviderKind::ClickPesa;
use crate::sim::behaviour;
use crate::sim::faults::FaultKind;
use crate::sim::ledger::SimStatus;
use crate::sim::state::{Push, Sim};
use crate::sim::wire::{self, Refusal};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::value::RawValue;
use std::sync::Arc;

/// A payment as queries return it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Payment {
    id: String,
    status: &'static str,
    channel: String,
    payment_reference: String,
    payment_phone_number: String,
    order_reference: String,
    /// A JSON number, as a JavaScript service writes it (`1000`); left out by the no-echo
    /// fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    collected_amount: Option<Box<RawValue>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    collected_currency: Option<&'static str>,
    message: String,
    updated_at: String,
    created_at: String,
    customer: Customer,
    client_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Customer {
    customer_name: String,
    customer_phone_number: String,
    customer_email: Option<String>,
}

fn payment(sim: &Sim, push: &Push) -> (Payment, SimStatus) {
    let phase = push.phase(sim.config.settle);
    let message = match phase.status {
        SimStatus::Pending => "Waiting for the customer to authorize the payment",
        SimStatus::Paid => "Payment received",
        SimStatus::Reversed => "Payment reversed",
        SimStatus::Failed => behaviour::failure_message(push.behaviour.outcome).unwrap_or("Failed"),
    };
    let payment = Payment {
        id: push.id.clone(),
        status: word(phase.status),
        channel: push.channel.clone(),
        payment_reference: push.receipt.clone(),
        payment_phone_number: if push.quirks.other_phone {
            wire::other_phone(&push.phone)
        } else {
            push.phone.clone()
        },
        order_reference: push.reference.clone(),
        collected_amount: (!push.quirks.no_echo).then(|| wire::number(&push.amount.wire_decimal())),
        collected_currency: (!push.quirks.no_echo).then_some("TZS"),
        message: message.to_string(),
        updated_at: wire::timestamp(phase.updated_at),
        created_at: wire::timestamp(push.created_at),
        customer: Customer {
            customer_name: push.customer_name.clone(),
            customer_phone_number: push.phone.clone(),
            customer_email: None,
        },
        client_id: sim.config.value(ClickPesa, "client_id").to_string(),
    };
    (payment, phase.status)
}

pub(super) async fn query(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    Path(reference): Path<String>,
) -> Result<Response, Refusal> {
    auth::token(&sim, &headers)?;
    let push = sim.get(ClickPesa, &reference).ok_or_else(|| {
        envelope::error(
            StatusCode::NOT_FOUND,
            &format!("Invalid or missing payment: {reference}"),
        )
    })?;
    // An array: ClickPesa may hold several attempts per reference. The simulator creates one;
    // the extra-attempt fault shows a newer failed one beside it.
    let mut attempts = vec![payment(&sim, &push).0];
    if sim.roll(sim.faults().extra_attempt_per_mille) {
        sim.count_fault(FaultKind::ExtraAttempt);
        let (mut extra, _) = payment(&sim, &push);
        extra.id = format!("{}X", extra.id);
        extra.status = word(SimStatus::Failed);
        extra.message = "Insufficient balance".into();
        extra.updated_at = wire::timestamp(sim.now_utc());
        attempts.push(extra);
    }
    Ok(wire::json(StatusCode::OK, attempts))
}

const SORT_KEYS: [&str; 5] = [
    "createdAt",
    "updatedAt",
    "orderReference",
    "collectedAmount",
    "status",
];

/// `GET /payments/all`: filters, sorting and paging as documented.
pub(super) async fn list(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    params: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, Refusal> {
    auth::token(&sim, &headers)?;
    let Query(params) =
        params.map_err(|_| envelope::bad_request(vec!["Invalid query string".into()]))?;
    let filter = ListFilter::parse(&params).map_err(envelope::bad_request)?;
    let mut rows: Vec<(Payment, Push)> = sim
        .pushes_of(ClickPesa)
        .into_iter()
        .filter_map(|push| {
            let (p, status) = payment(&sim, &push);
            filter.keeps(&push, &p, status).then_some((p, push))
        })
        .collect();
    rows.sort_by(|(a, pa), (b, pb)| {
        let order = match filter.sort_by.as_str() {
            "updatedAt" => a.updated_at.cmp(&b.updated_at),
            "orderReference" => a.order_reference.cmp(&b.order_reference),
            "collectedAmount" => pa.amount.minor().cmp(&pb.amount.minor()),
            "status" => a.status.cmp(b.status),
            _ => pa.created_at.cmp(&pb.created_at),
        };
        if filter.descending {
            order.reverse()
        } else {
            order
        }
    });
    let total = rows.len();
    let page: Vec<Payment> = rows
        .into_iter()
        .skip(filter.skip)
        .take(filter.limit)
        .map(|(p, _)| p)
        .collect();
    Ok(wire::json(
        StatusCode::OK,
        Page {
            data: page,
            total_count: total,
        },
    ))
}

/// Built as a struct, not `json!`, so `collectedAmount` stays a raw JSON number.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page {
    data: Vec<Payment>,
    total_count: usize,
}

struct ListFilter {
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    status: Option<String>,
    channel: Option<String>,
    reference: Option<String>,
    currency: Option<String>,
    sort_by: String,
    descending: bool,
    skip: usize,
    limit: usize,
}

impl ListFilter {
    fn parse(params: &[(String, String)]) -> Result<ListFilter, Vec<String>> {
        let get = |name: &str| {
            params
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let mut errors = Vec::new();
        let mut date = |name: &str| {
            let value = get(name)?;
            // Both forms the documentation gives: YYYY-MM-DD and DD-MM-YYYY.
            let parsed = NaiveDate::parse_from_str(&value, "%Y-%m-%d")
                .or_else(|_| NaiveDate::parse_from_str(&value, "%d-%m-%Y"))
                .ok();
            if parsed.is_none() {
                errors.push(format!(
                    "{name} must be a valid date in the format YYYY-MM-DD or DD-MM-YYYY"
                ));
            }
            parsed
        };
        let start = date("startDate");
        let end = date("endDate");
        let sort_by = get("sortBy").unwrap_or_else(|| "createdAt".into());
        if !SORT_KEYS.contains(&sort_by.as_str()) {
            errors.push(format!(
                "sortBy must be one of the following values: {}",
                SORT_KEYS.join(", ")
            ));
        }
        let order_by = get("orderBy").unwrap_or_else(|| "DESC".into());
        if order_by != "ASC" && order_by != "DESC" {
            errors.push("orderBy must be one of the following values: ASC, DESC".into());
        }
        let mut number = |name: &str, default: usize, min: usize| match get(name) {
            None => default,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n >= min => n,
                _ => {
                    errors.push(format!("{name} must not be less than {min}"));
                    default
                }
            },
        };
        let skip = number("skip", 0, 0);
        let limit = number("limit", 20, 1);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ListFilter {
            start,
            end,
            status: get("status"),
            channel: get("channel"),
            reference: get("orderReference"),
            currency: get("collectedCurrency"),
            sort_by,
            descending: order_by == "DESC",
            skip,
            limit,
        })
    }

    fn keeps(&self, push: &Push, payment: &Payment, status: SimStatus) -> bool {
        let day = push.created_at.date_naive();
        let same = |want: &Option<String>, have: &str| {
            want.as_deref().is_none_or(|w| w.eq_ignore_ascii_case(have))
        };
        self.start.is_none_or(|s| day >= s)
            && self.end.is_none_or(|e| day <= e)
            && same(&self.status, word(status))
            && same(&self.channel, &payment.channel)
            && self
                .reference
                .as_deref()
                .is_none_or(|r| r == push.reference)
            && same(&self.currency, payment.collected_currency.unwrap_or("TZS"))
    }
}
