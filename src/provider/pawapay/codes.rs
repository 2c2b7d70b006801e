//! pawaPay's wallet codes as lipa knows them without asking: the one a number's prefix
//! names, and each one's deposit limits as the page gives them (providers.md). A leaf: the
//! simulator and the client both read it.

use crate::money::{Currency, Money};
use crate::phone::{Country, Network, Phone};

pub fn suggest_ke(network: Network) -> Option<&'static str> {
    match network {
        Network::Safaricom | Network::OtherKe => Some("MPESA_KEN"),
        _ => None,
    }
}

pub fn suggest_tz(network: Network) -> Option<&'static str> {
    match network {
        Network::Vodacom => Some("VODACOM_TZA"),
        Network::Tigo => Some("TIGO_TZA"),
        Network::AirtelTz => Some("AIRTEL_TZA"),
        Network::Halotel => Some("HALOTEL_TZA"),
        _ => None,
    }
}

/// The wallet the number's prefix names in `country` (where pawaPay's prediction is not had).
pub fn wallet_of(phone: &Phone) -> Option<&'static str> {
    match phone.country() {
        Country::Kenya => suggest_ke(phone.network()),
        Country::Tanzania => suggest_tz(phone.network()),
    }
}

/// One wallet's rule for a deposit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub min: Money,
    pub max: Money,
    pub open: bool,
}

/// The page's figures (providers.md: one sandbox account's), for a wallet pawaPay's own
/// configuration did not give.
pub fn page_default(wallet: &str) -> Option<Limit> {
    let (min, max, currency) = match wallet {
        "MPESA_KEN" => (1, 250_000, Currency::Kes),
        "AIRTEL_TZA" => (100, 3_000_000, Currency::Tzs),
        "VODACOM_TZA" | "TIGO_TZA" | "HALOTEL_TZA" => (100, 5_000_000, Currency::Tzs),
        _ => return None,
    };
    let major = |n: i64| Money::from_minor(n * currency.scale(), currency);
    Some(Limit {
        min: major(min),
        max: major(max),
        open: true,
    })
}
