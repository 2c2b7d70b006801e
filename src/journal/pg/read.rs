//! Every read of the shared ledger.

use super::PgStore;
use super::rows::{self, Params};
use crate::journal::{Closing, DaySummary, DayTotal, Filter, JournalError, OperatorDay};
use crate::money::Currency;
use crate::payment::{Event, Payment, Status};
use crate::provider_kind::ProviderKind;
use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use tokio_postgres::types::ToSql;

impl PgStore {
    /// Payments matching `tail` (a `WHERE … ORDER BY …` over `payments`).
    fn select(
        &self,
        tail: &'static str,
        params: Vec<Box<dyn ToSql + Send + Sync>>,
    ) -> Result<Vec<Payment>, JournalError> {
        self.select_owned(tail.to_string(), params)
    }

    pub(super) fn select_owned(
        &self,
        tail: String,
        params: Vec<Box<dyn ToSql + Send + Sync>>,
    ) -> Result<Vec<Payment>, JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            let refs: Vec<&(dyn ToSql + Sync)> = params
                .iter()
                .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                .collect();
            let refs: Params<'_> = &refs;
            rows::select(&client, &tail, refs).await
        })
    }

    pub fn get(&self, id: i64) -> Result<Option<Payment>, JournalError> {
        Ok(self
            .select("WHERE id = $1", vec![Box::new(id)])?
            .into_iter()
            .next())
    }

    pub fn get_many(&self, ids: Vec<i64>) -> Result<Vec<Payment>, JournalError> {
        self.select("WHERE id = ANY($1) ORDER BY id", vec![Box::new(ids)])
    }

    pub fn by_reference(
        &self,
        provider: ProviderKind,
        reference: &str,
    ) -> Result<Option<Payment>, JournalError> {
        Ok(self
            .select(
                "WHERE provider = $1 AND reference = $2",
                vec![Box::new(provider.id()), Box::new(reference.to_string())],
            )?
            .into_iter()
            .next())
    }

    pub fn find_reference(&self, reference: &str) -> Result<Option<Payment>, JournalError> {
        Ok(self
            .select(
                "WHERE reference = $1 ORDER BY id DESC LIMIT 1",
                vec![Box::new(reference.trim().to_string())],
            )?
            .into_iter()
            .next())
    }

    pub fn unresolved(&self) -> Result<Vec<Payment>, JournalError> {
        self.select("WHERE status NOT IN ('paid', 'failed') ORDER BY id", vec![])
    }

    pub fn recently_done(
        &self,
        since: DateTime<Utc>,
        operator: Option<&str>,
        viewer: &str,
        limit: usize,
    ) -> Result<Vec<Payment>, JournalError> {
        self.select(
            "WHERE created_at >= $1 AND status IN ('paid', 'failed')
                 AND ($2::text IS NULL OR operator = $2)
                 AND NOT EXISTS (SELECT 1 FROM cleared c
                                 WHERE c.payment_id = payments.id AND c.operator = $4)
                 ORDER BY created_at DESC, id DESC LIMIT $3",
            vec![
                Box::new(since),
                Box::new(operator.map(str::to_string)),
                Box::new(i64::try_from(limit).unwrap_or(i64::MAX)),
                Box::new(viewer.to_string()),
            ],
        )
    }

    pub fn since(&self, since: DateTime<Utc>) -> Result<Vec<Payment>, JournalError> {
        self.select(
            "WHERE created_at >= $1 ORDER BY created_at, id",
            vec![Box::new(since)],
        )
    }

    pub fn day_page_of(
        &self,
        since: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
        offset: usize,
        limit: usize,
        who: Option<&str>,
    ) -> Result<Vec<Payment>, JournalError> {
        self.select(
            "WHERE created_at >= $1 AND ($5::timestamptz IS NULL OR created_at < $5)
               AND ($4::text IS NULL OR operator = $4)
             ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
            vec![
                Box::new(since),
                Box::new(i64::try_from(limit).unwrap_or(i64::MAX)),
                Box::new(i64::try_from(offset).unwrap_or(i64::MAX)),
                Box::new(who.map(str::to_string)),
                Box::new(until),
            ],
        )
    }

    pub fn all(&self) -> Result<Vec<Payment>, JournalError> {
        self.select("ORDER BY id", vec![])
    }

    pub fn events(&self, id: i64) -> Result<Vec<Event>, JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            rows::events(&client, id).await
        })
    }

    pub fn day_summary_of(
        &self,
        since: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
        who: Option<&str>,
    ) -> Result<DaySummary, JournalError> {
        let who = who.map(str::to_string);
        self.run(|pool| async move {
            let client = pool.get().await?;
            let totals = client
                .query(
                    "SELECT provider, currency, status, COUNT(*), SUM(amount_minor)::bigint,
                            MAX(id), checked
                     FROM payments WHERE created_at >= $1
                       AND ($3::timestamptz IS NULL OR created_at < $3)
                       AND ($2::text IS NULL OR operator = $2)
                     GROUP BY provider, currency, status, checked",
                    &[&since, &who, &until],
                )
                .await?;
            let corrupt = |v: &str| JournalError::Corrupt(v.to_string());
            let mut summary = DaySummary::default();
            for r in &totals {
                let (provider, currency, status): (String, String, String) =
                    (r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
                let count: i64 = r.try_get(3)?;
                let line = DayTotal {
                    provider: ProviderKind::from_id(&provider).ok_or_else(|| corrupt(&provider))?,
                    currency: Currency::from_code(&currency).ok_or_else(|| corrupt(&currency))?,
                    status: Status::from_id(&status).ok_or_else(|| corrupt(&status))?,
                    checked: r.try_get(6)?,
                    count: count.max(0) as u64,
                    minor: r.try_get(4)?,
                };
                summary.count += line.count;
                summary.newest_id = summary.newest_id.max(r.try_get::<_, i64>(5)?);
                summary.totals.push(line);
            }
            let operators = client
                .query(
                    "SELECT COALESCE(operator, 'unknown'), currency, COUNT(*),
                            COUNT(*) FILTER (WHERE status = 'paid'),
                            SUM(CASE WHEN status = 'paid' THEN amount_minor ELSE 0 END)::bigint
                     FROM payments WHERE created_at >= $1
                       AND ($3::timestamptz IS NULL OR created_at < $3)
                       AND ($2::text IS NULL OR operator = $2)
                     GROUP BY 1, currency ORDER BY 1, currency",
                    &[&since, &who, &until],
                )
                .await?;
            for r in &operators {
                let currency: String = r.try_get(1)?;
                let (count, paid): (i64, i64) = (r.try_get(2)?, r.try_get(3)?);
                summary.operators.push(OperatorDay {
                    operator: r.try_get(0)?,
                    currency: Currency::from_code(&currency).ok_or_else(|| corrupt(&currency))?,
                    count: count.max(0) as u64,
                    paid: paid.max(0) as u64,
                    paid_minor: r.try_get(4)?,
                });
            }
            Ok(summary)
        })
    }

    pub fn history(&self, filter: &Filter) -> Result<Vec<Payment>, JournalError> {
        let (clauses, mut values) = matching(filter);
        values.push(Box::new(
            i64::try_from(filter.limit.max(1)).unwrap_or(i64::MAX),
        ));
        let order = match filter.after {
            Some(_) => "created_at ASC, id ASC",
            None => "created_at DESC, id DESC",
        };
        let tail = format!("{clauses} ORDER BY {order} LIMIT ${}", values.len());
        self.select_owned(tail, values)
    }

    /// How many payments match (see `Journal::history_count`).
    pub fn history_count(&self, filter: &Filter) -> Result<u64, JournalError> {
        let (clauses, values) = matching(filter);
        self.run(|pool| async move {
            let client = pool.get().await?;
            let refs: Vec<&(dyn ToSql + Sync)> = values
                .iter()
                .map(|v| v.as_ref() as &(dyn ToSql + Sync))
                .collect();
            let n: i64 = client
                .query_one(&format!("SELECT COUNT(*) FROM payments {clauses}"), &refs)
                .await?
                .try_get(0)?;
            Ok(n.max(0) as u64)
        })
    }

    pub fn closing(&self, day: &str, till: &str) -> Result<Option<Closing>, JournalError> {
        let (day, till) = (day.to_string(), till.to_string());
        self.run(|pool| async move {
            let client = pool.get().await?;
            closing_in(&client, &day, &till).await
        })
    }

    /// The ledger's own checks: every payment has its first history entry, and no final
    /// payment is open in the index's sense. `ok` when sound.
    pub fn integrity_check(&self) -> Result<String, JournalError> {
        self.run(|pool| async move {
            let client = pool.get().await?;
            let orphans: i64 = client
                .query_one(
                    "SELECT COUNT(*) FROM payments p
                     WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.payment_id = p.id)",
                    &[],
                )
                .await?
                .try_get(0)?;
            Ok(if orphans == 0 {
                "ok".to_string()
            } else {
                format!("{orphans} payments without history")
            })
        })
    }
}

