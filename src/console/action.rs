//! Everything that can happen to the console: keys from the person, news from the engine, the
//! clock. [`crate::console::update::update`] turns each into new state and effects.

pub use super::trouble::Trouble;
use crate::engine::Submitted;
use crate::journal::DaySummary;
use crate::payment::{Event, NewPayment, Payment};
use crate::provider::{Preview, ProviderKind};
use crate::reference::Reference;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::KeyEvent;
use std::sync::Arc;

impl From<&str> for Trouble {
    fn from(words: &str) -> Trouble {
        Trouble::Said(words.to_string())
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    /// Text pasted at once (bracketed paste).
    Paste(String),
    /// The screen changed size (columns, rows).
    Resize(u16, u16),
    /// The clock moved on.
    Tick(DateTime<Utc>),
    /// The engine journalled a change to this payment.
    PaymentChanged(Arc<Payment>),
    /// The engine's news came too fast and some were lost: the console re-reads what it shows.
    Lagged,
    /// The shared ledger went out of reach (why), or came back (`None`).
    Ledger(Option<String>),
    /// The journal cannot record what lipa learns (why), or can again (`None`).
    Journal(Option<String>),
    /// Payments finished lately, shown as done (no bell: they are not news), and the
    /// finished payments of that time the operator cleared (never shown again).
    RecentlyDone {
        done: Vec<Payment>,
        cleared: Vec<i64>,
    },
    /// Finished payments were cleared off the list, but the journal could not keep that (they
    /// may show again when the console starts again).
    ClearNotKept(Trouble),
    /// The payments the journal holds unfinished, tracked again.
    Resumed(Result<Vec<Arc<Payment>>, Trouble>),
    /// A fresh reference for the form.
    ReferenceReady {
        provider: ProviderKind,
        reference: Reference,
    },
    /// No fresh reference could be had (the shared ledger out of reach): asked again soon.
    ReferenceFailed {
        provider: ProviderKind,
        why: Trouble,
    },
    /// The journal knows a recent payment like this one: ask before sending.
    DuplicateFound {
        new: NewPayment,
        existing: Payment,
    },
    /// The operator may not send it (their rights as they stand): nothing was recorded.
    NotAllowed {
        new: NewPayment,
        why: crate::engine::NotAllowed,
    },
    /// The journal's answer to a person's check: done, or not (checked by someone else
    /// first, or it no longer needs a person) — with the note that was typed.
    MarkedChecked {
        note: Option<String>,
        result: crate::journal::Cas,
    },
    /// The send's outcome is journalled.
    Submitted {
        new: NewPayment,
        result: Result<Submitted, Trouble>,
    },
    /// Today's totals and its first page of payments, newest first.
    TodayLoaded(Result<(DaySummary, Vec<Payment>), Trouble>),
    /// Today's totals read again (news changed them).
    TodaySummary(Result<DaySummary, Trouble>),
    /// Today's callbacks that named no payment, newest first.
    TodayHooks(Vec<crate::journal::hooks::Hook>),
    /// A page of today's payments, newest first, from position `first`.
    TodayPage {
        first: usize,
        result: Result<Vec<Payment>, Trouble>,
    },
    /// One payment's history, oldest first.
    HistoryLoaded {
        id: i64,
        result: Result<Vec<Event>, Trouble>,
    },
    /// The provider's wallet check for the form's phone and amount (`Ok(None)`: it has none).
    /// Ignored unless `generation` is still the form's.
    Previewed {
        generation: u64,
        result: Result<Option<Preview>, Trouble>,
    },
    /// The day is closed (`true`: by this close; `false`: it was already).
    DayClosed {
        day: chrono::NaiveDate,
        result: Result<(crate::console::app::ReportData, bool), Trouble>,
    },
    /// The printer took the receipt, or why not.
    Printed(Result<(), Trouble>),
    /// A page of search results.
    Found {
        generation: u64,
        first: usize,
        result: Result<Vec<Payment>, Trouble>,
    },
    /// A day's report, as a person reads it.
    ReportLoaded {
        day: chrono::NaiveDate,
        result: Result<crate::console::app::ReportData, Trouble>,
    },
    /// An engine call failed; tell the cashier.
    Failed(Trouble),
    /// Something the session's host says (the SSH server: idle, stopping).
    Notice(String),
}
