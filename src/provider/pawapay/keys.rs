//! pawaPay's public keys for its signed callbacks (`GET /v2/public-key/http`, providers.md:
//! Callbacks), read when a signed callback first comes and kept; read again when a callback
//! names a key id not kept (pawaPay turned a key), at most once a minute.

use super::PawapayClient;
use crate::provider::http_signature::PublicKey;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long keys read from pawaPay are kept.
const FRESH: Duration = Duration::from_secs(6 * 3600);
/// How soon pawaPay is asked again after a read (a stream of forged key ids asks once a minute).
const AGAIN_AFTER: Duration = Duration::from_secs(60);

/// The keys as last read, and when.
#[derive(Default)]
pub(super) struct Kept(Mutex<Option<(Vec<PublicKey>, Instant)>>);

impl PawapayClient {
    /// The keys kept, or read now when none are kept, they are old, or `fresh` asks (not
    /// more than once a minute).
    pub(super) async fn public_keys(&self, fresh: bool) -> Vec<PublicKey> {
        if let Ok(kept) = self.keys.0.lock()
            && let Some((keys, read)) = kept.as_ref()
        {
            let age = read.elapsed();
            if age < AGAIN_AFTER || (!fresh && age < FRESH && !keys.is_empty()) {
                return keys.clone();
            }
        }
        let read = match self.call_optional("/v2/public-key/http", None).await {
            Ok(answer) if answer.is_success() => super::wire::public_keys(&answer.body),
            Ok(answer) => {
                tracing::warn!(status = answer.status, "pawaPay's public keys not read");
                Vec::new()
            }
            Err(e) => {
                tracing::warn!(error = %e, "pawaPay's public keys not read");
                Vec::new()
            }
        };
        if let Ok(mut kept) = self.keys.0.lock() {
            *kept = Some((read.clone(), Instant::now()));
        }
        read
    }
}
