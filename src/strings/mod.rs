//! Every sentence a person reads, in one place, in every language lipa speaks: Swahili and
//! English. A typed catalogue: each label and each sentence is one function with both
//! languages side by side (a missing translation does not compile), and every one is listed,
//! with a sample, in [`catalogue`] for the test that walks them all. What lipa says about a
//! payment is data ([`Msg`], stored in the journal) and put into words when read.
//!
//! The language is a value each console or command holds ([`Lang`]), never process-wide: one
//! server runs many consoles, each in its operator's language. JSON stays English.

#[macro_use]
mod macros;
pub mod back_office;
pub mod backup;
pub mod cli;
pub mod console;
pub mod domain;
pub mod engine;
pub mod help;
mod msg;
mod msg_en;
mod msg_sw;
pub mod serve;
pub mod sim;

pub use msg::{Msg, samples as msg_samples, variant as msg_variant};
pub use msg_en::span;

/// An exact span of time in the language: `3 min 10 s`, `dakika 3 sekunde 10`.
pub fn span_in(lang: Lang, secs: u64) -> String {
    match lang {
        Lang::En => msg_en::span(secs),
        Lang::Sw => msg_sw::span(secs),
    }
}

use serde::{Deserialize, Serialize};

/// A language lipa speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Sw,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Sw];

    /// `en` / `sw` (also `english`, `swahili`, `kiswahili`, any case).
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "en" | "english" | "kiingereza" => Some(Lang::En),
            "sw" | "swahili" | "kiswahili" => Some(Lang::Sw),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Sw => "sw",
        }
    }

    /// The other one (the console's language key).
    pub fn other(self) -> Lang {
        match self {
            Lang::En => Lang::Sw,
            Lang::Sw => Lang::En,
        }
    }

    /// From the locale (`LC_ALL`, else `LC_MESSAGES`, else `LANG`): `sw_*` is Swahili,
    /// anything else English.
    pub fn from_locale(env: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| env(k))
            .find(|v| !v.trim().is_empty())
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("sw") {
            Lang::Sw
        } else {
            Lang::En
        }
    }

    /// The language chosen: the `--lang` flag, else `LIPA_LANG`, else the configuration's
    /// `language`, else the locale.
    pub fn choose(
        flag: Option<Lang>,
        config: Option<Lang>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Lang {
        flag.or_else(|| env("LIPA_LANG").as_deref().and_then(Lang::parse))
            .or(config)
            .unwrap_or_else(|| Lang::from_locale(env))
    }
}

/// One entry of the catalogue, rendered in both languages from a sample.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: &'static str,
    pub en: String,
    pub sw: String,
    /// The columns it is drawn in, when it has a slot of its own.
    pub slot: Option<usize>,
}

/// Every label and sentence lipa has, each in both languages (for the catalogue test).
pub fn catalogue() -> Vec<Entry> {
    let mut all = Vec::new();
    all.extend(console::labels());
    all.extend(console::sentences());
    all.extend(cli::sentences());
    all.extend(domain::sentences());
    all.extend(engine::sentences());
    all.extend(serve::sentences());
    all.extend(back_office::labels());
    all.extend(back_office::sentences());
    all.extend(backup::sentences());
    all.extend(help::labels());
    all.extend(help::texts());
    all.extend(domain::labels());
    all.extend(msg::samples().into_iter().map(|m| Entry {
        name: msg::variant(&m),
        en: m.text(Lang::En),
        sw: m.text(Lang::Sw),
        slot: None,
    }));
    all
}
