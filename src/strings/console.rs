//! Labels and messages of the cashier console.

use crate::console::form::Field;
use crate::payment::Status;
use crate::provider::ProviderKind;

pub const APP_NAME: &str = "lipa";
pub const NEXT_PAYMENT: &str = "Next payment:";
pub const DEMO_BANNER: &str = "DEMO — no real money";
pub const NO_PROVIDERS: &str = "No payment provider is configured.";
pub const INTERNAL_ERROR: &str =
    "lipa stopped after an internal error; payments are safe in the journal.";
pub const LOADING: &str = "Loading…";

// Form.
pub const FORM_TITLE: &str = "New payment";
pub const EMAIL_OPTIONAL: &str = "optional: the customer's e-mail for the receipt";
pub const CHANNEL_MPESA: &str = "M-PESA";
pub const CHANNEL_AIRTEL: &str = "Airtel Money";
pub const CHANNEL_TKASH: &str = "T-KASH";
pub const CHANNEL_SASAPAY: &str = "SasaPay";

pub fn field_label(field: Field) -> &'static str {
    match field {
        Field::Phone => "Phone",
        Field::Amount => "Amount",
        Field::Reference => "Reference",
        Field::Channel => "Channel",
        Field::Email => "E-mail",
    }
}

/// `ClickPesa · Tanzania · TZS`
pub fn provider_line(p: ProviderKind) -> String {
    format!(
        "{} · {} · {}",
        p.label(),
        p.country().name(),
        p.currency().code()
    )
}

/// `ClickPesa · TZS`
pub fn provider_short(p: ProviderKind) -> String {
    format!("{} · {}", p.label(), p.currency().code())
}

pub fn phone_example(p: ProviderKind) -> &'static str {
    match p {
        ProviderKind::ClickPesa => "e.g. 0712 345 678 or +255 712 345 678",
        ProviderKind::Cepta => "e.g. 0712 345 678 or +254 712 345 678",
    }
}

pub fn amount_example(p: ProviderKind) -> &'static str {
    match p {
        ProviderKind::ClickPesa => "whole shillings, e.g. 1500 or 1,500",
        ProviderKind::Cepta => "e.g. 1500 or 1,500.50",
    }
}

pub fn reference_coming() -> &'static str {
    "getting a fresh reference…"
}

pub fn refused(field: Field, c: char, p: ProviderKind) -> String {
    let what = match field {
        Field::Phone => "Only digits, + ( ) - and spaces go in a phone number.",
        Field::Amount => "Not allowed in an amount.",
        Field::Reference if p == ProviderKind::Cepta => "Letters, digits, - and _ only.",
        Field::Reference => "Letters and digits only.",
        Field::Email | Field::Channel => "Not allowed here.",
    };
    format!("“{c}” refused. {what}")
}

pub fn field_full(max: usize) -> String {
    format!("At most {max} characters here.")
}

pub fn channel_suggested(network: &str) -> String {
    format!("✓ suggested for {network} (←/→ to change)")
}

pub fn channel_differs(network: &str) -> String {
    format!("! the number looks like {network}: check the channel")
}

pub fn channel_change_hint() -> &'static str {
    "←/→ or Space to change"
}

/// Under the phone: the wallet check found no wallet able to take a push (Enter still works).
pub const PREVIEW_NO_WALLET: &str = "✗ no wallet can take a push for this number now";
/// Under the phone, after the network: the wallet check did not answer.
pub const PREVIEW_FAILED: &str = "could not check the name";
/// Between the network and the customer's registered name, or the check's failure.
pub const PREVIEW_SEPARATOR: &str = " · ";

// Pending pane.
pub const NO_PAYMENTS: &str = "No payments waiting. Type a phone number and amount, then Enter.";
pub const COL_AGE: &str = "Age";
pub const COL_PHONE: &str = "Phone";
pub const COL_AMOUNT: &str = "Amount";
pub const COL_PROVIDER: &str = "Provider";
pub const COL_STATUS: &str = "Status";
pub const COL_WORDS: &str = "Provider says";
pub const COL_COUNT: &str = "Count";
pub const COL_TOTAL: &str = "Total";

