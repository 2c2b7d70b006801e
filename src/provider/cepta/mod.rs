//! Cepta (Kenya, KES): STK push through `adapter.cepta.co`.
//!
//! Every request is signed ([`sign`]): the body is serialized once, those bytes are signed and
//! the same bytes are sent. Amounts travel as JSON numbers written exactly from minor units.

mod channels;
pub mod hook;
mod settings;
mod sign;
pub mod sim;
mod spec;
mod wire;

pub use channels::known_channels;
pub use settings::CeptaSettings;
pub use sign::sign;
pub use spec::{CHANNELS, SPEC};

use crate::money::Currency;
use crate::msg::Msg;
use crate::phone::Country;
use crate::provider::http::{self, Answer, Call};
use crate::provider::{
    Channel, Charged, Lookup, Provider, ProviderError, ProviderKind, PushAccepted, PushRequest,
    RemoteState,
};
use async_trait::async_trait;
use reqwest::{Method, Url};
use serde_json::value::RawValue;
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

const NAME: ProviderKind = ProviderKind::Cepta;

/// The channel used when neither the cashier nor the number's network chose one.
pub const DEFAULT_CHANNEL: &str = "63902";

/// A Cepta merchant's client. Cheap to share.
pub struct CeptaClient {
    settings: CeptaSettings,
    http: reqwest::Client,
    /// This machine's clock, in Unix seconds (replaceable for tests).
    now_unix: fn() -> i64,
    /// Sign GET requests over the path without the query (what some client code does), once
    /// the documented form has been refused and this one accepted.
    gets_sign_path_only: AtomicBool,
    channels: Mutex<Option<channels::Cached>>,
}

impl fmt::Debug for CeptaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CeptaClient")
            .field("base_url", &self.settings.base_url)
            .field("public_key", &self.settings.public_key)
            .finish_non_exhaustive()
    }
}

fn system_clock() -> i64 {
    chrono::Utc::now().timestamp()
}

impl CeptaClient {
    pub fn new(settings: CeptaSettings, http: reqwest::Client) -> CeptaClient {
        CeptaClient {
            settings,
            http,
            now_unix: system_clock,
            gets_sign_path_only: AtomicBool::new(false),
            channels: Mutex::new(None),
        }
    }

    /// Uses another clock for `X-Access-Ts` (tests of clock skew).
    pub fn with_clock(mut self, now_unix: fn() -> i64) -> CeptaClient {
        self.now_unix = now_unix;
        self
    }

    /// Whether GET requests are now signed without their query string (after the documented
    /// form was refused and the other accepted).
    pub fn signs_gets_path_only(&self) -> bool {
        self.gets_sign_path_only.load(Ordering::Relaxed)
    }

    fn url(&self, path: &str, query: Option<(&str, &str)>) -> Result<Url, ProviderError> {
        let base = self.settings.base_url.trim_end_matches('/');
        let mut url =
            Url::parse(&format!("{base}{path}")).map_err(|_| ProviderError::Configuration {
                message: Msg::BadBaseUrl { provider: NAME },
            })?;
        if let Some((k, v)) = query {
            url.query_pairs_mut().append_pair(k, v);
        }
        Ok(url)
    }

