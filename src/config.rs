//! Configuration: a TOML file overridden by the environment. Secrets are wrapped so they cannot
//! be printed by accident. A provider's part comes from its row in the registry: its `[section]`
//! table and `LIPA_<SECTION>_<KEY>` variables, checked the same way for every provider
//! (`providers.rs`); the file is read in `file.rs`.

mod file;
mod providers;

pub use crate::secret::Secret;
pub use providers::missing_provider;

use crate::lang::Lang;
use crate::provider::spec::Settings;
use crate::provider_kind::ProviderKind;
use crate::strings::cli as s;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Everything lipa needs to know about this till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The providers whose settings are complete and usable, each as its row's keys say.
    pub providers: BTreeMap<ProviderKind, Settings>,
    pub data_dir: PathBuf,
    /// Ring the terminal bell when a payment is paid or fails.
    pub bell: bool,
    /// The provider the console starts on (`[console] provider`, `LIPA_PROVIDER` over it);
    /// `None`: the first configured.
    pub start_provider: Option<ProviderKind>,
    /// The file read, if any.
    pub file: Option<PathBuf>,
    /// Providers whose settings are broken (half set, an unusable URL): each is left off and
    /// reported, and does not stop the others.
    pub problems: Vec<(ProviderKind, ConfigError)>,
    /// `LIPA_SCHEDULE_SCALE` (0.01–1), in thousandths: the polling schedule's times
    /// multiplied by it, for a simulator whose customers answer in seconds. Never set for real
    /// providers.
    pub schedule_scale: Option<u16>,
    /// The configured `language`, if any (the `--lang` flag and `LIPA_LANG` come first).
    pub language: Option<Lang>,
    /// The configured `operator`, if any (`--operator` comes first).
    pub operator: Option<String>,
    /// `[serve]`: how `lipa serve` listens and whom it lets in.
    pub serve: ServeSettings,
    /// The till's time zone (`timezone`, an IANA name); `None`: the system's.
    pub timezone: Option<chrono_tz::Tz>,
    /// `[receipt]`: the shop's name, the roll's width, the printer.
    pub receipt: ReceiptSettings,
    /// This till's name (`till`; default `LIPA_TILL`, else the host name).
    pub till: Option<String>,
    /// A chain's shared ledger (`database_url`, or `LIPA_DATABASE_URL` over it):
    /// `postgres://…`. `None`: the embedded journal in the data directory.
    pub database_url: Option<Secret>,
}

impl ReceiptSettings {
    /// The roll's width: the configured one when it is a roll's (32, 42, 48), else 32.
    pub fn columns(&self) -> usize {
        self.width
            .filter(|w| crate::receipt::WIDTHS.contains(w))
            .unwrap_or(crate::receipt::WIDTHS[0])
    }

    /// The name at the top of the slip.
    pub fn shop_name(&self) -> &str {
        self.shop.as_deref().unwrap_or("lipa")
    }
}

/// The `[receipt]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptSettings {
    /// The name at the top of the slip.
    pub shop: Option<String>,
    /// 32, 42 or 48 columns (default 32, which fits every roll).
    pub width: Option<usize>,
    /// `tcp://HOST:9100` or a device path such as `/dev/usb/lp0`.
    pub printer: Option<String>,
}

/// [`Config::offset`] of a configuration, or the system's when it could not be read.
pub fn offset_of(config: &Result<Config, ConfigError>) -> chrono::FixedOffset {
    match config {
        Ok(c) => c.offset(),
        Err(_) => crate::till::local_offset(),
    }
}

impl Config {
    /// This till's name: the configured one, else `LIPA_TILL`, else the host name.
    pub fn till(&self) -> String {
        self.till
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map_or_else(crate::till::till_name, str::to_string)
    }

    /// The till's offset from UTC now: the configured zone's, else the system's. Days
    /// ("today", a report's day) begin at midnight in it.
    pub fn offset(&self) -> chrono::FixedOffset {
        use chrono::Offset;
        match self.timezone {
            Some(tz) => chrono::Utc::now().with_timezone(&tz).offset().fix(),
            None => crate::till::local_offset(),
        }
    }
}

