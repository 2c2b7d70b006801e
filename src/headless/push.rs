//! `lipa push`: record and send one payment, then wait for its final status.

use crate::cli::{PushArgs, exit};
use crate::config::{self, Config, ConfigError};
use crate::engine::{Engine, EngineError, EngineSettings, NotRecorded, SendGuard};
use crate::lang::Lang;
use crate::outcome::{Out, Outcome, exit_code};
use crate::payment::{NewPayment, Status};
use crate::provider::{Channel, ProviderError, ProviderKind};
use crate::reference::Reference;
use crate::strings::cli as s;
use std::time::Duration;

/// Longest channel code taken.
const CHANNEL_MAX: usize = 16;

/// Longest customer name kept (what a provider takes as the customer's name).
pub const NAME_MAX: usize = 60;

/// How long the question asked at the end of a wait may take.
const LAST_QUESTION: Duration = Duration::from_secs(25);

/// Checks every field; the first problem is returned as `--flag: message`.
pub fn validate(args: &PushArgs, lang: Lang) -> Result<NewPayment, String> {
    let provider = args.provider;
    let spec = provider.spec();
    // Full-width and Arabic-Indic digits read as the console reads them.
    let ascii = |s: &str| s.chars().map(crate::text::ascii).collect::<String>();
    let phone = spec
        .phones
        .parse(&ascii(&args.phone))
        .map_err(|e| field("phone", e.text(lang)))?;
    let amount = spec
        .amounts
        .parse(&ascii(&args.amount))
        .map_err(|e| field("amount", e.text(lang)))?;
    let reference = args
        .reference
        .as_deref()
        .map(|r| Reference::parse(r, provider).map_err(|e| field("reference", e.text(lang))))
        .transpose()?;
    let channel = match (&args.channel, spec.channels) {
        (Some(c), Some(table)) => {
            let c = c.trim();
            let shaped = !c.is_empty()
                && c.len() <= CHANNEL_MAX
                && c.bytes().all(|b| {
                    b.is_ascii_digit()
                        || (!table.numeric && (b.is_ascii_alphanumeric() || b == b'_'))
                });
            if !shaped {
                let example = table.known.first().map_or(("", ""), |k| (k.code, k.name));
                let words = if table.numeric {
                    s::bad_channel(lang, example.0, example.1)
                } else {
                    s::bad_channel_code(lang, example.0, example.1)
                };
                return Err(field("channel", words));
            }
            // pawaPay's codes are upper case; `tigo_tza` is one of them.
            Some(if table.numeric {
                c.to_string()
            } else {
                c.to_ascii_uppercase()
            })
        }
        (Some(_), None) => {
            let others: Vec<&str> = ProviderKind::ALL
                .iter()
                .map(|k| k.spec())
                .filter(|s| s.channels.is_some())
                .map(|s| s.label)
                .collect();
            let others = others.join(", ");
            return Err(field(
                "channel",
                s::channel_not_offered(lang, spec.label, &others),
            ));
        }
        // The provider names the wallet itself: left to it (asked before the send).
        (None, Some(table)) if table.predicted => None,
        (None, Some(table)) => (table.suggest)(phone.network()).map(str::to_string),
        (None, None) => None,
    };
    if args.email.is_some() && spec.email == crate::email::EmailRule::NotTaken {
        let others: Vec<&str> = ProviderKind::ALL
            .iter()
            .map(|k| k.spec())
            .filter(|s| s.email != crate::email::EmailRule::NotTaken)
            .map(|s| s.label)
            .collect();
        return Err(field(
            "email",
            s::email_not_taken(lang, spec.label, &others.join(", ")),
        ));
    }
    let email = args
        .email
        .as_deref()
        .map(|e| crate::email::parse(e).map_err(|m| field("email", m.text(lang))))
        .transpose()?;
    // A name is printed on slips and screens: a control character (an escape, a new line)
    // is refused, not silently taken out.
    if args
        .name
        .as_deref()
        .is_some_and(|n| n.chars().any(char::is_control))
    {
        return Err(field("name", s::name_not_printable(lang)));
    }
    let name = match args.name.as_deref().map(crate::text::printable) {
        Some(n) if n.chars().count() > NAME_MAX => {
            return Err(field("name", s::name_too_long(lang, NAME_MAX)));
        }
        Some(n) if !n.is_empty() => Some(n),
        _ => None,
    };
    Ok(NewPayment {
        provider,
        reference: reference
            .unwrap_or_else(|| Reference::generate(provider, chrono::Utc::now().timestamp())),
        phone,
        amount,
        channel,
        email,
        name,
        replaces: None,
        // Set from --operator or the configuration once it is read.
        operator: String::new(),
    })
}

