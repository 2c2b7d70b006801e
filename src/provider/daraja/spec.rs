//! Daraja's row.

use super::{DarajaClient, DarajaSettings};
use crate::email::EmailRule;
use crate::money::{AmountRule, Currency};
use crate::phone::{Country, Network, PhoneRule};
use crate::provider::Provider;
use crate::provider::settings::Rule;
use crate::provider::shelf::{FileShelf, TokenShelf};
use crate::provider::spec::{Context, Key, LookupBy, Settings, Spec};
use crate::provider_kind::ProviderKind;
use crate::reference::ReferenceRule;
use std::sync::Arc;

pub static SPEC: Spec = Spec {
    kind: ProviderKind::Daraja,
    id: "daraja",
    label: "M-Pesa (Daraja)",
    short: "M-Pesa",
    section: "daraja",
    // Whole shillings, 1 to 250,000 (providers.md).
    amounts: AmountRule::whole(Currency::Kes, 250_000),
    // `AccountReference`, shown in the prompt: 1–12 letters and digits (`LP` + 6 of time + 4).
    references: ReferenceRule {
        owner: "M-Pesa (Daraja)",
        min: 1,
        max: 12,
        extra: "",
        separator: "",
        random: 4,
    },
    // Only Safaricom numbers pay by M-Pesa; a Kenyan prefix lipa does not know may be a new
    // Safaricom one: taken, with a warning.
    phones: PhoneRule {
        country: Country::Kenya,
        only: &[Network::Safaricom, Network::OtherKe],
        doubtful: &[Network::OtherKe],
    },
    lookup: LookupBy::ProviderId,
    channels: None,
    email: EmailRule::NotTaken,
    customer_name: None,
    // Its timestamp is East Africa Time from the UTC clock; the simulator refuses one an
    // hour off (a zone mistake), not a skewed clock.
    clock_signed: false,
    serves: None,
    keys: &[
        Key::required_secret("consumer_key"),
        Key::required_secret("consumer_secret"),
        Key::required_secret("passkey"),
        Key::required("shortcode").must(Rule::Digits),
        Key::optional("till").must(Rule::Digits),
        Key::required("callback_url").must(Rule::HttpsUrl),
        Key::optional("description").must(Rule::Words { max: 13 }),
    ],
    credentials: &["consumer_key", "consumer_secret"],
    base_url: "https://api.safaricom.co.ke",
    build,
    words: super::words::sentences,
    by_hand: Some(super::words::by_hand),
    one_prompt_per_phone: true,
    ask_again_after: None,
    simulator: &super::sim::SIM,
    hook: Some(super::hook::read),
    hook_per_payment: true,
};

/// The client, sharing its token with the till's other processes (a file) or the chain's
/// tills (the ledger).
fn build(settings: &Settings, context: &Context) -> Arc<dyn Provider> {
    let settings = DarajaSettings::from_settings(settings);
    let shelf: Arc<dyn TokenShelf> = match &context.tokens {
        Some(shared) => shared.clone(),
        None => Arc::new(FileShelf::new(&context.data_dir, "daraja")),
    };
    Arc::new(DarajaClient::with_shelf(
        settings,
        context.http.clone(),
        Some(shelf),
    ))
}

#[cfg(test)]
mod tests {
    use crate::provider_kind::ProviderKind;
    use crate::reference::{Reference, ReferenceError};

    #[test]
    fn references_fit_the_prompt() {
        let p = ProviderKind::Daraja;
        for _ in 0..200 {
            let r = Reference::generate(p, 1_790_000_000);
            assert_eq!(r.as_str().len(), 12, "{r:?}");
            assert_eq!(Reference::parse(r.as_str(), p), Ok(r.clone()));
        }
        assert_eq!(
            Reference::parse("LP7K3MQ9XR4TZ", p),
            Err(ReferenceError::TooLong(12))
        );
        assert!(matches!(
            Reference::parse("LP-7K3", p),
            Err(ReferenceError::Chars { .. })
        ));
    }
}
