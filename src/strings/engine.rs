//! The engine's and the journal's errors, as a person reads them.

use std::fmt::Display;
use std::path::Path;

pub fn journal_open(path: &Path, source: &dyn Display) -> String {
    format!("journal {}: {source}", path.display())
}

pub fn journal_sqlite(source: &dyn Display) -> String {
    format!("journal: {source}")
}

pub fn reference_in_journal(reference: &str) -> String {
    format!("reference {reference} is already in the journal")
}

pub fn journal_corrupt(what: &str) -> String {
    format!("journal holds a value lipa cannot read: {what}")
}

pub fn journal_too_new(version: usize) -> String {
    format!("journal schema version {version} is newer than this lipa understands; upgrade lipa")
}

pub fn not_configured(provider: &dyn Display) -> String {
    format!("{provider} is not configured")
}

pub fn no_such_payment(id: i64) -> String {
    format!("no payment with id {id}")
}

pub fn task_failed(reason: &str) -> String {
    format!("background task failed: {reason}")
}

pub fn stopping() -> &'static str {
    "lipa is stopping"
}

/// The duplicate guard refused: a payment like this was recorded lately.
pub fn duplicate(p: &crate::payment::Payment) -> String {
    format!(
        "a payment of {} to {} was recorded at {} ({}, reference {}); nothing was sent",
        p.amount,
        p.masked_phone(),
        p.created_at.format("%H:%M:%S UTC"),
        p.status.public_word(),
        p.reference
    )
}
