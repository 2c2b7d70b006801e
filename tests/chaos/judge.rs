//! The chaos test's judge: the journal against the simulator's ledger of truth.

use lipa::payment::LookupKind;
use lipa::payment::{Event, Payment, Status};
use lipa::provider::ProviderKind;
use lipa::provider::spec::LookupBy;
use lipa::sim::{LedgerEntry, SimStatus};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What the comparison found. Every list names the payments concerned.
#[derive(Debug, Default)]
pub struct Verdict {
    pub paid: usize,
    pub failed: usize,
    pub attention: usize,
    /// Attention, by what the simulator says (`never-received`, `pending`, `reversed`, …).
    pub attention_by_truth: BTreeMap<&'static str, usize>,
    /// Failed without the simulator ever receiving the push (refused, or never sent).
    pub failed_not_sent: usize,
    /// Journalled paid, reversed since (lipa saw it paid; final states never change).
    pub paid_then_reversed: usize,
    /// Pushes the simulator received that no journalled payment accounts for.
    pub lost: Vec<String>,
    /// A sale pushed twice, a reference initiated twice, or a sale journalled twice.
    pub doubled: Vec<String>,
    /// Neither final nor attention with a reason.
    pub unresolved: Vec<String>,
    /// Unknown to a provider that takes lipa's id, which says it never received it (and the
    /// simulator agrees): failed as never arrived once 15 minutes have passed since its last
    /// send, longer than the run.
    pub never_arrived: usize,
    /// A final status the simulator contradicts, a different amount or phone, a history the
    /// status machine forbids, a payment nobody sold.
    pub wrong: Vec<String>,
}

pub fn truth_word(entry: Option<&LedgerEntry>) -> &'static str {
    match entry.map(|e| e.status) {
        None => "never-received",
        Some(SimStatus::Pending) => "pending",
        Some(SimStatus::Paid) => "paid",
        Some(SimStatus::Failed) => "failed",
        Some(SimStatus::Reversed) => "reversed",
    }
}

/// Compares `rows` (with their `histories`, by payment id) with the `ledger`; `sold` holds the
/// normalized phone of every sale (one phone per sale).
pub fn judge(
    sold: &HashSet<String>,
    rows: &[Payment],
    histories: &HashMap<i64, Vec<Event>>,
    ledger: &[LedgerEntry],
) -> Verdict {
    let mut v = Verdict::default();
    pushes_are_accounted_for(&mut v, rows, ledger);
    one_row_per_sale(&mut v, sold, rows);
    for p in rows {
        let entry = ledger
            .iter()
            .find(|e| e.provider == p.provider && e.reference == p.reference.as_str());
        status_matches_truth(&mut v, p, entry);
        history_is_lawful(&mut v, p, histories.get(&p.id).map(Vec::as_slice));
    }
    v
}

/// Nothing lost, nothing doubled, seen from the simulator.
fn pushes_are_accounted_for(v: &mut Verdict, rows: &[Payment], ledger: &[LedgerEntry]) {
    let mut by_ref: HashMap<(ProviderKind, &str), usize> = HashMap::new();
    for p in rows {
        *by_ref
            .entry((p.provider, p.reference.as_str()))
            .or_default() += 1;
    }
    let mut by_phone: HashMap<&str, usize> = HashMap::new();
    for e in ledger {
        *by_phone.entry(e.phone.as_str()).or_default() += 1;
        match by_ref.get(&(e.provider, e.reference.as_str())) {
            None => v.lost.push(format!(
                "{} {} {} {} ({})",
                e.provider.id(),
                e.reference,
                e.phone,
                e.amount,
                truth_word(Some(e))
            )),
            Some(1) => {}
            Some(n) => v.doubled.push(format!("{}: {n} journal rows", e.reference)),
        }
        // A provider that takes lipa's id receives a send again under the same id as the same
        // payment (its simulator counts a second id for one sale as `repeated_pushes`).
        let same_id_again = e.provider.spec().lookup == LookupBy::OurId;
        if e.initiate_calls > 1 && !same_id_again {
            v.doubled.push(format!(
                "{}: initiated {} times",
                e.reference, e.initiate_calls
            ));
        }
    }
    for (phone, n) in by_phone.into_iter().filter(|(_, n)| *n > 1) {
        v.doubled.push(format!("{phone}: {n} pushes for one sale"));
    }
}

