//! The simulator calls back: when a simulated payment ends, each provider's callback, in that
//! provider's wire format, is sent to lipa's receiver (`SimConfig::callback`), after a delay,
//! and — as faults — sometimes lost, sometimes sent twice.

use super::call::SimCallback;
use super::ledger::SimStatus;
use super::state::Sim;
use crate::provider_kind::ProviderKind;
use rand::Rng;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Starts calling back for `sim`: each push it is told of (by [`Sim::create_as`]) is looked
/// at once its customer should have answered, and called back about if it ended.
pub(crate) fn start(
    sim: Arc<Sim>,
    to: SimCallback,
) -> mpsc::UnboundedSender<(ProviderKind, String)> {
    let (tx, mut rx) = mpsc::unbounded_channel::<(ProviderKind, String)>();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    tokio::spawn(async move {
        while let Some((kind, reference)) = rx.recv().await {
            let (sim, to, http) = (sim.clone(), to.clone(), http.clone());
            tokio::spawn(async move {
                let settle = sim.config.settle;
                tokio::time::sleep(settle + Duration::from_millis(50) + to.delay).await;
                let Some(push) = sim.get(kind, &reference) else {
                    return;
                };
                let status = push.phase(settle).status;
                if status == SimStatus::Pending {
                    return;
                }
                let Some(call) = kind.spec().simulator.callback(&push, status, &sim.config) else {
                    return;
                };
                let (lost, twice) = {
                    let mut dice = rand::rng();
                    (
                        dice.random_range(0..1000u16) < to.lose_per_mille,
                        dice.random_range(0..1000u16) < to.twice_per_mille,
                    )
                };
                if lost {
                    sim.bump(|s| s.callbacks_lost += 1);
                    return;
                }
                // The push's own address, when it is one of this receiver's; else the one
                // a merchant sets in the provider's dashboard.
                // A public https address is reached as the merchant's proxy would pass it on:
                // its path, on the receiver.
                let base = to.url.trim_end_matches('/');
                let own_path = push
                    .callback_url
                    .as_deref()
                    .and_then(|u| reqwest::Url::parse(u).ok())
                    .map(|u| u.path().to_string())
                    .filter(|p| p.starts_with("/hooks/"));
                let url = match own_path {
                    Some(path) => format!("{base}{path}"),
                    None => format!("{base}/hooks/{}", kind.spec().section),
                };
                let mut headers = call.headers.clone();
                if let (Some(sign), Ok(target)) = (call.sign, reqwest::Url::parse(&url)) {
                    let authority = match target.port() {
                        Some(port) => format!("{}:{port}", target.host_str().unwrap_or("")),
                        None => target.host_str().unwrap_or("").to_string(),
                    };
                    headers.extend(sign(&authority, target.path(), &call.body));
                }
                for _ in 0..if twice { 2 } else { 1 } {
                    let mut request = http
                        .post(&url)
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(call.body.clone());
                    for (name, value) in &headers {
                        request = request.header(name.as_str(), value.as_str());
                    }
                    let sent = request.send().await.is_ok_and(|a| a.status().is_success());
                    sim.bump(|s| {
                        if sent {
                            s.callbacks_sent += 1;
                        } else {
                            s.callbacks_failed += 1;
                        }
                    });
                }
            });
        }
    });
    tx
}
