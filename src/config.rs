//! Configuration: a TOML file overridden by the environment. Secrets are wrapped so they cannot
//! be printed by accident.

use std::fmt;

/// A secret value (API key, checksum key, secret key). `Debug` prints `***`; there is no
/// `Display`: the only way to the text is [`Secret::expose`], used where the secret is sent or
/// used as a key.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// ClickPesa account settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickPesaSettings {
    /// e.g. `https://api.clickpesa.com/third-parties` (no trailing slash).
    pub base_url: String,
    pub client_id: String,
    pub api_key: Secret,
    /// When set, every request body carries a checksum.
    pub checksum_key: Option<Secret>,
}

/// Cepta account settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CeptaSettings {
    /// e.g. `https://adapter.cepta.co` (no trailing slash).
    pub base_url: String,
    pub public_key: String,
    pub secret_key: Secret,
    /// The merchant's default customer e-mail (a cashier rarely knows the customer's).
    pub email: String,
}

pub const DEFAULT_CLICKPESA_BASE_URL: &str = "https://api.clickpesa.com/third-parties";
pub const DEFAULT_CEPTA_BASE_URL: &str = "https://adapter.cepta.co";
