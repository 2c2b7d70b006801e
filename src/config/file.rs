//! The configuration file: its fixed tables, and each provider's `[section]` whose keys are the
//! ones its row names (an unknown table or key is refused at its line, as before).

use super::{ConfigError, ReceiptSettings, Secret, ServeSettings};
use crate::provider_kind::ProviderKind;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A provider's table as written: its keys' values (each held as a secret until the row says
/// which are).
pub(super) type Section = BTreeMap<&'static str, Secret>;

/// The file's top-level names besides the providers' sections.
const FIXED: &[&str] = &[
    "data_dir",
    "console",
    "serve",
    "receipt",
    "language",
    "timezone",
    "till",
    "database_url",
    "operator",
];

#[derive(Default)]
pub(super) struct FileConfig {
    pub data_dir: Option<PathBuf>,
    /// The providers' tables, by section name.
    pub sections: BTreeMap<&'static str, Section>,
    pub console: FileConsole,
    pub serve: ServeSettings,
    pub receipt: ReceiptSettings,
    /// `sw` or `en`.
    pub language: Option<String>,
    /// An IANA time zone, e.g. `Africa/Nairobi`.
    pub timezone: Option<String>,
    /// This till's name.
    pub till: Option<String>,
    /// A chain's shared ledger, `postgres://…` (may hold a password).
    pub database_url: Option<Secret>,
    /// Who is at this till (default: the operating system's user name).
    pub operator: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileConsole {
    pub bell: Option<bool>,
    /// The provider the console starts on (its id).
    pub provider: Option<String>,
}

/// Every provider section's name, in the registry's order, each once.
fn section_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for kind in ProviderKind::ALL {
        let s = kind.spec().section;
        if !names.contains(&s) {
            names.push(s);
        }
    }
    names
}

/// The keys of a section: `base_url` and every key of the rows that share it.
fn section_keys(section: &str) -> Vec<&'static str> {
    let mut keys = vec!["base_url"];
    for kind in ProviderKind::ALL {
        let spec = kind.spec();
        if spec.section == section {
            for k in spec.keys {
                if !keys.contains(&k.name) {
                    keys.push(k.name);
                }
            }
        }
    }
    keys
}

/// Whether any row sharing `section` holds `key` as a secret.
fn is_secret(section: &str, key: &str) -> bool {
    ProviderKind::ALL.into_iter().any(|kind| {
        let spec = kind.spec();
        spec.section == section && spec.key(key).is_some_and(|k| k.secret)
    })
}

/// A name, taken only when it is one of `allowed` (serde's words otherwise).
struct Name(Vec<&'static str>);

impl<'de> DeserializeSeed<'de> for Name {
    type Value = &'static str;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'static str, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for Name {
    type Value = &'static str;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<&'static str, E> {
        match self.0.iter().find(|n| **n == v) {
            Some(n) => Ok(n),
            None => {
                let list: Vec<String> = self.0.iter().map(|n| format!("`{n}`")).collect();
                Err(E::custom(format!(
                    "unknown field `{v}`, expected one of {}",
                    list.join(", ")
                )))
            }
        }
    }
}

/// A provider's table: only its row's keys, each a string.
struct SectionSeed(&'static str);

impl<'de> DeserializeSeed<'de> for SectionSeed {
    type Value = Section;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Section, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SectionSeed {
    type Value = Section;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Section, A::Error> {
        let mut out = Section::new();
        while let Some(key) = map.next_key_seed(Name(section_keys(self.0)))? {
            let value: Secret = map.next_value()?;
            out.insert(key, value);
        }
        Ok(out)
    }
}

impl<'de> Deserialize<'de> for FileConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<FileConfig, D::Error> {
        d.deserialize_map(FileVisitor)
    }
}

struct FileVisitor;

impl<'de> Visitor<'de> for FileVisitor {
    type Value = FileConfig;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a configuration file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<FileConfig, A::Error> {
        let sections = section_names();
        let mut names: Vec<&'static str> = vec!["data_dir"];
        names.extend(&sections);
        names.extend(&FIXED[1..]);
        let mut file = FileConfig::default();
        while let Some(key) = map.next_key_seed(Name(names.clone()))? {
            match key {
                "data_dir" => file.data_dir = map.next_value()?,
                "console" => file.console = map.next_value()?,
                "serve" => file.serve = map.next_value()?,
                "receipt" => file.receipt = map.next_value()?,
                "language" => file.language = map.next_value()?,
                "timezone" => file.timezone = map.next_value()?,
                "till" => file.till = map.next_value()?,
                "database_url" => file.database_url = map.next_value()?,
                "operator" => file.operator = map.next_value()?,
                section => {
                    let table = map.next_value_seed(SectionSeed(section))?;
                    file.sections.insert(section, table);
                }
            }
        }
        Ok(file)
    }
}

pub(super) fn read(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Unreadable {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    let file: FileConfig = toml::from_str(&text).map_err(|e| ConfigError::Malformed {
        path: path.to_path_buf(),
        line: e
            .span()
            .and_then(|span| text.get(..span.start))
            .map(|before| before.matches('\n').count() + 1),
        reason: without_value(e.message()),
    })?;
    // A ledger URL with a password is a secret as the providers' keys are (one without a
    // password, trusting the network or a .pgpass, is not).
    let url_has_password = file
        .database_url
        .as_ref()
        .is_some_and(|u| crate::secret::redact(u.expose()) != u.expose());
    let has_secret = file
        .sections
        .iter()
        .any(|(section, keys)| keys.keys().any(|k| is_secret(section, k)))
        || url_has_password;
    if has_secret {
        check_private(path)?;
    }
    Ok(file)
}

/// The parser's words without the value they quote: serde's "invalid type: integer `123`,
/// expected a string" would print a secret typed without quotes (or one put where a table or
/// another type belongs). The kind of value stays: "invalid type: integer, expected a string".
fn without_value(reason: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        let Some(at) = reason.find(prefix) else {
            continue;
        };
        let (before, rest) = reason.split_at(at + prefix.len());
        // The expected part is lipa's own (a type's name), and comes last.
        return match rest.rfind(", expected ") {
            Some(cut) => {
                let kind = rest[..cut].split(['`', '"', '\'']).next().unwrap_or("");
                format!("{before}{}{}", kind.trim_end(), &rest[cut..])
            }
            None => before.trim_end_matches([' ', ':']).to_string(),
        };
    }
    reason.to_string()
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), ConfigError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0o600);
    if mode & 0o077 != 0 {
        return Err(ConfigError::Exposed {
            path: path.to_path_buf(),
            mode,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path) -> Result<(), ConfigError> {
    Ok(())
}
