//! [`Msg`] in English.
//!
//! Sentences end with a full stop; the transport details (`Timeout`, `Http`, …) are fragments
//! that read inside another sentence's parentheses.

use crate::msg::Msg;
use crate::provider_kind::ProviderKind;

/// `45 s`, `1 min 30 s`, `2 min`, `1 h 5 min`: exact, never rounded up.
pub fn span(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => match s % 60 {
            0 => format!("{} min", s / 60),
            r => format!("{} min {r} s", s / 60),
        },
        s => match (s % 3600) / 60 {
            0 => format!("{} h", s / 3600),
            m => format!("{} h {m} min", s / 3600),
        },
    }
}

/// The provider's words as a sentence.
fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() || t.ends_with(['.', '!', '?', '…']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// A provider's status word in lower case, dashes as spaces (`ON-HOLD` → `on hold`).
fn quiet(word: &str) -> String {
    word.trim().to_lowercase().replace(['-', '_'], " ")
}

/// A message as a fragment for parentheses: no final full stop.
fn fragment(m: &Msg) -> String {
    text(m).trim_end_matches('.').to_string()
}

fn p(provider: &ProviderKind) -> &'static str {
    provider.label()
}

pub fn text(m: &Msg) -> String {
    use Msg::*;
    match m {
        Empty => String::new(),
        Text { text } => text.clone(),
        Said { text } => sentence(text),

        PromptSent => "Prompt sent; waiting for the customer's PIN.".into(),
        Paid => "Paid.".into(),
        CustomerCancelled => "The customer cancelled the prompt.".into(),
        LowBalance => "The customer's balance is too low.".into(),
        WrongPin => "The customer typed a wrong PIN.".into(),
        CustomerTimedOut => "The customer did not answer; the prompt expired.".into(),
        FailedNoReason { word } => format!(
            "The payment did not go through (the provider says {}).",
            quiet(word)
        ),
        Reported { word } => format!(
            "The provider reports it {}: check this payment in the provider's dashboard.",
            quiet(word)
        ),
        UnknownWord { word } => format!(
            "The provider says '{}', a status lipa does not know; still waiting.",
            word.trim()
        ),
        NotFoundYet => "The provider has no record of it yet.".into(),

        AmountDiffers { charged, got } => format!(
            "The provider reports {got}, but lipa asked for {charged}: check before giving goods."
        ),
        ReferenceDiffers { expected, got } => {
            format!("The provider answered for reference {got}, not {expected}: check it.")
        }
        PhoneDiffers { charged, got } => format!(
            "The provider says {got} paid, but the prompt went to {charged}: check before \
             giving goods."
        ),
        PaidWithoutAmount => "The provider says paid but not what amount and currency: check \
                              in the provider's dashboard before giving goods."
            .into(),
        ChangedAfterFinal { word } => format!(
            "After lipa recorded it, the provider now says {word}: check with the provider \
             before giving or taking back goods."
        ),
        SeveralPaid { n } => format!(
            "The provider holds {n} successful attempts under this reference: check for a \
             double charge."
        ),
        AttemptsUnordered => "The provider holds several attempts under this reference that \
                              disagree, and their times cannot be read: check in the \
                              provider's dashboard."
            .into(),

        // "Not sent" is said once: a reason that says it too loses its own.
        NotSent { why } => format!(
            "Not sent: {} Nothing was charged.",
            sentence(text(why).trim_end_matches(" Nothing was sent."))
        ),
        NotSentStopped => {
            "Not sent: lipa stopped before the prompt was asked for. Nothing was charged.".into()
        }
        AnswerLost { why } => format!(
            "Sent, answer lost: checking with the provider ({}).",
            fragment(why)
        ),
        ReferenceExists { provider } => format!(
            "Sent, but {} says this reference is already used: checking what it holds.",
            p(provider)
        ),
        SendThrottled { provider } => format!(
            "Sent, but {} asked lipa to slow down: checking whether the prompt was created.",
            p(provider)
        ),

        NoAnswerByDeadline { secs } => format!(
            "No final answer {} after the prompt: ask the customer, check their SMS, then \
             re-check.",
            span(*secs)
        ),
        NeverFound { secs } => format!(
            "The provider has no record of this payment {} after the send: it probably never \
             arrived. Check the provider's dashboard before sending again.",
            span(*secs)
        ),
        CouldNotCheck { secs } => format!(
            "Could not check: no usable answer from the provider in {} since the send. Check \
             the provider's dashboard before sending again.",
            span(*secs)
        ),
        ProviderSilent { secs } => format!(
            "No answer from the provider for {}: it could not be asked. Check the provider's \
             dashboard, then re-check.",
            span(*secs)
        ),
        QueryFailed { why } => format!("Status check failed ({}); lipa asks again.", fragment(why)),

        NetworkDown { provider } => format!(
            "Could not reach {}: check the internet connection. Nothing was sent.",
            p(provider)
        ),
        Unreachable { provider } => format!("could not reach {}", p(provider)),
        NoUsableAnswer { provider, detail } => {
            format!(
                "no usable answer from {}: {}",
                p(provider),
                fragment(detail)
            )
        }
        OutcomeUnknown { provider, detail } => {
            format!("no clear answer from {}: {}", p(provider), fragment(detail))
        }
        Throttled { provider } => format!("{} asked lipa to slow down", p(provider)),
        Timeout => "no answer in time".into(),
        Broken => "the connection broke before the answer".into(),
        Http { status, said } => match said.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => format!("HTTP {status}: {}", s.trim_end_matches('.')),
            _ => format!("HTTP {status}"),
        },
        NotJson { status } => format!("HTTP {status} with a page that is not JSON"),
        BadJson { status } => format!("HTTP {status} with an answer lipa cannot read"),
        PathNotFound { provider, hint } => format!(
            "{} answered HTTP 404 (no such page): check the base URL; it usually ends in {hint}.",
            p(provider)
        ),

        CredentialsRefused { provider, said } => format!(
            "{} refused the credentials ({}): check {}.",
            p(provider),
            said.trim().trim_end_matches('.'),
            provider.spec().credential_places()
        ),
        SignatureRefused { provider, skew } => signature_refused(provider, *skew),
        AccessRefused { provider, detail } => format!(
            "{} refused access ({}): check the credentials and the account's permissions.",
            p(provider),
            fragment(detail)
        ),
        Redirected {
            provider,
            status,
            location,
        } => format!(
            "{} answered HTTP {status}, pointing elsewhere ({location}): check the base URL in \
             the configuration. Nothing was sent.",
            p(provider)
        ),
        RequestNotBuilt { provider } => format!(
            "lipa could not build a request to {}: check its base URL and keys in the \
             configuration (stray spaces or line breaks?). Nothing was sent.",
            p(provider)
        ),
        BadBaseUrl { provider } => format!(
            "The {} base URL in the configuration is not usable. Nothing was sent.",
            p(provider)
        ),
        TokenMissing { provider } => format!(
            "{}'s token answer held no token: check {}.",
            p(provider),
            provider.spec().credential_places()
        ),
        TokenRefusedAfterRefresh { provider, detail } => format!(
            "{} refused a freshly issued token ({}): check the application's \
             permissions, and whether the checksum setting was just changed.",
            p(provider),
            fragment(detail)
        ),
        ChecksumRefused { provider, said } => format!(
            "{0} refused the checksum ({1}): check the checksum key, and whether checksums \
             are switched on in the {0} dashboard. Nothing was sent.",
            p(provider),
            said.trim().trim_end_matches('.')
        ),

        WrongCurrency {
            provider,
            expected,
            got,
        } => format!(
            "{} takes {expected} only, not {got}. Nothing was sent.",
            p(provider)
        ),
        WrongCountry { provider } => format!(
            "{} pushes to {} numbers only. Nothing was sent.",
            p(provider),
            provider.country().name()
        ),
        RefusedSilently { provider } => {
            format!("{} refused the request without saying why.", p(provider))
        }
        AmountNotPositive => "The amount must be more than zero. Nothing was sent.".into(),
        WalletUnavailable { wallet, said } => match said.trim() {
            "" => format!("{wallet} is not available now."),
            s => format!("{wallet} is not available now: {}", sentence(s)),
        },
        CannotLookUp { provider } => format!(
            "Sent, but the answer was lost, and {n} can only be asked about a push with the id \
             that answer carries: the customer may have paid. {} Do not send it again.",
            by_hand(provider),
            n = p(provider)
        ),
        CannotLookUpYet { provider } => format!(
            "Sent, but the answer was lost: the customer may have paid. Its callback usually \
             comes within a minute, and lipa then asks {n} and settles it by itself. If it still \
             waits here after a few minutes: {} Do not send it again.",
            by_hand(provider),
            n = p(provider)
        ),
        PhoneBusy { .. } => {
            "A prompt is already open on this phone: wait a minute, then send again.".into()
        }
        SameWithinMinutes { provider, minutes } => format!(
            "{} refuses the same amount to the same customer twice within {minutes} minutes: \
             wait, then send again.",
            p(provider)
        ),
        AccountTypeRefused { provider, code } => format!(
            "{} refused the merchant's number or its type (code {code}): check shortcode and \
             till in the configuration.",
            p(provider)
        ),
        BadSetting { provider, key } => format!(
            "{} cannot take the configuration's {key}: check it (LIPA_{}_{}).",
            p(provider),
            provider.spec().section.to_ascii_uppercase(),
            key.to_ascii_uppercase()
        ),
        TokenTakenElsewhere { provider } => format!(
            "{n} refused a token fetched a moment ago: another lipa using the same {n} app \
             (another data directory, or another machine) fetched a newer one, and each new \
             token ends the one before. Every lipa of one app must share one data directory, or \
             one chain's ledger.",
            n = p(provider)
        ),
        SettledByPerson { who, paid } => format!(
            "{}, as {who} found by hand (the provider could not be asked).",
            if *paid { "Paid" } else { "Not paid" }
        ),
        NotApproved => {
            "The customer did not approve the prompt (cancelled it, or let it expire).".into()
        }
        PhoneBusyFor { provider, minutes } => format!(
            "A prompt is already open on this phone: {} says a new one may take up to \
             {minutes} minutes. Ask the customer to finish or cancel it, then send again.",
            p(provider)
        ),
        PayerNotFound { wallet } => format!(
            "This number is not registered on {wallet}: check the number, or choose the \
             customer's wallet."
        ),
        PayerLimit => "The customer's wallet limit is reached (daily or per payment).".into(),
        WalletLimit => "The shop's limit with this wallet is reached: ask the provider.".into(),
        AmountLimits { min, max } => {
            format!("This wallet takes from {min} to {max} a payment. Nothing was sent.")
        }
        SentAgain { provider, times } => format!(
            "{} had not received it: sent again under the same id (send {times}); it is \
             never charged twice.",
            p(provider)
        ),
        NeverReached { provider, secs } => format!(
            "It never reached {}: still no record of it {} after it was last sent. Nobody \
             was charged; you may send it again.",
            p(provider),
            span(*secs)
        ),
        Reconciling { provider } => format!(
            "{} is settling the outcome with the wallet: still pending, nothing to do.",
            p(provider)
        ),
        AlreadyReceived { provider } => {
            format!("{} already had this payment: following it.", p(provider))
        }
        HookHeard {
            provider,
            check,
            from,
        } => format!(
            "{} called back ({}, from {from}): asked now; only its answer moves the payment.",
            p(provider),
            match check.as_str() {
                "signed" => "signature verified",
                "token" => "this payment's own address",
                "refused" => "its signature did NOT verify",
                _ => "unsigned",
            }
        ),
        HookDisagrees { provider, what } => format!(
            "{} called back about this payment with {what}, which is not what lipa asked: kept \
             for a person, not taken as money.",
            p(provider)
        ),
        StillReconciling { provider, secs } => format!(
            "{n} is still settling it with the wallet, {} after the prompt; lipa keeps asking. \
             Do not take the money another way until it ends: check the customer's SMS.",
            span(*secs),
            n = p(provider)
        ),
        AmountNotWhole { provider } => format!(
            "{} takes whole amounts only (no cents). Nothing was sent.",
            p(provider)
        ),
        Ambiguous { provider } => format!(
            "{} cannot say yet whether it went through (code 999): still asking.",
            p(provider)
        ),
        OrderTaken { provider } => format!(
            "{} already holds another sale under this reference (another till used it): send \
             it again under another reference.",
            p(provider)
        ),
        MustReconcile { provider, secs } => format!(
            "{n} still cannot say whether it was paid, {} after the prompt: {n} must reconcile \
             it. Ask {n} about this reference, and check the customer's SMS. Do not send it \
             again until then.",
            span(*secs),
            n = p(provider)
        ),
    }
}

