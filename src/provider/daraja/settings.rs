//! What lipa needs to know of a Daraja app and the merchant's M-Pesa number.

use crate::provider::spec::Settings;
use crate::secret::Secret;

/// Daraja settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DarajaSettings {
    /// `https://api.safaricom.co.ke`, or the sandbox's (no trailing slash).
    pub base_url: String,
    pub consumer_key: Secret,
    pub consumer_secret: Secret,
    pub passkey: Secret,
    /// The paybill, or for a till the store (head office) number used at Go Live.
    pub shortcode: String,
    /// A Buy Goods till: then the push goes to it as `CustomerBuyGoodsOnline`.
    pub till: Option<String>,
    /// Where Safaricom calls back (required on every push, https).
    pub callback_url: String,
    /// `TransactionDesc`, at most 13 characters.
    pub description: Option<String>,
}

impl DarajaSettings {
    /// From settings the configuration checked against the row's keys.
    pub fn from_settings(s: &Settings) -> DarajaSettings {
        let text = |k| s.text(k).map(str::trim).filter(|t| !t.is_empty());
        DarajaSettings {
            base_url: s.base_url.clone(),
            consumer_key: s.secret("consumer_key").cloned().unwrap_or_default(),
            consumer_secret: s.secret("consumer_secret").cloned().unwrap_or_default(),
            passkey: s.secret("passkey").cloned().unwrap_or_default(),
            shortcode: text("shortcode").unwrap_or_default().to_string(),
            till: text("till").map(str::to_string),
            callback_url: text("callback_url").unwrap_or_default().to_string(),
            description: text("description").map(str::to_string),
        }
    }

    /// The party that receives the money, and the transaction type that names it.
    pub fn party_b(&self) -> (&str, &'static str) {
        match &self.till {
            Some(till) => (till, "CustomerBuyGoodsOnline"),
            None => (&self.shortcode, "CustomerPayBillOnline"),
        }
    }
}

/// The settings as the configuration holds them (a test or a tool that builds them by hand).
impl From<DarajaSettings> for Settings {
    fn from(c: DarajaSettings) -> Settings {
        let mut values = vec![
            ("consumer_key", c.consumer_key.expose()),
            ("consumer_secret", c.consumer_secret.expose()),
            ("passkey", c.passkey.expose()),
            ("shortcode", c.shortcode.as_str()),
            ("callback_url", c.callback_url.as_str()),
        ];
        if let Some(t) = &c.till {
            values.push(("till", t.as_str()));
        }
        if let Some(d) = &c.description {
            values.push(("description", d.as_str()));
        }
        super::SPEC.settings(c.base_url.clone(), &values)
    }
}
