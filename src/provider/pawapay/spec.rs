//! pawaPay's two rows, Kenya and Tanzania: one client, one configuration (`[pawapay]`), one
//! simulator; each row its own country, currency, wallets and amounts.

use super::wallets::{WALLETS_KE, WALLETS_TZ};
use super::{PawapayClient, PawapaySettings};
use crate::email::EmailRule;
use crate::money::{AmountRule, Currency};
use crate::phone::{Country, Network, PhoneRule};
use crate::provider::Provider;
use crate::provider::settings::Rule;
use crate::provider::spec::{Context, Key, LookupBy, Settings, Spec};
use crate::provider_kind::ProviderKind;
use crate::reference::ReferenceRule;
use std::sync::Arc;

/// `clientReferenceId`: lipa's reference, letters, digits and dashes.
const REFERENCES: ReferenceRule = ReferenceRule {
    owner: "pawaPay",
    min: 4,
    max: 40,
    extra: "-",
    separator: "-",
    random: 7,
};

const KEYS: &[Key] = &[
    Key::required_secret("api_token").must(Rule::OneWord),
    Key::optional("countries").must(Rule::Countries),
    Key::optional("customer_message").must(Rule::Plain { min: 4, max: 22 }),
];

pub static SPEC_KE: Spec = Spec {
    kind: ProviderKind::PawapayKe,
    id: "pawapay-ke",
    label: "pawaPay Kenya",
    short: "pawaPayKE",
    section: "pawapay",
    // Whole shillings (M-Pesa Kenya takes no decimals in a deposit: providers.md).
    amounts: AmountRule::whole(Currency::Kes, 250_000).at_least(1),
    references: REFERENCES,
    phones: PhoneRule {
        country: Country::Kenya,
        only: &[Network::Safaricom, Network::OtherKe],
        doubtful: &[Network::OtherKe],
    },
    lookup: LookupBy::OurId,
    channels: Some(&WALLETS_KE),
    email: EmailRule::NotTaken,
    customer_name: None,
    clock_signed: false,
    serves: Some(("countries", serves_kenya)),
    keys: KEYS,
    credentials: &["api_token"],
    base_url: "https://api.pawapay.io",
    build: build_ke,
    words: super::words::sentences,
    by_hand: Some(super::words::by_hand),
    one_prompt_per_phone: true,
    ask_again_after: None,
    simulator: &super::sim::SIM_KE,
    hook: Some(super::hook::read),
    hook_per_payment: false,
};

pub static SPEC_TZ: Spec = Spec {
    kind: ProviderKind::PawapayTz,
    id: "pawapay-tz",
    label: "pawaPay Tanzania",
    short: "pawaPayTZ",
    section: "pawapay",
    // Whole shillings: lipa sends whole shillings to every Tanzanian wallet (providers.md).
    // TZS 100 at least: every Tanzanian wallet's minimum on the page (the account's own limits
    // are checked again before the send).
    amounts: AmountRule::whole(Currency::Tzs, 5_000_000).at_least(100),
    references: REFERENCES,
    // TTCL's wallet is not one of pawaPay's.
    phones: PhoneRule {
        country: Country::Tanzania,
        only: &[
            Network::Vodacom,
            Network::Tigo,
            Network::AirtelTz,
            Network::Halotel,
        ],
        doubtful: &[],
    },
    lookup: LookupBy::OurId,
    channels: Some(&WALLETS_TZ),
    email: EmailRule::NotTaken,
    customer_name: None,
    clock_signed: false,
    serves: Some(("countries", serves_tanzania)),
    keys: KEYS,
    credentials: &["api_token"],
    base_url: "https://api.pawapay.io",
    build: build_tz,
    // One folder's sentences: the catalogue takes them once, from Kenya's row.
    words: Vec::new,
    by_hand: Some(super::words::by_hand),
    one_prompt_per_phone: true,
    ask_again_after: None,
    simulator: &super::sim::SIM_TZ,
    hook: Some(super::hook::read),
    hook_per_payment: false,
};

fn serves(settings: &Settings, country: Country) -> bool {
    PawapaySettings::from_settings(settings)
        .countries
        .contains(&country)
}

fn serves_kenya(settings: &Settings) -> bool {
    serves(settings, Country::Kenya)
}

fn serves_tanzania(settings: &Settings) -> bool {
    serves(settings, Country::Tanzania)
}

fn build(kind: ProviderKind, settings: &Settings, context: &Context) -> Arc<dyn Provider> {
    let settings = PawapaySettings::from_settings(settings).with_shop(context.shop.as_deref());
    Arc::new(PawapayClient::new(kind, settings, context.http.clone()))
}

fn build_ke(settings: &Settings, context: &Context) -> Arc<dyn Provider> {
    build(ProviderKind::PawapayKe, settings, context)
}

fn build_tz(settings: &Settings, context: &Context) -> Arc<dyn Provider> {
    build(ProviderKind::PawapayTz, settings, context)
}
