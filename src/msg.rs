//! What lipa says about a payment or a provider's answer, as data.
//!
//! A [`Msg`] is stored in the journal (as JSON), carried in provider errors and shown on every
//! face; it becomes words only when a person reads it, in that person's language (`Msg::text`,
//! beside the other sentences in `strings/`). Two consoles in two languages read the same journal row in their own words,
//! and a message written by one lipa can be read by the next (variants are only ever added).

use crate::money::Money;
use crate::provider_kind::ProviderKind;
use serde::{Deserialize, Serialize};

/// One thing lipa has to say. Provider words lipa does not understand travel verbatim in
/// [`Msg::Said`]; everything else is lipa's own sentence with its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "kebab-case")]
pub enum Msg {
    /// Nothing said yet.
    Empty,
    /// Text written by an earlier lipa (before messages were data): shown as it is.
    Text {
        text: String,
    },
    /// The provider's own words, shown as the provider wrote them.
    Said {
        text: String,
    },

    // What the customer did, as the provider reports it.
    PromptSent,
    Paid,
    CustomerCancelled,
    LowBalance,
    WrongPin,
    CustomerTimedOut,
    FailedNoReason {
        word: String,
    },
    /// Reversed, refunded, on hold: a person checks in the provider's dashboard.
    Reported {
        word: String,
    },
    UnknownWord {
        word: String,
    },
    NotFoundYet,

    // The answer does not prove what was charged.
    AmountDiffers {
        charged: Money,
        got: String,
    },
    ReferenceDiffers {
        expected: String,
        got: String,
    },
    PhoneDiffers {
        charged: String,
        got: String,
    },
    PaidWithoutAmount,
    /// After lipa recorded the payment final, the provider says `word` (reversed, refunded,
    /// on hold).
    ChangedAfterFinal {
        word: String,
    },
    SeveralPaid {
        n: usize,
    },
    AttemptsUnordered,

    // Sending.
    NotSent {
        why: Box<Msg>,
    },
    NotSentStopped,
    /// The send's answer was lost: the payment's outcome is unknown until asked.
    AnswerLost {
        why: Box<Msg>,
    },
    ReferenceExists {
        provider: ProviderKind,
    },
    SendThrottled {
        provider: ProviderKind,
    },

    // The deadline.
    NoAnswerByDeadline {
        secs: u64,
    },
    NeverFound {
        secs: u64,
    },
    CouldNotCheck {
        secs: u64,
    },
    ProviderSilent {
        secs: u64,
    },
    /// A status query failed; the payment is as it was.
    QueryFailed {
        why: Box<Msg>,
    },

    // Transport and classification: the `why` of the messages above.
    NetworkDown {
        provider: ProviderKind,
    },
    Unreachable {
        provider: ProviderKind,
    },
    NoUsableAnswer {
        provider: ProviderKind,
        detail: Box<Msg>,
    },
    OutcomeUnknown {
        provider: ProviderKind,
        detail: Box<Msg>,
    },
    Throttled {
        provider: ProviderKind,
    },
    Timeout,
    Broken,
    Http {
        status: u16,
        said: Option<String>,
    },
    NotJson {
        status: u16,
    },
    BadJson {
        status: u16,
    },
    PathNotFound {
        provider: ProviderKind,
        hint: String,
    },

    // Configuration.
    CredentialsRefused {
        provider: ProviderKind,
        said: String,
    },
    /// A signed request refused (a 401): the keys, or this machine's clock (`skew`: the
    /// provider's `Date` minus ours, in seconds, when it sent one).
    #[serde(alias = "cepta-unauthorized")]
    SignatureRefused {
        #[serde(default = "old::signature")]
        provider: ProviderKind,
        skew: Option<i64>,
    },
    AccessRefused {
        provider: ProviderKind,
        detail: Box<Msg>,
    },
    Redirected {
        provider: ProviderKind,
        status: u16,
        location: String,
    },
    RequestNotBuilt {
        provider: ProviderKind,
    },
    BadBaseUrl {
        provider: ProviderKind,
    },
    TokenMissing {
        #[serde(default = "old::token")]
        provider: ProviderKind,
    },
    TokenRefusedAfterRefresh {
        #[serde(default = "old::token")]
        provider: ProviderKind,
        detail: Box<Msg>,
    },
    ChecksumRefused {
        #[serde(default = "old::token")]
        provider: ProviderKind,
        said: String,
    },

