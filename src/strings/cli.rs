//! Messages of the headless commands, of the configuration and of start-up, in English and
//! Kiswahili. Setting names, commands and paths stay as they are typed.

use crate::lang::Lang;
use crate::payment::{Payment, Status};
use crate::provider::Channel;
use std::path::{Path, PathBuf};

fn sample_path() -> PathBuf {
    PathBuf::from("/etc/lipa/config.toml")
}

fn sample_payment() -> Payment {
    crate::strings::samples::sample_payment()
}

fn sample_channels() -> Vec<Channel> {
    vec![Channel {
        code: "63902".into(),
        name: "M-PESA".into(),
    }]
}

fn place(lang: Lang, path: Option<&Path>) -> String {
    match (lang, path) {
        (Lang::En, Some(p)) => format!(" (environment, or {})", p.display()),
        (Lang::En, None) => " (environment or config file)".into(),
        (Lang::Sw, Some(p)) => format!(" (mazingira, au {})", p.display()),
        (Lang::Sw, None) => " (mazingira au faili la mipangilio)".into(),
    }
}

/// One line, whatever a parser wrote.
fn one_line(reason: &str) -> String {
    reason.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn channel_list(offered: &[Channel]) -> String {
    offered
        .iter()
        .map(|c| format!("{} {}", c.code, c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

sentences! {
    fn history_bad_date(value: &str = "12/05") {
        en: format!("'{value}' is not a day: write YYYY-MM-DD, today or yesterday"),
        sw: format!("'{value}' si siku: andika YYYY-MM-DD, today au yesterday"),
    }
    fn history_bad_status(value: &str = "done") {
        en: format!("'{value}' is not a status (paid, failed, pending, unknown, attention, sending, recorded)"),
        sw: format!("'{value}' si hali (paid, failed, pending, unknown, attention, sending, recorded)"),
    }
    fn history_no_hooks() {
        en: "no callback is waiting for a person",
        sw: "hakuna simu ya majibu inayomsubiri mtu",
    }
    fn history_hook_names_nothing() {
        en: "(names no payment)",
        sw: "(haitaji malipo yoyote)",
    }
    fn history_none() {
        en: "no payment matches",
        sw: "hakuna malipo yanayolingana",
    }
    fn operators_unreadable(path: &Path = &sample_path(), reason: &str = "No such file") {
        en: format!("cannot read the operators file {}: {reason}", path.display()),
        sw: format!("faili la wahudumu {} halisomeki: {reason}", path.display()),
    }
    fn operators_line(path: &Path = &sample_path(), line: usize = 3, why: &str = "no key") {
        en: format!("operators file {}, line {line}: {why}", path.display()),
        sw: format!("faili la wahudumu {}, mstari {line}: {why}", path.display()),
    }
    fn operators_no_key() {
        en: "no public key (options, then e.g. ssh-ed25519 AAAA…)",
        sw: "hakuna ufunguo wa umma (chaguo, kisha mfano ssh-ed25519 AAAA…)",
    }
    fn operators_key_type(t: &str = "ssh-dss") {
        en: format!("'{t}' is not a key type lipa takes (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …)"),
        sw: format!("'{t}' si aina ya ufunguo inayokubalika (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, …)"),
    }
    fn operators_bad_key() {
        en: "the key is not a valid OpenSSH public key of that type",
        sw: "ufunguo si ufunguo halali wa umma wa OpenSSH wa aina hiyo",
    }
    fn operators_no_name() {
        en: "no operator=\"NAME\" in front of the key",
        sw: "hakuna operator=\"JINA\" mbele ya ufunguo",
    }
    fn operators_bad_option(o: &str = "role") {
        en: format!("option '{o}' must be written name=\"value\", options separated by commas"),
        sw: format!("chaguo '{o}' liandikwe jina=\"thamani\", chaguo zikitenganishwa kwa koma"),
    }
    fn operators_unknown_option(o: &str = "colour") {
        en: format!("unknown option '{o}' (operator, role, lang, providers, max_amount)"),
        sw: format!("chaguo '{o}' halijulikani (operator, role, lang, providers, max_amount)"),
    }
    fn operators_bad_value(option: &str = "role", value: &str = "boss") {
        en: format!("{option}=\"{value}\" is not valid"),
        sw: format!("{option}=\"{value}\" si sahihi"),
    }
    fn operators_duplicate(first: usize = 2) {
        en: format!("the same key is already on line {first}"),
        sw: format!("ufunguo huohuo uko tayari kwenye mstari {first}"),
    }
    fn export_stopped() {
        en: "stopped before the end; nothing half written is left",
        sw: "imesimamishwa kabla ya mwisho; hakuna kilichoandikwa nusu kilichobaki",
    }
    fn export_stopped_stdout() {
        en: "stopped before the end; what was written before the stop stands",
        sw: "imesimamishwa kabla ya mwisho; kilichoandikwa kabla ya kusimamishwa kinabaki",
    }
    fn export_unwritable(target: &str = "/srv/duka/leo.csv", why: &str = "No space left on device") {
        en: format!("could not write {target}: {why} (nothing half written is left)"),
        sw: format!("imeshindwa kuandika {target}: {why} (hakuna kilichoandikwa nusu kilichobaki)"),
    }
    fn export_is_directory(target: &str = "/srv/duka/", example: &str = "/srv/duka/payments.csv") {
        en: format!("--output {target} is a directory: name the file to write, e.g. --output {example}"),
        sw: format!("--output {target} ni saraka: taja faili la kuandika, mfano --output {example}"),
    }
    fn operators_writable(path: &str = "/home/duka/.config/lipa/operators", mode: u32 = 0o666) {
        en: format!("{path}: others can write to the operators file (mode {mode:o}), and so add a key of their own. Run chmod 644 (or 600) on it."),
        sw: format!("{path}: wengine wanaweza kuandika kwenye faili la wahudumu (ruhusa {mode:o}), na hivyo kuongeza ufunguo wao. Endesha chmod 644 (au 600) juu yake."),
    }
    fn operators_owner(path: &str = "/home/duka/.config/lipa/operators", uid: u32 = 65534) {
        en: format!("{path}: the operators file belongs to another user (uid {uid}), who could add a key of their own. Give it to this server's user (chown)."),
        sw: format!("{path}: faili la wahudumu ni la mtumiaji mwingine (uid {uid}), anayeweza kuongeza ufunguo wake. Lipe kwa mtumiaji wa seva hii (chown)."),
    }
    fn operators_dir_writable(dir: &str = "/srv/shared", mode: u32 = 0o777) {
        en: format!("{dir}: others can write to the operators file's directory (mode {mode:o}), and so replace the file. Run chmod go-w on it."),
        sw: format!("{dir}: wengine wanaweza kuandika kwenye saraka ya faili la wahudumu (ruhusa {mode:o}), na hivyo kulibadilisha faili. Endesha chmod go-w juu yake."),
    }
    fn operators_rsa() {
        en: "RSA keys are not accepted by lipa serve: make an ed25519 key (ssh-keygen -t ed25519)",
        sw: "Funguo za RSA hazikubaliwi na lipa serve: tengeneza ufunguo wa ed25519 (ssh-keygen -t ed25519)",
    }
    fn operators_repeated(option: &str = "role") {
        en: format!("{option} is given twice on this line: give it once"),
        sw: format!("{option} imetolewa mara mbili kwenye mstari huu: itoe mara moja"),
    }
    fn operators_other_role(first: usize = 2) {
        en: format!("this operator has another role on line {first}: give each person one role"),
        sw: format!("mhudumu huyu ana jukumu jingine kwenye mstari {first}: mpe kila mtu jukumu moja"),
    }
    fn operators_who(n: usize = 2, path: &Path = &sample_path()) {
        en: format!("{n} operator(s) can log in ({})", path.display()),
        sw: format!("wahudumu {n} wanaweza kuingia ({})", path.display()),
    }
    fn operators_all_providers() {
        en: "all providers",
        sw: "watoa huduma wote",
    }
    fn operators_no_limit() {
        en: "no limit",
        sw: "bila kikomo",
    }
    fn operators_max_only(n: &str = "KES 5,000") {
        en: format!("at most {n} per payment; other currencies: no limit"),
        sw: format!("isizidi {n} kwa malipo; sarafu nyingine: bila kikomo"),
    }
    fn operators_max(n: &str = "TZS 500,000, KES 5,000") {
        en: format!("at most {n} per payment"),
        sw: format!("isizidi {n} kwa malipo"),
    }
    fn checked_human(word: &str = "attention") {
        en: format!("{word} (checked)"),
        sw: format!("{word} (imekaguliwa)"),
    }
    fn config_unreadable(path: &Path = &sample_path(), reason: &str = "permission denied") {
        en: format!("cannot read config file {}: {reason}", path.display()),
        sw: format!("faili la mipangilio {} halisomeki: {reason}", path.display()),
    }
    fn config_malformed(path: &Path = &sample_path(), line: Option<usize> = Some(3), reason: &str = "expected `=`") {
        en: match line {
            Some(n) => format!("config file {} is not valid, line {n}: {}", path.display(), one_line(reason)),
            None => format!("config file {} is not valid: {}", path.display(), one_line(reason)),
        },
        sw: match line {
            Some(n) => format!("faili la mipangilio {} lina kosa, mstari {n}: {}", path.display(), one_line(reason)),
            None => format!("faili la mipangilio {} lina kosa: {}", path.display(), one_line(reason)),
        },
    }
    fn config_world_readable(path: &Path = &sample_path(), mode: u32 = 0o644) {
        en: format!(
            "config file {} holds secrets but other users can read it (mode {mode:o}); \
             fix with: chmod 600 {}",
            path.display(), path.display()
        ),
        sw: format!(
            "faili la mipangilio {} lina siri lakini watumiaji wengine wanaweza kulisoma \
             (mode {mode:o}); rekebisha kwa: chmod 600 {}",
            path.display(), path.display()
        ),
    }
    fn config_missing(provider: &str = "Pesa", missing: &[String] = &["api_key".to_string()], path: Option<&Path> = None) {
        en: format!("{provider} is missing {}{}", missing.join(", "), place(Lang::En, path)),
        sw: format!("{provider} inakosa {}{}", missing.join(", "), place(Lang::Sw, path)),
    }
    fn config_bad_url(key: &str = "base_url", value: &str = "ftp://x", path: Option<&Path> = None) {
        en: format!("{key} is not an http(s) URL: '{value}'{}", place(Lang::En, path)),
        sw: format!("{key} si anwani ya http(s): '{value}'{}", place(Lang::Sw, path)),
    }
    fn config_bad_value(key: &str = "LIPA_PESA_SHORTCODE (pesa.shortcode)", rule: crate::provider::settings::Rule = crate::provider::settings::Rule::Digits, path: Option<&Path> = None) {
        en: {
            use crate::provider::settings::Rule::*;
            let must = match rule {
                Any => "be set".to_string(),
                Digits => "be digits only".to_string(),
                HttpsUrl => "be an https:// address with a host, no spaces (https://yourshop.co.ke/hooks)".to_string(),
                Words { max } => format!("be at most {max} letters, digits, spaces or . , - ' &"),
                Email => "be an e-mail address (till@yourshop.co.tz)".to_string(),
                Plain { min, max } => format!("be {min} to {max} letters, digits or spaces"),
                Countries => "be KE, TZ or KE,TZ".to_string(),
                OneWord => "be one word of plain letters, digits and signs: no spaces, line breaks or accents inside (copy it again)".to_string(),
            };
            format!("{key} must {must}{}", place(Lang::En, path))
        },
        sw: {
            use crate::provider::settings::Rule::*;
            let must = match rule {
                Any => "iwekwe".to_string(),
                Digits => "iwe tarakimu tu".to_string(),
                HttpsUrl => "iwe anwani ya https:// yenye jina la seva, bila nafasi (https://dukalako.co.ke/hooks)".to_string(),
                Words { max } => format!("isizidi herufi {max}: herufi, tarakimu, nafasi au . , - ' &"),
                Email => "iwe anwani ya barua pepe (till@dukalako.co.tz)".to_string(),
                Plain { min, max } => format!("iwe herufi {min} hadi {max}: herufi, tarakimu au nafasi tu"),
                Countries => "iwe KE, TZ au KE,TZ".to_string(),
                OneWord => "iwe neno moja la herufi, tarakimu na alama za kawaida: bila nafasi, mistari mipya wala herufi zenye alama ndani (nakili tena)".to_string(),
            };
            format!("{key} lazima {must}{}", place(Lang::Sw, path))
        },
    }
    fn config_not_served(provider: &str = "pawaPay Kenya", key: &str = "LIPA_PAWAPAY_COUNTRIES (pawapay.countries)", value: &str = "TZ") {
        en: format!("{provider} is off here: {key} is {value}"),
        sw: format!("{provider} imezimwa hapa: {key} ni {value}"),
    }
    fn config_insecure_url(key: &str = "base_url", value: &str = "http://10.0.0.5", path: Option<&Path> = None) {
        // What to do first: the console's status line may cut the rest.
        en: format!(
            "use https:// for {key}: plain http:// to another machine would send credentials \
             and tokens in clear ({value}){}",
            place(Lang::En, path)
        ),
        sw: format!(
            "tumia https:// kwa {key}: http:// tupu kwenda mashine nyingine ingepitisha funguo \
             na tokeni bila kufichwa ({value}){}",
            place(Lang::Sw, path)
        ),
    }
    fn config_bad_scale(value: &str = "2") {
        en: format!("LIPA_SCHEDULE_SCALE is '{value}': a number from 0.01 to 1 (or unset, for real providers)"),
        sw: format!("LIPA_SCHEDULE_SCALE ni '{value}': namba kati ya 0.01 na 1 (au iache, kwa watoa huduma halisi)"),
    }
    fn config_bad_timezone(v: &str = "EAT") {
        en: format!("timezone = \"{v}\" is not a time zone name: write one such as \"Africa/Dar_es_Salaam\" or \"Africa/Nairobi\""),
        sw: format!("timezone = \"{v}\" si jina la ukanda wa saa: andika kama \"Africa/Dar_es_Salaam\" au \"Africa/Nairobi\""),
    }
    fn config_bad_provider(v: &str = "mpesa", ids: &str = "pesa, duka") {
        en: format!("provider = \"{v}\" (LIPA_PROVIDER) names no provider: write one of {ids}"),
        sw: format!("provider = \"{v}\" (LIPA_PROVIDER) si jina la mtoa huduma: andika mojawapo ya {ids}"),
    }
    fn config_bad_language(value: &str = "fr") {
        en: format!("language is '{value}': lipa speaks sw (Kiswahili) and en (English)"),
        sw: format!("lugha ni '{value}': lipa inazungumza sw (Kiswahili) na en (Kiingereza)"),
    }
    fn data_dir_open(dir: &Path = &sample_path()) {
        en: format!(
            "warning: the data directory {} can be read by other users of this machine, and it \
             holds customers' numbers: chmod 700 {}",
            dir.display(), dir.display()
        ),
        sw: format!(
            "tahadhari: saraka ya data {} inasomeka na watumiaji wengine wa mashine hii, na ina \
             namba za wateja: chmod 700 {}",
            dir.display(), dir.display()
        ),
    }
    fn config_no_data_dir() {
        en: "no data directory: set LIPA_DATA_DIR",
        sw: "hakuna saraka ya data: weka LIPA_DATA_DIR",
    }
    /// A channel typed that is not a number, to a provider whose channels are numbers.
    fn bad_channel(code: &str = "63902", name: &str = "M-PESA") {
        en: format!("a channel is a numeric code such as {code} ({name})"),
        sw: format!("njia ni namba kama {code} ({name})"),
    }
    fn bad_channel_code(code: &str = "MPESA_KEN", name: &str = "M-Pesa") {
        en: format!("a channel is a wallet's code such as {code} ({name})"),
        sw: format!("njia ni msimbo wa pochi kama {code} ({name})"),
    }
    fn unknown_channel(code: &str = "1", provider: &str = "Pesa",
                       offered: &[Channel] = &sample_channels()) {
        en: format!("{code} is not a channel {provider} offers ({})", channel_list(offered)),
        sw: format!("{code} si njia ambayo {provider} inatoa ({})", channel_list(offered)),
    }
    fn channel_unlike_network(network: &str = "Airtel Money", chosen: &Channel = &sample_channels()[0]) {
        en: format!(
            "warning: the number looks like {network}, but the channel is {} {}: check it",
            chosen.code, chosen.name
        ),
        sw: format!(
            "tahadhari: namba inaonekana ni ya {network}, lakini njia ni {} {}: ikague",
            chosen.code, chosen.name
        ),
    }
    fn name_not_printable() {
        en: "only printable characters: no escapes, tabs or new lines".to_string(),
        sw: "herufi zinazochapishika tu: bila escape, tab wala mistari mipya".to_string(),
    }
    fn name_too_long(max: usize = 60) {
        en: format!("at most {max} characters"),
        sw: format!("isizidi herufi {max}"),
    }
    fn no_such_reference(reference: &str = "LP7K3MQ9XR4TZ") {
        en: format!("no payment with reference {} in the journal", reference.trim()),
        sw: format!("hakuna malipo yenye kumbukumbu {} kwenye daftari", reference.trim()),
    }
    fn already_checked(p: &Payment = &sample_payment()) {
        en: {
            let by = p.checked_by.as_deref().unwrap_or("someone");
            match p.checked_at {
                Some(at) => format!("{} was already checked by {by} at {}", p.reference, at.format("%Y-%m-%d %H:%M UTC")),
                None => format!("{} was already checked by {by}", p.reference),
            }
        },
        sw: {
            let by = p.checked_by.as_deref().unwrap_or("mtu");
            match p.checked_at {
                Some(at) => format!("malipo {} yalishakaguliwa na {by}, {}", p.reference, at.format("%Y-%m-%d %H:%M UTC")),
                None => format!("malipo {} yalishakaguliwa na {by}", p.reference),
            }
        },
    }
    fn already_checked_note_lost(p: &Payment = &sample_payment(),
                                 note: &str = "saw it on the dashboard") {
        en: format!("{}; your note was not saved: \"{note}\"", already_checked(Lang::En, p)),
        sw: format!("{}; maelezo yako hayakuhifadhiwa: \"{note}\"", already_checked(Lang::Sw, p)),
    }
    fn check_only_attention(p: &Payment = &sample_payment()) {
        en: format!(
            "only a payment that needs attention can be marked checked; {} is {}",
            p.reference, p.status.public_word()
        ),
        sw: format!(
            "ni malipo yanayohitaji ukaguzi tu yanayoweza kuwekwa kuwa yamekaguliwa; hali ya {} ni: {}",
            p.reference, crate::strings::console::status_word(Lang::Sw, p.status, p.checked)
        ),
    }
    fn stdout_failed(command: &str = "push", why: &str = "broken pipe") {
        en: format!(
            "lipa {command}: could not write the outcome to standard output ({why}); the payments \
             are in the journal: `lipa sync` reports them"
        ),
        sw: format!(
            "lipa {command}: matokeo hayakuandikika kwenye standard output ({why}); malipo yako \
             kwenye daftari: `lipa sync` inayaripoti"
        ),
    }
    /// `--channel` to a provider that picks the wallet itself; `others`: the providers that
    /// take one.
    fn channel_not_offered(provider: &str = "Pesa", others: &str = "Pesa") {
        en: format!("{provider} picks the wallet from the number; --channel is for {others}"),
        sw: format!("{provider} huchagua pochi kwa namba; --channel ni kwa {others}"),
    }
    /// `--email` for a provider that takes no customer e-mail (it would be dropped silently).
    fn email_not_taken(provider: &str = "Pesa", others: &str = "Pesa") {
        en: format!("{provider} takes no customer e-mail; --email is for {others}"),
        sw: format!("{provider} haipokei barua pepe ya mteja; --email ni kwa {others}"),
    }
    /// `check --found` on a payment that is not a lost answer waiting for a person.
    fn found_only_unaskable(p: &Payment = &sample_payment()) {
        en: format!(
            "{} is not a payment the provider cannot be asked about, waiting for a person: --found settles only those (a lost answer). The provider settles the others; mark them checked without --found.",
            p.reference
        ),
        sw: format!(
            "{} si malipo ambayo mtoa huduma hawezi kuulizwa, yanayosubiri mtu: --found inamaliza hayo tu (jibu lililopotea). Mtoa huduma humaliza mengine; yawekee alama ya kukaguliwa bila --found.",
            p.reference
        ),
    }
    fn reference_used(r: &str = "LP7K3MQ9XR4TZ") {
        en: format!("{r} is already in the journal; leave --reference out for a fresh one"),
        sw: format!("{r} tayari iko kwenye daftari; acha --reference upate mpya"),
    }
    /// A payment recorded, or sent, whose answer was never written (a send under way, or its
    /// process killed during it): never re-sent; `lipa sync` asks the provider.
    fn no_answer_yet(p: &Payment = &sample_payment()) {
        en: if p.status == Status::Sending && !crate::provider::spec::askable(p) {
            "Sent, but no answer was recorded (a send under way, or one that was stopped), and this provider cannot be asked without it: lipa sync hands it to a person to check; do not send it again.".to_string()
        } else if p.status == Status::Sending {
            "Sent, but no answer was recorded (a send under way, or one that was stopped): lipa sync asks the provider by its reference; do not send it again.".to_string()
        } else {
            "Recorded, not sent yet (or stopped before the send): lipa sync finds out; do not send it again.".to_string()
        },
        sw: if p.status == Status::Sending && !crate::provider::spec::askable(p) {
            "Imetumwa, lakini hakuna jibu lililoandikwa (utumaji unaendelea, au ulisimamishwa), na mtoa huduma huyu hawezi kuulizwa bila jibu hilo: lipa sync inampa mtu akague; usitume tena.".to_string()
        } else if p.status == Status::Sending {
            "Imetumwa, lakini hakuna jibu lililoandikwa (utumaji unaendelea, au ulisimamishwa): lipa sync inamuuliza mtoa huduma kwa kumbukumbu yake; usitume tena.".to_string()
        } else {
            "Imeandikwa, bado haijatumwa (au ilisimamishwa kabla ya kutumwa): lipa sync itabaini; usitume tena.".to_string()
        },
    }
    /// What `push` says while it waits: the prompt is out, or the send's answer was lost.
    fn waiting(p: &Payment = &sample_payment(), secs: u64 = 90) {
        en: match p.status {
            Status::Unknown | Status::Sending => format!(
                "Sent, but the answer was lost: checking reference {} with the provider for up \
                 to {secs} s…",
                p.reference
            ),
            _ => waiting_for_customer(Lang::En, p.reference.as_str(), secs),
        },
        sw: match p.status {
            Status::Unknown | Status::Sending => format!(
                "Imetumwa, lakini jibu limepotea: inauliza kumbukumbu {} kwa mtoa huduma kwa \
                 hadi sekunde {secs}…",
                p.reference
            ),
            _ => waiting_for_customer(Lang::Sw, p.reference.as_str(), secs),
        },
    }
    fn duplicate_refused(p: &Payment = &sample_payment()) {
        en: format!("{}. Check it first; --force sends anyway.", crate::strings::engine::duplicate_of(Lang::En, p)),
        sw: format!("{}. Yakague kwanza; --force inatuma hata hivyo.", crate::strings::engine::duplicate_of(Lang::Sw, p)),
    }
    fn answer_not_journalled(why: &str = "disk full") {
        en: format!(
            "the push was sent but its answer could not be written to the journal ({why}); its \
             outcome is unknown: run `lipa sync` to check it, and do not send it again"
        ),
        sw: format!(
            "ombi lilitumwa lakini jibu lake halikuandikika kwenye daftari ({why}); matokeo \
             hayajulikani: endesha `lipa sync` kulikagua, na usilitume tena"
        ),
    }
    fn heard_not_recorded(said: &str = "paid", why: &str = "database or disk is full") {
        en: format!(
            "checking: the provider says {said}, but the journal cannot record it ({why}); not \
             final until recorded: run `lipa sync` once the journal can write"
        ),
        sw: format!(
            "inauliza: mtoa huduma anasema {said}, lakini daftari haliwezi kuliandika ({why}); \
             si la mwisho hadi liandikwe: endesha `lipa sync` daftari likiweza kuandika"
        ),
    }
    fn none_heard_not_recorded(answered: bool = false, why: &str = "database or disk is full") {
        en: format!(
            "checking: {}, and the journal cannot record ({why}); the customer may have \
             answered: run `lipa sync` once the journal can write",
            if answered { "the provider has no record of it yet" } else { "the provider could not be asked" }
        ),
        sw: format!(
            "inauliza: {}, na daftari haliwezi kuandika ({why}); huenda mteja amejibu: endesha \
             `lipa sync` daftari likiweza kuandika",
            if answered { "mtoa huduma bado hana kumbukumbu yake" } else { "mtoa huduma hakuweza kuulizwa" }
        ),
    }
    fn waiting_for_customer(reference: &str = "LP7K3MQ9XR4TZ", secs: u64 = 90) {
        en: format!("{reference}: prompt sent, waiting up to {secs} s for the customer"),
        sw: format!("{reference}: ombi limetumwa, inamsubiri mteja hadi sekunde {secs}"),
    }
    fn dry_run_message(network: &str = "Vodacom M-Pesa", channel: Option<&str> = Some("63902")) {
        en: match channel {
            Some(c) => format!("not sent (dry run); {network}, channel {c}"),
            None => format!("not sent (dry run); {network}"),
        },
        sw: match channel {
            Some(c) => format!("haijatumwa (ukaguzi tu, --dry-run); {network}, njia {c}"),
            None => format!("haijatumwa (ukaguzi tu, --dry-run); {network}"),
        },
    }
    fn sync_nothing() {
        en: "nothing to sync: every payment in the journal is paid, failed, or checked by a person",
        sw: "hakuna cha kufuatilia: kila malipo kwenye daftari yamelipwa, yameshindwa, au yamekaguliwa na mtu",
    }
    fn provider_not_configured(p: &str = "Pesa") {
        en: format!("{p} is not configured here; cannot re-check"),
        sw: format!("{p} haijawekwa hapa; haiwezi kuuliza tena"),
    }
    fn no_terminal() {
        en: "lipa's console needs a terminal. Over SSH use `ssh -t host lipa`; from a script use \
             `lipa push` or `lipa sync` (see `lipa --help`).",
        sw: "Dirisha la lipa linahitaji terminal. Kupitia SSH tumia `ssh -t host lipa`; kwenye \
             skripti tumia `lipa push` au `lipa sync` (ona `lipa --help`).",
    }
    fn demo_already_running(dir: &str = "/home/rehema/.local/share/lipa/demo") {
        en: format!(
            "a demo already runs on {dir}: use that one, or end it first (each demo has its own \
             simulated provider, which knows only its own payments)"
        ),
        sw: format!(
            "majaribio yanaendelea tayari kwenye {dir}: tumia hayo, au yafunge kwanza (kila \
             majaribio lina mtoa huduma wake wa kuigwa, anayejua malipo yake tu)"
        ),
    }
    fn demo_failed(reason: &str = "address in use") {
        en: format!("could not start the built-in demo simulator: {reason}"),
        sw: format!("kifaa cha majaribio kilichojengwa ndani hakikuanza: {reason}"),
    }
}

/// The status word of a headless human line: English as in JSON, or Kiswahili.
pub fn status_human(lang: Lang, word: &str) -> String {
    let sw = match word {
        "paid" => "imelipwa",
        "failed" => "imeshindwa",
        "pending" => "inasubiri",
        "unknown" => "jibu-halipo",
        "attention" => "kagua",
        "dry-run" => "ukaguzi-tu",
        "invalid" => "si-sahihi",
        "duplicate" => "marudio",
        "error" => "hitilafu",
        other => other,
    };
    match lang {
        Lang::En => word.to_string(),
        Lang::Sw => sw.to_string(),
    }
}
