//! What the back office says: the day's report and its closing (Z report).

labels! {
    report_paid: "paid", "imelipwa";
    report_cancelled: "cancelled", "yameghairiwa";
    report_insufficient: "insufficient balance", "salio halitoshi";
    report_failed_other: "failed, other", "yameshindwa, mengine";
    report_attention: "needs you", "kagua";
    report_checked: "checked", "yamekaguliwa";
    report_open: "still open", "bado wazi";
    report_flagged: "changed after final", "yamebadilika baadaye";
    report_by_operator: "By operator", "Kwa mhudumu";
    report_not_closed: "not closed", "haijafungwa";
    report_own: "your own payments, as they stand", "malipo yako mwenyewe, kama yalivyo sasa";
    receipt_title: "PAYMENT CONFIRMATION", "UTHIBITISHO WA MALIPO";
    receipt_demo_banner: "*** DEMO - NO REAL MONEY ***", "*** MAJARIBIO - SI PESA HALISI ***";
    receipt_demo_mark: "DEMO", "MAJARIBIO";
    receipt_date: "Date", "Tarehe";
    receipt_provider: "Provider", "Mtoa huduma";
    receipt_amount: "Amount", "Kiasi";
    receipt_customer: "Customer", "Mteja";
    receipt_provider_id: "Provider id", "Namba ya muamala";
    receipt_wallet_ref: "Transaction no.", "Namba ya muamala";
    receipt_reference: "Reference", "Kumbukumbu";
    receipt_operator: "Operator", "Mhudumu";
    receipt_status: "Status", "Hali";
    receipt_paid: "PAID", "IMELIPWA";
    receipt_not_tax: "Not a tax receipt", "Si risiti ya kodi";
    reconcile_matched: "matched", "yanalingana";
    reconcile_resolvable: "resolved from the provider", "yametatuliwa kutoka kwa mtoa huduma";
    reconcile_still_open: "still open on both sides", "bado wazi pande zote mbili";
    reconcile_dangerous: "paid and failed disagree: look now", "imelipwa na imeshindwa hazikubaliani: angalia sasa";
    reconcile_amount: "amount or currency not as charged (or not said)", "kiasi au sarafu si kama ilivyotozwa (au haikutajwa)";
    reconcile_changed: "changed after final: flagged", "yamebadilika baada ya kukamilika: yamewekwa alama";
    reconcile_several: "several records at the provider", "rekodi kadhaa kwa mtoa huduma";
    reconcile_unknown: "unknown to the provider", "mtoa huduma hayajui";
    reconcile_needs_you: "needs you: nobody has checked it", "kagua: hakuna aliyeyakagua bado";
    reconcile_missing: "on the provider, missing from the journal", "yako kwa mtoa huduma, hayako kwenye daftari";
}

