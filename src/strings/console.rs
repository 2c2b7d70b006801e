//! Labels and sentences of the cashier console, in English and Kiswahili. A label with a slot
//! is drawn in a column of that many cells; the catalogue test holds both languages to it.

use crate::lang::Lang;
use crate::money::AmountRule;
use crate::payment::Status;
use crate::phone::Country;
use crate::provider_kind::ProviderKind;
use crate::strings::span_in;
use chrono::{Datelike, NaiveDate};

pub const APP_NAME: &str = "lipa";
/// Between the network and the customer's registered name, or the check's failure.
pub const PREVIEW_SEPARATOR: &str = " · ";

// Keys are named the same in both languages.
pub const KEY_ENTER: &str = "Enter";
pub const KEY_TAB: &str = "Tab";
pub const KEY_ESC: &str = "Esc";
pub const KEY_JK: &str = "↑↓/jk";
pub const KEY_PAGES: &str = "PgUp/PgDn";
pub const KEY_LEFT_RIGHT: &str = "←→";
pub const KEY_LEFT_RIGHT_SPACE: &str = "←→/Space";
pub const KEY_EDITING: &str = "^U ^W ^A ^E";
pub const KEY_R: &str = "r";
pub const KEY_C: &str = "c";
pub const KEY_S: &str = "s";
pub const KEY_P: &str = "p";
pub const KEY_O: &str = "o";
pub const KEY_Z: &str = "z";
pub const KEY_CTRL_P: &str = "^P";
pub const KEY_CTRL_T: &str = "^T";
pub const KEY_CTRL_R: &str = "^R";
pub const KEY_CTRL_F: &str = "^F";
pub const KEY_UP_DOWN: &str = "↑↓";
pub const KEY_CTRL_C: &str = "^C";
pub const KEY_CTRL_X: &str = "^X";
pub const KEY_CTRL_X_X: &str = "^X / x";
pub const KEY_CTRL_L: &str = "^L";
pub const KEY_CTRL_G: &str = "^G";
pub const KEY_HELP: &str = "?";
pub const KEY_TAB_BOTH: &str = "Tab / Shift-Tab";
pub const KEY_CTRL_T_T: &str = "^T / t";
pub const KEY_CTRL_R_Z: &str = "^R · z";

/// Widest status word: the status column is 13 cells with its symbol and space.
pub const STATUS_SLOT: usize = 11;
/// Widest label in the detail's facts (a space follows it).
pub const FACT_SLOT: usize = 10;

