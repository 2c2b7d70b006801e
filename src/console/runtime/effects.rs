//! Runs effects against the engine in tokio tasks; each answers with an action.

use crate::console::action::{Action, Trouble};
use crate::console::app::TODAY_PAGE;
use crate::console::effect::Effect;
use crate::engine::{Engine, EngineError, RightsSource, SendGuard};
use crate::journal::Wanted;
use crate::payment::{NewPayment, Payment};
use crate::phone::Phone;
use crate::provider::PushRequest;
use crate::reference::Reference;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::mpsc::UnboundedSender;

pub struct Executor {
    engine: Engine,
    tx: UnboundedSender<Box<Action>>,
    /// Whose payments the day's reads count (`None`: everyone's).
    scope: Option<std::sync::Arc<str>>,
    /// How receipts are printed.
    printing: std::sync::Arc<Printing>,
    /// Writes under way that the console waits for before it goes (a clearing kept in the
    /// journal: a quit right after Ctrl-X must not bring the rows back at the next start).
    writes: std::sync::Arc<tokio::sync::watch::Sender<usize>>,
    /// What this operator may send, as it stands at each send.
    rights: RightsSource,
    /// The search line's newest generation: a search of an older one stops.
    searching: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// What a receipt needs besides its payment.
#[derive(Debug, Clone, Default)]
pub struct Printing {
    pub receipt: crate::config::ReceiptSettings,
    pub demo: bool,
    pub offset: Option<chrono::FixedOffset>,
}

impl Executor {
    pub fn new(engine: Engine, tx: UnboundedSender<Box<Action>>, scope: Option<&str>) -> Executor {
        Executor {
            engine,
            tx,
            scope: scope.map(Into::into),
            printing: Default::default(),
            writes: std::sync::Arc::new(tokio::sync::watch::channel(0).0),
            rights: RightsSource::default(),
            searching: Default::default(),
        }
    }

    /// Waits (at most `within`) for the writes under way to be done.
    pub async fn settle(&self, within: std::time::Duration) {
        let mut done = self.writes.subscribe();
        let _ = tokio::time::timeout(within, done.wait_for(|n| *n == 0)).await;
    }

    /// Sends are checked against these rights, read again at each send.
    pub fn with_rights(mut self, rights: RightsSource) -> Executor {
        self.rights = rights;
        self
    }

    /// Receipts are printed with these settings.
    pub fn with_printing(mut self, printing: Printing) -> Executor {
        self.printing = std::sync::Arc::new(printing);
        self
    }

