//! HTTP message signatures (RFC 9421), the part a provider's signed callback needs: the
//! `Signature-Input` and `Signature` headers read, the signature base rebuilt from the
//! covered components (`@method`, `@authority`, `@path`, `@query`, header fields), the body
//! bound by a covered `Content-Digest` (RFC 9530, `sha-256` / `sha-512`), and the signature
//! checked with the provider's public key (`ecdsa-p256-sha256`). The simulator signs with
//! [`sign`] through the same base, so both ends read one rule.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePublicKey, EncodePublicKey};
use reqwest::header::HeaderMap;
use sha2::{Digest, Sha256, Sha512};

/// The one algorithm checked.
pub const ECDSA_P256: &str = "ecdsa-p256-sha256";
/// How far a signature's `created` may be ahead, or its `expires` behind, this clock.
const SKEW_SECS: i64 = 300;

/// A provider's public key as it publishes it: its id and the key (PEM, or base64 DER).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    pub id: String,
    pub key: String,
}

/// A request as signed: its method, authority (the `Host` it was sent to), path and query,
/// headers and body.
#[derive(Debug, Clone, Copy)]
pub struct Message<'a> {
    pub method: &'a str,
    pub authority: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// Why a signature was not taken (said in the journal and the log; never a secret in it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no signature")]
    Missing,
    #[error("signature headers unreadable: {0}")]
    Unreadable(String),
    #[error("algorithm {0} not checked by lipa")]
    Algorithm(String),
    #[error("component {0} missing or not supported")]
    Component(String),
    #[error("the signature does not cover the body (content-digest)")]
    BodyNotCovered,
    #[error("the body does not match its content-digest")]
    Digest,
    #[error("signature expired or not yet valid")]
    Time,
    #[error("no public key of the provider to check it with")]
    NoKey,
    #[error("signature does not verify")]
    Wrong,
}

/// One member of `Signature-Input`: its label, covered components, parameters, and the
/// member's value as sent (the `@signature-params` line signs exactly that).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Input {
    label: String,
    components: Vec<String>,
    alg: Option<String>,
    keyid: Option<String>,
    created: Option<i64>,
    expires: Option<i64>,
    raw: String,
}

/// Whether `message` carries a signature at all.
pub fn is_signed(headers: &HeaderMap) -> bool {
    headers.contains_key("signature-input") && headers.contains_key("signature")
}

/// Checks `message`'s signature against `keys` at `now` (Unix seconds): its first
/// `Signature-Input` member with a matching `Signature` must verify and cover the body.
pub fn verify(message: &Message<'_>, keys: &[PublicKey], now: i64) -> Result<(), SignatureError> {
    let input = header(message.headers, "signature-input").ok_or(SignatureError::Missing)?;
    let signatures = header(message.headers, "signature").ok_or(SignatureError::Missing)?;
    let inputs = parse_inputs(&input)?;
    let input = inputs
        .iter()
        .find(|i| signature_of(&signatures, &i.label).is_some())
        .ok_or_else(|| SignatureError::Unreadable("no signature for its input".into()))?;
    let signature = signature_of(&signatures, &input.label)
        .ok_or_else(|| SignatureError::Unreadable("signature".into()))?;
    let alg = input.alg.as_deref().unwrap_or(ECDSA_P256);
    if alg != ECDSA_P256 {
        return Err(SignatureError::Algorithm(alg.chars().take(40).collect()));
    }
    if input.created.is_some_and(|c| c > now + SKEW_SECS)
        || input.expires.is_some_and(|e| e + SKEW_SECS < now)
    {
        return Err(SignatureError::Time);
    }
    if !input.components.iter().any(|c| c == "content-digest") {
        return Err(SignatureError::BodyNotCovered);
    }
    check_digest(message)?;
    let base = base(message, &input.components, &input.raw)?;
    let bytes = B64
        .decode(signature.trim_matches(':'))
        .map_err(|_| SignatureError::Unreadable("signature is not base64".into()))?;
    let signature = Signature::from_slice(&bytes)
        .or_else(|_| Signature::from_der(&bytes))
        .map_err(|_| SignatureError::Unreadable("signature is not an ECDSA P-256 one".into()))?;
    let named: Vec<&PublicKey> = match &input.keyid {
        Some(id) if keys.iter().any(|k| &k.id == id) => {
            keys.iter().filter(|k| &k.id == id).collect()
        }
        _ => keys.iter().collect(),
    };
    let usable: Vec<VerifyingKey> = named.iter().filter_map(|k| verifying_key(&k.key)).collect();
    if usable.is_empty() {
        return Err(SignatureError::NoKey);
    }
    if usable
        .iter()
        .any(|k| k.verify(base.as_bytes(), &signature).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Wrong)
    }
}

/// Whether a signature names a key id none of `keys` has (the provider may have a new one).
pub fn names_unknown_key(headers: &HeaderMap, keys: &[PublicKey]) -> bool {
    let Some(input) = header(headers, "signature-input") else {
        return false;
    };
    parse_inputs(&input).is_ok_and(|inputs| {
        inputs
            .iter()
            .filter_map(|i| i.keyid.as_ref())
            .any(|id| !keys.iter().any(|k| &k.id == id))
    })
}