pub(super) async fn closing_in<C: GenericClient>(
    c: &C,
    day: &str,
    till: &str,
) -> Result<Option<Closing>, JournalError> {
    let row = c
        .query_opt(
            "SELECT number, day, till, closed_at, closed_by, report FROM closings
             WHERE day = $1 AND till = $2",
            &[&day, &till],
        )
        .await?;
    row.map(|r| {
        Ok(Closing {
            number: r.try_get(0)?,
            day: r.try_get(1)?,
            till: r.try_get(2)?,
            closed_at: r.try_get(3)?,
            closed_by: r.try_get(4)?,
            report: r.try_get(5)?,
        })
    })
    .transpose()
}

/// The `WHERE` of a filter, and its values (`$1`…).
fn matching(filter: &Filter) -> (String, Vec<Box<dyn ToSql + Send + Sync>>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<Box<dyn ToSql + Send + Sync>> = Vec::new();
    let mut add = |clause: &str, v: Box<dyn ToSql + Send + Sync>| {
        values.push(v);
        clauses.push(clause.replace('?', &format!("${}", values.len())));
    };
    if let Some(t) = filter.since {
        add("created_at >= ?", Box::new(t));
    }
    if let Some(t) = filter.until {
        add("created_at < ?", Box::new(t));
    }
    if let Some(s) = filter.status {
        add("status = ?", Box::new(s.id()));
    }
    if let Some(p) = filter.provider {
        add("provider = ?", Box::new(p.id()));
    }
    if let Some(o) = &filter.operator {
        add("COALESCE(operator, 'unknown') = ?", Box::new(o.clone()));
    }
    if let Some(t) = &filter.till {
        add("till = ?", Box::new(t.clone()));
    }
    if let Some(d) = &filter.phone {
        add("strpos(phone, ?) > 0", Box::new(d.clone()));
    }
    if let Some(r) = &filter.reference {
        add(
            "strpos(upper(reference), upper(?)) > 0",
            Box::new(r.clone()),
        );
    }
    if let Some((at, id)) = filter.after {
        values.push(Box::new(at));
        values.push(Box::new(id));
        let (t, i) = (values.len() - 1, values.len());
        clauses.push(format!("(created_at, id) > (${t}, ${i})"));
    }
    let clauses = match clauses.is_empty() {
        true => String::new(),
        false => format!("WHERE {}", clauses.join(" AND ")),
    };
    (clauses, values)
}
