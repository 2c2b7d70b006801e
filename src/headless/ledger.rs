//! `lipa ledger import FILE`: a shop that grows into a chain keeps its history. Every payment
//! of a till's journal, with its history, and every closed day, go into the shared ledger;
//! what the ledger holds already (the same payment by provider and reference; by till and day)
//! is left as it is, so a second run adds nothing. A payment whose reference another payment
//! holds in the ledger is not copied: each is named, and the import fails (exit 1), since a
//! payment missing from the books must never pass unseen. A journal that a running lipa has
//! open is refused (exit 2): stop the till first (see `journal::in_use`).

use crate::cli::exit;
use crate::config::{Config, ConfigError};
use crate::journal::{Imported, Journal};
use crate::lang::Lang;
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
        crate::errln!("lipa ledger import: {text}");
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
    let running = || s::ledger_till_running(lang, &file.display().to_string());
    // A till still running would follow its open payments beside the chain's tills (each
    // payment two followers) and go on recording into a journal the ledger no longer reads:
    // refused while any lipa process has it open; held while it is copied.
    let Ok(held) = crate::journal::in_use::take(file) else {
        return fail(running(), exit::INVALID);
    };
    let copy_dir = config
        .data_dir
        .join(format!("import-{}", std::process::id()));
    let source = snapshot(file, &copy_dir).and_then(|source| {
        let followed = followed_elsewhere(&source)?;
        Ok((source, followed))
    });
    drop(held);
    let source = match source {
        Ok((_, true)) => {
            let _ = std::fs::remove_dir_all(&copy_dir);
            return fail(running(), exit::INVALID);
        }
        Ok((j, false)) => j,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&copy_dir);
            return fail(e.text(lang), exit::INVALID);
        }
    };
    let ledger = match crate::setup::journal(&config) {
        Ok(j) => j,
        Err(e) => return fail(e.text(lang), exit::CONFIG),
    };
    let till = till.map_or_else(|| config.till(), str::to_string);
    let copied = copy(&source, &ledger, &till);
    drop(source);
    let _ = std::fs::remove_dir_all(&copy_dir);
    match copied {
        Ok(c) => {
            crate::outln!(
                "{}",
                s::ledger_imported(
                    lang,
                    c.added,
                    c.there,
                    c.days,
                    &ledger.path().display().to_string()
                )
            );
            for (mine, theirs) in &c.clashes {
                crate::errln!(
                    "lipa ledger import: {}",
                    s::ledger_clash(lang, mine, theirs)
                );
            }
            for z in &c.closing_clashes {
                crate::errln!(
                    "lipa ledger import: {}",
                    s::ledger_closing_clash(lang, z.number, &z.day, &z.till)
                );
            }
            if c.clashes.is_empty() && c.closing_clashes.is_empty() {
                exit::PAID
            } else {
                exit::FAILED
            }
        }
        Err(e) => fail(e.text(lang), exit::CONFIG),
    }
}

/// The till's journal as it stands, read without touching it: the file is opened read-only
/// (never made private, migrated or written, whatever it turns out to be) and copied whole,
/// its write-ahead log included, by SQLite (`VACUUM INTO`) into `dir`; the copy is brought
/// to this lipa's schema and read from there.
fn snapshot(file: &Path, dir: &Path) -> Result<Journal, crate::journal::JournalError> {
    use rusqlite::OpenFlags;
    let open_err = |source| crate::journal::JournalError::Open {
        path: file.to_path_buf(),
        source,
    };
    let conn = rusqlite::Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(open_err)?;
    // Not a database: SQLite says so here, before anything is copied.
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
        .map_err(open_err)?;
    let _ = std::fs::remove_dir_all(dir);
    crate::data_dir::ensure(dir)
        .map_err(|e| crate::journal::JournalError::Corrupt(e.to_string()))?;
    let copy = dir.join(crate::journal::FILE_NAME);
    conn.execute("VACUUM INTO ?1", [copy.display().to_string()])
        .map_err(open_err)?;
    drop(conn);
    Journal::open(&copy)
}

/// Whether a process that holds no lock follows an open payment of the journal (an older lipa,
/// or one on another machine sharing the disk): a poll lease not run out whose holder is not
/// known to be gone.
fn followed_elsewhere(source: &Journal) -> Result<bool, crate::journal::JournalError> {
    Ok(!source.held()?.is_empty())
}

/// Copies every payment (oldest first, so one sent again follows the one it replaces) and
/// every closed day. Returns what was copied.
fn copy(
    source: &Journal,
    ledger: &Journal,
    till: &str,
) -> Result<Copied, crate::journal::JournalError> {
    let payments = source.all()?;
    // The till's id of each payment copied (or found the same) → the ledger's. A payment
    // whose reference clashed is not in it: one that replaced it links to nothing rather than
    // to the other till's payment under that reference.
    let mut in_ledger: HashMap<i64, i64> = HashMap::new();
    let (mut added, mut there, mut clashes) = (0, 0, Vec::new());
    for p in &payments {
        let events = source.events(p.id)?;
        let replaces = p.replaces.and_then(|id| in_ledger.get(&id).copied());
        let (outcome, id) = ledger.import_payment(p, events, replaces, till)?;
        if let Some(id) = id {
            in_ledger.insert(p.id, id);
            // What a cashier cleared off their list stays cleared on the chain.
            ledger.import_cleared(id, source.cleared_of(p.id)?)?;
        }
        match outcome {
            Imported::Added => added += 1,
            Imported::There => there += 1,
            Imported::Clash(other) => clashes.push((p.clone(), *other)),
            Imported::ClosingClash => {}
        }
    }
    let (mut days, mut closing_clashes) = (0, Vec::new());
    for mut c in source.closings()? {
        if c.till.is_empty() || c.till == crate::operator::UNKNOWN {
            c.till = till.to_string();
        }
        match ledger.import_closing(&c)? {
            Imported::Added => days += 1,
            Imported::There => {}
            _ => closing_clashes.push(c),
        }
    }
    tracing::info!(
        added,
        there,
        days,
        clashes = clashes.len(),
        "journal imported into the shared ledger"
    );
    Ok(Copied {
        added,
        there,
        days,
        clashes,
        closing_clashes,
    })
}

/// What an import did.
struct Copied {
    added: usize,
    there: usize,
    days: usize,
    /// Payments of the till's journal not copied: another payment holds their reference in
    /// the ledger (the till's, the ledger's).
    clashes: Vec<(crate::payment::Payment, crate::payment::Payment)>,
    /// Closed days of the till's journal not copied: the ledger holds another Z report for
    /// that till's day or number.
    closing_clashes: Vec<crate::journal::Closing>,
}
