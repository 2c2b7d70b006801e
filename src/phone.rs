//! Phone numbers of Tanzania and Kenya: every form a cashier types, normalized to the provider's
//! `255…` / `254…` twelve digits, with the mobile network recognised.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The countries lipa serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Country {
    #[serde(rename = "TZ")]
    Tanzania,
    #[serde(rename = "KE")]
    Kenya,
}

impl Country {
    pub fn dial_code(self) -> &'static str {
        match self {
            Country::Tanzania => "255",
            Country::Kenya => "254",
        }
    }
    pub fn iso(self) -> &'static str {
        match self {
            Country::Tanzania => "TZ",
            Country::Kenya => "KE",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Country::Tanzania => "Tanzania",
            Country::Kenya => "Kenya",
        }
    }
    /// Countries named by ISO codes separated by commas (`KE,TZ`, any case and spacing); `None`
    /// when one is not a country lipa knows or none is named.
    pub fn list(text: &str) -> Option<Vec<Country>> {
        let mut out = Vec::new();
        for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let c = Country::from_iso(&code.to_ascii_uppercase())?;
            if !out.contains(&c) {
                out.push(c);
            }
        }
        (!out.is_empty()).then_some(out)
    }

    pub fn from_iso(code: &str) -> Option<Country> {
        match code {
            "TZ" => Some(Country::Tanzania),
            "KE" => Some(Country::Kenya),
            _ => None,
        }
    }
    fn other(self) -> Country {
        match self {
            Country::Tanzania => Country::Kenya,
            Country::Kenya => Country::Tanzania,
        }
    }
}

/// Mobile networks recognised from the number's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Network {
    Vodacom,
    Tigo,
    AirtelTz,
    Halotel,
    Ttcl,
    Safaricom,
    AirtelKe,
    Telkom,
    /// A Kenyan number whose prefix is not in our table: accepted, no channel suggested.
    OtherKe,
}

impl Network {
    /// Name shown to the cashier (network and its wallet).
    pub fn label(self) -> &'static str {
        match self {
            Network::Vodacom => "Vodacom M-Pesa",
            Network::Tigo => "Mixx by Yas (Tigo Pesa)",
            Network::AirtelTz => "Airtel Money",
            Network::Halotel => "HaloPesa",
            Network::Ttcl => "TTCL",
            Network::Safaricom => "Safaricom M-PESA",
            Network::AirtelKe => "Airtel Money",
            Network::Telkom => "Telkom T-KASH",
            Network::OtherKe => "unknown network",
        }
    }
}

/// A valid, normalized mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Phone {
    country: Country,
    digits: String,
    network: Network,
}

/// Why a typed number was refused. `Display` gives the cashier's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    NotDigits,
    OtherCountry {
        typed: Country,
        expected: Country,
    },
    TooShort(usize),
    TooLong(usize),
    UnknownNetwork {
        country: Country,
        prefix: String,
    },
    /// A number of a network the provider cannot push to.
    NetworkNotTaken(Network),
    /// A number with another country's calling code (`+1 212…`), not one of ours.
    ForeignCode {
        code: String,
        expected: Country,
    },
}

/// What numbers a provider takes: its country's, of every network or of some only; and the
/// networks it may refuse, which the cashier is warned of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhoneRule {
    pub country: Country,
    /// The networks it pushes to; empty: every network of the country.
    pub only: &'static [Network],
    /// Networks it may refuse a push to: taken, with a warning.
    pub doubtful: &'static [Network],
}

impl PhoneRule {
    /// Every number of `country`, no warning.
    pub const fn any(country: Country) -> PhoneRule {
        PhoneRule {
            country,
            only: &[],
            doubtful: &[],
        }
    }

    /// Parses a number as typed ([`Phone::parse`]) and holds it to the rule's networks.
    pub fn parse(&self, text: &str) -> Result<Phone, PhoneError> {
        let phone = Phone::parse(text, self.country)?;
        if !self.only.is_empty() && !self.only.contains(&phone.network) {
            return Err(PhoneError::NetworkNotTaken(phone.network));
        }
        Ok(phone)
    }

