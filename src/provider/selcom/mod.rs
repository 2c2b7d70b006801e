//! Selcom (Tanzania, TZS): one contract for every Tanzanian wallet.
//!
//! No token: every request is signed ([`sign`]). A push is two calls: the order
//! ([`Provider::prepare`]: it charges nobody, and a lost answer is resolved by asking for the
//! order, then making it again under the same `order_id` if it is not there), then the wallet
//! payment ([`Provider::initiate`]: the prompt, asked for at most once per order; a lost answer
//! is unknown and only ever asked about). Payments are found by our own order id, which is
//! lipa's reference. Every code and status is read as providers.md decides.

pub mod hook;
mod settings;
pub mod sign;
pub mod sim;
mod spec;
mod wire;
mod words;

pub use settings::SelcomSettings;
pub use spec::SPEC;

use crate::money::{Currency, Money};
use crate::msg::Msg;
use crate::provider::http::{self, Answer, Call, Echo};
use crate::provider::{
    Charged, Lookup, Provider, ProviderError, ProviderKind, PushAccepted, PushRequest, RemoteState,
    RemoteStatus,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sign::Value;
use std::fmt;
use wire::{Order, Reply, code};

const NAME: ProviderKind = ProviderKind::Selcom;

/// Questions about an order whose answer was lost, before the sale fails as not sent.
const ORDER_TRIES: u32 = 3;

/// The wallet payment's `transid`: the order's id and this (ours, unique per order).
pub const TRANSID_SUFFIX: &str = "W";

/// A Selcom till's client. Cheap to share.
pub struct SelcomClient {
    settings: SelcomSettings,
    http: reqwest::Client,
    now: fn() -> DateTime<Utc>,
}

impl fmt::Debug for SelcomClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SelcomClient")
            .field("base_url", &self.settings.base_url)
            .field("vendor", &self.settings.vendor)
            .finish_non_exhaustive()
    }
}

impl SelcomClient {
    pub fn new(settings: SelcomSettings, http: reqwest::Client) -> SelcomClient {
        SelcomClient {
            settings,
            http,
            now: Utc::now,
        }
    }

    /// Another clock for the timestamp (tests).
    pub fn with_clock(mut self, now: fn() -> DateTime<Utc>) -> SelcomClient {
        self.now = now;
        self
    }

    fn secrets(&self) -> [&str; 2] {
        [
            self.settings.api_key.expose(),
            self.settings.api_secret.expose(),
        ]
    }

    /// One signed call: a POST of `fields` as its JSON body, or a GET of them as its query.
    async fn call(
        &self,
        call: Call,
        path: &str,
        fields: &sign::Fields,
    ) -> Result<Answer, ProviderError> {
        let ts = sign::timestamp((self.now)());
        let base = self.settings.base_url.trim_end_matches('/');
        let request = match call {
            Call::Read | Call::Check => {
                let query: Vec<(&str, String)> =
                    fields.iter().map(|(k, v)| (*k, v.plain())).collect();
                self.http.get(format!("{base}{path}")).query(&query)
            }
            Call::Create => self
                .http
                .post(format!("{base}{path}"))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(sign::body(fields)),
        };
        let request = request
            .header(reqwest::header::ACCEPT, "application/json")
            .header(
                reqwest::header::AUTHORIZATION,
                sign::authorization(self.settings.api_key.expose()),
            )
            .header("Timestamp", &ts)
            .header("Digest-Method", "HS256")
            .header("Signed-Fields", sign::signed_fields(fields))
            .header(
                "Digest",
                sign::digest(self.settings.api_secret.expose(), &ts, fields),
            );
        http::send(NAME, call, request).await
    }