/// Where a person checks a payment lipa cannot ask about, in the provider's own words.
fn by_hand(provider: &ProviderKind) -> String {
    provider
        .spec()
        .by_hand
        .map(|f| f(crate::lang::Lang::En))
        .unwrap_or_default()
}

/// A signed request refused. `skew` is the provider's `Date` header minus this machine's
/// clock, in seconds (positive: this machine is behind), when it sent one.
fn signature_refused(provider: &ProviderKind, skew: Option<i64>) -> String {
    let n = p(provider);
    match skew {
        Some(s) if s.unsigned_abs() >= 30 => format!(
            "{n} refused the request (UNAUTHORIZED). Two likely causes: this machine's clock \
             is {} {} {n}'s (going by the Date header {n} sent), so the request's timestamp \
             looks wrong: fix the clock or its time zone; or the {} is wrong.",
            seconds(s.unsigned_abs()),
            if s > 0 { "behind" } else { "ahead of" },
            keys(provider, "or")
        ),
        Some(s) => format!(
            "{n} refused the request (UNAUTHORIZED): check the keys ({}). This machine's clock \
             agrees with {n}'s Date header ({} s apart): it is not the cause.",
            keys(provider, "and"),
            s.unsigned_abs()
        ),
        None => format!(
            "{n} refused the request (UNAUTHORIZED). Two likely causes: the {} is wrong, or \
             this machine's clock is off ({n} sent no Date header to compare with).",
            keys(provider, "or")
        ),
    }
}

