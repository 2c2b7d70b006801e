//! ClickPesa's checksum: canonical JSON of the body (without `checksum` and `checksumMethod`),
//! keys sorted at every level, arrays in order, compact, UTF-8 with `/` and non-ASCII left as
//! they are; then HMAC-SHA256 with the checksum key as 64 lowercase hex characters.
//!
//! The canonical form is written here by hand, whatever order the map keeps its keys in
//! (`serde_json`'s `preserve_order`, pulled in by some crate, would otherwise change it).

use crate::provider::http::hmac_hex;
use serde_json::{Map, Value};

/// Fields of the top-level body that the checksum does not cover.
const NOT_COVERED: [&str; 2] = ["checksum", "checksumMethod"];

/// The canonical text the checksum covers.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) => write_object(map, &mut out, true),
        other => write_value(other, &mut out),
    }
    out
}

/// The checksum of a body, keyed with the merchant's checksum key: 64 lowercase hex.
pub fn checksum(value: &Value, key: &str) -> String {
    hmac_hex(key.as_bytes(), canonical_json(value).as_bytes())
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
        Value::String(text) => write_string(text, out),
        // `null`, booleans and numbers as serde_json writes them (numbers as parsed; lipa's
        // own bodies carry amounts as strings, never floats).
        scalar => out.push_str(&scalar.to_string()),
    }
}

fn write_object(map: &Map<String, Value>, out: &mut String, top: bool) {
    let mut keys: Vec<&String> = map
        .keys()
        .filter(|k| !(top && NOT_COVERED.contains(&k.as_str())))
        .collect();
    // JavaScript's `sort()` (the provider's side) orders by UTF-16 code units; for keys
    // within the Basic Multilingual Plane that is the same as byte order.
    keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    out.push('{');
    for (i, key) in keys.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(key, out);
        out.push(':');
        if let Some(value) = map.get(key) {
            write_value(value, out);
        }
    }
    out.push('}');
}

/// A JSON string as `JSON.stringify` writes it: `"` and `\` escaped, control characters as
/// `\n`-style or `\u00xx`, everything else (including `/` and non-ASCII) verbatim.
fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_every_level_and_keeps_arrays() {
        let v = json!({"b": {"z": 1, "a": [ {"y": 2, "x": 1}, "s/ü" ]}, "a": null,
                       "checksum": "x", "checksumMethod": "HMAC-SHA256"});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":null,"b":{"a":[{"x":1,"y":2},"s/ü"],"z":1}}"#
        );
    }

    #[test]
    fn escapes_like_json_stringify() {
        let v = json!({"k": "a\"b\\c\n\u{1}/é"});
        assert_eq!(canonical_json(&v), "{\"k\":\"a\\\"b\\\\c\\n\\u0001/é\"}");
        assert_eq!(
            canonical_json(&v),
            // serde_json's own escaping agrees for strings.
            format!(
                "{{\"k\":{}}}",
                serde_json::to_string(&v["k"]).unwrap_or_default()
            )
        );
    }

    #[test]
    fn matches_a_published_vector() {
        let v = json!({"amount": "1000", "currency": "TZS", "orderReference": "ORDER123",
                       "phoneNumber": "255712345678"});
        assert_eq!(
            checksum(&v, "secret-key"),
            "9d6548c3728f656cef3b7ecbdc781419cb3cf48662951666dc2187193d1b704f"
        );
    }
}
