//! The till's clock and name: what "now" and "here" are for a payment, a day and a report. A
//! leaf: it imports nothing of lipa's, so the configuration, the journal and every face can ask.

use chrono::{FixedOffset, Offset};

/// The local time zone's current offset.
pub fn local_offset() -> FixedOffset {
    chrono::Local::now().offset().fix()
}

/// This till's name when none is configured: `LIPA_TILL`, else the host name, else `till`.
pub fn till_name() -> String {
    std::env::var("LIPA_TILL")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
        })
        .unwrap_or_else(|| "till".into())
}