    /// Starts the effect; its outcome comes back as an action. Bell and Quit are the loop's.
    pub fn run(&self, effect: Effect) {
        let engine = self.engine.clone();
        let tx = self.tx.clone();
        let scope = self.scope.clone();
        let printing = self.printing.clone();
        let writes = matches!(effect, Effect::Cleared { .. }).then(|| self.writes.clone());
        if let Some(w) = &writes {
            w.send_modify(|n| *n += 1);
        }
        let rights = self.rights.clone();
        if let Effect::Search {
            generation,
            query,
            first,
        } = effect
        {
            self.searching.store(generation, Ordering::SeqCst);
            let newest = self.searching.clone();
            let wanted = Wanted::as_long_as(move || newest.load(Ordering::SeqCst) == generation);
            tokio::spawn(async move {
                if let Some(found) = search(&engine, scope, wanted, generation, query, first).await
                {
                    let _ = tx.send(Box::new(found));
                }
            });
            return;
        }
        tokio::spawn(async move {
            if let Effect::PrintReceipt { id, lang } = effect {
                let _ = tx.send(Box::new(Action::Printed(
                    print(&engine, &printing, id, lang).await,
                )));
                return;
            }
            let actions = perform(&engine, effect, scope, &rights).await;
            if let Some(w) = writes {
                w.send_modify(|n| *n = n.saturating_sub(1));
            }
            for action in actions {
                if tx.send(Box::new(action)).is_err() {
                    break;
                }
            }
        });
    }
}

/// A page of the search line's results, unless a newer line superseded it (then nothing: its
/// query stopped, and the newer line's answer is the one shown).
async fn search(
    engine: &Engine,
    scope: Option<std::sync::Arc<str>>,
    wanted: Wanted,
    generation: u64,
    query: String,
    first: usize,
) -> Option<Action> {
    let page = crate::console::app::SEARCH_PAGE;
    let result = engine
        .read(move |j| j.search_while(&query, scope.as_deref(), first, page, &wanted))
        .await
        .map_err(Trouble::from);
    let result = match result {
        Ok(None) => return None,
        Ok(Some(found)) => Ok(found),
        Err(e) => Err(e),
    };
    Some(Action::Found {
        generation,
        first,
        result,
    })
}

async fn perform(
    engine: &Engine,
    effect: Effect,
    scope: Option<std::sync::Arc<str>>,
    rights: &RightsSource,
) -> Vec<Action> {
    match effect {
        Effect::Resume => vec![Action::Resumed(
            engine.open_payments().await.map_err(Trouble::from),
        )],
        Effect::RecentlyDone { since, who } => {
            let (done, cleared) = engine
                .read(move |j| {
                    Ok((
                        j.recently_done(since, scope.as_deref(), &who, 20)?,
                        j.cleared_since(since, &who)?,
                    ))
                })
                .await
                .unwrap_or_default();
            vec![Action::RecentlyDone { done, cleared }]
        }
        Effect::Cleared { ids, who } => match engine.read(move |j| j.clear(&ids, &who)).await {
            Ok(()) => Vec::new(),
            Err(e) => vec![Action::ClearNotKept(e.into())],
        },
        Effect::NewReference(provider) => reference(engine, provider).await,
        Effect::NewReferenceSoon(provider) => {
            tokio::time::sleep(REFERENCE_RETRY).await;
            reference(engine, provider).await
        }
        Effect::SubmitChecked(new) => vec![submit(engine, new, SendGuard::Check, rights).await],
        Effect::Submit(new) => vec![submit(engine, new, SendGuard::Force, rights).await],
        Effect::SendAgain(p) => match again(engine, &p).await {
            Ok(new) => vec![submit(engine, new, SendGuard::Check, rights).await],
            Err(e) => vec![Action::Failed(e)],
        },
        Effect::MarkChecked { id, who, note } => {
            match engine.mark_checked(id, &who, note.as_deref()).await {
                Ok(result) => vec![Action::MarkedChecked { note, result }],
                Err(e) => vec![Action::Failed(e.into())],
            }
        }
        Effect::LoadToday(since) => {
            let all = scope.is_none();
            let loaded = engine
                .read(move |j| {
                    let who = scope.as_deref();
                    let until = Some(day_end(since));
                    Ok((
                        j.day_summary_of(since, until, who)?,
                        j.day_page_of(since, until, 0, TODAY_PAGE, who)?,
                    ))
                })
                .await;
            let hooks = today_hooks(engine, since, all).await;
            vec![Action::TodayLoaded(loaded.map_err(Trouble::from)), hooks]
        }
        Effect::LoadTodaySummary(since) => {
            let all = scope.is_none();
            let loaded = engine
                .read(move |j| j.day_summary_of(since, Some(day_end(since)), scope.as_deref()))
                .await;
            let hooks = today_hooks(engine, since, all).await;
            vec![Action::TodaySummary(loaded.map_err(Trouble::from)), hooks]
        }
        Effect::LoadTodayPage { since, first } => {
            let result = engine
                .read(move |j| {
                    let until = Some(day_end(since));
                    j.day_page_of(since, until, first, TODAY_PAGE, scope.as_deref())
                })
                .await
                .map_err(Trouble::from);
            vec![Action::TodayPage { first, result }]
        }
        Effect::LoadReport { day, since, until } => {
            let who = scope.as_deref().map(str::to_string);
            let result = engine
                .read(move |j| day_data(j, day, since, until, who))
                .await
                .map_err(Trouble::from);
            vec![Action::ReportLoaded { day, result }]
        }
        Effect::CloseDay {
            day,
            since,
            until,
            who,
        } => {
            let result = engine
                .read(move |j| {
                    let data = day_data(j, day, since, until, None)?;
                    let stored = serde_json::to_string(&data.report)
                        .map_err(|e| crate::journal::JournalError::Corrupt(e.to_string()))?;
                    let day_id = day.format("%Y-%m-%d").to_string();
                    let (closing, new) = j.close_day(&day_id, &data.till, &who, &stored)?;
                    let report = serde_json::from_str(&closing.report).unwrap_or(data.report);
                    Ok((
                        crate::console::app::ReportData {
                            report,
                            closing: Some(closing),
                            till: data.till,
                            late: data.late,
                        },
                        new,
                    ))
                })
                .await
                .map_err(Trouble::from);
            vec![Action::DayClosed { day, result }]
        }
        // Run by `search`, beside the line it answers.
        Effect::Search { .. } => Vec::new(),
        Effect::LoadHistory(id) => {
            let result = engine
                .read(move |j| j.events(id))
                .await
                .map_err(Trouble::from);
            vec![Action::HistoryLoaded { id, result }]
        }
        Effect::Reload(ids) => {
            let mut out = Vec::new();
            for id in ids {
                if let Ok(p) = engine.get(id).await {
                    out.push(Action::PaymentChanged(Arc::new(p)));
                }
            }
            out
        }
        Effect::Recheck { id, who } => match engine.recheck_by(id, &who).await {
            Ok(()) => Vec::new(),
            Err(e) => vec![Action::Failed(e.into())],
        },
        Effect::Preview {
            generation,
            provider,
            phone,
            amount,
            reference,
        } => {
            let request = PushRequest {
                reference: reference.unwrap_or_else(|| {
                    Reference::generate(provider, chrono::Utc::now().timestamp())
                }),
                phone,
                amount,
                channel: None,
                email: None,
                name: None,
                prepared: None,
                callback: None,
            };
            let result = engine.preview(provider, &request).await;
            if let Err(error) = &result {
                tracing::debug!(%error, provider = provider.id(), "name check failed");
            }
            let result = result.map_err(Trouble::from);
            vec![Action::Previewed { generation, result }]
        }
        Effect::Bell | Effect::Quit | Effect::PrintReceipt { .. } => Vec::new(),
    }
}

/// Sends through the engine's rights check and duplicate guard: a payment like it comes back
/// as a question, one the operator may not send as a refusal.
async fn submit(
    engine: &Engine,
    new: NewPayment,
    guard: SendGuard,
    rights: &RightsSource,
) -> Action {
    match engine.submit(new.clone(), guard, rights).await {
        Err(EngineError::Duplicate(existing)) => Action::DuplicateFound {
            new,
            existing: *existing,
        },
        Err(EngineError::NotAllowed(why)) => Action::NotAllowed { new, why },
        result => Action::Submitted {
            new,
            result: result.map_err(Trouble::from),
        },
    }
}

/// A failed payment as a new one: same customer, amount and channel, a new reference.
async fn again(engine: &Engine, p: &Payment) -> Result<NewPayment, Trouble> {
    let phone = Phone::parse(&p.phone, p.provider.country()).map_err(Trouble::Phone)?;
    let reference = engine
        .new_reference(p.provider)
        .await
        .map_err(Trouble::from)?;
    Ok(NewPayment {
        provider: p.provider,
        reference,
        phone,
        amount: p.amount,
        channel: p.channel.clone(),
        email: p.email.clone(),
        name: p.name.clone(),
        replaces: Some(p.id),
        operator: p.operator.clone(),
    })
}

/// The end of the day that began at `since` (the till's offset is fixed: a day is 24 hours).
/// Today's list and totals end there, as the day's report does: a payment stamped later (a
/// clock that is behind the journal's) is another day's.
fn day_end(since: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    since + chrono::Duration::days(1)
}

/// The offset a day began at: midnight of `day` was `since` in UTC.
fn since_offset(
    day: chrono::NaiveDate,
    since: chrono::DateTime<chrono::Utc>,
) -> chrono::FixedOffset {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let secs = (midnight - since.naive_utc()).num_seconds();
    chrono::FixedOffset::east_opt(i32::try_from(secs).unwrap_or(0))
        .unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc))
}

