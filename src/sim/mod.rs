//! The simulator: both providers' wire formats on loopback.
//!
//! One HTTP server on `127.0.0.1` speaks ClickPesa under `/third-parties/...` and Cepta under
//! `/api/v1/pay/...`, exactly as `providers.md` describes them: same paths, headers, tokens,
//! checksums, signatures, status words and error envelopes. It checks credentials the way the
//! real services would, so a client bug fails here first.
//!
//! The customer is chosen by the phone number's **last digit** ([`behaviour`]): 0–5 pay, 6
//! cancels, 7 lacks funds, 8 never answers, 9 gets the push although the initiate call fails.
//! Statuses are computed lazily from the creation time and [`SimConfig::settle`], so nothing
//! runs in the background.
//!
//! Every push received is kept in a ledger of truth ([`SimHandle::ledger`], `GET /sim/ledger`),
//! with counters ([`SimHandle::stats`], `GET /sim/stats`); `POST /sim/revoke-tokens` drops all
//! ClickPesa tokens. Faults ([`Faults`]) can be switched on, seeded, for chaos tests, from
//! Rust ([`SimHandle::set_faults`]), over HTTP (`GET`/`POST /sim/faults`, see `control`) or
//! with `lipa simulate --faults/--fault/--seed/--clock-offset`.
//!
//! Module map: `server` (router, shared middleware, control endpoints); `control` (fault
//! settings from JSON and flags); `clickpesa` (token, preview, initiate), `clickpesa_query`
//! (query, list) and `cepta` (handlers); `auth` (tokens, checksum, signatures); `canonical`
//! (checksum JSON); `state` (the shared memory); `ledger` (the public ledger and counters);
//! `behaviour` (magic digits, invented customers); `faults`; `wire` (envelopes and small
//! helpers).

mod auth;
pub mod behaviour;
mod canonical;
mod cepta;
mod clickpesa;
mod clickpesa_query;
mod control;
mod faults;
mod inject;
mod ledger;
mod server;
mod state;
mod wire;

pub use control::SimulateOptions;
pub use faults::{FaultKind, Faults};
pub use ledger::{LedgerEntry, SimStats, SimStatus};

use crate::strings::sim as s;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Obviously fake credentials for the demo and `lipa simulate`; the default [`SimConfig`]
/// accepts exactly these.
pub mod demo {
    pub const CLICKPESA_CLIENT_ID: &str = "demo-client-id";
    pub const CLICKPESA_API_KEY: &str = "demo-api-key";
    pub const CLICKPESA_CHECKSUM_KEY: &str = "demo-checksum-key";
    pub const CEPTA_PUBLIC_KEY: &str = "demo_pub_key";
    pub const CEPTA_SECRET_KEY: &str = "demo_secret_key";
    pub const CEPTA_EMAIL: &str = "till@example.com";
}

/// How the simulator behaves. `Default`: any free port, settle 3 s, tokens live 1 h, no
/// checksum required, the [`demo`] credentials, Cepta clock tolerance 5 min, no faults.
#[derive(Clone)]
pub struct SimConfig {
    /// Port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// Time from the push to the customer's answer (paid, cancelled, …).
    pub settle: Duration,
    /// Lifetime of a ClickPesa token.
    pub token_ttl: Duration,
    /// ClickPesa checksum key; `None` = checksums are not required (and ignored when sent).
    pub checksum_key: Option<String>,
    pub clickpesa_client_id: String,
    pub clickpesa_api_key: String,
    pub cepta_public_key: String,
    pub cepta_secret_key: String,
    /// Largest accepted difference between `X-Access-Ts` and the simulator's clock; `None`
    /// disables the check. Undocumented by Cepta: 5 minutes is our guess.
    pub cepta_max_skew: Option<Duration>,
    /// Faults to inject (none by default). Can be changed later with [`SimHandle::set_faults`].
    pub faults: Faults,
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            port: 0,
            settle: Duration::from_secs(3),
            token_ttl: Duration::from_secs(3600),
            checksum_key: None,
            clickpesa_client_id: demo::CLICKPESA_CLIENT_ID.into(),
            clickpesa_api_key: demo::CLICKPESA_API_KEY.into(),
            cepta_public_key: demo::CEPTA_PUBLIC_KEY.into(),
            cepta_secret_key: demo::CEPTA_SECRET_KEY.into(),
            cepta_max_skew: Some(Duration::from_secs(300)),
            faults: Faults::default(),
        }
    }
}

