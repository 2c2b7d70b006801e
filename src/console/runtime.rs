//! The loop: events in, bytes out. It reads terminal events from any stream, engine news from
//! the engine, runs effects as tokio tasks that answer with actions, and draws through a
//! `Terminal` over any writer — never touching the process's own terminal, so one process can
//! serve many sessions.
//!
//! Bytes are a feature on slow links: it draws only when an action changed something (and then
//! only the cells that changed, inside a synchronized update), ticks at most once a second and
//! only while a payment's age is counting (and once when a typed phone and amount have stayed
//! still long enough for the wallet check); idle with nothing pending, it sends nothing.

mod backend;
mod effects;

pub use backend::SessionBackend;

use super::ConsoleOptions;
use super::action::Action;
use super::app::{App, AppConfig, RECENT_MINUTES};
use super::effect::Effect;
use super::update::update;
use super::view;
use crate::engine::Engine;
use crate::payment::Payment;
use crate::strings::console as s;
use chrono::{DateTime, FixedOffset, Utc};
use ratatui::crossterm::event::Event;
use ratatui::layout::{Rect, Size};
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::io::Write;
use std::sync::Arc;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A console that starts again shows the payments of this many last minutes that finished.
/// Most queued actions handled before drawing once.
const BATCH: usize = 64;
/// News alone draws at most once in this long: a supervisor's screen follows fifty changes a
/// second as ten frames, not fifty. A key, a resize or the clock draws at once.
const NEWS_FRAME: std::time::Duration = std::time::Duration::from_millis(100);

/// How a session meets its screen.
pub struct Session<W: Write> {
    /// Key, paste and resize events of this session's terminal.
    pub input: mpsc::Receiver<Event>,
    /// Where the screen's bytes go.
    pub output: W,
    /// Columns and rows at start (later sizes arrive as resize events).
    pub size: (u16, u16),
    /// The till's time zone.
    pub offset: FixedOffset,
    /// Sentences from whoever runs the session (the SSH server: "idle, closing in a minute"),
    /// shown as notices.
    pub notices: Option<mpsc::UnboundedReceiver<String>>,
}

/// What a console shows now, for whoever runs its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// The language on screen (`Ctrl-G` changes it).
    pub lang: crate::strings::Lang,
    /// Payments on its list still open: waiting, or needing a person.
    pub open: usize,
    /// Its width in columns (the last window change).
    pub cols: u16,
}

impl Shown {
    fn of(app: &App) -> Shown {
        Shown {
            lang: app.lang,
            open: app.waiting() + app.needing_you(),
            cols: app.size.0,
        }
    }
}

