//! Providers: one trait, one module each. A provider hides its own authentication, wire format,
//! status words and error texts, and answers in the engine's own types, with errors classified by
//! what the caller must do next.
//!
//! Adding a provider (tried with a stub: 3 new files, about 310 lines, and 7 lines elsewhere):
//! - `provider/<id>/`: the client (`impl Provider`), its row (`spec.rs`: a `Spec`), its
//!   simulator (`sim/`: `impl sim::simulator::Simulator`, with its `demo` credentials), its
//!   settings and wire types, and its own sentences if it has any (`Spec::words`).
//! - `provider_kind.rs`: the variant and `ALL`; this file: `pub mod <id>;`, its arm in
//!   [`ProviderKind::spec`] and its line in [`demo`].
//! - `assets/config.example.toml` (its `[<id>]` table) and the README's variable table:
//!   `tests/config.rs` holds both to the row.
//! - Test helpers that match on the enum (`tests/console_common`, `tests/chaos/drive.rs`).

pub mod callback_address;
pub mod cepta;
pub mod clickpesa;
pub mod daraja;
pub mod hook;
pub mod http;
pub mod http_signature;
pub mod pawapay;
pub mod registry;
pub mod scrub;
pub mod selcom;
pub mod settings;
pub mod shelf;
pub mod spec;

pub use crate::payment::RemoteState;
pub use crate::provider_kind::ProviderKind;

/// Every provider simulator's demo credentials (`lipa::sim::demo`).
pub mod demo {
    pub use super::cepta::sim::demo::*;
    pub use super::clickpesa::sim::demo::*;
    pub use super::daraja::sim::demo::*;
    pub use super::pawapay::sim::demo::*;
    pub use super::selcom::sim::demo::*;
}

impl ProviderKind {
    /// The provider's row: the one `match` on the enum outside the provider folders
    /// (`registry.rs` answers the rest from the row).
    pub fn spec(self) -> &'static spec::Spec {
        match self {
            ProviderKind::ClickPesa => &clickpesa::SPEC,
            ProviderKind::Cepta => &cepta::SPEC,
            ProviderKind::Daraja => &daraja::SPEC,
            ProviderKind::Selcom => &selcom::SPEC,
            ProviderKind::PawapayKe => &pawapay::SPEC_KE,
            ProviderKind::PawapayTz => &pawapay::SPEC_TZ,
        }
    }
}

use crate::money::Money;
use crate::msg::Msg;
use crate::phone::Phone;
use crate::reference::Reference;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One push to send: already validated and recorded in the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRequest {
    pub reference: Reference,
    pub phone: Phone,
    pub amount: Money,
    /// The wallet's channel code, where the provider's row has channels (ignored elsewhere).
    pub channel: Option<String>,
    /// The customer's e-mail, where the row takes one; the configured default when `None`.
    pub email: Option<String>,
    pub name: Option<String>,
    /// What [`Provider::prepare`] made and the journal holds (pawaPay's `depositId`), for
    /// the send; `None` for a push of one call.
    pub prepared: Option<String>,
    /// This payment's own callback address (`public_url` + `/hooks/<provider>/<id>/<token>`),
    /// for a provider that takes one per push; `None`: its configured one.
    pub callback: Option<String>,
}

/// What lipa charged, to check a provider's answer against: a status that does not match
/// it proves nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charged {
    pub reference: Reference,
    pub amount: Money,
    /// Normalized number (`255…`/`254…`) the prompt went to.
    pub phone: String,
    /// The provider's own id, when the send's answer gave one (the one way to ask a provider
    /// whose payments are looked up by its id: [`spec::LookupBy::ProviderId`]).
    pub provider_id: Option<String>,
    /// When the push left (or was recorded, if lipa never learned when it left).
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Charged {
    /// What this push request charges.
    pub fn of_request(r: &PushRequest) -> Charged {
        Charged {
            reference: r.reference.clone(),
            amount: r.amount,
            phone: r.phone.normalized().to_string(),
            provider_id: None,
            sent_at: None,
        }
    }

    pub fn of(p: &crate::payment::Payment) -> Charged {
        Charged {
            reference: p.reference.clone(),
            amount: p.amount,
            phone: p.phone.clone(),
            provider_id: p.provider_id.clone(),
            sent_at: Some(p.sent_at.unwrap_or(p.created_at)),
        }
    }
}

