//! Whether the operators file can be trusted, as sshd's StrictModes asks of `authorized_keys`:
//! nobody but its owner (this server's user, or root) may write it, nor replace it in its
//! directory. A file anyone could have changed grants nothing.

use std::path::Path;

/// Why the file cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsafe {
    /// Group or others may write to it.
    Writable(u32),
    /// Owned by another user (neither this server's nor root).
    Owner(u32),
    /// Its directory lets others replace it.
    Directory(std::path::PathBuf, u32),
}

/// Checks the file and its directory.
#[cfg(unix)]
pub fn check(path: &Path) -> Result<(), Unsafe> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let Ok(meta) = std::fs::metadata(path) else {
        return Ok(());
    };
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o022 != 0 {
        return Err(Unsafe::Writable(mode));
    }
    let me = own_uid();
    if meta.uid() != 0 && me.is_some_and(|me| meta.uid() != me) {
        return Err(Unsafe::Owner(meta.uid()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if let Ok(d) = std::fs::metadata(&dir) {
        let mode = d.permissions().mode();
        // A sticky directory (as /tmp) lets nobody else rename or remove our file.
        let sticky = mode & 0o1000 != 0;
        if mode & 0o022 != 0 && !sticky {
            return Err(Unsafe::Directory(dir, mode & 0o777));
        }
    }
    Ok(())
}

#[cfg(not(unix))]
pub fn check(_: &Path) -> Result<(), Unsafe> {
    Ok(())
}

/// This process's user id, from `/proc/self/status`.
fn own_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|rest| rest.split_whitespace().nth(1))
        .and_then(|u| u.parse().ok())
}
