//! Each provider's settings, from its row: its keys read from `LIPA_<SECTION>_<KEY>` over its
//! `[section]` table, checked the same way for every provider (all required keys or none, a
//! usable base URL).

use super::file::Section;
use super::{ConfigError, url};
use crate::provider::spec::{Key, Settings, Spec, variable};
use crate::provider_kind::ProviderKind;
use std::collections::BTreeMap;
use std::path::Path;

/// The providers whose settings are complete, and the problems of those whose are not (each
/// left off, not stopping the others).
pub(super) fn read(
    sections: &BTreeMap<&'static str, Section>,
    var: &impl Fn(&str) -> Option<String>,
    path: Option<&Path>,
) -> (
    BTreeMap<ProviderKind, Settings>,
    Vec<(ProviderKind, ConfigError)>,
) {
    let mut settings = BTreeMap::new();
    let mut problems = Vec::new();
    let empty = Section::new();
    for kind in ProviderKind::ALL {
        let spec = kind.spec();
        let section = sections.get(spec.section).unwrap_or(&empty);
        match of(spec, section, var, path) {
            Ok(Some(s)) => {
                settings.insert(kind, s);
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(provider = kind.id(), error = %e, "provider left off");
                problems.push((kind, e));
            }
        }
    }
    (settings, problems)
}

/// One provider's settings: `None` when none of its required keys is set.
fn of(
    spec: &Spec,
    section: &Section,
    var: &impl Fn(&str) -> Option<String>,
    path: Option<&Path>,
) -> Result<Option<Settings>, ConfigError> {
    let value = |key: &Key| {
        var(&variable(spec.section, key.name)).or(section
            .get(key.name)
            .map(|v| v.expose().to_string())
            // A blank required value (`api_key = ""`) is as good as none.
            .filter(|v| !key.required || !v.trim().is_empty()))
    };
    let required: Vec<&Key> = spec.keys.iter().filter(|k| k.required).collect();
    let missing: Vec<String> = required
        .iter()
        .filter(|k| value(k).is_none())
        .map(|k| k.place(spec.section))
        .collect();
    if missing.len() == required.len() {
        return Ok(None);
    }
    if !missing.is_empty() {
        return Err(ConfigError::Missing {
            provider: spec.section,
            missing,
            path: path.map(Path::to_path_buf),
        });
    }
    let base_url = url(
        &format!(
            "{} ({}.base_url)",
            variable(spec.section, "base_url"),
            spec.section
        ),
        var(&variable(spec.section, "base_url"))
            .or(section.get("base_url").map(|v| v.expose().to_string())),
        spec.base_url,
        path,
    )?;
    let mut settings = Settings::new(base_url);
    for key in spec.keys {
        if let Some(v) = value(key) {
            if !key.rule.keeps(&v) {
                return Err(ConfigError::BadValue {
                    key: key.place(spec.section),
                    rule: key.rule,
                    path: path.map(Path::to_path_buf),
                });
            }
            settings = settings.with(key, v.trim());
        }
    }
    if spec.serves.is_some_and(|(_, serves)| !serves(&settings)) {
        return Ok(None);
    }
    Ok(Some(settings))
}

/// Explains why a provider is not configured: its configuration turns it off (another row
/// of its section is on: pawaPay's `countries`), or what it needs when none of its
/// credentials are set.
pub fn missing_provider(config: &super::Config, provider: ProviderKind) -> ConfigError {
    let spec = provider.spec();
    let sibling_on = config
        .providers
        .iter()
        .find(|(k, _)| **k != provider && k.spec().section == spec.section);
    if let (Some((_, settings)), Some((key, _))) = (sibling_on, spec.serves) {
        return ConfigError::NotServed {
            provider,
            key: format!("{} ({}.{key})", variable(spec.section, key), spec.section),
            value: settings.text(key).unwrap_or_default().to_string(),
        };
    }
    ConfigError::Missing {
        provider: spec.section,
        missing: spec
            .keys
            .iter()
            .filter(|k| k.required)
            .map(|k| k.place(spec.section))
            .collect(),
        path: config.file.clone(),
    }
}
