//! The two shapes of the catalogue: a label (fixed text, maybe a slot of known width) and a
//! sentence (text with values, given a sample for the catalogue). Both languages side by side.

/// `name [slot]: "English", "Kiswahili";` → `pub fn name(lang) -> &'static str`, and
/// `labels()` listing them all.
macro_rules! labels {
    ($( $(#[$m:meta])* $name:ident $([$slot:expr])? : $en:expr, $sw:expr; )*) => {
        $(
            $(#[$m])*
            pub fn $name(lang: $crate::strings::Lang) -> &'static str {
                match lang {
                    $crate::strings::Lang::En => $en,
                    $crate::strings::Lang::Sw => $sw,
                }
            }
        )*
        /// Every label of this module, in both languages.
        pub fn labels() -> Vec<$crate::strings::Entry> {
            vec![$(
                $crate::strings::Entry {
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
            pub fn $name(lang: $crate::strings::Lang, $($arg: $ty),*) -> String {
                match lang {
                    $crate::strings::Lang::En => ($en).into(),
                    $crate::strings::Lang::Sw => ($sw).into(),
                }
            }
        )*
        /// Every sentence of this module, rendered from its samples in both languages.
        pub fn sentences() -> Vec<$crate::strings::Entry> {
            vec![$(
                $crate::strings::Entry {
                    name: stringify!($name),
                    en: $name($crate::strings::Lang::En, $($sample),*),
                    sw: $name($crate::strings::Lang::Sw, $($sample),*),
                    slot: None,
                }
            ),*]
        }
    };
}
