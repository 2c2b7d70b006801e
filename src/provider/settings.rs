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
}

impl Key {
    pub const fn required(name: &'static str) -> Key {
        Key {
            name,
            secret: false,
            required: true,
        }
    }

    pub const fn required_secret(name: &'static str) -> Key {
        Key {
            name,
            secret: true,
            required: true,
        }
    }

    pub const fn optional(name: &'static str) -> Key {
        Key {
            name,
            secret: false,
            required: false,
        }
    }

    pub const fn optional_secret(name: &'static str) -> Key {
        Key {
            name,
            secret: true,
            required: false,
        }
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
