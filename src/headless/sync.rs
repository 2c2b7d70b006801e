//! `lipa sync`: re-check every payment in the journal that is not final.

use crate::cli::{SyncArgs, exit};
use crate::config::{Config, ConfigError};
use crate::engine::{Engine, EngineSettings};
use crate::lang::Lang;
use crate::outcome::{Out, Outcome, exit_code};
use crate::payment::{Payment, Status};
use crate::strings::cli as s;
use std::collections::HashMap;
use std::time::Duration;

/// How long `--wait 0` allows for the one round of questions.
const ONE_ROUND: Duration = Duration::from_secs(30);
/// Longest pause between two looks at the payments while waiting.
const LOOK_AGAIN: Duration = Duration::from_millis(250);

pub async fn run(args: SyncArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    let mut out = Out::new(lang);
    let code = sync(&args, config, &mut out).await;
    out.finish("sync", code)
}

fn cannot_start(args: &SyncArgs, out: &mut Out, said: impl Fn(Lang) -> String) -> u8 {
    crate::errln!("lipa sync: {}", said(out.lang));
    if args.json {
        let outcome = Outcome::problem("error", "", said, out.lang);
        out.line(&outcome.json());
    }
    exit::CONFIG
}

async fn sync(args: &SyncArgs, config: Result<Config, ConfigError>, out: &mut Out) -> u8 {
    let config = match config {
        Ok(c) => c,
        Err(e) => return cannot_start(args, out, |l| e.text(l)),
    };
    crate::logging::init(&config.data_dir);
    for warning in crate::setup::warnings(&config, out.lang) {
        crate::errln!("lipa sync: {warning}");
    }
    let engine = match crate::setup::engine(&config, EngineSettings::from_config(&config)) {
        Ok(e) => e,
        Err(e) => return cannot_start(args, out, |l| e.text(l)),
    };
    // On a chain: hear the other tills' answers (they may hold some of these payments), and
    // take over the payments of a till that stops meanwhile.
    engine.follow_ledger();
    engine.sweep_leases();
    let code = follow(args, &engine, &config, out).await;
    engine.release_leases().await;
    code
}

/// Follows every open payment until each is settled or the wait ends; the report's exit code.
async fn follow(args: &SyncArgs, engine: &Engine, config: &Config, out: &mut Out) -> u8 {
    // A stop signal ends the wait early; the report is still printed.
    let mut stop = crate::signals::Stop::listen().ok();
    let open = match engine.resume().await {
        Ok(v) => v,
        Err(e) => return cannot_start(args, out, |l| e.text(l)),
    };
    // Attention payments a person has marked checked are done: nothing is left to do.
    let open: Vec<Payment> = open.into_iter().filter(|p| !done(p)).collect();
    if open.is_empty() {
        if !args.json {
            out.line(&s::sync_nothing(out.lang));
        }
        return exit::PAID;
    }
    let mut unconfigured = false;
    for p in &open {
        if engine.provider(p.provider).is_none() {
            unconfigured = true;
            match config.problem(p.provider) {
                Some(problem) => {
                    crate::errln!("lipa sync: {}: {}", p.reference, problem.text(out.lang))
                }
                None => crate::errln!(
                    "lipa sync: {} {}",
                    p.reference,
                    s::provider_not_configured(out.lang, p.provider.label())
                ),
            }
        } else {
            // Ask at once: a payment left behind by a stopped process may be long settled.
            engine.recheck(p.id);
        }
    }
    let polls: HashMap<i64, u32> = open.iter().map(|p| (p.id, p.polls)).collect();
    let wait = if args.wait == 0 {
        ONE_ROUND
    } else {
        Duration::from_secs(args.wait)
    };
    let deadline = tokio::time::Instant::now() + wait;
    let mut rx = engine.subscribe();
    // What each payment is now, kept up to date from the engine's news (reading them all again
    // after every change made a sync over a thousand payments cost a CPU-minute).
    let mut now: HashMap<i64, Payment> = current(engine, &open)
        .await
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    loop {
        let finished = now.values().all(|p| {
            engine.provider(p.provider).is_none()
                || done(p)
                || (p.status == Status::Attention && !engine.is_tracking(p.id))
                || (args.wait == 0
                    && p.polls > polls.get(&p.id).copied().unwrap_or(0)
                    && !matches!(p.status, Status::Recorded))
        });
        if finished || tokio::time::Instant::now() >= deadline {
            break;
        }
        // A tracker task leaves `is_tracking` just after publishing its last change, with no
        // news of its own: look again now and then instead of waiting out the whole --wait.
        let look_again = tokio::time::Instant::now() + LOOK_AGAIN;
        tokio::select! {
            news = tokio::time::timeout_at(deadline.min(look_again), rx.recv()) => match news {
                Ok(Ok(p)) => {
                    if let Some(slot) = now.get_mut(&p.id) {
                        *slot = std::sync::Arc::unwrap_or_clone(p);
                    }
                }
                // News was lost: read them all again.
                Ok(Err(_)) => {
                    now = current(engine, &open).await.into_iter().map(|p| (p.id, p)).collect();
                }
                Err(_) => {}
            },
            signal = crate::signals::stopped(&mut stop) => {
                tracing::info!(signal, "sync stopped while waiting");
                break;
            }
        }
    }
    let now = current(engine, &open).await;
    let mut code = exit::PAID;
    for p in &now {
        out.line(&Outcome::of(p, out.lang).line(args.json));
        if !matches!(exit_code(p), exit::PAID | exit::FAILED) {
            code = exit::PENDING;
        }
    }
    if unconfigured { exit::CONFIG } else { code }
}

/// Nothing more will happen to it: paid, failed, or an attention payment a person checked.
fn done(p: &Payment) -> bool {
    p.status.is_final() || (p.status == Status::Attention && p.checked)
}

async fn current(engine: &Engine, open: &[Payment]) -> Vec<Payment> {
    let mut v = Vec::with_capacity(open.len());
    for p in open {
        v.push(engine.get(p.id).await.unwrap_or_else(|_| p.clone()));
    }
    v
}
