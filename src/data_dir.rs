//! The data directory holds the journal and the log: phone numbers and amounts, which other
//! users of a shared till or server have no business reading. lipa creates it private (0700);
//! a directory that already exists is left as its owner set it.

use std::path::Path;

/// Creates `dir` (and its parents) if missing; every directory it creates is private: the
/// demo's journal lives in `lipa/demo`, and creating that must not leave `lipa/` open.
pub fn ensure(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    std::fs::create_dir_all(dir)?;
    use std::os::unix::fs::PermissionsExt;
    for d in missing {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Makes a file of the data directory readable by its owner only (`0600`): SQLite creates the
/// journal by the umask (often `0644`), and its WAL and shared-memory files copy the journal's
/// mode. Best effort: a file lipa cannot change is left as it is.
pub fn make_private(file: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(file)
        && meta.permissions().mode() & 0o077 != 0
    {
        let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600));
    }
}

/// Writes `bytes` to a new `0600` file beside `path`, then renames it into place: a reader
/// finds the old file or the new one, whole, and never one that others may read.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Whether group or others may read or enter the directory.
pub fn is_open_to_others(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_data_directory_is_private_and_an_old_one_untouched() {
        let root = tempfile::tempdir().expect("dir");
        let new = root.path().join("a").join("lipa");
        ensure(&new).expect("created");
        let mode = std::fs::metadata(&new).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        // The demo's `lipa/demo` created first: `lipa/` is private too (it was 0755).
        let demo = root.path().join("b").join("lipa").join("demo");
        ensure(&demo).expect("created");
        for d in [demo.parent().expect("lipa"), &demo] {
            let mode = std::fs::metadata(d).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", d.display());
        }

        let old = root.path().join("shared");
        std::fs::create_dir(&old).expect("old");
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o750)).expect("chmod");
        ensure(&old).expect("exists");
        let mode = std::fs::metadata(&old).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o750);
    }
}
