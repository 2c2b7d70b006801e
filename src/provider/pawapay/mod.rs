//! pawaPay (Kenya, KES, and Tanzania, TZS): one contract, one client, two rows.
//!
//! The deposit's id is ours: a UUIDv4 made by [`Provider::prepare`] and journalled with the
//! payment before anything leaves; lipa's reference goes as `clientReferenceId`. A deposit is
//! looked up by that id, and one that never reached pawaPay may be sent again under it (the
//! engine does, providers.md: the one provider where lipa ever repeats a send). Every call
//! carries the API token as a bearer token. Amount limits come from pawaPay's active
//! configuration, read once and kept ([`limits`]).

mod codes;
pub mod hook;
mod keys;
mod limits;
mod settings;
pub mod sim;
mod spec;
mod wallets;
mod wire;
mod words;

pub use codes::wallet_of;
pub use settings::{PawapaySettings, customer_message};
pub use spec::{SPEC_KE, SPEC_TZ};
pub use wallets::{WALLETS_KE, WALLETS_TZ};

use crate::msg::Msg;
use crate::provider::http::{self, Answer, Call, Echo};
use crate::provider::{
    Channel, Charged, Lookup, Preview, Provider, ProviderError, ProviderKind, PushAccepted,
    PushRequest, RemoteState, RemoteStatus,
};
use async_trait::async_trait;
use std::fmt;
use wire::{Checked, Failure, Initiated};

/// How long a read lipa can do without may take (the prediction, the active configuration).
const OPTIONAL_WITHIN: std::time::Duration = std::time::Duration::from_secs(4);

/// How long pawaPay may take before a new prompt reaches a phone with one open (providers.md).
const BUSY_MINUTES: u32 = 10;

/// A pawaPay account's client, for one of its rows. Cheap to share.
pub struct PawapayClient {
    kind: ProviderKind,
    settings: PawapaySettings,
    http: reqwest::Client,
    limits: limits::Kept,
    /// Its public keys for signed callbacks, as last read.
    keys: keys::Kept,
    /// The wallet chosen for each deposit id while it is prepared (pawaPay's prediction), for
    /// its send.
    chosen: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

/// Deposits whose chosen wallet is kept, at most (a send comes right after its preparation;
/// a process that stopped between them predicts again).
const CHOSEN_MAX: usize = 256;

impl fmt::Debug for PawapayClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PawapayClient")
            .field("kind", &self.kind)
            .field("base_url", &self.settings.base_url)
            .finish_non_exhaustive()
    }
}

