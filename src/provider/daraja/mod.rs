//! M-Pesa Daraja (Safaricom, Kenya, KES): M-Pesa Express pushes straight to Safaricom.
//!
//! Every call carries the app's bearer token ([`token`]: shared by everyone who shares the
//! app, as each new token invalidates the one before); the push and the query carry the
//! shortcode's password and an East Africa Time timestamp ([`password`]). A push is found
//! again only by the `CheckoutRequestID` its answer carries: an answer lost is a payment that
//! cannot be asked about (`LookupBy::ProviderId`), for a person. Every code is read as
//! providers.md decides.

pub mod hook;
mod password;
mod settings;
pub mod sim;
mod spec;
mod token;
mod wire;
mod words;

pub use password::{password, timestamp};
pub use settings::DarajaSettings;
pub use spec::SPEC;
pub use token::LIFETIME as TOKEN_LIFETIME;

use crate::msg::Msg;
use crate::provider::http::{self, Answer, Call};
use crate::provider::shelf::TokenShelf;
use crate::provider::{
    Charged, Lookup, Provider, ProviderError, ProviderKind, PushAccepted, PushRequest, RemoteState,
    RemoteStatus,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use wire::Reply;

const NAME: ProviderKind = ProviderKind::Daraja;

/// How long a prompt lives on the phone: a `1037` (phone unreachable) is final only after it.
pub const PROMPT_LIFE: Duration = Duration::from_secs(90);

/// `TransactionDesc`'s most characters.
const DESC_MAX: usize = 13;

/// Codes of an access token Daraja no longer takes.
const INVALID_TOKEN: [&str; 2] = ["404.001.03", "400.003.01"];

/// The same code on the push (a prompt already on the phone, or the merchant's settings) and
/// on the query (still being processed): read with the endpoint and the words.
const PROCESSING: &str = "500.001.1001";

/// A Daraja app's client. Cheap to share.
pub struct DarajaClient {
    settings: DarajaSettings,
    http: reqwest::Client,
    tokens: token::Tokens,
    now: fn() -> DateTime<Utc>,
}

impl fmt::Debug for DarajaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DarajaClient")
            .field("base_url", &self.settings.base_url)
            .field("shortcode", &self.settings.shortcode)
            .field("till", &self.settings.till)
            .finish_non_exhaustive()
    }
}

impl DarajaClient {
    /// A client whose token is this process's own (tests; see [`DarajaClient::with_shelf`]).
    pub fn new(settings: DarajaSettings, http: reqwest::Client) -> DarajaClient {
        DarajaClient::with_shelf(settings, http, None)
    }

    /// A client sharing its token through `shelf`.
    pub fn with_shelf(
        settings: DarajaSettings,
        http: reqwest::Client,
        shelf: Option<Arc<dyn TokenShelf>>,
    ) -> DarajaClient {
        let tokens = token::Tokens::new(
            http.clone(),
            &settings.base_url,
            &settings.consumer_key,
            &settings.consumer_secret,
            shelf,
        );
        DarajaClient {
            settings,
            http,
            tokens,
            now: Utc::now,
        }
    }

    /// Another clock for the timestamp (tests).
    pub fn with_clock(mut self, now: fn() -> DateTime<Utc>) -> DarajaClient {
        self.now = now;
        self
    }

    fn secrets(&self) -> [&str; 3] {
        [
            self.settings.consumer_key.expose(),
            self.settings.consumer_secret.expose(),
            self.settings.passkey.expose(),
        ]
    }

    /// The shortcode as the number Daraja takes.
    fn shortcode(&self) -> Result<u64, ProviderError> {
        number(&self.settings.shortcode, "shortcode")
    }

    /// The password and timestamp of a call made now.
    fn stamp(&self) -> (String, String) {
        let ts = timestamp((self.now)());
        let pw = password(
            &self.settings.shortcode,
            self.settings.passkey.expose(),
            &ts,
        );
        (pw, ts)
    }