    // Refused before sending.
    WrongCurrency {
        provider: ProviderKind,
        expected: String,
        got: String,
    },
    WrongCountry {
        provider: ProviderKind,
    },
    RefusedSilently {
        provider: ProviderKind,
    },
    AmountNotPositive,
    WalletUnavailable {
        wallet: String,
        said: String,
    },

    // A provider that looks payments up by its own id only.
    /// The send's answer, and so the provider's id, was lost: the payment cannot be asked
    /// about. A person checks (the provider's own words say where) and never sends it again.
    CannotLookUp {
        provider: ProviderKind,
    },
    /// As [`Msg::CannotLookUp`], but the push carried its own callback address: its callback
    /// usually names it soon, and lipa then asks and settles it by itself.
    CannotLookUpYet {
        provider: ProviderKind,
    },
    /// The provider refused: a prompt is already open on this phone.
    PhoneBusy {
        provider: ProviderKind,
    },
    /// The provider refuses the same amount to the same customer within two minutes.
    SameWithinMinutes {
        provider: ProviderKind,
        minutes: u32,
    },
    /// The provider refused the merchant's number or its type (a till sent as a paybill).
    AccountTypeRefused {
        provider: ProviderKind,
        code: String,
    },
    /// The provider takes whole units only.
    AmountNotWhole {
        provider: ProviderKind,
    },
    /// A key of the provider's configuration holds what it cannot take.
    BadSetting {
        provider: ProviderKind,
        key: String,
    },
    /// A token fetched a moment ago was refused, by a provider whose every new token ends the
    /// one before: another user of the same app fetched one.
    TokenTakenElsewhere {
        provider: ProviderKind,
    },
    /// The provider's answer is ambiguous (a `999`): still pending, and it may have to
    /// reconcile it.
    Ambiguous {
        provider: ProviderKind,
    },
    /// The provider holds another sale under this reference (another till used it): nothing
    /// was sent.
    OrderTaken {
        provider: ProviderKind,
    },
    /// The deadline passed with the provider's answers still ambiguous: the provider must
    /// reconcile the payment; a person asks it.
    MustReconcile {
        provider: ProviderKind,
        secs: u64,
    },
    /// A person settled a payment the provider cannot be asked about (the customer's SMS, the
    /// provider's portal): paid, or not.
    SettledByPerson {
        who: String,
        paid: bool,
    },
    /// The customer did not approve the prompt (cancelled it, or let it expire): the
    /// provider does not say which.
    NotApproved,
    /// A prompt is already open on this phone, and the provider says a new one may take up to
    /// `minutes`.
    PhoneBusyFor {
        provider: ProviderKind,
        minutes: u32,
    },
    /// The number is not registered on that wallet.
    PayerNotFound {
        wallet: String,
    },
    /// The customer's wallet limit (daily, monthly or per payment) is reached.
    PayerLimit,
    /// The merchant's limit with the wallet is reached.
    WalletLimit,
    /// The amount is outside the wallet's limits for this account.
    AmountLimits {
        min: Money,
        max: Money,
    },
    /// The provider had not received the payment: sent again under the same id (`times`: how
    /// many sends so far, the first included).
    SentAgain {
        provider: ProviderKind,
        times: u32,
    },
    /// The provider still had no record of the payment `secs` after its last send: it never
    /// arrived, and nobody was charged.
    NeverReached {
        provider: ProviderKind,
        secs: u64,
    },
    /// The provider is settling the outcome with the wallet: still pending, no action needed.
    Reconciling {
        provider: ProviderKind,
    },
    /// The provider already had this payment under its id (a send repeated): followed by status.
    AlreadyReceived {
        provider: ProviderKind,
    },
    /// The deadline passed with the provider still settling the outcome with the wallet: a
    /// person is told not to take the money another way meanwhile; lipa keeps asking.
    StillReconciling {
        provider: ProviderKind,
        secs: u64,
    },
    /// The provider called back about this payment (a hint: lipa asks it now). `check`: how
    /// the call was verified (`signed`, `token`, `unsigned`, `refused`); `from`: its source.
    HookHeard {
        provider: ProviderKind,
        check: String,
        from: String,
    },
    /// A callback named this payment but disagrees with it (another amount or phone): kept
    /// for a person, never acted on as money.
    HookDisagrees {
        provider: ProviderKind,
        what: String,
    },
}

