//! The typed-value parsers never panic: on any input they accept, or refuse with a message.

use lipa::money::{Currency, Money};
use lipa::phone::{Country, Phone};
use lipa::provider::ProviderKind;
use lipa::reference::Reference;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn phone_parsing_never_panics(text in ".{0,40}", kenya in any::<bool>()) {
        let country = if kenya { Country::Kenya } else { Country::Tanzania };
        match Phone::parse(&text, country) {
            Ok(p) => {
                prop_assert_eq!(p.normalized().len(), 12);
                prop_assert!(p.normalized().starts_with(country.dial_code()));
                // A normalized number parses to itself.
                prop_assert_eq!(Phone::parse(p.normalized(), country).map(|q| q.normalized().to_string()), Ok(p.normalized().to_string()));
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn phone_like_input_never_panics(text in "[+0-9 ()-]{0,20}") {
        for country in [Country::Tanzania, Country::Kenya] {
            if let Err(e) = Phone::parse(&text, country) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn amount_parsing_never_panics(text in ".{0,30}") {
        for c in [Currency::Tzs, Currency::Kes] {
            match Money::parse(&text, c) {
                Ok(m) => {
                    prop_assert!(m.minor() >= c.minimum_minor());
                    // The wire form is exact: it reads back to the same amount.
                    prop_assert_eq!(Money::from_wire(&m.wire_decimal(), c), Some(m));
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }

    #[test]
    fn number_like_amounts_round_trip(text in "[0-9,. ]{0,16}") {
        for c in [Currency::Tzs, Currency::Kes] {
            if let Ok(m) = Money::parse(&text, c) {
                prop_assert_eq!(Money::parse(&m.display_number(), c), Ok(m));
            }
        }
    }

    #[test]
    fn any_provider_decimal_is_read_exactly_or_refused(text in ".{0,24}") {
        for c in [Currency::Tzs, Currency::Kes] {
            let _ = Money::from_wire(&text, c);
        }
    }

    #[test]
    fn reference_parsing_never_panics(text in ".{0,60}") {
        for p in ProviderKind::ALL {
            match Reference::parse(&text, p) {
                Ok(r) => prop_assert_eq!(Reference::parse(r.as_str(), p), Ok(r.clone())),
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}