/// The payment's receipt to the configured printer (the journal read, then the printer's
/// blocking write on a thread of its own).
async fn print(
    engine: &Engine,
    printing: &Printing,
    id: i64,
    lang: crate::lang::Lang,
) -> Result<(), Trouble> {
    use crate::receipt::escpos::{self, Printer};
    let p = engine.get(id).await.map_err(Trouble::from)?;
    let named = printing.receipt.printer.clone().unwrap_or_default();
    let printer = Printer::parse(&named).ok_or_else(|| Trouble::Said(named.clone()))?;
    let till = engine.journal().till();
    let width = printing.receipt.columns();
    let slip = crate::receipt::Slip {
        shop: printing.receipt.shop_name(),
        till: &till,
        width,
        demo: printing.demo,
        offset: printing.offset.unwrap_or_else(crate::till::local_offset),
        lang,
    };
    let lines =
        crate::receipt::lines(&p, &slip).map_err(|_| Trouble::Said(p.status.id().to_string()))?;
    let bytes = escpos::encode(&lines, Some(p.reference.as_str()));
    tokio::task::spawn_blocking(move || printer.send(&bytes))
        .await
        .map_err(|e| Trouble::Said(e.to_string()))?
        .map_err(|e| Trouble::Said(e.to_string()))
}

