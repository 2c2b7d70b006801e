//! Reconciliation: what the journal holds for a day beside what the provider holds. Each
//! journalled payment is put in one category from the provider's records under its
//! reference; the provider's records no journal payment claims are listed apart. Pure: the
//! command fetches, this decides, the command applies.

use crate::money::Money;
use crate::payment::RemoteState;
use crate::payment::{Payment, Status};
use serde::Serialize;

/// One record the provider holds under a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub state: RemoteState,
    /// The provider's word, verbatim (`SUCCESS`, `REVERSED`, …).
    pub word: String,
    /// What it collected, when it says in a currency lipa knows. A paid record without one
    /// proves nothing about the money.
    pub amount: Option<Money>,
}

/// Where a journalled payment stands against the provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Both say the same final word (or a person has looked at what needed one).
    Matched,
    /// Neither side is final yet: still waiting for the customer (or a *needs you* a person
    /// checked, which the provider still holds as processing).
    StillOpen,
    /// lipa has it open, the provider has something to say: asked through the status machine.
    Resolvable,
    /// One says paid, the other failed: a person must look.
    Dangerous,
    /// Paid at the provider, but for another amount or currency, or for none it says.
    AmountDiffers,
    /// Final in lipa, and the provider now says reversed, refunded or on hold (even beside a
    /// success): flagged, the status kept.
    ChangedAfterFinal,
    /// More than one successful record under one reference (a double charge?).
    Several,
    /// The provider has no record of it (and lipa does not have it failed).
    UnknownToProvider,
    /// lipa says a person must look (*needs you*, or flagged) and nobody has yet: the day does
    /// not close until someone does.
    NeedsYou,
}

impl Category {
    /// The category, as a person reads it.
    pub fn text(&self, lang: crate::lang::Lang) -> &'static str {
        use crate::strings::back_office as s;
        use Category::*;
        match self {
            Matched => s::reconcile_matched(lang),
            Resolvable => s::reconcile_resolvable(lang),
            StillOpen => s::reconcile_still_open(lang),
            Dangerous => s::reconcile_dangerous(lang),
            AmountDiffers => s::reconcile_amount(lang),
            ChangedAfterFinal => s::reconcile_changed(lang),
            Several => s::reconcile_several(lang),
            UnknownToProvider => s::reconcile_unknown(lang),
            NeedsYou => s::reconcile_needs_you(lang),
        }
    }

    /// Whether a person must look.
    pub fn needs_person(&self) -> bool {
        !matches!(
            self,
            Category::Matched | Category::Resolvable | Category::StillOpen
        )
    }
}

/// Whether lipa itself says a person must look at `p` and nobody has: *needs you* not checked,
/// or final and flagged since, not checked (as `report --close` counts it).
pub fn awaits_person(p: &Payment) -> bool {
    !p.checked && (p.status == Status::Attention || p.flag.is_some())
}

/// The category of a journalled payment, from the provider's records under its reference.
/// The order of the records never decides: two successes are several; a record that needs
/// attention (reversed, refunded, on hold) decides over a success beside it; failed only when
/// every record failed.
pub fn classify(p: &Payment, seen: &[Seen]) -> Category {
    let category = provider_side(p, seen);
    if category == Category::Matched && awaits_person(p) {
        return Category::NeedsYou;
    }
    category
}

fn provider_side(p: &Payment, seen: &[Seen]) -> Category {
    let of = |st: RemoteState| seen.iter().filter(move |s| s.state == st);
    if of(RemoteState::Paid).count() > 1 {
        return Category::Several;
    }
    let theirs = if let Some(s) = of(RemoteState::Attention).next() {
        Some(s)
    } else if let Some(s) = of(RemoteState::Paid).next() {
        Some(s)
    } else if !seen.is_empty() && seen.iter().all(|s| s.state == RemoteState::Failed) {
        seen.first()
    } else {
        of(RemoteState::Pending).next()
    };
    let Some(theirs) = theirs else {
        // Nothing at the provider: right for a payment that failed before reaching it.
        return if p.status == Status::Failed {
            Category::Matched
        } else {
            Category::UnknownToProvider
        };
    };
    match (p.status, theirs.state) {
        (_, RemoteState::Paid) if theirs.amount != Some(p.amount) => Category::AmountDiffers,
        (Status::Paid, RemoteState::Paid) | (Status::Failed, RemoteState::Failed) => {
            Category::Matched
        }
        (Status::Paid, RemoteState::Failed) | (Status::Failed, RemoteState::Paid) => {
            Category::Dangerous
        }
        // Looked at by a person after it was flagged: what the flag says still holds.
        (Status::Paid | Status::Failed, RemoteState::Attention)
            if p.checked && p.flag.is_some() =>
        {
            Category::Matched
        }
        (Status::Paid | Status::Failed, RemoteState::Attention) => Category::ChangedAfterFinal,
        (Status::Paid | Status::Failed, RemoteState::Pending) => Category::Dangerous,
        // lipa asks a person; the provider says it is final: asked again, it may settle.
        (Status::Attention, RemoteState::Paid | RemoteState::Failed) => Category::Resolvable,
        // A person has looked, and the provider still waits (PROCESSING): nothing matches yet,
        // it is open on both sides (a tester's checked payment was called matched).
        (Status::Attention, RemoteState::Pending) if p.checked => Category::StillOpen,
        // Both say a person must look, or lipa does and the provider still waits: matched when
        // a person has looked at the first (else *needs you*, see [`classify`]).
        (Status::Attention, _) => Category::Matched,
        (_, RemoteState::Paid | RemoteState::Failed | RemoteState::Attention) => {
            Category::Resolvable
        }
        (_, RemoteState::Pending) => Category::StillOpen,
    }
}

