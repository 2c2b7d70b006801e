//! pawaPay's deposit callback (providers.md, Callbacks): the deposit as the status check shows
//! it, named by our `depositId` (the payment's provider id). pawaPay signs it (RFC 9421) when
//! the merchant turns that on: checked with pawaPay's published key; unsigned otherwise.

use crate::money::{Currency, Money};
use crate::provider::hook::{HookCheck, HookRead, HookRequest, Named, find_text};
use crate::provider::http_signature;
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
        checked: checked(hook),
        amount,
        phone: find_text(&deposit["payer"], "phoneNumber").map(str::to_string),
    }
}

/// Its signature, when it carries one.
fn checked(hook: &HookRequest<'_>) -> HookCheck {
    if !http_signature::is_signed(hook.headers) {
        return HookCheck::Unsigned;
    }
    match http_signature::verify(&hook.message(), hook.keys, hook.now) {
        Ok(()) => HookCheck::Signed,
        Err(why) => HookCheck::Refused(why.to_string()),
    }
}
