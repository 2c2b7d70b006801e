//! The doctor's checks of this machine: settings, the data directory, the journal or the
//! shared ledger, the printer, the operators file.

use super::{Area, Finding, Verdict};
use crate::config::Config;
use crate::strings::doctor as s;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Below this much free space, a person is told; below [`DISK_FULL`], no sale should be taken.
const DISK_LOW: u64 = 1 << 30;
const DISK_FULL: u64 = 100 << 20;
/// How long a network printer may take to accept a connection.
const PRINTER_WITHIN: Duration = Duration::from_secs(3);

/// The settings file, and the providers it names or leaves off.
pub(super) fn settings(config: &Config) -> Vec<Finding> {
    let mut found = vec![match &config.file {
        Some(path) => Finding::new(Area::Settings, "file", Verdict::Ok, |l| {
            s::doctor_config_file(l, path)
        }),
        None => Finding::new(Area::Settings, "file", Verdict::Ok, s::doctor_config_env),
    }];
    for (kind, problem) in &config.problems {
        found.push(Finding::new(
            Area::Provider(*kind),
            "settings",
            Verdict::Fail,
            |l| s::doctor_left_off(l, &problem.text(l)),
        ));
    }
    if let Some(url) = config.serve.public_url.as_deref() {
        found.push(match crate::provider::callback_address::public_base(url) {
            Some(base) => Finding::new(Area::Settings, "public_url", Verdict::Ok, |l| {
                s::doctor_public_url(l, &base)
            }),
            None => Finding::new(Area::Settings, "public_url", Verdict::Fail, |l| {
                s::doctor_public_url_bad(l, url)
            }),
        });
    }
    if config.providers.is_empty() {
        found.push(Finding::new(
            Area::Settings,
            "providers",
            Verdict::Fail,
            s::doctor_no_provider,
        ));
    }
    found
}

/// The data directory: private, writable (a probe file made and removed), its disk's space.
pub(super) fn data_dir(dir: &Path) -> Vec<Finding> {
    let mut found = Vec::new();
    let area = Area::Data;
    if dir.is_dir() {
        let probe = dir.join(format!(".lipa-doctor-{}", std::process::id()));
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
            .map(drop);
        let _ = std::fs::remove_file(&probe);
        found.push(match written {
            Err(e) => Finding::new(area, "writable", Verdict::Fail, |l| {
                s::doctor_data_dir_unwritable(l, dir, &e.to_string())
            }),
            Ok(()) if writable_by_others(dir) => {
                Finding::new(area, "private", Verdict::Fail, |l| {
                    s::doctor_data_dir_writable(l, dir)
                })
            }
            Ok(()) if crate::data_dir::is_open_to_others(dir) => {
                Finding::new(area, "private", Verdict::Warn, |l| {
                    s::doctor_data_dir_open(l, dir)
                })
            }
            Ok(()) => Finding::new(area, "private", Verdict::Ok, |l| s::doctor_data_dir(l, dir)),
        });
    } else if dir.exists() {
        found.push(Finding::new(area, "writable", Verdict::Fail, |l| {
            s::doctor_data_dir_not_dir(l, dir)
        }));
    } else if let Err(e) = creatable(dir) {
        found.push(Finding::new(area, "writable", Verdict::Fail, |l| {
            s::doctor_data_dir_unwritable(l, dir, &e.to_string())
        }));
    } else {
        found.push(Finding::new(area, "private", Verdict::Ok, |l| {
            s::doctor_data_dir_new(l, dir)
        }));
    }
    if let Some(free) = free_space(dir) {
        let said = size(free);
        found.push(if free < DISK_FULL {
            Finding::new(area, "disk", Verdict::Fail, |l| {
                s::doctor_disk_full(l, &said)
            })
        } else if free < DISK_LOW {
            Finding::new(area, "disk", Verdict::Warn, |l| {
                s::doctor_disk_low(l, &said)
            })
        } else {
            Finding::new(area, "disk", Verdict::Ok, |l| s::doctor_disk(l, &said))
        });
    }
    found
}

/// Whether users other than the owner may change `path` (write to it, or in it).
fn writable_by_others(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o022 != 0)
}

/// Whether lipa could make `dir`: its nearest existing ancestor is a directory this user may
/// write into.
fn creatable(dir: &Path) -> std::io::Result<()> {
    let parent = nearest_existing(dir);
    let meta = std::fs::metadata(&parent)?;
    if !meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            parent.display().to_string(),
        ));
    }
    let probe = parent.join(format!(".lipa-doctor-{}", std::process::id()));
    std::fs::create_dir(&probe)?;
    std::fs::remove_dir(&probe)
}

