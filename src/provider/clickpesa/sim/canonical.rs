//! The simulator's own checksum canonicalizer, deliberately independent of the
//! client's so that a bug in one is caught by the other.
//!
//! Rules (providers.md): drop top-level `checksum` and `checksumMethod`; sort object keys at
//! every level (arrays keep their order); compact JSON; UTF-8 with `/` and non-ASCII left
//! unescaped; HMAC-SHA256 with the checksum key, 64 lowercase hex characters.

use crate::sim::wire::hmac_sha256;
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

/// The canonical text of a request body (a JSON object) for the checksum.
pub fn canonical_body(body: &Map<String, Value>) -> String {
    let mut out = String::new();
    write_object(body, &mut out, true);
    out
}

/// Lowercase hex HMAC-SHA256 of `canonical` with `key`.
#[cfg(test)]
pub fn checksum_hex(key: &str, canonical: &str) -> String {
    hex::encode(mac(key, canonical).finalize().into_bytes())
}

/// Whether `given` is the correct lowercase-hex checksum of `canonical` (constant-time).
pub fn checksum_matches(key: &str, canonical: &str, given: &str) -> bool {
    let lower_hex = given.len() == 64
        && given
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    match hex::decode(given) {
        Ok(bytes) if lower_hex => mac(key, canonical).verify_slice(&bytes).is_ok(),
        _ => false,
    }
}

fn mac(key: &str, canonical: &str) -> Hmac<Sha256> {
    let mut mac = hmac_sha256(key.as_bytes());
    mac.update(canonical.as_bytes());
    mac
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => write_object(map, out, false),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        // Scalars: serde_json writes strings with only `"`, `\` and control characters
        // escaped (no `\/`, no `\uXXXX` for non-ASCII), numbers as it parsed them.
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn write_object(map: &Map<String, Value>, out: &mut String, top: bool) {
    let mut keys: Vec<&String> = map
        .keys()
        .filter(|k| !(top && (*k == "checksum" || *k == "checksumMethod")))
        .collect();
    // Sorted explicitly (whatever the map's own order), by UTF-16 code units as the
    // provider's JavaScript `sort()` does; identical to byte order for every BMP-only key.
    keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    out.push('{');
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&Value::String(key.clone()).to_string());
        out.push(':');
        if let Some(value) = map.get(key) {
            write_value(value, out);
        }
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared vectors, copied here so the library's unit tests stand alone.
    #[test]
    fn matches_the_documented_vectors() {
        let cases = [
            (
                r#"{"phoneNumber":"255712345678","orderReference":"ORDER123","currency":"TZS","amount":"1000","fetchSenderDetails":false}"#,
                r#"{"amount":"1000","currency":"TZS","fetchSenderDetails":false,"orderReference":"ORDER123","phoneNumber":"255712345678"}"#,
                "4df5a5a878bdb4d633c31f653f2cedd045ac2bd30b59d1b6b3cfe1e1439e743b",
            ),
            (
                r#"{"event":"PAYMENT FAILED","data":{"message":"Insufficient balance","status":"FAILED","customer":{"customerName":"Zuhura Çelebi/Ådne"}}}"#,
                r#"{"data":{"customer":{"customerName":"Zuhura Çelebi/Ådne"},"message":"Insufficient balance","status":"FAILED"},"event":"PAYMENT FAILED"}"#,
                "b42a73315c68af7d610d21044bcbe1503205efddef5f0e89979a70a99acea1ef",
            ),
            (
                r#"{"amount":"2500","currency":"TZS","orderReference":"A1","phoneNumber":"255655000111","list":[{"b":1,"a":2},"x",true,null],"checksum":"x","checksumMethod":"HMAC-SHA256"}"#,
                r#"{"amount":"2500","currency":"TZS","list":[{"a":2,"b":1},"x",true,null],"orderReference":"A1","phoneNumber":"255655000111"}"#,
                "496ff3ffe6ae751214b141883b72579724f821b0d25bbe27df50a46c47a9cbf5",
            ),
        ];
        for (body, canonical, checksum) in cases {
            let map: Map<String, Value> = serde_json::from_str(body).expect("vector is JSON");
            let got = canonical_body(&map);
            assert_eq!(got, canonical);
            assert_eq!(checksum_hex("secret-key", &got), checksum);
            assert!(checksum_matches("secret-key", &got, checksum));
            assert!(!checksum_matches(
                "secret-key",
                &got,
                &checksum.to_uppercase()
            ));
            assert!(!checksum_matches("other-key", &got, checksum));
        }
    }
}
