//! Why an engine, journal or printer call failed, as the console carries it.

use crate::engine::EngineError;
use std::sync::Arc;

/// Why an engine or journal call failed, carried as it is and put into words only where it
/// is shown, in the console's language then (a Swahili cashier reads Swahili, and `Ctrl-G`
/// changes the words of what is on screen).
#[derive(Debug, Clone)]
pub enum Trouble {
    /// The engine's (or, through it, the journal's) own error.
    Engine(Arc<EngineError>),
    /// A phone number lipa journalled that cannot be read again.
    Phone(crate::phone::PhoneError),
    /// Words from outside lipa, as they came (a printer's, the system's).
    Said(String),
}

impl Trouble {
    /// What went wrong, for a person reading `lang`.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        match self {
            Trouble::Engine(e) => e.text(lang),
            Trouble::Phone(e) => e.text(lang),
            Trouble::Said(words) => words.clone(),
        }
    }
}

/// Two troubles are the same when they say the same (in English).
impl PartialEq for Trouble {
    fn eq(&self, other: &Trouble) -> bool {
        self.text(crate::lang::Lang::En) == other.text(crate::lang::Lang::En)
    }
}

impl From<EngineError> for Trouble {
    fn from(e: EngineError) -> Trouble {
        Trouble::Engine(Arc::new(e))
    }
}

impl From<crate::journal::JournalError> for Trouble {
    fn from(e: crate::journal::JournalError) -> Trouble {
        Trouble::Engine(Arc::new(EngineError::Journal(e)))
    }
}

impl From<String> for Trouble {
    fn from(words: String) -> Trouble {
        Trouble::Said(words)
    }
}