labels! {
    // A question's keys: Kiswahili takes d (ndiyo) and h (hapana) beside y and n.
    key_yes: "y", "y/d";
    key_no: "n", "n/h";
    key_yes_no: "y / n", "y/d · n/h";
    next_payment: "Next payment:", "Malipo yajayo:";
    demo_banner: "DEMO — no real money", "MAJARIBIO — si pesa halisi";
    no_providers: "No payment provider is configured.",
        "Hakuna mtoa huduma wa malipo aliyewekwa.";
    waiting_for_send: "Waiting for the provider's answer to a payment being sent (some providers can be asked about a payment only with what that answer holds)…",
        "Inasubiri jibu la mtoa huduma kwa malipo yanayotumwa (watoa huduma wengine wanaweza kuulizwa kuhusu malipo kwa kilichomo kwenye jibu hilo tu)…";
    internal_error: "lipa stopped after an internal error; payments are safe in the journal.",
        "lipa imesimama kwa hitilafu ya ndani; malipo yako salama kwenye daftari.";
    loading: "Loading…", "Inapakia…";

    form_title: "New payment", "Malipo mapya";
    email_optional: "optional: the customer's e-mail for the receipt",
        "si lazima: barua pepe ya mteja kwa risiti";
    field_phone [FACT_SLOT]: "Phone", "Simu";
    field_amount [FACT_SLOT]: "Amount", "Kiasi";
    field_reference [FACT_SLOT]: "Reference", "Kumbukumbu";
    field_channel [FACT_SLOT]: "Channel", "Njia";
    field_email [FACT_SLOT]: "E-mail", "Barua pepe";
    amount_example_whole: "whole shillings, e.g. 1500 or 1,500", "shilingi nzima, mfano 1500 au 1,500";
    amount_example_cents: "e.g. 1500 or 1,500.50", "mfano 1500 au 1,500.50";
    reference_coming: "getting a fresh reference…", "inaleta kumbukumbu mpya…";
    reference_own: "type your own, or leave it empty for a fresh one",
        "andika yako, au iache tupu upate mpya";
    refused_phone: "Only digits, + ( ) - and spaces go in a phone number.",
        "Namba ya simu ina tarakimu, + ( ) - na nafasi tu.";
    refused_amount: "Not allowed in an amount.", "Hairuhusiwi kwenye kiasi.";
    refused_other: "Not allowed here.", "Hairuhusiwi hapa.";
    paste_control: "Nothing pasted: it holds control characters (a terminal's codes). Type it instead.",
        "Hakuna kilichobandikwa: maandishi yana herufi za udhibiti (misimbo ya terminal). Yaandike kwa mkono.";
    channel_change_hint: "←/→ or Space to change", "←/→ au Space kubadili";
    preview_no_wallet: "✗ no wallet can take a push for this number now",
        "✗ hakuna pochi inayoweza kupokea ombi kwa namba hii sasa";
    preview_failed: "could not check the name", "jina halikuweza kuulizwa";

    no_payments: "No payments waiting. Type a phone number and amount, then Enter.",
        "Hakuna malipo yanayosubiri. Andika namba ya simu na kiasi, kisha Enter.";
    col_age [6]: "Age", "Muda";
    col_phone [11]: "Phone", "Simu";
    col_amount [8]: "Amount", "Kiasi";
    col_provider [9]: "Provider", "Huduma";
    col_by [10]: "By", "Mhudumu";
    col_status [13]: "Status", "Hali";
    col_words: "Provider says", "Jibu";
    col_count: "Count", "Idadi";
    col_total: "Total", "Jumla";
    payments: "Payments", "Malipo";

    status_saved [STATUS_SLOT]: "saved", "imeandikwa";
    status_sending [STATUS_SLOT]: "sending", "inatumwa";
    status_waiting [STATUS_SLOT]: "waiting", "inasubiri";
    status_lost [STATUS_SLOT]: "answer lost", "jibu halipo";
    status_paid [STATUS_SLOT]: "paid", "imelipwa";
    status_failed [STATUS_SLOT]: "failed", "imeshindwa";
    status_checked [STATUS_SLOT]: "checked", "imekaguliwa";
    status_needs_you [STATUS_SLOT]: "needs you", "kagua";
    status_checking [STATUS_SLOT]: "checking", "inauliza";
    prompt_expired: "The prompt has expired on the phone; checking whether the customer paid.",
        "Ombi limeisha muda kwenye simu; inauliza kama mteja amelipa.";
    checking_arrival: "Checking whether it reached the provider (lipa stopped while sending).",
        "Inauliza kama lilimfikia mtoa huduma (lipa ilisimama ikituma).";

    detail_title_plain: "Payment", "Malipo";
    history_title: "History", "Historia";
    label_status [FACT_SLOT]: "Status", "Hali";
    label_says [FACT_SLOT]: "Says", "Jibu";
    label_amount [FACT_SLOT]: "Amount", "Kiasi";
    label_phone [FACT_SLOT]: "Phone", "Simu";
    label_reference [FACT_SLOT]: "Reference", "Kumbukumbu";
    label_channel [FACT_SLOT]: "Channel", "Njia";
    label_email [FACT_SLOT]: "E-mail", "Barua pepe";
    label_sent [FACT_SLOT]: "Sent", "Imetumwa";
    label_operator [FACT_SLOT]: "By", "Mhudumu";
    label_actions [FACT_SLOT]: "Keys", "Vitufe";
    label_latest [FACT_SLOT]: "Latest", "Mwisho";
    label_flag [FACT_SLOT]: "Look!", "Angalia!";
    label_prompt [FACT_SLOT]: "Prompt", "Ombi";
    label_checked [FACT_SLOT]: "Checked", "Ukaguzi";
    label_again [FACT_SLOT]: "Again", "Tena";
    nothing_to_do: "nothing to do: this payment is settled",
        "hakuna cha kufanya: malipo haya yamekamilika";

    today_empty: "No payments yet today.", "Bado hakuna malipo leo.";
    today_list_title: "Payments today", "Malipo ya leo";
    today_people_title: "Operators today", "Wahudumu leo";
    too_large: "too large", "kubwa mno";

    duplicate_title: "Same payment again?", "Malipo yaleyale tena?";
    send_again_title: "Send again?", "Tuma tena?";
    quit_title: "Quit?", "Ondoka?";
    switch_title: "Switch provider?", "Badili mtoa huduma?";
    no_wallet_title: "No wallet for this number?", "Hakuna pochi kwa namba hii?";
    check_title: "Mark as checked?", "Weka kuwa imekaguliwa?";
    note_label: "Note (optional): ", "Maelezo (si lazima): ";
    no_wallet_question:
        "The wallet check says no wallet can take a push for this number now. Send the prompt anyway?",
        "Ukaguzi wa pochi unasema hakuna pochi inayoweza kupokea ombi kwa namba hii sasa. Tuma ombi hata hivyo?";
    check_question:
        "You have looked at this payment (asked the customer, checked the provider's dashboard). Write what you found, then Enter; Esc to go back.",
        "Umeyaangalia malipo haya (umemuuliza mteja, umekagua dashibodi ya mtoa huduma). Andika ulichokiona, kisha Enter; Esc kurudi.";
    send_again_question: "Send a new prompt for this failed payment, with a new reference?",
        "Tuma ombi jipya kwa malipo haya yaliyoshindwa, kwa kumbukumbu mpya?";
    not_sent: "Not sent.", "Haijatumwa.";
    not_sent_in_form: "Not sent. The form still holds it.", "Haijatumwa. Fomu bado inayo.";
    recheck_final: "This payment is settled; it will not change again.",
        "Malipo haya yamekamilika; hayatabadilika tena.";
    marked_checked: "Marked as checked.", "Imewekwa kuwa imekaguliwa.";
    mark_only_attention: "Only a payment that needs you can be marked as checked.",
        "Ni malipo yanayohitaji ukaguzi tu yanayoweza kuwekwa kuwa yamekaguliwa.";
    mark_is_supervisors: "Only a supervisor can mark a payment as checked.",
        "Ni msimamizi tu anayeweza kuweka malipo kuwa yamekaguliwa.";
    sending_again_already: "Already being sent again.", "Tayari yanatumwa tena.";
    answer_first: "Answer the question first: y for yes, n for no.",
        "Jibu swali kwanza: y au d kwa ndiyo, n au h kwa hapana.";
    send_again_only_failed: "Only a failed payment can be sent again.",
        "Ni malipo yaliyoshindwa tu yanayoweza kutumwa tena.";
    just_now: "just now", "sasa hivi";

    do_send: "send", "tuma";
    do_next_field: "next field", "sehemu ijayo";
    do_channel: "channel", "njia";
    do_move: "move", "sogea";
    do_open: "open", "fungua";
    do_recheck: "re-check now", "uliza sasa";
    do_mark_checked: "mark as checked", "imekaguliwa";
    do_send_again: "send again", "tuma tena";
    do_back: "back", "rudi";
    do_close: "close", "funga";
    do_switch: "provider", "huduma";
    do_today: "today", "leo";
    do_operators: "operators", "wahudumu";
    do_payments: "payments", "malipo";
    do_report: "report", "ripoti";
    do_search: "search", "tafuta";
    do_print: "print receipt", "chapisha risiti";
    do_close_day: "close the day", "funga siku";
    close_title: "Close the day", "Funga siku";
    close_closed: "This day is closed already; it can be printed again, never changed.",
        "Siku hii imeshafungwa; inaweza kuchapishwa tena, haibadilishwi kamwe.";
    close_not_yours: "Only a supervisor or the till closes the day.",
        "Ni msimamizi au kaunta tu inayofunga siku.";
    print_only_paid: "Only a paid payment has a receipt.", "Malipo yaliyolipwa tu yana risiti.";
    print_no_printer: "No receipt printer is set ([receipt] printer in the configuration).",
        "Hakuna printa ya risiti iliyowekwa ([receipt] printer kwenye mipangilio).";
    printing: "Printing the receipt…", "Inachapisha risiti…";
    printed: "Receipt printed.", "Risiti imechapishwa.";
    do_other_day: "day", "siku";
    do_scroll: "scroll", "sogeza";
    do_help: "help", "msaada";
    do_quit: "quit", "ondoka";
    do_clear: "clear done", "ondoa yaliyokwisha";
    do_yes: "yes", "ndiyo";
    do_no: "no", "hapana";
    do_language: "Kiswahili", "English";
    language_now: "English now (Kiswahili: ^G)", "Sasa ni Kiswahili (English: ^G)";
    language_was: "language changed to Swahili", "lugha imebadilishwa kuwa Kiingereza";

    help_title: "Keys", "Vitufe";
    help_tab: "next / previous field, then the list", "sehemu ijayo / iliyopita, kisha orodha";
    help_enter: "send the form · open a payment", "tuma fomu · fungua malipo";
    help_edit: "clear · delete word · start · end", "futa · futa neno · mwanzo · mwisho";
    help_move: "move in a list", "sogea kwenye orodha";
    help_page: "a page up or down (Home, End: first, last)", "ukurasa juu au chini (Home, End: wa kwanza, wa mwisho)";
    help_recheck: "ask the provider again now", "muulize mtoa huduma tena sasa";
    help_mark_checked: "mark as checked (needs you)", "weka kuwa imekaguliwa (kagua)";
    help_send_again: "send a failed payment again", "tuma tena malipo yaliyoshindwa";
    help_print: "print a paid payment's receipt (in its detail)",
        "chapisha risiti ya malipo yaliyolipwa (ndani ya malipo)";
    help_back: "back · close · clear the field", "rudi · funga · futa sehemu";
    help_clear: "clear finished payments off the list", "ondoa malipo yaliyokwisha kwenye orodha";
    help_repaint: "repaint the whole screen", "chora skrini yote upya";
    help_switch: "switch provider", "badili mtoa huduma";
    help_language: "Kiswahili / English", "Kiswahili / Kiingereza";
    help_today: "today's payments and totals (o: by operator)", "malipo ya leo na jumla (o: kwa mhudumu)";
    help_report: "the day's report (← → another day; z closes it)",
        "ripoti ya siku (← → siku nyingine; z inaifunga)";
    help_report_view: "the day's report (← → another day)", "ripoti ya siku (← → siku nyingine)";
    help_search: "search every payment: phone digits, reference, amount", "tafuta malipo yote: tarakimu za simu, kumbukumbu, kiasi";
    search_prompt: "Search", "Tafuta";
    search_hint: "digits of a phone, part of a reference, or an amount", "tarakimu za simu, sehemu ya kumbukumbu, au kiasi";
    search_none: "No payment matches.", "Hakuna malipo yanayolingana.";
    help_answer: "answer a question", "jibu swali";
    help_quit: "quit (payments are kept)", "ondoka (malipo yanabaki)";
    help_foot: "? or F1: this help. ^ is Ctrl. In the form, letters are text.",
        "? au F1: msaada huu. ^ ni Ctrl. Kwenye fomu, herufi ni maandishi.";

    weekday_1: "Mon", "Jumatatu";
    weekday_2: "Tue", "Jumanne";
    weekday_3: "Wed", "Jumatano";
    weekday_4: "Thu", "Alhamisi";
    weekday_5: "Fri", "Ijumaa";
    weekday_6: "Sat", "Jumamosi";
    weekday_7: "Sun", "Jumapili";
}

