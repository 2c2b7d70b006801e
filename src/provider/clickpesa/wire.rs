//! ClickPesa's JSON, as documented (and as tolerant as cheap: text fields accept numbers, amounts
//! are kept as raw JSON so they are read exactly), and its status words mapped to ours.

use crate::money::{Currency, Money};
use crate::provider::http::{Echo, mismatch, raw_amount_text, text};
use crate::provider::{PreviewMethod, RemoteState, RemoteStatus};
use crate::strings::provider as s;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;

/// `POST /generate-token`.
#[derive(Debug, Deserialize)]
pub(super) struct TokenAnswer {
    #[serde(default, deserialize_with = "text")]
    pub token: Option<String>,
}

/// A payment object (initiate answer, query answer, list entry).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PaymentWire {
    #[serde(default, deserialize_with = "text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payment_reference: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub payment_phone_number: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub order_reference: Option<String>,
    /// A string in some answers, a number in others: kept raw, read exactly.
    #[serde(default)]
    pub collected_amount: Option<Box<RawValue>>,
    #[serde(default, deserialize_with = "text")]
    pub collected_currency: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub channel: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub updated_at: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub created_at: Option<String>,
    #[serde(default)]
    pub customer: Option<CustomerWire>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CustomerWire {
    #[serde(default, deserialize_with = "text")]
    pub customer_name: Option<String>,
}

/// `GET /payments/all`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PageWire {
    #[serde(default)]
    pub data: Vec<PaymentWire>,
    #[serde(default, deserialize_with = "text")]
    pub total_count: Option<String>,
}

/// `POST /payments/preview-ussd-push-request`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PreviewWire {
    #[serde(default)]
    pub active_methods: Vec<MethodWire>,
    #[serde(default)]
    pub sender: Option<SenderWire>,
}

#[derive(Debug, Deserialize)]
pub(super) struct MethodWire {
    #[serde(default, deserialize_with = "text")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(default)]
    pub fee: Option<Box<RawValue>>,
    #[serde(default, deserialize_with = "text")]
    pub message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SenderWire {
    #[serde(default, deserialize_with = "text")]
    pub account_name: Option<String>,
}

impl MethodWire {
    pub fn to_method(&self) -> PreviewMethod {
        PreviewMethod {
            name: self.name.clone().unwrap_or_default(),
            available: self
                .status
                .as_deref()
                .is_some_and(|st| st.trim().eq_ignore_ascii_case("AVAILABLE")),
            fee_minor: self
                .fee
                .as_deref()
                .and_then(|raw| Money::from_wire(&raw_amount_text(raw), Currency::Tzs))
                .map(Money::minor),
            message: self.message.clone().unwrap_or_default(),
        }
    }
}

/// ClickPesa's status word in our terms; `None` for a word the table does not know.
pub(super) fn state_of(word: &str) -> Option<RemoteState> {
    match word.trim().to_ascii_uppercase().as_str() {
        "PROCESSING" | "PENDING" => Some(RemoteState::Pending),
        "SUCCESS" | "SETTLED" => Some(RemoteState::Paid),
        "FAILED" => Some(RemoteState::Failed),
        "ON-HOLD" | "REFUNDED" | "REVERSED" => Some(RemoteState::Attention),
        _ => None,
    }
}

impl PaymentWire {
    pub fn word(&self) -> String {
        self.status.clone().unwrap_or_default().trim().to_string()
    }

    /// The state by the table alone (unknown words are pending).
    pub fn state(&self) -> RemoteState {
        state_of(&self.word()).unwrap_or(RemoteState::Pending)
    }

