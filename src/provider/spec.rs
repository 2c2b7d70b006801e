//! A provider's row: everything lipa knows about one provider besides its client's code, as
//! data. Each rule is defined beside the value it governs (`money`, `phone`, `reference`,
//! `email`), so the row points down at them and nothing points back up. The registry
//! (`registry.rs`) maps each [`ProviderKind`] to its row; a provider's folder holds the row
//! (`<id>/spec.rs`) with its client, wire types, settings, words and simulator.

use super::Provider;
pub use super::settings::{Key, Settings, variable};
use crate::email::EmailRule;
use crate::money::{AmountRule, Currency};
use crate::phone::{Country, Network, PhoneRule};
use crate::provider_kind::ProviderKind;
use crate::reference::ReferenceRule;
use std::path::PathBuf;
use std::sync::Arc;

/// One provider, as data.
pub struct Spec {
    pub kind: ProviderKind,
    /// The id (`<id>`, lowercase): in the journal, `--provider`, JSON (the enum's own serde name).
    pub id: &'static str,
    /// The name people read (a brand: the same in every language).
    pub label: &'static str,
    /// The label in a list's narrow column: at most [`SHORT_MAX`] characters.
    pub short: &'static str,
    /// Its configuration: the `[section]` table and `LIPA_<SECTION>_<KEY>` variables. The
    /// provider's id, or one shared by the rows of one folder (one account serving two
    /// countries).
    pub section: &'static str,
    /// What amounts it takes, in which currency.
    pub amounts: AmountRule,
    /// What references it takes, and how lipa makes one.
    pub references: ReferenceRule,
    /// What numbers it pushes to, in which country.
    pub phones: PhoneRule,
    /// How an unknown outcome (a send whose answer was lost) is looked up.
    pub lookup: LookupBy,
    /// The wallets (channels) the cashier chooses among, where the provider does not pick one
    /// from the number itself.
    pub channels: Option<&'static ChannelTable>,
    /// Whether the customer's e-mail is asked.
    pub email: EmailRule,
    /// The request's field that carries the customer's name (`lipa push --name`), if any.
    pub customer_name: Option<&'static str>,
    /// Its requests carry the time and are refused when this machine's clock is off.
    pub clock_signed: bool,
    /// Whether its configuration turns this row on (`None`: whenever its keys are set): one
    /// configuration serving two rows may serve one of them. The key that decides it, and the
    /// test.
    pub serves: Option<Serves>,
    /// Its configuration's keys besides `base_url`.
    pub keys: &'static [Key],
    /// The keys a refused login names (the ones to check).
    pub credentials: &'static [&'static str],
    /// Where it answers, when the configuration says nothing.
    pub base_url: &'static str,
    /// Its client, from settings the configuration has checked against [`Spec::keys`].
    pub build: fn(&Settings, &Context) -> Arc<dyn Provider>,
    /// Its own sentences, in both languages (a `sentences!`/`labels!` block in its folder:
    /// a missing Swahili text does not compile), for the catalogue and its test. Words about a
    /// country, a currency or a rule belong to `strings/`, said of any provider.
    pub words: fn() -> Vec<crate::lang::Entry>,
    /// Where a person checks a payment lipa cannot ask it about (its own words, in both
    /// languages): for a row whose lookup needs its id ([`LookupBy::ProviderId`]), and for a
    /// reconciliation it offers no day's list for.
    pub by_hand: Option<fn(crate::lang::Lang) -> String>,
    /// A phone takes one prompt at a time: lipa refuses a second push to a phone with one
    /// waiting.
    pub one_prompt_per_phone: bool,
    /// Past the deadline, a payment whose last answer was ambiguous (`Msg::Ambiguous`) is
    /// asked about once more this long after it (scaled with the schedule) before a person is
    /// asked: the provider's own advice before a manual reconciliation.
    pub ask_again_after: Option<std::time::Duration>,
    /// Its simulator (the demo, `lipa simulate`, the tests).
    pub simulator: &'static dyn crate::sim::simulator::Simulator,
    /// Reads its callbacks (`lipa serve --http`, `/hooks/<id>`); `None`: it has none.
    pub hook: Option<super::hook::HookReader>,
    /// Whether each push carries its own callback address (`PushRequest::callback`, when
    /// `public_url` is set): its callback names its payment even when the push's answer was lost.
    pub hook_per_payment: bool,
}

