//! Switching faults on and off: `GET`/`POST /sim/faults` while the simulator runs, and
//! `lipa simulate`'s flags at start. Both go through [`FaultSettings`], so they accept the same
//! things and refuse them with the same one-line messages.
//!
//! `POST /sim/faults` replaces every fault. Its JSON body (every field optional; an empty body
//! switches everything off):
//!
//! ```json
//! {"seed": 7, "all": 20, "rates": {"html-5xx": 100, "slow": 0},
//!  "slow_ms": 1500, "retry_after_secs": 1, "reverse_after_ms": 1000, "clock_offset_secs": 600}
//! ```
//!
//! `all` puts every fault at that chance per mille (as [`Faults::chaos`]), `rates` overrides
//! single faults by name ([`FaultKind::name`]); the delays default to `chaos`'s. The answer,
//! like `GET /sim/faults`, is the same shape with every fault listed.

use super::faults::{FaultKind, Faults};
use super::state::Sim;
use super::wire;
use crate::cli::SimulateArgs;
use crate::strings::sim as s;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Longest extra delay of a slow answer.
const MAX_SLOW_MS: u64 = 10 * 60 * 1000;
/// Longest wait between payment and reversal.
const MAX_REVERSE_AFTER_MS: u64 = 24 * 3600 * 1000;
const MAX_RETRY_AFTER_SECS: u32 = 24 * 3600;
/// Largest clock offset either way: a year.
const MAX_CLOCK_OFFSET_SECS: i64 = 365 * 24 * 3600;

/// Faults as asked for, before checking.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FaultSettings {
    seed: Option<u64>,
    all: Option<u16>,
    #[serde(default)]
    rates: BTreeMap<String, u16>,
    slow_ms: Option<u64>,
    retry_after_secs: Option<u32>,
    reverse_after_ms: Option<u64>,
    clock_offset_secs: Option<i64>,
}

impl FaultSettings {
    /// The faults, or one line saying what is wrong.
    fn to_faults(&self) -> Result<Faults, String> {
        let all = self.all.unwrap_or(0);
        if all > 1000 {
            return Err(s::fault_rate_out_of_range("all", all));
        }
        let mut faults = Faults::chaos(self.seed.unwrap_or(0), all);
        for (name, &per_mille) in &self.rates {
            let kind = FaultKind::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = FaultKind::ALL.iter().map(|k| k.name()).collect();
                s::fault_unknown(name, &known)
            })?;
            if per_mille > 1000 {
                return Err(s::fault_rate_out_of_range(kind.name(), per_mille));
            }
            faults.set_rate(kind, per_mille);
        }
        if let Some(ms) = self.slow_ms {
            if ms > MAX_SLOW_MS {
                return Err(s::fault_setting_out_of_range(
                    "slow_ms",
                    0,
                    MAX_SLOW_MS as i64,
                ));
            }
            faults.slow_by = Duration::from_millis(ms);
        }
        if let Some(secs) = self.retry_after_secs {
            if secs > MAX_RETRY_AFTER_SECS {
                let max = i64::from(MAX_RETRY_AFTER_SECS);
                return Err(s::fault_setting_out_of_range("retry_after_secs", 0, max));
            }
            faults.retry_after_secs = secs;
        }
        if let Some(ms) = self.reverse_after_ms {
            if ms > MAX_REVERSE_AFTER_MS {
                let max = MAX_REVERSE_AFTER_MS as i64;
                return Err(s::fault_setting_out_of_range("reverse_after_ms", 0, max));
            }
            faults.reverse_after = Duration::from_millis(ms);
        }
        if let Some(secs) = self.clock_offset_secs {
            if secs.unsigned_abs() > MAX_CLOCK_OFFSET_SECS.unsigned_abs() {
                let (min, max) = (-MAX_CLOCK_OFFSET_SECS, MAX_CLOCK_OFFSET_SECS);
                return Err(s::fault_setting_out_of_range("clock offset", min, max));
            }
            faults.clock_offset_secs = secs;
        }
        Ok(faults)
    }
}