/// `<Provider> · Tanzania · TZS` (the same in both languages).
pub fn provider_line(p: ProviderKind) -> String {
    format!(
        "{} · {} · {}",
        p.label(),
        p.country().name(),
        p.currency().code()
    )
}

/// `<Provider> · TZS`
pub fn provider_short(p: ProviderKind) -> String {
    format!("{} · {}", p.label(), p.currency().code())
}

/// The amount field's example, for a provider's amount rule.
pub fn amount_example(lang: Lang, rule: &AmountRule) -> &'static str {
    match rule.decimals {
        0 => amount_example_whole(lang),
        _ => amount_example_cents(lang),
    }
}

pub fn status_word(lang: Lang, status: Status, checked: bool) -> &'static str {
    match status {
        Status::Recorded => status_saved(lang),
        Status::Sending => status_sending(lang),
        Status::Pending => status_waiting(lang),
        Status::Unknown => status_lost(lang),
        Status::Paid => status_paid(lang),
        Status::Failed => status_failed(lang),
        Status::Attention if checked => status_checked(lang),
        Status::Attention => status_needs_you(lang),
    }
}

/// `Payments · 2 waiting · 1 needs you · 3 done (1 failed)`: what is still open first.
pub fn pending_title(
    lang: Lang,
    waiting: usize,
    needs_you: usize,
    done: usize,
    failed: usize,
) -> String {
    let mut parts = vec![payments(lang).to_string()];
    if waiting > 0 {
        parts.push(title_waiting(lang, waiting));
    }
    if needs_you > 0 {
        parts.push(title_needs_you(lang, needs_you));
    }
    match (done, failed) {
        (0, _) => {}
        (d, 0) => parts.push(title_done(lang, d)),
        (d, f) => parts.push(title_done_failed(lang, d, f)),
    }
    parts.join(" · ")
}

