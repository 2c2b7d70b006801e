//! ClickPesa (Tanzania, TZS): USSD push through `api.clickpesa.com/third-parties`.
//!
//! Authentication is a bearer token from `POST /generate-token`, cached and refreshed in
//! `token.rs`; when the merchant has switched checksums on, every body carries one
//! ([`checksum()`], `checksum.rs`). Amounts travel as strings of whole shillings; `list.rs`
//! reads ClickPesa's own list of payments for reconciliation.

pub mod checksum;
pub mod hook;
mod list;
mod settings;
pub mod sim;
mod spec;
mod token;
mod token_file;
mod wire;

pub use token_file::{FILE_NAME as TOKEN_FILE_NAME, TokenFile};

pub use checksum::{canonical_json, checksum};
pub use list::{ListQuery, PaymentPage, RemotePayment};
pub use settings::ClickPesaSettings;
pub use spec::SPEC;

use crate::money::Currency;
use crate::msg::Msg;
use crate::phone::Country;
use crate::provider::http::{self, Answer, Call};
use crate::provider::{
    Charged, Lookup, Preview, Provider, ProviderError, ProviderKind, PushAccepted, PushRequest,
    RemoteState,
};
use async_trait::async_trait;
use reqwest::{Method, Url};
use serde_json::{Map, Value, json};
use std::fmt;
use std::time::Duration;
use token::TokenCache;

const NAME: ProviderKind = ProviderKind::ClickPesa;

/// How long a token is used: ClickPesa's last an hour; five minutes are kept in hand.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(55 * 60);

/// A ClickPesa account's client. Cheap to share; one token cache per client.
pub struct ClickPesaClient {
    settings: ClickPesaSettings,
    http: reqwest::Client,
    tokens: TokenCache,
}

impl fmt::Debug for ClickPesaClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClickPesaClient")
            .field("base_url", &self.settings.base_url)
            .field("client_id", &self.settings.client_id)
            .field("checksum", &self.settings.checksum_key.is_some())
            .finish_non_exhaustive()
    }
}

impl ClickPesaClient {
    pub fn new(settings: ClickPesaSettings, http: reqwest::Client) -> ClickPesaClient {
        ClickPesaClient {
            settings,
            http,
            tokens: TokenCache::new(TOKEN_LIFETIME),
        }
    }

    /// Shares its tokens with other processes through a file in `data_dir` (`0600`).
    pub fn with_token_file(mut self, data_dir: &std::path::Path) -> ClickPesaClient {
        let file = TokenFile::new(
            data_dir,
            &self.settings.base_url,
            &self.settings.client_id,
            self.settings.api_key.expose(),
        );
        self.tokens = TokenCache::new(self.tokens_lifetime()).with_file(file);
        self
    }

    fn tokens_lifetime(&self) -> Duration {
        self.tokens.lifetime()
    }

    /// Uses tokens for `lifetime` instead of [`TOKEN_LIFETIME`] (tests).
    pub fn with_token_lifetime(mut self, lifetime: Duration) -> ClickPesaClient {
        self.tokens = self.tokens.with_lifetime(lifetime);
        self
    }

    fn url(&self, path: &str) -> Result<Url, ProviderError> {
        let base = self.settings.base_url.trim_end_matches('/');
        Url::parse(&format!("{base}{path}")).map_err(|_| ProviderError::Configuration {
            message: Msg::BadBaseUrl { provider: NAME },
        })
    }

    /// Serializes a body, with its checksum when the account uses them.
    fn body(&self, mut body: Map<String, Value>) -> Vec<u8> {
        if let Some(key) = &self.settings.checksum_key {
            let sum = checksum(&Value::Object(body.clone()), key.expose());
            body.insert("checksum".into(), Value::String(sum));
        }
        serde_json::to_vec(&Value::Object(body)).unwrap_or_default()
    }

    /// Secrets that must never reach a message.
    fn secrets(&self) -> Vec<&str> {
        let mut v = vec![self.settings.api_key.expose()];
        if let Some(k) = &self.settings.checksum_key {
            v.push(k.expose());
        }
        v
    }

