//! The simulator: every provider's wire format on loopback.
//!
//! One HTTP server on `127.0.0.1` speaks each provider's API under its own prefix, exactly as
//! `providers.md` describes them: same paths, headers, tokens, checksums, signatures, status
//! words and error envelopes. It checks credentials the way the real services would, so a
//! client bug fails here first. Each provider's simulator lives in its folder
//! (`provider/<id>/sim/`) and implements [`simulator::Simulator`]; this module is the shared
//! machinery and knows no provider.
//!
//! The customer is chosen by the phone number's **last digit** ([`behaviour`]): 0–5 pay, 6
//! cancels, 7 lacks funds, 8 never answers, 9 gets the push although the initiate call fails.
//! Statuses are computed lazily from the creation time and [`SimConfig::settle`], so nothing
//! runs in the background.
//!
//! Every push received is kept in a ledger of truth ([`SimHandle::ledger`], `GET /sim/ledger`),
//! with counters ([`SimHandle::stats`], `GET /sim/stats`); `POST /sim/revoke-tokens` drops all
//! bearer tokens. Faults ([`Faults`]) can be switched on, seeded, for chaos tests, from
//! Rust ([`SimHandle::set_faults`]), over HTTP (`GET`/`POST /sim/faults`, see `control`) or
//! with `lipa simulate --faults/--fault/--seed/--clock-offset`.
//!
//! Module map: `server` (router, shared middleware, control endpoints); `simulator` (what a
//! provider's simulator provides); `config`; `control` (fault settings from JSON and flags);
//! `state` (the shared memory); `ledger` (the public ledger and counters); `behaviour` (magic
//! digits, invented customers); `faults`; `inject` (the fault middleware); `wire` (small
//! helpers).

pub mod behaviour;
pub mod call;
mod callback;
pub mod config;
mod control;
pub mod faults;
pub mod handle;
mod inject;
pub mod ledger;
mod server;
pub mod simulator;
pub mod state;
pub mod wire;

/// Obviously fake credentials for the demo and `lipa simulate`; the default [`SimConfig`]
/// accepts exactly these (each provider's, from its folder).
pub use crate::provider::demo;
pub use call::{Callback, SimCallback};
pub use config::SimConfig;
pub use control::SimulateOptions;
pub use faults::{FaultKind, Faults};
pub use handle::SimHandle;
pub use ledger::{LedgerEntry, SimStats, SimStatus};

use crate::provider::settings::Settings;
use crate::provider_kind::ProviderKind;
use crate::strings::sim as s;
use simulator::{Served, Simulator};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// Every provider's simulator, in the registry's order.
fn simulators() -> Vec<&'static dyn Simulator> {
    ProviderKind::ALL
        .into_iter()
        .map(|k| k.spec().simulator)
        .collect()
}

/// A simulator's demo keys as settings at `base_url`.
fn demo_settings(sim: &dyn Simulator, base_url: String) -> Settings {
    sim.kind().spec().settings(base_url, sim.demo_keys())
}

impl Default for SimConfig {
    fn default() -> SimConfig {
        SimConfig {
            port: 0,
            settle: Duration::from_secs(3),
            token_ttl: Duration::from_secs(3600),
            checksum_key: None,
            accounts: simulators()
                .into_iter()
                .map(|s| (s.kind(), demo_settings(s, String::new())))
                .collect(),
            max_skew: Some(Duration::from_secs(300)),
            faults: Faults::default(),
            callback: None,
        }
    }
}

impl SimConfig {
    /// The default, with request checksums required (the demo, `lipa simulate`): the demo's
    /// checksum key.
    pub fn with_checksums() -> SimConfig {
        let key = simulators().into_iter().find_map(|s| {
            s.demo_keys()
                .iter()
                .find(|(k, _)| *k == "checksum_key")
                .map(|(_, v)| v.to_string())
        });
        SimConfig {
            checksum_key: key,
            ..SimConfig::default()
        }
    }
}

/// Binds `127.0.0.1:<port>` and serves every provider in a tokio task.
pub async fn spawn(config: SimConfig) -> std::io::Result<SimHandle> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let callback = config.callback.clone();
    let state = Arc::new(state::Sim::new(config));
    if let Some(to) = callback {
        let _ = state.calls.set(callback::start(state.clone(), to));
    }
    let served = Served {
        sim: state.clone(),
        sims: simulators().into(),
    };
    let app = server::router(served.clone());
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
        served,
        stop: Some(stop),
        task,
    })
}

