//! Daraja's access token. Each new token invalidates the one before, so everyone who shares
//! the app shares one token: this process's callers through one cache (held across a fetch:
//! one fetch in flight), the till's processes and the chain's tills through a shelf
//! (`provider/shelf.rs`), taken under its lock. A call answered "invalid token" asks for a
//! token other than the one refused: the one someone else fetched meanwhile, or a new one.

use crate::msg::Msg;
use crate::provider::ProviderError;
use crate::provider::http::{self, Call};
use crate::provider::shelf::{Kept, TokenShelf};
use crate::secret::Secret;
use base64::Engine as _;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

use super::NAME;

/// The longest a token lives (Daraja's: one hour).
pub const LIFETIME: Duration = Duration::from_secs(3600);

/// A token is given up this long before it expires (a call may take up to 20 s).
const MARGIN: i64 = 60;

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The app's token, shared.
pub struct Tokens {
    http: reqwest::Client,
    base_url: String,
    /// `Basic base64(key:secret)`.
    basic: Secret,
    /// The app's name on the shelf (a hash, never a key).
    account: String,
    shelf: Option<Arc<dyn TokenShelf>>,
    cache: Mutex<Option<Kept>>,
}

impl Tokens {
    pub fn new(
        http: reqwest::Client,
        base_url: &str,
        key: &Secret,
        secret: &Secret,
        shelf: Option<Arc<dyn TokenShelf>>,
    ) -> Tokens {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            key.expose(),
            secret.expose()
        ));
        Tokens {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            basic: Secret::new(format!("Basic {basic}")),
            account: crate::provider::shelf::account(&[
                "daraja",
                base_url,
                key.expose(),
                secret.expose(),
            ]),
            shelf,
            cache: Mutex::new(None),
        }
    }

    /// A live token other than `refused` (the one Daraja just refused, if any).
    pub async fn get(&self, refused: Option<&str>) -> Result<String, ProviderError> {
        let mut cache = self.cache.lock().await;
        let usable = |k: &Kept| k.live(unix_now(), LIFETIME) && Some(k.token.as_str()) != refused;
        if let Some(k) = cache.as_ref().filter(|k| usable(k)) {
            return Ok(k.token.clone());
        }
        let Some(shelf) = self.shelf.clone() else {
            let fresh = self.fetch().await?;
            *cache = Some(fresh.clone());
            return Ok(fresh.token);
        };
        let account = self.account.clone();
        let taken = tokio::task::spawn_blocking(move || shelf.take(&account)).await;
        let (lock, kept) = match taken {
            Ok(Ok(taken)) => taken,
            // A shelf out of reach (the ledger down): a token of this process's own; the
            // others' next calls are refused once and fetch theirs.
            Ok(Err(why)) => {
                tracing::warn!(%why, "the shared Daraja token could not be read; fetching one");
                let fresh = self.fetch().await?;
                *cache = Some(fresh.clone());
                return Ok(fresh.token);
            }
            Err(e) => {
                return Err(ProviderError::RetryLater {
                    message: Msg::NoUsableAnswer {
                        provider: NAME,
                        detail: Box::new(Msg::said(&e.to_string())),
                    },
                    retry_after: None,
                });
            }
        };
        if let Some(k) = kept.filter(|k| usable(k)) {
            drop(lock);
            *cache = Some(k.clone());
            return Ok(k.token);
        }
        // Held while fetching: whoever waits for it finds this token.
        let fresh = self.fetch().await?;
        let kept = fresh.clone();
        let put = tokio::task::spawn_blocking(move || lock.put(&kept)).await;
        if !matches!(put, Ok(Ok(()))) {
            tracing::warn!("the new Daraja token could not be shared");
        }
        *cache = Some(fresh.clone());
        Ok(fresh.token)
    }

    /// `GET /oauth/v1/generate?grant_type=client_credentials`. Nothing was sent to any
    /// customer, so every failure is "retry later" or "fix the configuration".
    async fn fetch(&self) -> Result<Kept, ProviderError> {
        let url = format!(
            "{}/oauth/v1/generate?grant_type=client_credentials",
            self.base_url
        );
        let request = self
            .http
            .get(&url)
            .header(reqwest::header::AUTHORIZATION, self.basic.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        let answer = http::send(NAME, Call::Read, request).await?;
        let reply = serde_json::from_slice::<super::wire::TokenReply>(&answer.body).ok();
        let token = reply
            .as_ref()
            .and_then(|r| r.access_token.as_deref())
            .map(str::trim)
            .filter(|t| !t.is_empty());
        match (answer.status, token) {
            (200..=299, Some(token)) => {
                let lifetime = reply
                    .as_ref()
                    .and_then(super::wire::TokenReply::lifetime)
                    .unwrap_or(LIFETIME.as_secs())
                    .min(LIFETIME.as_secs()) as i64;
                tracing::info!(lifetime, "Daraja token fetched");
                Ok(Kept {
                    token: token.to_string(),
                    until: unix_now() + (lifetime - MARGIN).max(1),
                })
            }
            (400 | 401 | 403, _) => Err(ProviderError::Configuration {
                message: Msg::CredentialsRefused {
                    provider: NAME,
                    said: super::said(&answer.body).unwrap_or_else(|| "Invalid credentials".into()),
                },
            }),
            (200..=299, None) => Err(ProviderError::Configuration {
                message: Msg::TokenMissing { provider: NAME },
            }),
            (status, _) => Err(ProviderError::RetryLater {
                message: Msg::NoUsableAnswer {
                    provider: NAME,
                    detail: Box::new(Msg::Http {
                        status,
                        said: super::said(&answer.body),
                    }),
                },
                retry_after: answer.retry_after(),
            }),
        }
    }
}