/// `Payments · 2 waiting · 1 needs you · 3 done (1 failed)`: what is still open first.
pub fn pending_title(waiting: usize, needs_you: usize, done: usize, failed: usize) -> String {
    let mut parts = vec!["Payments".to_string()];
    if waiting > 0 {
        parts.push(format!("{waiting} waiting"));
    }
    match needs_you {
        0 => {}
        1 => parts.push("1 needs you".into()),
        n => parts.push(format!("{n} need you")),
    }
    match (done, failed) {
        (0, _) => {}
        (d, 0) => parts.push(format!("{d} done")),
        (d, f) => parts.push(format!("{d} done ({f} failed)")),
    }
    parts.join(" · ")
}

pub const STATUS_CHECKING: &str = "checking";

pub fn prompt_expired() -> &'static str {
    "The prompt has expired on the phone; checking whether the customer paid."
}

pub fn checking_arrival() -> &'static str {
    "Checking whether it reached the provider (lipa stopped while sending)."
}

pub fn prompt_expires(clock: &str, expired: bool) -> String {
    if expired {
        format!("expired at {clock} on the customer's phone")
    } else {
        format!("on the customer's phone until about {clock}")
    }
}

pub fn status_word(status: Status, checked: bool) -> &'static str {
    match status {
        Status::Recorded => "saved",
        Status::Sending => "sending",
        Status::Pending => "waiting",
        Status::Unknown => "answer lost",
        Status::Paid => "paid",
        Status::Failed => "failed",
        Status::Attention if checked => "checked",
        Status::Attention => "needs you",
    }
}

// Detail.
pub const DETAIL_TITLE: &str = "Payment";
pub const HISTORY_TITLE: &str = "History";
pub const LABEL_STATUS: &str = "Status";
pub const LABEL_SAYS: &str = "Says";
pub const LABEL_AMOUNT: &str = "Amount";
pub const LABEL_PHONE: &str = "Phone";
pub const LABEL_REFERENCE: &str = "Reference";
pub const LABEL_CHANNEL: &str = "Channel";
pub const LABEL_EMAIL: &str = "E-mail";
pub const LABEL_SENT: &str = "Sent";
pub const LABEL_ACTIONS: &str = "Keys";
pub const LABEL_LATEST: &str = "Latest";
pub const LABEL_PROMPT: &str = "Prompt";
pub const LABEL_CHECKED: &str = "Checked";
pub const LABEL_AGAIN: &str = "Again";

pub fn checked_by(who: &str, at: &str, note: Option<&str>) -> String {
    match note {
        Some(n) => format!("by {who} at {at}: {n}"),
        None => format!("by {who} at {at}"),
    }
}

/// On a failed payment that was sent again.
pub fn sent_again_as(reference: Option<&str>, id: i64) -> String {
    match reference {
        Some(r) => format!("sent again as {r}"),
        None => format!("sent again (payment {id})"),
    }
}

/// On the payment that sends a failed one again.
pub fn sends_again(reference: Option<&str>, id: i64) -> String {
    match reference {
        Some(r) => format!("sends again {r}, which failed"),
        None => format!("sends again payment {id}, which failed"),
    }
}
pub const NOTHING_TO_DO: &str = "nothing to do: this payment is settled";

pub fn detail_title(p: ProviderKind) -> String {
    format!("Payment · {}", p.label())
}

pub fn sent_line(clock: &str, polls: u32) -> String {
    match polls {
        1 => format!("{clock} · asked the provider once"),
        n => format!("{clock} · asked the provider {n} times"),
    }
}

// Today.
/// chrono format of the day in today's title.
pub const DATE_FORMAT: &str = "%a %d %b %Y";
pub const TODAY_EMPTY: &str = "No payments yet today.";
pub const TODAY_LIST_TITLE: &str = "Payments today";
pub const TOO_LARGE: &str = "too large";

pub fn today_title(date: &str, count: usize) -> String {
    match count {
        1 => format!("Today · {date} · 1 payment"),
        n => format!("Today · {date} · {n} payments"),
    }
}

// Questions.
pub const DUPLICATE_TITLE: &str = "Same payment again?";
pub const SEND_AGAIN_TITLE: &str = "Send again?";
pub const QUIT_TITLE: &str = "Quit?";

