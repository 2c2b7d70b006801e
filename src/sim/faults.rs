//! Fault injection for chaos tests and `lipa simulate --faults`: seeded, per-mille chances,
//! applied to provider endpoints only (never to `/sim/*`).
//!
//! Where each fault strikes:
//! - **429** and **HTML 5xx** (500, 502 or 503) answer *instead of* the request: nothing was
//!   done.
//! - **revoke tokens** drops every bearer token before the request is checked, as if they
//!   had expired early: the request gets 401. It never strikes a token's first use, so a
//!   client that fetches a new token once recovers.
//! - **drop after create** lets an initiate call create the push, then breaks the connection
//!   instead of answering: the outcome is unknown to the client.
//! - **fail after create** is drawn when a push is created: like the magic digit 9, the push
//!   exists but the initiate call answers an error (each provider's own: a 500, a 408).
//! - **truncate** cuts a successful JSON answer in half; **malformed** garbles it (single
//!   quotes instead of double): either way the request did take effect.
//! - **slow** delays the answer after the work is done (a client timeout means unknown).
//! - **reverse** is drawn when a paying push is created: paid, then reversed later.
//! - **duplicate after create** and **throttle after create** are drawn when a push is
//!   created: the push exists, but the initiate call answers "reference already used"
//!   (each provider's way: a 409, a `{"status": false}`) or 429, as a gateway that acted and then
//!   refused might.
//! - **extra attempt** adds, to one status answer of a provider that lists attempts, a newer *failed* attempt under
//!   the same reference beside the real one.
//! - **no echo** and **other phone** are drawn when a push is created: every status answer
//!   about it leaves out the amount and currency, or names another paying number.
//! - **clock offset** shifts the simulator's clock (the `Date` header, timestamps and the
//!   signed timestamps' check), as if one side's clock were wrong.

use std::time::Duration;

/// Faults to inject. Chances are per mille (0 = never, 1000 = always) and drawn from a random
/// source seeded with `seed`, so a failing chaos run can be replayed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    pub seed: u64,
    /// Answer after an extra `slow_by`.
    pub slow_per_mille: u16,
    pub slow_by: Duration,
    /// 500, 502 or 503 with an nginx HTML page; the request is not processed.
    pub html_5xx_per_mille: u16,
    /// 429 with `Retry-After: retry_after_secs`; the request is not processed.
    pub too_many_per_mille: u16,
    pub retry_after_secs: u32,
    /// An initiate call creates the push, then the connection is dropped.
    pub drop_after_create_per_mille: u16,
    /// An initiate call creates the push, then answers its provider's error.
    pub fail_after_create_per_mille: u16,
    /// A successful answer is cut in half (invalid JSON).
    pub truncate_per_mille: u16,
    /// A successful answer is garbled (invalid JSON, whole).
    pub malformed_per_mille: u16,
    /// Every bearer token is revoked before a call that uses one (not its first use).
    pub revoke_tokens_per_mille: u16,
    /// A paying customer's payment is reversed `reverse_after` after being paid.
    pub reverse_per_mille: u16,
    pub reverse_after: Duration,
    /// An initiate call creates the push, then answers "reference already used".
    pub duplicate_after_create_per_mille: u16,
    /// An initiate call creates the push, then answers 429.
    pub throttle_after_create_per_mille: u16,
    /// A status answer (of a provider that lists attempts) carries a newer failed attempt beside the real one.
    pub extra_attempt_per_mille: u16,
    /// Status answers about a push leave out its amount and currency.
    pub no_echo_per_mille: u16,
    /// Status answers about a push name another paying number.
    pub other_phone_per_mille: u16,
    /// Seconds added to the simulator's clock (negative: behind).
    pub clock_offset_secs: i64,
}

/// One kind of fault, by the name used in flags, `/sim/faults` and [`super::SimStats::faults`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultKind {
    Slow,
    Html5xx,
    TooManyRequests,
    DropAfterCreate,
    FailAfterCreate,
    Truncate,
    Malformed,
    RevokeTokens,
    Reverse,
    DuplicateAfterCreate,
    ThrottleAfterCreate,
    ExtraAttempt,
    NoEcho,
    OtherPhone,
}

impl FaultKind {
    pub const ALL: [FaultKind; 14] = [
        FaultKind::Slow,
        FaultKind::Html5xx,
        FaultKind::TooManyRequests,
        FaultKind::DropAfterCreate,
        FaultKind::FailAfterCreate,
        FaultKind::Truncate,
        FaultKind::Malformed,
        FaultKind::RevokeTokens,
        FaultKind::Reverse,
        FaultKind::DuplicateAfterCreate,
        FaultKind::ThrottleAfterCreate,
        FaultKind::ExtraAttempt,
        FaultKind::NoEcho,
        FaultKind::OtherPhone,
    ];

