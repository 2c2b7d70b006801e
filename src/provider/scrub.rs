//! The last line of defence for secrets: every word a provider sends back, in answers and in
//! errors alike, passes through [`Scrubbed`] before the engine (and so the journal, the screen
//! and the logs) sees it. Each client already redacts its error bodies; this also covers the
//! provider's text in *successful* answers (a status message, a customer name), which could
//! echo anything.

use super::{
    Channel, Charged, Listed, Lookup, Preview, Provider, ProviderError, ProviderKind, PushAccepted,
    PushRequest,
};
use crate::secret::Secret;
use async_trait::async_trait;
use std::sync::Arc;

/// Shortest value worth redacting (shorter ones would blank ordinary words).
const MIN_SECRET_LEN: usize = 4;
/// Shortest piece of a secret blanked on its own: a provider that cuts its words short may
/// echo a key cut short ("invalid key sk_live_7c1f9a0b…"). Long enough that a word a key
/// shares with the provider's words ("checksum" in `demo-checksum-key`) stays.
const MIN_FRAGMENT: usize = 12;

/// A provider whose every answer is scrubbed of `secrets`.
pub struct Scrubbed {
    inner: Arc<dyn Provider>,
    secrets: Vec<Secret>,
}

impl Scrubbed {
    pub fn new(inner: Arc<dyn Provider>, secrets: Vec<Secret>) -> Scrubbed {
        let secrets = secrets
            .into_iter()
            .filter(|s| s.expose().len() >= MIN_SECRET_LEN)
            .collect();
        Scrubbed { inner, secrets }
    }

    fn clean_msg(&self, msg: &mut crate::msg::Msg) {
        for text in msg.texts_mut() {
            self.clean(text);
        }
    }

    /// Printable characters only (a provider's words reach terminals: an escape sequence in
    /// them must not clear a screen or retitle a window), and no secret.
    fn clean(&self, text: &mut String) {
        if text.chars().any(|c| c.is_control()) {
            *text = crate::text::printable(text);
        }
        let chars: Vec<char> = text.chars().collect();
        let mut secret_at = vec![false; chars.len()];
        for secret in &self.secrets {
            let secret: Vec<char> = secret.expose().chars().collect();
            // The whole secret; and any piece of it at least MIN_FRAGMENT long.
            let shortest = secret.len().min(MIN_FRAGMENT);
            for start in 0..chars.len() {
                let longest = (0..secret.len())
                    .map(|from| {
                        chars[start..]
                            .iter()
                            .zip(&secret[from..])
                            .take_while(|(a, b)| a == b)
                            .count()
                    })
                    .max()
                    .unwrap_or(0);
                if longest >= shortest {
                    secret_at[start..start + longest].fill(true);
                }
            }
        }
        if !secret_at.contains(&true) {
            return;
        }
        let mut clean = String::with_capacity(text.len());
        for (i, c) in chars.iter().enumerate() {
            match (secret_at[i], i > 0 && secret_at[i - 1]) {
                (false, _) => clean.push(*c),
                (true, false) => clean.push_str("***"),
                (true, true) => {}
            }
        }
        *text = clean;
    }

    fn error(&self, mut e: ProviderError) -> ProviderError {
        self.clean_msg(e.message_mut());
        e
    }

    /// A provider's list, its words and references cleaned.
    fn listed(
        &self,
        list: Result<Option<Vec<Listed>>, ProviderError>,
    ) -> Result<Option<Vec<Listed>>, ProviderError> {
        let mut list = list.map_err(|e| self.error(e))?;
        for r in list.iter_mut().flatten() {
            self.clean(&mut r.reference);
            self.clean(&mut r.word);
        }
        Ok(list)
    }
}

#[async_trait]
impl Provider for Scrubbed {
    fn kind(&self) -> ProviderKind {
        self.inner.kind()
    }

    async fn prepare(&self, request: &PushRequest) -> Result<Option<String>, ProviderError> {
        let mut id = self
            .inner
            .prepare(request)
            .await
            .map_err(|e| self.error(e))?;
        if let Some(id) = &mut id {
            self.clean(id);
        }
        Ok(id)
    }