fn nearest_existing(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|a| a.exists())
        .unwrap_or(Path::new("/"))
        .to_path_buf()
}

/// Bytes free to this user on the disk that holds `dir` (or would).
fn free_space(dir: &Path) -> Option<u64> {
    let at = nearest_existing(dir);
    let stat = rustix::fs::statvfs(&at).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

/// `12.4 GB`, `420 MB`.
fn size(bytes: u64) -> String {
    const GB: u64 = 1_000_000_000;
    const MB: u64 = 1_000_000;
    if bytes >= GB {
        format!("{}.{} GB", bytes / GB, (bytes % GB) / (GB / 10))
    } else {
        format!("{} MB", bytes / MB)
    }
}

/// The till's own journal, read only: integrity, schema version, who may read the file.
pub(super) fn journal(dir: &Path) -> Vec<Finding> {
    let area = Area::Journal;
    let path = dir.join(crate::journal::FILE_NAME);
    match std::fs::metadata(&path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !dir.is_file() => {
            return vec![Finding::new(
                area,
                "journal",
                Verdict::Ok,
                s::doctor_journal_none,
            )];
        }
        // A data directory that is a file, or one this user may not look into, is said
        // above; nothing can be said of a journal in it.
        Err(_) => return Vec::new(),
    }
    let known = crate::journal::backup::Holds::known();
    let mut found = vec![match crate::journal::backup::inspect(&path) {
        Err(e) => Finding::new(area, "journal", Verdict::Fail, |l| {
            s::doctor_journal_unreadable(l, &e.text(l))
        }),
        Ok(h) if h.integrity != "ok" => Finding::new(area, "integrity", Verdict::Fail, |l| {
            s::doctor_journal_damaged(l, &h.integrity)
        }),
        Ok(h) if h.schema > known => Finding::new(area, "schema", Verdict::Fail, |l| {
            s::doctor_journal_newer(l, h.schema, known)
        }),
        Ok(h) if h.schema < known => Finding::new(area, "schema", Verdict::Warn, |l| {
            s::doctor_journal_older(l, h.schema, known)
        }),
        Ok(h) => Finding::new(area, "journal", Verdict::Ok, |l| {
            s::doctor_journal_sound(l, h.payments, h.open, h.schema)
        }),
    }];
    // The journal and its companions must be this user's to write (opened to write, nothing
    // written), and nobody else's.
    for file in [
        path.clone(),
        dir.join(format!("{}-wal", crate::journal::FILE_NAME)),
        dir.join(format!("{}-shm", crate::journal::FILE_NAME)),
    ] {
        if !file.exists() {
            continue;
        }
        if let Err(e) = std::fs::OpenOptions::new().write(true).open(&file) {
            found.push(Finding::new(area, "writable", Verdict::Fail, |l| {
                s::doctor_journal_unwritable(l, &file, &e.to_string())
            }));
        } else if writable_by_others(&file) {
            found.push(Finding::new(area, "private", Verdict::Fail, |l| {
                s::doctor_data_dir_writable(l, &file)
            }));
        }
    }
    let open = std::fs::metadata(&path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0);
    if open && !writable_by_others(&path) {
        found.push(Finding::new(area, "private", Verdict::Warn, |l| {
            s::doctor_journal_open(l, &path)
        }));
    }
    found
}

/// The chain's shared ledger, read without migrating it (blocking: run off the runtime).
pub(super) fn ledger(url: &str) -> Vec<Finding> {
    let area = Area::Ledger;
    let probe = match crate::journal::pg::PgStore::probe(url) {
        Ok(p) => p,
        Err(e) => {
            return vec![Finding::new(area, "reached", Verdict::Fail, |l| {
                s::doctor_ledger_unreachable(l, &e.text(l))
            })];
        }
    };
    let known = crate::journal::pg::schema_version();
    let place = probe.place.as_str();
    if probe.writable == Some(false) {
        return vec![Finding::new(area, "writable", Verdict::Fail, |l| {
            s::doctor_ledger_read_only(l, place)
        })];
    }
    let mut found = vec![if probe.schema == 0 {
        Finding::new(area, "schema", Verdict::Ok, |l| {
            s::doctor_ledger_empty(l, place)
        })
    } else if probe.schema > known {
        Finding::new(area, "schema", Verdict::Fail, |l| {
            s::doctor_ledger_newer(l, place, probe.schema, known)
        })
    } else if probe.schema < known {
        Finding::new(area, "schema", Verdict::Warn, |l| {
            s::doctor_ledger_older(l, place, probe.schema, known)
        })
    } else {
        Finding::new(area, "schema", Verdict::Ok, |l| {
            s::doctor_ledger_sound(l, place, probe.schema)
        })
    }];
    // A Unix socket, or a server on this machine: nothing crosses a network.
    let host = place.split(['/', ':']).next().unwrap_or_default();
    let socket = place.starts_with('/')
        || place.starts_with("[::1]")
        || host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    found.push(match (probe.tls, probe.verified) {
        _ if socket => Finding::new(area, "tls", Verdict::Ok, s::doctor_ledger_socket),
        (Some(true), true) => Finding::new(area, "tls", Verdict::Ok, s::doctor_ledger_verified),
        (Some(true), false) | (None, _) => {
            Finding::new(area, "tls", Verdict::Warn, s::doctor_ledger_unverified)
        }
        (Some(false), _) => Finding::new(area, "tls", Verdict::Warn, s::doctor_ledger_plain),
    });
    found
}

/// The receipt printer, when one is configured: a network printer accepts a connection (no
/// byte is sent), a device can be opened to write.
pub(super) async fn printer(config: &Config) -> Vec<Finding> {
    let area = Area::Printer;
    let Some(named) = config
        .receipt
        .printer
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    else {
        return vec![Finding::new(
            area,
            "printer",
            Verdict::Ok,
            s::doctor_printer_none,
        )];
    };
    let Some(printer) = crate::receipt::escpos::Printer::parse(named) else {
        return vec![Finding::new(area, "printer", Verdict::Fail, |l| {
            s::doctor_printer_unknown(l, named)
        })];
    };
    let tried = match printer {
        crate::receipt::escpos::Printer::Tcp(addr) => {
            match tokio::time::timeout(PRINTER_WITHIN, tokio::net::TcpStream::connect(&addr)).await
            {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err(std::io::Error::from(std::io::ErrorKind::TimedOut).to_string()),
            }
        }
        crate::receipt::escpos::Printer::Device(path) => {
            use std::os::unix::fs::FileTypeExt;
            let kind = std::fs::metadata(&path).map(|m| m.file_type());
            if kind
                .as_ref()
                .is_ok_and(|t| !t.is_char_device() && !t.is_file())
            {
                return vec![Finding::new(area, "printer", Verdict::Fail, |l| {
                    s::doctor_printer_not_device(l, named)
                })];
            }
            // A device that will not open at once (a printer off line) does not hold the
            // doctor: the open runs aside, with a limit.
            let open = tokio::task::spawn_blocking(move || {
                std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .map(drop)
                    .map_err(|e| e.to_string())
            });
            match tokio::time::timeout(PRINTER_WITHIN, open).await {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err(std::io::Error::from(std::io::ErrorKind::TimedOut).to_string()),
            }
        }
    };
    vec![match tried {
        Ok(()) => Finding::new(area, "printer", Verdict::Ok, |l| {
            s::doctor_printer_ok(l, named)
        }),
        Err(why) => Finding::new(area, "printer", Verdict::Fail, |l| {
            s::doctor_printer_bad(l, named, &why)
        }),
    }]
}

/// The operators file `lipa serve` would read.
pub(super) fn operators(config: &Config) -> Vec<Finding> {
    let area = Area::Operators;
    let Some(path) = crate::operators::path_for(None, config) else {
        return Vec::new();
    };
    if !path.exists() {
        return vec![Finding::new(area, "operators", Verdict::Ok, |l| {
            s::doctor_operators_none(l, &path)
        })];
    }
    vec![match crate::operators::load(&path) {
        Ok(all) if all.is_empty() => Finding::new(area, "operators", Verdict::Warn, |l| {
            s::doctor_operators_ok(l, 0, &path)
        }),
        Ok(all) => Finding::new(area, "operators", Verdict::Ok, |l| {
            s::doctor_operators_ok(l, all.len(), &path)
        }),
        Err(e) => Finding::new(area, "operators", Verdict::Fail, |l| {
            s::doctor_operators_bad(l, &e.text(l))
        }),
    }]
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_read_as_a_person_says_them() {
        assert_eq!(size(12_400_000_000), "12.4 GB");
        assert_eq!(size(1_000_000_000), "1.0 GB");
        assert_eq!(size(420_000_000), "420 MB");
    }
}
