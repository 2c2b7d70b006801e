//! Daraja's callback (providers.md, Callbacks): `{"Body": {"stkCallback": {"CheckoutRequestID",
//! "ResultCode", "CallbackMetadata": {"Item": [{"Name": "Amount", "Value": 1.00}, …]}}}}`,
//! named by the `CheckoutRequestID` (the payment's provider id). Unsigned.

use crate::money::{Currency, Money};
use crate::provider::hook::{HookCheck, HookRead, HookRequest, Named};
use crate::provider::settings::Settings;

pub fn read(hook: &HookRequest<'_>, _settings: &Settings) -> HookRead {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(hook.body) else {
        return HookRead::unreadable();
    };
    let callback = &body["Body"]["stkCallback"];
    let item = |name: &str| {
        callback["CallbackMetadata"]["Item"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["Name"] == name))
            .map(|i| i["Value"].clone())
    };
    let amount = item("Amount").and_then(|v| match v {
        serde_json::Value::Number(n) => Money::from_wire(&n.to_string(), Currency::Kes),
        serde_json::Value::String(t) => Money::from_wire(&t, Currency::Kes),
        _ => None,
    });
    let phone = item("PhoneNumber").and_then(|v| match v {
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::String(t) => Some(t),
        _ => None,
    });
    HookRead {
        named: callback["CheckoutRequestID"]
            .as_str()
            .filter(|id| !id.trim().is_empty())
            .map(|id| Named::ProviderId(id.trim().to_string())),
        checked: HookCheck::Unsigned,
        amount,
        phone,
    }
}