    /// Whether a push to `network` may be refused (the cashier is warned).
    pub fn doubts(&self, network: Network) -> bool {
        self.doubtful.contains(&network)
    }
}

impl Phone {
    /// Parses a number as typed for `country`: `0712345678`, `712345678`, `+255712345678`,
    /// `255 712 345 678`, `255-712-345-678`, `(0)712345678`, `00255712345678`.
    pub fn parse(text: &str, country: Country) -> Result<Phone, PhoneError> {
        // Direction marks and zero-width characters a phone's contacts paste around a number
        // (U+202A…U+202C): nothing a person could see, so nothing to refuse.
        let text: String = text
            .chars()
            .filter(|c| !crate::text::is_invisible(*c))
            .collect();
        let mut digits = String::with_capacity(text.len());
        let mut plus = false;
        for (i, c) in text.trim().char_indices() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' | '\u{a0}' => {}
                '+' if i == 0 => plus = true,
                _ => return Err(PhoneError::NotDigits),
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut national: &str = &digits;
        if let Some(rest) = national.strip_prefix("00") {
            national = rest;
            plus = true;
        }
        let own = country.dial_code();
        let other = country.other();
        if let Some(rest) = national.strip_prefix(own).filter(|r| plus || r.len() >= 9) {
            national = rest;
        } else if national.starts_with(other.dial_code()) && (plus || national.len() >= 12) {
            return Err(PhoneError::OtherCountry {
                typed: other,
                expected: country,
            });
        } else if plus {
            // `+` followed by a code we do not serve: not a number of this country (a
            // tester's +1 212… was said to be a Tanzanian number of no network).
            return Err(PhoneError::ForeignCode {
                code: national.chars().take(3).collect(),
                expected: country,
            });
        }
        let national = national.strip_prefix('0').unwrap_or(national);
        match national.len() {
            n if n < 9 => return Err(PhoneError::TooShort(n)),
            n if n > 9 => return Err(PhoneError::TooLong(n)),
            _ => {}
        }
        let network = network_of(country, national).ok_or_else(|| PhoneError::UnknownNetwork {
            country,
            prefix: national[..2].to_string(),
        })?;
        Ok(Phone {
            country,
            digits: format!("{own}{national}"),
            network,
        })
    }

    /// Twelve digits with the country code, no `+`: what both providers expect.
    pub fn normalized(&self) -> &str {
        &self.digits
    }
    pub fn country(&self) -> Country {
        self.country
    }
    pub fn network(&self) -> Network {
        self.network
    }
    /// The last digit (the simulator's behaviour key).
    pub fn last_digit(&self) -> u8 {
        self.digits.bytes().last().map_or(0, |b| b - b'0')
    }
    /// For screens: `+255 712 ••• 678`, the middle digits hidden.
    pub fn masked(&self) -> String {
        mask(&self.digits)
    }
    /// For screens: `+255 712 345 678`.
    pub fn pretty(&self) -> String {
        let d = &self.digits;
        format!("+{} {} {} {}", &d[..3], &d[3..6], &d[6..9], &d[9..])
    }
}

