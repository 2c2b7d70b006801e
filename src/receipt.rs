//! A payment confirmation for a paid payment, laid out for a roll of 32, 42 or 48 columns:
//! shop and till, date and time, provider and channel, amount, the customer's number masked,
//! the provider's transaction id, lipa's reference, operator, status, and "Not a tax
//! receipt". Never the customer's balance. A demo receipt says DEMO on every line that
//! matters. The same lines print as text or as ESC/POS ([`escpos`]).

pub mod escpos;

use crate::lang::Lang;
use crate::payment::{Payment, Status};
use crate::strings::back_office as s;
use chrono::FixedOffset;
use unicode_width::UnicodeWidthStr;

/// The widths a receipt is laid out for (the common rolls).
pub const WIDTHS: [usize; 3] = [32, 42, 48];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
}

/// One printed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub align: Align,
    pub bold: bool,
}

/// What the receipt needs besides the payment.
#[derive(Debug, Clone)]
pub struct Slip<'a> {
    pub shop: &'a str,
    pub till: &'a str,
    pub width: usize,
    pub demo: bool,
    pub offset: FixedOffset,
    pub lang: Lang,
}

/// Why there is no receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoReceipt {
    /// Only a paid payment gets one.
    NotPaid(Status),
    /// Paid, but the provider said otherwise since (reversed): no confirmation of money that
    /// may not be there.
    Flagged,
}

/// The receipt's lines, each at most `slip.width` columns.
pub fn lines(p: &Payment, slip: &Slip<'_>) -> Result<Vec<Line>, NoReceipt> {
    if p.status != Status::Paid {
        return Err(NoReceipt::NotPaid(p.status));
    }
    if p.flag.is_some() {
        return Err(NoReceipt::Flagged);
    }
    let lang = slip.lang;
    let w = slip.width.clamp(WIDTHS[0], WIDTHS[2]);
    let mut out = Vec::new();
    let center = |text: String, bold: bool| Line {
        text,
        align: Align::Center,
        bold,
    };
    let demo = |text: String| {
        if slip.demo {
            format!("{text} {}", s::receipt_demo_mark(lang))
        } else {
            text
        }
    };
    let banner = || banner(s::receipt_demo_banner(lang), w);
    if slip.demo {
        out.extend(banner().into_iter().map(|t| center(t, true)));
    }
    for part in wrap(slip.shop, w) {
        out.push(center(part, true));
    }
    for part in wrap(&s::receipt_till(lang, slip.till), w) {
        out.push(center(part, false));
    }
    out.push(center("-".repeat(w), false));
    for part in wrap(&demo(s::receipt_title(lang).to_string()), w) {
        out.push(center(part, true));
    }
    let when = p
        .updated_at
        .with_timezone(&slip.offset)
        .format("%Y-%m-%d %H:%M")
        .to_string();
    // The wallet by the name the customer knows (a channel code of the provider's table is
    // its wallet's name); a code lipa does not know is shown as it is.
    let provider = match &p.channel {
        Some(ch) => format!("{} ({})", p.provider.label(), wallet_name(p.provider, ch)),
        None => p.provider.label().to_string(),
    };
    let facts: [(&str, String, bool); 8] = [
        (s::receipt_date(lang), when, false),
        (s::receipt_provider(lang), provider, false),
        (s::receipt_amount(lang), demo(p.amount.to_string()), true),
        (s::receipt_customer(lang), p.masked_phone(), false),
        // The wallet's own id, which the customer's SMS shows, when the provider gave it.
        match &p.wallet_ref {
            Some(wallet_ref) => (s::receipt_wallet_ref(lang), wallet_ref.clone(), false),
            None => (
                s::receipt_provider_id(lang),
                p.provider_id.clone().unwrap_or_else(|| "-".into()),
                false,
            ),
        },
        (
            s::receipt_reference(lang),
            p.reference.as_str().to_string(),
            false,
        ),
        (s::receipt_operator(lang), p.operator.clone(), false),
        (
            s::receipt_status(lang),
            demo(s::receipt_paid(lang).to_string()),
            true,
        ),
    ];
    // The labels' column: as wide as the labels that fit in three eighths of the roll; a
    // longer label (Swahili's "Namba ya muamala" on 32 columns) has a line of its own.
    let label_w = facts
        .iter()
        .map(|(l, _, _)| l.width())
        .filter(|lw| *lw <= w * 3 / 8)
        .max()
        .unwrap_or(0);
    let room = w.saturating_sub(label_w + 1);
    let left = |text: String, bold: bool| Line {
        text,
        align: Align::Left,
        bold,
    };
    for (label, value, bold) in facts {
        let beside = label.width() <= label_w;
        if beside && value.width() <= room {
            let pad = label_w - label.width();
            out.push(left(format!("{label}{} {value}", " ".repeat(pad)), bold));
        } else if beside
            && value.width() > w - INDENT.len()
            && value.split(' ').all(|word| word.width() <= room)
        {
            // Too long for a line of its own anyway: wrapped beside its label, at spaces.
            for (i, part) in wrap(&value, room).into_iter().enumerate() {
                let head = if i == 0 { label } else { "" };
                let pad = label_w - head.width();
                out.push(left(format!("{head}{} {part}", " ".repeat(pad)), bold));
            }
        } else {
            // The value on lines of its own, under its label: a date, a number, a reference
            // or an id is never cut where it need not be.
            out.push(left(label.to_string(), bold));
            for part in wrap(&value, w - INDENT.len()) {
                out.push(left(format!("{INDENT}{part}"), bold));
            }
        }
    }
    out.push(center("-".repeat(w), false));
    for part in wrap(s::receipt_not_tax(lang), w) {
        out.push(center(part, false));
    }
    if slip.demo {
        out.extend(banner().into_iter().map(|t| center(t, true)));
    }
    Ok(out)
}

