//! A big journal for the benches, written straight in: `count` paid payments 20 s apart from
//! 2026-01-01, each with the events of a push (`events`: 1, the recording; 3, and its send and
//! answer), into a journal lipa made (its schema, its triggers).

use std::path::Path;

pub fn fill(path: &Path, count: u64, events: u8) {
    drop(lipa::journal::Journal::open(path).expect("journal"));
    let conn = rusqlite::Connection::open(path).expect("open");
    let more = if events >= 3 {
        "INSERT INTO events (payment_id, at, status, message)
             SELECT id, sent_at, 'pending', '{\"PromptSent\":null}' FROM payments;
         INSERT INTO events (payment_id, at, status, message)
             SELECT id, updated_at, 'paid', '{\"Paid\":null}' FROM payments;"
    } else {
        ""
    };
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; BEGIN;
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
         INSERT INTO payments (provider, reference, phone, amount_minor, currency, status,
             message, created_at, updated_at, sent_at, polls, operator, till, said)
         SELECT 'clickpesa', printf('LP%013d', i), printf('2557%08d', i % 100000000),
             1000 * (1 + i % 500), 'TZS', 'paid', '{{\"Paid\":null}}',
             strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', printf('+%d seconds', i * 20)),
             strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', printf('+%d seconds', i * 20 + 9)),
             strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', printf('+%d seconds', i * 20)),
             2, 'rehema', 'till-1', 'SUCCESS'
         FROM n;
         INSERT INTO events (payment_id, at, status, message)
             SELECT id, created_at, 'recorded', '' FROM payments;
         {more}
         COMMIT; PRAGMA wal_checkpoint(TRUNCATE);"
    ))
    .expect("fill");
}
