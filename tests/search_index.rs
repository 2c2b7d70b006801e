//! The console's search line by index gives exactly what the scan it replaced gave: the same
//! payments in the same order, the same pages, the same operator's, for numbers (whole, local,
//! any digits), references (any part, any case, odd characters), amounts and terms shorter
//! than a trigram, on a journal on disk whose index was built by the migration and then kept
//! by its writes, and on the shared ledger. A superseded search stops while it runs.

#[path = "support/ledger.rs"]
mod ledger;

use lipa::journal::{Journal, Wanted};
use lipa::money::{Currency, Money};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A payment as the test writes it.
struct Row {
    reference: String,
    phone: String,
    minor: i64,
    currency: &'static str,
    operator: Option<&'static str>,
}

/// A fixed sequence of pseudo-random numbers (the same journal at every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

const ROWS: usize = 4000;

fn rows() -> Vec<Row> {
    let mut r = Lcg(28);
    let amounts = ["1500", "99.50", "2,500", "100", "1"];
    let operators = [Some("rehema"), Some("amani"), None, Some("rehema")];
    let mut out: Vec<Row> = Vec::new();
    for i in 0..ROWS {
        let phone = if i % 10 == 9 {
            out[r.next(i as u64) as usize].phone.clone()
        } else {
            let country = if r.next(3) == 0 { "254" } else { "255" };
            let first = if r.next(2) == 0 { '7' } else { '6' };
            format!("{country}{first}{:08}", r.next(100_000_000))
        };
        let alnum = |r: &mut Lcg, n: usize| -> String {
            let set = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
            (0..n)
                .map(|_| set[r.next(set.len() as u64) as usize] as char)
                .collect()
        };
        let reference = match i % 7 {
            0 => format!("lp{i}"),
            1 => format!("Order 12%_{i}"),
            2 => format!("ÑANDU-{i}-ñ"),
            3 => format!("QUO\"TE{i}"),
            _ => format!("LP-{}-{}{i}", alnum(&mut r, 6), alnum(&mut r, 2)),
        };
        let currency = if r.next(4) == 0 {
            Currency::Kes
        } else {
            Currency::Tzs
        };
        let amount = amounts[r.next(amounts.len() as u64) as usize];
        let minor = if r.next(3) == 0 {
            1 + r.next(10_000_000) as i64
        } else {
            // (`99.50` is no amount in TZS, which has no cents: then 1,234.)
            Money::parse(amount, currency).map_or(123_400, Money::minor)
        };
        out.push(Row {
            reference,
            phone,
            minor,
            currency: currency.code(),
            operator: operators[r.next(operators.len() as u64) as usize],
        });
    }
    out
}

/// `'text'` for SQL.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// One INSERT of `rows` (ids from `first`), in both databases' SQL.
fn insert(rows: &[Row], first: usize) -> String {
    let values: Vec<String> = rows
        .iter()
        .enumerate()
        .map(|(n, p)| {
            let i = first + n;
            let at = format!("2026-01-01T00:{:02}:{:02}.000000Z", i / 3600 % 60, i % 60);
            format!(
                "({}, 'clickpesa', {}, {}, {}, {}, 'paid', {at}, {at}, {})",
                i + 1,
                quoted(&p.reference),
                quoted(&p.phone),
                p.minor,
                quoted(p.currency),
                p.operator.map_or("NULL".to_string(), quoted),
                at = quoted(&at),
            )
        })
        .collect();
    format!(
        "INSERT INTO payments (id, provider, reference, phone, amount_minor, currency, status,
             created_at, updated_at, operator) VALUES {};",
        values.join(",\n")
    )
}

