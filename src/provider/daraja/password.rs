//! Daraja's `Password` and `Timestamp`: `base64(shortcode + passkey + timestamp)`, the
//! timestamp `YYYYMMDDHHmmss` in East Africa Time (UTC+3, no daylight saving) from the UTC
//! clock, never the host's zone; one timestamp string in both fields (providers.md).

use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};

/// The timestamp of `now`, in East Africa Time.
pub fn timestamp(now: DateTime<Utc>) -> String {
    (now + Duration::hours(3))
        .format("%Y%m%d%H%M%S")
        .to_string()
}

/// The password for one request.
pub fn password(shortcode: &str, passkey: &str, timestamp: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{shortcode}{passkey}{timestamp}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn east_africa_time_across_midnight() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().expect("time");
        assert_eq!(timestamp(at("2026-12-31T22:30:00Z")), "20270101013000");
        assert_eq!(timestamp(at("2026-12-05T19:04:05Z")), "20261205220405");
    }
}