/// How far a value on a line of its own is set in under its label.
const INDENT: &str = "  ";

/// A channel's wallet name in its provider's table (`63902` → `M-PESA`), else the code as it
/// is.
fn wallet_name(provider: crate::provider_kind::ProviderKind, code: &str) -> &str {
    provider
        .spec()
        .channels
        .and_then(|t| t.name_of(code.trim()))
        .unwrap_or(code)
}

/// The demo banner in `width`: without its stars when it does not fit with them, then
/// wrapped.
fn banner(text: &str, width: usize) -> Vec<String> {
    let bare = text.trim_matches(|c| c == '*' || c == ' ');
    if text.width() <= width {
        vec![text.to_string()]
    } else {
        wrap(bare, width)
    }
}

/// A day's report on the roll: the Z number (or "not closed"), then per provider and
/// currency the counts and sums, then per operator.
pub fn day_lines(
    report: &crate::report::DayReport,
    closing: Option<&crate::journal::Closing>,
    slip: &Slip<'_>,
) -> Vec<Line> {
    use crate::money::Currency;
    let lang = slip.lang;
    let w = slip.width.clamp(WIDTHS[0], WIDTHS[2]);
    let center = |text: String, bold: bool| Line {
        text,
        align: Align::Center,
        bold,
    };
    let left = |text: String, bold: bool| Line {
        text,
        align: Align::Left,
        bold,
    };
    let mut out = Vec::new();
    for part in wrap(slip.shop, w) {
        out.push(center(part, true));
    }
    out.push(center(s::receipt_till(lang, slip.till), false));
    out.push(center("-".repeat(w), false));
    let head = match closing {
        Some(c) => s::receipt_z(lang, c.number),
        None => s::report_not_closed(lang).to_uppercase(),
    };
    out.push(center(head, true));
    out.push(center(report.day.clone(), false));
    let row = |label: &str, count: u64, amount: String| {
        let right = if amount.is_empty() {
            count.to_string()
        } else {
            format!("{count}  {amount}")
        };
        let pad = w.saturating_sub(label.width() + right.width()).max(1);
        format!("{label}{}{right}", " ".repeat(pad))
    };
    for line in &report.providers {
        let c = Currency::from_code(&line.currency).unwrap_or(Currency::Tzs);
        let sum = |t: &crate::report::Tally| {
            if t.count == 0 {
                String::new()
            } else {
                t.money(c).to_string()
            }
        };
        out.push(center("-".repeat(w), false));
        let provider = crate::provider_kind::ProviderKind::from_id(&line.provider)
            .map_or(line.provider.as_str(), |p| p.label());
        out.push(left(format!("{provider} {}", line.currency), true));
        for (label, t) in line.rows(lang) {
            out.push(left(
                row(label, t.count, sum(t)),
                label == s::report_paid(lang),
            ));
        }
    }
    out.push(center("-".repeat(w), false));
    out.push(left(s::report_by_operator(lang).to_string(), true));
    for o in &report.operators {
        let c = Currency::from_code(&o.currency).unwrap_or(Currency::Tzs);
        let amount = if o.paid.count == 0 {
            String::new()
        } else {
            o.paid.money(c).to_string()
        };
        let name: String = take_width(&o.operator, w / 2);
        out.push(left(row(&name, o.paid.count, amount), false));
    }
    out.push(center("-".repeat(w), false));
    out.push(center(s::receipt_not_tax(lang).to_string(), false));
    out
}

/// The lines as plain text, centred lines centred in the width.
pub fn text(lines: &[Line], width: usize) -> String {
    let mut out = String::new();
    for l in lines {
        let pad = match l.align {
            Align::Left => 0,
            Align::Center => width.saturating_sub(l.text.width()) / 2,
        };
        out.push_str(&" ".repeat(pad));
        out.push_str(&l.text);
        out.push('\n');
    }
    out
}

/// Breaks text into pieces of at most `width` columns, at spaces when it can; a word longer
/// than the width after its last `-`, `_`, `/` or `.` that fits, and only then anywhere.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        while word.width() > width {
            let most: String = take_width(&word, width);
            let cut = match most.rfind(['-', '_', '/', '.']) {
                Some(i) if i > 0 => most[..=i].to_string(),
                _ => most,
            };
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            word = word[cut.len()..].to_string();
            out.push(cut);
        }
        let need = if line.is_empty() { 0 } else { 1 } + word.width();
        if line.width() + need > width && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

