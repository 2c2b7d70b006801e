//! The shared ledger on PostgreSQL: what a chain's tills record into together.
//!
//! Why tokio-postgres with deadpool-postgres: tokio-postgres is the maintained PostgreSQL
//! client on the runtime lipa already uses, speaks the protocol itself (no C library), and has
//! LISTEN/NOTIFY; deadpool-postgres is its small, maintained pool. sqlx would bring a second
//! query layer and its own macros for one backend. The journal's interface is blocking (one
//! thread queues every call, see `worker.rs`), so the ledger runs its own small runtime and a
//! call waits for its answer there: it may be made from any thread, inside tokio or not.
//!
//! Every write is one transaction that locks the payment's row (`FOR UPDATE`) before it
//! compares and changes it; the duplicate guard's question and the insert are serialised
//! across tills by an advisory transaction lock on the phone, amount and currency; times are
//! the database's clock, one clock for every till.

mod cleared;
mod hooks;
mod import;
mod lease;
mod listen;
mod read;
mod rows;
mod schema;
mod search;
mod tls;
mod tokens;
mod write;

pub use listen::LedgerNews;
pub use write::OwnedChange;

use tls::Tls;

use super::JournalError;
use crate::secret::redact;
use deadpool_postgres::{ManagerConfig, Pool, RecyclingMethod};
use std::future::Future;
use std::time::Duration;

/// How long one call may take before the ledger counts as unreachable.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a new connection may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The newest schema version this lipa knows.
pub fn schema_version() -> usize {
    schema::MIGRATIONS.len()
}

/// The shared ledger as `lipa doctor` found it ([`PgStore::probe`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// Host, port and database (no password).
    pub place: String,
    /// Its schema version; 0 when no lipa made its tables yet.
    pub schema: usize,
    /// Whether the connection is TLS, as the server says (`None`: it did not say).
    pub tls: Option<bool>,
    /// Whether the server's certificate and name were verified.
    pub verified: bool,
    /// Whether this login may record payments (`None`: no tables yet, or not said).
    pub writable: Option<bool>,
}

pub struct PgStore {
    runtime: Option<tokio::runtime::Runtime>,
    handle: tokio::runtime::Handle,
    pool: Pool,
    /// Where the ledger is, without its password (for messages).
    place: String,
    /// For the listening connection (see `listen.rs`).
    config: tokio_postgres::Config,
    tls: Tls,
    /// Whether the search line has its trigram indexes (`search.rs`).
    trigram: std::sync::atomic::AtomicBool,
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Dropped inside another runtime's task: never block there.
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Whether `url` names a PostgreSQL ledger.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

impl PgStore {
    /// Connects to the ledger at `url` and brings its schema up to date (refusing a schema
    /// newer than this lipa knows).
    pub fn open(url: &str) -> Result<PgStore, JournalError> {
        let store = PgStore::connect(url)?;
        let trigram = store.run(|pool| async move {
            let mut client = pool.get().await?;
            migrate(&mut client).await
        })?;
        store
            .trigram
            .store(trigram, std::sync::atomic::Ordering::Relaxed);
        Ok(store)
    }

    /// What `lipa doctor` says of the ledger at `url`, changing nothing in it: reached, its
    /// schema version (0: no lipa made its tables yet), and whether this connection is TLS.
    pub fn probe(url: &str) -> Result<Probe, JournalError> {
        let store = PgStore::connect(url)?;
        let verified = tls::split_url(url)?.verify && !matches!(store.tls, Tls::Off);
        let place = store.place.clone();
        let (schema, tls, writable) = store.run(|pool| async move {
            let client = pool.get().await?;
            let has = client
                .query_one("SELECT to_regclass('lipa_schema') IS NOT NULL", &[])
                .await?
                .get::<_, bool>(0);
            let schema = if has {
                client
                    .query_opt("SELECT version FROM lipa_schema", &[])
                    .await?
                    .map_or(0, |r| r.get::<_, i32>(0))
            } else {
                0
            };
            // Readable by every user since PostgreSQL 9.5; an older server says nothing.
            let tls = client
                .query_opt(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                    &[],
                )
                .await
                .ok()
                .flatten()
                .map(|r| r.get::<_, bool>(0));
            // Whether this login may record payments (a read-only one takes no sale).
            let writable = if has {
                client
                    .query_opt(
                        "SELECT has_table_privilege('payments', 'INSERT')
                            AND has_table_privilege('payments', 'UPDATE')
                            AND has_table_privilege('events', 'INSERT')",
                        &[],
                    )
                    .await
                    .ok()
                    .flatten()
                    .map(|r| r.get::<_, bool>(0))
            } else {
                None
            };
            Ok((usize::try_from(schema).unwrap_or(0), tls, writable))
        })?;
        Ok(Probe {
            place,
            schema,
            tls,
            verified,
            writable,
        })
    }