    async fn initiate(&self, request: &PushRequest) -> Result<PushAccepted, ProviderError> {
        let mut accepted = self
            .inner
            .initiate(request)
            .await
            .map_err(|e| self.error(e))?;
        self.clean_msg(&mut accepted.message);
        if let Some(id) = &mut accepted.provider_id {
            self.clean(id);
        }
        Ok(accepted)
    }

    async fn query(&self, charged: &Charged) -> Result<Lookup, ProviderError> {
        let mut lookup = self.inner.query(charged).await.map_err(|e| self.error(e))?;
        if let Lookup::Found(status) = &mut lookup {
            self.clean(&mut status.word);
            self.clean_msg(&mut status.message);
            if let Some(id) = status.provider_id.as_mut() {
                self.clean(id);
            }
            if let Some(wallet) = status.channel.as_mut() {
                self.clean(wallet);
            }
        }
        Ok(lookup)
    }

    async fn credentials(&self, probe: &Charged) -> Result<(), ProviderError> {
        self.inner
            .credentials(probe)
            .await
            .map_err(|e| self.error(e))
    }

    async fn preview(&self, request: &PushRequest) -> Result<Option<Preview>, ProviderError> {
        let mut preview = self
            .inner
            .preview(request)
            .await
            .map_err(|e| self.error(e))?;
        if let Some(p) = &mut preview {
            if let Some(name) = &mut p.account_name {
                self.clean(name);
            }
            for m in &mut p.methods {
                self.clean(&mut m.name);
                self.clean(&mut m.message);
            }
        }
        Ok(preview)
    }

    async fn hook_keys(&self, fresh: bool) -> Vec<super::http_signature::PublicKey> {
        // A provider's public keys are public: nothing to scrub.
        self.inner.hook_keys(fresh).await
    }

    async fn channels(&self) -> Result<Vec<Channel>, ProviderError> {
        let mut channels = self.inner.channels().await.map_err(|e| self.error(e))?;
        for c in &mut channels {
            self.clean(&mut c.code);
            self.clean(&mut c.name);
        }
        Ok(channels)
    }

    async fn day_list(
        &self,
        from: chrono::NaiveDate,
        until: chrono::NaiveDate,
    ) -> Result<Option<Vec<Listed>>, ProviderError> {
        let list = self.inner.day_list(from, until).await;
        self.listed(list)
    }