pub fn duplicate_question(ago: &str, status: &str, reference: &str, words: &str) -> String {
    let why = if words.is_empty() {
        String::new()
    } else {
        format!(" {words}")
    };
    format!(
        "The same phone and amount were sent {ago} ({status}, reference {reference}).{why} \
         Send another prompt?"
    )
}

pub const SWITCH_TITLE: &str = "Switch provider?";
pub const NO_WALLET_TITLE: &str = "No wallet for this number?";
pub const CHECK_TITLE: &str = "Mark as checked?";
pub const NOTE_LABEL: &str = "Note (optional): ";

pub fn switch_question(from: ProviderKind, to: ProviderKind) -> String {
    format!(
        "The next payment would go to {}. The phone and amount typed for {} ({}) are cleared.",
        provider_line(to),
        from.label(),
        from.currency().code()
    )
}

pub fn no_wallet_question() -> String {
    "The wallet check says no wallet can take a push for this number now. Send the prompt \
     anyway?"
        .into()
}

pub fn check_question() -> String {
    "You have looked at this payment (asked the customer, checked the provider's dashboard). \
     Write what you found, then Enter; Esc to go back."
        .into()
}

pub fn send_again_question() -> String {
    "Send a new prompt for this failed payment, with a new reference?".into()
}

pub fn quit_question(waiting: usize) -> String {
    let what = if waiting == 1 {
        "1 payment is".to_string()
    } else {
        format!("{waiting} payments are")
    };
    format!(
        "{what} still waiting. Nothing is lost: they stay in the journal and are followed \
         again when lipa starts. Quit now?"
    )
}

// Notices.
pub fn sending(who: &str, amount: &str) -> String {
    format!("Sending {amount} to {who}…")
}

pub fn sending_again(who: &str) -> String {
    format!("Sending again to {who} with a new reference…")
}

pub fn prompt_sent(who: &str, amount: &str) -> String {
    format!("Prompt for {amount} sent to {who}.")
}

/// The send was refused or never left: the payment's own words say why.
pub fn send_failed(who: &str, words: &str) -> String {
    format!("{who}: {words}")
}

/// The send's answer was lost: the prompt may be on the phone.
pub fn answer_lost(who: &str, amount: &str) -> String {
    format!("Sent, answer lost — checking: {amount} to {who}. Do not send it again.")
}

pub fn paid_at_once(who: &str, amount: &str) -> String {
    format!("Paid: {amount} from {who}.")
}

pub fn needs_you_now(who: &str, words: &str) -> String {
    format!("Needs you — {who}: {words}")
}

pub fn answer_not_journalled(who: &str, why: &str) -> String {
    format!(
        "Sent to {who}, but the journal could not record the answer ({why}). Do not send it \
         again: lipa checks it."
    )
}

pub fn not_recorded(why: &str, kept: bool) -> String {
    if kept {
        format!("Not sent: {why}. The form holds it again.")
    } else {
        format!("Not sent: {why}")
    }
}

pub fn not_sent_duplicate(in_form: bool) -> String {
    if in_form {
        "Not sent. The form still holds it.".into()
    } else {
        "Not sent.".into()
    }
}

pub fn could_not_resume(why: &str) -> String {
    format!("Could not read unfinished payments: {why}")
}

pub fn could_not_load(why: &str) -> String {
    format!("Could not read the journal: {why}")
}

pub fn only_provider(p: ProviderKind) -> String {
    format!("{} is the only provider configured.", p.label())
}

pub fn switched(p: ProviderKind) -> String {
    format!("Next payment goes to {}.", provider_line(p))
}

pub fn rechecking(p: ProviderKind) -> String {
    format!("Asking {} now…", p.label())
}

pub fn recheck_final() -> String {
    "This payment is settled; it will not change again.".into()
}

pub fn marked_checked() -> String {
    "Marked as checked.".into()
}

pub fn mark_only_attention() -> String {
    "Only a payment that needs you can be marked as checked.".into()
}

pub fn sent_again_already(reference: Option<&str>) -> String {
    match reference {
        Some(r) => format!("Already sent again, as {r}."),
        None => "Already being sent again.".into(),
    }
}