/// A day's report as the journal holds it: a closed day as it was closed (a till's; an
/// agent's report is always their own, as it stands), else built from its payments.
fn day_data(
    j: &crate::journal::Journal,
    day: chrono::NaiveDate,
    since: chrono::DateTime<chrono::Utc>,
    until: chrono::DateTime<chrono::Utc>,
    who: Option<String>,
) -> Result<crate::console::app::ReportData, crate::journal::JournalError> {
    let till = j.till();
    let day_id = day.format("%Y-%m-%d").to_string();
    let closing = match who {
        None => j.closing(&day_id, &till)?,
        Some(_) => None,
    };
    let stored = closing
        .as_ref()
        .and_then(|c| serde_json::from_str(&c.report).ok());
    let filter = crate::journal::Filter {
        since: Some(since),
        until: Some(until),
        status: None,
        provider: None,
        // A chain's till counts its own payments (its Z with them).
        till: (j.is_shared() && who.is_none()).then(|| till.clone()),
        operator: who,
        phone: None,
        reference: None,
        limit: i64::MAX as usize,
        after: None,
    };
    let (report, late) = match (stored, &closing) {
        // Payments of the day taken after it closed are in no Z report: said, as `lipa
        // report` says it (newest first).
        (Some(r), Some(c)) => {
            let after: Vec<_> = j
                .history(&filter)?
                .into_iter()
                .filter(|p| p.created_at > c.closed_at)
                .collect();
            let late = after
                .first()
                .map(|newest| (after.len(), newest.reference.to_string()));
            (r, late)
        }
        _ => {
            let payments = j.history(&filter)?;
            let offset = since_offset(day, since);
            (
                crate::report::DayReport::build(day, offset, &payments),
                None,
            )
        }
    };
    Ok(crate::console::app::ReportData {
        report,
        closing,
        till,
        late,
    })
}

/// How long to wait before asking for a fresh reference again (the ledger was out of reach).
const REFERENCE_RETRY: std::time::Duration = std::time::Duration::from_secs(2);

async fn reference(engine: &Engine, provider: crate::provider_kind::ProviderKind) -> Vec<Action> {
    match engine.new_reference(provider).await {
        Ok(reference) => vec![Action::ReferenceReady {
            provider,
            reference,
        }],
        Err(crate::engine::EngineError::Stopping) => Vec::new(),
        Err(e) => vec![Action::ReferenceFailed {
            provider,
            why: e.into(),
        }],
    }
}

/// Callbacks kept for a person shown on the today screen, at most.
const TODAY_HOOKS: usize = 50;

/// Today's callbacks that named no payment, for a console that sees the whole till (`all`):
/// an agent's sees none (they are nobody's payments).
async fn today_hooks(engine: &Engine, since: chrono::DateTime<chrono::Utc>, all: bool) -> Action {
    if !all {
        return Action::TodayHooks(Vec::new());
    }
    let kept = engine.read(move |j| j.hooks(None, TODAY_HOOKS)).await;
    let kept = kept
        .map_err(|e| tracing::warn!(error = %e, "callbacks kept for a person not read"))
        .unwrap_or_default()
        .into_iter()
        .filter(|h| h.received_at >= since && h.received_at < day_end(since))
        .collect();
    Action::TodayHooks(kept)
}
