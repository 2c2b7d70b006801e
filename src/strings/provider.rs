//! Messages about talking to providers: errors, classified by what the cashier must do.

pub fn network_unreachable(provider: &str) -> String {
    format!("Could not reach {provider}: check the internet connection. Nothing was sent.")
}
pub fn outcome_unknown(provider: &str, detail: &str) -> String {
    format!("No clear answer from {provider} ({detail}); checking whether the prompt was sent.")
}
pub fn credentials_refused(provider: &str, message: &str) -> String {
    format!("{provider} refused the credentials: {message}. Check the client id and API key.")
}
/// Cepta's 401. `skew` is Cepta's `Date` header minus this machine's clock, in seconds
/// (positive: this machine is behind), when Cepta sent one.
pub fn cepta_unauthorized(skew: Option<i64>) -> String {
    match skew {
        Some(s) if s.unsigned_abs() >= 30 => format!(
            "Cepta refused the request (UNAUTHORIZED). Two likely causes: this machine's clock \
             is {} {} Cepta's (going by the Date header Cepta sent), so the request's timestamp \
             looks wrong: fix the clock or its time zone; or the public or secret key is wrong.",
            seconds(s.unsigned_abs()),
            if s > 0 { "behind" } else { "ahead of" }
        ),
        Some(s) => format!(
            "Cepta refused the request (UNAUTHORIZED): check the public and secret keys. This \
             machine's clock agrees with Cepta's Date header ({} s apart): it is not the cause.",
            s.unsigned_abs()
        ),
        None => "Cepta refused the request (UNAUTHORIZED). Two likely causes: the public or \
                 secret key is wrong, or this machine's clock is off (Cepta sent no Date header \
                 to compare with)."
            .into(),
    }
}
/// `600 seconds (about 10 minutes)`: the exact figure, and a rounder one when it is large.
fn seconds(n: u64) -> String {
    match n {
        n if n >= 7200 => format!("{n} seconds (about {} hours)", n / 3600),
        n if n >= 120 => format!("{n} seconds (about {} minutes)", n / 60),
        n => format!("{n} seconds"),
    }
}
pub fn amount_mismatch(expected: &str, got: &str) -> String {
    format!("The provider reports {got}, but {expected} was charged: check before giving goods.")
}
pub fn reference_mismatch(expected: &str, got: &str) -> String {
    format!("The provider answered for reference {got}, not {expected}.")
}
pub fn unknown_status_word(word: &str) -> String {
    format!("Provider status '{word}' is not one lipa knows; still waiting.")
}
pub fn not_found_yet() -> String {
    "The provider has no record of it yet.".into()
}
pub fn prompt_sent() -> String {
    "Prompt sent; waiting for the customer's PIN.".into()
}
pub fn paid() -> String {
    "Paid.".into()
}
pub fn on_hold(word: &str) -> String {
    format!("The provider reports {word}: check this payment in the provider's dashboard.")
}
pub fn wallet_unavailable(wallet: &str, message: &str) -> String {
    format!("{wallet} is not available now: {message}")
}

pub fn not_sent(reason: &str) -> String {
    format!("Not sent: {reason} Nothing was charged.")
}
pub fn not_sent_stopped() -> String {
    "Not sent: lipa stopped before the request left this machine. Nothing was charged.".into()
}
pub fn no_answer_by_deadline(minutes: u64) -> String {
    format!(
        "No final answer {minutes} min after the prompt: ask the customer, check their SMS, \
         then re-check."
    )
}
pub fn never_found(minutes: u64) -> String {
    format!(
        "The provider has no record of this payment {minutes} min after the send: it probably \
         never arrived. Check the provider's dashboard before sending again."
    )
}
pub fn unknown_after_send() -> String {
    "The send broke before an answer came: asking the provider whether the prompt exists.".into()
}
pub fn query_failed(detail: &str) -> String {
    format!("Could not check the status just now ({detail}); will try again.")
}

// Talking to providers: transport and classification (src/provider/http.rs).

// Read-only calls' messages end without a full stop: they are usually quoted inside
// `query_failed`.

/// A read-only call could not connect.
pub fn unreachable(provider: &str) -> String {
    format!("Could not reach {provider}: check the internet connection")
}
/// A read-only call got no answer it could use.
pub fn no_usable_answer(provider: &str, detail: &str) -> String {
    format!("{provider} gave no usable answer: {detail}")
}
pub fn detail_timeout() -> String {
    "no answer in time".into()
}
pub fn detail_broken() -> String {
    "the connection broke before the answer".into()
}
/// `HTTP 500: Error validating fee` or `HTTP 500`.
pub fn detail_http(status: u16, message: &str) -> String {
    if message.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {status}: {message}")
    }
}
/// A gateway's HTML page or other non-JSON body.
pub fn detail_not_json(status: u16) -> String {
    format!("HTTP {status} with a page that is not JSON")
}
/// JSON, but not the shape documented.
pub fn detail_bad_json(status: u16) -> String {
    format!("HTTP {status} with an answer lipa cannot read")
}
pub fn access_refused(provider: &str, detail: &str) -> String {
    format!(
        "{provider} refused access ({detail}): check the credentials and the account's \
         permissions."
    )
}
pub fn redirected(provider: &str, status: u16, location: &str) -> String {
    format!(
        "{provider} answered HTTP {status}, pointing elsewhere ({location}): check the base URL \
         in the configuration. Nothing was sent."
    )
}
pub fn request_not_built(provider: &str) -> String {
    format!(
        "lipa could not build a request to {provider}: check its base URL and keys in the \
         configuration (stray spaces or line breaks?). Nothing was sent."
    )
}
pub fn bad_base_url(provider: &str) -> String {
    format!("The {provider} base URL in the configuration is not usable. Nothing was sent.")
}
/// The provider's words as a sentence (so `not_sent` reads well).
pub fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() || t.ends_with(['.', '!', '?', '…']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

// ClickPesa.

pub fn token_missing() -> String {
    "ClickPesa's token answer held no token: check the client id and API key.".into()
}
pub fn token_refused_after_refresh(detail: &str) -> String {
    format!(
        "ClickPesa refused a freshly issued token ({detail}): check the application's \
         permissions, and whether the checksum setting was just changed."
    )
}
pub fn checksum_refused(message: &str) -> String {
    format!(
        "ClickPesa refused the checksum ({message}): check the checksum key, and whether \
         checksums are switched on in the ClickPesa dashboard. Nothing was sent."
    )
}
pub fn failed_without_reason(word: &str) -> String {
    format!("The payment did not go through ({word}).")
}

// Both.

pub fn wrong_currency(provider: &str, expected: &str, got: &str) -> String {
    format!("{provider} takes {expected} only, not {got}. Nothing was sent.")
}
pub fn wrong_country(provider: &str, country: &str) -> String {
    format!("{provider} pushes to {country} numbers only. Nothing was sent.")
}
pub fn provider_refused(provider: &str) -> String {
    format!("{provider} refused the request without saying why.")
}
pub fn amount_not_positive() -> String {
    "The amount must be more than zero. Nothing was sent.".into()
}
pub fn too_many_requests() -> String {
    "The provider asks us to slow down; nothing was sent. Try again shortly.".into()
}