    /// One authorised call; a token Daraja calls invalid is replaced and the call made once
    /// more (nothing was processed); refused again, it is the configuration's.
    async fn post(
        &self,
        call: Call,
        path: &str,
        body: &impl Serialize,
    ) -> Result<Answer, ProviderError> {
        let bytes = serde_json::to_vec(body).map_err(|_| ProviderError::Configuration {
            message: Msg::RequestNotBuilt { provider: NAME },
        })?;
        let url = format!("{}{path}", self.settings.base_url.trim_end_matches('/'));
        let mut refused: Option<String> = None;
        loop {
            let token = self.tokens.get(refused.as_deref()).await?;
            let request = self
                .http
                .post(&url)
                .bearer_auth(&token)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::ACCEPT, "application/json")
                .body(bytes.clone());
            let answer = http::send(NAME, call, request).await?;
            if !token_refused(&answer) {
                return Ok(answer);
            }
            if refused.is_some() {
                // Nothing was processed; another user of the app ends each token lipa fetches.
                tracing::warn!(
                    "Daraja refused a fresh token: another user of the app holds a newer one"
                );
                return Err(ProviderError::Configuration {
                    message: Msg::TokenTakenElsewhere { provider: NAME },
                });
            }
            tracing::info!("Daraja says the token is invalid; fetching another");
            refused = Some(token);
        }
    }
}

/// A setting that must be a number.
fn number(text: &str, key: &str) -> Result<u64, ProviderError> {
    text.trim()
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| ProviderError::Configuration {
            message: Msg::BadSetting {
                provider: NAME,
                key: key.into(),
            },
        })
}

/// The provider's words in an answer (`errorMessage`, else a description).
fn said(body: &[u8]) -> Option<String> {
    let r = Reply::read(body)?;
    [
        r.error_message,
        r.result_desc,
        r.response_description,
        r.customer_message,
    ]
    .into_iter()
    .flatten()
    .map(|t| t.trim().chars().take(200).collect::<String>())
    .find(|t| !t.is_empty())
}

/// The answer as a detail: its status and words (secrets blanked).
fn detail(answer: &Answer, secrets: &[&str]) -> Msg {
    Msg::Http {
        status: answer.status,
        said: said(&answer.body).map(|s| http::redact(&s, secrets)),
    }
}

/// An access token Daraja no longer takes (a 401 that is not about the app's products).
fn token_refused(answer: &Answer) -> bool {
    let reply = Reply::read(&answer.body).unwrap_or_default();
    let code = reply.error_code().unwrap_or_default();
    INVALID_TOKEN.contains(&code.as_str())
        || (answer.status == 401 && !reply.error_words().contains("apiproduct"))
}

/// The push's outcome is unknown: the prompt may be on its way.
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

/// Refuses what Daraja cannot take before anything is sent.
fn check_request(request: &PushRequest) -> Result<(), ProviderError> {
    crate::provider::whole_amount_in_its_country(request, NAME)
}

/// What a push answered that is not a yes (providers.md's table).
fn push_refused(answer: &Answer, secrets: &[&str]) -> ProviderError {
    let reply = Reply::read(&answer.body);
    let words = reply.as_ref().map(Reply::error_words).unwrap_or_default();
    let code = reply.as_ref().and_then(Reply::error_code);
    let status = answer.status;
    tracing::info!(status, code = ?code, "Daraja did not accept the push");
    let said = || {
        said(&answer.body)
            .map(|s| http::redact(&s, secrets))
            .unwrap_or_default()
    };
    match code.as_deref() {
        Some("400.002.02") => ProviderError::Rejected {
            status: Some(status),
            message: Msg::said(&said()),
        },
        Some(PROCESSING) if words.contains("unable to lock subscriber") => {
            ProviderError::Rejected {
                status: Some(status),
                message: Msg::PhoneBusy { provider: NAME },
            }
        }
        // The shortcode, or its passkey (the password is made of both).
        Some(PROCESSING) if words.contains("merchant does not exist") => {
            ProviderError::Configuration {
                message: Msg::BadSetting {
                    provider: NAME,
                    key: "shortcode".into(),
                },
            }
        }
        Some(PROCESSING) if words.contains("wrong credentials") => ProviderError::Configuration {
            message: Msg::BadSetting {
                provider: NAME,
                key: "passkey".into(),
            },
        },
        Some("500.003.02" | "500.003.03") => ProviderError::RetryLater {
            message: Msg::Throttled { provider: NAME },
            retry_after: answer.retry_after(),
        },
        _ if status == 401 && words.contains("apiproduct") => ProviderError::Configuration {
            message: Msg::AccessRefused {
                provider: NAME,
                detail: Box::new(detail(answer, secrets)),
            },
        },
        _ => unknown(match reply {
            Some(_) => detail(answer, secrets),
            None if answer.is_success() => Msg::BadJson { status },
            None => Msg::NotJson { status },
        }),
    }
}