    /// Connects to the ledger at `url`, changing nothing.
    fn connect(url: &str) -> Result<PgStore, JournalError> {
        // An `@` after the credentials' end is a password's unencoded `@`: tokio-postgres would
        // take the rest of the password for the host (and show it as the ledger's place).
        let from = url.find('@').map_or(0, |at| at + 1);
        let to = tls::query_start(url).unwrap_or(url.len());
        if url.get(from..to).is_some_and(|host| host.contains('@')) {
            return Err(JournalError::BadUrl(redact(url)));
        }
        let split = tls::split_url(url)?;
        let mut config: tokio_postgres::Config = split
            .url
            .parse()
            .map_err(|_| JournalError::BadUrl(redact(&split.url)))?;
        // TLS or no connection when the URL asks for it (see `tls::split_url`).
        config.ssl_mode(split.mode);
        // Without one, PostgreSQL would use the database named as the user (often the
        // server's own `postgres`): a till would keep a ledger of its own there, unseen.
        if config.get_dbname().is_none_or(str::is_empty) {
            return Err(JournalError::BadUrl(redact(&split.url)));
        }
        let tls = if tls::only_sockets(&config) {
            config.ssl_mode(tokio_postgres::config::SslMode::Disable);
            Tls::Off
        } else {
            Tls::new(split.verify, split.root_cert.as_deref())?
        };
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.keepalives_idle(Duration::from_secs(30));
        config.application_name("lipa");
        let place = place(&config);
        let manager = tls.manager(
            config.clone(),
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lipa-ledger")
            .enable_all()
            .build()
            .map_err(|e| JournalError::Unreachable(e.to_string()))?;
        let pool = Pool::builder(manager)
            .max_size(8)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(CONNECT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| JournalError::Unreachable(e.to_string()))?;
        Ok(PgStore {
            handle: runtime.handle().clone(),
            runtime: Some(runtime),
            pool,
            place,
            config,
            tls,
            trigram: std::sync::atomic::AtomicBool::new(false),
        })
    }

    /// Where the ledger is (host, port, database; never the password).
    pub fn place(&self) -> &str {
        &self.place
    }

    /// Runs `f` on the ledger's runtime with the pool, and waits for its answer.
    fn run<T, F, Fut>(&self, f: F) -> Result<T, JournalError>
    where
        T: Send + 'static,
        F: FnOnce(Pool) -> Fut,
        Fut: Future<Output = Result<T, JournalError>> + Send + 'static,
    {
        let job = f(self.pool.clone());
        let (tx, rx) = std::sync::mpsc::channel();
        self.handle.spawn(async move {
            let answer = tokio::time::timeout(CALL_TIMEOUT, job)
                .await
                .unwrap_or_else(|_| Err(JournalError::Unreachable("timed out".into())));
            let _ = tx.send(answer);
        });
        rx.recv()
            .map_err(|_| JournalError::Unreachable("the ledger's runtime stopped".into()))?
    }
}

/// host:port/database of a configuration.
fn place(config: &tokio_postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            tokio_postgres::config::Host::Tcp(name) => name.clone(),
            tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{host}:{port}/{}",
        config.get_dbname().unwrap_or("postgres")
    )
}

/// An error and what caused it ("error performing TLS handshake: invalid peer certificate:
/// UnknownIssuer"), as a person needs it to fix the cause.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        cause = c.source();
    }
    text
}

/// A server that is going away or not there yet, rather than one refusing the statement.
fn is_transient(code: &tokio_postgres::error::SqlState) -> bool {
    use tokio_postgres::error::SqlState;
    code.code().starts_with("08")
        || [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
        ]
        .contains(code)
}

