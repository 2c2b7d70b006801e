//! Cepta's webhook (providers.md, Webhooks): its shape is undocumented; it is named by our
//! `transactionRef` wherever it is. Its `hash-key` header is a static token, SHA-512 (hex) of the
//! secret key and the merchant id: checked when the merchant id is configured (`merchant_id`),
//! unsigned otherwise. It does not cover the body: a hint, as every callback.

use crate::provider::hook::{HookCheck, HookRead, HookRequest, Named, find_text};
use crate::provider::settings::Settings;
use sha2::{Digest, Sha512};

pub fn read(hook: &HookRequest<'_>, settings: &Settings) -> HookRead {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(hook.body) else {
        return HookRead::unreadable();
    };
    HookRead {
        named: find_text(&body, "transactionRef").map(|r| Named::Reference(r.to_string())),
        checked: checked(hook, settings),
        amount: None,
        phone: None,
    }
}

/// Cepta's `hash-key` for a secret key and a merchant id.
pub fn hash_key(secret_key: &str, merchant_id: &str) -> String {
    hex::encode(Sha512::digest(
        format!("{secret_key}{merchant_id}").as_bytes(),
    ))
}

fn checked(hook: &HookRequest<'_>, settings: &Settings) -> HookCheck {
    let (Some(merchant), Some(secret)) = (
        settings
            .text("merchant_id")
            .map(str::trim)
            .filter(|m| !m.is_empty()),
        settings.secret("secret_key"),
    ) else {
        return HookCheck::Unsigned;
    };
    let Some(given) = hook.headers.get("hash-key").and_then(|v| v.to_str().ok()) else {
        return HookCheck::Refused("no hash-key header".into());
    };
    let expected = hash_key(secret.expose(), merchant);
    let given = given.trim().to_ascii_lowercase();
    let same = given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |d, (a, b)| d | (a ^ b))
            == 0;
    match same {
        true => HookCheck::Signed,
        false => HookCheck::Refused("hash-key does not match".into()),
    }
}