/// A query's `ResultCode` as a status (providers.md's table). `age`: since the push left.
fn result(code: &str, desc: &str, age: Duration) -> (RemoteState, Msg) {
    use RemoteState::*;
    let told = || match Msg::from_provider(desc) {
        Msg::Empty => Msg::FailedNoReason {
            word: format!("ResultCode {code}"),
        },
        m => m,
    };
    match code {
        "0" => (Paid, Msg::Paid),
        "1" => (Failed, Msg::LowBalance),
        "2" | "3" | "4" | "8" | "1025" => (Failed, told()),
        "17" => (
            Failed,
            Msg::SameWithinMinutes {
                provider: NAME,
                minutes: 2,
            },
        ),
        "1019" => (Failed, Msg::CustomerTimedOut),
        "1032" => (Failed, Msg::CustomerCancelled),
        "1037" if age >= PROMPT_LIFE => (Failed, Msg::CustomerTimedOut),
        "1037" | "4999" => (Pending, Msg::PromptSent),
        "2001" => (Failed, Msg::WrongPin),
        "2028" | "SFC_IC0003" => (
            Attention,
            Msg::AccountTypeRefused {
                provider: NAME,
                code: code.into(),
            },
        ),
        // A code lipa does not know never means failed: pending until the deadline, when a
        // person is asked.
        _ => (
            Pending,
            Msg::UnknownWord {
                word: match desc.trim() {
                    "" => format!("ResultCode {code}"),
                    d => format!("ResultCode {code}: {d}"),
                },
            },
        ),
    }
}

fn status(state: RemoteState, word: &str, message: Msg, id: &str) -> Lookup {
    Lookup::Found(RemoteStatus {
        state,
        word: word.to_string(),
        message,
        provider_id: Some(id.to_string()),
        channel: None,
        wallet_ref: None,
    })
}

#[async_trait]
impl Provider for DarajaClient {
    fn kind(&self) -> ProviderKind {
        NAME
    }

