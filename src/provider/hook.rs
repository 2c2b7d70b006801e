//! A provider's callback, as its folder reads it (`Spec::hook`): what payment it names, how
//! it was verified, and what it says of the money (to check against the payment). Reading a
//! callback never moves a payment: the engine asks the provider, and that answer does.

use crate::money::Money;
use reqwest::header::HeaderMap;

/// A callback as it came.
#[derive(Debug, Clone, Copy)]
pub struct HookRequest<'a> {
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// Where it was sent, as it reached lipa: the `Host` it named, its path and query.
    pub authority: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// The provider's public keys, when it signs with one and this callback is signed.
    pub keys: &'a [super::http_signature::PublicKey],
    /// Now, in Unix seconds (a signature's time is checked against it).
    pub now: i64,
}

impl HookRequest<'_> {
    /// As a signed HTTP message (RFC 9421): a callback is a `POST`.
    pub fn message(&self) -> super::http_signature::Message<'_> {
        super::http_signature::Message {
            method: "POST",
            authority: self.authority,
            path: self.path,
            query: self.query,
            headers: self.headers,
            body: self.body,
        }
    }
}

/// How a payment is named by a callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// By lipa's reference.
    Reference(String),
    /// By the provider's own id of it, or the id lipa made for it (a deposit id):
    /// the payment's `provider_id`.
    ProviderId(String),
}

impl Named {
    /// For the journal and a person: `reference LP…`, `id ws_CO_…`.
    pub fn describe(&self) -> String {
        match self {
            Named::Reference(r) => format!("reference {r}"),
            Named::ProviderId(id) => format!("id {id}"),
        }
    }
}

/// How a callback was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HookCheck {
    /// Its signature (or the provider's shared token) is right.
    Signed,
    /// Nothing in it can be verified (an unsigned provider's, or one whose signing is off).
    Unsigned,
    /// Its signature is wrong (why): kept, never trusted even as a hint.
    Refused(String),
}

impl HookCheck {
    /// As kept: `signed`, `unsigned`, `refused`.
    pub fn id(&self) -> &'static str {
        match self {
            HookCheck::Signed => "signed",
            HookCheck::Unsigned => "unsigned",
            HookCheck::Refused(_) => "refused",
        }
    }
}

/// What a provider's reader made of a callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookRead {
    /// The payment it names, when it names one lipa can look up.
    pub named: Option<Named>,
    pub checked: HookCheck,
    /// The amount it says was paid, when it says one.
    pub amount: Option<Money>,
    /// The paying phone it names (`255…`/`254…`), when it names one.
    pub phone: Option<String>,
}

impl HookRead {
    /// A body that is not the provider's callback at all.
    pub fn unreadable() -> HookRead {
        HookRead {
            named: None,
            checked: HookCheck::Unsigned,
            amount: None,
            phone: None,
        }
    }
}

/// A provider's callback reader: the request, and the provider's settings (for its keys).
pub type HookReader = fn(&HookRequest<'_>, &super::settings::Settings) -> HookRead;

/// The first string value under `key`, at any depth of a JSON document.
pub fn find_text<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    match value {
        serde_json::Value::Object(map) => map
            .get(key)
            .and_then(serde_json::Value::as_str)
            .or_else(|| map.values().find_map(|v| find_text(v, key))),
        serde_json::Value::Array(items) => items.iter().find_map(|v| find_text(v, key)),
        _ => None,
    }
}
