//! A provider's configuration as read and checked, whatever the provider: its base URL and its
//! keys' values, the secret ones kept as [`Secret`]s.

use crate::secret::Secret;
use std::collections::BTreeMap;
use std::fmt;

/// A provider's configuration as read and checked: its base URL and its keys' values.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    pub base_url: String,
    plain: BTreeMap<&'static str, String>,
    secrets: BTreeMap<&'static str, Secret>,
}

impl Settings {
    pub fn new(base_url: impl Into<String>) -> Settings {
        Settings {
            base_url: base_url.into(),
            plain: BTreeMap::new(),
            secrets: BTreeMap::new(),
        }
    }

    /// With `key` set to `value` (kept as a [`Secret`] when the key is one).
    pub fn with(mut self, key: &Key, value: impl Into<String>) -> Settings {
        let value = value.into();
        if key.secret {
            self.secrets.insert(key.name, Secret::new(value));
        } else {
            self.plain.insert(key.name, value);
        }
        self
    }

    /// A key that is not a secret.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.plain.get(name).map(String::as_str)
    }

    /// A key that is a secret.
    pub fn secret(&self, name: &str) -> Option<&Secret> {
        self.secrets.get(name)
    }

    /// Every secret, for the guard that keeps them out of every answer.
    pub fn secrets(&self) -> Vec<Secret> {
        self.secrets.values().cloned().collect()
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Settings");
        d.field("base_url", &self.base_url);
        for (k, v) in &self.plain {
            d.field(k, v);
        }
        for (k, v) in &self.secrets {
            d.field(k, v);
        }
        d.finish()
    }
}

/// A key of a provider's configuration: `[section] name = "…"` or
/// `LIPA_<SECTION>_<NAME>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub name: &'static str,
    /// Never shown, logged or stored; a file holding it must be private.
    pub secret: bool,
    /// The provider is on when every required key is set, off when none is; some but not all
    /// is a problem that names the missing ones.
    pub required: bool,
    /// What its value must be: a value that breaks it leaves the provider off at start, with
    /// words naming the key (not a refusal at every push).
    pub rule: Rule,
}

/// What a key's value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anything set.
    Any,
    /// Digits only (an account number).
    Digits,
    /// An `https://` address with a host.
    HttpsUrl,
    /// At most `max` letters, digits, spaces and `. , - ' &` (words a customer's phone shows).
    Words { max: usize },
    /// An e-mail address (as a customer's is checked).
    Email,
    /// `min` to `max` letters, digits and spaces only (pawaPay's `customerMessage`).
    Plain { min: usize, max: usize },
    /// Country codes separated by commas, each one of `KE`, `TZ` (`KE,TZ`).
    Countries,
    /// One word of printable characters (a bearer token: a space or a line break inside
    /// cannot be sent in a header).
    OneWord,
}

impl Rule {
    /// Whether `value` keeps the rule.
    pub fn keeps(self, value: &str) -> bool {
        let v = value.trim();
        match self {
            Rule::Any => true,
            Rule::Digits => !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()),
            Rule::HttpsUrl => {
                let host = v
                    .strip_prefix("https://")
                    .and_then(|rest| rest.split(['/', '?', '#']).next().filter(|h| !h.is_empty()));
                host.is_some() && !v.contains(char::is_whitespace) && v.is_ascii()
            }
            Rule::Email => crate::email::parse(v).is_ok(),
            Rule::Plain { min, max } => {
                (min..=max).contains(&v.chars().count())
                    && v.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
            }
            Rule::Countries => crate::phone::Country::list(v).is_some(),
            Rule::OneWord => !v.is_empty() && v.chars().all(|c| c.is_ascii_graphic()),
            Rule::Words { max } => {
                !v.is_empty()
                    && v.chars().count() <= max
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || " .,-'&".contains(c))
            }
        }
    }
}

impl Key {
    pub const fn required(name: &'static str) -> Key {
        Key {
            name,
            secret: false,
            required: true,
            rule: Rule::Any,
        }
    }

    pub const fn required_secret(name: &'static str) -> Key {
        Key {
            name,
            secret: true,
            required: true,
            rule: Rule::Any,
        }
    }

    pub const fn optional(name: &'static str) -> Key {
        Key {
            name,
            secret: false,
            required: false,
            rule: Rule::Any,
        }
    }

    pub const fn optional_secret(name: &'static str) -> Key {
        Key {
            name,
            secret: true,
            required: false,
            rule: Rule::Any,
        }
    }

    /// The same key, its value held to `rule`.
    pub const fn must(self, rule: Rule) -> Key {
        Key { rule, ..self }
    }

    /// `LIPA_<SECTION>_<KEY> (<section>.<key>)`: where it is set, as a message names it.
    pub fn place(&self, section: &str) -> String {
        format!("{} ({section}.{})", variable(section, self.name), self.name)
    }
}

/// `LIPA_<SECTION>_<KEY>`: the environment variable of a key.
pub fn variable(section: &str, name: &str) -> String {
    format!("LIPA_{}_{}", section, name).to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn rules_keep_what_they_say() {
        assert!(
            Rule::Digits.keeps("174379")
                && !Rule::Digits.keeps("17 43")
                && !Rule::Digits.keeps("abc")
        );
        assert!(Rule::HttpsUrl.keeps("https://shop.co.ke/hooks/pay"));
        for bad in [
            "http://shop.co.ke/x",
            "https://",
            "https://a b",
            "ftp://x",
            "https:///x",
        ] {
            assert!(!Rule::HttpsUrl.keeps(bad), "{bad}");
        }
        let words = Rule::Words { max: 13 };
        assert!(words.keeps("Duka la Amina") && words.keeps("Mama's shop"));
        for bad in [
            "Duka la Mama Amina",
            "new\nline",
            "esc\u{1b}[31m",
            "Duka😀",
            "a<script>",
        ] {
            assert!(!words.keeps(bad), "{bad:?}");
        }
    }
}
