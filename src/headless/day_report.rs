//! `lipa report [--day DATE] [--json] [--close [--force]]`: the day's report (see
//! [`crate::report`]), and closing the day as a numbered Z report that is kept in the journal
//! and printed again as it was, never recomputed.

use crate::cli::{FilterArgs, ReportArgs, exit};
use crate::config::{Config, ConfigError};
use crate::journal::Closing;
use crate::lang::Lang;
use crate::money::{Currency, Money};
use crate::report::{DayReport, Tally};
use crate::strings::back_office as s;
use crate::till::till_name;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

#[derive(Serialize)]
struct Json<'a> {
    till: &'a str,
    closed: Option<ClosedJson<'a>>,
    #[serde(flatten)]
    report: &'a DayReport,
}

#[derive(Serialize)]
struct ClosedJson<'a> {
    number: i64,
    closed_at: String,
    closed_by: &'a str,
}

pub async fn run(args: ReportArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    let offset = crate::config::offset_of(&config);
    let filter_args = FilterArgs::day(args.day.as_deref().unwrap_or("today"));
    let operator = config.as_ref().ok().and_then(|c| c.operator.clone());
    let this_till = config
        .as_ref()
        .map_or_else(|_| till_name(), crate::config::Config::till);
    let receipt = config
        .as_ref()
        .ok()
        .map(|c| c.receipt.clone())
        .unwrap_or_default();
    let to_printer = |report: &DayReport, closing: Option<&Closing>, code: u8| -> u8 {
        if !args.print {
            return code;
        }
        match print_slip(report, closing, &this_till, &receipt, offset, lang) {
            Ok(()) => code,
            Err(why) => {
                crate::errln!("lipa report: {why}");
                exit::CONFIG
            }
        }
    };
    let all = i64::MAX as usize;
    let (journal, filter) = match super::history::open(&filter_args, all, config, offset, lang) {
        Ok(pair) => pair,
        Err((said, code)) => {
            crate::errln!("lipa report: {said}");
            return code;
        }
    };
    // On a chain's shared ledger a till's report, and its Z, count its own payments only:
    // the tills' Z reports add up to the chain's day.
    let mut filter = filter;
    if journal.is_shared() {
        filter.till = Some(this_till.clone());
    }
    let fail = |why: String| {
        crate::errln!("lipa report: {why}");
        exit::CONFIG
    };
    let day = filter
        .since
        .map(|t| t.with_timezone(&offset).date_naive())
        .unwrap_or_default();
    let day_id = day.format("%Y-%m-%d").to_string();
    let till = this_till.clone();
    // A journal that can only be read here (a backup, a snapshot) can be reported, not closed.
    if args.close && journal.is_read_only() {
        crate::errln!(
            "lipa report: {}",
            s::report_read_only(lang, &journal.path().display().to_string())
        );
        return exit::CONFIG;
    }
    // A day is closed once it has begun: never one still to come.
    let today = chrono::Utc::now().with_timezone(&offset).date_naive();
    if args.close && day > today {
        crate::errln!("lipa report: {}", s::report_future(lang, &day_id));
        return exit::INVALID;
    }
    // A closed day is printed as it was closed, never recomputed.
    match journal.closing(&day_id, &till) {
        Err(e) => return fail(e.text(lang)),
        Ok(Some(closing)) => {
            let report: DayReport = match serde_json::from_str(&closing.report) {
                Ok(r) => r,
                Err(e) => return fail(s::report_bad_stored(lang, &e.to_string())),
            };
            if args.close {
                crate::errln!(
                    "lipa report: {}",
                    s::report_already_closed(lang, closing.number)
                );
            }
            if !print(&report, &till, Some(&closing), offset, args.json, lang) {
                return exit::CONFIG;
            }
            // Payments of the day taken after it closed are in no Z report: say so.
            let after: Vec<_> = journal
                .history(&filter)
                .unwrap_or_default()
                .into_iter()
                .filter(|p| p.created_at > closing.closed_at)
                .collect();
            if !after.is_empty() {
                crate::errln!(
                    "lipa report: {}",
                    s::report_after_close(lang, after.len(), &after[0].reference.to_string())
                );
            }
            let code = if args.close {
                exit::INVALID
            } else {
                exit::PAID
            };
            return to_printer(&report, Some(&closing), code);
        }
        Ok(None) => {}
    }
    let payments = match journal.history(&filter) {
        Ok(v) => v,
        Err(e) => return fail(e.text(lang)),
    };
    let report = DayReport::build(day, offset, &payments);
    if !args.close {
        if !print(&report, &till, None, offset, args.json, lang) {
            return exit::CONFIG;
        }
        return to_printer(&report, None, exit::PAID);
    }
    if !report.unfinished.is_empty() && !args.force {
        if !print(&report, &till, None, offset, args.json, lang) {
            return exit::CONFIG;
        }
        let list: Vec<&str> = report.unfinished.iter().map(|(_, r)| r.as_str()).collect();
        crate::errln!(
            "lipa report: {}",
            s::report_unfinished(lang, list.len(), &list.join(", "))
        );
        return exit::PENDING;
    }
    let who = crate::operator::choose(args.operator.as_deref(), operator.as_deref());
    let stored = match serde_json::to_string(&report) {
        Ok(j) => j,
        Err(e) => return fail(e.to_string()),
    };
    match journal.close_day(&day_id, &till, &who, &stored) {
        Err(e) => fail(e.text(lang)),
        Ok((closing, new)) => {
            // The day is closed whatever stdout does; a stdout that fails is said, the Z
            // report stays in the journal to be printed again.
            let _ = print(&report, &till, Some(&closing), offset, args.json, lang);
            if new {
                crate::errln!(
                    "lipa report: {}",
                    s::report_closed_now(lang, closing.number)
                );
                to_printer(&report, Some(&closing), exit::PAID)
            } else {
                // Another process closed it between the look and the close.
                crate::errln!(
                    "lipa report: {}",
                    s::report_already_closed(lang, closing.number)
                );
                exit::INVALID
            }
        }
    }
}

