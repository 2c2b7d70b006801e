//! `lipa reconcile [--day DATE] [--json]`: asks each provider what it holds for the day and
//! compares it with the journal (see [`crate::reconcile`]). The providers come from the common
//! setup, as for every face (behind the guard that keeps their secrets out of every answer). A
//! provider that lists its payments ([`Provider::day_list`]: a day padded each side, every
//! page) is read once; one that does not is asked for each journalled payment by its reference,
//! where its row says it can be looked up so ([`LookupBy`]), and otherwise says why it cannot;
//! a payment whose provider is not configured is said, not skipped. What can be resolved is applied through the normal status machine; a final payment
//! the provider now says otherwise about keeps its status and is flagged for a person. Exit 0
//! when all matches, 3 when something needs a person, 4 when a provider could not be asked.

use crate::cli::{FilterArgs, ReconcileArgs, exit};
use crate::config::{Config, ConfigError};
use crate::engine::{Engine, EngineSettings};
use crate::lang::Lang;
use crate::msg::Msg;
use crate::payment::{Payment, Status};
use crate::provider::spec::LookupBy;
use crate::provider::{Charged, Lookup, Provider, ProviderKind, RemoteState};
use crate::reconcile::{Category, Seen, after_asking, classify};
use crate::strings::back_office as s;
use chrono::{Days, FixedOffset, NaiveDate};
use serde::Serialize;
use std::collections::{HashMap, HashSet};
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
    /// Why a provider or a payment could not be asked, in English (JSON).
    not_asked: Vec<String>,
    /// The provider of each of `missing_from_journal`.
    #[serde(skip)]
    missing_of: Vec<ProviderKind>,
    /// `not_asked` in the reader's language.
    #[serde(skip)]
    not_asked_own: Vec<String>,
    /// What a person should know of how a provider was asked (no day's list…), in English.
    notes: Vec<String>,
    /// `notes` in the reader's language.
    #[serde(skip)]
    notes_own: Vec<String>,
}

impl Summary {
    fn note(&mut self, what: &str, said: impl Fn(Lang) -> String, lang: Lang) {
        self.notes.push(format!("{what}: {}", said(Lang::En)));
        self.notes_own.push(format!("{what}: {}", said(lang)));
    }

    fn not_asked(&mut self, what: &str, why: impl Fn(Lang) -> String, lang: Lang) {
        self.not_asked.push(format!("{what}: {}", why(Lang::En)));
        self.not_asked_own.push(format!("{what}: {}", why(lang)));
    }
}