    async fn recent_changes(
        &self,
        skip: u32,
        limit: u32,
    ) -> Result<Option<Vec<Listed>>, ProviderError> {
        let list = self.inner.recent_changes(skip, limit).await;
        self.listed(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Currency, Money};
    use crate::msg::Msg;
    use crate::phone::{Country, Phone};
    use crate::provider::{Listed, RemoteState};
    use crate::reference::Reference;

    const KEY: &str = "sk_live_0123456789";

    /// A provider that echoes its secret everywhere it can.
    struct Echo;

    #[async_trait]
    impl Provider for Echo {
        fn kind(&self) -> ProviderKind {
            ProviderKind::ALL[1]
        }
        async fn initiate(&self, _: &PushRequest) -> Result<PushAccepted, ProviderError> {
            Ok(PushAccepted {
                provider_id: Some(format!("id-{KEY}")),
                message: Msg::said(&format!("sent with {KEY}")),
                state: RemoteState::Pending,
            })
        }
        async fn query(&self, _: &Charged) -> Result<Lookup, ProviderError> {
            Err(ProviderError::RetryLater {
                message: Msg::said(&format!("bad key {KEY}")),
                retry_after: None,
            })
        }
        async fn prepare(&self, _: &PushRequest) -> Result<Option<String>, ProviderError> {
            // Words that would clear the screen and retitle the window of whoever reads them.
            Err(ProviderError::Rejected {
                status: Some(400),
                message: Msg::said(&format!(
                    "\u{1b}[2J\u{1b}]0;pwned\u{7}bad secret {KEY} here"
                )),
            })
        }
        async fn preview(&self, _: &PushRequest) -> Result<Option<Preview>, ProviderError> {
            // The provider cuts its words short: the key, cut, at the end.
            Err(ProviderError::Rejected {
                status: Some(401),
                message: Msg::said(&format!("invalid api-key {}…", &KEY[..13])),
            })
        }
        async fn channels(&self) -> Result<Vec<Channel>, ProviderError> {
            Ok(vec![Channel {
                code: "63902".into(),
                name: format!("M-PESA {KEY}"),
            }])
        }
        async fn day_list(
            &self,
            _: chrono::NaiveDate,
            _: chrono::NaiveDate,
        ) -> Result<Option<Vec<Listed>>, ProviderError> {
            Ok(Some(vec![Listed {
                reference: format!("LP{KEY}"),
                word: format!("SUCCESS {KEY}"),
                state: RemoteState::Paid,
                amount: None,
                created_at: None,
                updated_at: None,
            }]))
        }
        async fn recent_changes(
            &self,
            _: u32,
            _: u32,
        ) -> Result<Option<Vec<Listed>>, ProviderError> {
            let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("day");
            self.day_list(day, day).await
        }
    }

    #[tokio::test]
    async fn answers_and_errors_lose_the_secret() {
        let p = Scrubbed::new(Arc::new(Echo), vec![Secret::new(KEY), Secret::new("M-")]);
        let amount = Money::parse("100", Currency::Kes).expect("amount");
        let request = PushRequest {
            reference: Reference::generate(ProviderKind::ALL[1], 1_790_000_000),
            phone: Phone::parse("0712345678", Country::Kenya).expect("phone"),
            amount,
            channel: None,
            email: None,
            name: None,
            prepared: None,
            callback: None,
        };
        let refused = p.prepare(&request).await.expect_err("refused");
        let words = refused.to_string();
        assert!(!words.chars().any(|c| c.is_control()), "{words:?}");
        assert!(words.contains("bad secret *** here"), "{words:?}");
        let accepted = p.initiate(&request).await.expect("accepted");
        assert_eq!(accepted.message, Msg::said("sent with ***"));
        assert_eq!(accepted.provider_id.as_deref(), Some("id-***"));
        let charged = Charged {
            reference: request.reference.clone(),
            amount,
            phone: "254712345678".into(),
            provider_id: None,
            sent_at: None,
        };
        let error = p.query(&charged).await.expect_err("error");
        assert_eq!(error.to_string(), "bad key ***.");
        let channels = p.channels().await.expect("channels");
        // "M-" is too short to be a secret worth blanking: ordinary words stay.
        assert_eq!(channels[0].name, "M-PESA ***");
        // A key cut short is blanked too; ordinary words that share a few letters stay.
        let error = p.preview(&request).await.expect_err("refused");
        assert_eq!(error.to_string(), "invalid api-key ***…");
        let demo = Scrubbed::new(Arc::new(Echo), vec![Secret::new("demo-checksum-key")]);
        let mut words = "Invalid checksum: demo-checksum-k".to_string();
        demo.clean(&mut words);
        assert_eq!(words, "Invalid checksum: ***");
        // The day's list (reconcile's) passes the same guard.
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("day");
        let list = p.day_list(day, day).await.expect("list").expect("offered");
        assert_eq!(list[0].word, "SUCCESS ***");
        assert_eq!(list[0].reference, "LP***");
        // And the list of recent changes (the engine's hint).
        let list = p
            .recent_changes(0, 10)
            .await
            .expect("list")
            .expect("offered");
        assert_eq!(list[0].word, "SUCCESS ***");
        assert_eq!(list[0].reference, "LP***");
    }

    /// A provider without a day's list says so: reconcile then asks each payment by its
    /// reference.
    #[tokio::test]
    async fn a_day_list_is_not_offered_unless_the_provider_has_one() {
        struct Plain;
        #[async_trait]
        impl Provider for Plain {
            fn kind(&self) -> ProviderKind {
                ProviderKind::ALL[1]
            }
            async fn initiate(&self, _: &PushRequest) -> Result<PushAccepted, ProviderError> {
                Err(ProviderError::Configuration {
                    message: Msg::TokenMissing {
                        provider: ProviderKind::ALL[1],
                    },
                })
            }
            async fn query(&self, _: &Charged) -> Result<Lookup, ProviderError> {
                Ok(Lookup::NotFound)
            }
        }
        let p = Scrubbed::new(Arc::new(Plain), vec![Secret::new(KEY)]);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("day");
        assert_eq!(p.day_list(day, day).await.expect("answer"), None);
    }
}
