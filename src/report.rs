//! The end of a day: for each provider and currency (never summed across TZS and KES), how
//! many payments were paid, failed and why, need a person, or are still open, with their
//! amounts; the same per operator; the first and the last payment. Built from the journal's
//! payments of the day, for every face (`lipa report`, the console, a Z report).

use crate::money::{Currency, Money};
use crate::msg::Msg;
use crate::payment::{Payment, Status};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How many, and their sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub count: u64,
    /// The sum in minor units.
    pub minor: i64,
    /// The sum as an exact decimal (`1500`, `250.50`).
    pub amount: String,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            count: 0,
            minor: 0,
            amount: "0".into(),
        }
    }
}

impl Tally {
    /// None yet, its sum written in the currency's machine form (`0`, `0.00`).
    pub fn none(currency: Currency) -> Tally {
        Tally {
            amount: Money::from_minor(0, currency).exact_decimal(),
            ..Tally::default()
        }
    }

    fn add(&mut self, m: Money) {
        self.count += 1;
        self.minor = self.minor.saturating_add(m.minor());
        self.amount = Money::from_minor(self.minor, m.currency()).exact_decimal();
    }

    /// The sum, in this currency.
    pub fn money(&self, currency: Currency) -> Money {
        Money::from_minor(self.minor, currency)
    }
}

/// One provider and currency of the day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderDay {
    pub provider: String,
    pub currency: String,
    pub paid: Tally,
    /// Failed: the customer cancelled (or let the prompt expire).
    pub cancelled: Tally,
    /// Failed: too little money in the wallet.
    pub insufficient: Tally,
    /// Failed for any other reason.
    pub failed_other: Tally,
    /// Needing a person, not yet checked.
    pub attention: Tally,
    /// Needed a person, and one checked it.
    pub checked: Tally,
    /// Not final yet (recorded, sending, pending, unknown).
    pub open: Tally,
    /// Final, and the provider said otherwise after (reversed after paid): also counted in
    /// their status above.
    #[serde(default)]
    pub flagged: Tally,
}

impl ProviderDay {
    /// Each tally with its label, in the order a report prints them.
    pub fn rows(&self, lang: crate::lang::Lang) -> [(&'static str, &Tally); 8] {
        use crate::strings::back_office as s;
        [
            (s::report_paid(lang), &self.paid),
            (s::report_cancelled(lang), &self.cancelled),
            (s::report_insufficient(lang), &self.insufficient),
            (s::report_failed_other(lang), &self.failed_other),
            (s::report_attention(lang), &self.attention),
            (s::report_checked(lang), &self.checked),
            (s::report_open(lang), &self.open),
            (s::report_flagged(lang), &self.flagged),
        ]
    }
}

/// What one operator did in one currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorDay {
    pub operator: String,
    pub currency: String,
    /// Payments pushed.
    pub count: u64,
    pub paid: Tally,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayReport {
    /// `YYYY-MM-DD`, in the till's time zone.
    pub day: String,
    pub count: u64,
    /// Times of the first and the last payment (RFC 3339 with the offset).
    pub first: Option<String>,
    pub last: Option<String>,
    pub providers: Vec<ProviderDay>,
    pub operators: Vec<OperatorDay>,
    /// Payments still open or needing a person unchecked: `(id, reference)`.
    pub unfinished: Vec<(i64, String)>,
}

impl DayReport {
    /// The report of these payments (those created on `day`).
    pub fn build(day: NaiveDate, offset: FixedOffset, payments: &[Payment]) -> DayReport {
        let mut r = DayReport {
            day: day.format("%Y-%m-%d").to_string(),
            ..DayReport::default()
        };
        let time = |t: DateTime<Utc>| t.with_timezone(&offset).to_rfc3339();
        let mut sorted: Vec<&Payment> = payments.iter().collect();
        sorted.sort_by_key(|p| (p.created_at, p.id));
        r.first = sorted.first().map(|p| time(p.created_at));
        r.last = sorted.last().map(|p| time(p.created_at));
        for p in sorted {
            r.count += 1;
            let (provider, currency) = (p.provider.id(), p.amount.currency().code());
            let line = match r
                .providers
                .iter()
                .position(|l| l.provider == provider && l.currency == currency)
            {
                Some(i) => &mut r.providers[i],
                None => {
                    let none = || Tally::none(p.amount.currency());
                    r.providers.push(ProviderDay {
                        provider: provider.into(),
                        currency: currency.into(),
                        paid: none(),
                        cancelled: none(),
                        insufficient: none(),
                        failed_other: none(),
                        attention: none(),
                        checked: none(),
                        open: none(),
                        flagged: none(),
                    });
                    let last = r.providers.len() - 1;
                    &mut r.providers[last]
                }
            };
            let tally = match p.status {
                Status::Paid => &mut line.paid,
                Status::Failed => match p.message {
                    Msg::CustomerCancelled | Msg::CustomerTimedOut | Msg::NotApproved => {
                        &mut line.cancelled
                    }
                    Msg::LowBalance => &mut line.insufficient,
                    _ => &mut line.failed_other,
                },
                Status::Attention if p.checked => &mut line.checked,
                Status::Attention => &mut line.attention,
                _ => &mut line.open,
            };
            tally.add(p.amount);
            if p.flag.is_some() {
                line.flagged.add(p.amount);
            }
            let done = p.status.is_final() || (p.status == Status::Attention && p.checked);
            if !done || (p.flag.is_some() && !p.checked) {
                r.unfinished.push((p.id, p.reference.as_str().to_string()));
            }
            let op = match r
                .operators
                .iter()
                .position(|o| o.operator == p.operator && o.currency == currency)
            {
                Some(i) => &mut r.operators[i],
                None => {
                    r.operators.push(OperatorDay {
                        operator: p.operator.clone(),
                        currency: currency.into(),
                        paid: Tally::none(p.amount.currency()),
                        ..OperatorDay::default()
                    });
                    let last = r.operators.len() - 1;
                    &mut r.operators[last]
                }
            };
            op.count += 1;
            if p.status == Status::Paid {
                op.paid.add(p.amount);
            }
        }
        r.providers
            .sort_by(|a, b| (&a.provider, &a.currency).cmp(&(&b.provider, &b.currency)));
        r.operators
            .sort_by(|a, b| (&a.operator, &a.currency).cmp(&(&b.operator, &b.currency)));
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A customer who did not approve the prompt is counted as cancelled, whichever provider's
    /// words said so (pawaPay's cannot tell a cancel from an expired prompt).
    #[test]
    fn a_prompt_not_approved_counts_as_cancelled() {
        let base = crate::strings::samples::sample_payment();
        let day = base.created_at.date_naive();
        let failed = |id, message| Payment {
            id,
            status: Status::Failed,
            message,
            ..base.clone()
        };
        let r = DayReport::build(
            day,
            FixedOffset::east_opt(0).expect("offset"),
            &[
                failed(1, Msg::CustomerCancelled),
                failed(2, Msg::NotApproved),
                failed(3, Msg::LowBalance),
            ],
        );
        let line = &r.providers[0];
        assert_eq!(line.cancelled.count, 2, "{line:?}");
        assert_eq!(line.insufficient.count, 1);
        assert_eq!(line.failed_other.count, 0);
    }
}
