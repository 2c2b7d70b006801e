//! The payment and its status machine.
//!
//! ```text
//! Recorded ─▶ Sending ─▶ Pending ─▶ Paid | Failed | Attention
//!                  └────▶ Unknown ─▶ (query) ─▶ Pending | Paid | Failed | Attention
//! ```
//! `Paid` and `Failed` are final and never change. `Attention` asks a person to look; a later
//! answer from the provider may still settle it as paid or failed.

use crate::money::Money;
use crate::msg::Msg;
use crate::phone::Phone;
use crate::provider_kind::ProviderKind;
use crate::reference::Reference;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the provider says about a payment, mapped to the engine's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RemoteState {
    Pending,
    Paid,
    Failed,
    /// Reversed, refunded, on hold, or an answer that does not match what was charged.
    Attention,
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Written to the journal; the request has not left the machine.
    Recorded,
    /// The request is leaving (or left) the machine; its answer is not yet known.
    Sending,
    /// The provider accepted the push; waiting for the customer.
    Pending,
    /// The send broke or timed out: the prompt may or may not exist. Resolved only by asking.
    Unknown,
    Paid,
    Failed,
    /// A person must look: reversed, on hold, no answer by the deadline, or still unresolved.
    Attention,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Recorded,
        Status::Sending,
        Status::Pending,
        Status::Unknown,
        Status::Paid,
        Status::Failed,
        Status::Attention,
    ];

    /// Machine word stored in the journal.
    pub fn id(self) -> &'static str {
        match self {
            Status::Recorded => "recorded",
            Status::Sending => "sending",
            Status::Pending => "pending",
            Status::Unknown => "unknown",
            Status::Paid => "paid",
            Status::Failed => "failed",
            Status::Attention => "attention",
        }
    }

    pub fn from_id(id: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Paid or failed: never changes again.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Paid | Status::Failed)
    }

    /// The status word of the headless commands' JSON contract.
    pub fn public_word(self) -> &'static str {
        match self {
            Status::Recorded | Status::Sending | Status::Unknown => "unknown",
            Status::Pending => "pending",
            Status::Paid => "paid",
            Status::Failed => "failed",
            Status::Attention => "attention",
        }
    }

    /// Whether the status machine allows `self → next`.
    pub fn can_become(self, next: Status) -> bool {
        use Status::*;
        if self.is_final() || self == next {
            return false;
        }
        match self {
            Recorded => matches!(next, Sending | Failed),
            Sending => matches!(next, Pending | Unknown | Paid | Failed | Attention),
            Pending => matches!(next, Paid | Failed | Attention),
            // Sent again under the same id (a provider that takes lipa's id, which said it
            // never received it: the engine decides).
            Unknown => matches!(next, Sending | Pending | Paid | Failed | Attention),
            Attention => matches!(next, Paid | Failed),
            Paid | Failed => false,
        }
    }
}

impl From<RemoteState> for Status {
    fn from(s: RemoteState) -> Status {
        match s {
            RemoteState::Pending => Status::Pending,
            RemoteState::Paid => Status::Paid,
            RemoteState::Failed => Status::Failed,
            RemoteState::Attention => Status::Attention,
        }
    }
}

/// A payment as the journal holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// Journal row id.
    pub id: i64,
    pub provider: ProviderKind,
    pub reference: Reference,
    /// Normalized number (`255…`/`254…`).
    pub phone: String,
    pub amount: Money,
    pub channel: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub status: Status,
    /// The words of the current status: why it is what it is (for *attention*, what a person
    /// must act on). Set by each status change, never by a status query that changes nothing.
    pub message: Msg,
    /// The latest words of a status query that changed nothing (still waiting, could not
    /// check), shown beside `message`.
    pub said: Msg,
    /// What the last status query learned.
    pub lookup: Option<LookupKind>,
    /// When the provider last gave a usable answer about this payment.
    pub heard_at: Option<DateTime<Utc>>,
    pub provider_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the request was handed to the network (the tracker's clock starts here).
    pub sent_at: Option<DateTime<Utc>>,
    /// Status queries made so far.
    pub polls: u32,
    /// For `Attention`: a person has looked at it.
    pub checked: bool,
    /// Who marked it checked, when, and what they wrote.
    pub checked_by: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    pub check_note: Option<String>,
    /// The failed payment this one sends again.
    pub replaces: Option<i64>,
    /// The payment that sends this one again (newest).
    pub replaced_by: Option<i64>,
    /// Who pushed it (`unknown` for payments journalled before lipa recorded it).
    pub operator: String,
    /// What the provider said after the payment was final (reversed after paid): the status
    /// stays, and a person must look.
    pub flag: Option<Msg>,
    /// The till that recorded it (`unknown` for payments from before lipa recorded it).
    pub till: String,
    /// The wallet's own id of the payment, which the customer's SMS shows, when the provider
    /// gives it (pawaPay's `providerTransactionId`).
    pub wallet_ref: Option<String>,
}

