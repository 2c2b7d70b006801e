//! pawaPay's bodies and answers (providers.md), read leniently: unknown fields ignored, every
//! word as text, amounts kept as the text pawaPay sent (never through a float).

use crate::provider::http::text;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// `POST /v2/deposits`. No other field: pawaPay refuses unknown ones.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deposit<'a> {
    pub deposit_id: &'a str,
    /// Canonical: whole units, no leading zeros, no decimals (`"1500"`).
    pub amount: String,
    pub currency: &'a str,
    pub payer: Payer<'a>,
    pub client_reference_id: &'a str,
    pub customer_message: &'a str,
}

#[derive(Debug, Serialize)]
pub struct Payer<'a> {
    #[serde(rename = "type")]
    pub kind: &'a str,
    #[serde(rename = "accountDetails")]
    pub account: Account<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account<'a> {
    /// Digits with the country code, no `+`.
    pub phone_number: &'a str,
    pub provider: &'a str,
}

/// `{"failureCode", "failureMessage"}`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    #[serde(default, deserialize_with = "text")]
    pub failure_code: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub failure_message: Option<String>,
}

impl Failure {
    pub fn code(&self) -> String {
        self.failure_code
            .as_deref()
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase()
    }
}

/// The answer to a deposit: `{"depositId", "status", "failureReason"?}`; a 500's has only
/// `failureReason`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Initiated {
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(default)]
    pub failure_reason: Option<Failure>,
}

/// `GET /v2/deposits/{depositId}`: `{"status": "FOUND"|"NOT_FOUND", "data"?}`.
#[derive(Debug, Default, Deserialize)]
pub struct Checked {
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(default)]
    pub data: Option<Found>,
}

/// The deposit as pawaPay holds it.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    #[serde(default, deserialize_with = "text")]
    pub deposit_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub status: Option<String>,
    #[serde(default)]
    pub amount: Option<Box<RawValue>>,
    #[serde(default, deserialize_with = "text")]
    pub currency: Option<String>,
    #[serde(default)]
    pub payer: Option<FoundPayer>,
    #[serde(default, deserialize_with = "text")]
    pub client_reference_id: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub provider_transaction_id: Option<String>,
    #[serde(default)]
    pub failure_reason: Option<Failure>,
}

#[derive(Debug, Default, Deserialize)]
pub struct FoundPayer {
    #[serde(default, rename = "accountDetails")]
    pub account: Option<FoundAccount>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FoundAccount {
    #[serde(default, deserialize_with = "text")]
    pub phone_number: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub provider: Option<String>,
}

impl Found {
    pub fn phone(&self) -> Option<&str> {
        self.payer
            .as_ref()?
            .account
            .as_ref()?
            .phone_number
            .as_deref()
    }

    pub fn wallet(&self) -> Option<&str> {
        self.payer.as_ref()?.account.as_ref()?.provider.as_deref()
    }
}

/// `POST /v2/predict-provider`'s answer.
#[derive(Debug, Default, Deserialize)]
pub struct Predicted {
    #[serde(default, deserialize_with = "text")]
    pub provider: Option<String>,
}

/// One wallet's deposit limits, from `GET /v2/active-conf` in either shape pawaPay has shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub provider: String,
    pub currency: String,
    /// Whole units, as text (`"1"`, `"250000"`).
    pub min: Option<String>,
    pub max: Option<String>,
    /// `OPERATIONAL` or `CLOSED`.
    pub open: bool,
}

/// Every wallet's deposit limits an active configuration lists (`{"countries": [{"providers":
/// [{"provider", "currencies": [{"currency", "operationTypes": {"DEPOSIT": {...}} or [{...}]}]}]}]}`).
pub fn limits(body: &[u8]) -> Vec<Limits> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let list = |v: &serde_json::Value, k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let word = |v: &serde_json::Value, k: &str| {
        v.get(k).and_then(|x| match x {
            serde_json::Value::String(t) => Some(t.trim().to_string()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let mut out = Vec::new();
    for country in list(&v, "countries") {
        for provider in list(&country, "providers") {
            let Some(code) = word(&provider, "provider") else {
                continue;
            };
            for currency in list(&provider, "currencies") {
                let Some(cur) = word(&currency, "currency") else {
                    continue;
                };
                let deposit = match currency.get("operationTypes") {
                    Some(serde_json::Value::Object(m)) => m.get("DEPOSIT").cloned(),
                    Some(serde_json::Value::Array(a)) => a
                        .iter()
                        .find(|o| word(o, "operationType").as_deref() == Some("DEPOSIT"))
                        .cloned(),
                    _ => None,
                };
                let Some(d) = deposit else { continue };
                out.push(Limits {
                    provider: code.clone(),
                    currency: cur.clone(),
                    min: word(&d, "minAmount").or_else(|| word(&d, "minTransactionLimit")),
                    max: word(&d, "maxAmount").or_else(|| word(&d, "maxTransactionLimit")),
                    open: word(&d, "status").is_none_or(|s| s.eq_ignore_ascii_case("OPERATIONAL")),
                });
            }
        }
    }
    out
}

/// The public keys pawaPay signs its callbacks with (`[{"id", "key"}]`).
pub fn public_keys(body: &[u8]) -> Vec<crate::provider::http_signature::PublicKey> {
    let Ok(serde_json::Value::Array(items)) = serde_json::from_slice::<serde_json::Value>(body)
    else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|k| {
            Some(crate::provider::http_signature::PublicKey {
                id: k.get("id")?.as_str()?.to_string(),
                key: k.get("key")?.as_str()?.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::limits;

    #[test]
    fn both_shapes_of_the_active_configuration_are_read() {
        let live = br#"{"countries":[{"country":"TZA","providers":[{"provider":"AIRTEL_TZA",
            "currencies":[{"currency":"TZS","operationTypes":{"DEPOSIT":{"minAmount":"100",
            "maxAmount":"3000000","decimalsInAmount":"TWO_PLACES","status":"OPERATIONAL"}}}]}]}]}"#;
        let old = br#"{"countries":[{"country":"KEN","providers":[{"provider":"MPESA_KEN",
            "currencies":[{"currency":"KES","operationTypes":[{"operationType":"DEPOSIT",
            "minTransactionLimit":"1","maxTransactionLimit":"250000"}]}]}]}]}"#;
        let a = limits(live);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].provider, "AIRTEL_TZA");
        assert_eq!(a[0].max.as_deref(), Some("3000000"));
        assert!(a[0].open);
        let b = limits(old);
        assert_eq!(b[0].min.as_deref(), Some("1"));
        assert_eq!(b[0].currency, "KES");
        assert!(limits(b"not json").is_empty());
    }
}
