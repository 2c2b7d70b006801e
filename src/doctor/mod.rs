//! `lipa doctor`: everything about a till's configuration that can be checked without
//! charging anyone — each provider (its address and TLS, the clock against its `Date`, its
//! credentials by a status query of a reference nobody used, a callback address's shape), the
//! data directory (private, writable, free space), the journal (integrity, schema version) or
//! the shared ledger (reached, TLS, schema version, read without migrating it), the printer and
//! the operators file. It never sends a push and writes nothing but a probe file it removes.
//!
//! Each [`Finding`] is worded in both languages; [`Sale`] says whether a sale can be taken.

mod local;
mod remote;

use crate::config::{Config, ConfigError};
use crate::lang::Lang;
use crate::provider_kind::ProviderKind;
use serde::Serialize;

/// What one check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    /// Works, but a person should look (a data directory others can read, a clock 40 s off).
    Warn,
    /// Will not work as configured.
    Fail,
}

impl Verdict {
    /// The mark a person reads.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Ok => "✓",
            Verdict::Warn => "!",
            Verdict::Fail => "✗",
        }
    }
}

/// What a check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Settings,
    Data,
    Journal,
    Ledger,
    Provider(ProviderKind),
    Printer,
    Operators,
}

impl Area {
    /// Its name in JSON and at the start of a line.
    pub fn id(self) -> &'static str {
        match self {
            Area::Settings => "settings",
            Area::Data => "data",
            Area::Journal => "journal",
            Area::Ledger => "ledger",
            Area::Provider(kind) => kind.id(),
            Area::Printer => "printer",
            Area::Operators => "operators",
        }
    }

    /// Whether a failure here stops every sale (a provider's stops only its own).
    fn stops_sales(self) -> bool {
        matches!(
            self,
            Area::Settings | Area::Data | Area::Journal | Area::Ledger
        )
    }
}

/// One line of the doctor's answer, in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub area: Area,
    /// The check's short name (`credentials`, `clock`, `disk`, …), for scripts.
    pub check: &'static str,
    pub verdict: Verdict,
    pub en: String,
    pub sw: String,
}

impl Finding {
    fn new(
        area: Area,
        check: &'static str,
        verdict: Verdict,
        said: impl Fn(Lang) -> String,
    ) -> Self {
        Finding {
            area,
            check,
            verdict,
            en: said(Lang::En),
            sw: said(Lang::Sw),
        }
    }

    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Sw => &self.sw,
        }
    }
}

/// Whether a sale can be taken, all findings considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sale {
    /// Every check passed (warnings allowed).
    Yes,
    /// With at least one provider, but something configured does not work.
    Partly,
    /// No: the journal, the ledger, the data directory or every provider fails.
    No,
}

impl Sale {
    pub fn of(findings: &[Finding]) -> Sale {
        let failed = |f: &&Finding| f.verdict == Verdict::Fail;
        if findings.iter().filter(failed).any(|f| f.area.stops_sales()) {
            return Sale::No;
        }
        let providers: Vec<ProviderKind> = findings
            .iter()
            .filter_map(|f| match f.area {
                Area::Provider(kind) => Some(kind),
                _ => None,
            })
            .collect();
        let working = providers.iter().any(|kind| {
            findings
                .iter()
                .filter(failed)
                .all(|f| f.area != Area::Provider(*kind))
        });
        if !working {
            Sale::No
        } else if findings.iter().any(|f| f.verdict == Verdict::Fail) {
            Sale::Partly
        } else {
            Sale::Yes
        }
    }
}

/// Every check, local ones first, then the ledger and the providers at once.
pub async fn examine(config: &Result<Config, ConfigError>) -> Vec<Finding> {
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            return vec![Finding::new(
                Area::Settings,
                "settings",
                Verdict::Fail,
                |l| e.text(l),
            )];
        }
    };
    let mut found = local::settings(config);
    found.extend(local::data_dir(&config.data_dir));
    let ledger = config
        .database_url
        .as_ref()
        .map(|u| u.expose().trim().to_string())
        .filter(|u| !u.is_empty());
    let shared = match ledger {
        Some(url) => {
            let probed = tokio::task::spawn_blocking(move || local::ledger(&url));
            Some(probed)
        }
        None => {
            found.extend(local::journal(&config.data_dir));
            None
        }
    };
    found.extend(remote::providers(config).await);
    if let Some(probed) = shared {
        match probed.await {
            Ok(lines) => found.extend(lines),
            Err(e) => found.push(Finding::new(Area::Ledger, "reached", Verdict::Fail, |l| {
                crate::strings::doctor::doctor_ledger_unreachable(l, &e.to_string())
            })),
        }
    }
    found.extend(local::printer(config).await);
    found.extend(local::operators(config));
    // Areas in a fixed order, whatever finished first.
    found.sort_by_key(|f| order(f.area));
    found
}

fn order(area: Area) -> usize {
    match area {
        Area::Settings => 0,
        Area::Data => 1,
        Area::Journal => 2,
        Area::Ledger => 3,
        Area::Provider(kind) => {
            4 + ProviderKind::ALL
                .iter()
                .position(|k| *k == kind)
                .unwrap_or(0)
        }
        Area::Printer => 100,
        Area::Operators => 101,
    }
}