/// What one status query learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LookupKind {
    /// The provider knows the payment.
    Found,
    /// The provider said, definitely, that it has no payment under this reference.
    NotFound,
    /// No usable answer (unreachable, throttled, an error page).
    Failed,
}

impl LookupKind {
    pub fn id(self) -> &'static str {
        match self {
            LookupKind::Found => "found",
            LookupKind::NotFound => "not-found",
            LookupKind::Failed => "failed",
        }
    }
    pub fn from_id(id: &str) -> Option<LookupKind> {
        [LookupKind::Found, LookupKind::NotFound, LookupKind::Failed]
            .into_iter()
            .find(|k| k.id() == id)
    }
}

impl Payment {
    /// Its prompt may be on the phone now: being sent, waiting, or sent with its answer lost.
    pub fn waits(&self) -> bool {
        matches!(
            self.status,
            Status::Recorded | Status::Sending | Status::Pending | Status::Unknown
        )
    }

    /// The number with its middle digits hidden, for screens.
    pub fn masked_phone(&self) -> String {
        crate::phone::mask(&self.phone)
    }

    /// [`Payment::masked_phone`] without the country code, for narrow columns: `712 ••• 670`.
    pub fn masked_phone_short(&self) -> String {
        self.masked_phone()
            .trim_start_matches(|c: char| c != ' ')
            .trim()
            .to_string()
    }

    /// Failed without the provider ever taking it (refused, or never sent): no customer saw a
    /// prompt, so another push is not a duplicate of it.
    pub fn never_reached_anyone(&self) -> bool {
        self.status == Status::Failed && self.heard_at.is_none()
    }

    /// The words to show in one line: the latest status query's while still waiting, else the
    /// status's own (for *attention*, the reason a person must act on).
    pub fn words(&self) -> &Msg {
        match self.status {
            Status::Sending | Status::Unknown | Status::Pending if !self.said.is_empty() => {
                &self.said
            }
            _ => &self.message,
        }
    }
}

/// What an event in a payment's history records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// The status changed (or the payment was recorded).
    Status,
    /// A person marked an *attention* payment checked.
    Check,
    /// A person asked the provider again.
    Recheck,
    /// The provider changed its word after the payment was final (see [`Payment::flag`]).
    Flag,
    /// The provider called back about it (a hint: lipa asked again).
    Hook,
}

impl EventKind {
    pub fn id(self) -> &'static str {
        match self {
            EventKind::Status => "status",
            EventKind::Check => "check",
            EventKind::Recheck => "recheck",
            EventKind::Flag => "flag",
            EventKind::Hook => "hook",
        }
    }
    pub fn from_id(id: &str) -> Option<EventKind> {
        [
            EventKind::Status,
            EventKind::Check,
            EventKind::Recheck,
            EventKind::Flag,
            EventKind::Hook,
        ]
        .into_iter()
        .find(|k| k.id() == id)
    }
}

/// One entry in a payment's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub payment_id: i64,
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    /// The status after the event.
    pub status: Status,
    pub message: Msg,
    /// Who did it (checks and re-checks).
    pub who: Option<String>,
}

/// A new payment, validated, before it has a journal row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub provider: ProviderKind,
    pub reference: Reference,
    pub phone: Phone,
    pub amount: Money,
    pub channel: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The failed payment this one sends again.
    pub replaces: Option<i64>,
    /// Who pushed it.
    pub operator: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_states_never_change() {
        for s in Status::ALL {
            assert!(!Status::Paid.can_become(s));
            assert!(!Status::Failed.can_become(s));
        }
    }

    #[test]
    fn the_machine_follows_the_design() {
        use Status::*;
        assert!(Recorded.can_become(Sending));
        assert!(!Recorded.can_become(Paid));
        assert!(Sending.can_become(Unknown));
        assert!(Unknown.can_become(Paid));
        assert!(Pending.can_become(Attention));
        assert!(Attention.can_become(Paid));
        assert!(!Attention.can_become(Pending));
    }
}
