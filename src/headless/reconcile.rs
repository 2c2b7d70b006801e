//! `lipa reconcile [--day DATE] [--json]`: asks each provider what it holds for the day and
//! compares it with the journal (see [`crate::reconcile`]). ClickPesa lists its payments
//! (`GET /payments/all`, a day padded each side, every page); Cepta has no list, so each
//! journalled payment is asked by reference. What can be resolved is applied through the
//! normal status machine; a final payment the provider now says otherwise about keeps its
//! status and is flagged for a person. Exit 0 when all matches, 3 when something needs a
//! person, 4 when a provider could not be asked.

use crate::cli::{FilterArgs, ReconcileArgs, exit};
use crate::config::{Config, ConfigError};
use crate::engine::{Engine, EngineSettings};
use crate::payment::Payment;
use crate::provider::clickpesa::ClickPesaClient;
use crate::provider::{Charged, Lookup, ProviderKind};
use crate::reconcile::{Category, Seen, classify};
use crate::strings::back_office as s;
use crate::strings::{Lang, Msg};
use chrono::{Days, FixedOffset, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;

/// How long a resolvable payment's question may take.
const ASK_WITHIN: Duration = Duration::from_secs(30);

#[derive(Serialize)]
struct Line<'a> {
    reference: &'a str,
    provider: &'a str,
    category: &'a Category,
    /// lipa's status before, and after anything applied.
    status: &'a str,
    now: &'a str,
    /// The provider's word(s).
    provider_says: String,
}

#[derive(Serialize, Default)]
struct Summary {
    day: String,
    matched: usize,
    still_open: usize,
    resolved: usize,
    needs_person: usize,
    missing_from_journal: Vec<String>,
    not_asked: Vec<String>,
}

pub async fn run(args: ReconcileArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    let offset = crate::config::offset_of(&config);
    let filter_args = FilterArgs::day(args.day.as_deref().unwrap_or("today"));
    let kept = config.as_ref().ok().cloned();
    let all = i64::MAX as usize;
    let (journal, filter) = match super::history::open(&filter_args, all, config, offset, lang) {
        Ok(pair) => pair,
        Err((said, code)) => {
            eprintln!("lipa reconcile: {said}");
            return code;
        }
    };
    let Some(config) = kept else {
        return exit::CONFIG;
    };
    let day = filter
        .since
        .map(|t| t.with_timezone(&offset).date_naive())
        .unwrap_or_default();
    let payments = match journal.history(&filter) {
        Ok(mut v) => {
            v.reverse();
            v
        }
        Err(e) => {
            eprintln!("lipa reconcile: {}", e.text(lang));
            return exit::CONFIG;
        }
    };
    drop(journal);
    let engine = match crate::setup::engine(&config, EngineSettings::from_config(&config)) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("lipa reconcile: {}", e.text(lang));
            return exit::CONFIG;
        }
    };
    let mut summary = Summary {
        day: day.format("%Y-%m-%d").to_string(),
        ..Summary::default()
    };
    // What each provider holds, by reference (None: it could not be asked).
    let mut held: HashMap<(ProviderKind, String), Vec<Seen>> = HashMap::new();
    let mut asked: HashMap<ProviderKind, bool> = HashMap::new();
    if let Some(cp) = &config.clickpesa {
        let client = ClickPesaClient::new(cp.clone(), crate::provider::http::client())
            .with_token_file(&config.data_dir);
        match clickpesa_day(&client, day, offset, &engine, &mut held).await {
            Ok(missing) => {
                summary.missing_from_journal = missing;
                asked.insert(ProviderKind::ClickPesa, true);
            }
            Err(why) => {
                tracing::warn!(%why, "ClickPesa's list could not be read");
                asked.insert(ProviderKind::ClickPesa, false);
                summary.not_asked.push(format!("clickpesa: {why}"));
            }
        }
    }
    let mut lines = Vec::new();
    let stop = super::progress::Stop::listen();
    let progress = super::progress::Progress::new(payments.len() as u64, "reconcile");
    let mut stopped = false;
    for p in &payments {
        progress.step();
        // Each payment is applied whole; a stop comes between two.
        if stop.asked() {
            stopped = true;
            break;
        }
        let key = (p.provider, p.reference.as_str().to_string());
        let seen = match p.provider {
            ProviderKind::ClickPesa => match asked.get(&p.provider) {
                Some(true) => held.remove(&key).unwrap_or_default(),
                _ => continue,
            },
            ProviderKind::Cepta => match cepta_one(&engine, p).await {
                Ok(seen) => seen,
                Err(why) => {
                    summary
                        .not_asked
                        .push(format!("{}: {why}", p.reference.as_str()));
                    continue;
                }
            },
        };
        let category = classify(p, &seen);
        let now = apply(&engine, p, &category, &seen).await;
        match &category {
            Category::Matched => summary.matched += 1,
            Category::StillOpen => summary.still_open += 1,
            Category::Resolvable => summary.resolved += 1,
            _ => summary.needs_person += 1,
        }
        let words: Vec<&str> = seen.iter().map(|s| s.word.as_str()).collect();
        lines.push((p.clone(), category, now, words.join(", ")));
    }
    progress.done();
    if stopped {
        summary
            .not_asked
            .push(crate::strings::cli::export_stopped(lang));
    }
    let mut out = String::new();
    use std::fmt::Write as _;
    for (p, category, now, words) in &lines {
        if args.json {
            let line = Line {
                reference: p.reference.as_str(),
                provider: p.provider.id(),
                category,
                status: p.status.id(),
                now: now.status.id(),
                provider_says: words.clone(),
            };
            let _ = writeln!(out, "{}", serde_json::to_string(&line).unwrap_or_default());
        } else if *category != Category::Matched {
            let _ = writeln!(
                out,
                "{}  {}  {}  {} → {}  {}",
                p.reference.as_str(),
                p.provider.label(),
                s::reconcile_category(lang, category),
                p.status.id(),
                now.status.id(),
                words
            );
        }
    }
    let code = if !summary.not_asked.is_empty() {
        exit::CONFIG
    } else if summary.needs_person > 0 || !summary.missing_from_journal.is_empty() {
        exit::PENDING
    } else {
        exit::PAID
    };
    if args.json {
        let _ = writeln!(
            out,
            "{}",
            serde_json::to_string(&summary).unwrap_or_default()
        );
    } else {
        for r in &summary.missing_from_journal {
            let _ = writeln!(out, "{r}  ClickPesa  {}", s::reconcile_missing(lang));
        }
        for why in &summary.not_asked {
            eprintln!("lipa reconcile: {}", s::reconcile_not_asked(lang, why));
        }
        let _ = writeln!(
            out,
            "{}",
            s::reconcile_summary(
                lang,
                &summary.day,
                summary.matched,
                summary.resolved,
                summary.needs_person,
                summary.missing_from_journal.len()
            )
        );
    }
    if let Err(e) = super::write_stdout(&out) {
        // What was applied is in the journal; only the words are lost.
        super::stdout_broke("reconcile", &e, lang);
        return exit::PENDING;
    }
    code
}

