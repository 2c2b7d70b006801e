//! Cepta's webhook (providers.md, Webhooks): its shape is undocumented; it is named by our
//! `transactionRef` wherever it is. Its `hash-key` header is SHA-512 of the secret key and a
//! merchant id lipa is not given: nothing in it can be verified.

use crate::provider::hook::{HookCheck, HookRead, HookRequest, Named, find_text};
use crate::provider::settings::Settings;

pub fn read(hook: &HookRequest<'_>, _settings: &Settings) -> HookRead {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(hook.body) else {
        return HookRead::unreadable();
    };
    HookRead {
        named: find_text(&body, "transactionRef").map(|r| Named::Reference(r.to_string())),
        checked: HookCheck::Unsigned,
        amount: None,
        phone: None,
    }
}