    /// `create-order-minimal`: the order's id at Selcom when made.
    async fn create_order(&self, request: &PushRequest) -> Result<Option<String>, ProviderError> {
        let fields: sign::Fields = vec![
            ("vendor", Value::Text(self.settings.vendor.clone())),
            ("order_id", Value::Text(request.reference.to_string())),
            (
                "buyer_email",
                Value::Text(self.settings.buyer_email.clone()),
            ),
            ("buyer_name", Value::Text(self.buyer_name(request))),
            (
                "buyer_phone",
                Value::Text(request.phone.normalized().to_string()),
            ),
            ("amount", Value::Whole(shillings(request))),
            ("currency", Value::Text("TZS".into())),
            ("no_of_items", Value::Whole(1)),
        ];
        // This order's own callback address (providers.md: `webhook`, base64), when it has one.
        let mut fields = fields;
        if let Some(url) = &request.callback {
            use base64::Engine as _;
            fields.push((
                "webhook",
                Value::Text(base64::engine::general_purpose::STANDARD.encode(url)),
            ));
        }
        let answer = self
            .call(Call::Create, "/checkout/create-order-minimal", &fields)
            .await?;
        let secrets = self.secrets();
        refused_access(&answer, (self.now)())?;
        if answer.status == 429 {
            return Err(ProviderError::RetryLater {
                message: Msg::Throttled { provider: NAME },
                retry_after: answer.retry_after(),
            });
        }
        let Some(reply) = Reply::read(&answer.body) else {
            return Err(unknown(not_json(&answer)));
        };
        match reply.code() {
            code::SUCCESS if answer.is_success() => {
                tracing::info!(reference = %request.reference, "Selcom order created");
                Ok(reply
                    .reference
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty()))
            }
            // Neither yes nor no: the order may exist; asked about next.
            c if c == code::AMBIGUOUS || code::IN_PROGRESS.contains(&c) => {
                Err(unknown(detail(&answer, &reply, &secrets)))
            }
            "" => Err(unknown(detail(&answer, &reply, &secrets))),
            _ => Err(rejected(&answer, &reply, &secrets)),
        }
    }

    /// The name on the order: the customer's when the cashier typed one, else the shop's.
    fn buyer_name(&self, request: &PushRequest) -> String {
        request
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.settings.buyer_name)
            .to_string()
    }

    /// Whether Selcom holds this sale's order (`Some` with its reference), asked up to three
    /// times a second apart while the question gets no usable answer (a sale waits at the
    /// counter). An order under the reference that is not this sale's, awaiting its wallet
    /// payment (another amount or phone, or one already paid or asked for: a reference another
    /// till used), is refused: its prompt would be another sale's.
    async fn find_order(
        &self,
        request: &PushRequest,
    ) -> Result<Option<Option<String>>, ProviderError> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.order_status(request.reference.as_str()).await {
                Ok((_, None)) => return Ok(None),
                Ok((_, Some(o))) if !ours(&o, request) => {
                    tracing::warn!(reference = %request.reference, "Selcom holds another sale's order under this reference");
                    return Err(ProviderError::Rejected {
                        status: None,
                        message: Msg::OrderTaken { provider: NAME },
                    });
                }
                Ok((_, Some(o))) => {
                    return Ok(Some(
                        o.reference
                            .map(|r| r.trim().to_string())
                            .filter(|r| !r.is_empty()),
                    ));
                }
                Err(e @ ProviderError::Configuration { .. }) => return Err(e),
                Err(e) if tries >= ORDER_TRIES => return Err(e),
                Err(_) => tokio::time::sleep(std::time::Duration::from_secs(1)).await,
            }
        }
    }

    /// `order-status`: the answer, and the order it lists (`None`: Selcom has no such order).
    async fn order_status(&self, order_id: &str) -> Result<(Reply, Option<Order>), ProviderError> {
        let fields: sign::Fields = vec![("order_id", Value::Text(order_id.to_string()))];
        let answer = self
            .call(Call::Read, "/checkout/order-status", &fields)
            .await?;
        let secrets = self.secrets();
        refused_access(&answer, (self.now)())?;
        let no_answer = |detail| ProviderError::RetryLater {
            message: Msg::NoUsableAnswer {
                provider: NAME,
                detail: Box::new(detail),
            },
            retry_after: answer.retry_after(),
        };
        if answer.status == 429 {
            return Err(ProviderError::RetryLater {
                message: Msg::Throttled { provider: NAME },
                retry_after: answer.retry_after(),
            });
        }
        let Some(reply) = Reply::read(&answer.body) else {
            return Err(no_answer(not_json(&answer)));
        };
        if answer.status == 404 {
            return Ok((reply, None));
        }
        if !answer.is_success() {
            return Err(no_answer(detail(&answer, &reply, &secrets)));
        }
        let order = reply
            .orders()
            .into_iter()
            .find(|o| o.order_id.as_deref().is_none_or(|id| id.trim() == order_id));
        match (reply.code(), order) {
            (code::SUCCESS, order) => Ok((reply, order)),
            // An answer that is not a usable one is not "no such order".
            (c, order) if c == code::AMBIGUOUS || code::IN_PROGRESS.contains(&c) => {
                Ok((reply, Some(order.unwrap_or_default())))
            }
            _ => Err(no_answer(detail(&answer, &reply, &secrets))),
        }
    }
}