    /// `slow`, `html-5xx`, `too-many-requests`, `drop-after-create`, `fail-after-create`,
    /// `truncate`, `malformed`, `revoke-tokens`, `reverse`, `duplicate-after-create`,
    /// `throttle-after-create`, `extra-attempt`, `no-echo`, `other-phone`.
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Slow => "slow",
            FaultKind::Html5xx => "html-5xx",
            FaultKind::TooManyRequests => "too-many-requests",
            FaultKind::DropAfterCreate => "drop-after-create",
            FaultKind::FailAfterCreate => "fail-after-create",
            FaultKind::Truncate => "truncate",
            FaultKind::Malformed => "malformed",
            FaultKind::RevokeTokens => "revoke-tokens",
            FaultKind::Reverse => "reverse",
            FaultKind::DuplicateAfterCreate => "duplicate-after-create",
            FaultKind::ThrottleAfterCreate => "throttle-after-create",
            FaultKind::ExtraAttempt => "extra-attempt",
            FaultKind::NoEcho => "no-echo",
            FaultKind::OtherPhone => "other-phone",
        }
    }

    pub fn from_name(name: &str) -> Option<FaultKind> {
        let name = name.trim();
        FaultKind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(name))
    }
}

impl Faults {
    /// Every fault at the same chance, with short delays suited to tests:
    /// slow by 1.5 s, `Retry-After: 1`, reversals 1 s after payment. Clock untouched.
    pub fn chaos(seed: u64, per_mille: u16) -> Faults {
        let mut faults = Faults {
            seed,
            slow_by: Duration::from_millis(1500),
            retry_after_secs: 1,
            reverse_after: Duration::from_secs(1),
            ..Faults::default()
        };
        for kind in FaultKind::ALL {
            faults.set_rate(kind, per_mille);
        }
        faults
    }

    fn slot(&mut self, kind: FaultKind) -> &mut u16 {
        match kind {
            FaultKind::Slow => &mut self.slow_per_mille,
            FaultKind::Html5xx => &mut self.html_5xx_per_mille,
            FaultKind::TooManyRequests => &mut self.too_many_per_mille,
            FaultKind::DropAfterCreate => &mut self.drop_after_create_per_mille,
            FaultKind::FailAfterCreate => &mut self.fail_after_create_per_mille,
            FaultKind::Truncate => &mut self.truncate_per_mille,
            FaultKind::Malformed => &mut self.malformed_per_mille,
            FaultKind::RevokeTokens => &mut self.revoke_tokens_per_mille,
            FaultKind::Reverse => &mut self.reverse_per_mille,
            FaultKind::DuplicateAfterCreate => &mut self.duplicate_after_create_per_mille,
            FaultKind::ThrottleAfterCreate => &mut self.throttle_after_create_per_mille,
            FaultKind::ExtraAttempt => &mut self.extra_attempt_per_mille,
            FaultKind::NoEcho => &mut self.no_echo_per_mille,
            FaultKind::OtherPhone => &mut self.other_phone_per_mille,
        }
    }

    /// One fault's chance, per mille.
    pub fn rate(&self, kind: FaultKind) -> u16 {
        match kind {
            FaultKind::Slow => self.slow_per_mille,
            FaultKind::Html5xx => self.html_5xx_per_mille,
            FaultKind::TooManyRequests => self.too_many_per_mille,
            FaultKind::DropAfterCreate => self.drop_after_create_per_mille,
            FaultKind::FailAfterCreate => self.fail_after_create_per_mille,
            FaultKind::Truncate => self.truncate_per_mille,
            FaultKind::Malformed => self.malformed_per_mille,
            FaultKind::RevokeTokens => self.revoke_tokens_per_mille,
            FaultKind::Reverse => self.reverse_per_mille,
            FaultKind::DuplicateAfterCreate => self.duplicate_after_create_per_mille,
            FaultKind::ThrottleAfterCreate => self.throttle_after_create_per_mille,
            FaultKind::ExtraAttempt => self.extra_attempt_per_mille,
            FaultKind::NoEcho => self.no_echo_per_mille,
            FaultKind::OtherPhone => self.other_phone_per_mille,
        }
    }

    /// Sets one fault's chance, per mille (capped at 1000).
    pub fn set_rate(&mut self, kind: FaultKind, per_mille: u16) {
        *self.slot(kind) = per_mille.min(1000);
    }

    /// The faults switched on, with their chances.
    pub fn active(&self) -> Vec<(FaultKind, u16)> {
        FaultKind::ALL
            .into_iter()
            .map(|k| (k, self.rate(k)))
            .filter(|(_, r)| *r > 0)
            .collect()
    }

    /// No fault can strike and the clock is true.
    pub fn is_off(&self) -> bool {
        self.active().is_empty() && self.clock_offset_secs == 0
    }
}
