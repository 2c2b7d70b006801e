//! A payment's own callback address, for a provider that takes one per push (a leaf: the
//! engine makes them, the callbacks' receiver checks them).

use crate::provider_kind::ProviderKind;

/// A public address callbacks may be given: `https://…`, or `http://` to this machine (a
/// simulator, a test); without a trailing `/`. `None`: not one.
pub fn public_base(url: &str) -> Option<String> {
    let url = url.trim().trim_end_matches('/');
    let parsed = reqwest::Url::parse(url).ok()?;
    let local = parsed.host_str().is_some_and(|h| {
        h == "localhost"
            || h.trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    });
    let fit = parsed.scheme() == "https" || (parsed.scheme() == "http" && local);
    // A query, a fragment or a user in it would break the address a path is added to, or
    // hand a password to every provider.
    let plain = parsed.query().is_none()
        && parsed.fragment().is_none()
        && parsed.username().is_empty()
        && parsed.password().is_none();
    (fit && plain && parsed.host_str().is_some()).then(|| url.to_string())
}

/// A new payment's own callback address under `base`, and the hash of its token, to keep
/// before the push leaves: `base/hooks/<provider>/<id>/<token>` (128 random bits).
pub fn payment_address(base: &str, provider: ProviderKind, id: i64) -> (String, String) {
    let token = hex::encode(rand::random::<[u8; 16]>());
    let url = format!("{base}/hooks/{}/{id}/{token}", provider.spec().section);
    (url, token_hash(&token))
}

/// How a token is kept: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::public_base;

    #[test]
    fn a_public_address_is_plain_https_or_this_machine() {
        assert_eq!(
            public_base("https://pay.duka.example/").as_deref(),
            Some("https://pay.duka.example")
        );
        assert!(public_base("http://127.0.0.1:8089").is_some());
        for bad in [
            "http://pay.duka.example",
            "https://pay.duka.example/?a=b",
            "https://pay.duka.example/#x",
            "https://till:pw@pay.duka.example",
            "pay.duka.example",
        ] {
            assert_eq!(public_base(bad), None, "{bad}");
        }
    }
}