/// Every journalled payment is a sale, and no sale was journalled twice.
fn one_row_per_sale(v: &mut Verdict, sold: &HashSet<String>, rows: &[Payment]) {
    let mut by_phone: HashMap<&str, usize> = HashMap::new();
    for p in rows {
        *by_phone.entry(p.phone.as_str()).or_default() += 1;
    }
    for (phone, n) in by_phone {
        if n > 1 {
            v.doubled.push(format!("{phone}: {n} journalled payments"));
        }
        if !sold.contains(phone) {
            v.wrong.push(format!("{phone}: journalled but never sold"));
        }
    }
}

fn status_matches_truth(v: &mut Verdict, p: &Payment, entry: Option<&LedgerEntry>) {
    let label = format!(
        "{} {} {} {} ({}: ‘{}’; simulator: {})",
        p.provider.id(),
        p.reference,
        p.phone,
        p.amount,
        p.status.id(),
        p.message,
        truth_word(entry)
    );
    if let Some(e) = entry
        && (e.amount_minor != p.amount.minor() || e.phone != p.phone)
    {
        v.wrong.push(format!(
            "{label}: the simulator charged {} {}",
            e.phone, e.amount
        ));
    }
    match (p.status, entry.map(|e| e.status)) {
        (Status::Paid, Some(SimStatus::Paid)) => v.paid += 1,
        (Status::Paid, Some(SimStatus::Reversed)) => {
            v.paid += 1;
            v.paid_then_reversed += 1;
        }
        (Status::Failed, None) => {
            v.failed += 1;
            v.failed_not_sent += 1;
        }
        (Status::Failed, Some(SimStatus::Failed)) => v.failed += 1,
        (Status::Paid | Status::Failed, _) => v.wrong.push(label),
        (Status::Attention, _) if !p.message.to_string().trim().is_empty() => {
            v.attention += 1;
            *v.attention_by_truth.entry(truth_word(entry)).or_default() += 1;
        }
        (Status::Sending | Status::Unknown, None)
            if p.provider.spec().lookup == LookupBy::OurId
                && p.lookup == Some(LookupKind::NotFound) =>
        {
            v.never_arrived += 1;
        }
        _ => v.unresolved.push(label),
    }
}