fn take_width(text: &str, width: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let next = format!("{out}{c}");
        if next.width() > width {
            break;
        }
        out = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slip(width: usize, demo: bool) -> Slip<'static> {
        Slip {
            shop: "Duka la Mama Amina, Kariakoo Market",
            till: "duka-1",
            width,
            demo,
            offset: FixedOffset::east_opt(3 * 3600).expect("offset"),
            lang: Lang::En,
        }
    }

    fn paid() -> Payment {
        let mut p = crate::strings::samples::sample_payment();
        p.status = Status::Paid;
        p.provider_id = Some("CPX7F3K9QW2".into());
        p
    }

    #[test]
    fn every_line_fits_every_roll_and_the_balance_never_shows() {
        for w in WIDTHS {
            let lines = lines(&paid(), &slip(w, false)).expect("paid");
            let printed = text(&lines, w);
            for l in printed.lines() {
                assert!(l.width() <= w, "{w}: {l:?}");
            }
            assert!(printed.contains("Not a tax receipt"), "{printed}");
            assert!(printed.contains("TZS 150,000"), "{printed}");
            assert!(printed.contains("CPX7F3K9QW2"));
            assert!(
                !printed.contains("712345670"),
                "the number is masked: {printed}"
            );
            assert!(!printed.to_lowercase().contains("balance"));
        }
    }

    #[test]
    fn a_demo_receipt_says_demo_where_it_matters() {
        let printed = text(&lines(&paid(), &slip(32, true)).expect("paid"), 32);
        for must in ["TZS 150,000", "PAID"] {
            let line = printed.lines().find(|l| l.contains(must)).expect(must);
            assert!(line.contains("DEMO"), "{line}");
        }
        assert!(printed.lines().next().is_some_and(|l| l.contains("DEMO")));
    }

    /// Issue 21: the Swahili demo slip was 34 columns on a 32-column roll (the banner), cut
    /// references and ids mid-word, and named a wallet by its channel code (a provider whose
    /// row has channels, in Kenya).
    #[test]
    fn a_swahili_demo_slip_fits_the_roll_whole_words_and_the_wallet_by_name() {
        let mut p = paid();
        p.provider = crate::provider_kind::ProviderKind::ALL
            .into_iter()
            .find(|k| k.spec().channels.is_some())
            .expect("a provider with channels");
        let label = p.provider.label();
        p.amount = crate::money::Money::from_minor(150_050, crate::money::Currency::Kes);
        p.channel = Some("63902".into());
        p.provider_id = Some("9b2c4f1e-7a3d-4e8b-9c21-5f6a7b8c9d0e".into());
        p.reference = crate::reference::Reference::parse("DUKA-KARIAKOO-2026-000123", p.provider)
            .expect("reference");
        p.operator = "Rehema Mwanaisha Juma".into();
        for w in WIDTHS {
            for lang in [Lang::Sw, Lang::En] {
                let mut slip = slip(w, true);
                slip.lang = lang;
                let printed = text(&lines(&p, &slip).expect("paid"), w);
                for l in printed.lines() {
                    assert!(l.width() <= w, "{w} {lang:?}: {l:?} is {}", l.width());
                }
                assert!(printed.contains(&format!("{label} (M-PESA)")), "{printed}");
                assert!(!printed.contains("63902"), "{printed}");
                assert!(
                    printed.contains("DUKA-KARIAKOO-2026-000123"),
                    "the reference whole: {printed}"
                );
                // The id is wider than the narrow roll: cut only after its dashes.
                for piece in ["9b2c4f1e-", "7a3d-", "4e8b-", "9c21-", "5f6a7b8c9d0e"] {
                    assert!(printed.contains(piece), "{piece}: {printed}");
                }
                if w >= 42 {
                    assert!(printed.contains("9b2c4f1e-7a3d-4e8b-9c21-5f6a7b8c9d0e"));
                }
                let demo = if lang == Lang::Sw {
                    "MAJARIBIO"
                } else {
                    "DEMO"
                };
                assert!(printed.lines().next().is_some_and(|l| l.contains(demo)));
                // A date, a masked number and an amount are never split over two lines.
                let when = p
                    .updated_at
                    .with_timezone(&slip.offset)
                    .format("%Y-%m-%d %H:%M")
                    .to_string();
                for whole in [when, p.masked_phone(), format!("KES 1,500.50 {demo}")] {
                    assert!(printed.contains(&whole), "{whole}: {printed}");
                }
            }
        }
        // A channel lipa does not know is shown as it is.
        p.channel = Some("99999".into());
        let printed = text(&lines(&p, &slip(32, false)).expect("paid"), 32);
        assert!(printed.contains(&format!("{label} (99999)")), "{printed}");
    }

    #[test]
    fn only_a_paid_payment_gets_one() {
        let mut p = paid();
        p.status = Status::Failed;
        assert_eq!(
            lines(&p, &slip(32, false)),
            Err(NoReceipt::NotPaid(Status::Failed))
        );
    }
}
