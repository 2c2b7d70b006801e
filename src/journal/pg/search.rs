//! The console's search line on the shared ledger: the numbers' and references' trigrams in
//! GIN indexes (`pg_trgm`) and the amounts' index, so a rare term is an index lookup. Where
//! this login cannot create the extension, search is the scan it always was, and the log says
//! so once at the start.

use super::PgStore;
use super::rows;
use crate::journal::JournalError;
use crate::journal::search::{Terms, Wanted};
use crate::payment::Payment;
use std::sync::atomic::Ordering;
use tokio_postgres::types::ToSql;

/// The trigram indexes, made once (the extension first).
const TRIGRAM: &str = "CREATE INDEX IF NOT EXISTS payments_phone_trgm
        ON payments USING gin (phone gin_trgm_ops);
    CREATE INDEX IF NOT EXISTS payments_reference_trgm
        ON payments USING gin (upper(reference) gin_trgm_ops);";

/// Makes the trigram indexes when they are missing and this login may: whether they are
/// there. Runs under the migrations' lock, at every start (a ledger whose owner adds the
/// extension later gets them then). Over 1,000,000 payments they took 5 s and 8 s to build
/// (PostgreSQL 15, a loaded 2-core machine), writes waiting meanwhile.
pub(super) async fn trigram(client: &mut deadpool_postgres::Client) -> Result<bool, JournalError> {
    let there = "SELECT to_regclass('payments_phone_trgm') IS NOT NULL
                    AND to_regclass('payments_reference_trgm') IS NOT NULL";
    if client.query_one(there, &[]).await?.get::<_, bool>(0) {
        return Ok(true);
    }
    let tx = client.transaction().await?;
    let made = match tx
        .batch_execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .await
    {
        Ok(()) => tx.batch_execute(TRIGRAM).await,
        Err(e) => Err(e),
    };
    match made {
        Ok(()) => {
            tx.commit().await?;
            Ok(true)
        }
        Err(e) => {
            let why = e
                .as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_string());
            tracing::warn!(
                %why,
                "the ledger's search has no trigram indexes (pg_trgm): it reads every payment; \
                 a superuser can run CREATE EXTENSION pg_trgm in this database"
            );
            Ok(false)
        }
    }
}

/// `%text%` for LIKE, its own `%`, `_` and `\` taken literally.
fn contains(text: &str) -> String {
    let mut out = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The scan's condition (see `Journal::search`) with each text term also as a LIKE the
/// trigram indexes answer: the same rows.
const INDEXED: &str = "WHERE ($1 = ''
        OR ($2 != '' AND phone LIKE $8 AND strpos(phone, $2) > 0)
        OR (upper(reference) LIKE upper($9) AND strpos(upper(reference), upper($1)) > 0)
        OR (currency = 'TZS' AND amount_minor = $3)
        OR (currency = 'KES' AND amount_minor = $4))
    AND ($5::text IS NULL OR COALESCE(operator, 'unknown') = $5)
    ORDER BY id DESC LIMIT $6 OFFSET $7";

/// The search line as it was: every payment checked, newest first.
const SCAN: &str = "WHERE ($1 = ''
        OR ($2 != '' AND strpos(phone, $2) > 0)
        OR strpos(upper(reference), upper($1)) > 0
        OR (currency = 'TZS' AND amount_minor = $3)
        OR (currency = 'KES' AND amount_minor = $4))
    AND ($5::text IS NULL OR COALESCE(operator, 'unknown') = $5)
    ORDER BY id DESC LIMIT $6 OFFSET $7";

impl PgStore {
    /// The console's search line (see `Journal::search`), by the trigram indexes when the
    /// ledger has them; `wanted` is asked before it starts.
    pub(in crate::journal) fn search(
        &self,
        t: Terms,
        operator: Option<&str>,
        offset: i64,
        limit: i64,
        wanted: Wanted,
    ) -> Result<Option<Vec<Payment>>, JournalError> {
        if !self.trigram.load(Ordering::Relaxed) {
            return self.search_scan(t, operator, offset, limit).map(Some);
        }
        let (phone, reference) = (contains(&t.digits), contains(&t.q));
        let mut params = terms(t, operator, offset, limit);
        params.push(Box::new(phone));
        params.push(Box::new(reference));
        self.run(|pool| async move {
            if !wanted.still() {
                return Ok(None);
            }
            let client = pool.get().await?;
            let refs: Vec<&(dyn ToSql + Sync)> = params
                .iter()
                .map(|p| p.as_ref() as &(dyn ToSql + Sync))
                .collect();
            // Planned with this line's terms (an unnamed statement), never a generic plan:
            // a common term is read newest first, a rare one through the indexes.
            let sql = format!("SELECT {} FROM payments {INDEXED}", rows::COLUMNS);
            let found = client.query(sql.as_str(), &refs).await?;
            found
                .iter()
                .map(rows::payment)
                .collect::<Result<_, _>>()
                .map(Some)
        })
    }

    /// The search line as the scan it was before its indexes.
    pub(in crate::journal) fn search_scan(
        &self,
        t: Terms,
        operator: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<Payment>, JournalError> {
        self.select_owned(SCAN.to_string(), terms(t, operator, offset, limit))
    }
}

/// `$1`–`$7` of both queries.
fn terms(
    t: Terms,
    operator: Option<&str>,
    offset: i64,
    limit: i64,
) -> Vec<Box<dyn ToSql + Send + Sync>> {
    vec![
        Box::new(t.q),
        Box::new(t.digits),
        Box::new(t.tzs),
        Box::new(t.kes),
        Box::new(operator.map(str::to_string)),
        Box::new(limit),
        Box::new(offset),
    ]
}
