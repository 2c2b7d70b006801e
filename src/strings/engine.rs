//! The engine's and the journal's errors, as a person reads them.

use std::fmt::Display;
use std::path::Path;

sentences! {
    fn journal_open(path: &Path = Path::new("/var/lib/lipa/journal.sqlite3"),
                    source: &dyn Display = &"disk I/O error") {
        en: format!("journal {}: {source}", path.display()),
        sw: format!("daftari {}: {source}", path.display()),
    }
    fn journal_sqlite(source: &dyn Display = &"database is locked") {
        en: format!("journal: {source}"),
        sw: format!("daftari: {source}"),
    }
    fn reference_in_journal(reference: &str = "LP7K3MQ9XR4TZ") {
        en: format!("reference {reference} is already in the journal"),
        sw: format!("kumbukumbu {reference} tayari iko kwenye daftari"),
    }
    fn journal_corrupt(what: &str = "timestamp x") {
        en: format!("journal holds a value lipa cannot read: {what}"),
        sw: format!("daftari lina thamani ambayo lipa haiwezi kusoma: {what}"),
    }
    fn journal_needs_migration(path: &Path = Path::new("/mnt/backup/lipa/journal.sqlite3"), version: usize = 7, now: usize = 9) {
        en: format!(
            "journal {} can only be read here, and an older lipa wrote it (schema {version}; this lipa reads {now}): bringing it up to date means writing it. Copy it where it can be written, or read it with the lipa that wrote it",
            path.display()
        ),
        sw: format!(
            "daftari {} linaweza kusomwa tu hapa, na liliandikwa na lipa ya zamani (toleo {version}; lipa hii inasoma {now}): kulisasisha ni kuliandika. Linakili mahali linapoweza kuandikwa, au lisome kwa lipa iliyoliandika",
            path.display()
        ),
    }
    fn journal_too_new(version: usize = 9) {
        en: format!(
            "journal schema version {version} is newer than this lipa understands; upgrade lipa"
        ),
        sw: format!(
            "toleo {version} la daftari ni jipya kuliko lipa hii inavyoelewa; sasisha lipa"
        ),
    }
    fn ledger_refused_connection() {
        en: "the ledger's server refused the connection: is PostgreSQL running there?".to_string(),
        sw: "seva ya daftari kuu ilikataa muunganisho: je, PostgreSQL inaendesha huko?".to_string(),
    }
    fn ledger_timed_out() {
        en: "the ledger's server did not answer in time: the network or the server".to_string(),
        sw: "seva ya daftari kuu haikujibu kwa wakati: mtandao au seva".to_string(),
    }
    fn ledger_no_host() {
        en: "the ledger's host name was not found: check database_url and the network".to_string(),
        sw: "jina la seva ya daftari kuu halikupatikana: angalia database_url na mtandao".to_string(),
    }
    fn ledger_tls_failed() {
        en: "the secure connection (TLS) to the ledger failed: its certificate, or sslmode".to_string(),
        sw: "muunganisho salama (TLS) na daftari kuu umeshindwa: cheti chake, au sslmode".to_string(),
    }
    fn ledger_login_refused() {
        en: "the ledger refused the user name or password in database_url".to_string(),
        sw: "daftari kuu lilikataa jina la mtumiaji au nenosiri lililo kwenye database_url".to_string(),
    }
    fn journal_disk_full(detail: &dyn Display = &"database or disk is full") {
        en: format!("the disk is full ({detail})"),
        sw: format!("diski imejaa ({detail})"),
    }
    fn journal_dir_not_writable(detail: &dyn Display = &"unable to open database file") {
        en: format!("its directory cannot be written, or is missing ({detail})"),
        sw: format!("saraka yake haiwezi kuandikwa, au haipo ({detail})"),
    }
    fn journal_io_error(detail: &dyn Display = &"disk I/O error") {
        en: format!("the disk could not be read or written: full or failing? ({detail})"),
        sw: format!("diski haikuweza kusomwa au kuandikwa: imejaa au ina hitilafu? ({detail})"),
    }
    fn ledger_unreachable(why: &str = "connection refused") {
        en: format!("ledger unreachable ({why})"),
        sw: format!("daftari kuu halipatikani ({why})"),
    }
    fn ledger_cannot_send(why: &str = "connection refused") {
        en: format!("ledger unreachable — cannot send ({why}); nothing was sent"),
        sw: format!("daftari kuu halipatikani — haiwezi kutuma ({why}); hakuna kilichotumwa"),
    }
    fn ledger_bad_ca(why: &str = "/etc/lipa/ca.pem: no certificate in it") {
        en: format!("the shared ledger's CA file (sslrootcert) cannot be used: {why}"),
        sw: format!("faili la CA la daftari kuu (sslrootcert) haliwezi kutumika: {why}"),
    }
    fn ledger_tls_off(url: &str = "postgres://till:***@db/lipa?sslmode=disable&sslrootcert=/etc/lipa/ca.pem") {
        en: format!(
            "database_url {url} names a CA (sslrootcert) and says sslmode=disable: with a CA named, \
             lipa speaks to the ledger only over TLS; write sslmode=verify-full, or leave out sslrootcert"
        ),
        sw: format!(
            "database_url {url} inataja CA (sslrootcert) pamoja na sslmode=disable: CA ikitajwa, \
             lipa huwasiliana na daftari kuu kwa TLS tu; andika sslmode=verify-full, au ondoa sslrootcert"
        ),
    }
    fn ledger_refused(why: &str = "permission denied for table payments") {
        en: format!("the shared ledger refused: {why}"),
        sw: format!("daftari kuu limekataa: {why}"),
    }
    fn ledger_bad_url(url: &str = "mysql://till@db/lipa") {
        en: format!(
            "database_url {url} is not one lipa can use: write postgres://USER:PASSWORD@HOST/DATABASE"
        ),
        sw: format!(
            "database_url {url} haitumiki kwa lipa: andika postgres://USER:PASSWORD@HOST/DATABASE"
        ),
    }
    fn not_configured(provider: &dyn Display = &"Pesa") {
        en: format!("{provider} is not configured"),
        sw: format!("{provider} haijasanidiwa"),
    }
    fn no_such_payment(id: i64 = 12) {
        en: format!("no payment with id {id}"),
        sw: format!("hakuna malipo yenye namba {id}"),
    }
    /// A send refused by the operator's rights as they stand now.
    fn not_allowed_any() {
        en: "Not sent: you may not send payments any more (your line in the operators list \
             changed). Nothing was charged.",
        sw: "Haijatumwa: huruhusiwi tena kutuma malipo (mstari wako kwenye orodha ya wahudumu \
             umebadilika). Hakuna kilichotozwa.",
    }
    fn not_allowed_provider(provider: &dyn Display = &"Pesa") {
        en: format!("Not sent: you may not send {provider} payments. Nothing was charged."),
        sw: format!("Haijatumwa: huruhusiwi kutuma malipo ya {provider}. Hakuna kilichotozwa."),
    }
    fn prompt_open(reference: &str = "LP7K3MQ9XR4T") {
        en: format!(
            "Not sent: this phone already has a prompt waiting ({reference}). One prompt at a \
             time: wait for its answer. Nothing was charged."
        ),
        sw: format!(
            "Haijatumwa: simu hii tayari ina ombi linalosubiri ({reference}). Ombi moja kwa \
             wakati mmoja: subiri jibu lake. Hakuna kilichotozwa."
        ),
    }
    fn not_allowed_amount(amount: &str = "TZS 400,000", max: &str = "TZS 1,000") {
        en: format!(
            "Not sent: {amount} is over your limit of {max} per payment. Nothing was charged."
        ),
        sw: format!(
            "Haijatumwa: {amount} ni zaidi ya kikomo chako cha {max} kwa malipo moja. Hakuna \
             kilichotozwa."
        ),
    }
    fn task_failed(reason: &str = "panicked") {
        en: format!("background task failed: {reason}"),
        sw: format!("kazi ya nyuma imeshindwa: {reason}"),
    }
    fn stopping() {
        en: "lipa is stopping",
        sw: "lipa inasimama",
    }
    /// The duplicate guard refused: a payment like this was recorded lately.
    fn duplicate(amount: &str = "TZS 1,500", phone: &str = "+255 712 ••• 670",
                 at: &str = "09:41:07 UTC", status: &str = "pending",
                 reference: &str = "LP7K3MQ9XR4TZ") {
        en: format!(
            "a payment of {amount} to {phone} was recorded at {at} ({status}, reference \
             {reference}); nothing was sent"
        ),
        sw: format!(
            "malipo ya {amount} kwa {phone} yaliandikwa saa {at} ({status}, kumbukumbu \
             {reference}); hakuna kilichotumwa"
        ),
    }
}