impl PawapayClient {
    pub fn new(
        kind: ProviderKind,
        settings: PawapaySettings,
        http: reqwest::Client,
    ) -> PawapayClient {
        PawapayClient {
            kind,
            settings,
            http,
            limits: limits::Kept::default(),
            keys: keys::Kept::default(),
            chosen: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    fn secrets(&self) -> [&str; 1] {
        [self.settings.api_token.expose()]
    }

    /// pawaPay's code for the row's country.
    fn country_code(&self) -> &'static str {
        match self.kind.country() {
            crate::phone::Country::Kenya => "KEN",
            crate::phone::Country::Tanzania => "TZA",
        }
    }

    /// One call with the bearer token: a GET, or a POST of `body` as JSON.
    async fn call(
        &self,
        call: Call,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, ProviderError> {
        self.call_within(call, path, body, None).await
    }

    /// A read lipa can do without (the prediction, the limits: each has a fallback), given
    /// [`OPTIONAL_WITHIN`] rather than the whole request timeout: the customer waits meanwhile.
    async fn call_optional(
        &self,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, ProviderError> {
        self.call_within(Call::Read, path, body, Some(OPTIONAL_WITHIN))
            .await
    }

    async fn call_within(
        &self,
        call: Call,
        path: &str,
        body: Option<Vec<u8>>,
        timeout: Option<std::time::Duration>,
    ) -> Result<Answer, ProviderError> {
        let url = format!("{}{path}", self.settings.base_url.trim_end_matches('/'));
        let request = match body {
            Some(body) => self
                .http
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body),
            None => self.http.get(url),
        };
        let request = request
            .header(reqwest::header::ACCEPT, "application/json")
            .bearer_auth(self.settings.api_token.expose());
        let request = match timeout {
            Some(t) => request.timeout(t),
            None => request,
        };
        http::send(self.kind, call, request).await
    }

    /// A refused token or account: nothing was done; the configuration's.
    fn refused_access(&self, answer: &Answer) -> Result<(), ProviderError> {
        if matches!(answer.status, 401 | 403) {
            let code = failure_of(&answer.body).code();
            tracing::warn!(status = answer.status, code = %code, "pawaPay refused the token");
            return Err(ProviderError::Configuration {
                message: Msg::CredentialsRefused {
                    provider: self.kind,
                    said: if code.is_empty() {
                        format!("HTTP {}", answer.status)
                    } else {
                        code
                    },
                },
            });
        }
        Ok(())
    }

    /// The wallet for a push: the cashier's choice, else the one chosen when its deposit was
    /// prepared, else pawaPay's prediction, else the number's prefix.
    async fn wallet(&self, request: &PushRequest) -> Result<String, ProviderError> {
        if let Some(ch) = request
            .channel
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            return Ok(ch.to_string());
        }
        let chosen = request
            .prepared
            .as_deref()
            .and_then(|id| self.chosen.lock().ok()?.get(id).cloned());
        if let Some(wallet) = chosen {
            return Ok(wallet);
        }
        match self.predict(request.phone.normalized()).await {
            Some(w) => Ok(w),
            None => wallet_of(&request.phone)
                .map(str::to_string)
                .ok_or(ProviderError::Rejected {
                    status: None,
                    message: Msg::WrongCountry {
                        provider: self.kind,
                    },
                }),
        }
    }

    /// `POST /v2/predict-provider`: pawaPay's wallet for a number (it can be wrong: the
    /// cashier may choose another). `None` when it cannot say, or names another country's.
    async fn predict(&self, phone: &str) -> Option<String> {
        let body = serde_json::to_vec(&serde_json::json!({ "phoneNumber": phone })).ok()?;
        let answer = self
            .call_optional("/v2/predict-provider", Some(body))
            .await
            .ok()?;
        if !answer.is_success() {
            return None;
        }
        let predicted: wire::Predicted = serde_json::from_slice(&answer.body).ok()?;
        let wallet = predicted.provider?.trim().to_string();
        spec_of(self.kind)
            .channels
            .and_then(|t| t.name_of(&wallet))
            .map(|_| wallet)
    }

    /// Refuses, before anything is sent, an amount outside the wallet's limits or a wallet
    /// pawaPay has closed.
    async fn within_limits(
        &self,
        request: &PushRequest,
        wallet: &str,
    ) -> Result<(), ProviderError> {
        let Some(rule) = self.limits_of(wallet).await else {
            return Ok(());
        };
        if !rule.open {
            return Err(ProviderError::Rejected {
                status: None,
                message: Msg::WalletUnavailable {
                    wallet: wallet_name(self.kind, wallet),
                    said: String::new(),
                },
            });
        }
        if request.amount < rule.min || request.amount > rule.max {
            return Err(ProviderError::Rejected {
                status: None,
                message: Msg::AmountLimits {
                    min: rule.min,
                    max: rule.max,
                },
            });
        }
        Ok(())
    }
}

/// The row of a kind this client serves.
fn spec_of(kind: ProviderKind) -> &'static crate::provider::spec::Spec {
    kind.spec()
}

/// A wallet's name for its code (the code itself when lipa does not know it).
fn wallet_name(kind: ProviderKind, code: &str) -> String {
    spec_of(kind)
        .channels
        .and_then(|t| t.name_of(code))
        .unwrap_or(code)
        .to_string()
}

/// A body's `failureReason` (a 500's, a 4xx's, a refusal's).
fn failure_of(body: &[u8]) -> Failure {
    serde_json::from_slice::<Initiated>(body)
        .ok()
        .and_then(|i| i.failure_reason)
        .unwrap_or_default()
}

/// The amount as pawaPay takes it: whole units, canonical (`"1500"`): never a float.
fn canonical_amount(request: &PushRequest) -> String {
    (request.amount.minor() / request.amount.currency().scale()).to_string()
}

