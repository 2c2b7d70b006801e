//! The shared test vectors (`../shared/vectors`, beside the repository): ClickPesa checksums,
//! Cepta signatures, Daraja passwords, Selcom digests, phone numbers. Skipped, saying so, when the folder is not there.

use lipa::phone::{Country, Phone};
use lipa::provider::cepta::sign;
use lipa::provider::clickpesa::{canonical_json, checksum};
use lipa::provider::daraja;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn vectors() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipping: ../shared/vectors not found");
        None
    }
}

fn load(name: &str) -> Option<Vec<Value>> {
    let path = vectors()?.join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} unreadable: {e}", path.display()));
    let value: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    match value {
        Value::Array(items) => Some(items),
        _ => panic!("{} is not an array", path.display()),
    }
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("vector lacks string {key}: {v}"))
}

#[test]
fn clickpesa_checksums() {
    let Some(cases) = load("clickpesa_checksum.json") else {
        return;
    };
    assert!(!cases.is_empty());
    for case in &cases {
        let payload = &case["payload"];
        let key = text(case, "key");
        assert_eq!(
            canonical_json(payload),
            text(case, "canonical"),
            "{payload}"
        );
        assert_eq!(checksum(payload, key), text(case, "checksum"), "{payload}");

        // The checksum field itself, and key order, change nothing.
        let mut with_sum = payload.clone();
        if let Some(map) = with_sum.as_object_mut() {
            map.insert("checksum".into(), Value::String("0".repeat(64)));
        }
        assert_eq!(checksum(&with_sum, key), text(case, "checksum"));
        let reversed: serde_json::Map<String, Value> = payload
            .as_object()
            .map(|m| {
                m.iter()
                    .rev()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(
            checksum(&Value::Object(reversed), key),
            text(case, "checksum")
        );
        // Another key gives another checksum.
        assert_ne!(checksum(payload, "other-key"), text(case, "checksum"));
    }
}

#[test]
fn cepta_signatures() {
    let Some(cases) = load("cepta_signature.json") else {
        return;
    };
    assert!(!cases.is_empty());
    for case in &cases {
        let (ts, method, uri, body) = (
            text(case, "ts"),
            text(case, "method"),
            text(case, "uri"),
            text(case, "body"),
        );
        assert_eq!(
            format!("{ts}{method}{uri}{body}"),
            text(case, "message"),
            "the vector's own message"
        );
        assert_eq!(
            sign(text(case, "secret"), ts, method, uri, body.as_bytes()),
            text(case, "signature"),
            "{method} {uri}"
        );
        assert_ne!(
            sign("another-secret", ts, method, uri, body.as_bytes()),
            text(case, "signature")
        );
    }
}

/// Safaricom's own sample, and East Africa Time timestamps of UTC instants (the date can
/// change).
#[test]
fn daraja_passwords() {
    let Some(cases) = load("daraja_password.json") else {
        return;
    };
    assert!(!cases.is_empty());
    for case in &cases {
        let ts = text(case, "timestamp");
        if let Some(utc) = case["utc"].as_str() {
            let at: chrono::DateTime<chrono::Utc> = utc.parse().expect("utc");
            assert_eq!(daraja::timestamp(at), ts, "{case}");
        }
        assert_eq!(
            daraja::password(text(case, "shortcode"), text(case, "passkey"), ts),
            text(case, "password"),
            "{case}"
        );
    }
}

#[test]
fn phone_numbers() {
    let Some(cases) = load("phones.json") else {
        return;
    };
    assert!(!cases.is_empty());
    for case in &cases {
        let input = text(case, "input");
        let country = Country::from_iso(text(case, "country"))
            .unwrap_or_else(|| panic!("unknown country in {case}"));
        let got = Phone::parse(input, country);
        match case["normalized"].as_str() {
            Some(want) => assert_eq!(
                got.as_ref().map(Phone::normalized).ok(),
                Some(want),
                "{input:?} ({country:?}): {got:?}"
            ),
            None => assert!(got.is_err(), "{input:?} ({country:?}) accepted: {got:?}"),
        }
    }
}

/// Selcom's signing headers (providers.md): the authorization, the signed fields, the message
/// and its digest, and the body, each exactly as the vector has it.
#[test]
fn selcom_digests() {
    use lipa::provider::selcom::sign::{self, Value as Field};
    let Some(cases) = load("selcom_digest.json") else {
        return;
    };
    assert!(!cases.is_empty());
    for case in &cases {
        let fields: Vec<(&str, Field)> = case["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .map(|pair| {
                let name = pair[0].as_str().expect("name");
                let value = match &pair[1] {
                    Value::String(t) => Field::Text(t.clone()),
                    Value::Number(n) => Field::Whole(n.as_i64().expect("an integer")),
                    other => panic!("unexpected value {other}"),
                };
                (name, value)
            })
            .collect();
        let ts = text(case, "timestamp");
        assert_eq!(
            sign::authorization(text(case, "api_key")),
            text(case, "authorization")
        );
        assert_eq!(sign::signed_fields(&fields), text(case, "signed_fields"));
        assert_eq!(sign::message(ts, &fields), text(case, "message"), "{case}");
        assert_eq!(
            sign::digest(text(case, "api_secret"), ts, &fields),
            text(case, "digest"),
            "{case}"
        );
        if let Some(body) = case["body"].as_str() {
            assert_eq!(sign::body(&fields), body);
        }
    }
}