/// Faults as `GET /sim/faults` shows them: every fault by name, delays in plain numbers.
#[derive(Serialize)]
struct FaultView {
    seed: u64,
    rates: BTreeMap<&'static str, u16>,
    slow_ms: u64,
    retry_after_secs: u32,
    reverse_after_ms: u64,
    clock_offset_secs: i64,
}

fn view(faults: &Faults) -> FaultView {
    FaultView {
        seed: faults.seed,
        rates: FaultKind::ALL
            .into_iter()
            .map(|k| (k.name(), faults.rate(k)))
            .collect(),
        slow_ms: u64::try_from(faults.slow_by.as_millis()).unwrap_or(u64::MAX),
        retry_after_secs: faults.retry_after_secs,
        reverse_after_ms: u64::try_from(faults.reverse_after.as_millis()).unwrap_or(u64::MAX),
        clock_offset_secs: faults.clock_offset_secs,
    }
}

/// `GET /sim/faults`.
pub(super) async fn show(State(sim): State<Arc<Sim>>) -> Response {
    wire::json(StatusCode::OK, view(&sim.faults()))
}

/// `POST /sim/faults`: replaces every fault (an empty body switches them all off). A body
/// that cannot be used gets 400 `{"error": "..."}` and changes nothing.
pub(super) async fn replace(State(sim): State<Arc<Sim>>, body: Bytes) -> Response {
    let settings = if body.iter().all(u8::is_ascii_whitespace) {
        Ok(FaultSettings::default())
    } else {
        serde_json::from_slice::<FaultSettings>(&body)
            .map_err(|e| s::fault_bad_json(&e.to_string()))
    };
    match settings.and_then(|f| f.to_faults()) {
        Ok(faults) => {
            tracing::info!(?faults, "simulator faults replaced");
            sim.set_faults(faults.clone());
            wire::json(StatusCode::OK, view(&faults))
        }
        Err(message) => wire::json(StatusCode::BAD_REQUEST, json!({ "error": message })),
    }
}

/// What `lipa simulate` runs: where, how fast customers answer, and which faults strike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulateOptions {
    pub port: u16,
    pub settle: Duration,
    pub faults: Faults,
    pub callback: Option<super::call::SimCallback>,
}

impl SimulateOptions {
    /// Checks `lipa simulate`'s flags; the error is one line for the terminal.
    pub fn from_args(args: &SimulateArgs) -> Result<SimulateOptions, String> {
        if !(args.settle.is_finite() && (0.0..=3600.0).contains(&args.settle)) {
            return Err(s::bad_settle().to_string());
        }
        let mut rates = BTreeMap::new();
        for item in &args.fault {
            let parsed = item
                .split_once('=')
                .and_then(|(name, rate)| Some((name.trim(), rate.trim().parse::<u16>().ok()?)));
            let Some((name, rate)) = parsed else {
                return Err(s::fault_flag_shape(item));
            };
            rates.insert(name.to_string(), rate);
        }
        let settings = FaultSettings {
            seed: Some(args.seed),
            all: Some(args.faults),
            rates,
            clock_offset_secs: Some(args.clock_offset),
            ..FaultSettings::default()
        };
        let numbers: Vec<Option<u64>> = args
            .callback_faults
            .as_deref()
            .map(|t| t.split(',').map(|n| n.trim().parse().ok()).collect())
            .unwrap_or_default();
        let (delay, lose, twice) = match numbers.as_slice() {
            [] => (0, 0, 0),
            [Some(ms), Some(lost), Some(twice)] => (*ms, *lost, *twice),
            _ => {
                return Err(s::fault_flag_shape(
                    args.callback_faults.as_deref().unwrap_or_default(),
                ));
            }
        };
        Ok(SimulateOptions {
            port: args.port,
            settle: Duration::from_secs_f64(args.settle),
            faults: settings.to_faults()?,
            callback: args.callback.as_ref().map(|url| super::call::SimCallback {
                url: url.clone(),
                delay: Duration::from_millis(delay),
                lose_per_mille: u16::try_from(lose.min(1000)).unwrap_or(1000),
                twice_per_mille: u16::try_from(twice.min(1000)).unwrap_or(1000),
            }),
        })
    }
}