/// The category once a resolvable payment was asked: resolved when it is final now; *needs
/// you* when the answer made it so; still open when nothing settled it.
pub fn after_asking(category: Category, now: &Payment) -> Category {
    match category {
        Category::Resolvable if now.status.is_final() && !awaits_person(now) => {
            Category::Resolvable
        }
        Category::Resolvable if awaits_person(now) => Category::NeedsYou,
        Category::Resolvable => Category::StillOpen,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn payment(status: Status, minor: i64) -> Payment {
        let mut p = crate::strings::samples::sample_payment();
        p.status = status;
        p.checked = false;
        p.flag = None;
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
        assert!(NeedsYou.needs_person());
    }

    /// None of these is matched (issue 21): lipa's own *needs you* nobody has checked, a
    /// success that names no amount or an amount in a currency lipa does not know, and a
    /// success beside a reversed or refunded record under the same reference.
    #[test]
    fn what_is_not_matched() {
        use Category::*;
        use RemoteState::*;
        let paid = || seen(Paid, "SUCCESS", Some(1500));
        // Needs you, not checked: whatever the provider says short of final.
        for records in [vec![seen(Pending, "PROCESSING", None)], vec![]] {
            let p = payment(Status::Attention, 1500);
            assert_ne!(classify(&p, &records), Matched, "{records:?}");
            assert!(classify(&p, &records).needs_person());
        }
        let p = payment(Status::Attention, 1500);
        assert_eq!(classify(&p, &[seen(Pending, "PROCESSING", None)]), NeedsYou);
        assert_eq!(classify(&p, &[seen(Attention, "ON-HOLD", None)]), NeedsYou);
        // Checked by a person while the provider still says PROCESSING: open on both sides,
        // not matched; matched once both say a person must look.
        let mut checked = payment(Status::Attention, 1500);
        checked.checked = true;
        assert_eq!(
            classify(&checked, &[seen(Pending, "PROCESSING", None)]),
            StillOpen
        );
        assert_eq!(
            classify(&checked, &[seen(Attention, "ON-HOLD", None)]),
            Matched
        );
        // Paid with no readable amount (or in a currency lipa does not know: the record's
        // amount cannot be read as money), or in another currency.
        let p = payment(Status::Paid, 1500);
        assert_eq!(classify(&p, &[seen(Paid, "SUCCESS", None)]), AmountDiffers);
        let kes = Seen {
            state: Paid,
            word: "SUCCESS".into(),
            amount: Some(Money::from_minor(1500, Currency::Kes)),
        };
        assert_eq!(classify(&p, &[kes]), AmountDiffers);
        let open = payment(Status::Pending, 1500);
        assert_eq!(
            classify(&open, &[seen(Paid, "SUCCESS", None)]),
            AmountDiffers
        );
        // A success beside a reversed or refunded record, in either order.
        for word in ["REVERSED", "REFUNDED"] {
            let other = seen(Attention, word, Some(1500));
            for records in [vec![paid(), other.clone()], vec![other.clone(), paid()]] {
                assert_eq!(classify(&p, &records), ChangedAfterFinal, "{records:?}");
                assert_eq!(classify(&open, &records), Resolvable, "{records:?}");
            }
        }
        // Open in lipa, reversed at the provider: asked again, never matched.
        assert_eq!(
            classify(&open, &[seen(Attention, "REVERSED", Some(1500))]),
            Resolvable
        );
        // Flagged and not checked: a person still has to look.
        let mut flagged = payment(Status::Paid, 1500);
        flagged.flag = Some(crate::msg::Msg::ChangedAfterFinal {
            word: "REVERSED".into(),
        });
        assert_eq!(classify(&flagged, &[paid()]), NeedsYou);
        assert_eq!(
            classify(&flagged, &[seen(Attention, "REVERSED", None)]),
            ChangedAfterFinal
        );
        flagged.checked = true;
        assert_eq!(
            classify(&flagged, &[seen(Attention, "REVERSED", None)]),
            Matched
        );
    }

    #[test]
    fn asked_again_counts_what_it_became() {
        use Category::*;
        let mut now = payment(Status::Paid, 1500);
        assert_eq!(after_asking(Resolvable, &now), Resolvable);
        now.status = Status::Attention;
        assert_eq!(after_asking(Resolvable, &now), NeedsYou);
        now.status = Status::Pending;
        assert_eq!(after_asking(Resolvable, &now), StillOpen);
        assert_eq!(after_asking(Matched, &now), Matched);
    }
}