/// What a cashier types: parts of some payments' numbers, references and amounts, short
/// terms, odd characters, and nothing.
fn queries(rows: &[Row]) -> Vec<String> {
    let mut q: Vec<String> = [
        "", "7", "07", "0", "12", "a", "LP", "lp-", "%", "_", "\"", "ñ", "Ñ", "ÑANDU", "ñandu",
        "12%_", "r 1", "1500", "1,500", "99.50", "2,500", "2500.00", "1", "zzzz", "255", "2557",
        "+255 7", "071", "06",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for i in [5, 1234, 2500, ROWS - 1, ROWS - 3] {
        let p = &rows[i];
        let digits = &p.phone;
        q.push(digits.clone());
        q.push(format!("0{}", &digits[3..]));
        q.push(format!("0{} {}", &digits[3..6], &digits[6..]));
        for len in [3, 4, 6, 8] {
            q.push(digits[4..4 + len].to_string());
        }
        let chars: Vec<char> = p.reference.chars().collect();
        q.push(p.reference.clone());
        q.push(p.reference.to_lowercase());
        q.push(chars[2..chars.len().min(7)].iter().collect());
        q.push(chars[chars.len() - 4..].iter().collect());
    }
    q
}

/// Every query, with and without an operator, page by page: the index's answer is the scan's.
fn same_as_the_scan(j: &Journal, rows: &[Row], windows: &[usize], backend: &str) {
    let pages: [(usize, usize); 3] = [(0, 50), (50, 50), (3, 7)];
    let mut compared = 0;
    let mut found = 0;
    for q in queries(rows) {
        for op in [None, Some("amani"), Some("unknown"), Some("nobody")] {
            for &(offset, limit) in if op.is_none() {
                &pages[..]
            } else {
                &pages[..1]
            } {
                let scan = j.search_scan(&q, op, offset, limit).expect("scan");
                let indexed = j.search(&q, op, offset, limit).expect("search");
                assert_eq!(
                    indexed, scan,
                    "{backend}: {q:?} operator {op:?} from {offset}, {limit}"
                );
                for &w in windows {
                    let window = j.search_window(&q, op, offset, limit, w).expect("window");
                    assert_eq!(window, scan, "{backend}: {q:?} {op:?} {offset} window {w}");
                }
                compared += 1;
                found += scan.len();
            }
        }
    }
    assert!(compared > 300 && found > 5_000, "{compared} {found}");
}

#[test]
fn the_index_finds_what_the_scan_found_on_sqlite() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("journal.sqlite3");
    let rows = rows();
    let (old, new) = rows.split_at(ROWS / 2);
    // A journal as the lipa before the index left it (version 12), with payments in it.
    drop(Journal::open(&path).expect("journal"));
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(&format!(
        "DROP TRIGGER payments_search_new; DROP TABLE payments_search;
         DROP INDEX payments_amount; PRAGMA user_version = 12; {}",
        insert(old, 0)
    ))
    .expect("version 12");
    drop(conn);
    // This lipa opens it (the migration builds the index); then more are written.
    let j = Journal::open(&path).expect("migrated");
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(&insert(new, old.len()))
        .expect("newer payments");
    drop(conn);
    assert_eq!(j.integrity_check().expect("check"), "ok");
    same_as_the_scan(&j, &rows, &[0, 50], "sqlite");
}

#[test]
fn the_index_finds_what_the_scan_found_on_postgres() {
    let Some(db) = ledger::TestDb::create("search_index") else {
        return;
    };
    let j = Journal::open_postgres(&db.url).expect("ledger");
    let rows = rows();
    db.sql(&format!("{} ANALYZE payments;", insert(&rows, 0)))
        .expect("payments");
    assert_eq!(
        db.count("SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%_trgm'"),
        2
    );
    same_as_the_scan(&j, &rows, &[], "postgres");
}

/// A ledger whose login may not create the extension: search is the scan, and still right.
#[test]
fn without_pg_trgm_the_ledger_still_searches() {
    let Some(db) = ledger::TestDb::create("search_plain") else {
        return;
    };
    let role = format!("lipa_plain_{}", std::process::id());
    db.sql(&format!(
        "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN;
         GRANT USAGE, CREATE ON SCHEMA public TO {role};"
    ))
    .expect("role");
    let url = db.url.replacen("postgres@", &format!("{role}@"), 1);
    let j = Journal::open_postgres(&url).expect("ledger");
    let rows = rows();
    db.sql(&insert(&rows[..500], 0)).expect("payments");
    assert_eq!(
        db.count("SELECT count(*) FROM pg_indexes WHERE indexname LIKE '%_trgm'"),
        0
    );
    for q in ["", &rows[7].phone[5..10], "lp-", "1500", "7"] {
        assert_eq!(
            j.search(q, None, 0, 50).expect("search"),
            j.search_scan(q, None, 0, 50).expect("scan"),
            "{q}"
        );
    }
    drop(j);
    db.sql(&format!("DROP OWNED BY {role}; DROP ROLE {role};"))
        .expect("role dropped");
}

/// A search no longer wanted stops while its query runs, says so (`None`), and the journal
/// answers the next one as ever.
#[test]
fn a_superseded_search_stops_while_it_runs() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("journal.sqlite3");
    let j = Journal::open(&path).expect("journal");
    let rows = rows();
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(&insert(&rows, 0)).expect("payments");
    drop(conn);
    // Wanted when it starts, superseded at the first question SQLite asks while it runs.
    let asked = Arc::new(AtomicUsize::new(0));
    let count = asked.clone();
    let wanted = Wanted::as_long_as(move || count.fetch_add(1, Ordering::SeqCst) == 0);
    let found = j
        .search_while("zzzzzz", None, 0, 50, &wanted)
        .expect("search");
    assert!(found.is_none(), "{found:?}");
    assert!(asked.load(Ordering::SeqCst) >= 2, "asked while it ran");
    assert_eq!(j.search_counts(), (0, 1));
    // Superseded before it starts: nothing is read.
    let never = Wanted::as_long_as(|| false);
    assert!(
        j.search_while("7", None, 0, 50, &never)
            .expect("search")
            .is_none()
    );
    assert_eq!(j.search_counts(), (0, 2));
    let q = &rows[1234].phone[4..10];
    assert_eq!(
        j.search(q, None, 0, 50).expect("next"),
        j.search_scan(q, None, 0, 50).expect("scan")
    );
    assert_eq!(j.search_counts(), (1, 2));
}