/// The history starts `recorded`, every step is one the status machine allows, and it ends
/// where the payment stands.
fn history_is_lawful(v: &mut Verdict, p: &Payment, history: Option<&[Event]>) {
    let steps: Vec<Status> = history
        .unwrap_or_default()
        .iter()
        .map(|e| e.status)
        .collect();
    let lawful = steps.first() == Some(&Status::Recorded)
        && steps.windows(2).all(|w| w[0].can_become(w[1]))
        && steps.last() == Some(&p.status);
    if !lawful {
        let words: Vec<&str> = steps.iter().map(|s| s.id()).collect();
        v.wrong.push(format!(
            "{} {}: history {} ends {}",
            p.provider.id(),
            p.reference,
            words.join(" → "),
            p.status.id()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use lipa::money::{Currency, Money};
    use lipa::reference::Reference;

    fn row(id: i64, reference: &str, phone: &str, status: Status, message: &str) -> Payment {
        Payment {
            id,
            provider: ProviderKind::ClickPesa,
            reference: Reference::from_stored(reference.into()),
            phone: phone.into(),
            amount: Money::from_minor(1000, Currency::Tzs),
            channel: None,
            email: None,
            name: None,
            status,
            message: message.into(),
            provider_id: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            sent_at: None,
            polls: 0,
            checked: false,
            said: lipa::strings::Msg::Empty,
            lookup: None,
            heard_at: None,
            checked_by: None,
            checked_at: None,
            check_note: None,
            replaces: None,
            replaced_by: None,
            operator: "rehema".into(),
            flag: None,
            till: "duka-1".into(),
            wallet_ref: None,
        }
    }

    fn push(reference: &str, phone: &str, status: SimStatus, calls: u32) -> LedgerEntry {
        LedgerEntry {
            provider: ProviderKind::ClickPesa,
            reference: reference.into(),
            id: format!("id-{reference}"),
            phone: phone.into(),
            amount: "1000".into(),
            amount_minor: 1000,
            currency: "TZS".into(),
            channel: "TIGO-PESA".into(),
            created_at: Utc::now(),
            status,
            wire_status: String::new(),
            is_final: true,
            initiate_calls: calls,
            status_queries: 1,
            most_queries_at_once: 1,
            initiate_failed: false,
            proves_nothing: false,
        }
    }

    fn history(rows: &[Payment]) -> HashMap<i64, Vec<Event>> {
        let event = |id, status| Event {
            payment_id: id,
            at: Utc::now(),
            status,
            message: lipa::strings::Msg::Empty,
            kind: lipa::payment::EventKind::Status,
            who: None,
        };
        rows.iter()
            .map(|p| {
                let mut steps = vec![event(p.id, Status::Recorded)];
                if p.status != Status::Recorded {
                    steps.push(event(p.id, Status::Sending));
                }
                if p.status != Status::Sending && p.status != Status::Recorded {
                    steps.push(event(p.id, p.status));
                }
                (p.id, steps)
            })
            .collect()
    }

    #[test]
    fn an_honest_journal_passes() {
        let rows = [
            row(1, "A", "255712000010", Status::Paid, "Paid."),
            row(2, "B", "255712000026", Status::Failed, "Cancelled."),
            row(3, "C", "255712000030", Status::Failed, "Not sent: 429."),
            row(4, "D", "255712000048", Status::Attention, "No answer."),
        ];
        let ledger = [
            push("A", "255712000010", SimStatus::Reversed, 1),
            push("B", "255712000026", SimStatus::Failed, 1),
            push("D", "255712000048", SimStatus::Pending, 1),
        ];
        let sold = rows.iter().map(|p| p.phone.clone()).collect();
        let v = judge(&sold, &rows, &history(&rows), &ledger);
        assert!(v.lost.is_empty() && v.doubled.is_empty(), "{v:?}");
        assert!(v.unresolved.is_empty() && v.wrong.is_empty(), "{v:?}");
        assert_eq!((v.paid, v.paid_then_reversed, v.failed), (1, 1, 2));
        assert_eq!((v.failed_not_sent, v.attention), (1, 1));
    }

    #[test]
    fn every_breach_is_named() {
        let rows = [
            // Failed while the customer paid: money taken, sale lost.
            row(1, "A", "255712000010", Status::Failed, "Not sent."),
            // Paid although the push never arrived.
            row(2, "B", "255712000020", Status::Paid, "Paid."),
            row(3, "C", "255712000030", Status::Unknown, "?"),
            row(4, "D", "255712000040", Status::Attention, " "),
        ];
        let ledger = [
            push("A", "255712000010", SimStatus::Paid, 1),
            push("C", "255712000030", SimStatus::Paid, 2),
            // The same sale pushed again under another reference, never journalled.
            push("E", "255712000030", SimStatus::Paid, 1),
        ];
        let sold = rows.iter().map(|p| p.phone.clone()).collect();
        let mut histories = history(&rows);
        histories.insert(2, Vec::new());
        let v = judge(&sold, &rows, &histories, &ledger);
        assert_eq!(v.lost.len(), 1, "{v:?}");
        assert_eq!(v.doubled.len(), 2, "{v:?}");
        assert_eq!(v.unresolved.len(), 2, "{v:?}");
        // A and B contradict the simulator; B's history is empty.
        assert_eq!(v.wrong.len(), 3, "{v:?}");
    }
}