impl SimConfig {
    /// The default, with request checksums required (the demo, `lipa simulate`).
    pub fn with_checksums() -> SimConfig {
        SimConfig {
            checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.into()),
            ..SimConfig::default()
        }
    }
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys stay out of logs even when they are only demo values.
        f.debug_struct("SimConfig")
            .field("port", &self.port)
            .field("settle", &self.settle)
            .field("token_ttl", &self.token_ttl)
            .field("checksum", &self.checksum_key.is_some())
            .field("clickpesa_client_id", &self.clickpesa_client_id)
            .field("cepta_public_key", &self.cepta_public_key)
            .field("cepta_max_skew", &self.cepta_max_skew)
            .field("faults", &self.faults)
            .finish_non_exhaustive()
    }
}

/// A running simulator. Dropping it stops the server too; [`SimHandle::shutdown`] waits for it.
pub struct SimHandle {
    addr: SocketAddr,
    state: Arc<state::Sim>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

/// Binds `127.0.0.1:<port>` and serves both providers in a tokio task.
pub async fn spawn(config: SimConfig) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let state = Arc::new(state::Sim::new(config));
    let app = server::router(state.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
            // A dropped handle (Err) stops the server as well.
            let _ = stopped.await;
        });
        if let Err(error) = serving.await {
            tracing::warn!(%error, "simulator stopped with an error");
        }
    });
    tracing::info!(%addr, "simulator listening");
    Ok(SimHandle {
        addr,
        state,
        stop: Some(stop),
        task,
    })
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>/third-parties`, the ClickPesa base URL.
    pub fn clickpesa_base_url(&self) -> String {
        format!("http://{}/third-parties", self.addr)
    }

    /// `http://127.0.0.1:<port>`, the Cepta base URL.
    pub fn cepta_base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every provider's settings for this simulator and the [`demo`] credentials.
    pub fn demo_providers(
        &self,
    ) -> std::collections::BTreeMap<crate::provider_kind::ProviderKind, crate::provider::spec::Settings>
    {
        use crate::provider_kind::ProviderKind;
        ProviderKind::ALL
            .into_iter()
            .map(|kind| {
                let spec = kind.spec();
                let settings = match kind {
                    ProviderKind::ClickPesa => spec.settings(
                        self.clickpesa_base_url(),
                        &[
                            ("client_id", demo::CLICKPESA_CLIENT_ID),
                            ("api_key", demo::CLICKPESA_API_KEY),
                            ("checksum_key", demo::CLICKPESA_CHECKSUM_KEY),
                        ],
                    ),
                    ProviderKind::Cepta => spec.settings(
                        self.cepta_base_url(),
                        &[
                            ("public_key", demo::CEPTA_PUBLIC_KEY),
                            ("secret_key", demo::CEPTA_SECRET_KEY),
                            ("email", demo::CEPTA_EMAIL),
                        ],
                    ),
                };
                (kind, settings)
            })
            .collect()
    }

    /// Every push received, oldest first, with its status as of now.
    pub fn ledger(&self) -> Vec<LedgerEntry> {
        self.state.ledger()
    }

    /// Counters: tokens, requests per endpoint, 401s, checksum failures, faults injected.
    pub fn stats(&self) -> SimStats {
        self.state.stats()
    }

    /// Invalidates every ClickPesa token now (the next call with one gets 401).
    pub fn revoke_tokens(&self) {
        self.state.revoke_tokens();
    }

    /// Takes over a payment an earlier simulator received: the demo was stopped (killed, its
    /// SSH session dropped) while the payment waited, and its customer still answers on the
    /// original clock, so the restarted demo shows the payment being followed to the end.
    /// A payment never sent (`recorded`) or already final is left alone.
    pub fn adopt(&self, p: &crate::payment::Payment) {
        use crate::payment::Status;
        let Some(sent_at) = p.sent_at else { return };
        if p.status.is_final() || p.status == Status::Recorded {
            return;
        }
        let channel = match p.provider {
            crate::provider_kind::ProviderKind::ClickPesa => {
                crate::phone::Phone::parse(&p.phone, crate::phone::Country::Tanzania)
                    .ok()
                    .and_then(|ph| behaviour::clickpesa_channel(ph.network()))
                    .unwrap_or("M-PESA")
                    .to_string()
            }
            crate::provider_kind::ProviderKind::Cepta => p.channel.clone().unwrap_or_default(),
        };
        let new = state::NewPush {
            provider: p.provider,
            reference: p.reference.to_string(),
            phone: p.phone.clone(),
            amount_text: p.amount.wire_decimal(),
            amount: p.amount,
            channel,
            email: p.email.clone(),
        };
        self.state.adopt(new, sent_at);
    }

    /// The faults injected now.
    pub fn faults(&self) -> Faults {
        self.state.faults()
    }

    /// Replaces the faults to inject from now on (reseeding the random source).
    pub fn set_faults(&self, faults: Faults) {
        self.state.set_faults(faults);
    }

    /// Stops accepting requests, lets requests in flight finish, and waits for the server.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Err(error) = (&mut self.task).await {
            tracing::warn!(%error, "simulator task ended abnormally");
        }
    }
}

