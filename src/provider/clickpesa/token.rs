//! ClickPesa's bearer token: fetched once, used until shortly before it expires, refreshed by
//! one caller while the others wait, and dropped when the provider refuses it.

use super::token_file::TokenFile;
use crate::provider::ProviderError;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// A token as sent in `Authorization`. No `Debug`: it is a secret.
#[derive(Clone)]
pub(super) struct Token(Arc<str>);

impl Token {
    /// The token ClickPesa issued, as an `Authorization` value. ClickPesa's already carries
    /// `Bearer `; the prefix is added only when missing (never `Bearer Bearer …`).
    pub fn from_issued(issued: &str) -> Token {
        let t = issued.trim();
        let has_prefix = t
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("bearer "));
        if has_prefix {
            Token(Arc::from(format!("Bearer {}", t[7..].trim_start())))
        } else {
            Token(Arc::from(format!("Bearer {t}")))
        }
    }

    /// The `Authorization` header value.
    pub fn header(&self) -> &str {
        &self.0
    }

    /// The token without its prefix (to blank it out of messages).
    pub fn bare(&self) -> &str {
        self.0.get(7..).unwrap_or_default()
    }

    fn same(&self, other: &Token) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

struct Cached {
    token: Token,
    until: Instant,
}

/// The cache. The lock is held across a fetch, so concurrent callers wait for that one fetch
/// and then share its token (single flight). With a [`TokenFile`], other processes share it
/// too.
pub(super) struct TokenCache {
    slot: Mutex<Option<Cached>>,
    lifetime: Duration,
    file: Option<TokenFile>,
}

impl TokenCache {
    pub fn new(lifetime: Duration) -> TokenCache {
        TokenCache {
            slot: Mutex::new(None),
            lifetime,
            file: None,
        }
    }

    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// The same cache (and file), its tokens used for `lifetime`.
    pub fn with_lifetime(self, lifetime: Duration) -> TokenCache {
        TokenCache { lifetime, ..self }
    }

    /// Shares tokens with other processes through `file`.
    pub fn with_file(mut self, file: TokenFile) -> TokenCache {
        self.file = Some(file);
        self
    }

    /// The cached token while it is fresh, else a new one from `fetch`.
    pub async fn get<F, Fut>(&self, fetch: F) -> Result<Token, ProviderError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<String, ProviderError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot.as_ref()
            && Instant::now() < cached.until
        {
            return Ok(cached.token.clone());
        }
        *slot = None;
        if let Some((kept, left)) = self.file.as_ref().and_then(TokenFile::load) {
            let token = Token::from_issued(&kept);
            *slot = Some(Cached {
                token: token.clone(),
                until: Instant::now() + left.min(self.lifetime),
            });
            return Ok(token);
        }
        let token = Token::from_issued(&fetch().await?);
        if let Some(file) = &self.file {
            file.save(token.header(), self.lifetime);
        }
        *slot = Some(Cached {
            token: token.clone(),
            until: Instant::now() + self.lifetime,
        });
        Ok(token)
    }

    /// Forgets `failed` if it is still the cached token (another caller may already have
    /// replaced it; that newer token stays).
    pub async fn drop_if_current(&self, failed: &Token) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|c| c.token.same(failed)) {
            *slot = None;
        }
        if let Some(file) = &self.file {
            file.forget(failed.header());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn bearer_prefix_only_when_missing() {
        assert_eq!(
            Token::from_issued("Bearer eyJ.a.b").header(),
            "Bearer eyJ.a.b"
        );
        assert_eq!(Token::from_issued("eyJ.a.b").header(), "Bearer eyJ.a.b");
        assert_eq!(
            Token::from_issued(" bearer  eyJ.a.b ").header(),
            "Bearer eyJ.a.b"
        );
        assert_eq!(Token::from_issued("Bearer eyJ.a.b").bare(), "eyJ.a.b");
    }

    #[tokio::test]
    async fn one_fetch_for_concurrent_callers_and_refresh_after_drop() {
        let cache = Arc::new(TokenCache::new(Duration::from_secs(60)));
        let fetches = Arc::new(AtomicUsize::new(0));
        let fetch = |fetches: Arc<AtomicUsize>| async move {
            let n = fetches.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            Ok::<_, ProviderError>(format!("Bearer t{n}"))
        };
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (cache, fetches) = (cache.clone(), fetches.clone());
                tokio::spawn(async move {
                    cache
                        .get(|| fetch(fetches))
                        .await
                        .map(|t| t.header().to_string())
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(
                t.await.ok().and_then(Result::ok).as_deref(),
                Some("Bearer t0")
            );
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1);

        let old = cache.get(|| fetch(fetches.clone())).await.expect("cached");
        cache.drop_if_current(&old).await;
        let new = cache.get(|| fetch(fetches.clone())).await.expect("fresh");
        assert_eq!(new.header(), "Bearer t1");
        // A stale failure does not drop the newer token.
        cache.drop_if_current(&old).await;
        let same = cache.get(|| fetch(fetches.clone())).await.expect("cached");
        assert_eq!(same.header(), "Bearer t1");
        assert_eq!(fetches.load(Ordering::SeqCst), 2);
    }
}
