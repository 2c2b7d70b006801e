//! ClickPesa's JSON, as documented (and as tolerant as cheap: text fields accept numbers, amounts
//! are kept as raw JSON so they are read exactly), and its status words mapped to ours.

use crate::money::{Currency, Money};
use crate::msg::Msg;
use crate::provider::http::{Echo, judge, raw_amount_text, text};
use crate::provider::{Charged, PreviewMethod, RemoteState, RemoteStatus};
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

    /// This attempt's status, checked against what was charged ([`judge`]).
    pub fn to_status(&self, charged: &Charged) -> RemoteStatus {
        let word = self.word();
        let (state, message) = match state_of(&word) {
            Some(RemoteState::Pending) => (RemoteState::Pending, Msg::PromptSent),
            Some(RemoteState::Paid) => (RemoteState::Paid, Msg::Paid),
            Some(RemoteState::Failed) => (
                RemoteState::Failed,
                match Msg::from_provider(self.message.as_deref().unwrap_or_default()) {
                    Msg::Empty => Msg::FailedNoReason { word: word.clone() },
                    m => m,
                },
            ),
            Some(RemoteState::Attention) => {
                (RemoteState::Attention, Msg::Reported { word: word.clone() })
            }
            None => {
                tracing::warn!(word = %word, reference = %charged.reference, "unknown ClickPesa status word");
                (
                    RemoteState::Pending,
                    Msg::UnknownWord { word: word.clone() },
                )
            }
        };
        let echo = Echo {
            reference: self.order_reference.as_deref(),
            amount: self.collected_amount.as_deref(),
            currency: self.collected_currency.as_deref(),
            phone: self.payment_phone_number.as_deref(),
        };
        let (judged, message) = judge(state, message, charged, &echo);
        if judged != state {
            tracing::warn!(reference = %charged.reference, word = %word, "ClickPesa answer does not prove the charge");
        }
        RemoteStatus {
            state: judged,
            word,
            message,
            provider_id: self.id.clone().filter(|i| !i.trim().is_empty()),
            channel: None,
            wallet_ref: None,
        }
    }

    /// When it last changed (`updatedAt`, else `createdAt`); `None` when neither can be read.
    pub fn updated(&self) -> Option<DateTime<Utc>> {
        self.updated_at
            .as_deref()
            .and_then(time)
            .or_else(|| self.created_at.as_deref().and_then(time))
    }
}

/// The status of a reference from every attempt ClickPesa holds under it.
///
/// The order of attempts never decides money: one successful attempt with the right amount
/// means the customer paid (two mean they may have paid twice: a person looks); any attempt
/// that needs attention, or does not prove what was charged, needs attention; *failed* only
/// when every attempt failed. Attempts that still disagree (one pending, one failed) stay
/// pending until the deadline, unless their times cannot be read: then nobody can tell which
/// is current, and a person looks.
pub(super) fn status_of(attempts: &[PaymentWire], charged: &Charged) -> Option<RemoteStatus> {
    let statuses: Vec<RemoteStatus> = attempts.iter().map(|a| a.to_status(charged)).collect();
    let first = statuses.first()?.clone();
    if statuses.len() == 1 {
        return Some(first);
    }
    let of = |st: RemoteState| statuses.iter().filter(move |x| x.state == st);
    if let Some(a) = of(RemoteState::Attention).next() {
        return Some(a.clone());
    }
    let paid: Vec<&RemoteStatus> = of(RemoteState::Paid).collect();
    match paid.len() {
        0 => {}
        1 => return Some(paid[0].clone()),
        n => {
            return Some(RemoteStatus {
                state: RemoteState::Attention,
                word: paid[0].word.clone(),
                message: Msg::SeveralPaid { n },
                provider_id: None,
                channel: None,
                wallet_ref: None,
            });
        }
    }
    if statuses.iter().all(|x| x.state == first.state) {
        // All failed, or all pending: the newest readable one's words.
        return Some(newest(attempts, &statuses).unwrap_or(first));
    }
    if attempts.iter().any(|a| a.updated().is_none()) {
        return Some(RemoteStatus {
            state: RemoteState::Attention,
            word: first.word,
            message: Msg::AttemptsUnordered,
            provider_id: None,
            channel: None,
            wallet_ref: None,
        });
    }
    of(RemoteState::Pending).next().cloned()
}

