//! The console's search line, typed key by key: an index lookup, never a read of the whole
//! journal, with the very results of the scan it replaces ([`history::SEARCH`]: same rules,
//! newest first, same pages). A search a newer line superseded stops ([`Wanted`]).
//!
//! How: the newest [`WINDOW`] payments are read first (a common term — `7`, `255`, `LP` —
//! fills its page there); a rarer term is looked up in the trigram index (`payments_search`,
//! FTS5) by its rarest trigrams in those newest payments, and in the amounts' index, newest
//! first; each candidate is then checked against the scan's own condition, until the page is
//! full. A term shorter than a trigram (1–2 characters) that the window did not answer is the
//! scan, newest first: such terms are common (any two digits are in about a tenth of all
//! numbers), so it stops early.

use super::history::{self, search_matches};
use super::{Journal, JournalError, rows};
use crate::payment::Payment;
use rusqlite::{Connection, ErrorCode, OptionalExtension};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many of the newest payments are read before the index (and sampled to pick the
/// rarest trigrams of a term).
pub const WINDOW: usize = 2000;

/// How many of a term's trigrams are looked up (its rarest): enough to make false candidates
/// rare, few enough that no common trigram (`255`, `LP-`) is walked.
const GRAMS: usize = 3;

/// Whether a search is still wanted: a newer line typed in the console supersedes it, and it
/// stops, before it starts or while it runs.
#[derive(Clone)]
pub struct Wanted(Arc<dyn Fn() -> bool + Send + Sync>);

impl Wanted {
    /// Wanted to the end.
    pub fn always() -> Wanted {
        Wanted(Arc::new(|| true))
    }

    /// Wanted while `still` says so.
    pub fn as_long_as(still: impl Fn() -> bool + Send + Sync + 'static) -> Wanted {
        Wanted(Arc::new(still))
    }

    pub fn still(&self) -> bool {
        (self.0)()
    }
}

/// Searches run to the end and searches stopped, by this journal handle.
#[derive(Debug, Default)]
pub(super) struct Counts {
    finished: AtomicU64,
    stopped: AtomicU64,
}

/// The search line worked out: the line as typed (trimmed), its digits (a number typed as the
/// cashier knows it, `0712…`, is stored as `255712…`: the leading zero goes), and the amount
/// it may be in TZS and KES (minor units).
#[derive(Debug, Clone)]
pub(super) struct Terms {
    pub q: String,
    pub digits: String,
    pub tzs: Option<i64>,
    pub kes: Option<i64>,
}

impl Terms {
    pub fn of(query: &str) -> Terms {
        use crate::money::{Currency, Money};
        let q = query.trim();
        let digits: String = if q.chars().all(|c| c.is_ascii_digit() || " +-".contains(c)) {
            let all: String = q.chars().filter(char::is_ascii_digit).collect();
            all.trim_start_matches('0').to_string()
        } else {
            String::new()
        };
        let amount = |c: Currency| Money::parse(q, c).ok().map(Money::minor);
        Terms {
            q: q.to_string(),
            digits,
            tzs: amount(Currency::Tzs),
            kes: amount(Currency::Kes),
        }
    }
}

/// A count as SQLite's integer.
fn int(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Journal {
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
        Ok(self
            .search_while(query, operator, offset, limit, &Wanted::always())?
            .unwrap_or_default())
    }

    /// [`Journal::search`] while `wanted` says so: `None` when it stopped (superseded),
    /// before it began or while it ran.
    pub fn search_while(
        &self,
        query: &str,
        operator: Option<&str>,
        offset: usize,
        limit: usize,
        wanted: &Wanted,
    ) -> Result<Option<Vec<Payment>>, JournalError> {
        self.search_in(query, operator, offset, limit, WINDOW, wanted)
    }

    /// [`Journal::search`] reading the newest `window` payments before the index (0: the
    /// index only). For the tests that hold it to the scan.
    #[doc(hidden)]
    pub fn search_window(
        &self,
        query: &str,
        operator: Option<&str>,
        offset: usize,
        limit: usize,
        window: usize,
    ) -> Result<Vec<Payment>, JournalError> {
        Ok(self
            .search_in(query, operator, offset, limit, window, &Wanted::always())?
            .unwrap_or_default())
    }

    /// The search line as a scan of the whole journal, newest first: the query the index
    /// replaced, kept for the tests and the benchmark that compare them.
    #[doc(hidden)]
    pub fn search_scan(
        &self,
        query: &str,
        operator: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Payment>, JournalError> {
        let t = Terms::of(query);
        let (offset, limit) = (int(offset), int(limit.max(1)));
        if let Some(pg) = self.pg() {
            return pg.search_scan(t, operator, offset, limit);
        }
        let conn = self.conn()?;
        scan(&conn, &t, operator, offset, limit)
    }

    /// How many searches this handle ran to the end, and how many stopped (superseded).
    pub fn search_counts(&self) -> (u64, u64) {
        (
            self.searches.finished.load(Ordering::Relaxed),
            self.searches.stopped.load(Ordering::Relaxed),
        )
    }

    fn search_in(
        &self,
        query: &str,
        operator: Option<&str>,
        offset: usize,
        limit: usize,
        window: usize,
        wanted: &Wanted,
    ) -> Result<Option<Vec<Payment>>, JournalError> {
        let found = self.search_unless_stopped(query, operator, offset, limit, window, wanted)?;
        let count = match found {
            Some(_) => &self.searches.finished,
            None => &self.searches.stopped,
        };
        count.fetch_add(1, Ordering::Relaxed);
        Ok(found)
    }

    fn search_unless_stopped(
        &self,
        query: &str,
        operator: Option<&str>,
        offset: usize,
        limit: usize,
        window: usize,
        wanted: &Wanted,
    ) -> Result<Option<Vec<Payment>>, JournalError> {
        if !wanted.still() {
            return Ok(None);
        }
        let t = Terms::of(query);
        let limit = limit.max(1);
        if let Some(pg) = self.pg() {
            return pg.search(t, operator, int(offset), int(limit), wanted.clone());
        }
        let conn = self.conn()?;
        let stop = wanted.clone();
        // SQLite asks every 1,000 steps of a statement whether to go on.
        conn.progress_handler(1000, Some(move || !stop.still()));
        let asking = Asking(&conn);
        let found = indexed(asking.0, &t, operator, offset, limit, window, wanted);
        drop(asking);
        match found {
            Ok(page) => Ok(page),
            Err(JournalError::Sqlite(rusqlite::Error::SqliteFailure(f, _)))
                if f.code == ErrorCode::OperationInterrupted && !wanted.still() =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

/// The progress handler of one search, taken off when it ends however it ends: the next
/// statement on the connection (a payment's write) is never stopped by it.
struct Asking<'a>(&'a Connection);

impl Drop for Asking<'_> {
    fn drop(&mut self) {
        self.0.progress_handler(0, None::<fn() -> bool>);
    }
}

/// The scan: every payment, newest first, checked one by one, until the page is full.
fn scan(
    conn: &Connection,
    t: &Terms,
    operator: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<Vec<Payment>, JournalError> {
    rows::select(
        conn,
        history::SEARCH,
        rusqlite::params![t.q, t.digits, t.tzs, t.kes, operator, limit, offset],
    )
}

/// The newest payments from `floor` on that match, at most `limit`.
const WINDOWED: &str = concat!(
    "WHERE id >= ?6 AND ",
    search_matches!(),
    " ORDER BY id DESC LIMIT ?7"
);

/// One candidate, when it matches.
pub(super) const CHECK: &str = concat!("WHERE id = ?6 AND ", search_matches!());

/// Every payment the index and the amounts may match, newest first (a superset: each is
/// checked).
pub(super) const CANDIDATES: &str =
    "SELECT rowid FROM payments_search WHERE payments_search MATCH ?1
     UNION SELECT id FROM payments WHERE amount_minor = ?2 AND currency = 'TZS'
     UNION SELECT id FROM payments WHERE amount_minor = ?3 AND currency = 'KES'
     ORDER BY 1 DESC";

fn indexed(
    conn: &Connection,
    t: &Terms,
    operator: Option<&str>,
    offset: usize,
    limit: usize,
    window: usize,
    wanted: &Wanted,
) -> Result<Option<Vec<Payment>>, JournalError> {
    let whole = || scan(conn, t, operator, int(offset), int(limit)).map(Some);
    if t.q.is_empty() {
        // Every payment: the newest page is the first rows read.
        return whole();
    }
    let want = offset.saturating_add(limit);
    // The newest `window` payments: a common term fills its page here.
    let floor: Option<i64> = conn
        .query_row(
            "SELECT id FROM payments ORDER BY id DESC LIMIT 1 OFFSET ?1",
            [int(window.max(1) - 1)],
            |r| r.get(0),
        )
        .optional()?;
    let Some(floor) = floor else {
        // The journal holds no more than the window: reading it all is reading the window.
        return whole();
    };
    if window > 0 {
        let found = rows::select(
            conn,
            WINDOWED,
            rusqlite::params![t.q, t.digits, t.tzs, t.kes, operator, floor, int(want)],
        )?;
        if found.len() >= want {
            return Ok(Some(found.into_iter().skip(offset).collect()));
        }
    }
    // Shorter than a trigram: nothing in the index can find it.
    let short = |s: &str| s.chars().count() < 3;
    if short(&t.q) || (!t.digits.is_empty() && short(&t.digits)) {
        return whole();
    }
    let sample = newest(conn, WINDOW)?;
    let mut lookup = Vec::new();
    if !t.digits.is_empty() {
        let grams = rarest(&t.digits, sample.iter().map(|(phone, _)| phone.as_str()));
        lookup.push(format!("phone : ({})", grams));
    }
    let upper = t.q.to_ascii_uppercase();
    let grams = rarest(
        &upper,
        sample.iter().map(|(_, reference)| reference.as_str()),
    );
    lookup.push(format!("reference : ({})", grams));
    let lookup = lookup.join(" OR ");

    let mut candidates = conn.prepare_cached(CANDIDATES)?;
    let mut ids = candidates.query(rusqlite::params![lookup, t.tzs, t.kes])?;
    let mut check =
        conn.prepare_cached(&format!("SELECT {} FROM payments {CHECK}", rows::COLUMNS))?;
    let mut page = Vec::new();
    let mut skipped = 0;
    let mut seen = 0u64;
    while let Some(row) = ids.next()? {
        seen += 1;
        if seen.is_multiple_of(64) && !wanted.still() {
            return Ok(None);
        }
        let id: i64 = row.get(0)?;
        let found = check
            .query_row(
                rusqlite::params![t.q, t.digits, t.tzs, t.kes, operator, id],
                rows::payment,
            )
            .optional()?;
        let Some(p) = found else { continue };
        if skipped < offset {
            skipped += 1;
            continue;
        }
        page.push(p);
        if page.len() == limit {
            break;
        }
    }
    Ok(Some(page))
}

/// The numbers and references (upper case) of the newest `count` payments.
fn newest(conn: &Connection, count: usize) -> Result<Vec<(String, String)>, JournalError> {
    let mut stmt = conn
        .prepare_cached("SELECT phone, upper(reference) FROM payments ORDER BY id DESC LIMIT ?1")?;
    let rows = stmt.query_map([int(count)], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// The full-text query of `term`'s rarest trigrams among `sample`, each a quoted string
/// (`"712" AND "123"`): every text holding `term` holds them (the index folds case as the
/// scan's `upper` does, and more), so the lookup finds a superset of the matches.
fn rarest<'a>(term: &str, sample: impl Iterator<Item = &'a str> + Clone) -> String {
    let chars: Vec<char> = term.chars().collect();
    let mut grams: Vec<String> = chars.windows(3).map(|w| w.iter().collect()).collect();
    grams.sort();
    grams.dedup();
    let mut counted: Vec<(usize, String)> = grams
        .into_iter()
        .map(|g| (sample.clone().filter(|s| s.contains(g.as_str())).count(), g))
        .collect();
    counted.sort();
    counted
        .into_iter()
        .take(GRAMS)
        .map(|(_, g)| format!("\"{}\"", g.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}