/// The key of a configuration that turns a row on or off, and its test ([`Spec::serves`]).
pub type Serves = (&'static str, fn(&Settings) -> bool);

/// The most characters of [`Spec::short`].
pub const SHORT_MAX: usize = 9;

impl Spec {
    pub fn country(&self) -> Country {
        self.phones.country
    }

    pub fn currency(&self) -> Currency {
        self.amounts.currency
    }

    /// Settings of `values` (key, value), each kept as its key says; a name that is not one of
    /// its keys is left out.
    pub fn settings(&self, base_url: impl Into<String>, values: &[(&str, &str)]) -> Settings {
        values
            .iter()
            .fold(Settings::new(base_url), |s, (name, value)| {
                match self.key(name) {
                    Some(key) => s.with(key, *value),
                    None => s,
                }
            })
    }

    /// Where the keys a refused login names are set: `LIPA_X_A and LIPA_X_B`.
    pub fn credential_places(&self) -> String {
        let vars: Vec<String> = self
            .credentials
            .iter()
            .map(|k| super::settings::variable(self.section, k))
            .collect();
        vars.join(" / ")
    }

    /// A key of its configuration, by name.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }
}

/// Whether the provider can be asked about a payment: not one of a provider asked only by its
/// own id, which the send's answer never brought (lost, or the process stopped before
/// journalling it). A person checks such a payment; asking again changes nothing.
pub fn askable(p: &crate::payment::Payment) -> bool {
    match p.provider.spec().lookup {
        LookupBy::ProviderId | LookupBy::OurId => p.provider_id.is_some(),
        LookupBy::OurReference | LookupBy::Never => true,
    }
}

/// How a payment whose send's answer was lost is found at the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupBy {
    /// By lipa's own reference, which was journalled before the send: ask it.
    OurReference,
    /// Only by the provider's own id, which only the send's answer carries: a payment whose
    /// answer was lost cannot be asked about (a callback or a person resolves it).
    ProviderId,
    /// By an id lipa makes (a UUIDv4) and journals before the send, which the provider takes as
    /// the payment's own; a send repeated under the same id is the same payment at the
    /// provider, so one that never arrived may go again under it (pawaPay's `depositId`): the
    /// row's [`super::Provider::prepare`] makes the id, journalled with the move to *sending*.
    OurId,
    /// The provider cannot be asked at all.
    Never,
}

/// The wallets a provider offers the cashier (a code the provider takes, a name people read).
pub struct ChannelTable {
    /// In the form's cycling order.
    pub known: &'static [ChannelName],
    /// The channel to suggest for a number's network (the cashier may choose another).
    pub suggest: fn(Network) -> Option<&'static str>,
    /// Its codes are numbers: a typed code of anything else is refused as such.
    pub numeric: bool,
    /// The provider names a number's wallet itself (pawaPay's prediction): a push without a
    /// chosen channel leaves it to the provider instead of taking the prefix's.
    pub predicted: bool,
}

impl ChannelTable {
    /// The wallet's name for a channel code, if it is one of the table's.
    pub fn name_of(&self, code: &str) -> Option<&'static str> {
        self.known.iter().find(|c| c.code == code).map(|c| c.name)
    }

    /// The table's place of a code.
    pub fn position(&self, code: &str) -> Option<usize> {
        self.known.iter().position(|c| c.code == code)
    }
}

/// A channel: the code the provider takes, the wallet's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChannelName {
    pub code: &'static str,
    pub name: &'static str,
}

/// What the house gives a provider's client: one HTTP client for all (a connection pool with
/// timeouts), and the till's data directory (a token kept between processes).
#[derive(Clone)]
pub struct Context {
    pub http: reqwest::Client,
    pub data_dir: PathBuf,
    /// Where tokens are shared when the till records into a chain's shared ledger (`None`: a
    /// till of its own, whose processes share a file in `data_dir`).
    pub tokens: Option<Arc<dyn super::shelf::TokenShelf>>,
    /// The shop's name (`[receipt] shop`), for a provider that shows the customer one.
    pub shop: Option<String>,
}
