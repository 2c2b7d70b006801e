//! Selcom's answers, read leniently: codes as strings or numbers, `data` as a list or one
//! object, amounts kept as the text Selcom sent (never through a float).

use crate::provider::http::text;
use serde::Deserialize;
use serde_json::value::RawValue;

/// Any of Selcom's answers: `{reference, resultcode, result, message, data}`.
#[derive(Debug, Default, Deserialize)]
pub struct Reply {
    #[serde(default, deserialize_with = "text")]
    pub reference: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub resultcode: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub result: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub message: Option<String>,
    #[serde(default)]
    pub data: Option<Box<RawValue>>,
}

/// One order as the status answer lists it.
#[derive(Debug, Default, Deserialize)]
pub struct Order {
    #[serde(default, deserialize_with = "text")]
    pub order_id: Option<String>,
    #[serde(default)]
    pub amount: Option<Box<RawValue>>,
    #[serde(default, deserialize_with = "text")]
    pub payment_status: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub transid: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub channel: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub reference: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub phone: Option<String>,
}

impl Reply {
    pub fn read(body: &[u8]) -> Option<Reply> {
        serde_json::from_slice(body).ok()
    }

    /// The result code, trimmed (`"000"`).
    pub fn code(&self) -> &str {
        self.resultcode
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
    }

    /// The result word, upper case (`PENDING`).
    pub fn result_word(&self) -> String {
        self.result
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase()
    }

    /// The orders in `data`: a list, or one object; none when absent or unreadable.
    pub fn orders(&self) -> Vec<Order> {
        let Some(raw) = &self.data else {
            return Vec::new();
        };
        serde_json::from_str::<Vec<Order>>(raw.get())
            .or_else(|_| serde_json::from_str::<Order>(raw.get()).map(|o| vec![o]))
            .unwrap_or_default()
    }
}

/// Selcom's result codes (providers.md).
pub mod code {
    pub const SUCCESS: &str = "000";
    /// In progress.
    pub const IN_PROGRESS: [&str; 2] = ["111", "927"];
    /// Ambiguous: pending, and a person at the deadline (Selcom must reconcile it).
    pub const AMBIGUOUS: &str = "999";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_a_list_or_one_order_and_amounts_stay_text() {
        let r = Reply::read(
            br#"{"resultcode":0,"data":[{"order_id":"LP1","amount":"1500.00","payment_status":"COMPLETED"}]}"#,
        )
        .expect("reads");
        assert_eq!(r.code(), "0");
        let o = r.orders();
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].amount.as_ref().map(|a| a.get()), Some("\"1500.00\""));
        let r = Reply::read(br#"{"resultcode":"000","data":{"order_id":"LP1","amount":1500}}"#)
            .expect("reads");
        assert_eq!(r.orders()[0].amount.as_ref().map(|a| a.get()), Some("1500"));
        assert!(
            Reply::read(br#"{"resultcode":"000","data":[]}"#)
                .expect("reads")
                .orders()
                .is_empty()
        );
    }
}
