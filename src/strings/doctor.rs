//! `lipa doctor`: what each check found, and what to do, in both languages.

use std::path::Path;

fn sample_dir() -> &'static Path {
    Path::new("/var/lib/lipa")
}

sentences! {
    fn doctor_title() {
        en: "lipa doctor: every check that charges nobody (no push is sent)",
        sw: "lipa doctor: kila ukaguzi usiomtoza mtu (hakuna ombi linalotumwa)",
    }
    fn doctor_sale_ok() {
        en: "A sale can be taken.",
        sw: "Malipo yanaweza kupokelewa.",
    }
    fn doctor_sale_partly() {
        en: "A sale can be taken, but fix the lines marked ✗.",
        sw: "Malipo yanaweza kupokelewa, lakini rekebisha mistari yenye ✗.",
    }
    fn doctor_sale_no() {
        en: "No sale can be taken: fix the lines marked ✗ first.",
        sw: "Malipo hayawezi kupokelewa: rekebisha kwanza mistari yenye ✗.",
    }
    fn doctor_config_file(path: &Path = Path::new("/etc/lipa/config.toml")) {
        en: format!("settings read from {}", path.display()),
        sw: format!("mipangilio imesomwa kutoka {}", path.display()),
    }
    fn doctor_config_env() {
        en: "no settings file: only LIPA_… variables are read",
        sw: "hakuna faili la mipangilio: vigezo vya LIPA_… pekee vinasomwa",
    }
    fn doctor_public_url(url: &str = "https://pay.duka.example") {
        en: format!("each push of a provider that takes one gets its own callback address under {url}/hooks/"),
        sw: format!("kila ombi la mtoa huduma anayekubali linapata anwani yake ya majibu chini ya {url}/hooks/"),
    }
    fn doctor_public_url_bad(url: &str = "pay.duka.example") {
        en: format!("public_url {url} is not an https:// address (or http:// on this machine): no push gets its own callback address"),
        sw: format!("public_url {url} si anwani ya https:// (au http:// kwenye mashine hii): hakuna ombi linalopata anwani yake ya majibu"),
    }
    fn doctor_no_provider() {
        en: "no provider is configured: the console opens the demo (no real money); set one provider's keys (README: Providers)",
        sw: "hakuna mtoa huduma aliyewekwa: dirisha linafungua majaribio (si pesa halisi); weka funguo za mtoa huduma mmoja (README: Providers)",
    }
    fn doctor_left_off(why: &str = "LIPA_ACME_SECRET_KEY is missing") {
        en: format!("left off: {why}"),
        sw: format!("ameachwa: {why}"),
    }
    fn doctor_data_dir(dir: &Path = sample_dir()) {
        en: format!("data directory {}, private to this user", dir.display()),
        sw: format!("saraka ya data {}, ya mtumiaji huyu pekee", dir.display()),
    }
    fn doctor_data_dir_writable(path: &Path = sample_dir()) {
        en: format!("{0} can be changed by other users: anyone on this machine could alter or remove payments; chmod go-w {0}", path.display()),
        sw: format!("{0} inaweza kubadilishwa na watumiaji wengine: yeyote kwenye mashine hii angeweza kubadilisha au kufuta malipo; chmod go-w {0}", path.display()),
    }
    fn doctor_journal_unwritable(path: &Path = Path::new("/var/lib/lipa/journal.sqlite3"), why: &str = "Permission denied (os error 13)") {
        en: format!("{} cannot be written by this user ({why}): no sale can be recorded; run lipa as the journal's owner", path.display()),
        sw: format!("{} haiwezi kuandikwa na mtumiaji huyu ({why}): hakuna malipo yanayoweza kuandikwa; endesha lipa kama mmiliki wa daftari", path.display()),
    }
    fn doctor_ledger_read_only(place: &str = "db.example.com:5432/lipa") {
        en: format!("shared ledger {place}: this login may read but not record payments; GRANT it INSERT and UPDATE on lipa's tables"),
        sw: format!("daftari kuu {place}: kuingia huku kunaweza kusoma lakini si kuandika malipo; mpe INSERT na UPDATE kwenye meza za lipa"),
    }
    fn doctor_printer_not_device(printer: &str = "/tmp/printer") {
        en: format!("printer {printer} is neither a device nor a file (a pipe?): receipts would wait for ever; name the printer's device, e.g. /dev/usb/lp0"),
        sw: format!("printa {printer} si kifaa wala faili (bomba?): risiti zingesubiri milele; taja kifaa cha printa, mfano /dev/usb/lp0"),
    }
    fn doctor_data_dir_new(dir: &Path = sample_dir()) {
        en: format!("data directory {}: not there yet; lipa makes it, private to this user, when it first starts", dir.display()),
        sw: format!("saraka ya data {}: bado haipo; lipa inaitengeneza, ya mtumiaji huyu pekee, inapoanza mara ya kwanza", dir.display()),
    }
    fn doctor_data_dir_not_dir(dir: &Path = sample_dir()) {
        en: format!("data directory {} is a file, not a directory: LIPA_DATA_DIR (or data_dir) must name a directory", dir.display()),
        sw: format!("saraka ya data {} ni faili, si saraka: LIPA_DATA_DIR (au data_dir) lazima itaje saraka", dir.display()),
    }
    fn doctor_data_dir_open(dir: &Path = sample_dir()) {
        en: format!("data directory {0} can be read by other users, and it holds customers' numbers: chmod 700 {0}", dir.display()),
        sw: format!("saraka ya data {0} inasomeka na watumiaji wengine, na ina namba za wateja: chmod 700 {0}", dir.display()),
    }
    fn doctor_data_dir_unwritable(dir: &Path = sample_dir(), why: &str = "Permission denied (os error 13)") {
        en: format!("data directory {} cannot be written: {why}; give this user a directory of its own (LIPA_DATA_DIR)", dir.display()),
        sw: format!("saraka ya data {} haiwezi kuandikwa: {why}; mpe mtumiaji huyu saraka yake (LIPA_DATA_DIR)", dir.display()),
    }
    fn doctor_disk(free: &str = "12.4 GB") {
        en: format!("{free} free on its disk"),
        sw: format!("nafasi {free} iko wazi kwenye diski yake"),
    }
    fn doctor_disk_low(free: &str = "420 MB") {
        en: format!("only {free} free on its disk: a full disk stops every sale; free some space"),
        sw: format!("nafasi {free} pekee iko wazi kwenye diski yake: diski ikijaa malipo yote yanasimama; ongeza nafasi"),
    }
    fn doctor_disk_full(free: &str = "40 MB") {
        en: format!("only {free} free on its disk: not enough to record sales safely; free space first"),
        sw: format!("nafasi {free} pekee iko wazi kwenye diski yake: haitoshi kuandika malipo salama; ongeza nafasi kwanza"),
    }
    fn doctor_journal_none() {
        en: "no journal yet: lipa makes it when it first starts",
        sw: "bado hakuna daftari: lipa inalitengeneza inapoanza mara ya kwanza",
    }
    fn doctor_journal_sound(payments: i64 = 1204, open: i64 = 3, schema: usize = 11) {
        en: format!(
            "journal: {payments} {}, {open} still open; schema version {schema}; integrity check: ok",
            if payments == 1 { "payment" } else { "payments" }
        ),
        sw: format!("daftari: malipo {payments}, {open} bado wazi; toleo {schema}; ukaguzi wa uadilifu: sawa"),
    }
    fn doctor_journal_older(schema: usize = 9, now: usize = 11) {
        en: format!("journal of an older lipa (schema version {schema}): lipa brings it up to version {now} when it next starts; take a backup first (lipa backup FILE)"),
        sw: format!("daftari la lipa ya zamani (toleo {schema}): lipa inalisasisha hadi toleo {now} inapoanza tena; chukua nakala kwanza (lipa backup FILE)"),
    }
    fn doctor_journal_newer(schema: usize = 12, now: usize = 11) {
        en: format!("journal of a newer lipa (schema version {schema}, this lipa knows {now}): this lipa refuses it; install that lipa or a newer one"),
        sw: format!("daftari la lipa mpya zaidi (toleo {schema}, lipa hii inajua {now}): lipa hii inalikataa; weka lipa hiyo au mpya zaidi"),
    }
    fn doctor_journal_damaged(what: &str = "row 12 missing from index payments_open") {
        en: format!("journal is damaged ({what}): stop lipa and take a backup (lipa backup FILE) to restore; if it cannot be copied, restore the latest backup (README: Restoring a till)"),
        sw: format!("daftari limeharibika ({what}): simamisha lipa na uchukue nakala (lipa backup FILE) ya kurejesha; isipoweza kunakiliwa, rejesha nakala ya mwisho (README: Restoring a till)"),
    }
    fn doctor_journal_unreadable(why: &str = "file is not a database") {
        en: format!("journal cannot be read: {why}"),
        sw: format!("daftari haliwezi kusomwa: {why}"),
    }
    fn doctor_journal_open(path: &Path = Path::new("/var/lib/lipa/journal.sqlite3")) {
        en: format!("{0} can be read by other users: chmod 600 {0}", path.display()),
        sw: format!("{0} inasomeka na watumiaji wengine: chmod 600 {0}", path.display()),
    }
    fn doctor_ledger_sound(place: &str = "db.example.com:5432/lipa", schema: usize = 5) {
        en: format!("shared ledger {place} reached; schema version {schema}, as this lipa writes it"),
        sw: format!("daftari kuu {place} limefikiwa; toleo {schema}, kama lipa hii inavyoliandika"),
    }
    fn doctor_ledger_empty(place: &str = "db.example.com:5432/lipa") {
        en: format!("shared ledger {place} reached; empty: the first lipa to start makes its tables"),
        sw: format!("daftari kuu {place} limefikiwa; tupu: lipa ya kwanza kuanza inatengeneza meza zake"),
    }
    fn doctor_ledger_older(place: &str = "db.example.com:5432/lipa", schema: usize = 4, now: usize = 5) {
        en: format!("shared ledger {place} reached; schema version {schema}, of an older lipa: the first till of this lipa to start brings it to {now} (README: Upgrades)"),
        sw: format!("daftari kuu {place} limefikiwa; toleo {schema}, la lipa ya zamani: kaunta ya kwanza ya lipa hii kuanza inalisasisha hadi {now} (README: Upgrades)"),
    }
    fn doctor_ledger_newer(place: &str = "db.example.com:5432/lipa", schema: usize = 6, now: usize = 5) {
        en: format!("shared ledger {place}: schema version {schema}, of a newer lipa (this lipa knows {now}): upgrade this till"),
        sw: format!("daftari kuu {place}: toleo {schema}, la lipa mpya zaidi (lipa hii inajua {now}): sasisha kaunta hii"),
    }
    fn doctor_ledger_unreachable(why: &str = "the shared ledger cannot be reached: connection refused") {
        en: format!("shared ledger: {why}"),
        sw: format!("daftari kuu: {why}"),
    }
    fn doctor_ledger_verified() {
        en: "TLS to the ledger, its certificate and name verified",
        sw: "TLS kwa daftari kuu, cheti chake na jina lake vimethibitishwa",
    }
    fn doctor_ledger_unverified() {
        en: "TLS to the ledger, but its certificate is not verified: add sslmode=verify-full (and sslrootcert=FILE for the chain's own CA) to database_url",
        sw: "TLS kwa daftari kuu, lakini cheti chake hakijathibitishwa: ongeza sslmode=verify-full (na sslrootcert=FILE kwa CA ya mnyororo) kwenye database_url",
    }
    fn doctor_ledger_plain() {
        en: "no TLS to the ledger: payments cross the network readable; add sslmode=verify-full to database_url unless the network is the shop's own",
        sw: "hakuna TLS kwa daftari kuu: malipo yanapita mtandaoni yakisomeka; ongeza sslmode=verify-full kwenye database_url isipokuwa mtandao ni wa duka lenyewe",
    }
    fn doctor_ledger_socket() {
        en: "the ledger is on this machine: nothing crosses a network, no TLS needed",
        sw: "daftari kuu liko kwenye mashine hii: hakuna kinachopita mtandaoni, TLS haihitajiki",
    }
    fn doctor_reached_tls(url: &str = "https://api.acmepay.example") {
        en: format!("{url} answers; TLS certificate verified"),
        sw: format!("{url} inajibu; cheti cha TLS kimethibitishwa"),
    }
    fn doctor_reached_local(url: &str = "http://127.0.0.1:8080/acmepay") {
        en: format!("{url} answers: a simulator on this machine (no real money)"),
        sw: format!("{url} inajibu: kiigaji kwenye mashine hii (si pesa halisi)"),
    }
    fn doctor_reached_plain(url: &str = "http://gateway.example.com") {
        en: format!("{url} answers without TLS: keys and payments cross the network readable; use the provider's https address"),
        sw: format!("{url} inajibu bila TLS: funguo na malipo yanapita mtandaoni yakisomeka; tumia anwani ya https ya mtoa huduma"),
    }
    fn doctor_unreachable(url: &str = "https://api.acmepay.example", why: &str = "dns error: failed to lookup address information") {
        en: format!("{url} cannot be reached: {why}; check the network and base_url"),
        sw: format!("{url} haifikiki: {why}; kagua mtandao na base_url"),
    }
    fn doctor_tls_refused(url: &str = "https://api.acmepay.example", why: &str = "invalid peer certificate: UnknownIssuer") {
        en: format!("{url}: its TLS certificate was refused ({why}): a proxy or a wrong base_url stands in between"),
        sw: format!("{url}: cheti chake cha TLS kimekataliwa ({why}): proksi au base_url isiyo sahihi iko katikati"),
    }
    fn doctor_clock_ok(provider: &str = "AcmePay", secs: i64 = 1) {
        en: format!("this machine's clock agrees with {provider}'s (within {secs} s)"),
        sw: format!("saa ya mashine hii inakubaliana na ya {provider} (ndani ya sekunde {secs})"),
    }
    fn doctor_clock_off(provider: &str = "AcmePay", span: &str = "7 min 12 s", ahead: bool = false, signed: bool = true, taken: bool = false) {
        en: format!(
            "this machine's clock is {span} {} {provider}'s: {}; set the clock (timedatectl set-ntp true)",
            if ahead { "ahead of" } else { "behind" },
            match (signed, taken) {
                (true, false) => "its signed requests are refused",
                (true, true) => "its signed requests are still taken, but its limit is not published",
                _ => "times on receipts and tokens are off",
            }
        ),
        sw: format!(
            "saa ya mashine hii {} ya {provider} kwa {span}: {}; rekebisha saa (timedatectl set-ntp true)",
            if ahead { "iko mbele" } else { "iko nyuma" },
            match (signed, taken) {
                (true, false) => "maombi yake yaliyosainiwa yanakataliwa",
                (true, true) => "maombi yake yaliyosainiwa bado yanakubaliwa, lakini kikomo chake hakijatangazwa",
                _ => "nyakati kwenye risiti na tokeni si sahihi",
            }
        ),
    }
    fn doctor_clock_unknown(provider: &str = "AcmePay") {
        en: format!("clock not compared: {provider} sent no Date"),
        sw: format!("saa haikulinganishwa: {provider} haikutuma Date"),
    }
    fn doctor_credentials_ok() {
        en: "credentials accepted: a signed read that charges nobody was answered",
        sw: "funguo zimekubaliwa: ombi la kusoma lililosainiwa, lisilomtoza mtu, limejibiwa",
    }
    fn doctor_credentials_refused(why: &str = "AcmePay refused the credentials (HTTP 401): check LIPA_ACME_API_KEY") {
        en: format!("credentials refused: {why}"),
        sw: format!("funguo zimekataliwa: {why}"),
    }
    fn doctor_credentials_unchecked(why: &str = "AcmePay is busy (HTTP 503); try again later") {
        en: format!("credentials not checked: {why}"),
        sw: format!("funguo hazikukaguliwa: {why}"),
    }
    fn doctor_credentials_odd(why: &str = "HTTP 400: invalid request") {
        en: format!("the status query was answered, but not as expected: {why}"),
        sw: format!("swali la hali limejibiwa, lakini si kama ilivyotarajiwa: {why}"),
    }
    fn doctor_callback_ok(url: &str = "https://shop.example.com/hooks/acmepay") {
        en: format!("callback address {url}"),
        sw: format!("anwani ya majibu {url}"),
    }
    fn doctor_callback_private(url: &str = "https://localhost/hooks/acmepay") {
        en: format!("callback address {url} is private: the provider cannot reach it (payments are still followed by asking)"),
        sw: format!("anwani ya majibu {url} ni ya ndani: mtoa huduma hawezi kuifikia (malipo bado yanafuatiliwa kwa kuuliza)"),
    }
    fn doctor_printer_ok(printer: &str = "tcp://10.0.0.9:9100") {
        en: format!("printer {printer} answers"),
        sw: format!("printa {printer} inajibu"),
    }
    fn doctor_printer_bad(printer: &str = "tcp://10.0.0.9:9100", why: &str = "Connection refused (os error 111)") {
        en: format!("printer {printer}: {why}; receipts can still be shown (lipa receipt)"),
        sw: format!("printa {printer}: {why}; risiti bado zinaweza kuonyeshwa (lipa receipt)"),
    }
    fn doctor_printer_none() {
        en: "no printer configured: receipts are shown as text",
        sw: "hakuna printa iliyowekwa: risiti zinaonyeshwa kama maandishi",
    }
    fn doctor_printer_unknown(printer: &str = "lp0") {
        en: format!("printer {printer} is neither tcp://HOST:PORT nor a device path such as /dev/usb/lp0"),
        sw: format!("printa {printer} si tcp://HOST:PORT wala njia ya kifaa kama /dev/usb/lp0"),
    }
    fn doctor_operators_ok(count: usize = 12, path: &Path = Path::new("/etc/lipa/operators")) {
        en: format!(
            "{count} {} may log in to lipa serve ({})",
            if count == 1 { "operator" } else { "operators" },
            path.display()
        ),
        sw: format!("wahudumu {count} wanaweza kuingia kwenye lipa serve ({})", path.display()),
    }
    fn doctor_operators_none(path: &Path = Path::new("/etc/lipa/operators")) {
        en: format!("no operators file at {}: only lipa serve needs one", path.display()),
        sw: format!("hakuna faili la wahudumu kwenye {}: lipa serve pekee ndiyo inalihitaji", path.display()),
    }
    fn doctor_operators_bad(why: &str = "line 3: the key is not an SSH public key") {
        en: format!("operators file: {why}; lipa serve lets nobody in until it is fixed (lipa operators check)"),
        sw: format!("faili la wahudumu: {why}; lipa serve haimruhusu mtu hadi lirekebishwe (lipa operators check)"),
    }
}
