//! `lipa export`: the journal's payments as CSV (see [`super::csv`]), oldest first, by the
//! filters of `lipa history`: exact amounts beside their currency, times with their offset,
//! the customer's full number (a back office settles disputes with it). To a file it is written
//! whole under a temporary name, private, then renamed: a reader never sees half an export.

use super::csv::{plain, record, text};
use crate::cli::{ExportArgs, exit};
use crate::config::{Config, ConfigError};
use crate::lang::Lang;
use crate::payment::Payment;
use chrono::FixedOffset;
use std::io::Write;
use std::path::Path;

const HEADER: &[&str] = &[
    "id",
    "created_at",
    "updated_at",
    "provider",
    "channel",
    "reference",
    "provider_id",
    "phone",
    "name",
    "amount",
    "currency",
    "status",
    "message",
    "operator",
    "till",
    "checked",
    "checked_by",
    "checked_at",
    "note",
    "replaces",
    "flag",
    "wallet_ref",
];

pub async fn run(args: ExportArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    // A directory is no file to write: said before anything is read (it was "Not a
    // directory", from the rename at the very end).
    if let Some(path) = args.output.as_deref().filter(|p| names_directory(p)) {
        let target = path.display().to_string();
        let example = path.join("payments.csv").display().to_string();
        crate::errln!(
            "lipa export: {}",
            crate::strings::cli::export_is_directory(lang, &target, &example)
        );
        return exit::INVALID;
    }
    let offset = crate::config::offset_of(&config);
    let all = i64::MAX as usize;
    let (journal, filter) = match super::history::open(&args.filter, all, config, offset, lang) {
        Ok(pair) => pair,
        Err((said, code)) => {
            crate::errln!("lipa export: {said}");
            return code;
        }
    };
    let total = journal.history_count(&filter).unwrap_or(0);
    let stop = super::progress::Stop::listen();
    let progress = super::progress::Progress::new(total, "export");
    let mut write = |out: &mut dyn Write| {
        stream(&journal, &filter, out, offset, lang, &|| {
            progress.step();
            stop.asked()
        })
    };
    let written = match &args.output {
        Some(path) => write_whole(path, &mut write),
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            write(&mut out).and_then(|done| Ok(out.flush().map(|()| done)?))
        }
    };
    progress.done();
    match written {
        Ok(true) => exit::PAID,
        Ok(false) => {
            // Stopped: a file is not written (nothing half written is left); stdout has what
            // was read before the stop.
            let said = match args.output {
                Some(_) => crate::strings::cli::export_stopped(lang),
                None => crate::strings::cli::export_stopped_stdout(lang),
            };
            crate::errln!("lipa export: {said}");
            exit::PENDING
        }
        Err(Streamed::Journal(e)) => {
            crate::errln!("lipa export: {}", e.text(lang));
            exit::CONFIG
        }
        Err(Streamed::Io(e)) => {
            let target = args
                .output
                .as_deref()
                .map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
            crate::errln!(
                "lipa export: {}",
                crate::strings::cli::export_unwritable(lang, &target, &e.to_string())
            );
            exit::CONFIG
        }
    }
}

/// Payments read per page: memory stays flat whatever the journal's size.
const PAGE: usize = 2_000;

/// Why an export stopped short.
enum Streamed {
    Journal(crate::journal::JournalError),
    Io(std::io::Error),
}

impl From<std::io::Error> for Streamed {
    fn from(e: std::io::Error) -> Streamed {
        Streamed::Io(e)
    }
}

/// The header, then every matching payment oldest first, a page at a time, into `out`;
/// `Ok(false)` when `stop` said stop (asked after each record).
fn stream(
    journal: &crate::journal::Journal,
    filter: &crate::journal::Filter,
    out: &mut dyn Write,
    offset: FixedOffset,
    lang: Lang,
    stop: &dyn Fn() -> bool,
) -> Result<bool, Streamed> {
    out.write_all(record(&HEADER.iter().map(|h| plain(h)).collect::<Vec<_>>()).as_bytes())?;
    let mut last: Option<Payment> = None;
    loop {
        let page = crate::journal::Filter {
            limit: PAGE,
            ..filter.oldest_after(last.as_ref())
        };
        let found = journal.history(&page).map_err(Streamed::Journal)?;
        // A page never holds the last one's last payment (a cursor that did not move sent an
        // export round the same page for ever: 20 GB written before it was stopped).
        if let (Some(before), Some(first)) = (&last, found.first())
            && found.iter().any(|p| p.id == before.id)
        {
            return Err(Streamed::Journal(crate::journal::JournalError::Corrupt(
                format!(
                    "{} {}",
                    first.reference.as_str(),
                    first.created_at.to_rfc3339()
                ),
            )));
        }
        for p in &found {
            out.write_all(record(&row(p, offset, lang)).as_bytes())?;
            if stop() {
                return Ok(false);
            }
        }
        if found.len() < PAGE {
            return Ok(true);
        }
        last = found.into_iter().next_back();
    }
}

