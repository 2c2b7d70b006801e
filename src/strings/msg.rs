//! [`Msg`] put into words: its data is a leaf (`crate::msg`), its sentences are here, beside
//! the others, in [`super::msg_en`] and [`super::msg_sw`].

use super::Lang;
use crate::msg::Msg;
use std::fmt;

impl Msg {
    /// The words, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => super::msg_en::text(self),
            Lang::Sw => super::msg_sw::text(self),
        }
    }
}

/// English, for logs and errors (a person's screen uses [`Msg::text`] with their language).
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}
