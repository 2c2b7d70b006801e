//! Values the catalogue renders its sentences with.

use crate::money::{Currency, Money};
use crate::msg::Msg;
use crate::payment::{Payment, Status};
use crate::provider_kind::ProviderKind;
use crate::reference::Reference;

/// A payment for the catalogue's samples: checked attention, so every branch has its words.
pub fn sample_payment() -> Payment {
    let at = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default();
    Payment {
        id: 7,
        provider: ProviderKind::ALL[0],
        reference: Reference::from_stored("LP7K3MQ9XR4TZ".into()),
        phone: "255712345670".into(),
        amount: Money::from_minor(150_000, Currency::Tzs),
        channel: None,
        email: None,
        name: None,
        status: Status::Attention,
        message: Msg::said(""),
        said: Msg::said(""),
        lookup: None,
        heard_at: None,
        provider_id: None,
        created_at: at,
        updated_at: at,
        sent_at: Some(at),
        polls: 3,
        checked: true,
        checked_by: Some("rehema".into()),
        checked_at: Some(at),
        check_note: None,
        replaces: None,
        replaced_by: None,
        operator: "rehema".into(),
        flag: None,
        till: "duka-1".into(),
        wallet_ref: None,
    }
}