/// Runs one console session until the cashier quits or the input stream ends.
pub async fn run<W: Write>(
    engine: Engine,
    options: ConsoleOptions,
    session: Session<W>,
) -> anyhow::Result<()> {
    let Session {
        mut input,
        output,
        size: (w, h),
        offset,
        mut notices,
    } = session;
    let shown = options.shown.clone();
    let mut providers = engine.providers();
    if let Some(allowed) = &options.allowed {
        providers.retain(|p| allowed.contains(p));
    }
    if providers.is_empty() {
        anyhow::bail!(s::no_providers(options.lang));
    }
    let viewport = Viewport::Fixed(Rect::new(0, 0, w, h));
    let mut terminal = Terminal::with_options(
        SessionBackend::new(output, Size::new(w, h)),
        TerminalOptions { viewport },
    )?;
    terminal.clear()?;
    let mut app = App::new(AppConfig {
        providers,
        provider: options.default_provider,
        demo: options.demo,
        bell: options.bell,
        no_color: options.no_color,
        now: Utc::now(),
        offset,
        operator: options.operator.clone(),
        lang: options.lang,
        limits: options.limits.clone(),
    });
    app.size = (w, h);
    app.served = shown.is_some();
    let tell = |app: &App| {
        if let Some(shown) = &shown {
            shown.send_if_modified(|now| {
                let then = *now;
                *now = Shown::of(app);
                *now != then
            });
        }
    };
    tell(&app);
    if !options.problems.is_empty() {
        app.notice = Some(super::app::Notice {
            text: options.problems.join(" "),
            kind: super::app::NoticeKind::Bad,
            about: None,
        });
    }
    // Boxed: a console's queue grows by blocks of its items, and an action is large.
    let (tx, mut rx) = mpsc::unbounded_channel::<Box<Action>>();
    let mut news = engine.subscribe();
    let mut news_open = true;
    let mut ledger = engine.ledger_state();
    let mut ledger_open = true;
    let mut journal = engine.journal_state();
    let mut journal_open = true;
    let scope = options.limits.own_only.then_some(options.operator.as_str());
    app.printer = options.receipt.printer.is_some();
    let exec = effects::Executor::new(engine, tx, scope)
        .with_printing(effects::Printing {
            receipt: options.receipt.clone(),
            demo: options.demo,
            offset: Some(offset),
        })
        .with_rights(options.rights.clone());
    exec.run(Effect::Resume);
    // Pushed in the last ten minutes and finished since, unless this operator cleared them:
    // shown as done.
    exec.run(Effect::RecentlyDone {
        since: Utc::now() - chrono::Duration::minutes(RECENT_MINUTES),
        who: options.operator.clone(),
    });
    // One reference per provider: the form's own, and a spare for each other provider (the
    // form's own answer asks for its spare), so the form is ready again the moment a payment
    // leaves or the provider switches.
    for p in app.providers.clone() {
        exec.run(Effect::NewReference(p));
    }
    let mut deadline: Option<Instant> = None;
    // Something was handled since the clock's next need was last asked (asking walks every
    // row: a supervisor's console holds thousands).
    let mut changed = true;
    // When the last frame went, whether what came since must show at once (not only news),
    // and when the news that waits for its frame is drawn.
    let mut last_frame = Instant::now();
    let mut at_once = true;
    let mut news_frame: Option<Instant> = None;
    loop {
        if app.repaint {
            // Ctrl-L: the screen may be garbled (a field agent's link); send it all again.
            terminal.clear()?;
            app.repaint = false;
            app.dirty = true;
        }
        if app.dirty {
            let due = last_frame + NEWS_FRAME;
            if at_once || Instant::now() >= due {
                draw(&mut terminal, &app)?;
                app.dirty = false;
                last_frame = Instant::now();
                news_frame = None;
            } else {
                news_frame = Some(due);
            }
        }
        at_once = false;
        if std::mem::take(&mut changed) {
            let want = app.next_wake().map(|d| Instant::now() + d);
            deadline = match (deadline, want) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (_, b) => b,
            };
        }
        let first = tokio::select! {
            ev = input.recv() => match ev {
                Some(ev) => event_action(&mut terminal, ev)?,
                None => break,
            },
            a = rx.recv() => a.map(|a| *a),
            n = news.recv(), if news_open => news_action(n, &mut news_open, scope),
            changed = ledger.changed(), if ledger_open => match changed {
                Ok(()) => Some(Action::Ledger(ledger.borrow_and_update().clone())),
                Err(_) => {
                    ledger_open = false;
                    None
                }
            },
            changed = journal.changed(), if journal_open => match changed {
                Ok(()) => Some(Action::Journal(journal.borrow_and_update().clone())),
                Err(_) => {
                    journal_open = false;
                    None
                }
            },
            Some(text) = next_notice(&mut notices) => Some(Action::Notice(text)),
            () = sleep_until(news_frame) => {
                news_frame = None;
                at_once = true;
                None
            },
            () = sleep_until(deadline) => {
                deadline = None;
                Some(Action::Tick(Utc::now()))
            }
        };
        let mut batch: Vec<Action> = first.into_iter().collect();
        while batch.len() < BATCH {
            let next = match rx.try_recv() {
                Ok(a) => Some(*a),
                Err(_) => match news.try_recv() {
                    Ok(p) => news_action(Ok(p), &mut news_open, scope),
                    Err(TryRecvError::Lagged(_)) => Some(Action::Lagged),
                    // Keys that came together (a paste without brackets, a fast typist, a
                    // flood) are drawn once, not once each.
                    Err(_) => match input.try_recv() {
                        Ok(ev) => event_action(&mut terminal, ev)?,
                        Err(_) => break,
                    },
                },
            };
            if let Some(a) = next {
                batch.push(a);
            }
        }
        if batch.is_empty() {
            continue;
        }
        // News that drew nothing changes no clock either; news alone waits for its frame.
        changed = batch
            .iter()
            .any(|a| !matches!(a, Action::PaymentChanged(_)));
        at_once = changed;
        for action in batch {
            step(&mut app, action, &mut terminal, &exec, Utc::now())?;
        }
        if app.dirty {
            changed = true;
            tell(&app);
        }
        if app.quit {
            break;
        }
    }
    terminal.show_cursor()?;
    // A clearing of the list just asked for is kept before the console goes.
    exec.settle(std::time::Duration::from_secs(3)).await;
    Ok(())
}

/// One action through `update`, then its effects.
fn step<W: Write>(
    app: &mut App,
    action: Action,
    terminal: &mut Terminal<SessionBackend<W>>,
    exec: &effects::Executor,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    app.now = now;
    for effect in update(app, action) {
        match effect {
            Effect::Bell => {
                let out = terminal.backend_mut();
                out.write_all(b"\x07")?;
                out.flush()?;
            }
            Effect::Quit => app.quit = true,
            other => exec.run(other),
        }
    }
    Ok(())
}

fn event_action<W: Write>(
    terminal: &mut Terminal<SessionBackend<W>>,
    ev: Event,
) -> anyhow::Result<Option<Action>> {
    Ok(match ev {
        Event::Key(k) => Some(Action::Key(k)),
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(w, h) => {
            terminal.backend_mut().set_size(Size::new(w, h));
            terminal.resize(Rect::new(0, 0, w, h))?;
            Some(Action::Resize(w, h))
        }
        _ => None,
    })
}

/// News of a payment as an action, unless this console never shows it (an agent's console
/// shows the agent's own payments: another's news is dropped here, before any work).
fn news_action(
    n: Result<Arc<Payment>, RecvError>,
    open: &mut bool,
    scope: Option<&str>,
) -> Option<Action> {
    match n {
        Ok(p) if scope.is_some_and(|op| p.operator != op) => None,
        Ok(p) => Some(Action::PaymentChanged(p)),
        Err(RecvError::Lagged(_)) => Some(Action::Lagged),
        Err(RecvError::Closed) => {
            *open = false;
            None
        }
    }
}

async fn next_notice(notices: &mut Option<mpsc::UnboundedReceiver<String>>) -> Option<String> {
    match notices {
        Some(rx) => match rx.recv().await {
            Some(text) => Some(text),
            None => {
                *notices = None;
                std::future::pending().await
            }
        },
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(t) => tokio::time::sleep_until(t).await,
        None => std::future::pending().await,
    }
}

/// One frame: only what changed, and nothing when nothing did (the backend decides whether
/// it needs a synchronized update).
pub fn draw<W: Write>(
    terminal: &mut Terminal<SessionBackend<W>>,
    app: &App,
) -> std::io::Result<()> {
    terminal.draw(|frame| view::draw(frame, app))?;
    Ok(())
}