impl From<tokio_postgres::Error> for JournalError {
    fn from(e: tokio_postgres::Error) -> JournalError {
        match e.as_db_error() {
            // The server is stopping, starting or cut off ("the database system is shutting
            // down", class 08 and 57P01–57P03): it may answer in a moment; nothing of this
            // call was written.
            Some(db) if is_transient(db.code()) => JournalError::Unreachable(db.message().into()),
            Some(db) => JournalError::Postgres(db.message().to_string()),
            // The connection broke or could not be made: nothing is known to be written.
            None => JournalError::Unreachable(with_causes(&e)),
        }
    }
}

impl From<deadpool_postgres::PoolError> for JournalError {
    fn from(e: deadpool_postgres::PoolError) -> JournalError {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => JournalError::Unreachable(other.to_string()),
        }
    }
}

/// Applies the migrations not yet applied, one till at a time (a session advisory lock), then
/// the search line's trigram indexes when they can be made: whether they are there.
async fn migrate(client: &mut deadpool_postgres::Client) -> Result<bool, JournalError> {
    client
        .batch_execute(
            "SELECT pg_advisory_lock(7242501);
             CREATE TABLE IF NOT EXISTS lipa_schema (version INTEGER NOT NULL);
             INSERT INTO lipa_schema (version)
                 SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM lipa_schema);",
        )
        .await?;
    let result = match apply(client).await {
        Ok(()) => search::trigram(client).await,
        Err(e) => Err(e),
    };
    client
        .batch_execute("SELECT pg_advisory_unlock(7242501)")
        .await?;
    result
}

async fn apply(client: &mut deadpool_postgres::Client) -> Result<(), JournalError> {
    let version: i32 = client
        .query_one("SELECT version FROM lipa_schema", &[])
        .await?
        .get(0);
    let version = usize::try_from(version).unwrap_or(0);
    if version > schema::MIGRATIONS.len() {
        return Err(JournalError::TooNew(version));
    }
    for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version) {
        let tx = client.transaction().await?;
        tx.batch_execute(sql).await?;
        let next = i32::try_from(i + 1).unwrap_or(i32::MAX);
        tx.execute("UPDATE lipa_schema SET version = $1", &[&next])
            .await?;
        tx.commit().await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_transient;

    /// A tester's URL without a database made a ledger in the server's own `postgres`.
    #[test]
    fn a_url_without_a_database_is_refused_before_connecting() {
        for url in [
            "postgres://till:Sekr3t@127.0.0.1:1",
            "postgres://till@127.0.0.1:1/",
            // An `@` in the password, not percent-encoded: the rest would be the host.
            "postgres://till:Sek@r3t@127.0.0.1:1/lipa",
            "postgres://till:Se@k/r3t@127.0.0.1:1/lipa",
        ] {
            match super::PgStore::open(url) {
                Err(crate::journal::JournalError::BadUrl(shown)) => {
                    assert!(!shown.contains("r3t"), "{shown}");
                }
                Err(other) => panic!("{url}: {other:?}"),
                Ok(_) => panic!("{url}: opened"),
            }
        }
    }

    use tokio_postgres::error::SqlState;

    /// A server shutting down, starting up or cut off may answer in a moment (the chain chaos
    /// test met "the database system is shutting down" while PostgreSQL restarted, which read
    /// as a refusal and stopped a tracker); a refused statement will not.
    #[test]
    fn a_server_going_away_is_transient_a_refusal_is_not() {
        for code in [
            SqlState::ADMIN_SHUTDOWN,
            SqlState::CANNOT_CONNECT_NOW,
            SqlState::CRASH_SHUTDOWN,
            SqlState::CONNECTION_FAILURE,
            SqlState::CONNECTION_EXCEPTION,
        ] {
            assert!(is_transient(&code), "{code:?}");
        }
        for code in [
            SqlState::UNIQUE_VIOLATION,
            SqlState::INSUFFICIENT_PRIVILEGE,
            SqlState::RAISE_EXCEPTION,
            SqlState::UNDEFINED_TABLE,
        ] {
            assert!(!is_transient(&code), "{code:?}");
        }
    }
}
