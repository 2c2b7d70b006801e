//! Cepta's JSON: the `{status, message, data}` envelope, the charge and verify answers, the
//! channel list; and its status words mapped to ours.

use crate::msg::Msg;
use crate::provider::http::{Echo, judge, text};
use crate::provider::{Channel, Charged, RemoteState, RemoteStatus};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;

/// `POST /api/v1/pay/ussd-charge`, fields in the documented order. The amount is raw JSON
/// written from minor units: `100`, `100.5` — never a float.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ChargeBody<'a> {
    pub transaction_ref: &'a str,
    pub customer_email: &'a str,
    pub amount: &'a RawValue,
    pub currency: &'a str,
    pub bank_account: &'a str,
    pub phone_number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<&'a str>,
}

/// `{"status": bool, "message": "...", "data": ...}`.
#[derive(Debug, Deserialize)]
pub(super) struct Envelope<T> {
    #[serde(default, deserialize_with = "flag")]
    pub status: Option<bool>,
    #[serde(default, deserialize_with = "text")]
    pub message: Option<String>,
    pub data: Option<T>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ChargeData {
    #[serde(default, deserialize_with = "text")]
    pub transaction_ref: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payment_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub response_code: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct VerifyData {
    #[serde(default, deserialize_with = "text")]
    pub transaction_ref: Option<String>,
    /// Cepta's own id for the payment, as the charge's answer names it (not in the documented
    /// list, but sent: a payment whose charge answer was lost learns it here).
    #[serde(default, deserialize_with = "text")]
    pub payment_id: Option<String>,
    #[serde(default)]
    pub amount: Option<Box<RawValue>>,
    #[serde(default, deserialize_with = "text")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub processor_response: Option<String>,
    /// The paying number, when Cepta says (not documented; checked when present).
    #[serde(default, deserialize_with = "text")]
    pub phone_number: Option<String>,
}

/// `GET /api/v1/pay/mobile-money-banks`: the envelope, or a bare array.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum ChannelList {
    Bare(Vec<ChannelWire>),
    Wrapped(Envelope<Vec<ChannelWire>>),
}

#[derive(Debug, Deserialize)]
pub(super) struct ChannelWire {
    #[serde(default, deserialize_with = "text")]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub name: Option<String>,
}

impl ChannelList {
    pub fn into_channels(self) -> Vec<Channel> {
        let entries = match self {
            ChannelList::Bare(v) => v,
            ChannelList::Wrapped(e) => e.data.unwrap_or_default(),
        };
        entries
            .into_iter()
            .filter_map(|c| {
                let code = c.code?.trim().to_string();
                (!code.is_empty()).then(|| Channel {
                    name: c
                        .name
                        .map(|n| n.trim().to_string())
                        .unwrap_or_else(|| code.clone()),
                    code,
                })
            })
            .collect()
    }
}

/// Cepta's status word in our terms, case-insensitively; `None` for a word we do not know.
pub(super) fn state_of(word: &str) -> Option<RemoteState> {
    match word.trim().to_ascii_lowercase().as_str() {
        "successful" | "success" | "completed" | "paid" => Some(RemoteState::Paid),
        "failed" | "declined" | "cancelled" => Some(RemoteState::Failed),
        "reversed" => Some(RemoteState::Attention),
        "pending" => Some(RemoteState::Pending),
        _ => None,
    }
}

impl VerifyData {
    /// The payment's status, checked against what was charged ([`judge`]).
    pub fn to_status(&self, charged: &Charged) -> RemoteStatus {
        let word = self.status.clone().unwrap_or_default().trim().to_string();
        let (state, message) = match state_of(&word) {
            Some(RemoteState::Pending) => (RemoteState::Pending, Msg::PromptSent),
            Some(RemoteState::Paid) => (RemoteState::Paid, Msg::Paid),
            Some(RemoteState::Failed) => (
                RemoteState::Failed,
                match Msg::from_provider(self.processor_response.as_deref().unwrap_or_default()) {
                    Msg::Empty => Msg::FailedNoReason { word: word.clone() },
                    m => m,
                },
            ),
            Some(RemoteState::Attention) => {
                (RemoteState::Attention, Msg::Reported { word: word.clone() })
            }
            None => {
                tracing::warn!(word = %word, reference = %charged.reference, "unknown Cepta status word");
                (
                    RemoteState::Pending,
                    Msg::UnknownWord { word: word.clone() },
                )
            }
        };
        let echo = Echo {
            reference: self.transaction_ref.as_deref(),
            amount: self.amount.as_deref(),
            currency: self.currency.as_deref(),
            phone: self.phone_number.as_deref(),
        };
        let (judged, message) = judge(state, message, charged, &echo);
        if judged != state {
            tracing::warn!(reference = %charged.reference, word = %word, "Cepta answer does not prove the charge");
        }
        RemoteStatus {
            state: judged,
            word,
            message,
            provider_id: self.payment_id.clone().filter(|id| !id.trim().is_empty()),
            channel: None,
            wallet_ref: None,
        }
    }
}

/// `status` as a boolean, also when sent as `"true"`/`"false"`.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::Bool(b)) => Some(b),
        Some(serde_json::Value::String(t)) => match t.trim().to_ascii_lowercase().as_str() {
            "true" | "success" | "ok" => Some(true),
            "false" | "error" | "failed" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};

