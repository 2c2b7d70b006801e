//! The headless commands: `push`, `sync` and `check`, for scripts (exact output and exit-code contract
//! in the README).

pub mod backup;
pub mod check;
pub mod csv;
pub mod day_report;
pub mod doctor;
pub mod export;
pub mod history;
pub mod ledger;
pub mod operators;
pub mod progress;
pub mod push;
pub mod receipt;
pub mod reconcile;
pub mod sync;

/// Writes to stdout; an error (a closed pipe, a full disk) is said on stderr by the caller,
/// never a panic.
pub(crate) fn write_stdout(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Says that stdout could not be written, for a command that recorded nothing; its code.
pub(crate) fn stdout_broke(command: &str, why: &std::io::Error, lang: crate::lang::Lang) -> u8 {
    crate::errln!(
        "lipa {command}: {}",
        crate::strings::cli::export_unwritable(lang, "stdout", &why.to_string())
    );
    crate::cli::exit::CONFIG
}