/// [`duplicate`] for a payment.
pub fn duplicate_of(lang: crate::lang::Lang, p: &crate::payment::Payment) -> String {
    duplicate(
        lang,
        &p.amount.to_string(),
        &p.masked_phone(),
        &recorded_at(p.created_at, chrono::Utc::now()),
        crate::strings::console::status_word(lang, p.status, p.checked),
        p.reference.as_str(),
    )
}

/// When a payment the guard found was recorded: its time, and its date too unless it is
/// within the last twelve hours (the guard also finds an open payment of days ago).
fn recorded_at(at: chrono::DateTime<chrono::Utc>, now: chrono::DateTime<chrono::Utc>) -> String {
    if (now - at).num_hours().abs() < 12 {
        at.format("%H:%M:%S UTC").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::Lang;
    use crate::strings::samples::sample_payment;

    /// The guard now also finds a payment still open from days ago: its time alone would
    /// read as today's.
    #[test]
    fn a_duplicate_of_days_ago_names_its_date() {
        let mut p = sample_payment();
        p.created_at = chrono::Utc::now() - chrono::Duration::days(3);
        let day = p.created_at.format("%Y-%m-%d").to_string();
        for lang in Lang::ALL {
            assert!(duplicate_of(lang, &p).contains(&day), "{lang:?}");
        }
        p.created_at = chrono::Utc::now() - chrono::Duration::minutes(2);
        let day = p.created_at.format("%Y-%m-%d").to_string();
        assert!(!duplicate_of(Lang::En, &p).contains(&day));
    }
}
