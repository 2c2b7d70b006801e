//! ClickPesa's webhook (providers.md, Webhooks): `{"event"|"eventType", "data": {payment}}`,
//! named by `data.orderReference` (ours). Signed with the checksum method when a checksum key
//! is set: the checksum travels in the body's `checksum` or in `X-ClickPesa-Signature`, over
//! the body without its `checksum` and `checksumMethod` fields.

use super::checksum::checksum;
use crate::money::{Currency, Money};
use crate::provider::hook::{HookCheck, HookRead, HookRequest, Named, find_text};
use crate::provider::settings::Settings;

pub fn read(hook: &HookRequest<'_>, settings: &Settings) -> HookRead {
    let Ok(mut body) = serde_json::from_slice::<serde_json::Value>(hook.body) else {
        return HookRead::unreadable();
    };
    let in_body = body
        .as_object_mut()
        .and_then(|m| {
            m.remove("checksumMethod");
            m.remove("checksum")
        })
        .and_then(|v| v.as_str().map(str::to_string));
    let in_header = hook
        .headers
        .get("X-ClickPesa-Signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let checked = match settings.secret("checksum_key").map(|k| k.expose()) {
        Some(key) if !key.is_empty() => match in_body.or(in_header) {
            Some(given) if given.eq_ignore_ascii_case(&checksum(&body, key)) => HookCheck::Signed,
            Some(_) => HookCheck::Refused("checksum does not match".into()),
            None => HookCheck::Refused("no checksum".into()),
        },
        _ => HookCheck::Unsigned,
    };
    let data = body.get("data").unwrap_or(&body);
    let currency = find_text(data, "collectedCurrency")
        .and_then(Currency::from_code)
        .unwrap_or(Currency::Tzs);
    let amount = data.get("collectedAmount").and_then(|v| match v {
        serde_json::Value::String(t) => Money::from_wire(t, currency),
        serde_json::Value::Number(n) => Money::from_wire(&n.to_string(), currency),
        _ => None,
    });
    HookRead {
        named: find_text(data, "orderReference").map(|r| Named::Reference(r.to_string())),
        checked,
        amount,
        phone: find_text(data, "paymentPhoneNumber").map(str::to_string),
    }
}
