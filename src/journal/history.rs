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
}

/// What the search line matches, over `?1` the line, `?2` its digits (a number), `?3` and `?4`
/// its amount in TZS and KES, `?5` the operator (see [`Journal::search`]).
macro_rules! search_matches {
    () => {
        "(?1 = ''
        OR (?2 != '' AND instr(phone, ?2) > 0)
        OR instr(upper(reference), upper(?1)) > 0
        OR (currency = 'TZS' AND amount_minor = ?3)
        OR (currency = 'KES' AND amount_minor = ?4))
    AND (?5 IS NULL OR COALESCE(operator, 'unknown') = ?5)"
    };
}
pub(super) use search_matches;

/// The search line's query as a scan, newest first (see [`Journal::search`]).
pub(super) const SEARCH: &str = concat!(
    "WHERE ",
    search_matches!(),
    " ORDER BY id DESC LIMIT ?6 OFFSET ?7"
);
