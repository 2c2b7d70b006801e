//! What lipa needs to know of a Cepta account.

use crate::provider::spec::Settings;
use crate::secret::Secret;

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

impl CeptaSettings {
    /// From settings the configuration checked against the row's keys.
    pub fn from_settings(s: &Settings) -> CeptaSettings {
        CeptaSettings {
            base_url: s.base_url.clone(),
            public_key: s.text("public_key").unwrap_or_default().to_string(),
            secret_key: s.secret("secret_key").cloned().unwrap_or_default(),
            email: s.text("email").unwrap_or_default().to_string(),
        }
    }
}

/// The settings as the configuration holds them (a test or a tool that builds them by hand).
impl From<CeptaSettings> for Settings {
    fn from(c: CeptaSettings) -> Settings {
        super::SPEC.settings(
            c.base_url.clone(),
            &[
                ("public_key", c.public_key.as_str()),
                ("secret_key", c.secret_key.expose()),
                ("email", c.email.as_str()),
            ],
        )
    }
}