    async fn initiate(&self, request: &PushRequest) -> Result<PushAccepted, ProviderError> {
        check_request(request)?;
        let shortcode = self.shortcode()?;
        let (party_b, kind) = self.settings.party_b();
        let party_b = number(
            party_b,
            if self.settings.till.is_some() {
                "till"
            } else {
                "shortcode"
            },
        )?;
        if !self.settings.callback_url.starts_with("https://") {
            return Err(ProviderError::Configuration {
                message: Msg::BadSetting {
                    provider: NAME,
                    key: "callback_url".into(),
                },
            });
        }
        let phone: u64 =
            number(request.phone.normalized(), "phone").map_err(|_| ProviderError::Rejected {
                status: None,
                message: Msg::WrongCountry { provider: NAME },
            })?;
        let (pw, ts) = self.stamp();
        let desc: String = self
            .settings
            .description
            .as_deref()
            .unwrap_or("lipa")
            .chars()
            .take(DESC_MAX)
            .collect();
        let body = wire::PushBody {
            business_short_code: shortcode,
            password: &pw,
            timestamp: &ts,
            transaction_type: kind,
            amount: request.amount.minor() / 100,
            party_a: phone,
            party_b,
            phone_number: phone,
            callback_url: request
                .callback
                .as_deref()
                .unwrap_or(&self.settings.callback_url),
            account_reference: request.reference.as_str(),
            transaction_desc: &desc,
        };
        let answer = self
            .post(Call::Create, "/mpesa/stkpush/v1/processrequest", &body)
            .await?;
        let reply = Reply::read(&answer.body).unwrap_or_default();
        let id = reply
            .checkout_request_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty());
        match (answer.is_success(), reply.response_code().as_deref(), id) {
            (true, Some("0"), Some(id)) => {
                tracing::info!(reference = %request.reference, "Daraja push accepted");
                Ok(PushAccepted {
                    provider_id: Some(id.to_string()),
                    message: Msg::PromptSent,
                    state: RemoteState::Pending,
                })
            }
            _ => Err(push_refused(&answer, &self.secrets())),
        }
    }

    /// The status query of an id nobody used: Daraja answers `Invalid CheckoutRequestID` once
    /// the token and the password were taken (a refused key or passkey is said otherwise).
    async fn credentials(&self, probe: &Charged) -> Result<(), ProviderError> {
        match self.query(probe).await {
            Ok(_) => Ok(()),
            Err(ProviderError::RetryLater {
                message: Msg::NoUsableAnswer { detail, .. },
                ..
            }) if matches!(detail.as_ref(), Msg::Http { status: 400, said: Some(said) }
                if said.to_ascii_lowercase().contains("invalid checkoutrequestid")) =>
            {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    async fn query(&self, charged: &Charged) -> Result<Lookup, ProviderError> {
        let Some(id) = charged.provider_id.as_deref() else {
            // Nothing to ask by: the engine asks a person instead (it never gets here).
            return Err(ProviderError::RetryLater {
                message: Msg::CannotLookUp { provider: NAME },
                retry_after: None,
            });
        };
        let (pw, ts) = self.stamp();
        let body = wire::QueryBody {
            business_short_code: self.shortcode()?,
            password: &pw,
            timestamp: &ts,
            checkout_request_id: id,
        };
        let answer = self
            .post(Call::Read, "/mpesa/stkpushquery/v1/query", &body)
            .await?;
        let secrets = self.secrets();
        let no_answer = |detail| ProviderError::RetryLater {
            message: Msg::NoUsableAnswer {
                provider: NAME,
                detail: Box::new(detail),
            },
            retry_after: answer.retry_after(),
        };
        let Some(reply) = Reply::read(&answer.body) else {
            return Err(no_answer(Msg::NotJson {
                status: answer.status,
            }));
        };
        let words = reply.error_words();
        match (reply.error_code().as_deref(), reply.result_code()) {
            // The same code as "being processed", with the words of a refused shortcode or
            // passkey: never taken for a payment still open.
            (Some(PROCESSING), _)
                if words.contains("merchant does not exist")
                    || words.contains("wrong credentials") =>
            {
                Err(ProviderError::Configuration {
                    message: Msg::BadSetting {
                        provider: NAME,
                        key: if words.contains("merchant") {
                            "shortcode"
                        } else {
                            "passkey"
                        }
                        .into(),
                    },
                })
            }
            // Not answered yet: "the transaction is being processed".
            (Some(PROCESSING), _) => Ok(status(
                RemoteState::Pending,
                PROCESSING,
                Msg::PromptSent,
                id,
            )),
            (Some("500.003.02" | "500.003.03"), _) => Err(ProviderError::RetryLater {
                message: Msg::Throttled { provider: NAME },
                retry_after: answer.retry_after(),
            }),
            (None, Some(code)) if answer.is_success() => {
                let other = reply
                    .checkout_request_id
                    .as_deref()
                    .map(str::trim)
                    .filter(|other| !other.is_empty() && *other != id);
                if let Some(other) = other {
                    return Ok(status(
                        RemoteState::Attention,
                        &code,
                        Msg::ReferenceDiffers {
                            expected: id.to_string(),
                            got: other.to_string(),
                        },
                        id,
                    ));
                }
                let age = charged
                    .sent_at
                    .map(|at| ((self.now)() - at).to_std().unwrap_or_default())
                    .unwrap_or(PROMPT_LIFE);
                let desc = reply.result_desc.as_deref().unwrap_or_default();
                let (state, message) = result(&code, &http::redact(desc, &secrets), age);
                Ok(status(state, &code, message, id))
            }
            _ => Err(no_answer(detail(&answer, &secrets))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            headers: reqwest::header::HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn envelope(code: &str, message: &str) -> String {
        format!(r#"{{"requestId":"1-2-3","errorCode":"{code}","errorMessage":"{message}"}}"#)
    }

    /// The push's error table (providers.md): read with its code and its words.
    #[test]
    fn push_errors_as_the_page_decides() {
        let class = |status, body: &str| push_refused(&answer(status, body), &[]).class();
        let e = envelope("400.002.02", "Bad Request - Invalid PhoneNumber");
        assert_eq!(class(400, &e), "rejected");
        let e = envelope(
            PROCESSING,
            "Unable to lock subscriber, a transaction is already in process for the current subscriber",
        );
        assert_eq!(
            push_refused(&answer(500, &e), &[]).message(),
            &Msg::PhoneBusy { provider: NAME }
        );
        for words in ["Merchant does not exist", "Wrong credentials"] {
            assert_eq!(class(500, &envelope(PROCESSING, words)), "configuration");
        }
        for code in ["500.003.02", "500.003.03"] {
            assert_eq!(class(500, &envelope(code, "Spike arrest")), "retry-later");
        }
        let e = envelope("401.002.01", "no apiproduct match found");
        assert_eq!(class(401, &e), "configuration");
        // Anything else may have made the prompt: unknown.
        assert_eq!(class(500, &envelope(PROCESSING, "System error")), "unknown");
        assert_eq!(
            class(503, "<html>upstream request timeout</html>"),
            "unknown"
        );
        assert_eq!(class(200, r#"{"ResponseCode":"1"}"#), "unknown");
        assert_eq!(
            class(400, &envelope("400.002.05", "Invalid Request Payload")),
            "unknown"
        );
    }

    #[test]
    fn a_dead_token_is_told_from_a_missing_product() {
        assert!(token_refused(&answer(
            401,
            &envelope("404.001.03", "Invalid Access Token")
        )));
        assert!(token_refused(&answer(
            400,
            &envelope("400.003.01", "Invalid Access Token")
        )));
        assert!(token_refused(&answer(401, "")));
        assert!(!token_refused(&answer(
            401,
            &envelope("401.002.01", "no apiproduct match found")
        )));
        assert!(!token_refused(&answer(
            500,
            &envelope(PROCESSING, "The transaction is being processed")
        )));
    }

    #[test]
    fn result_codes_as_the_page_decides() {
        let young = Duration::from_secs(30);
        let old = Duration::from_secs(95);
        let state = |code: &str, age| result(code, "", age).0;
        assert_eq!(state("0", young), RemoteState::Paid);
        for code in [
            "1", "2", "3", "4", "8", "17", "1019", "1025", "1032", "2001",
        ] {
            assert_eq!(state(code, young), RemoteState::Failed, "{code}");
        }
        assert_eq!(state("1037", young), RemoteState::Pending);
        assert_eq!(state("1037", old), RemoteState::Failed);
        assert_eq!(state("4999", old), RemoteState::Pending);
        assert_eq!(state("2028", young), RemoteState::Attention);
        assert_eq!(state("SFC_IC0003", young), RemoteState::Attention);
        // A code lipa does not know is never failed.
        assert_eq!(state("9999", old), RemoteState::Pending);
        assert_eq!(
            result("17", "", young).1,
            Msg::SameWithinMinutes {
                provider: NAME,
                minutes: 2
            }
        );
    }
}