/// `lipa simulate`: prints the demo credentials, base URLs, `export` lines, the magic-digit
/// table and the faults switched on, then serves (checksums required) until Ctrl-C or SIGTERM.
pub async fn run_foreground(options: SimulateOptions) -> std::io::Result<()> {
    let config = SimConfig {
        port: options.port,
        settle: options.settle,
        checksum_key: Some(demo::CLICKPESA_CHECKSUM_KEY.into()),
        faults: options.faults,
        ..SimConfig::default()
    };
    let faults = config.faults.clone();
    let max_skew = config.cepta_max_skew.map_or(0, |d| d.as_secs());
    let sim = spawn(config).await?;
    let rates: Vec<(&'static str, u16)> = faults
        .active()
        .into_iter()
        .map(|(kind, per_mille)| (kind.name(), per_mille))
        .collect();
    println!(
        "{}",
        s::sim_banner(&s::SimBanner {
            addr: &sim.addr().to_string(),
            clickpesa_base_url: &sim.clickpesa_base_url(),
            cepta_base_url: &sim.cepta_base_url(),
            clickpesa_client_id: demo::CLICKPESA_CLIENT_ID,
            clickpesa_api_key: demo::CLICKPESA_API_KEY,
            clickpesa_checksum_key: demo::CLICKPESA_CHECKSUM_KEY,
            cepta_public_key: demo::CEPTA_PUBLIC_KEY,
            cepta_secret_key: demo::CEPTA_SECRET_KEY,
            cepta_email: demo::CEPTA_EMAIL,
            settle: options.settle,
            faults: s::SimFaults {
                rates: &rates,
                seed: faults.seed,
                slow_by: faults.slow_by,
                retry_after_secs: faults.retry_after_secs,
                reverse_after: faults.reverse_after,
                clock_offset_secs: faults.clock_offset_secs,
                cepta_max_skew_secs: max_skew,
            },
        })
    );
    stop_signal().await;
    println!("{}", s::sim_stopping());
    sim.shutdown().await;
    Ok(())
}

/// Resolves on Ctrl-C, SIGTERM or SIGHUP.
async fn stop_signal() {
    match crate::signals::Stop::listen() {
        Ok(mut stop) => {
            stop.recv().await;
        }
        Err(error) => {
            tracing::warn!(%error, "cannot listen for SIGTERM; Ctrl-C only");
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