/// The provider accepted the push: the prompt is on its way to the customer's phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushAccepted {
    /// The provider's own id for the payment, if it gave one.
    pub provider_id: Option<String>,
    /// What the provider said, as lipa words it.
    pub message: Msg,
    /// Status already known from the answer (usually pending).
    pub state: RemoteState,
}

/// The provider's answer to a status query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteStatus {
    pub state: RemoteState,
    /// The provider's status word, verbatim (`PROCESSING`, `successful`, …).
    pub word: String,
    /// What it means, as lipa words it (the provider's own words when lipa does not know them).
    pub message: Msg,
    /// The provider's own id of the payment, when the answer names one (an `id` the send's answer carries):
    /// kept when the answer to the push was lost.
    pub provider_id: Option<String>,
    /// The wallet it was paid from, where the answer names one and lipa did not choose it.
    pub channel: Option<String>,
    /// The wallet's own id of the payment, which the customer's SMS shows (pawaPay's
    /// `providerTransactionId`), where the answer gives it.
    pub wallet_ref: Option<String>,
}

/// Answer to a query by reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(RemoteStatus),
    /// The provider has no payment with that reference (yet).
    NotFound,
}

/// One payment as a provider lists it, for reconciliation ([`Provider::day_list`]) and as a
/// hint of what changed ([`Provider::recent_changes`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The merchant's reference it was pushed under.
    pub reference: String,
    /// The provider's word, verbatim (`SUCCESS`, `REVERSED`, …).
    pub word: String,
    /// The word in lipa's terms (unknown words: pending).
    pub state: RemoteState,
    /// What it collected, when the record names an exact amount in a currency lipa knows.
    pub amount: Option<Money>,
    /// When the provider created it, when it says.
    pub created_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the provider last changed it, when it says.
    pub updated_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Wallet check before a push (a provider's preview).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// Wallets and whether each can take a push now.
    pub methods: Vec<PreviewMethod>,
    /// The customer's registered name, when the provider knows it.
    pub account_name: Option<String>,
    /// The wallet (a channel code of the row's table) the provider says the number is on, for
    /// the form to choose unless the cashier has chosen (pawaPay's prediction).
    pub wallet: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewMethod {
    pub name: String,
    pub available: bool,
    pub fee_minor: Option<i64>,
    pub message: String,
}

/// Refuses, before anything is sent, a push a provider of whole amounts cannot take: another
/// currency than its row's, nothing, part of a unit, or a number of another country.
pub(crate) fn whole_amount_in_its_country(
    request: &PushRequest,
    provider: ProviderKind,
) -> Result<(), ProviderError> {
    let refused = |message| {
        Err(ProviderError::Rejected {
            status: None,
            message,
        })
    };
    let currency = provider.currency();
    if request.amount.currency() != currency {
        return refused(Msg::WrongCurrency {
            provider,
            expected: currency.code().into(),
            got: request.amount.currency().code().into(),
        });
    }
    if request.amount.minor() <= 0 {
        return refused(Msg::AmountNotPositive);
    }
    if request.amount.minor() % currency.scale() != 0 {
        return refused(Msg::AmountNotWhole { provider });
    }
    if request.phone.country() != provider.country() {
        return refused(Msg::WrongCountry { provider });
    }
    Ok(())
}

/// A mobile-money channel a provider offers (a code the provider takes, e.g. a bank code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    pub code: String,
    pub name: String,
}

/// Errors classified by what the caller must do. Messages never hold secrets; `Display` is
/// English (logs), a person's screen renders [`ProviderError::message`] in their language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The provider refused the request: nothing happened. Show why.
    #[error("{message}")]
    Rejected { status: Option<u16>, message: Msg },
    /// The request may or may not have taken effect: query the reference before anything else.
    #[error("{message}")]
    Unknown { message: Msg },
    /// Transient: nothing was done; try again later.
    #[error("{message}")]
    RetryLater {
        message: Msg,
        retry_after: Option<Duration>,
    },
    /// Credentials, clock, permissions or settings are wrong: a person must fix configuration.
    #[error("{message}")]
    Configuration { message: Msg },
}

