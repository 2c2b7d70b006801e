//! `lipa operators check [FILE]`: validates the operators file of `lipa serve` and prints who
//! can log in — names, roles, languages, limits; never a key.

use crate::cli::exit;
use crate::lang::Lang;
use crate::operators::{self, Operator};
use crate::strings::cli as s;
use std::path::PathBuf;

/// Checks the file; 0 when every line is good, 2 with the first bad line said on stderr.
pub fn check(file: Option<PathBuf>, lang: Lang) -> u8 {
    let Some(path) = file.or_else(operators::default_path) else {
        crate::errln!("lipa operators: {}", s::config_no_data_dir(lang));
        return exit::CONFIG;
    };
    match operators::load(&path) {
        Ok(all) => {
            crate::outln!("{}", s::operators_who(lang, all.len(), &path));
            for o in &all {
                crate::outln!("{}", row(o, lang));
            }
            exit::PAID
        }
        Err(e) => {
            crate::errln!("lipa operators: {}", e.text(lang));
            exit::INVALID
        }
    }
}

/// `rehema  agent  sw  <provider>  at most 500000 per payment  (line 3)`
fn row(o: &Operator, lang: Lang) -> String {
    let providers = match &o.providers {
        Some(list) => list.iter().map(|p| p.id()).collect::<Vec<_>>().join(","),
        None => s::operators_all_providers(lang),
    };
    let limit = if o.max_amount.is_none() {
        s::operators_no_limit(lang).to_string()
    } else if o.max_amount.any.is_none() {
        // A limit in one currency only: say plainly that the others have none.
        s::operators_max_only(lang, &o.max_amount.describe())
    } else {
        s::operators_max(lang, &o.max_amount.describe())
    };
    format!(
        "{:<16} {:<10} {:<3} {:<20} {}  ({})",
        o.name,
        o.role.id(),
        o.lang.map_or("-", Lang::code),
        providers,
        limit,
        o.line
    )
}
