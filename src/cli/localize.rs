//! The command line in the reader's language: clap's derived (English) texts replaced by the
//! catalogue's Kiswahili, its headings and flags too, and its errors put in our words.

use super::Cli;
use crate::lang::Lang;
use crate::strings::help as h;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches};

/// The `lipa` command, its help in `lang`.
pub fn command(lang: Lang) -> clap::Command {
    localize(Cli::command(), "", lang, true)
}

fn localize(mut cmd: clap::Command, place: &str, lang: Lang, root: bool) -> clap::Command {
    if lang == Lang::En {
        return filled(cmd);
    }
    if let Some(t) = h::text(place, lang) {
        cmd = cmd.about(t);
    }
    if let Some(t) = h::text(&format!("{place}+"), lang) {
        cmd = cmd.long_about(t);
    }
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in ids {
        let text = h::text(&format!("{place}.{id}"), lang);
        let heading = if positional {
            h::arguments_heading(lang)
        } else {
            h::options_heading(lang)
        };
        cmd = cmd.mut_arg(id, |a| {
            // clap's "[default: …]" and "[possible values: …]" are English: said in ours.
            let mut extra = Vec::new();
            let values: Vec<String> = a
                .get_possible_values()
                .iter()
                .map(|v| v.get_name().to_string())
                .collect();
            if !values.is_empty() {
                extra.push(format!("{}: {}", h::values_word(lang), values.join(", ")));
            }
            let defaults: Vec<String> = a
                .get_default_values()
                .iter()
                .map(|v| v.to_string_lossy().to_string())
                .collect();
            if !defaults.is_empty() {
                extra.push(format!(
                    "{}: {}",
                    h::default_word(lang),
                    defaults.join(", ")
                ));
            }
            let a = if a.get_action().takes_values() {
                a.help_heading(heading)
                    .hide_possible_values(true)
                    .hide_default_value(true)
            } else {
                extra.clear();
                a.help_heading(heading)
            };
            match text {
                Some(t) if extra.is_empty() => a.help(t.clone()).long_help(t),
                Some(t) => {
                    let t = format!("{t} [{}]", extra.join("; "));
                    a.help(t.clone()).long_help(t)
                }
                None => a,
            }
        });
    }
    cmd = cmd
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            h::usage_heading(lang)
        ))
        .subcommand_help_heading(h::commands_heading(lang))
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(h::help_flag(lang))
                .help_heading(h::options_heading(lang)),
        );
    if root {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(h::version_flag(lang))
                .help_heading(h::options_heading(lang)),
        );
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        let inner = match place {
            "" => name.clone(),
            outer => format!("{outer} {name}"),
        };
        cmd = cmd.mut_subcommand(&name, |c| localize(c, &inner, lang, false));
    }
    cmd
}

/// The English texts clap derived from the doc comments, with the providers they speak of
/// filled in from the registry (`{providers}`…, see [`h::fill`]).
fn filled(mut cmd: clap::Command) -> clap::Command {
    let fill = |t: Option<&clap::builder::StyledStr>| {
        t.map(|t| t.to_string())
            .filter(|t| t.contains('{'))
            .map(|t| h::fill(&t, Lang::En))
    };
    if let Some(t) = fill(cmd.get_about()) {
        cmd = cmd.about(t);
    }
    if let Some(t) = fill(cmd.get_long_about()) {
        cmd = cmd.long_about(t);
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(id, |mut a| {
            if let Some(t) = fill(a.get_help()) {
                a = a.help(t);
            }
            if let Some(t) = fill(a.get_long_help()) {
                a = a.long_help(t);
            }
            a
        });
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(&name, filled);
    }
    cmd
}

/// The language asked for on the command line (`--lang sw`, `--lang=sw`), if any: read before
/// clap, so its help and errors are already in it.
fn flag(args: &[String]) -> Option<Lang> {
    value_of(args, "--lang").as_deref().and_then(Lang::parse)
}

