//! Schema migrations, applied in order and recorded in `PRAGMA user_version`.

/// Each entry moves the schema from version `index` to `index + 1`. Never edit a shipped entry:
/// append a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: payments and their history.
    "CREATE TABLE payments (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        provider      TEXT    NOT NULL,
        reference     TEXT    NOT NULL,
        phone         TEXT    NOT NULL,
        amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
        currency      TEXT    NOT NULL,
        channel       TEXT,
        email         TEXT,
        name          TEXT,
        status        TEXT    NOT NULL,
        message       TEXT    NOT NULL DEFAULT '',
        provider_id   TEXT,
        created_at    TEXT    NOT NULL,
        updated_at    TEXT    NOT NULL,
        sent_at       TEXT,
        polls         INTEGER NOT NULL DEFAULT 0,
        checked       INTEGER NOT NULL DEFAULT 0,
        UNIQUE (provider, reference)
    );
    CREATE INDEX payments_status ON payments (status);
    CREATE INDEX payments_created ON payments (created_at);
    CREATE INDEX payments_phone ON payments (phone, amount_minor);
    CREATE TABLE events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        payment_id  INTEGER NOT NULL REFERENCES payments (id),
        at          TEXT    NOT NULL,
        status      TEXT    NOT NULL,
        message     TEXT    NOT NULL
    );
    CREATE INDEX events_payment ON events (payment_id);",
    // 2: what each status query learned, checks by a person, payments sent again, and the
    // kind of each history entry. Messages from here on are stored as JSON (`Msg`); older
    // plain text is read as it is.
    "ALTER TABLE payments ADD COLUMN said TEXT NOT NULL DEFAULT '';
    ALTER TABLE payments ADD COLUMN lookup TEXT;
    ALTER TABLE payments ADD COLUMN heard_at TEXT;
    ALTER TABLE payments ADD COLUMN checked_by TEXT;
    ALTER TABLE payments ADD COLUMN checked_at TEXT;
    ALTER TABLE payments ADD COLUMN check_note TEXT;
    ALTER TABLE payments ADD COLUMN replaces INTEGER REFERENCES payments (id);
    CREATE INDEX payments_replaces ON payments (replaces) WHERE replaces IS NOT NULL;
    ALTER TABLE events ADD COLUMN kind TEXT NOT NULL DEFAULT 'status';
    ALTER TABLE events ADD COLUMN who TEXT;",
    // 3: every query the faces run is an index lookup: open payments (a partial index on
    // the unresolved list's own condition), a reference whatever its provider, the duplicate
    // guard's question (phone, amount, currency, time).
    "CREATE INDEX payments_open ON payments (id) WHERE status NOT IN ('paid', 'failed');
    CREATE INDEX payments_reference ON payments (reference);
    DROP INDEX payments_phone;
    CREATE INDEX payments_same ON payments (phone, amount_minor, currency, created_at);",
    // 4: who pushed each payment (payments from before read as `unknown`).
    "ALTER TABLE payments ADD COLUMN operator TEXT;",
    // 5: closed days (Z reports): numbered per journal, never reused (AUTOINCREMENT), one per
    // day and till, and never changed or removed, by the database itself.
    "CREATE TABLE closings (
        number      INTEGER PRIMARY KEY AUTOINCREMENT,
        day         TEXT    NOT NULL,
        till        TEXT    NOT NULL,
        closed_at   TEXT    NOT NULL,
        closed_by   TEXT    NOT NULL,
        report      TEXT    NOT NULL,
        UNIQUE (day, till)
    );
    CREATE TRIGGER closings_never_change BEFORE UPDATE ON closings
        BEGIN SELECT RAISE(ABORT, 'a closed day is never changed'); END;
    CREATE TRIGGER closings_never_removed BEFORE DELETE ON closings
        BEGIN SELECT RAISE(ABORT, 'a closed day is never removed'); END;",
    // 6: what the provider said about a payment after it was final (reversed, refunded, on
    // hold after paid): the status stays as it was; the flag asks a person to look.
    "ALTER TABLE payments ADD COLUMN flag TEXT;",
    // 7: the till that recorded each payment (a chain's tills share one ledger).
    "ALTER TABLE payments ADD COLUMN till TEXT;",
    // 8: the rules in the database itself, as in the shared ledger: what a payment is never
    // changes, a final payment keeps its status and words, a flag stays, and no payment or
    // history entry is ever removed.
    "CREATE TRIGGER payments_what_stays BEFORE UPDATE ON payments
        WHEN NEW.provider IS NOT OLD.provider OR NEW.reference IS NOT OLD.reference
          OR NEW.phone IS NOT OLD.phone OR NEW.amount_minor IS NOT OLD.amount_minor
          OR NEW.currency IS NOT OLD.currency
        BEGIN SELECT RAISE(ABORT, 'lipa: a payment is what it was recorded as'); END;
    CREATE TRIGGER payments_final_stays BEFORE UPDATE ON payments
        WHEN OLD.status IN ('paid', 'failed') AND (NEW.status IS NOT OLD.status
          OR NEW.message IS NOT OLD.message OR NEW.provider_id IS NOT OLD.provider_id
          OR NEW.polls IS NOT OLD.polls)
        BEGIN SELECT RAISE(ABORT, 'lipa: a final payment never changes'); END;
    CREATE TRIGGER payments_flag_stays BEFORE UPDATE OF flag ON payments
        WHEN OLD.flag IS NOT NULL AND NEW.flag IS NOT OLD.flag
        BEGIN SELECT RAISE(ABORT, 'lipa: a flag stays'); END;
    CREATE TRIGGER payments_never_removed BEFORE DELETE ON payments
        BEGIN SELECT RAISE(ABORT, 'lipa: a payment is never removed'); END;
    CREATE TRIGGER events_never_change BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'lipa: history is never changed'); END;
    CREATE TRIGGER events_never_removed BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'lipa: history is never removed'); END;",
    // 9: poll leases: the process that follows a pending payment, and until when (several
    // processes on one journal: one asks the provider at a time; a stopped one's lease runs out).
    "ALTER TABLE payments ADD COLUMN lease_owner TEXT;
    ALTER TABLE payments ADD COLUMN lease_until TEXT;",
    // 10: finished payments each operator cleared off their console's list: a console that
    // starts again shows what finished meanwhile, never what its operator cleared.
    "CREATE TABLE cleared (
        payment_id  INTEGER NOT NULL REFERENCES payments (id),
        operator    TEXT    NOT NULL,
        at          TEXT    NOT NULL,
        PRIMARY KEY (payment_id, operator)
    );",
    // 11: the wallet's own id of the payment, which the customer's SMS shows (pawaPay's
    // `providerTransactionId`): what a receipt names.
    "ALTER TABLE payments ADD COLUMN wallet_ref TEXT;",
    // 12: the providers' callbacks, each as it came (a hint, never proof), beside the payment
    // it named (none: kept for a person); the same body twice is kept once.
    "CREATE TABLE hooks (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at TEXT    NOT NULL,
        provider    TEXT    NOT NULL,
        source      TEXT    NOT NULL,
        checked     TEXT    NOT NULL,
        named       TEXT    NOT NULL,
        payment_id  INTEGER REFERENCES payments (id),
        outcome     TEXT    NOT NULL,
        body        TEXT    NOT NULL,
        digest      TEXT    NOT NULL,
        UNIQUE (provider, digest)
    );
    CREATE INDEX hooks_payment ON hooks (payment_id) WHERE payment_id IS NOT NULL;
    ALTER TABLE payments ADD COLUMN hook_token TEXT;
    CREATE INDEX payments_provider_id ON payments (provider_id) WHERE provider_id IS NOT NULL;
    CREATE TRIGGER hooks_never_change BEFORE UPDATE ON hooks
        BEGIN SELECT RAISE(ABORT, 'lipa: a callback is kept as it came'); END;
    CREATE TRIGGER hooks_never_removed BEFORE DELETE ON hooks
        BEGIN SELECT RAISE(ABORT, 'lipa: a callback is kept as it came'); END;",
    // 13: the console's search line by index (`search.rs`): every trigram of each number and
    // reference (FTS5, its text read from `payments` itself), kept by the insert (a payment's
    // number and reference never change, and no payment is removed), and the amounts. Built
    // here for what the journal already holds: 9.6 s and +126 MB for a journal of 1,000,000
    // payments (371 MB) on a 2-core machine while another build ran (`cargo bench --bench
    // search` times it), during which the journal's write lock is held.
    "CREATE VIRTUAL TABLE payments_search USING fts5 (phone, reference,
        content = 'payments', content_rowid = 'id', tokenize = 'trigram');
    INSERT INTO payments_search (payments_search) VALUES ('rebuild');
    CREATE TRIGGER payments_search_new AFTER INSERT ON payments BEGIN
        INSERT INTO payments_search (rowid, phone, reference)
            VALUES (NEW.id, NEW.phone, NEW.reference);
    END;
    CREATE INDEX payments_amount ON payments (amount_minor, currency);",
];
