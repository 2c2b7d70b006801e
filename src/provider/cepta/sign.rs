//! Cepta's request signature: lowercase hex HMAC-SHA256, keyed with the secret key, of
//! `X-Access-Ts` + METHOD + the URI as sent (path and query) + the body bytes as sent.

use crate::provider::http::hmac_hex;

/// The `X-Access-Signature` value for one request.
pub fn sign(secret: &str, ts: &str, method: &str, uri: &str, body: &[u8]) -> String {
    let method = method.to_ascii_uppercase();
    let mut message = Vec::with_capacity(ts.len() + method.len() + uri.len() + body.len());
    message.extend_from_slice(ts.as_bytes());
    message.extend_from_slice(method.as_bytes());
    message.extend_from_slice(uri.as_bytes());
    message.extend_from_slice(body);
    hmac_hex(secret.as_bytes(), &message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_published_vector() {
        assert_eq!(
            sign(
                "test_scrk_5gtnuq9buqeic7c3edu8yjrsqnzhhnur",
                "1700000000",
                "GET",
                "/api/v1/pay/mobile-money-banks",
                b""
            ),
            "06ab896031160d425ed75099ce1edab7e97c01a0c2e16a44b45efbc98ccf60ab"
        );
    }
}
