//! Selcom's webhook (providers.md, Callbacks): signed with the same headers as lipa's requests,
//! keyed with the API secret; named by `order_id` (lipa's reference).

use super::sign;
use crate::provider::hook::{HookCheck, HookRead, HookRequest, Named};
use crate::provider::settings::Settings;

/// How far a callback's `Timestamp` may be from this machine's clock.
const SLACK_SECS: i64 = 300;

pub fn read(hook: &HookRequest<'_>, settings: &Settings) -> HookRead {
    let Ok(map) = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(hook.body)
    else {
        return HookRead::unreadable();
    };
    let key = |name: &str| {
        settings
            .secret(name)
            .map(|s| s.expose())
            .unwrap_or_default()
    };
    let checked = match sign::fields_of(&map) {
        Err(why) => HookCheck::Refused(why),
        Ok(fields) => match sign::check(
            hook.headers,
            &fields,
            key("api_key"),
            key("api_secret"),
            chrono::Utc::now(),
            SLACK_SECS,
        ) {
            Ok(()) => HookCheck::Signed,
            Err(why) => HookCheck::Refused(why.to_string()),
        },
    };
    HookRead {
        named: map
            .get("order_id")
            .and_then(|v| v.as_str())
            .map(|r| Named::Reference(r.to_string())),
        checked,
        amount: None,
        phone: None,
    }
}