/// Why nothing was sent when lipa could not learn whether an order it asked for exists: Selcom's
/// words for the question, else the lost answer's.
fn order_unsure(lost: ProviderError, asked: ProviderError) -> ProviderError {
    match asked {
        // The configuration's, or Selcom holds another sale under the reference: said as such.
        e @ (ProviderError::Configuration { .. } | ProviderError::Rejected { .. }) => e,
        ProviderError::RetryLater { message, .. } => ProviderError::RetryLater {
            message,
            retry_after: None,
        },
        _ => lost,
    }
}

/// A signature or key Selcom refused: nothing was done; the configuration's (the keys, or this
/// machine's clock: the `Timestamp` is signed, so Selcom's `Date` is compared with ours).
fn refused_access(answer: &Answer, now: DateTime<Utc>) -> Result<(), ProviderError> {
    if matches!(answer.status, 401 | 403) {
        let skew = answer.date().map(|d| d.timestamp() - now.timestamp());
        tracing::warn!(status = answer.status, skew_seconds = ?skew, "Selcom refused the request");
        return Err(ProviderError::Configuration {
            message: Msg::SignatureRefused {
                provider: NAME,
                skew,
            },
        });
    }
    Ok(())
}

fn not_json(answer: &Answer) -> Msg {
    Msg::NotJson {
        status: answer.status,
    }
}

/// The answer as a detail: its status and Selcom's words (secrets blanked).
fn detail(answer: &Answer, reply: &Reply, secrets: &[&str]) -> Msg {
    Msg::Http {
        status: answer.status,
        said: said(reply, secrets),
    }
}

fn said(reply: &Reply, secrets: &[&str]) -> Option<String> {
    reply
        .message
        .as_deref()
        .map(|m| http::redact(m.trim(), secrets).chars().take(200).collect())
        .filter(|m: &String| !m.is_empty())
}

/// Selcom refused the call with its own code: nothing happened.
fn rejected(answer: &Answer, reply: &Reply, secrets: &[&str]) -> ProviderError {
    tracing::info!(
        status = answer.status,
        code = reply.code(),
        "Selcom refused the call"
    );
    let message = match said(reply, secrets) {
        Some(words) => Msg::said(&format!("{words} ({})", reply.code())),
        None => Msg::FailedNoReason {
            word: format!("resultcode {}", reply.code()),
        },
    };
    ProviderError::Rejected {
        status: Some(answer.status),
        message,
    }
}

/// The call's outcome is unknown: it may have taken effect.
fn unknown(detail: Msg) -> ProviderError {
    ProviderError::Unknown {
        message: Msg::AnswerLost {
            why: Box::new(Msg::OutcomeUnknown {
                provider: NAME,
                detail: Box::new(detail),
            }),
        },
    }
}

/// The amount in whole shillings (an integer: never a float, signed or sent).
fn shillings(request: &PushRequest) -> i64 {
    request.amount.minor() / request.amount.currency().scale()
}

/// Refuses what Selcom cannot take before anything is sent.
fn check_request(request: &PushRequest) -> Result<(), ProviderError> {
    crate::provider::whole_amount_in_its_country(request, NAME)
}