/// [`pending_title`] in `width` cells: whole when it fits; else without its first word; else
/// by the statuses' symbols (`◷ 2 · ! 1 · ✓ 2 · ✗ 1`); else those that fit and `…`. Never cut
/// inside a word (`… 3 yamekwisha (1 yames` read as nothing).
pub fn pending_title_fit(lang: Lang, counts: (usize, usize, usize, usize), width: usize) -> String {
    let (waiting, needs_you, done, failed) = counts;
    let full = pending_title(lang, waiting, needs_you, done, failed);
    let fits = |t: &str| t.chars().count() <= width;
    if fits(&full) {
        return full;
    }
    let lead = format!("{} · ", payments(lang));
    if let Some(rest) = full.strip_prefix(&lead)
        && fits(rest)
    {
        return rest.to_string();
    }
    let mut parts = Vec::new();
    for (symbol, n) in [
        ("◷", waiting),
        ("!", needs_you),
        ("✓", done.saturating_sub(failed)),
        ("✗", failed),
    ] {
        if n > 0 {
            parts.push(format!("{symbol} {n}"));
        }
    }
    let short = parts.join(" · ");
    if fits(&short) {
        return short;
    }
    let mut shown = String::new();
    for p in parts {
        let next = if shown.is_empty() {
            p.clone()
        } else {
            format!("{shown} · {p}")
        };
        if next.chars().count() + 2 > width {
            break;
        }
        shown = next;
    }
    if shown.is_empty() {
        "…".to_string()
    } else {
        format!("{shown} …")
    }
}

/// The day in Today's title: `Wed 02 Dec 2026`, `Jumatano 02/12/2026`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let day = match d.weekday().number_from_monday() {
        1 => weekday_1(lang),
        2 => weekday_2(lang),
        3 => weekday_3(lang),
        4 => weekday_4(lang),
        5 => weekday_5(lang),
        6 => weekday_6(lang),
        _ => weekday_7(lang),
    };
    match lang {
        Lang::En => format!("{day} {}", d.format("%d %b %Y")),
        Lang::Sw => format!("{day} {}", d.format("%d/%m/%Y")),
    }
}

/// How long ago: `just now`, `22 s ago`, `3 min 10 s ago`.
pub fn ago(lang: Lang, secs: i64) -> String {
    match secs.max(0) {
        s if s < 3 => just_now(lang).into(),
        s => ago_span(lang, &span_in(lang, s as u64)),
    }
}

pub fn sent_again_already(lang: Lang, reference: Option<&str>) -> String {
    match reference {
        Some(r) => sent_again_already_as(lang, r),
        None => sending_again_already(lang).into(),
    }
}

/// The language key's notice: in the new language first, then in the one it was.
pub fn language_changed(now: Lang) -> String {
    format!("{} · {}", language_now(now), language_was(now.other()))
}

pub fn not_sent_duplicate(lang: Lang, in_form: bool) -> String {
    match in_form {
        true => not_sent_in_form(lang).into(),
        false => not_sent(lang).into(),
    }
}

