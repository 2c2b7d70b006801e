//! pawaPay's deposit callback (providers.md, Callbacks): the deposit as the status check shows
//! it, named by our `depositId` (the payment's provider id). pawaPay may sign it (RFC 9421)
//! when the merchant turns that on; lipa does not check that signature yet: unsigned.

use crate::money::{Currency, Money};
use crate::provider::hook::{HookCheck, HookRead, HookRequest, Named, find_text};
use crate::provider::settings::Settings;

pub fn read(hook: &HookRequest<'_>, _settings: &Settings) -> HookRead {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(hook.body) else {
        return HookRead::unreadable();
    };
    let deposit = body.get("data").unwrap_or(&body);
    let currency = deposit["currency"].as_str().and_then(Currency::from_code);
    let amount = match (&deposit["amount"], currency) {
        (serde_json::Value::String(t), Some(c)) => Money::from_wire(t, c),
        (serde_json::Value::Number(n), Some(c)) => Money::from_wire(&n.to_string(), c),
        _ => None,
    };
    HookRead {
        named: deposit["depositId"]
            .as_str()
            .map(|id| Named::ProviderId(id.to_string())),
        checked: HookCheck::Unsigned,
        amount,
        phone: find_text(&deposit["payer"], "phoneNumber").map(str::to_string),
    }
}
