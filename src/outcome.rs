//! The outcome line of the headless commands: one human line, or one JSON object; the writing
//! of it to a stdout that may be closed; and the exit codes scripts rely on. Below the command
//! line and every command, which both speak it.

use crate::lang::Lang;
use crate::payment::{Payment, Status};
use serde::Serialize;
use std::io::Write;

/// Exit codes of the headless commands.
pub mod exit {
    /// Paid, or a dry run that validated.
    pub const PAID: u8 = 0;
    pub const FAILED: u8 = 1;
    /// Invalid input: nothing was sent.
    pub const INVALID: u8 = 2;
    /// Still pending, unknown, or needing attention when the wait ended.
    pub const PENDING: u8 = 3;
    /// Configuration, credentials or provider error.
    pub const CONFIG: u8 = 4;
}

/// The JSON contract: `{"provider", "reference", "phone", "amount", "currency", "status",
/// "message", "checked"}`; `amount` in the machine form of every amount lipa writes for
/// machines (JSON, CSV): an exact decimal with every decimal the currency has, no grouping
/// (`1500`, `99.50`); `status` is one of paid, failed, pending, unknown, attention,
/// dry-run — or `invalid` (input refused, nothing sent), `duplicate` (the duplicate guard
/// refused it, nothing sent: `duplicate_of` names the payment it is like), `busy` (the phone
/// has a prompt waiting, for a provider whose phones take one at a time: `busy_with` names
/// it) and `error`
/// (configuration or journal: nothing sent), whose other fields hold what was typed, or are
/// empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub provider: String,
    pub reference: String,
    pub phone: String,
    pub amount: String,
    pub currency: String,
    pub status: String,
    pub message: String,
    /// An *attention* payment a person has marked checked.
    pub checked: bool,
    /// Who pushed it (empty when nothing was recorded).
    pub operator: String,
    /// The till that recorded it (empty when nothing was recorded).
    pub till: String,
    /// For a `duplicate`: the reference of the payment it is like (only then in the JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// `busy` only: the payment whose prompt waits on the phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub busy_with: Option<String>,
    /// The message in the reader's language, for the human line (JSON stays English).
    #[serde(skip)]
    pub own: Option<String>,
    #[serde(skip)]
    pub lang: Lang,
}

impl Outcome {
    pub fn of(p: &Payment, lang: Lang) -> Outcome {
        // A payment whose send never answered (its process killed during it) has no words of
        // its own yet: what that means is said, never nothing.
        let words = |l: Lang| match (p.words(), p.status) {
            (crate::msg::Msg::Empty, Status::Recorded | Status::Sending) => {
                crate::strings::cli::no_answer_yet(l, p)
            }
            (m, _) => m.text(l),
        };
        Outcome {
            provider: p.provider.id().into(),
            reference: p.reference.to_string(),
            phone: p.phone.clone(),
            amount: p.amount.exact_decimal(),
            currency: p.amount.currency().code().into(),
            status: p.status.public_word().into(),
            message: words(Lang::En),
            checked: p.checked,
            operator: p.operator.clone(),
            till: p.till.clone(),
            duplicate_of: None,
            busy_with: None,
            own: Some(words(lang)),
            lang,
        }
    }

