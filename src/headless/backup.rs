//! `lipa backup FILE`: the till's journal copied while lipa runs (see `journal::backup`), and
//! `lipa backup --check FILE`: what a backup holds. On a chain the ledger is PostgreSQL's to
//! copy: the command to run is said, without a password.

use crate::cli::{BackupArgs, exit};
use crate::config::{Config, ConfigError};
use crate::journal::backup::{self, BackupError, Holds};
use crate::strings::Lang;
use crate::strings::backup as s;
use chrono::FixedOffset;
use serde::Serialize;
use std::path::Path;

/// `--json`: one object.
#[derive(Serialize)]
struct Json<'a> {
    file: String,
    /// `written`, `checked`, or `error`.
    status: &'a str,
    schema: Option<usize>,
    /// The schema version this lipa writes.
    schema_known: usize,
    integrity: Option<&'a str>,
    /// The journal's own integrity check at the copy's instant (`written` only).
    journal_integrity: Option<&'a str>,
    payments: Option<i64>,
    open: Option<i64>,
    closings: Option<i64>,
    newest_reference: Option<&'a str>,
    newest_at: Option<&'a str>,
    /// In English; empty when all is well.
    message: String,
}

pub fn run(args: BackupArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    let offset = crate::config::offset_of(&config);
    let mut out = crate::outcome::Out::new(lang);
    let code = backup_or_check(&args, config, offset, &mut out);
    out.finish_read("backup", code)
}

fn backup_or_check(
    args: &BackupArgs,
    config: Result<Config, ConfigError>,
    offset: FixedOffset,
    out: &mut crate::outcome::Out,
) -> u8 {
    let lang = out.lang;
    let refuse = |out: &mut crate::outcome::Out, said: &dyn Fn(Lang) -> String, code: u8| {
        crate::errln!("lipa backup: {}", said(lang));
        if args.json {
            out.line(&error_json(&args.file, &said(Lang::En)));
        }
        code
    };
    if args.check {
        if !args.file.is_file() {
            let why = |l: Lang| match std::fs::metadata(&args.file) {
                Err(e) => e.to_string(),
                Ok(m) if m.is_dir() => s::backup_a_directory(l),
                Ok(_) => s::backup_not_a_file(l, &args.file),
            };
            return refuse(
                out,
                &|l| s::backup_not_journal(l, &args.file, &why(l)),
                exit::CONFIG,
            );
        }
        return match backup::inspect(&args.file) {
            Ok(holds) => {
                said(args, out, &holds, offset, "checked", None);
                if holds.integrity == "ok" && holds.schema <= Holds::known() {
                    exit::PAID
                } else {
                    exit::PENDING
                }
            }
            Err(e) => refuse(
                out,
                &|l| s::backup_not_journal(l, &args.file, &e.text(l)),
                exit::CONFIG,
            ),
        };
    }
    let config = match config {
        Ok(c) => c,
        Err(e) => return refuse(out, &|l| e.text(l), exit::CONFIG),
    };
    if let Some(url) = config
        .database_url
        .as_ref()
        .map(|u| u.expose().trim())
        .filter(|u| !u.is_empty())
    {
        let command = pg_dump_command(url);
        return refuse(out, &|l| s::backup_chain(l, &command), exit::CONFIG);
    }
    if names_directory(&args.file) {
        return refuse(
            out,
            &|l| s::backup_is_directory(l, &args.file),
            exit::INVALID,
        );
    }
    let journal = config.data_dir.join(crate::journal::FILE_NAME);
    if !journal.is_file() {
        return refuse(out, &|l| s::backup_no_journal(l, &journal), exit::CONFIG);
    }
    if let Some(why) = unfit_destination(&args.file, &journal) {
        let file = &args.file;
        return refuse(
            out,
            &|l| match why {
                Unfit::Journal => s::backup_is_journal(l, file),
                Unfit::NotAFile => s::backup_not_a_file(l, file),
            },
            exit::INVALID,
        );
    }
    match backup::backup(&journal, &args.file) {
        Ok(copied) => {
            let holds = &copied.holds;
            tracing::info!(file = %args.file.display(), payments = holds.payments, "backup written");
            let damaged = (copied.journal_integrity != "ok").then_some(&copied.journal_integrity);
            if !args.json {
                out.line(&s::backup_written(lang, &args.file));
            }
            said(
                args,
                out,
                holds,
                offset,
                "written",
                damaged.map(|d| d.as_str()),
            );
            if let Some(what) = damaged {
                if !args.json {
                    out.line(&s::backup_of_damaged_journal(lang, what));
                }
                return exit::PENDING;
            }
            exit::PAID
        }
        Err(e) => {
            let why = |l: Lang| match &e {
                BackupError::Journal(j) => j.text(l),
                BackupError::Io(io) => io.to_string(),
                BackupError::Unsound(what) => s::backup_unsound(l, what),
            };
            refuse(
                out,
                &|l| s::backup_failed(l, &args.file, &why(l)),
                exit::CONFIG,
            )
        }
    }
}