/// A failure code in lipa's words (providers.md); pawaPay's own words for one lipa does not
/// know.
fn failure_words(
    kind: ProviderKind,
    failure: &Failure,
    wallet: Option<&str>,
    secrets: &[&str],
) -> Msg {
    let code = failure.code();
    match code.as_str() {
        "PAYMENT_NOT_APPROVED" => Msg::NotApproved,
        "INSUFFICIENT_BALANCE" => Msg::LowBalance,
        "PAYMENT_IN_PROGRESS" | "TRANSACTION_ALREADY_IN_PROCESS" => Msg::PhoneBusyFor {
            provider: kind,
            minutes: BUSY_MINUTES,
        },
        "PAYER_NOT_FOUND" => Msg::PayerNotFound {
            wallet: wallet.map_or_else(|| kind.label().to_string(), |w| wallet_name(kind, w)),
        },
        "PAYER_LIMIT_REACHED" => Msg::PayerLimit,
        // Listed by the page: said as pawaPay's code, whatever words came with it.
        "UNSPECIFIED_FAILURE" => Msg::FailedNoReason { word: code },
        "WALLET_LIMIT_REACHED" => Msg::WalletLimit,
        "PROVIDER_TEMPORARILY_UNAVAILABLE" => Msg::WalletUnavailable {
            wallet: wallet.map_or_else(|| kind.label().to_string(), |w| wallet_name(kind, w)),
            said: String::new(),
        },
        _ => {
            let said = failure
                .failure_message
                .as_deref()
                .map(|m| {
                    http::redact(m.trim(), secrets)
                        .chars()
                        .take(200)
                        .collect::<String>()
                })
                .filter(|m| !m.is_empty());
            match (said, code.is_empty()) {
                (Some(words), false) => Msg::said(&format!("{words} ({code})")),
                (Some(words), true) => Msg::said(&words),
                (None, false) => Msg::FailedNoReason { word: code },
                (None, true) => Msg::FailedNoReason {
                    word: "FAILED".into(),
                },
            }
        }
    }
}

/// The send's outcome is unknown: it may have reached pawaPay. Asked by its id next.
fn unknown(kind: ProviderKind, detail: Msg) -> ProviderError {
    ProviderError::Unknown {
        message: Msg::AnswerLost {
            why: Box::new(Msg::OutcomeUnknown {
                provider: kind,
                detail: Box::new(detail),
            }),
        },
    }
}

/// The deposit as pawaPay holds it, as a status (providers.md), checked against what was
/// charged.
fn status_of(
    kind: ProviderKind,
    found: &wire::Found,
    charged: &Charged,
    secrets: &[&str],
) -> RemoteStatus {
    let word = found
        .status
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_ascii_uppercase();
    let (state, message) = match word.as_str() {
        "ACCEPTED" | "PROCESSING" => (RemoteState::Pending, Msg::PromptSent),
        "IN_RECONCILIATION" => (RemoteState::Pending, Msg::Reconciling { provider: kind }),
        "COMPLETED" => (RemoteState::Paid, Msg::Paid),
        "FAILED" => (
            RemoteState::Failed,
            failure_words(
                kind,
                found.failure_reason.as_ref().unwrap_or(&Failure::default()),
                found.wallet(),
                secrets,
            ),
        ),
        // A word lipa does not know never means failed: pending until the deadline.
        _ => (
            RemoteState::Pending,
            Msg::UnknownWord {
                word: if word.is_empty() {
                    "status".into()
                } else {
                    word.clone()
                },
            },
        ),
    };
    let echo = Echo {
        reference: found.client_reference_id.as_deref(),
        amount: found.amount.as_deref(),
        currency: found.currency.as_deref(),
        phone: found.phone(),
    };
    let (state, message) = http::judge(state, message, charged, &echo);
    let text = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    RemoteStatus {
        state,
        word,
        message,
        provider_id: None,
        channel: text(found.wallet()),
        wallet_ref: text(found.provider_transaction_id.as_deref()),
    }
}

#[async_trait]
impl Provider for PawapayClient {
    fn kind(&self) -> ProviderKind {
        self.kind
    }