/// Prints the report; false when stdout could not take it (said on stderr).
fn print(
    report: &DayReport,
    till: &str,
    closing: Option<&Closing>,
    offset: FixedOffset,
    json: bool,
    lang: Lang,
) -> bool {
    let at = |t: DateTime<chrono::Utc>| t.with_timezone(&offset);
    if json {
        let line = Json {
            till,
            closed: closing.map(|c| ClosedJson {
                number: c.number,
                closed_at: at(c.closed_at).to_rfc3339(),
                closed_by: &c.closed_by,
            }),
            report,
        };
        let text = format!("{}\n", serde_json::to_string(&line).unwrap_or_default());
        return said(&text, lang);
    }
    said(&human(report, till, closing, offset, lang), lang)
}

fn said(text: &str, lang: Lang) -> bool {
    match super::write_stdout(text) {
        Ok(()) => true,
        Err(e) => {
            super::stdout_broke("report", &e, lang);
            false
        }
    }
}

/// The report as a person reads it (also what a Z receipt will say).
pub fn human(
    report: &DayReport,
    till: &str,
    closing: Option<&Closing>,
    offset: FixedOffset,
    lang: Lang,
) -> String {
    human_as(report, till, &closed_state(closing, offset, lang), lang)
}

/// Whether the day is closed, and as what, in words for the report's head.
fn closed_state(closing: Option<&Closing>, offset: FixedOffset, lang: Lang) -> String {
    match closing {
        Some(c) => s::report_closed_as(
            lang,
            c.number,
            &c.closed_at
                .with_timezone(&offset)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            &c.closed_by,
        ),
        None => s::report_not_closed(lang).to_string(),
    }
}

/// The report with its head's state already worded (an agent's own report is neither a
/// till's closed day nor an open one: it is theirs, as it stands).
pub fn human_as(report: &DayReport, till: &str, state: &str, lang: Lang) -> String {
    let mut out = format!("{}\n", s::report_head(lang, &report.day, till, state));
    if report.count == 0 {
        out.push_str(&format!("{}\n", s::report_none(lang, &report.day)));
        return out;
    }
    for line in &report.providers {
        let currency = Currency::from_code(&line.currency).unwrap_or(Currency::Tzs);
        let provider = crate::provider_kind::ProviderKind::from_id(&line.provider)
            .map_or(line.provider.as_str(), |p| p.label());
        out.push_str(&format!("{provider} · {}\n", line.currency));
        for (label, t) in line.rows(lang) {
            out.push_str(&format!(
                "  {label:<22} {:>5}  {}\n",
                t.count,
                sum(t, currency)
            ));
        }
    }
    out.push_str(&format!("{}\n", s::report_by_operator(lang)));
    for o in &report.operators {
        let currency = Currency::from_code(&o.currency).unwrap_or(Currency::Tzs);
        out.push_str(&format!(
            "  {:<16} {:<24} {}\n",
            o.operator,
            s::report_operator_line(lang, o.count, o.paid.count),
            sum(&o.paid, currency)
        ));
    }
    let clock = |t: &Option<String>| {
        t.as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default()
    };
    out.push_str(&format!(
        "{}\n",
        s::report_span(
            lang,
            report.count,
            &clock(&report.first),
            &clock(&report.last)
        )
    ));
    out
}

fn sum(t: &Tally, currency: Currency) -> String {
    if t.count == 0 {
        String::new()
    } else {
        Money::to_string(&t.money(currency))
    }
}

/// The day (or its Z report) on the receipt printer.
fn print_slip(
    report: &DayReport,
    closing: Option<&Closing>,
    till: &str,
    receipt: &crate::config::ReceiptSettings,
    offset: FixedOffset,
    lang: Lang,
) -> Result<(), String> {
    use crate::receipt::escpos::{self, Printer};
    let named = receipt.printer.as_deref().unwrap_or_default();
    let printer = Printer::parse(named).ok_or_else(|| match named {
        "" => s::receipt_no_printer(lang),
        other => s::receipt_printer_unknown(lang, other),
    })?;
    let width = receipt.columns();
    let slip = crate::receipt::Slip {
        shop: receipt.shop_name(),
        till,
        width,
        demo: false,
        offset,
        lang,
    };
    let lines = crate::receipt::day_lines(report, closing, &slip);
    printer
        .send(&escpos::encode(&lines, None))
        .map_err(|e| s::receipt_printer_failed(lang, named, &e.to_string()))
}
