//! Which provider: the identity a payment, the journal, the command line and JSON carry
//! (`clickpesa`, `cepta`, `daraja`, `selcom`,
//! `pawapay-ke`, `pawapay-tz`). Everything else about a provider is its row in the registry
//! (`provider/registry.rs`), reached through `ProviderKind::spec`. A leaf: it imports nothing
//! of lipa's, so the stored data and the domain can name a provider.

use serde::{Deserialize, Serialize};

/// Which provider a payment goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    ClickPesa,
    Cepta,
    /// M-Pesa Daraja: Safaricom's own API (Kenya).
    Daraja,
    /// Selcom: one Tanzanian contract for every wallet.
    Selcom,
    /// pawaPay in Kenya (KES): one contract, one client and one configuration with Tanzania's.
    #[serde(rename = "pawapay-ke")]
    PawapayKe,
    /// pawaPay in Tanzania (TZS).
    #[serde(rename = "pawapay-tz")]
    PawapayTz,
}

impl ProviderKind {
    /// Every provider, in the switcher's order.
    pub const ALL: [ProviderKind; 6] = [
        ProviderKind::ClickPesa,
        ProviderKind::Cepta,
        ProviderKind::Daraja,
        ProviderKind::Selcom,
        ProviderKind::PawapayKe,
        ProviderKind::PawapayTz,
    ];
}
