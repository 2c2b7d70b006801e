//! `lipa ledger import FILE`: a shop that grows into a chain keeps its history. Every payment
//! of a till's journal, with its history, and every closed day, go into the shared ledger;
//! what the ledger holds already (by provider and reference; by till and day) is left as it
//! is, so a second run adds nothing.

use crate::cli::exit;
use crate::config::{Config, ConfigError};
use crate::journal::Journal;
use crate::strings::Lang;
use crate::strings::back_office as s;
use std::collections::HashMap;
use std::path::Path;

pub fn import(
    file: &Path,
    till: Option<&str>,
    config: Result<Config, ConfigError>,
    lang: Lang,
) -> u8 {
    let fail = |text: String, code: u8| {
        eprintln!("lipa ledger import: {text}");
        code
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => return fail(e.text(lang), exit::CONFIG),
    };
    if config.database_url.is_none() {
        return fail(s::ledger_none(lang), exit::CONFIG);
    }
    // Opening a journal creates it: a mistyped path must not become an empty journal.
    if !file.is_file() {
        return fail(
            s::ledger_no_file(lang, &file.display().to_string()),
            exit::INVALID,
        );
    }
    crate::logging::init(&config.data_dir);
    let source = match Journal::open(file) {
        Ok(j) => j,
        Err(e) => return fail(e.text(lang), exit::CONFIG),
    };
    let ledger = match crate::setup::journal(&config) {
        Ok(j) => j,
        Err(e) => return fail(e.text(lang), exit::CONFIG),
    };
    let till = till.map_or_else(|| config.till(), str::to_string);
    match copy(&source, &ledger, &till) {
        Ok((added, there, days)) => {
            println!(
                "{}",
                s::ledger_imported(
                    lang,
                    added,
                    there,
                    days,
                    &ledger.path().display().to_string()
                )
            );
            exit::PAID
        }
        Err(e) => fail(e.text(lang), exit::CONFIG),
    }
}

/// Copies every payment (oldest first, so one sent again follows the one it replaces) and
/// every closed day. Returns (payments added, payments already there, days added).
fn copy(
    source: &Journal,
    ledger: &Journal,
    till: &str,
) -> Result<(usize, usize, usize), crate::journal::JournalError> {
    let payments = source.all()?;
    let references: HashMap<i64, String> = payments
        .iter()
        .map(|p| (p.id, p.reference.as_str().to_string()))
        .collect();
    let (mut added, mut there) = (0, 0);
    for p in &payments {
        let events = source.events(p.id)?;
        let replaces = p.replaces.and_then(|id| references.get(&id).cloned());
        if ledger.import_payment(p, events, replaces, till)? {
            added += 1;
        } else {
            there += 1;
        }
    }
    let mut days = 0;
    for mut c in source.closings()? {
        if c.till.is_empty() || c.till == crate::operator::UNKNOWN {
            c.till = till.to_string();
        }
        if ledger.import_closing(&c)? {
            days += 1;
        }
    }
    tracing::info!(
        added,
        there,
        days,
        "journal imported into the shared ledger"
    );
    Ok((added, there, days))
}
