//! Starting the console: on the configured providers, or on the built-in demo.

use crate::config::{Config, ConfigError};
use crate::console::{self, ConsoleOptions};
use crate::engine::EngineSettings;
use crate::lang::Lang;
use crate::outcome::exit;
use crate::payment::Status;
use crate::sim::{self, SimConfig};

mod demo_callbacks;
use crate::strings::cli as s;
pub use demo_callbacks::DemoCallbacks;
use std::io::IsTerminal;
use std::time::Duration;

/// Demo payments live in their own journal, never mixed with real ones.
const DEMO_DIR: &str = "demo";

/// Opens the console; `force_demo` for `lipa demo`. Returns the exit code.
pub async fn console(
    config: Result<Config, ConfigError>,
    force_demo: bool,
    lang: Lang,
    operator: Option<&str>,
) -> u8 {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        crate::errln!("{}", s::no_terminal(lang));
        return exit::INVALID;
    }
    // The demo needs no real configuration at all: a broken one does not stop it.
    let config = match (config, force_demo) {
        (Ok(c), _) => c,
        (Err(e), true) => {
            tracing::warn!(error = %e, "the demo ignores a configuration it cannot read");
            match fallback_config() {
                Some(c) => c,
                None => {
                    crate::errln!("lipa: {}", e.text(lang));
                    return exit::CONFIG;
                }
            }
        }
        (Err(e), false) => {
            crate::errln!("lipa: {}", e.text(lang));
            return exit::CONFIG;
        }
    };
    let demo_mode = force_demo || config.is_empty();
    if !demo_mode && config.providers.is_empty() {
        // Providers are set, but every one is broken: say why, start nothing.
        for (_, problem) in &config.problems {
            crate::errln!("lipa: {}", problem.text(lang));
        }
        return exit::CONFIG;
    }
    let mut problems: Vec<String> = if demo_mode {
        Vec::new()
    } else {
        config.problems.iter().map(|(_, e)| e.text(lang)).collect()
    };
    problems.extend(crate::setup::warnings(&config, lang));
    let (config, sim, mut callbacks) = if demo_mode {
        match demo_config(&config).await {
            Ok(made) => made,
            Err(e) => {
                crate::errln!("lipa: {}", s::demo_failed(lang, &e.to_string()));
                return exit::CONFIG;
            }
        }
    } else {
        (config, None, None)
    };
    // One demo per data directory: its payments are known only to its own simulator, so a
    // second demo would take them over and find no record of them. Held until the console
    // ends (the kernel lets it go when the process dies, even by kill -9).
    let _demo_lock = if demo_mode {
        match lock_demo(&config.data_dir) {
            Ok(lock) => Some(lock),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                let dir = config.data_dir.display().to_string();
                crate::errln!("lipa: {}", s::demo_already_running(lang, &dir));
                return exit::CONFIG;
            }
            Err(e) => {
                crate::errln!("lipa: {}", s::demo_failed(lang, &e.to_string()));
                return exit::CONFIG;
            }
        }
    } else {
        None
    };
    crate::logging::init(&config.data_dir);
    let settings = if let Some(callbacks) = &callbacks {
        EngineSettings {
            public_url: callbacks.public_url(),
            ..demo_settings()
        }
    } else if demo_mode {
        demo_settings()
    } else {
        EngineSettings::from_config(&config)
    };
    let engine = match crate::setup::engine(&config, settings) {
        Ok(e) => e,
        Err(e) => {
            crate::errln!("lipa: {}", e.text(lang));
            return exit::CONFIG;
        }
    };
    if let Some(callbacks) = callbacks.as_mut() {
        callbacks.start(&engine, &config);
    }
    if let Some(sim) = &sim {
        // Demo payments left waiting by an earlier demo are known to this new simulator too.
        for p in engine.journal().unresolved().unwrap_or_default() {
            sim.adopt(&p);
        }
    }
    let options = ConsoleOptions {
        demo: demo_mode,
        bell: config.bell,
        no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
            || std::env::var("TERM").is_ok_and(|t| !console::theme::term_has_colour(&t)),
        default_provider: config.start_provider,
        operator: crate::operator::choose(operator, config.operator.as_deref()),
        lang,
        problems,
        allowed: None,
        limits: Default::default(),
        rights: Default::default(),
        offset: Some(config.offset()),
        receipt: config.receipt.clone(),
        shown: None,
    };
    let journal = engine.journal().clone();
    engine.sweep_attention();
    engine.sweep_leases();
    engine.follow_ledger();
    let ran = console::run(engine, options).await;
    if let Err(e) = journal.release_all() {
        tracing::debug!(error = %e, "poll leases left to run out");
    }
    match ran {
        // As `lipa push`: 3 while payments are still open (they stay in the journal and are
        // followed again at the next start), 0 when nothing is left to do.
        Ok(()) => match journal.unresolved() {
            Ok(open)
                if open
                    .iter()
                    .any(|p| !(p.status == Status::Attention && p.checked)) =>
            {
                exit::PENDING
            }
            _ => exit::PAID,
        },
        Err(e) => {
            tracing::error!(error = %e, "console stopped");
            crate::errln!("lipa: {e}");
            exit::CONFIG
        }
    }
}

