//! Cepta's mobile-money channels (`bankAccount` codes): read from `mobile-money-banks`, kept,
//! and replaced by the documented table whenever they cannot be read.

use super::{CeptaClient, NAME, wire};
use crate::provider::http::Call;
use crate::provider::{Channel, ProviderError};
use reqwest::Method;
use std::time::{Duration, Instant};

/// How long a channel list read from Cepta is kept.
const CHANNELS_FRESH: Duration = Duration::from_secs(6 * 3600);
/// How long the fallback table is used before Cepta is asked again.
const FALLBACK_FRESH: Duration = Duration::from_secs(300);

/// The documented channel table ([`super::spec::CHANNELS`]), used when
/// `mobile-money-banks` cannot be read.
pub fn known_channels() -> Vec<Channel> {
    super::spec::CHANNELS
        .known
        .iter()
        .map(|c| Channel {
            code: c.code.to_string(),
            name: c.name.to_string(),
        })
        .collect()
}

/// A channel list and until when it is used.
pub(super) struct Cached {
    list: Vec<Channel>,
    until: Instant,
}

impl CeptaClient {
    /// The channels, from the cache, from Cepta, or from the documented table.
    pub(super) async fn channel_list(&self) -> Vec<Channel> {
        if let Some(list) = self.cached_channels() {
            return list;
        }
        let fetched = self.fetch_channels().await;
        match fetched {
            Ok(list) if !list.is_empty() => {
                self.cache_channels(&list, CHANNELS_FRESH);
                list
            }
            other => {
                let why = match other {
                    Err(e) => e.to_string(),
                    Ok(_) => "empty list".to_string(),
                };
                tracing::warn!(reason = %why, "Cepta channel list unavailable; using the documented table");
                let list = known_channels();
                self.cache_channels(&list, FALLBACK_FRESH);
                list
            }
        }
    }

    /// The channel list from Cepta itself (a signed read).
    pub(super) async fn fetch_channels(&self) -> Result<Vec<Channel>, ProviderError> {
        let url = self.url("/api/v1/pay/mobile-money-banks", None)?;
        let answer = self.call(Call::Read, Method::GET, url, b"", &[]).await?;
        let list: wire::ChannelList = answer.json(NAME, Call::Read)?;
        Ok(list.into_channels())
    }

    fn cached_channels(&self) -> Option<Vec<Channel>> {
        let slot = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref()
            .filter(|c| Instant::now() < c.until)
            .map(|c| c.list.clone())
    }

    fn cache_channels(&self, list: &[Channel], fresh: Duration) {
        let mut slot = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        *slot = Some(Cached {
            list: list.to_vec(),
            until: Instant::now() + fresh,
        });
    }
}
