//! Cepta's JSON: the `{status, message, data}` envelope, the charge and verify answers, the
//! channel list; and its status words mapped to ours.

use crate::money::Money;
use crate::provider::http::{Echo, mismatch, text};
use crate::provider::{Channel, RemoteState, RemoteStatus};
use crate::strings::provider as s;
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
    #[serde(default)]
    pub amount: Option<Box<RawValue>>,
    #[serde(default, deserialize_with = "text")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub processor_response: Option<String>,
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
    /// The payment's status for a person, checked against the charge (a mismatch on a final
    /// answer needs attention; a pending one is checked again when it settles).
    pub fn to_status(&self, reference: &str, charged: Money) -> RemoteStatus {
        let word = self.status.clone().unwrap_or_default().trim().to_string();
        let processor = self
            .processor_response
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(s::sentence);
        let (state, message) = match state_of(&word) {
            Some(RemoteState::Pending) => (RemoteState::Pending, s::prompt_sent()),
            Some(RemoteState::Paid) => (RemoteState::Paid, s::paid()),
            Some(RemoteState::Failed) => (
                RemoteState::Failed,
                processor.unwrap_or_else(|| s::failed_without_reason(&word)),
            ),
            Some(RemoteState::Attention) => (RemoteState::Attention, s::on_hold(&word)),
            None => {
                tracing::warn!(word = %word, reference, "unknown Cepta status word");
                (RemoteState::Pending, s::unknown_status_word(&word))
            }
        };
        let echo = Echo {
            reference: self.transaction_ref.as_deref(),
            amount: self.amount.as_deref(),
            currency: self.currency.as_deref(),
        };
        match mismatch(reference, charged, &echo) {
            Some(problem) if state != RemoteState::Pending => {
                tracing::warn!(reference, word = %word, "Cepta answer does not match the charge");
                RemoteStatus {
                    state: RemoteState::Attention,
                    word,
                    message: problem,
                }
            }
            _ => RemoteStatus {
                state,
                word,
                message,
            },
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
    use crate::money::Currency;

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
        let kes = Money::from_minor(10_050, Currency::Kes);
        let data = |amount: &str, currency: &str| -> VerifyData {
            serde_json::from_str(&format!(
                r#"{{"transactionRef":"LP-1","amount":{amount},"currency":"{currency}","status":"Successful"}}"#
            ))
            .expect("json")
        };
        assert_eq!(
            data("100.5", "KES").to_status("LP-1", kes).state,
            RemoteState::Paid
        );
        assert_eq!(
            data("100.50", "KES").to_status("LP-1", kes).state,
            RemoteState::Paid
        );
        assert_eq!(
            data(r#""100.50""#, "KES").to_status("LP-1", kes).state,
            RemoteState::Paid
        );
        assert_eq!(
            data("100", "KES").to_status("LP-1", kes).state,
            RemoteState::Attention
        );
        assert_eq!(
            data("100.5", "TZS").to_status("LP-1", kes).state,
            RemoteState::Attention
        );
        assert_eq!(
            data("100.5", "KES").to_status("LP-2", kes).state,
            RemoteState::Attention
        );
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
