//! The back office's search over the whole journal: newest first, by day, status, provider,
//! operator, digits of a phone, part of a reference.

use super::{Journal, JournalError, rows};
use crate::payment::{Payment, Status};
use crate::provider_kind::ProviderKind;
use chrono::{DateTime, Utc};
use rusqlite::types::Value;

/// What to look for; every field that is set must match.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Created at or after.
    pub since: Option<DateTime<Utc>>,
    /// Created before.
    pub until: Option<DateTime<Utc>>,
    pub status: Option<Status>,
    pub provider: Option<ProviderKind>,
    pub operator: Option<String>,
    /// Recorded at this till (a chain's shared ledger holds every till's payments).
    pub till: Option<String>,
    /// Digits anywhere in the normalized number (`255712…`).
    pub phone: Option<String>,
    /// Part of the reference, any case.
    pub reference: Option<String>,
    pub limit: usize,
}

impl Journal {
    /// The payments that match, newest first, at most `filter.limit`.
    pub fn history(&self, filter: &Filter) -> Result<Vec<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.history(filter);
        }
        let mut clauses = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        let mut add = |clause: &str, v: Value| {
            values.push(v);
            clauses.push(clause.replace('?', &format!("?{}", values.len())));
        };
        if let Some(t) = filter.since {
            add("created_at >= ?", Value::Text(rows::ts(t)));
        }
        if let Some(t) = filter.until {
            add("created_at < ?", Value::Text(rows::ts(t)));
        }
        if let Some(s) = filter.status {
            add("status = ?", Value::Text(s.id().into()));
        }
        if let Some(p) = filter.provider {
            add("provider = ?", Value::Text(p.id().into()));
        }
        if let Some(o) = &filter.operator {
            add("COALESCE(operator, 'unknown') = ?", Value::Text(o.clone()));
        }
        if let Some(t) = &filter.till {
            add("till = ?", Value::Text(t.clone()));
        }
        if let Some(d) = &filter.phone {
            add("instr(phone, ?) > 0", Value::Text(d.clone()));
        }
        if let Some(r) = &filter.reference {
            add(
                "instr(upper(reference), upper(?)) > 0",
                Value::Text(r.clone()),
            );
        }
        let limit = i64::try_from(filter.limit.max(1)).unwrap_or(i64::MAX);
        values.push(Value::Integer(limit));
        let tail = format!(
            "{} ORDER BY created_at DESC, id DESC LIMIT ?{}",
            if clauses.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", clauses.join(" AND "))
            },
            values.len()
        );
        rows::select(&*self.conn()?, &tail, rusqlite::params_from_iter(values))
    }

    /// The console's search line over the whole journal, newest first, a page of it: digits
    /// match anywhere in the customer's number, any text part of the reference (any case),
    /// and a number an amount (`1500`, `1,500`, `99.50`). An empty line is every payment.
    /// `operator`: only theirs (an agent of `lipa serve`).
    pub fn search(
        &self,
        query: &str,
        operator: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Payment>, JournalError> {
        use crate::money::{Currency, Money};
        let q = query.trim();
        // A number typed as the cashier knows it (0712…) is stored as 255712…: the leading
        // zero of the local form goes.
        let digits: String = if q.chars().all(|c| c.is_ascii_digit() || " +-".contains(c)) {
            let all: String = q.chars().filter(char::is_ascii_digit).collect();
            all.trim_start_matches('0').to_string()
        } else {
            String::new()
        };
        let amount = |c: Currency| Money::parse(q, c).ok().map(Money::minor);
        let limit = i64::try_from(limit.max(1)).unwrap_or(i64::MAX);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        if let Some(pg) = self.pg() {
            let amounts = (amount(Currency::Tzs), amount(Currency::Kes));
            return pg.search(q.to_string(), digits, amounts, operator, offset, limit);
        }
        rows::select(
            &*self.conn()?,
            SEARCH,
            rusqlite::params![
                q,
                digits,
                amount(Currency::Tzs),
                amount(Currency::Kes),
                operator,
                limit,
                offset
            ],
        )
    }
}

/// The search line's query (see [`Journal::search`]).
pub(super) const SEARCH: &str = "WHERE (?1 = ''
        OR (?2 != '' AND instr(phone, ?2) > 0)
        OR instr(upper(reference), upper(?1)) > 0
        OR (currency = 'TZS' AND amount_minor = ?3)
        OR (currency = 'KES' AND amount_minor = ?4))
    AND (?5 IS NULL OR COALESCE(operator, 'unknown') = ?5)
    ORDER BY id DESC LIMIT ?6 OFFSET ?7";
