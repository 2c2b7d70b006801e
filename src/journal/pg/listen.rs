//! Live news from the shared ledger: one connection of its own LISTENs on `lipa_payments`
//! (the trigger `lipa_notify` sends a payment's id when it is recorded or changes, at commit).
//! Notifications sent while that connection was down are lost, so once it is up (after a
//! loss, and at first: changes while it was connecting are lost too) the listener says so
//! ([`LedgerNews::Reconnected`]) and the engine reads everything again.

use super::PgStore;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_postgres::tls::MakeTlsConnect;
use tokio_postgres::{AsyncMessage, Socket};

/// What the ledger says happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerNews {
    /// A payment was recorded or changed (by any till).
    Changed(i64),
    /// A provider called back about a payment: the till following it asks now.
    Hook(i64),
    /// Listening (again, or for the first time): changes before were not heard.
    Reconnected,
    /// The listening connection is lost (why): the ledger is out of reach until
    /// [`LedgerNews::Reconnected`].
    Lost(String),
}

/// How often the listening connection is checked (a cut network shows no error by itself).
const PING_EVERY: Duration = Duration::from_secs(10);
/// How long a check may take before the connection counts as lost.
const PING_WAIT: Duration = Duration::from_secs(5);
/// How long to wait before connecting again.
const RETRY: Duration = Duration::from_secs(1);

impl PgStore {
    /// Starts listening; the news ends when the receiver is dropped.
    pub fn listen(&self) -> mpsc::UnboundedReceiver<LedgerNews> {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut config = self.config.clone();
        // Named apart from the pool's connections (for a person reading pg_stat_activity).
        config.application_name("lipa news");
        let tls = self.tls.clone();
        self.handle.spawn(async move {
            let mut lost = false;
            while !tx.is_closed() {
                let once = match &tls {
                    super::Tls::Rustls(c) => listen_once(&config, c.clone(), &tx, &mut lost).await,
                    super::Tls::Off => {
                        listen_once(&config, tokio_postgres::NoTls, &tx, &mut lost).await
                    }
                };
                match once {
                    Ok(()) => return,
                    Err(why) => {
                        tracing::warn!(%why, "ledger news connection lost");
                        if !lost && tx.send(LedgerNews::Lost(why)).is_err() {
                            return;
                        }
                    }
                }
                lost = true;
                tokio::time::sleep(RETRY).await;
            }
        });
        rx
    }
}

/// One listening connection, until it is lost (`Err`, why) or nobody listens any more (`Ok`).
async fn listen_once<T>(
    config: &tokio_postgres::Config,
    tls: T,
    tx: &mpsc::UnboundedSender<LedgerNews>,
    lost: &mut bool,
) -> Result<(), String>
where
    T: MakeTlsConnect<Socket>,
    T::Stream: Send + 'static,
{
    let (client, mut connection) = config.connect(tls).await.map_err(|e| e.to_string())?;
    let (ids_tx, mut ids) = mpsc::unbounded_channel::<Option<LedgerNews>>();
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    let payload = n.payload();
                    let news = match payload.strip_prefix('h') {
                        Some(id) => id.parse().ok().map(LedgerNews::Hook),
                        None => payload.parse().ok().map(LedgerNews::Changed),
                    };
                    let _ = ids_tx.send(news);
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            }
        }
    });
    let answer = async {
        client
            .batch_execute("LISTEN lipa_payments")
            .await
            .map_err(|e| e.to_string())?;
        // Listening from now: what changed before (while connecting for the first time, too:
        // a console starting beside busy tills) is read again.
        *lost = false;
        if tx.send(LedgerNews::Reconnected).is_err() {
            return Ok(());
        }
        let mut ping = tokio::time::interval(PING_EVERY);
        loop {
            tokio::select! {
                id = ids.recv() => match id {
                    Some(Some(news)) => {
                        if tx.send(news).is_err() {
                            return Ok(());
                        }
                    }
                    Some(None) => {}
                    None => return Err("the connection ended".to_string()),
                },
                _ = ping.tick() => {
                    if tx.is_closed() {
                        return Ok(());
                    }
                    match tokio::time::timeout(PING_WAIT, client.batch_execute("SELECT 1")).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => return Err(e.to_string()),
                        Err(_) => return Err("no answer to a check".to_string()),
                    }
                }
            }
        }
    }
    .await;
    driver.abort();
    answer
}
