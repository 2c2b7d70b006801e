//! Today's totals per provider and status, in exact integer minor units.

use crate::journal::DaySummary;
use crate::money::{Currency, Money};
use crate::payment::{Payment, Status};
use crate::provider_kind::ProviderKind;
use std::collections::BTreeMap;

/// How a payment counts in the totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Paid,
    Waiting,
    Attention,
    /// Needed attention, and a person has looked at it: done.
    Checked,
    Failed,
}

impl Group {
    pub fn of(status: Status, checked: bool) -> Group {
        match status {
            Status::Paid => Group::Paid,
            Status::Failed => Group::Failed,
            Status::Attention if checked => Group::Checked,
            Status::Attention => Group::Attention,
            Status::Recorded | Status::Sending | Status::Pending | Status::Unknown => {
                Group::Waiting
            }
        }
    }

    /// The status whose symbol and word stand for the group.
    pub fn status(self) -> Status {
        match self {
            Group::Paid => Status::Paid,
            Group::Waiting => Status::Pending,
            Group::Attention | Group::Checked => Status::Attention,
            Group::Failed => Status::Failed,
        }
    }

    /// A person has looked at the payments of this group.
    pub fn checked(self) -> bool {
        self == Group::Checked
    }
}

/// One line of the totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    pub provider: ProviderKind,
    pub group: Group,
    pub count: u64,
    /// `None` if the sum would overflow (it never should: amounts are capped far below).
    pub amount: Option<Money>,
}

/// Totals by provider, then group (paid, waiting, attention, failed); only non-empty lines.
pub fn totals(payments: &[Payment]) -> Vec<Total> {
    grouped(payments.iter().map(|p| {
        (
            p.provider,
            p.amount.currency(),
            p.status,
            p.checked,
            1,
            Some(p.amount.minor()),
        )
    }))
}

/// The same totals from the journal's counts and sums of a day.
pub fn from_summary(summary: &DaySummary) -> Vec<Total> {
    grouped(summary.totals.iter().map(|t| {
        (
            t.provider, t.currency, t.status, t.checked, t.count, t.minor,
        )
    }))
}

type Line = (ProviderKind, Currency, Status, bool, u64, Option<i64>);

fn grouped(lines: impl Iterator<Item = Line>) -> Vec<Total> {
    let mut sums: BTreeMap<(ProviderKind, Currency, Group), (u64, Option<i64>)> = BTreeMap::new();
    for (provider, currency, status, checked, count, minor) in lines {
        let entry = sums
            .entry((provider, currency, Group::of(status, checked)))
            .or_insert((0, Some(0)));
        entry.0 += count;
        entry.1 = entry.1.zip(minor).and_then(|(sum, m)| sum.checked_add(m));
    }
    sums.into_iter()
        .map(|((provider, currency, group), (count, minor))| Total {
            provider,
            group,
            count,
            amount: minor.map(|m| Money::from_minor(m, currency)),
        })
        .collect()
}
