//! The registry: every provider's row, reached from its identity through [`ProviderKind::spec`]
//! (in `provider/mod.rs`, beside the folders it names: the only `match` on the enum outside
//! them); everything else asks the row.

use crate::money::Currency;
use crate::phone::Country;
use crate::provider_kind::ProviderKind;
use crate::reference::ReferenceRule;
use std::fmt;

impl ProviderKind {
    /// Machine name (command line, journal, JSON, configuration).
    pub fn id(self) -> &'static str {
        self.spec().id
    }

    /// Name shown to people.
    pub fn label(self) -> &'static str {
        self.spec().label
    }

    /// Name shown in a list's narrow column.
    pub fn short(self) -> &'static str {
        self.spec().short
    }

    pub fn from_id(id: &str) -> Option<ProviderKind> {
        let id = id.trim();
        ProviderKind::ALL
            .into_iter()
            .find(|k| k.id().eq_ignore_ascii_case(id))
    }

    pub fn country(self) -> Country {
        self.spec().country()
    }

    pub fn currency(self) -> Currency {
        self.spec().currency()
    }

    /// The next provider in the switcher's cycle.
    pub fn next(self) -> ProviderKind {
        let all = ProviderKind::ALL;
        let at = all.iter().position(|k| *k == self).unwrap_or(0);
        all[(at + 1) % all.len()]
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A provider's reference rule, where a rule is asked for.
impl From<ProviderKind> for &'static ReferenceRule {
    fn from(kind: ProviderKind) -> &'static ReferenceRule {
        &kind.spec().references
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The row's id is the name the journal and JSON already store (the enum's serde name).
    #[test]
    fn each_row_is_its_providers_and_its_id_is_the_stored_name() {
        for kind in ProviderKind::ALL {
            let spec = kind.spec();
            assert_eq!(spec.kind, kind);
            let stored = serde_json::to_string(&kind).expect("serializes");
            assert_eq!(stored, format!("\"{}\"", spec.id));
            assert_eq!(ProviderKind::from_id(spec.id), Some(kind));
            assert_eq!(spec.amounts.currency, spec.currency());
            assert!(spec.short.chars().count() <= super::super::spec::SHORT_MAX);
        }
    }
}
