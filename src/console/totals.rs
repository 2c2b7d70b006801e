//! Today's totals per provider and status, in exact integer minor units.

use crate::money::{Currency, Money};
use crate::payment::{Payment, Status};
use crate::provider::ProviderKind;
use std::collections::BTreeMap;

/// How a payment counts in the totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Paid,
    Waiting,
    Attention,
    Failed,
}

impl Group {
    pub fn of(status: Status) -> Group {
        match status {
            Status::Paid => Group::Paid,
            Status::Failed => Group::Failed,
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
            Group::Attention => Status::Attention,
            Group::Failed => Status::Failed,
        }
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
    let mut sums: BTreeMap<(ProviderKind, Currency, Group), (u64, Option<i64>)> = BTreeMap::new();
    for p in payments {
        let key = (p.provider, p.amount.currency(), Group::of(p.status));
        let entry = sums.entry(key).or_insert((0, Some(0)));
        entry.0 += 1;
        entry.1 = entry.1.and_then(|sum| sum.checked_add(p.amount.minor()));
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