impl Msg {
    /// The provider's words: mapped to lipa's own sentence when lipa knows what they mean
    /// (cancelled, low balance, wrong PIN, timed out), else kept verbatim.
    pub fn from_provider(text: &str) -> Msg {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        if t.is_empty() {
            Msg::Empty
        } else if has(&[
            "insufficient",
            "not enough",
            "low balance",
            "balance is too low",
        ]) {
            Msg::LowBalance
        } else if has(&[
            "cancelled by user",
            "canceled by user",
            "cancelled by the user",
        ]) || has(&[
            "user cancelled",
            "user canceled",
            "request cancelled",
            "request canceled",
        ]) {
            Msg::CustomerCancelled
        } else if has(&[
            "wrong pin",
            "invalid pin",
            "incorrect pin",
            "pin is incorrect",
        ]) {
            Msg::WrongPin
        } else if has(&[
            "timed out",
            "timeout",
            "did not respond",
            "no response from user",
        ]) {
            Msg::CustomerTimedOut
        } else {
            Msg::Said {
                text: t.to_string(),
            }
        }
    }

    /// Provider words as they are, or `Empty`.
    pub fn said(text: &str) -> Msg {
        match text.trim() {
            "" => Msg::Empty,
            t => Msg::Said {
                text: t.to_string(),
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Msg::Empty)
    }

    /// Every piece of free text inside (provider words, words of the status), for scrubbing.
    pub fn texts_mut(&mut self) -> Vec<&mut String> {
        use Msg::*;
        match self {
            Text { text } | Said { text } => vec![text],
            FailedNoReason { word } | Reported { word } | UnknownWord { word } => vec![word],
            AmountDiffers { got, .. } => vec![got],
            ChangedAfterFinal { word } => vec![word],
            ReferenceDiffers { expected, got }
            | PhoneDiffers {
                charged: expected,
                got,
            } => {
                vec![expected, got]
            }
            NotSent { why } | AnswerLost { why } | QueryFailed { why } => why.texts_mut(),
            NoUsableAnswer { detail, .. }
            | OutcomeUnknown { detail, .. }
            | AccessRefused { detail, .. }
            | TokenRefusedAfterRefresh { detail, .. } => detail.texts_mut(),
            Http { said, .. } => said.iter_mut().collect(),
            PathNotFound { hint, .. } => vec![hint],
            CredentialsRefused { said, .. } | ChecksumRefused { said, .. } => vec![said],
            Redirected { location, .. } => vec![location],
            WrongCurrency { expected, got, .. } => vec![expected, got],
            WalletUnavailable { wallet, said } => vec![wallet, said],
            Empty
            | PromptSent
            | Paid
            | CustomerCancelled
            | LowBalance
            | WrongPin
            | CustomerTimedOut
            | NotFoundYet
            | PaidWithoutAmount
            | SeveralPaid { .. }
            | AttemptsUnordered
            | NotSentStopped
            | ReferenceExists { .. }
            | SendThrottled { .. }
            | NoAnswerByDeadline { .. }
            | NeverFound { .. }
            | CouldNotCheck { .. }
            | ProviderSilent { .. }
            | NetworkDown { .. }
            | Unreachable { .. }
            | Throttled { .. }
            | Timeout
            | Broken
            | NotJson { .. }
            | BadJson { .. }
            | SignatureRefused { .. }
            | RequestNotBuilt { .. }
            | BadBaseUrl { .. }
            | TokenMissing { .. }
            | WrongCountry { .. }
            | RefusedSilently { .. }
            | AmountNotPositive
            | CannotLookUp { .. }
            | CannotLookUpYet { .. }
            | PhoneBusy { .. }
            | SameWithinMinutes { .. }
            | AmountNotWhole { .. }
            | TokenTakenElsewhere { .. }
            | Ambiguous { .. }
            | OrderTaken { .. }
            | MustReconcile { .. }
            | NotApproved
            | PhoneBusyFor { .. }
            | PayerLimit
            | WalletLimit
            | AmountLimits { .. }
            | SentAgain { .. }
            | NeverReached { .. }
            | Reconciling { .. }
            | AlreadyReceived { .. }
            | StillReconciling { .. } => Vec::new(),
            HookHeard { check, from, .. } => vec![check, from],
            HookDisagrees { what, .. } => vec![what],
            PayerNotFound { wallet } => vec![wallet],
            AccountTypeRefused { code, .. } => vec![code],
            BadSetting { key, .. } => vec![key],
            SettledByPerson { who, .. } => vec![who],
        }
    }

    /// As stored in the journal.
    pub fn to_stored(&self) -> String {
        match self {
            Msg::Empty => String::new(),
            other => serde_json::to_string(other).unwrap_or_default(),
        }
    }

    /// Read back from the journal; text an earlier lipa wrote comes back as [`Msg::Text`].
    pub fn from_stored(stored: &str) -> Msg {
        if stored.is_empty() {
            return Msg::Empty;
        }
        serde_json::from_str(stored).unwrap_or_else(|_| Msg::Text {
            text: stored.to_string(),
        })
    }
}

/// The provider of a message written before messages named it: each of these was only ever
/// said of one provider (journal rows keep their old form).
mod old {
    use crate::provider_kind::ProviderKind;