    /// One authenticated call: on a 401, the token is dropped, a new one fetched and the call
    /// made once more. Answers with a success or one of `pass` come back; every other status
    /// is classified for `call`.
    async fn call(
        &self,
        call: Call,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
        pass: &[u16],
    ) -> Result<Answer, ProviderError> {
        let mut refreshed = false;
        loop {
            let token = self.tokens.get(|| self.fetch_token()).await?;
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .header(reqwest::header::AUTHORIZATION, token.header())
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let answer = http::send(NAME, call, request).await?;
            if answer.status == 401 && !refreshed {
                tracing::info!(
                    path = url.path(),
                    "ClickPesa token refused; fetching a new one"
                );
                self.tokens.drop_if_current(&token).await;
                refreshed = true;
                continue;
            }
            if answer.is_success() || pass.contains(&answer.status) {
                return Ok(answer);
            }
            let mut secrets = self.secrets();
            secrets.push(token.bare());
            let said = answer.said(&secrets);
            if answer.status == 401 {
                return Err(ProviderError::Configuration {
                    message: Msg::TokenRefusedAfterRefresh {
                        provider: ProviderKind::ClickPesa,
                        detail: Box::new(Msg::Http { status: 401, said }),
                    },
                });
            }
            if answer.status == 400
                && let Some(m) = said
                    .as_ref()
                    .filter(|m| m.to_ascii_lowercase().contains("checksum"))
            {
                return Err(ProviderError::Configuration {
                    message: Msg::ChecksumRefused {
                        provider: ProviderKind::ClickPesa,
                        said: m.clone(),
                    },
                });
            }
            if answer.status == 404 && !said.as_deref().is_some_and(documented_404) {
                // Not one of ClickPesa's own 404s: the page itself is missing.
                return Err(ProviderError::Configuration {
                    message: Msg::PathNotFound {
                        provider: NAME,
                        hint: "/third-parties".into(),
                    },
                });
            }
            return Err(answer.error(NAME, call, &secrets));
        }
    }

