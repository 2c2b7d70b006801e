//! What tests and the chaos test read: the ledger of truth and the counters.

use crate::money::{Currency, Money};
use crate::provider_kind::ProviderKind;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// Where a payment stands, in the simulator's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SimStatus {
    /// Prompt sent, no answer yet (or never).
    Pending,
    Paid,
    Failed,
    /// Paid, then reversed (a fault).
    Reversed,
}

/// A push as tests and the chaos test see it: the truth, whatever the client believes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerEntry {
    pub provider: ProviderKind,
    pub reference: String,
    /// The provider's id for it.
    pub id: String,
    pub phone: String,
    /// The amount exactly as it arrived on the wire (`1000`, `100.00`).
    pub amount: String,
    /// The same amount in minor units of `currency`.
    pub amount_minor: i64,
    pub currency: String,
    /// The channel, as the provider names or codes it.
    pub channel: String,
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// Status as of the moment the ledger was read.
    pub status: SimStatus,
    /// The same status in the provider's word (`PROCESSING`, `successful`, …).
    pub wire_status: String,
    /// Whether this status will never change again (false while pending, or while paid with
    /// a reversal fault still to come).
    pub is_final: bool,
    /// How many initiate calls carried this reference (1 = no duplicate was attempted).
    pub initiate_calls: u32,
    /// Status queries about this reference, and the most that were in flight at once (more
    /// than one: two clients asked at the same time).
    pub status_queries: u32,
    pub most_queries_at_once: u32,
    /// The push was created but its initiate call answered an error (magic digit 9, or the
    /// fail-after-create fault).
    pub initiate_failed: bool,
    /// Its status answers leave out the amount or name another paying number (faults): a
    /// client cannot prove it paid, and asks a person.
    pub proves_nothing: bool,
}

impl LedgerEntry {
    /// The amount as [`Money`] (`None` if `currency` is no currency lipa knows).
    pub fn money(&self) -> Option<Money> {
        Currency::from_code(&self.currency).map(|c| Money::from_minor(self.amount_minor, c))
    }
}

fn rfc3339<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// Counters since the simulator started.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimStats {
    /// Bearer tokens handed out by a `generate-token`.
    pub tokens_issued: u64,
    /// Tokens dropped by `revoke-tokens` (not counting expiry).
    pub tokens_revoked: u64,
    /// Live tokens a newer one invalidated (a provider whose every new token ends the last).
    pub tokens_invalidated: u64,
    /// `generate-token` calls refused (403, bad client id or API key).
    pub token_refusals: u64,
    /// All 401 answers (every provider).
    pub unauthorized: u64,
    /// 401 answers per provider (`<id>_unauthorized` in `/sim/stats`).
    pub unauthorized_by: BTreeMap<ProviderKind, u64>,
    /// Bodies refused for a missing or wrong checksum.
    pub checksum_failures: u64,
    /// Requests per endpoint, keyed `"METHOD /route"` (e.g.
    /// `"POST /api/v1/pay/ussd-charge"`); `/sim/*` not counted.
    pub requests: BTreeMap<String, u64>,
    /// Answers per HTTP status code (provider endpoints only).
    pub responses: BTreeMap<u16, u64>,
    /// Faults injected, per kind.
    pub faults: BTreeMap<String, u64>,
    /// Pushes asked a second time for one order (a provider of two calls): the client's
    /// defect, which must stay 0.
    pub repeated_pushes: u64,
    /// Pushes received again under an id already received (pawaPay's `DUPLICATE_IGNORED`):
    /// safe, and counted.
    pub repeated_sends: u64,
    /// Callbacks sent to lipa's receiver and answered 2xx, lost on purpose (a fault), and
    /// sent but not answered 2xx.
    pub callbacks_sent: u64,
    pub callbacks_lost: u64,
    pub callbacks_failed: u64,
}

impl SimStats {
    /// 401 answers of one provider.
    pub fn unauthorized_of(&self, provider: ProviderKind) -> u64 {
        self.unauthorized_by.get(&provider).copied().unwrap_or(0)
    }

    /// Requests to one endpoint, e.g. `requests_to("GET /api/v1/pay/verify-payment")`.
    pub fn requests_to(&self, key: &str) -> u64 {
        self.requests.get(key).copied().unwrap_or(0)
    }
}

/// As `/sim/stats` has always shown them: `<id>_unauthorized` for every provider, after
/// `unauthorized`.
impl Serialize for SimStats {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("tokens_issued", &self.tokens_issued)?;
        m.serialize_entry("tokens_revoked", &self.tokens_revoked)?;
        m.serialize_entry("token_refusals", &self.token_refusals)?;
        m.serialize_entry("unauthorized", &self.unauthorized)?;
        for kind in ProviderKind::ALL {
            // The provider's stored name (its serde name), without asking the registry.
            let id = serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            m.serialize_entry(&format!("{id}_unauthorized"), &self.unauthorized_of(kind))?;
        }
        m.serialize_entry("checksum_failures", &self.checksum_failures)?;
        m.serialize_entry("requests", &self.requests)?;
        m.serialize_entry("responses", &self.responses)?;
        m.serialize_entry("faults", &self.faults)?;
        m.serialize_entry("repeated_pushes", &self.repeated_pushes)?;
        m.serialize_entry("repeated_sends", &self.repeated_sends)?;
        m.serialize_entry("callbacks_sent", &self.callbacks_sent)?;
        m.serialize_entry("callbacks_lost", &self.callbacks_lost)?;
        m.serialize_entry("callbacks_failed", &self.callbacks_failed)?;
        m.end()
    }
}