/// The whole file: a header, then one record per payment.
pub fn csv(payments: &[Payment], offset: FixedOffset, lang: Lang) -> String {
    csv_until(payments, offset, lang, &|| false).unwrap_or_default()
}

/// [`csv`], asking `stop` after each record (`None`: it said stop).
fn csv_until(
    payments: &[Payment],
    offset: FixedOffset,
    lang: Lang,
    stop: &dyn Fn() -> bool,
) -> Option<String> {
    let mut out = record(&HEADER.iter().map(|h| plain(h)).collect::<Vec<_>>());
    for p in payments {
        out.push_str(&record(&row(p, offset, lang)));
        if stop() {
            return None;
        }
    }
    Some(out)
}

fn row(p: &Payment, offset: FixedOffset, lang: Lang) -> Vec<String> {
    let time = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&offset).to_rfc3339();
    let opt = |v: Option<&str>| text(v.unwrap_or(""));
    vec![
        plain(&p.id.to_string()),
        plain(&time(p.created_at)),
        plain(&time(p.updated_at)),
        plain(p.provider.id()),
        opt(p.channel.as_deref()),
        text(p.reference.as_str()),
        opt(p.provider_id.as_deref()),
        text(&p.phone),
        opt(p.name.as_deref()),
        plain(&p.amount.exact_decimal()),
        plain(p.amount.currency().code()),
        plain(p.status.id()),
        text(&p.words().text(lang)),
        text(&p.operator),
        text(&p.till),
        plain(if p.checked { "yes" } else { "no" }),
        opt(p.checked_by.as_deref()),
        plain(&p.checked_at.map(time).unwrap_or_default()),
        opt(p.check_note.as_deref()),
        plain(&p.replaces.map(|r| r.to_string()).unwrap_or_default()),
        text(&p.flag.as_ref().map(|f| f.text(lang)).unwrap_or_default()),
        opt(p.wallet_ref.as_deref()),
    ]
}

/// Whether `path` names a directory: one that is there (a link to one too), or any path
/// written with a `/` at the end.
fn names_directory(path: &Path) -> bool {
    path.is_dir() || path.as_os_str().as_encoded_bytes().ends_with(b"/")
}

/// Written by `write` under a temporary name in the same directory with mode 0600, synced,
/// renamed (`Ok(false)`: `write` stopped short, and nothing is left). A path that is a link is
/// followed (the link stays); one that is not a file (a device, a pipe) is written into as it
/// is, never replaced.
fn write_whole(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> Result<bool, Streamed>,
) -> Result<bool, Streamed> {
    // A link (even to a file not there yet) is followed: the file it names is written.
    let real = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            let to = std::fs::read_link(path)?;
            match path.parent() {
                Some(dir) if to.is_relative() => dir.join(to),
                _ => to,
            }
        }
        _ => path.to_path_buf(),
    };
    let path = real.as_path();
    if let Ok(m) = std::fs::metadata(path)
        && !m.is_file()
        && !m.is_dir()
    {
        let mut out = std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
        let done = write(&mut out)?;
        out.flush()?;
        return Ok(done);
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "export.csv".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let result = options.open(&tmp).map_err(Streamed::Io).and_then(|f| {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, f);
        let done = write(&mut out)?;
        let f = out.into_inner().map_err(|e| Streamed::Io(e.into_error()))?;
        f.sync_all()?;
        Ok(done)
    });
    let result = match result {
        Ok(true) => std::fs::rename(&tmp, path)
            .map(|()| true)
            .map_err(Streamed::Io),
        other => other,
    };
    if !matches!(result, Ok(true)) {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
