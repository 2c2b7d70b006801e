//! `lipa history`: the journal's payments, newest first, filtered; a human line each or one
//! JSON object each (the push object plus who, when, the provider's id and the check's note).

use crate::cli::{FilterArgs, HistoryArgs, exit};
use crate::config::{Config, ConfigError};
use crate::journal::{Filter, Journal};
use crate::lang::Lang;
use crate::outcome::{Out, Outcome};
use crate::payment::{Payment, Status};
use crate::strings::cli as s;
use chrono::{DateTime, Days, FixedOffset, NaiveDate, Utc};
use serde::Serialize;

/// One line of `--json`.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    outcome: Outcome,
    created_at: String,
    updated_at: String,
    provider_id: Option<&'a str>,
    /// The wallet's own id of the payment (the customer's SMS shows it), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    wallet_ref: Option<&'a str>,
    note: Option<&'a str>,
    /// Who marked it checked, and when.
    checked_by: Option<&'a str>,
    checked_at: Option<String>,
    /// What the provider said after the payment was final (reversed after paid), in English.
    flag: Option<String>,
}

pub async fn run(args: HistoryArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    let mut out = Out::new(lang);
    let code = history(&args, config, &mut out);
    out.finish_read("history", code)
}

fn refuse(out: &Out, said: impl Fn(Lang) -> String, code: u8) -> u8 {
    crate::errln!("lipa history: {}", said(out.lang));
    code
}

/// The journal and the filter the arguments describe (days in the till's time zone), or what
/// is wrong, in `lang`, with the exit code.
pub(super) fn open(
    args: &FilterArgs,
    limit: usize,
    config: Result<Config, ConfigError>,
    offset: FixedOffset,
    lang: Lang,
) -> Result<(Journal, Filter), (String, u8)> {
    let today = Utc::now().with_timezone(&offset).date_naive();
    let day = |v: &Option<String>| v.as_deref().map(|t| parse_day(t, today));
    let (since, until) = (day(&args.since), day(&args.until));
    for (typed, parsed) in [(&args.since, &since), (&args.until, &until)] {
        if let (Some(t), Some(None)) = (typed, parsed) {
            return Err((s::history_bad_date(lang, t), exit::INVALID));
        }
    }
    let status = match args.status.as_deref() {
        None => None,
        Some(t) => match Status::from_id(t.trim()) {
            Some(st) => Some(st),
            None => return Err((s::history_bad_status(lang, t), exit::INVALID)),
        },
    };
    let config = config.map_err(|e| (e.text(lang), exit::CONFIG))?;
    // These faces only read: a journal that cannot be written here is read as it is.
    let journal =
        crate::setup::journal_to_read(&config).map_err(|e| (e.text(lang), exit::CONFIG))?;
    let filter = Filter {
        since: since.flatten().map(|d| start_of(d, offset)),
        until: until
            .flatten()
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .map(|d| start_of(d, offset)),
        status,
        provider: args.provider,
        operator: args.operator.clone(),
        till: args.till.clone(),
        // Digits only; the local form's leading zero goes (0712… is stored as 255712…). A
        // phone filter with no digit at all matches nothing, never everything.
        phone: args.phone.as_deref().map(|p| {
            let digits: String = p.chars().filter(char::is_ascii_digit).collect();
            match digits.trim_start_matches('0') {
                "" => "no-digits".to_string(),
                d => d.to_string(),
            }
        }),
        reference: args.reference.clone(),
        limit,
        after: None,
    };
    Ok((journal, filter))
}