pub async fn run(args: ReconcileArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    let offset = crate::config::offset_of(&config);
    let filter_args = FilterArgs::day(args.day.as_deref().unwrap_or("today"));
    let kept = config.as_ref().ok().cloned();
    let all = i64::MAX as usize;
    let (journal, filter) = match super::history::open(&filter_args, all, config, offset, lang) {
        Ok(pair) => pair,
        Err((said, code)) => {
            crate::errln!("lipa reconcile: {said}");
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
            crate::errln!("lipa reconcile: {}", e.text(lang));
            return exit::CONFIG;
        }
    };
    drop(journal);
    let engine = match crate::setup::engine(&config, EngineSettings::from_config(&config)) {
        Ok(e) => e,
        Err(e) => {
            crate::errln!("lipa reconcile: {}", e.text(lang));
            return exit::CONFIG;
        }
    };
    let mut summary = Summary {
        day: day.format("%Y-%m-%d").to_string(),
        ..Summary::default()
    };
    // What each provider that lists its payments holds, by reference.
    let mut held: HashMap<(ProviderKind, String), Vec<Seen>> = HashMap::new();
    let mut listed: HashSet<ProviderKind> = HashSet::new();
    let mut unlisted: HashSet<ProviderKind> = HashSet::new();
    for kind in ProviderKind::ALL {
        let Some(provider) = engine.provider(kind) else {
            continue;
        };
        match day_list(provider.as_ref(), day, offset, &engine, &mut held).await {
            Ok(Some(missing)) => {
                summary.missing_of.extend(missing.iter().map(|_| kind));
                summary.missing_from_journal.extend(missing);
                listed.insert(kind);
            }
            // No list: each payment is asked by its reference (or the id lipa made for it);
            // where a person looks for what lipa never recorded is said once.
            Ok(None) if matches!(kind.spec().lookup, LookupBy::OurReference | LookupBy::OurId) => {
                if let Some(by_hand) = kind.spec().by_hand {
                    let label = kind.label();
                    let by_id = kind.spec().lookup == LookupBy::OurId;
                    summary.note(
                        kind.id(),
                        |l| {
                            // The provider's own sentence follows a colon: its first letter
                            // is not a sentence's.
                            let by_hand = lower_first(&by_hand(l));
                            if by_id {
                                s::reconcile_by_our_id_only(l, label, &by_hand)
                            } else {
                                s::reconcile_by_reference_only(l, label, &by_hand)
                            }
                        },
                        lang,
                    );
                }
            }
            // No list, and only its own ids to ask by: each payment is asked by the id its
            // push's answer carried; said once, with where a person checks the rest.
            Ok(None) if kind.spec().lookup == LookupBy::ProviderId => {
                let (label, by_hand) = (kind.label(), kind.spec().by_hand);
                summary.note(
                    kind.id(),
                    |l| {
                        s::reconcile_no_day_list(
                            l,
                            label,
                            &by_hand.map(|f| f(l)).unwrap_or_default(),
                        )
                    },
                    lang,
                );
            }
            Ok(None) => {
                unlisted.insert(kind);
                let label = kind.label();
                summary.not_asked(kind.id(), |l| s::reconcile_not_by_reference(l, label), lang);
            }
            Err(e) => {
                tracing::warn!(provider = kind.id(), error = %e, "the provider's list could not be read");
                unlisted.insert(kind);
                summary.not_asked(kind.id(), |l| e.text(l), lang);
            }
        }
    }
    let mut unconfigured: std::collections::BTreeMap<ProviderKind, Vec<String>> =
        std::collections::BTreeMap::new();
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
        let seen = if listed.contains(&p.provider) {
            held.remove(&key).unwrap_or_default()
        } else if unlisted.contains(&p.provider) {
            // Said once for the provider.
            continue;
        } else if !crate::provider::spec::askable(p) {
            // Its push's answer was lost: nothing to ask by. It needs a person (the engine
            // says so, if it has not yet), until one has checked it.
            let now = if p.status == Status::Attention {
                p.clone()
            } else {
                engine
                    .ask_now(p.id, ASK_WITHIN)
                    .await
                    .unwrap_or_else(|_| p.clone())
            };
            let category = if now.checked {
                summary.matched += 1;
                Category::Matched
            } else {
                summary.needs_person += 1;
                Category::NeedsYou
            };
            lines.push((p.clone(), category, now, String::new()));
            continue;
        } else if let Some(provider) = engine.provider(p.provider) {
            match ask_one(provider.as_ref(), p).await {
                Ok(seen) => seen,
                Err(e) => {
                    summary.not_asked(p.reference.as_str(), |l| e.text(l), lang);
                    continue;
                }
            }
        } else {
            // Not configured here: said once for the provider, after the loop.
            unconfigured
                .entry(p.provider)
                .or_default()
                .push(p.reference.as_str().to_string());
            continue;
        };
        let category = classify(p, &seen);
        let now = apply(&engine, p, &category, &seen).await;
        let category = after_asking(category, &now);
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
    for (kind, references) in &unconfigured {
        let mut shown = references
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        if references.len() > 5 {
            shown.push_str(", …");
        }
        let n = references.len();
        let why = |l| s::reconcile_not_configured(l, kind.label(), n, &shown);
        summary.not_asked(kind.id(), why, lang);
    }
    if stopped {
        summary
            .not_asked
            .push(crate::strings::cli::export_stopped(Lang::En));
        summary
            .not_asked_own
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
                category.text(lang),
                crate::strings::console::status_word(lang, p.status, p.checked),
                crate::strings::console::status_word(lang, now.status, now.checked),
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
        for (r, kind) in summary.missing_from_journal.iter().zip(&summary.missing_of) {
            let _ = writeln!(out, "{r}  {}  {}", kind.label(), s::reconcile_missing(lang));
        }
        for note in &summary.notes_own {
            crate::errln!("lipa reconcile: {note}");
        }
        for why in &summary.not_asked_own {
            crate::errln!("lipa reconcile: {}", s::reconcile_not_asked(lang, why));
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

/// The provider's list from a day before to a day after (whose day its dates are is not
/// known), grouped by reference into `held`. `None`: the provider has no list. Else the
/// references of the day that no journalled payment has.
async fn day_list(
    provider: &dyn Provider,
    day: NaiveDate,
    offset: FixedOffset,
    engine: &Engine,
    held: &mut HashMap<(ProviderKind, String), Vec<Seen>>,
) -> Result<Option<Vec<String>>, crate::provider::ProviderError> {
    let kind = provider.kind();
    let start = day.checked_sub_days(Days::new(1)).unwrap_or(day);
    let end = day.checked_add_days(Days::new(1)).unwrap_or(day);
    let Some(list) = provider.day_list(start, end).await? else {
        return Ok(None);
    };
    let mut missing = Vec::new();
    for r in list {
        let key = (kind, r.reference.clone());
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
    Ok(Some(missing))
}

/// A provider without a list: the payment asked by its reference. An answer to a query proves
/// what was charged (one that does not is *attention*), so a paid answer is for the amount
/// charged.
async fn ask_one(
    provider: &dyn Provider,
    p: &Payment,
) -> Result<Vec<Seen>, crate::provider::ProviderError> {
    Ok(match provider.query(&Charged::of(p)).await? {
        Lookup::Found(st) => vec![Seen {
            amount: (st.state == RemoteState::Paid).then_some(p.amount),
            state: st.state,
            word: st.word,
        }],
        Lookup::NotFound => Vec::new(),
    })
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
                .find(|s| s.state == RemoteState::Attention)
                .map_or_else(String::new, |s| s.word.clone());
            let why = Msg::ChangedAfterFinal { word };
            let id = p.id;
            let _ = engine.read(move |j| j.flag(id, &why)).await;
            engine.get(p.id).await.unwrap_or_else(|_| p.clone())
        }
        _ => p.clone(),
    }
}

/// `text` with its first letter in lower case (a sentence continued after a colon).
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
