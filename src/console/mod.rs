//! The cashier console: an Elm-style loop. Events become [`Action`]s, [`update`] turns them into
//! new [`App`] state and [`Effect`]s (engine calls the runtime runs in tasks), and
//! [`view::draw`] paints the state. Only `terminal.rs` touches the process's own terminal; the
//! runtime works over any event stream and any writer.

pub mod action;
pub mod app;
pub mod effect;
pub mod form;
pub mod keymap;
pub mod runtime;
mod terminal;
pub mod theme;
pub mod totals;
pub mod trouble;
pub mod update;
pub mod view;

pub use action::Action;
pub use app::{App, AppConfig, Limits};
pub use effect::Effect;
pub use update::update;

use crate::engine::Engine;
use crate::lang::Lang;
use crate::provider_kind::ProviderKind;

/// How the console starts.
#[derive(Debug, Clone, Default)]
pub struct ConsoleOptions {
    /// Running on the built-in simulator: say DEMO — no real money — on every screen.
    pub demo: bool,
    /// Ring the terminal bell when a payment is paid or failed.
    pub bell: bool,
    /// No colours at all (`NO_COLOR`): text, symbols and modifiers only.
    pub no_color: bool,
    /// The provider the first payment goes to (the first configured one otherwise).
    pub default_provider: Option<ProviderKind>,
    /// Who is at the till (written beside checks and re-checks).
    pub operator: String,
    /// The language the console speaks.
    pub lang: Lang,
    /// Providers left off because their settings are broken, said at start.
    pub problems: Vec<String>,
    /// The providers this operator may push to (`None`: every configured one).
    pub allowed: Option<Vec<ProviderKind>>,
    /// What this operator may see and do.
    pub limits: Limits,
    /// What this operator may send, read again by the engine at every send (a till: all).
    pub rights: crate::engine::RightsSource,
    /// The till's time zone now (`None`: the system's).
    pub offset: Option<chrono::FixedOffset>,
    /// `[receipt]`: the shop's name, the roll, the printer (the detail's `p`).
    pub receipt: crate::config::ReceiptSettings,
    /// `Some` in a session of `lipa serve`, which goes on following the payments when the
    /// session ends (the quit question says so): told what the console shows as it changes,
    /// for the words and the exit status when the session ends.
    pub shown: Option<tokio::sync::watch::Sender<runtime::Shown>>,
}

/// Whether stdin and stdout are a terminal (the console needs one).
pub fn stdout_is_tty() -> bool {
    terminal::is_tty()
}

/// Runs the console on this process's terminal until the cashier quits (or SIGTERM/SIGHUP).
/// Resumes every unfinished payment in the journal first. The caller checks for a tty.
pub async fn run(engine: Engine, options: ConsoleOptions) -> anyhow::Result<()> {
    terminal::run(engine, options).await
}