    /// The deposit's id: ours, a UUIDv4, journalled before the deposit is sent. Before it, the
    /// wallet is chosen (pawaPay's prediction when the cashier chose none) and the amount
    /// checked against its limits: anything refused here was never sent. No deposit leaves.
    async fn prepare(&self, request: &PushRequest) -> Result<Option<String>, ProviderError> {
        crate::provider::whole_amount_in_its_country(request, self.kind)?;
        let wallet = self.wallet(request).await?;
        self.within_limits(request, &wallet).await?;
        let id = crate::reference::uuid_v4();
        if let Ok(mut chosen) = self.chosen.lock() {
            if chosen.len() >= CHOSEN_MAX {
                chosen.clear();
            }
            chosen.insert(id.clone(), wallet);
        }
        Ok(Some(id))
    }

    /// `POST /v2/deposits` under the prepared id. Sent again under the same id by the engine
    /// when pawaPay says it never arrived.
    async fn initiate(&self, request: &PushRequest) -> Result<PushAccepted, ProviderError> {
        crate::provider::whole_amount_in_its_country(request, self.kind)?;
        let Some(deposit_id) = request.prepared.as_deref() else {
            return Err(ProviderError::Configuration {
                message: Msg::RequestNotBuilt {
                    provider: self.kind,
                },
            });
        };
        let wallet = self.wallet(request).await?;
        let message = self.settings.message();
        let body = wire::Deposit {
            deposit_id,
            amount: canonical_amount(request),
            currency: self.kind.currency().code(),
            payer: wire::Payer {
                kind: "MMO",
                account: wire::Account {
                    phone_number: request.phone.normalized(),
                    provider: &wallet,
                },
            },
            client_reference_id: request.reference.as_str(),
            customer_message: &message,
        };
        let body = serde_json::to_vec(&body).map_err(|_| ProviderError::Configuration {
            message: Msg::RequestNotBuilt {
                provider: self.kind,
            },
        })?;
        let answer = self.call(Call::Create, "/v2/deposits", Some(body)).await?;
        self.refused_access(&answer)?;
        let secrets = self.secrets();
        // A 429 too is unknown: a gateway may throttle after the deposit was taken, and asking
        // by the id (then sending under it again) costs nothing here.
        let detail = || Msg::Http {
            status: answer.status,
            said: answer.said(&secrets),
        };
        let Ok(reply) = serde_json::from_slice::<Initiated>(&answer.body) else {
            return Err(unknown(
                self.kind,
                Msg::NotJson {
                    status: answer.status,
                },
            ));
        };
        if answer.status == 400 {
            let failure = reply.failure_reason.unwrap_or_default();
            return Err(ProviderError::Rejected {
                status: Some(400),
                message: failure_words(self.kind, &failure, Some(&wallet), &secrets),
            });
        }
        if !answer.is_success() {
            // A 500 (`UNKNOWN_ERROR`, no status) or anything else: "not safe to assume the
            // initiation has failed".
            return Err(unknown(self.kind, detail()));
        }
        let status = reply
            .status
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase();
        let pending = |message| {
            Ok(PushAccepted {
                provider_id: None,
                message,
                state: RemoteState::Pending,
            })
        };
        match status.as_str() {
            "ACCEPTED" => {
                tracing::info!(reference = %request.reference, "pawaPay deposit accepted");
                pending(Msg::PromptSent)
            }
            "DUPLICATE_IGNORED" => {
                tracing::info!(reference = %request.reference, "pawaPay already had this deposit");
                pending(Msg::AlreadyReceived {
                    provider: self.kind,
                })
            }
            "REJECTED" => {
                let failure = reply.failure_reason.unwrap_or_default();
                let message = match failure.code().as_str() {
                    "AMOUNT_OUT_OF_BOUNDS" => match self.limits_of(&wallet).await {
                        Some(rule) => Msg::AmountLimits {
                            min: rule.min,
                            max: rule.max,
                        },
                        None => failure_words(self.kind, &failure, Some(&wallet), &secrets),
                    },
                    _ => failure_words(self.kind, &failure, Some(&wallet), &secrets),
                };
                Err(ProviderError::Rejected {
                    status: Some(answer.status),
                    message,
                })
            }
            _ => Err(unknown(self.kind, detail())),
        }
    }