/// Parses the command line, or prints help / version / the error in the reader's language and
/// exits (2 for a bad command line, as clap does).
pub fn parse(args: Vec<String>, env: impl Fn(&str) -> Option<String>) -> Cli {
    let configured = configured_language(value_of(&args, "--config"));
    let lang = Lang::choose(flag(&args), configured, env);
    let args = help_command(args);
    let parsed = command(lang)
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    let json = args.iter().any(|a| a == "--json");
    match parsed {
        Ok(cli) => cli,
        Err(e) if !is_mistake(e.kind()) => e.exit(),
        Err(e) => {
            if lang == Lang::En {
                let _ = e.print();
            } else {
                crate::errln!("{}", error_text(&e, lang));
            }
            if json {
                // The script still gets its last line: `invalid`, nothing sent.
                let provider = value_of(&args, "--provider").unwrap_or_default();
                let said = |l: Lang| what_is_wrong(&e, l);
                let outcome = crate::outcome::Outcome::problem("invalid", &provider, said, lang);
                crate::outln!("{}", outcome.json());
            }
            std::process::exit(2)
        }
    }
}

/// `lipa help [COMMAND]` as `lipa [COMMAND] --help` (the help subcommand is off: clap's own
/// would speak English).
fn help_command(mut args: Vec<String>) -> Vec<String> {
    let mut i = 1;
    while i < args.len() {
        match args[i].as_str() {
            "--config" | "--lang" => i += 2,
            a if a.starts_with('-') => i += 1,
            "help" => {
                args.remove(i);
                args.push("--help".into());
                break;
            }
            _ => break,
        }
    }
    args
}

/// The `language` of the configuration file (`--config`, else the default one), read before
/// clap so that `--help` already speaks it. Any problem: none (the config's own load says it).
fn configured_language(explicit: Option<String>) -> Option<Lang> {
    let path = explicit
        .map(std::path::PathBuf::from)
        .or_else(crate::config::default_path)?;
    let text = std::fs::read_to_string(path).ok()?;
    let value: toml::Value = toml::from_str(&text).ok()?;
    value.get("language")?.as_str().and_then(Lang::parse)
}

/// `--flag VALUE` or `--flag=VALUE`, as typed.
fn value_of(args: &[String], flag: &str) -> Option<String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        if a == flag {
            return it.next().cloned();
        }
        if let Some(v) = a.strip_prefix(&format!("{flag}=")) {
            return Some(v.to_string());
        }
    }
    None
}

fn is_mistake(kind: ErrorKind) -> bool {
    !matches!(
        kind,
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    )
}

/// A clap error in the catalogue's words: what is wrong, the argument or value it is about,
/// and where to look.
pub fn error_text(e: &clap::Error, lang: Lang) -> String {
    format!(
        "{}: {}\n\n{}",
        h::error_word(lang),
        what_is_wrong(e, lang),
        h::try_help(lang)
    )
}

/// What is wrong, and the argument or value it is about, on one line.
fn what_is_wrong(e: &clap::Error, lang: Lang) -> String {
    let what = match e.kind() {
        ErrorKind::UnknownArgument => h::error_unknown_argument(lang),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation | ErrorKind::InvalidUtf8 => {
            h::error_invalid_value(lang)
        }
        ErrorKind::MissingRequiredArgument => h::error_missing(lang),
        ErrorKind::NoEquals | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            h::error_no_value(lang)
        }
        ErrorKind::InvalidSubcommand | ErrorKind::MissingSubcommand => {
            h::error_unknown_command(lang)
        }
        ErrorKind::TooManyValues => h::error_too_many(lang),
        ErrorKind::ArgumentConflict => h::error_used_twice(lang),
        _ => h::error_other(lang),
    };
    let mut about: Vec<String> = Vec::new();
    for kind in [
        ContextKind::InvalidArg,
        ContextKind::InvalidSubcommand,
        ContextKind::InvalidValue,
    ] {
        match e.get(kind) {
            Some(ContextValue::String(s)) if !s.is_empty() => about.push(format!("'{s}'")),
            Some(ContextValue::Strings(v)) => about.extend(v.iter().map(|s| format!("'{s}'"))),
            _ => {}
        }
    }
    let mut about = if about.is_empty() {
        String::new()
    } else {
        format!(": {}", about.join(" "))
    };
    if let Some(ContextValue::Strings(valid)) = e.get(ContextKind::ValidValue) {
        about.push_str(&format!(
            " ({}: {})",
            h::error_valid(lang),
            valid.join(", ")
        ));
    }
    format!("{what}{about}")
}
