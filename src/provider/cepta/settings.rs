//! What lipa needs to know of a Cepta account.

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