    async fn query(&self, charged: &Charged) -> Result<Lookup, ProviderError> {
        let Some(id) = charged.provider_id.as_deref() else {
            // Nothing to ask by: the engine asks a person instead (it never gets here).
            return Err(ProviderError::RetryLater {
                message: Msg::CannotLookUp {
                    provider: self.kind,
                },
                retry_after: None,
            });
        };
        if !id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(ProviderError::RetryLater {
                message: Msg::CannotLookUp {
                    provider: self.kind,
                },
                retry_after: None,
            });
        }
        let answer = self
            .call(Call::Read, &format!("/v2/deposits/{id}"), None)
            .await?;
        self.refused_access(&answer)?;
        let secrets = self.secrets();
        let no_answer = |detail| ProviderError::RetryLater {
            message: Msg::NoUsableAnswer {
                provider: self.kind,
                detail: Box::new(detail),
            },
            retry_after: answer.retry_after(),
        };
        if answer.status == 429 {
            return Err(ProviderError::RetryLater {
                message: Msg::Throttled {
                    provider: self.kind,
                },
                retry_after: answer.retry_after(),
            });
        }
        let Ok(checked) = serde_json::from_slice::<Checked>(&answer.body) else {
            return Err(no_answer(Msg::NotJson {
                status: answer.status,
            }));
        };
        let status = checked
            .status
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase();
        match (answer.is_success(), status.as_str(), checked.data) {
            (true, "NOT_FOUND", _) => Ok(Lookup::NotFound),
            (true, "FOUND", Some(found)) => {
                let same = found
                    .deposit_id
                    .as_deref()
                    .is_none_or(|d| d.trim().eq_ignore_ascii_case(id));
                if !same {
                    return Err(no_answer(Msg::Http {
                        status: answer.status,
                        said: Some("another depositId".into()),
                    }));
                }
                Ok(Lookup::Found(status_of(
                    self.kind, &found, charged, &secrets,
                )))
            }
            _ => Err(no_answer(Msg::Http {
                status: answer.status,
                said: answer.said(&secrets),
            })),
        }
    }

    /// The wallet pawaPay says the number is on (its prediction), for the form to choose
    /// over the prefix's; nothing to show when it cannot say.
    async fn preview(&self, request: &PushRequest) -> Result<Option<Preview>, ProviderError> {
        Ok(self
            .predict(request.phone.normalized())
            .await
            .map(|wallet| Preview {
                methods: Vec::new(),
                account_name: None,
                wallet: Some(wallet),
            }))
    }

    /// The row's wallets pawaPay has open now (its active configuration, read once and kept);
    /// every wallet of the row when it cannot be read.
    async fn hook_keys(&self, fresh: bool) -> Vec<crate::provider::http_signature::PublicKey> {
        self.public_keys(fresh).await
    }

    async fn channels(&self) -> Result<Vec<Channel>, ProviderError> {
        let table = spec_of(self.kind).channels;
        let known = table.map(|t| t.known).unwrap_or_default();
        let mut out = Vec::new();
        for c in known {
            let open = self.limits_of(c.code).await.is_none_or(|l| l.open);
            if open {
                out.push(Channel {
                    code: c.code.to_string(),
                    name: c.name.to_string(),
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_codes_are_read_in_lipas_words() {
        let f = |code: &str| Failure {
            failure_code: Some(code.into()),
            failure_message: Some("words".into()),
        };
        let k = ProviderKind::PawapayTz;
        assert_eq!(
            failure_words(k, &f("PAYMENT_NOT_APPROVED"), None, &[]),
            Msg::NotApproved
        );
        assert_eq!(
            failure_words(k, &f("insufficient_balance"), None, &[]),
            Msg::LowBalance
        );
        assert_eq!(
            failure_words(k, &f("PAYER_NOT_FOUND"), Some("HALOTEL_TZA"), &[]),
            Msg::PayerNotFound {
                wallet: "HaloPesa".into()
            }
        );
        assert_eq!(
            failure_words(k, &f("SOMETHING_NEW"), None, &[]),
            Msg::said("words (SOMETHING_NEW)")
        );
    }
}