    /// Nothing was sent: the input was refused (`invalid`) or lipa could not start (`error`).
    /// `said` gives the message in a language: English for JSON, the reader's for people.
    pub fn problem(
        status: &str,
        provider: &str,
        said: impl Fn(Lang) -> String,
        lang: Lang,
    ) -> Outcome {
        Outcome {
            provider: provider.into(),
            reference: String::new(),
            phone: String::new(),
            amount: String::new(),
            currency: String::new(),
            status: status.into(),
            message: said(Lang::En),
            checked: false,
            operator: String::new(),
            till: String::new(),
            duplicate_of: None,
            busy_with: None,
            own: Some(said(lang)),
            lang,
        }
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// `paid  <provider>  LP…  255712345678  TZS 1,000  Paid.` (the amount in the human form,
    /// as on every screen and slip).
    pub fn human(&self) -> String {
        let amount = crate::money::Currency::from_code(&self.currency)
            .and_then(|c| crate::money::Money::from_wire(&self.amount, c))
            .map_or_else(
                || format!("{} {}", self.currency, self.amount),
                |m| m.to_string(),
            );
        let word = crate::strings::cli::status_human(self.lang, &self.status);
        let status = if self.checked {
            crate::strings::cli::checked_human(self.lang, &word)
        } else {
            word
        };
        // Nothing recorded (input refused, an error): no empty columns before the words.
        if self.reference.is_empty() && self.phone.is_empty() {
            let said = self.own.as_deref().unwrap_or(&self.message);
            return if self.provider.is_empty() {
                format!("{status:<9} {said}")
            } else {
                format!("{status:<9} {:<9} {said}", self.provider)
            };
        }
        // References are up to 17 characters long: one column for every provider's.
        format!(
            "{:<9} {:<9} {:<17} {} {}  {}",
            status,
            self.provider,
            self.reference,
            self.phone,
            amount,
            self.own.as_deref().unwrap_or(&self.message)
        )
    }

    /// The line for `json` or people.
    pub fn line(&self, json: bool) -> String {
        if json { self.json() } else { self.human() }
    }
}

/// Standard output that may be closed (`| head -1`) or full (`> /dev/full`): a failed write
/// is remembered, never a panic, and the command then exits 4 with one line on stderr — the
/// payment is in the journal either way.
#[derive(Debug, Default)]
pub struct Out {
    broken: Option<String>,
    /// The reader closed the stream (`| head`): what it read is what it wanted.
    closed: bool,
    /// The language of what people read (stderr, the human line).
    pub lang: Lang,
}

impl Out {
    pub fn new(lang: Lang) -> Out {
        Out {
            broken: None,
            closed: false,
            lang,
        }
    }

    pub fn line(&mut self, text: &str) {
        if self.broken.is_some() {
            return;
        }
        let mut stdout = std::io::stdout().lock();
        let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
        if let Err(e) = written {
            self.closed = e.kind() == std::io::ErrorKind::BrokenPipe;
            self.broken = Some(e.to_string());
        }
    }

    /// `code`; when stdout could not be written (said once on stderr), 3 for an outcome that
    /// went unreported (a script that re-sends on 4 must never re-send a payment that may
    /// exist: `lipa sync` tells what it became), the code itself when nothing was sent.
    /// [`Out::finish`] for a command that only reads (it recorded no payment): a stdout that
    /// could not be written is said as such, exit 4 — but one its reader closed (`| head`)
    /// ends quietly with `code`.
    pub fn finish_read(self, command: &str, code: u8) -> u8 {
        match self.broken {
            None => code,
            // `lipa history | head`: the reader had enough; nothing to say.
            Some(_) if self.closed => code,
            Some(why) => {
                crate::errln!(
                    "lipa {command}: {}",
                    crate::strings::cli::export_unwritable(self.lang, "stdout", &why)
                );
                exit::CONFIG
            }
        }
    }

    pub fn finish(self, command: &str, code: u8) -> u8 {
        match self.broken {
            None => code,
            Some(why) => {
                crate::errln!(
                    "{}",
                    crate::strings::cli::stdout_failed(self.lang, command, &why)
                );
                match code {
                    exit::INVALID | exit::CONFIG => code,
                    _ => exit::PENDING,
                }
            }
        }
    }
}

/// Exit code for a payment when the wait ended: 0 paid, 1 failed, 3 anything still open (an
/// *attention* payment a person marked checked is done, as its outcome: 0).
pub fn exit_code(p: &Payment) -> u8 {
    match p.status {
        Status::Paid => exit::PAID,
        Status::Failed => exit::FAILED,
        Status::Attention if p.checked => exit::PAID,
        _ => exit::PENDING,
    }
}