fn field(name: &str, e: impl std::fmt::Display) -> String {
    format!("--{name}: {e}")
}

/// Runs the command; returns the exit code. The last line of stdout is the outcome, on every
/// exit (`--json`: one object).
pub async fn run(args: PushArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    let mut out = Out::new(lang);
    let code = push(&args, config, &mut out).await;
    out.finish("push", code)
}

/// Says on stderr why nothing was sent, and gives the script its last line.
fn nothing_sent(args: &PushArgs, out: &mut Out, status: &str, said: impl Fn(Lang) -> String) {
    crate::errln!("lipa push: {}", said(out.lang));
    let provider = args.provider;
    let outcome = Outcome::problem(status, provider.id(), said, out.lang);
    out.line(&outcome.line(args.json));
}

async fn push(args: &PushArgs, config: Result<Config, ConfigError>, out: &mut Out) -> u8 {
    let mut new = match validate(args, out.lang) {
        Ok(n) => n,
        Err(_) => {
            nothing_sent(args, out, "invalid", |l| {
                validate(args, l).err().unwrap_or_default()
            });
            return exit::INVALID;
        }
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            nothing_sent(args, out, "error", |l| e.text(l));
            return exit::CONFIG;
        }
    };
    new.operator = crate::operator::choose(args.operator.as_deref(), config.operator.as_deref());
    if !crate::setup::has(&config, new.provider) {
        let problem = match config.problem(new.provider) {
            Some(problem) => problem.clone(),
            None => config::missing_provider(&config, new.provider),
        };
        nothing_sent(args, out, "error", |l| problem.text(l));
        return exit::CONFIG;
    }
    // The channel must be one the provider offers; one unlike the number's network is
    // probably a slip.
    if let Some(code) = new.channel.as_deref() {
        let offered = channels(&config, new.provider).await;
        match offered.iter().find(|c| c.code == code) {
            None => {
                let label = new.provider.label();
                let said = |l| field("channel", s::unknown_channel(l, code, label, &offered));
                nothing_sent(args, out, "invalid", said);
                return exit::INVALID;
            }
            Some(chosen) => {
                let suggest = new.provider.spec().channels.map(|t| t.suggest);
                if let Some(suggested) = suggest.and_then(|f| f(new.phone.network()))
                    && suggested != code
                {
                    crate::errln!(
                        "lipa push: {}",
                        s::channel_unlike_network(out.lang, new.phone.network().label(), chosen)
                    );
                }
            }
        }
    }
    // A dry run checks the configuration and the channel too: "ok" means this push could be
    // sent.
    if args.dry_run {
        // A reference the journal already holds is refused by the real push: so here.
        let used = args.reference.is_some()
            && crate::setup::journal(&config)
                .and_then(|j| j.reference_exists(new.provider, &new.reference))
                .unwrap_or(false);
        if used {
            let r = new.reference.to_string();
            nothing_sent(args, out, "invalid", |l| {
                field("reference", s::reference_used(l, &r))
            });
            return exit::INVALID;
        }
        out.line(&dry_run(&new, &config.till(), out.lang).line(args.json));
        return exit::PAID;
    }
    crate::logging::init(&config.data_dir);
    for warning in crate::setup::warnings(&config, out.lang) {
        crate::errln!("lipa push: {warning}");
    }
    let engine = match crate::setup::engine(&config, EngineSettings::from_config(&config)) {
        Ok(e) => e,
        Err(e) => {
            nothing_sent(args, out, "error", |l| e.text(l));
            return exit::CONFIG;
        }
    };
    // While it waits, a push also follows the payments nobody follows any more (another push
    // killed beside it): an open payment is asked about on its schedule while any lipa runs.
    engine.sweep_leases();
    let code = send(args, &engine, new, out).await;
    engine.release_leases().await;
    code
}

