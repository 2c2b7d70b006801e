//! Credential checks, as strict as the real service: client id / API key, bearer tokens and
//! body checksums. Refusal reasons go to `debug` logs only, and never include a secret.

use super::canonical::{self, canonical_body};
use super::{SIM_KIND, envelope};
use crate::sim::state::Sim;
use crate::sim::wire::Refusal;
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::{Map, Value};

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `generate-token`: which 403 message the `client-id` / `api-key` headers earn, if any.
/// Unknown or missing client id → `Invalid client details`; missing API key →
/// `Unauthorized API-Key`; wrong API key → `Invalid or Expired API-Key`.
pub(super) fn credentials(sim: &Sim, headers: &HeaderMap) -> Result<(), &'static str> {
    if header(headers, "client-id") != Some(sim.config.value(SIM_KIND, "client_id")) {
        return Err("Invalid client details");
    }
    match header(headers, "api-key") {
        None | Some("") => Err("Unauthorized API-Key"),
        Some(key) if key == sim.config.value(SIM_KIND, "api_key") => Ok(()),
        Some(_) => Err("Invalid or Expired API-Key"),
    }
}

/// Every other ClickPesa call: `Authorization` must be exactly `Bearer <token>` with a token we
/// issued that has neither expired nor been revoked (`Bearer Bearer …` is refused).
pub(super) fn token(sim: &Sim, headers: &HeaderMap) -> Result<(), Refusal> {
    let valid = header(headers, header::AUTHORIZATION.as_str())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| sim.token_valid(token));
    if valid {
        Ok(())
    } else {
        tracing::debug!("clickpesa: missing, malformed, expired or revoked token");
        Err(envelope::error(StatusCode::UNAUTHORIZED, "Unauthorized"))
    }
}

/// When a checksum key is configured, the body's `checksum` must match its canonical form.
pub(super) fn checksum(sim: &Sim, body: &Map<String, Value>) -> Result<(), Refusal> {
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
        Err(envelope::bad_request(vec!["Invalid checksum".into()]))
    }
}
