//! Each wallet's deposit limits and whether pawaPay has it open, from the account's active
//! configuration (`GET /v2/active-conf`), read once and kept; the page's figures while it
//! cannot be read.

use super::PawapayClient;
use super::codes::{Limit, page_default};
use super::wire;
use crate::money::Money;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a configuration read from pawaPay is kept.
const FRESH: Duration = Duration::from_secs(6 * 3600);
/// How long the page's figures stand in before pawaPay is asked again.
const FALLBACK_FRESH: Duration = Duration::from_secs(300);

/// The configuration as last read, and until when it is used.
#[derive(Default)]
pub(super) struct Kept(Mutex<Option<(Vec<wire::Limits>, Instant)>>);

impl PawapayClient {
    /// The rule for `wallet`: pawaPay's configuration when it lists the wallet, else the
    /// page's figures.
    pub(super) async fn limits_of(&self, wallet: &str) -> Option<Limit> {
        let list = self.configuration().await;
        let currency = self.kind.currency();
        let listed = list
            .iter()
            .find(|l| l.provider == wallet && l.currency == currency.code());
        let Some(l) = listed else {
            return page_default(wallet);
        };
        let fallback = page_default(wallet);
        let read = |t: &Option<String>| t.as_deref().and_then(|t| Money::from_wire(t, currency));
        Some(Limit {
            min: read(&l.min).or(fallback.map(|f| f.min))?,
            max: read(&l.max).or(fallback.map(|f| f.max))?,
            open: l.open,
        })
    }

    /// The active configuration of the row's country, kept or read now.
    async fn configuration(&self) -> Vec<wire::Limits> {
        if let Ok(kept) = self.limits.0.lock()
            && let Some((list, until)) = kept.as_ref()
            && Instant::now() < *until
        {
            return list.clone();
        }
        let path = format!(
            "/v2/active-conf?country={}&operationType=DEPOSIT",
            self.country_code()
        );
        let read = match self.call_optional(&path, None).await {
            Ok(answer) if answer.is_success() => Some(wire::limits(&answer.body)),
            Ok(answer) => {
                tracing::warn!(
                    status = answer.status,
                    "pawaPay's active configuration not read"
                );
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, "pawaPay's active configuration not read");
                None
            }
        };
        let (list, fresh) = match read {
            Some(list) if !list.is_empty() => (list, FRESH),
            _ => (Vec::new(), FALLBACK_FRESH),
        };
        if let Ok(mut kept) = self.limits.0.lock() {
            *kept = Some((list.clone(), Instant::now() + fresh));
        }
        list
    }
}
