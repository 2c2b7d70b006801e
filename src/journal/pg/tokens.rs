//! The chain's token shelf (`provider/shelf.rs`): a provider's access token kept in the shared
//! ledger, so every till of a chain holds the same one (a provider may end the last token at each new
//! one). One fetch at a time across tills: a session advisory lock on the account, held on one
//! pooled connection from [`TokenShelf::take`] until the lock is put or dropped, and let go
//! then (a till that dies lets go with its connection).

use super::PgStore;
use crate::provider::shelf::{Kept, LOCK_WAIT, ShelfLock, TokenShelf};
use deadpool_postgres::{Object, Pool};
use std::future::Future;
use std::time::Duration;

/// The advisory lock's first key: tokens (the second is the account's).
const TOKENS: i32 = 7_242_502;

/// The ledger's token shelf.
pub struct PgShelf {
    pool: Pool,
    handle: tokio::runtime::Handle,
}

impl PgStore {
    /// The shelf on this ledger.
    pub fn token_shelf(&self) -> PgShelf {
        PgShelf {
            pool: self.pool.clone(),
            handle: self.handle.clone(),
        }
    }
}

/// The account's second key.
fn key(account: &str) -> i32 {
    account
        .bytes()
        .fold(0i32, |h, b| h.wrapping_mul(31).wrapping_add(i32::from(b)))
}

/// Runs `job` on the ledger's runtime and waits for it (never from inside that runtime).
fn wait<T: Send + 'static>(
    handle: &tokio::runtime::Handle,
    within: Duration,
    job: impl Future<Output = Result<T, String>> + Send + 'static,
) -> Result<T, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    handle.spawn(async move {
        let answer = tokio::time::timeout(within, job)
            .await
            .unwrap_or_else(|_| Err("the ledger did not answer in time".into()));
        let _ = tx.send(answer);
    });
    rx.recv()
        .map_err(|_| "the ledger's runtime stopped".to_string())?
}

impl TokenShelf for PgShelf {
    fn take(&self, account: &str) -> Result<(Box<dyn ShelfLock>, Option<Kept>), String> {
        let (pool, account_name, k) = (self.pool.clone(), account.to_string(), key(account));
        let (client, kept) = wait(
            &self.handle,
            LOCK_WAIT + Duration::from_secs(5),
            async move {
                let client = pool.get().await.map_err(|e| e.to_string())?;
                let deadline = tokio::time::Instant::now() + LOCK_WAIT;
                loop {
                    let got: bool = client
                        .query_one("SELECT pg_try_advisory_lock($1, $2)", &[&TOKENS, &k])
                        .await
                        .map_err(|e| e.to_string())?
                        .get(0);
                    if got {
                        break;
                    }
                    if tokio::time::Instant::now() >= deadline {
                        return Err("another till held the token's lock too long".into());
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                let row = client
                    .query_opt(
                        "SELECT token, until FROM provider_tokens WHERE account = $1",
                        &[&account_name],
                    )
                    .await;
                match row {
                    Ok(row) => {
                        let kept = row.map(|r| Kept {
                            token: r.get(0),
                            until: r.get(1),
                        });
                        Ok((client, kept))
                    }
                    Err(e) => {
                        unlock(client, k).await;
                        Err(e.to_string())
                    }
                }
            },
        )?;
        let lock = PgLock {
            client: Some(client),
            handle: self.handle.clone(),
            account: account.to_string(),
            key: k,
        };
        Ok((Box::new(lock), kept))
    }
}

/// Lets the advisory lock go, or, if that fails, closes the connection (which lets it go):
/// a connection holding it never goes back to the pool.
async fn unlock(client: Object, k: i32) {
    let let_go = client
        .execute("SELECT pg_advisory_unlock($1, $2)", &[&TOKENS, &k])
        .await;
    if let_go.is_err() {
        drop(Object::take(client));
    }
}

struct PgLock {
    client: Option<Object>,
    handle: tokio::runtime::Handle,
    account: String,
    key: i32,
}

impl ShelfLock for PgLock {
    fn put(mut self: Box<Self>, kept: &Kept) -> Result<(), String> {
        let Some(client) = self.client.take() else {
            return Err("the lock was already let go".into());
        };
        let (account, k, kept) = (self.account.clone(), self.key, kept.clone());
        wait(&self.handle, Duration::from_secs(15), async move {
            let written = client
                .execute(
                    "INSERT INTO provider_tokens (account, token, until) VALUES ($1, $2, $3)
                     ON CONFLICT (account) DO UPDATE SET token = $2, until = $3",
                    &[&account, &kept.token, &kept.until],
                )
                .await;
            unlock(client, k).await;
            written.map(|_| ()).map_err(|e| e.to_string())
        })
    }
}

impl Drop for PgLock {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let k = self.key;
            self.handle.spawn(unlock(client, k));
        }
    }
}
