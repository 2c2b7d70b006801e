//! The wallet check before a push (a provider's preview): which customer the typed number
//! belongs to, and whether a push can reach them. Asked once the phone and amount have stayed
//! the same for [`QUIET`]; an answer for anything but the form as it stands now is ignored.

use super::App;
use crate::money::Money;
use crate::provider::{Preview, ProviderKind};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// How long the phone and amount must stay unchanged before the provider is asked.
pub const QUIET: Duration = Duration::from_millis(600);
/// Longest customer name kept (the screen truncates further).
const NAME_MAX: usize = 40;

/// What the check is about: the provider, the normalized number and the amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewKey {
    pub provider: ProviderKind,
    pub phone: String,
    pub amount: Money,
}

/// What the check said, as the form shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewShown {
    /// The customer's registered name (printable, trimmed).
    Name(String),
    /// The provider answered without a name and with at least one wallet able to take a push.
    Nothing,
    /// Every wallet the provider listed said it cannot take a push now.
    NoWallet,
    /// The check failed (network, provider): said quietly, never stops Enter.
    Failed,
}

impl PreviewShown {
    /// A provider's answer as the form shows it (`None`: the provider has no such check).
    pub fn from_answer<E>(answer: Result<Option<Preview>, E>) -> Option<PreviewShown> {
        let preview = match answer {
            Ok(Some(p)) => p,
            Ok(None) => return None,
            Err(_) => return Some(PreviewShown::Failed),
        };
        let no_wallet = !preview.methods.is_empty() && preview.methods.iter().all(|m| !m.available);
        if no_wallet {
            return Some(PreviewShown::NoWallet);
        }
        Some(match preview.account_name.as_deref().map(printable) {
            Some(name) if !name.is_empty() => PreviewShown::Name(name),
            _ => PreviewShown::Nothing,
        })
    }
}

/// The check's state for the form as it stands.
#[derive(Debug, Clone, Default)]
pub struct PreviewState {
    /// Counts every change of what is wanted; an answer carries the one it was asked for.
    pub generation: u64,
    /// What the form describes now (a valid phone and amount), if anything.
    pub wanted: Option<PreviewKey>,
    /// When `wanted` last changed.
    pub since: Option<DateTime<Utc>>,
    /// The provider was asked about `wanted`.
    pub asked: bool,
    /// The answer about `wanted`.
    pub shown: Option<PreviewShown>,
    /// The wallet the provider says the number of `wanted` is on, when it said.
    pub wallet: Option<String>,
}

impl App {
    /// How long until the check is due, while one waits for its quiet period.
    pub fn preview_wake(&self) -> Option<Duration> {
        let p = &self.preview;
        if p.wanted.is_none() || p.asked {
            return None;
        }
        let since = p.since.unwrap_or(self.now);
        let waited = (self.now - since).to_std().unwrap_or_default();
        Some(QUIET.saturating_sub(waited).max(Duration::from_millis(10)))
    }
}

/// A provider's name with control characters dropped, spaces collapsed, and a sane length.
fn printable(name: &str) -> String {
    crate::text::printable(name)
        .chars()
        .take(NAME_MAX)
        .collect()
}

impl PreviewState {
    /// The check said no wallet can take a push for the form's number now.
    pub fn says_no_wallet(&self) -> bool {
        self.shown == Some(PreviewShown::NoWallet)
    }
}
