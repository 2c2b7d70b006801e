//! The catalogue: every label and sentence lipa has, in both languages. A Swahili text that is
//! empty, the same as the English, or wider than its column fails here; so does a `--help` text
//! without Swahili, or one whose English drifted from the doc comment clap derives it from.

use clap::CommandFactory;
use lipa::strings::{Lang, catalogue, help};

/// Entries whose words are the same in both languages on purpose: only names, numbers and
/// what the provider wrote.
const SAME_IN_BOTH: &[&str] = &["send_failed", "Text", "Said", "Http"];

#[test]
fn every_entry_speaks_both_languages_within_its_slot() {
    let all = catalogue();
    assert!(
        all.len() > 300,
        "only {} entries: is something missing?",
        all.len()
    );
    let mut bad = Vec::new();
    for e in all.iter().filter(|e| e.name != "Empty") {
        if e.en.trim().is_empty() {
            bad.push(format!("{}: English is empty", e.name));
        }
        if e.sw.trim().is_empty() {
            bad.push(format!("{}: Swahili is empty", e.name));
        }
        if e.sw == e.en && !SAME_IN_BOTH.contains(&e.name) {
            bad.push(format!("{}: Swahili is the English: {:?}", e.name, e.en));
        }
        if let Some(slot) = e.slot {
            for (lang, text) in [("en", &e.en), ("sw", &e.sw)] {
                let w = text.chars().count();
                if w > slot {
                    bad.push(format!(
                        "{} ({lang}): {w} cells in a slot of {slot}: {text:?}",
                        e.name
                    ));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.join("\n")
    );
    eprintln!("catalogue: {} entries in both languages", all.len());
}

#[test]
fn names_in_the_catalogue_are_unique_per_module() {
    // The same name twice means one of them is never reached by the walk.
    let all = catalogue();
    let mut seen = std::collections::HashMap::new();
    for e in &all {
        *seen.entry((e.name, e.en.clone())).or_insert(0) += 1;
    }
    let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.len() < 5, "repeated entries: {twice:?}");
}

/// Every command's about and every argument's help, as clap derives them (English).
fn derived() -> Vec<(String, String)> {
    fn walk(cmd: &clap::Command, place: &str, out: &mut Vec<(String, String)>) {
        if let Some(a) = cmd.get_about() {
            out.push((place.to_string(), a.to_string()));
        }
        if let Some(a) = cmd.get_long_about() {
            out.push((format!("{place}+"), a.to_string()));
        }
        for arg in cmd.get_arguments() {
            if let Some(h) = arg.get_help() {
                out.push((format!("{place}.{}", arg.get_id()), h.to_string()));
            }
        }
        for sub in cmd.get_subcommands() {
            let inner = match place {
                "" => sub.get_name().to_string(),
                outer => format!("{outer} {}", sub.get_name()),
            };
            walk(sub, &inner, out);
        }
    }
    let mut out = Vec::new();
    walk(&lipa::cli::Cli::command(), "", &mut out);
    out
}

#[test]
fn every_help_text_has_swahili_and_matches_its_doc_comment() {
    let mut bad = Vec::new();
    for (place, english) in derived() {
        // clap drops the full stop of a one-line doc comment.
        let flat = |t: &str| {
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            t.trim_end_matches('.').to_string()
        };
        match help::TEXTS.iter().find(|(p, _, _)| *p == place) {
            None => bad.push(format!("{place}: no entry in strings/help.rs")),
            Some((_, en, sw)) => {
                if flat(en) != flat(&english) {
                    bad.push(format!(
                        "{place}: help.rs says {en:?}, the doc comment {english:?}"
                    ));
                }
                if sw.trim().is_empty() || sw == en {
                    bad.push(format!("{place}: no Swahili"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn swahili_help_has_no_english_left() {
    let mut cmd = lipa::cli::command(Lang::Sw);
    let root = cmd.render_long_help().to_string();
    let mut pages = vec![root];
    for name in ["demo", "push", "sync", "check", "simulate"] {
        let mut sub = lipa::cli::command(Lang::Sw);
        let sc = sub.find_subcommand_mut(name).expect("subcommand");
        pages.push(sc.render_long_help().to_string());
    }
    for page in &pages {
        for english in [
            "Usage",
            "Options",
            "Commands",
            "Print help",
            "Print version",
            "Arguments",
        ] {
            assert!(!page.contains(english), "{english:?} left in:\n{page}");
        }
    }
    assert!(pages[2].contains("Namba ya simu ya mteja"), "{}", pages[2]);
}

/// The glossary's words (`shared/swahili.md`), the same everywhere (a tester found *kituo* for
/// a till, *yanakuhitaji* in the report where the console says *kagua*, and *kukaguliwa* for
/// asking the provider, which is *uliza*).
#[test]
fn swahili_follows_the_glossary() {
    let all = catalogue();
    let mut bad = Vec::new();
    for e in &all {
        let sw = e.sw.to_lowercase();
        for word in ["kituo", "vituo", "yanakuhitaji"] {
            if sw.contains(word) {
                bad.push(format!("{}: {word} in {:?}", e.name, e.sw));
            }
        }
    }
    let sw_of = |name: &str| {
        all.iter()
            .find(|e| e.name == name)
            .map(|e| e.sw.clone())
            .unwrap_or_default()
    };
    assert!(
        sw_of("preview_failed").contains("uliz"),
        "{}",
        sw_of("preview_failed")
    );
    assert_eq!(sw_of("report_attention"), "kagua");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