    fn signed(
        &self,
        method: &Method,
        url: &Url,
        path_only: bool,
        body: &[u8],
    ) -> reqwest::RequestBuilder {
        // The URI exactly as reqwest sends it: the URL's path and query, as serialized.
        let mut uri = url.path().to_string();
        if let Some(q) = url.query().filter(|_| !path_only) {
            uri.push('?');
            uri.push_str(q);
        }
        let ts = (self.now_unix)().to_string();
        let signature = sign(
            self.settings.secret_key.expose(),
            &ts,
            method.as_str(),
            &uri,
            body,
        );
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header("X-Access-Key", &self.settings.public_key)
            .header("X-Access-Ts", ts)
            .header("X-Access-Signature", signature)
            .header(reqwest::header::ACCEPT, "application/json");
        if !body.is_empty() {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        request
    }

    /// One signed call. A 401 to a GET with a query is tried once more with the other signing
    /// form, and the form that worked is remembered. Answers with a success or one of `pass`
    /// come back; every other status is classified for `call`.
    async fn call(
        &self,
        call: Call,
        method: Method,
        url: Url,
        body: &[u8],
        pass: &[u16],
    ) -> Result<Answer, ProviderError> {
        let two_forms = method == Method::GET && url.query().is_some();
        let path_only = two_forms && self.signs_gets_path_only();
        let mut answer =
            http::send(NAME, call, self.signed(&method, &url, path_only, body)).await?;
        if answer.status == 401 && two_forms {
            tracing::info!(
                path = url.path(),
                path_only = !path_only,
                "Cepta refused the signature; trying the other form"
            );
            let retry =
                http::send(NAME, call, self.signed(&method, &url, !path_only, body)).await?;
            if retry.status != 401 {
                self.gets_sign_path_only
                    .store(!path_only, Ordering::Relaxed);
            }
            answer = retry;
        }
        if answer.status == 401 {
            let skew = answer.date().map(|d| d.timestamp() - (self.now_unix)());
            tracing::warn!(skew_seconds = ?skew, "Cepta refused the request (401)");
            return Err(ProviderError::Configuration {
                message: Msg::SignatureRefused {
                    provider: ProviderKind::Cepta,
                    skew,
                },
            });
        }
        if answer.is_success() || pass.contains(&answer.status) {
            return Ok(answer);
        }
        Err(answer.error(NAME, call, &[self.settings.secret_key.expose()]))
    }
}

/// `{"status": false}` to a charge. A duplicate reference means a push under it exists, and
/// words that do not say the request itself was wrong say nothing certain: both are queried
/// before anything else. Only a validation refusal proves nothing was created.
fn refusal(status: u16, said: Option<String>) -> ProviderError {
    let words = said.as_deref().unwrap_or_default();
    if http::says_duplicate(words) {
        tracing::info!(status, "Cepta says the reference is already used");
        return ProviderError::Unknown {
            message: Msg::ReferenceExists { provider: NAME },
        };
    }
    let lower = words.to_ascii_lowercase();
    let invalid = [
        "validation",
        "invalid",
        "must be",
        "required",
        "not allowed",
        "not supported",
        "greater than",
    ]
    .iter()
    .any(|w| lower.contains(w));
    if invalid {
        tracing::info!(status, "Cepta refused the charge");
        return ProviderError::Rejected {
            status: Some(status),
            message: match said {
                Some(m) => Msg::from_provider(&m),
                None => Msg::RefusedSilently { provider: NAME },
            },
        };
    }
    tracing::info!(
        status,
        "Cepta answered the charge with status false; checking"
    );
    ProviderError::Unknown {
        message: Msg::AnswerLost {
            why: Box::new(Msg::OutcomeUnknown {
                provider: NAME,
                detail: Box::new(Msg::Http { status, said }),
            }),
        },
    }
}

/// Refuses what Cepta cannot take before anything is sent.
fn check_request(request: &PushRequest) -> Result<(), ProviderError> {
    if request.amount.currency() != Currency::Kes {
        return Err(ProviderError::Rejected {
            status: None,
            message: Msg::WrongCurrency {
                provider: NAME,
                expected: "KES".into(),
                got: request.amount.currency().code().into(),
            },
        });
    }
    if request.amount.minor() <= 0 {
        return Err(ProviderError::Rejected {
            status: None,
            message: Msg::AmountNotPositive,
        });
    }
    if request.phone.country() != Country::Kenya {
        return Err(ProviderError::Rejected {
            status: None,
            message: Msg::WrongCountry { provider: NAME },
        });
    }
    Ok(())
}

fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

#[async_trait]
impl Provider for CeptaClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Cepta
    }

    async fn initiate(&self, request: &PushRequest) -> Result<PushAccepted, ProviderError> {
        check_request(request)?;
        let amount = RawValue::from_string(request.amount.wire_decimal()).map_err(|_| {
            ProviderError::Rejected {
                status: None,
                message: Msg::AmountNotPositive,
            }
        })?;
        let channel = non_empty(request.channel.as_deref())
            .or_else(|| (CHANNELS.suggest)(request.phone.network()))
            .unwrap_or(DEFAULT_CHANNEL);
        let body = wire::ChargeBody {
            transaction_ref: request.reference.as_str(),
            customer_email: non_empty(request.email.as_deref())
                .unwrap_or(self.settings.email.trim()),
            amount: &amount,
            currency: Currency::Kes.code(),
            bank_account: channel,
            phone_number: request.phone.normalized(),
            full_name: non_empty(request.name.as_deref()),
        };
        // Serialized once: these bytes are signed and sent.
        let bytes = serde_json::to_vec(&body).map_err(|_| ProviderError::Rejected {
            status: None,
            message: Msg::AmountNotPositive,
        })?;
        let url = self.url("/api/v1/pay/ussd-charge", None)?;
        let answer = self
            .call(Call::Create, Method::POST, url, &bytes, &[])
            .await?;
        let reply: wire::Envelope<wire::ChargeData> = answer.json(NAME, Call::Create)?;
        let said = non_empty(reply.message.as_deref()).map(str::to_string);
        let payment_id = reply
            .data
            .as_ref()
            .and_then(|d| non_empty(d.payment_id.as_deref()))
            .map(str::to_string);
        match reply.status {
            Some(false) => return Err(refusal(answer.status, said)),
            None if payment_id.is_none() => {
                return Err(ProviderError::Unknown {
                    message: Msg::AnswerLost {
                        why: Box::new(Msg::OutcomeUnknown {
                            provider: NAME,
                            detail: Box::new(Msg::BadJson {
                                status: answer.status,
                            }),
                        }),
                    },
                });
            }
            _ => {}
        }
        if let Some(d) = &reply.data {
            if non_empty(d.transaction_ref.as_deref())
                .is_some_and(|r| r != request.reference.as_str())
            {
                tracing::warn!(reference = %request.reference, "Cepta echoed another reference");
            }
            tracing::info!(reference = %request.reference, code = ?d.response_code, "Cepta push accepted");
        }
        Ok(PushAccepted {
            provider_id: payment_id,
            message: Msg::PromptSent,
            state: RemoteState::Pending,
        })
    }

    async fn query(&self, charged: &Charged) -> Result<Lookup, ProviderError> {
        let url = self.url(
            "/api/v1/pay/verify-payment",
            Some(("TransactionRef", charged.reference.as_str())),
        )?;
        let answer = self.call(Call::Read, Method::GET, url, b"", &[404]).await?;
        if answer.status == 404 {
            return Ok(Lookup::NotFound);
        }
        let reply: wire::Envelope<wire::VerifyData> = answer.json(NAME, Call::Read)?;
        let said = reply.message.unwrap_or_default();
        match (reply.status, reply.data) {
            (Some(false), _) | (_, None) => {
                let lower = said.to_ascii_lowercase();
                if lower.contains("not_found") || lower.contains("not found") {
                    return Ok(Lookup::NotFound);
                }
                Err(ProviderError::RetryLater {
                    message: Msg::NoUsableAnswer {
                        provider: NAME,
                        detail: Box::new(Msg::Http {
                            status: answer.status,
                            said: non_empty(Some(&said)).map(str::to_string),
                        }),
                    },
                    retry_after: None,
                })
            }
            (_, Some(data)) => Ok(Lookup::Found(data.to_status(charged))),
        }
    }

    /// The channel list from Cepta (kept for hours), or the documented table when it cannot be
    /// read (asked again after a few minutes). Never fails.
    async fn channels(&self) -> Result<Vec<Channel>, ProviderError> {
        Ok(self.channel_list().await)
    }

    /// A signed read that must succeed: the channel list. (A status query of an unknown
    /// reference is a 404, as is a wrong base URL's every path.)
    async fn credentials(&self, _probe: &Charged) -> Result<(), ProviderError> {
        self.fetch_channels().await.map(drop)
    }
}
