//! Credential checks, as strict as the real service: the key, the timestamp and the request
//! signature. Refusal reasons go to `debug` logs only, and never include a secret.

use super::{SIM_KIND, envelope};
use crate::sim::state::Sim;
use crate::sim::wire::{Refusal, hmac_sha256};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use hmac::Mac;

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `X-Access-Key` is the public key, `X-Access-Ts` is within the tolerated skew, and
/// `X-Access-Signature` is the lowercase hex HMAC-SHA256 (secret key) of
/// `ts + METHOD + path-and-query as received + body bytes`.
pub(super) fn signature(
    sim: &Sim,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), Refusal> {
    match check(sim, method, uri, headers, body) {
        Ok(()) => Ok(()),
        Err(reason) => {
            tracing::debug!(reason, "cepta: request refused");
            Err(envelope::error(StatusCode::UNAUTHORIZED, "UNAUTHORIZED"))
        }
    }
}

fn check(
    sim: &Sim,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), &'static str> {
    if header(headers, "x-access-key") != Some(sim.config.value(SIM_KIND, "public_key")) {
        return Err("wrong or missing X-Access-Key");
    }
    let ts = header(headers, "x-access-ts").ok_or("missing X-Access-Ts")?;
    let seconds: i64 = ts
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| ts.parse().ok())
        .flatten()
        .ok_or("X-Access-Ts is not Unix seconds")?;
    if let Some(max) = sim.config.max_skew {
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
    let mut mac = hmac_sha256(sim.config.value(SIM_KIND, "secret_key").as_bytes());
    mac.update(ts.as_bytes());
    mac.update(method.as_str().as_bytes());
    mac.update(target.as_bytes());
    mac.update(body);
    mac.verify_slice(&given).map_err(|_| "signature mismatch")
}
