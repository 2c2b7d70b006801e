//! An HTTP answer read to the end, and its classification by what the caller must do.

use super::Call;
use crate::provider::ProviderError;
use crate::strings::provider as s;
use chrono::{DateTime, Utc};
use reqwest::header::{DATE, HeaderMap, LOCATION, RETRY_AFTER};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Longest provider message kept (a gateway can answer with a whole page).
const MAX_MESSAGE_CHARS: usize = 300;

/// An HTTP answer, read to the end.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Decodes a successful answer. An unreadable answer to a push leaves its outcome unknown.
    pub fn json<T: DeserializeOwned>(
        &self,
        provider: &str,
        call: Call,
    ) -> Result<T, ProviderError> {
        serde_json::from_slice(&self.body).map_err(|error| {
            tracing::warn!(provider, status = self.status, %error, "answer could not be decoded");
            let detail = if self.looks_like_json() {
                s::detail_bad_json(self.status)
            } else {
                s::detail_not_json(self.status)
            };
            match call {
                Call::Create => ProviderError::Unknown {
                    message: s::outcome_unknown(provider, &detail),
                },
                Call::Read | Call::Check => ProviderError::RetryLater {
                    message: s::no_usable_answer(provider, &detail),
                    retry_after: None,
                },
            }
        })
    }

    fn looks_like_json(&self) -> bool {
        serde_json::from_slice::<serde::de::IgnoredAny>(&self.body).is_ok()
    }

    /// The provider's own message, for a person: [`Answer::message`] with `secrets` blanked
    /// out, then cut to [`MAX_MESSAGE_CHARS`] (in that order, so a cut cannot leave part of a
    /// secret behind).
    pub fn said(&self, secrets: &[&str]) -> Option<String> {
        self.message().map(|m| truncate(&redact(&m, secrets)))
    }

    /// The provider's own message from an error body, whole: `message` as a string or an array
    /// of strings (joined with `; `), else `error`, `detail` or `title`; `None` when the body is
    /// not JSON or says nothing. Use [`Answer::said`] for anything a person may see.
    pub fn message(&self) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(t) => Some(t.trim().to_string()),
            serde_json::Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|i| match i {
                        serde_json::Value::String(t) => Some(t.trim().to_string()),
                        serde_json::Value::Null => None,
                        other => Some(other.to_string()),
                    })
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        };
        let found = ["message", "error", "detail", "title"]
            .iter()
            .filter_map(|k| value.get(k).and_then(text))
            .find(|t| !t.is_empty())?;
        Some(found)
    }

    /// `Retry-After` as a delay (seconds or an HTTP date).
    pub fn retry_after(&self) -> Option<Duration> {
        let v = self.headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        let when = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
        Some((when - Utc::now()).to_std().unwrap_or(Duration::ZERO))
    }

    /// The server's `Date` header.
    pub fn date(&self) -> Option<DateTime<Utc>> {
        let v = self.headers.get(DATE)?.to_str().ok()?;
        Some(
            DateTime::parse_from_rfc2822(v.trim())
                .ok()?
                .with_timezone(&Utc),
        )
    }

    /// Classifies an answer that is not a success. `secrets` are blanked out of the provider's
    /// message (a provider could echo a key back).
    pub fn error(&self, provider: &str, call: Call, secrets: &[&str]) -> ProviderError {
        let said = self.said(secrets);
        let status = self.status;
        // What the provider said, for a person: its words, or the bare HTTP status, or a note
        // that the body was not JSON at all (a gateway's HTML page).
        let words = match &said {
            Some(m) => m.clone(),
            None if self.looks_like_json() || self.body.is_empty() => s::detail_http(status, ""),
            None => s::detail_not_json(status),
        };
        let detail = match &said {
            Some(m) => s::detail_http(status, m),
            None => words.clone(),
        };
        tracing::info!(provider, status, ?call, "provider refused or failed");
        match status {
            401 | 403 => ProviderError::Configuration {
                message: s::access_refused(provider, &detail),
            },
            429 => ProviderError::RetryLater {
                message: s::too_many_requests(),
                retry_after: self.retry_after(),
            },
            300..=399 => ProviderError::Configuration {
                message: s::redirected(
                    provider,
                    status,
                    &self
                        .headers
                        .get(LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .map_or_else(|| "?".to_string(), |l| truncate(&redact(l, secrets))),
                ),
            },
            400..=499 if status != 408 && call != Call::Read => ProviderError::Rejected {
                status: Some(status),
                message: s::sentence(&words),
            },
            _ => match call {
                // 408, 5xx, gateway pages, anything odd: the push may exist.
                Call::Create => ProviderError::Unknown {
                    message: s::outcome_unknown(provider, &detail),
                },
                Call::Read | Call::Check => ProviderError::RetryLater {
                    message: s::no_usable_answer(provider, &detail),
                    retry_after: self.retry_after(),
                },
            },
        }
    }
}

