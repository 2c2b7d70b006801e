//! The two backends of the ledger for one test: the embedded SQLite journal in a temporary
//! directory, and the shared ledger in a fresh database of the PostgreSQL server that
//! `LIPA_TEST_DATABASE_URL` names (`.ci/postgres` starts one). Without that variable the
//! PostgreSQL half says so and is skipped, except in CI, where it must run.
#![allow(dead_code)]

use lipa::journal::Journal;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh database on the test server, dropped with this value.
pub struct TestDb {
    pub url: String,
    admin: String,
    name: String,
}

static COUNT: AtomicUsize = AtomicUsize::new(0);

/// Runs `f` on a runtime of its own, on a thread of its own (the caller may be a tokio test).
fn blocking<T: Send>(f: impl std::future::Future<Output = T> + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(|| {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(f)
        })
        .join()
        .expect("admin thread")
    })
}

fn admin(url: &str, sql: &str) {
    blocking(async {
        let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
            .await
            .expect("connect to the test server");
        let task = tokio::spawn(conn);
        client.batch_execute(sql).await.expect(sql);
        drop(client);
        let _ = task.await;
    });
}

impl TestDb {
    /// A new, empty database, or `None` (with a message) when no server is configured.
    pub fn create(test: &str) -> Option<TestDb> {
        let Some(admin_url) = std::env::var("LIPA_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the PostgreSQL tests: set LIPA_TEST_DATABASE_URL (.ci/postgres)"
            );
            eprintln!(
                "skipped {test} on PostgreSQL: no LIPA_TEST_DATABASE_URL (eval \"$(.ci/postgres)\")"
            );
            return None;
        };
        let name = format!(
            "lipa_{}_{}_{}",
            test.chars()
                .filter(char::is_ascii_alphanumeric)
                .take(24)
                .collect::<String>()
                .to_lowercase(),
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        admin(&admin_url, &format!("CREATE DATABASE {name}"));
        let url = match admin_url.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("LIPA_TEST_DATABASE_URL needs a database: …/postgres"),
        };
        Some(TestDb {
            url,
            admin: admin_url,
            name,
        })
    }

    /// The number a query of this database answers (`SELECT count(*) …`).
    pub fn count(&self, sql: &str) -> i64 {
        blocking(async {
            let (client, conn) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
                .await
                .expect("connect");
            let task = tokio::spawn(conn);
            let n: i64 = client.query_one(sql, &[]).await.expect(sql).get(0);
            drop(client);
            let _ = task.await;
            n
        })
    }

    /// Runs SQL on this database directly (what a person with psql could do).
    pub fn sql(&self, sql: &str) -> Result<(), String> {
        blocking(async {
            let (client, conn) = tokio_postgres::connect(&self.url, tokio_postgres::NoTls)
                .await
                .map_err(|e| e.to_string())?;
            let task = tokio::spawn(conn);
            let r = client.batch_execute(sql).await.map_err(|e| {
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |d| d.message().to_string())
            });
            drop(client);
            let _ = task.await;
            r
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        admin(
            &self.admin,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// One backend under test.
pub enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres(TestDb),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// A new handle on this backend's ledger (another till, another process's view).
    pub fn open(&self) -> Journal {
        match self {
            Backend::Sqlite(dir) => Journal::open_in(dir.path()).expect("sqlite journal"),
            Backend::Postgres(db) => Journal::open_postgres(&db.url).expect("postgres ledger"),
        }
    }

    /// Runs raw SQL against the ledger, as a person at its console could.
    pub fn sql(&self, sql: &str) -> Result<(), String> {
        match self {
            Backend::Sqlite(dir) => {
                let c = rusqlite::Connection::open(dir.path().join(lipa::journal::FILE_NAME))
                    .map_err(|e| e.to_string())?;
                c.execute_batch(sql).map_err(|e| e.to_string())
            }
            Backend::Postgres(db) => db.sql(sql),
        }
    }
}

/// Both backends (PostgreSQL only when a server is configured).
pub fn backends(test: &str) -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite(tempfile::tempdir().expect("dir"))];
    if let Some(db) = TestDb::create(test) {
        v.push(Backend::Postgres(db));
    }
    v
}
