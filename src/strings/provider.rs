//! Messages about talking to providers: errors, classified by what the cashier must do.

pub fn network_unreachable(provider: &str) -> String {
    format!("Could not reach {provider}: check the internet connection. Nothing was sent.")
}
pub fn outcome_unknown(provider: &str, detail: &str) -> String {
    format!("No clear answer from {provider} ({detail}); checking whether the prompt was sent.")
}
pub fn http_status_not_json(status: u16) -> String {
    format!("The provider answered HTTP {status} with a page that is not JSON.")
}
pub fn http_status(status: u16, message: &str) -> String {
    if message.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("{message} (HTTP {status})")
    }
}
pub fn bad_answer(detail: &str) -> String {
    format!("The provider's answer could not be read: {detail}")
}
pub fn too_many_requests() -> String {
    "The provider asks us to slow down; nothing was sent. Try again shortly.".into()
}
pub fn credentials_refused(provider: &str, message: &str) -> String {
    format!("{provider} refused the credentials: {message}. Check the client id and API key.")
}
pub fn cepta_unauthorized(skew: Option<i64>) -> String {
    match skew {
        Some(s) if s.abs() >= 30 => format!(
            "Cepta refused the request (UNAUTHORIZED). This machine's clock is off by {s} seconds \
             from Cepta's: fix the clock, or check the public and secret keys."
        ),
        _ => "Cepta refused the request (UNAUTHORIZED): check the public and secret keys, \
              and that this machine's clock is right."
            .into(),
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
