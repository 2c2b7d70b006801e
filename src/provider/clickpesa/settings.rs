//! What lipa needs to know of a ClickPesa account.

use crate::provider::spec::Settings;
use crate::secret::Secret;

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

impl ClickPesaSettings {
    /// From settings the configuration checked against the row's keys.
    pub fn from_settings(s: &Settings) -> ClickPesaSettings {
        ClickPesaSettings {
            base_url: s.base_url.clone(),
            client_id: s.text("client_id").unwrap_or_default().to_string(),
            api_key: s.secret("api_key").cloned().unwrap_or_default(),
            checksum_key: s.secret("checksum_key").cloned(),
        }
    }
}

/// The settings as the configuration holds them (a test or a tool that builds them by hand).
impl From<ClickPesaSettings> for Settings {
    fn from(c: ClickPesaSettings) -> Settings {
        let mut values = vec![
            ("client_id", c.client_id.as_str()),
            ("api_key", c.api_key.expose()),
        ];
        values.extend(
            c.checksum_key
                .as_ref()
                .map(|k| ("checksum_key", k.expose())),
        );
        super::SPEC.settings(c.base_url.clone(), &values)
    }
}
