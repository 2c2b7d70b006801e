//! Messages of the headless commands and of start-up.

use std::path::Path;

fn place(path: Option<&Path>) -> String {
    match path {
        Some(p) => format!(" (environment, or {})", p.display()),
        None => " (environment or config file)".into(),
    }
}

pub fn config_unreadable(path: &Path, reason: &str) -> String {
    format!("cannot read config file {}: {reason}", path.display())
}
pub fn config_malformed(path: &Path, reason: &str) -> String {
    format!(
        "config file {} is not valid: {}",
        path.display(),
        reason.trim()
    )
}
pub fn config_world_readable(path: &Path, mode: u32) -> String {
    format!(
        "config file {} holds secrets but other users can read it (mode {mode:o}); \
         fix with: chmod 600 {}",
        path.display(),
        path.display()
    )
}
pub fn config_missing(provider: &str, missing: &[String], path: Option<&Path>) -> String {
    format!(
        "{provider} is missing {}{}",
        missing.join(", "),
        place(path)
    )
}
pub fn config_bad_url(key: &str, value: &str, path: Option<&Path>) -> String {
    format!("{key} is not an http(s) URL: '{value}'{}", place(path))
}
pub fn config_no_data_dir() -> String {
    "no data directory: set LIPA_DATA_DIR".into()
}
pub fn bad_channel() -> String {
    "a channel is a numeric code such as 63902 (M-PESA)".into()
}
pub fn channel_not_for_clickpesa() -> String {
    "ClickPesa picks the wallet from the number; --channel is for Cepta".into()
}
pub fn reference_used(r: &str) -> String {
    format!("{r} is already in the journal; leave --reference out for a fresh one")
}
pub fn waiting_for_customer(reference: &str, secs: u64) -> String {
    format!("{reference}: prompt sent, waiting up to {secs} s for the customer")
}
pub fn dry_run_message(network: &str, channel: Option<&str>) -> String {
    match channel {
        Some(c) => format!("not sent (dry run); network {network}, channel {c}"),
        None => format!("not sent (dry run); network {network}"),
    }
}
pub fn sync_nothing() -> String {
    "nothing to sync: every payment in the journal is paid or failed".into()
}
pub fn provider_not_configured(p: &str) -> String {
    format!("{p} is not configured here; cannot re-check")
}
pub fn no_terminal() -> String {
    "lipa's console needs a terminal. Over SSH use `ssh -t host lipa`; from a script use \
     `lipa push` or `lipa sync` (see `lipa --help`)."
        .into()
}
pub fn demo_failed(reason: &str) -> String {
    format!("could not start the built-in demo simulator: {reason}")
}