/// A demo of its own for one visitor of `lipa serve --demo`: a simulator, and an engine on a
/// journal in `dir`. Both end when dropped.
pub async fn demo_engine(
    real: &Config,
    dir: &std::path::Path,
) -> Result<(crate::engine::Engine, Demo), String> {
    let (mut config, sim, callbacks) = demo_config(real).await.map_err(|e| e.to_string())?;
    let sim = sim.ok_or_else(|| "no simulator".to_string())?;
    let mut callbacks = callbacks.ok_or_else(|| "no callbacks".to_string())?;
    config.data_dir = dir.to_path_buf();
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let settings = EngineSettings {
        public_url: callbacks.public_url(),
        ..demo_settings()
    };
    let engine = crate::setup::engine(&config, settings).map_err(|e| e.text(Lang::En))?;
    callbacks.start(&engine, &config);
    Ok((engine, Demo { sim, callbacks }))
}

/// A visitor's demo: its simulator and its receiver of callbacks, both stopped when dropped.
pub struct Demo {
    pub sim: sim::SimHandle,
    pub callbacks: DemoCallbacks,
}

/// Where the demo keeps its journal when the real configuration cannot be read: the
/// environment's or the platform's data directory.
fn fallback_config() -> Option<Config> {
    let data_dir = std::env::var_os("LIPA_DATA_DIR")
        .filter(|d| !d.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join("lipa")))?;
    Some(Config {
        providers: Default::default(),
        data_dir,
        bell: true,
        file: None,
        language: None,
        operator: None,
        problems: Vec::new(),
        schedule_scale: None,
        serve: Default::default(),
        start_provider: None,
        timezone: None,
        receipt: Default::default(),
        till: None,
        database_url: None,
    })
}

/// How long the demo's customers take to answer: 3 s, or `LIPA_DEMO_SETTLE` seconds.
fn demo_settle() -> Duration {
    std::env::var("LIPA_DEMO_SETTLE")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map_or(Duration::from_secs(3), Duration::from_secs_f64)
}

/// The real schedule's shape, squeezed so that the demo's customers (who answer after
/// `settle`, not after about 14 s) are followed as closely as real ones would be.
fn demo_settings() -> EngineSettings {
    EngineSettings::answering_in(demo_settle())
}

/// The demo's data directory, held by this process alone (`WouldBlock`: another demo holds it).
fn lock_demo(dir: &std::path::Path) -> std::io::Result<std::fs::File> {
    std::fs::create_dir_all(dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("demo.lock"))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(std::io::ErrorKind::WouldBlock.into()),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Starts the simulator on loopback and a configuration pointing every provider at it.
async fn demo_config(
    real: &Config,
) -> std::io::Result<(Config, Option<sim::SimHandle>, Option<DemoCallbacks>)> {
    let settle = demo_settle();
    let callbacks = DemoCallbacks::bind().await;
    let handle = sim::spawn(SimConfig {
        port: 0,
        settle,
        callback: callbacks.for_simulator(),
        ..SimConfig::with_checksums()
    })
    .await?;
    let config = Config {
        providers: handle.demo_providers(),
        data_dir: real.data_dir.join(DEMO_DIR),
        bell: real.bell,
        // A shop's demo opens on the shop's provider, as its console does.
        start_provider: real.start_provider,
        language: real.language,
        operator: real.operator.clone(),
        file: real.file.clone(),
        problems: Vec::new(),
        schedule_scale: None,
        serve: Default::default(),
        // The shop's day is the shop's, in the demo too (Today, the report).
        timezone: real.timezone,
        // The shop's own printer prints the demo's slips, DEMO on every line (`lipa receipt
        // --demo --print` does the same). `lipa serve --demo` gives its visitors none.
        receipt: real.receipt.clone(),
        till: None,
        database_url: None,
    };
    Ok((config, Some(handle), Some(callbacks)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shop in Nairobi whose machine runs on UTC sees the demo's Today as Nairobi's day.
    #[tokio::test]
    async fn the_demo_keeps_the_shops_time_zone() {
        let mut real = fallback_config().unwrap_or_else(|| panic!("no data dir"));
        real.timezone = Some(chrono_tz::Africa::Nairobi);
        let (config, _sim, _callbacks) = demo_config(&real).await.expect("demo");
        assert_eq!(config.timezone, Some(chrono_tz::Africa::Nairobi));
    }
}
