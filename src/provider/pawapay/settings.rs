//! What lipa needs to know of a pawaPay account (one for Kenya and Tanzania).

use crate::phone::Country;
use crate::provider::spec::Settings;
use crate::secret::Secret;

/// pawaPay settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PawapaySettings {
    /// `https://api.pawapay.io`, or the sandbox's (no trailing slash).
    pub base_url: String,
    /// The API token made in pawaPay's dashboard (a bearer token, no expiry).
    pub api_token: Secret,
    /// The countries the account serves (`countries`, default both).
    pub countries: Vec<Country>,
    /// What the customer's SMS may show (`customer_message`; default the shop's name).
    pub customer_message: Option<String>,
}

/// When nothing else can be said on the customer's SMS.
const FALLBACK_MESSAGE: &str = "lipa";

impl PawapaySettings {
    /// From settings the configuration checked against the row's keys.
    pub fn from_settings(s: &Settings) -> PawapaySettings {
        PawapaySettings {
            base_url: s.base_url.clone(),
            api_token: s.secret("api_token").cloned().unwrap_or_default(),
            countries: s
                .text("countries")
                .and_then(Country::list)
                .unwrap_or_else(|| vec![Country::Kenya, Country::Tanzania]),
            customer_message: s
                .text("customer_message")
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty()),
        }
    }

    /// The shop's name as the customer's message, when none is configured.
    pub fn with_shop(mut self, shop: Option<&str>) -> PawapaySettings {
        if self.customer_message.is_none() {
            self.customer_message = shop.and_then(customer_message);
        }
        self
    }

    /// The `customerMessage` sent.
    pub fn message(&self) -> String {
        self.customer_message
            .clone()
            .unwrap_or_else(|| FALLBACK_MESSAGE.to_string())
    }
}

/// A shop's name as pawaPay takes a `customerMessage`: letters, digits and single spaces, 4
/// to 22 characters (`None` when fewer than four are left).
pub fn customer_message(shop: &str) -> Option<String> {
    let kept: String = shop
        .chars()
        .map(plain_letter)
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = kept.split_whitespace().collect();
    let mut out = String::new();
    for w in words {
        let more = if out.is_empty() { w.len() } else { w.len() + 1 };
        if out.len() + more > 22 {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_empty() {
        out = kept
            .split_whitespace()
            .collect::<String>()
            .chars()
            .take(22)
            .collect();
    }
    (out.len() >= 4).then_some(out)
}

/// A Latin letter with an accent as the same letter without (`á` → `a`): pawaPay takes plain
/// letters only, and `Mamá` must not lose its last letter.
fn plain_letter(c: char) -> char {
    const FOLDS: [(&str, char); 14] = [
        ("àáâãäåā", 'a'),
        ("ÀÁÂÃÄÅĀ", 'A'),
        ("èéêëē", 'e'),
        ("ÈÉÊËĒ", 'E'),
        ("ìíîïī", 'i'),
        ("ÌÍÎÏĪ", 'I'),
        ("òóôõöō", 'o'),
        ("ÒÓÔÕÖŌ", 'O'),
        ("ùúûüū", 'u'),
        ("ÙÚÛÜŪ", 'U'),
        ("ç", 'c'),
        ("Ç", 'C'),
        ("ñ", 'n'),
        ("Ñ", 'N'),
    ];
    FOLDS
        .iter()
        .find(|(from, _)| from.contains(c))
        .map_or(c, |(_, to)| *to)
}

/// The settings as the configuration holds them (a test or a tool that builds them by hand).
impl From<PawapaySettings> for Settings {
    fn from(c: PawapaySettings) -> Settings {
        let countries: Vec<&str> = c.countries.iter().map(|c| c.iso()).collect();
        let countries = countries.join(",");
        let mut values = vec![
            ("api_token", c.api_token.expose()),
            ("countries", countries.as_str()),
        ];
        if let Some(m) = &c.customer_message {
            values.push(("customer_message", m.as_str()));
        }
        super::SPEC_KE.settings(c.base_url.clone(), &values)
    }
}

#[cfg(test)]
mod tests {
    use super::customer_message;

    #[test]
    fn a_shops_name_becomes_a_message_pawapay_takes() {
        assert_eq!(
            customer_message("Duka la Mama").as_deref(),
            Some("Duka la Mama")
        );
        assert_eq!(
            customer_message("Mama Ntilie's Shop & Café, Kariakoo Branch").as_deref(),
            Some("Mama Ntilie s Shop")
        );
        assert_eq!(
            customer_message("Duka la Mamá").as_deref(),
            Some("Duka la Mama")
        );
        assert_eq!(customer_message("A&B").as_deref(), None);
        assert_eq!(customer_message("  ").as_deref(), None);
    }
}