    /// This payment's status for a person, checked against what we charged: an answer that
    /// does not match (other reference, amount or currency) needs attention, unless it is
    /// still pending (its fields may not be final yet; the answer that settles it is checked).
    pub fn to_status(&self, reference: &str, charged: Money) -> RemoteStatus {
        let word = self.word();
        let provider_words = self
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(s::sentence);
        let (state, message) = match state_of(&word) {
            Some(RemoteState::Pending) => (
                RemoteState::Pending,
                provider_words.unwrap_or_else(s::prompt_sent),
            ),
            Some(RemoteState::Paid) => (RemoteState::Paid, s::paid()),
            Some(RemoteState::Failed) => (
                RemoteState::Failed,
                provider_words.unwrap_or_else(|| s::failed_without_reason(&word)),
            ),
            Some(RemoteState::Attention) => (RemoteState::Attention, s::on_hold(&word)),
            None => {
                tracing::warn!(word = %word, reference, "unknown ClickPesa status word");
                (RemoteState::Pending, s::unknown_status_word(&word))
            }
        };
        let echo = Echo {
            reference: self.order_reference.as_deref(),
            amount: self.collected_amount.as_deref(),
            currency: self.collected_currency.as_deref(),
        };
        match mismatch(reference, charged, &echo) {
            Some(problem) if state != RemoteState::Pending => {
                tracing::warn!(reference, word = %word, "ClickPesa answer does not match the charge");
                RemoteStatus {
                    state: RemoteState::Attention,
                    word,
                    message: problem,
                }
            }
            Some(_) => {
                tracing::info!(
                    reference,
                    "pending answer differs from the charge; checked again when it settles"
                );
                RemoteStatus {
                    state,
                    word,
                    message,
                }
            }
            None => RemoteStatus {
                state,
                word,
                message,
            },
        }
    }

    /// When it last changed (`updatedAt`, else `createdAt`).
    pub fn updated(&self) -> Option<DateTime<Utc>> {
        self.updated_at
            .as_deref()
            .and_then(time)
            .or_else(|| self.created_at.as_deref().and_then(time))
    }
}

/// The newest attempt by `updatedAt` (ties and undated ones: the later in the array).
pub(super) fn newest(attempts: &[PaymentWire]) -> Option<&PaymentWire> {
    attempts
        .iter()
        .enumerate()
        .max_by_key(|(i, p)| (p.updated(), *i))
        .map(|(_, p)| p)
}

pub(super) fn time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(json: &str) -> PaymentWire {
        serde_json::from_str(json).expect("payment JSON")
    }

    #[test]
    fn the_status_table() {
        for (w, st) in [
            ("PROCESSING", RemoteState::Pending),
            ("PENDING", RemoteState::Pending),
            ("SUCCESS", RemoteState::Paid),
            ("SETTLED", RemoteState::Paid),
            ("FAILED", RemoteState::Failed),
            ("ON-HOLD", RemoteState::Attention),
            ("REFUNDED", RemoteState::Attention),
            ("REVERSED", RemoteState::Attention),
        ] {
            assert_eq!(state_of(w), Some(st), "{w}");
        }
        assert_eq!(state_of("QUEUED"), None);
        let p = payment(r#"{"status":"QUEUED","orderReference":"R1"}"#);
        let st = p.to_status("R1", Money::from_minor(1000, Currency::Tzs));
        assert_eq!(st.state, RemoteState::Pending);
        assert!(st.message.contains("QUEUED"));
    }

    #[test]
    fn amounts_as_strings_or_numbers() {
        let tzs = Money::from_minor(1000, Currency::Tzs);
        for amount in [r#""1000.00""#, "1000", "1000.0", r#""1000""#] {
            let p = payment(&format!(
                r#"{{"status":"SUCCESS","orderReference":"R1","collectedAmount":{amount},"collectedCurrency":"TZS"}}"#
            ));
            assert_eq!(p.to_status("R1", tzs).state, RemoteState::Paid, "{amount}");
        }
        let p = payment(
            r#"{"status":"SUCCESS","orderReference":"R1","collectedAmount":100,"collectedCurrency":"TZS"}"#,
        );
        let st = p.to_status("R1", tzs);
        assert_eq!(st.state, RemoteState::Attention);
        assert!(st.message.contains("TZS 1,000"), "{}", st.message);
    }

    #[test]
    fn newest_attempt_wins() {
        let list: Vec<PaymentWire> = serde_json::from_str(
            r#"[{"status":"FAILED","updatedAt":"2026-01-01T10:00:05Z"},
                {"status":"SUCCESS","updatedAt":"2026-01-01T10:03:00+03:00"},
                {"status":"PROCESSING","updatedAt":"2026-01-01T09:00:00Z"}]"#,
        )
        .expect("json");
        assert_eq!(
            newest(&list).map(PaymentWire::word).as_deref(),
            Some("FAILED")
        );
    }
}
