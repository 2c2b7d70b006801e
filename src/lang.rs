//! The language a person reads, and the two shapes of the catalogue that every sentence is
//! written in: a label (fixed text, maybe a slot of known width) and a sentence (text with
//! values, given a sample for the catalogue). Both languages side by side, so a missing
//! translation does not compile. A leaf: it imports nothing of lipa's, so any module may use it.

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
        Lang::told(flag, config, &env).unwrap_or_else(|| Lang::from_locale(env))
    }

    /// The language lipa was told to speak, if it was: the `--lang` flag, else `LIPA_LANG`,
    /// else the configuration's `language` (not the locale).
    pub fn told(
        flag: Option<Lang>,
        config: Option<Lang>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Option<Lang> {
        flag.or_else(|| env("LIPA_LANG").as_deref().and_then(Lang::parse))
            .or(config)
    }

    /// What a locale (`LC_ALL`, else `LC_MESSAGES`, else `LANG`, as an SSH client sends them)
    /// says, if it says Swahili (`sw…`) or English (`en…`); `C`, `POSIX` and the rest say
    /// nothing.
    pub fn from_client_locale(env: impl Fn(&str) -> Option<String>) -> Option<Lang> {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| env(k))
            .find(|v| !v.trim().is_empty())?
            .to_ascii_lowercase();
        if locale.starts_with("sw") {
            Some(Lang::Sw)
        } else if locale.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
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

/// `name [slot]: "English", "Kiswahili";` → `pub fn name(lang) -> &'static str`, and
/// `labels()` listing them all.
macro_rules! labels {
    ($( $(#[$m:meta])* $name:ident $([$slot:expr])? : $en:expr, $sw:expr; )*) => {
        $(
            $(#[$m])*
            pub fn $name(lang: $crate::lang::Lang) -> &'static str {
                match lang {
                    $crate::lang::Lang::En => $en,
                    $crate::lang::Lang::Sw => $sw,
                }
            }
        )*
        /// Every label of this module, in both languages.
        pub fn labels() -> Vec<$crate::lang::Entry> {
            vec![$(
                $crate::lang::Entry {
                    name: stringify!($name),
                    en: $en.to_string(),
                    sw: $sw.to_string(),
                    slot: labels!(@slot $($slot)?),
                }
            ),*]
        }
    };
    (@slot) => { None };
    (@slot $s:expr) => { Some($s) };
}

/// `fn name(arg: Type = sample, …) { en: expr, sw: expr }` → `pub fn name(lang, arg, …) ->
/// String`, and `sentences()` rendering each with its samples.
macro_rules! sentences {
    ($( $(#[$m:meta])* fn $name:ident($($arg:ident : $ty:ty = $sample:expr),* $(,)?)
        { en: $en:expr, sw: $sw:expr $(,)? } )*) => {
        $(
            $(#[$m])*
            #[allow(clippy::useless_format)]
            pub fn $name(lang: $crate::lang::Lang, $($arg: $ty),*) -> String {
                match lang {
                    $crate::lang::Lang::En => ($en).into(),
                    $crate::lang::Lang::Sw => ($sw).into(),
                }
            }
        )*
        /// Every sentence of this module, rendered from its samples in both languages.
        pub fn sentences() -> Vec<$crate::lang::Entry> {
            vec![$(
                $crate::lang::Entry {
                    name: stringify!($name),
                    en: $name($crate::lang::Lang::En, $($sample),*),
                    sw: $name($crate::lang::Lang::Sw, $($sample),*),
                    slot: None,
                }
            ),*]
        }
    };
}