    /// `cepta-unauthorized`.
    pub fn signature() -> ProviderKind {
        ProviderKind::Cepta
    }

    /// `token-missing`, `token-refused-after-refresh`, `checksum-refused`.
    pub fn token() -> ProviderKind {
        ProviderKind::ClickPesa
    }
}

/// One of every variant, with sample values (for the catalogue test). [`variant`] matches
/// them all without a wildcard, so a new variant must be added here to compile.
pub fn samples() -> Vec<Msg> {
    use Msg::*;
    let cp = ProviderKind::ALL[0];
    let http = || {
        Box::new(Http {
            status: 500,
            said: Some("Error validating fee".into()),
        })
    };
    let v = vec![
        Empty,
        Text {
            text: "Prompt sent.".into(),
        },
        Said {
            text: "Limit exceeded".into(),
        },
        PromptSent,
        Paid,
        CustomerCancelled,
        LowBalance,
        WrongPin,
        CustomerTimedOut,
        FailedNoReason {
            word: "FAILED".into(),
        },
        Reported {
            word: "REVERSED".into(),
        },
        UnknownWord {
            word: "QUEUED".into(),
        },
        NotFoundYet,
        AmountDiffers {
            charged: Money::from_minor(1500, crate::money::Currency::Tzs),
            got: "TZS 150".into(),
        },
        ReferenceDiffers {
            expected: "LP1".into(),
            got: "LP2".into(),
        },
        PhoneDiffers {
            charged: "+255 712 ••• 670".into(),
            got: "+255 799 ••• 111".into(),
        },
        PaidWithoutAmount,
        SeveralPaid { n: 2 },
        ChangedAfterFinal {
            word: "REVERSED".into(),
        },
        AttemptsUnordered,
        NotSent {
            why: Box::new(Msg::said("Invalid / unsupported phone number")),
        },
        NotSentStopped,
        AnswerLost {
            why: Box::new(OutcomeUnknown {
                provider: cp,
                detail: http(),
            }),
        },
        ReferenceExists { provider: cp },
        SendThrottled {
            provider: ProviderKind::Cepta,
        },
        NoAnswerByDeadline { secs: 90 },
        NeverFound { secs: 180 },
        CouldNotCheck { secs: 90 },
        ProviderSilent { secs: 75 },
        QueryFailed {
            why: Box::new(Throttled { provider: cp }),
        },
        NetworkDown { provider: cp },
        Unreachable { provider: cp },
        NoUsableAnswer {
            provider: cp,
            detail: Box::new(Timeout),
        },
        OutcomeUnknown {
            provider: cp,
            detail: Box::new(Broken),
        },
        Throttled { provider: cp },
        Timeout,
        Broken,
        Http {
            status: 502,
            said: None,
        },
        NotJson { status: 502 },
        BadJson { status: 200 },
        PathNotFound {
            provider: cp,
            hint: "/third-parties".into(),
        },
        CredentialsRefused {
            provider: cp,
            said: "Invalid client details".into(),
        },
        SignatureRefused {
            provider: cp,
            skew: Some(600),
        },
        AccessRefused {
            provider: cp,
            detail: Box::new(Http {
                status: 403,
                said: None,
            }),
        },
        Redirected {
            provider: cp,
            status: 302,
            location: "https://x.example/".into(),
        },
        RequestNotBuilt { provider: cp },
        BadBaseUrl { provider: cp },
        TokenMissing { provider: cp },
        TokenRefusedAfterRefresh {
            provider: cp,
            detail: http(),
        },
        ChecksumRefused {
            provider: cp,
            said: "Invalid checksum".into(),
        },
        WrongCurrency {
            provider: cp,
            expected: "TZS".into(),
            got: "KES".into(),
        },
        WrongCountry { provider: cp },
        RefusedSilently { provider: cp },
        AmountNotPositive,
        WalletUnavailable {
            wallet: "M-PESA".into(),
            said: "Try later".into(),
        },
        CannotLookUp { provider: cp },
        CannotLookUpYet { provider: cp },
        PhoneBusy { provider: cp },
        SameWithinMinutes {
            provider: cp,
            minutes: 2,
        },
        AccountTypeRefused {
            provider: cp,
            code: "2028".into(),
        },
        AmountNotWhole { provider: cp },
        Ambiguous { provider: cp },
        OrderTaken { provider: cp },
        MustReconcile {
            provider: cp,
            secs: 270,
        },
        BadSetting {
            provider: cp,
            key: "shortcode".into(),
        },
        TokenTakenElsewhere { provider: cp },
        SettledByPerson {
            who: "amina".into(),
            paid: true,
        },
        NotApproved,
        PhoneBusyFor {
            provider: cp,
            minutes: 10,
        },
        PayerNotFound {
            wallet: "HaloPesa".into(),
        },
        PayerLimit,
        WalletLimit,
        AmountLimits {
            min: Money::from_minor(10_000, crate::money::Currency::Tzs),
            max: Money::from_minor(500_000_000, crate::money::Currency::Tzs),
        },
        SentAgain {
            provider: cp,
            times: 2,
        },
        NeverReached {
            provider: cp,
            secs: 900,
        },
        Reconciling { provider: cp },
        AlreadyReceived { provider: cp },
        StillReconciling {
            provider: cp,
            secs: 95,
        },
        HookHeard {
            provider: cp,
            check: "signed".into(),
            from: "41.59.8.20".into(),
        },
        HookDisagrees {
            provider: cp,
            what: "TZS 500".into(),
        },
    ];
    debug_assert!(v.iter().all(|m| !variant(m).is_empty()));
    v
}

/// The variant's name: a match with every variant and no wildcard.
pub fn variant(m: &Msg) -> &'static str {
    use Msg::*;
    match m {
        Empty => "Empty",
        Text { .. } => "Text",
        Said { .. } => "Said",
        PromptSent => "PromptSent",
        Paid => "Paid",
        CustomerCancelled => "CustomerCancelled",
        LowBalance => "LowBalance",
        WrongPin => "WrongPin",
        CustomerTimedOut => "CustomerTimedOut",
        FailedNoReason { .. } => "FailedNoReason",
        Reported { .. } => "Reported",
        UnknownWord { .. } => "UnknownWord",
        NotFoundYet => "NotFoundYet",
        AmountDiffers { .. } => "AmountDiffers",
        ReferenceDiffers { .. } => "ReferenceDiffers",
        PhoneDiffers { .. } => "PhoneDiffers",
        PaidWithoutAmount => "PaidWithoutAmount",
        SeveralPaid { .. } => "SeveralPaid",
        ChangedAfterFinal { .. } => "ChangedAfterFinal",
        AttemptsUnordered => "AttemptsUnordered",
        NotSent { .. } => "NotSent",
        NotSentStopped => "NotSentStopped",
        AnswerLost { .. } => "AnswerLost",
        ReferenceExists { .. } => "ReferenceExists",
        SendThrottled { .. } => "SendThrottled",
        NoAnswerByDeadline { .. } => "NoAnswerByDeadline",
        NeverFound { .. } => "NeverFound",
        CouldNotCheck { .. } => "CouldNotCheck",
        ProviderSilent { .. } => "ProviderSilent",
        QueryFailed { .. } => "QueryFailed",
        NetworkDown { .. } => "NetworkDown",
        Unreachable { .. } => "Unreachable",
        NoUsableAnswer { .. } => "NoUsableAnswer",
        OutcomeUnknown { .. } => "OutcomeUnknown",
        Throttled { .. } => "Throttled",
        Timeout => "Timeout",
        Broken => "Broken",
        Http { .. } => "Http",
        NotJson { .. } => "NotJson",
        BadJson { .. } => "BadJson",
        PathNotFound { .. } => "PathNotFound",
        CredentialsRefused { .. } => "CredentialsRefused",
        SignatureRefused { .. } => "SignatureRefused",
        AccessRefused { .. } => "AccessRefused",
        Redirected { .. } => "Redirected",
        RequestNotBuilt { .. } => "RequestNotBuilt",
        BadBaseUrl { .. } => "BadBaseUrl",
        TokenMissing { .. } => "TokenMissing",
        TokenRefusedAfterRefresh { .. } => "TokenRefusedAfterRefresh",
        ChecksumRefused { .. } => "ChecksumRefused",
        WrongCurrency { .. } => "WrongCurrency",
        WrongCountry { .. } => "WrongCountry",
        RefusedSilently { .. } => "RefusedSilently",
        AmountNotPositive => "AmountNotPositive",
        WalletUnavailable { .. } => "WalletUnavailable",
        CannotLookUp { .. } => "CannotLookUp",
        CannotLookUpYet { .. } => "CannotLookUpYet",
        PhoneBusy { .. } => "PhoneBusy",
        Ambiguous { .. } => "Ambiguous",
        OrderTaken { .. } => "OrderTaken",
        MustReconcile { .. } => "MustReconcile",
        SameWithinMinutes { .. } => "SameWithinMinutes",
        AccountTypeRefused { .. } => "AccountTypeRefused",
        AmountNotWhole { .. } => "AmountNotWhole",
        BadSetting { .. } => "BadSetting",
        TokenTakenElsewhere { .. } => "TokenTakenElsewhere",
        SettledByPerson { .. } => "SettledByPerson",
        NotApproved => "NotApproved",
        PhoneBusyFor { .. } => "PhoneBusyFor",
        PayerNotFound { .. } => "PayerNotFound",
        PayerLimit => "PayerLimit",
        WalletLimit => "WalletLimit",
        AmountLimits { .. } => "AmountLimits",
        SentAgain { .. } => "SentAgain",
        NeverReached { .. } => "NeverReached",
        Reconciling { .. } => "Reconciling",
        AlreadyReceived { .. } => "AlreadyReceived",
        StillReconciling { .. } => "StillReconciling",
        HookHeard { .. } => "HookHeard",
        HookDisagrees { .. } => "HookDisagrees",
    }
}