    /// `POST /generate-token`. Whatever happens here, no push was sent.
    async fn fetch_token(&self) -> Result<String, ProviderError> {
        let url = self.url("/generate-token")?;
        let request = self
            .http
            .post(url)
            .header("client-id", &self.settings.client_id)
            .header("api-key", self.settings.api_key.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        let answer = http::send(NAME, Call::Read, request).await?;
        let secrets = self.secrets();
        if matches!(answer.status, 400 | 401 | 403) {
            let said = answer
                .said(&secrets)
                .unwrap_or_else(|| format!("HTTP {}", answer.status));
            tracing::warn!(status = answer.status, "ClickPesa refused the credentials");
            return Err(ProviderError::Configuration {
                message: Msg::CredentialsRefused {
                    provider: NAME,
                    said,
                },
            });
        }
        if answer.status == 404 {
            return Err(ProviderError::Configuration {
                message: Msg::PathNotFound {
                    provider: NAME,
                    hint: "/third-parties".into(),
                },
            });
        }
        if !answer.is_success() {
            return Err(answer.error(NAME, Call::Read, &secrets));
        }
        let got: wire::TokenAnswer = answer.json(NAME, Call::Read)?;
        match got.token.map(|t| t.trim().to_string()) {
            Some(t) if !t.is_empty() => {
                tracing::debug!("ClickPesa token issued");
                Ok(t)
            }
            _ => Err(ProviderError::Configuration {
                message: Msg::TokenMissing {
                    provider: ProviderKind::ClickPesa,
                },
            }),
        }
    }

    /// The fields every push body shares, after checking the request suits ClickPesa.
    fn push_fields(&self, request: &PushRequest) -> Result<Map<String, Value>, ProviderError> {
        if request.amount.currency() != Currency::Tzs {
            return Err(ProviderError::Rejected {
                status: None,
                message: Msg::WrongCurrency {
                    provider: NAME,
                    expected: "TZS".into(),
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
        if request.phone.country() != Country::Tanzania {
            return Err(ProviderError::Rejected {
                status: None,
                message: Msg::WrongCountry { provider: NAME },
            });
        }
        let body = json!({
            "amount": request.amount.wire_decimal(),
            "currency": Currency::Tzs.code(),
            "orderReference": request.reference.as_str(),
            "phoneNumber": request.phone.normalized(),
        });
        match body {
            Value::Object(map) => Ok(map),
            _ => Ok(Map::new()),
        }
    }
}

/// ClickPesa's own 404 messages (providers.md): about the account or the payment, not a
/// missing page.
fn documented_404(said: &str) -> bool {
    let lower = said.to_ascii_lowercase();
    [
        "missing payment",
        "collection method",
        "valid payment method",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

#[async_trait]
impl Provider for ClickPesaClient {
    fn kind(&self) -> ProviderKind {
        ProviderKind::ClickPesa
    }

    async fn initiate(&self, request: &PushRequest) -> Result<PushAccepted, ProviderError> {
        let body = self.body(self.push_fields(request)?);
        let url = self.url("/payments/initiate-ussd-push-request")?;
        let answer = self
            .call(Call::Create, Method::POST, url, Some(body), &[])
            .await?;
        let payment: wire::PaymentWire = answer.json(NAME, Call::Create)?;
        let status = payment.to_status(&Charged::of_request(request));
        tracing::info!(reference = %request.reference, word = %status.word, "ClickPesa push accepted");
        Ok(PushAccepted {
            provider_id: payment.id.clone().filter(|id| !id.is_empty()),
            message: match status.state {
                RemoteState::Pending => Msg::PromptSent,
                _ => status.message,
            },
            state: status.state,
        })
    }

    async fn query(&self, charged: &Charged) -> Result<Lookup, ProviderError> {
        let mut url = self.url("/payments")?;
        url.path_segments_mut()
            .map_err(|_| ProviderError::Configuration {
                message: Msg::BadBaseUrl { provider: NAME },
            })?
            .push(charged.reference.as_str());
        let answer = self
            .call(Call::Read, Method::GET, url, None, &[404])
            .await?;
        if answer.status == 404 {
            // ClickPesa's "Invalid or missing payment: <ref>"; any other 404 means the page
            // itself is missing (a base URL without /third-parties), which says nothing about
            // the payment.
            return match answer.said(&self.secrets()) {
                Some(m) if documented_404(&m) => Ok(Lookup::NotFound),
                _ => Err(ProviderError::Configuration {
                    message: Msg::PathNotFound {
                        provider: NAME,
                        hint: "/third-parties".into(),
                    },
                }),
            };
        }
        let attempts: Vec<wire::PaymentWire> = answer.json(NAME, Call::Read)?;
        match wire::status_of(&attempts, charged) {
            Some(status) => Ok(Lookup::Found(status)),
            None => Ok(Lookup::NotFound),
        }
    }

    /// The status query (the token, the base URL), then a wallet check, which is signed with
    /// the checksum key when one is set: a wrong or missing key is refused there, as it would
    /// be at every push. Neither charges anyone nor prompts a phone.
    async fn credentials(&self, probe: &Charged) -> Result<(), ProviderError> {
        self.query(probe).await?;
        let phone = crate::phone::Phone::parse("0712345670", Country::Tanzania).map_err(|_| {
            ProviderError::Configuration {
                message: Msg::Empty,
            }
        })?;
        let check = PushRequest {
            reference: probe.reference.clone(),
            phone,
            amount: probe.amount,
            channel: None,
            email: None,
            name: None,
            prepared: None,
            callback: None,
        };
        self.preview(&check).await.map(drop)
    }

    async fn preview(&self, request: &PushRequest) -> Result<Option<Preview>, ProviderError> {
        let mut fields = self.push_fields(request)?;
        fields.insert("fetchSenderDetails".into(), Value::Bool(true));
        let body = self.body(fields);
        let url = self.url("/payments/preview-ussd-push-request")?;
        let answer = self
            .call(Call::Check, Method::POST, url, Some(body), &[])
            .await?;
        let preview: wire::PreviewWire = answer.json(NAME, Call::Check)?;
        Ok(Some(Preview {
            methods: preview
                .active_methods
                .iter()
                .map(wire::MethodWire::to_method)
                .collect(),
            account_name: preview
                .sender
                .and_then(|s| s.account_name)
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
            wallet: None,
        }))
    }

    /// `GET /payments/all`, every page.
    async fn day_list(
        &self,
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> Result<Option<Vec<crate::provider::Listed>>, ProviderError> {
        let list = self.list_all_payments(from, until).await?;
        Ok(Some(list.into_iter().map(listed).collect()))
    }

    /// `GET /payments/all`, the last changed first, from yesterday to tomorrow (whether
    /// ClickPesa's days are EAT's or UTC's is not documented).
    async fn recent_changes(
        &self,
        skip: u32,
        limit: u32,
    ) -> Result<Option<Vec<crate::provider::Listed>>, ProviderError> {
        let page = self.recently_changed(skip, limit).await?;
        Ok(Some(page.into_iter().map(listed).collect()))
    }
}

fn listed(r: list::RemotePayment) -> crate::provider::Listed {
    crate::provider::Listed {
        reference: r.reference,
        word: r.word,
        state: r.state,
        amount: r.amount,
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}
