//! Reconciliation: what the journal holds for a day beside what the provider holds. Each
//! journalled payment is put in one category from the provider's records under its
//! reference; the provider's records no journal payment claims are listed apart. Pure: the
//! command fetches, this decides, the command applies.

use crate::money::Money;
use crate::payment::{Payment, Status};
use crate::provider::RemoteState;
use serde::Serialize;

/// One record the provider holds under a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub state: RemoteState,
    /// The provider's word, verbatim (`SUCCESS`, `REVERSED`, …).
    pub word: String,
    /// What it collected, when it says.
    pub amount: Option<Money>,
}

/// Where a journalled payment stands against the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Both say the same final word (or both say a person must look).
    Matched,
    /// Neither side is final yet: still waiting for the customer.
    StillOpen,
    /// lipa has it open, the provider has it final: applied through the status machine.
    Resolvable,
    /// One says paid, the other failed: a person must look.
    Dangerous,
    /// Paid, but for another amount or currency.
    AmountDiffers,
    /// Final in lipa, and the provider now says reversed, refunded or on hold: flagged, the
    /// status kept.
    ChangedAfterFinal,
    /// More than one successful record under one reference (a double charge?).
    Several,
    /// The provider has no record of it (and lipa does not have it failed).
    UnknownToProvider,
}

impl Category {
    /// Whether a person must look.
    pub fn needs_person(&self) -> bool {
        !matches!(
            self,
            Category::Matched | Category::Resolvable | Category::StillOpen
        )
    }
}

/// The category of a journalled payment, from the provider's records under its reference.
pub fn classify(p: &Payment, seen: &[Seen]) -> Category {
    let paid: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.state == RemoteState::Paid)
        .collect();
    if paid.len() > 1 {
        return Category::Several;
    }
    // Several attempts: one success decides; then anything needing a person; failed only if
    // every attempt failed; otherwise it still waits.
    let theirs = if let Some(s) = paid.first() {
        Some(*s)
    } else if let Some(s) = seen.iter().find(|s| s.state == RemoteState::Attention) {
        Some(s)
    } else if !seen.is_empty() && seen.iter().all(|s| s.state == RemoteState::Failed) {
        seen.first()
    } else {
        seen.iter().find(|s| s.state == RemoteState::Pending)
    };
    let Some(theirs) = theirs else {
        // Nothing at the provider: right for a payment that failed before reaching it.
        return if p.status == Status::Failed {
            Category::Matched
        } else {
            Category::UnknownToProvider
        };
    };
    let ours_open = !p.status.is_final();
    match (p.status, theirs.state) {
        (_, RemoteState::Paid) if theirs.amount.is_some_and(|a| a != p.amount) => {
            Category::AmountDiffers
        }
        (Status::Paid, RemoteState::Paid) | (Status::Failed, RemoteState::Failed) => {
            Category::Matched
        }
        (Status::Paid, RemoteState::Failed) | (Status::Failed, RemoteState::Paid) => {
            Category::Dangerous
        }
        (Status::Paid | Status::Failed, RemoteState::Attention) => Category::ChangedAfterFinal,
        (Status::Paid | Status::Failed, RemoteState::Pending) => Category::Dangerous,
        (_, RemoteState::Paid | RemoteState::Failed) if ours_open => Category::Resolvable,
        (Status::Attention, _) => Category::Matched,
        (_, RemoteState::Pending) if ours_open => Category::StillOpen,
        // Both still open, or both say a person must look.
        _ => Category::Matched,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn payment(status: Status, minor: i64) -> Payment {
        let mut p = crate::strings::engine::sample_payment();
        p.status = status;
        p.amount = Money::from_minor(minor, Currency::Tzs);
        p
    }

    fn seen(state: RemoteState, word: &str, minor: Option<i64>) -> Seen {
        Seen {
            state,
            word: word.into(),
            amount: minor.map(|m| Money::from_minor(m, Currency::Tzs)),
        }
    }

    #[test]
    fn every_category() {
        use Category::*;
        use RemoteState::*;
        let paid = || seen(Paid, "SUCCESS", Some(1500));
        let cases = [
            (Status::Paid, vec![paid()], Matched),
            (Status::Failed, vec![seen(Failed, "FAILED", None)], Matched),
            (Status::Failed, vec![], Matched),
            (Status::Pending, vec![paid()], Resolvable),
            (
                Status::Unknown,
                vec![seen(Failed, "FAILED", None)],
                Resolvable,
            ),
            (Status::Attention, vec![paid()], Resolvable),
            (Status::Paid, vec![seen(Failed, "FAILED", None)], Dangerous),
            (Status::Failed, vec![paid()], Dangerous),
            (
                Status::Paid,
                vec![seen(Paid, "SUCCESS", Some(1400))],
                AmountDiffers,
            ),
            (
                Status::Paid,
                vec![seen(Attention, "REVERSED", Some(1500))],
                ChangedAfterFinal,
            ),
            (Status::Paid, vec![paid(), paid()], Several),
            (Status::Pending, vec![], UnknownToProvider),
            (Status::Paid, vec![], UnknownToProvider),
            // A failed attempt beside the success: the success decides.
            (
                Status::Paid,
                vec![seen(Failed, "FAILED", None), paid()],
                Matched,
            ),
            (
                Status::Pending,
                vec![seen(Pending, "PROCESSING", None)],
                StillOpen,
            ),
        ];
        for (status, records, want) in cases {
            let p = payment(status, 1500);
            assert_eq!(classify(&p, &records), want, "{status:?} {records:?}");
        }
        assert!(Dangerous.needs_person() && !Resolvable.needs_person());
    }
}
