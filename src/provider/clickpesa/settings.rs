//! What lipa needs to know of a ClickPesa account.

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