/// The `[serve]` table: `lipa serve`'s address, operators file and limits (each `None` when
/// not set: the server's defaults).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeSettings {
    /// `HOST:PORT` to listen on (`off`: no SSH, with `http`).
    pub ssh: Option<String>,
    /// `HOST:PORT` to receive the providers' callbacks on (none: not received).
    pub http: Option<String>,
    /// The receiver's public address, as the providers reach it through the shop's reverse
    /// proxy (`https://pay.duka.example`; `LIPA_PUBLIC_URL` over it): each push of a provider
    /// that takes one gets its own callback address under it.
    pub public_url: Option<String>,
    /// The operators file (default: `operators` beside the configuration file).
    pub operators: Option<PathBuf>,
    /// Minutes without a key before a session is closed (a warning comes a minute before).
    pub idle_minutes: Option<u64>,
    /// Sessions at once, in all.
    pub max_sessions: Option<usize>,
    /// Sessions at once, per operator.
    pub sessions_per_operator: Option<usize>,
}

/// A configuration problem, with one line that names it and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    Unreadable {
        path: PathBuf,
        reason: String,
    },
    Malformed {
        path: PathBuf,
        /// Where the problem is (1-based), when the parser says.
        line: Option<usize>,
        reason: String,
    },
    Exposed {
        path: PathBuf,
        mode: u32,
    },
    Missing {
        /// The configuration's section (the provider's id).
        provider: &'static str,
        missing: Vec<String>,
        path: Option<PathBuf>,
    },
    BadUrl {
        key: String,
        value: String,
        path: Option<PathBuf>,
    },
    /// Plain `http://` to another machine: credentials and tokens would cross the network in
    /// clear.
    InsecureUrl {
        key: String,
        value: String,
        path: Option<PathBuf>,
    },
    /// A provider's key whose value breaks its rule (where it is set, and the rule).
    BadValue {
        key: String,
        rule: crate::provider::settings::Rule,
        path: Option<PathBuf>,
    },
    BadScale(String),
    /// `language` is neither `sw` nor `en`.
    BadLanguage(String),
    /// `timezone` is not an IANA name (`Africa/Dar_es_Salaam`).
    BadTimezone(String),
    /// `[console] provider` (or `LIPA_PROVIDER`) names no provider.
    BadProvider(String),
    /// A row its configuration turns off (pawaPay's `countries` without its country): `key`
    /// where that is set, and its value.
    NotServed {
        provider: ProviderKind,
        key: String,
        value: String,
    },
    NoDataDir,
}