/// ClickPesa's payments from a day before to a day after, grouped by reference into `held`.
/// Returns the references of the day that no journalled payment has.
async fn clickpesa_day(
    client: &ClickPesaClient,
    day: NaiveDate,
    offset: FixedOffset,
    engine: &Engine,
    held: &mut HashMap<(ProviderKind, String), Vec<Seen>>,
) -> Result<Vec<String>, String> {
    let start = day.checked_sub_days(Days::new(1)).unwrap_or(day);
    let end = day.checked_add_days(Days::new(1)).unwrap_or(day);
    let list = client
        .list_all_payments(start, end)
        .await
        .map_err(|e| e.to_string())?;
    let mut missing = Vec::new();
    for r in list {
        let key = (ProviderKind::ClickPesa, r.reference.clone());
        let of_the_day = r
            .created_at
            .is_some_and(|t| t.with_timezone(&offset).date_naive() == day);
        if of_the_day && !held.contains_key(&key) {
            let reference = r.reference.clone();
            let known = engine
                .read(move |j| j.find_reference(&reference))
                .await
                .ok()
                .flatten()
                .is_some();
            if !known && !missing.contains(&r.reference) {
                missing.push(r.reference.clone());
            }
        }
        held.entry(key).or_default().push(Seen {
            state: r.state,
            word: r.word,
            amount: r.amount,
        });
    }
    Ok(missing)
}

/// Cepta has no list: the payment asked by its reference.
async fn cepta_one(engine: &Engine, p: &Payment) -> Result<Vec<Seen>, String> {
    let provider = engine
        .provider(ProviderKind::Cepta)
        .ok_or_else(|| "Cepta is not configured".to_string())?;
    let charged = Charged {
        reference: p.reference.clone(),
        amount: p.amount,
        phone: p.phone.clone(),
    };
    match provider.query(&charged).await {
        Ok(Lookup::Found(st)) => Ok(vec![Seen {
            state: st.state,
            word: st.word,
            amount: None,
        }]),
        Ok(Lookup::NotFound) => Ok(Vec::new()),
        Err(e) => Err(e.to_string()),
    }
}

/// Resolvable: asked through the engine, which applies the answer as it applies every answer.
/// Changed after final: flagged. Returns the payment as it stands after.
async fn apply(engine: &Engine, p: &Payment, category: &Category, seen: &[Seen]) -> Payment {
    match category {
        Category::Resolvable => engine
            .ask_now(p.id, ASK_WITHIN)
            .await
            .unwrap_or_else(|_| p.clone()),
        Category::ChangedAfterFinal => {
            let word = seen
                .iter()
                .find(|s| s.state == crate::provider::RemoteState::Attention)
                .map_or_else(String::new, |s| s.word.clone());
            let why = Msg::ChangedAfterFinal { word };
            let id = p.id;
            let _ = engine.read(move |j| j.flag(id, &why)).await;
            engine.get(p.id).await.unwrap_or_else(|_| p.clone())
        }
        _ => p.clone(),
    }
}
