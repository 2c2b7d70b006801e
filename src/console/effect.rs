//! What [`crate::console::update::update`] asks the runtime to do: engine calls, the bell,
//! quitting. The runtime runs each and turns its outcome into an [`crate::console::action::Action`].

use crate::payment::{NewPayment, Payment};
use crate::provider::ProviderKind;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Track every unfinished payment again (at start).
    Resume,
    /// Get a fresh reference for the form.
    NewReference(ProviderKind),
    /// Ask the journal's duplicate guard, then send if nothing alike was sent lately.
    SubmitChecked(NewPayment),
    /// Send without asking (the cashier confirmed).
    Submit(NewPayment),
    /// Send a failed payment again with a new reference.
    SendAgain(Payment),
    /// Ask the provider about a payment now.
    Recheck(i64),
    /// A person has looked at a payment needing attention.
    MarkChecked(i64),
    /// Payments created since this instant (the start of the till's day).
    LoadToday(DateTime<Utc>),
    /// A payment's history.
    LoadHistory(i64),
    /// Re-read these payments (news was lost).
    Reload(Vec<i64>),
    /// Ring the terminal bell.
    Bell,
    Quit,
}
