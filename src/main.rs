//! The `lipa` binary: parses the command line and hands over to the library.

use lipa::cli::{Command, exit};
use lipa::config::Config;
use lipa::lang::Lang;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let env = |k: &str| std::env::var(k).ok();
    let cli = lipa::cli::parse(std::env::args().collect(), env);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            lipa::errln!("lipa: {e}");
            return ExitCode::from(exit::CONFIG);
        }
    };
    let config = Config::load(cli.config.as_deref(), env);
    let lang = Lang::choose(cli.lang, config.as_ref().ok().and_then(|c| c.language), env);
    if let Some(v) = env("LIPA_LANG").filter(|v| !v.trim().is_empty() && Lang::parse(v).is_none()) {
        lipa::errln!(
            "lipa: LIPA_LANG: {}",
            lipa::strings::cli::config_bad_language(lang, &v)
        );
    }
    let code = runtime.block_on(async move {
        match cli.command {
            None => lipa::launch::console(config, false, lang, cli.operator.as_deref()).await,
            Some(Command::Demo) => {
                lipa::launch::console(config, true, lang, cli.operator.as_deref()).await
            }
            Some(Command::Push(args)) => lipa::headless::push::run(args, config, lang).await,
            Some(Command::Sync(args)) => lipa::headless::sync::run(args, config, lang).await,
            Some(Command::Operators {
                command: lipa::cli::OperatorsCommand::Check { file },
            }) => lipa::headless::operators::check(file, lang),
            Some(Command::Ledger {
                command: lipa::cli::LedgerCommand::Import { file, till },
            }) => lipa::headless::ledger::import(&file, till.as_deref(), config, lang),
            Some(Command::History(args)) => lipa::headless::history::run(args, config, lang).await,
            Some(Command::Receipt(args)) => lipa::headless::receipt::run(args, config, lang),
            Some(Command::Reconcile(args)) => {
                lipa::headless::reconcile::run(args, config, lang).await
            }
            Some(Command::Report(args)) => {
                lipa::headless::day_report::run(args, config, lang).await
            }
            Some(Command::Export(args)) => lipa::headless::export::run(args, config, lang).await,
            Some(Command::Serve(args)) => {
                let told = Lang::told(cli.lang, config.as_ref().ok().and_then(|c| c.language), env);
                lipa::serve::run(args, config, lang, told).await
            }
            Some(Command::Check(args)) => lipa::headless::check::run(args, config, lang).await,
            Some(Command::Backup(args)) => lipa::headless::backup::run(args, config, lang),
            Some(Command::Doctor(args)) => lipa::headless::doctor::run(args, config, lang).await,
            Some(Command::Simulate(args)) => {
                let options = match lipa::sim::SimulateOptions::from_args(&args) {
                    Ok(options) => options,
                    Err(message) => {
                        lipa::errln!("lipa: {message}");
                        return exit::INVALID;
                    }
                };
                match lipa::sim::run_foreground(options).await {
                    Ok(()) => exit::PAID,
                    Err(e) => {
                        lipa::errln!("lipa: {e}");
                        exit::CONFIG
                    }
                }
            }
        }
    });
    runtime.shutdown_timeout(Duration::from_millis(200));
    // The journal closes on its own thread once the runtime let go of it: wait for that, so
    // its WAL is checkpointed and removed before the process ends.
    if !lipa::journal::wait_closed(Duration::from_secs(5)) {
        tracing::warn!("the journal was still open at exit");
    }
    ExitCode::from(code)
}