/// The channels the provider offers (its list, or the documented table when it cannot be
/// read: never fails).
async fn channels(config: &Config, kind: ProviderKind) -> Vec<Channel> {
    let provider = crate::setup::providers(config)
        .into_iter()
        .find(|p| p.kind() == kind);
    match provider {
        Some(p) => p.channels().await.unwrap_or_default(),
        None => Vec::new(),
    }
}

async fn send(args: &PushArgs, engine: &Engine, new: NewPayment, out: &mut Out) -> u8 {
    // Listening from before the send: a stop signal during the send waits for its answer to be
    // journalled (the HTTP timeouts bound that), then ends the wait below at once.
    let mut stop = crate::signals::Stop::listen().ok();
    let guard = if args.force {
        SendGuard::Force
    } else {
        SendGuard::Check
    };
    let typed = (
        new.phone.normalized().to_string(),
        new.amount.exact_decimal(),
        new.amount.currency().code().to_string(),
    );
    let submitted = match engine
        .submit(new, guard, &crate::engine::Rights::all())
        .await
    {
        Ok(s) => s,
        Err(EngineError::Journal(crate::journal::JournalError::DuplicateReference(r))) => {
            let said = |l| field("reference", s::reference_used(l, &r));
            nothing_sent(args, out, "invalid", said);
            return exit::INVALID;
        }
        Err(EngineError::Duplicate(same)) => {
            // Its own status, and the payment it is like, for a script to follow that one.
            let said = |l| s::duplicate_refused(l, &same);
            crate::errln!("lipa push: {}", said(out.lang));
            let provider = args.provider;
            let mut outcome = Outcome::problem("duplicate", provider.id(), said, out.lang);
            (outcome.phone, outcome.amount, outcome.currency) = typed;
            outcome.duplicate_of = Some(same.reference.to_string());
            out.line(&outcome.line(args.json));
            return exit::INVALID;
        }
        // A phone with a prompt waiting (a provider whose phones take one at a time).
        Err(EngineError::NotAllowed(why)) => {
            let said = |l| why.text(l);
            crate::errln!("lipa push: {}", said(out.lang));
            let mut outcome = Outcome::problem("busy", args.provider.id(), said, out.lang);
            (outcome.phone, outcome.amount, outcome.currency) = typed;
            if let crate::engine::NotAllowed::PromptOpen { reference } = &why {
                outcome.busy_with = Some(reference.clone());
            }
            out.line(&outcome.line(args.json));
            return exit::INVALID;
        }
        // Nothing was sent: the engine fails only before the request leaves.
        Err(e) => {
            nothing_sent(args, out, "error", |l| e.text(l));
            return exit::CONFIG;
        }
    };
    let mut payment = submitted.payment;
    if let Some(why) = &submitted.unjournalled {
        // The request left but its answer is not in the journal: the only honest word is
        // unknown, and `lipa sync` resolves it from the journal's *sending* row.
        let own = s::answer_not_journalled(out.lang, &why.text(out.lang));
        crate::errln!("lipa push: {own}");
        let mut outcome = Outcome::of(&payment, out.lang);
        outcome.status = Status::Unknown.public_word().into();
        outcome.message = s::answer_not_journalled(Lang::En, &why.text(Lang::En));
        outcome.own = Some(own);
        out.line(&outcome.line(args.json));
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
    // What the provider said last, when the journal could not record it.
    let mut unrecorded: Option<NotRecorded> = None;
    // A payment that already needs a person (a lost answer that cannot be asked about) is not
    // waited on: nothing will come — unless it carried its own callback address, whose
    // callback names it and lets it be asked.
    let awaits_callback = matches!(payment.message, crate::msg::Msg::CannotLookUpYet { .. });
    let open =
        !payment.status.is_final() && (payment.status != Status::Attention || awaits_callback);
    if !refused && args.wait > 0 && open {
        // Woken by a callback another process (`lipa serve`) receives, through the journal or
        // the ledger, as the console is.
        engine.follow_ledger();
        if !args.json {
            out.line(&s::waiting(out.lang, &payment, args.wait));
        }
        // A stop signal ends the wait, not the report: the payment is in the journal either
        // way, and the script still gets its last line and exit code.
        let mut stopped = false;
        tokio::select! {
            waited = async {
                let wait = Duration::from_secs(args.wait);
                match awaits_callback {
                    true => engine.wait_final(payment.id, wait).await,
                    false => engine.wait_settled(payment.id, wait).await,
                }
            } => {
                match waited {
                    Ok(p) => payment = p,
                    Err(e) => crate::errln!("lipa push: {}", e.text(out.lang)),
                }
            }
            signal = crate::signals::stopped(&mut stop) => {
                tracing::info!(signal, reference = %payment.reference, "push stopped while waiting");
                stopped = true;
            }
        }
        if !stopped && !settled(payment.status) {
            // The wait ended before the payment did: ask once more, so a wait shorter than the
            // schedule's first question still asks.
            let full = || engine.journal_state().borrow().is_some();
            if !full()
                && let Ok(p) = engine.ask_now(payment.id, LAST_QUESTION).await
            {
                payment = p;
            }
            // A journal that cannot record (a full disk) keeps the tracker from asking: the
            // last question is asked past it, and what is heard said, never as final.
            if !settled(payment.status) && full() {
                match engine.ask_unrecorded(payment.id).await {
                    Ok((p, heard)) => {
                        payment = p;
                        unrecorded = heard;
                    }
                    Err(e) => crate::errln!("lipa push: {}", e.text(out.lang)),
                }
            }
        }
        if unrecorded.is_none()
            && let Ok(p) = engine.get(payment.id).await
        {
            payment = p;
        }
    }
    let mut outcome = Outcome::of(&payment, out.lang);
    if let Some(heard) = &unrecorded {
        let said = |l: Lang| not_recorded(l, heard);
        crate::errln!("lipa push: {}", said(out.lang));
        outcome.message = said(Lang::En);
        outcome.own = Some(said(out.lang));
    }
    out.line(&outcome.line(args.json));
    if refused {
        if let Some(e) = &submitted.error {
            crate::errln!("lipa push: {}", e.text(out.lang));
        }
        return exit::CONFIG;
    }
    exit_code(&payment)
}

/// What the provider said, not recorded: never said as final.
fn not_recorded(lang: Lang, heard: &NotRecorded) -> String {
    match heard.heard {
        Some(status) => {
            let said = s::status_human(lang, status.public_word());
            s::heard_not_recorded(lang, &said, &heard.why)
        }
        None => s::none_heard_not_recorded(lang, heard.answered, &heard.why),
    }
}

fn settled(status: Status) -> bool {
    status.is_final() || status == Status::Attention
}

/// What would be recorded and sent, as the till that would record it.
fn dry_run(new: &NewPayment, till: &str, lang: Lang) -> Outcome {
    Outcome {
        provider: new.provider.id().into(),
        reference: new.reference.to_string(),
        phone: new.phone.normalized().into(),
        amount: new.amount.exact_decimal(),
        currency: new.amount.currency().code().into(),
        status: "dry-run".into(),
        message: s::dry_run_message(
            Lang::En,
            new.phone.network().label(),
            new.channel.as_deref(),
        ),
        checked: false,
        operator: new.operator.clone(),
        till: till.to_string(),
        duplicate_of: None,
        busy_with: None,
        own: Some(s::dry_run_message(
            lang,
            new.phone.network().label(),
            new.channel.as_deref(),
        )),
        lang,
    }
}