/// An order no wallet payment was asked for (its status names no `transid` and no wallet):
/// as far as money goes, there is nothing at Selcom yet; it charges nobody.
fn unpaid_order(order: &Order) -> bool {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|t| t.trim().is_empty());
    let status = order.payment_status.as_deref().unwrap_or_default().trim();
    status.eq_ignore_ascii_case("PENDING") && blank(&order.transid) && blank(&order.channel)
}

/// Whether an order Selcom lists is this sale's, made by the call whose answer was lost: awaiting
/// its wallet payment, for this amount and this phone (each compared when Selcom names it).
fn ours(order: &Order, request: &PushRequest) -> bool {
    let amount = order
        .amount
        .as_deref()
        .map(http::raw_amount_text)
        .filter(|a| !a.trim().is_empty());
    let same_amount =
        amount.is_none_or(|a| Money::from_wire(&a, Currency::Tzs) == Some(request.amount));
    let digits = |t: &str| t.chars().filter(char::is_ascii_digit).collect::<String>();
    let same_phone = order
        .phone
        .as_deref()
        .map(digits)
        .filter(|p| !p.is_empty())
        .is_none_or(|p| p == digits(request.phone.normalized()));
    unpaid_order(order) && same_amount && same_phone
}

/// An order's `payment_status` as a status (providers.md), checked against what was charged.
fn status_of(order: &Order, charged: &Charged) -> (RemoteState, Msg, String) {
    let word = order
        .payment_status
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase();
    let (state, message) = match word.as_str() {
        "COMPLETED" => (RemoteState::Paid, Msg::Paid),
        "PENDING" => (RemoteState::Pending, Msg::PromptSent),
        "USERCANCELED" | "CANCELLED" => (RemoteState::Failed, Msg::CustomerCancelled),
        "REJECTED" | "FAILED" => (
            RemoteState::Failed,
            Msg::FailedNoReason { word: word.clone() },
        ),
        // Money that came and went back: a person looks (a paid payment is flagged).
        "REVERSED" | "REFUNDED" => (RemoteState::Attention, Msg::Reported { word: word.clone() }),
        // A word lipa does not know never means failed: pending until the deadline.
        _ => (
            RemoteState::Pending,
            Msg::UnknownWord {
                word: if word.is_empty() {
                    "payment_status".into()
                } else {
                    word.clone()
                },
            },
        ),
    };
    // Selcom deals in shillings only: the amount it lists is in TZS. A paid order that lists
    // no amount is paid (providers.md: the amount is checked when present).
    let echo = Echo {
        reference: order.order_id.as_deref(),
        amount: order.amount.as_deref(),
        currency: Some("TZS"),
        phone: order.phone.as_deref(),
    };
    let (state, message) = match http::judge(state, message, charged, &echo) {
        (RemoteState::Attention, Msg::PaidWithoutAmount) if order.amount.is_none() => {
            (RemoteState::Paid, Msg::Paid)
        }
        judged => judged,
    };
    (state, message, word)
}

#[async_trait]
impl Provider for SelcomClient {
    fn kind(&self) -> ProviderKind {
        NAME
    }

    /// The order. A lost answer is resolved by asking for it: there → done; not there → made
    /// again under the same `order_id` (an order charges nobody).
    async fn prepare(&self, request: &PushRequest) -> Result<Option<String>, ProviderError> {
        check_request(request)?;
        let lost = match self.create_order(request).await {
            Err(lost @ ProviderError::Unknown { .. }) => lost,
            done => return done,
        };
        tracing::info!(reference = %request.reference, "Selcom order's answer lost; asking for it");
        match self.find_order(request).await {
            Ok(Some(found)) => return Ok(found),
            Ok(None) => {}
            // Still unknown whether it exists: an order charges nobody, and the wallet
            // payment is not asked for without one.
            Err(e) => return Err(order_unsure(lost, e)),
        }
        tracing::info!(reference = %request.reference, "Selcom has no such order; making it again");
        match self.create_order(request).await {
            Err(again @ (ProviderError::Rejected { .. } | ProviderError::Unknown { .. })) => {
                // Made meanwhile after all (the first call arrived late)?
                match self.find_order(request).await {
                    Ok(Some(found)) => Ok(found),
                    Ok(None) => Err(again),
                    Err(e) => Err(order_unsure(lost, e)),
                }
            }
            done => done,
        }
    }

