//! Command-line definitions (clap) and the exit codes scripts rely on.

use crate::provider_kind::ProviderKind;
use clap::builder::TypedValueParser;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub use crate::outcome::exit;

#[derive(Debug, Parser)]
#[command(
    name = "lipa",
    version,
    about = "Cashier console for mobile-money push payments ({providers})",
    long_about = "Cashier console for mobile-money push payments ({providers_where}). Without a \
                  command it opens the console; with no provider configured, it opens the \
                  built-in demo (no real money)."
)]
pub struct Cli {
    /// Configuration file (default: the platform's config directory, lipa/config.toml).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Language: sw (Kiswahili) or en (English); default LIPA_LANG, the config's language,
    /// then the locale.
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<crate::lang::Lang>,
    /// Who is at the console (default: the config's operator, else the operating system's user
    /// name).
    #[arg(long)]
    pub operator: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("1, 2, 3 …".to_string()),
    }
}

fn parse_lang(text: &str) -> Result<crate::lang::Lang, String> {
    crate::lang::Lang::parse(text).ok_or_else(|| "sw | en".to_string())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the console on the built-in simulator, whatever is configured (no real money).
    Demo,
    /// Record and send one payment, then wait for its final status.
    Push(PushArgs),
    /// Re-check every payment in the journal that is not final.
    Sync(SyncArgs),
    /// Mark a payment that needs attention as checked by a person, with a note.
    Check(CheckArgs),
    /// Payments in the journal, newest first, by day, status, provider, operator, phone or
    /// reference.
    History(HistoryArgs),
    /// The journal's payments as CSV (RFC 4180), oldest first, by the same filters as history.
    Export(ExportArgs),
    /// The end of a day: per provider and currency, paid, failed by reason, needing a person,
    /// still open; per operator; and closing the day (a numbered Z report).
    Report(ReportArgs),
    /// Compare a day of the journal with what the providers hold, apply what can be resolved,
    /// and flag what needs a person.
    Reconcile(ReconcileArgs),
    /// A paid payment's confirmation slip, as text or sent to the receipt printer.
    Receipt(ReceiptArgs),
    /// Copy the journal into FILE while lipa runs (private, written whole, then checked); with
    /// --check, say what a backup holds.
    Backup(BackupArgs),
    /// Check everything that can be checked before the first sale, charging nobody: each
    /// provider's address, clock and credentials, the data directory, the journal or the shared
    /// ledger, the printer, the operators file. Exit 0: a sale can be taken.
    Doctor(DoctorArgs),
    /// Run the provider simulator on 127.0.0.1 (every provider's wire format).
    Simulate(SimulateArgs),
    /// Serve the console over SSH to the operators listed in the operators file (field agents
    /// need only an SSH app and a key).
    Serve(ServeArgs),
    /// The operators of `lipa serve`: who may log in, as what.
    Operators {
        #[command(subcommand)]
        command: OperatorsCommand,
    },
    /// A chain's shared ledger (PostgreSQL, database_url).
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Copy a till's journal (its SQLite file) into the shared ledger, with every payment's
    /// history and the closed days; a second run adds nothing.
    Import {
        /// The till's journal file, e.g. ~/.local/share/lipa/journal.sqlite3.
        file: PathBuf,
        /// The till its payments were taken at, for payments recorded before lipa kept the till
        /// (default: this till's name).
        #[arg(long)]
        till: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OperatorsCommand {
    /// Check the operators file and print who can log in (no keys are printed).
    Check {
        /// The file (default: the platform's config directory, lipa/operators).
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on, HOST:PORT (default: the config's [serve] ssh, else
    /// 127.0.0.1:2222); off: no SSH (with --http).
    #[arg(long, value_name = "ADDR")]
    pub ssh: Option<String>,
    /// Receive the providers' callbacks over HTTP on HOST:PORT, behind the shop's reverse proxy
    /// (default: the config's [serve] http; none).
    #[arg(long, value_name = "ADDR")]
    pub http: Option<String>,
    /// Serve the demo (no real money) to anyone, with any key or none: each visitor gets a demo
    /// of their own.
    #[arg(long)]
    pub demo: bool,
    /// The operators file (default: the config's [serve] operators, else lipa/operators in the
    /// platform's config directory).
    #[arg(long, value_name = "FILE")]
    pub operators: Option<PathBuf>,
}

/// `--provider`: one of the registry's ids, as the journal and JSON write them.
fn provider_parser() -> impl clap::builder::TypedValueParser<Value = ProviderKind> {
    clap::builder::PossibleValuesParser::new(ProviderKind::ALL.map(ProviderKind::id))
        .map(|id| ProviderKind::from_id(&id).unwrap_or(ProviderKind::ALL[0]))
}

#[derive(Debug, Clone, Args)]
pub struct PushArgs {
    /// Which provider: {provider_choices}.
    #[arg(long, value_parser = provider_parser())]
    pub provider: ProviderKind,
    /// Customer's phone number, in any usual form (0712345678, +255 712 345 678, ...).
    #[arg(long, allow_hyphen_values = true)]
    pub phone: String,
    /// Amount: whole shillings (1500, 1,500); up to 2 decimals where the provider takes cents (1500.50).
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    /// Your reference (default: a fresh one).
    #[arg(long)]
    pub reference: Option<String>,
    /// {channels} channel code (default: suggested from the number's network).
    #[arg(long, value_name = "CODE")]
    pub channel: Option<String>,
    /// Customer e-mail for {email} (default: {email_default}).
    #[arg(long)]
    pub email: Option<String>,
    /// Customer's name ({name_field}).
    #[arg(long)]
    pub name: Option<String>,
    /// Seconds to wait for a final status; 0 returns once the prompt is sent.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub wait: u64,
    /// Print the outcome as one JSON object on the last line.
    #[arg(long)]
    pub json: bool,
    /// Validate and print the normalized request; send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send even if a payment to the same phone for the same amount was recorded in the last
    /// five minutes (otherwise refused with exit code 2).
    #[arg(long)]
    pub force: bool,
    /// Who pushes it (default: the config's operator, else the operating system's user name).
    #[arg(long)]
    pub operator: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// Seconds to wait for the payments to settle; 0 asks each once.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub wait: u64,
    /// One JSON object per payment.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct FilterArgs {
    /// From this day (YYYY-MM-DD, today or yesterday, in the till's time zone).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Up to and with this day.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only this status (paid, failed, pending, unknown, attention, sending, recorded).
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long, value_parser = provider_parser())]
    /// Only this provider.
    pub provider: Option<ProviderKind>,
    /// Only payments this operator pushed.
    #[arg(long)]
    pub operator: Option<String>,
    /// Only payments recorded at this till (a chain's ledger holds every till's).
    #[arg(long)]
    pub till: Option<String>,
    /// Digits anywhere in the customer's number.
    #[arg(long, value_name = "DIGITS")]
    pub phone: Option<String>,
    /// Part of the reference (any case).
    #[arg(long)]
    pub reference: Option<String>,
}

impl FilterArgs {
    /// Every payment of one day (`YYYY-MM-DD`, `today`, `yesterday`).
    pub fn day(day: &str) -> FilterArgs {
        FilterArgs {
            since: Some(day.to_string()),
            until: Some(day.to_string()),
            status: None,
            provider: None,
            operator: None,
            till: None,
            phone: None,
            reference: None,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// At most this many payments.
    #[arg(long, default_value_t = 50, value_name = "N", value_parser = at_least_one)]
    pub limit: usize,
    /// One JSON object per payment.
    #[arg(long)]
    pub json: bool,
    /// The providers' callbacks that named no payment lipa holds (kept for a person), newest
    /// first, instead of payments.
    #[arg(long)]
    pub hooks: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ReceiptArgs {
    /// The payment's reference.
    pub reference: String,
    /// Send it to the printer of the config's [receipt] printer (ESC/POS).
    #[arg(long)]
    pub print: bool,
    /// A payment of the demo's journal (the slip says DEMO).
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ReconcileArgs {
    /// The day (YYYY-MM-DD, today or yesterday; default today).
    #[arg(long, value_name = "DATE")]
    pub day: Option<String>,
    /// One JSON object per payment, then a summary object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// The day (YYYY-MM-DD, today or yesterday; default today).
    #[arg(long, value_name = "DATE")]
    pub day: Option<String>,
    /// One JSON object.
    #[arg(long)]
    pub json: bool,
    /// Close the day: a numbered Z report, kept in the journal and never changed.
    #[arg(long)]
    pub close: bool,
    /// Close although payments are still open or need a person.
    #[arg(long)]
    pub force: bool,
    /// Who closes the day (default: the config's operator, else the operating system's user).
    #[arg(long)]
    pub operator: Option<String>,
    /// Also send it to the config's [receipt] printer (ESC/POS), as a Z report once closed.
    #[arg(long)]
    pub print: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Write to this file (private, written whole and then renamed) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The payment's reference (as `lipa sync` or the console shows it).
    pub reference: String,
    /// What the person found (e.g. "customer showed the SMS, goods given").
    #[arg(long)]
    pub note: Option<String>,
    /// For a payment the provider cannot be asked about (a lost answer): what the person found, paid or failed.
    #[arg(long, value_parser = ["paid", "failed"])]
    pub found: Option<String>,
    /// Who checked it (default: the operating system's user name).
    #[arg(long)]
    pub operator: Option<String>,
    /// Print the outcome as one JSON object on the last line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The backup file to write (replaced whole if it is there), or to read with --check.
    pub file: PathBuf,
    /// Write nothing: say what FILE holds (payments, open ones, the newest, schema version).
    #[arg(long)]
    pub check: bool,
    /// One JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DoctorArgs {
    /// One JSON object: every check, and whether a sale can be taken.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Seconds before a customer answers.
    #[arg(long, default_value_t = 3.0, value_name = "SECONDS")]
    pub settle: f64,
    /// Switch every fault on at this chance per mille (0-1000): slow answers (1.5 s late),
    /// HTML 500/502/503, 429 with Retry-After, the connection dropped, an error, "reference
    /// already used" or 429 after the push was created, truncated or malformed JSON, tokens
    /// revoked early, reversals, extra failed attempts, answers without the amount or with
    /// another paying number.
    #[arg(long, default_value_t = 0, value_name = "PER_MILLE")]
    pub faults: u16,
    /// One fault's chance, over --faults: NAME=PER_MILLE, comma-separated or repeated
    /// (slow, html-5xx, too-many-requests, drop-after-create, fail-after-create, truncate,
    /// malformed, revoke-tokens, reverse, duplicate-after-create, throttle-after-create,
    /// extra-attempt, no-echo, other-phone). E.g. --fault html-5xx=100,slow=50.
    #[arg(long, value_name = "NAME=PER_MILLE", value_delimiter = ',')]
    pub fault: Vec<String>,
    /// Seed of the fault dice: the same seed and the same requests give the same faults.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Run the simulator's clock this many seconds ahead (negative: behind); requests stamped
    /// more than 5 minutes off are refused by {clock_signed}.
    #[arg(
        long,
        default_value_t = 0,
        value_name = "SECONDS",
        allow_hyphen_values = true
    )]
    pub clock_offset: i64,
    /// Call lipa back when a payment ends, each provider in its own format, at this receiver
    /// (lipa serve --http), e.g. http://127.0.0.1:8089.
    #[arg(long, value_name = "URL")]
    pub callback: Option<String>,
    /// Callbacks: milliseconds after the customer's answer, lost per mille, sent twice per mille.
    #[arg(long, value_name = "MS,LOST,TWICE")]
    pub callback_faults: Option<String>,
}

mod localize;
pub use localize::{command, parse};
