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
    /// Oldest first, from after this payment (its `created_at` and id): a page of an export
    /// read in order, memory flat whatever the journal's size. `None`: newest first.
    pub after: Option<(DateTime<Utc>, i64)>,
}

impl Filter {
    /// The next page of this filter oldest first, after `last` (`None`: the first page).
    pub fn oldest_after(&self, last: Option<&Payment>) -> Filter {
        Filter {
            // No payment is older than 1970 (and the ledger's timestamps start far later than
            // chrono's own minimum).
            after: Some(last.map_or((DateTime::<Utc>::UNIX_EPOCH, i64::MIN), |p| {
                (p.created_at, p.id)
            })),
            ..self.clone()
        }
    }
}

impl Journal {
    /// The payments that match, newest first, at most `filter.limit` (oldest first after
    /// `filter.after`, when set).
    pub fn history(&self, filter: &Filter) -> Result<Vec<Payment>, JournalError> {
        if let Some(pg) = self.pg() {
            return pg.history(filter);
        }
        let (clauses, mut values) = matching(filter);
        let limit = i64::try_from(filter.limit.max(1)).unwrap_or(i64::MAX);
        values.push(Value::Integer(limit));
        let order = match filter.after {
            Some(_) => "created_at ASC, id ASC",
            None => "created_at DESC, id DESC",
        };
        let tail = format!("{clauses} ORDER BY {order} LIMIT ?{}", values.len());
        rows::select(&*self.conn()?, &tail, rusqlite::params_from_iter(values))
    }

    /// How many payments match (`filter.limit` and `after` aside).
    pub fn history_count(&self, filter: &Filter) -> Result<u64, JournalError> {
        let filter = Filter {
            after: None,
            ..filter.clone()
        };
        if let Some(pg) = self.pg() {
            return pg.history_count(&filter);
        }
        let (clauses, values) = matching(&filter);
        let n: i64 = self.conn()?.query_row(
            &format!("SELECT COUNT(*) FROM payments {clauses}"),
            rusqlite::params_from_iter(values),
            |r| r.get(0),
        )?;
        Ok(n.max(0) as u64)
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

/// The `WHERE` of a filter, and its values (`?1`…).
fn matching(filter: &Filter) -> (String, Vec<Value>) {
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
    if let Some((at, id)) = filter.after {
        values.push(Value::Text(rows::ts(at)));
        values.push(Value::Integer(id));
        let (t, i) = (values.len() - 1, values.len());
        // After the last payment's time as stored, not as lipa would write it now: a time in
        // another form (a journal filled by hand) compared wrongly with ours, and a page came
        // back again.
        clauses.push(format!(
            "(created_at, id) > (COALESCE((SELECT created_at FROM payments WHERE id = ?{i}), ?{t}), ?{i})"
        ));
    }
    let clauses = match clauses.is_empty() {
        true => String::new(),
        false => format!("WHERE {}", clauses.join(" AND ")),
    };
    (clauses, values)
}
