//! Cepta's row.

use super::{CeptaClient, CeptaSettings};
use crate::email::EmailRule;
use crate::money::{AmountRule, Currency};
use crate::phone::{Country, Network, PhoneRule};
use crate::provider::Provider;
use crate::provider::spec::{ChannelName, ChannelTable, Context, Key, LookupBy, Settings, Spec};
use crate::provider_kind::ProviderKind;
use crate::reference::ReferenceRule;
use std::sync::Arc;

pub static SPEC: Spec = Spec {
    kind: ProviderKind::Cepta,
    id: "cepta",
    label: "Cepta",
    short: "Cepta",
    section: "cepta",
    // At least 1, at most two decimals (providers.md).
    amounts: AmountRule::of(Currency::Kes),
    // Documented as `^[a-zA-Z0-9-_\s]*$`; lipa takes 5–50 of `[A-Za-z0-9_-]`, no spaces.
    references: ReferenceRule {
        owner: "Cepta",
        min: 5,
        max: 50,
        extra: "-_",
        separator: "-",
        random: 7,
    },
    phones: PhoneRule::any(Country::Kenya),
    lookup: LookupBy::OurReference,
    channels: Some(&CHANNELS),
    email: EmailRule::Optional,
    customer_name: Some("fullName"),
    clock_signed: true,
    serves: None,
    keys: &[
        Key::required("public_key"),
        Key::required_secret("secret_key"),
        Key::required("email"),
        Key::optional("merchant_id"),
    ],
    credentials: &["public_key", "secret_key"],
    base_url: "https://adapter.cepta.co",
    build,
    // Everything it says is said of any provider (strings/).
    words: Vec::new,
    by_hand: None,
    one_prompt_per_phone: false,
    ask_again_after: None,
    simulator: &super::sim::SIM,
    hook: Some(super::hook::read),
    hook_per_payment: false,
};

/// Cepta's documented channels (`bankAccount` codes, providers.md), used when
/// `mobile-money-banks` cannot be read, and the one to suggest for a number's network.
pub static CHANNELS: ChannelTable = ChannelTable {
    known: &[
        ChannelName {
            code: "63902",
            name: "M-PESA",
        },
        ChannelName {
            code: "63903",
            name: "Airtel Money",
        },
        ChannelName {
            code: "63907",
            name: "T-KASH",
        },
        ChannelName {
            code: "0",
            name: "SasaPay",
        },
    ],
    suggest,
    numeric: true,
    predicted: false,
};

/// The channel for a network's wallet.
fn suggest(network: Network) -> Option<&'static str> {
    match network {
        Network::Safaricom => Some("63902"),
        Network::AirtelKe => Some("63903"),
        Network::Telkom => Some("63907"),
        _ => None,
    }
}

fn build(settings: &Settings, context: &Context) -> Arc<dyn Provider> {
    let settings = CeptaSettings::from_settings(settings);
    Arc::new(CeptaClient::new(settings, context.http.clone()))
}

#[cfg(test)]
mod tests {
    use crate::provider_kind::ProviderKind;
    use crate::reference::{Reference, ReferenceError};

    #[test]
    fn generated_references_follow_its_rules() {
        let p = ProviderKind::Cepta;
        for _ in 0..200 {
            let r = Reference::generate(p, 1_790_000_000);
            assert_eq!(Reference::parse(r.as_str(), p), Ok(r.clone()));
            assert!(!r.as_str()[2..].contains(['0', 'O', '1', 'I', 'L']));
        }
        let a = Reference::generate(p, 1_790_000_000);
        let b = Reference::generate(p, 1_790_000_001);
        assert_ne!(a.as_str()[3..9], b.as_str()[3..9]);
    }

    #[test]
    fn typed_references_are_validated() {
        use ReferenceError::*;
        let ce = |t| Reference::parse(t, ProviderKind::Cepta);
        assert!(ce("TXN-MPESA_001").is_ok());
        assert!(matches!(ce("TXN 1"), Err(Chars { .. })));
        assert_eq!(ce("ab"), Err(TooShort(5)));
        let long = "a".repeat(51);
        assert_eq!(ce(&long), Err(TooLong(50)));
        let said = ce("TXN 1").map_err(|e| e.to_string());
        assert_eq!(
            said,
            Err("Cepta references take letters, digits, - and _ only (no spaces).".into())
        );
    }
}
