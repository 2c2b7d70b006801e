//! Credential checks, as strict as the real services: ClickPesa's client id / API key, bearer
//! tokens and body checksums; Cepta's key, timestamp and request signature.
//! Refusal reasons go to `debug` logs only, and never include a secret.

use super::canonical::{self, canonical_body};
use super::state::Sim;
use super::wire;
use super::wire::Refusal;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use hmac::Mac;
use serde_json::{Map, Value};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `generate-token`: which 403 message the `client-id` / `api-key` headers earn, if any.
/// Unknown or missing client id → `Invalid client details`; missing API key →
/// `Unauthorized API-Key`; wrong API key → `Invalid or Expired API-Key`.
pub(super) fn clickpesa_credentials(sim: &Sim, headers: &HeaderMap) -> Result<(), &'static str> {
    if header(headers, "client-id") != Some(sim.config.clickpesa_client_id.as_str()) {
        return Err("Invalid client details");
    }
    match header(headers, "api-key") {
        None | Some("") => Err("Unauthorized API-Key"),
        Some(key) if key == sim.config.clickpesa_api_key => Ok(()),
        Some(_) => Err("Invalid or Expired API-Key"),
    }
}

/// Every other ClickPesa call: `Authorization` must be exactly `Bearer <token>` with a token we
/// issued that has neither expired nor been revoked (`Bearer Bearer …` is refused).
pub(super) fn clickpesa_token(sim: &Sim, headers: &HeaderMap) -> Result<(), Refusal> {
    let valid = header(headers, header::AUTHORIZATION.as_str())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| sim.token_valid(token));
    if valid {
        Ok(())
    } else {
        tracing::debug!("clickpesa: missing, malformed, expired or revoked token");
        Err(wire::clickpesa_error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
        ))
    }
}

/// When a checksum key is configured, the body's `checksum` must match its canonical form.
pub(super) fn clickpesa_checksum(sim: &Sim, body: &Map<String, Value>) -> Result<(), Refusal> {
    let Some(key) = sim.config.checksum_key.as_deref() else {
        return Ok(());
    };
    let valid = body
        .get("checksum")
        .and_then(Value::as_str)
        .is_some_and(|given| canonical::checksum_matches(key, &canonical_body(body), given));
    if valid {
        Ok(())
    } else {
        tracing::debug!("clickpesa: missing or wrong checksum");
        sim.bump(|s| s.checksum_failures += 1);
        Err(wire::clickpesa_bad_request(vec!["Invalid checksum".into()]))
    }
}

/// Cepta: `X-Access-Key` is the public key, `X-Access-Ts` is within the tolerated skew, and
/// `X-Access-Signature` is the lowercase hex HMAC-SHA256 (secret key) of
/// `ts + METHOD + path-and-query as received + body bytes`.
pub(super) fn cepta_signature(
    sim: &Sim,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Refusal> {
    match cepta_check(sim, method, uri, headers, body) {
        Ok(()) => Ok(()),
        Err(reason) => {
            tracing::debug!(reason, "cepta: request refused");
            Err(wire::cepta_error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED"))
        }
    }
}

fn cepta_check(
    sim: &Sim,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), &'static str> {
    if header(headers, "x-access-key") != Some(sim.config.cepta_public_key.as_str()) {
        return Err("wrong or missing X-Access-Key");
    }
    let ts = header(headers, "x-access-ts").ok_or("missing X-Access-Ts")?;
    let seconds: i64 = ts
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| ts.parse().ok())
        .flatten()
        .ok_or("X-Access-Ts is not Unix seconds")?;
    if let Some(max) = sim.config.cepta_max_skew {
        let skew = seconds
            .saturating_sub(sim.now_utc().timestamp())
            .unsigned_abs();
        if skew > max.as_secs() {
            return Err("X-Access-Ts too far from the server's clock");
        }
    }
    let given = header(headers, "x-access-signature").ok_or("missing X-Access-Signature")?;
    let lower_hex = given.len() == 64
        && given
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let given = hex::decode(given)
        .ok()
        .filter(|_| lower_hex)
        .ok_or("signature is not 64 lowercase hex characters")?;
    let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let mut mac = canonical::hmac_sha256(sim.config.cepta_secret_key.as_bytes());
    mac.update(ts.as_bytes());
    mac.update(method.as_str().as_bytes());
    mac.update(target.as_bytes());
    mac.update(body);
    mac.verify_slice(&given).map_err(|_| "signature mismatch")
}
