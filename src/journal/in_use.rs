//! Whether a till's journal is in use. Every process that opens an embedded journal holds a
//! shared lock (`flock`) on a file beside it, `journal.sqlite3-lipa.lock`, for as long as it
//! has the journal open; the kernel drops the lock with the process, however it ends (`kill
//! -9` too), so a lock held is a lipa process that runs. `lipa ledger import` takes the lock
//! exclusively while it copies the journal and refuses one whose lock another process holds:
//! a till still running would go on following its open payments beside the chain's tills, and
//! record into a journal the ledger no longer reads.
//!
//! A separate file, not the journal itself: SQLite's own locks are `fcntl` locks, which a
//! process loses when it closes *any* descriptor of the file.

use std::fs::File;
use std::path::{Path, PathBuf};

/// The lock file of the journal at `journal`.
fn lock_path(journal: &Path) -> PathBuf {
    let mut name = journal.file_name().unwrap_or_default().to_os_string();
    name.push("-lipa.lock");
    journal.with_file_name(name)
}

/// The journal at `journal` held as in use, for the life of its handle. Waits while an import
/// copies it (a moment). `None` when the lock file cannot be made or locked (a directory this
/// user cannot write: the journal is not written there either).
pub(super) fn hold(journal: &Path) -> Option<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(lock_path(journal))
        .ok()?;
    file.lock_shared().ok()?;
    Some(file)
}

/// Another lipa process has the journal open.
#[derive(Debug, PartialEq, Eq)]
pub struct InUse;

/// The journal at `journal` held exclusively (while it is copied), or [`InUse`] when another
/// process holds it. Nothing is created: `Ok(None)` when no lipa ever held it (no lock file,
/// or one this user cannot open). Drop the answer to let go.
pub fn take(journal: &Path) -> Result<Option<File>, InUse> {
    let Ok(file) = File::open(lock_path(journal)) else {
        return Ok(None);
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Err(InUse),
        // A file system without locks: nothing to tell by.
        Err(std::fs::TryLockError::Error(_)) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_held_open_cannot_be_taken_and_can_once_let_go() {
        let dir = tempfile::tempdir().expect("dir");
        let journal = dir.path().join("journal.sqlite3");
        assert_eq!(
            take(&journal).map(|f| f.is_some()),
            Ok(false),
            "no lock file"
        );
        assert!(!lock_path(&journal).exists(), "taking creates nothing");
        let a = hold(&journal).expect("held");
        let b = hold(&journal).expect("held twice (shared)");
        assert_eq!(take(&journal).err(), Some(InUse));
        drop(a);
        assert_eq!(take(&journal).err(), Some(InUse));
        drop(b);
        let taken = take(&journal).expect("free").expect("a lock file");
        drop(taken);
        assert!(hold(&journal).is_some());
    }
}
