//! Logs go to `lipa.log` in the data directory, never to the terminal.

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

/// File name of the log inside the data directory.
pub const FILE_NAME: &str = "lipa.log";

/// A log larger than this at start is moved to `lipa.log.1` (replacing the previous one), so a
/// till that runs for years keeps at most twice this on disk.
pub const ROTATE_AT: u64 = 8 * 1024 * 1024;

/// Sends `tracing` output to the log file (level from `LIPA_LOG`, default `info`). Returns
/// false, leaving logging off, if the file cannot be opened or a subscriber is already set.
pub fn init(data_dir: &Path) -> bool {
    let _ = crate::data_dir::ensure(data_dir);
    rotate(&data_dir.join(FILE_NAME));
    use std::os::unix::fs::OpenOptionsExt;
    let path = data_dir.join(FILE_NAME);
    let Ok(file) = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)
    else {
        return false;
    };
    crate::data_dir::make_private(&path);
    let filter = tracing_subscriber::EnvFilter::try_from_env("LIPA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .is_ok()
}

/// Moves an oversized log aside; best effort (a log must never stop the till).
fn rotate(log: &Path) {
    if std::fs::metadata(log).is_ok_and(|m| m.len() > ROTATE_AT) {
        let _ = std::fs::rename(log, log.with_extension("log.1"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_oversized_log_is_moved_aside_at_start() {
        let dir = tempfile::tempdir().expect("dir");
        let log = dir.path().join(FILE_NAME);
        std::fs::write(&log, vec![b'x'; (ROTATE_AT + 1) as usize]).expect("write");
        rotate(&log);
        assert!(!log.exists());
        assert!(dir.path().join("lipa.log.1").exists());
        std::fs::write(&log, b"small").expect("write");
        rotate(&log);
        assert!(log.exists(), "a small log stays");
    }
}
