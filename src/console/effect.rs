//! What [`crate::console::update::update`] asks the runtime to do: engine calls, the bell,
//! quitting. The runtime runs each and turns its outcome into an [`crate::console::action::Action`].

use crate::money::Money;
use crate::payment::{NewPayment, Payment};
use crate::phone::Phone;
use crate::provider_kind::ProviderKind;
use crate::reference::Reference;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Track every unfinished payment again (at start).
    Resume,
    /// The payments recorded since then that finished, except those `who` cleared off their
    /// list: shown as done (a console that starts again, an agent who reconnects after the link
    /// dropped, sees how they ended).
    RecentlyDone {
        since: DateTime<Utc>,
        who: String,
    },
    /// `who` cleared these finished payments off the list: kept, so that they never come back.
    Cleared {
        ids: Vec<i64>,
        who: String,
    },
    /// Get a fresh reference for the form.
    NewReference(ProviderKind),
    /// The same, after a pause (the last attempt failed).
    NewReferenceSoon(ProviderKind),
    /// Send behind the engine's duplicate guard (a payment like it comes back as a question).
    SubmitChecked(NewPayment),
    /// Send without asking (the cashier confirmed).
    Submit(NewPayment),
    /// Send a failed payment again with a new reference, behind the duplicate guard.
    SendAgain(Box<Payment>),
    /// Ask the provider about a payment now (written to its history).
    Recheck {
        id: i64,
        who: String,
    },
    /// A person has looked at a payment needing attention.
    MarkChecked {
        id: i64,
        who: String,
        note: Option<String>,
    },
    /// The totals and first page of the payments created since this instant (the start of the
    /// till's day).
    LoadToday(DateTime<Utc>),
    /// The day's totals again.
    LoadTodaySummary(DateTime<Utc>),
    /// A page of the day's payments from position `first`.
    LoadTodayPage {
        since: DateTime<Utc>,
        first: usize,
    },
    /// A payment's history.
    LoadHistory(i64),
    /// A page of the search line's results, from position `first`.
    Search {
        generation: u64,
        query: String,
        first: usize,
    },
    /// The report of the day that begins at `since` and ends before `until`.
    LoadReport {
        day: chrono::NaiveDate,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    },
    /// Re-read these payments (news was lost).
    Reload(Vec<i64>),
    /// Ask the provider to check the wallet for this phone and amount (sends nothing). The
    /// reference is the form's when it has a valid one; any fresh one otherwise (a preview
    /// does not use it up).
    Preview {
        generation: u64,
        provider: ProviderKind,
        phone: Phone,
        amount: Money,
        reference: Option<Reference>,
    },
    /// Close the day as a Z report, by this person.
    CloseDay {
        day: chrono::NaiveDate,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        who: String,
    },
    /// Print a paid payment's receipt, in this language.
    PrintReceipt {
        id: i64,
        lang: crate::lang::Lang,
    },
    /// Ring the terminal bell.
    Bell,
    Quit,
}