/// The keys a refused signature names, as people say them: `public key or secret key`.
fn keys(provider: &ProviderKind, joined_by: &str) -> String {
    provider
        .spec()
        .credentials
        .iter()
        .map(|k| k.replace('_', " "))
        .collect::<Vec<_>>()
        .join(&format!(" {joined_by} "))
}

/// `600 seconds (about 10 minutes)`: the exact figure, and a rounder one when it is large.
fn seconds(n: u64) -> String {
    match n {
        n if n >= 7200 => format!("{n} seconds (about {} hours)", n / 3600),
        n if n >= 120 => format!("{n} seconds (about {} minutes)", n / 60),
        n => format!("{n} seconds"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_exact() {
        assert_eq!(span(19), "19 s");
        assert_eq!(span(90), "1 min 30 s");
        assert_eq!(span(120), "2 min");
        assert_eq!(span(3900), "1 h 5 min");
    }

    /// A throttled status query speaks of the query — never "nothing was sent", which would
    /// invite a re-push of a payment whose send broke.
    #[test]
    fn a_throttled_query_speaks_of_the_query() {
        let q = text(&Msg::QueryFailed {
            why: Box::new(Msg::Throttled {
                provider: ProviderKind::ALL[0],
            }),
        });
        assert!(q.starts_with("Status check failed"), "{q}");
        assert!(!q.to_lowercase().contains("sent"), "{q}");
    }

    #[test]
    fn joined_messages_keep_one_full_stop() {
        let m = Msg::NotSent {
            why: Box::new(Msg::said("Invalid / unsupported phone number.")),
        };
        assert_eq!(
            text(&m),
            "Not sent: Invalid / unsupported phone number. Nothing was charged."
        );
        let q = Msg::QueryFailed {
            why: Box::new(Msg::NoUsableAnswer {
                provider: ProviderKind::ALL[0],
                detail: Box::new(Msg::Http {
                    status: 500,
                    said: Some("Error validating fee.".into()),
                }),
            }),
        };
        assert_eq!(
            text(&q),
            format!(
                "Status check failed (no usable answer from {}: HTTP 500: Error validating \
                 fee); lipa asks again.",
                ProviderKind::ALL[0]
            )
        );
    }
}
