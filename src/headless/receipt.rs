//! `lipa receipt REFERENCE [--print] [--demo]`: a paid payment's slip (see [`crate::receipt`]),
//! printed as text, or sent as ESC/POS to the configured printer. A printer that is off or
//! refuses is said; nothing else is affected.

use crate::cli::{ReceiptArgs, exit};
use crate::config::{Config, ConfigError};
use crate::journal::Journal;
use crate::lang::Lang;
use crate::receipt::escpos::{self, Printer};
use crate::receipt::{self, NoReceipt, Slip};
use crate::strings::back_office as s;

pub fn run(args: ReceiptArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    let say = |text: String, code: u8| {
        crate::errln!("lipa receipt: {text}");
        code
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => return say(e.text(lang), exit::CONFIG),
    };
    let dir = if args.demo {
        config.data_dir.join("demo")
    } else {
        config.data_dir.clone()
    };
    let opened = if args.demo {
        Journal::open_in(&dir)
    } else {
        crate::setup::journal(&config)
    };
    let journal = match opened {
        Ok(j) => j,
        Err(e) => return say(e.text(lang), exit::CONFIG),
    };
    // Exactly as typed first (a reference given with `--reference` keeps its case, and one
    // differing only in case may be another payment's), then in capitals: lipa writes its
    // own so, and one typed in small letters is the same one.
    let typed = args.reference.trim();
    let found = match journal.find_reference(typed) {
        Ok(None) => journal.find_reference(&typed.to_uppercase()),
        other => other,
    };
    let p = match found {
        Ok(Some(p)) => p,
        Ok(None) => {
            return say(
                s::receipt_no_such(lang, args.reference.trim()),
                exit::INVALID,
            );
        }
        Err(e) => return say(e.text(lang), exit::CONFIG),
    };
    let till = config.till();
    let width = config.receipt.columns();
    let slip = Slip {
        shop: config.receipt.shop_name(),
        till: &till,
        width,
        demo: args.demo,
        offset: config.offset(),
        lang,
    };
    let lines = match receipt::lines(&p, &slip) {
        Ok(l) => l,
        Err(NoReceipt::NotPaid(st)) => {
            // In the reader's words, as the console and `history` say it.
            let word = crate::strings::console::status_word(lang, st, p.checked);
            return say(s::receipt_not_paid(lang, word), exit::INVALID);
        }
        Err(NoReceipt::Flagged) => {
            let why = p.flag.as_ref().map(|f| f.text(lang)).unwrap_or_default();
            return say(s::receipt_flagged(lang, &why), exit::INVALID);
        }
    };
    if !args.print {
        return match super::write_stdout(&receipt::text(&lines, width)) {
            Ok(()) => exit::PAID,
            Err(e) => super::stdout_broke("receipt", &e, lang),
        };
    }
    let Some(named) = config.receipt.printer.as_deref() else {
        return say(s::receipt_no_printer(lang), exit::CONFIG);
    };
    let Some(printer) = Printer::parse(named) else {
        return say(s::receipt_printer_unknown(lang, named), exit::CONFIG);
    };
    let bytes = escpos::encode(&lines, Some(p.reference.as_str()));
    match printer.send(&bytes) {
        Ok(()) => {
            crate::errln!("lipa receipt: {}", s::receipt_printed(lang, named));
            exit::PAID
        }
        Err(e) => say(
            s::receipt_printer_failed(lang, named, &e.to_string()),
            exit::CONFIG,
        ),
    }
}
