//! ClickPesa's token kept between processes: one `lipa push` after another would otherwise
//! each fetch a token (68 pushes cost 79 token requests). A file in the data directory,
//! readable by its owner only (`0600`, written whole and renamed into place), holding the
//! token, until when it is used, and which account it is for — a hash of the base URL, the
//! client id and the API key, never the key itself. Never logged.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The file's name in the data directory.
pub const FILE_NAME: &str = "clickpesa-token.json";

/// Where one account's token is kept.
#[derive(Clone)]
pub struct TokenFile {
    path: PathBuf,
    account: String,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    account: String,
    token: String,
    /// Unix seconds until which it is used.
    until: u64,
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl TokenFile {
    pub fn new(dir: &Path, base_url: &str, client_id: &str, api_key: &str) -> TokenFile {
        TokenFile {
            path: dir.join(FILE_NAME),
            account: crate::provider::shelf::account(&[base_url, client_id, api_key]),
        }
    }

    /// The stored token for this account and how long it may still be used, if any.
    pub fn load(&self) -> Option<(String, Duration)> {
        let bytes = std::fs::read(&self.path).ok()?;
        let stored: Stored = serde_json::from_slice(&bytes).ok()?;
        let now = unix_now();
        // A clock stepped back cannot make a token live longer than its lifetime.
        let left = stored.until.checked_sub(now)?;
        (stored.account == self.account && left > 0 && left <= 3600)
            .then(|| (stored.token, Duration::from_secs(left)))
    }

    /// Keeps `token` for `lifetime`. Best effort: a token that cannot be kept is fetched
    /// again by the next process.
    pub fn save(&self, token: &str, lifetime: Duration) {
        let stored = Stored {
            account: self.account.clone(),
            token: token.to_string(),
            until: unix_now() + lifetime.as_secs(),
        };
        let Ok(bytes) = serde_json::to_vec(&stored) else {
            return;
        };
        if let Err(e) = crate::data_dir::write_private(&self.path, &bytes) {
            tracing::debug!(error = %e, "ClickPesa token not kept for other processes");
        }
    }

    /// Forgets `token` if it is the one kept (ClickPesa refused it).
    pub fn forget(&self, token: &str) {
        if self.load().is_some_and(|(kept, _)| kept == token) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn kept_privately_for_one_account_until_it_expires() {
        let dir = tempfile::tempdir().expect("dir");
        let mine = TokenFile::new(dir.path(), "https://x", "id", "key");
        let other = TokenFile::new(dir.path(), "https://x", "id", "other-key");
        assert!(mine.load().is_none());
        mine.save("Bearer t1", Duration::from_secs(3300));
        let (token, left) = mine.load().expect("kept");
        assert_eq!(token, "Bearer t1");
        assert!(left > Duration::from_secs(3200));
        assert!(other.load().is_none(), "another account never gets it");
        let mode = std::fs::metadata(dir.path().join(FILE_NAME))
            .expect("file")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let text = std::fs::read_to_string(dir.path().join(FILE_NAME)).expect("read");
        assert!(!text.contains("key"), "{text}");
        other.forget("Bearer t1");
        mine.forget("Bearer t2");
        assert!(mine.load().is_some(), "only the refused token is forgotten");
        mine.forget("Bearer t1");
        assert!(mine.load().is_none());
    }
}
