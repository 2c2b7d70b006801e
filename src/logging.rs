//! Logs go to `lipa.log` in the data directory, never to the terminal.

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

/// File name of the log inside the data directory.
pub const FILE_NAME: &str = "lipa.log";

/// Sends `tracing` output to the log file (level from `LIPA_LOG`, default `info`). Returns
/// false, leaving logging off, if the file cannot be opened or a subscriber is already set.
pub fn init(data_dir: &Path) -> bool {
    let _ = std::fs::create_dir_all(data_dir);
    let Ok(file) = OpenOptions::new()
        .create(true)
        .append(true)
        .open(data_dir.join(FILE_NAME))
    else {
        return false;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("LIPA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .is_ok()
}