/// The headers that sign `message` (which must already carry the covered headers, and a
/// `Content-Digest` is added for its body): `Content-Digest`, `Signature-Input`, `Signature`.
/// For the simulator, which signs its callbacks as the provider would.
pub fn sign(
    message: &Message<'_>,
    covered: &[&str],
    key: &SigningKey,
    keyid: &str,
    created: i64,
) -> Result<Vec<(String, String)>, SignatureError> {
    let digest = format!("sha-512=:{}:", B64.encode(Sha512::digest(message.body)));
    let mut headers = message.headers.clone();
    if let Ok(v) = digest.parse() {
        headers.insert("content-digest", v);
    }
    let list = covered
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(" ");
    let raw = format!(
        "({list});alg=\"{ECDSA_P256}\";keyid=\"{keyid}\";created={created};expires={}",
        created + 60
    );
    let with_digest = Message {
        headers: &headers,
        ..*message
    };
    let components: Vec<String> = covered.iter().map(|c| c.to_string()).collect();
    let base = base(&with_digest, &components, &raw)?;
    let signature: Signature = key.sign(base.as_bytes());
    Ok(vec![
        ("Content-Digest".into(), digest),
        ("Signature-Input".into(), format!("sig-pp={raw}")),
        (
            "Signature".into(),
            format!("sig-pp=:{}:", B64.encode(signature.to_bytes())),
        ),
    ])
}

/// `key`'s public half as a provider publishes it: base64 DER (SubjectPublicKeyInfo).
pub fn public_key_text(key: &SigningKey) -> String {
    key.verifying_key()
        .to_public_key_der()
        .map(|der| B64.encode(der.as_bytes()))
        .unwrap_or_default()
}

/// A public key from its PEM or base64 DER text.
fn verifying_key(text: &str) -> Option<VerifyingKey> {
    let text = text.trim();
    if text.starts_with("-----BEGIN") {
        return VerifyingKey::from_public_key_pem(text).ok();
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let der = B64.decode(compact).ok()?;
    VerifyingKey::from_public_key_der(&der).ok()
}

/// A header's values, trimmed, joined by `, ` (RFC 9421 §2.1).
fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::trim)
        .collect();
    (!values.is_empty()).then(|| values.join(", "))
}

/// The signature base (RFC 9421 §2.5).
fn base(message: &Message<'_>, components: &[String], raw: &str) -> Result<String, SignatureError> {
    let mut out = String::new();
    for c in components {
        let value = match c.as_str() {
            "@method" => message.method.to_ascii_uppercase(),
            "@authority" => message.authority.to_ascii_lowercase(),
            "@path" => message.path.to_string(),
            "@query" => format!("?{}", message.query.unwrap_or("")),
            name if !name.starts_with('@') => {
                header(message.headers, name).ok_or_else(|| SignatureError::Component(c.clone()))?
            }
            _ => return Err(SignatureError::Component(c.clone())),
        };
        if value.contains('\n') {
            return Err(SignatureError::Component(c.clone()));
        }
        out.push_str(&format!("\"{c}\": {value}\n"));
    }
    out.push_str(&format!("\"@signature-params\": {raw}"));
    Ok(out)
}

/// The body against its `Content-Digest`: every algorithm lipa knows in it must match, and
/// at least one must be there.
fn check_digest(message: &Message<'_>) -> Result<(), SignatureError> {
    let field = header(message.headers, "content-digest").ok_or(SignatureError::Digest)?;
    let mut checked = false;
    for member in field.split(',') {
        let Some((alg, value)) = member.trim().split_once('=') else {
            continue;
        };
        let Ok(given) = B64.decode(value.trim().trim_matches(':')) else {
            return Err(SignatureError::Digest);
        };
        let ours = match alg.trim() {
            "sha-256" => Sha256::digest(message.body).to_vec(),
            "sha-512" => Sha512::digest(message.body).to_vec(),
            _ => continue,
        };
        if ours != given {
            return Err(SignatureError::Digest);
        }
        checked = true;
    }
    if checked {
        Ok(())
    } else {
        Err(SignatureError::Digest)
    }
}

/// `label=:base64:` from a `Signature` field.
fn signature_of(field: &str, label: &str) -> Option<String> {
    split_members(field).into_iter().find_map(|m| {
        let (l, v) = m.split_once('=')?;
        (l.trim() == label).then(|| v.trim().to_string())
    })
}

