//! `--help` of every command in both languages, and clap's own words (headings, the help and
//! version flags, its errors). The English texts are also the doc comments clap derives from
//! (`src/cli.rs`); a test holds the two to each other and finds any text without Swahili.

use crate::email::EmailRule;
use crate::lang::{Entry, Lang};
use crate::provider::spec::{Spec, variable};
use crate::provider_kind::ProviderKind;

/// `(where, English, Kiswahili)`: `where` is `""` for lipa itself, `push` for a command's
/// about, `push.phone` for an argument's help, `push+` for a command's long about.
pub const TEXTS: &[(&str, &str, &str)] = &[
    (
        "",
        "Cashier console for mobile-money push payments ({providers})",
        "Dirisha la keshia kwa malipo ya simu kwa ombi ({providers})",
    ),
    (
        "+",
        "Cashier console for mobile-money push payments ({providers_where}). \
         Without a command it opens the console; with no provider configured, it opens the \
         built-in demo (no real money).",
        "Dirisha la keshia kwa malipo ya simu kwa ombi ({providers_where}). Bila \
         amri linafungua dirisha; bila mtoa huduma aliyewekwa, linafungua majaribio ya ndani (si \
         pesa halisi).",
    ),
    (
        ".config",
        "Configuration file (default: the platform's config directory, lipa/config.toml).",
        "Faili la mipangilio (kawaida: saraka ya mipangilio ya mfumo, lipa/config.toml).",
    ),
    (
        ".lang",
        "Language: sw (Kiswahili) or en (English); default LIPA_LANG, the config's language, \
         then the locale.",
        "Lugha: sw (Kiswahili) au en (English); kawaida LIPA_LANG, language ya mipangilio, \
         kisha lugha ya mfumo (LANG).",
    ),
    (
        ".operator",
        "Who is at the console (default: the config's operator, else the operating system's user \
         name).",
        "Aliye kwenye dirisha (kawaida: operator ya mipangilio, kisha jina la mtumiaji wa mfumo).",
    ),
    (
        "push.operator",
        "Who pushes it (default: the config's operator, else the operating system's user name).",
        "Anayetuma (kawaida: operator ya mipangilio, kisha jina la mtumiaji wa mfumo).",
    ),
    (
        "demo",
        "Open the console on the built-in simulator, whatever is configured (no real money).",
        "Fungua dirisha kwenye kifaa cha majaribio cha ndani, vyovyote ilivyowekwa (si pesa \
         halisi).",
    ),
    (
        "push",
        "Record and send one payment, then wait for its final status.",
        "Andika na utume malipo moja, kisha subiri hali yake ya mwisho.",
    ),
    (
        "push.provider",
        "Which provider: {provider_choices}.",
        "Mtoa huduma yupi: {provider_choices}.",
    ),
    (
        "push.phone",
        "Customer's phone number, in any usual form (0712345678, +255 712 345 678, ...).",
        "Namba ya simu ya mteja, kwa namna yoyote ya kawaida (0712345678, +255 712 345 678, ...).",
    ),
    (
        "push.amount",
        "Amount: whole shillings (1500, 1,500); up to 2 decimals where the provider takes cents (1500.50).",
        "Kiasi: shilingi nzima (1500, 1,500); hadi desimali 2 pale mtoa huduma anapopokea senti (1500.50).",
    ),
    (
        "push.reference",
        "Your reference (default: a fresh one).",
        "Kumbukumbu yako (kawaida: mpya).",
    ),
    (
        "push.channel",
        "{channels} channel code (default: suggested from the number's network).",
        "Namba ya njia ya {channels} (kawaida: inayopendekezwa kwa mtandao wa namba).",
    ),
    (
        "push.email",
        "Customer e-mail for {email} (default: {email_default}).",
        "Barua pepe ya mteja kwa {email} (kawaida: {email_default}).",
    ),
    (
        "push.name",
        "Customer's name ({name_field}).",
        "Jina la mteja ({name_field}).",
    ),
    (
        "push.wait",
        "Seconds to wait for a final status; 0 returns once the prompt is sent.",
        "Sekunde za kusubiri hali ya mwisho; 0 inarudi mara ombi likitumwa.",
    ),
    (
        "push.json",
        "Print the outcome as one JSON object on the last line.",
        "Andika matokeo kama kitu kimoja cha JSON kwenye mstari wa mwisho.",
    ),
    (
        "push.dry_run",
        "Validate and print the normalized request; send nothing.",
        "Kagua na uandike ombi lililosawazishwa; usitume chochote.",
    ),
    (
        "push.force",
        "Send even if a payment to the same phone for the same amount was recorded in the last \
         five minutes (otherwise refused with exit code 2).",
        "Tuma hata kama malipo kwa namba ileile na kiasi kilekile yaliandikwa ndani ya dakika \
         tano zilizopita (vinginevyo yanakataliwa kwa msimbo 2).",
    ),
    (
        "sync",
        "Re-check every payment in the journal that is not final.",
        "Kagua tena kila malipo kwenye daftari ambayo hayajafika mwisho.",
    ),
    (
        "sync.wait",
        "Seconds to wait for the payments to settle; 0 asks each once.",
        "Sekunde za kusubiri malipo yakamilike; 0 inauliza kila moja mara moja.",
    ),
    (
        "sync.json",
        "One JSON object per payment.",
        "Kitu kimoja cha JSON kwa kila malipo.",
    ),
    (
        "check",
        "Mark a payment that needs attention as checked by a person, with a note.",
        "Weka malipo yanayohitaji ukaguzi kuwa yamekaguliwa na mtu, pamoja na maelezo.",
    ),
    (
        "check.reference",
        "The payment's reference (as `lipa sync` or the console shows it).",
        "Kumbukumbu ya malipo (kama `lipa sync` au dirisha linavyoionyesha).",
    ),
    (
        "check.note",
        "What the person found (e.g. \"customer showed the SMS, goods given\").",
        "Alichokiona mtu (mfano \"mteja ameonyesha SMS, bidhaa zimetolewa\").",
    ),
    (
        "check.found",
        "For a payment the provider cannot be asked about (a lost answer): what the person found, paid or failed.",
        "Kwa malipo ambayo mtoa huduma hawezi kuulizwa (jibu lililopotea): alichokiona mtu, paid (imelipwa) au failed (imeshindwa).",
    ),
    (
        "check.operator",
        "Who checked it (default: the operating system's user name).",
        "Aliyekagua (kawaida: jina la mtumiaji wa mfumo).",
    ),
    (
        "check.json",
        "Print the outcome as one JSON object on the last line.",
        "Andika matokeo kama kitu kimoja cha JSON kwenye mstari wa mwisho.",
    ),
    (
        "backup",
        "Copy the journal into FILE while lipa runs (private, written whole, then checked); with \
         --check, say what a backup holds.",
        "Nakili daftari kwenye FILE lipa ikiendelea kufanya kazi (la siri, linaandikwa lote, \
         kisha linakaguliwa); kwa --check, sema nakala ina nini.",
    ),
    (
        "backup.file",
        "The backup file to write (replaced whole if it is there), or to read with --check.",
        "Faili la nakala la kuandika (linabadilishwa lote likiwepo), au la kusoma kwa --check.",
    ),
    (
        "backup.check",
        "Write nothing: say what FILE holds (payments, open ones, the newest, schema version).",
        "Usiandike chochote: sema FILE lina nini (malipo, yaliyo wazi, la mwisho, toleo la daftari).",
    ),
    ("backup.json", "One JSON object.", "Kitu kimoja cha JSON."),
    (
        "doctor",
        "Check everything that can be checked before the first sale, charging nobody: each \
         provider's address, clock and credentials, the data directory, the journal or the shared \
         ledger, the printer, the operators file. Exit 0: a sale can be taken.",
        "Kagua kila kinachoweza kukaguliwa kabla ya malipo ya kwanza, bila kumtoza mtu: anwani, \
         saa na funguo za kila mtoa huduma, saraka ya data, daftari au daftari kuu, printa, faili \
         la wahudumu. Msimbo 0: malipo yanaweza kupokelewa.",
    ),
    (
        "doctor.json",
        "One JSON object: every check, and whether a sale can be taken.",
        "Kitu kimoja cha JSON: kila ukaguzi, na kama malipo yanaweza kupokelewa.",
    ),
    (
        "history",
        "Payments in the journal, newest first, by day, status, provider, operator, phone or reference.",
        "Malipo kwenye daftari, mapya kwanza, kwa siku, hali, mtoa huduma, mhudumu, simu au kumbukumbu.",
    ),
    (
        "history.since",
        "From this day (YYYY-MM-DD, today or yesterday, in the till's time zone).",
        "Kuanzia siku hii (YYYY-MM-DD, today au yesterday, kwa saa za kaunta).",
    ),
    (
        "history.until",
        "Up to and with this day.",
        "Hadi na siku hii.",
    ),
    (
        "history.status",
        "Only this status (paid, failed, pending, unknown, attention, sending, recorded).",
        "Hali hii tu (paid, failed, pending, unknown, attention, sending, recorded).",
    ),
    (
        "history.provider",
        "Only this provider.",
        "Mtoa huduma huyu tu.",
    ),
    (
        "history.operator",
        "Only payments this operator pushed.",
        "Malipo aliyotuma mhudumu huyu tu.",
    ),
    (
        "history.till",
        "Only payments recorded at this till (a chain's ledger holds every till's).",
        "Malipo yaliyoandikwa kwenye kaunta hii tu (daftari kuu la maduka lina ya kila kaunta).",
    ),
    (
        "history.phone",
        "Digits anywhere in the customer's number.",
        "Tarakimu popote kwenye namba ya mteja.",
    ),
    (
        "history.reference",
        "Part of the reference (any case).",
        "Sehemu ya kumbukumbu (herufi kubwa au ndogo).",
    ),
    (
        "history.limit",
        "At most this many payments.",
        "Malipo yasiyozidi idadi hii.",
    ),
    (
        "history.json",
        "One JSON object per payment.",
        "Kitu kimoja cha JSON kwa kila malipo.",
    ),
    (
        "history.hooks",
        "The providers' callbacks that named no payment lipa holds (kept for a person), newest \
         first, instead of payments.",
        "Simu za majibu za watoa huduma zisizotaja malipo yoyote yaliyo kwenye lipa (zimehifadhiwa \
         kwa mtu), mpya kwanza, badala ya malipo.",
    ),
    (
        "export",
        "The journal's payments as CSV (RFC 4180), oldest first, by the same filters as history.",
        "Malipo ya daftari kama CSV (RFC 4180), ya zamani kwanza, kwa vichujio vilevile vya history.",
    ),
    (
        "export.output",
        "Write to this file (private, written whole and then renamed) instead of stdout.",
        "Andika kwenye faili hili (la faragha, linaandikwa zima kisha linapewa jina) badala ya stdout.",
    ),
    (
        "export.since",
        "From this day (YYYY-MM-DD, today or yesterday, in the till's time zone).",
        "Kuanzia siku hii (YYYY-MM-DD, today au yesterday, kwa saa za kaunta).",
    ),
    (
        "export.until",
        "Up to and with this day.",
        "Hadi na siku hii.",
    ),
    (
        "export.status",
        "Only this status (paid, failed, pending, unknown, attention, sending, recorded).",
        "Hali hii tu (paid, failed, pending, unknown, attention, sending, recorded).",
    ),
    (
        "export.provider",
        "Only this provider.",
        "Mtoa huduma huyu tu.",
    ),
    (
        "export.operator",
        "Only payments this operator pushed.",
        "Malipo aliyotuma mhudumu huyu tu.",
    ),
    (
        "export.till",
        "Only payments recorded at this till (a chain's ledger holds every till's).",
        "Malipo yaliyoandikwa kwenye kaunta hii tu (daftari kuu la maduka lina ya kila kaunta).",
    ),
    (
        "export.phone",
        "Digits anywhere in the customer's number.",
        "Tarakimu popote kwenye namba ya mteja.",
    ),
    (
        "export.reference",
        "Part of the reference (any case).",
        "Sehemu ya kumbukumbu (herufi kubwa au ndogo).",
    ),
    (
        "receipt",
        "A paid payment's confirmation slip, as text or sent to the receipt printer.",
        "Karatasi ya uthibitisho wa malipo yaliyolipwa, kama maandishi au kwa printa ya risiti.",
    ),
    (
        "receipt.reference",
        "The payment's reference.",
        "Kumbukumbu ya malipo.",
    ),
    (
        "receipt.print",
        "Send it to the printer of the config's [receipt] printer (ESC/POS).",
        "Ipeleke kwa printa ya printer ya [receipt] kwenye mipangilio (ESC/POS).",
    ),
    (
        "receipt.demo",
        "A payment of the demo's journal (the slip says DEMO).",
        "Malipo ya daftari la majaribio (karatasi inasema MAJARIBIO).",
    ),
    (
        "reconcile",
        "Compare a day of the journal with what the providers hold, apply what can be resolved, \
         and flag what needs a person.",
        "Linganisha siku ya daftari na walicho nacho watoa huduma, tumia kinachoweza kutatuliwa, \
         na uweke alama kinachohitaji mtu.",
    ),
    (
        "reconcile.day",
        "The day (YYYY-MM-DD, today or yesterday; default today).",
        "Siku (YYYY-MM-DD, today au yesterday; kawaida leo).",
    ),
    (
        "reconcile.json",
        "One JSON object per payment, then a summary object.",
        "Kitu kimoja cha JSON kwa kila malipo, kisha kitu cha muhtasari.",
    ),
    (
        "report",
        "The end of a day: per provider and currency, paid, failed by reason, needing a person, \
         still open; per operator; and closing the day (a numbered Z report).",
        "Mwisho wa siku: kwa kila mtoa huduma na sarafu, yaliyolipwa, yaliyoshindwa kwa sababu, \
         yanayohitaji mtu, yaliyo bado wazi; kwa kila mhudumu; na kufunga siku (ripoti ya Z yenye \
         namba).",
    ),
    (
        "report.day",
        "The day (YYYY-MM-DD, today or yesterday; default today).",
        "Siku (YYYY-MM-DD, today au yesterday; kawaida leo).",
    ),
    ("report.json", "One JSON object.", "Kitu kimoja cha JSON."),
    (
        "report.close",
        "Close the day: a numbered Z report, kept in the journal and never changed.",
        "Funga siku: ripoti ya Z yenye namba, inayohifadhiwa kwenye daftari na haibadilishwi kamwe.",
    ),
    (
        "report.force",
        "Close although payments are still open or need a person.",
        "Funga ingawa malipo bado yako wazi au yanahitaji mtu.",
    ),
    (
        "report.print",
        "Also send it to the config's [receipt] printer (ESC/POS), as a Z report once closed.",
        "Ipeleke pia kwa printa ya [receipt] kwenye mipangilio (ESC/POS), kama ripoti ya Z ikishafungwa.",
    ),
    (
        "report.operator",
        "Who closes the day (default: the config's operator, else the operating system's user).",
        "Anayefunga siku (kawaida: operator ya mipangilio, kisha mtumiaji wa mfumo).",
    ),
    (
        "serve",
        "Serve the console over SSH to the operators listed in the operators file (field agents \
         need only an SSH app and a key).",
        "Hudumia dirisha kupitia SSH kwa wahudumu walio kwenye faili la wahudumu (mawakala wa \
         nje wanahitaji programu ya SSH na ufunguo tu).",
    ),
    (
        "serve.ssh",
        "Address to listen on, HOST:PORT (default: the config's [serve] ssh, else \
         127.0.0.1:2222); off: no SSH (with --http).",
        "Anwani ya kusikiliza, HOST:PORT (kawaida: ssh ya [serve] kwenye mipangilio, kisha \
         127.0.0.1:2222); off: bila SSH (pamoja na --http).",
    ),
    (
        "serve.http",
        "Receive the providers' callbacks over HTTP on HOST:PORT, behind the shop's reverse proxy \
         (default: the config's [serve] http; none).",
        "Pokea simu za majibu za watoa huduma kupitia HTTP kwenye HOST:PORT, nyuma ya proksi ya \
         duka (kawaida: http ya [serve] kwenye mipangilio; hakuna).",
    ),
    (
        "serve.demo",
        "Serve the demo (no real money) to anyone, with any key or none: each visitor gets a demo \
         of their own.",
        "Hudumia majaribio (si pesa halisi) kwa yeyote, kwa ufunguo wowote au bila: kila mgeni \
         anapata majaribio yake.",
    ),
    (
        "serve.operators",
        "The operators file (default: the config's [serve] operators, else lipa/operators in the \
         platform's config directory).",
        "Faili la wahudumu (kawaida: operators ya [serve] kwenye mipangilio, kisha lipa/operators \
         kwenye saraka ya mipangilio ya mfumo).",
    ),
    (
        "operators",
        "The operators of `lipa serve`: who may log in, as what.",
        "Wahudumu wa `lipa serve`: nani anaweza kuingia, kama nani.",
    ),
    (
        "ledger",
        "A chain's shared ledger (PostgreSQL, database_url).",
        "Daftari kuu la maduka mengi (PostgreSQL, database_url).",
    ),
    (
        "ledger import",
        "Copy a till's journal (its SQLite file) into the shared ledger, with every payment's \
         history and the closed days; a second run adds nothing.",
        "Nakili daftari la kaunta (faili lake la SQLite) kwenye daftari kuu, pamoja na historia \
         ya kila malipo na siku zilizofungwa; ukiendesha tena hakuna kinachoongezwa.",
    ),
    (
        "ledger import.file",
        "The till's journal file, e.g. ~/.local/share/lipa/journal.sqlite3.",
        "Faili la daftari la kaunta, kwa mfano ~/.local/share/lipa/journal.sqlite3.",
    ),
    (
        "ledger import.till",
        "The till its payments were taken at, for payments recorded before lipa kept the till \
         (default: this till's name).",
        "Kaunta yalipopokelewa malipo, kwa malipo yaliyorekodiwa kabla lipa haijaanza kuweka \
         kaunta (kawaida: jina la kaunta hii).",
    ),
    (
        "operators check",
        "Check the operators file and print who can log in (no keys are printed).",
        "Kagua faili la wahudumu na uandike wanaoweza kuingia (funguo haziandikwi).",
    ),
    (
        "operators check.file",
        "The file (default: the platform's config directory, lipa/operators).",
        "Faili (kawaida: saraka ya mipangilio ya mfumo, lipa/operators).",
    ),
    (
        "simulate",
        "Run the provider simulator on 127.0.0.1 (every provider's wire format).",
        "Endesha kifaa cha kuiga watoa huduma kwenye 127.0.0.1 (miundo ya watoa huduma wote wawili).",
    ),
    (
        "simulate.port",
        "Port on 127.0.0.1 (0 picks a free one).",
        "Port kwenye 127.0.0.1 (0 inachagua iliyo wazi).",
    ),
    (
        "simulate.settle",
        "Seconds before a customer answers.",
        "Sekunde kabla mteja hajajibu.",
    ),
    (
        "simulate.faults",
        "Switch every fault on at this chance per mille (0-1000): slow answers (1.5 s late), \
         HTML 500/502/503, 429 with Retry-After, the connection dropped, an error, \"reference \
         already used\" or 429 after the push was created, truncated or malformed JSON, tokens \
         revoked early, reversals, extra failed attempts, answers without the amount or with \
         another paying number.",
        "Washa kila hitilafu kwa nafasi hii kwa elfu (0-1000): majibu ya polepole (sekunde 1.5), \
         HTML 500/502/503, 429 na Retry-After, muunganisho kukatika, hitilafu, \"kumbukumbu \
         imeshatumika\" au 429 baada ya ombi kuundwa, JSON iliyokatika au mbovu, tokeni \
         kufutwa mapema, marejesho, majaribio ya ziada yaliyoshindwa, majibu bila kiasi au kwa \
         namba nyingine iliyolipa.",
    ),
    (
        "simulate.fault",
        "One fault's chance, over --faults: NAME=PER_MILLE, comma-separated or repeated (slow, \
         html-5xx, too-many-requests, drop-after-create, fail-after-create, truncate, malformed, \
         revoke-tokens, reverse, duplicate-after-create, throttle-after-create, extra-attempt, \
         no-echo, other-phone). E.g. --fault html-5xx=100,slow=50.",
        "Nafasi ya hitilafu moja, juu ya --faults: JINA=KWA_ELFU, kwa koma au kurudia (slow, \
         html-5xx, too-many-requests, drop-after-create, fail-after-create, truncate, malformed, \
         revoke-tokens, reverse, duplicate-after-create, throttle-after-create, extra-attempt, \
         no-echo, other-phone). Mfano --fault html-5xx=100,slow=50.",
    ),
    (
        "simulate.seed",
        "Seed of the fault dice: the same seed and the same requests give the same faults.",
        "Mbegu ya kete za hitilafu: mbegu ileile na maombi yaleyale hutoa hitilafu zilezile.",
    ),
    (
        "simulate.callback",
        "Call lipa back when a payment ends, each provider in its own format, at this receiver \
         (lipa serve --http), e.g. http://127.0.0.1:8089.",
        "Mpigie lipa simu ya majibu malipo yanapoisha, kila mtoa huduma kwa muundo wake, kwenye \
         kipokezi hiki (lipa serve --http), mfano http://127.0.0.1:8089.",
    ),
    (
        "simulate.callback_faults",
        "Callbacks: milliseconds after the customer's answer, lost per mille, sent twice per mille.",
        "Simu za majibu: milisekunde baada ya jibu la mteja, zinazopotea kwa elfu, zinazotumwa mara \
         mbili kwa elfu.",
    ),
    (
        "simulate.clock_offset",
        "Run the simulator's clock this many seconds ahead (negative: behind); requests stamped \
         more than 5 minutes off are refused by {clock_signed}.",
        "Weka saa ya kifaa cha kuiga mbele kwa sekunde hizi (hasi: nyuma); maombi yenye muda \
         uliopishana zaidi ya dakika 5 yanakataliwa na {clock_signed}.",
    ),
];