sentences! {
    fn ledger_none() {
        en: "No shared ledger is configured: set database_url (or LIPA_DATABASE_URL) to the chain's postgres:// URL.".to_string(),
        sw: "Hakuna daftari kuu lililowekwa: weka database_url (au LIPA_DATABASE_URL) kuwa anwani ya postgres:// ya maduka.".to_string(),
    }
    fn ledger_no_file(path: &str = "/tmp/journal.sqlite3") {
        en: format!("{path} is not a journal file (it does not exist)"),
        sw: format!("{path} si faili la daftari (halipo)"),
    }
    fn ledger_till_running(path: &str = "/home/duka/.local/share/lipa/journal.sqlite3") {
        en: format!("{path} is in use: a lipa runs on it (the console, lipa serve, a push or sync). Stop it first, then import again: a till still running would go on following its open payments beside the chain's tills and record into a journal the ledger no longer reads. Nothing was copied."),
        sw: format!("{path} linatumika: lipa bado inalitumia (dirisha la keshia, lipa serve, push au sync). Isimamishe kwanza, kisha nakili tena: kaunta inayoendelea ingeendelea kufuatilia malipo yake yaliyo wazi pamoja na kaunta nyingine za maduka, na kuandika kwenye daftari ambalo daftari kuu halilisomi tena. Hakuna kilichonakiliwa."),
    }
    fn ledger_imported(added: usize = 120, there: usize = 3, days: usize = 4, place: &str = "db:5432/lipa") {
        en: format!("{added} payment(s) copied into {place}, {there} already there; {days} closed day(s) copied."),
        sw: format!("Malipo {added} yamenakiliwa kwenye {place}, {there} yalikuwepo tayari; siku {days} zilizofungwa zimenakiliwa."),
    }
    fn ledger_clash(mine: &crate::payment::Payment = &super::samples::sample_payment(), theirs: &crate::payment::Payment = &super::samples::sample_payment()) {
        en: format!(
            "NOT COPIED: {} {} ({}, {}) — the ledger holds another payment under that reference ({}, {}, till {}); copy it by hand or ask the chain's owner",
            mine.provider.label(), mine.reference, mine.amount, mine.created_at.format("%Y-%m-%d %H:%M"),
            theirs.amount, theirs.created_at.format("%Y-%m-%d %H:%M"), theirs.till
        ),
        sw: format!(
            "HAYAJANAKILIWA: {} {} ({}, {}) — daftari kuu lina malipo mengine kwa kumbukumbu hiyo ({}, {}, kaunta {}); yanakili kwa mkono au muulize mmiliki",
            mine.provider.label(), mine.reference, mine.amount, mine.created_at.format("%Y-%m-%d %H:%M"),
            theirs.amount, theirs.created_at.format("%Y-%m-%d %H:%M"), theirs.till
        ),
    }
    fn ledger_closing_clash(number: i64 = 1, day: &str = "2026-12-03", till: &str = "duka-1") {
        en: format!("NOT COPIED: Z #{number} of {day} at till {till} — the ledger holds another Z report for that till's day or number; keep the till's printed Z and ask the chain's owner"),
        sw: format!("HAIJANAKILIWA: Z #{number} ya {day} kaunta {till} — daftari kuu lina ripoti Z nyingine ya siku au namba hiyo ya kaunta; tunza Z iliyochapishwa na umuulize mmiliki"),
    }
    fn report_head(day: &str = "2026-12-02", till: &str = "duka-1", state: &str = "not closed") {
        en: format!("lipa report {day} · till {till} · {state}"),
        sw: format!("lipa report {day} · kaunta {till} · {state}"),
    }
    fn report_closed_as(number: i64 = 7, at: &str = "2026-12-02 21:04", by: &str = "rehema") {
        en: format!("Z #{number}, closed {at} by {by}"),
        sw: format!("Z #{number}, imefungwa {at} na {by}"),
    }
    fn report_operator_line(pushed: u64 = 10, paid: u64 = 9) {
        en: format!("{pushed} pushed, {paid} paid"),
        sw: format!("{pushed} yametumwa, {paid} yamelipwa"),
    }
    fn report_span(count: u64 = 17, first: &str = "08:12", last: &str = "20:45") {
        en: format!("{count} payment(s), the first at {first}, the last at {last}."),
        sw: format!("Malipo {count}, ya kwanza saa {first}, ya mwisho saa {last}."),
    }
    fn report_none(day: &str = "2026-12-02") {
        en: format!("No payments on {day}."),
        sw: format!("Hakuna malipo tarehe {day}."),
    }
    fn report_unfinished(n: usize = 2, list: &str = "LP7K3MQ9XR4TZ, LP7K3MQ9XR4TY") {
        en: format!("Not closed: {n} payment(s) are still open or need a person: {list}. Check them first, or close anyway with --force."),
        sw: format!("Haijafungwa: malipo {n} bado yako wazi au yanahitaji mtu: {list}. Yakague kwanza, au funga hata hivyo kwa --force."),
    }
    fn report_closed_now(number: i64 = 7) {
        en: format!("Day closed: Z #{number}. It can be printed again, never changed."),
        sw: format!("Siku imefungwa: Z #{number}. Inaweza kuchapishwa tena, haibadilishwi kamwe."),
    }
    fn report_already_closed(number: i64 = 7) {
        en: format!("This day is closed already (Z #{number}); here it is as it was closed."),
        sw: format!("Siku hii imeshafungwa (Z #{number}); hii hapa kama ilivyofungwa."),
    }
    fn reconcile_summary(day: &str = "2026-12-02", matched: usize = 40, resolved: usize = 2, person: usize = 1, missing: usize = 0) {
        en: format!("{day}: {matched} matched, {resolved} resolved from the provider, {person} need a person, {missing} on the provider missing from the journal."),
        sw: format!("{day}: {matched} yanalingana, {resolved} yametatuliwa kutoka kwa mtoa huduma, {person} yanahitaji mtu, {missing} yako kwa mtoa huduma lakini hayako kwenye daftari."),
    }
    fn reconcile_not_asked(why: &str = "pesa: connection refused") {
        en: format!("the provider could not be asked ({why}); run it again later"),
        sw: format!("mtoa huduma hakuweza kuulizwa ({why}); endesha tena baadaye"),
    }
    /// A provider that lists no day and cannot be asked by lipa's reference.
    fn reconcile_not_by_reference(provider: &str = "Pesa") {
        en: format!("{provider} lists no day and cannot be asked about a payment by its reference: check its dashboard"),
        sw: format!("{provider} haorodheshi malipo ya siku wala kuulizwa kwa kumbukumbu: kagua dashibodi yake"),
    }
    /// A provider that lists no day, asked payment by payment by its own id.
    fn reconcile_no_day_list(provider: &str = "Pesa", by_hand: &str = "Check the customer's M-Pesa SMS.") {
        en: format!("{provider} offers no list of a day's payments: lipa asked each payment by the id its push's answer carried; one whose answer was lost cannot be asked, and is listed as needing you. For those, and for a payment lipa never recorded: {by_hand}"),
        sw: format!("{provider} haitoi orodha ya malipo ya siku: lipa imeuliza kila malipo kwa namba iliyokuja kwenye jibu la ombi lake; malipo ambayo jibu lake halikufika hayawezi kuulizwa, na yameorodheshwa kuwa yanahitaji ukaguzi. Kwa hayo, na kwa malipo ambayo lipa haikuyaandika: {by_hand}"),
    }
    /// A provider that lists no day, asked payment by payment by lipa's own reference.
    fn reconcile_by_reference_only(provider: &str = "Pesa", by_hand: &str = "Check the merchant portal.") {
        en: format!("{provider} offers no list of a day's payments: lipa asked each payment by its reference, so a payment lipa never recorded cannot show here. For those: {by_hand}"),
        sw: format!("{provider} haitoi orodha ya malipo ya siku: lipa imeuliza kila malipo kwa kumbukumbu yake, kwa hiyo malipo ambayo lipa haikuyaandika hayawezi kuonekana hapa. Kwa hayo: {by_hand}"),
    }
    fn reconcile_by_our_id_only(provider: &str = "Pesa", by_hand: &str = "Check the merchant portal.") {
        en: format!("{provider} offers no list of a day's payments: lipa asked each payment by the id it made for it, so a payment lipa never recorded cannot show here. For those: {by_hand}"),
        sw: format!("{provider} haitoi orodha ya malipo ya siku: lipa imeuliza kila malipo kwa kitambulisho ilichoyatengenezea, kwa hiyo malipo ambayo lipa haikuyaandika hayawezi kuonekana hapa. Kwa hayo: {by_hand}"),
    }
    fn reconcile_not_configured(provider: &str = "Pesa", n: usize = 2, references: &str = "LP7K3MQ9XR4TZ, LP7K3MQ9XR4UA") {
        en: format!("{provider} is not configured here, so its {n} payment(s) cannot be asked: {references}"),
        sw: format!("{provider} haijawekwa hapa, kwa hiyo malipo yake {n} hayawezi kuulizwa: {references}"),
    }
    fn receipt_z(number: i64 = 7) {
        en: format!("Z REPORT #{number}"),
        sw: format!("RIPOTI YA Z #{number}"),
    }
    fn receipt_till(till: &str = "duka-1") {
        en: format!("Till {till}"),
        sw: format!("Kaunta {till}"),
    }
    fn receipt_not_paid(status: &str = "failed") {
        en: format!("only a paid payment has a receipt; this one is {status}"),
        sw: format!("malipo yaliyolipwa tu yana risiti; haya ni {status}"),
    }
    fn report_after_close(n: usize = 1, newest: &str = "LP7K3MQ9XR4TZ") {
        en: format!("{n} payment(s) of this day came after it was closed (the newest {newest}): they are in no Z report; lipa history shows them"),
        sw: format!("Malipo {n} ya siku hii yalikuja baada ya kufungwa (ya karibuni {newest}): hayamo kwenye ripoti yoyote ya Z; lipa history inayaonyesha"),
    }
    fn report_read_only(path: &str = "/mnt/backup/lipa/journal.sqlite3") {
        en: format!("{path} can only be read here: the day is reported, not closed (close it at the till)"),
        sw: format!("{path} linaweza kusomwa tu hapa: ripoti ya siku inaonyeshwa, haifungwi (ifunge kwenye kaunta)"),
    }
    fn report_future(day: &str = "2027-01-01") {
        en: format!("{day} has not come yet: a day is closed once it has begun"),
        sw: format!("{day} bado haijafika: siku hufungwa baada ya kuanza"),
    }
    fn receipt_printer_unknown(printer: &str = "http://10.0.0.5") {
        en: format!("{printer} is not a printer lipa can reach: write tcp://HOST:9100 or a device path such as /dev/usb/lp0"),
        sw: format!("{printer} si printa ambayo lipa inaweza kufikia: andika tcp://HOST:9100 au njia ya kifaa kama /dev/usb/lp0"),
    }
    fn receipt_flagged(why: &str = "After lipa recorded it, the provider now says REVERSED") {
        en: format!("no receipt: {why}"),
        sw: format!("hakuna risiti: {why}"),
    }
    fn receipt_no_such(reference: &str = "LP7K3MQ9XR4TZ") {
        en: format!("no payment with reference {reference} in the journal"),
        sw: format!("hakuna malipo yenye kumbukumbu {reference} kwenye daftari"),
    }
    fn receipt_no_printer() {
        en: "no printer is set: add printer = \"tcp://HOST:9100\" or a device such as \"/dev/usb/lp0\" under [receipt]",
        sw: "hakuna printa iliyowekwa: ongeza printer = \"tcp://HOST:9100\" au kifaa kama \"/dev/usb/lp0\" chini ya [receipt]",
    }
    fn receipt_printer_failed(printer: &str = "tcp://10.0.0.5:9100", why: &str = "connection refused") {
        en: format!("the printer {printer} did not take the receipt ({why}); nothing else is affected"),
        sw: format!("printa {printer} haikupokea risiti ({why}); hakuna kingine kilichoathirika"),
    }
    fn receipt_printed(printer: &str = "tcp://10.0.0.5:9100") {
        en: format!("printed on {printer}"),
        sw: format!("imechapishwa kwenye {printer}"),
    }
    fn report_bad_stored(why: &str = "expected value at line 1") {
        en: format!("the stored Z report cannot be read: {why}"),
        sw: format!("ripoti ya Z iliyohifadhiwa haisomeki: {why}"),
    }
}