/// A `Signature-Input` field's members.
fn parse_inputs(field: &str) -> Result<Vec<Input>, SignatureError> {
    let bad = |why: &str| SignatureError::Unreadable(why.to_string());
    let mut out = Vec::new();
    for member in split_members(field) {
        let (label, raw) = member.split_once('=').ok_or_else(|| bad("member"))?;
        let raw = raw.trim();
        let close = raw.find(')').ok_or_else(|| bad("component list"))?;
        if !raw.starts_with('(') {
            return Err(bad("component list"));
        }
        let mut components = Vec::new();
        for item in raw[1..close].split_whitespace() {
            let name = item
                .strip_prefix('"')
                .and_then(|i| i.strip_suffix('"'))
                .ok_or_else(|| bad("component"))?;
            components.push(name.to_ascii_lowercase());
        }
        let mut input = Input {
            label: label.trim().to_string(),
            components,
            alg: None,
            keyid: None,
            created: None,
            expires: None,
            raw: raw.to_string(),
        };
        for param in raw[close + 1..].split(';').filter(|p| !p.trim().is_empty()) {
            let (k, v) = param.split_once('=').unwrap_or((param, ""));
            let text = v.trim().trim_matches('"').to_string();
            match k.trim() {
                "alg" => input.alg = Some(text),
                "keyid" => input.keyid = Some(text),
                "created" => input.created = text.parse().ok(),
                "expires" => input.expires = text.parse().ok(),
                _ => {}
            }
        }
        out.push(input);
    }
    if out.is_empty() {
        return Err(bad("empty"));
    }
    Ok(out)
}

/// A dictionary field's members, split at commas outside parentheses and quotes.
fn split_members(field: &str) -> Vec<&str> {
    let (mut out, mut depth, mut quoted, mut start) = (Vec::new(), 0i32, false, 0);
    for (i, c) in field.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(field[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(field[start..].trim());
    out.retain(|m| !m.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_slice(&Sha256::digest(b"a test key")).expect("key")
    }

    fn signed(body: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", "application/json".parse().expect("v"));
        let m = Message {
            method: "POST",
            authority: "shop.example",
            path: "/hooks/acme",
            query: None,
            headers: &headers,
            body,
        };
        let covered = [
            "@method",
            "@authority",
            "@path",
            "content-digest",
            "content-type",
        ];
        for (k, v) in sign(&m, &covered, &key(), "K:1", 1_700_000_000).expect("sign") {
            headers.insert(
                reqwest::header::HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes())
                    .expect("name"),
                v.parse().expect("value"),
            );
        }
        headers
    }

    fn message<'a>(headers: &'a HeaderMap, body: &'a [u8], path: &'a str) -> Message<'a> {
        Message {
            method: "POST",
            authority: "Shop.Example",
            path,
            query: None,
            headers,
            body,
        }
    }

    fn keys() -> Vec<PublicKey> {
        vec![PublicKey {
            id: "K:1".into(),
            key: public_key_text(&key()),
        }]
    }

    #[test]
    fn a_signed_message_verifies_and_any_change_does_not() {
        let body = br#"{"depositId":"a"}"#;
        let h = signed(body);
        let now = 1_700_000_010;
        assert_eq!(
            verify(&message(&h, body, "/hooks/acme"), &keys(), now),
            Ok(())
        );
        assert_eq!(
            verify(
                &message(&h, br#"{"depositId":"b"}"#, "/hooks/acme"),
                &keys(),
                now
            ),
            Err(SignatureError::Digest)
        );
        assert_eq!(
            verify(&message(&h, body, "/hooks/other"), &keys(), now),
            Err(SignatureError::Wrong)
        );
        let other = SigningKey::from_slice(&Sha256::digest(b"another")).expect("key");
        let wrong = vec![PublicKey {
            id: "K:1".into(),
            key: public_key_text(&other),
        }];
        assert_eq!(
            verify(&message(&h, body, "/hooks/acme"), &wrong, now),
            Err(SignatureError::Wrong)
        );
        assert_eq!(
            verify(&message(&h, body, "/hooks/acme"), &keys(), now + 3600),
            Err(SignatureError::Time)
        );
        assert_eq!(
            verify(&message(&h, body, "/hooks/acme"), &[], now),
            Err(SignatureError::NoKey)
        );
        assert_eq!(
            verify(&message(&HeaderMap::new(), body, "/"), &keys(), now),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn a_signature_that_leaves_the_body_out_is_not_taken() {
        let mut h = signed(b"{}");
        let input = h["signature-input"]
            .to_str()
            .expect("text")
            .replace(" \"content-digest\"", "");
        h.insert("signature-input", input.parse().expect("v"));
        assert_eq!(
            verify(&message(&h, b"{}", "/hooks/acme"), &keys(), 1_700_000_000),
            Err(SignatureError::BodyNotCovered)
        );
    }

    #[test]
    fn the_inputs_are_read_as_rfc_9421_writes_them() {
        let inputs = parse_inputs(
            r#"sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd", sig-pp=("@method" "content-digest");alg="ecdsa-p256-sha256""#,
        )
        .expect("read");
        assert_eq!(inputs.len(), 2);
        assert_eq!(inputs[0].keyid.as_deref(), Some("test-key-rsa-pss"));
        assert_eq!(inputs[0].created, Some(1_618_884_473));
        assert!(inputs[0].components.is_empty());
        assert_eq!(inputs[1].components, ["@method", "content-digest"]);
        assert_eq!(inputs[1].alg.as_deref(), Some(ECDSA_P256));
    }
}
