//! ClickPesa's row.

use super::{ClickPesaClient, ClickPesaSettings};
use crate::email::EmailRule;
use crate::money::{AmountRule, Currency};
use crate::phone::{Country, Network, PhoneRule};
use crate::provider::Provider;
use crate::provider::spec::{Context, Key, LookupBy, Settings, Spec};
use crate::provider_kind::ProviderKind;
use crate::reference::ReferenceRule;
use std::sync::Arc;

pub static SPEC: Spec = Spec {
    kind: ProviderKind::ClickPesa,
    id: "clickpesa",
    label: "ClickPesa",
    short: "ClickPesa",
    section: "clickpesa",
    // Whole shillings (providers.md).
    amounts: AmountRule::of(Currency::Tzs),
    // Alphanumeric only, not blank; the length is undocumented: at most 20 (providers.md).
    references: ReferenceRule {
        owner: "ClickPesa",
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
    customer_name: None,
    clock_signed: false,
    serves: None,
    keys: &[
        Key::required("client_id"),
        Key::required_secret("api_key"),
        Key::optional_secret("checksum_key"),
    ],
    credentials: &["client_id", "api_key"],
    base_url: "https://api.clickpesa.com/third-parties",
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

/// The client, sharing its token with the till's other processes.
fn build(settings: &Settings, context: &Context) -> Arc<dyn Provider> {
    let settings = ClickPesaSettings::from_settings(settings);
    Arc::new(
        ClickPesaClient::new(settings, context.http.clone()).with_token_file(&context.data_dir),
    )
}

#[cfg(test)]
mod tests {
    use crate::provider_kind::ProviderKind;
    use crate::reference::{Reference, ReferenceError};
    use std::collections::HashSet;

    #[test]
    fn generated_references_follow_its_rules() {
        let p = ProviderKind::ClickPesa;
        for _ in 0..200 {
            let r = Reference::generate(p, 1_790_000_000);
            assert_eq!(Reference::parse(r.as_str(), p), Ok(r.clone()));
            assert!(!r.as_str()[2..].contains(['0', 'O', '1', 'I', 'L']));
        }
        // 2,000 in the same second: a repeat has a chance of about 7e-5 (birthday bound).
        let set: HashSet<_> = (0..2000)
            .map(|_| Reference::generate(p, 1_790_000_000))
            .collect();
        assert_eq!(set.len(), 2000);
    }

    #[test]
    fn typed_references_are_validated() {
        use ReferenceError::*;
        let cp = |t| Reference::parse(t, ProviderKind::ClickPesa);
        assert!(cp("ORDER123").is_ok());
        assert!(matches!(cp("ORD-1"), Err(Chars { .. })));
        assert_eq!(cp(""), Err(Empty));
        assert_eq!(cp("A23456789012345678901"), Err(TooLong(20)));
        let said = cp("ORD-1").map_err(|e| e.to_string());
        assert_eq!(
            said,
            Err("ClickPesa references take letters and digits only (no - _ or spaces).".into())
        );
    }
}
