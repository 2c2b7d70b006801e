//! Every sentence a person reads, in one place, in every language lipa speaks: Swahili and
//! English. A typed catalogue: each label and each sentence is one function with both
//! languages side by side (a missing translation does not compile), and every one is listed,
//! with a sample, in [`catalogue`] for the test that walks them all. What lipa says about a
//! payment is data ([`Msg`], stored in the journal) and put into words when read.
//!
//! The language is a value each console or command holds ([`Lang`]), never process-wide: one
//! server runs many consoles, each in its operator's language. JSON stays English.

pub mod back_office;
pub mod backup;
pub mod cli;
pub mod console;
pub mod doctor;
pub mod domain;
pub mod engine;
pub mod help;
mod msg;
mod msg_en;
mod msg_sw;
pub mod samples;
pub mod serve;
pub mod sim;

pub use crate::lang::{Entry, Lang};
pub use crate::msg::{Msg, samples as msg_samples, variant as msg_variant};
pub use msg_en::span;

/// An exact span of time in the language: `3 min 10 s`, `dakika 3 sekunde 10`.
pub fn span_in(lang: Lang, secs: u64) -> String {
    match lang {
        Lang::En => msg_en::span(secs),
        Lang::Sw => msg_sw::span(secs),
    }
}

/// Every label and sentence lipa has, each in both languages (for the catalogue test).
pub fn catalogue() -> Vec<Entry> {
    let mut all = Vec::new();
    all.extend(console::labels());
    all.extend(console::sentences());
    all.extend(cli::sentences());
    all.extend(domain::sentences());
    all.extend(engine::sentences());
    all.extend(serve::sentences());
    all.extend(back_office::labels());
    all.extend(back_office::sentences());
    all.extend(backup::sentences());
    all.extend(doctor::sentences());
    all.extend(help::labels());
    all.extend(help::texts());
    all.extend(domain::labels());
    for kind in crate::provider_kind::ProviderKind::ALL {
        all.extend((kind.spec().words)());
    }
    all.extend(crate::msg::samples().into_iter().map(|m| Entry {
        name: crate::msg::variant(&m),
        en: m.text(Lang::En),
        sw: m.text(Lang::Sw),
        slot: None,
    }));
    all
}