fn history(args: &HistoryArgs, config: Result<Config, ConfigError>, out: &mut Out) -> u8 {
    let offset = crate::config::offset_of(&config);
    let (journal, filter) = match open(&args.filter, args.limit, config, offset, out.lang) {
        Ok(pair) => pair,
        Err((said, code)) => {
            crate::errln!("lipa history: {said}");
            return code;
        }
    };
    if args.hooks {
        return hooks(&journal, args, offset, out);
    }
    let found = match journal.history(&filter) {
        Ok(v) => v,
        Err(e) => return refuse(out, |l| e.text(l), exit::CONFIG),
    };
    if found.is_empty() && !args.json {
        out.line(&s::history_none(out.lang));
    }
    // Payments of more than one till (a chain's ledger): each line names its till.
    let tills: std::collections::BTreeSet<&str> = found.iter().map(|p| p.till.as_str()).collect();
    for p in &found {
        let text = if args.json {
            json(p, out.lang, offset)
        } else {
            let when = p.created_at.with_timezone(&offset).format("%Y-%m-%d %H:%M");
            let human = Outcome::of(p, out.lang).human();
            if tills.len() > 1 {
                format!("{when}  {}  {human}", p.till)
            } else {
                format!("{when}  {human}")
            }
        };
        out.line(&text);
    }
    exit::PAID
}

/// One callback kept for a person, as `--hooks --json` writes it.
#[derive(Serialize)]
struct HookLine<'a> {
    received_at: String,
    provider: &'a str,
    source: &'a str,
    /// `signed`, `token`, `unsigned` or `refused`.
    checked: &'a str,
    named: &'a str,
    outcome: &'a str,
    body: &'a str,
}

/// `--hooks`: the callbacks that named no payment, newest first.
fn hooks(journal: &Journal, args: &HistoryArgs, offset: FixedOffset, out: &mut Out) -> u8 {
    let kept = match journal.hooks(None, args.limit) {
        Ok(v) => v,
        Err(e) => return refuse(out, |l| e.text(l), exit::CONFIG),
    };
    if kept.is_empty() && !args.json {
        out.line(&s::history_no_hooks(out.lang));
    }
    for h in &kept {
        let when = h.received_at.with_timezone(&offset);
        let text = if args.json {
            serde_json::to_string(&HookLine {
                received_at: when.to_rfc3339(),
                provider: &h.provider,
                source: &h.source,
                checked: &h.checked,
                named: &h.named,
                outcome: &h.outcome,
                body: &h.body,
            })
            .unwrap_or_default()
        } else {
            // What a caller sent is shown printable and short: it may be anyone's.
            let body: String = crate::text::printable(&h.body).chars().take(160).collect();
            let named = if h.named.is_empty() {
                s::history_hook_names_nothing(out.lang)
            } else {
                // Whatever a caller put in it, a line's worth (`--json` has it whole).
                crate::text::printable(&h.named).chars().take(60).collect()
            };
            format!(
                "{}  {}  {}  {}  {named}  {body}",
                when.format("%Y-%m-%d %H:%M:%S"),
                h.provider,
                crate::text::printable(&h.source),
                h.checked
            )
        };
        out.line(&text);
    }
    exit::PAID
}

fn json(p: &Payment, lang: Lang, offset: FixedOffset) -> String {
    let line = Line {
        outcome: Outcome::of(p, lang),
        created_at: p.created_at.with_timezone(&offset).to_rfc3339(),
        updated_at: p.updated_at.with_timezone(&offset).to_rfc3339(),
        provider_id: p.provider_id.as_deref(),
        wallet_ref: p.wallet_ref.as_deref(),
        note: p.check_note.as_deref(),
        checked_by: p.checked_by.as_deref(),
        checked_at: p.checked_at.map(|t| t.with_timezone(&offset).to_rfc3339()),
        flag: p.flag.as_ref().map(|f| f.text(Lang::En)),
    };
    serde_json::to_string(&line).unwrap_or_default()
}

/// `YYYY-MM-DD`, `today`, `yesterday`.
fn parse_day(text: &str, today: NaiveDate) -> Option<NaiveDate> {
    match text.trim().to_ascii_lowercase().as_str() {
        "today" | "leo" => Some(today),
        "yesterday" | "jana" => today.checked_sub_days(Days::new(1)),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d").ok(),
    }
}

fn start_of(day: NaiveDate, offset: FixedOffset) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(offset).single())
        .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
}
