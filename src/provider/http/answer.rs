//! An HTTP answer read to the end, and its classification by what the caller must do.

use super::Call;
use crate::msg::Msg;
use crate::provider::{ProviderError, ProviderKind};
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
        provider: ProviderKind,
        call: Call,
    ) -> Result<T, ProviderError> {
        serde_json::from_slice(&self.body).map_err(|error| {
            tracing::warn!(provider = provider.id(), status = self.status, %error, "answer could not be decoded");
            let detail = if self.looks_like_json() {
                Msg::BadJson {
                    status: self.status,
                }
            } else {
                Msg::NotJson {
                    status: self.status,
                }
            };
            unclear(provider, call, detail, None)
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
    ///
    /// A call that creates a push is refused (nothing happened) only by a 4xx that says the
    /// request itself is wrong; a duplicate reference (409, or words saying so), a throttle
    /// (429) or any other answer may come after the push was created: its outcome is unknown
    /// and the reference is queried before anything else.
    pub fn error(&self, provider: ProviderKind, call: Call, secrets: &[&str]) -> ProviderError {
        let said = self.said(secrets);
        let status = self.status;
        let detail = match &said {
            Some(m) => Msg::Http {
                status,
                said: Some(m.clone()),
            },
            None if self.looks_like_json() || self.body.is_empty() => {
                Msg::Http { status, said: None }
            }
            None => Msg::NotJson { status },
        };
        tracing::info!(
            provider = provider.id(),
            status,
            ?call,
            "provider refused or failed"
        );
        let duplicate = said.as_deref().is_some_and(says_duplicate);
        match status {
            401 | 403 => ProviderError::Configuration {
                message: Msg::AccessRefused {
                    provider,
                    detail: Box::new(detail),
                },
            },
            300..=399 => ProviderError::Configuration {
                message: Msg::Redirected {
                    provider,
                    status,
                    location: self
                        .headers
                        .get(LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .map_or_else(|| "?".to_string(), |l| truncate(&redact(l, secrets))),
                },
            },
            409 if call == Call::Create => ProviderError::Unknown {
                message: Msg::ReferenceExists { provider },
            },
            429 if call == Call::Create => ProviderError::Unknown {
                message: Msg::SendThrottled { provider },
            },
            429 => ProviderError::RetryLater {
                message: Msg::Throttled { provider },
                retry_after: self.retry_after(),
            },
            _ if call == Call::Create && duplicate => ProviderError::Unknown {
                message: Msg::ReferenceExists { provider },
            },
            s if REFUSALS.contains(&s) && call != Call::Read => ProviderError::Rejected {
                status: Some(status),
                message: match &said {
                    Some(m) => Msg::from_provider(m),
                    None => detail,
                },
            },
            _ => unclear(provider, call, detail, self.retry_after()),
        }
    }
}

/// 4xx answers that say the request itself is wrong: nothing was created.
const REFUSALS: [u16; 9] = [400, 404, 405, 406, 411, 413, 414, 415, 422];

/// Words with which providers say a reference is already taken.
pub(crate) fn says_duplicate(words: &str) -> bool {
    let lower = words.to_ascii_lowercase();
    [
        "already used",
        "already exists",
        "already been used",
        "duplicate",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// An answer that says nothing certain: a push may exist (query it); a read is asked again.
fn unclear(
    provider: ProviderKind,
    call: Call,
    detail: Msg,
    retry_after: Option<Duration>,
) -> ProviderError {
    match call {
        Call::Create => ProviderError::Unknown {
            message: Msg::AnswerLost {
                why: Box::new(Msg::OutcomeUnknown {
                    provider,
                    detail: Box::new(detail),
                }),
            },
        },
        Call::Read | Call::Check => ProviderError::RetryLater {
            message: Msg::NoUsableAnswer {
                provider,
                detail: Box::new(detail),
            },
            retry_after,
        },
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
        let cp = ProviderKind::ALL[0];
        let create = |st, body| answer(st, body).error(cp, Call::Create, &[]);
        let read = |st, body| answer(st, body).error(cp, Call::Read, &[]);
        assert!(matches!(
            create(400, r#"{"message":"Invalid / unsupported phone number"}"#),
            ProviderError::Rejected {
                status: Some(400),
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
            limited.error(cp, Call::Read, &[]),
            ProviderError::RetryLater {
                message: Msg::Throttled { provider: cp },
                retry_after: Some(Duration::from_secs(7))
            }
        );
    }

    /// A duplicate reference or a throttle on a create call may come after the push was
    /// created: never "refused, nothing happened".
    #[test]
    fn a_create_answered_duplicate_or_throttled_has_an_unknown_outcome() {
        let cp = ProviderKind::ALL[0];
        let create = |st, body| answer(st, body).error(cp, Call::Create, &[]);
        for e in [
            create(
                409,
                r#"{"message":"Order reference LP1 already used: Create a different reference"}"#,
            ),
            create(429, "{}"),
            create(400, r#"{"message":"Duplicate transaction reference"}"#),
            create(418, "{}"),
        ] {
            assert!(matches!(e, ProviderError::Unknown { .. }), "{e:?}");
        }
    }

    #[test]
    fn secrets_are_blanked_from_provider_words() {
        let e = answer(403, r#"{"message":"Invalid API-Key sk_live_abcdef"}"#).error(
            ProviderKind::ALL[1],
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
        let e = answer(400, &body).error(ProviderKind::ALL[1], Call::Create, &[secret]);
        assert!(!e.to_string().contains(&secret[..10]), "{e}");
        let mut moved = answer(302, "{}");
        let to = format!("https://elsewhere.example/?key={secret}");
        moved.headers.insert(
            LOCATION,
            reqwest::header::HeaderValue::from_str(&to).expect("header"),
        );
        let e = moved.error(ProviderKind::ALL[1], Call::Read, &[secret]);
        assert!(!e.to_string().contains(secret), "{e}");
    }
}