    #[test]
    fn status_words_in_any_case() {
        for w in ["successful", "Success", "COMPLETED", "Paid"] {
            assert_eq!(state_of(w), Some(RemoteState::Paid), "{w}");
        }
        for w in ["failed", "Declined", "CANCELLED"] {
            assert_eq!(state_of(w), Some(RemoteState::Failed), "{w}");
        }
        assert_eq!(state_of("Reversed"), Some(RemoteState::Attention));
        assert_eq!(state_of("pending"), Some(RemoteState::Pending));
        assert_eq!(state_of("queued"), None);
    }

    #[test]
    fn verify_checks_what_was_charged() {
        let charged = |reference: &str| Charged {
            reference: crate::reference::Reference::from_stored(reference.into()),
            amount: Money::from_minor(10_050, Currency::Kes),
            phone: "254712345678".into(),
            provider_id: None,
            sent_at: None,
        };
        let data = |amount: &str, currency: &str| -> VerifyData {
            serde_json::from_str(&format!(
                r#"{{"transactionRef":"LP-1","amount":{amount},"currency":"{currency}","status":"Successful","phoneNumber":"254712345678"}}"#
            ))
            .expect("json")
        };
        let state = |d: VerifyData, r: &str| d.to_status(&charged(r)).state;
        assert_eq!(state(data("100.5", "KES"), "LP-1"), RemoteState::Paid);
        assert_eq!(state(data("100.50", "KES"), "LP-1"), RemoteState::Paid);
        assert_eq!(state(data(r#""100.50""#, "KES"), "LP-1"), RemoteState::Paid);
        assert_eq!(state(data("100", "KES"), "LP-1"), RemoteState::Attention);
        assert_eq!(state(data("100.5", "TZS"), "LP-1"), RemoteState::Attention);
        assert_eq!(state(data("100.5", "KES"), "LP-2"), RemoteState::Attention);
        let bare: VerifyData =
            serde_json::from_str(r#"{"transactionRef":"LP-1","status":"Successful"}"#)
                .expect("json");
        assert_eq!(state(bare, "LP-1"), RemoteState::Attention);
    }

    #[test]
    fn channel_lists_wrapped_or_bare() {
        let wrapped: ChannelList = serde_json::from_str(
            r#"{"status":true,"message":"ok","data":[{"code":"63902","name":"M-PESA"},{"code":0,"name":"SasaPay"}]}"#,
        )
        .expect("json");
        let bare: ChannelList =
            serde_json::from_str(r#"[{"code":"63903","name":"Airtel Money"}]"#).expect("json");
        let w = wrapped.into_channels();
        assert_eq!(w.len(), 2);
        assert_eq!(w[1].code, "0");
        assert_eq!(bare.into_channels()[0].name, "Airtel Money");
    }
}
