//! What lipa needs to know of a Selcom till.

use crate::provider::spec::Settings;
use crate::secret::Secret;

/// Selcom settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelcomSettings {
    /// `https://apigw.selcommobile.com/v1`, or the test gateway's (no trailing slash).
    pub base_url: String,
    /// The till id Selcom issues (`vendor`).
    pub vendor: String,
    pub api_key: Secret,
    pub api_secret: Secret,
    /// The order's buyer, which Selcom requires and a cashier rarely knows: the shop's own.
    pub buyer_email: String,
    pub buyer_name: String,
}

impl SelcomSettings {
    /// From settings the configuration checked against the row's keys.
    pub fn from_settings(s: &Settings) -> SelcomSettings {
        let text = |k| s.text(k).map(str::trim).unwrap_or_default().to_string();
        SelcomSettings {
            base_url: s.base_url.clone(),
            vendor: text("vendor"),
            api_key: s.secret("api_key").cloned().unwrap_or_default(),
            api_secret: s.secret("api_secret").cloned().unwrap_or_default(),
            buyer_email: text("buyer_email"),
            buyer_name: text("buyer_name"),
        }
    }
}

/// The settings as the configuration holds them (a test or a tool that builds them by hand).
impl From<SelcomSettings> for Settings {
    fn from(c: SelcomSettings) -> Settings {
        let values = [
            ("vendor", c.vendor.as_str()),
            ("api_key", c.api_key.expose()),
            ("api_secret", c.api_secret.expose()),
            ("buyer_email", c.buyer_email.as_str()),
            ("buyer_name", c.buyer_name.as_str()),
        ];
        super::SPEC.settings(c.base_url.clone(), &values)
    }
}