/// Masks the middle of a normalized number (`255712345678` → `+255 712 ••• 678`); other strings
/// keep their first and last three characters.
pub fn mask(digits: &str) -> String {
    if digits.len() == 12 && digits.is_ascii() {
        format!("+{} {} ••• {}", &digits[..3], &digits[3..6], &digits[9..])
    } else {
        let chars: Vec<char> = digits.chars().collect();
        if chars.len() <= 6 {
            return "•".repeat(chars.len());
        }
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 3..].iter().collect();
        format!("{head}•••{tail}")
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

fn network_of(country: Country, n: &str) -> Option<Network> {
    let p2: u32 = n[..2].parse().ok()?;
    let p3: u32 = n[..3].parse().ok()?;
    match country {
        Country::Tanzania => match p2 {
            61..=63 => Some(Network::Halotel),
            65 | 67 | 70 | 71 | 77 => Some(Network::Tigo),
            66 | 68 | 69 | 78 => Some(Network::AirtelTz),
            73 => Some(Network::Ttcl),
            74..=76 | 79 => Some(Network::Vodacom),
            72 if p3 == 724 => Some(Network::Vodacom),
            _ => None,
        },
        Country::Kenya => {
            if !(n.starts_with('7') || n.starts_with('1')) {
                return None;
            }
            Some(match p3 {
                700..=729 | 740..=748 | 757..=759 | 768..=769 | 790..=799 | 110..=115 => {
                    Network::Safaricom
                }
                730..=739 | 750..=756 | 762 | 780..=789 | 100..=102 => Network::AirtelKe,
                770..=779 => Network::Telkom,
                _ => Network::OtherKe,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_written_form_normalizes() {
        for t in [
            "0712345678",
            "712345678",
            "+255712345678",
            "255 712 345 678",
            "255-712-345-678",
            "(0)712345678",
            "00255712345678",
            "+255 (0) 712 345 678",
            // Pasted from a phone's contacts, wrapped in direction marks (a tester's number
            // was refused as "only digits" for a character nobody could see).
            "\u{202a}+255 712 345 678\u{202c}",
            "0712\u{200b}345678",
        ] {
            let p = Phone::parse(t, Country::Tanzania).expect(t);
            assert_eq!(p.normalized(), "255712345678", "{t}");
            assert_eq!(p.network(), Network::Tigo);
        }
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        use PhoneError::*;
        let tz = |t| Phone::parse(t, Country::Tanzania);
        assert_eq!(tz(""), Err(Empty));
        assert_eq!(tz("+"), Err(Empty));
        assert_eq!(tz("0712abc678"), Err(NotDigits));
        assert_eq!(tz("071234567"), Err(TooShort(8)));
        assert_eq!(tz("07123456789"), Err(TooLong(10)));
        assert!(matches!(tz("254712345678"), Err(OtherCountry { .. })));
        assert!(matches!(tz("0641123456"), Err(UnknownNetwork { .. })));
        assert!(matches!(tz("0721123456"), Err(UnknownNetwork { .. })));
        let msg = tz("254712345678").unwrap_err().to_string();
        assert!(msg.contains("Kenya"), "{msg}");
    }

    #[test]
    fn networks_are_recognised() {
        let tz = |t| Phone::parse(t, Country::Tanzania).map(|p| p.network());
        let ke = |t| Phone::parse(t, Country::Kenya).map(|p| p.network());
        assert_eq!(tz("0754000000"), Ok(Network::Vodacom));
        assert_eq!(tz("0724000000"), Ok(Network::Vodacom));
        assert_eq!(tz("0621000000"), Ok(Network::Halotel));
        assert_eq!(tz("0688000000"), Ok(Network::AirtelTz));
        assert_eq!(tz("0733000000"), Ok(Network::Ttcl));
        assert_eq!(ke("0712345678"), Ok(Network::Safaricom));
        assert_eq!(ke("0110000000"), Ok(Network::Safaricom));
        assert_eq!(ke("0733123456"), Ok(Network::AirtelKe));
        assert_eq!(ke("0100123456"), Ok(Network::AirtelKe));
        assert_eq!(ke("0771000000"), Ok(Network::Telkom));
        assert_eq!(ke("0761000000"), Ok(Network::OtherKe));
        assert!(ke("0612345678").is_err());
    }

    #[test]
    fn a_rule_may_take_some_networks_only_and_doubt_others() {
        let rule = PhoneRule {
            country: Country::Kenya,
            only: &[Network::Safaricom],
            doubtful: &[Network::Safaricom],
        };
        assert!(rule.parse("0712345678").is_ok());
        assert_eq!(
            rule.parse("0733123456"),
            Err(PhoneError::NetworkNotTaken(Network::AirtelKe))
        );
        assert!(rule.doubts(Network::Safaricom));
        assert!(PhoneRule::any(Country::Kenya).parse("0733123456").is_ok());
    }

    #[test]
    fn masking_hides_the_middle() {
        let p = Phone::parse("0712345678", Country::Tanzania).expect("valid");
        assert_eq!(p.masked(), "+255 712 ••• 678");
        assert_eq!(p.pretty(), "+255 712 345 678");
        assert_eq!(p.last_digit(), 8);
    }
}
