//! Wiring shared by every face: providers from configuration, the journal, the engine.

use crate::config::Config;
use crate::engine::{Engine, EngineSettings};
use crate::journal::{Journal, JournalError};
use crate::provider::scrub::Scrubbed;
use crate::provider::spec::Context;
use crate::provider::{Provider, ProviderKind};
use std::sync::Arc;

/// The configured providers' clients, sharing one HTTP client, each behind [`Scrubbed`] so no
/// answer can carry one of its secrets into the engine.
pub fn providers(config: &Config) -> Vec<Arc<dyn Provider>> {
    providers_sharing(config, None)
}

/// The configured providers' clients, sharing tokens through `tokens` (a chain's ledger) when
/// given, else through the data directory.
pub fn providers_sharing(
    config: &Config,
    tokens: Option<Arc<dyn crate::provider::shelf::TokenShelf>>,
) -> Vec<Arc<dyn Provider>> {
    let context = Context {
        http: crate::provider::http::client(),
        data_dir: config.data_dir.clone(),
        tokens,
        shop: config.receipt.shop.clone(),
    };
    config
        .providers
        .iter()
        .map(|(kind, settings)| {
            let client = (kind.spec().build)(settings, &context);
            Arc::new(Scrubbed::new(client, settings.secrets())) as Arc<dyn Provider>
        })
        .collect()
}

/// Whether `kind` is configured.
pub fn has(config: &Config, kind: ProviderKind) -> bool {
    config.providers.contains_key(&kind)
}

/// Opens the journal in the data directory and builds the engine over the configured providers.
pub fn engine(config: &Config, settings: EngineSettings) -> Result<Engine, JournalError> {
    let journal = Arc::new(journal(config)?);
    let providers = providers_sharing(config, journal.token_shelf());
    Ok(Engine::new(journal, providers, settings))
}

/// The journal this till records into: the chain's shared ledger when `database_url` is set,
/// else the embedded one in the data directory; payments are recorded as this till's.
pub fn journal(config: &Config) -> Result<Journal, JournalError> {
    let url = config.database_url.as_ref().map(|u| u.expose());
    let journal = Journal::open_for(&config.data_dir, url)?;
    journal.set_till(&config.till());
    Ok(journal)
}

/// The journal for a face that only reads (`history`, `report`, `export`): as [`journal`], and
/// when the embedded journal cannot be opened to be written (a read-only data directory: a
/// backup, a mounted snapshot), opened to be read only, writing nothing. A journal that would
/// need a migration it cannot take there says so; any other failure is the first one's.
pub fn journal_to_read(config: &Config) -> Result<Journal, JournalError> {
    let first = match journal(config) {
        Ok(j) => return Ok(j),
        Err(e) => e,
    };
    let embedded = config.database_url.is_none();
    if !embedded || !matches!(first, JournalError::Open { .. } | JournalError::Sqlite(_)) {
        return Err(first);
    }
    let path = config.data_dir.join(crate::journal::FILE_NAME);
    match Journal::open_read_only(&path) {
        Ok(j) => {
            tracing::info!(path = %path.display(), error = %first, "the journal cannot be written here: opened to read only");
            j.set_till(&config.till());
            Ok(j)
        }
        Err(e @ (JournalError::NeedsMigration { .. } | JournalError::TooNew(_))) => Err(e),
        Err(_) => Err(first),
    }
}

/// What a person should know before lipa starts: a data directory that other users of this
/// machine can read (it holds customers' numbers).
pub fn warnings(config: &Config, lang: crate::lang::Lang) -> Vec<String> {
    let mut v = Vec::new();
    if crate::data_dir::is_open_to_others(&config.data_dir) {
        v.push(crate::strings::cli::data_dir_open(lang, &config.data_dir));
    }
    v
}