/// What a journal file holds, for people or as JSON.
fn said(
    args: &BackupArgs,
    out: &mut crate::outcome::Out,
    holds: &Holds,
    offset: FixedOffset,
    status: &str,
    journal_damaged: Option<&str>,
) {
    let lang = out.lang;
    let known = Holds::known();
    if args.json {
        let json = Json {
            file: args.file.display().to_string(),
            status,
            schema: Some(holds.schema),
            schema_known: known,
            integrity: Some(&holds.integrity),
            journal_integrity: (status == "written").then_some(journal_damaged.unwrap_or("ok")),
            payments: Some(holds.payments),
            open: Some(holds.open),
            closings: Some(holds.closings),
            newest_reference: holds.newest.as_ref().map(|(r, _)| r.as_str()),
            newest_at: holds.newest.as_ref().map(|(_, at)| at.as_str()),
            message: String::new(),
        };
        out.line(&serde_json::to_string(&json).unwrap_or_default());
        return;
    }
    out.line(&s::backup_holds(
        lang,
        holds.payments,
        holds.open,
        holds.closings,
    ));
    out.line(&match &holds.newest {
        Some((reference, at)) => {
            let when = chrono::DateTime::parse_from_rfc3339(at).map_or_else(
                |_| at.clone(),
                |t| {
                    t.with_timezone(&offset)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                },
            );
            s::backup_newest(lang, reference, &when)
        }
        None => s::backup_no_payments(lang),
    });
    out.line(&if holds.integrity != "ok" {
        s::backup_damaged(lang, &holds.integrity)
    } else if holds.schema > known {
        s::backup_newer(lang, holds.schema, known)
    } else if holds.schema < known {
        s::backup_older(lang, holds.schema, known)
    } else {
        s::backup_sound(lang, holds.schema)
    });
}

fn error_json(file: &Path, message: &str) -> String {
    let json = Json {
        file: file.display().to_string(),
        status: "error",
        schema: None,
        schema_known: Holds::known(),
        integrity: None,
        journal_integrity: None,
        payments: None,
        open: None,
        closings: None,
        newest_reference: None,
        newest_at: None,
        message: message.to_string(),
    };
    serde_json::to_string(&json).unwrap_or_default()
}

/// Why a backup may not be written at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unfit {
    /// The journal itself, or one of its companions (`-wal`, `-shm`, its lock): the copy
    /// would be renamed over the live journal.
    Journal,
    /// Something there that is not a file (a device such as `/dev/null`, a pipe, a socket):
    /// it would be replaced by a file.
    NotAFile,
}

/// Whether `dest` must not receive a backup of `journal`: checked with both paths resolved
/// (`./journal.sqlite3`, a link to it, a `..` on the way all name the journal).
fn unfit_destination(dest: &Path, journal: &Path) -> Option<Unfit> {
    if let Ok(meta) = std::fs::metadata(dest)
        && !meta.is_file()
    {
        return Some(Unfit::NotAFile);
    }
    let resolved = std::fs::canonicalize(dest).ok().or_else(|| {
        let parent = dest.parent().filter(|p| !p.as_os_str().is_empty());
        let dir = std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()?;
        Some(dir.join(dest.file_name()?))
    })?;
    let journal = std::fs::canonicalize(journal).ok()?;
    // Anything lipa keeps beside the journal (the SSH host key, tokens, locks) is lipa's.
    resolved
        .parent()
        .is_some_and(|dir| Some(dir) == journal.parent())
        .then_some(Unfit::Journal)
}

/// Whether `path` names a directory: one that is there, or any path ending in `/`.
fn names_directory(path: &Path) -> bool {
    path.is_dir() || path.as_os_str().as_encoded_bytes().ends_with(b"/")
}

/// The `pg_dump` command for the ledger at `url`, without its password (in the URL's user
/// part or a `password=` parameter): pg_dump asks for it, or reads PGPASSWORD or ~/.pgpass.
pub fn pg_dump_command(url: &str) -> String {
    let redacted = crate::secret::redact(url).replacen(":***@", "@", 1);
    let url = match redacted.split_once('?') {
        Some((base, query)) => {
            let kept: Vec<&str> = query.split('&').filter(|p| !p.ends_with("=***")).collect();
            if kept.is_empty() {
                base.to_string()
            } else {
                format!("{base}?{}", kept.join("&"))
            }
        }
        None => redacted,
    };
    format!("pg_dump --format=custom --file=lipa-ledger.dump '{url}'")
}

#[cfg(test)]
mod tests {
    use super::pg_dump_command;

    #[test]
    fn the_pg_dump_command_names_no_password() {
        assert_eq!(
            pg_dump_command("postgres://till:s3cret@db.example.com/lipa?sslmode=verify-full"),
            "pg_dump --format=custom --file=lipa-ledger.dump \
             'postgres://till@db.example.com/lipa?sslmode=verify-full'"
        );
        let cmd = pg_dump_command("postgresql://till@db/lipa?password=s3cret&sslmode=require");
        assert!(!cmd.contains("s3cret") && !cmd.contains("***"), "{cmd}");
        assert!(
            cmd.ends_with("'postgresql://till@db/lipa?sslmode=require'"),
            "{cmd}"
        );
    }
}