/// Blanks any of `secrets` (non-empty ones) out of a text.
pub(crate) fn redact(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(secret, "***");
    }
    out
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn messages_are_strings_or_arrays() {
        assert_eq!(
            answer(400, r#"{"message":"Invalid / unsupported phone number"}"#).message(),
            Some("Invalid / unsupported phone number".into())
        );
        assert_eq!(
            answer(
                400,
                r#"{"statusCode":400,"message":["Invalid checksum","x"],"error":"Bad Request"}"#
            )
            .message(),
            Some("Invalid checksum; x".into())
        );
        assert_eq!(answer(502, "<html>Bad gateway</html>").message(), None);
    }

    #[test]
    fn classification_follows_what_the_caller_must_do() {
        let create = |st, body| answer(st, body).error("P", Call::Create, &[]);
        let read = |st, body| answer(st, body).error("P", Call::Read, &[]);
        assert!(matches!(
            create(409, r#"{"message":"used"}"#),
            ProviderError::Rejected {
                status: Some(409),
                ..
            }
        ));
        assert!(matches!(create(500, "{}"), ProviderError::Unknown { .. }));
        assert!(matches!(create(408, "{}"), ProviderError::Unknown { .. }));
        assert!(matches!(
            create(401, "{}"),
            ProviderError::Configuration { .. }
        ));
        assert!(matches!(read(400, "{}"), ProviderError::RetryLater { .. }));
        assert!(matches!(
            read(403, "{}"),
            ProviderError::Configuration { .. }
        ));
        let html = create(502, "<html><body>Bad Gateway</body></html>");
        assert!(matches!(html, ProviderError::Unknown { .. }));
        assert!(html.to_string().contains("HTTP 502"), "{html}");
        let mut limited = answer(429, "{}");
        limited
            .headers
            .insert(RETRY_AFTER, reqwest::header::HeaderValue::from_static("7"));
        assert_eq!(
            limited.error("P", Call::Create, &[]),
            ProviderError::RetryLater {
                message: s::too_many_requests(),
                retry_after: Some(Duration::from_secs(7))
            }
        );
    }

    #[test]
    fn secrets_are_blanked_from_provider_words() {
        let e = answer(403, r#"{"message":"Invalid API-Key sk_live_abcdef"}"#).error(
            "P",
            Call::Read,
            &["sk_live_abcdef"],
        );
        assert!(!e.to_string().contains("sk_live_abcdef"), "{e}");
    }

    #[test]
    fn a_secret_cut_by_the_length_limit_or_in_a_redirect_is_blanked_too() {
        let secret = "sk_live_0123456789abcdef";
        let body = format!(
            r#"{{"message":"{}{secret}"}}"#,
            "x".repeat(MAX_MESSAGE_CHARS - 10)
        );
        let e = answer(400, &body).error("P", Call::Create, &[secret]);
        assert!(!e.to_string().contains(&secret[..10]), "{e}");
        let mut moved = answer(302, "{}");
        let to = format!("https://elsewhere.example/?key={secret}");
        moved.headers.insert(
            LOCATION,
            reqwest::header::HeaderValue::from_str(&to).expect("header"),
        );
        let e = moved.error("P", Call::Read, &[secret]);
        assert!(!e.to_string().contains(secret), "{e}");
    }
}
