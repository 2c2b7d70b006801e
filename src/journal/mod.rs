//! The journal: SQLite in WAL mode, the one source of truth.