pub fn cleared_done(n: usize) -> String {
    match n {
        0 => "Nothing finished to clear.".into(),
        1 => "1 finished payment cleared from the list (it stays in today's).".into(),
        n => format!("{n} finished payments cleared from the list (they stay in today's)."),
    }
}

pub fn answer_first() -> String {
    "Answer the question first: y for yes, n for no.".into()
}

pub fn switch_declined(p: ProviderKind) -> String {
    format!("Still {}; the form is as it was.", provider_line(p))
}

pub fn send_again_only_failed() -> String {
    "Only a failed payment can be sent again.".into()
}

// Keys and what they do.
pub const KEY_ENTER: &str = "Enter";
pub const KEY_TAB: &str = "Tab";
pub const KEY_ESC: &str = "Esc";
pub const KEY_JK: &str = "↑↓/jk";
pub const KEY_LEFT_RIGHT: &str = "←→";
pub const KEY_LEFT_RIGHT_SPACE: &str = "←→/Space";
pub const KEY_EDITING: &str = "^U ^W ^A ^E";
pub const KEY_R: &str = "r";
pub const KEY_C: &str = "c";
pub const KEY_S: &str = "s";
pub const KEY_Y: &str = "y";
pub const KEY_N: &str = "n";
pub const KEY_Y_N: &str = "y / n";
pub const KEY_CTRL_P: &str = "^P";
pub const KEY_CTRL_T: &str = "^T";
pub const KEY_CTRL_C: &str = "^C";
pub const KEY_CTRL_X: &str = "^X";
pub const KEY_CTRL_L: &str = "^L";
pub const KEY_HELP: &str = "?";

pub const DO_SEND: &str = "send";
pub const DO_NEXT_FIELD: &str = "next field";
pub const DO_CHANNEL: &str = "channel";
pub const DO_MOVE: &str = "move";
pub const DO_OPEN: &str = "open";
pub const DO_RECHECK: &str = "re-check now";
pub const DO_MARK_CHECKED: &str = "mark as checked";
pub const DO_SEND_AGAIN: &str = "send again";
pub const DO_BACK: &str = "back";
pub const DO_CLOSE: &str = "close";
pub const DO_SWITCH: &str = "provider";
pub const DO_TODAY: &str = "today";
pub const DO_HELP: &str = "help";
pub const DO_QUIT: &str = "quit";
pub const DO_CLEAR: &str = "clear done";
pub const DO_YES: &str = "yes";
pub const DO_NO: &str = "no";

pub const KEY_TAB_BOTH: &str = "Tab / Shift-Tab";
pub const KEY_CTRL_T_T: &str = "^T / t";
pub const KEY_HELP_F1: &str = "? / F1";

pub const HELP_TITLE: &str = "Keys";
pub const HELP_TAB: &str = "next / previous field, then the list";
pub const HELP_ENTER: &str = "send the form · open a payment";
pub const HELP_CHANNEL: &str = "change the Cepta channel";
pub const HELP_EDIT: &str = "clear · delete word · start · end";
pub const HELP_MOVE: &str = "move in a list";
pub const HELP_RECHECK: &str = "ask the provider again now";
pub const HELP_MARK_CHECKED: &str = "mark as checked (needs you)";
pub const HELP_SEND_AGAIN: &str = "send a failed payment again";
pub const HELP_BACK: &str = "back · close · clear the field";
pub const HELP_CLEAR: &str = "clear finished payments off the list";
pub const HELP_REPAINT: &str = "repaint the whole screen";
pub const HELP_SWITCH: &str = "switch provider";
pub const HELP_TODAY: &str = "today's payments and totals";
pub const HELP_HELP: &str = "this help";
pub const HELP_ANSWER: &str = "answer a question";
pub const HELP_QUIT: &str = "quit (payments are kept)";
pub const HELP_FOOT: &str = "^ is Ctrl. In the form, letters are text.";

/// How long ago, in words: `22 seconds`, `3 minutes`.
/// How long ago, in words: `just now`, `22 s ago`, `3 min 10 s ago`.
pub fn ago(secs: i64) -> String {
    match secs.max(0) {
        s if s < 3 => "just now".into(),
        s => format!("{} ago", crate::strings::span(s as u64)),
    }
}