/// The text for `place` in `lang`, if the table has one, its providers filled in.
pub fn text(place: &str, lang: Lang) -> Option<String> {
    TEXTS
        .iter()
        .find(|(p, _, _)| *p == place)
        .map(|(_, en, sw)| match lang {
            Lang::En => *en,
            Lang::Sw => *sw,
        })
        .filter(|t| !t.is_empty())
        .map(|t| fill(t, lang))
}

/// A help text with the providers it speaks of filled in from the registry's rows:
/// `{providers}`, `{providers_where}`, `{provider_choices}`, and the rows with channels
/// (`{channels}`), an e-mail (`{email}`, `{email_default}`), a customer's name
/// (`{name_field}`), or a clock in their signatures (`{clock_signed}`).
pub fn fill(text: &str, lang: Lang) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    let rows: Vec<&Spec> = ProviderKind::ALL
        .into_iter()
        .map(ProviderKind::spec)
        .collect();
    let labels = |keep: &dyn Fn(&Spec) -> bool| {
        rows.iter()
            .filter(|s| keep(s))
            .map(|s| s.label)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let each = |say: &dyn Fn(&Spec) -> String, sep: &str| {
        rows.iter().map(|s| say(s)).collect::<Vec<_>>().join(sep)
    };
    let (place, or) = match lang {
        Lang::En => (" in ", " or "),
        Lang::Sw => (" ", " au "),
    };
    let name_field = each(
        &|s| match (s.customer_name, lang) {
            (None, _) => String::new(),
            (Some(f), Lang::En) => format!("{} {f}", s.label),
            (Some(f), Lang::Sw) => format!("{f} ya {}", s.label),
        },
        ", ",
    );
    // Only the rows that take a name (no empty item between two commas).
    let name_field = name_field
        .split(", ")
        .filter(|f| !f.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    text.replace("{providers}", &labels(&|_| true))
        .replace(
            "{providers_where}",
            &each(
                &|s| format!("{}{place}{}", s.label, s.country().name()),
                ", ",
            ),
        )
        .replace(
            "{provider_choices}",
            &each(
                &|s| format!("{} ({}, {})", s.id, s.country().name(), s.currency().code()),
                or,
            ),
        )
        .replace("{channels}", &labels(&|s| s.channels.is_some()))
        .replace("{email}", &labels(&|s| s.email != EmailRule::NotTaken))
        .replace(
            "{email_default}",
            &rows
                .iter()
                .filter(|s| s.email != EmailRule::NotTaken && s.key("email").is_some())
                .map(|s| variable(s.section, "email"))
                .collect::<Vec<_>>()
                .join(", "),
        )
        .replace("{name_field}", &name_field)
        .replace("{clock_signed}", &labels(&|s| s.clock_signed))
}

labels! {
    usage_heading: "Usage:", "Matumizi:";
    options_heading: "Options", "Chaguo";
    arguments_heading: "Arguments", "Hoja";
    commands_heading: "Commands", "Amri";
    help_flag: "Print help", "Onyesha msaada";
    version_flag: "Print version", "Onyesha toleo";
    error_word: "error", "kosa";
    values_word: "possible values", "thamani zinazowezekana";
    default_word: "default", "kawaida";
    try_help: "For more information, try '--help'.", "Kwa maelezo zaidi, jaribu '--help'.";
    error_unknown_argument: "unexpected argument", "hoja isiyotarajiwa";
    error_invalid_value: "invalid value", "thamani si sahihi";
    error_missing: "the following required arguments were not provided",
        "hoja hizi zinazohitajika hazikutolewa";
    error_no_value: "a value is required", "thamani inahitajika";
    error_unknown_command: "unrecognized subcommand", "amri isiyojulikana";
    error_other: "the command line is not valid", "amri haiko sahihi";
    error_valid: "valid", "zinazokubalika";
    error_too_many: "too many values", "thamani nyingi mno";
    error_used_twice: "given more than once", "imetolewa zaidi ya mara moja";
}

/// The table as catalogue entries (the empty placeholders left out).
pub fn texts() -> Vec<Entry> {
    TEXTS
        .iter()
        .filter(|(_, en, _)| !en.is_empty())
        .map(|(place, en, sw)| Entry {
            name: place,
            en: fill(en, Lang::En),
            sw: fill(sw, Lang::Sw),
            slot: None,
        })
        .collect()
}