/// Plain text (words written elsewhere, shown as they are).
impl From<&str> for Msg {
    fn from(text: &str) -> Msg {
        match text {
            "" => Msg::Empty,
            t => Msg::Text {
                text: t.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    /// Rows written before these messages named their provider read as they did.
    #[test]
    fn old_tags_still_read() {
        for (stored, want) in [
            (
                r#"{"k":"cepta-unauthorized","skew":600}"#,
                Msg::SignatureRefused {
                    provider: ProviderKind::Cepta,
                    skew: Some(600),
                },
            ),
            (
                r#"{"k":"token-missing"}"#,
                Msg::TokenMissing {
                    provider: ProviderKind::ClickPesa,
                },
            ),
            (
                r#"{"k":"checksum-refused","said":"Invalid checksum"}"#,
                Msg::ChecksumRefused {
                    provider: ProviderKind::ClickPesa,
                    said: "Invalid checksum".into(),
                },
            ),
            (
                r#"{"k":"token-refused-after-refresh","detail":{"k":"timeout"}}"#,
                Msg::TokenRefusedAfterRefresh {
                    provider: ProviderKind::ClickPesa,
                    detail: Box::new(Msg::Timeout),
                },
            ),
        ] {
            assert_eq!(Msg::from_stored(stored), want, "{stored}");
        }
    }

    #[test]
    fn stored_and_read_back() {
        let m = Msg::QueryFailed {
            why: Box::new(Msg::Http {
                status: 500,
                said: Some("Error validating fee".into()),
            }),
        };
        assert_eq!(Msg::from_stored(&m.to_stored()), m);
        let a = Msg::AmountDiffers {
            charged: Money::from_minor(1000, Currency::Tzs),
            got: "TZS 100".into(),
        };
        assert_eq!(Msg::from_stored(&a.to_stored()), a);
        assert_eq!(Msg::from_stored(""), Msg::Empty);
        assert_eq!(
            Msg::from_stored("Prompt sent; waiting."),
            Msg::Text {
                text: "Prompt sent; waiting.".into()
            }
        );
    }

    /// "Not sent" once: the reason's own "Nothing was sent." is not said again.
    #[test]
    fn not_sent_is_said_once() {
        use crate::lang::Lang;
        let m = Msg::NotSent {
            why: Box::new(Msg::NetworkDown {
                provider: ProviderKind::Cepta,
            }),
        };
        let en = m.text(Lang::En);
        assert!(!en.contains("Nothing was sent"), "{en}");
        assert!(en.ends_with("Nothing was charged."), "{en}");
        let sw = m.text(Lang::Sw);
        assert!(!sw.contains("Hakuna kilichotumwa"), "{sw}");
    }

    #[test]
    fn provider_words_lipa_knows() {
        assert_eq!(Msg::from_provider("Insufficient balance"), Msg::LowBalance);
        assert_eq!(
            Msg::from_provider("Request cancelled by user."),
            Msg::CustomerCancelled
        );
        assert_eq!(
            Msg::from_provider("Something odd"),
            Msg::Said {
                text: "Something odd".into()
            }
        );
    }
}