impl ProviderError {
    /// What happened, in `lang`.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        self.message().text(lang)
    }

    /// What happened, for a person.
    pub fn message(&self) -> &Msg {
        match self {
            ProviderError::Rejected { message, .. }
            | ProviderError::Unknown { message }
            | ProviderError::RetryLater { message, .. }
            | ProviderError::Configuration { message } => message,
        }
    }

    pub fn message_mut(&mut self) -> &mut Msg {
        match self {
            ProviderError::Rejected { message, .. }
            | ProviderError::Unknown { message }
            | ProviderError::RetryLater { message, .. }
            | ProviderError::Configuration { message } => message,
        }
    }

    /// The class as a short machine word (logs, JSON).
    pub fn class(&self) -> &'static str {
        match self {
            ProviderError::Rejected { .. } => "rejected",
            ProviderError::Unknown { .. } => "unknown",
            ProviderError::RetryLater { .. } => "retry-later",
            ProviderError::Configuration { .. } => "configuration",
        }
    }
}

/// A payment provider. Implementations are cheap to share (`Arc<dyn Provider>`).
#[async_trait]
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;

    /// The first of a push made of two calls (Selcom's order), made while the payment is only
    /// recorded: it charges nobody, and it may be made again under the same reference (it
    /// finds the order a lost answer left, or makes it). `Ok(Some(id))`: the provider's id
    /// for what it made, journalled before [`Provider::initiate`] is called. Any error means
    /// nothing was sent, and the payment fails as not sent. Default: a push of one call.
    async fn prepare(&self, _request: &PushRequest) -> Result<Option<String>, ProviderError> {
        Ok(None)
    }

    /// Sends the push. `Unknown` means the prompt may have been sent: query before anything else.
    /// Called at most once per payment.
    async fn initiate(&self, request: &PushRequest) -> Result<PushAccepted, ProviderError>;

    /// Asks for the status of a payment by its reference. An answer that does not prove what
    /// was charged (reference, amount, currency, paying phone) comes back as `Attention`.
    async fn query(&self, charged: &Charged) -> Result<Lookup, ProviderError>;

    /// Whether the provider takes lipa's credentials, asked in a way that charges nobody
    /// (`lipa doctor`): `probe` is a reference and an id nobody used. Default: its status
    /// query; any answer is a yes, an error says why not.
    async fn credentials(&self, probe: &Charged) -> Result<(), ProviderError> {
        self.query(probe).await.map(drop)
    }

    /// The public keys its signed callbacks are checked with, kept or read now (`fresh`: a
    /// callback named a key not kept). Default: none (it signs with no published key).
    async fn hook_keys(&self, _fresh: bool) -> Vec<http_signature::PublicKey> {
        Vec::new()
    }

    /// Checks the wallet before pushing, where the provider supports it (default: not supported).
    async fn preview(&self, _request: &PushRequest) -> Result<Option<Preview>, ProviderError> {
        Ok(None)
    }

    /// Mobile-money channels, where the cashier chooses one; empty where the provider picks the channel itself.
    async fn channels(&self) -> Result<Vec<Channel>, ProviderError> {
        Ok(Vec::new())
    }

    /// Every payment the provider holds from `from` to `until` (dates as the provider counts
    /// them), every page, for reconciliation. `Ok(None)` (the default): the provider offers no
    /// such list, and each payment is asked by its reference instead.
    async fn day_list(
        &self,
        _from: chrono::NaiveDate,
        _until: chrono::NaiveDate,
    ) -> Result<Option<Vec<Listed>>, ProviderError> {
        Ok(None)
    }

    /// One page of the provider's payments, the last changed first (`skip` of them passed,
    /// at most `limit`), over the days around today. Read as a hint, never as proof: a payment
    /// listed as changed is asked by its reference at once, as a callback would make it.
    /// `Ok(None)` (the default): the provider offers no such list.
    async fn recent_changes(
        &self,
        _skip: u32,
        _limit: u32,
    ) -> Result<Option<Vec<Listed>>, ProviderError> {
        Ok(None)
    }
}
