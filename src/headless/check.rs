//! `lipa check`: a person has looked at a payment that needed attention; the note and who did
//! it go in its history, and `lipa sync` counts it done.

use crate::cli::{CheckArgs, exit};
use crate::config::{Config, ConfigError};
use crate::journal::Cas;
use crate::lang::Lang;
use crate::outcome::{Out, Outcome};
use crate::strings::cli as s;

/// Longest note kept.
pub const NOTE_MAX: usize = 300;

pub async fn run(args: CheckArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    let mut out = Out::new(lang);
    let code = check(&args, config, &mut out);
    out.finish("check", code)
}

fn refuse(
    args: &CheckArgs,
    out: &mut Out,
    status: &str,
    said: impl Fn(Lang) -> String,
    code: u8,
) -> u8 {
    crate::errln!("lipa check: {}", said(out.lang));
    let outcome = Outcome::problem(status, "", said, out.lang);
    out.line(&outcome.line(args.json));
    code
}

fn check(args: &CheckArgs, config: Result<Config, ConfigError>, out: &mut Out) -> u8 {
    let note = args.note.as_deref().map(crate::text::printable);
    if note.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
        let said = |l| format!("--note: {}", s::name_too_long(l, NOTE_MAX));
        return refuse(args, out, "invalid", said, exit::INVALID);
    }
    let config = match config {
        Ok(c) => c,
        Err(e) => return refuse(args, out, "error", |l| e.text(l), exit::CONFIG),
    };
    crate::logging::init(&config.data_dir);
    let journal = match crate::setup::journal(&config) {
        Ok(j) => j,
        Err(e) => return refuse(args, out, "error", |l| e.text(l), exit::CONFIG),
    };
    let found = match journal.find_reference(&args.reference) {
        Ok(Some(p)) => p,
        Ok(None) => {
            let said = |l| s::no_such_reference(l, &args.reference);
            return refuse(args, out, "invalid", said, exit::INVALID);
        }
        Err(e) => return refuse(args, out, "error", |l| e.text(l), exit::CONFIG),
    };
    let who = args
        .operator
        .as_deref()
        .map(crate::operator::clean)
        .filter(|w| !w.is_empty())
        .unwrap_or_else(crate::operator::os_user);
    if let Some(word) = args.found.as_deref() {
        return settle(
            args,
            out,
            &journal,
            &found,
            &who,
            note.as_deref(),
            word == "paid",
        );
    }
    let cas = journal.mark_checked(found.id, &who, note.as_deref().filter(|n| !n.is_empty()));
    match cas {
        Ok(Cas::Done(p)) => {
            tracing::info!(reference = %p.reference, who, "marked checked");
            out.line(&Outcome::of(&p, out.lang).line(args.json));
            exit::PAID
        }
        Ok(Cas::Stale(p)) if p.checked => {
            // Checked already: say by whom, and leave it. A note given now is not saved: said,
            // and exit 2, so that no script believes it is in the history.
            let note = note.as_deref().filter(|n| !n.is_empty());
            let said = match note {
                Some(n) => s::already_checked_note_lost(out.lang, &p, n),
                None => s::already_checked(out.lang, &p),
            };
            crate::errln!("lipa check: {said}");
            out.line(&Outcome::of(&p, out.lang).line(args.json));
            if note.is_some() {
                exit::INVALID
            } else {
                exit::PAID
            }
        }
        Ok(Cas::Stale(p)) => {
            crate::errln!("lipa check: {}", s::check_only_attention(out.lang, &p));
            out.line(&Outcome::of(&p, out.lang).line(args.json));
            exit::INVALID
        }
        Err(e) => refuse(args, out, "error", |l| e.text(l), exit::CONFIG),
    }
}

/// `--found paid|failed`: a person settles a payment the provider cannot be asked about (a
/// lost answer: providers.md lets a person resolve it). Marked checked with the note, then
/// moved from *attention* to paid or failed, as the person found, in their name. A payment
/// the provider can be asked about is the provider's to settle: refused.
#[allow(clippy::too_many_arguments)]
fn settle(
    args: &CheckArgs,
    out: &mut Out,
    journal: &crate::journal::Journal,
    p: &crate::payment::Payment,
    who: &str,
    note: Option<&str>,
    paid: bool,
) -> u8 {
    use crate::journal::Change;
    use crate::payment::Status;
    if crate::provider::spec::askable(p) || p.status != Status::Attention {
        crate::errln!("lipa check: {}", s::found_only_unaskable(out.lang, p));
        out.line(&Outcome::of(p, out.lang).line(args.json));
        return exit::INVALID;
    }
    if let Err(e) = journal.mark_checked(p.id, who, note.filter(|n| !n.is_empty())) {
        return refuse(args, out, "error", |l| e.text(l), exit::CONFIG);
    }
    let message = crate::msg::Msg::SettledByPerson {
        who: who.to_string(),
        paid,
    };
    let change = Change {
        to: if paid { Status::Paid } else { Status::Failed },
        message: &message,
        provider_id: None,
        heard: false,
    };
    match journal.transition(p.id, Status::Attention, &change) {
        Ok(Cas::Done(p)) => {
            tracing::info!(reference = %p.reference, who, paid, "settled by a person");
            out.line(&Outcome::of(&p, out.lang).line(args.json));
            exit::PAID
        }
        // Settled meanwhile (another person, a callback): as it stands.
        Ok(Cas::Stale(p)) => {
            crate::errln!("lipa check: {}", s::found_only_unaskable(out.lang, &p));
            out.line(&Outcome::of(&p, out.lang).line(args.json));
            exit::INVALID
        }
        Err(e) => refuse(args, out, "error", |l| e.text(l), exit::CONFIG),
    }
}