sentences! {
    /// The phone field's example, for a country's numbers.
    fn phone_example(country: Country = Country::Kenya) {
        en: format!("e.g. 0712 345 678 or +{} 712 345 678", country.dial_code()),
        sw: format!("mfano 0712 345 678 au +{} 712 345 678", country.dial_code()),
    }
    /// What the reference field takes, said when it refuses a key: `Letters and digits only.`
    /// (`extra`: what the provider's references take besides letters and digits).
    fn refused_reference(extra: &str = "-_") {
        en: format!("{} only.", capital(&crate::strings::domain::reference_takes(Lang::En, extra))),
        sw: format!("{} tu.", capital(&crate::strings::domain::reference_takes(Lang::Sw, extra))),
    }
    fn refused_char(c: &str = "“q”", many: bool = false, what: &str = "Not allowed here.") {
        en: format!("{c} refused. {what}"),
        sw: if many {
            format!("{c} zimekataliwa. {what}")
        } else {
            format!("{c} imekataliwa. {what}")
        },
    }
    fn paste_refused(why: &str = "“;” refused. Letters and digits only.") {
        en: format!("Nothing pasted: {why}"),
        sw: format!("Hakuna kilichobandikwa: {why}"),
    }
    fn paste_full(max: usize = 20) {
        en: format!("Nothing pasted: at most {max} characters here."),
        sw: format!("Hakuna kilichobandikwa: herufi {max} tu zinatosha hapa."),
    }
    fn field_full(max: usize = 20) {
        en: format!("At most {max} characters here."),
        sw: format!("Herufi {max} tu zinatosha hapa."),
    }
    fn channel_suggested(network: &str = "Safaricom M-PESA") {
        en: format!("✓ suggested for {network} (←/→ to change)"),
        sw: format!("✓ inapendekezwa kwa {network} (←/→ kubadili)"),
    }
    fn channel_predicted(provider: &str = "pawaPay Tanzania", wallet: &str = "Mixx by Yas") {
        en: format!("✓ {provider} says this number is on {wallet} (←/→ to change)"),
        sw: format!("✓ {provider} inasema namba hii iko kwenye {wallet} (←/→ kubadili)"),
    }
    fn channel_not_predicted(provider: &str = "pawaPay Tanzania", wallet: &str = "Mixx by Yas") {
        en: format!("! {provider} says this number is on {wallet}: check the channel"),
        sw: format!("! {provider} inasema namba hii iko kwenye {wallet}: kagua njia"),
    }
    fn channel_differs(network: &str = "Airtel Money") {
        en: format!("! the number looks like {network}: check the channel"),
        sw: format!("! namba inaonekana ni ya {network}: kagua njia"),
    }
    fn title_waiting(n: usize = 2) {
        en: format!("{n} waiting"),
        sw: format!("{n} yanasubiri"),
    }
    fn title_needs_you(n: usize = 1) {
        en: if n == 1 { "1 needs you".to_string() } else { format!("{n} need you") },
        sw: format!("{n} ya kukagua"),
    }
    fn title_done(n: usize = 3) {
        en: format!("{n} done"),
        sw: format!("{n} yamekwisha"),
    }
    fn title_done_failed(n: usize = 3, failed: usize = 1) {
        en: format!("{n} done ({failed} failed)"),
        sw: format!("{n} yamekwisha ({failed} yameshindwa)"),
    }
    fn prompt_expires(clock: &str = "14:05", expired: bool = false) {
        en: if expired {
            format!("expired at {clock} on the customer's phone")
        } else {
            format!("on the customer's phone until about {clock}")
        },
        sw: if expired {
            format!("liliisha {clock} kwenye simu ya mteja")
        } else {
            format!("liko kwenye simu ya mteja hadi karibu {clock}")
        },
    }
    fn checked_by(who: &str = "rehema", at: &str = "14:05", note: Option<&str> = Some("paid in cash")) {
        en: match note {
            Some(n) => format!("by {who} at {at}: {n}"),
            None => format!("by {who} at {at}"),
        },
        sw: match note {
            Some(n) => format!("na {who}, {at}: {n}"),
            None => format!("na {who}, {at}"),
        },
    }
    /// On a failed payment that was sent again.
    fn sent_again_as(reference: Option<&str> = Some("LP7K3MQ9XR4TZ"), id: i64 = 7) {
        en: match reference {
            Some(r) => format!("sent again as {r}"),
            None => format!("sent again (payment {id})"),
        },
        sw: match reference {
            Some(r) => format!("imetumwa tena kama {r}"),
            None => format!("imetumwa tena (malipo {id})"),
        },
    }
    /// On the payment that sends a failed one again.
    fn sends_again(reference: Option<&str> = Some("LP7K3MQ9XR4TZ"), id: i64 = 7) {
        en: match reference {
            Some(r) => format!("sends again {r}, which failed"),
            None => format!("sends again payment {id}, which failed"),
        },
        sw: match reference {
            Some(r) => format!("inarudia {r}, yaliyoshindwa"),
            None => format!("inarudia malipo {id}, yaliyoshindwa"),
        },
    }
    /// The help overlay's channel keys: `providers`, the labels of the rows with channels.
    fn help_channel(providers: &str = "Pesa") {
        en: format!("change the {providers} channel"),
        sw: format!("badili njia ya {providers}"),
    }
    fn detail_title(p: ProviderKind = ProviderKind::ALL[0]) {
        en: format!("Payment · {}", p.label()),
        sw: format!("Malipo · {}", p.label()),
    }
    fn sent_line(clock: &str = "14:05", polls: u32 = 3) {
        en: match polls {
            1 => format!("{clock} · asked the provider once"),
            n => format!("{clock} · asked the provider {n} times"),
        },
        sw: format!("{clock} · mtoa huduma ameulizwa mara {polls}"),
    }
    fn today_title(date: &str = "Wed 02 Dec 2026", count: usize = 4) {
        en: match count {
            1 => format!("Today · {date} · 1 payment"),
            n => format!("Today · {date} · {n} payments"),
        },
        sw: format!("Leo · {date} · malipo {count}"),
    }
    fn today_hooks(count: usize = 2) {
        en: match count {
            1 => "1 callback today named no payment: see lipa history --hooks".to_string(),
            n => format!("{n} callbacks today named no payment: see lipa history --hooks"),
        },
        sw: format!("Simu {count} za majibu leo hazitaji malipo: ona lipa history --hooks"),
    }
    fn today_hooks_demo(count: usize = 2) {
        en: match count {
            1 => "1 callback today named no payment".to_string(),
            n => format!("{n} callbacks today named no payment"),
        },
        sw: format!("Simu {count} za majibu leo hazitaji malipo"),
    }
    fn today_hook(
        time: &str = "14:02",
        provider: &str = "AcmePay",
        source: &str = "41.59.8.20",
        named: &str = "reference LP7K3MQ9XR4TZ",
        checked: &str = "signed",
    ) {
        en: format!("{time}  {provider}  {checked}  from {source}  {named}"),
        sw: format!("{time}  {provider}  {checked}  kutoka {source}  {named}"),
    }
    fn today_hook_names_nothing() {
        en: "names no payment",
        sw: "haitaji malipo yoyote",
    }
    fn today_hook_reference(reference: &str = "LP7K3MQ9XR4TZ") {
        en: format!("reference {reference}"),
        sw: format!("kumbukumbu {reference}"),
    }
    fn today_hook_id(id: &str = "ws_CO_0712") {
        en: format!("id {id}"),
        sw: format!("namba {id}"),
    }
    fn today_hook_checked(checked: &str = "signed") {
        en: match checked {
            "signed" => "signature verified",
            "token" => "its own address",
            "refused" => "signature refused",
            _ => "unsigned",
        },
        sw: match checked {
            "signed" => "sahihi imethibitishwa",
            "token" => "anwani yake pekee",
            "refused" => "sahihi imekataliwa",
            _ => "bila sahihi",
        },
    }
    fn duplicate_question(
        ago: &str = "2 min ago",
        status: &str = "waiting",
        reference: &str = "LP7K3MQ9XR4TZ",
        words: &str = "Waiting for the customer's PIN.",
    ) {
        en: format!(
            "The same phone and amount were sent {ago} ({status}, reference {reference}).{} \
             Send another prompt?",
            if words.is_empty() { String::new() } else { format!(" {words}") }
        ),
        sw: format!(
            "Namba na kiasi hiki vilitumwa {ago} ({status}, kumbukumbu {reference}).{} \
             Tuma ombi jingine?",
            if words.is_empty() { String::new() } else { format!(" {words}") }
        ),
    }
    fn switch_question(from: ProviderKind = ProviderKind::ALL[0], to: ProviderKind = ProviderKind::ALL[1]) {
        en: format!(
            "The next payment would go to {}. The phone and amount typed for {} ({}) are cleared.",
            provider_line(to), from.label(), from.currency().code()
        ),
        sw: format!(
            "Malipo yajayo yataenda kwa {}. Namba na kiasi vilivyoandikwa kwa {} ({}) vitafutwa.",
            provider_line(to), from.label(), from.currency().code()
        ),
    }
    fn quit_question(waiting: usize = 2) {
        en: format!(
            "{} Nothing is lost: {} followed again when lipa starts. Quit now?",
            if waiting == 1 { "1 payment is still waiting.".to_string() } else { format!("{waiting} payments are still waiting.") },
            if waiting == 1 { "it stays in the journal and is" } else { "they stay in the journal and are" }
        ),
        sw: format!(
            "Malipo {waiting} bado yanasubiri. Hakuna kinachopotea: yanabaki kwenye daftari na \
             yatafuatiliwa tena lipa ikianza. Ondoka sasa?"
        ),
    }
    fn quit_question_served(waiting: usize = 2) {
        en: format!(
            "{} The server goes on following {} after you leave: connect again to see how {} ended. Quit now?",
            if waiting == 1 { "1 payment is still waiting.".to_string() } else { format!("{waiting} payments are still waiting.") },
            if waiting == 1 { "it" } else { "them" },
            if waiting == 1 { "it" } else { "they" }
        ),
        sw: format!(
            "Malipo {waiting} bado yanasubiri. Seva inaendelea kuyafuatilia hata ukiondoka: \
             unganisha tena kuona yalivyoishia. Ondoka sasa?"
        ),
    }
    fn sending(who: &str = "+255 712 ••• 670", amount: &str = "TZS 1,500") {
        en: format!("Sending {amount} to {who}…"),
        sw: format!("Inatuma {amount} kwa {who}…"),
    }
    fn sending_again(who: &str = "+255 712 ••• 670") {
        en: format!("Sending again to {who} with a new reference…"),
        sw: format!("Inatuma tena kwa {who} kwa kumbukumbu mpya…"),
    }
    fn prompt_sent(who: &str = "+255 712 ••• 670", amount: &str = "TZS 1,500") {
        en: format!("Prompt for {amount} sent to {who}."),
        sw: format!("Ombi la {amount} limetumwa kwa {who}."),
    }
    /// The send was refused or never left: the payment's own words say why.
    fn send_failed(who: &str = "+255 712 ••• 670", words: &str = "Insufficient balance.") {
        en: format!("{who}: {words}"),
        sw: format!("{who}: {words}"),
    }
    /// The send's answer was lost: the prompt may be on the phone.
    fn answer_lost(who: &str = "+255 712 ••• 670", amount: &str = "TZS 1,500") {
        en: format!("Sent, answer lost: do not send again; checking {amount} to {who}."),
        sw: format!("Imetumwa, jibu limepotea: usitume tena; inauliza {amount} kwa {who}."),
    }
    fn paid_at_once(who: &str = "+255 712 ••• 670", amount: &str = "TZS 1,500") {
        en: format!("Paid: {amount} from {who}."),
        sw: format!("Imelipwa: {amount} kutoka {who}."),
    }
    fn needs_you_now(who: &str = "+255 712 ••• 670", words: &str = "No answer.") {
        en: format!("Needs you — {who}: {words}"),
        sw: format!("Kagua — {who}: {words}"),
    }
    fn answer_not_journalled(who: &str = "+255 712 ••• 670", why: &str = "disk full") {
        en: format!(
            "Sent to {who}, but the journal could not record the answer ({why}). Do not send it \
             again: lipa checks it."
        ),
        sw: format!(
            "Imetumwa kwa {who}, lakini daftari halikuweza kuandika jibu ({why}). Usitume tena: \
             lipa inauliza."
        ),
    }
    fn not_recorded(why: &str = "disk full", kept: bool = true) {
        en: if kept {
            format!("Not sent: {why}. The form holds it again.")
        } else {
            format!("Not sent: {why}")
        },
        sw: if kept {
            format!("Haijatumwa: {why}. Fomu inayo tena.")
        } else {
            format!("Haijatumwa: {why}")
        },
    }
    /// Marked checked by someone else first (another console): who and when, and the note
    /// typed here, which was not saved.
    fn checked_first_by(by: &str = "neema", at: &str = "14:02",
                        note: Option<&str> = Some("called the customer")) {
        en: match note {
            Some(n) => format!("Already checked by {by} at {at}: your note was not saved (\"{n}\")."),
            None => format!("Already checked by {by} at {at}."),
        },
        sw: match note {
            Some(n) => format!("Yalishakaguliwa na {by} saa {at}: maelezo yako hayakuhifadhiwa (\"{n}\")."),
            None => format!("Yalishakaguliwa na {by} saa {at}."),
        },
    }
    fn sent_again_at_till(p: &crate::payment::Payment = &super::samples::sample_payment()) {
        en: format!("Sent again already, as {} at till {}: nothing more was sent.", p.reference, p.till),
        sw: format!("Yalishatumwa tena, kama {} kwenye kaunta {}: hakuna kingine kilichotumwa.", p.reference, p.till),
    }
    fn ledger_banner() {
        en: "✗ ledger unreachable — cannot send".to_string(),
        sw: "✗ daftari kuu halipatikani — haiwezi kutuma".to_string(),
    }
    fn journal_banner() {
        en: "✗ journal cannot record — disk full?".to_string(),
        sw: "✗ daftari haliwezi kuandika — diski imejaa?".to_string(),
    }
    fn cannot_record(why: &str = "database or disk is full") {
        en: format!(
            "The journal cannot record ({why}): the customer may have answered; lipa asks again \
             once it can."
        ),
        sw: format!(
            "Daftari haliwezi kuandika ({why}): huenda mteja amejibu; lipa itauliza tena \
             likiweza."
        ),
    }
    fn ledger_cannot_record(why: &str = "connection refused") {
        en: format!(
            "The ledger is out of reach ({why}): the customer may have answered; lipa asks again, \
             and records it, once the ledger answers."
        ),
        sw: format!(
            "Daftari kuu halipatikani ({why}): huenda mteja amejibu; lipa itauliza tena, na \
             kuliandika, daftari kuu likijibu."
        ),
    }
    fn cannot_send_yet(why: &str = "ledger unreachable (connection refused)") {
        en: format!("Not sent: {why}. Press Enter again once it answers; the form is kept."),
        sw: format!("Hayajatumwa: {why}. Bonyeza Enter tena likijibu; fomu imebaki."),
    }
    fn could_not_resume(why: &str = "disk I/O error") {
        en: format!("Could not read unfinished payments: {why}"),
        sw: format!("Malipo ambayo hayajakamilika hayakusomeka: {why}"),
    }
    fn could_not_load(why: &str = "disk I/O error") {
        en: format!("Could not read the journal: {why}"),
        sw: format!("Daftari halikusomeka: {why}"),
    }
    fn report_title(day: &str = "Wed 2 Dec") {
        en: format!("Report · {day}"),
        sw: format!("Ripoti · {day}"),
    }
    /// Under a closed day's report: its payments taken after the close.
    fn report_after_close(n: usize = 2, newest: &str = "LP7K3MQ9XR4TZ") {
        en: match n {
            1 => format!("1 payment of this day came after it was closed ({newest}): it is in no Z report. ^F finds it."),
            n => format!("{n} payments of this day came after it was closed (the newest {newest}): they are in no Z report. ^F finds them."),
        },
        sw: format!("Malipo {n} ya siku hii yalikuja baada ya kufungwa (ya karibuni {newest}): hayamo kwenye ripoti yoyote ya Z. ^F inayapata."),
    }
    fn print_failed(why: &str = "connection refused") {
        en: format!("The printer did not take the receipt ({why}). Nothing else is affected."),
        sw: format!("Printa haikupokea risiti ({why}). Hakuna kingine kilichoathirika."),
    }
    fn close_question(day: &str = "Wed 2 Dec", unfinished: usize = 2) {
        en: if unfinished == 0 {
            format!("Close {day}? Its Z report is kept as it is now and never changed.")
        } else {
            format!("{unfinished} payment(s) of {day} are still open or need a person. Close the day anyway? Its Z report is kept as it is now and never changed.")
        },
        sw: if unfinished == 0 {
            format!("Kufunga {day}? Ripoti yake ya Z inahifadhiwa kama ilivyo sasa na haibadilishwi kamwe.")
        } else {
            format!("Malipo {unfinished} ya {day} bado yako wazi au yanahitaji mtu. Kufunga siku hata hivyo? Ripoti yake ya Z inahifadhiwa kama ilivyo sasa na haibadilishwi kamwe.")
        },
    }
    fn closed_now(number: i64 = 7) {
        en: format!("Day closed: Z #{number}."),
        sw: format!("Siku imefungwa: Z #{number}."),
    }
    fn too_small(w: u16 = 30, h: u16 = 12) {
        en: format!("Make the window larger: lipa needs {w}×{h}. Ctrl-C quits."),
        sw: format!("Panua dirisha: lipa inahitaji {w}×{h}. Ctrl-C kutoka."),
    }
    fn only_provider(p: ProviderKind = ProviderKind::ALL[0]) {
        en: format!("{} is the only provider here.", p.label()),
        sw: format!("{} ndiye mtoa huduma pekee hapa.", p.label()),
    }
    fn switched(p: ProviderKind = ProviderKind::ALL[1]) {
        en: format!("Next payment goes to {}.", provider_line(p)),
        sw: format!("Malipo yajayo yanaenda kwa {}.", provider_line(p)),
    }
    /// `r` on a payment the provider cannot be asked about (its answer, and so its id, lost).
    fn recheck_cannot(p: ProviderKind = ProviderKind::ALL[0]) {
        en: format!("{} cannot be asked about this payment: its answer was lost. Check it by hand, as its words say, then mark it checked.", p.label()),
        sw: format!("{} haiwezi kuulizwa kuhusu malipo haya: jibu lake halikufika. Yakague mwenyewe kama maelezo yake yanavyosema, kisha weka alama imekaguliwa.", p.label()),
    }
    fn rechecking(p: ProviderKind = ProviderKind::ALL[0]) {
        en: format!("Asking {} now…", p.label()),
        sw: format!("Inamuuliza {} sasa…", p.label()),
    }
    /// A re-check's answer, once it is in the journal.
    fn recheck_answered(p: ProviderKind = ProviderKind::ALL[0], status: &str = "waiting",
                        words: &str = "Not found at the provider yet.") {
        en: if words.is_empty() {
            format!("{} answered: {status}.", p.label())
        } else {
            format!("{} answered: {status}. {words}", p.label())
        },
        sw: if words.is_empty() {
            format!("{} amejibu: {status}.", p.label())
        } else {
            format!("{} amejibu: {status}. {words}", p.label())
        },
    }
    fn sent_again_already_as(reference: &str = "LP7K3MQ9XR4TZ") {
        en: format!("Already sent again, as {reference}."),
        sw: format!("Tayari imetumwa tena, kama {reference}."),
    }
    fn cleared_done(n: usize = 2) {
        en: match n {
            0 => "Nothing finished to clear.".to_string(),
            1 => "1 finished payment cleared from the list (it stays in today's).".to_string(),
            n => format!("{n} finished payments cleared from the list (they stay in today's)."),
        },
        sw: match n {
            0 => "Hakuna yaliyokwisha ya kuondoa.".to_string(),
            n => format!("Malipo {n} yaliyokwisha yameondolewa kwenye orodha (yanabaki kwenye ya leo)."),
        },
    }
    fn clear_not_kept(why: &str = "database is locked") {
        en: format!("Cleared from the list, but the journal could not keep it ({why}): they may show again when lipa starts."),
        sw: format!("Yameondolewa kwenye orodha, lakini daftari halikuweza kulihifadhi ({why}): huenda yakaonekana tena lipa ikianza."),
    }
    fn switch_declined(p: ProviderKind = ProviderKind::ALL[0]) {
        en: format!("Still {}; the form is as it was.", provider_line(p)),
        sw: format!("Bado ni {}; fomu iko kama ilivyokuwa.", provider_line(p)),
    }
    /// Today, per operator: `2 of 3 paid · TZS 17,500`.
    fn operator_day(paid: u64 = 2, count: u64 = 3, amount: &str = "TZS 17,500") {
        en: format!("{paid} of {count} paid · {amount}"),
        sw: format!("{paid} kati ya {count} yamelipwa · {amount}"),
    }
    /// A finished payment's age, in the list's six cells.
    fn age_minutes(n: i64 = 3) {
        en: if n == 0 { "<1 min".to_string() } else { format!("{n} min") },
        sw: if n == 0 { "dk <1".to_string() } else { format!("dk {n}") },
    }
    fn age_hours(n: i64 = 2) {
        en: format!("{n} h"),
        sw: format!("saa {n}"),
    }
    /// Under today's totals, when not every operator's line fits.
    fn today_more_people(more: usize = 93) {
        en: match more {
            1 => "↓ 1 more operator · o: all of them".to_string(),
            n => format!("↓ {n} more operators · o: all of them"),
        },
        sw: format!("↓ wahudumu {more} zaidi · o: wote"),
    }
    /// Under a list that does not fit: how many rows are out of sight, above and below.
    fn more_rows(above: usize = 1, below: usize = 3) {
        en: match (above, below) {
            (0, b) => format!("↓ {b} more"),
            (a, 0) => format!("↑ {a} more"),
            (a, b) => format!("↑ {a} · ↓ {b} more"),
        },
        sw: match (above, below) {
            (0, b) => format!("↓ {b} zaidi"),
            (a, 0) => format!("↑ {a} zaidi"),
            (a, b) => format!("↑ {a} · ↓ {b} zaidi"),
        },
    }
    fn ago_span(span: &str = "3 min 10 s") {
        en: format!("{span} ago"),
        sw: format!("{span} zilizopita"),
    }
}

/// The text with its first letter a capital.
fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