    /// The wallet payment: the prompt. Never called twice for one order (the engine calls it
    /// once, after the order's outcome is journalled).
    async fn initiate(&self, request: &PushRequest) -> Result<PushAccepted, ProviderError> {
        check_request(request)?;
        let order_id = request.reference.to_string();
        let fields: sign::Fields = vec![
            (
                "transid",
                Value::Text(format!("{order_id}{TRANSID_SUFFIX}")),
            ),
            ("order_id", Value::Text(order_id)),
            (
                "msisdn",
                Value::Text(request.phone.normalized().to_string()),
            ),
        ];
        let answer = self
            .call(Call::Create, "/checkout/wallet-payment", &fields)
            .await?;
        let secrets = self.secrets();
        refused_access(&answer, (self.now)())?;
        let Some(reply) = Reply::read(&answer.body) else {
            return Err(unknown(not_json(&answer)));
        };
        let pending = |message| {
            Ok(PushAccepted {
                provider_id: None,
                message,
                state: RemoteState::Pending,
            })
        };
        let c = reply.code();
        if answer.status == 429 {
            // Refused before anything was done.
            return Err(ProviderError::RetryLater {
                message: Msg::Throttled { provider: NAME },
                retry_after: answer.retry_after(),
            });
        }
        if !answer.is_success() && answer.status != 400 {
            return Err(unknown(detail(&answer, &reply, &secrets)));
        }
        match c {
            code::AMBIGUOUS => pending(Msg::Ambiguous { provider: NAME }),
            // Decided by `result`: `000` with PENDING is seen as well as `111`.
            _ if reply.result_word() == "PENDING" => pending(Msg::PromptSent),
            code::SUCCESS => pending(Msg::PromptSent),
            c if code::IN_PROGRESS.contains(&c) => pending(Msg::PromptSent),
            "" => Err(unknown(detail(&answer, &reply, &secrets))),
            _ => Err(rejected(&answer, &reply, &secrets)),
        }
    }

    /// The order status of an order nobody made, which must be Selcom's own answer (`000`,
    /// no order): a 404 is a wrong base URL's, whatever its words.
    async fn credentials(&self, probe: &Charged) -> Result<(), ProviderError> {
        let fields: sign::Fields = vec![(
            "order_id",
            Value::Text(probe.reference.as_str().to_string()),
        )];
        let answer = self
            .call(Call::Read, "/checkout/order-status", &fields)
            .await?;
        refused_access(&answer, (self.now)())?;
        match Reply::read(&answer.body) {
            Some(_) if answer.is_success() => Ok(()),
            _ => Err(answer.error(NAME, Call::Read, &self.secrets())),
        }
    }

    async fn query(&self, charged: &Charged) -> Result<Lookup, ProviderError> {
        let (reply, order) = self.order_status(charged.reference.as_str()).await?;
        let Some(order) = order.filter(|o| !unpaid_order(o)) else {
            return Ok(Lookup::NotFound);
        };
        let provider_id = order
            .reference
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        let c = reply.code();
        if c == code::AMBIGUOUS || code::IN_PROGRESS.contains(&c) {
            return Ok(Lookup::Found(RemoteStatus {
                state: RemoteState::Pending,
                word: format!("resultcode {c}"),
                message: if c == code::AMBIGUOUS {
                    Msg::Ambiguous { provider: NAME }
                } else {
                    Msg::PromptSent
                },
                provider_id,
                channel: None,
                wallet_ref: None,
            }));
        }
        let (state, message, word) = status_of(&order, charged);
        let channel = order
            .channel
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_string);
        Ok(Lookup::Found(RemoteStatus {
            state,
            word,
            message,
            provider_id,
            channel,
            wallet_ref: None,
        }))
    }
}

#[cfg(test)]
mod tests;
