//! `lipa push`: record and send one payment, then wait for its final status.

use super::report::{Outcome, exit_code};
use crate::cli::{PushArgs, exit};
use crate::config::{self, Config, ConfigError};
use crate::engine::{EngineError, EngineSettings, SendGuard};
use crate::money::Money;
use crate::payment::{NewPayment, Status};
use crate::phone::Phone;
use crate::provider::{ProviderError, ProviderKind};
use crate::reference::Reference;
use crate::strings::cli as s;
use std::time::Duration;

/// Checks every field; the first problem is returned as `--flag: message`.
pub fn validate(args: &PushArgs) -> Result<NewPayment, String> {
    let provider: ProviderKind = args.provider.into();
    let phone = Phone::parse(&args.phone, provider.country()).map_err(|e| field("phone", e))?;
    let amount = Money::parse(&args.amount, provider.currency()).map_err(|e| field("amount", e))?;
    let reference = args
        .reference
        .as_deref()
        .map(|r| Reference::parse(r, provider).map_err(|e| field("reference", e)))
        .transpose()?;
    let channel = match (&args.channel, provider) {
        (Some(c), ProviderKind::Cepta) => {
            let c = c.trim();
            if c.is_empty() || c.len() > 10 || !c.bytes().all(|b| b.is_ascii_digit()) {
                return Err(field("channel", s::bad_channel()));
            }
            Some(c.to_string())
        }
        (Some(_), ProviderKind::ClickPesa) => {
            return Err(field("channel", s::channel_not_for_clickpesa()));
        }
        (None, ProviderKind::Cepta) => phone.network().cepta_channel().map(str::to_string),
        (None, ProviderKind::ClickPesa) => None,
    };
    let email = args
        .email
        .as_deref()
        .map(|e| crate::email::parse(e).map_err(|m| field("email", m)))
        .transpose()?;
    Ok(NewPayment {
        provider,
        reference: reference
            .unwrap_or_else(|| Reference::generate(provider, chrono::Utc::now().timestamp())),
        phone,
        amount,
        channel,
        email,
        name: args.name.clone().filter(|n| !n.trim().is_empty()),
        replaces: None,
    })
}

fn field(name: &str, e: impl std::fmt::Display) -> String {
    format!("--{name}: {e}")
}

/// Runs the command; returns the exit code.
pub async fn run(args: PushArgs, config: Result<Config, ConfigError>) -> u8 {
    let new = match validate(&args) {
        Ok(n) => n,
        Err(msg) => {
            eprintln!("lipa push: {msg}");
            return exit::INVALID;
        }
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            eprintln!("lipa push: {e}");
            return exit::CONFIG;
        }
    };
    if !crate::setup::has(&config, new.provider) {
        eprintln!(
            "lipa push: {}",
            config::missing_provider(new.provider, config.file.as_deref())
        );
        return exit::CONFIG;
    }
    // A dry run checks the configuration too: "ok" must mean this push could be sent.
    if args.dry_run {
        return dry_run(&args, &new);
    }
    crate::logging::init(&config.data_dir);
    let engine = match crate::setup::engine(&config, EngineSettings::default()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("lipa push: {e}");
            return exit::CONFIG;
        }
    };
    // Listening from before the send: a stop signal during the send waits for its answer to be
    // journalled (the HTTP timeouts bound that), then ends the wait below at once.
    let mut stop = crate::signals::Stop::listen().ok();
    let guard = if args.force {
        SendGuard::Force
    } else {
        SendGuard::Check
    };
    let submitted = match engine.submit(new, guard).await {
        Ok(s) => s,
        Err(EngineError::Journal(crate::journal::JournalError::DuplicateReference(r))) => {
            eprintln!("lipa push: --reference: {}", s::reference_used(&r));
            return exit::INVALID;
        }
        Err(EngineError::Duplicate(same)) => {
            eprintln!("lipa push: {}", s::duplicate_refused(&same));
            return exit::INVALID;
        }
        // Nothing was sent: the engine fails only before the request leaves.
        Err(e) => {
            eprintln!("lipa push: {e}");
            return exit::CONFIG;
        }
    };
    let mut payment = submitted.payment;
    if let Some(why) = &submitted.unjournalled {
        // The request left but its answer is not in the journal: the only honest word is
        // unknown, and `lipa sync` resolves it from the journal's *sending* row.
        eprintln!("lipa push: {}", s::answer_not_journalled(why));
        let mut outcome = Outcome::of(&payment);
        outcome.status = Status::Unknown.public_word().into();
        outcome.message = s::answer_not_journalled(why);
        outcome.print(args.json);
        return exit::PENDING;
    }
    let refused = matches!(
        submitted.error,
        Some(
            ProviderError::Rejected { .. }
                | ProviderError::RetryLater { .. }
                | ProviderError::Configuration { .. }
        )
    ) && payment.status == Status::Failed;
    if !refused && args.wait > 0 && !payment.status.is_final() {
        if !args.json {
            println!("{}", s::waiting(&payment, args.wait));
        }
        // A stop signal ends the wait, not the report: the payment is in the journal either
        // way, and the script still gets its last line and exit code.
        tokio::select! {
            waited = engine.wait_settled(payment.id, Duration::from_secs(args.wait)) => {
                match waited {
                    Ok(p) => payment = p,
                    Err(e) => eprintln!("lipa push: {e}"),
                }
            }
            signal = crate::signals::stopped(&mut stop) => {
                tracing::info!(signal, reference = %payment.reference, "push stopped while waiting");
                if let Ok(p) = engine.get(payment.id).await {
                    payment = p;
                }
            }
        }
    }
    Outcome::of(&payment).print(args.json);
    if refused {
        if let Some(e) = &submitted.error {
            eprintln!("lipa push: {e}");
        }
        return exit::CONFIG;
    }
    exit_code(payment.status)
}

fn dry_run(args: &PushArgs, new: &NewPayment) -> u8 {
    let outcome = Outcome {
        provider: new.provider.id().into(),
        reference: new.reference.to_string(),
        phone: new.phone.normalized().into(),
        amount: new.amount.wire_decimal(),
        currency: new.amount.currency().code().into(),
        status: "dry-run".into(),
        message: s::dry_run_message(new.phone.network().label(), new.channel.as_deref()),
    };
    outcome.print(args.json);
    exit::PAID
}
