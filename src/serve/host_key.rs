//! The server's host key: ed25519, made on the first start in the data directory, readable by
//! its owner only, and refused when anyone else could read it.

use russh::keys::ssh_key::private::{Ed25519Keypair, KeypairData};
use russh::keys::ssh_key::{HashAlg, LineEnding, PrivateKey};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file's name in the data directory.
pub const FILE: &str = "ssh_host_ed25519_key";

#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    /// Group or others may read it: a copied key lets anyone pose as this server.
    #[error("{path}: readable by others (mode {mode:o}); chmod 600 it")]
    Open { path: PathBuf, mode: u32 },
    #[error("{path}: {why}")]
    Unreadable { path: PathBuf, why: String },
    #[error("{path}: cannot write the new host key: {why}")]
    Unwritable { path: PathBuf, why: String },
}

/// The host key of this data directory, made if there is none yet.
pub fn load_or_create(data_dir: &Path) -> Result<PrivateKey, HostKeyError> {
    let path = data_dir.join(FILE);
    match std::fs::metadata(&path) {
        Ok(meta) => {
            check_mode(&path, &meta)?;
            let unreadable = |why: String| HostKeyError::Unreadable {
                path: path.clone(),
                why,
            };
            let text = std::fs::read_to_string(&path).map_err(|e| unreadable(e.to_string()))?;
            PrivateKey::from_openssh(text.as_bytes()).map_err(|e| unreadable(e.to_string()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(&path),
        Err(e) => Err(HostKeyError::Unreadable {
            path,
            why: e.to_string(),
        }),
    }
}

/// `SHA256:…`, as `ssh` shows it when it first meets the server.
pub fn fingerprint(key: &PrivateKey) -> String {
    key.public_key().fingerprint(HashAlg::Sha256).to_string()
}

#[cfg(unix)]
fn check_mode(path: &Path, meta: &std::fs::Metadata) -> Result<(), HostKeyError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(HostKeyError::Open {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_mode(_: &Path, _: &std::fs::Metadata) -> Result<(), HostKeyError> {
    Ok(())
}

fn create(path: &Path) -> Result<PrivateKey, HostKeyError> {
    let unwritable = |why: String| HostKeyError::Unwritable {
        path: path.to_path_buf(),
        why,
    };
    let mut seed = [0u8; 32];
    rand::Rng::fill(&mut rand::rng(), &mut seed);
    let key = PrivateKey::new(
        KeypairData::Ed25519(Ed25519Keypair::from_seed(&seed)),
        "lipa serve",
    )
    .map_err(|e| unwritable(e.to_string()))?;
    let text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| unwritable(e.to_string()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| unwritable(e.to_string()))?;
    }
    // Written whole under a temporary name with mode 0600 from the start, then renamed: a
    // crash leaves no half key, and no moment exists when others could read it.
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp).map_err(|e| unwritable(e.to_string()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| unwritable(e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(|e| unwritable(e.to_string()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_kept_after() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = load_or_create(dir.path()).expect("made");
        let b = load_or_create(dir.path()).expect("read");
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert!(fingerprint(&a).starts_with("SHA256:"));
    }

    #[cfg(unix)]
    #[test]
    fn a_key_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        load_or_create(dir.path()).expect("made");
        let path = dir.path().join(FILE);
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(matches!(
            load_or_create(dir.path()),
            Err(HostKeyError::Open { .. })
        ));
    }
}
