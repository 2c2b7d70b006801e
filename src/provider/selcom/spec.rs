//! Selcom's row.

use super::{SelcomClient, SelcomSettings};
use crate::email::EmailRule;
use crate::money::{AmountRule, Currency};
use crate::phone::{Country, Network, PhoneRule};
use crate::provider::Provider;
use crate::provider::settings::Rule;
use crate::provider::spec::{Context, Key, LookupBy, Settings, Spec};
use crate::provider_kind::ProviderKind;
use crate::reference::ReferenceRule;
use std::sync::Arc;
use std::time::Duration;

pub static SPEC: Spec = Spec {
    kind: ProviderKind::Selcom,
    id: "selcom",
    label: "Selcom",
    short: "Selcom",
    section: "selcom",
    // Whole shillings, sent as integers (providers.md).
    amounts: AmountRule::of(Currency::Tzs),
    // `order_id`: ours, 1–20 of `[A-Za-z0-9]` (providers.md); the wallet payment's `transid`
    // is it and a `W`.
    references: ReferenceRule {
        owner: "Selcom",
        min: 1,
        max: 20,
        extra: "",
        separator: "",
        random: 7,
    },
    // TTCL's wallet is not a push wallet: taken, with a warning.
    phones: PhoneRule {
        country: Country::Tanzania,
        only: &[],
        doubtful: &[Network::Ttcl],
    },
    lookup: LookupBy::OurReference,
    channels: None,
    email: EmailRule::NotTaken,
    customer_name: Some("buyer_name"),
    // Its `Timestamp` is signed; the simulator refuses one off by more than five minutes.
    clock_signed: true,
    serves: None,
    keys: &[
        Key::required("vendor"),
        Key::required_secret("api_key"),
        Key::required_secret("api_secret"),
        Key::required("buyer_email").must(Rule::Email),
        Key::required("buyer_name").must(Rule::Words { max: 50 }),
    ],
    credentials: &["api_key", "api_secret"],
    base_url: "https://apigw.selcommobile.com/v1",
    build,
    words: super::words::sentences,
    by_hand: Some(super::words::by_hand),
    one_prompt_per_phone: false,
    ask_again_after: Some(ASK_AGAIN_AFTER),
    simulator: &super::sim::SIM,
    hook: Some(super::hook::read),
    hook_per_payment: true,
};

/// Selcom's advice before a manual reconciliation: ask again after three minutes.
pub const ASK_AGAIN_AFTER: Duration = Duration::from_secs(180);

fn build(settings: &Settings, context: &Context) -> Arc<dyn Provider> {
    let settings = SelcomSettings::from_settings(settings);
    Arc::new(SelcomClient::new(settings, context.http.clone()))
}

#[cfg(test)]
mod tests {
    use crate::provider_kind::ProviderKind;
    use crate::reference::Reference;

    #[test]
    fn references_are_order_ids() {
        let p = ProviderKind::Selcom;
        for _ in 0..200 {
            let r = Reference::generate(p, 1_790_000_000);
            assert!(r.as_str().len() <= 20, "{r:?}");
            assert!(r.as_str().chars().all(|c| c.is_ascii_alphanumeric()));
            assert_eq!(Reference::parse(r.as_str(), p), Ok(r.clone()));
        }
    }
}