/// The status of the attempt changed last, when every attempt's time can be read.
fn newest(attempts: &[PaymentWire], statuses: &[RemoteStatus]) -> Option<RemoteStatus> {
    let times: Option<Vec<DateTime<Utc>>> = attempts.iter().map(PaymentWire::updated).collect();
    let times = times?;
    let (i, _) = times.iter().enumerate().max_by_key(|(i, t)| (**t, *i))?;
    statuses.get(i).cloned()
}

pub(super) fn time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::Reference;

    fn payment(json: &str) -> PaymentWire {
        serde_json::from_str(json).expect("payment JSON")
    }

    fn charged() -> Charged {
        Charged {
            reference: Reference::from_stored("R1".into()),
            amount: Money::from_minor(1000, Currency::Tzs),
            phone: "255712345678".into(),
            provider_id: None,
            sent_at: None,
        }
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
        let st = p.to_status(&charged());
        assert_eq!(st.state, RemoteState::Pending);
        assert!(st.message.to_string().contains("QUEUED"));
    }

    #[test]
    fn amounts_as_strings_or_numbers() {
        for amount in [r#""1000.00""#, "1000", "1000.0", r#""1000""#] {
            let p = payment(&format!(
                r#"{{"status":"SUCCESS","orderReference":"R1","collectedAmount":{amount},"collectedCurrency":"TZS"}}"#
            ));
            assert_eq!(p.to_status(&charged()).state, RemoteState::Paid, "{amount}");
        }
        let p = payment(
            r#"{"status":"SUCCESS","orderReference":"R1","collectedAmount":100,"collectedCurrency":"TZS"}"#,
        );
        let st = p.to_status(&charged());
        assert_eq!(st.state, RemoteState::Attention);
        assert!(
            st.message.to_string().contains("TZS 1,000"),
            "{}",
            st.message
        );
    }

    fn attempts(json: &str) -> Vec<PaymentWire> {
        serde_json::from_str(json).expect("json")
    }

    const PAID: &str = r#"{"status":"SUCCESS","orderReference":"R1","collectedAmount":"1000.00","collectedCurrency":"TZS","updatedAt":"2026-01-01T10:00:05Z"}"#;

    /// A newer failed attempt does not undo an older success: the customer paid.
    #[test]
    fn a_successful_attempt_wins_whatever_its_place() {
        let list = attempts(&format!(
            r#"[{PAID}, {{"status":"FAILED","orderReference":"R1","message":"Insufficient balance","updatedAt":"2026-01-01T10:03:00Z"}}]"#
        ));
        assert_eq!(
            status_of(&list, &charged()).map(|s| s.state),
            Some(RemoteState::Paid)
        );
        let twice = attempts(&format!("[{PAID}, {PAID}]"));
        let st = status_of(&twice, &charged()).expect("status");
        assert_eq!(st.state, RemoteState::Attention);
        assert_eq!(st.message, Msg::SeveralPaid { n: 2 });
    }

    /// Attempts that disagree with times that cannot be read (no zone) are not sorted by
    /// guesswork: a person looks. With readable times they stay pending, never failed.
    #[test]
    fn disagreeing_attempts_are_never_failed() {
        let no_zone = attempts(
            r#"[{"status":"PROCESSING","orderReference":"R1","updatedAt":"2026-01-01T10:00:05"},
                {"status":"FAILED","orderReference":"R1","updatedAt":"2026-01-01T10:03:00Z"}]"#,
        );
        let st = status_of(&no_zone, &charged()).expect("status");
        assert_eq!(
            (st.state, st.message),
            (RemoteState::Attention, Msg::AttemptsUnordered)
        );
        let dated = attempts(
            r#"[{"status":"PROCESSING","orderReference":"R1","updatedAt":"2026-01-01T10:00:05Z"},
                {"status":"FAILED","orderReference":"R1","updatedAt":"2026-01-01T10:03:00Z"}]"#,
        );
        assert_eq!(
            status_of(&dated, &charged()).map(|s| s.state),
            Some(RemoteState::Pending)
        );
        let all_failed = attempts(
            r#"[{"status":"FAILED","orderReference":"R1","message":"Insufficient balance","updatedAt":"2026-01-01T10:00:05Z"},
                {"status":"FAILED","orderReference":"R1","message":"Request cancelled by user","updatedAt":"2026-01-01T10:03:00Z"}]"#,
        );
        let st = status_of(&all_failed, &charged()).expect("status");
        assert_eq!(
            (st.state, st.message),
            (RemoteState::Failed, Msg::CustomerCancelled)
        );
    }
}
