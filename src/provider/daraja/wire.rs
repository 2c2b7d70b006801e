//! Daraja's JSON, as sent and as read. Numbers go as JSON numbers (the shortcode, the amount
//! in whole shillings, the phone: strings are reported to time out silently); every answer is
//! read leniently (codes as strings or numbers) and classified by what the caller must do.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `POST /mpesa/stkpush/v1/processrequest`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PushBody<'a> {
    pub business_short_code: u64,
    pub password: &'a str,
    pub timestamp: &'a str,
    pub transaction_type: &'a str,
    pub amount: i64,
    pub party_a: u64,
    pub party_b: u64,
    pub phone_number: u64,
    #[serde(rename = "CallBackURL")]
    pub callback_url: &'a str,
    pub account_reference: &'a str,
    pub transaction_desc: &'a str,
}

/// `POST /mpesa/stkpushquery/v1/query`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryBody<'a> {
    pub business_short_code: u64,
    pub password: &'a str,
    pub timestamp: &'a str,
    #[serde(rename = "CheckoutRequestID")]
    pub checkout_request_id: &'a str,
}

/// Any of Daraja's answers: the push's, the query's, and the error envelope.
#[derive(Debug, Default, Deserialize)]
pub struct Reply {
    #[serde(rename = "CheckoutRequestID")]
    pub checkout_request_id: Option<String>,
    #[serde(rename = "ResponseCode")]
    pub response_code: Option<Value>,
    #[serde(rename = "ResponseDescription")]
    pub response_description: Option<String>,
    #[serde(rename = "CustomerMessage")]
    pub customer_message: Option<String>,
    #[serde(rename = "ResultCode")]
    pub result_code: Option<Value>,
    #[serde(rename = "ResultDesc")]
    pub result_desc: Option<String>,
    #[serde(rename = "errorCode")]
    pub error_code: Option<Value>,
    #[serde(rename = "errorMessage")]
    pub error_message: Option<String>,
}

impl Reply {
    pub fn read(body: &[u8]) -> Option<Reply> {
        serde_json::from_slice(body).ok()
    }

    pub fn error_code(&self) -> Option<String> {
        code(self.error_code.as_ref())
    }

    pub fn result_code(&self) -> Option<String> {
        code(self.result_code.as_ref())
    }

    pub fn response_code(&self) -> Option<String> {
        code(self.response_code.as_ref())
    }

    /// The error's words, lower-cased (for reading with its code).
    pub fn error_words(&self) -> String {
        self.error_message
            .as_deref()
            .unwrap_or_default()
            .to_ascii_lowercase()
    }
}

/// `GET /oauth/v1/generate`: `expires_in` is seen as a number and as a string.
#[derive(Debug, Deserialize)]
pub struct TokenReply {
    pub access_token: Option<String>,
    pub expires_in: Option<Value>,
}

impl TokenReply {
    /// Seconds it lives, when it says (a number or a string of digits).
    pub fn lifetime(&self) -> Option<u64> {
        match self.expires_in.as_ref()? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// A code as text, whether it came as a string or a number.
fn code(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_strings_and_numbers() {
        let r = Reply::read(br#"{"ResultCode": "1032", "ResponseCode": 0}"#).expect("json");
        assert_eq!(r.result_code().as_deref(), Some("1032"));
        assert_eq!(r.response_code().as_deref(), Some("0"));
        let e = Reply::read(br#"{"requestId":"1","errorCode":"500.001.1001","errorMessage":"The transaction is being processed"}"#)
            .expect("json");
        assert_eq!(e.error_code().as_deref(), Some("500.001.1001"));
        let t: TokenReply =
            serde_json::from_str(r#"{"access_token":"a","expires_in":"3599"}"#).expect("json");
        assert_eq!(t.lifetime(), Some(3599));
        let t: TokenReply =
            serde_json::from_str(r#"{"access_token":"a","expires_in":3599}"#).expect("json");
        assert_eq!(t.lifetime(), Some(3599));
    }

    #[test]
    fn numbers_go_as_numbers() {
        let body = PushBody {
            business_short_code: 174379,
            password: "p",
            timestamp: "20210628092408",
            transaction_type: "CustomerPayBillOnline",
            amount: 1,
            party_a: 254708374149,
            party_b: 174379,
            phone_number: 254708374149,
            callback_url: "https://x/hooks",
            account_reference: "LP7K3MQ9XR4T",
            transaction_desc: "Payment",
        };
        let v: Value = serde_json::to_value(&body).expect("json");
        assert_eq!(v["BusinessShortCode"], 174379);
        assert_eq!(v["PhoneNumber"], 254708374149u64);
        assert_eq!(v["CallBackURL"], "https://x/hooks");
        assert_eq!(v["Amount"], 1);
    }
}