impl SimHandle {
    /// A provider's base URL on this simulator.
    pub fn base_url(&self, kind: ProviderKind) -> String {
        kind.spec().simulator.base_url(self.addr)
    }
    /// Every provider's settings for this simulator and the [`demo`] credentials.
    pub fn demo_providers(&self) -> BTreeMap<ProviderKind, Settings> {
        simulators()
            .into_iter()
            .map(|s| (s.kind(), demo_settings(s, s.base_url(self.addr))))
            .collect()
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
        let sim = p.provider.spec().simulator;
        let channel = sim.adopted_channel(p);
        let new = state::NewPush {
            provider: p.provider,
            // Under the id the earlier simulator gave it (a provider asked by its own id
            // finds it again).
            id: p.provider_id.clone().unwrap_or_else(|| sim.new_id()),
            reference: p.reference.to_string(),
            phone: p.phone.clone(),
            amount_text: p.amount.wire_decimal(),
            amount: p.amount,
            channel,
            email: p.email.clone(),
            callback_url: None,
        };
        self.state.adopt(new, sent_at);
    }
}

/// `lipa simulate`: prints the demo credentials, base URLs, `export` lines, the magic-digit
/// table and the faults switched on, then serves (checksums required) until Ctrl-C or SIGTERM.
pub async fn run_foreground(options: SimulateOptions) -> std::io::Result<()> {
    let config = SimConfig {
        port: options.port,
        settle: options.settle,
        faults: options.faults,
        callback: options.callback,
        ..SimConfig::with_checksums()
    };
    let faults = config.faults.clone();
    let max_skew = config.max_skew.map_or(0, |d| d.as_secs());
    let sim = spawn(config).await?;
    let rates: Vec<(&'static str, u16)> = faults
        .active()
        .into_iter()
        .map(|(kind, per_mille)| (kind.name(), per_mille))
        .collect();
    // One block per configuration: the rows of one account (pawaPay's two countries) share it.
    let mut sections: Vec<&str> = Vec::new();
    let mut merged: Vec<(&str, String, String)> = Vec::new();
    for p in simulators() {
        let spec = p.kind().spec();
        match merged
            .iter_mut()
            .find(|(section, ..)| *section == spec.section)
        {
            Some((_, label, currency)) => {
                label.push_str(&format!(" / {}", spec.label));
                currency.push_str(&format!(", {}", spec.currency().code()));
            }
            None => merged.push((
                spec.section,
                spec.label.to_string(),
                spec.currency().code().to_string(),
            )),
        }
    }
    let providers: Vec<s::SimProvider> = simulators()
        .into_iter()
        .filter(|p| {
            let section = p.kind().spec().section;
            let first = !sections.contains(&section);
            sections.push(section);
            first
        })
        .map(|p| {
            let spec = p.kind().spec();
            let base_url = p.base_url(sim.addr());
            let settings = demo_settings(p, base_url.clone());
            let value = |key: &str| {
                settings
                    .text(key)
                    .or_else(|| settings.secret(key).map(|v| v.expose()))
                    .unwrap_or_default()
                    .to_string()
            };
            let banner = p.banner();
            let mut exports = vec![(
                crate::provider::settings::variable(spec.section, "base_url"),
                base_url.clone(),
            )];
            exports.extend(spec.keys.iter().map(|k| {
                (
                    crate::provider::settings::variable(spec.section, k.name),
                    value(k.name),
                )
            }));
            let (label, currency) = merged
                .iter()
                .find(|(section, ..)| *section == spec.section)
                .map(|(_, l, c)| (l.clone(), c.clone()))
                .unwrap_or_default();
            s::SimProvider {
                label,
                currency,
                lines: std::iter::once(("base URL".to_string(), base_url, ""))
                    .chain(
                        banner
                            .lines
                            .iter()
                            .map(|(shown, key, note)| (shown.to_string(), value(key), *note)),
                    )
                    .collect(),
                exports,
                fails_with: banner.fails_with,
                example: banner.example,
                note: banner.note,
                clock_signed: spec.clock_signed,
            }
        })
        .collect();
    crate::outln!(
        "{}",
        s::sim_banner(&s::SimBanner {
            addr: &sim.addr().to_string(),
            providers: &providers,
            settle: options.settle,
            scale: crate::engine::scale_for(options.settle),
            faults: s::SimFaults {
                rates: &rates,
                seed: faults.seed,
                slow_by: faults.slow_by,
                retry_after_secs: faults.retry_after_secs,
                reverse_after: faults.reverse_after,
                clock_offset_secs: faults.clock_offset_secs,
                max_skew_secs: max_skew,
            },
        })
    );
    stop_signal().await;
    crate::outln!("{}", s::sim_stopping());
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
