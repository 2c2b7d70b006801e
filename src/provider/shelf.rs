//! Where a provider's access token is shared, for a provider whose every new token invalidates
//! the one before: every process of a till shares one through a file in the data
//! directory, every till of a chain through the shared ledger (`journal/pg/tokens.rs`). A
//! shelf is taken under a lock held across processes and tills, so one fetch at a time is in
//! flight: whoever waited finds the token the holder fetched, and uses it.
//!
//! An account is named by a hash of what identifies it (base URL and keys), never by a key.
//! Tokens are never logged.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The longest a process waits for another to finish fetching: past it, it fetches without
/// the lock (a holder that hangs must not stop the till).
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

/// A kept token and until when (Unix seconds) it may be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    pub token: String,
    pub until: i64,
}

impl Kept {
    /// Whether it may still be used at `now` (Unix seconds), for at most `lifetime` more
    /// (a clock stepped back cannot make a token live longer than its lifetime).
    pub fn live(&self, now: i64, lifetime: Duration) -> bool {
        let left = self.until - now;
        left > 0 && left <= lifetime.as_secs() as i64
    }
}

/// The shared place of one kind of token.
pub trait TokenShelf: Send + Sync {
    /// Waits (at most [`LOCK_WAIT`]) for the account's lock, then reads what is kept.
    /// Blocking: call it from a blocking thread. `Err`: the shelf cannot be reached (why).
    fn take(&self, account: &str) -> Result<(Box<dyn ShelfLock>, Option<Kept>), String>;
}

/// An account's lock, held until it is dropped.
pub trait ShelfLock: Send {
    /// Keeps `kept` for every process and till (blocking), then lets the lock go.
    fn put(self: Box<Self>, kept: &Kept) -> Result<(), String>;
}

/// The name of an account: a hash of its parts, never a part itself.
pub fn account(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

/// A till's shelf: `<name>-token.json` (`0600`, written whole and renamed into place) and its
/// lock file `<name>-token.lock` (an exclusive `flock`, let go when the process ends however
/// it ends) in the data directory.
pub struct FileShelf {
    file: PathBuf,
    lock: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    account: String,
    #[serde(flatten)]
    kept: Kept,
}

impl FileShelf {
    pub fn new(dir: &Path, name: &str) -> FileShelf {
        FileShelf {
            file: dir.join(format!("{name}-token.json")),
            lock: dir.join(format!("{name}-token.lock")),
        }
    }

    fn read(&self, account: &str) -> Option<Kept> {
        let bytes = std::fs::read(&self.file).ok()?;
        let stored: Stored = serde_json::from_slice(&bytes).ok()?;
        (stored.account == account).then_some(stored.kept)
    }
}

impl TokenShelf for FileShelf {
    fn take(&self, account: &str) -> Result<(Box<dyn ShelfLock>, Option<Kept>), String> {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&self.lock)
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err("another process held the token's lock too long".into());
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(e.to_string()),
            }
        }
        let held = FileLock {
            _file: file,
            path: self.file.clone(),
            account: account.to_string(),
        };
        Ok((Box::new(held), self.read(account)))
    }
}

struct FileLock {
    /// Locked while it is open.
    _file: std::fs::File,
    path: PathBuf,
    account: String,
}

impl ShelfLock for FileLock {
    fn put(self: Box<Self>, kept: &Kept) -> Result<(), String> {
        let stored = Stored {
            account: self.account.clone(),
            kept: kept.clone(),
        };
        let bytes = serde_json::to_vec(&stored).map_err(|e| e.to_string())?;
        crate::data_dir::write_private(&self.path, &bytes).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn kept_privately_for_one_account_and_one_holder_at_a_time() {
        let dir = tempfile::tempdir().expect("dir");
        let shelf = FileShelf::new(dir.path(), "acme");
        let mine = account(&["https://x", "key", "secret"]);
        let other = account(&["https://x", "key", "other"]);
        let (lock, kept) = shelf.take(&mine).expect("take");
        assert_eq!(kept, None);
        // Another holder waits while this one holds it (a second open file: flock is per
        // open file, as between processes).
        let second = FileShelf::new(dir.path(), "acme");
        let waiter = std::thread::spawn(move || {
            let (_lock, kept) = second.take(&account(&["https://x", "key", "secret"]))?;
            Ok::<_, String>(kept)
        });
        std::thread::sleep(Duration::from_millis(100));
        assert!(
            !waiter.is_finished(),
            "the second holder waits for the first"
        );
        let fresh = Kept {
            token: "t1".into(),
            until: 4_000_000_000,
        };
        lock.put(&fresh).expect("put");
        assert_eq!(waiter.join().expect("thread"), Ok(Some(fresh.clone())));
        let (_lock, theirs) = shelf.take(&other).expect("take");
        assert_eq!(theirs, None, "another account never gets it");
        let path = dir.path().join("acme-token.json");
        for name in ["acme-token.json", "acme-token.lock"] {
            let mode = std::fs::metadata(dir.path().join(name))
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(!text.contains("secret"), "{text}");
    }

    #[test]
    fn a_token_lives_no_longer_than_its_lifetime() {
        let kept = Kept {
            token: "t".into(),
            until: 10_000,
        };
        let hour = Duration::from_secs(3600);
        assert!(kept.live(9_000, hour));
        assert!(!kept.live(10_000, hour));
        assert!(!kept.live(1_000, hour), "a clock stepped back");
    }
}