impl ConfigError {
    /// The one line, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        use ConfigError::*;
        match self {
            Unreadable { path, reason } => s::config_unreadable(lang, path, reason),
            Malformed { path, line, reason } => s::config_malformed(lang, path, *line, reason),
            Exposed { path, mode } => s::config_world_readable(lang, path, *mode),
            Missing {
                provider,
                missing,
                path,
            } => s::config_missing(lang, provider, missing, path.as_deref()),
            BadUrl { key, value, path } => s::config_bad_url(lang, key, value, path.as_deref()),
            BadValue { key, rule, path } => s::config_bad_value(lang, key, *rule, path.as_deref()),
            InsecureUrl { key, value, path } => {
                s::config_insecure_url(lang, key, value, path.as_deref())
            }
            BadScale(v) => s::config_bad_scale(lang, v),
            BadLanguage(v) => s::config_bad_language(lang, v),
            BadTimezone(v) => s::config_bad_timezone(lang, v),
            BadProvider(v) => {
                let ids: Vec<&str> = ProviderKind::ALL.iter().map(|k| k.id()).collect();
                s::config_bad_provider(lang, v, &ids.join(", "))
            }
            NotServed {
                provider,
                key,
                value,
            } => s::config_not_served(lang, provider.label(), key, value),
            NoDataDir => s::config_no_data_dir(lang),
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

impl std::error::Error for ConfigError {}

/// The default configuration file: `<platform config dir>/lipa/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("lipa").join("config.toml"))
}

impl Config {
    /// Reads the file (`explicit`, else the default path if it exists) and applies the
    /// environment on top (`env` is a lookup, e.g. `|k| std::env::var(k).ok()`).
    pub fn load(
        explicit: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => default_path().filter(|p| p.exists()),
        };
        let file = match &path {
            Some(p) => file::read(p)?,
            None => file::FileConfig::default(),
        };
        let var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
        let data_dir = match var("LIPA_DATA_DIR").map(PathBuf::from).or(file.data_dir) {
            Some(d) => d,
            None => dirs::data_dir()
                .map(|d| d.join("lipa"))
                .ok_or(ConfigError::NoDataDir)?,
        };
        let (providers, problems) = providers::read(&file.sections, &var, path.as_deref());
        let language = match file.language {
            None => None,
            Some(l) => Some(Lang::parse(&l).ok_or(ConfigError::BadLanguage(l))?),
        };
        let timezone = match file.timezone {
            None => None,
            Some(t) => Some(
                t.trim()
                    .parse::<chrono_tz::Tz>()
                    .map_err(|_| ConfigError::BadTimezone(t.clone()))?,
            ),
        };
        let start_provider = match var("LIPA_PROVIDER").or(file.console.provider) {
            None => None,
            Some(id) if id.trim().is_empty() => None,
            Some(id) => Some(ProviderKind::from_id(&id).ok_or(ConfigError::BadProvider(id))?),
        };
        Ok(Config {
            start_provider,
            language,
            timezone,
            operator: file.operator,
            serve: ServeSettings {
                public_url: var("LIPA_PUBLIC_URL").or(file.serve.public_url.clone()),
                ..file.serve
            },
            receipt: file.receipt,
            till: file.till,
            database_url: var("LIPA_DATABASE_URL")
                .or(file.database_url.map(|u| u.expose().to_string()))
                .map(|u| Secret::new(u.trim())),
            providers,
            data_dir,
            bell: file.console.bell.unwrap_or(true),
            file: path,
            problems,
            schedule_scale: match var("LIPA_SCHEDULE_SCALE") {
                None => None,
                Some(v) => Some(
                    v.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|f| (0.01..=1.0).contains(f))
                        .map(|f| (f * 1000.0).round() as u16)
                        .ok_or(ConfigError::BadScale(v))?,
                ),
            },
        })
    }

    /// Why a provider is off, when its settings are broken.
    pub fn problem(&self, kind: ProviderKind) -> Option<&ConfigError> {
        self.problems
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, e)| e)
    }

    /// A configured provider's settings.
    pub fn settings(&self, kind: ProviderKind) -> Option<&Settings> {
        self.providers.get(&kind)
    }

    /// No provider has credentials, and none is half set: the console runs on the built-in
    /// demo.
    pub fn is_empty(&self) -> bool {
        self.providers.is_empty() && self.problems.is_empty()
    }
}

/// A base URL, checked: the default when none is set; `key` names where it is set.
pub(crate) fn url(
    key: &str,
    value: Option<String>,
    default: &str,
    path: Option<&Path>,
) -> Result<String, ConfigError> {
    let v = value.unwrap_or_else(|| default.to_string());
    let v = v.trim().trim_end_matches('/').to_string();
    let parsed = reqwest::Url::parse(&v)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    let Some(parsed) = parsed else {
        return Err(ConfigError::BadUrl {
            key: key.to_string(),
            value: crate::secret::shown_url(&v),
            path: path.map(Path::to_path_buf),
        });
    };
    if parsed.scheme() == "http" && !is_loopback(&parsed) {
        return Err(ConfigError::InsecureUrl {
            key: key.to_string(),
            value: crate::secret::shown_url(&v),
            path: path.map(Path::to_path_buf),
        });
    }
    Ok(v)
}

/// This machine itself (a simulator, a local proxy): plain HTTP never leaves it.
fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
