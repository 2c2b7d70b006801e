//! `GET /payments/all`: ClickPesa's own list of payments, for end-of-day reconciliation and,
//! sorted by when each last changed, as the engine's hint of what to ask now.

use super::{ClickPesaClient, NAME, wire};
use crate::money::{Currency, Money};
use crate::provider::http::{self, Call};
use crate::provider::{ProviderError, RemoteState};
use chrono::{DateTime, NaiveDate, Utc};
use reqwest::Method;

/// Filters for [`ClickPesaClient::list_payments`] (`GET /payments/all`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// A ClickPesa status word (`SUCCESS`, `FAILED`, …).
    pub status: Option<String>,
    pub order_reference: Option<String>,
    /// The field sorted on, newest first: `createdAt` (a day's list) or `updatedAt` (what
    /// changed last).
    pub sort_by: &'static str,
    pub skip: u32,
    pub limit: u32,
}

impl Default for ListQuery {
    fn default() -> ListQuery {
        ListQuery {
            start_date: None,
            end_date: None,
            status: None,
            order_reference: None,
            sort_by: "createdAt",
            skip: 0,
            limit: 20,
        }
    }
}

/// One payment as ClickPesa lists it, for reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePayment {
    pub id: Option<String>,
    pub reference: String,
    /// ClickPesa's status word, verbatim.
    pub word: String,
    /// The word in our terms (unknown words: pending).
    pub state: RemoteState,
    /// The collected amount, when it is an exact amount of the reported currency.
    pub amount: Option<Money>,
    /// The amount exactly as sent (`"1000.00"` → `1000.00`).
    pub amount_text: Option<String>,
    pub currency: Option<String>,
    pub phone: Option<String>,
    pub channel: Option<String>,
    /// The wallet's receipt (`paymentReference`).
    pub receipt: Option<String>,
    pub customer_name: Option<String>,
    pub message: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// One page of [`ClickPesaClient::list_payments`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPage {
    pub payments: Vec<RemotePayment>,
    /// All payments matching the filters, over every page.
    pub total_count: u64,
}

impl ClickPesaClient {
    /// One page of payments (`GET /payments/all`), newest first, for end-of-day
    /// reconciliation. Read-only: failures are `RetryLater` except credentials.
    pub async fn list_payments(&self, query: &ListQuery) -> Result<PaymentPage, ProviderError> {
        let mut url = self.url("/payments/all")?;
        {
            let mut pairs = url.query_pairs_mut();
            if let Some(d) = query.start_date {
                pairs.append_pair("startDate", &d.format("%Y-%m-%d").to_string());
            }
            if let Some(d) = query.end_date {
                pairs.append_pair("endDate", &d.format("%Y-%m-%d").to_string());
            }
            if let Some(st) = &query.status {
                pairs.append_pair("status", st);
            }
            if let Some(r) = &query.order_reference {
                pairs.append_pair("orderReference", r);
            }
            pairs
                .append_pair("sortBy", query.sort_by)
                .append_pair("orderBy", "DESC")
                .append_pair("skip", &query.skip.to_string())
                .append_pair("limit", &query.limit.to_string());
        }
        let answer = self.call(Call::Read, Method::GET, url, None, &[]).await?;
        let page: wire::PageWire = answer.json(NAME, Call::Read)?;
        let payments: Vec<RemotePayment> = page.data.iter().map(remote_payment).collect();
        let total_count = page
            .total_count
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(payments.len() as u64);
        Ok(PaymentPage {
            payments,
            total_count,
        })
    }

    /// One page of the payments changed last (sorted by `updatedAt`, newest first), from
    /// yesterday to tomorrow (UTC): a day each side, as whether ClickPesa's days are EAT's or
    /// UTC's is not documented.
    pub async fn recently_changed(
        &self,
        skip: u32,
        limit: u32,
    ) -> Result<Vec<RemotePayment>, ProviderError> {
        let today = Utc::now().date_naive();
        let query = ListQuery {
            start_date: today.pred_opt(),
            end_date: today.succ_opt(),
            sort_by: "updatedAt",
            skip,
            limit,
            ..ListQuery::default()
        };
        Ok(self.list_payments(&query).await?.payments)
    }

    /// Every payment between two dates (inclusive), all pages, 100 at a time.
    pub async fn list_all_payments(
        &self,
        start: NaiveDate,
        end: NaiveDate,
    ) -> Result<Vec<RemotePayment>, ProviderError> {
        let mut all = Vec::new();
        let mut query = ListQuery {
            start_date: Some(start),
            end_date: Some(end),
            limit: 100,
            ..ListQuery::default()
        };
        loop {
            let page = self.list_payments(&query).await?;
            let got = page.payments.len() as u32;
            all.extend(page.payments);
            query.skip += got;
            if got == 0 || u64::from(query.skip) >= page.total_count {
                return Ok(all);
            }
        }
    }
}

fn remote_payment(p: &wire::PaymentWire) -> RemotePayment {
    let currency = p.collected_currency.clone();
    let amount_text = p.collected_amount.as_deref().map(http::raw_amount_text);
    let amount = match (
        &amount_text,
        currency.as_deref().and_then(Currency::from_code),
    ) {
        (Some(t), Some(c)) => Money::from_wire(t, c),
        _ => None,
    };
    RemotePayment {
        id: p.id.clone(),
        reference: p.order_reference.clone().unwrap_or_default(),
        word: p.word(),
        state: p.state(),
        amount,
        amount_text,
        currency,
        phone: p.payment_phone_number.clone(),
        channel: p.channel.clone(),
        receipt: p.payment_reference.clone(),
        customer_name: p.customer.as_ref().and_then(|c| c.customer_name.clone()),
        message: p.message.clone(),
        created_at: p.created_at.as_deref().and_then(wire::time),
        updated_at: p.updated_at.as_deref().and_then(wire::time),
    }
}
