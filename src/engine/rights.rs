//! What an operator may send, asked by the engine at the moment it records a payment: every
//! path that sends (the form, sending a failed payment again, the duplicate question's yes,
//! `lipa push`, any later one) goes through [`super::Engine::submit`], which takes where the
//! rights come from, not what they were when a screen opened.

use crate::money::{Ceiling, Money};
use crate::provider_kind::ProviderKind;
use std::sync::Arc;

/// An operator's rights as they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rights {
    /// Nothing may be sent (the operator's key is no longer listed, or now names someone
    /// else).
    Revoked,
    Granted {
        /// Providers this operator may push to (`None`: all).
        providers: Option<Vec<ProviderKind>>,
        /// Largest amount per payment.
        max_amount: Ceiling,
    },
}

/// Why a payment may not be sent by this operator now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAllowed {
    Revoked,
    Provider(ProviderKind),
    OverLimit {
        amount: Money,
        max: Money,
    },
    /// The phone has a prompt waiting (a provider whose phones take one at a time).
    PromptOpen {
        reference: String,
    },
}

impl Rights {
    /// Everything (a till's own cashier, `lipa push`, the demo).
    pub fn all() -> Rights {
        Rights::Granted {
            providers: None,
            max_amount: Ceiling::default(),
        }
    }

    /// Whether a payment of `amount` to `provider` may be sent.
    pub fn check(&self, provider: ProviderKind, amount: Money) -> Result<(), NotAllowed> {
        let (providers, max_amount) = match self {
            Rights::Revoked => return Err(NotAllowed::Revoked),
            Rights::Granted {
                providers,
                max_amount,
            } => (providers, max_amount),
        };
        if providers.as_ref().is_some_and(|l| !l.contains(&provider)) {
            return Err(NotAllowed::Provider(provider));
        }
        match max_amount.for_currency(amount.currency()) {
            Some(max) if amount.minor() > max.minor() => Err(NotAllowed::OverLimit { amount, max }),
            _ => Ok(()),
        }
    }
}

impl NotAllowed {
    /// What a person reads: nothing was sent, and why.
    pub fn text(&self, lang: crate::lang::Lang) -> String {
        use crate::strings::engine as s;
        match self {
            NotAllowed::Revoked => s::not_allowed_any(lang),
            NotAllowed::Provider(p) => s::not_allowed_provider(lang, p),
            NotAllowed::OverLimit { amount, max } => {
                s::not_allowed_amount(lang, &amount.to_string(), &max.to_string())
            }
            NotAllowed::PromptOpen { reference } => s::prompt_open(lang, reference),
        }
    }
}

/// Where an operator's rights come from, read again at every send.
pub trait RightsNow: Send + Sync {
    fn rights(&self) -> Rights;
}

/// Rights that do not change (a till, `lipa push`, a test).
impl RightsNow for Rights {
    fn rights(&self) -> Rights {
        self.clone()
    }
}

/// A shared [`RightsNow`] for a console session (by default: everything).
#[derive(Clone)]
pub struct RightsSource(pub Arc<dyn RightsNow>);

impl RightsSource {
    pub fn new(source: impl RightsNow + 'static) -> RightsSource {
        RightsSource(Arc::new(source))
    }
}

impl Default for RightsSource {
    fn default() -> RightsSource {
        RightsSource::new(Rights::all())
    }
}

impl std::fmt::Debug for RightsSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RightsSource({:?})", self.0.rights())
    }
}

impl RightsNow for RightsSource {
    fn rights(&self) -> Rights {
        self.0.rights()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    #[test]
    fn rights_refuse_another_provider_an_amount_over_the_limit_and_everything_when_revoked() {
        let tzs = |n: i64| Money::from_minor(n, Currency::Tzs);
        let agent = Rights::Granted {
            providers: Some(vec![ProviderKind::ALL[0]]),
            max_amount: Ceiling::parse("1,000").expect("ceiling"),
        };
        assert_eq!(agent.check(ProviderKind::ALL[0], tzs(1_000)), Ok(()));
        assert_eq!(
            agent.check(ProviderKind::ALL[0], tzs(400_000)),
            Err(NotAllowed::OverLimit {
                amount: tzs(400_000),
                max: tzs(1_000)
            })
        );
        assert_eq!(
            agent.check(ProviderKind::ALL[1], Money::from_minor(100, Currency::Kes)),
            Err(NotAllowed::Provider(ProviderKind::ALL[1]))
        );
        assert_eq!(
            Rights::Revoked.check(ProviderKind::ALL[0], tzs(1)),
            Err(NotAllowed::Revoked)
        );
        assert_eq!(
            Rights::all().check(ProviderKind::ALL[1], tzs(i64::MAX)),
            Ok(())
        );
    }
}
