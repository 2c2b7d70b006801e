//! pawaPay's wallets (its "provider" codes) in each country, as the cashier chooses among them.

use super::codes::{suggest_ke, suggest_tz};
use crate::provider::spec::{ChannelName, ChannelTable};

/// pawaPay's provider codes in Kenya (providers.md).
pub static WALLETS_KE: ChannelTable = ChannelTable {
    known: &[ChannelName {
        code: "MPESA_KEN",
        name: "M-Pesa",
    }],
    suggest: suggest_ke,
    numeric: false,
    predicted: true,
};

/// pawaPay's provider codes in Tanzania (providers.md), in the form's cycling order.
pub static WALLETS_TZ: ChannelTable = ChannelTable {
    known: &[
        ChannelName {
            code: "VODACOM_TZA",
            name: "Vodacom M-Pesa",
        },
        ChannelName {
            code: "TIGO_TZA",
            name: "Mixx by Yas",
        },
        ChannelName {
            code: "AIRTEL_TZA",
            name: "Airtel Money",
        },
        ChannelName {
            code: "HALOTEL_TZA",
            name: "HaloPesa",
        },
    ],
    suggest: suggest_tz,
    numeric: false,
    predicted: true,
};
